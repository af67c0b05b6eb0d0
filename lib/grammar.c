// SPDX-License-Identifier: GPL-2.0-or-later
#include "grammar.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static size_t kw_count(const struct tctl_syntax *syn)
{
	size_t n = 0;

	while (syn->kw[n].word || syn->kw[n].metavar)
		n++;
	return n;
}

static bool is_positional(const struct tctl_kw *kw)
{
	return kw->flags & TCTL_KW_POSITIONAL;
}

static int find_keyword(const struct tctl_syntax *syn, const char *word)
{
	for (size_t i = 0; syn->kw[i].word || syn->kw[i].metavar; i++)
		if (!is_positional(&syn->kw[i]) && !strcmp(syn->kw[i].word, word))
			return (int)i;
	return -1;
}

int tctl_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	int row[64], prev;

	if (la >= 63 || lb >= 63)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = (int)i;
		for (size_t j = 1; j <= lb; j++) {
			int cur = row[j];
			int best = prev + (a[i - 1] != b[j - 1]);

			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = cur;
		}
	}
	return row[lb];
}

const char *tctl_closest(const char *word, const char *const *cands, size_t n)
{
	const char *best = NULL;
	int bestd = 3;

	for (size_t i = 0; i < n; i++) {
		int d = tctl_edit_distance(word, cands[i]);

		if (d < bestd) {
			bestd = d;
			best = cands[i];
		}
	}
	/* A one-letter word is at distance <= 2 of every short keyword. */
	if (best && strlen(word) <= 2 && bestd >= (int)strlen(word))
		return NULL;
	return best;
}

/* "id dst src ttl" : the keywords still allowed, for error messages. */
static void valid_keywords(const struct tctl_syntax *syn, const struct tctl_args *a,
			   char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; syn->kw[i].word || syn->kw[i].metavar; i++) {
		const struct tctl_kw *kw = &syn->kw[i];
		int n;

		if (is_positional(kw) || (a && a->val[i]))
			continue;
		n = snprintf(buf + off, len - off, "%s%s", off ? " " : "", kw->word);
		if (n < 0 || (size_t)n >= len - off)
			break;
		off += n;
	}
}

static int unknown_word(const struct tctl_syntax *syn, const struct tctl_args *a,
			const char *word, struct tctl_err *err)
{
	const char *cands[TCTL_MAX_KW];
	char valid[512];
	const char *near;
	size_t n = 0;

	for (size_t i = 0; syn->kw[i].word || syn->kw[i].metavar; i++)
		if (!is_positional(&syn->kw[i]))
			cands[n++] = syn->kw[i].word;
	near = tctl_closest(word, cands, n);
	valid_keywords(syn, a, valid, sizeof(valid));
	if (near)
		return tctl_err_usage(err, "unknown keyword \"%s\" (did you mean \"%s\"?)",
				      word, near);
	if (!valid[0])
		return tctl_err_usage(err, "unexpected word \"%s\"", word);
	return tctl_err_usage(err, "unknown keyword \"%s\"; valid here: %s", word, valid);
}

static int check_choice(const struct tctl_kw *kw, const char *v, struct tctl_err *err)
{
	char list[256] = "";
	size_t off = 0, n = 0;
	const char *near;

	for (n = 0; kw->choices[n]; n++) {
		if (!strcmp(kw->choices[n], v))
			return 0;
		off += snprintf(list + off, off < sizeof(list) ? sizeof(list) - off : 0,
				"%s%s", n ? ", " : "", kw->choices[n]);
	}
	near = tctl_closest(v, kw->choices, n);
	if (near)
		return tctl_err_usage(err, "%s \"%s\" is not valid (did you mean \"%s\"?)",
				      kw->word ? kw->word : kw->metavar, v, near);
	return tctl_err_usage(err, "%s \"%s\" is not valid; expected one of: %s",
			      kw->word ? kw->word : kw->metavar, v, list);
}

static int check_group(const struct tctl_syntax *syn, const struct tctl_args *a,
		       int idx, struct tctl_err *err)
{
	unsigned int g = syn->kw[idx].group;

	if (!g)
		return 0;
	for (size_t i = 0; syn->kw[i].word || syn->kw[i].metavar; i++)
		if ((int)i != idx && syn->kw[i].group == g && a->val[i])
			return tctl_err_usage(err, "\"%s\" and \"%s\" cannot be used together",
					      syn->kw[i].word, syn->kw[idx].word);
	return 0;
}

static int check_required(const struct tctl_syntax *syn, const struct tctl_args *a,
			  struct tctl_err *err)
{
	for (size_t i = 0; syn->kw[i].word || syn->kw[i].metavar; i++) {
		const struct tctl_kw *kw = &syn->kw[i];

		if (!(kw->flags & TCTL_KW_REQUIRED) || a->val[i] ||
		    (kw->unless && tctl_args_has(a, kw->unless)))
			continue;
		if (is_positional(kw))
			return tctl_err_usage(err, "missing %s", kw->metavar);
		if (kw->val == TCTL_VAL_NONE)
			return tctl_err_usage(err, "missing \"%s\"", kw->word);
		return tctl_err_usage(err, "missing \"%s %s\"", kw->word, kw->metavar);
	}
	return 0;
}

int tctl_args_parse(const struct tctl_syntax *syn, int argc, char *const *argv,
		    struct tctl_args *a, struct tctl_err *err)
{
	size_t nkw = kw_count(syn), pos = 0;
	int i = 0;

	memset(a, 0, sizeof(*a));
	a->syn = syn;
	if (nkw > TCTL_MAX_KW)
		return tctl_err_set(err, TCTL_ERR_SYSTEM, E2BIG, "grammar table too long");

	/* Positionals first: each takes the next word that is not a keyword. */
	while (pos < nkw && is_positional(&syn->kw[pos]) && i < argc &&
	       find_keyword(syn, argv[i]) < 0) {
		if (!argv[i][0])
			return tctl_err_usage(err, "empty %s", syn->kw[pos].metavar);
		a->val[pos++] = argv[i++];
	}
	for (; i < argc; i++) {
		int k = find_keyword(syn, argv[i]);
		const struct tctl_kw *kw;

		if (k < 0)
			return unknown_word(syn, a, argv[i], err);
		kw = &syn->kw[k];
		if (a->val[k])
			return tctl_err_usage(err, "keyword \"%s\" given twice", kw->word);
		if (check_group(syn, a, k, err))
			return -EINVAL;
		if (kw->val == TCTL_VAL_NONE) {
			a->val[k] = argv[i];
			continue;
		}
		if (i + 1 >= argc)
			return tctl_err_usage(err, "\"%s\" needs a value (%s)", kw->word,
					      kw->metavar);
		if (!argv[i + 1][0])
			return tctl_err_usage(err, "\"%s\" has an empty value", kw->word);
		a->val[k] = argv[++i];
		if (kw->val == TCTL_VAL_CHOICE && check_choice(kw, a->val[k], err))
			return -EINVAL;
	}
	return check_required(syn, a, err);
}

const char *tctl_args_get(const struct tctl_args *a, const char *name)
{
	for (size_t i = 0; a->syn->kw[i].word || a->syn->kw[i].metavar; i++) {
		const struct tctl_kw *kw = &a->syn->kw[i];
		const char *key = is_positional(kw) ? kw->metavar : kw->word;

		if (!strcmp(key, name))
			return a->val[i];
	}
	return NULL;
}

static size_t usage_word(const struct tctl_syntax *syn, size_t i, char *buf, size_t len)
{
	const struct tctl_kw *kw = &syn->kw[i];
	char body[256];
	bool opt = !(kw->flags & TCTL_KW_REQUIRED);
	int n;

	if (kw->flags & TCTL_KW_ALTERNATIVE)
		return 0;

	if (is_positional(kw)) {
		snprintf(body, sizeof(body), "%s", kw->metavar);
	} else if (kw->val == TCTL_VAL_NONE) {
		/* Show a group of flags once, as {a|b}. */
		if (kw->group) {
			size_t off = 0;

			for (size_t j = 0; j < i; j++)
				if (syn->kw[j].group == kw->group)
					return 0;
			for (size_t j = i; syn->kw[j].word || syn->kw[j].metavar; j++)
				if (syn->kw[j].group == kw->group)
					off += snprintf(body + off, sizeof(body) - off, "%s%s",
							off ? "|" : "", syn->kw[j].word);
		} else {
			snprintf(body, sizeof(body), "%s", kw->word);
		}
	} else if (kw->val == TCTL_VAL_CHOICE) {
		size_t off = snprintf(body, sizeof(body), "%s {", kw->word);

		for (size_t j = 0; kw->choices[j]; j++)
			off += snprintf(body + off, sizeof(body) - off, "%s%s",
					j ? "|" : "", kw->choices[j]);
		snprintf(body + off, sizeof(body) - off, "}");
	} else {
		snprintf(body, sizeof(body), "%s %s", kw->word, kw->metavar);
	}
	n = snprintf(buf, len, opt ? " [%s]" : " %s", body);
	return n < 0 ? 0 : (size_t)n;
}

void tctl_syntax_usage(const struct tctl_syntax *syn, char *buf, size_t len)
{
	size_t off = snprintf(buf, len, "%s%s%s", syn->object, syn->verb[0] ? " " : "",
			      syn->verb);

	for (size_t i = 0; (syn->kw[i].word || syn->kw[i].metavar) && off < len; i++)
		off += usage_word(syn, i, buf + off, len - off);
}

static void add_word(struct tctl_next *next, const char *w)
{
	if (next->nwords < TCTL_MAX_KW)
		next->words[next->nwords++] = w;
}

void tctl_syntax_next(const struct tctl_syntax *syn, int argc, char *const *argv,
		      struct tctl_next *next)
{
	struct tctl_args a = { .syn = syn };
	size_t nkw = kw_count(syn), pos = 0;
	int i = 0;

	memset(next, 0, sizeof(*next));
	while (pos < nkw && is_positional(&syn->kw[pos]) && i < argc &&
	       find_keyword(syn, argv[i]) < 0)
		a.val[pos++] = argv[i++];
	for (; i < argc; i++) {
		int k = find_keyword(syn, argv[i]);

		if (k < 0)
			continue;	/* a typo: keep completing what follows */
		a.val[k] = argv[i];
		if (syn->kw[k].val == TCTL_VAL_NONE)
			continue;
		if (i + 1 >= argc) {
			next->val = syn->kw[k].val;
			next->kw = &syn->kw[k];
			return;
		}
		i++;
	}
	/* A positional is due: offer its values, and keywords unless required. */
	if (pos < nkw && is_positional(&syn->kw[pos]) && argc == (int)pos) {
		next->val = syn->kw[pos].val;
		next->kw = &syn->kw[pos];
		if (syn->kw[pos].flags & TCTL_KW_REQUIRED)
			return;
	}
	for (size_t k = 0; k < nkw; k++) {
		const struct tctl_kw *kw = &syn->kw[k];
		bool excluded = false;

		if (is_positional(kw) || a.val[k])
			continue;
		for (size_t j = 0; kw->group && j < nkw; j++)
			if (j != k && syn->kw[j].group == kw->group && a.val[j])
				excluded = true;
		if (!excluded)
			add_word(next, kw->word);
	}
}

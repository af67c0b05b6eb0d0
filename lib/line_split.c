// SPDX-License-Identifier: GPL-2.0-or-later
#include "line_split.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Copy one word from *p into *out (NUL-terminated); *p ends after it. */
static int one_word(const char **p, char **out, struct tctl_err *err)
{
	const char *s = *p;
	char *o = *out;

	for (; *s && !is_blank(*s); s++) {
		if (*s == '\\') {
			if (!*++s)
				return tctl_err_usage(err, "the line ends in a backslash");
			*o++ = *s;
		} else if (*s == '\'') {
			const char *end = strchr(s + 1, '\'');

			if (!end)
				return tctl_err_usage(err, "unterminated ' quote");
			memcpy(o, s + 1, (size_t)(end - s - 1));
			o += end - s - 1;
			s = end;
		} else if (*s == '"') {
			for (s++; *s && *s != '"'; s++) {
				if (*s == '\\' && s[1] && strchr("\"\\$`", s[1]))
					s++;
				*o++ = *s;
			}
			if (!*s)
				return tctl_err_usage(err, "unterminated \" quote");
		} else {
			*o++ = *s;
		}
	}
	*o++ = '\0';
	*p = s;
	*out = o;
	return 0;
}

int tctl_line_split(const char *line, struct tctl_words *w, struct tctl_err *err)
{
	size_t len = strlen(line), cap = len / 2 + 2;
	const char *p = line;
	char *o;

	memset(w, 0, sizeof(*w));
	/* Each word costs at least one character of the line, plus its NUL. */
	w->buf = malloc(2 * len + 2);
	w->v = calloc(cap, sizeof(*w->v));
	if (!w->buf || !w->v)
		return tctl_err_nomem(err);
	o = w->buf;
	for (;;) {
		while (is_blank(*p))
			p++;
		if (!*p || *p == '#')
			break;
		if (w->n + 1 >= cap) {
			char **v = realloc(w->v, 2 * cap * sizeof(*v));

			if (!v)
				return tctl_err_nomem(err);
			w->v = v;
			cap *= 2;
		}
		w->v[w->n] = o;
		if (one_word(&p, &o, err))
			return -EINVAL;
		w->n++;
	}
	w->v[w->n] = NULL;
	return 0;
}

void tctl_words_free(struct tctl_words *w)
{
	free(w->v);
	free(w->buf);
	memset(w, 0, sizeof(*w));
}

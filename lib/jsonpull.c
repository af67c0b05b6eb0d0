// SPDX-License-Identifier: GPL-2.0-or-later
#include "jsonpull.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What may come next, from the grammar. */
enum expect {
	X_VALUE,		/* document start, after ':' or after ',' in an array */
	X_VALUE_OR_END,		/* after '[' */
	X_KEY,			/* after ',' in an object */
	X_KEY_OR_END,		/* after '{' */
	X_COMMA_OR_END,		/* after a value inside a container */
	X_EOF,			/* after the top-level value */
};

static enum expect expect_of(const struct jp *j)
{
	return (enum expect)j->expect;
}

static void set_expect(struct jp *j, enum expect x)
{
	j->expect = x;
}

static enum jp_tok fail(struct jp *j, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(j->err, sizeof(j->err), fmt, ap);
	va_end(ap);
	j->tok_line = j->line;
	j->tok = JP_ERROR;
	return JP_ERROR;
}

void jp_init(struct jp *j, const char *text, size_t len)
{
	memset(j, 0, sizeof(*j));
	j->p = text;
	j->end = text + len;
	j->line = 1;
	set_expect(j, X_VALUE);
}

void jp_free(struct jp *j)
{
	free(j->buf);
	j->buf = NULL;
}

static void skip_ws(struct jp *j)
{
	for (; j->p < j->end; j->p++) {
		if (*j->p == '\n')
			j->line++;
		else if (*j->p != ' ' && *j->p != '\t' && *j->p != '\r')
			break;
	}
}

static bool put(struct jp *j, size_t *n, char c)
{
	if (*n + 1 >= j->bufcap) {
		size_t cap = j->bufcap ? j->bufcap * 2 : 256;
		char *nb = realloc(j->buf, cap);

		if (!nb)
			return false;
		j->buf = nb;
		j->bufcap = cap;
	}
	j->buf[(*n)++] = c;
	return true;
}

static bool put_utf8(struct jp *j, size_t *n, unsigned long cp)
{
	if (cp < 0x80)
		return put(j, n, (char)cp);
	if (cp < 0x800)
		return put(j, n, (char)(0xc0 | cp >> 6)) && put(j, n, (char)(0x80 | (cp & 0x3f)));
	if (cp < 0x10000)
		return put(j, n, (char)(0xe0 | cp >> 12)) &&
		       put(j, n, (char)(0x80 | ((cp >> 6) & 0x3f))) &&
		       put(j, n, (char)(0x80 | (cp & 0x3f)));
	return put(j, n, (char)(0xf0 | cp >> 18)) && put(j, n, (char)(0x80 | ((cp >> 12) & 0x3f))) &&
	       put(j, n, (char)(0x80 | ((cp >> 6) & 0x3f))) && put(j, n, (char)(0x80 | (cp & 0x3f)));
}

static int hex4(const char *p, const char *end)
{
	int v = 0;

	if (end - p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/* \uXXXX, and its low half when it is a surrogate pair; j->p is after "\u". */
static bool unicode_escape(struct jp *j, size_t *n)
{
	int hi = hex4(j->p, j->end), lo;
	unsigned long cp;

	if (hi < 0)
		return false;
	j->p += 4;
	cp = (unsigned long)hi;
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return false;
	if (hi >= 0xd800 && hi <= 0xdbff) {
		if (j->end - j->p < 6 || j->p[0] != '\\' || j->p[1] != 'u')
			return false;
		lo = hex4(j->p + 2, j->end);
		if (lo < 0xdc00 || lo > 0xdfff)
			return false;
		j->p += 6;
		cp = 0x10000 + (((unsigned long)hi - 0xd800) << 10) + ((unsigned long)lo - 0xdc00);
	}
	/* A NUL would end the C string early and hide what follows. */
	return cp != 0 && put_utf8(j, n, cp);
}

static bool escape(struct jp *j, size_t *n)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *at;

	if (j->p >= j->end)
		return false;
	if (*j->p == 'u') {
		j->p++;
		return unicode_escape(j, n);
	}
	at = strchr(from, *j->p);
	if (!at || !*j->p)
		return false;
	j->p++;
	return put(j, n, to[at - from]);
}

/* A string; j->p is at its opening quote. */
static enum jp_tok string(struct jp *j, enum jp_tok tok)
{
	size_t n = 0;

	j->p++;
	for (;;) {
		unsigned char c;

		if (j->p >= j->end)
			return fail(j, "a string does not end");
		c = (unsigned char)*j->p++;
		if (c == '"')
			break;
		if (c < 0x20)
			return fail(j, "a control character inside a string");
		if (c == '\\') {
			if (!escape(j, &n))
				return fail(j, "a bad escape in a string");
			continue;
		}
		if (!put(j, &n, (char)c))
			return fail(j, "out of memory");
	}
	if (!put(j, &n, '\0'))
		return fail(j, "out of memory");
	j->text = j->buf;
	j->len = n - 1;
	j->tok = tok;
	return tok;
}

static bool digits(struct jp *j)
{
	const char *start = j->p;

	while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
		j->p++;
	return j->p > start;
}

static bool delimiter(const struct jp *j)
{
	return j->p >= j->end || strchr(" \t\r\n,]}", *j->p);
}

/* -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static enum jp_tok number(struct jp *j)
{
	const char *start = j->p;

	if (*j->p == '-')
		j->p++;
	if (j->p < j->end && *j->p == '0')
		j->p++;
	else if (!digits(j))
		return fail(j, "a malformed number");
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (!digits(j))
			return fail(j, "a malformed number");
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (!digits(j))
			return fail(j, "a malformed number");
	}
	if (!delimiter(j))
		return fail(j, "a malformed number");
	j->text = start;
	j->len = (size_t)(j->p - start);
	j->tok = JP_NUMBER;
	return JP_NUMBER;
}

static enum jp_tok literal(struct jp *j, const char *word, enum jp_tok tok)
{
	size_t n = strlen(word);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n))
		return fail(j, "unexpected character");
	j->p += n;
	if (!delimiter(j))
		return fail(j, "unexpected character");
	j->text = word;
	j->len = n;
	j->tok = tok;
	return tok;
}

static void after_value(struct jp *j)
{
	set_expect(j, j->depth ? X_COMMA_OR_END : X_EOF);
}

static enum jp_tok open_container(struct jp *j, char kind, enum jp_tok tok)
{
	if (j->depth == JP_MAX_DEPTH)
		return fail(j, "nested more than %d deep", JP_MAX_DEPTH);
	j->stack[j->depth++] = kind;
	j->p++;
	set_expect(j, kind == '{' ? X_KEY_OR_END : X_VALUE_OR_END);
	j->tok = tok;
	return tok;
}

static enum jp_tok close_container(struct jp *j, enum jp_tok tok)
{
	j->depth--;
	j->p++;
	after_value(j);
	j->tok = tok;
	return tok;
}

static enum jp_tok value(struct jp *j)
{
	enum jp_tok t;

	switch (*j->p) {
	case '{':
		return open_container(j, '{', JP_OBJECT);
	case '[':
		return open_container(j, '[', JP_ARRAY);
	case '"':
		t = string(j, JP_STRING);
		break;
	case 't':
		t = literal(j, "true", JP_TRUE);
		break;
	case 'f':
		t = literal(j, "false", JP_FALSE);
		break;
	case 'n':
		t = literal(j, "null", JP_NULL);
		break;
	default:
		if (*j->p == '-' || (*j->p >= '0' && *j->p <= '9'))
			t = number(j);
		else
			return fail(j, "unexpected character");
	}
	if (t != JP_ERROR)
		after_value(j);
	return t;
}

static enum jp_tok key(struct jp *j)
{
	if (*j->p != '"')
		return fail(j, "expected a member name in double quotes");
	if (string(j, JP_KEY) == JP_ERROR)
		return JP_ERROR;
	skip_ws(j);
	if (j->p >= j->end || *j->p != ':')
		return fail(j, "expected ':' after a member name");
	j->p++;
	set_expect(j, X_VALUE);
	return JP_KEY;
}

static enum jp_tok comma_or_end(struct jp *j)
{
	char top = j->stack[j->depth - 1];

	if (*j->p == ',') {
		j->p++;
		set_expect(j, top == '{' ? X_KEY : X_VALUE);
		return jp_next(j);
	}
	if (top == '{' && *j->p == '}')
		return close_container(j, JP_OBJECT_END);
	if (top == '[' && *j->p == ']')
		return close_container(j, JP_ARRAY_END);
	return fail(j, "expected ',' or '%c'", top == '{' ? '}' : ']');
}

enum jp_tok jp_next(struct jp *j)
{
	if (j->tok == JP_ERROR && j->started)
		return JP_ERROR;
	j->started = true;
	skip_ws(j);
	j->tok_line = j->line;
	if (j->p >= j->end) {
		if (expect_of(j) == X_EOF) {
			j->tok = JP_END;
			return JP_END;
		}
		return fail(j, "the document ends too early");
	}
	switch (expect_of(j)) {
	case X_EOF:
		return fail(j, "text after the end of the document");
	case X_COMMA_OR_END:
		return comma_or_end(j);
	case X_KEY_OR_END:
		if (*j->p == '}')
			return close_container(j, JP_OBJECT_END);
		return key(j);
	case X_KEY:
		return key(j);
	case X_VALUE_OR_END:
		if (*j->p == ']')
			return close_container(j, JP_ARRAY_END);
		return value(j);
	default:
		return value(j);
	}
}

bool jp_skip(struct jp *j)
{
	int depth = j->depth;

	if (j->tok == JP_ERROR)
		return false;
	if (j->tok != JP_OBJECT && j->tok != JP_ARRAY)
		return true;
	while (j->depth >= depth) {
		if (jp_next(j) == JP_ERROR)
			return false;
	}
	return true;
}

int jp_uint(const struct jp *j, uint64_t *out, bool *negative)
{
	const char *p = j->text, *end = j->text + j->len;
	uint64_t v = 0;

	*negative = p < end && *p == '-';
	if (*negative)
		p++;
	for (const char *q = p; q < end; q++)
		if (*q == '.' || *q == 'e' || *q == 'E')
			return -EINVAL;
	for (; p < end; p++) {
		unsigned d = (unsigned)(*p - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

const char *jp_tok_name(enum jp_tok tok)
{
	switch (tok) {
	case JP_OBJECT:
		return "an object";
	case JP_ARRAY:
		return "an array";
	case JP_STRING:
		return "a string";
	case JP_NUMBER:
		return "a number";
	case JP_TRUE:
	case JP_FALSE:
		return "a boolean";
	case JP_NULL:
		return "null";
	default:
		return "nothing";
	}
}

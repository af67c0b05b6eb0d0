/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A pull parser for strict JSON (RFC 8259): the caller asks for one token
 * at a time and keeps no tree.  The peer list is read with it because a
 * tree of 100,000 peers costs json-c 0.4 s and 145 MB before a single
 * field is looked at (measured), where the list itself is what the node
 * needs to keep.  Every token knows its line, so every problem found in a
 * peer list can name one.  JSON output stays with json-c.
 */
#ifndef TCTL_JSONPULL_H
#define TCTL_JSONPULL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum jp_tok {
	JP_ERROR = -1,
	JP_END = 0,		/* after the document */
	JP_OBJECT,		/* { */
	JP_OBJECT_END,		/* } */
	JP_ARRAY,		/* [ */
	JP_ARRAY_END,		/* ] */
	JP_KEY,			/* a member name: text/len */
	JP_STRING,		/* text/len, unescaped */
	JP_NUMBER,		/* text/len as written; see jp_uint() */
	JP_TRUE,
	JP_FALSE,
	JP_NULL,
};

#define JP_MAX_DEPTH 64

struct jp {
	const char *p, *end;
	int line;
	/* The token just read. */
	enum jp_tok tok;
	int tok_line;
	const char *text;	/* for strings: jp's own buffer, NUL-terminated */
	size_t len;
	/* Grammar state. */
	char stack[JP_MAX_DEPTH];	/* '{' or '[' per open container */
	int depth;
	int expect;		/* what the grammar allows next (jsonpull.c) */
	bool started;
	char *buf;		/* unescaped string */
	size_t bufcap;
	char err[160];
};

void jp_init(struct jp *j, const char *text, size_t len);
void jp_free(struct jp *j);

/* Read the next token; JP_ERROR leaves the reason in j->err. */
enum jp_tok jp_next(struct jp *j);

/*
 * Skip the value that starts with the token just read (a scalar, or a whole
 * object or array); returns false on a syntax error.
 */
bool jp_skip(struct jp *j);

/* The number just read as an integer: 0, or -ERANGE / -EINVAL (a fraction). */
int jp_uint(const struct jp *j, uint64_t *out, bool *negative);

/* "a string", "an object", ... for messages. */
const char *jp_tok_name(enum jp_tok tok);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The grammar is data.  A command's syntax is a table of keywords; the same
 * table drives argument parsing, the "did you mean" and "valid here" parts
 * of errors, the usage line, and completion (shell and bash).
 *
 * Shape of a command line after OBJECT VERB:
 *     POSITIONAL... { KEYWORD [VALUE] }...
 * Positionals come first, in table order.  Each keyword may appear once;
 * keywords sharing a nonzero group exclude each other (key / nokey).
 */
#ifndef TCTL_GRAMMAR_H
#define TCTL_GRAMMAR_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* What a value is: decides completion and the usage placeholder. */
enum tctl_val {
	TCTL_VAL_NONE = 0,	/* a flag keyword, no value */
	TCTL_VAL_TEXT,
	TCTL_VAL_NUMBER,
	TCTL_VAL_ADDR,
	TCTL_VAL_PREFIX,	/* a prefix to create: nothing to complete */
	TCTL_VAL_ROUTE,		/* an existing encap route's prefix */
	TCTL_VAL_DEVICE,	/* any existing device */
	TCTL_VAL_TUNDEV,	/* an existing tunnel device */
	TCTL_VAL_NEWDEV,	/* a device name to create */
	TCTL_VAL_CHOICE,	/* one of kw->choices */
	TCTL_VAL_TABLE,
	TCTL_VAL_FILE,		/* a file name */
	TCTL_VAL_NHID,		/* an existing nexthop object's id */
};

#define TCTL_KW_REQUIRED	0x1
#define TCTL_KW_POSITIONAL	0x2
/* Part of the other form (usage_extra), not of the generated usage line. */
#define TCTL_KW_ALTERNATIVE	0x4

struct tctl_kw {
	const char *word;		/* keyword; NULL for a positional */
	const char *metavar;		/* "ID", "ADDR"; the name of a positional */
	enum tctl_val val;
	const char *const *choices;	/* NULL-terminated, for TCTL_VAL_CHOICE */
	unsigned int flags;
	unsigned int group;
	const char *help;
	/* With TCTL_KW_REQUIRED: not required when this other keyword is given. */
	const char *unless;
};

struct tctl_syntax {
	const char *object;
	const char *verb;
	const struct tctl_kw *kw;	/* terminated by an all-zero entry */
	const char *summary;
	/* A second form of the command, for usage and help. */
	const char *usage_extra;
};

#define TCTL_MAX_KW 24

/* The words of one command line, sorted by keyword. */
struct tctl_args {
	const struct tctl_syntax *syn;
	const char *val[TCTL_MAX_KW];	/* value, or the word of a flag */
};

int tctl_args_parse(const struct tctl_syntax *syn, int argc, char *const *argv,
		    struct tctl_args *a, struct tctl_err *err);

/* Look a keyword up by its word, or a positional by its metavar. */
const char *tctl_args_get(const struct tctl_args *a, const char *name);
static inline bool tctl_args_has(const struct tctl_args *a, const char *name)
{
	return tctl_args_get(a, name) != NULL;
}

/* "route add PREFIX [encap {ip|ip6}] id ID dst ADDR ..." */
void tctl_syntax_usage(const struct tctl_syntax *syn, char *buf, size_t len);

/* Levenshtein distance, for "did you mean". */
int tctl_edit_distance(const char *a, const char *b);
/* The candidate closest to word (distance <= 2), or NULL. */
const char *tctl_closest(const char *word, const char *const *cands, size_t n);

/*
 * Completion: given the complete words typed so far after OBJECT VERB,
 * what may come next.  Either a value of kind val (of keyword kw), or one
 * of the listed keywords.
 */
struct tctl_next {
	enum tctl_val val;		/* TCTL_VAL_NONE: complete keywords */
	const struct tctl_kw *kw;	/* the keyword whose value is due */
	const char *words[TCTL_MAX_KW];
	size_t nwords;
};

void tctl_syntax_next(const struct tctl_syntax *syn, int argc, char *const *argv,
		      struct tctl_next *next);

#endif

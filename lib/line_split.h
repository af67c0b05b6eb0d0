/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One command line split into words the way a POSIX shell would, without
 * expansions: blanks separate words; 'single quotes' keep everything;
 * "double quotes" keep everything but a backslash before " \ $ or `;
 * a backslash outside quotes keeps the next character; an unquoted # at
 * the start of a word begins a comment.  The shell and batch mode (-b)
 * split their lines with it.
 */
#ifndef TCTL_LINE_SPLIT_H
#define TCTL_LINE_SPLIT_H

#include <stddef.h>

#include "error.h"

struct tctl_words {
	char **v;	/* n words, then NULL */
	size_t n;
	char *buf;	/* the words' characters, owned here */
};

/* Split line into w (free with tctl_words_free, also after a failure). */
int tctl_line_split(const char *line, struct tctl_words *w, struct tctl_err *err);
void tctl_words_free(struct tctl_words *w);

#endif

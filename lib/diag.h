/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Diagnostics: the problems found in an input, all of them, each with the
 * place it concerns (a JSON path like "peers[3].prefixes[1]", and a line
 * where one is known).  Validation reports every one at once.
 */
#ifndef TCTL_DIAG_H
#define TCTL_DIAG_H

#include <stddef.h>

struct tctl_diag {
	char *path;	/* "" for the document as a whole */
	int line;	/* 0 when unknown */
	char *msg;
};

struct tctl_diags {
	struct tctl_diag *v;
	size_t n, cap;
	size_t max;	/* stop collecting after this many (0: no limit) */
	size_t dropped;
};

/* Record one; out of memory is counted as dropped, never fatal. */
void tctl_diag_add(struct tctl_diags *d, const char *path, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void tctl_diags_free(struct tctl_diags *d);

#endif

// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE
#include "doctor.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int tctl_findings_add(struct tctl_findings *f, const char *check, enum tctl_doc_status st,
		      const char *fix, const char *fmt, ...)
{
	struct tctl_finding *x;
	va_list ap;
	int n;

	if (f->n == f->cap) {
		size_t ncap = f->cap ? f->cap * 2 : 16;
		struct tctl_finding *nv = realloc(f->v, ncap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		f->v = nv;
		f->cap = ncap;
	}
	x = &f->v[f->n];
	memset(x, 0, sizeof(*x));
	x->status = st;
	va_start(ap, fmt);
	n = vasprintf(&x->message, fmt, ap);
	va_end(ap);
	x->check = strdup(check);
	x->fix = fix ? strdup(fix) : NULL;
	if (n < 0 || !x->check || (fix && !x->fix)) {
		if (n >= 0)
			free(x->message);
		free(x->check);
		free(x->fix);
		return -ENOMEM;
	}
	f->n++;
	return 0;
}

void tctl_findings_free(struct tctl_findings *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].check);
		free(f->v[i].message);
		free(f->v[i].fix);
	}
	free(f->v);
	memset(f, 0, sizeof(*f));
}

enum tctl_doc_status tctl_findings_worst(const struct tctl_findings *f)
{
	enum tctl_doc_status w = TCTL_DOC_OK;

	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].status > w)
			w = f->v[i].status;
	return w;
}

const char *tctl_doc_status_name(enum tctl_doc_status st)
{
	return st == TCTL_DOC_OK ? "ok" : st == TCTL_DOC_WARN ? "warn" : "error";
}

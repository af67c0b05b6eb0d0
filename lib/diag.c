// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tctl_diag_add(struct tctl_diags *d, const char *path, int line, const char *fmt, ...)
{
	struct tctl_diag *slot;
	va_list ap;
	char *msg;

	if (d->max && d->n >= d->max) {
		d->dropped++;
		return;
	}
	if (d->n == d->cap) {
		size_t ncap = d->cap ? d->cap * 2 : 16;
		struct tctl_diag *nv = realloc(d->v, ncap * sizeof(*nv));

		if (!nv) {
			d->dropped++;
			return;
		}
		d->v = nv;
		d->cap = ncap;
	}
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	slot = &d->v[d->n];
	slot->path = strdup(path ? path : "");
	slot->msg = msg;
	slot->line = line;
	if (!slot->path || !slot->msg) {
		free(slot->path);
		free(slot->msg);
		d->dropped++;
		return;
	}
	d->n++;
}

void tctl_diags_free(struct tctl_diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].path);
		free(d->v[i].msg);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}

// SPDX-License-Identifier: GPL-2.0-or-later
/* Backoff for objects another writer keeps changing (see flap.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flap.h"

/* Quiet this long, an object starts afresh. */
#define FLAP_FORGET (TCTL_FLAP_MAX_DELAY * 4)

static struct tctl_flap *find(const struct tctl_flaps *f, const char *name)
{
	/* Few entries: only reconciles that repair a handful of objects add any. */
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->v[i].name, name))
			return &f->v[i];
	return NULL;
}

static double delay_for(uint32_t count)
{
	double d = TCTL_FLAP_MIN_DELAY;

	for (uint32_t i = TCTL_FLAP_THRESHOLD; i < count && d < TCTL_FLAP_MAX_DELAY; i++)
		d *= 2;
	return d < TCTL_FLAP_MAX_DELAY ? d : TCTL_FLAP_MAX_DELAY;
}

const struct tctl_flap *tctl_flap_record(struct tctl_flaps *f, const char *name, double now)
{
	struct tctl_flap *e = find(f, name);

	if (!e) {
		if (f->n == f->cap) {
			size_t cap = f->cap ? f->cap * 2 : 16;
			struct tctl_flap *v = realloc(f->v, cap * sizeof(*v));

			if (!v)
				return NULL;
			f->v = v;
			f->cap = cap;
		}
		e = &f->v[f->n++];
		memset(e, 0, sizeof(*e));
		snprintf(e->name, sizeof(e->name), "%s", name);
	}
	/* A repair long after the last (beyond its backoff) starts a new run. */
	if (e->count && now - e->last > TCTL_FLAP_WINDOW + delay_for(e->count))
		e->count = 0;
	e->count++;
	e->last = now;
	e->next = e->count >= TCTL_FLAP_THRESHOLD ? now + delay_for(e->count) : 0;
	return e;
}

bool tctl_flap_allowed(const struct tctl_flaps *f, const char *name, double now, double *until)
{
	const struct tctl_flap *e = find(f, name);

	if (!e || e->next <= now)
		return true;
	if (until)
		*until = e->next;
	return false;
}

void tctl_flap_expire(struct tctl_flaps *f, double now)
{
	size_t j = 0;

	for (size_t i = 0; i < f->n; i++)
		if (now - f->v[i].last < FLAP_FORGET || f->v[i].next > now)
			f->v[j++] = f->v[i];
	f->n = j;
}

double tctl_flap_next(const struct tctl_flaps *f, double now)
{
	double next = 0;

	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].next > now && (!next || f->v[i].next < next))
			next = f->v[i].next;
	return next;
}

bool tctl_flap_contended(const struct tctl_flap *e)
{
	return e->count >= TCTL_FLAP_THRESHOLD;
}

void tctl_flaps_free(struct tctl_flaps *f)
{
	free(f->v);
	memset(f, 0, sizeof(*f));
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Objects another writer keeps changing (rewriting: a deletion is always
 * put back at once).  Each repair of an object is
 * remembered; the third within TCTL_FLAP_WINDOW makes it contended, and from
 * then on it is repaired no sooner than a backoff that doubles from 0.1 s
 * to 30 s.  Two controllers, or a script, fighting over one route then
 * cost a few writes a minute instead of a storm, and status names it.
 */
#ifndef TCTLD_FLAP_H
#define TCTLD_FLAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TCTL_FLAP_NAME_MAX 96

struct tctl_flap {
	char name[TCTL_FLAP_NAME_MAX];	/* "route 10.1.2.0/24 table 254 metric 0" */
	uint32_t count;			/* repairs in the current run of them */
	double last;			/* monotonic time of the last repair */
	double next;			/* no repair before this (0: any time) */
};

struct tctl_flaps {
	struct tctl_flap *v;
	size_t n, cap;
};

/* Contended: repaired this many times, each within the window of the last. */
#define TCTL_FLAP_THRESHOLD 3
#define TCTL_FLAP_WINDOW 10.0
#define TCTL_FLAP_MIN_DELAY 0.1
#define TCTL_FLAP_MAX_DELAY 30.0
/* Reconciles that repair more objects than this are not one writer's doing. */
#define TCTL_FLAP_TRACK_MAX 256

/* Remember a repair at now; returns the object's entry (NULL: out of memory). */
const struct tctl_flap *tctl_flap_record(struct tctl_flaps *f, const char *name, double now);
/* May the object be repaired at now?  If not, *until says when. */
bool tctl_flap_allowed(const struct tctl_flaps *f, const char *name, double now, double *until);
/* Forget objects not repaired for a while (quiet ones lose their backoff). */
void tctl_flap_expire(struct tctl_flaps *f, double now);
/* The earliest time a held-back object may be repaired (0: none held). */
double tctl_flap_next(const struct tctl_flaps *f, double now);
bool tctl_flap_contended(const struct tctl_flap *e);
void tctl_flaps_free(struct tctl_flaps *f);

#endif

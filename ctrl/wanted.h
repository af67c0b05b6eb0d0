/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the running list wants of this node, reduced to what tells an
 * event that matters from one that does not: the keys of the wanted
 * routes and the ids of the wanted nexthops, sorted.  A few bytes per
 * object instead of the whole desired state (which each reconcile builds
 * afresh anyway), so 100,000 routes cost the resident daemon ~3 MiB.
 */
#ifndef TCTLD_WANTED_H
#define TCTLD_WANTED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../lib/desired.h"

struct tctld_route_key {
	struct tctl_prefix dst;
	uint32_t table;
	uint32_t metric;	/* effective: IPv6's 0 is 1024 */
};

struct tctld_wanted {
	struct tctld_route_key *routes;
	size_t nroutes;
	uint32_t *nhs;
	size_t nnhs;
};

int tctld_wanted_from(struct tctld_wanted *w, const struct tctl_desired *d);
bool tctld_wanted_route(const struct tctld_wanted *w, const struct tctl_route *r);
bool tctld_wanted_nh(const struct tctld_wanted *w, uint32_t id);
void tctld_wanted_free(struct tctld_wanted *w);

#endif

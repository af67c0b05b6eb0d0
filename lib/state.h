/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A snapshot of what the kernel has that tunnelctl cares about: links,
 * nexthop objects and routes (every table, both families, every protocol:
 * ownership and conflicts are decided from it), and for plans the peer
 * tables of flowtun devices.
 */
#ifndef TCTL_STATE_H
#define TCTL_STATE_H

#include "model.h"
#include "nl.h"
#include "nl_flowtun.h"

struct tctl_state {
	struct tctl_dev_list devs;
	struct tctl_nexthop_list nhs;	/* sorted by id */
	struct tctl_route_list routes;	/* sorted by tctl_route_key_cmp */
	bool have_nexthops;		/* the kernel has nexthop objects */
	/* The peer tables of every flowtun device, sorted by device and remote. */
	struct tctl_ft_peer_list ftpeers;
	bool flowtun_loaded;		/* the module is there: flowtun devices can be made */
};

int tctl_state_read(struct tctl_nl *nl, struct tctl_state *st, struct tctl_err *err);
/*
 * Add the peer tables of the snapshot's flowtun devices (after
 * tctl_state_read): only plans need them, so single commands and batches
 * do not dump every table.
 */
int tctl_state_read_ft_peers(struct tctl_nl *nl, struct tctl_state *st, struct tctl_err *err);
void tctl_state_free(struct tctl_state *st);

/* Give routes by nexthop the nexthop's device and encap (for show and diff). */
void tctl_routes_join_nexthops(struct tctl_route_list *routes,
			       const struct tctl_nexthop_list *nhs);

#endif

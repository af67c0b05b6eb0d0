/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What one node of a peer list should have: for every other peer with
 * prefixes, one nexthop object carrying its encap, and one route by nhid
 * per prefix.  The node's own prefixes are not routed into the tunnel.
 */
#ifndef TCTL_DESIRED_H
#define TCTL_DESIRED_H

#include "peers.h"

/*
 * Nexthop ids are derived from peer names (FNV-1a into this range), so a
 * restart or another node computes the same ids from the same list; a
 * collision, or an id held by another tool's nexthop, takes the next free
 * id in the range.
 */
#define TCTL_NHID_BASE 0x40000000u
#define TCTL_NHID_SPAN 0x40000000u

struct tctl_want_nh {
	struct tctl_nexthop nh;		/* dev by name; oif set when known */
	const struct tctl_peer *peer;
};

struct tctl_want_route {
	struct tctl_route r;		/* nhid, table, metric, protocol */
	const struct tctl_peer *peer;
};

struct tctl_desired {
	const struct tctl_peer *self;
	bool inline_routes;		/* routes carry the encap themselves */
	struct tctl_want_nh *nhs;	/* sorted by id */
	size_t nnh;
	struct tctl_want_route *routes;	/* sorted by route key */
	size_t nroutes;
};

/*
 * Build the desired state of node self (NULL: a node that is none of the
 * peers).  foreign: nexthop ids another tool holds, sorted (may be NULL);
 * devs: the kernel's links, to resolve device names (may be NULL).
 * inline_routes: routes carry the encap themselves, by no nexthop object
 * (kernels before 5.3, or --inline); their nexthops are still computed,
 * as the encap each peer's routes carry.
 */
int tctl_desired_build(const struct tctl_peerlist *pl, const struct tctl_peer *self,
		       const struct tctl_nexthop_list *kernel_nhs, uint8_t own_proto,
		       const struct tctl_dev_list *devs, bool inline_routes,
		       struct tctl_desired *out, struct tctl_err *err);
void tctl_desired_free(struct tctl_desired *d);

/*
 * A desired state can be built before the kernel is read (kernel_nhs and
 * devs NULL), alongside reading it.  Then: does any of its nexthop ids
 * belong to another tool's nexthop (build again, with them, if so)?  And
 * the devices' ifindexes, for its nexthops and routes.
 */
bool tctl_desired_clashes(const struct tctl_desired *d, const struct tctl_nexthop_list *knh,
			  uint8_t own_proto);
void tctl_desired_resolve_devs(struct tctl_desired *d, const struct tctl_dev_list *devs);

/* The encap a peer's nexthop carries, from its effective settings. */
void tctl_peer_encap(const struct tctl_peerlist *pl, const struct tctl_peer *p,
		     struct tctl_encap *e);

/* Which peer this node is: by name, or by a local address (addrs, n). */
int tctl_find_self(const struct tctl_peerlist *pl, const char *name,
		   const struct tctl_addr *addrs, size_t n, const struct tctl_peer **self,
		   struct tctl_err *err);

#endif

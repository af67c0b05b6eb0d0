/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Nexthop objects over rtnetlink (RTM_*NEXTHOP): one per peer carries the
 * encap, and the peer's routes point at it by id (RTA_NH_ID).  The kernel
 * links routes to nexthops in O(1), where routes that each carry their own
 * encap share one fib_info hash chain and cost O(N) per insert.
 */
#ifndef TCTL_NL_NEXTHOP_H
#define TCTL_NL_NEXTHOP_H

#include "model.h"
#include "nl.h"

/* Decode one RTM_NEWNEXTHOP (or RTM_DELNEXTHOP event); negative when it is not one we can read. */
int tctl_nexthop_parse(struct nlmsghdr *nlh, struct tctl_nexthop *nh);

/* Every nexthop of the namespace, sorted by id, dev names resolved. */
int tctl_nexthop_dump(struct tctl_nl *nl, const struct tctl_dev_list *devs,
		      struct tctl_nexthop_list *out, struct tctl_err *err);

/* Requests; nh->id, family, oif, encap and protocol must be final. */
struct nl_msg *tctl_nexthop_msg_new(const struct tctl_nexthop *nh, bool replace);
struct nl_msg *tctl_nexthop_msg_del(uint32_t id);

/* Does this kernel have nexthop objects (5.3 and later)? */
bool tctl_nexthop_supported(struct tctl_nl *nl);

#endif

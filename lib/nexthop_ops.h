/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The nexthop commands against the kernel: checked first, and never
 * touching a nexthop of another protocol, or one that routes still use.
 */
#ifndef TCTL_NEXTHOP_OPS_H
#define TCTL_NEXTHOP_OPS_H

#include "nexthop_args.h"
#include "nl.h"

int tctl_nexthop_add(struct tctl_nl *nl, struct tctl_nexthop *nh, bool replace,
		     struct tctl_err *err);
int tctl_nexthop_del(struct tctl_nl *nl, uint32_t id, struct tctl_err *err);

/*
 * The checks of add and del against state already read, shared with batch
 * mode's write queue.  add: nh's device exists and can carry its encap
 * (nh->oif is filled), and its id is free or (replace) ours.  del: id is
 * ours, and no route uses it (users, one of them: one).
 */
int tctl_nexthop_add_check(struct tctl_nexthop *nh, const struct tctl_dev_list *devs,
			   const struct tctl_nexthop_list *nhs, bool replace,
			   struct tctl_err *err);
int tctl_nexthop_del_check(uint32_t id, const struct tctl_nexthop_list *nhs,
			   size_t users, const struct tctl_route *one, struct tctl_err *err);
/* "this kernel has no nexthop objects": a dump of them was refused. */
int tctl_err_nexthops_unsupported(struct tctl_err *err);

/* Nexthops with an encap that f selects; *users[i]: how many routes use out[i]. */
int tctl_nexthop_show(struct tctl_nl *nl, const struct tctl_nexthop_filter *f,
		      struct tctl_nexthop_list *out, size_t **users, struct tctl_err *err);

#endif

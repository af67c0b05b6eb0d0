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

/* Nexthops with an encap that f selects; *users[i]: how many routes use out[i]. */
int tctl_nexthop_show(struct tctl_nl *nl, const struct tctl_nexthop_filter *f,
		      struct tctl_nexthop_list *out, size_t **users, struct tctl_err *err);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Checks of a desired encap route against the devices it would use, done
 * before anything is written: the device exists, is a flow-based device
 * that can carry the overlay and underlay families, the id fits what the
 * device puts on the wire; and the safe defaults (the GRE key) are filled.
 * Pure functions of their inputs, so they are tested without a kernel.
 */
#ifndef TCTL_ROUTE_CHECK_H
#define TCTL_ROUTE_CHECK_H

#include "model.h"

/*
 * Resolve r->dev to r->oif, check r against it, and fill defaults; a route
 * by nexthop is checked against the nexthop instead (nhs may be NULL for
 * routes with inline encap).
 */
int tctl_route_check(struct tctl_route *r, const struct tctl_dev_list *devs,
		     const struct tctl_nexthop_list *nhs, struct tctl_err *err);

/* The checks of an encap on device d (shared with nexthops). */
int tctl_encap_check(struct tctl_encap *e, int overlay_family, const struct tctl_dev *d,
		     const char *what, struct tctl_err *err);

#endif

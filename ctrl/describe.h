/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Names of the objects a plan touches, for logs, status and backoff keys. */
#ifndef TCTLD_DESCRIBE_H
#define TCTLD_DESCRIBE_H

#include <stddef.h>

#include "../lib/plan.h"

/* "route 10.1.2.0/24 table 254 metric 0": stable, the key of a route. */
const char *tctld_route_name(const struct tctl_route *r, char *buf, size_t len);
/* "nexthop 1234567": the key of a nexthop object. */
const char *tctld_nh_name(uint32_t id, char *buf, size_t len);

/* The object of a plan entry and why it changes ("ttl, dst differ"). */
const char *tctld_route_op_name(const struct tctl_plan_route *op, char *buf, size_t len);
const char *tctld_nh_op_name(const struct tctl_plan_nh *op, char *buf, size_t len);
const char *tctld_op_reason(enum tctl_act act, uint32_t diff, char *buf, size_t len);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The nexthop commands' grammar (iproute2's `ip nexthop` words), into the model. */
#ifndef TCTL_NEXTHOP_ARGS_H
#define TCTL_NEXTHOP_ARGS_H

#include "grammar.h"
#include "model.h"

extern const struct tctl_syntax tctl_syntax_nexthop_add;
extern const struct tctl_syntax tctl_syntax_nexthop_replace;
extern const struct tctl_syntax tctl_syntax_nexthop_del;
extern const struct tctl_syntax tctl_syntax_nexthop_show;

int tctl_nexthop_from_args(const struct tctl_args *a, struct tctl_nexthop *nh,
			   struct tctl_err *err);

struct tctl_nexthop_filter {
	bool has_id, has_dev, has_tunid;
	uint32_t id;
	char dev[IFNAMSIZ];
	uint64_t tunid;
};

int tctl_nexthop_filter_from_args(const struct tctl_args *a, struct tctl_nexthop_filter *f,
				  struct tctl_err *err);
bool tctl_nexthop_filter_match(const struct tctl_nexthop_filter *f,
			       const struct tctl_nexthop *nh);

#endif

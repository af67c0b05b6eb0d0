/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One text and one JSON printer per object; nothing else looks at -j. */
#ifndef TCTL_PRINT_H
#define TCTL_PRINT_H

#include <stdio.h>

#include "../lib/model.h"
#include "../lib/route_ops.h"
#include "cli.h"

/* The encap's columns of the route and nexthop tables. */
struct encap_cells {
	char id[24], dst[TCTL_ADDRSTRLEN], src[TCTL_ADDRSTRLEN];
	char ttl[12], tos[12], flags[16];
};

void encap_cells(const struct tctl_encap *e, struct encap_cells *c);

void print_devs(const struct cli *cli, const struct tctl_dev_list *l);
void print_nexthops(const struct cli *cli, const struct tctl_nexthop_list *l,
		    const size_t *users);
void print_routes(const struct cli *cli, const struct tctl_route_list *l);
void print_flush(const struct cli *cli, const struct tctl_flush_result *res);

struct tctl_plan;
void print_plan(const struct cli *cli, const struct tctl_plan *plan);
/* "2 nexthops, 3 routes to add; ..." ("added" ... once done). */
void print_plan_summary(FILE *f, const struct tctl_plan *plan, bool done);
void print_conflicts_text(FILE *f, const struct tctl_plan *plan);

#endif

// SPDX-License-Identifier: GPL-2.0-or-later
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "../lib/plan_json.h"
#include "../lib/rtnames.h"
#include "output.h"
#include "print.h"

enum { C_NHID, C_FAMILY, C_DEV, C_ID, C_DST, C_SRC, C_TTL, C_TOS, C_FLAGS, C_ROUTES,
       C_PROTO, C_OWNED, NCOLS };

static const char *const header[NCOLS] = {
	"NHID", "FAMILY", "DEV", "ID", "DST", "SRC", "TTL", "TOS", "FLAGS", "ROUTES",
	"PROTO", "OWNED",
};

static void nexthops_text(const struct tctl_nexthop_list *l, const size_t *users)
{
	struct cli_table t;

	cli_table_init(&t, NCOLS, header);
	for (size_t i = 0; i < l->n; i++) {
		const struct tctl_nexthop *nh = &l->v[i];
		struct encap_cells c;
		char nhid[12], routes[24], proto[32];
		const char *row[NCOLS];

		encap_cells(&nh->encap, &c);
		snprintf(nhid, sizeof(nhid), "%u", nh->id);
		snprintf(routes, sizeof(routes), "%zu", users[i]);
		row[C_NHID] = nhid;
		row[C_FAMILY] = nh->family == AF_INET6 ? "inet6" : "inet";
		row[C_DEV] = nh->dev[0] ? nh->dev : "-";
		row[C_ID] = c.id;
		row[C_DST] = c.dst;
		row[C_SRC] = c.src;
		row[C_TTL] = c.ttl;
		row[C_TOS] = c.tos;
		row[C_FLAGS] = c.flags;
		row[C_ROUTES] = routes;
		row[C_PROTO] = tctl_proto_name(nh->protocol, proto, sizeof(proto));
		row[C_OWNED] = nh->protocol == tctl_own_proto() ? "yes" : "no";
		if (cli_table_add(&t, row))
			break;
	}
	cli_table_print(&t, stdout);
	cli_table_free(&t);
}

void print_nexthops(const struct cli *cli, const struct tctl_nexthop_list *l,
		    const size_t *users)
{
	json_object *a;

	if (!cli->json) {
		nexthops_text(l, users);
		return;
	}
	a = json_object_new_array();
	for (size_t i = 0; i < l->n; i++) {
		json_object *o = tctl_nexthop_to_json(&l->v[i]);

		json_object_object_add(o, "routes", json_object_new_int64((int64_t)users[i]));
		json_object_array_add(a, o);
	}
	cli_print_json(cli, a);
}

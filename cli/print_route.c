// SPDX-License-Identifier: GPL-2.0-or-later
#include <inttypes.h>
#include <sys/socket.h>
#include <stdio.h>
#include <string.h>

#include "../lib/model_json.h"
#include "../lib/rtnames.h"
#include "output.h"
#include "print.h"

enum { C_PREFIX, C_DEV, C_ID, C_DST, C_SRC, C_TTL, C_TOS, C_FLAGS, C_TABLE, C_METRIC,
       C_NHID, C_PROTO, C_OWNED, NCOLS };

static const char *const header[NCOLS] = {
	"PREFIX", "DEV", "ID", "DST", "SRC", "TTL", "TOS", "FLAGS", "TABLE", "METRIC",
	"NHID", "PROTO", "OWNED",
};

struct route_cells {
	char prefix[TCTL_ADDRSTRLEN], table[32], metric[12], nhid[12], proto[32];
	struct encap_cells e;
};

static void flags_str(uint16_t flags, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", (flags & TCTL_TUN_KEY) ? "key," : "",
		 (flags & TCTL_TUN_CSUM) ? "csum," : "", (flags & TCTL_TUN_SEQ) ? "seq," : "");
	if (buf[0])
		buf[strlen(buf) - 1] = '\0';
	else
		snprintf(buf, len, "-");
}

void encap_cells(const struct tctl_encap *e, struct encap_cells *c)
{
	snprintf(c->id, sizeof(c->id), "%" PRIu64, e->id);
	tctl_addr_str(&e->dst, c->dst, sizeof(c->dst));
	if (tctl_addr_is_any(&e->src))
		snprintf(c->src, sizeof(c->src), "-");
	else
		tctl_addr_str(&e->src, c->src, sizeof(c->src));
	if (e->ttl == TCTL_TTL_INHERIT)
		snprintf(c->ttl, sizeof(c->ttl), "inherit");
	else
		snprintf(c->ttl, sizeof(c->ttl), "%u", e->ttl);
	if (e->tos == TCTL_TOS_INHERIT && e->family == AF_INET)
		snprintf(c->tos, sizeof(c->tos), "inherit");
	else
		snprintf(c->tos, sizeof(c->tos), "%u", e->tos);
	flags_str(e->flags, c->flags, sizeof(c->flags));
}

static void route_row(const struct tctl_route *r, struct route_cells *c, const char **row)
{
	encap_cells(&r->encap, &c->e);
	snprintf(c->metric, sizeof(c->metric), "%u", r->metric);
	if (r->has & TCTL_ROUTE_HAS_NHID)
		snprintf(c->nhid, sizeof(c->nhid), "%u", r->nhid);
	else
		snprintf(c->nhid, sizeof(c->nhid), "-");
	row[C_PREFIX] = tctl_prefix_str(&r->dst, c->prefix, sizeof(c->prefix));
	row[C_DEV] = r->dev[0] ? r->dev : "-";
	row[C_ID] = c->e.id;
	row[C_DST] = c->e.dst;
	row[C_SRC] = c->e.src;
	row[C_TTL] = c->e.ttl;
	row[C_TOS] = c->e.tos;
	row[C_FLAGS] = c->e.flags;
	row[C_TABLE] = tctl_table_name(r->table, c->table, sizeof(c->table));
	row[C_METRIC] = c->metric;
	row[C_NHID] = c->nhid;
	row[C_PROTO] = tctl_proto_name(r->protocol, c->proto, sizeof(c->proto));
	row[C_OWNED] = r->protocol == tctl_own_proto() ? "yes" : "no";
}

static void routes_text(const struct tctl_route_list *l)
{
	struct cli_table t;

	cli_table_init(&t, NCOLS, header);
	for (size_t i = 0; i < l->n; i++) {
		struct route_cells c;
		const char *row[NCOLS];

		route_row(&l->v[i], &c, row);
		if (cli_table_add(&t, row))
			break;
	}
	cli_table_print(&t, stdout);
	cli_table_free(&t);
}

static json_object *routes_json(const struct tctl_route_list *l)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < l->n; i++)
		json_object_array_add(a, tctl_route_to_json(&l->v[i]));
	return a;
}

void print_routes(const struct cli *cli, const struct tctl_route_list *l)
{
	if (cli->json)
		cli_print_json(cli, routes_json(l));
	else
		routes_text(l);
}

static json_object *flush_failures_json(const struct tctl_flush_result *res)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < res->batch.n; i++) {
		const struct tctl_nl_op *op = &res->batch.ops[i];
		json_object *o;
		struct tctl_err err;

		if (!op->error)
			continue;
		tctl_nl_op_error(op, &err);
		o = tctl_route_to_json(&res->deleted.v[i]);
		json_object_object_add(o, "error", json_object_new_string(err.msg));
		json_object_array_add(a, o);
	}
	return a;
}

/* JSON: what was deleted, what was left (other protocols), what failed. */
void print_flush(const struct cli *cli, const struct tctl_flush_result *res)
{
	struct tctl_route_list ok = { 0 };
	json_object *o;

	if (!cli->json)
		return;
	for (size_t i = 0; i < res->deleted.n; i++) {
		struct tctl_route *slot;

		if (res->batch.ops[i].error || !(slot = tctl_route_list_push(&ok)))
			continue;
		*slot = res->deleted.v[i];
	}
	o = json_object_new_object();
	json_object_object_add(o, "deleted", routes_json(&ok));
	json_object_object_add(o, "kept", routes_json(&res->kept));
	json_object_object_add(o, "failed", flush_failures_json(res));
	cli_print_json(cli, o);
	tctl_route_list_free(&ok);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The plan in words: diff-like lines, made from the plan's JSON
 * (tctl_plan_to_json).  diff and apply --dry-run have a struct tctl_plan
 * and turn it into that JSON, a window of ops at a time (cmd_apply.c);
 * `ctrl plan` receives the same JSON from tunnelctld.  Printing from the
 * one form keeps both in the same words.  Every lookup is a hash probe and
 * every op is read once: a plan of 100,000 routes prints in linear time.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../lib/plan_json.h"
#include "../lib/rtnames.h"
#include "print.h"

static bool get_bool(json_object *o, const char *key)
{
	json_object *v = jget(o, key);

	return v && json_object_get_boolean(v);
}

/* Tunnel ids are 64 bits: read them unsigned, or those past INT64_MAX clamp. */
static uint64_t get_u64(json_object *o, const char *key)
{
	json_object *v = jget(o, key);

	return jis_num(v) ? json_object_get_uint64(v) : 0;
}

/* Element i of an array of strings; "" for anything else. */
static const char *arr_str(json_object *a, size_t i)
{
	json_object *v = json_object_array_get_idx(a, i);

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
}

/* An op's "action", in tctl_act_name's words: what is not add or replace deletes. */
static enum tctl_act act_of(json_object *op)
{
	const char *name = jget_str(op, "action");

	for (enum tctl_act a = TCTL_ACT_ADD; name && a < TCTL_ACT_DELETE; a++)
		if (!strcmp(name, tctl_act_name(a)))
			return a;
	return TCTL_ACT_DELETE;
}

static char mark(enum tctl_act act)
{
	return act == TCTL_ACT_ADD ? '+' : act == TCTL_ACT_REPLACE ? '~' : '-';
}

/* Whether a replace's "changes" (tctl_diff_name's words) has name. */
static bool has_change(json_object *op, const char *name)
{
	json_object *ch = jget(op, "changes");

	for (size_t i = 0; i < jarr_len(ch); i++)
		if (!strcmp(arr_str(ch, i), name))
			return true;
	return false;
}

static const char *dev_or_dash(json_object *o)
{
	const char *dev = jget_str(o, "dev");

	return dev && dev[0] ? dev : "-";
}

static bool encap_v6(json_object *e)
{
	const char *type = jget_str(e, "encap_type");

	return type && !strcmp(type, "ip6");
}

/* ttl and tos go by hoplimit and tc in an ip6 encap. */
static int64_t encap_ttl(json_object *e)
{
	return jget_int(e, encap_v6(e) ? "hoplimit" : "ttl");
}

static int64_t encap_tos(json_object *e)
{
	return jget_int(e, encap_v6(e) ? "tc" : "tos");
}

void print_encap_words(FILE *f, json_object *e)
{
	const char *src = jget_str(e, "src");
	int64_t ttl = encap_ttl(e), tos = encap_tos(e);

	fprintf(f, "encap %s id %" PRIu64 " dst %s", encap_v6(e) ? "ip6" : "ip",
		get_u64(e, "id"), jtxt(e, "dst"));
	/* An unset source is written as the family's any address. */
	if (src && strcmp(src, "0.0.0.0") && strcmp(src, "::"))
		fprintf(f, " src %s", src);
	if (ttl)
		fprintf(f, " ttl %" PRId64, ttl);
	if (tos)
		fprintf(f, " tos %" PRId64, tos);
	fprintf(f, "%s%s%s", get_bool(e, "key") ? " key" : "", get_bool(e, "csum") ? " csum" : "",
		get_bool(e, "seq") ? " seq" : "");
}

/* "ttl 64 -> 10, dst 192.0.2.1 -> 192.0.2.9" */
static void nh_changes(FILE *f, json_object *op)
{
	json_object *want = jget(op, "nexthop"), *have = jget(op, "was");
	json_object *we = jget(want, "encap"), *he = jget(have, "encap");
	json_object *ch = jget(op, "changes");

	for (size_t i = 0; i < jarr_len(ch); i++) {
		const char *name = arr_str(ch, i);

		fprintf(f, "%s%s ", i ? ", " : "", name);
		if (!strcmp(name, "id"))
			fprintf(f, "%" PRIu64 " -> %" PRIu64, get_u64(he, "id"), get_u64(we, "id"));
		else if (!strcmp(name, "dst"))
			fprintf(f, "%s -> %s", jtxt(he, "dst"), jtxt(we, "dst"));
		else if (!strcmp(name, "ttl"))
			fprintf(f, "%" PRId64 " -> %" PRId64, encap_ttl(he), encap_ttl(we));
		else if (!strcmp(name, "tos"))
			fprintf(f, "%" PRId64 " -> %" PRId64, encap_tos(he), encap_tos(we));
		else if (!strcmp(name, "dev"))
			fprintf(f, "%s -> %s", dev_or_dash(have), jtxt(want, "dev"));
		else if (!strcmp(name, "family"))
			fprintf(f, "%s -> %s", jtxt(have, "family"), jtxt(want, "family"));
		else
			fprintf(f, "changed");
	}
}

static void devs_text(FILE *f, json_object *devs)
{
	for (size_t i = 0; i < jarr_len(devs); i++) {
		json_object *op = json_object_array_get_idx(devs, i);
		enum tctl_act act = act_of(op);

		fprintf(f, "%c dev %s mode %s", mark(act), jtxt(op, "ifname"), jtxt(op, "mode"));
		if (jget(op, "datapath"))
			fprintf(f, " datapath %s local %s policy %s", jtxt(op, "datapath"),
				jtxt(op, "local"), jtxt(op, "policy"));
		if (jget(op, "mtu"))
			fprintf(f, " mtu %" PRId64, jget_int(op, "mtu"));
		if (act == TCTL_ACT_REPLACE)
			fprintf(f, ":%s%s%s", has_change(op, "mtu") ? " mtu" : "",
				has_change(op, "up") ? " up" : "",
				has_change(op, "policy") ? " policy" : "");
		fputc('\n', f);
	}
}

/* "+ peer 192.0.2.7 id 7 dev ft0 (node7)", as 'tunnelctl peer add' words it. */
static void peers_text(FILE *f, json_object *peers)
{
	for (size_t i = 0; i < jarr_len(peers); i++) {
		json_object *op = json_object_array_get_idx(peers, i);
		enum tctl_act act = act_of(op);
		const char *peer = jget_str(op, "peer");

		fprintf(f, "%c peer %s id %" PRIu64 " dev %s", mark(act), jtxt(op, "remote"),
			get_u64(op, "id"), jtxt(op, "dev"));
		if (peer)
			fprintf(f, " (%s)", peer);
		if (act == TCTL_ACT_REPLACE)
			fprintf(f, ": id was %" PRIu64, get_u64(op, "was_id"));
		fputc('\n', f);
	}
}

static void nhs_text(FILE *f, json_object *nhs)
{
	for (size_t i = 0; i < jarr_len(nhs); i++) {
		json_object *op = json_object_array_get_idx(nhs, i);
		json_object *nh = jget(op, "nexthop"), *encap = jget(nh, "encap");
		const char *peer = jget_str(op, "peer");
		enum tctl_act act = act_of(op);

		fprintf(f, "%c nexthop %" PRId64, mark(act), jget_int(nh, "id"));
		if (peer)
			fprintf(f, " peer %s", peer);
		if (act == TCTL_ACT_REPLACE) {
			fprintf(f, ": ");
			nh_changes(f, op);
		} else {
			/* One without an encap (made by hand, say) shows none. */
			if (encap) {
				fputc(' ', f);
				print_encap_words(f, encap);
			}
			fprintf(f, " dev %s", dev_or_dash(nh));
		}
		fputc('\n', f);
	}
}

/*
 * A route's key and next hop.  The table the kernel defaults to (main,
 * unless rt_tables renames it) and the metric it defaults to are not
 * worth a word; main_table is that table's name, looked up once.
 */
static void route_words(FILE *f, json_object *r, const char *main_table)
{
	const char *dst = jget_str(r, "dst"), *table = jget_str(r, "table");
	const char *dev = jget_str(r, "dev");
	int64_t deflt = tctl_route_default_metric(dst && strchr(dst, ':') ? AF_INET6 : AF_INET);

	fprintf(f, "route %s", dst ? dst : "-");
	if (table && strcmp(table, main_table))
		fprintf(f, " table %s", table);
	if (jget(r, "metric") && jget_int(r, "metric") != deflt)
		fprintf(f, " metric %" PRId64, jget_int(r, "metric"));
	if (jget(r, "nhid"))
		fprintf(f, " nhid %" PRId64, jget_int(r, "nhid"));
	else if (dev && dev[0])
		fprintf(f, " dev %s", dev);
}

/* Why a route is replaced: its kind of next hop, its nexthop, or its encap's fields. */
static void route_changes(FILE *f, json_object *op)
{
	json_object *ch = jget(op, "changes");

	if (has_change(op, "inline")) {
		fprintf(f, ": inline encap -> nexthop");
	} else if (has_change(op, "nexthop")) {
		fprintf(f, ": nexthop -> inline encap");
	} else if (has_change(op, "nhid")) {
		fprintf(f, ": nhid %" PRId64 " -> %" PRId64, jget_int(jget(op, "was"), "nhid"),
			jget_int(jget(op, "route"), "nhid"));
	} else {
		for (size_t i = 0; i < jarr_len(ch); i++)
			fprintf(f, "%s%s", i ? ", " : ": ", arr_str(ch, i));
	}
}

static void routes_text(FILE *f, json_object *routes, const char *main_table)
{
	for (size_t i = 0; i < jarr_len(routes); i++) {
		json_object *op = json_object_array_get_idx(routes, i);
		const char *peer = jget_str(op, "peer");
		enum tctl_act act = act_of(op);

		fprintf(f, "%c ", mark(act));
		route_words(f, jget(op, "route"), main_table);
		if (peer)
			fprintf(f, " peer %s", peer);
		if (act == TCTL_ACT_REPLACE)
			route_changes(f, op);
		fputc('\n', f);
	}
}

static void conflicts_text(FILE *f, json_object *conflicts, const char *main_table)
{
	for (size_t i = 0; i < jarr_len(conflicts); i++) {
		json_object *c = json_object_array_get_idx(conflicts, i);
		json_object *theirs = jget(c, "theirs");

		fprintf(f, "! conflict: ");
		route_words(f, jget(c, "route"), main_table);
		fprintf(f, " peer %s: protocol %s has ", jtxt(c, "peer"), jtxt(theirs, "protocol"));
		if (get_bool(c, "blocking"))
			fprintf(f, "this route: left alone, not added");
		else
			fprintf(f, "the prefix at metric %" PRId64, jget_int(theirs, "metric"));
		fputc('\n', f);
	}
}

void print_conflicts_text(FILE *f, json_object *conflicts)
{
	char main_table[32];

	conflicts_text(f, conflicts, tctl_table_name(TCTL_TABLE_MAIN, main_table,
						     sizeof(main_table)));
}

void print_plan_summary(FILE *f, json_object *summary, bool done)
{
	static const char *const keys[] = { "devices", "peers", "nexthops", "routes" };
	static const char *const objs[] = { "device", "peer", "nexthop", "route" };
	static const char *const verbs[3][2] = {
		[TCTL_ACT_ADD] = { "to add", "added" },
		[TCTL_ACT_REPLACE] = { "to replace", "replaced" },
		[TCTL_ACT_DELETE] = { "to delete", "deleted" },
	};
	int64_t n[4][3], total = 0, conflicts = jget_int(summary, "conflicts");
	const char *sep = "";

	for (int k = 0; k < 4; k++) {
		for (int act = TCTL_ACT_ADD; act <= TCTL_ACT_DELETE; act++) {
			n[k][act] = jget_int(jget(summary, keys[k]), tctl_act_name(act));
			total += n[k][act];
		}
	}
	if (!total) {
		fprintf(f, "no changes%s\n", conflicts ? " (see the conflicts)" : "");
		return;
	}
	for (int act = TCTL_ACT_ADD; act <= TCTL_ACT_DELETE; act++) {
		bool any = false;

		for (int k = 0; k < 4; k++) {
			if (!n[k][act])
				continue;
			fprintf(f, "%s%" PRId64 " %s%s", any ? ", " : sep, n[k][act], objs[k],
				plural(n[k][act]));
			any = true;
		}
		if (any) {
			fprintf(f, " %s", verbs[act][done]);
			sep = "; ";
		}
	}
	if (conflicts)
		fprintf(f, "; %" PRId64 " conflict%s", conflicts, plural(conflicts));
	fputc('\n', f);
}

void print_plan_ops(FILE *f, json_object *plan)
{
	char main_table[32];

	devs_text(f, jget(plan, "devices"));
	peers_text(f, jget(plan, "peers"));
	nhs_text(f, jget(plan, "nexthops"));
	routes_text(f, jget(plan, "routes"), tctl_table_name(TCTL_TABLE_MAIN, main_table,
							    sizeof(main_table)));
}

void print_plan_text(FILE *f, json_object *plan)
{
	print_plan_ops(f, plan);
	print_conflicts_text(f, jget(plan, "conflicts"));
	print_plan_summary(f, jget(plan, "summary"), false);
}

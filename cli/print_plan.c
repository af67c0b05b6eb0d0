// SPDX-License-Identifier: GPL-2.0-or-later
/* The plan and apply's outcome, as text (diff-like lines) or JSON. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../lib/plan_json.h"
#include "../lib/rtnames.h"
#include "output.h"
#include "print.h"

static char mark(enum tctl_act act)
{
	return act == TCTL_ACT_ADD ? '+' : act == TCTL_ACT_REPLACE ? '~' : '-';
}

static void encap_words(FILE *f, const struct tctl_encap *e)
{
	char a[TCTL_ADDRSTRLEN];

	fprintf(f, "encap %s id %" PRIu64 " dst %s", e->family == AF_INET6 ? "ip6" : "ip",
		e->id, tctl_addr_str(&e->dst, a, sizeof(a)));
	if (!tctl_addr_is_any(&e->src))
		fprintf(f, " src %s", tctl_addr_str(&e->src, a, sizeof(a)));
	if (e->ttl)
		fprintf(f, " ttl %u", e->ttl);
	if (e->tos)
		fprintf(f, " tos %u", e->tos);
	fprintf(f, "%s%s%s", (e->flags & TCTL_TUN_KEY) ? " key" : "",
		(e->flags & TCTL_TUN_CSUM) ? " csum" : "", (e->flags & TCTL_TUN_SEQ) ? " seq" : "");
}

/* "ttl 64 -> 10, dst 192.0.2.1 -> 192.0.2.9" */
static void nh_changes(FILE *f, const struct tctl_plan_nh *op)
{
	const struct tctl_encap *w = &op->want->nh.encap, *h = &op->have->encap;
	char a[TCTL_ADDRSTRLEN], b[TCTL_ADDRSTRLEN];
	const char *sep = "";

	for (uint32_t bit = 1; bit; bit <<= 1) {
		if (!(op->diff & bit))
			continue;
		fprintf(f, "%s%s ", sep, tctl_diff_name(bit));
		sep = ", ";
		if (bit == TCTL_DIFF_ID)
			fprintf(f, "%" PRIu64 " -> %" PRIu64, h->id, w->id);
		else if (bit == TCTL_DIFF_DST)
			fprintf(f, "%s -> %s", tctl_addr_str(&h->dst, a, sizeof(a)),
				tctl_addr_str(&w->dst, b, sizeof(b)));
		else if (bit == TCTL_DIFF_TTL)
			fprintf(f, "%u -> %u", h->ttl, w->ttl);
		else if (bit == TCTL_DIFF_TOS)
			fprintf(f, "%u -> %u", h->tos, w->tos);
		else if (bit == TCTL_DIFF_DEV)
			fprintf(f, "%s -> %s", op->have->dev[0] ? op->have->dev : "-", op->want->nh.dev);
		else if (bit == TCTL_DIFF_FAMILY)
			fprintf(f, "%s -> %s", op->have->family == AF_INET6 ? "inet6" : "inet",
				op->want->nh.family == AF_INET6 ? "inet6" : "inet");
		else
			fprintf(f, "changed");
	}
}

static void print_devs_text(FILE *f, const struct tctl_plan *plan)
{
	for (size_t i = 0; i < plan->ndevs; i++) {
		const struct tctl_plan_dev *op = &plan->devs[i];

		fprintf(f, "%c dev %s mode %s", mark(op->act), op->want->name,
			tctl_kind_info(op->want->kind)->name);
		if (op->want->has_mtu)
			fprintf(f, " mtu %u", op->want->mtu);
		if (op->act == TCTL_ACT_REPLACE)
			fprintf(f, ":%s%s", (op->diff & TCTL_DIFF_MTU) ? " mtu" : "",
				(op->diff & TCTL_DIFF_UP) ? " up" : "");
		fputc('\n', f);
	}
}

static void print_nhs_text(FILE *f, const struct tctl_plan *plan)
{
	for (size_t i = 0; i < plan->nnhs; i++) {
		const struct tctl_plan_nh *op = &plan->nhs[i];
		const struct tctl_nexthop *nh = op->want ? &op->want->nh : op->have;

		fprintf(f, "%c nexthop %u", mark(op->act), nh->id);
		if (op->want)
			fprintf(f, " peer %s", op->want->peer->name);
		if (op->act == TCTL_ACT_REPLACE) {
			fprintf(f, ": ");
			nh_changes(f, op);
		} else {
			fprintf(f, " ");
			encap_words(f, &nh->encap);
			fprintf(f, " dev %s", nh->dev[0] ? nh->dev : "-");
		}
		fputc('\n', f);
	}
}

static void route_words(FILE *f, const struct tctl_route *r)
{
	char p[TCTL_ADDRSTRLEN], t[32];

	fprintf(f, "route %s", tctl_prefix_str(&r->dst, p, sizeof(p)));
	if (r->table != TCTL_TABLE_MAIN)
		fprintf(f, " table %s", tctl_table_name(r->table, t, sizeof(t)));
	if (r->metric != tctl_route_default_metric(r->dst.addr.family))
		fprintf(f, " metric %u", r->metric);
	if (r->has & TCTL_ROUTE_HAS_NHID)
		fprintf(f, " nhid %u", r->nhid);
	else if (r->dev[0])
		fprintf(f, " dev %s", r->dev);
}

/* An inline route's encap changed: the fields, as for a nexthop. */
static void route_changes(FILE *f, const struct tctl_plan_route *op)
{
	const char *sep = ": ";

	for (uint32_t bit = 1; bit; bit <<= 1) {
		if (op->diff & bit) {
			fprintf(f, "%s%s", sep, tctl_diff_name(bit));
			sep = ", ";
		}
	}
}

static void print_routes_text(FILE *f, const struct tctl_plan *plan)
{
	for (size_t i = 0; i < plan->nroutes; i++) {
		const struct tctl_plan_route *op = &plan->routes[i];

		fprintf(f, "%c ", mark(op->act));
		route_words(f, op->want ? &op->want->r : op->have);
		if (op->want)
			fprintf(f, " peer %s", op->want->peer->name);
		if (op->act == TCTL_ACT_REPLACE && (op->diff & TCTL_DIFF_INLINE))
			fprintf(f, ": inline encap -> nexthop");
		else if (op->act == TCTL_ACT_REPLACE && (op->diff & TCTL_DIFF_NEXTHOP))
			fprintf(f, ": nexthop -> inline encap");
		else if (op->act == TCTL_ACT_REPLACE && (op->diff & TCTL_DIFF_NHID))
			fprintf(f, ": nhid %u -> %u", op->have->nhid, op->want->r.nhid);
		else if (op->act == TCTL_ACT_REPLACE)
			route_changes(f, op);
		fputc('\n', f);
	}
}

void print_conflicts_text(FILE *f, const struct tctl_plan *plan)
{
	char proto[32];

	for (size_t i = 0; i < plan->nconflicts; i++) {
		const struct tctl_plan_conflict *c = &plan->conflicts[i];

		fprintf(f, "! conflict: ");
		route_words(f, &c->want->r);
		fprintf(f, " peer %s: protocol %s has %s", c->want->peer->name,
			tctl_proto_name(c->theirs->protocol, proto, sizeof(proto)),
			c->blocking ? "this route: left alone, not added" : "");
		if (!c->blocking)
			fprintf(f, "the prefix at metric %u", c->theirs->metric);
		fputc('\n', f);
	}
}

static void count_phrase(FILE *f, const struct tctl_plan *plan, int act, const char *verb,
			 bool *first)
{
	static const char *const objs[] = { "device", "nexthop", "route" };
	size_t total = 0;

	for (int k = 0; k < 3; k++)
		total += plan->counts[k][act];
	if (!total)
		return;
	fprintf(f, "%s", *first ? "" : "; ");
	*first = false;
	for (int k = 0, n = 0; k < 3; k++) {
		size_t c = plan->counts[k][act];

		if (c)
			fprintf(f, "%s%zu %s%s", n++ ? ", " : "", c, objs[k], c == 1 ? "" : "s");
	}
	fprintf(f, " %s", verb);
}

void print_plan_summary(FILE *f, const struct tctl_plan *plan, bool done)
{
	bool first = true;

	if (!tctl_plan_changes(plan)) {
		fprintf(f, "no changes%s\n", plan->nconflicts ? " (see the conflicts)" : "");
		return;
	}
	count_phrase(f, plan, TCTL_ACT_ADD, done ? "added" : "to add", &first);
	count_phrase(f, plan, TCTL_ACT_REPLACE, done ? "replaced" : "to replace", &first);
	count_phrase(f, plan, TCTL_ACT_DELETE, done ? "deleted" : "to delete", &first);
	if (plan->nconflicts)
		fprintf(f, "; %zu conflict%s", plan->nconflicts, plan->nconflicts == 1 ? "" : "s");
	fputc('\n', f);
}

void print_plan(const struct cli *cli, const struct tctl_plan *plan)
{
	if (cli->json) {
		cli_print_json(cli, tctl_plan_to_json(plan));
		return;
	}
	print_devs_text(stdout, plan);
	print_nhs_text(stdout, plan);
	print_routes_text(stdout, plan);
	print_conflicts_text(stdout, plan);
	print_plan_summary(stdout, plan, false);
}

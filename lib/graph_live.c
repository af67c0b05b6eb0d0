// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * This node's edges against the kernel, from the plan apply would run:
 * an add is something missing, a replace something wrong (with the fields
 * that differ), a delete something stale; the same for the peer tables
 * of flowtun devices.  The plan already knows ownership and scope, so the
 * graph says exactly what apply would change.
 */
#include "graph_live.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rtnames.h"

static void note(struct tctl_graph_edge *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* One more line of what is wrong; past the room, only counted. */
static void note(struct tctl_graph_edge *e, const char *fmt, ...)
{
	size_t used = strlen(e->note);
	char line[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* Keep room for the "and N more" line the printer adds. */
	if (e->nnotes >= 4 || used + strlen(line) + 2 > sizeof(e->note) - 24) {
		e->dropped++;
		return;
	}
	snprintf(e->note + used, sizeof(e->note) - used, "%s%s", used ? "\n" : "", line);
	e->nnotes++;
}

static void worsen(struct tctl_graph_edge *e, enum tctl_edge_state s)
{
	if (s > e->state)
		e->state = s;
}

static struct tctl_graph_edge *self_edge(struct tctl_graph *g, const struct tctl_peer *p)
{
	for (size_t i = 0; p && i < g->nedges; i++)
		if (g->edges[i].kind == TCTL_EDGE_SELF && g->nodes[g->edges[i].to].peer == p)
			return &g->edges[i];
	return NULL;
}

/* "id 102 -> 202, ttl 5 -> 64": the kernel's value, then the list's. */
static void encap_changes(char *buf, size_t len, uint32_t diff, const struct tctl_nexthop *have,
			  const struct tctl_nexthop *want)
{
	const struct tctl_encap *h = &have->encap, *w = &want->encap;
	char a[TCTL_ADDRSTRLEN], b[TCTL_ADDRSTRLEN];
	size_t at = 0;

	buf[0] = '\0';
	for (uint32_t bit = 1; bit && at < len; bit <<= 1) {
		if (!(diff & bit))
			continue;
		at += (size_t)snprintf(buf + at, len - at, "%s%s", at ? ", " : "",
				       tctl_diff_name(bit));
		if (at >= len)
			break;
		if (bit == TCTL_DIFF_ID)
			at += (size_t)snprintf(buf + at, len - at, " %" PRIu64 " -> %" PRIu64,
					       h->id, w->id);
		else if (bit == TCTL_DIFF_TTL)
			at += (size_t)snprintf(buf + at, len - at, " %u -> %u", h->ttl, w->ttl);
		else if (bit == TCTL_DIFF_TOS)
			at += (size_t)snprintf(buf + at, len - at, " %u -> %u", h->tos, w->tos);
		else if (bit == TCTL_DIFF_DST)
			at += (size_t)snprintf(buf + at, len - at, " %s -> %s",
					       tctl_addr_str(&h->dst, a, sizeof(a)),
					       tctl_addr_str(&w->dst, b, sizeof(b)));
		else if (bit == TCTL_DIFF_DEV)
			at += (size_t)snprintf(buf + at, len - at, " %s -> %s",
					       have->dev[0] ? have->dev : "-", want->dev);
	}
}

static void diff_names(char *buf, size_t len, uint32_t diff)
{
	size_t at = 0;

	buf[0] = '\0';
	for (uint32_t bit = 1; bit && at < len; bit <<= 1)
		if (diff & bit)
			at += (size_t)snprintf(buf + at, len - at, "%s%s", at ? ", " : "",
					       tctl_diff_name(bit));
}

static struct tctl_graph_node *stale_node(struct tctl_graph *g, const struct tctl_addr *a,
					  size_t *idx)
{
	struct tctl_graph_node *n;

	for (size_t i = g->npeers; i < g->nnodes; i++)
		if (!tctl_addr_cmp(&g->nodes[i].addr, a)) {
			*idx = i;
			return &g->nodes[i];
		}
	n = tctl_graph_add_node(g);
	if (n) {
		n->addr = *a;
		*idx = g->nnodes - 1;
	}
	return n;
}

/* The edge for an owned object the list does not name, by where it points. */
static struct tctl_graph_edge *stale_edge(struct tctl_graph *g, const struct tctl_encap *enc,
					  const char *dev, const struct tctl_dev_list *kdevs)
{
	const struct tctl_dev *kd = tctl_dev_list_find(kdevs, dev);
	struct tctl_graph_edge *e;
	size_t to;

	/* At a peer of the list: a leftover on the way to it. */
	for (size_t i = 0; i < g->npeers; i++)
		if (!tctl_addr_cmp(&g->nodes[i].addr, &enc->dst) && self_edge(g, g->nodes[i].peer))
			return self_edge(g, g->nodes[i].peer);
	if (!stale_node(g, &enc->dst, &to))
		return NULL;
	for (size_t i = 0; i < g->nedges; i++) {
		e = &g->edges[i];
		if (e->kind == TCTL_EDGE_STALE && e->to == to && e->fwd.encap.id == enc->id &&
		    !strcmp(e->fwd.dev, dev))
			return e;
	}
	e = tctl_graph_add_edge(g, TCTL_EDGE_STALE, g->self, to);
	if (!e)
		return NULL;
	e->fwd.on = true;
	e->fwd.encap = *enc;
	snprintf(e->fwd.dev, sizeof(e->fwd.dev), "%s", dev);
	if (kd && kd->kind != TCTL_KIND_OTHER)
		e->fwd.mode = tctl_kind_info(kd->kind)->name;
	return e;
}

static int stale(struct tctl_graph *g, const struct tctl_plan *plan,
		 const struct tctl_encap *enc, const char *dev, const char *what,
		 struct tctl_err *err)
{
	struct tctl_graph_edge *e = stale_edge(g, enc, dev, &plan->state.devs);

	if (!e)
		return tctl_err_nomem(err);
	if (e->kind == TCTL_EDGE_STALE) {
		note(e, "%s", what);
		return 0;
	}
	note(e, "stale %s", what);
	worsen(e, TCTL_EDGE_WRONG);
	return 0;
}

static int mark_nexthops(struct tctl_graph *g, const struct tctl_plan *plan,
			 struct tctl_err *err)
{
	char why[200], what[40];

	for (size_t i = 0; i < plan->nnhs; i++) {
		const struct tctl_plan_nh *op = &plan->nhs[i];
		struct tctl_graph_edge *e = op->want ? self_edge(g, op->want->peer) : NULL;

		if (op->act == TCTL_ACT_DELETE) {
			snprintf(what, sizeof(what), "nexthop %u", op->have->id);
			if (stale(g, plan, &op->have->encap, op->have->dev, what, err))
				return -1;
		} else if (e && op->act == TCTL_ACT_ADD) {
			note(e, "missing nexthop %u", op->want->nh.id);
			worsen(e, TCTL_EDGE_MISSING);
		} else if (e) {
			encap_changes(why, sizeof(why), op->diff, op->have, &op->want->nh);
			note(e, "%s", why);
			worsen(e, TCTL_EDGE_WRONG);
		}
	}
	return 0;
}

static int mark_routes(struct tctl_graph *g, const struct tctl_plan *plan,
		       struct tctl_err *err)
{
	char pfx[TCTL_ADDRSTRLEN], why[120], what[64];

	for (size_t i = 0; i < plan->nroutes; i++) {
		const struct tctl_plan_route *op = &plan->routes[i];
		const struct tctl_route *r = op->want ? &op->want->r : op->have;
		struct tctl_graph_edge *e = op->want ? self_edge(g, op->want->peer) : NULL;

		tctl_prefix_str(&r->dst, pfx, sizeof(pfx));
		if (op->act == TCTL_ACT_DELETE) {
			snprintf(what, sizeof(what), "route %s", pfx);
			if (stale(g, plan, &op->have->encap, op->have->dev, what, err))
				return -1;
		} else if (e && op->act == TCTL_ACT_ADD) {
			note(e, "missing route %s", pfx);
			worsen(e, TCTL_EDGE_MISSING);
		} else if (e) {
			diff_names(why, sizeof(why), op->diff);
			note(e, "route %s: %s", pfx, why);
			worsen(e, TCTL_EDGE_WRONG);
		}
	}
	return 0;
}

/*
 * A flowtun device's peer table: the list's other peers are its receive
 * allow-list.  A missing or wrong entry is this node's to fix, on the edge
 * to that peer; an entry the list does not name is stale.
 */
static int mark_peer_tables(struct tctl_graph *g, const struct tctl_plan *plan,
			    struct tctl_err *err)
{
	char what[64];

	for (size_t i = 0; i < plan->npeers; i++) {
		const struct tctl_plan_peer *op = &plan->peers[i];
		struct tctl_graph_edge *e = op->want ? self_edge(g, op->want) : NULL;
		struct tctl_encap enc = {
			.has = TCTL_ENCAP_HAS_DST | TCTL_ENCAP_HAS_ID,
			.family = AF_INET, .id = op->id,
		};

		if (op->act == TCTL_ACT_DELETE) {
			tctl_addr_set(&enc.dst, AF_INET, &op->remote);
			snprintf(what, sizeof(what), "peer-table entry of %s", op->dev->name);
			if (stale(g, plan, &enc, op->dev->name, what, err))
				return -1;
		} else if (e && op->act == TCTL_ACT_ADD) {
			note(e, "missing from %s's peer table", op->dev->name);
			worsen(e, TCTL_EDGE_MISSING);
		} else if (e) {
			note(e, "%s's peer table: id %" PRIu64 " -> %" PRIu64, op->dev->name,
			     op->have->id, op->id);
			worsen(e, TCTL_EDGE_WRONG);
		}
	}
	return 0;
}

static void mark_conflicts(struct tctl_graph *g, const struct tctl_plan *plan)
{
	char pfx[TCTL_ADDRSTRLEN], proto[32];

	for (size_t i = 0; i < plan->nconflicts; i++) {
		const struct tctl_plan_conflict *c = &plan->conflicts[i];
		struct tctl_graph_edge *e = self_edge(g, c->want->peer);

		if (!e)
			continue;
		note(e, "route %s held by proto %s", tctl_prefix_str(&c->want->r.dst, pfx,
			sizeof(pfx)), tctl_proto_name(c->theirs->protocol, proto, sizeof(proto)));
		worsen(e, c->blocking ? TCTL_EDGE_MISSING : TCTL_EDGE_WRONG);
	}
}

int tctl_graph_live(struct tctl_graph *g, const struct tctl_plan *plan, struct tctl_err *err)
{
	if (mark_nexthops(g, plan, err) || mark_routes(g, plan, err) ||
	    mark_peer_tables(g, plan, err))
		return -1;
	mark_conflicts(g, plan);
	for (size_t i = 0; i < g->nedges; i++) {
		struct tctl_graph_edge *e = &g->edges[i];

		if (e->kind == TCTL_EDGE_STALE) {
			g->counts[0]++;
		} else if (e->kind == TCTL_EDGE_SELF) {
			worsen(e, TCTL_EDGE_OK);
			g->counts[e->state]++;
		}
	}
	g->live = true;
	return 0;
}

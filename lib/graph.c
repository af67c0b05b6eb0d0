// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The graph of a peer list: nodes in the list's order, this node's edges
 * first, then one edge per pair of other peers (when the mesh is drawn).
 * Everything is in the list's order, so the same list gives the same graph.
 */
#include "graph.h"

#include <string.h>

#include "bigmem.h"
#include "graph_live.h"

/* What packets from anywhere to peer p carry: p's encap, on p's device. */
static void dir_to(const struct tctl_peerlist *pl, const struct tctl_peer *p,
		   struct tctl_graph_dir *d)
{
	const struct tctl_list_dev *dev;
	struct tctl_peer_opts o;

	memset(d, 0, sizeof(*d));
	d->on = p->nprefixes > 0;
	tctl_peer_encap(pl, p, &d->encap);
	tctl_peer_effective(pl, p, &o);
	memcpy(d->dev, o.device, sizeof(d->dev));
	dev = tctl_peers_find_dev(pl, o.device);
	if (dev && !dev->unmanaged && dev->kind != TCTL_KIND_OTHER)
		d->mode = tctl_kind_info(dev->kind)->name;
}

struct tctl_graph_edge *tctl_graph_add_edge(struct tctl_graph *g, enum tctl_edge_kind kind,
					    size_t from, size_t to)
{
	struct tctl_graph_edge *e = tctl_plan_grow((void **)&g->edges, &g->nedges, sizeof(*e));

	if (e) {
		e->kind = kind;
		e->from = from;
		e->to = to;
	}
	return e;
}

struct tctl_graph_node *tctl_graph_add_node(struct tctl_graph *g)
{
	return tctl_plan_grow((void **)&g->nodes, &g->nnodes, sizeof(struct tctl_graph_node));
}

static int add_peers(const struct tctl_peerlist *pl, const struct tctl_peer *self,
		     struct tctl_graph *g, struct tctl_err *err)
{
	for (size_t i = 0; i < pl->npeers; i++) {
		struct tctl_graph_node *n = tctl_graph_add_node(g);

		if (!n)
			return tctl_err_nomem(err);
		n->peer = &pl->peers[i];
		n->addr = pl->peers[i].underlay;
		n->self = n->peer == self;
		if (n->self) {
			g->has_self = true;
			g->self = i;
		}
	}
	g->npeers = pl->npeers;
	return 0;
}

/* This node to every peer it routes to: one directed edge each. */
static int add_self_edges(const struct tctl_peerlist *pl, struct tctl_graph *g,
			  struct tctl_err *err)
{
	for (size_t i = 0; g->has_self && i < pl->npeers; i++) {
		struct tctl_graph_edge *e;

		if (i == g->self || !pl->peers[i].nprefixes)
			continue;
		e = tctl_graph_add_edge(g, TCTL_EDGE_SELF, g->self, i);
		if (!e)
			return tctl_err_nomem(err);
		dir_to(pl, &pl->peers[i], &e->fwd);
	}
	return 0;
}

/* Every other pair once, with the directions whose target has prefixes. */
static int add_mesh_edges(const struct tctl_peerlist *pl, struct tctl_graph *g,
			  struct tctl_err *err)
{
	for (size_t a = 0; a < pl->npeers; a++) {
		for (size_t b = a + 1; b < pl->npeers; b++) {
			struct tctl_graph_edge *e;
			size_t from = a, to = b;

			if ((g->has_self && (a == g->self || b == g->self)) ||
			    (!pl->peers[a].nprefixes && !pl->peers[b].nprefixes))
				continue;
			/* A one-way tunnel points the way it goes. */
			if (!pl->peers[b].nprefixes) {
				from = b;
				to = a;
			}
			e = tctl_graph_add_edge(g, TCTL_EDGE_MESH, from, to);
			if (!e)
				return tctl_err_nomem(err);
			dir_to(pl, &pl->peers[to], &e->fwd);
			dir_to(pl, &pl->peers[from], &e->back);
		}
	}
	return 0;
}

int tctl_graph_build(const struct tctl_peerlist *pl, const struct tctl_peer *self, bool full,
		     const struct tctl_plan *plan, struct tctl_graph *g, struct tctl_err *err)
{
	int ret;

	memset(g, 0, sizeof(*g));
	g->mesh = full || pl->npeers <= TCTL_GRAPH_FULL_MAX;
	ret = add_peers(pl, self, g, err);
	if (!ret)
		ret = add_self_edges(pl, g, err);
	if (!ret && g->mesh)
		ret = add_mesh_edges(pl, g, err);
	if (!ret && plan && g->has_self)
		ret = tctl_graph_live(g, plan, err);
	if (ret)
		tctl_graph_free(g);
	return ret;
}

void tctl_graph_free(struct tctl_graph *g)
{
	tctl_big_free(g->nodes);
	tctl_big_free(g->edges);
	memset(g, 0, sizeof(*g));
}

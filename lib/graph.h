/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The mesh of a peer list as a graph, for `tunnelctl graph`: one node per
 * peer, and the tunnels between them as edges.  A tunnel from A to B
 * carries B's encap (B's id, ttl, device), so a pair of peers is one edge
 * with up to two directions: a direction matters only when its target has
 * prefixes (no route leads into a peer without any).  This node's edges
 * are kept apart, one per peer it routes to, and with a plan (the kernel
 * compared with the list) each says whether the kernel has it right.
 *
 * The graph is data; printing it (DOT) is cli/print_graph.c's business.
 */
#ifndef TCTL_GRAPH_H
#define TCTL_GRAPH_H

#include "plan.h"

/* Above this many peers only this node's edges are drawn (unless full). */
#define TCTL_GRAPH_FULL_MAX 16
/* An edge's notes: what is missing or wrong, a few lines at most. */
#define TCTL_GRAPH_NOTE_MAX 320

enum tctl_edge_kind {
	TCTL_EDGE_SELF,		/* this node to a peer it routes to */
	TCTL_EDGE_MESH,		/* between two other peers */
	TCTL_EDGE_STALE,	/* this node's owned objects the list does not name */
};

/* Under --live, how this node's edge compares with the kernel (worst wins). */
enum tctl_edge_state {
	TCTL_EDGE_UNCHECKED = 0,	/* no plan: the list alone */
	TCTL_EDGE_OK,
	TCTL_EDGE_WRONG,		/* present, but a field differs */
	TCTL_EDGE_MISSING,		/* a nexthop or route of it is not there */
};

/* One direction of a tunnel: what packets to its target carry. */
struct tctl_graph_dir {
	bool on;
	struct tctl_encap encap;
	char dev[IFNAMSIZ];
	const char *mode;	/* the device's kind in the list; NULL when unmanaged */
};

struct tctl_graph_node {
	const struct tctl_peer *peer;	/* NULL: an underlay address the list does not name */
	struct tctl_addr addr;		/* the peer's underlay, or the stale address */
	bool self;
};

struct tctl_graph_edge {
	enum tctl_edge_kind kind;
	size_t from, to;		/* node indexes */
	struct tctl_graph_dir fwd;	/* from -> to */
	struct tctl_graph_dir back;	/* to -> from (mesh edges only) */
	enum tctl_edge_state state;
	char note[TCTL_GRAPH_NOTE_MAX];	/* lines, '\n'-separated */
	size_t nnotes, dropped;
};

struct tctl_graph {
	struct tctl_graph_node *nodes;	/* the list's peers in its order, then stale addresses */
	size_t nnodes, npeers;
	struct tctl_graph_edge *edges;	/* this node's, then the mesh's, then stale */
	size_t nedges;
	bool has_self;
	size_t self;			/* node index, when has_self */
	bool mesh;			/* the other peers' edges are drawn */
	bool live;			/* states come from a plan */
	size_t counts[4];		/* this node's and stale edges by state; [0]: stale */
};

/*
 * Build the graph of pl.  self may be NULL (no node highlighted, no edges
 * of this node).  full: draw the mesh's edges whatever the list's size
 * (otherwise only up to TCTL_GRAPH_FULL_MAX peers).  plan: NULL, or the
 * plan for self against the kernel, whose ops decide this node's edge
 * states and add the stale ones.
 */
int tctl_graph_build(const struct tctl_peerlist *pl, const struct tctl_peer *self, bool full,
		     const struct tctl_plan *plan, struct tctl_graph *g, struct tctl_err *err);
void tctl_graph_free(struct tctl_graph *g);

#endif

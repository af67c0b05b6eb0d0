/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The graph against the kernel: the plan for this node says, per peer,
 * what is missing and what differs; its deletes are the stale objects,
 * which become edges to the addresses they point at.
 */
#ifndef TCTL_GRAPH_LIVE_H
#define TCTL_GRAPH_LIVE_H

#include "graph.h"

/* Mark this node's edges of g from plan, and add the stale ones. */
int tctl_graph_live(struct tctl_graph *g, const struct tctl_plan *plan, struct tctl_err *err);

/* Grow the graph by one zeroed node or edge (graph.c); NULL: no memory. */
struct tctl_graph_node *tctl_graph_add_node(struct tctl_graph *g);
struct tctl_graph_edge *tctl_graph_add_edge(struct tctl_graph *g, enum tctl_edge_kind kind,
					    size_t from, size_t to);

#endif

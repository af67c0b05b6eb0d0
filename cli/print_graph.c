// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A mesh graph (lib/graph.h) as Graphviz DOT.  Node ids are p0, p1, ...
 * (the list's order) and s0, s1, ... for stale addresses; every label is
 * a quoted string with its quotes and backslashes escaped, so a peer's
 * name cannot break the document.  Colours of this node's edges under
 * --live: black right, red dashed missing, orange wrong, gray stale.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "print_graph.h"

/* A node's label lists at most this many prefixes. */
#define LABEL_PREFIXES 4

static void dot_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '\n')
			fputs("\\n", f);
		else if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void node_id(FILE *f, const struct tctl_graph *g, size_t i)
{
	if (i < g->npeers)
		fprintf(f, "p%zu", i);
	else
		fprintf(f, "s%zu", i - g->npeers);
}

/* Append to buf, which always stays terminated. */
static void cat(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void cat(char *buf, size_t len, const char *fmt, ...)
{
	size_t at = strlen(buf);
	va_list ap;

	if (at + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + at, len - at, fmt, ap);
	va_end(ap);
}

static void id_text(char *buf, size_t len, const struct tctl_encap *e)
{
	if (e->has & TCTL_ENCAP_HAS_ID)
		snprintf(buf, len, "id %" PRIu64, e->id);
	else
		snprintf(buf, len, "no id");
}

/* "gre01 gre" or "v0" when the list does not manage the device. */
static void dev_text(char *buf, size_t len, const struct tctl_graph_dir *d)
{
	snprintf(buf, len, "%s%s%s", d->dev, d->mode ? " " : "", d->mode ? d->mode : "");
}

static void print_node(FILE *f, const struct tctl_graph *g, size_t i)
{
	const struct tctl_graph_node *n = &g->nodes[i];
	char label[1024] = "", a[TCTL_ADDRSTRLEN], id[32];

	if (!n->peer) {
		cat(label, sizeof(label), "%s\nnot in the list", tctl_addr_str(&n->addr, a, sizeof(a)));
		fputc('\t', f);
		node_id(f, g, i);
		fputs(" [label=", f);
		dot_str(f, label);
		fputs(" style=\"rounded,dashed\" color=gray fontcolor=gray40];\n", f);
		return;
	}
	cat(label, sizeof(label), "%s\n%s", n->peer->name, tctl_addr_str(&n->addr, a, sizeof(a)));
	if (n->peer->has_id) {
		snprintf(id, sizeof(id), "id %" PRIu64, n->peer->id);
		cat(label, sizeof(label), "\n%s", id);
	}
	for (size_t k = 0; k < n->peer->nprefixes && k < LABEL_PREFIXES; k++)
		cat(label, sizeof(label), "\n%s", tctl_prefix_str(&n->peer->prefixes[k], a, sizeof(a)));
	if (n->peer->nprefixes > LABEL_PREFIXES)
		cat(label, sizeof(label), "\n(%zu more prefixes)", n->peer->nprefixes - LABEL_PREFIXES);
	fputc('\t', f);
	node_id(f, g, i);
	fputs(" [label=", f);
	dot_str(f, label);
	if (n->self)
		fputs(" style=\"rounded,filled,bold\" fillcolor=\"#cfe2ff\" penwidth=2", f);
	fputs("];\n", f);
}

static const char *state_attrs(const struct tctl_graph_edge *e)
{
	if (e->kind == TCTL_EDGE_STALE)
		return "color=gray fontcolor=gray40";
	switch (e->state) {
	case TCTL_EDGE_MISSING:
		return "color=red fontcolor=red style=dashed";
	case TCTL_EDGE_WRONG:
		return "color=orange fontcolor=darkorange3";
	default:
		return "color=black";
	}
}

/* This node's edge, or a stale one: the whole encap, then what is wrong. */
static void print_own_edge(FILE *f, const struct tctl_graph *g, const struct tctl_graph_edge *e)
{
	const struct tctl_encap *enc = &e->fwd.encap;
	char label[1024] = "", id[32], dev[64];

	id_text(id, sizeof(id), enc);
	dev_text(dev, sizeof(dev), &e->fwd);
	cat(label, sizeof(label), "%s\n%s", id, dev);
	if (enc->has & TCTL_ENCAP_HAS_TTL)
		cat(label, sizeof(label), " ttl %u", enc->ttl);
	if (e->kind == TCTL_EDGE_STALE)
		cat(label, sizeof(label), "\nstale:");
	if (e->note[0])
		cat(label, sizeof(label), "\n%s", e->note);
	if (e->dropped)
		cat(label, sizeof(label), "\nand %zu more", e->dropped);
	fputc('\t', f);
	node_id(f, g, e->from);
	fputs(" -> ", f);
	node_id(f, g, e->to);
	fputs(" [label=", f);
	dot_str(f, label);
	fprintf(f, " penwidth=2 %s];\n", state_attrs(e));
}

/*
 * Two other peers: one edge, an arrowhead for each direction that carries
 * traffic, and at each end the id of the packets arriving there.
 */
static void print_mesh_edge(FILE *f, const struct tctl_graph *g, const struct tctl_graph_edge *e)
{
	char head[32], tail[32], dev[64], back[64];

	id_text(head, sizeof(head), &e->fwd.encap);
	dev_text(dev, sizeof(dev), &e->fwd);
	fputc('\t', f);
	node_id(f, g, e->from);
	fputs(" -> ", f);
	node_id(f, g, e->to);
	fputs(" [headlabel=", f);
	dot_str(f, head);
	if (e->back.on) {
		id_text(tail, sizeof(tail), &e->back.encap);
		dev_text(back, sizeof(back), &e->back);
		if (strcmp(dev, back))
			cat(dev, sizeof(dev), " / %s", back);
		fputs(" taillabel=", f);
		dot_str(f, tail);
		fputs(" dir=both", f);
	}
	fputs(" label=", f);
	dot_str(f, dev);
	fputs(" color=gray40 fontcolor=gray30];\n", f);
}

static void graph_label(FILE *f, const struct tctl_graph *g, const char *file)
{
	char label[512] = "";

	cat(label, sizeof(label), "%s: %zu peer%s", file, g->npeers, g->npeers == 1 ? "" : "s");
	if (g->has_self)
		cat(label, sizeof(label), ", this node %s", g->nodes[g->self].peer->name);
	if (!g->mesh)
		cat(label, sizeof(label), "\nover %d peers: only this node's edges (--full draws all)",
		    TCTL_GRAPH_FULL_MAX);
	if (g->live)
		cat(label, sizeof(label), "\nkernel: %zu right, %zu wrong, %zu missing, %zu stale",
		    g->counts[TCTL_EDGE_OK], g->counts[TCTL_EDGE_WRONG],
		    g->counts[TCTL_EDGE_MISSING], g->counts[0]);
	fputs("\tlabel=", f);
	dot_str(f, label);
	fputs(";\n", f);
}

void print_graph_dot(FILE *f, const struct tctl_graph *g, const char *file)
{
	fputs("digraph tunnelctl {\n", f);
	/* A mesh reads best on a circle; one node's star around that node. */
	if (g->mesh) {
		fputs("\tlayout=circo;\n", f);
	} else if (g->has_self) {
		fputs("\tlayout=twopi;\n\troot=", f);
		node_id(f, g, g->self);
		fputs(";\n", f);
	}
	fputs("\tlabelloc=t;\n\tfontname=\"Helvetica\";\n", f);
	graph_label(f, g, file);
	fputs("\tnode [shape=box style=rounded fontname=\"Helvetica\" fontsize=10];\n", f);
	fputs("\tedge [fontname=\"Helvetica\" fontsize=9];\n", f);
	for (size_t i = 0; i < g->nnodes; i++)
		print_node(f, g, i);
	for (size_t i = 0; i < g->nedges; i++) {
		if (g->edges[i].kind == TCTL_EDGE_MESH)
			print_mesh_edge(f, g, &g->edges[i]);
		else
			print_own_edge(f, g, &g->edges[i]);
	}
	fputs("}\n", f);
}

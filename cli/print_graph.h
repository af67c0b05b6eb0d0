/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The DOT printer of `tunnelctl graph`. */
#ifndef TCTL_PRINT_GRAPH_H
#define TCTL_PRINT_GRAPH_H

#include <stdio.h>

#include "../lib/graph.h"

/* g as one DOT digraph; file names the list in the graph's title. */
void print_graph_dot(FILE *f, const struct tctl_graph *g, const char *file);

#endif

// SPDX-License-Identifier: GPL-2.0-or-later
#include "graph_args.h"

static const struct tctl_kw kw_graph[] = {
	{ .metavar = "FILE", .val = TCTL_VAL_FILE,
	  .flags = TCTL_KW_POSITIONAL | TCTL_KW_REQUIRED,
	  .help = "the peer list (JSON, tunnelctl-peers(5)); - for stdin" },
	{ "--self", "NAME", TCTL_VAL_TEXT, NULL, 0, 0,
	  "the node to highlight (default: the peer whose underlay is local)" },
	{ "--live", NULL, TCTL_VAL_NONE, NULL, 0, 0,
	  "colour this node's edges by what its kernel has (missing, wrong, stale)" },
	{ "--full", NULL, TCTL_VAL_NONE, NULL, 0, 0,
	  "draw every peer's edges, however large the list (default: up to 16 peers)" },
	{ 0 }
};

const struct tctl_syntax tctl_syntax_graph = {
	"graph", "", kw_graph, "the mesh of a peer list as Graphviz DOT", NULL,
};

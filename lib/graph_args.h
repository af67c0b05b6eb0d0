/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The grammar of `tunnelctl graph FILE [--self NAME] [--live] [--full]`. */
#ifndef TCTL_GRAPH_ARGS_H
#define TCTL_GRAPH_ARGS_H

#include "grammar.h"

extern const struct tctl_syntax tctl_syntax_graph;

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The stats command's grammar: flowtun counters of a device, a peer, or all. */
#ifndef TCTL_STATS_ARGS_H
#define TCTL_STATS_ARGS_H

#include "grammar.h"
#include "nl_flowtun.h"

extern const struct tctl_syntax tctl_syntax_stats;

/* stats [dev NAME] [peer ADDR] */
int tctl_stats_filter_from_args(const struct tctl_args *a, struct tctl_ft_filter *f,
				struct tctl_err *err);

#endif

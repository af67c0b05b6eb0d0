/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The flowtun printers: peer tables and counters, text and JSON. */
#ifndef TCTL_PRINT_FLOWTUN_H
#define TCTL_PRINT_FLOWTUN_H

#include "../lib/nl_flowtun.h"
#include "cli.h"

/* peer show: a table, or an array of peers with their counters. */
void print_peers(const struct cli *cli, const struct tctl_ft_peer_list *peers);
/* stats: a block of counters per device and per peer, or {devices, peers}. */
void print_stats(const struct cli *cli, const struct tctl_ft_dev_list *devs,
		 const struct tctl_ft_peer_list *peers);

#endif

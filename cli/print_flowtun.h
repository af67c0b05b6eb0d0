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

/*
 * peer show and stats: parse the filter (a usage error exits 2), open the
 * flowtun socket, read what the filter selects (tctl_ft_show) and hand it
 * to print.  Returns the exit code, the error reported.
 */
typedef int (*cli_ft_filter_parser)(const struct tctl_args *a, struct tctl_ft_filter *f,
				    struct tctl_err *err);
typedef void (*cli_ft_printer)(const struct cli *cli, const struct tctl_ft_filter *f,
			       struct tctl_ft_dev_list *devs, struct tctl_ft_peer_list *peers);
int cli_ft_show(struct cli *cli, const struct tctl_args *a, cli_ft_filter_parser parse,
		cli_ft_printer print);

#endif

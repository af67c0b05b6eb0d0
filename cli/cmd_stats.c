// SPDX-License-Identifier: GPL-2.0-or-later
/* tunnelctl stats [dev NAME] [peer ADDR]: flowtun counters. */
#include "../lib/stats_args.h"
#include "cli.h"
#include "print_flowtun.h"

static void show_stats(const struct cli *cli, const struct tctl_ft_filter *f,
		       struct tctl_ft_dev_list *devs, struct tctl_ft_peer_list *peers)
{
	/* Asked about a peer: its counters, not its device's. */
	if (f->has_remote)
		devs->n = 0;
	print_stats(cli, devs, peers);
}

static int cmd_stats(struct cli *cli, const struct tctl_args *a)
{
	return cli_ft_show(cli, a, tctl_stats_filter_from_args, show_stats);
}

static const struct cli_verb stats_cmd = { &tctl_syntax_stats, cmd_stats };
static const struct cli_verb no_verbs[] = { { NULL, NULL } };

const struct cli_object cli_object_stats = {
	"stats", no_verbs, NULL, "counters of flowtun devices and their peers", &stats_cmd,
};

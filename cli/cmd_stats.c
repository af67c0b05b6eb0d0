// SPDX-License-Identifier: GPL-2.0-or-later
/* tunnelctl stats [dev NAME] [peer ADDR]: flowtun counters. */
#include "../lib/stats_args.h"
#include "cli.h"
#include "print_flowtun.h"

static int cmd_stats(struct cli *cli, const struct tctl_args *a)
{
	struct tctl_err err = { 0 };
	struct tctl_ft_filter f;
	struct tctl_ft_dev_list devs = { 0 };
	struct tctl_ft_peer_list peers = { 0 };
	struct tctl_ft *ft;
	int ret = EXIT_OK;

	if (tctl_stats_filter_from_args(a, &f, &err))
		return cli_usage_error(cli, a->syn, &err);
	ft = cli_ft(cli, &err);
	if (!ft || tctl_ft_show(ft, &f, &devs, &peers, &err)) {
		ret = cli_fail(cli, &err);
	} else {
		/* Asked about a peer: its counters, not its device's. */
		if (f.has_remote)
			devs.n = 0;
		print_stats(cli, &devs, &peers);
	}
	tctl_ft_peer_list_free(&peers);
	tctl_ft_dev_list_free(&devs);
	return ret;
}

static const struct cli_verb stats_cmd = { &tctl_syntax_stats, cmd_stats };
static const struct cli_verb no_verbs[] = { { NULL, NULL } };

const struct cli_object cli_object_stats = {
	"stats", no_verbs, NULL, "counters of flowtun devices and their peers", &stats_cmd,
};

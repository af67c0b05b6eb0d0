// SPDX-License-Identifier: GPL-2.0-or-later
/* tunnelctl peer {add|replace|del|show}: a flowtun device's peer table. */
#include "../lib/peer_args.h"
#include "cli.h"
#include "print_flowtun.h"

static int peer_write(struct cli *cli, const struct tctl_args *a, bool replace)
{
	struct tctl_err err = { 0 };
	struct tctl_ft_peer_req req;
	struct tctl_ft *ft;

	if (tctl_peer_from_args(a, &req, &err))
		return cli_usage_error(cli, a->syn, &err);
	ft = cli_ft(cli, &err);
	if (!ft || tctl_ft_peer_add(ft, &req, replace, &err))
		return cli_fail(cli, &err);
	return EXIT_OK;
}

static int peer_add(struct cli *cli, const struct tctl_args *a)
{
	return peer_write(cli, a, false);
}

static int peer_replace(struct cli *cli, const struct tctl_args *a)
{
	return peer_write(cli, a, true);
}

static int peer_del(struct cli *cli, const struct tctl_args *a)
{
	struct tctl_err err = { 0 };
	struct tctl_ft_peer_req req;
	struct tctl_ft *ft;

	if (tctl_peer_from_args(a, &req, &err))
		return cli_usage_error(cli, a->syn, &err);
	ft = cli_ft(cli, &err);
	if (!ft || tctl_ft_peer_del(ft, &req, &err))
		return cli_fail(cli, &err);
	return EXIT_OK;
}

int cli_ft_show(struct cli *cli, const struct tctl_args *a, cli_ft_filter_parser parse,
		cli_ft_printer print)
{
	struct tctl_err err = { 0 };
	struct tctl_ft_filter f;
	struct tctl_ft_dev_list devs = { 0 };
	struct tctl_ft_peer_list peers = { 0 };
	struct tctl_ft *ft;
	int ret = EXIT_OK;

	if (parse(a, &f, &err))
		return cli_usage_error(cli, a->syn, &err);
	ft = cli_ft(cli, &err);
	if (!ft || tctl_ft_show(ft, &f, &devs, &peers, &err))
		ret = cli_fail(cli, &err);
	else
		print(cli, &f, &devs, &peers);
	tctl_ft_peer_list_free(&peers);
	tctl_ft_dev_list_free(&devs);
	return ret;
}

static void show_peers(const struct cli *cli, const struct tctl_ft_filter *f,
		       struct tctl_ft_dev_list *devs, struct tctl_ft_peer_list *peers)
{
	(void)f;
	(void)devs;
	print_peers(cli, peers);
}

static int peer_show(struct cli *cli, const struct tctl_args *a)
{
	return cli_ft_show(cli, a, tctl_peer_filter_from_args, show_peers);
}

static const struct cli_verb peer_verbs[] = {
	{ &tctl_syntax_peer_add, peer_add },
	{ &tctl_syntax_peer_replace, peer_replace },
	{ &tctl_syntax_peer_del, peer_del },
	{ &tctl_syntax_peer_show, peer_show },
	{ NULL, NULL },
};

const struct cli_object cli_object_peer = {
	"peer", peer_verbs, "show", "the peer tables of flowtun (datapath kmod) devices", NULL,
};

// SPDX-License-Identifier: GPL-2.0-or-later
/* tunnelctl dev {add|del|set|show} */
#include <stdio.h>

#include "../lib/dev_args.h"
#include "../lib/dev_ops.h"
#include "cli.h"
#include "print.h"

static int dev_add(struct cli *cli, const struct tctl_args *a)
{
	struct tctl_err err = { 0 };
	struct tctl_dev d, made;
	struct tctl_nl *nl;

	if (tctl_dev_from_args(a, &d, &err))
		return cli_usage_error(cli, a->syn, &err);
	nl = cli_nl(cli, &err);
	if (!nl || tctl_dev_add(nl, &d, &made, &err))
		return cli_fail(cli, &err);
	if ((d.has & TCTL_DEV_HAS_MTU) && made.mtu != d.mtu)
		fprintf(stderr, "%s: dev add %s: the kernel set mtu %u, not %u (the most a "
			"%s device allows)\n", cli->prog, d.name, made.mtu, d.mtu,
			d.kind_name);
	return EXIT_OK;
}

static int dev_del(struct cli *cli, const struct tctl_args *a)
{
	struct tctl_err err = { 0 };
	struct tctl_nl *nl = cli_nl(cli, &err);

	if (!nl || tctl_dev_del(nl, tctl_args_get(a, "NAME"), &err))
		return cli_fail(cli, &err);
	return EXIT_OK;
}

static int dev_set(struct cli *cli, const struct tctl_args *a)
{
	struct tctl_err err = { 0 };
	struct tctl_dev change;
	struct tctl_nl *nl;

	if (tctl_dev_change_from_args(a, &change, &err))
		return cli_usage_error(cli, a->syn, &err);
	nl = cli_nl(cli, &err);
	if (!nl || tctl_dev_set(nl, &change, &err))
		return cli_fail(cli, &err);
	return EXIT_OK;
}

static int dev_show(struct cli *cli, const struct tctl_args *a)
{
	struct tctl_err err = { 0 };
	struct tctl_dev_list l = { 0 };
	struct tctl_nl *nl = cli_nl(cli, &err);
	int ret = EXIT_OK;

	if (!nl || tctl_dev_show(nl, tctl_args_get(a, "NAME"), &l, &err))
		ret = cli_fail(cli, &err);
	else
		print_devs(cli, &l);
	tctl_dev_list_free(&l);
	return ret;
}

static const struct cli_verb dev_verbs[] = {
	{ &tctl_syntax_dev_add, dev_add },
	{ &tctl_syntax_dev_del, dev_del },
	{ &tctl_syntax_dev_set, dev_set },
	{ &tctl_syntax_dev_show, dev_show },
	{ NULL, NULL },
};

const struct cli_object cli_object_dev = {
	"dev", dev_verbs, "show", "external (flow-based) tunnel devices",
};

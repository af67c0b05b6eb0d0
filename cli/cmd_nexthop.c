// SPDX-License-Identifier: GPL-2.0-or-later
/* tunnelctl nexthop {add|replace|del|show} */
#include <stdlib.h>

#include "../lib/nexthop_ops.h"
#include "cli.h"
#include "print.h"

static int nexthop_write(struct cli *cli, const struct tctl_args *a, bool replace)
{
	struct tctl_err err = { 0 };
	struct tctl_nexthop nh;
	struct tctl_nl *nl;

	if (tctl_nexthop_from_args(a, &nh, &err))
		return cli_usage_error(cli, a->syn, &err);
	nl = cli_nl(cli, &err);
	if (!nl || tctl_nexthop_add(nl, &nh, replace, &err))
		return cli_fail(cli, &err);
	return EXIT_OK;
}

static int nexthop_add(struct cli *cli, const struct tctl_args *a)
{
	return nexthop_write(cli, a, false);
}

static int nexthop_replace(struct cli *cli, const struct tctl_args *a)
{
	return nexthop_write(cli, a, true);
}

static int nexthop_del(struct cli *cli, const struct tctl_args *a)
{
	struct tctl_err err = { 0 };
	struct tctl_nexthop_filter f;
	struct tctl_nl *nl;

	if (tctl_nexthop_filter_from_args(a, &f, &err))
		return cli_usage_error(cli, a->syn, &err);
	nl = cli_nl(cli, &err);
	if (!nl || tctl_nexthop_del(nl, f.id, &err))
		return cli_fail(cli, &err);
	return EXIT_OK;
}

static int nexthop_show(struct cli *cli, const struct tctl_args *a)
{
	struct tctl_err err = { 0 };
	struct tctl_nexthop_filter f;
	struct tctl_nexthop_list l = { 0 };
	size_t *users = NULL;
	struct tctl_nl *nl;
	int ret = EXIT_OK;

	if (tctl_nexthop_filter_from_args(a, &f, &err))
		return cli_usage_error(cli, a->syn, &err);
	nl = cli_nl(cli, &err);
	if (!nl || tctl_nexthop_show(nl, &f, &l, &users, &err))
		ret = cli_fail(cli, &err);
	else
		print_nexthops(cli, &l, users);
	free(users);
	tctl_nexthop_list_free(&l);
	return ret;
}

static const struct cli_verb nexthop_verbs[] = {
	{ &tctl_syntax_nexthop_add, nexthop_add },
	{ &tctl_syntax_nexthop_replace, nexthop_replace },
	{ &tctl_syntax_nexthop_del, nexthop_del },
	{ &tctl_syntax_nexthop_show, nexthop_show },
	{ NULL, NULL },
};

const struct cli_object cli_object_nexthop = {
	"nexthop", nexthop_verbs, "show", "nexthop objects carrying an encap", NULL,
};

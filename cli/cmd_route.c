// SPDX-License-Identifier: GPL-2.0-or-later
/* tunnelctl route {add|replace|del|show|flush} */
#include <stdio.h>

#include "../lib/route_args.h"
#include "../lib/route_ops.h"
#include "../lib/rtnames.h"
#include "cli.h"
#include "print.h"

static int route_write(struct cli *cli, const struct tctl_args *a, bool replace)
{
	struct tctl_err err = { 0 };
	struct tctl_route r;
	struct tctl_nl *nl;

	if (tctl_route_from_args(a, &r, &err))
		return cli_usage_error(cli, a->syn, &err);
	nl = cli_nl(cli, &err);
	if (!nl || tctl_route_add(nl, &r, replace, &err))
		return cli_fail(cli, &err);
	return EXIT_OK;
}

static int route_add(struct cli *cli, const struct tctl_args *a)
{
	return route_write(cli, a, false);
}

static int route_replace(struct cli *cli, const struct tctl_args *a)
{
	return route_write(cli, a, true);
}

static int route_del(struct cli *cli, const struct tctl_args *a)
{
	struct tctl_err err = { 0 };
	struct tctl_route_filter f;
	struct tctl_route gone;
	struct tctl_nl *nl;

	if (tctl_route_filter_from_args(a, &f, &err))
		return cli_usage_error(cli, a->syn, &err);
	nl = cli_nl(cli, &err);
	if (!nl || tctl_route_del(nl, &f, &gone, &err))
		return cli_fail(cli, &err);
	return EXIT_OK;
}

static int route_show(struct cli *cli, const struct tctl_args *a)
{
	struct tctl_err err = { 0 };
	struct tctl_route_filter f;
	struct tctl_route_list l = { 0 };
	struct tctl_nl *nl;
	int ret = EXIT_OK;

	if (tctl_route_filter_from_args(a, &f, &err))
		return cli_usage_error(cli, a->syn, &err);
	nl = cli_nl(cli, &err);
	if (!nl || tctl_route_show(nl, &f, &l, &err))
		ret = cli_fail(cli, &err);
	else
		print_routes(cli, &l);
	tctl_route_list_free(&l);
	return ret;
}

/* Name every route flush left alone, and every one the kernel refused. */
static int report_flush(const struct cli *cli, const struct tctl_flush_result *res)
{
	char what[256], proto[32];
	int ret = EXIT_OK;

	for (size_t i = 0; i < res->kept.n; i++)
		fprintf(stderr, "%s: route flush: left %s: it belongs to protocol %s, "
			"not tunnelctl\n", cli->prog,
			tctl_route_describe(&res->kept.v[i], what, sizeof(what)),
			tctl_proto_name(res->kept.v[i].protocol, proto, sizeof(proto)));
	for (size_t i = 0; i < res->batch.n; i++) {
		struct tctl_err err;

		if (!res->batch.ops[i].error)
			continue;
		tctl_nl_op_error(&res->batch.ops[i], &err);
		fprintf(stderr, "%s: %s\n", cli->prog, err.msg);
		ret = EXIT_FAIL;
	}
	print_flush(cli, res);
	return ret;
}

static int route_flush(struct cli *cli, const struct tctl_args *a)
{
	struct tctl_err err = { 0 };
	struct tctl_route_filter f;
	struct tctl_flush_result res;
	struct tctl_nl *nl;
	int ret;

	if (tctl_route_filter_from_args(a, &f, &err))
		return cli_usage_error(cli, a->syn, &err);
	nl = cli_nl(cli, &err);
	if (!nl)
		return cli_fail(cli, &err);
	if (tctl_route_flush(nl, &f, &res, &err))
		ret = cli_fail(cli, &err);
	else
		ret = report_flush(cli, &res);
	tctl_flush_result_free(&res);
	return ret;
}

static const struct cli_verb route_verbs[] = {
	{ &tctl_syntax_route_add, route_add },
	{ &tctl_syntax_route_replace, route_replace },
	{ &tctl_syntax_route_del, route_del },
	{ &tctl_syntax_route_show, route_show },
	{ &tctl_syntax_route_flush, route_flush },
	{ NULL, NULL },
};

const struct cli_object cli_object_route = {
	"route", route_verbs, "show", "encap routes through tunnel devices",
};

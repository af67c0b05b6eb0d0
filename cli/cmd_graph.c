// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tunnelctl graph FILE [--self NAME] [--live] [--full]: the mesh of a peer
 * list as Graphviz DOT on stdout (`| dot -Tsvg > mesh.svg`).  This node is
 * found as apply finds it; with --live its edges are compared with the
 * kernel through the same plan apply would run.
 */
#include <string.h>

#include "../lib/graph.h"
#include "../lib/graph_args.h"
#include "../lib/nl_addr.h"
#include "../lib/rtnames.h"
#include "cli.h"
#include "print_graph.h"

/*
 * Which peer this node is.  Without --live a graph needs no kernel: when
 * this node cannot be told (no peer's address is local, or two are), the
 * graph is drawn with no node highlighted and a warning says why.
 */
static int find_self(struct cli *cli, const struct tctl_peerlist *pl, const char *name,
		     bool live, const struct tctl_peer **self)
{
	struct tctl_addr_list addrs = { 0 };
	struct tctl_err err = { 0 };
	struct tctl_nl *nl = NULL;
	int ret;

	*self = NULL;
	if (!name) {
		nl = cli_nl(cli, &err);
		if (!nl || tctl_addr_dump(nl, &addrs, &err)) {
			tctl_addr_list_free(&addrs);
			if (live)
				return cli_fail(cli, &err);
			fprintf(stderr, "%s: graph: warning: %s; no node highlighted\n", cli->prog,
				err.msg);
			return EXIT_OK;
		}
	}
	ret = tctl_find_self(pl, name, addrs.v, addrs.n, self, &err);
	tctl_addr_list_free(&addrs);
	if (!ret)
		return EXIT_OK;
	if (live || name)
		return cli_fail(cli, &err);
	fprintf(stderr, "%s: graph: warning: %s; no node highlighted\n", cli->prog, err.msg);
	return EXIT_OK;
}

/* The list's name in the graph's title: its last component, "-" for stdin. */
static const char *base_name(const char *file)
{
	const char *slash = strrchr(file, '/');

	return slash && slash[1] ? slash + 1 : file;
}

static int draw(struct cli *cli, const struct tctl_args *a, const struct tctl_peerlist *pl,
		const struct tctl_peer *self)
{
	struct tctl_plan_opts po = { .prune = TCTL_PRUNE_LISTED };
	bool live = tctl_args_has(a, "--live");
	struct tctl_err err = { 0 };
	struct tctl_plan plan = { 0 };
	struct tctl_graph g;
	int ret = EXIT_OK;

	if (live) {
		tctl_rtnames_load();
		if (tctl_plan_build(cli_nl(cli, &err), pl, self, &po, &plan, &err)) {
			tctl_plan_free(&plan);
			return cli_fail(cli, &err);
		}
	}
	if (tctl_graph_build(pl, self, tctl_args_has(a, "--full"), live ? &plan : NULL, &g, &err))
		ret = cli_fail(cli, &err);
	else
		print_graph_dot(stdout, &g, base_name(tctl_args_get(a, "FILE")));
	tctl_graph_free(&g);
	tctl_plan_free(&plan);
	return ret;
}

static int cmd_graph(struct cli *cli, const struct tctl_args *a)
{
	const char *file = tctl_args_get(a, "FILE");
	bool live = tctl_args_has(a, "--live");
	const struct tctl_peer *self = NULL;
	struct tctl_diags d = { 0 };
	struct tctl_peerlist pl;
	struct tctl_err err = { 0 };
	int ret;

	if (cli->json) {
		tctl_err_usage(&err, "prints Graphviz DOT; -j does not apply");
		return cli_usage_error(cli, a->syn, &err);
	}
	/* The plan needs the socket: open it first, so a bad -n fails at once. */
	if (live && !cli_nl(cli, &err))
		return cli_fail(cli, &err);
	ret = cli_peers_load(cli, file, &pl, &d);
	tctl_diags_free(&d);
	if (!ret)
		ret = find_self(cli, &pl, tctl_args_get(a, "--self"), live, &self);
	if (!ret)
		ret = draw(cli, a, &pl, self);
	tctl_peers_free(&pl);
	return ret;
}

static const struct cli_verb graph_cmd = { &tctl_syntax_graph, cmd_graph };
static const struct cli_verb no_verbs[] = { { NULL, NULL } };

const struct cli_object cli_object_graph = {
	"graph", no_verbs, NULL, "the mesh of a peer list as Graphviz DOT", &graph_cmd,
};

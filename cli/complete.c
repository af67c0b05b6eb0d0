// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tunnelctl __complete WORD... : the words that may come next, one per line.
 * The last WORD is the one being completed (empty for a new word).  The bash
 * completion calls this, so completion follows the grammar tables and
 * reads device names and prefixes from the kernel.  The interactive shell
 * completes through cli_complete_words too, so the two cannot drift.
 */
#include <stdio.h>
#include <string.h>

#include "../lib/dev_ops.h"
#include "../lib/model.h"
#include "../lib/nl_link.h"
#include "../lib/nl_nexthop.h"
#include "../lib/route_ops.h"
#include "cli.h"

/* Where the candidates go, and the prefix they must have. */
struct offer_ctx {
	const char *prefix;
	cli_complete_cb emit;
	void *arg;
};

static void offer(const char *word, const struct offer_ctx *c)
{
	if (!strncmp(word, c->prefix, strlen(c->prefix)))
		c->emit(word, c->arg);
}

static void offer_devices(struct cli *cli, bool tunnels_only, const struct offer_ctx *oc)
{
	struct tctl_dev_list l = { 0 };
	struct tctl_err err;
	struct tctl_nl *nl = cli_nl(cli, &err);

	if (nl && !tctl_link_dump(nl, &l, &err))
		for (size_t i = 0; i < l.n; i++)
			if (!tunnels_only || l.v[i].kind != TCTL_KIND_OTHER)
				offer(l.v[i].name, oc);
	tctl_dev_list_free(&l);
}

static void offer_routes(struct cli *cli, const struct offer_ctx *oc)
{
	struct tctl_route_filter f = { .table = TCTL_TABLE_MAIN };
	struct tctl_route_list l = { 0 };
	struct tctl_err err;
	struct tctl_nl *nl = cli_nl(cli, &err);
	char buf[TCTL_ADDRSTRLEN];

	if (nl && !tctl_route_show(nl, &f, &l, &err))
		for (size_t i = 0; i < l.n; i++)
			offer(tctl_prefix_str(&l.v[i].dst, buf, sizeof(buf)), oc);
	tctl_route_list_free(&l);
}

static void offer_nexthops(struct cli *cli, const struct offer_ctx *oc)
{
	struct tctl_nexthop_list l = { 0 };
	struct tctl_err err;
	struct tctl_nl *nl = cli_nl(cli, &err);
	char id[16];

	if (nl && !tctl_nexthop_dump(nl, NULL, &l, &err))
		for (size_t i = 0; i < l.n; i++) {
			snprintf(id, sizeof(id), "%u", l.v[i].id);
			offer(id, oc);
		}
	tctl_nexthop_list_free(&l);
}

static void offer_value(struct cli *cli, const struct tctl_next *next,
			const struct offer_ctx *oc)
{
	static const char *const tables[] = { "main", "local", "default", NULL };

	switch (next->val) {
	case TCTL_VAL_DEVICE:
	case TCTL_VAL_TUNDEV:
		offer_devices(cli, next->val == TCTL_VAL_TUNDEV, oc);
		break;
	case TCTL_VAL_ROUTE:
		offer_routes(cli, oc);
		break;
	case TCTL_VAL_CHOICE:
		for (size_t i = 0; next->kw->choices[i]; i++)
			offer(next->kw->choices[i], oc);
		break;
	case TCTL_VAL_TABLE:
		for (size_t i = 0; tables[i]; i++)
			offer(tables[i], oc);
		break;
	case TCTL_VAL_NHID:
		offer_nexthops(cli, oc);
		break;
	case TCTL_VAL_FILE:
		/* The shell completes file names itself. */
		oc->emit(CLI_COMPLETE_FILES, oc->arg);
		break;
	default:
		break;		/* numbers, addresses, new names: nothing to offer */
	}
}

static void offer_verbs(const struct cli_object *o, const struct offer_ctx *oc)
{
	if (o->direct)
		return;
	for (size_t i = 0; o->verbs[i].syn; i++)
		offer(o->verbs[i].syn->verb, oc);
}

void cli_complete_words(struct cli *cli, int argc, char **argv, cli_complete_cb emit,
			void *arg)
{
	const struct offer_ctx ctx = { argc ? argv[argc - 1] : "", emit, arg };
	const struct offer_ctx *oc = &ctx;
	const struct cli_object *o;
	const struct cli_verb *v;
	struct tctl_next next;

	if (argc <= 1) {
		for (size_t i = 0; cli_objects[i]; i++)
			offer(cli_objects[i]->name, oc);
		offer("help", oc);
		if (!cli->in_shell)
			offer("shell", oc);
		return;
	}
	if (!strcmp(argv[0], "help")) {
		o = cli_find_object(argv[1]);
		if (argc == 2)
			for (size_t i = 0; cli_objects[i]; i++)
				offer(cli_objects[i]->name, oc);
		else if (argc == 3 && o)
			offer_verbs(o, oc);
		return;
	}
	o = cli_find_object(argv[0]);
	if (!o)
		return;
	if (o->direct) {
		tctl_syntax_next(o->direct->syn, argc - 2, argv + 1, &next);
		if (next.val != TCTL_VAL_NONE)
			offer_value(cli, &next, oc);
		for (size_t i = 0; i < next.nwords; i++)
			offer(next.words[i], oc);
		return;
	}
	if (argc == 2) {
		offer_verbs(o, oc);
		return;
	}
	v = cli_find_verb(o, argv[1]);
	if (!v)
		return;
	tctl_syntax_next(v->syn, argc - 3, argv + 2, &next);
	if (next.val != TCTL_VAL_NONE)
		offer_value(cli, &next, oc);
	for (size_t i = 0; i < next.nwords; i++)
		offer(next.words[i], oc);
}

static void print_word(const char *word, void *arg)
{
	(void)arg;
	printf("%s\n", word);
}

int cli_complete(struct cli *cli, int argc, char **argv)
{
	cli_complete_words(cli, argc, argv, print_word, NULL);
	return EXIT_OK;
}

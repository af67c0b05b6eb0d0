// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tunnelctl: control flow-based (external) IP tunnels and their encap routes.
 * main() parses the global options and dispatches through the one table of
 * objects; each object's verbs live in cmd_<object>.c.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/nl_flowtun.h"
#include "../lib/number.h"
#include "../lib/rtnames.h"
#include "cli.h"

#ifndef TUNNELCTL_VERSION
#define TUNNELCTL_VERSION "0.1.0"
#endif

const struct cli_object *const cli_objects[] = {
	&cli_object_dev,
	&cli_object_route,
	&cli_object_nexthop,
	&cli_object_peer,
	&cli_object_stats,
	&cli_object_apply,
	&cli_object_diff,
	&cli_object_validate,
	&cli_object_ctrl,
	&cli_object_monitor,
	&cli_object_doctor,
	&cli_object_graph,
	NULL,
};

const struct cli_object *cli_find_object(const char *name)
{
	for (size_t i = 0; cli_objects[i]; i++)
		if (!strcmp(cli_objects[i]->name, name))
			return cli_objects[i];
	return NULL;
}

const struct cli_verb *cli_find_verb(const struct cli_object *o, const char *name)
{
	if (o->direct)
		return NULL;
	for (size_t i = 0; o->verbs[i].syn; i++)
		if (!strcmp(o->verbs[i].syn->verb, name))
			return &o->verbs[i];
	return NULL;
}

struct tctl_nl *cli_nl(struct cli *cli, struct tctl_err *err)
{
	if (!cli->nl && tctl_nl_open(&cli->nl, cli->netns, err))
		return NULL;
	return cli->nl;
}

struct tctl_ft *cli_ft(struct cli *cli, struct tctl_err *err)
{
	if (!cli->ft && tctl_ft_open(&cli->ft, cli->netns, err))
		return NULL;
	return cli->ft;
}

int cli_fail(const struct cli *cli, const struct tctl_err *err)
{
	fprintf(stderr, "%s: %s\n", cli->prog, err->msg);
	return err->kind == TCTL_ERR_USAGE ? EXIT_USAGE : EXIT_FAIL;
}

int cli_usage_error(const struct cli *cli, const struct tctl_syntax *syn,
		    const struct tctl_err *err)
{
	char usage[1024];

	tctl_syntax_usage(syn, usage, sizeof(usage));
	fprintf(stderr, "%s: %s%s%s: %s\n", cli->prog, syn->object, syn->verb[0] ? " " : "",
		syn->verb, err->msg);
	fprintf(stderr, "Usage: %s %s\n", cli->name, usage);
	if (syn->usage_extra)
		fprintf(stderr, "       %s %s\n", cli->name, syn->usage_extra);
	return EXIT_USAGE;
}

static void usage_short(FILE *f, const char *prog)
{
	fprintf(f, "Usage: %s [-j|--json] [-p|--pretty] [-n|--netns NAME] [--proto N] "
		"OBJECT COMMAND ...\n       %s [OPTIONS] -b FILE [--force]\n"
		"       %s [OPTIONS] shell\n       %s help [OBJECT]\n", prog, prog, prog, prog);
}

static int unknown_word(const struct cli *cli, const char *what, const char *word,
			const char *const *cands, size_t n)
{
	const char *prog = cli->prog;
	const char *near = tctl_closest(word, cands, n);

	if (near)
		fprintf(stderr, "%s: unknown %s \"%s\" (did you mean \"%s\"?)\n", prog, what,
			word, near);
	else
		fprintf(stderr, "%s: unknown %s \"%s\"\n", prog, what, word);
	usage_short(stderr, cli->name);
	return EXIT_USAGE;
}

static int unknown_object(const struct cli *cli, const char *word)
{
	const char *cands[16];
	size_t n = 0;

	for (size_t i = 0; cli_objects[i] && n < 14; i++)
		cands[n++] = cli_objects[i]->name;
	cands[n++] = "help";
	cands[n++] = "shell";
	return unknown_word(cli, "object", word, cands, n);
}

static int unknown_verb(const struct cli *cli, const struct cli_object *o, const char *word)
{
	const char *cands[16];
	char what[64];
	size_t n = 0;

	for (size_t i = 0; o->verbs[i].syn && n < 15; i++)
		cands[n++] = o->verbs[i].syn->verb;
	snprintf(what, sizeof(what), "%s command", o->name);
	return unknown_word(cli, what, word, cands, n);
}

int cli_run(struct cli *cli, int argc, char **argv)
{
	const struct cli_object *o = cli_find_object(argv[0]);
	const struct cli_verb *v;
	const char *verb;
	struct tctl_args a;
	struct tctl_err err;

	if (!strcmp(argv[0], "help"))
		return cli_help(cli->name, argc - 1, argv + 1);
	if (!strcmp(argv[0], "__complete"))
		return cli_complete(cli, argc - 1, argv + 1);
	if (!strcmp(argv[0], "shell") && !cli->in_shell)
		return argc > 1 ? unknown_word(cli, "shell argument", argv[1], NULL, 0)
				: cli_shell(cli);
	if (!o)
		return unknown_object(cli, argv[0]);
	tctl_err_clear(&err);
	if (o->direct) {
		if (argc > 1 && !strcmp(argv[1], "help"))
			return cli_help(cli->name, 1, argv);
		if (tctl_args_parse(o->direct->syn, argc - 1, argv + 1, &a, &err))
			return cli_usage_error(cli, o->direct->syn, &err);
		return o->direct->run(cli, &a);
	}
	verb = argc > 1 ? argv[1] : o->default_verb;
	if (!strcmp(verb, "help"))
		return cli_help(cli->name, 1, argv);
	v = cli_find_verb(o, verb);
	if (!v)
		return unknown_verb(cli, o, verb);
	if (tctl_args_parse(v->syn, argc > 1 ? argc - 2 : 0, argv + 2, &a, &err))
		return cli_usage_error(cli, v->syn, &err);
	return v->run(cli, &a);
}

static int set_proto(const char *prog, const char *s)
{
	struct tctl_err err;
	uint32_t v;

	/* 0-4 are the kernel's and the administrator's own (static). */
	if (tctl_parse_u32(s, 255, &v, "--proto", &err) || v < 5) {
		fprintf(stderr, "%s: --proto \"%s\": must be a route protocol number "
			"from 5 to 255\n", prog, s);
		return -1;
	}
	tctl_rtnames_set_own_proto((uint8_t)v);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "netns", required_argument, NULL, 'n' },
		{ "proto", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "batch", required_argument, NULL, 'b' },
		{ "force", no_argument, NULL, 'F' },
		{ 0 }
	};
	struct cli cli = { .prog = "tunnelctl", .name = "tunnelctl" };
	const char *batch = NULL;
	bool force = false;
	int c, ret;

	if (getenv("TUNNELCTL_PROTO") && set_proto(cli.prog, getenv("TUNNELCTL_PROTO")))
		return EXIT_USAGE;
	/* '+': stop at the first non-option, so "route del 10.0.0.0/8" is safe. */
	while ((c = getopt_long(argc, argv, "+jpn:hVb:", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			cli.json = true;
			break;
		case 'p':
			cli.pretty = true;
			break;
		case 'n':
			cli.netns = optarg;
			break;
		case 'P':
			if (set_proto(cli.prog, optarg))
				return EXIT_USAGE;
			break;
		case 'h':
			return cli_help(cli.prog, 0, NULL);
		case 'V':
			printf("tunnelctl %s\n", TUNNELCTL_VERSION);
			return EXIT_OK;
		case 'b':
			batch = optarg;
			break;
		case 'F':
			force = true;
			break;
		default:
			usage_short(stderr, cli.prog);
			return EXIT_USAGE;
		}
	}
	if (batch || force) {
		if (!batch || optind < argc) {
			fprintf(stderr, "%s: %s\n", cli.prog, batch ? "-b FILE takes no command "
				"after it" : "--force is for batch mode (-b FILE)");
			usage_short(stderr, cli.name);
			return EXIT_USAGE;
		}
		ret = cli_batch(&cli, batch, force);
	} else if (optind < argc) {
		ret = cli_run(&cli, argc - optind, argv + optind);
	} else if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		/* Only a terminal gets the shell: a script without one must not wait. */
		ret = cli_shell(&cli);
	} else {
		usage_short(stderr, cli.name);
		return EXIT_USAGE;
	}
	tctl_nl_close(cli.nl);
	tctl_ft_close(cli.ft);
	return ret;
}

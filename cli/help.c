// SPDX-License-Identifier: GPL-2.0-or-later
/* Help text, generated from the same tables that drive parsing. */
#include <stdio.h>
#include <string.h>

#include "../lib/model.h"
#include "cli.h"

static void verb_usage(const char *prog, const struct tctl_syntax *syn)
{
	char usage[1024];

	tctl_syntax_usage(syn, usage, sizeof(usage));
	printf("  %s %s\n", prog, usage);
	if (syn->usage_extra)
		printf("  %s %s\n", prog, syn->usage_extra);
}

static void verb_detail(const char *prog, const struct tctl_syntax *syn)
{
	verb_usage(prog, syn);
	printf("      %s\n", syn->summary);
	for (size_t i = 0; syn->kw[i].word || syn->kw[i].metavar; i++) {
		const struct tctl_kw *kw = &syn->kw[i];
		char head[64];

		if (kw->flags & TCTL_KW_POSITIONAL)
			snprintf(head, sizeof(head), "%s", kw->metavar);
		else if (kw->val == TCTL_VAL_NONE)
			snprintf(head, sizeof(head), "%s", kw->word);
		else
			snprintf(head, sizeof(head), "%s %s", kw->word, kw->metavar);
		printf("        %-16s %s\n", head, kw->help ? kw->help : "");
	}
}

static void object_help(const char *prog, const struct cli_object *o, bool detail)
{
	printf("%s: %s\n", o->name, o->summary);
	if (o->direct) {
		if (detail)
			verb_detail(prog, o->direct->syn);
		else
			verb_usage(prog, o->direct->syn);
		return;
	}
	for (size_t i = 0; o->verbs[i].syn; i++) {
		if (detail)
			verb_detail(prog, o->verbs[i].syn);
		else
			verb_usage(prog, o->verbs[i].syn);
	}
}

static void overview(const char *prog)
{
	printf("Usage: %s [OPTIONS] OBJECT COMMAND [ARGS]\n"
	       "       %s help [OBJECT [COMMAND]]\n\n"
	       "Options:\n"
	       "  -j, --json          JSON output\n"
	       "  -p, --pretty        indent JSON output\n"
	       "  -n, --netns NAME    work inside network namespace NAME\n"
	       "      --proto N       route protocol that marks tunnelctl's routes (default %d)\n"
	       "  -h, --help          this text\n"
	       "  -V, --version       version\n\n", prog, prog, TCTL_RTPROT_DEFAULT);
	for (size_t i = 0; cli_objects[i]; i++) {
		object_help(prog, cli_objects[i], false);
		printf("\n");
	}
	printf("Exit status: 0 success, 1 failure, 2 usage error. See tunnelctl(8).\n");
}

int cli_help(const char *prog, int argc, char **argv)
{
	const struct cli_object *o;
	const struct cli_verb *v;

	if (argc < 1) {
		overview(prog);
		return EXIT_OK;
	}
	o = cli_find_object(argv[0]);
	if (!o) {
		fprintf(stderr, "%s: help: unknown object \"%s\"\n", prog, argv[0]);
		return EXIT_USAGE;
	}
	if (argc < 2) {
		object_help(prog, o, true);
		return EXIT_OK;
	}
	v = cli_find_verb(o, argv[1]);
	if (!v) {
		fprintf(stderr, "%s: help: unknown command \"%s %s\"\n", prog, argv[0], argv[1]);
		return EXIT_USAGE;
	}
	verb_detail(prog, v->syn);
	return EXIT_OK;
}

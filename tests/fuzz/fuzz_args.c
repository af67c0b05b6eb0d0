// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: command-line words through the grammar, the argument
 * parsers, the route checks (against a fixed set of devices of every kind)
 * and completion.  Input: the first byte picks the command, the rest is
 * split into words at NUL and blank bytes, and also as the shell and batch
 * mode split a line (lib/line_split.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/dev_args.h"
#include "../../lib/line_split.h"
#include "../../lib/route_args.h"
#include "../../lib/route_check.h"

#define MAX_WORDS 64

static const struct tctl_syntax *const syntaxes[] = {
	&tctl_syntax_route_add, &tctl_syntax_route_replace, &tctl_syntax_route_del,
	&tctl_syntax_route_show, &tctl_syntax_route_flush, &tctl_syntax_dev_add,
	&tctl_syntax_dev_del, &tctl_syntax_dev_set, &tctl_syntax_dev_show,
};

static void fake_devices(struct tctl_dev_list *l)
{
	static const char *const kinds[] = { "gre", "ipip", "ip6gre", "ip6tnl", "veth" };

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		struct tctl_dev *d = tctl_dev_list_push(l);

		if (!d)
			return;
		snprintf(d->name, sizeof(d->name), "%s0", kinds[i]);
		snprintf(d->kind_name, sizeof(d->kind_name), "%s", kinds[i]);
		d->kind = tctl_kind_from_name(kinds[i]);
		d->external = i != 1;
		d->ifindex = (int)i + 2;
	}
}

static void exercise(const struct tctl_syntax *syn, int argc, char **argv)
{
	struct tctl_err err;
	struct tctl_args a;
	struct tctl_next next;

	tctl_syntax_next(syn, argc, argv, &next);
	if (tctl_args_parse(syn, argc, argv, &a, &err))
		return;
	if (syn == &tctl_syntax_route_add || syn == &tctl_syntax_route_replace) {
		struct tctl_dev_list devs = { 0 };
		struct tctl_route r;

		fake_devices(&devs);
		if (!tctl_route_from_args(&a, &r, &err))
			tctl_route_check(&r, &devs, NULL, &err);
		tctl_dev_list_free(&devs);
	} else if (syn == &tctl_syntax_dev_add) {
		struct tctl_dev d;

		tctl_dev_from_args(&a, &d, &err);
	} else if (syn == &tctl_syntax_dev_set) {
		struct tctl_dev d;

		tctl_dev_change_from_args(&a, &d, &err);
	} else if (!strcmp(syn->object, "route")) {
		struct tctl_route_filter f;

		tctl_route_filter_from_args(&a, &f, &err);
	}
}

/* The line as the shell splits it, then through the grammar. */
static void split_line(const struct tctl_syntax *syn, const char *line)
{
	struct tctl_words w = { 0 };
	struct tctl_err err;

	if (!tctl_line_split(line, &w, &err) && w.n <= MAX_WORDS)
		exercise(syn, (int)w.n, w.v);
	tctl_words_free(&w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, *argv[MAX_WORDS];
	int argc = 0;

	if (size < 1)
		return 0;
	buf = malloc(size);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	split_line(syntaxes[data[0] % (sizeof(syntaxes) / sizeof(syntaxes[0]))], buf);
	for (char *p = buf, *tok; argc < MAX_WORDS && (tok = strsep(&p, " \t\n")); )
		argv[argc++] = tok;
	exercise(syntaxes[data[0] % (sizeof(syntaxes) / sizeof(syntaxes[0]))], argc, argv);
	free(buf);
	return 0;
}

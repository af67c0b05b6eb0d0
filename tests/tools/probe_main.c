// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libprobe: exposes libtunnelctl's pure functions (parsers, grammar, route
 * checks, the encap encoder and decoder) on the command line, so the host
 * tier can unit-test them from bats without a kernel.  Output is JSON or
 * one word per line; errors go to stderr with exit status 2.
 *
 *   libprobe prefix STR               canonical prefix
 *   libprobe addr STR                 canonical address
 *   libprobe number STR MAX           the value
 *   libprobe parse OBJECT VERB ARG... the model the arguments make
 *   libprobe check DEVS -- ARG...     route add ARGs checked against DEVS,
 *                                     "name:kind[:classic]" comma-separated
 *   libprobe roundtrip ARG...         route add ARGs encoded, then decoded
 *   libprobe next OBJECT VERB ARG...  what completion offers after ARGs
 *   libprobe usage OBJECT VERB        the usage line
 *   libprobe closest WORD CAND...     the "did you mean" pick
 *   libprobe split LINE               the words of a shell or batch line
 *   libprobe batch NETNS DEV N BAD    N route adds (10.100.0.0/24 + i) through
 *                                     DEV in one batch, the BAD-th through a
 *                                     nonexistent ifindex; prints each outcome
 *   libprobe apply-hook NETNS FILE SELF -- CMD...
 *                                     plan FILE, run CMD, then apply the plan:
 *                                     what apply does when the kernel moves
 *                                     between its read and its writes
 *   libprobe notify-listen PATH SECONDS
 *                                     the systemd side of sd_notify: prints
 *                                     what arrives until READY=1
 *   libprobe rawdump NETNS route|link DIR
 *                                     the kernel's dump messages, one file
 *                                     each (seeds for tests/fuzz)
 */
#include <stdio.h>
#include <string.h>

#include "probe.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "prefix", cmd_prefix }, { "addr", cmd_addr }, { "number", cmd_number },
	{ "parse", cmd_parse }, { "check", cmd_check }, { "roundtrip", cmd_roundtrip },
	{ "next", cmd_next }, { "usage", cmd_usage }, { "closest", cmd_closest },
	{ "split", cmd_split },
	{ "rawdump", cmd_rawdump }, { "batch", cmd_batch },
	{ "apply-hook", cmd_apply_hook }, { "notify-listen", cmd_notify_listen },
};

int probe_fail(const struct tctl_err *err)
{
	fprintf(stderr, "%s\n", err->msg);
	return 2;
}

void probe_emit(json_object *o)
{
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return fprintf(stderr, "usage: libprobe CMD ARGS\n"), 2;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 2, argv + 2);
	fprintf(stderr, "libprobe: unknown command %s\n", argv[1]);
	return 2;
}

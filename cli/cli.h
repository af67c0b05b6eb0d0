/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What every subcommand of tunnelctl shares: options, the socket, the table. */
#ifndef TCTL_CLI_H
#define TCTL_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "../lib/error.h"
#include "../lib/grammar.h"
#include "../lib/nl.h"

/* Exit codes, documented in tunnelctl(8). */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,		/* the kernel refused, or the state forbids it */
	EXIT_USAGE = 2,		/* bad arguments */
};

struct tctl_ft;
struct tctl_peerlist;
struct tctl_diags;

struct cli {
	bool json;
	bool pretty;
	bool in_shell;		/* commands come from the interactive shell */
	const char *netns;
	/* The prefix of messages: "tunnelctl", or "tunnelctl: FILE:LINE" in a batch. */
	const char *prog;
	const char *name;	/* "tunnelctl", for usage lines */
	struct tctl_nl *nl;	/* opened on first use */
	struct tctl_ft *ft;	/* the flowtun family's socket, opened on first use */
};

struct cli_verb {
	const struct tctl_syntax *syn;
	int (*run)(struct cli *cli, const struct tctl_args *a);
};

struct cli_object {
	const char *name;
	const struct cli_verb *verbs;	/* terminated by { NULL } */
	const char *default_verb;	/* "show": `tunnelctl route` lists */
	const char *summary;
	/* A command without verbs ("apply FILE"): its one syntax and handler. */
	const struct cli_verb *direct;
};

extern const struct cli_object cli_object_dev;
extern const struct cli_object cli_object_route;
extern const struct cli_object cli_object_nexthop;
extern const struct cli_object cli_object_peer;
extern const struct cli_object cli_object_stats;
extern const struct cli_object cli_object_apply;
extern const struct cli_object cli_object_diff;
extern const struct cli_object cli_object_validate;
extern const struct cli_object cli_object_ctrl;
extern const struct cli_object cli_object_monitor;
extern const struct cli_object cli_object_doctor;
extern const struct cli_object cli_object_graph;

/* Every object, for dispatch, help and completion. */
extern const struct cli_object *const cli_objects[];

const struct cli_object *cli_find_object(const char *name);
const struct cli_verb *cli_find_verb(const struct cli_object *o, const char *name);

/* The socket for the selected namespace; reports and returns NULL on failure. */
struct tctl_nl *cli_nl(struct cli *cli, struct tctl_err *err);

/*
 * The flowtun module's generic netlink socket in the selected namespace;
 * NULL with err set when it cannot be had (the module is not loaded).
 */
struct tctl_ft *cli_ft(struct cli *cli, struct tctl_err *err);

/* Print err as "tunnelctl: msg" and return the exit code its kind means. */
int cli_fail(const struct cli *cli, const struct tctl_err *err);
/* Print a usage error with the command's usage line; returns EXIT_USAGE. */
int cli_usage_error(const struct cli *cli, const struct tctl_syntax *syn,
		    const struct tctl_err *err);

/*
 * Read a peer list; an invalid one has every problem printed as
 * "FILE:LINE: PATH: message".  Returns an exit code (0: pl is valid).
 */
int cli_peers_load(const struct cli *cli, const char *file, struct tctl_peerlist *pl,
		   struct tctl_diags *d);

int cli_help(const char *prog, int argc, char **argv);

/* Run one command line (OBJECT VERB ARGS, or help, shell, __complete). */
int cli_run(struct cli *cli, int argc, char **argv);

/*
 * Completion: after the words argv[0..argc-1), the last being the one
 * typed so far (empty for a new word), call emit for every word that may
 * come next: commands, keywords, and names read from the kernel.
 * CLI_COMPLETE_FILES stands for "a file name": the caller completes those.
 */
#define CLI_COMPLETE_FILES "__files__"
typedef void (*cli_complete_cb)(const char *word, void *arg);
void cli_complete_words(struct cli *cli, int argc, char **argv, cli_complete_cb emit,
			void *arg);
/* tunnelctl __complete WORD...: the same, one word a line on stdout. */
int cli_complete(struct cli *cli, int argc, char **argv);

/* The interactive shell (cli/shell.c); its exit status. */
int cli_shell(struct cli *cli);

/* Batch mode (cli/batch.c): the commands of file ("-": stdin), one a line. */
int cli_batch(struct cli *cli, const char *file, bool force);

#endif

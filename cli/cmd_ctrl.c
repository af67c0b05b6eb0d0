// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tunnelctl ctrl {status|reload|plan}: ask the resident controller,
 * tunnelctld(8), over its control socket.  One request line, the write side
 * shut, then one JSON document until EOF.  With -j the document is printed
 * as it came (indented with -p); without, in words: the status by
 * print_ctrl.c, the plan by print_plan.c as diff prints it.  The grammar is
 * here, not in lib/: only the command line speaks this protocol's client
 * side.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../lib/number.h"
#include "ctrl_client.h"
#include "output.h"
#include "print.h"

#define CTRL_TIMEOUT 10			/* seconds, the default of "timeout" */
#define CTRL_TIMEOUT_MAX 3600

/* ---- grammar ------------------------------------------------------------ */

/* The three commands take the same keywords. */
static const struct tctl_kw kw_ctrl[] = {
	{ "socket", "PATH", TCTL_VAL_FILE, NULL, 0, 0,
	  "the control socket (default " CTRL_SOCKET "; with -n NETNS, tunnelctld.NETNS.sock)" },
	{ "timeout", "SECONDS", TCTL_VAL_NUMBER, NULL, 0, 0,
	  "give up when the controller is silent this long, 1 to 3600 (default 10)" },
	{ 0 }
};

static const struct tctl_syntax syntax_ctrl_status = {
	"ctrl", "status", kw_ctrl,
	"the controller's state: peer list, last reconcile, counters, conflicts", NULL,
};

static const struct tctl_syntax syntax_ctrl_reload = {
	"ctrl", "reload", kw_ctrl,
	"make the controller re-read its peer list (an invalid one is rejected whole)", NULL,
};

static const struct tctl_syntax syntax_ctrl_plan = {
	"ctrl", "plan", kw_ctrl,
	"what the controller would change in the kernel now, as diff prints it", NULL,
};

/* ---- the socket --------------------------------------------------------- */


/* The socket's path and the timeout, from the keywords and -n. */
static int ctrl_target(const struct cli *cli, const struct tctl_args *a,
		       struct ctrl_target *t, struct tctl_err *err)
{
	const char *sock = tctl_args_get(a, "socket");
	const char *tmo = tctl_args_get(a, "timeout");
	uint32_t v;
	int n;

	memset(t, 0, sizeof(*t));
	t->timeout = CTRL_TIMEOUT;
	t->netns = cli->netns;
	if (tmo) {
		if (tctl_parse_u32(tmo, UINT32_MAX, &v, "timeout", err))
			return -EINVAL;
		if (!v || v > CTRL_TIMEOUT_MAX)
			return tctl_err_usage(err, "timeout \"%s\": must be 1 to %d seconds", tmo,
					      CTRL_TIMEOUT_MAX);
		t->timeout = v;
	}
	if (sock)
		n = snprintf(t->path, sizeof(t->path), "%s", sock);
	else if (cli->netns)
		n = snprintf(t->path, sizeof(t->path), CTRL_DIR "/tunnelctld.%s.sock",
			     cli->netns);
	else
		n = snprintf(t->path, sizeof(t->path), "%s", CTRL_SOCKET);
	if (n < 0 || (size_t)n >= sizeof(t->path))
		return tctl_err_usage(err, "socket \"%s%s\": a unix socket's path is at most "
				      "%zu bytes", sock ? sock : CTRL_DIR "/tunnelctld.",
				      sock ? "" : cli->netns, sizeof(t->path) - 1);
	return 0;
}

/* ---- asking ------------------------------------------------------------- */

/* An "{"error": ...}" answer: told, and the exit status is 1. */
static bool answer_error(const struct cli *cli, json_object *ans)
{
	json_object *e = jget(ans, "error");

	if (!e)
		return false;
	fprintf(stderr, "%s: tunnelctld: %s\n", cli->prog, json_object_get_string(e));
	return true;
}

/* Run one request; the answer is NULL after a failure already reported. */
static int ask(struct cli *cli, const struct tctl_args *a, const char *what,
	       struct ctrl_target *t, json_object **ans)
{
	struct tctl_err err = { 0 };

	*ans = NULL;
	if (cli->netns && (!cli->netns[0] || strchr(cli->netns, '/') ||
			   !strcmp(cli->netns, ".") || !strcmp(cli->netns, ".."))) {
		tctl_err_usage(&err, "\"%s\" is not a valid network namespace name", cli->netns);
		return cli_fail(cli, &err);
	}
	if (ctrl_target(cli, a, t, &err))
		return cli_usage_error(cli, a->syn, &err);
	if (ctrl_ask(t, what, ans, &err))
		return cli_fail(cli, &err);
	if (answer_error(cli, *ans)) {
		json_object_put(*ans);
		*ans = NULL;
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/* ---- status ------------------------------------------------------------- */

static int ctrl_status(struct cli *cli, const struct tctl_args *a)
{
	struct ctrl_target t;
	json_object *ans;
	int ret = ask(cli, a, "status", &t, &ans);

	if (ret)
		return ret;
	if (cli->json) {
		cli_print_json(cli, ans);
		return EXIT_OK;
	}
	print_ctrl_status(ans);
	json_object_put(ans);
	return EXIT_OK;
}

/* ---- reload ------------------------------------------------------------- */

/*
 * The reload answer names no file: the problems are the ones status shows
 * under peers_error, whose file it gives.  Ask for it, or say "peer list".
 */
static char *rejected_file(const struct ctrl_target *t, json_object *ans)
{
	struct tctl_err err = { 0 };
	json_object *st = NULL;
	const char *f = jget_str(ans, "file");
	char *file;

	if (f)
		return strdup(f);
	if (ctrl_ask(t, "status", &st, &err))
		return strdup("peer list");
	f = jget_str(jget(st, "peers_error"), "file");
	if (!f)
		f = jget_str(jget(st, "peers"), "file");
	file = strdup(f ? f : "peer list");
	json_object_put(st);
	return file;
}

static int ctrl_reload(struct cli *cli, const struct tctl_args *a)
{
	struct ctrl_target t;
	json_object *ans, *probs;
	const char *result, *msg, *hash;
	char prefix[64], *file;
	size_t n;
	int ret = ask(cli, a, "reload", &t, &ans);

	if (ret)
		return ret;
	result = jget_str(ans, "result");
	msg = jget_str(ans, "message");
	hash = jget_str(ans, "hash");
	probs = jget(ans, "problems");
	if (!result || (strcmp(result, "applied") && strcmp(result, "unchanged") &&
			strcmp(result, "rejected"))) {
		fprintf(stderr, "%s: tunnelctld at %s: unknown reload result \"%s\"\n", cli->prog,
			t.path, result ? result : "");
		json_object_put(ans);
		return EXIT_FAIL;
	}
	if (!strcmp(result, "rejected")) {
		n = jarr_len(probs);
		file = rejected_file(&t, ans);
		if (cli->json)
			cli_print_json(cli, json_object_get(ans));
		snprintf(prefix, sizeof(prefix), "%s: ", cli->prog);
		print_peer_problems(stderr, prefix, file ? file : "peer list", probs);
		if (msg)
			fprintf(stderr, "%s: tunnelctld rejected %s (%s); the running list stays\n",
				cli->prog, file ? file : "the peer list", msg);
		else
			fprintf(stderr, "%s: tunnelctld rejected %s (%zu problem%s); the running "
				"list stays\n", cli->prog, file ? file : "the peer list", n,
				plural((int64_t)n));
		free(file);
		json_object_put(ans);
		return EXIT_USAGE;
	}
	if (cli->json) {
		cli_print_json(cli, ans);
		return EXIT_OK;
	}
	printf("%s: peer list %s%s%s%s\n", result, hash ? hash : "-",
	       !strcmp(result, "unchanged") ? " is in use already" : "",
	       msg ? ": " : "", msg ? msg : "");
	json_object_put(ans);
	return EXIT_OK;
}

/* ---- plan --------------------------------------------------------------- */

/* The answer is tctl_plan_to_json's, as diff -j prints it: diff's printer reads it. */
static int ctrl_plan(struct cli *cli, const struct tctl_args *a)
{
	struct ctrl_target t;
	json_object *ans;
	int ret = ask(cli, a, "plan", &t, &ans);

	if (ret)
		return ret;
	if (cli->json) {
		cli_print_json(cli, ans);
		return EXIT_OK;
	}
	print_plan_text(stdout, ans);
	json_object_put(ans);
	return EXIT_OK;
}

static const struct cli_verb ctrl_verbs[] = {
	{ &syntax_ctrl_status, ctrl_status },
	{ &syntax_ctrl_reload, ctrl_reload },
	{ &syntax_ctrl_plan, ctrl_plan },
	{ NULL, NULL },
};

const struct cli_object cli_object_ctrl = {
	"ctrl", ctrl_verbs, "status", "ask tunnelctld, the resident controller", NULL,
};

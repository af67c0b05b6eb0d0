// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tunnelctl monitor: the kernel's events of tunnel devices, encap routes
 * and nexthops with an encap, one line each (one JSON object each with
 * -j), flushed as they come, until SIGINT or SIGTERM (exit 0).  A reader
 * that goes away ends it quietly (exit 0).  lib/monitor.c decides what an
 * event is; print_monitor.c says it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "../lib/monitor.h"
#include "output.h"
#include "print.h"

/* Room for a burst (a peer list applied) before the kernel drops events. */
#define MONITOR_RCVBUF (4 * 1024 * 1024)

static const struct tctl_kw kw_monitor[] = {
	{ 0 }
};

static const struct tctl_syntax syntax_monitor = {
	"monitor", "", kw_monitor,
	"print tunnel device, encap route and nexthop events as they happen, until interrupted",
	NULL,
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* SIGINT and SIGTERM only set the flag, and only while ppoll waits. */
static void signals_setup(sigset_t *wait_mask)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* A reader that is gone shows as EPIPE on the write: see emit(). */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, wait_mask);
	sigdelset(wait_mask, SIGINT);
	sigdelset(wait_mask, SIGTERM);
}

struct emit_ctx {
	const struct cli *cli;
	int write_errno;	/* the write that failed: the stream ends */
};

/* -EPIPE stops the stream: nobody reads it any more. */
static int emit(const struct tctl_mon_event *ev, void *arg)
{
	struct emit_ctx *c = arg;
	json_object *o = monitor_event_json(ev);

	if (c->cli->json)
		cli_print_json(c->cli, o);
	else {
		print_monitor_text(stdout, o);
		json_object_put(o);
	}
	if (fflush(stdout) == EOF || ferror(stdout)) {
		c->write_errno = errno ? errno : EIO;
		return -EPIPE;
	}
	return 0;
}

static int run_loop(struct cli *cli, struct tctl_mon *m)
{
	struct emit_ctx c = { .cli = cli };
	struct pollfd p = { .fd = tctl_mon_fd(m), .events = POLLIN };
	struct tctl_err err = { 0 };
	sigset_t wait_mask;
	int ret = 0;

	signals_setup(&wait_mask);
	while (!stop) {
		int r = ppoll(&p, 1, NULL, &wait_mask);

		if (r < 0 && errno != EINTR) {
			tctl_err_set(&err, TCTL_ERR_SYSTEM, errno, "poll: %s", strerror(errno));
			return cli_fail(cli, &err);
		}
		if (r <= 0)
			continue;
		ret = tctl_mon_read(m, emit, &c, &err);
		if (ret == -EPIPE && c.write_errno) {
			/* The reader went away: a quiet end; another write error is told. */
			if (c.write_errno == EPIPE)
				return EXIT_OK;
			fprintf(stderr, "%s: monitor: writing the events: %s\n", cli->prog,
				strerror(c.write_errno));
			return EXIT_FAIL;
		}
		if (ret < 0)
			return cli_fail(cli, &err);
	}
	return EXIT_OK;
}

static int cmd_monitor(struct cli *cli, const struct tctl_args *a)
{
	struct tctl_err err = { 0 };
	struct tctl_mon *m;
	int ret;

	(void)a;
	if (tctl_mon_open(&m, cli->netns, MONITOR_RCVBUF, &err))
		return cli_fail(cli, &err);
	ret = run_loop(cli, m);
	tctl_mon_close(m);
	return ret;
}

static const struct cli_verb monitor_cmd = { &syntax_monitor, cmd_monitor };
static const struct cli_verb no_verbs[] = { { NULL, NULL } };

const struct cli_object cli_object_monitor = {
	"monitor", no_verbs, NULL,
	"a live stream of tunnel device, encap route and nexthop events", &monitor_cmd,
};

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tunnelctld: keeps this node's kernel equal to its share of a peer list.
 *
 * One thread, one epoll loop.  Signals are blocked except inside
 * epoll_pwait, and their handlers only set flags: nothing runs in a
 * handler, and no signal interrupts a reconcile half way.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "../lib/rtnames.h"
#include "daemon.h"
#include "firewall.h"

volatile sig_atomic_t tctld_stop, tctld_hup, tctld_usr1;

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		tctld_hup = 1;
	else if (sig == SIGUSR1)
		tctld_usr1 = 1;
	else
		tctld_stop = 1;
}

/* Block our signals now; epoll_pwait unblocks them while it waits. */
static void setup_signals(sigset_t *wait_mask)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1 };
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block;

	sigemptyset(&block);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		sigaction(sigs[i], &sa, NULL);
		sigaddset(&block, sigs[i]);
	}
	signal(SIGPIPE, SIG_IGN);
	sigprocmask(SIG_BLOCK, &block, wait_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigdelset(wait_mask, sigs[i]);
}

static int enter_netns(const char *name, struct tctl_err *err)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return tctl_err_usage(err, "-n %s: no such network namespace (%s: %m)", name,
				      path);
	if (setns(fd, CLONE_NEWNET) < 0) {
		tctl_err_set(err, TCTL_ERR_SYSTEM, errno, "-n %s: setns: %m", name);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* --check: is the list valid (and, with --self, is that a peer of it)? */
static int check_only(struct tctld *d)
{
	struct tctl_diags diags = { .max = 200 };
	struct tctl_err err = { 0 };
	int ret = EXIT_OK;

	if (tctl_peers_load(d->cfg.peers, &d->pl, &diags, &err)) {
		for (size_t i = 0; i < diags.n; i++) {
			char where[32] = "";

			if (diags.v[i].line)
				snprintf(where, sizeof(where), ":%d", diags.v[i].line);
			fprintf(stderr, "tunnelctld: %s%s: %s%s%s\n", d->cfg.peers, where,
				diags.v[i].path, diags.v[i].path[0] ? ": " : "", diags.v[i].msg);
		}
		fprintf(stderr, "tunnelctld: %s\n", err.msg[0] ? err.msg : "invalid peer list");
		tctl_diags_free(&diags);
		return EXIT_USAGE;
	}
	if (d->cfg.self && !tctl_peers_find(&d->pl, d->cfg.self)) {
		fprintf(stderr, "tunnelctld: --self %s: no peer of that name in %s\n",
			d->cfg.self, d->cfg.peers);
		ret = EXIT_USAGE;
	} else {
		printf("%s: valid: version %d, %zu peers, hash %s\n", d->cfg.peers,
		       d->pl.version, d->pl.npeers, d->pl.digest);
	}
	tctl_peers_free(&d->pl);
	return ret;
}

/*
 * Without --foreground, detach: the parent waits until the child is ready
 * (first reconcile done) or has failed, and exits with its verdict, so a
 * script starting tunnelctld knows the outcome.  Returns the fd the child
 * reports on (-1 in the foreground).
 */
static int detach(void)
{
	int p[2], null;
	pid_t pid;
	char c;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0) {
		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			_exit(EXIT_FAIL);
		_exit(c);
	}
	close(p[0]);
	setsid();
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	/* stdout too: whoever waits for it to close (a $(...)) would wait forever. */
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		close(null);
	}
	return p[1];
}

static void report_ready(int *fd, char code)
{
	if (*fd < 0)
		return;
	if (write(*fd, &code, 1) < 0)
		tctld_debug("parent gone");
	close(*fd);
	*fd = -1;
}

static int watch_fd(int epfd, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	return fd < 0 ? 0 : epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

static void do_reload(struct tctld *d, const char *why)
{
	struct tctl_err err = { 0 };

	d->reload_at = 0;
	tctld_debug("re-reading %s (%s)", d->cfg.peers, why);
	tctld_notify("RELOADING=1\nSTATUS=reloading %s", d->cfg.peers);
	switch (tctld_list_load(d, &err)) {
	case TCTLD_LOAD_APPLIED:
		d->n.reloads++;
		tctld_reconcile(d, TCTLD_R_RELOAD);
		break;
	case TCTLD_LOAD_REJECTED:
		d->n.rejected_reloads++;
		tctld_metrics_write(d);
		break;
	case TCTLD_LOAD_UNCHANGED:
		tctld_metrics_write(d);
		break;
	}
	tctld_notify("READY=1\nSTATUS=%zu routes kept, list %s", d->want.nroutes,
		     d->have_list ? d->pl.digest : "-");
}

static double earliest(const struct tctld *d)
{
	const double t[] = { d->dirty_at, d->reload_at, d->resync_at, d->retry_at, d->held_at };
	double m = 0;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i] && (!m || t[i] < m))
			m = t[i];
	return m;
}

/* Run what is due: reloads first (a new list makes other work moot). */
static void run_due(struct tctld *d)
{
	double now = tctld_now();

	if (tctld_hup) {
		tctld_hup = 0;
		do_reload(d, "SIGHUP");
	}
	if (d->reload_at && now >= d->reload_at)
		do_reload(d, "the file changed");
	if (tctld_usr1) {
		tctld_usr1 = 0;
		tctld_log("SIGUSR1: full resync");
		tctld_schedule(d, TCTLD_R_SIGNAL, 0);
	}
	now = tctld_now();
	if (d->dirty_at && now >= d->dirty_at)
		tctld_reconcile(d, d->dirty_reason);
	else if (d->retry_at && now >= d->retry_at)
		tctld_reconcile(d, TCTLD_R_RETRY);
	else if (d->held_at && now >= d->held_at)
		tctld_reconcile(d, TCTLD_R_RETRY);
	else if (d->resync_at && now >= d->resync_at)
		tctld_reconcile(d, TCTLD_R_RESYNC);
}

static void loop(struct tctld *d, const sigset_t *wait_mask)
{
	struct epoll_event evs[8];

	while (!tctld_stop) {
		double next, now;
		int timeout = -1, n;

		run_due(d);
		if (tctld_stop)
			break;
		next = earliest(d);
		now = tctld_now();
		if (next)
			timeout = next <= now ? 0 : (int)((next - now) * 1000) + 1;
		n = epoll_pwait(d->epfd, evs, 8, timeout, wait_mask);
		if (n < 0) {
			if (errno != EINTR)
				tctld_log("epoll: %m");
			continue;
		}
		for (int i = 0; i < n; i++) {
			if (evs[i].data.fd == d->ev_fd)
				tctld_events_read(d);
			else if (evs[i].data.fd == d->watch_fd)
				tctld_watch_read(d);
			else if (evs[i].data.fd == d->ctl_fd)
				tctld_control_accept(d);
		}
	}
}

/* Everything up to the first reconcile; an error here ends the daemon. */
static int start(struct tctld *d, int *exit_code)
{
	struct tctl_err err = { 0 };

	*exit_code = EXIT_FAIL;
	if (d->cfg.netns && enter_netns(d->cfg.netns, &err))
		goto fail;
	if (tctl_nl_open(&d->nl, NULL, &err))
		goto fail;
	d->own_portid = tctl_nl_portid(d->nl);
	/* Listen before the first read: nothing may change unseen in between. */
	if (tctld_events_open(d, &err) || tctld_watch_open(d, &err))
		goto fail;
	if (tctld_list_load(d, &err) == TCTLD_LOAD_REJECTED) {
		*exit_code = EXIT_USAGE;
		return -1;	/* logged with every problem */
	}
	if (d->cfg.firewall) {
		if (tctl_fw_open(&d->fw, &err))
			goto fail;
		tctld_firewall_sync(d);
	} else if (tctl_fw_remove(&err)) {
		tctld_log("firewall: %s", err.msg);
	}
	if (tctld_control_open(d, &err))
		goto fail;
	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (d->epfd < 0 || watch_fd(d->epfd, d->ev_fd) || watch_fd(d->epfd, d->watch_fd) ||
	    watch_fd(d->epfd, d->ctl_fd)) {
		tctl_err_set(&err, TCTL_ERR_SYSTEM, errno, "epoll: %m");
		goto fail;
	}
	return 0;
fail:
	if (err.kind == TCTL_ERR_USAGE)
		*exit_code = EXIT_USAGE;
	tctld_log("%s", err.msg);
	return -1;
}

static void stop(struct tctld *d)
{
	struct tctl_err err = { 0 };

	tctld_notify("STOPPING=1");
	if (d->cfg.flush_on_exit) {
		tctld_flush(d);
		if (d->fw && tctl_fw_remove(&err))
			tctld_log("firewall: %s", err.msg);
	} else {
		tctld_log("stopping: routes and nexthops stay in place");
	}
	tctld_control_close(d);
	if (d->fw)
		tctl_fw_close(d->fw);
	if (d->ev_fd >= 0)
		close(d->ev_fd);
	if (d->watch_fd >= 0)
		close(d->watch_fd);
	if (d->epfd >= 0)
		close(d->epfd);
	if (d->nl)
		tctl_nl_close(d->nl);
	tctld_list_free(d);
	tctl_diags_free(&d->last.errors);
	tctl_diags_free(&d->last.conflicts);
	tctl_flaps_free(&d->flaps);
	tctld_config_free(&d->cfg);
}

int main(int argc, char **argv)
{
	struct tctld d = { .ev_fd = -1, .watch_fd = -1, .ctl_fd = -1, .epfd = -1 };
	struct tctl_err err = { 0 };
	sigset_t wait_mask;
	int ret, code, ready_fd = -1;

	ret = tctld_config_parse(&d.cfg, argc, argv, &err);
	if (ret) {
		if (ret < 0)
			fprintf(stderr, "tunnelctld: %s\n", err.msg);
		tctld_config_free(&d.cfg);
		return ret < 0 ? EXIT_USAGE : EXIT_OK;
	}
	tctld_verbose = d.cfg.verbose;
	tctl_rtnames_load();
	if (d.cfg.check) {
		code = check_only(&d);
		tctld_config_free(&d.cfg);
		return code;
	}
	if (!d.cfg.foreground)
		ready_fd = detach();
	setup_signals(&wait_mask);
	d.started = tctld_wall();
	if (start(&d, &code)) {
		report_ready(&ready_fd, (char)code);
		stop(&d);
		return code;
	}
	tctld_log("started (pid %d%s%s), control socket %s", (int)getpid(),
		  d.cfg.netns ? ", netns " : "", d.cfg.netns ? d.cfg.netns : "", d.cfg.socket);
	tctld_reconcile(&d, TCTLD_R_START);
	tctld_notify("READY=1\nSTATUS=%zu routes kept, list %s\nMAINPID=%d", d.want.nroutes,
		     d.pl.digest, (int)getpid());
	report_ready(&ready_fd, EXIT_OK);
	loop(&d, &wait_mask);
	tctld_log("stopping (signal)");
	stop(&d);
	return EXIT_OK;
}

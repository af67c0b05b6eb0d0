// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The control socket: a unix stream socket, mode 0600, that answers one
 * request per connection with one JSON document: `status`, `reload` or
 * `plan` (see tunnelctl(8), CTRL).  Requests are served inside the event
 * loop, so an answer always describes a state between two reconciles.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <json-c/json.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "../lib/plan_json.h"
#include "daemon.h"

/* A client gets this long to say what it wants, and to take the answer. */
#define CLIENT_TIMEOUT_MS 2000

static int make_addr(const char *path, struct sockaddr_un *sun, struct tctl_err *err)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path))
		return tctl_err_usage(err, "--socket %s: the path is too long", path);
	memcpy(sun->sun_path, path, strlen(path));
	return 0;
}

/* Is another tunnelctld answering on path? */
static bool alive(const struct sockaddr_un *sun)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool up;

	if (fd < 0)
		return false;
	up = connect(fd, (const struct sockaddr *)sun, sizeof(*sun)) == 0;
	close(fd);
	return up;
}

static void make_parent(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return;
	*slash = '\0';
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		tctld_log("%s: %m", dir);
}

int tctld_control_open(struct tctld *d, struct tctl_err *err)
{
	struct sockaddr_un sun;
	mode_t old;
	int fd;

	if (make_addr(d->cfg.socket, &sun, err))
		return -1;
	if (alive(&sun))
		return tctl_err_state(err, EADDRINUSE, "%s: another tunnelctld answers there "
				      "(one controller per namespace)", d->cfg.socket);
	make_parent(d->cfg.socket);
	unlink(d->cfg.socket);	/* left by a run that did not stop cleanly */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return tctl_err_set(err, TCTL_ERR_SYSTEM, errno, "control socket: %m");
	/* Created 0600 from the start: no window where others could connect. */
	old = umask(0177);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		umask(old);
		tctl_err_set(err, TCTL_ERR_SYSTEM, errno, "%s: %m", d->cfg.socket);
		close(fd);
		return -1;
	}
	umask(old);
	if (listen(fd, 16) < 0) {
		tctl_err_set(err, TCTL_ERR_SYSTEM, errno, "%s: listen: %m", d->cfg.socket);
		close(fd);
		unlink(d->cfg.socket);
		return -1;
	}
	d->ctl_fd = fd;
	return 0;
}

void tctld_control_close(struct tctld *d)
{
	if (d->ctl_fd < 0)
		return;
	close(d->ctl_fd);
	d->ctl_fd = -1;
	unlink(d->cfg.socket);
}

static json_object *error_json(const char *fmt, const char *arg)
{
	json_object *o = json_object_new_object();
	char msg[TCTL_ERR_MSG_MAX + 64];

	snprintf(msg, sizeof(msg), fmt, arg);
	json_object_object_add(o, "error", json_object_new_string(msg));
	return o;
}

static json_object *reload_json(struct tctld *d)
{
	static const char *const results[] = {
		[TCTLD_LOAD_APPLIED] = "applied", [TCTLD_LOAD_UNCHANGED] = "unchanged",
		[TCTLD_LOAD_REJECTED] = "rejected",
	};
	struct tctl_err err = { 0 };
	enum tctld_load r;
	json_object *o;

	tctld_log("reload asked on the control socket");
	r = tctld_list_load(d, &err);
	if (r == TCTLD_LOAD_APPLIED) {
		d->n.reloads++;
		tctld_reconcile(d, TCTLD_R_RELOAD);
	} else {
		if (r == TCTLD_LOAD_REJECTED)
			d->n.rejected_reloads++;
		tctld_metrics_write(d);	/* peer_list_valid may have changed */
	}
	o = json_object_new_object();
	json_object_object_add(o, "result", json_object_new_string(results[r]));
	json_object_object_add(o, "file", json_object_new_string(d->cfg.peers));
	json_object_object_add(o, "hash", d->have_list ?
			       json_object_new_string(d->pl.digest) : NULL);
	json_object_object_add(o, "message", r == TCTLD_LOAD_REJECTED ?
			       json_object_new_string(d->list_error.message) : NULL);
	json_object_object_add(o, "problems", r == TCTLD_LOAD_REJECTED ?
			       tctl_diags_to_json(&d->list_error.problems, "path") :
			       json_object_new_array());
	return o;
}

/* What a reconcile now would do, computed and not executed. */
static json_object *plan_json(struct tctld *d)
{
	struct tctl_plan_opts po = { .prune = TCTL_PRUNE_LISTED };
	struct tctl_err err = { 0 };
	struct tctl_plan plan;
	json_object *o;

	if (!d->have_list || !d->self)
		return error_json("%s", "no peer list is running (see status)");
	if (tctl_plan_build(d->nl, &d->pl, d->self, &po, &plan, &err))
		return error_json("plan: %s", err.msg);
	o = tctl_plan_to_json(&plan);
	tctl_plan_free(&plan);
	return o;
}

static bool read_request(int fd, char *buf, size_t len)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t n = 0;

	while (n < len - 1) {
		ssize_t r;

		if (poll(&p, 1, CLIENT_TIMEOUT_MS) <= 0)
			return false;
		r = read(fd, buf + n, len - 1 - n);
		if (r <= 0)
			break;
		n += (size_t)r;
		if (memchr(buf, '\n', n))
			break;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	return n > 0;
}

static void write_all(int fd, const char *s, size_t len)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };

	while (len) {
		ssize_t w;

		if (poll(&p, 1, CLIENT_TIMEOUT_MS) <= 0)
			return;
		w = send(fd, s, len, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return;
		}
		s += w;
		len -= (size_t)w;
	}
}

/* Root, or the user the daemon runs as: nobody else may ask. */
static bool allowed(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return false;
	return cred.uid == 0 || cred.uid == geteuid();
}

static void serve(struct tctld *d, int fd)
{
	char req[64];
	json_object *answer;
	const char *text;

	if (!allowed(fd))
		answer = error_json("%s", "permission denied");
	else if (!read_request(fd, req, sizeof(req)))
		answer = error_json("%s", "no request (status, reload or plan)");
	else if (!strcmp(req, "status"))
		answer = tctld_status_json(d);
	else if (!strcmp(req, "reload"))
		answer = reload_json(d);
	else if (!strcmp(req, "plan"))
		answer = plan_json(d);
	else
		answer = error_json("unknown request '%s' (status, reload or plan)", req);
	text = json_object_to_json_string_ext(answer, JSON_C_TO_STRING_PLAIN |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	write_all(fd, text, strlen(text));
	write_all(fd, "\n", 1);
	json_object_put(answer);
}

void tctld_control_accept(struct tctld *d)
{
	for (;;) {
		int fd = accept4(d->ctl_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

		if (fd < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				tctld_log("control socket: %m");
			return;
		}
		serve(d, fd);
		close(fd);
	}
}

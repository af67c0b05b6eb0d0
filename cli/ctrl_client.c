// SPDX-License-Identifier: GPL-2.0-or-later
#include "ctrl_client.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* A plan of a large mesh is tens of megabytes; far beyond that is a fault. */
#define CTRL_ANSWER_MAX (1024u << 20)

static double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int silent(const struct ctrl_target *t, size_t got, struct tctl_err *err)
{
	if (!got)
		return tctl_err_set(err, TCTL_ERR_STATE, ETIMEDOUT,
				    "tunnelctld at %s did not answer within %u s", t->path,
				    t->timeout);
	return tctl_err_set(err, TCTL_ERR_STATE, ETIMEDOUT,
			    "tunnelctld at %s sent %zu bytes of its answer, then nothing for %u s",
			    t->path, got, t->timeout);
}

/* Wait until fd is ready for events, at most the timeout; 0 when it is. */
static int wait_fd(int fd, short events, const struct ctrl_target *t, size_t got,
		   struct tctl_err *err)
{
	double end = now_mono() + t->timeout;
	struct pollfd p = { .fd = fd, .events = events };

	for (;;) {
		double left = end - now_mono();
		int r;

		if (left <= 0)
			return silent(t, got, err);
		r = poll(&p, 1, (int)(left * 1000) + 1);
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return tctl_err_set(err, TCTL_ERR_SYSTEM, errno, "poll: %s",
					    strerror(errno));
	}
}

static int connect_failed(const struct ctrl_target *t, int e, struct tctl_err *err)
{
	char hint[128] = "";

	if (e == ENOENT || e == ECONNREFUSED) {
		if (t->netns)
			snprintf(hint, sizeof(hint), " (is tunnelctld -n %s running?)", t->netns);
		else
			snprintf(hint, sizeof(hint), " (is tunnelctld running?)");
	} else if (e == EACCES || e == EPERM) {
		snprintf(hint, sizeof(hint), " (the control socket is root's)");
	}
	return tctl_err_set(err, TCTL_ERR_STATE, e, "cannot connect to tunnelctld at %s: %s%s",
			    t->path, strerror(e), hint);
}

/* Connect; a listener with a full backlog is waited for, up to the timeout. */
static int ctrl_connect(const struct ctrl_target *t, int *out, struct tctl_err *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	double end = now_mono() + t->timeout;
	int fd;

	memcpy(sa.sun_path, t->path, strlen(t->path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return tctl_err_set(err, TCTL_ERR_SYSTEM, errno, "socket: %s", strerror(errno));
	while (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		if (e == EINTR)
			continue;
		if (e != EAGAIN) {
			close(fd);
			return connect_failed(t, e, err);
		}
		if (now_mono() >= end) {
			close(fd);
			return silent(t, 0, err);
		}
		poll(NULL, 0, 20);
	}
	*out = fd;
	return 0;
}

static int send_request(const struct ctrl_target *t, int fd, const char *req,
			struct tctl_err *err)
{
	size_t len = strlen(req), off = 0;

	while (off < len) {
		ssize_t n = send(fd, req + off, len - off, MSG_NOSIGNAL);

		if (n >= 0) {
			off += (size_t)n;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return tctl_err_set(err, TCTL_ERR_STATE, errno,
					    "tunnelctld at %s: cannot send the request: %s",
					    t->path, strerror(errno));
		if (wait_fd(fd, POLLOUT, t, 0, err))
			return -ETIMEDOUT;
	}
	/* The end of the request: the controller answers once it sees it. */
	if (shutdown(fd, SHUT_WR) < 0 && errno != ENOTCONN)
		return tctl_err_set(err, TCTL_ERR_STATE, errno, "tunnelctld at %s: shutdown: %s",
				    t->path, strerror(errno));
	return 0;
}

/* Everything until EOF, NUL-terminated, into *buf (malloc'd). */
static int read_answer(const struct ctrl_target *t, int fd, char **buf, size_t *len,
		       struct tctl_err *err)
{
	size_t cap = 0, got = 0;
	char *b = NULL;

	for (;;) {
		ssize_t n;

		if (cap - got < 4096) {
			char *nb;

			if (cap >= CTRL_ANSWER_MAX) {
				free(b);
				return tctl_err_set(err, TCTL_ERR_STATE, EMSGSIZE,
						    "tunnelctld at %s: the answer is larger than "
						    "%u MiB", t->path, CTRL_ANSWER_MAX >> 20);
			}
			cap = cap ? cap * 2 : 65536;
			nb = realloc(b, cap);
			if (!nb) {
				free(b);
				return tctl_err_nomem(err);
			}
			b = nb;
		}
		n = read(fd, b + got, cap - got - 1);
		if (n > 0) {
			got += (size_t)n;
			continue;
		}
		if (n == 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN) {
			if (wait_fd(fd, POLLIN, t, got, err)) {
				free(b);
				return -ETIMEDOUT;
			}
			continue;
		}
		free(b);
		return tctl_err_set(err, TCTL_ERR_STATE, errno, "tunnelctld at %s: %s", t->path,
				    strerror(errno));
	}
	b[got] = '\0';
	*buf = b;
	*len = got;
	return 0;
}

static int parse_answer(const struct ctrl_target *t, const char *buf, size_t len,
			json_object **out, struct tctl_err *err)
{
	struct json_tokener *tok;
	enum json_tokener_error jerr;
	json_object *o;
	size_t end;

	if (!len)
		return tctl_err_set(err, TCTL_ERR_STATE, EPROTO,
				    "tunnelctld at %s closed the connection without an answer",
				    t->path);
	tok = json_tokener_new();
	if (!tok)
		return tctl_err_nomem(err);
	o = json_tokener_parse_ex(tok, buf, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	while (o && end < len && strchr(" \t\r\n", buf[end]))
		end++;
	if (!o || jerr != json_tokener_success || end < len) {
		json_object_put(o);
		return tctl_err_set(err, TCTL_ERR_STATE, EPROTO,
				    "tunnelctld at %s sent an answer that is not one JSON "
				    "document: %s", t->path,
				    jerr == json_tokener_continue ? "it ends half-way" :
				    jerr != json_tokener_success ? json_tokener_error_desc(jerr) :
				    "trailing data");
	}
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return tctl_err_set(err, TCTL_ERR_STATE, EPROTO,
				    "tunnelctld at %s sent an answer that is not a JSON object",
				    t->path);
	}
	*out = o;
	return 0;
}

/* Send one request ("status", ...) and take the answer. */
int ctrl_ask(const struct ctrl_target *t, const char *what, json_object **out,
		    struct tctl_err *err)
{
	char req[32];
	char *buf = NULL;
	size_t len = 0;
	int fd = -1, ret;

	snprintf(req, sizeof(req), "%s\n", what);
	ret = ctrl_connect(t, &fd, err);
	if (ret)
		return ret;
	ret = send_request(t, fd, req, err);
	if (!ret)
		ret = read_answer(t, fd, &buf, &len, err);
	close(fd);
	if (!ret)
		ret = parse_answer(t, buf, len, out, err);
	free(buf);
	return ret;
}

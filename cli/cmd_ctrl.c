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
#include "output.h"
#include "print.h"

#define CTRL_DIR "/run/tunnelctl"
#define CTRL_SOCKET CTRL_DIR "/tunnelctld.sock"
#define CTRL_TIMEOUT 10			/* seconds, the default of "timeout" */
#define CTRL_TIMEOUT_MAX 3600
/* A plan of a large mesh is tens of megabytes; far beyond that is a fault. */
#define CTRL_ANSWER_MAX (1024u << 20)

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

struct ctrl_target {
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	unsigned int timeout;		/* seconds */
	const char *netns;		/* for the hint of a failed connect */
};

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
static int ctrl_ask(const struct ctrl_target *t, const char *what, json_object **out,
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

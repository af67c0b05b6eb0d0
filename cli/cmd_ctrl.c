// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tunnelctl ctrl {status|reload|plan}: ask the resident controller,
 * tunnelctld(8), over its control socket.  One request line, the write side
 * shut, then one JSON document until EOF.  With -j the document is printed
 * as it came (indented with -p); without, in words.  The grammar is here,
 * not in lib/: only the command line speaks this protocol's client side.
 */
#include <errno.h>
#include <inttypes.h>
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

/* ---- reading the answers ------------------------------------------------ */

/* The value of key, or NULL when it is absent or null. */
static json_object *get(json_object *o, const char *key)
{
	json_object *v = NULL;

	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

static const char *get_str(json_object *o, const char *key)
{
	json_object *v = get(o, key);

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static bool is_num(json_object *v)
{
	return v && (json_object_is_type(v, json_type_int) ||
		     json_object_is_type(v, json_type_double));
}

static int64_t get_int(json_object *o, const char *key)
{
	json_object *v = get(o, key);

	return is_num(v) ? json_object_get_int64(v) : 0;
}

static bool get_double(json_object *o, const char *key, double *out)
{
	json_object *v = get(o, key);

	if (!is_num(v))
		return false;
	*out = json_object_get_double(v);
	return true;
}

/* A scalar as printed in JSON (numbers as the controller wrote them), or "-". */
static const char *txt(json_object *o, const char *key)
{
	json_object *v = get(o, key);

	return v ? json_object_get_string(v) : "-";
}

static bool get_bool(json_object *o, const char *key)
{
	json_object *v = get(o, key);

	return v && json_object_get_boolean(v);
}

static size_t arr_len(json_object *a)
{
	return a && json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
}

/* Element i of an array of strings; "" for anything else. */
static const char *arr_str(json_object *a, size_t i)
{
	json_object *v = json_object_array_get_idx(a, i);

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
}

static const char *plural(int64_t n)
{
	return n == 1 ? "" : "s";
}

static double now_real(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Whole seconds, as "42 s", "5m 3s", "2h 3m" or "3d 4h". */
static const char *fmt_age(double secs, char *buf, size_t len)
{
	long long s = secs > 0 ? (long long)secs : 0;

	if (s < 60)
		snprintf(buf, len, "%lld s", s);
	else if (s < 3600)
		snprintf(buf, len, "%lldm %llds", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%lldh %lldm", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, len, "%lldd %lldh", s / 86400, s % 86400 / 3600);
	return buf;
}

/* A short span, with its fraction: "4 ms", "0.3 ms", "1.6 s". */
static const char *fmt_span(double secs, char *buf, size_t len)
{
	if (secs < 0)
		secs = 0;
	if (secs < 0.001)
		snprintf(buf, len, "%.1f ms", secs * 1000);
	else if (secs < 1)
		snprintf(buf, len, "%.0f ms", secs * 1000);
	else if (secs < 60)
		snprintf(buf, len, "%.1f s", secs);
	else
		fmt_age(secs, buf, len);
	return buf;
}

/* "FILE:LINE: PATH: message", as validate prints a peer list's problems. */
static void print_problems(FILE *f, const char *prefix, const char *file, json_object *probs)
{
	for (size_t i = 0; i < arr_len(probs); i++) {
		json_object *p = json_object_array_get_idx(probs, i);
		const char *path = get_str(p, "path"), *msg = get_str(p, "message");
		int64_t line = get_int(p, "line");
		char where[32] = "";

		if (!path)
			path = "";
		if (line > 0)
			snprintf(where, sizeof(where), ":%" PRId64, line);
		fprintf(f, "%s%s%s: %s%s%s\n", prefix, file, where, path, path[0] ? ": " : "",
			msg ? msg : "?");
	}
}

/* An "{"error": ...}" answer: told, and the exit status is 1. */
static bool answer_error(const struct cli *cli, json_object *ans)
{
	json_object *e = get(ans, "error");

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

static void status_peers(json_object *st, double now)
{
	json_object *p = get(st, "peers"), *pe = get(st, "peers_error");
	const char *self = get_str(st, "self");
	char age[32];
	double at;

	if (p) {
		int64_t n = get_int(p, "peers");

		printf("  peer list: %s (version %s, hash %s, %" PRId64 " peer%s",
		       txt(p, "file"), txt(p, "version"), txt(p, "hash"), n, plural(n));
		if (get_double(p, "loaded", &at))
			printf(", loaded %s ago", fmt_age(now - at, age, sizeof(age)));
		printf(")");
	} else {
		printf("  peer list: none in use");
	}
	if (self)
		printf(", self %s", self);
	printf("\n");
	if (!pe)
		return;
	/* Without "at": not a rejected list but no peer of it is this node. */
	printf("  peer list error: %s", txt(pe, "file"));
	if (get_double(pe, "at", &at))
		printf(", %s ago", fmt_age(now - at, age, sizeof(age)));
	printf(": %s%s\n", txt(pe, "message"),
	       p && get(pe, "at") ? "; the list above stays in use" : "");
	print_problems(stdout, "    ", txt(pe, "file"), get(pe, "problems"));
}

static void status_reconcile(json_object *st, double now)
{
	json_object *r = get(st, "last_reconcile"), *b = get(st, "backoff");
	json_object *errs = get(r, "errors");
	char age[32], span[32];
	double at, secs;

	if (!r) {
		printf("  last reconcile: none yet\n");
	} else {
		printf("  last reconcile: ");
		if (get_double(r, "at", &at))
			printf("%s ago ", fmt_age(now - at, age, sizeof(age)));
		printf("(%s)", txt(r, "reason"));
		if (get_double(r, "seconds", &secs))
			printf(", %s", fmt_span(secs, span, sizeof(span)));
		printf(": %" PRId64 " added, %" PRId64 " replaced, %" PRId64 " deleted, %" PRId64
		       " failed\n", get_int(r, "added"), get_int(r, "replaced"),
		       get_int(r, "deleted"), get_int(r, "failed"));
		for (size_t i = 0; i < arr_len(errs); i++) {
			json_object *e = json_object_array_get_idx(errs, i);

			printf("    %s: %s\n", txt(e, "object"), txt(e, "message"));
		}
	}
	if (b) {
		printf("  backoff: ");
		if (get_double(b, "seconds", &secs))
			printf("%s", fmt_span(secs, span, sizeof(span)));
		if (get_double(b, "until", &at) && at > now)
			printf(", next try in %s", fmt_span(at - now, span, sizeof(span)));
		else if (get_double(b, "until", &at))
			printf(", next try due");
		printf(": %s\n", txt(b, "reason"));
	}
}

static void status_counters(json_object *st)
{
	json_object *c = get(st, "counters");
	int64_t n;

#define COUNT(key, word, sep)							\
	(n = get_int(c, key), printf("%" PRId64 " " word "%s" sep, n, plural(n)))
	printf("  counters: ");
	COUNT("reconciles", "reconcile", ", ");
	COUNT("repairs", "repair", ", ");
	COUNT("resyncs", "resync", ", ");
	COUNT("overruns", "overrun", ", ");
	COUNT("errors", "error", ", ");
	COUNT("reloads", "reload", "");
	printf(" (%" PRId64 " rejected), ", get_int(c, "rejected_reloads"));
	COUNT("events", "event", "");
	n = get_int(c, "dump_retries");
	if (n)
		printf(", %" PRId64 " dump retr%s", n, n == 1 ? "y" : "ies");
#undef COUNT
	printf("\n");
}

static void print_status(json_object *st)
{
	json_object *d = get(st, "desired"), *k = get(st, "actual"), *fw = get(st, "firewall");
	json_object *conflicts = get(st, "conflicts");
	double now = now_real(), started;
	const char *netns = get_str(st, "netns"), *version = get_str(st, "version");
	char age[32];
	int64_t n, m, r;

	printf("controller: running, pid %s", txt(st, "pid"));
	if (netns)
		printf(", netns %s", netns);
	if (get_double(st, "started", &started))
		printf(", up %s", fmt_age(now - started, age, sizeof(age)));
	if (version)
		printf(", version %s", version);
	printf("\n");
	status_peers(st, now);
	n = get_int(d, "devices");
	m = get_int(d, "nexthops");
	r = get_int(d, "routes");
	printf("  desired: %" PRId64 " device%s, %" PRId64 " nexthop%s, %" PRId64 " route%s\n",
	       n, plural(n), m, plural(m), r, plural(r));
	m = get_int(k, "nexthops");
	r = get_int(k, "routes");
	if (k)
		printf("  kernel: %" PRId64 " nexthop%s, %" PRId64 " route%s\n", m, plural(m), r,
		       plural(r));
	else
		printf("  kernel: not read yet\n");
	status_reconcile(st, now);
	status_counters(st);
	if (fw) {
		n = get_int(fw, "addresses");
		m = get_int(fw, "dropped_packets");
		printf("  firewall: %s, %" PRId64 " address%s", txt(fw, "table"), n,
		       n == 1 ? "" : "es");
		if (get(fw, "dropped_packets"))
			printf(", %" PRId64 " packet%s dropped", m, plural(m));
		if (m)
			printf(" (%" PRId64 " bytes)", get_int(fw, "dropped_bytes"));
		printf("\n");
	} else {
		printf("  firewall: off\n");
	}
	for (size_t i = 0; i < arr_len(conflicts); i++) {
		json_object *c = json_object_array_get_idx(conflicts, i);

		n = get_int(c, "count");
		printf("  conflict: %s (%s", txt(c, "object"), txt(c, "kind"));
		if (n > 1)
			printf(", %" PRId64 " times", n);
		printf("): %s\n", txt(c, "message"));
	}
}

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
	print_status(ans);
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
	const char *f = get_str(ans, "file");
	char *file;

	if (f)
		return strdup(f);
	if (ctrl_ask(t, "status", &st, &err))
		return strdup("peer list");
	f = get_str(get(st, "peers_error"), "file");
	if (!f)
		f = get_str(get(st, "peers"), "file");
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
	result = get_str(ans, "result");
	msg = get_str(ans, "message");
	hash = get_str(ans, "hash");
	probs = get(ans, "problems");
	if (!result || (strcmp(result, "applied") && strcmp(result, "unchanged") &&
			strcmp(result, "rejected"))) {
		fprintf(stderr, "%s: tunnelctld at %s: unknown reload result \"%s\"\n", cli->prog,
			t.path, result ? result : "");
		json_object_put(ans);
		return EXIT_FAIL;
	}
	if (!strcmp(result, "rejected")) {
		n = arr_len(probs);
		file = rejected_file(&t, ans);
		if (cli->json)
			cli_print_json(cli, json_object_get(ans));
		snprintf(prefix, sizeof(prefix), "%s: ", cli->prog);
		print_problems(stderr, prefix, file ? file : "peer list", probs);
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

/*
 * The plan comes as the JSON of `tunnelctl diff -j`, not as a struct
 * tctl_plan, so this is print_plan.c's text format made from that JSON:
 * the same lines, word for word.  Keep the two in step.
 */

static char act_mark(json_object *op)
{
	const char *act = get_str(op, "action");

	if (act && !strcmp(act, "add"))
		return '+';
	if (act && !strcmp(act, "replace"))
		return '~';
	return '-';
}

static bool has_change(json_object *op, const char *name)
{
	json_object *ch = get(op, "changes");

	for (size_t i = 0; i < arr_len(ch); i++)
		if (!strcmp(arr_str(ch, i), name))
			return true;
	return false;
}

static bool encap_v6(json_object *e)
{
	const char *type = get_str(e, "encap_type");

	return type && !strcmp(type, "ip6");
}

/* ttl and tos of an encap: hoplimit and tc for ip6. */
static const char *encap_field(json_object *e, const char *name)
{
	bool v6 = encap_v6(e);

	if (!strcmp(name, "ttl"))
		return txt(e, v6 ? "hoplimit" : "ttl");
	if (!strcmp(name, "tos"))
		return txt(e, v6 ? "tc" : "tos");
	return txt(e, name);
}

static void encap_words(FILE *f, json_object *e)
{
	const char *src = get_str(e, "src");
	int64_t ttl = get_int(e, encap_v6(e) ? "hoplimit" : "ttl");
	int64_t tos = get_int(e, encap_v6(e) ? "tc" : "tos");

	fprintf(f, "encap %s id %s dst %s", encap_v6(e) ? "ip6" : "ip", txt(e, "id"),
		txt(e, "dst"));
	if (src && strcmp(src, "0.0.0.0") && strcmp(src, "::"))
		fprintf(f, " src %s", src);
	if (ttl)
		fprintf(f, " ttl %" PRId64, ttl);
	if (tos)
		fprintf(f, " tos %" PRId64, tos);
	fprintf(f, "%s%s%s", get_bool(e, "key") ? " key" : "", get_bool(e, "csum") ? " csum" : "",
		get_bool(e, "seq") ? " seq" : "");
}

static const char *dev_or_dash(json_object *o)
{
	const char *dev = get_str(o, "dev");

	return dev && dev[0] ? dev : "-";
}

/* "ttl 64 -> 10, dst 192.0.2.1 -> 192.0.2.9" */
static void nh_changes(FILE *f, json_object *op)
{
	json_object *want = get(op, "nexthop"), *have = get(op, "was");
	json_object *ch = get(op, "changes");
	const char *sep = "";

	for (size_t i = 0; i < arr_len(ch); i++) {
		const char *name = arr_str(ch, i);

		fprintf(f, "%s%s ", sep, name);
		sep = ", ";
		if (!strcmp(name, "id") || !strcmp(name, "dst") || !strcmp(name, "ttl") ||
		    !strcmp(name, "tos"))
			fprintf(f, "%s -> %s", encap_field(get(have, "encap"), name),
				encap_field(get(want, "encap"), name));
		else if (!strcmp(name, "dev"))
			fprintf(f, "%s -> %s", dev_or_dash(have), txt(want, "dev"));
		else if (!strcmp(name, "family"))
			fprintf(f, "%s -> %s", txt(have, "family"), txt(want, "family"));
		else
			fprintf(f, "changed");
	}
}

static void plan_devs(FILE *f, json_object *devs)
{
	for (size_t i = 0; i < arr_len(devs); i++) {
		json_object *op = json_object_array_get_idx(devs, i);

		fprintf(f, "%c dev %s mode %s", act_mark(op), txt(op, "ifname"), txt(op, "mode"));
		if (get(op, "mtu"))
			fprintf(f, " mtu %s", txt(op, "mtu"));
		if (act_mark(op) == '~')
			fprintf(f, ":%s%s", has_change(op, "mtu") ? " mtu" : "",
				has_change(op, "up") ? " up" : "");
		fputc('\n', f);
	}
}

static void plan_nhs(FILE *f, json_object *nhs)
{
	for (size_t i = 0; i < arr_len(nhs); i++) {
		json_object *op = json_object_array_get_idx(nhs, i);
		json_object *nh = get(op, "nexthop");

		fprintf(f, "%c nexthop %s", act_mark(op), txt(nh, "id"));
		if (get_str(op, "peer"))
			fprintf(f, " peer %s", get_str(op, "peer"));
		if (act_mark(op) == '~') {
			fprintf(f, ": ");
			nh_changes(f, op);
		} else {
			fprintf(f, " ");
			if (get(nh, "encap")) {
				encap_words(f, get(nh, "encap"));
				fprintf(f, " ");
			}
			fprintf(f, "dev %s", dev_or_dash(nh));
		}
		fputc('\n', f);
	}
}

static void route_words(FILE *f, json_object *r)
{
	const char *dst = get_str(r, "dst"), *table = get_str(r, "table");
	int64_t deflt = dst && strchr(dst, ':') ? 1024 : 0;

	fprintf(f, "route %s", dst ? dst : "-");
	if (table && strcmp(table, "main"))
		fprintf(f, " table %s", table);
	if (get(r, "metric") && get_int(r, "metric") != deflt)
		fprintf(f, " metric %s", txt(r, "metric"));
	if (get(r, "nhid"))
		fprintf(f, " nhid %s", txt(r, "nhid"));
	else if (get_str(r, "dev") && get_str(r, "dev")[0])
		fprintf(f, " dev %s", get_str(r, "dev"));
}

static void plan_routes(FILE *f, json_object *routes)
{
	for (size_t i = 0; i < arr_len(routes); i++) {
		json_object *op = json_object_array_get_idx(routes, i);
		json_object *ch = get(op, "changes");
		bool replace = act_mark(op) == '~';

		fprintf(f, "%c ", act_mark(op));
		route_words(f, get(op, "route"));
		if (get_str(op, "peer"))
			fprintf(f, " peer %s", get_str(op, "peer"));
		if (replace && has_change(op, "inline")) {
			fprintf(f, ": inline encap -> nexthop");
		} else if (replace && has_change(op, "nexthop")) {
			fprintf(f, ": nexthop -> inline encap");
		} else if (replace && has_change(op, "nhid")) {
			fprintf(f, ": nhid %s -> %s", txt(get(op, "was"), "nhid"),
				txt(get(op, "route"), "nhid"));
		} else if (replace) {
			for (size_t k = 0; k < arr_len(ch); k++)
				fprintf(f, "%s%s", k ? ", " : ": ", arr_str(ch, k));
		}
		fputc('\n', f);
	}
}

static void plan_conflicts(FILE *f, json_object *conflicts)
{
	for (size_t i = 0; i < arr_len(conflicts); i++) {
		json_object *c = json_object_array_get_idx(conflicts, i);
		json_object *theirs = get(c, "theirs");

		fprintf(f, "! conflict: ");
		route_words(f, get(c, "route"));
		fprintf(f, " peer %s: protocol %s has ", txt(c, "peer"), txt(theirs, "protocol"));
		if (get_bool(c, "blocking"))
			fprintf(f, "this route: left alone, not added");
		else
			fprintf(f, "the prefix at metric %s", txt(theirs, "metric"));
		fputc('\n', f);
	}
}

/* "2 nexthops, 3 routes to add; 1 route to delete; 1 conflict" */
static void plan_summary(FILE *f, json_object *sum)
{
	static const char *const objs[] = { "devices", "nexthops", "routes" };
	static const char *const acts[] = { "add", "replace", "delete" };
	int64_t conflicts = get_int(sum, "conflicts"), total = 0;
	bool first = true;

	for (int k = 0; k < 3; k++)
		for (int act = 0; act < 3; act++)
			total += get_int(get(sum, objs[k]), acts[act]);
	if (!total) {
		fprintf(f, "no changes%s\n", conflicts ? " (see the conflicts)" : "");
		return;
	}
	for (int act = 0; act < 3; act++) {
		bool any = false;

		for (int k = 0; k < 3; k++) {
			int64_t c = get_int(get(sum, objs[k]), acts[act]);
			int len = (int)strlen(objs[k]) - 1;

			if (!c)
				continue;
			fprintf(f, "%s%" PRId64 " %.*s%s", any ? ", " : first ? "" : "; ", c, len,
				objs[k], plural(c));
			any = true;
			first = false;
		}
		if (any)
			fprintf(f, " to %s", acts[act]);
	}
	if (conflicts)
		fprintf(f, "; %" PRId64 " conflict%s", conflicts, plural(conflicts));
	fputc('\n', f);
}

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
	plan_devs(stdout, get(ans, "devices"));
	plan_nhs(stdout, get(ans, "nexthops"));
	plan_routes(stdout, get(ans, "routes"));
	plan_conflicts(stdout, get(ans, "conflicts"));
	plan_summary(stdout, get(ans, "summary"));
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

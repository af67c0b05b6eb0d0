// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tunnelctl -b FILE: one command a line, split as the shell splits them;
 * blank lines and # comments are skipped.  Route and nexthop writes
 * (add, replace, del) are checked one by one as they come, queued, and
 * sent as one stream of batched requests when another command comes or
 * the file ends (lib/write_queue.c).  Every message is prefixed with
 * FILE:LINE.  Without --force the batch stops at the first line that
 * fails, after sending what was queued before it: the kernel then holds
 * every line before the failing one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/line_split.h"
#include "../lib/nexthop_args.h"
#include "../lib/route_args.h"
#include "../lib/write_queue.h"
#include "cli.h"

struct batch {
	struct cli *cli;
	const char *file;	/* as given; "-" is stdin */
	bool force;
	size_t line;
	char where[4096 + 64];	/* "tunnelctl: FILE:LINE", the messages' prefix */
	struct tctl_wq q;
	bool usage_failed, failed;
};

/* The writes that are queued, and what their arguments make. */
enum qkind { Q_ROUTE_ADD, Q_ROUTE_REPLACE, Q_ROUTE_DEL, Q_NH_ADD, Q_NH_REPLACE, Q_NH_DEL };

static const struct {
	const char *object, *verb;
	enum qkind kind;
} queued[] = {
	{ "route", "add", Q_ROUTE_ADD },
	{ "route", "replace", Q_ROUTE_REPLACE },
	{ "route", "del", Q_ROUTE_DEL },
	{ "nexthop", "add", Q_NH_ADD },
	{ "nexthop", "replace", Q_NH_REPLACE },
	{ "nexthop", "del", Q_NH_DEL },
};

struct qline {
	struct tctl_route r;
	struct tctl_route_filter f;
	struct tctl_nexthop nh;
	struct tctl_nexthop_filter nf;
};

static void set_where(struct batch *b, size_t line)
{
	snprintf(b->where, sizeof(b->where), "%s: %s:%zu", b->cli->name, b->file, line);
	b->cli->prog = b->where;
}

static void note_status(struct batch *b, int status)
{
	if (status == EXIT_USAGE)
		b->usage_failed = true;
	else if (status)
		b->failed = true;
}

/* A queued write the kernel refused, named by its line. */
static void write_failed(size_t line, const struct tctl_err *err, void *arg)
{
	struct batch *b = arg;

	fprintf(stderr, "%s: %s:%zu: %s\n", b->cli->name, b->file, line, err->msg);
	b->failed = true;
}

/* Send what is queued; false when the batch must stop. */
static bool flush(struct batch *b)
{
	struct tctl_err err;
	int ret;

	if (!tctl_wq_pending(&b->q))
		return true;
	tctl_err_clear(&err);
	ret = tctl_wq_flush(&b->q, &err);
	if (ret < 0) {
		fprintf(stderr, "%s: %s: %s\n", b->cli->name, b->file, err.msg);
		b->failed = true;
		return false;
	}
	return !ret || b->force;
}

static int parse_write(enum qkind kind, const struct tctl_args *a, struct qline *ql,
		       struct tctl_err *err)
{
	switch (kind) {
	case Q_ROUTE_ADD:
	case Q_ROUTE_REPLACE:
		return tctl_route_from_args(a, &ql->r, err);
	case Q_ROUTE_DEL:
		return tctl_route_filter_from_args(a, &ql->f, err);
	case Q_NH_ADD:
	case Q_NH_REPLACE:
		return tctl_nexthop_from_args(a, &ql->nh, err);
	case Q_NH_DEL:
		return tctl_nexthop_filter_from_args(a, &ql->nf, err);
	}
	return 0;
}

static int enqueue(struct batch *b, enum qkind kind, struct qline *ql, struct tctl_err *err)
{
	switch (kind) {
	case Q_ROUTE_ADD:
	case Q_ROUTE_REPLACE:
		return tctl_wq_route(&b->q, &ql->r, kind == Q_ROUTE_REPLACE, b->line, err);
	case Q_ROUTE_DEL:
		return tctl_wq_route_del(&b->q, &ql->f, b->line, err);
	case Q_NH_ADD:
	case Q_NH_REPLACE:
		return tctl_wq_nexthop(&b->q, &ql->nh, kind == Q_NH_REPLACE, b->line, err);
	case Q_NH_DEL:
		return tctl_wq_nexthop_del(&b->q, ql->nf.id, b->line, err);
	}
	return 0;
}

/* A write line: parsed, checked and queued.  Its exit status. */
static int queue_line(struct batch *b, enum qkind kind, const struct cli_verb *v,
		      int argc, char **argv, bool *stop)
{
	struct tctl_err err;
	struct tctl_args a;
	struct qline ql;
	int ret;

	tctl_err_clear(&err);
	memset(&ql, 0, sizeof(ql));
	if (tctl_args_parse(v->syn, argc - 2, argv + 2, &a, &err) ||
	    parse_write(kind, &a, &ql, &err)) {
		*stop = !flush(b) || !b->force;
		set_where(b, b->line);
		return cli_usage_error(b->cli, v->syn, &err);
	}
	if (!cli_nl(b->cli, &err)) {
		*stop = true;
		return cli_fail(b->cli, &err);
	}
	if (!b->q.nl)
		tctl_wq_init(&b->q, b->cli->nl, write_failed, b);
	ret = enqueue(b, kind, &ql, &err);
	if (ret == -EAGAIN) {
		/* It depends on a queued write: send those, then check it. */
		if (!flush(b)) {
			*stop = true;
			return EXIT_OK;
		}
		ret = enqueue(b, kind, &ql, &err);
	}
	if (!ret)
		return EXIT_OK;
	/* What came before goes out first, so messages come in line order. */
	*stop = !flush(b) || !b->force;
	set_where(b, b->line);
	return cli_fail(b->cli, &err);
}

static bool is_queued(const char *object, const char *verb, enum qkind *kind)
{
	for (size_t i = 0; i < sizeof(queued) / sizeof(queued[0]); i++) {
		if (!strcmp(queued[i].object, object) && !strcmp(queued[i].verb, verb)) {
			*kind = queued[i].kind;
			return true;
		}
	}
	return false;
}

/* One line's words; false when the batch must stop. */
static bool run_line(struct batch *b, int argc, char **argv)
{
	const struct cli_object *o = cli_find_object(argv[0]);
	const struct cli_verb *v = o && argc > 1 ? cli_find_verb(o, argv[1]) : NULL;
	bool stop = false;
	enum qkind kind;
	int status;

	set_where(b, b->line);
	if (v && is_queued(argv[0], argv[1], &kind)) {
		status = queue_line(b, kind, v, argc, argv, &stop);
		note_status(b, status);
		return !stop;
	}
	if (!flush(b))
		return false;
	set_where(b, b->line);
	if (!strcmp(argv[0], "shell")) {
		fprintf(stderr, "%s: the shell does not run in a batch\n", b->cli->prog);
		status = EXIT_USAGE;
	} else {
		status = cli_run(b->cli, argc, argv);
	}
	note_status(b, status);
	return !status || b->force;
}

static int run_stream(struct batch *b, FILE *f)
{
	struct tctl_words w = { 0 };
	struct tctl_err err;
	char *buf = NULL;
	size_t cap = 0;
	bool go = true;

	while (go && getline(&buf, &cap, f) >= 0) {
		b->line++;
		tctl_err_clear(&err);
		if (tctl_line_split(buf, &w, &err)) {
			go = flush(b) && b->force;
			fprintf(stderr, "%s: %s:%zu: %s\n", b->cli->name, b->file, b->line, err.msg);
			b->usage_failed = true;
		} else if (w.n) {
			go = run_line(b, (int)w.n, w.v);
		}
		tctl_words_free(&w);
	}
	if (go && ferror(f)) {
		fprintf(stderr, "%s: %s: read error\n", b->cli->name, b->file);
		b->failed = true;
	}
	if (go)
		flush(b);
	free(buf);
	return b->usage_failed ? EXIT_USAGE : b->failed ? EXIT_FAIL : EXIT_OK;
}

int cli_batch(struct cli *cli, const char *file, bool force)
{
	struct batch b = { .cli = cli, .file = file, .force = force };
	bool is_stdin = !strcmp(file, "-");
	FILE *f = is_stdin ? stdin : fopen(file, "re");
	int ret;

	if (!f) {
		fprintf(stderr, "%s: %s: %s\n", cli->name, file, strerror(errno));
		return EXIT_USAGE;
	}
	ret = run_stream(&b, f);
	cli->prog = cli->name;
	tctl_wq_free(&b.q);
	if (!is_stdin)
		fclose(f);
	return ret;
}

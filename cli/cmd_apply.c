// SPDX-License-Identifier: GPL-2.0-or-later
/* tunnelctl apply | diff | validate: the peer list against this node's kernel. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../lib/apply_args.h"
#include "../lib/nl_addr.h"
#include "../lib/desired.h"
#include "../lib/plan_json.h"
#include "../lib/rtnames.h"
#include "../lib/state.h"
#include "output.h"
#include "print.h"

/* Every problem of an invalid list, "FILE:LINE: PATH: message". */
static void print_diags(const struct cli *cli, const char *file, const struct tctl_diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct tctl_diag *g = &d->v[i];
		char where[64] = "";

		if (g->line)
			snprintf(where, sizeof(where), ":%d", g->line);
		fprintf(stderr, "%s: %s%s: %s%s%s\n", cli->prog, file, where, g->path,
			g->path[0] ? ": " : "", g->msg);
	}
	if (d->dropped)
		fprintf(stderr, "%s: %s: and %zu more problems\n", cli->prog, file, d->dropped);
}

/* The outcome of tctl_peers_load, told to the user. */
static int report_load(const struct cli *cli, const char *file, int ret,
		       const struct tctl_diags *d, const struct tctl_err *err)
{
	if (!ret)
		return EXIT_OK;
	if (!d->n)
		return cli_fail(cli, err);
	print_diags(cli, file, d);
	fprintf(stderr, "%s: %s\n", cli->prog, err->msg);
	return EXIT_USAGE;
}

int cli_peers_load(const struct cli *cli, const char *file, struct tctl_peerlist *pl,
		   struct tctl_diags *d)
{
	struct tctl_err err = { 0 };

	return report_load(cli, file, tctl_peers_load(file, pl, d, &err), d, &err);
}

/*
 * The list's side, on a thread of its own (see prepare): read it, find
 * self, and build what the node should have, all without the kernel.
 */
struct loader {
	const struct tctl_apply_opts *o;
	struct tctl_peerlist *pl;
	const struct tctl_addr_list *addrs;
	struct tctl_diags diags;
	struct tctl_err err;
	int ret;		/* of tctl_peers_load */
	int self_ret;
	struct tctl_err self_err;
	const struct tctl_peer *self;
	struct tctl_desired desired;
};

static void *load_list(void *arg)
{
	struct loader *l = arg;
	struct tctl_err ignore;

	l->ret = tctl_peers_load(l->o->file, l->pl, &l->diags, &l->err);
	if (l->ret)
		return NULL;
	l->self_ret = tctl_find_self(l->pl, l->o->self, l->addrs->v, l->addrs->n, &l->self,
				     &l->self_err);
	if (!l->self_ret)
		tctl_desired_build(l->pl, l->self, NULL, tctl_own_proto(), NULL,
				   l->o->inline_routes, &l->desired, &ignore);
	return NULL;
}

/* Inline encap routes cost the kernel O(N) per insert: say so when it matters. */
#define INLINE_WARN_ROUTES 2000

static void warn_inline(const struct cli *cli, const struct tctl_plan *plan)
{
	if (plan->no_nexthops)
		fprintf(stderr, "%s: warning: this kernel has no nexthop objects (Linux 5.3 "
			"or later): routes carry their encap themselves\n", cli->prog);
	if (plan->inline_routes && plan->desired.nroutes >= INLINE_WARN_ROUTES)
		fprintf(stderr, "%s: warning: %zu routes with inline encap: the kernel "
			"compares each new one with every other on the device, so this "
			"grows with the square of their number (10,000 take seconds, "
			"100,000 take many minutes); nexthop objects avoid it\n", cli->prog,
			plan->desired.nroutes);
}

/*
 * Load, find self, plan: what apply and diff share.  The list is read (and
 * turned into the node's desired state) on a second thread while this one
 * reads the kernel: on large meshes both take a comparable time, and the
 * machines have a core for each.
 */
static int prepare(struct cli *cli, const struct tctl_apply_opts *o, struct tctl_peerlist *pl,
		   struct tctl_plan *plan)
{
	struct tctl_plan_opts po = { .prune = o->prune, .inline_routes = o->inline_routes };
	struct tctl_addr_list addrs = { 0 };
	struct loader l = { .o = o, .pl = pl, .addrs = &addrs };
	struct tctl_state st = { 0 };
	struct tctl_err err = { 0 };
	struct tctl_nl *nl;
	pthread_t thread;
	bool threaded;
	int kret, ret;

	memset(pl, 0, sizeof(*pl));
	memset(plan, 0, sizeof(*plan));
	nl = cli_nl(cli, &err);
	/* The addresses first (a quick dump): the thread finds self by them. */
	if (!nl || (!o->self && tctl_addr_dump(nl, &addrs, &err)))
		return cli_fail(cli, &err);
	tctl_rtnames_load();	/* the reader looks table names up: load them once, here */
	threaded = pthread_create(&thread, NULL, load_list, &l) == 0;
	if (!threaded)
		load_list(&l);
	kret = tctl_state_read(nl, &st, &err);
	if (!kret)
		kret = tctl_state_read_ft_peers(nl, &st, &err);
	if (threaded)
		pthread_join(thread, NULL);
	tctl_addr_list_free(&addrs);
	ret = report_load(cli, o->file, l.ret, &l.diags, &l.err);
	tctl_diags_free(&l.diags);
	if (!ret && kret)
		ret = cli_fail(cli, &err);
	if (!ret && l.self_ret)
		ret = cli_fail(cli, &l.self_err);
	if (!ret && tctl_plan_compute(&st, pl, l.self, &po, &l.desired, plan, &err))
		ret = cli_fail(cli, &err);
	tctl_state_free(&st);		/* empty when the plan took it */
	tctl_desired_free(&l.desired);
	if (!ret)
		warn_inline(cli, plan);
	return ret;
}

struct meter {
	struct timespec start, last;
	bool shown;
};

static double since(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (b->tv_nsec - a->tv_nsec) / 1e9;
}

/* On a terminal only: "applying: 52000/200000 (81000/s)", ten times a second. */
static void show_progress(size_t done, size_t total, void *arg)
{
	struct meter *m = arg;
	struct timespec now;
	double t;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (done < total && since(&m->last, &now) < 0.1)
		return;
	m->last = now;
	t = since(&m->start, &now);
	fprintf(stderr, "\rapplying: %zu/%zu (%.0f/s)  ", done, total, t > 0 ? done / t : 0.0);
	m->shown = true;
	if (done == total)
		fputc('\n', stderr);
}

/* Apply's report has the conflicts and the counts in diff's words too. */
static void conflicts_text(FILE *f, const struct tctl_plan *plan)
{
	json_object *c = tctl_conflicts_to_json(plan);

	print_conflicts_text(f, c);
	json_object_put(c);
}

static void summary_text(FILE *f, const struct tctl_plan *plan, bool done)
{
	json_object *s = tctl_plan_summary_json(plan);

	print_plan_summary(f, s, done);
	json_object_put(s);
}

/*
 * The plan in diff's words, which print_plan.c makes from the plan's JSON.
 * Made whole, the JSON of 100,000 routes takes 450 MB and most of a second
 * to build and free; so it is made for a view of PLAN_WINDOW ops at a
 * time, which stays in the cache.  tctl_plan_to_json writes each op from
 * the op alone: the lines are the same.  The counts are the whole plan's.
 */
#define PLAN_WINDOW 256

static size_t window(size_t n, size_t at)
{
	return n - at < PLAN_WINDOW ? n - at : PLAN_WINDOW;
}

static void ops_text(const struct tctl_plan *view)
{
	json_object *o = tctl_plan_to_json(view);

	print_plan_ops(stdout, o);
	json_object_put(o);
}

static void plan_text(const struct tctl_plan *plan)
{
	struct tctl_plan view = { .desired.self = plan->desired.self };

	for (size_t at = 0; at < plan->ndevs; at += PLAN_WINDOW) {
		view.devs = plan->devs + at;
		view.ndevs = window(plan->ndevs, at);
		ops_text(&view);
	}
	view.ndevs = 0;
	for (size_t at = 0; at < plan->npeers; at += PLAN_WINDOW) {
		view.peers = plan->peers + at;
		view.npeers = window(plan->npeers, at);
		ops_text(&view);
	}
	view.npeers = 0;
	for (size_t at = 0; at < plan->nnhs; at += PLAN_WINDOW) {
		view.nhs = plan->nhs + at;
		view.nnhs = window(plan->nnhs, at);
		ops_text(&view);
	}
	view.nnhs = 0;
	for (size_t at = 0; at < plan->nroutes; at += PLAN_WINDOW) {
		view.routes = plan->routes + at;
		view.nroutes = window(plan->nroutes, at);
		ops_text(&view);
	}
	view.nroutes = 0;
	for (size_t at = 0; at < plan->nconflicts; at += PLAN_WINDOW) {
		view.conflicts = plan->conflicts + at;
		view.nconflicts = window(plan->nconflicts, at);
		conflicts_text(stdout, &view);
	}
	summary_text(stdout, plan, false);
}

/* The plan as diff prints it: its JSON (-j), or in words. */
static void print_plan(const struct cli *cli, const struct tctl_plan *plan)
{
	if (cli->json)
		cli_print_json(cli, tctl_plan_to_json(plan));
	else
		plan_text(plan);
}

static void report_text(const struct cli *cli, const struct tctl_plan *plan,
			const struct tctl_apply_report *rep, double secs)
{
	for (size_t i = 0; i < rep->failures.n; i++)
		fprintf(stderr, "%s: %s: %s\n", cli->prog, rep->failures.v[i].path,
			rep->failures.v[i].msg);
	if (rep->failures.dropped)
		fprintf(stderr, "%s: and %zu more failures\n", cli->prog, rep->failures.dropped);
	conflicts_text(stderr, plan);
	if (!rep->failed) {
		printf("applied in %.2f s: ", secs);
		summary_text(stdout, plan, true);
		return;
	}
	printf("applied %zu of %zu changes in %.2f s, %zu failed; the plan was: ", rep->done,
	       tctl_plan_changes(plan), secs, rep->failed);
	summary_text(stdout, plan, false);
}

static void report_json(const struct cli *cli, const struct tctl_plan *plan,
			const struct tctl_apply_report *rep, double secs)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "self", plan->desired.self ?
			       json_object_new_string(plan->desired.self->name) : NULL);
	json_object_object_add(o, "planned", tctl_plan_summary_json(plan));
	json_object_object_add(o, "done", json_object_new_int64((int64_t)rep->done));
	json_object_object_add(o, "failed", tctl_diags_to_json(&rep->failures, "object"));
	json_object_object_add(o, "conflicts", tctl_conflicts_to_json(plan));
	json_object_object_add(o, "seconds", json_object_new_double(secs));
	cli_print_json(cli, o);
}

static bool blocked(const struct tctl_plan *plan)
{
	for (size_t i = 0; i < plan->nconflicts; i++)
		if (plan->conflicts[i].blocking)
			return true;
	return false;
}

static int execute(struct cli *cli, const struct tctl_apply_opts *o, struct tctl_plan *plan)
{
	struct meter m = { 0 };
	struct tctl_apply_report rep;
	struct tctl_err err = { 0 };
	bool tty = !cli->json && isatty(STDERR_FILENO);
	int ret;

	if (!tctl_plan_changes(plan)) {
		if (cli->json) {
			memset(&rep, 0, sizeof(rep));
			report_json(cli, plan, &rep, 0);
		} else {
			conflicts_text(stderr, plan);
			printf("no changes: the kernel already matches %s\n", o->file);
		}
		return blocked(plan) ? EXIT_FAIL : EXIT_OK;
	}
	clock_gettime(CLOCK_MONOTONIC, &m.start);
	m.last = m.start;
	ret = tctl_plan_apply(cli->nl, plan, tty ? show_progress : NULL, &m, &rep, &err);
	if (ret) {
		tctl_apply_report_free(&rep);
		return cli_fail(cli, &err);
	}
	clock_gettime(CLOCK_MONOTONIC, &m.last);
	if (cli->json)
		report_json(cli, plan, &rep, since(&m.start, &m.last));
	else
		report_text(cli, plan, &rep, since(&m.start, &m.last));
	ret = rep.failed || blocked(plan) ? EXIT_FAIL : EXIT_OK;
	tctl_apply_report_free(&rep);
	return ret;
}

/* What apply and diff do with the plan once it is made. */
typedef int (*plan_fn)(struct cli *cli, const struct tctl_apply_opts *o,
		       struct tctl_plan *plan);

static int with_plan(struct cli *cli, const struct tctl_args *a, plan_fn fn, int trouble)
{
	struct tctl_apply_opts o;
	struct tctl_peerlist pl;
	struct tctl_plan plan;
	int ret;

	tctl_apply_opts_from_args(a, &o, NULL);
	ret = prepare(cli, &o, &pl, &plan);
	if (!ret)
		ret = fn(cli, &o, &plan);
	else if (trouble)
		ret = trouble;
	tctl_plan_free(&plan);
	tctl_peers_free(&pl);
	return ret;
}

static int apply_plan(struct cli *cli, const struct tctl_apply_opts *o, struct tctl_plan *plan)
{
	if (!o->dry_run)
		return execute(cli, o, plan);
	print_plan(cli, plan);
	return EXIT_OK;
}

/* Like diff(1): 0 when the kernel matches, 1 when it does not, 2 on trouble. */
static int diff_plan(struct cli *cli, const struct tctl_apply_opts *o, struct tctl_plan *plan)
{
	(void)o;
	print_plan(cli, plan);
	return tctl_plan_changes(plan) || blocked(plan) ? 1 : 0;
}

static int cmd_apply(struct cli *cli, const struct tctl_args *a)
{
	return with_plan(cli, a, apply_plan, 0);
}

static int cmd_diff(struct cli *cli, const struct tctl_args *a)
{
	return with_plan(cli, a, diff_plan, EXIT_USAGE);
}

static int cmd_validate(struct cli *cli, const struct tctl_args *a)
{
	const char *file = tctl_args_get(a, "FILE");
	struct tctl_diags d = { 0 };
	struct tctl_peerlist pl;
	int ret = cli_peers_load(cli, file, &pl, &d);

	if (cli->json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "valid", json_object_new_boolean(!ret));
		json_object_object_add(o, "errors", tctl_diags_to_json(&d, "path"));
		if (!ret) {
			json_object_object_add(o, "peers", json_object_new_int64((int64_t)pl.npeers));
			json_object_object_add(o, "devices", json_object_new_int64((int64_t)pl.ndevs));
			json_object_object_add(o, "digest", json_object_new_string(pl.digest));
		}
		cli_print_json(cli, o);
	} else if (!ret) {
		printf("%s: valid: %zu peer%s, %zu device%s\n", file, pl.npeers,
		       pl.npeers == 1 ? "" : "s", pl.ndevs, pl.ndevs == 1 ? "" : "s");
	}
	tctl_diags_free(&d);
	tctl_peers_free(&pl);
	return ret;
}

static const struct cli_verb apply_cmd = { &tctl_syntax_apply, cmd_apply };
static const struct cli_verb diff_cmd = { &tctl_syntax_diff, cmd_diff };
static const struct cli_verb validate_cmd = { &tctl_syntax_validate, cmd_validate };
static const struct cli_verb no_verbs[] = { { NULL, NULL } };

const struct cli_object cli_object_apply = {
	"apply", no_verbs, NULL, "make this node's kernel equal to a peer list", &apply_cmd,
};

const struct cli_object cli_object_diff = {
	"diff", no_verbs, NULL, "what apply would change", &diff_cmd,
};

const struct cli_object cli_object_validate = {
	"validate", no_verbs, NULL, "check a peer list", &validate_cmd,
};

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reconcile: read what the kernel has, compute the plan against the
 * running list exactly as `tunnelctl apply` does, and execute it.  Every
 * reconcile is a full one: the read is cheap next to being wrong, and it
 * makes lost events, restarts and drift one case.  Objects another writer
 * keeps changing are held back by their backoff (flap.c); failures retry
 * with a backoff of their own, never in a loop.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/plan_json.h"
#include "../lib/rtnames.h"
#include "describe.h"
#include "daemon.h"
#include "firewall.h"

/* Decisions logged one per line; past this many, a count. */
#define LOG_OPS_MAX 40
#define RETRY_MIN 0.1
#define RETRY_MAX 30.0

const char *tctld_reason_name(enum tctld_reason r)
{
	static const char *const names[] = {
		[TCTLD_R_START] = "start", [TCTLD_R_EVENT] = "event",
		[TCTLD_R_RESYNC] = "resync", [TCTLD_R_RELOAD] = "reload",
		[TCTLD_R_OVERRUN] = "overrun", [TCTLD_R_RETRY] = "retry",
		[TCTLD_R_SIGNAL] = "signal",
	};

	return names[r];
}

void tctld_schedule(struct tctld *d, enum tctld_reason why, double delay)
{
	double at = tctld_now() + delay;

	if (!d->dirty_at || at < d->dirty_at) {
		d->dirty_at = at;
		d->dirty_reason = why;
	}
}

/* Drift repairs: what changed without the list changing. */
static bool is_repair(enum tctld_reason why)
{
	return why != TCTLD_R_START && why != TCTLD_R_RELOAD;
}

/* May the object go now?  If not, it is held back, and noted for when it may. */
static bool may_go(struct tctld *d, const char *name, double now)
{
	double until;

	if (tctl_flap_allowed(&d->flaps, name, now, &until))
		return true;
	tctld_debug("%s: held back %.1f s more (contended)", name, until - now);
	if (!d->held_at || until < d->held_at)
		d->held_at = until;
	return false;
}

/* Take out of the plan the objects whose backoff has not run out. */
static size_t hold_back(struct tctld *d, struct tctl_plan *plan, double now)
{
	char name[TCTL_FLAP_NAME_MAX];
	size_t held = 0, j = 0;

	for (size_t i = 0; i < plan->nnhs; i++) {
		if (may_go(d, tctld_nh_op_name(&plan->nhs[i], name, sizeof(name)), now)) {
			plan->nhs[j++] = plan->nhs[i];
		} else {
			plan->counts[TCTL_OBJ_NH][plan->nhs[i].act]--;
			held++;
		}
	}
	plan->nnhs = j;
	j = 0;
	for (size_t i = 0; i < plan->nroutes; i++) {
		if (may_go(d, tctld_route_op_name(&plan->routes[i], name, sizeof(name)), now)) {
			plan->routes[j++] = plan->routes[i];
		} else {
			plan->counts[TCTL_OBJ_ROUTE][plan->routes[i].act]--;
			held++;
		}
	}
	plan->nroutes = j;
	return held;
}

static void log_op(enum tctl_act act, const char *name, uint32_t diff, const char *peer)
{
	char why[160];

	tctld_log("%s %s (peer %s): %s", tctl_act_name(act), name, peer,
		  tctld_op_reason(act, diff, why, sizeof(why)));
}

/* One line per decision, up to LOG_OPS_MAX, then how many more. */
static void log_plan(const struct tctl_plan *plan)
{
	char name[TCTL_FLAP_NAME_MAX];
	size_t logged = 0, total = tctl_plan_changes(plan);

	for (size_t i = 0; i < plan->ndevs && logged < LOG_OPS_MAX; i++, logged++) {
		const struct tctl_plan_dev *op = &plan->devs[i];

		snprintf(name, sizeof(name), "device %s", op->want->name);
		log_op(op->act, name, op->diff, "-");
	}
	for (size_t i = 0; i < plan->npeers && logged < LOG_OPS_MAX; i++, logged++) {
		const struct tctl_plan_peer *op = &plan->peers[i];
		char a[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &op->remote, a, sizeof(a));
		snprintf(name, sizeof(name), "table entry %s of %s", a, op->dev->name);
		log_op(op->act, name, op->diff, op->want ? op->want->name : "-");
	}
	for (size_t i = 0; i < plan->nnhs && logged < LOG_OPS_MAX; i++, logged++) {
		const struct tctl_plan_nh *op = &plan->nhs[i];

		log_op(op->act, tctld_nh_op_name(op, name, sizeof(name)), op->diff,
		       op->want && op->want->peer ? op->want->peer->name : "-");
	}
	for (size_t i = 0; i < plan->nroutes && logged < LOG_OPS_MAX; i++, logged++) {
		const struct tctl_plan_route *op = &plan->routes[i];

		log_op(op->act, tctld_route_op_name(op, name, sizeof(name)), op->diff,
		       op->want && op->want->peer ? op->want->peer->name : "-");
	}
	if (total > logged)
		tctld_log("... and %zu more changes", total - logged);
}

static bool was_touched(const struct tctld *d, const char *name)
{
	for (size_t i = 0; i < d->ntouched && i < TCTLD_TOUCHED_MAX; i++)
		if (!strcmp(d->touched[i], name))
			return true;
	return false;
}

/*
 * Remember the repairs of objects another writer changed (their events
 * named them), so an object changed again and again backs off.
 */
static void record_repairs(struct tctld *d, const struct tctl_plan *plan, double now)
{
	char name[TCTL_FLAP_NAME_MAX];
	const struct tctl_flap *e;

	tctl_flap_expire(&d->flaps, now);
	if (d->ntouched > TCTLD_TOUCHED_MAX)
		return;
	for (size_t i = 0; i < plan->nnhs + plan->nroutes; i++) {
		if (i < plan->nnhs)
			tctld_nh_op_name(&plan->nhs[i], name, sizeof(name));
		else
			tctld_route_op_name(&plan->routes[i - plan->nnhs], name, sizeof(name));
		if (!was_touched(d, name))
			continue;
		e = tctl_flap_record(&d->flaps, name, now);
		if (e && e->count == TCTL_FLAP_THRESHOLD)
			tctld_log("%s: changed by another writer %u times in a row: contended, "
				  "repaired with backoff from now on", name, e->count);
		else if (e && tctl_flap_contended(e))
			tctld_log("%s: contended (%u repairs), next repair no sooner than %.1f s",
				  name, e->count, e->next - now);
	}
}

/* What the kernel holds of ours, and the conflicts, for status. */
static void note_state(struct tctld *d, const struct tctl_plan *plan)
{
	uint8_t own = tctl_own_proto();
	struct tctld_last *l = &d->last;
	char name[TCTL_FLAP_NAME_MAX], theirs[32];

	l->actual_nhs = l->actual_routes = 0;
	for (size_t i = 0; i < plan->state.nhs.n; i++)
		l->actual_nhs += plan->state.nhs.v[i].protocol == own;
	for (size_t i = 0; i < plan->state.routes.n; i++)
		l->actual_routes += plan->state.routes.v[i].protocol == own;
	tctl_diags_free(&l->conflicts);
	l->conflicts.max = 100;
	for (size_t i = 0; i < plan->nconflicts; i++) {
		const struct tctl_plan_conflict *c = &plan->conflicts[i];

		tctld_route_name(&c->want->r, name, sizeof(name));
		tctl_diag_add(&l->conflicts, name, c->blocking,
			      "a route of protocol %s (table %u, metric %u) %s",
			      tctl_proto_name(c->theirs->protocol, theirs, sizeof(theirs)),
			      c->theirs->table, c->theirs->metric,
			      c->blocking ? "holds its place: ours is not added" :
			      "covers the same prefix");
	}
}

static void backoff(struct tctld *d, const char *why)
{
	d->retry_delay = d->retry_delay ? d->retry_delay * 2 : RETRY_MIN;
	if (d->retry_delay > RETRY_MAX)
		d->retry_delay = RETRY_MAX;
	d->retry_at = tctld_now() + d->retry_delay;
	snprintf(d->retry_why, sizeof(d->retry_why), "%s", why);
	tctld_log("retrying in %.1f s: %s", d->retry_delay, why);
}

static void finish(struct tctld *d, enum tctld_reason why, double t0, double wall0)
{
	d->ntouched = 0;	/* the next events are for the next reconcile */
	d->last.valid = true;
	d->last.at = wall0;
	d->last.seconds = tctld_now() - t0;
	d->last.reason = why;
	d->n.reconciles++;
	d->resync_at = tctld_now() + d->cfg.resync;
	if (d->last.failed) {
		d->n.errors++;
	} else {
		d->retry_delay = 0;
		d->retry_at = 0;
		d->retry_why[0] = '\0';
	}
	tctld_metrics_write(d);
}

static void reset_last(struct tctld *d)
{
	tctl_diags_free(&d->last.errors);
	d->last.errors.max = 100;
	d->last.added = d->last.replaced = d->last.deleted = d->last.failed = 0;
}

int tctld_reconcile(struct tctld *d, enum tctld_reason why)
{
	struct tctl_plan_opts po = { .prune = TCTL_PRUNE_LISTED };
	double t0 = tctld_now(), wall0 = tctld_wall();
	struct tctl_apply_report rep = { 0 };
	struct tctl_plan plan;
	struct tctl_err err = { 0 };
	size_t changes, held;

	d->dirty_at = 0;
	if (why == TCTLD_R_RETRY || d->held_at <= t0)
		d->held_at = 0;
	if (!d->have_list || !d->self)
		return 0;	/* nothing to keep yet: status says why */
	if (why == TCTLD_R_RESYNC || why == TCTLD_R_OVERRUN)
		d->n.resyncs++;
	reset_last(d);
	if (tctl_plan_build(d->nl, &d->pl, d->self, &po, &plan, &err)) {
		tctl_diag_add(&d->last.errors, "plan", 0, "%s", err.msg);
		d->last.failed = 1;
		finish(d, why, t0, wall0);
		backoff(d, err.msg);
		return -1;
	}
	note_state(d, &plan);
	held = is_repair(why) ? hold_back(d, &plan, t0) : 0;
	changes = tctl_plan_changes(&plan);
	if (changes) {
		tctld_log("reconcile (%s): %zu change%s", tctld_reason_name(why), changes,
			  changes == 1 ? "" : "s");
		log_plan(&plan);
		if (tctl_plan_apply(d->nl, &plan, NULL, NULL, &rep, &err)) {
			tctl_diag_add(&d->last.errors, "apply", 0, "%s", err.msg);
			rep.failed++;
		}
		for (size_t i = 0; i < rep.failures.n; i++) {
			tctld_log("failed: %s: %s", rep.failures.v[i].path, rep.failures.v[i].msg);
			tctl_diag_add(&d->last.errors, rep.failures.v[i].path, 0, "%s",
				      rep.failures.v[i].msg);
		}
		d->last.added = d->last.replaced = d->last.deleted = 0;
		for (int k = 0; k < TCTL_OBJ_COUNT; k++) {
			d->last.added += plan.counts[k][TCTL_ACT_ADD];
			d->last.replaced += plan.counts[k][TCTL_ACT_REPLACE];
			d->last.deleted += plan.counts[k][TCTL_ACT_DELETE];
		}
		d->last.failed = rep.failed;
		if (!rep.failed) {
			/* What the kernel holds now, without reading it again. */
			d->last.actual_nhs += plan.counts[TCTL_OBJ_NH][TCTL_ACT_ADD];
			d->last.actual_nhs -= plan.counts[TCTL_OBJ_NH][TCTL_ACT_DELETE];
			d->last.actual_routes += plan.counts[TCTL_OBJ_ROUTE][TCTL_ACT_ADD];
			d->last.actual_routes -= plan.counts[TCTL_OBJ_ROUTE][TCTL_ACT_DELETE];
		}
		if (is_repair(why)) {
			d->n.repairs += rep.done;
			if (!rep.failed)
				record_repairs(d, &plan, t0);
		}
		tctld_log("reconcile (%s) done in %.0f ms: %zu done, %zu failed",
			  tctld_reason_name(why), (tctld_now() - t0) * 1e3, rep.done, rep.failed);
	} else {
		tctld_debug("reconcile (%s): in sync (%zu routes, %zu nexthops) in %.1f ms%s",
			    tctld_reason_name(why), d->last.actual_routes, d->last.actual_nhs,
			    (tctld_now() - t0) * 1e3, held ? ", contended objects held back" : "");
	}
	tctl_apply_report_free(&rep);
	tctl_plan_free(&plan);
	finish(d, why, t0, wall0);
	if (d->last.failed) {
		char why_s[300];

		snprintf(why_s, sizeof(why_s), "%zu change%s failed%s%s", d->last.failed,
			 d->last.failed == 1 ? "" : "s", d->last.errors.n ? ", first: " : "",
			 d->last.errors.n ? d->last.errors.v[0].path : "");
		backoff(d, why_s);
		return -1;
	}
	return 0;
}

/* --flush-on-exit: plan against a list with the same devices and no peers. */
int tctld_flush(struct tctld *d)
{
	struct tctl_plan_opts po = { .prune = TCTL_PRUNE_LISTED };
	struct tctl_apply_report rep = { 0 };
	struct tctl_peerlist empty;
	struct tctl_plan plan;
	struct tctl_err err = { 0 };
	int ret = 0;

	if (!d->have_list)
		return 0;
	empty = d->pl;		/* a shallow copy, not freed: only the peers go */
	empty.npeers = 0;
	if (tctl_plan_build(d->nl, &empty, NULL, &po, &plan, &err)) {
		tctld_log("flush: %s", err.msg);
		return -1;
	}
	/* Devices stay: flushing takes away what they carry, not them. */
	plan.ndevs = 0;
	tctld_log("flush on exit: deleting %zu nexthops, %zu routes and %zu peer table "
		  "entries", plan.nnhs, plan.nroutes, plan.npeers);
	if (tctl_plan_apply(d->nl, &plan, NULL, NULL, &rep, &err)) {
		tctld_log("flush: %s", err.msg);
		ret = -1;
	}
	for (size_t i = 0; i < rep.failures.n; i++)
		tctld_log("flush failed: %s: %s", rep.failures.v[i].path, rep.failures.v[i].msg);
	if (rep.failed)
		ret = -1;
	tctl_apply_report_free(&rep);
	tctl_plan_free(&plan);
	return ret;
}

/* The firewall's sets follow the running list's underlays. */
void tctld_firewall_sync(struct tctld *d)
{
	struct tctl_addr *addrs;
	struct tctl_err err = { 0 };
	size_t added = 0, removed = 0;

	if (!d->fw || !d->have_list)
		return;
	addrs = calloc(d->pl.npeers ? d->pl.npeers : 1, sizeof(*addrs));
	if (!addrs) {
		tctld_log("firewall: out of memory");
		return;
	}
	for (size_t i = 0; i < d->pl.npeers; i++)
		addrs[i] = d->pl.peers[i].underlay;
	if (tctl_fw_sync(d->fw, addrs, d->pl.npeers, &added, &removed, &err)) {
		tctld_log("firewall: %s", err.msg);
		d->n.errors++;
	} else if (added || removed) {
		tctld_log("firewall: %zu underlay addresses added, %zu removed (%zu in all)",
			  added, removed, tctl_fw_size(d->fw));
	}
	free(addrs);
}

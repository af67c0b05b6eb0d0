// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The controller's status as JSON, the answer to `tunnelctl ctrl status`
 * (its keys are documented in tunnelctl(8)).  Every key is always there,
 * null when unknown, so a consumer never guesses.
 */
#include <json-c/json.h>
#include <unistd.h>

#include "../lib/plan_json.h"
#include "daemon.h"
#include "firewall.h"

static json_object *u64(uint64_t v)
{
	return json_object_new_int64((int64_t)v);
}

static json_object *str_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

/* Wall-clock time of a monotonic deadline. */
static json_object *when(double mono)
{
	if (!mono)
		return NULL;
	return json_object_new_double(tctld_wall() + (mono - tctld_now()));
}

static json_object *peers_json(const struct tctld *d)
{
	json_object *o;

	if (!d->have_list)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "file", json_object_new_string(d->cfg.peers));
	json_object_object_add(o, "version", json_object_new_int(d->pl.version));
	json_object_object_add(o, "hash", json_object_new_string(d->pl.digest));
	json_object_object_add(o, "peers", u64(d->pl.npeers));
	json_object_object_add(o, "loaded", json_object_new_double(d->list_loaded));
	return o;
}

/* A rejected list, or a list this node is not found in. */
static json_object *peers_error_json(const struct tctld *d)
{
	json_object *o;

	if (!d->list_error.set && (d->self || !d->self_error[0]))
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "file", json_object_new_string(d->cfg.peers));
	if (d->list_error.set) {
		json_object_object_add(o, "at", json_object_new_double(d->list_error.at));
		json_object_object_add(o, "message",
				       json_object_new_string(d->list_error.message));
	} else {
		json_object_object_add(o, "at", NULL);
		json_object_object_add(o, "message", json_object_new_string(d->self_error));
	}
	json_object_object_add(o, "problems", tctl_diags_to_json(&d->list_error.problems, "path"));
	return o;
}

static json_object *desired_json(const struct tctld *d)
{
	json_object *o = json_object_new_object();
	size_t managed = 0;

	for (size_t i = 0; d->have_list && i < d->pl.ndevs; i++)
		managed += !d->pl.devs[i].unmanaged;
	json_object_object_add(o, "devices", u64(managed));
	json_object_object_add(o, "nexthops", u64(d->want.nnhs));
	json_object_object_add(o, "routes", u64(d->want.nroutes));
	return o;
}

static json_object *actual_json(const struct tctld *d)
{
	json_object *o;

	if (!d->last.valid)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "nexthops", u64(d->last.actual_nhs));
	json_object_object_add(o, "routes", u64(d->last.actual_routes));
	return o;
}

static json_object *last_json(const struct tctld *d)
{
	const struct tctld_last *l = &d->last;
	json_object *o;

	if (!l->valid)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "at", json_object_new_double(l->at));
	json_object_object_add(o, "seconds", json_object_new_double(l->seconds));
	json_object_object_add(o, "reason", json_object_new_string(tctld_reason_name(l->reason)));
	json_object_object_add(o, "added", u64(l->added));
	json_object_object_add(o, "replaced", u64(l->replaced));
	json_object_object_add(o, "deleted", u64(l->deleted));
	json_object_object_add(o, "failed", u64(l->failed));
	json_object_object_add(o, "errors", tctl_diags_to_json(&l->errors, "object"));
	return o;
}

static json_object *backoff_json(const struct tctld *d)
{
	json_object *o;

	if (!d->retry_at)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "seconds", json_object_new_double(d->retry_delay));
	json_object_object_add(o, "until", when(d->retry_at));
	json_object_object_add(o, "reason", json_object_new_string(d->retry_why));
	return o;
}

static json_object *counters_json(const struct tctld *d)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "reconciles", u64(d->n.reconciles));
	json_object_object_add(o, "repairs", u64(d->n.repairs));
	json_object_object_add(o, "resyncs", u64(d->n.resyncs));
	json_object_object_add(o, "overruns", u64(d->n.overruns));
	json_object_object_add(o, "errors", u64(d->n.errors));
	json_object_object_add(o, "reloads", u64(d->n.reloads));
	json_object_object_add(o, "rejected_reloads", u64(d->n.rejected_reloads));
	json_object_object_add(o, "events", u64(d->n.events));
	json_object_object_add(o, "dump_retries", u64(tctl_nl_dump_retries(d->nl)));
	return o;
}

static void add_conflict(json_object *a, const char *object, const char *kind,
			 const char *message, uint64_t count)
{
	json_object *c = json_object_new_object();

	json_object_object_add(c, "object", json_object_new_string(object));
	json_object_object_add(c, "kind", json_object_new_string(kind));
	json_object_object_add(c, "message", json_object_new_string(message));
	json_object_object_add(c, "count", u64(count));
	json_object_array_add(a, c);
}

/* Routes of other protocols in our way, and objects another writer keeps changing. */
static json_object *conflicts_json(const struct tctld *d)
{
	json_object *a = json_object_new_array();
	double now = tctld_now();
	char msg[200];

	for (size_t i = 0; i < d->last.conflicts.n; i++)
		add_conflict(a, d->last.conflicts.v[i].path, "foreign",
			     d->last.conflicts.v[i].msg, 1);
	for (size_t i = 0; i < d->flaps.n; i++) {
		const struct tctl_flap *f = &d->flaps.v[i];

		if (!tctl_flap_contended(f))
			continue;
		snprintf(msg, sizeof(msg), "changed by another writer; repaired %u times, "
			 "last %.0f s ago%s", f->count, now - f->last,
			 f->next > now ? ", held back" : "");
		add_conflict(a, f->name, "contended", msg, f->count);
	}
	return a;
}

static json_object *firewall_json(struct tctld *d)
{
	struct tctl_err err = { 0 };
	uint64_t pkts = 0, bytes = 0;
	json_object *o;

	if (!d->fw)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "table", json_object_new_string("inet " TCTL_FW_TABLE));
	json_object_object_add(o, "addresses", u64(tctl_fw_size(d->fw)));
	if (tctl_fw_dropped(d->fw, &pkts, &bytes, &err)) {
		json_object_object_add(o, "dropped_packets", NULL);
		json_object_object_add(o, "dropped_bytes", NULL);
	} else {
		json_object_object_add(o, "dropped_packets", u64(pkts));
		json_object_object_add(o, "dropped_bytes", u64(bytes));
	}
	return o;
}

json_object *tctld_status_json(struct tctld *d)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "version", json_object_new_string(TUNNELCTL_VERSION));
	json_object_object_add(o, "pid", json_object_new_int(getpid()));
	json_object_object_add(o, "netns", str_or_null(d->cfg.netns));
	json_object_object_add(o, "started", json_object_new_double(d->started));
	json_object_object_add(o, "self", str_or_null(d->self ? d->self->name : NULL));
	json_object_object_add(o, "peers", peers_json(d));
	json_object_object_add(o, "peers_error", peers_error_json(d));
	json_object_object_add(o, "desired", desired_json(d));
	json_object_object_add(o, "actual", actual_json(d));
	json_object_object_add(o, "last_reconcile", last_json(d));
	json_object_object_add(o, "next_resync", when(d->resync_at));
	json_object_object_add(o, "backoff", backoff_json(d));
	json_object_object_add(o, "counters", counters_json(d));
	json_object_object_add(o, "conflicts", conflicts_json(d));
	json_object_object_add(o, "firewall", firewall_json(d));
	return o;
}

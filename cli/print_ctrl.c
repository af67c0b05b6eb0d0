// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tunnelctld's answers in words: `ctrl status` without -j, and a rejected
 * peer list's problems.  The answers are the controller's JSON (its
 * status.c); a key it does not send reads as nothing, not as a fault.
 */
#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "print.h"

static bool get_double(json_object *o, const char *key, double *out)
{
	json_object *v = jget(o, key);

	if (!jis_num(v))
		return false;
	*out = json_object_get_double(v);
	return true;
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

void print_peer_problems(FILE *f, const char *prefix, const char *file, json_object *probs)
{
	for (size_t i = 0; i < jarr_len(probs); i++) {
		json_object *p = json_object_array_get_idx(probs, i);
		const char *path = jget_str(p, "path"), *msg = jget_str(p, "message");
		int64_t line = jget_int(p, "line");
		char where[32] = "";

		if (!path)
			path = "";
		if (line > 0)
			snprintf(where, sizeof(where), ":%" PRId64, line);
		fprintf(f, "%s%s%s: %s%s%s\n", prefix, file, where, path, path[0] ? ": " : "",
			msg ? msg : "?");
	}
}

static void status_peers(json_object *st, double now)
{
	json_object *p = jget(st, "peers"), *pe = jget(st, "peers_error");
	const char *self = jget_str(st, "self");
	char age[32];
	double at;

	if (p) {
		int64_t n = jget_int(p, "peers");

		printf("  peer list: %s (version %s, hash %s, %" PRId64 " peer%s",
		       jtxt(p, "file"), jtxt(p, "version"), jtxt(p, "hash"), n, plural(n));
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
	printf("  peer list error: %s", jtxt(pe, "file"));
	if (get_double(pe, "at", &at))
		printf(", %s ago", fmt_age(now - at, age, sizeof(age)));
	printf(": %s%s\n", jtxt(pe, "message"),
	       p && jget(pe, "at") ? "; the list above stays in use" : "");
	print_peer_problems(stdout, "    ", jtxt(pe, "file"), jget(pe, "problems"));
}

static void status_reconcile(json_object *st, double now)
{
	json_object *r = jget(st, "last_reconcile"), *b = jget(st, "backoff");
	json_object *errs = jget(r, "errors");
	char age[32], span[32];
	double at, secs;

	if (!r) {
		printf("  last reconcile: none yet\n");
	} else {
		printf("  last reconcile: ");
		if (get_double(r, "at", &at))
			printf("%s ago ", fmt_age(now - at, age, sizeof(age)));
		printf("(%s)", jtxt(r, "reason"));
		if (get_double(r, "seconds", &secs))
			printf(", %s", fmt_span(secs, span, sizeof(span)));
		printf(": %" PRId64 " added, %" PRId64 " replaced, %" PRId64 " deleted, %" PRId64
		       " failed\n", jget_int(r, "added"), jget_int(r, "replaced"),
		       jget_int(r, "deleted"), jget_int(r, "failed"));
		for (size_t i = 0; i < jarr_len(errs); i++) {
			json_object *e = json_object_array_get_idx(errs, i);

			printf("    %s: %s\n", jtxt(e, "object"), jtxt(e, "message"));
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
		printf(": %s\n", jtxt(b, "reason"));
	}
}

static void status_counters(json_object *st)
{
	json_object *c = jget(st, "counters");
	int64_t n;

#define COUNT(key, word, sep)							\
	(n = jget_int(c, key), printf("%" PRId64 " " word "%s" sep, n, plural(n)))
	printf("  counters: ");
	COUNT("reconciles", "reconcile", ", ");
	COUNT("repairs", "repair", ", ");
	COUNT("resyncs", "resync", ", ");
	COUNT("overruns", "overrun", ", ");
	COUNT("errors", "error", ", ");
	COUNT("reloads", "reload", "");
	printf(" (%" PRId64 " rejected), ", jget_int(c, "rejected_reloads"));
	COUNT("events", "event", "");
	n = jget_int(c, "dump_retries");
	if (n)
		printf(", %" PRId64 " dump retr%s", n, n == 1 ? "y" : "ies");
#undef COUNT
	printf("\n");
}

void print_ctrl_status(json_object *st)
{
	json_object *d = jget(st, "desired"), *k = jget(st, "actual"), *fw = jget(st, "firewall");
	json_object *conflicts = jget(st, "conflicts");
	double now = now_real(), started;
	const char *netns = jget_str(st, "netns"), *version = jget_str(st, "version");
	char age[32];
	int64_t n, m, r;

	printf("controller: running, pid %s", jtxt(st, "pid"));
	if (netns)
		printf(", netns %s", netns);
	if (get_double(st, "started", &started))
		printf(", up %s", fmt_age(now - started, age, sizeof(age)));
	if (version)
		printf(", version %s", version);
	printf("\n");
	status_peers(st, now);
	n = jget_int(d, "devices");
	m = jget_int(d, "nexthops");
	r = jget_int(d, "routes");
	printf("  desired: %" PRId64 " device%s, %" PRId64 " nexthop%s, %" PRId64 " route%s\n",
	       n, plural(n), m, plural(m), r, plural(r));
	m = jget_int(k, "nexthops");
	r = jget_int(k, "routes");
	if (k)
		printf("  kernel: %" PRId64 " nexthop%s, %" PRId64 " route%s\n", m, plural(m), r,
		       plural(r));
	else
		printf("  kernel: not read yet\n");
	status_reconcile(st, now);
	status_counters(st);
	if (fw) {
		n = jget_int(fw, "addresses");
		m = jget_int(fw, "dropped_packets");
		printf("  firewall: %s, %" PRId64 " address%s", jtxt(fw, "table"), n,
		       n == 1 ? "" : "es");
		if (jget(fw, "dropped_packets"))
			printf(", %" PRId64 " packet%s dropped", m, plural(m));
		if (m)
			printf(" (%" PRId64 " bytes)", jget_int(fw, "dropped_bytes"));
		printf("\n");
	} else {
		printf("  firewall: off\n");
	}
	for (size_t i = 0; i < jarr_len(conflicts); i++) {
		json_object *c = json_object_array_get_idx(conflicts, i);

		n = jget_int(c, "count");
		printf("  conflict: %s (%s", jtxt(c, "object"), jtxt(c, "kind"));
		if (n > 1)
			printf(", %" PRId64 " times", n);
		printf("): %s\n", jtxt(c, "message"));
	}
}


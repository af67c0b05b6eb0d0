// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Metrics in Prometheus text format, for node_exporter's textfile
 * collector: written after each reconcile to a temporary file and renamed
 * over the old one, so the collector never reads half a file.
 */
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include "daemon.h"
#include "firewall.h"

static void metric(FILE *f, const char *name, const char *type, const char *help, double v)
{
	fprintf(f, "# HELP tunnelctld_%s %s\n# TYPE tunnelctld_%s %s\ntunnelctld_%s %.17g\n",
		name, help, name, type, name, v);
}

void tctld_metrics_write(struct tctld *d)
{
	char tmp[PATH_MAX];
	struct tctl_err err = { 0 };
	uint64_t pkts, bytes;
	FILE *f;

	if (!d->cfg.metrics)
		return;
	snprintf(tmp, sizeof(tmp), "%s.%d.tmp", d->cfg.metrics, (int)getpid());
	f = fopen(tmp, "we");
	if (!f) {
		tctld_debug("metrics: %s: %m", tmp);
		return;
	}
	metric(f, "reconciles_total", "counter", "Reconciles run.", (double)d->n.reconciles);
	metric(f, "repairs_total", "counter", "Objects repaired after drift.",
	       (double)d->n.repairs);
	metric(f, "resyncs_total", "counter", "Full re-reads (periodic or after lost events).",
	       (double)d->n.resyncs);
	metric(f, "overruns_total", "counter", "Event socket overruns.", (double)d->n.overruns);
	metric(f, "errors_total", "counter", "Reconciles with failures.", (double)d->n.errors);
	metric(f, "reloads_total", "counter", "Peer lists applied by reload.",
	       (double)d->n.reloads);
	metric(f, "rejected_reloads_total", "counter", "Peer lists rejected.",
	       (double)d->n.rejected_reloads);
	metric(f, "events_total", "counter", "Kernel events that concerned us.",
	       (double)d->n.events);
	metric(f, "desired_routes", "gauge", "Routes the list wants here.",
	       (double)d->want.nroutes);
	metric(f, "kernel_routes", "gauge", "Owned routes in the kernel at the last reconcile.",
	       (double)d->last.actual_routes);
	metric(f, "desired_nexthops", "gauge", "Nexthop objects the list wants here.",
	       (double)d->want.nnhs);
	metric(f, "kernel_nexthops", "gauge", "Owned nexthops at the last reconcile.",
	       (double)d->last.actual_nhs);
	metric(f, "last_reconcile_seconds", "gauge", "Duration of the last reconcile.",
	       d->last.seconds);
	metric(f, "last_reconcile_timestamp_seconds", "gauge", "When the last reconcile ran.",
	       d->last.at);
	metric(f, "peer_list_valid", "gauge", "1 when the file on disk is the running list.",
	       d->list_error.set ? 0 : 1);
	if (d->fw && !tctl_fw_dropped(d->fw, &pkts, &bytes, &err))
		metric(f, "firewall_dropped_packets_total", "counter",
		       "GRE/IPIP/6in4 packets from non-peers dropped.", (double)pkts);
	if (fclose(f) || rename(tmp, d->cfg.metrics)) {
		tctld_log("metrics: %s: %m", d->cfg.metrics);
		unlink(tmp);
	}
}

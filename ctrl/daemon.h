/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tunnelctld: one process, one event loop, keeping this node's kernel equal
 * to its share of a peer list.  Everything the loop knows lives in struct
 * tctld; each file of ctrl/ handles one source of work (events, the peer
 * list file, the control socket, timers) or one duty (reconcile, status,
 * metrics, the firewall).
 */
#ifndef TCTLD_DAEMON_H
#define TCTLD_DAEMON_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "../lib/desired.h"
#include "../lib/diag.h"
#include "../lib/error.h"
#include "../lib/nl.h"
#include "../lib/peers.h"
#include "../lib/plan.h"
#include "flap.h"
#include "wanted.h"

#define TCTLD_DEFAULT_CONFIG "/etc/tunnelctl/tunnelctld.conf"
#define TCTLD_RUN_DIR "/run/tunnelctl"
#define TCTLD_TOUCHED_MAX 32

/* What the command line and the config file set. */
struct tctld_config {
	char *config;		/* the file read, or NULL */
	char *peers;		/* the peer list */
	char *self;		/* --self, or NULL: found by local address */
	char *netns;		/* -n */
	char *socket;		/* control socket path */
	char *metrics;		/* Prometheus textfile, or NULL */
	bool foreground;
	bool check;		/* validate and exit */
	bool flush_on_exit;
	bool firewall;
	double resync;		/* seconds between full resyncs */
	int rcvbuf;		/* event socket receive buffer, bytes */
	int verbose;
};

/* Why a reconcile ran: logged, and shown in status. */
enum tctld_reason {
	TCTLD_R_START,
	TCTLD_R_EVENT,
	TCTLD_R_RESYNC,
	TCTLD_R_RELOAD,
	TCTLD_R_OVERRUN,
	TCTLD_R_RETRY,
	TCTLD_R_SIGNAL,
};
const char *tctld_reason_name(enum tctld_reason r);

struct tctld_counters {
	uint64_t reconciles, repairs, resyncs, overruns, errors;
	uint64_t reloads, rejected_reloads, events;
};

/* The outcome of the last reconcile, for status and metrics. */
struct tctld_last {
	bool valid;
	double at;		/* wall clock */
	double seconds;
	enum tctld_reason reason;
	size_t added, replaced, deleted, failed;
	struct tctl_diags errors;	/* path: the object */
	size_t actual_nhs, actual_routes;	/* owned, as read */
	struct tctl_diags conflicts;	/* path: the object; msg: whose */
};

/* A peer list that failed to load: kept for status until a good one comes. */
struct tctld_list_error {
	bool set;
	double at;
	char message[512];
	struct tctl_diags problems;
};

struct tctld {
	struct tctld_config cfg;
	struct tctl_nl *nl;		/* requests and dumps */

	/* The running peer list, and what it wants of this node. */
	struct tctl_peerlist pl;
	bool have_list;
	double list_loaded;		/* wall clock */
	const struct tctl_peer *self;
	char self_error[512];		/* when self could not be found */
	struct tctld_wanted want;	/* classifies events; counts */
	struct tctld_list_error list_error;

	/* Sources of work. */
	int epfd;
	int ev_fd;			/* rtnetlink multicast groups */
	uint32_t own_portid;		/* echoes of our writes carry it */
	int watch_fd;			/* inotify on the list's directory */
	int watch_wd;
	int ctl_fd;			/* control socket */
	struct tctl_fw *fw;

	/* Pending work: monotonic deadlines, 0 when none. */
	double dirty_at;		/* a reconcile is due then */
	enum tctld_reason dirty_reason;
	double reload_at;		/* re-read the list then (settled) */
	double resync_at;
	double retry_at;		/* backoff after failure */
	double retry_delay;
	char retry_why[256];
	struct tctl_flaps flaps;
	double held_at;			/* a contended object may be repaired again */
	/* Owned objects other writers changed since the last reconcile. */
	char touched[TCTLD_TOUCHED_MAX][TCTL_FLAP_NAME_MAX];
	size_t ntouched;		/* > TCTLD_TOUCHED_MAX: too many to be one rival */

	struct tctld_counters n;
	struct tctld_last last;
	double started;			/* wall clock */
	bool ready_sent;
};

/* Set by signal handlers; the loop acts on them. */
extern volatile sig_atomic_t tctld_stop, tctld_hup, tctld_usr1;

/* config.c */
int tctld_config_parse(struct tctld_config *c, int argc, char **argv, struct tctl_err *err);
void tctld_config_free(struct tctld_config *c);

/* log.c: "tunnelctld: ..." lines on stderr. */
extern int tctld_verbose;
void tctld_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tctld_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
double tctld_now(void);		/* monotonic seconds */
double tctld_wall(void);	/* unix time */

/* peerlist.c: load, validate, swap in (transactional). */
enum tctld_load { TCTLD_LOAD_APPLIED, TCTLD_LOAD_UNCHANGED, TCTLD_LOAD_REJECTED };
enum tctld_load tctld_list_load(struct tctld *d, struct tctl_err *err);
int tctld_find_self(struct tctld *d);
void tctld_list_free(struct tctld *d);

/* reconcile.c */
int tctld_reconcile(struct tctld *d, enum tctld_reason why);
void tctld_schedule(struct tctld *d, enum tctld_reason why, double delay);
int tctld_flush(struct tctld *d);

/* events.c */
int tctld_events_open(struct tctld *d, struct tctl_err *err);
void tctld_events_read(struct tctld *d);

/* watch.c */
int tctld_watch_open(struct tctld *d, struct tctl_err *err);
void tctld_watch_read(struct tctld *d);

/* control.c */
int tctld_control_open(struct tctld *d, struct tctl_err *err);
void tctld_control_accept(struct tctld *d);
void tctld_control_close(struct tctld *d);

/* status.c */
struct json_object;
struct json_object *tctld_status_json(struct tctld *d);

/* metrics.c */
void tctld_metrics_write(struct tctld *d);

/* notify.c: the sd_notify protocol, when $NOTIFY_SOCKET is set. */
void tctld_notify(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* firewall glue (reconcile.c): the sets follow the running list. */
void tctld_firewall_sync(struct tctld *d);

#endif

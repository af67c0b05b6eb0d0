/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The plan is data: what apply would change, computed from a peer list and
 * a snapshot of the kernel, as lists of devices, nexthops and routes to
 * add, replace and delete, each replace with the fields that differ, and
 * the conflicts with what tunnelctl does not own.  diff and --dry-run print
 * it, apply executes it, the controller will reuse it.
 */
#ifndef TCTL_PLAN_H
#define TCTL_PLAN_H

#include "desired.h"
#include "diag.h"
#include "peers.h"
#include "state.h"

enum tctl_act { TCTL_ACT_ADD, TCTL_ACT_REPLACE, TCTL_ACT_DELETE };

/* Which deletes are in scope. */
enum tctl_prune {
	TCTL_PRUNE_LISTED,	/* default: owned objects on the list's devices */
	TCTL_PRUNE_ALL,		/* --prune: every owned object */
	TCTL_PRUNE_NONE,	/* --no-prune: delete nothing */
};

/* Why a replace: the fields that differ (bits). */
#define TCTL_DIFF_DEV		(1u << 0)
#define TCTL_DIFF_FAMILY	(1u << 1)
#define TCTL_DIFF_ID		(1u << 2)
#define TCTL_DIFF_DST		(1u << 3)
#define TCTL_DIFF_SRC		(1u << 4)
#define TCTL_DIFF_TTL		(1u << 5)
#define TCTL_DIFF_TOS		(1u << 6)
#define TCTL_DIFF_FLAGS		(1u << 7)
#define TCTL_DIFF_NHID		(1u << 8)
#define TCTL_DIFF_INLINE	(1u << 9)	/* an inline-encap route becomes by-nexthop */
#define TCTL_DIFF_MTU		(1u << 10)
#define TCTL_DIFF_UP		(1u << 11)
#define TCTL_DIFF_ENCAP_TYPE	(1u << 12)
#define TCTL_DIFF_NEXTHOP	(1u << 13)	/* a by-nexthop route becomes inline */
#define TCTL_DIFF_POLICY	(1u << 14)	/* a flowtun device's receive policy */

/* The names of the bits, for printing: "ttl", "dst", ... */
const char *tctl_diff_name(uint32_t bit);

struct tctl_plan_dev {
	enum tctl_act act;		/* add or replace (mtu, up) */
	const struct tctl_list_dev *want;
	const struct tctl_dev *have;	/* NULL for add */
	uint32_t diff;
};

struct tctl_plan_nh {
	enum tctl_act act;
	const struct tctl_want_nh *want;	/* NULL for delete */
	const struct tctl_nexthop *have;	/* NULL for add */
	uint32_t diff;
	bool late;	/* IPv6 to IPv4: after the IPv6 routes using it are gone */
};

struct tctl_plan_route {
	enum tctl_act act;
	const struct tctl_want_route *want;	/* NULL for delete */
	const struct tctl_route *have;		/* NULL for add */
	uint32_t diff;
};

/*
 * An entry of a flowtun device's peer table: every other peer of the list
 * (of an IPv4 underlay) is in the table of every flowtun device the list
 * manages, with its id; the table is the list's, so others are deleted.
 */
struct tctl_plan_peer {
	enum tctl_act act;
	const struct tctl_list_dev *dev;
	const struct tctl_peer *want;		/* NULL for delete */
	const struct tctl_ft_peer *have;	/* NULL for add */
	struct in_addr remote;
	uint64_t id;				/* the wanted id; the kernel's for delete */
	uint32_t diff;				/* TCTL_DIFF_ID */
};

/* A route of another protocol where the list wants one of ours. */
struct tctl_plan_conflict {
	const struct tctl_want_route *want;
	const struct tctl_route *theirs;
	bool blocking;	/* same table, prefix and metric: ours cannot be added */
};

struct tctl_plan_opts {
	enum tctl_prune prune;
	bool inline_routes;	/* --inline: routes carry their encap, no nexthops */
};

struct tctl_plan {
	struct tctl_state state;	/* what the plan was computed from */
	struct tctl_desired desired;
	enum tctl_prune prune;
	bool inline_routes;
	bool no_nexthops;	/* inline because the kernel has no nexthop objects */
	struct tctl_plan_dev *devs;
	size_t ndevs;
	struct tctl_plan_nh *nhs;
	size_t nnhs;
	struct tctl_plan_route *routes;
	size_t nroutes;
	struct tctl_plan_peer *peers;
	size_t npeers;
	struct tctl_plan_conflict *conflicts;
	size_t nconflicts;
	size_t counts[4][3];	/* [object: dev, nh, route, peer][act] */
};

enum { TCTL_OBJ_DEV, TCTL_OBJ_NH, TCTL_OBJ_ROUTE, TCTL_OBJ_PEER, TCTL_OBJ_COUNT };

/*
 * Compute the plan for node self of pl against the kernel behind nl.  On
 * success the plan owns a snapshot it was computed from; errors that make
 * any write pointless (an unmanaged device missing, a device of the wrong
 * kind in the way) fail here, before anything is written.
 */
int tctl_plan_build(struct tctl_nl *nl, const struct tctl_peerlist *pl,
		    const struct tctl_peer *self, const struct tctl_plan_opts *opts,
		    struct tctl_plan *plan, struct tctl_err *err);
/*
 * The same from a snapshot read already (tctl_state_read), which the plan
 * takes over whether or not this succeeds: a caller can read the kernel
 * while another thread reads the list and builds the desired state from
 * it (pre, built with opts->inline_routes and no kernel view; taken over
 * too; NULL to build it here).
 */
int tctl_plan_compute(struct tctl_state *st, const struct tctl_peerlist *pl,
		      const struct tctl_peer *self, const struct tctl_plan_opts *opts,
		      struct tctl_desired *pre, struct tctl_plan *plan, struct tctl_err *err);
void tctl_plan_free(struct tctl_plan *plan);
size_t tctl_plan_changes(const struct tctl_plan *plan);

/* Grow a plan's array by one zeroed element (amortised O(1)); NULL: no memory. */
void *tctl_plan_grow(void **v, size_t *n, size_t size);

/* The peer tables (plan_peers.c), planned once the desired state is known. */
int tctl_plan_peers(struct tctl_plan *plan, const struct tctl_peerlist *pl,
		    struct tctl_err *err);

/* Outcome of apply: what was done, and each object that failed. */
struct tctl_apply_report {
	size_t done, failed;
	struct tctl_diags failures;	/* path: the object; msg: the kernel's words */
};

typedef void (*tctl_progress_cb)(size_t done, size_t total, void *arg);

/*
 * Execute the plan: devices; nexthop adds and replaces; route adds and
 * replaces; route deletes; late nexthop replaces and nexthop deletes (a
 * nexthop still used by routes costs the kernel a walk of the whole FIB).
 * Each phase goes out in batches.  A failure of one object is reported
 * and the rest go on; what failed is left for the next apply to converge.
 */
int tctl_plan_apply(struct tctl_nl *nl, struct tctl_plan *plan, tctl_progress_cb progress,
		    void *arg, struct tctl_apply_report *rep, struct tctl_err *err);
void tctl_apply_report_free(struct tctl_apply_report *rep);

#endif

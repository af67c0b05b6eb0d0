/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The route commands against the kernel.  Each reads the state it needs,
 * checks the whole request, and only then writes; routes of any protocol
 * other than tunnelctl's are never replaced or deleted.
 */
#ifndef TCTL_ROUTE_OPS_H
#define TCTL_ROUTE_OPS_H

#include "model.h"
#include "nl.h"
#include "route_args.h"

int tctl_route_add(struct tctl_nl *nl, struct tctl_route *r, bool replace,
		   struct tctl_err *err);

/* Delete the one owned route f selects; *deleted describes it. */
int tctl_route_del(struct tctl_nl *nl, const struct tctl_route_filter *f,
		   struct tctl_route *deleted, struct tctl_err *err);

/* Encap routes f selects, every protocol, sorted. */
int tctl_route_show(struct tctl_nl *nl, const struct tctl_route_filter *f,
		    struct tctl_route_list *out, struct tctl_err *err);

/*
 * The checks of add and del against routes already read (cur: at least
 * every route of the same family, table and prefix), shared with batch
 * mode's write queue.  Refuse when the slot (table, prefix, metric) holds a
 * route r may not replace:
 */
int tctl_route_slot_check(const struct tctl_route *r, const struct tctl_route_list *cur,
			  bool replace, struct tctl_err *err);
/* The one owned route among cur that f selects, or an error that says why not. */
int tctl_route_pick_owned(const struct tctl_route_filter *f,
			  const struct tctl_route_list *cur, const struct tctl_route **pick,
			  struct tctl_err *err);

struct tctl_flush_result {
	struct tctl_route_list deleted;
	struct tctl_route_list kept;	/* encap routes of other protocols */
	struct tctl_nl_batch batch;	/* per-route outcomes */
};

/* Delete every owned route f selects; failures are in res->batch. */
int tctl_route_flush(struct tctl_nl *nl, const struct tctl_route_filter *f,
		     struct tctl_flush_result *res, struct tctl_err *err);
void tctl_flush_result_free(struct tctl_flush_result *res);

#endif

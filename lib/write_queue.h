/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Batch mode's write queue: route and nexthop writes, each checked as its
 * command alone would check it (the same functions, against one read of
 * the kernel's state instead of one read per write), queued, and sent
 * together as one stream of batched requests (tctl_nl_stream): many
 * messages per sendmsg, the kernel answering only the failures.
 *
 * Each write carries a tag (batch mode: its line number) that comes back
 * with its failure.  A write that depends on one already queued (the same
 * route prefix and table, a nexthop id a queued write makes, replaces,
 * deletes or routes through) is not checked against a state that does not
 * yet include it: the enqueue returns -EAGAIN, and the caller flushes and
 * enqueues it again.
 */
#ifndef TCTL_WRITE_QUEUE_H
#define TCTL_WRITE_QUEUE_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"
#include "nl.h"
#include "route_args.h"
#include "state.h"

/* A write the kernel refused: its tag and the message naming it. */
typedef void (*tctl_wq_fail_cb)(size_t tag, const struct tctl_err *err, void *arg);

struct tctl_wq_op;

struct tctl_wq {
	struct tctl_nl *nl;
	tctl_wq_fail_cb fail;
	void *arg;
	struct tctl_state st;		/* read at the first enqueue after a flush */
	bool have_state;
	uint32_t *nh_users;		/* the nhid of every route of st, sorted */
	size_t nnh_users;
	struct tctl_wq_op *ops;
	size_t n, cap;
	/* Hashes of the route slots and nexthop ids the queue touches. */
	uint64_t *keys;
	size_t nkeys, keycap;
	size_t sent, failed;		/* totals over every flush */
};

void tctl_wq_init(struct tctl_wq *q, struct tctl_nl *nl, tctl_wq_fail_cb fail, void *arg);
/* Release everything; queued writes are dropped, not sent. */
void tctl_wq_free(struct tctl_wq *q);

/* Check and queue; 0, -EAGAIN (flush first), or the error of the check. */
int tctl_wq_route(struct tctl_wq *q, struct tctl_route *r, bool replace, size_t tag,
		  struct tctl_err *err);
int tctl_wq_route_del(struct tctl_wq *q, const struct tctl_route_filter *f, size_t tag,
		      struct tctl_err *err);
int tctl_wq_nexthop(struct tctl_wq *q, struct tctl_nexthop *nh, bool replace, size_t tag,
		    struct tctl_err *err);
int tctl_wq_nexthop_del(struct tctl_wq *q, uint32_t id, size_t tag, struct tctl_err *err);

static inline size_t tctl_wq_pending(const struct tctl_wq *q)
{
	return q->n;
}

/*
 * Send every queued write in order, as one stream; each refusal goes to
 * the fail callback.  Returns how many were refused (0 or more), or a
 * negative transport error in err.  The state read is dropped: the next
 * enqueue reads it again.
 */
int tctl_wq_flush(struct tctl_wq *q, struct tctl_err *err);

#endif

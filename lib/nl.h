/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The netlink protocol, in one place: a NETLINK_ROUTE socket (or, for the
 * flowtun family, a NETLINK_GENERIC one) per network namespace with
 * extended ack and (rtnetlink) strict dump checking on, batched
 * requests (many messages per sendmsg, acks matched by sequence number,
 * errors reported per object with the kernel's extended-ack text) and
 * dumps that are retried when the kernel says they were interrupted.
 *
 * libnl-3 builds and parses the messages (nl_msg, nla_put, nlmsg_parse
 * with policies).  Sending and receiving are done here on the socket's fd:
 * libnl 3.7 has no extended-ack support and sends one message per call.
 */
#ifndef TCTL_NL_H
#define TCTL_NL_H

#include <linux/netlink.h>
#include <netlink/msg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct tctl_nl;

/* Open a socket in the named namespace (NULL: the current one). */
int tctl_nl_open(struct tctl_nl **out, const char *netns, struct tctl_err *err);
/*
 * The same for another netlink protocol (NETLINK_GENERIC: extended ack on,
 * no strict dump checking, which is rtnetlink's).
 */
int tctl_nl_open_proto(struct tctl_nl **out, int protocol, const char *netns,
		       struct tctl_err *err);
void tctl_nl_close(struct tctl_nl *nl);
const char *tctl_nl_netns(const struct tctl_nl *nl);

/* A new request message; the sequence number is assigned when sent. */
struct nl_msg *tctl_nl_msg(int type, int flags);

/* One request of a batch and its outcome. */
struct tctl_nl_op {
	struct nl_msg *msg;
	char *label;		/* the object, for messages: "route 10.0.0.0/8" */
	uint32_t seq;
	int error;		/* 0, or the kernel's negative errno */
	char *ext_msg;		/* the kernel's extended-ack text, or NULL */
	bool acked;
};

struct tctl_nl_batch {
	struct tctl_nl_op *ops;
	size_t n, cap;
	size_t failed;
};

/* Append a request; the batch owns msg from here on, even on failure. */
int tctl_nl_batch_add(struct tctl_nl_batch *b, struct nl_msg *msg,
		      struct tctl_err *err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/*
 * Send every request and collect every ack.  Returns 0 when the exchange
 * worked (per-request failures are in ops[i].error, counted in failed),
 * negative on a transport failure.
 */
int tctl_nl_batch_run(struct tctl_nl *nl, struct tctl_nl_batch *b,
		      struct tctl_err *err);
void tctl_nl_batch_free(struct tctl_nl_batch *b);

/*
 * Stream: requests 0..n-1 made on demand by make (NULL: out of memory) and
 * sent in chunks, so that memory holds one chunk, not the whole set; done
 * is called for each with its outcome (0 or the kernel's negative errno,
 * and its extended-ack text or NULL) in order.  Returns 0 when the
 * exchange worked, negative on a transport failure.
 */
typedef struct nl_msg *(*tctl_nl_make_cb)(size_t i, void *arg);
typedef void (*tctl_nl_done_cb)(size_t i, int error, const char *ext_msg, void *arg);
int tctl_nl_stream(struct tctl_nl *nl, size_t n, tctl_nl_make_cb make,
		   tctl_nl_done_cb done, void *arg, struct tctl_err *err);

/* Format one failed op: "label: kernel text (strerror)". */
void tctl_nl_op_error(const struct tctl_nl_op *op, struct tctl_err *err);

/* Send a single request and wait for its ack; err names label on failure. */
int tctl_nl_request(struct tctl_nl *nl, struct nl_msg *msg, struct tctl_err *err,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * Dump: send req (consumed), call cb for each message of the reply.  A
 * negative return from cb stops the dump and is returned.  When the kernel
 * flags the dump as interrupted (NLM_F_DUMP_INTR), reset is called and the
 * dump is repeated, a bounded number of times.
 */
typedef int (*tctl_nl_msg_cb)(struct nlmsghdr *nlh, void *arg, struct tctl_err *err);
typedef void (*tctl_nl_reset_cb)(void *arg);
typedef struct nl_msg *(*tctl_nl_req_cb)(void *arg);

int tctl_nl_dump(struct tctl_nl *nl, tctl_nl_req_cb make_req, tctl_nl_msg_cb cb,
		 tctl_nl_reset_cb reset, void *arg, struct tctl_err *err);
/*
 * The same, a kernel error named "label: text (strerror)" rather than
 * "dump: text", and the give-up message saying what kept changing.
 */
int tctl_nl_dump_named(struct tctl_nl *nl, tctl_nl_req_cb make_req, tctl_nl_msg_cb cb,
		       tctl_nl_reset_cb reset, void *arg, const char *label, const char *what,
		       struct tctl_err *err);

/*
 * Send msg (consumed) with NLM_F_ACK and call cb for each reply before the
 * ack (a "get" that is not a dump; cb may be NULL); err names label.
 */
int tctl_nl_request_reply(struct tctl_nl *nl, struct nl_msg *msg, tctl_nl_msg_cb cb,
			  void *arg, struct tctl_err *err, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* How often a dump was interrupted and repeated (for tests and metrics). */
unsigned int tctl_nl_dump_retries(const struct tctl_nl *nl);
/* The socket's port id: the kernel's notifications of our requests carry it. */
uint32_t tctl_nl_portid(const struct tctl_nl *nl);
/* libnl's socket under it, for libnl helpers such as genl_ctrl_resolve. */
struct nl_sock *tctl_nl_sock(struct tctl_nl *nl);
/* How long to wait for a reply, and who is named when none comes. */
void tctl_nl_set_timeout(struct tctl_nl *nl, int sec, const char *who);

#endif

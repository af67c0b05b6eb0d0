// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE
#include "nl.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netlink/attr.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "netns.h"

/* Older uapi headers lack these; the values are ABI. */
#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK 12
#endif

/*
 * A dump message is at most 32 KiB (the kernel caps its allocation); acks
 * are small.  64 KiB never truncates.
 */
#define RECV_BUF_SIZE (64 * 1024)
/*
 * One chunk is one sendmsg: under UIO_MAXIOV (1024) iovecs with the
 * barrier, and well under the send buffer we ask for.  The kernel handles
 * a whole chunk inside sendmsg, taking the RTNL lock once per message, so
 * other rtnetlink users interleave between messages.
 */
#define CHUNK_MAX_MSGS 1000
#define CHUNK_MAX_BYTES (256 * 1024)
/* Room for a chunk of failures (truesize ~1 KiB each) and large dumps. */
#define SOCK_BUF_SIZE (4 * 1024 * 1024)
#define MAX_DUMP_ATTEMPTS 8
#define RECV_TIMEOUT_SEC 120

struct tctl_nl {
	struct nl_sock *sk;
	int fd;
	uint32_t portid;
	uint32_t seq;
	char netns[NAME_MAX + 1];
	unsigned int dump_retries;
	int timeout_sec;
	const char *who;	/* who does not answer: "the kernel" */
	unsigned char *buf;
};

static void set_opt(int fd, int level, int opt, int val)
{
	/* Options missing on an old kernel only lose detail, not correctness. */
	(void)setsockopt(fd, level, opt, &val, sizeof(val));
}

static int socket_setup(struct tctl_nl *nl, int protocol, struct tctl_err *err)
{
	int ret;

	nl->sk = nl_socket_alloc();
	if (!nl->sk)
		return tctl_err_nomem(err);
	nl_socket_disable_seq_check(nl->sk);
	ret = nl_connect(nl->sk, protocol);
	if (ret < 0)
		return tctl_err_set(err, TCTL_ERR_SYSTEM, EIO, "cannot open a %snetlink socket: %s",
				    protocol == NETLINK_GENERIC ? "generic " : "",
				    nl_geterror(ret));
	nl->fd = nl_socket_get_fd(nl->sk);
	nl->portid = nl_socket_get_local_port(nl->sk);
	set_opt(nl->fd, SOL_NETLINK, NETLINK_EXT_ACK, 1);
	set_opt(nl->fd, SOL_NETLINK, NETLINK_CAP_ACK, 1);
	/* Strict dump checking is rtnetlink's; generic netlink has policies. */
	if (protocol == NETLINK_ROUTE)
		set_opt(nl->fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1);
	/* FORCE works with CAP_NET_ADMIN beyond rmem_max; else take the cap. */
	if (setsockopt(nl->fd, SOL_SOCKET, SO_RCVBUFFORCE, &(int){ SOCK_BUF_SIZE },
		       sizeof(int)) < 0)
		set_opt(nl->fd, SOL_SOCKET, SO_RCVBUF, SOCK_BUF_SIZE);
	if (setsockopt(nl->fd, SOL_SOCKET, SO_SNDBUFFORCE, &(int){ SOCK_BUF_SIZE },
		       sizeof(int)) < 0)
		set_opt(nl->fd, SOL_SOCKET, SO_SNDBUF, SOCK_BUF_SIZE);
	tctl_nl_set_timeout(nl, RECV_TIMEOUT_SEC, "the kernel");
	return 0;
}

void tctl_nl_set_timeout(struct tctl_nl *nl, int sec, const char *who)
{
	struct timeval tv = { .tv_sec = sec };

	nl->timeout_sec = sec;
	nl->who = who;
	(void)setsockopt(nl->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

int tctl_nl_open(struct tctl_nl **out, const char *netns, struct tctl_err *err)
{
	return tctl_nl_open_proto(out, NETLINK_ROUTE, netns, err);
}

int tctl_nl_open_proto(struct tctl_nl **out, int protocol, const char *netns,
		       struct tctl_err *err)
{
	struct tctl_nl *nl = calloc(1, sizeof(*nl));
	int saved = -1, ret;

	*out = NULL;
	if (!nl)
		return tctl_err_nomem(err);
	nl->buf = malloc(RECV_BUF_SIZE);
	if (!nl->buf) {
		free(nl);
		return tctl_err_nomem(err);
	}
	nl->seq = (uint32_t)time(NULL);
	if (netns) {
		snprintf(nl->netns, sizeof(nl->netns), "%s", netns);
		ret = tctl_netns_enter(netns, &saved, err);
		if (ret)
			goto fail;
	}
	ret = socket_setup(nl, protocol, err);
	tctl_netns_leave(saved);
	if (ret)
		goto fail;
	*out = nl;
	return 0;
fail:
	tctl_nl_close(nl);
	return ret;
}

void tctl_nl_close(struct tctl_nl *nl)
{
	if (!nl)
		return;
	if (nl->sk)
		nl_socket_free(nl->sk);
	free(nl->buf);
	free(nl);
}

const char *tctl_nl_netns(const struct tctl_nl *nl)
{
	return nl->netns[0] ? nl->netns : NULL;
}

unsigned int tctl_nl_dump_retries(const struct tctl_nl *nl)
{
	return nl->dump_retries;
}

uint32_t tctl_nl_portid(const struct tctl_nl *nl)
{
	return nl->portid;
}

struct nl_sock *tctl_nl_sock(struct tctl_nl *nl)
{
	return nl->sk;
}

/*
 * Our requests are all under 200 bytes; libnl's default buffer is a page.
 * A plan of 200,000 requests makes and frees that many: small buffers
 * keep the churn in cache.
 */
#define MSG_SIZE 512

struct nl_msg *tctl_nl_msg(int type, int flags)
{
	struct nl_msg *msg = nlmsg_alloc_size(MSG_SIZE);

	if (msg && !nlmsg_put(msg, 0, 0, type, 0, flags | NLM_F_REQUEST)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* Receive one datagram from the kernel; returns its length. */
static ssize_t sock_recv(struct tctl_nl *nl, struct tctl_err *err)
{
	struct sockaddr_nl sa;
	struct iovec iov = { nl->buf, RECV_BUF_SIZE };
	struct msghdr m = {
		.msg_name = &sa, .msg_namelen = sizeof(sa),
		.msg_iov = &iov, .msg_iovlen = 1,
	};
	ssize_t n;

	for (;;) {
		n = recvmsg(nl->fd, &m, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n >= 0 && sa.nl_pid != 0)
			continue;	/* not from the kernel */
		break;
	}
	if (n < 0) {
		int e = errno;

		if (e == EAGAIN || e == EWOULDBLOCK)
			return tctl_err_set(err, TCTL_ERR_SYSTEM, ETIMEDOUT,
					    "no reply from %s within %d s", nl->who,
					    nl->timeout_sec);
		if (e == ENOBUFS)
			return tctl_err_set(err, TCTL_ERR_SYSTEM, e,
					    "netlink receive buffer overrun: replies were lost");
		return tctl_err_set(err, TCTL_ERR_SYSTEM, e, "netlink receive: %s",
				    strerror(e));
	}
	if (m.msg_flags & MSG_TRUNC)
		return tctl_err_set(err, TCTL_ERR_SYSTEM, EMSGSIZE,
				    "netlink reply larger than %d bytes", RECV_BUF_SIZE);
	return n;
}

static struct nla_policy ext_ack_policy[NLMSGERR_ATTR_MAX + 1] = {
	[NLMSGERR_ATTR_MSG] = { .type = NLA_UNSPEC },
	[NLMSGERR_ATTR_OFFS] = { .type = NLA_U32 },
};

/*
 * The extended-ack TLVs follow struct nlmsgerr (and, without
 * NETLINK_CAP_ACK, a copy of the request).  For NLMSG_DONE they follow
 * the int error.
 */
static char *ext_ack_text(struct nlmsghdr *nlh, size_t payload_off)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t total = nlh->nlmsg_len - NLMSG_HDRLEN;
	const char *s;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || payload_off >= total)
		return NULL;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)nlmsg_data(nlh) + payload_off),
		      (int)(total - payload_off), ext_ack_policy) < 0)
		return NULL;
	if (!tb[NLMSGERR_ATTR_MSG] || nla_len(tb[NLMSGERR_ATTR_MSG]) <= 0)
		return NULL;
	s = nla_data(tb[NLMSGERR_ATTR_MSG]);
	return strndup(s, (size_t)nla_len(tb[NLMSGERR_ATTR_MSG]));
}

static char *error_ext_ack(struct nlmsghdr *nlh)
{
	struct nlmsgerr *e = nlmsg_data(nlh);
	size_t off = sizeof(*e);

	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*e))
		return NULL;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	return ext_ack_text(nlh, NLMSG_ALIGN(off));
}

static const char *errno_hint(int e)
{
	switch (e) {
	case EPERM:
		return " (CAP_NET_ADMIN is needed)";
	default:
		return "";
	}
}

/* "label: kernel text (strerror)"; returns error. */
static int op_error(const char *label, int error, const char *ext_msg, struct tctl_err *err)
{
	int e = -error;

	if (ext_msg)
		return tctl_err_set(err, TCTL_ERR_KERNEL, e, "%s: %s (%s)%s", label, ext_msg,
				    strerror(e), errno_hint(e));
	return tctl_err_set(err, TCTL_ERR_KERNEL, e, "%s: %s%s", label, strerror(e),
			    errno_hint(e));
}

void tctl_nl_op_error(const struct tctl_nl_op *op, struct tctl_err *err)
{
	op_error(op->label, op->error, op->ext_msg, err);
}

int tctl_nl_batch_add(struct tctl_nl_batch *b, struct nl_msg *msg,
		      struct tctl_err *err, const char *fmt, ...)
{
	struct tctl_nl_op *op;
	va_list ap;

	if (!msg)
		return tctl_err_nomem(err);
	if (b->n == b->cap) {
		size_t ncap = b->cap ? b->cap * 2 : 16;
		struct tctl_nl_op *nops = realloc(b->ops, ncap * sizeof(*nops));

		if (!nops) {
			nlmsg_free(msg);
			return tctl_err_nomem(err);
		}
		b->ops = nops;
		b->cap = ncap;
	}
	op = &b->ops[b->n];
	memset(op, 0, sizeof(*op));
	va_start(ap, fmt);
	if (vasprintf(&op->label, fmt, ap) < 0)
		op->label = NULL;
	va_end(ap);
	if (!op->label) {
		nlmsg_free(msg);
		return tctl_err_nomem(err);
	}
	op->msg = msg;
	b->n++;
	return 0;
}

void tctl_nl_batch_free(struct tctl_nl_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		nlmsg_free(b->ops[i].msg);
		free(b->ops[i].label);
		free(b->ops[i].ext_msg);
	}
	free(b->ops);
	memset(b, 0, sizeof(*b));
}

static int send_iov(struct tctl_nl *nl, struct iovec *iov, size_t cnt,
		    struct tctl_err *err)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct msghdr m = {
		.msg_name = &kernel, .msg_namelen = sizeof(kernel),
		.msg_iov = iov, .msg_iovlen = cnt,
	};
	ssize_t n;

	do {
		n = sendmsg(nl->fd, &m, 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return tctl_err_set(err, TCTL_ERR_SYSTEM, errno, "netlink send: %s",
				    strerror(errno));
	return 0;
}

/* Record a failure reported for one request of the chunk ops[0..cnt). */
static void record_error(struct tctl_nl_op *ops, size_t cnt, struct nlmsghdr *nlh,
			 size_t *failed)
{
	struct nlmsgerr *e = nlmsg_data(nlh);
	struct tctl_nl_op *op;
	size_t idx;

	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*e) || !e->error)
		return;
	idx = (size_t)(nlh->nlmsg_seq - ops[0].seq);
	if (idx >= cnt)
		return;		/* a stale reply from an earlier exchange */
	op = &ops[idx];
	if (op->error)
		return;
	op->error = e->error;
	op->ext_msg = error_ext_ack(nlh);
	(*failed)++;
}

/*
 * Send ops[0..cnt) in one sendmsg and learn which failed.  The requests
 * carry no NLM_F_ACK, so the kernel answers only the ones that fail (each
 * with its sequence number); a NLMSG_NOOP with NLM_F_ACK goes last as a
 * barrier: the kernel handles a sendmsg's messages in order, so once the
 * barrier's ack is read every failure before it has been read too.  One
 * receive per chunk instead of one per request.
 */
static int run_chunk(struct tctl_nl *nl, struct tctl_nl_op *ops, size_t cnt,
		     size_t *failed, struct tctl_err *err)
{
	struct iovec iov[CHUNK_MAX_MSGS + 1];
	struct nlmsghdr barrier = {
		.nlmsg_len = NLMSG_HDRLEN, .nlmsg_type = NLMSG_NOOP,
		.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
	};
	bool done = false;

	for (size_t i = 0; i < cnt; i++) {
		struct nlmsghdr *h = nlmsg_hdr(ops[i].msg);

		h->nlmsg_flags = (uint16_t)((h->nlmsg_flags | NLM_F_REQUEST) & ~NLM_F_ACK);
		h->nlmsg_seq = ops[i].seq = ++nl->seq;
		h->nlmsg_pid = nl->portid;
		iov[i].iov_base = h;
		iov[i].iov_len = h->nlmsg_len;
	}
	barrier.nlmsg_seq = ++nl->seq;
	barrier.nlmsg_pid = nl->portid;
	iov[cnt].iov_base = &barrier;
	iov[cnt].iov_len = barrier.nlmsg_len;
	if (send_iov(nl, iov, cnt + 1, err))
		return -EIO;
	while (!done) {
		ssize_t n = sock_recv(nl, err);
		struct nlmsghdr *nlh = (struct nlmsghdr *)nl->buf;
		int len = (int)n;

		if (n < 0)
			return (int)n;
		for (; nlmsg_ok(nlh, len); nlh = nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			if (nlh->nlmsg_seq == barrier.nlmsg_seq)
				done = true;
			else
				record_error(ops, cnt, nlh, failed);
		}
	}
	for (size_t i = 0; i < cnt; i++)
		ops[i].acked = true;
	return 0;
}

/* How many of ops[0..n) make the next chunk. */
static size_t chunk_len(struct tctl_nl_op *ops, size_t n)
{
	size_t cnt = 0, bytes = 0;

	while (cnt < n && cnt < CHUNK_MAX_MSGS) {
		size_t len = nlmsg_hdr(ops[cnt].msg)->nlmsg_len;

		if (cnt && bytes + len > CHUNK_MAX_BYTES)
			break;
		bytes += len;
		cnt++;
	}
	return cnt;
}

int tctl_nl_batch_run(struct tctl_nl *nl, struct tctl_nl_batch *b,
		      struct tctl_err *err)
{
	size_t next = 0;

	b->failed = 0;
	while (next < b->n) {
		size_t cnt = chunk_len(&b->ops[next], b->n - next);
		int ret = run_chunk(nl, &b->ops[next], cnt, &b->failed, err);

		if (ret)
			return ret;
		next += cnt;
	}
	return 0;
}

int tctl_nl_stream(struct tctl_nl *nl, size_t n, tctl_nl_make_cb make,
		   tctl_nl_done_cb done, void *arg, struct tctl_err *err)
{
	static struct tctl_nl_op win[CHUNK_MAX_MSGS];
	size_t next = 0, failed = 0, built;
	int ret = 0;

	while (next < n && !ret) {
		size_t bytes = 0, cnt;

		for (built = 0; next + built < n && built < CHUNK_MAX_MSGS &&
		     bytes < CHUNK_MAX_BYTES; built++) {
			memset(&win[built], 0, sizeof(win[built]));
			win[built].msg = make(next + built, arg);
			if (!win[built].msg) {
				ret = tctl_err_nomem(err);
				break;
			}
			bytes += nlmsg_hdr(win[built].msg)->nlmsg_len;
		}
		for (size_t i = 0; !ret && i < built; i += cnt) {
			cnt = chunk_len(&win[i], built - i);
			ret = run_chunk(nl, &win[i], cnt, &failed, err);
			for (size_t k = i; !ret && k < i + cnt; k++)
				done(next + k, win[k].error, win[k].ext_msg, arg);
		}
		for (size_t k = 0; k < built; k++) {
			nlmsg_free(win[k].msg);
			free(win[k].ext_msg);
		}
		next += built;
	}
	return ret;
}

int tctl_nl_request(struct tctl_nl *nl, struct nl_msg *msg, struct tctl_err *err,
		    const char *fmt, ...)
{
	struct tctl_nl_batch b = { 0 };
	char label[512];
	va_list ap;
	int ret;

	va_start(ap, fmt);
	vsnprintf(label, sizeof(label), fmt, ap);
	va_end(ap);
	ret = tctl_nl_batch_add(&b, msg, err, "%s", label);
	if (!ret)
		ret = tctl_nl_batch_run(nl, &b, err);
	if (!ret && b.failed) {
		tctl_nl_op_error(&b.ops[0], err);
		ret = b.ops[0].error;
	}
	tctl_nl_batch_free(&b);
	return ret;
}

/*
 * A kernel error of a dump or a request with replies, named by label
 * ("label: text (strerror)"); without a label, a dump's "dump: text".
 */
static int reply_error(const char *label, int code, char *ext, struct tctl_err *err)
{
	int ret;

	if (label)
		ret = op_error(label, code, ext, err);
	else if (ext)
		ret = tctl_err_set(err, TCTL_ERR_KERNEL, -code, "dump: %s (%s)", ext,
				   strerror(-code));
	else
		ret = tctl_err_set(err, TCTL_ERR_KERNEL, -code, "dump: %s", strerror(-code));
	free(ext);
	return ret;
}

/*
 * Handle one message of a reply: 1 when the exchange is complete (the
 * ack, or NLMSG_DONE).  A failed dump's error, and its extended-ack text,
 * may come in NLMSG_DONE (generic netlink families do that).
 */
static int reply_msg(struct nlmsghdr *nlh, tctl_nl_msg_cb cb, void *arg, int *cb_ret,
		     bool *intr, const char *label, struct tctl_err *err)
{
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		*intr = true;
	if (nlh->nlmsg_type == NLMSG_DONE) {
		int code = 0;

		if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(int))
			code = *(int *)nlmsg_data(nlh);
		if (code > 0)
			code = -code;
		if (code < 0 && !*cb_ret)
			*cb_ret = reply_error(label, code,
					      ext_ack_text(nlh, NLMSG_ALIGN(sizeof(int))), err);
		return 1;
	}
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		struct nlmsgerr *e = nlmsg_data(nlh);

		if (!*cb_ret && nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(*e) && e->error)
			*cb_ret = reply_error(label, e->error, error_ext_ack(nlh), err);
		return 1;
	}
	if (!*cb_ret && cb)
		*cb_ret = cb(nlh, arg, err);	/* after a failure, only drain */
	return 0;
}

/*
 * Send req with flags added (NLM_F_DUMP, or NLM_F_ACK for a request with
 * replies) and hand cb the replies until NLMSG_DONE or the ack.
 */
static int exchange(struct tctl_nl *nl, struct nl_msg *req, int flags, tctl_nl_msg_cb cb,
		    void *arg, bool *intr, const char *label, struct tctl_err *err)
{
	struct nlmsghdr *h = nlmsg_hdr(req);
	struct iovec iov = { h, h->nlmsg_len };
	uint32_t seq = ++nl->seq;
	int cb_ret = 0;

	h->nlmsg_flags |= (uint16_t)(NLM_F_REQUEST | flags);
	h->nlmsg_seq = seq;
	h->nlmsg_pid = nl->portid;
	*intr = false;
	if (send_iov(nl, &iov, 1, err))
		return -EIO;
	for (;;) {
		ssize_t n = sock_recv(nl, err);
		struct nlmsghdr *nlh = (struct nlmsghdr *)nl->buf;
		int len = (int)n;

		if (n < 0)
			return (int)n;
		for (; nlmsg_ok(nlh, len); nlh = nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_seq != seq || nlh->nlmsg_pid != nl->portid)
				continue;	/* stale */
			if (reply_msg(nlh, cb, arg, &cb_ret, intr, label, err))
				return cb_ret;
		}
	}
}

int tctl_nl_request_reply(struct tctl_nl *nl, struct nl_msg *msg, tctl_nl_msg_cb cb,
			  void *arg, struct tctl_err *err, const char *fmt, ...)
{
	char label[512];
	va_list ap;
	bool intr;
	int ret;

	if (!msg)
		return tctl_err_nomem(err);
	va_start(ap, fmt);
	vsnprintf(label, sizeof(label), fmt, ap);
	va_end(ap);
	ret = exchange(nl, msg, NLM_F_ACK, cb, arg, &intr, label, err);
	nlmsg_free(msg);
	return ret;
}

int tctl_nl_dump(struct tctl_nl *nl, tctl_nl_req_cb make_req, tctl_nl_msg_cb cb,
		 tctl_nl_reset_cb reset, void *arg, struct tctl_err *err)
{
	return tctl_nl_dump_named(nl, make_req, cb, reset, arg, NULL, "the kernel's tables",
				  err);
}

int tctl_nl_dump_named(struct tctl_nl *nl, tctl_nl_req_cb make_req, tctl_nl_msg_cb cb,
		       tctl_nl_reset_cb reset, void *arg, const char *label, const char *what,
		       struct tctl_err *err)
{
	for (int attempt = 0; attempt < MAX_DUMP_ATTEMPTS; attempt++) {
		struct nl_msg *req = make_req(arg);
		bool intr;
		int ret;

		if (!req)
			return tctl_err_nomem(err);
		ret = exchange(nl, req, NLM_F_DUMP, cb, arg, &intr, label, err);
		nlmsg_free(req);
		if (ret < 0)
			return ret;
		if (!intr)
			return 0;
		nl->dump_retries++;
		if (reset)
			reset(arg);
	}
	return tctl_err_set(err, TCTL_ERR_SYSTEM, EAGAIN,
			    "%s kept changing during %d dumps; try again", what,
			    MAX_DUMP_ATTEMPTS);
}

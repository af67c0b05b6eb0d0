// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE
#include "nl_flowtun.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
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

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

/* A genl dump message is at most 32 KiB; 64 KiB never truncates. */
#define RECV_BUF_SIZE (64 * 1024)
#define MAX_DUMP_ATTEMPTS 8
#define RECV_TIMEOUT_SEC 30

struct tctl_ft {
	struct nl_sock *sk;
	int fd;
	int family;
	uint32_t portid;
	uint32_t seq;
	unsigned char *buf;
};

static const char *const drop_names[TCTL_FT_NDROPS] = {
	[FLOWTUN_DROP_NO_METADATA] = "no_metadata",
	[FLOWTUN_DROP_LOOP] = "loop",
	[FLOWTUN_DROP_NO_ROUTE] = "no_route",
	[FLOWTUN_DROP_HEADROOM] = "headroom",
	[FLOWTUN_DROP_PMTU] = "pmtu",
	[FLOWTUN_DROP_RECURSION] = "recursion",
	[FLOWTUN_DROP_TX_PROTO] = "tx_proto",
	[FLOWTUN_DROP_TRUNCATED] = "truncated",
	[FLOWTUN_DROP_GRE_VERSION] = "gre_version",
	[FLOWTUN_DROP_GRE_ROUTING] = "gre_routing",
	[FLOWTUN_DROP_GRE_CSUM] = "gre_csum",
	[FLOWTUN_DROP_UNKNOWN_PROTO] = "unknown_proto",
	[FLOWTUN_DROP_BAD_INNER] = "bad_inner",
	[FLOWTUN_DROP_NOT_ALLOWED] = "not_allowed",
	[FLOWTUN_DROP_ECN] = "ecn",
	[FLOWTUN_DROP_XFRM_POLICY] = "xfrm_policy",
	[FLOWTUN_DROP_NOMEM] = "nomem",
};

/* A reason added to the uapi without a name here breaks the build. */
_Static_assert(FLOWTUN_DROP_NOMEM + 1 == TCTL_FT_NDROPS, "a drop reason has no name");
_Static_assert(FLOWTUN_STATS_A_DROP_BASE + TCTL_FT_NDROPS == __FLOWTUN_STATS_A_MAX,
	       "the stats attributes do not follow the drop reasons");

const char *tctl_ft_drop_name(size_t i)
{
	return i < TCTL_FT_NDROPS ? drop_names[i] : NULL;
}

uint64_t tctl_ft_drops_total(const struct tctl_ft_stats *s)
{
	uint64_t n = 0;

	for (size_t i = 0; i < TCTL_FT_NDROPS; i++)
		n += s->drops[i];
	return n;
}

/* Lists ---------------------------------------------------------------- */

static void *grow(void **v, size_t *n, size_t *cap, size_t size)
{
	char *p;

	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		void *nv = realloc(*v, ncap * size);

		if (!nv)
			return NULL;
		*v = nv;
		*cap = ncap;
	}
	p = (char *)*v + (*n)++ * size;
	memset(p, 0, size);
	return p;
}

void tctl_ft_dev_list_free(struct tctl_ft_dev_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void tctl_ft_peer_list_free(struct tctl_ft_peer_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Socket --------------------------------------------------------------- */

/* As nl.c does for the rtnetlink socket: enter the namespace to open it. */
static int enter_netns(const char *name, int *saved, struct tctl_err *err)
{
	char path[PATH_MAX];
	int fd;

	if (!name[0] || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return tctl_err_usage(err, "\"%s\" is not a valid network namespace name", name);
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return tctl_err_set(err, TCTL_ERR_USAGE, errno,
				    "network namespace \"%s\" not found (%s: %s)", name, path,
				    strerror(errno));
	*saved = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (*saved < 0) {
		int e = errno;

		close(fd);
		return tctl_err_set(err, TCTL_ERR_SYSTEM, e,
				    "cannot open /proc/self/ns/net: %s", strerror(e));
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		int e = errno;

		close(fd);
		close(*saved);
		*saved = -1;
		return tctl_err_set(err, TCTL_ERR_SYSTEM, e,
				    "cannot enter network namespace \"%s\": %s%s", name,
				    strerror(e), e == EPERM ? " (CAP_SYS_ADMIN is needed)" : "");
	}
	close(fd);
	return 0;
}

static void leave_netns(int saved)
{
	if (saved < 0)
		return;
	if (setns(saved, CLONE_NEWNET) < 0)
		perror("tunnelctl: setns back");
	close(saved);
}

static void set_opt(int fd, int opt)
{
	int one = 1;

	/* Without them an old kernel only loses the extended-ack text. */
	(void)setsockopt(fd, SOL_NETLINK, opt, &one, sizeof(one));
}

static int socket_setup(struct tctl_ft *ft, struct tctl_err *err)
{
	struct timeval tv = { .tv_sec = RECV_TIMEOUT_SEC };
	int ret;

	ft->sk = nl_socket_alloc();
	if (!ft->sk)
		return tctl_err_nomem(err);
	ret = genl_connect(ft->sk);
	if (ret < 0)
		return tctl_err_set(err, TCTL_ERR_SYSTEM, EIO,
				    "cannot open a generic netlink socket: %s", nl_geterror(ret));
	ft->fd = nl_socket_get_fd(ft->sk);
	ft->portid = nl_socket_get_local_port(ft->sk);
	(void)setsockopt(ft->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	ret = genl_ctrl_resolve(ft->sk, FLOWTUN_GENL_NAME);
	if (ret == -NLE_OBJ_NOTFOUND)
		return tctl_err_set(err, TCTL_ERR_KERNEL, EOPNOTSUPP, "%s", TCTL_FT_NOT_LOADED);
	if (ret < 0)
		return tctl_err_set(err, TCTL_ERR_SYSTEM, EIO,
				    "resolving the generic netlink family \"%s\": %s",
				    FLOWTUN_GENL_NAME, nl_geterror(ret));
	ft->family = ret;
	/* From here on the fd is ours: libnl's sequence numbers are done with. */
	set_opt(ft->fd, NETLINK_EXT_ACK);
	set_opt(ft->fd, NETLINK_CAP_ACK);
	return 0;
}

int tctl_ft_open(struct tctl_ft **out, const char *netns, struct tctl_err *err)
{
	struct tctl_ft *ft = calloc(1, sizeof(*ft));
	int saved = -1, ret;

	*out = NULL;
	if (!ft)
		return tctl_err_nomem(err);
	ft->fd = -1;
	ft->buf = malloc(RECV_BUF_SIZE);
	if (!ft->buf) {
		free(ft);
		return tctl_err_nomem(err);
	}
	ft->seq = (uint32_t)time(NULL) ^ 0x5a5a0000u;
	if (netns) {
		ret = enter_netns(netns, &saved, err);
		if (ret)
			goto fail;
	}
	ret = socket_setup(ft, err);
	leave_netns(saved);
	if (ret)
		goto fail;
	*out = ft;
	return 0;
fail:
	tctl_ft_close(ft);
	return ret;
}

void tctl_ft_close(struct tctl_ft *ft)
{
	if (!ft)
		return;
	if (ft->sk)
		nl_socket_free(ft->sk);
	free(ft->buf);
	free(ft);
}

/* Exchange ------------------------------------------------------------- */

static struct nl_msg *ft_msg(struct tctl_ft *ft, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && !genlmsg_put(msg, 0, 0, ft->family, 0, flags | NLM_F_REQUEST, cmd,
				FLOWTUN_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static ssize_t sock_recv(struct tctl_ft *ft, struct tctl_err *err)
{
	struct sockaddr_nl sa;
	struct iovec iov = { ft->buf, RECV_BUF_SIZE };
	struct msghdr m = {
		.msg_name = &sa, .msg_namelen = sizeof(sa),
		.msg_iov = &iov, .msg_iovlen = 1,
	};
	ssize_t n;

	for (;;) {
		n = recvmsg(ft->fd, &m, 0);
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
					    "no reply from the flowtun module within %d s",
					    RECV_TIMEOUT_SEC);
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
};

/* The extended-ack text that follows payload_off bytes of the payload. */
static void ext_ack_text(struct nlmsghdr *nlh, size_t payload_off, char *buf, size_t len)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t total = nlh->nlmsg_len - NLMSG_HDRLEN;
	int n;

	buf[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || payload_off >= total)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)nlmsg_data(nlh) + payload_off),
		      (int)(total - payload_off), ext_ack_policy) < 0 ||
	    !tb[NLMSGERR_ATTR_MSG] || nla_len(tb[NLMSGERR_ATTR_MSG]) <= 0)
		return;
	n = nla_len(tb[NLMSGERR_ATTR_MSG]);
	snprintf(buf, len, "%.*s", n, (const char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
}

/* A kernel error as "label: text (strerror)"; returns -code. */
static int kernel_error(int code, const char *ext, const char *label, struct tctl_err *err)
{
	const char *hint = code == EPERM ? " (CAP_NET_ADMIN is needed)" : "";

	if (ext[0])
		return tctl_err_set(err, TCTL_ERR_KERNEL, code, "%s: %s (%s)%s", label, ext,
				    strerror(code), hint);
	return tctl_err_set(err, TCTL_ERR_KERNEL, code, "%s: %s%s", label, strerror(code),
			    hint);
}

/* The error of an NLMSG_ERROR or NLMSG_DONE message (0: none). */
static int reply_error(struct nlmsghdr *nlh, char *ext, size_t len)
{
	int code = 0;

	ext[0] = '\0';
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		struct nlmsgerr *e = nlmsg_data(nlh);
		size_t off = sizeof(*e);

		if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*e))
			return -EIO;
		code = e->error;
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - NLMSG_HDRLEN;
		if (code)
			ext_ack_text(nlh, NLMSG_ALIGN(off), ext, len);
	} else if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(int)) {
		code = *(int *)nlmsg_data(nlh);
		if (code)
			ext_ack_text(nlh, NLMSG_ALIGN(sizeof(int)), ext, len);
	}
	return code > 0 ? -code : code;
}

/* Called for each reply message of the family; negative stops. */
typedef int (*ft_msg_cb)(struct tctl_ft *ft, struct nlmsghdr *nlh, void *arg,
			 struct tctl_err *err);

/*
 * Send msg (consumed) and read the replies until the ack (a doit) or
 * NLMSG_DONE (a dump).  *intr tells whether a dump was interrupted.
 */
static int exchange(struct tctl_ft *ft, struct nl_msg *msg, ft_msg_cb cb, void *arg,
		    bool *intr, const char *label, struct tctl_err *err)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct nlmsghdr *h;
	bool dump;
	uint32_t seq;
	int cb_ret = 0;
	ssize_t n;

	if (!msg)
		return tctl_err_nomem(err);
	h = nlmsg_hdr(msg);
	dump = h->nlmsg_flags & NLM_F_DUMP;
	if (!dump)
		h->nlmsg_flags |= NLM_F_ACK;
	h->nlmsg_seq = seq = ++ft->seq;
	h->nlmsg_pid = ft->portid;
	*intr = false;
	do {
		n = sendto(ft->fd, h, h->nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel));
	} while (n < 0 && errno == EINTR);
	nlmsg_free(msg);
	if (n < 0)
		return tctl_err_set(err, TCTL_ERR_SYSTEM, errno, "netlink send: %s",
				    strerror(errno));
	for (;;) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)ft->buf;
		int len;

		n = sock_recv(ft, err);
		if (n < 0)
			return (int)n;
		len = (int)n;
		for (; nlmsg_ok(nlh, len); nlh = nlmsg_next(nlh, &len)) {
			char ext[512];
			int code;

			if (nlh->nlmsg_seq != seq || nlh->nlmsg_pid != ft->portid)
				continue;	/* stale */
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				*intr = true;
			if (nlh->nlmsg_type == NLMSG_ERROR || nlh->nlmsg_type == NLMSG_DONE) {
				code = reply_error(nlh, ext, sizeof(ext));
				if (code && !cb_ret)
					cb_ret = kernel_error(-code, ext, label, err);
				return cb_ret;
			}
			if (nlh->nlmsg_type != ft->family || cb_ret)
				continue;	/* after a failure, only drain */
			cb_ret = cb(ft, nlh, arg, err);
		}
	}
}

/* Parsing -------------------------------------------------------------- */

static struct nla_policy attr_policy[FLOWTUN_A_MAX + 1] = {
	[FLOWTUN_A_IFINDEX] = { .type = NLA_U32 },
	[FLOWTUN_A_IFNAME] = { .type = NLA_STRING, .maxlen = IFNAMSIZ },
	[FLOWTUN_A_PEER] = { .type = NLA_NESTED },
	[FLOWTUN_A_MODE] = { .type = NLA_U8 },
	[FLOWTUN_A_LOCAL] = { .type = NLA_U32 },
	[FLOWTUN_A_POLICY] = { .type = NLA_U8 },
	[FLOWTUN_A_LINK] = { .type = NLA_U32 },
	[FLOWTUN_A_PEER_COUNT] = { .type = NLA_U32 },
	[FLOWTUN_A_STATS] = { .type = NLA_NESTED },
};

static struct nla_policy peer_policy[FLOWTUN_PEER_A_MAX + 1] = {
	[FLOWTUN_PEER_A_REMOTE] = { .type = NLA_U32 },
	[FLOWTUN_PEER_A_ID] = { .type = NLA_U64 },
	[FLOWTUN_PEER_A_STATS] = { .type = NLA_NESTED },
};

static struct nla_policy stats_policy[FLOWTUN_STATS_A_MAX + 1] = {
	[FLOWTUN_STATS_A_RX_PACKETS ... FLOWTUN_STATS_A_MAX] = { .type = NLA_U64 },
};

static int parse_stats(struct nlattr *nest, struct tctl_ft_stats *s)
{
	struct nlattr *tb[FLOWTUN_STATS_A_MAX + 1];

	memset(s, 0, sizeof(*s));
	if (!nest)
		return 0;
	if (nla_parse_nested(tb, FLOWTUN_STATS_A_MAX, nest, stats_policy) < 0)
		return -EINVAL;
#define GET(attr) (tb[attr] ? nla_get_u64(tb[attr]) : 0)
	s->rx_packets = GET(FLOWTUN_STATS_A_RX_PACKETS);
	s->rx_bytes = GET(FLOWTUN_STATS_A_RX_BYTES);
	s->tx_packets = GET(FLOWTUN_STATS_A_TX_PACKETS);
	s->tx_bytes = GET(FLOWTUN_STATS_A_TX_BYTES);
	for (size_t i = 0; i < TCTL_FT_NDROPS; i++)
		s->drops[i] = GET(FLOWTUN_STATS_A_DROP_BASE + i);
#undef GET
	return 0;
}

static int parse_attrs(struct nlmsghdr *nlh, uint8_t cmd, struct nlattr **tb)
{
	struct genlmsghdr *g;

	if (!genlmsg_valid_hdr(nlh, 0))
		return -EINVAL;
	g = genlmsg_hdr(nlh);
	if (g->cmd != cmd)
		return -EINVAL;
	return genlmsg_parse(nlh, 0, tb, FLOWTUN_A_MAX, attr_policy) < 0 ? -EINVAL : 0;
}

static int parse_dev(struct nlmsghdr *nlh, struct tctl_ft_dev *d)
{
	struct nlattr *tb[FLOWTUN_A_MAX + 1];
	uint8_t mode;

	memset(d, 0, sizeof(*d));
	if (parse_attrs(nlh, FLOWTUN_CMD_DEV_GET, tb) || !tb[FLOWTUN_A_IFINDEX] ||
	    !tb[FLOWTUN_A_IFNAME])
		return -EINVAL;
	d->ifindex = (int)nla_get_u32(tb[FLOWTUN_A_IFINDEX]);
	nla_strlcpy(d->name, tb[FLOWTUN_A_IFNAME], sizeof(d->name));
	mode = tb[FLOWTUN_A_MODE] ? nla_get_u8(tb[FLOWTUN_A_MODE]) : FLOWTUN_MODE_GRE;
	d->mode = mode == FLOWTUN_MODE_GRE ? TCTL_KIND_GRE :
		  mode == FLOWTUN_MODE_IPIP ? TCTL_KIND_IPIP : TCTL_KIND_OTHER;
	if (tb[FLOWTUN_A_LOCAL])
		d->local.s_addr = nla_get_u32(tb[FLOWTUN_A_LOCAL]);	/* be32 as is */
	if (tb[FLOWTUN_A_POLICY])
		d->policy = nla_get_u8(tb[FLOWTUN_A_POLICY]);
	if (tb[FLOWTUN_A_LINK])
		d->link_ifindex = (int)nla_get_u32(tb[FLOWTUN_A_LINK]);
	if (tb[FLOWTUN_A_PEER_COUNT])
		d->peer_count = nla_get_u32(tb[FLOWTUN_A_PEER_COUNT]);
	return parse_stats(tb[FLOWTUN_A_STATS], &d->stats);
}

static int parse_peer(struct nlmsghdr *nlh, struct tctl_ft_peer *p)
{
	struct nlattr *tb[FLOWTUN_A_MAX + 1], *pt[FLOWTUN_PEER_A_MAX + 1];

	memset(p, 0, sizeof(*p));
	if (parse_attrs(nlh, FLOWTUN_CMD_PEER_GET, tb) || !tb[FLOWTUN_A_IFINDEX] ||
	    !tb[FLOWTUN_A_PEER] ||
	    nla_parse_nested(pt, FLOWTUN_PEER_A_MAX, tb[FLOWTUN_A_PEER], peer_policy) < 0 ||
	    !pt[FLOWTUN_PEER_A_REMOTE])
		return -EINVAL;
	p->ifindex = (int)nla_get_u32(tb[FLOWTUN_A_IFINDEX]);
	p->remote.s_addr = nla_get_u32(pt[FLOWTUN_PEER_A_REMOTE]);
	if (pt[FLOWTUN_PEER_A_ID])
		p->id = nla_get_u64(pt[FLOWTUN_PEER_A_ID]);
	return parse_stats(pt[FLOWTUN_PEER_A_STATS], &p->stats);
}

static int bad_reply(struct tctl_err *err, const char *what)
{
	return tctl_err_set(err, TCTL_ERR_SYSTEM, EPROTO,
			    "the flowtun module sent a %s this tunnelctl cannot read", what);
}

/* Requests ------------------------------------------------------------- */

static int dev_one_cb(struct tctl_ft *ft, struct nlmsghdr *nlh, void *arg,
		      struct tctl_err *err)
{
	(void)ft;
	return parse_dev(nlh, arg) ? bad_reply(err, "device") : 0;
}

int tctl_ft_dev_get(struct tctl_ft *ft, const char *name, struct tctl_ft_dev *out,
		    struct tctl_err *err)
{
	struct nl_msg *msg = ft_msg(ft, FLOWTUN_CMD_DEV_GET, 0);
	bool intr;
	char label[64];

	memset(out, 0, sizeof(*out));
	if (msg && nla_put_string(msg, FLOWTUN_A_IFNAME, name) < 0) {
		nlmsg_free(msg);
		msg = NULL;
	}
	snprintf(label, sizeof(label), "reading flowtun device %s", name);
	return exchange(ft, msg, dev_one_cb, out, &intr, label, err);
}

static int dev_dump_cb(struct tctl_ft *ft, struct nlmsghdr *nlh, void *arg,
		       struct tctl_err *err)
{
	struct tctl_ft_dev_list *l = arg;
	struct tctl_ft_dev d, *slot;

	(void)ft;
	if (parse_dev(nlh, &d))
		return bad_reply(err, "device");
	slot = grow((void **)&l->v, &l->n, &l->cap, sizeof(*l->v));
	if (!slot)
		return tctl_err_nomem(err);
	*slot = d;
	return 0;
}

int tctl_ft_dev_dump(struct tctl_ft *ft, struct tctl_ft_dev_list *out, struct tctl_err *err)
{
	for (int attempt = 0; attempt < MAX_DUMP_ATTEMPTS; attempt++) {
		bool intr;
		int ret;

		out->n = 0;
		ret = exchange(ft, ft_msg(ft, FLOWTUN_CMD_DEV_GET, NLM_F_DUMP), dev_dump_cb, out,
			       &intr, "listing flowtun devices", err);
		if (ret || !intr)
			return ret;
	}
	return tctl_err_set(err, TCTL_ERR_SYSTEM, EAGAIN, "the flowtun devices kept "
			    "changing during %d dumps; try again", MAX_DUMP_ATTEMPTS);
}

/* A request about device ifindex, with a peer nest when remote is given. */
static struct nl_msg *peer_msg(struct tctl_ft *ft, uint8_t cmd, int flags, int ifindex,
			       const struct in_addr *remote, const uint64_t *id)
{
	struct nl_msg *msg = ft_msg(ft, cmd, flags);
	struct nlattr *nest;

	if (!msg)
		return NULL;
	if (nla_put_u32(msg, FLOWTUN_A_IFINDEX, (uint32_t)ifindex) < 0)
		goto fail;
	if (remote) {
		nest = nla_nest_start(msg, FLOWTUN_A_PEER);
		if (!nest || nla_put(msg, FLOWTUN_PEER_A_REMOTE, sizeof(*remote), remote) < 0 ||
		    (id && nla_put_u64(msg, FLOWTUN_PEER_A_ID, *id) < 0))
			goto fail;
		nla_nest_end(msg, nest);
	}
	return msg;
fail:
	nlmsg_free(msg);
	return NULL;
}

struct peer_collect {
	const struct tctl_ft_dev *dev;
	struct tctl_ft_peer_list *out;
	struct tctl_ft_peer *one;
};

static int peer_cb(struct tctl_ft *ft, struct nlmsghdr *nlh, void *arg,
		   struct tctl_err *err)
{
	struct peer_collect *c = arg;
	struct tctl_ft_peer p, *slot;

	(void)ft;
	if (parse_peer(nlh, &p))
		return bad_reply(err, "peer");
	if (p.ifindex != c->dev->ifindex)
		return 0;
	memcpy(p.dev, c->dev->name, sizeof(p.dev));
	if (c->one) {
		*c->one = p;
		return 0;
	}
	slot = grow((void **)&c->out->v, &c->out->n, &c->out->cap, sizeof(*c->out->v));
	if (!slot)
		return tctl_err_nomem(err);
	*slot = p;
	return 0;
}

int tctl_ft_peer_get(struct tctl_ft *ft, const struct tctl_ft_dev *dev, struct in_addr remote,
		     struct tctl_ft_peer *out, struct tctl_err *err)
{
	struct peer_collect c = { .dev = dev, .one = out };
	char label[96], a[INET_ADDRSTRLEN];
	bool intr;

	memset(out, 0, sizeof(*out));
	snprintf(label, sizeof(label), "reading peer %s of %s",
		 inet_ntop(AF_INET, &remote, a, sizeof(a)), dev->name);
	return exchange(ft, peer_msg(ft, FLOWTUN_CMD_PEER_GET, 0, dev->ifindex, &remote, NULL),
			peer_cb, &c, &intr, label, err);
}

int tctl_ft_peer_dump(struct tctl_ft *ft, const struct tctl_ft_dev *dev,
		      struct tctl_ft_peer_list *out, struct tctl_err *err)
{
	struct peer_collect c = { .dev = dev, .out = out };
	size_t start = out->n;
	char label[64];

	snprintf(label, sizeof(label), "listing the peers of %s", dev->name);
	for (int attempt = 0; attempt < MAX_DUMP_ATTEMPTS; attempt++) {
		bool intr;
		int ret;

		out->n = start;
		ret = exchange(ft, peer_msg(ft, FLOWTUN_CMD_PEER_GET, NLM_F_DUMP, dev->ifindex,
					    NULL, NULL), peer_cb, &c, &intr, label, err);
		if (ret || !intr)
			return ret;
	}
	return tctl_err_set(err, TCTL_ERR_SYSTEM, EAGAIN, "the peers of %s kept changing "
			    "during %d dumps; try again", dev->name, MAX_DUMP_ATTEMPTS);
}

static int write_cb(struct tctl_ft *ft, struct nlmsghdr *nlh, void *arg, struct tctl_err *err)
{
	(void)ft;
	(void)nlh;
	(void)arg;
	(void)err;
	return 0;
}

/* Commands ------------------------------------------------------------- */

/* The device a command names, which must be a flowtun device. */
static int find_dev(struct tctl_ft *ft, const char *name, struct tctl_ft_dev *d,
		    struct tctl_err *err)
{
	int ret = tctl_ft_dev_get(ft, name, d, err);

	if (ret == -ENODEV)
		return tctl_err_state(err, ENODEV, "device \"%s\" does not exist", name);
	if (ret == -EOPNOTSUPP)
		return tctl_err_state(err, EOPNOTSUPP, "device %s is not a flowtun device "
				      "(one made with 'tunnelctl dev add NAME mode gre|ipip "
				      "datapath kmod')", name);
	return ret;
}

int tctl_ft_peer_add(struct tctl_ft *ft, const struct tctl_ft_peer_req *req, bool replace,
		     struct tctl_err *err)
{
	struct tctl_ft_dev d;
	struct tctl_ft_peer cur;
	struct nl_msg *msg;
	char a[INET_ADDRSTRLEN], label[96];
	bool intr;
	int ret;

	inet_ntop(AF_INET, &req->remote, a, sizeof(a));
	ret = find_dev(ft, req->dev, &d, err);
	if (ret)
		return ret;
	ret = tctl_ft_peer_get(ft, &d, req->remote, &cur, err);
	if (!ret && !replace)
		return tctl_err_state(err, EEXIST, "peer %s already exists on %s (id %" PRIu64
				      "); use 'tunnelctl peer replace' to change it", a,
				      d.name, cur.id);
	if (ret && ret != -ENOENT)
		return ret;
	tctl_err_clear(err);
	/* A replace states the whole peer: no id is id 0, as for an add. */
	msg = peer_msg(ft, FLOWTUN_CMD_PEER_ADD, 0, d.ifindex, &req->remote, &req->id);
	if (msg && replace && nla_put_u32(msg, FLOWTUN_A_FLAGS, FLOWTUN_F_REPLACE) < 0) {
		nlmsg_free(msg);
		msg = NULL;
	}
	snprintf(label, sizeof(label), "%s peer %s on %s", replace ? "replacing" : "adding", a,
		 d.name);
	ret = exchange(ft, msg, write_cb, NULL, &intr, label, err);
	if (ret == -EEXIST && !replace)
		return tctl_err_state(err, EEXIST, "peer %s already exists on %s; use "
				      "'tunnelctl peer replace' to change it", a, d.name);
	return ret;
}

int tctl_ft_peer_del(struct tctl_ft *ft, const struct tctl_ft_peer_req *req,
		     struct tctl_err *err)
{
	struct tctl_ft_dev d;
	struct tctl_ft_peer cur;
	char a[INET_ADDRSTRLEN], label[96];
	bool intr;
	int ret;

	inet_ntop(AF_INET, &req->remote, a, sizeof(a));
	ret = find_dev(ft, req->dev, &d, err);
	if (!ret)
		ret = tctl_ft_peer_get(ft, &d, req->remote, &cur, err);
	if (ret == -ENOENT)
		return tctl_err_state(err, ENOENT, "no peer %s on %s", a, d.name);
	if (ret)
		return ret;
	snprintf(label, sizeof(label), "deleting peer %s of %s", a, d.name);
	ret = exchange(ft, peer_msg(ft, FLOWTUN_CMD_PEER_DEL, 0, d.ifindex, &req->remote, NULL),
		       write_cb, NULL, &intr, label, err);
	if (ret == -ENOENT)
		return tctl_err_state(err, ENOENT, "no peer %s on %s", a, d.name);
	return ret;
}

static int peer_order(const void *a, const void *b)
{
	const struct tctl_ft_peer *x = a, *y = b;
	int c = strcmp(x->dev, y->dev);
	uint32_t rx = ntohl(x->remote.s_addr), ry = ntohl(y->remote.s_addr);

	if (c)
		return c;
	return rx < ry ? -1 : rx > ry;
}

static int dev_order(const void *a, const void *b)
{
	return strcmp(((const struct tctl_ft_dev *)a)->name,
		      ((const struct tctl_ft_dev *)b)->name);
}

/* One device's part of a show: its peers, or the one remote. */
static int show_dev(struct tctl_ft *ft, const struct tctl_ft_dev *d, const struct tctl_ft_filter *f,
		    struct tctl_ft_peer_list *peers, struct tctl_err *err)
{
	struct tctl_ft_peer p, *slot;
	int ret;

	if (!f->has_remote)
		ret = tctl_ft_peer_dump(ft, d, peers, err);
	else
		ret = tctl_ft_peer_get(ft, d, f->remote, &p, err);
	/* Not in its table, or the device went away meanwhile: nothing to show. */
	if (ret == -ENOENT || (!f->has_dev && (ret == -ENODEV || ret == -EOPNOTSUPP))) {
		tctl_err_clear(err);
		return 0;
	}
	if (ret || !f->has_remote)
		return ret;
	slot = grow((void **)&peers->v, &peers->n, &peers->cap, sizeof(*peers->v));
	if (!slot)
		return tctl_err_nomem(err);
	*slot = p;
	return 0;
}

int tctl_ft_show(struct tctl_ft *ft, const struct tctl_ft_filter *f,
		 struct tctl_ft_dev_list *devs, struct tctl_ft_peer_list *peers,
		 struct tctl_err *err)
{
	char a[INET_ADDRSTRLEN];
	int ret = 0;

	if (f->has_dev) {
		struct tctl_ft_dev *slot = grow((void **)&devs->v, &devs->n, &devs->cap,
						sizeof(*devs->v));

		if (!slot)
			return tctl_err_nomem(err);
		ret = find_dev(ft, f->dev, slot, err);
		if (ret)
			devs->n = 0;
	} else {
		ret = tctl_ft_dev_dump(ft, devs, err);
	}
	if (ret)
		return ret;
	qsort(devs->v, devs->n, sizeof(*devs->v), dev_order);
	for (size_t i = 0; !ret && i < devs->n; i++)
		ret = show_dev(ft, &devs->v[i], f, peers, err);
	if (ret)
		return ret;
	if (f->has_remote && !peers->n)
		return tctl_err_state(err, ESRCH, "no peer %s on %s%s",
				      inet_ntop(AF_INET, &f->remote, a, sizeof(a)),
				      f->has_dev ? "" : "any flowtun device",
				      f->has_dev ? f->dev : "");
	if (peers->n)
		qsort(peers->v, peers->n, sizeof(*peers->v), peer_order);
	return 0;
}

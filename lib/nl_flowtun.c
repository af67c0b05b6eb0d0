// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE
#include "nl_flowtun.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nl.h"

/* The uapi header's names: one list for the module's tools and lib/. */
static const char *const drop_names[] = FLOWTUN_DROP_NAMES_INIT;

/* Reasons are appended: a reason without a name makes the array short. */
_Static_assert(sizeof(drop_names) / sizeof(drop_names[0]) == TCTL_FT_NDROPS,
	       "a drop reason has no name in FLOWTUN_DROP_NAMES_INIT");
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

#define RECV_TIMEOUT_SEC 30

struct tctl_ft {
	struct tctl_nl *nl;
	int family;
};

int tctl_ft_open(struct tctl_ft **out, const char *netns, struct tctl_err *err)
{
	struct tctl_ft *ft = calloc(1, sizeof(*ft));
	int ret;

	*out = NULL;
	if (!ft)
		return tctl_err_nomem(err);
	ret = tctl_nl_open_proto(&ft->nl, NETLINK_GENERIC, netns, err);
	if (ret)
		goto fail;
	tctl_nl_set_timeout(ft->nl, RECV_TIMEOUT_SEC, "the flowtun module");
	ret = genl_ctrl_resolve(tctl_nl_sock(ft->nl), FLOWTUN_GENL_NAME);
	if (ret == -NLE_OBJ_NOTFOUND) {
		ret = tctl_err_set(err, TCTL_ERR_KERNEL, EOPNOTSUPP, "%s", TCTL_FT_NOT_LOADED);
		goto fail;
	}
	if (ret < 0) {
		ret = tctl_err_set(err, TCTL_ERR_SYSTEM, EIO,
				   "resolving the generic netlink family \"%s\": %s",
				   FLOWTUN_GENL_NAME, nl_geterror(ret));
		goto fail;
	}
	ft->family = ret;
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
	tctl_nl_close(ft->nl);
	free(ft);
}

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

/* What a request's replies are collected into, and how a dump is asked. */
struct ft_query {
	struct tctl_ft *ft;
	const struct tctl_ft_dev *dev;	/* peers: of this device */
	struct tctl_ft_dev *dev_one;	/* a device get */
	struct tctl_ft_dev_list *devs;	/* a device dump */
	struct tctl_ft_peer *one;	/* a peer get */
	struct tctl_ft_peer_list *out;	/* a peer dump, appended from start */
	size_t start;
};

/* Only the family's own messages are replies to read. */
static bool ft_reply(const struct ft_query *q, const struct nlmsghdr *nlh)
{
	return nlh->nlmsg_type == q->ft->family;
}

static int dev_one_cb(struct nlmsghdr *nlh, void *arg, struct tctl_err *err)
{
	struct ft_query *q = arg;

	if (!ft_reply(q, nlh))
		return 0;
	return parse_dev(nlh, q->dev_one) ? bad_reply(err, "device") : 0;
}

int tctl_ft_dev_get(struct tctl_ft *ft, const char *name, struct tctl_ft_dev *out,
		    struct tctl_err *err)
{
	struct ft_query q = { .ft = ft, .dev_one = out };
	struct nl_msg *msg = ft_msg(ft, FLOWTUN_CMD_DEV_GET, 0);

	memset(out, 0, sizeof(*out));
	if (msg && nla_put_string(msg, FLOWTUN_A_IFNAME, name) < 0) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return tctl_nl_request_reply(ft->nl, msg, dev_one_cb, &q, err,
				     "reading flowtun device %s", name);
}

static int dev_dump_cb(struct nlmsghdr *nlh, void *arg, struct tctl_err *err)
{
	struct ft_query *q = arg;
	struct tctl_ft_dev_list *l = q->devs;
	struct tctl_ft_dev d, *slot;

	if (!ft_reply(q, nlh))
		return 0;
	if (parse_dev(nlh, &d))
		return bad_reply(err, "device");
	slot = grow((void **)&l->v, &l->n, &l->cap, sizeof(*l->v));
	if (!slot)
		return tctl_err_nomem(err);
	*slot = d;
	return 0;
}

static struct nl_msg *dev_dump_req(void *arg)
{
	struct ft_query *q = arg;

	return ft_msg(q->ft, FLOWTUN_CMD_DEV_GET, NLM_F_DUMP);
}

static void dev_dump_reset(void *arg)
{
	((struct ft_query *)arg)->devs->n = 0;
}

int tctl_ft_dev_dump(struct tctl_ft *ft, struct tctl_ft_dev_list *out, struct tctl_err *err)
{
	struct ft_query q = { .ft = ft, .devs = out };

	out->n = 0;
	return tctl_nl_dump_named(ft->nl, dev_dump_req, dev_dump_cb, dev_dump_reset, &q,
				  "listing flowtun devices", "the flowtun devices", err);
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

static int peer_cb(struct nlmsghdr *nlh, void *arg, struct tctl_err *err)
{
	struct ft_query *q = arg;
	struct tctl_ft_peer p, *slot;

	if (!ft_reply(q, nlh))
		return 0;
	if (parse_peer(nlh, &p))
		return bad_reply(err, "peer");
	if (p.ifindex != q->dev->ifindex)
		return 0;
	memcpy(p.dev, q->dev->name, sizeof(p.dev));
	if (q->one) {
		*q->one = p;
		return 0;
	}
	slot = grow((void **)&q->out->v, &q->out->n, &q->out->cap, sizeof(*q->out->v));
	if (!slot)
		return tctl_err_nomem(err);
	*slot = p;
	return 0;
}

int tctl_ft_peer_get(struct tctl_ft *ft, const struct tctl_ft_dev *dev, struct in_addr remote,
		     struct tctl_ft_peer *out, struct tctl_err *err)
{
	struct ft_query q = { .ft = ft, .dev = dev, .one = out };
	char a[INET_ADDRSTRLEN];

	memset(out, 0, sizeof(*out));
	inet_ntop(AF_INET, &remote, a, sizeof(a));
	return tctl_nl_request_reply(ft->nl, peer_msg(ft, FLOWTUN_CMD_PEER_GET, 0, dev->ifindex,
						      &remote, NULL),
				     peer_cb, &q, err, "reading peer %s of %s", a, dev->name);
}

static struct nl_msg *peer_dump_req(void *arg)
{
	struct ft_query *q = arg;

	return peer_msg(q->ft, FLOWTUN_CMD_PEER_GET, NLM_F_DUMP, q->dev->ifindex, NULL, NULL);
}

static void peer_dump_reset(void *arg)
{
	struct ft_query *q = arg;

	q->out->n = q->start;
}

int tctl_ft_peer_dump(struct tctl_ft *ft, const struct tctl_ft_dev *dev,
		      struct tctl_ft_peer_list *out, struct tctl_err *err)
{
	struct ft_query q = { .ft = ft, .dev = dev, .out = out, .start = out->n };
	char label[64], what[64];

	snprintf(label, sizeof(label), "listing the peers of %s", dev->name);
	snprintf(what, sizeof(what), "the peers of %s", dev->name);
	return tctl_nl_dump_named(ft->nl, peer_dump_req, peer_cb, peer_dump_reset, &q, label,
				  what, err);
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
	ret = tctl_nl_request(ft->nl, msg, err, "%s", label);
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
	char a[INET_ADDRSTRLEN];
	int ret;

	inet_ntop(AF_INET, &req->remote, a, sizeof(a));
	ret = find_dev(ft, req->dev, &d, err);
	if (!ret)
		ret = tctl_ft_peer_get(ft, &d, req->remote, &cur, err);
	if (ret == -ENOENT)
		return tctl_err_state(err, ENOENT, "no peer %s on %s", a, d.name);
	if (ret)
		return ret;
	ret = tctl_nl_request(ft->nl, peer_msg(ft, FLOWTUN_CMD_PEER_DEL, 0, d.ifindex,
					       &req->remote, NULL),
			      err, "deleting peer %s of %s", a, d.name);
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
	if (devs->n)	/* qsort of no array (NULL) is undefined */
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

/* Streams of peer writes --------------------------------------------------- */

struct tctl_nl *tctl_ft_nl(struct tctl_ft *ft)
{
	return ft->nl;
}

struct nl_msg *tctl_ft_peer_write_msg(struct tctl_ft *ft, enum tctl_ft_write w, int ifindex,
				      struct in_addr remote, uint64_t id)
{
	struct nl_msg *msg;

	if (w == TCTL_FT_WRITE_DEL)
		return peer_msg(ft, FLOWTUN_CMD_PEER_DEL, 0, ifindex, &remote, NULL);
	msg = peer_msg(ft, FLOWTUN_CMD_PEER_ADD, 0, ifindex, &remote, &id);
	if (msg && w == TCTL_FT_WRITE_REPLACE &&
	    nla_put_u32(msg, FLOWTUN_A_FLAGS, FLOWTUN_F_REPLACE) < 0) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

// SPDX-License-Identifier: GPL-2.0-or-later
#include "nl_route.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <stdio.h>
#include <string.h>

#include "nl_encap.h"

static struct nla_policy route_policy[RTA_MAX + 1] = {
	[RTA_DST] = { .minlen = 4 },
	[RTA_OIF] = { .type = NLA_U32 },
	[RTA_PRIORITY] = { .type = NLA_U32 },
	[RTA_TABLE] = { .type = NLA_U32 },
	[RTA_ENCAP_TYPE] = { .type = NLA_U16 },
	[RTA_ENCAP] = { .type = NLA_NESTED },
	[RTA_NH_ID] = { .type = NLA_U32 },
};

struct dump_ctx {
	const struct tctl_route_dump_filter *f;
	const struct tctl_dev_list *devs;
	struct tctl_route_list *out;
	size_t base;		/* routes of earlier dumps stay on a reset */
	int family;
};

int tctl_route_parse(struct nlmsghdr *nlh, struct tctl_route *r, bool any_encap)
{
	struct nlattr *tb[RTA_MAX + 1];
	struct rtmsg *rtm;
	int ret;

	if ((nlh->nlmsg_type != RTM_NEWROUTE && nlh->nlmsg_type != RTM_DELROUTE) ||
	    nlmsg_parse(nlh, sizeof(*rtm), tb, RTA_MAX, route_policy) < 0)
		return -EINVAL;
	rtm = nlmsg_data(nlh);
	if (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6)
		return 0;
	if (rtm->rtm_flags & RTM_F_CLONED)
		return 0;
	memset(r, 0, sizeof(*r));
	if (tb[RTA_NH_ID]) {
		r->nhid = nla_get_u32(tb[RTA_NH_ID]);
		r->has |= TCTL_ROUTE_HAS_NHID;
	}
	/*
	 * With nexthop_compat_mode the kernel adds the nexthop's encap to each
	 * route by nexthop; it is read from the nexthop instead (see
	 * tctl_routes_join_nexthops), which spares 100,000 nested parses.
	 */
	ret = r->nhid ? 0 : tctl_encap_parse(tb[RTA_ENCAP_TYPE], tb[RTA_ENCAP], &r->encap);
	if (ret < 0)
		return ret;
	if (ret == 0 && !any_encap && !r->nhid)
		return 0;
	if (ret == 1)
		r->has |= TCTL_ROUTE_HAS_ENCAP;
	r->has |= TCTL_ROUTE_HAS_DST | TCTL_ROUTE_HAS_TABLE | TCTL_ROUTE_HAS_METRIC;
	r->dst.addr.family = rtm->rtm_family;
	r->dst.len = rtm->rtm_dst_len;
	if (tb[RTA_DST]) {
		if (nla_len(tb[RTA_DST]) < tctl_family_bytes(rtm->rtm_family))
			return -EINVAL;
		tctl_addr_set(&r->dst.addr, rtm->rtm_family, nla_data(tb[RTA_DST]));
	}
	r->table = tb[RTA_TABLE] ? nla_get_u32(tb[RTA_TABLE]) : rtm->rtm_table;
	r->metric = tb[RTA_PRIORITY] ? nla_get_u32(tb[RTA_PRIORITY]) : 0;
	r->protocol = rtm->rtm_protocol;
	r->scope = rtm->rtm_scope;
	r->type = rtm->rtm_type;
	if (tb[RTA_OIF]) {
		r->oif = (int)nla_get_u32(tb[RTA_OIF]);
		r->has |= TCTL_ROUTE_HAS_DEV;
	}
	return 1;
}

static struct nl_msg *route_dump_req(void *arg)
{
	struct dump_ctx *c = arg;
	struct rtmsg rtm = {
		.rtm_family = (unsigned char)c->family,
		.rtm_table = c->f->table < 256 ? (unsigned char)c->f->table : RT_TABLE_UNSPEC,
		.rtm_protocol = c->f->protocol,
	};
	struct nl_msg *msg = tctl_nl_msg(RTM_GETROUTE, NLM_F_DUMP);

	if (!msg)
		return NULL;
	if (nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0 ||
	    (c->f->table && nla_put_u32(msg, RTA_TABLE, c->f->table) < 0) ||
	    (c->f->oif && nla_put_u32(msg, RTA_OIF, (uint32_t)c->f->oif) < 0)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int route_dump_cb(struct nlmsghdr *nlh, void *arg, struct tctl_err *err)
{
	struct dump_ctx *c = arg;
	struct tctl_route r, *slot;
	int ret = tctl_route_parse(nlh, &r, c->f->any_encap);

	if (ret <= 0)
		return 0;	/* other routes, and ones we cannot read, are skipped */
	/* The kernel filters when it can; older kernels may not. */
	if (c->f->table && r.table != c->f->table)
		return 0;
	if (c->f->protocol && r.protocol != c->f->protocol)
		return 0;
	if (c->f->oif && r.oif != c->f->oif)
		return 0;
	if (c->devs && r.oif && !r.nhid) {
		const struct tctl_dev *d = tctl_dev_list_find_index(c->devs, r.oif);

		if (d)
			memcpy(r.dev, d->name, sizeof(r.dev));
	}
	slot = tctl_route_list_push(c->out);
	if (!slot)
		return tctl_err_nomem(err);
	*slot = r;
	return 0;
}

static void route_dump_reset(void *arg)
{
	struct dump_ctx *c = arg;

	c->out->n = c->base;
}

static int dump_family(struct tctl_nl *nl, struct dump_ctx *c, int family,
		       struct tctl_err *err)
{
	int ret;

	c->family = family;
	c->base = c->out->n;
	ret = tctl_nl_dump(nl, route_dump_req, route_dump_cb, route_dump_reset, c, err);
	/* A table that does not exist yet holds no routes (ipv4 says ENOENT). */
	if (ret == -ENOENT && c->f->table) {
		c->out->n = c->base;
		return 0;
	}
	return ret;
}

int tctl_route_dump(struct tctl_nl *nl, const struct tctl_route_dump_filter *f,
		    const struct tctl_dev_list *devs, struct tctl_route_list *out,
		    struct tctl_err *err)
{
	struct dump_ctx c = { .f = f, .devs = devs, .out = out };
	int ret = 0;

	if (f->family != AF_INET6)
		ret = dump_family(nl, &c, AF_INET, err);
	if (!ret && f->family != AF_INET)
		ret = dump_family(nl, &c, AF_INET6, err);
	if (ret)
		tctl_err_prefix(err, "reading routes");
	return ret;
}

static struct nl_msg *route_msg(int type, int flags, const struct tctl_route *r,
				unsigned char scope)
{
	int family = r->dst.addr.family;
	struct rtmsg rtm = {
		.rtm_family = (unsigned char)family,
		.rtm_dst_len = r->dst.len,
		.rtm_table = r->table < 256 ? (unsigned char)r->table : RT_TABLE_UNSPEC,
		.rtm_protocol = r->protocol,
		/* IPv6 has no route scopes; ip sends universe. */
		.rtm_scope = family == AF_INET6 ? RT_SCOPE_UNIVERSE : scope,
		.rtm_type = RTN_UNICAST,
	};
	struct nl_msg *msg = tctl_nl_msg(type, flags);

	if (!msg)
		return NULL;
	if (nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0 ||
	    nla_put(msg, RTA_DST, tctl_family_bytes(family), r->dst.addr.bytes) < 0 ||
	    nla_put_u32(msg, RTA_TABLE, r->table) < 0 ||
	    nla_put_u32(msg, RTA_PRIORITY, r->metric) < 0 ||
	    /* The kernel matches no nhid route to a delete that names a device. */
	    (r->oif && !(r->has & TCTL_ROUTE_HAS_NHID) &&
	     nla_put_u32(msg, RTA_OIF, (uint32_t)r->oif) < 0)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

struct nl_msg *tctl_route_msg_new(const struct tctl_route *r, bool replace)
{
	int flags = NLM_F_CREATE | (replace ? NLM_F_REPLACE : NLM_F_EXCL);
	bool by_nh = r->has & TCTL_ROUTE_HAS_NHID;
	/*
	 * Inline encap, no gateway: on-link through the tunnel, as ip does.
	 * By nexthop: the nexthop object holds device and encap.
	 */
	struct nl_msg *msg = route_msg(RTM_NEWROUTE, flags, r,
				       by_nh ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK);

	if (!msg)
		return NULL;
	if (by_nh ? nla_put_u32(msg, RTA_NH_ID, r->nhid) < 0 :
		    tctl_encap_put(msg, RTA_ENCAP_TYPE, RTA_ENCAP, &r->encap) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

struct nl_msg *tctl_route_msg_del(const struct tctl_route *r)
{
	/*
	 * Protocol, table, metric and oif are all given, so the kernel deletes
	 * exactly this route and refuses one of another protocol.
	 */
	return route_msg(RTM_DELROUTE, 0, r, RT_SCOPE_NOWHERE);
}

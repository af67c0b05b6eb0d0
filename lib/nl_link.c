// SPDX-License-Identifier: GPL-2.0-or-later
#include "nl_link.h"

#include <errno.h>
#include <linux/if_link.h>
#include <linux/if_tunnel.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <stdio.h>
#include <string.h>

#include "../kmod/uapi/flowtun.h"

static struct nla_policy link_policy[IFLA_MAX + 1] = {
	[IFLA_IFNAME] = { .type = NLA_STRING },
	[IFLA_MTU] = { .type = NLA_U32 },
	[IFLA_LINK] = { .type = NLA_U32 },
	[IFLA_OPERSTATE] = { .type = NLA_U8 },
	[IFLA_LINKINFO] = { .type = NLA_NESTED },
};

static struct nla_policy info_policy[IFLA_INFO_MAX + 1] = {
	[IFLA_INFO_KIND] = { .type = NLA_STRING },
	[IFLA_INFO_DATA] = { .type = NLA_NESTED },
};

/*
 * gre/ip6gre (IFLA_GRE_*) and ipip/ip6tnl (IFLA_IPTUN_*) put the link and
 * the collect_md flag at different numbers; the kind table says which.
 */
static void parse_info_data(struct nlattr *data, struct tctl_dev *d)
{
	const struct tctl_kind_info *ki = tctl_kind_info(d->kind);
	struct nlattr *tb[IFLA_GRE_MAX > IFLA_IPTUN_MAX ? IFLA_GRE_MAX + 1 :
			  IFLA_IPTUN_MAX + 1];
	int max = ki->collect_md_attr == IFLA_GRE_COLLECT_METADATA ? IFLA_GRE_MAX :
		  IFLA_IPTUN_MAX;

	if (!data || d->kind == TCTL_KIND_OTHER)
		return;
	if (nla_parse_nested(tb, max, data, NULL) < 0)
		return;
	d->external = tb[ki->collect_md_attr] != NULL;
	if (tb[ki->link_attr] && nla_len(tb[ki->link_attr]) >= 4)
		d->link_ifindex = (int)nla_get_u32(tb[ki->link_attr]);
}

static struct nla_policy flowtun_policy[IFLA_FLOWTUN_MAX + 1] = {
	[IFLA_FLOWTUN_MODE] = { .type = NLA_U8 },
	[IFLA_FLOWTUN_LOCAL] = { .type = NLA_U32 },
	[IFLA_FLOWTUN_POLICY] = { .type = NLA_U8 },
	[IFLA_FLOWTUN_LINK] = { .type = NLA_U32 },
};

/*
 * A flowtun device: always flow-based; its kind is its mode (GRE when the
 * attribute is absent, as the module defaults), TCTL_KIND_OTHER for a mode
 * this build does not know.
 */
static void parse_flowtun_data(struct nlattr *data, struct tctl_dev *d)
{
	struct nlattr *tb[IFLA_FLOWTUN_MAX + 1];
	uint8_t mode = FLOWTUN_MODE_GRE;

	d->datapath = TCTL_DATAPATH_KMOD;
	d->external = true;
	d->kind = TCTL_KIND_GRE;
	if (!data || nla_parse_nested(tb, IFLA_FLOWTUN_MAX, data, flowtun_policy) < 0)
		return;
	if (tb[IFLA_FLOWTUN_MODE])
		mode = nla_get_u8(tb[IFLA_FLOWTUN_MODE]);
	d->kind = mode == FLOWTUN_MODE_GRE ? TCTL_KIND_GRE :
		  mode == FLOWTUN_MODE_IPIP ? TCTL_KIND_IPIP : TCTL_KIND_OTHER;
	if (tb[IFLA_FLOWTUN_LOCAL])
		d->local.s_addr = nla_get_u32(tb[IFLA_FLOWTUN_LOCAL]);	/* be32 as is */
	if (tb[IFLA_FLOWTUN_POLICY])
		d->policy = nla_get_u8(tb[IFLA_FLOWTUN_POLICY]);
	if (tb[IFLA_FLOWTUN_LINK])
		d->link_ifindex = (int)nla_get_u32(tb[IFLA_FLOWTUN_LINK]);
}

static void parse_linkinfo(struct nlattr *linkinfo, struct tctl_dev *d)
{
	struct nlattr *tb[IFLA_INFO_MAX + 1];

	if (!linkinfo || nla_parse_nested(tb, IFLA_INFO_MAX, linkinfo, info_policy) < 0)
		return;
	if (tb[IFLA_INFO_KIND]) {
		snprintf(d->kind_name, sizeof(d->kind_name), "%s",
			 nla_get_string(tb[IFLA_INFO_KIND]));
		d->kind = tctl_kind_from_name(d->kind_name);
	}
	if (!strcmp(d->kind_name, TCTL_FLOWTUN_KIND))
		parse_flowtun_data(tb[IFLA_INFO_DATA], d);
	else
		parse_info_data(tb[IFLA_INFO_DATA], d);
}

int tctl_link_parse(struct nlmsghdr *nlh, struct tctl_dev *d)
{
	struct nlattr *tb[IFLA_MAX + 1];
	struct ifinfomsg *ifi;

	if ((nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK) ||
	    nlmsg_parse(nlh, sizeof(*ifi), tb, IFLA_MAX, link_policy) < 0)
		return -EINVAL;
	ifi = nlmsg_data(nlh);
	if (!tb[IFLA_IFNAME])
		return -EINVAL;
	memset(d, 0, sizeof(*d));
	d->ifindex = ifi->ifi_index;
	d->flags = ifi->ifi_flags;
	d->up = ifi->ifi_flags & IFF_UP;
	snprintf(d->name, sizeof(d->name), "%s", nla_get_string(tb[IFLA_IFNAME]));
	if (tb[IFLA_MTU])
		d->mtu = nla_get_u32(tb[IFLA_MTU]);
	if (tb[IFLA_OPERSTATE])
		d->operstate = nla_get_u8(tb[IFLA_OPERSTATE]);
	parse_linkinfo(tb[IFLA_LINKINFO], d);
	return 0;
}

static struct nl_msg *link_dump_req(void *arg)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nl_msg *msg = tctl_nl_msg(RTM_GETLINK, NLM_F_DUMP);

	(void)arg;
	if (msg && nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int link_dump_cb(struct nlmsghdr *nlh, void *arg, struct tctl_err *err)
{
	struct tctl_dev_list *out = arg;
	struct tctl_dev d, *slot;

	if (tctl_link_parse(nlh, &d))
		return 0;	/* not a link we can read: skip, as ip does */
	slot = tctl_dev_list_push(out);
	if (!slot)
		return tctl_err_nomem(err);
	*slot = d;
	return 0;
}

static void link_dump_reset(void *arg)
{
	((struct tctl_dev_list *)arg)->n = 0;
}

/* Tunnel links point at their underlay by ifindex: name them. */
static void resolve_link_names(struct tctl_dev_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct tctl_dev *u;

		if (!l->v[i].link_ifindex)
			continue;
		u = tctl_dev_list_find_index(l, l->v[i].link_ifindex);
		if (u)
			snprintf(l->v[i].link, sizeof(l->v[i].link), "%s", u->name);
	}
}

int tctl_link_dump(struct tctl_nl *nl, struct tctl_dev_list *out, struct tctl_err *err)
{
	int ret;

	out->n = 0;
	ret = tctl_nl_dump(nl, link_dump_req, link_dump_cb, link_dump_reset, out, err);
	if (ret) {
		tctl_err_prefix(err, "reading links");
		return ret;
	}
	resolve_link_names(out);
	return 0;
}

/*
 * IFLA_INFO_DATA of a flowtun device: on create, the mode and whatever was
 * given; on change, the policy alone (the rest is fixed at creation).
 */
static int put_flowtun_info(struct nl_msg *msg, const struct tctl_dev *d, bool create)
{
	struct nlattr *info, *data;
	uint8_t mode = d->kind == TCTL_KIND_IPIP ? FLOWTUN_MODE_IPIP : FLOWTUN_MODE_GRE;

	info = nla_nest_start(msg, IFLA_LINKINFO);
	if (!info || nla_put_string(msg, IFLA_INFO_KIND, TCTL_FLOWTUN_KIND) < 0)
		return -EMSGSIZE;
	data = nla_nest_start(msg, IFLA_INFO_DATA);
	if (!data)
		return -EMSGSIZE;
	if (create && nla_put_u8(msg, IFLA_FLOWTUN_MODE, mode) < 0)
		return -EMSGSIZE;
	if (create && (d->has & TCTL_DEV_HAS_LOCAL) &&
	    nla_put(msg, IFLA_FLOWTUN_LOCAL, sizeof(d->local), &d->local) < 0)
		return -EMSGSIZE;
	if ((d->has & TCTL_DEV_HAS_POLICY) &&
	    nla_put_u8(msg, IFLA_FLOWTUN_POLICY, d->policy == TCTL_FT_POLICY_ALLOWLIST ?
		       FLOWTUN_POLICY_ALLOWLIST : FLOWTUN_POLICY_OPEN) < 0)
		return -EMSGSIZE;
	if (create && (d->has & TCTL_DEV_HAS_LINK) &&
	    nla_put_u32(msg, IFLA_FLOWTUN_LINK, (uint32_t)d->link_ifindex) < 0)
		return -EMSGSIZE;
	nla_nest_end(msg, data);
	nla_nest_end(msg, info);
	return 0;
}

static int put_linkinfo(struct nl_msg *msg, const struct tctl_dev *d)
{
	const struct tctl_kind_info *ki = tctl_kind_info(d->kind);
	struct nlattr *info, *data;

	if (d->datapath == TCTL_DATAPATH_KMOD)
		return put_flowtun_info(msg, d, true);
	info = nla_nest_start(msg, IFLA_LINKINFO);
	if (!info || nla_put_string(msg, IFLA_INFO_KIND, ki->name) < 0)
		return -EMSGSIZE;
	data = nla_nest_start(msg, IFLA_INFO_DATA);
	if (!data || nla_put_flag(msg, ki->collect_md_attr) < 0)
		return -EMSGSIZE;
	if ((d->has & TCTL_DEV_HAS_LINK) &&
	    nla_put_u32(msg, ki->link_attr, (uint32_t)d->link_ifindex) < 0)
		return -EMSGSIZE;
	nla_nest_end(msg, data);
	nla_nest_end(msg, info);
	return 0;
}

static struct nl_msg *link_msg(int type, int flags, int ifindex, const struct tctl_dev *d)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
	struct nl_msg *msg;

	if (d && (d->has & TCTL_DEV_HAS_UP)) {
		ifi.ifi_change = IFF_UP;
		ifi.ifi_flags = d->up ? IFF_UP : 0;
	}
	msg = tctl_nl_msg(type, flags);
	if (!msg)
		return NULL;
	if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0)
		goto fail;
	if (d && (d->has & TCTL_DEV_HAS_MTU) && nla_put_u32(msg, IFLA_MTU, d->mtu) < 0)
		goto fail;
	return msg;
fail:
	nlmsg_free(msg);
	return NULL;
}

int tctl_link_create(struct tctl_nl *nl, const struct tctl_dev *d, struct tctl_err *err)
{
	struct nl_msg *msg = link_msg(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0, d);

	if (!msg || nla_put_string(msg, IFLA_IFNAME, d->name) < 0 || put_linkinfo(msg, d)) {
		nlmsg_free(msg);
		return tctl_err_nomem(err);
	}
	if (d->datapath == TCTL_DATAPATH_KMOD)
		return tctl_nl_request(nl, msg, err, "creating %s %s device %s",
				       TCTL_FLOWTUN_KIND, tctl_kind_info(d->kind)->name, d->name);
	return tctl_nl_request(nl, msg, err, "creating %s device %s",
			       tctl_kind_info(d->kind)->name, d->name);
}

int tctl_link_delete(struct tctl_nl *nl, const struct tctl_dev *d, struct tctl_err *err)
{
	struct nl_msg *msg = link_msg(RTM_DELLINK, 0, d->ifindex, NULL);

	if (!msg)
		return tctl_err_nomem(err);
	return tctl_nl_request(nl, msg, err, "deleting device %s", d->name);
}

int tctl_link_change(struct tctl_nl *nl, int ifindex, const struct tctl_dev *change,
		     struct tctl_err *err)
{
	struct nl_msg *msg = link_msg(RTM_NEWLINK, 0, ifindex, change);

	if (!msg)
		return tctl_err_nomem(err);
	if ((change->has & TCTL_DEV_HAS_POLICY) && put_flowtun_info(msg, change, false)) {
		nlmsg_free(msg);
		return tctl_err_nomem(err);
	}
	if (change->has & TCTL_DEV_HAS_POLICY)
		return tctl_nl_request(nl, msg, err, "changing device %s (policy %s)",
				       change->name, tctl_ft_policy_name(change->policy));
	if (change->has & TCTL_DEV_HAS_MTU)
		return tctl_nl_request(nl, msg, err, "changing device %s (mtu %u)",
				       change->name, change->mtu);
	return tctl_nl_request(nl, msg, err, "changing device %s", change->name);
}

// SPDX-License-Identifier: GPL-2.0-or-later
#include "nl_nexthop.h"

#include <errno.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <stdio.h>
#include <string.h>

#include "nl_encap.h"

static struct nla_policy nh_policy[NHA_MAX + 1] = {
	[NHA_ID] = { .type = NLA_U32 },
	[NHA_OIF] = { .type = NLA_U32 },
	[NHA_ENCAP_TYPE] = { .type = NLA_U16 },
	[NHA_ENCAP] = { .type = NLA_NESTED },
};

int tctl_nexthop_parse(struct nlmsghdr *nlh, struct tctl_nexthop *nh)
{
	struct nlattr *tb[NHA_MAX + 1];
	struct nhmsg *nhm;

	if ((nlh->nlmsg_type != RTM_NEWNEXTHOP && nlh->nlmsg_type != RTM_DELNEXTHOP) ||
	    nlmsg_parse(nlh, sizeof(*nhm), tb, NHA_MAX, nh_policy) < 0 || !tb[NHA_ID])
		return -EINVAL;
	nhm = nlmsg_data(nlh);
	memset(nh, 0, sizeof(*nh));
	nh->id = nla_get_u32(tb[NHA_ID]);
	nh->family = nhm->nh_family;
	nh->protocol = nhm->nh_protocol;
	if (tb[NHA_OIF]) {
		nh->oif = (int)nla_get_u32(tb[NHA_OIF]);
		nh->has |= TCTL_NH_HAS_DEV;
	}
	if (tb[NHA_GROUP])
		nh->has |= TCTL_NH_GROUP;
	if (tb[NHA_BLACKHOLE])
		nh->has |= TCTL_NH_BLACKHOLE;
	if (tb[NHA_GATEWAY])
		nh->has |= TCTL_NH_GATEWAY;
	if (tb[NHA_FDB])
		nh->has |= TCTL_NH_FDB;
	switch (tctl_encap_parse(tb[NHA_ENCAP_TYPE], tb[NHA_ENCAP], &nh->encap)) {
	case 1:
		nh->has |= TCTL_NH_HAS_ENCAP;
		break;
	case 0:
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

struct nh_dump {
	const struct tctl_dev_list *devs;
	struct tctl_nexthop_list *out;
};

static struct nl_msg *nh_dump_req(void *arg)
{
	struct nhmsg nhm = { .nh_family = AF_UNSPEC };
	struct nl_msg *msg = tctl_nl_msg(RTM_GETNEXTHOP, NLM_F_DUMP);

	(void)arg;
	if (msg && nlmsg_append(msg, &nhm, sizeof(nhm), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int nh_dump_cb(struct nlmsghdr *nlh, void *arg, struct tctl_err *err)
{
	struct nh_dump *c = arg;
	struct tctl_nexthop nh, *slot;

	if (tctl_nexthop_parse(nlh, &nh))
		return 0;
	if (c->devs && nh.oif) {
		const struct tctl_dev *d = tctl_dev_list_find_index(c->devs, nh.oif);

		if (d)
			memcpy(nh.dev, d->name, sizeof(nh.dev));
	}
	slot = tctl_nexthop_list_push(c->out);
	if (!slot)
		return tctl_err_nomem(err);
	*slot = nh;
	return 0;
}

static void nh_dump_reset(void *arg)
{
	((struct nh_dump *)arg)->out->n = 0;
}

int tctl_nexthop_dump(struct tctl_nl *nl, const struct tctl_dev_list *devs,
		      struct tctl_nexthop_list *out, struct tctl_err *err)
{
	struct nh_dump c = { devs, out };
	int ret;

	out->n = 0;
	ret = tctl_nl_dump(nl, nh_dump_req, nh_dump_cb, nh_dump_reset, &c, err);
	/* A kernel without nexthop objects has no dump handler for them. */
	if (ret == -EOPNOTSUPP || ret == -EINVAL) {
		out->n = 0;
		return ret;
	}
	if (ret) {
		tctl_err_prefix(err, "reading nexthops");
		return ret;
	}
	tctl_nexthop_list_sort(out);
	return 0;
}

struct nl_msg *tctl_nexthop_msg_new(const struct tctl_nexthop *nh, bool replace)
{
	struct nhmsg nhm = {
		.nh_family = (unsigned char)nh->family,
		.nh_protocol = nh->protocol,
	};
	int flags = NLM_F_CREATE | (replace ? NLM_F_REPLACE : NLM_F_EXCL);
	struct nl_msg *msg = tctl_nl_msg(RTM_NEWNEXTHOP, flags);

	if (!msg)
		return NULL;
	if (nlmsg_append(msg, &nhm, sizeof(nhm), NLMSG_ALIGNTO) < 0 ||
	    nla_put_u32(msg, NHA_ID, nh->id) < 0 ||
	    nla_put_u32(msg, NHA_OIF, (uint32_t)nh->oif) < 0 ||
	    tctl_encap_put(msg, NHA_ENCAP_TYPE, NHA_ENCAP, &nh->encap) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

struct nl_msg *tctl_nexthop_msg_del(uint32_t id)
{
	/* The kernel refuses a delete whose header is not all zero (protocol too). */
	struct nhmsg nhm = { 0 };
	struct nl_msg *msg = tctl_nl_msg(RTM_DELNEXTHOP, 0);

	if (msg && (nlmsg_append(msg, &nhm, sizeof(nhm), NLMSG_ALIGNTO) < 0 ||
		    nla_put_u32(msg, NHA_ID, id) < 0)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

bool tctl_nexthop_supported(struct tctl_nl *nl)
{
	struct tctl_nexthop_list l = { 0 };
	struct tctl_err err;
	int ret = tctl_nexthop_dump(nl, NULL, &l, &err);

	tctl_nexthop_list_free(&l);
	return ret != -EOPNOTSUPP && ret != -EINVAL;
}

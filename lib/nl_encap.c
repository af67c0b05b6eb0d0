// SPDX-License-Identifier: GPL-2.0-or-later
#include "nl_encap.h"

#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <linux/lwtunnel.h>
#include <string.h>

/* The attribute numbers differ between ip and ip6, the layout does not. */
struct encap_attrs {
	int id, dst, src, ttl, tos, flags, max;
	int lwt_type;
};

static const struct encap_attrs attrs_ip = {
	LWTUNNEL_IP_ID, LWTUNNEL_IP_DST, LWTUNNEL_IP_SRC, LWTUNNEL_IP_TTL,
	LWTUNNEL_IP_TOS, LWTUNNEL_IP_FLAGS, LWTUNNEL_IP_MAX, LWTUNNEL_ENCAP_IP,
};

static const struct encap_attrs attrs_ip6 = {
	LWTUNNEL_IP6_ID, LWTUNNEL_IP6_DST, LWTUNNEL_IP6_SRC, LWTUNNEL_IP6_HOPLIMIT,
	LWTUNNEL_IP6_TC, LWTUNNEL_IP6_FLAGS, LWTUNNEL_IP6_MAX, LWTUNNEL_ENCAP_IP6,
};

static const struct encap_attrs *attrs_for(int family)
{
	return family == AF_INET6 ? &attrs_ip6 : &attrs_ip;
}

int tctl_encap_put(struct nl_msg *msg, int type_attr, int nest_attr,
		   const struct tctl_encap *e)
{
	const struct encap_attrs *at = attrs_for(e->family);
	int alen = tctl_family_bytes(e->family);
	struct nlattr *nest;

	if (nla_put_u16(msg, type_attr, (uint16_t)at->lwt_type) < 0)
		return -EMSGSIZE;
	nest = nla_nest_start(msg, nest_attr);
	if (!nest)
		return -EMSGSIZE;
	if ((e->has & TCTL_ENCAP_HAS_ID) && nla_put_u64(msg, at->id, htobe64(e->id)) < 0)
		return -EMSGSIZE;
	if ((e->has & TCTL_ENCAP_HAS_DST) && nla_put(msg, at->dst, alen, e->dst.bytes) < 0)
		return -EMSGSIZE;
	if ((e->has & TCTL_ENCAP_HAS_SRC) && nla_put(msg, at->src, alen, e->src.bytes) < 0)
		return -EMSGSIZE;
	if ((e->has & TCTL_ENCAP_HAS_TTL) && nla_put_u8(msg, at->ttl, e->ttl) < 0)
		return -EMSGSIZE;
	if ((e->has & TCTL_ENCAP_HAS_TOS) && nla_put_u8(msg, at->tos, e->tos) < 0)
		return -EMSGSIZE;
	if (e->flags && nla_put_u16(msg, at->flags, htons(e->flags)) < 0)
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static struct nla_policy policy_ip[LWTUNNEL_IP_MAX + 1] = {
	[LWTUNNEL_IP_ID] = { .type = NLA_U64 },
	[LWTUNNEL_IP_DST] = { .type = NLA_U32 },
	[LWTUNNEL_IP_SRC] = { .type = NLA_U32 },
	[LWTUNNEL_IP_TTL] = { .type = NLA_U8 },
	[LWTUNNEL_IP_TOS] = { .type = NLA_U8 },
	[LWTUNNEL_IP_FLAGS] = { .type = NLA_U16 },
};

static struct nla_policy policy_ip6[LWTUNNEL_IP6_MAX + 1] = {
	[LWTUNNEL_IP6_ID] = { .type = NLA_U64 },
	[LWTUNNEL_IP6_DST] = { .minlen = 16 },
	[LWTUNNEL_IP6_SRC] = { .minlen = 16 },
	[LWTUNNEL_IP6_HOPLIMIT] = { .type = NLA_U8 },
	[LWTUNNEL_IP6_TC] = { .type = NLA_U8 },
	[LWTUNNEL_IP6_FLAGS] = { .type = NLA_U16 },
};

static void parse_fields(struct nlattr **tb, const struct encap_attrs *at, int family,
			 struct tctl_encap *e)
{
	memset(e, 0, sizeof(*e));
	e->family = family;
	if (tb[at->id]) {
		e->id = be64toh(nla_get_u64(tb[at->id]));
		e->has |= TCTL_ENCAP_HAS_ID;
	}
	if (tb[at->dst]) {
		tctl_addr_set(&e->dst, family, nla_data(tb[at->dst]));
		e->has |= TCTL_ENCAP_HAS_DST;
	}
	if (tb[at->src]) {
		tctl_addr_set(&e->src, family, nla_data(tb[at->src]));
		e->has |= TCTL_ENCAP_HAS_SRC;
	}
	if (tb[at->ttl]) {
		e->ttl = nla_get_u8(tb[at->ttl]);
		e->has |= TCTL_ENCAP_HAS_TTL;
	}
	if (tb[at->tos]) {
		e->tos = nla_get_u8(tb[at->tos]);
		e->has |= TCTL_ENCAP_HAS_TOS;
	}
	if (tb[at->flags]) {
		uint16_t f = ntohs(nla_get_u16(tb[at->flags]));

		e->flags = f & TCTL_TUN_KNOWN;
		e->unknown_flags = f & ~TCTL_TUN_KNOWN;
	}
}

int tctl_encap_parse(struct nlattr *type_attr, struct nlattr *nest,
		     struct tctl_encap *e)
{
	struct nlattr *tb[LWTUNNEL_IP_MAX > LWTUNNEL_IP6_MAX ?
			  LWTUNNEL_IP_MAX + 1 : LWTUNNEL_IP6_MAX + 1];
	const struct encap_attrs *at;
	int family;

	if (!type_attr || !nest || nla_len(type_attr) < 2)
		return 0;
	switch (nla_get_u16(type_attr)) {
	case LWTUNNEL_ENCAP_IP:
		family = AF_INET;
		break;
	case LWTUNNEL_ENCAP_IP6:
		family = AF_INET6;
		break;
	default:
		return 0;
	}
	at = attrs_for(family);
	if (nla_parse_nested(tb, at->max, nest,
			     family == AF_INET6 ? policy_ip6 : policy_ip) < 0)
		return -EINVAL;
	parse_fields(tb, at, family, e);
	return 1;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * flowtun: the generic netlink family "flowtun" (see uapi/flowtun.h).
 *
 * Each command has its own strict policy: an attribute the command does not
 * take, a reply-only attribute, a wrong length or an unknown flag bit is
 * rejected with an extended ack. Changes to the peer table hold the RTNL;
 * reads and dumps run under RCU.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "flowtun_priv.h"

static struct genl_family flowtun_genl_family;

static const struct nla_policy flowtun_peer_add_policy[FLOWTUN_PEER_A_MAX + 1] = {
	[FLOWTUN_PEER_A_REMOTE]	= { .type = NLA_BE32 },
	[FLOWTUN_PEER_A_ID]	= { .type = NLA_U64 },
	[FLOWTUN_PEER_A_STATS]	= { .type = NLA_REJECT },
	[FLOWTUN_PEER_A_PAD]	= { .type = NLA_REJECT },
};

static const struct nla_policy flowtun_peer_key_policy[FLOWTUN_PEER_A_MAX + 1] = {
	[FLOWTUN_PEER_A_REMOTE]	= { .type = NLA_BE32 },
	[FLOWTUN_PEER_A_ID]	= { .type = NLA_REJECT },
	[FLOWTUN_PEER_A_STATS]	= { .type = NLA_REJECT },
	[FLOWTUN_PEER_A_PAD]	= { .type = NLA_REJECT },
};

#define FLOWTUN_DEV_ATTRS						\
	[FLOWTUN_A_IFINDEX]	= { .type = NLA_U32 },			\
	[FLOWTUN_A_IFNAME]	= { .type = NLA_NUL_STRING,		\
				    .len = IFNAMSIZ - 1 },		\
	[FLOWTUN_A_MODE]	= { .type = NLA_REJECT },		\
	[FLOWTUN_A_LOCAL]	= { .type = NLA_REJECT },		\
	[FLOWTUN_A_POLICY]	= { .type = NLA_REJECT },		\
	[FLOWTUN_A_LINK]	= { .type = NLA_REJECT },		\
	[FLOWTUN_A_PEER_COUNT]	= { .type = NLA_REJECT },		\
	[FLOWTUN_A_STATS]	= { .type = NLA_REJECT },		\
	[FLOWTUN_A_PAD]		= { .type = NLA_REJECT }

/* PEER_ADD */
static const struct nla_policy flowtun_add_policy[FLOWTUN_A_MAX + 1] = {
	FLOWTUN_DEV_ATTRS,
	[FLOWTUN_A_PEER]	= NLA_POLICY_NESTED(flowtun_peer_add_policy),
	[FLOWTUN_A_FLAGS]	= NLA_POLICY_MASK(NLA_U32, __FLOWTUN_F_ALL),
};

/* PEER_DEL, PEER_GET */
static const struct nla_policy flowtun_key_policy[FLOWTUN_A_MAX + 1] = {
	FLOWTUN_DEV_ATTRS,
	[FLOWTUN_A_PEER]	= NLA_POLICY_NESTED(flowtun_peer_key_policy),
	[FLOWTUN_A_FLAGS]	= { .type = NLA_REJECT },
};

/* DEV_GET */
static const struct nla_policy flowtun_dev_policy[FLOWTUN_A_MAX + 1] = {
	FLOWTUN_DEV_ATTRS,
	[FLOWTUN_A_PEER]	= { .type = NLA_REJECT },
	[FLOWTUN_A_FLAGS]	= { .type = NLA_REJECT },
};

/*
 * The flowtun device a request names. Caller holds rcu_read_lock() (and the
 * RTNL to use the device after unlocking).
 */
static struct flowtun_dev *flowtun_genl_dev(struct net *net,
					    struct nlattr **attrs,
					    struct netlink_ext_ack *extack)
{
	struct net_device *dev = NULL;

	if (attrs[FLOWTUN_A_IFINDEX]) {
		dev = dev_get_by_index_rcu(net,
					   nla_get_u32(attrs[FLOWTUN_A_IFINDEX]));
		if (!dev) {
			NL_SET_ERR_MSG_ATTR(extack, attrs[FLOWTUN_A_IFINDEX],
					    "no device with this ifindex");
			return ERR_PTR(-ENODEV);
		}
	}
	if (attrs[FLOWTUN_A_IFNAME]) {
		struct net_device *named;

		named = dev_get_by_name_rcu(net,
					    nla_data(attrs[FLOWTUN_A_IFNAME]));
		if (!named) {
			NL_SET_ERR_MSG_ATTR(extack, attrs[FLOWTUN_A_IFNAME],
					    "no device with this name");
			return ERR_PTR(-ENODEV);
		}
		if (dev && dev != named) {
			NL_SET_ERR_MSG_ATTR(extack, attrs[FLOWTUN_A_IFNAME],
					    "ifindex and name are different devices");
			return ERR_PTR(-EINVAL);
		}
		dev = named;
	}
	if (!dev) {
		NL_SET_ERR_MSG_MOD(extack,
				   "a device is needed: FLOWTUN_A_IFINDEX or FLOWTUN_A_IFNAME");
		return ERR_PTR(-EINVAL);
	}
	if (!netif_is_flowtun(dev)) {
		NL_SET_ERR_MSG_MOD(extack, "not a flowtun device");
		return ERR_PTR(-EOPNOTSUPP);
	}
	return netdev_priv(dev);
}

/* The nested peer of a request, parsed; FLOWTUN_PEER_A_REMOTE required. */
static int flowtun_genl_peer(struct genl_info *info,
			     const struct nla_policy *policy,
			     struct nlattr **tb)
{
	struct nlattr *nest = info->attrs[FLOWTUN_A_PEER];
	int err;

	if (GENL_REQ_ATTR_CHECK(info, FLOWTUN_A_PEER))
		return -EINVAL;
	err = nla_parse_nested(tb, FLOWTUN_PEER_A_MAX, nest, policy,
			       info->extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(info->extack, nest, tb, FLOWTUN_PEER_A_REMOTE))
		return -EINVAL;
	return 0;
}

static int flowtun_put_u64(struct sk_buff *skb, int attr, u64 value)
{
	return nla_put_u64_64bit(skb, attr, value, FLOWTUN_STATS_A_PAD);
}

/* The counters nest of a peer or a device. */
static int flowtun_put_stats(struct sk_buff *skb, int attr,
			     const struct flowtun_stats_sum *s)
{
	const struct {
		int attr;
		u64 value;
	} traffic[] = {
		{ FLOWTUN_STATS_A_RX_PACKETS,	s->rx_packets },
		{ FLOWTUN_STATS_A_RX_BYTES,	s->rx_bytes },
		{ FLOWTUN_STATS_A_TX_PACKETS,	s->tx_packets },
		{ FLOWTUN_STATS_A_TX_BYTES,	s->tx_bytes },
	};
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(skb, attr);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < ARRAY_SIZE(traffic); i++)
		if (flowtun_put_u64(skb, traffic[i].attr, traffic[i].value))
			goto err_cancel;
	for (i = 0; i < __FLOWTUN_DROP_MAX; i++)
		if (flowtun_put_u64(skb, FLOWTUN_STATS_A_DROP_BASE + i,
				    s->drops[i]))
			goto err_cancel;
	nla_nest_end(skb, nest);
	return 0;

err_cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* FLOWTUN_A_PEER { REMOTE, ID, STATS } */
static int flowtun_put_peer(struct sk_buff *skb, struct flowtun_peer *peer)
{
	struct flowtun_stats_sum sum;
	struct nlattr *nest;

	nest = nla_nest_start(skb, FLOWTUN_A_PEER);
	if (!nest)
		return -EMSGSIZE;
	flowtun_stats_read(peer->stats, &sum);
	if (nla_put_in_addr(skb, FLOWTUN_PEER_A_REMOTE, peer->remote) ||
	    nla_put_u64_64bit(skb, FLOWTUN_PEER_A_ID, READ_ONCE(peer->id),
			      FLOWTUN_PEER_A_PAD) ||
	    flowtun_put_stats(skb, FLOWTUN_PEER_A_STATS, &sum)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* The device's attributes and counters (rx/tx are the device's tstats). */
static int flowtun_put_dev(struct sk_buff *skb, struct flowtun_dev *ft)
{
	struct net_device *dev = ft->dev;
	struct rtnl_link_stats64 tstats = { };
	struct flowtun_stats_sum sum;

	flowtun_stats_read(ft->stats, &sum);
	dev_fetch_sw_netstats(&tstats, dev->tstats);
	sum.rx_packets = tstats.rx_packets;
	sum.rx_bytes = tstats.rx_bytes;
	sum.tx_packets = tstats.tx_packets;
	sum.tx_bytes = tstats.tx_bytes;

	if (nla_put_string(skb, FLOWTUN_A_IFNAME, dev->name) ||
	    nla_put_u8(skb, FLOWTUN_A_MODE, ft->mode) ||
	    nla_put_in_addr(skb, FLOWTUN_A_LOCAL, ft->local) ||
	    nla_put_u8(skb, FLOWTUN_A_POLICY, READ_ONCE(ft->policy)) ||
	    nla_put_u32(skb, FLOWTUN_A_LINK, ft->link) ||
	    nla_put_u32(skb, FLOWTUN_A_PEER_COUNT, READ_ONCE(ft->peer_count)) ||
	    flowtun_put_stats(skb, FLOWTUN_A_STATS, &sum))
		return -EMSGSIZE;
	return 0;
}

/*
 * One reply message: FLOWTUN_CMD_PEER_GET for a peer of ft, else
 * FLOWTUN_CMD_DEV_GET for ft itself. cb is the dump's, or NULL.
 */
static int flowtun_fill(struct sk_buff *skb, struct flowtun_dev *ft,
			struct flowtun_peer *peer, u32 portid, u32 seq,
			int flags, struct netlink_callback *cb)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &flowtun_genl_family, flags,
			  peer ? FLOWTUN_CMD_PEER_GET : FLOWTUN_CMD_DEV_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);

	if (nla_put_u32(skb, FLOWTUN_A_IFINDEX, ft->dev->ifindex) ||
	    (peer ? flowtun_put_peer(skb, peer) : flowtun_put_dev(skb, ft))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* The device a request names, under the RTNL (held by the caller). */
static struct flowtun_dev *flowtun_genl_dev_rtnl(struct genl_info *info)
{
	struct flowtun_dev *ft;

	ASSERT_RTNL();
	rcu_read_lock();
	ft = flowtun_genl_dev(genl_info_net(info), info->attrs, info->extack);
	rcu_read_unlock();
	return ft;
}

static int flowtun_genl_peer_add(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[FLOWTUN_PEER_A_MAX + 1];
	struct flowtun_dev *ft;
	bool replace = false;
	u64 id = 0;
	int err;

	err = flowtun_genl_peer(info, flowtun_peer_add_policy, tb);
	if (err)
		return err;
	if (tb[FLOWTUN_PEER_A_ID])
		id = nla_get_u64(tb[FLOWTUN_PEER_A_ID]);
	if (info->attrs[FLOWTUN_A_FLAGS])
		replace = nla_get_u32(info->attrs[FLOWTUN_A_FLAGS]) &
			  FLOWTUN_F_REPLACE;

	rtnl_lock();
	ft = flowtun_genl_dev_rtnl(info);
	if (IS_ERR(ft))
		err = PTR_ERR(ft);
	else
		err = flowtun_peer_add(ft,
				       nla_get_in_addr(tb[FLOWTUN_PEER_A_REMOTE]),
				       id, replace, info->extack);
	rtnl_unlock();
	return err;
}

static int flowtun_genl_peer_del(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[FLOWTUN_PEER_A_MAX + 1];
	struct flowtun_dev *ft;
	int err;

	err = flowtun_genl_peer(info, flowtun_peer_key_policy, tb);
	if (err)
		return err;

	rtnl_lock();
	ft = flowtun_genl_dev_rtnl(info);
	if (IS_ERR(ft))
		err = PTR_ERR(ft);
	else
		err = flowtun_peer_del(ft,
				       nla_get_in_addr(tb[FLOWTUN_PEER_A_REMOTE]),
				       info->extack);
	rtnl_unlock();
	return err;
}

/*
 * The reply to a PEER_GET (remote given: that peer of the device) or a
 * DEV_GET (remote NULL: the device).
 */
static int flowtun_genl_get(struct genl_info *info, struct nlattr *remote)
{
	struct flowtun_peer *peer = NULL;
	struct flowtun_dev *ft;
	struct sk_buff *msg;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	rcu_read_lock();
	ft = flowtun_genl_dev(genl_info_net(info), info->attrs, info->extack);
	if (IS_ERR(ft)) {
		err = PTR_ERR(ft);
		goto err_unlock;
	}
	if (remote) {
		peer = flowtun_peer_lookup(ft, nla_get_in_addr(remote));
		if (!peer) {
			NL_SET_ERR_MSG_ATTR(info->extack, remote,
					    "no such peer");
			err = -ENOENT;
			goto err_unlock;
		}
	}
	err = flowtun_fill(msg, ft, peer, info->snd_portid, info->snd_seq, 0,
			   NULL);
	rcu_read_unlock();
	if (err)
		goto err_free;
	return genlmsg_reply(msg, info);

err_unlock:
	rcu_read_unlock();
err_free:
	nlmsg_free(msg);
	return err;
}

static int flowtun_genl_peer_get(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[FLOWTUN_PEER_A_MAX + 1];
	int err;

	err = flowtun_genl_peer(info, flowtun_peer_key_policy, tb);
	if (err)
		return err;
	return flowtun_genl_get(info, tb[FLOWTUN_PEER_A_REMOTE]);
}

static int flowtun_genl_dev_get(struct sk_buff *skb, struct genl_info *info)
{
	return flowtun_genl_get(info, NULL);
}

/*
 * Peer dumps: cb->args[0] the ifindex, [1] nonzero once a peer was sent,
 * [2] the remote of the last peer sent, [3] how many were sent. A dump
 * resumes after the last peer sent when it is still in the table, else
 * (it was removed meanwhile) after as many peers as were sent; the table
 * generation in cb->seq flags such a dump NLM_F_DUMP_INTR.
 */
enum { DUMP_IFINDEX, DUMP_STARTED, DUMP_LAST, DUMP_COUNT };

/*
 * The device of a peer dump, on its first call (errors reported there carry
 * the extended ack; a dump's start callback has none on Linux 6.1).
 */
static int flowtun_peer_dump_dev(struct netlink_callback *cb, struct net *net)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	struct flowtun_dev *ft;

	if (info->attrs[FLOWTUN_A_PEER]) {
		NL_SET_ERR_MSG_ATTR(cb->extack, info->attrs[FLOWTUN_A_PEER],
				    "a peer dump takes no peer");
		return -EINVAL;
	}
	ft = flowtun_genl_dev(net, info->attrs, cb->extack);
	if (IS_ERR(ft))
		return PTR_ERR(ft);
	cb->args[DUMP_IFINDEX] = ft->dev->ifindex;
	return 0;
}

static struct flowtun_peer *flowtun_dump_resume(struct flowtun_dev *ft,
						struct netlink_callback *cb)
{
	struct flowtun_peer *peer;
	unsigned long skip;

	if (!cb->args[DUMP_STARTED])
		return list_first_or_null_rcu(&ft->peer_list,
					      struct flowtun_peer, list);

	peer = flowtun_peer_lookup(ft, (__force __be32)cb->args[DUMP_LAST]);
	if (peer)
		return list_next_or_null_rcu(&ft->peer_list, &peer->list,
					     struct flowtun_peer, list);

	skip = cb->args[DUMP_COUNT];
	list_for_each_entry_rcu(peer, &ft->peer_list, list)
		if (!skip--)
			return peer;
	return NULL;
}

static int flowtun_genl_peer_dump(struct sk_buff *skb,
				  struct netlink_callback *cb)
{
	struct net *net = sock_net(cb->skb->sk);
	struct flowtun_peer *peer;
	struct net_device *dev;
	struct flowtun_dev *ft;

	rcu_read_lock();
	if (!cb->args[DUMP_IFINDEX]) {
		int err = flowtun_peer_dump_dev(cb, net);

		if (err) {
			rcu_read_unlock();
			return err;
		}
	}
	dev = dev_get_by_index_rcu(net, cb->args[DUMP_IFINDEX]);
	if (!dev || !netif_is_flowtun(dev))
		goto out;
	ft = netdev_priv(dev);
	/* Never 0, which nl_dump_check_consistent() takes as "unset". */
	cb->seq = (READ_ONCE(ft->peer_gen) << 1) | 1;

	peer = flowtun_dump_resume(ft, cb);
	if (!peer)
		goto out;
	list_for_each_entry_from_rcu(peer, &ft->peer_list, list) {
		if (flowtun_fill(skb, ft, peer, NETLINK_CB(cb->skb).portid,
				 cb->nlh->nlmsg_seq, NLM_F_MULTI, cb))
			break;
		cb->args[DUMP_STARTED] = 1;
		cb->args[DUMP_LAST] = (__force unsigned long)peer->remote;
		cb->args[DUMP_COUNT]++;
	}
out:
	rcu_read_unlock();
	return skb->len;
}

/* Device dumps: cb->args[0] how many devices were sent. */
static int flowtun_genl_dev_dump(struct sk_buff *skb,
				 struct netlink_callback *cb)
{
	struct flowtun_net *fn = flowtun_pernet(sock_net(cb->skb->sk));
	unsigned long idx = 0;
	struct flowtun_dev *ft;
	int mode;

	rcu_read_lock();
	for (mode = 0; mode < __FLOWTUN_MODE_MAX; mode++) {
		list_for_each_entry_rcu(ft, &fn->devs[mode], node) {
			if (idx++ < cb->args[0])
				continue;
			if (flowtun_fill(skb, ft, NULL,
					 NETLINK_CB(cb->skb).portid,
					 cb->nlh->nlmsg_seq, NLM_F_MULTI, NULL))
				goto out;
			cb->args[0] = idx;
		}
	}
out:
	rcu_read_unlock();
	return skb->len;
}

static const struct genl_ops flowtun_genl_ops[] = {
	{
		.cmd	= FLOWTUN_CMD_PEER_ADD,
		.doit	= flowtun_genl_peer_add,
		.policy	= flowtun_add_policy,
		.maxattr = FLOWTUN_A_MAX,
		.flags	= GENL_ADMIN_PERM,
	}, {
		.cmd	= FLOWTUN_CMD_PEER_DEL,
		.doit	= flowtun_genl_peer_del,
		.policy	= flowtun_key_policy,
		.maxattr = FLOWTUN_A_MAX,
		.flags	= GENL_ADMIN_PERM,
	}, {
		.cmd	= FLOWTUN_CMD_PEER_GET,
		.doit	= flowtun_genl_peer_get,
		.dumpit	= flowtun_genl_peer_dump,
		.policy	= flowtun_key_policy,
		.maxattr = FLOWTUN_A_MAX,
		.flags	= GENL_ADMIN_PERM,
	}, {
		.cmd	= FLOWTUN_CMD_DEV_GET,
		.doit	= flowtun_genl_dev_get,
		.dumpit	= flowtun_genl_dev_dump,
		.policy	= flowtun_dev_policy,
		.maxattr = FLOWTUN_A_MAX,
		.flags	= GENL_ADMIN_PERM,
	},
};

static struct genl_family flowtun_genl_family __ro_after_init = {
	.name		= FLOWTUN_GENL_NAME,
	.version	= FLOWTUN_GENL_VERSION,
	.maxattr	= FLOWTUN_A_MAX,
	.netnsok	= true,
	.module		= THIS_MODULE,
	.ops		= flowtun_genl_ops,
	.n_ops		= ARRAY_SIZE(flowtun_genl_ops),
	/* resv_start_op 0: every command is validated strictly. */
};

/* The uapi promises one stats attribute per drop reason, in order. */
#define FLOWTUN_CHECK_DROP_ATTR(name)					\
	static_assert(FLOWTUN_STATS_A_DROP_BASE + FLOWTUN_DROP_##name ==	\
		      FLOWTUN_STATS_A_DROP_##name)
FLOWTUN_CHECK_DROP_ATTR(NO_METADATA);
FLOWTUN_CHECK_DROP_ATTR(LOOP);
FLOWTUN_CHECK_DROP_ATTR(NO_ROUTE);
FLOWTUN_CHECK_DROP_ATTR(HEADROOM);
FLOWTUN_CHECK_DROP_ATTR(PMTU);
FLOWTUN_CHECK_DROP_ATTR(RECURSION);
FLOWTUN_CHECK_DROP_ATTR(TX_PROTO);
FLOWTUN_CHECK_DROP_ATTR(TRUNCATED);
FLOWTUN_CHECK_DROP_ATTR(GRE_VERSION);
FLOWTUN_CHECK_DROP_ATTR(GRE_ROUTING);
FLOWTUN_CHECK_DROP_ATTR(GRE_CSUM);
FLOWTUN_CHECK_DROP_ATTR(UNKNOWN_PROTO);
FLOWTUN_CHECK_DROP_ATTR(BAD_INNER);
FLOWTUN_CHECK_DROP_ATTR(NOT_ALLOWED);
FLOWTUN_CHECK_DROP_ATTR(ECN);
FLOWTUN_CHECK_DROP_ATTR(XFRM_POLICY);
FLOWTUN_CHECK_DROP_ATTR(NOMEM);
FLOWTUN_CHECK_DROP_ATTR(GRE_FLAGS);
static_assert(FLOWTUN_STATS_A_DROP_BASE + __FLOWTUN_DROP_MAX ==
	      __FLOWTUN_STATS_A_MAX);

int __init flowtun_genl_init(void)
{
	return genl_register_family(&flowtun_genl_family);
}

void flowtun_genl_uninit(void)
{
	genl_unregister_family(&flowtun_genl_family);
}

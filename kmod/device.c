// SPDX-License-Identifier: GPL-2.0
/*
 * flowtun: the link kind, its devices and their namespaces.
 *
 * A flowtun device is an L3 tunnel device like the in-tree external
 * (collect_md) ipip and gre devices: no link-layer header, no ARP, and
 * every packet's tunnel parameters come with the packet. Each namespace
 * keeps its devices on one RCU list per mode for the receive lookup; a
 * device is bound to a local address (or to none, the wildcard), and one
 * mode cannot have two devices with the same local address in a namespace.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/if_arp.h>
#include <linux/rtnetlink.h>
#include <net/ip.h>
#include <net/rtnetlink.h>

#include "flowtun_priv.h"

unsigned int flowtun_net_id __read_mostly;

/*
 * The device for a packet sent to @local in @net: the one bound to exactly
 * that address, else the wildcard one; only devices that are up.
 * Caller holds rcu_read_lock().
 */
struct flowtun_dev *flowtun_dev_lookup(struct net *net, u8 mode, __be32 local)
{
	struct flowtun_net *fn = flowtun_pernet(net);
	struct flowtun_dev *ft, *wildcard = NULL;

	list_for_each_entry_rcu(ft, &fn->devs[mode], node) {
		if (!(READ_ONCE(ft->dev->flags) & IFF_UP))
			continue;
		if (ft->local == local)
			return ft;
		if (!ft->local)
			wildcard = ft;
	}
	return wildcard;
}

static unsigned int flowtun_tunnel_hlen(u8 mode)
{
	/* GRE with a key, as routes with an id send it. */
	return mode == FLOWTUN_MODE_GRE ? 8 : 0;
}

static int flowtun_dev_init(struct net_device *dev)
{
	struct flowtun_dev *ft = netdev_priv(dev);
	int err;

	ft->dev = dev;
	dev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	if (!dev->tstats)
		return -ENOMEM;

	ft->stats = flowtun_stats_alloc();
	if (!ft->stats) {
		err = -ENOMEM;
		goto err_free_tstats;
	}

	err = gro_cells_init(&ft->gro_cells, dev);
	if (err)
		goto err_free_stats;

	err = flowtun_peers_init(ft);
	if (err)
		goto err_destroy_gro_cells;

	netdev_lockdep_set_classes(dev);
	return 0;

err_destroy_gro_cells:
	gro_cells_destroy(&ft->gro_cells);
err_free_stats:
	free_percpu(ft->stats);
	ft->stats = NULL;
err_free_tstats:
	free_percpu(dev->tstats);
	dev->tstats = NULL;
	return err;
}

/*
 * Unlink the device from the receive lookup. unregister_netdevice_many()
 * waits for a grace period after this, before the destructor runs.
 */
static void flowtun_dev_uninit(struct net_device *dev)
{
	struct flowtun_dev *ft = netdev_priv(dev);

	if (ft->listed) {
		list_del_rcu(&ft->node);
		ft->listed = false;
	}
	if (ft->gre_ref) {
		ft->gre_ref = false;
		flowtun_gre_release();
	}
}

/* Runs only after a successful ndo_init. */
static void flowtun_dev_destruct(struct net_device *dev)
{
	struct flowtun_dev *ft = netdev_priv(dev);

	gro_cells_destroy(&ft->gro_cells);
	flowtun_peers_destroy(ft);
	free_percpu(ft->stats);
	free_percpu(dev->tstats);
}

static void flowtun_get_stats64(struct net_device *dev,
				struct rtnl_link_stats64 *stats)
{
	struct flowtun_dev *ft = netdev_priv(dev);
	struct flowtun_stats_sum sum;

	netdev_stats_to_stats64(stats, &dev->stats);
	dev_fetch_sw_netstats(stats, dev->tstats);
	flowtun_stats_read(ft->stats, &sum);
	stats->rx_dropped += sum.rx_dropped;
	stats->tx_dropped += sum.tx_dropped;
}

static int flowtun_get_iflink(const struct net_device *dev)
{
	const struct flowtun_dev *ft = netdev_priv(dev);

	return ft->link ?: dev->ifindex;
}

static const struct net_device_ops flowtun_netdev_ops = {
	.ndo_init		= flowtun_dev_init,
	.ndo_uninit		= flowtun_dev_uninit,
	.ndo_start_xmit		= flowtun_xmit,
	.ndo_get_stats64	= flowtun_get_stats64,
	.ndo_get_iflink		= flowtun_get_iflink,
};

#define FLOWTUN_FEATURES (NETIF_F_SG | NETIF_F_FRAGLIST |		\
			  NETIF_F_HIGHDMA | NETIF_F_HW_CSUM |		\
			  NETIF_F_GSO_SOFTWARE)

static void flowtun_setup(struct net_device *dev)
{
	struct flowtun_dev *ft = netdev_priv(dev);

	dev->netdev_ops = &flowtun_netdev_ops;
	dev->type = ARPHRD_NONE;
	dev->flags = IFF_NOARP;
	dev->priv_flags |= IFF_NO_QUEUE;
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	dev->needed_headroom = LL_MAX_HEADER + sizeof(struct iphdr) +
			       FLOWTUN_GRE_HLEN_MAX;
	dev->mtu = ETH_DATA_LEN - sizeof(struct iphdr) -
		   flowtun_tunnel_hlen(FLOWTUN_MODE_GRE);
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = IP_MAX_MTU - sizeof(struct iphdr) -
		       FLOWTUN_GRE_HLEN_MAX;

	dev->features |= FLOWTUN_FEATURES;
	dev->hw_features |= FLOWTUN_FEATURES;
	ft_dev_set_lltx_netns_local(dev);
	/* Received packets keep their metadata dst. */
	netif_keep_dst(dev);

	dev->needs_free_netdev = true;
	dev->priv_destructor = flowtun_dev_destruct;

	ft->dev = dev;
	INIT_LIST_HEAD(&ft->node);
	INIT_LIST_HEAD(&ft->peer_list);
	ft->mode = FLOWTUN_MODE_GRE;
	ft->policy = FLOWTUN_POLICY_OPEN;
}

static const struct nla_policy flowtun_policy[IFLA_FLOWTUN_MAX + 1] = {
	[IFLA_FLOWTUN_UNSPEC]	= { .strict_start_type = IFLA_FLOWTUN_MODE },
	[IFLA_FLOWTUN_MODE]	= NLA_POLICY_RANGE(NLA_U8, FLOWTUN_MODE_GRE,
						   FLOWTUN_MODE_MAX),
	[IFLA_FLOWTUN_LOCAL]	= { .type = NLA_BE32 },
	[IFLA_FLOWTUN_POLICY]	= NLA_POLICY_MAX(NLA_U8, FLOWTUN_POLICY_MAX),
	[IFLA_FLOWTUN_LINK]	= { .type = NLA_U32 },
};

static int flowtun_validate(struct nlattr *tb[], struct nlattr *data[],
			    struct netlink_ext_ack *extack)
{
	if (tb[IFLA_ADDRESS]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
				    "flowtun devices have no link-layer address");
		return -EINVAL;
	}
	if (tb[IFLA_BROADCAST]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_BROADCAST],
				    "flowtun devices have no broadcast address");
		return -EINVAL;
	}
	if (!data)
		return 0;

	if (data[IFLA_FLOWTUN_LOCAL]) {
		__be32 local = nla_get_in_addr(data[IFLA_FLOWTUN_LOCAL]);

		if (ipv4_is_multicast(local) || ipv4_is_lbcast(local) ||
		    (ipv4_is_zeronet(local) && local)) {
			NL_SET_ERR_MSG_ATTR(extack, data[IFLA_FLOWTUN_LOCAL],
					    "local must be a unicast IPv4 address or 0");
			return -EINVAL;
		}
	}
	return 0;
}

static struct flowtun_dev *flowtun_find_bound(struct flowtun_net *fn, u8 mode,
					      __be32 local)
{
	struct flowtun_dev *ft;

	ASSERT_RTNL();
	list_for_each_entry(ft, &fn->devs[mode], node)
		if (ft->local == local)
			return ft;
	return NULL;
}

static int flowtun_newlink(FT_NEWLINK_ARGS)
{
	struct nlattr **tb = FT_NEWLINK_TB, **data = FT_NEWLINK_DATA;
	struct flowtun_dev *ft = netdev_priv(dev);
	struct net *net = dev_net(dev);
	struct flowtun_net *fn = flowtun_pernet(net);
	unsigned int hlen;
	int err;

	if (data && data[IFLA_FLOWTUN_MODE])
		ft->mode = nla_get_u8(data[IFLA_FLOWTUN_MODE]);
	if (data && data[IFLA_FLOWTUN_LOCAL])
		ft->local = nla_get_in_addr(data[IFLA_FLOWTUN_LOCAL]);
	if (data && data[IFLA_FLOWTUN_POLICY])
		ft->policy = nla_get_u8(data[IFLA_FLOWTUN_POLICY]);
	if (data && data[IFLA_FLOWTUN_LINK])
		ft->link = nla_get_u32(data[IFLA_FLOWTUN_LINK]);

	if (flowtun_find_bound(fn, ft->mode, ft->local)) {
		if (ft->local)
			NL_SET_ERR_MSG_MOD(extack,
					   "a flowtun device of this mode is already bound to this local address");
		else
			NL_SET_ERR_MSG_MOD(extack,
					   "a flowtun device of this mode with the wildcard local address exists");
		return -EEXIST;
	}

	hlen = flowtun_tunnel_hlen(ft->mode);
	if (ft->link) {
		struct net_device *link = __dev_get_by_index(net, ft->link);

		if (!link) {
			NL_SET_ERR_MSG_ATTR(extack, data[IFLA_FLOWTUN_LINK],
					    "no such underlay device");
			return -ENODEV;
		}
		if (!tb[IFLA_MTU])
			dev->mtu = clamp_t(int, (int)link->mtu -
					   (int)(sizeof(struct iphdr) + hlen),
					   dev->min_mtu, dev->max_mtu);
	} else if (!tb[IFLA_MTU]) {
		dev->mtu = ETH_DATA_LEN - sizeof(struct iphdr) - hlen;
	}

	if (ft->mode == FLOWTUN_MODE_GRE) {
		err = flowtun_gre_acquire(extack);
		if (err)
			return err;
		ft->gre_ref = true;
	}

	err = register_netdevice(dev);
	if (err)
		goto err_release_gre;

	list_add_tail_rcu(&ft->node, &fn->devs[ft->mode]);
	ft->listed = true;
	return 0;

err_release_gre:
	/* ndo_uninit releases it when register_netdevice got that far. */
	if (ft->gre_ref) {
		ft->gre_ref = false;
		flowtun_gre_release();
	}
	return err;
}

static int flowtun_changelink(struct net_device *dev, struct nlattr *tb[],
			      struct nlattr *data[],
			      struct netlink_ext_ack *extack)
{
	struct flowtun_dev *ft = netdev_priv(dev);

	if (!data)
		return 0;
	if (data[IFLA_FLOWTUN_MODE] &&
	    nla_get_u8(data[IFLA_FLOWTUN_MODE]) != ft->mode) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_FLOWTUN_MODE],
				    "the mode of a flowtun device cannot change");
		return -EOPNOTSUPP;
	}
	if (data[IFLA_FLOWTUN_LOCAL] &&
	    nla_get_in_addr(data[IFLA_FLOWTUN_LOCAL]) != ft->local) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_FLOWTUN_LOCAL],
				    "the local address of a flowtun device cannot change");
		return -EOPNOTSUPP;
	}
	if (data[IFLA_FLOWTUN_LINK] &&
	    nla_get_u32(data[IFLA_FLOWTUN_LINK]) != ft->link) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_FLOWTUN_LINK],
				    "the underlay of a flowtun device cannot change");
		return -EOPNOTSUPP;
	}
	if (data[IFLA_FLOWTUN_POLICY])
		WRITE_ONCE(ft->policy, nla_get_u8(data[IFLA_FLOWTUN_POLICY]));
	return 0;
}

static size_t flowtun_get_size(const struct net_device *dev)
{
	return nla_total_size(sizeof(u8)) +	/* IFLA_FLOWTUN_MODE */
	       nla_total_size(sizeof(__be32)) +	/* IFLA_FLOWTUN_LOCAL */
	       nla_total_size(sizeof(u8)) +	/* IFLA_FLOWTUN_POLICY */
	       nla_total_size(sizeof(u32));	/* IFLA_FLOWTUN_LINK */
}

static int flowtun_fill_info(struct sk_buff *skb, const struct net_device *dev)
{
	const struct flowtun_dev *ft = netdev_priv(dev);

	if (nla_put_u8(skb, IFLA_FLOWTUN_MODE, ft->mode) ||
	    nla_put_in_addr(skb, IFLA_FLOWTUN_LOCAL, ft->local) ||
	    nla_put_u8(skb, IFLA_FLOWTUN_POLICY, READ_ONCE(ft->policy)) ||
	    nla_put_u32(skb, IFLA_FLOWTUN_LINK, ft->link))
		return -EMSGSIZE;
	return 0;
}

struct rtnl_link_ops flowtun_link_ops __read_mostly = {
	.kind		= FLOWTUN_LINK_KIND,
	.priv_size	= sizeof(struct flowtun_dev),
	.setup		= flowtun_setup,
	.maxtype	= IFLA_FLOWTUN_MAX,
	.policy		= flowtun_policy,
	.validate	= flowtun_validate,
	.newlink	= flowtun_newlink,
	.changelink	= flowtun_changelink,
	.get_size	= flowtun_get_size,
	.fill_info	= flowtun_fill_info,
};

static int __net_init flowtun_net_init(struct net *net)
{
	struct flowtun_net *fn = flowtun_pernet(net);
	int mode;

	for (mode = 0; mode < __FLOWTUN_MODE_MAX; mode++)
		INIT_LIST_HEAD(&fn->devs[mode]);
	return 0;
}

/* Queue every flowtun device of a dying namespace for unregistration. */
static void flowtun_net_kill(struct net *net, struct list_head *kill)
{
	struct flowtun_net *fn = flowtun_pernet(net);
	struct flowtun_dev *ft;
	int mode;

	for (mode = 0; mode < __FLOWTUN_MODE_MAX; mode++)
		list_for_each_entry(ft, &fn->devs[mode], node)
			unregister_netdevice_queue(ft->dev, kill);
}

#ifdef FT_HAVE_EXIT_BATCH_RTNL
static void __net_exit flowtun_net_exit_batch_rtnl(struct list_head *net_list,
						   struct list_head *kill)
{
	struct net *net;

	list_for_each_entry(net, net_list, exit_list)
		flowtun_net_kill(net, kill);
}
#else
static void __net_exit flowtun_net_exit_batch(struct list_head *net_list)
{
	struct net *net;
	LIST_HEAD(kill);

	rtnl_lock();
	list_for_each_entry(net, net_list, exit_list)
		flowtun_net_kill(net, &kill);
	unregister_netdevice_many(&kill);
	rtnl_unlock();
}
#endif

static struct pernet_operations flowtun_net_ops = {
	.init		= flowtun_net_init,
#ifdef FT_HAVE_EXIT_BATCH_RTNL
	.exit_batch_rtnl = flowtun_net_exit_batch_rtnl,
#else
	.exit_batch	= flowtun_net_exit_batch,
#endif
	.id		= &flowtun_net_id,
	.size		= sizeof(struct flowtun_net),
};

int __init flowtun_pernet_init(void)
{
	return register_pernet_device(&flowtun_net_ops);
}

/* After the receive handlers are gone: they read the per-namespace lists. */
void flowtun_pernet_uninit(void)
{
	unregister_pernet_device(&flowtun_net_ops);
}

int __init flowtun_link_init(void)
{
	return rtnl_link_register(&flowtun_link_ops);
}

/* Deletes every flowtun device, in every namespace. */
void flowtun_link_uninit(void)
{
	rtnl_link_unregister(&flowtun_link_ops);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernel versions flowtun builds against lives
 * here. The module is developed and tested on Linux 6.1 (Debian 12); the
 * branches for newer kernels follow the upstream changes named beside them
 * and are compiled only there.
 */
#ifndef _FLOWTUN_COMPAT_H
#define _FLOWTUN_COMPAT_H

#include <linux/version.h>
#include <linux/netdevice.h>
#include <net/ip_tunnels.h>
#include <net/dst_metadata.h>
#include <net/inet_dscp.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
#error "flowtun needs Linux 6.1 or newer"
#endif

/*
 * Tunnel key flags: the module works on its own small bit set, so that the
 * datapath reads the same on every version. Linux 6.9 turned the __be16
 * TUNNEL_* flags into a bitmap of IP_TUNNEL_*_BIT ("ip_tunnel: convert
 * __be16 tunnel flags to bitmaps").
 */
#define FT_TF_CSUM	BIT(0)
#define FT_TF_KEY	BIT(1)
#define FT_TF_SEQ	BIT(2)
#define FT_TF_DF	BIT(3)
#define FT_TF_NOCACHE	BIT(4)

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
static inline u32 ft_key_flags(const struct ip_tunnel_key *key)
{
	u32 f = 0;

	if (test_bit(IP_TUNNEL_CSUM_BIT, key->tun_flags))
		f |= FT_TF_CSUM;
	if (test_bit(IP_TUNNEL_KEY_BIT, key->tun_flags))
		f |= FT_TF_KEY;
	if (test_bit(IP_TUNNEL_SEQ_BIT, key->tun_flags))
		f |= FT_TF_SEQ;
	if (test_bit(IP_TUNNEL_DONT_FRAGMENT_BIT, key->tun_flags))
		f |= FT_TF_DF;
	if (test_bit(IP_TUNNEL_NOCACHE_BIT, key->tun_flags))
		f |= FT_TF_NOCACHE;
	return f;
}

static inline struct metadata_dst *ft_tun_rx_dst(struct sk_buff *skb, u32 f,
						 __be64 tun_id)
{
	IP_TUNNEL_DECLARE_FLAGS(flags) = { };

	__assign_bit(IP_TUNNEL_CSUM_BIT, flags, f & FT_TF_CSUM);
	__assign_bit(IP_TUNNEL_KEY_BIT, flags, f & FT_TF_KEY);
	return ip_tun_rx_dst(skb, flags, tun_id, 0);
}
#else
static inline u32 ft_key_flags(const struct ip_tunnel_key *key)
{
	__be16 t = key->tun_flags;
	u32 f = 0;

	if (t & TUNNEL_CSUM)
		f |= FT_TF_CSUM;
	if (t & TUNNEL_KEY)
		f |= FT_TF_KEY;
	if (t & TUNNEL_SEQ)
		f |= FT_TF_SEQ;
	if (t & TUNNEL_DONT_FRAGMENT)
		f |= FT_TF_DF;
	if (t & TUNNEL_NOCACHE)
		f |= FT_TF_NOCACHE;
	return f;
}

static inline struct metadata_dst *ft_tun_rx_dst(struct sk_buff *skb, u32 f,
						 __be64 tun_id)
{
	__be16 flags = 0;

	if (f & FT_TF_CSUM)
		flags |= TUNNEL_CSUM;
	if (f & FT_TF_KEY)
		flags |= TUNNEL_KEY;
	return ip_tun_rx_dst(skb, flags, tun_id, 0);
}
#endif

/* The outer route's tos: DSCP only ("ipv4: Use INET_DSCP_MASK", 6.x). */
#ifdef INET_DSCP_MASK
#define FT_ROUTE_TOS(tos)	((tos) & INET_DSCP_MASK)
#else
#define FT_ROUTE_TOS(tos)	RT_TOS(tos)
#endif

/*
 * Linux 6.12 moved NETIF_F_LLTX and NETIF_F_NETNS_LOCAL out of the feature
 * flags into dev->lltx and dev->netns_local.
 */
static inline void ft_dev_set_lltx_netns_local(struct net_device *dev)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
	dev->lltx = true;
	dev->netns_local = true;
#else
	dev->features |= NETIF_F_LLTX | NETIF_F_NETNS_LOCAL;
#endif
}

/*
 * rtnl_link_ops->newlink: Linux 6.15 passes the attributes and the
 * namespaces in struct rtnl_newlink_params.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 15, 0)
#define FT_NEWLINK_ARGS struct net_device *dev,				\
			struct rtnl_newlink_params *params,		\
			struct netlink_ext_ack *extack
#define FT_NEWLINK_TB		(params->tb)
#define FT_NEWLINK_DATA		(params->data)
#else
#define FT_NEWLINK_ARGS struct net *src_net, struct net_device *dev,	\
			struct nlattr *ft_tb[], struct nlattr *ft_data[],	\
			struct netlink_ext_ack *extack
#define FT_NEWLINK_TB		ft_tb
#define FT_NEWLINK_DATA		ft_data
#endif

/* Linux 6.10 added exit_batch_rtnl; before it, exit_batch takes the RTNL. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#define FT_HAVE_EXIT_BATCH_RTNL 1
#endif

#endif /* _FLOWTUN_COMPAT_H */

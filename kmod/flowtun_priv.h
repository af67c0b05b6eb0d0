/* SPDX-License-Identifier: GPL-2.0 */
/*
 * flowtun: the module's internal interfaces.
 */
#ifndef _FLOWTUN_PRIV_H
#define _FLOWTUN_PRIV_H

#include <linux/netdevice.h>
#include <linux/percpu.h>
#include <linux/rhashtable.h>
#include <linux/u64_stats_sync.h>
#include <net/gro_cells.h>
#include <net/netns/generic.h>

#include "compat.h"
#include "uapi/flowtun.h"

/* How many flowtun transmits may nest on one CPU (tunnel in tunnel). */
#define FLOWTUN_MAX_NEST	4

/* Largest GRE header we build: base, checksum, key, sequence number. */
#define FLOWTUN_GRE_HLEN_MAX	16

/* Per-CPU counters of a device or of a peer. */
struct flowtun_stats {
	u64_stats_t rx_packets;
	u64_stats_t rx_bytes;
	u64_stats_t tx_packets;
	u64_stats_t tx_bytes;
	u64_stats_t rx_dropped;
	u64_stats_t tx_dropped;
	u64_stats_t drops[__FLOWTUN_DROP_MAX];
	struct u64_stats_sync syncp;
};

/* The sum over all CPUs, for netlink. */
struct flowtun_stats_sum {
	u64 rx_packets;
	u64 rx_bytes;
	u64 tx_packets;
	u64 tx_bytes;
	u64 rx_dropped;
	u64 tx_dropped;
	u64 drops[__FLOWTUN_DROP_MAX];
};

/*
 * A peer: one outer remote address the device talks to. Found by the
 * datapath under RCU in the device's hash table; listed on the device for
 * dumps; added and removed under the RTNL; freed after a grace period.
 */
struct flowtun_peer {
	struct rhash_head node;
	struct list_head list;
	__be32 remote;
	u64 id;				/* READ_ONCE/WRITE_ONCE */
	struct flowtun_stats __percpu *stats;
	struct rcu_head rcu;
};

/* The private part of a flowtun net_device. */
struct flowtun_dev {
	struct net_device *dev;
	struct list_head node;		/* flowtun_net.devs[mode], RCU */
	bool listed;
	bool gre_ref;			/* holds the GRE demultiplexer slot */
	u8 mode;			/* enum flowtun_mode, fixed */
	u8 policy;			/* enum flowtun_policy, READ_ONCE */
	__be32 local;			/* fixed */
	int link;			/* underlay ifindex, fixed */
	atomic_t o_seqno;		/* GRE sequence numbers sent */

	struct gro_cells gro_cells;
	struct flowtun_stats __percpu *stats;	/* drops; rx/tx are tstats */

	struct rhashtable peers;	/* by remote, RCU readers */
	struct list_head peer_list;	/* RCU readers, RTNL writers */
	u32 peer_count;			/* RTNL */
	u32 peer_gen;			/* bumped on every add/del, for dumps */
};

/* Per network namespace: the devices, by mode, for the receive lookup. */
struct flowtun_net {
	struct list_head devs[__FLOWTUN_MODE_MAX];
};

extern unsigned int flowtun_net_id;
extern struct rtnl_link_ops flowtun_link_ops;

static inline struct flowtun_net *flowtun_pernet(const struct net *net)
{
	return net_generic(net, flowtun_net_id);
}

static inline bool netif_is_flowtun(const struct net_device *dev)
{
	return dev->rtnl_link_ops == &flowtun_link_ops;
}

/* Counter updates: datapath context (BH off), so this_cpu_ptr is safe. */
static inline void flowtun_stats_drop(struct flowtun_stats __percpu *stats,
				      enum flowtun_drop_reason reason, bool rx)
{
	struct flowtun_stats *s = this_cpu_ptr(stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->drops[reason]);
	u64_stats_inc(rx ? &s->rx_dropped : &s->tx_dropped);
	u64_stats_update_end(&s->syncp);
}

static inline void flowtun_stats_rx(struct flowtun_stats __percpu *stats,
				    unsigned int len)
{
	struct flowtun_stats *s = this_cpu_ptr(stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->rx_packets);
	u64_stats_add(&s->rx_bytes, len);
	u64_stats_update_end(&s->syncp);
}

static inline void flowtun_stats_tx(struct flowtun_stats __percpu *stats,
				    unsigned int len)
{
	struct flowtun_stats *s = this_cpu_ptr(stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->tx_packets);
	u64_stats_add(&s->tx_bytes, len);
	u64_stats_update_end(&s->syncp);
}

/*
 * Count a drop on the device and, when known, on the peer, under its reason
 * and as an rx or tx drop (what ip -s link shows).
 */
static inline void flowtun_rx_drop(struct flowtun_dev *ft,
				   struct flowtun_peer *peer,
				   enum flowtun_drop_reason reason)
{
	flowtun_stats_drop(ft->stats, reason, true);
	if (peer)
		flowtun_stats_drop(peer->stats, reason, true);
}

static inline void flowtun_tx_drop(struct flowtun_dev *ft,
				   struct flowtun_peer *peer,
				   enum flowtun_drop_reason reason)
{
	flowtun_stats_drop(ft->stats, reason, false);
	if (peer)
		flowtun_stats_drop(peer->stats, reason, false);
}

/* peer.c */
int flowtun_peers_init(struct flowtun_dev *ft);
void flowtun_peers_destroy(struct flowtun_dev *ft);
struct flowtun_peer *flowtun_peer_lookup(struct flowtun_dev *ft,
					 __be32 remote);
int flowtun_peer_add(struct flowtun_dev *ft, __be32 remote, u64 id,
		     bool replace, struct netlink_ext_ack *extack);
int flowtun_peer_del(struct flowtun_dev *ft, __be32 remote,
		     struct netlink_ext_ack *extack);
struct flowtun_stats __percpu *flowtun_stats_alloc(void);
void flowtun_stats_read(struct flowtun_stats __percpu *stats,
			struct flowtun_stats_sum *sum);

/* device.c */
struct flowtun_dev *flowtun_dev_lookup(struct net *net, u8 mode,
				       __be32 local);
int flowtun_pernet_init(void);
void flowtun_pernet_uninit(void);
int flowtun_link_init(void);
void flowtun_link_uninit(void);

/* transmit.c */
netdev_tx_t flowtun_xmit(struct sk_buff *skb, struct net_device *dev);

/* receive.c */
int flowtun_gre_acquire(struct netlink_ext_ack *extack);
void flowtun_gre_release(void);
int flowtun_receive_init(void);
void flowtun_receive_uninit(void);

/* netlink.c */
int flowtun_genl_init(void);
void flowtun_genl_uninit(void);

#endif /* _FLOWTUN_PRIV_H */

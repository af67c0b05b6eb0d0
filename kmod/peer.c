// SPDX-License-Identifier: GPL-2.0
/*
 * flowtun: the per-device peer table.
 *
 * Peers are keyed by their outer remote IPv4 address in an rhashtable that
 * the datapath reads under RCU (softirq on receive, BH-disabled on
 * transmit). The same peers are on a list for dumps. Writers (generic
 * netlink and device teardown) hold the RTNL; a removed peer is freed after
 * an RCU grace period, with its per-CPU counters.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/rtnetlink.h>
#include <net/netlink.h>

#include "flowtun_priv.h"

/* A device holds at most this many peers (memory: a peer has per-CPU counters). */
#define FLOWTUN_MAX_PEERS	SZ_1M

static const struct rhashtable_params flowtun_peer_params = {
	.key_len		= sizeof(__be32),
	.key_offset		= offsetof(struct flowtun_peer, remote),
	.head_offset		= offsetof(struct flowtun_peer, node),
	.automatic_shrinking	= true,
};

struct flowtun_stats __percpu *flowtun_stats_alloc(void)
{
	struct flowtun_stats __percpu *stats;
	int cpu;

	stats = alloc_percpu_gfp(struct flowtun_stats, GFP_KERNEL);
	if (!stats)
		return NULL;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(stats, cpu)->syncp);
	return stats;
}

void flowtun_stats_read(struct flowtun_stats __percpu *stats,
			struct flowtun_stats_sum *sum)
{
	int cpu, i;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct flowtun_stats *s = per_cpu_ptr(stats, cpu);
		struct flowtun_stats_sum one;
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			one.rx_packets = u64_stats_read(&s->rx_packets);
			one.rx_bytes = u64_stats_read(&s->rx_bytes);
			one.tx_packets = u64_stats_read(&s->tx_packets);
			one.tx_bytes = u64_stats_read(&s->tx_bytes);
			one.rx_dropped = u64_stats_read(&s->rx_dropped);
			one.tx_dropped = u64_stats_read(&s->tx_dropped);
			for (i = 0; i < __FLOWTUN_DROP_MAX; i++)
				one.drops[i] = u64_stats_read(&s->drops[i]);
		} while (u64_stats_fetch_retry(&s->syncp, start));

		sum->rx_packets += one.rx_packets;
		sum->rx_bytes += one.rx_bytes;
		sum->tx_packets += one.tx_packets;
		sum->tx_bytes += one.tx_bytes;
		sum->rx_dropped += one.rx_dropped;
		sum->tx_dropped += one.tx_dropped;
		for (i = 0; i < __FLOWTUN_DROP_MAX; i++)
			sum->drops[i] += one.drops[i];
	}
}

static void flowtun_peer_free(struct flowtun_peer *peer)
{
	free_percpu(peer->stats);
	kfree(peer);
}

static void flowtun_peer_free_rcu(struct rcu_head *rcu)
{
	flowtun_peer_free(container_of(rcu, struct flowtun_peer, rcu));
}

int flowtun_peers_init(struct flowtun_dev *ft)
{
	INIT_LIST_HEAD(&ft->peer_list);
	ft->peer_count = 0;
	ft->peer_gen = 0;
	return rhashtable_init(&ft->peers, &flowtun_peer_params);
}

static void flowtun_peer_destroy_one(void *ptr, void *arg)
{
	flowtun_peer_free(ptr);
}

/*
 * The device is gone from every lookup and a grace period has passed
 * (unregister_netdevice_many synchronizes after ndo_uninit): no reader is
 * left, so the peers are freed at once.
 */
void flowtun_peers_destroy(struct flowtun_dev *ft)
{
	rhashtable_free_and_destroy(&ft->peers, flowtun_peer_destroy_one, NULL);
	INIT_LIST_HEAD(&ft->peer_list);
	ft->peer_count = 0;
}

struct flowtun_peer *flowtun_peer_lookup(struct flowtun_dev *ft,
					 __be32 remote)
{
	return rhashtable_lookup(&ft->peers, &remote, flowtun_peer_params);
}

int flowtun_peer_add(struct flowtun_dev *ft, __be32 remote, u64 id,
		     bool replace, struct netlink_ext_ack *extack)
{
	struct flowtun_peer *peer, *old;
	int err;

	ASSERT_RTNL();

	if (ipv4_is_zeronet(remote) || ipv4_is_multicast(remote) ||
	    ipv4_is_lbcast(remote)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "peer remote must be a unicast IPv4 address");
		return -EINVAL;
	}

	old = rhashtable_lookup_fast(&ft->peers, &remote, flowtun_peer_params);
	if (old) {
		if (!replace) {
			NL_SET_ERR_MSG_MOD(extack, "peer already exists");
			return -EEXIST;
		}
		WRITE_ONCE(old->id, id);
		return 0;
	}

	if (ft->peer_count >= FLOWTUN_MAX_PEERS) {
		NL_SET_ERR_MSG_MOD(extack, "peer table full");
		return -ENOSPC;
	}

	peer = kzalloc(sizeof(*peer), GFP_KERNEL);
	if (!peer)
		return -ENOMEM;
	peer->stats = flowtun_stats_alloc();
	if (!peer->stats) {
		err = -ENOMEM;
		goto err_free_peer;
	}
	peer->remote = remote;
	peer->id = id;

	err = rhashtable_insert_fast(&ft->peers, &peer->node,
				     flowtun_peer_params);
	if (err)
		goto err_free_stats;

	list_add_tail_rcu(&peer->list, &ft->peer_list);
	WRITE_ONCE(ft->peer_count, ft->peer_count + 1);
	WRITE_ONCE(ft->peer_gen, ft->peer_gen + 1);
	return 0;

err_free_stats:
	free_percpu(peer->stats);
err_free_peer:
	kfree(peer);
	return err;
}

int flowtun_peer_del(struct flowtun_dev *ft, __be32 remote,
		     struct netlink_ext_ack *extack)
{
	struct flowtun_peer *peer;
	int err;

	ASSERT_RTNL();

	peer = rhashtable_lookup_fast(&ft->peers, &remote, flowtun_peer_params);
	if (!peer) {
		NL_SET_ERR_MSG_MOD(extack, "no such peer");
		return -ENOENT;
	}
	err = rhashtable_remove_fast(&ft->peers, &peer->node,
				     flowtun_peer_params);
	if (WARN_ON_ONCE(err))
		return err;
	list_del_rcu(&peer->list);
	WRITE_ONCE(ft->peer_count, ft->peer_count - 1);
	WRITE_ONCE(ft->peer_gen, ft->peer_gen + 1);
	call_rcu(&peer->rcu, flowtun_peer_free_rcu);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * flowtun: the transmit path.
 *
 * Every packet carries its tunnel parameters (skb_tunnel_info(): a route's
 * "encap ip" state, a tc tunnel_key action, a BPF program). From them:
 * route the outer IPv4 packet (destination, source, tos, the device's
 * underlay), refuse a route back through the device, answer an inner DF
 * packet that cannot fit with ICMP, make headroom, push the GRE header (key
 * = low 32 bits of the id when the key flag is set, checksum and sequence
 * number when asked: what ip_gre's external devices send) or nothing for
 * IPIP (protocol 4 for IPv4 inside, 41 for IPv6 inside), then the outer IP
 * header with ttl and tos from the metadata, the inner ECN field copied
 * (RFC 6040), and DF as the metadata says.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/if_ether.h>
#include <net/dst_cache.h>
#include <net/gre.h>
#include <net/icmp.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/route.h>

#include "flowtun_priv.h"

/* Transmits nested on this CPU: a tunnel routed into a tunnel. */
static DEFINE_PER_CPU(unsigned int, flowtun_xmit_depth);

static unsigned int flowtun_gre_hlen(u32 flags)
{
	unsigned int hlen = sizeof(struct gre_base_hdr);

	if (flags & FT_TF_CSUM)
		hlen += 4;
	if (flags & FT_TF_KEY)
		hlen += 4;
	if (flags & FT_TF_SEQ)
		hlen += 4;
	return hlen;
}

/*
 * Push a GRE header (RFC 2784, RFC 2890): options in the order checksum,
 * key, sequence number. The checksum covers the GRE header and payload; it
 * is left to GSO for GSO packets, computed with local checksum offload when
 * the inner checksum is offloaded, else offloaded itself.
 */
static void flowtun_gre_push(struct sk_buff *skb, unsigned int hlen, u32 flags,
			     __be16 proto, __be32 key, __be32 seq)
{
	struct gre_base_hdr *greh;
	__be32 *opt;

	skb_push(skb, hlen);
	skb_set_inner_protocol(skb, proto);
	skb_reset_transport_header(skb);

	greh = (struct gre_base_hdr *)skb->data;
	greh->flags = 0;
	if (flags & FT_TF_CSUM)
		greh->flags |= GRE_CSUM;
	if (flags & FT_TF_KEY)
		greh->flags |= GRE_KEY;
	if (flags & FT_TF_SEQ)
		greh->flags |= GRE_SEQ;
	greh->protocol = proto;

	opt = (__be32 *)(skb->data + hlen) - 1;
	if (flags & FT_TF_SEQ)
		*opt-- = seq;
	if (flags & FT_TF_KEY)
		*opt-- = key;
	if (flags & FT_TF_CSUM) {
		*opt = 0;
		if (skb_shinfo(skb)->gso_type & (SKB_GSO_GRE | SKB_GSO_GRE_CSUM))
			return;
		if (skb->ip_summed == CHECKSUM_PARTIAL) {
			*(__sum16 *)opt = csum_fold(lco_csum(skb));
		} else {
			skb->ip_summed = CHECKSUM_PARTIAL;
			skb->csum_start = skb_transport_header(skb) - skb->head;
			skb->csum_offset = sizeof(*greh);
		}
	}
}

/*
 * Path MTU, before any header is pushed (skb->len is the inner packet).
 * With DF on the outer header, the inner packet must fit the underlay's
 * path less our headers: record that MTU on the inner route and, for an
 * inner packet that may not be fragmented, send ICMP back and refuse it.
 */
static int flowtun_pmtu(struct net_device *dev, struct sk_buff *skb,
			struct rtable *rt, __be16 df, unsigned int hlen,
			__be32 remote)
{
	int pkt_size = skb->len;
	int mtu;

	if (df)
		mtu = dst_mtu(&rt->dst) - (sizeof(struct iphdr) + hlen);
	else
		mtu = skb_valid_dst(skb) ? dst_mtu(skb_dst(skb)) : dev->mtu;

	if (skb_valid_dst(skb))
		skb_dst_update_pmtu_no_confirm(skb, mtu);

	if (skb->protocol == htons(ETH_P_IP)) {
		if (!skb_is_gso(skb) &&
		    (ip_hdr(skb)->frag_off & htons(IP_DF)) && mtu < pkt_size) {
			icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED,
				      htonl(mtu));
			return -E2BIG;
		}
		return 0;
	}

	if (skb_valid_dst(skb) && mtu < dst_mtu(skb_dst(skb)) &&
	    mtu >= IPV6_MIN_MTU) {
		struct rt6_info *rt6 = container_of(skb_dst(skb),
						    struct rt6_info, dst);

		if ((remote && !ipv4_is_multicast(remote)) ||
		    rt6->rt6i_dst.plen == 128) {
			rt6->rt6i_flags |= RTF_MODIFIED;
			dst_metric_set(skb_dst(skb), RTAX_MTU, mtu);
		}
	}
	if (!skb_is_gso(skb) && mtu >= IPV6_MIN_MTU && mtu < pkt_size) {
		icmpv6_ndo_send(skb, ICMPV6_PKT_TOOBIG, 0, mtu);
		return -E2BIG;
	}
	return 0;
}

static struct rtable *flowtun_route(struct net_device *dev,
				    struct ip_tunnel_info *info,
				    struct flowi4 *fl4, bool use_cache)
{
	struct rtable *rt = NULL;

#ifdef CONFIG_DST_CACHE
	if (use_cache)
		rt = dst_cache_get_ip4(&info->dst_cache, &fl4->saddr);
#endif
	if (rt)
		return rt;

	rt = ip_route_output_key(dev_net(dev), fl4);
	if (IS_ERR(rt))
		return rt;
#ifdef CONFIG_DST_CACHE
	if (use_cache)
		dst_cache_set_ip4(&info->dst_cache, &rt->dst, fl4->saddr);
#endif
	return rt;
}

netdev_tx_t flowtun_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct flowtun_dev *ft = netdev_priv(dev);
	enum flowtun_drop_reason reason;
	const struct ip_tunnel_key *key;
	struct flowtun_peer *peer = NULL;
	struct ip_tunnel_info *info;
	unsigned int hlen, headroom, inner_len;
	u8 ipproto, tos, ttl, inner_tos, inner_ttl;
	struct flowi4 fl4;
	struct rtable *rt;
	__be16 df = 0;
	u32 flags;
	int err;

	rcu_read_lock();

	if (skb->protocol == htons(ETH_P_IP)) {
		if (!pskb_network_may_pull(skb, sizeof(struct iphdr)) ||
		    ip_hdr(skb)->version != 4) {
			reason = FLOWTUN_DROP_TX_PROTO;
			goto drop;
		}
		inner_tos = ip_hdr(skb)->tos;
		inner_ttl = ip_hdr(skb)->ttl;
		ipproto = IPPROTO_IPIP;
	} else if (skb->protocol == htons(ETH_P_IPV6)) {
		if (!pskb_network_may_pull(skb, sizeof(struct ipv6hdr)) ||
		    ipv6_hdr(skb)->version != 6) {
			reason = FLOWTUN_DROP_TX_PROTO;
			goto drop;
		}
		inner_tos = ipv6_get_dsfield(ipv6_hdr(skb));
		inner_ttl = ipv6_hdr(skb)->hop_limit;
		ipproto = IPPROTO_IPV6;
	} else {
		reason = FLOWTUN_DROP_TX_PROTO;
		goto drop;
	}

	info = skb_tunnel_info(skb);
	if (unlikely(!info || !(info->mode & IP_TUNNEL_INFO_TX) ||
		     ip_tunnel_info_af(info) != AF_INET)) {
		reason = FLOWTUN_DROP_NO_METADATA;
		goto drop;
	}
	key = &info->key;
	peer = flowtun_peer_lookup(ft, key->u.ipv4.dst);

	if (unlikely(__this_cpu_read(flowtun_xmit_depth) >= FLOWTUN_MAX_NEST)) {
		net_warn_ratelimited("%s: tunnels nested too deep, dropping\n",
				     dev->name);
		reason = FLOWTUN_DROP_RECURSION;
		goto drop;
	}

	flags = ft_key_flags(key);
	if (ft->mode == FLOWTUN_MODE_GRE) {
		ipproto = IPPROTO_GRE;
		hlen = flowtun_gre_hlen(flags);
	} else {
		hlen = 0;
	}

	tos = key->tos == 1 ? inner_tos : key->tos;
	ip_tunnel_init_flow(&fl4, ipproto, key->u.ipv4.dst,
			    key->u.ipv4.src ?: ft->local,
			    tunnel_id_to_key32(key->tun_id), FT_ROUTE_TOS(tos),
			    dev_net(dev), ft->link, skb->mark, skb_get_hash(skb),
			    key->flow_flags);
	rt = flowtun_route(dev, info, &fl4,
			   !skb->mark && !(flags & FT_TF_NOCACHE));
	if (IS_ERR(rt)) {
		reason = FLOWTUN_DROP_NO_ROUTE;
		goto drop;
	}
	if (unlikely(rt->dst.dev == dev)) {
		reason = FLOWTUN_DROP_LOOP;
		goto drop_rt;
	}

	if (flags & FT_TF_DF)
		df = htons(IP_DF);
	if (flowtun_pmtu(dev, skb, rt, df, hlen, key->u.ipv4.dst)) {
		reason = FLOWTUN_DROP_PMTU;
		goto drop_rt;
	}

	/*
	 * RFC 6040 section 4.1, normal mode: the outer ECN field is a copy of
	 * the inner one, CE included (INET_ECN_encapsulate() turns CE into
	 * ECT(0), RFC 3168's full-functionality mode, which RFC 6040 retired).
	 */
	tos = (tos & ~INET_ECN_MASK) | (inner_tos & INET_ECN_MASK);
	ttl = key->ttl ?: inner_ttl;

	headroom = LL_RESERVED_SPACE(rt->dst.dev) + rt->dst.header_len +
		   sizeof(struct iphdr) + hlen;
	if (headroom > READ_ONCE(dev->needed_headroom))
		WRITE_ONCE(dev->needed_headroom, headroom);
	if (skb_cow_head(skb, headroom)) {
		reason = FLOWTUN_DROP_HEADROOM;
		goto drop_rt;
	}

	inner_len = skb->len;
	if (ft->mode == FLOWTUN_MODE_GRE) {
		err = iptunnel_handle_offloads(skb, (flags & FT_TF_CSUM) ?
					       SKB_GSO_GRE_CSUM : SKB_GSO_GRE);
		if (err) {
			reason = FLOWTUN_DROP_NOMEM;
			goto drop_rt;
		}
		flowtun_gre_push(skb, hlen, flags, skb->protocol,
				 tunnel_id_to_key32(key->tun_id),
				 (flags & FT_TF_SEQ) ?
				 htonl(atomic_fetch_inc(&ft->o_seqno)) : 0);
	} else {
		err = iptunnel_handle_offloads(skb, SKB_GSO_IPXIP4);
		if (err) {
			reason = FLOWTUN_DROP_NOMEM;
			goto drop_rt;
		}
		skb_set_inner_ipproto(skb, ipproto);
	}

	if (peer)
		flowtun_stats_tx(peer->stats, inner_len);

	__this_cpu_inc(flowtun_xmit_depth);
	iptunnel_xmit(NULL, rt, skb, fl4.saddr, fl4.daddr, ipproto, tos, ttl,
		      df, false);
	__this_cpu_dec(flowtun_xmit_depth);

	rcu_read_unlock();
	return NETDEV_TX_OK;

drop_rt:
	ip_rt_put(rt);
drop:
	flowtun_tx_drop(ft, peer, reason);
	rcu_read_unlock();
	kfree_skb(skb);
	return NETDEV_TX_OK;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * flowtun: the receive path.
 *
 * GRE version 0 comes through the GRE demultiplexer (gre.ko), whose single
 * version-0 slot ip_gre also wants. flowtun takes the slot when its first
 * GRE-mode device is created and gives it back when the last one goes, so
 * that loading the module alone takes nothing from ip_gre; while the slot
 * is ip_gre's, creating a GRE-mode device fails with EBUSY.
 *
 * IPIP (protocol 4) and 6in4 (protocol 41) come through the tunnel4 handler
 * chains, ahead of ipip.ko and sit.ko: a packet for which no flowtun device
 * matches is handed on untouched.
 *
 * Every packet is looked up in this order: the device (by outer destination
 * and mode), then the peer (by outer source), then the receive policy, then
 * the headers; each drop is counted under its reason on the device and, when
 * the peer is known, on the peer. The packet goes up with a metadata dst
 * carrying the outer addresses, tos, ttl and the tunnel id, through the
 * device's GRO cells.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/icmp.h>
#include <linux/if_ether.h>
#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <net/gre.h>
#include <net/icmp.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/xfrm.h>

#include "flowtun_priv.h"

/*
 * Ahead of ipip.ko and sit.ko (priority 1) and of ip_vti (0): flowtun
 * claims only packets for its own devices.
 */
#define FLOWTUN_TUNNEL4_PRIORITY	(-1)

static bool log_ecn_error = true;
module_param(log_ecn_error, bool, 0644);
MODULE_PARM_DESC(log_ecn_error, "Log packets received with corrupted ECN");

/*
 * RFC 2784 section 2.3: a receiver that does not implement RFC 1701 MUST
 * discard a packet with any of bits 1-5 set. Bits 2 and 3 are RFC 2890's
 * key and sequence number, bit 1 routing (FLOWTUN_DROP_GRE_ROUTING); these
 * are the other two: RFC 1701's strict source route and the high bit of
 * its recursion control. Bits 6-12 are ignored, as the RFC says.
 */
#define FT_GRE_DISCARD_FLAGS	(GRE_STRICT | cpu_to_be16(0x0400))

/*
 * RFC 6040 section 4.2, the decapsulation table: the ECN field the inner
 * packet leaves the tunnel with, by its arriving ECN field (first index)
 * and the outer header's (second). FT_ECN_DROP marks the combination to
 * drop; FT_ECN_LOG those the RFC marks "(!!!)", unused by any compliant
 * encapsulator, which are logged when log_ecn_error is set.
 */
#define FT_ECN_DROP	0x80
#define FT_ECN_LOG	0x40

static const u8 flowtun_ecn_decap_table[4][4] = {
	[INET_ECN_NOT_ECT] = {
		[INET_ECN_NOT_ECT]	= INET_ECN_NOT_ECT,
		[INET_ECN_ECT_1]	= INET_ECN_NOT_ECT | FT_ECN_LOG,
		[INET_ECN_ECT_0]	= INET_ECN_NOT_ECT | FT_ECN_LOG,
		[INET_ECN_CE]		= FT_ECN_DROP | FT_ECN_LOG,
	},
	[INET_ECN_ECT_1] = {
		[INET_ECN_NOT_ECT]	= INET_ECN_ECT_1,
		[INET_ECN_ECT_1]	= INET_ECN_ECT_1,
		[INET_ECN_ECT_0]	= INET_ECN_ECT_1,
		[INET_ECN_CE]		= INET_ECN_CE,
	},
	[INET_ECN_ECT_0] = {
		[INET_ECN_NOT_ECT]	= INET_ECN_ECT_0,
		[INET_ECN_ECT_1]	= INET_ECN_ECT_1,
		[INET_ECN_ECT_0]	= INET_ECN_ECT_0,
		[INET_ECN_CE]		= INET_ECN_CE,
	},
	[INET_ECN_CE] = {
		[INET_ECN_NOT_ECT]	= INET_ECN_CE,
		[INET_ECN_ECT_1]	= INET_ECN_CE | FT_ECN_LOG,
		[INET_ECN_ECT_0]	= INET_ECN_CE,
		[INET_ECN_CE]		= INET_ECN_CE,
	},
};

static const char *const flowtun_ecn_names[4] = {
	[INET_ECN_NOT_ECT]	= "not-ECT",
	[INET_ECN_ECT_1]	= "ECT(1)",
	[INET_ECN_ECT_0]	= "ECT(0)",
	[INET_ECN_CE]		= "CE",
};

/* Everything a GRE header says that flowtun uses. */
struct flowtun_gre_hdr {
	__be16 proto;
	__be32 key;
	u32 flags;		/* FT_TF_CSUM, FT_TF_KEY */
	int hlen;
};

/*
 * The inner header at skb->data, pulled whole by pskb_inet_may_pull(): the
 * version the outer header announced, an IPv4 header length of at least
 * 20 bytes within its total length, and a packet as long as the IPv4 total
 * length or the IPv6 payload length says (longer is fine: the IP layer
 * trims). Returns 0 or the reason to drop the packet, plus one.
 */
static int flowtun_inner_check(struct sk_buff *skb, __be16 proto)
{
	if (proto == htons(ETH_P_IP)) {
		const struct iphdr *iph = ip_hdr(skb);
		unsigned int tot_len = ntohs(iph->tot_len);

		if (iph->version != 4 || iph->ihl < 5 || tot_len < iph->ihl * 4)
			return FLOWTUN_DROP_BAD_INNER + 1;
		if (tot_len > skb->len)
			return FLOWTUN_DROP_TRUNCATED + 1;
		return 0;
	}
	if (ipv6_hdr(skb)->version != 6)
		return FLOWTUN_DROP_BAD_INNER + 1;
	if (sizeof(struct ipv6hdr) + ntohs(ipv6_hdr(skb)->payload_len) >
	    skb->len)
		return FLOWTUN_DROP_TRUNCATED + 1;
	return 0;
}

/*
 * ECN on the way out of the tunnel, by flowtun_ecn_decap_table: returns
 * false when the packet must be dropped, else sets the inner ECN field.
 */
static bool flowtun_ecn_decap(struct flowtun_dev *ft, struct sk_buff *skb,
			      __be32 saddr, u8 outer_tos, u8 inner_tos)
{
	u8 outer = outer_tos & INET_ECN_MASK;
	u8 inner = inner_tos & INET_ECN_MASK;
	u8 cell = flowtun_ecn_decap_table[inner][outer];
	u8 ecn = cell & INET_ECN_MASK;

	if ((cell & FT_ECN_LOG) && log_ecn_error)
		net_info_ratelimited("%s: from %pI4, inner %s under outer %s: unused ECN combination (RFC 6040)%s\n",
				     ft->dev->name, &saddr,
				     flowtun_ecn_names[inner],
				     flowtun_ecn_names[outer],
				     (cell & FT_ECN_DROP) ? ", dropped" : "");
	if (cell & FT_ECN_DROP)
		return false;
	/* The table only raises: ECT(0) to ECT(1), ECT(0) or ECT(1) to CE. */
	if (ecn != inner) {
		if (ecn == INET_ECN_CE)
			INET_ECN_set_ce(skb);
		else
			INET_ECN_set_ect1(skb);
	}
	return true;
}

/*
 * Strip the outer headers and send the inner packet up. Consumes the skb
 * and the metadata dst.
 */
static void flowtun_rcv(struct flowtun_dev *ft, struct flowtun_peer *peer,
			struct sk_buff *skb, int hlen, __be16 proto,
			struct metadata_dst *tun_dst)
{
	const struct iphdr *oiph = ip_hdr(skb);
	enum flowtun_drop_reason reason;
	__be32 saddr = oiph->saddr;
	u8 outer_tos = oiph->tos;
	unsigned int len;
	u8 inner_tos;
	int bad;

	if (__iptunnel_pull_header(skb, hlen, proto, false, false)) {
		reason = FLOWTUN_DROP_NOMEM;
		goto drop;
	}
	skb_reset_mac_header(skb);
	skb_reset_network_header(skb);

	if (!pskb_inet_may_pull(skb)) {
		reason = FLOWTUN_DROP_TRUNCATED;
		goto drop;
	}
	bad = flowtun_inner_check(skb, proto);
	if (bad) {
		reason = bad - 1;
		goto drop;
	}
	if (proto == htons(ETH_P_IP))
		inner_tos = ip_hdr(skb)->tos;
	else
		inner_tos = ipv6_get_dsfield(ipv6_hdr(skb));

	if (!flowtun_ecn_decap(ft, skb, saddr, outer_tos, inner_tos)) {
		reason = FLOWTUN_DROP_ECN;
		goto drop;
	}

	skb->dev = ft->dev;
	skb_dst_set(skb, &tun_dst->dst);
	len = skb->len;
	dev_sw_netstats_rx_add(ft->dev, len);
	if (peer)
		flowtun_stats_rx(peer->stats, len);
	gro_cells_receive(&ft->gro_cells, skb);
	return;

drop:
	flowtun_rx_drop(ft, peer, reason);
	dst_release(&tun_dst->dst);
	kfree_skb(skb);
}

/*
 * Parse a GRE header at skb->data (RFC 2784, with RFC 2890 key and sequence
 * number), in this order: truncated, version, routing, RFC 2784's discard
 * bits, truncated options, checksum, protocol. Returns 0 or the reason to
 * drop the packet, plus one.
 */
static int flowtun_gre_parse(struct sk_buff *skb, struct flowtun_gre_hdr *gh)
{
	const struct gre_base_hdr *greh;
	const __be32 *options;
	__be16 flags;

	if (!pskb_may_pull(skb, sizeof(*greh)))
		return FLOWTUN_DROP_TRUNCATED + 1;
	greh = (const struct gre_base_hdr *)skb->data;
	flags = greh->flags;
	if (flags & GRE_VERSION)
		return FLOWTUN_DROP_GRE_VERSION + 1;
	if (flags & GRE_ROUTING)
		return FLOWTUN_DROP_GRE_ROUTING + 1;
	if (flags & FT_GRE_DISCARD_FLAGS)
		return FLOWTUN_DROP_GRE_FLAGS + 1;

	gh->hlen = sizeof(*greh);
	if (flags & GRE_CSUM)
		gh->hlen += 4;
	if (flags & GRE_KEY)
		gh->hlen += 4;
	if (flags & GRE_SEQ)
		gh->hlen += 4;
	if (!pskb_may_pull(skb, gh->hlen))
		return FLOWTUN_DROP_TRUNCATED + 1;

	greh = (const struct gre_base_hdr *)skb->data;
	options = (const __be32 *)(greh + 1);
	gh->proto = greh->protocol;
	gh->flags = 0;
	gh->key = 0;
	if (flags & GRE_CSUM) {
		/* The checksum covers the GRE header and the payload. */
		if (skb_checksum_simple_validate(skb))
			return FLOWTUN_DROP_GRE_CSUM + 1;
		skb_checksum_try_convert(skb, IPPROTO_GRE, null_compute_pseudo);
		gh->flags |= FT_TF_CSUM;
		options++;
	}
	if (flags & GRE_KEY) {
		gh->key = *options;
		gh->flags |= FT_TF_KEY;
	}
	if (gh->proto != htons(ETH_P_IP) && gh->proto != htons(ETH_P_IPV6))
		return FLOWTUN_DROP_UNKNOWN_PROTO + 1;
	return 0;
}

/* The GRE demultiplexer's version-0 handler; always consumes the skb. */
static int flowtun_gre_rcv(struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct metadata_dst *tun_dst;
	enum flowtun_drop_reason reason;
	struct flowtun_gre_hdr gh;
	struct flowtun_peer *peer;
	struct flowtun_dev *ft;
	int bad;

	ft = flowtun_dev_lookup(dev_net(skb->dev), FLOWTUN_MODE_GRE,
				iph->daddr);
	if (!ft) {
		/* What ip_gre does for a packet no tunnel wants. */
		icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
		kfree_skb(skb);
		return 0;
	}

	peer = flowtun_peer_lookup(ft, iph->saddr);
	if (!peer && READ_ONCE(ft->policy) == FLOWTUN_POLICY_ALLOWLIST) {
		reason = FLOWTUN_DROP_NOT_ALLOWED;
		goto drop;
	}

	bad = flowtun_gre_parse(skb, &gh);
	if (bad) {
		reason = bad - 1;
		goto drop;
	}

	tun_dst = ft_tun_rx_dst(skb, gh.flags, key32_to_tunnel_id(gh.key));
	if (!tun_dst) {
		reason = FLOWTUN_DROP_NOMEM;
		goto drop;
	}
	flowtun_rcv(ft, peer, skb, gh.hlen, gh.proto, tun_dst);
	return 0;

drop:
	flowtun_rx_drop(ft, peer, reason);
	kfree_skb(skb);
	return 0;
}

/*
 * IPIP and 6in4: skb->data is at the inner header. Returns nonzero, with the
 * skb untouched, when no flowtun device wants the packet.
 */
static int flowtun_ipip_rcv_proto(struct sk_buff *skb, __be16 proto)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct metadata_dst *tun_dst;
	enum flowtun_drop_reason reason;
	struct flowtun_peer *peer;
	struct flowtun_dev *ft;
	u64 id;

	ft = flowtun_dev_lookup(dev_net(skb->dev), FLOWTUN_MODE_IPIP,
				iph->daddr);
	if (!ft)
		return -1;

	peer = flowtun_peer_lookup(ft, iph->saddr);
	if (!peer && READ_ONCE(ft->policy) == FLOWTUN_POLICY_ALLOWLIST) {
		reason = FLOWTUN_DROP_NOT_ALLOWED;
		goto drop;
	}
	if (!xfrm4_policy_check(NULL, XFRM_POLICY_IN, skb)) {
		reason = FLOWTUN_DROP_XFRM_POLICY;
		goto drop;
	}

	/* IPIP has no key: the peer's id tells the remotes apart. */
	id = peer ? READ_ONCE(peer->id) : 0;
	tun_dst = ft_tun_rx_dst(skb, id ? FT_TF_KEY : 0, cpu_to_be64(id));
	if (!tun_dst) {
		reason = FLOWTUN_DROP_NOMEM;
		goto drop;
	}
	flowtun_rcv(ft, peer, skb, 0, proto, tun_dst);
	return 0;

drop:
	flowtun_rx_drop(ft, peer, reason);
	kfree_skb(skb);
	return 0;
}

static int flowtun_ipip_rcv(struct sk_buff *skb)
{
	return flowtun_ipip_rcv_proto(skb, htons(ETH_P_IP));
}

static int flowtun_6in4_rcv(struct sk_buff *skb)
{
	return flowtun_ipip_rcv_proto(skb, htons(ETH_P_IPV6));
}

/*
 * ICMP errors about packets we sent: skb->data is at the outer IP header we
 * sent, quoted in the ICMP message. Path MTU and redirects update the
 * underlay's routes; a device is needed only to know it is ours.
 */
static bool flowtun_icmp_err(struct sk_buff *skb, u32 info, u8 mode)
{
	const struct iphdr *iph = (const struct iphdr *)skb->data;
	const int type = icmp_hdr(skb)->type;
	const int code = icmp_hdr(skb)->code;
	struct net *net = dev_net(skb->dev);
	struct flowtun_dev *ft;

	ft = flowtun_dev_lookup(net, mode, iph->saddr);
	if (!ft)
		return false;

	if (type == ICMP_DEST_UNREACH && code == ICMP_FRAG_NEEDED)
		ipv4_update_pmtu(skb, net, info, ft->link, iph->protocol);
	else if (type == ICMP_REDIRECT)
		ipv4_redirect(skb, net, ft->link, iph->protocol);
	return true;
}

static void flowtun_gre_err(struct sk_buff *skb, u32 info)
{
	flowtun_icmp_err(skb, info, FLOWTUN_MODE_GRE);
}

static int flowtun_ipip_err(struct sk_buff *skb, u32 info)
{
	return flowtun_icmp_err(skb, info, FLOWTUN_MODE_IPIP) ? 0 : -ENOENT;
}

static const struct gre_protocol flowtun_gre_protocol = {
	.handler	= flowtun_gre_rcv,
	.err_handler	= flowtun_gre_err,
};

static struct xfrm_tunnel flowtun_ipip_handler __read_mostly = {
	.handler	= flowtun_ipip_rcv,
	.err_handler	= flowtun_ipip_err,
	.priority	= FLOWTUN_TUNNEL4_PRIORITY,
};

static struct xfrm_tunnel flowtun_6in4_handler __read_mostly = {
	.handler	= flowtun_6in4_rcv,
	.err_handler	= flowtun_ipip_err,
	.priority	= FLOWTUN_TUNNEL4_PRIORITY,
};

/* GRE-mode devices, under the RTNL: the slot is held while there are any. */
static unsigned int flowtun_gre_users;

int flowtun_gre_acquire(struct netlink_ext_ack *extack)
{
	int err;

	ASSERT_RTNL();
	if (flowtun_gre_users) {
		flowtun_gre_users++;
		return 0;
	}
	err = gre_add_protocol(&flowtun_gre_protocol, GREPROTO_CISCO);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack,
				   "GRE version 0 is taken by another module, most likely ip_gre: unload ip_gre (and its users) to create GRE-mode devices");
		return -EBUSY;
	}
	flowtun_gre_users = 1;
	return 0;
}

void flowtun_gre_release(void)
{
	ASSERT_RTNL();
	if (WARN_ON_ONCE(!flowtun_gre_users))
		return;
	if (--flowtun_gre_users)
		return;
	/* Waits for the handlers running. */
	gre_del_protocol(&flowtun_gre_protocol, GREPROTO_CISCO);
}

int __init flowtun_receive_init(void)
{
	int err;

	err = xfrm4_tunnel_register(&flowtun_ipip_handler, AF_INET);
	if (err) {
		pr_err("cannot register the IPIP handler (priority %d): %d\n",
		       FLOWTUN_TUNNEL4_PRIORITY, err);
		return err;
	}
	err = xfrm4_tunnel_register(&flowtun_6in4_handler, AF_INET6);
	if (err) {
		pr_err("cannot register the 6in4 handler (priority %d): %d\n",
		       FLOWTUN_TUNNEL4_PRIORITY, err);
		goto err_deregister_ipip;
	}
	return 0;

err_deregister_ipip:
	xfrm4_tunnel_deregister(&flowtun_ipip_handler, AF_INET);
	return err;
}

/* After every device is gone; each deregistration waits for readers. */
void flowtun_receive_uninit(void)
{
	WARN_ON_ONCE(flowtun_gre_users);
	xfrm4_tunnel_deregister(&flowtun_6in4_handler, AF_INET6);
	xfrm4_tunnel_deregister(&flowtun_ipip_handler, AF_INET);
}

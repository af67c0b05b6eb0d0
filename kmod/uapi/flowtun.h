/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * flowtun: flow-based (metadata_dst) GRE and IPIP tunnel devices with a
 * per-peer table. This header is the whole user-space interface of the
 * module; it needs nothing but <linux/types.h> and is shared with
 * tunnelctl's lib/.
 *
 * 1. The rtnetlink link kind "flowtun"
 * ====================================
 *
 * RTM_NEWLINK with IFLA_LINKINFO { IFLA_INFO_KIND "flowtun",
 * IFLA_INFO_DATA { IFLA_FLOWTUN_* } } creates an L3 device (ARPHRD_NONE,
 * IFF_NOARP, no link-layer header) that sends every packet with the tunnel
 * parameters the packet carries (a route's "encap ip ..." state, a BPF or
 * tc tunnel_key program...) and receives every matching GRE or IPIP packet
 * with those parameters attached as a metadata dst.
 *
 *   IFLA_FLOWTUN_MODE    u8    FLOWTUN_MODE_GRE (default when absent) or
 *                              FLOWTUN_MODE_IPIP. Fixed at creation.
 *   IFLA_FLOWTUN_LOCAL   be32  optional local IPv4 address the device is
 *                              bound to: it receives only packets sent to
 *                              it, and uses it as the outer source when the
 *                              metadata names none. 0 (the default) is the
 *                              wildcard. Several devices of one mode may
 *                              share a namespace if their local addresses
 *                              differ; a packet goes to the device with its
 *                              exact destination, else to the wildcard one.
 *                              Fixed at creation.
 *   IFLA_FLOWTUN_POLICY  u8    receive policy: FLOWTUN_POLICY_OPEN (default)
 *                              or FLOWTUN_POLICY_ALLOWLIST, where packets from
 *                              an outer source not in the peer table are
 *                              dropped (counted as FLOWTUN_DROP_NOT_ALLOWED)
 *                              before anything else looks at them. May be
 *                              changed with RTM_NEWLINK on an existing device.
 *   IFLA_FLOWTUN_LINK    u32   optional ifindex of the underlay device: the
 *                              outer packets are routed with it as output
 *                              interface, and the default MTU follows it.
 *                              Fixed at creation.
 *
 * Errors come with an extended ack message. Notably, the kernel's GRE
 * demultiplexer has a single handler slot for GRE version 0, which ip_gre
 * takes when it is loaded: while it does, creating a GRE-mode device fails
 * with EBUSY (and, conversely, ip_gre cannot load while a GRE-mode flowtun
 * device exists). IPIP mode coexists with ipip.ko and sit.ko: flowtun looks
 * at IPIP and 6in4 packets first and passes on those for which it has no
 * device.
 *
 * 2. The generic netlink family "flowtun"
 * =======================================
 *
 * Version FLOWTUN_GENL_VERSION. Every command needs CAP_NET_ADMIN
 * (GENL_ADMIN_PERM) and works in the namespace of the socket. Attributes are
 * parsed strictly: unknown attributes, wrong lengths, reply-only attributes
 * in a request and unknown flag bits are rejected with EINVAL and an extended
 * ack naming the attribute; nested attributes (FLOWTUN_A_PEER) must carry
 * NLA_F_NESTED.
 *
 * Every request names one device with FLOWTUN_A_IFINDEX or FLOWTUN_A_IFNAME
 * (both: they must agree), except a FLOWTUN_CMD_DEV_GET dump, which lists
 * every flowtun device of the namespace.
 *
 *   FLOWTUN_CMD_PEER_ADD  doit   FLOWTUN_A_PEER { REMOTE (required),
 *                                ID (optional, default 0) },
 *                                FLOWTUN_A_FLAGS (optional).
 *                                EEXIST when the remote is in the table,
 *                                unless FLOWTUN_F_REPLACE is given, which
 *                                updates the id and keeps the counters.
 *   FLOWTUN_CMD_PEER_DEL  doit   FLOWTUN_A_PEER { REMOTE }. ENOENT when absent.
 *   FLOWTUN_CMD_PEER_GET  doit   FLOWTUN_A_PEER { REMOTE }: one reply.
 *                         dumpit every peer of the device, one message each;
 *                                a dump too big for one read resumes where
 *                                it stopped, and a dump that a change of the
 *                                table may have made inconsistent has
 *                                NLM_F_DUMP_INTR set.
 *                                Replies: FLOWTUN_A_IFINDEX, FLOWTUN_A_PEER
 *                                { REMOTE, ID, STATS { FLOWTUN_STATS_A_* } }.
 *   FLOWTUN_CMD_DEV_GET   doit   device attributes and device-level counters.
 *                         dumpit every flowtun device of the namespace.
 *                                Replies: FLOWTUN_A_IFINDEX, FLOWTUN_A_IFNAME,
 *                                FLOWTUN_A_MODE, FLOWTUN_A_LOCAL,
 *                                FLOWTUN_A_POLICY, FLOWTUN_A_LINK,
 *                                FLOWTUN_A_PEER_COUNT, FLOWTUN_A_STATS.
 *
 * Counters: every drop is counted on the device under its reason; when the
 * packet belongs to a peer in the table (by outer remote address) it is also
 * counted on that peer. Peer rx/tx packets and bytes count inner packets and
 * inner bytes (what the overlay sent or received); device rx/tx are the
 * device's own (the same as `ip -s link`).
 */
#ifndef _UAPI_LINUX_FLOWTUN_H
#define _UAPI_LINUX_FLOWTUN_H

#include <linux/types.h>

#define FLOWTUN_LINK_KIND	"flowtun"
#define FLOWTUN_GENL_NAME	"flowtun"
#define FLOWTUN_GENL_VERSION	1

/* IFLA_FLOWTUN_MODE, FLOWTUN_A_MODE */
enum flowtun_mode {
	FLOWTUN_MODE_UNSPEC,
	FLOWTUN_MODE_GRE,	/* GRE version 0 (IP protocol 47), RFC 2784/2890 */
	FLOWTUN_MODE_IPIP,	/* IPv4 in IPv4 (protocol 4), IPv6 in IPv4 (41) */
	__FLOWTUN_MODE_MAX
};

#define FLOWTUN_MODE_MAX (__FLOWTUN_MODE_MAX - 1)

/* IFLA_FLOWTUN_POLICY, FLOWTUN_A_POLICY */
enum flowtun_policy {
	FLOWTUN_POLICY_OPEN,		/* accept packets from any remote */
	FLOWTUN_POLICY_ALLOWLIST,	/* only from remotes in the peer table */
	__FLOWTUN_POLICY_MAX
};

#define FLOWTUN_POLICY_MAX (__FLOWTUN_POLICY_MAX - 1)

/* Attributes of IFLA_INFO_DATA for the link kind "flowtun". */
enum {
	IFLA_FLOWTUN_UNSPEC,
	IFLA_FLOWTUN_MODE,	/* u8: enum flowtun_mode */
	IFLA_FLOWTUN_LOCAL,	/* be32: local IPv4 address, 0 = wildcard */
	IFLA_FLOWTUN_POLICY,	/* u8: enum flowtun_policy */
	IFLA_FLOWTUN_LINK,	/* u32: underlay ifindex, 0 = none */
	__IFLA_FLOWTUN_MAX
};

#define IFLA_FLOWTUN_MAX (__IFLA_FLOWTUN_MAX - 1)

/* Generic netlink commands. */
enum flowtun_cmd {
	FLOWTUN_CMD_UNSPEC,
	FLOWTUN_CMD_PEER_ADD,
	FLOWTUN_CMD_PEER_DEL,
	FLOWTUN_CMD_PEER_GET,
	FLOWTUN_CMD_DEV_GET,
	__FLOWTUN_CMD_MAX
};

#define FLOWTUN_CMD_MAX (__FLOWTUN_CMD_MAX - 1)

/* Top-level attributes of every command. */
enum flowtun_attr {
	FLOWTUN_A_UNSPEC,
	FLOWTUN_A_IFINDEX,	/* u32 */
	FLOWTUN_A_IFNAME,	/* NUL-terminated string, < IFNAMSIZ */
	FLOWTUN_A_PEER,		/* nested: FLOWTUN_PEER_A_* */
	FLOWTUN_A_FLAGS,	/* u32: FLOWTUN_F_* (PEER_ADD only) */
	FLOWTUN_A_MODE,		/* u8, reply only */
	FLOWTUN_A_LOCAL,	/* be32, reply only */
	FLOWTUN_A_POLICY,	/* u8, reply only */
	FLOWTUN_A_LINK,		/* u32, reply only */
	FLOWTUN_A_PEER_COUNT,	/* u32, reply only */
	FLOWTUN_A_STATS,	/* nested: FLOWTUN_STATS_A_*, reply only */
	FLOWTUN_A_PAD,		/* padding for 64-bit attributes, ignore */
	__FLOWTUN_A_MAX
};

#define FLOWTUN_A_MAX (__FLOWTUN_A_MAX - 1)

/* FLOWTUN_A_FLAGS bits; any other bit is rejected. */
enum flowtun_flags {
	FLOWTUN_F_REPLACE = 1U << 0,	/* PEER_ADD: update an existing peer */
	__FLOWTUN_F_ALL = FLOWTUN_F_REPLACE
};

/* Attributes nested in FLOWTUN_A_PEER. */
enum flowtun_peer_attr {
	FLOWTUN_PEER_A_UNSPEC,
	FLOWTUN_PEER_A_REMOTE,	/* be32: outer remote IPv4 address (the key) */
	FLOWTUN_PEER_A_ID,	/* u64: tunnel id given to packets received
				 * from this remote in IPIP mode (GRE mode
				 * takes the id from the GRE key)
				 */
	FLOWTUN_PEER_A_STATS,	/* nested: FLOWTUN_STATS_A_*, reply only */
	FLOWTUN_PEER_A_PAD,	/* padding for 64-bit attributes, ignore */
	__FLOWTUN_PEER_A_MAX
};

#define FLOWTUN_PEER_A_MAX (__FLOWTUN_PEER_A_MAX - 1)

/*
 * Why a packet was dropped. "tx" reasons are found while sending, "rx" ones
 * while receiving. Each has a counter, reported as the u64 attribute
 * FLOWTUN_STATS_A_DROP_BASE + reason.
 */
enum flowtun_drop_reason {
	/* tx: no tunnel metadata, metadata not for transmit, or not IPv4 */
	FLOWTUN_DROP_NO_METADATA,
	/* tx: the outer route goes back through the device itself */
	FLOWTUN_DROP_LOOP,
	/* tx: no route to the outer destination */
	FLOWTUN_DROP_NO_ROUTE,
	/* tx: could not make room for the outer headers */
	FLOWTUN_DROP_HEADROOM,
	/* tx: inner packet with DF too big for the path; ICMP sent back */
	FLOWTUN_DROP_PMTU,
	/* tx: tunnel devices nested too deep (FLOWTUN_MAX_NEST) */
	FLOWTUN_DROP_RECURSION,
	/* tx: inner packet neither IPv4 nor IPv6, or its header malformed */
	FLOWTUN_DROP_TX_PROTO,
	/*
	 * rx: packet shorter than its headers say: the GRE header, the inner
	 * IPv4 or IPv6 header, the inner IPv4 total length or IPv6 payload
	 * length
	 */
	FLOWTUN_DROP_TRUNCATED,
	/* rx: GRE version not 0 */
	FLOWTUN_DROP_GRE_VERSION,
	/* rx: GRE routing present (RFC 1701 source routing) */
	FLOWTUN_DROP_GRE_ROUTING,
	/* rx: GRE checksum present and wrong */
	FLOWTUN_DROP_GRE_CSUM,
	/* rx: GRE protocol type neither IPv4 nor IPv6 */
	FLOWTUN_DROP_UNKNOWN_PROTO,
	/*
	 * rx: inner header is not the protocol announced (its version), or
	 * is malformed (IPv4 header length under 20, or total length under
	 * the header length)
	 */
	FLOWTUN_DROP_BAD_INNER,
	/* rx: outer source not in the peer table, policy allowlist */
	FLOWTUN_DROP_NOT_ALLOWED,
	/* rx: outer CE on a not-ECT inner packet (RFC 6040 section 4.2) */
	FLOWTUN_DROP_ECN,
	/* rx: refused by the IPsec policy (xfrm) */
	FLOWTUN_DROP_XFRM_POLICY,
	/* rx or tx: out of memory */
	FLOWTUN_DROP_NOMEM,
	/*
	 * rx: GRE bit 4 or 5 set (RFC 1701's strict source route, or a
	 * recursion control of 4 or more), which RFC 2784 section 2.3 says
	 * to discard
	 */
	FLOWTUN_DROP_GRE_FLAGS,
	__FLOWTUN_DROP_MAX
};

#define FLOWTUN_DROP_MAX (__FLOWTUN_DROP_MAX - 1)

/*
 * The name of every drop reason, as an array initializer for user space
 * that prints counters (the one list; tools must not keep their own):
 *
 *	static const char *const names[] = FLOWTUN_DROP_NAMES_INIT;
 *
 * It needs C99 designated initializers where it is expanded. A new reason
 * is appended to enum flowtun_drop_reason, to enum flowtun_stats_attr and
 * here, so an array sized by this initializer has __FLOWTUN_DROP_MAX
 * entries exactly when the list is complete.
 */
#define FLOWTUN_DROP_NAMES_INIT {				\
	[FLOWTUN_DROP_NO_METADATA]	= "no_metadata",	\
	[FLOWTUN_DROP_LOOP]		= "loop",		\
	[FLOWTUN_DROP_NO_ROUTE]		= "no_route",		\
	[FLOWTUN_DROP_HEADROOM]		= "headroom",		\
	[FLOWTUN_DROP_PMTU]		= "pmtu",		\
	[FLOWTUN_DROP_RECURSION]	= "recursion",		\
	[FLOWTUN_DROP_TX_PROTO]		= "tx_proto",		\
	[FLOWTUN_DROP_TRUNCATED]	= "truncated",		\
	[FLOWTUN_DROP_GRE_VERSION]	= "gre_version",	\
	[FLOWTUN_DROP_GRE_ROUTING]	= "gre_routing",	\
	[FLOWTUN_DROP_GRE_CSUM]		= "gre_csum",		\
	[FLOWTUN_DROP_UNKNOWN_PROTO]	= "unknown_proto",	\
	[FLOWTUN_DROP_BAD_INNER]	= "bad_inner",		\
	[FLOWTUN_DROP_NOT_ALLOWED]	= "not_allowed",	\
	[FLOWTUN_DROP_ECN]		= "ecn",		\
	[FLOWTUN_DROP_XFRM_POLICY]	= "xfrm_policy",	\
	[FLOWTUN_DROP_NOMEM]		= "nomem",		\
	[FLOWTUN_DROP_GRE_FLAGS]	= "gre_flags",		\
}

/* Attributes nested in FLOWTUN_PEER_A_STATS and FLOWTUN_A_STATS; all u64. */
enum flowtun_stats_attr {
	FLOWTUN_STATS_A_UNSPEC,
	FLOWTUN_STATS_A_PAD,		/* padding, ignore */
	FLOWTUN_STATS_A_RX_PACKETS,
	FLOWTUN_STATS_A_RX_BYTES,
	FLOWTUN_STATS_A_TX_PACKETS,
	FLOWTUN_STATS_A_TX_BYTES,
	/* one per enum flowtun_drop_reason, in its order */
	FLOWTUN_STATS_A_DROP_NO_METADATA,
	FLOWTUN_STATS_A_DROP_LOOP,
	FLOWTUN_STATS_A_DROP_NO_ROUTE,
	FLOWTUN_STATS_A_DROP_HEADROOM,
	FLOWTUN_STATS_A_DROP_PMTU,
	FLOWTUN_STATS_A_DROP_RECURSION,
	FLOWTUN_STATS_A_DROP_TX_PROTO,
	FLOWTUN_STATS_A_DROP_TRUNCATED,
	FLOWTUN_STATS_A_DROP_GRE_VERSION,
	FLOWTUN_STATS_A_DROP_GRE_ROUTING,
	FLOWTUN_STATS_A_DROP_GRE_CSUM,
	FLOWTUN_STATS_A_DROP_UNKNOWN_PROTO,
	FLOWTUN_STATS_A_DROP_BAD_INNER,
	FLOWTUN_STATS_A_DROP_NOT_ALLOWED,
	FLOWTUN_STATS_A_DROP_ECN,
	FLOWTUN_STATS_A_DROP_XFRM_POLICY,
	FLOWTUN_STATS_A_DROP_NOMEM,
	FLOWTUN_STATS_A_DROP_GRE_FLAGS,
	__FLOWTUN_STATS_A_MAX
};

#define FLOWTUN_STATS_A_MAX (__FLOWTUN_STATS_A_MAX - 1)
#define FLOWTUN_STATS_A_DROP_BASE FLOWTUN_STATS_A_DROP_NO_METADATA

#endif /* _UAPI_LINUX_FLOWTUN_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The model: tunnel devices, encap metadata and encap routes.  One struct
 * carries desired state (from arguments or a peer list) or a kernel dump;
 * presence bits tell "not given" from "zero".
 */
#ifndef TCTL_MODEL_H
#define TCTL_MODEL_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "error.h"

/* The route protocol tunnelctl marks its routes with (rt_protos.d). */
#define TCTL_RTPROT_DEFAULT 157
#define TCTL_RTPROT_NAME "tunnelctl"

enum tctl_kind {
	TCTL_KIND_OTHER = 0,	/* a device tunnelctl does not manage */
	TCTL_KIND_GRE,
	TCTL_KIND_IPIP,
	TCTL_KIND_IP6GRE,
	TCTL_KIND_IP6TNL,
	TCTL_KIND_COUNT
};

struct tctl_kind_info {
	const char *name;	/* rtnetlink IFLA_INFO_KIND */
	const char *module;	/* the module that provides it */
	int underlay;		/* family of the outer header */
	bool has_key;		/* can carry a tunnel id on the wire */
	bool inner_v4, inner_v6;
	int collect_md_attr;	/* IFLA_GRE_COLLECT_METADATA or IFLA_IPTUN_... */
	int link_attr;		/* IFLA_GRE_LINK or IFLA_IPTUN_LINK */
};

const struct tctl_kind_info *tctl_kind_info(enum tctl_kind kind);
enum tctl_kind tctl_kind_from_name(const char *name);

/* Device ------------------------------------------------------------- */

/*
 * Which code moves a device's packets: the kernel's own gre, ipip, ip6gre
 * and ip6tnl devices (intree), or the flowtun module of kmod/ (kmod).  A
 * flowtun device has the rtnetlink kind "flowtun"; its kind here is its
 * mode, TCTL_KIND_GRE or TCTL_KIND_IPIP, so that what a mode can carry
 * (a key, which inner families) is looked up as for the in-tree kinds.
 */
enum tctl_datapath {
	TCTL_DATAPATH_INTREE = 0,
	TCTL_DATAPATH_KMOD,
};

#define TCTL_FLOWTUN_KIND "flowtun"

/* What a kind carries on a datapath: flowtun's IPIP adds 6in4. */
const struct tctl_kind_info *tctl_kind_info_dp(enum tctl_kind kind, enum tctl_datapath dp);
#define TCTL_FLOWTUN_MODULE "flowtun"

/* A flowtun device's receive policy (FLOWTUN_POLICY_* of the uapi). */
enum tctl_ft_policy {
	TCTL_FT_POLICY_OPEN = 0,	/* from any remote */
	TCTL_FT_POLICY_ALLOWLIST,	/* only from remotes in the peer table */
};

static inline const char *tctl_datapath_name(enum tctl_datapath dp)
{
	return dp == TCTL_DATAPATH_KMOD ? "kmod" : "intree";
}

static inline const char *tctl_ft_policy_name(enum tctl_ft_policy p)
{
	return p == TCTL_FT_POLICY_OPEN ? "open" :
	       p == TCTL_FT_POLICY_ALLOWLIST ? "allowlist" : "unknown";
}

#define TCTL_DEV_HAS_MTU	(1u << 0)
#define TCTL_DEV_HAS_LINK	(1u << 1)
#define TCTL_DEV_HAS_UP		(1u << 2)
#define TCTL_DEV_HAS_LOCAL	(1u << 3)	/* flowtun: local given */
#define TCTL_DEV_HAS_POLICY	(1u << 4)	/* flowtun: policy given */

struct tctl_dev {
	uint32_t has;
	char name[IFNAMSIZ];
	int ifindex;
	enum tctl_kind kind;
	char kind_name[32];	/* as the kernel reports it: "gre", "veth" */
	bool external;		/* collect_md */
	bool up;		/* administratively up (IFF_UP) */
	unsigned int flags;	/* ifi_flags from the kernel */
	uint8_t operstate;
	uint32_t mtu;
	int link_ifindex;
	char link[IFNAMSIZ];
	enum tctl_datapath datapath;
	/* Flowtun devices only (datapath kmod): */
	struct in_addr local;		/* bound local address, 0: any */
	enum tctl_ft_policy policy;
};

struct tctl_dev_list {
	struct tctl_dev *v;
	size_t n, cap;
};

struct tctl_dev *tctl_dev_list_push(struct tctl_dev_list *l);
void tctl_dev_list_free(struct tctl_dev_list *l);
const struct tctl_dev *tctl_dev_list_find(const struct tctl_dev_list *l,
					  const char *name);
const struct tctl_dev *tctl_dev_list_find_index(const struct tctl_dev_list *l,
						int ifindex);
const char *tctl_operstate_name(uint8_t operstate);

/* Encap metadata ------------------------------------------------------ */

#define TCTL_ENCAP_HAS_ID	(1u << 0)
#define TCTL_ENCAP_HAS_DST	(1u << 1)
#define TCTL_ENCAP_HAS_SRC	(1u << 2)
#define TCTL_ENCAP_HAS_TTL	(1u << 3)
#define TCTL_ENCAP_HAS_TOS	(1u << 4)

/* Tunnel flags in host order; the wire form is the kernel's be16 TUNNEL_*. */
#define TCTL_TUN_CSUM	0x01
#define TCTL_TUN_KEY	0x04
#define TCTL_TUN_SEQ	0x08
#define TCTL_TUN_KNOWN	(TCTL_TUN_CSUM | TCTL_TUN_KEY | TCTL_TUN_SEQ)

/* "inherit" values of the metadata, as ip_md_tunnel_xmit() reads them. */
#define TCTL_TTL_INHERIT 0
#define TCTL_TOS_INHERIT 1

struct tctl_encap {
	uint32_t has;
	int family;		/* AF_INET: encap ip; AF_INET6: encap ip6 */
	uint64_t id;
	struct tctl_addr dst, src;
	uint8_t ttl, tos;
	uint16_t flags;		/* TCTL_TUN_* */
	uint16_t flags_given;	/* which flags were stated (key vs nokey) */
	uint16_t unknown_flags;	/* kernel flags outside TCTL_TUN_KNOWN */
};

/* Route --------------------------------------------------------------- */

#define TCTL_ROUTE_HAS_TABLE	(1u << 0)
#define TCTL_ROUTE_HAS_METRIC	(1u << 1)
#define TCTL_ROUTE_HAS_DEV	(1u << 2)
#define TCTL_ROUTE_HAS_ENCAP	(1u << 3)
#define TCTL_ROUTE_HAS_DST	(1u << 4)
#define TCTL_ROUTE_HAS_NHID	(1u << 5)

#define TCTL_TABLE_MAIN 254

struct tctl_route {
	uint32_t has;
	struct tctl_prefix dst;	/* the overlay prefix */
	uint32_t table;
	uint32_t metric;
	uint8_t protocol;
	uint8_t scope;
	uint8_t type;
	int oif;
	char dev[IFNAMSIZ];
	struct tctl_encap encap;	/* inline, or the nexthop's (shown) */
	uint32_t nhid;			/* TCTL_ROUTE_HAS_NHID: by nexthop object */
};

struct tctl_route_list {
	struct tctl_route *v;
	size_t n, cap;
};

struct tctl_route *tctl_route_list_push(struct tctl_route_list *l);
void tctl_route_list_free(struct tctl_route_list *l);
void tctl_route_list_sort(struct tctl_route_list *l);

/* The kernel's default metric when none is given. */
uint32_t tctl_route_default_metric(int family);
/* The metric the kernel stores for a requested one (IPv6 turns 0 into 1024). */
uint32_t tctl_route_effective_metric(int family, uint32_t metric);
/* Order by family, table, prefix, metric: the kernel's identity of a route. */
int tctl_route_key_cmp(const struct tctl_route *a, const struct tctl_route *b);
/* The same order over the parts of a key: family, table, prefix, metric. */
int tctl_route_key_parts_cmp(const struct tctl_prefix *ad, uint32_t at, uint32_t am,
			     const struct tctl_prefix *bd, uint32_t bt, uint32_t bm);
/* "10.1.2.0/24 (table main, metric 0)" */
const char *tctl_route_describe(const struct tctl_route *r, char *buf, size_t len);

/* Nexthop object ------------------------------------------------------ */

#define TCTL_NH_HAS_ENCAP	(1u << 0)
#define TCTL_NH_HAS_DEV		(1u << 1)
/* Kinds of nexthop tunnelctl reads but never makes. */
#define TCTL_NH_GROUP		(1u << 8)
#define TCTL_NH_BLACKHOLE	(1u << 9)
#define TCTL_NH_GATEWAY		(1u << 10)
#define TCTL_NH_FDB		(1u << 11)

struct tctl_nexthop {
	uint32_t has;
	uint32_t id;
	int family;		/* AF_INET or AF_INET6: which routes may use it */
	uint8_t protocol;
	int oif;
	char dev[IFNAMSIZ];
	struct tctl_encap encap;
};

struct tctl_nexthop_list {
	struct tctl_nexthop *v;
	size_t n, cap;
};

struct tctl_nexthop *tctl_nexthop_list_push(struct tctl_nexthop_list *l);
void tctl_nexthop_list_free(struct tctl_nexthop_list *l);
void tctl_nexthop_list_sort(struct tctl_nexthop_list *l);
/* Binary search of a sorted list. */
const struct tctl_nexthop *tctl_nexthop_list_find(const struct tctl_nexthop_list *l,
						  uint32_t id);

#endif

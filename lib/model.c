// SPDX-License-Identifier: GPL-2.0-or-later
#include "model.h"
#include "bigmem.h"

#include <linux/if_link.h>
#include <linux/if_tunnel.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtnames.h"

static const struct tctl_kind_info kinds[TCTL_KIND_COUNT] = {
	[TCTL_KIND_OTHER] = { .name = "other" },
	[TCTL_KIND_GRE] = {
		.name = "gre", .module = "ip_gre", .underlay = AF_INET,
		.has_key = true, .inner_v4 = true, .inner_v6 = true,
		.collect_md_attr = IFLA_GRE_COLLECT_METADATA,
		.link_attr = IFLA_GRE_LINK,
	},
	[TCTL_KIND_IPIP] = {
		/* ipip_tunnel_xmit() carries IPv4 (and MPLS) only. */
		.name = "ipip", .module = "ipip", .underlay = AF_INET,
		.has_key = false, .inner_v4 = true, .inner_v6 = false,
		.collect_md_attr = IFLA_IPTUN_COLLECT_METADATA,
		.link_attr = IFLA_IPTUN_LINK,
	},
	[TCTL_KIND_IP6GRE] = {
		.name = "ip6gre", .module = "ip6_gre", .underlay = AF_INET6,
		.has_key = true, .inner_v4 = true, .inner_v6 = true,
		.collect_md_attr = IFLA_GRE_COLLECT_METADATA,
		.link_attr = IFLA_GRE_LINK,
	},
	[TCTL_KIND_IP6TNL] = {
		/* Created without IFLA_IPTUN_PROTO: mode "any", both inners. */
		.name = "ip6tnl", .module = "ip6_tunnel", .underlay = AF_INET6,
		.has_key = false, .inner_v4 = true, .inner_v6 = true,
		.collect_md_attr = IFLA_IPTUN_COLLECT_METADATA,
		.link_attr = IFLA_IPTUN_LINK,
	},
};

const struct tctl_kind_info *tctl_kind_info(enum tctl_kind kind)
{
	if (kind < 0 || kind >= TCTL_KIND_COUNT)
		kind = TCTL_KIND_OTHER;
	return &kinds[kind];
}

/*
 * flowtun's IPIP mode also carries IPv6 inside (protocol 41, 6in4), which
 * no in-tree external device does; its GRE mode is the in-tree one's.
 */
static const struct tctl_kind_info flowtun_ipip = {
	.name = "ipip", .module = TCTL_FLOWTUN_MODULE, .underlay = AF_INET,
	.has_key = false, .inner_v4 = true, .inner_v6 = true,
};

const struct tctl_kind_info *tctl_kind_info_dp(enum tctl_kind kind, enum tctl_datapath dp)
{
	if (dp == TCTL_DATAPATH_KMOD && kind == TCTL_KIND_IPIP)
		return &flowtun_ipip;
	return tctl_kind_info(kind);
}

enum tctl_kind tctl_kind_from_name(const char *name)
{
	for (int k = TCTL_KIND_OTHER + 1; k < TCTL_KIND_COUNT; k++)
		if (!strcmp(kinds[k].name, name))
			return k;
	return TCTL_KIND_OTHER;
}

/* Grow a list by one zeroed element; NULL when out of memory. */
static void *list_push(void **v, size_t *n, size_t *cap, size_t size)
{
	char *p;

	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		void *nv = tctl_big_realloc(*v, ncap * size);

		if (!nv)
			return NULL;
		*v = nv;
		*cap = ncap;
	}
	p = (char *)*v + (*n)++ * size;
	memset(p, 0, size);
	return p;
}

struct tctl_dev *tctl_dev_list_push(struct tctl_dev_list *l)
{
	return list_push((void **)&l->v, &l->n, &l->cap, sizeof(*l->v));
}

void tctl_dev_list_free(struct tctl_dev_list *l)
{
	tctl_big_free(l->v);
	memset(l, 0, sizeof(*l));
}

const struct tctl_dev *tctl_dev_list_find(const struct tctl_dev_list *l,
					  const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].name, name))
			return &l->v[i];
	return NULL;
}

const struct tctl_dev *tctl_dev_list_find_index(const struct tctl_dev_list *l,
						int ifindex)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].ifindex == ifindex)
			return &l->v[i];
	return NULL;
}

const char *tctl_operstate_name(uint8_t operstate)
{
	static const char *const names[] = {
		[IF_OPER_UNKNOWN] = "UNKNOWN",
		[IF_OPER_NOTPRESENT] = "NOTPRESENT",
		[IF_OPER_DOWN] = "DOWN",
		[IF_OPER_LOWERLAYERDOWN] = "LOWERLAYERDOWN",
		[IF_OPER_TESTING] = "TESTING",
		[IF_OPER_DORMANT] = "DORMANT",
		[IF_OPER_UP] = "UP",
	};

	if (operstate < sizeof(names) / sizeof(names[0]) && names[operstate])
		return names[operstate];
	return "UNKNOWN";
}

struct tctl_route *tctl_route_list_push(struct tctl_route_list *l)
{
	return list_push((void **)&l->v, &l->n, &l->cap, sizeof(*l->v));
}

void tctl_route_list_free(struct tctl_route_list *l)
{
	tctl_big_free(l->v);
	memset(l, 0, sizeof(*l));
}

static int route_qsort_cmp(const void *a, const void *b)
{
	return tctl_route_key_cmp(a, b);
}

void tctl_route_list_sort(struct tctl_route_list *l)
{
	/* Dumps come in (nearly) this order already: check before sorting. */
	for (size_t i = 1; i < l->n; i++) {
		if (tctl_route_key_cmp(&l->v[i - 1], &l->v[i]) > 0) {
			qsort(l->v, l->n, sizeof(*l->v), route_qsort_cmp);
			return;
		}
	}
}

uint32_t tctl_route_default_metric(int family)
{
	/* IPv6 routes get IP6_RT_PRIO_USER when no metric is given. */
	return family == AF_INET6 ? 1024 : 0;
}

uint32_t tctl_route_effective_metric(int family, uint32_t metric)
{
	return metric ? metric : tctl_route_default_metric(family);
}

int tctl_route_key_parts_cmp(const struct tctl_prefix *ad, uint32_t at, uint32_t am,
			     const struct tctl_prefix *bd, uint32_t bt, uint32_t bm)
{
	int c;

	if (ad->addr.family != bd->addr.family)
		return ad->addr.family < bd->addr.family ? -1 : 1;
	if (at != bt)
		return at < bt ? -1 : 1;
	c = tctl_prefix_cmp(ad, bd);
	if (c)
		return c;
	if (am != bm)
		return am < bm ? -1 : 1;
	return 0;
}

int tctl_route_key_cmp(const struct tctl_route *a, const struct tctl_route *b)
{
	return tctl_route_key_parts_cmp(&a->dst, a->table, a->metric, &b->dst, b->table,
					b->metric);
}

const char *tctl_route_describe(const struct tctl_route *r, char *buf, size_t len)
{
	char p[TCTL_ADDRSTRLEN], t[32];

	snprintf(buf, len, "%s (table %s, metric %u)",
		 tctl_prefix_str(&r->dst, p, sizeof(p)),
		 tctl_table_name(r->table, t, sizeof(t)), r->metric);
	return buf;
}

struct tctl_nexthop *tctl_nexthop_list_push(struct tctl_nexthop_list *l)
{
	return list_push((void **)&l->v, &l->n, &l->cap, sizeof(*l->v));
}

void tctl_nexthop_list_free(struct tctl_nexthop_list *l)
{
	tctl_big_free(l->v);
	memset(l, 0, sizeof(*l));
}

static int nexthop_qsort_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct tctl_nexthop *)a)->id;
	uint32_t y = ((const struct tctl_nexthop *)b)->id;

	return x < y ? -1 : x > y;
}

void tctl_nexthop_list_sort(struct tctl_nexthop_list *l)
{
	/* The kernel dumps nexthops by id already. */
	for (size_t i = 1; i < l->n; i++) {
		if (l->v[i - 1].id > l->v[i].id) {
			qsort(l->v, l->n, sizeof(*l->v), nexthop_qsort_cmp);
			return;
		}
	}
}

const struct tctl_nexthop *tctl_nexthop_list_find(const struct tctl_nexthop_list *l,
						  uint32_t id)
{
	struct tctl_nexthop key = { .id = id };

	return l->n ? bsearch(&key, l->v, l->n, sizeof(*l->v), nexthop_qsort_cmp) : NULL;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The namespace's checks: what holds each tunnel type's one external
 * slot, tunnel MTUs against their underlay, rp_filter on tunnel devices,
 * and routes of other protocols at owned places.  "Tunnel devices" here
 * are the external (and flowtun) devices and every device an encap route
 * or nexthop goes through (on a kernel without gre, a veth in tests).
 */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "doctor.h"
#include "netns.h"
#include "nl_link.h"
#include "nl_nexthop.h"
#include "nl_route.h"
#include "rtnames.h"
#include "state.h"

/* Underlay addresses looked up per device: enough to find the smallest MTU. */
#define MTU_DSTS_MAX 16

struct net_view {
	struct tctl_dev_list devs;
	struct tctl_nexthop_list nhs;
	struct tctl_route_list routes;	/* every route, every protocol, sorted */
};

static void view_free(struct net_view *v)
{
	tctl_dev_list_free(&v->devs);
	tctl_nexthop_list_free(&v->nhs);
	tctl_route_list_free(&v->routes);
}

static int view_read(struct tctl_nl *nl, struct net_view *v, struct tctl_err *err)
{
	struct tctl_route_dump_filter all = { .any_encap = false };
	int ret = tctl_link_dump(nl, &v->devs, err);

	if (!ret) {
		ret = tctl_nexthop_dump(nl, &v->devs, &v->nhs, err);
		if (ret == -EOPNOTSUPP || ret == -EINVAL)
			ret = 0;
	}
	/* Encap routes and routes by nexthop: enough for ownership and MTUs. */
	all.any_encap = true;
	if (!ret)
		ret = tctl_route_dump(nl, &all, &v->devs, &v->routes, err);
	if (!ret) {
		tctl_routes_join_nexthops(&v->routes, &v->nhs);
		tctl_route_list_sort(&v->routes);
	}
	return ret;
}

static bool is_tunnel(const struct tctl_dev *d)
{
	return d->kind != TCTL_KIND_OTHER && d->external;
}

/* Does an encap route or nexthop go through ifindex? */
static bool carries_encap(const struct net_view *v, int ifindex)
{
	for (size_t i = 0; i < v->nhs.n; i++)
		if ((v->nhs.v[i].has & TCTL_NH_HAS_ENCAP) && v->nhs.v[i].oif == ifindex)
			return true;
	for (size_t i = 0; i < v->routes.n; i++)
		if ((v->routes.v[i].has & TCTL_ROUTE_HAS_ENCAP) && v->routes.v[i].oif == ifindex)
			return true;
	return false;
}

static bool tunnel_dev(const struct net_view *v, const struct tctl_dev *d)
{
	return is_tunnel(d) || carries_encap(v, d->ifindex);
}

/* ---- the one external device per type ------------------------------------ */

/* The kernel's fallback devices: made with the module, holding nothing. */
static bool is_fallback(const struct tctl_dev *d)
{
	static const char *const names[] = { "gre0", "tunl0", "ip6gre0", "ip6tnl0" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(d->name, names[i]))
			return true;
	return false;
}

static int slot_findings(const struct net_view *v, enum tctl_kind kind, struct tctl_findings *out)
{
	const char *name = tctl_kind_info(kind)->name;
	const struct tctl_dev *ext = NULL;
	char fix[256];
	int ret = 0;

	for (size_t i = 0; !ret && i < v->devs.n; i++) {
		const struct tctl_dev *d = &v->devs.v[i];

		if (d->kind != kind || d->datapath != TCTL_DATAPATH_INTREE)
			continue;
		if (d->external) {
			ext = d;
			continue;
		}
		if (is_fallback(d))
			continue;
		snprintf(fix, sizeof(fix), "if the external device should get these packets, "
			 "delete it: ip link del %s", d->name);
		ret = tctl_findings_add(out, "slots", TCTL_DOC_WARN, fix,
					"%s: classic (non-external) device %s takes the received "
					"%s packets that match its local/remote/key before the "
					"external device sees them", name, d->name, name);
	}
	if (ret)
		return ret;
	if (ext)
		return tctl_findings_add(out, "slots", TCTL_DOC_OK, NULL,
					 "%s: the one external device is %s (a second cannot be "
					 "made: route through %s)", name, ext->name, ext->name);
	return tctl_findings_add(out, "slots", TCTL_DOC_OK, NULL,
				 "%s: no external device yet (one can be made)", name);
}

/* A flowtun GRE-mode device and ip_gre want the one GRE version-0 slot. */
static int gre_slot_finding(const struct net_view *v, struct tctl_findings *out)
{
	const struct tctl_dev *ft = NULL, *gre = NULL;

	for (size_t i = 0; i < v->devs.n; i++) {
		const struct tctl_dev *d = &v->devs.v[i];

		if (d->kind == TCTL_KIND_GRE && d->datapath == TCTL_DATAPATH_KMOD && !ft)
			ft = d;
		if (d->kind == TCTL_KIND_GRE && d->datapath == TCTL_DATAPATH_INTREE && d->external)
			gre = d;
	}
	if (ft && gre)
		return tctl_findings_add(out, "slots", TCTL_DOC_WARN,
					 "keep one GRE datapath per kernel: delete one of them",
					 "gre: flowtun device %s and in-tree gre device %s both "
					 "want the kernel's one GRE slot", ft->name, gre->name);
	if (ft)
		return tctl_findings_add(out, "slots", TCTL_DOC_OK, NULL,
					 "gre: flowtun device %s holds the kernel's GRE slot (the "
					 "in-tree ip_gre cannot load meanwhile)", ft->name);
	return 0;
}

/* ---- MTU ------------------------------------------------------------------ */

/* Bytes an encapsulation adds: GRE with a key, as tunnelctl's routes carry. */
static unsigned int overhead(const struct tctl_dev *d, int encap_family, const char **what)
{
	switch (d->kind) {
	case TCTL_KIND_GRE:
		*what = "GRE with key over IPv4";
		return 24;
	case TCTL_KIND_IPIP:
		*what = "IPIP";
		return 20;
	case TCTL_KIND_IP6GRE:
		*what = "GRE with key over IPv6";
		return 48;
	case TCTL_KIND_IP6TNL:
		*what = "IPv6 tunnel";
		return 40;
	default:
		*what = encap_family == AF_INET6 ? "GRE with key over IPv6 (assumed)" :
			"GRE with key over IPv4 (assumed)";
		return encap_family == AF_INET6 ? 48 : 24;
	}
}

struct route_get {
	int oif;
	uint32_t mtu;		/* the route's own mtu metric, 0: none */
};

static int route_get_cb(struct nlmsghdr *nlh, void *arg, struct tctl_err *err)
{
	struct route_get *g = arg;
	struct nlattr *tb[RTA_MAX + 1], *mx[RTAX_MAX + 1];

	(void)err;
	if (nlh->nlmsg_type != RTM_NEWROUTE ||
	    nlmsg_parse(nlh, sizeof(struct rtmsg), tb, RTA_MAX, NULL) < 0)
		return 0;
	if (tb[RTA_OIF] && nla_len(tb[RTA_OIF]) >= 4)
		g->oif = (int)nla_get_u32(tb[RTA_OIF]);
	if (tb[RTA_METRICS] && nla_parse_nested(mx, RTAX_MAX, tb[RTA_METRICS], NULL) == 0 &&
	    mx[RTAX_MTU] && nla_len(mx[RTAX_MTU]) >= 4)
		g->mtu = nla_get_u32(mx[RTAX_MTU]);
	return 0;
}

/* The kernel's route to dst (ip route get): its device and mtu metric. */
static int route_get(struct tctl_nl *nl, const struct tctl_addr *dst, struct route_get *g)
{
	struct rtmsg rtm = {
		.rtm_family = (unsigned char)dst->family,
		.rtm_dst_len = dst->family == AF_INET6 ? 128 : 32,
	};
	struct nl_msg *msg = tctl_nl_msg(RTM_GETROUTE, 0);
	struct tctl_err err = { 0 };

	memset(g, 0, sizeof(*g));
	if (!msg)
		return -ENOMEM;
	if (nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0 ||
	    nla_put(msg, RTA_DST, dst->family == AF_INET6 ? 16 : 4, dst->bytes) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return tctl_nl_request_reply(nl, msg, route_get_cb, g, &err, "route get");
}

struct underlay {
	uint32_t mtu;			/* 0: unknown */
	char via[IFNAMSIZ];
	char dst[TCTL_ADDRSTRLEN];	/* "" when it is the link device */
	int family;
};

static void consider(struct tctl_nl *nl, const struct net_view *v, const struct tctl_dev *d,
		     const struct tctl_addr *dst, struct underlay *u)
{
	const struct tctl_dev *out;
	struct route_get g;
	uint32_t mtu;

	if (route_get(nl, dst, &g) || !g.oif || g.oif == d->ifindex)
		return;
	out = tctl_dev_list_find_index(&v->devs, g.oif);
	if (!out)
		return;
	mtu = g.mtu && g.mtu < out->mtu ? g.mtu : out->mtu;
	if (u->mtu && u->mtu <= mtu)
		return;
	u->mtu = mtu;
	u->family = dst->family;
	snprintf(u->via, sizeof(u->via), "%s", out->name);
	tctl_addr_str(dst, u->dst, sizeof(u->dst));
}

/* The smallest MTU on the way to the outer destinations of d's routes and nexthops. */
static void find_underlay(struct tctl_nl *nl, const struct net_view *v, const struct tctl_dev *d,
			  struct underlay *u)
{
	size_t seen = 0;

	memset(u, 0, sizeof(*u));
	for (size_t i = 0; i < v->nhs.n && seen < MTU_DSTS_MAX; i++)
		if ((v->nhs.v[i].has & TCTL_NH_HAS_ENCAP) && v->nhs.v[i].oif == d->ifindex) {
			consider(nl, v, d, &v->nhs.v[i].encap.dst, u);
			seen++;
		}
	for (size_t i = 0; i < v->routes.n && seen < MTU_DSTS_MAX; i++)
		if ((v->routes.v[i].has & TCTL_ROUTE_HAS_ENCAP) && !v->routes.v[i].nhid &&
		    v->routes.v[i].oif == d->ifindex) {
			consider(nl, v, d, &v->routes.v[i].encap.dst, u);
			seen++;
		}
	if (u->mtu || !d->link_ifindex)
		return;
	/* No route yet: the device it is bound to is its underlay. */
	for (size_t i = 0; i < v->devs.n; i++)
		if (v->devs.v[i].ifindex == d->link_ifindex) {
			u->mtu = v->devs.v[i].mtu;
			snprintf(u->via, sizeof(u->via), "%s", v->devs.v[i].name);
		}
}

static int mtu_finding(struct tctl_nl *nl, const struct net_view *v, const struct tctl_dev *d,
		       struct tctl_findings *out)
{
	struct underlay u;
	const char *what;
	unsigned int over;
	char fix[256], where[128];

	find_underlay(nl, v, d, &u);
	if (!u.mtu)
		return tctl_findings_add(out, "mtu", TCTL_DOC_OK, NULL,
					 "%s: mtu %u; no underlay route found to compare with "
					 "(no encap routes through it, no link device)", d->name,
					 d->mtu);
	over = overhead(d, u.family, &what);
	if (u.dst[0])
		snprintf(where, sizeof(where), "the underlay to %s (via %s, mtu %u)", u.dst,
			 u.via, u.mtu);
	else
		snprintf(where, sizeof(where), "its link device %s (mtu %u)", u.via, u.mtu);
	if (u.mtu <= over || d->mtu <= u.mtu - over)
		return tctl_findings_add(out, "mtu", TCTL_DOC_OK, NULL,
					 "%s: mtu %u fits %s with %u bytes of %s", d->name,
					 d->mtu, where, over, what);
	if (is_tunnel(d))
		snprintf(fix, sizeof(fix), "tunnelctl dev set %s mtu %u", d->name, u.mtu - over);
	else
		snprintf(fix, sizeof(fix), "ip link set dev %s mtu %u", d->name, u.mtu - over);
	return tctl_findings_add(out, "mtu", TCTL_DOC_WARN, fix,
				 "%s: mtu %u is larger than %s leaves after %u bytes of %s "
				 "(%u): large packets are fragmented or dropped", d->name,
				 d->mtu, where, over, what, u.mtu - over);
}

/* ---- rp_filter -------------------------------------------------------------- */

/* The integer in a /proc/sys file; -1 when it cannot be read. */
static int read_sysctl(const char *path)
{
	FILE *f = fopen(path, "re");
	int v = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

struct rpf {
	int all;
	int dev;
};

static int rp_filter_finding(const char *netns, const char *name, const struct rpf *r,
			     struct tctl_findings *out)
{
	char fix[512], pre[300] = "";
	int eff = r->all > r->dev ? r->all : r->dev;

	if (r->dev < 0)
		return tctl_findings_add(out, "rp_filter", TCTL_DOC_OK, NULL,
					 "%s: no IPv4 settings (net.ipv4.conf.%s)", name, name);
	if (eff != 1)
		return tctl_findings_add(out, "rp_filter", TCTL_DOC_OK, NULL,
					 "%s: rp_filter %d (all %d, %s %d)%s", name, eff, r->all,
					 name, r->dev, eff == 2 ? ": loose" : ": off");
	if (netns)
		snprintf(pre, sizeof(pre), "ip netns exec %s ", netns);
	snprintf(fix, sizeof(fix), "%ssysctl -w net.ipv4.conf.all.rp_filter=%d "
		 "net.ipv4.conf.%s.rp_filter=2", pre, r->all == 1 ? 2 : r->all, name);
	return tctl_findings_add(out, "rp_filter", TCTL_DOC_WARN, fix,
				 "%s: strict reverse path filtering (rp_filter 1: all %d, %s %d) "
				 "drops packets that arrive over a tunnel other than the one "
				 "the reply would take: asymmetric tunnel paths break", name,
				 r->all, name, r->dev);
}

/*
 * /proc/sys/net is the namespace's of the process that opens the file: the
 * files are opened inside netns, as sockets are (netns.c).
 */
static int rp_filters(const char *netns, const struct net_view *v, struct tctl_findings *out,
		      struct tctl_err *err)
{
	struct rpf *r = calloc(v->devs.n + 1, sizeof(*r));
	int saved = -1, all, ret = 0;
	char path[128];

	if (!r)
		return tctl_err_nomem(err);
	if (netns && tctl_netns_enter(netns, &saved, err)) {
		free(r);
		return err->code;
	}
	all = read_sysctl("/proc/sys/net/ipv4/conf/all/rp_filter");
	for (size_t i = 0; i < v->devs.n; i++) {
		if (!tunnel_dev(v, &v->devs.v[i]))
			continue;
		snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/rp_filter",
			 v->devs.v[i].name);
		r[i].all = all;
		r[i].dev = read_sysctl(path);
	}
	tctl_netns_leave(saved);
	for (size_t i = 0; !ret && i < v->devs.n; i++)
		if (tunnel_dev(v, &v->devs.v[i]))
			ret = rp_filter_finding(netns, v->devs.v[i].name, &r[i], out);
	free(r);
	return ret ? tctl_err_nomem(err) : 0;
}

/* ---- routes of other protocols at owned places ----------------------------- */

static bool same_place(const struct tctl_route *a, const struct tctl_route *b)
{
	return !tctl_route_key_parts_cmp(&a->dst, a->table, 0, &b->dst, b->table, 0);
}

static int collision(const struct tctl_route *own, const struct tctl_route *other,
		     struct tctl_findings *out)
{
	char p[TCTL_ADDRSTRLEN], t[32], proto[32], fix[512];

	tctl_prefix_str(&own->dst, p, sizeof(p));
	tctl_table_name(own->table, t, sizeof(t));
	tctl_proto_name(other->protocol, proto, sizeof(proto));
	snprintf(fix, sizeof(fix), "the lower metric wins; if the other route is stale: ip "
		 "route del %s table %s proto %s metric %u", p, t, proto, other->metric);
	return tctl_findings_add(out, "routes", TCTL_DOC_WARN, fix,
				 "%s table %s: a route of protocol %s (metric %u%s%s) is where "
				 "tunnelctl's is (metric %u); tunnelctl never touches it",
				 p, t, proto, other->metric, other->dev[0] ? ", dev " : "",
				 other->dev, own->metric);
}

static int collisions(const struct net_view *v, struct tctl_findings *out)
{
	uint8_t own = tctl_own_proto();
	size_t owned = 0, found = 0;

	/* Sorted by family, table, prefix, metric: one place's routes are adjacent. */
	for (size_t i = 0; i < v->routes.n;) {
		size_t j = i;
		const struct tctl_route *mine = NULL;

		while (j < v->routes.n && same_place(&v->routes.v[i], &v->routes.v[j]))
			j++;
		for (size_t k = i; k < j && !mine; k++)
			if (v->routes.v[k].protocol == own)
				mine = &v->routes.v[k];
		owned += mine != NULL;
		for (size_t k = i; mine && k < j; k++) {
			if (v->routes.v[k].protocol == own)
				continue;
			found++;
			if (collision(mine, &v->routes.v[k], out))
				return -ENOMEM;
		}
		i = j;
	}
	if (found)
		return 0;
	return tctl_findings_add(out, "routes", TCTL_DOC_OK, NULL,
				 "no route of another protocol where an owned one is (%zu owned "
				 "prefix%s)", owned, owned == 1 ? "" : "es");
}

int tctl_doctor_net(struct tctl_nl *nl, const char *netns, struct tctl_findings *out,
		    struct tctl_err *err)
{
	struct net_view v = { 0 };
	int ret = view_read(nl, &v, err);

	for (enum tctl_kind k = TCTL_KIND_GRE; !ret && k < TCTL_KIND_COUNT; k++)
		if (slot_findings(&v, k, out))
			ret = tctl_err_nomem(err);
	if (!ret && gre_slot_finding(&v, out))
		ret = tctl_err_nomem(err);
	for (size_t i = 0; !ret && i < v.devs.n; i++)
		if (tunnel_dev(&v, &v.devs.v[i]) && mtu_finding(nl, &v, &v.devs.v[i], out))
			ret = tctl_err_nomem(err);
	if (!ret)
		ret = rp_filters(netns, &v, out, err);
	if (!ret && collisions(&v, out))
		ret = tctl_err_nomem(err);
	view_free(&v);
	return ret;
}

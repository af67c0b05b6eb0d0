// SPDX-License-Identifier: GPL-2.0-or-later
#include "route_check.h"

#include <errno.h>
#include <inttypes.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>

#include "rtnames.h"

#define GRE_KEY_MAX UINT32_MAX

/* inner: the overlay family (AF_UNSPEC: a nexthop, either). */
static int check_families(const struct tctl_encap *e, int inner, const char *what,
			  const struct tctl_dev *d, const struct tctl_kind_info *ki,
			  struct tctl_err *err)
{
	char a[TCTL_ADDRSTRLEN];

	if (e->family != ki->underlay)
		return tctl_err_usage(err, "dst %s is an %s address, but device %s (%s) "
				      "sends over %s; use a%s device",
				      tctl_addr_str(&e->dst, a, sizeof(a)),
				      tctl_family_name(e->family), d->name, ki->name,
				      tctl_family_name(ki->underlay),
				      e->family == AF_INET6 ? "n ip6gre or ip6tnl" :
				      " gre or ipip");
	if ((inner == AF_INET && !ki->inner_v4) || (inner == AF_INET6 && !ki->inner_v6))
		return tctl_err_usage(err, "%s is %s, but device %s (%s) carries "
				      "only %s; use a gre or ip6tnl device, or an ipip device "
				      "of datapath kmod (6in4)", what,
				      tctl_family_name(inner), d->name, ki->name,
				      tctl_family_name(inner == AF_INET ? AF_INET6 : AF_INET));
	return 0;
}

static int check_keyless(const struct tctl_encap *e, const struct tctl_dev *d,
			 const struct tctl_kind_info *ki, struct tctl_err *err)
{
	static const struct { uint16_t flag; const char *word; } words[] = {
		{ TCTL_TUN_KEY, "key" }, { TCTL_TUN_CSUM, "csum" }, { TCTL_TUN_SEQ, "seq" },
	};

	if ((e->has & TCTL_ENCAP_HAS_ID) && e->id != 0)
		return tctl_err_usage(err, "id %" PRIu64 ": device %s (%s) cannot carry a "
				      "tunnel id; %s has no key field, so the remote end "
				      "always receives id 0 (drop \"id\", or use a gre device)",
				      e->id, d->name, ki->name,
				      e->family == AF_INET6 ? "IPv6-in-IPv6" : "IPIP");
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (e->flags & words[i].flag)
			return tctl_err_usage(err, "\"%s\": device %s (%s) has no GRE header; "
					      "%s needs a gre or ip6gre device",
					      words[i].word, d->name, ki->name, words[i].word);
	return 0;
}

static int check_gre(struct tctl_encap *e, const struct tctl_dev *d,
		     const struct tctl_kind_info *ki, struct tctl_err *err)
{
	if ((e->has & TCTL_ENCAP_HAS_ID) && e->id > GRE_KEY_MAX)
		return tctl_err_usage(err, "id %" PRIu64 " is out of range for device %s (%s): "
				      "the GRE key is 32 bits (0-%u)", e->id, d->name, ki->name,
				      GRE_KEY_MAX);
	/*
	 * The kernel puts the id on the wire only with TUNNEL_KEY, which a
	 * plain "ip route ... encap ip id N" does not set: default it on.
	 */
	if ((e->has & TCTL_ENCAP_HAS_ID) && !(e->flags_given & TCTL_TUN_KEY))
		e->flags |= TCTL_TUN_KEY;
	return 0;
}

int tctl_encap_check(struct tctl_encap *e, int overlay_family, const struct tctl_dev *d,
		     const char *what, struct tctl_err *err)
{
	const struct tctl_kind_info *ki;

	if (d->kind == TCTL_KIND_OTHER)
		return 0;	/* e.g. veth, vxlan: the kernel decides */
	ki = tctl_kind_info_dp(d->kind, d->datapath);
	if (!d->external)
		return tctl_err_state(err, EINVAL, "device %s is a classic (point-to-point) %s "
				      "device, not an external one: it would ignore the "
				      "route's encap; use a device made by 'tunnelctl dev add'",
				      d->name, ki->name);
	if (check_families(e, overlay_family, what, d, ki, err))
		return -EINVAL;
	return ki->has_key ? check_gre(e, d, ki, err) : check_keyless(e, d, ki, err);
}

/* A route by nexthop: the nexthop must exist and serve the route's family. */
static int check_nhid(const struct tctl_route *r, const struct tctl_nexthop_list *nhs,
		      struct tctl_err *err)
{
	const struct tctl_nexthop *nh = nhs ? tctl_nexthop_list_find(nhs, r->nhid) : NULL;
	char p[TCTL_ADDRSTRLEN];

	if (!nh)
		return tctl_err_state(err, ENOENT, "nexthop %u does not exist", r->nhid);
	if (!(nh->has & TCTL_NH_HAS_ENCAP))
		return tctl_err_state(err, EINVAL, "nexthop %u carries no encap ip/ip6: not a "
				      "tunnel nexthop", r->nhid);
	if (r->dst.addr.family == AF_INET6 && nh->family == AF_INET)
		return tctl_err_usage(err, "prefix %s is IPv6, but nexthop %u is an IPv4 "
				      "nexthop; IPv6 routes need one made with family inet6",
				      tctl_prefix_str(&r->dst, p, sizeof(p)), r->nhid);
	return 0;
}

int tctl_route_check(struct tctl_route *r, const struct tctl_dev_list *devs,
		     const struct tctl_nexthop_list *nhs, struct tctl_err *err)
{
	const struct tctl_dev *d;
	char what[64], p[TCTL_ADDRSTRLEN];

	r->protocol = tctl_own_proto();
	r->type = RTN_UNICAST;
	if (r->has & TCTL_ROUTE_HAS_NHID)
		return check_nhid(r, nhs, err);
	d = tctl_dev_list_find(devs, r->dev);
	if (!d)
		return tctl_err_state(err, ENODEV, "device \"%s\" does not exist", r->dev);
	r->oif = d->ifindex;
	snprintf(what, sizeof(what), "prefix %s", tctl_prefix_str(&r->dst, p, sizeof(p)));
	return tctl_encap_check(&r->encap, r->dst.addr.family, d, what, err);
}

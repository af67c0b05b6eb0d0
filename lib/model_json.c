// SPDX-License-Identifier: GPL-2.0-or-later
#include "model_json.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "rtnames.h"

/* glibc's net/if.h stops at IFF_DYNAMIC; these are the kernel's values. */
#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000
#endif
#ifndef IFF_DORMANT
#define IFF_DORMANT 0x20000
#endif

/* Build an object with one call per key; a NULL value is skipped. */
static void put(json_object *o, const char *key, json_object *v)
{
	if (v)
		json_object_object_add(o, key, v);
}

static json_object *flags_json(unsigned int flags)
{
	static const struct { unsigned int bit; const char *name; } names[] = {
		{ IFF_LOOPBACK, "LOOPBACK" }, { IFF_BROADCAST, "BROADCAST" },
		{ IFF_POINTOPOINT, "POINTOPOINT" }, { IFF_MULTICAST, "MULTICAST" },
		{ IFF_NOARP, "NOARP" }, { IFF_ALLMULTI, "ALLMULTI" },
		{ IFF_PROMISC, "PROMISC" }, { IFF_UP, "UP" },
		{ IFF_LOWER_UP, "LOWER_UP" }, { IFF_DORMANT, "DORMANT" },
	};
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (flags & names[i].bit)
			json_object_array_add(a, json_object_new_string(names[i].name));
	return a;
}

json_object *tctl_dev_to_json(const struct tctl_dev *d)
{
	json_object *o = json_object_new_object();
	json_object *info = json_object_new_object();
	json_object *data = json_object_new_object();

	put(o, "ifindex", json_object_new_int(d->ifindex));
	put(o, "ifname", json_object_new_string(d->name));
	put(o, "flags", flags_json(d->flags));
	put(o, "mtu", json_object_new_int64(d->mtu));
	put(o, "operstate", json_object_new_string(tctl_operstate_name(d->operstate)));
	if (d->link[0])
		put(o, "link", json_object_new_string(d->link));
	put(data, "external", json_object_new_boolean(d->external));
	if (d->datapath == TCTL_DATAPATH_KMOD) {
		char a[INET_ADDRSTRLEN];

		/* The flowtun attributes, named as ip -j names gre's. */
		put(data, "mode", json_object_new_string(tctl_kind_info(d->kind)->name));
		put(data, "local", json_object_new_string(d->local.s_addr ?
			inet_ntop(AF_INET, &d->local, a, sizeof(a)) : "any"));
		put(data, "policy", json_object_new_string(tctl_ft_policy_name(d->policy)));
		if (d->link[0])
			put(data, "link", json_object_new_string(d->link));
	}
	put(info, "info_kind", json_object_new_string(d->kind_name));
	put(info, "info_data", data);
	put(o, "linkinfo", info);
	return o;
}

static json_object *addr_json(const struct tctl_addr *a, int family)
{
	char buf[TCTL_ADDRSTRLEN];
	struct tctl_addr any = { .family = family };

	return json_object_new_string(tctl_addr_str(a->family ? a : &any, buf, sizeof(buf)));
}

json_object *tctl_encap_to_json(const struct tctl_encap *e)
{
	json_object *o = json_object_new_object();
	bool v6 = e->family == AF_INET6;

	put(o, "encap_type", json_object_new_string(v6 ? "ip6" : "ip"));
	put(o, "id", json_object_new_uint64(e->id));
	put(o, "src", addr_json(&e->src, e->family));
	put(o, "dst", addr_json(&e->dst, e->family));
	put(o, v6 ? "hoplimit" : "ttl", json_object_new_int(e->ttl));
	put(o, v6 ? "tc" : "tos", json_object_new_int(e->tos));
	put(o, "key", json_object_new_boolean(e->flags & TCTL_TUN_KEY));
	put(o, "csum", json_object_new_boolean(e->flags & TCTL_TUN_CSUM));
	put(o, "seq", json_object_new_boolean(e->flags & TCTL_TUN_SEQ));
	return o;
}

static const char *scope_name(uint8_t scope)
{
	switch (scope) {
	case RT_SCOPE_UNIVERSE:
		return "global";
	case RT_SCOPE_SITE:
		return "site";
	case RT_SCOPE_LINK:
		return "link";
	case RT_SCOPE_HOST:
		return "host";
	default:
		return "nowhere";
	}
}

json_object *tctl_route_to_json(const struct tctl_route *r)
{
	json_object *o = json_object_new_object();
	char buf[TCTL_ADDRSTRLEN];

	put(o, "dst", json_object_new_string(tctl_prefix_str(&r->dst, buf, sizeof(buf))));
	if (r->has & TCTL_ROUTE_HAS_NHID)
		put(o, "nhid", json_object_new_int64(r->nhid));
	if (r->has & TCTL_ROUTE_HAS_ENCAP)
		put(o, "encap", tctl_encap_to_json(&r->encap));
	put(o, "dev", json_object_new_string(r->dev));
	put(o, "table", json_object_new_string(tctl_table_name(r->table, buf, sizeof(buf))));
	put(o, "metric", json_object_new_int64(r->metric));
	put(o, "protocol", json_object_new_string(tctl_proto_name(r->protocol, buf,
								  sizeof(buf))));
	put(o, "scope", json_object_new_string(scope_name(r->scope)));
	put(o, "owned", json_object_new_boolean(r->protocol == tctl_own_proto()));
	return o;
}

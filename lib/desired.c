// SPDX-License-Identifier: GPL-2.0-or-later
#include "desired.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtnames.h"

static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

void tctl_peer_encap(const struct tctl_peerlist *pl, const struct tctl_peer *p,
		     struct tctl_encap *e)
{
	const struct tctl_list_dev *dev;
	struct tctl_peer_opts o;

	tctl_peer_effective(pl, p, &o);
	dev = tctl_peers_find_dev(pl, o.device);
	memset(e, 0, sizeof(*e));
	e->family = p->underlay.family;
	e->dst = p->underlay;
	e->has = TCTL_ENCAP_HAS_DST;
	if (p->has_id) {
		e->id = p->id;
		e->has |= TCTL_ENCAP_HAS_ID;
	}
	if (o.has & TCTL_OPT_TTL) {
		e->ttl = o.ttl;
		e->has |= TCTL_ENCAP_HAS_TTL;
	}
	if (o.has & TCTL_OPT_TOS) {
		e->tos = o.tos;
		e->has |= TCTL_ENCAP_HAS_TOS;
	}
	/* The GRE key goes on the wire with an id unless "key": false. */
	if ((o.has & TCTL_OPT_KEY) ? o.key :
	    (p->has_id && dev && tctl_kind_info(dev->kind)->has_key))
		e->flags |= TCTL_TUN_KEY;
	if (o.csum)
		e->flags |= TCTL_TUN_CSUM;
	if (o.seq)
		e->flags |= TCTL_TUN_SEQ;
}

int tctl_find_self(const struct tctl_peerlist *pl, const char *name,
		   const struct tctl_addr *addrs, size_t n, const struct tctl_peer **self,
		   struct tctl_err *err)
{
	const struct tctl_peer *found = NULL;

	*self = NULL;
	if (name) {
		*self = tctl_peers_find(pl, name);
		if (!*self)
			return tctl_err_usage(err, "--self %s: no peer of that name in the list",
					      name);
		return 0;
	}
	for (size_t i = 0; i < pl->npeers; i++) {
		const struct tctl_peer *p = &pl->peers[i];

		for (size_t j = 0; j < n; j++) {
			if (tctl_addr_cmp(&p->underlay, &addrs[j]))
				continue;
			if (found && found != p)
				return tctl_err_usage(err, "this node has the underlay addresses "
						      "of peers %s and %s; say which it is "
						      "with --self NAME", found->name, p->name);
			found = p;
		}
	}
	if (!found)
		return tctl_err_usage(err, "no peer's underlay is an address of this node; "
				      "say which peer it is with --self NAME");
	*self = found;
	return 0;
}

/* An open-addressing set of the ids handed out so far. */
struct idset {
	uint32_t *slot;
	size_t mask;
};

static int idset_init(struct idset *s, size_t n)
{
	size_t cap = 16;

	while (cap < n * 2)
		cap <<= 1;
	s->slot = calloc(cap, sizeof(*s->slot));
	s->mask = cap - 1;
	return s->slot ? 0 : -ENOMEM;
}

/* Insert id; false when it was there already. */
static bool idset_add(struct idset *s, uint32_t id)
{
	size_t i = (id * 2654435761u) & s->mask;

	for (; s->slot[i]; i = (i + 1) & s->mask)
		if (s->slot[i] == id)
			return false;
	s->slot[i] = id;
	return true;
}

static bool held_by_other(const struct tctl_nexthop_list *knh, uint32_t id, uint8_t proto)
{
	const struct tctl_nexthop *nh = knh ? tctl_nexthop_list_find(knh, id) : NULL;

	return nh && nh->protocol != proto;
}

static uint32_t assign_id(const char *name, struct idset *used,
			  const struct tctl_nexthop_list *knh, uint8_t proto)
{
	uint32_t off = fnv1a(name) % TCTL_NHID_SPAN;

	for (;;) {
		uint32_t id = TCTL_NHID_BASE + off;

		if (!held_by_other(knh, id, proto) && idset_add(used, id))
			return id;
		off = (off + 1) % TCTL_NHID_SPAN;
	}
}

static int cmp_peer_name(const void *a, const void *b)
{
	return strcmp((*(const struct tctl_peer *const *)a)->name,
		      (*(const struct tctl_peer *const *)b)->name);
}

static int cmp_want_nh(const void *a, const void *b)
{
	uint32_t x = ((const struct tctl_want_nh *)a)->nh.id;
	uint32_t y = ((const struct tctl_want_nh *)b)->nh.id;

	return x < y ? -1 : x > y;
}

static int cmp_want_route(const void *a, const void *b)
{
	return tctl_route_key_cmp(&((const struct tctl_want_route *)a)->r,
				  &((const struct tctl_want_route *)b)->r);
}

static void make_nh(const struct tctl_peerlist *pl, const struct tctl_peer *p, uint32_t id,
		    uint8_t proto, const struct tctl_dev_list *devs, struct tctl_want_nh *w)
{
	struct tctl_peer_opts o;
	const struct tctl_dev *kd;

	tctl_peer_effective(pl, p, &o);
	memset(w, 0, sizeof(*w));
	w->peer = p;
	w->nh.id = id;
	w->nh.protocol = proto;
	/* IPv6 routes need an IPv6 nexthop; IPv4 routes may use either. */
	w->nh.family = AF_INET;
	for (size_t i = 0; i < p->nprefixes; i++)
		if (p->prefixes[i].addr.family == AF_INET6)
			w->nh.family = AF_INET6;
	snprintf(w->nh.dev, sizeof(w->nh.dev), "%s", o.device);
	kd = devs ? tctl_dev_list_find(devs, o.device) : NULL;
	w->nh.oif = kd ? kd->ifindex : 0;
	w->nh.has = TCTL_NH_HAS_DEV | TCTL_NH_HAS_ENCAP;
	tctl_peer_encap(pl, p, &w->nh.encap);
}

static void make_route(const struct tctl_peerlist *pl, const struct tctl_peer *p,
		       const struct tctl_prefix *pfx, const struct tctl_want_nh *nh,
		       struct tctl_want_route *w)
{
	struct tctl_peer_opts o;

	tctl_peer_effective(pl, p, &o);
	memset(w, 0, sizeof(*w));
	w->peer = p;
	w->r.dst = *pfx;
	w->r.has = TCTL_ROUTE_HAS_DST | TCTL_ROUTE_HAS_NHID | TCTL_ROUTE_HAS_TABLE |
		   TCTL_ROUTE_HAS_METRIC | TCTL_ROUTE_HAS_ENCAP | TCTL_ROUTE_HAS_DEV;
	w->r.nhid = nh->nh.id;
	w->r.table = (o.has & TCTL_OPT_TABLE) ? o.table : TCTL_TABLE_MAIN;
	w->r.metric = tctl_route_effective_metric(pfx->addr.family,
						  (o.has & TCTL_OPT_METRIC) ? o.metric : 0);
	w->r.protocol = nh->nh.protocol;
	w->r.type = 1;	/* RTN_UNICAST */
	w->r.encap = nh->nh.encap;
	w->r.oif = nh->nh.oif;
	memcpy(w->r.dev, nh->nh.dev, sizeof(w->r.dev));
}

static int fill(const struct tctl_peerlist *pl, const struct tctl_peer **order, size_t n,
		const struct tctl_nexthop_list *knh, uint8_t proto,
		const struct tctl_dev_list *devs, struct tctl_desired *d, struct tctl_err *err)
{
	struct idset used;

	if (idset_init(&used, n))
		return tctl_err_nomem(err);
	for (size_t i = 0; i < n; i++) {
		const struct tctl_peer *p = order[i];
		struct tctl_want_nh *w = &d->nhs[d->nnh++];

		make_nh(pl, p, assign_id(p->name, &used, knh, proto), proto, devs, w);
		for (size_t j = 0; j < p->nprefixes; j++)
			make_route(pl, p, &p->prefixes[j], w, &d->routes[d->nroutes++]);
	}
	free(used.slot);
	qsort(d->nhs, d->nnh, sizeof(*d->nhs), cmp_want_nh);
	qsort(d->routes, d->nroutes, sizeof(*d->routes), cmp_want_route);
	return 0;
}

int tctl_desired_build(const struct tctl_peerlist *pl, const struct tctl_peer *self,
		       const struct tctl_nexthop_list *kernel_nhs, uint8_t own_proto,
		       const struct tctl_dev_list *devs, struct tctl_desired *d,
		       struct tctl_err *err)
{
	const struct tctl_peer **order;
	size_t n = 0, nroutes = 0;
	int ret;

	memset(d, 0, sizeof(*d));
	d->self = self;
	order = calloc(pl->npeers ? pl->npeers : 1, sizeof(*order));
	if (!order)
		return tctl_err_nomem(err);
	for (size_t i = 0; i < pl->npeers; i++) {
		const struct tctl_peer *p = &pl->peers[i];

		if (p == self || !p->nprefixes)
			continue;	/* nothing to route to */
		order[n++] = p;
		nroutes += p->nprefixes;
	}
	/* Name order: the ids handed out on a collision do not depend on file order. */
	qsort(order, n, sizeof(*order), cmp_peer_name);
	d->nhs = calloc(n ? n : 1, sizeof(*d->nhs));
	d->routes = calloc(nroutes ? nroutes : 1, sizeof(*d->routes));
	if (!d->nhs || !d->routes)
		ret = tctl_err_nomem(err);
	else
		ret = fill(pl, order, n, kernel_nhs, own_proto, devs, d, err);
	free(order);
	if (ret)
		tctl_desired_free(d);
	return ret;
}

void tctl_desired_free(struct tctl_desired *d)
{
	free(d->nhs);
	free(d->routes);
	memset(d, 0, sizeof(*d));
}

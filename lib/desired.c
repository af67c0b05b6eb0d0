// SPDX-License-Identifier: GPL-2.0-or-later
#include "desired.h"
#include "bigmem.h"

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
	s->slot = tctl_big_calloc(cap, sizeof(*s->slot));
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

/*
 * Sorting moves 8-byte keys, then each element once: qsort of the
 * elements themselves spent most of its time copying them around.
 */
struct order_key {
	uint32_t key;
	uint32_t idx;
};

static int cmp_order_key(const void *a, const void *b)
{
	const struct order_key *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

static const struct tctl_want_route *sort_base;

static int cmp_route_idx(const void *a, const void *b)
{
	return tctl_route_key_cmp(&sort_base[*(const uint32_t *)a].r,
				  &sort_base[*(const uint32_t *)b].r);
}

/* Routes are usually listed in order already; sort only when they are not. */
static int sort_routes(struct tctl_desired *d)
{
	struct tctl_want_route *out;
	uint32_t *idx;
	bool sorted = true;

	for (size_t i = 1; i < d->nroutes && sorted; i++)
		sorted = tctl_route_key_cmp(&d->routes[i - 1].r, &d->routes[i].r) <= 0;
	if (sorted)
		return 0;
	idx = tctl_big_calloc(d->nroutes, sizeof(*idx));
	out = tctl_big_calloc(d->nroutes, sizeof(*out));
	if (!idx || !out) {
		tctl_big_free(idx);
		tctl_big_free(out);
		return -ENOMEM;
	}
	for (size_t i = 0; i < d->nroutes; i++)
		idx[i] = (uint32_t)i;
	sort_base = d->routes;
	qsort(idx, d->nroutes, sizeof(*idx), cmp_route_idx);
	for (size_t i = 0; i < d->nroutes; i++)
		out[i] = d->routes[idx[i]];
	tctl_big_free(idx);
	tctl_big_free(d->routes);
	d->routes = out;
	return 0;
}

/* One peer's nexthop; o: its effective settings, dev: its device in the kernel. */
static void make_nh(const struct tctl_peerlist *pl, const struct tctl_peer *p,
		    const struct tctl_peer_opts *o, uint32_t id, uint8_t proto,
		    const struct tctl_dev *kd, struct tctl_want_nh *w)
{
	memset(w, 0, sizeof(*w));
	w->peer = p;
	w->nh.id = id;
	w->nh.protocol = proto;
	/* IPv6 routes need an IPv6 nexthop; IPv4 routes may use either. */
	w->nh.family = AF_INET;
	for (size_t i = 0; i < p->nprefixes; i++)
		if (p->prefixes[i].addr.family == AF_INET6)
			w->nh.family = AF_INET6;
	memcpy(w->nh.dev, o->device, sizeof(w->nh.dev));
	w->nh.oif = kd ? kd->ifindex : 0;
	w->nh.has = TCTL_NH_HAS_DEV | TCTL_NH_HAS_ENCAP;
	tctl_peer_encap(pl, p, &w->nh.encap);
}

static void make_route(const struct tctl_peer_opts *o, const struct tctl_prefix *pfx,
		       const struct tctl_want_nh *nh, bool inline_routes,
		       struct tctl_want_route *w)
{
	memset(w, 0, sizeof(*w));
	w->peer = nh->peer;
	w->r.dst = *pfx;
	w->r.has = TCTL_ROUTE_HAS_DST | TCTL_ROUTE_HAS_TABLE | TCTL_ROUTE_HAS_METRIC |
		   TCTL_ROUTE_HAS_ENCAP | TCTL_ROUTE_HAS_DEV |
		   (inline_routes ? 0 : TCTL_ROUTE_HAS_NHID);
	w->r.nhid = nh->nh.id;
	w->r.table = (o->has & TCTL_OPT_TABLE) ? o->table : TCTL_TABLE_MAIN;
	w->r.metric = tctl_route_effective_metric(pfx->addr.family,
						  (o->has & TCTL_OPT_METRIC) ? o->metric : 0);
	w->r.protocol = nh->nh.protocol;
	w->r.type = 1;	/* RTN_UNICAST */
	/* As tctl_route_msg_new sends them (IPv6 routes have no scope). */
	w->r.scope = inline_routes && pfx->addr.family == AF_INET ? 253 /* link */ : 0;
	w->r.encap = nh->nh.encap;
	w->r.oif = nh->nh.oif;
	memcpy(w->r.dev, nh->nh.dev, sizeof(w->r.dev));
}

/*
 * Nexthop ids: each peer's preferred id comes from its name; where two
 * names (or another tool's nexthop) want the same id, the smaller name
 * keeps it and the other takes the next free one, trying peers in name
 * order.  So the result depends on the set of peers, not on file order,
 * and costs a sort only of the few peers that collided.
 */
static uint32_t preferred_id(const char *name)
{
	return TCTL_NHID_BASE + fnv1a(name) % TCTL_NHID_SPAN;
}

struct claim {
	uint32_t id;
	size_t i;			/* index in order[] */
	const struct tctl_peer *peer;
};

static int cmp_claim(const void *a, const void *b)
{
	const struct claim *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return strcmp(x->peer->name, y->peer->name);
}

static int cmp_claim_name(const void *a, const void *b)
{
	return strcmp(((const struct claim *)a)->peer->name,
		      ((const struct claim *)b)->peer->name);
}

static int assign_ids(const struct tctl_peer **order, size_t n, uint32_t *ids,
		      const struct tctl_nexthop_list *knh, uint8_t proto)
{
	struct claim *c = tctl_big_calloc(n ? n : 1, sizeof(*c));
	struct idset used;
	size_t nl = 0;

	if (!c || idset_init(&used, n)) {
		tctl_big_free(c);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		c[i] = (struct claim){ preferred_id(order[i]->name), i, order[i] };
	qsort(c, n, sizeof(*c), cmp_claim);
	/* Winners keep their id; losers move to the front of c[], in place. */
	for (size_t i = 0; i < n; i++) {
		bool first = !i || c[i - 1].id != c[i].id;

		if (first && !held_by_other(knh, c[i].id, proto)) {
			idset_add(&used, c[i].id);
			ids[c[i].i] = c[i].id;
		} else {
			c[nl++] = c[i];
		}
	}
	qsort(c, nl, sizeof(*c), cmp_claim_name);
	for (size_t k = 0; k < nl; k++)
		ids[c[k].i] = assign_id(c[k].peer->name, &used, knh, proto);
	tctl_big_free(c);
	tctl_big_free(used.slot);
	return 0;
}

/*
 * Nexthops are made straight into id order (the ids are sorted as 8-byte
 * keys first); routes in the peers' order, which is usually prefix order
 * already.
 */
static int fill(const struct tctl_peerlist *pl, const struct tctl_peer **order, size_t n,
		const struct tctl_nexthop_list *knh, uint8_t proto,
		const struct tctl_dev_list *devs, struct tctl_desired *d, struct tctl_err *err)
{
	uint32_t *ids = tctl_big_calloc(n ? n : 1, sizeof(*ids));
	struct order_key *k = tctl_big_calloc(n ? n : 1, sizeof(*k));
	uint32_t *slot = tctl_big_calloc(n ? n : 1, sizeof(*slot));
	const struct tctl_dev *kd = NULL;
	char last_dev[IFNAMSIZ] = "";
	int ret = -ENOMEM;

	if (!ids || !k || !slot || assign_ids(order, n, ids, knh, proto))
		goto out;
	for (size_t i = 0; i < n; i++)
		k[i] = (struct order_key){ ids[i], (uint32_t)i };
	qsort(k, n, sizeof(*k), cmp_order_key);
	for (size_t s = 0; s < n; s++) {
		const struct tctl_peer *p = order[k[s].idx];
		struct tctl_peer_opts o;

		tctl_peer_effective(pl, p, &o);
		/* Peers mostly share one device: look it up when it changes. */
		if (devs && strcmp(last_dev, o.device)) {
			kd = tctl_dev_list_find(devs, o.device);
			memcpy(last_dev, o.device, sizeof(last_dev));
		}
		make_nh(pl, p, &o, k[s].key, proto, devs ? kd : NULL, &d->nhs[s]);
		slot[k[s].idx] = (uint32_t)s;
	}
	d->nnh = n;
	for (size_t i = 0; i < n; i++) {
		const struct tctl_peer *p = order[i];
		struct tctl_peer_opts o;

		tctl_peer_effective(pl, p, &o);
		for (size_t j = 0; j < p->nprefixes; j++)
			make_route(&o, &p->prefixes[j], &d->nhs[slot[i]], d->inline_routes,
				   &d->routes[d->nroutes++]);
	}
	ret = sort_routes(d);
out:
	tctl_big_free(ids);
	tctl_big_free(k);
	tctl_big_free(slot);
	return ret ? tctl_err_nomem(err) : 0;
}

int tctl_desired_build(const struct tctl_peerlist *pl, const struct tctl_peer *self,
		       const struct tctl_nexthop_list *kernel_nhs, uint8_t own_proto,
		       const struct tctl_dev_list *devs, bool inline_routes,
		       struct tctl_desired *d, struct tctl_err *err)
{
	const struct tctl_peer **order;
	size_t n = 0, nroutes = 0;
	int ret;

	memset(d, 0, sizeof(*d));
	d->self = self;
	d->inline_routes = inline_routes;
	order = tctl_big_calloc(pl->npeers ? pl->npeers : 1, sizeof(*order));
	if (!order)
		return tctl_err_nomem(err);
	for (size_t i = 0; i < pl->npeers; i++) {
		const struct tctl_peer *p = &pl->peers[i];

		if (p == self || !p->nprefixes)
			continue;	/* nothing to route to */
		order[n++] = p;
		nroutes += p->nprefixes;
	}
	d->nhs = tctl_big_calloc(n ? n : 1, sizeof(*d->nhs));
	d->routes = tctl_big_calloc(nroutes ? nroutes : 1, sizeof(*d->routes));
	if (!d->nhs || !d->routes)
		ret = tctl_err_nomem(err);
	else
		ret = fill(pl, order, n, kernel_nhs, own_proto, devs, d, err);
	tctl_big_free(order);
	if (ret)
		tctl_desired_free(d);
	return ret;
}

bool tctl_desired_clashes(const struct tctl_desired *d, const struct tctl_nexthop_list *knh,
			  uint8_t own_proto)
{
	for (size_t i = 0; i < d->nnh; i++)
		if (held_by_other(knh, d->nhs[i].nh.id, own_proto))
			return true;
	return false;
}

void tctl_desired_resolve_devs(struct tctl_desired *d, const struct tctl_dev_list *devs)
{
	const struct tctl_dev *kd = NULL;
	const char *last = NULL;

	for (size_t i = 0; i < d->nnh; i++) {
		struct tctl_nexthop *nh = &d->nhs[i].nh;

		if (!last || strcmp(last, nh->dev)) {
			kd = tctl_dev_list_find(devs, nh->dev);
			last = nh->dev;
		}
		nh->oif = kd ? kd->ifindex : 0;
	}
	last = NULL;
	for (size_t i = 0; i < d->nroutes; i++) {
		struct tctl_route *r = &d->routes[i].r;

		if (!last || strcmp(last, r->dev)) {
			kd = tctl_dev_list_find(devs, r->dev);
			last = r->dev;
		}
		r->oif = kd ? kd->ifindex : 0;
	}
}

void tctl_desired_free(struct tctl_desired *d)
{
	tctl_big_free(d->nhs);
	tctl_big_free(d->routes);
	memset(d, 0, sizeof(*d));
}

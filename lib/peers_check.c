// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Checks across the whole peer list: names and underlays unique, overlay
 * prefixes disjoint, every device reference declared, and each peer's
 * settings possible on its device (the same rules as route_check.c).
 * Sorting makes each check O(n log n): lists of 100,000 peers are normal.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "peers.h"
#include "bigmem.h"

void tctl_peer_effective(const struct tctl_peerlist *pl, const struct tctl_peer *p,
			 struct tctl_peer_opts *o)
{
	const struct tctl_peer_opts *w = &p->opts;

	*o = pl->defaults;
	if (w->has & TCTL_OPT_DEVICE)
		memcpy(o->device, w->device, sizeof(o->device));
	if (w->has & TCTL_OPT_TTL)
		o->ttl = w->ttl;
	if (w->has & TCTL_OPT_TOS) {
		o->tos = w->tos;
		o->tos_inherit = w->tos_inherit;
	}
	if (w->has & TCTL_OPT_KEY)
		o->key = w->key;
	if (w->has & TCTL_OPT_CSUM)
		o->csum = w->csum;
	if (w->has & TCTL_OPT_SEQ)
		o->seq = w->seq;
	if (w->has & TCTL_OPT_TABLE)
		o->table = w->table;
	if (w->has & TCTL_OPT_METRIC)
		o->metric = w->metric;
	o->has |= w->has;
}

const struct tctl_list_dev *tctl_peers_find_dev(const struct tctl_peerlist *pl,
						const char *name)
{
	for (size_t i = 0; i < pl->ndevs; i++)
		if (!strcmp(pl->devs[i].name, name))
			return &pl->devs[i];
	return NULL;
}

const struct tctl_peer *tctl_peers_find(const struct tctl_peerlist *pl, const char *name)
{
	for (size_t i = 0; i < pl->npeers; i++)
		if (!strcmp(pl->peers[i].name, name))
			return &pl->peers[i];
	return NULL;
}

/*
 * Two managed devices of one mode: in-tree, the kernel allows one external
 * device per type and namespace; flowtun devices are told apart by their
 * local address; and ip_gre and flowtun's GRE mode both need the kernel's
 * one GRE version-0 slot (IPIP has a handler chain and no such limit).
 */
static void check_same_mode(const struct tctl_list_dev *a, const struct tctl_list_dev *b,
			    size_t j, const char *path, struct tctl_diags *d)
{
	const char *mode = tctl_kind_info(a->kind)->name;
	char la[INET_ADDRSTRLEN] = "any";

	if (a->datapath == TCTL_DATAPATH_INTREE && b->datapath == TCTL_DATAPATH_INTREE)
		tctl_diag_add(d, path, 0, "a second %s device: the kernel allows one external "
			      "device per type and namespace (devices[%zu] is %s)", mode, j,
			      b->name);
	else if (a->datapath == TCTL_DATAPATH_KMOD && b->datapath == TCTL_DATAPATH_KMOD) {
		if (a->local.s_addr != b->local.s_addr)
			return;
		if (a->local.s_addr)
			inet_ntop(AF_INET, &a->local, la, sizeof(la));
		tctl_diag_add(d, path, 0, "a second flowtun %s device with local %s "
			      "(devices[%zu] is %s): give each its own \"local\" address",
			      mode, la, j, b->name);
	} else if (a->kind == TCTL_KIND_GRE) {
		tctl_diag_add(d, path, 0, "gre on both datapaths (devices[%zu] is %s): ip_gre "
			      "and flowtun cannot share a kernel, both need its one GRE "
			      "version-0 handler slot", j, b->name);
	}
}

static void check_devices(const struct tctl_peerlist *pl, struct tctl_diags *d)
{
	for (size_t i = 0; i < pl->ndevs; i++) {
		const struct tctl_list_dev *a = &pl->devs[i];
		char path[64];

		snprintf(path, sizeof(path), "devices[%zu].name", i);
		for (size_t j = 0; j < i; j++) {
			const struct tctl_list_dev *b = &pl->devs[j];

			if (!strcmp(a->name, b->name))
				tctl_diag_add(d, path, 0, "\"%s\" is declared twice (also "
					      "devices[%zu])", a->name, j);
			else if (!a->unmanaged && !b->unmanaged && a->kind == b->kind)
				check_same_mode(a, b, j, path, d);
		}
	}
}

/* Sort helpers: an array of peer indexes ordered by a key. */
static const struct tctl_peerlist *sort_pl;

static int by_name(const void *a, const void *b)
{
	return strcmp(sort_pl->peers[*(const size_t *)a].name,
		      sort_pl->peers[*(const size_t *)b].name);
}

static int by_underlay(const void *a, const void *b)
{
	return tctl_addr_cmp(&sort_pl->peers[*(const size_t *)a].underlay,
			     &sort_pl->peers[*(const size_t *)b].underlay);
}

static void check_unique(const struct tctl_peerlist *pl, struct tctl_diags *d,
			 size_t *idx, bool names)
{
	sort_pl = pl;
	qsort(idx, pl->npeers, sizeof(*idx), names ? by_name : by_underlay);
	for (size_t i = 1; i < pl->npeers; i++) {
		const struct tctl_peer *a = &pl->peers[idx[i - 1]], *b = &pl->peers[idx[i]];
		const struct tctl_peer *first = a->index < b->index ? a : b;
		const struct tctl_peer *second = a->index < b->index ? b : a;
		char path[64], addr[TCTL_ADDRSTRLEN];

		if (names ? (!a->name[0] || strcmp(a->name, b->name)) :
			    (!a->underlay.family || tctl_addr_cmp(&a->underlay, &b->underlay)))
			continue;
		snprintf(path, sizeof(path), "peers[%d].%s", second->index,
			 names ? "name" : "underlay");
		if (names)
			tctl_diag_add(d, path, 0, "\"%s\" is also the name of peers[%d]",
				      second->name, first->index);
		else
			tctl_diag_add(d, path, 0, "%s is also the underlay of peers[%d] (%s)",
				      tctl_addr_str(&second->underlay, addr, sizeof(addr)),
				      first->index, first->name);
	}
}

struct pfx_ref {
	const struct tctl_prefix *p;
	int peer, slot;
};

static int by_prefix(const void *a, const void *b)
{
	const struct pfx_ref *x = a, *y = b;
	int c = tctl_addr_cmp(&x->p->addr, &y->p->addr);

	return c ? c : (int)x->p->len - (int)y->p->len;	/* wider first */
}

/*
 * Prefixes are nested or disjoint; sorted by address with the wider first,
 * each one either lies inside the widest open one before it, or after it.
 */
static void check_overlaps(const struct tctl_peerlist *pl, struct tctl_diags *d)
{
	size_t n = 0, k = 0;
	struct pfx_ref *v;

	for (size_t i = 0; i < pl->npeers; i++)
		n += pl->peers[i].nprefixes;
	v = tctl_big_calloc(n ? n : 1, sizeof(*v));
	if (!v)
		return;
	for (size_t i = 0; i < pl->npeers; i++)
		for (size_t j = 0; j < pl->peers[i].nprefixes; j++)
			v[k++] = (struct pfx_ref){ &pl->peers[i].prefixes[j], (int)i, (int)j };
	qsort(v, n, sizeof(*v), by_prefix);
	for (size_t i = 1, open = 0; i < n; i++) {
		char path[80], a[TCTL_ADDRSTRLEN], b[TCTL_ADDRSTRLEN];
		const struct pfx_ref *o = &v[open], *x = &v[i];

		if (!tctl_prefix_contains(o->p, x->p)) {
			open = i;
			continue;
		}
		snprintf(path, sizeof(path), "peers[%d].prefixes[%d]", x->peer, x->slot);
		tctl_diag_add(d, path, 0, "%s %s %s (peers[%d].prefixes[%d]%s%s)",
			      tctl_prefix_str(x->p, a, sizeof(a)),
			      tctl_prefix_cmp(o->p, x->p) ? "overlaps" : "is listed again as",
			      tctl_prefix_str(o->p, b, sizeof(b)), o->peer, o->slot,
			      o->peer == x->peer ? "" : ", peer ",
			      o->peer == x->peer ? "" : pl->peers[o->peer].name);
	}
	tctl_big_free(v);
}

static void check_peer_on_device(const struct tctl_peer *p, const struct tctl_peer_opts *o,
				 const struct tctl_list_dev *dev, struct tctl_diags *d)
{
	const struct tctl_kind_info *ki = tctl_kind_info_dp(dev->kind, dev->datapath);
	char path[64], addr[TCTL_ADDRSTRLEN];

	snprintf(path, sizeof(path), "peers[%d]", p->index);
	if (p->underlay.family && p->underlay.family != ki->underlay)
		tctl_diag_add(d, path, 0, "underlay %s is %s, but device %s (%s) sends over %s",
			      tctl_addr_str(&p->underlay, addr, sizeof(addr)),
			      tctl_family_name(p->underlay.family), dev->name, ki->name,
			      tctl_family_name(ki->underlay));
	for (size_t i = 0; i < p->nprefixes; i++)
		if (p->prefixes[i].addr.family == AF_INET6 && !ki->inner_v6)
			tctl_diag_add(d, path, 0, "prefix %s is IPv6, but device %s (%s) "
				      "carries only IPv4",
				      tctl_prefix_str(&p->prefixes[i], addr, sizeof(addr)),
				      dev->name, ki->name);
	/* On flowtun IPIP the id is the tun_id the peer table gives its packets. */
	if (!ki->has_key && p->has_id && p->id && dev->datapath != TCTL_DATAPATH_KMOD)
		tctl_diag_add(d, path, 0, "id %" PRIu64 ": device %s (%s) cannot carry a "
			      "tunnel id; it has no key field, so the remote end always "
			      "receives id 0", p->id, dev->name, ki->name);
	if (ki->has_key && p->has_id && p->id > UINT32_MAX)
		tctl_diag_add(d, path, 0, "id %" PRIu64 " is out of range for device %s (%s): "
			      "the GRE key is 32 bits", p->id, dev->name, ki->name);
	if (!ki->has_key && (o->key || o->csum || o->seq))
		tctl_diag_add(d, path, 0, "%s: device %s (%s) has no GRE header",
			      o->csum ? "csum" : o->seq ? "seq" : "key", dev->name, ki->name);
}

static void check_peer(const struct tctl_peerlist *pl, const struct tctl_peer *p,
		       struct tctl_diags *d)
{
	const struct tctl_list_dev *dev;
	struct tctl_peer_opts o;
	char path[64];

	tctl_peer_effective(pl, p, &o);
	snprintf(path, sizeof(path), "peers[%d]", p->index);
	if (!(o.has & TCTL_OPT_DEVICE)) {
		tctl_diag_add(d, path, 0, "no device: set \"device\" here or in \"defaults\"");
		return;
	}
	dev = tctl_peers_find_dev(pl, o.device);
	if ((dev && dev->broken) || (!dev && pl->devs_broken))
		return;		/* its own error is reported already */
	if (!dev) {
		/* An undeclared default device is reported once, at defaults.device. */
		if (p->opts.has & TCTL_OPT_DEVICE) {
			snprintf(path, sizeof(path), "peers[%d].device", p->index);
			tctl_diag_add(d, path, 0, "device \"%s\" is not declared in "
				      "\"devices\"", o.device);
		}
		return;
	}
	if (o.tos_inherit && p->underlay.family == AF_INET6)
		tctl_diag_add(d, path, 0, "tos inherit: an IPv6 underlay takes the traffic "
			      "class as given and cannot inherit it; give a number");
	if (!dev->unmanaged)
		check_peer_on_device(p, &o, dev, d);
}

void tctl_peers_check(const struct tctl_peerlist *pl, struct tctl_diags *d)
{
	size_t *idx = tctl_big_calloc(pl->npeers ? pl->npeers : 1, sizeof(*idx));

	check_devices(pl, d);
	if ((pl->defaults.has & TCTL_OPT_DEVICE) && !pl->devs_broken &&
	    !tctl_peers_find_dev(pl, pl->defaults.device))
		tctl_diag_add(d, "defaults.device", 0, "device \"%s\" is not declared in "
			      "\"devices\"", pl->defaults.device);
	if (idx) {
		for (size_t i = 0; i < pl->npeers; i++)
			idx[i] = i;
		check_unique(pl, d, idx, true);
		check_unique(pl, d, idx, false);
		tctl_big_free(idx);
	}
	check_overlaps(pl, d);
	for (size_t i = 0; i < pl->npeers; i++)
		check_peer(pl, &pl->peers[i], d);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The peer tables of the list's flowtun devices.  Every other peer of the
 * list with an IPv4 underlay goes into the table of every flowtun device
 * the list manages, with its id: the mesh is what the table admits when
 * the device's policy is the allowlist, and on IPIP, which has no key on
 * the wire, the id is the tun_id the module gives the peer's packets.
 * The table belongs to the list, as the device does: entries it does not
 * name are deleted (except with --no-prune).  Both sides are sorted by
 * remote address and walked side by side.
 */
#include "plan.h"
#include "bigmem.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

static uint32_t remote_of(const struct tctl_peer *p)
{
	return ntohl(p->underlay.v4.s_addr);
}

static int by_underlay(const void *a, const void *b)
{
	uint32_t x = remote_of(*(const struct tctl_peer *const *)a);
	uint32_t y = remote_of(*(const struct tctl_peer *const *)b);

	return x < y ? -1 : x > y;
}

/* The kernel's entries of device name: [*first, *end) of the sorted list. */
static void dev_range(const struct tctl_ft_peer_list *l, const char *name, size_t *first,
		      size_t *end)
{
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(l->v[mid].dev, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = lo;
	while (lo < l->n && !strcmp(l->v[lo].dev, name))
		lo++;
	*end = lo;
}

static int add_op(struct tctl_plan *plan, enum tctl_act act, const struct tctl_list_dev *dev,
		  const struct tctl_peer *want, const struct tctl_ft_peer *have,
		  struct tctl_err *err)
{
	struct tctl_plan_peer *op = tctl_plan_grow((void **)&plan->peers, &plan->npeers,
						   sizeof(*op));

	if (!op)
		return tctl_err_nomem(err);
	op->act = act;
	op->dev = dev;
	op->want = want;
	op->have = have;
	op->remote = want ? want->underlay.v4 : have->remote;
	op->id = want ? (want->has_id ? want->id : 0) : have->id;
	if (act == TCTL_ACT_REPLACE)
		op->diff = TCTL_DIFF_ID;
	plan->counts[TCTL_OBJ_PEER][act]++;
	return 0;
}

static int plan_table(struct tctl_plan *plan, const struct tctl_list_dev *dev,
		      const struct tctl_peer *const *w, size_t nw, struct tctl_err *err)
{
	const struct tctl_ft_peer_list *k = &plan->state.ftpeers;
	size_t i = 0, h, hend;
	int ret = 0;

	dev_range(k, dev->name, &h, &hend);
	while (!ret && (i < nw || h < hend)) {
		uint32_t wr = i < nw ? remote_of(w[i]) : 0;
		uint32_t hr = h < hend ? ntohl(k->v[h].remote.s_addr) : 0;

		if (h == hend || (i < nw && wr < hr)) {
			ret = add_op(plan, TCTL_ACT_ADD, dev, w[i++], NULL, err);
		} else if (i == nw || hr < wr) {
			if (plan->prune != TCTL_PRUNE_NONE)
				ret = add_op(plan, TCTL_ACT_DELETE, dev, NULL, &k->v[h], err);
			h++;
		} else {
			if (k->v[h].id != (w[i]->has_id ? w[i]->id : 0))
				ret = add_op(plan, TCTL_ACT_REPLACE, dev, w[i], &k->v[h], err);
			i++;
			h++;
		}
	}
	return ret;
}

int tctl_plan_peers(struct tctl_plan *plan, const struct tctl_peerlist *pl,
		    struct tctl_err *err)
{
	const struct tctl_peer *self = plan->desired.self;
	const struct tctl_peer **w = NULL;
	size_t nw = 0;
	int ret = 0;
	bool any = false;

	for (size_t i = 0; i < pl->ndevs; i++)
		any |= !pl->devs[i].unmanaged && pl->devs[i].datapath == TCTL_DATAPATH_KMOD;
	if (!any)
		return 0;
	w = tctl_big_calloc(pl->npeers ? pl->npeers : 1, sizeof(*w));
	if (!w)
		return tctl_err_nomem(err);
	for (size_t i = 0; i < pl->npeers; i++)
		if (&pl->peers[i] != self && pl->peers[i].underlay.family == AF_INET)
			w[nw++] = &pl->peers[i];
	qsort(w, nw, sizeof(*w), by_underlay);
	for (size_t i = 0; !ret && i < pl->ndevs; i++)
		if (!pl->devs[i].unmanaged && pl->devs[i].datapath == TCTL_DATAPATH_KMOD)
			ret = plan_table(plan, &pl->devs[i], w, nw, err);
	tctl_big_free(w);
	return ret;
}

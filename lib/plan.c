// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Computing the plan: two sorted lists walked side by side, for nexthops
 * (by id) and routes (by table, prefix, metric), as wg's syncconf does.
 */
#include "plan.h"
#include "bigmem.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtnames.h"

const char *tctl_diff_name(uint32_t bit)
{
	static const char *const names[] = {
		"dev", "family", "id", "dst", "src", "ttl", "tos", "flags", "nhid",
		"inline", "mtu", "up", "encap", "nexthop", "policy",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (bit == (1u << i))
			return names[i];
	return "?";
}

void *tctl_plan_grow(void **v, size_t *n, size_t size)
{
	char *nv;

	/* Doubling on powers of two keeps this amortised O(1). */
	if (*n == 0 || !(*n & (*n - 1))) {
		nv = tctl_big_realloc(*v, (*n ? *n * 2 : 1) * size);
		if (!nv)
			return NULL;
		*v = nv;
	}
	nv = (char *)*v + (*n)++ * size;
	memset(nv, 0, size);
	return nv;
}

static bool dev_listed(const struct tctl_peerlist *pl, const char *name)
{
	return name[0] && tctl_peers_find_dev(pl, name) != NULL;
}

static bool in_scope(const struct tctl_plan *plan, const struct tctl_peerlist *pl,
		     const char *dev)
{
	switch (plan->prune) {
	case TCTL_PRUNE_ALL:
		return true;
	case TCTL_PRUNE_NONE:
		return false;
	default:
		return dev_listed(pl, dev);
	}
}

/* Devices -------------------------------------------------------------- */

static const char *local_str(struct in_addr a, char *buf, size_t len)
{
	if (!a.s_addr)
		return "any";
	return inet_ntop(AF_INET, &a, buf, (socklen_t)len);
}

/*
 * A flowtun device of the list: its mode and local address are fixed at
 * creation, so a device of that name with others is in the way; its mtu,
 * state and receive policy are brought to the list's.  Another flowtun
 * device of the same mode and local address would take its packets.
 */
static int flowtun_dev_diff(const struct tctl_list_dev *w, const struct tctl_dev *have,
			    const struct tctl_dev_list *kd, bool flowtun_loaded, uint32_t *diff,
			    struct tctl_err *err)
{
	const char *mode = tctl_kind_info(w->kind)->name;
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

	if (!have) {
		if (!flowtun_loaded)
			return tctl_err_state(err, EOPNOTSUPP, "devices[%d]: cannot create flowtun "
					      "%s device %s: %s", w->index, mode, w->name,
					      TCTL_FT_NOT_LOADED);
		for (size_t i = 0; i < kd->n; i++) {
			const struct tctl_dev *o = &kd->v[i];

			if (o->datapath == TCTL_DATAPATH_KMOD && o->kind == w->kind &&
			    o->local.s_addr == w->local.s_addr)
				return tctl_err_state(err, EEXIST, "devices[%d]: cannot create "
						      "flowtun %s device %s: %s is the flowtun %s "
						      "device with local %s; name it in the list "
						      "instead", w->index, mode, w->name, o->name,
						      mode, local_str(w->local, a, sizeof(a)));
		}
		return 0;
	}
	if (have->datapath != TCTL_DATAPATH_KMOD || have->kind != w->kind ||
	    have->local.s_addr != w->local.s_addr) {
		char is[64];

		if (have->datapath == TCTL_DATAPATH_KMOD)
			snprintf(is, sizeof(is), "a flowtun %s device with local %s",
				 tctl_kind_info(have->kind)->name,
				 local_str(have->local, b, sizeof(b)));
		else
			snprintf(is, sizeof(is), "a%s %s device", have->external ? "n external" : "",
				 have->kind_name[0] ? have->kind_name : "ordinary");
		return tctl_err_state(err, EEXIST, "devices[%d]: %s exists as %s, not the "
				      "flowtun %s device with local %s the list declares",
				      w->index, w->name, is, mode,
				      local_str(w->local, a, sizeof(a)));
	}
	if (w->has_mtu && have->mtu != w->mtu)
		*diff |= TCTL_DIFF_MTU;
	if (!have->up)
		*diff |= TCTL_DIFF_UP;
	if (have->policy != w->policy)
		*diff |= TCTL_DIFF_POLICY;
	return 0;
}

static int plan_dev(struct tctl_plan *plan, const struct tctl_list_dev *w,
		    struct tctl_err *err)
{
	const struct tctl_dev_list *kd = &plan->state.devs;
	const struct tctl_dev *have = tctl_dev_list_find(kd, w->name);
	const char *kind = tctl_kind_info(w->kind)->name;
	struct tctl_plan_dev *op;
	uint32_t diff = 0;

	if (w->unmanaged) {
		if (!have)
			return tctl_err_state(err, ENODEV, "devices[%d]: unmanaged device %s "
					      "does not exist", w->index, w->name);
		return 0;
	}
	if (w->datapath == TCTL_DATAPATH_KMOD) {
		int ret = flowtun_dev_diff(w, have, kd, plan->state.flowtun_loaded, &diff, err);

		if (ret || (have && !diff))
			return ret;
	} else if (!have) {
		const struct tctl_dev *other = NULL;

		/* A flowtun device does not take the in-tree device's one slot. */
		for (size_t i = 0; i < kd->n && !other; i++)
			if (kd->v[i].kind == w->kind && kd->v[i].external &&
			    kd->v[i].datapath == TCTL_DATAPATH_INTREE)
				other = &kd->v[i];
		if (other)
			return tctl_err_state(err, EEXIST, "devices[%d]: cannot create %s device "
					      "%s: %s is this namespace's external %s device "
					      "(one per type); name it in the list instead",
					      w->index, kind, w->name, other->name, kind);
	} else if (have->datapath != TCTL_DATAPATH_INTREE) {
		/* Lists declare in-tree devices only: a flowtun one is not it. */
		return tctl_err_state(err, EEXIST, "devices[%d]: %s exists as a flowtun (kmod "
				      "datapath) device, not the in-tree external %s device "
				      "the list declares", w->index, w->name, kind);
	} else if (have->kind != w->kind || !have->external) {
		return tctl_err_state(err, EEXIST, "devices[%d]: %s exists as a%s %s%s device, "
				      "not the external %s device the list declares",
				      w->index, w->name, have->kind_name[0] ? "" : "n",
				      have->external || have->kind == TCTL_KIND_OTHER ? "" :
				      "classic ", have->kind_name[0] ? have->kind_name : "ordinary",
				      kind);
	} else {
		if (w->has_mtu && have->mtu != w->mtu)
			diff |= TCTL_DIFF_MTU;
		if (!have->up)
			diff |= TCTL_DIFF_UP;
		if (!diff)
			return 0;
	}
	op = tctl_plan_grow((void **)&plan->devs, &plan->ndevs, sizeof(*op));
	if (!op)
		return tctl_err_nomem(err);
	op->act = have ? TCTL_ACT_REPLACE : TCTL_ACT_ADD;
	op->want = w;
	op->have = have;
	op->diff = diff;
	plan->counts[TCTL_OBJ_DEV][op->act]++;
	return 0;
}

/* Nexthops ------------------------------------------------------------- */

static uint32_t encap_diff(const struct tctl_encap *w, const struct tctl_encap *h)
{
	uint32_t d = 0;

	if (w->family != h->family)
		return TCTL_DIFF_ENCAP_TYPE;
	/* The kernel reports every field; an unset one is 0 on both sides. */
	if (w->id != h->id)
		d |= TCTL_DIFF_ID;
	if (tctl_addr_cmp(&w->dst, &h->dst))
		d |= TCTL_DIFF_DST;
	if (!(w->has & TCTL_ENCAP_HAS_SRC) ? !tctl_addr_is_any(&h->src) :
	    tctl_addr_cmp(&w->src, &h->src))
		d |= TCTL_DIFF_SRC;
	if (w->ttl != h->ttl)
		d |= TCTL_DIFF_TTL;
	if (w->tos != h->tos)
		d |= TCTL_DIFF_TOS;
	if (w->flags != h->flags || h->unknown_flags)
		d |= TCTL_DIFF_FLAGS;
	return d;
}

static uint32_t nh_diff(const struct tctl_nexthop *w, const struct tctl_nexthop *h)
{
	uint32_t d = 0;

	if (w->family != h->family)
		d |= TCTL_DIFF_FAMILY;
	if (strcmp(w->dev, h->dev) || !(h->has & TCTL_NH_HAS_DEV))
		d |= TCTL_DIFF_DEV;
	if (!(h->has & TCTL_NH_HAS_ENCAP) || (h->has & (TCTL_NH_GROUP | TCTL_NH_GATEWAY |
							TCTL_NH_BLACKHOLE | TCTL_NH_FDB)))
		return d | TCTL_DIFF_ENCAP_TYPE;
	return d | encap_diff(&w->encap, &h->encap);
}

static struct tctl_plan_nh *add_nh_op(struct tctl_plan *plan, enum tctl_act act)
{
	struct tctl_plan_nh *op = tctl_plan_grow((void **)&plan->nhs, &plan->nnhs, sizeof(*op));

	if (op) {
		op->act = act;
		plan->counts[TCTL_OBJ_NH][act]++;
	}
	return op;
}

static int plan_nexthops(struct tctl_plan *plan, const struct tctl_peerlist *pl,
			 struct tctl_err *err)
{
	const struct tctl_want_nh *w = plan->desired.nhs, *wend = w + plan->desired.nnh;

	/* Inline routes need no nexthop object: ours go, as stale ones do. */
	if (plan->inline_routes)
		w = wend;
	const struct tctl_nexthop *h = plan->state.nhs.v, *hend = h + plan->state.nhs.n;
	uint8_t own = tctl_own_proto();

	while (w < wend || h < hend) {
		struct tctl_plan_nh *op;

		if (h < hend && h->protocol != own) {
			h++;	/* another tool's: never touched, and ours avoid its id */
			continue;
		}
		if (h == hend || (w < wend && w->nh.id < h->id)) {
			if (!(op = add_nh_op(plan, TCTL_ACT_ADD)))
				return tctl_err_nomem(err);
			op->want = w++;
		} else if (w == wend || h->id < w->nh.id) {
			if (in_scope(plan, pl, h->dev)) {
				if (!(op = add_nh_op(plan, TCTL_ACT_DELETE)))
					return tctl_err_nomem(err);
				op->have = h;
			}
			h++;
		} else {
			uint32_t d = nh_diff(&w->nh, h);

			if (d) {
				if (!(op = add_nh_op(plan, TCTL_ACT_REPLACE)))
					return tctl_err_nomem(err);
				op->want = w;
				op->have = h;
				op->diff = d;
				op->late = h->family == AF_INET6 && w->nh.family == AF_INET;
			}
			w++;
			h++;
		}
	}
	return 0;
}

/* Routes --------------------------------------------------------------- */

static bool same_key(const struct tctl_route *a, const struct tctl_route *b)
{
	return !tctl_route_key_cmp(a, b);
}

static bool same_prefix(const struct tctl_route *a, const struct tctl_route *b)
{
	return a->dst.addr.family == b->dst.addr.family && a->table == b->table &&
	       !tctl_prefix_cmp(&a->dst, &b->dst);
}

static int add_conflict(struct tctl_plan *plan, const struct tctl_want_route *w,
			const struct tctl_route *theirs, bool blocking, struct tctl_err *err)
{
	struct tctl_plan_conflict *c = tctl_plan_grow((void **)&plan->conflicts, &plan->nconflicts,
					    sizeof(*c));

	if (!c)
		return tctl_err_nomem(err);
	c->want = w;
	c->theirs = theirs;
	c->blocking = blocking;
	return 0;
}

static struct tctl_plan_route *add_route_op(struct tctl_plan *plan, enum tctl_act act)
{
	struct tctl_plan_route *op = tctl_plan_grow((void **)&plan->routes, &plan->nroutes,
					  sizeof(*op));

	if (op) {
		op->act = act;
		plan->counts[TCTL_OBJ_ROUTE][act]++;
	}
	return op;
}

/* The first kernel route at or after (family, table, prefix, metric 0). */
static size_t lower_bound(const struct tctl_route_list *l, const struct tctl_route *w)
{
	struct tctl_route key = *w;
	size_t lo = 0, hi = l->n;

	key.metric = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (tctl_route_key_cmp(&l->v[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The kernel routes with the wanted route's table and prefix: another
 * protocol's at the same metric blocks ours; at another metric they are
 * reported, since one of the two shadows the other.
 */
static int route_slot(struct tctl_plan *plan, const struct tctl_want_route *w,
		      const struct tctl_route **mine, struct tctl_err *err)
{
	const struct tctl_route_list *k = &plan->state.routes;
	bool blocked = false;
	uint8_t own = tctl_own_proto();

	*mine = NULL;
	for (size_t i = lower_bound(k, &w->r); i < k->n && same_prefix(&k->v[i], &w->r); i++) {
		const struct tctl_route *h = &k->v[i];

		if (h->protocol == own) {
			if (same_key(h, &w->r))
				*mine = h;
			continue;
		}
		if (same_key(h, &w->r))
			blocked = true;
		if (add_conflict(plan, w, h, same_key(h, &w->r), err))
			return -ENOMEM;
	}
	return blocked;
}

static uint32_t route_diff(const struct tctl_route *w, const struct tctl_route *h)
{
	uint32_t d;

	if (w->has & TCTL_ROUTE_HAS_NHID) {
		if (!(h->has & TCTL_ROUTE_HAS_NHID))
			return TCTL_DIFF_INLINE;
		return w->nhid != h->nhid ? TCTL_DIFF_NHID : 0;
	}
	if (h->has & TCTL_ROUTE_HAS_NHID)
		return TCTL_DIFF_NEXTHOP;
	d = strcmp(w->dev, h->dev) ? TCTL_DIFF_DEV : 0;
	if (!(h->has & TCTL_ROUTE_HAS_ENCAP))
		return d | TCTL_DIFF_ENCAP_TYPE;
	return d | encap_diff(&w->encap, &h->encap);
}

static int plan_wanted_routes(struct tctl_plan *plan, struct tctl_err *err)
{
	for (size_t i = 0; i < plan->desired.nroutes; i++) {
		const struct tctl_want_route *w = &plan->desired.routes[i];
		const struct tctl_route *mine;
		struct tctl_plan_route *op;
		int ret = route_slot(plan, w, &mine, err);
		uint32_t d;

		if (ret < 0)
			return ret;
		if (ret > 0)
			continue;	/* blocked: reported as a conflict */
		d = mine ? route_diff(&w->r, mine) : 0;
		if (mine && !d)
			continue;
		op = add_route_op(plan, mine ? TCTL_ACT_REPLACE : TCTL_ACT_ADD);
		if (!op)
			return tctl_err_nomem(err);
		op->want = w;
		op->have = mine;
		op->diff = d;
	}
	return 0;
}

static bool wanted(const struct tctl_desired *d, const struct tctl_route *h)
{
	size_t lo = 0, hi = d->nroutes;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = tctl_route_key_cmp(&d->routes[mid].r, h);

		if (!c)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static int plan_stale_routes(struct tctl_plan *plan, const struct tctl_peerlist *pl,
			     struct tctl_err *err)
{
	uint8_t own = tctl_own_proto();

	for (size_t i = 0; i < plan->state.routes.n; i++) {
		const struct tctl_route *h = &plan->state.routes.v[i];
		struct tctl_plan_route *op;

		if (h->protocol != own || wanted(&plan->desired, h) ||
		    !in_scope(plan, pl, h->dev))
			continue;
		op = add_route_op(plan, TCTL_ACT_DELETE);
		if (!op)
			return tctl_err_nomem(err);
		op->have = h;
	}
	return 0;
}

int tctl_plan_build(struct tctl_nl *nl, const struct tctl_peerlist *pl,
		    const struct tctl_peer *self, const struct tctl_plan_opts *opts,
		    struct tctl_plan *plan, struct tctl_err *err)
{
	struct tctl_state st;
	int ret = tctl_state_read(nl, &st, err);

	if (!ret)
		ret = tctl_state_read_ft_peers(nl, &st, err);
	if (ret) {
		tctl_state_free(&st);
		memset(plan, 0, sizeof(*plan));
		return ret;
	}
	return tctl_plan_compute(&st, pl, self, opts, NULL, plan, err);
}

/* Use a desired state built beforehand, unless the kernel makes it wrong. */
static bool take_desired(struct tctl_plan *plan, struct tctl_desired *pre)
{
	if (!pre || !pre->nhs)
		return false;
	if (pre->inline_routes != plan->inline_routes ||
	    tctl_desired_clashes(pre, &plan->state.nhs, tctl_own_proto())) {
		tctl_desired_free(pre);
		return false;
	}
	plan->desired = *pre;
	memset(pre, 0, sizeof(*pre));
	tctl_desired_resolve_devs(&plan->desired, &plan->state.devs);
	return true;
}

int tctl_plan_compute(struct tctl_state *st, const struct tctl_peerlist *pl,
		      const struct tctl_peer *self, const struct tctl_plan_opts *opts,
		      struct tctl_desired *pre, struct tctl_plan *plan, struct tctl_err *err)
{
	int ret = 0;

	memset(plan, 0, sizeof(*plan));
	plan->prune = opts->prune;
	plan->state = *st;
	memset(st, 0, sizeof(*st));
	/* Before Linux 5.3 there are no nexthop objects: fall back to inline encap. */
	plan->no_nexthops = !plan->state.have_nexthops;
	plan->inline_routes = opts->inline_routes || plan->no_nexthops;
	for (size_t i = 0; !ret && i < pl->ndevs; i++)
		ret = plan_dev(plan, &pl->devs[i], err);
	if (!ret && !take_desired(plan, pre))
		ret = tctl_desired_build(pl, self, &plan->state.nhs, tctl_own_proto(),
					 &plan->state.devs, plan->inline_routes,
					 &plan->desired, err);
	if (!ret)
		ret = tctl_plan_peers(plan, pl, err);
	if (!ret)
		ret = plan_nexthops(plan, pl, err);
	if (!ret)
		ret = plan_wanted_routes(plan, err);
	if (!ret)
		ret = plan_stale_routes(plan, pl, err);
	if (ret)
		tctl_plan_free(plan);
	return ret;
}

void tctl_plan_free(struct tctl_plan *plan)
{
	tctl_big_free(plan->devs);
	tctl_big_free(plan->nhs);
	tctl_big_free(plan->routes);
	tctl_big_free(plan->peers);
	tctl_big_free(plan->conflicts);
	tctl_desired_free(&plan->desired);
	tctl_state_free(&plan->state);
	memset(plan, 0, sizeof(*plan));
}

size_t tctl_plan_changes(const struct tctl_plan *plan)
{
	return plan->ndevs + plan->nnhs + plan->nroutes + plan->npeers;
}

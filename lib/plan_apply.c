// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Executing a plan, in the order the kernel wants: devices, then nexthops
 * the routes will point at, then routes, then deletes (routes before the
 * nexthops they use: deleting a nexthop still in use walks the whole FIB).
 * Each phase streams its requests in batches; each failure is recorded
 * against its object and the rest carry on.
 */
#include "plan.h"
#include "bigmem.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nl_flowtun.h"
#include "nl_link.h"
#include "nl_nexthop.h"
#include "nl_route.h"

struct run {
	struct tctl_plan *plan;
	struct tctl_apply_report *rep;
	tctl_progress_cb progress;
	void *arg;
	size_t total;
	size_t *sel;		/* the ops of the current phase, by index */
	size_t nsel;
	uint32_t *failed_nh;	/* ids of nexthops that could not be made, sorted */
	size_t nfailed_nh;
};

static void progress(struct run *r)
{
	if (r->progress)
		r->progress(r->rep->done + r->rep->failed, r->total, r->arg);
}

static void fail(struct run *r, const char *what, int error, const char *ext)
{
	char e[512];

	if (ext)
		snprintf(e, sizeof(e), "%s (%s)", ext, strerror(-error));
	else
		snprintf(e, sizeof(e), "%s", strerror(-error));
	tctl_diag_add(&r->rep->failures, what, 0, "%s", e);
	r->rep->failed++;
}

static const char *peer_of(const struct tctl_peer *p)
{
	return p ? p->name : "-";
}

/* Devices, one request each: they are few, and nexthops need their index. */
static void apply_devs(struct tctl_nl *nl, struct run *r)
{
	for (size_t i = 0; i < r->plan->ndevs; i++) {
		const struct tctl_plan_dev *op = &r->plan->devs[i];
		struct tctl_dev d = { .kind = op->want->kind, .external = true };
		struct tctl_err err;
		char what[64];
		int ret;

		snprintf(d.name, sizeof(d.name), "%s", op->want->name);
		snprintf(what, sizeof(what), "device %s", d.name);
		d.has = TCTL_DEV_HAS_UP;
		d.up = true;
		d.datapath = op->want->datapath;
		if (d.datapath == TCTL_DATAPATH_KMOD) {
			d.local = op->want->local;
			d.policy = op->want->policy;
			d.has |= TCTL_DEV_HAS_LOCAL;
			if (op->act == TCTL_ACT_ADD || (op->diff & TCTL_DIFF_POLICY))
				d.has |= TCTL_DEV_HAS_POLICY;
		}
		if (op->want->has_mtu && (op->act == TCTL_ACT_ADD || (op->diff & TCTL_DIFF_MTU))) {
			d.mtu = op->want->mtu;
			d.has |= TCTL_DEV_HAS_MTU;
		}
		ret = op->act == TCTL_ACT_ADD ? tctl_link_create(nl, &d, &err) :
						tctl_link_change(nl, op->have->ifindex, &d, &err);
		if (ret)
			tctl_diag_add(&r->rep->failures, what, 0, "%s", err.msg);
		ret ? r->rep->failed++ : r->rep->done++;
		progress(r);
	}
}

/* Peer tables ------------------------------------------------------------- */

struct peer_run {
	struct run *r;
	struct tctl_ft *ft;
	size_t *sel;		/* the peer ops sent, by index */
	int *ifindex;		/* of each op's device, by op index */
};

static void peer_what(const struct tctl_plan_peer *op, char *buf, size_t len)
{
	char a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &op->remote, a, sizeof(a));
	snprintf(buf, len, "peer %s on %s (%s)", a, op->dev->name,
		 op->want ? op->want->name : "not in the list");
}

static struct nl_msg *make_peer(size_t i, void *arg)
{
	struct peer_run *p = arg;
	const struct tctl_plan_peer *op = &p->r->plan->peers[p->sel[i]];
	enum tctl_ft_write w = op->act == TCTL_ACT_ADD ? TCTL_FT_WRITE_ADD :
			       op->act == TCTL_ACT_REPLACE ? TCTL_FT_WRITE_REPLACE :
			       TCTL_FT_WRITE_DEL;

	return tctl_ft_peer_write_msg(p->ft, w, p->ifindex[p->sel[i]], op->remote, op->id);
}

static void done_peer(size_t i, int error, const char *ext, void *arg)
{
	struct peer_run *p = arg;
	char what[128];

	if (!error) {
		p->r->rep->done++;
	} else {
		peer_what(&p->r->plan->peers[p->sel[i]], what, sizeof(what));
		fail(p->r, what, error, ext);
	}
	progress(p->r);
}

/*
 * The writes to the tables (deletes: or the others), on the module's own
 * socket.  Each op's device is looked up by name now, since apply may
 * have just made it; an op whose device is missing fails alone.
 */
static int apply_peers(struct tctl_nl *nl, struct run *r, bool deletes, struct tctl_err *err)
{
	struct tctl_plan *plan = r->plan;
	struct peer_run p = { .r = r };
	const struct tctl_list_dev *last = NULL;
	struct tctl_ft_dev d;
	struct tctl_err derr = { 0 };
	size_t n = 0;
	int ifindex = 0, ret;

	for (size_t i = 0; i < plan->npeers; i++)
		n += (plan->peers[i].act == TCTL_ACT_DELETE) == deletes;
	if (!n)
		return 0;
	ret = tctl_ft_open(&p.ft, tctl_nl_netns(nl), err);
	if (ret)
		return ret;
	p.sel = calloc(n, sizeof(*p.sel));
	p.ifindex = calloc(plan->npeers, sizeof(*p.ifindex));
	if (!p.sel || !p.ifindex) {
		ret = tctl_err_nomem(err);
		goto out;
	}
	n = 0;
	for (size_t i = 0; i < plan->npeers; i++) {
		const struct tctl_plan_peer *op = &plan->peers[i];
		char what[128];

		if ((op->act == TCTL_ACT_DELETE) != deletes)
			continue;
		/* Ops are grouped by device: one lookup per device. */
		if (op->dev != last) {
			last = op->dev;
			ifindex = tctl_ft_dev_get(p.ft, op->dev->name, &d, &derr) ? 0 : d.ifindex;
		}
		if (!ifindex) {
			peer_what(op, what, sizeof(what));
			tctl_diag_add(&r->rep->failures, what, 0, "%s", derr.msg);
			r->rep->failed++;
			progress(r);
			continue;
		}
		p.ifindex[i] = ifindex;
		p.sel[n++] = i;
	}
	ret = n ? tctl_nl_stream(tctl_ft_nl(p.ft), n, make_peer, done_peer, &p, err) : 0;
out:
	free(p.sel);
	free(p.ifindex);
	tctl_ft_close(p.ft);
	return ret;
}

/* Nexthops on devices made just now learn their ifindex. */
static int resolve_oifs(struct tctl_nl *nl, struct run *r, struct tctl_err *err)
{
	struct tctl_dev_list devs = { 0 };
	int ret = 0;

	if (!r->plan->ndevs)
		return 0;
	ret = tctl_link_dump(nl, &devs, err);
	for (size_t i = 0; !ret && i < r->plan->desired.nnh; i++) {
		struct tctl_nexthop *nh = &r->plan->desired.nhs[i].nh;
		const struct tctl_dev *d = tctl_dev_list_find(&devs, nh->dev);

		nh->oif = d ? d->ifindex : 0;
	}
	for (size_t i = 0; !ret && i < r->plan->desired.nroutes; i++) {
		struct tctl_route *rt = &r->plan->desired.routes[i].r;
		const struct tctl_dev *d = tctl_dev_list_find(&devs, rt->dev);

		rt->oif = d ? d->ifindex : 0;
	}
	tctl_dev_list_free(&devs);
	return ret;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void note_failed_nh(struct run *r, uint32_t id)
{
	r->failed_nh[r->nfailed_nh++] = id;
}

static bool nh_failed(const struct run *r, uint32_t id)
{
	return r->nfailed_nh &&
	       bsearch(&id, r->failed_nh, r->nfailed_nh, sizeof(id), cmp_u32);
}

/* Phase selection --------------------------------------------------------- */

enum phase { P_NH_SET, P_ROUTE_SET, P_ROUTE_DEL, P_NH_LATE, P_NH_DEL };

static bool nh_in_phase(const struct tctl_plan_nh *op, enum phase p)
{
	switch (p) {
	case P_NH_SET:
		return op->act == TCTL_ACT_ADD || (op->act == TCTL_ACT_REPLACE && !op->late);
	case P_NH_LATE:
		return op->act == TCTL_ACT_REPLACE && op->late;
	case P_NH_DEL:
		return op->act == TCTL_ACT_DELETE;
	default:
		return false;
	}
}

static void select_ops(struct run *r, enum phase p)
{
	r->nsel = 0;
	if (p == P_ROUTE_SET || p == P_ROUTE_DEL) {
		/* Deletes from the highest key down: the kernel trie does less work. */
		for (size_t k = 0; k < r->plan->nroutes; k++) {
			size_t i = p == P_ROUTE_DEL ? r->plan->nroutes - 1 - k : k;
			bool del = r->plan->routes[i].act == TCTL_ACT_DELETE;

			if (del == (p == P_ROUTE_DEL))
				r->sel[r->nsel++] = i;
		}
		return;
	}
	for (size_t i = 0; i < r->plan->nnhs; i++)
		if (nh_in_phase(&r->plan->nhs[i], p))
			r->sel[r->nsel++] = i;
}

/* Request makers and outcome handlers for tctl_nl_stream ---------------- */

static struct nl_msg *make_nh(size_t i, void *arg)
{
	struct run *r = arg;
	const struct tctl_plan_nh *op = &r->plan->nhs[r->sel[i]];

	if (op->act == TCTL_ACT_DELETE)
		return tctl_nexthop_msg_del(op->have->id);
	return tctl_nexthop_msg_new(&op->want->nh, op->act == TCTL_ACT_REPLACE);
}

static void done_nh(size_t i, int error, const char *ext, void *arg)
{
	struct run *r = arg;
	const struct tctl_plan_nh *op = &r->plan->nhs[r->sel[i]];
	char what[128];

	if (!error) {
		r->rep->done++;
	} else {
		snprintf(what, sizeof(what), "nexthop %u (peer %s)",
			 op->want ? op->want->nh.id : op->have->id,
			 op->want ? peer_of(op->want->peer) : "-");
		fail(r, what, error, ext);
		if (op->act == TCTL_ACT_ADD)
			note_failed_nh(r, op->want->nh.id);
	}
	progress(r);
}

static struct nl_msg *make_route(size_t i, void *arg)
{
	struct run *r = arg;
	const struct tctl_plan_route *op = &r->plan->routes[r->sel[i]];

	if (op->act == TCTL_ACT_DELETE)
		return tctl_route_msg_del(op->have);
	return tctl_route_msg_new(&op->want->r, op->act == TCTL_ACT_REPLACE);
}

static void done_route(size_t i, int error, const char *ext, void *arg)
{
	struct run *r = arg;
	const struct tctl_plan_route *op = &r->plan->routes[r->sel[i]];
	char what[160], p[TCTL_ADDRSTRLEN];

	if (!error) {
		r->rep->done++;
	} else {
		const struct tctl_route *rt = op->want ? &op->want->r : op->have;

		snprintf(what, sizeof(what), "route %s (table %u, peer %s)",
			 tctl_prefix_str(&rt->dst, p, sizeof(p)), rt->table,
			 op->want ? peer_of(op->want->peer) : "-");
		fail(r, what, error, ext);
	}
	progress(r);
}

/* Nexthops whose device is missing, and routes whose nexthop failed, are not sent. */
static void drop_unsendable(struct run *r, enum phase p)
{
	size_t keep = 0;

	if (p == P_ROUTE_SET)
		qsort(r->failed_nh, r->nfailed_nh, sizeof(*r->failed_nh), cmp_u32);
	for (size_t k = 0; k < r->nsel; k++) {
		size_t i = r->sel[k];
		char what[160], pf[TCTL_ADDRSTRLEN];

		if (p == P_NH_SET || p == P_NH_LATE) {
			const struct tctl_plan_nh *op = &r->plan->nhs[i];

			if (op->want->nh.oif) {
				r->sel[keep++] = i;
				continue;
			}
			snprintf(what, sizeof(what), "nexthop %u (peer %s)", op->want->nh.id,
				 peer_of(op->want->peer));
			fail(r, what, -ENODEV, NULL);
			note_failed_nh(r, op->want->nh.id);
		} else {
			const struct tctl_plan_route *op = &r->plan->routes[i];
			bool by_nh = op->want && (op->want->r.has & TCTL_ROUTE_HAS_NHID);

			if (!op->want || (by_nh ? !nh_failed(r, op->want->r.nhid) : op->want->r.oif)) {
				r->sel[keep++] = i;
				continue;
			}
			if (!by_nh) {
				snprintf(what, sizeof(what), "route %s (peer %s)",
					 tctl_prefix_str(&op->want->r.dst, pf, sizeof(pf)),
					 peer_of(op->want->peer));
				fail(r, what, -ENODEV, NULL);
				continue;
			}
			snprintf(what, sizeof(what), "route %s (peer %s)",
				 tctl_prefix_str(&op->want->r.dst, pf, sizeof(pf)),
				 peer_of(op->want->peer));
			tctl_diag_add(&r->rep->failures, what, 0, "not added: its nexthop %u "
				      "could not be made", op->want->r.nhid);
			r->rep->failed++;
		}
	}
	r->nsel = keep;
}

static int run_phase(struct tctl_nl *nl, struct run *r, enum phase p, struct tctl_err *err)
{
	bool routes = p == P_ROUTE_SET || p == P_ROUTE_DEL;

	select_ops(r, p);
	if (p != P_ROUTE_DEL && p != P_NH_DEL)
		drop_unsendable(r, p);
	if (!r->nsel)
		return 0;
	return tctl_nl_stream(nl, r->nsel, routes ? make_route : make_nh,
			      routes ? done_route : done_nh, r, err);
}

int tctl_plan_apply(struct tctl_nl *nl, struct tctl_plan *plan, tctl_progress_cb cb,
		    void *arg, struct tctl_apply_report *rep, struct tctl_err *err)
{
	static const enum phase phases[] = {
		P_NH_SET, P_ROUTE_SET, P_ROUTE_DEL, P_NH_LATE, P_NH_DEL,
	};
	size_t most = plan->nroutes > plan->nnhs ? plan->nroutes : plan->nnhs;
	struct run r = {
		.plan = plan, .rep = rep, .progress = cb, .arg = arg,
		.total = tctl_plan_changes(plan),
	};
	int ret = 0;

	memset(rep, 0, sizeof(*rep));
	rep->failures.max = 1000;
	r.sel = tctl_big_calloc(most ? most : 1, sizeof(*r.sel));
	r.failed_nh = tctl_big_calloc(plan->nnhs ? plan->nnhs : 1, sizeof(*r.failed_nh));
	if (!r.sel || !r.failed_nh)
		ret = tctl_err_nomem(err);
	if (!ret) {
		apply_devs(nl, &r);
		ret = resolve_oifs(nl, &r, err);
	}
	/* The tables before the routes: an allowlist admits the peers first. */
	if (!ret)
		ret = apply_peers(nl, &r, false, err);
	for (size_t i = 0; !ret && i < sizeof(phases) / sizeof(phases[0]); i++)
		ret = run_phase(nl, &r, phases[i], err);
	if (!ret)
		ret = apply_peers(nl, &r, true, err);
	tctl_big_free(r.sel);
	tctl_big_free(r.failed_nh);
	return ret;
}

void tctl_apply_report_free(struct tctl_apply_report *rep)
{
	tctl_diags_free(&rep->failures);
	memset(rep, 0, sizeof(*rep));
}

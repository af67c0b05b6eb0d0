// SPDX-License-Identifier: GPL-2.0-or-later
#include "route_ops.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "nl_link.h"
#include "nl_route.h"
#include "route_check.h"
#include "rtnames.h"
#include "nl_nexthop.h"
#include "state.h"

static bool owned(const struct tctl_route *r)
{
	return r->protocol == tctl_own_proto();
}

static const char *proto_str(const struct tctl_route *r, char *buf, size_t len)
{
	return tctl_proto_name(r->protocol, buf, len);
}

/* Every route (encap or not) of one family and table, with dev names. */
static int read_table(struct tctl_nl *nl, int family, uint32_t table, int oif,
		      const struct tctl_dev_list *devs, struct tctl_route_list *out,
		      struct tctl_err *err)
{
	struct tctl_route_dump_filter f = {
		.family = family, .table = table, .oif = oif, .any_encap = true,
	};

	return tctl_route_dump(nl, &f, devs, out, err);
}

int tctl_route_slot_check(const struct tctl_route *r, const struct tctl_route_list *cur,
		      bool replace, struct tctl_err *err)
{
	char what[256], proto[32];

	for (size_t i = 0; i < cur->n; i++) {
		const struct tctl_route *c = &cur->v[i];

		if (tctl_route_key_cmp(r, c))
			continue;
		tctl_route_describe(r, what, sizeof(what));
		if (!owned(c))
			return tctl_err_state(err, EEXIST, "route %s exists and belongs to "
					      "protocol %s, not tunnelctl; it is left as it is",
					      what, proto_str(c, proto, sizeof(proto)));
		if (!replace)
			return tctl_err_state(err, EEXIST, "route %s already exists; use "
					      "'tunnelctl route replace' to change it", what);
	}
	return 0;
}

int tctl_route_add(struct tctl_nl *nl, struct tctl_route *r, bool replace,
		   struct tctl_err *err)
{
	struct tctl_dev_list devs = { 0 };
	struct tctl_nexthop_list nhs = { 0 };
	struct tctl_route_list cur = { 0 };
	char what[256];
	struct nl_msg *msg;
	int ret;

	ret = tctl_link_dump(nl, &devs, err);
	if (!ret && (r->has & TCTL_ROUTE_HAS_NHID))
		ret = tctl_nexthop_dump(nl, &devs, &nhs, err);
	if (!ret)
		ret = tctl_route_check(r, &devs, &nhs, err);
	if (!ret)
		ret = read_table(nl, r->dst.addr.family, r->table, 0, &devs, &cur, err);
	if (!ret)
		ret = tctl_route_slot_check(r, &cur, replace, err);
	if (ret)
		goto out;
	msg = tctl_route_msg_new(r, replace);
	if (!msg) {
		ret = tctl_err_nomem(err);
		goto out;
	}
	ret = tctl_nl_request(nl, msg, err, "route %s",
			      tctl_route_describe(r, what, sizeof(what)));
out:
	tctl_route_list_free(&cur);
	tctl_nexthop_list_free(&nhs);
	tctl_dev_list_free(&devs);
	return ret;
}

/* Resolve a dev filter to its ifindex; 0 when there is none. */
static int filter_oif(const struct tctl_route_filter *f, const struct tctl_dev_list *devs,
		      int *oif, struct tctl_err *err)
{
	const struct tctl_dev *d;

	*oif = 0;
	if (!(f->has & TCTL_FILTER_HAS_DEV))
		return 0;
	d = tctl_dev_list_find(devs, f->dev);
	if (!d)
		return tctl_err_state(err, ENODEV, "device \"%s\" does not exist", f->dev);
	*oif = d->ifindex;
	return 0;
}

int tctl_route_pick_owned(const struct tctl_route_filter *f, const struct tctl_route_list *cur,
		      const struct tctl_route **pick, struct tctl_err *err)
{
	const struct tctl_route *foreign = NULL;
	char what[256], p[TCTL_ADDRSTRLEN], t[32], proto[32];
	size_t n = 0;

	*pick = NULL;
	for (size_t i = 0; i < cur->n; i++) {
		if (!tctl_route_filter_match(f, &cur->v[i]))
			continue;
		if (owned(&cur->v[i])) {
			n++;
			*pick = &cur->v[i];
		} else if (!foreign) {
			foreign = &cur->v[i];
		}
	}
	if (n > 1)
		return tctl_err_usage(err, "route %s: %zu of tunnelctl's routes match in table "
				      "%s; say which with \"metric N\" or \"dev NAME\"",
				      tctl_prefix_str(&f->dst, p, sizeof(p)), n,
				      tctl_table_name(f->table, t, sizeof(t)));
	if (n == 1)
		return 0;
	if (foreign)
		return tctl_err_state(err, EPERM, "route %s belongs to protocol %s, not "
				      "tunnelctl; it is left as it is",
				      tctl_route_describe(foreign, what, sizeof(what)),
				      proto_str(foreign, proto, sizeof(proto)));
	return tctl_err_state(err, ESRCH, "no route %s in table %s%s%s",
			      tctl_prefix_str(&f->dst, p, sizeof(p)),
			      tctl_table_name(f->table, t, sizeof(t)),
			      (f->has & TCTL_FILTER_HAS_DEV) ? " through " : "",
			      (f->has & TCTL_FILTER_HAS_DEV) ? f->dev : "");
}

int tctl_route_del(struct tctl_nl *nl, const struct tctl_route_filter *f,
		   struct tctl_route *deleted, struct tctl_err *err)
{
	struct tctl_dev_list devs = { 0 };
	struct tctl_route_list cur = { 0 };
	const struct tctl_route *pick;
	char what[256];
	struct nl_msg *msg;
	int oif, ret;

	ret = tctl_link_dump(nl, &devs, err);
	if (!ret)
		ret = filter_oif(f, &devs, &oif, err);
	if (!ret)
		ret = read_table(nl, f->dst.addr.family, f->table, oif, &devs, &cur, err);
	if (!ret)
		ret = tctl_route_pick_owned(f, &cur, &pick, err);
	if (ret)
		goto out;
	*deleted = *pick;
	msg = tctl_route_msg_del(pick);
	if (!msg) {
		ret = tctl_err_nomem(err);
		goto out;
	}
	ret = tctl_nl_request(nl, msg, err, "deleting route %s",
			      tctl_route_describe(pick, what, sizeof(what)));
out:
	tctl_route_list_free(&cur);
	tctl_dev_list_free(&devs);
	return ret;
}

/* Routes by nexthop get their nexthop's device and encap. */
static int join_nexthops(struct tctl_nl *nl, const struct tctl_dev_list *devs,
			 struct tctl_route_list *l, struct tctl_err *err)
{
	struct tctl_nexthop_list nhs = { 0 };
	bool any = false;
	int ret;

	for (size_t i = 0; i < l->n && !any; i++)
		any = l->v[i].has & TCTL_ROUTE_HAS_NHID;
	if (!any)
		return 0;
	ret = tctl_nexthop_dump(nl, devs, &nhs, err);
	if (!ret)
		tctl_routes_join_nexthops(l, &nhs);
	tctl_nexthop_list_free(&nhs);
	return ret;
}

static int read_filtered(struct tctl_nl *nl, const struct tctl_route_filter *f,
			 bool any_encap, struct tctl_route_list *out, struct tctl_err *err)
{
	struct tctl_dev_list devs = { 0 };
	/* A device filter is applied after the join: an nhid route's device is its nexthop's. */
	struct tctl_route_dump_filter df = { .any_encap = any_encap };
	int oif, ret;

	ret = tctl_link_dump(nl, &devs, err);
	if (!ret)
		ret = filter_oif(f, &devs, &oif, err);
	if (!ret) {
		df.table = (f->has & TCTL_FILTER_ALL_TABLES) ? 0 : f->table;
		ret = tctl_route_dump(nl, &df, &devs, out, err);
	}
	if (!ret)
		ret = join_nexthops(nl, &devs, out, err);
	tctl_dev_list_free(&devs);
	return ret;
}

int tctl_route_show(struct tctl_nl *nl, const struct tctl_route_filter *f,
		    struct tctl_route_list *out, struct tctl_err *err)
{
	struct tctl_route_list all = { 0 };
	int ret = read_filtered(nl, f, false, &all, err);

	for (size_t i = 0; !ret && i < all.n; i++) {
		struct tctl_route *slot;

		/* By nexthop, but not one that carries an encap: not a tunnel route. */
		if (!(all.v[i].has & TCTL_ROUTE_HAS_ENCAP) ||
		    !tctl_route_filter_match(f, &all.v[i]))
			continue;
		slot = tctl_route_list_push(out);
		if (!slot)
			ret = tctl_err_nomem(err);
		else
			*slot = all.v[i];
	}
	tctl_route_list_free(&all);
	if (!ret)
		tctl_route_list_sort(out);
	return ret;
}

static int push_copy(struct tctl_route_list *l, const struct tctl_route *r,
		     struct tctl_err *err)
{
	struct tctl_route *slot = tctl_route_list_push(l);

	if (!slot)
		return tctl_err_nomem(err);
	*slot = *r;
	return 0;
}

int tctl_route_flush(struct tctl_nl *nl, const struct tctl_route_filter *f,
		     struct tctl_flush_result *res, struct tctl_err *err)
{
	struct tctl_route_list all = { 0 };
	char what[256];
	int ret;

	memset(res, 0, sizeof(*res));
	ret = read_filtered(nl, f, true, &all, err);
	tctl_route_list_sort(&all);
	for (size_t i = 0; !ret && i < all.n; i++) {
		const struct tctl_route *r = &all.v[i];

		if (!tctl_route_filter_match(f, r))
			continue;
		if (!owned(r)) {
			if (r->has & TCTL_ROUTE_HAS_ENCAP)
				ret = push_copy(&res->kept, r, err);
			continue;
		}
		ret = push_copy(&res->deleted, r, err);
		if (!ret)
			ret = tctl_nl_batch_add(&res->batch, tctl_route_msg_del(r), err,
						"deleting route %s",
						tctl_route_describe(r, what, sizeof(what)));
	}
	tctl_route_list_free(&all);
	if (!ret && res->batch.n)
		ret = tctl_nl_batch_run(nl, &res->batch, err);
	return ret;
}

void tctl_flush_result_free(struct tctl_flush_result *res)
{
	tctl_route_list_free(&res->deleted);
	tctl_route_list_free(&res->kept);
	tctl_nl_batch_free(&res->batch);
}

// SPDX-License-Identifier: GPL-2.0-or-later
#include "nexthop_ops.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nl_link.h"
#include "nl_nexthop.h"
#include "route_check.h"
#include "rtnames.h"
#include "state.h"

static bool owned(const struct tctl_nexthop *nh)
{
	return nh->protocol == tctl_own_proto();
}

int tctl_nexthop_add_check(struct tctl_nexthop *nh, const struct tctl_dev_list *devs,
			   const struct tctl_nexthop_list *nhs, bool replace,
			   struct tctl_err *err)
{
	const struct tctl_nexthop *cur;
	const struct tctl_dev *d;
	char what[64], proto[32];
	int ret;

	d = tctl_dev_list_find(devs, nh->dev);
	snprintf(what, sizeof(what), "nexthop %u (family %s)", nh->id,
		 nh->family == AF_INET6 ? "inet6" : "inet");
	if (!d)
		return tctl_err_state(err, ENODEV, "device \"%s\" does not exist", nh->dev);
	nh->oif = d->ifindex;
	ret = tctl_encap_check(&nh->encap, nh->family, d, what, err);
	if (ret)
		return ret;
	cur = tctl_nexthop_list_find(nhs, nh->id);
	if (cur && !owned(cur))
		return tctl_err_state(err, EEXIST, "nexthop %u exists and belongs to protocol "
				      "%s, not tunnelctl; it is left as it is", nh->id,
				      tctl_proto_name(cur->protocol, proto, sizeof(proto)));
	if (cur && !replace)
		return tctl_err_state(err, EEXIST, "nexthop %u already exists; use 'tunnelctl "
				      "nexthop replace' to change it", nh->id);
	return 0;
}

int tctl_nexthop_add(struct tctl_nl *nl, struct tctl_nexthop *nh, bool replace,
		     struct tctl_err *err)
{
	struct tctl_dev_list devs = { 0 };
	struct tctl_nexthop_list nhs = { 0 };
	int ret;

	/* Devices and nexthops only: a write of one nexthop reads no routes. */
	ret = tctl_link_dump(nl, &devs, err);
	if (!ret) {
		ret = tctl_nexthop_dump(nl, &devs, &nhs, err);
		if (ret == -EOPNOTSUPP || ret == -EINVAL)
			ret = tctl_err_nexthops_unsupported(err);
	}
	if (!ret)
		ret = tctl_nexthop_add_check(nh, &devs, &nhs, replace, err);
	if (!ret)
		ret = tctl_nl_request(nl, tctl_nexthop_msg_new(nh, replace), err, "nexthop %u",
				      nh->id);
	tctl_nexthop_list_free(&nhs);
	tctl_dev_list_free(&devs);
	return ret;
}

int tctl_err_nexthops_unsupported(struct tctl_err *err)
{
	return tctl_err_state(err, EOPNOTSUPP, "this kernel has no nexthop objects (Linux "
			      "5.3 or later is needed)");
}

/* How many routes use nexthop id, and one of them for the message. */
static size_t users_of(const struct tctl_route_list *routes, uint32_t id,
		       const struct tctl_route **one)
{
	size_t n = 0;

	for (size_t i = 0; i < routes->n; i++) {
		if (!(routes->v[i].has & TCTL_ROUTE_HAS_NHID) || routes->v[i].nhid != id)
			continue;
		if (!n++)
			*one = &routes->v[i];
	}
	return n;
}

int tctl_nexthop_del_check(uint32_t id, const struct tctl_nexthop_list *nhs,
			   size_t users, const struct tctl_route *one, struct tctl_err *err)
{
	const struct tctl_nexthop *cur = tctl_nexthop_list_find(nhs, id);
	char proto[32], what[128];

	if (!cur)
		return tctl_err_state(err, ESRCH, "no nexthop %u", id);
	if (!owned(cur))
		return tctl_err_state(err, EPERM, "nexthop %u belongs to protocol %s, not "
				      "tunnelctl; it is left as it is", id,
				      tctl_proto_name(cur->protocol, proto, sizeof(proto)));
	/* The kernel would delete those routes with it, whoever owns them. */
	if (users)
		return tctl_err_state(err, EBUSY, "nexthop %u is used by %zu route%s, %s %s; "
				      "delete %s first", id, users, users == 1 ? "" : "s",
				      users == 1 ? "" : "among them",
				      tctl_route_describe(one, what, sizeof(what)),
				      users == 1 ? "it" : "them");
	return 0;
}

int tctl_nexthop_del(struct tctl_nl *nl, uint32_t id, struct tctl_err *err)
{
	const struct tctl_route *one = NULL;
	struct tctl_state st;
	int ret = tctl_state_read(nl, &st, err);
	size_t users;

	if (!ret) {
		/* Counted first: the check is passed the route it found. */
		users = users_of(&st.routes, id, &one);
		ret = tctl_nexthop_del_check(id, &st.nhs, users, one, err);
	}
	if (!ret)
		ret = tctl_nl_request(nl, tctl_nexthop_msg_del(id), err, "deleting nexthop %u",
				      id);
	tctl_state_free(&st);
	return ret;
}

int tctl_nexthop_show(struct tctl_nl *nl, const struct tctl_nexthop_filter *f,
		      struct tctl_nexthop_list *out, size_t **users, struct tctl_err *err)
{
	struct tctl_state st;
	const struct tctl_route *one;
	int ret = tctl_state_read(nl, &st, err);

	*users = NULL;
	if (!ret && f->has_dev && !tctl_dev_list_find(&st.devs, f->dev))
		ret = tctl_err_state(err, ENODEV, "device \"%s\" does not exist", f->dev);
	for (size_t i = 0; !ret && i < st.nhs.n; i++) {
		const struct tctl_nexthop *nh = &st.nhs.v[i];
		struct tctl_nexthop *slot;

		if (!(nh->has & TCTL_NH_HAS_ENCAP) || !tctl_nexthop_filter_match(f, nh))
			continue;
		slot = tctl_nexthop_list_push(out);
		if (!slot)
			ret = tctl_err_nomem(err);
		else
			*slot = *nh;
	}
	if (!ret && f->has_id && !out->n)
		ret = tctl_err_state(err, ESRCH, "no nexthop %u with an encap", f->id);
	if (!ret) {
		*users = calloc(out->n ? out->n : 1, sizeof(**users));
		if (!*users)
			ret = tctl_err_nomem(err);
		for (size_t i = 0; !ret && i < out->n; i++)
			(*users)[i] = users_of(&st.routes, out->v[i].id, &one);
	}
	tctl_state_free(&st);
	return ret;
}

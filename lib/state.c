// SPDX-License-Identifier: GPL-2.0-or-later
#include "state.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "nl_link.h"
#include "nl_nexthop.h"
#include "nl_route.h"

void tctl_routes_join_nexthops(struct tctl_route_list *routes,
			       const struct tctl_nexthop_list *nhs)
{
	for (size_t i = 0; i < routes->n; i++) {
		struct tctl_route *r = &routes->v[i];
		const struct tctl_nexthop *nh;

		if (!(r->has & TCTL_ROUTE_HAS_NHID))
			continue;
		nh = tctl_nexthop_list_find(nhs, r->nhid);
		r->has &= ~(TCTL_ROUTE_HAS_ENCAP | TCTL_ROUTE_HAS_DEV);
		r->oif = 0;
		r->dev[0] = '\0';
		if (!nh)
			continue;
		if (nh->has & TCTL_NH_HAS_DEV) {
			r->oif = nh->oif;
			memcpy(r->dev, nh->dev, sizeof(r->dev));
			r->has |= TCTL_ROUTE_HAS_DEV;
		}
		if (nh->has & TCTL_NH_HAS_ENCAP) {
			r->encap = nh->encap;
			r->has |= TCTL_ROUTE_HAS_ENCAP;
		}
	}
}

int tctl_state_read(struct tctl_nl *nl, struct tctl_state *st, struct tctl_err *err)
{
	struct tctl_route_dump_filter f = { .any_encap = true };
	int ret;

	memset(st, 0, sizeof(*st));
	ret = tctl_link_dump(nl, &st->devs, err);
	if (ret)
		return ret;
	ret = tctl_nexthop_dump(nl, &st->devs, &st->nhs, err);
	st->have_nexthops = !ret;
	if (ret == -EOPNOTSUPP || ret == -EINVAL)
		ret = 0;
	if (ret)
		return ret;
	ret = tctl_route_dump(nl, &f, &st->devs, &st->routes, err);
	if (ret)
		return ret;
	tctl_routes_join_nexthops(&st->routes, &st->nhs);
	tctl_route_list_sort(&st->routes);
	return 0;
}

void tctl_state_free(struct tctl_state *st)
{
	tctl_dev_list_free(&st->devs);
	tctl_nexthop_list_free(&st->nhs);
	tctl_route_list_free(&st->routes);
}

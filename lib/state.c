// SPDX-License-Identifier: GPL-2.0-or-later
#include "state.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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

static int by_dev_remote(const void *a, const void *b)
{
	const struct tctl_ft_peer *x = a, *y = b;
	int c = strcmp(x->dev, y->dev);
	uint32_t p = ntohl(x->remote.s_addr), q = ntohl(y->remote.s_addr);

	return c ? c : p < q ? -1 : p > q;
}

/* Only when flowtun devices exist is the module's family asked at all. */
int tctl_state_read_ft_peers(struct tctl_nl *nl, struct tctl_state *st, struct tctl_err *err)
{
	struct tctl_ft *ft = NULL;
	int ret = 0;

	for (size_t i = 0; !ret && i < st->devs.n; i++) {
		const struct tctl_dev *d = &st->devs.v[i];
		struct tctl_ft_dev fd = { .ifindex = d->ifindex };

		if (d->datapath != TCTL_DATAPATH_KMOD)
			continue;
		if (!ft && (ret = tctl_ft_open(&ft, tctl_nl_netns(nl), err)))
			break;
		memcpy(fd.name, d->name, sizeof(fd.name));
		ret = tctl_ft_peer_dump(ft, &fd, &st->ftpeers, err);
		/* Gone since the link dump: it has no table to read. */
		if (ret == -ENODEV) {
			tctl_err_clear(err);
			ret = 0;
		}
	}
	tctl_ft_close(ft);
	if (!ret && st->ftpeers.n)
		qsort(st->ftpeers.v, st->ftpeers.n, sizeof(*st->ftpeers.v), by_dev_remote);
	return ret;
}

int tctl_state_read(struct tctl_nl *nl, struct tctl_state *st, struct tctl_err *err)
{
	struct tctl_route_dump_filter f = { .any_encap = true };
	int ret;

	memset(st, 0, sizeof(*st));
	/* Modules are global, not per namespace: sysfs tells without asking. */
	st->flowtun_loaded = access("/sys/module/" TCTL_FLOWTUN_MODULE, F_OK) == 0;
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
	tctl_ft_peer_list_free(&st->ftpeers);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/* The keys of what the running list wants (see wanted.h). */
#include <stdlib.h>
#include <string.h>

#include "wanted.h"

static void key_of(struct tctld_route_key *k, const struct tctl_route *r)
{
	memset(k, 0, sizeof(*k));
	k->dst = r->dst;
	k->table = r->table;
	k->metric = tctl_route_effective_metric(r->dst.addr.family, r->metric);
}

static int key_cmp(const void *pa, const void *pb)
{
	const struct tctld_route_key *a = pa, *b = pb;

	return tctl_route_key_parts_cmp(&a->dst, a->table, a->metric, &b->dst, b->table,
					b->metric);
}

static int id_cmp(const void *pa, const void *pb)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;

	return a < b ? -1 : a > b;
}

int tctld_wanted_from(struct tctld_wanted *w, const struct tctl_desired *d)
{
	memset(w, 0, sizeof(*w));
	w->routes = calloc(d->nroutes ? d->nroutes : 1, sizeof(*w->routes));
	w->nhs = calloc(d->nnh ? d->nnh : 1, sizeof(*w->nhs));
	if (!w->routes || !w->nhs) {
		tctld_wanted_free(w);
		return -1;
	}
	for (size_t i = 0; i < d->nroutes; i++)
		key_of(&w->routes[i], &d->routes[i].r);
	for (size_t i = 0; i < d->nnh; i++)
		w->nhs[i] = d->nhs[i].nh.id;
	w->nroutes = d->nroutes;
	w->nnhs = d->nnh;
	qsort(w->routes, w->nroutes, sizeof(*w->routes), key_cmp);
	qsort(w->nhs, w->nnhs, sizeof(*w->nhs), id_cmp);
	return 0;
}

bool tctld_wanted_route(const struct tctld_wanted *w, const struct tctl_route *r)
{
	struct tctld_route_key k;

	key_of(&k, r);
	return w->nroutes && bsearch(&k, w->routes, w->nroutes, sizeof(k), key_cmp);
}

bool tctld_wanted_nh(const struct tctld_wanted *w, uint32_t id)
{
	return w->nnhs && bsearch(&id, w->nhs, w->nnhs, sizeof(id), id_cmp);
}

void tctld_wanted_free(struct tctld_wanted *w)
{
	free(w->routes);
	free(w->nhs);
	memset(w, 0, sizeof(*w));
}

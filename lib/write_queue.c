// SPDX-License-Identifier: GPL-2.0-or-later
#include "write_queue.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nexthop_ops.h"
#include "nl_nexthop.h"
#include "nl_route.h"
#include "route_check.h"
#include "route_ops.h"

enum wq_kind { WQ_ROUTE, WQ_ROUTE_DEL, WQ_NH, WQ_NH_DEL };

struct tctl_wq_op {
	enum wq_kind kind;
	bool replace;
	size_t tag;
	union {
		struct tctl_route r;	/* WQ_ROUTE; WQ_ROUTE_DEL: the route picked */
		struct tctl_nexthop nh;	/* WQ_NH; WQ_NH_DEL: nh.id */
	};
};

void tctl_wq_init(struct tctl_wq *q, struct tctl_nl *nl, tctl_wq_fail_cb fail, void *arg)
{
	memset(q, 0, sizeof(*q));
	q->nl = nl;
	q->fail = fail;
	q->arg = arg;
}

static void drop_state(struct tctl_wq *q)
{
	if (q->have_state)
		tctl_state_free(&q->st);
	q->have_state = false;
	free(q->nh_users);
	q->nh_users = NULL;
	q->nnh_users = 0;
}

static void drop_queue(struct tctl_wq *q)
{
	q->n = 0;
	q->nkeys = 0;
	if (q->keys)
		memset(q->keys, 0, q->keycap * sizeof(*q->keys));
}

void tctl_wq_free(struct tctl_wq *q)
{
	drop_state(q);
	free(q->ops);
	free(q->keys);
	memset(q, 0, sizeof(*q));
}

/* The set of touched keys ------------------------------------------------ */

/*
 * Only hashes are kept: two keys that collide make a write wait for a
 * flush it did not need, never the reverse.
 */
static uint64_t fnv(uint64_t h, const void *p, size_t len)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < len; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h;
}

static uint64_t slot_key(const struct tctl_prefix *dst, uint32_t table)
{
	uint64_t h = fnv(0xcbf29ce484222325ULL, "R", 1);

	h = fnv(h, &dst->addr.family, sizeof(dst->addr.family));
	h = fnv(h, &table, sizeof(table));
	h = fnv(h, &dst->len, sizeof(dst->len));
	h = fnv(h, dst->addr.bytes, (size_t)tctl_family_bytes(dst->addr.family));
	return h ? h : 1;
}

static uint64_t nh_key(uint32_t id)
{
	uint64_t h = fnv(fnv(0xcbf29ce484222325ULL, "N", 1), &id, sizeof(id));

	return h ? h : 1;
}

static bool key_has(const struct tctl_wq *q, uint64_t k)
{
	if (!q->keycap)
		return false;
	for (size_t i = k & (q->keycap - 1); q->keys[i]; i = (i + 1) & (q->keycap - 1))
		if (q->keys[i] == k)
			return true;
	return false;
}

static void key_insert(uint64_t *keys, size_t cap, uint64_t k)
{
	size_t i = k & (cap - 1);

	while (keys[i] && keys[i] != k)
		i = (i + 1) & (cap - 1);
	keys[i] = k;
}

static int key_add(struct tctl_wq *q, uint64_t k, struct tctl_err *err)
{
	if (key_has(q, k))
		return 0;
	/* Kept at most half full, the capacity a power of two. */
	if (2 * (q->nkeys + 1) > q->keycap) {
		size_t cap = q->keycap ? 2 * q->keycap : 1024;
		uint64_t *keys = calloc(cap, sizeof(*keys));

		if (!keys)
			return tctl_err_nomem(err);
		for (size_t i = 0; i < q->keycap; i++)
			if (q->keys[i])
				key_insert(keys, cap, q->keys[i]);
		free(q->keys);
		q->keys = keys;
		q->keycap = cap;
	}
	key_insert(q->keys, q->keycap, k);
	q->nkeys++;
	return 0;
}

/* The state the checks read ---------------------------------------------- */

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int need_state(struct tctl_wq *q, struct tctl_err *err)
{
	int ret;

	if (q->have_state)
		return 0;
	ret = tctl_state_read(q->nl, &q->st, err);
	if (ret) {
		tctl_state_free(&q->st);
		return ret;
	}
	q->have_state = true;
	q->nh_users = malloc((q->st.routes.n + 1) * sizeof(*q->nh_users));
	if (!q->nh_users)
		return tctl_err_nomem(err);
	for (size_t i = 0; i < q->st.routes.n; i++)
		if (q->st.routes.v[i].has & TCTL_ROUTE_HAS_NHID)
			q->nh_users[q->nnh_users++] = q->st.routes.v[i].nhid;
	qsort(q->nh_users, q->nnh_users, sizeof(*q->nh_users), cmp_u32);
	return 0;
}

/* First index of the sorted routes at or after (dst, table, metric). */
static size_t lower_bound(const struct tctl_route_list *l, const struct tctl_prefix *dst,
			  uint32_t table, uint32_t metric)
{
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct tctl_route *c = &l->v[mid];

		if (tctl_route_key_parts_cmp(&c->dst, c->table, c->metric, dst, table, metric) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The routes of the state with this prefix and table, every metric: a view. */
static struct tctl_route_list same_slot(const struct tctl_wq *q, const struct tctl_prefix *dst,
					uint32_t table)
{
	size_t lo = lower_bound(&q->st.routes, dst, table, 0);
	size_t hi = lo;

	while (hi < q->st.routes.n &&
	       !tctl_route_key_parts_cmp(&q->st.routes.v[hi].dst, q->st.routes.v[hi].table, 0,
					 dst, table, 0))
		hi++;
	return (struct tctl_route_list){ .v = q->st.routes.v + lo, .n = hi - lo };
}

/* How many routes of the state use nexthop id, and one of them. */
static size_t users_of(const struct tctl_wq *q, uint32_t id, const struct tctl_route **one)
{
	uint32_t *p = bsearch(&id, q->nh_users, q->nnh_users, sizeof(id), cmp_u32);
	size_t n = 0;

	if (!p)
		return 0;
	while (p > q->nh_users && p[-1] == id)
		p--;
	while (p + n < q->nh_users + q->nnh_users && p[n] == id)
		n++;
	for (size_t i = 0; i < q->st.routes.n && !*one; i++)
		if ((q->st.routes.v[i].has & TCTL_ROUTE_HAS_NHID) && q->st.routes.v[i].nhid == id)
			*one = &q->st.routes.v[i];
	return n;
}

/* Enqueue --------------------------------------------------------------- */

static struct tctl_wq_op *push(struct tctl_wq *q, enum wq_kind kind, bool replace, size_t tag,
			       struct tctl_err *err)
{
	struct tctl_wq_op *op;

	if (q->n == q->cap) {
		size_t cap = q->cap ? 2 * q->cap : 256;
		struct tctl_wq_op *v = realloc(q->ops, cap * sizeof(*v));

		if (!v) {
			tctl_err_nomem(err);
			return NULL;
		}
		q->ops = v;
		q->cap = cap;
	}
	op = &q->ops[q->n++];
	memset(op, 0, sizeof(*op));
	op->kind = kind;
	op->replace = replace;
	op->tag = tag;
	return op;
}

int tctl_wq_route(struct tctl_wq *q, struct tctl_route *r, bool replace, size_t tag,
		  struct tctl_err *err)
{
	uint64_t k = slot_key(&r->dst, r->table);
	bool by_nh = r->has & TCTL_ROUTE_HAS_NHID;
	struct tctl_route_list slot;
	struct tctl_wq_op *op;
	int ret;

	if (key_has(q, k) || (by_nh && key_has(q, nh_key(r->nhid))))
		return -EAGAIN;
	ret = need_state(q, err);
	if (!ret)
		ret = tctl_route_check(r, &q->st.devs, &q->st.nhs, err);
	if (ret)
		return ret;
	slot = same_slot(q, &r->dst, r->table);
	ret = tctl_route_slot_check(r, &slot, replace, err);
	if (!ret)
		ret = key_add(q, k, err);
	if (!ret && by_nh)
		ret = key_add(q, nh_key(r->nhid), err);
	if (ret)
		return ret;
	op = push(q, WQ_ROUTE, replace, tag, err);
	if (!op)
		return -ENOMEM;
	op->r = *r;
	return 0;
}

int tctl_wq_route_del(struct tctl_wq *q, const struct tctl_route_filter *f, size_t tag,
		      struct tctl_err *err)
{
	uint64_t k = slot_key(&f->dst, f->table);
	const struct tctl_route *pick;
	struct tctl_route_list slot;
	struct tctl_wq_op *op;
	int ret;

	if (key_has(q, k))
		return -EAGAIN;
	ret = need_state(q, err);
	if (ret)
		return ret;
	if ((f->has & TCTL_FILTER_HAS_DEV) && !tctl_dev_list_find(&q->st.devs, f->dev))
		return tctl_err_state(err, ENODEV, "device \"%s\" does not exist", f->dev);
	slot = same_slot(q, &f->dst, f->table);
	ret = tctl_route_pick_owned(f, &slot, &pick, err);
	if (!ret)
		ret = key_add(q, k, err);
	/* A nexthop delete after it waits until the route is gone. */
	if (!ret && (pick->has & TCTL_ROUTE_HAS_NHID))
		ret = key_add(q, nh_key(pick->nhid), err);
	if (ret)
		return ret;
	op = push(q, WQ_ROUTE_DEL, false, tag, err);
	if (!op)
		return -ENOMEM;
	op->r = *pick;
	return 0;
}

int tctl_wq_nexthop(struct tctl_wq *q, struct tctl_nexthop *nh, bool replace, size_t tag,
		    struct tctl_err *err)
{
	uint64_t k = nh_key(nh->id);
	struct tctl_wq_op *op;
	int ret;

	if (key_has(q, k))
		return -EAGAIN;
	ret = need_state(q, err);
	if (!ret && !q->st.have_nexthops)
		ret = tctl_err_nexthops_unsupported(err);
	if (!ret)
		ret = tctl_nexthop_add_check(nh, &q->st.devs, &q->st.nhs, replace, err);
	if (!ret)
		ret = key_add(q, k, err);
	if (ret)
		return ret;
	op = push(q, WQ_NH, replace, tag, err);
	if (!op)
		return -ENOMEM;
	op->nh = *nh;
	return 0;
}

int tctl_wq_nexthop_del(struct tctl_wq *q, uint32_t id, size_t tag, struct tctl_err *err)
{
	const struct tctl_route *one = NULL;
	uint64_t k = nh_key(id);
	struct tctl_wq_op *op;
	size_t n;
	int ret;

	if (key_has(q, k))
		return -EAGAIN;
	ret = need_state(q, err);
	if (ret)
		return ret;
	n = users_of(q, id, &one);
	ret = tctl_nexthop_del_check(id, &q->st.nhs, n, one, err);
	if (!ret)
		ret = key_add(q, k, err);
	if (ret)
		return ret;
	op = push(q, WQ_NH_DEL, false, tag, err);
	if (!op)
		return -ENOMEM;
	op->nh.id = id;
	return 0;
}

/* Flush ----------------------------------------------------------------- */

static struct nl_msg *make_op(size_t i, void *arg)
{
	const struct tctl_wq_op *op = &((struct tctl_wq *)arg)->ops[i];

	switch (op->kind) {
	case WQ_ROUTE:
		return tctl_route_msg_new(&op->r, op->replace);
	case WQ_ROUTE_DEL:
		return tctl_route_msg_del(&op->r);
	case WQ_NH:
		return tctl_nexthop_msg_new(&op->nh, op->replace);
	case WQ_NH_DEL:
		return tctl_nexthop_msg_del(op->nh.id);
	}
	return NULL;
}

/* The same words as the command alone uses for the object. */
static void op_label(const struct tctl_wq_op *op, char *buf, size_t len)
{
	char what[256];

	switch (op->kind) {
	case WQ_ROUTE:
		snprintf(buf, len, "route %s", tctl_route_describe(&op->r, what, sizeof(what)));
		break;
	case WQ_ROUTE_DEL:
		snprintf(buf, len, "deleting route %s",
			 tctl_route_describe(&op->r, what, sizeof(what)));
		break;
	case WQ_NH:
		snprintf(buf, len, "nexthop %u", op->nh.id);
		break;
	case WQ_NH_DEL:
		snprintf(buf, len, "deleting nexthop %u", op->nh.id);
		break;
	}
}

static void done_op(size_t i, int error, const char *ext_msg, void *arg)
{
	struct tctl_wq *q = arg;
	const struct tctl_wq_op *op = &q->ops[i];
	char label[512];
	struct tctl_nl_op fake = { .label = label, .error = error, .ext_msg = (char *)ext_msg };
	struct tctl_err err;

	q->sent++;
	if (!error)
		return;
	q->failed++;
	op_label(op, label, sizeof(label));
	tctl_err_clear(&err);
	tctl_nl_op_error(&fake, &err);
	if (q->fail)
		q->fail(op->tag, &err, q->arg);
}

int tctl_wq_flush(struct tctl_wq *q, struct tctl_err *err)
{
	size_t before = q->failed;
	int ret = 0;

	if (q->n)
		ret = tctl_nl_stream(q->nl, q->n, make_op, done_op, q, err);
	drop_queue(q);
	drop_state(q);
	return ret ? ret : (int)(q->failed - before);
}

// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE
#include "monitor.h"

#include <errno.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>
#include <search.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nl.h"
#include "nl_events.h"
#include "nl_link.h"
#include "nl_nexthop.h"
#include "nl_route.h"
#include "rtnames.h"

/* One recv holds one datagram; the kernel's notifications are far smaller. */
#define MON_BUF (64 * 1024)

static const unsigned int groups[] = {
	RTNLGRP_LINK, RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE, RTNLGRP_NEXTHOP,
};

struct tctl_mon {
	int fd;
	struct tctl_nl *nl;	/* for the dumps that fill the caches */
	void *links;		/* tsearch tree of struct tctl_dev, by ifindex */
	void *nhs;		/* tsearch tree of struct tctl_nexthop, by id */
	unsigned char *buf;
};

/* ---- the caches ---------------------------------------------------------- */

static int dev_cmp(const void *a, const void *b)
{
	const struct tctl_dev *x = a, *y = b;

	return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

static int nh_cmp(const void *a, const void *b)
{
	const struct tctl_nexthop *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

static const struct tctl_dev *link_find(const struct tctl_mon *m, int ifindex)
{
	struct tctl_dev key = { .ifindex = ifindex };
	void *p = tfind(&key, &m->links, dev_cmp);

	return p ? *(struct tctl_dev **)p : NULL;
}

static const struct tctl_nexthop *nh_find(const struct tctl_mon *m, uint32_t id)
{
	struct tctl_nexthop key = { .id = id };
	void *p = tfind(&key, &m->nhs, nh_cmp);

	return p ? *(struct tctl_nexthop **)p : NULL;
}

/* Put a copy of v in *root in place of an equal one; 0, or -ENOMEM. */
static int tree_put(void **root, const void *v, size_t size,
		    int (*cmp)(const void *, const void *))
{
	void *copy = malloc(size), **slot;

	if (!copy)
		return -ENOMEM;
	memcpy(copy, v, size);
	slot = tsearch(copy, root, cmp);
	if (!slot) {
		free(copy);
		return -ENOMEM;
	}
	if (*slot != copy) {
		memcpy(*slot, v, size);
		free(copy);
	}
	return 0;
}

static void tree_drop(void **root, const void *key, int (*cmp)(const void *, const void *))
{
	void **slot = tfind(key, root, cmp);
	void *v;

	if (!slot)
		return;
	v = *slot;
	tdelete(key, root, cmp);
	free(v);
}

static void caches_free(struct tctl_mon *m)
{
	tdestroy(m->links, free);
	tdestroy(m->nhs, free);
	m->links = m->nhs = NULL;
}

static void name_dev(const struct tctl_mon *m, int ifindex, char *name, size_t len)
{
	const struct tctl_dev *d = ifindex ? link_find(m, ifindex) : NULL;

	if (d)
		snprintf(name, len, "%s", d->name);
}

/* Read the links and nexthops there are now. */
static int caches_fill(struct tctl_mon *m, struct tctl_err *err)
{
	struct tctl_dev_list devs = { 0 };
	struct tctl_nexthop_list nhs = { 0 };
	int ret;

	caches_free(m);
	ret = tctl_link_dump(m->nl, &devs, err);
	for (size_t i = 0; !ret && i < devs.n; i++)
		if (tree_put(&m->links, &devs.v[i], sizeof(devs.v[i]), dev_cmp))
			ret = tctl_err_nomem(err);
	if (!ret) {
		ret = tctl_nexthop_dump(m->nl, &devs, &nhs, err);
		/* A kernel without nexthop objects: no nexthop events either. */
		if (ret == -EOPNOTSUPP || ret == -EINVAL)
			ret = 0;
	}
	for (size_t i = 0; !ret && i < nhs.n; i++)
		if (tree_put(&m->nhs, &nhs.v[i], sizeof(nhs.v[i]), nh_cmp))
			ret = tctl_err_nomem(err);
	tctl_dev_list_free(&devs);
	tctl_nexthop_list_free(&nhs);
	return ret;
}

/* ---- open, close ----------------------------------------------------------- */

int tctl_mon_open(struct tctl_mon **out, const char *netns, int rcvbuf, struct tctl_err *err)
{
	struct tctl_mon *m = calloc(1, sizeof(*m));
	int ret;

	*out = NULL;
	if (!m)
		return tctl_err_nomem(err);
	m->fd = -1;
	m->buf = malloc(MON_BUF);
	if (!m->buf) {
		free(m);
		return tctl_err_nomem(err);
	}
	ret = tctl_nl_events_open(netns, groups, sizeof(groups) / sizeof(groups[0]), rcvbuf,
				  &m->fd, err);
	if (!ret)
		ret = tctl_nl_open(&m->nl, netns, err);
	if (!ret)
		ret = caches_fill(m, err);
	if (ret) {
		tctl_mon_close(m);
		return ret;
	}
	*out = m;
	return 0;
}

void tctl_mon_close(struct tctl_mon *m)
{
	if (!m)
		return;
	if (m->fd >= 0)
		close(m->fd);
	tctl_nl_close(m->nl);
	caches_free(m);
	free(m->buf);
	free(m);
}

int tctl_mon_fd(const struct tctl_mon *m)
{
	return m->fd;
}

/* ---- events ------------------------------------------------------------------ */

/* In-tree external devices and flowtun devices (which are always external). */
static bool is_tunnel(const struct tctl_dev *d)
{
	return d->kind != TCTL_KIND_OTHER && d->external;
}

/* 1: an event to show in ev; 0: none; negative: out of memory. */
static int link_event(struct tctl_mon *m, struct nlmsghdr *nlh, struct tctl_mon_event *ev)
{
	const struct ifinfomsg *ifi = NLMSG_DATA(nlh);
	const struct tctl_dev *old;
	struct tctl_dev *d = &ev->dev;

	/* AF_BRIDGE and other families report ports, not links. */
	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)) || ifi->ifi_family != AF_UNSPEC ||
	    tctl_link_parse(nlh, d) < 0)
		return 0;
	ev->object = TCTL_MON_DEV;
	name_dev(m, d->link_ifindex, d->link, sizeof(d->link));
	if (nlh->nlmsg_type == RTM_DELLINK) {
		tree_drop(&m->links, d, dev_cmp);
		ev->act = TCTL_MON_DEL;
		return is_tunnel(d);
	}
	old = link_find(m, d->ifindex);
	ev->act = old ? TCTL_MON_CHANGE : TCTL_MON_ADD;
	if (old) {
		ev->changed = (old->up != d->up ? TCTL_MON_CHG_UP : 0) |
			      (old->mtu != d->mtu ? TCTL_MON_CHG_MTU : 0) |
			      (strcmp(old->name, d->name) ? TCTL_MON_CHG_NAME : 0);
		snprintf(ev->old_name, sizeof(ev->old_name), "%s", old->name);
	}
	if (tree_put(&m->links, d, sizeof(*d), dev_cmp))
		return -ENOMEM;
	/* Carrier and statistics come as link messages too: not changes of ours. */
	return is_tunnel(d) && (!old || ev->changed);
}

static int nexthop_event(struct tctl_mon *m, struct nlmsghdr *nlh, struct tctl_mon_event *ev)
{
	struct tctl_nexthop *nh = &ev->nh;
	const struct tctl_nexthop *old;
	bool had_encap;

	if (tctl_nexthop_parse(nlh, nh) < 0)
		return 0;
	ev->object = TCTL_MON_NEXTHOP;
	ev->owned = nh->protocol == tctl_own_proto();
	name_dev(m, nh->oif, nh->dev, sizeof(nh->dev));
	old = nh_find(m, nh->id);
	had_encap = old && (old->has & TCTL_NH_HAS_ENCAP);
	if (nlh->nlmsg_type == RTM_DELNEXTHOP) {
		tree_drop(&m->nhs, nh, nh_cmp);
		ev->act = TCTL_MON_DEL;
		return (nh->has & TCTL_NH_HAS_ENCAP) || had_encap;
	}
	ev->act = old ? TCTL_MON_CHANGE : TCTL_MON_ADD;
	if (tree_put(&m->nhs, nh, sizeof(*nh), nh_cmp))
		return -ENOMEM;
	return (nh->has & TCTL_NH_HAS_ENCAP) || had_encap;
}

/* Encap routes, and routes by a nexthop that has an encap (joined as route show does). */
static int route_event(struct tctl_mon *m, struct nlmsghdr *nlh, struct tctl_mon_event *ev)
{
	struct tctl_route *r = &ev->route;
	const struct tctl_nexthop *nh;

	if (tctl_route_parse(nlh, r, false) != 1)
		return 0;
	ev->object = TCTL_MON_ROUTE;
	ev->owned = r->protocol == tctl_own_proto();
	ev->act = nlh->nlmsg_type == RTM_DELROUTE ? TCTL_MON_DEL :
		  (nlh->nlmsg_flags & NLM_F_REPLACE) ? TCTL_MON_CHANGE : TCTL_MON_ADD;
	if (!(r->has & TCTL_ROUTE_HAS_NHID)) {
		name_dev(m, r->oif, r->dev, sizeof(r->dev));
		return 1;
	}
	nh = nh_find(m, r->nhid);
	if (!nh || !(nh->has & TCTL_NH_HAS_ENCAP))
		return 0;
	r->encap = nh->encap;
	r->oif = nh->oif;
	memcpy(r->dev, nh->dev, sizeof(r->dev));
	r->has |= TCTL_ROUTE_HAS_ENCAP | ((nh->has & TCTL_NH_HAS_DEV) ? TCTL_ROUTE_HAS_DEV : 0);
	return 1;
}

static int one_event(struct tctl_mon *m, struct nlmsghdr *nlh, struct tctl_mon_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	switch (nlh->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
		return link_event(m, nlh, ev);
	case RTM_NEWNEXTHOP:
	case RTM_DELNEXTHOP:
		return nexthop_event(m, nlh, ev);
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
		return route_event(m, nlh, ev);
	default:
		return 0;
	}
}

static int lost(struct tctl_mon *m, tctl_mon_cb cb, void *arg, struct tctl_err *err)
{
	struct tctl_mon_event ev = { .object = TCTL_MON_LOST };
	int ret = cb(&ev, arg);

	if (ret < 0)
		return ret;
	/* What was missed cannot be told; what is there now can. */
	return caches_fill(m, err);
}

int tctl_mon_read(struct tctl_mon *m, tctl_mon_cb cb, void *arg, struct tctl_err *err)
{
	struct tctl_mon_event ev;

	for (;;) {
		ssize_t n = recv(m->fd, m->buf, MON_BUF, MSG_DONTWAIT);
		struct nlmsghdr *nlh;
		int ret;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			if (errno == ENOBUFS) {
				ret = lost(m, cb, arg, err);
				if (ret < 0)
					return ret;
				continue;
			}
			return tctl_err_set(err, TCTL_ERR_SYSTEM, errno, "event socket: %s",
					    strerror(errno));
		}
		/* NLMSG_OK's int length compares signed with unsigned: walk by size_t. */
		for (size_t off = 0; off + sizeof(*nlh) <= (size_t)n;
		     off += NLMSG_ALIGN(nlh->nlmsg_len)) {
			nlh = (struct nlmsghdr *)((char *)m->buf + off);
			if (nlh->nlmsg_len < sizeof(*nlh) || nlh->nlmsg_len > (size_t)n - off)
				break;
			ret = one_event(m, nlh, &ev);
			if (ret < 0)
				return tctl_err_nomem(err);
			if (ret > 0 && (ret = cb(&ev, arg)) < 0)
				return ret;
		}
	}
}

const char *tctl_mon_act_name(enum tctl_mon_act act)
{
	return act == TCTL_MON_ADD ? "add" : act == TCTL_MON_DEL ? "del" : "change";
}

const char *tctl_mon_object_name(enum tctl_mon_object obj)
{
	switch (obj) {
	case TCTL_MON_DEV:
		return "dev";
	case TCTL_MON_ROUTE:
		return "route";
	case TCTL_MON_NEXTHOP:
		return "nexthop";
	default:
		return "lost";
	}
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel events: a second rtnetlink socket on the link, address, route
 * (IPv4, IPv6) and nexthop groups.  An event only marks the state dirty;
 * the reconcile that follows reads everything again, so a burst of events
 * costs one reconcile and a lost one (an overrun) costs nothing but a
 * re-read.  The echoes of our own writes are dropped in the kernel by a
 * socket filter on their port id, so a large apply does not flood us.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../lib/nl_events.h"
#include "../lib/nl_link.h"
#include "../lib/nl_nexthop.h"
#include "../lib/nl_route.h"
#include "../lib/rtnames.h"
#include "describe.h"
#include "daemon.h"

/* Bursts settle this long before the reconcile they cause. */
#define SETTLE 0.005
#define RECV_BUF (256 * 1024)

static const unsigned int groups[] = {
	RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR,
	RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE, RTNLGRP_NEXTHOP,
};

/* Drop messages whose nlmsg_pid is ours: the echoes of our own writes. */
static int filter_own(int fd, uint32_t portid)
{
	/* BPF loads are big-endian; nlmsg_pid is in host order. */
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct nlmsghdr, nlmsg_pid)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ntohl(portid), 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0),
		BPF_STMT(BPF_RET | BPF_K, 0xffffffff),
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };

	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog));
}

int tctld_events_open(struct tctld *d, struct tctl_err *err)
{
	int fd;

	/* The process is in its namespace already (-n enters it at start). */
	if (tctl_nl_events_open(NULL, groups, sizeof(groups) / sizeof(groups[0]),
				d->cfg.rcvbuf, &fd, err))
		return -1;
	if (filter_own(fd, d->own_portid) < 0) {
		tctl_err_set(err, TCTL_ERR_SYSTEM, errno, "event socket: filter: %m");
		close(fd);
		return -1;
	}
	d->ev_fd = fd;
	return 0;
}

/*
 * Remember an owned object another writer changed: if repairing it keeps
 * being needed, it is contended (flap.c).  Only changes count: a rival
 * that rewrites our route answers our repair with another rewrite, a loop
 * only backoff breaks; a deletion is put back at once, every time.  Many
 * at once (a device deleted) is not a rival's doing, and is not tracked.
 */
static void touched(struct tctld *d, const char *name)
{
	if (d->ntouched < TCTLD_TOUCHED_MAX)
		snprintf(d->touched[d->ntouched], sizeof(d->touched[0]), "%s", name);
	if (d->ntouched <= TCTLD_TOUCHED_MAX)
		d->ntouched++;
}

/* A contended object waits for its backoff timer, not for its rival. */
static bool repair_now(struct tctld *d, const char *name)
{
	double until;

	if (tctl_flap_allowed(&d->flaps, name, tctld_now(), &until))
		return true;
	if (!d->held_at || until < d->held_at)
		d->held_at = until;
	return false;
}

/* A route event matters when the route is ours or sits where we want one. */
static bool route_matters(struct tctld *d, struct nlmsghdr *nlh, char *what, size_t len)
{
	const struct rtmsg *rtm = NLMSG_DATA(nlh);
	char name[TCTL_FLAP_NAME_MAX];
	struct tctl_route r;

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*rtm)) || (rtm->rtm_flags & RTM_F_CLONED))
		return false;
	memset(&r, 0, sizeof(r));
	if (tctl_route_parse(nlh, &r, true) != 1)
		return false;
	tctld_route_name(&r, name, sizeof(name));
	snprintf(what, len, "%s %s (protocol %u)",
		 nlh->nlmsg_type == RTM_DELROUTE ? "deleted" : "new", name, r.protocol);
	if (r.protocol == tctl_own_proto()) {
		if (nlh->nlmsg_type == RTM_DELROUTE)
			return true;
		touched(d, name);
		return repair_now(d, name);
	}
	return tctld_wanted_route(&d->want, &r);
}

static bool nh_matters(struct tctld *d, struct nlmsghdr *nlh, char *what, size_t len)
{
	struct tctl_nexthop nh;
	char name[TCTL_FLAP_NAME_MAX];

	memset(&nh, 0, sizeof(nh));
	if (tctl_nexthop_parse(nlh, &nh) < 0)
		return false;
	tctld_nh_name(nh.id, name, sizeof(name));
	snprintf(what, len, "%s %s (protocol %u)",
		 nlh->nlmsg_type == RTM_DELNEXTHOP ? "deleted" : "new", name, nh.protocol);
	if (nh.protocol == tctl_own_proto()) {
		if (nlh->nlmsg_type == RTM_DELNEXTHOP)
			return true;
		touched(d, name);
		return repair_now(d, name);
	}
	return tctld_wanted_nh(&d->want, nh.id);
}

static bool link_matters(struct tctld *d, struct nlmsghdr *nlh, char *what, size_t len)
{
	struct tctl_dev dev;

	memset(&dev, 0, sizeof(dev));
	if (tctl_link_parse(nlh, &dev) < 0 || !dev.name[0])
		return false;
	snprintf(what, len, "device %s %s", dev.name,
		 nlh->nlmsg_type == RTM_DELLINK ? "deleted" : dev.up ? "up" : "down");
	return d->have_list && tctl_peers_find_dev(&d->pl, dev.name) != NULL;
}

/* Does this event concern what we keep?  what: its description, for the log. */
static bool matters(struct tctld *d, struct nlmsghdr *nlh, bool *addr, char *what, size_t len)
{
	switch (nlh->nlmsg_type) {
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
		return route_matters(d, nlh, what, len);
	case RTM_NEWNEXTHOP:
	case RTM_DELNEXTHOP:
		return nh_matters(d, nlh, what, len);
	case RTM_NEWLINK:
	case RTM_DELLINK:
		return link_matters(d, nlh, what, len);
	case RTM_NEWADDR:
	case RTM_DELADDR:
		/* Routes can vanish with an address, without an event of their own. */
		snprintf(what, len, "address %s", nlh->nlmsg_type == RTM_NEWADDR ? "added" :
			 "deleted");
		*addr = true;
		return true;
	default:
		return false;
	}
}

void tctld_events_read(struct tctld *d)
{
	static unsigned char buf[RECV_BUF];
	bool dirty = false, addr = false;
	char first[160] = "";

	for (;;) {
		ssize_t n = recv(d->ev_fd, buf, sizeof(buf), MSG_DONTWAIT);
		struct nlmsghdr *nlh;
		int len;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				/* Events were lost: only a full re-read can tell what. */
				d->n.overruns++;
				tctld_log("event socket overrun: events were lost; re-reading "
					  "the kernel's state");
				tctld_schedule(d, TCTLD_R_OVERRUN, 0);
				continue;
			}
			if (errno != EAGAIN)
				tctld_log("event socket: %m");
			break;
		}
		len = (int)n;
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len)) {
			char what[160];

			if (!matters(d, nlh, &addr, what, sizeof(what)))
				continue;
			d->n.events++;
			tctld_debug("event: %s", what);
			if (!dirty)
				snprintf(first, sizeof(first), "%s", what);
			dirty = true;
		}
	}
	if (addr && tctld_find_self(d) > 0)
		tctld_schedule(d, TCTLD_R_EVENT, 0);
	if (dirty) {
		if (!d->dirty_at)
			tctld_debug("reconcile soon: %s", first);
		tctld_schedule(d, TCTLD_R_EVENT, SETTLE);
	}
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's rtnetlink notifications: a socket that joins multicast
 * groups (RTNLGRP_*) and only listens.  tunnelctld reconciles on what it
 * hears; `tunnelctl monitor` prints it.  Messages are decoded by the same
 * parsers as dumps (nl_link.c, nl_route.c, nl_nexthop.c).
 */
#ifndef TCTL_NL_EVENTS_H
#define TCTL_NL_EVENTS_H

#include <stddef.h>

#include "error.h"

/*
 * Open a non-blocking NETLINK_ROUTE socket in netns (NULL: the current
 * namespace) that joins the n groups; rcvbuf bytes of receive buffer
 * (beyond rmem_max when we have CAP_NET_ADMIN).  An overrun later shows
 * as recv() failing with ENOBUFS: events were lost.
 */
int tctl_nl_events_open(const char *netns, const unsigned int *groups, size_t n, int rcvbuf,
			int *out, struct tctl_err *err);

#endif

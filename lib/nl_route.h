/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Encap routes over rtnetlink: build requests, decode dumps. */
#ifndef TCTL_NL_ROUTE_H
#define TCTL_NL_ROUTE_H

#include "model.h"
#include "nl.h"

/* What the kernel may filter a route dump by (strict checking). */
struct tctl_route_dump_filter {
	int family;		/* AF_INET or AF_INET6; AF_UNSPEC for both */
	uint32_t table;		/* 0: every table */
	uint8_t protocol;	/* 0: any protocol */
	int oif;		/* 0: any device */
	bool any_encap;		/* also routes without encap ip/ip6 */
};

/*
 * Decode one RTM_NEWROUTE (or RTM_DELROUTE event) message.  1: a route we read (an encap ip/ip6
 * route, or any route with any_encap); 0: a route to skip; <0 malformed.
 */
int tctl_route_parse(struct nlmsghdr *nlh, struct tctl_route *r, bool any_encap);

/*
 * Every route the filter selects that carries encap ip/ip6 (or any route,
 * with any_encap), appended to out with dev names resolved through devs
 * (may be NULL).
 */
int tctl_route_dump(struct tctl_nl *nl, const struct tctl_route_dump_filter *f,
		    const struct tctl_dev_list *devs, struct tctl_route_list *out,
		    struct tctl_err *err);

/*
 * Requests.  r->oif, table, metric, protocol and encap must be final
 * (the checks in route_check.c make them so).
 */
struct nl_msg *tctl_route_msg_new(const struct tctl_route *r, bool replace);
struct nl_msg *tctl_route_msg_del(const struct tctl_route *r);

#endif

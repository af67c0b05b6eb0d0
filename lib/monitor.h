/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The event stream of `tunnelctl monitor`: the kernel's notifications of
 * tunnel devices, encap routes and nexthops with an encap, as model
 * objects.  It keeps the namespace's links and nexthops (read once, then
 * kept by the events themselves) to name devices, to tell a change from an
 * add, and to give a route by nexthop its nexthop's encap, as route show
 * does.  Other links, routes without an encap, and nexthops without one
 * are not events of this stream.
 */
#ifndef TCTL_MONITOR_H
#define TCTL_MONITOR_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "model.h"

enum tctl_mon_object {
	TCTL_MON_DEV,
	TCTL_MON_ROUTE,
	TCTL_MON_NEXTHOP,
	TCTL_MON_LOST,		/* the receive buffer overran: events were lost */
};

enum tctl_mon_act {
	TCTL_MON_ADD,
	TCTL_MON_DEL,
	TCTL_MON_CHANGE,
};

/* What changed in a device (TCTL_MON_DEV, TCTL_MON_CHANGE). */
#define TCTL_MON_CHG_UP		(1u << 0)	/* administratively up or down */
#define TCTL_MON_CHG_MTU	(1u << 1)
#define TCTL_MON_CHG_NAME	(1u << 2)

struct tctl_mon_event {
	enum tctl_mon_object object;
	enum tctl_mon_act act;
	uint32_t changed;		/* device changes: TCTL_MON_CHG_* */
	bool owned;			/* route, nexthop: tunnelctl's protocol */
	struct tctl_dev dev;		/* TCTL_MON_DEV */
	struct tctl_route route;	/* TCTL_MON_ROUTE, device and encap resolved */
	struct tctl_nexthop nh;		/* TCTL_MON_NEXTHOP, device resolved */
	char old_name[IFNAMSIZ];	/* TCTL_MON_CHG_NAME: the name it had */
};

struct tctl_mon;

/* Called per event; a negative return stops tctl_mon_read and is returned. */
typedef int (*tctl_mon_cb)(const struct tctl_mon_event *ev, void *arg);

/*
 * Listen in netns (NULL: here) with rcvbuf bytes of receive buffer, then
 * read the links and nexthops there.  Listening first: nothing made after
 * the return is missed.
 */
int tctl_mon_open(struct tctl_mon **out, const char *netns, int rcvbuf, struct tctl_err *err);
void tctl_mon_close(struct tctl_mon *m);
/* The descriptor to poll for input. */
int tctl_mon_fd(const struct tctl_mon *m);
/*
 * Take every pending notification and call cb for each event of the
 * stream, in the kernel's order.  After an overrun: one TCTL_MON_LOST
 * event, and the links and nexthops are read again.  Returns 0 once
 * nothing is pending, cb's negative return, or a negative error.
 */
int tctl_mon_read(struct tctl_mon *m, tctl_mon_cb cb, void *arg, struct tctl_err *err);

/* "add", "del", "change"; "dev", "route", "nexthop", "lost". */
const char *tctl_mon_act_name(enum tctl_mon_act act);
const char *tctl_mon_object_name(enum tctl_mon_object obj);

#endif

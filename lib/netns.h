/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Entering a named network namespace (/run/netns/NAME, as ip names them)
 * for a moment and coming back: sockets opened meanwhile stay in it, and
 * files under /proc/sys/net opened meanwhile are that namespace's.
 */
#ifndef TCTL_NETNS_H
#define TCTL_NETNS_H

#include "error.h"

/*
 * Enter name; *saved gets the namespace to come back to (close it with
 * tctl_netns_leave).  A name that is not one, or is missing, is a usage
 * error that says so.
 */
int tctl_netns_enter(const char *name, int *saved, struct tctl_err *err);
/* Come back to saved and close it; saved < 0 does nothing. */
void tctl_netns_leave(int saved);

#endif

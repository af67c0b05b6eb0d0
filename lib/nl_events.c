// SPDX-License-Identifier: GPL-2.0-or-later
#include "nl_events.h"

#include <errno.h>
#include <linux/netlink.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netns.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static int events_setup(int fd, const unsigned int *groups, size_t n, int rcvbuf,
			struct tctl_err *err)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1;

	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return tctl_err_set(err, TCTL_ERR_SYSTEM, errno, "event socket: bind: %s",
				    strerror(errno));
	/* The exact size asked for (as root), so an overrun test can ask for little. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	for (size_t i = 0; i < n; i++)
		if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &groups[i],
			       sizeof(groups[i])) < 0)
			return tctl_err_set(err, TCTL_ERR_SYSTEM, errno,
					    "event socket: group %u: %s", groups[i],
					    strerror(errno));
	/* Strict checking is for requests; this socket only listens. */
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	return 0;
}

int tctl_nl_events_open(const char *netns, const unsigned int *groups, size_t n, int rcvbuf,
			int *out, struct tctl_err *err)
{
	int saved = -1, fd, e;

	*out = -1;
	if (netns && tctl_netns_enter(netns, &saved, err))
		return err->code;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
	e = errno;
	tctl_netns_leave(saved);
	if (fd < 0)
		return tctl_err_set(err, TCTL_ERR_SYSTEM, e, "event socket: %s", strerror(e));
	if (events_setup(fd, groups, n, rcvbuf, err)) {
		close(fd);
		return err->code;
	}
	*out = fd;
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE
#include "netns.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int tctl_netns_enter(const char *name, int *saved, struct tctl_err *err)
{
	char path[PATH_MAX];
	int fd;

	*saved = -1;
	if (!name[0] || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return tctl_err_usage(err, "\"%s\" is not a valid network namespace name", name);
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return tctl_err_set(err, TCTL_ERR_USAGE, errno,
				    "network namespace \"%s\" not found (%s: %s)", name, path,
				    strerror(errno));
	*saved = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (*saved < 0) {
		close(fd);
		return tctl_err_set(err, TCTL_ERR_SYSTEM, errno,
				    "cannot open /proc/self/ns/net: %s", strerror(errno));
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		int e = errno;

		close(fd);
		close(*saved);
		*saved = -1;
		return tctl_err_set(err, TCTL_ERR_SYSTEM, e,
				    "cannot enter network namespace \"%s\": %s%s", name,
				    strerror(e), e == EPERM ? " (CAP_SYS_ADMIN is needed)" : "");
	}
	close(fd);
	return 0;
}

void tctl_netns_leave(int saved)
{
	if (saved < 0)
		return;
	/* Returning to our own namespace cannot fail once we left it. */
	if (setns(saved, CLONE_NEWNET) < 0)
		perror("tunnelctl: setns back");
	close(saved);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The peer list file, watched.  Editors and configuration tools replace a
 * file by writing another and renaming it over, and Kubernetes swaps a
 * symlinked directory; a watch on the file itself would die with the old
 * inode.  So the directory is watched, and any change to the file's name
 * (or to a hidden entry, as those swaps use) schedules a re-read once the
 * writes settle.  Whether anything changed is decided by the content's
 * hash, not by the event.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "daemon.h"

/* A writer's several writes come as several events: let them finish. */
#define SETTLE 0.1

int tctld_watch_open(struct tctld *d, struct tctl_err *err)
{
	char copy[PATH_MAX];
	const char *dir;
	int fd;

	if (!strcmp(d->cfg.peers, "-"))
		return 0;
	snprintf(copy, sizeof(copy), "%s", d->cfg.peers);
	dir = dirname(copy);
	fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (fd < 0)
		return tctl_err_set(err, TCTL_ERR_SYSTEM, errno, "inotify: %m");
	d->watch_wd = inotify_add_watch(fd, dir, IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM |
					IN_CREATE | IN_DELETE | IN_ATTRIB | IN_ONLYDIR);
	if (d->watch_wd < 0) {
		tctl_err_set(err, TCTL_ERR_SYSTEM, errno, "inotify: watch %s: %m", dir);
		close(fd);
		return -1;
	}
	d->watch_fd = fd;
	return 0;
}

void tctld_watch_read(struct tctld *d)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	char copy[PATH_MAX];
	const char *base;
	bool ours = false;

	snprintf(copy, sizeof(copy), "%s", d->cfg.peers);
	base = basename(copy);
	for (;;) {
		ssize_t n = read(d->watch_fd, buf, sizeof(buf));

		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			break;
		}
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;

			if (ev->mask & IN_Q_OVERFLOW)
				ours = true;
			else if (ev->len && (!strcmp(ev->name, base) || ev->name[0] == '.'))
				ours = true;
			p += sizeof(*ev) + ev->len;
		}
	}
	if (ours) {
		tctld_debug("%s changed on disk", d->cfg.peers);
		d->reload_at = tctld_now() + SETTLE;
	}
}

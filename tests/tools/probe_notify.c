// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libprobe notify-listen PATH SECONDS: the receiving end of the sd_notify
 * protocol, as systemd is for a Type=notify service: bind a datagram
 * socket at PATH, print each message received (one line per KEY=VALUE),
 * and stop after the first READY=1 or after SECONDS.  Exit 0 when READY=1
 * came, 1 when not.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"

int cmd_notify_listen(int argc, char **argv)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char buf[4096];
	time_t end;
	int fd, ready = 0;

	if (argc != 2 || strlen(argv[0]) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "usage: libprobe notify-listen PATH SECONDS\n");
		return 2;
	}
	memcpy(sun.sun_path, argv[0], strlen(argv[0]));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		perror("libprobe: notify-listen");
		return 2;
	}
	/* Ready to receive: whoever waits for this line may start the sender. */
	printf("listening\n");
	fflush(stdout);
	end = time(NULL) + atoi(argv[1]);
	while (!ready && time(NULL) < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 200) <= 0)
			continue;
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		printf("%s\n", buf);
		fflush(stdout);
		ready = strstr(buf, "READY=1") != NULL;
	}
	close(fd);
	unlink(argv[0]);
	return ready ? 0 : 1;
}

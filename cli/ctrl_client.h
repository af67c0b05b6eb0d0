/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The client side of tunnelctld's control socket: one request line, the
 * write side shut, then one JSON document until EOF.  `ctrl` and `doctor`
 * ask through it.
 */
#ifndef TCTL_CTRL_CLIENT_H
#define TCTL_CTRL_CLIENT_H

#include <json-c/json.h>
#include <sys/un.h>

#include "../lib/error.h"

#define CTRL_DIR "/run/tunnelctl"
#define CTRL_SOCKET CTRL_DIR "/tunnelctld.sock"

struct ctrl_target {
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	unsigned int timeout;		/* seconds */
	const char *netns;		/* for the hint of a failed connect */
};

/* Send one request ("status", ...) and take the answer, a JSON object (*out, owned). */
int ctrl_ask(const struct ctrl_target *t, const char *what, json_object **out,
	     struct tctl_err *err);

#endif

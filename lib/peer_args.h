/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The peer commands' grammar (a flowtun device's peer table), into requests. */
#ifndef TCTL_PEER_ARGS_H
#define TCTL_PEER_ARGS_H

#include "grammar.h"
#include "nl_flowtun.h"

extern const struct tctl_syntax tctl_syntax_peer_add;
extern const struct tctl_syntax tctl_syntax_peer_replace;
extern const struct tctl_syntax tctl_syntax_peer_del;
extern const struct tctl_syntax tctl_syntax_peer_show;

/* A peer's remote: a unicast IPv4 address; what names it in errors. */
int tctl_parse_remote(const char *s, struct in_addr *out, const char *what,
		      struct tctl_err *err);

/* peer add, replace and del: DEV REMOTE [id ID]. */
int tctl_peer_from_args(const struct tctl_args *a, struct tctl_ft_peer_req *req,
			struct tctl_err *err);
/* peer show: [REMOTE] [dev NAME]. */
int tctl_peer_filter_from_args(const struct tctl_args *a, struct tctl_ft_filter *f,
			       struct tctl_err *err);

#endif

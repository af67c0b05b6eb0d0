// SPDX-License-Identifier: GPL-2.0-or-later
#include "peer_args.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "addr.h"
#include "number.h"
#include "route_args.h"

#define KW_DEV								\
	{ .metavar = "DEV", .val = TCTL_VAL_TUNDEV,			\
	  .flags = TCTL_KW_POSITIONAL | TCTL_KW_REQUIRED,		\
	  .help = "the flowtun device (datapath kmod) whose table it is" }
#define KW_REMOTE(FLAGS, HELP)						\
	{ .metavar = "REMOTE", .val = TCTL_VAL_ADDR,			\
	  .flags = TCTL_KW_POSITIONAL | (FLAGS), .help = HELP }

static const struct tctl_kw kw_add[] = {
	KW_DEV,
	KW_REMOTE(TCTL_KW_REQUIRED, "the peer's underlay (outer) IPv4 address"),
	{ "id", "ID", TCTL_VAL_NUMBER, NULL, 0, 0,
	  "tunnel id given to what it sends over IPIP (default 0)" },
	{ 0 }
};

const struct tctl_syntax tctl_syntax_peer_add = {
	"peer", "add", kw_add, "add a remote to a flowtun device's peer table", NULL,
};

const struct tctl_syntax tctl_syntax_peer_replace = {
	"peer", "replace", kw_add,
	"add a peer, or change its id (its counters are kept)", NULL,
};

static const struct tctl_kw kw_del[] = {
	KW_DEV,
	KW_REMOTE(TCTL_KW_REQUIRED, "the peer's underlay address"),
	{ 0 }
};

const struct tctl_syntax tctl_syntax_peer_del = {
	"peer", "del", kw_del, "remove a remote from a flowtun device's peer table", NULL,
};

static const struct tctl_kw kw_show[] = {
	KW_REMOTE(0, "only this remote"),
	{ "dev", "NAME", TCTL_VAL_TUNDEV, NULL, 0, 0, "only the peers of this device" },
	{ 0 }
};

const struct tctl_syntax tctl_syntax_peer_show = {
	"peer", "show", kw_show, "list the peer tables of flowtun devices, with counters",
	NULL,
};

int tctl_parse_remote(const char *s, struct in_addr *out, const char *what,
		      struct tctl_err *err)
{
	struct tctl_addr a;
	uint32_t h;

	if (tctl_addr_parse(&a, s, AF_INET, what, err))
		return -EINVAL;
	h = ntohl(a.v4.s_addr);
	if (!h || IN_MULTICAST(h) || h == INADDR_BROADCAST || IN_EXPERIMENTAL(h) || !(h >> 24))
		return tctl_err_usage(err, "%s \"%s\" is not a unicast IPv4 address", what, s);
	*out = a.v4;
	return 0;
}

int tctl_peer_from_args(const struct tctl_args *a, struct tctl_ft_peer_req *req,
			struct tctl_err *err)
{
	const char *v;

	memset(req, 0, sizeof(*req));
	if (tctl_parse_ifname(tctl_args_get(a, "DEV"), req->dev, "DEV", err) ||
	    tctl_parse_remote(tctl_args_get(a, "REMOTE"), &req->remote, "REMOTE", err))
		return -EINVAL;
	if ((v = tctl_args_get(a, "id"))) {
		if (tctl_parse_u64(v, UINT64_MAX, &req->id, "id", err))
			return -EINVAL;
		req->has_id = true;
	}
	return 0;
}

int tctl_peer_filter_from_args(const struct tctl_args *a, struct tctl_ft_filter *f,
			       struct tctl_err *err)
{
	const char *v;

	memset(f, 0, sizeof(*f));
	if ((v = tctl_args_get(a, "REMOTE"))) {
		if (tctl_parse_remote(v, &f->remote, "REMOTE", err))
			return -EINVAL;
		f->has_remote = true;
	}
	if ((v = tctl_args_get(a, "dev"))) {
		if (tctl_parse_ifname(v, f->dev, "dev", err))
			return -EINVAL;
		f->has_dev = true;
	}
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
#include "stats_args.h"

#include <errno.h>
#include <string.h>

#include "peer_args.h"
#include "route_args.h"

static const struct tctl_kw kw_stats[] = {
	{ "dev", "NAME", TCTL_VAL_TUNDEV, NULL, 0, 0,
	  "only this flowtun device and its peers" },
	{ "peer", "ADDR", TCTL_VAL_ADDR, NULL, 0, 0,
	  "only the peer with this remote address (no device counters)" },
	{ 0 }
};

const struct tctl_syntax tctl_syntax_stats = {
	"stats", "", kw_stats,
	"counters of flowtun devices and peers: packets, bytes, drops by reason", NULL,
};

int tctl_stats_filter_from_args(const struct tctl_args *a, struct tctl_ft_filter *f,
				struct tctl_err *err)
{
	const char *v;

	memset(f, 0, sizeof(*f));
	if ((v = tctl_args_get(a, "dev"))) {
		if (tctl_parse_ifname(v, f->dev, "dev", err))
			return -EINVAL;
		f->has_dev = true;
	}
	if ((v = tctl_args_get(a, "peer"))) {
		if (tctl_parse_remote(v, &f->remote, "peer", err))
			return -EINVAL;
		f->has_remote = true;
	}
	return 0;
}

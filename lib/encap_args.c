// SPDX-License-Identifier: GPL-2.0-or-later
#include "encap_args.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "number.h"
#include "route_args.h"

const char *const tctl_encap_choices[] = { "ip", "ip6", NULL };

bool tctl_encap_args_given(const struct tctl_args *a, const char **word)
{
	static const char *const words[] = {
		"encap", "id", "dst", "src", "ttl", "tos", "key", "nokey", "csum", "seq", "dev",
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (tctl_args_has(a, words[i])) {
			*word = words[i];
			return true;
		}
	}
	return false;
}

static void flag_from_args(const struct tctl_args *a, const char *word, uint16_t flag,
			   struct tctl_encap *e)
{
	if (!tctl_args_has(a, word))
		return;
	e->flags |= flag;
	e->flags_given |= flag;
}

int tctl_encap_from_args(const struct tctl_args *a, struct tctl_encap *e,
			 struct tctl_err *err)
{
	const char *v;

	memset(e, 0, sizeof(*e));
	if ((v = tctl_args_get(a, "encap")))
		e->family = !strcmp(v, "ip6") ? AF_INET6 : AF_INET;
	v = tctl_args_get(a, "dst");
	if (tctl_addr_parse(&e->dst, v, e->family ? e->family : AF_UNSPEC, "dst", err))
		return -EINVAL;
	e->family = e->dst.family;
	e->has |= TCTL_ENCAP_HAS_DST;
	if ((v = tctl_args_get(a, "src"))) {
		if (tctl_addr_parse(&e->src, v, e->family, "src", err))
			return -EINVAL;
		e->has |= TCTL_ENCAP_HAS_SRC;
	}
	if ((v = tctl_args_get(a, "id"))) {
		if (tctl_parse_u64(v, UINT64_MAX, &e->id, "id", err))
			return -EINVAL;
		e->has |= TCTL_ENCAP_HAS_ID;
	}
	if ((v = tctl_args_get(a, "ttl"))) {
		if (tctl_parse_ttl(v, &e->ttl, err))
			return -EINVAL;
		e->has |= TCTL_ENCAP_HAS_TTL;
	}
	if ((v = tctl_args_get(a, "tos"))) {
		/* ip6gre and ip6tnl copy the metadata's tos as is: 1 is not "inherit". */
		if (!strcmp(v, "inherit") && e->family == AF_INET6)
			return tctl_err_usage(err, "tos inherit: an IPv6 underlay (encap ip6) "
					      "takes the traffic class as given and cannot "
					      "inherit it; give a number");
		if (tctl_parse_tos(v, &e->tos, err))
			return -EINVAL;
		e->has |= TCTL_ENCAP_HAS_TOS;
	}
	if (tctl_args_has(a, "nokey"))
		e->flags_given |= TCTL_TUN_KEY;
	flag_from_args(a, "key", TCTL_TUN_KEY, e);
	flag_from_args(a, "csum", TCTL_TUN_CSUM, e);
	flag_from_args(a, "seq", TCTL_TUN_SEQ, e);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
#include "nexthop_args.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "encap_args.h"
#include "number.h"
#include "route_args.h"
#include "rtnames.h"

static const char *const family_choices[] = { "inet", "inet6", NULL };

#define KW_NHID(VAL, FLAGS)						\
	{ .metavar = "NHID", .val = VAL, .flags = TCTL_KW_POSITIONAL | (FLAGS), \
	  .help = "the nexthop object's id, 1 to 4294967295" }

static const struct tctl_kw kw_add[] = {
	KW_NHID(TCTL_VAL_NUMBER, TCTL_KW_REQUIRED),
	TCTL_KW_ENCAP(NULL),
	{ "family", "FAMILY", TCTL_VAL_CHOICE, family_choices, 0, 0,
	  "inet (IPv4 routes only, the default) or inet6 (IPv6 and IPv4 routes)" },
	{ 0 }
};

const struct tctl_syntax tctl_syntax_nexthop_add = {
	"nexthop", "add", kw_add, "add a nexthop object carrying an encap", NULL,
};

const struct tctl_syntax tctl_syntax_nexthop_replace = {
	"nexthop", "replace", kw_add,
	"add a nexthop, or replace tunnelctl's own (its routes follow at once)", NULL,
};

static const struct tctl_kw kw_del[] = {
	KW_NHID(TCTL_VAL_NHID, TCTL_KW_REQUIRED),
	{ 0 }
};

const struct tctl_syntax tctl_syntax_nexthop_del = {
	"nexthop", "del", kw_del, "delete one of tunnelctl's nexthops no route uses", NULL,
};

static const struct tctl_kw kw_show[] = {
	KW_NHID(TCTL_VAL_NHID, 0),
	{ "dev", "NAME", TCTL_VAL_DEVICE, NULL, 0, 0, "nexthops on this device" },
	{ "id", "ID", TCTL_VAL_NUMBER, NULL, 0, 0, "nexthops with this tunnel id" },
	{ 0 }
};

const struct tctl_syntax tctl_syntax_nexthop_show = {
	"nexthop", "show", kw_show, "list nexthops with an encap, tunnelctl's and others'",
	NULL,
};

static int parse_nhid(const char *s, uint32_t *id, struct tctl_err *err)
{
	if (tctl_parse_u32(s, UINT32_MAX, id, "NHID", err))
		return -EINVAL;
	if (!*id)
		return tctl_err_usage(err, "NHID \"%s\": nexthop ids start at 1", s);
	return 0;
}

int tctl_nexthop_from_args(const struct tctl_args *a, struct tctl_nexthop *nh,
			   struct tctl_err *err)
{
	const char *v;

	memset(nh, 0, sizeof(*nh));
	if (parse_nhid(tctl_args_get(a, "NHID"), &nh->id, err) ||
	    tctl_encap_from_args(a, &nh->encap, err) ||
	    tctl_parse_ifname(tctl_args_get(a, "dev"), nh->dev, "dev", err))
		return -EINVAL;
	v = tctl_args_get(a, "family");
	nh->family = v && !strcmp(v, "inet6") ? AF_INET6 : AF_INET;
	nh->protocol = tctl_own_proto();
	nh->has = TCTL_NH_HAS_ENCAP | TCTL_NH_HAS_DEV;
	return 0;
}

int tctl_nexthop_filter_from_args(const struct tctl_args *a, struct tctl_nexthop_filter *f,
				  struct tctl_err *err)
{
	const char *v;

	memset(f, 0, sizeof(*f));
	if ((v = tctl_args_get(a, "NHID"))) {
		if (parse_nhid(v, &f->id, err))
			return -EINVAL;
		f->has_id = true;
	}
	if ((v = tctl_args_get(a, "dev"))) {
		if (tctl_parse_ifname(v, f->dev, "dev", err))
			return -EINVAL;
		f->has_dev = true;
	}
	if ((v = tctl_args_get(a, "id"))) {
		if (tctl_parse_u64(v, UINT64_MAX, &f->tunid, "id", err))
			return -EINVAL;
		f->has_tunid = true;
	}
	return 0;
}

bool tctl_nexthop_filter_match(const struct tctl_nexthop_filter *f,
			       const struct tctl_nexthop *nh)
{
	return (!f->has_id || nh->id == f->id) && (!f->has_dev || !strcmp(nh->dev, f->dev)) &&
	       (!f->has_tunid || nh->encap.id == f->tunid);
}

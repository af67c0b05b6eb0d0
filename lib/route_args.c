// SPDX-License-Identifier: GPL-2.0-or-later
#include "route_args.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "encap_args.h"
#include "number.h"
#include "rtnames.h"

static const struct tctl_kw kw_add[] = {
	{ .metavar = "PREFIX", .val = TCTL_VAL_PREFIX,
	  .flags = TCTL_KW_POSITIONAL | TCTL_KW_REQUIRED,
	  .help = "overlay prefix (IPv4 or IPv6) routed into the tunnel" },
	TCTL_KW_ENCAP("nhid"),
	{ "nhid", "NHID", TCTL_VAL_NHID, NULL, TCTL_KW_ALTERNATIVE, 0,
	  "route by this nexthop object, which holds device and encap" },
	{ "table", "TABLE", TCTL_VAL_TABLE, NULL, 0, 0, "routing table (default main)" },
	{ "metric", "N", TCTL_VAL_NUMBER, NULL, 0, 0,
	  "route metric (default 0 for IPv4, 1024 for IPv6)" },
	{ 0 }
};


const struct tctl_syntax tctl_syntax_route_add = {
	"route", "add", kw_add, "add an encap route", "route add PREFIX nhid NHID [table TABLE] [metric N]",
};

const struct tctl_syntax tctl_syntax_route_replace = {
	"route", "replace", kw_add, "add an encap route or replace tunnelctl's own",
	"route replace PREFIX nhid NHID [table TABLE] [metric N]",
};

static const struct tctl_kw kw_del[] = {
	{ .metavar = "PREFIX", .val = TCTL_VAL_ROUTE,
	  .flags = TCTL_KW_POSITIONAL | TCTL_KW_REQUIRED,
	  .help = "the route's prefix" },
	{ "dev", "NAME", TCTL_VAL_DEVICE, NULL, 0, 0, "only the route through this device" },
	{ "table", "TABLE", TCTL_VAL_TABLE, NULL, 0, 0, "routing table (default main)" },
	{ "metric", "N", TCTL_VAL_NUMBER, NULL, 0, 0, "only the route with this metric" },
	{ 0 }
};

const struct tctl_syntax tctl_syntax_route_del = {
	"route", "del", kw_del, "delete one of tunnelctl's encap routes", NULL,
};

static const struct tctl_kw kw_show[] = {
	{ "dev", "NAME", TCTL_VAL_DEVICE, NULL, 0, 0, "routes through this device" },
	{ "id", "ID", TCTL_VAL_NUMBER, NULL, 0, 0, "routes with this tunnel id" },
	{ "table", "TABLE", TCTL_VAL_TABLE, NULL, 0, 0, "routing table, or all (default main)" },
	{ "all", NULL, TCTL_VAL_NONE, NULL, 0, 0, "every routing table (same as table all)" },
	{ 0 }
};

const struct tctl_syntax tctl_syntax_route_show = {
	"route", "show", kw_show, "list encap routes, tunnelctl's and others'", NULL,
};

static const struct tctl_kw kw_flush[] = {
	{ "dev", "NAME", TCTL_VAL_DEVICE, NULL, 0, 0, "routes through this device" },
	{ "table", "TABLE", TCTL_VAL_TABLE, NULL, 0, 0, "routing table, or all (default main)" },
	{ 0 }
};

const struct tctl_syntax tctl_syntax_route_flush = {
	"route", "flush", kw_flush, "delete tunnelctl's encap routes", NULL,
};

int tctl_parse_ttl(const char *s, uint8_t *ttl, struct tctl_err *err)
{
	uint32_t v;

	if (!strcmp(s, "inherit")) {
		*ttl = TCTL_TTL_INHERIT;
		return 0;
	}
	if (tctl_parse_u32(s, 255, &v, "ttl", err))
		return -EINVAL;
	*ttl = (uint8_t)v;
	return 0;
}

int tctl_parse_tos(const char *s, uint8_t *tos, struct tctl_err *err)
{
	uint32_t v;

	if (!strcmp(s, "inherit")) {
		*tos = TCTL_TOS_INHERIT;
		return 0;
	}
	if (tctl_parse_u32(s, 255, &v, "tos", err))
		return -EINVAL;
	*tos = (uint8_t)v;
	return 0;
}

/* The kernel's dev_valid_name(), plus '%' which it would expand. */
int tctl_parse_ifname(const char *s, char *out, const char *what, struct tctl_err *err)
{
	size_t n = strlen(s);

	if (n == 0 || n >= IFNAMSIZ)
		return tctl_err_usage(err, "%s \"%s\" must be 1 to %d characters", what, s,
				      IFNAMSIZ - 1);
	if (!strcmp(s, ".") || !strcmp(s, ".."))
		return tctl_err_usage(err, "%s \"%s\" is not a valid device name", what, s);
	for (const char *p = s; *p; p++)
		if (*p == '/' || *p == ':' || *p == '%' || isspace((unsigned char)*p) ||
		    !isprint((unsigned char)*p))
			return tctl_err_usage(err, "%s \"%s\" may not contain '%c'", what, s,
					      isprint((unsigned char)*p) ? *p : '?');
	memcpy(out, s, n + 1);
	return 0;
}

static int table_from_args(const struct tctl_args *a, uint32_t *table, bool *given,
			   struct tctl_err *err)
{
	const char *v = tctl_args_get(a, "table");

	*given = v != NULL;
	return v ? tctl_table_parse(v, table, err) : 0;
}

static int metric_from_args(const struct tctl_args *a, uint32_t *metric, bool *given,
			    struct tctl_err *err)
{
	const char *v = tctl_args_get(a, "metric");

	*given = v != NULL;
	return v ? tctl_parse_u32(v, UINT32_MAX, metric, "metric", err) : 0;
}

int tctl_route_from_args(const struct tctl_args *a, struct tctl_route *r,
			 struct tctl_err *err)
{
	const char *v, *v2;
	bool given;

	memset(r, 0, sizeof(*r));
	r->table = TCTL_TABLE_MAIN;
	r->protocol = tctl_own_proto();
	if (tctl_prefix_parse(&r->dst, tctl_args_get(a, "PREFIX"), AF_UNSPEC, "prefix", err))
		return -EINVAL;
	r->has |= TCTL_ROUTE_HAS_DST;
	if ((v = tctl_args_get(a, "nhid"))) {
		if (tctl_encap_args_given(a, &v2))
			return tctl_err_usage(err, "\"nhid\" and \"%s\" cannot be used together: "
					      "the nexthop holds the device and the encap", v2);
		if (tctl_parse_u32(v, UINT32_MAX, &r->nhid, "nhid", err))
			return -EINVAL;
		if (!r->nhid)
			return tctl_err_usage(err, "nhid \"%s\": nexthop ids start at 1", v);
		r->has |= TCTL_ROUTE_HAS_NHID;
	} else {
		if (tctl_encap_from_args(a, &r->encap, err))
			return -EINVAL;
		r->has |= TCTL_ROUTE_HAS_ENCAP;
		if (tctl_parse_ifname(tctl_args_get(a, "dev"), r->dev, "dev", err))
			return -EINVAL;
		r->has |= TCTL_ROUTE_HAS_DEV;
	}
	if (table_from_args(a, &r->table, &given, err))
		return -EINVAL;
	if (given)
		r->has |= TCTL_ROUTE_HAS_TABLE;
	if (metric_from_args(a, &r->metric, &given, err))
		return -EINVAL;
	if (given)
		r->has |= TCTL_ROUTE_HAS_METRIC;
	r->metric = tctl_route_effective_metric(r->dst.addr.family, r->metric);
	return 0;
}

int tctl_route_filter_from_args(const struct tctl_args *a,
				struct tctl_route_filter *f, struct tctl_err *err)
{
	const char *v;
	bool given;

	memset(f, 0, sizeof(*f));
	f->table = TCTL_TABLE_MAIN;
	if ((v = tctl_args_get(a, "PREFIX"))) {
		if (tctl_prefix_parse(&f->dst, v, AF_UNSPEC, "prefix", err))
			return -EINVAL;
		f->has |= TCTL_FILTER_HAS_DST;
	}
	if ((v = tctl_args_get(a, "dev"))) {
		if (tctl_parse_ifname(v, f->dev, "dev", err))
			return -EINVAL;
		f->has |= TCTL_FILTER_HAS_DEV;
	}
	if ((v = tctl_args_get(a, "id"))) {
		if (tctl_parse_u64(v, UINT64_MAX, &f->id, "id", err))
			return -EINVAL;
		f->has |= TCTL_FILTER_HAS_ID;
	}
	v = tctl_args_get(a, "table");
	if (tctl_args_has(a, "all") || (v && !strcmp(v, "all"))) {
		if (v && strcmp(v, "all"))
			return tctl_err_usage(err, "\"all\" and \"table %s\" cannot be used together",
					      v);
		f->has |= TCTL_FILTER_ALL_TABLES;
	} else {
		if (table_from_args(a, &f->table, &given, err))
			return -EINVAL;
		if (given)
			f->has |= TCTL_FILTER_HAS_TABLE;
	}
	if (metric_from_args(a, &f->metric, &given, err))
		return -EINVAL;
	if (given) {
		f->has |= TCTL_FILTER_HAS_METRIC;
		if (f->has & TCTL_FILTER_HAS_DST)
			f->metric = tctl_route_effective_metric(f->dst.addr.family, f->metric);
	}
	return 0;
}

bool tctl_route_filter_match(const struct tctl_route_filter *f,
			     const struct tctl_route *r)
{
	if ((f->has & TCTL_FILTER_HAS_DST) && tctl_prefix_cmp(&f->dst, &r->dst))
		return false;
	if ((f->has & TCTL_FILTER_HAS_DEV) && strcmp(f->dev, r->dev))
		return false;
	if (!(f->has & TCTL_FILTER_ALL_TABLES) && f->table != r->table)
		return false;
	if ((f->has & TCTL_FILTER_HAS_METRIC) && f->metric != r->metric)
		return false;
	if ((f->has & TCTL_FILTER_HAS_ID) &&
	    (!(r->has & TCTL_ROUTE_HAS_ENCAP) || r->encap.id != f->id))
		return false;
	return true;
}

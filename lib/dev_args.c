// SPDX-License-Identifier: GPL-2.0-or-later
#include "dev_args.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "number.h"
#include "route_args.h"

static const char *const mode_choices[] = { "gre", "ipip", "ip6gre", "ip6tnl", NULL };
static const char *const datapath_choices[] = { "intree", "kmod", NULL };
static const char *const policy_choices[] = { "open", "allowlist", NULL };

enum { GROUP_UPDOWN = 1 };

/* The smallest IPv4 MTU; the kernel checks each kind's own maximum. */
#define MTU_MIN 68
#define MTU_MAX 65535

static const struct tctl_kw kw_add[] = {
	{ .metavar = "NAME", .val = TCTL_VAL_NEWDEV,
	  .flags = TCTL_KW_POSITIONAL | TCTL_KW_REQUIRED,
	  .help = "name of the new device" },
	{ "mode", "MODE", TCTL_VAL_CHOICE, mode_choices, TCTL_KW_REQUIRED, 0,
	  "gre or ipip (IPv4 underlay), ip6gre or ip6tnl (IPv6 underlay)" },
	{ "datapath", "TYPE", TCTL_VAL_CHOICE, datapath_choices, TCTL_KW_ALTERNATIVE, 0,
	  "intree (the kernel's own device, the default) or kmod (a flowtun device)" },
	{ "local", "ADDR", TCTL_VAL_ADDR, NULL, TCTL_KW_ALTERNATIVE, 0,
	  "kmod: the local IPv4 address the device is bound to (default any)" },
	{ "policy", "POLICY", TCTL_VAL_CHOICE, policy_choices, TCTL_KW_ALTERNATIVE, 0,
	  "kmod: receive from any remote (open, the default) or only from peers" },
	{ "mtu", "N", TCTL_VAL_NUMBER, NULL, 0, 0, "device MTU" },
	{ "link", "DEV", TCTL_VAL_DEVICE, NULL, 0, 0, "underlay device to bind to" },
	{ "down", NULL, TCTL_VAL_NONE, NULL, 0, 0, "leave the device down" },
	{ 0 }
};

const struct tctl_syntax tctl_syntax_dev_add = {
	"dev", "add", kw_add, "create an external (flow-based) tunnel device",
	"dev add NAME mode {gre|ipip} datapath kmod [local ADDR] "
	"[policy {open|allowlist}] [mtu N] [link DEV] [down]",
};

static const struct tctl_kw kw_del[] = {
	{ .metavar = "NAME", .val = TCTL_VAL_TUNDEV,
	  .flags = TCTL_KW_POSITIONAL | TCTL_KW_REQUIRED, .help = "the device" },
	{ 0 }
};

const struct tctl_syntax tctl_syntax_dev_del = {
	"dev", "del", kw_del, "delete a tunnel device", NULL,
};

static const struct tctl_kw kw_set[] = {
	{ .metavar = "NAME", .val = TCTL_VAL_TUNDEV,
	  .flags = TCTL_KW_POSITIONAL | TCTL_KW_REQUIRED, .help = "the device" },
	{ "up", NULL, TCTL_VAL_NONE, NULL, 0, GROUP_UPDOWN, "bring the device up" },
	{ "down", NULL, TCTL_VAL_NONE, NULL, 0, GROUP_UPDOWN, "take the device down" },
	{ "mtu", "N", TCTL_VAL_NUMBER, NULL, 0, 0, "device MTU" },
	{ "policy", "POLICY", TCTL_VAL_CHOICE, policy_choices, TCTL_KW_ALTERNATIVE, 0,
	  "flowtun devices: receive from any remote (open) or only from peers" },
	{ 0 }
};

const struct tctl_syntax tctl_syntax_dev_set = {
	"dev", "set", kw_set, "change a tunnel device's state, MTU or receive policy",
	"dev set NAME policy {open|allowlist} [up|down] [mtu N]",
};

static const struct tctl_kw kw_show[] = {
	{ .metavar = "NAME", .val = TCTL_VAL_TUNDEV, .flags = TCTL_KW_POSITIONAL,
	  .help = "only this device" },
	{ 0 }
};

const struct tctl_syntax tctl_syntax_dev_show = {
	"dev", "show", kw_show, "list tunnel devices", NULL,
};

static int mtu_from_args(const struct tctl_args *a, struct tctl_dev *d,
			 struct tctl_err *err)
{
	const char *v = tctl_args_get(a, "mtu");

	if (!v)
		return 0;
	if (tctl_parse_u32(v, MTU_MAX, &d->mtu, "mtu", err))
		return -EINVAL;
	if (d->mtu < MTU_MIN)
		return tctl_err_usage(err, "mtu \"%s\" is below the minimum of %d", v, MTU_MIN);
	d->has |= TCTL_DEV_HAS_MTU;
	return 0;
}

static void policy_from_args(const struct tctl_args *a, struct tctl_dev *d)
{
	const char *v = tctl_args_get(a, "policy");

	if (!v)
		return;
	d->policy = strcmp(v, "allowlist") ? TCTL_FT_POLICY_OPEN : TCTL_FT_POLICY_ALLOWLIST;
	d->has |= TCTL_DEV_HAS_POLICY;
}

/* datapath kmod: a flowtun device, GRE or IPIP over IPv4 only. */
static int flowtun_from_args(const struct tctl_args *a, struct tctl_dev *d,
			     struct tctl_err *err)
{
	const char *dp = tctl_args_get(a, "datapath"), *v;
	struct tctl_addr local;

	if (!dp || strcmp(dp, "kmod")) {
		if ((v = tctl_args_has(a, "local") ? "local" :
			 tctl_args_has(a, "policy") ? "policy" : NULL))
			return tctl_err_usage(err, "\"%s\" needs \"datapath kmod\": it is "
					      "a setting of flowtun devices, which the in-tree "
					      "%s device lacks", v, d->kind_name);
		return 0;
	}
	if (d->kind != TCTL_KIND_GRE && d->kind != TCTL_KIND_IPIP)
		return tctl_err_usage(err, "mode %s: datapath kmod (flowtun) has modes gre and "
				      "ipip only, over an IPv4 underlay", d->kind_name);
	d->datapath = TCTL_DATAPATH_KMOD;
	snprintf(d->kind_name, sizeof(d->kind_name), "%s", TCTL_FLOWTUN_KIND);
	if ((v = tctl_args_get(a, "local"))) {
		if (tctl_addr_parse(&local, v, AF_INET, "local", err))
			return -EINVAL;
		if (IN_MULTICAST(ntohl(local.v4.s_addr)) ||
		    local.v4.s_addr == htonl(INADDR_BROADCAST) ||
		    (local.v4.s_addr && !(ntohl(local.v4.s_addr) >> 24)))
			return tctl_err_usage(err, "local \"%s\" must be a unicast IPv4 address "
					      "(or 0.0.0.0 for any)", v);
		d->local = local.v4;
		d->has |= TCTL_DEV_HAS_LOCAL;
	}
	policy_from_args(a, d);
	return 0;
}

int tctl_dev_from_args(const struct tctl_args *a, struct tctl_dev *d,
		       struct tctl_err *err)
{
	const char *v;

	memset(d, 0, sizeof(*d));
	if (tctl_parse_ifname(tctl_args_get(a, "NAME"), d->name, "device name", err))
		return -EINVAL;
	d->kind = tctl_kind_from_name(tctl_args_get(a, "mode"));
	snprintf(d->kind_name, sizeof(d->kind_name), "%s", tctl_kind_info(d->kind)->name);
	d->external = true;
	if (flowtun_from_args(a, d, err))
		return -EINVAL;
	if (mtu_from_args(a, d, err))
		return -EINVAL;
	if ((v = tctl_args_get(a, "link"))) {
		if (tctl_parse_ifname(v, d->link, "link", err))
			return -EINVAL;
		d->has |= TCTL_DEV_HAS_LINK;
	}
	d->up = !tctl_args_has(a, "down");
	d->has |= TCTL_DEV_HAS_UP;
	return 0;
}

int tctl_dev_change_from_args(const struct tctl_args *a, struct tctl_dev *d,
			      struct tctl_err *err)
{
	memset(d, 0, sizeof(*d));
	if (tctl_parse_ifname(tctl_args_get(a, "NAME"), d->name, "device name", err))
		return -EINVAL;
	if (mtu_from_args(a, d, err))
		return -EINVAL;
	if (tctl_args_has(a, "up") || tctl_args_has(a, "down")) {
		d->up = tctl_args_has(a, "up");
		d->has |= TCTL_DEV_HAS_UP;
	}
	policy_from_args(a, d);
	if (!d->has)
		return tctl_err_usage(err, "nothing to change for %s: give up, down, mtu N "
				      "or policy POLICY", d->name);
	return 0;
}

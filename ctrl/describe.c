// SPDX-License-Identifier: GPL-2.0-or-later
/* Names of the objects a plan touches, for logs, status and backoff keys. */
#include <stdio.h>
#include <string.h>

#include "describe.h"

const char *tctld_route_name(const struct tctl_route *r, char *buf, size_t len)
{
	char p[TCTL_ADDRSTRLEN];

	snprintf(buf, len, "route %s table %u metric %u", tctl_prefix_str(&r->dst, p, sizeof(p)),
		 r->table, tctl_route_effective_metric(r->dst.addr.family, r->metric));
	return buf;
}

const char *tctld_nh_name(uint32_t id, char *buf, size_t len)
{
	snprintf(buf, len, "nexthop %u", id);
	return buf;
}

const char *tctld_route_op_name(const struct tctl_plan_route *op, char *buf, size_t len)
{
	return tctld_route_name(op->want ? &op->want->r : op->have, buf, len);
}

const char *tctld_nh_op_name(const struct tctl_plan_nh *op, char *buf, size_t len)
{
	return tctld_nh_name(op->want ? op->want->nh.id : op->have->id, buf, len);
}

const char *tctld_op_reason(enum tctl_act act, uint32_t diff, char *buf, size_t len)
{
	size_t n = 0;

	if (act == TCTL_ACT_ADD)
		return snprintf(buf, len, "missing"), buf;
	if (act == TCTL_ACT_DELETE)
		return snprintf(buf, len, "not wanted by the list"), buf;
	buf[0] = '\0';
	for (uint32_t bit = 1; bit && n < len; bit <<= 1)
		if (diff & bit)
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? ", " : "",
					      tctl_diff_name(bit));
	if (n < len)
		snprintf(buf + n, len - n, " differ%s", strchr(buf, ',') ? "" : "s");
	return buf;
}

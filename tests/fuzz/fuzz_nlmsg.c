// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: what the kernel sends back, through the decoders.  The
 * input is a buffer of netlink messages walked the way the receive loop
 * walks them (nlmsg_ok / nlmsg_next); each is decoded as a route (both
 * modes) and as a link.
 */
#include <linux/rtnetlink.h>
#include <netlink/msg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/nl_link.h"
#include "../../lib/nl_route.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Aligned and private: the decoders may read but the fuzzer owns it. */
	void *buf = malloc(size ? size : 1);
	struct nlmsghdr *nlh = buf;
	int len = (int)size;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	for (; nlmsg_ok(nlh, len); nlh = nlmsg_next(nlh, &len)) {
		struct tctl_route r;
		struct tctl_dev d;
		uint16_t type = nlh->nlmsg_type;

		nlh->nlmsg_type = RTM_NEWROUTE;
		tctl_route_parse(nlh, &r, false);
		tctl_route_parse(nlh, &r, true);
		nlh->nlmsg_type = RTM_NEWLINK;
		tctl_link_parse(nlh, &d);
		nlh->nlmsg_type = type;
	}
	free(buf);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
#include "nl_addr.h"

#include <errno.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <stdlib.h>
#include <string.h>

static struct nla_policy addr_policy[IFA_MAX + 1] = {
	[IFA_ADDRESS] = { .minlen = 4 },
	[IFA_LOCAL] = { .minlen = 4 },
};

static struct nl_msg *addr_dump_req(void *arg)
{
	struct ifaddrmsg ifa = { .ifa_family = AF_UNSPEC };
	struct nl_msg *msg = tctl_nl_msg(RTM_GETADDR, NLM_F_DUMP);

	(void)arg;
	if (msg && nlmsg_append(msg, &ifa, sizeof(ifa), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* IFA_LOCAL is the address itself; IFA_ADDRESS is the peer's on a p2p link. */
static int addr_dump_cb(struct nlmsghdr *nlh, void *arg, struct tctl_err *err)
{
	struct tctl_addr_list *out = arg;
	struct nlattr *tb[IFA_MAX + 1], *a;
	struct ifaddrmsg *ifa;
	struct tctl_addr *slot;

	if (nlh->nlmsg_type != RTM_NEWADDR ||
	    nlmsg_parse(nlh, sizeof(*ifa), tb, IFA_MAX, addr_policy) < 0)
		return 0;
	ifa = nlmsg_data(nlh);
	a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!a || (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6) ||
	    nla_len(a) < tctl_family_bytes(ifa->ifa_family))
		return 0;
	if (out->n == out->cap) {
		size_t ncap = out->cap ? out->cap * 2 : 16;
		struct tctl_addr *nv = realloc(out->v, ncap * sizeof(*nv));

		if (!nv)
			return tctl_err_nomem(err);
		out->v = nv;
		out->cap = ncap;
	}
	slot = &out->v[out->n++];
	tctl_addr_set(slot, ifa->ifa_family, nla_data(a));
	return 0;
}

static void addr_dump_reset(void *arg)
{
	((struct tctl_addr_list *)arg)->n = 0;
}

int tctl_addr_dump(struct tctl_nl *nl, struct tctl_addr_list *out, struct tctl_err *err)
{
	int ret = tctl_nl_dump(nl, addr_dump_req, addr_dump_cb, addr_dump_reset, out, err);

	if (ret)
		tctl_err_prefix(err, "reading addresses");
	return ret;
}

void tctl_addr_list_free(struct tctl_addr_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

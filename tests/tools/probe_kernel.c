// SPDX-License-Identifier: GPL-2.0-or-later
/* libprobe commands that exercise lib against a real kernel, in a namespace. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/rtnetlink.h>
#include <netlink/msg.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../lib/nl.h"
#include "../../lib/nl_link.h"
#include "../../lib/nl_route.h"
#include "../../lib/plan.h"
#include "probe.h"

struct raw_ctx {
	const char *dir;
	int type;
	unsigned int n;
};

static struct nl_msg *raw_req(void *arg)
{
	struct raw_ctx *c = arg;
	struct nl_msg *msg = tctl_nl_msg(c->type, NLM_F_DUMP);
	/* A zeroed struct ifinfomsg or struct rtmsg: no filter. */
	static const unsigned char hdr[sizeof(struct ifinfomsg)];

	if (msg && nlmsg_append(msg, (void *)hdr, c->type == RTM_GETLINK ?
				sizeof(struct ifinfomsg) : sizeof(struct rtmsg),
				NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int raw_cb(struct nlmsghdr *nlh, void *arg, struct tctl_err *err)
{
	struct raw_ctx *c = arg;
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s-%03u", c->dir,
		 c->type == RTM_GETLINK ? "link" : "route", c->n++);
	f = fopen(path, "we");
	if (!f)
		return tctl_err_set(err, TCTL_ERR_SYSTEM, 5, "cannot write %s", path);
	fwrite(nlh, 1, nlh->nlmsg_len, f);
	fclose(f);
	return 0;
}

int cmd_rawdump(int argc, char **argv)
{
	struct raw_ctx c = { .dir = argc > 2 ? argv[2] : NULL };
	struct tctl_err err = { 0 };
	struct tctl_nl *nl;
	int ret;

	if (argc != 3)
		return fprintf(stderr, "rawdump NETNS route|link DIR\n"), 2;
	c.type = !strcmp(argv[1], "link") ? RTM_GETLINK : RTM_GETROUTE;
	if (tctl_nl_open(&nl, argv[0], &err))
		return probe_fail(&err);
	ret = tctl_nl_dump(nl, raw_req, raw_cb, NULL, &c, &err);
	tctl_nl_close(nl);
	return ret ? probe_fail(&err) : 0;
}

static int build_batch(struct tctl_nl_batch *b, int oif, unsigned long n,
		       unsigned long bad, struct tctl_err *err)
{
	for (unsigned long i = 0; i < n; i++) {
		struct tctl_route r = {
			.table = TCTL_TABLE_MAIN, .protocol = TCTL_RTPROT_DEFAULT,
			.oif = i == bad ? 999999 : oif,
			.encap = { .has = TCTL_ENCAP_HAS_ID | TCTL_ENCAP_HAS_DST,
				   .family = AF_INET, .id = i },
		};
		uint8_t net[4] = { 10, (uint8_t)(100 + (i >> 16)), (uint8_t)(i >> 8), (uint8_t)i };
		uint8_t dst[4] = { 192, 0, 2, 1 };

		tctl_addr_set(&r.dst.addr, AF_INET, net);
		r.dst.len = 32;
		tctl_addr_set(&r.encap.dst, AF_INET, dst);
		if (tctl_nl_batch_add(b, tctl_route_msg_new(&r, false), err, "route #%lu", i))
			return -1;
	}
	return 0;
}

int cmd_batch(int argc, char **argv)
{
	struct tctl_nl_batch b = { 0 };
	struct tctl_err err = { 0 };
	struct tctl_dev_list devs = { 0 };
	const struct tctl_dev *d;
	struct tctl_nl *nl;
	int ret = 2;

	if (argc != 4)
		return fprintf(stderr, "batch NETNS DEV N BAD\n"), 2;
	if (tctl_nl_open(&nl, argv[0], &err))
		return probe_fail(&err);
	if (tctl_link_dump(nl, &devs, &err) || !(d = tctl_dev_list_find(&devs, argv[1])) ||
	    build_batch(&b, d->ifindex, strtoul(argv[2], NULL, 10),
			strtoul(argv[3], NULL, 10), &err) ||
	    tctl_nl_batch_run(nl, &b, &err)) {
		fprintf(stderr, "batch: %s\n", err.msg[0] ? err.msg : "no such device");
	} else {
		for (size_t i = 0; i < b.n; i++) {
			if (!b.ops[i].error)
				continue;
			tctl_nl_op_error(&b.ops[i], &err);
			printf("failed %s\n", err.msg);
		}
		printf("sent %zu failed %zu\n", b.n, b.failed);
		ret = 0;
	}
	tctl_nl_batch_free(&b);
	tctl_dev_list_free(&devs);
	tctl_nl_close(nl);
	return ret;
}


/* apply-hook --------------------------------------------------------------- */

int cmd_apply_hook(int argc, char **argv)
{
	struct tctl_diags diags = { 0 };
	struct tctl_apply_report rep;
	struct tctl_err err = { 0 };
	const struct tctl_peer *self;
	struct tctl_peerlist pl;
	struct tctl_plan plan;
	struct tctl_nl *nl;
	char cmd[4096] = "";
	int ret;

	if (argc < 5 || strcmp(argv[3], "--"))
		return fprintf(stderr, "apply-hook NETNS FILE SELF -- CMD...\n"), 2;
	for (int i = 4; i < argc; i++)
		snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd), "%s%s", i > 4 ? " " : "",
			 argv[i]);
	if (tctl_peers_load(argv[1], &pl, &diags, &err) || tctl_nl_open(&nl, argv[0], &err))
		return probe_fail(&err);
	ret = tctl_find_self(&pl, argv[2], NULL, 0, &self, &err) ||
	      tctl_plan_build(nl, &pl, self, &(struct tctl_plan_opts){ TCTL_PRUNE_LISTED, false },
			      &plan, &err);
	if (ret)
		return probe_fail(&err);
	if (system(cmd) != 0)
		fprintf(stderr, "apply-hook: the command failed\n");
	ret = tctl_plan_apply(nl, &plan, NULL, NULL, &rep, &err);
	if (ret) {
		probe_fail(&err);
	} else {
		for (size_t i = 0; i < rep.failures.n; i++)
			printf("failed %s: %s\n", rep.failures.v[i].path, rep.failures.v[i].msg);
		printf("done %zu failed %zu\n", rep.done, rep.failed);
	}
	tctl_apply_report_free(&rep);
	tctl_plan_free(&plan);
	tctl_peers_free(&pl);
	tctl_diags_free(&diags);
	tctl_nl_close(nl);
	return ret ? 1 : 0;
}

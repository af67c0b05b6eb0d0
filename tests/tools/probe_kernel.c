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


/* monitor ------------------------------------------------------------------ */

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static int enter_ns(const char *name)
{
	char path[512];
	int fd, ret;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = setns(fd, CLONE_NEWNET);
	close(fd);
	return ret;
}

static const char *event_name(int type)
{
	switch (type) {
	case RTM_NEWROUTE: return "route new";
	case RTM_DELROUTE: return "route del";
	case RTM_NEWNEXTHOP: return "nexthop new";
	case RTM_DELNEXTHOP: return "nexthop del";
	case RTM_NEWLINK: return "link new";
	case RTM_DELLINK: return "link del";
	default: return NULL;
	}
}

/* Print one line per event (type, and the route's prefix) until SIGTERM. */
int cmd_monitor(int argc, char **argv)
{
	static const int groups[] = {
		RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE, RTNLGRP_NEXTHOP, RTNLGRP_LINK,
	};
	static char buf[1 << 16];
	int fd;

	if (argc != 1 || enter_ns(argv[0]))
		return fprintf(stderr, "monitor NETNS\n"), 2;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return 1;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &(int){ 64 << 20 }, sizeof(int));
	/* Bound, so the socket has a port id of its own to receive on. */
	if (bind(fd, (struct sockaddr *)&(struct sockaddr_nl){ .nl_family = AF_NETLINK },
		 sizeof(struct sockaddr_nl)) < 0)
		return 1;
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &groups[i], sizeof(int));
	/* No SA_RESTART: the signal must break the blocking recv. */
	sigaction(SIGTERM, &(struct sigaction){ .sa_handler = on_term }, NULL);
	sigaction(SIGINT, &(struct sigaction){ .sa_handler = on_term }, NULL);
	printf("ready\n");
	fflush(stdout);
	while (!stop) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
		int len = (int)n;

		if (n < 0) {
			if (errno == ENOBUFS)
				printf("overrun\n");
			continue;
		}
		for (; nlmsg_ok(nlh, len); nlh = nlmsg_next(nlh, &len)) {
			struct tctl_route r;
			char p[TCTL_ADDRSTRLEN];
			const char *what = event_name(nlh->nlmsg_type);

			if (!what)
				continue;
			if ((nlh->nlmsg_type == RTM_NEWROUTE || nlh->nlmsg_type == RTM_DELROUTE) &&
			    tctl_route_parse(nlh, &r, true) == 1)
				printf("%s %s proto %u\n", what,
				       tctl_prefix_str(&r.dst, p, sizeof(p)), r.protocol);
			else
				printf("%s\n", what);
		}
		fflush(stdout);
	}
	close(fd);
	return 0;
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

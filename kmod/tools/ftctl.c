// SPDX-License-Identifier: GPL-2.0
/*
 * ftctl: a small test tool for the flowtun module, on raw netlink (no
 * library), so that it runs wherever the module does. Not the user
 * interface: tunnelctl is. Output is one line per object, "key value"
 * pairs, for scripts.
 *
 *   ftctl link add NAME [mode gre|ipip] [local ADDR] [policy open|allowlist]
 *                       [link DEV] [mtu N]
 *   ftctl link set NAME policy open|allowlist
 *   ftctl peer add DEV REMOTE [id N] [replace] [flags N]
 *   ftctl peer del DEV REMOTE
 *   ftctl peer get DEV REMOTE
 *   ftctl peer dump DEV
 *   ftctl dev get DEV
 *   ftctl dev dump
 *   ftctl route add PREFIX/LEN dev DEV dst REMOTE [id N] [ttl N] [tos N]
 *                   [src ADDR] [flags N]   (flags 0x100: don't fragment)
 *
 * Errors are printed with the kernel's extended ack message; the exit status
 * is 1 then, 2 for bad usage.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/lwtunnel.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "uapi/flowtun.h"

#define BUFSZ 65536

struct msg {
	union {
		struct nlmsghdr nlh;
		char buf[BUFSZ];
	};
};

static int nl_fd = -1;
static uint32_t nl_seq;

/* The uapi header's names: one list for the module's tools and lib/. */
static const char *const drop_names[] = FLOWTUN_DROP_NAMES_INIT;

/* Reasons are appended: a reason without a name makes the array short. */
_Static_assert(sizeof(drop_names) / sizeof(drop_names[0]) == __FLOWTUN_DROP_MAX,
	       "a drop reason has no name in FLOWTUN_DROP_NAMES_INIT");

static void __attribute__((noreturn, format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("ftctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nusage: see the comment at the top of kmod/tools/ftctl.c\n",
	      stderr);
	exit(2);
}

static void __attribute__((noreturn, format(printf, 1, 2)))
fail(const char *fmt, ...)
{
	va_list ap;

	fputs("ftctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* ---- building messages ---- */

static void msg_init(struct msg *m, uint16_t type, uint16_t flags)
{
	memset(m->buf, 0, NLMSG_HDRLEN);
	m->nlh.nlmsg_len = NLMSG_HDRLEN;
	m->nlh.nlmsg_type = type;
	m->nlh.nlmsg_flags = NLM_F_REQUEST | flags;
	m->nlh.nlmsg_seq = ++nl_seq;
}

static void *msg_tail(struct msg *m)
{
	return m->buf + NLMSG_ALIGN(m->nlh.nlmsg_len);
}

static void *msg_reserve(struct msg *m, size_t len)
{
	void *p = msg_tail(m);

	if (NLMSG_ALIGN(m->nlh.nlmsg_len) + NLMSG_ALIGN(len) > BUFSZ)
		fail("message too long");
	memset(p, 0, NLMSG_ALIGN(len));
	m->nlh.nlmsg_len = NLMSG_ALIGN(m->nlh.nlmsg_len) + NLMSG_ALIGN(len);
	return p;
}

static void put_attr(struct msg *m, uint16_t type, const void *data,
		     size_t len)
{
	struct nlattr *a = msg_reserve(m, NLA_HDRLEN + len);

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
}

static void put_u8(struct msg *m, uint16_t type, uint8_t v)
{
	put_attr(m, type, &v, sizeof(v));
}

static void put_u32(struct msg *m, uint16_t type, uint32_t v)
{
	put_attr(m, type, &v, sizeof(v));
}

static void put_u64(struct msg *m, uint16_t type, uint64_t v)
{
	put_attr(m, type, &v, sizeof(v));
}

static void put_str(struct msg *m, uint16_t type, const char *s)
{
	put_attr(m, type, s, strlen(s) + 1);
}

static struct nlattr *nest_start(struct msg *m, uint16_t type)
{
	struct nlattr *a = msg_reserve(m, NLA_HDRLEN);

	a->nla_type = type | NLA_F_NESTED;
	return a;
}

static void nest_end(struct msg *m, struct nlattr *a)
{
	a->nla_len = (char *)msg_tail(m) - (char *)a;
}

/* ---- parsing ---- */

static void parse_attrs(struct nlattr **tb, int max, const void *data,
			int len)
{
	const struct nlattr *a = data;

	memset(tb, 0, sizeof(*tb) * (max + 1));
	while (len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= len) {
		int type = a->nla_type & NLA_TYPE_MASK;

		if (type <= max)
			tb[type] = (struct nlattr *)a;
		len -= NLA_ALIGN(a->nla_len);
		a = (const struct nlattr *)((const char *)a +
					    NLA_ALIGN(a->nla_len));
	}
}

static void *attr_data(const struct nlattr *a)
{
	return (char *)a + NLA_HDRLEN;
}

static int attr_len(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

static uint64_t attr_u64(const struct nlattr *a)
{
	uint64_t v = 0;

	if (a && attr_len(a) == sizeof(v))
		memcpy(&v, attr_data(a), sizeof(v));
	return v;
}

static uint32_t attr_u32(const struct nlattr *a)
{
	uint32_t v = 0;

	if (a && attr_len(a) == sizeof(v))
		memcpy(&v, attr_data(a), sizeof(v));
	return v;
}

static uint8_t attr_u8(const struct nlattr *a)
{
	return a && attr_len(a) >= 1 ? *(uint8_t *)attr_data(a) : 0;
}

static const char *attr_addr(const struct nlattr *a, char *buf)
{
	uint32_t v = attr_u32(a);

	return inet_ntop(AF_INET, &v, buf, INET_ADDRSTRLEN);
}

/* ---- talking ---- */

static void nl_open(int protocol)
{
	int one = 1;

	nl_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
	if (nl_fd < 0)
		fail("netlink socket: %s", strerror(errno));
	setsockopt(nl_fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl_fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
}

/*
 * The extended ack message of an error (NLMSG_ERROR) or of a dump that
 * failed (NLMSG_DONE), if any.
 */
static const char *ext_ack_msg(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *err = NLMSG_DATA(nlh);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NULL;
	if (nlh->nlmsg_type == NLMSG_DONE) {
		off = sizeof(int);
	} else {
		off = sizeof(*err);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += err->msg.nlmsg_len - NLMSG_HDRLEN;
	}
	if (NLMSG_HDRLEN + off > nlh->nlmsg_len)
		return NULL;
	parse_attrs(tb, NLMSGERR_ATTR_MAX, (const char *)err + off,
		    nlh->nlmsg_len - NLMSG_HDRLEN - off);
	return tb[NLMSGERR_ATTR_MSG] ? attr_data(tb[NLMSGERR_ATTR_MSG]) : NULL;
}

typedef void (*msg_cb)(const struct nlmsghdr *nlh, void *arg);

/*
 * Send a request and read until its ack, error or end of dump, calling cb
 * for every other message. Returns 0, or a negative errno after printing
 * the error (the extended ack too) when what is not NULL.
 */
static int nl_talk(struct msg *m, msg_cb cb, void *arg, const char *what)
{
	static char buf[BUFSZ];
	bool dump = m->nlh.nlmsg_flags & NLM_F_DUMP;

	if (send(nl_fd, m->buf, m->nlh.nlmsg_len, 0) < 0)
		fail("send: %s", strerror(errno));
	for (;;) {
		ssize_t n = recv(nl_fd, buf, sizeof(buf), 0);
		struct nlmsghdr *nlh;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			fail("recv: %s", strerror(errno));
		}
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			if (nlh->nlmsg_seq != m->nlh.nlmsg_seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_DONE ||
			    nlh->nlmsg_type == NLMSG_ERROR) {
				/* both start with the error number */
				const int error = *(const int *)NLMSG_DATA(nlh);
				const char *ext = ext_ack_msg(nlh);

				if (!error)
					return 0;
				if (what)
					fprintf(stderr, "ftctl: %s: %s%s%s\n",
						what, strerror(-error),
						ext ? ": " : "", ext ? ext : "");
				return error;
			}
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				fprintf(stderr,
					"ftctl: dump interrupted (table changed)\n");
			if (cb)
				cb(nlh, arg);
			if (!dump && !(nlh->nlmsg_flags & NLM_F_MULTI) &&
			    !(m->nlh.nlmsg_flags & NLM_F_ACK))
				return 0;
		}
	}
}

static void family_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct genlmsghdr *g = NLMSG_DATA(nlh);
	struct nlattr *tb[CTRL_ATTR_MAX + 1];

	parse_attrs(tb, CTRL_ATTR_MAX, (const char *)g + GENL_HDRLEN,
		    nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN);
	if (tb[CTRL_ATTR_FAMILY_ID])
		*(uint16_t *)arg = *(uint16_t *)attr_data(tb[CTRL_ATTR_FAMILY_ID]);
}

static uint16_t genl_family(void)
{
	struct genlmsghdr *g;
	uint16_t id = 0;
	struct msg m;

	msg_init(&m, GENL_ID_CTRL, 0);
	g = msg_reserve(&m, GENL_HDRLEN);
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	put_str(&m, CTRL_ATTR_FAMILY_NAME, FLOWTUN_GENL_NAME);
	if (nl_talk(&m, family_cb, &id, "generic netlink family " FLOWTUN_GENL_NAME) || !id)
		fail("is the flowtun module loaded?");
	return id;
}

static void genl_init(struct msg *m, uint16_t family, uint8_t cmd,
		      uint16_t flags)
{
	struct genlmsghdr *g;

	msg_init(m, family, flags);
	g = msg_reserve(m, GENL_HDRLEN);
	g->cmd = cmd;
	g->version = FLOWTUN_GENL_VERSION;
}

/* ---- output ---- */

static void print_stats(const struct nlattr *nest)
{
	struct nlattr *tb[FLOWTUN_STATS_A_MAX + 1];
	int i;

	if (!nest)
		return;
	parse_attrs(tb, FLOWTUN_STATS_A_MAX, attr_data(nest), attr_len(nest));
	printf(" rx_packets %" PRIu64 " rx_bytes %" PRIu64
	       " tx_packets %" PRIu64 " tx_bytes %" PRIu64,
	       attr_u64(tb[FLOWTUN_STATS_A_RX_PACKETS]),
	       attr_u64(tb[FLOWTUN_STATS_A_RX_BYTES]),
	       attr_u64(tb[FLOWTUN_STATS_A_TX_PACKETS]),
	       attr_u64(tb[FLOWTUN_STATS_A_TX_BYTES]));
	for (i = 0; i < __FLOWTUN_DROP_MAX; i++)
		printf(" drop_%s %" PRIu64, drop_names[i],
		       attr_u64(tb[FLOWTUN_STATS_A_DROP_BASE + i]));
}

static void peer_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct genlmsghdr *g = NLMSG_DATA(nlh);
	struct nlattr *tb[FLOWTUN_A_MAX + 1], *pb[FLOWTUN_PEER_A_MAX + 1];
	char addr[INET_ADDRSTRLEN];

	(void)arg;
	parse_attrs(tb, FLOWTUN_A_MAX, (const char *)g + GENL_HDRLEN,
		    nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN);
	if (!tb[FLOWTUN_A_PEER])
		return;
	parse_attrs(pb, FLOWTUN_PEER_A_MAX, attr_data(tb[FLOWTUN_A_PEER]),
		    attr_len(tb[FLOWTUN_A_PEER]));
	printf("peer %s id %" PRIu64, attr_addr(pb[FLOWTUN_PEER_A_REMOTE], addr),
	       attr_u64(pb[FLOWTUN_PEER_A_ID]));
	print_stats(pb[FLOWTUN_PEER_A_STATS]);
	putchar('\n');
}

static void dev_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct genlmsghdr *g = NLMSG_DATA(nlh);
	struct nlattr *tb[FLOWTUN_A_MAX + 1];
	char addr[INET_ADDRSTRLEN];
	uint8_t mode;

	(void)arg;
	parse_attrs(tb, FLOWTUN_A_MAX, (const char *)g + GENL_HDRLEN,
		    nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN);
	mode = attr_u8(tb[FLOWTUN_A_MODE]);
	printf("dev %s ifindex %u mode %s local %s policy %s link %u peers %u",
	       tb[FLOWTUN_A_IFNAME] ? (char *)attr_data(tb[FLOWTUN_A_IFNAME]) : "?",
	       attr_u32(tb[FLOWTUN_A_IFINDEX]),
	       mode == FLOWTUN_MODE_GRE ? "gre" :
	       mode == FLOWTUN_MODE_IPIP ? "ipip" : "?",
	       attr_addr(tb[FLOWTUN_A_LOCAL], addr),
	       attr_u8(tb[FLOWTUN_A_POLICY]) == FLOWTUN_POLICY_ALLOWLIST ?
	       "allowlist" : "open",
	       attr_u32(tb[FLOWTUN_A_LINK]), attr_u32(tb[FLOWTUN_A_PEER_COUNT]));
	print_stats(tb[FLOWTUN_A_STATS]);
	putchar('\n');
}

/* ---- commands ---- */

static uint32_t parse_addr(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		usage_error("not an IPv4 address: %s", s);
	return a.s_addr;
}

static uint64_t parse_num(const char *s)
{
	char *end;
	uint64_t v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || !*s || *end)
		usage_error("not a number: %s", s);
	return v;
}

static uint8_t parse_policy(const char *s)
{
	if (!strcmp(s, "open"))
		return FLOWTUN_POLICY_OPEN;
	if (!strcmp(s, "allowlist"))
		return FLOWTUN_POLICY_ALLOWLIST;
	usage_error("policy is open or allowlist, not %s", s);
}

static int cmd_link(int argc, char **argv)
{
	bool add = argc >= 2 && !strcmp(argv[0], "add");
	struct nlattr *linkinfo, *data;
	struct ifinfomsg *ifi;
	struct msg m;
	int i;

	if (argc < 2 || (!add && strcmp(argv[0], "set")))
		usage_error("link add|set NAME ...");
	nl_open(NETLINK_ROUTE);
	msg_init(&m, RTM_NEWLINK, NLM_F_ACK |
		 (add ? NLM_F_CREATE | NLM_F_EXCL : 0));
	ifi = msg_reserve(&m, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	if (add) {
		put_str(&m, IFLA_IFNAME, argv[1]);
	} else {
		ifi->ifi_index = if_nametoindex(argv[1]);
		if (!ifi->ifi_index)
			fail("no device %s", argv[1]);
	}
	for (i = 2; i + 1 < argc; i += 2)
		if (!strcmp(argv[i], "mtu"))
			put_u32(&m, IFLA_MTU, parse_num(argv[i + 1]));
	linkinfo = nest_start(&m, IFLA_LINKINFO);
	put_str(&m, IFLA_INFO_KIND, FLOWTUN_LINK_KIND);
	data = nest_start(&m, IFLA_INFO_DATA);
	for (i = 2; i < argc; i += 2) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v)
			usage_error("%s needs a value", k);
		if (!strcmp(k, "mode")) {
			put_u8(&m, IFLA_FLOWTUN_MODE,
			       !strcmp(v, "gre") ? FLOWTUN_MODE_GRE :
			       !strcmp(v, "ipip") ? FLOWTUN_MODE_IPIP :
			       (uint8_t)parse_num(v));
		} else if (!strcmp(k, "local")) {
			put_u32(&m, IFLA_FLOWTUN_LOCAL, parse_addr(v));
		} else if (!strcmp(k, "policy")) {
			put_u8(&m, IFLA_FLOWTUN_POLICY, parse_policy(v));
		} else if (!strcmp(k, "link")) {
			unsigned int idx = if_nametoindex(v);

			put_u32(&m, IFLA_FLOWTUN_LINK,
				idx ? idx : (uint32_t)parse_num(v));
		} else if (strcmp(k, "mtu")) {
			usage_error("unknown link option %s", k);
		}
	}
	nest_end(&m, data);
	nest_end(&m, linkinfo);
	return nl_talk(&m, NULL, NULL, add ? "link add" : "link set") ? 1 : 0;
}

/*
 * route add PREFIX/LEN dev DEV dst REMOTE [id N] [ttl N] [tos N] [src ADDR]
 *           [flags N]: an IPv4 route with "encap ip" state, for the tunnel
 * flags iproute2 6.1 cannot set (flags 0x100 is TUNNEL_DONT_FRAGMENT).
 */
static int cmd_route(int argc, char **argv)
{
	uint32_t dst = 0, oif = 0;
	struct nlattr *encap;
	struct rtmsg *rtm;
	char *slash;
	struct msg m;
	int i;

	if (argc < 2 || strcmp(argv[0], "add"))
		usage_error("route add PREFIX/LEN dev DEV dst REMOTE ...");
	slash = strchr(argv[1], '/');
	if (!slash)
		usage_error("route add PREFIX/LEN ...");
	*slash = '\0';
	nl_open(NETLINK_ROUTE);
	msg_init(&m, RTM_NEWROUTE, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	rtm = msg_reserve(&m, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = parse_num(slash + 1);
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	put_u32(&m, RTA_DST, parse_addr(argv[1]));
	for (i = 2; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "dev")) {
			oif = if_nametoindex(argv[i + 1]);
			if (!oif)
				fail("no device %s", argv[i + 1]);
		} else if (!strcmp(argv[i], "src")) {
			put_u32(&m, RTA_PREFSRC, parse_addr(argv[i + 1]));
		} else if (!strcmp(argv[i], "dst")) {
			dst = parse_addr(argv[i + 1]);
		}
	}
	if (!oif || !dst)
		usage_error("route add needs dev and dst");
	put_u32(&m, RTA_OIF, oif);
	put_attr(&m, RTA_ENCAP_TYPE, &(uint16_t){ LWTUNNEL_ENCAP_IP },
		 sizeof(uint16_t));
	encap = nest_start(&m, RTA_ENCAP);
	put_u32(&m, LWTUNNEL_IP_DST, dst);
	for (i = 2; i + 1 < argc; i += 2) {
		const char *k = argv[i], *v = argv[i + 1];

		if (!strcmp(k, "id")) {
			put_u64(&m, LWTUNNEL_IP_ID, htobe64(parse_num(v)));
		} else if (!strcmp(k, "ttl")) {
			put_u8(&m, LWTUNNEL_IP_TTL, parse_num(v));
		} else if (!strcmp(k, "tos")) {
			put_u8(&m, LWTUNNEL_IP_TOS, parse_num(v));
		} else if (!strcmp(k, "flags")) {
			uint16_t f = htons(parse_num(v));

			put_attr(&m, LWTUNNEL_IP_FLAGS, &f, sizeof(f));
		} else if (strcmp(k, "dev") && strcmp(k, "src") &&
			   strcmp(k, "dst")) {
			usage_error("unknown route option %s", k);
		}
	}
	nest_end(&m, encap);
	return nl_talk(&m, NULL, NULL, "route add") ? 1 : 0;
}

static void put_dev(struct msg *m, const char *name)
{
	put_str(m, FLOWTUN_A_IFNAME, name);
}

static int cmd_peer(int argc, char **argv)
{
	struct nlattr *peer;
	uint16_t family;
	struct msg m;
	int i;

	if (argc < 2)
		usage_error("peer add|del|get|dump DEV ...");
	nl_open(NETLINK_GENERIC);
	family = genl_family();

	if (!strcmp(argv[0], "dump")) {
		genl_init(&m, family, FLOWTUN_CMD_PEER_GET, NLM_F_DUMP);
		put_dev(&m, argv[1]);
		return nl_talk(&m, peer_cb, NULL, "peer dump") ? 1 : 0;
	}
	if (argc < 3)
		usage_error("peer %s DEV REMOTE", argv[0]);

	if (!strcmp(argv[0], "add")) {
		uint32_t flags = 0;
		bool have_flags = false;

		genl_init(&m, family, FLOWTUN_CMD_PEER_ADD, NLM_F_ACK);
		put_dev(&m, argv[1]);
		peer = nest_start(&m, FLOWTUN_A_PEER);
		put_u32(&m, FLOWTUN_PEER_A_REMOTE, parse_addr(argv[2]));
		for (i = 3; i < argc; i++) {
			if (!strcmp(argv[i], "id") && i + 1 < argc) {
				put_u64(&m, FLOWTUN_PEER_A_ID,
					parse_num(argv[++i]));
			} else if (!strcmp(argv[i], "replace")) {
				flags |= FLOWTUN_F_REPLACE;
				have_flags = true;
			} else if (!strcmp(argv[i], "flags") && i + 1 < argc) {
				flags = parse_num(argv[++i]);
				have_flags = true;
			} else {
				usage_error("unknown peer option %s", argv[i]);
			}
		}
		nest_end(&m, peer);
		if (have_flags)
			put_u32(&m, FLOWTUN_A_FLAGS, flags);
		return nl_talk(&m, NULL, NULL, "peer add") ? 1 : 0;
	}
	if (!strcmp(argv[0], "del") || !strcmp(argv[0], "get")) {
		bool del = argv[0][0] == 'd';

		genl_init(&m, family,
			  del ? FLOWTUN_CMD_PEER_DEL : FLOWTUN_CMD_PEER_GET,
			  del ? NLM_F_ACK : 0);
		put_dev(&m, argv[1]);
		peer = nest_start(&m, FLOWTUN_A_PEER);
		put_u32(&m, FLOWTUN_PEER_A_REMOTE, parse_addr(argv[2]));
		/* The kernel refuses an id here: a way to test that. */
		if (argc >= 5 && !strcmp(argv[3], "id"))
			put_u64(&m, FLOWTUN_PEER_A_ID, parse_num(argv[4]));
		nest_end(&m, peer);
		return nl_talk(&m, del ? NULL : peer_cb, NULL,
			       del ? "peer del" : "peer get") ? 1 : 0;
	}
	usage_error("peer add|del|get|dump");
}

static int cmd_dev(int argc, char **argv)
{
	uint16_t family;
	struct msg m;

	if (argc < 1)
		usage_error("dev get DEV | dev dump");
	nl_open(NETLINK_GENERIC);
	family = genl_family();
	if (!strcmp(argv[0], "dump")) {
		genl_init(&m, family, FLOWTUN_CMD_DEV_GET, NLM_F_DUMP);
		return nl_talk(&m, dev_cb, NULL, "dev dump") ? 1 : 0;
	}
	if (!strcmp(argv[0], "get") && argc >= 2) {
		genl_init(&m, family, FLOWTUN_CMD_DEV_GET, 0);
		put_dev(&m, argv[1]);
		return nl_talk(&m, dev_cb, NULL, "dev get") ? 1 : 0;
	}
	usage_error("dev get DEV | dev dump");
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage_error("link|peer|dev|route ...");
	if (!strcmp(argv[1], "link"))
		return cmd_link(argc - 2, argv + 2);
	if (!strcmp(argv[1], "peer"))
		return cmd_peer(argc - 2, argv + 2);
	if (!strcmp(argv[1], "dev"))
		return cmd_dev(argc - 2, argv + 2);
	if (!strcmp(argv[1], "route"))
		return cmd_route(argc - 2, argv + 2);
	usage_error("unknown object %s", argv[1]);
}

/*
 * rawnl: the floor for tunnelctl's benchmarks.
 *
 * A minimal raw-netlink writer and dumper for the objects tunnelctl writes
 * (nexthops and routes carrying "encap ip" metadata), with nothing between
 * the input and the kernel but a buffer: messages are packed many to one
 * sendmsg(), none asks for an ACK, and one NLMSG_NOOP with NLM_F_ACK at the
 * end of each batch serves as a barrier.  The kernel still answers every
 * failed request with an NLMSG_ERROR carrying its sequence number, so errors
 * are mapped back to input lines without a round trip per object.
 *
 *   rawnl [-b BATCH_BYTES] write NETNS FILE
 *   rawnl dump NETNS
 *
 * NETNS is a name under /run/netns (as made by "ip netns add"), or a path
 * when it contains a '/' (e.g. /proc/PID/ns/net).
 *
 * FILE has one object per line (whitespace-separated, '#' starts a comment):
 *   nh  NHID FAMILY DEV TUNID DST TTL [key]     new nexthop (create, excl)
 *   nhr NHID FAMILY DEV TUNID DST TTL [key]     nexthop (create, replace)
 *   rt  PREFIX NHID [TABLE [METRIC]]            new route via nexthop object
 *   rtr PREFIX NHID [TABLE [METRIC]]            route via nexthop (replace)
 *   rti PREFIX DEV TUNID DST TTL [key]          new route with inline encap
 *   delrt PREFIX [TABLE [METRIC]]               delete a route (proto 157)
 *   delnh NHID                                  delete a nexthop
 * FAMILY is 4 or 6, DST an IPv4 underlay address, "key" sets TUNNEL_KEY.
 * TABLE defaults to 254 (main), METRIC to 0 (1024 for IPv6, as ip(8) does).
 *
 * write prints "OBJECTS objects, MESSAGES messages (one barrier per send
 * included), SENDS sendmsg calls, ERRORS errors, SECONDS s", timing only the
 * netlink part (encoding, sending, reading ACKs), not reading FILE.
 *
 * Exit status: 0 success, 1 the kernel refused something, 2 usage or input
 * error.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/nexthop.h>
#include <linux/lwtunnel.h>
#include <linux/if_tunnel.h>

#define RTPROT_TUNNELCTL 157

/*
 * Default bytes of requests per sendmsg() (~740 nexthops).  The kernel
 * processes a whole send in our context before sendmsg() returns, so a
 * bigger batch only saves syscalls: past 16..64 KiB the kernel's own work
 * is all that is left (measured with -b from 4 KiB to 64 MiB; the largest
 * sends, vmalloc()ed by the kernel, were slightly slower).
 */
#define DEFAULT_BATCH (64 * 1024)
/* Generous upper bound of one encoded request (the largest, rti over IPv6,
 * is about 150 bytes); a batch is closed when less than this is left. */
#define MAX_MSG 512
/* Error ACKs are queued on our socket until we read them: room for a batch
 * that fails entirely (an ACK costs ~830 bytes of receive buffer, so 64 KiB
 * of failing requests queue ~600 KiB; the kernel doubles this value). */
#define RCVBUF (32 * 1024 * 1024)
/* One recvmsg() returns one skb; dump skbs are at most 32 KiB. */
#define RECV_BUF (1024 * 1024)
/* How many errors are printed with their line and extended-ack text. */
#define SHOW_ERRORS 5

enum kind { NH, NHR, RT, RTR, RTI, DELRT, DELNH };

/* One input line, parsed and resolved: the timed part only encodes these. */
struct op {
	uint32_t line;
	uint8_t kind;
	uint8_t family;		/* of PREFIX, or the nexthop's FAMILY */
	uint8_t dst_len;
	uint8_t ttl;
	uint8_t key;
	uint32_t nhid;
	uint32_t table;
	uint32_t metric;
	uint32_t ifindex;
	uint64_t tunid;
	struct in_addr udst;	/* underlay destination */
	unsigned char prefix[16];
};

struct errinfo {
	uint32_t line;
	int err;
	char text[200];
};

struct result {
	size_t messages, sends, errors;
	int overrun;		/* ENOBUFS: some error ACKs were dropped */
	struct errinfo shown[SHOW_ERRORS];
};

/* ---- input ------------------------------------------------------------ */

static const char *in_name;

static void __attribute__((noreturn, format(printf, 2, 3)))
input_error(unsigned line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "rawnl: %s:%u: ", in_name, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static uint64_t parse_u64(const char *s, uint64_t max, unsigned line, const char *what)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (*s < '0' || *s > '9' || *end || errno || v > max)
		input_error(line, "invalid %s \"%s\"", what, s);
	return v;
}

static void parse_prefix(struct op *o, const char *s, unsigned line)
{
	char addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);

	if (n >= sizeof(addr))
		input_error(line, "invalid prefix \"%s\"", s);
	memcpy(addr, s, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET, addr, o->prefix) == 1)
		o->family = AF_INET;
	else if (inet_pton(AF_INET6, addr, o->prefix) == 1)
		o->family = AF_INET6;
	else
		input_error(line, "invalid prefix \"%s\"", s);
	o->dst_len = o->family == AF_INET ? 32 : 128;
	if (slash)
		o->dst_len = parse_u64(slash + 1, o->dst_len, line, "prefix length");
}

/* Devices are few and lines many: remember the names already resolved. */
static uint32_t dev_index(const char *name, unsigned line)
{
	static struct { char name[IF_NAMESIZE]; uint32_t index; } cache[32];
	static unsigned used;
	unsigned i;
	uint32_t index;

	for (i = 0; i < used; i++)
		if (!strcmp(cache[i].name, name))
			return cache[i].index;
	index = if_nametoindex(name);
	if (!index)
		input_error(line, "device \"%s\": %s", name, strerror(errno));
	if (used < sizeof(cache) / sizeof(cache[0]) && strlen(name) < IF_NAMESIZE) {
		strcpy(cache[used].name, name);
		cache[used++].index = index;
	}
	return index;
}

/* DEV TUNID DST TTL [key], shared by nh, nhr and rti. */
static void parse_encap(struct op *o, char **f, int nf, unsigned line)
{
	if (nf < 4 || nf > 5 || (nf == 5 && strcmp(f[4], "key")))
		input_error(line, "expected DEV TUNID DST TTL [key]");
	o->ifindex = dev_index(f[0], line);
	o->tunid = parse_u64(f[1], UINT64_MAX, line, "tunnel id");
	if (inet_pton(AF_INET, f[2], &o->udst) != 1)
		input_error(line, "invalid IPv4 underlay destination \"%s\"", f[2]);
	o->ttl = parse_u64(f[3], 255, line, "ttl");
	o->key = nf == 5;
}

/* [TABLE [METRIC]] of rt, rtr and delrt. */
static void parse_table_metric(struct op *o, char **f, int nf, unsigned line)
{
	if (nf > 2)
		input_error(line, "too many fields");
	o->table = nf > 0 ? parse_u64(f[0], UINT32_MAX, line, "table") : RT_TABLE_MAIN;
	o->metric = nf > 1 ? parse_u64(f[1], UINT32_MAX, line, "metric") : 0;
	/* What "ip -6 route add" uses when no metric is given. */
	if (o->family == AF_INET6 && !o->metric)
		o->metric = 1024;
}

static uint32_t parse_nhid(const char *s, unsigned line)
{
	uint32_t id = parse_u64(s, UINT32_MAX, line, "nexthop id");

	if (!id)
		input_error(line, "nexthop id 0 is reserved (auto-assign)");
	return id;
}

static void parse_line(struct op *o, char **f, int nf, unsigned line)
{
	static const char *const names[] = {
		[NH] = "nh", [NHR] = "nhr", [RT] = "rt", [RTR] = "rtr",
		[RTI] = "rti", [DELRT] = "delrt", [DELNH] = "delnh",
	};
	unsigned k;

	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (!strcmp(f[0], names[k]))
			break;
	memset(o, 0, sizeof(*o));
	o->line = line;
	o->kind = k;
	switch (k) {
	case NH:
	case NHR:
		if (nf < 3 || (strcmp(f[2], "4") && strcmp(f[2], "6")))
			input_error(line, "expected %s NHID {4|6} DEV TUNID DST TTL [key]", f[0]);
		o->nhid = parse_nhid(f[1], line);
		o->family = f[2][0] == '4' ? AF_INET : AF_INET6;
		parse_encap(o, f + 3, nf - 3, line);
		break;
	case RT:
	case RTR:
		if (nf < 3)
			input_error(line, "expected %s PREFIX NHID [TABLE [METRIC]]", f[0]);
		parse_prefix(o, f[1], line);
		o->nhid = parse_nhid(f[2], line);
		parse_table_metric(o, f + 3, nf - 3, line);
		break;
	case RTI:
		if (nf < 2)
			input_error(line, "expected rti PREFIX DEV TUNID DST TTL [key]");
		parse_prefix(o, f[1], line);
		parse_encap(o, f + 2, nf - 2, line);
		parse_table_metric(o, NULL, 0, line);
		break;
	case DELRT:
		if (nf < 2)
			input_error(line, "expected delrt PREFIX [TABLE [METRIC]]");
		parse_prefix(o, f[1], line);
		parse_table_metric(o, f + 2, nf - 2, line);
		break;
	case DELNH:
		if (nf != 2)
			input_error(line, "expected delnh NHID");
		o->nhid = parse_nhid(f[1], line);
		break;
	default:
		input_error(line, "unknown object \"%s\"", f[0]);
	}
}

/* The whole file into memory before anything is timed. */
static struct op *read_ops(const char *path, size_t *count)
{
	FILE *fp = strcmp(path, "-") ? fopen(path, "r") : stdin;
	struct op *ops = NULL;
	size_t n = 0, cap = 0, len = 0;
	char *buf = NULL, *f[16], *save, *hash;
	unsigned line = 0;
	int nf;

	if (!fp) {
		fprintf(stderr, "rawnl: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	in_name = path;
	while (getline(&buf, &len, fp) >= 0) {
		line++;
		if ((hash = strchr(buf, '#')))
			*hash = '\0';
		nf = 0;
		for (char *t = strtok_r(buf, " \t\r\n", &save); t;
		     t = strtok_r(NULL, " \t\r\n", &save)) {
			if (nf == sizeof(f) / sizeof(f[0]))
				input_error(line, "too many fields");
			f[nf++] = t;
		}
		if (!nf)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 4096;
			ops = realloc(ops, cap * sizeof(*ops));
			if (!ops) {
				perror("rawnl");
				exit(2);
			}
		}
		parse_line(&ops[n++], f, nf, line);
	}
	if (ferror(fp)) {
		fprintf(stderr, "rawnl: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	free(buf);
	if (fp != stdin)
		fclose(fp);
	*count = n;
	return ops;
}

/* ---- message encoding --------------------------------------------------- */

/* A batch under construction; never reallocated, so pointers into it hold. */
struct buf {
	char *p;
	size_t len;
};

static void *put(struct buf *b, size_t len)
{
	void *p = b->p + b->len;

	memset(p, 0, NLMSG_ALIGN(len));
	b->len += NLMSG_ALIGN(len);
	return p;
}

static struct nlmsghdr *msg_begin(struct buf *b, uint16_t type, uint16_t flags,
				  uint32_t seq, size_t hdrlen)
{
	struct nlmsghdr *nlh = put(b, NLMSG_HDRLEN);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = seq;
	put(b, hdrlen);
	return nlh;
}

static void msg_end(struct buf *b, struct nlmsghdr *nlh)
{
	nlh->nlmsg_len = b->p + b->len - (char *)nlh;
}

static struct nlattr *attr(struct buf *b, uint16_t type, const void *data, size_t len)
{
	struct nlattr *a = put(b, NLA_HDRLEN + len);

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	return a;
}

static void attr_u8(struct buf *b, uint16_t type, uint8_t v) { attr(b, type, &v, 1); }
static void attr_u16(struct buf *b, uint16_t type, uint16_t v) { attr(b, type, &v, 2); }
static void attr_u32(struct buf *b, uint16_t type, uint32_t v) { attr(b, type, &v, 4); }
static void attr_u64(struct buf *b, uint16_t type, uint64_t v) { attr(b, type, &v, 8); }

/* ENCAP_TYPE and the nested "encap ip" attributes, for nexthops and routes. */
static void put_encap(struct buf *b, uint16_t type_attr, uint16_t encap_attr, const struct op *o)
{
	struct nlattr *nest;

	attr_u16(b, type_attr, LWTUNNEL_ENCAP_IP);
	/* NLA_F_NESTED: the nexthop code parses strictly and demands it. */
	nest = attr(b, encap_attr | NLA_F_NESTED, NULL, 0);
	attr_u64(b, LWTUNNEL_IP_ID, htobe64(o->tunid));
	attr(b, LWTUNNEL_IP_DST, &o->udst, 4);
	attr_u8(b, LWTUNNEL_IP_TTL, o->ttl);
	if (o->key)
		attr_u16(b, LWTUNNEL_IP_FLAGS, TUNNEL_KEY);	/* already be16 */
	nest->nla_len = b->p + b->len - (char *)nest;
}

static void put_nexthop(struct buf *b, const struct op *o, uint32_t seq)
{
	uint16_t flags = NLM_F_CREATE | (o->kind == NH ? NLM_F_EXCL : NLM_F_REPLACE);
	struct nlmsghdr *nlh = msg_begin(b, RTM_NEWNEXTHOP, flags, seq, sizeof(struct nhmsg));
	struct nhmsg *nhm = NLMSG_DATA(nlh);

	nhm->nh_family = o->family;
	nhm->nh_protocol = RTPROT_TUNNELCTL;
	attr_u32(b, NHA_ID, o->nhid);
	attr_u32(b, NHA_OIF, o->ifindex);
	put_encap(b, NHA_ENCAP_TYPE, NHA_ENCAP, o);
	msg_end(b, nlh);
}

static void put_route(struct buf *b, const struct op *o, uint32_t seq)
{
	static const uint16_t type[] = { [RT] = RTM_NEWROUTE, [RTR] = RTM_NEWROUTE,
					 [RTI] = RTM_NEWROUTE, [DELRT] = RTM_DELROUTE };
	static const uint16_t flags[] = { [RT] = NLM_F_CREATE | NLM_F_EXCL,
					  [RTR] = NLM_F_CREATE | NLM_F_REPLACE,
					  [RTI] = NLM_F_CREATE | NLM_F_EXCL, [DELRT] = 0 };
	struct nlmsghdr *nlh = msg_begin(b, type[o->kind], flags[o->kind], seq, sizeof(struct rtmsg));
	struct rtmsg *rtm = NLMSG_DATA(nlh);

	rtm->rtm_family = o->family;
	rtm->rtm_dst_len = o->dst_len;
	rtm->rtm_table = o->table < 256 ? o->table : RT_TABLE_UNSPEC;
	rtm->rtm_protocol = RTPROT_TUNNELCTL;
	rtm->rtm_type = RTN_UNICAST;
	/* NOWHERE matches any scope on delete; inline encap routes are on-link. */
	rtm->rtm_scope = o->kind == DELRT ? RT_SCOPE_NOWHERE :
			 o->kind == RTI ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
	attr(b, RTA_DST, o->prefix, o->family == AF_INET ? 4 : 16);
	attr_u32(b, RTA_TABLE, o->table);
	attr_u32(b, RTA_PRIORITY, o->metric);
	if (o->kind == RT || o->kind == RTR)
		attr_u32(b, RTA_NH_ID, o->nhid);
	if (o->kind == RTI) {
		attr_u32(b, RTA_OIF, o->ifindex);
		put_encap(b, RTA_ENCAP_TYPE, RTA_ENCAP, o);
	}
	msg_end(b, nlh);
}

static void put_delnh(struct buf *b, const struct op *o, uint32_t seq)
{
	/* An all-zero nhmsg: the kernel refuses a protocol on delete. */
	struct nlmsghdr *nlh = msg_begin(b, RTM_DELNEXTHOP, 0, seq, sizeof(struct nhmsg));

	attr_u32(b, NHA_ID, o->nhid);
	msg_end(b, nlh);
}

static void put_op(struct buf *b, const struct op *o, uint32_t seq)
{
	switch (o->kind) {
	case NH:
	case NHR:
		put_nexthop(b, o, seq);
		break;
	case DELNH:
		put_delnh(b, o, seq);
		break;
	default:
		put_route(b, o, seq);
	}
}

/* A request the kernel only acknowledges: everything before it in the batch
 * has been processed (and has queued its error, if any) once its ACK is read. */
static void put_barrier(struct buf *b, uint32_t seq)
{
	msg_end(b, msg_begin(b, NLMSG_NOOP, NLM_F_ACK, seq, 0));
}

/* ---- socket ----------------------------------------------------------- */

static void die(const char *what)
{
	fprintf(stderr, "rawnl: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void enter_netns(const char *name)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), strchr(name, '/') ? "%s" : "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die(path);
	if (setns(fd, CLONE_NEWNET) < 0)
		die("setns");
	close(fd);
}

/* A buffer size: the *FORCE variant ignores rmem_max/wmem_max (we are
 * CAP_NET_ADMIN anyway); fall back to the capped one. */
static void set_bufsize(int fd, int force_opt, int opt, int size)
{
	if (setsockopt(fd, SOL_SOCKET, force_opt, &size, sizeof(size)) < 0 &&
	    setsockopt(fd, SOL_SOCKET, opt, &size, sizeof(size)) < 0)
		die("setsockopt(buffer size)");
}

static int nl_open(int sndbuf)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (fd < 0)
		die("socket");
	set_bufsize(fd, SO_SNDBUFFORCE, SO_SNDBUF, sndbuf);
	set_bufsize(fd, SO_RCVBUFFORCE, SO_RCVBUF, RCVBUF);
	/* Error text from the kernel; ACKs without a copy of our request. */
	if (setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one)) < 0)
		die("setsockopt(NETLINK_EXT_ACK/CAP_ACK)");
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("bind");
	return fd;
}

static void nl_send(int fd, const void *data, size_t len)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct iovec iov = { .iov_base = (void *)data, .iov_len = len };
	struct msghdr msg = { .msg_name = &kernel, .msg_namelen = sizeof(kernel),
			      .msg_iov = &iov, .msg_iovlen = 1 };

	while (sendmsg(fd, &msg, 0) < 0)
		if (errno != EINTR)
			die("sendmsg");
}

/* One datagram; -1 with errno set on failure (EAGAIN, ENOBUFS). */
static ssize_t nl_recv(int fd, void *buf, size_t len, int flags)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	do
		n = recvmsg(fd, &msg, flags);
	while (n < 0 && errno == EINTR);
	if (n >= 0 && (msg.msg_flags & MSG_TRUNC)) {
		fprintf(stderr, "rawnl: netlink message truncated\n");
		exit(2);
	}
	return n;
}

/* The extended-ack text of an NLMSG_ERROR, or the errno text without one. */
static void ack_text(const struct nlmsghdr *nlh, char *out, size_t outlen)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t off = NLMSG_HDRLEN + sizeof(*e);
	const struct nlattr *a;

	snprintf(out, outlen, "%s", strerror(-e->error));
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))	/* our request is echoed */
		off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	for (; off + NLA_HDRLEN <= nlh->nlmsg_len; off += NLA_ALIGN(a->nla_len)) {
		a = (const struct nlattr *)((const char *)nlh + off);
		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > nlh->nlmsg_len)
			break;
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
			snprintf(out, outlen, "%s: %.*s", strerror(-e->error),
				 (int)(a->nla_len - NLA_HDRLEN), (const char *)a + NLA_HDRLEN);
			return;
		}
	}
}

/* ---- write ------------------------------------------------------------ */

static void record_error(struct result *r, const struct op *ops, size_t nops,
			 const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	struct errinfo *ei;

	/* Request i went out with sequence number i + 1. */
	if (nlh->nlmsg_seq < 1 || nlh->nlmsg_seq > nops)
		return;
	if (r->errors < SHOW_ERRORS) {
		ei = &r->shown[r->errors];
		ei->line = ops[nlh->nlmsg_seq - 1].line;
		ei->err = e->error;
		ack_text(nlh, ei->text, sizeof(ei->text));
	}
	r->errors++;
}

/*
 * Reads until the barrier's ACK, recording the errors queued before it.
 * The kernel runs a whole send in our context before sendmsg() returns, so
 * everything is already queued; if the queue overflowed (ENOBUFS) the
 * barrier's ACK may be among the losses, hence no blocking after that.
 */
static void collect_acks(int fd, char *rbuf, uint32_t barrier, const struct op *ops,
			 size_t nops, struct result *r)
{
	int flags = 0;

	for (;;) {
		ssize_t n = nl_recv(fd, rbuf, RECV_BUF, flags);

		if (n < 0 && errno == ENOBUFS) {
			r->overrun = 1;
			flags = MSG_DONTWAIT;
			continue;
		}
		if (n < 0 && errno == EAGAIN && flags)
			return;
		if (n < 0)
			die("recvmsg");
		for (struct nlmsghdr *nlh = (struct nlmsghdr *)rbuf; NLMSG_OK(nlh, (size_t)n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			if (nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			if (nlh->nlmsg_seq == barrier)
				return;
			if (((struct nlmsgerr *)NLMSG_DATA(nlh))->error)
				record_error(r, ops, nops, nlh);
		}
	}
}

static void write_ops(int fd, const struct op *ops, size_t nops, size_t batch,
		      struct result *r)
{
	struct buf b = { .p = malloc(batch + MAX_MSG) };
	char *rbuf = malloc(RECV_BUF);
	size_t i = 0;
	uint32_t barrier;

	if (!b.p || !rbuf)
		die("malloc");
	while (i < nops || !r->sends) {
		b.len = 0;
		for (; i < nops && b.len + MAX_MSG <= batch; i++, r->messages++)
			put_op(&b, &ops[i], i + 1);
		barrier = nops + 1 + r->sends;	/* never a request's number */
		put_barrier(&b, barrier);
		r->messages++;
		nl_send(fd, b.p, b.len);
		r->sends++;
		collect_acks(fd, rbuf, barrier, ops, nops, r);
	}
	free(rbuf);
	free(b.p);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmd_write(const char *netns, const char *path, size_t batch)
{
	struct result r = { 0 };
	struct op *ops;
	size_t nops;
	double t0, t1;
	int fd, sndbuf = 0;
	socklen_t sl = sizeof(sndbuf);

	enter_netns(netns);
	ops = read_ops(path, &nops);	/* after setns: device names resolve there */

	/* A send larger than the socket's send buffer (less 32 bytes) fails
	 * with EMSGSIZE; ask for twice the batch and check what we got. */
	fd = nl_open(2 * batch);
	if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, &sl) < 0)
		die("getsockopt(SO_SNDBUF)");
	if ((size_t)sndbuf < batch + MAX_MSG + 32) {
		batch = sndbuf - MAX_MSG - 32;
		fprintf(stderr, "rawnl: send buffer is %d bytes: batches cut to %zu\n", sndbuf, batch);
	}

	t0 = now();
	write_ops(fd, ops, nops, batch, &r);
	t1 = now();
	close(fd);

	printf("rawnl write: %zu objects, %zu messages, %zu sendmsg calls, %zu errors, %.3f s\n",
	       nops, r.messages, r.sends, r.errors, t1 - t0);
	for (size_t i = 0; i < r.errors && i < SHOW_ERRORS; i++)
		fprintf(stderr, "rawnl: %s:%u: %s\n", path, r.shown[i].line, r.shown[i].text);
	if (r.errors > SHOW_ERRORS)
		fprintf(stderr, "rawnl: ... and %zu more errors\n", r.errors - SHOW_ERRORS);
	if (r.overrun)
		fprintf(stderr, "rawnl: receive queue overflowed (ENOBUFS): more errors were lost\n");
	free(ops);
	return r.errors || r.overrun ? 1 : 0;
}

/* ---- dump ------------------------------------------------------------- */

/* Counts the answers to one dump request; exits on an error. */
static size_t dump(int fd, char *rbuf, uint16_t type, const void *hdr, size_t hdrlen,
		   uint32_t seq, const char *what)
{
	char req[NLMSG_SPACE(sizeof(struct rtmsg))] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct buf b = { .p = req };
	struct nlmsghdr *nlh = msg_begin(&b, type, NLM_F_DUMP, seq, hdrlen);
	size_t count = 0;
	int intr = 0;

	memcpy(NLMSG_DATA(nlh), hdr, hdrlen);
	msg_end(&b, nlh);
	nl_send(fd, req, b.len);
	for (;;) {
		ssize_t n = nl_recv(fd, rbuf, RECV_BUF, 0);

		if (n < 0)
			die("recvmsg");
		for (nlh = (struct nlmsghdr *)rbuf; NLMSG_OK(nlh, (size_t)n); nlh = NLMSG_NEXT(nlh, n)) {
			if (nlh->nlmsg_seq != seq)
				continue;
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				intr = 1;
			if (nlh->nlmsg_type == NLMSG_DONE) {
				/* A dump that fails midway says so in DONE. */
				if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int)) &&
				    *(int *)NLMSG_DATA(nlh) < 0) {
					errno = -*(int *)NLMSG_DATA(nlh);
					die(what);
				}
				if (intr)
					fprintf(stderr, "rawnl: %s dump was interrupted by a change\n", what);
				return count;
			}
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				char text[200];

				ack_text(nlh, text, sizeof(text));
				fprintf(stderr, "rawnl: %s dump: %s\n", what, text);
				exit(1);
			}
			count++;
		}
	}
}

static int cmd_dump(const char *netns)
{
	struct nhmsg nhm = { .nh_family = AF_UNSPEC };
	struct rtmsg rt4 = { .rtm_family = AF_INET };
	struct rtmsg rt6 = { .rtm_family = AF_INET6 };
	char *rbuf = malloc(RECV_BUF);
	size_t nexthops, routes;
	double t0, t1;
	int fd;

	if (!rbuf)
		die("malloc");
	enter_netns(netns);
	fd = nl_open(64 * 1024);
	t0 = now();
	/* Without NETLINK_GET_STRICT_CHK, rtm_table is ignored: every table. */
	nexthops = dump(fd, rbuf, RTM_GETNEXTHOP, &nhm, sizeof(nhm), 1, "nexthop");
	routes = dump(fd, rbuf, RTM_GETROUTE, &rt4, sizeof(rt4), 2, "IPv4 route");
	routes += dump(fd, rbuf, RTM_GETROUTE, &rt6, sizeof(rt6), 3, "IPv6 route");
	t1 = now();
	close(fd);
	free(rbuf);
	printf("rawnl dump: %zu nexthops, %zu routes, %.3f s\n", nexthops, routes, t1 - t0);
	return 0;
}

/* ---- main ------------------------------------------------------------- */

static void __attribute__((noreturn)) usage(void)
{
	fprintf(stderr, "usage: rawnl [-b BATCH_BYTES] write NETNS FILE\n"
			"       rawnl dump NETNS\n");
	exit(2);
}

int main(int argc, char **argv)
{
	size_t batch = DEFAULT_BATCH;
	int opt;

	while ((opt = getopt(argc, argv, "+b:")) != -1) {
		char *end;

		if (opt != 'b')
			usage();
		batch = strtoul(optarg, &end, 10);
		if (*end || batch < 4096 || batch > (1u << 28)) {
			fprintf(stderr, "rawnl: -b: need 4096..268435456 bytes\n");
			exit(2);
		}
	}
	argv += optind;
	argc -= optind;
	if (argc == 3 && !strcmp(argv[0], "write"))
		return cmd_write(argv[1], argv[2], batch);
	if (argc == 2 && !strcmp(argv[0], "dump"))
		return cmd_dump(argv[1]);
	usage();
}

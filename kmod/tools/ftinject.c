// SPDX-License-Identifier: GPL-2.0
/*
 * ftinject: send hand-made GRE, IPIP and 6in4 packets through a raw socket,
 * to test how flowtun receives malformed and hostile input.
 *
 *   ftinject [-e OUTER,INNER] [-q SEQ] KIND SRC DST [COUNT]
 *
 * SRC and DST are the outer IPv4 addresses (SRC may be any address: the
 * raw socket sends the header as written). The inner packet, when there is
 * one, is an ICMP echo request from 10.30.1.1 to 10.30.2.1, or an ICMPv6
 * one from fd00:30:1::1 to fd00:30:2::1, with sequence number SEQ (-q,
 * default 1). -e sets the ECN field of the outer and of the inner header
 * (each not-ect, ect1, ect0, ce, or 0-3), whatever the kind says. `ftinject
 * -h` lists the kinds; every one is also in kinds[] below.
 *
 * Exit status 0 when every packet was sent, 1 otherwise, 2 for bad usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define GRE_CSUM	0x8000
#define GRE_ROUTING	0x4000
#define GRE_KEY		0x2000
#define GRE_SEQ		0x1000
#define GRE_STRICT	0x0800	/* RFC 1701 strict source route */
#define GRE_RECUR	0x0700	/* RFC 1701 recursion control */
/*
 * The first of RFC 1701's flag bits (8-12), reserved in RFC 2784 (PPTP's
 * ack bit); the GRE demultiplexer reads bits 9-15 as the version.
 */
#define GRE_FLAG8	0x0080

#define ETH_P_IP	0x0800
#define ETH_P_IPV6	0x86dd
#define ETH_P_WCCP	0x883e

struct pkt {
	uint8_t buf[256];
	size_t len;
};

/* The Internet checksum of data, starting from sum (a partial sum). */
static uint16_t csum_from(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len > 1) {
		sum += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
	}
	if (len)
		sum += (uint32_t)p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint16_t csum(const void *data, size_t len)
{
	return csum_from(0, data, len);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

/* An IPv4 header at p: 20 bytes, checksum filled in. */
static void ipv4_header(uint8_t *p, uint8_t tos, uint16_t total, uint8_t proto,
			uint32_t src, uint32_t dst)
{
	memset(p, 0, 20);
	p[0] = 0x45;
	p[1] = tos;
	put16(p + 2, total);
	p[6] = 0x40;		/* DF */
	p[8] = 64;
	p[9] = proto;
	memcpy(p + 12, &src, 4);
	memcpy(p + 16, &dst, 4);
	put16(p + 10, csum(p, 20));
}

static uint16_t echo_seq = 1;

/*
 * An inner ICMP echo request at p, 28 bytes plus extra bytes of data, with
 * the tos byte given; returns its length.
 */
static size_t inner_echo(uint8_t *p, uint8_t tos, size_t extra)
{
	uint32_t src = inet_addr("10.30.1.1"), dst = inet_addr("10.30.2.1");
	uint8_t *icmp = p + 20;

	ipv4_header(p, tos, 28 + extra, IPPROTO_ICMP, src, dst);
	memset(icmp, 0, 8 + extra);
	icmp[0] = 8;		/* echo request */
	put16(icmp + 4, 0x4654);
	put16(icmp + 6, echo_seq);
	put16(icmp + 2, csum(icmp, 8 + extra));
	return 28 + extra;
}

/* An inner ICMPv6 echo request at p, 48 bytes; returns its length. */
static size_t inner_echo6(uint8_t *p, uint8_t tclass)
{
	uint8_t *icmp = p + 40;
	uint32_t sum = 0;
	int i;

	memset(p, 0, 48);
	p[0] = 0x60 | tclass >> 4;
	p[1] = (tclass & 0x0f) << 4;
	put16(p + 4, 8);	/* payload length */
	p[6] = IPPROTO_ICMPV6;
	p[7] = 64;
	inet_pton(AF_INET6, "fd00:30:1::1", p + 8);
	inet_pton(AF_INET6, "fd00:30:2::1", p + 24);
	icmp[0] = 128;		/* echo request */
	put16(icmp + 4, 0x4654);
	put16(icmp + 6, echo_seq);
	/* pseudo-header: addresses, upper-layer length, next header */
	for (i = 8; i < 40; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	sum += 8 + IPPROTO_ICMPV6;
	put16(icmp + 2, csum_from(sum, icmp, 8));
	return 48;
}

/* Set the ECN field of the inner header at p (IPv4 or IPv6). */
static void inner_set_ecn(uint8_t *p, uint8_t ecn)
{
	if (p[0] >> 4 == 6) {
		p[1] = (p[1] & ~0x30) | ecn << 4;
	} else {
		p[1] = (p[1] & ~0x03) | ecn;
		put16(p + 10, 0);
		put16(p + 10, csum(p, (p[0] & 0x0f) * 4));
	}
}

/* Change an IPv4 header's byte at off and fix its checksum. */
static void ipv4_poke(uint8_t *p, size_t off, uint8_t v)
{
	p[off] = v;
	put16(p + 10, 0);
	put16(p + 10, csum(p, 20));
}

/* Every kind, with what it is: the usage text is made of this list. */
static const struct {
	const char *name;
	const char *help;
} kinds[] = {
	{ "gre-ok",		"GRE with key 100, IPv4 inside (accepted)" },
	{ "gre-ipv6-ok",	"GRE with key 100, IPv6 inside (accepted)" },
	{ "gre-truncated",	"GRE flags C|K|S (16 bytes) in a 12-byte payload" },
	{ "gre-key-short",	"GRE flag K, 6 bytes: ends inside the key" },
	{ "gre-no-payload",	"C|K|S with a right checksum and nothing after" },
	{ "gre-routing",	"the routing bit set" },
	{ "gre-strict-route",	"RFC 1701 strict source route bit set" },
	{ "gre-recursion",	"RFC 1701 recursion control 7" },
	{ "gre-recursion-low",	"recursion control 3 (bits 6-7, ignored)" },
	{ "gre-rfc1701-flag",	"RFC 1701 flag bit 8 set (ignored)" },
	{ "gre-version",	"GRE version 1 (the demultiplexer's PPTP slot)" },
	{ "gre-csum-bad",	"checksum present and wrong" },
	{ "gre-csum-ok",	"checksum present and right (accepted)" },
	{ "gre-csum-bad-inner",	"checksum right, inner IPv4 header length 16" },
	{ "gre-proto",		"protocol 0x6558 (transparent Ethernet bridging)" },
	{ "gre-keepalive",	"protocol 0 (a Cisco keepalive)" },
	{ "gre-wccp",		"protocol 0x883e (WCCP redirect header)" },
	{ "gre-inner-version",	"protocol IPv4, inner header of version 6" },
	{ "gre-inner-short",	"protocol IPv4, 8 bytes of inner header" },
	{ "gre-inner-ihl",	"inner IPv4 header length 16 (IHL 4)" },
	{ "gre-inner-totlen",	"inner IPv4 total length 1500 in 28 bytes" },
	{ "gre-inner-totlen-small", "inner IPv4 total length 12, under its header" },
	{ "gre-ipv6-ipv4",	"protocol IPv6, an IPv4 packet (48 bytes) inside" },
	{ "gre-ipv6-short",	"protocol IPv6, 20 bytes of inner header" },
	{ "gre-ipv6-plen",	"inner IPv6 payload length 1000 in 8 bytes" },
	{ "gre-ecn-ce",		"outer CE over a not-ECT inner packet (RFC 6040: drop)" },
	{ "gre-ecn-ect",	"outer ECT(0) over a not-ECT inner packet (accepted)" },
	{ "ipip-ok",		"IPv4 in IPv4 (accepted)" },
	{ "ipip-inner-version",	"protocol 4, inner header of version 6" },
	{ "ipip-inner-short",	"protocol 4, 12 bytes of inner header" },
	{ "ipip-inner-ihl",	"protocol 4, inner IPv4 header length 16" },
	{ "ipip-inner-totlen",	"protocol 4, inner total length 1500 in 28 bytes" },
	{ "ipip-ecn-ce",	"protocol 4, outer CE over not-ECT (RFC 6040: drop)" },
	{ "6in4-ok",		"IPv6 in IPv4, protocol 41 (accepted)" },
	{ "6in4-inner-version",	"protocol 41, an IPv4 packet (48 bytes) inside" },
	{ "6in4-inner-short",	"protocol 41, 20 bytes of inner header" },
	{ "6in4-inner-plen",	"protocol 41, inner payload length 1000 in 8 bytes" },
	{ "6in4-ecn-ce",	"protocol 41, outer CE over not-ECT (RFC 6040: drop)" },
};

/*
 * The packet of a kind after its outer header: GRE (flags, protocol, key
 * 100, options, inner packet), or the inner packet alone for IPIP and
 * 6in4. Sets the outer tos and protocol; returns -1 for an unknown kind.
 */
static int build(const char *kind, struct pkt *pk, uint8_t *outer_tos,
		 uint8_t *proto)
{
	uint8_t *g = pk->buf + 20;	/* after the outer header */
	uint8_t *in;			/* the inner packet */
	size_t n = 0;

	*outer_tos = 0;
	*proto = IPPROTO_GRE;
	if (!strncmp(kind, "ipip-", 5)) {
		*proto = IPPROTO_IPIP;
		n = inner_echo(g, 0, 0);
		if (!strcmp(kind, "ipip-inner-version"))
			g[0] = 0x65;
		else if (!strcmp(kind, "ipip-inner-short"))
			n = 12;
		else if (!strcmp(kind, "ipip-inner-ihl"))
			ipv4_poke(g, 0, 0x44);
		else if (!strcmp(kind, "ipip-inner-totlen"))
			put16(g + 2, 1500);
		else if (!strcmp(kind, "ipip-ecn-ce"))
			*outer_tos = 0x03;
		else if (strcmp(kind, "ipip-ok"))
			return -1;
		pk->len = 20 + n;
		return 0;
	}
	if (!strncmp(kind, "6in4-", 5)) {
		*proto = IPPROTO_IPV6;
		n = inner_echo6(g, 0);
		if (!strcmp(kind, "6in4-inner-version"))
			n = inner_echo(g, 0, 20);
		else if (!strcmp(kind, "6in4-inner-short"))
			n = 20;
		else if (!strcmp(kind, "6in4-inner-plen"))
			put16(g + 4, 1000);
		else if (!strcmp(kind, "6in4-ecn-ce"))
			*outer_tos = 0x03;
		else if (strcmp(kind, "6in4-ok"))
			return -1;
		pk->len = 20 + n;
		return 0;
	}

	/* GRE: flags, protocol, key 100 */
	put16(g, GRE_KEY);
	put16(g + 2, ETH_P_IP);
	put32(g + 4, 100);
	n = 8;
	in = g + n;
	if (!strcmp(kind, "gre-ok")) {
		n += inner_echo(in, 0, 0);
	} else if (!strcmp(kind, "gre-ipv6-ok")) {
		put16(g + 2, ETH_P_IPV6);
		n += inner_echo6(in, 0);
	} else if (!strcmp(kind, "gre-truncated")) {
		put16(g, GRE_CSUM | GRE_KEY | GRE_SEQ);
		put32(g + 8, 0);	/* 12 bytes: the demux's minimum */
		n = 12;
	} else if (!strcmp(kind, "gre-key-short")) {
		n = 6;
	} else if (!strcmp(kind, "gre-no-payload")) {
		put16(g, GRE_CSUM | GRE_KEY | GRE_SEQ);
		put32(g + 4, 0);	/* checksum, reserved */
		put32(g + 8, 100);	/* key */
		put32(g + 12, 1);	/* sequence number */
		n = 16;
		put16(g + 4, csum(g, n));
	} else if (!strcmp(kind, "gre-routing")) {
		put16(g, GRE_KEY | GRE_ROUTING);
		n += inner_echo(in, 0, 0);
	} else if (!strcmp(kind, "gre-strict-route")) {
		put16(g, GRE_KEY | GRE_STRICT);
		n += inner_echo(in, 0, 0);
	} else if (!strcmp(kind, "gre-recursion")) {
		put16(g, GRE_KEY | GRE_RECUR);
		n += inner_echo(in, 0, 0);
	} else if (!strcmp(kind, "gre-recursion-low")) {
		put16(g, GRE_KEY | 0x0300);
		n += inner_echo(in, 0, 0);
	} else if (!strcmp(kind, "gre-rfc1701-flag")) {
		put16(g, GRE_KEY | GRE_FLAG8);
		n += inner_echo(in, 0, 0);
	} else if (!strcmp(kind, "gre-version")) {
		put16(g, GRE_KEY | 1);
		n += inner_echo(in, 0, 0);
	} else if (!strcmp(kind, "gre-csum-bad") ||
		   !strcmp(kind, "gre-csum-ok") ||
		   !strcmp(kind, "gre-csum-bad-inner")) {
		put16(g, GRE_CSUM | GRE_KEY);
		put32(g + 4, 0);	/* checksum, reserved */
		put32(g + 8, 100);	/* key */
		n = 12 + inner_echo(g + 12, 0, 0);
		if (!strcmp(kind, "gre-csum-bad-inner"))
			ipv4_poke(g + 12, 0, 0x44);
		put16(g + 4, csum(g, n));
		if (!strcmp(kind, "gre-csum-bad"))
			g[5] ^= 0x5a;
	} else if (!strcmp(kind, "gre-proto")) {
		put16(g + 2, 0x6558);
		n += inner_echo(in, 0, 0);
	} else if (!strcmp(kind, "gre-keepalive")) {
		put16(g + 2, 0);
		n += inner_echo(in, 0, 0);
	} else if (!strcmp(kind, "gre-wccp")) {
		/* ip_gre skips a 4-byte WCCP header and takes IPv4 after it */
		put16(g + 2, ETH_P_WCCP);
		put32(in, 0);
		n += 4 + inner_echo(in + 4, 0, 0);
	} else if (!strcmp(kind, "gre-inner-version")) {
		n += inner_echo(in, 0, 0);
		in[0] = 0x65;
	} else if (!strcmp(kind, "gre-inner-short")) {
		inner_echo(in, 0, 0);
		n += 8;
	} else if (!strcmp(kind, "gre-inner-ihl")) {
		n += inner_echo(in, 0, 0);
		ipv4_poke(in, 0, 0x44);
	} else if (!strcmp(kind, "gre-inner-totlen")) {
		n += inner_echo(in, 0, 0);
		put16(in + 2, 1500);
		ipv4_poke(in, 1, 0);
	} else if (!strcmp(kind, "gre-inner-totlen-small")) {
		n += inner_echo(in, 0, 0);
		put16(in + 2, 12);
		ipv4_poke(in, 1, 0);
	} else if (!strcmp(kind, "gre-ipv6-ipv4")) {
		put16(g + 2, ETH_P_IPV6);
		n += inner_echo(in, 0, 20);
	} else if (!strcmp(kind, "gre-ipv6-short")) {
		put16(g + 2, ETH_P_IPV6);
		inner_echo6(in, 0);
		n += 20;
	} else if (!strcmp(kind, "gre-ipv6-plen")) {
		put16(g + 2, ETH_P_IPV6);
		n += inner_echo6(in, 0);
		put16(in + 4, 1000);
	} else if (!strcmp(kind, "gre-ecn-ce")) {
		*outer_tos = 0x03;
		n += inner_echo(in, 0, 0);
	} else if (!strcmp(kind, "gre-ecn-ect")) {
		*outer_tos = 0x02;
		n += inner_echo(in, 0, 0);
	} else {
		return -1;
	}
	pk->len = 20 + n;
	return 0;
}

/* Where the inner packet of a kind starts, for -e. */
static uint8_t *inner_of(const char *kind, struct pkt *pk)
{
	uint8_t *g = pk->buf + 20;

	if (strncmp(kind, "gre-", 4))
		return g;
	return g + 4 + 4 * !!(g[0] & 0x80) + 4 * !!(g[0] & 0x20) +
	       4 * !!(g[0] & 0x10);
}

static int parse_ecn(const char *s, uint8_t *ecn)
{
	static const char *const names[] = { "not-ect", "ect1", "ect0", "ce" };
	unsigned int i;

	for (i = 0; i < 4; i++) {
		if (!strcmp(s, names[i]) || (s[0] == '0' + (int)i && !s[1])) {
			*ecn = i;
			return 0;
		}
	}
	return -1;
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: ftinject [-e OUTER,INNER] [-q SEQ] KIND SRC DST [COUNT]\n"
		"  -e  ECN fields of the outer and inner header: not-ect, ect1, ect0, ce\n"
		"  -q  sequence number of the inner echo request (default 1)\n"
		"KIND:\n");
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		fprintf(f, "  %-24s%s\n", kinds[i].name, kinds[i].help);
}

int main(int argc, char **argv)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	uint8_t tos, proto, outer_ecn = 0, inner_ecn = 0;
	struct in_addr src, dst;
	unsigned long count = 1, i;
	const char *kind;
	bool set_ecn = false;
	struct pkt pk;
	int fd, opt;

	while ((opt = getopt(argc, argv, "e:q:h")) != -1) {
		char *comma;

		switch (opt) {
		case 'e':
			comma = strchr(optarg, ',');
			if (!comma)
				goto bad_usage;
			*comma = '\0';
			if (parse_ecn(optarg, &outer_ecn) ||
			    parse_ecn(comma + 1, &inner_ecn))
				goto bad_usage;
			set_ecn = true;
			break;
		case 'q':
			echo_seq = strtoul(optarg, NULL, 0);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			goto bad_usage;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 3 || argc > 4 || inet_pton(AF_INET, argv[1], &src) != 1 ||
	    inet_pton(AF_INET, argv[2], &dst) != 1)
		goto bad_usage;
	kind = argv[0];
	if (argc == 4)
		count = strtoul(argv[3], NULL, 10);
	memset(&pk, 0, sizeof(pk));
	if (build(kind, &pk, &tos, &proto)) {
		fprintf(stderr, "ftinject: unknown kind %s\n", kind);
		usage(stderr);
		return 2;
	}
	if (set_ecn) {
		tos = (tos & ~0x03) | outer_ecn;
		inner_set_ecn(inner_of(kind, &pk), inner_ecn);
		if (!strncmp(kind, "gre-", 4) && (pk.buf[20] & 0x80)) {
			/* the GRE checksum covers the inner header */
			put16(pk.buf + 24, 0);
			put16(pk.buf + 24, csum(pk.buf + 20, pk.len - 20));
		}
	}
	ipv4_header(pk.buf, tos, pk.len, proto, src.s_addr, dst.s_addr);

	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0) {
		perror("ftinject: raw socket");
		return 1;
	}
	to.sin_addr = dst;
	for (i = 0; i < count; i++) {
		if (sendto(fd, pk.buf, pk.len, 0, (struct sockaddr *)&to,
			   sizeof(to)) != (ssize_t)pk.len) {
			perror("ftinject: sendto");
			return 1;
		}
	}
	close(fd);
	return 0;

bad_usage:
	usage(stderr);
	return 2;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * ftinject: send hand-made GRE and IPIP packets through a raw socket, to
 * test how flowtun receives malformed and hostile input.
 *
 *   ftinject KIND SRC DST [COUNT]
 *
 * SRC and DST are the outer IPv4 addresses (SRC may be any address: the
 * raw socket sends the header as written). The inner packet, when there is
 * one, is an ICMP echo request from 10.30.1.1 to 10.30.2.1. KIND:
 *
 *   gre-ok              GRE with key 100, IPv4 inside (accepted)
 *   gre-truncated       GRE flags C|K|S (16 bytes) in a 12-byte payload
 *   gre-routing         the routing bit set
 *   gre-version         GRE version 1 (the demultiplexer's PPTP slot)
 *   gre-csum-bad        checksum present and wrong
 *   gre-csum-ok         checksum present and right (accepted)
 *   gre-proto           protocol 0x6558 (transparent Ethernet bridging)
 *   gre-inner-version   protocol IPv4, inner header of version 6
 *   gre-inner-short     protocol IPv4, 8 bytes of inner header
 *   gre-ecn-ce          outer CE over a not-ECT inner packet (RFC 6040: drop)
 *   gre-ecn-ect         outer ECT(0) over a not-ECT inner packet (accepted)
 *   ipip-ok             IPv4 in IPv4 (accepted)
 *   ipip-inner-version  protocol 4, inner header of version 6
 *   ipip-inner-short    protocol 4, 12 bytes of inner header
 *
 * Exit status 0 when every packet was sent, 1 otherwise, 2 for bad usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
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

struct pkt {
	uint8_t buf[256];
	size_t len;
};

static uint16_t csum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;

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

/* An inner ICMP echo request, 28 bytes, at p; returns its length. */
static size_t inner_echo(uint8_t *p, uint8_t tos)
{
	uint32_t src = inet_addr("10.30.1.1"), dst = inet_addr("10.30.2.1");
	uint8_t *icmp = p + 20;

	ipv4_header(p, tos, 28, IPPROTO_ICMP, src, dst);
	memset(icmp, 0, 8);
	icmp[0] = 8;		/* echo request */
	put16(icmp + 4, 0x4654);
	put16(icmp + 6, 1);
	put16(icmp + 2, csum(icmp, 8));
	return 28;
}

static int build(const char *kind, struct pkt *pk, uint8_t *outer_tos,
		 uint8_t *proto)
{
	uint8_t *g = pk->buf + 20;	/* after the outer header */
	size_t n = 0;

	*outer_tos = 0;
	*proto = IPPROTO_GRE;
	if (!strncmp(kind, "ipip-", 5)) {
		*proto = IPPROTO_IPIP;
		n = inner_echo(g, 0);
		if (!strcmp(kind, "ipip-inner-version"))
			g[0] = 0x65;
		else if (!strcmp(kind, "ipip-inner-short"))
			n = 12;
		else if (strcmp(kind, "ipip-ok"))
			return -1;
		pk->len = 20 + n;
		return 0;
	}

	/* GRE: flags, protocol, key 100 */
	put16(g, GRE_KEY);
	put16(g + 2, 0x0800);
	put32(g + 4, 100);
	n = 8;
	if (!strcmp(kind, "gre-ok")) {
		n += inner_echo(g + n, 0);
	} else if (!strcmp(kind, "gre-truncated")) {
		put16(g, GRE_CSUM | GRE_KEY | GRE_SEQ);
		put32(g + 8, 0);	/* 12 bytes: the demux's minimum */
		n = 12;
	} else if (!strcmp(kind, "gre-routing")) {
		put16(g, GRE_KEY | GRE_ROUTING);
		n += inner_echo(g + n, 0);
	} else if (!strcmp(kind, "gre-version")) {
		put16(g, GRE_KEY | 1);
		n += inner_echo(g + n, 0);
	} else if (!strcmp(kind, "gre-csum-bad") ||
		   !strcmp(kind, "gre-csum-ok")) {
		put16(g, GRE_CSUM | GRE_KEY);
		put32(g + 4, 0);	/* checksum, reserved */
		put32(g + 8, 100);	/* key */
		n = 12 + inner_echo(g + 12, 0);
		put16(g + 4, csum(g, n));
		if (!strcmp(kind, "gre-csum-bad"))
			g[5] ^= 0x5a;
	} else if (!strcmp(kind, "gre-proto")) {
		put16(g + 2, 0x6558);
		n += inner_echo(g + n, 0);
	} else if (!strcmp(kind, "gre-inner-version")) {
		n += inner_echo(g + n, 0);
		g[8] = 0x65;
	} else if (!strcmp(kind, "gre-inner-short")) {
		inner_echo(g + n, 0);
		n += 8;
	} else if (!strcmp(kind, "gre-ecn-ce")) {
		*outer_tos = 0x03;
		n += inner_echo(g + n, 0);
	} else if (!strcmp(kind, "gre-ecn-ect")) {
		*outer_tos = 0x02;
		n += inner_echo(g + n, 0);
	} else {
		return -1;
	}
	pk->len = 20 + n;
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	uint8_t tos, proto;
	struct in_addr src, dst;
	unsigned long count = 1, i;
	struct pkt pk;
	int fd;

	if (argc < 4 || argc > 5 || inet_pton(AF_INET, argv[2], &src) != 1 ||
	    inet_pton(AF_INET, argv[3], &dst) != 1) {
		fprintf(stderr, "usage: ftinject KIND SRC DST [COUNT]\n");
		return 2;
	}
	if (argc == 5)
		count = strtoul(argv[4], NULL, 10);
	memset(&pk, 0, sizeof(pk));
	if (build(argv[1], &pk, &tos, &proto)) {
		fprintf(stderr, "ftinject: unknown kind %s\n", argv[1]);
		return 2;
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
}

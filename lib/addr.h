/* SPDX-License-Identifier: GPL-2.0-or-later */
/* IPv4 and IPv6 addresses and prefixes: parsing, formatting, comparing. */
#ifndef TCTL_ADDR_H
#define TCTL_ADDR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "error.h"

/* Long enough for any IPv6 address with a /128 suffix. */
#define TCTL_ADDRSTRLEN (INET6_ADDRSTRLEN + 4)

struct tctl_addr {
	int family;		/* AF_INET, AF_INET6, or 0 when unset */
	union {
		struct in_addr v4;
		struct in6_addr v6;
		uint8_t bytes[16];
	};
};

struct tctl_prefix {
	struct tctl_addr addr;
	uint8_t len;
};

static inline int tctl_family_bytes(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

static inline int tctl_family_bits(int family)
{
	return tctl_family_bytes(family) * 8;
}

const char *tctl_family_name(int family);

/*
 * Parse an address.  want is AF_INET, AF_INET6 or AF_UNSPEC (either).
 * what names the argument in the error ("dst", "src").
 */
int tctl_addr_parse(struct tctl_addr *a, const char *s, int want,
		    const char *what, struct tctl_err *err);

/*
 * Parse "A/LEN" or a bare address (a host prefix).  Host bits set beyond
 * LEN are an error that suggests the network address, since the kernel
 * refuses such routes.
 */
int tctl_prefix_parse(struct tctl_prefix *p, const char *s, int want,
		      const char *what, struct tctl_err *err);

/* Format into buf (at least TCTL_ADDRSTRLEN bytes); returns buf. */
const char *tctl_addr_str(const struct tctl_addr *a, char *buf, size_t len);
const char *tctl_prefix_str(const struct tctl_prefix *p, char *buf, size_t len);

bool tctl_addr_is_any(const struct tctl_addr *a);
int tctl_addr_cmp(const struct tctl_addr *a, const struct tctl_addr *b);
int tctl_prefix_cmp(const struct tctl_prefix *a, const struct tctl_prefix *b);
/* Does prefix p contain address or prefix q (same family)? */
bool tctl_prefix_contains(const struct tctl_prefix *p, const struct tctl_prefix *q);
bool tctl_prefixes_overlap(const struct tctl_prefix *a, const struct tctl_prefix *b);

void tctl_addr_set(struct tctl_addr *a, int family, const void *bytes);

#endif

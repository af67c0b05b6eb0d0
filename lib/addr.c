// SPDX-License-Identifier: GPL-2.0-or-later
#include "addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

const char *tctl_family_name(int family)
{
	switch (family) {
	case AF_INET:
		return "IPv4";
	case AF_INET6:
		return "IPv6";
	default:
		return "unknown family";
	}
}

void tctl_addr_set(struct tctl_addr *a, int family, const void *bytes)
{
	memset(a, 0, sizeof(*a));
	a->family = family;
	memcpy(a->bytes, bytes, tctl_family_bytes(family));
}

static int family_mismatch(const char *what, const char *s, int want,
			   struct tctl_err *err)
{
	return tctl_err_usage(err, "%s \"%s\" is not an %s address", what, s,
			      tctl_family_name(want));
}

int tctl_addr_parse(struct tctl_addr *a, const char *s, int want,
		    const char *what, struct tctl_err *err)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, &a->v4) == 1) {
		a->family = AF_INET;
	} else if (inet_pton(AF_INET6, s, &a->v6) == 1) {
		a->family = AF_INET6;
	} else {
		memset(a, 0, sizeof(*a));
		return tctl_err_usage(err, "%s \"%s\" is not a valid IP address",
				      what, s);
	}
	if (want != AF_UNSPEC && a->family != want)
		return family_mismatch(what, s, want, err);
	return 0;
}

static int parse_len(const char *s, int max, unsigned int *len)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > (unsigned long)max)
		return -EINVAL;
	*len = v;
	return 0;
}

/* Clear the bits of a beyond len; report whether any were set. */
static bool mask_host_bits(struct tctl_addr *a, unsigned int len)
{
	int nbytes = tctl_family_bytes(a->family);
	bool dirty = false;

	for (int i = 0; i < nbytes; i++) {
		int bit = i * 8;
		uint8_t keep;

		if ((int)len >= bit + 8)
			continue;
		keep = (int)len <= bit ? 0 : (uint8_t)(0xff << (8 - (len - bit)));
		if (a->bytes[i] & ~keep)
			dirty = true;
		a->bytes[i] &= keep;
	}
	return dirty;
}

int tctl_prefix_parse(struct tctl_prefix *p, const char *s, int want,
		      const char *what, struct tctl_err *err)
{
	char buf[TCTL_ADDRSTRLEN + 8], net[TCTL_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	unsigned int len;
	int ret;

	memset(p, 0, sizeof(*p));
	if (strlen(s) >= sizeof(buf))
		return tctl_err_usage(err, "%s \"%.40s...\" is too long", what, s);
	strcpy(buf, s);
	if (slash)
		buf[slash - s] = '\0';
	if (!buf[0] || tctl_addr_parse(&p->addr, buf, AF_UNSPEC, what, NULL) != 0)
		return tctl_err_usage(err, "%s \"%s\" is not a valid IP prefix", what, s);
	if (want != AF_UNSPEC && p->addr.family != want)
		return tctl_err_usage(err, "%s \"%s\" is not an %s prefix", what, s,
				      tctl_family_name(want));
	len = tctl_family_bits(p->addr.family);
	if (slash) {
		ret = parse_len(slash + 1, len, &len);
		if (ret)
			return tctl_err_usage(err, "%s \"%s\": prefix length must be 0 to %d",
					      what, s, tctl_family_bits(p->addr.family));
	}
	p->len = len;
	if (mask_host_bits(&p->addr, len))
		return tctl_err_usage(err, "%s \"%s\" has host bits set (did you mean %s?)",
				      what, s, tctl_prefix_str(p, net, sizeof(net)));
	return 0;
}

const char *tctl_addr_str(const struct tctl_addr *a, char *buf, size_t len)
{
	if (!a->family || !inet_ntop(a->family, a->bytes, buf, len))
		snprintf(buf, len, "-");
	return buf;
}

const char *tctl_prefix_str(const struct tctl_prefix *p, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (!p->addr.family || !inet_ntop(p->addr.family, p->addr.bytes, a, sizeof(a))) {
		snprintf(buf, len, "-");
		return buf;
	}
	snprintf(buf, len, "%s/%u", a, p->len);
	return buf;
}

bool tctl_addr_is_any(const struct tctl_addr *a)
{
	static const uint8_t zero[16];

	return !a->family || !memcmp(a->bytes, zero, tctl_family_bytes(a->family));
}

int tctl_addr_cmp(const struct tctl_addr *a, const struct tctl_addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->bytes, b->bytes, tctl_family_bytes(a->family));
}

int tctl_prefix_cmp(const struct tctl_prefix *a, const struct tctl_prefix *b)
{
	int c = tctl_addr_cmp(&a->addr, &b->addr);

	if (c)
		return c;
	return (int)a->len - (int)b->len;
}

bool tctl_prefix_contains(const struct tctl_prefix *p, const struct tctl_prefix *q)
{
	struct tctl_addr masked;

	if (p->addr.family != q->addr.family || q->len < p->len)
		return false;
	masked = q->addr;
	mask_host_bits(&masked, p->len);
	return !tctl_addr_cmp(&masked, &p->addr);
}

bool tctl_prefixes_overlap(const struct tctl_prefix *a, const struct tctl_prefix *b)
{
	return tctl_prefix_contains(a, b) || tctl_prefix_contains(b, a);
}

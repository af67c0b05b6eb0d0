// SPDX-License-Identifier: GPL-2.0-or-later
#include "number.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

int tctl_parse_u64(const char *s, uint64_t max, uint64_t *out,
		   const char *what, struct tctl_err *err)
{
	unsigned long long v;
	int base = 10;
	char *end;

	/* strtoull would accept leading blanks and a minus sign: refuse both. */
	if (!isdigit((unsigned char)s[0]))
		goto bad;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		if (!isxdigit((unsigned char)s[2]))
			goto bad;
	} else if (s[0] == '0' && s[1]) {
		/* "010" would be octal in iproute2; be explicit instead. */
		goto bad;
	}
	errno = 0;
	v = strtoull(s, &end, base);
	if (*end)
		goto bad;
	if (errno == ERANGE || v > max)
		return tctl_err_usage(err, "%s \"%s\" is out of range (0-%" PRIu64 ")",
				      what, s, max);
	*out = v;
	return 0;
bad:
	return tctl_err_usage(err, "%s \"%s\" is not a number (0-%" PRIu64 ")",
			      what, s, max);
}

int tctl_parse_u32(const char *s, uint32_t max, uint32_t *out,
		   const char *what, struct tctl_err *err)
{
	uint64_t v;
	int ret = tctl_parse_u64(s, max, &v, what, err);

	if (!ret)
		*out = (uint32_t)v;
	return ret;
}

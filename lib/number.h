/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Strict unsigned number parsing: decimal or 0x hex, no signs, no octal. */
#ifndef TCTL_NUMBER_H
#define TCTL_NUMBER_H

#include <stdint.h>

#include "error.h"

/* what names the keyword in the error message ("ttl", "metric"). */
int tctl_parse_u64(const char *s, uint64_t max, uint64_t *out,
		   const char *what, struct tctl_err *err);
int tctl_parse_u32(const char *s, uint32_t max, uint32_t *out,
		   const char *what, struct tctl_err *err);

#endif

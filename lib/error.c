// SPDX-License-Identifier: GPL-2.0-or-later
#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

void tctl_err_clear(struct tctl_err *err)
{
	if (!err)
		return;
	err->code = 0;
	err->kind = TCTL_ERR_NONE;
	err->msg[0] = '\0';
}

int tctl_err_vset(struct tctl_err *err, enum tctl_err_kind kind, int code,
		  const char *fmt, va_list ap)
{
	if (code < 0)
		code = -code;
	if (code == 0)
		code = EINVAL;
	if (err) {
		err->code = -code;
		err->kind = kind;
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	}
	return -code;
}

int tctl_err_set(struct tctl_err *err, enum tctl_err_kind kind, int code,
		 const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = tctl_err_vset(err, kind, code, fmt, ap);
	va_end(ap);
	return ret;
}

int tctl_err_usage(struct tctl_err *err, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = tctl_err_vset(err, TCTL_ERR_USAGE, EINVAL, fmt, ap);
	va_end(ap);
	return ret;
}

int tctl_err_state(struct tctl_err *err, int code, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = tctl_err_vset(err, TCTL_ERR_STATE, code, fmt, ap);
	va_end(ap);
	return ret;
}

int tctl_err_nomem(struct tctl_err *err)
{
	return tctl_err_set(err, TCTL_ERR_SYSTEM, ENOMEM, "out of memory");
}

void tctl_err_prefix(struct tctl_err *err, const char *fmt, ...)
{
	char old[TCTL_ERR_MSG_MAX];
	size_t n;
	va_list ap;
	int w;

	if (!err)
		return;
	memcpy(old, err->msg, sizeof(old));
	va_start(ap, fmt);
	w = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	n = w < 0 ? 0 : (size_t)w;
	if (n + 2 >= sizeof(err->msg))
		return;
	memcpy(err->msg + n, ": ", 3);
	n += 2;
	/* Truncation of a very long message is acceptable: keep its head. */
	memcpy(err->msg + n, old, strnlen(old, sizeof(err->msg) - n - 1));
	err->msg[n + strnlen(old, sizeof(err->msg) - n - 1)] = '\0';
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Errors are values: a negative errno plus a message that names the object
 * concerned.  Library functions fill a struct tctl_err and return the
 * negative code; only cli/ and ctrl/ print or exit.
 */
#ifndef TCTL_ERROR_H
#define TCTL_ERROR_H

#include <stdarg.h>

#define TCTL_ERR_MSG_MAX 1024

/* Kinds of failure, so callers can map them to exit codes. */
enum tctl_err_kind {
	TCTL_ERR_NONE = 0,
	TCTL_ERR_USAGE,		/* bad argument or input: exit 2 */
	TCTL_ERR_KERNEL,	/* the kernel refused: exit 1 */
	TCTL_ERR_STATE,		/* the request conflicts with what exists */
	TCTL_ERR_SYSTEM,	/* out of memory, I/O, ... */
};

struct tctl_err {
	int code;			/* negative errno, 0 when clear */
	enum tctl_err_kind kind;
	char msg[TCTL_ERR_MSG_MAX];
};

void tctl_err_clear(struct tctl_err *err);

/* Set the error and return -code (code is a positive errno). */
int tctl_err_set(struct tctl_err *err, enum tctl_err_kind kind, int code,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int tctl_err_vset(struct tctl_err *err, enum tctl_err_kind kind, int code,
		  const char *fmt, va_list ap);

/* Shorthands for the common kinds. */
int tctl_err_usage(struct tctl_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int tctl_err_state(struct tctl_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int tctl_err_nomem(struct tctl_err *err);

/* Put "what: " in front of an existing message. */
void tctl_err_prefix(struct tctl_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif

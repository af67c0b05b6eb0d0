// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Logging: one line per decision on stderr, which journald (or whoever
 * started the daemon) keeps with its own timestamps.
 */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "daemon.h"

int tctld_verbose;

static void vlog(const char *fmt, va_list ap)
{
	char line[2048];

	vsnprintf(line, sizeof(line), fmt, ap);
	fprintf(stderr, "tunnelctld: %s\n", line);
}

void tctld_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

void tctld_debug(const char *fmt, ...)
{
	va_list ap;

	if (!tctld_verbose)
		return;
	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

static double clock_seconds(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

double tctld_now(void)
{
	return clock_seconds(CLOCK_MONOTONIC);
}

double tctld_wall(void)
{
	return clock_seconds(CLOCK_REALTIME);
}

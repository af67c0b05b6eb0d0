/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libprobe: shared helpers of its commands (see probe_main.c for the list). */
#ifndef TCTL_PROBE_H
#define TCTL_PROBE_H

#include <json-c/json.h>

#include "../../lib/error.h"

/* Print err's message on stderr; returns 2. */
int probe_fail(const struct tctl_err *err);
/* Print o (consumed) as one JSON line. */
void probe_emit(json_object *o);

/* probe_parse.c: lib's pure functions */
int cmd_prefix(int argc, char **argv);
int cmd_addr(int argc, char **argv);
int cmd_number(int argc, char **argv);
int cmd_parse(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_roundtrip(int argc, char **argv);
int cmd_next(int argc, char **argv);
int cmd_usage(int argc, char **argv);
int cmd_closest(int argc, char **argv);
int cmd_split(int argc, char **argv);

/* probe_kernel.c: lib against a kernel */
int cmd_rawdump(int argc, char **argv);
int cmd_notify_listen(int argc, char **argv);
int cmd_batch(int argc, char **argv);
int cmd_apply_hook(int argc, char **argv);

#endif

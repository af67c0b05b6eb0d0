/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Names of routing tables and route protocols, read from iproute2's
 * configuration (rt_tables, rt_protos and their .d directories) so that
 * tunnelctl and ip agree on every name.
 */
#ifndef TCTL_RTNAMES_H
#define TCTL_RTNAMES_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Where iproute2 keeps its names; tests may point this elsewhere. */
void tctl_rtnames_set_dir(const char *dir);
/* Read the names now: before threads start, so none of them races to. */
void tctl_rtnames_load(void);

const char *tctl_table_name(uint32_t id, char *buf, size_t len);
int tctl_table_parse(const char *s, uint32_t *out, struct tctl_err *err);

/* The protocol tunnelctl owns routes with; named "tunnelctl" always. */
void tctl_rtnames_set_own_proto(uint8_t proto);
uint8_t tctl_own_proto(void);
const char *tctl_proto_name(uint8_t proto, char *buf, size_t len);
int tctl_proto_parse(const char *s, uint8_t *out, struct tctl_err *err);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The encap keywords (encap id dst src ttl tos key nokey csum seq dev),
 * shared by route add/replace and nexthop add/replace, and their parser.
 */
#ifndef TCTL_ENCAP_ARGS_H
#define TCTL_ENCAP_ARGS_H

#include "grammar.h"
#include "model.h"

extern const char *const tctl_encap_choices[];

#define TCTL_GROUP_KEY 1

/* dst and dev are required, unless the keyword UNLESS is given (or NULL). */
#define TCTL_KW_ENCAP(UNLESS)						\
	{ "encap", "TYPE", TCTL_VAL_CHOICE, tctl_encap_choices, 0, 0,	\
	  "underlay family: ip (IPv4) or ip6 (IPv6); inferred from dst" }, \
	{ "id", "ID", TCTL_VAL_NUMBER, NULL, 0, 0,			\
	  "tunnel id (the GRE key); 32 bits on gre and ip6gre" },	\
	{ "dst", "ADDR", TCTL_VAL_ADDR, NULL, TCTL_KW_REQUIRED, 0,	\
	  "underlay address of the remote end", UNLESS },		\
	{ "src", "ADDR", TCTL_VAL_ADDR, NULL, 0, 0,			\
	  "underlay source address (default: chosen by routing)" },	\
	{ "ttl", "TTL", TCTL_VAL_NUMBER, NULL, 0, 0,			\
	  "outer TTL or hop limit, 0-255; 0 or inherit: the inner one" }, \
	{ "tos", "TOS", TCTL_VAL_NUMBER, NULL, 0, 0,			\
	  "outer TOS or traffic class, 0-255; inherit (IPv4 underlay)" }, \
	{ "key", NULL, TCTL_VAL_NONE, NULL, 0, TCTL_GROUP_KEY,		\
	  "put the id on the wire as the GRE key (default with id on GRE)" }, \
	{ "nokey", NULL, TCTL_VAL_NONE, NULL, 0, TCTL_GROUP_KEY,	\
	  "send GRE without a key even though an id is set" },		\
	{ "csum", NULL, TCTL_VAL_NONE, NULL, 0, 0, "GRE checksum" },	\
	{ "seq", NULL, TCTL_VAL_NONE, NULL, 0, 0, "GRE sequence numbers" }, \
	{ "dev", "NAME", TCTL_VAL_DEVICE, NULL, TCTL_KW_REQUIRED, 0,	\
	  "the external tunnel device", UNLESS }

int tctl_encap_from_args(const struct tctl_args *a, struct tctl_encap *e,
			 struct tctl_err *err);
/* Is any encap keyword given?  *word: the first one found. */
bool tctl_encap_args_given(const struct tctl_args *a, const char **word);

#endif

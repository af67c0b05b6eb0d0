/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The route commands' grammar, and their arguments turned into the model. */
#ifndef TCTL_ROUTE_ARGS_H
#define TCTL_ROUTE_ARGS_H

#include "grammar.h"
#include "model.h"

extern const struct tctl_syntax tctl_syntax_route_add;
extern const struct tctl_syntax tctl_syntax_route_replace;
extern const struct tctl_syntax tctl_syntax_route_del;
extern const struct tctl_syntax tctl_syntax_route_show;
extern const struct tctl_syntax tctl_syntax_route_flush;

/* Which routes a del, show or flush is about. */
#define TCTL_FILTER_HAS_DST	(1u << 0)
#define TCTL_FILTER_HAS_DEV	(1u << 1)
#define TCTL_FILTER_HAS_TABLE	(1u << 2)
#define TCTL_FILTER_HAS_METRIC	(1u << 3)
#define TCTL_FILTER_HAS_ID	(1u << 4)
#define TCTL_FILTER_ALL_TABLES	(1u << 5)

struct tctl_route_filter {
	uint32_t has;
	struct tctl_prefix dst;
	char dev[IFNAMSIZ];
	uint32_t table;
	uint32_t metric;
	uint64_t id;
};

/* add / replace: a desired route, checked for syntax only. */
int tctl_route_from_args(const struct tctl_args *a, struct tctl_route *r,
			 struct tctl_err *err);
/* del / show / flush. */
int tctl_route_filter_from_args(const struct tctl_args *a,
				struct tctl_route_filter *f, struct tctl_err *err);
bool tctl_route_filter_match(const struct tctl_route_filter *f,
			     const struct tctl_route *r);

/* ttl N|inherit and tos N|inherit, as the kernel stores them. */
int tctl_parse_ttl(const char *s, uint8_t *ttl, struct tctl_err *err);
int tctl_parse_tos(const char *s, uint8_t *tos, struct tctl_err *err);
int tctl_parse_ifname(const char *s, char *out, const char *what, struct tctl_err *err);

#endif

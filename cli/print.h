/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One text and one JSON printer per object; nothing else looks at -j. */
#ifndef TCTL_PRINT_H
#define TCTL_PRINT_H

#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>

#include "../lib/model.h"
#include "../lib/route_ops.h"
#include "cli.h"

/* The encap's columns of the route and nexthop tables. */
struct encap_cells {
	char id[24], dst[TCTL_ADDRSTRLEN], src[TCTL_ADDRSTRLEN];
	char ttl[12], tos[12], flags[16];
};

void encap_cells(const struct tctl_encap *e, struct encap_cells *c);

void print_devs(const struct cli *cli, const struct tctl_dev_list *l);
void print_nexthops(const struct cli *cli, const struct tctl_nexthop_list *l,
		    const size_t *users);
void print_routes(const struct cli *cli, const struct tctl_route_list *l);
void print_flush(const struct cli *cli, const struct tctl_flush_result *res);

/*
 * The plan in words, from its JSON (tctl_plan_to_json): diff and apply
 * --dry-run make it, tunnelctld sends it to `ctrl plan`; one printer keeps
 * the two in the same words.
 */
void print_plan_text(FILE *f, json_object *plan);
/* Only its ops (devices, nexthops, routes): the lines before the conflicts. */
void print_plan_ops(FILE *f, json_object *plan);
/* The plan's "summary": "2 nexthops, 3 routes to add; ..." ("added" ... once done). */
void print_plan_summary(FILE *f, json_object *summary, bool done);
/* The plan's "conflicts", one "! conflict: ..." line each. */
void print_conflicts_text(FILE *f, json_object *conflicts);

/* "encap ip id 100 dst 192.0.2.1 ttl 9 key", from an "encap" object of the JSON. */
void print_encap_words(FILE *f, json_object *encap);

struct tctl_mon_event;
/* One event of `monitor`: its JSON object (the -j line), and that object in words. */
json_object *monitor_event_json(const struct tctl_mon_event *ev);
void print_monitor_text(FILE *f, json_object *ev);

struct tctl_findings;
/* doctor's findings: a line each with its fix, or a JSON array. */
void print_findings(const struct cli *cli, const struct tctl_findings *f);

/* tunnelctld's status answer, in words. */
void print_ctrl_status(json_object *st);
/* A peer list's "problems", "FILE:LINE: PATH: message" as validate prints them. */
void print_peer_problems(FILE *f, const char *prefix, const char *file, json_object *probs);

/*
 * Reading a JSON document to print it.  An absent key, a null and a value
 * of the wrong type all read as nothing: the document may come from
 * another program (tunnelctld), and a printer must not trip over it.
 */
static inline json_object *jget(json_object *o, const char *key)
{
	json_object *v = NULL;

	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

static inline const char *jget_str(json_object *o, const char *key)
{
	json_object *v = jget(o, key);

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static inline bool jis_num(json_object *v)
{
	return v && (json_object_is_type(v, json_type_int) ||
		     json_object_is_type(v, json_type_double));
}

static inline int64_t jget_int(json_object *o, const char *key)
{
	json_object *v = jget(o, key);

	return jis_num(v) ? json_object_get_int64(v) : 0;
}

/* A scalar as the document wrote it, or "-". */
static inline const char *jtxt(json_object *o, const char *key)
{
	json_object *v = jget(o, key);

	return v ? json_object_get_string(v) : "-";
}

static inline size_t jarr_len(json_object *a)
{
	return a && json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
}

static inline const char *plural(int64_t n)
{
	return n == 1 ? "" : "s";
}

#endif

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * monitor's events: one JSON object each (-j), the object inside as
 * `route show -j`, `nexthop show -j` and `dev show -j` print it; and the
 * same event in words, made from that JSON, one line like ip monitor's:
 *
 *     route add 10.1.2.0/24 encap ip id 100 dst 192.0.2.7 dev gre1 proto tunnelctl owned
 *     nexthop del 7 encap ip id 7 dst 192.0.2.7 dev gre1 proto static foreign
 *     dev gre1 down mtu 1400
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../lib/model_json.h"
#include "../lib/monitor.h"
#include "../lib/plan_json.h"
#include "print.h"

#define LOST_MESSAGE "events were lost (the receive buffer overran); what changed meanwhile is not shown"

static json_object *dev_changes(const struct tctl_mon_event *ev)
{
	json_object *a = json_object_new_array();

	if (ev->changed & TCTL_MON_CHG_UP)
		json_object_array_add(a, json_object_new_string(ev->dev.up ? "up" : "down"));
	if (ev->changed & TCTL_MON_CHG_MTU)
		json_object_array_add(a, json_object_new_string("mtu"));
	if (ev->changed & TCTL_MON_CHG_NAME)
		json_object_array_add(a, json_object_new_string("name"));
	return a;
}

json_object *monitor_event_json(const struct tctl_mon_event *ev)
{
	json_object *o = json_object_new_object();
	const char *obj = tctl_mon_object_name(ev->object);

	if (ev->object == TCTL_MON_LOST) {
		json_object_object_add(o, "event", json_object_new_string("lost"));
		json_object_object_add(o, "message", json_object_new_string(LOST_MESSAGE));
		return o;
	}
	json_object_object_add(o, "event", json_object_new_string(tctl_mon_act_name(ev->act)));
	json_object_object_add(o, "object", json_object_new_string(obj));
	switch (ev->object) {
	case TCTL_MON_ROUTE:
		json_object_object_add(o, obj, tctl_route_to_json(&ev->route));
		json_object_object_add(o, "owned", json_object_new_boolean(ev->owned));
		break;
	case TCTL_MON_NEXTHOP:
		json_object_object_add(o, obj, tctl_nexthop_to_json(&ev->nh));
		json_object_object_add(o, "owned", json_object_new_boolean(ev->owned));
		break;
	default:
		json_object_object_add(o, obj, tctl_dev_to_json(&ev->dev));
		if (ev->act == TCTL_MON_CHANGE)
			json_object_object_add(o, "changes", dev_changes(ev));
		if (ev->changed & TCTL_MON_CHG_NAME)
			json_object_object_add(o, "old_ifname", json_object_new_string(ev->old_name));
		break;
	}
	return o;
}

static bool has_str(json_object *a, const char *s)
{
	for (size_t i = 0; i < jarr_len(a); i++) {
		const char *v = json_object_get_string(json_object_array_get_idx(a, i));

		if (v && !strcmp(v, s))
			return true;
	}
	return false;
}

static void owner_words(FILE *f, json_object *o, json_object *ev)
{
	json_object *owned = jget(ev, "owned");

	fprintf(f, " proto %s %s", jtxt(o, "protocol"),
		owned && json_object_get_boolean(owned) ? "owned" : "foreign");
}

static void route_text(FILE *f, const char *act, json_object *ev)
{
	json_object *r = jget(ev, "route");
	const char *table = jget_str(r, "table");

	fprintf(f, "route %s %s", act, jtxt(r, "dst"));
	if (jget(r, "nhid"))
		fprintf(f, " nhid %s", jtxt(r, "nhid"));
	if (jget(r, "encap")) {
		fputc(' ', f);
		print_encap_words(f, jget(r, "encap"));
	}
	if (jget_str(r, "dev") && jget_str(r, "dev")[0])
		fprintf(f, " dev %s", jget_str(r, "dev"));
	if (table && strcmp(table, "main"))
		fprintf(f, " table %s", table);
	if (jget_int(r, "metric"))
		fprintf(f, " metric %" PRId64, jget_int(r, "metric"));
	owner_words(f, r, ev);
}

static void nexthop_text(FILE *f, const char *act, json_object *ev)
{
	json_object *nh = jget(ev, "nexthop");

	fprintf(f, "nexthop %s %s", act, jtxt(nh, "id"));
	if (jget(nh, "encap")) {
		fputc(' ', f);
		print_encap_words(f, jget(nh, "encap"));
	}
	if (jget_str(nh, "dev") && jget_str(nh, "dev")[0])
		fprintf(f, " dev %s", jget_str(nh, "dev"));
	fprintf(f, " family %s", jtxt(nh, "family"));
	owner_words(f, nh, ev);
}

static void dev_text(FILE *f, const char *act, json_object *ev)
{
	json_object *d = jget(ev, "dev"), *info = jget(d, "linkinfo");
	json_object *data = jget(info, "info_data"), *ch = jget(ev, "changes");
	bool up = has_str(jget(d, "flags"), "UP");

	if (!strcmp(act, "del")) {
		fprintf(f, "dev del %s", jtxt(d, "ifname"));
		return;
	}
	if (!strcmp(act, "change")) {
		fprintf(f, "dev %s", jget_str(ev, "old_ifname") ? jget_str(ev, "old_ifname") :
			jtxt(d, "ifname"));
		if (has_str(ch, "name"))
			fprintf(f, " name %s", jtxt(d, "ifname"));
		if (has_str(ch, "up") || has_str(ch, "down"))
			fprintf(f, " %s", up ? "up" : "down");
		if (has_str(ch, "mtu"))
			fprintf(f, " mtu %s", jtxt(d, "mtu"));
		return;
	}
	fprintf(f, "dev add %s %s", jtxt(d, "ifname"), jtxt(info, "info_kind"));
	if (jget_str(data, "mode"))
		fprintf(f, " mode %s", jget_str(data, "mode"));
	fprintf(f, " external mtu %s", jtxt(d, "mtu"));
	if (jget_str(d, "link"))
		fprintf(f, " link %s", jget_str(d, "link"));
	fprintf(f, " %s", up ? "up" : "down");
}

void print_monitor_text(FILE *f, json_object *ev)
{
	const char *event = jget_str(ev, "event"), *obj = jget_str(ev, "object");

	if (!event || !strcmp(event, "lost")) {
		fprintf(f, "lost: %s\n", jtxt(ev, "message"));
		return;
	}
	if (obj && !strcmp(obj, "route"))
		route_text(f, event, ev);
	else if (obj && !strcmp(obj, "nexthop"))
		nexthop_text(f, event, ev);
	else
		dev_text(f, event, ev);
	fputc('\n', f);
}

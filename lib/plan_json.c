// SPDX-License-Identifier: GPL-2.0-or-later
#include "plan_json.h"

#include <arpa/inet.h>
#include <stdio.h>

#include "model_json.h"
#include "rtnames.h"

const char *tctl_act_name(enum tctl_act act)
{
	switch (act) {
	case TCTL_ACT_ADD:
		return "add";
	case TCTL_ACT_REPLACE:
		return "replace";
	default:
		return "delete";
	}
}

json_object *tctl_nexthop_to_json(const struct tctl_nexthop *nh)
{
	json_object *o = json_object_new_object();
	char buf[32];

	json_object_object_add(o, "id", json_object_new_int64(nh->id));
	json_object_object_add(o, "family", json_object_new_string(
		nh->family == AF_INET6 ? "inet6" : "inet"));
	if (nh->has & TCTL_NH_HAS_ENCAP)
		json_object_object_add(o, "encap", tctl_encap_to_json(&nh->encap));
	json_object_object_add(o, "dev", json_object_new_string(nh->dev));
	json_object_object_add(o, "protocol", json_object_new_string(
		tctl_proto_name(nh->protocol, buf, sizeof(buf))));
	json_object_object_add(o, "owned", json_object_new_boolean(
		nh->protocol == tctl_own_proto()));
	return o;
}

static json_object *diff_json(uint32_t diff)
{
	json_object *a = json_object_new_array();

	for (uint32_t bit = 1; bit; bit <<= 1)
		if (diff & bit)
			json_object_array_add(a, json_object_new_string(tctl_diff_name(bit)));
	return a;
}

static json_object *op_json(enum tctl_act act, uint32_t diff, const char *peer)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "action", json_object_new_string(tctl_act_name(act)));
	if (peer)
		json_object_object_add(o, "peer", json_object_new_string(peer));
	if (act == TCTL_ACT_REPLACE)
		json_object_object_add(o, "changes", diff_json(diff));
	return o;
}

static json_object *devs_json(const struct tctl_plan *plan)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < plan->ndevs; i++) {
		const struct tctl_plan_dev *op = &plan->devs[i];
		json_object *o = op_json(op->act, op->diff, NULL);

		json_object_object_add(o, "ifname", json_object_new_string(op->want->name));
		json_object_object_add(o, "mode", json_object_new_string(
			tctl_kind_info(op->want->kind)->name));
		if (op->want->has_mtu)
			json_object_object_add(o, "mtu", json_object_new_int64(op->want->mtu));
		if (op->want->datapath == TCTL_DATAPATH_KMOD) {
			char l[INET_ADDRSTRLEN] = "any";

			if (op->want->local.s_addr)
				inet_ntop(AF_INET, &op->want->local, l, sizeof(l));
			json_object_object_add(o, "datapath", json_object_new_string("kmod"));
			json_object_object_add(o, "local", json_object_new_string(l));
			json_object_object_add(o, "policy", json_object_new_string(
				tctl_ft_policy_name(op->want->policy)));
		}
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *nhs_json(const struct tctl_plan *plan)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < plan->nnhs; i++) {
		const struct tctl_plan_nh *op = &plan->nhs[i];
		json_object *o = op_json(op->act, op->diff,
					 op->want && op->want->peer ? op->want->peer->name : NULL);

		json_object_object_add(o, "nexthop", tctl_nexthop_to_json(
			op->want ? &op->want->nh : op->have));
		if (op->act == TCTL_ACT_REPLACE)
			json_object_object_add(o, "was", tctl_nexthop_to_json(op->have));
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *peers_json(const struct tctl_plan *plan)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < plan->npeers; i++) {
		const struct tctl_plan_peer *op = &plan->peers[i];
		json_object *o = op_json(op->act, op->diff, op->want ? op->want->name : NULL);
		char r[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &op->remote, r, sizeof(r));
		json_object_object_add(o, "dev", json_object_new_string(op->dev->name));
		json_object_object_add(o, "remote", json_object_new_string(r));
		json_object_object_add(o, "id", json_object_new_uint64(op->id));
		if (op->act == TCTL_ACT_REPLACE)
			json_object_object_add(o, "was_id", json_object_new_uint64(op->have->id));
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *route_json(const struct tctl_route *r)
{
	json_object *o = tctl_route_to_json(r);

	return o;
}

static json_object *routes_json(const struct tctl_plan *plan)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < plan->nroutes; i++) {
		const struct tctl_plan_route *op = &plan->routes[i];
		json_object *o = op_json(op->act, op->diff,
					 op->want && op->want->peer ? op->want->peer->name : NULL);

		json_object_object_add(o, "route", route_json(op->want ? &op->want->r : op->have));
		if (op->act == TCTL_ACT_REPLACE)
			json_object_object_add(o, "was", route_json(op->have));
		json_object_array_add(a, o);
	}
	return a;
}

json_object *tctl_conflicts_to_json(const struct tctl_plan *plan)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < plan->nconflicts; i++) {
		const struct tctl_plan_conflict *c = &plan->conflicts[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "peer", json_object_new_string(c->want->peer->name));
		json_object_object_add(o, "route", route_json(&c->want->r));
		json_object_object_add(o, "theirs", route_json(c->theirs));
		json_object_object_add(o, "blocking", json_object_new_boolean(c->blocking));
		json_object_array_add(a, o);
	}
	return a;
}

json_object *tctl_plan_summary_json(const struct tctl_plan *plan)
{
	static const char *const objs[TCTL_OBJ_COUNT] = {
		"devices", "nexthops", "routes", "peers",
	};
	json_object *o = json_object_new_object();

	for (int k = 0; k < TCTL_OBJ_COUNT; k++) {
		json_object *c = json_object_new_object();

		for (int act = 0; act < 3; act++)
			json_object_object_add(c, tctl_act_name(act),
					       json_object_new_int64((int64_t)plan->counts[k][act]));
		json_object_object_add(o, objs[k], c);
	}
	json_object_object_add(o, "conflicts", json_object_new_int64((int64_t)plan->nconflicts));
	return o;
}

json_object *tctl_plan_to_json(const struct tctl_plan *plan)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "self", plan->desired.self ?
			       json_object_new_string(plan->desired.self->name) : NULL);
	json_object_object_add(o, "devices", devs_json(plan));
	json_object_object_add(o, "nexthops", nhs_json(plan));
	json_object_object_add(o, "routes", routes_json(plan));
	json_object_object_add(o, "peers", peers_json(plan));
	json_object_object_add(o, "conflicts", tctl_conflicts_to_json(plan));
	json_object_object_add(o, "summary", tctl_plan_summary_json(plan));
	return o;
}

json_object *tctl_diags_to_json(const struct tctl_diags *d, const char *path_key)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < d->n; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, path_key, json_object_new_string(d->v[i].path));
		if (d->v[i].line)
			json_object_object_add(o, "line", json_object_new_int(d->v[i].line));
		json_object_object_add(o, "message", json_object_new_string(d->v[i].msg));
		json_object_array_add(a, o);
	}
	return a;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The plan and apply's outcome as JSON (json-c), documented in tunnelctl(8). */
#ifndef TCTL_PLAN_JSON_H
#define TCTL_PLAN_JSON_H

#include <json-c/json.h>

#include "plan.h"

json_object *tctl_nexthop_to_json(const struct tctl_nexthop *nh);
json_object *tctl_plan_to_json(const struct tctl_plan *plan);
json_object *tctl_plan_summary_json(const struct tctl_plan *plan);
json_object *tctl_conflicts_to_json(const struct tctl_plan *plan);
json_object *tctl_diags_to_json(const struct tctl_diags *d, const char *path_key);
const char *tctl_act_name(enum tctl_act act);

#endif

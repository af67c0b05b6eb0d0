/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The model as JSON (json-c), with the keys of `ip -j` where ip has one:
 * devices as `ip -j -d link show`, routes as iproute2 6.3+ `ip -j -d route
 * show` (the encap fields nested under "encap").  man/tunnelctl.8 documents
 * every key; tests check the schema.
 */
#ifndef TCTL_MODEL_JSON_H
#define TCTL_MODEL_JSON_H

#include <json-c/json.h>

#include "model.h"

json_object *tctl_dev_to_json(const struct tctl_dev *d);
json_object *tctl_encap_to_json(const struct tctl_encap *e);
json_object *tctl_route_to_json(const struct tctl_route *r);

#endif

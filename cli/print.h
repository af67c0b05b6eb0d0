/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One text and one JSON printer per object; nothing else looks at -j. */
#ifndef TCTL_PRINT_H
#define TCTL_PRINT_H

#include "../lib/model.h"
#include "../lib/route_ops.h"
#include "cli.h"

void print_devs(const struct cli *cli, const struct tctl_dev_list *l);
void print_routes(const struct cli *cli, const struct tctl_route_list *l);
void print_flush(const struct cli *cli, const struct tctl_flush_result *res);

#endif

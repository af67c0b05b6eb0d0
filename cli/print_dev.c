// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>

#include "../lib/model_json.h"
#include "output.h"
#include "print.h"

static void devs_text(const struct tctl_dev_list *l)
{
	static const char *const header[] = {
		"NAME", "MODE", "STATE", "MTU", "LINK", "EXTERNAL",
	};
	struct cli_table t;

	cli_table_init(&t, 6, header);
	for (size_t i = 0; i < l->n; i++) {
		const struct tctl_dev *d = &l->v[i];
		char mtu[16];
		const char *row[6];

		snprintf(mtu, sizeof(mtu), "%u", d->mtu);
		row[0] = d->name;
		row[1] = d->kind_name;
		row[2] = d->up ? "up" : "down";
		row[3] = mtu;
		row[4] = d->link[0] ? d->link : "-";
		row[5] = d->external ? "yes" : "no";
		if (cli_table_add(&t, row))
			break;
	}
	cli_table_print(&t, stdout);
	cli_table_free(&t);
}

void print_devs(const struct cli *cli, const struct tctl_dev_list *l)
{
	json_object *a;

	if (!cli->json) {
		devs_text(l);
		return;
	}
	a = json_object_new_array();
	for (size_t i = 0; i < l->n; i++)
		json_object_array_add(a, tctl_dev_to_json(&l->v[i]));
	cli_print_json(cli, a);
}

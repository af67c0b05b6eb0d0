// SPDX-License-Identifier: GPL-2.0-or-later
#include <arpa/inet.h>
#include <stdio.h>
#include <sys/socket.h>

#include "../lib/model_json.h"
#include "output.h"
#include "print.h"

/* Flowtun devices add their columns; a list of in-tree devices keeps six. */
enum { C_NAME, C_MODE, C_STATE, C_MTU, C_LINK, C_EXTERNAL, C_DATAPATH, C_LOCAL, C_POLICY,
       NCOLS };

static void devs_text(const struct tctl_dev_list *l)
{
	static const char *const header[NCOLS] = {
		"NAME", "MODE", "STATE", "MTU", "LINK", "EXTERNAL", "DATAPATH", "LOCAL", "POLICY",
	};
	struct cli_table t;
	size_t ncols = C_DATAPATH;

	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].datapath == TCTL_DATAPATH_KMOD)
			ncols = NCOLS;
	cli_table_init(&t, ncols, header);
	for (size_t i = 0; i < l->n; i++) {
		const struct tctl_dev *d = &l->v[i];
		bool kmod = d->datapath == TCTL_DATAPATH_KMOD;
		char mtu[16], local[INET_ADDRSTRLEN];
		const char *row[NCOLS];

		snprintf(mtu, sizeof(mtu), "%u", d->mtu);
		row[C_NAME] = d->name;
		row[C_MODE] = kmod ? tctl_kind_info(d->kind)->name : d->kind_name;
		row[C_STATE] = d->up ? "up" : "down";
		row[C_MTU] = mtu;
		row[C_LINK] = d->link[0] ? d->link : "-";
		row[C_EXTERNAL] = d->external ? "yes" : "no";
		row[C_DATAPATH] = tctl_datapath_name(d->datapath);
		row[C_LOCAL] = !kmod ? "-" : !d->local.s_addr ? "any" :
			       inet_ntop(AF_INET, &d->local, local, sizeof(local));
		row[C_POLICY] = kmod ? tctl_ft_policy_name(d->policy) : "-";
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

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Output plumbing: aligned text tables and JSON documents. */
#ifndef TCTL_OUTPUT_H
#define TCTL_OUTPUT_H

#include <json-c/json.h>
#include <stdio.h>

#include "cli.h"

struct cli_table {
	size_t ncols;
	const char *const *header;
	char **cells;		/* nrows * ncols, owned */
	size_t nrows, cap;
};

void cli_table_init(struct cli_table *t, size_t ncols, const char *const *header);
/* Add a row of ncols strings (copied). */
int cli_table_add(struct cli_table *t, const char *const *row);
/* Header and rows, columns aligned; nothing at all for no rows. */
void cli_table_print(const struct cli_table *t, FILE *f);
void cli_table_free(struct cli_table *t);

/* Print o (consumed) as one JSON document, pretty with -p. */
void cli_print_json(const struct cli *cli, json_object *o);

#endif

// SPDX-License-Identifier: GPL-2.0-or-later
#include "output.h"

#include <stdlib.h>
#include <string.h>

void cli_table_init(struct cli_table *t, size_t ncols, const char *const *header)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
	t->header = header;
}

int cli_table_add(struct cli_table *t, const char *const *row)
{
	if (t->nrows == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 32;
		char **nc = realloc(t->cells, ncap * t->ncols * sizeof(*nc));

		if (!nc)
			return -1;
		t->cells = nc;
		t->cap = ncap;
	}
	for (size_t c = 0; c < t->ncols; c++) {
		char *s = strdup(row[c] ? row[c] : "");

		if (!s) {
			for (size_t k = 0; k < c; k++)
				free(t->cells[t->nrows * t->ncols + k]);
			return -1;
		}
		t->cells[t->nrows * t->ncols + c] = s;
	}
	t->nrows++;
	return 0;
}

static void print_row(FILE *f, const char *const *row, const size_t *width, size_t ncols)
{
	for (size_t c = 0; c < ncols; c++) {
		if (c + 1 == ncols)
			fprintf(f, "%s\n", row[c]);
		else
			fprintf(f, "%-*s  ", (int)width[c], row[c]);
	}
}

void cli_table_print(const struct cli_table *t, FILE *f)
{
	size_t width[32] = { 0 };

	if (!t->nrows || t->ncols > 32)
		return;
	for (size_t c = 0; c < t->ncols; c++) {
		width[c] = strlen(t->header[c]);
		for (size_t r = 0; r < t->nrows; r++) {
			size_t n = strlen(t->cells[r * t->ncols + c]);

			if (n > width[c])
				width[c] = n;
		}
	}
	print_row(f, t->header, width, t->ncols);
	for (size_t r = 0; r < t->nrows; r++)
		print_row(f, (const char *const *)&t->cells[r * t->ncols], width, t->ncols);
}

void cli_table_free(struct cli_table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}

void cli_print_json(const struct cli *cli, json_object *o)
{
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE;

	flags |= cli->pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED :
			       JSON_C_TO_STRING_PLAIN;
	puts(json_object_to_json_string_ext(o, flags));
	json_object_put(o);
}

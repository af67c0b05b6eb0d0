// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * doctor's findings: one line each, "STATUS  CHECK  message", the fix
 * under it ("        fix: ..."); with -j an array of {check, status,
 * message, fix}.
 */
#include <stdio.h>

#include "../lib/doctor.h"
#include "output.h"
#include "print.h"

static json_object *findings_json(const struct tctl_findings *f)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < f->n; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "check", json_object_new_string(f->v[i].check));
		json_object_object_add(o, "status", json_object_new_string(
			tctl_doc_status_name(f->v[i].status)));
		json_object_object_add(o, "message", json_object_new_string(f->v[i].message));
		json_object_object_add(o, "fix", f->v[i].fix ?
				       json_object_new_string(f->v[i].fix) : NULL);
		json_object_array_add(a, o);
	}
	return a;
}

void print_findings(const struct cli *cli, const struct tctl_findings *f)
{
	size_t n[3] = { 0 };

	if (cli->json) {
		cli_print_json(cli, findings_json(f));
		return;
	}
	for (size_t i = 0; i < f->n; i++) {
		printf("%-5s  %-14s %s\n", tctl_doc_status_name(f->v[i].status), f->v[i].check,
		       f->v[i].message);
		if (f->v[i].fix)
			printf("%-5s  %-14s fix: %s\n", "", "", f->v[i].fix);
		n[f->v[i].status]++;
	}
	printf("%zu ok, %zu warning%s, %zu error%s\n", n[TCTL_DOC_OK], n[TCTL_DOC_WARN],
	       plural((int64_t)n[TCTL_DOC_WARN]), n[TCTL_DOC_ERROR],
	       plural((int64_t)n[TCTL_DOC_ERROR]));
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The grammar of apply, diff and validate (commands without an object). */
#ifndef TCTL_APPLY_ARGS_H
#define TCTL_APPLY_ARGS_H

#include "grammar.h"
#include "plan.h"

extern const struct tctl_syntax tctl_syntax_apply;
extern const struct tctl_syntax tctl_syntax_diff;
extern const struct tctl_syntax tctl_syntax_validate;

struct tctl_apply_opts {
	const char *file;
	const char *self;	/* NULL: find it by local address */
	bool dry_run;
	enum tctl_prune prune;
	bool inline_routes;
};

int tctl_apply_opts_from_args(const struct tctl_args *a, struct tctl_apply_opts *o,
			      struct tctl_err *err);

#endif

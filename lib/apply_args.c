// SPDX-License-Identifier: GPL-2.0-or-later
#include "apply_args.h"

#include <string.h>

enum { GROUP_PRUNE = 1 };

#define KW_FILE								\
	{ .metavar = "FILE", .val = TCTL_VAL_FILE,			\
	  .flags = TCTL_KW_POSITIONAL | TCTL_KW_REQUIRED,		\
	  .help = "the peer list (JSON, tunnelctl-peers(5)); - for stdin" }
#define KW_SELF								\
	{ "--self", "NAME", TCTL_VAL_TEXT, NULL, 0, 0,			\
	  "this node's peer (default: the peer whose underlay is local)" }

static const struct tctl_kw kw_apply[] = {
	KW_FILE,
	KW_SELF,
	{ "--dry-run", NULL, TCTL_VAL_NONE, NULL, 0, 0, "print the plan, change nothing" },
	{ "--prune", NULL, TCTL_VAL_NONE, NULL, 0, GROUP_PRUNE,
	  "also delete tunnelctl's objects on devices the list does not name" },
	{ "--no-prune", NULL, TCTL_VAL_NONE, NULL, 0, GROUP_PRUNE,
	  "add and replace only; delete nothing" },
	{ "--inline", NULL, TCTL_VAL_NONE, NULL, 0, 0,
	  "routes carry the encap themselves, no nexthop objects (slow at scale)" },
	{ 0 }
};

const struct tctl_syntax tctl_syntax_apply = {
	"apply", "", kw_apply, "make this node's kernel equal to a peer list", NULL,
};

static const struct tctl_kw kw_diff[] = {
	KW_FILE,
	KW_SELF,
	{ "--prune", NULL, TCTL_VAL_NONE, NULL, 0, GROUP_PRUNE,
	  "as apply --prune" },
	{ "--no-prune", NULL, TCTL_VAL_NONE, NULL, 0, GROUP_PRUNE, "as apply --no-prune" },
	{ "--inline", NULL, TCTL_VAL_NONE, NULL, 0, 0, "as apply --inline" },
	{ 0 }
};

const struct tctl_syntax tctl_syntax_diff = {
	"diff", "", kw_diff, "show what apply would change (exit 1 if anything)", NULL,
};

static const struct tctl_kw kw_validate[] = {
	KW_FILE,
	{ 0 }
};

const struct tctl_syntax tctl_syntax_validate = {
	"validate", "", kw_validate, "check a peer list, touching no kernel", NULL,
};

int tctl_apply_opts_from_args(const struct tctl_args *a, struct tctl_apply_opts *o,
			      struct tctl_err *err)
{
	(void)err;
	memset(o, 0, sizeof(*o));
	o->file = tctl_args_get(a, "FILE");
	o->self = tctl_args_get(a, "--self");
	o->dry_run = tctl_args_has(a, "--dry-run");
	o->inline_routes = tctl_args_has(a, "--inline");
	o->prune = tctl_args_has(a, "--prune") ? TCTL_PRUNE_ALL :
		   tctl_args_has(a, "--no-prune") ? TCTL_PRUNE_NONE : TCTL_PRUNE_LISTED;
	return 0;
}

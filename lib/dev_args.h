/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The dev commands' grammar, and their arguments turned into the model. */
#ifndef TCTL_DEV_ARGS_H
#define TCTL_DEV_ARGS_H

#include "grammar.h"
#include "model.h"

extern const struct tctl_syntax tctl_syntax_dev_add;
extern const struct tctl_syntax tctl_syntax_dev_del;
extern const struct tctl_syntax tctl_syntax_dev_set;
extern const struct tctl_syntax tctl_syntax_dev_show;

/* dev add: a device to create (name, kind, mtu, link, up). */
int tctl_dev_from_args(const struct tctl_args *a, struct tctl_dev *d,
		       struct tctl_err *err);
/* dev set: the changes, as presence bits on d. */
int tctl_dev_change_from_args(const struct tctl_args *a, struct tctl_dev *d,
			      struct tctl_err *err);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The dev commands against the kernel.  Only gre, ipip, ip6gre and ip6tnl
 * devices (datapath intree) and flowtun devices (datapath kmod, modes gre
 * and ipip) are created, changed or deleted; everything is checked before
 * the one write.
 */
#ifndef TCTL_DEV_OPS_H
#define TCTL_DEV_OPS_H

#include "model.h"
#include "nl.h"

/*
 * Create d; *made is the device as the kernel then reports it (the kernel
 * clamps a tunnel's MTU to its maximum instead of refusing it).
 */
int tctl_dev_add(struct tctl_nl *nl, struct tctl_dev *d, struct tctl_dev *made,
		 struct tctl_err *err);
int tctl_dev_del(struct tctl_nl *nl, const char *name, struct tctl_err *err);
int tctl_dev_set(struct tctl_nl *nl, struct tctl_dev *change, struct tctl_err *err);
/* External tunnel devices, or the one named (NULL: all). */
int tctl_dev_show(struct tctl_nl *nl, const char *name, struct tctl_dev_list *out,
		  struct tctl_err *err);

/* The in-tree external device of this kind in the namespace, if any. */
const struct tctl_dev *tctl_dev_find_external(const struct tctl_dev_list *l,
					      enum tctl_kind kind);

#endif

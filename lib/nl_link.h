/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Links over rtnetlink: dump and decode, create external tunnels (the
 * in-tree kinds and flowtun), change, delete.
 */
#ifndef TCTL_NL_LINK_H
#define TCTL_NL_LINK_H

#include "model.h"
#include "nl.h"

/* Decode one RTM_NEWLINK (or RTM_DELLINK event) message; negative when it is not one we can read. */
int tctl_link_parse(struct nlmsghdr *nlh, struct tctl_dev *d);

/* Every link of the namespace, in ifindex order. */
int tctl_link_dump(struct tctl_nl *nl, struct tctl_dev_list *out, struct tctl_err *err);

/*
 * Create the external device d->name of kind d->kind; d->link_ifindex,
 * d->mtu and d->up per the presence bits.  With d->datapath kmod, a
 * flowtun device of mode d->kind, with d->local and d->policy when given.
 * The caller has validated d.
 */
int tctl_link_create(struct tctl_nl *nl, const struct tctl_dev *d, struct tctl_err *err);
int tctl_link_delete(struct tctl_nl *nl, const struct tctl_dev *d, struct tctl_err *err);
/*
 * Apply the changes flagged in change->has to device ifindex; a policy
 * change is for a flowtun device only.
 */
int tctl_link_change(struct tctl_nl *nl, int ifindex, const struct tctl_dev *change,
		     struct tctl_err *err);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The namespace's own addresses (RTM_GETADDR), to find this node in a peer list. */
#ifndef TCTL_NL_ADDR_H
#define TCTL_NL_ADDR_H

#include "addr.h"
#include "nl.h"

struct tctl_addr_list {
	struct tctl_addr *v;
	size_t n, cap;
};

int tctl_addr_dump(struct tctl_nl *nl, struct tctl_addr_list *out, struct tctl_err *err);
void tctl_addr_list_free(struct tctl_addr_list *l);

#endif

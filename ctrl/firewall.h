/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The in-tree external gre and ipip devices take encapsulated packets from
 * any source.  The controller closes them to strangers with an nftables
 * table of its own, "inet tunnelctl": two sets of the peer list's underlay
 * addresses (peers4, peers6), a named counter "dropped", and an input chain
 * that drops GRE, IPIP and IPv6-in-IPv4 (protocols 47, 4, 41) from any
 * source not in them.  Peers coming and going are set element changes,
 * never a reload of the table.  All of it lives in the current network
 * namespace.
 */
#ifndef TCTL_FIREWALL_H
#define TCTL_FIREWALL_H

#include <stddef.h>
#include <stdint.h>

#include "../lib/addr.h"
#include "../lib/error.h"

#define TCTL_FW_TABLE "tunnelctl"

struct tctl_fw;

/*
 * Create the table, or take over the one a previous run left, reading its
 * sets back.  A new table drops nothing until the first tctl_fw_sync; an
 * old one keeps its rules until that sync rewrites the chain, in the same
 * transaction as the elements, so a restart leaves no gap.
 */
int tctl_fw_open(struct tctl_fw **out, struct tctl_err *err);

/*
 * Make the sets equal to addrs (IPv4 and IPv6 mixed; duplicates allowed):
 * one transaction adding and deleting only the elements that differ.
 * added and removed (may be NULL) say how many.
 */
int tctl_fw_sync(struct tctl_fw *fw, const struct tctl_addr *addrs, size_t n, size_t *added,
		 size_t *removed, struct tctl_err *err);

/* The drop counter: packets and bytes dropped since the table was made. */
int tctl_fw_dropped(struct tctl_fw *fw, uint64_t *packets, uint64_t *bytes,
		    struct tctl_err *err);

/* How many addresses the sets hold now. */
size_t tctl_fw_size(const struct tctl_fw *fw);

/* Delete the table (--flush-on-exit, --no-firewall over an old table). */
int tctl_fw_remove(struct tctl_err *err);

void tctl_fw_close(struct tctl_fw *fw);

#endif

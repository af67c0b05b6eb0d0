// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: a peer list, through the pull parser, the reader and
 * the cross-checks, and when it is valid, the desired state of its first
 * peer (nexthop ids, routes) without a kernel.
 */
#include <stdint.h>
#include <string.h>

#include "../../lib/desired.h"
#include "../../lib/peers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tctl_diags diags = { 0 };
	struct tctl_peerlist pl;
	struct tctl_desired d;
	struct tctl_err err;

	if (!tctl_peers_parse((const char *)data, size, &pl, &diags)) {
		/* A valid list, even one without peers, is the caller's to free. */
		if (pl.npeers &&
		    !tctl_desired_build(&pl, &pl.peers[0], NULL, 157, NULL, false, &d, &err))
			tctl_desired_free(&d);
		tctl_peers_free(&pl);
	}
	tctl_diags_free(&diags);
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The peer list: one declarative document (JSON, version 1; see
 * tunnelctl-peers(5)) describing a whole mesh: its devices, defaults, and
 * every peer with its underlay address, overlay prefixes and tunnel id.
 * The same file serves every node; each finds itself in it.
 */
#ifndef TCTL_PEERS_H
#define TCTL_PEERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "addr.h"
#include "diag.h"
#include "model.h"

#define TCTL_PEERS_VERSION 1
#define TCTL_PEER_NAME_MAX 64

/* Settings a peer inherits from "defaults" and may override. */
#define TCTL_OPT_DEVICE	(1u << 0)
#define TCTL_OPT_TTL	(1u << 1)
#define TCTL_OPT_TOS	(1u << 2)
#define TCTL_OPT_KEY	(1u << 3)
#define TCTL_OPT_CSUM	(1u << 4)
#define TCTL_OPT_SEQ	(1u << 5)
#define TCTL_OPT_TABLE	(1u << 6)
#define TCTL_OPT_METRIC	(1u << 7)

struct tctl_peer_opts {
	uint32_t has;
	char device[IFNAMSIZ];
	uint8_t ttl, tos;
	bool key, csum, seq;
	bool tos_inherit;	/* written "inherit" (refused over IPv6) */
	uint32_t table, metric;
};

struct tctl_list_dev {
	char name[IFNAMSIZ];
	enum tctl_kind kind;	/* TCTL_KIND_OTHER when unmanaged */
	bool unmanaged;
	bool has_mtu;
	uint32_t mtu;
	/*
	 * "datapath": "kmod" makes it a flowtun device: GRE or IPIP over IPv4,
	 * bound to "local" (0: any), whose peer table apply fills with the
	 * list's other peers, and whose receive "policy" defaults to the
	 * allowlist, so that a kmod mesh is closed to strangers.
	 */
	enum tctl_datapath datapath;
	struct in_addr local;
	enum tctl_ft_policy policy;
	bool has_local, has_policy;	/* as written, for messages */
	int index;		/* position in "devices", for messages */
	bool broken;		/* had errors: checks that lean on it are skipped */
};

struct tctl_peer {
	char name[TCTL_PEER_NAME_MAX + 1];
	struct tctl_addr underlay;
	bool has_id;
	uint64_t id;
	struct tctl_prefix *prefixes;
	size_t nprefixes;
	struct tctl_peer_opts opts;	/* as written; see tctl_peer_effective() */
	int index;			/* position in "peers", for messages */
};

struct tctl_peerlist {
	int version;
	struct tctl_list_dev *devs;
	size_t ndevs;
	bool devs_broken;	/* "devices" itself was unusable */
	struct tctl_peer_opts defaults;
	struct tctl_peer *peers;
	size_t npeers;
	char digest[17];	/* FNV-1a 64 of the file, hex: the list's identity */
};

/*
 * Parse and validate the document text (name is the file name, for
 * messages).  Returns 0 when valid; otherwise every problem is in diags
 * and the list is emptied.
 */
int tctl_peers_parse(const char *text, size_t len, struct tctl_peerlist *pl,
		     struct tctl_diags *diags);
/* Read FILE ("-" for stdin) and parse it; I/O errors go to err. */
int tctl_peers_load(const char *file, struct tctl_peerlist *pl, struct tctl_diags *diags,
		    struct tctl_err *err);
void tctl_peers_free(struct tctl_peerlist *pl);

/* The defaults with the peer's overrides on top. */
void tctl_peer_effective(const struct tctl_peerlist *pl, const struct tctl_peer *p,
			 struct tctl_peer_opts *out);
const struct tctl_list_dev *tctl_peers_find_dev(const struct tctl_peerlist *pl,
						const char *name);
const struct tctl_peer *tctl_peers_find(const struct tctl_peerlist *pl, const char *name);

/* Cross-checks over the parsed list (peers_check.c). */
void tctl_peers_check(const struct tctl_peerlist *pl, struct tctl_diags *diags);

#endif

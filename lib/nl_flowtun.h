/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The flowtun module's generic netlink family (kmod/uapi/flowtun.h): a
 * NETLINK_GENERIC socket in the chosen network namespace, the family id
 * resolved with libnl-genl, requests answered with the kernel's
 * extended-ack text, and dumps repeated when the kernel flags them
 * interrupted.  libnl builds and parses the messages; nl.c sends and
 * receives them.
 *
 * Above the requests, the peer and stats commands: each checks the device
 * (and, for add and del, the peer) before the one write, and turns the
 * kernel's errnos into messages that name the device and the peer.
 */
#ifndef TCTL_NL_FLOWTUN_H
#define TCTL_NL_FLOWTUN_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../kmod/uapi/flowtun.h"
#include "error.h"
#include "model.h"

/* The error when the family (or the link kind) is unknown to the kernel. */
#define TCTL_FT_NOT_LOADED "the flowtun module is not loaded (make kmod; then " \
	"modprobe flowtun once installed, or modprobe -a gre tunnel4 && insmod kmod/flowtun.ko)"

/* One counter per drop reason, in the uapi's order. */
#define TCTL_FT_NDROPS __FLOWTUN_DROP_MAX

struct tctl_ft_stats {
	uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes;
	uint64_t drops[TCTL_FT_NDROPS];
};

/* "no_metadata", "loop", ...: the name of reason i, NULL past the last. */
const char *tctl_ft_drop_name(size_t i);
uint64_t tctl_ft_drops_total(const struct tctl_ft_stats *s);

/* A flowtun device as FLOWTUN_CMD_DEV_GET reports it. */
struct tctl_ft_dev {
	int ifindex;
	char name[IFNAMSIZ];
	enum tctl_kind mode;		/* TCTL_KIND_GRE or _IPIP; _OTHER: unknown */
	struct in_addr local;		/* 0: any */
	enum tctl_ft_policy policy;
	int link_ifindex;		/* 0: none */
	uint32_t peer_count;
	struct tctl_ft_stats stats;
};

struct tctl_ft_dev_list {
	struct tctl_ft_dev *v;
	size_t n, cap;
};

/* A peer of a device's table. */
struct tctl_ft_peer {
	int ifindex;
	char dev[IFNAMSIZ];
	struct in_addr remote;
	uint64_t id;
	struct tctl_ft_stats stats;
};

struct tctl_ft_peer_list {
	struct tctl_ft_peer *v;
	size_t n, cap;
};

void tctl_ft_dev_list_free(struct tctl_ft_dev_list *l);
void tctl_ft_peer_list_free(struct tctl_ft_peer_list *l);

/* What peer add, replace and del name. */
struct tctl_ft_peer_req {
	char dev[IFNAMSIZ];
	struct in_addr remote;
	bool has_id;
	uint64_t id;
};

/* What peer show and stats select: a device, a remote, both or neither. */
struct tctl_ft_filter {
	bool has_dev, has_remote;
	char dev[IFNAMSIZ];
	struct in_addr remote;
};

struct tctl_ft;
struct tctl_nl;
struct nl_msg;

/*
 * Open a generic netlink socket in the named namespace (NULL: the current
 * one) and resolve the family; TCTL_FT_NOT_LOADED when it is not there.
 */
int tctl_ft_open(struct tctl_ft **out, const char *netns, struct tctl_err *err);
void tctl_ft_close(struct tctl_ft *ft);

/* Requests ------------------------------------------------------------- */

/* One device by name: -ENODEV when none, -EOPNOTSUPP when not flowtun. */
int tctl_ft_dev_get(struct tctl_ft *ft, const char *name, struct tctl_ft_dev *out,
		    struct tctl_err *err);
/* Every flowtun device of the namespace, in the kernel's order. */
int tctl_ft_dev_dump(struct tctl_ft *ft, struct tctl_ft_dev_list *out, struct tctl_err *err);
/* One peer: -ENOENT when the remote is not in the device's table. */
int tctl_ft_peer_get(struct tctl_ft *ft, const struct tctl_ft_dev *dev, struct in_addr remote,
		     struct tctl_ft_peer *out, struct tctl_err *err);
/* Append every peer of dev to out. */
int tctl_ft_peer_dump(struct tctl_ft *ft, const struct tctl_ft_dev *dev,
		      struct tctl_ft_peer_list *out, struct tctl_err *err);

/* Commands ------------------------------------------------------------- */

/* peer add (replace false) and peer replace (true): checked, then one write. */
int tctl_ft_peer_add(struct tctl_ft *ft, const struct tctl_ft_peer_req *req, bool replace,
		     struct tctl_err *err);
int tctl_ft_peer_del(struct tctl_ft *ft, const struct tctl_ft_peer_req *req,
		     struct tctl_err *err);
/*
 * Many peer writes at once (apply): one request each, for tctl_nl_stream()
 * on tctl_ft_nl(ft); the device by ifindex, checked by the caller.
 */
enum tctl_ft_write { TCTL_FT_WRITE_ADD, TCTL_FT_WRITE_REPLACE, TCTL_FT_WRITE_DEL };
struct tctl_nl *tctl_ft_nl(struct tctl_ft *ft);
struct nl_msg *tctl_ft_peer_write_msg(struct tctl_ft *ft, enum tctl_ft_write w, int ifindex,
				      struct in_addr remote, uint64_t id);

/*
 * The devices f selects (one with a dev, else all) and their peers (the one
 * with a remote), sorted by device name and remote address.  A remote that
 * no selected device has is an error (-ESRCH).
 */
int tctl_ft_show(struct tctl_ft *ft, const struct tctl_ft_filter *f,
		 struct tctl_ft_dev_list *devs, struct tctl_ft_peer_list *peers,
		 struct tctl_err *err);

#endif

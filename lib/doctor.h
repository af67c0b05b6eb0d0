/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tunnelctl doctor: checks of a node, each giving findings (a status, what
 * was seen, and how to fix it).  The checks only read: /proc, /sys,
 * /lib/modules, /etc, and rtnetlink dumps; nothing is loaded or changed.
 * The findings are data; cli/ prints them.
 */
#ifndef TCTL_DOCTOR_H
#define TCTL_DOCTOR_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "nl.h"

enum tctl_doc_status {
	TCTL_DOC_OK = 0,
	TCTL_DOC_WARN,
	TCTL_DOC_ERROR,
};

struct tctl_finding {
	char *check;		/* "kernel.gre", "mtu", "rp_filter" ... */
	enum tctl_doc_status status;
	char *message;		/* what was seen */
	char *fix;		/* what to do; NULL when nothing is to be done */
};

struct tctl_findings {
	struct tctl_finding *v;
	size_t n, cap;
};

/* Append a finding (copies of the strings); -ENOMEM when it cannot. */
int tctl_findings_add(struct tctl_findings *f, const char *check, enum tctl_doc_status st,
		      const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void tctl_findings_free(struct tctl_findings *f);
enum tctl_doc_status tctl_findings_worst(const struct tctl_findings *f);
const char *tctl_doc_status_name(enum tctl_doc_status st);

/*
 * Kernel support: the gre, ipip, ip6gre and ip6tnl modules (loaded, built
 * in, or loadable from /lib/modules/$(uname -r)), and the flowtun module
 * with its generic netlink family in netns.
 */
int tctl_doctor_kernel(const char *netns, struct tctl_findings *out, struct tctl_err *err);

/*
 * The namespace behind nl (named netns, NULL: this one): the one external
 * device per type and what holds the slots, tunnel MTUs against their
 * underlay, rp_filter on tunnel devices, routes of other protocols where
 * owned ones are.
 */
int tctl_doctor_net(struct tctl_nl *nl, const char *netns, struct tctl_findings *out,
		    struct tctl_err *err);

/* systemd-networkd and its ManageForeignRoutes (the host's namespace only). */
int tctl_doctor_networkd(const char *netns, struct tctl_findings *out, struct tctl_err *err);

#endif

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The running peer list.  A reload is a transaction: the new file is read,
 * validated and this node found in it before anything is swapped; a list
 * that fails any of that is rejected whole, the running one stays, and
 * the problems are kept for status until a good list comes.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../lib/nl_addr.h"
#include "../lib/rtnames.h"
#include "daemon.h"

static void reject(struct tctld *d, const char *msg, struct tctl_diags *problems)
{
	struct tctld_list_error *e = &d->list_error;

	tctl_diags_free(&e->problems);
	e->set = true;
	e->at = tctld_wall();
	snprintf(e->message, sizeof(e->message), "%s", msg);
	if (problems) {
		e->problems = *problems;
		memset(problems, 0, sizeof(*problems));
	}
	for (size_t i = 0; i < e->problems.n; i++) {
		const struct tctl_diag *g = &e->problems.v[i];
		char where[32] = "";

		if (g->line)
			snprintf(where, sizeof(where), ":%d", g->line);
		tctld_log("%s%s: %s%s%s", d->cfg.peers, where, g->path, g->path[0] ? ": " : "",
			  g->msg);
	}
	tctld_log("%s: rejected: %s%s", d->cfg.peers, msg,
		  d->have_list ? "; the running list stays" : "");
}

static void clear_error(struct tctld *d)
{
	tctl_diags_free(&d->list_error.problems);
	memset(&d->list_error, 0, sizeof(d->list_error));
}

/* Which peer this node is in pl: by --self, or by a local address. */
static int find_self(struct tctld *d, const struct tctl_peerlist *pl,
		     const struct tctl_peer **self, struct tctl_err *err)
{
	struct tctl_addr_list addrs = { 0 };
	int ret;

	if (!d->cfg.self && tctl_addr_dump(d->nl, &addrs, err))
		return -1;
	ret = tctl_find_self(pl, d->cfg.self, addrs.v, addrs.n, self, err);
	tctl_addr_list_free(&addrs);
	return ret;
}

/* What self should have, as the keys events are told apart by. */
static int wanted_of(const struct tctl_peerlist *pl, const struct tctl_peer *self,
		     struct tctld_wanted *out, struct tctl_err *err)
{
	struct tctl_desired want = { 0 };
	int ret;

	if (tctl_desired_build(pl, self, NULL, tctl_own_proto(), NULL, false, &want, err))
		return -1;
	ret = tctld_wanted_from(out, &want);
	tctl_desired_free(&want);
	return ret ? tctl_err_nomem(err) : 0;
}

enum tctld_load tctld_list_load(struct tctld *d, struct tctl_err *err)
{
	struct tctl_peerlist pl = { 0 };
	struct tctl_diags diags = { .max = 200 };
	struct tctld_wanted want = { 0 };
	const struct tctl_peer *self = NULL;
	struct tctl_err e = { 0 };

	if (tctl_peers_load(d->cfg.peers, &pl, &diags, &e)) {
		reject(d, diags.n ? "invalid peer list" : e.msg, &diags);
		tctl_diags_free(&diags);
		tctl_err_set(err, TCTL_ERR_USAGE, EINVAL, "%s: %s", d->cfg.peers,
			     d->list_error.message);
		return TCTLD_LOAD_REJECTED;
	}
	if (d->have_list && !strcmp(pl.digest, d->pl.digest)) {
		tctl_peers_free(&pl);
		if (d->list_error.set)
			tctld_log("%s: back to the running list (hash %s)", d->cfg.peers,
				  d->pl.digest);
		clear_error(d);
		return TCTLD_LOAD_UNCHANGED;
	}
	if (find_self(d, &pl, &self, &e) ||
	    wanted_of(&pl, self, &want, &e)) {
		reject(d, e.msg, NULL);
		tctl_peers_free(&pl);
		tctl_err_set(err, TCTL_ERR_USAGE, EINVAL, "%s: %s", d->cfg.peers, e.msg);
		return TCTLD_LOAD_REJECTED;
	}
	if (d->have_list) {
		tctld_log("%s: new list (hash %s, was %s): %zu peers, self %s", d->cfg.peers,
			  pl.digest, d->pl.digest, pl.npeers, self ? self->name : "-");
		tctl_peers_free(&d->pl);
		tctld_wanted_free(&d->want);
	} else {
		tctld_log("%s: loaded (hash %s): %zu peers, self %s", d->cfg.peers, pl.digest,
			  pl.npeers, self ? self->name : "-");
	}
	d->pl = pl;	/* the peers array moves with it: self stays valid */
	d->self = self;
	d->want = want;
	d->have_list = true;
	d->list_loaded = tctld_wall();
	clear_error(d);
	tctld_firewall_sync(d);
	return TCTLD_LOAD_APPLIED;
}

/*
 * Addresses changed: without --self this node may now be another peer
 * (or none).  1 when self changed, 0 when not, <0 when it cannot be found.
 */
int tctld_find_self(struct tctld *d)
{
	const struct tctl_peer *self = NULL;
	struct tctld_wanted want = { 0 };
	struct tctl_err e = { 0 };

	if (!d->have_list || d->cfg.self)
		return 0;
	if (find_self(d, &d->pl, &self, &e)) {
		tctld_log("%s", e.msg);
		snprintf(d->self_error, sizeof(d->self_error), "%.500s", e.msg);
		return -1;
	}
	d->self_error[0] = '\0';
	if (self == d->self)
		return 0;
	if (wanted_of(&d->pl, self, &want, &e)) {
		tctld_log("%s", e.msg);
		return -1;
	}
	tctld_log("this node is now peer %s (was %s), by its addresses", self->name,
		  d->self ? d->self->name : "-");
	tctld_wanted_free(&d->want);
	d->want = want;
	d->self = self;
	return 1;
}

void tctld_list_free(struct tctld *d)
{
	if (d->have_list) {
		tctl_peers_free(&d->pl);
		tctld_wanted_free(&d->want);
	}
	d->have_list = false;
	d->self = NULL;
	clear_error(d);
}

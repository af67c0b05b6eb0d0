// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The peer list's JSON turned into struct tctl_peerlist, in one pass of
 * the pull parser (jsonpull.h): no tree is built, so a list of 100,000
 * peers costs what its model costs.  Every problem is recorded with its
 * JSON path and line and parsing goes on, so one run reports them all; a
 * syntax error ends the document.  Cross-peer checks are in peers_check.c.
 */
#include "peers.h"
#include "bigmem.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "grammar.h"
#include "jsonpull.h"
#include "number.h"
#include "route_args.h"
#include "rtnames.h"

/* Large lists keep their first problems; the rest would drown them. */
#define MAX_DIAGS 200
#define MAX_KEYS 16

struct pctx {
	struct jp j;
	struct tctl_diags *d;
	struct tctl_peerlist *pl;
	bool syntax;		/* a syntax error ended the document */
	size_t peers_cap;
};

static void diag(struct pctx *c, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void diag(struct pctx *c, const char *path, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tctl_diag_add(c->d, path, c->j.tok_line, "%s", msg);
}

/* Stop at a syntax error: nothing after it can be read reliably. */
static bool ok(struct pctx *c)
{
	if (c->j.tok != JP_ERROR)
		return true;
	if (!c->syntax)
		tctl_diag_add(c->d, "", c->j.tok_line, "%s", c->j.err);
	c->syntax = true;
	return false;
}

/*
 * Paths are built for every member of every peer, so without printf: it
 * was a fifth of the time spent reading a list of 100,000 peers.
 */
static void sub(char *buf, size_t len, const char *path, const char *key)
{
	size_t a = strlen(path), b = strlen(key);

	if (a + b + 2 > len) {
		snprintf(buf, len, "%s.%s", path, key);
		return;
	}
	memcpy(buf, path, a);
	if (a)
		buf[a++] = '.';
	memcpy(buf + a, key, b + 1);
}

/* "peers[12]", "path[3]" */
static void indexed(char *buf, size_t len, const char *path, size_t i)
{
	char digits[24];
	size_t a = strlen(path), n = 0;

	do {
		digits[n++] = (char)('0' + i % 10);
		i /= 10;
	} while (i);
	if (a + n + 3 > len) {
		buf[0] = '\0';
		return;
	}
	memcpy(buf, path, a);
	buf[a++] = '[';
	while (n)
		buf[a++] = digits[--n];
	buf[a++] = ']';
	buf[a] = '\0';
}

/* A bounded copy of the current string token. */
static void copy_text(const struct jp *j, char *out, size_t len)
{
	size_t n = j->len < len - 1 ? j->len : len - 1;

	memcpy(out, j->text, n);
	out[n] = '\0';
}

/* The current token is a value of the wrong kind: say so and skip it. */
static void wrong(struct pctx *c, const char *path, const char *what)
{
	diag(c, path, "must be %s, not %s", what, jp_tok_name(c->j.tok));
	jp_skip(&c->j);
	ok(c);
}

/* Members and elements ------------------------------------------------- */

typedef void (*member_fn)(struct pctx *c, const char *path, const char *key, void *arg);
typedef void (*element_fn)(struct pctx *c, const char *path, size_t i, void *arg);

/*
 * The current token opened an object: call fn for each member with the
 * value's first token read (fn consumes the value).  A key given twice is
 * a problem (json-c would have kept the last one silently).
 */
static void each_member(struct pctx *c, const char *path, member_fn fn, void *arg)
{
	char seen[MAX_KEYS][64];
	size_t nseen = 0;

	for (;;) {
		char key[64];
		bool dup = false;

		if (jp_next(&c->j) == JP_OBJECT_END || !ok(c))
			return;
		copy_text(&c->j, key, sizeof(key));
		for (size_t i = 0; i < nseen; i++)
			dup |= !strcmp(seen[i], key);
		if (dup)
			diag(c, path, "\"%s\" is given twice", key);
		else if (nseen < MAX_KEYS)
			memcpy(seen[nseen++], key, sizeof(key));
		if (jp_next(&c->j) == JP_ERROR) {
			ok(c);
			return;
		}
		/* The second value of a key is reported, not read over the first. */
		if (dup)
			jp_skip(&c->j);
		else
			fn(c, path, key, arg);
		if (!ok(c))
			return;
	}
}

static void each_element(struct pctx *c, const char *path, element_fn fn, void *arg)
{
	for (size_t i = 0;; i++) {
		if (jp_next(&c->j) == JP_ARRAY_END || !ok(c))
			return;
		fn(c, path, i, arg);
		if (!ok(c))
			return;
	}
}

static void unknown_key(struct pctx *c, const char *path, const char *key,
			const char *const *known, size_t nknown)
{
	const char *near = tctl_closest(key, known, nknown);

	if (near)
		diag(c, path, "unknown key \"%s\" (did you mean \"%s\"?)", key, near);
	else
		diag(c, path, "unknown key \"%s\"", key);
	jp_skip(&c->j);
	ok(c);
}

/* Scalars ------------------------------------------------------------- */

static bool get_uint(struct pctx *c, const char *path, uint64_t max, uint64_t *out)
{
	bool neg;
	int ret;

	if (c->j.tok != JP_NUMBER) {
		wrong(c, path, "an integer");
		return false;
	}
	ret = jp_uint(&c->j, out, &neg);
	if (ret == -EINVAL) {
		diag(c, path, "must be an integer, not a number");
		return false;
	}
	if (neg) {
		diag(c, path, "%.*s is negative", (int)c->j.len, c->j.text);
		return false;
	}
	if (ret == -ERANGE || *out > max) {
		diag(c, path, "%.*s is out of range (0-%llu)", (int)c->j.len, c->j.text,
		     (unsigned long long)max);
		return false;
	}
	return true;
}

static bool get_bool(struct pctx *c, const char *path, bool *out)
{
	if (c->j.tok != JP_TRUE && c->j.tok != JP_FALSE) {
		wrong(c, path, "true or false");
		return false;
	}
	*out = c->j.tok == JP_TRUE;
	return true;
}

/* ttl / tos: a number or "inherit", as on the command line. */
static bool get_ttl_tos(struct pctx *c, const char *path, bool tos, uint8_t *out,
			bool *inherit)
{
	uint64_t n;

	if (c->j.tok == JP_STRING) {
		if (strcmp(c->j.text, "inherit")) {
			diag(c, path, "\"%s\" is not a number or \"inherit\"", c->j.text);
			return false;
		}
		*out = tos ? TCTL_TOS_INHERIT : TCTL_TTL_INHERIT;
		if (inherit)
			*inherit = true;
		return true;
	}
	if (c->j.tok != JP_NUMBER) {
		wrong(c, path, "a number or \"inherit\"");
		return false;
	}
	if (!get_uint(c, path, 255, &n))
		return false;
	*out = (uint8_t)n;
	return true;
}

static bool get_table(struct pctx *c, const char *path, uint32_t *out)
{
	struct tctl_err err;
	uint64_t n;

	if (c->j.tok == JP_STRING) {
		if (!tctl_table_parse(c->j.text, out, &err))
			return true;
		diag(c, path, "%s", err.msg);
		return false;
	}
	if (c->j.tok != JP_NUMBER) {
		wrong(c, path, "a table name or number");
		return false;
	}
	if (!get_uint(c, path, UINT32_MAX, &n))
		return false;
	if (n == 0) {
		diag(c, path, "table 0 is not a routing table");
		return false;
	}
	*out = (uint32_t)n;
	return true;
}

static bool get_ifname(struct pctx *c, const char *path, char *out)
{
	struct tctl_err err;

	if (c->j.tok != JP_STRING) {
		wrong(c, path, "a device name");
		return false;
	}
	if (!tctl_parse_ifname(c->j.text, out, "device", &err))
		return true;
	diag(c, path, "%s", err.msg);
	return false;
}

/* Settings a peer inherits ---------------------------------------------- */

static const char *const opt_keys[] = {
	"device", "ttl", "tos", "key", "csum", "seq", "table", "metric",
};
#define NOPT_KEYS (sizeof(opt_keys) / sizeof(opt_keys[0]))

/* One of the overridable settings, if key names one; false if it does not. */
static bool parse_opt(struct pctx *c, const char *path, const char *key,
		      struct tctl_peer_opts *o)
{
	char p[256];
	uint64_t n;

	sub(p, sizeof(p), path, key);
	if (!strcmp(key, "device")) {
		if (get_ifname(c, p, o->device))
			o->has |= TCTL_OPT_DEVICE;
	} else if (!strcmp(key, "ttl")) {
		if (get_ttl_tos(c, p, false, &o->ttl, NULL))
			o->has |= TCTL_OPT_TTL;
	} else if (!strcmp(key, "tos")) {
		if (get_ttl_tos(c, p, true, &o->tos, &o->tos_inherit))
			o->has |= TCTL_OPT_TOS;
	} else if (!strcmp(key, "key")) {
		if (get_bool(c, p, &o->key))
			o->has |= TCTL_OPT_KEY;
	} else if (!strcmp(key, "csum")) {
		if (get_bool(c, p, &o->csum))
			o->has |= TCTL_OPT_CSUM;
	} else if (!strcmp(key, "seq")) {
		if (get_bool(c, p, &o->seq))
			o->has |= TCTL_OPT_SEQ;
	} else if (!strcmp(key, "table")) {
		if (get_table(c, p, &o->table))
			o->has |= TCTL_OPT_TABLE;
	} else if (!strcmp(key, "metric")) {
		if (get_uint(c, p, UINT32_MAX, &n)) {
			o->metric = (uint32_t)n;
			o->has |= TCTL_OPT_METRIC;
		}
	} else {
		return false;
	}
	return true;
}

static void defaults_member(struct pctx *c, const char *path, const char *key, void *arg)
{
	(void)arg;
	if (!parse_opt(c, path, key, &c->pl->defaults))
		unknown_key(c, path, key, opt_keys, NOPT_KEYS);
}

/* Devices ----------------------------------------------------------------- */

#define SEEN_NAME	(1u << 0)
#define SEEN_MODE	(1u << 1)
#define SEEN_UNDERLAY	(1u << 2)
#define SEEN_PREFIXES	(1u << 3)

struct dev_ctx {
	struct tctl_list_dev *d;
	unsigned int seen;
};

static void device_mode(struct pctx *c, const char *p, struct tctl_list_dev *d)
{
	static const char *const modes[] = { "gre", "ipip", "ip6gre", "ip6tnl" };
	const char *near;

	if (c->j.tok != JP_STRING) {
		wrong(c, p, "a string");
		return;
	}
	d->kind = tctl_kind_from_name(c->j.text);
	if (d->kind != TCTL_KIND_OTHER)
		return;
	near = tctl_closest(c->j.text, modes, 4);
	diag(c, p, "\"%s\" is not a mode%s%s%s; expected gre, ipip, ip6gre or ip6tnl", c->j.text,
	     near ? " (did you mean \"" : "", near ? near : "", near ? "\"?)" : "");
}

static void device_datapath(struct pctx *c, const char *p, struct tctl_list_dev *d)
{
	if (c->j.tok != JP_STRING)
		wrong(c, p, "a string");
	else if (!strcmp(c->j.text, "kmod"))
		d->datapath = TCTL_DATAPATH_KMOD;
	else if (strcmp(c->j.text, "intree"))
		diag(c, p, "\"%s\" is not a datapath; expected intree (the kernel's own "
		     "devices) or kmod (the flowtun module)", c->j.text);
}

static void device_policy(struct pctx *c, const char *p, struct tctl_list_dev *d)
{
	d->has_policy = true;
	if (c->j.tok != JP_STRING)
		wrong(c, p, "a string");
	else if (!strcmp(c->j.text, "allowlist"))
		d->policy = TCTL_FT_POLICY_ALLOWLIST;
	else if (!strcmp(c->j.text, "open"))
		d->policy = TCTL_FT_POLICY_OPEN;
	else
		diag(c, p, "\"%s\" is not a receive policy; expected allowlist or open",
		     c->j.text);
}

static void device_local(struct pctx *c, const char *p, struct tctl_list_dev *d)
{
	struct tctl_addr a;
	struct tctl_err err;
	uint32_t h;

	d->has_local = true;
	if (c->j.tok != JP_STRING) {
		wrong(c, p, "an IPv4 address string");
		return;
	}
	if (tctl_addr_parse(&a, c->j.text, AF_INET, "local", &err)) {
		diag(c, p, "%s", err.msg);
		return;
	}
	h = ntohl(a.v4.s_addr);
	/* The module refuses these too; say so before anything is written. */
	if (IN_MULTICAST(h) || h == INADDR_BROADCAST || (h && !(h >> 24)))
		diag(c, p, "%s cannot be a local address: it is %s", c->j.text,
		     IN_MULTICAST(h) ? "multicast" : h == INADDR_BROADCAST ? "the broadcast "
		     "address" : "in 0.0.0.0/8");
	d->local = a.v4;
}

static void device_member(struct pctx *c, const char *path, const char *key, void *arg)
{
	static const char *const keys[] = {
		"name", "mode", "mtu", "unmanaged", "datapath", "local", "policy",
	};
	struct dev_ctx *x = arg;
	struct tctl_list_dev *d = x->d;
	char p[256];
	uint64_t n;

	sub(p, sizeof(p), path, key);
	if (!strcmp(key, "name")) {
		x->seen |= SEEN_NAME;
		get_ifname(c, p, d->name);
	} else if (!strcmp(key, "mode")) {
		x->seen |= SEEN_MODE;
		device_mode(c, p, d);
	} else if (!strcmp(key, "unmanaged")) {
		get_bool(c, p, &d->unmanaged);
	} else if (!strcmp(key, "datapath")) {
		device_datapath(c, p, d);
	} else if (!strcmp(key, "local")) {
		device_local(c, p, d);
	} else if (!strcmp(key, "policy")) {
		device_policy(c, p, d);
	} else if (!strcmp(key, "mtu")) {
		if (!get_uint(c, p, 65535, &n))
			return;
		if (n < 68)
			diag(c, p, "%llu is below the minimum MTU of 68", (unsigned long long)n);
		d->mtu = (uint32_t)n;
		d->has_mtu = true;
	} else {
		unknown_key(c, path, key, keys, sizeof(keys) / sizeof(keys[0]));
	}
}

/* What a device's keys say together, once all are read. */
static void device_whole(struct pctx *c, const char *p, struct tctl_list_dev *d)
{
	if (d->unmanaged && (d->kind != TCTL_KIND_OTHER || d->has_mtu ||
			     d->datapath != TCTL_DATAPATH_INTREE || d->has_local || d->has_policy))
		diag(c, p, "an unmanaged device takes no \"mode\", \"mtu\", \"datapath\", "
		     "\"local\" or \"policy\": tunnelctl only checks that it exists");
	else if (d->datapath == TCTL_DATAPATH_INTREE && (d->has_local || d->has_policy))
		diag(c, p, "\"%s\" belongs to flowtun devices: add \"datapath\": \"kmod\"",
		     d->has_local ? "local" : "policy");
	else if (d->datapath == TCTL_DATAPATH_KMOD && d->kind != TCTL_KIND_OTHER &&
		 d->kind != TCTL_KIND_GRE && d->kind != TCTL_KIND_IPIP)
		diag(c, p, "mode %s: datapath kmod (flowtun) has modes gre and ipip, over "
		     "IPv4", tctl_kind_info(d->kind)->name);
	/* A kmod mesh is closed to strangers unless the list opens it. */
	if (d->datapath == TCTL_DATAPATH_KMOD && !d->has_policy)
		d->policy = TCTL_FT_POLICY_ALLOWLIST;
}

static void device_element(struct pctx *c, const char *path, size_t i, void *arg)
{
	struct tctl_list_dev *d, *nv;
	struct dev_ctx x = { 0 };
	size_t before = c->d->n + c->d->dropped;
	char p[64];

	(void)path;
	(void)arg;
	nv = realloc(c->pl->devs, (i + 1) * sizeof(*nv));
	if (!nv) {
		diag(c, "devices", "out of memory");
		jp_skip(&c->j);
		return;
	}
	c->pl->devs = nv;
	c->pl->ndevs = i + 1;
	d = &nv[i];
	memset(d, 0, sizeof(*d));
	d->index = (int)i;
	indexed(p, sizeof(p), "devices", i);
	if (c->j.tok != JP_OBJECT) {
		wrong(c, p, "an object");
		d->broken = true;
		return;
	}
	x.d = d;
	each_member(c, p, device_member, &x);
	if (!(x.seen & SEEN_NAME))
		diag(c, p, "missing \"name\"");
	if (!(x.seen & SEEN_MODE) && !d->unmanaged)
		diag(c, p, "missing \"mode\" (or \"unmanaged\": true)");
	device_whole(c, p, d);
	d->broken = c->d->n + c->d->dropped > before;
}

/* Peers ------------------------------------------------------------------- */

static bool valid_peer_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > TCTL_PEER_NAME_MAX)
		return false;
	for (; *s; s++)
		if (!(*s >= 'a' && *s <= 'z') && !(*s >= 'A' && *s <= 'Z') &&
		    !(*s >= '0' && *s <= '9') && !strchr("._-", *s))
			return false;
	return true;
}

struct peer_ctx {
	struct tctl_peer *p;
	unsigned int seen;
	size_t cap;	/* of p->prefixes */
};

static void prefix_element(struct pctx *c, const char *path, size_t i, void *arg)
{
	struct peer_ctx *x = arg;
	struct tctl_peer *p = x->p;
	struct tctl_err err;
	char q[300];

	indexed(q, sizeof(q), path, i);
	if (c->j.tok != JP_STRING) {
		wrong(c, q, "a prefix string");
		return;
	}
	if (p->nprefixes == x->cap) {
		size_t ncap = x->cap ? x->cap * 2 : 1;
		struct tctl_prefix *nv = realloc(p->prefixes, ncap * sizeof(*nv));

		if (!nv) {
			diag(c, q, "out of memory");
			return;
		}
		p->prefixes = nv;
		x->cap = ncap;
	}
	if (tctl_prefix_parse(&p->prefixes[p->nprefixes], c->j.text, AF_UNSPEC, "prefix",
			      &err))
		diag(c, q, "%s", err.msg);
	else
		p->nprefixes++;
}

static void peer_name(struct pctx *c, const char *q, struct tctl_peer *p)
{
	if (c->j.tok != JP_STRING)
		wrong(c, q, "a string");
	else if (!valid_peer_name(c->j.text))
		diag(c, q, "\"%s\" is not a valid peer name (1-%d of A-Z a-z 0-9 . _ -)",
		     c->j.text, TCTL_PEER_NAME_MAX);
	else
		copy_text(&c->j, p->name, sizeof(p->name));
}

static void peer_member(struct pctx *c, const char *path, const char *key, void *arg)
{
	static const char *const keys[] = {
		"name", "underlay", "id", "prefixes",
		"device", "ttl", "tos", "key", "csum", "seq", "table", "metric",
	};
	struct peer_ctx *x = arg;
	struct tctl_peer *p = x->p;
	struct tctl_err err;
	char q[256];

	sub(q, sizeof(q), path, key);
	if (!strcmp(key, "name")) {
		x->seen |= SEEN_NAME;
		peer_name(c, q, p);
	} else if (!strcmp(key, "underlay")) {
		x->seen |= SEEN_UNDERLAY;
		if (c->j.tok != JP_STRING)
			wrong(c, q, "an address string");
		else if (tctl_addr_parse(&p->underlay, c->j.text, AF_UNSPEC, "underlay", &err))
			diag(c, q, "%s", err.msg);
	} else if (!strcmp(key, "id")) {
		p->has_id = get_uint(c, q, UINT64_MAX, &p->id);
	} else if (!strcmp(key, "prefixes")) {
		x->seen |= SEEN_PREFIXES;
		if (c->j.tok != JP_ARRAY)
			wrong(c, q, "an array of prefixes");
		else
			each_element(c, q, prefix_element, x);
	} else if (!parse_opt(c, path, key, &p->opts)) {
		unknown_key(c, path, key, keys, sizeof(keys) / sizeof(keys[0]));
	}
}

static void peer_element(struct pctx *c, const char *path, size_t i, void *arg)
{
	struct peer_ctx x = { 0 };
	struct tctl_peer *p;
	char q[64];

	(void)path;
	(void)arg;
	if (i == c->peers_cap) {
		size_t ncap = c->peers_cap ? c->peers_cap * 2 : 64;
		struct tctl_peer *nv = tctl_big_realloc(c->pl->peers, ncap * sizeof(*nv));

		if (!nv) {
			diag(c, "peers", "out of memory");
			jp_skip(&c->j);
			return;
		}
		c->pl->peers = nv;
		c->peers_cap = ncap;
	}
	p = &c->pl->peers[i];
	memset(p, 0, sizeof(*p));
	p->index = (int)i;
	c->pl->npeers = i + 1;
	indexed(q, sizeof(q), "peers", i);
	if (c->j.tok != JP_OBJECT) {
		wrong(c, q, "an object");
		return;
	}
	x.p = p;
	each_member(c, q, peer_member, &x);
	if (!(x.seen & SEEN_NAME))
		diag(c, q, "missing \"name\"");
	if (!(x.seen & SEEN_UNDERLAY))
		diag(c, q, "missing \"underlay\"");
	if (!(x.seen & SEEN_PREFIXES))
		diag(c, q, "missing \"prefixes\" (use [] for none)");
}

/* The document -------------------------------------------------------------- */

#define SEEN_VERSION	(1u << 0)
#define SEEN_DEVICES	(1u << 1)
#define SEEN_PEERS	(1u << 2)

struct top_ctx {
	unsigned int seen;
	uint64_t version;
	bool version_ok;
	int version_line;
};

static void top_member(struct pctx *c, const char *path, const char *key, void *arg)
{
	static const char *const keys[] = { "version", "devices", "defaults", "peers" };
	struct top_ctx *t = arg;

	if (!strcmp(key, "version")) {
		t->seen |= SEEN_VERSION;
		t->version_line = c->j.tok_line;
		t->version_ok = get_uint(c, "version", UINT32_MAX, &t->version);
	} else if (!strcmp(key, "devices")) {
		t->seen |= SEEN_DEVICES;
		if (c->j.tok != JP_ARRAY) {
			wrong(c, "devices", "an array");
			c->pl->devs_broken = true;
		} else {
			each_element(c, "devices", device_element, NULL);
		}
	} else if (!strcmp(key, "defaults")) {
		if (c->j.tok != JP_OBJECT)
			wrong(c, "defaults", "an object");
		else
			each_member(c, "defaults", defaults_member, NULL);
	} else if (!strcmp(key, "peers")) {
		t->seen |= SEEN_PEERS;
		if (c->j.tok != JP_ARRAY)
			wrong(c, "peers", "an array");
		else
			each_element(c, "peers", peer_element, NULL);
	} else {
		unknown_key(c, path, key, keys, 4);
	}
}

/*
 * The version decides how the rest reads: when it is missing or another
 * one, that is the only problem worth reporting.
 */
static void check_version(struct pctx *c, const struct top_ctx *t)
{
	if (t->seen & SEEN_VERSION && t->version_ok && t->version == TCTL_PEERS_VERSION) {
		c->pl->version = TCTL_PEERS_VERSION;
		return;
	}
	if (t->seen & SEEN_VERSION && !t->version_ok)
		return;		/* its own problem is reported */
	tctl_diags_free(c->d);
	c->d->max = MAX_DIAGS;
	if (!(t->seen & SEEN_VERSION))
		tctl_diag_add(c->d, "version", 0, "missing: the document must say "
			      "\"version\": %d", TCTL_PEERS_VERSION);
	else
		tctl_diag_add(c->d, "version", t->version_line, "unsupported version %llu; "
			      "this tunnelctl reads version %d",
			      (unsigned long long)t->version, TCTL_PEERS_VERSION);
}

static void parse_document(struct pctx *c)
{
	struct top_ctx t = { 0 };

	if (jp_next(&c->j) == JP_ERROR) {
		ok(c);
		return;
	}
	if (c->j.tok != JP_OBJECT) {
		wrong(c, "", "an object");
		return;
	}
	each_member(c, "", top_member, &t);
	if (c->syntax || (jp_next(&c->j) != JP_END && !ok(c)))
		return;
	if (!(t.seen & SEEN_DEVICES)) {
		diag(c, "devices", "missing: list at least one device");
		c->pl->devs_broken = true;
	}
	if (!(t.seen & SEEN_PEERS))
		diag(c, "peers", "missing");
	check_version(c, &t);
}

static void digest(const char *text, size_t len, char out[17])
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)text[i];
		h *= 1099511628211ULL;
	}
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

int tctl_peers_parse(const char *text, size_t len, struct tctl_peerlist *pl,
		     struct tctl_diags *diags)
{
	struct pctx c = { .d = diags, .pl = pl };

	memset(pl, 0, sizeof(*pl));
	if (!diags->max)
		diags->max = MAX_DIAGS;
	jp_init(&c.j, text, len);
	parse_document(&c);
	jp_free(&c.j);
	/* Cross-checks too, over what did parse: every problem in one run. */
	if (pl->version && !c.syntax)
		tctl_peers_check(pl, diags);
	if (diags->n || diags->dropped) {
		tctl_peers_free(pl);
		return -EINVAL;
	}
	digest(text, len, pl->digest);
	return 0;
}

void tctl_peers_free(struct tctl_peerlist *pl)
{
	for (size_t i = 0; i < pl->npeers; i++)
		free(pl->peers[i].prefixes);
	tctl_big_free(pl->peers);
	free(pl->devs);
	memset(pl, 0, sizeof(*pl));
}

/* The whole file in memory: the parser reads a buffer. */
static char *slurp(FILE *f, size_t *len)
{
	struct stat st;
	size_t cap = 1 << 16, n = 0;
	char *buf, *nb;

	/* A regular file is read into a buffer of its size, in one go. */
	if (!fstat(fileno(f), &st) && S_ISREG(st.st_mode) && st.st_size > 0)
		cap = (size_t)st.st_size + 2;
	buf = tctl_big_realloc(NULL, cap);

	while (buf) {
		size_t got = fread(buf + n, 1, cap - n - 1, f);

		n += got;
		if (n + 1 < cap) {
			if (ferror(f))
				break;
			buf[n] = '\0';
			*len = n;
			return buf;
		}
		nb = tctl_big_realloc(buf, cap * 2);
		if (!nb)
			break;
		buf = nb;
		cap *= 2;
	}
	tctl_big_free(buf);
	return NULL;
}

int tctl_peers_load(const char *file, struct tctl_peerlist *pl, struct tctl_diags *diags,
		    struct tctl_err *err)
{
	bool std = !strcmp(file, "-");
	FILE *f = std ? stdin : fopen(file, "re");
	size_t len = 0;
	char *text;
	int ret;

	memset(pl, 0, sizeof(*pl));
	if (!f)
		return tctl_err_set(err, TCTL_ERR_USAGE, errno, "%s: %s", file, strerror(errno));
	text = slurp(f, &len);
	if (!std)
		fclose(f);
	if (!text)
		return tctl_err_set(err, TCTL_ERR_SYSTEM, EIO, "%s: cannot read it", file);
	ret = tctl_peers_parse(text, len, pl, diags);
	tctl_big_free(text);
	if (ret)
		return tctl_err_usage(err, "%s: %zu problem%s", file, diags->n + diags->dropped,
				      diags->n + diags->dropped == 1 ? "" : "s");
	return 0;
}

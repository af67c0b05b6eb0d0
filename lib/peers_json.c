// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The peer list's JSON (json-c) turned into struct tctl_peerlist.  Every
 * problem is recorded with its JSON path and parsing goes on, so that one
 * run reports them all; the cross-peer checks are in peers_check.c.
 */
#include "peers.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grammar.h"
#include "number.h"
#include "route_args.h"
#include "rtnames.h"

/* Large lists keep their first problems; the rest would drown them. */
#define MAX_DIAGS 200

struct pctx {
	struct tctl_diags *d;
	struct tctl_peerlist *pl;
};

static const char *type_name(json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null:
		return "null";
	case json_type_boolean:
		return "a boolean";
	case json_type_double:
	case json_type_int:
		return "a number";
	case json_type_object:
		return "an object";
	case json_type_array:
		return "an array";
	case json_type_string:
		return "a string";
	}
	return "unknown";
}

static bool want(struct pctx *c, const char *path, json_object *v, json_type t,
		 const char *what)
{
	if (v && json_object_get_type(v) == t)
		return true;
	tctl_diag_add(c->d, path, 0, "must be %s, not %s", what, type_name(v));
	return false;
}

/* Report keys of o not in known[], with the nearest known one. */
static void unknown_keys(struct pctx *c, const char *path, json_object *o,
			 const char *const *known, size_t nknown)
{
	json_object_object_foreach(o, key, val) {
		const char *near;
		bool ok = false;

		(void)val;
		for (size_t i = 0; i < nknown && !ok; i++)
			ok = !strcmp(key, known[i]);
		if (ok)
			continue;
		near = tctl_closest(key, known, nknown);
		if (near)
			tctl_diag_add(c->d, path, 0, "unknown key \"%s\" (did you mean \"%s\"?)",
				      key, near);
		else
			tctl_diag_add(c->d, path, 0, "unknown key \"%s\"", key);
	}
}

static void sub(char *buf, size_t len, const char *path, const char *key)
{
	snprintf(buf, len, "%s%s%s", path, path[0] ? "." : "", key);
}

/* A uint in [0, max]: JSON integers only. */
static bool get_uint(struct pctx *c, const char *path, json_object *v, uint64_t max,
		     uint64_t *out)
{
	int64_t x;

	if (!want(c, path, v, json_type_int, "an integer"))
		return false;
	/* json-c clamps integers beyond int64; uint64 range is read apart. */
	errno = 0;
	x = json_object_get_int64(v);
	if (x < 0) {
		tctl_diag_add(c->d, path, 0, "%lld is negative", (long long)x);
		return false;
	}
	*out = json_object_get_uint64(v);
	if (errno == ERANGE || *out > max) {
		tctl_diag_add(c->d, path, 0, "%s is out of range (0-%llu)",
			      json_object_to_json_string(v), (unsigned long long)max);
		return false;
	}
	return true;
}

static bool get_bool(struct pctx *c, const char *path, json_object *v, bool *out)
{
	if (!want(c, path, v, json_type_boolean, "true or false"))
		return false;
	*out = json_object_get_boolean(v);
	return true;
}

/* ttl / tos: a number or "inherit", as on the command line. */
static bool get_ttl_tos(struct pctx *c, const char *path, json_object *v, bool tos,
			uint8_t *out, bool *inherit)
{
	uint64_t n;

	if (json_object_is_type(v, json_type_string)) {
		if (strcmp(json_object_get_string(v), "inherit")) {
			tctl_diag_add(c->d, path, 0, "\"%s\" is not a number or \"inherit\"",
				      json_object_get_string(v));
			return false;
		}
		*out = tos ? TCTL_TOS_INHERIT : TCTL_TTL_INHERIT;
		if (inherit)
			*inherit = true;
		return true;
	}
	if (!json_object_is_type(v, json_type_int)) {
		tctl_diag_add(c->d, path, 0, "must be a number or \"inherit\", not %s",
			      type_name(v));
		return false;
	}
	if (!get_uint(c, path, v, 255, &n))
		return false;
	*out = (uint8_t)n;
	return true;
}

static bool get_table(struct pctx *c, const char *path, json_object *v, uint32_t *out)
{
	struct tctl_err err;
	uint64_t n;

	if (json_object_is_type(v, json_type_string)) {
		if (!tctl_table_parse(json_object_get_string(v), out, &err))
			return true;
		tctl_diag_add(c->d, path, 0, "%s", err.msg);
		return false;
	}
	if (!json_object_is_type(v, json_type_int)) {
		tctl_diag_add(c->d, path, 0, "must be a table name or number, not %s",
			      type_name(v));
		return false;
	}
	if (!get_uint(c, path, v, UINT32_MAX, &n))
		return false;
	if (n == 0) {
		tctl_diag_add(c->d, path, 0, "table 0 is not a routing table");
		return false;
	}
	*out = (uint32_t)n;
	return true;
}

static bool get_ifname(struct pctx *c, const char *path, json_object *v, char *out)
{
	struct tctl_err err;

	if (!want(c, path, v, json_type_string, "a device name"))
		return false;
	if (!tctl_parse_ifname(json_object_get_string(v), out, "device", &err)) {
		return true;
	}
	tctl_diag_add(c->d, path, 0, "%s", err.msg);
	return false;
}

static const char *const opt_keys[] = {
	"device", "ttl", "tos", "key", "csum", "seq", "table", "metric",
};
#define NOPT_KEYS (sizeof(opt_keys) / sizeof(opt_keys[0]))

/* One of the overridable settings, if key names one; false if it does not. */
static bool parse_opt(struct pctx *c, const char *path, const char *key, json_object *v,
		      struct tctl_peer_opts *o)
{
	char p[256];
	uint64_t n;

	sub(p, sizeof(p), path, key);
	if (!strcmp(key, "device") && get_ifname(c, p, v, o->device))
		o->has |= TCTL_OPT_DEVICE;
	else if (!strcmp(key, "ttl") && get_ttl_tos(c, p, v, false, &o->ttl, NULL))
		o->has |= TCTL_OPT_TTL;
	else if (!strcmp(key, "tos") && get_ttl_tos(c, p, v, true, &o->tos, &o->tos_inherit))
		o->has |= TCTL_OPT_TOS;
	else if (!strcmp(key, "key") && get_bool(c, p, v, &o->key))
		o->has |= TCTL_OPT_KEY;
	else if (!strcmp(key, "csum") && get_bool(c, p, v, &o->csum))
		o->has |= TCTL_OPT_CSUM;
	else if (!strcmp(key, "seq") && get_bool(c, p, v, &o->seq))
		o->has |= TCTL_OPT_SEQ;
	else if (!strcmp(key, "table") && get_table(c, p, v, &o->table))
		o->has |= TCTL_OPT_TABLE;
	else if (!strcmp(key, "metric") && get_uint(c, p, v, UINT32_MAX, &n)) {
		o->metric = (uint32_t)n;
		o->has |= TCTL_OPT_METRIC;
	} else {
		for (size_t i = 0; i < NOPT_KEYS; i++)
			if (!strcmp(key, opt_keys[i]))
				return true;	/* known, but its value was bad */
		return false;
	}
	return true;
}

static void parse_defaults(struct pctx *c, json_object *o)
{
	if (!want(c, "defaults", o, json_type_object, "an object"))
		return;
	unknown_keys(c, "defaults", o, opt_keys, NOPT_KEYS);
	json_object_object_foreach(o, key, val)
		parse_opt(c, "defaults", key, val, &c->pl->defaults);
}

static void parse_device(struct pctx *c, const char *path, json_object *o,
			 struct tctl_list_dev *d)
{
	static const char *const keys[] = { "name", "mode", "mtu", "unmanaged" };
	static const char *const modes[] = { "gre", "ipip", "ip6gre", "ip6tnl" };
	json_object *v;
	char p[256];
	uint64_t n;

	if (!want(c, path, o, json_type_object, "an object"))
		return;
	unknown_keys(c, path, o, keys, 4);
	sub(p, sizeof(p), path, "name");
	if (!json_object_object_get_ex(o, "name", &v))
		tctl_diag_add(c->d, path, 0, "missing \"name\"");
	else
		get_ifname(c, p, v, d->name);
	sub(p, sizeof(p), path, "unmanaged");
	if (json_object_object_get_ex(o, "unmanaged", &v))
		get_bool(c, p, v, &d->unmanaged);
	sub(p, sizeof(p), path, "mode");
	if (json_object_object_get_ex(o, "mode", &v)) {
		if (want(c, p, v, json_type_string, "a string")) {
			const char *m = json_object_get_string(v), *near;

			d->kind = tctl_kind_from_name(m);
			near = tctl_closest(m, modes, 4);
			if (d->kind == TCTL_KIND_OTHER)
				tctl_diag_add(c->d, p, 0, "\"%s\" is not a mode%s%s%s; expected "
					      "gre, ipip, ip6gre or ip6tnl", m,
					      near ? " (did you mean \"" : "", near ? near : "",
					      near ? "\"?)" : "");
		}
	} else if (!d->unmanaged) {
		tctl_diag_add(c->d, path, 0, "missing \"mode\" (or \"unmanaged\": true)");
	}
	sub(p, sizeof(p), path, "mtu");
	if (json_object_object_get_ex(o, "mtu", &v) && get_uint(c, p, v, 65535, &n)) {
		if (n < 68)
			tctl_diag_add(c->d, p, 0, "%llu is below the minimum MTU of 68",
				      (unsigned long long)n);
		d->mtu = (uint32_t)n;
		d->has_mtu = true;
	}
	if (d->unmanaged && (d->kind != TCTL_KIND_OTHER || d->has_mtu))
		tctl_diag_add(c->d, path, 0, "an unmanaged device takes no \"mode\" or "
			      "\"mtu\": tunnelctl only checks that it exists");
}

static void parse_devices(struct pctx *c, json_object *a)
{
	size_t n;

	if (!want(c, "devices", a, json_type_array, "an array")) {
		c->pl->devs_broken = true;
		return;
	}
	n = json_object_array_length(a);
	c->pl->devs = calloc(n ? n : 1, sizeof(*c->pl->devs));
	if (!c->pl->devs) {
		tctl_diag_add(c->d, "devices", 0, "out of memory");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		char p[64];

		size_t before = c->d->n + c->d->dropped;

		snprintf(p, sizeof(p), "devices[%zu]", i);
		c->pl->devs[i].index = (int)i;
		parse_device(c, p, json_object_array_get_idx(a, i), &c->pl->devs[i]);
		c->pl->devs[i].broken = c->d->n + c->d->dropped > before;
	}
	c->pl->ndevs = n;
}

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

static void parse_prefixes(struct pctx *c, const char *path, json_object *a,
			   struct tctl_peer *p)
{
	size_t n;

	if (!want(c, path, a, json_type_array, "an array of prefixes"))
		return;
	n = json_object_array_length(a);
	p->prefixes = calloc(n ? n : 1, sizeof(*p->prefixes));
	if (!p->prefixes)
		return;
	for (size_t i = 0; i < n; i++) {
		json_object *v = json_object_array_get_idx(a, i);
		struct tctl_err err;
		char q[300];

		snprintf(q, sizeof(q), "%s[%zu]", path, i);
		if (!want(c, q, v, json_type_string, "a prefix string"))
			continue;
		if (tctl_prefix_parse(&p->prefixes[p->nprefixes], json_object_get_string(v),
				      AF_UNSPEC, "prefix", &err))
			tctl_diag_add(c->d, q, 0, "%s", err.msg);
		else
			p->nprefixes++;
	}
}

static void parse_peer_field(struct pctx *c, const char *path, const char *key,
			     json_object *v, struct tctl_peer *p)
{
	struct tctl_err err;
	char q[256];

	sub(q, sizeof(q), path, key);
	if (!strcmp(key, "name")) {
		if (!want(c, q, v, json_type_string, "a string"))
			return;
		if (!valid_peer_name(json_object_get_string(v)))
			tctl_diag_add(c->d, q, 0, "\"%s\" is not a valid peer name (1-%d of "
				      "A-Z a-z 0-9 . _ -)", json_object_get_string(v),
				      TCTL_PEER_NAME_MAX);
		else
			snprintf(p->name, sizeof(p->name), "%s", json_object_get_string(v));
	} else if (!strcmp(key, "underlay")) {
		if (want(c, q, v, json_type_string, "an address string") &&
		    tctl_addr_parse(&p->underlay, json_object_get_string(v), AF_UNSPEC,
				    "underlay", &err))
			tctl_diag_add(c->d, q, 0, "%s", err.msg);
	} else if (!strcmp(key, "id")) {
		p->has_id = get_uint(c, q, v, UINT64_MAX, &p->id);
	} else if (!strcmp(key, "prefixes")) {
		parse_prefixes(c, q, v, p);
	} else {
		parse_opt(c, path, key, v, &p->opts);
	}
}

static void parse_peer(struct pctx *c, const char *path, json_object *o, struct tctl_peer *p)
{
	static const char *const keys[] = {
		"name", "underlay", "id", "prefixes",
		"device", "ttl", "tos", "key", "csum", "seq", "table", "metric",
	};

	if (!want(c, path, o, json_type_object, "an object"))
		return;
	unknown_keys(c, path, o, keys, sizeof(keys) / sizeof(keys[0]));
	json_object_object_foreach(o, key, val)
		parse_peer_field(c, path, key, val, p);
	if (!json_object_object_get_ex(o, "name", NULL))
		tctl_diag_add(c->d, path, 0, "missing \"name\"");
	if (!json_object_object_get_ex(o, "underlay", NULL))
		tctl_diag_add(c->d, path, 0, "missing \"underlay\"");
	if (!json_object_object_get_ex(o, "prefixes", NULL))
		tctl_diag_add(c->d, path, 0, "missing \"prefixes\" (use [] for none)");
}

static void parse_peers(struct pctx *c, json_object *a)
{
	size_t n;

	if (!want(c, "peers", a, json_type_array, "an array"))
		return;
	n = json_object_array_length(a);
	c->pl->peers = calloc(n ? n : 1, sizeof(*c->pl->peers));
	if (!c->pl->peers) {
		tctl_diag_add(c->d, "peers", 0, "out of memory");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		char p[64];

		snprintf(p, sizeof(p), "peers[%zu]", i);
		c->pl->peers[i].index = (int)i;
		parse_peer(c, p, json_object_array_get_idx(a, i), &c->pl->peers[i]);
		/* Drop the parsed peer's JSON now: peak memory is one tree, not two. */
		json_object_array_put_idx(a, i, NULL);
	}
	c->pl->npeers = n;
}

static void parse_top(struct pctx *c, json_object *root)
{
	static const char *const keys[] = { "version", "devices", "defaults", "peers" };
	json_object *v;
	uint64_t ver;

	if (!want(c, "", root, json_type_object, "an object"))
		return;
	unknown_keys(c, "", root, keys, 4);
	if (!json_object_object_get_ex(root, "version", &v)) {
		tctl_diag_add(c->d, "version", 0, "missing: the document must say "
			      "\"version\": %d", TCTL_PEERS_VERSION);
		return;
	}
	if (!get_uint(c, "version", v, UINT32_MAX, &ver))
		return;
	if (ver != TCTL_PEERS_VERSION) {
		tctl_diag_add(c->d, "version", 0, "unsupported version %llu; this tunnelctl "
			      "reads version %d", (unsigned long long)ver, TCTL_PEERS_VERSION);
		return;		/* another version's keys would only confuse */
	}
	c->pl->version = (int)ver;
	if (json_object_object_get_ex(root, "devices", &v)) {
		parse_devices(c, v);
	} else {
		tctl_diag_add(c->d, "devices", 0, "missing: list at least one device");
		c->pl->devs_broken = true;
	}
	if (json_object_object_get_ex(root, "defaults", &v))
		parse_defaults(c, v);
	if (json_object_object_get_ex(root, "peers", &v))
		parse_peers(c, v);
	else
		tctl_diag_add(c->d, "peers", 0, "missing");
}

static bool only_blanks(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr(" \t\r\n", s[i]))
			return false;
	return true;
}

static int line_of(const char *text, size_t off)
{
	int line = 1;

	for (size_t i = 0; i < off && text[i]; i++)
		line += text[i] == '\n';
	return line;
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
	struct json_tokener *tok = json_tokener_new();
	struct pctx c = { diags, pl };
	json_object *root = NULL;

	memset(pl, 0, sizeof(*pl));
	if (!diags->max)
		diags->max = MAX_DIAGS;
	if (!tok)
		return -ENOMEM;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	root = json_tokener_parse_ex(tok, text, (int)len);
	if (!root && json_tokener_get_error(tok) == json_tokener_success) {
		tctl_diag_add(diags, "", 0, "must be an object, not null");
	} else if (!root || !only_blanks(text + json_tokener_get_parse_end(tok),
				  len - json_tokener_get_parse_end(tok))) {
		enum json_tokener_error e = json_tokener_get_error(tok);
		size_t at = json_tokener_get_parse_end(tok);

		tctl_diag_add(diags, "", line_of(text, at), "%s",
			      root ? "text after the end of the document" :
			      e == json_tokener_continue ? "the document ends too early" :
			      json_tokener_error_desc(e));
	} else {
		parse_top(&c, root);
	}
	json_object_put(root);
	json_tokener_free(tok);
	/* Cross-checks too, over what did parse: every problem in one run. */
	if (pl->version)
		tctl_peers_check(pl, diags);
	if (diags->n) {
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
	free(pl->peers);
	free(pl->devs);
	memset(pl, 0, sizeof(*pl));
}

/* The whole file in memory: json-c parses a buffer. */
static char *slurp(FILE *f, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap), *nb;

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
		nb = realloc(buf, cap * 2);
		if (!nb)
			break;
		buf = nb;
		cap *= 2;
	}
	free(buf);
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
	free(text);
	if (ret)
		return tctl_err_usage(err, "%s: %zu problem%s", file, diags->n + diags->dropped,
				      diags->n + diags->dropped == 1 ? "" : "s");
	return 0;
}

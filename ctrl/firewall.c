// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The firewall through libnftables.  Commands go to nft as text, several
 * to a buffer: nft sends one buffer as one netlink batch, which the kernel
 * applies whole or not at all, so each call here is one transaction.
 * Listings come back as JSON and are read with json-c.
 *
 * What the sets hold is kept here too, sorted, so that a sync costs a sort
 * and a merge and sends only the difference, never the whole list.  The
 * sets are taken to change only through here: a change behind our back is
 * seen when it makes a sync fail (then they are read again and the sync
 * tried once more), or at the next open.
 */
#define _GNU_SOURCE
#include "firewall.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <json-c/json.h>
#include <nftables/libnftables.h>

#include "../lib/bigmem.h"

#define TABLE "inet " TCTL_FW_TABLE

/*
 * Elements per add or delete command.  nft takes any number in one; with
 * 100,000 the size made little difference to the time (0.3 to 0.45 s
 * either way), and a few thousand keep what nft holds per command small.
 * They all go in the one buffer, so in the one transaction.
 */
#define CHUNK 4096

/*
 * A little ahead of the usual filter chains (priority 0).  A drop is final
 * whichever base chain makes it, so this only spares the others the work
 * (and their logs) for strangers' packets.
 */
#define PRIORITY "-10"

/*
 * IPIP, IPv6-in-IPv4 and GRE (4, 41, 47).  For IPv6, meta l4proto is the
 * header after any extension headers, so a GRE packet can not slip by
 * behind a hop-by-hop or destination options header.
 */
#define PROTOS "meta l4proto { 4, 41, 47 }"

struct tctl_fw {
	struct nft_ctx *nft;
	struct tctl_addr *set;	/* what peers4 and peers6 hold: sorted, unique */
	size_t n;
	bool armed;		/* the drop rules are in the chain */
};

/* The address as the set holds it: family and bytes, the rest zero. */
static void normalize(struct tctl_addr *dst, const struct tctl_addr *src)
{
	tctl_addr_set(dst, src->family, src->bytes);
}

static int addr_qcmp(const void *a, const void *b)
{
	return tctl_addr_cmp(a, b);
}

static size_t sort_unique(struct tctl_addr *v, size_t n)
{
	size_t w = 0;

	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), addr_qcmp);
	for (size_t i = 1; i < n; i++)
		if (tctl_addr_cmp(&v[w], &v[i]))
			v[++w] = v[i];
	return w + 1;
}

/*
 * nft does not hand back an errno, only its text ("Could not process
 * rule: No such file or directory").  Find the longest errno description
 * in it, so callers still see EPERM when not root, ENOENT for a missing
 * table and so on; EIO when there is none (a syntax error: ours).
 */
static int errno_of(const char *text, size_t len)
{
	size_t best_len = 0;
	int best = EIO;

	for (int e = 1; e < 200; e++) {
		const char *d = strerrordesc_np(e);
		size_t dl = d ? strlen(d) : 0;

		if (dl > best_len && dl <= len && memmem(text, len, d, dl)) {
			best = e;
			best_len = dl;
		}
	}
	return best;
}

/*
 * nft reports an error as a message, the command it was in, and a line of
 * carets under the culprit.  Only the message is kept: the command can be
 * thousands of elements long, and nft 1.0.6 shows the first line of the
 * buffer there, whichever command failed.
 */
static int nft_error(const char *what, const char *text, struct tctl_err *err)
{
	const char *e;
	size_t len;

	if (!text || !*text)
		text = "failed, and nft said nothing";
	len = strcspn(text, "\n");
	/* Messages can start with a location ("internal:0:0-0: Error: "). */
	e = memmem(text, len, "Error: ", 7);
	if (e) {
		len -= e + 7 - text;
		text = e + 7;
	}
	return tctl_err_set(err, TCTL_ERR_KERNEL, errno_of(text, len), "%s: nftables: %.*s",
			    what, (int)len, text);
}

static struct nft_ctx *ctx_new(struct tctl_err *err)
{
	struct nft_ctx *nft = nft_ctx_new(NFT_CTX_DEFAULT);

	if (!nft) {
		tctl_err_nomem(err);
		return NULL;
	}
	if (nft_ctx_buffer_output(nft) || nft_ctx_buffer_error(nft)) {
		nft_ctx_free(nft);
		tctl_err_nomem(err);
		return NULL;
	}
	return nft;
}

/*
 * Run cmds.  With json, the listing is returned in *out, valid until the
 * next run.  Both buffers are emptied first: reading one is what rewinds
 * it, and an error left from an earlier run must not be taken for this
 * one's.
 */
static int run(struct nft_ctx *nft, const char *cmds, bool json, const char **out,
	       const char *what, struct tctl_err *err)
{
	unsigned int flags = nft_ctx_output_get_flags(nft);
	int ret;

	(void)nft_ctx_get_output_buffer(nft);
	(void)nft_ctx_get_error_buffer(nft);
	/*
	 * Only for listings: with JSON output set, nft first tries to read the
	 * commands as JSON too.
	 */
	if (json)
		nft_ctx_output_set_flags(nft, flags | NFT_CTX_OUTPUT_JSON);
	ret = nft_run_cmd_from_buffer(nft, cmds);
	nft_ctx_output_set_flags(nft, flags & ~NFT_CTX_OUTPUT_JSON);
	if (ret)
		return nft_error(what, nft_ctx_get_error_buffer(nft), err);
	if (out)
		*out = nft_ctx_get_output_buffer(nft);
	return 0;
}

/* Commands are built in a memory stream; a write error there is ENOMEM. */
static int stream_done(FILE *f, char **buf, struct tctl_err *err)
{
	bool bad = ferror(f);

	if (fclose(f) || bad) {
		free(*buf);
		*buf = NULL;
		return tctl_err_nomem(err);
	}
	return 0;
}

/* Parse a listing; the caller puts the result. */
static json_object *parse_listing(const char *out, const char *what, struct tctl_err *err)
{
	enum json_tokener_error jerr;
	json_object *root = json_tokener_parse_verbose(out ? out : "", &jerr);

	if (!root)
		tctl_err_set(err, TCTL_ERR_SYSTEM, EPROTO, "%s: nft's JSON listing: %s", what,
			     json_tokener_error_desc(jerr));
	return root;
}

/* The first item of the listing of this kind ("set", "counter") and name. */
static json_object *find_item(json_object *root, const char *kind, const char *name)
{
	json_object *items, *item, *o, *s;

	if (!json_object_object_get_ex(root, "nftables", &items) ||
	    !json_object_is_type(items, json_type_array))
		return NULL;
	for (size_t i = 0; i < json_object_array_length(items); i++) {
		item = json_object_array_get_idx(items, i);
		if (!json_object_object_get_ex(item, kind, &o) ||
		    !json_object_object_get_ex(o, "name", &s))
			continue;
		if (!strcmp(json_object_get_string(s), name))
			return o;
	}
	return NULL;
}

/*
 * One element of a set's "elem": a string, or {"elem": {"val": ...}} when
 * it carries a comment or a timeout.  Anything else (a prefix, a range)
 * was not put there by us and can not be matched against peer addresses.
 */
static int elem_addr(json_object *e, int family, struct tctl_addr *a)
{
	json_object *inner, *val;
	uint8_t bytes[16];

	if (json_object_object_get_ex(e, "elem", &inner) &&
	    json_object_object_get_ex(inner, "val", &val))
		e = val;
	if (!json_object_is_type(e, json_type_string) ||
	    inet_pton(family, json_object_get_string(e), bytes) != 1)
		return -1;
	tctl_addr_set(a, family, bytes);
	return 0;
}

static int read_set(json_object *root, const char *name, int family, struct tctl_addr **v,
		    size_t *n, struct tctl_err *err)
{
	json_object *set = find_item(root, "set", name), *elems;
	struct tctl_addr *nv;
	size_t count;

	if (!set)
		return tctl_err_state(err, ENOENT, "nftables: table %s has no set %s", TABLE,
				      name);
	/* An empty set has no "elem"; one element may come bare, not in an array. */
	if (!json_object_object_get_ex(set, "elem", &elems))
		return 0;
	count = json_object_is_type(elems, json_type_array) ?
		json_object_array_length(elems) : 1;
	nv = tctl_big_realloc(*v, (*n + count) * sizeof(**v));
	if (!nv)
		return tctl_err_nomem(err);
	*v = nv;
	for (size_t i = 0; i < count; i++) {
		json_object *e = json_object_is_type(elems, json_type_array) ?
			json_object_array_get_idx(elems, i) : elems;

		if (elem_addr(e, family, &nv[*n]))
			return tctl_err_state(err, EINVAL,
					      "nftables: set %s holds \"%.60s\", not an address",
					      name, json_object_to_json_string(e));
		(*n)++;
	}
	return 0;
}

/*
 * Read both sets back from the kernel into fw->set.  The table's listing
 * has them both in one document (and a few rules besides, which are
 * skipped).
 */
static int load_sets(struct tctl_fw *fw, struct tctl_err *err)
{
	static const char what[] = "reading the firewall's sets";
	struct tctl_addr *v = NULL;
	const char *out;
	json_object *root;
	size_t n = 0;
	int ret;

	ret = run(fw->nft, "list table " TABLE "\n", true, &out, what, err);
	if (ret)
		return ret;
	root = parse_listing(out, what, err);
	if (!root)
		return -EPROTO;
	ret = read_set(root, "peers4", AF_INET, &v, &n, err);
	if (!ret)
		ret = read_set(root, "peers6", AF_INET6, &v, &n, err);
	json_object_put(root);
	if (ret) {
		tctl_big_free(v);
		return ret;
	}
	tctl_big_free(fw->set);
	fw->set = v;
	fw->n = sort_unique(v, n);
	return 0;
}

int tctl_fw_open(struct tctl_fw **out, struct tctl_err *err)
{
	/*
	 * add is a no-op on what exists, so a table left by an earlier run is
	 * taken over with its set elements, its counter and its chain, whose
	 * rules keep dropping until the first sync replaces them in the same
	 * transaction as the elements: a restart opens no window.
	 */
	static const char cmds[] =
		"add table " TABLE "\n"
		"add set " TABLE " peers4 { type ipv4_addr; }\n"
		"add set " TABLE " peers6 { type ipv6_addr; }\n"
		"add counter " TABLE " dropped\n";
	struct tctl_fw *fw;
	int ret;

	*out = NULL;
	fw = calloc(1, sizeof(*fw));
	if (!fw)
		return tctl_err_nomem(err);
	fw->nft = ctx_new(err);
	if (!fw->nft) {
		free(fw);
		return -ENOMEM;
	}
	ret = run(fw->nft, cmds, false, NULL, "creating the firewall table", err);
	/* The sets are made only if missing, so this is an old set. */
	if (ret == -EEXIST && err) {
		char msg[TCTL_ERR_MSG_MAX];

		memcpy(msg, err->msg, sizeof(msg));
		tctl_err_set(err, TCTL_ERR_STATE, EEXIST,
			     "%.700s (set peers4 or peers6 of another type in an old table; "
			     "nft delete table %s removes it)", msg, TABLE);
	}
	if (!ret)
		ret = load_sets(fw, err);
	if (ret) {
		tctl_fw_close(fw);
		return ret;
	}
	*out = fw;
	return 0;
}

/*
 * "<op> element inet tunnelctl peersN { a, b, ... }" for v[0..n), sorted
 * so that each family is one run; a new command at each family change and
 * every CHUNK elements.
 */
static void put_elements(FILE *f, const char *op, const struct tctl_addr *const *v, size_t n)
{
	char s[TCTL_ADDRSTRLEN];
	size_t in_cmd = 0;

	for (size_t i = 0; i < n; i++) {
		if (in_cmd && (in_cmd == CHUNK || v[i]->family != v[i - 1]->family)) {
			fputs(" }\n", f);
			in_cmd = 0;
		}
		if (!in_cmd)
			fprintf(f, "%s element " TABLE " %s {", op,
				v[i]->family == AF_INET ? "peers4" : "peers6");
		fputs(in_cmd ? ", " : " ", f);
		fputs(tctl_addr_str(v[i], s, sizeof(s)), f);
		in_cmd++;
	}
	if (in_cmd)
		fputs(" }\n", f);
}

/*
 * The chain and its rules, after the elements in the same transaction (see
 * tctl_fw_open).  The chain is made sure of, deleted and made again rather
 * than flushed: an old chain with another priority or policy could not be
 * re-added over, and this way it is ours whatever was there, atomically.
 */
static void put_rules(FILE *f)
{
	fputs("add chain " TABLE " input\n"
	      "delete chain " TABLE " input\n"
	      "add chain " TABLE " input { type filter hook input priority " PRIORITY
	      "; policy accept; }\n", f);
	fputs("add rule " TABLE " input meta nfproto ipv4 " PROTOS
	      " ip saddr != @peers4 counter name \"dropped\" drop\n", f);
	fputs("add rule " TABLE " input meta nfproto ipv6 " PROTOS
	      " ip6 saddr != @peers6 counter name \"dropped\" drop\n", f);
}

/* The sorted, unique want against fw->set: what to add, what to delete. */
struct diff {
	const struct tctl_addr **add, **del;
	size_t nadd, ndel;
};

static int diff_make(const struct tctl_fw *fw, const struct tctl_addr *want, size_t nwant,
		     struct diff *d, struct tctl_err *err)
{
	size_t i = 0, j = 0;

	memset(d, 0, sizeof(*d));
	d->add = tctl_big_calloc(nwant ? nwant : 1, sizeof(*d->add));
	d->del = tctl_big_calloc(fw->n ? fw->n : 1, sizeof(*d->del));
	if (!d->add || !d->del) {
		tctl_big_free(d->add);
		tctl_big_free(d->del);
		return tctl_err_nomem(err);
	}
	while (i < nwant || j < fw->n) {
		int c = i == nwant ? 1 : j == fw->n ? -1 : tctl_addr_cmp(&want[i], &fw->set[j]);

		if (c < 0) {
			d->add[d->nadd++] = &want[i++];
		} else if (c > 0) {
			d->del[d->ndel++] = &fw->set[j++];
		} else {
			i++;
			j++;
		}
	}
	return 0;
}

static void diff_free(struct diff *d)
{
	tctl_big_free(d->add);
	tctl_big_free(d->del);
}

/* One transaction taking the sets from fw->set to want. */
static int apply(struct tctl_fw *fw, const struct tctl_addr *want, size_t nwant,
		 size_t *added, size_t *removed, struct tctl_err *err)
{
	struct diff d;
	char *cmds = NULL;
	size_t len;
	FILE *f;
	int ret;

	ret = diff_make(fw, want, nwant, &d, err);
	if (ret)
		return ret;
	*added = d.nadd;
	*removed = d.ndel;
	if (!d.nadd && !d.ndel && fw->armed) {
		diff_free(&d);
		return 0;
	}
	f = open_memstream(&cmds, &len);
	if (!f) {
		diff_free(&d);
		return tctl_err_nomem(err);
	}
	put_elements(f, "delete", d.del, d.ndel);
	put_elements(f, "add", d.add, d.nadd);
	if (!fw->armed)
		put_rules(f);
	diff_free(&d);
	ret = stream_done(f, &cmds, err);
	if (!ret)
		ret = run(fw->nft, cmds, false, NULL, "updating the firewall's sets", err);
	free(cmds);
	return ret;
}

static bool same_set(const struct tctl_addr *a, size_t na, const struct tctl_addr *b, size_t nb)
{
	return na == nb && (!na || !memcmp(a, b, na * sizeof(*a)));
}

int tctl_fw_sync(struct tctl_fw *fw, const struct tctl_addr *addrs, size_t n, size_t *added,
		 size_t *removed, struct tctl_err *err)
{
	struct tctl_addr *want, *old;
	size_t nwant, nadd, ndel, nold;
	int ret;

	if (added)
		*added = 0;
	if (removed)
		*removed = 0;
	for (size_t i = 0; i < n; i++)
		if (addrs[i].family != AF_INET && addrs[i].family != AF_INET6)
			return tctl_err_usage(err, "firewall: address %zu is neither IPv4 nor IPv6",
					      i);
	want = tctl_big_calloc(n ? n : 1, sizeof(*want));
	if (!want)
		return tctl_err_nomem(err);
	for (size_t i = 0; i < n; i++)
		normalize(&want[i], &addrs[i]);
	nwant = sort_unique(want, n);

	ret = apply(fw, want, nwant, &nadd, &ndel, err);
	if (ret && ret != -ENOMEM) {
		/*
		 * Most likely the sets were changed behind our back (nft delete
		 * element by hand makes our delete fail with ENOENT).  Read them
		 * again, and if that shows they differ from what we thought,
		 * try once more against what is there; otherwise the first
		 * error stands.
		 */
		old = fw->set;
		nold = fw->n;
		fw->set = NULL;
		fw->n = 0;
		if (!load_sets(fw, NULL) && !same_set(old, nold, fw->set, fw->n)) {
			tctl_big_free(old);
			ret = apply(fw, want, nwant, &nadd, &ndel, err);
		} else {
			tctl_big_free(fw->set);
			fw->set = old;
			fw->n = nold;
		}
	}
	if (ret) {
		tctl_big_free(want);
		return ret;
	}
	tctl_big_free(fw->set);
	fw->set = want;
	fw->n = nwant;
	fw->armed = true;
	if (added)
		*added = nadd;
	if (removed)
		*removed = ndel;
	return 0;
}

int tctl_fw_dropped(struct tctl_fw *fw, uint64_t *packets, uint64_t *bytes,
		    struct tctl_err *err)
{
	static const char what[] = "reading the firewall's counter";
	json_object *root, *c, *p, *b;
	const char *out;
	int ret;

	*packets = 0;
	*bytes = 0;
	ret = run(fw->nft, "list counter " TABLE " dropped\n", true, &out, what, err);
	if (ret)
		return ret;
	root = parse_listing(out, what, err);
	if (!root)
		return -EPROTO;
	c = find_item(root, "counter", "dropped");
	if (!c || !json_object_object_get_ex(c, "packets", &p) ||
	    !json_object_object_get_ex(c, "bytes", &b)) {
		json_object_put(root);
		return tctl_err_set(err, TCTL_ERR_SYSTEM, EPROTO,
				    "%s: no packets and bytes in nft's listing", what);
	}
	*packets = json_object_get_uint64(p);
	*bytes = json_object_get_uint64(b);
	json_object_put(root);
	return 0;
}

size_t tctl_fw_size(const struct tctl_fw *fw)
{
	return fw ? fw->n : 0;
}

int tctl_fw_remove(struct tctl_err *err)
{
	struct nft_ctx *nft = ctx_new(err);
	int ret;

	if (!nft)
		return -ENOMEM;
	/*
	 * Adding first makes the delete succeed when there is no table, in the
	 * same one transaction.
	 */
	ret = run(nft, "add table " TABLE "\ndelete table " TABLE "\n", false, NULL,
		  "deleting the firewall table", err);
	nft_ctx_free(nft);
	/* A kernel without nf_tables refuses the lot; it has no table either. */
	if (ret == -EOPNOTSUPP) {
		tctl_err_clear(err);
		return 0;
	}
	return ret;
}

void tctl_fw_close(struct tctl_fw *fw)
{
	if (!fw)
		return;
	if (fw->nft)
		nft_ctx_free(fw->nft);
	tctl_big_free(fw->set);
	free(fw);
}

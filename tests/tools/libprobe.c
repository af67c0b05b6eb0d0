// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libprobe: exposes libtunnelctl's pure functions (parsers, grammar, route
 * checks, the encap encoder and decoder) on the command line, so the host
 * tier can unit-test them from bats without a kernel.  Output is JSON or
 * one word per line; errors go to stderr with exit status 2.
 *
 *   libprobe prefix STR               canonical prefix
 *   libprobe addr STR                 canonical address
 *   libprobe number STR MAX           the value
 *   libprobe parse OBJECT VERB ARG... the model the arguments make
 *   libprobe check DEVS -- ARG...     route add ARGs checked against DEVS,
 *                                     "name:kind[:classic]" comma-separated
 *   libprobe roundtrip ARG...         route add ARGs encoded, then decoded
 *   libprobe next OBJECT VERB ARG...  what completion offers after ARGs
 *   libprobe usage OBJECT VERB        the usage line
 *   libprobe closest WORD CAND...     the "did you mean" pick
 *   libprobe batch NETNS DEV N BAD    N route adds (10.100.0.0/24 + i) through
 *                                     DEV in one batch, the BAD-th through a
 *                                     nonexistent ifindex; prints each outcome
 *   libprobe rawdump NETNS route|link DIR
 *                                     the kernel's dump messages, one file
 *                                     each (seeds for tests/fuzz)
 */
#include <json-c/json.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/dev_args.h"
#include "../../lib/model_json.h"
#include "../../lib/nl.h"
#include "../../lib/nl_encap.h"
#include "../../lib/nl_link.h"
#include "../../lib/nl_route.h"
#include "../../lib/number.h"
#include "../../lib/route_args.h"
#include "../../lib/route_check.h"

static const struct tctl_syntax *const syntaxes[] = {
	&tctl_syntax_route_add, &tctl_syntax_route_replace, &tctl_syntax_route_del,
	&tctl_syntax_route_show, &tctl_syntax_route_flush, &tctl_syntax_dev_add,
	&tctl_syntax_dev_del, &tctl_syntax_dev_set, &tctl_syntax_dev_show, NULL,
};

static int fail(const struct tctl_err *err)
{
	fprintf(stderr, "%s\n", err->msg);
	return 2;
}

static void emit(json_object *o)
{
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

static const struct tctl_syntax *find_syntax(const char *object, const char *verb)
{
	for (size_t i = 0; syntaxes[i]; i++)
		if (!strcmp(syntaxes[i]->object, object) && !strcmp(syntaxes[i]->verb, verb))
			return syntaxes[i];
	return NULL;
}

static json_object *filter_json(const struct tctl_route_filter *f)
{
	json_object *o = json_object_new_object();
	char buf[TCTL_ADDRSTRLEN];

	if (f->has & TCTL_FILTER_HAS_DST)
		json_object_object_add(o, "dst", json_object_new_string(
			tctl_prefix_str(&f->dst, buf, sizeof(buf))));
	if (f->has & TCTL_FILTER_HAS_DEV)
		json_object_object_add(o, "dev", json_object_new_string(f->dev));
	if (f->has & TCTL_FILTER_ALL_TABLES)
		json_object_object_add(o, "table", json_object_new_string("all"));
	else
		json_object_object_add(o, "table", json_object_new_int64(f->table));
	if (f->has & TCTL_FILTER_HAS_METRIC)
		json_object_object_add(o, "metric", json_object_new_int64(f->metric));
	if (f->has & TCTL_FILTER_HAS_ID)
		json_object_object_add(o, "id", json_object_new_uint64(f->id));
	return o;
}

static json_object *dev_json(const struct tctl_dev *d)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(d->name));
	json_object_object_add(o, "kind", json_object_new_string(d->kind_name));
	if (d->has & TCTL_DEV_HAS_MTU)
		json_object_object_add(o, "mtu", json_object_new_int64(d->mtu));
	if (d->has & TCTL_DEV_HAS_LINK)
		json_object_object_add(o, "link", json_object_new_string(d->link));
	if (d->has & TCTL_DEV_HAS_UP)
		json_object_object_add(o, "up", json_object_new_boolean(d->up));
	return o;
}

static int cmd_parse(int argc, char **argv)
{
	const struct tctl_syntax *syn;
	struct tctl_err err = { 0 };
	struct tctl_args a;

	if (argc < 2 || !(syn = find_syntax(argv[0], argv[1])))
		return fprintf(stderr, "parse: unknown command\n"), 2;
	if (tctl_args_parse(syn, argc - 2, argv + 2, &a, &err))
		return fail(&err);
	if (syn == &tctl_syntax_route_add || syn == &tctl_syntax_route_replace) {
		struct tctl_route r;

		if (tctl_route_from_args(&a, &r, &err))
			return fail(&err);
		emit(tctl_route_to_json(&r));
	} else if (!strcmp(syn->object, "route")) {
		struct tctl_route_filter f;

		if (tctl_route_filter_from_args(&a, &f, &err))
			return fail(&err);
		emit(filter_json(&f));
	} else if (syn == &tctl_syntax_dev_add || syn == &tctl_syntax_dev_set) {
		struct tctl_dev d;

		if ((syn == &tctl_syntax_dev_add ? tctl_dev_from_args(&a, &d, &err) :
		     tctl_dev_change_from_args(&a, &d, &err)))
			return fail(&err);
		emit(dev_json(&d));
	} else {
		const char *n = tctl_args_get(&a, "NAME");

		printf("%s\n", n ? n : "");
	}
	return 0;
}

/* "gre01:gre,ipip01:ipip,old:gre:classic,v0:veth" */
static int fake_devs(const char *spec, struct tctl_dev_list *l)
{
	char *copy = strdup(spec), *save = NULL;
	int ifindex = 10;

	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		struct tctl_dev *d = tctl_dev_list_push(l);
		char *kind = strchr(tok, ':'), *mod;

		if (!d || !kind)
			return free(copy), -1;
		*kind++ = '\0';
		mod = strchr(kind, ':');
		if (mod)
			*mod++ = '\0';
		snprintf(d->name, sizeof(d->name), "%s", tok);
		snprintf(d->kind_name, sizeof(d->kind_name), "%s", kind);
		d->kind = tctl_kind_from_name(kind);
		d->external = !(mod && !strcmp(mod, "classic"));
		d->ifindex = ifindex++;
	}
	free(copy);
	return 0;
}

static int route_from_words(int argc, char **argv, struct tctl_route *r,
			    struct tctl_err *err)
{
	struct tctl_args a;

	if (tctl_args_parse(&tctl_syntax_route_add, argc, argv, &a, err))
		return -1;
	return tctl_route_from_args(&a, r, err);
}

static int cmd_check(int argc, char **argv)
{
	struct tctl_dev_list devs = { 0 };
	struct tctl_err err = { 0 };
	struct tctl_route r;
	int ret = 2;

	if (argc < 2 || strcmp(argv[1], "--") || fake_devs(argv[0], &devs))
		return fprintf(stderr, "check: DEVS -- ARGS\n"), 2;
	if (route_from_words(argc - 2, argv + 2, &r, &err) ||
	    tctl_route_check(&r, &devs, NULL, &err)) {
		ret = fail(&err);
	} else {
		emit(tctl_route_to_json(&r));
		ret = 0;
	}
	tctl_dev_list_free(&devs);
	return ret;
}

static int cmd_roundtrip(int argc, char **argv)
{
	struct tctl_err err = { 0 };
	struct nlattr *tb[RTA_MAX + 1];
	struct tctl_route r;
	struct tctl_encap back;
	struct nl_msg *msg;
	int ret;

	if (route_from_words(argc, argv, &r, &err))
		return fail(&err);
	msg = tctl_route_msg_new(&r, false);
	if (!msg || nlmsg_parse(nlmsg_hdr(msg), sizeof(struct rtmsg), tb, RTA_MAX, NULL) < 0)
		return fprintf(stderr, "roundtrip: cannot build\n"), 1;
	ret = tctl_encap_parse(tb[RTA_ENCAP_TYPE], tb[RTA_ENCAP], &back);
	nlmsg_free(msg);
	if (ret != 1)
		return fprintf(stderr, "roundtrip: decode failed (%d)\n", ret), 1;
	emit(tctl_encap_to_json(&back));
	return 0;
}

static int cmd_next(int argc, char **argv)
{
	const struct tctl_syntax *syn;
	struct tctl_next next;
	static const char *const vals[] = {
		[TCTL_VAL_NONE] = "none", [TCTL_VAL_TEXT] = "text",
		[TCTL_VAL_NUMBER] = "number", [TCTL_VAL_ADDR] = "addr",
		[TCTL_VAL_PREFIX] = "prefix", [TCTL_VAL_ROUTE] = "route",
		[TCTL_VAL_DEVICE] = "device", [TCTL_VAL_TUNDEV] = "tundev",
		[TCTL_VAL_NEWDEV] = "newdev", [TCTL_VAL_CHOICE] = "choice",
		[TCTL_VAL_TABLE] = "table", [TCTL_VAL_FILE] = "file",
		[TCTL_VAL_NHID] = "nhid",
	};

	if (argc < 2 || !(syn = find_syntax(argv[0], argv[1])))
		return fprintf(stderr, "next: unknown command\n"), 2;
	tctl_syntax_next(syn, argc - 2, argv + 2, &next);
	if (next.val != TCTL_VAL_NONE)
		printf("value:%s\n", vals[next.val]);
	for (size_t i = 0; i < next.nwords; i++)
		printf("%s\n", next.words[i]);
	return 0;
}

struct raw_ctx {
	const char *dir;
	int type;
	unsigned int n;
};

static struct nl_msg *raw_req(void *arg)
{
	struct raw_ctx *c = arg;
	struct nl_msg *msg = tctl_nl_msg(c->type, NLM_F_DUMP);
	/* A zeroed struct ifinfomsg or struct rtmsg: no filter. */
	static const unsigned char hdr[sizeof(struct ifinfomsg)];

	if (msg && nlmsg_append(msg, (void *)hdr, c->type == RTM_GETLINK ?
				sizeof(struct ifinfomsg) : sizeof(struct rtmsg),
				NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int raw_cb(struct nlmsghdr *nlh, void *arg, struct tctl_err *err)
{
	struct raw_ctx *c = arg;
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s-%03u", c->dir,
		 c->type == RTM_GETLINK ? "link" : "route", c->n++);
	f = fopen(path, "we");
	if (!f)
		return tctl_err_set(err, TCTL_ERR_SYSTEM, 5, "cannot write %s", path);
	fwrite(nlh, 1, nlh->nlmsg_len, f);
	fclose(f);
	return 0;
}

static int cmd_rawdump(int argc, char **argv)
{
	struct raw_ctx c = { .dir = argc > 2 ? argv[2] : NULL };
	struct tctl_err err = { 0 };
	struct tctl_nl *nl;
	int ret;

	if (argc != 3)
		return fprintf(stderr, "rawdump NETNS route|link DIR\n"), 2;
	c.type = !strcmp(argv[1], "link") ? RTM_GETLINK : RTM_GETROUTE;
	if (tctl_nl_open(&nl, argv[0], &err))
		return fail(&err);
	ret = tctl_nl_dump(nl, raw_req, raw_cb, NULL, &c, &err);
	tctl_nl_close(nl);
	return ret ? fail(&err) : 0;
}

static int build_batch(struct tctl_nl_batch *b, int oif, unsigned long n,
		       unsigned long bad, struct tctl_err *err)
{
	for (unsigned long i = 0; i < n; i++) {
		struct tctl_route r = {
			.table = TCTL_TABLE_MAIN, .protocol = TCTL_RTPROT_DEFAULT,
			.oif = i == bad ? 999999 : oif,
			.encap = { .has = TCTL_ENCAP_HAS_ID | TCTL_ENCAP_HAS_DST,
				   .family = AF_INET, .id = i },
		};
		uint8_t net[4] = { 10, (uint8_t)(100 + (i >> 16)), (uint8_t)(i >> 8), (uint8_t)i };
		uint8_t dst[4] = { 192, 0, 2, 1 };

		tctl_addr_set(&r.dst.addr, AF_INET, net);
		r.dst.len = 32;
		tctl_addr_set(&r.encap.dst, AF_INET, dst);
		if (tctl_nl_batch_add(b, tctl_route_msg_new(&r, false), err, "route #%lu", i))
			return -1;
	}
	return 0;
}

static int cmd_batch(int argc, char **argv)
{
	struct tctl_nl_batch b = { 0 };
	struct tctl_err err = { 0 };
	struct tctl_dev_list devs = { 0 };
	const struct tctl_dev *d;
	struct tctl_nl *nl;
	int ret = 2;

	if (argc != 4)
		return fprintf(stderr, "batch NETNS DEV N BAD\n"), 2;
	if (tctl_nl_open(&nl, argv[0], &err))
		return fail(&err);
	if (tctl_link_dump(nl, &devs, &err) || !(d = tctl_dev_list_find(&devs, argv[1])) ||
	    build_batch(&b, d->ifindex, strtoul(argv[2], NULL, 10),
			strtoul(argv[3], NULL, 10), &err) ||
	    tctl_nl_batch_run(nl, &b, &err)) {
		fprintf(stderr, "batch: %s\n", err.msg[0] ? err.msg : "no such device");
	} else {
		for (size_t i = 0; i < b.n; i++) {
			if (!b.ops[i].error)
				continue;
			tctl_nl_op_error(&b.ops[i], &err);
			printf("failed %s\n", err.msg);
		}
		printf("sent %zu failed %zu\n", b.n, b.failed);
		ret = 0;
	}
	tctl_nl_batch_free(&b);
	tctl_dev_list_free(&devs);
	tctl_nl_close(nl);
	return ret;
}

int main(int argc, char **argv)
{
	struct tctl_err err = { 0 };
	char buf[1024];

	if (argc < 2)
		return fprintf(stderr, "usage: libprobe CMD ARGS\n"), 2;
	argc -= 2;
	argv += 2;
	if (!strcmp(argv[-1], "prefix") && argc == 1) {
		struct tctl_prefix p;

		if (tctl_prefix_parse(&p, argv[0], AF_UNSPEC, "prefix", &err))
			return fail(&err);
		puts(tctl_prefix_str(&p, buf, sizeof(buf)));
	} else if (!strcmp(argv[-1], "addr") && argc == 1) {
		struct tctl_addr a;

		if (tctl_addr_parse(&a, argv[0], AF_UNSPEC, "address", &err))
			return fail(&err);
		puts(tctl_addr_str(&a, buf, sizeof(buf)));
	} else if (!strcmp(argv[-1], "number") && argc == 2) {
		uint64_t v;

		if (tctl_parse_u64(argv[0], strtoull(argv[1], NULL, 0), &v, "number", &err))
			return fail(&err);
		printf("%llu\n", (unsigned long long)v);
	} else if (!strcmp(argv[-1], "parse")) {
		return cmd_parse(argc, argv);
	} else if (!strcmp(argv[-1], "check")) {
		return cmd_check(argc, argv);
	} else if (!strcmp(argv[-1], "roundtrip")) {
		return cmd_roundtrip(argc, argv);
	} else if (!strcmp(argv[-1], "next")) {
		return cmd_next(argc, argv);
	} else if (!strcmp(argv[-1], "usage") && argc == 2) {
		const struct tctl_syntax *syn = find_syntax(argv[0], argv[1]);

		if (!syn)
			return 2;
		tctl_syntax_usage(syn, buf, sizeof(buf));
		puts(buf);
	} else if (!strcmp(argv[-1], "batch")) {
		return cmd_batch(argc, argv);
	} else if (!strcmp(argv[-1], "rawdump")) {
		return cmd_rawdump(argc, argv);
	} else if (!strcmp(argv[-1], "closest") && argc >= 1) {
		const char *c = tctl_closest(argv[0], (const char *const *)argv + 1,
					     (size_t)argc - 1);

		puts(c ? c : "-");
	} else {
		fprintf(stderr, "libprobe: unknown command %s\n", argv[-1]);
		return 2;
	}
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/* libprobe commands over lib's pure functions: parsers, grammar, checks, encoders. */
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/dev_args.h"
#include "../../lib/model_json.h"
#include "../../lib/nexthop_args.h"
#include "../../lib/plan_json.h"
#include "../../lib/nl_encap.h"
#include "../../lib/nl_route.h"
#include "../../lib/number.h"
#include "../../lib/route_args.h"
#include "../../lib/route_check.h"
#include "../../lib/line_split.h"
#include "probe.h"

static const struct tctl_syntax *const syntaxes[] = {
	&tctl_syntax_route_add, &tctl_syntax_route_replace, &tctl_syntax_route_del,
	&tctl_syntax_route_show, &tctl_syntax_route_flush, &tctl_syntax_dev_add,
	&tctl_syntax_dev_del, &tctl_syntax_dev_set, &tctl_syntax_dev_show,
	&tctl_syntax_nexthop_add, &tctl_syntax_nexthop_replace, &tctl_syntax_nexthop_del,
	&tctl_syntax_nexthop_show, NULL,
};

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

int cmd_parse(int argc, char **argv)
{
	const struct tctl_syntax *syn;
	struct tctl_err err = { 0 };
	struct tctl_args a;

	if (argc < 2 || !(syn = find_syntax(argv[0], argv[1])))
		return fprintf(stderr, "parse: unknown command\n"), 2;
	if (tctl_args_parse(syn, argc - 2, argv + 2, &a, &err))
		return probe_fail(&err);
	if (syn == &tctl_syntax_route_add || syn == &tctl_syntax_route_replace) {
		struct tctl_route r;

		if (tctl_route_from_args(&a, &r, &err))
			return probe_fail(&err);
		probe_emit(tctl_route_to_json(&r));
	} else if (!strcmp(syn->object, "route")) {
		struct tctl_route_filter f;

		if (tctl_route_filter_from_args(&a, &f, &err))
			return probe_fail(&err);
		probe_emit(filter_json(&f));
	} else if (syn == &tctl_syntax_nexthop_add || syn == &tctl_syntax_nexthop_replace) {
		struct tctl_nexthop nh;

		if (tctl_nexthop_from_args(&a, &nh, &err))
			return probe_fail(&err);
		probe_emit(tctl_nexthop_to_json(&nh));
	} else if (!strcmp(syn->object, "nexthop")) {
		struct tctl_nexthop_filter f;

		if (tctl_nexthop_filter_from_args(&a, &f, &err))
			return probe_fail(&err);
		printf("%u\n", f.id);
	} else if (syn == &tctl_syntax_dev_add || syn == &tctl_syntax_dev_set) {
		struct tctl_dev d;

		if ((syn == &tctl_syntax_dev_add ? tctl_dev_from_args(&a, &d, &err) :
		     tctl_dev_change_from_args(&a, &d, &err)))
			return probe_fail(&err);
		probe_emit(dev_json(&d));
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

int cmd_check(int argc, char **argv)
{
	struct tctl_dev_list devs = { 0 };
	struct tctl_err err = { 0 };
	struct tctl_route r;
	int ret = 2;

	if (argc < 2 || strcmp(argv[1], "--") || fake_devs(argv[0], &devs))
		return fprintf(stderr, "check: DEVS -- ARGS\n"), 2;
	if (route_from_words(argc - 2, argv + 2, &r, &err) ||
	    tctl_route_check(&r, &devs, NULL, &err)) {
		ret = probe_fail(&err);
	} else {
		probe_emit(tctl_route_to_json(&r));
		ret = 0;
	}
	tctl_dev_list_free(&devs);
	return ret;
}

int cmd_roundtrip(int argc, char **argv)
{
	struct tctl_err err = { 0 };
	struct nlattr *tb[RTA_MAX + 1];
	struct tctl_route r;
	struct tctl_encap back;
	struct nl_msg *msg;
	int ret;

	if (route_from_words(argc, argv, &r, &err))
		return probe_fail(&err);
	msg = tctl_route_msg_new(&r, false);
	if (!msg || nlmsg_parse(nlmsg_hdr(msg), sizeof(struct rtmsg), tb, RTA_MAX, NULL) < 0)
		return fprintf(stderr, "roundtrip: cannot build\n"), 1;
	ret = tctl_encap_parse(tb[RTA_ENCAP_TYPE], tb[RTA_ENCAP], &back);
	nlmsg_free(msg);
	if (ret != 1)
		return fprintf(stderr, "roundtrip: decode failed (%d)\n", ret), 1;
	probe_emit(tctl_encap_to_json(&back));
	return 0;
}

int cmd_next(int argc, char **argv)
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


int cmd_prefix(int argc, char **argv)
{
	struct tctl_err err = { 0 };
	char buf[TCTL_ADDRSTRLEN];
	struct tctl_prefix p;

	if (argc != 1)
		return 2;
	if (tctl_prefix_parse(&p, argv[0], AF_UNSPEC, "prefix", &err))
		return probe_fail(&err);
	puts(tctl_prefix_str(&p, buf, sizeof(buf)));
	return 0;
}

int cmd_addr(int argc, char **argv)
{
	struct tctl_err err = { 0 };
	char buf[TCTL_ADDRSTRLEN];
	struct tctl_addr a;

	if (argc != 1)
		return 2;
	if (tctl_addr_parse(&a, argv[0], AF_UNSPEC, "address", &err))
		return probe_fail(&err);
	puts(tctl_addr_str(&a, buf, sizeof(buf)));
	return 0;
}

int cmd_number(int argc, char **argv)
{
	struct tctl_err err = { 0 };
	uint64_t v;

	if (argc != 2)
		return 2;
	if (tctl_parse_u64(argv[0], strtoull(argv[1], NULL, 0), &v, "number", &err))
		return probe_fail(&err);
	printf("%llu\n", (unsigned long long)v);
	return 0;
}

int cmd_usage(int argc, char **argv)
{
	const struct tctl_syntax *syn = argc == 2 ? find_syntax(argv[0], argv[1]) : NULL;
	char buf[1024];

	if (!syn)
		return 2;
	tctl_syntax_usage(syn, buf, sizeof(buf));
	puts(buf);
	return 0;
}

int cmd_closest(int argc, char **argv)
{
	const char *c;

	if (argc < 1)
		return 2;
	c = tctl_closest(argv[0], (const char *const *)argv + 1, (size_t)argc - 1);
	puts(c ? c : "-");
	return 0;
}

int cmd_split(int argc, char **argv)
{
	struct tctl_words w = { 0 };
	struct tctl_err err;
	json_object *a;
	int ret;

	if (argc != 1)
		return 2;
	tctl_err_clear(&err);
	ret = tctl_line_split(argv[0], &w, &err);
	if (ret) {
		tctl_words_free(&w);
		return probe_fail(&err);
	}
	a = json_object_new_array();
	for (size_t i = 0; i < w.n; i++)
		json_object_array_add(a, json_object_new_string(w.v[i]));
	tctl_words_free(&w);
	probe_emit(a);
	return 0;
}

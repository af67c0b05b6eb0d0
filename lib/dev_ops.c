// SPDX-License-Identifier: GPL-2.0-or-later
#include "dev_ops.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "nl_flowtun.h"
#include "nl_link.h"

const struct tctl_dev *tctl_dev_find_external(const struct tctl_dev_list *l,
					      enum tctl_kind kind)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].kind == kind && l->v[i].external &&
		    l->v[i].datapath == TCTL_DATAPATH_INTREE)
			return &l->v[i];
	return NULL;
}

/* The flowtun device of this mode bound to local (0: the wildcard one). */
static const struct tctl_dev *find_flowtun(const struct tctl_dev_list *l, enum tctl_kind mode,
					   struct in_addr local)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].datapath == TCTL_DATAPATH_KMOD && l->v[i].kind == mode &&
		    l->v[i].local.s_addr == local.s_addr)
			return &l->v[i];
	return NULL;
}

/* Several flowtun devices of one mode share a namespace by local address. */
static int one_flowtun_per_local(const struct tctl_dev_list *devs, const struct tctl_dev *d,
				 struct tctl_err *err)
{
	const struct tctl_dev *other = find_flowtun(devs, d->kind, d->local);
	char a[INET_ADDRSTRLEN];

	if (!other)
		return 0;
	if (!d->local.s_addr)
		return tctl_err_state(err, EEXIST, "flowtun %s device %s already takes every "
				      "local address (local any); a second %s device needs a "
				      "local address of its own", tctl_kind_info(d->kind)->name,
				      other->name, tctl_kind_info(d->kind)->name);
	return tctl_err_state(err, EEXIST, "flowtun %s device %s is already bound to local %s",
			      tctl_kind_info(d->kind)->name, other->name,
			      inet_ntop(AF_INET, &d->local, a, sizeof(a)));
}

static int one_external_per_kind(const struct tctl_dev_list *devs, enum tctl_kind kind,
				 struct tctl_err *err)
{
	const struct tctl_dev *other = tctl_dev_find_external(devs, kind);

	if (!other)
		return 0;
	return tctl_err_state(err, EEXIST, "an external %s device already exists in this "
			      "namespace: %s (the kernel allows one per type and "
			      "namespace; route through %s instead)",
			      tctl_kind_info(kind)->name, other->name, other->name);
}

static int check_new_dev(struct tctl_dev *d, const struct tctl_dev_list *devs,
			 struct tctl_err *err)
{
	const struct tctl_dev *same = tctl_dev_list_find(devs, d->name);

	if (same)
		return tctl_err_state(err, EEXIST, "device %s already exists (%s%s)", d->name,
				      same->kind_name[0] ? same->kind_name : "device",
				      same->kind_name[0] ? " device" : "");
	if (d->datapath == TCTL_DATAPATH_KMOD ? one_flowtun_per_local(devs, d, err) :
	    one_external_per_kind(devs, d->kind, err))
		return -EEXIST;
	if (d->has & TCTL_DEV_HAS_LINK) {
		const struct tctl_dev *u = tctl_dev_list_find(devs, d->link);

		if (!u)
			return tctl_err_state(err, ENODEV, "link device \"%s\" does not exist",
					      d->link);
		d->link_ifindex = u->ifindex;
	}
	return 0;
}

/*
 * In-tree gre fails to load while a GRE-mode flowtun device holds the demux
 * slot: name it when it is in this namespace, else say that one may be.
 */
static int gre_slot_taken(const struct tctl_dev_list *devs, const struct tctl_dev *d,
			  struct tctl_err *err)
{
	for (size_t i = 0; i < devs->n; i++)
		if (devs->v[i].datapath == TCTL_DATAPATH_KMOD && devs->v[i].kind == TCTL_KIND_GRE)
			return tctl_err_set(err, TCTL_ERR_KERNEL, EOPNOTSUPP,
					    "creating gre device %s: ip_gre cannot load while "
					    "a GRE-mode flowtun device exists (%s): the kernel's "
					    "GRE demultiplexer has one slot for GRE version 0; "
					    "use datapath kmod, or delete %s first", d->name,
					    devs->v[i].name, devs->v[i].name);
	if (!access("/sys/module/" TCTL_FLOWTUN_MODULE, F_OK) &&
	    access("/sys/module/ip_gre", F_OK))
		return tctl_err_set(err, TCTL_ERR_KERNEL, EOPNOTSUPP,
				    "creating gre device %s: module ip_gre could not be "
				    "loaded; the flowtun module is, and ip_gre cannot load "
				    "while a GRE-mode flowtun device exists in any namespace "
				    "(the kernel's GRE demultiplexer has one slot for GRE "
				    "version 0): use datapath kmod, or delete that device",
				    d->name);
	return 0;
}

/* Turn the kernel's answers to a create into what the user can act on. */
static int explain_create_error(struct tctl_nl *nl, const struct tctl_dev *d, int ret,
				struct tctl_err *err)
{
	const struct tctl_kind_info *ki = tctl_kind_info(d->kind);
	bool kmod = d->datapath == TCTL_DATAPATH_KMOD;
	struct tctl_dev_list devs = { 0 };
	struct tctl_err ignore;

	if (ret == -EOPNOTSUPP && kmod)
		return tctl_err_set(err, TCTL_ERR_KERNEL, EOPNOTSUPP, "%s", TCTL_FT_NOT_LOADED);
	if ((ret == -EOPNOTSUPP || ret == -EEXIST) && tctl_link_dump(nl, &devs, &ignore))
		devs.n = 0;
	if (ret == -EOPNOTSUPP && d->kind == TCTL_KIND_GRE && gre_slot_taken(&devs, d, err)) {
		tctl_dev_list_free(&devs);
		return -EOPNOTSUPP;
	}
	/* Another device took the slot between our check and the create. */
	if (ret == -EEXIST)
		ret = (kmod ? one_flowtun_per_local(&devs, d, err) :
		       one_external_per_kind(&devs, d->kind, err)) ?: ret;
	tctl_dev_list_free(&devs);
	if (ret == -EOPNOTSUPP)
		return tctl_err_set(err, TCTL_ERR_KERNEL, EOPNOTSUPP,
				    "creating %s device %s: the kernel has no %s support: "
				    "module %s is not loaded and could not be loaded "
				    "(try 'modprobe %s')", ki->name, d->name, ki->name,
				    ki->module, ki->module);
	return ret;
}

static int read_back(struct tctl_nl *nl, const char *name, struct tctl_dev *made,
		     struct tctl_err *err)
{
	struct tctl_dev_list devs = { 0 };
	const struct tctl_dev *d;
	int ret = tctl_link_dump(nl, &devs, err);

	if (!ret) {
		d = tctl_dev_list_find(&devs, name);
		if (d)
			*made = *d;
		else
			ret = tctl_err_state(err, ENODEV, "device %s vanished after it was "
					     "created", name);
	}
	tctl_dev_list_free(&devs);
	return ret;
}

int tctl_dev_add(struct tctl_nl *nl, struct tctl_dev *d, struct tctl_dev *made,
		 struct tctl_err *err)
{
	struct tctl_dev_list devs = { 0 };
	int ret;

	ret = tctl_link_dump(nl, &devs, err);
	if (!ret)
		ret = check_new_dev(d, &devs, err);
	tctl_dev_list_free(&devs);
	if (ret)
		return ret;
	ret = tctl_link_create(nl, d, err);
	if (ret)
		return explain_create_error(nl, d, ret, err);
	return read_back(nl, d->name, made, err);
}

/* The named device, which must be one of the tunnel kinds tunnelctl manages. */
static int find_tunnel(const struct tctl_dev_list *devs, const char *name,
		       const struct tctl_dev **out, struct tctl_err *err)
{
	const struct tctl_dev *d = tctl_dev_list_find(devs, name);

	*out = d;
	if (!d)
		return tctl_err_state(err, ENODEV, "device \"%s\" does not exist", name);
	if (d->kind == TCTL_KIND_OTHER)
		return tctl_err_state(err, EINVAL, "device %s is a%s %s device, not a tunnel "
				      "device: tunnelctl manages only gre, ipip, ip6gre, "
				      "ip6tnl and flowtun devices", name,
				      d->kind_name[0] ? "" : "n", d->kind_name[0] ?
				      d->kind_name : "ordinary");
	return 0;
}

int tctl_dev_del(struct tctl_nl *nl, const char *name, struct tctl_err *err)
{
	struct tctl_dev_list devs = { 0 };
	const struct tctl_dev *d;
	int ret;

	ret = tctl_link_dump(nl, &devs, err);
	if (!ret)
		ret = find_tunnel(&devs, name, &d, err);
	if (!ret)
		ret = tctl_link_delete(nl, d, err);
	tctl_dev_list_free(&devs);
	return ret;
}

int tctl_dev_set(struct tctl_nl *nl, struct tctl_dev *change, struct tctl_err *err)
{
	struct tctl_dev_list devs = { 0 };
	const struct tctl_dev *d;
	int ret;

	ret = tctl_link_dump(nl, &devs, err);
	if (!ret)
		ret = find_tunnel(&devs, change->name, &d, err);
	if (!ret && (change->has & TCTL_DEV_HAS_POLICY) && d->datapath != TCTL_DATAPATH_KMOD)
		ret = tctl_err_state(err, EINVAL, "device %s is an in-tree %s device: a receive "
				     "policy belongs to flowtun devices (dev add ... datapath "
				     "kmod)", d->name, d->kind_name);
	if (!ret)
		ret = tctl_link_change(nl, d->ifindex, change, err);
	tctl_dev_list_free(&devs);
	return ret;
}

int tctl_dev_show(struct tctl_nl *nl, const char *name, struct tctl_dev_list *out,
		  struct tctl_err *err)
{
	struct tctl_dev_list devs = { 0 };
	const struct tctl_dev *d;
	int ret;

	ret = tctl_link_dump(nl, &devs, err);
	if (!ret && name) {
		ret = find_tunnel(&devs, name, &d, err);
		if (!ret && !tctl_dev_list_push(out))
			ret = tctl_err_nomem(err);
		if (!ret)
			out->v[out->n - 1] = *d;
	}
	for (size_t i = 0; !ret && !name && i < devs.n; i++) {
		if (devs.v[i].kind == TCTL_KIND_OTHER || !devs.v[i].external)
			continue;
		if (!tctl_dev_list_push(out))
			ret = tctl_err_nomem(err);
		else
			out->v[out->n - 1] = devs.v[i];
	}
	tctl_dev_list_free(&devs);
	return ret;
}

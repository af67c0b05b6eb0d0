// SPDX-License-Identifier: GPL-2.0-or-later
#include "dev_ops.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "nl_link.h"

const struct tctl_dev *tctl_dev_find_external(const struct tctl_dev_list *l,
					      enum tctl_kind kind)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].kind == kind && l->v[i].external)
			return &l->v[i];
	return NULL;
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
	if (one_external_per_kind(devs, d->kind, err))
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

/* Turn the kernel's answers to a create into what the user can act on. */
static int explain_create_error(struct tctl_nl *nl, const struct tctl_dev *d, int ret,
				struct tctl_err *err)
{
	const struct tctl_kind_info *ki = tctl_kind_info(d->kind);
	struct tctl_dev_list devs = { 0 };
	struct tctl_err ignore;

	if (ret == -EOPNOTSUPP)
		return tctl_err_set(err, TCTL_ERR_KERNEL, EOPNOTSUPP,
				    "creating %s device %s: the kernel has no %s support: "
				    "module %s is not loaded and could not be loaded "
				    "(try 'modprobe %s')", ki->name, d->name, ki->name,
				    ki->module, ki->module);
	/* Another external device appeared between our check and the create. */
	if (ret == -EEXIST && !tctl_link_dump(nl, &devs, &ignore))
		ret = one_external_per_kind(&devs, d->kind, err) ?: ret;
	tctl_dev_list_free(&devs);
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
				      "device: tunnelctl manages only gre, ipip, ip6gre and "
				      "ip6tnl devices", name,
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

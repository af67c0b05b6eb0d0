// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Does the running kernel have the tunnel types?  A module is loaded
 * (/proc/modules, /sys/module/M/initstate), built in (/sys/module/M
 * without initstate, or modules.builtin), or loadable (modules.dep of
 * /lib/modules/$(uname -r)); nothing is loaded to find out.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "doctor.h"
#include "model.h"
#include "nl_flowtun.h"

enum mod_state { MOD_LOADED, MOD_BUILTIN, MOD_LOADABLE, MOD_ABSENT };

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* A line of file that names module mod: "mod " (/proc/modules), ".../mod.ko" (modules.*). */
static bool file_names(const char *file, const char *mod, bool proc_modules)
{
	FILE *f = fopen(file, "re");
	size_t ml = strlen(mod), cap = 0;
	char *line = NULL;
	bool found = false;

	if (!f)
		return false;
	while (!found && getline(&line, &cap, f) > 0) {
		char *end, *base;

		if (proc_modules) {
			found = !strncmp(line, mod, ml) && line[ml] == ' ';
			continue;
		}
		/* modules.dep: "kernel/net/ipv4/ip_gre.ko.xz: deps"; modules.builtin: a path. */
		end = line + strcspn(line, ":\n");
		*end = '\0';
		base = strrchr(line, '/');
		base = base ? base + 1 : line;
		found = !strncmp(base, mod, ml) && !strncmp(base + ml, ".ko", 3);
	}
	free(line);
	fclose(f);
	return found;
}

static enum mod_state module_state(const char *mod, const char *release)
{
	char path[512];

	snprintf(path, sizeof(path), "/sys/module/%s/initstate", mod);
	if (exists(path) || file_names("/proc/modules", mod, true))
		return MOD_LOADED;
	snprintf(path, sizeof(path), "/sys/module/%s", mod);
	if (exists(path))
		return MOD_BUILTIN;
	snprintf(path, sizeof(path), "/lib/modules/%s/modules.builtin", release);
	if (file_names(path, mod, false))
		return MOD_BUILTIN;
	snprintf(path, sizeof(path), "/lib/modules/%s/modules.dep", release);
	if (exists("/proc/modules") && file_names(path, mod, false))
		return MOD_LOADABLE;
	return MOD_ABSENT;
}

/* Why a module is absent, in the words of what was looked at. */
static void absent_why(const char *release, char *buf, size_t len)
{
	char path[300];

	snprintf(path, sizeof(path), "/lib/modules/%s", release);
	if (!exists("/proc/modules"))
		snprintf(buf, len, "not built in, and this kernel cannot load modules "
			 "(no /proc/modules)");
	else if (!exists(path))
		snprintf(buf, len, "not loaded, and there is no %s to load it from", path);
	else
		snprintf(buf, len, "not loaded, not built in, and not in %s", path);
}

static int kind_finding(enum tctl_kind kind, const char *release, bool flowtun,
			struct tctl_findings *out)
{
	const struct tctl_kind_info *ki = tctl_kind_info(kind);
	bool v6 = ki->underlay == AF_INET6;	/* an IPv6 underlay is optional */
	char check[32], why[512], fix[512];
	enum tctl_doc_status st;

	snprintf(check, sizeof(check), "kernel.%s", ki->name);
	switch (module_state(ki->module, release)) {
	case MOD_LOADED:
		return tctl_findings_add(out, check, TCTL_DOC_OK, NULL, "%s: module %s is loaded",
					 ki->name, ki->module);
	case MOD_BUILTIN:
		return tctl_findings_add(out, check, TCTL_DOC_OK, NULL, "%s: built into the kernel",
					 ki->name);
	case MOD_LOADABLE:
		return tctl_findings_add(out, check, TCTL_DOC_OK, NULL,
					 "%s: module %s is not loaded but can be (the kernel loads "
					 "it when the first %s device is made)", ki->name,
					 ki->module, ki->name);
	default:
		break;
	}
	absent_why(release, why, sizeof(why));
	snprintf(fix, sizeof(fix), "boot a kernel with %s (CONFIG_%s; distribution kernels such "
		 "as Debian's linux-image-amd64 have module %s)%s", ki->name,
		 kind == TCTL_KIND_GRE ? "NET_IPGRE" : kind == TCTL_KIND_IPIP ? "NET_IPIP" :
		 kind == TCTL_KIND_IP6GRE ? "IPV6_GRE" : "IPV6_TUNNEL", ki->module,
		 v6 ? "" : ", or use the flowtun module: dev add ... datapath kmod");
	/* Without IPv6 underlay types a node works; without both IPv4 ones and flowtun, not. */
	st = v6 || flowtun ? TCTL_DOC_WARN : TCTL_DOC_ERROR;
	return tctl_findings_add(out, check, st, fix, "%s: the running kernel (%s) has no %s: "
				 "module %s is %s", ki->name, release, ki->name, ki->module, why);
}

static int flowtun_finding(const char *netns, const char *release, struct tctl_findings *out)
{
	struct tctl_err err = { 0 };
	struct tctl_ft *ft;

	if (module_state(TCTL_FLOWTUN_MODULE, release) != MOD_LOADED) {
		if (module_state(TCTL_FLOWTUN_MODULE, release) == MOD_LOADABLE)
			return tctl_findings_add(out, "kernel.flowtun", TCTL_DOC_OK, NULL,
						 "flowtun: module not loaded (only datapath kmod "
						 "devices need it); modprobe flowtun loads it");
		return tctl_findings_add(out, "kernel.flowtun", TCTL_DOC_OK, NULL,
					 "flowtun: module not installed (only datapath kmod "
					 "devices need it; make kmod builds it)");
	}
	if (tctl_ft_open(&ft, netns, &err))
		return tctl_findings_add(out, "kernel.flowtun", TCTL_DOC_ERROR,
					 "reload the module: rmmod flowtun && modprobe flowtun",
					 "flowtun: module loaded, but its generic netlink family "
					 "is not usable: %s", err.msg);
	tctl_ft_close(ft);
	return tctl_findings_add(out, "kernel.flowtun", TCTL_DOC_OK, NULL,
				 "flowtun: module loaded, generic netlink family \"flowtun\" present");
}

int tctl_doctor_kernel(const char *netns, struct tctl_findings *out, struct tctl_err *err)
{
	static const enum tctl_kind kinds[] = {
		TCTL_KIND_GRE, TCTL_KIND_IPIP, TCTL_KIND_IP6GRE, TCTL_KIND_IP6TNL,
	};
	struct utsname u;
	bool flowtun;

	if (uname(&u) < 0)
		return tctl_err_set(err, TCTL_ERR_SYSTEM, errno, "uname: %s", strerror(errno));
	flowtun = module_state(TCTL_FLOWTUN_MODULE, u.release) == MOD_LOADED;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kind_finding(kinds[i], u.release, flowtun, out))
			return tctl_err_nomem(err);
	if (flowtun_finding(netns, u.release, out))
		return tctl_err_nomem(err);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * systemd-networkd, unless told ManageForeignRoutes=no, deletes on start
 * and reconfiguration the routes it did not make: tunnelctl's included.
 * Running: its process (comm "systemd-network") is there.  Told: the last
 * ManageForeignRoutes= of networkd.conf and its drop-ins, read in the
 * order networkd reads them.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "doctor.h"

#define NETWORKD_CONF "/etc/systemd/networkd.conf"
#define DROPIN_FIX "/etc/systemd/networkd.conf.d/tunnelctl.conf"

static bool networkd_running(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	bool found = false;

	if (!d)
		return false;
	while (!found && (e = readdir(d))) {
		char path[300], comm[32] = "";
		FILE *f;

		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", e->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f))
			found = !strcmp(comm, "systemd-network\n");
		fclose(f);
	}
	closedir(d);
	return found;
}

/* The value of ManageForeignRoutes= in file, into val ("" when not set). */
static void read_setting(const char *file, char *val, size_t len, char *where, size_t wlen)
{
	FILE *f = fopen(file, "re");
	char line[512];
	bool network = false;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *p = line + strspn(line, " \t"), *v;

		p[strcspn(p, "\r\n")] = '\0';
		if (p[0] == '[') {
			network = !strncmp(p, "[Network]", 9);
			continue;
		}
		if (!network || strncmp(p, "ManageForeignRoutes", 19))
			continue;
		v = p + 19 + strspn(p + 19, " \t");
		if (*v != '=')
			continue;
		v++;
		v += strspn(v, " \t");
		v[strcspn(v, " \t")] = '\0';
		snprintf(val, len, "%s", v);
		snprintf(where, wlen, "%s", file);
	}
	fclose(f);
}

static int name_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int conf_only(const struct dirent *e)
{
	size_t n = strlen(e->d_name);

	return n > 5 && !strcmp(e->d_name + n - 5, ".conf");
}

static void read_dropins(const char *dir, char *val, size_t len, char *where, size_t wlen)
{
	struct dirent **list;
	int n = scandir(dir, &list, conf_only, name_cmp);

	for (int i = 0; i < n; i++) {
		char path[600];

		snprintf(path, sizeof(path), "%s/%s", dir, list[i]->d_name);
		read_setting(path, val, len, where, wlen);
		free(list[i]);
	}
	if (n >= 0)
		free(list);
}

static bool is_no(const char *v)
{
	return !strcasecmp(v, "no") || !strcasecmp(v, "false") || !strcasecmp(v, "off") ||
	       !strcmp(v, "0");
}

int tctl_doctor_networkd(const char *netns, struct tctl_findings *out, struct tctl_err *err)
{
	static const char *const dirs[] = {
		"/usr/lib/systemd/networkd.conf.d", "/usr/local/lib/systemd/networkd.conf.d",
		"/run/systemd/networkd.conf.d", "/etc/systemd/networkd.conf.d",
	};
	char val[64] = "", where[600] = "";
	int ret;

	if (netns)
		ret = tctl_findings_add(out, "networkd", TCTL_DOC_OK, NULL, "systemd-networkd "
					"manages the host's namespace only, not %s", netns);
	else if (!networkd_running())
		ret = tctl_findings_add(out, "networkd", TCTL_DOC_OK, NULL,
					"systemd-networkd is not running");
	else {
		read_setting(NETWORKD_CONF, val, sizeof(val), where, sizeof(where));
		for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
			read_dropins(dirs[i], val, sizeof(val), where, sizeof(where));
		if (val[0] && is_no(val))
			ret = tctl_findings_add(out, "networkd", TCTL_DOC_OK, NULL,
						"systemd-networkd runs with ManageForeignRoutes=%s "
						"(%s): it leaves tunnelctl's routes alone", val, where);
		else
			ret = tctl_findings_add(out, "networkd", TCTL_DOC_WARN,
						"put \"[Network]\" and \"ManageForeignRoutes=no\" in "
						DROPIN_FIX ", then: networkctl reload",
						"systemd-networkd runs and manages foreign routes "
						"(ManageForeignRoutes=%s%s%s%s): it deletes tunnelctl's "
						"routes when it starts or reconfigures", val[0] ? val :
						"yes, the default", where[0] ? ", " : "", where,
						"");
	}
	return ret ? tctl_err_nomem(err) : 0;
}

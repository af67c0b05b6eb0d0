// SPDX-License-Identifier: GPL-2.0-or-later
#include "rtnames.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "number.h"

#define NAME_MAX_LEN 64
#define MAX_TABLE_NAMES 256

struct id_name {
	uint32_t id;
	char name[NAME_MAX_LEN];
};

static const char *conf_dir = "/etc/iproute2";
static bool loaded;
static struct id_name tables[MAX_TABLE_NAMES];
static size_t ntables;
static char protos[256][NAME_MAX_LEN];
static uint8_t own_proto = TCTL_RTPROT_DEFAULT;

void tctl_rtnames_set_dir(const char *dir)
{
	conf_dir = dir;
	loaded = false;
}

static void add_table(uint32_t id, const char *name)
{
	for (size_t i = 0; i < ntables; i++) {
		if (tables[i].id == id) {
			snprintf(tables[i].name, NAME_MAX_LEN, "%s", name);
			return;
		}
	}
	if (ntables == MAX_TABLE_NAMES)
		return;
	tables[ntables].id = id;
	snprintf(tables[ntables].name, NAME_MAX_LEN, "%s", name);
	ntables++;
}

/* Lines are "NUMBER NAME", '#' comments; anything else is ignored, as ip does. */
static void read_file(const char *path, bool is_table)
{
	char line[256], name[NAME_MAX_LEN];
	unsigned long id;
	FILE *f = fopen(path, "re");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *p = line;

		while (isspace((unsigned char)*p))
			p++;
		if (*p == '#' || !*p)
			continue;
		if (sscanf(p, "%lu %63s", &id, name) != 2 &&
		    sscanf(p, "0x%lx %63s", &id, name) != 2)
			continue;
		if (name[0] == '#')
			continue;
		if (is_table)
			add_table((uint32_t)id, name);
		else if (id < 256)
			snprintf(protos[id], NAME_MAX_LEN, "%s", name);
	}
	fclose(f);
}

static void read_dir(const char *sub, bool is_table)
{
	char path[512];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s", conf_dir, sub);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		char file[1024];

		if (n < 6 || strcmp(de->d_name + n - 5, ".conf"))
			continue;
		snprintf(file, sizeof(file), "%s/%s", path, de->d_name);
		read_file(file, is_table);
	}
	closedir(d);
}

static void load(void)
{
	char path[512];

	if (loaded)
		return;
	loaded = true;
	ntables = 0;
	memset(protos, 0, sizeof(protos));
	add_table(253, "default");
	add_table(254, "main");
	add_table(255, "local");
	snprintf(protos[0], NAME_MAX_LEN, "unspec");
	snprintf(protos[1], NAME_MAX_LEN, "redirect");
	snprintf(protos[2], NAME_MAX_LEN, "kernel");
	snprintf(protos[3], NAME_MAX_LEN, "boot");
	snprintf(protos[4], NAME_MAX_LEN, "static");
	snprintf(path, sizeof(path), "%s/rt_tables", conf_dir);
	read_file(path, true);
	read_dir("rt_tables.d", true);
	snprintf(path, sizeof(path), "%s/rt_protos", conf_dir);
	read_file(path, false);
	read_dir("rt_protos.d", false);
}

void tctl_rtnames_load(void)
{
	load();
}

const char *tctl_table_name(uint32_t id, char *buf, size_t len)
{
	load();
	for (size_t i = 0; i < ntables; i++) {
		if (tables[i].id == id) {
			snprintf(buf, len, "%s", tables[i].name);
			return buf;
		}
	}
	snprintf(buf, len, "%u", id);
	return buf;
}

int tctl_table_parse(const char *s, uint32_t *out, struct tctl_err *err)
{
	load();
	for (size_t i = 0; i < ntables; i++) {
		if (!strcmp(tables[i].name, s)) {
			*out = tables[i].id;
			return 0;
		}
	}
	if (!isdigit((unsigned char)s[0]))
		return tctl_err_usage(err, "table \"%s\" is neither a number nor a name "
				      "from %s/rt_tables", s, conf_dir);
	if (tctl_parse_u32(s, UINT32_MAX, out, "table", err))
		return -EINVAL;
	if (*out == 0)
		return tctl_err_usage(err, "table \"%s\": table 0 is not a routing table", s);
	return 0;
}

void tctl_rtnames_set_own_proto(uint8_t proto)
{
	own_proto = proto;
}

uint8_t tctl_own_proto(void)
{
	return own_proto;
}

const char *tctl_proto_name(uint8_t proto, char *buf, size_t len)
{
	load();
	if (proto == own_proto)
		snprintf(buf, len, "%s", TCTL_RTPROT_NAME);
	else if (protos[proto][0])
		snprintf(buf, len, "%s", protos[proto]);
	else
		snprintf(buf, len, "%u", proto);
	return buf;
}

int tctl_proto_parse(const char *s, uint8_t *out, struct tctl_err *err)
{
	uint32_t v;

	load();
	if (!strcmp(s, TCTL_RTPROT_NAME)) {
		*out = own_proto;
		return 0;
	}
	for (int i = 0; i < 256; i++) {
		if (protos[i][0] && !strcmp(protos[i], s)) {
			*out = (uint8_t)i;
			return 0;
		}
	}
	if (!isdigit((unsigned char)s[0]))
		return tctl_err_usage(err, "protocol \"%s\" is neither a number nor a "
				      "name from %s/rt_protos", s, conf_dir);
	if (tctl_parse_u32(s, 255, &v, "protocol", err))
		return -EINVAL;
	*out = (uint8_t)v;
	return 0;
}

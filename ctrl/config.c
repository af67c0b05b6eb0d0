// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tunnelctld's settings: the command line, then the config file for what
 * the command line left unset, then defaults.  The file is `key value`
 * lines with the long options' names and # comments.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/number.h"
#include "daemon.h"

#define DEFAULT_RESYNC 60.0
#define DEFAULT_RCVBUF (8 * 1024 * 1024)
#define MIN_RCVBUF 1024

/* Which settings the command line gave (the file does not override them). */
enum {
	SET_PEERS = 1 << 0, SET_SELF = 1 << 1, SET_NETNS = 1 << 2, SET_SOCKET = 1 << 3,
	SET_METRICS = 1 << 4, SET_RESYNC = 1 << 5, SET_RCVBUF = 1 << 6, SET_FIREWALL = 1 << 7,
	SET_FLUSH = 1 << 8, SET_VERBOSE = 1 << 9,
};

static const char usage[] =
	"usage: tunnelctld [--config FILE] [--peers FILE] [--self NAME] [-n NETNS]\n"
	"                  [--foreground] [--check] [--flush-on-exit] [--no-firewall]\n"
	"                  [--resync SECONDS] [--socket PATH] [--metrics FILE]\n"
	"                  [--rcvbuf BYTES] [-v]\n";

static int set_str(char **dst, const char *v, struct tctl_err *err)
{
	free(*dst);
	*dst = strdup(v);
	return *dst ? 0 : tctl_err_nomem(err);
}

static int parse_seconds(const char *v, double *out, const char *where, struct tctl_err *err)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(v, &end);
	if (errno || end == v || *end || d < 1 || d > 86400)
		return tctl_err_usage(err, "%sresync '%s': seconds from 1 to 86400 expected",
				      where, v);
	*out = d;
	return 0;
}

static int parse_rcvbuf(const char *v, int *out, const char *where, struct tctl_err *err)
{
	struct tctl_err ignore;
	uint64_t n;

	if (tctl_parse_u64(v, 1u << 30, &n, "rcvbuf", &ignore) || n < MIN_RCVBUF)
		return tctl_err_usage(err, "%srcvbuf '%s': bytes from %d to %u expected", where,
				      v, MIN_RCVBUF, 1u << 30);
	*out = (int)n;
	return 0;
}

static int parse_bool(const char *v, bool *out, const char *key, const char *where,
		      struct tctl_err *err)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "on") || !strcmp(v, "1"))
		*out = true;
	else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "off") || !strcmp(v, "0"))
		*out = false;
	else
		return tctl_err_usage(err, "%s%s '%s': yes or no expected", where, key, v);
	return 0;
}

/* One `key value` line of the file, unless the command line set it. */
static int file_setting(struct tctld_config *c, unsigned int given, const char *key,
			const char *v, const char *where, struct tctl_err *err)
{
	bool b;

	if (!strcmp(key, "peers"))
		return (given & SET_PEERS) ? 0 : set_str(&c->peers, v, err);
	if (!strcmp(key, "self"))
		return (given & SET_SELF) ? 0 : set_str(&c->self, v, err);
	if (!strcmp(key, "netns"))
		return (given & SET_NETNS) ? 0 : set_str(&c->netns, v, err);
	if (!strcmp(key, "socket"))
		return (given & SET_SOCKET) ? 0 : set_str(&c->socket, v, err);
	if (!strcmp(key, "metrics"))
		return (given & SET_METRICS) ? 0 : set_str(&c->metrics, v, err);
	if (!strcmp(key, "resync"))
		return (given & SET_RESYNC) ? 0 : parse_seconds(v, &c->resync, where, err);
	if (!strcmp(key, "rcvbuf"))
		return (given & SET_RCVBUF) ? 0 : parse_rcvbuf(v, &c->rcvbuf, where, err);
	if (!strcmp(key, "firewall")) {
		if (parse_bool(v, &b, key, where, err))
			return -1;
		if (!(given & SET_FIREWALL))
			c->firewall = b;
		return 0;
	}
	if (!strcmp(key, "flush-on-exit")) {
		if (parse_bool(v, &b, key, where, err))
			return -1;
		if (!(given & SET_FLUSH))
			c->flush_on_exit = b;
		return 0;
	}
	if (!strcmp(key, "verbose")) {
		if (parse_bool(v, &b, key, where, err))
			return -1;
		if (!(given & SET_VERBOSE))
			c->verbose = b;
		return 0;
	}
	return tctl_err_usage(err, "%sunknown setting '%s' (peers, self, netns, socket, "
			      "metrics, resync, rcvbuf, firewall, flush-on-exit, verbose)",
			      where, key);
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static int read_file(struct tctld_config *c, const char *path, unsigned int given,
		     struct tctl_err *err)
{
	char line[4096], where[PATH_MAX + 32];
	int lineno = 0, ret = 0;
	FILE *f = fopen(path, "re");

	if (!f)
		return tctl_err_set(err, TCTL_ERR_USAGE, errno, "%s: %m", path);
	while (!ret && fgets(line, sizeof(line), f)) {
		char *s, *key, *v;

		lineno++;
		snprintf(where, sizeof(where), "%s:%d: ", path, lineno);
		s = strchr(line, '#');
		if (s)
			*s = '\0';
		s = trim(line);
		if (!*s)
			continue;
		key = s;
		v = key + strcspn(key, " \t=");
		if (*v)
			*v++ = '\0';
		v = trim(v + (*v == '=' ? 1 : 0));
		if (*v == '=')
			v = trim(v + 1);
		if (!*v)
			ret = tctl_err_usage(err, "%s%s: a value is missing", where, key);
		else
			ret = file_setting(c, given, key, v, where, err);
	}
	fclose(f);
	return ret;
}

static const struct option longopts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "peers", required_argument, NULL, 'p' },
	{ "self", required_argument, NULL, 's' },
	{ "netns", required_argument, NULL, 'n' },
	{ "foreground", no_argument, NULL, 'f' },
	{ "check", no_argument, NULL, 'C' },
	{ "flush-on-exit", no_argument, NULL, 'F' },
	{ "no-firewall", no_argument, NULL, 'W' },
	{ "resync", required_argument, NULL, 'r' },
	{ "socket", required_argument, NULL, 'S' },
	{ "metrics", required_argument, NULL, 'm' },
	{ "rcvbuf", required_argument, NULL, 'b' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static int parse_argv(struct tctld_config *c, int argc, char **argv, unsigned int *given,
		      struct tctl_err *err)
{
	int opt;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":n:vhV", longopts, NULL)) != -1) {
		int ret = 0;

		switch (opt) {
		case 'c': ret = set_str(&c->config, optarg, err); break;
		case 'p': ret = set_str(&c->peers, optarg, err); *given |= SET_PEERS; break;
		case 's': ret = set_str(&c->self, optarg, err); *given |= SET_SELF; break;
		case 'n': ret = set_str(&c->netns, optarg, err); *given |= SET_NETNS; break;
		case 'S': ret = set_str(&c->socket, optarg, err); *given |= SET_SOCKET; break;
		case 'm': ret = set_str(&c->metrics, optarg, err); *given |= SET_METRICS; break;
		case 'f': c->foreground = true; break;
		case 'C': c->check = true; break;
		case 'F': c->flush_on_exit = true; *given |= SET_FLUSH; break;
		case 'W': c->firewall = false; *given |= SET_FIREWALL; break;
		case 'v': c->verbose++; *given |= SET_VERBOSE; break;
		case 'r':
			ret = parse_seconds(optarg, &c->resync, "", err);
			*given |= SET_RESYNC;
			break;
		case 'b':
			ret = parse_rcvbuf(optarg, &c->rcvbuf, "", err);
			*given |= SET_RCVBUF;
			break;
		case 'h':
			fputs(usage, stdout);
			return 1;
		case 'V':
			printf("tunnelctld %s\n", TUNNELCTL_VERSION);
			return 1;
		case ':':
			return tctl_err_usage(err, "%s: a value is missing\n%s", argv[optind - 1],
					      usage);
		default:
			return tctl_err_usage(err, "unknown option '%s'\n%s", argv[optind - 1],
					      usage);
		}
		if (ret)
			return ret;
	}
	if (optind < argc)
		return tctl_err_usage(err, "unexpected argument '%s'\n%s", argv[optind], usage);
	return 0;
}

/* 0: run; 1: done (help, version); <0: err says why (a usage error). */
int tctld_config_parse(struct tctld_config *c, int argc, char **argv, struct tctl_err *err)
{
	unsigned int given = 0;
	char path[PATH_MAX];
	int ret;

	memset(c, 0, sizeof(*c));
	c->firewall = true;
	c->resync = DEFAULT_RESYNC;
	c->rcvbuf = DEFAULT_RCVBUF;
	ret = parse_argv(c, argc, argv, &given, err);
	if (ret)
		return ret;
	if (!c->config && access(TCTLD_DEFAULT_CONFIG, F_OK) == 0 &&
	    set_str(&c->config, TCTLD_DEFAULT_CONFIG, err))
		return -1;
	if (c->config && read_file(c, c->config, given, err))
		return -1;
	if (!c->peers)
		return tctl_err_usage(err, "no peer list: give --peers FILE (or `peers FILE` "
				      "in %s)", c->config ? c->config : TCTLD_DEFAULT_CONFIG);
	if (c->netns && (!c->netns[0] || strchr(c->netns, '/') || strlen(c->netns) > NAME_MAX))
		return tctl_err_usage(err, "-n '%s': not a network namespace name", c->netns);
	if (!c->socket) {
		if (c->netns)
			snprintf(path, sizeof(path), TCTLD_RUN_DIR "/tunnelctld.%s.sock", c->netns);
		else
			snprintf(path, sizeof(path), TCTLD_RUN_DIR "/tunnelctld.sock");
		if (set_str(&c->socket, path, err))
			return -1;
	}
	return 0;
}

void tctld_config_free(struct tctld_config *c)
{
	free(c->config);
	free(c->peers);
	free(c->self);
	free(c->netns);
	free(c->socket);
	free(c->metrics);
	memset(c, 0, sizeof(*c));
}

// SPDX-License-Identifier: GPL-2.0-or-later
#include "print_flowtun.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "output.h"

static const char *ip4(struct in_addr a, char *buf, size_t len)
{
	return inet_ntop(AF_INET, &a, buf, (socklen_t)len);
}

/* JSON ------------------------------------------------------------------ */

static json_object *u64(uint64_t v)
{
	return json_object_new_uint64(v);
}

static json_object *stats_json(const struct tctl_ft_stats *s)
{
	json_object *o = json_object_new_object();
	json_object *drops = json_object_new_object();

	json_object_object_add(o, "rx_packets", u64(s->rx_packets));
	json_object_object_add(o, "rx_bytes", u64(s->rx_bytes));
	json_object_object_add(o, "tx_packets", u64(s->tx_packets));
	json_object_object_add(o, "tx_bytes", u64(s->tx_bytes));
	for (size_t i = 0; i < TCTL_FT_NDROPS; i++)
		json_object_object_add(drops, tctl_ft_drop_name(i), u64(s->drops[i]));
	json_object_object_add(o, "drops", drops);
	return o;
}

static json_object *peer_json(const struct tctl_ft_peer *p)
{
	json_object *o = json_object_new_object();
	char a[INET_ADDRSTRLEN];

	json_object_object_add(o, "dev", json_object_new_string(p->dev));
	json_object_object_add(o, "ifindex", json_object_new_int(p->ifindex));
	json_object_object_add(o, "remote", json_object_new_string(ip4(p->remote, a, sizeof(a))));
	json_object_object_add(o, "id", u64(p->id));
	json_object_object_add(o, "stats", stats_json(&p->stats));
	return o;
}

static json_object *dev_json(const struct tctl_ft_dev *d)
{
	json_object *o = json_object_new_object();
	char a[INET_ADDRSTRLEN];

	json_object_object_add(o, "ifindex", json_object_new_int(d->ifindex));
	json_object_object_add(o, "ifname", json_object_new_string(d->name));
	json_object_object_add(o, "mode", json_object_new_string(
		d->mode == TCTL_KIND_OTHER ? "unknown" : tctl_kind_info(d->mode)->name));
	json_object_object_add(o, "local", json_object_new_string(
		d->local.s_addr ? ip4(d->local, a, sizeof(a)) : "any"));
	json_object_object_add(o, "policy", json_object_new_string(
		tctl_ft_policy_name(d->policy)));
	json_object_object_add(o, "peer_count", json_object_new_int64(d->peer_count));
	json_object_object_add(o, "stats", stats_json(&d->stats));
	return o;
}

static json_object *peers_json(const struct tctl_ft_peer_list *peers)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < peers->n; i++)
		json_object_array_add(a, peer_json(&peers->v[i]));
	return a;
}

/* Text ------------------------------------------------------------------ */

enum { C_DEV, C_REMOTE, C_ID, C_RXP, C_RXB, C_TXP, C_TXB, C_DROPS, NCOLS };

static void peers_text(const struct tctl_ft_peer_list *peers)
{
	static const char *const header[NCOLS] = {
		"DEV", "REMOTE", "ID", "RX_PACKETS", "RX_BYTES", "TX_PACKETS", "TX_BYTES",
		"DROPS",
	};
	struct cli_table t;

	cli_table_init(&t, NCOLS, header);
	for (size_t i = 0; i < peers->n; i++) {
		const struct tctl_ft_peer *p = &peers->v[i];
		char cells[NCOLS][24], a[INET_ADDRSTRLEN];
		const char *row[NCOLS];

		snprintf(cells[C_ID], sizeof(cells[C_ID]), "%" PRIu64, p->id);
		snprintf(cells[C_RXP], sizeof(cells[C_RXP]), "%" PRIu64, p->stats.rx_packets);
		snprintf(cells[C_RXB], sizeof(cells[C_RXB]), "%" PRIu64, p->stats.rx_bytes);
		snprintf(cells[C_TXP], sizeof(cells[C_TXP]), "%" PRIu64, p->stats.tx_packets);
		snprintf(cells[C_TXB], sizeof(cells[C_TXB]), "%" PRIu64, p->stats.tx_bytes);
		snprintf(cells[C_DROPS], sizeof(cells[C_DROPS]), "%" PRIu64,
			 tctl_ft_drops_total(&p->stats));
		for (int c = C_ID; c < NCOLS; c++)
			row[c] = cells[c];
		row[C_DEV] = p->dev;
		row[C_REMOTE] = ip4(p->remote, a, sizeof(a));
		if (cli_table_add(&t, row))
			break;
	}
	cli_table_print(&t, stdout);
	cli_table_free(&t);
}

void print_peers(const struct cli *cli, const struct tctl_ft_peer_list *peers)
{
	if (cli->json)
		cli_print_json(cli, peers_json(peers));
	else
		peers_text(peers);
}

#define PER_LINE 4

/*
 * Every counter as "name value", PER_LINE to a line, in aligned columns:
 * packets and bytes on the first line, then every drop reason.
 */
static void counters_text(const struct tctl_ft_stats *s)
{
	const char *names[4 + TCTL_FT_NDROPS] = {
		"rx_packets", "rx_bytes", "tx_packets", "tx_bytes",
	};
	uint64_t vals[4 + TCTL_FT_NDROPS] = {
		s->rx_packets, s->rx_bytes, s->tx_packets, s->tx_bytes,
	};
	size_t n = 4, vw = 1;
	char v[24];

	for (size_t i = 0; i < TCTL_FT_NDROPS; i++, n++) {
		names[n] = tctl_ft_drop_name(i);
		vals[n] = s->drops[i];
	}
	for (size_t i = 0; i < n; i++) {
		size_t w = (size_t)snprintf(v, sizeof(v), "%" PRIu64, vals[i]);

		if (w > vw)
			vw = w;
	}
	for (size_t i = 0; i < n; i++) {
		bool last = i % PER_LINE == PER_LINE - 1 || i + 1 == n;

		snprintf(v, sizeof(v), "%" PRIu64, vals[i]);
		printf("%s%-13s %*s%s", i % PER_LINE ? "" : "    ", names[i], (int)vw, v,
		       last ? "\n" : "   ");
	}
}

static void dev_text(const struct tctl_ft_dev *d)
{
	char a[INET_ADDRSTRLEN];

	printf("dev %s: %s, local %s, policy %s, %" PRIu32 " peer%s, %" PRIu64 " dropped\n",
	       d->name, d->mode == TCTL_KIND_OTHER ? "unknown mode" : tctl_kind_info(d->mode)->name,
	       d->local.s_addr ? ip4(d->local, a, sizeof(a)) : "any",
	       tctl_ft_policy_name(d->policy), d->peer_count, d->peer_count == 1 ? "" : "s",
	       tctl_ft_drops_total(&d->stats));
	counters_text(&d->stats);
}

static void peer_text(const struct tctl_ft_peer *p)
{
	char a[INET_ADDRSTRLEN];

	printf("peer %s on %s: id %" PRIu64 ", %" PRIu64 " dropped\n",
	       ip4(p->remote, a, sizeof(a)), p->dev, p->id, tctl_ft_drops_total(&p->stats));
	counters_text(&p->stats);
}

void print_stats(const struct cli *cli, const struct tctl_ft_dev_list *devs,
		 const struct tctl_ft_peer_list *peers)
{
	bool first = true;

	if (cli->json) {
		json_object *o = json_object_new_object();
		json_object *a = json_object_new_array();

		for (size_t i = 0; i < devs->n; i++)
			json_object_array_add(a, dev_json(&devs->v[i]));
		json_object_object_add(o, "devices", a);
		json_object_object_add(o, "peers", peers_json(peers));
		cli_print_json(cli, o);
		return;
	}
	/* Each device, then its peers (both lists are sorted by device name). */
	for (size_t i = 0, j = 0; i < devs->n || j < peers->n; first = false) {
		if (!first)
			printf("\n");
		if (i < devs->n && (j >= peers->n || strcmp(devs->v[i].name, peers->v[j].dev) <= 0))
			dev_text(&devs->v[i++]);
		else
			peer_text(&peers->v[j++]);
	}
}

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#include <errno.h>
#include <limits.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "mvt_log.h"
#include "mvt_pool.h"
#include "mvt_switch_priv.h"

/* Counter ports after the endpoints: two per segment, lower and host. */
#define PORTS_END MVT_SWITCH_LOWER(MVT_LOWERS_MAX)

void
mvt_switch_port_counters_raw(const struct mvt_switch *sw, unsigned int port,
	struct mvt_port_counters *out)
{
	unsigned int s = 0;

	/* each segment's workers count its ports in their own blocks */
	if (port < MVT_MAX_ENDPOINTS) {
		s = mvt_switch_ep_seg(sw, (uint16_t)port);
	} else if (port < PORTS_END) {
		s = (port - MVT_PORT_LOWER) / 2;
		port = MVT_PORT_LOWER + (port - MVT_PORT_LOWER) % 2;
	}
	if (s >= sw->n_segs) {
		memset(out, 0, sizeof(*out));
		return;
	}
	mvt_stats_port_sum(
		(const struct mvt_lcore_stats *const *)sw->seg[s].stats,
		sw->nb_workers, port, out);
}

void
mvt_switch_port_counters(const struct mvt_switch *sw, unsigned int port,
	struct mvt_port_counters *out)
{
	const struct mvt_port_counters *b;
	unsigned int r;

	mvt_switch_port_counters_raw(sw, port, out);
	if (port >= MVT_MAX_ENDPOINTS)
		return;
	b = &sw->base[port];
#define SUB_(name) out->name -= b->name;
	MVT_PORT_COUNTERS(SUB_)
	MVT_PORT_OFFLOAD_COUNTERS(SUB_)
#undef SUB_
	for (r = 0; r < MVT_DROP_MAX; r++)
		out->drops[r] -= b->drops[r];
}

/*
 * "lower" and "host" with one lower, as always; with several,
 * "lower:NAME" and "host:NAME".
 */
static const char *
port_name(const struct mvt_switch *sw, unsigned int port, char *buf,
	size_t len)
{
	unsigned int s;

	if (port < MVT_MAX_ENDPOINTS)
		return sw->conf.ep[port].name;
	s = (port - MVT_PORT_LOWER) / 2;
	if (sw->n_segs <= 1)
		return port == MVT_PORT_LOWER ? "lower" : "host";
	snprintf(buf, len, "%s:%s", (port - MVT_PORT_LOWER) % 2 == 0 ?
		"lower" : "host", sw->conf.lowers[s].name);
	return buf;
}

/*
 * Endpoint slots in use, then for each segment its lower and, if it has
 * one, its host port.
 */
static unsigned int
next_port(const struct mvt_switch *sw, unsigned int port)
{
	unsigned int s;

	if (port == UINT_MAX || port < MVT_MAX_ENDPOINTS) {
		for (port = port == UINT_MAX ? 0 : port + 1;
				port < sw->conf.n_endpoints; port++)
			if (mvt_switch_slot_used(sw, (uint16_t)port))
				return port;
		return MVT_SWITCH_LOWER(0);
	}
	for (port++; port < MVT_SWITCH_LOWER(sw->n_segs); port++) {
		s = (port - MVT_PORT_LOWER) / 2;
		if ((port - MVT_PORT_LOWER) % 2 == 0 ||
				sw->seg[s].dp.host != NULL)
			return port;
	}
	return PORTS_END;
}

#define FOREACH_PORT(sw, p) \
	for (p = next_port(sw, UINT_MAX); p != PORTS_END; p = next_port(sw, p))

int
mvt_switch_stats_line(struct mvt_switch *sw, char *buf, size_t len)
{
	struct mvt_port_counters c;
	char name[MVT_NAME_MAX + 8];
	unsigned int p;
	size_t off = 0;

	buf[0] = '\0';
	if (pthread_mutex_trylock(&sw->ctl) != 0)
		return -EBUSY;
	FOREACH_PORT(sw, p) {
		if (off >= len)
			break;
		mvt_switch_port_counters(sw, p, &c);
		off += snprintf(buf + off, len - off,
			"%s%s rx %" PRIu64 " tx %" PRIu64 " drop %" PRIu64,
			off == 0 ? "" : " | ",
			port_name(sw, p, name, sizeof(name)), c.rx_packets,
			c.tx_packets, mvt_stats_drops_total(&c));
	}
	pthread_mutex_unlock(&sw->ctl);
	return 0;
}

/* mvt_switch_print_counters(), control lock held */
static void
print_counters_locked(struct mvt_switch *sw, FILE *f)
{
	struct mvt_port_counters c;
	const struct mvt_lcore_stats *st;
	char name[MVT_NAME_MAX + 8];
	unsigned int p, r, w, g;
	uint64_t packets;

	FOREACH_PORT(sw, p) {
		mvt_switch_port_counters(sw, p, &c);
		fprintf(f, "port %s: rx_packets=%" PRIu64 " rx_bytes=%" PRIu64
			" tx_packets=%" PRIu64 " tx_bytes=%" PRIu64
			" multicast=%" PRIu64 " drops=%" PRIu64,
			port_name(sw, p, name, sizeof(name)), c.rx_packets,
			c.rx_bytes,
			c.tx_packets, c.tx_bytes, c.multicast,
			mvt_stats_drops_total(&c));
		for (r = 1; r < MVT_DROP_MAX; r++)
			if (c.drops[r] != 0)
				fprintf(f, " %s=%" PRIu64, mvt_drop_name(r),
					c.drops[r]);
		fputc('\n', f);
	}
	for (w = 0; w < sw->nb_workers; w++) {
		st = sw->seg[0].stats[w];
		packets = 0;
		for (g = 0; g < sw->n_segs; g++)
			packets += mvt_ctr_read(&sw->seg[g].stats[w]->packets);
		fprintf(f, "lcore %u: packets=%" PRIu64 " busy_cycles=%" PRIu64
			" idle_cycles=%" PRIu64 " busy_cycles_per_packet=%" PRIu64
			" no_mbuf=%" PRIu64 "\n", mvt_worker_lcore(sw->seg[0].workers[w]),
			packets, st->busy_cycles, st->idle_cycles,
			packets ? st->busy_cycles / packets : 0,
			st->no_mbuf);
	}
}

void
mvt_switch_print_counters(struct mvt_switch *sw, FILE *f)
{
	pthread_mutex_lock(&sw->ctl);
	print_counters_locked(sw, f);
	pthread_mutex_unlock(&sw->ctl);
}

void
mvt_switch_abandon(struct mvt_switch *sw, FILE *f)
{
	uint16_t id;

	if (pthread_mutex_trylock(&sw->ctl) == 0) {
		print_counters_locked(sw, f);
		pthread_mutex_unlock(&sw->ctl);
	} else {
		fprintf(f, "counters not printed: a live change is waiting for the workers\n");
	}
	/* read without the lock: the change that holds it waits, stuck */
	for (id = 0; id < MVT_MAX_ENDPOINTS; id++)
		mvt_port_abandon(&sw->seg[0].dp.ports[id]);
}

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "mvt_decide.h"
#include "mvt_log.h"
#include "mvt_lower.h"
#include "mvt_mactable.h"
#include "mvt_switch.h"
#include "mvt_vhost.h"
#include "mvt_worker.h"

#define MVT_MBUF_CACHE 256
#define MVT_MACTABLE_SIZE 4096

struct mvt_switch {
	struct mvt_conf conf;
	struct mvt_dp dp;
	struct mvt_lower lower;
	struct mvt_ep_table *tbl;
	struct mvt_vhost *vhost;
	struct mvt_mactable *mt;
	struct rte_rcu_qsbr *qsbr;
	struct rte_mempool *mp;
	unsigned int nb_workers;
	unsigned int running;
	struct mvt_worker *workers[MVT_MAX_WORKERS];
	struct mvt_lcore_stats *stats[MVT_MAX_WORKERS];
};

unsigned int
mvt_switch_nb_workers(const struct mvt_switch *sw)
{
	return sw->nb_workers;
}

static int
setup_core(struct mvt_switch *sw, char *err, size_t errlen)
{
	unsigned int nb_mbufs;
	size_t sz;

	/* enough for every RX and TX ring, in-flight bursts and caches */
	nb_mbufs = RTE_MAX(16384u, 4096u * sw->nb_workers * 2) - 1;
	sw->mp = rte_pktmbuf_pool_create("mvtap_mbufs", nb_mbufs,
		MVT_MBUF_CACHE, 0, RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	if (sw->mp == NULL) {
		snprintf(err, errlen, "cannot allocate %u mbufs: %s (more memory: -m or hugepages)",
			nb_mbufs, rte_strerror(rte_errno));
		return -1;
	}
	sz = rte_rcu_qsbr_get_memsize(RTE_MAX_LCORE);
	sw->qsbr = rte_zmalloc("mvtap_qsbr", sz, RTE_CACHE_LINE_SIZE);
	if (sw->qsbr == NULL || rte_rcu_qsbr_init(sw->qsbr, RTE_MAX_LCORE) != 0) {
		snprintf(err, errlen, "cannot allocate the RCU variable");
		return -1;
	}
	mvt_vhost_set_qsbr(sw->qsbr);
	sw->mt = mvt_mactable_create("mvtap_macs", MVT_MACTABLE_SIZE,
		rte_socket_id(), sw->qsbr);
	sw->tbl = rte_zmalloc("mvtap_eps", sizeof(*sw->tbl), RTE_CACHE_LINE_SIZE);
	sw->vhost = rte_zmalloc("mvtap_vhost",
		sizeof(*sw->vhost) * MVT_MAX_ENDPOINTS, RTE_CACHE_LINE_SIZE);
	if (sw->mt == NULL || sw->tbl == NULL || sw->vhost == NULL) {
		snprintf(err, errlen, "cannot allocate the switch tables");
		return -1;
	}
	return 0;
}

/* Fill the endpoint table and the MAC table from the configuration. */
static int
setup_tables(struct mvt_switch *sw, char *err, size_t errlen)
{
	const struct mvt_endpoint_conf *ec;
	struct mvt_ep_state *e;
	uint16_t id, i;
	int ret;

	sw->tbl->passthru = MVT_EP_NONE;
	sw->tbl->strict_private = sw->conf.strict_private;
	for (id = 0; id < sw->conf.n_endpoints; id++) {
		ec = &sw->conf.ep[id];
		e = &sw->tbl->ep[id];
		e->mac = ec->mac;
		if (ec->mode == MVT_MODE_PASSTHRU && e->mac == 0)
			e->mac = sw->lower.mac; /* as Linux: inherit L's MAC */
		e->mode = (uint8_t)ec->mode;
		e->up = ec->up;
		e->nodst = ec->nodst;
		e->mc_all = 1;
		if (ec->mode == MVT_MODE_PASSTHRU)
			sw->tbl->passthru = id;
		ret = mvt_mactable_set_owner(sw->mt, e->mac, id);
		for (i = 0; ret == 0 && i < ec->n_sources; i++)
			ret = mvt_mactable_add_lister(sw->mt, ec->sources[i], id);
		if (ret != 0) {
			snprintf(err, errlen, "--endpoint name=%s: MAC table: %s",
				ec->name, rte_strerror(-ret));
			return -1;
		}
		if (ec->n_sources > 0)
			sw->tbl->has_src_lists = 1;
		if (ec->mode == MVT_MODE_PASSTHRU)
			mvt_lower_force_promisc(&sw->lower);
		else if (e->up)
			mvt_lower_add_mac(&sw->lower, e->mac);
	}
	sw->tbl->n_eps = sw->conf.n_endpoints;
	if (sw->conf.promisc)
		mvt_lower_force_promisc(&sw->lower);
	__atomic_store_n(&sw->dp.tbl, sw->tbl, __ATOMIC_RELEASE);
	return 0;
}

/* One worker per worker lcore; endpoint queue pairs spread round robin. */
static int
setup_workers(struct mvt_switch *sw, char *err, size_t errlen)
{
	unsigned int lcore, w = 0;
	uint16_t id, qp;

	RTE_LCORE_FOREACH_WORKER(lcore) {
		if (w == MVT_MAX_WORKERS)
			break;
		sw->stats[w] = rte_zmalloc("mvtap_stats",
			sizeof(struct mvt_lcore_stats), RTE_CACHE_LINE_SIZE);
		if (sw->stats[w] == NULL)
			goto nomem;
		sw->workers[w] = mvt_worker_create(&sw->dp, (uint16_t)w, lcore,
			sw->stats[w]);
		if (sw->workers[w] == NULL)
			goto nomem;
		w++;
	}
	for (id = 0; id < sw->conf.n_endpoints; id++)
		for (qp = 0; qp < sw->conf.ep[id].queues; qp++)
			if (mvt_worker_add_poll(sw->workers[(id + qp) %
					sw->nb_workers], id, qp) != 0)
				goto nomem;
	return 0;
nomem:
	snprintf(err, errlen, "cannot allocate the workers");
	return -1;
}

struct mvt_switch *
mvt_switch_create(const struct mvt_conf *c, char *err, size_t errlen)
{
	struct mvt_switch *sw;
	uint16_t id;

	sw = rte_zmalloc("mvtap_switch", sizeof(*sw), RTE_CACHE_LINE_SIZE);
	if (sw == NULL) {
		snprintf(err, errlen, "cannot allocate the switch");
		return NULL;
	}
	sw->conf = *c;
	sw->nb_workers = RTE_MIN(rte_lcore_count() - 1, (unsigned int)MVT_MAX_WORKERS);
	if (sw->nb_workers == 0) {
		snprintf(err, errlen,
			"no worker lcore: give the EAL at least two (e.g. -l 0-1); the main lcore only controls");
		rte_free(sw);
		return NULL;
	}
	if (c->host_port[0] != '\0') {
		snprintf(err, errlen, "--host-port %s: not supported by this version",
			c->host_port);
		rte_free(sw);
		return NULL;
	}
	if (setup_core(sw, err, errlen) != 0)
		goto fail;
	if (mvt_lower_open(&sw->lower, c->lower, (uint16_t)sw->nb_workers,
			sw->mp, err, errlen) != 0)
		goto fail;
	sw->dp.mt = sw->mt;
	sw->dp.vhost = sw->vhost;
	sw->dp.lower = &sw->lower;
	sw->dp.mp = sw->mp;
	sw->dp.qsbr = sw->qsbr;
	sw->dp.nb_workers = (uint16_t)sw->nb_workers;
	sw->dp.hairpin = c->hairpin;
	if (setup_tables(sw, err, errlen) != 0)
		goto fail;
	if (setup_workers(sw, err, errlen) != 0)
		goto fail;
	for (id = 0; id < c->n_endpoints; id++)
		if (mvt_vhost_open(&sw->vhost[id], id, &c->ep[id], err,
				errlen) != 0)
			goto fail;
	return sw;
fail:
	mvt_switch_destroy(sw);
	return NULL;
}

int
mvt_switch_start(struct mvt_switch *sw)
{
	unsigned int w;

	__atomic_store_n(&sw->dp.quit, 0, __ATOMIC_RELAXED);
	for (w = 0; w < sw->nb_workers; w++) {
		if (rte_eal_remote_launch(mvt_worker_main, sw->workers[w],
				sw->workers[w]->lcore_id) != 0) {
			mvt_switch_stop(sw);
			return -1;
		}
		sw->running++;
	}
	return 0;
}

void
mvt_switch_stop(struct mvt_switch *sw)
{
	unsigned int w;

	__atomic_store_n(&sw->dp.quit, 1, __ATOMIC_RELAXED);
	for (w = 0; w < sw->running; w++)
		rte_eal_wait_lcore(sw->workers[w]->lcore_id);
	sw->running = 0;
}

void
mvt_switch_destroy(struct mvt_switch *sw)
{
	unsigned int w;
	uint16_t id;

	if (sw == NULL)
		return;
	if (sw->running)
		mvt_switch_stop(sw);
	if (sw->vhost != NULL)
		for (id = 0; id < MVT_MAX_ENDPOINTS; id++)
			mvt_vhost_close(&sw->vhost[id]);
	mvt_lower_close(&sw->lower);
	for (w = 0; w < MVT_MAX_WORKERS; w++) {
		mvt_worker_free(sw->workers[w]);
		rte_free(sw->stats[w]);
	}
	mvt_mactable_free(sw->mt);
	mvt_vhost_set_qsbr(NULL);
	rte_free(sw->qsbr);
	rte_free(sw->tbl);
	rte_free(sw->vhost);
	rte_mempool_free(sw->mp);
	rte_free(sw);
}

void
mvt_switch_port_counters(const struct mvt_switch *sw, unsigned int port,
	struct mvt_port_counters *out)
{
	mvt_stats_port_sum((const struct mvt_lcore_stats *const *)sw->stats,
		sw->nb_workers, port, out);
}

static const char *
port_name(const struct mvt_switch *sw, unsigned int port)
{
	if (port == MVT_PORT_LOWER)
		return "lower";
	if (port == MVT_PORT_HOST)
		return "host";
	return sw->conf.ep[port].name;
}

void
mvt_switch_stats_line(const struct mvt_switch *sw, char *buf, size_t len)
{
	struct mvt_port_counters c;
	unsigned int p;
	size_t off = 0;

	buf[0] = '\0';
	for (p = 0; p <= sw->conf.n_endpoints && off < len; p++) {
		unsigned int port = p == sw->conf.n_endpoints ? MVT_PORT_LOWER : p;

		mvt_switch_port_counters(sw, port, &c);
		off += snprintf(buf + off, len - off,
			"%s%s rx %" PRIu64 " tx %" PRIu64 " drop %" PRIu64,
			p == 0 ? "" : " | ", port_name(sw, port), c.rx_packets,
			c.tx_packets, mvt_stats_drops_total(&c));
	}
}

void
mvt_switch_print_counters(const struct mvt_switch *sw, FILE *f)
{
	struct mvt_port_counters c;
	unsigned int p, port, r;

	for (p = 0; p <= sw->conf.n_endpoints; p++) {
		port = p == sw->conf.n_endpoints ? MVT_PORT_LOWER : p;
		mvt_switch_port_counters(sw, port, &c);
		fprintf(f, "port %s: rx_packets=%" PRIu64 " rx_bytes=%" PRIu64
			" tx_packets=%" PRIu64 " tx_bytes=%" PRIu64
			" multicast=%" PRIu64 " drops=%" PRIu64,
			port_name(sw, port), c.rx_packets, c.rx_bytes,
			c.tx_packets, c.tx_bytes, c.multicast,
			mvt_stats_drops_total(&c));
		for (r = 1; r < MVT_DROP_MAX; r++)
			if (c.drops[r] != 0)
				fprintf(f, " %s=%" PRIu64, mvt_drop_name(r),
					c.drops[r]);
		fputc('\n', f);
	}
}

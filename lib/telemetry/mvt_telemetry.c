/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

/*
 * The /mvtap/... telemetry commands. Callbacks run on the telemetry socket
 * thread: they read configuration under the switch's control lock and
 * counters with relaxed loads; workers never wait for them.
 */

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_telemetry.h>

#include "mvt_decide.h"
#include "mvt_switch_priv.h"
#include "mvt_tel_page.h"
#include "mvt_telemetry.h"

static pthread_mutex_t tel_lock = PTHREAD_MUTEX_INITIALIZER;
static struct mvt_switch *tel_sw;

void
mvt_telemetry_attach(struct mvt_switch *sw)
{
	pthread_mutex_lock(&tel_lock);
	tel_sw = sw;
	pthread_mutex_unlock(&tel_lock);
}

void
mvt_telemetry_detach(struct mvt_switch *sw)
{
	pthread_mutex_lock(&tel_lock);
	if (tel_sw == sw)
		tel_sw = NULL;
	pthread_mutex_unlock(&tel_lock);
}

static struct rte_tel_data *
drops_by_reason(const struct mvt_port_counters *c)
{
	struct rte_tel_data *d = rte_tel_data_alloc();
	unsigned int r;

	if (d == NULL)
		return NULL;
	rte_tel_data_start_dict(d);
	for (r = 1; r < MVT_DROP_MAX; r++)
		rte_tel_data_add_dict_u64(d, mvt_drop_name(r), c->drops[r]);
	return d;
}

/* A port's counters and its drops by reason, into the reply @p d. */
static void
add_port_counters(struct rte_tel_data *d, const struct mvt_switch *sw,
	unsigned int port)
{
	struct mvt_port_counters c;
	struct rte_tel_data *drops;

	mvt_switch_port_counters(sw, port, &c);
	mvt_tel_add_counters(d, &c);
	drops = drops_by_reason(&c);
	if (drops != NULL)
		rte_tel_data_add_dict_container(d, "drops_by_reason", drops, 0);
}

static int
ep_lookup(const struct mvt_switch *sw, const char *name)
{
	uint16_t id;

	if (name == NULL)
		return -1;
	for (id = 0; id < sw->conf.n_endpoints; id++)
		if (mvt_switch_slot_used(sw, id) &&
				strcmp(sw->conf.ep[id].name, name) == 0)
			return id;
	return -1;
}

/* Endpoint @p id's state in its segment's table. */
static const struct mvt_ep_state *
ep_tbl(const struct mvt_switch *sw, uint16_t id)
{
	return &sw->seg[mvt_switch_ep_seg(sw, id)].dp.tbl->ep[id];
}

static const char *
ep_state(const struct mvt_switch *sw, uint16_t id)
{
	if (!ep_tbl(sw, id)->up)
		return "down";
	return mvt_port_ready(&sw->seg[0].dp.ports[id]) ? "up" : "waiting";
}

/* The row of endpoint slot @p id, for mvt_tel_endpoints_page(). */
static int
endpoint_row(void *arg, uint16_t id, struct mvt_tel_ep_row *row)
{
	const struct mvt_switch *sw = arg;

	if (!mvt_switch_slot_used(sw, id))
		return -ENOENT;
	row->name = sw->conf.ep[id].name;
	row->mac = ep_tbl(sw, id)->mac;
	row->mode = mvt_mode_name(ep_tbl(sw, id)->mode);
	row->state = ep_state(sw, id);
	mvt_switch_port_counters(sw, id, &row->c);
	return 0;
}

static int
read_endpoints(const struct mvt_switch *sw, const char *params,
	struct rte_tel_data *d)
{
	uint16_t start = 0;

	if (params != NULL && params[0] != '\0')
		start = (uint16_t)strtoul(params, NULL, 10);
	return mvt_tel_endpoints_page(d, start, sw->conf.n_endpoints,
		endpoint_row, (void *)(uintptr_t)sw);
}

static int
read_endpoint(const struct mvt_switch *sw, const char *params,
	struct rte_tel_data *d)
{
	struct mvt_port_info pi;
	char buf[32];
	int id;

	id = ep_lookup(sw, params);
	if (id < 0)
		return -EINVAL;
	mvt_port_get_info(&sw->seg[0].dp.ports[id], &pi);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "name", sw->conf.ep[id].name);
	mvt_tel_add_mac(d, "mac", ep_tbl(sw, (uint16_t)id)->mac);
	rte_tel_data_add_dict_string(d, "mode",
		mvt_mode_name(ep_tbl(sw, (uint16_t)id)->mode));
	rte_tel_data_add_dict_string(d, "lower",
		sw->conf.lowers[mvt_switch_ep_seg(sw, (uint16_t)id)].name);
	rte_tel_data_add_dict_string(d, "state", ep_state(sw, id));
	/* standby=1 and endpoints that share their MAC: which one has it */
	if (sw->conf.ep[id].standby || mvt_switch_mac_sharer(sw, (uint16_t)id,
			sw->seg[mvt_switch_ep_seg(sw, (uint16_t)id)].dp.tbl->ep[id].mac) !=
			MVT_EP_NONE) {
		rte_tel_data_add_dict_int(d, "standby",
			sw->conf.ep[id].standby);
		rte_tel_data_add_dict_int(d, "owns_mac",
			mvt_switch_ep_owns_mac(sw, (uint16_t)id));
	}
	if (sw->conf.ep[id].type == MVT_EP_TYPE_TAP) {
		rte_tel_data_add_dict_string(d, "interface", pi.path);
		rte_tel_data_add_dict_string(d, "netns", pi.netns);
	} else {
		rte_tel_data_add_dict_string(d, "socket", pi.path);
	}
	rte_tel_data_add_dict_string(d, "role", pi.role);
	rte_tel_data_add_dict_int(d, "mtu", (int)pi.mtu);
	if (sw->conf.ep[id].type != MVT_EP_TYPE_TAP)
		rte_tel_data_add_dict_int(d, "frontend_mtu", pi.frontend_mtu);
	rte_tel_data_add_dict_int(d, "queues", pi.queues);
	rte_tel_data_add_dict_int(d, "queue_pairs", pi.queue_pairs);
	snprintf(buf, sizeof(buf), "0x%" PRIx64, pi.features);
	rte_tel_data_add_dict_string(d, "features", buf);
	rte_tel_data_add_dict_u64(d, "connects", pi.connects);
	if (sw->conf.ep[id].type != MVT_EP_TYPE_TAP) {
		rte_tel_data_add_dict_int(d, "dirty_log", pi.dirty_log);
		rte_tel_data_add_dict_u64(d, "migrations_started",
			pi.log_starts);
	}
	rte_tel_data_add_dict_u64(d, "frontends_refused", pi.frontends_refused);
	rte_tel_data_add_dict_u64(d, "queue_pairs_refused",
		pi.queue_pairs_refused);
	if (pi.is_client)
		rte_tel_data_add_dict_u64(d, "connect_attempts",
			pi.connect_attempts);
	add_port_counters(d, sw, (unsigned int)id);
	return 0;
}

static int
read_lcores(const struct mvt_switch *sw, const char *params __rte_unused,
	struct rte_tel_data *d)
{
	struct mvt_worker_info wi;
	const struct mvt_lcore_stats *st;
	struct rte_tel_data *e;
	char key[16], polls[RTE_TEL_MAX_STRING_LEN];
	unsigned int i, p, g;
	uint64_t packets, cached, handoffs;
	size_t off;

	rte_tel_data_start_dict(d);
	for (i = 0; i < sw->nb_workers; i++) {
		mvt_worker_get_info(sw->seg[0].workers[i], &wi);
		st = sw->seg[0].stats[i];
		e = rte_tel_data_alloc();
		if (e == NULL)
			return -ENOMEM;
		rte_tel_data_start_dict(e);
		rte_tel_data_add_dict_u64(e, "busy_cycles",
			mvt_ctr_read(&st->busy_cycles));
		rte_tel_data_add_dict_u64(e, "idle_cycles",
			mvt_ctr_read(&st->idle_cycles));
		rte_tel_data_add_dict_u64(e, "poll_busy_cycles",
			mvt_ctr_read(&st->poll_busy_cycles));
		packets = cached = handoffs = 0;
		for (g = 0; g < sw->n_segs; g++) {
			packets += mvt_ctr_read(
				&sw->seg[g].stats[i]->packets);
			cached += mvt_ctr_read(
				&sw->seg[g].stats[i]->cached_verdicts);
			handoffs += mvt_ctr_read(
				&sw->seg[g].stats[i]->handoffs);
		}
		rte_tel_data_add_dict_u64(e, "packets", packets);
		rte_tel_data_add_dict_u64(e, "loops", mvt_ctr_read(&st->loops));
		rte_tel_data_add_dict_u64(e, "no_mbuf",
			mvt_ctr_read(&st->no_mbuf));
		rte_tel_data_add_dict_u64(e, "sleep_cycles",
			mvt_ctr_read(&st->sleep_cycles));
		rte_tel_data_add_dict_u64(e, "sleeps",
			mvt_ctr_read(&st->sleeps));
		rte_tel_data_add_dict_u64(e, "wakeups",
			mvt_ctr_read(&st->wakeups));
		rte_tel_data_add_dict_u64(e, "cached_verdicts", cached);
		rte_tel_data_add_dict_u64(e, "handoffs", handoffs);
		rte_tel_data_add_dict_u64(e, "handoff_queued",
			wi.handoff_queued);
		rte_tel_data_add_dict_u64(e, "max_sleep_us",
			__atomic_load_n(&sw->seg[0].dp.max_sleep_us,
				__ATOMIC_RELAXED));
		rte_tel_data_add_dict_u64(e, "tsc_hz", sw->tsc_hz);
		/* the worker's own scheduler state: a recent value, no more */
		rte_tel_data_add_dict_u64(e, "queues_busy",
			wi.queues_busy);
		rte_tel_data_add_dict_u64(e, "queues_idle",
			wi.queues_idle);
		off = 0;
		polls[0] = '\0';
		if (wi.lower_rxq != RTE_MAX_QUEUES_PER_PORT)
			off += snprintf(polls, sizeof(polls), "lower:%u",
				wi.lower_rxq);
		for (p = 0; wi.polls != NULL && p < wi.polls->n &&
				off < sizeof(polls); p++)
			off += snprintf(polls + off, sizeof(polls) - off,
				"%s%s:%u", off > 0 ? " " : "",
				sw->conf.ep[wi.polls->p[p].ep].name,
				wi.polls->p[p].qp);
		rte_tel_data_add_dict_string(e, "polls", polls);
		snprintf(key, sizeof(key), "%u", wi.lcore_id);
		rte_tel_data_add_dict_container(d, key, e, 0);
	}
	return 0;
}

/* The lower of @p params, a lower's name, "" or none: the first. */
static int
lower_lookup(const struct mvt_switch *sw, const char *params)
{
	if (params == NULL || params[0] == '\0')
		return 0;
	return mvt_conf_lower_find(&sw->conf, params);
}

/* Endpoints attached to segment @p g. */
static unsigned int
seg_endpoints(const struct mvt_switch *sw, unsigned int g)
{
	unsigned int n = 0;
	uint16_t id;

	for (id = 0; id < sw->conf.n_endpoints; id++)
		if (mvt_switch_slot_used(sw, id) &&
				mvt_switch_ep_seg(sw, id) == g)
			n++;
	return n;
}

static int
read_lower(const struct mvt_switch *sw, const char *params,
	struct rte_tel_data *d)
{
	const struct mvt_lower_conf *lc;
	const struct mvt_ethdev *eth;
	struct rte_eth_link link;
	int g = lower_lookup(sw, params);

	if (g < 0)
		return -EINVAL;
	lc = &sw->conf.lowers[g];
	/* a lower sharing its device reports the device's state */
	eth = &sw->seg[sw->seg[g].dev_owner].lower.eth;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "name", lc->name);
	rte_tel_data_add_dict_string(d, "device", lc->dev);
	rte_tel_data_add_dict_int(d, "vlan", lc->vlan);
	/* the lower's own MTU; the device's is the largest of its lowers */
	rte_tel_data_add_dict_int(d, "mtu",
		(int)(sw->seg[g].lower.caps.max_frame - MVT_FRAME_OVERHEAD));
	rte_tel_data_add_dict_int(d, "device_mtu", (int)eth->mtu);
	rte_tel_data_add_dict_string(d, "host_port",
		mvt_conf_lower_host_port(&sw->conf, (unsigned int)g));
	rte_tel_data_add_dict_int(d, "endpoints",
		(int)seg_endpoints(sw, (unsigned int)g));
	rte_tel_data_add_dict_int(d, "port_id", eth->port_id);
	mvt_tel_add_mac(d, "mac", eth->mac);
	if (rte_eth_link_get_nowait(eth->port_id, &link) == 0) {
		rte_tel_data_add_dict_string(d, "link",
			link.link_status ? "up" : "down");
		rte_tel_data_add_dict_u64(d, "speed_mbps", link.link_speed);
	}
	rte_tel_data_add_dict_int(d, "rx_queues", eth->nb_rxq);
	rte_tel_data_add_dict_int(d, "tx_queues", eth->nb_txq);
	rte_tel_data_add_dict_int(d, "vlan_hw_insert",
		sw->seg[g].lower.vlan_hw);
	rte_tel_data_add_dict_int(d, "mac_filter_used", eth->mac_used);
	rte_tel_data_add_dict_int(d, "mac_filter_size", eth->mac_max);
	rte_tel_data_add_dict_int(d, "promiscuous", eth->promisc);
	rte_tel_data_add_dict_int(d, "hairpin", sw->conf.hairpin);
	/* mbufs out of the pool, lcore caches excluded: a leak shows here */
	rte_tel_data_add_dict_u64(d, "mbufs_in_use",
		rte_mempool_in_use_count(sw->seg[0].dp.mp));
	rte_tel_data_add_dict_u64(d, "mbufs", sw->seg[0].dp.mp->size);
	add_port_counters(d, sw, MVT_SWITCH_LOWER(g));
	return 0;
}

/* Every lower: name -> device, vlan, endpoints and the lower's counters. */
static int
read_lowers(const struct mvt_switch *sw, const char *params __rte_unused,
	struct rte_tel_data *d)
{
	const struct mvt_lower_conf *lc;
	struct mvt_port_counters c;
	struct rte_tel_data *e;
	unsigned int g;

	rte_tel_data_start_dict(d);
	for (g = 0; g < sw->n_segs; g++) {
		lc = &sw->conf.lowers[g];
		e = rte_tel_data_alloc();
		if (e == NULL)
			return -ENOMEM;
		rte_tel_data_start_dict(e);
		rte_tel_data_add_dict_string(e, "device", lc->dev);
		rte_tel_data_add_dict_int(e, "vlan", lc->vlan);
		rte_tel_data_add_dict_int(e, "mtu", (int)(sw->seg[g].lower.caps.
			max_frame - MVT_FRAME_OVERHEAD));
		rte_tel_data_add_dict_int(e, "endpoints",
			(int)seg_endpoints(sw, g));
		mvt_switch_port_counters(sw, MVT_SWITCH_LOWER(g), &c);
		rte_tel_data_add_dict_u64(e, "rx_packets", c.rx_packets);
		rte_tel_data_add_dict_u64(e, "tx_packets", c.tx_packets);
		rte_tel_data_add_dict_u64(e, "rx_bytes", c.rx_bytes);
		rte_tel_data_add_dict_u64(e, "tx_bytes", c.tx_bytes);
		rte_tel_data_add_dict_u64(e, "multicast", c.multicast);
		rte_tel_data_add_dict_u64(e, "drops",
			mvt_stats_drops_total(&c));
		if (sw->seg[g].dp.host != NULL) {
			mvt_switch_port_counters(sw, MVT_SWITCH_HOST(g), &c);
			rte_tel_data_add_dict_u64(e, "host_rx_packets",
				c.rx_packets);
			rte_tel_data_add_dict_u64(e, "host_tx_packets",
				c.tx_packets);
		}
		rte_tel_data_add_dict_container(d, lc->name, e, 0);
	}
	return 0;
}

/* Policies per page of /mvtap/policies, fewer when they do not fit. */
#define POLICIES_PAGE 48

/* The entry of policy slot @p i, for mvt_tel_page(). */
static int
policy_entry(void *arg, unsigned int i, struct mvt_tel_dict *e, char *key,
	size_t key_len)
{
	const struct mvt_switch *sw = arg;
	const struct mvt_policy_conf *pc = &sw->conf.policy[i];
	struct mvt_policy_counters in, out;

	if (sw->pol[i] == NULL)
		return -ENOENT;
	mvt_tel_dict_mac(e, "mac", pc->mac);
	mvt_tel_dict_string(e, "dir", mvt_policy_dir_name(pc->dir));
	mvt_tel_dict_string(e, "action", mvt_policy_action_name(pc->action));
	mvt_tel_dict_u64(e, "rate_kbps", pc->rate_kbps);
	mvt_tel_dict_u64(e, "burst_kb", pc->burst_kb);
	mvt_tel_dict_u64(e, "peak_kbps", pc->peak_kbps);
	mvt_tel_dict_u64(e, "pps", pc->pps);
	/* one policy may meter both directions: report the sum */
	mvt_policy_read(sw->pol[i], MVT_POLICY_DIR_IN, &in);
	mvt_policy_read(sw->pol[i], MVT_POLICY_DIR_OUT, &out);
	mvt_tel_dict_u64(e, "conform_packets",
		in.conform_pkts + out.conform_pkts);
	mvt_tel_dict_u64(e, "conform_bytes",
		in.conform_bytes + out.conform_bytes);
	mvt_tel_dict_u64(e, "exceed_packets",
		in.exceed_pkts + out.exceed_pkts);
	mvt_tel_dict_u64(e, "exceed_bytes",
		in.exceed_bytes + out.exceed_bytes);
	/* a MAC may have an in and an out policy under one name */
	snprintf(key, key_len, "%s%s%s", pc->name,
		pc->dir == MVT_POLICY_DIR_BOTH ? "" : "/",
		pc->dir == MVT_POLICY_DIR_BOTH ? "" :
		mvt_policy_dir_name(pc->dir));
	return 0;
}

static int
read_policies(const struct mvt_switch *sw, const char *params,
	struct rte_tel_data *d)
{
	unsigned int start = 0;

	if (params != NULL && params[0] != '\0')
		start = (unsigned int)strtoul(params, NULL, 10);
	return mvt_tel_page(d, start, sw->conf.n_policies, POLICIES_PAGE,
		policy_entry, (void *)(uintptr_t)sw);
}

static void
add_capture_stats(struct rte_tel_data *d, const struct mvt_capture_stats *st)
{
	rte_tel_data_add_dict_u64(d, "seen", st->seen);
	rte_tel_data_add_dict_u64(d, "filtered", st->filtered);
	rte_tel_data_add_dict_u64(d, "written", st->written);
	rte_tel_data_add_dict_u64(d, "ring_full", st->ring_full);
	rte_tel_data_add_dict_u64(d, "no_mbuf", st->no_mbuf);
	rte_tel_data_add_dict_u64(d, "past_count", st->discarded);
	rte_tel_data_add_dict_int(d, "done", st->done);
	rte_tel_data_add_dict_string(d, "error", st->error == 0 ? "" :
		strerror(st->error));
}

/* Active captures: port -> file, dir, count, snaplen, filter, counters. */
static int
read_captures(const struct mvt_switch *sw, const char *params __rte_unused,
	struct rte_tel_data *d)
{
	const struct mvt_switch_capture *slot;
	struct mvt_capture_stats st;
	struct rte_tel_data *c;
	unsigned int i;

	rte_tel_data_start_dict(d);
	for (i = 0; i < MVT_SWITCH_CAPTURES_MAX; i++) {
		slot = &sw->captures[i];
		if (slot->cap == NULL)
			continue;
		c = rte_tel_data_alloc();
		if (c == NULL)
			return -ENOMEM;
		rte_tel_data_start_dict(c);
		rte_tel_data_add_dict_string(c, "file", slot->conf.file);
		rte_tel_data_add_dict_string(c, "dir",
			mvt_conf_dirs_name(slot->conf.dirs));
		rte_tel_data_add_dict_u64(c, "count", slot->conf.count);
		rte_tel_data_add_dict_u64(c, "snaplen", slot->conf.snaplen);
		rte_tel_data_add_dict_string(c, "filter", slot->conf.filter);
		mvt_capture_get_stats(slot->cap, &st);
		add_capture_stats(c, &st);
		rte_tel_data_add_dict_container(d, slot->conf.port, c, 0);
	}
	return 0;
}

/* Mirrors: name -> src, dst, dir, copies sent and dropped by reason. */
static int
read_mirrors(const struct mvt_switch *sw, const char *params __rte_unused,
	struct rte_tel_data *d)
{
	const struct mvt_mirror_conf *mc;
	struct rte_tel_data *m, *src, *drops;
	struct mvt_port_counters c;
	unsigned int id, i;

	rte_tel_data_start_dict(d);
	for (id = 0; id < MVT_MIRRORS_MAX; id++) {
		if (sw->mirror[id] == NULL)
			continue;
		mc = &sw->mirror_conf[id];
		m = rte_tel_data_alloc();
		src = rte_tel_data_alloc();
		if (m == NULL || src == NULL) {
			rte_tel_data_free(m);
			rte_tel_data_free(src);
			return -ENOMEM;
		}
		rte_tel_data_start_array(src, RTE_TEL_STRING_VAL);
		for (i = 0; i < mc->n_src; i++)
			rte_tel_data_add_array_string(src, mc->src[i]);
		rte_tel_data_start_dict(m);
		rte_tel_data_add_dict_container(m, "src", src, 0);
		rte_tel_data_add_dict_string(m, "dst", mc->dst);
		rte_tel_data_add_dict_string(m, "dir",
			mvt_conf_dirs_name(mc->dirs));
		mvt_mirror_read(sw->mirror[id], &c);
		rte_tel_data_add_dict_u64(m, "tx_packets", c.tx_packets);
		rte_tel_data_add_dict_u64(m, "tx_bytes", c.tx_bytes);
		drops = drops_by_reason(&c);
		if (drops != NULL)
			rte_tel_data_add_dict_container(m, "drops", drops, 0);
		rte_tel_data_add_dict_container(d, mc->name, m, 0);
	}
	return 0;
}

/* The read commands; tel_read() runs them, with the locks taken. */
static const struct {
	const char *cmd;
	int (*fn)(const struct mvt_switch *sw, const char *params,
		struct rte_tel_data *d);
	const char *help;
} tel_reads[] = {
	{ "/mvtap/endpoints", read_endpoints,
	  "Endpoints: name -> mac, mode, state, counters. Param: first index (next: the next page's)" },
	{ "/mvtap/endpoint", read_endpoint,
	  "One endpoint, drops by reason, virtio features, socket. Param: name" },
	{ "/mvtap/lcores", read_lcores,
	  "Worker lcores: busy and idle cycles, packets, what each polls" },
	{ "/mvtap/lower", read_lower,
	  "One lower: device, vlan, link, queues, MAC filter use, promiscuous, counters. Param: name (default: the first)" },
	{ "/mvtap/lowers", read_lowers,
	  "Every lower: name -> device, vlan, endpoints, counters" },
	{ "/mvtap/captures", read_captures,
	  "Running captures: port -> file, dir, count, filter, frames written and lost" },
	{ "/mvtap/mirrors", read_mirrors,
	  "Mirrors: name -> src, dst, dir, copies sent and dropped by reason" },
	{ "/mvtap/policies", read_policies,
	  "Policies: mac, dir, limits, conform and exceed counters. Param: first index (next: the next page's)" },
};

/*
 * Every read command: with the switch attached, under its control lock,
 * so that no live change moves the configuration under the reply.
 */
static int
tel_read(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct mvt_switch *sw;
	unsigned int i;
	int ret;

	for (i = 0; i < RTE_DIM(tel_reads); i++)
		if (strcmp(cmd, tel_reads[i].cmd) == 0)
			break;
	if (i == RTE_DIM(tel_reads))
		return -EINVAL;
	pthread_mutex_lock(&tel_lock);
	sw = tel_sw;
	if (sw == NULL) {
		pthread_mutex_unlock(&tel_lock);
		return -ENODEV;
	}
	pthread_mutex_lock(&sw->ctl);
	ret = tel_reads[i].fn(sw, params, d);
	pthread_mutex_unlock(&sw->ctl);
	pthread_mutex_unlock(&tel_lock);
	return ret;
}

/*
 * Write commands answer {"result": "ok"} or {"error": "one line"}; they
 * run the switch's live-change functions, which serialise themselves.
 */
static int
reply(struct rte_tel_data *d, int ret, const char *err)
{
	rte_tel_data_start_dict(d);
	if (ret == 0)
		rte_tel_data_add_dict_string(d, "result", "ok");
	else
		rte_tel_data_add_dict_string(d, "error", err);
	return 0;
}

/* Split "A,B" in place; @p b is NULL when there is no comma. */
static int
two_params(const char *params, char *buf, size_t len, char **a, char **b)
{
	char *comma;

	if (params == NULL || params[0] == '\0' ||
			strlen(params) >= len)
		return -1;
	strcpy(buf, params);
	*a = buf;
	comma = strchr(buf, ',');
	if (comma == NULL)
		return -1;
	*comma = '\0';
	*b = comma + 1;
	return 0;
}

/* {"result": "ok", and the capture's last counters}, or {"error": ...} */
static int
capture_stop(struct mvt_switch *sw, const char *port, struct rte_tel_data *d)
{
	struct mvt_capture_stats st;
	char err[MVT_ERR_MAX];

	if (mvt_switch_capture_stop(sw, port, &st, err, sizeof(err)) != 0)
		return reply(d, -1, err);
	reply(d, 0, NULL);
	add_capture_stats(d, &st);
	return 0;
}

static int
tel_write(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct mvt_switch *sw;
	char err[MVT_ERR_MAX], buf[1024];
	char *a = NULL, *b = NULL;
	int ret;

	pthread_mutex_lock(&tel_lock);
	sw = tel_sw;
	if (sw == NULL) {
		pthread_mutex_unlock(&tel_lock);
		return -ENODEV;
	}
	err[0] = '\0';
	if (params == NULL)
		params = "";
	if (strcmp(cmd, "/mvtap/add_endpoint") == 0) {
		ret = mvt_switch_add_endpoint(sw, params, err, sizeof(err));
	} else if (strcmp(cmd, "/mvtap/set_policy") == 0) {
		ret = mvt_switch_set_policy(sw, params, err, sizeof(err));
	} else if (strcmp(cmd, "/mvtap/del_policy") == 0) {
		ret = mvt_switch_del_policy(sw, params, err, sizeof(err));
	} else if (strcmp(cmd, "/mvtap/flush_sources") == 0) {
		ret = mvt_switch_source(sw, params, NULL, 0, err, sizeof(err));
	} else if (strcmp(cmd, "/mvtap/rebalance") == 0) {
		ret = mvt_switch_rebalance(sw, err, sizeof(err));
	} else if (strcmp(cmd, "/mvtap/del_endpoint") == 0) {
		ret = mvt_switch_del_endpoint(sw, params, err, sizeof(err));
	} else if (strcmp(cmd, "/mvtap/mirror") == 0) {
		ret = mvt_switch_add_mirror(sw, params, err, sizeof(err));
	} else if (strcmp(cmd, "/mvtap/del_mirror") == 0) {
		ret = mvt_switch_del_mirror(sw, params, err, sizeof(err));
	} else if (strcmp(cmd, "/mvtap/capture") == 0) {
		ret = mvt_switch_capture_start(sw, params, err, sizeof(err));
	} else if (strcmp(cmd, "/mvtap/capture_stop") == 0) {
		ret = capture_stop(sw, params, d);
		pthread_mutex_unlock(&tel_lock);
		return ret;
	} else if (strcmp(cmd, "/mvtap/set_max_sleep") == 0) {
		ret = mvt_switch_set_max_sleep(sw, params, err, sizeof(err));
	} else if (two_params(params, buf, sizeof(buf), &a, &b) != 0) {
		snprintf(err, sizeof(err), "%s: expected two parameters, NAME,VALUE",
			cmd);
		ret = -1;
	} else if (strcmp(cmd, "/mvtap/set_mode") == 0) {
		ret = mvt_switch_set_mode(sw, a, b, err, sizeof(err));
	} else {
		ret = mvt_switch_source(sw, a, b,
			strcmp(cmd, "/mvtap/add_source") == 0, err, sizeof(err));
	}
	pthread_mutex_unlock(&tel_lock);
	return reply(d, ret, err);
}

RTE_INIT(mvt_telemetry_init)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(tel_reads); i++)
		rte_telemetry_register_cmd(tel_reads[i].cmd, tel_read,
			tel_reads[i].help);
	rte_telemetry_register_cmd("/mvtap/add_endpoint", tel_write,
		"Add an endpoint. Param: SPEC as on the command line");
	rte_telemetry_register_cmd("/mvtap/del_endpoint", tel_write,
		"Remove an endpoint. Param: name");
	rte_telemetry_register_cmd("/mvtap/set_policy", tel_write,
		"Add or change a policy. Param: SPEC as --policy");
	rte_telemetry_register_cmd("/mvtap/del_policy", tel_write,
		"Remove the policies of a MAC. Param: MAC");
	rte_telemetry_register_cmd("/mvtap/rebalance", tel_write,
		"Reassign endpoint queues to workers by measured load");
	rte_telemetry_register_cmd("/mvtap/mirror", tel_write,
		"Add a mirror. Param: name=NAME,src=PORT[+PORT...],dst=PORT[,dir=in|out|both]");
	rte_telemetry_register_cmd("/mvtap/del_mirror", tel_write,
		"Remove a mirror. Param: name");
	rte_telemetry_register_cmd("/mvtap/capture", tel_write,
		"Capture a port to a pcapng file. Param: port=NAME,file=PATH[,dir=in|out|both][,count=N][,snaplen=N][,filter=EXPR]");
	rte_telemetry_register_cmd("/mvtap/capture_stop", tel_write,
		"Stop the capture of a port; its last counters. Param: port name");
	rte_telemetry_register_cmd("/mvtap/set_max_sleep", tel_write,
		"Longest sleep of a worker after little work, in us (0: never). Param: us");
	rte_telemetry_register_cmd("/mvtap/set_mode", tel_write,
		"Change an endpoint's mode. Params: name,mode");
	rte_telemetry_register_cmd("/mvtap/add_source", tel_write,
		"Add a MAC to a source-mode endpoint's list. Params: name,mac");
	rte_telemetry_register_cmd("/mvtap/flush_sources", tel_write,
		"Empty a source-mode endpoint's list. Param: name");
	rte_telemetry_register_cmd("/mvtap/del_source", tel_write,
		"Remove a MAC from a source-mode endpoint's list. Params: name,mac");
}

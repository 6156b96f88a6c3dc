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

#include "mvt_conf_opts.h"
#include "mvt_log.h"
#include "mvt_place.h"
#include "mvt_pool.h"
#include "mvt_switch_priv.h"

#define MVT_MBUF_CACHE 256
#define MVT_MACTABLE_SIZE 4096

/* mvt_switch_fail_at(): attempts left before each step fails, 0: never */
static unsigned int fail_countdown[MVT_STEP_MAX];

void
mvt_switch_fail_at(enum mvt_switch_step step, unsigned int n)
{
	fail_countdown[step] = n;
}

int
mvt_switch_step_fails(enum mvt_switch_step step)
{
	if (fail_countdown[step] == 0)
		return 0;
	return --fail_countdown[step] == 0;
}

unsigned int
mvt_switch_nb_workers(const struct mvt_switch *sw)
{
	return sw->nb_workers;
}

/*
 * TSC cycles per second, measured against CLOCK_MONOTONIC_RAW over
 * MVT_TSC_MEASURE_NS. rte_get_tsc_hz() can be off by a few tenths of a
 * percent where EAL had to estimate it (it rounds its estimate to 10 MHz:
 * 2600 MHz for a 2596.1 MHz TSC here), and the meters would then hold
 * every rate that much low. A measurement that disagrees with EAL's
 * figure by more than 1 % is not trusted (the thread was preempted, or
 * the clock stepped): EAL's figure is kept.
 */
#define MVT_TSC_MEASURE_NS 100000000ULL
#define MVT_NS_PER_S 1000000000ULL

static uint64_t
measure_tsc_hz(void)
{
	const struct timespec pause = { 0, MVT_TSC_MEASURE_NS };
	uint64_t eal_hz = rte_get_tsc_hz(), c0, c1, ns, hz;
	struct timespec t0, t1;

	if (clock_gettime(CLOCK_MONOTONIC_RAW, &t0) != 0)
		return eal_hz;
	c0 = rte_rdtsc_precise();
	nanosleep(&pause, NULL);
	c1 = rte_rdtsc_precise();
	if (clock_gettime(CLOCK_MONOTONIC_RAW, &t1) != 0)
		return eal_hz;
	ns = (uint64_t)(t1.tv_sec - t0.tv_sec) * MVT_NS_PER_S +
		(uint64_t)t1.tv_nsec - (uint64_t)t0.tv_nsec;
	if (ns == 0)
		return eal_hz;
	hz = (uint64_t)((double)(c1 - c0) * MVT_NS_PER_S / ns);
	if (hz < eal_hz - eal_hz / 100 || hz > eal_hz + eal_hz / 100)
		return eal_hz;
	return hz;
}

static int
setup_core(struct mvt_switch *sw, char *err, size_t errlen)
{
	unsigned int nb_mbufs, nb_devs = 0, i;
	struct rte_mempool *mp;

	/* the devices opened: each lower's device once, each host port */
	for (i = 0; i < sw->conf.n_lowers; i++) {
		if (mvt_conf_lower_dev_owner(&sw->conf, i) == i)
			nb_devs++;
		if (mvt_conf_lower_host_port(&sw->conf, i)[0] != '\0')
			nb_devs++;
	}
	sw->tsc_hz = measure_tsc_hz();
	MVT_LOG(INFO, "TSC %" PRIu64 " Hz (EAL: %" PRIu64 ")", sw->tsc_hz,
		rte_get_tsc_hz());
	/*
	 * Every place that can hold mbufs at once: the RX and TX rings of
	 * the lower and the host port (a queue pair per worker at most), of
	 * as many tap endpoints as may exist, each worker's broadcast queue
	 * and burst in flight, and the lcore caches (up to 1.5 times their
	 * size). An allocation that still fails is counted (no_mbuf).
	 */
	nb_mbufs = sw->nb_workers * 2 * MVT_LOWER_DESC * nb_devs +
		MVT_TAP_MAX * 2 * MVT_TAP_DESC +
		sw->nb_workers * (sw->conf.bcqueuelen + 2 * MVT_BURST) +
		rte_lcore_count() * MVT_MBUF_CACHE * 3 / 2;
	/* one mbuf holds the longest frame of any lower (as OVS sizes its) */
	mp = mvt_pool_create("mvtap_mbufs", nb_mbufs, MVT_MBUF_CACHE,
		MVT_MTU_FRAME(mvt_conf_max_mtu(&sw->conf)), rte_socket_id());
	if (mp == NULL) {
		snprintf(err, errlen, "cannot allocate %u mbufs: %s (more memory: -m or hugepages)",
			nb_mbufs, rte_strerror(rte_errno));
		return -1;
	}
	if (mvt_dp_init(&sw->seg[0].dp, "mvtap", (uint16_t)sw->nb_workers,
			MVT_MACTABLE_SIZE, mp) != 0) {
		rte_mempool_free(mp);
		snprintf(err, errlen, "cannot allocate the switch tables");
		return -1;
	}
	mvt_vhost_set_qsbr(sw->seg[0].dp.qsbr);
	return 0;
}

/* Segment @p g's data plane (after the first: sharing its) and table. */
static int
setup_seg(struct mvt_switch *sw, unsigned int g, char *err, size_t errlen)
{
	struct mvt_dp *dp = &sw->seg[g].dp;
	char name[32];

	snprintf(name, sizeof(name), "mvtap_s%u", g);
	if (g > 0 && mvt_dp_init_segment(dp, &sw->seg[0].dp, name,
			MVT_MACTABLE_SIZE) != 0) {
		snprintf(err, errlen, "cannot allocate the switch tables");
		return -1;
	}
	dp->tbl = rte_zmalloc("mvtap_eps", sizeof(*dp->tbl),
		RTE_CACHE_LINE_SIZE);
	if (dp->tbl == NULL) {
		snprintf(err, errlen, "cannot allocate the switch tables");
		return -1;
	}
	dp->tbl->passthru = MVT_EP_NONE;
	dp->tbl->strict_private = sw->conf.strict_private;
	dp->tbl->lower_promisc = sw->conf.promisc;
	dp->tbl->bc_cutoff = sw->conf.bclim;
	return 0;
}

/* Queue pairs per worker, of the endpoints below @p upto other than @p skip */
static void
queues_per_worker(const struct mvt_switch *sw, uint16_t upto, uint16_t skip,
	unsigned int *nq)
{
	uint16_t id, qp;

	memset(nq, 0, sizeof(*nq) * MVT_MAX_WORKERS);
	for (id = 0; id < upto; id++)
		if (id != skip && mvt_switch_slot_used(sw, id))
			for (qp = 0; qp < sw->conf.ep[id].queues; qp++)
				nq[sw->assign[id][qp]]++;
}

/*
 * Place the queue pairs of endpoint @p id on the least busy workers, given
 * the placement of the endpoints below @p upto (at start-up, the ones
 * placed before it; live, all the others).
 */
void
mvt_switch_assign_new(struct mvt_switch *sw, uint16_t id, uint16_t upto)
{
	unsigned int nq[MVT_MAX_WORKERS];

	queues_per_worker(sw, upto, id, nq);
	mvt_place_new(sw->busy_rate, nq, sw->nb_workers,
		sw->conf.ep[id].queues, sw->assign[id]);
}

/*
 * The MAC the host stack sends from: for a net_tap host port, the kernel
 * interface's (the PMD's own address is not the one the stack uses).
 */
static uint64_t
host_stack_mac(const struct mvt_ethdev *host, const char *devargs)
{
	char path[128], buf[32], ifname[32];
	const char *p = strstr(devargs, "iface=");
	uint64_t mac;
	size_t len;
	FILE *f;

	if (p == NULL)
		return host->mac;
	p += strlen("iface=");
	len = strcspn(p, ",");
	if (len == 0 || len >= sizeof(ifname))
		return host->mac;
	memcpy(ifname, p, len);
	ifname[len] = '\0';
	snprintf(path, sizeof(path), "/sys/class/net/%s/address", ifname);
	f = fopen(path, "r");
	if (f == NULL)
		return host->mac;
	if (fgets(buf, sizeof(buf), f) == NULL)
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return mvt_mac_parse(buf, &mac) == 0 ? mac : host->mac;
}

/* Whether the device lower @p g opened also carries VLAN lowers. */
static int
dev_has_vlans(const struct mvt_switch *sw, unsigned int g)
{
	unsigned int i;

	for (i = 0; i < sw->n_segs; i++)
		if (sw->seg[i].dev_owner == g && sw->conf.lowers[i].vlan != 0)
			return 1;
	return 0;
}

/*
 * The MTU of the device lower @p g opens: the largest of the lowers on
 * it (each VLAN lower holds its frames to its own).
 */
static uint32_t
dev_mtu(const struct mvt_switch *sw, unsigned int g)
{
	uint32_t m = 0;
	unsigned int i;

	for (i = 0; i < sw->conf.n_lowers; i++)
		if (mvt_conf_lower_dev_owner(&sw->conf, i) == g)
			m = RTE_MAX(m, mvt_conf_lower_mtu(&sw->conf, i));
	return m;
}

/*
 * Segment @p g's lower and host port: its device opened, or shared with
 * the first lower on the same device; its VLAN set; its table told the
 * MACs of the lower and the host.
 */
static int
open_seg(struct mvt_switch *sw, unsigned int g, char *err, size_t errlen)
{
	const struct mvt_lower_conf *lc = &sw->conf.lowers[g];
	struct mvt_switch_seg *sg = &sw->seg[g];
	const char *host = mvt_conf_lower_host_port(&sw->conf, g);
	char opt[MVT_NAME_MAX + 16];
	struct mvt_ethdev *eth;
	unsigned int o;
	uint32_t mtu;

	o = mvt_conf_lower_dev_owner(&sw->conf, g);
	sg->dev_owner = o;
	mtu = mvt_conf_lower_mtu(&sw->conf, g);
	snprintf(opt, sizeof(opt), sw->conf.n_lowers > 1 ? "--lower %s" :
		"--lower", lc->name);
	if (o == g) {
		if (mvt_port_open_ethdev(&sg->lower, opt, lc->dev,
				(uint16_t)sw->nb_workers, dev_mtu(sw, g),
				sw->seg[0].dp.mp, err, errlen) != 0)
			return -1;
		sg->lower.caps.max_frame = MVT_MTU_FRAME(mtu);
	} else {
		mvt_port_open_shared(&sg->lower, &sw->seg[o].lower, mtu);
	}
	if (lc->vlan != 0)
		mvt_port_set_vlan(&sg->lower, lc->vlan, 1, sw->seg[0].dp.mp);
	eth = mvt_switch_seg_eth(sw, g);
	if (host[0] != '\0') {
		snprintf(opt, sizeof(opt), sw->conf.n_lowers > 1 ?
			"--host-port lower=%s" : "--host-port", lc->name);
		/* the lower's MTU, or what a net_tap host port takes */
		if (mvt_port_open_ethdev(&sg->host, opt, host,
				(uint16_t)sw->nb_workers,
				mtu | MVT_ETHDEV_MTU_AT_MOST, sw->seg[0].dp.mp,
				err, errlen) != 0)
			return -1;
		sg->dp.host = &sg->host;
		sg->dp.tbl->host_mac = host_stack_mac(&sg->host.eth, host);
		/* the host's unicast must pass the lower's filter too */
		mvt_ethdev_add_mac(eth, sg->dp.tbl->host_mac);
		sg->dp.tbl->host_bridge = sw->conf.host_bridge;
	}
	sg->dp.lower = &sg->lower;
	sg->dp.hairpin = sw->conf.hairpin;
	sg->dp.tbl->lower_mac = eth->mac;
	sg->dp.bcqueuelen = sw->conf.bcqueuelen;
	sg->dp.max_sleep_us = sw->conf.max_sleep_us;
	if (sw->conf.promisc)
		mvt_ethdev_force_promisc(eth);
	return 0;
}

/*
 * The frames of a device with VLAN lowers are received by the worker of
 * the device's first lower and handed to the segment of their VLAN, on
 * the same lcore (mvt_worker_add_vlan()).
 */
static void
link_vlans(struct mvt_switch *sw, unsigned int w)
{
	unsigned int g, o;

	for (g = 0; g < sw->n_segs; g++) {
		o = sw->seg[g].dev_owner;
		if (sw->conf.lowers[g].vlan == 0 && o == g &&
				!dev_has_vlans(sw, g))
			continue;
		mvt_worker_add_vlan(sw->seg[o].workers[w],
			sw->conf.lowers[g].vlan, sw->seg[g].workers[w]);
	}
}

struct mvt_switch *
mvt_switch_create(const struct mvt_conf *c, char *err, size_t errlen)
{
	struct mvt_policy_conf pc;
	struct mvt_switch_seg *sg;
	struct mvt_switch *sw;
	unsigned int lcore, w = 0, pi, g;
	uint16_t id;

	sw = rte_zmalloc("mvtap_switch", sizeof(*sw), RTE_CACHE_LINE_SIZE);
	if (sw == NULL) {
		snprintf(err, errlen, "cannot allocate the switch");
		return NULL;
	}
	pthread_mutex_init(&sw->ctl, NULL);
	sw->conf = *c;
	sw->nb_workers = RTE_MIN(rte_lcore_count() - 1,
		(unsigned int)MVT_MAX_WORKERS);
	if (sw->nb_workers == 0) {
		snprintf(err, errlen,
			"no worker lcore: give the EAL at least two (e.g. -l 0-1); the main lcore only controls");
		goto fail;
	}
	if (setup_core(sw, err, errlen) != 0)
		goto fail;
	sw->n_segs = c->n_lowers;
	for (g = 0; g < sw->n_segs; g++)
		if (setup_seg(sw, g, err, errlen) != 0 ||
				open_seg(sw, g, err, errlen) != 0)
			goto fail;

	RTE_LCORE_FOREACH_WORKER(lcore) {
		if (w == sw->nb_workers)
			break;
		for (g = 0; g < sw->n_segs; g++) {
			sg = &sw->seg[g];
			sg->stats[w] = rte_zmalloc("mvtap_stats",
				sizeof(struct mvt_lcore_stats),
				RTE_CACHE_LINE_SIZE);
			if (sg->stats[w] != NULL)
				sg->workers[w] = mvt_worker_create(&sg->dp,
					(uint16_t)w, lcore, sg->stats[w]);
			if (sg->workers[w] == NULL ||
					(g > 0 && mvt_worker_add_segment(
					sw->seg[0].workers[w],
					sg->workers[w]) != 0)) {
				snprintf(err, errlen,
					"cannot allocate the workers");
				goto fail;
			}
		}
		link_vlans(sw, w);
		w++;
	}

	for (id = 0; id < c->n_endpoints; id++) {
		sw->has_standby |= c->ep[id].standby;
		g = mvt_switch_ep_seg(sw, id);
		mvt_switch_ep_state(sw->seg[g].dp.tbl, id, &sw->conf.ep[id],
			mvt_switch_seg_eth(sw, g)->mac);
		if (mvt_switch_ep_link(sw, id, &sw->seg[g].dp.tbl->ep[id], err,
				errlen) != 0)
			goto fail;
	}
	for (pi = 0; pi < c->n_policies; pi++)
		if (mvt_switch_policy_attach(sw, pi, err, errlen) != 0)
			goto fail;
	for (id = 0; id < c->n_endpoints; id++) {
		/* a passthru endpoint's rate= needed the lower's MAC */
		g = mvt_switch_ep_seg(sw, id);
		if (c->ep[id].mac == 0 && mvt_conf_endpoint_policy(&c->ep[id],
				sw->seg[g].dp.tbl->ep[id].mac, &pc) &&
				mvt_switch_policy_new(sw, &pc, err,
					errlen) != 0)
			goto fail;
	}
	for (g = 0; g < sw->n_segs; g++)
		mvt_switch_table_publish(sw, g, sw->seg[g].dp.tbl);
	for (id = 0; id < c->n_endpoints; id++)
		mvt_switch_assign_new(sw, id, id);
	if (mvt_switch_polls_publish(sw) != 0) {
		snprintf(err, errlen, "cannot allocate the poll lists");
		goto fail;
	}
	for (id = 0; id < c->n_endpoints; id++)
		if (mvt_switch_ep_open(sw, id, sw->seg[mvt_switch_ep_seg(sw,
				id)].dp.tbl->ep[id].mac, err, errlen) != 0)
			goto fail;
	/* the poll lists came first; the ports are open now */
	mvt_switch_rx_owners_publish(sw);
	for (id = 0; id < c->n_mirrors; id++)
		if (mvt_switch_mirror_add_conf(sw, &c->mirror[id], err,
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

	__atomic_store_n(&sw->seg[0].dp.quit, 0, __ATOMIC_RELAXED);
	for (w = 0; w < sw->nb_workers; w++) {
		if (rte_eal_remote_launch(mvt_worker_main, sw->seg[0].workers[w],
				mvt_worker_lcore(sw->seg[0].workers[w])) != 0) {
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

	__atomic_store_n(&sw->seg[0].dp.quit, 1, __ATOMIC_RELAXED);
	for (w = 0; w < sw->running; w++)
		rte_eal_wait_lcore(mvt_worker_lcore(sw->seg[0].workers[w]));
	sw->running = 0;
}

int
mvt_switch_stop_within(struct mvt_switch *sw, unsigned int seconds,
	unsigned int *stuck_lcore)
{
	uint64_t end = rte_get_timer_cycles() + seconds * rte_get_timer_hz();
	unsigned int w, lcore;

	__atomic_store_n(&sw->seg[0].dp.quit, 1, __ATOMIC_RELAXED);
	for (w = 0; w < sw->running; w++) {
		lcore = mvt_worker_lcore(sw->seg[0].workers[w]);
		while (rte_eal_get_lcore_state(lcore) == RUNNING) {
			if (rte_get_timer_cycles() >= end) {
				*stuck_lcore = lcore;
				return -1;
			}
			usleep(1000);
		}
		rte_eal_wait_lcore(lcore);
	}
	sw->running = 0;
	return 0;
}

void
mvt_switch_destroy(struct mvt_switch *sw)
{
	unsigned int w, g;
	uint16_t id;

	if (sw == NULL)
		return;
	if (sw->running)
		mvt_switch_stop(sw);
	for (w = 0; w < MVT_SWITCH_CAPTURES_MAX; w++)
		if (sw->captures[w].cap != NULL)
			mvt_switch_capture_drop_port(sw, sw->captures[w].port);
	for (w = 0; w < MVT_MIRRORS_MAX; w++)
		if (sw->mirror[w] != NULL)
			mvt_switch_mirror_drop_port(sw, sw->mirror[w]->dst);
	if (sw->seg[0].dp.ports != NULL)
		for (id = 0; id < MVT_MAX_ENDPOINTS; id++)
			mvt_port_close(&sw->seg[0].dp.ports[id]);
	/* a shared lower first: closing it leaves the device open */
	for (g = MVT_LOWERS_MAX; g-- > 0; ) {
		mvt_port_close(&sw->seg[g].lower);
		mvt_port_close(&sw->seg[g].host);
		for (w = 0; w < MVT_MAX_WORKERS; w++) {
			mvt_worker_free(sw->seg[g].workers[w]);
			rte_free(sw->seg[g].stats[w]);
		}
	}
	for (w = 0; w < MVT_POLICIES_MAX; w++)
		mvt_policy_free(sw->pol[w]);
	mvt_vhost_set_qsbr(NULL);
	for (g = MVT_LOWERS_MAX; g-- > 1; ) {
		rte_free(sw->seg[g].dp.tbl);
		mvt_dp_fini(&sw->seg[g].dp);
	}
	rte_free(sw->seg[0].dp.tbl);
	mvt_dp_fini(&sw->seg[0].dp);
	rte_mempool_free(sw->seg[0].dp.mp);
	pthread_mutex_destroy(&sw->ctl);
	rte_free(sw);
}

int
mvt_switch_sample(struct mvt_switch *sw)
{
	struct mvt_port_counters c;
	uint64_t now = rte_get_tsc_cycles(), hz = sw->tsc_hz, dt, v;
	unsigned int w;
	uint16_t id;

	if (pthread_mutex_trylock(&sw->ctl) != 0)
		return -EBUSY;
	dt = now - sw->sample_tsc;
	if (sw->sample_tsc == 0 || dt == 0)
		dt = 0;
	for (w = 0; w < sw->nb_workers; w++) {
		v = mvt_ctr_read(&sw->seg[0].stats[w]->busy_cycles);
		if (dt != 0)
			sw->busy_rate[w] = (v - sw->last_busy[w]) * hz / dt;
		sw->last_busy[w] = v;
	}
	for (id = 0; id < sw->conf.n_endpoints; id++) {
		if (!mvt_switch_slot_used(sw, id))
			continue;
		mvt_switch_port_counters_raw(sw, id, &c);
		if (dt != 0)
			sw->rx_rate[id] = (c.rx_packets - sw->last_rx[id]) * hz / dt;
		sw->last_rx[id] = c.rx_packets;
	}
	sw->sample_tsc = now;
	mvt_switch_follow_guests(sw);
	pthread_mutex_unlock(&sw->ctl);
	return 0;
}

int
mvt_switch_set_max_sleep(struct mvt_switch *sw, const char *value,
	char *err, size_t errlen)
{
	char what[MVT_ERR_MAX];
	uint32_t us;
	int64_t v;

	/* The range and the error line of --max-sleep-us. */
	snprintf(what, sizeof(what), "max-sleep-us %s", value);
	if (mvt_conf_opt_parse_num(&mvt_conf_global_opts[MVT_GOPT_MAX_SLEEP_US],
			value, &v, what, err, errlen) != 0)
		return -1;
	us = (uint32_t)v;
	pthread_mutex_lock(&sw->ctl);
	sw->conf.max_sleep_us = us;
	__atomic_store_n(&sw->seg[0].dp.max_sleep_us, us, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&sw->ctl);
	MVT_LOG(INFO, "workers sleep at most %u us when idle", us);
	return 0;
}

int
mvt_switch_rebalance(struct mvt_switch *sw, char *err, size_t errlen)
{
	struct mvt_place_q q[MVT_MAX_ENDPOINTS * MVT_QUEUES_MAX];
	unsigned int n = 0, i, moved = 0;
	struct mvt_switch_poll_lists pl;
	uint16_t id, qp;

	pthread_mutex_lock(&sw->ctl);
	/* kept to restore: the lists of a failed rebalance are not published */
	memcpy(sw->assign_prev, sw->assign, sizeof(sw->assign));
	for (id = 0; id < sw->conf.n_endpoints; id++) {
		if (!mvt_switch_slot_used(sw, id))
			continue;
		for (qp = 0; qp < sw->conf.ep[id].queues; qp++) {
			q[n].ep = id;
			q[n].qp = qp;
			/* per queue: the endpoint's rate spread over its queues */
			q[n].rate = sw->rx_rate[id] / sw->conf.ep[id].queues;
			n++;
		}
	}
	/* heaviest first, each onto the least loaded worker (greedy LPT) */
	mvt_place_rebalance(q, n, sw->nb_workers);
	for (i = 0; i < n; i++) {
		if (sw->assign[q[i].ep][q[i].qp] != q[i].worker)
			moved++;
		sw->assign[q[i].ep][q[i].qp] = q[i].worker;
	}
	if (mvt_switch_polls_build(sw, MVT_EP_NONE, &pl) != 0) {
		memcpy(sw->assign, sw->assign_prev, sizeof(sw->assign));
		snprintf(err, errlen, "rebalance: cannot allocate the poll lists");
		pthread_mutex_unlock(&sw->ctl);
		return -1;
	}
	mvt_switch_polls_commit(sw, &pl);
	MVT_LOG(INFO, "rebalance: %u of %u queues moved over %u workers",
		moved, n, sw->nb_workers);
	pthread_mutex_unlock(&sw->ctl);
	return 0;
}

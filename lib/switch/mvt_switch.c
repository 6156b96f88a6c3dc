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

#define MVT_MBUF_CACHE 256
#define MVT_MACTABLE_SIZE 4096

/* mvt_switch_fail_at(): attempts left before each step fails, 0: never */
static unsigned int fail_countdown[MVT_STEP_MAX];

void
mvt_switch_fail_at(enum mvt_switch_step step, unsigned int n)
{
	fail_countdown[step] = n;
}

static int
step_fails(enum mvt_switch_step step)
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
	unsigned int nb_mbufs;
	size_t sz;

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
	nb_mbufs = sw->nb_workers * 2 * MVT_LOWER_DESC *
			(sw->conf.host_port[0] != '\0' ? 2 : 1) +
		MVT_TAP_MAX * 2 * MVT_TAP_DESC +
		sw->nb_workers * (sw->conf.bcqueuelen + 2 * MVT_BURST) +
		rte_lcore_count() * MVT_MBUF_CACHE * 3 / 2;
	sw->mp = mvt_pool_create("mvtap_mbufs", nb_mbufs, MVT_MBUF_CACHE,
		rte_socket_id());
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
	sw->ports = rte_zmalloc("mvtap_ports",
		sizeof(*sw->ports) * MVT_MAX_ENDPOINTS, RTE_CACHE_LINE_SIZE);
	if (sw->mt == NULL || sw->tbl == NULL || sw->ports == NULL) {
		snprintf(err, errlen, "cannot allocate the switch tables");
		return -1;
	}
	sw->tbl->passthru = MVT_EP_NONE;
	sw->tbl->strict_private = sw->conf.strict_private;
	sw->tbl->lower_promisc = sw->conf.promisc;
	sw->tbl->bc_cutoff = sw->conf.bclim;
	return 0;
}

/*
 * Publishing: a new endpoint table or poll list is built aside, stored with
 * release semantics, and the old one is freed only after every worker has
 * passed a quiescent state. Control operations hold sw->ctl, so there is
 * one writer.
 */
static struct mvt_ep_table *
table_copy(const struct mvt_switch *sw)
{
	struct mvt_ep_table *t;

	if (step_fails(MVT_STEP_TABLE_COPY))
		return NULL;
	t = rte_malloc("mvtap_eps", sizeof(*t), RTE_CACHE_LINE_SIZE);
	if (t != NULL)
		memcpy(t, sw->tbl, sizeof(*t));
	return t;
}

static void
table_fix(const struct mvt_switch *sw, struct mvt_ep_table *t)
{
	uint16_t id;

	t->n_eps = sw->conf.n_endpoints;
	t->passthru = MVT_EP_NONE;
	t->has_src_lists = 0;
	t->has_out_policies = 0;
	t->has_policies = 0;
	for (id = 0; id < sw->conf.n_policies; id++) {
		if (sw->pol[id] == NULL)
			continue;
		t->has_policies = 1;
		if (sw->conf.policy[id].dir != MVT_POLICY_DIR_IN)
			t->has_out_policies = 1;
	}
	for (id = 0; id < t->n_eps; id++) {
		if (!mvt_switch_slot_used(sw, id))
			continue;
		if (t->ep[id].mode == MVT_MODE_PASSTHRU)
			t->passthru = id;
		if (sw->conf.ep[id].n_sources > 0)
			t->has_src_lists = 1;
	}
}

static void
table_publish(struct mvt_switch *sw, struct mvt_ep_table *t)
{
	struct mvt_ep_table *old = sw->tbl;

	table_fix(sw, t);
	__atomic_store_n(&sw->dp.tbl, t, __ATOMIC_RELEASE);
	sw->tbl = t;
	if (old != t) {
		rte_rcu_qsbr_synchronize(sw->qsbr, RTE_QSBR_THRID_INVALID);
		rte_free(old);
	}
}

/*
 * A copy of the table to publish unchanged after a change made elsewhere
 * (MAC table, policies), so that what table_fix() derives (source lists,
 * policies by source) follows it. Taken before the change: once the change
 * is made, its publication cannot fail. @return the copy, or NULL with
 * the error said.
 */
static struct mvt_ep_table *
table_prepare(const struct mvt_switch *sw, char *err, size_t errlen)
{
	struct mvt_ep_table *t = table_copy(sw);

	if (t == NULL)
		snprintf(err, errlen, "out of memory");
	return t;
}

/*
 * The poll lists a change publishes: the final ones, and the hand-over
 * ones published first, which hold only the queues each worker polls now
 * and goes on polling.
 */
struct poll_lists {
	struct mvt_poll_list *next[MVT_MAX_WORKERS];
	struct mvt_poll_list *handover[MVT_MAX_WORKERS];
	unsigned int moved;	/**< queues going to another worker */
};

static void
poll_lists_free(const struct mvt_switch *sw, struct poll_lists *pl)
{
	unsigned int w;

	for (w = 0; w < sw->nb_workers; w++) {
		rte_free(pl->next[w]);
		rte_free(pl->handover[w]);
	}
}

/*
 * Build every worker's poll lists from sw->assign, for the slots in use
 * other than @p skip (MVT_EP_NONE: none), without publishing anything.
 * A change builds its lists before it changes anything else, so that
 * running out of memory here fails the change while nothing is done yet,
 * and the publication after the other steps cannot fail.
 * @return 0, or -ENOMEM with nothing allocated.
 */
static int
polls_build(const struct mvt_switch *sw, uint16_t skip,
	struct poll_lists *pl)
{
	uint8_t owner[MVT_MAX_ENDPOINTS][MVT_QUEUES_MAX], o;
	const struct mvt_poll_list *cur;
	struct mvt_worker_info wi;
	struct mvt_poll_list *h;
	unsigned int w, max = 0;
	uint16_t id, qp, i;

	memset(pl, 0, sizeof(*pl));
	for (id = 0; id < sw->conf.n_endpoints; id++)
		if (id != skip && mvt_switch_slot_used(sw, id))
			max += sw->conf.ep[id].queues;
	for (w = 0; w < sw->nb_workers; w++) {
		if (!step_fails(MVT_STEP_POLL_LIST)) {
			pl->next[w] = mvt_poll_list_alloc(max);
			pl->handover[w] = mvt_poll_list_alloc(max);
		}
		if (pl->next[w] == NULL || pl->handover[w] == NULL) {
			poll_lists_free(sw, pl);
			return -ENOMEM;
		}
	}
	for (id = 0; id < sw->conf.n_endpoints; id++) {
		if (id == skip || !mvt_switch_slot_used(sw, id))
			continue;
		for (qp = 0; qp < sw->conf.ep[id].queues; qp++) {
			w = sw->assign[id][qp];
			pl->next[w]->p[pl->next[w]->n].ep = id;
			pl->next[w]->p[pl->next[w]->n].qp = qp;
			pl->next[w]->n++;
		}
	}
	/* who polls each queue now (0: nobody) */
	memset(owner, 0, sizeof(owner));
	for (w = 0; w < sw->nb_workers; w++) {
		cur = NULL;
		if (sw->workers[w] != NULL) {
			mvt_worker_get_info(sw->workers[w], &wi);
			cur = wi.polls;
		}
		for (i = 0; cur != NULL && i < cur->n; i++)
			owner[cur->p[i].ep][cur->p[i].qp] = (uint8_t)(w + 1);
	}
	for (w = 0; w < sw->nb_workers; w++) {
		h = pl->handover[w];
		for (i = 0; i < pl->next[w]->n; i++) {
			o = owner[pl->next[w]->p[i].ep][pl->next[w]->p[i].qp];
			if (o == w + 1)
				h->p[h->n++] = pl->next[w]->p[i];
			else if (o != 0)
				pl->moved++;
		}
	}
	return 0;
}

/* Publish @p lists, then free the ones they replace. */
static void
polls_swap(struct mvt_switch *sw, struct mvt_poll_list **lists)
{
	struct mvt_poll_list *old[MVT_MAX_WORKERS];
	unsigned int w;

	for (w = 0; w < sw->nb_workers; w++)
		old[w] = mvt_worker_set_polls(sw->workers[w], lists[w]);
	rte_rcu_qsbr_synchronize(sw->qsbr, RTE_QSBR_THRID_INVALID);
	for (w = 0; w < sw->nb_workers; w++)
		rte_free(old[w]);
}

/*
 * Publish the lists of polls_build(). A queue that moves to another
 * worker is first polled by nobody (the hand-over lists) until its old
 * worker has left it:
 * never two workers on one queue, which would reorder the guest's frames
 * and the count of what librte_vhost discarded (mvt_vhost_rx_burst).
 */
static void
polls_commit(struct mvt_switch *sw, struct poll_lists *pl)
{
	unsigned int w;

	if (pl->moved > 0) {
		polls_swap(sw, pl->handover);
	} else {
		/* queues kept or new only: one publication is enough */
		for (w = 0; w < sw->nb_workers; w++)
			rte_free(pl->handover[w]);
	}
	polls_swap(sw, pl->next);
}

/* Publish every worker's poll list from sw->assign. */
static int
polls_publish(struct mvt_switch *sw)
{
	struct poll_lists pl;

	if (polls_build(sw, MVT_EP_NONE, &pl) != 0)
		return -ENOMEM;
	polls_commit(sw, &pl);
	return 0;
}

/*
 * Load of a worker for placement: its measured busy cycles per second,
 * plus, for queues placed in this round and not measured yet, an even
 * share of nothing -- so ties go to the worker with fewer queues.
 */
static unsigned int
least_loaded(const struct mvt_switch *sw, const uint64_t *load,
	const unsigned int *nq)
{
	unsigned int w, best = 0;

	for (w = 1; w < sw->nb_workers; w++)
		if (load[w] < load[best] ||
				(load[w] == load[best] && nq[w] < nq[best]))
			best = w;
	return best;
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
static void
assign_new(struct mvt_switch *sw, uint16_t id, uint16_t upto)
{
	unsigned int nq[MVT_MAX_WORKERS], w;
	uint64_t load[MVT_MAX_WORKERS];
	uint16_t qp;

	queues_per_worker(sw, upto, id, nq);
	memcpy(load, sw->busy_rate, sizeof(load));
	for (qp = 0; qp < sw->conf.ep[id].queues; qp++) {
		w = least_loaded(sw, load, nq);
		sw->assign[id][qp] = (uint8_t)w;
		nq[w]++;
	}
}

/* @p ec must be the switch's own copy: the state points at its lists. */
static void
ep_state_from_conf(struct mvt_ep_state *e, const struct mvt_endpoint_conf *ec,
	uint64_t lower_mac)
{
	memset(e, 0, sizeof(*e));
	e->mac = ec->mac;
	if (ec->mode == MVT_MODE_PASSTHRU && e->mac == 0)
		e->mac = lower_mac; /* as Linux: passthru inherits L's MAC */
	e->mode = (uint8_t)ec->mode;
	e->up = ec->up;
	e->nodst = ec->nodst;
	/* vhost-user backends do not see the guests' joins: all by default */
	e->mc_all = ec->n_mcast == 0;
	e->n_mc = ec->n_mcast;
	e->mc = ec->mcast;
	e->spoofchk = ec->spoofchk;
}

/*
 * Linux refuses to open a macvlan whose MAC is its lower's (EADDRINUSE,
 * macvlan_addr_busy), except in passthru mode; the host port plays the
 * lower's stack, so its MAC is the lower's too. Only an up endpoint opens.
 */
static int
ep_addr_busy(const struct mvt_switch *sw, const struct mvt_ep_state *e,
	const char *name, char *err, size_t errlen)
{
	char buf[MVT_MAC_STRLEN];
	const char *owner;

	if (!e->up || e->mode == MVT_MODE_PASSTHRU)
		return 0;
	if (e->mac == sw->lower.eth.mac)
		owner = "the lower device";
	else if (sw->dp.host != NULL && e->mac == sw->tbl->host_mac)
		owner = "the host port";
	else
		return 0;
	mvt_mac_format(e->mac, buf);
	snprintf(err, errlen, "--endpoint mac=%s: MAC already used by %s (endpoint %s)",
		buf, owner, name);
	return -1;
}

/* MAC table and lower filter entries of endpoint @p id; undone by ep_unlink */
static int
ep_link(struct mvt_switch *sw, uint16_t id, const struct mvt_ep_state *e,
	char *err, size_t errlen)
{
	const struct mvt_endpoint_conf *ec = &sw->conf.ep[id];
	const struct mvt_mac_entry *me;
	char mac[MVT_MAC_STRLEN];
	uint16_t i;
	int ret;

	if (ep_addr_busy(sw, e, ec->name, err, errlen) != 0)
		return -1;
	ret = mvt_mactable_set_owner(sw->mt, e->mac, id);
	if (ret != 0) {
		snprintf(err, errlen, "--endpoint name=%s: MAC table: %s",
			ec->name, rte_strerror(-ret));
		return -1;
	}
	for (i = 0; i < ec->n_sources; i++) {
		ret = mvt_mactable_add_lister(sw->mt, ec->sources[i], id);
		if (ret != 0)
			break;
	}
	if (ret != 0) {
		mvt_mac_format(ec->sources[i], mac);
		me = mvt_mactable_lookup(sw->mt, ec->sources[i]);
		if (ret == -ENOSPC && me != NULL &&
				me->n_listers == MVT_SRC_LISTERS_MAX)
			snprintf(err, errlen,
				"--endpoint name=%s: source %s is listed by %u endpoints already",
				ec->name, mac, MVT_SRC_LISTERS_MAX);
		else
			snprintf(err, errlen,
				"--endpoint name=%s: source %s: MAC table: %s",
				ec->name, mac, rte_strerror(-ret));
		/*
		 * Nothing may point at the slot any more: the next endpoint
		 * added in it would get this one's frames (its MAC's, and
		 * copies of the senders already listed).
		 */
		while (i-- > 0)
			mvt_mactable_del_lister(sw->mt, ec->sources[i], id);
		mvt_mactable_clear_owner(sw->mt, e->mac, id);
		return -1;
	}
	/*
	 * As macvlan_open (dev_uc_add, or promiscuity for passthru): only
	 * an up endpoint opens.
	 */
	if (!e->up)
		return 0;
	if (ec->mode == MVT_MODE_PASSTHRU)
		mvt_ethdev_force_promisc(&sw->lower.eth);
	else
		mvt_ethdev_add_mac(&sw->lower.eth, e->mac);
	return 0;
}

static void
ep_unlink(struct mvt_switch *sw, uint16_t id, uint64_t mac)
{
	const struct mvt_endpoint_conf *ec = &sw->conf.ep[id];
	uint16_t i;

	for (i = 0; i < ec->n_sources; i++)
		mvt_mactable_del_lister(sw->mt, ec->sources[i], id);
	mvt_mactable_clear_owner(sw->mt, mac, id);
	/* a down endpoint put nothing in the filter (ep_link) */
	if (ec->mode != MVT_MODE_PASSTHRU && ec->up)
		mvt_ethdev_del_mac(&sw->lower.eth, mac);
}

/* The endpoint's port: its vhost-user socket or its kernel interface. */
static int
ep_open(struct mvt_switch *sw, uint16_t id, uint64_t mac, char *err,
	size_t errlen)
{
	return mvt_port_open_endpoint(&sw->ports[id], id, &sw->conf.ep[id], mac,
		(uint16_t)sw->nb_workers, sw->mp, err, errlen);
}

/* The endpoint named @p name, or -1 with the error said in @p err. */
static int
ep_find_named(const struct mvt_switch *sw, const char *name, char *err,
	size_t errlen)
{
	int id = mvt_switch_ep_find(sw, name);

	if (id < 0)
		snprintf(err, errlen, "no endpoint named %s", name);
	return id;
}

static void
port_counters_raw(const struct mvt_switch *sw, unsigned int port,
	struct mvt_port_counters *out)
{
	mvt_stats_port_sum((const struct mvt_lcore_stats *const *)sw->stats,
		sw->nb_workers, port, out);
}

static const char *
spec_mac(const struct mvt_policy_conf *pc)
{
	static __thread char buf[MVT_MAC_STRLEN];

	mvt_mac_format(pc->mac, buf);
	return buf;
}

/* The MAC table directions a policy meters. */
static void
policy_dirs(const struct mvt_policy_conf *pc, int *in, int *out)
{
	*in = pc->dir != MVT_POLICY_DIR_OUT;
	*out = pc->dir != MVT_POLICY_DIR_IN;
}

/* Create policy slot @p i's meters and attach them to its MAC. */
static int
policy_attach(struct mvt_switch *sw, unsigned int i, char *err,
	size_t errlen)
{
	const struct mvt_policy_conf *pc = &sw->conf.policy[i];
	int in, out, ret = 0;

	if (step_fails(MVT_STEP_POLICY_CREATE)) {
		/* as mvt_policy_create() says it */
		snprintf(err, errlen, "policy %s: out of memory", pc->name);
		return -1;
	}
	sw->pol[i] = mvt_policy_create(pc, sw->tsc_hz, err, errlen);
	if (sw->pol[i] == NULL)
		return -1;
	policy_dirs(pc, &in, &out);
	if (in)
		ret = mvt_mactable_set_policy(sw->mt, pc->mac,
			MVT_POLICY_DIR_IN, sw->pol[i]);
	if (ret == 0 && out)
		ret = mvt_mactable_set_policy(sw->mt, pc->mac,
			MVT_POLICY_DIR_OUT, sw->pol[i]);
	if (ret != 0) {
		snprintf(err, errlen, "--policy name=%s: MAC table: %s",
			pc->name, rte_strerror(-ret));
		return -1;
	}
	return 0;
}

/* Detach policy slot @p i; its meters are freed once no worker can see
 * them (each MAC table change waits for the workers). */
static void
policy_detach(struct mvt_switch *sw, unsigned int i)
{
	const struct mvt_policy_conf *pc = &sw->conf.policy[i];
	int in, out;

	if (sw->pol[i] == NULL)
		return;
	policy_dirs(pc, &in, &out);
	/* removals do not fail for lack of memory (mvt_mactable.h) */
	if ((in && mvt_mactable_set_policy(sw->mt, pc->mac,
			MVT_POLICY_DIR_IN, NULL) != 0) ||
			(out && mvt_mactable_set_policy(sw->mt, pc->mac,
			MVT_POLICY_DIR_OUT, NULL) != 0)) {
		/* still reachable from the table: keep it rather than free it */
		MVT_LOG(ERR, "policy %s: cannot detach it from its MAC; kept",
			pc->name);
		return;
	}
	rte_rcu_qsbr_synchronize(sw->qsbr, RTE_QSBR_THRID_INVALID);
	mvt_policy_free(sw->pol[i]);
	sw->pol[i] = NULL;
	memset(&sw->conf.policy[i], 0, sizeof(sw->conf.policy[i]));
}

/*
 * Put @p pc in a free policy slot and attach it; control lock held. On
 * failure the slot is free again: a slot with a MAC but no meters would
 * be taken for a live policy by the next set_policy of that MAC.
 */
static int
policy_new(struct mvt_switch *sw, const struct mvt_policy_conf *pc,
	char *err, size_t errlen)
{
	uint16_t n_policies = sw->conf.n_policies;
	unsigned int slot;

	for (slot = 0; slot < sw->conf.n_policies; slot++)
		if (sw->conf.policy[slot].mac == 0)
			break;
	if (slot == sw->conf.n_policies) {
		if (slot == MVT_POLICIES_MAX) {
			snprintf(err, errlen, "--policy: %u policies already",
				MVT_POLICIES_MAX);
			return -1;
		}
		sw->conf.n_policies++;
	}
	sw->conf.policy[slot] = *pc;
	if (policy_attach(sw, slot, err, errlen) != 0) {
		policy_detach(sw, slot);
		memset(&sw->conf.policy[slot], 0, sizeof(sw->conf.policy[slot]));
		sw->conf.n_policies = n_policies;
		return -1;
	}
	return 0;
}

/* Detach the rate= policy of endpoint @p ec, whose MAC is @p mac. */
static void
policy_detach_endpoint(struct mvt_switch *sw,
	const struct mvt_endpoint_conf *ec, uint64_t mac)
{
	unsigned int i;

	for (i = 0; i < sw->conf.n_policies; i++)
		if (sw->conf.policy[i].mac == mac && mac != 0 &&
				strcmp(sw->conf.policy[i].name, ec->name) == 0)
			policy_detach(sw, i);
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

struct mvt_switch *
mvt_switch_create(const struct mvt_conf *c, char *err, size_t errlen)
{
	struct mvt_policy_conf pc;
	struct mvt_switch *sw;
	unsigned int lcore, w = 0, pi;
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
	if (mvt_port_open_ethdev(&sw->lower, "--lower", c->lower,
			(uint16_t)sw->nb_workers, sw->mp, err, errlen) != 0)
		goto fail;
	if (c->host_port[0] != '\0') {
		if (mvt_port_open_ethdev(&sw->host, "--host-port", c->host_port,
				(uint16_t)sw->nb_workers, sw->mp, err, errlen) != 0)
			goto fail;
		sw->dp.host = &sw->host;
		sw->tbl->host_mac = host_stack_mac(&sw->host.eth, c->host_port);
		/* the host's unicast must pass the lower's filter too */
		mvt_ethdev_add_mac(&sw->lower.eth, sw->tbl->host_mac);
		sw->tbl->host_bridge = c->host_bridge;
	}
	sw->dp.mt = sw->mt;
	sw->dp.ports = sw->ports;
	sw->dp.lower = &sw->lower;
	sw->dp.mp = sw->mp;
	sw->dp.qsbr = sw->qsbr;
	sw->dp.nb_workers = (uint16_t)sw->nb_workers;
	sw->dp.hairpin = c->hairpin;
	sw->tbl->lower_mac = sw->lower.eth.mac;
	sw->dp.bcqueuelen = c->bcqueuelen;
	sw->dp.max_sleep_us = c->max_sleep_us;
	if (c->promisc)
		mvt_ethdev_force_promisc(&sw->lower.eth);

	RTE_LCORE_FOREACH_WORKER(lcore) {
		if (w == sw->nb_workers)
			break;
		sw->stats[w] = rte_zmalloc("mvtap_stats",
			sizeof(struct mvt_lcore_stats), RTE_CACHE_LINE_SIZE);
		if (sw->stats[w] != NULL)
			sw->workers[w] = mvt_worker_create(&sw->dp, (uint16_t)w,
				lcore, sw->stats[w]);
		if (sw->workers[w] == NULL) {
			snprintf(err, errlen, "cannot allocate the workers");
			goto fail;
		}
		w++;
	}

	for (id = 0; id < c->n_endpoints; id++) {
		ep_state_from_conf(&sw->tbl->ep[id], &sw->conf.ep[id],
			sw->lower.eth.mac);
		if (ep_link(sw, id, &sw->tbl->ep[id], err, errlen) != 0)
			goto fail;
	}
	for (pi = 0; pi < c->n_policies; pi++)
		if (policy_attach(sw, pi, err, errlen) != 0)
			goto fail;
	for (id = 0; id < c->n_endpoints; id++) {
		/* a passthru endpoint's rate= needed the lower's MAC */
		if (c->ep[id].mac == 0 && mvt_conf_endpoint_policy(&c->ep[id],
				sw->tbl->ep[id].mac, &pc) &&
				policy_new(sw, &pc, err, errlen) != 0)
			goto fail;
	}
	table_publish(sw, sw->tbl);
	for (id = 0; id < c->n_endpoints; id++)
		assign_new(sw, id, id);
	if (polls_publish(sw) != 0) {
		snprintf(err, errlen, "cannot allocate the poll lists");
		goto fail;
	}
	for (id = 0; id < c->n_endpoints; id++)
		if (ep_open(sw, id, sw->tbl->ep[id].mac, err, errlen) != 0)
			goto fail;
	mvt_telemetry_attach(sw);
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
				mvt_worker_lcore(sw->workers[w])) != 0) {
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
		rte_eal_wait_lcore(mvt_worker_lcore(sw->workers[w]));
	sw->running = 0;
}

int
mvt_switch_stop_within(struct mvt_switch *sw, unsigned int seconds,
	unsigned int *stuck_lcore)
{
	uint64_t end = rte_get_timer_cycles() + seconds * rte_get_timer_hz();
	unsigned int w, lcore;

	__atomic_store_n(&sw->dp.quit, 1, __ATOMIC_RELAXED);
	for (w = 0; w < sw->running; w++) {
		lcore = mvt_worker_lcore(sw->workers[w]);
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
	unsigned int w;
	uint16_t id;

	if (sw == NULL)
		return;
	mvt_telemetry_detach(sw);
	if (sw->running)
		mvt_switch_stop(sw);
	for (w = 0; w < MVT_SWITCH_CAPTURES_MAX; w++)
		if (sw->captures[w].cap != NULL)
			mvt_switch_capture_drop_port(sw, sw->captures[w].port);
	for (w = 0; w < MVT_MIRRORS_MAX; w++)
		if (sw->mirror[w] != NULL)
			mvt_switch_mirror_drop_port(sw, sw->mirror[w]->dst);
	if (sw->ports != NULL)
		for (id = 0; id < MVT_MAX_ENDPOINTS; id++)
			mvt_port_close(&sw->ports[id]);
	mvt_port_close(&sw->lower);
	mvt_port_close(&sw->host);
	for (w = 0; w < MVT_MAX_WORKERS; w++) {
		mvt_worker_free(sw->workers[w]);
		rte_free(sw->stats[w]);
	}
	for (w = 0; w < MVT_POLICIES_MAX; w++)
		mvt_policy_free(sw->pol[w]);
	mvt_mactable_free(sw->mt);
	mvt_vhost_set_qsbr(NULL);
	rte_free(sw->qsbr);
	rte_free(sw->tbl);
	rte_free(sw->ports);
	rte_mempool_free(sw->mp);
	pthread_mutex_destroy(&sw->ctl);
	rte_free(sw);
}

/*
 * Undo, in reverse order, what a failed mvt_switch_add_endpoint() did in
 * slot @p id before it published anything: its port, its rate= policy,
 * its MAC table entries, the slot.
 */
static void
add_undo(struct mvt_switch *sw, uint16_t id, const struct mvt_endpoint_conf *ec,
	uint64_t mac, int opened, int linked)
{
	if (opened)
		mvt_port_close(&sw->ports[id]);
	if (linked) {
		policy_detach_endpoint(sw, ec, mac);
		ep_unlink(sw, id, mac);
	}
	sw->conf.ep[id].name[0] = '\0';
}

int
mvt_switch_add_endpoint(struct mvt_switch *sw, const char *spec, char *err,
	size_t errlen)
{
	struct poll_lists pl;
	struct mvt_endpoint_conf ec;
	struct mvt_policy_conf pc;
	struct mvt_ep_table *t = NULL;
	struct mvt_conf *check;
	uint16_t id, n = 0, n_live, n_endpoints;
	unsigned int i;
	int ret = -1;

	if (mvt_conf_parse_endpoint(spec, &ec, err, errlen) != 0)
		return -1;
	/* validate the endpoint set as it would be, with the usual rules */
	check = malloc(sizeof(*check));
	if (check == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	pthread_mutex_lock(&sw->ctl);
	*check = sw->conf;
	for (id = 0; id < sw->conf.n_endpoints; id++)
		if (mvt_switch_slot_used(sw, id))
			check->ep[n++] = sw->conf.ep[id];
	n_live = n;
	/* free policy slots (mac 0) are not policies to validate */
	check->n_policies = 0;
	for (i = 0; i < sw->conf.n_policies; i++)
		if (sw->conf.policy[i].mac != 0)
			check->policy[check->n_policies++] = sw->conf.policy[i];
	if (n == MVT_MAX_ENDPOINTS) {
		snprintf(err, errlen, "--endpoint name=%s: %u endpoints already",
			ec.name, MVT_MAX_ENDPOINTS);
		goto out;
	}
	check->ep[n++] = ec;
	check->n_endpoints = n;
	/*
	 * The endpoints already there hold what the checks of a new one look
	 * for (a type=tap endpoint's interface exists): they are checked
	 * against the new one only.
	 */
	if (mvt_conf_validate_live(check, n_live, err, errlen) != 0)
		goto out;
	for (id = 0; id < MVT_MAX_ENDPOINTS; id++)
		if (!mvt_switch_slot_used(sw, id))
			break;
	t = table_copy(sw);
	if (t == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	sw->conf.ep[id] = ec;
	ep_state_from_conf(&t->ep[id], &sw->conf.ep[id], sw->lower.eth.mac);
	if (ep_link(sw, id, &t->ep[id], err, errlen) != 0) {
		add_undo(sw, id, &ec, t->ep[id].mac, 0, 0);
		goto out;
	}
	if (mvt_conf_endpoint_policy(&ec, t->ep[id].mac, &pc) &&
			policy_new(sw, &pc, err, errlen) != 0) {
		add_undo(sw, id, &ec, t->ep[id].mac, 0, 1);
		goto out;
	}
	if (ep_open(sw, id, t->ep[id].mac, err, errlen) != 0) {
		add_undo(sw, id, &ec, t->ep[id].mac, 0, 1);
		goto out;
	}
	n_endpoints = sw->conf.n_endpoints;
	if (id >= sw->conf.n_endpoints)
		sw->conf.n_endpoints = id + 1;
	assign_new(sw, id, sw->conf.n_endpoints);
	if (polls_build(sw, MVT_EP_NONE, &pl) != 0) {
		snprintf(err, errlen, "--endpoint name=%s: cannot allocate the poll lists",
			ec.name);
		sw->conf.n_endpoints = n_endpoints;
		add_undo(sw, id, &ec, t->ep[id].mac, 1, 1);
		goto out;
	}
	port_counters_raw(sw, id, &sw->base[id]);
	sw->last_rx[id] = sw->base[id].rx_packets;
	sw->rx_rate[id] = 0;
	table_publish(sw, t);
	t = NULL;
	polls_commit(sw, &pl);
	MVT_LOG(INFO, "endpoint %s: added (%s)", ec.name, mvt_mode_name(ec.mode));
	ret = 0;
out:
	pthread_mutex_unlock(&sw->ctl);
	rte_free(t);
	free(check);
	return ret;
}

int
mvt_switch_del_endpoint(struct mvt_switch *sw, const char *name, char *err,
	size_t errlen)
{
	struct poll_lists pl;
	struct mvt_ep_table *t;
	uint64_t mac;
	int id, ret = -1;

	pthread_mutex_lock(&sw->ctl);
	id = ep_find_named(sw, name, err, errlen);
	if (id < 0)
		goto out;
	t = table_copy(sw);
	if (t == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	/* everything that can fail before anything changes */
	if (polls_build(sw, (uint16_t)id, &pl) != 0) {
		snprintf(err, errlen, "endpoint %s: cannot allocate the poll lists",
			name);
		rte_free(t);
		goto out;
	}
	/*
	 * First nobody may send to it (table, MAC table), then nobody polls
	 * it; each publication waits for the workers, so when the socket
	 * closes no worker can touch the device or its slot.
	 */
	mac = t->ep[id].mac;
	memset(&t->ep[id], 0, sizeof(t->ep[id]));
	policy_detach_endpoint(sw, &sw->conf.ep[id], mac);
	sw->conf.ep[id].name[0] = '\0';
	table_publish(sw, t);
	ep_unlink(sw, (uint16_t)id, mac);
	polls_commit(sw, &pl);
	mvt_switch_capture_drop_port(sw, &sw->ports[id]);
	mvt_switch_mirror_drop_port(sw, &sw->ports[id]);
	mvt_port_close(&sw->ports[id]);
	while (sw->conf.n_endpoints > 0 &&
			!mvt_switch_slot_used(sw, sw->conf.n_endpoints - 1))
		sw->conf.n_endpoints--;
	MVT_LOG(INFO, "endpoint %s: removed", name);
	ret = 0;
out:
	pthread_mutex_unlock(&sw->ctl);
	return ret;
}

int
mvt_switch_set_mode(struct mvt_switch *sw, const char *name,
	const char *mode_name, char *err, size_t errlen)
{
	struct mvt_endpoint_conf *ec;
	struct mvt_ep_table *t;
	unsigned int mode = mvt_mode_parse(mode_name);
	uint16_t i;
	int id, ret = -1;

	pthread_mutex_lock(&sw->ctl);
	id = ep_find_named(sw, name, err, errlen);
	if (id < 0)
		goto out;
	ec = &sw->conf.ep[id];
	if (mode == 0) {
		snprintf(err, errlen, "mode %s: unknown mode (expected vepa, bridge, private, passthru, source)",
			mode_name);
		goto out;
	}
	if ((mode == MVT_MODE_PASSTHRU) != (ec->mode == MVT_MODE_PASSTHRU)) {
		snprintf(err, errlen, "endpoint %s: a mode cannot change to or from passthru (as in Linux)",
			name);
		goto out;
	}
	t = table_copy(sw);
	if (t == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	/* leaving source mode flushes the source list, as Linux does */
	if (ec->mode == MVT_MODE_SOURCE && mode != MVT_MODE_SOURCE) {
		for (i = 0; i < ec->n_sources; i++)
			mvt_mactable_del_lister(sw->mt, ec->sources[i],
				(uint16_t)id);
		ec->n_sources = 0;
		ec->nodst = 0;
		t->ep[id].nodst = 0;
	}
	ec->mode = mode;
	t->ep[id].mode = (uint8_t)mode;
	table_publish(sw, t);
	MVT_LOG(INFO, "endpoint %s: mode %s", name, mode_name);
	ret = 0;
out:
	pthread_mutex_unlock(&sw->ctl);
	return ret;
}

int
mvt_switch_source(struct mvt_switch *sw, const char *name,
	const char *mac_str, int add, char *err, size_t errlen)
{
	struct mvt_endpoint_conf *ec;
	struct mvt_ep_table *t = NULL;
	uint64_t mac;
	uint16_t i;
	int id, ret = -1;

	pthread_mutex_lock(&sw->ctl);
	id = ep_find_named(sw, name, err, errlen);
	if (id < 0)
		goto out;
	ec = &sw->conf.ep[id];
	if (ec->mode != MVT_MODE_SOURCE) {
		snprintf(err, errlen, "endpoint %s: source lists need mode source",
			name);
		goto out;
	}
	t = table_prepare(sw, err, errlen);
	if (t == NULL)
		goto out;
	if (mac_str == NULL) {
		/* flush, as ip link's "macaddr flush" */
		for (i = 0; i < ec->n_sources; i++)
			mvt_mactable_del_lister(sw->mt, ec->sources[i],
				(uint16_t)id);
		ec->n_sources = 0;
		goto publish;
	}
	if (mvt_mac_parse(mac_str, &mac) != 0 || mvt_mac_is_group(mac) ||
			mac == 0) {
		snprintf(err, errlen, "source %s: not a unicast MAC address",
			mac_str);
		goto out;
	}
	for (i = 0; i < ec->n_sources; i++)
		if (ec->sources[i] == mac)
			break;
	if (add && i == ec->n_sources) {
		if (ec->n_sources == MVT_SOURCES_MAX) {
			snprintf(err, errlen, "endpoint %s: %u sources already",
				name, MVT_SOURCES_MAX);
			goto out;
		}
		if (mvt_mactable_add_lister(sw->mt, mac, (uint16_t)id) != 0) {
			snprintf(err, errlen, "source %s: MAC table full", mac_str);
			goto out;
		}
		ec->sources[ec->n_sources++] = mac;
	} else if (!add && i < ec->n_sources) {
		mvt_mactable_del_lister(sw->mt, mac, (uint16_t)id);
		ec->sources[i] = ec->sources[--ec->n_sources];
	}
publish:
	table_publish(sw, t);
	t = NULL;
	ret = 0;
out:
	pthread_mutex_unlock(&sw->ctl);
	rte_free(t);
	return ret;
}

int
mvt_switch_set_policy(struct mvt_switch *sw, const char *spec, char *err,
	size_t errlen)
{
	struct mvt_policy_conf pc;
	struct mvt_ep_table *t = NULL;
	unsigned int i;
	int ret = -1;

	if (mvt_policy_conf_parse(spec, &pc, err, errlen) != 0)
		return -1;
	pthread_mutex_lock(&sw->ctl);
	for (i = 0; i < sw->conf.n_policies; i++) {
		const struct mvt_policy_conf *o = &sw->conf.policy[i];

		if (o->mac == 0)
			continue;
		if (o->mac != pc.mac)
			continue;
		if (o->dir == pc.dir) {
			/* a change: meters keep their state and counters */
			ret = mvt_policy_update(sw->pol[i], &pc,
				sw->tsc_hz, err, errlen);
			if (ret == 0)
				sw->conf.policy[i] = pc;
			goto out;
		}
		if (o->dir == MVT_POLICY_DIR_BOTH || pc.dir == MVT_POLICY_DIR_BOTH) {
			snprintf(err, errlen,
				"--policy mac=%s: a policy for this MAC already exists (%s)",
				spec_mac(&pc), o->name);
			goto out;
		}
	}
	t = table_prepare(sw, err, errlen);
	if (t == NULL || policy_new(sw, &pc, err, errlen) != 0)
		goto out;
	table_publish(sw, t);
	t = NULL;
	ret = 0;
out:
	pthread_mutex_unlock(&sw->ctl);
	rte_free(t);
	return ret;
}

int
mvt_switch_del_policy(struct mvt_switch *sw, const char *mac_str, char *err,
	size_t errlen)
{
	struct mvt_ep_table *t;
	unsigned int i, n = 0;
	uint64_t mac;
	int ret = -1;

	if (mvt_mac_parse(mac_str, &mac) != 0) {
		snprintf(err, errlen, "%s: malformed MAC address", mac_str);
		return -1;
	}
	pthread_mutex_lock(&sw->ctl);
	for (i = 0; i < sw->conf.n_policies; i++)
		if (sw->conf.policy[i].mac == mac && mac != 0)
			n++;
	if (n == 0) {
		snprintf(err, errlen, "no policy for %s", mac_str);
		goto out;
	}
	t = table_prepare(sw, err, errlen);
	if (t == NULL)
		goto out;
	for (i = 0; i < sw->conf.n_policies; i++)
		if (sw->conf.policy[i].mac == mac && mac != 0)
			policy_detach(sw, i);
	table_publish(sw, t);
	ret = 0;
out:
	pthread_mutex_unlock(&sw->ctl);
	return ret;
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
		v = mvt_ctr_read(&sw->stats[w]->busy_cycles);
		if (dt != 0)
			sw->busy_rate[w] = (v - sw->last_busy[w]) * hz / dt;
		sw->last_busy[w] = v;
	}
	for (id = 0; id < sw->conf.n_endpoints; id++) {
		if (!mvt_switch_slot_used(sw, id))
			continue;
		port_counters_raw(sw, id, &c);
		if (dt != 0)
			sw->rx_rate[id] = (c.rx_packets - sw->last_rx[id]) * hz / dt;
		sw->last_rx[id] = c.rx_packets;
	}
	sw->sample_tsc = now;
	pthread_mutex_unlock(&sw->ctl);
	return 0;
}

int
mvt_switch_set_max_sleep(struct mvt_switch *sw, const char *value,
	char *err, size_t errlen)
{
	uint32_t us;

	if (mvt_parse_u32(value, MVT_MAX_SLEEP_US_MAX, &us) != 0) {
		snprintf(err, errlen,
			"max-sleep-us %s: expected an integer 0..%d", value,
			MVT_MAX_SLEEP_US_MAX);
		return -1;
	}
	pthread_mutex_lock(&sw->ctl);
	sw->conf.max_sleep_us = us;
	__atomic_store_n(&sw->dp.max_sleep_us, us, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&sw->ctl);
	MVT_LOG(INFO, "workers sleep at most %u us when idle", us);
	return 0;
}

int
mvt_switch_rebalance(struct mvt_switch *sw, char *err, size_t errlen)
{
	struct { uint16_t id, qp; uint64_t rate; } q[MVT_MAX_ENDPOINTS *
		MVT_QUEUES_MAX], tmp;
	unsigned int nq[MVT_MAX_WORKERS], n = 0, i, j, w, moved = 0;
	uint64_t load[MVT_MAX_WORKERS] = { 0 };
	struct poll_lists pl;
	uint16_t id, qp;

	pthread_mutex_lock(&sw->ctl);
	/* kept to restore: the lists of a failed rebalance are not published */
	memcpy(sw->assign_prev, sw->assign, sizeof(sw->assign));
	for (id = 0; id < sw->conf.n_endpoints; id++) {
		if (!mvt_switch_slot_used(sw, id))
			continue;
		for (qp = 0; qp < sw->conf.ep[id].queues; qp++) {
			q[n].id = id;
			q[n].qp = qp;
			/* per queue: the endpoint's rate spread over its queues */
			q[n].rate = sw->rx_rate[id] / sw->conf.ep[id].queues;
			n++;
		}
	}
	/* heaviest first, each onto the least loaded worker (greedy LPT) */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && q[j].rate > q[j - 1].rate; j--) {
			tmp = q[j];
			q[j] = q[j - 1];
			q[j - 1] = tmp;
		}
	memset(nq, 0, sizeof(nq));
	for (i = 0; i < n; i++) {
		w = least_loaded(sw, load, nq);
		if (sw->assign[q[i].id][q[i].qp] != w)
			moved++;
		sw->assign[q[i].id][q[i].qp] = (uint8_t)w;
		load[w] += q[i].rate;
		nq[w]++;
	}
	if (polls_build(sw, MVT_EP_NONE, &pl) != 0) {
		memcpy(sw->assign, sw->assign_prev, sizeof(sw->assign));
		snprintf(err, errlen, "rebalance: cannot allocate the poll lists");
		pthread_mutex_unlock(&sw->ctl);
		return -1;
	}
	polls_commit(sw, &pl);
	MVT_LOG(INFO, "rebalance: %u of %u queues moved over %u workers",
		moved, n, sw->nb_workers);
	pthread_mutex_unlock(&sw->ctl);
	return 0;
}

void
mvt_switch_port_counters(const struct mvt_switch *sw, unsigned int port,
	struct mvt_port_counters *out)
{
	const struct mvt_port_counters *b;
	unsigned int r;

	port_counters_raw(sw, port, out);
	if (port >= MVT_MAX_ENDPOINTS)
		return;
	b = &sw->base[port];
	out->rx_packets -= b->rx_packets;
	out->rx_bytes -= b->rx_bytes;
	out->tx_packets -= b->tx_packets;
	out->tx_bytes -= b->tx_bytes;
	out->multicast -= b->multicast;
	for (r = 0; r < MVT_DROP_MAX; r++)
		out->drops[r] -= b->drops[r];
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

/* Endpoint slots in use, then the lower device, then the host port. */
static unsigned int
next_port(const struct mvt_switch *sw, unsigned int port)
{
	if (port == MVT_PORT_HOST)
		return MVT_PORTS;
	if (port == MVT_PORT_LOWER)
		return sw->dp.host != NULL ? MVT_PORT_HOST : MVT_PORTS;
	for (port++; port < sw->conf.n_endpoints; port++)
		if (mvt_switch_slot_used(sw, (uint16_t)port))
			return port;
	return MVT_PORT_LOWER;
}

#define FOREACH_PORT(sw, p) \
	for (p = next_port(sw, UINT_MAX); p != MVT_PORTS; p = next_port(sw, p))

int
mvt_switch_stats_line(struct mvt_switch *sw, char *buf, size_t len)
{
	struct mvt_port_counters c;
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
			off == 0 ? "" : " | ", port_name(sw, p), c.rx_packets,
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
	unsigned int p, r, w;

	FOREACH_PORT(sw, p) {
		mvt_switch_port_counters(sw, p, &c);
		fprintf(f, "port %s: rx_packets=%" PRIu64 " rx_bytes=%" PRIu64
			" tx_packets=%" PRIu64 " tx_bytes=%" PRIu64
			" multicast=%" PRIu64 " drops=%" PRIu64,
			port_name(sw, p), c.rx_packets, c.rx_bytes,
			c.tx_packets, c.tx_bytes, c.multicast,
			mvt_stats_drops_total(&c));
		for (r = 1; r < MVT_DROP_MAX; r++)
			if (c.drops[r] != 0)
				fprintf(f, " %s=%" PRIu64, mvt_drop_name(r),
					c.drops[r]);
		fputc('\n', f);
	}
	for (w = 0; w < sw->nb_workers; w++) {
		st = sw->stats[w];
		fprintf(f, "lcore %u: packets=%" PRIu64 " busy_cycles=%" PRIu64
			" idle_cycles=%" PRIu64 " busy_cycles_per_packet=%" PRIu64
			" no_mbuf=%" PRIu64 "\n", mvt_worker_lcore(sw->workers[w]),
			st->packets, st->busy_cycles, st->idle_cycles,
			st->packets ? st->busy_cycles / st->packets : 0,
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
		mvt_port_abandon(&sw->ports[id]);
}

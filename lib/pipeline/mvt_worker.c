/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_prefetch.h>
#include <rte_vhost.h>

#include "mvt_policy.h"
#include "mvt_pool.h"
#include "mvt_worker.h"

#define PREFETCH_OFFSET 4

struct mvt_worker *
mvt_worker_create(struct mvt_dp *dp, uint16_t index, unsigned int lcore_id,
	struct mvt_lcore_stats *stats)
{
	struct mvt_worker *w;

	w = rte_zmalloc_socket("mvt_worker", sizeof(*w), RTE_CACHE_LINE_SIZE,
		rte_lcore_to_socket_id(lcore_id));
	if (w == NULL)
		return NULL;
	w->dp = dp;
	w->stats = stats;
	w->lcore_id = lcore_id;
	w->index = index;
	w->lower_rxq = index < dp->lower->nb_rxq ? index :
		RTE_MAX_QUEUES_PER_PORT;
	w->lower_txq = index % dp->lower->nb_txq;
	w->lower_txq_shared = dp->nb_workers > dp->lower->nb_txq;
	w->host_rxq = RTE_MAX_QUEUES_PER_PORT;
	if (dp->host != NULL) {
		if (index < dp->host->nb_rxq)
			w->host_rxq = index;
		w->host_txq = index % dp->host->nb_txq;
		w->host_txq_shared = dp->nb_workers > dp->host->nb_txq;
	}
	return w;
}

struct mvt_poll_list *
mvt_poll_list_alloc(unsigned int max)
{
	return rte_zmalloc("mvt_polls", sizeof(struct mvt_poll_list) +
		max * sizeof(struct mvt_poll), RTE_CACHE_LINE_SIZE);
}

struct mvt_poll_list *
mvt_worker_set_polls(struct mvt_worker *w, struct mvt_poll_list *pl)
{
	/*
	 * A generation, not the address, tells the worker the list changed:
	 * a new list may be allocated where a freed one was.
	 */
	if (++w->polls_gen == 0)
		w->polls_gen = 1;
	if (pl != NULL)
		pl->gen = w->polls_gen;
	return __atomic_exchange_n(&w->polls, pl, __ATOMIC_ACQ_REL);
}

void
mvt_worker_free(struct mvt_worker *w)
{
	if (w == NULL)
		return;
	rte_free(w->polls);
	rte_free(w);
}

static inline struct mvt_port_counters *
port_ctr(struct mvt_worker *w, uint16_t ingress)
{
	if (ingress == MVT_INGRESS_LOWER)
		return &w->stats->port[MVT_PORT_LOWER];
	if (ingress == MVT_INGRESS_HOST)
		return &w->stats->port[MVT_PORT_HOST];
	return &w->stats->port[ingress];
}

static inline uint64_t
bytes_of(struct rte_mbuf **pkts, uint16_t n)
{
	uint64_t b = 0;
	uint16_t i;

	for (i = 0; i < n; i++)
		b += rte_pktmbuf_pkt_len(pkts[i]);
	return b;
}

/* Send an output buffer on an ethdev port (the lower or the host port). */
static void
flush_eth(struct mvt_worker *w, struct mvt_lower *l, uint16_t txq,
	uint16_t shared, struct mvt_outbuf *b, struct mvt_port_counters *c)
{
	uint64_t bytes;
	uint16_t sent;

	/* read the lengths first: once sent, the mbufs belong to the PMD */
	bytes = bytes_of(b->pkts, b->n);
	if (shared)
		rte_spinlock_lock(&l->txq_lock[txq]);
	sent = rte_eth_tx_burst(l->port_id, txq, b->pkts, b->n);
	if (shared)
		rte_spinlock_unlock(&l->txq_lock[txq]);
	if (unlikely(sent < b->n)) {
		bytes -= bytes_of(&b->pkts[sent], b->n - sent);
		mvt_ctr_add(&c->drops[MVT_DROP_TX_FULL], b->n - sent);
		rte_pktmbuf_free_bulk(&b->pkts[sent], b->n - sent);
	}
	mvt_ctr_add(&c->tx_packets, sent);
	mvt_ctr_add(&c->tx_bytes, bytes);
	b->n = 0;
	RTE_SET_USED(w);
}

static inline void
flush_lower(struct mvt_worker *w)
{
	flush_eth(w, w->dp->lower, w->lower_txq, w->lower_txq_shared,
		&w->lower_out, &w->stats->port[MVT_PORT_LOWER]);
}

static inline void
flush_host(struct mvt_worker *w)
{
	flush_eth(w, w->dp->host, w->host_txq, w->host_txq_shared,
		&w->host_out, &w->stats->port[MVT_PORT_HOST]);
}

static void
flush_ep(struct mvt_worker *w, uint16_t id)
{
	struct mvt_outbuf *b = &w->ep_out[id];
	struct mvt_port_counters *c = &w->stats->port[id];
	struct mvt_vhost *v = &w->dp->vhost[id];
	uint16_t sent = 0, qp, nb_qp;
	int vid;

	if (unlikely(v->is_tap)) {
		/* a kernel interface: one TX queue, shared by the workers */
		flush_eth(w, &v->tap, 0, w->dp->nb_workers > 1, b, c);
		return;
	}
	if (likely(mvt_vhost_ready(v))) {
		vid = __atomic_load_n(&v->vid, __ATOMIC_RELAXED);
		nb_qp = RTE_MIN(v->nb_qp, v->queues);
		qp = nb_qp > 1 ? w->index % nb_qp : 0;
		if (unlikely(!mvt_vhost_vring_on(v, 2 * qp)))
			qp = 0;
		if (likely(mvt_vhost_vring_on(v, 2 * qp))) {
			sent = rte_vhost_enqueue_burst(vid, 2 * qp, b->pkts,
				b->n);
			mvt_ctr_add(&c->tx_packets, sent);
			mvt_ctr_add(&c->tx_bytes, bytes_of(b->pkts, sent));
			if (unlikely(sent < b->n))
				mvt_ctr_add(&c->drops[MVT_DROP_RING_FULL],
					b->n - sent);
		} else {
			mvt_ctr_add(&c->drops[MVT_DROP_NOT_READY], b->n);
		}
	} else {
		mvt_ctr_add(&c->drops[MVT_DROP_NOT_READY], b->n);
	}
	/* enqueue copied the frames: every copy is ours to free */
	rte_pktmbuf_free_bulk(b->pkts, b->n);
	b->n = 0;
}

static inline void
emit_ep(struct mvt_worker *w, uint16_t id, struct rte_mbuf *m)
{
	struct mvt_outbuf *b = &w->ep_out[id];

	if (unlikely(b->n == MVT_OUTBUF))
		flush_ep(w, id);
	if (!b->dirty) {
		b->dirty = 1;
		w->dirty[w->n_dirty++] = id;
	}
	b->pkts[b->n++] = m;
}

static inline void
emit_lower(struct mvt_worker *w, struct rte_mbuf *m)
{
	struct mvt_outbuf *b = &w->lower_out;

	if (unlikely(b->n == MVT_OUTBUF))
		flush_lower(w);
	b->pkts[b->n++] = m;
}

static inline void
emit_host(struct mvt_worker *w, struct rte_mbuf *m)
{
	struct mvt_outbuf *b = &w->host_out;

	if (unlikely(b->n == MVT_OUTBUF))
		flush_host(w);
	b->pkts[b->n++] = m;
}

static void
flush_all(struct mvt_worker *w)
{
	uint16_t i;

	if (w->lower_out.n > 0)
		flush_lower(w);
	if (w->host_out.n > 0)
		flush_host(w);
	for (i = 0; i < w->n_dirty; i++) {
		flush_ep(w, w->dirty[i]);
		w->ep_out[w->dirty[i]].dirty = 0;
	}
	w->n_dirty = 0;
}

/* How many endpoints the flood of @p v reaches. */
static inline uint16_t
flood_count(const struct mvt_ep_table *t, const struct mvt_verdict *v,
	uint64_t dst)
{
	uint16_t id, n = 0;

	for (id = 0; id < t->n_eps; id++)
		n += mvt_flood_reaches(t, v, dst, id);
	return n;
}

/* One copy to each endpoint the flood of @p v reaches. */
static inline void
emit_flood(struct mvt_worker *w, const struct mvt_ep_table *t,
	struct rte_mbuf *m, uint64_t dst, const struct mvt_verdict *v)
{
	uint16_t id;

	for (id = 0; id < t->n_eps; id++) {
		if (mvt_flood_reaches(t, v, dst, id)) {
			mvt_ctr_add(&w->stats->port[id].multicast, 1);
			emit_ep(w, id, m);
		}
	}
}

/* Give a frame @p copies references, on every segment. */
static inline void
mbuf_set_copies(struct rte_mbuf *m, uint16_t copies)
{
	struct rte_mbuf *s;

	for (s = m; s != NULL; s = s->next)
		rte_mbuf_refcnt_update(s, (int16_t)(copies - 1));
}

/*
 * Deliver one frame as its verdict says. A frame that reaches nobody is
 * charged to the ingress port, with the engine's reason or no_dest.
 */
static inline uint32_t
bcq_used(const struct mvt_worker *w)
{
	return w->bcq_tail - w->bcq_head;
}

static inline void
dispatch(struct mvt_worker *w, const struct mvt_ep_table *t,
	uint16_t ingress, struct mvt_port_counters *in, struct rte_mbuf *m,
	const struct mvt_cls *c, const struct mvt_verdict *v)
{
	const struct mvt_mac_entry *sc = v->src_copies;
	int host = (v->flags & MVT_V_HOST) && w->dp->host != NULL;
	struct mvt_verdict fv;
	uint16_t copies, i;
	int queue = 0, flood = 0, lost = 0;
	uint8_t qmask;

	if (unlikely(v->drop != MVT_DROP_NONE)) {
		mvt_ctr_add(&in->drops[v->drop], 1);
		rte_pktmbuf_free(m);
		return;
	}
	/* the common case: one unicast destination */
	if (likely(sc == NULL && v->flood == 0)) {
		if (v->target != MVT_EP_NONE && !(v->flags & MVT_V_WIRE)) {
			emit_ep(w, v->target, m);
			return;
		}
		if (v->target == MVT_EP_NONE &&
				(v->flags & (MVT_V_WIRE | MVT_V_HOST)) ==
				MVT_V_WIRE) {
			emit_lower(w, m);
			return;
		}
	}

	copies = ((v->flags & MVT_V_WIRE) ? 1 : 0) + host;
	if (v->target != MVT_EP_NONE)
		copies++;
	if (sc != NULL)
		for (i = 0; i < sc->n_listers; i++)
			copies += t->ep[sc->listers[i]].up;
	/*
	 * The flood of a group frame from the wire, and the part of a flood
	 * that only the relay's reflected copy brings, waits in the
	 * broadcast queue, unless few enough endpoints joined its group
	 * (bc_cutoff); the source copies, the host's copy and the sender's
	 * own bridge flood go now, as in Linux. A full queue loses the
	 * queued part only. A flood that reaches nobody now is not queued.
	 */
	fv = *v;
	qmask = ingress == MVT_INGRESS_LOWER ? v->flood : v->rflood;
	if (qmask != 0 && mvt_decide_bc_queued(t, c->dst)) {
		fv.flood = qmask;
		if (flood_count(t, &fv, c->dst) > 0) {
			if (bcq_used(w) < w->dp->bcqueuelen) {
				queue = 1;
				copies++;
			} else {
				mvt_ctr_add(&in->drops[MVT_DROP_BCAST_QUEUE],
					1);
				lost = 1;
			}
		}
		fv.flood = v->flood & ~qmask;
	}
	if (fv.flood != 0) {
		i = flood_count(t, &fv, c->dst);
		flood = i > 0;
		copies += i;
	}
	if (copies == 0) {
		/* for the host, and there is no host port */
		if (!lost)
			mvt_ctr_add(&in->drops[MVT_DROP_NO_DEST], 1);
		rte_pktmbuf_free(m);
		return;
	}
	if (copies > 1)
		mbuf_set_copies(m, copies);
	if (v->flags & MVT_V_WIRE)
		emit_lower(w, m);
	if (host)
		emit_host(w, m);
	if (v->target != MVT_EP_NONE)
		emit_ep(w, v->target, m);
	if (sc != NULL)
		for (i = 0; i < sc->n_listers; i++)
			if (t->ep[sc->listers[i]].up)
				emit_ep(w, sc->listers[i], m);
	if (queue) {
		w->bcq_skip[w->bcq_tail % MVT_BCQ_MAX] = fv.flood;
		w->bcq[w->bcq_tail++ % MVT_BCQ_MAX] = m;
	}
	if (flood)
		emit_flood(w, t, m, c->dst, &fv);
}

/*
 * Fan out up to MVT_BCAST_BUDGET queued group frames. Each is decided
 * again with the current table, as Linux's broadcast work uses the modes
 * as of processing time; only its flood is delivered now.
 */
static uint16_t
bcq_drain(struct mvt_worker *w, const struct mvt_ep_table *t)
{
	const struct mvt_mac_entry *ents[2];
	struct mvt_verdict v;
	struct mvt_cls c;
	uint64_t keys[2];
	struct rte_mbuf *m;
	const uint8_t *p;
	uint16_t n = 0, copies, et;
	uint8_t skip;

	while (bcq_used(w) > 0 && n < MVT_BCAST_BUDGET) {
		skip = w->bcq_skip[w->bcq_head % MVT_BCQ_MAX];
		m = w->bcq[w->bcq_head++ % MVT_BCQ_MAX];
		n++;
		p = rte_pktmbuf_mtod(m, const uint8_t *);
		keys[0] = c.dst = mvt_mac_load(p);
		keys[1] = c.src = mvt_mac_load(p + 6);
		memcpy(&et, p + 12, sizeof(et));
		c.ethertype = rte_be_to_cpu_16(et);
		mvt_mactable_lookup_bulk(w->dp->mt, keys, 2, ents);
		c.dst_e = ents[0];
		c.src_e = ents[1];
		mvt_decide(t, MVT_INGRESS_LOWER, &c, &v);
		v.flood &= ~skip;
		copies = v.flood != 0 ? flood_count(t, &v, c.dst) : 0;
		if (copies == 0) {
			/* its receivers went down while it waited */
			mvt_ctr_add(&w->stats->port[MVT_PORT_LOWER].drops[
				MVT_DROP_EP_DOWN], 1);
			rte_pktmbuf_free(m);
			continue;
		}
		if (copies > 1)
			mbuf_set_copies(m, copies);
		emit_flood(w, t, m, c.dst, &v);
	}
	if (n > 0)
		flush_all(w);
	return n;
}

/*
 * Meter the frames of a burst that meet a policy in direction @p dir
 * (pol[i], NULL for none) and are not dropped yet, run by run: a run is
 * the frames, in order, that meet the same policy with no other policy's
 * frame between them. A frame the policy drops gets its reason.
 */
static inline void
policy_pass(struct mvt_worker *w, unsigned int dir,
	struct mvt_policy *const *pol, const uint32_t *len,
	struct mvt_verdict *v, uint16_t n, uint64_t now)
{
	uint32_t run_len[MVT_BURST];
	uint16_t run_idx[MVT_BURST];
	uint8_t drop[MVT_BURST];
	struct mvt_policy *p;
	uint16_t i = 0, j, k;

	while (i < n) {
		if (pol[i] == NULL || v[i].drop != MVT_DROP_NONE) {
			i++;
			continue;
		}
		p = pol[i];
		for (k = 0, j = i; j < n; j++) {
			if (pol[j] == NULL || v[j].drop != MVT_DROP_NONE)
				continue;
			if (pol[j] != p)
				break;
			run_idx[k] = j;
			run_len[k++] = len[j];
		}
		mvt_policy_check_run(p, dir, run_len, k, now, w->index, drop);
		while (k-- > 0)
			v[run_idx[k]].drop = drop[k];
		i = j;
	}
}

/*
 * The policy stage: classification decided where each frame may go; here
 * is decided whether it may. A frame from a spoofchk endpoint must carry
 * its MAC; then the sender's "out" policy and the destination's "in"
 * policy meter it (one TSC read per burst). A frame one of them drops is
 * marked with its reason and metered no further, so it is counted once.
 */
static inline void
policy_stage(struct mvt_worker *w, const struct mvt_ep_table *t,
	uint16_t ingress, struct rte_mbuf **pkts, const struct mvt_cls *c,
	struct mvt_verdict *v, uint16_t n)
{
	struct mvt_policy *pol[MVT_POLICY_DIRS][MVT_BURST];
	unsigned int has[MVT_POLICY_DIRS] = { 0, 0 };
	uint32_t len[MVT_BURST];
	uint64_t now;
	uint16_t i;

	/*
	 * A guest that may only be itself may not act on the link either:
	 * PAUSE or another link-local control frame would stall or
	 * reconfigure the uplink that every guest shares.
	 */
	if (ingress < MVT_MAX_ENDPOINTS && t->ep[ingress].spoofchk)
		for (i = 0; i < n; i++) {
			if (v[i].drop != MVT_DROP_NONE)
				continue;
			if (c[i].src != t->ep[ingress].mac)
				v[i].drop = MVT_DROP_SPOOF;
			else if (mvt_mac_is_link_local(c[i].dst) ||
					c[i].ethertype == MVT_ETHERTYPE_PAUSE)
				v[i].drop = MVT_DROP_LINK_LOCAL;
		}
	if (!t->has_policies)
		return;
	for (i = 0; i < n; i++) {
		pol[MVT_POLICY_DIR_OUT][i] = c[i].src_e != NULL ?
			c[i].src_e->policy[MVT_POLICY_DIR_OUT] : NULL;
		pol[MVT_POLICY_DIR_IN][i] = c[i].dst_e != NULL ?
			c[i].dst_e->policy[MVT_POLICY_DIR_IN] : NULL;
		has[MVT_POLICY_DIR_OUT] |= pol[MVT_POLICY_DIR_OUT][i] != NULL;
		has[MVT_POLICY_DIR_IN] |= pol[MVT_POLICY_DIR_IN][i] != NULL;
	}
	if (likely((has[MVT_POLICY_DIR_OUT] | has[MVT_POLICY_DIR_IN]) == 0))
		return;
	for (i = 0; i < n; i++)
		len[i] = rte_pktmbuf_pkt_len(pkts[i]);
	now = rte_rdtsc();
	/* the sender's budget first: what it may not send meets no other */
	if (has[MVT_POLICY_DIR_OUT])
		policy_pass(w, MVT_POLICY_DIR_OUT, pol[MVT_POLICY_DIR_OUT], len,
			v, n, now);
	if (has[MVT_POLICY_DIR_IN])
		policy_pass(w, MVT_POLICY_DIR_IN, pol[MVT_POLICY_DIR_IN], len,
			v, n, now);
}

/*
 * Classification: the MAC table entry of each frame's destination, and of
 * its source where the engine or the policy stage reads it. Frames of a
 * burst mostly share their addresses (one sender, a few flows), so a key
 * equal to the previous frame's takes that frame's slot, and the distinct
 * ones go into one bulk lookup.
 */
static inline void
classify(struct mvt_worker *w, const struct mvt_ep_table *t,
	struct mvt_cls *c, uint16_t n)
{
	const struct mvt_mac_entry *ents[2 * MVT_BURST];
	uint64_t keys[2 * MVT_BURST];
	uint8_t dslot[MVT_BURST], sslot[MVT_BURST];
	uint64_t last_dst = UINT64_MAX, last_src = UINT64_MAX;
	uint8_t nk = 0, ld = 0, ls = 0;
	uint16_t i;

	RTE_BUILD_BUG_ON(2 * MVT_BURST > MVT_MACTABLE_BULK_MAX);
	for (i = 0; i < n; i++) {
		/* MAC keys have 48 bits: UINT64_MAX matches none */
		if (c[i].dst != last_dst) {
			last_dst = c[i].dst;
			ld = nk;
			keys[nk++] = last_dst;
		}
		dslot[i] = ld;
		if (!mvt_decide_needs_src(t, c[i].dst)) {
			sslot[i] = UINT8_MAX;
			continue;
		}
		if (c[i].src != last_src) {
			last_src = c[i].src;
			ls = nk;
			keys[nk++] = last_src;
		}
		sslot[i] = ls;
	}
	mvt_mactable_lookup_bulk(w->dp->mt, keys, nk, ents);
	for (i = 0; i < n; i++) {
		c[i].dst_e = ents[dslot[i]];
		c[i].src_e = sslot[i] == UINT8_MAX ? NULL : ents[sslot[i]];
	}
}

void
mvt_worker_process(struct mvt_worker *w, const struct mvt_ep_table *t,
	uint16_t ingress, struct rte_mbuf **pkts, uint16_t n)
{
	struct mvt_port_counters *in = port_ctr(w, ingress);
	struct mvt_verdict v[MVT_BURST];
	struct mvt_cls cls[MVT_BURST];
	uint16_t i, k = 0, et;
	const uint8_t *p;
	struct rte_mbuf *m;

	mvt_ctr_add(&in->rx_packets, n);
	mvt_ctr_add(&in->rx_bytes, bytes_of(pkts, n));
	mvt_ctr_add(&w->stats->packets, n);

	/* parse: drop runts, load both MACs, compact survivors */
	for (i = 0; i < n && i < PREFETCH_OFFSET; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (i = 0; i < n; i++) {
		if (i + PREFETCH_OFFSET < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + PREFETCH_OFFSET],
				void *));
		m = pkts[i];
		if (unlikely(rte_pktmbuf_data_len(m) < MVT_ETH_HLEN)) {
			mvt_ctr_add(&in->drops[MVT_DROP_MALFORMED], 1);
			rte_pktmbuf_free(m);
			continue;
		}
		if (unlikely(rte_pktmbuf_pkt_len(m) > MVT_FRAME_MAX)) {
			mvt_ctr_add(&in->drops[MVT_DROP_OVERSIZE], 1);
			rte_pktmbuf_free(m);
			continue;
		}
		p = rte_pktmbuf_mtod(m, const uint8_t *);
		cls[k].dst = mvt_mac_load(p);
		cls[k].src = mvt_mac_load(p + 6);
		memcpy(&et, p + 12, sizeof(et));
		cls[k].ethertype = rte_be_to_cpu_16(et);
		pkts[k++] = m;
	}
	n = k;
	if (n == 0)
		return;

	classify(w, t, cls, n);

	mvt_decide_burst(t, ingress, cls, n, v);

	policy_stage(w, t, ingress, pkts, cls, v, n);

	/* the reflective relay comes after the policy stage, as on a switch */
	if (w->dp->hairpin && ingress != MVT_INGRESS_LOWER)
		for (i = 0; i < n; i++)
			mvt_decide_reflect(t, &cls[i], &v[i]);

	for (i = 0; i < n; i++)
		dispatch(w, t, ingress, in, pkts[i], &cls[i], &v[i]);
	flush_all(w);
}

/* Poll entry @p po of the list once and run the pipeline on what came. */
static inline uint16_t
poll_one(struct mvt_worker *w, const struct mvt_ep_table *t,
	const struct mvt_poll *po)
{
	struct mvt_vhost *v = &w->dp->vhost[po->ep];
	struct rte_mbuf *pkts[MVT_BURST];
	uint64_t discarded = 0;
	uint16_t n;

	if (!mvt_vhost_ready(v) || !mvt_vhost_vring_on(v, 2 * po->qp + 1))
		return 0;
	if (unlikely(v->is_tap))
		n = rte_eth_rx_burst(v->tap.port_id, 0, pkts, MVT_BURST);
	else
		n = mvt_vhost_rx_burst(v, po->qp, w->dp->mp, pkts, MVT_BURST,
			&discarded);
	if (unlikely(discarded > 0)) {
		/* received and dropped: the port's books still balance */
		mvt_ctr_add(&w->stats->port[po->ep].rx_packets, discarded);
		mvt_ctr_add(&w->stats->port[po->ep].drops[MVT_DROP_OVERSIZE],
			discarded);
	}
	if (n > 0)
		mvt_worker_process(w, t, po->ep, pkts, n);
	return n;
}

/*
 * After an iteration of little work, sleep: 1 us, then twice as long after
 * each such iteration up to dp->max_sleep_us; an iteration with work starts
 * over. Asleep the worker is offline for RCU, so that no writer waits for
 * it. The sleep's cycles count as neither busy nor idle.
 */
static inline uint64_t
idle_sleep(struct mvt_worker *w, uint64_t moved, uint64_t now)
{
	uint32_t max = __atomic_load_n(&w->dp->max_sleep_us, __ATOMIC_RELAXED);
	struct timespec ts;
	uint64_t t;

	if (likely(max == 0 || moved >= MVT_SLEEP_BELOW)) {
		w->sleep_us = 0;
		return now;
	}
	w->sleep_us = w->sleep_us == 0 ? 1 : RTE_MIN(2 * w->sleep_us, max);
	ts.tv_sec = 0;
	ts.tv_nsec = (long)w->sleep_us * 1000;
	rte_rcu_qsbr_thread_offline(w->dp->qsbr, w->lcore_id);
	nanosleep(&ts, NULL);
	rte_rcu_qsbr_thread_online(w->dp->qsbr, w->lcore_id);
	t = rte_rdtsc();
	mvt_ctr_add(&w->stats->sleep_cycles, t - now);
	mvt_ctr_add(&w->stats->sleeps, 1);
	return t;
}

/*
 * The worker loop. Each iteration polls the lower RX queue this worker
 * owns and the endpoint queue pairs of its poll list that mvt_pollsched.h
 * picks (the busy ones, and some idle ones), one burst each, runs
 * the pipeline on what arrived, then reports a quiescent state: between
 * iterations the worker holds no reference to a MAC table entry, a table
 * snapshot, a poll list or a vhost device, which is what writers and
 * destroy_device wait for. Busy and idle cycles are counted per iteration.
 */
int
mvt_worker_main(void *arg)
{
	struct mvt_worker *w = arg;
	struct mvt_dp *dp = w->dp;
	struct mvt_lcore_stats *st = w->stats;
	struct rte_mbuf *pkts[MVT_BURST];
	struct mvt_sched *s = &w->sched;
	const struct mvt_poll_list *pl;
	const struct mvt_ep_table *t;
	uint64_t t0, t1, moved;
	uint16_t j, k, n;

	mvt_pool_count_failures(&st->no_mbuf);
	/* sleeps of a few microseconds, not the default 50 us of slack */
	prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
	rte_rcu_qsbr_thread_register(dp->qsbr, w->lcore_id);
	rte_rcu_qsbr_thread_online(dp->qsbr, w->lcore_id);
	t0 = rte_rdtsc();
	while (!__atomic_load_n(&dp->quit, __ATOMIC_RELAXED)) {
		moved = 0;
		t = __atomic_load_n(&dp->tbl, __ATOMIC_ACQUIRE);
		pl = __atomic_load_n(&w->polls, __ATOMIC_ACQUIRE);
		if (w->lower_rxq != RTE_MAX_QUEUES_PER_PORT) {
			n = rte_eth_rx_burst(dp->lower->port_id, w->lower_rxq,
				pkts, MVT_BURST);
			if (n > 0) {
				mvt_worker_process(w, t, MVT_INGRESS_LOWER, pkts,
					n);
				moved += n;
			}
		}
		if (w->host_rxq != RTE_MAX_QUEUES_PER_PORT) {
			n = rte_eth_rx_burst(dp->host->port_id, w->host_rxq,
				pkts, MVT_BURST);
			if (n > 0) {
				mvt_worker_process(w, t, MVT_INGRESS_HOST, pkts,
					n);
				moved += n;
			}
		}
		if (unlikely(s->gen != (pl != NULL ? pl->gen : 0)))
			mvt_sched_reset(s, pl != NULL ? pl->gen : 0,
				pl != NULL ? pl->n : 0);
		for (j = 0; j < s->n_busy; ) {
			n = poll_one(w, t, &pl->p[s->busy[j]]);
			moved += n;
			j = mvt_sched_busy_done(s, j, n);
		}
		for (k = mvt_sched_idle_budget(s);
				k > 0 && s->n_idle > 0; k--) {
			n = poll_one(w, t, &pl->p[mvt_sched_idle_next(s)]);
			moved += n;
			mvt_sched_idle_done(s, n);
		}
		if (bcq_used(w) > 0)
			moved += bcq_drain(w, t);
		rte_rcu_qsbr_quiescent(dp->qsbr, w->lcore_id);
		t1 = rte_rdtsc();
		if (moved > 0)
			mvt_ctr_add(&st->busy_cycles, t1 - t0);
		else
			mvt_ctr_add(&st->idle_cycles, t1 - t0);
		mvt_ctr_add(&st->loops, 1);
		t0 = idle_sleep(w, moved, t1);
	}
	/* what still waits for its flood is dropped, and said so */
	while (bcq_used(w) > 0) {
		rte_pktmbuf_free(w->bcq[w->bcq_head++ % MVT_BCQ_MAX]);
		mvt_ctr_add(&st->port[MVT_PORT_LOWER].drops[MVT_DROP_BCAST_QUEUE],
			1);
	}
	rte_rcu_qsbr_thread_offline(dp->qsbr, w->lcore_id);
	rte_rcu_qsbr_thread_unregister(dp->qsbr, w->lcore_id);
	mvt_pool_count_failures(NULL);
	return 0;
}

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#include <errno.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_prefetch.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "mvt_capture.h"
#include "mvt_dispatch.h"
#include "mvt_offload.h"
#include "mvt_policy_stage.h"
#include "mvt_pool.h"
#include "mvt_sleep.h"
#include "mvt_vcache.h"
#include "mvt_worker.h"

#define PREFETCH_OFFSET 4

struct mvt_worker {
	struct mvt_dp *dp;
	struct mvt_lcore_stats *stats;
	unsigned int lcore_id;
	uint16_t index;			/**< 0 .. nb_workers - 1 */
	uint16_t lower_rxq;		/**< RTE_MAX_QUEUES_PER_PORT: none */
	uint16_t host_rxq;		/**< RTE_MAX_QUEUES_PER_PORT: none */
	struct mvt_poll_list *polls;	/**< RCU-published */
	uint32_t polls_gen;		/**< generation of the last one set */
	struct mvt_sched sched;		/**< which of polls are busy */
	/* the segments this lcore runs, segs[0] itself (lead only) */
	uint16_t n_segs;
	struct mvt_worker *segs[MVT_LOWERS_MAX];
	/*
	 * VLAN lowers of the device it receives for: frames of vlan_vid[i]
	 * go to vlan_w[i]'s segment, untagged ones to untagged_w (NULL:
	 * dropped). n_vlans 0: no demux, the frames are this segment's.
	 */
	uint16_t n_vlans;
	uint16_t vlan_vid[MVT_LOWERS_MAX];
	struct mvt_worker *vlan_w[MVT_LOWERS_MAX];
	struct mvt_worker *untagged_w;
	struct mvt_dispatch out;
	struct mvt_vcache vcache;	/**< this segment's verdicts */
	struct mvt_sleep sleep;		/**< lead only: its idle sleeps */
};

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
	w->lower_rxq = index < mvt_port_nb_rxq(dp->lower) ? index :
		RTE_MAX_QUEUES_PER_PORT;
	w->host_rxq = dp->host != NULL && index < mvt_port_nb_rxq(dp->host) ?
		index : RTE_MAX_QUEUES_PER_PORT;
	mvt_dispatch_init(&w->out, dp, index, stats);
	w->n_segs = 1;
	w->segs[0] = w;
	mvt_sleep_init(&w->sleep);
	return w;
}

int
mvt_worker_add_segment(struct mvt_worker *lead, struct mvt_worker *w)
{
	if (lead->n_segs >= MVT_LOWERS_MAX)
		return -ENOSPC;
	/* the same index on every lcore: what a hand-over names */
	w->out.seg = (uint8_t)lead->n_segs;
	lead->segs[lead->n_segs++] = w;
	return 0;
}

int
mvt_worker_add_vlan(struct mvt_worker *rx, uint16_t vid, struct mvt_worker *w)
{
	if (vid == 0) {
		rx->untagged_w = w;
		return 0;
	}
	if (rx->n_vlans >= MVT_LOWERS_MAX)
		return -ENOSPC;
	rx->vlan_vid[rx->n_vlans] = vid;
	rx->vlan_w[rx->n_vlans++] = w;
	return 0;
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

unsigned int
mvt_worker_lcore(const struct mvt_worker *w)
{
	return w->lcore_id;
}

void
mvt_worker_get_info(const struct mvt_worker *w, struct mvt_worker_info *info)
{
	info->lcore_id = w->lcore_id;
	info->lower_rxq = w->lower_rxq;
	info->queues_busy = __atomic_load_n(&w->sched.n_busy,
		__ATOMIC_RELAXED);
	info->queues_idle = __atomic_load_n(&w->sched.n_idle,
		__ATOMIC_RELAXED);
	info->bcast_queued = mvt_dispatch_bcq_used(&w->out);
	info->handoff_queued = mvt_dp_handoff_queued(w->dp, w->index);
	info->polls = w->polls;
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

static inline struct mvt_port *
ingress_port(struct mvt_worker *w, uint16_t ingress)
{
	if (ingress == MVT_INGRESS_LOWER)
		return w->dp->lower;
	if (ingress == MVT_INGRESS_HOST)
		return w->dp->host;
	return &w->dp->ports[ingress];
}

/*
 * A frame that asks for offloads: its request checked against its headers
 * and put in transmit form (mvt_offload_prepare()), or the reason to drop
 * it. @p *len becomes what must fit the port's frame size: a super-frame's
 * largest segment.
 */
static __rte_noinline enum mvt_drop_reason
parse_offload(struct mvt_worker *w, struct mvt_port_counters *in,
	struct rte_mbuf *m, uint32_t *len)
{
	enum mvt_drop_reason why;

	why = mvt_offload_prepare_slow(w->dp->offload, m);
	if (why != MVT_DROP_NONE)
		return why;
	mvt_ctr_add(&in->offload_rx, 1);
	if (m->ol_flags & RTE_MBUF_F_TX_TCP_SEG)
		*len = (uint32_t)m->l2_len + m->l3_len + m->l4_len +
			m->tso_segsz;
	return MVT_DROP_NONE;
}

/*
 * The parse stage: drop runts, frames with a bad offload request and
 * frames longer than the ingress port takes (for a super-frame: segments
 * longer), load both MACs and the EtherType, and compact the survivors.
 * Counts what was received, dropped frames included. @return survivors.
 */
static inline uint16_t
parse(struct mvt_worker *w, uint16_t ingress, struct mvt_port_counters *in,
	struct rte_mbuf **pkts, uint16_t n, struct mvt_cls *cls)
{
	uint32_t max_frame = ingress_port(w, ingress)->caps.max_frame;
	enum mvt_drop_reason why;
	uint64_t bytes = 0;
	uint16_t i, k = 0, et;
	const uint8_t *p;
	struct rte_mbuf *m;
	uint32_t len;

	for (i = 0; i < n && i < PREFETCH_OFFSET; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (i = 0; i < n; i++) {
		if (i + PREFETCH_OFFSET < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + PREFETCH_OFFSET],
				void *));
		m = pkts[i];
		bytes += rte_pktmbuf_pkt_len(m);
		if (unlikely(rte_pktmbuf_data_len(m) < MVT_ETH_HLEN)) {
			mvt_ctr_add(&in->drops[MVT_DROP_MALFORMED], 1);
			rte_pktmbuf_free(m);
			continue;
		}
		len = rte_pktmbuf_pkt_len(m);
		if (unlikely(mvt_offload_requested(m))) {
			why = parse_offload(w, in, m, &len);
			if (why != MVT_DROP_NONE) {
				mvt_ctr_add(&in->drops[why], 1);
				rte_pktmbuf_free(m);
				continue;
			}
		}
		if (unlikely(len > max_frame)) {
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
	mvt_ctr_add(&in->rx_packets, n);
	mvt_ctr_add(&in->rx_bytes, bytes);
	mvt_ctr_add(&w->stats->packets, n);
	return k;
}

/*
 * The classify and decide stages on the @p n parsed frames of a burst;
 * or, where the verdict cache serves and has the verdict of every frame
 * (mvt_vcache.h), the cache: the MAC table entries in @p cls are then not
 * looked up, and no stage after this one reads them.
 */
static inline void
classify_decide(struct mvt_worker *w, const struct mvt_ep_table *t,
	uint16_t ingress, struct mvt_cls *cls, uint16_t n,
	struct mvt_verdict *v)
{
	int cached = mvt_vcache_serves(t, w->dp->hairpin, ingress);

	if (cached) {
		mvt_vcache_sync(&w->vcache, t, mvt_mactable_gen(w->dp->mt));
		if (mvt_vcache_lookup(&w->vcache, ingress, cls, n, v)) {
			mvt_ctr_add(&w->stats->cached_verdicts, n);
			return;
		}
	}
	mvt_mactable_classify(w->dp->mt, cls, n, mvt_decide_needs_all_src(t));
	mvt_decide_burst(t, ingress, cls, n, v);
	if (cached)
		mvt_vcache_fill(&w->vcache, ingress, cls, v, n);
}

/*
 * The pipeline on @p n frames from @p ingress, up to dispatch, which
 * queues them in the output buffers: the caller sends those
 * (mvt_dispatch_flush()). @return whether any frame reached dispatch.
 */
static inline int
pipeline(struct mvt_worker *w, const struct mvt_ep_table *t,
	uint16_t ingress, struct rte_mbuf **pkts, uint16_t n)
{
	struct mvt_port_counters *in = port_ctr(w, ingress);
	struct mvt_verdict v[MVT_BURST];
	struct mvt_cls cls[MVT_BURST];
	uint16_t i;

	n = parse(w, ingress, in, pkts, n, cls);
	if (n == 0)
		return 0;
	classify_decide(w, t, ingress, cls, n, v);
	mvt_policy_stage(t, ingress, w->index, pkts, cls, v, n);
	/* the reflective relay comes after the policy stage, as on a switch */
	if (w->dp->hairpin && ingress != MVT_INGRESS_LOWER)
		for (i = 0; i < n; i++)
			mvt_decide_reflect(t, &cls[i], &v[i]);
	mvt_dispatch_frames(&w->out, t, ingress, in, pkts, cls, v, n);
	return 1;
}

void
mvt_worker_process(struct mvt_worker *w, const struct mvt_ep_table *t,
	uint16_t ingress, struct rte_mbuf **pkts, uint16_t n)
{
	if (pipeline(w, t, ingress, pkts, n))
		mvt_dispatch_flush(&w->out);
}

/*
 * Receive a burst on queue @p q of port @p p, the port of @p ingress.
 * What the port discarded is counted as received and oversize, so that
 * its books still balance; what came is shown to the port's capture and
 * its mirror before any stage may drop it. @return the frames in @p pkts.
 */
static inline uint16_t
rx_port(struct mvt_worker *w, struct mvt_port *p, uint16_t ingress,
	uint16_t q, struct rte_mbuf **pkts)
{
	struct mvt_port_counters *in;
	struct mvt_capture *cap;
	struct mvt_mirror *mir;
	uint64_t discarded = 0;
	uint16_t n;

	n = mvt_port_rx_burst(p, q, w->dp->mp, pkts, MVT_BURST, &discarded);
	if (unlikely(discarded > 0)) {
		in = port_ctr(w, ingress);
		mvt_ctr_add(&in->rx_packets, discarded);
		mvt_ctr_add(&in->drops[MVT_DROP_OVERSIZE], discarded);
	}
	if (n == 0)
		return 0;
	cap = __atomic_load_n(&p->capture, __ATOMIC_ACQUIRE);
	if (unlikely(cap != NULL))
		mvt_capture_burst(cap, w->index, MVT_CAPTURE_IN, pkts, n,
			rte_rdtsc());
	mir = __atomic_load_n(&p->mirror, __ATOMIC_ACQUIRE);
	if (unlikely(mir != NULL) && (mir->dirs & MVT_MIRROR_IN))
		mvt_dispatch_mirror(&w->out, mir, pkts, n);
	return n;
}

/*
 * Poll queue @p q of the port of @p ingress once (an endpoint: its guest
 * TX queue pair) and run the pipeline on what came.
 */
static inline uint16_t
poll_port(struct mvt_worker *w, const struct mvt_ep_table *t,
	uint16_t ingress, uint16_t q)
{
	struct rte_mbuf *pkts[MVT_BURST];
	uint16_t n;

	n = rx_port(w, ingress_port(w, ingress), ingress, q, pkts);
	if (n == 0)
		return 0;
	mvt_worker_process(w, t, ingress, pkts, n);
	/* a burst the pipeline dropped whole is not flushed there */
	if (unlikely(w->out.mirror_dirty != 0))
		mvt_dispatch_flush_mirrors(&w->out);
	return n;
}

/*
 * Poll lower queue @p q: a burst, and more while they come full, up to
 * MVT_LOWER_BURSTS (mvt_worker.h), each through the pipeline; the output
 * buffers are sent once, at the end. A queue that gives less than a full
 * burst is left at once, so a lightly loaded wire is served a burst at a
 * time, as before.
 */
static inline uint16_t
poll_lower(struct mvt_worker *w, const struct mvt_ep_table *t, uint16_t q)
{
	struct rte_mbuf *pkts[MVT_BURST];
	uint16_t k, n, total = 0;

	for (k = 0; k < MVT_LOWER_BURSTS; k++) {
		n = rx_port(w, w->dp->lower, MVT_INGRESS_LOWER, q, pkts);
		if (n == 0)
			break;
		pipeline(w, t, MVT_INGRESS_LOWER, pkts, n);
		total += n;
		if (n < MVT_BURST)
			break;
	}
	/* also what mirrors were given of a burst dropped whole */
	if (total > 0)
		mvt_dispatch_flush(&w->out);
	return total;
}

/*
 * The segment of a frame from a device with VLAN lowers (mvt_vlan.h): the
 * worker of its outer VLAN, its tag popped, or of the untagged lower, or
 * NULL.
 */
static inline struct mvt_worker *
vlan_target(struct mvt_worker *w, struct rte_mbuf *m)
{
	uint16_t vid = mvt_vlan_peek(m), k;

	if (vid != 0) {
		for (k = 0; k < w->n_vlans; k++) {
			if (w->vlan_vid[k] == vid) {
				mvt_vlan_pop(m);
				return w->vlan_w[k];
			}
		}
		/* no lower of that VLAN: the untagged lower's, tag and all */
		mvt_vlan_unstrip(m);
	}
	return w->untagged_w;
}

/*
 * The segments one poll of a device with VLAN lowers ran frames through,
 * each with the table it was given at its first frame, so that all the
 * bursts of the poll see one table per segment.
 */
struct vlan_touched {
	uint16_t n;
	struct mvt_worker *w[MVT_LOWERS_MAX + 1];
	const struct mvt_ep_table *t[MVT_LOWERS_MAX + 1];
};

/*
 * Receive one burst on RX queue @p q of a device with VLAN lowers, split
 * it by segment and run each segment's share through that segment's
 * pipeline, without flushing; the segments are added to @p seen. What no
 * lower takes is counted on this (the device's first) lower as received
 * and dropped as no_lower. @return the frames received.
 */
static inline uint16_t
vlan_burst(struct mvt_worker *w, uint16_t q, struct vlan_touched *seen)
{
	struct rte_mbuf *sub[MVT_LOWERS_MAX + 1][MVT_BURST];
	struct mvt_worker *tw[MVT_LOWERS_MAX + 1], *x;
	struct rte_mbuf *pkts[MVT_BURST];
	struct mvt_port_counters *in;
	uint16_t cnt[MVT_LOWERS_MAX + 1];
	uint16_t n, i, j, k, nt = 0, drop = 0;
	uint64_t bytes = 0;

	n = rx_port(w, w->dp->lower, MVT_INGRESS_LOWER, q, pkts);
	if (n == 0)
		return 0;
	in = port_ctr(w, MVT_INGRESS_LOWER);
	for (i = 0; i < n && i < PREFETCH_OFFSET; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (i = 0; i < n; i++) {
		if (i + PREFETCH_OFFSET < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + PREFETCH_OFFSET],
				void *));
		x = vlan_target(w, pkts[i]);
		if (unlikely(x == NULL)) {
			bytes += rte_pktmbuf_pkt_len(pkts[i]);
			rte_pktmbuf_free(pkts[i]);
			drop++;
			continue;
		}
		for (j = 0; j < nt && tw[j] != x; j++)
			;
		if (j == nt) {
			tw[nt] = x;
			cnt[nt++] = 0;
		}
		sub[j][cnt[j]++] = pkts[i];
	}
	if (unlikely(drop > 0)) {
		mvt_ctr_add(&in->rx_packets, drop);
		mvt_ctr_add(&in->rx_bytes, bytes);
		mvt_ctr_add(&in->drops[MVT_DROP_NO_LOWER], drop);
		mvt_ctr_add(&w->stats->packets, drop);
	}
	for (j = 0; j < nt; j++) {
		x = tw[j];
		for (k = 0; k < seen->n && seen->w[k] != x; k++)
			;
		if (k == seen->n) {
			seen->w[k] = x;
			seen->t[k] = __atomic_load_n(&x->dp->tbl,
				__ATOMIC_ACQUIRE);
			seen->n++;
		}
		/* the usual burst, all of one segment: as it came */
		pipeline(x, seen->t[k], MVT_INGRESS_LOWER,
			nt == 1 && drop == 0 ? pkts : sub[j], cnt[j]);
	}
	return n;
}

/*
 * Poll the RX queue of a device with VLAN lowers as poll_lower() polls a
 * lower of its own: a burst, and more while they come full, up to
 * MVT_LOWER_BURSTS; then the output buffers of every segment the frames
 * went to are sent once.
 */
static __rte_noinline uint16_t
poll_lower_vlan(struct mvt_worker *w, uint16_t q)
{
	struct vlan_touched seen;
	uint16_t k, n, total = 0;

	seen.n = 0;
	for (k = 0; k < MVT_LOWER_BURSTS; k++) {
		n = vlan_burst(w, q, &seen);
		total += n;
		if (n < MVT_BURST)
			break;
	}
	/* also what mirrors were given of a burst dropped whole */
	for (k = 0; k < seen.n; k++)
		mvt_dispatch_flush(&seen.w[k]->out);
	/* the device's mirror, when no frame was this segment's */
	if (unlikely(w->out.mirror_dirty != 0))
		mvt_dispatch_flush_mirrors(&w->out);
	return total;
}

uint16_t
mvt_worker_take_handoffs(struct mvt_worker *w)
{
	struct mvt_handoff e[MVT_OUTBUF];
	const struct mvt_dp *dp = w->dp;
	uint16_t from, n, i, j, k, total = 0;

	for (from = 0; from < dp->nb_workers; from++) {
		if (from == w->index)
			continue;
		for (k = 0; k < MVT_HANDOFF_TAKE / MVT_OUTBUF; k++) {
			n = (uint16_t)rte_ring_sc_dequeue_burst_elem(
				mvt_dp_handoff_ring(dp, from, w->index), e,
				sizeof(e[0]), MVT_OUTBUF, NULL);
			/*
			 * by segment, each counting its own endpoints: every
			 * lcore has the same segments, in the same order
			 */
			for (i = 0; i < n; i = j) {
				for (j = i + 1; j < n && e[j].seg == e[i].seg;
						j++)
					;
				mvt_dispatch_handed(&w->segs[e[i].seg]->out,
					&e[i], j - i);
			}
			total += n;
			if (n < MVT_OUTBUF)
				break;
		}
	}
	return total;
}

/*
 * After one poll: the cycles since the end of the poll before it (*tp) go
 * to poll_busy_cycles when it moved frames, the per-poll count testpmd
 * keeps with --record-core-cycles; one TSC read per poll.
 */
static __rte_always_inline uint16_t
poll_timed(struct mvt_lcore_stats *st, uint64_t *tp, uint16_t n)
{
	uint64_t t = rte_rdtsc();

	if (n > 0)
		mvt_ctr_add(&st->poll_busy_cycles, t - *tp);
	*tp = t;
	return n;
}

/*
 * Call @p fn for every queue the worker polls, with its slot in the sleep
 * set (mvt_sleep.h): with @p lowers its segments' lower and host queues,
 * and the entries of @p pl. @return the OR of what @p fn returned.
 */
static int
for_each_queue(struct mvt_worker *w, const struct mvt_poll_list *pl,
	int lowers, int (*fn)(struct mvt_worker *w, uint32_t slot,
		struct mvt_port *p, uint16_t q, int arg), int arg)
{
	struct mvt_worker *x;
	int ret = 0;
	uint32_t i;
	uint16_t g;

	for (g = 0; lowers && g < w->n_segs; g++) {
		x = w->segs[g];
		if (x->lower_rxq != RTE_MAX_QUEUES_PER_PORT)
			ret |= fn(w, mvt_sleep_slot_lower(g, 0), x->dp->lower,
				x->lower_rxq, arg);
		if (x->host_rxq != RTE_MAX_QUEUES_PER_PORT)
			ret |= fn(w, mvt_sleep_slot_lower(g, 1), x->dp->host,
				x->host_rxq, arg);
	}
	for (i = 0; pl != NULL && i < pl->n; i++)
		ret |= fn(w, i, &w->dp->ports[pl->p[i].ep], pl->p[i].qp, arg);
	return ret;
}

/* One queue's wake-ups (mvt_port_rx_wake()), in slot @p slot of the set. */
static int
arm_queue(struct mvt_worker *w, uint32_t slot, struct mvt_port *p,
	uint16_t q, int on)
{
	uint32_t gen;
	int fd, waiting;

	waiting = mvt_port_rx_wake(p, q, on, &fd, &gen);
	if (on)
		mvt_sleep_watch(&w->sleep, slot, fd, gen);
	return waiting;
}

/*
 * Turn on (@p on) or off the wake-ups of every queue the worker polls: its
 * segments' lower and host queues, and the entries of @p pl; with @p on,
 * the descriptors join the worker's set (a new poll list: a new set).
 * @return with @p on, whether frames wait already (then do not sleep).
 */
static int
sleep_arm(struct mvt_worker *w, const struct mvt_poll_list *pl, int on)
{
	struct mvt_sleep *sl = &w->sleep;
	int waiting;

	if (on && (sl->ep < 0 || sl->polls_gen != (pl != NULL ? pl->gen : 0)))
		mvt_sleep_reset(sl, pl != NULL ? pl->gen : 0);
	waiting = for_each_queue(w, pl, 1, arm_queue, on);
	/* and what other workers hand it, with more than one */
	if (w->dp->handoff != NULL) {
		if (on)
			mvt_sleep_watch(sl, mvt_sleep_slot_handoff(),
				w->dp->handoff_wake[w->index].efd, 0);
		waiting |= mvt_dp_handoff_sleeping(w->dp, w->index, on);
	}
	sl->armed = (uint8_t)on;
	return waiting;
}

/*
 * After MVT_SLEEP_AFTER iterations of little work in a row, sleep: 1 us,
 * then twice as long after each such iteration up to dp->max_sleep_us; an
 * iteration with work starts over. Before the iteration's quiescent state
 * (it reads @p pl and the ports): whether to sleep now, the queues asked
 * to signal arrivals meanwhile (sleep_arm()), so that the first frame ends
 * the sleep; those that cannot (net_null, a NIC without RX interrupts)
 * wait for the timeout. @return the sleep in microseconds, 0: none.
 */
static inline uint32_t
idle_plan(struct mvt_worker *w, const struct mvt_poll_list *pl,
	uint64_t moved)
{
	uint32_t max = __atomic_load_n(&w->dp->max_sleep_us, __ATOMIC_RELAXED);
	struct mvt_sleep *sl = &w->sleep;

	if (likely(max == 0 || moved >= MVT_SLEEP_BELOW)) {
		sl->step_us = 0;
		sl->low_loops = 0;
		/* busy again: no guest need kick, no device interrupt */
		if (unlikely(sl->armed))
			sleep_arm(w, pl, 0);
		return 0;
	}
	if (++sl->low_loops < MVT_SLEEP_AFTER)
		return 0;
	sl->step_us = sl->step_us == 0 ? 1 : RTE_MIN(2 * sl->step_us, max);
	/* frames that came before their queue's wake-up was on: poll */
	if (sleep_arm(w, pl, 1))
		return 0;
	return sl->step_us;
}

/*
 * Sleep @p us (idle_plan()), after the quiescent state: offline for RCU,
 * so that no writer waits for the worker, and holding nothing -- the poll
 * list may be replaced meanwhile, so the queues that signalled are made
 * busy only if the scheduler is still on the list they were armed from.
 * The sleep's cycles count as neither busy nor idle.
 */
static inline uint64_t
idle_sleep(struct mvt_worker *w, uint32_t us, uint64_t now)
{
	struct mvt_sleep *sl = &w->sleep;
	uint16_t i, n;
	uint64_t t;

	rte_rcu_qsbr_thread_offline(w->dp->qsbr, w->lcore_id);
	n = mvt_sleep_wait(sl, us);
	rte_rcu_qsbr_thread_online(w->dp->qsbr, w->lcore_id);
	for (i = 0; i < n && w->sched.gen == sl->polls_gen; i++)
		if (sl->woke[i] < MVT_POLL_MAX)
			mvt_sched_wake(&w->sched, (uint16_t)sl->woke[i]);
	t = rte_rdtsc();
	mvt_ctr_add(&w->stats->sleep_cycles, t - now);
	mvt_ctr_add(&w->stats->sleeps, 1);
	/*
	 * Woken: polls without sleeping, then the steps start over: what
	 * the frame brings back (a reply) comes soon.
	 */
	if (n > 0) {
		sl->step_us = 0;
		sl->low_loops = 0;
		mvt_ctr_add(&w->stats->wakeups, 1);
	}
	return t;
}

/* The calling worker polls (@p mine) or no longer polls queue @p q of @p p. */
static int
claim_queue(struct mvt_worker *w __rte_unused, uint32_t slot __rte_unused,
	struct mvt_port *p, uint16_t q, int mine)
{
	mvt_port_rx_claim(p, q, mine);
	return 0;
}

/*
 * The worker loop. Each iteration polls, for each segment it runs (one per
 * lower), the lower and host RX queues this worker owns, then the endpoint
 * queue pairs of its poll list that mvt_pollsched.h picks (the busy ones,
 * and some idle ones), one burst each, runs the pipeline of the port's
 * segment on what arrived, then reports a quiescent state: between
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
	struct mvt_sched *s = &w->sched;
	const struct mvt_poll_list *pl;
	const struct mvt_ep_table *ts[MVT_LOWERS_MAX];
	const struct mvt_poll *po;
	struct mvt_worker *x;
	uint64_t t0, t1, tp, moved;
	uint32_t sleep_us;
	uint16_t j, k, n, g;

	mvt_pool_count_failures(&st->no_mbuf);
	/* sleeps of a few microseconds, not the default 50 us of slack */
	prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
	rte_rcu_qsbr_thread_register(dp->qsbr, w->lcore_id);
	rte_rcu_qsbr_thread_online(dp->qsbr, w->lcore_id);
	for_each_queue(w, NULL, 1, claim_queue, 1);
	t0 = rte_rdtsc();
	while (!__atomic_load_n(&dp->quit, __ATOMIC_RELAXED)) {
		pl = __atomic_load_n(&w->polls, __ATOMIC_ACQUIRE);
		moved = 0;
		tp = t0;
		for (g = 0; g < w->n_segs; g++) {
			x = w->segs[g];
			ts[g] = __atomic_load_n(&x->dp->tbl, __ATOMIC_ACQUIRE);
			mvt_dispatch_hold_lower(&x->out);
			if (x->lower_rxq != RTE_MAX_QUEUES_PER_PORT)
				moved += poll_timed(st, &tp,
					likely(x->n_vlans == 0) ?
					poll_lower(x, ts[g], x->lower_rxq) :
					poll_lower_vlan(x, x->lower_rxq));
			if (x->host_rxq != RTE_MAX_QUEUES_PER_PORT)
				moved += poll_timed(st, &tp,
					poll_port(x, ts[g], MVT_INGRESS_HOST,
						x->host_rxq));
		}
		if (unlikely(s->gen != (pl != NULL ? pl->gen : 0))) {
			mvt_sched_reset(s, pl != NULL ? pl->gen : 0,
				pl != NULL ? pl->n : 0);
			for_each_queue(w, pl, 0, claim_queue, 1);
		}
		for (j = 0; j < s->n_busy; ) {
			po = &pl->p[s->busy[j]];
			n = poll_timed(st, &tp, poll_port(w->segs[po->seg],
				ts[po->seg], po->ep, po->qp));
			moved += n;
			j = mvt_sched_busy_done(s, j, n);
		}
		for (k = mvt_sched_idle_budget(s);
				k > 0 && s->n_idle > 0; k--) {
			po = &pl->p[mvt_sched_idle_next(s)];
			n = poll_timed(st, &tp, poll_port(w->segs[po->seg],
				ts[po->seg], po->ep, po->qp));
			moved += n;
			mvt_sched_idle_done(s, n);
		}
		if (unlikely(dp->handoff != NULL))
			moved += poll_timed(st, &tp,
				mvt_worker_take_handoffs(w));
		/* what the endpoints sent to the wire, in one burst */
		for (g = 0; g < w->n_segs; g++)
			mvt_dispatch_flush_lower(&w->segs[g]->out);
		for (g = 0; g < w->n_segs; g++)
			if (mvt_dispatch_bcq_used(&w->segs[g]->out) > 0)
				moved += poll_timed(st, &tp,
					mvt_dispatch_bcq_drain(
						&w->segs[g]->out, ts[g]));
		sleep_us = idle_plan(w, pl, moved);
		rte_rcu_qsbr_quiescent(dp->qsbr, w->lcore_id);
		t1 = rte_rdtsc();
		if (moved > 0)
			mvt_ctr_add(&st->busy_cycles, t1 - t0);
		else
			mvt_ctr_add(&st->idle_cycles, t1 - t0);
		mvt_ctr_add(&st->loops, 1);
		t0 = likely(sleep_us == 0) ? t1 : idle_sleep(w, sleep_us, t1);
	}
	for_each_queue(w, __atomic_load_n(&w->polls, __ATOMIC_ACQUIRE), 1,
		claim_queue, 0);
	mvt_sleep_fini(&w->sleep);
	/* what still waits for its flood is dropped, and said so */
	for (g = 0; g < w->n_segs; g++)
		mvt_dispatch_bcq_flush(&w->segs[g]->out);
	rte_rcu_qsbr_thread_offline(dp->qsbr, w->lcore_id);
	rte_rcu_qsbr_thread_unregister(dp->qsbr, w->lcore_id);
	mvt_pool_count_failures(NULL);
	return 0;
}

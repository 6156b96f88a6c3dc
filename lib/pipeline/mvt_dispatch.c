/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "mvt_capture.h"
#include "mvt_dispatch.h"
#include "mvt_offload.h"
#include "mvt_port.h"

void
mvt_dispatch_init(struct mvt_dispatch *d, struct mvt_dp *dp, uint16_t worker,
	struct mvt_lcore_stats *stats)
{
	d->dp = dp;
	d->worker = worker;
	d->stats = stats;
	d->in = &stats->port[MVT_PORT_LOWER];
	/*
	 * Plain: checksums complete and no super-frame; segments are chains
	 * only where every ethdev takes chains (an endpoint always does).
	 */
	d->plain.multi_seg = dp->lower->caps.multi_seg &&
		(dp->host == NULL || dp->host->caps.multi_seg);
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

/*
 * The frames of @p b that ask @p p for offloads it does itself, prepared
 * for the device (mvt_port_tx_prepare()); one it finds unfit is dropped.
 */
static __rte_noinline void
prepare_port(struct mvt_dispatch *d, struct mvt_port *p, struct mvt_outbuf *b,
	struct mvt_port_counters *c)
{
	uint16_t i = 0;

	b->hw_req = 0;
	for (;;) {
		i += mvt_port_tx_prepare(p, d->worker, &b->pkts[i], b->n - i);
		if (i >= b->n)
			return;
		mvt_ctr_add(&c->drops[MVT_DROP_OFFLOAD_BAD_HDR], 1);
		b->bytes -= rte_pktmbuf_pkt_len(b->pkts[i]);
		rte_pktmbuf_free(b->pkts[i]);
		memmove(&b->pkts[i], &b->pkts[i + 1],
			(size_t)(b->n - i - 1) * sizeof(b->pkts[0]));
		b->n--;
	}
}

/*
 * Send an output buffer on port @p p, on queue @p qp of a vhost-user guest
 * (MVT_QP_ANY: the worker's own); what it does not take is dropped.
 */
#define MVT_QP_ANY UINT16_MAX
static void
flush_port_q(struct mvt_dispatch *d, struct mvt_port *p, struct mvt_outbuf *b,
	struct mvt_port_counters *c, uint16_t qp)
{
	struct mvt_capture *cap;
	struct mvt_mirror *mir;
	uint64_t bytes;
	uint16_t sent;
	uint8_t why;

	cap = __atomic_load_n(&p->capture, __ATOMIC_ACQUIRE);
	if (unlikely(cap != NULL))
		mvt_capture_burst(cap, d->worker, MVT_CAPTURE_OUT, b->pkts, b->n,
			rte_rdtsc());
	mir = __atomic_load_n(&p->mirror, __ATOMIC_ACQUIRE);
	if (unlikely(mir != NULL) && (mir->dirs & MVT_MIRROR_OUT))
		mvt_dispatch_mirror(d, mir, b->pkts, b->n);
	if (unlikely(b->hw_req)) {
		prepare_port(d, p, b, c);
		if (b->n == 0)
			return;
	}
	bytes = b->bytes;
	if (likely(qp == MVT_QP_ANY))
		sent = mvt_port_tx_burst(p, d->worker, b->pkts, b->n, &why);
	else
		sent = mvt_port_tx_queue(p, qp, b->pkts, b->n, &why);
	if (unlikely(sent < b->n)) {
		/* the unsent are still the caller's to read */
		bytes -= bytes_of(&b->pkts[sent], b->n - sent);
		mvt_ctr_add(&c->drops[why], b->n - sent);
		rte_pktmbuf_free_bulk(&b->pkts[sent], b->n - sent);
	}
	mvt_ctr_add(&c->tx_packets, sent);
	mvt_ctr_add(&c->tx_bytes, bytes);
	b->n = 0;
	b->bytes = 0;
}

/* Send an output buffer on port @p p, on the worker's own queue. */
static inline void
flush_port(struct mvt_dispatch *d, struct mvt_port *p, struct mvt_outbuf *b,
	struct mvt_port_counters *c)
{
	flush_port_q(d, p, b, c, MVT_QP_ANY);
}

/*
 * Hand endpoint @p id's buffer @p b to worker @p to, which fills queue
 * pair @p qp of its guest (mvt_port_tx_worker()): into the ring between
 * the two, which it drains once an iteration (mvt_worker_take_handoffs()
 * and mvt_dispatch_handed()), and wake it if it sleeps. What
 * the ring does not take is dropped as handoff_full. The frames are
 * counted as sent, shown to capture and mirrors, and prepared for the
 * port's offloads there, once.
 */
static __rte_noinline void
handoff(struct mvt_dispatch *d, uint16_t to, uint16_t id, uint16_t qp,
	struct mvt_outbuf *b, struct mvt_port_counters *c)
{
	struct mvt_handoff e[MVT_OUTBUF];
	uint16_t i;
	unsigned int sent;

	for (i = 0; i < b->n; i++) {
		e[i].m = b->pkts[i];
		e[i].id = id;
		e[i].qp = qp;
		e[i].seg = d->seg;
		e[i].hw_req = b->hw_req != 0;
		e[i].pad = 0;
	}
	sent = rte_ring_sp_enqueue_burst_elem(
		mvt_dp_handoff_ring(d->dp, d->worker, to), e, sizeof(e[0]),
		b->n, NULL);
	if (unlikely(sent < b->n)) {
		mvt_ctr_add(&c->drops[MVT_DROP_HANDOFF_FULL], b->n - sent);
		rte_pktmbuf_free_bulk(&b->pkts[sent], b->n - sent);
	}
	mvt_ctr_add(&d->stats->handoffs, sent);
	mvt_dp_handoff_kick(d->dp, to);
	b->n = 0;
	b->bytes = 0;
	b->hw_req = 0;
}

/*
 * Send endpoint @p id's output buffer, or hand it to the worker that
 * fills the guest's receive queue.
 */
static inline void
flush_ep(struct mvt_dispatch *d, uint16_t id, struct mvt_outbuf *b)
{
	struct mvt_port *p = &d->dp->ports[id];
	uint16_t to, qp = 0;

	if (unlikely(d->dp->handoff != NULL)) {
		to = mvt_port_tx_worker(p, d->worker, d->dp->nb_workers, &qp);
		if (to != d->worker) {
			handoff(d, to, id, qp, b, &d->stats->port[id]);
			return;
		}
	}
	flush_port(d, p, b, &d->stats->port[id]);
}

/*
 * Queue @p m for port @p p, sending its buffer first when it is full: an
 * endpoint's buffer (the only ones with @c dirty set) as flush_ep().
 */
static inline void
outbuf_put(struct mvt_dispatch *d, struct mvt_port *p, struct mvt_outbuf *b,
	struct mvt_port_counters *c, struct rte_mbuf *m)
{
	if (unlikely(b->n == MVT_OUTBUF)) {
		if (b->dirty)
			flush_ep(d, (uint16_t)(p - d->dp->ports), b);
		else
			flush_port(d, p, b, c);
	}
	b->bytes += rte_pktmbuf_pkt_len(m);
	b->pkts[b->n++] = m;
}

/*
 * Queue the plain frame @p m for port @p p, or drop it if it is longer
 * than the port's MTU allows: the ingress port's MTU may be larger, and a
 * frame is never truncated. The one MTU check of every egress.
 */
static inline void
emit_plain(struct mvt_dispatch *d, struct mvt_port *p, struct mvt_outbuf *b,
	struct mvt_port_counters *c, struct rte_mbuf *m)
{
	if (unlikely(rte_pktmbuf_pkt_len(m) > p->caps.max_frame)) {
		mvt_ctr_add(&c->drops[MVT_DROP_MTU_EXCEEDED], 1);
		rte_pktmbuf_free(m);
		return;
	}
	outbuf_put(d, p, b, c, m);
}

/*
 * What the software work made of @p m for a receiver (mvt_offload_fixup()
 * returned @p n frames in @p out), counted on the sender: @p m itself
 * with its checksums completed, or segments, for which this receiver's
 * reference to @p m is dropped.
 */
static inline void
count_fixup(struct mvt_port_counters *sender, struct rte_mbuf *m,
	struct rte_mbuf *const *out, uint16_t n)
{
	if (out[0] == m) {
		mvt_ctr_add(&sender->sw_csum, 1);
		return;
	}
	mvt_ctr_add(&sender->sw_segmented, 1);
	mvt_ctr_add(&sender->sw_segments, n);
	rte_pktmbuf_free(m);
}

/*
 * Queue @p m, which asks for offloads, for its one receiver @p p: as it
 * is when the port does the work itself (the buffer is then prepared for
 * the device before it is sent), otherwise what the software makes of it
 * for this port. A port that is not ready drops it anyway, and its
 * capabilities may be changing: they are read only once it is.
 */
static __rte_noinline void
emit_offloaded(struct mvt_dispatch *d, struct mvt_port *p,
	struct mvt_outbuf *b, struct mvt_port_counters *c, struct rte_mbuf *m)
{
	struct rte_mbuf *out[MVT_OFFLOAD_SEGS_MAX];
	enum mvt_drop_reason why;
	uint16_t i, n;

	if (!mvt_port_ready(p)) {
		outbuf_put(d, p, b, c, m);
		return;
	}
	if (!mvt_offload_needs(m, &p->caps)) {
		if (unlikely(!mvt_offload_fits(m, &p->caps))) {
			mvt_ctr_add(&c->drops[MVT_DROP_MTU_EXCEEDED], 1);
			rte_pktmbuf_free(m);
			return;
		}
		b->hw_req = 1;
		outbuf_put(d, p, b, c, m);
		return;
	}
	n = mvt_offload_fixup(d->dp->offload, m, &p->caps, out, RTE_DIM(out),
		&why);
	if (n == 0) {
		mvt_ctr_add(&c->drops[why], 1);
		rte_pktmbuf_free(m);
		return;
	}
	count_fixup(d->in, m, out, n);
	for (i = 0; i < n; i++)
		emit_plain(d, p, b, c, out[i]);
}

/* Queue @p m for port @p p, as the port takes it. */
static inline void
emit_port(struct mvt_dispatch *d, struct mvt_port *p, struct mvt_outbuf *b,
	struct mvt_port_counters *c, struct rte_mbuf *m)
{
	if (unlikely(m->ol_flags & MVT_OFFLOAD_TX_REQ)) {
		emit_offloaded(d, p, b, c, m);
		return;
	}
	emit_plain(d, p, b, c, m);
}

static inline void
emit_lower(struct mvt_dispatch *d, struct rte_mbuf *m)
{
	emit_port(d, d->dp->lower, &d->lower_out,
		&d->stats->port[MVT_PORT_LOWER], m);
}

/* Endpoint @p id's output buffer, marked for the flush. */
static inline struct mvt_outbuf *
ep_outbuf(struct mvt_dispatch *d, uint16_t id)
{
	struct mvt_outbuf *b = &d->ep_out[id];

	if (!b->dirty) {
		b->dirty = 1;
		d->dirty[d->n_dirty++] = id;
	}
	return b;
}

static inline void
emit_ep(struct mvt_dispatch *d, uint16_t id, struct rte_mbuf *m)
{
	emit_port(d, &d->dp->ports[id], ep_outbuf(d, id), &d->stats->port[id],
		m);
}

/* The @p n frames of a run for endpoint @p id alone. */
static inline void
emit_ep_run(struct mvt_dispatch *d, uint16_t id, struct rte_mbuf **pkts,
	uint16_t n)
{
	struct mvt_port_counters *c = &d->stats->port[id];
	struct mvt_outbuf *b = ep_outbuf(d, id);
	struct mvt_port *p = &d->dp->ports[id];
	uint16_t i;

	for (i = 0; i < n; i++)
		emit_port(d, p, b, c, pkts[i]);
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
 * A copy in one mbuf of the chain @p pkt (software segments are chains),
 * for the mirror destination of @p c that takes no chains; NULL, counted,
 * without an mbuf or for a frame longer than one.
 */
static __rte_noinline struct rte_mbuf *
mirror_linear(struct mvt_dispatch *d, struct mvt_port_counters *c,
	struct rte_mbuf *pkt)
{
	struct rte_mbuf *cp = rte_pktmbuf_copy(pkt, d->dp->mp, 0, UINT32_MAX);

	if (cp == NULL) {
		mvt_ctr_add(&c->drops[MVT_DROP_NO_MBUF], 1);
		return NULL;
	}
	if (cp->nb_segs > 1) {
		mvt_ctr_add(&c->drops[MVT_DROP_OVERSIZE], 1);
		rte_pktmbuf_free(cp);
		return NULL;
	}
	return cp;
}

/*
 * The mirror copy of @p pkt, which asks for offloads: as it is when the
 * destination does the work itself; otherwise the work is done on a copy
 * of its own, since the frame's own receivers may be sending it already.
 * A mirror of what a port received sees the frame before the pipeline has
 * checked its request: one that fails is not mirrored (the pipeline drops
 * it, and counts it).
 */
static __rte_noinline void
mirror_offloaded(struct mvt_dispatch *d, struct mvt_mirror *m,
	struct mvt_outbuf *b, struct rte_mbuf *pkt)
{
	struct mvt_port_counters *c = &m->worker[d->worker].c;
	struct rte_mbuf *out[MVT_OFFLOAD_SEGS_MAX], *cp;
	enum mvt_drop_reason why;
	uint16_t i, n;

	if (mvt_offload_prepare(NULL, pkt) != MVT_DROP_NONE)
		return;
	if (!mvt_port_ready(m->dst) || !mvt_offload_needs(pkt, &m->dst->caps)) {
		if (unlikely(!mvt_offload_fits(pkt, &m->dst->caps))) {
			mvt_ctr_add(&c->drops[MVT_DROP_MTU_EXCEEDED], 1);
			return;
		}
		if (pkt->nb_segs > 1 && !m->dst->caps.multi_seg) {
			cp = mirror_linear(d, c, pkt);
			if (cp == NULL)
				return;
		} else {
			mbuf_set_copies(pkt, 2);
			cp = pkt;
		}
		b->hw_req = 1;
		outbuf_put(d, m->dst, b, c, cp);
		return;
	}
	cp = rte_pktmbuf_copy(pkt, d->dp->mp, 0, UINT32_MAX);
	if (cp == NULL) {
		mvt_ctr_add(&c->drops[MVT_DROP_NO_MBUF], 1);
		return;
	}
	n = mvt_offload_fixup(d->dp->offload, cp, &m->dst->caps, out,
		RTE_DIM(out), &why);
	if (n == 0) {
		mvt_ctr_add(&c->drops[why], 1);
		rte_pktmbuf_free(cp);
		return;
	}
	if (out[0] != cp)
		rte_pktmbuf_free(cp);
	for (i = 0; i < n; i++)
		emit_plain(d, m->dst, b, c, out[i]);
}

void
mvt_dispatch_mirror(struct mvt_dispatch *d, struct mvt_mirror *m,
	struct rte_mbuf *const *pkts, uint16_t n)
{
	struct mvt_port_counters *c = &m->worker[d->worker].c;
	struct mvt_outbuf *b = &d->mirror_out[m->id];
	struct rte_mbuf *cp;
	uint16_t i;

	d->mirror_of[m->id] = m;
	d->mirror_dirty |= 1U << m->id;
	for (i = 0; i < n; i++) {
		if (unlikely(mvt_offload_requested(pkts[i]))) {
			mirror_offloaded(d, m, b, pkts[i]);
			continue;
		}
		if (unlikely(rte_pktmbuf_pkt_len(pkts[i]) >
				m->dst->caps.max_frame)) {
			mvt_ctr_add(&c->drops[MVT_DROP_MTU_EXCEEDED], 1);
			continue;
		}
		if (unlikely(pkts[i]->nb_segs > 1) && !m->dst->caps.multi_seg) {
			cp = mirror_linear(d, c, pkts[i]);
			if (cp != NULL)
				outbuf_put(d, m->dst, b, c, cp);
			continue;
		}
		mbuf_set_copies(pkts[i], 2);
		outbuf_put(d, m->dst, b, c, pkts[i]);
	}
}

void
mvt_dispatch_flush_mirrors(struct mvt_dispatch *d)
{
	struct mvt_mirror *m;
	unsigned int id;

	while (d->mirror_dirty != 0) {
		id = (unsigned int)__builtin_ctz(d->mirror_dirty);
		d->mirror_dirty &= ~(1U << id);
		m = d->mirror_of[id];
		if (d->mirror_out[id].n > 0)
			flush_port(d, m->dst, &d->mirror_out[id],
				&m->worker[d->worker].c);
	}
}

static void
flush_all(struct mvt_dispatch *d)
{
	uint16_t i, id;

	if (d->lower_out.n > 0 && !d->lower_held)
		flush_port(d, d->dp->lower, &d->lower_out,
			&d->stats->port[MVT_PORT_LOWER]);
	if (d->host_out.n > 0)
		flush_port(d, d->dp->host, &d->host_out,
			&d->stats->port[MVT_PORT_HOST]);
	for (i = 0; i < d->n_dirty; i++) {
		id = d->dirty[i];
		flush_ep(d, id, &d->ep_out[id]);
		d->ep_out[id].dirty = 0;
	}
	d->n_dirty = 0;
	/* last: the copies the flushes above made for mirrors */
	if (unlikely(d->mirror_dirty != 0))
		mvt_dispatch_flush_mirrors(d);
}

/* One copy to each of the @p n flood receivers @p ids. */
static inline void
emit_flood(struct mvt_dispatch *d, struct rte_mbuf *m, const uint16_t *ids,
	uint16_t n)
{
	uint16_t i;

	for (i = 0; i < n; i++) {
		mvt_ctr_add(&d->stats->port[ids[i]].multicast, 1);
		emit_ep(d, ids[i], m);
	}
}

static void dispatch_made_plain(struct mvt_dispatch *d,
	const struct mvt_ep_table *t, uint16_t ingress,
	struct mvt_port_counters *in, struct rte_mbuf *m,
	const struct mvt_cls *c, const struct mvt_verdict *v);

/* Whether verdict @p v gives its frame to one endpoint and nobody else. */
static inline int
for_one_endpoint(const struct mvt_verdict *v)
{
	return v->drop == MVT_DROP_NONE && v->src_copies == NULL &&
		v->flood == 0 && v->target != MVT_EP_NONE &&
		!(v->flags & MVT_V_WIRE);
}

/*
 * Deliver one frame as its verdict says, any verdict but one for one
 * endpoint alone, which mvt_dispatch_frames() hands over by runs. A frame
 * that reaches nobody is charged to the ingress port, with the engine's
 * reason or no_dest.
 */
static __rte_always_inline void
dispatch_one(struct mvt_dispatch *d, const struct mvt_ep_table *t,
	uint16_t ingress, struct mvt_port_counters *in, struct rte_mbuf *m,
	const struct mvt_cls *c, const struct mvt_verdict *v)
{
	const struct mvt_mac_entry *sc = v->src_copies;
	int host = (v->flags & MVT_V_HOST) && d->dp->host != NULL;
	uint16_t ids[MVT_MAX_ENDPOINTS];
	uint16_t copies, i, n_flood = 0;
	struct mvt_verdict fv;
	int queue = 0, lost = 0;
	uint8_t qmask;

	if (unlikely(v->drop != MVT_DROP_NONE)) {
		mvt_ctr_add(&in->drops[v->drop], 1);
		rte_pktmbuf_free(m);
		return;
	}
	/* the next most common case: to the wire alone */
	if (likely(sc == NULL && v->flood == 0 && v->target == MVT_EP_NONE &&
			(v->flags & (MVT_V_WIRE | MVT_V_HOST)) == MVT_V_WIRE)) {
		emit_lower(d, m);
		return;
	}

	if (unlikely(m->ol_flags & MVT_OFFLOAD_TX_REQ)) {
		dispatch_made_plain(d, t, ingress, in, m, c, v);
		return;
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
		if (mvt_flood_receivers(t, &fv, c->dst, ids) > 0) {
			if (mvt_dispatch_bcq_used(d) < d->dp->bcqueuelen) {
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
		n_flood = mvt_flood_receivers(t, &fv, c->dst, ids);
		copies += n_flood;
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
		emit_lower(d, m);
	if (host)
		emit_port(d, d->dp->host, &d->host_out,
			&d->stats->port[MVT_PORT_HOST], m);
	if (v->target != MVT_EP_NONE)
		emit_ep(d, v->target, m);
	if (sc != NULL)
		for (i = 0; i < sc->n_listers; i++)
			if (t->ep[sc->listers[i]].up)
				emit_ep(d, sc->listers[i], m);
	if (queue) {
		d->bcq_skip[d->bcq_tail % MVT_BCQ_MAX] = fv.flood;
		d->bcq[d->bcq_tail++ % MVT_BCQ_MAX] = m;
	}
	emit_flood(d, m, ids, n_flood);
}

/* dispatch_one() as a call, for the frames dispatch_made_plain() makes. */
static __rte_noinline void
dispatch_one_call(struct mvt_dispatch *d, const struct mvt_ep_table *t,
	uint16_t ingress, struct mvt_port_counters *in, struct rte_mbuf *m,
	const struct mvt_cls *c, const struct mvt_verdict *v)
{
	dispatch_one(d, t, ingress, in, m, c, v);
}

/*
 * A frame that asks for offloads and goes to more than one port (a
 * flood, source copies, the wire and the host): made plain once, for all
 * of them, before any copy is handed out -- completing a checksum writes
 * into the frame, which a port that already has it may be sending -- and
 * each frame made delivered as the verdict says. Counted on the sender.
 */
static __rte_noinline void
dispatch_made_plain(struct mvt_dispatch *d, const struct mvt_ep_table *t,
	uint16_t ingress, struct mvt_port_counters *in, struct rte_mbuf *m,
	const struct mvt_cls *c, const struct mvt_verdict *v)
{
	struct rte_mbuf *out[MVT_OFFLOAD_SEGS_MAX];
	enum mvt_drop_reason why;
	uint16_t i, n;

	n = mvt_offload_fixup(d->dp->offload, m, &d->plain, out, RTE_DIM(out),
		&why);
	if (n == 0) {
		mvt_ctr_add(&in->drops[why], 1);
		rte_pktmbuf_free(m);
		return;
	}
	count_fixup(in, m, out, n);
	for (i = 0; i < n; i++)
		dispatch_one_call(d, t, ingress, in, out[i], c, v);
}

void
mvt_dispatch_frames(struct mvt_dispatch *d, const struct mvt_ep_table *t,
	uint16_t ingress, struct mvt_port_counters *in,
	struct rte_mbuf **pkts, const struct mvt_cls *c,
	const struct mvt_verdict *v, uint16_t n)
{
	uint16_t i, j;

	d->in = in;
	for (i = 0; i < n; i = j) {
		/*
		 * Frames that go to one endpoint alone, the bulk of any
		 * traffic, are handed over a run at a time: the verdict is
		 * read once for the run, not once per frame.
		 */
		j = i + 1;
		if (likely(for_one_endpoint(&v[i]))) {
			while (j < n && v[j].target == v[i].target &&
					for_one_endpoint(&v[j]))
				j++;
			emit_ep_run(d, v[i].target, &pkts[i], j - i);
			continue;
		}
		dispatch_one(d, t, ingress, in, pkts[i], &c[i], &v[i]);
	}
}

void
mvt_dispatch_flush(struct mvt_dispatch *d)
{
	flush_all(d);
}

void
mvt_dispatch_handed(struct mvt_dispatch *d, const struct mvt_handoff *e,
	uint16_t n)
{
	struct mvt_outbuf b;
	uint16_t i = 0, id, qp;

	while (i < n) {
		id = e[i].id;
		qp = e[i].qp;
		b.n = 0;
		b.bytes = 0;
		b.hw_req = 0;
		b.dirty = 0;
		/* a handed buffer is one run: what one flush_ep() gave */
		for (; i < n && b.n < MVT_OUTBUF && e[i].id == id &&
				e[i].qp == qp; i++) {
			b.pkts[b.n++] = e[i].m;
			b.bytes += rte_pktmbuf_pkt_len(e[i].m);
			b.hw_req |= e[i].hw_req;
		}
		flush_port_q(d, &d->dp->ports[id], &b, &d->stats->port[id], qp);
	}
	if (unlikely(d->mirror_dirty != 0))
		mvt_dispatch_flush_mirrors(d);
}

void
mvt_dispatch_flush_lower(struct mvt_dispatch *d)
{
	d->lower_held = 0;
	if (d->lower_out.n == 0)
		return;
	flush_port(d, d->dp->lower, &d->lower_out,
		&d->stats->port[MVT_PORT_LOWER]);
	/* the copies that flush made for a mirror of the lower */
	if (unlikely(d->mirror_dirty != 0))
		mvt_dispatch_flush_mirrors(d);
}

void
mvt_dispatch_burst(struct mvt_dispatch *d, const struct mvt_ep_table *t,
	uint16_t ingress, struct mvt_port_counters *in,
	struct rte_mbuf **pkts, const struct mvt_cls *c,
	const struct mvt_verdict *v, uint16_t n)
{
	mvt_dispatch_frames(d, t, ingress, in, pkts, c, v, n);
	flush_all(d);
}

/*
 * Each queued frame is decided again with the current table, as Linux's
 * broadcast work uses the modes as of processing time; only its flood is
 * delivered now.
 */
uint16_t
mvt_dispatch_bcq_drain(struct mvt_dispatch *d, const struct mvt_ep_table *t)
{
	const struct mvt_mac_entry *ents[2];
	uint16_t ids[MVT_MAX_ENDPOINTS];
	struct mvt_verdict v;
	struct mvt_cls c;
	uint64_t keys[2];
	struct rte_mbuf *m;
	const uint8_t *p;
	uint16_t n = 0, copies, et;
	uint8_t skip;

	/* queued frames are plain: no software work is charged to anyone */
	d->in = &d->stats->port[MVT_PORT_LOWER];

	while (mvt_dispatch_bcq_used(d) > 0 && n < MVT_BCAST_BUDGET) {
		skip = d->bcq_skip[d->bcq_head % MVT_BCQ_MAX];
		m = d->bcq[d->bcq_head++ % MVT_BCQ_MAX];
		n++;
		p = rte_pktmbuf_mtod(m, const uint8_t *);
		keys[0] = c.dst = mvt_mac_load(p);
		keys[1] = c.src = mvt_mac_load(p + 6);
		memcpy(&et, p + 12, sizeof(et));
		c.ethertype = rte_be_to_cpu_16(et);
		mvt_mactable_lookup_bulk(d->dp->mt, keys, 2, ents);
		c.dst_e = ents[0];
		c.src_e = ents[1];
		mvt_decide(t, MVT_INGRESS_LOWER, &c, &v);
		v.flood &= ~skip;
		copies = v.flood != 0 ? mvt_flood_receivers(t, &v, c.dst, ids) :
			0;
		if (copies == 0) {
			/* its receivers went down while it waited */
			mvt_ctr_add(&d->stats->port[MVT_PORT_LOWER].drops[
				MVT_DROP_EP_DOWN], 1);
			rte_pktmbuf_free(m);
			continue;
		}
		if (copies > 1)
			mbuf_set_copies(m, copies);
		emit_flood(d, m, ids, copies);
	}
	if (n > 0)
		flush_all(d);
	return n;
}

void
mvt_dispatch_bcq_flush(struct mvt_dispatch *d)
{
	while (mvt_dispatch_bcq_used(d) > 0) {
		rte_pktmbuf_free(d->bcq[d->bcq_head++ % MVT_BCQ_MAX]);
		mvt_ctr_add(&d->stats->port[MVT_PORT_LOWER].drops[
			MVT_DROP_BCAST_QUEUE], 1);
	}
}

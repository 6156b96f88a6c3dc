/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#ifndef MVT_DISPATCH_H
#define MVT_DISPATCH_H

/**
 * @file
 * Dispatch, the last stage of the pipeline, and the broadcast queue.
 *
 * Dispatch puts each frame of a burst in one output buffer per destination
 * (the lower, the host port, each endpoint) as its verdict says, and sends
 * the buffers at the end of the burst through mvt_port_tx_burst(). A frame
 * with several destinations gets one reference per copy.
 *
 * A frame that asks for offloads (a guest's TCP super-frame, a partial
 * checksum) goes to one port as that port takes it: unchanged to a port
 * that does the work itself (a guest that negotiated it, a device with
 * the TX offload), completed or segmented in software for the others.
 * One that goes to several ports is made plain once, before any copy is
 * handed out, since completing a checksum writes into the frame.
 *
 * What a port does not take is dropped and charged to it with the port's reason; a frame
 * that reaches nobody is charged to its ingress port. Nothing blocks.
 *
 * The broadcast queue (Linux's bcqueuelen) holds group frames from the
 * wire, and the copies the relay reflects, until their flood to the
 * endpoints; the worker drains it, MVT_BCAST_BUDGET frames per loop.
 *
 * Pipeline-internal: the worker owns one of these per lcore.
 */

#include <stdint.h>

#include <rte_mbuf.h>

#include "mvt_decide.h"
#include "mvt_dp.h"
#include "mvt_mirror.h"
#include "mvt_stats.h"

/** Broadcast queue: hard limit of bcqueuelen, and floods per loop. */
#define MVT_BCQ_MAX MVT_BCQUEUELEN_MAX
#define MVT_BCAST_BUDGET 16

/** Frames one destination may hold before it is flushed. */
#define MVT_OUTBUF (2 * MVT_BURST)

struct mvt_outbuf {
	uint16_t n;
	uint16_t dirty;
	/** Some frame asks the port for an offload it does itself. */
	uint16_t hw_req;
	/** The lengths of the frames held, summed as they come. */
	uint32_t bytes;
	struct rte_mbuf *pkts[MVT_OUTBUF];
};

struct mvt_dispatch {
	struct mvt_dp *dp;
	struct mvt_lcore_stats *stats;
	uint16_t worker;		/**< the worker's index: TX queue choice */
	uint8_t seg;			/**< the segment's index on its lcore */
	/** The ingress port's counters, of the burst being dispatched. */
	struct mvt_port_counters *in;
	/**
	 * What a frame that asks for offloads is made into when it goes to
	 * more than one port: plain frames, which every port takes.
	 */
	struct mvt_offload_caps plain;
	uint16_t n_dirty;
	/** mvt_dispatch_hold_lower() */
	uint16_t lower_held;
	uint16_t dirty[MVT_MAX_ENDPOINTS];
	struct mvt_outbuf lower_out;
	struct mvt_outbuf host_out;
	struct mvt_outbuf ep_out[MVT_MAX_ENDPOINTS];
	/* copies for mirror i's destination; bit i of mirror_dirty: some */
	uint32_t mirror_dirty;
	struct mvt_mirror *mirror_of[MVT_MIRRORS_MAX];
	struct mvt_outbuf mirror_out[MVT_MIRRORS_MAX];
	/*
	 * At most dp->bcqueuelen entries wait. bcq_skip[i] is the mode mask
	 * that entry's flood leaves out: the relay's sender already
	 * delivered to them.
	 */
	uint32_t bcq_head;
	uint32_t bcq_tail;
	struct rte_mbuf *bcq[MVT_BCQ_MAX];
	uint8_t bcq_skip[MVT_BCQ_MAX];
};

/** Set up @p d (zeroed) for worker @p worker of @p dp. */
void mvt_dispatch_init(struct mvt_dispatch *d, struct mvt_dp *dp,
	uint16_t worker, struct mvt_lcore_stats *stats);

/**
 * Deliver the @p n frames of a burst from @p ingress (counters @p in) as
 * their verdicts @p v say, and send every output buffer. Takes ownership
 * of the mbufs.
 */
void mvt_dispatch_burst(struct mvt_dispatch *d, const struct mvt_ep_table *t,
	uint16_t ingress, struct mvt_port_counters *in,
	struct rte_mbuf **pkts, const struct mvt_cls *c,
	const struct mvt_verdict *v, uint16_t n);

/**
 * mvt_dispatch_burst() without sending the output buffers: the frames wait
 * (a full buffer is still sent at once) until mvt_dispatch_flush(), which
 * must come before the worker's quiescent state.
 */
void mvt_dispatch_frames(struct mvt_dispatch *d, const struct mvt_ep_table *t,
	uint16_t ingress, struct mvt_port_counters *in,
	struct rte_mbuf **pkts, const struct mvt_cls *c,
	const struct mvt_verdict *v, uint16_t n);

/** Send every output buffer that holds frames, mirrors' last. */
void mvt_dispatch_flush(struct mvt_dispatch *d);

/**
 * Send the @p n frames other workers handed this one (struct
 * mvt_handoff, all of this dispatcher's segment) to their guests, on the
 * queue pair each was handed for, counted on this worker: for a guest
 * with fewer queue pairs than workers, the worker that polls a queue pair
 * fills its receive queue alone (mvt_port_tx_worker()). Their mirror
 * copies are sent too.
 */
void mvt_dispatch_handed(struct mvt_dispatch *d, const struct mvt_handoff *e,
	uint16_t n);

/**
 * From now until mvt_dispatch_flush_lower(), the flushes at the end of a
 * burst leave the lower's output buffer to fill (a full one is still sent
 * at once): the frames that many endpoints' polls send to the wire, a few
 * each, go out in one burst. The worker holds it over one loop iteration.
 */
static inline void
mvt_dispatch_hold_lower(struct mvt_dispatch *d)
{
	d->lower_held = 1;
}

/** Send what the lower's output buffer holds, and hold it no longer. */
void mvt_dispatch_flush_lower(struct mvt_dispatch *d);

/**
 * Queue one more reference of each of the @p n frames for mirror @p m's
 * destination; sent at the next mvt_dispatch_flush_mirrors(), which
 * mvt_dispatch_burst() also calls.
 */
void mvt_dispatch_mirror(struct mvt_dispatch *d, struct mvt_mirror *m,
	struct rte_mbuf *const *pkts, uint16_t n);

/** Send what waits for mirror destinations. */
void mvt_dispatch_flush_mirrors(struct mvt_dispatch *d);

/** Frames waiting in the broadcast queue. */
static inline uint32_t
mvt_dispatch_bcq_used(const struct mvt_dispatch *d)
{
	return d->bcq_tail - d->bcq_head;
}

/**
 * Fan out up to MVT_BCAST_BUDGET queued frames, each decided again with
 * table @p t. @return how many were taken from the queue.
 */
uint16_t mvt_dispatch_bcq_drain(struct mvt_dispatch *d,
	const struct mvt_ep_table *t);

/** Drop what still waits in the broadcast queue, and count it. */
void mvt_dispatch_bcq_flush(struct mvt_dispatch *d);

#endif /* MVT_DISPATCH_H */

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#ifndef MVT_WORKER_H
#define MVT_WORKER_H

/**
 * @file
 * The per-lcore worker: polls its share of the lower device's and the
 * host port's RX queues and of the endpoints' queue pairs in bursts of
 * MVT_BURST, and runs each burst through the pipeline, in this order:
 *
 *   parse (this file)         drop runts and oversize frames, load MACs
 *   classify (lib/mactable)   one bulk MAC table lookup per burst
 *   decide (lib/decide)       the macvlan mode rules, one verdict a frame
 *   policy (lib/policy)       spoofchk, per-MAC rate limits and filters
 *   reflect (lib/decide)      the software reflective relay (--hairpin)
 *   dispatch (mvt_dispatch.h) output buffers per port, floods, the
 *                             broadcast queue
 *
 * Each stage takes the whole burst; a frame a stage drops carries the
 * reason in its verdict and dispatch charges it to the ingress port.
 *
 * A lower queue that gives a full burst is read again, up to
 * MVT_LOWER_BURSTS bursts, before the output buffers go out: the wire's
 * frames are for many destinations, a few each per burst, and a vhost
 * enqueue costs about as much for one frame as for many.
 */

/** Bursts read from a lower queue in one poll while they come full: 256
 * frames, a default virtio ring. */
#define MVT_LOWER_BURSTS 8

#include <stdint.h>

#include <rte_mbuf.h>

#include "mvt_decide.h"
#include "mvt_dp.h"
#include "mvt_pollsched.h"
#include "mvt_stats.h"

/** One (endpoint, queue pair) a worker polls. */
struct mvt_poll {
	uint16_t ep;
	uint16_t qp;
	uint16_t seg;	/**< the endpoint's segment: mvt_worker_add_segment() */
};

/**
 * What one worker polls besides its lower queue. Published by pointer:
 * the control thread builds a new list, stores it, and frees the old one
 * after an RCU grace period.
 */
struct mvt_poll_list {
	uint32_t gen;	/**< set by mvt_worker_set_polls(), never 0 */
	uint16_t n;
	struct mvt_poll p[];
};

/**
 * An iteration that moved fewer frames than this is one of little work:
 * with --max-sleep-us the worker then sleeps, a little longer each time,
 * once MVT_SLEEP_AFTER such iterations came in a row (since it started or
 * was woken). A switch under load has such iterations now and then, and a
 * sleep there would cost a system call, and each guest a kick.
 */
#define MVT_SLEEP_BELOW (MVT_BURST / 2)
#define MVT_SLEEP_AFTER 64

/** A worker: opaque; mvt_worker_get_info() reports on it. */
struct mvt_worker;

/**
 * Allocate worker @p index of @p dp for lcore @p lcore_id, with zeroed
 * counters in @p stats and nothing to poll but its lower queue.
 */
struct mvt_worker *mvt_worker_create(struct mvt_dp *dp, uint16_t index,
	unsigned int lcore_id, struct mvt_lcore_stats *stats);

/** Allocate an empty poll list with room for @p max entries. */
struct mvt_poll_list *mvt_poll_list_alloc(unsigned int max);

/**
 * Make @p pl the list worker @p w polls and return the previous one, which
 * the caller frees (rte_free) after an RCU grace period.
 */
struct mvt_poll_list *mvt_worker_set_polls(struct mvt_worker *w,
	struct mvt_poll_list *pl);

/** Free a worker and its poll list; it must not be running. */
void mvt_worker_free(struct mvt_worker *w);

/**
 * Several lowers: the worker of another segment (its own struct mvt_dp)
 * on the same lcore, run by @p lead's loop. @p lead is segment 0 and
 * itself the first; segments are added in their order, so that a poll
 * list entry's seg indexes them. @p w's own poll list is not used: the
 * lead's lists hold the endpoint queue pairs of every segment. Before
 * the lead starts.
 *
 * @return 0, or -ENOSPC beyond MVT_LOWERS_MAX.
 */
int mvt_worker_add_segment(struct mvt_worker *lead, struct mvt_worker *w);

/** Frames taken from each hand-over ring in one iteration, at most. */
#define MVT_HANDOFF_TAKE 256

/**
 * Send what the other workers handed @p w, the lead worker of its lcore,
 * for the guests whose receive queues it fills (mvt_port_tx_worker()):
 * up to MVT_HANDOFF_TAKE frames from each ring, so that a worker handed
 * more than it can send still polls its own queues. Part of each loop
 * iteration (mvt_worker_main()), with more than one worker.
 *
 * @return the frames taken.
 */
uint16_t mvt_worker_take_handoffs(struct mvt_worker *w);

/**
 * VLAN lowers: the frames that @p rx, the worker of the first lower of a
 * device, receives with outer VLAN @p vid (0: the untagged ones) go,
 * without their tag, to the segment of worker @p w, on the same lcore.
 * Once any is set, a frame with no segment is dropped as no_lower. Before
 * the workers start.
 *
 * @return 0, or -ENOSPC beyond MVT_LOWERS_MAX.
 */
int mvt_worker_add_vlan(struct mvt_worker *rx, uint16_t vid,
	struct mvt_worker *w);

/**
 * Run the pipeline on @p n received frames from @p ingress (an endpoint
 * id, MVT_INGRESS_LOWER or MVT_INGRESS_HOST) and flush the outputs. Takes
 * ownership of the mbufs. Exposed for tests; the loop calls it.
 */
void mvt_worker_process(struct mvt_worker *w, const struct mvt_ep_table *t,
	uint16_t ingress, struct rte_mbuf **pkts, uint16_t n);

/** The lcore entry point (rte_eal_remote_launch); returns on dp->quit. */
int mvt_worker_main(void *worker);

/** The lcore @p w was created for. */
unsigned int mvt_worker_lcore(const struct mvt_worker *w);

/** What telemetry reports of a worker. */
struct mvt_worker_info {
	unsigned int lcore_id;
	uint16_t lower_rxq;		/**< RTE_MAX_QUEUES_PER_PORT: none */
	uint16_t queues_busy;		/**< a recent value, no more */
	uint16_t queues_idle;
	uint32_t bcast_queued;		/**< frames in the broadcast queue */
	/** frames other workers handed it that wait in its rings */
	uint32_t handoff_queued;
	const struct mvt_poll_list *polls; /**< control thread only */
};

/**
 * Fill @p info for @p w. Called by the control thread, which publishes
 * the poll lists, so that @c polls is stable until its next change.
 */
void mvt_worker_get_info(const struct mvt_worker *w,
	struct mvt_worker_info *info);

#endif /* MVT_WORKER_H */

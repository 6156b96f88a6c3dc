/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#ifndef MVT_WORKER_H
#define MVT_WORKER_H

/**
 * @file
 * The per-lcore worker: polls its share of the lower device's RX queues
 * and of the endpoints' virtqueues in bursts of MVT_BURST, and for each
 * burst runs the pipeline
 *
 *   rx burst -> classify (bulk MAC lookup) -> decide -> policy -> reflect ->
 *   dispatch
 *
 * where reflect is the software reflective relay (--hairpin), applied to
 * frames endpoints send.
 *
 * Dispatch puts each frame in one output buffer per destination (the
 * lower's TX queue, each endpoint); buffers are flushed at the end of the
 * burst. A frame with several destinations gets one reference per copy:
 * vhost enqueue copies into guest memory and the caller frees, ethdev TX
 * consumes one reference. A full ring drops and counts; nothing blocks.
 */

#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_rcu_qsbr.h>

#include "mvt_decide.h"
#include "mvt_lower.h"
#include "mvt_mactable.h"
#include "mvt_pollsched.h"
#include "mvt_stats.h"
#include "mvt_vhost.h"

/** What every worker shares, owned by the switch. */
struct mvt_dp {
	struct mvt_ep_table *tbl;	/**< published snapshot (RCU) */
	struct mvt_mactable *mt;
	struct mvt_vhost *vhost;	/**< array of MVT_MAX_ENDPOINTS */
	struct mvt_lower *lower;
	struct mvt_lower *host;		/**< the host port, NULL for none */
	struct rte_mempool *mp;
	struct rte_rcu_qsbr *qsbr;
	uint16_t nb_workers;
	uint8_t hairpin;		/**< software reflective relay */
	uint32_t bcqueuelen;		/**< broadcast queue length per worker */
	uint32_t max_sleep_us;		/**< longest idle sleep, 0: none; live */
	uint32_t quit;			/**< set to stop the workers */
};

/** One (endpoint, queue pair) a worker polls. */
struct mvt_poll {
	uint16_t ep;
	uint16_t qp;
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

/** Broadcast queue: hard limit of bcqueuelen, and floods per loop. */
#define MVT_BCQ_MAX MVT_BCQUEUELEN_MAX
#define MVT_BCAST_BUDGET 16

/**
 * An iteration that moved fewer frames than this is one of little work:
 * with --max-sleep-us the worker then sleeps, a little longer each time.
 */
#define MVT_SLEEP_BELOW (MVT_BURST / 2)

/** Frames one destination may hold before it is flushed. */
#define MVT_OUTBUF (2 * MVT_BURST)

struct mvt_outbuf {
	uint16_t n;
	uint16_t dirty;
	struct rte_mbuf *pkts[MVT_OUTBUF];
};

struct mvt_worker {
	struct mvt_dp *dp;
	struct mvt_lcore_stats *stats;
	unsigned int lcore_id;
	uint16_t index;			/**< 0 .. nb_workers - 1 */
	uint16_t lower_rxq;		/**< RTE_MAX_QUEUES_PER_PORT: none */
	uint16_t lower_txq;
	uint16_t lower_txq_shared;	/**< another worker uses it too */
	uint16_t host_rxq;		/**< RTE_MAX_QUEUES_PER_PORT: none */
	uint16_t host_txq;
	uint16_t host_txq_shared;
	uint16_t n_dirty;
	struct mvt_poll_list *polls;	/**< RCU-published */
	uint32_t polls_gen;		/**< generation of the last one set */
	uint32_t sleep_us;		/**< the next idle sleep, 0: none yet */
	struct mvt_sched sched;		/**< which of polls are busy */
	uint16_t dirty[MVT_MAX_ENDPOINTS];
	struct mvt_outbuf lower_out;
	struct mvt_outbuf host_out;
	struct mvt_outbuf ep_out[MVT_MAX_ENDPOINTS];
	/*
	 * The broadcast queue (Linux's bcqueuelen): group frames from the
	 * wire, and the copies the relay reflects, wait here for their flood
	 * to the endpoints, at most dp->bcqueuelen of them; MVT_BCAST_BUDGET
	 * are fanned out per loop. bcq_skip[i] is the mode mask that entry's
	 * flood leaves out: the relay's sender already delivered to them.
	 */
	uint32_t bcq_head;
	uint32_t bcq_tail;
	struct rte_mbuf *bcq[MVT_BCQ_MAX];
	uint8_t bcq_skip[MVT_BCQ_MAX];
};

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
 * Run the pipeline on @p n received frames from @p ingress (an endpoint
 * id, MVT_INGRESS_LOWER or MVT_INGRESS_HOST) and flush the outputs. Takes
 * ownership of the mbufs. Exposed for tests; the loop calls it.
 */
void mvt_worker_process(struct mvt_worker *w, const struct mvt_ep_table *t,
	uint16_t ingress, struct rte_mbuf **pkts, uint16_t n);

/** The lcore entry point (rte_eal_remote_launch); returns on dp->quit. */
int mvt_worker_main(void *worker);

#endif /* MVT_WORKER_H */

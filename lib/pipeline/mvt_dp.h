/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#ifndef MVT_DP_H
#define MVT_DP_H

/**
 * @file
 * The data path's shared context: what every worker reads, owned by
 * whoever runs the workers (the switch, or a test). mvt_dp_init() builds
 * the parts that do not depend on the configuration, so that the switch
 * and the tests that drive workers directly wire a data path one way.
 */

#include <stdint.h>
#include <unistd.h>

#include <rte_branch_prediction.h>
#include <rte_mempool.h>
#include <rte_rcu_qsbr.h>

#include "mvt_decide.h"
#include "mvt_mactable.h"
#include "mvt_offload.h"
#include "mvt_port.h"

/** Mbufs in each pool of software segmentation (direct, indirect). */
#define MVT_DP_GSO_MBUFS 8192

/** Frames each hand-over ring holds, from one worker to another. */
#define MVT_HANDOFF_RING 1024

/**
 * A frame one worker hands to the worker that fills its guest's receive
 * queue (mvt_port_tx_worker()): for endpoint @c id of segment @c seg, on
 * RX queue pair @c qp. A ring element: the mbuf may be one of several
 * references to a flooded frame, so it carries nothing of its own.
 */
struct mvt_handoff {
	struct rte_mbuf *m;
	uint16_t id;
	uint16_t qp;
	uint8_t seg;
	uint8_t hw_req;		/**< see struct mvt_outbuf */
	uint16_t pad;
};

/**
 * How a worker that sleeps (--max-sleep-us) is woken by what another
 * hands it: it sets @c asleep while its queues are armed to wake it, and
 * an eventfd in its sleep set is written by a worker that handed it
 * frames meanwhile (mvt_dp_handoff_kick()).
 */
struct mvt_handoff_wake {
	uint32_t asleep;
	int efd;		/**< -1: none */
} __rte_cache_aligned;

struct mvt_dp {
	struct mvt_ep_table *tbl;	/**< published snapshot (RCU) */
	struct mvt_mactable *mt;
	struct mvt_port *ports;		/**< endpoint ports, MVT_MAX_ENDPOINTS */
	struct mvt_port *lower;
	struct mvt_port *host;		/**< the host port, NULL for none */
	struct rte_mempool *mp;
	/** Software segmentation and checksums: pools, counters. */
	struct mvt_offload_ctx *offload;
	struct rte_rcu_qsbr *qsbr;
	/**
	 * With more than one worker: the single-producer single-consumer
	 * ring of struct mvt_handoff from worker s to worker d, at
	 * [s * nb_workers + d]; NULL with one worker.
	 */
	struct rte_ring **handoff;
	struct mvt_handoff_wake *handoff_wake;	/**< per worker, with rings */
	uint16_t nb_workers;
	uint8_t hairpin;		/**< software reflective relay */
	uint32_t bcqueuelen;		/**< broadcast queue length per worker */
	uint32_t max_sleep_us;		/**< longest idle sleep, 0: none; live */
	uint32_t quit;			/**< set to stop the workers */
	/**
	 * A segment after the first (one more lower): its own endpoint
	 * table, MAC table, lower, host port, hairpin and broadcast queue
	 * length; the first segment's ports, pool, offload context and RCU
	 * variable. quit and max_sleep_us are read from the first only.
	 */
	uint8_t shared;
};

/**
 * Set up @p dp (zeroed by the caller) for @p nb_workers workers: the RCU
 * variable (every lcore may register), a MAC table of @p mac_capacity
 * entries named after @p name, the endpoint port array (all closed), the
 * pools of software segmentation, the pool @p mp, and the default
 * broadcast queue length. The caller opens
 * the lower (and host) port, sets @c lower, @c host and @c tbl, and owns
 * the table.
 *
 * @return 0, or -ENOMEM with nothing left allocated.
 */
int mvt_dp_init(struct mvt_dp *dp, const char *name, uint16_t nb_workers,
	uint32_t mac_capacity, struct rte_mempool *mp);

/** Free what mvt_dp_init() allocated; every port must be closed. */
void mvt_dp_fini(struct mvt_dp *dp);

/**
 * The ring from worker @p from to worker @p to (both below nb_workers,
 * and different); there are rings only with more than one worker.
 */
static inline struct rte_ring *
mvt_dp_handoff_ring(const struct mvt_dp *dp, uint16_t from, uint16_t to)
{
	return dp->handoff[from * dp->nb_workers + to];
}

/**
 * After handing worker @p to frames: wake it if it sleeps. The full
 * fence pairs with the one mvt_dp_handoff_sleeping() makes between
 * setting @c asleep and looking at its rings, so that either it sees the
 * frames or this sees it asleep.
 */
static inline void
mvt_dp_handoff_kick(const struct mvt_dp *dp, uint16_t to)
{
	struct mvt_handoff_wake *k = &dp->handoff_wake[to];
	uint64_t one = 1;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (unlikely(__atomic_load_n(&k->asleep, __ATOMIC_RELAXED) != 0) &&
			write(k->efd, &one, sizeof(one)) < 0)
		return;	/* a full counter wakes it as well */
}

/** Frames the other workers handed worker @p w that wait in its rings. */
uint32_t mvt_dp_handoff_queued(const struct mvt_dp *dp, uint16_t w);

/**
 * Worker @p w is about to sleep (@p on) or is awake (!@p on), so that
 * what is handed to it meanwhile wakes it. @return with @p on, whether
 * frames wait in its rings already (then it must not sleep).
 */
int mvt_dp_handoff_sleeping(const struct mvt_dp *dp, uint16_t w, int on);

/**
 * Wait until no frame handed over before the call is still in a ring
 * (each waits at most for one loop iteration of the worker it was
 * handed to; that takes three grace periods of the RCU variable to see
 * out), so that an endpoint slot can be closed and used again. Nothing
 * to wait for with one worker. Control thread.
 */
void mvt_dp_handoff_settle(const struct mvt_dp *dp);

/**
 * Set up @p dp as one more segment of @p first's (see mvt_dp.shared):
 * a MAC table of its own for @p mac_capacity addresses, the rest shared.
 *
 * @return 0, or -ENOMEM.
 */
int mvt_dp_init_segment(struct mvt_dp *dp, const struct mvt_dp *first,
	const char *name, uint32_t mac_capacity);

#endif /* MVT_DP_H */

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#ifndef MVT_STATS_H
#define MVT_STATS_H

/**
 * @file
 * Counters: one block per worker lcore, written only by that lcore with
 * plain relaxed stores (no atomic read-modify-write), summed on read by any
 * thread with relaxed loads. Every port -- each endpoint, the lower device,
 * the host port -- has rx/tx packets and bytes and drops by reason, and the
 * classes do not overlap: for every frame received on a port,
 * rx = delivered somewhere + drops charged to that port's rx-side reasons.
 */

#include <stdint.h>

#include <rte_common.h>

#include "mvt_common.h"
#include "mvt_drop.h"

/** Port index of the lower device in counter arrays. */
#define MVT_PORT_LOWER MVT_MAX_ENDPOINTS
/** Port index of the host port. */
#define MVT_PORT_HOST (MVT_MAX_ENDPOINTS + 1)
#define MVT_PORTS (MVT_MAX_ENDPOINTS + 2)

/**
 * A port's counters besides its drops, with their telemetry names: one
 * list for the struct, the sums, the baselines and every report (the
 * offload ones only in the reports of one port).
 *
 * rx and tx count frames as the port sees them: a TCP super-frame a guest
 * sent is one rx frame of that guest; its segments, when the switch cut it
 * for a receiver, are each one tx frame of that receiver. The offload
 * counters belong to the port that sent the frames: offload_rx the frames
 * it sent with a valid offload request; sw_segmented its super-frames the
 * switch cut in software (sw_segments: the segments made); sw_csum its
 * frames whose checksums the switch completed.
 */
#define MVT_PORT_COUNTERS(_) \
	_(rx_packets)	/* frames the switch took from the port */ \
	_(rx_bytes) \
	_(tx_packets)	/* frames the switch handed to the port */ \
	_(tx_bytes) \
	_(multicast)	/* flood deliveries to the port */

/** The offload counters (see MVT_PORT_COUNTERS). */
#define MVT_PORT_OFFLOAD_COUNTERS(_) \
	_(offload_rx) \
	_(sw_segmented) \
	_(sw_segments) \
	_(sw_csum)

struct mvt_port_counters {
#define MVT_PORT_CTR_FIELD_(name) uint64_t name;
	MVT_PORT_COUNTERS(MVT_PORT_CTR_FIELD_)
	MVT_PORT_OFFLOAD_COUNTERS(MVT_PORT_CTR_FIELD_)
#undef MVT_PORT_CTR_FIELD_
	uint64_t drops[MVT_DROP_MAX];
};

/** What one worker lcore writes. */
struct mvt_lcore_stats {
	uint64_t busy_cycles;	/**< cycles of loops that moved frames */
	uint64_t idle_cycles;	/**< cycles of loops that found nothing */
	/** cycles of the polls that moved frames, each from the end of the
	 * poll before it (as testpmd's --record-core-cycles counts) */
	uint64_t poll_busy_cycles;
	uint64_t packets;	/**< frames received by this lcore */
	uint64_t loops;
	uint64_t no_mbuf;	/**< allocations the mbuf pool could not serve */
	uint64_t sleep_cycles;	/**< cycles asleep after little work */
	uint64_t sleeps;
	uint64_t wakeups;	/**< sleeps an arrival ended */
	/** frames whose verdict came from the verdict cache */
	uint64_t cached_verdicts;
	/** frames handed to the worker that fills their guest's queue */
	uint64_t handoffs;
	struct mvt_port_counters port[MVT_PORTS];
} __rte_cache_aligned;

/** Add @p v to a counter this lcore owns (single writer, relaxed). */
static inline void
mvt_ctr_add(uint64_t *c, uint64_t v)
{
	__atomic_store_n(c, *c + v, __ATOMIC_RELAXED);
}

/** Read one counter written by another lcore. */
static inline uint64_t
mvt_ctr_read(const uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

/** Sum port @p port over @p n lcore blocks into @p out. */
void mvt_stats_port_sum(const struct mvt_lcore_stats *const *blocks,
	unsigned int n, unsigned int port, struct mvt_port_counters *out);

/** Sum of a port's drops over all reasons. */
uint64_t mvt_stats_drops_total(const struct mvt_port_counters *c);

#endif /* MVT_STATS_H */

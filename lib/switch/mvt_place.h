/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#ifndef MVT_PLACE_H
#define MVT_PLACE_H

/**
 * @file
 * Placement of endpoint queue pairs on workers: pure functions of the
 * workers' load and queue counts, which the switch measures and keeps.
 */

#include <stdint.h>

/** One queue pair to place, and where it goes. */
struct mvt_place_q {
	uint16_t ep; /**< endpoint id */
	uint16_t qp; /**< queue pair of the endpoint */
	uint64_t rate; /**< its measured load (frames per second) */
	uint8_t worker; /**< out: the worker that polls it */
};

/**
 * The least loaded of @p n_workers (at least one) workers: the lowest
 * @p load, and among equal loads the fewest queues in @p nq, then the
 * lowest index.
 */
unsigned int mvt_place_least_loaded(const uint64_t *load,
		const unsigned int *nq, unsigned int n_workers);

/**
 * Place the @p n_queues queue pairs of a new endpoint: each on the least
 * loaded worker by @p load (busy cycles per second, not changed by what
 * this places, as it is not measured yet) and @p nq (queues per worker,
 * counting each one placed here). @p out[qp] gets the worker of queue
 * pair qp.
 */
void mvt_place_new(const uint64_t *load, unsigned int *nq,
		unsigned int n_workers, uint16_t n_queues, uint8_t *out);

/**
 * Rebalance: sort the @p n queue pairs of @p q heaviest first (equal
 * rates keep their order), then put each on the least loaded worker,
 * counting the rates and queues already put (greedy LPT).
 */
void mvt_place_rebalance(
		struct mvt_place_q *q, unsigned int n, unsigned int n_workers);

#endif /* MVT_PLACE_H */

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#ifndef MVT_POOL_H
#define MVT_POOL_H

/**
 * @file
 * The switch's mbuf pool, and a count of the allocations it could not
 * serve. The pool's ops are the ring ops with one addition: a get that the
 * pool could not serve at all (not a per-lcore cache refill that falls back
 * to a smaller request) adds one to the counter the calling lcore named
 * with mvt_pool_count_failures(), or to a shared one. Nothing is added to
 * the path of an allocation that succeeds.
 */

#include <stdint.h>

#include <rte_mempool.h>

/**
 * Create a pool of @p n mbufs on @p socket, with per-lcore caches of
 * @p cache, each holding a frame of @p max_frame bytes whole (at least
 * the default data room).
 *
 * @return the pool, or NULL with rte_errno set.
 */
struct rte_mempool *mvt_pool_create(const char *name, unsigned int n,
	unsigned int cache, uint32_t max_frame, int socket);

/**
 * Count the calling lcore's failed allocations in @p ctr (NULL: in the
 * shared counter). Called by a worker before its loop.
 */
void mvt_pool_count_failures(uint64_t *ctr);

/** Failed allocations of lcores that named no counter. */
uint64_t mvt_pool_failures_shared(void);

#endif /* MVT_POOL_H */

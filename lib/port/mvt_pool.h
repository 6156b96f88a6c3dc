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

#include <rte_branch_prediction.h>
#include <rte_mbuf.h>
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

/**
 * Free @p n frames, as rte_pktmbuf_free_bulk() does. When they are all
 * plain -- one direct segment with one reference, all of one pool, as a
 * vhost enqueue leaves the frames it copied -- they are already in the
 * state the pool keeps them in, and go back in one put, read from their
 * first cache line only; any other burst takes the general path whole.
 */
static inline void
mvt_pool_free_bulk(struct rte_mbuf **pkts, unsigned int n)
{
	const struct rte_mbuf *m;
	struct rte_mempool *mp;
	unsigned int i;

	if (n == 0)
		return;
	mp = pkts[0]->pool;
	for (i = 0; i < n; i++) {
		m = pkts[i];
		if (unlikely(m->pool != mp || m->nb_segs != 1 ||
				rte_mbuf_refcnt_read(m) != 1 ||
				!RTE_MBUF_DIRECT(m))) {
			rte_pktmbuf_free_bulk(pkts, n);
			return;
		}
	}
	rte_mempool_put_bulk(mp, (void **)pkts, n);
}

#endif /* MVT_POOL_H */

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

/*
 * The mbuf pool's failure count (mvt_pool.h): a get the pool cannot serve
 * is counted once, in the counter the lcore named; a cache refill that
 * falls back to the smaller request it was made for is not a failure.
 */

#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "mvt_common.h"
#include "mvt_pool.h"
#include "test.h"

#define N 64

static int
drain(struct rte_mempool *mp, struct rte_mbuf **m, unsigned int *got)
{
	unsigned int i;

	for (i = 0; i < N; i++) {
		m[i] = rte_pktmbuf_alloc(mp);
		if (m[i] == NULL)
			break;
	}
	*got = i;
	return 0;
}

static int
one_pool(unsigned int cache)
{
	struct rte_mbuf *m[N + 2];
	struct rte_mempool *mp;
	uint64_t fails = 0;
	unsigned int got;

	mp = mvt_pool_create(cache ? "pool_cached" : "pool_plain", N, cache,
		MVT_FRAME_MAX, SOCKET_ID_ANY);
	TEST_ASSERT_NOT_NULL(mp, "pool of %u (cache %u)", N, cache);
	mvt_pool_count_failures(&fails);
	drain(mp, m, &got);
	TEST_ASSERT_EQUAL(got, N, "cache %u: every mbuf could be had", cache);
	TEST_ASSERT_EQUAL(fails, 0, "cache %u: refills that fell back", cache);
	TEST_ASSERT_NULL(rte_pktmbuf_alloc(mp), "cache %u: pool empty", cache);
	TEST_ASSERT_EQUAL(fails, 1, "cache %u: one failure", cache);
	TEST_ASSERT(rte_pktmbuf_alloc_bulk(mp, &m[N], 2) != 0,
		"cache %u: bulk from an empty pool", cache);
	TEST_ASSERT_EQUAL(fails, 2, "cache %u: two failures", cache);
	rte_pktmbuf_free_bulk(m, N);
	TEST_ASSERT_NOT_NULL(m[0] = rte_pktmbuf_alloc(mp),
		"cache %u: mbufs back", cache);
	TEST_ASSERT_EQUAL(fails, 2, "cache %u: no failure after", cache);
	rte_pktmbuf_free(m[0]);
	/* an lcore that names no counter counts in the shared one */
	mvt_pool_count_failures(NULL);
	drain(mp, m, &got);
	TEST_ASSERT_NULL(rte_pktmbuf_alloc(mp), "cache %u: empty again", cache);
	TEST_ASSERT_EQUAL(fails, 2, "cache %u: not in the lcore's", cache);
	rte_pktmbuf_free_bulk(m, got);
	rte_mempool_free(mp);
	return TEST_SUCCESS;
}

static int
test_pool(void)
{
	uint64_t shared = mvt_pool_failures_shared();

	if (one_pool(0) != TEST_SUCCESS || one_pool(8) != TEST_SUCCESS)
		return TEST_FAILED;
	TEST_ASSERT_EQUAL(mvt_pool_failures_shared() - shared, 2,
		"shared failures");
	return TEST_SUCCESS;
}

REGISTER_TEST_COMMAND(pool_autotest, test_pool);

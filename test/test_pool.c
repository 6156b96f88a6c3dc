/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

/*
 * The mbuf pool's failure count (mvt_pool.h): a get the pool cannot serve
 * is counted once, in the counter the lcore named; a cache refill that
 * falls back to the smaller request it was made for is not a failure.
 * And mvt_pool_free_bulk(): every mbuf of a burst back in its pool, or
 * still held where another reference holds it, whatever the burst mixes.
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

/* An mbuf back from the pool is as a new one is. */
static int
check_fresh(struct rte_mempool *mp)
{
	struct rte_mbuf *m[N];
	unsigned int i;

	TEST_ASSERT_SUCCESS(rte_pktmbuf_alloc_bulk(mp, m, N),
		"%s: every mbuf again", mp->name);
	for (i = 0; i < N; i++)
		TEST_ASSERT(m[i]->nb_segs == 1 && m[i]->next == NULL &&
			rte_mbuf_refcnt_read(m[i]) == 1, "%s: mbuf %u as new",
			mp->name, i);
	rte_pktmbuf_free_bulk(m, N);
	return TEST_SUCCESS;
}

static int
free_bulk(void)
{
	struct rte_mempool *a, *b;
	struct rte_mbuf *m[N], *x[3];

	a = mvt_pool_create("pool_free_a", N, 0, MVT_FRAME_MAX, SOCKET_ID_ANY);
	b = mvt_pool_create("pool_free_b", N, 0, MVT_FRAME_MAX, SOCKET_ID_ANY);
	TEST_ASSERT(a != NULL && b != NULL, "two pools");
	/* plain: the one put */
	TEST_ASSERT_SUCCESS(rte_pktmbuf_alloc_bulk(a, m, 8), "8 mbufs");
	mvt_pool_free_bulk(m, 0);
	TEST_ASSERT_EQUAL(rte_mempool_avail_count(a), N - 8, "n = 0 frees none");
	mvt_pool_free_bulk(m, 8);
	TEST_ASSERT_EQUAL(rte_mempool_avail_count(a), N, "plain burst back");
	/* a frame another reference holds stays held, with one less */
	TEST_ASSERT_SUCCESS(rte_pktmbuf_alloc_bulk(a, m, 4), "4 mbufs");
	rte_mbuf_refcnt_update(m[2], 1);
	x[0] = m[2];
	mvt_pool_free_bulk(m, 4);
	TEST_ASSERT_EQUAL(rte_mempool_avail_count(a), N - 1, "shared one held");
	TEST_ASSERT_EQUAL(rte_mbuf_refcnt_read(x[0]), 1, "one reference left");
	mvt_pool_free_bulk(x, 1);
	TEST_ASSERT_EQUAL(rte_mempool_avail_count(a), N, "and then back");
	/* two pools in one burst */
	TEST_ASSERT(rte_pktmbuf_alloc_bulk(a, m, 2) == 0 &&
		rte_pktmbuf_alloc_bulk(b, &m[2], 2) == 0, "2 and 2 mbufs");
	mvt_pool_free_bulk(m, 4);
	TEST_ASSERT(rte_mempool_avail_count(a) == N &&
		rte_mempool_avail_count(b) == N, "each back in its pool");
	/* a chain, and a clone (indirect, of the other pool) of a frame */
	TEST_ASSERT_SUCCESS(rte_pktmbuf_alloc_bulk(a, m, 3), "3 mbufs");
	TEST_ASSERT_SUCCESS(rte_pktmbuf_chain(m[0], m[1]), "chain");
	x[0] = m[0];
	x[1] = rte_pktmbuf_clone(m[2], b);
	TEST_ASSERT_NOT_NULL(x[1], "clone");
	x[2] = m[2];
	mvt_pool_free_bulk(x, 2);
	TEST_ASSERT_EQUAL(rte_mempool_avail_count(a), N - 1,
		"the chain back, the cloned frame held");
	TEST_ASSERT_EQUAL(rte_mempool_avail_count(b), N, "the clone back");
	mvt_pool_free_bulk(&x[2], 1);
	TEST_ASSERT_EQUAL(rte_mempool_avail_count(a), N, "all back");
	if (check_fresh(a) != TEST_SUCCESS || check_fresh(b) != TEST_SUCCESS)
		return TEST_FAILED;
	rte_mempool_free(a);
	rte_mempool_free(b);
	return TEST_SUCCESS;
}

static int
test_pool(void)
{
	uint64_t shared = mvt_pool_failures_shared();

	if (one_pool(0) != TEST_SUCCESS || one_pool(8) != TEST_SUCCESS ||
			free_bulk() != TEST_SUCCESS)
		return TEST_FAILED;
	TEST_ASSERT_EQUAL(mvt_pool_failures_shared() - shared, 2,
		"shared failures");
	return TEST_SUCCESS;
}

REGISTER_TEST_COMMAND(pool_autotest, test_pool);

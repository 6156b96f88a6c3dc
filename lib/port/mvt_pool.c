/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_per_lcore.h>

#include "mvt_common.h"
#include "mvt_pool.h"

#define MVT_POOL_OPS "mvt_counted"
#define MVT_POOL_BACKEND "ring_mp_mc"

static RTE_DEFINE_PER_LCORE(uint64_t *, failure_ctr);
static uint64_t failures_shared;
static const struct rte_mempool_ops *backend;

static int
counted_alloc(struct rte_mempool *mp)
{
	return backend->alloc(mp);
}

static void
counted_free(struct rte_mempool *mp)
{
	backend->free(mp);
}

static int
counted_enqueue(struct rte_mempool *mp, void *const *objs, unsigned int n)
{
	return backend->enqueue(mp, objs, n);
}

static int
counted_dequeue(struct rte_mempool *mp, void **objs, unsigned int n)
{
	struct rte_mempool_cache *cache;
	uint64_t *ctr;
	int ret;

	ret = backend->dequeue(mp, objs, n);
	if (likely(ret == 0))
		return 0;
	/*
	 * Filling the lcore's cache asks for more than the caller wants and
	 * retries with what it wants on failure: only that retry counts.
	 */
	cache = rte_mempool_default_cache(mp, rte_lcore_id());
	if (cache != NULL && objs == cache->objs)
		return ret;
	ctr = RTE_PER_LCORE(failure_ctr);
	if (ctr != NULL)
		__atomic_store_n(ctr, *ctr + 1, __ATOMIC_RELAXED);
	else
		__atomic_fetch_add(&failures_shared, 1, __ATOMIC_RELAXED);
	return ret;
}

static unsigned int
counted_get_count(const struct rte_mempool *mp)
{
	return backend->get_count(mp);
}

static struct rte_mempool_ops counted_ops = {
	.name = MVT_POOL_OPS,
	.alloc = counted_alloc,
	.free = counted_free,
	.enqueue = counted_enqueue,
	.dequeue = counted_dequeue,
	.get_count = counted_get_count,
};

RTE_MEMPOOL_REGISTER_OPS(counted_ops);

static const struct rte_mempool_ops *
find_ops(const char *name)
{
	unsigned int i;

	for (i = 0; i < rte_mempool_ops_table.num_ops; i++)
		if (strcmp(rte_mempool_ops_table.ops[i].name, name) == 0)
			return &rte_mempool_ops_table.ops[i];
	return NULL;
}

struct rte_mempool *
mvt_pool_create(const char *name, unsigned int n, unsigned int cache,
	uint32_t max_frame, int socket)
{
	uint32_t room = RTE_MAX((uint32_t)RTE_MBUF_DEFAULT_DATAROOM, max_frame);

	RTE_BUILD_BUG_ON(RTE_MBUF_DEFAULT_DATAROOM < MVT_FRAME_MAX);
	/* the ring driver is a plugin: known only once the EAL loaded it */
	if (backend == NULL)
		backend = find_ops(MVT_POOL_BACKEND);
	if (backend == NULL) {
		rte_errno = ENOTSUP;
		return NULL;
	}
	return rte_pktmbuf_pool_create_by_ops(name, n, cache, 0,
		(uint16_t)(room + RTE_PKTMBUF_HEADROOM), socket, MVT_POOL_OPS);
}

void
mvt_pool_count_failures(uint64_t *ctr)
{
	RTE_PER_LCORE(failure_ctr) = ctr;
}

uint64_t
mvt_pool_failures_shared(void)
{
	return __atomic_load_n(&failures_shared, __ATOMIC_RELAXED);
}

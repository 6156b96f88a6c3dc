/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>

#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "mvt_dp.h"

/* The hand-over rings between every two of the workers (none for one). */
static int
handoff_init(struct mvt_dp *dp, const char *name, uint16_t nb_workers)
{
	char buf[RTE_RING_NAMESIZE];
	unsigned int s, d;

	if (nb_workers < 2)
		return 0;
	dp->handoff = rte_zmalloc("mvt_handoff",
		sizeof(*dp->handoff) * nb_workers * nb_workers,
		RTE_CACHE_LINE_SIZE);
	dp->handoff_wake = rte_zmalloc("mvt_handoff_wake",
		sizeof(*dp->handoff_wake) * nb_workers, RTE_CACHE_LINE_SIZE);
	if (dp->handoff == NULL || dp->handoff_wake == NULL)
		return -1;
	for (d = 0; d < nb_workers; d++)
		dp->handoff_wake[d].efd = -1;
	for (d = 0; d < nb_workers; d++) {
		dp->handoff_wake[d].efd = eventfd(0, EFD_NONBLOCK |
			EFD_CLOEXEC);
		if (dp->handoff_wake[d].efd < 0)
			return -1;
	}
	for (s = 0; s < nb_workers; s++) {
		for (d = 0; d < nb_workers; d++) {
			if (s == d)
				continue;
			snprintf(buf, sizeof(buf), "%s_ho%u_%u", name, s, d);
			dp->handoff[s * nb_workers + d] = rte_ring_create_elem(
				buf, sizeof(struct mvt_handoff),
				MVT_HANDOFF_RING, rte_socket_id(),
				RING_F_SP_ENQ | RING_F_SC_DEQ | RING_F_EXACT_SZ);
			if (dp->handoff[s * nb_workers + d] == NULL)
				return -1;
		}
	}
	return 0;
}

/* What is still in the rings is freed: the workers are gone. */
static void
handoff_fini(struct mvt_dp *dp)
{
	struct mvt_handoff e;
	unsigned int i;

	if (dp->handoff_wake != NULL)
		for (i = 0; i < dp->nb_workers; i++)
			if (dp->handoff_wake[i].efd >= 0)
				close(dp->handoff_wake[i].efd);
	rte_free(dp->handoff_wake);
	dp->handoff_wake = NULL;
	if (dp->handoff == NULL)
		return;
	for (i = 0; i < (unsigned int)dp->nb_workers * dp->nb_workers; i++) {
		if (dp->handoff[i] == NULL)
			continue;
		while (rte_ring_dequeue_elem(dp->handoff[i], &e,
				sizeof(e)) == 0)
			rte_pktmbuf_free(e.m);
		rte_ring_free(dp->handoff[i]);
	}
	rte_free(dp->handoff);
	dp->handoff = NULL;
}

uint32_t
mvt_dp_handoff_queued(const struct mvt_dp *dp, uint16_t w)
{
	uint32_t n = 0;
	uint16_t from;

	for (from = 0; dp->handoff != NULL && from < dp->nb_workers; from++)
		if (from != w)
			n += rte_ring_count(mvt_dp_handoff_ring(dp, from, w));
	return n;
}

int
mvt_dp_handoff_sleeping(const struct mvt_dp *dp, uint16_t w, int on)
{
	if (dp->handoff == NULL)
		return 0;
	__atomic_store_n(&dp->handoff_wake[w].asleep, (uint32_t)on,
		__ATOMIC_RELAXED);
	if (!on)
		return 0;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return mvt_dp_handoff_queued(dp, w) > 0;
}

void
mvt_dp_handoff_settle(const struct mvt_dp *dp)
{
	int i;

	if (dp->handoff == NULL)
		return;
	for (i = 0; i < 3; i++)
		rte_rcu_qsbr_synchronize(dp->qsbr, RTE_QSBR_THRID_INVALID);
}

int
mvt_dp_init(struct mvt_dp *dp, const char *name, uint16_t nb_workers,
	uint32_t mac_capacity, struct rte_mempool *mp)
{
	char buf[RTE_MEMZONE_NAMESIZE];
	uint16_t id;
	size_t sz;

	sz = rte_rcu_qsbr_get_memsize(RTE_MAX_LCORE);
	dp->qsbr = rte_zmalloc("mvt_qsbr", sz, RTE_CACHE_LINE_SIZE);
	if (dp->qsbr == NULL || rte_rcu_qsbr_init(dp->qsbr, RTE_MAX_LCORE) != 0)
		goto fail;
	snprintf(buf, sizeof(buf), "%s_macs", name);
	dp->mt = mvt_mactable_create(buf, mac_capacity, rte_socket_id(),
		dp->qsbr);
	dp->ports = rte_zmalloc("mvt_ports",
		sizeof(*dp->ports) * MVT_MAX_ENDPOINTS, RTE_CACHE_LINE_SIZE);
	dp->offload = rte_zmalloc("mvt_offload", sizeof(*dp->offload),
		RTE_CACHE_LINE_SIZE);
	if (dp->mt == NULL || dp->ports == NULL || dp->offload == NULL)
		goto fail;
	snprintf(buf, sizeof(buf), "%s_gso", name);
	if (mvt_offload_ctx_init(dp->offload, buf, MVT_DP_GSO_MBUFS,
			rte_socket_id()) != 0) {
		rte_free(dp->offload);
		dp->offload = NULL;
		goto fail;
	}
	for (id = 0; id < MVT_MAX_ENDPOINTS; id++)
		mvt_port_init(&dp->ports[id]);
	dp->mp = mp;
	dp->nb_workers = nb_workers;
	dp->bcqueuelen = MVT_BCQUEUELEN_DEFAULT;
	if (handoff_init(dp, name, nb_workers) != 0)
		goto fail;
	return 0;
fail:
	mvt_dp_fini(dp);
	return -ENOMEM;
}

int
mvt_dp_init_segment(struct mvt_dp *dp, const struct mvt_dp *first,
	const char *name, uint32_t mac_capacity)
{
	char buf[RTE_MEMZONE_NAMESIZE];

	snprintf(buf, sizeof(buf), "%s_macs", name);
	dp->mt = mvt_mactable_create(buf, mac_capacity, rte_socket_id(),
		first->qsbr);
	if (dp->mt == NULL)
		return -ENOMEM;
	dp->shared = 1;
	dp->qsbr = first->qsbr;
	dp->ports = first->ports;
	dp->handoff = first->handoff;
	dp->handoff_wake = first->handoff_wake;
	dp->offload = first->offload;
	dp->mp = first->mp;
	dp->nb_workers = first->nb_workers;
	dp->bcqueuelen = first->bcqueuelen;
	return 0;
}

void
mvt_dp_fini(struct mvt_dp *dp)
{
	if (dp->shared) {
		mvt_mactable_free(dp->mt);
		memset(dp, 0, sizeof(*dp));
		return;
	}
	mvt_mactable_free(dp->mt);
	handoff_fini(dp);
	if (dp->offload != NULL)
		mvt_offload_ctx_free(dp->offload);
	rte_free(dp->offload);
	rte_free(dp->ports);
	rte_free(dp->qsbr);
	dp->mt = NULL;
	dp->ports = NULL;
	dp->offload = NULL;
	dp->qsbr = NULL;
}

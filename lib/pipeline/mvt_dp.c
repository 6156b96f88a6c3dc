/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_lcore.h>
#include <rte_malloc.h>

#include "mvt_dp.h"

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

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#include <string.h>

#include "mvt_stats.h"

void
mvt_stats_port_sum(const struct mvt_lcore_stats *const *blocks,
	unsigned int n, unsigned int port, struct mvt_port_counters *out)
{
	const struct mvt_port_counters *c;
	unsigned int i, r;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < n; i++) {
		c = &blocks[i]->port[port];
#define SUM_(name) out->name += mvt_ctr_read(&c->name);
		MVT_PORT_COUNTERS(SUM_)
		MVT_PORT_OFFLOAD_COUNTERS(SUM_)
#undef SUM_
		for (r = 0; r < MVT_DROP_MAX; r++)
			out->drops[r] += mvt_ctr_read(&c->drops[r]);
	}
}

uint64_t
mvt_stats_drops_total(const struct mvt_port_counters *c)
{
	uint64_t sum = 0;
	unsigned int r;

	for (r = 0; r < MVT_DROP_MAX; r++)
		sum += c->drops[r];
	return sum;
}

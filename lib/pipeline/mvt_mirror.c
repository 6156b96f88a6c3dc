/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#include <string.h>

#include <rte_malloc.h>

#include "mvt_mirror.h"
#include "mvt_stats.h"

struct mvt_mirror *
mvt_mirror_create(uint16_t id, unsigned int dirs, struct mvt_port *dst)
{
	struct mvt_mirror *m;

	m = rte_zmalloc("mvt_mirror", sizeof(*m), RTE_CACHE_LINE_SIZE);
	if (m == NULL)
		return NULL;
	m->id = id;
	m->dirs = (uint8_t)dirs;
	m->dst = dst;
	return m;
}

void
mvt_mirror_read(const struct mvt_mirror *m, struct mvt_port_counters *out)
{
	const struct mvt_port_counters *c;
	unsigned int w, r;

	memset(out, 0, sizeof(*out));
	for (w = 0; w < MVT_MAX_WORKERS; w++) {
		c = &m->worker[w].c;
		out->tx_packets += mvt_ctr_read(&c->tx_packets);
		out->tx_bytes += mvt_ctr_read(&c->tx_bytes);
		for (r = 0; r < MVT_DROP_MAX; r++)
			out->drops[r] += mvt_ctr_read(&c->drops[r]);
	}
}

void
mvt_mirror_free(struct mvt_mirror *m)
{
	rte_free(m);
}

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#include <string.h>

#include "mvt_common.h"
#include "mvt_place.h"

unsigned int
mvt_place_least_loaded(const uint64_t *load, const unsigned int *nq,
		unsigned int n_workers)
{
	unsigned int w, best = 0;

	for (w = 1; w < n_workers; w++)
		if (load[w] < load[best] ||
				(load[w] == load[best] && nq[w] < nq[best]))
			best = w;
	return best;
}

void
mvt_place_new(const uint64_t *load, unsigned int *nq, unsigned int n_workers,
		uint16_t n_queues, uint8_t *out)
{
	unsigned int w;
	uint16_t qp;

	for (qp = 0; qp < n_queues; qp++) {
		w = mvt_place_least_loaded(load, nq, n_workers);
		out[qp] = (uint8_t)w;
		nq[w]++;
	}
}

void
mvt_place_rebalance(
		struct mvt_place_q *q, unsigned int n, unsigned int n_workers)
{
	unsigned int nq[MVT_MAX_WORKERS], i, j, w;
	uint64_t load[MVT_MAX_WORKERS];
	struct mvt_place_q tmp;

	for (i = 1; i < n; i++)
		for (j = i; j > 0 && q[j].rate > q[j - 1].rate; j--) {
			tmp = q[j];
			q[j] = q[j - 1];
			q[j - 1] = tmp;
		}
	memset(nq, 0, sizeof(nq));
	memset(load, 0, sizeof(load));
	for (i = 0; i < n; i++) {
		w = mvt_place_least_loaded(load, nq, n_workers);
		q[i].worker = (uint8_t)w;
		load[w] += q[i].rate;
		nq[w]++;
	}
}

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#include <string.h>

#include <rte_common.h>

#include "mvt_eptable.h"

static const struct {
	const char *name;
	unsigned int mode;
} mode_names[] = {
	{ "private", MVT_MODE_PRIVATE },
	{ "vepa", MVT_MODE_VEPA },
	{ "bridge", MVT_MODE_BRIDGE },
	{ "passthru", MVT_MODE_PASSTHRU },
	{ "source", MVT_MODE_SOURCE },
};

const char *
mvt_mode_name(unsigned int mode)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(mode_names); i++)
		if (mode_names[i].mode == mode)
			return mode_names[i].name;
	return NULL;
}

unsigned int
mvt_mode_parse(const char *name)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(mode_names); i++)
		if (strcmp(mode_names[i].name, name) == 0)
			return mode_names[i].mode;
	return 0;
}

/* Generations of every table, so that no two snapshots share one. */
static uint32_t table_gens;

void
mvt_ep_table_derive(struct mvt_ep_table *t, unsigned int n_policies,
	unsigned int n_out_policies)
{
	const struct mvt_ep_state *e;
	uint16_t id;

	t->passthru = MVT_EP_NONE;
	t->has_src_lists = 0;
	for (id = 0; id < t->n_eps; id++) {
		e = &t->ep[id];
		if (e->mode == MVT_MODE_PASSTHRU)
			t->passthru = id;
		if (e->n_src > 0)
			t->has_src_lists = 1;
	}
	t->has_policies = n_policies > 0;
	t->has_out_policies = n_out_policies > 0;
	t->gen = __atomic_add_fetch(&table_gens, 1, __ATOMIC_RELAXED);
}

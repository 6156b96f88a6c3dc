/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#ifndef MVT_TEL_PAGE_H
#define MVT_TEL_PAGE_H

/**
 * @file
 * Pages of the /mvtap/endpoints telemetry reply, built from rows that a
 * callback gives, so that the paging can be tested on endpoints that no
 * switch holds.
 */

#include <stdint.h>

#include <rte_telemetry.h>

#include "mvt_stats.h"

/** What /mvtap/endpoints shows of one endpoint. */
struct mvt_tel_ep_row {
	const char *name;
	uint64_t mac;
	const char *mode;
	const char *state;
	struct mvt_port_counters c;
};

/**
 * Fill @p row with the endpoint in slot @p slot.
 * @return 0, or -ENOENT when the slot holds no endpoint
 */
typedef int (*mvt_tel_ep_row_fn)(void *arg, uint16_t slot,
	struct mvt_tel_ep_row *row);

/**
 * One page of /mvtap/endpoints into @p d: a dict of the endpoints of the
 * slots from @p start on, by name, and, when slots below @p n_slots are
 * left, "next": the slot the following page starts at.
 * @return 0, or -ENOMEM
 */
int mvt_tel_endpoints_page(struct rte_tel_data *d, uint16_t start,
	uint16_t n_slots, mvt_tel_ep_row_fn fn, void *arg);

/** The counters of a port, drops as their total, into @p d. */
void mvt_tel_add_counters(struct rte_tel_data *d,
	const struct mvt_port_counters *c);

/** A MAC as "xx:xx:xx:xx:xx:xx" under @p key into @p d. */
void mvt_tel_add_mac(struct rte_tel_data *d, const char *key, uint64_t mac);

#endif /* MVT_TEL_PAGE_H */

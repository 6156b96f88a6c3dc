/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#include <errno.h>

#include <rte_common.h>

#include "mvt_common.h"
#include "mvt_tel_page.h"

/* One page of /mvtap/endpoints: its reply must fit telemetry's 16 KiB. */
#define ENDPOINTS_PAGE 64

void
mvt_tel_add_mac(struct rte_tel_data *d, const char *key, uint64_t mac)
{
	char buf[MVT_MAC_STRLEN];

	mvt_mac_format(mac, buf);
	rte_tel_data_add_dict_string(d, key, buf);
}

void
mvt_tel_add_counters(struct rte_tel_data *d, const struct mvt_port_counters *c)
{
	rte_tel_data_add_dict_u64(d, "rx_packets", c->rx_packets);
	rte_tel_data_add_dict_u64(d, "rx_bytes", c->rx_bytes);
	rte_tel_data_add_dict_u64(d, "tx_packets", c->tx_packets);
	rte_tel_data_add_dict_u64(d, "tx_bytes", c->tx_bytes);
	rte_tel_data_add_dict_u64(d, "multicast", c->multicast);
	rte_tel_data_add_dict_u64(d, "drops", mvt_stats_drops_total(c));
}

int
mvt_tel_endpoints_page(struct rte_tel_data *d, uint16_t start,
	uint16_t n_slots, mvt_tel_ep_row_fn fn, void *arg)
{
	struct mvt_tel_ep_row row;
	struct rte_tel_data *e;
	uint16_t id, end;

	end = RTE_MIN(n_slots, start + ENDPOINTS_PAGE);
	rte_tel_data_start_dict(d);
	for (id = start; id < end; id++) {
		if (fn(arg, id, &row) != 0)
			continue;
		e = rte_tel_data_alloc();
		if (e == NULL)
			return -ENOMEM;
		rte_tel_data_start_dict(e);
		mvt_tel_add_mac(e, "mac", row.mac);
		rte_tel_data_add_dict_string(e, "mode", row.mode);
		rte_tel_data_add_dict_string(e, "state", row.state);
		mvt_tel_add_counters(e, &row.c);
		rte_tel_data_add_dict_container(d, row.name, e, 0);
	}
	if (end < n_slots)
		rte_tel_data_add_dict_int(d, "next", end);
	return 0;
}

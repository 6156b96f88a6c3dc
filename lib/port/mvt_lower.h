/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#ifndef MVT_LOWER_H
#define MVT_LOWER_H

/**
 * @file
 * The lower device (and the host port, an ethdev opened the same way):
 * one ethdev port, a PCI NIC or any vdev, with one RX
 * and one TX queue per worker (RSS spreads RX where the device has it) and
 * the up endpoints' MACs in its unicast filter. It goes promiscuous only
 * when the filter is full, for an up passthru endpoint, or when asked.
 */

#include <stddef.h>
#include <stdint.h>

#include <rte_ethdev.h>
#include <rte_mempool.h>
#include <rte_spinlock.h>

#include "mvt_conf.h"

struct mvt_lower {
	uint16_t port_id;
	uint16_t nb_rxq;		/**< RX queues (<= workers) */
	uint16_t nb_txq;		/**< TX queues (<= workers) */
	uint8_t probed;			/**< we hot-plugged it; we remove it */
	uint8_t have_port;		/**< port_id names our device */
	uint8_t started;
	uint8_t promisc;		/**< promiscuous now */
	uint8_t promisc_forced;		/**< asked for, or passthru */
	uint32_t mac_used;		/**< endpoint MACs in the filter */
	uint32_t mac_max;		/**< filter size, own MAC excluded */
	uint64_t mac;			/**< the device's own MAC */
	char name[RTE_ETH_NAME_MAX_LEN];
	/** Taken only when workers outnumber TX queues and must share. */
	rte_spinlock_t txq_lock[RTE_MAX_QUEUES_PER_PORT];
};

/**
 * Find or probe the device named by @p devargs, configure @p nb_queues
 * queue pairs (fewer if the device has fewer) and start it. The host port
 * is opened the same way; @p opt ("--lower", "--host-port") names the
 * option in error messages.
 *
 * @return 0, or -1 with one line in @p err.
 */
int mvt_lower_open(struct mvt_lower *l, const char *opt, const char *devargs,
	uint16_t nb_queues, struct rte_mempool *mp, char *err, size_t errlen);

/** Descriptors per RX and per TX queue of the lower and the host port. */
#define MVT_LOWER_DESC 1024

/**
 * mvt_lower_open() with @p nb_desc descriptors per RX and per TX queue
 * (the device may adjust them): each RX descriptor holds an mbuf of the
 * pool for as long as the port is open.
 */
int mvt_lower_open_desc(struct mvt_lower *l, const char *opt,
	const char *devargs, uint16_t nb_queues, uint16_t nb_desc,
	struct rte_mempool *mp, char *err, size_t errlen);

/** Put @p mac in the unicast filter, or go promiscuous if it is full. */
int mvt_lower_add_mac(struct mvt_lower *l, uint64_t mac);

/** Take @p mac out of the unicast filter. */
void mvt_lower_del_mac(struct mvt_lower *l, uint64_t mac);

/** Force promiscuous mode on (passthru, --promisc). */
void mvt_lower_force_promisc(struct mvt_lower *l);

/** Stop and close the device, and remove it if we probed it. */
void mvt_lower_close(struct mvt_lower *l);

#endif /* MVT_LOWER_H */

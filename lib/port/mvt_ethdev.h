/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#ifndef MVT_ETHDEV_H
#define MVT_ETHDEV_H

/**
 * @file
 * An ethdev port: the lower device, the host port, or the net_tap device
 * of a tap endpoint. A PCI NIC or any vdev, with one RX and one TX queue
 * per worker where it has them (RSS spreads RX where the device has it);
 * the lower has the up endpoints' MACs in its unicast filter and goes
 * promiscuous only when the filter is full, for an up passthru endpoint,
 * or when asked.
 */

#include <stddef.h>
#include <stdint.h>

#include <rte_ethdev.h>
#include <rte_mempool.h>
#include <rte_spinlock.h>

#include "mvt_conf.h"

struct mvt_ethdev {
	uint16_t port_id;
	uint16_t nb_rxq;		/**< RX queues (<= workers) */
	uint16_t nb_txq;		/**< TX queues (<= workers) */
	uint8_t probed;			/**< we hot-plugged it; we remove it */
	uint8_t have_port;		/**< port_id names our device */
	uint8_t started;
	uint8_t promisc;		/**< promiscuous now */
	uint8_t promisc_forced;		/**< asked for, or passthru */
	uint8_t txq_shared;		/**< more workers than TX queues */
	uint32_t mac_used;		/**< endpoint MACs in the filter */
	uint32_t mac_max;		/**< filter size, own MAC excluded */
	uint64_t mac;			/**< the device's own MAC */
	uint64_t tx_offloads;		/**< TX offloads enabled */
	uint32_t mtu;			/**< its MTU */
	uint8_t rx_intr;		/**< RX interrupts: rx_wake_fd */
	uint8_t rx_sigio;		/**< net_tap: reads after its signal */
	/**
	 * Per RX queue, the descriptor that becomes readable when frames
	 * arrive and the queue's interrupt is on (mvt_ethdev_rx_wake()),
	 * -1: none (the device has no RX interrupts).
	 */
	int rx_wake_fd[MVT_MAX_WORKERS];
	char name[RTE_ETH_NAME_MAX_LEN];
	/**
	 * Taken only when workers outnumber TX queues and must share; one
	 * cache line each, since workers that take different ones would
	 * otherwise still pass one line between them (scale_perf_autotest:
	 * as costly as one contended lock).
	 */
	struct {
		rte_spinlock_t lock;
	} __rte_cache_aligned txq_lock[MVT_MAX_WORKERS];
};

/** The TX offloads enabled where the device has them. */
#define MVT_ETHDEV_TX_OFFLOADS (RTE_ETH_TX_OFFLOAD_MULTI_SEGS | \
	RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_TCP_CKSUM | \
	RTE_ETH_TX_OFFLOAD_UDP_CKSUM | RTE_ETH_TX_OFFLOAD_TCP_TSO | \
	RTE_ETH_TX_OFFLOAD_VLAN_INSERT)

/**
 * With an MTU to mvt_ethdev_open_desc(): that, or the default MVT_MTU (at
 * most the device's largest) if the device does not take it.
 */
#define MVT_ETHDEV_MTU_AT_MOST 0x80000000u

/** Descriptors per RX and per TX queue of the lower and the host port. */
#define MVT_LOWER_DESC 1024

/**
 * Find or probe the device named by @p devargs, configure @p nb_queues
 * queue pairs (fewer if the device has fewer) with @p nb_desc descriptors
 * per RX and per TX queue (the device may adjust them; each RX descriptor
 * holds an mbuf of the pool for as long as the port is open) and start it.
 * @p nb_users workers transmit on it: worker i on queue i % nb_txq, under
 * a lock when they outnumber the queues. @p opt ("--lower", "--host-port",
 * "--endpoint") names the option in error messages.
 * The device gets MTU @p mtu, which it must take (with
 * MVT_ETHDEV_MTU_AT_MOST: or else the default), and the mbufs of
 * @p mp must hold its longest frame (MVT_MTU_FRAME()) whole; a driver
 * without an MTU setting (net_ring, net_vhost) limits no frame and is
 * accepted. l->mtu is the MTU it got.
 *
 * @return 0, or -1 with one line in @p err.
 */
int mvt_ethdev_open_desc(struct mvt_ethdev *l, const char *opt,
	const char *devargs, uint16_t nb_queues, uint16_t nb_users,
	uint16_t nb_desc, uint32_t mtu, struct rte_mempool *mp, char *err,
	size_t errlen);

/**
 * mvt_ethdev_open_desc() with MVT_LOWER_DESC descriptors and as many
 * users as queues asked for: the lower and the host port.
 */
int mvt_ethdev_open(struct mvt_ethdev *l, const char *opt, const char *devargs,
	uint16_t nb_queues, uint32_t mtu, struct rte_mempool *mp, char *err,
	size_t errlen);

/** Put @p mac in the unicast filter, or go promiscuous if it is full. */
int mvt_ethdev_add_mac(struct mvt_ethdev *l, uint64_t mac);

/** Take @p mac out of the unicast filter. */
void mvt_ethdev_del_mac(struct mvt_ethdev *l, uint64_t mac);

/** Force promiscuous mode on (passthru, --promisc). */
void mvt_ethdev_force_promisc(struct mvt_ethdev *l);

/**
 * For the worker that polls RX queue @p q and is about to sleep (@p on)
 * or is awake again (!@p on): turn the queue's interrupt on or off.
 * @p *fd is the descriptor an arrival makes readable (an edge, for
 * epoll's EPOLLET), -1 if the device has none.
 *
 * @return with @p on, the frames that already wait (0 if the device
 * cannot say): a worker that sleeps now would leave them until its timeout.
 */
int mvt_ethdev_rx_wake(struct mvt_ethdev *l, uint16_t q, int on, int *fd);

/**
 * The calling thread polls RX queue @p q from now on (@p mine), or no
 * longer: net_tap reads a queue only after the handler of the signal
 * the kernel sends on each arrival has run, on whatever thread took it;
 * directed at the polling thread (F_SETOWN_EX), it runs there at once,
 * and ends that thread's sleep. Without @p mine, the process takes it
 * again. Nothing for other drivers.
 */
void mvt_ethdev_rx_claim(struct mvt_ethdev *l, uint16_t q, int mine);

/** Stop and close the device, and remove it if we probed it. */
void mvt_ethdev_close(struct mvt_ethdev *l);

/**
 * Transmit @p n frames from worker @p worker. The frames sent are the
 * device's; the rest, from the returned count on, stay the caller's.
 */
static inline uint16_t
mvt_ethdev_tx_burst(struct mvt_ethdev *l, uint16_t worker,
	struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t txq = l->nb_txq > 1 ? worker % l->nb_txq : 0;
	uint16_t sent;

	if (!l->txq_shared)
		return rte_eth_tx_burst(l->port_id, txq, pkts, n);
	rte_spinlock_lock(&l->txq_lock[txq].lock);
	sent = rte_eth_tx_burst(l->port_id, txq, pkts, n);
	rte_spinlock_unlock(&l->txq_lock[txq].lock);
	return sent;
}

/**
 * rte_eth_tx_prepare() on the queue mvt_ethdev_tx_burst() would use:
 * what the device needs done to frames that ask it for offloads (the
 * pseudo-header checksums, for most). @return the frames, from the
 * first, that are fit to send; pkts[return] is not, when it is < @p n.
 */
static inline uint16_t
mvt_ethdev_tx_prepare(struct mvt_ethdev *l, uint16_t worker,
	struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t txq = l->nb_txq > 1 ? worker % l->nb_txq : 0;

	return rte_eth_tx_prepare(l->port_id, txq, pkts, n);
}

#endif /* MVT_ETHDEV_H */

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#ifndef MVT_PORT_H
#define MVT_PORT_H

/**
 * @file
 * Ports: every place frames enter and leave the switch, behind one
 * interface. A port is the lower device or the host port (an ethdev), a
 * vhost-user endpoint, or a tap endpoint (a kernel interface); the
 * pipeline sees only mvt_port_rx_burst() and mvt_port_tx_burst(), which
 * are inline and cost one branch on the kind per burst.
 *
 * What a port can take lives here, in one place (@c caps): the longest
 * frame, and the offloads it completes itself -- checksums, TCP
 * segmentation, chained mbufs. An ethdev's are fixed when it is opened; a
 * vhost-user endpoint's follow the features its guest negotiated, set
 * before the port is ready and read by the workers only once it is.
 *
 * A closed port (an endpoint slot not in use) takes nothing: its frames
 * are not_ready drops.
 *
 * Ownership on TX: the frames a port sent are its own (an ethdev queues
 * them, a vhost enqueue copies them and frees them here); the rest, from
 * the returned count on, stay the caller's, with the reason in @p *why.
 */

#include <stddef.h>
#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "mvt_common.h"
#include "mvt_conf.h"
#include "mvt_drop.h"
#include "mvt_ethdev.h"
#include "mvt_offload.h"
#include "mvt_tap.h"
#include "mvt_vhost.h"
#include "mvt_vlan.h"

enum mvt_port_kind {
	MVT_PORT_KIND_NONE = 0,	/**< closed */
	MVT_PORT_KIND_ETHDEV,	/**< the lower device, the host port */
	MVT_PORT_KIND_VHOST,	/**< a vhost-user endpoint */
	MVT_PORT_KIND_TAP,	/**< a tap endpoint's kernel interface */
};

struct mvt_capture;
struct mvt_mirror;

struct mvt_port {
	uint8_t kind;		/**< enum mvt_port_kind */
	uint8_t vlan_hw;	/**< VLAN lower: the device inserts the tag */
	uint16_t vlan;		/**< ETHDEV: a VLAN lower's VID, 0: none */
	/**
	 * What it takes: caps.max_frame is its longest frame (DA to
	 * payload) on receive and transmit, a super-frame's segments
	 * included; the rest say what it completes itself.
	 */
	struct mvt_offload_caps caps;
	/**
	 * The capture of this port's frames, NULL: none (RCU-published by
	 * the control thread, read once per burst by the workers).
	 */
	struct mvt_capture *capture;
	/** The mirror this port is a source of, NULL: none (as capture). */
	struct mvt_mirror *mirror;
	union {
		struct mvt_ethdev eth;	/**< ETHDEV, and TAP (tap.eth) */
		struct mvt_tap tap;
		struct mvt_vhost vhost;
	};
	/**
	 * An endpoint: the worker + 1 that polls each of its queue pairs
	 * (0: none known), set by the control thread with the poll lists,
	 * so that one worker alone fills a shared receive queue
	 * (mvt_port_tx_worker()); after the union, read only with several
	 * workers.
	 */
	uint8_t rx_owner[MVT_QUEUES_MAX];
	/*
	 * VLAN lower: the device's ethdev (its TX queue locks), and the pool
	 * of the copies of shared frames; after the hot fields, read only
	 * when vlan is set.
	 */
	struct mvt_ethdev *vlan_dev;
	struct rte_mempool *vlan_mp;
};

/** The ethdev of an ETHDEV or TAP port: the same place for both. */
static inline struct mvt_ethdev *
mvt_port_eth(struct mvt_port *p)
{
	RTE_BUILD_BUG_ON(offsetof(struct mvt_tap, eth) != 0);
	return &p->eth;
}

/**
 * Make @p p a closed port that takes frames of the default size once it
 * is opened: what every port is before its first open.
 */
void mvt_port_init(struct mvt_port *p);

/**
 * Open the lower device or the host port from @p devargs with
 * @p nb_queues queue pairs, for @p nb_queues workers, and MTU @p mtu (see
 * mvt_ethdev_open_desc()).
 *
 * @return 0, or -1 with one line in @p err.
 */
int mvt_port_open_ethdev(struct mvt_port *p, const char *opt,
	const char *devargs, uint16_t nb_queues, uint32_t mtu,
	struct rte_mempool *mp, char *err, size_t errlen);

/**
 * Open the port of endpoint @p id from @p ec: its vhost-user socket, or
 * for type=tap its kernel interface with MAC @p mac, taking frames of MTU
 * @p mtu (a guest that sets a smaller one gets that). @p nb_workers
 * workers transmit to it.
 *
 * @return 0, or -1 with one line in @p err (nothing left behind).
 */
int mvt_port_open_endpoint(struct mvt_port *p, uint16_t id,
	const struct mvt_endpoint_conf *ec, uint64_t mac, uint32_t mtu,
	uint16_t nb_workers, struct rte_mempool *mp, char *err, size_t errlen);

/**
 * Close the port (unregister the socket, remove the device). What it
 * takes (@c caps) stays: a frame it sent may still be in the
 * pipeline.
 */
void mvt_port_close(struct mvt_port *p);

/**
 * For a process that exits without closing its ports (a worker is
 * stuck): remove what would outlive it, a server endpoint's socket file.
 */
void mvt_port_abandon(struct mvt_port *p);

/**
 * Make @p p a lower on the device @p dev opened: another lower of the same
 * device (a VLAN lower beside the first lower of its device). It shares
 * the device's queues: it polls nothing itself (the device's first lower
 * receives for all its lowers) and sends on the device's TX queues.
 * Its own MTU is @p mtu, at most the device's. Closing it leaves the
 * device open.
 */
void mvt_port_open_shared(struct mvt_port *p, struct mvt_port *dev,
	uint32_t mtu);

/**
 * Make lower port @p p (opened or shared) the VLAN @p vid of its device:
 * it sends its frames tagged (mvt_vlan_push()), in the hardware when the
 * device inserts tags. Copies of shared frames come from @p mp. With
 * @p strip, also turn on the device's VLAN stripping if it has it.
 *
 * @return 0, or -ENOTSUP if @p p is not an ethdev port.
 */
int mvt_port_set_vlan(struct mvt_port *p, uint16_t vid, int strip,
	struct rte_mempool *mp);

/** What telemetry reports of an endpoint's port. */
struct mvt_port_info {
	const char *role;	/**< "server", "client" or "tap" */
	const char *path;	/**< the socket, or the interface name */
	const char *netns;	/**< tap: its namespace, "" for ours */
	uint16_t queues;	/**< queue pairs configured */
	uint16_t queue_pairs;	/**< queue pairs the frontend brought */
	uint8_t ready;		/**< frames can pass */
	uint8_t is_client;
	uint64_t features;	/**< negotiated virtio features */
	uint8_t dirty_log;	/**< a live migration logs dirty pages */
	uint64_t log_starts;	/**< live migrations started */
	uint64_t connects;
	uint64_t frontends_refused;
	uint64_t queue_pairs_refused;
	uint64_t connect_attempts;
	uint32_t mtu;		/**< the MTU its frames are held to */
	uint16_t frontend_mtu;	/**< vhost: the MTU its frontend set, 0: none */
};

/** Fill @p info for endpoint port @p p. */
void mvt_port_get_info(const struct mvt_port *p, struct mvt_port_info *info);

/**
 * The RX queues of an ethdev port that workers poll directly (the lower,
 * the host port); 0 for endpoints, whose queue pairs are placed instead.
 */
static inline uint16_t
mvt_port_nb_rxq(const struct mvt_port *p)
{
	return p->kind == MVT_PORT_KIND_ETHDEV ? p->eth.nb_rxq : 0;
}

/** Whether frames can pass now (acquire): a guest connected, for vhost. */
static inline int
mvt_port_ready(const struct mvt_port *p)
{
	if (likely(p->kind == MVT_PORT_KIND_VHOST))
		return mvt_vhost_ready(&p->vhost);
	return p->kind != MVT_PORT_KIND_NONE;
}

/**
 * Receive up to @p n frames from queue @p q of @p p (a vhost endpoint:
 * guest TX queue pair @p q; mbufs from @p mp). Frames the port consumed
 * without returning them (librte_vhost drops a chain longer than one mbuf
 * before copying it) are added to @p *discarded. Only the worker that
 * polls @p q calls this.
 */
static inline uint16_t
mvt_port_rx_burst(struct mvt_port *p, uint16_t q, struct rte_mempool *mp,
	struct rte_mbuf **pkts, uint16_t n, uint64_t *discarded)
{
	if (p->kind != MVT_PORT_KIND_VHOST)
		return p->kind == MVT_PORT_KIND_NONE ? 0 :
			rte_eth_rx_burst(mvt_port_eth(p)->port_id, q, pkts, n);
	if (!mvt_vhost_ready(&p->vhost) ||
			!mvt_vhost_vring_on(&p->vhost, 2 * q + 1))
		return 0;
	return mvt_vhost_rx_burst(&p->vhost, q, mp, pkts, n, discarded);
}

/**
 * Wake-ups for a worker that sleeps when idle: for queue @p q of @p p
 * (a vhost endpoint: guest TX queue pair @p q), which only the worker
 * that polls it calls this for, turn on (@p on) or off what makes an
 * arrival signal a descriptor: the guest's kicks, the device's RX
 * interrupt. @p *fd is that descriptor, readable on each arrival (an
 * edge: for epoll's EPOLLET), -1 when the port has none now (a guest not
 * connected, a device without RX interrupts: the worker then polls it on
 * time only); @p *gen changes whenever @p *fd may have.
 *
 * @return with @p on, the frames that already wait (0 if the port cannot
 * say): they would not wake the worker.
 */
int mvt_port_rx_wake(struct mvt_port *p, uint16_t q, int on, int *fd,
	uint32_t *gen);

/**
 * The calling worker polls queue @p q of @p p from now on (@p mine), or
 * no longer: what the port needs to know of its poller (net_tap, see
 * mvt_ethdev_rx_claim()); nothing for most.
 */
void mvt_port_rx_claim(struct mvt_port *p, uint16_t q, int mine);

/**
 * Send @p n frames on a VLAN lower: each tagged (mvt_vlan_push()), then
 * on the device's TX queue. A frame whose copy could not be made is left
 * unsent, at the end, and the unsent are then counted as no_mbuf.
 */
static inline uint16_t
mvt_port_vlan_tx_burst(struct mvt_port *p, uint16_t worker,
	struct rte_mbuf **pkts, uint16_t n, uint8_t *why)
{
	struct rte_mbuf *failed[MVT_BURST * 2];
	struct rte_mbuf *m;
	uint16_t i, k = 0, nf = 0;

	for (i = 0; i < n; i++) {
		m = mvt_vlan_push(pkts[i], p->vlan, p->vlan_hw, p->vlan_mp);
		if (unlikely(m == NULL)) {
			if (nf < RTE_DIM(failed)) {
				failed[nf++] = pkts[i];
				continue;
			}
			/* never: a burst holds at most MVT_OUTBUF frames */
			rte_pktmbuf_free(pkts[i]);
			continue;
		}
		pkts[k++] = m;
	}
	if (unlikely(nf > 0)) {
		*why = MVT_DROP_NO_MBUF;
		memcpy(&pkts[k], failed, nf * sizeof(*failed));
	}
	return mvt_ethdev_tx_burst(p->vlan_dev, worker, pkts, k);
}

/**
 * Transmit @p n frames from worker @p worker. @return the frames sent;
 * the rest stay the caller's, and @p *why (an enum mvt_drop_reason) says
 * why they were not sent.
 */
static inline uint16_t
mvt_port_tx_burst(struct mvt_port *p, uint16_t worker, struct rte_mbuf **pkts,
	uint16_t n, uint8_t *why)
{
	if (p->kind == MVT_PORT_KIND_VHOST)
		return mvt_vhost_tx_burst(&p->vhost, worker, pkts, n, why);
	if (unlikely(p->kind == MVT_PORT_KIND_NONE)) {
		*why = MVT_DROP_NOT_READY;
		return 0;
	}
	*why = MVT_DROP_TX_FULL;
	if (unlikely(p->vlan != 0))
		return mvt_port_vlan_tx_burst(p, worker, pkts, n, why);
	return mvt_ethdev_tx_burst(mvt_port_eth(p), worker, pkts, n);
}

/**
 * The worker that should send what worker @p worker, one of
 * @p nb_workers, has for @p p, and on which queue (@p *qp): @p worker
 * itself, except for a vhost-user guest with fewer queue pairs than
 * workers (mvt_vhost_rx_filler()) and a tap endpoint whose one TX queue
 * several workers share: then the worker that polls the port, so that
 * no two workers take turns at the lock of one queue.
 */
static inline uint16_t
mvt_port_tx_worker(const struct mvt_port *p, uint16_t worker,
	uint16_t nb_workers, uint16_t *qp)
{
	uint16_t owner;

	if (p->kind == MVT_PORT_KIND_VHOST)
		return mvt_vhost_rx_filler(&p->vhost, p->rx_owner, worker,
			nb_workers, qp);
	if (p->kind != MVT_PORT_KIND_TAP || !p->eth.txq_shared)
		return worker;
	*qp = 0;
	owner = __atomic_load_n(&p->rx_owner[0], __ATOMIC_RELAXED);
	return owner == 0 ? worker : owner - 1;
}

/**
 * Transmit @p n frames on queue @p qp that mvt_port_tx_worker() gave the
 * calling worker; as mvt_port_tx_burst(). A port that is no longer an
 * endpoint takes none (not_ready).
 */
static inline uint16_t
mvt_port_tx_queue(struct mvt_port *p, uint16_t qp, struct rte_mbuf **pkts,
	uint16_t n, uint8_t *why)
{
	if (likely(p->kind == MVT_PORT_KIND_VHOST))
		return mvt_vhost_tx_queue(&p->vhost, qp, pkts, n, why);
	/* a tap's queue @p qp is the one a worker of that index sends on */
	if (p->kind == MVT_PORT_KIND_TAP)
		return mvt_port_tx_burst(p, qp, pkts, n, why);
	*why = MVT_DROP_NOT_READY;
	return 0;
}

/**
 * Record that worker @p worker polls queue pair @p qp of @p p, for
 * mvt_port_tx_worker(); nothing for ports other than endpoints.
 * Control thread.
 */
void mvt_port_set_rx_owner(struct mvt_port *p, uint16_t qp, uint16_t worker);

/**
 * Make @p n frames that ask @p p for offloads it has (see
 * mvt_offload_tx_path()) fit for mvt_port_tx_burst(). @return the frames,
 * from the first, that are fit; pkts[return] is not, when it is < @p n.
 * An endpoint's guest needs nothing: librte_vhost's enqueue writes the
 * virtio-net header from the transmit flags.
 */
static inline uint16_t
mvt_port_tx_prepare(struct mvt_port *p, uint16_t worker,
	struct rte_mbuf **pkts, uint16_t n)
{
	if (p->kind == MVT_PORT_KIND_ETHDEV || p->kind == MVT_PORT_KIND_TAP)
		return mvt_ethdev_tx_prepare(mvt_port_eth(p), worker, pkts, n);
	return n;
}

#endif /* MVT_PORT_H */

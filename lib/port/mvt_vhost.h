/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#ifndef MVT_VHOST_H
#define MVT_VHOST_H

/**
 * @file
 * vhost-user endpoints through librte_vhost: the socket (server, or client
 * that reconnects forever), the feature set, and the device state the
 * workers read.
 *
 * An endpoint serves one frontend at a time: the first connection to its
 * socket is the endpoint's (@c conn_vid) until it closes, and a connection
 * made while one is live is refused at once (new_connection fails, so
 * librte_vhost closes it and frees its device slot): a second process with
 * access to the socket can neither take the guest's traffic over nor fill
 * librte_vhost's tables. Every callback acts only on the connection it
 * belongs to.
 *
 * The librte_vhost callbacks only publish state: new_device stores the vid
 * and then sets @c ready (release); vring_state_changed flips a bit in
 * @c vring_enabled; destroy_device clears @c ready and returns only after
 * every worker has reported a quiescent state (rte_rcu_qsbr_synchronize),
 * so no worker can still be inside a call on that vid. Workers check
 * @c ready (acquire) before every use of @c vid. features_changed (the
 * frontend turning dirty page logging on or off for a live migration)
 * only records @c dirty_log: librte_vhost logs what its enqueue and
 * dequeue write, and those are the only writes into guest memory.
 *
 * A client endpoint (client=1) reconnects itself, not through librte_vhost:
 * after a failed connect or a connection that ended early, the next attempt
 * waits twice as long as the last one (MVT_VHOST_RETRY_MIN_MS up to
 * MVT_VHOST_RETRY_MAX_MS), so a frontend that accepts and closes at once
 * costs a few attempts per second, not a busy loop.
 */

#include <stddef.h>
#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_rcu_qsbr.h>
#include <rte_vhost.h>

#include "mvt_conf.h"
#include "mvt_drop.h"
#include "mvt_offload.h"
#include "mvt_pool.h"

struct mvt_vhost {
	/* read by workers on every poll */
	int vid;			/**< valid while ready */
	uint32_t ready;			/**< device running */
	uint64_t vring_enabled;		/**< bit per vring, from the frontend */
	uint32_t rings_gen;		/**< new device, vring state changes */
	uint16_t nb_qp;			/**< queue pairs the device has */
	uint16_t ep_id;
	/* control */
	uint8_t in_use;
	uint8_t client;
	uint8_t closing;		/**< no more reconnects */
	uint8_t refusal_logged;		/**< while this connection lives */
	uint8_t qp_refusal_logged;
	uint16_t queues;		/**< queue pairs configured */
	uint8_t offload;		/**< offload=on: offloads offered */
	uint16_t frontend_mtu;		/**< MTU the frontend set, 0: none */
	uint32_t mtu;			/**< the endpoint's MTU */
	/** The port's: what the guest takes, set by new_device. */
	struct mvt_offload_caps *caps;
	int conn_vid;			/**< the connection served, -1: none */
	int conn_fd;			/**< its descriptor (server), -1: unknown */
	uint64_t features;		/**< negotiated virtio features */
	uint8_t dirty_log;		/**< the frontend logs (migration) */
	uint64_t log_starts;		/**< times it turned logging on */
	uint64_t connects;		/**< new_device count */
	uint64_t refused;		/**< connections refused, one was live */
	uint64_t refused_devices;	/**< devices with too many queue pairs */
	uint64_t attempts;		/**< client: connects attempted */
	uint64_t up_since;		/**< client: TSC of new_device, 0: none */
	uint32_t retry_ms;		/**< client: the next wait */
	char name[MVT_NAME_MAX];
	char path[MVT_SOCKET_MAX];
	/*
	 * Where each guest TX vring stood after the last poll (its
	 * last_avail_idx): written only by the worker that polls it, so that
	 * frames librte_vhost consumed without returning them are counted.
	 * A line of its own: the workers that enqueue to this guest read the
	 * first one on every flush and must not see it bounce.
	 */
	uint16_t rx_avail[MVT_QUEUES_MAX] __rte_cache_aligned;
} __rte_cache_aligned;

/**
 * The RCU variable destroy_device waits on. Set before the first
 * registration.
 */
void mvt_vhost_set_qsbr(struct rte_rcu_qsbr *qsbr);

/**
 * Register and start the socket of endpoint @p id from @p ec, of MTU
 * @p mtu. Each guest that connects sets @p caps (the offloads it takes,
 * and the longest frame: of the smaller of @p mtu and the MTU its
 * frontend set, QEMU's host_mtu=) before the device is ready.
 * A stale server socket file (nobody listening) is removed first; a live
 * one is an error.
 *
 * @return 0, or -1 with one line in @p err.
 */
int mvt_vhost_open(struct mvt_vhost *v, uint16_t id,
	const struct mvt_endpoint_conf *ec, uint32_t mtu,
	struct mvt_offload_caps *caps, char *err, size_t errlen);

/** Unregister the socket (the file goes too, in server mode). */
void mvt_vhost_close(struct mvt_vhost *v);

/** A client endpoint's first wait before a reconnect, and the longest. */
#define MVT_VHOST_RETRY_MIN_MS 100
#define MVT_VHOST_RETRY_MAX_MS 5000

/**
 * Receive up to @p n frames from guest TX queue pair @p qp of ready
 * endpoint @p v. Frames that librte_vhost consumed from the ring without
 * returning them (longer than one mbuf without offloads, for which no
 * external buffer could be had, or shorter than the virtio-net header:
 * it drops those before copying) are added to @p *discarded.
 * Only the worker that polls @p qp calls this.
 */
static inline uint16_t
mvt_vhost_rx_burst(struct mvt_vhost *v, uint16_t qp, struct rte_mempool *mp,
	struct rte_mbuf **pkts, uint16_t n, uint64_t *discarded)
{
	int vid = __atomic_load_n(&v->vid, __ATOMIC_RELAXED);
	uint16_t got, avail, used;
	int16_t lost;

	got = rte_vhost_dequeue_burst(vid, 2 * qp + 1, mp, pkts, n);
	if (got == n) {
		/* a discard ends librte_vhost's burst early: none here */
		v->rx_avail[qp] += got;
		return got;
	}
	if (rte_vhost_get_vring_base(vid, 2 * qp + 1, &avail, &used) != 0)
		return got;
	/* signed: an injected announcement (RARP) consumes no descriptor */
	lost = (int16_t)(uint16_t)(avail - v->rx_avail[qp] - got);
	v->rx_avail[qp] = avail;
	if (unlikely(lost > 0))
		*discarded += (uint64_t)lost;
	return got;
}

/**
 * For the worker that polls guest TX queue pair @p qp and is about to
 * sleep (@p on) or is awake again (!@p on): turn the guest's
 * notifications (kicks) of that queue on or off. @p *fd is the queue's
 * kick eventfd, written by the guest on each kick (an edge for epoll's
 * EPOLLET: nobody reads it), -1 when the device is not ready; @p *gen
 * changes whenever @p *fd may have (a new device, a vring enabled: the
 * frontend gives a vring its kick descriptor before either).
 *
 * @return with @p on, the frames the guest queued already: it may have
 * queued them before it saw the notifications on, and not kicked.
 */
int mvt_vhost_rx_wake(struct mvt_vhost *v, uint16_t qp, int on, int *fd,
	uint32_t *gen);

/** Whether workers may use the device (acquire). */
static inline int
mvt_vhost_ready(const struct mvt_vhost *v)
{
	return (int)__atomic_load_n(&v->ready, __ATOMIC_ACQUIRE);
}

/** Whether vring @p vring (2*qp for guest RX, 2*qp+1 for TX) is enabled. */
static inline int
mvt_vhost_vring_on(const struct mvt_vhost *v, uint16_t vring)
{
	return (int)(__atomic_load_n(&v->vring_enabled, __ATOMIC_RELAXED) >>
		vring & 1);
}

/**
 * The most frames rte_vhost_enqueue_burst() takes in one call (its
 * MAX_PKT_BURST): it ignores the rest, which the ring may well have room
 * for.
 */
#define MVT_VHOST_ENQ_MAX 32

/**
 * Enqueue @p n frames into the guest on RX queue pair @p qp, or 0 when
 * that one is gone or not enabled, in calls of up to MVT_VHOST_ENQ_MAX
 * until one falls short (the ring is full). The enqueue copies; the
 * frames it took are freed here, and the rest, from the returned count
 * on, stay the caller's, with their reason in @p *why.
 */
static inline uint16_t
mvt_vhost_tx_queue(struct mvt_vhost *v, uint16_t qp, struct rte_mbuf **pkts,
	uint16_t n, uint8_t *why)
{
	uint16_t sent = 0, k, want;
	int vid;

	*why = MVT_DROP_NOT_READY;
	if (unlikely(!mvt_vhost_ready(v)))
		return 0;
	vid = __atomic_load_n(&v->vid, __ATOMIC_RELAXED);
	if (unlikely(qp >= RTE_MIN(v->nb_qp, v->queues) ||
			!mvt_vhost_vring_on(v, 2 * qp)))
		qp = 0;
	if (unlikely(!mvt_vhost_vring_on(v, 2 * qp)))
		return 0;
	do {
		want = RTE_MIN(n - sent, MVT_VHOST_ENQ_MAX);
		k = rte_vhost_enqueue_burst(vid, 2 * qp, pkts + sent, want);
		sent += k;
	} while (k == want && sent < n);
	mvt_pool_free_bulk(pkts, sent);
	*why = MVT_DROP_RING_FULL;
	return sent;
}

/**
 * Enqueue @p n frames from worker @p worker into the guest: on RX queue
 * pair worker % queue pairs, or 0 when that one is not enabled; as
 * mvt_vhost_tx_queue().
 */
static inline uint16_t
mvt_vhost_tx_burst(struct mvt_vhost *v, uint16_t worker,
	struct rte_mbuf **pkts, uint16_t n, uint8_t *why)
{
	uint16_t nb_qp = RTE_MIN(v->nb_qp, v->queues);

	return mvt_vhost_tx_queue(v, nb_qp > 1 ? worker % nb_qp : 0, pkts, n,
		why);
}

/**
 * The worker that should enqueue what worker @p worker, one of
 * @p nb_workers, has for this guest, and on which RX queue pair
 * (@p *qp): @p worker itself (and @p *qp is not set), unless the ready
 * guest has fewer queue pairs than there are workers; then the worker
 * that polls queue pair worker % queue pairs (@p rx_owner[pair]: that
 * worker + 1, 0 for none known), so that no two workers fill one
 * receive queue and take turns at librte_vhost's lock on it.
 */
static inline uint16_t
mvt_vhost_rx_filler(const struct mvt_vhost *v, const uint8_t *rx_owner,
	uint16_t worker, uint16_t nb_workers, uint16_t *qp)
{
	uint16_t nb_qp, owner;

	if (!mvt_vhost_ready(v))
		return worker;
	nb_qp = RTE_MIN(v->nb_qp, v->queues);
	if (nb_qp == 0 || nb_qp >= nb_workers)
		return worker;
	*qp = worker % nb_qp;
	owner = __atomic_load_n(&rx_owner[*qp], __ATOMIC_RELAXED);
	return owner == 0 ? worker : owner - 1;
}

#endif /* MVT_VHOST_H */

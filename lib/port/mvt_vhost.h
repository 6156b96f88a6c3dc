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
 * The librte_vhost callbacks only publish state: new_device stores the vid
 * and then sets @c ready (release); vring_state_changed flips a bit in
 * @c vring_enabled; destroy_device clears @c ready and returns only after
 * every worker has reported a quiescent state (rte_rcu_qsbr_synchronize),
 * so no worker can still be inside a call on that vid. Workers check
 * @c ready (acquire) before every use of @c vid.
 */

#include <stddef.h>
#include <stdint.h>

#include <rte_rcu_qsbr.h>

#include "mvt_conf.h"
#include "mvt_lower.h"

struct mvt_vhost {
	/* read by workers on every poll */
	int vid;			/**< valid while ready */
	uint32_t ready;			/**< device running */
	uint64_t vring_enabled;		/**< bit per vring, from the frontend */
	uint16_t nb_qp;			/**< queue pairs the device has */
	uint16_t ep_id;
	/* control */
	uint8_t in_use;
	uint8_t client;
	uint16_t queues;		/**< queue pairs configured */
	uint64_t features;		/**< negotiated virtio features */
	uint64_t connects;		/**< new_device count */
	char name[MVT_NAME_MAX];
	char path[MVT_SOCKET_MAX];
	/*
	 * A tap endpoint (type=tap) is not a vhost-user socket but a kernel
	 * network interface: a net_tap ethdev, always ready, one queue pair
	 * that the workers share for TX (under tap.txq_lock when several).
	 */
	uint8_t is_tap;
	struct mvt_lower tap;
	char netns[MVT_NETNS_MAX];
} __rte_cache_aligned;

/**
 * The RCU variable destroy_device waits on. Set before the first
 * registration.
 */
void mvt_vhost_set_qsbr(struct rte_rcu_qsbr *qsbr);

/**
 * Register and start the socket of endpoint @p id from @p ec.
 * A stale server socket file (nobody listening) is removed first; a live
 * one is an error.
 *
 * @return 0, or -1 with one line in @p err.
 */
int mvt_vhost_open(struct mvt_vhost *v, uint16_t id,
	const struct mvt_endpoint_conf *ec, char *err, size_t errlen);

/**
 * Create the kernel interface of tap endpoint @p id from @p ec with MAC
 * @p mac, move it into its namespace if it has one, and bring it up.
 *
 * @return 0, or -1 with one line in @p err (nothing left behind).
 */
int mvt_vhost_open_tap(struct mvt_vhost *v, uint16_t id,
	const struct mvt_endpoint_conf *ec, uint64_t mac,
	struct rte_mempool *mp, char *err, size_t errlen);

/**
 * Unregister the socket (the file goes too, in server mode), or remove a
 * tap endpoint's interface.
 */
void mvt_vhost_close(struct mvt_vhost *v);

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

#endif /* MVT_VHOST_H */

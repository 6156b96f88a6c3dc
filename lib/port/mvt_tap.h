/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#ifndef MVT_TAP_H
#define MVT_TAP_H

/**
 * @file
 * Tap endpoints (type=tap): a kernel network interface instead of a
 * vhost-user socket, for a process or a network namespace of the host. It
 * is a net_tap ethdev with one queue pair, which carries the endpoint's
 * MAC, as a macvlan would, and lives in the endpoint's namespace.
 */

#include <stddef.h>
#include <stdint.h>

#include <rte_mempool.h>

#include "mvt_conf.h"
#include "mvt_ethdev.h"

/**
 * At most this many tap endpoints at a time, each with MVT_TAP_DESC
 * descriptors per direction: the mbuf pool is sized for them.
 */
#define MVT_TAP_MAX 32
#define MVT_TAP_DESC 256

struct mvt_tap {
	struct mvt_ethdev eth;		/**< first: the data path uses it */
	char ifname[MVT_IFNAME_MAX];
	char netns[MVT_NETNS_MAX];
};

/**
 * Create the kernel interface of tap endpoint @p id from @p ec with MAC
 * @p mac and MTU @p mtu, move it into its namespace if it has one, and
 * bring it up.
 * @p nb_users workers transmit on its one queue.
 *
 * @return 0, or -1 with one line in @p err (nothing left behind).
 */
int mvt_tap_open(struct mvt_tap *t, uint16_t id,
	const struct mvt_endpoint_conf *ec, uint64_t mac, uint32_t mtu,
	uint16_t nb_users, struct rte_mempool *mp, char *err, size_t errlen);

/** Remove the interface. */
void mvt_tap_close(struct mvt_tap *t);

#endif /* MVT_TAP_H */

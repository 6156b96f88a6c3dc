/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#ifndef MVT_EPTABLE_H
#define MVT_EPTABLE_H

/**
 * @file
 * The endpoint table: what the decision engine and the data path know of
 * every endpoint, published as one immutable snapshot (RCU). Whoever
 * builds a table fills in the endpoints and the switch-wide settings, then
 * calls mvt_ep_table_derive() for what follows from them.
 */

#include <stdint.h>

#include "mvt_common.h"

/** Endpoint modes; the values are Linux's MACVLAN_MODE_* UAPI values. */
enum mvt_mode {
	MVT_MODE_PRIVATE = 1,
	MVT_MODE_VEPA = 2,
	MVT_MODE_BRIDGE = 4,
	MVT_MODE_PASSTHRU = 8,
	MVT_MODE_SOURCE = 16,
};

/** Name of a mode ("vepa"), or NULL for a value that is not one mode. */
const char *mvt_mode_name(unsigned int mode);

/** Parse a mode name; returns the mode or 0 for an unknown name. */
unsigned int mvt_mode_parse(const char *name);

/** What the engine needs to know of one endpoint. */
struct mvt_ep_state {
	uint64_t mac;		/**< own MAC key */
	uint8_t mode;		/**< enum mvt_mode; 0 marks an unused slot */
	uint8_t up;		/**< admin up: owns its MAC (Linux's table T) */
	uint8_t nodst;		/**< source mode: what it lists reaches nobody else */
	uint8_t mc_all;		/**< accepts every multicast group */
	uint8_t spoofchk;	/**< may send from its own MAC only (policy) */
	uint16_t n_mc;		/**< groups in the table's @c mc when !mc_all */
	uint16_t n_src;		/**< source mode: senders it lists */
};

/** The endpoint table, as one immutable snapshot. */
struct mvt_ep_table {
	uint16_t n_eps;		/**< endpoint ids are below this */
	uint16_t passthru;	/**< the passthru endpoint, or MVT_EP_NONE */
	uint8_t strict_private;	/**< drop reflected unicast to/from private eps */
	uint8_t has_src_lists;	/**< some source-mode endpoint lists a sender */
	uint8_t host_bridge;	/**< the host is a bridge peer (host port) */
	uint8_t has_out_policies; /**< some policy meters frames by source */
	uint8_t has_policies;	/**< some policy exists: the stage has work */
	uint8_t lower_promisc;	/**< the lower is forced promiscuous */
	int32_t bc_cutoff;	/**< Linux's bc_cutoff (bclim), default 1 */
	uint64_t host_mac;	/**< the host port's MAC, 0 for none */
	uint64_t lower_mac;	/**< the lower device's own MAC */
	/**
	 * This snapshot's generation, new at each mvt_ep_table_derive() and
	 * shared with no other: what a worker derived from one table (its
	 * verdict cache) is known stale when the generation differs.
	 */
	uint32_t gen;
	struct mvt_ep_state ep[MVT_MAX_ENDPOINTS];
	/**
	 * The exact multicast groups each endpoint accepts (n_mc of them),
	 * held in the snapshot itself: a table is self-contained, copied
	 * whole, and points into nothing that changes after publication.
	 */
	uint64_t mc[MVT_MAX_ENDPOINTS][MVT_MC_MAX];
};

/**
 * Derive what follows from the endpoints of @p t (below @c n_eps) and the
 * policies the caller counted: @c passthru (the passthru endpoint, or
 * MVT_EP_NONE), @c has_src_lists (some source-mode endpoint lists a
 * sender), @c has_policies and @c has_out_policies; and a new @c gen.
 * Called on every table before it is published, and again after any
 * change to one in place.
 *
 * @param n_policies      policies in use
 * @param n_out_policies  of those, the ones that meter frames by source
 */
void mvt_ep_table_derive(struct mvt_ep_table *t, unsigned int n_policies,
	unsigned int n_out_policies);

#endif /* MVT_EPTABLE_H */

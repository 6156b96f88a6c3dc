/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#ifndef MVT_DECIDE_H
#define MVT_DECIDE_H

/**
 * @file
 * The forwarding decision engine: who gets a frame, in the five macvlan
 * modes, exactly as Linux's drivers/net/macvlan.c decides it.
 *
 * Pure data in, data out: given where a frame came from, its destination
 * and source MAC with what the MAC table knows of them, and the endpoint
 * table, it returns a verdict. It touches no mbuf, port or EAL state, so it
 * is tested exhaustively against the specification's decision tables and
 * the data path calls it unchanged, once per burst.
 *
 * A verdict is compact (one unicast target, a flood described by a mode
 * mask, the wire and host bits); mvt_flood_receivers() expands its flood
 * into the endpoints that get a copy.
 */

#include <stdint.h>

#include "mvt_common.h"
#include "mvt_drop.h"
#include "mvt_eptable.h"
#include "mvt_mactable.h"

/** Ingress ids that are not endpoints. */
#define MVT_INGRESS_LOWER (MVT_EP_NONE - 1)
#define MVT_INGRESS_HOST (MVT_EP_NONE - 2)

/** Ethertype of 802.3x PAUSE frames, never flooded. */
#define MVT_ETHERTYPE_PAUSE 0x8808

/** Verdict flags. */
#define MVT_V_WIRE 0x01	 /**< transmit on the lower device */
#define MVT_V_HOST 0x02	 /**< the host stack gets it (the host port) */

/** Where one frame goes. */
struct mvt_verdict {
	uint8_t flags;		/**< MVT_V_* */
	uint8_t flood;		/**< mode mask of flood receivers, 0 for none */
	uint8_t drop;		/**< enum mvt_drop_reason when nobody gets it */
	uint8_t rflood;		/**< of flood, the part of a reflected copy */
	uint16_t target;	/**< the one endpoint of a unicast delivery */
	uint16_t exclude;	/**< the flood never goes back to this one */
	const struct mvt_mac_entry *src_copies; /**< copies to its up listers */
};

/**
 * Whether the source MAC's entry is needed for a frame to @p dst: the
 * engine reads it for group frames, and for every frame when source lists
 * or strict-private are in use; the policy stage when some policy meters
 * by source. The data path looks source MACs up only when this is true.
 */
static inline int
mvt_decide_needs_src(const struct mvt_ep_table *t, uint64_t dst)
{
	return mvt_mac_is_group(dst) | t->has_src_lists | t->strict_private |
		t->has_out_policies;
}

/** Whether every frame's source is needed, whatever its destination. */
static inline int
mvt_decide_needs_all_src(const struct mvt_ep_table *t)
{
	return t->has_src_lists | t->strict_private | t->has_out_policies;
}

/**
 * Decide where one frame goes.
 *
 * @param t        endpoint table
 * @param ingress  endpoint id of the sender, MVT_INGRESS_LOWER for a frame
 *                 received on the lower device (also a reflected one), or
 *                 MVT_INGRESS_HOST for a frame the host sends
 * @param c        the frame's MACs and their MAC table entries
 * @param v        the verdict
 */
void mvt_decide(const struct mvt_ep_table *t, uint16_t ingress,
	const struct mvt_cls *c, struct mvt_verdict *v);

/**
 * Software reflective relay: fold into @p v, the verdict of a frame an
 * endpoint sent, what an adjacent 802.1D bridge in hairpin mode that has
 * learned the MACs behind the lower would send back. A group frame goes
 * to the wire and is also reflected, except the reserved addresses
 * 01:80:c2:00:00:01 to :0f, which a bridge never forwards (:00, STP, it
 * forwards while it runs no STP itself). Unicast to a MAC that is an
 * endpoint's own (up or not: the bridge learned it), the host port's or
 * the lower's own is reflected instead of leaving the host; other unicast
 * goes to the wire only, as to a station the bridge knows elsewhere.
 * The reflected copy is decided exactly as a frame received on the lower,
 * so receivers cannot tell it from one reflected by a real switch; the
 * part of the flood that only the reflected copy adds is marked in
 * @c rflood, and waits in the broadcast queue as a flood from the wire.
 * A verdict already dropped (by the policy stage) stays dropped.
 *
 * @return 1 if @p v changed.
 */
int mvt_decide_reflect(const struct mvt_ep_table *t, const struct mvt_cls *c,
	struct mvt_verdict *v);

/**
 * Whether the flood of a group frame received on the lower waits in the
 * broadcast queue or runs inline: Linux's bc_filter (macvlan_handle_frame,
 * macvlan_recompute_bc_filter, v6.4 and later), with exact groups for its
 * hash bits. Nothing is queued when bc_cutoff is negative. Otherwise
 * broadcast always is, and so is every group while the lower is
 * promiscuous or all-multicast: forced (--promisc), put so by an up
 * passthru endpoint, or by an up endpoint that accepts every group (as an
 * ALLMULTI macvlan makes its lower). Any other group is queued when more
 * than bc_cutoff endpoints joined it, counting, as the sync count of the
 * lower's address does, every up endpoint that lists it (mcast=), of
 * whatever mode, whoever sent the frame.
 */
int mvt_decide_bc_queued(const struct mvt_ep_table *t, uint64_t group);

/** mvt_decide() for @p n frames from one ingress. */
void mvt_decide_burst(const struct mvt_ep_table *t, uint16_t ingress,
	const struct mvt_cls *c, uint16_t n, struct mvt_verdict *v);

/** Whether endpoint @p id accepts group address @p group in a flood. */
static inline int
mvt_ep_accepts_group(const struct mvt_ep_table *t, uint16_t id,
	uint64_t group)
{
	const struct mvt_ep_state *e = &t->ep[id];
	uint16_t i;

	if (e->mc_all || group == MVT_MAC_BROADCAST)
		return 1;
	for (i = 0; i < e->n_mc; i++)
		if (t->mc[id][i] == group)
			return 1;
	return 0;
}

/** Whether endpoint @p id receives the flood of verdict @p v. */
static inline int
mvt_flood_reaches(const struct mvt_ep_table *t, const struct mvt_verdict *v,
	uint64_t group, uint16_t id)
{
	const struct mvt_ep_state *e = &t->ep[id];

	return (e->mode & v->flood) != 0 && e->up && id != v->exclude &&
		mvt_ep_accepts_group(t, id, group);
}

/**
 * The endpoints the flood of verdict @p v to @p group reaches, in id
 * order, into @p ids (room for MVT_MAX_ENDPOINTS): the one definition
 * that dispatch and the tests use. @return how many.
 */
static inline uint16_t
mvt_flood_receivers(const struct mvt_ep_table *t, const struct mvt_verdict *v,
	uint64_t group, uint16_t *ids)
{
	uint16_t id, n = 0;

	for (id = 0; id < t->n_eps; id++) {
		ids[n] = id;
		n += (uint16_t)mvt_flood_reaches(t, v, group, id);
	}
	return n;
}

#endif /* MVT_DECIDE_H */

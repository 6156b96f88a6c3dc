/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#include <string.h>

#include "mvt_decide.h"

/* The endpoint that owns a MAC in Linux's table T: only up endpoints do. */
static inline uint16_t
owner_up(const struct mvt_ep_table *t, const struct mvt_mac_entry *e)
{
	if (e == NULL || e->owner == MVT_EP_NONE || !t->ep[e->owner].up)
		return MVT_EP_NONE;
	return e->owner;
}

static inline void
verdict_init(struct mvt_verdict *v)
{
	v->flags = 0;
	v->flood = 0;
	v->drop = MVT_DROP_NONE;
	v->rflood = 0;
	v->target = MVT_EP_NONE;
	v->exclude = MVT_EP_NONE;
	v->src_copies = NULL;
}

/*
 * Source-mode fan-out (macvlan_forward_source): every up endpoint listing
 * the sender gets a copy. Returns 1 when a lister has nodst, in which case
 * nobody else gets the frame, not even the host; Linux checks nodst on
 * down listers too, so a down nodst lister silently eats the frame.
 */
static int
source_fanout(const struct mvt_ep_table *t, const struct mvt_mac_entry *se,
	struct mvt_verdict *v)
{
	int nodst = 0, up = 0;
	uint16_t i;

	if (se == NULL || se->n_listers == 0)
		return 0;
	v->src_copies = se;
	for (i = 0; i < se->n_listers; i++) {
		nodst |= t->ep[se->listers[i]].nodst;
		up |= t->ep[se->listers[i]].up;
	}
	if (nodst && !up)
		v->drop = MVT_DROP_NODST;
	return nodst;
}

/* A frame received on the lower device (macvlan_handle_frame). */
static void
decide_rx(const struct mvt_ep_table *t, const struct mvt_cls *c,
	struct mvt_verdict *v)
{
	uint16_t x, tgt;

	if (source_fanout(t, c->src_e, v))
		return;

	if (mvt_mac_is_group(c->dst)) {
		x = owner_up(t, c->src_e);
		/*
		 * A group frame carrying the source MAC of a local private,
		 * passthru or source endpoint goes back to that endpoint
		 * only, unfiltered, and not to the host (VRRP's case).
		 */
		if (x != MVT_EP_NONE &&
				!(t->ep[x].mode & (MVT_MODE_VEPA | MVT_MODE_BRIDGE))) {
			v->target = x;
			return;
		}
		if (c->ethertype != MVT_ETHERTYPE_PAUSE) {
			if (x == MVT_EP_NONE) {
				v->flood = MVT_MODE_PRIVATE | MVT_MODE_VEPA |
					MVT_MODE_BRIDGE | MVT_MODE_PASSTHRU;
			} else if (t->ep[x].mode == MVT_MODE_VEPA) {
				v->flood = MVT_MODE_VEPA | MVT_MODE_BRIDGE;
				v->exclude = x;
			} else {
				/* bridge ports already saw it on the way out */
				v->flood = MVT_MODE_VEPA;
				v->exclude = x;
			}
		}
		v->flags |= MVT_V_HOST;
		return;
	}

	if (t->passthru != MVT_EP_NONE) {
		/* passthru takes every unicast, whatever its destination */
		tgt = t->passthru;
		if (!t->ep[tgt].up) {
			if (v->src_copies == NULL)
				v->drop = MVT_DROP_EP_DOWN;
			return;
		}
	} else {
		tgt = owner_up(t, c->dst_e);
	}
	if (tgt == MVT_EP_NONE || t->ep[tgt].mode == MVT_MODE_SOURCE) {
		v->flags |= MVT_V_HOST;
		return;
	}
	if (t->strict_private) {
		/*
		 * [DESIGN] Linux delivers reflected unicast by destination
		 * alone, so private endpoints still reach each other through
		 * a hairpin switch. strict-private closes that both ways, as
		 * private mode is described ("no communication between
		 * macvlan instances"): unicast from a local endpoint to
		 * another one is dropped when either of them is private.
		 */
		x = owner_up(t, c->src_e);
		if (x != MVT_EP_NONE && x != tgt &&
				(t->ep[x].mode == MVT_MODE_PRIVATE ||
				t->ep[tgt].mode == MVT_MODE_PRIVATE)) {
			if (v->src_copies == NULL)
				v->drop = MVT_DROP_PRIVATE;
			return;
		}
	}
	v->target = tgt;
}

/* Replace @p v by the verdict of the same frame received on the lower. */
static void
decide_rx_into(const struct mvt_ep_table *t, const struct mvt_cls *c,
	struct mvt_verdict *v)
{
	verdict_init(v);
	decide_rx(t, c, v);
}

/*
 * A frame the host sends. Linux hands it to the wire; with host-bridge
 * ([DESIGN], what macvtap cannot do) the host also acts as a bridge-mode
 * peer: its group frames flood the bridge endpoints too, its unicast to a
 * bridge endpoint stays local.
 */
static void
decide_host(const struct mvt_ep_table *t, const struct mvt_cls *c,
	struct mvt_verdict *v)
{
	uint16_t d;

	v->flags = MVT_V_WIRE;
	if (!t->host_bridge)
		return;
	if (mvt_mac_is_group(c->dst)) {
		if (c->ethertype != MVT_ETHERTYPE_PAUSE)
			v->flood = MVT_MODE_BRIDGE;
		return;
	}
	d = owner_up(t, c->dst_e);
	if (d != MVT_EP_NONE && t->ep[d].mode == MVT_MODE_BRIDGE)
		decide_rx_into(t, c, v);
}

/* A frame sent by endpoint @p s (macvlan_queue_xmit). */
static void
decide_tx(const struct mvt_ep_table *t, uint16_t s, const struct mvt_cls *c,
	struct mvt_verdict *v)
{
	uint16_t d;

	if (!t->ep[s].up) {
		v->drop = MVT_DROP_EP_DOWN;
		return;
	}
	if (t->ep[s].mode == MVT_MODE_BRIDGE) {
		if (mvt_mac_is_group(c->dst)) {
			if (c->ethertype != MVT_ETHERTYPE_PAUSE) {
				v->flood = MVT_MODE_BRIDGE;
				v->exclude = s;
			}
			v->flags = MVT_V_WIRE;
			if (t->host_bridge)
				v->flags |= MVT_V_HOST;
			return;
		}
		if (t->host_bridge && c->dst == t->host_mac) {
			/* [DESIGN] host-bridge: the host is a local bridge peer */
			v->flags = MVT_V_HOST;
			return;
		}
		d = owner_up(t, c->dst_e);
		if (d != MVT_EP_NONE && t->ep[d].mode == MVT_MODE_BRIDGE) {
			/* local delivery through the lower's receive path */
			decide_rx(t, c, v);
			return;
		}
	}
	v->flags = MVT_V_WIRE;
}

void
mvt_decide(const struct mvt_ep_table *t, uint16_t ingress,
	const struct mvt_cls *c, struct mvt_verdict *v)
{
	verdict_init(v);
	if (ingress == MVT_INGRESS_LOWER)
		decide_rx(t, c, v);
	else if (ingress == MVT_INGRESS_HOST)
		decide_host(t, c, v);
	else
		decide_tx(t, ingress, c, v);
}

int
mvt_decide_reflect(const struct mvt_ep_table *t, const struct mvt_cls *c,
	struct mvt_verdict *v)
{
	struct mvt_verdict r;
	uint8_t own;

	/* nothing left the sender: dropped (by the policy stage) or local */
	if (!(v->flags & MVT_V_WIRE) || v->drop != MVT_DROP_NONE)
		return 0;
	if (!mvt_mac_is_group(c->dst)) {
		/*
		 * The bridge learned the host's MAC and the lower's own from
		 * the frames the host sends, on this port too.
		 */
		if ((c->dst_e == NULL || c->dst_e->owner == MVT_EP_NONE) &&
				c->dst != t->lower_mac &&
				(t->host_mac == 0 || c->dst != t->host_mac))
			return 0;
		/* a bridge sends known unicast back out of its port only */
		decide_rx_into(t, c, v);
		return 1;
	}
	/* 802.1D reserved groups are not forwarded, but for STP's */
	if (mvt_mac_is_link_local(c->dst) && c->dst != MVT_MAC_STP)
		return 0;
	verdict_init(&r);
	decide_rx(t, c, &r);
	own = v->flood;
	/*
	 * The sender's own local copies (a bridge sender's flood) and the
	 * reflected copy's deliveries add up; both floods exclude the same
	 * sender, and a reflected group frame only ever has a target when
	 * the sender is that target (forward to original port).
	 */
	v->flood |= r.flood;
	v->rflood = r.flood & ~own;
	if (r.flood != 0)
		v->exclude = r.exclude;
	v->target = r.target;
	v->src_copies = r.src_copies;
	v->flags |= r.flags;
	return 1;
}

int
mvt_decide_bc_queued(const struct mvt_ep_table *t, uint64_t group)
{
	const struct mvt_ep_state *e;
	int32_t joined = 0;
	uint16_t id, i;

	if (t->bc_cutoff < 0)
		return 0;
	if (group == MVT_MAC_BROADCAST || t->lower_promisc ||
			(t->passthru != MVT_EP_NONE && t->ep[t->passthru].up))
		return 1;
	for (id = 0; id < t->n_eps; id++) {
		e = &t->ep[id];
		if (e->mode == 0 || !e->up)
			continue;
		if (e->mc_all)
			return 1;
		for (i = 0; i < e->n_mc; i++) {
			if (t->mc[id][i] == group) {
				joined++;
				break;
			}
		}
	}
	return joined > t->bc_cutoff;
}

void
mvt_decide_burst(const struct mvt_ep_table *t, uint16_t ingress,
	const struct mvt_cls *c, uint16_t n, struct mvt_verdict *v)
{
	uint16_t i;

	if (n == 0)
		return;
	mvt_decide(t, ingress, &c[0], v);
	/*
	 * A verdict depends on the table, the ingress and the frame's
	 * addresses and ethertype only (the entries are those of the
	 * addresses), and frames of a burst mostly repeat the one before.
	 */
	for (i = 1; i < n; i++) {
		if (c[i].dst == c[i - 1].dst && c[i].src == c[i - 1].src &&
				c[i].ethertype == c[i - 1].ethertype)
			v[i] = v[i - 1];
		else
			mvt_decide(t, ingress, &c[i], &v[i]);
	}
}

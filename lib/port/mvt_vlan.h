/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#ifndef MVT_VLAN_H
#define MVT_VLAN_H

/**
 * @file
 * 802.1Q tags of VLAN lowers, as Linux's eth0.100 handles them under a
 * macvtap: a frame from the wire whose outer tag is 802.1Q (TPID 0x8100)
 * with VLAN id VID belongs to the lower of VID and enters its segment
 * without that tag; a frame that segment sends to the wire gets the tag.
 *
 * - Only the outer tag counts. A double-tagged frame (0x8100 VID, then an
 *   inner tag) loses its outer tag and keeps the inner one, as a guest on
 *   eth0.100 receives it from Linux.
 * - VID 0 (a priority tag) and an outer 802.1ad tag (0x88a8) are not a
 *   VLAN of an 802.1Q lower: such frames are the untagged ones, kept as
 *   they are.
 * - The tag's priority and DEI bits survive the pop in m->vlan_tci (with
 *   RTE_MBUF_F_RX_VLAN_STRIPPED), for a re-push and for diagnostics; the
 *   guest gets the frame untagged, as from Linux.
 * - The pushed tag's priority is the PCP of the frame's own outer 802.1Q
 *   tag if it has one (a guest's priority-tagged or tagged frame keeps its
 *   priority on the wire), else 0, as Linux's default egress-qos-map.
 *
 * The hardware strips and inserts where the device offers it; otherwise
 * these functions move the MAC addresses in the mbuf, which must then be
 * the switch's only reference (a shared frame is copied first).
 */

#include <stdint.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_mbuf.h>

/** The TPID of an 802.1Q tag, the only one a VLAN lower takes. */
#define MVT_VLAN_TPID 0x8100
#define MVT_VLAN_HLEN 4
#define MVT_VLAN_VID_MASK 0x0fff
#define MVT_VLAN_PCP_SHIFT 13

/**
 * The VLAN id a received frame belongs to, without changing it: the VID
 * of its outer 802.1Q tag (already stripped by the hardware, or in the
 * frame), or 0 for an untagged or priority-tagged frame.
 */
static inline uint16_t
mvt_vlan_peek(const struct rte_mbuf *m)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint16_t tpid, tci;

	if (m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED)
		return m->vlan_tci & MVT_VLAN_VID_MASK;
	if (unlikely(rte_pktmbuf_data_len(m) < 18))
		return 0;
	memcpy(&tpid, p + 12, sizeof(tpid));
	if (tpid != RTE_BE16(MVT_VLAN_TPID))
		return 0;
	memcpy(&tci, p + 14, sizeof(tci));
	return rte_be_to_cpu_16(tci) & MVT_VLAN_VID_MASK;
}

/**
 * Take the outer tag off a frame mvt_vlan_peek() found tagged: its TCI
 * goes to m->vlan_tci with RTE_MBUF_F_RX_VLAN_STRIPPED. Nothing to do for
 * a frame the hardware stripped. The caller holds the only reference (a
 * frame just received).
 */
static inline void
mvt_vlan_pop(struct rte_mbuf *m)
{
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);
	uint16_t tci;

	if (m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED)
		return;
	memcpy(&tci, p + 14, sizeof(tci));
	m->vlan_tci = rte_be_to_cpu_16(tci);
	memmove(p + MVT_VLAN_HLEN, p, 12);
	rte_pktmbuf_adj(m, MVT_VLAN_HLEN);
	m->ol_flags |= RTE_MBUF_F_RX_VLAN | RTE_MBUF_F_RX_VLAN_STRIPPED;
}

/* Put a tag with TCI @p tci after the MAC addresses: room checked. */
static inline void
mvt_vlan_insert_sw(struct rte_mbuf *m, uint16_t tci)
{
	uint8_t *p = (uint8_t *)rte_pktmbuf_prepend(m, MVT_VLAN_HLEN);
	uint16_t v;

	if (unlikely(p == NULL))
		return;
	memmove(p, p + MVT_VLAN_HLEN, 12);
	v = RTE_BE16(MVT_VLAN_TPID);
	memcpy(p + 12, &v, sizeof(v));
	v = rte_cpu_to_be_16(tci);
	memcpy(p + 14, &v, sizeof(v));
	/* the offsets of a frame that asks for checksums or segmentation */
	if (m->ol_flags & (RTE_MBUF_F_TX_L4_MASK | RTE_MBUF_F_TX_TCP_SEG |
			RTE_MBUF_F_TX_IP_CKSUM))
		m->l2_len += MVT_VLAN_HLEN;
}

/**
 * Give back the tag of a frame that mvt_vlan_peek() found tagged but that
 * goes on tagged (to the untagged lower, as macvlan carries tags through):
 * only a frame the hardware stripped needs it.
 */
static inline void
mvt_vlan_unstrip(struct rte_mbuf *m)
{
	if (!(m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED))
		return;
	m->ol_flags &= ~(RTE_MBUF_F_RX_VLAN | RTE_MBUF_F_RX_VLAN_STRIPPED);
	if (rte_pktmbuf_headroom(m) >= MVT_VLAN_HLEN &&
			rte_pktmbuf_data_len(m) >= 12)
		mvt_vlan_insert_sw(m, m->vlan_tci);
}

/** The TCI to push for VLAN @p vid on frame @p m (see the file comment). */
static inline uint16_t
mvt_vlan_tci(const struct rte_mbuf *m, uint16_t vid)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint16_t tpid, tci;

	if (rte_pktmbuf_data_len(m) < 18)
		return vid;
	memcpy(&tpid, p + 12, sizeof(tpid));
	if (tpid != RTE_BE16(MVT_VLAN_TPID))
		return vid;
	memcpy(&tci, p + 14, sizeof(tci));
	return (rte_be_to_cpu_16(tci) & ~MVT_VLAN_VID_MASK) | vid;
}

/**
 * Tag frame @p m for VLAN @p vid, in the hardware (@p hw: the device
 * inserts tags) or in the frame. A frame other references share (a flood
 * that also goes to endpoints) is copied from @p mp first and one
 * reference of the original released, since neither the tag nor the
 * offload flag may reach the other copies.
 *
 * @return the frame to send (@p m or its copy), or NULL if the copy
 *   failed; @p m is then untouched and still the caller's.
 */
static inline struct rte_mbuf *
mvt_vlan_push(struct rte_mbuf *m, uint16_t vid, int hw, struct rte_mempool *mp)
{
	uint16_t tci = mvt_vlan_tci(m, vid);
	struct rte_mbuf *c;

	if (unlikely(!RTE_MBUF_DIRECT(m) || rte_mbuf_refcnt_read(m) != 1 ||
			(!hw && (rte_pktmbuf_headroom(m) < MVT_VLAN_HLEN ||
			 rte_pktmbuf_data_len(m) < 12)))) {
		c = rte_pktmbuf_copy(m, mp, 0, UINT32_MAX);
		if (c == NULL)
			return NULL;
		rte_pktmbuf_free(m);
		m = c;
	}
	if (hw) {
		m->ol_flags |= RTE_MBUF_F_TX_VLAN;
		m->vlan_tci = tci;
	} else {
		mvt_vlan_insert_sw(m, tci);
	}
	return m;
}

#endif /* MVT_VLAN_H */

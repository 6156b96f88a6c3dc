/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#ifndef MVT_OFFLOAD_H
#define MVT_OFFLOAD_H

/**
 * @file
 * TCP segmentation and checksum offload between ports that offer it and
 * ports that do not.
 *
 * A frame may carry an offload request: a TCP super-frame to be cut into
 * segments of tso_segsz payload bytes, or a partial L4 checksum to be
 * completed. It comes in one of two forms:
 *
 * - as librte_vhost with RTE_VHOST_USER_NET_COMPLIANT_OL_FLAGS leaves a
 *   guest's frame (and as a NIC's LRO does): RTE_MBUF_F_RX_LRO with
 *   tso_segsz for a super-frame, RTE_MBUF_F_RX_L4_CKSUM_NONE for a
 *   partial checksum; l2_len, l3_len and l4_len are not set;
 * - with transmit flags, as the legacy vhost path does or an application
 *   would: RTE_MBUF_F_TX_TCP_SEG, RTE_MBUF_F_TX_IPV4/IPV6,
 *   RTE_MBUF_F_TX_IP_CKSUM, RTE_MBUF_F_TX_TCP_CKSUM/UDP_CKSUM, with
 *   l2_len, l3_len, l4_len and tso_segsz.
 *
 * mvt_offload_prepare(), once per frame where it enters the switch,
 * checks the request against the frame's own headers and rewrites it in
 * the transmit form every receiver understands (librte_vhost's enqueue
 * and the ethdev TX path read only transmit flags). Then, per receiver,
 * mvt_offload_needs() says whether the receiver can take the frame as it
 * is, and if not mvt_offload_fixup() makes what it can take: the frame
 * itself with its checksums completed, or its segments.
 *
 * Supported: Ethernet, one VLAN tag or QinQ, IPv4 with or without
 * options, IPv6 without extension headers, TCP segmentation, TCP and UDP
 * checksums, IPv4 header checksum. Refused with a reason: UDP
 * segmentation, IPv6 extension headers, IP fragments, tunnels, SCTP.
 * Frames without any request are never looked at beyond one test of
 * their ol_flags.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "mvt_drop.h"

/**
 * The most segments one super-frame may make. A frame whose tso_segsz
 * would make more is refused (offload_bad_mss): a guest cannot make the
 * switch build 65,000 one-byte segments. 64 KiB at an MSS of 256 fits.
 * Callers of mvt_offload_fixup() size their output array with it.
 */
#define MVT_OFFLOAD_SEGS_MAX 256

/** Transmit flags that ask a receiver (or the switch) for work. */
#define MVT_OFFLOAD_TX_REQ                                                     \
	(RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_UDP_SEG |                       \
			RTE_MBUF_F_TX_L4_MASK | RTE_MBUF_F_TX_IP_CKSUM)

/** What a receiving port takes. */
struct mvt_offload_caps {
	/** Completes TCP and UDP checksums and the IPv4 header checksum. */
	bool csum;
	/** Takes TCP/IPv4 super-frames (and segments them itself). */
	bool tso4;
	/** Takes TCP/IPv6 super-frames. */
	bool tso6;
	/** Takes chained mbufs; software segments are chains otherwise. */
	bool multi_seg;
	/**
	 * Largest frame, Ethernet header included, it takes when not as a
	 * super-frame (its MTU and MVT_FRAME_OVERHEAD); 0 for no limit. A
	 * segment longer than this is not made (mtu_exceeded).
	 */
	uint32_t max_frame;
};

/** Per-lcore counters: one writer, readers sum with mvt_offload_stats_sum. */
struct mvt_offload_stats {
	uint64_t offloaded_rx; /**< frames that came with a valid request */
	uint64_t segmented; /**< super-frames segmented in software */
	uint64_t segments; /**< segments those made */
	uint64_t csum_completed; /**< frames whose checksums were completed */
} __rte_cache_aligned;

/** Pools and counters of software segmentation. */
struct mvt_offload_ctx {
	struct rte_mempool *direct; /**< a segment's copied headers */
	struct rte_mempool *indirect; /**< a segment's payload, attached */
	/** Indexed by lcore id; the last one for non-EAL threads. */
	struct mvt_offload_stats stats[RTE_MAX_LCORE + 1];
};

/**
 * Create the pools of @p ctx (named after @p name) and zero its counters.
 * @p n_mbufs is the size of each pool: one direct and one indirect mbuf
 * per segment (more if the super-frame is chained).
 *
 * @return 0, or -ENOMEM (nothing left allocated).
 */
int mvt_offload_ctx_init(struct mvt_offload_ctx *ctx, const char *name,
		unsigned int n_mbufs, int socket);

/** Free the pools of @p ctx (mbufs still out are the caller's). */
void mvt_offload_ctx_free(struct mvt_offload_ctx *ctx);

/** Sum the counters of all lcores into @p out. */
void mvt_offload_stats_sum(const struct mvt_offload_ctx *ctx,
		struct mvt_offload_stats *out);

/** This lcore's counters in @p ctx. */
static inline struct mvt_offload_stats *
mvt_offload_lcore_stats(struct mvt_offload_ctx *ctx)
{
	unsigned int id = rte_lcore_id();

	return &ctx->stats[id < RTE_MAX_LCORE ? id : RTE_MAX_LCORE];
}

/** Whether @p m carries an offload request, in either form. */
static inline bool
mvt_offload_requested(const struct rte_mbuf *m)
{
	uint64_t f = m->ol_flags;

	return (f & (RTE_MBUF_F_RX_LRO | MVT_OFFLOAD_TX_REQ)) != 0 ||
			(f & RTE_MBUF_F_RX_L4_CKSUM_MASK) ==
			RTE_MBUF_F_RX_L4_CKSUM_NONE;
}

/**
 * The bytes the prepared frame @p m puts on a wire: its length, or for a
 * TCP super-frame that of its segments, each with its own copy of the
 * headers. What rate limits meter.
 */
static inline uint32_t
mvt_offload_wire_len(const struct rte_mbuf *m)
{
	uint32_t len = rte_pktmbuf_pkt_len(m), hdr, segs;

	if (likely((m->ol_flags & RTE_MBUF_F_TX_TCP_SEG) == 0))
		return len;
	hdr = (uint32_t)m->l2_len + m->l3_len + m->l4_len;
	if (m->tso_segsz == 0 || len <= hdr)
		return len;
	segs = (len - hdr + m->tso_segsz - 1) / m->tso_segsz;
	return len + (segs - 1) * hdr;
}

/**
 * Check the offload request of @p m against its headers and rewrite it in
 * transmit form. Does not modify the frame's data.
 *
 * Validated: the headers parse (rte_net_get_ptype) as Ethernet, VLAN or
 * QinQ, then IPv4 (IHL >= 5) or IPv6, then TCP (data offset >= 5) or UDP,
 * all of them inside the frame and inside its first segment; the IP
 * length fields fit the frame (and match it exactly for a super-frame);
 * transmit-form l2_len, l3_len, l4_len and IPV4/IPV6 flags agree with the
 * parse; segmentation only on TCP with 0 < tso_segsz and at most
 * MVT_OFFLOAD_SEGS_MAX segments.
 *
 * Afterwards a frame with a request has RTE_MBUF_F_TX_IPV4 or _IPV6,
 * l2_len, l3_len, l4_len and packet_type set; RTE_MBUF_F_TX_TCP_SEG with
 * tso_segsz, RTE_MBUF_F_TX_TCP_CKSUM and (IPv4) RTE_MBUF_F_TX_IP_CKSUM
 * for a super-frame; RTE_MBUF_F_TX_TCP_CKSUM or _UDP_CKSUM for a partial
 * checksum; and no RX_LRO or RX_L4_CKSUM_NONE.
 *
 * @param ctx
 *   Counts offloaded_rx; may be NULL.
 * @return
 *   MVT_DROP_NONE (also for a frame without a request, left untouched),
 *   or the reason to drop it: MVT_DROP_OFFLOAD_BAD_HDR,
 *   MVT_DROP_OFFLOAD_BAD_MSS or MVT_DROP_OFFLOAD_UNSUPPORTED.
 */
enum mvt_drop_reason mvt_offload_prepare_slow(
		struct mvt_offload_ctx *ctx, struct rte_mbuf *m);

/** mvt_offload_prepare_slow() behind the test of a frame without request. */
static inline enum mvt_drop_reason
mvt_offload_prepare(struct mvt_offload_ctx *ctx, struct rte_mbuf *m)
{
	if (likely(!mvt_offload_requested(m)))
		return MVT_DROP_NONE;
	return mvt_offload_prepare_slow(ctx, m);
}

/**
 * Whether the prepared frame @p m needs software work before the
 * receiver @p c can take it. One test for a frame without a request.
 */
static inline bool
mvt_offload_needs(const struct rte_mbuf *m, const struct mvt_offload_caps *c)
{
	uint64_t f = m->ol_flags & MVT_OFFLOAD_TX_REQ;

	if (likely(f == 0))
		return false;
	if (!c->csum)
		return true;
	if (f & RTE_MBUF_F_TX_TCP_SEG)
		return !((m->ol_flags & RTE_MBUF_F_TX_IPV4) ? c->tso4
							    : c->tso6);
	return false;
}

/**
 * Whether the prepared frame @p m, which asks for offloads that the
 * receiver @p c does itself, fits its MTU as the receiver sends it on:
 * a super-frame's segments, otherwise the frame.
 */
static inline bool
mvt_offload_fits(const struct rte_mbuf *m, const struct mvt_offload_caps *c)
{
	uint32_t hdr;

	if (c->max_frame == 0 || m->pkt_len <= c->max_frame)
		return true;
	if (!(m->ol_flags & RTE_MBUF_F_TX_TCP_SEG))
		return false;
	hdr = (uint32_t)m->l2_len + m->l3_len + m->l4_len;
	return hdr + m->tso_segsz <= c->max_frame;
}

/**
 * Make from the prepared frame @p m what the receiver @p c takes.
 *
 * - If the receiver takes @p m as it is: out[0] = m, returns 1.
 * - A partial checksum (or a super-frame no longer than one segment) for
 *   a receiver without checksum offload: the checksums are completed in
 *   place and the transmit flags cleared, so that the frame is then right
 *   for every receiver; out[0] = m, returns 1.
 * - A super-frame for a receiver without TSO: it is cut into segments of
 *   tso_segsz payload bytes, each with its own copy of the headers: IPv4
 *   total length and header checksum, IPv4 ID incremented from the
 *   frame's, IPv6 payload length, sequence numbers, CWR only on the first
 *   segment, PSH and FIN only on the last, TCP checksum computed, no
 *   offload flags. Segments are chains of a direct mbuf (headers) and
 *   indirect ones attached to @p m's data, or single mbufs copied from
 *   those when the receiver lacks multi_seg. out[0..n-1] are the
 *   segments, each the caller's to send or free; @p m itself, flags
 *   included, is left as it was, so that it can still go to a receiver
 *   with TSO or be segmented again for another kind of receiver.
 *
 * @p m is never freed: the caller keeps its reference. Call this for
 * every kind of receiver before handing the frame to any of them, since
 * completing a checksum rewrites the frame's data.
 *
 * @param nb_out
 *   Room in @p out; MVT_OFFLOAD_SEGS_MAX always suffices.
 * @param why
 *   Set when 0 is returned: MVT_DROP_MTU_EXCEEDED (a segment, or the frame,
 *   longer than c->max_frame), MVT_DROP_GSO_NO_MBUF (the pools ran out;
 *   nothing is left allocated), MVT_DROP_OFFLOAD_BAD_MSS (more segments
 *   than @p nb_out), MVT_DROP_OFFLOAD_BAD_HDR (the frame was not
 *   prepared).
 * @return
 *   The number of frames in @p out, or 0.
 */
uint16_t mvt_offload_fixup(struct mvt_offload_ctx *ctx, struct rte_mbuf *m,
		const struct mvt_offload_caps *c, struct rte_mbuf **out,
		uint16_t nb_out, enum mvt_drop_reason *why);

/**
 * Add @p v to the reference count of every mbuf of the chain @p m, as a
 * frame sent to @p v more receivers needs (rte_pktmbuf_refcnt_update()
 * counts only the first mbuf of a chain, and rte_pktmbuf_free() drops a
 * reference from each).
 */
static inline void
mvt_offload_chain_ref(struct rte_mbuf *m, int16_t v)
{
	for (; m != NULL; m = m->next)
		rte_mbuf_refcnt_update(m, v);
}

/*
 * Guest to wire: what a lower device does in hardware.
 */

/**
 * The capabilities of an ethdev port whose enabled TX offloads
 * (txmode.offloads as configured, a subset of tx_offload_capa) are
 * @p tx_offloads, and whose largest frame is @p max_frame.
 * Checksums count only with IPv4, TCP and UDP checksum offload all
 * three; TSO only with them and RTE_ETH_TX_OFFLOAD_TCP_TSO (for both IP
 * versions: ethdev does not tell them apart).
 */
void mvt_offload_caps_from_eth(uint64_t tx_offloads, uint32_t max_frame,
		struct mvt_offload_caps *c);

/** How a prepared frame goes out through a port. */
enum mvt_offload_path {
	MVT_OFFLOAD_PLAIN = 0, /**< no request: send it */
	MVT_OFFLOAD_HW, /**< the port does it: rte_eth_tx_prepare(), send */
	MVT_OFFLOAD_SW, /**< mvt_offload_fixup() first */
};

/** The path of the prepared frame @p m through the port @p c. */
static inline enum mvt_offload_path
mvt_offload_tx_path(const struct rte_mbuf *m, const struct mvt_offload_caps *c)
{
	if (likely((m->ol_flags & MVT_OFFLOAD_TX_REQ) == 0))
		return MVT_OFFLOAD_PLAIN;
	if (mvt_offload_needs(m, c))
		return MVT_OFFLOAD_SW;
	return MVT_OFFLOAD_HW;
}

#endif /* MVT_OFFLOAD_H */

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

/*
 * fuzz_offload: frames with offload requests as a hostile guest or a
 * broken frontend could hand them to the switch -- any receive or
 * transmit flags, segment size and header lengths, over any bytes, in one
 * mbuf or two -- through mvt_offload_prepare() and then mvt_offload_fixup()
 * for each kind of receiver. Nothing may crash or leak, and what comes out
 * must be well-formed: a frame the prepare stage accepts has consistent
 * header lengths inside its first mbuf; every segment is no longer than
 * its headers and one segment size, has nb_segs and pkt_len that agree
 * with its chain, is one mbuf for a receiver without chains, and asks for
 * nothing a receiver without offloads would have to do.
 *
 * Input: 8 bytes of metadata, then the frame.
 *   [0] flags: bit 0 RX_LRO, 1 RX_L4_CKSUM_NONE, 2 TX_TCP_SEG, 3 TX_IPV4,
 *       4 TX_IPV6, 5 TX_TCP_CKSUM, 6 TX_UDP_CKSUM, 7 TX_IP_CKSUM
 *   [1..2] tso_segsz (little endian)   [3] l2_len  [4] l3_len  [5] l4_len
 *   [6] bit 0: the frame's second half in a second mbuf
 *   [7] where the second mbuf starts, in units of 8 bytes
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "mvt_offload.h"

#define META 8
#define ROOM 4096

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct rte_mempool *mp;
static struct mvt_offload_ctx ctx;

static const uint64_t flag_bits[8] = {
	RTE_MBUF_F_RX_LRO, RTE_MBUF_F_RX_L4_CKSUM_NONE, RTE_MBUF_F_TX_TCP_SEG,
	RTE_MBUF_F_TX_IPV4, RTE_MBUF_F_TX_IPV6, RTE_MBUF_F_TX_TCP_CKSUM,
	RTE_MBUF_F_TX_UDP_CKSUM, RTE_MBUF_F_TX_IP_CKSUM,
};

/* The receivers: nothing, checksums, everything, linear, a frame limit. */
static const struct mvt_offload_caps receivers[] = {
	{ .multi_seg = true },
	{ .csum = true, .multi_seg = true },
	{ .csum = true, .tso4 = true, .tso6 = true, .multi_seg = true },
	{ .multi_seg = false },
	{ .multi_seg = true, .max_frame = 600 },
};

static void
die(const char *what, unsigned int i)
{
	fprintf(stderr, "fuzz_offload: %s (receiver %u)\n", what, i);
	abort();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *eal_argv[] = {
		(char *)"fuzz_offload", (char *)"--no-huge", (char *)"-m",
		(char *)"128", (char *)"--no-pci", (char *)"--no-telemetry",
		(char *)"--no-shconf", (char *)"--file-prefix",
		(char *)"fuzzoffload", (char *)"-l", (char *)"0",
		(char *)"--log-level=*:error",
	};

	RTE_SET_USED(argc);
	RTE_SET_USED(argv);
	if (rte_eal_init((int)RTE_DIM(eal_argv), eal_argv) < 0)
		die("rte_eal_init failed", 0);
	mp = rte_pktmbuf_pool_create("fuzz_offl", 64, 0, 0,
		RTE_PKTMBUF_HEADROOM + ROOM, rte_socket_id());
	if (mp == NULL ||
			mvt_offload_ctx_init(&ctx, "fuzz_gso", 1024,
				rte_socket_id()) != 0)
		die("cannot create the pools", 0);
	return 0;
}

static void
pools_full(void)
{
	if (rte_mempool_avail_count(mp) != mp->size ||
			rte_mempool_avail_count(ctx.direct) != ctx.direct->size ||
			rte_mempool_avail_count(ctx.indirect) !=
				ctx.indirect->size)
		die("an mbuf leaked", 0);
}

/* The frame @p data of @p len bytes, cut after @p cut bytes if non-zero. */
static struct rte_mbuf *
frame(const uint8_t *data, uint16_t len, uint16_t cut)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp), *b;

	if (m == NULL)
		die("no mbuf", 0);
	if (cut == 0 || cut >= len) {
		memcpy(rte_pktmbuf_append(m, len), data, len);
		return m;
	}
	b = rte_pktmbuf_alloc(mp);
	if (b == NULL)
		die("no mbuf", 0);
	memcpy(rte_pktmbuf_append(m, cut), data, cut);
	memcpy(rte_pktmbuf_append(b, (uint16_t)(len - cut)), data + cut,
		len - cut);
	if (rte_pktmbuf_chain(m, b) != 0)
		die("cannot chain", 0);
	return m;
}

static void
check_out(const struct rte_mbuf *m, const struct rte_mbuf *s,
	const struct mvt_offload_caps *c, uint32_t hdr, uint16_t mss,
	unsigned int i)
{
	const struct rte_mbuf *x;
	uint32_t len = 0;
	uint16_t segs = 0;

	for (x = s; x != NULL; x = x->next) {
		len += x->data_len;
		segs++;
	}
	if (len != s->pkt_len || segs != s->nb_segs)
		die("pkt_len or nb_segs disagree with the chain", i);
	if (s == m)
		return;
	if (!c->multi_seg && s->nb_segs != 1)
		die("a chain for a receiver without chains", i);
	if (s->pkt_len > hdr + mss)
		die("a segment longer than its headers and one segment", i);
	if (c->max_frame != 0 && s->pkt_len > c->max_frame)
		die("a segment longer than the receiver takes", i);
	if (!c->csum && (s->ol_flags & MVT_OFFLOAD_TX_REQ) != 0)
		die("a segment that still asks for offloads", i);
	if (s->ol_flags & (RTE_MBUF_F_EXTERNAL | RTE_MBUF_F_INDIRECT))
		die("a segment's header mbuf flagged as not its own data", i);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rte_mbuf *out[MVT_OFFLOAD_SEGS_MAX], *m;
	enum mvt_drop_reason why;
	uint16_t len, cut, n, k, mss;
	uint32_t hdr;
	unsigned int i;

	if (size < META + 14 || size - META > ROOM)
		return 0;
	len = (uint16_t)(size - META);
	cut = (data[6] & 1) ? (uint16_t)(data[7] * 8) : 0;
	m = frame(data + META, len, cut);
	for (i = 0; i < 8; i++)
		if (data[0] >> i & 1)
			m->ol_flags |= flag_bits[i];
	m->tso_segsz = (uint16_t)(data[1] | data[2] << 8);
	m->l2_len = data[3];
	m->l3_len = data[4];
	m->l4_len = data[5];
	if (mvt_offload_prepare(&ctx, m) != MVT_DROP_NONE) {
		rte_pktmbuf_free(m);
		pools_full();
		return 0;
	}
	if (m->ol_flags & MVT_OFFLOAD_TX_REQ) {
		hdr = (uint32_t)m->l2_len + m->l3_len + m->l4_len;
		if (hdr > m->data_len ||
				!(m->ol_flags &
				  (RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IPV6)) ||
				(m->ol_flags & RTE_MBUF_F_RX_LRO))
			die("a prepared request with inconsistent headers", 0);
	}
	hdr = (uint32_t)m->l2_len + m->l3_len + m->l4_len;
	mss = m->tso_segsz;
	for (i = 0; i < RTE_DIM(receivers); i++) {
		n = mvt_offload_fixup(&ctx, m, &receivers[i], out,
			RTE_DIM(out), &why);
		if (n == 0 && why == MVT_DROP_NONE)
			die("nothing made and no reason", i);
		for (k = 0; k < n; k++)
			check_out(m, out[k], &receivers[i], hdr, mss, i);
		for (k = 0; k < n; k++)
			if (out[k] != m)
				rte_pktmbuf_free(out[k]);
	}
	rte_pktmbuf_free(m);
	pools_full();
	return 0;
}

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

/*
 * Offloads (mvt_offload.h): super-frames and partial checksums as
 * librte_vhost's compliant dequeue flags them (RX_LRO, RX_L4_CKSUM_NONE,
 * no header lengths) or as transmit flags do, prepared, then segmented or
 * completed for a receiver that cannot take them.
 *
 * Every segment is checked against the original by this file's own
 * reading of the bytes: lengths, IPv4 IDs, sequence numbers, flags, and
 * checksums summed here in plain one's complement, not with the DPDK
 * helpers the module uses; the payloads put back together must be the
 * original's, byte for byte.
 *
 * The pipeline cases run the real mvt_worker_process() on such frames
 * from endpoint A to endpoints whose ports (net_ring) say they take TSO
 * (B) or nothing (C), and to floods, and check what each port's ring
 * got and the counters; also the fallbacks: a mirror destination that
 * cannot take what its source is sent, a lower whose
 * rte_eth_tx_prepare() refuses frames, receivers that take no chains.
 */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_net.h>

#include <rte_eth_ring.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_ring.h>

#include "mvt_dp.h"
#include "mvt_eptable.h"
#include "mvt_mactable.h"
#include "mvt_mirror.h"
#include "mvt_offload.h"
#include "mvt_worker.h"
#include "test.h"

#define BIG_ROOM 65400 /* data room of the test frames (buf_len is 16 bits) */
#define SEQ0 0xfffff000u /* the sequence numbers wrap inside a frame */
#define ID0 0xfff0 /* and so do the IPv4 IDs */

#define TCPF_FIN 0x01
#define TCPF_SYN 0x02
#define TCPF_PSH 0x08
#define TCPF_ACK 0x10
#define TCPF_CWR 0x80

static struct rte_mempool *big_mp;
static struct mvt_offload_ctx ctx;

/* What a test frame is made of. */
struct frame {
	unsigned int vlans; /* 0, 1 or 2 (QinQ) */
	bool v6;
	unsigned int ipopt; /* IPv4 option bytes (multiple of 4) */
	unsigned int tcpopt; /* TCP option bytes (multiple of 4) */
	bool udp;
	bool v6_ext; /* an IPv6 hop-by-hop header before the L4 */
	unsigned int payload;
	uint8_t tcp_flags;
};

/* Offsets of the frame built last. */
static unsigned int o_l3, o_l4, o_pay;

/* The pattern of payload byte @p i. */
static uint8_t
pat(unsigned int i)
{
	return (uint8_t)(i * 7 + (i >> 8) + 1);
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

/* One's complement sum of @p len bytes, added to @p sum, not folded. */
static uint32_t
ones_add(uint32_t sum, const uint8_t *p, unsigned int len)
{
	unsigned int i;

	for (i = 0; i + 1 < len; i += 2)
		sum += get16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t
ones_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/*
 * Whether the L4 checksum of the IP datagram at @p l3 (whose L4 starts at
 * @p l4) verifies: pseudo-header plus segment sum to 0xffff.
 */
static bool
l4_sum_ok(const uint8_t *l3, const uint8_t *l4, unsigned int l4len, bool v6,
		uint8_t proto)
{
	uint32_t s = 0;

	if (v6) {
		s = ones_add(s, l3 + 8, 32);
	} else {
		s = ones_add(s, l3 + 12, 8);
	}
	s += proto;
	s += l4len;
	s = ones_add(s, l4, l4len);
	return ones_fold(s) == 0xffff;
}

static bool
ip4_sum_ok(const uint8_t *l3)
{
	return ones_fold(ones_add(0, l3, (l3[0] & 0xf) * 4)) == 0xffff;
}

/* Build @p f into a new mbuf of big_mp, with no offload flags. */
static struct rte_mbuf *
build(const struct frame *f)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(big_mp);
	unsigned int off = 12, i, l4len, l3len;
	uint8_t *p;

	if (m == NULL)
		return NULL;
	p = rte_pktmbuf_mtod(m, uint8_t *);
	memset(p, 0, 200);
	memcpy(p, "\x52\x54\x00\x00\x00\x02\x52\x54\x00\x00\x00\x01", 12);
	if (f->vlans == 2) {
		put16(p + off, 0x88a8);
		put16(p + off + 2, 100);
		off += 4;
	}
	if (f->vlans >= 1) {
		put16(p + off, 0x8100);
		put16(p + off + 2, 42);
		off += 4;
	}
	put16(p + off, f->v6 ? 0x86dd : 0x0800);
	o_l3 = off + 2;
	l4len = (f->udp ? 8 : 20 + f->tcpopt) + f->payload;
	if (f->v6) {
		l3len = 40 + (f->v6_ext ? 8 : 0);
		put32(p + o_l3, 0x60000000);
		put16(p + o_l3 + 4, l3len - 40 + l4len);
		p[o_l3 + 6] = f->v6_ext ? 0 : f->udp ? 17 : 6;
		p[o_l3 + 7] = 64;
		for (i = 0; i < 16; i++) {
			p[o_l3 + 8 + i] = 0x20 + i;
			p[o_l3 + 24 + i] = 0x40 + i;
		}
		if (f->v6_ext) /* 8 bytes: next header, length 0, PadN */
			memcpy(p + o_l3 + 40,
					f->udp ? "\x11\0\1\4" : "\x06\0\1\4",
					4);
	} else {
		l3len = 20 + f->ipopt;
		p[o_l3] = 0x40 | (l3len / 4);
		put16(p + o_l3 + 2, l3len + l4len);
		put16(p + o_l3 + 4, ID0);
		put16(p + o_l3 + 6, 0x4000); /* DF */
		p[o_l3 + 8] = 64;
		p[o_l3 + 9] = f->udp ? 17 : 6;
		put32(p + o_l3 + 12, 0x0a000001);
		put32(p + o_l3 + 16, 0x0a000002);
		for (i = 0; i < f->ipopt; i++)
			p[o_l3 + 20 + i] = 1; /* NOP options */
		put16(p + o_l3 + 10, ~ones_fold(ones_add(0, p + o_l3, l3len)));
	}
	o_l4 = o_l3 + l3len;
	put16(p + o_l4, 40000);
	put16(p + o_l4 + 2, 5201);
	if (f->udp) {
		put16(p + o_l4 + 4, l4len);
		put16(p + o_l4 + 6, 0xbeef); /* a partial sum, not trusted */
		o_pay = o_l4 + 8;
	} else {
		put32(p + o_l4 + 4, SEQ0);
		put32(p + o_l4 + 8, 0x01020304);
		p[o_l4 + 12] = (uint8_t)(((20 + f->tcpopt) / 4) << 4);
		p[o_l4 + 13] = f->tcp_flags;
		put16(p + o_l4 + 14, 0xffff);
		put16(p + o_l4 + 16, 0xbeef);
		for (i = 0; i < f->tcpopt; i++)
			p[o_l4 + 20 + i] = 1;
		o_pay = o_l4 + 20 + f->tcpopt;
	}
	for (i = 0; i < f->payload; i++)
		p[o_pay + i] = pat(i);
	m->data_len = o_pay + f->payload;
	m->pkt_len = m->data_len;
	return m;
}

/* Flag @p m as librte_vhost's compliant dequeue does for a GSO frame. */
static void
flag_rx_tso(struct rte_mbuf *m, uint16_t mss)
{
	m->ol_flags |= RTE_MBUF_F_RX_LRO | RTE_MBUF_F_RX_L4_CKSUM_NONE;
	m->tso_segsz = mss;
	m->packet_type = rte_net_get_ptype(m, NULL, RTE_PTYPE_ALL_MASK);
}

/* ... and for a frame with a partial checksum. */
static void
flag_rx_csum(struct rte_mbuf *m)
{
	m->ol_flags |= RTE_MBUF_F_RX_L4_CKSUM_NONE;
	m->packet_type = rte_net_get_ptype(m, NULL, RTE_PTYPE_ALL_MASK);
}

/* Flag @p m for TSO in transmit form, as the legacy vhost path does. */
static void
flag_tx_tso(struct rte_mbuf *m, uint16_t mss)
{
	m->ol_flags |= RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_TCP_CKSUM |
			(o_l4 - o_l3 == 40 ? RTE_MBUF_F_TX_IPV6
					   : RTE_MBUF_F_TX_IPV4);
	m->l2_len = o_l3;
	m->l3_len = o_l4 - o_l3;
	m->l4_len = o_pay - o_l4;
	m->tso_segsz = mss;
}

static const struct mvt_offload_caps no_caps = { .multi_seg = true };
static const struct mvt_offload_caps csum_caps = { .csum = true,
	.multi_seg = true };
static const struct mvt_offload_caps tso_caps = {
	.csum = true, .tso4 = true, .tso6 = true, .multi_seg = true
};
static const struct mvt_offload_caps linear_caps = { .multi_seg = false };

/* Copy the frame @p m into @p buf; its length. */
static unsigned int
flatten(const struct rte_mbuf *m, uint8_t *buf)
{
	unsigned int n = 0;

	for (; m != NULL; m = m->next) {
		memcpy(buf + n, rte_pktmbuf_mtod(m, const uint8_t *),
				m->data_len);
		n += m->data_len;
	}
	return n;
}

static uint8_t orig[BIG_ROOM], seg[BIG_ROOM], joined[BIG_ROOM];

/*
 * Check the @p n segments @p s of the super-frame @p f (copied in orig,
 * headers of @p hdr bytes) cut at @p mss.
 */
static int
check_segments(const struct frame *f, unsigned int hdr, uint16_t mss,
		struct rte_mbuf **s, uint16_t n, bool linear)
{
	unsigned int i, len, pay, at = 0, want;
	uint32_t sum_in, sum_out = 0;
	uint8_t fl;

	want = (f->payload + mss - 1) / mss;
	TEST_ASSERT_EQUAL(n, want, "segments of %u bytes at mss %u", f->payload,
			mss);
	for (i = 0; i < n; i++) {
		TEST_ASSERT_EQUAL(s[i]->ol_flags & MVT_OFFLOAD_TX_REQ, 0,
				"segment %u: no request left", i);
		if (linear)
			TEST_ASSERT_EQUAL(s[i]->nb_segs, 1, "segment %u", i);
		len = flatten(s[i], seg);
		TEST_ASSERT_EQUAL(len, s[i]->pkt_len, "segment %u length", i);
		pay = len - hdr;
		TEST_ASSERT(pay <= mss && pay > 0, "segment %u: %u bytes", i,
				pay);
		if (i + 1 < n)
			TEST_ASSERT_EQUAL(pay, mss, "segment %u full", i);
		/* Ethernet and VLAN headers as they were */
		TEST_ASSERT(memcmp(seg, orig, o_l3) == 0, "segment %u L2", i);
		if (f->v6) {
			TEST_ASSERT_EQUAL(get16(seg + o_l3 + 4), len - o_l4,
					"segment %u payload length", i);
			TEST_ASSERT(memcmp(seg + o_l3 + 6, orig + o_l3 + 6,
						    34) == 0,
					"segment %u IPv6 header", i);
		} else {
			TEST_ASSERT_EQUAL(get16(seg + o_l3 + 2), len - o_l3,
					"segment %u total length", i);
			TEST_ASSERT_EQUAL(get16(seg + o_l3 + 4),
					(uint16_t)(ID0 + i),
					"segment %u IPv4 ID", i);
			TEST_ASSERT(ip4_sum_ok(seg + o_l3),
					"segment %u IPv4 header checksum", i);
			TEST_ASSERT(memcmp(seg + o_l3 + 6, orig + o_l3 + 6,
						    4) == 0 &&
							memcmp(seg + o_l3 + 12,
									orig + o_l3 + 12,
									o_l4 - o_l3 - 12) ==
									0,
					"segment %u IPv4 header", i);
		}
		TEST_ASSERT_EQUAL(get32(seg + o_l4 + 4),
				(uint32_t)(SEQ0 + i * mss),
				"segment %u sequence", i);
		TEST_ASSERT(memcmp(seg + o_l4 + 8, orig + o_l4 + 8, 5) == 0,
				"segment %u ack and offset", i);
		fl = f->tcp_flags;
		if (i > 0)
			fl &= ~TCPF_CWR;
		if (i + 1 < n)
			fl &= ~(TCPF_PSH | TCPF_FIN);
		TEST_ASSERT_EQUAL(seg[o_l4 + 13], fl, "segment %u flags", i);
		TEST_ASSERT(memcmp(seg + o_l4 + 20, orig + o_l4 + 20,
					    hdr - o_l4 - 20) == 0,
				"segment %u TCP options", i);
		TEST_ASSERT(l4_sum_ok(seg + o_l3, seg + o_l4, len - o_l4, f->v6,
					    6),
				"segment %u TCP checksum", i);
		memcpy(joined + at, seg + hdr, pay);
		at += pay;
	}
	TEST_ASSERT_EQUAL(at, f->payload, "payload bytes");
	sum_in = ones_add(0, orig + hdr, f->payload);
	sum_out = ones_add(0, joined, at);
	TEST_ASSERT_EQUAL(ones_fold(sum_out), ones_fold(sum_in),
			"stream checksum");
	TEST_ASSERT(memcmp(joined, orig + hdr, at) == 0, "payload bytes");
	return TEST_SUCCESS;
}

static void
free_all(struct rte_mbuf **s, uint16_t n)
{
	uint16_t i;

	for (i = 0; i < n; i++)
		rte_pktmbuf_free(s[i]);
}

static int
pools_full(void)
{
	TEST_ASSERT_EQUAL(rte_mempool_avail_count(ctx.direct), ctx.direct->size,
			"direct pool full");
	TEST_ASSERT_EQUAL(rte_mempool_avail_count(ctx.indirect),
			ctx.indirect->size, "indirect pool full");
	TEST_ASSERT_EQUAL(rte_mempool_avail_count(big_mp), big_mp->size,
			"frame pool full");
	return TEST_SUCCESS;
}

/*
 * Segment the super-frame @p f at @p mss for a receiver @p c, with the
 * request in receive form (@p tx false) or transmit form.
 */
static int
one_tso(const struct frame *f, uint16_t mss, bool tx,
		const struct mvt_offload_caps *c)
{
	struct rte_mbuf *out[MVT_OFFLOAD_SEGS_MAX], *m = build(f);
	enum mvt_drop_reason why = MVT_DROP_NONE;
	unsigned int hdr = o_pay;
	uint64_t flags;
	uint16_t n;
	int ret;

	TEST_ASSERT_NOT_NULL(m, "frame");
	if (tx)
		flag_tx_tso(m, mss);
	else
		flag_rx_tso(m, mss);
	TEST_ASSERT_EQUAL(
			mvt_offload_prepare(&ctx, m), MVT_DROP_NONE, "prepare");
	TEST_ASSERT_EQUAL(m->ol_flags &
					(MVT_OFFLOAD_TX_REQ |
							RTE_MBUF_F_TX_IPV4 |
							RTE_MBUF_F_TX_IPV6 |
							RTE_MBUF_F_RX_LRO),
			RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_TCP_CKSUM |
					(f->v6 ? RTE_MBUF_F_TX_IPV6
					       : RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM),
			"transmit form");
	TEST_ASSERT_EQUAL(m->l2_len, o_l3, "l2_len");
	TEST_ASSERT_EQUAL(m->l3_len, o_l4 - o_l3, "l3_len");
	TEST_ASSERT_EQUAL(m->l4_len, o_pay - o_l4, "l4_len");
	TEST_ASSERT_EQUAL(m->tso_segsz, mss, "tso_segsz");
	TEST_ASSERT(!mvt_offload_needs(m, &tso_caps), "a TSO receiver");
	TEST_ASSERT(mvt_offload_needs(m, c), "this receiver");
	flatten(m, orig);
	flags = m->ol_flags;
	n = mvt_offload_fixup(&ctx, m, c, out, RTE_DIM(out), &why);
	TEST_ASSERT(n > 0, "fixup: %s", mvt_drop_name(why));
	ret = check_segments(f, hdr, mss, out, n, !c->multi_seg);
	/* the original stays as it was, for a receiver with TSO */
	TEST_ASSERT_EQUAL(m->ol_flags, flags, "original's flags");
	flatten(m, seg);
	TEST_ASSERT(memcmp(seg, orig, m->pkt_len) == 0, "original's bytes");
	free_all(out, n);
	TEST_ASSERT_EQUAL(rte_mbuf_refcnt_read(m), 1, "original's refcnt");
	rte_pktmbuf_free(m);
	if (ret != TEST_SUCCESS)
		return ret;
	return pools_full();
}

static int
test_tso_v4(void)
{
	static const uint16_t mss[] = { 1448, 536, 8948, 1000, 257 };
	struct frame f = { .payload = 64000,
		.tcp_flags = TCPF_ACK | TCPF_PSH | TCPF_FIN | TCPF_CWR };
	unsigned int i;

	for (i = 0; i < RTE_DIM(mss); i++) {
		if (one_tso(&f, mss[i], false, &no_caps) != TEST_SUCCESS ||
				one_tso(&f, mss[i], true, &csum_caps) !=
						TEST_SUCCESS) {
			printf("  (mss %u)\n", mss[i]);
			return TEST_FAILED;
		}
	}
	/* mss 1: 200 one-byte segments */
	f.payload = 200;
	return one_tso(&f, 1, false, &no_caps);
}

static int
test_tso_v4_options(void)
{
	struct frame f = { .payload = 64000,
		.ipopt = 12,
		.tcpopt = 12,
		.tcp_flags = TCPF_ACK | TCPF_PSH };

	if (one_tso(&f, 1448, false, &no_caps) != TEST_SUCCESS)
		return TEST_FAILED;
	f.ipopt = 40;
	f.tcpopt = 40;
	return one_tso(&f, 536, true, &no_caps);
}

static int
test_tso_v6(void)
{
	struct frame f = { .v6 = true,
		.payload = 64000,
		.tcpopt = 12,
		.tcp_flags = TCPF_ACK | TCPF_PSH | TCPF_FIN | TCPF_CWR };

	if (one_tso(&f, 1448, false, &no_caps) != TEST_SUCCESS ||
			one_tso(&f, 8948, true, &csum_caps) != TEST_SUCCESS)
		return TEST_FAILED;
	f.payload = 100;
	return one_tso(&f, 1, false, &no_caps);
}

static int
test_tso_vlan(void)
{
	struct frame f = { .vlans = 1,
		.payload = 64000,
		.ipopt = 4,
		.tcp_flags = TCPF_ACK | TCPF_PSH };

	if (one_tso(&f, 1448, false, &no_caps) != TEST_SUCCESS ||
			one_tso(&f, 536, true, &no_caps) != TEST_SUCCESS)
		return TEST_FAILED;
	f.vlans = 2;
	if (one_tso(&f, 1448, false, &no_caps) != TEST_SUCCESS)
		return TEST_FAILED;
	f.v6 = true;
	f.ipopt = 0;
	return one_tso(&f, 1448, false, &no_caps);
}

/* Segments as single mbufs, for a receiver that takes no chains. */
static int
test_tso_linear(void)
{
	struct mvt_offload_caps c = { .max_frame = 1518 };
	struct frame f = { .payload = 64000, .tcp_flags = TCPF_ACK | TCPF_PSH };

	if (one_tso(&f, 1448, false, &c) != TEST_SUCCESS)
		return TEST_FAILED;
	f.v6 = true;
	f.vlans = 1;
	return one_tso(&f, 1428, false, &c);
}

/* A super-frame that is itself a chain of three mbufs. */
static void
ext_free(void *addr, void *opaque)
{
	RTE_SET_USED(addr);
	rte_free(opaque);
}

/*
 * A super-frame in an external buffer, as librte_vhost makes a guest's
 * frame longer than a pool mbuf (EXTBUF): its segments, linear and
 * chained, IPv4 and IPv6, and every buffer back where it came from.
 */
static int
test_tso_extbuf(void)
{
	struct frame f = { .payload = 40000, .tcp_flags = TCPF_ACK | TCPF_PSH };
	const struct mvt_offload_caps *caps[] = { &no_caps, &linear_caps };
	struct rte_mbuf *out[MVT_OFFLOAD_SEGS_MAX], *m, *src;
	struct rte_mbuf_ext_shared_info *sh;
	enum mvt_drop_reason why;
	unsigned int v, k, len;
	uint16_t n, buf_len;
	void *buf;
	int ret;

	for (v = 0; v < 4; v++) {
		f.v6 = v & 1;
		src = build(&f);
		m = rte_pktmbuf_alloc(ctx.direct);
		TEST_ASSERT(src != NULL && m != NULL, "mbufs");
		len = src->pkt_len;
		buf_len = (uint16_t)(RTE_PKTMBUF_HEADROOM + len + 64);
		buf = rte_malloc(NULL, buf_len, RTE_CACHE_LINE_SIZE);
		TEST_ASSERT_NOT_NULL(buf, "external buffer");
		sh = rte_pktmbuf_ext_shinfo_init_helper(buf, &buf_len,
				ext_free, buf);
		TEST_ASSERT_NOT_NULL(sh, "shared info");
		rte_pktmbuf_attach_extbuf(m, buf, rte_malloc_virt2iova(buf),
				buf_len, sh);
		rte_pktmbuf_reset_headroom(m);
		memcpy(rte_pktmbuf_append(m, (uint16_t)len),
				rte_pktmbuf_mtod(src, void *), len);
		rte_pktmbuf_free(src);
		flatten(m, orig);
		flag_rx_tso(m, 1448);
		TEST_ASSERT_EQUAL(mvt_offload_prepare(&ctx, m), MVT_DROP_NONE,
				"prepare");
		TEST_ASSERT(RTE_MBUF_HAS_EXTBUF(m), "still external");
		k = v >> 1;
		n = mvt_offload_fixup(&ctx, m, caps[k], out, RTE_DIM(out), &why);
		TEST_ASSERT(n > 0, "fixup: %s", mvt_drop_name(why));
		ret = check_segments(&f, o_pay, 1448, out, n, k == 1);
		free_all(out, n);
		TEST_ASSERT_EQUAL(rte_mbuf_ext_refcnt_read(sh), 1,
				"the frame's buffer: only its own reference");
		rte_pktmbuf_free(m);
		if (ret != TEST_SUCCESS)
			return ret;
		if (pools_full() != TEST_SUCCESS)
			return TEST_FAILED;
	}
	return TEST_SUCCESS;
}

static int
test_tso_chained_input(void)
{
	struct frame f = { .payload = 30000, .tcp_flags = TCPF_ACK | TCPF_PSH };
	struct rte_mbuf *out[MVT_OFFLOAD_SEGS_MAX], *m, *b, *c;
	enum mvt_drop_reason why;
	unsigned int cut1, cut2, v;
	uint16_t n;
	int ret;

	for (v = 0; v < 2; v++) {
		f.v6 = v == 1;
		m = build(&f);
		b = rte_pktmbuf_alloc(big_mp);
		c = rte_pktmbuf_alloc(big_mp);
		TEST_ASSERT(m != NULL && b != NULL && c != NULL, "mbufs");
		flatten(m, orig);
		/* headers and 1000 bytes, then 17001, then the rest */
		cut1 = o_pay + 1000;
		cut2 = cut1 + 17001;
		memcpy(rte_pktmbuf_mtod(b, uint8_t *), orig + cut1,
				cut2 - cut1);
		b->data_len = cut2 - cut1;
		memcpy(rte_pktmbuf_mtod(c, uint8_t *), orig + cut2,
				m->pkt_len - cut2);
		c->data_len = m->pkt_len - cut2;
		m->data_len = cut1;
		m->next = b;
		b->next = c;
		m->nb_segs = 3;
		flag_rx_tso(m, 1448);
		TEST_ASSERT_EQUAL(mvt_offload_prepare(&ctx, m), MVT_DROP_NONE,
				"prepare");
		n = mvt_offload_fixup(
				&ctx, m, &no_caps, out, RTE_DIM(out), &why);
		TEST_ASSERT(n > 0, "fixup: %s", mvt_drop_name(why));
		ret = check_segments(&f, o_pay, 1448, out, n, false);
		free_all(out, n);
		rte_pktmbuf_free(m);
		if (ret != TEST_SUCCESS)
			return ret;
		if (pools_full() != TEST_SUCCESS)
			return TEST_FAILED;
	}
	return TEST_SUCCESS;
}

/* A partial checksum completed in place, TCP and UDP over v4 and v6. */
static int
test_csum(void)
{
	struct frame f = { .payload = 1001, .tcp_flags = TCPF_ACK };
	struct rte_mbuf *out[1], *m;
	enum mvt_drop_reason why;
	unsigned int v, len;
	uint8_t proto;

	for (v = 0; v < 8; v++) {
		f.v6 = v & 1;
		f.udp = (v & 2) != 0;
		f.vlans = (v & 4) ? 1 : 0;
		proto = f.udp ? 17 : 6;
		m = build(&f);
		TEST_ASSERT_NOT_NULL(m, "frame");
		if (v & 4) {
			/* transmit form */
			m->ol_flags = (f.udp ? RTE_MBUF_F_TX_UDP_CKSUM
					     : RTE_MBUF_F_TX_TCP_CKSUM) |
					(f.v6 ? RTE_MBUF_F_TX_IPV6
					      : RTE_MBUF_F_TX_IPV4);
			m->l2_len = o_l3;
			m->l3_len = o_l4 - o_l3;
		} else {
			flag_rx_csum(m);
		}
		TEST_ASSERT_EQUAL(mvt_offload_prepare(&ctx, m), MVT_DROP_NONE,
				"prepare, case %u", v);
		TEST_ASSERT_EQUAL(m->ol_flags & RTE_MBUF_F_TX_L4_MASK,
				f.udp ? RTE_MBUF_F_TX_UDP_CKSUM
				      : RTE_MBUF_F_TX_TCP_CKSUM,
				"case %u: L4 flag", v);
		TEST_ASSERT_EQUAL(m->ol_flags &
						(RTE_MBUF_F_TX_TCP_SEG |
								RTE_MBUF_F_TX_IP_CKSUM |
								RTE_MBUF_F_RX_L4_CKSUM_MASK),
				0, "case %u: no other request", v);
		TEST_ASSERT_EQUAL(m->l4_len, f.udp ? 8 : 20, "case %u", v);
		TEST_ASSERT(!mvt_offload_needs(m, &csum_caps), "case %u", v);
		TEST_ASSERT(mvt_offload_needs(m, &no_caps), "case %u", v);
		len = flatten(m, orig);
		TEST_ASSERT(!l4_sum_ok(orig + o_l3, orig + o_l4, len - o_l4,
					    f.v6, proto),
				"case %u: partial before", v);
		TEST_ASSERT_EQUAL(mvt_offload_fixup(&ctx, m, &no_caps, out, 1,
						  &why),
				1, "case %u", v);
		TEST_ASSERT(out[0] == m, "case %u: the frame itself", v);
		TEST_ASSERT_EQUAL(m->ol_flags & MVT_OFFLOAD_TX_REQ, 0,
				"case %u: flags cleared", v);
		TEST_ASSERT(!mvt_offload_needs(m, &no_caps), "case %u", v);
		TEST_ASSERT_EQUAL(flatten(m, seg), len, "case %u", v);
		TEST_ASSERT(l4_sum_ok(seg + o_l3, seg + o_l4, len - o_l4, f.v6,
					    proto),
				"case %u: checksum", v);
		TEST_ASSERT(memcmp(seg, orig, o_l4 + (f.udp ? 6 : 16)) == 0 &&
						memcmp(seg + o_pay,
								orig + o_pay,
								f.payload) == 0,
				"case %u: only the checksum changed", v);
		if (!f.v6)
			TEST_ASSERT(ip4_sum_ok(seg + o_l3), "case %u", v);
		rte_pktmbuf_free(m);
	}
	return pools_full();
}

/* A super-frame no longer than one segment needs no segmenting. */
static int
test_tso_one_segment(void)
{
	struct frame f = { .payload = 1000, .tcp_flags = TCPF_ACK | TCPF_PSH };
	struct rte_mbuf *out[4], *m = build(&f);
	enum mvt_drop_reason why;

	TEST_ASSERT_NOT_NULL(m, "frame");
	flag_rx_tso(m, 1448);
	TEST_ASSERT_EQUAL(mvt_offload_prepare(&ctx, m), MVT_DROP_NONE, "prep");
	flatten(m, orig);
	TEST_ASSERT_EQUAL(mvt_offload_fixup(&ctx, m, &no_caps, out, 4, &why), 1,
			"one frame");
	TEST_ASSERT(out[0] == m, "the frame itself");
	TEST_ASSERT_EQUAL(m->ol_flags & MVT_OFFLOAD_TX_REQ, 0, "flags");
	flatten(m, seg);
	TEST_ASSERT(ip4_sum_ok(seg + o_l3), "IPv4 checksum");
	TEST_ASSERT(l4_sum_ok(seg + o_l3, seg + o_l4, m->pkt_len - o_l4, false,
				    6),
			"TCP checksum");
	TEST_ASSERT_EQUAL(seg[o_l4 + 13], TCPF_ACK | TCPF_PSH, "flags kept");
	rte_pktmbuf_free(m);
	return pools_full();
}

/* A frame without any request: untouched, no copy, no mbuf taken. */
static int
test_plain(void)
{
	struct frame f = { .payload = 1400, .tcp_flags = TCPF_ACK };
	unsigned int d = rte_mempool_avail_count(ctx.direct);
	unsigned int i = rte_mempool_avail_count(ctx.indirect);
	struct rte_mbuf *out[2], *m = build(&f);
	enum mvt_drop_reason why = MVT_DROP_NONE;
	struct rte_mbuf copy;

	TEST_ASSERT_NOT_NULL(m, "frame");
	m->ol_flags = RTE_MBUF_F_RX_L4_CKSUM_GOOD | RTE_MBUF_F_RX_IP_CKSUM_GOOD;
	flatten(m, orig);
	memcpy(&copy, m, sizeof(copy));
	TEST_ASSERT(!mvt_offload_requested(m), "no request");
	TEST_ASSERT_EQUAL(mvt_offload_prepare(&ctx, m), MVT_DROP_NONE, "prep");
	TEST_ASSERT(memcmp(&copy, m, sizeof(copy)) == 0, "mbuf untouched");
	TEST_ASSERT(!mvt_offload_needs(m, &no_caps), "needs nothing");
	TEST_ASSERT_EQUAL(mvt_offload_tx_path(m, &no_caps), MVT_OFFLOAD_PLAIN,
			"plain");
	TEST_ASSERT_EQUAL(mvt_offload_fixup(&ctx, m, &no_caps, out, 2, &why), 1,
			"one frame");
	TEST_ASSERT(out[0] == m, "itself");
	TEST_ASSERT(memcmp(&copy, m, sizeof(copy)) == 0, "mbuf untouched");
	flatten(m, seg);
	TEST_ASSERT(memcmp(seg, orig, m->pkt_len) == 0, "bytes untouched");
	TEST_ASSERT_EQUAL(rte_mempool_avail_count(ctx.direct), d, "no copy");
	TEST_ASSERT_EQUAL(rte_mempool_avail_count(ctx.indirect), i, "none");
	rte_pktmbuf_free(m);
	return TEST_SUCCESS;
}

/* How a test frame is made wrong. */
enum bad {
	BAD_MSS0,
	BAD_MSS_TOO_MANY,
	BAD_TCP_TRUNC,
	BAD_DOFF,
	BAD_L4LEN,
	BAD_L3LEN,
	BAD_L2L3_BEYOND,
	BAD_TSO_ON_UDP_TX,
	BAD_TSO_ON_UDP_RX,
	BAD_V6_EXT,
	BAD_V4_FRAG,
	BAD_IP_LEN,
	BAD_IHL,
	BAD_V6_VERSION,
	BAD_FAMILY,
	BAD_SCTP,
	BAD_TUNNEL,
	BAD_NOT_IP,
	BAD_SHORT,
	BAD_UDP_LEN,
};

static const struct {
	enum bad bad;
	enum mvt_drop_reason why;
	const char *what;
} bad_cases[] = {
	{ BAD_MSS0, MVT_DROP_OFFLOAD_BAD_MSS, "tso_segsz 0" },
	{ BAD_MSS_TOO_MANY, MVT_DROP_OFFLOAD_BAD_MSS, "64000 segments" },
	{ BAD_TCP_TRUNC, MVT_DROP_OFFLOAD_BAD_HDR, "truncated TCP header" },
	{ BAD_DOFF, MVT_DROP_OFFLOAD_BAD_HDR, "TCP data offset 4" },
	{ BAD_L4LEN, MVT_DROP_OFFLOAD_BAD_HDR, "l4_len 16" },
	{ BAD_L3LEN, MVT_DROP_OFFLOAD_BAD_HDR, "l3_len 24 for 20" },
	{ BAD_L2L3_BEYOND, MVT_DROP_OFFLOAD_BAD_HDR, "l2_len+l3_len > frame" },
	{ BAD_TSO_ON_UDP_TX, MVT_DROP_OFFLOAD_BAD_HDR, "TX_TCP_SEG on UDP" },
	{ BAD_TSO_ON_UDP_RX, MVT_DROP_OFFLOAD_UNSUPPORTED, "RX_LRO on UDP" },
	{ BAD_V6_EXT, MVT_DROP_OFFLOAD_UNSUPPORTED, "IPv6 extension header" },
	{ BAD_V4_FRAG, MVT_DROP_OFFLOAD_UNSUPPORTED, "IPv4 fragment" },
	{ BAD_IP_LEN, MVT_DROP_OFFLOAD_BAD_HDR, "total length not the frame" },
	{ BAD_IHL, MVT_DROP_OFFLOAD_BAD_HDR, "IHL 4" },
	{ BAD_V6_VERSION, MVT_DROP_OFFLOAD_BAD_HDR, "IPv6 version 4" },
	{ BAD_FAMILY, MVT_DROP_OFFLOAD_BAD_HDR, "TX_IPV6 on IPv4" },
	{ BAD_SCTP, MVT_DROP_OFFLOAD_UNSUPPORTED, "SCTP checksum" },
	{ BAD_TUNNEL, MVT_DROP_OFFLOAD_UNSUPPORTED, "VXLAN flag" },
	{ BAD_NOT_IP, MVT_DROP_OFFLOAD_UNSUPPORTED, "ARP with a request" },
	{ BAD_SHORT, MVT_DROP_OFFLOAD_BAD_HDR, "10 bytes" },
	{ BAD_UDP_LEN, MVT_DROP_OFFLOAD_BAD_HDR, "UDP length not IP's" },
};

static struct rte_mbuf *
build_bad(enum bad b)
{
	struct frame f = { .payload = 8000, .tcp_flags = TCPF_ACK };
	struct rte_mbuf *m;
	uint8_t *p;

	if (b == BAD_TSO_ON_UDP_TX || b == BAD_TSO_ON_UDP_RX ||
			b == BAD_UDP_LEN)
		f.udp = true;
	if (b == BAD_V6_EXT || b == BAD_V6_VERSION)
		f.v6 = true;
	f.v6_ext = b == BAD_V6_EXT;
	if (b == BAD_TCP_TRUNC)
		f.payload = 0;
	m = build(&f);
	if (m == NULL)
		return NULL;
	p = rte_pktmbuf_mtod(m, uint8_t *);
	switch (b) {
	case BAD_L4LEN:
	case BAD_L3LEN:
	case BAD_L2L3_BEYOND:
	case BAD_TSO_ON_UDP_TX:
	case BAD_FAMILY:
	case BAD_TUNNEL:
		flag_tx_tso(m, 1448);
		break;
	case BAD_SCTP:
		m->ol_flags = RTE_MBUF_F_TX_SCTP_CKSUM | RTE_MBUF_F_TX_IPV4;
		m->l2_len = o_l3;
		m->l3_len = o_l4 - o_l3;
		break;
	default:
		flag_rx_tso(m, 1448);
		break;
	}
	switch (b) {
	case BAD_MSS0:
		m->tso_segsz = 0;
		break;
	case BAD_MSS_TOO_MANY:
		m->tso_segsz = 1;
		break;
	case BAD_TCP_TRUNC:
		/* the frame (and IP datagram) ends 10 bytes into TCP */
		m->data_len = m->pkt_len = o_l4 + 10;
		put16(p + o_l3 + 2, o_l4 + 10 - o_l3);
		break;
	case BAD_DOFF:
		p[o_l4 + 12] = 4 << 4;
		break;
	case BAD_L4LEN:
		m->l4_len = 16;
		break;
	case BAD_L3LEN:
		m->l3_len = 24;
		break;
	case BAD_L2L3_BEYOND:
		m->l3_len = m->pkt_len;
		break;
	case BAD_V6_EXT:
		break;
	case BAD_V4_FRAG:
		put16(p + o_l3 + 6, 0x2000); /* MF */
		break;
	case BAD_IP_LEN:
		put16(p + o_l3 + 2, get16(p + o_l3 + 2) - 100);
		break;
	case BAD_IHL:
		p[o_l3] = 0x44;
		break;
	case BAD_V6_VERSION:
		p[o_l3] = 0x40;
		break;
	case BAD_FAMILY:
		m->ol_flags = (m->ol_flags & ~RTE_MBUF_F_TX_IPV4) |
				RTE_MBUF_F_TX_IPV6;
		break;
	case BAD_TUNNEL:
		m->ol_flags |= RTE_MBUF_F_TX_TUNNEL_VXLAN;
		break;
	case BAD_NOT_IP:
		put16(p + 12, 0x0806);
		break;
	case BAD_SHORT:
		m->data_len = m->pkt_len = 10;
		break;
	case BAD_UDP_LEN:
		m->ol_flags = RTE_MBUF_F_RX_L4_CKSUM_NONE;
		put16(p + o_l4 + 4, get16(p + o_l4 + 4) - 2);
		break;
	default:
		break;
	}
	return m;
}

static int
test_reject(void)
{
	enum mvt_drop_reason why;
	struct rte_mbuf *m, copy;
	unsigned int i;

	for (i = 0; i < RTE_DIM(bad_cases); i++) {
		m = build_bad(bad_cases[i].bad);
		TEST_ASSERT_NOT_NULL(m, "frame");
		memcpy(&copy, m, sizeof(copy));
		why = mvt_offload_prepare(&ctx, m);
		if (why != bad_cases[i].why) {
			printf("  %s: %s, expected %s\n", bad_cases[i].what,
					mvt_drop_name(why),
					mvt_drop_name(bad_cases[i].why));
			rte_pktmbuf_free(m);
			return TEST_FAILED;
		}
		TEST_ASSERT(memcmp(&copy, m, sizeof(copy)) == 0,
				"%s: mbuf left as it was", bad_cases[i].what);
		rte_pktmbuf_free(m);
	}
	return pools_full();
}

static struct mvt_offload_ctx small;

/*
 * Segment a 120-segment IPv4 or IPv6 super-frame with pools of @p n mbufs
 * each, which run out midway: 0, gso_no_mbuf, every mbuf back.
 */
static int
exhaust_one(unsigned int n, unsigned int hold, bool v6,
		const struct mvt_offload_caps *c)
{
	struct rte_mbuf *held[MVT_OFFLOAD_SEGS_MAX];
	struct frame f = {
		.v6 = v6, .payload = 64000, .tcp_flags = TCPF_ACK | TCPF_PSH
	};
	struct rte_mbuf *out[MVT_OFFLOAD_SEGS_MAX], *m;
	enum mvt_drop_reason why = MVT_DROP_NONE;
	unsigned int d, i, b;
	uint16_t got;

	TEST_ASSERT_SUCCESS(mvt_offload_ctx_init(&small, "offl_small", n,
					    SOCKET_ID_ANY),
			"small pools");
	m = build(&f);
	TEST_ASSERT_NOT_NULL(m, "frame");
	flag_rx_tso(m, 536);
	TEST_ASSERT_EQUAL(mvt_offload_prepare(&small, m), MVT_DROP_NONE,
			"prepare");
	TEST_ASSERT_SUCCESS(rte_pktmbuf_alloc_bulk(small.direct, held, hold),
			"hold %u", hold);
	d = rte_mempool_avail_count(small.direct);
	i = rte_mempool_avail_count(small.indirect);
	b = rte_mempool_avail_count(big_mp);
	got = mvt_offload_fixup(&small, m, c, out, RTE_DIM(out), &why);
	TEST_ASSERT_EQUAL(got, 0, "no segments (v6 %d, %u mbufs)", v6, n);
	TEST_ASSERT_EQUAL(why, MVT_DROP_GSO_NO_MBUF, "reason %s",
			mvt_drop_name(why));
	TEST_ASSERT_EQUAL(rte_mempool_avail_count(small.direct), d, "direct");
	TEST_ASSERT_EQUAL(
			rte_mempool_avail_count(small.indirect), i, "indirect");
	TEST_ASSERT_EQUAL(rte_mempool_avail_count(big_mp), b, "frames");
	TEST_ASSERT_EQUAL(rte_mbuf_refcnt_read(m), 1, "original's refcnt");
	TEST_ASSERT(m->ol_flags & RTE_MBUF_F_TX_TCP_SEG, "original's flags");
	rte_pktmbuf_free(m);
	TEST_ASSERT_EQUAL(d, n - hold, "the pool was full");
	rte_pktmbuf_free_bulk(held, hold);
	mvt_offload_ctx_free(&small);
	return TEST_SUCCESS;
}

/* The pools run out in the middle of a frame: a reason, no leak. */
static int
test_exhaustion(void)
{
	struct mvt_offload_caps lin = { .max_frame = 0 };

	/* while segmenting: librte_gso (v4), the module's own (v6) */
	if (exhaust_one(64, 0, false, &no_caps) != TEST_SUCCESS ||
			exhaust_one(64, 0, true, &no_caps) != TEST_SUCCESS)
		return TEST_FAILED;
	/* segmenting takes all 120 direct mbufs left, copying needs one more */
	if (exhaust_one(200, 80, false, &lin) != TEST_SUCCESS ||
			exhaust_one(200, 80, true, &lin) != TEST_SUCCESS)
		return TEST_FAILED;
	return pools_full();
}

/* Segments longer than the receiver takes are not made. */
static int
test_oversize(void)
{
	struct mvt_offload_caps c = { .multi_seg = true, .max_frame = 1518 };
	struct frame f = { .payload = 64000, .tcp_flags = TCPF_ACK };
	struct rte_mbuf *out[MVT_OFFLOAD_SEGS_MAX], *m = build(&f);
	enum mvt_drop_reason why = MVT_DROP_NONE;

	TEST_ASSERT_NOT_NULL(m, "frame");
	flag_rx_tso(m, 8948);
	TEST_ASSERT_EQUAL(mvt_offload_prepare(&ctx, m), MVT_DROP_NONE, "prep");
	TEST_ASSERT_EQUAL(
			mvt_offload_fixup(&ctx, m, &c, out, RTE_DIM(out), &why),
			0, "nothing");
	TEST_ASSERT_EQUAL(why, MVT_DROP_MTU_EXCEEDED, "%s", mvt_drop_name(why));
	/* 1460 + 54 fits 1518 */
	m->tso_segsz = 1460;
	TEST_ASSERT_EQUAL(
			mvt_offload_fixup(&ctx, m, &c, out, RTE_DIM(out), &why),
			44, "segments of 1514 bytes");
	free_all(out, 44);
	/* more segments than room */
	TEST_ASSERT_EQUAL(mvt_offload_fixup(&ctx, m, &c, out, 43, &why), 0,
			"no room");
	TEST_ASSERT_EQUAL(why, MVT_DROP_OFFLOAD_BAD_MSS, "%s",
			mvt_drop_name(why));
	rte_pktmbuf_free(m);
	return pools_full();
}

/* A lower device's TX offloads, and the path a frame takes through it. */
static int
test_eth_caps(void)
{
	const uint64_t all = RTE_ETH_TX_OFFLOAD_IPV4_CKSUM |
			RTE_ETH_TX_OFFLOAD_TCP_CKSUM |
			RTE_ETH_TX_OFFLOAD_UDP_CKSUM |
			RTE_ETH_TX_OFFLOAD_TCP_TSO |
			RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	struct frame f = { .payload = 4000, .tcp_flags = TCPF_ACK };
	struct mvt_offload_caps c;
	struct rte_mbuf *m;

	mvt_offload_caps_from_eth(all, 1518, &c);
	TEST_ASSERT(c.csum && c.tso4 && c.tso6 && c.multi_seg &&
					c.max_frame == 1518,
			"everything");
	mvt_offload_caps_from_eth(
			all & ~RTE_ETH_TX_OFFLOAD_UDP_CKSUM, 1518, &c);
	TEST_ASSERT(!c.csum && !c.tso4 && !c.tso6 && c.multi_seg,
			"no UDP checksum: no checksums, no TSO");
	mvt_offload_caps_from_eth(all & ~RTE_ETH_TX_OFFLOAD_TCP_TSO, 0, &c);
	TEST_ASSERT(c.csum && !c.tso4 && !c.tso6, "checksums only");
	mvt_offload_caps_from_eth(0, 0, &c);
	TEST_ASSERT(!c.csum && !c.tso4 && !c.tso6 && !c.multi_seg, "none");

	m = build(&f);
	TEST_ASSERT_NOT_NULL(m, "frame");
	flag_rx_tso(m, 1448);
	TEST_ASSERT_EQUAL(mvt_offload_prepare(NULL, m), MVT_DROP_NONE, "prep");
	mvt_offload_caps_from_eth(all, 1518, &c);
	TEST_ASSERT_EQUAL(mvt_offload_tx_path(m, &c), MVT_OFFLOAD_HW, "TSO");
	mvt_offload_caps_from_eth(all & ~RTE_ETH_TX_OFFLOAD_TCP_TSO, 1518, &c);
	TEST_ASSERT_EQUAL(mvt_offload_tx_path(m, &c), MVT_OFFLOAD_SW, "no TSO");
	rte_pktmbuf_free(m);

	f.payload = 100;
	m = build(&f);
	TEST_ASSERT_NOT_NULL(m, "frame");
	flag_rx_csum(m);
	TEST_ASSERT_EQUAL(mvt_offload_prepare(NULL, m), MVT_DROP_NONE, "prep");
	TEST_ASSERT_EQUAL(
			mvt_offload_tx_path(m, &c), MVT_OFFLOAD_HW, "checksum");
	mvt_offload_caps_from_eth(RTE_ETH_TX_OFFLOAD_TCP_CKSUM, 1518, &c);
	TEST_ASSERT_EQUAL(mvt_offload_tx_path(m, &c), MVT_OFFLOAD_SW,
			"TCP checksum alone is not enough");
	rte_pktmbuf_free(m);
	return pools_full();
}

/* The counters, summed over lcores. */
static int
test_stats(void)
{
	struct frame f = { .payload = 64000, .tcp_flags = TCPF_ACK };
	struct mvt_offload_stats a, b;

	mvt_offload_stats_sum(&ctx, &a);
	if (one_tso(&f, 1448, false, &no_caps) != TEST_SUCCESS)
		return TEST_FAILED;
	if (test_tso_one_segment() != TEST_SUCCESS)
		return TEST_FAILED;
	mvt_offload_stats_sum(&ctx, &b);
	TEST_ASSERT_EQUAL(b.offloaded_rx - a.offloaded_rx, 2, "requests");
	TEST_ASSERT_EQUAL(b.segmented - a.segmented, 1, "segmented");
	TEST_ASSERT_EQUAL(b.segments - a.segments, 45, "segments");
	TEST_ASSERT_EQUAL(b.csum_completed - a.csum_completed, 1, "completed");
	return TEST_SUCCESS;
}

/*
 * Hostile input: valid frames with random header bytes, lengths and flags
 * changed. Whatever prepare() accepts must come out of fixup() with
 * checksums that verify and IP lengths that match; nothing may be left
 * allocated.
 */
static int
test_random(void)
{
	static const uint64_t flags[] = { RTE_MBUF_F_RX_LRO,
		RTE_MBUF_F_RX_L4_CKSUM_NONE, RTE_MBUF_F_TX_TCP_SEG,
		RTE_MBUF_F_TX_TCP_CKSUM, RTE_MBUF_F_TX_UDP_CKSUM,
		RTE_MBUF_F_TX_IP_CKSUM, RTE_MBUF_F_TX_IPV4,
		RTE_MBUF_F_TX_IPV6 };
	struct rte_mbuf *out[MVT_OFFLOAD_SEGS_MAX], *m;
	unsigned int it, k, at, len, l3, l4, accepted = 0, made = 0;
	struct frame f = { .tcp_flags = TCPF_ACK };
	enum mvt_drop_reason why;
	uint32_t x = 12345;
	uint64_t pf;
	uint16_t n, i;
	uint8_t *p;
	bool v6;

#define RND() (x = x * 1103515245u + 12345u, x >> 8)
	for (it = 0; it < 4000; it++) {
		f.v6 = RND() & 1;
		f.udp = (RND() % 4) == 0;
		f.vlans = RND() % 3;
		f.ipopt = f.v6 ? 0 : (RND() % 3) * 4;
		f.payload = RND() % 5000;
		m = build(&f);
		TEST_ASSERT_NOT_NULL(m, "frame");
		p = rte_pktmbuf_mtod(m, uint8_t *);
		if (RND() & 1)
			flag_rx_tso(m, 1 + RND() % 2000);
		else
			flag_tx_tso(m, RND() % 2000);
		for (k = RND() % 4; k > 0; k--)
			m->ol_flags ^= flags[RND() % RTE_DIM(flags)];
		for (k = RND() % 3; k > 0; k--) {
			at = RND() % o_pay;
			p[at] ^= (uint8_t)(1u << (RND() % 8));
		}
		if (RND() % 4 == 0)
			m->data_len = m->pkt_len = RND() % (m->pkt_len + 1);
		if (RND() % 4 == 0)
			m->l4_len = RND() % 64;
		/* without a request, nothing is done and nothing to check */
		if (!mvt_offload_requested(m) ||
				mvt_offload_prepare(&ctx, m) != MVT_DROP_NONE) {
			rte_pktmbuf_free(m);
			continue;
		}
		accepted++;
		pf = m->ol_flags;
		n = mvt_offload_fixup(
				&ctx, m, &no_caps, out, RTE_DIM(out), &why);
		for (i = 0; i < n; i++) {
			len = flatten(out[i], seg);
			TEST_ASSERT_EQUAL(out[i]->ol_flags & MVT_OFFLOAD_TX_REQ,
					0, "iteration %u: flags", it);
			if (out[i] != m || m->l4_len != 0)
				made++;
			l3 = m->l2_len;
			l4 = l3 + m->l3_len;
			v6 = (seg[l3] >> 4) == 6;
			if (!v6) {
				/* the sender's own, unless asked or remade */
				TEST_ASSERT(!(pf & (RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_TCP_SEG)) ||
								ip4_sum_ok(seg +
										l3),
						"iteration %u: IPv4 checksum",
						it);
				TEST_ASSERT(get16(seg + l3 + 2) <= len - l3,
						"iteration %u: IPv4 length",
						it);
				len = l3 + get16(seg + l3 + 2);
			} else {
				TEST_ASSERT(l4 + get16(seg + l3 + 4) - 40 <=
								len,
						"iteration %u: IPv6 length",
						it);
				len = l3 + 40 + get16(seg + l3 + 4);
			}
			if (m->l4_len != 0)
				TEST_ASSERT(l4_sum_ok(seg + l3, seg + l4,
							    len - l4, v6,
							    seg[l3 + (v6 ? 6 : 9)]),
						"iteration %u: L4 checksum",
						it);
			if (out[i] != m)
				rte_pktmbuf_free(out[i]);
		}
		rte_pktmbuf_free(m);
	}
#undef RND
	printf("  %u of 4000 accepted, %u frames checked\n", accepted, made);
	TEST_ASSERT(accepted > 500, "some accepted");
	return pools_full();
}

/*
 * The pipeline: endpoints A, B and C in bridge mode on ring ports, B
 * taking TSO and checksums, C nothing; the lower a ring port too.
 */
#define PL_EPS 3
#define PL_A 0
#define PL_B 1
#define PL_C 2
#define PL_LOWER PL_EPS
#define PL_NOBODY 9 /* an endpoint number no MAC in the table has */

static struct {
	struct rte_ring *rx[PL_EPS + 1], *tx[PL_EPS + 1];
	struct mvt_port lower;
	struct mvt_ep_table *t;
	struct mvt_lcore_stats *stats;
	struct mvt_dp dp;
	struct mvt_worker *w;
} pl;

static uint64_t
pl_mac(unsigned int i)
{
	const uint8_t b[6] = { 0x52, 0x54, 0, 0, 0, (uint8_t)(i + 1) };

	return mvt_mac_load6(b);
}

static int
pl_ring_port(unsigned int i, struct mvt_port *port)
{
	char name[32], err[MVT_ERR_MAX];

	snprintf(name, sizeof(name), "offl_pl%u_rx", i);
	pl.rx[i] = rte_ring_create(name, 512, SOCKET_ID_ANY,
			RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "offl_pl%u_tx", i);
	pl.tx[i] = rte_ring_create(name, 512, SOCKET_ID_ANY,
			RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (pl.rx[i] == NULL || pl.tx[i] == NULL)
		return -1;
	snprintf(name, sizeof(name), "offl_pl%u", i);
	if (rte_eth_from_rings(name, &pl.rx[i], 1, &pl.tx[i], 1,
			    SOCKET_ID_ANY) < 0)
		return -1;
	snprintf(name, sizeof(name), "net_ring_offl_pl%u", i);
	if (mvt_port_open_ethdev(port, "--lower", name, 1, MVT_MTU, big_mp, err,
			    sizeof(err)) != 0) {
		printf("%s\n", err);
		return -1;
	}
	return 0;
}

/* Once per run (ring ports outlive their close); counters zero. */
static int
pl_setup(void)
{
	struct rte_mbuf *m;
	unsigned int i;

	if (pl.w != NULL) {
		/* what a failed case left in the rings */
		for (i = 0; i <= PL_EPS; i++)
			while (rte_ring_dequeue(pl.tx[i], (void **)&m) == 0)
				rte_pktmbuf_free(m);
		memset(pl.stats, 0, sizeof(*pl.stats));
		return 0;
	}

	if (mvt_dp_init(&pl.dp, "offl", 1, 64, big_mp) != 0)
		return -1;
	pl.t = rte_zmalloc("offl_eps", sizeof(*pl.t), RTE_CACHE_LINE_SIZE);
	pl.stats = rte_zmalloc("offl_stats", sizeof(*pl.stats),
			RTE_CACHE_LINE_SIZE);
	if (pl.t == NULL || pl.stats == NULL ||
			pl_ring_port(PL_LOWER, &pl.lower) != 0)
		return -1;
	pl.dp.lower = &pl.lower;
	pl.t->n_eps = PL_EPS;
	for (i = 0; i < PL_EPS; i++) {
		if (pl_ring_port(i, &pl.dp.ports[i]) != 0 ||
				mvt_mactable_set_owner(pl.dp.mt, pl_mac(i),
						(uint16_t)i) != 0)
			return -1;
		pl.t->ep[i].mac = pl_mac(i);
		pl.t->ep[i].mode = MVT_MODE_BRIDGE;
		pl.t->ep[i].up = 1;
		pl.t->ep[i].mc_all = 1;
	}
	mvt_ep_table_derive(pl.t, 0, 0);
	pl.dp.tbl = pl.t;
	/* what the guests behind B and C negotiated; the lower: nothing */
	pl.dp.ports[PL_B].caps = tso_caps;
	pl.dp.ports[PL_C].caps = no_caps;
	pl.lower.caps = no_caps;
	for (i = 0; i <= PL_EPS; i++)
		(i == PL_LOWER ? &pl.lower : &pl.dp.ports[i])->caps.max_frame =
				MVT_FRAME_MAX;
	pl.dp.ports[PL_A].caps.max_frame = MVT_FRAME_MAX;
	pl.w = mvt_worker_create(&pl.dp, 0, rte_lcore_id(), pl.stats);
	return pl.w == NULL ? -1 : 0;
}

static void
pl_free(void)
{
	unsigned int i;

	mvt_worker_free(pl.w);
	for (i = 0; i < PL_EPS && pl.dp.ports != NULL; i++)
		mvt_port_close(&pl.dp.ports[i]);
	mvt_port_close(&pl.lower);
	mvt_dp_fini(&pl.dp);
	rte_free(pl.t);
	rte_free(pl.stats);
	for (i = 0; i <= PL_EPS; i++) {
		rte_ring_free(pl.rx[i]);
		rte_ring_free(pl.tx[i]);
	}
	memset(&pl, 0, sizeof(pl));
}

/* The counters of port @p i (PL_LOWER: the lower), read. */
static const struct mvt_port_counters *
pl_ctr(unsigned int i)
{
	return &pl.stats->port[i == PL_LOWER ? MVT_PORT_LOWER : i];
}

/* Take what port @p i was sent, up to @p max frames; how many. */
static unsigned int
pl_take(unsigned int i, struct rte_mbuf **out, unsigned int max)
{
	return rte_ring_dequeue_burst(pl.tx[i], (void **)out, max, NULL);
}

/* A frame @p f from A to the port of @p dst_ep, with its destination MAC. */
static struct rte_mbuf *
pl_frame(const struct frame *f, unsigned int dst_ep, bool bcast)
{
	struct rte_mbuf *m = build(f);
	uint8_t *p;

	if (m == NULL)
		return NULL;
	p = rte_pktmbuf_mtod(m, uint8_t *);
	if (bcast)
		memset(p, 0xff, 6);
	else
		p[5] = (uint8_t)(dst_ep + 1);
	return m;
}

static int
pl_pools_full(void)
{
	TEST_ASSERT_EQUAL(rte_mempool_avail_count(pl.dp.offload->direct),
			pl.dp.offload->direct->size, "direct pool full");
	TEST_ASSERT_EQUAL(rte_mempool_avail_count(pl.dp.offload->indirect),
			pl.dp.offload->indirect->size, "indirect pool full");
	return pools_full();
}

/* What a test expects a port to have been sent of a frame from A. */
enum pl_want {
	PL_NOTHING,
	PL_WHOLE, /* the frame as A sent it, its request left to the port */
	PL_SEGMENTS, /* its segments, chains or not */
	PL_LINEAR, /* its segments, each in one mbuf */
	PL_CSUM_DONE, /* the frame, its checksums completed, no request */
};

/*
 * Check the @p n frames @p got against @p copies of @p f (its bytes in
 * orig) as @p want says; @p wire gets the bytes they put on a wire.
 */
static int
pl_check(const struct frame *f, uint16_t mss, enum pl_want want,
		unsigned int copies, struct rte_mbuf **got, unsigned int n,
		unsigned int *wire)
{
	unsigned int i, per = 1, len;
	const unsigned int ck = o_l4 + 16; /* the TCP checksum */
	int ret;

	*wire = 0;
	if (want == PL_SEGMENTS || want == PL_LINEAR)
		per = (f->payload + mss - 1) / mss;
	if (want == PL_NOTHING)
		copies = 0;
	TEST_ASSERT_EQUAL(n, copies * per, "%u frames, %u wanted", n,
			copies * per);
	for (i = 0; i < n; i += per) {
		if (per > 1 || want == PL_SEGMENTS || want == PL_LINEAR) {
			ret = check_segments(f, o_pay, mss, &got[i],
					(uint16_t)per, want == PL_LINEAR);
			if (ret != TEST_SUCCESS)
				return ret;
			for (len = 0; len < per; len++)
				*wire += got[i + len]->pkt_len;
			continue;
		}
		len = flatten(got[i], seg);
		TEST_ASSERT_EQUAL(
				len, o_pay + f->payload, "frame %u length", i);
		if (want == PL_WHOLE) {
			if (mss != 0) {
				TEST_ASSERT(got[i]->ol_flags & RTE_MBUF_F_TX_TCP_SEG,
						"frame %u: TSO asked", i);
				TEST_ASSERT_EQUAL(got[i]->tso_segsz, mss,
						"frame %u: segment size", i);
			} else {
				TEST_ASSERT(got[i]->ol_flags & RTE_MBUF_F_TX_TCP_CKSUM,
						"frame %u: checksum asked", i);
			}
			TEST_ASSERT(memcmp(seg, orig, len) == 0,
					"frame %u: bytes as sent", i);
			*wire += mvt_offload_wire_len(got[i]);
			continue;
		}
		/* PL_CSUM_DONE */
		TEST_ASSERT_EQUAL(got[i]->ol_flags & MVT_OFFLOAD_TX_REQ, 0,
				"frame %u: no request left", i);
		TEST_ASSERT(memcmp(seg, orig, ck) == 0 &&
						memcmp(seg + ck + 2,
								orig + ck + 2,
								len - ck - 2) ==
								0,
				"frame %u: bytes but the checksum as sent", i);
		TEST_ASSERT(l4_sum_ok(seg + o_l3, seg + o_l4, len - o_l4, f->v6,
					    6),
				"frame %u: TCP checksum", i);
		TEST_ASSERT(f->v6 || ip4_sum_ok(seg + o_l3),
				"frame %u: IPv4 header checksum", i);
		*wire += len;
	}
	return TEST_SUCCESS;
}

/*
 * Take what port @p i (PL_LOWER: the lower) was sent, check it against
 * @p copies of the frame @p f from A as @p want says, and free it. @p mss
 * is the segment size A asked for, 0 for a frame with only a partial
 * checksum. @p wire, if not NULL, gets the bytes the frames put on a
 * wire: a super-frame's as its segments (mvt_offload_wire_len()).
 */
static int
pl_expect(unsigned int i, const struct frame *f, uint16_t mss,
		enum pl_want want, unsigned int copies, unsigned int *wire)
{
	struct rte_mbuf *got[2 * MVT_OFFLOAD_SEGS_MAX];
	unsigned int n, w;
	int ret;

	n = pl_take(i, got, RTE_DIM(got));
	ret = pl_check(f, mss, want, copies, got, n, &w);
	if (ret != TEST_SUCCESS)
		printf("  (what port %u got)\n", i);
	free_all(got, (uint16_t)n);
	if (wire != NULL)
		*wire = w;
	return ret;
}

/*
 * Send the frame @p f from A to endpoint @p dst_ep (PL_NOBODY: an unknown
 * MAC, for the wire; @p bcast: to the broadcast address), as a super-frame
 * to be cut at @p mss or, @p mss 0, with a partial checksum; its bytes in
 * orig.
 */
static int
pl_send(const struct frame *f, unsigned int dst_ep, bool bcast, uint16_t mss)
{
	struct rte_mbuf *m = pl_frame(f, dst_ep, bcast);

	TEST_ASSERT_NOT_NULL(m, "frame");
	if (mss != 0)
		flag_rx_tso(m, mss);
	else
		flag_rx_csum(m);
	flatten(m, orig);
	mvt_worker_process(pl.w, pl.t, PL_A, &m, 1);
	return TEST_SUCCESS;
}

/* A new worker, as when the switch starts: it reads the lower's caps. */
static int
pl_worker_renew(void)
{
	mvt_worker_free(pl.w);
	pl.w = mvt_worker_create(&pl.dp, 0, rte_lcore_id(), pl.stats);
	return pl.w == NULL ? -1 : 0;
}

/*
 * A super-frame from A: unchanged to B, which takes TSO; cut for C, which
 * takes nothing; counted on A.
 */
static int
test_pipeline_tso(void)
{
	struct frame f = { .payload = 20000, .tcp_flags = TCPF_ACK | TCPF_PSH };
	const uint16_t mss = 1448;
	unsigned int want, wire, bytes;

	TEST_ASSERT_SUCCESS(pl_setup(), "pipeline setup");
	want = (f.payload + mss - 1) / mss;
	TEST_ASSERT_SUCCESS(pl_send(&f, PL_B, false, mss), "to B");
	TEST_ASSERT_SUCCESS(pl_expect(PL_B, &f, mss, PL_WHOLE, 1, &wire),
			"B: the super-frame whole");
	TEST_ASSERT_SUCCESS(pl_send(&f, PL_C, false, mss), "to C");
	TEST_ASSERT_SUCCESS(pl_expect(PL_C, &f, mss, PL_SEGMENTS, 1, &bytes),
			"C: its segments");
	TEST_ASSERT_EQUAL(bytes, wire, "what a policy meters: the segments");
	TEST_ASSERT_EQUAL(pl_ctr(PL_A)->rx_packets, 2, "A sent 2");
	TEST_ASSERT_EQUAL(pl_ctr(PL_A)->offload_rx, 2, "A: 2 requests");
	TEST_ASSERT_EQUAL(pl_ctr(PL_A)->sw_segmented, 1, "A: 1 segmented");
	TEST_ASSERT_EQUAL(pl_ctr(PL_A)->sw_segments, want, "A: segments");
	TEST_ASSERT_EQUAL(pl_ctr(PL_B)->tx_packets, 1, "B got 1 frame");
	TEST_ASSERT_EQUAL(pl_ctr(PL_C)->tx_packets, want, "C got segments");
	TEST_ASSERT_EQUAL(pl_ctr(PL_C)->tx_bytes, bytes, "C's bytes");
	TEST_ASSERT_EQUAL(mvt_stats_drops_total(pl_ctr(PL_A)) +
					mvt_stats_drops_total(pl_ctr(PL_B)) +
					mvt_stats_drops_total(pl_ctr(PL_C)),
			0, "no drops");
	return pl_pools_full();
}

/*
 * A partial checksum: left for B, which completes it; completed in place
 * for C, counted on A.
 */
static int
test_pipeline_csum(void)
{
	struct frame f = { .payload = 1000, .tcp_flags = TCPF_ACK };

	TEST_ASSERT_SUCCESS(pl_setup(), "pipeline setup");
	TEST_ASSERT_SUCCESS(pl_send(&f, PL_B, false, 0), "to B");
	TEST_ASSERT_SUCCESS(pl_expect(PL_B, &f, 0, PL_WHOLE, 1, NULL),
			"B: checksum left to it");
	TEST_ASSERT_SUCCESS(pl_send(&f, PL_C, false, 0), "to C");
	TEST_ASSERT_SUCCESS(pl_expect(PL_C, &f, 0, PL_CSUM_DONE, 1, NULL),
			"C: checksum completed");
	TEST_ASSERT_EQUAL(pl_ctr(PL_A)->offload_rx, 2, "A: 2 requests");
	TEST_ASSERT_EQUAL(pl_ctr(PL_A)->sw_csum, 1, "A: 1 completed");
	TEST_ASSERT_EQUAL(pl_ctr(PL_A)->sw_segmented, 0, "A: none segmented");
	return pl_pools_full();
}

/*
 * A super-frame to the broadcast address: B, C and the wire each get the
 * same segments, made once.
 */
static int
test_pipeline_flood(void)
{
	struct frame f = { .payload = 5000, .tcp_flags = TCPF_ACK };
	static const unsigned int to[] = { PL_B, PL_C, PL_LOWER };
	const uint16_t mss = 1000;
	unsigned int i;

	TEST_ASSERT_SUCCESS(pl_setup(), "pipeline setup");
	TEST_ASSERT_SUCCESS(pl_send(&f, 0, true, mss), "flood");
	for (i = 0; i < RTE_DIM(to); i++) {
		TEST_ASSERT_SUCCESS(
				pl_expect(to[i], &f, mss, PL_SEGMENTS, 1, NULL),
				"port %u: the segments", to[i]);
		TEST_ASSERT_EQUAL(pl_ctr(to[i])->tx_packets, 5,
				"port %u: tx_packets", to[i]);
	}
	TEST_ASSERT_EQUAL(pl_ctr(PL_A)->sw_segmented, 1, "A: made once");
	TEST_ASSERT_EQUAL(pl_ctr(PL_A)->sw_segments, 5, "A: for all");
	return pl_pools_full();
}

/*
 * A mirror of what B sends, to C: B gets the super-frame whole and the
 * partial checksum as A sent them, C its own segments and its own copy
 * with the checksum completed. The copies count only on the mirror.
 */
static int
test_pipeline_mirror(void)
{
	struct frame f = { .payload = 20000, .tcp_flags = TCPF_ACK | TCPF_PSH };
	struct frame fc = { .payload = 1000, .tcp_flags = TCPF_ACK };
	const uint16_t mss = 1448;
	struct mvt_port_counters mc;
	struct mvt_mirror *mir;
	int ret;

	TEST_ASSERT_SUCCESS(pl_setup(), "pipeline setup");
	mir = mvt_mirror_create(0, MVT_MIRROR_OUT, &pl.dp.ports[PL_C]);
	TEST_ASSERT_NOT_NULL(mir, "mirror");
	pl.dp.ports[PL_B].mirror = mir;
	ret = pl_send(&f, PL_B, false, mss);
	if (ret == TEST_SUCCESS)
		ret = pl_expect(PL_B, &f, mss, PL_WHOLE, 1, NULL);
	if (ret == TEST_SUCCESS)
		ret = pl_expect(PL_C, &f, mss, PL_SEGMENTS, 1, NULL);
	if (ret == TEST_SUCCESS)
		ret = pl_send(&fc, PL_B, false, 0);
	if (ret == TEST_SUCCESS)
		ret = pl_expect(PL_B, &fc, 0, PL_WHOLE, 1, NULL);
	if (ret == TEST_SUCCESS)
		ret = pl_expect(PL_C, &fc, 0, PL_CSUM_DONE, 1, NULL);
	pl.dp.ports[PL_B].mirror = NULL;
	mvt_mirror_read(mir, &mc);
	mvt_mirror_free(mir);
	TEST_ASSERT_SUCCESS(ret, "what B and the mirror got");
	TEST_ASSERT_EQUAL(mc.tx_packets, (f.payload + mss - 1) / mss + 1,
			"the mirror: the segments and the frame");
	TEST_ASSERT_EQUAL(mvt_stats_drops_total(&mc), 0, "the mirror: drops");
	TEST_ASSERT_EQUAL(pl_ctr(PL_B)->tx_packets, 2, "B: the two frames");
	TEST_ASSERT_EQUAL(pl_ctr(PL_C)->tx_packets, 0, "C: the mirror's only");
	TEST_ASSERT_EQUAL(pl_ctr(PL_A)->offload_rx, 2, "A: 2 requests");
	TEST_ASSERT_EQUAL(pl_ctr(PL_A)->sw_segmented + pl_ctr(PL_A)->sw_csum, 0,
			"A: no work for its own receiver");
	return pl_pools_full();
}

/* The segment size of the frames pl_refuse() refuses. */
static uint16_t pl_refused_segsz;

/* rte_eth_tx_prepare() of a device that cannot do some requests. */
static uint16_t
pl_refuse(void *txq, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i;

	RTE_SET_USED(txq);
	for (i = 0; i < n; i++) {
		if (pkts[i]->tso_segsz == pl_refused_segsz) {
			rte_errno = EINVAL;
			return i;
		}
	}
	return n;
}

/*
 * A lower that takes TSO but whose rte_eth_tx_prepare() refuses some
 * frames: in a burst of four super-frames to the wire, the first and the
 * third refused; those two are dropped as offload_bad_hdr on the lower,
 * the other two sent whole, in order.
 */
static int
test_pipeline_prepare_refused(void)
{
	struct frame f = { .payload = 4000, .tcp_flags = TCPF_ACK };
	const uint16_t mss = 1448;
	struct rte_eth_fp_ops *ops;
	struct rte_mbuf *m[4];
	eth_tx_prep_t saved;
	unsigned int i;
	int ret;

	TEST_ASSERT_SUCCESS(pl_setup(), "pipeline setup");
	for (i = 0; i < RTE_DIM(m); i++) {
		m[i] = pl_frame(&f, PL_NOBODY, false);
		TEST_ASSERT_NOT_NULL(m[i], "frame");
		flag_rx_tso(m[i], i % 2 == 0 ? 1000 : mss);
	}
	flatten(m[1], orig);
	ops = &rte_eth_fp_ops[mvt_port_eth(&pl.lower)->port_id];
	saved = ops->tx_pkt_prepare;
	ops->tx_pkt_prepare = pl_refuse;
	pl_refused_segsz = 1000;
	pl.lower.caps = tso_caps;
	pl.lower.caps.max_frame = MVT_FRAME_MAX;
	mvt_worker_process(pl.w, pl.t, PL_A, m, RTE_DIM(m));
	ops->tx_pkt_prepare = saved;
	pl.lower.caps = no_caps;
	pl.lower.caps.max_frame = MVT_FRAME_MAX;
	ret = pl_expect(PL_LOWER, &f, mss, PL_WHOLE, 2, NULL);
	TEST_ASSERT_SUCCESS(ret, "the wire: the two it took");
	TEST_ASSERT_EQUAL(pl_ctr(PL_LOWER)->drops[MVT_DROP_OFFLOAD_BAD_HDR], 2,
			"the lower: offload_bad_hdr");
	TEST_ASSERT_EQUAL(mvt_stats_drops_total(pl_ctr(PL_LOWER)), 2,
			"the lower: no other drop");
	TEST_ASSERT_EQUAL(pl_ctr(PL_LOWER)->tx_packets, 2, "the lower: sent");
	TEST_ASSERT_EQUAL(pl_ctr(PL_LOWER)->tx_bytes, 2 * (o_pay + f.payload),
			"the lower: bytes");
	TEST_ASSERT_EQUAL(pl_ctr(PL_A)->rx_packets, 4, "A: 4 frames");
	TEST_ASSERT_EQUAL(pl_ctr(PL_A)->offload_rx, 4, "A: 4 requests");
	TEST_ASSERT_EQUAL(mvt_stats_drops_total(pl_ctr(PL_A)), 0, "A: drops");
	TEST_ASSERT_EQUAL(pl_ctr(PL_A)->sw_segmented, 0, "A: none segmented");
	return pl_pools_full();
}

/*
 * A receiver without multi_seg gets each segment in one mbuf: C for a
 * super-frame to it alone; a mirror destination (the lower) for the
 * segments its source (C) got as chains; B, C and the wire for a flood
 * when the lower takes no chains (a flood is made plain once, for all).
 */
static int
test_pipeline_linear(void)
{
	struct frame f = { .payload = 9000, .tcp_flags = TCPF_ACK };
	static const unsigned int to[] = { PL_B, PL_C, PL_LOWER };
	const uint16_t mss = 1448, want = (9000 + 1448 - 1) / 1448;
	struct mvt_port_counters mc;
	struct mvt_mirror *mir;
	unsigned int i;
	int ret;

	TEST_ASSERT_SUCCESS(pl_setup(), "pipeline setup");
	mir = mvt_mirror_create(0, MVT_MIRROR_OUT, &pl.lower);
	TEST_ASSERT_NOT_NULL(mir, "mirror");
	pl.dp.ports[PL_C].caps.multi_seg = false;
	ret = pl_send(&f, PL_C, false, mss);
	if (ret == TEST_SUCCESS)
		ret = pl_expect(PL_C, &f, mss, PL_LINEAR, 1, NULL);
	pl.dp.ports[PL_C].caps.multi_seg = true;
	pl.lower.caps.multi_seg = false;
	pl.dp.ports[PL_C].mirror = mir;
	if (ret == TEST_SUCCESS)
		ret = pl_send(&f, PL_C, false, mss);
	pl.dp.ports[PL_C].mirror = NULL;
	if (ret == TEST_SUCCESS)
		ret = pl_expect(PL_C, &f, mss, PL_SEGMENTS, 1, NULL);
	if (ret == TEST_SUCCESS)
		ret = pl_expect(PL_LOWER, &f, mss, PL_LINEAR, 1, NULL);
	if (ret == TEST_SUCCESS)
		ret = pl_worker_renew();
	if (ret == TEST_SUCCESS)
		ret = pl_send(&f, 0, true, mss);
	for (i = 0; i < RTE_DIM(to) && ret == TEST_SUCCESS; i++)
		ret = pl_expect(to[i], &f, mss, PL_LINEAR, 1, NULL);
	pl.lower.caps.multi_seg = true;
	mvt_mirror_read(mir, &mc);
	mvt_mirror_free(mir);
	TEST_ASSERT_SUCCESS(pl_worker_renew(), "worker");
	TEST_ASSERT_SUCCESS(ret, "linear segments");
	TEST_ASSERT_EQUAL(mc.tx_packets, want, "the mirror: C's segments");
	TEST_ASSERT_EQUAL(mvt_stats_drops_total(&mc), 0, "the mirror: drops");
	TEST_ASSERT_EQUAL(pl_ctr(PL_A)->sw_segmented, 3, "A: 3 segmented");
	TEST_ASSERT_EQUAL(mvt_stats_drops_total(pl_ctr(PL_A)), 0, "A: drops");
	return pl_pools_full();
}

/*
 * What A may not send: a segment size of 0, segments longer than A's
 * frames may be, a super-frame whose IP length lies. Each dropped at
 * ingress with its reason, charged to A.
 */
static int
test_pipeline_bad(void)
{
	struct frame f = { .payload = 4000, .tcp_flags = TCPF_ACK };
	struct rte_mbuf *m[3];
	uint8_t *p;

	TEST_ASSERT_SUCCESS(pl_setup(), "pipeline setup");
	m[0] = pl_frame(&f, PL_C, false);
	m[1] = pl_frame(&f, PL_C, false);
	m[2] = pl_frame(&f, PL_C, false);
	TEST_ASSERT(m[0] != NULL && m[1] != NULL && m[2] != NULL, "frames");
	flag_rx_tso(m[0], 0);
	flag_rx_tso(m[1], 2000); /* 2054-byte segments, over 1518 */
	flag_rx_tso(m[2], 1000);
	p = rte_pktmbuf_mtod(m[2], uint8_t *);
	put16(p + o_l3 + 2, get16(p + o_l3 + 2) + 100);
	mvt_worker_process(pl.w, pl.t, PL_A, m, 3);
	TEST_ASSERT_SUCCESS(pl_expect(PL_C, &f, 0, PL_NOTHING, 0, NULL),
			"C: nothing");
	TEST_ASSERT_EQUAL(pl_ctr(PL_A)->drops[MVT_DROP_OFFLOAD_BAD_MSS], 1,
			"A: bad_mss");
	TEST_ASSERT_EQUAL(pl_ctr(PL_A)->drops[MVT_DROP_OVERSIZE], 1,
			"A: oversize");
	TEST_ASSERT_EQUAL(pl_ctr(PL_A)->drops[MVT_DROP_OFFLOAD_BAD_HDR], 1,
			"A: bad_hdr");
	TEST_ASSERT_EQUAL(pl_ctr(PL_A)->rx_packets, 3, "A: 3 frames");
	return pl_pools_full();
}

static int
suite_setup(void)
{
	big_mp = rte_pktmbuf_pool_create(
			"offl_frames", 8, 0, 0, BIG_ROOM, SOCKET_ID_ANY);
	if (big_mp == NULL)
		return -1;
	return mvt_offload_ctx_init(&ctx, "offl", 1024, SOCKET_ID_ANY);
}

static void
suite_teardown(void)
{
	pl_free();
	mvt_offload_ctx_free(&ctx);
	rte_mempool_free(big_mp);
}

/* clang-format off */
static struct unit_test_suite offload_suite = {
	.suite_name = "offload",
	.setup = suite_setup,
	.teardown = suite_teardown,
	.unit_test_cases = {
		TEST_CASE(test_plain),
		TEST_CASE(test_tso_v4),
		TEST_CASE(test_tso_v4_options),
		TEST_CASE(test_tso_v6),
		TEST_CASE(test_tso_vlan),
		TEST_CASE(test_tso_linear),
		TEST_CASE(test_tso_chained_input),
		TEST_CASE(test_tso_extbuf),
		TEST_CASE(test_tso_one_segment),
		TEST_CASE(test_csum),
		TEST_CASE(test_reject),
		TEST_CASE(test_exhaustion),
		TEST_CASE(test_oversize),
		TEST_CASE(test_eth_caps),
		TEST_CASE(test_stats),
		TEST_CASE(test_random),
		TEST_CASE(test_pipeline_tso),
		TEST_CASE(test_pipeline_csum),
		TEST_CASE(test_pipeline_flood),
		TEST_CASE(test_pipeline_bad),
		TEST_CASE(test_pipeline_mirror),
		TEST_CASE(test_pipeline_prepare_refused),
		TEST_CASE(test_pipeline_linear),
		TEST_CASES_END()
	}
};
/* clang-format on */

static int
test_offload(void)
{
	return unit_test_suite_runner(&offload_suite);
}

REGISTER_TEST_COMMAND(offload_autotest, test_offload);

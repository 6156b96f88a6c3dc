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
 * With byte 6 bit 1 the frame goes through the real pipeline instead
 * (mvt_worker_process(), as after a vhost dequeue or a receive from the
 * lower): endpoints A, B, C and D in bridge mode and the lower, all ring
 * ethdevs whose TX rings the harness drains; B takes TSO and checksums, C
 * checksums, D nothing, and the lower one of four kinds (nothing,
 * checksums, TSO, nothing and no chains); a mirror of what B and D are
 * sent may go to the lower. Every frame any port is sent must be one
 * that port takes: no longer than its max_frame (a super-frame: its
 * segments), a chain only if it takes chains, a request only for what it
 * does itself; and a frame made plain from a request must have the
 * checksums it asked for right, by this file's own sums (the L4 checksum
 * over the IP datagram, the IPv4 header checksum), and a segment must be
 * exactly its IP datagram.
 *
 * Input: 8 bytes of metadata (9 through the pipeline), then the frame.
 *   [0] flags: bit 0 RX_LRO, 1 RX_L4_CKSUM_NONE, 2 TX_TCP_SEG, 3 TX_IPV4,
 *       4 TX_IPV6, 5 TX_TCP_CKSUM, 6 TX_UDP_CKSUM, 7 TX_IP_CKSUM
 *   [1..2] tso_segsz (little endian)   [3] l2_len  [4] l3_len  [5] l4_len
 *   [6] bit 0: the frame's second half in a second mbuf (not through the
 *              pipeline: the ports the switch receives from give it
 *              frames in one mbuf, librte_vhost in an external buffer
 *              for a long one, and the ethdevs without scatter)
 *       bit 1: through the pipeline, with
 *       bits 2-4: destination MAC: 0 B, 1 C, 2 D, 3 broadcast, 4 one no
 *                 port has (the wire), 5-7 the frame's own
 *       bit 5: from the lower (else from A)
 *       bit 6: the mirror of what B and D are sent, to the lower
 *       bit 7: the IP and UDP length fields rewritten to fit the frame
 *   [7] where the second mbuf starts, in units of 8 bytes
 *   [8] through the pipeline only: bits 0-1 what the lower takes (above);
 *       bits 2-7 the frame made longer by that many times 256 bytes, its
 *       bytes after the first 64 repeated
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "mvt_dp.h"
#include "mvt_eptable.h"
#include "mvt_mac.h"
#include "mvt_mactable.h"
#include "mvt_mirror.h"
#include "mvt_offload.h"
#include "mvt_port.h"
#include "mvt_worker.h"

#define META 8
#define META_PIPE 9
#define ROOM 16384

#define OPT_CHAIN 0x01
#define OPT_PIPE 0x02
#define OPT_DST_SHIFT 2
#define OPT_DST_MASK 0x1c
#define OPT_FROM_LOWER 0x20
#define OPT_MIRROR 0x40
#define OPT_FIX_LEN 0x80

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
static void pl_setup(void);

static struct rte_mempool *mp;
static struct mvt_offload_ctx ctx;

static const uint64_t flag_bits[8] = {
	RTE_MBUF_F_RX_LRO, RTE_MBUF_F_RX_L4_CKSUM_NONE, RTE_MBUF_F_TX_TCP_SEG,
	RTE_MBUF_F_TX_IPV4, RTE_MBUF_F_TX_IPV6, RTE_MBUF_F_TX_TCP_CKSUM,
	RTE_MBUF_F_TX_UDP_CKSUM, RTE_MBUF_F_TX_IP_CKSUM,
};

/*
 * The offload request of the input's first six bytes on @p m: flags, the
 * segment size and the header lengths, whatever they say.
 */
static void
set_request(struct rte_mbuf *m, const uint8_t *data)
{
	unsigned int i;

	for (i = 0; i < 8; i++)
		if (data[0] >> i & 1)
			m->ol_flags |= flag_bits[i];
	m->tso_segsz = (uint16_t)(data[1] | data[2] << 8);
	m->l2_len = data[3];
	m->l3_len = data[4];
	m->l4_len = data[5];
}

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
		(char *)"256", (char *)"--no-pci", (char *)"--no-telemetry",
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
	pl_setup();
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

/*
 * Through the pipeline: endpoints A, B, C, D and the lower, ring ethdevs.
 */
#define EP_A 0
#define EP_B 1
#define EP_C 2
#define EP_D 3
#define N_EPS 4
#define P_LOWER N_EPS /* index of the lower in the arrays below */
#define N_LOWER_KINDS 4
#define TX_RING 2048

/* What B, C and D take; what the lower takes, by kind. */
static const struct mvt_offload_caps ep_caps[N_EPS] = {
	[EP_A] = { .csum = true, .tso4 = true, .tso6 = true,
		.multi_seg = true },
	[EP_B] = { .csum = true, .tso4 = true, .tso6 = true,
		.multi_seg = true },
	[EP_C] = { .csum = true, .multi_seg = true },
	[EP_D] = { .multi_seg = true },
};
static const struct mvt_offload_caps lower_caps[N_LOWER_KINDS] = {
	{ .multi_seg = true },
	{ .csum = true, .multi_seg = true },
	{ .csum = true, .tso4 = true, .tso6 = true, .multi_seg = true },
	{ .multi_seg = false },
};

static struct {
	struct rte_mempool *mp; /* the switch's pool: mirror copies */
	struct rte_ring *rx[N_EPS + 1], *tx[N_EPS + 1];
	struct mvt_port lower;
	struct mvt_ep_table *t;
	struct mvt_lcore_stats *stats;
	struct mvt_dp dp;
	/* one per kind of lower: a worker reads the lower's caps once */
	struct mvt_worker *w[N_LOWER_KINDS];
	struct mvt_mirror *mirror;
} pl;

static uint8_t buf[ROOM], flat[ROOM];

static struct mvt_port *
pl_port(unsigned int i)
{
	return i == P_LOWER ? &pl.lower : &pl.dp.ports[i];
}

static uint64_t
ep_mac(unsigned int i)
{
	const uint8_t b[6] = { 0x02, 0, 0, 0, 0, (uint8_t)i };

	return mvt_mac_load6(b);
}

static void
pl_ring_port(unsigned int i)
{
	char name[32], err[MVT_ERR_MAX];

	snprintf(name, sizeof(name), "fzo%u_rx", i);
	pl.rx[i] = rte_ring_create(name, 64, SOCKET_ID_ANY,
		RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "fzo%u_tx", i);
	pl.tx[i] = rte_ring_create(name, TX_RING, SOCKET_ID_ANY,
		RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (pl.rx[i] == NULL || pl.tx[i] == NULL)
		die("cannot create rings", i);
	snprintf(name, sizeof(name), "fzo%u", i);
	if (rte_eth_from_rings(name, &pl.rx[i], 1, &pl.tx[i], 1,
			SOCKET_ID_ANY) < 0)
		die("cannot create a ring port", i);
	snprintf(name, sizeof(name), "net_ring_fzo%u", i);
	if (mvt_port_open_ethdev(pl_port(i), "--lower", name, 1, MVT_MTU,
			pl.mp, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		die("cannot open a ring port", i);
	}
}

static void
pl_setup(void)
{
	unsigned int i;

	pl.mp = rte_pktmbuf_pool_create("fuzz_offl_sw", 512, 0, 0,
		RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	pl.t = rte_zmalloc("fzo_eps", sizeof(*pl.t), RTE_CACHE_LINE_SIZE);
	pl.stats = rte_zmalloc("fzo_stats", sizeof(*pl.stats),
		RTE_CACHE_LINE_SIZE);
	if (pl.mp == NULL || pl.t == NULL || pl.stats == NULL ||
			mvt_dp_init(&pl.dp, "fzo", 1, 64, pl.mp) != 0)
		die("cannot set up the pipeline", 0);
	pl_ring_port(P_LOWER);
	pl.dp.lower = &pl.lower;
	pl.t->n_eps = N_EPS;
	for (i = 0; i < N_EPS; i++) {
		pl_ring_port(i);
		if (mvt_mactable_set_owner(pl.dp.mt, ep_mac(i),
				(uint16_t)i) != 0)
			die("cannot set a MAC", i);
		pl.t->ep[i].mac = ep_mac(i);
		pl.t->ep[i].mode = MVT_MODE_BRIDGE;
		pl.t->ep[i].up = 1;
		pl.t->ep[i].mc_all = 1;
		pl.dp.ports[i].caps = ep_caps[i];
		pl.dp.ports[i].caps.max_frame = MVT_FRAME_MAX;
	}
	mvt_ep_table_derive(pl.t, 0, 0);
	/* a flood from the wire goes now, not through the broadcast queue */
	pl.t->bc_cutoff = -1;
	pl.dp.tbl = pl.t;
	for (i = 0; i < N_LOWER_KINDS; i++) {
		pl.lower.caps = lower_caps[i];
		pl.lower.caps.max_frame = MVT_FRAME_MAX;
		pl.w[i] = mvt_worker_create(&pl.dp, 0, rte_lcore_id(),
			pl.stats);
		if (pl.w[i] == NULL)
			die("cannot create a worker", i);
	}
	pl.mirror = mvt_mirror_create(0, MVT_MIRROR_OUT, &pl.lower);
	if (pl.mirror == NULL)
		die("cannot create the mirror", 0);
}

static uint32_t
sum16(uint32_t s, const uint8_t *p, uint32_t n)
{
	uint32_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t
fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* What the frame asked for once prepared: the checks of what is made. */
struct req {
	uint64_t flags; /* prepared transmit flags; 0: none, or refused */
	uint16_t l2, l3;
};

/*
 * Check the frame @p x made plain from a request @p r: the checksums it
 * asked for right, and for a segment of a super-frame, that it is its
 * IP datagram exactly.
 */
static void
check_plain(const struct rte_mbuf *x, const struct req *r, unsigned int port)
{
	uint32_t len = rte_pktmbuf_pkt_len(x), ip_end, l4off, l4len, s;
	const uint8_t *fr, *ip, *l4;
	uint64_t f = r->flags;
	uint8_t proto;

	fr = len <= sizeof(flat) ? rte_pktmbuf_read(x, 0, len, flat) : NULL;
	if (fr == NULL)
		die("a frame that cannot be read", port);
	if (r->l2 + r->l3 > len)
		die("a frame made shorter than its headers", port);
	ip = fr + r->l2;
	if (f & RTE_MBUF_F_TX_IPV4) {
		if (r->l3 != (ip[0] & 0xf) * 4)
			die("an IPv4 header of another length", port);
		if ((f & (RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_TCP_SEG)) &&
				fold(sum16(0, ip, r->l3)) != 0xffff)
			die("a wrong IPv4 header checksum", port);
		ip_end = r->l2 + ((uint32_t)ip[2] << 8 | ip[3]);
		proto = ip[9];
		s = sum16(0, ip + 12, 8);
	} else {
		ip_end = r->l2 + r->l3 + ((uint32_t)ip[4] << 8 | ip[5]);
		proto = ip[6];
		s = sum16(0, ip + 8, 32);
	}
	if (ip_end > len || ip_end < (uint32_t)r->l2 + r->l3)
		die("an IP length that does not fit the frame", port);
	if ((f & RTE_MBUF_F_TX_TCP_SEG) && ip_end != len)
		die("a segment that is not its IP datagram", port);
	if ((f & (RTE_MBUF_F_TX_L4_MASK | RTE_MBUF_F_TX_TCP_SEG)) == 0)
		return;
	l4off = (uint32_t)r->l2 + r->l3;
	l4len = ip_end - l4off;
	l4 = fr + l4off;
	s += proto + l4len;
	s = sum16(s, l4, l4len);
	if (fold(s) != 0xffff)
		die("a wrong L4 checksum", port);
}

/* Check what port @p i was sent, and free it. */
static void
drain_port(unsigned int i, const struct req *r)
{
	const struct mvt_offload_caps *c = &pl_port(i)->caps;
	struct rte_mbuf *x[64], *y;
	uint32_t len, hdr;
	uint16_t segs;
	unsigned int n, k;
	uint64_t f;

	while ((n = rte_ring_dequeue_burst(pl.tx[i], (void **)x, RTE_DIM(x),
			NULL)) > 0) {
		for (k = 0; k < n; k++) {
			len = 0;
			segs = 0;
			for (y = x[k]; y != NULL; y = y->next) {
				len += y->data_len;
				segs++;
			}
			if (len != x[k]->pkt_len || segs != x[k]->nb_segs)
				die("pkt_len or nb_segs disagree with the chain",
					i);
			if (!c->multi_seg && segs != 1)
				die("a chain for a port without chains", i);
			f = x[k]->ol_flags & MVT_OFFLOAD_TX_REQ;
			if (f & RTE_MBUF_F_TX_TCP_SEG) {
				if (!((x[k]->ol_flags & RTE_MBUF_F_TX_IPV4) ?
						c->tso4 : c->tso6))
					die("a super-frame for a port without TSO",
						i);
				hdr = (uint32_t)x[k]->l2_len +
					x[k]->l3_len + x[k]->l4_len;
				if (x[k]->tso_segsz == 0 ||
						hdr + x[k]->tso_segsz >
						c->max_frame)
					die("a super-frame of segments longer than the port takes",
						i);
			} else if (len > c->max_frame) {
				die("a frame longer than the port takes", i);
			}
			if (f != 0 && !c->csum)
				die("a request for a port without offloads", i);
			if (f == 0 && r->flags != 0)
				check_plain(x[k], r, i);
			rte_pktmbuf_free(x[k]);
		}
	}
}

/* Write the IP (and UDP) length fields of the frame in buf to fit it. */
static void
fix_lengths(uint32_t len)
{
	uint32_t off = 12, l3, l4;
	unsigned int tags = 0;
	uint16_t et;

	et = (uint16_t)(buf[off] << 8 | buf[off + 1]);
	while ((et == 0x8100 || et == 0x88a8) && tags++ < 2 &&
			off + 6 <= len) {
		off += 4;
		et = (uint16_t)(buf[off] << 8 | buf[off + 1]);
	}
	l3 = off + 2;
	if (et == 0x0800 && l3 + 20 <= len) {
		buf[l3 + 2] = (uint8_t)((len - l3) >> 8);
		buf[l3 + 3] = (uint8_t)(len - l3);
		l4 = l3 + (buf[l3] & 0xf) * 4;
		if (buf[l3 + 9] != 17)
			return;
	} else if (et == 0x86dd && l3 + 40 <= len) {
		buf[l3 + 4] = (uint8_t)((len - l3 - 40) >> 8);
		buf[l3 + 5] = (uint8_t)(len - l3 - 40);
		l4 = l3 + 40;
		if (buf[l3 + 6] != 17)
			return;
	} else {
		return;
	}
	if (l4 + 8 <= len) {
		buf[l4 + 4] = (uint8_t)((len - l4) >> 8);
		buf[l4 + 5] = (uint8_t)(len - l4);
	}
}

/* The input @p data (metadata included) through the pipeline. */
static void
through_pipeline(const uint8_t *data, size_t size)
{
	static const uint8_t station[6] = { 0x02, 0, 0, 0, 1, 1 };
	static const uint8_t nobody[6] = { 0x02, 0, 0, 0, 0, 0x77 };
	uint8_t opt = data[6], dst = (opt & OPT_DST_MASK) >> OPT_DST_SHIFT;
	uint32_t len = (uint32_t)(size - META_PIPE), grow, i;
	unsigned int kind = data[8] & 3, p;
	struct rte_mbuf *m, *pkts[1];
	uint64_t saved_tx, saved_fl;
	uint32_t saved_pt;
	uint16_t ingress;
	struct req r;

	memcpy(buf, data + META_PIPE, len);
	grow = (uint32_t)(data[8] >> 2) * 256;
	if (grow > 0 && len > 64) {
		grow = RTE_MIN(grow, (uint32_t)sizeof(buf) - len);
		for (i = 0; i < grow; i++)
			buf[len + i] = buf[64 + i % (len - 64)];
		len += grow;
	}
	if (dst < 3)
		mvt_mac_store6(ep_mac(EP_B + dst), buf);
	else if (dst == 3)
		memset(buf, 0xff, 6);
	else if (dst == 4)
		memcpy(buf, nobody, 6);
	if (opt & OPT_FROM_LOWER)
		memcpy(buf + 6, station, 6);
	else
		mvt_mac_store6(ep_mac(EP_A), buf + 6);
	if (opt & OPT_FIX_LEN)
		fix_lengths(len);
	m = frame(buf, (uint16_t)len, 0);
	set_request(m, data);

	/* what the request is once prepared, for the checks; then undone */
	saved_fl = m->ol_flags;
	saved_tx = m->tx_offload;
	saved_pt = m->packet_type;
	memset(&r, 0, sizeof(r));
	if (mvt_offload_prepare(NULL, m) == MVT_DROP_NONE) {
		r.flags = m->ol_flags & MVT_OFFLOAD_TX_REQ;
		if (r.flags != 0)
			r.flags = m->ol_flags &
				(MVT_OFFLOAD_TX_REQ | RTE_MBUF_F_TX_IPV4 |
				 RTE_MBUF_F_TX_IPV6);
		r.l2 = m->l2_len;
		r.l3 = m->l3_len;
	}
	m->ol_flags = saved_fl;
	m->tx_offload = saved_tx;
	m->packet_type = saved_pt;

	pl.lower.caps = lower_caps[kind];
	pl.lower.caps.max_frame = MVT_FRAME_MAX;
	if (opt & OPT_MIRROR) {
		pl.dp.ports[EP_B].mirror = pl.mirror;
		pl.dp.ports[EP_D].mirror = pl.mirror;
	}
	ingress = (opt & OPT_FROM_LOWER) ? MVT_INGRESS_LOWER : EP_A;
	pkts[0] = m;
	mvt_worker_process(pl.w[kind], pl.t, ingress, pkts, 1);
	pl.dp.ports[EP_B].mirror = NULL;
	pl.dp.ports[EP_D].mirror = NULL;
	for (p = 0; p <= P_LOWER; p++)
		drain_port(p, &r);
	if (rte_mempool_avail_count(pl.mp) != pl.mp->size ||
			rte_mempool_avail_count(pl.dp.offload->direct) !=
				pl.dp.offload->direct->size ||
			rte_mempool_avail_count(pl.dp.offload->indirect) !=
				pl.dp.offload->indirect->size)
		die("an mbuf of the pipeline leaked", 0);
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
	if (data[6] & OPT_PIPE) {
		if (size >= META_PIPE + 14) {
			through_pipeline(data, size);
			pools_full();
		}
		return 0;
	}
	len = (uint16_t)(size - META);
	cut = (data[6] & 1) ? (uint16_t)(data[7] * 8) : 0;
	m = frame(data + META, len, cut);
	set_request(m, data);
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

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_gso.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_memcpy.h>
#include <rte_mempool.h>
#include <rte_net.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "mvt_offload.h"
#include "mvt_stats.h"

/* TCP flags a segment other than the last must not carry */
#define TCP_NOT_BEFORE_LAST (RTE_TCP_PSH_FLAG | RTE_TCP_FIN_FLAG)

/* every transmit offload flag this module sets or clears */
#define TX_ALL (MVT_OFFLOAD_TX_REQ | RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IPV6)

/*
 * Flags that say where an mbuf's own data lives, never copied from the
 * super-frame to a segment's header mbuf: one taken over from a frame in
 * an external buffer (librte_vhost's for a long frame) would make the
 * header mbuf's free call that buffer's free callback.
 */
#define MBUF_DATA_FLAGS (RTE_MBUF_F_EXTERNAL | RTE_MBUF_F_INDIRECT)

/* transmit requests this module does not do: tunnels, UDP segmentation */
#define TX_UNSUPPORTED                                                         \
	(RTE_MBUF_F_TX_TUNNEL_MASK | RTE_MBUF_F_TX_OUTER_IPV4 |                \
			RTE_MBUF_F_TX_OUTER_IPV6 |                             \
			RTE_MBUF_F_TX_OUTER_IP_CKSUM |                         \
			RTE_MBUF_F_TX_OUTER_UDP_CKSUM | RTE_MBUF_F_TX_UDP_SEG)

int
mvt_offload_ctx_init(struct mvt_offload_ctx *ctx, const char *name,
		unsigned int n_mbufs, int socket)
{
	unsigned int cache = RTE_MIN(256u, n_mbufs / 8);
	char pn[RTE_MEMPOOL_NAMESIZE];

	memset(ctx, 0, sizeof(*ctx));
	snprintf(pn, sizeof(pn), "%s_d", name);
	ctx->direct = rte_pktmbuf_pool_create(pn, n_mbufs, cache, 0,
			RTE_MBUF_DEFAULT_BUF_SIZE, socket);
	snprintf(pn, sizeof(pn), "%s_i", name);
	ctx->indirect = rte_pktmbuf_pool_create(
			pn, n_mbufs, cache, 0, 0, socket);
	if (ctx->direct == NULL || ctx->indirect == NULL) {
		mvt_offload_ctx_free(ctx);
		return -ENOMEM;
	}
	return 0;
}

void
mvt_offload_ctx_free(struct mvt_offload_ctx *ctx)
{
	rte_mempool_free(ctx->direct);
	rte_mempool_free(ctx->indirect);
	ctx->direct = NULL;
	ctx->indirect = NULL;
}

void
mvt_offload_stats_sum(const struct mvt_offload_ctx *ctx,
		struct mvt_offload_stats *out)
{
	const struct mvt_offload_stats *s;
	unsigned int i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i <= RTE_MAX_LCORE; i++) {
		s = &ctx->stats[i];
		out->offloaded_rx += mvt_ctr_read(&s->offloaded_rx);
		out->segmented += mvt_ctr_read(&s->segmented);
		out->segments += mvt_ctr_read(&s->segments);
		out->csum_completed += mvt_ctr_read(&s->csum_completed);
	}
}

void
mvt_offload_caps_from_eth(uint64_t tx_offloads, uint32_t max_frame,
		struct mvt_offload_caps *c)
{
	const uint64_t csum = RTE_ETH_TX_OFFLOAD_IPV4_CKSUM |
			RTE_ETH_TX_OFFLOAD_TCP_CKSUM |
			RTE_ETH_TX_OFFLOAD_UDP_CKSUM;

	memset(c, 0, sizeof(*c));
	c->csum = (tx_offloads & csum) == csum;
	c->tso4 = c->csum && (tx_offloads & RTE_ETH_TX_OFFLOAD_TCP_TSO) != 0;
	c->tso6 = c->tso4;
	c->multi_seg = (tx_offloads & RTE_ETH_TX_OFFLOAD_MULTI_SEGS) != 0;
	c->max_frame = max_frame;
}

/*
 * Checking a request.
 */

/* What the headers of a frame say, as far as offloads care. */
struct hdrs {
	uint32_t ptype;
	uint16_t l2, l3, l4; /* lengths */
	uint32_t ip_end; /* offset of the end of the IP datagram */
	uint8_t proto; /* IP next header */
	bool v4;
};

/* Parse the L2 and L3 headers; 0 or a reason. */
static enum mvt_drop_reason
parse_l3(const struct rte_mbuf *m, struct hdrs *h)
{
	struct rte_net_hdr_lens hl;
	uint16_t et_be, et_copy;
	const uint16_t *et;
	uint32_t l2t, l3t;

	memset(&hl, 0, sizeof(hl));
	h->ptype = rte_net_get_ptype(m, &hl,
			RTE_PTYPE_L2_MASK | RTE_PTYPE_L3_MASK |
					RTE_PTYPE_L4_MASK);
	l2t = h->ptype & RTE_PTYPE_L2_MASK;
	l3t = h->ptype & RTE_PTYPE_L3_MASK;
	if (l2t != RTE_PTYPE_L2_ETHER && l2t != RTE_PTYPE_L2_ETHER_VLAN &&
			l2t != RTE_PTYPE_L2_ETHER_QINQ)
		return l2t == 0 || m->pkt_len < hl.l2_len
				? MVT_DROP_OFFLOAD_BAD_HDR
				: MVT_DROP_OFFLOAD_UNSUPPORTED;
	h->l2 = hl.l2_len;
	if (l3t == 0) {
		/* an IP ethertype with a header too short or of bad IHL */
		et = rte_pktmbuf_read(m, h->l2 - 2, 2, &et_copy);
		if (et == NULL)
			return MVT_DROP_OFFLOAD_BAD_HDR;
		memcpy(&et_be, et, sizeof(et_be));
		return et_be == RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
						et_be == RTE_BE16(RTE_ETHER_TYPE_IPV6)
				? MVT_DROP_OFFLOAD_BAD_HDR
				: MVT_DROP_OFFLOAD_UNSUPPORTED;
	}
	if (l3t == RTE_PTYPE_L3_IPV6_EXT)
		return MVT_DROP_OFFLOAD_UNSUPPORTED;
	h->v4 = l3t == RTE_PTYPE_L3_IPV4 || l3t == RTE_PTYPE_L3_IPV4_EXT;
	if (!h->v4 && l3t != RTE_PTYPE_L3_IPV6)
		return MVT_DROP_OFFLOAD_UNSUPPORTED;
	h->l3 = hl.l3_len;
	/* from here on the headers are read in place */
	if ((uint32_t)h->l2 + h->l3 > m->pkt_len)
		return MVT_DROP_OFFLOAD_BAD_HDR;
	if ((uint32_t)h->l2 + h->l3 > m->data_len)
		return MVT_DROP_OFFLOAD_UNSUPPORTED;
	if (h->v4) {
		const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(
				m, const struct rte_ipv4_hdr *, h->l2);

		h->proto = ip->next_proto_id;
		h->ip_end = h->l2 +
				(uint32_t)rte_be_to_cpu_16(ip->total_length);
		if (rte_be_to_cpu_16(ip->total_length) < h->l3)
			return MVT_DROP_OFFLOAD_BAD_HDR;
	} else {
		const struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod_offset(
				m, const struct rte_ipv6_hdr *, h->l2);

		if ((rte_be_to_cpu_32(ip->vtc_flow) >> 28) != 6)
			return MVT_DROP_OFFLOAD_BAD_HDR;
		h->proto = ip->proto;
		h->ip_end = h->l2 + h->l3 +
				(uint32_t)rte_be_to_cpu_16(ip->payload_len);
	}
	if (h->ip_end > m->pkt_len)
		return MVT_DROP_OFFLOAD_BAD_HDR;
	if ((h->ptype & RTE_PTYPE_L4_MASK) == RTE_PTYPE_L4_FRAG)
		return MVT_DROP_OFFLOAD_UNSUPPORTED;
	return MVT_DROP_NONE;
}

/* Parse the L4 header (TCP or UDP) after parse_l3(); 0 or a reason. */
static enum mvt_drop_reason
parse_l4(const struct rte_mbuf *m, struct hdrs *h)
{
	uint32_t l4t = h->ptype & RTE_PTYPE_L4_MASK;
	uint32_t l4off = (uint32_t)h->l2 + h->l3;
	const struct rte_tcp_hdr *th;
	const struct rte_udp_hdr *uh;

	if (h->proto == IPPROTO_TCP) {
		/* rte_net_get_ptype leaves out an L4 it could not read */
		if (l4t != RTE_PTYPE_L4_TCP || l4off + sizeof(*th) > h->ip_end)
			return MVT_DROP_OFFLOAD_BAD_HDR;
		if (l4off + sizeof(*th) > m->data_len)
			return MVT_DROP_OFFLOAD_UNSUPPORTED;
		th = rte_pktmbuf_mtod_offset(
				m, const struct rte_tcp_hdr *, l4off);
		h->l4 = (th->data_off & 0xf0) >> 2;
		if (h->l4 < sizeof(*th) || l4off + h->l4 > h->ip_end)
			return MVT_DROP_OFFLOAD_BAD_HDR;
	} else if (h->proto == IPPROTO_UDP) {
		if (l4t != RTE_PTYPE_L4_UDP ||
				l4off + sizeof(struct rte_udp_hdr) > h->ip_end)
			return MVT_DROP_OFFLOAD_BAD_HDR;
		h->l4 = sizeof(struct rte_udp_hdr);
		if (l4off + h->l4 > m->data_len)
			return MVT_DROP_OFFLOAD_UNSUPPORTED;
		/* the checksum covers the datagram the IP header says */
		uh = rte_pktmbuf_mtod_offset(
				m, const struct rte_udp_hdr *, l4off);
		if (rte_be_to_cpu_16(uh->dgram_len) != h->ip_end - l4off)
			return MVT_DROP_OFFLOAD_BAD_HDR;
	} else {
		return MVT_DROP_OFFLOAD_UNSUPPORTED;
	}
	if (l4off + h->l4 > m->data_len)
		return MVT_DROP_OFFLOAD_UNSUPPORTED;
	return MVT_DROP_NONE;
}

enum mvt_drop_reason
mvt_offload_prepare_slow(struct mvt_offload_ctx *ctx, struct rte_mbuf *m)
{
	uint64_t f = m->ol_flags;
	uint64_t tx = f & MVT_OFFLOAD_TX_REQ;
	enum mvt_drop_reason r;
	bool tso, l4csum, ipcsum;
	uint32_t hdr, payload, nseg;
	struct hdrs h;

	tso = (f & (RTE_MBUF_F_RX_LRO | RTE_MBUF_F_TX_TCP_SEG)) != 0;
	l4csum = (f & RTE_MBUF_F_TX_L4_MASK) != 0 ||
			(f & RTE_MBUF_F_RX_L4_CKSUM_MASK) ==
					RTE_MBUF_F_RX_L4_CKSUM_NONE;
	ipcsum = (f & RTE_MBUF_F_TX_IP_CKSUM) != 0;
	if (!tso && !l4csum && !ipcsum && (f & RTE_MBUF_F_TX_UDP_SEG) == 0)
		return MVT_DROP_NONE;
	if ((f & RTE_MBUF_F_TX_L4_MASK) == RTE_MBUF_F_TX_SCTP_CKSUM ||
			(f & TX_UNSUPPORTED) != 0)
		return MVT_DROP_OFFLOAD_UNSUPPORTED;

	r = parse_l3(m, &h);
	if (r != MVT_DROP_NONE)
		return r;
	/* a transmit-form request must agree with the headers */
	if (tx != 0) {
		if (m->l2_len != h.l2 || m->l3_len != h.l3)
			return MVT_DROP_OFFLOAD_BAD_HDR;
		if ((f & RTE_MBUF_F_TX_IPV4) && !h.v4)
			return MVT_DROP_OFFLOAD_BAD_HDR;
		if ((f & RTE_MBUF_F_TX_IPV6) && h.v4)
			return MVT_DROP_OFFLOAD_BAD_HDR;
	}
	if (ipcsum && !h.v4)
		return MVT_DROP_OFFLOAD_BAD_HDR;
	h.l4 = 0;
	if (tso || l4csum) {
		if (tso && h.proto == IPPROTO_UDP)
			/* UFO from a guest is not done; a TCP flag is wrong */
			return (f & RTE_MBUF_F_TX_TCP_SEG)
					? MVT_DROP_OFFLOAD_BAD_HDR
					: MVT_DROP_OFFLOAD_UNSUPPORTED;
		r = parse_l4(m, &h);
		if (r != MVT_DROP_NONE)
			return r;
		switch (f & RTE_MBUF_F_TX_L4_MASK) {
		case RTE_MBUF_F_TX_TCP_CKSUM:
			if (h.proto != IPPROTO_TCP)
				return MVT_DROP_OFFLOAD_BAD_HDR;
			break;
		case RTE_MBUF_F_TX_UDP_CKSUM:
			if (h.proto != IPPROTO_UDP)
				return MVT_DROP_OFFLOAD_BAD_HDR;
			break;
		default:
			break;
		}
	}
	f &= ~(TX_ALL | RTE_MBUF_F_RX_LRO | RTE_MBUF_F_RX_L4_CKSUM_MASK);
	f |= h.v4 ? RTE_MBUF_F_TX_IPV4 : RTE_MBUF_F_TX_IPV6;
	if (tso) {
		if ((m->ol_flags & RTE_MBUF_F_TX_TCP_SEG) && m->l4_len != h.l4)
			return MVT_DROP_OFFLOAD_BAD_HDR;
		/* a super-frame is exactly its IP datagram */
		if (h.ip_end != m->pkt_len)
			return MVT_DROP_OFFLOAD_BAD_HDR;
		hdr = (uint32_t)h.l2 + h.l3 + h.l4;
		payload = m->pkt_len - hdr;
		if (m->tso_segsz == 0 || hdr + m->tso_segsz > UINT16_MAX)
			return MVT_DROP_OFFLOAD_BAD_MSS;
		nseg = (payload + m->tso_segsz - 1) / m->tso_segsz;
		if (nseg > MVT_OFFLOAD_SEGS_MAX)
			return MVT_DROP_OFFLOAD_BAD_MSS;
		f |= RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_TCP_CKSUM;
		if (h.v4)
			f |= RTE_MBUF_F_TX_IP_CKSUM;
	} else {
		if (l4csum)
			f |= h.proto == IPPROTO_TCP ? RTE_MBUF_F_TX_TCP_CKSUM
						    : RTE_MBUF_F_TX_UDP_CKSUM;
		if (ipcsum)
			f |= RTE_MBUF_F_TX_IP_CKSUM;
		m->tso_segsz = 0;
	}
	m->ol_flags = f;
	m->l2_len = h.l2;
	m->l3_len = h.l3;
	m->l4_len = h.l4;
	m->packet_type = h.ptype;
	if (ctx != NULL)
		mvt_ctr_add(&mvt_offload_lcore_stats(ctx)->offloaded_rx, 1);
	return MVT_DROP_NONE;
}

/*
 * Doing the work.
 */

/*
 * The raw (not complemented) sum of @p len bytes of the chain @p m from
 * @p off. rte_raw_cksum_mbuf() of DPDK 22.11 is wrong for a chain with a
 * segment boundary at an odd offset (it byte-swaps a sum before folding
 * it), which software segments of a chained frame have.
 */
static uint16_t
raw_sum_chain(const struct rte_mbuf *m, uint32_t off, uint32_t len)
{
	uint32_t sum = 0, done = 0, n;
	uint16_t s;

	while (m != NULL && off >= m->data_len) {
		off -= m->data_len;
		m = m->next;
	}
	for (; m != NULL && done < len; m = m->next, off = 0) {
		n = RTE_MIN((uint32_t)m->data_len - off, len - done);
		s = rte_raw_cksum(rte_pktmbuf_mtod_offset(m, const char *, off),
				n);
		sum += (done & 1) ? rte_bswap16(s) : s;
		done += n;
	}
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* The L4 checksum to write, the field being 0. */
static uint16_t
l4_cksum(const struct rte_mbuf *m, const struct rte_ipv4_hdr *ip4,
		const struct rte_ipv6_hdr *ip6, uint16_t l4off, bool udp)
{
	uint32_t sum, len;

	if (ip4 != NULL) {
		len = rte_be_to_cpu_16(ip4->total_length) -
				rte_ipv4_hdr_len(ip4);
		sum = rte_ipv4_phdr_cksum(ip4, 0);
	} else {
		len = rte_be_to_cpu_16(ip6->payload_len);
		sum = rte_ipv6_phdr_cksum(ip6, 0);
	}
	sum += raw_sum_chain(m, l4off, len);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (~((sum & 0xffff) + (sum >> 16))) & 0xffff;
	/* a UDP checksum of 0 means none: send its other form */
	if (sum == 0 && udp)
		sum = 0xffff;
	return (uint16_t)sum;
}

/* Complete the checksums @p m asks for, in place, and clear its flags. */
static void
complete_csum(struct rte_mbuf *m)
{
	uint64_t f = m->ol_flags;
	struct rte_ipv4_hdr *ip4 = NULL;
	struct rte_ipv6_hdr *ip6 = NULL;
	uint16_t l4off = m->l2_len + m->l3_len;
	struct rte_tcp_hdr *th = NULL;
	struct rte_udp_hdr *uh = NULL;
	uint16_t ck;

	if (f & RTE_MBUF_F_TX_IPV4)
		ip4 = rte_pktmbuf_mtod_offset(
				m, struct rte_ipv4_hdr *, m->l2_len);
	else
		ip6 = rte_pktmbuf_mtod_offset(
				m, struct rte_ipv6_hdr *, m->l2_len);
	if ((f & RTE_MBUF_F_TX_L4_MASK) == RTE_MBUF_F_TX_TCP_CKSUM ||
			(f & RTE_MBUF_F_TX_TCP_SEG))
		th = rte_pktmbuf_mtod_offset(m, struct rte_tcp_hdr *, l4off);
	else if ((f & RTE_MBUF_F_TX_L4_MASK) == RTE_MBUF_F_TX_UDP_CKSUM)
		uh = rte_pktmbuf_mtod_offset(m, struct rte_udp_hdr *, l4off);
	if (ip4 != NULL &&
			(f & (RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_TCP_SEG))) {
		ip4->hdr_checksum = 0;
		ip4->hdr_checksum = rte_ipv4_cksum(ip4);
	}
	if (th != NULL || uh != NULL) {
		if (th != NULL)
			th->cksum = 0;
		else
			uh->dgram_cksum = 0;
		ck = l4_cksum(m, ip4, ip6, l4off, uh != NULL);
		if (th != NULL)
			th->cksum = ck;
		else
			uh->dgram_cksum = ck;
	}
	m->ol_flags = f & ~TX_ALL;
}

/*
 * Cut the payload of @p pkt after @p hdr bytes of headers into segments
 * of @p mss bytes, as librte_gso does for IPv4 (it has no TCP/IPv6): a
 * direct mbuf with a copy of the headers, then indirect mbufs attached
 * to @p pkt's data. Returns the number of segments, -ENOMEM or -EINVAL
 * (more than @p nb_out), nothing left allocated on failure.
 */
static int
split(struct rte_mbuf *pkt, uint16_t hdr, uint16_t mss,
		const struct mvt_offload_ctx *ctx, struct rte_mbuf **out,
		uint16_t nb_out)
{
	uint32_t left = pkt->pkt_len - hdr, want, len, soff = hdr;
	struct rte_mbuf *src = pkt, *h, *p, *prev;
	uint16_t n = 0, i;

	while (left > 0) {
		if (n == nb_out)
			goto einval;
		h = rte_pktmbuf_alloc(ctx->direct);
		if (h == NULL)
			goto enomem;
		out[n++] = h;
		rte_memcpy(rte_pktmbuf_mtod(h, void *),
				rte_pktmbuf_mtod(pkt, void *), hdr);
		h->data_len = hdr;
		h->pkt_len = hdr;
		h->port = pkt->port;
		h->ol_flags = pkt->ol_flags & ~MBUF_DATA_FLAGS;
		h->packet_type = pkt->packet_type;
		h->tx_offload = pkt->tx_offload;
		prev = h;
		want = RTE_MIN(left, (uint32_t)mss);
		while (want > 0) {
			while (soff >= src->data_len) {
				soff -= src->data_len;
				src = src->next;
				if (src == NULL)
					goto einval;
			}
			p = rte_pktmbuf_alloc(ctx->indirect);
			if (p == NULL)
				goto enomem;
			rte_pktmbuf_attach(p, src);
			len = RTE_MIN(want, src->data_len - soff);
			p->data_off = src->data_off + soff;
			p->data_len = len;
			p->pkt_len = len;
			prev->next = p;
			prev = p;
			h->nb_segs++;
			h->pkt_len += len;
			soff += len;
			want -= len;
			left -= len;
		}
	}
	return n;
einval:
	for (i = 0; i < n; i++)
		rte_pktmbuf_free(out[i]);
	return -EINVAL;
enomem:
	for (i = 0; i < n; i++)
		rte_pktmbuf_free(out[i]);
	return -ENOMEM;
}

/*
 * Write the headers of the segments @p s made from @p m: lengths, IPv4
 * ID, sequence number, flags; then the checksums. librte_gso already
 * wrote some of these for IPv4; all are written here so that both IP
 * versions get the same.
 */
static void
finish_segments(const struct rte_mbuf *m, struct rte_mbuf **s, uint16_t n)
{
	uint16_t l3off = m->l2_len, l4off = m->l2_len + m->l3_len;
	const struct rte_ipv4_hdr *oip4;
	const struct rte_tcp_hdr *oth;
	struct rte_ipv4_hdr *ip4;
	struct rte_ipv6_hdr *ip6;
	struct rte_tcp_hdr *th;
	uint32_t seq;
	uint16_t id = 0, i;
	uint8_t fl;

	oth = rte_pktmbuf_mtod_offset(m, const struct rte_tcp_hdr *, l4off);
	seq = rte_be_to_cpu_32(oth->sent_seq);
	fl = oth->tcp_flags;
	if (m->ol_flags & RTE_MBUF_F_TX_IPV4) {
		oip4 = rte_pktmbuf_mtod_offset(
				m, const struct rte_ipv4_hdr *, l3off);
		id = rte_be_to_cpu_16(oip4->packet_id);
	}
	for (i = 0; i < n; i++) {
		th = rte_pktmbuf_mtod_offset(s[i], struct rte_tcp_hdr *, l4off);
		th->sent_seq = rte_cpu_to_be_32(seq);
		th->tcp_flags = fl;
		if (i > 0)
			th->tcp_flags &= ~RTE_TCP_CWR_FLAG;
		if (i + 1 < n)
			th->tcp_flags &= ~TCP_NOT_BEFORE_LAST;
		seq += s[i]->pkt_len - (l4off + m->l4_len);
		if (m->ol_flags & RTE_MBUF_F_TX_IPV4) {
			ip4 = rte_pktmbuf_mtod_offset(
					s[i], struct rte_ipv4_hdr *, l3off);
			ip4->total_length =
					rte_cpu_to_be_16(s[i]->pkt_len - l3off);
			ip4->packet_id = rte_cpu_to_be_16(id);
			id++;
		} else {
			ip6 = rte_pktmbuf_mtod_offset(
					s[i], struct rte_ipv6_hdr *, l3off);
			ip6->payload_len =
					rte_cpu_to_be_16(s[i]->pkt_len - l4off);
		}
		s[i]->ol_flags = m->ol_flags &
				~(RTE_MBUF_F_TX_TCP_SEG | MBUF_DATA_FLAGS);
		s[i]->tso_segsz = 0;
		complete_csum(s[i]);
	}
}

/*
 * Replace each chained segment by one mbuf with a copy of it, for a
 * receiver without multi_seg. All of @p s are freed on failure.
 */
static int
linearize(const struct mvt_offload_ctx *ctx, struct rte_mbuf **s, uint16_t n)
{
	struct rte_mbuf *d, *seg;
	uint16_t i, j;
	char *p;

	for (i = 0; i < n; i++) {
		if (s[i]->nb_segs == 1)
			continue;
		d = rte_pktmbuf_alloc(ctx->direct);
		if (d == NULL || rte_pktmbuf_tailroom(d) < s[i]->pkt_len) {
			rte_pktmbuf_free(d);
			for (j = 0; j < n; j++)
				rte_pktmbuf_free(s[j]);
			return -ENOMEM;
		}
		p = rte_pktmbuf_mtod(d, char *);
		for (seg = s[i]; seg != NULL; seg = seg->next) {
			rte_memcpy(p, rte_pktmbuf_mtod(seg, void *),
					seg->data_len);
			p += seg->data_len;
		}
		d->data_len = s[i]->pkt_len;
		d->pkt_len = s[i]->pkt_len;
		d->port = s[i]->port;
		d->ol_flags = s[i]->ol_flags & ~MBUF_DATA_FLAGS;
		d->packet_type = s[i]->packet_type;
		d->tx_offload = s[i]->tx_offload;
		rte_pktmbuf_free(s[i]);
		s[i] = d;
	}
	return 0;
}

/* Segment the super-frame @p m into @p out; the count or -errno. */
static int
segment(struct mvt_offload_ctx *ctx, struct rte_mbuf *m, uint16_t hdr,
		struct rte_mbuf **out, uint16_t nb_out)
{
	struct rte_gso_ctx g;
	uint64_t f = m->ol_flags;
	int n;

	/*
	 * librte_gso gives its header mbufs the frame's flags as they are:
	 * those of a frame in an external buffer would free what is not
	 * theirs. Such frames go through split(), as IPv6 ones do.
	 */
	if ((f & RTE_MBUF_F_TX_IPV4) && !RTE_MBUF_HAS_EXTBUF(m)) {
		memset(&g, 0, sizeof(g));
		g.direct_pool = ctx->direct;
		g.indirect_pool = ctx->indirect;
		g.gso_types = RTE_ETH_TX_OFFLOAD_TCP_TSO;
		g.gso_size = hdr + m->tso_segsz;
		g.flag = 0; /* IPv4 IDs increment */
		n = rte_gso_segment(m, &g, out, nb_out);
		/* it clears TCP_SEG on the input, which stays as it was */
		m->ol_flags = f;
		if (n == 0)
			n = -EINVAL;
	} else {
		n = split(m, hdr, m->tso_segsz, ctx, out, nb_out);
	}
	return n;
}

uint16_t
mvt_offload_fixup(struct mvt_offload_ctx *ctx, struct rte_mbuf *m,
		const struct mvt_offload_caps *c, struct rte_mbuf **out,
		uint16_t nb_out, enum mvt_drop_reason *why)
{
	struct mvt_offload_stats *st = mvt_offload_lcore_stats(ctx);
	uint32_t hdr, payload, nseg;
	uint64_t f = m->ol_flags;
	int n;

	if (!mvt_offload_needs(m, c)) {
		out[0] = m;
		return 1;
	}
	hdr = (uint32_t)m->l2_len + m->l3_len + m->l4_len;
	if (unlikely(m->pkt_len < hdr || m->data_len < hdr ||
			    (f & (RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IPV6)) ==
					    0)) {
		*why = MVT_DROP_OFFLOAD_BAD_HDR;
		return 0;
	}
	payload = m->pkt_len - hdr;
	if ((f & RTE_MBUF_F_TX_TCP_SEG) && payload > m->tso_segsz) {
		if (unlikely(m->tso_segsz == 0 || m->l4_len == 0)) {
			*why = MVT_DROP_OFFLOAD_BAD_HDR;
			return 0;
		}
		if (c->max_frame != 0 && hdr + m->tso_segsz > c->max_frame) {
			*why = MVT_DROP_MTU_EXCEEDED;
			return 0;
		}
		nseg = (payload + m->tso_segsz - 1) / m->tso_segsz;
		if (nseg > nb_out) {
			*why = MVT_DROP_OFFLOAD_BAD_MSS;
			return 0;
		}
		n = segment(ctx, m, hdr, out, nb_out);
		if (n > 0 && !c->multi_seg && linearize(ctx, out, n) != 0)
			n = -ENOMEM;
		if (n <= 0) {
			*why = n == -ENOMEM ? MVT_DROP_GSO_NO_MBUF
					    : MVT_DROP_OFFLOAD_BAD_HDR;
			return 0;
		}
		finish_segments(m, out, n);
		mvt_ctr_add(&st->segmented, 1);
		mvt_ctr_add(&st->segments, n);
		return n;
	}
	/* one frame: checksums only */
	if (c->max_frame != 0 && m->pkt_len > c->max_frame) {
		*why = MVT_DROP_MTU_EXCEEDED;
		return 0;
	}
	if (c->csum) {
		/* a super-frame that is one segment: no TSO needed */
		m->ol_flags &= ~RTE_MBUF_F_TX_TCP_SEG;
		m->tso_segsz = 0;
	} else {
		complete_csum(m);
		mvt_ctr_add(&st->csum_completed, 1);
	}
	out[0] = m;
	return 1;
}

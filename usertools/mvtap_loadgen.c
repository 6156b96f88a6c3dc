/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

/*
 * mvtap-loadgen: the open-loop guests of mvtap-bench in one process.
 *
 * Pair (the default): port 0 is guest A: it sends new frames to DST as
 * fast as its TX ring takes them, and frees what the ring refuses. Port 1
 * is guest B: it receives and frees.
 *
 * Wire (--wire): port 0 is a station on the wire, behind the switch's
 * lower device; ports 1..N-1 are guests. The station sends new frames as
 * fast as its ring takes them, to the --dst MACs in turn, and --broadcast
 * PCT of them (spread evenly) to ff:ff:ff:ff:ff:ff. The first --reflect
 * guests (default: all) send every unicast frame they receive back to
 * where it came from, addresses swapped, as testpmd's macswap does; the
 * others, and every guest for broadcasts, count and free. What comes back
 * to the station is counted and freed.
 *
 * One lcore polls every port, so that the station and the guests share a
 * CPU without taking turns in scheduler slices, which is what several
 * testpmd processes (txonly, rxonly, macswap) on one CPU do: while one
 * runs, nothing drains the others' rings. The counters are the ports'
 * ethdev statistics (telemetry /ethdev/stats,N).
 *
 * Usage: mvtap-loadgen EAL_ARGS -- --dst MAC [--txpkts LEN]
 *        mvtap-loadgen EAL_ARGS -- --wire --dst MAC[,MAC...]
 *                      [--reflect N] [--broadcast PCT] [--txpkts LEN]
 *                      [--ring N]
 * Frames are IPv4/UDP of LEN bytes without FCS (default 64), from the
 * MAC of port 0. --ring: the descriptors of port 0's queues (default 256),
 * which its virtio-user queue_size must give. Runs until SIGINT or SIGTERM.
 */

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#define LG_BURST 32
#define LG_RING 256
#define LG_RING_MAX 4096
#define LG_MAX_DST 64
#define LG_HDR (sizeof(struct rte_ether_hdr) + \
	sizeof(struct rte_ipv4_hdr) + sizeof(struct rte_udp_hdr))

/* What to send, and where. */
struct lg_conf {
	int wire;				/* --wire: station and guests */
	struct rte_ether_addr dst[LG_MAX_DST];	/* --dst, in turn */
	unsigned int ndst;
	unsigned int reflect;			/* guests that send back */
	unsigned int broadcast_pct;		/* share of broadcasts */
	uint16_t len;				/* frame length, no FCS */
	uint16_t ring;				/* --ring: port 0's descriptors */
};

static volatile sig_atomic_t quit;

static void
on_signal(int sig __rte_unused)
{
	quit = 1;
}

static int
port_init(uint16_t port, uint16_t ring, struct rte_mempool *mp)
{
	struct rte_eth_conf conf;
	int ret;

	memset(&conf, 0, sizeof(conf));
	ret = rte_eth_dev_configure(port, 1, 1, &conf);
	if (ret == 0)
		ret = rte_eth_rx_queue_setup(port, 0, ring,
			rte_eth_dev_socket_id(port), NULL, mp);
	if (ret == 0)
		ret = rte_eth_tx_queue_setup(port, 0, ring,
			rte_eth_dev_socket_id(port), NULL);
	if (ret == 0)
		ret = rte_eth_dev_start(port);
	return ret;
}

/* The frame every mbuf of port 0 starts with. */
static void
make_header(uint8_t *h, const struct rte_ether_addr *src,
	const struct rte_ether_addr *dst, uint16_t len)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)h;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);

	memset(h, 0, LG_HDR);
	rte_ether_addr_copy(dst, &eth->dst_addr);
	rte_ether_addr_copy(src, &eth->src_addr);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->total_length = rte_cpu_to_be_16(len - sizeof(*eth));
	ip->src_addr = rte_cpu_to_be_32(RTE_IPV4(198, 18, 0, 1));
	ip->dst_addr = rte_cpu_to_be_32(RTE_IPV4(198, 18, 0, 2));
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	udp->src_port = rte_cpu_to_be_16(1024);
	udp->dst_port = rte_cpu_to_be_16(1025);
	udp->dgram_len = rte_cpu_to_be_16(len - sizeof(*eth) - sizeof(*ip));
}

static void
usage(void)
{
	fprintf(stderr, "usage: mvtap-loadgen EAL_ARGS -- --dst MAC "
		"[--txpkts LEN]\n"
		"       mvtap-loadgen EAL_ARGS -- --wire --dst MAC[,MAC...] "
		"[--reflect N] [--broadcast PCT] [--txpkts LEN] [--ring N]\n");
}

/* --dst: one MAC, or (with --wire) a comma-separated list. */
static int
parse_dsts(char *arg, struct lg_conf *c)
{
	char *tok, *save = NULL;

	c->ndst = 0;
	for (tok = strtok_r(arg, ",", &save); tok != NULL;
			tok = strtok_r(NULL, ",", &save)) {
		if (c->ndst == LG_MAX_DST) {
			fprintf(stderr, "mvtap-loadgen: --dst: at most %d "
				"MACs\n", LG_MAX_DST);
			return -1;
		}
		if (rte_ether_unformat_addr(tok, &c->dst[c->ndst]) != 0) {
			fprintf(stderr, "mvtap-loadgen: --dst: %s is not a "
				"MAC\n", tok);
			return -1;
		}
		c->ndst++;
	}
	return c->ndst > 0 ? 0 : -1;
}

static int
parse_uint(const char *opt, const char *arg, unsigned long lo,
	unsigned long hi, unsigned long *v)
{
	char *end;

	*v = strtoul(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || *v < lo || *v > hi) {
		fprintf(stderr, "mvtap-loadgen: --%s: %lu to %lu, not %s\n",
			opt, lo, hi, arg);
		return -1;
	}
	return 0;
}

/* Send one burst of new frames on port 0 and free what its ring refuses.
 * In wire mode each frame gets the next destination, and broadcasts take
 * their share evenly: frame k is one when k * PCT / 100 steps up. */
static void
send_new(const struct lg_conf *c, struct rte_mempool *mp, const uint8_t *hdr,
	uint64_t *nframes, unsigned int *next_dst)
{
	static const struct rte_ether_addr bcast = {
		.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
	struct rte_mbuf *tx[LG_BURST];
	struct rte_ether_hdr *eth;
	uint64_t k;
	uint16_t i, sent;

	if (rte_pktmbuf_alloc_bulk(mp, tx, LG_BURST) != 0)
		return;
	for (i = 0; i < LG_BURST; i++) {
		tx[i]->data_len = c->len;
		tx[i]->pkt_len = c->len;
		eth = rte_pktmbuf_mtod(tx[i], struct rte_ether_hdr *);
		rte_memcpy(eth, hdr, LG_HDR);
		if (!c->wire)
			continue;
		k = (*nframes)++;
		if ((k + 1) * c->broadcast_pct / 100 !=
				k * c->broadcast_pct / 100) {
			rte_ether_addr_copy(&bcast, &eth->dst_addr);
			continue;
		}
		rte_ether_addr_copy(&c->dst[*next_dst], &eth->dst_addr);
		if (++*next_dst == c->ndst)
			*next_dst = 0;
	}
	sent = rte_eth_tx_burst(0, 0, tx, LG_BURST);
	if (sent < LG_BURST)
		rte_pktmbuf_free_bulk(&tx[sent], LG_BURST - sent);
}

/* Receive a burst on a port; with echo, send its unicast frames back on
 * the same port with the addresses swapped. Everything else is freed. */
static void
receive(uint16_t port, int echo)
{
	struct rte_mbuf *rx[LG_BURST], *back[LG_BURST], *drop[LG_BURST];
	struct rte_ether_addr a;
	struct rte_ether_hdr *eth;
	uint16_t i, n, nb = 0, nd = 0, sent;

	n = rte_eth_rx_burst(port, 0, rx, LG_BURST);
	if (n == 0)
		return;
	if (!echo) {
		rte_pktmbuf_free_bulk(rx, n);
		return;
	}
	for (i = 0; i < n; i++) {
		eth = rte_pktmbuf_mtod(rx[i], struct rte_ether_hdr *);
		if (rte_is_multicast_ether_addr(&eth->dst_addr)) {
			drop[nd++] = rx[i];
			continue;
		}
		rte_ether_addr_copy(&eth->dst_addr, &a);
		rte_ether_addr_copy(&eth->src_addr, &eth->dst_addr);
		rte_ether_addr_copy(&a, &eth->src_addr);
		back[nb++] = rx[i];
	}
	if (nd > 0)
		rte_pktmbuf_free_bulk(drop, nd);
	sent = nb ? rte_eth_tx_burst(port, 0, back, nb) : 0;
	if (sent < nb)
		rte_pktmbuf_free_bulk(&back[sent], nb - sent);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dst", required_argument, NULL, 'd' },
		{ "txpkts", required_argument, NULL, 'l' },
		{ "wire", no_argument, NULL, 'w' },
		{ "reflect", required_argument, NULL, 'r' },
		{ "broadcast", required_argument, NULL, 'b' },
		{ "ring", required_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	struct lg_conf c = { .len = 64, .reflect = UINT16_MAX,
		.ring = LG_RING };
	struct rte_ether_addr src;
	uint8_t hdr[LG_HDR];
	struct rte_mempool *mp;
	unsigned int next_dst = 0;
	uint64_t nframes = 0;
	unsigned long v;
	uint16_t p, nports;
	int ret, opt;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "mvtap-loadgen: EAL init failed\n");
		return 1;
	}
	argc -= ret;
	argv += ret;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			if (parse_dsts(optarg, &c) != 0) {
				usage();
				return 2;
			}
			break;
		case 'l':
			if (parse_uint("txpkts", optarg, LG_HDR,
					RTE_ETHER_MAX_LEN - RTE_ETHER_CRC_LEN,
					&v) != 0)
				return 2;
			c.len = (uint16_t)v;
			break;
		case 'w':
			c.wire = 1;
			break;
		case 'r':
			if (parse_uint("reflect", optarg, 0, RTE_MAX_ETHPORTS,
					&v) != 0)
				return 2;
			c.reflect = (unsigned int)v;
			break;
		case 'b':
			if (parse_uint("broadcast", optarg, 0, 100, &v) != 0)
				return 2;
			c.broadcast_pct = (unsigned int)v;
			break;
		case 'q':
			if (parse_uint("ring", optarg, LG_BURST, LG_RING_MAX,
					&v) != 0)
				return 2;
			c.ring = (uint16_t)v;
			break;
		default:
			usage();
			return 2;
		}
	}
	nports = rte_eth_dev_count_avail();
	if (c.ndst == 0 || (!c.wire && (nports != 2 || c.ndst != 1)) ||
			(c.wire && nports < 2)) {
		usage();
		fprintf(stderr, "mvtap-loadgen: needs --dst and two ports "
			"(--vdev), or with --wire one MAC or more and a station "
			"and guests\n");
		return 2;
	}
	/* every RX ring full, and as much again in flight */
	mp = rte_pktmbuf_pool_create("loadgen",
		2 * LG_RING * (nports - 1) + 2 * c.ring + 4096,
		256, 0, RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	if (mp == NULL) {
		fprintf(stderr, "mvtap-loadgen: no mbuf pool\n");
		return 1;
	}
	for (p = 0; p < nports; p++) {
		if (port_init(p, p == 0 ? c.ring : LG_RING, mp) != 0) {
			fprintf(stderr, "mvtap-loadgen: port %u setup failed\n",
				p);
			return 1;
		}
	}
	rte_eth_macaddr_get(0, &src);
	make_header(hdr, &src, &c.dst[0], c.len);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (c.wire)
		printf("mvtap-loadgen: sending %u-byte frames from port 0 to "
			"%u MACs, %u %% broadcast; %u guests, %u of them "
			"sending back\n", c.len, c.ndst, c.broadcast_pct,
			nports - 1, RTE_MIN(c.reflect, nports - 1u));
	else
		printf("mvtap-loadgen: sending %u-byte frames from port 0 to "
			RTE_ETHER_ADDR_PRT_FMT ", receiving on port 1\n", c.len,
			RTE_ETHER_ADDR_BYTES(&c.dst[0]));
	fflush(stdout);
	while (!quit) {
		send_new(&c, mp, hdr, &nframes, &next_dst);
		for (p = 1; p < nports; p++)
			receive(p, c.wire && p <= c.reflect);
		/* what comes back to port 0 is counted and freed */
		receive(0, 0);
	}
	for (p = 0; p < nports; p++) {
		rte_eth_dev_stop(p);
		rte_eth_dev_close(p);
	}
	rte_eal_cleanup();
	return 0;
}

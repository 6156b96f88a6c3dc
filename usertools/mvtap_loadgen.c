/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

/*
 * mvtap-loadgen: the open-loop guests of mvtap-bench in one process.
 *
 * Port 0 is guest A: it sends new frames to DST as fast as its TX ring
 * takes them, and frees what the ring refuses. Port 1 is guest B: it
 * receives and frees. One lcore polls both, so that A and B share a CPU
 * without taking turns in scheduler slices, which is what two testpmd
 * processes (txonly and rxonly) on one CPU do: while one runs, nothing
 * drains the other's ring. The counters are the ports' ethdev statistics
 * (telemetry /ethdev/stats,N).
 *
 * Usage: mvtap-loadgen EAL_ARGS -- --dst MAC [--txpkts LEN]
 * Frames are IPv4/UDP of LEN bytes without FCS (default 64), from the
 * MAC of port 0. Runs until SIGINT or SIGTERM.
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
#define LG_MBUFS 8191
#define LG_HDR (sizeof(struct rte_ether_hdr) + \
	sizeof(struct rte_ipv4_hdr) + sizeof(struct rte_udp_hdr))

static volatile sig_atomic_t quit;

static void
on_signal(int sig __rte_unused)
{
	quit = 1;
}

static int
port_init(uint16_t port, struct rte_mempool *mp)
{
	struct rte_eth_conf conf;
	int ret;

	memset(&conf, 0, sizeof(conf));
	ret = rte_eth_dev_configure(port, 1, 1, &conf);
	if (ret == 0)
		ret = rte_eth_rx_queue_setup(port, 0, LG_RING,
			rte_eth_dev_socket_id(port), NULL, mp);
	if (ret == 0)
		ret = rte_eth_tx_queue_setup(port, 0, LG_RING,
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
		"[--txpkts LEN]\n");
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dst", required_argument, NULL, 'd' },
		{ "txpkts", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	struct rte_mbuf *tx[LG_BURST], *rx[LG_BURST];
	struct rte_ether_addr src, dst;
	uint8_t hdr[LG_HDR];
	struct rte_mempool *mp;
	unsigned long len = 64;
	uint16_t i, n, sent;
	int ret, c, have_dst = 0;
	char *end;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "mvtap-loadgen: EAL init failed\n");
		return 1;
	}
	argc -= ret;
	argv += ret;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (rte_ether_unformat_addr(optarg, &dst) != 0) {
				usage();
				return 2;
			}
			have_dst = 1;
			break;
		case 'l':
			len = strtoul(optarg, &end, 10);
			if (*end != '\0' || len < LG_HDR ||
					len > RTE_ETHER_MAX_LEN - RTE_ETHER_CRC_LEN) {
				fprintf(stderr, "mvtap-loadgen: --txpkts: %zu "
					"to %u\n", LG_HDR,
					RTE_ETHER_MAX_LEN - RTE_ETHER_CRC_LEN);
				return 2;
			}
			break;
		default:
			usage();
			return 2;
		}
	}
	if (!have_dst || rte_eth_dev_count_avail() != 2) {
		usage();
		fprintf(stderr, "mvtap-loadgen: needs --dst and two ports "
			"(--vdev)\n");
		return 2;
	}
	mp = rte_pktmbuf_pool_create("loadgen", LG_MBUFS, 256, 0,
		RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	if (mp == NULL || port_init(0, mp) != 0 || port_init(1, mp) != 0) {
		fprintf(stderr, "mvtap-loadgen: port setup failed\n");
		return 1;
	}
	rte_eth_macaddr_get(0, &src);
	make_header(hdr, &src, &dst, (uint16_t)len);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf("mvtap-loadgen: sending %lu-byte frames from port 0 to "
		RTE_ETHER_ADDR_PRT_FMT ", receiving on port 1\n", len,
		RTE_ETHER_ADDR_BYTES(&dst));
	fflush(stdout);
	while (!quit) {
		if (rte_pktmbuf_alloc_bulk(mp, tx, LG_BURST) == 0) {
			for (i = 0; i < LG_BURST; i++) {
				tx[i]->data_len = (uint16_t)len;
				tx[i]->pkt_len = (uint32_t)len;
				rte_memcpy(rte_pktmbuf_mtod(tx[i], void *), hdr,
					LG_HDR);
			}
			sent = rte_eth_tx_burst(0, 0, tx, LG_BURST);
			if (sent < LG_BURST)
				rte_pktmbuf_free_bulk(&tx[sent],
					LG_BURST - sent);
		}
		n = rte_eth_rx_burst(1, 0, rx, LG_BURST);
		if (n > 0)
			rte_pktmbuf_free_bulk(rx, n);
		/* anything sent back to A is dropped too */
		n = rte_eth_rx_burst(0, 0, rx, LG_BURST);
		if (n > 0)
			rte_pktmbuf_free_bulk(rx, n);
	}
	for (i = 0; i < 2; i++) {
		rte_eth_dev_stop(i);
		rte_eth_dev_close(i);
	}
	rte_eal_cleanup();
	return 0;
}

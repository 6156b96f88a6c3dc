/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

/*
 * pipeline_perf_autotest: what the pipeline itself costs per frame --
 * classification, decision, policy stage and dispatch, run by the real
 * mvt_worker_process() -- without the vhost copies, which dominate an
 * end-to-end figure and make it noisy. Like DPDK's *_perf_autotest it
 * prints figures and asserts only that the frames went where they should:
 * timing goals belong to usertools/mvtap-bench, not to a pass/fail test.
 *
 * Each case sends bursts of MVT_BURST 64-byte frames from endpoint A to
 * endpoint B (bridge mode), as the benchmark's generator does; B's
 * vhost-user device is not connected, so dispatch ends in a counted
 * not_ready drop and a bulk free instead of a copy into guest memory. The
 * cost of allocating and filling the frames is measured on its own, in
 * the same run, and subtracted. The cases mirror mvtap-bench's matrix:
 * 2 or 256 endpoints, no policy or 256 (A's and B's "out", the others
 * "both", at a rate no test reaches), and the same from the wire to A.
 *
 *   mvtap-test --no-huge -m 256 --no-pci -l 0 -- pipeline_perf_autotest
 *
 * MVT_PERF_BURSTS=N sets the bursts per round (e.g. a few hundred under
 * valgrind --tool=callgrind, for instruction counts).
 */

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "mvt_capture.h"
#include "mvt_common.h"
#include "mvt_mactable.h"
#include "mvt_mirror.h"
#include "mvt_policy.h"
#include "mvt_port.h"
#include "mvt_worker.h"
#include "test.h"

#define PERF_EPS_MAX 256
#define PERF_POLICIES 256
#define PERF_BURSTS_DEFAULT 20000	/* per round: 640k frames */
#define PERF_ROUNDS 5
#define PERF_FRAME_LEN 64

/* MAC keys (mvt_common.h) from the bytes, most significant first */
static uint64_t
mac_key(uint64_t v)
{
	uint8_t b[6];
	unsigned int i;

	for (i = 0; i < 6; i++)
		b[i] = (uint8_t)(v >> (8 * (5 - i)));
	return mvt_mac_load6(b);
}

#define MAC_A mac_key(0x525400000001ULL) /* as mvtap-bench's generator */
#define MAC_B mac_key(0x525400000002ULL)
#define MAC_WIRE mac_key(0x020000aa0001ULL)

static struct {
	struct rte_mempool *mp;
	struct mvt_port lower;
	struct rte_ring *rx, *tx;
	struct mvt_policy *pol[PERF_POLICIES];
	unsigned int n_pol;
	struct mvt_ep_table *tbl;
	struct mvt_lcore_stats *stats;
	struct mvt_dp dp;
	struct mvt_worker *w;
	unsigned int bursts;	/* per round */
} p;

static uint64_t
ep_mac(unsigned int i)
{
	if (i == 0)
		return MAC_A;
	if (i == 1)
		return MAC_B;
	return mac_key(0x525400000000ULL | (uint64_t)(1 + i / 256) << 8 |
		(i % 256));
}

static void
world_free(void)
{
	unsigned int i;

	mvt_worker_free(p.w);
	p.w = NULL;
	mvt_mactable_free(p.dp.mt);
	p.dp.mt = NULL;
	for (i = 0; i < p.n_pol; i++)
		mvt_policy_free(p.pol[i]);
	p.n_pol = 0;
	rte_free(p.tbl);
	p.tbl = NULL;
	rte_free(p.stats);
	p.stats = NULL;
}

/* A switch of @p n_eps bridge endpoints with @p n_pol policies. */
static int
world_build(unsigned int n_eps, unsigned int n_pol)
{
	struct mvt_policy_conf pc;
	char err[MVT_ERR_MAX];
	unsigned int i;
	uint64_t mac;
	int ret;

	p.dp.mt = mvt_mactable_create("perf_macs", 4096, rte_socket_id(),
		p.dp.qsbr);
	p.tbl = rte_zmalloc("perf_eps", sizeof(*p.tbl), RTE_CACHE_LINE_SIZE);
	p.stats = rte_zmalloc("perf_stats", sizeof(*p.stats),
		RTE_CACHE_LINE_SIZE);
	TEST_ASSERT(p.dp.mt != NULL && p.tbl != NULL && p.stats != NULL,
		"cannot allocate the tables");
	p.tbl->n_eps = (uint16_t)n_eps;
	for (i = 0; i < n_eps; i++) {
		p.tbl->ep[i].mac = ep_mac(i);
		p.tbl->ep[i].mode = MVT_MODE_BRIDGE;
		p.tbl->ep[i].up = 1;
		p.tbl->ep[i].mc_all = 1;
		ret = mvt_mactable_set_owner(p.dp.mt, ep_mac(i), (uint16_t)i);
		TEST_ASSERT_SUCCESS(ret, "owner of endpoint %u", i);
	}
	/* as mvtap-bench: A and B meter what they send, the rest both ways */
	for (i = 0; i < n_pol; i++) {
		mvt_policy_conf_init(&pc);
		mac = i < n_eps ? ep_mac(i) :
			mac_key(0x020000100000ULL | (i - n_eps));
		snprintf(pc.name, sizeof(pc.name), "p%u", i);
		pc.mac = mac;
		pc.rate_kbps = MVT_POLICY_RATE_MAX;
		pc.dir = i < 2 ? MVT_POLICY_DIR_OUT : MVT_POLICY_DIR_BOTH;
		p.pol[i] = mvt_policy_create(&pc, rte_get_tsc_hz(), err,
			sizeof(err));
		TEST_ASSERT_NOT_NULL(p.pol[i], "policy %u: %s", i, err);
		p.n_pol = i + 1;
		ret = 0;
		if (pc.dir != MVT_POLICY_DIR_OUT)
			ret = mvt_mactable_set_policy(p.dp.mt, mac,
				MVT_POLICY_DIR_IN, p.pol[i]);
		if (ret == 0)
			ret = mvt_mactable_set_policy(p.dp.mt, mac,
				MVT_POLICY_DIR_OUT, p.pol[i]);
		TEST_ASSERT_SUCCESS(ret, "policy %u in the MAC table", i);
	}
	/* every policy meters by source (out or both) */
	mvt_ep_table_derive(p.tbl, n_pol, n_pol);
	p.dp.tbl = p.tbl;
	p.w = mvt_worker_create(&p.dp, 0, rte_lcore_id(), p.stats);
	TEST_ASSERT_NOT_NULL(p.w, "cannot create the worker");
	return TEST_SUCCESS;
}

/* A burst of 64-byte frames from @p src to @p dst. */
static int
burst_fill(struct rte_mbuf **pkts, uint64_t dst, uint64_t src)
{
	uint8_t *d;
	unsigned int i;

	if (rte_pktmbuf_alloc_bulk(p.mp, pkts, MVT_BURST) != 0)
		return -1;
	for (i = 0; i < MVT_BURST; i++) {
		d = (uint8_t *)rte_pktmbuf_append(pkts[i], PERF_FRAME_LEN);
		mvt_mac_store6(dst, d);
		mvt_mac_store6(src, d + 6);
		d[12] = 0x08;
		d[13] = 0x00;
	}
	return 0;
}

/* Cycles per frame of PERF_ROUNDS x p.bursts bursts, the best round. */
static double
measure(uint16_t ingress, uint64_t dst, uint64_t src, int process)
{
	struct rte_mbuf *pkts[MVT_BURST];
	uint64_t t0, best = UINT64_MAX;
	unsigned int r, b;

	for (r = 0; r < PERF_ROUNDS; r++) {
		t0 = rte_rdtsc_precise();
		for (b = 0; b < p.bursts; b++) {
			if (burst_fill(pkts, dst, src) != 0)
				return -1;
			if (process)
				mvt_worker_process(p.w, p.tbl, ingress, pkts,
					MVT_BURST);
			else
				rte_pktmbuf_free_bulk(pkts, MVT_BURST);
		}
		best = RTE_MIN(best, rte_rdtsc_precise() - t0);
	}
	return (double)best / ((double)p.bursts * MVT_BURST);
}

/* What watches B: nothing, a capture of what it is sent, a mirror of it. */
enum perf_watch { WATCH_NONE, WATCH_CAPTURE, WATCH_MIRROR };

struct perf_case {
	const char *name;
	unsigned int eps;
	unsigned int policies;
	int from_wire;
	enum perf_watch watch;
};

static const struct perf_case cases[] = {
	{ "bridge A->B, 2 endpoints", 2, 0, 0 },
	{ "bridge A->B, 256 endpoints", 256, 0, 0 },
	{ "bridge A->B, 2 endpoints, 256 policies", 2, PERF_POLICIES, 0 },
	{ "bridge A->B, 256 endpoints, 256 policies", 256, PERF_POLICIES, 0 },
	{ "wire->A, 2 endpoints", 2, 0, 1 },
	{ "wire->A, 2 endpoints, 256 policies", 2, PERF_POLICIES, 1 },
	/* B's output watched: a capture (to /dev/null), a mirror to C */
	{ "bridge A->B, B captured", 3, 0, 0, WATCH_CAPTURE },
	{ "bridge A->B, B mirrored to C", 3, 0, 0, WATCH_MIRROR },
};

static struct mvt_capture *
capture_b(void)
{
	char err[MVT_ERR_MAX];
	struct mvt_capture_params cp = {
		.port = "B",
		.dirs = MVT_CAPTURE_OUT,
		.fd = open("/dev/null", O_WRONLY),
		.tsc_hz = rte_get_tsc_hz(),
		.socket = (int)rte_socket_id(),
	};
	struct mvt_capture *cap = mvt_capture_create(&cp, err, sizeof(err));

	if (cap == NULL)
		printf("  capture: %s\n", err);
	return cap;
}

static int
perf_run(void)
{
	double base, cost, first = 0;
	const struct perf_case *c;
	uint64_t want, got;
	struct mvt_port_counters *ctr, mc;
	struct mvt_capture_stats cs;
	struct mvt_capture *cap;
	struct mvt_mirror *mir;
	char note[96];
	unsigned int i;
	uint16_t in, out;

	printf("pipeline cycles per 64-byte frame at %" PRIu64 " MHz "
		"(best of %u rounds of %u bursts of %u; frame alloc and fill "
		"subtracted)\n", rte_get_tsc_hz() / 1000000, PERF_ROUNDS,
		p.bursts, MVT_BURST);
	for (i = 0; i < RTE_DIM(cases); i++) {
		c = &cases[i];
		TEST_ASSERT_SUCCESS(world_build(c->eps, c->policies),
			"cannot build case %s", c->name);
		in = c->from_wire ? MVT_INGRESS_LOWER : 0;
		out = c->from_wire ? 0 : 1;
		cap = c->watch == WATCH_CAPTURE ? capture_b() : NULL;
		mir = c->watch == WATCH_MIRROR ? mvt_mirror_create(0,
			MVT_MIRROR_OUT, &p.dp.ports[2]) : NULL;
		TEST_ASSERT((c->watch == WATCH_CAPTURE) == (cap != NULL) &&
			(c->watch == WATCH_MIRROR) == (mir != NULL),
			"%s: cannot set up the watch", c->name);
		p.dp.ports[1].capture = cap;
		p.dp.ports[1].mirror = mir;
		base = measure(in, c->from_wire ? MAC_A : MAC_B,
			c->from_wire ? MAC_WIRE : MAC_A, 0);
		cost = measure(in, c->from_wire ? MAC_A : MAC_B,
			c->from_wire ? MAC_WIRE : MAC_A, 1);
		TEST_ASSERT(base > 0 && cost > 0, "out of mbufs");
		/* every frame reached B, which is not connected: not_ready */
		want = (uint64_t)PERF_ROUNDS * p.bursts * MVT_BURST;
		ctr = &p.stats->port[out];
		got = ctr->drops[MVT_DROP_NOT_READY];
		TEST_ASSERT_EQUAL(got, want, "%s: copies to the destination",
			c->name);
		note[0] = '\0';
		p.dp.ports[1].capture = NULL;
		p.dp.ports[1].mirror = NULL;
		if (mir != NULL) {
			mvt_mirror_read(mir, &mc);
			TEST_ASSERT_EQUAL(mc.drops[MVT_DROP_NOT_READY], want,
				"%s: a mirror copy of each frame", c->name);
			mvt_mirror_free(mir);
		}
		if (cap != NULL) {
			TEST_ASSERT_SUCCESS(mvt_capture_destroy(cap, &cs),
				"%s: capture", c->name);
			TEST_ASSERT_EQUAL(cs.seen, want, "%s: offered",
				c->name);
			TEST_ASSERT_EQUAL(cs.queued + cs.ring_full + cs.no_mbuf,
				want, "%s: every copy counted", c->name);
			snprintf(note, sizeof(note), "  %.0f %% of the copies "
				"lost (ring full)", 100.0 * (double)(cs.ring_full +
				cs.no_mbuf) / (double)want);
		}
		if (i == 0)
			first = cost - base;
		printf("  %-44s %7.1f  (%.2fx)%s\n", c->name, cost - base,
			(cost - base) / first, note);
		world_free();
	}
	return TEST_SUCCESS;
}

static int
perf_setup(void)
{
	char err[MVT_ERR_MAX];
	const char *env;

	env = getenv("MVT_PERF_BURSTS");
	p.bursts = env != NULL ? (unsigned int)strtoul(env, NULL, 10) : 0;
	if (p.bursts == 0)
		p.bursts = PERF_BURSTS_DEFAULT;
	p.mp = rte_pktmbuf_pool_create("perf_mbufs", 4095, 256, 0,
		RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	TEST_ASSERT_NOT_NULL(p.mp, "cannot create the mbuf pool");
	TEST_ASSERT_SUCCESS(mvt_dp_init(&p.dp, "perf", 1, 4096, p.mp),
		"cannot set up the data path");
	/* each world brings its own MAC table */
	mvt_mactable_free(p.dp.mt);
	p.dp.mt = NULL;
	/* the lower: a ring port nothing is sent to in these cases */
	p.rx = rte_ring_create("perf_rx", 1024, rte_socket_id(),
		RING_F_SP_ENQ | RING_F_SC_DEQ);
	p.tx = rte_ring_create("perf_tx", 1024, rte_socket_id(),
		RING_F_SP_ENQ | RING_F_SC_DEQ);
	TEST_ASSERT(p.rx != NULL && p.tx != NULL, "cannot create the rings");
	TEST_ASSERT(rte_eth_from_rings("perf_lower", &p.rx, 1, &p.tx, 1,
		rte_socket_id()) >= 0, "cannot create the ring port");
	TEST_ASSERT_SUCCESS(mvt_port_open_ethdev(&p.lower, "--lower",
		"net_ring_perf_lower", 1, MVT_MTU, p.mp, err, sizeof(err)), "%s", err);
	p.dp.lower = &p.lower;
	return TEST_SUCCESS;
}

static int
test_pipeline_perf(void)
{
	int ret;

	ret = perf_setup();
	if (ret == TEST_SUCCESS)
		ret = perf_run();
	world_free();
	return ret;
}

REGISTER_TEST_COMMAND(pipeline_perf_autotest, test_pipeline_perf);

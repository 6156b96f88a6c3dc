/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

/*
 * scale_perf_autotest: what the write state that workers would share on
 * a larger machine costs, measured on two lcores -- the figures the
 * scaling section of doc/guides/performance.rst builds on. Each case runs
 * the same loop on both lcores at once and prints cycles per operation on
 * each; like DPDK's *_perf_autotest it asserts only that the operations
 * did what they should (no increment lost, every pointer handed over).
 *
 *   own counter        each lcore adds to its own cache line, as the
 *                      per-lcore counters of lib/stats do
 *   counters, 1 line   each lcore adds to its own counter, both counters
 *                      in one cache line (false sharing)
 *   atomic counter     both add to one counter with an atomic add
 *   spinlock, alone    one lcore takes and releases a lock nobody else
 *                      wants (the other waits): the price of the lock
 *                      itself, as a meter's or a shared TX queue's
 *   spinlock, shared   both take one lock around one addition
 *   locks, 1 line      each lcore its own lock, both locks in one cache
 *                      line, as TX queue locks packed 16 to a line
 *   ring handoff       lcore A enqueues bursts of 32 hand-over elements
 *                      (struct mvt_handoff, as the workers use) into a
 *                      single-producer single-consumer ring that lcore B
 *                      drains: handing frames to the worker that fills a
 *                      guest's receive queue
 *
 *   mvtap-test --no-huge -m 256 --no-pci -l 0-1 -- scale_perf_autotest
 */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_pause.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>
#include <rte_spinlock.h>

#include "mvt_dp.h"
#include "test.h"

#define SCALE_OPS 4000000u
#define SCALE_BURST 32u

enum scale_case {
	OWN_COUNTER,
	COUNTERS_ONE_LINE,
	ATOMIC_COUNTER,
	LOCK_ALONE,
	LOCK_SHARED,
	LOCKS_ONE_LINE,
	RING_HANDOFF,
	N_CASES,
};

static const char *const case_names[N_CASES] = {
	"own counter", "counters, 1 line", "atomic counter",
	"spinlock, alone", "spinlock, shared", "locks, 1 line",
	"ring handoff",
};

static struct {
	struct {
		uint64_t v;
	} __rte_cache_aligned own[2];
	/* two counters, two locks, in one line each */
	struct {
		uint64_t v[2];
		rte_spinlock_t lock[2];
	} __rte_cache_aligned line;
	uint64_t atomic __rte_cache_aligned;
	rte_spinlock_t lock __rte_cache_aligned;
	uint64_t locked_sum;
	struct rte_ring *ring;
	uint64_t ring_out;
	enum scale_case c;
	uint32_t go __rte_cache_aligned;
	uint64_t cycles[2];
} s;

/* A plain add, as mvt_ctr_add(): one writer, readers may see it late. */
static inline void
add_relaxed(uint64_t *p)
{
	__atomic_store_n(p, __atomic_load_n(p, __ATOMIC_RELAXED) + 1,
		__ATOMIC_RELAXED);
}

static void
ring_side(unsigned int me)
{
	struct mvt_handoff objs[SCALE_BURST];
	uint64_t moved = 0;
	unsigned int i, n, want;

	memset(objs, 0, sizeof(objs));
	for (i = 0; i < SCALE_BURST; i++) {
		objs[i].m = (struct rte_mbuf *)(uintptr_t)(i + 1);
		objs[i].id = (uint16_t)i;
	}
	while (moved < SCALE_OPS) {
		want = RTE_MIN(SCALE_BURST, (unsigned int)(SCALE_OPS - moved));
		if (me == 0)
			n = rte_ring_sp_enqueue_burst_elem(s.ring, objs,
				sizeof(objs[0]), want, NULL);
		else
			n = rte_ring_sc_dequeue_burst_elem(s.ring, objs,
				sizeof(objs[0]), want, NULL);
		if (n == 0)
			rte_pause();
		moved += n;
	}
	if (me == 1)
		s.ring_out = moved;
}

/* One lcore's share of the current case; @p me is 0 or 1. */
static void
run_side(unsigned int me)
{
	uint64_t t0;
	uint32_t i;

	/* both start together */
	__atomic_fetch_add(&s.go, 1, __ATOMIC_ACQ_REL);
	while (__atomic_load_n(&s.go, __ATOMIC_ACQUIRE) < 2)
		rte_pause();
	t0 = rte_rdtsc_precise();
	switch (s.c) {
	case OWN_COUNTER:
		for (i = 0; i < SCALE_OPS; i++)
			add_relaxed(&s.own[me].v);
		break;
	case COUNTERS_ONE_LINE:
		for (i = 0; i < SCALE_OPS; i++)
			add_relaxed(&s.line.v[me]);
		break;
	case ATOMIC_COUNTER:
		for (i = 0; i < SCALE_OPS; i++)
			__atomic_fetch_add(&s.atomic, 1, __ATOMIC_RELAXED);
		break;
	case LOCK_ALONE:
		if (me == 1)
			break;
		for (i = 0; i < SCALE_OPS; i++) {
			rte_spinlock_lock(&s.lock);
			s.locked_sum++;
			rte_spinlock_unlock(&s.lock);
		}
		break;
	case LOCK_SHARED:
		for (i = 0; i < SCALE_OPS; i++) {
			rte_spinlock_lock(&s.lock);
			s.locked_sum++;
			rte_spinlock_unlock(&s.lock);
		}
		break;
	case LOCKS_ONE_LINE:
		for (i = 0; i < SCALE_OPS; i++) {
			rte_spinlock_lock(&s.line.lock[me]);
			s.line.v[me]++;
			rte_spinlock_unlock(&s.line.lock[me]);
		}
		break;
	case RING_HANDOFF:
		ring_side(me);
		break;
	default:
		break;
	}
	s.cycles[me] = rte_rdtsc_precise() - t0;
}

static int
worker_main(void *arg)
{
	RTE_SET_USED(arg);
	run_side(1);
	return 0;
}

static int
test_scale_perf(void)
{
	uint64_t want;
	unsigned int lc;
	int c;

	lc = rte_get_next_lcore(rte_lcore_id(), 1, 0);
	TEST_ASSERT(lc < RTE_MAX_LCORE,
		"scale_perf_autotest needs two lcores (-l 0-1)");
	s.ring = rte_ring_create_elem("scale_perf", sizeof(struct mvt_handoff),
		MVT_HANDOFF_RING, rte_socket_id(),
		RING_F_SP_ENQ | RING_F_SC_DEQ | RING_F_EXACT_SZ);
	TEST_ASSERT_NOT_NULL(s.ring, "ring");
	rte_spinlock_init(&s.lock);
	rte_spinlock_init(&s.line.lock[0]);
	rte_spinlock_init(&s.line.lock[1]);
	printf("%-18s %14s %14s\n", "case", "cycles/op, A", "cycles/op, B");
	for (c = 0; c < N_CASES; c++) {
		s.c = (enum scale_case)c;
		s.go = 0;
		s.own[0].v = s.own[1].v = 0;
		s.line.v[0] = s.line.v[1] = 0;
		s.atomic = 0;
		s.locked_sum = 0;
		s.ring_out = 0;
		TEST_ASSERT_SUCCESS(rte_eal_remote_launch(worker_main, NULL,
			lc), "launch");
		run_side(0);
		rte_eal_wait_lcore(lc);
		if (c == LOCK_ALONE)
			printf("%-18s %14.1f %14s\n", case_names[c],
				(double)s.cycles[0] / SCALE_OPS, "-");
		else
			printf("%-18s %14.1f %14.1f\n", case_names[c],
				(double)s.cycles[0] / SCALE_OPS,
				(double)s.cycles[1] / SCALE_OPS);
		switch (s.c) {
		case OWN_COUNTER:
			want = s.own[0].v + s.own[1].v;
			break;
		case COUNTERS_ONE_LINE:
		case LOCKS_ONE_LINE:
			want = s.line.v[0] + s.line.v[1];
			break;
		case ATOMIC_COUNTER:
			want = s.atomic;
			break;
		case LOCK_ALONE:
			want = 2 * s.locked_sum;
			break;
		case LOCK_SHARED:
			want = s.locked_sum;
			break;
		default:
			want = 2 * s.ring_out;
			break;
		}
		TEST_ASSERT_EQUAL(want, 2 * (uint64_t)SCALE_OPS,
			"%s: an operation was lost", case_names[c]);
	}
	rte_ring_free(s.ring);
	printf("TSC %" PRIu64 " Hz\n", rte_get_tsc_hz());
	return TEST_SUCCESS;
}

REGISTER_TEST_COMMAND(scale_perf_autotest, test_scale_perf);

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

/*
 * The poll scheduler (mvt_pollsched.h) driven as the worker loop drives
 * it, against a model of which queues have frames: which entries are
 * polled in each loop, when an entry goes idle and comes back, and that
 * no queue with frames waits longer than the sweep allows.
 */

#include <stdio.h>
#include <string.h>

#include <rte_malloc.h>

#include "mvt_pollsched.h"
#include "test.h"

#define N 40

static struct mvt_sched *s;
static uint16_t frames[N];	/* what each queue holds */
static unsigned int polled[N];	/* polls of each entry in the last loop */

/* A poll: takes up to 32 of the queue's frames. */
static uint16_t
poll(uint16_t idx)
{
	uint16_t n = RTE_MIN(frames[idx], 32);

	polled[idx]++;
	frames[idx] -= n;
	return n;
}

/* One worker loop. */
static uint64_t
loop(void)
{
	uint64_t moved = 0;
	uint16_t j, k, n;

	memset(polled, 0, sizeof(polled));
	for (j = 0; j < s->n_busy; ) {
		n = poll(s->busy[j]);
		moved += n;
		j = mvt_sched_busy_done(s, j, n);
	}
	for (k = mvt_sched_idle_budget(s); k > 0 && s->n_idle > 0; k--) {
		n = poll(mvt_sched_idle_next(s));
		moved += n;
		mvt_sched_idle_done(s, n);
	}
	return moved;
}

static unsigned int
count_polled(void)
{
	unsigned int i, c = 0;

	for (i = 0; i < N; i++)
		c += polled[i] > 0;
	return c;
}

static int
test_pollsched(void)
{
	unsigned int i, l, waited;

	s = rte_zmalloc("test_sched", sizeof(*s), 0);
	TEST_ASSERT_NOT_NULL(s, "cannot allocate the state");
	memset(frames, 0, sizeof(frames));

	/* a new list: every entry busy, polled every loop */
	mvt_sched_reset(s, 1, N);
	for (l = 0; l < MVT_POLL_IDLE_AFTER - 1; l++) {
		frames[0] = 32;	/* entry 0 always has frames */
		loop();
		TEST_ASSERT_EQUAL(count_polled(), N, "loop %u: all polled", l);
	}
	TEST_ASSERT_EQUAL(s->n_busy, N, "still all busy after %u empty polls",
		MVT_POLL_IDLE_AFTER - 1);

	/* the 64th empty poll in a row: all but entry 0 go idle */
	frames[0] = 32;
	loop();
	TEST_ASSERT_EQUAL(count_polled(), N, "the last loop polled all");
	TEST_ASSERT_EQUAL(s->n_busy, 1, "only entry 0 busy");
	TEST_ASSERT_EQUAL(s->busy[0], 0, "entry 0 is the busy one");
	TEST_ASSERT_EQUAL(s->n_idle, N - 1, "the others idle");

	/* while frames move: entry 0 and MVT_POLL_IDLE_SWEEP idle ones */
	for (l = 0; l < 30; l++) {
		frames[0] = 32;
		loop();
		TEST_ASSERT_EQUAL(polled[0], 1, "loop %u: entry 0", l);
		TEST_ASSERT_EQUAL(count_polled(), 1 + MVT_POLL_IDLE_SWEEP,
			"loop %u: the sweep", l);
	}

	/* a loop that moves nothing sweeps no more than one that does */
	loop();
	TEST_ASSERT_EQUAL(count_polled(), 1 + MVT_POLL_IDLE_SWEEP,
		"an idle loop: the sweep only");

	/*
	 * A queue of an idle entry fills while the worker is busy: it is
	 * polled within ceil(n_idle / SWEEP) loops, then busy.
	 */
	frames[17] = 100;
	for (waited = 0; frames[17] == 100; waited++) {
		TEST_ASSERT(waited < (N - 1 + MVT_POLL_IDLE_SWEEP - 1) /
			MVT_POLL_IDLE_SWEEP, "entry 17 waited %u loops",
			waited);
		frames[0] = 32;
		loop();
	}
	TEST_ASSERT_EQUAL(s->n_busy, 2, "entry 17 busy again");
	for (l = 0; l < 3; l++) {
		frames[0] = 32;
		loop();
		TEST_ASSERT_EQUAL(polled[17], 1, "entry 17 polled every loop");
	}
	TEST_ASSERT_EQUAL(frames[17], 0, "its frames all taken");

	/* every idle entry is visited in turn, none twice before the rest */
	for (i = 0; i < N; i++)
		frames[i] = 0;
	memset(polled, 0, sizeof(polled));
	{
		unsigned int seen[N] = { 0 };

		for (l = 0; l < (N - 2) / MVT_POLL_IDLE_SWEEP; l++) {
			frames[0] = 32;
			loop();
			for (i = 1; i < N; i++)
				seen[i] += polled[i];
		}
		for (i = 1; i < N; i++)
			if (i != 17)
				TEST_ASSERT(seen[i] <= 1,
					"entry %u swept %u times", i, seen[i]);
	}

	/*
	 * An idle entry that signalled an arrival while the worker slept
	 * (mvt_sched_wake()) is polled in the very next loop, not when the
	 * sweep comes to it; waking a busy one changes nothing.
	 */
	{
		uint16_t busy = s->n_busy, idle = s->n_idle;

		TEST_ASSERT(s->empty[29] >= MVT_POLL_IDLE_AFTER,
			"entry 29 is idle");
		mvt_sched_wake(s, 29);
		TEST_ASSERT_EQUAL(s->n_busy, busy + 1, "woken: busy");
		TEST_ASSERT_EQUAL(s->n_idle, idle - 1, "woken: not idle");
		mvt_sched_wake(s, 29);
		mvt_sched_wake(s, 0);
		TEST_ASSERT_EQUAL(s->n_busy, busy + 1, "a busy one stays so");
		TEST_ASSERT_EQUAL(s->n_idle, idle - 1, "nor goes idle");
		frames[29] = 5;
		frames[0] = 32;
		loop();
		TEST_ASSERT_EQUAL(polled[29], 1, "the woken entry polled next");
		TEST_ASSERT_EQUAL(frames[29], 0, "and its frames taken");
		for (i = 0; i < N; i++) {
			unsigned int in = 0, j;

			for (j = 0; j < s->n_busy; j++)
				in += s->busy[j] == i;
			for (j = 0; j < s->n_idle; j++)
				in += s->idle[j] == i;
			TEST_ASSERT_EQUAL(in, 1, "entry %u in one list, once", i);
		}
	}

	/* a new list generation starts over, all busy */
	mvt_sched_reset(s, 2, 3);
	TEST_ASSERT_EQUAL(s->n_busy, 3, "new list: all busy");
	TEST_ASSERT_EQUAL(s->n_idle, 0, "new list: none idle");
	loop();
	TEST_ASSERT_EQUAL(count_polled(), 3, "new list: each polled once");
	rte_free(s);
	return TEST_SUCCESS;
}

REGISTER_TEST_COMMAND(pollsched_autotest, test_pollsched);

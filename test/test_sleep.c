/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

/*
 * The idle sleep's wait (mvt_sleep.h) on real descriptors, eventfds as a
 * guest's kicks are: an arrival ends the wait at once and names its slot,
 * once per arrival (edge-triggered, the descriptor never read); a silent
 * set waits out its time; a slot whose descriptor was closed and whose
 * number came back as another's is watched again, and the closed one does
 * not take the other's wake-ups; a new set forgets the old.
 */

#include <inttypes.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <rte_malloc.h>

#include "mvt_sleep.h"
#include "test.h"

static struct mvt_sleep *s;

static void
kick(int fd)
{
	uint64_t one = 1;

	if (write(fd, &one, sizeof(one)) != sizeof(one))
		printf("eventfd write failed\n");
}

static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static int
test_sleep(void)
{
	int a, b, c;
	uint64_t t0, waited;
	uint16_t n;

	s = rte_zmalloc("test_sleep", sizeof(*s), 0);
	TEST_ASSERT_NOT_NULL(s, "cannot allocate the state");
	mvt_sleep_init(s);
	TEST_ASSERT_EQUAL(mvt_sleep_reset(s, 1), 0, "a set");
	a = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	b = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	TEST_ASSERT(a >= 0 && b >= 0, "eventfds");
	mvt_sleep_watch(s, 3, a, 0);
	mvt_sleep_watch(s, mvt_sleep_slot_lower(1, 1), b, 0);
	mvt_sleep_watch(s, 4, -1, 0);

	/* nothing arrives: the wait runs out its time, and reports nothing */
	t0 = now_us();
	TEST_ASSERT_EQUAL(mvt_sleep_wait(s, 20000), 0, "a silent set");
	waited = now_us() - t0;
	TEST_ASSERT(waited >= 19000, "woke after %" PRIu64 " us of 20000",
		waited);

	/* a kick: at once, its slot */
	kick(b);
	n = mvt_sleep_wait(s, 5000000);
	TEST_ASSERT_EQUAL(n, 1, "one slot signalled");
	TEST_ASSERT_EQUAL(s->woke[0], mvt_sleep_slot_lower(1, 1),
		"the host queue of segment 1");
	/* edge-triggered: the unread count does not wake it again */
	TEST_ASSERT_EQUAL(mvt_sleep_wait(s, 1000), 0,
		"no second wake-up for one kick");
	/* two kicks on two slots while awake: one wait reports both */
	kick(a);
	kick(b);
	n = mvt_sleep_wait(s, 5000000);
	TEST_ASSERT_EQUAL(n, 2, "both slots");
	TEST_ASSERT((s->woke[0] == 3 && s->woke[1] ==
		mvt_sleep_slot_lower(1, 1)) || (s->woke[1] == 3 &&
		s->woke[0] == mvt_sleep_slot_lower(1, 1)), "slots 3 and host");

	/*
	 * A new connection: slot 3's descriptor is closed and the next
	 * eventfd gets its number; a new generation makes it watched again.
	 * Watching it under the old generation changes nothing (the closed
	 * file left the set by itself, the number is not re-added).
	 */
	close(a);
	c = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	TEST_ASSERT_EQUAL(c, a, "the number came back");
	mvt_sleep_watch(s, 3, c, 0);
	kick(c);
	TEST_ASSERT_EQUAL(mvt_sleep_wait(s, 1000), 0,
		"same descriptor and generation: not watched again");
	mvt_sleep_watch(s, 3, c, 1);
	n = mvt_sleep_wait(s, 5000000);
	TEST_ASSERT_EQUAL(n, 1, "watched again: the kick already counted");
	TEST_ASSERT_EQUAL(s->woke[0], 3, "slot 3");

	/* one descriptor moved to another slot: its wake-ups are that slot's */
	mvt_sleep_watch(s, 7, c, 0);
	kick(c);
	n = mvt_sleep_wait(s, 5000000);
	TEST_ASSERT_EQUAL(n, 1, "one wake-up");
	TEST_ASSERT_EQUAL(s->woke[0], 7, "for slot 7 now");

	/* a new set (a new poll list) forgets every descriptor */
	s->step_us = 64;
	TEST_ASSERT_EQUAL(mvt_sleep_reset(s, 2), 0, "a new set");
	TEST_ASSERT_EQUAL(s->step_us, 64, "the steps go on");
	kick(b);
	kick(c);
	TEST_ASSERT_EQUAL(mvt_sleep_wait(s, 1000), 0, "nothing watched");
	mvt_sleep_watch(s, 0, b, 0);
	n = mvt_sleep_wait(s, 5000000);
	TEST_ASSERT(n == 1 && s->woke[0] == 0, "watched in the new set");

	mvt_sleep_fini(s);
	TEST_ASSERT_EQUAL(s->ep, -1, "closed");
	/* without a set, a wait is a plain sleep */
	t0 = now_us();
	kick(b);
	TEST_ASSERT_EQUAL(mvt_sleep_wait(s, 2000), 0, "no set: no wake-up");
	TEST_ASSERT(now_us() - t0 >= 1900, "slept its time");
	close(b);
	close(c);
	rte_free(s);
	return TEST_SUCCESS;
}

REGISTER_TEST_COMMAND(sleep_autotest, test_sleep);

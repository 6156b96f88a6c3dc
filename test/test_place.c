/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

/*
 * Placement of queue pairs on workers (mvt_place.h): the least loaded
 * worker and its ties, a new endpoint's queues spread by queue count, and
 * a rebalance that puts the heaviest queues first, each on its own worker.
 */

#include <inttypes.h>
#include <string.h>

#include "mvt_place.h"
#include "test.h"

static int
test_least_loaded(void)
{
	const uint64_t load[4] = { 30, 10, 10, 20 };
	const unsigned int nq[4] = { 0, 3, 2, 0 };
	const uint64_t flat[3] = { 0, 0, 0 };
	const unsigned int even[3] = { 1, 1, 1 };

	TEST_ASSERT_EQUAL(mvt_place_least_loaded(load, nq, 4), 2,
			"lowest load, then fewest queues");
	TEST_ASSERT_EQUAL(mvt_place_least_loaded(load, nq, 1), 0, "one worker");
	TEST_ASSERT_EQUAL(mvt_place_least_loaded(flat, even, 3), 0,
			"all equal: the first");
	return TEST_SUCCESS;
}

static int
test_new(void)
{
	const uint64_t idle[3] = { 0, 0, 0 };
	const uint64_t busy[2] = { 100, 0 };
	unsigned int nq[3] = { 1, 0, 0 };
	uint8_t out[4];

	/* unmeasured load: by queue count, round the workers */
	mvt_place_new(idle, nq, 3, 4, out);
	TEST_ASSERT(out[0] == 1 && out[1] == 2 && out[2] == 0 && out[3] == 1,
			"spread: %u %u %u %u", out[0], out[1], out[2], out[3]);
	TEST_ASSERT(nq[0] == 2 && nq[1] == 2 && nq[2] == 1, "counted");
	/* a measured load is not changed by what is placed */
	memset(nq, 0, sizeof(nq));
	mvt_place_new(busy, nq, 2, 3, out);
	TEST_ASSERT(out[0] == 1 && out[1] == 1 && out[2] == 1,
			"all on the idle worker");
	TEST_ASSERT_EQUAL(nq[1], 3, "three queues there");
	return TEST_SUCCESS;
}

static int
test_rebalance(void)
{
	struct mvt_place_q q[5] = {
		{ .ep = 0, .qp = 0, .rate = 10 },
		{ .ep = 1, .qp = 0, .rate = 50 },
		{ .ep = 2, .qp = 0, .rate = 40 },
		{ .ep = 2, .qp = 1, .rate = 40 },
		{ .ep = 3, .qp = 0, .rate = 0 },
	};
	uint64_t load[2] = { 0, 0 };
	unsigned int i;

	mvt_place_rebalance(q, 5, 2);
	for (i = 1; i < 5; i++)
		TEST_ASSERT(q[i - 1].rate >= q[i].rate, "heaviest first");
	TEST_ASSERT(q[1].ep == 2 && q[1].qp == 0 && q[2].ep == 2 &&
					q[2].qp == 1,
			"equal rates keep their order");
	TEST_ASSERT_EQUAL(q[0].worker, 0, "50 on worker 0");
	TEST_ASSERT_EQUAL(q[1].worker, 1, "40 on worker 1");
	TEST_ASSERT_EQUAL(q[2].worker, 1, "40 on worker 1 (40 < 50)");
	TEST_ASSERT_EQUAL(q[3].worker, 0, "10 on worker 0 (50 < 80)");
	for (i = 0; i < 5; i++)
		load[q[i].worker] += q[i].rate;
	TEST_ASSERT(load[0] == 60 && load[1] == 80,
			"loads %" PRIu64 " %" PRIu64, load[0], load[1]);
	/* one worker takes everything */
	mvt_place_rebalance(q, 5, 1);
	for (i = 0; i < 5; i++)
		TEST_ASSERT_EQUAL(q[i].worker, 0, "one worker");
	return TEST_SUCCESS;
}

static int
test_place(void)
{
	if (test_least_loaded() != TEST_SUCCESS || test_new() != TEST_SUCCESS ||
			test_rebalance() != TEST_SUCCESS)
		return TEST_FAILED;
	return TEST_SUCCESS;
}

REGISTER_TEST_COMMAND(place_autotest, test_place);

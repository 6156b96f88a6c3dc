/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

/*
 * The policy stage on a clock of our own: the policies are created for a
 * 1 GHz TSC and every check is given its time, so each bucket edge and
 * each refill is asserted to the byte and to the cycle. The parser's
 * error lines are asserted exactly, as in test_conf.c.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_string_fns.h>

#include "mvt_conf.h"
#include "mvt_policy.h"
#include "test.h"

#define HZ UINT64_C(1000000000)	/* the test clock: 1 cycle = 1 ns */
#define MS (HZ / 1000)
#define T0 (HZ * 5)		/* the first frame's time: not 0 on purpose */

#define IN MVT_POLICY_DIR_IN
#define OUT MVT_POLICY_DIR_OUT
#define PASS MVT_DROP_NONE
#define LIMIT MVT_DROP_RATE_LIMIT
#define DENY MVT_DROP_POLICY_DENY

#define MAC1 UINT64_C(0x010000000002) /* 02:00:00:00:00:01 */
#define MAC1_S "02:00:00:00:00:01"

#define KEYS_EXPECTED \
	"(expected mac, name, rate, burst, peak, pps, dir, action)"

static char err[512];

/* Parse @p spec and create its policy on the test clock; NULL on error. */
static struct mvt_policy *
mkpol(const char *spec)
{
	struct mvt_policy_conf pc;
	struct mvt_policy *p;

	if (mvt_policy_conf_parse(spec, &pc, err, sizeof(err)) != 0) {
		printf("  spec %s: %s\n", spec, err);
		return NULL;
	}
	p = mvt_policy_create(&pc, HZ, err, sizeof(err));
	if (p == NULL)
		printf("  create %s: %s\n", spec, err);
	return p;
}

/* One frame through the burst check: its drop reason. */
static enum mvt_drop_reason
check_one(struct mvt_policy *p, unsigned int dir, uint32_t pkt_len,
	uint64_t now_tsc, unsigned int worker)
{
	uint8_t drop;

	mvt_policy_check_run(p, dir, &pkt_len, 1, now_tsc, worker, &drop);
	return (enum mvt_drop_reason)drop;
}

/* Offer @p n frames of @p len bytes at @p now; how many passed. */
static unsigned int
offer(struct mvt_policy *p, unsigned int dir, unsigned int n, uint32_t len,
	uint64_t now)
{
	unsigned int i, passed = 0;

	for (i = 0; i < n; i++)
		if (check_one(p, dir, len, now, 0) == PASS)
			passed++;
	return passed;
}

/* The counters of one direction equal these. */
static int
counters_are(struct mvt_policy *p, unsigned int dir, uint64_t cp,
	uint64_t cb, uint64_t ep, uint64_t eb)
{
	struct mvt_policy_counters c;

	mvt_policy_read(p, dir, &c);
	if (c.conform_pkts == cp && c.conform_bytes == cb &&
			c.exceed_pkts == ep && c.exceed_bytes == eb)
		return 1;
	printf("  dir %u: conform %" PRIu64 "/%" PRIu64 " exceed %" PRIu64
		"/%" PRIu64 ", expected %" PRIu64 "/%" PRIu64 " %" PRIu64
		"/%" PRIu64 "\n", dir, c.conform_pkts, c.conform_bytes,
		c.exceed_pkts, c.exceed_bytes, cp, cb, ep, eb);
	return 0;
}

/*
 * rate=8 kbit/s is 1000 bytes/s, one byte per 1 ms token period; burst=8
 * kbit is a 1000-byte bucket. Full at the first frame: frames totalling
 * exactly 1000 bytes pass, and not one byte more.
 */
static int
test_srtcm_edge(void)
{
	struct mvt_policy *p = mkpol("mac=" MAC1_S ",rate=8,burst=8");

	TEST_ASSERT_NOT_NULL(p, "create");
	TEST_ASSERT_EQUAL(offer(p, OUT, 9, 100, T0), 9, "900 bytes");
	TEST_ASSERT_EQUAL(offer(p, OUT, 1, 99, T0), 1, "999 bytes");
	TEST_ASSERT_EQUAL(check_one(p, OUT, 1, T0, 0), PASS,
		"the 1000th byte");
	TEST_ASSERT_EQUAL(check_one(p, OUT, 1, T0, 0), LIMIT,
		"the 1001st byte");
	TEST_ASSERT_EQUAL(check_one(p, OUT, 64, T0, 0), LIMIT,
		"a frame");
	/* A zero-length frame needs no token (rte_meter's rule). */
	TEST_ASSERT_EQUAL(check_one(p, OUT, 0, T0, 0), PASS, "0 bytes");
	TEST_ASSERT(counters_are(p, OUT, 12, 1000, 2, 65), "out counters");
	TEST_ASSERT(counters_are(p, IN, 0, 0, 0, 0), "in counters");
	mvt_policy_free(p);

	/* One frame larger than the bucket never passes... */
	p = mkpol("mac=" MAC1_S ",rate=8,burst=8");
	TEST_ASSERT_NOT_NULL(p, "create");
	TEST_ASSERT_EQUAL(check_one(p, IN, 1001, T0, 0), LIMIT,
		"1001-byte frame");
	/* ...and took no token: the whole bucket is still there. */
	TEST_ASSERT_EQUAL(check_one(p, IN, 1000, T0, 0), PASS,
		"1000-byte frame");
	mvt_policy_free(p);

	/* The default burst: 8000 kbit, 1 000 000 bytes. */
	p = mkpol("mac=" MAC1_S ",rate=8000");
	TEST_ASSERT_NOT_NULL(p, "create");
	TEST_ASSERT_EQUAL(check_one(p, IN, 1000000, T0, 0), PASS,
		"default bucket");
	TEST_ASSERT_EQUAL(check_one(p, IN, 1, T0, 0), LIMIT,
		"past the default bucket");
	mvt_policy_free(p);
	return TEST_SUCCESS;
}

/* After t seconds, exactly rate * t bytes pass again, up to the bucket. */
static int
test_srtcm_refill(void)
{
	struct mvt_policy *p = mkpol("mac=" MAC1_S ",rate=8,burst=8");
	uint64_t t = T0 + 500 * MS;

	TEST_ASSERT_NOT_NULL(p, "create");
	TEST_ASSERT_EQUAL(offer(p, OUT, 1, 1000, T0), 1, "drain");
	TEST_ASSERT_EQUAL(offer(p, OUT, 1, 501, t), 0, "501 after 0.5 s");
	TEST_ASSERT_EQUAL(offer(p, OUT, 5, 100, t), 5, "500 after 0.5 s");
	TEST_ASSERT_EQUAL(offer(p, OUT, 1, 1, t), 0, "501st byte");
	/* One token a period: not a cycle early. */
	TEST_ASSERT_EQUAL(offer(p, OUT, 1, 1, t + MS - 1), 0,
		"one cycle early");
	TEST_ASSERT_EQUAL(offer(p, OUT, 1, 1, t + MS), 1, "one period");
	TEST_ASSERT_EQUAL(offer(p, OUT, 1, 1, t + MS), 0, "only one");
	/* A long pause fills the bucket, no more. */
	t += 10 * HZ;
	TEST_ASSERT_EQUAL(offer(p, OUT, 10, 100, t), 10, "full again");
	TEST_ASSERT_EQUAL(offer(p, OUT, 1, 1, t), 0, "capped at cbs");
	TEST_ASSERT(counters_are(p, OUT, 17, 2501, 5, 505), "counters");
	mvt_policy_free(p);
	return TEST_SUCCESS;
}

/*
 * Token periods are at least 5000 cycles (TB_PERIOD_EXACT), so that
 * rounding a period to whole cycles costs at most 1e-4 of the rate:
 * 800 000 kbit/s is 10^8 bytes/s, 500 bytes per 5000-cycle period.
 */
static int
test_srtcm_fast(void)
{
	struct mvt_policy *p = mkpol("mac=" MAC1_S ",rate=800000");
	uint64_t t = T0 + MS;

	TEST_ASSERT_NOT_NULL(p, "create");
	TEST_ASSERT_EQUAL(offer(p, IN, 1, 1000000, T0), 1, "drain 8000 kbit");
	TEST_ASSERT_EQUAL(offer(p, IN, 1, 100001, t), 0, "1 ms + 1 byte");
	TEST_ASSERT_EQUAL(offer(p, IN, 1, 100000, t), 1, "1 ms: 100000 bytes");
	TEST_ASSERT_EQUAL(offer(p, IN, 1, 1, t + 4999), 0, "within a period");
	TEST_ASSERT_EQUAL(offer(p, IN, 1, 500, t + 5000), 1, "one period");
	TEST_ASSERT_EQUAL(offer(p, IN, 1, 1, t + 5000), 0, "500 bytes only");
	mvt_policy_free(p);

	/*
	 * 100 000 kbit/s, 12 500 000 bytes/s, a byte per 80 cycles: 63
	 * bytes (62.5 rounded up) per 5040 cycles.
	 */
	p = mkpol("mac=" MAC1_S ",rate=100000,burst=800");
	TEST_ASSERT_NOT_NULL(p, "create");
	TEST_ASSERT_EQUAL(offer(p, IN, 1, 100000, T0), 1, "drain");
	TEST_ASSERT_EQUAL(offer(p, IN, 1, 1, T0 + 5039), 0, "within a period");
	TEST_ASSERT_EQUAL(offer(p, IN, 1, 63, T0 + 5040), 1, "one period");
	TEST_ASSERT_EQUAL(offer(p, IN, 1, 1, T0 + 5040), 0, "63 bytes only");
	/* 200 periods after the drain: 199 more of 63 bytes */
	TEST_ASSERT_EQUAL(offer(p, IN, 1, 199 * 63, T0 + 200 * 5040), 1,
		"200 periods");
	TEST_ASSERT_EQUAL(offer(p, IN, 1, 1, T0 + 200 * 5040), 0, "exactly");
	mvt_policy_free(p);
	return TEST_SUCCESS;
}

/*
 * trTCM, rate=8 peak=16 burst=8: committed 1000 bytes/s, peak 2000
 * bytes/s, both buckets 1000 bytes. Yellow is dropped like red, but a
 * yellow frame still takes its bytes from the peak bucket (RFC 2698), so
 * the same frames fare differently than under srTCM.
 */
static int
test_trtcm_peak(void)
{
	struct mvt_policy *tr = mkpol("mac=" MAC1_S ",rate=8,peak=16,burst=8");
	struct mvt_policy *sr = mkpol("mac=" MAC1_S ",rate=8,burst=8");
	uint64_t t = T0 + 500 * MS;

	TEST_ASSERT_NOT_NULL(tr, "create trtcm");
	TEST_ASSERT_NOT_NULL(sr, "create srtcm");
	TEST_ASSERT_EQUAL(mvt_policy_get_conf(tr)->peak_kbps, 16, "peak");

	TEST_ASSERT_EQUAL(offer(tr, IN, 1, 1000, T0), 1, "tr: bucket");
	TEST_ASSERT_EQUAL(offer(tr, IN, 1, 1, T0), 0, "tr: 1001st byte");
	TEST_ASSERT_EQUAL(offer(sr, IN, 1, 1000, T0), 1, "sr: bucket");

	/* 0.5 s later: committed 500, peak 1000 tokens. */
	TEST_ASSERT_EQUAL(check_one(tr, IN, 600, t, 0), LIMIT,
		"tr: 600 is yellow");
	TEST_ASSERT_EQUAL(check_one(sr, IN, 600, t, 0), LIMIT,
		"sr: 600 is red");
	/* The yellow frame left 400 peak tokens; srTCM lost nothing. */
	TEST_ASSERT_EQUAL(check_one(tr, IN, 500, t, 0), LIMIT,
		"tr: 500 over the peak bucket");
	TEST_ASSERT_EQUAL(check_one(sr, IN, 500, t, 0), PASS,
		"sr: 500 within cbs");
	TEST_ASSERT_EQUAL(check_one(tr, IN, 400, t, 0), PASS,
		"tr: 400 within both");
	TEST_ASSERT_EQUAL(check_one(tr, IN, 1, t, 0), LIMIT,
		"tr: peak bucket empty");

	/* 1 ms on: committed 101 tokens, peak 2 (it refills at 2/ms). */
	TEST_ASSERT_EQUAL(check_one(tr, IN, 3, t + MS, 0), LIMIT,
		"tr: 3 over the peak bucket");
	TEST_ASSERT_EQUAL(check_one(tr, IN, 2, t + MS, 0), PASS,
		"tr: 2 within both");
	mvt_policy_free(tr);
	mvt_policy_free(sr);
	return TEST_SUCCESS;
}

/*
 * pps=1000: one frame per 1 ms period, a bucket of max(100, 32) frames.
 * Offered at twice the rate for one second, exactly 1000 pass.
 */
static int
test_pps_exact(void)
{
	struct mvt_policy *p = mkpol("mac=" MAC1_S ",pps=1000");
	unsigned int k, passed = 0;

	TEST_ASSERT_NOT_NULL(p, "create");
	TEST_ASSERT_EQUAL(offer(p, OUT, 101, 1500, T0), 100, "the bucket");
	for (k = 1; k <= 2000; k++)
		passed += offer(p, OUT, 1, 1500, T0 + k * MS / 2);
	TEST_ASSERT_EQUAL(passed, 1000, "frames in one second at 2000 pps");
	TEST_ASSERT(counters_are(p, OUT, 1100, 1100 * 1500, 1001,
		1001 * 1500), "counters");
	mvt_policy_free(p);

	/* Small rates get the 32-frame minimum bucket. */
	p = mkpol("mac=" MAC1_S ",pps=10");
	TEST_ASSERT_NOT_NULL(p, "create");
	TEST_ASSERT_EQUAL(offer(p, OUT, 40, 64, T0), 32, "32-frame bucket");
	TEST_ASSERT_EQUAL(offer(p, OUT, 40, 64, T0 + HZ), 10, "10 in 1 s");
	mvt_policy_free(p);

	/* 2*10^7 pps: 100 frames per 5000-cycle period, 2*10^6 in the bucket. */
	p = mkpol("mac=" MAC1_S ",pps=20000000");
	TEST_ASSERT_NOT_NULL(p, "create");
	TEST_ASSERT_EQUAL(offer(p, OUT, 2000001, 64, T0), 2000000, "bucket");
	TEST_ASSERT_EQUAL(offer(p, OUT, 200001, 64, T0 + 10 * MS), 200000,
		"10 ms");
	TEST_ASSERT_EQUAL(offer(p, OUT, 101, 64, T0 + 10 * MS + 4999), 0,
		"within a period");
	TEST_ASSERT_EQUAL(offer(p, OUT, 101, 64, T0 + 10 * MS + 5000), 100,
		"one period");
	mvt_policy_free(p);
	return TEST_SUCCESS;
}

/*
 * On a clock that is not a round number (this TSC: 2596045966 Hz) a
 * meter still passes its rate: 1 Gbit/s for 1 s is 125 000 000 bytes,
 * within 1e-4 and a frame. rte_meter's own periods (103 cycles for
 * 103.84) would pass 0.82 % more.
 */
static int
test_odd_clock(void)
{
	const uint64_t hz = UINT64_C(2596045966), t0 = 7 * hz;
	struct mvt_policy_conf pc;
	struct mvt_policy *p;
	uint64_t passed = 0;
	unsigned int ms;

	TEST_ASSERT_SUCCESS(mvt_policy_conf_parse("mac=" MAC1_S
		",rate=1000000", &pc, err, sizeof(err)), "%s", err);
	p = mvt_policy_create(&pc, hz, err, sizeof(err));
	TEST_ASSERT_NOT_NULL(p, "create: %s", err);
	TEST_ASSERT_EQUAL(offer(p, OUT, 1000, 1000, t0), 1000, "the bucket");
	TEST_ASSERT_EQUAL(offer(p, OUT, 1, 1000, t0), 0, "empty");
	/* 1 ms at a time, more than the rate offered */
	for (ms = 1; ms <= 1000; ms++)
		passed += 1250 * (uint64_t)offer(p, OUT, 110, 1250,
			t0 + hz * ms / 1000);
	printf("  1 s at 1 Gbit/s on a %" PRIu64 " Hz clock: %" PRIu64
		" bytes\n", hz, passed);
	TEST_ASSERT(passed >= 125000000 - 12500 - 1250 &&
		passed <= 125000000 + 12500 + 1250,
		"%" PRIu64 " bytes in 1 s, expected 125000000", passed);
	mvt_policy_free(p);
	return TEST_SUCCESS;
}

/*
 * rate= and pps= together: a frame the byte meter refuses gives back the
 * packet token it took. 1 000 000 bytes/s with a 1000-byte bucket, and
 * 1000 pps with a 100-frame bucket.
 */
static int
test_pps_and_rate(void)
{
	struct mvt_policy *p = mkpol("mac=" MAC1_S ",rate=8000,burst=8,"
		"pps=1000");

	TEST_ASSERT_NOT_NULL(p, "create");
	TEST_ASSERT_EQUAL(offer(p, OUT, 10, 100, T0), 10, "1000 bytes");
	/* Byte bucket empty: all refused, the 90 frame tokens stay. */
	TEST_ASSERT_EQUAL(offer(p, OUT, 100, 100, T0), 0, "no bytes");
	/* 1 ms later: a full byte bucket, 91 frame tokens. */
	TEST_ASSERT_EQUAL(offer(p, OUT, 200, 1, T0 + MS), 91, "frame tokens");
	TEST_ASSERT(counters_are(p, OUT, 101, 1091, 209, 10109), "counters");
	mvt_policy_free(p);
	return TEST_SUCCESS;
}

static int
test_deny(void)
{
	struct mvt_policy *p = mkpol("mac=" MAC1_S ",action=deny");
	unsigned int i;

	TEST_ASSERT_NOT_NULL(p, "create");
	for (i = 0; i < 1000; i++) {
		TEST_ASSERT_EQUAL(check_one(p, i & 1, 60 + i, T0 + i, 0),
			DENY, "frame %u", i);
	}
	/* Also at a time far from the others: no meter, no clock. */
	TEST_ASSERT_EQUAL(check_one(p, IN, 60, 0, 0), DENY, "time 0");
	/* Odd i went out: 61 + 63 + ... + 1059. */
	TEST_ASSERT(counters_are(p, IN, 0, 0, 501, 30000 + 249500 + 60),
		"in");
	TEST_ASSERT(counters_are(p, OUT, 0, 0, 500, 30000 + 250000), "out");
	mvt_policy_free(p);

	p = mkpol("mac=" MAC1_S ",action=deny,dir=in");
	TEST_ASSERT_NOT_NULL(p, "create");
	TEST_ASSERT_EQUAL(check_one(p, IN, 60, T0, 0), DENY, "in");
	TEST_ASSERT_EQUAL(check_one(p, OUT, 60, T0, 0), PASS, "out");
	TEST_ASSERT(counters_are(p, OUT, 0, 0, 0, 0), "out not counted");
	mvt_policy_free(p);
	return TEST_SUCCESS;
}

/* dir=in meters frames to the MAC, dir=out frames from it; both: apart. */
static int
test_directions(void)
{
	struct mvt_policy *p = mkpol("mac=" MAC1_S ",rate=8,burst=8,dir=in");

	TEST_ASSERT_NOT_NULL(p, "create in");
	TEST_ASSERT_EQUAL(offer(p, IN, 2, 1000, T0), 1, "in metered");
	TEST_ASSERT_EQUAL(offer(p, OUT, 5, 1000, T0), 5, "out free");
	TEST_ASSERT(counters_are(p, IN, 1, 1000, 1, 1000), "in counted");
	TEST_ASSERT(counters_are(p, OUT, 0, 0, 0, 0), "out not counted");
	mvt_policy_free(p);

	p = mkpol("mac=" MAC1_S ",rate=8,burst=8,dir=out");
	TEST_ASSERT_NOT_NULL(p, "create out");
	TEST_ASSERT_EQUAL(offer(p, OUT, 2, 1000, T0), 1, "out metered");
	TEST_ASSERT_EQUAL(offer(p, IN, 5, 1000, T0), 5, "in free");
	TEST_ASSERT(counters_are(p, IN, 0, 0, 0, 0), "in not counted");
	TEST_ASSERT(counters_are(p, OUT, 1, 1000, 1, 1000), "out counted");
	mvt_policy_free(p);

	/* dir=both: each direction has its own bucket. */
	p = mkpol("mac=" MAC1_S ",rate=8,burst=8");
	TEST_ASSERT_NOT_NULL(p, "create both");
	TEST_ASSERT_EQUAL(mvt_policy_get_conf(p)->dir, MVT_POLICY_DIR_BOTH,
		"default dir");
	TEST_ASSERT_EQUAL(offer(p, IN, 2, 1000, T0), 1, "in");
	TEST_ASSERT_EQUAL(offer(p, OUT, 2, 1000, T0), 1, "out, own bucket");
	TEST_ASSERT_EQUAL(offer(p, IN, 1, 100, T0 + 100 * MS), 1, "in refill");
	TEST_ASSERT_EQUAL(offer(p, IN, 1, 1, T0 + 100 * MS), 0, "in: 100");
	TEST_ASSERT_EQUAL(offer(p, OUT, 1, 100, T0 + 100 * MS), 1,
		"out refill");
	TEST_ASSERT(counters_are(p, IN, 2, 1100, 2, 1001), "in");
	TEST_ASSERT(counters_are(p, OUT, 2, 1100, 1, 1000), "out");
	mvt_policy_free(p);
	return TEST_SUCCESS;
}

/* A worker whose burst started earlier passes an older time: no refill. */
static int
test_stale_clock(void)
{
	struct mvt_policy *p = mkpol("mac=" MAC1_S ",rate=8,burst=8,pps=1000");

	TEST_ASSERT_NOT_NULL(p, "create");
	TEST_ASSERT_EQUAL(offer(p, IN, 1, 1000, T0 + HZ), 1, "drain");
	TEST_ASSERT_EQUAL(offer(p, IN, 1, 1, T0), 0, "1 s in the past");
	TEST_ASSERT_EQUAL(offer(p, IN, 1, 1, T0 + HZ - 1), 0, "1 cycle back");
	TEST_ASSERT_EQUAL(offer(p, IN, 1, 1, T0 + HZ + MS), 1, "forward");
	mvt_policy_free(p);
	return TEST_SUCCESS;
}

/* Buckets start full at the first frame, whatever its time. */
static int
test_first_frame(void)
{
	static const uint64_t starts[] = { 0, 1, T0, UINT64_C(1) << 62 };
	struct mvt_policy *p;
	unsigned int i;
	uint64_t t;

	for (i = 0; i < RTE_DIM(starts); i++) {
		t = starts[i];
		p = mkpol("mac=" MAC1_S ",rate=8,burst=8,peak=16,pps=1000");
		TEST_ASSERT_NOT_NULL(p, "create");
		TEST_ASSERT_EQUAL(offer(p, IN, 11, 100, t), 10, "start %u", i);
		TEST_ASSERT_EQUAL(offer(p, IN, 1, 1, t + MS - 1), 0,
			"start %u: no token yet", i);
		TEST_ASSERT_EQUAL(offer(p, IN, 1, 1, t + MS), 1,
			"start %u: one token", i);
		/* The other direction starts at its own first frame. */
		TEST_ASSERT_EQUAL(offer(p, OUT, 11, 100, t + HZ), 10,
			"start %u: out", i);
		mvt_policy_free(p);
	}
	return TEST_SUCCESS;
}

static int
test_update(void)
{
	struct mvt_policy_conf pc;
	struct mvt_policy *p = mkpol("name=u,mac=" MAC1_S ",rate=8,burst=8");
	uint64_t t = T0 + 500 * MS;

	TEST_ASSERT_NOT_NULL(p, "create");
	TEST_ASSERT_EQUAL(offer(p, OUT, 1, 600, T0), 1, "600 of 1000");
	TEST_ASSERT_EQUAL(offer(p, IN, 1, 2000, T0), 0, "in: too big");

	/* Twice the rate and bucket: counters and tokens are kept. */
	TEST_ASSERT_SUCCESS(mvt_policy_conf_parse("name=u,mac=" MAC1_S
		",rate=16,burst=16", &pc, err, sizeof(err)), "%s", err);
	TEST_ASSERT_SUCCESS(mvt_policy_update(p, &pc, HZ, err, sizeof(err)),
		"%s", err);
	TEST_ASSERT(counters_are(p, OUT, 1, 600, 0, 0), "out kept");
	TEST_ASSERT(counters_are(p, IN, 0, 0, 1, 2000), "in kept");
	TEST_ASSERT_EQUAL(offer(p, OUT, 1, 401, T0), 0, "no refill");
	TEST_ASSERT_EQUAL(offer(p, OUT, 1, 400, T0), 1, "the 400 left");
	/* 0.5 s at the new rate, 2000 bytes/s. */
	TEST_ASSERT_EQUAL(offer(p, OUT, 11, 100, t), 10, "new rate");
	/* The bigger bucket: in was full (1000) and fills to 2000. */
	TEST_ASSERT_EQUAL(offer(p, IN, 1, 2000, t), 1, "new bucket");

	/* Adding a packet meter: it starts full. */
	TEST_ASSERT_SUCCESS(mvt_policy_conf_parse("name=u,mac=" MAC1_S
		",rate=16,burst=16,pps=10", &pc, err, sizeof(err)), "%s", err);
	TEST_ASSERT_SUCCESS(mvt_policy_update(p, &pc, HZ, err, sizeof(err)),
		"%s", err);
	TEST_ASSERT_EQUAL(offer(p, OUT, 40, 0, t), 32, "new pps meter");

	/* Deny and back: the meters start afresh. */
	TEST_ASSERT_SUCCESS(mvt_policy_conf_parse("name=u,mac=" MAC1_S
		",action=deny,dir=in", &pc, err, sizeof(err)), "%s", err);
	TEST_ASSERT_SUCCESS(mvt_policy_update(p, &pc, HZ, err, sizeof(err)),
		"%s", err);
	TEST_ASSERT_EQUAL(check_one(p, IN, 1, t, 0), DENY, "deny in");
	TEST_ASSERT_EQUAL(offer(p, OUT, 100, 1000, t), 100, "out free");
	TEST_ASSERT_EQUAL(mvt_policy_get_conf(p)->action, MVT_POLICY_DENY,
		"conf");
	TEST_ASSERT_SUCCESS(mvt_policy_conf_parse("name=u,mac=" MAC1_S
		",rate=8,burst=8,peak=8", &pc, err, sizeof(err)), "%s", err);
	TEST_ASSERT_SUCCESS(mvt_policy_update(p, &pc, HZ, err, sizeof(err)),
		"%s", err);
	TEST_ASSERT_EQUAL(offer(p, OUT, 2, 1000, t), 1, "trtcm, full");
	TEST_ASSERT_EQUAL(offer(p, IN, 2, 1000, t), 1, "in, full");
	/* Counted: all but the 100 frames out while only in was covered. */
	TEST_ASSERT(counters_are(p, OUT, 1 + 1 + 10 + 32 + 1,
		600 + 400 + 1000 + 1000, 1 + 1 + 8 + 1, 401 + 100 + 1000),
		"out after all");
	TEST_ASSERT(counters_are(p, IN, 1 + 1, 2000 + 1000, 1 + 1 + 1,
		2000 + 1 + 1000), "in after all");

	/* A refused update changes nothing. */
	pc.mac = MAC1 + 0x100;
	TEST_ASSERT(mvt_policy_update(p, &pc, HZ, err, sizeof(err)) ==
		-EINVAL, "MAC change");
	TEST_ASSERT(strcmp(err, "policy u mac=02:01:00:00:00:01: a policy's "
		"MAC cannot change") == 0, "%s", err);
	pc.mac = MAC1;
	pc.rate_kbps = 0;
	pc.burst_kb = 0;
	pc.pps = 5;
	TEST_ASSERT(mvt_policy_update(p, &pc, HZ, err, sizeof(err)) ==
		-EINVAL, "bad conf");
	TEST_ASSERT(strcmp(err, "policy u peak=8: needs rate=") == 0, "%s",
		err);
	TEST_ASSERT_EQUAL(mvt_policy_get_conf(p)->rate_kbps, 8, "unchanged");
	TEST_ASSERT_EQUAL(offer(p, OUT, 1, 1, t), 0, "still limited");
	mvt_policy_free(p);
	return TEST_SUCCESS;
}

/* Each worker counts in its own cache line; reading sums them. */
static int
test_workers(void)
{
	struct mvt_policy *p = mkpol("mac=" MAC1_S ",rate=8,burst=8");
	static const unsigned int ws[] = { 0, 1, 3, MVT_MAX_WORKERS - 1 };
	unsigned int i;

	TEST_ASSERT_NOT_NULL(p, "create");
	/* The layout promise: no two workers share a line. */
	TEST_ASSERT_EQUAL((uintptr_t)&p->worker[1] % RTE_CACHE_LINE_SIZE, 0,
		"aligned");
	TEST_ASSERT(sizeof(p->worker[0]) % RTE_CACHE_LINE_SIZE == 0, "size");

	/* One bucket for all workers: 4 x 300 bytes, the 4th refused. */
	for (i = 0; i < RTE_DIM(ws); i++)
		TEST_ASSERT_EQUAL(check_one(p, IN, 300, T0, ws[i]),
			i < 3 ? PASS : LIMIT, "worker %u", ws[i]);
	TEST_ASSERT_EQUAL(check_one(p, OUT, 7, T0, 5), PASS, "out");
	TEST_ASSERT(counters_are(p, IN, 3, 900, 1, 300), "in summed");
	TEST_ASSERT(counters_are(p, OUT, 1, 7, 0, 0), "out summed");
	for (i = 0; i < RTE_DIM(ws); i++) {
		TEST_ASSERT_EQUAL(p->worker[ws[i]].ctr[IN].conform_pkts,
			i < 3, "worker %u's own conform", ws[i]);
		TEST_ASSERT_EQUAL(p->worker[ws[i]].ctr[IN].exceed_bytes,
			i < 3 ? 0 : 300, "worker %u's own exceed", ws[i]);
	}
	TEST_ASSERT_EQUAL(p->worker[2].ctr[IN].conform_pkts, 0, "worker 2");
	TEST_ASSERT_EQUAL(p->worker[5].ctr[OUT].conform_bytes, 7, "worker 5");
	mvt_policy_free(p);
	return TEST_SUCCESS;
}

/*
 * A run of frames metered at one instant (mvt_policy_check_run(), as the
 * data path meters a burst) gets, frame by frame, the verdicts and the
 * counts of the same frames checked one at a time -- for each kind of
 * meter, with buckets that run dry in the middle of runs and refill
 * between them.
 */
static int
test_runs(void)
{
	static const char *const specs[] = {
		"mac=" MAC1_S ",rate=8,burst=8",
		"mac=" MAC1_S ",pps=100",
		"mac=" MAC1_S ",rate=8,burst=8,pps=100",
		"mac=" MAC1_S ",rate=8,burst=8,peak=16",
		"mac=" MAC1_S ",action=deny",
	};
	static const uint64_t instants[] = { 0, 10 * MS, 11 * MS, 300 * MS,
		301 * MS, 2000 * MS };
	struct mvt_policy_counters ca, cb;
	uint8_t drop[MVT_BURST], one;
	uint32_t len[MVT_BURST];
	struct mvt_policy *a, *b;
	unsigned int i, k, f;

	for (i = 0; i < RTE_DIM(specs); i++) {
		a = mkpol(specs[i]);
		b = mkpol(specs[i]);
		TEST_ASSERT(a != NULL && b != NULL, "create %s", specs[i]);
		for (k = 0; k < RTE_DIM(instants); k++) {
			for (f = 0; f < MVT_BURST; f++)
				len[f] = 20 + (f * 37 + k * 11) % 120;
			mvt_policy_check_run(b, OUT, len, MVT_BURST,
				T0 + instants[k], 0, drop);
			for (f = 0; f < MVT_BURST; f++) {
				one = (uint8_t)check_one(a, OUT, len[f],
					T0 + instants[k], 0);
				TEST_ASSERT_EQUAL(drop[f], one,
					"%s: frame %u at instant %u", specs[i],
					f, k);
			}
		}
		mvt_policy_read(a, OUT, &ca);
		mvt_policy_read(b, OUT, &cb);
		TEST_ASSERT(memcmp(&ca, &cb, sizeof(ca)) == 0, "%s: counters "
			"%" PRIu64 "/%" PRIu64 " vs %" PRIu64 "/%" PRIu64,
			specs[i], ca.conform_pkts, ca.exceed_pkts,
			cb.conform_pkts, cb.exceed_pkts);
		/* the buckets ran dry, except deny's, which has none */
		TEST_ASSERT(ca.exceed_pkts > 0 && (ca.conform_pkts > 0 ||
			strstr(specs[i], "deny") != NULL),
			"%s: %" PRIu64 " passed, %" PRIu64 " dropped",
			specs[i], ca.conform_pkts, ca.exceed_pkts);
		mvt_policy_free(a);
		mvt_policy_free(b);
	}
	return TEST_SUCCESS;
}

static int
conf_is(const struct mvt_policy_conf *pc, const char *name, uint64_t mac,
	uint32_t rate, uint32_t burst, uint32_t peak, uint32_t pps,
	unsigned int dir, unsigned int action)
{
	if (strcmp(pc->name, name) == 0 && pc->mac == mac &&
			pc->rate_kbps == rate && pc->burst_kb == burst &&
			pc->peak_kbps == peak && pc->pps == pps &&
			pc->dir == dir && pc->action == action)
		return 1;
	printf("  got name=%s mac=%" PRIx64 " rate=%u burst=%u peak=%u "
		"pps=%u dir=%u action=%u\n", pc->name, pc->mac, pc->rate_kbps,
		pc->burst_kb, pc->peak_kbps, pc->pps, pc->dir, pc->action);
	return 0;
}

static int
test_parse_good(void)
{
	struct mvt_policy_conf pc;

	memset(&pc, 0xa5, sizeof(pc));
	TEST_ASSERT_SUCCESS(mvt_policy_conf_parse("mac=" MAC1_S ",rate=1000",
		&pc, err, sizeof(err)), "%s", err);
	TEST_ASSERT(conf_is(&pc, MAC1_S, MAC1, 1000, 8000, 0, 0,
		MVT_POLICY_DIR_BOTH, MVT_POLICY_ALLOW), "defaults");

	TEST_ASSERT_SUCCESS(mvt_policy_conf_parse("action=allow,dir=in,"
		"pps=40,peak=30,burst=20,rate=10,name=web.1_A-z,"
		"mac=02:aB:cd:EF:01:23", &pc, err, sizeof(err)), "%s", err);
	TEST_ASSERT(conf_is(&pc, "web.1_A-z", UINT64_C(0x2301efcdab02), 10, 20,
		30, 40, MVT_POLICY_DIR_IN, MVT_POLICY_ALLOW), "every key");

	TEST_ASSERT_SUCCESS(mvt_policy_conf_parse("mac=" MAC1_S
		",action=deny,dir=out", &pc, err, sizeof(err)), "%s", err);
	TEST_ASSERT(conf_is(&pc, MAC1_S, MAC1, 0, 0, 0, 0, MVT_POLICY_DIR_OUT,
		MVT_POLICY_DENY), "deny");

	/* pps alone: no byte meter, so no default burst. */
	TEST_ASSERT_SUCCESS(mvt_policy_conf_parse("mac=" MAC1_S ",pps=5,"
		"dir=both,rate=0", &pc, err, sizeof(err)), "%s", err);
	TEST_ASSERT(conf_is(&pc, MAC1_S, MAC1, 0, 0, 0, 5,
		MVT_POLICY_DIR_BOTH, MVT_POLICY_ALLOW), "pps");

	/* The maximums, leading zeros, peak equal to rate. */
	TEST_ASSERT_SUCCESS(mvt_policy_conf_parse("mac=" MAC1_S
		",rate=1000000000,burst=1000000000,peak=1000000000,"
		"pps=1000000000", &pc, err, sizeof(err)), "%s", err);
	TEST_ASSERT(conf_is(&pc, MAC1_S, MAC1, 1000000000, 1000000000,
		1000000000, 1000000000, MVT_POLICY_DIR_BOTH, MVT_POLICY_ALLOW),
		"maximums");
	TEST_ASSERT_SUCCESS(mvt_policy_conf_parse("mac=" MAC1_S
		",rate=0010,peak=10", &pc, err, sizeof(err)), "%s", err);
	TEST_ASSERT(conf_is(&pc, MAC1_S, MAC1, 10, 8000, 10, 0,
		MVT_POLICY_DIR_BOTH, MVT_POLICY_ALLOW), "leading zeros");

	TEST_ASSERT(strcmp(mvt_policy_dir_name(MVT_POLICY_DIR_IN), "in") == 0 &&
		strcmp(mvt_policy_dir_name(MVT_POLICY_DIR_OUT), "out") == 0 &&
		strcmp(mvt_policy_dir_name(MVT_POLICY_DIR_BOTH), "both") == 0 &&
		mvt_policy_dir_name(3) == NULL, "dir names");
	TEST_ASSERT(strcmp(mvt_policy_action_name(MVT_POLICY_ALLOW),
		"allow") == 0 && strcmp(mvt_policy_action_name(MVT_POLICY_DENY),
		"deny") == 0 && mvt_policy_action_name(2) == NULL,
		"action names");
	return TEST_SUCCESS;
}

/* -EINVAL and exactly @p expected in err. */
static int
err_is(int ret, const char *expected, const char *input)
{
	return test_err_is(ret, err, expected, input);
}

/* mvt_policy_conf_parse() for test_err_cases(): only the error counts. */
static int
parse_err(const char *spec, char *e, size_t len)
{
	struct mvt_policy_conf pc;

	return mvt_policy_conf_parse(spec, &pc, e, len);
}

static int
test_parse_errors(void)
{
	static const struct test_err_case cases[] = {
		{ "rate=100",
		  "--policy: mac= missing" },
		{ "mac=zz:00:00:00:00:01,rate=1",
		  "--policy mac=zz:00:00:00:00:01: malformed MAC address" },
		{ "mac=02:00:00:00:00:01:,rate=1",
		  "--policy mac=02:00:00:00:00:01:: malformed MAC address" },
		{ "mac=,rate=1",
		  "--policy mac=: malformed MAC address" },
		{ "mac=01:00:5e:00:00:01,rate=1",
		  "--policy mac=01:00:5e:00:00:01: not a unicast address" },
		{ "mac=00:00:00:00:00:00,rate=1",
		  "--policy mac=00:00:00:00:00:00: not a unicast address" },
		{ "mac=ff:ff:ff:ff:ff:ff,action=deny",
		  "--policy mac=ff:ff:ff:ff:ff:ff: not a unicast address" },
		{ "mac=" MAC1_S ",rate=abc",
		  "--policy rate=abc: expected a number of kbit/s" },
		{ "mac=" MAC1_S ",rate=",
		  "--policy rate=: expected a number of kbit/s" },
		{ "mac=" MAC1_S ",rate=-1",
		  "--policy rate=-1: expected a number of kbit/s" },
		{ "mac=" MAC1_S ",rate=0x10",
		  "--policy rate=0x10: expected a number of kbit/s" },
		{ "mac=" MAC1_S ",rate= 5",
		  "--policy rate= 5: expected a number of kbit/s" },
		{ "mac=" MAC1_S ",rate=1000000001",
		  "--policy rate=1000000001: at most 1000000000 kbit/s" },
		{ "mac=" MAC1_S ",rate=99999999999999999999999",
		  "--policy rate=99999999999999999999999: at most 1000000000 kbit/s" },
		{ "mac=" MAC1_S ",rate=1,burst=1k",
		  "--policy burst=1k: expected a number of kbit" },
		{ "mac=" MAC1_S ",rate=1,burst=1000000001",
		  "--policy burst=1000000001: at most 1000000000 kbit" },
		{ "mac=" MAC1_S ",rate=1,peak=fast",
		  "--policy peak=fast: expected a number of kbit/s" },
		{ "mac=" MAC1_S ",rate=1,peak=4294967296",
		  "--policy peak=4294967296: at most 1000000000 kbit/s" },
		{ "mac=" MAC1_S ",pps=1.5",
		  "--policy pps=1.5: expected a number of packets per second" },
		{ "mac=" MAC1_S ",pps=1000000001",
		  "--policy pps=1000000001: at most 1000000000 packets per second" },
		{ "mac=" MAC1_S ",rate=1,dir=up",
		  "--policy dir=up: expected in, out or both" },
		{ "mac=" MAC1_S ",rate=1,dir=IN",
		  "--policy dir=IN: expected in, out or both" },
		{ "mac=" MAC1_S ",action=x",
		  "--policy action=x: expected allow or deny" },
		{ "mac=" MAC1_S ",rate=1,foo=1",
		  "--policy foo=1: unknown key " KEYS_EXPECTED },
		{ "mac=" MAC1_S ",Rate=1",
		  "--policy Rate=1: unknown key " KEYS_EXPECTED },
		{ "mac=" MAC1_S ",rate=1,rate=2",
		  "--policy rate=2: key given twice" },
		{ "mac=" MAC1_S ",mac=02:00:00:00:00:02,rate=1",
		  "--policy mac=02:00:00:00:00:02: key given twice" },
		{ "mac=" MAC1_S ",rate=1,xyz",
		  "--policy xyz: expected key=value" },
		{ "mac=" MAC1_S,
		  "--policy: allow needs rate=, pps= or both" },
		{ "mac=" MAC1_S ",rate=0,pps=0,action=allow",
		  "--policy: allow needs rate=, pps= or both" },
		{ "mac=" MAC1_S ",action=deny,rate=1",
		  "--policy: deny takes no rate=, burst=, peak= or pps=" },
		{ "mac=" MAC1_S ",action=deny,pps=1",
		  "--policy: deny takes no rate=, burst=, peak= or pps=" },
		{ "mac=" MAC1_S ",pps=10,burst=5",
		  "--policy burst=5: needs rate=" },
		{ "mac=" MAC1_S ",pps=10,peak=5",
		  "--policy peak=5: needs rate=" },
		{ "mac=" MAC1_S ",rate=100,peak=99",
		  "--policy peak=99: peak must be at least rate" },
		{ "mac=" MAC1_S ",rate=1,name=",
		  "--policy name=: empty name" },
		{ "mac=" MAC1_S ",rate=1,name=a/b",
		  "--policy name=a/b: name may contain only A-Z a-z 0-9 _ . -" },
		{ "mac=" MAC1_S ",rate=1,name=nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn",
		  "--policy name=nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn: name longer than 31 characters" },
		{ "mac=" MAC1_S ",rate=1,name=a,name=b",
		  "--policy name=b: key given twice" },
		{ "",
		  "--policy: mac= missing" },
	};
	struct mvt_policy_conf pc;
	char spec[MVT_POLICY_SPEC_MAX + 1];

	TEST_ASSERT_SUCCESS(test_err_cases(cases, RTE_DIM(cases), parse_err,
		err, sizeof(err)), "a case failed");

	/* 31 characters is a name; a 1023-character spec is a spec. */
	TEST_ASSERT_SUCCESS(mvt_policy_conf_parse("mac=" MAC1_S ",rate=1,"
		"name=nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn", &pc, err, sizeof(err)),
		"%s", err);
	memset(spec, 0, sizeof(spec));
	strlcpy(spec, "mac=" MAC1_S ",rate=1,", sizeof(spec));
	memset(spec + strlen(spec), ',', MVT_POLICY_SPEC_MAX - 1 - strlen(spec));
	TEST_ASSERT_SUCCESS(mvt_policy_conf_parse(spec, &pc, err, sizeof(err)),
		"%s", err);
	spec[MVT_POLICY_SPEC_MAX - 1] = ',';
	TEST_ASSERT(err_is(mvt_policy_conf_parse(spec, &pc, err, sizeof(err)),
		"--policy: spec longer than 1023 characters", "long spec"),
		"long spec");
	return TEST_SUCCESS;
}

/* The key-by-key parser with another prefix, as the INI loader uses it. */
static int
test_parser_prefix(void)
{
	const char *prefix = "config /x.ini: [policy web]";
	struct mvt_policy_parser pp;
	struct mvt_policy_conf pc;

	mvt_policy_parser_init(&pp, &pc, prefix, err, sizeof(err));
	TEST_ASSERT_SUCCESS(mvt_policy_parser_set(&pp, "name", "web"), "%s",
		err);
	TEST_ASSERT(err_is(mvt_policy_parser_set(&pp, "rate", "1,5"),
		"config /x.ini: [policy web] rate=1,5: expected a number of kbit/s",
		"rate"), "rate");
	TEST_ASSERT(err_is(mvt_policy_parser_finish(&pp),
		"config /x.ini: [policy web]: mac= missing", "finish"),
		"finish");
	TEST_ASSERT_SUCCESS(mvt_policy_parser_set(&pp, "mac", MAC1_S), "%s",
		err);
	TEST_ASSERT(err_is(mvt_policy_parser_finish(&pp),
		"config /x.ini: [policy web]: allow needs rate=, pps= or both",
		"finish"), "finish");
	TEST_ASSERT_SUCCESS(mvt_policy_parser_set(&pp, "pps", "7"), "%s", err);
	TEST_ASSERT_SUCCESS(mvt_policy_parser_finish(&pp), "%s", err);
	TEST_ASSERT(conf_is(&pc, "web", MAC1, 0, 0, 0, 7, MVT_POLICY_DIR_BOTH,
		MVT_POLICY_ALLOW), "fields");
	TEST_ASSERT(err_is(mvt_policy_parser_set(&pp, "pps", "8"),
		"config /x.ini: [policy web] pps=8: key given twice", "twice"),
		"twice");
	return TEST_SUCCESS;
}

/* What the check says of configurations filled by hand. */
static int
test_conf_check(void)
{
	struct mvt_policy_conf pc;
	struct mvt_policy *p;

	mvt_policy_conf_init(&pc);
	strlcpy(pc.name, "h", sizeof(pc.name));
	pc.mac = MAC1;
	pc.pps = 1;
	TEST_ASSERT_SUCCESS(mvt_policy_conf_check(&pc, "--policy", err,
		sizeof(err)), "%s", err);
#define CHECK_ERR(expected) \
	TEST_ASSERT(err_is(mvt_policy_conf_check(&pc, "--policy", err, \
		sizeof(err)), expected, expected), expected)
	pc.dir = 3;
	CHECK_ERR("--policy dir=3: expected in, out or both");
	pc.dir = MVT_POLICY_DIR_IN;
	pc.action = 2;
	CHECK_ERR("--policy action=2: expected allow or deny");
	pc.action = MVT_POLICY_ALLOW;
	pc.rate_kbps = MVT_POLICY_RATE_MAX + 1;
	CHECK_ERR("--policy rate=1000000001: at most 1000000000 kbit/s");
	pc.rate_kbps = 10;
	pc.burst_kb = MVT_POLICY_BURST_MAX + 1;
	CHECK_ERR("--policy burst=1000000001: at most 1000000000 kbit");
	pc.burst_kb = 0;
	pc.peak_kbps = MVT_POLICY_RATE_MAX + 1;
	CHECK_ERR("--policy peak=1000000001: at most 1000000000 kbit/s");
	pc.peak_kbps = 0;
	pc.pps = MVT_POLICY_PPS_MAX + 1;
	CHECK_ERR("--policy pps=1000000001: at most 1000000000 packets per second");
	pc.pps = 0;
	pc.mac = UINT64_C(0x0100005e0001);
	CHECK_ERR("--policy mac=01:00:5e:00:00:01: not a unicast address");
	pc.mac = 0;
	CHECK_ERR("--policy: mac= missing");
	pc.mac = MAC1;
	memset(pc.name, 'n', sizeof(pc.name));
	CHECK_ERR("--policy: name longer than 31 characters");
	strlcpy(pc.name, "h", sizeof(pc.name));
	TEST_ASSERT_SUCCESS(mvt_policy_conf_check(&pc, "--policy", err,
		sizeof(err)), "%s", err);
#undef CHECK_ERR

	/* create and update check the same, naming the policy. */
	pc.dir = 7;
	rte_errno = 0;
	p = mvt_policy_create(&pc, HZ, err, sizeof(err));
	TEST_ASSERT_NULL(p, "bad dir created");
	TEST_ASSERT_EQUAL(rte_errno, EINVAL, "rte_errno");
	TEST_ASSERT(strcmp(err, "policy h dir=7: expected in, out or both") ==
		0, "%s", err);
	pc.dir = MVT_POLICY_DIR_IN;
	pc.name[0] = '\0';
	pc.action = 9;
	TEST_ASSERT_NULL(mvt_policy_create(&pc, HZ, err, sizeof(err)), "x");
	TEST_ASSERT(strcmp(err, "policy " MAC1_S
		" action=9: expected allow or deny") == 0, "%s", err);
	pc.action = MVT_POLICY_ALLOW;
	rte_errno = 0;
	TEST_ASSERT_NULL(mvt_policy_create(&pc, 0, err, sizeof(err)), "hz 0");
	TEST_ASSERT_EQUAL(rte_errno, EINVAL, "rte_errno");
	TEST_ASSERT(strcmp(err, "policy " MAC1_S ": no clock rate") == 0, "%s",
		err);

	/* A hand-built conf gets its defaults filled on creation. */
	p = mvt_policy_create(&pc, HZ, err, sizeof(err));
	TEST_ASSERT_NOT_NULL(p, "%s", err);
	TEST_ASSERT(conf_is(mvt_policy_get_conf(p), MAC1_S, MAC1, 10, 8000, 0,
		0, MVT_POLICY_DIR_IN, MVT_POLICY_ALLOW), "filled");
	mvt_policy_free(p);
	mvt_policy_free(NULL);
	return TEST_SUCCESS;
}

static struct unit_test_suite policy_suite = {
	.suite_name = "policy: meters, deny, directions, counters, parser",
	.setup = NULL,
	.teardown = NULL,
	.unit_test_cases = {
		TEST_CASE(test_srtcm_edge),
		TEST_CASE(test_srtcm_refill),
		TEST_CASE(test_srtcm_fast),
		TEST_CASE(test_odd_clock),
		TEST_CASE(test_trtcm_peak),
		TEST_CASE(test_pps_exact),
		TEST_CASE(test_pps_and_rate),
		TEST_CASE(test_deny),
		TEST_CASE(test_directions),
		TEST_CASE(test_stale_clock),
		TEST_CASE(test_first_frame),
		TEST_CASE(test_update),
		TEST_CASE(test_workers),
		TEST_CASE(test_runs),
		TEST_CASE(test_parse_good),
		TEST_CASE(test_parse_errors),
		TEST_CASE(test_parser_prefix),
		TEST_CASE(test_conf_check),
		TEST_CASES_END()
	}
};

static int
test_policy(void)
{
	return unit_test_suite_runner(&policy_suite);
}

REGISTER_TEST_COMMAND(policy_autotest, test_policy);

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#ifndef MVT_POLICY_H
#define MVT_POLICY_H

/**
 * @file
 * Per-MAC policies -- rate limits and deny filters -- and the endpoint
 * anti-spoofing check: the policy stage of the data path.
 *
 * A policy names one unicast MAC address and applies to the frames whose
 * destination is that MAC (direction "in"), whose source is that MAC
 * ("out"), or both; each direction has its own meters and counters.
 *
 * A deny policy drops every frame of its directions (MVT_DROP_POLICY_DENY).
 * An allow policy meters them with rte_meter and drops whatever is not
 * green (MVT_DROP_RATE_LIMIT):
 *  - a byte meter when rate= is given: srTCM (RFC 2697) with
 *    cir = rate * 1000 / 8 bytes/s, cbs = burst * 1000 / 8 bytes, ebs = 0,
 *    exactly as OVS converts ingress_policing_rate/burst; with peak= a
 *    trTCM (RFC 2698) instead, pir = peak * 1000 / 8, pbs = cbs;
 *  - a packet meter when pps= is given: an srTCM in which every frame
 *    counts as one byte, cir = pps, cbs = max(pps / 10, 32) frames.
 * A frame passes when every meter the policy has says green. Dropping
 * yellow too means a trTCM never passes more than the committed rate: the
 * peak only adds a second bucket that frames over the committed one still
 * drain (RFC 2698 charges a yellow frame to the peak bucket).
 *
 * Policy SPEC (command line --policy, INI [policy NAME] with the same keys;
 * mvt_conf.h parses it):
 *   mac=MAC (required)  name=NAME (default: the MAC)
 *   rate=KBPS  burst=KB (default 8000)  peak=KBPS (>= rate)  pps=N
 *   dir=in|out|both (default both)  action=allow|deny (default allow)
 * An allow policy needs rate=, pps= or both; a deny policy takes no limit.
 *
 * Time is TSC cycles, read by the caller once per burst; rates are turned
 * into token periods with the tsc_hz given at creation.
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_meter.h>
#include <rte_spinlock.h>

#include "mvt_common.h"
#include "mvt_drop.h"
#include "mvt_policy_conf.h"
#include "mvt_stats.h"

/** Counters of one direction of a policy. */
struct mvt_policy_counters {
	uint64_t conform_pkts;	/**< frames let through */
	uint64_t conform_bytes;
	uint64_t exceed_pkts;	/**< frames dropped: rate limit or deny */
	uint64_t exceed_bytes;
};

struct mvt_policy;

/**
 * Create a policy from a configuration. The buckets start full, at the
 * time of the first frame the policy sees; all counters are zero.
 * Control thread.
 *
 * @param tsc_hz  cycles per second of the clock the caller passes to
 *                mvt_policy_check_run() (rte_get_tsc_hz() for rte_rdtsc())
 * @return the policy (rte_zmalloc, cache aligned; free with
 *   mvt_policy_free()), or NULL with rte_errno set to EINVAL (a bad
 *   configuration, one line in @p err) or ENOMEM.
 */
struct mvt_policy *mvt_policy_create(const struct mvt_policy_conf *pc,
	uint64_t tsc_hz, char *err, size_t errlen);

/**
 * Change a live policy's limits, direction and action. The MAC cannot
 * change (it is the policy's key in the MAC table).
 *
 * Counters are kept. Buckets are not refilled: a meter that exists
 * before and after keeps its tokens, capped to the new bucket sizes on the
 * next frame, so reapplying a policy gives no free burst. A meter the
 * update adds (rate= or pps= where there was none, or srTCM <-> trTCM
 * through peak=) starts full.
 *
 * Safe while workers run mvt_policy_check_run() on @p p (each direction is
 * changed under its lock; a frame metered during the update meets either
 * the old or the new limits). Not safe against another update, free or
 * mvt_policy_get_conf() of the same policy: one control thread.
 *
 * @return 0, or -EINVAL with one line in @p err (@p p unchanged).
 */
int mvt_policy_update(struct mvt_policy *p, const struct mvt_policy_conf *pc,
	uint64_t tsc_hz, char *err, size_t errlen);

/**
 * Free a policy. No worker may use it any more (the caller waits out RCU
 * readers of whatever published the pointer). NULL is a no-op.
 */
void mvt_policy_free(struct mvt_policy *p);

/**
 * The configuration last applied (create or update), with the defaults
 * filled in as given. Control thread (not concurrently with an update).
 */
const struct mvt_policy_conf *mvt_policy_get_conf(const struct mvt_policy *p);

/**
 * Sum direction @p dir's counters over all workers into @p out. Any thread,
 * concurrently with the workers: each counter is read whole, but the four
 * are not one snapshot.
 */
void mvt_policy_read(const struct mvt_policy *p, unsigned int dir,
	struct mvt_policy_counters *out);

/*
 * Inline implementation of the run-time check
 *
 * The layout below is here only because mvt_policy_check_run() is inline; use
 * the functions above, not the fields.
 */

/* What a direction does with its frames; read by workers without the lock. */
enum mvt_policy_mode_ {
	MVT_POLICY_MODE_OFF_ = 0,	/* the policy does not cover it */
	MVT_POLICY_MODE_DENY_,
	MVT_POLICY_MODE_METER_,
};

/* No frame seen yet: the meters start at the first frame's time. */
#define MVT_POLICY_TSC_UNSET_ UINT64_MAX

/* One direction: its meters and the lock that makes them shareable. */
struct mvt_policy_meters_ {
	/*
	 * An rte_meter object is not thread-safe, and frames of one MAC may
	 * reach several workers (RSS on the lower, several queue pairs of
	 * one endpoint). With one worker the lock is never contended and
	 * costs one atomic exchange per run of frames (mostly one per
	 * burst); meters per worker would need no lock but would let each
	 * worker pass the whole rate.
	 */
	rte_spinlock_t lock;
	uint8_t mode;		/* enum mvt_policy_mode_, atomic */
	/* The rest only under the lock. */
	uint8_t has_bytes;	/* a byte meter */
	uint8_t trtcm;		/* ... and it is the trTCM one */
	uint8_t has_pkts;	/* a packet meter */
	uint64_t last_tsc;	/* latest time a frame was metered at */
	union {
		struct rte_meter_srtcm sr;
		struct rte_meter_trtcm tr;
	} bytes;
	union {
		struct rte_meter_srtcm_profile sr;
		struct rte_meter_trtcm_profile tr;
	} bytes_prof;
	struct rte_meter_srtcm pkts;
	struct rte_meter_srtcm_profile pkts_prof;
} __rte_cache_aligned;

/* What one worker counts: a cache line of its own, no sharing. */
struct mvt_policy_worker_ {
	struct mvt_policy_counters ctr[MVT_POLICY_DIRS];
} __rte_cache_aligned;

struct mvt_policy {
	struct mvt_policy_meters_ dir[MVT_POLICY_DIRS];
	struct mvt_policy_worker_ worker[MVT_MAX_WORKERS];
	struct mvt_policy_conf conf;	/* control thread only */
	uint64_t tsc_hz;
} __rte_cache_aligned;

/* Start the meters of a direction that has seen no frame yet at @p now. */
static inline void
mvt_policy_start_(struct mvt_policy_meters_ *m, uint64_t now)
{
	/* Not all three: the unions' fields overlap (sr.tc is tr.time_tp). */
	if (m->trtcm) {
		m->bytes.tr.time_tc = now;
		m->bytes.tr.time_tp = now;
	} else {
		m->bytes.sr.time = now;
	}
	m->pkts.time = now;
	m->last_tsc = now;
}

/* The meters' verdict on one frame. Called with the lock held. */
static inline enum mvt_drop_reason
mvt_policy_meter_(struct mvt_policy_meters_ *m, uint32_t pkt_len,
	uint64_t now)
{
	enum rte_color c;

	/*
	 * Each worker reads the TSC once per burst, so the time another
	 * worker passes may be older than the last one metered. rte_meter
	 * takes time as unsigned differences: a step back would wrap and
	 * refill the buckets. Hold the clock instead.
	 */
	if (unlikely(now < m->last_tsc)) {
		if (m->last_tsc == MVT_POLICY_TSC_UNSET_)
			mvt_policy_start_(m, now);
		else
			now = m->last_tsc;
	}
	m->last_tsc = now;

	if (m->has_pkts) {
		c = rte_meter_srtcm_color_blind_check(&m->pkts, &m->pkts_prof,
			now, 1);
		if (c != RTE_COLOR_GREEN)
			return MVT_DROP_RATE_LIMIT;
	}
	if (m->has_bytes) {
		if (m->trtcm)
			c = rte_meter_trtcm_color_blind_check(&m->bytes.tr,
				&m->bytes_prof.tr, now, pkt_len);
		else
			c = rte_meter_srtcm_color_blind_check(&m->bytes.sr,
				&m->bytes_prof.sr, now, pkt_len);
		if (c != RTE_COLOR_GREEN) {
			/*
			 * The frame is dropped: give back the packet token
			 * it took. With ebs = 0 a green packet check took
			 * exactly one token from tc, so this undoes it.
			 */
			if (m->has_pkts)
				m->pkts.tc++;
			return MVT_DROP_RATE_LIMIT;
		}
	}
	return MVT_DROP_NONE;
}

/*
 * The meters' verdicts on a run of frames metered at the same time, in
 * order. Called with the lock held.
 *
 * The first frame goes through rte_meter, which refills the buckets for
 * the time elapsed. No token is due between frames of one instant, so for
 * the others of the run only the bucket levels decide: an srTCM with
 * ebs = 0 (both of ours) passes a frame when its committed bucket holds
 * the frame's cost, and takes it. That is what rte_meter would compute
 * with no time elapsed, without its division per frame. A trTCM charges
 * yellow frames to its peak bucket: it goes through rte_meter frame by
 * frame.
 */
static inline void
mvt_policy_meter_run_(struct mvt_policy_meters_ *m, const uint32_t *pkt_len,
	uint16_t n, uint64_t now, uint8_t *drop)
{
	uint64_t pkt_tok, byte_tok;
	uint16_t i;

	drop[0] = mvt_policy_meter_(m, pkt_len[0], now);
	if (n == 1)
		return;
	if (m->trtcm) {
		for (i = 1; i < n; i++)
			drop[i] = mvt_policy_meter_(m, pkt_len[i], now);
		return;
	}
	/* a meter the policy does not have never runs dry */
	pkt_tok = m->has_pkts ? m->pkts.tc : UINT64_MAX;
	byte_tok = m->has_bytes ? m->bytes.sr.tc : UINT64_MAX;
	for (i = 1; i < n; i++) {
		if (pkt_tok >= 1 && byte_tok >= pkt_len[i]) {
			pkt_tok--;
			byte_tok -= pkt_len[i];
			drop[i] = MVT_DROP_NONE;
		} else {
			drop[i] = MVT_DROP_RATE_LIMIT;
		}
	}
	if (m->has_pkts)
		m->pkts.tc = pkt_tok;
	if (m->has_bytes)
		m->bytes.sr.tc = byte_tok;
}

/**
 * The policy stage for a run of frames that meet the same policy in the
 * same direction, in order: meter or deny each, and count them. One lock
 * and one counter update per run, not per frame: frames of a burst mostly
 * share their addresses, so the data path meters them run by run.
 *
 * @param p        the policy of the frames' MAC in direction @p dir
 * @param dir      MVT_POLICY_DIR_IN when the policy's MAC is the frames'
 *                 destination, MVT_POLICY_DIR_OUT when it is their source
 * @param pkt_len  each frame's length in bytes, as metered and counted
 * @param n        frames in the run, at least 1
 * @param now_tsc  the caller's clock (TSC cycles at the tsc_hz the policy
 *                 was created with), read once per burst
 * @param worker   the calling worker's index, < MVT_MAX_WORKERS
 * @param drop     out: per frame, MVT_DROP_NONE when it passes (counted as
 *   conform, or not counted at all when the policy does not cover @p dir),
 *   MVT_DROP_RATE_LIMIT or MVT_DROP_POLICY_DENY when it must be dropped
 *   (counted as exceed)
 *
 * Thread-safe for distinct @p worker values: each worker index must be
 * used by one lcore at a time, which alone writes its counters.
 */
static inline void
mvt_policy_check_run(struct mvt_policy *p, unsigned int dir,
	const uint32_t *pkt_len, uint16_t n, uint64_t now_tsc,
	unsigned int worker, uint8_t *drop)
{
	struct mvt_policy_meters_ *m = &p->dir[dir];
	struct mvt_policy_counters *c = &p->worker[worker].ctr[dir];
	uint64_t ok_bytes = 0, bad_bytes = 0;
	uint16_t i, ok = 0;
	uint8_t mode;

	/* Acquire: pairs with the update's release after the meters. */
	mode = __atomic_load_n(&m->mode, __ATOMIC_ACQUIRE);
	if (mode == MVT_POLICY_MODE_OFF_) {
		memset(drop, MVT_DROP_NONE, n);
		return;
	}
	if (mode == MVT_POLICY_MODE_DENY_) {
		memset(drop, MVT_DROP_POLICY_DENY, n);
	} else {
		rte_spinlock_lock(&m->lock);
		mvt_policy_meter_run_(m, pkt_len, n, now_tsc, drop);
		rte_spinlock_unlock(&m->lock);
	}
	for (i = 0; i < n; i++) {
		if (drop[i] == MVT_DROP_NONE) {
			ok++;
			ok_bytes += pkt_len[i];
		} else {
			bad_bytes += pkt_len[i];
		}
	}
	if (ok > 0) {
		mvt_ctr_add(&c->conform_pkts, ok);
		mvt_ctr_add(&c->conform_bytes, ok_bytes);
	}
	if (ok < n) {
		mvt_ctr_add(&c->exceed_pkts, n - ok);
		mvt_ctr_add(&c->exceed_bytes, bad_bytes);
	}
}

#endif /* MVT_POLICY_H */

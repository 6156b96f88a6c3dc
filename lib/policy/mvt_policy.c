/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_string_fns.h>

#include "mvt_policy.h"

/* rte_meter's rule: a token period is never shorter than this many cycles. */
#define TB_PERIOD_MIN 100
#define TB_PERIOD_EXACT 5000

/* kbit to bytes, as OVS converts ingress_policing_rate and _burst. */
#define KBIT_BYTES 125

void
mvt_policy_conf_init(struct mvt_policy_conf *pc)
{
	memset(pc, 0, sizeof(*pc));
	pc->dir = MVT_POLICY_DIR_BOTH;
	pc->action = MVT_POLICY_ALLOW;
}

const char *
mvt_policy_dir_name(unsigned int dir)
{
	switch (dir) {
	case MVT_POLICY_DIR_IN:
		return "in";
	case MVT_POLICY_DIR_OUT:
		return "out";
	case MVT_POLICY_DIR_BOTH:
		return "both";
	}
	return NULL;
}

const char *
mvt_policy_action_name(unsigned int action)
{
	switch (action) {
	case MVT_POLICY_ALLOW:
		return "allow";
	case MVT_POLICY_DENY:
		return "deny";
	}
	return NULL;
}

int
mvt_policy_conf_check(const struct mvt_policy_conf *pc, const char *prefix,
	char *err, size_t errlen)
{
	char mac[MVT_MAC_STRLEN];

	/* Hand-built configurations reach here too, not just parsed ones. */
	if (memchr(pc->name, '\0', sizeof(pc->name)) == NULL)
		return mvt_err(err, errlen,
			"%s: name longer than %d characters", prefix,
			MVT_POLICY_NAME_MAX - 1);
	if (pc->mac == 0)
		return mvt_err(err, errlen, "%s: mac= missing", prefix);
	if (!mvt_mac_is_unicast(pc->mac)) {
		mvt_mac_format(pc->mac, mac);
		return mvt_err(err, errlen,
			"%s mac=%s: not a unicast address", prefix, mac);
	}
	if (mvt_policy_dir_name(pc->dir) == NULL)
		return mvt_err(err, errlen,
			"%s dir=%u: expected in, out or both", prefix,
			(unsigned int)pc->dir);
	if (mvt_policy_action_name(pc->action) == NULL)
		return mvt_err(err, errlen,
			"%s action=%u: expected allow or deny", prefix,
			(unsigned int)pc->action);
	/* The numbers, from their rows of MVT_POLICY_OPTS. */
#define MVT_OPT_F(f) f
#define CHECK_AMOUNT(key, max, field, unit) \
	if (pc->field > (max)) \
		return mvt_err(err, errlen, "%s " key "=%u: at most %u " unit, \
			prefix, pc->field, (unsigned int)(max));
#define CHECK_MAC(key, max, field, unit)
#define CHECK_NAME(key, max, field, unit)
#define CHECK_DIR(key, max, field, unit)
#define CHECK_ACTION(key, max, field, unit)
#define X(id, key, type, min, max, def, field, pos, arg, unit, help) \
	CHECK_##type(key, max, field, unit)
	MVT_POLICY_OPTS(X)
#undef X
#undef CHECK_AMOUNT
#undef CHECK_MAC
#undef CHECK_NAME
#undef CHECK_DIR
#undef CHECK_ACTION
#undef MVT_OPT_F
	if (pc->action == MVT_POLICY_DENY) {
		/* Limits on a policy that drops everything mean a mistake. */
		if (pc->rate_kbps != 0 || pc->burst_kb != 0 ||
				pc->peak_kbps != 0 || pc->pps != 0)
			return mvt_err(err, errlen,
				"%s: deny takes no rate=, burst=, peak= or pps=",
				prefix);
		return 0;
	}
	/* An allow policy without a limit would limit nothing. */
	if (pc->rate_kbps == 0 && pc->pps == 0)
		return mvt_err(err, errlen,
			"%s: allow needs rate=, pps= or both", prefix);
	if (pc->rate_kbps == 0 && pc->burst_kb != 0)
		return mvt_err(err, errlen, "%s burst=%u: needs rate=",
			prefix, pc->burst_kb);
	if (pc->rate_kbps == 0 && pc->peak_kbps != 0)
		return mvt_err(err, errlen, "%s peak=%u: needs rate=",
			prefix, pc->peak_kbps);
	/* RFC 2698 (and rte_meter) require pir >= cir. */
	if (pc->peak_kbps != 0 && pc->peak_kbps < pc->rate_kbps)
		return mvt_err(err, errlen,
			"%s peak=%u: peak must be at least rate", prefix,
			pc->peak_kbps);
	return 0;
}

void
mvt_policy_conf_fill_defaults(struct mvt_policy_conf *pc)
{
	if (pc->name[0] == '\0')
		mvt_mac_format(pc->mac, pc->name);
	if (pc->rate_kbps != 0 && pc->burst_kb == 0)
		pc->burst_kb = MVT_POLICY_BURST_DEFAULT;
}

/* The meters one direction of a policy gets, computed once for both. */
struct meter_plan {
	uint8_t has_bytes;
	uint8_t trtcm;
	uint8_t has_pkts;
	union {
		struct rte_meter_srtcm_profile sr;
		struct rte_meter_trtcm_profile tr;
	} bytes_prof;
	struct rte_meter_srtcm_profile pkts_prof;
};

/*
 * Token bucket period for @p rate bytes/s on a clock of @p hz. rte_meter
 * takes the fewest bytes per period that give at least TB_PERIOD_MIN
 * cycles and truncates the period to whole cycles; on a clock that is not
 * a round number that loses up to 1 % (2596045966 Hz at 1 Gbit/s: 103
 * cycles for 103.84, and the meter passes 0.82 % too much). Here a period
 * is at least TB_PERIOD_EXACT cycles, rounded to the nearest, which bounds
 * the error to 0.5 / TB_PERIOD_EXACT -- unless a period's bytes would then
 * exceed a quarter of the bucket of @p cap bytes (a refill that overflows
 * the bucket is lost): then as many bytes as that allows, and never fewer
 * than rte_meter's.
 */
static void
tb_params(uint64_t hz, uint64_t rate, uint64_t cap, uint64_t *period,
	uint64_t *bytes)
{
	uint64_t b, b_min;

	b_min = (TB_PERIOD_MIN * rate + hz - 1) / hz;
	b = (TB_PERIOD_EXACT * rate + hz - 1) / hz;
	if (b > cap / 4)
		b = cap / 4;
	b = RTE_MAX(RTE_MAX(b, b_min), UINT64_C(1));
	*bytes = b;
	*period = (uint64_t)((double)hz * (double)b / (double)rate + 0.5);
}

/*
 * rte_meter's profile_config functions check the parameters and set the
 * bucket sizes, but derive the token periods from rte_get_tsc_hz(). The
 * periods are recomputed here from the caller's @p hz so that they match
 * the clock the caller passes to mvt_policy_check_run(), and closer to the
 * configured rate than rte_meter's own (see tb_params()).
 */
static int
plan_meters(const struct mvt_policy_conf *pc, uint64_t hz,
	struct meter_plan *mp, const char *label, char *err, size_t errlen)
{
	struct rte_meter_srtcm_params sp;
	struct rte_meter_trtcm_params tp;
	struct rte_meter_srtcm_profile *sr;
	struct rte_meter_trtcm_profile *tr;
	uint64_t burst_kb;
	int ret = 0;

	memset(mp, 0, sizeof(*mp));
	if (hz == 0)
		return mvt_err(err, errlen, "%s: no clock rate", label);
	if (pc->action == MVT_POLICY_DENY)
		return 0;
	burst_kb = pc->burst_kb != 0 ? pc->burst_kb : MVT_POLICY_BURST_DEFAULT;
	if (pc->rate_kbps != 0 && pc->peak_kbps != 0) {
		tr = &mp->bytes_prof.tr;
		tp.cir = (uint64_t)pc->rate_kbps * KBIT_BYTES;
		tp.pir = (uint64_t)pc->peak_kbps * KBIT_BYTES;
		tp.cbs = burst_kb * KBIT_BYTES;
		tp.pbs = tp.cbs;
		ret = rte_meter_trtcm_profile_config(tr, &tp);
		tb_params(hz, tp.cir, tp.cbs, &tr->cir_period,
			&tr->cir_bytes_per_period);
		tb_params(hz, tp.pir, tp.pbs, &tr->pir_period,
			&tr->pir_bytes_per_period);
		mp->has_bytes = 1;
		mp->trtcm = 1;
	} else if (pc->rate_kbps != 0) {
		sr = &mp->bytes_prof.sr;
		sp.cir = (uint64_t)pc->rate_kbps * KBIT_BYTES;
		sp.cbs = burst_kb * KBIT_BYTES;
		sp.ebs = 0;
		ret = rte_meter_srtcm_profile_config(sr, &sp);
		tb_params(hz, sp.cir, sp.cbs, &sr->cir_period,
			&sr->cir_bytes_per_period);
		mp->has_bytes = 1;
	}
	if (ret == 0 && pc->pps != 0) {
		/* Every frame is one "byte"; a tenth of a second of burst. */
		sr = &mp->pkts_prof;
		sp.cir = pc->pps;
		sp.cbs = RTE_MAX(pc->pps / 10, MVT_POLICY_PPS_BURST_MIN);
		sp.ebs = 0;
		ret = rte_meter_srtcm_profile_config(sr, &sp);
		tb_params(hz, sp.cir, sp.cbs, &sr->cir_period,
			&sr->cir_bytes_per_period);
		mp->has_pkts = 1;
	}
	if (ret != 0)
		return mvt_err(err, errlen,
			"%s: rte_meter refused the rates (%d)", label, ret);
	return 0;
}

/*
 * Install @p mp in one direction. A meter of the same kind as before keeps
 * its state (tokens and time): no refill. A new meter starts full, at the
 * latest time this direction metered a frame, or at its first frame.
 */
static void
apply_plan(struct mvt_policy_meters_ *m, const struct meter_plan *mp,
	uint8_t mode)
{
	int keep;

	if (mode != MVT_POLICY_MODE_METER_)
		mp = NULL;

	rte_spinlock_lock(&m->lock);
	if (mp != NULL && mp->has_bytes) {
		keep = m->has_bytes && m->trtcm == mp->trtcm;
		m->trtcm = mp->trtcm;
		if (mp->trtcm) {
			m->bytes_prof.tr = mp->bytes_prof.tr;
			if (!keep) {
				rte_meter_trtcm_config(&m->bytes.tr,
					&m->bytes_prof.tr);
				m->bytes.tr.time_tc = m->last_tsc;
				m->bytes.tr.time_tp = m->last_tsc;
			}
		} else {
			m->bytes_prof.sr = mp->bytes_prof.sr;
			if (!keep) {
				rte_meter_srtcm_config(&m->bytes.sr,
					&m->bytes_prof.sr);
				m->bytes.sr.time = m->last_tsc;
			}
		}
		m->has_bytes = 1;
	} else {
		m->has_bytes = 0;
	}
	if (mp != NULL && mp->has_pkts) {
		m->pkts_prof = mp->pkts_prof;
		if (!m->has_pkts) {
			rte_meter_srtcm_config(&m->pkts, &m->pkts_prof);
			m->pkts.time = m->last_tsc;
		}
		m->has_pkts = 1;
	} else {
		m->has_pkts = 0;
	}
	rte_spinlock_unlock(&m->lock);
	/* Release: a worker that sees the mode sees the meters with it. */
	__atomic_store_n(&m->mode, mode, __ATOMIC_RELEASE);
}

static uint8_t
dir_mode(const struct mvt_policy_conf *pc, unsigned int dir)
{
	if (pc->dir != MVT_POLICY_DIR_BOTH && pc->dir != dir)
		return MVT_POLICY_MODE_OFF_;
	if (pc->action == MVT_POLICY_DENY)
		return MVT_POLICY_MODE_DENY_;
	return MVT_POLICY_MODE_METER_;
}

static void
apply_conf(struct mvt_policy *p, const struct mvt_policy_conf *pc,
	const struct meter_plan *mp, uint64_t tsc_hz)
{
	unsigned int d;

	for (d = 0; d < MVT_POLICY_DIRS; d++)
		apply_plan(&p->dir[d], mp, dir_mode(pc, d));
	p->conf = *pc;
	mvt_policy_conf_fill_defaults(&p->conf);
	p->tsc_hz = tsc_hz;
}

/* The prefix of create/update errors: "policy NAME" or "policy MAC". */
static const char *
policy_label(const struct mvt_policy_conf *pc, char *buf, size_t len)
{
	char mac[MVT_MAC_STRLEN];

	if (memchr(pc->name, '\0', sizeof(pc->name)) != NULL &&
			pc->name[0] != '\0') {
		snprintf(buf, len, "policy %s", pc->name);
	} else {
		mvt_mac_format(pc->mac, mac);
		snprintf(buf, len, "policy %s", mac);
	}
	return buf;
}

struct mvt_policy *
mvt_policy_create(const struct mvt_policy_conf *pc, uint64_t tsc_hz,
	char *err, size_t errlen)
{
	char label[MVT_POLICY_NAME_MAX + 16];
	struct meter_plan mp;
	struct mvt_policy *p;
	unsigned int d;

	policy_label(pc, label, sizeof(label));
	if (mvt_policy_conf_check(pc, label, err, errlen) != 0 ||
			plan_meters(pc, tsc_hz, &mp, label, err, errlen) != 0) {
		rte_errno = EINVAL;
		return NULL;
	}
	p = rte_zmalloc("mvt_policy", sizeof(*p), RTE_CACHE_LINE_SIZE);
	if (p == NULL) {
		mvt_err(err, errlen, "%s: out of memory", label);
		rte_errno = ENOMEM;
		return NULL;
	}
	for (d = 0; d < MVT_POLICY_DIRS; d++) {
		rte_spinlock_init(&p->dir[d].lock);
		p->dir[d].last_tsc = MVT_POLICY_TSC_UNSET_;
	}
	apply_conf(p, pc, &mp, tsc_hz);
	return p;
}

int
mvt_policy_update(struct mvt_policy *p, const struct mvt_policy_conf *pc,
	uint64_t tsc_hz, char *err, size_t errlen)
{
	char label[MVT_POLICY_NAME_MAX + 16];
	char mac[MVT_MAC_STRLEN];
	struct meter_plan mp;
	int ret;

	policy_label(pc, label, sizeof(label));
	ret = mvt_policy_conf_check(pc, label, err, errlen);
	if (ret != 0)
		return ret;
	if (pc->mac != p->conf.mac) {
		mvt_mac_format(pc->mac, mac);
		return mvt_err(err, errlen,
			"%s mac=%s: a policy's MAC cannot change", label, mac);
	}
	ret = plan_meters(pc, tsc_hz, &mp, label, err, errlen);
	if (ret != 0)
		return ret;
	apply_conf(p, pc, &mp, tsc_hz);
	return 0;
}

void
mvt_policy_free(struct mvt_policy *p)
{
	rte_free(p);
}

const struct mvt_policy_conf *
mvt_policy_get_conf(const struct mvt_policy *p)
{
	return &p->conf;
}

void
mvt_policy_read(const struct mvt_policy *p, unsigned int dir,
	struct mvt_policy_counters *out)
{
	const struct mvt_policy_counters *c;
	unsigned int w;

	memset(out, 0, sizeof(*out));
	if (dir >= MVT_POLICY_DIRS)
		return;
	for (w = 0; w < MVT_MAX_WORKERS; w++) {
		c = &p->worker[w].ctr[dir];
		out->conform_pkts += mvt_ctr_read(&c->conform_pkts);
		out->conform_bytes += mvt_ctr_read(&c->conform_bytes);
		out->exceed_pkts += mvt_ctr_read(&c->exceed_pkts);
		out->exceed_bytes += mvt_ctr_read(&c->exceed_bytes);
	}
}

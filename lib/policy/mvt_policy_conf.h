/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#ifndef MVT_POLICY_CONF_H
#define MVT_POLICY_CONF_H

/**
 * @file
 * One policy as configured, its limits and its checks: what the
 * configuration parser (mvt_conf.h) fills and the policy module
 * (mvt_policy.h) applies. The parser of a policy SPEC lives with the other
 * parsers, in mvt_conf.h.
 */

#include <stddef.h>
#include <stdint.h>

#define MVT_POLICY_NAME_MAX 32		/**< policy name, with NUL */
#define MVT_POLICY_RATE_MAX 1000000000u	/**< kbit/s (1 Tbit/s) */
#define MVT_POLICY_BURST_MAX 1000000000u	/**< kbit */
#define MVT_POLICY_PPS_MAX 1000000000u	/**< frames per second */
#define MVT_POLICY_BURST_DEFAULT 8000u	/**< kbit, OVS's default burst */
#define MVT_POLICY_PPS_BURST_MIN 32u	/**< frames: least packet bucket */
#define MVT_POLICY_SPEC_MAX 1024	/**< a --policy SPEC, with NUL */

/** Direction of a frame relative to a policy's MAC. */
enum mvt_policy_dir {
	MVT_POLICY_DIR_IN = 0,	/**< the frame's destination is the MAC */
	MVT_POLICY_DIR_OUT = 1,	/**< the frame's source is the MAC */
	MVT_POLICY_DIR_BOTH = 2, /**< configuration only: in and out */
};

/** Directions a frame can have: the size of per-direction arrays. */
#define MVT_POLICY_DIRS 2

enum mvt_policy_action {
	MVT_POLICY_ALLOW = 0,	/**< meter, drop what is not green */
	MVT_POLICY_DENY = 1,	/**< drop every frame */
};

/**
 * The keys of a policy SPEC, one row each, in the order of the usage text
 * and of the "unknown key" error line:
 *
 *   X(id, key, type, min, max, def, field, pos, arg, unit, help)
 *
 * id     the row's name (MVT_POPT_<id> in mvt_conf_opts.h)
 * key    the SPEC and INI key
 * type   how the value is parsed (MVT_OPT_T_<type> in mvt_conf_opts.h):
 *        AMOUNT is a number of @p unit, 0..max (its min is 0); the
 *        others have a parser of their own
 * min, max  the range of a number, or a name's length
 * def    the default the usage text names ({def}), 0 for none
 * field  MVT_OPT_F(member of struct mvt_policy_conf), or MVT_OPT_NOF
 * pos    position of the key in the "unknown key" line's list
 * arg    what the usage text shows after "key="
 * unit   the unit of an AMOUNT, in its error lines
 * help   the usage text: '\n' starts another line; {min}, {max} and {def}
 *        stand for the numbers of the row
 *
 * mvt_policy_conf_check() checks the ranges of the AMOUNT rows; the
 * parser (lib/conf) generates its lookup, error lines and usage from it.
 */
/* clang-format off */
#define MVT_POLICY_OPTS(X) \
	X(MAC, "mac", MAC, 0, 0, 0, MVT_OPT_F(mac), 0, "MAC", NULL, \
		"required: frames to and from this address") \
	X(NAME, "name", NAME, 1, MVT_POLICY_NAME_MAX - 1, 0, \
		MVT_OPT_F(name), 1, "NAME", NULL, "default: the MAC") \
	X(RATE, "rate", AMOUNT, 0, MVT_POLICY_RATE_MAX, 0, \
		MVT_OPT_F(rate_kbps), 2, "KBPS", "kbit/s", \
		"byte rate in kbit/s (srTCM: cir = rate*1000/8 bytes/s)") \
	X(BURST, "burst", AMOUNT, 0, MVT_POLICY_BURST_MAX, \
		MVT_POLICY_BURST_DEFAULT, MVT_OPT_F(burst_kb), 3, "KB", "kbit", \
		"with rate=: bucket size in kbit (default {def})") \
	X(PEAK, "peak", AMOUNT, 0, MVT_POLICY_RATE_MAX, 0, \
		MVT_OPT_F(peak_kbps), 4, "KBPS", "kbit/s", \
		"with rate=: peak rate in kbit/s, trTCM (at least rate)") \
	X(PPS, "pps", AMOUNT, 0, MVT_POLICY_PPS_MAX, 0, MVT_OPT_F(pps), 5, \
		"N", "packets per second", "packets per second") \
	X(DIR, "dir", DIR, 0, 0, 0, MVT_OPT_F(dir), 6, "in|out|both", NULL, \
		"frames to the MAC, from it, or both (default both)") \
	X(ACTION, "action", ACTION, 0, 0, 0, MVT_OPT_F(action), 7, \
		"allow|deny", NULL, \
		"allow: meter, drop the excess (default); deny: drop all\n" \
		"allow needs rate=, pps= or both")
/* clang-format on */

/** One policy as configured. */
struct mvt_policy_conf {
	char name[MVT_POLICY_NAME_MAX];
	uint64_t mac;		/**< MAC key (mvt_common.h), unicast */
	uint32_t rate_kbps;	/**< kbit/s, 0: no byte-rate limit */
	uint32_t burst_kb;	/**< kbit, 0: MVT_POLICY_BURST_DEFAULT */
	uint32_t peak_kbps;	/**< kbit/s, >0: trTCM with this peak rate */
	uint32_t pps;		/**< frames per second, 0: no limit */
	uint8_t dir;		/**< enum mvt_policy_dir */
	uint8_t action;		/**< enum mvt_policy_action */
};

/**
 * Set @p pc to the defaults: no MAC, no name, no limits, dir=both,
 * action=allow. Thread-safe (touches only @p pc).
 */
void mvt_policy_conf_init(struct mvt_policy_conf *pc);

/**
 * Check a policy configuration, however it was filled: a unicast MAC, a
 * known dir and action, numbers within their maximums, an allow policy
 * with rate= or pps=, a deny policy with neither, burst= and peak= only
 * with rate=, peak at least rate. Thread-safe.
 *
 * @param prefix  start of the error line, e.g. "--policy"
 * @return 0, or -EINVAL with one line in @p err.
 */
int mvt_policy_conf_check(const struct mvt_policy_conf *pc,
	const char *prefix, char *err, size_t errlen);

/**
 * Fill the defaults of a checked policy that depend on other fields: the
 * name (the MAC as text) and, with rate=, the burst
 * (MVT_POLICY_BURST_DEFAULT). Thread-safe.
 */
void mvt_policy_conf_fill_defaults(struct mvt_policy_conf *pc);

/** "in", "out", "both", or NULL for another value. Thread-safe. */
const char *mvt_policy_dir_name(unsigned int dir);

/** "allow", "deny", or NULL for another value. Thread-safe. */
const char *mvt_policy_action_name(unsigned int action);

#endif /* MVT_POLICY_CONF_H */

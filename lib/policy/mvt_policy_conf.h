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

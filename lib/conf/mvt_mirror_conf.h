/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#ifndef MVT_MIRROR_CONF_H
#define MVT_MIRROR_CONF_H

/**
 * @file
 * A mirror, as /mvtap/mirror takes it:
 *
 *   name=NAME,src=PORT[+PORT...],dst=PORT[,dir=in|out|both]
 *
 * A PORT is an endpoint's name, "lower" or "host". dir is from the
 * sources' side (in: what they received), both by default.
 */

#include <stddef.h>

#include "mvt_conf.h"

/** Source ports of one mirror. */
#define MVT_MIRROR_SRC_MAX 16

struct mvt_mirror_conf {
	char name[MVT_NAME_MAX];
	char src[MVT_MIRROR_SRC_MAX][MVT_NAME_MAX];
	unsigned int n_src;
	char dst[MVT_NAME_MAX];
	unsigned int dirs;		/**< 1: in, 2: out, 3: both */
};

/**
 * Parse @p spec into @p mc.
 *
 * @return 0, or -EINVAL with one line in @p err naming the bad key, e.g.
 *   "mirror dir=up: expected in, out or both".
 */
int mvt_conf_parse_mirror(const char *spec, struct mvt_mirror_conf *mc,
	char *err, size_t errlen);

#endif /* MVT_MIRROR_CONF_H */

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#ifndef MVT_CAPTURE_CONF_H
#define MVT_CAPTURE_CONF_H

/**
 * @file
 * A capture request, as /mvtap/capture takes it:
 *
 *   port=NAME,file=PATH[,dir=in|out|both][,count=N][,snaplen=N][,filter=EXPR]
 *
 * filter= comes last and takes the rest of the spec, commas included, so
 * that any pcap-filter(7) expression fits.
 */

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "mvt_conf.h"

#define MVT_CAPTURE_FILTER_MAX 1024

struct mvt_capture_conf {
	char port[MVT_NAME_MAX];	/**< an endpoint, "lower" or "host" */
	char file[PATH_MAX];		/**< absolute path: file or FIFO */
	unsigned int dirs;		/**< 1: in, 2: out, 3: both (default) */
	uint64_t count;			/**< 0 (default): until stopped */
	uint32_t snaplen;		/**< 0 (default): whole frames */
	char filter[MVT_CAPTURE_FILTER_MAX];	/**< "": every frame */
};

/**
 * Parse @p spec into @p cc.
 *
 * @return 0, or -EINVAL with one line in @p err naming the bad key, e.g.
 *   "capture dir=up: expected in, out or both".
 */
int mvt_conf_parse_capture(const char *spec, struct mvt_capture_conf *cc,
	char *err, size_t errlen);

#endif /* MVT_CAPTURE_CONF_H */

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#ifndef MVT_LOG_H
#define MVT_LOG_H

/**
 * @file
 * The "mvtap" log type. Control-path code logs with MVT_LOG(); the data
 * path never logs per frame.
 */

#include <rte_log.h>

extern int mvt_logtype;

#define MVT_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, mvt_logtype, "mvtap: " fmt "\n", \
		##__VA_ARGS__)

#endif /* MVT_LOG_H */

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#ifndef MVT_SWITCH_H
#define MVT_SWITCH_H

/**
 * @file
 * The switch: builds everything a configuration describes -- the mbuf
 * pool, the RCU variable, the MAC table, the endpoint table snapshot, the
 * lower device, the vhost-user endpoints and one worker per worker lcore --
 * starts and stops the workers, and reads the counters. Control path only:
 * call it from the main lcore.
 */

#include <stddef.h>
#include <stdio.h>

#include "mvt_conf.h"
#include "mvt_stats.h"

struct mvt_switch;

/**
 * Build a switch from @p c (already validated). On failure nothing is left
 * behind: sockets are removed, a probed lower device is removed.
 *
 * @return the switch, or NULL with one line in @p err.
 */
struct mvt_switch *mvt_switch_create(const struct mvt_conf *c, char *err,
	size_t errlen);

/** Launch the workers on every worker lcore. @return 0 or -1. */
int mvt_switch_start(struct mvt_switch *sw);

/** Stop the workers and wait for them. */
void mvt_switch_stop(struct mvt_switch *sw);

/** Unregister sockets, close ports, free everything. */
void mvt_switch_destroy(struct mvt_switch *sw);

/** Number of worker lcores. */
unsigned int mvt_switch_nb_workers(const struct mvt_switch *sw);

/**
 * Counters of a port: an endpoint index (its position in the
 * configuration), MVT_PORT_LOWER or MVT_PORT_HOST.
 */
void mvt_switch_port_counters(const struct mvt_switch *sw, unsigned int port,
	struct mvt_port_counters *out);

/** One summary line (no newline): totals per port. */
void mvt_switch_stats_line(const struct mvt_switch *sw, char *buf,
	size_t len);

/** Every port's counters, one line each, drops by reason. */
void mvt_switch_print_counters(const struct mvt_switch *sw, FILE *f);

#endif /* MVT_SWITCH_H */

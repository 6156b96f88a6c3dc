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

/**
 * Stop the workers and wait for them, @p seconds at most. A worker that
 * has not returned by then is stuck; the switch can then only be
 * abandoned (mvt_switch_abandon()), not destroyed.
 *
 * @return 0 once every worker returned, or -1 with the lcore of the
 *   first one that did not in @p stuck_lcore.
 */
int mvt_switch_stop_within(struct mvt_switch *sw, unsigned int seconds,
	unsigned int *stuck_lcore);

/**
 * Leave a switch whose worker is stuck, for a process that exits next:
 * print the counters as mvt_switch_print_counters() does to @p f if no
 * live change holds the switch (one may be waiting for the stuck worker),
 * else one line saying why not; remove the files of the vhost-user server
 * sockets, which would outlive the process. Nothing is freed: the worker
 * may still use it. Kernel interfaces (type=tap endpoints, a net_tap
 * lower) go with the process's descriptors.
 */
void mvt_switch_abandon(struct mvt_switch *sw, FILE *f);

/** Unregister sockets, close ports, free everything. */
void mvt_switch_destroy(struct mvt_switch *sw);

/** Number of worker lcores. */
unsigned int mvt_switch_nb_workers(const struct mvt_switch *sw);

/**
 * Counters of a port: an endpoint index (its position in the
 * configuration), MVT_PORT_LOWER or MVT_PORT_HOST.
 */
/**
 * Counter ports of the lowers: segment @p s's lower (0: MVT_PORT_LOWER)
 * and its host port (0: MVT_PORT_HOST), as mvt_switch_port_counters()
 * takes them; segments are the lowers in the order of the configuration.
 */
#define MVT_SWITCH_LOWER(s) (MVT_PORT_LOWER + 2 * (s))
#define MVT_SWITCH_HOST(s) (MVT_PORT_HOST + 2 * (s))

void mvt_switch_port_counters(const struct mvt_switch *sw, unsigned int port,
	struct mvt_port_counters *out);

/**
 * One summary line (no newline): totals per port. Does not wait for a
 * live change (see mvt_switch_sample()).
 *
 * @return 0, or -EBUSY with nothing written while a live change runs.
 */
int mvt_switch_stats_line(struct mvt_switch *sw, char *buf, size_t len);

/** Every port's counters, one line each, drops by reason; lcore cycles. */
void mvt_switch_print_counters(struct mvt_switch *sw, FILE *f);

/*
 * Live changes, while the workers forward. Each is serialised with the
 * others and with reports, publishes new tables and returns once no worker
 * can see the old state. Each returns 0, or -1 with one line in err.
 */

/** Add an endpoint from a command-line SPEC; its socket is created. */
int mvt_switch_add_endpoint(struct mvt_switch *sw, const char *spec,
	char *err, size_t errlen);

/**
 * Remove an endpoint: nobody sends to it, nobody polls it, then its
 * socket closes and its MAC is freed.
 */
int mvt_switch_del_endpoint(struct mvt_switch *sw, const char *name,
	char *err, size_t errlen);

/** Change an endpoint's mode (never to or from passthru, as Linux). */
int mvt_switch_set_mode(struct mvt_switch *sw, const char *name,
	const char *mode, char *err, size_t errlen);

/**
 * Add a policy from a --policy SPEC, or change the one with the same MAC
 * and direction (its meters keep their state and counters).
 */
int mvt_switch_set_policy(struct mvt_switch *sw, const char *spec,
	char *err, size_t errlen);

/** Remove every policy of a MAC. */
int mvt_switch_del_policy(struct mvt_switch *sw, const char *mac,
	char *err, size_t errlen);

/**
 * Whether endpoint slot @p id owns its MAC: frames to the MAC go to it.
 * Only an endpoint that shares its MAC (standby=1) may not; the one
 * whose guest connected last owns it (see mvt_switch_sample()).
 */
int mvt_switch_ep_owns_mac(const struct mvt_switch *sw, uint16_t id);

/**
 * Sample the load: workers' busy cycles and endpoints' receive rates since
 * the previous call. The control loop calls it periodically; placement of
 * new endpoints and mvt_switch_rebalance() use the last sample.
 * It also gives each shared MAC (standby=1) to the endpoint whose guest
 * connected last, so a MAC follows its guest within a sample period of
 * the guest's connection (the control loop samples every 100 ms).
 *
 * It does not wait for a live change, which can itself wait long for a
 * slow worker: the control loop must go on noticing signals meanwhile.
 *
 * @return 0, or -EBUSY with no sample taken while a live change runs.
 */
int mvt_switch_sample(struct mvt_switch *sw);

/**
 * Reassign every endpoint queue pair to a worker, heaviest (by measured
 * receive rate) first, each to the least loaded worker.
 */
int mvt_switch_rebalance(struct mvt_switch *sw, char *err, size_t errlen);

/**
 * Set how long, at most, a worker sleeps after iterations of little work
 * (--max-sleep-us), from the decimal @p value; the workers take it at
 * their next iteration.
 *
 * @return 0, or -1 with one line in @p err.
 */
int mvt_switch_set_max_sleep(struct mvt_switch *sw, const char *value,
	char *err, size_t errlen);

/**
 * Add (@p add = 1) or remove a MAC from a source-mode endpoint's list;
 * with @p mac NULL, empty the list.
 */
int mvt_switch_source(struct mvt_switch *sw, const char *name,
	const char *mac, int add, char *err, size_t errlen);

/** Captures that can run at once. */
#define MVT_SWITCH_CAPTURES_MAX 16

struct mvt_capture_stats;

/**
 * Start a capture (mvt_capture_conf.h gives the SPEC: port=, file=, dir=,
 * count=, snaplen=, filter=) of an endpoint, of "lower" or of "host". The
 * file is created (or a FIFO opened, which must have a reader); one
 * capture per port.
 *
 * @return 0, or -1 with one line in @p err.
 */
int mvt_switch_capture_start(struct mvt_switch *sw, const char *spec,
	char *err, size_t errlen);

/**
 * Stop the capture of port @p port: the workers stop copying, the writer
 * writes what they queued, and the stream is closed. Its last counters go
 * to @p st (may be NULL).
 *
 * @return 0, or -1 with one line in @p err ("no capture of NAME").
 */
int mvt_switch_capture_stop(struct mvt_switch *sw, const char *port,
	struct mvt_capture_stats *st, char *err, size_t errlen);

/**
 * Stop the captures that are done (count reached, or their reader went
 * away). For the control loop: it does not wait for the control lock.
 */
void mvt_switch_capture_reap(struct mvt_switch *sw);

/**
 * Add a mirror (mvt_conf.h gives the SPEC: name=, src=, dst=,
 * dir=): what its sources receive and/or send is also sent to dst. A port
 * is the source of one mirror at most, and a destination is no source.
 *
 * @return 0, or -1 with one line in @p err.
 */
int mvt_switch_add_mirror(struct mvt_switch *sw, const char *spec,
	char *err, size_t errlen);

/** Remove mirror @p name. @return 0, or -1 ("no mirror named NAME"). */
int mvt_switch_del_mirror(struct mvt_switch *sw, const char *name,
	char *err, size_t errlen);

#endif /* MVT_SWITCH_H */

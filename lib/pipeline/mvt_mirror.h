/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#ifndef MVT_MIRROR_H
#define MVT_MIRROR_H

/**
 * @file
 * Port mirroring: what source ports receive and/or send is also sent to
 * one destination port, as a port mirror on a hardware switch (or OVS's
 * mirror with output-port) does.
 *
 * A mirror is attached to each of its source ports (mvt_port.mirror); the
 * workers give each frame a reference more and queue it for the mirror's
 * destination, in an output buffer of their own per mirror, flushed with
 * the others at the end of the burst. The copies count only in the
 * mirror's own counters: neither the sources' nor the destination's
 * counters change, and a copy the destination does not take is dropped
 * and counted here, never retried, so forwarding is not slowed.
 *
 * A copy is the frame itself, with one reference more, unless the
 * destination cannot take it as it is: a frame that asks for offloads
 * the destination does not do gets the work done on a copy of its own,
 * and a chain (software segments are chains) for a destination that
 * takes no chains is copied into one mbuf.
 *
 * A destination is never a source of any mirror, so copies are never
 * mirrored again.
 */

#include <stdint.h>

#include "mvt_build_config.h"
#include "mvt_drop.h"
#include "mvt_port.h"
#include "mvt_stats.h"

/** Directions, from the source port's side. */
#define MVT_MIRROR_IN 1U	/**< what the port received */
#define MVT_MIRROR_OUT 2U	/**< what the port sent */

/*
 * One worker's counters of a mirror: tx_packets and tx_bytes are the
 * copies the destination took, drops[] those it did not, by reason; the
 * rest stays 0.
 */
struct mvt_mirror_worker {
	struct mvt_port_counters c;
} __rte_cache_aligned;

struct mvt_mirror {
	uint16_t id;			/**< 0 .. MVT_MIRRORS_MAX - 1 */
	uint8_t dirs;			/**< MVT_MIRROR_IN and/or _OUT */
	struct mvt_port *dst;
	struct mvt_mirror_worker worker[MVT_MAX_WORKERS];
};

/**
 * A mirror numbered @p id (unique among the live ones) of directions
 * @p dirs to port @p dst; zeroed counters. NULL when out of memory.
 */
struct mvt_mirror *mvt_mirror_create(uint16_t id, unsigned int dirs,
	struct mvt_port *dst);

/** Sum the counters of @p m over the workers into @p out. */
void mvt_mirror_read(const struct mvt_mirror *m,
	struct mvt_port_counters *out);

/** Free @p m, which no worker may still reach. NULL: nothing. */
void mvt_mirror_free(struct mvt_mirror *m);

#endif /* MVT_MIRROR_H */

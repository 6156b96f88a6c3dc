/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#ifndef MVT_SLEEP_H
#define MVT_SLEEP_H

/**
 * @file
 * Sleeping when idle, woken by arrivals: the descriptors one worker's
 * queues signal when frames arrive (mvt_port_rx_wake()), in an epoll set
 * of its own, and the wait on them, which an arrival ends at once and a
 * timeout otherwise. A queue is a slot: the worker's poll list entries by
 * their index, then its lower and host queues (mvt_sleep_slot_lower()).
 * Only the worker that owns it uses a mvt_sleep.
 */

#include <stdint.h>

#include "mvt_conf.h"
#include "mvt_pollsched.h"

/**
 * Slots: a poll list's entries, a lower and a host queue per segment, and
 * what other workers hand this one (mvt_sleep_slot_handoff()).
 */
#define MVT_SLEEP_SLOTS (MVT_POLL_MAX + 2 * MVT_LOWERS_MAX + 1)

/** Arrivals one wait reports at most; more end it as well. */
#define MVT_SLEEP_EVENTS 32

/** The slot of segment @p seg's lower queue (@p host 0) or host queue (1). */
static inline uint32_t
mvt_sleep_slot_lower(uint16_t seg, int host)
{
	return MVT_POLL_MAX + 2u * seg + (host ? 1u : 0u);
}

/** The slot of the eventfd that hand-overs to this worker write. */
static inline uint32_t
mvt_sleep_slot_handoff(void)
{
	return MVT_POLL_MAX + 2u * MVT_LOWERS_MAX;
}

struct mvt_sleep {
	int ep;			/**< the epoll set, -1: none */
	uint32_t polls_gen;	/**< poll list generation of the slots */
	uint32_t step_us;	/**< the next sleep, 0: awake */
	uint32_t low_loops;	/**< iterations of little work in a row */
	uint8_t armed;		/**< the queues signal arrivals */
	uint32_t woke[MVT_SLEEP_EVENTS];	/**< slots of the last wait */
	/** What each slot's descriptor is in the set, fd -1: none. */
	struct {
		int fd;
		uint32_t gen;
	} slot[MVT_SLEEP_SLOTS];
};

/** Make @p s empty: no set yet (mvt_sleep_reset() makes one). */
void mvt_sleep_init(struct mvt_sleep *s);

/** Close the set. */
void mvt_sleep_fini(struct mvt_sleep *s);

/**
 * Start a new set for the slots of poll list generation @p polls_gen:
 * the descriptors of the last one may be gone or another's. The steps of
 * the sleeps go on as they were.
 *
 * @return 0, or -errno (no set: every wait is then a timeout).
 */
int mvt_sleep_reset(struct mvt_sleep *s, uint32_t polls_gen);

/**
 * Slot @p i's descriptor is @p fd (-1: none), of generation @p gen: put
 * it in the set unless it is there already. A descriptor closed since
 * left the set by itself.
 */
void mvt_sleep_watch(struct mvt_sleep *s, uint32_t i, int fd, uint32_t gen);

/**
 * Wait at most @p us microseconds for an arrival on a descriptor of the
 * set (each counts once: EPOLLET).
 *
 * @return the slots that signalled, in s->woke[0 .. return - 1]; 0 when
 *   the time ran out.
 */
uint16_t mvt_sleep_wait(struct mvt_sleep *s, uint32_t us);

#endif /* MVT_SLEEP_H */

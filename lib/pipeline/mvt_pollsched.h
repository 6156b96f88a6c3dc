/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#ifndef MVT_POLLSCHED_H
#define MVT_POLLSCHED_H

/**
 * @file
 * Which endpoint queues a worker polls in one loop.
 *
 * Polling an empty virtqueue is not free (a vhost call, a look at the
 * ring the guest shares), and a switch with hundreds of connected but
 * silent endpoints would spend most of a busy loop on them: the cost per
 * forwarded frame would grow with the number of endpoints. So a worker
 * keeps the entries of its poll list in two sets:
 *  - busy: polled every loop; an entry that comes back empty
 *    MVT_POLL_IDLE_AFTER times in a row becomes idle;
 *  - idle: polled in turn, MVT_POLL_IDLE_SWEEP per loop; an idle entry
 *    that returns frames is busy again at once.
 * An endpoint that starts sending waits at most n_idle / MVT_POLL_IDLE_SWEEP
 * loops for its first poll (its virtqueue holds the frames meanwhile): a
 * few microseconds when the worker has nothing else to do, whose loops are
 * short, and well under a millisecond at full load with hundreds of idle
 * queues. One that sends keeps its poll every loop.
 *
 * Even a loop that moved nothing polls no more idle entries than that:
 * sweeping hundreds of rings at once would evict from the caches what the
 * busy queues need when their next frames come.
 *
 * The state is the worker's own (no sharing, no atomics) and is for one
 * poll list, known by its generation number: a new list (placement,
 * rebalance) starts with every entry busy. The worker loop drives it as:
 *
 *   for (j = 0; j < s->n_busy; )
 *           j = mvt_sched_busy_done(s, j, poll(list[s->busy[j]]));
 *   for (k = mvt_sched_idle_budget(s); k > 0 && s->n_idle > 0; k--)
 *           mvt_sched_idle_done(s, poll(list[mvt_sched_idle_next(s)]));
 */

#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>

#include "mvt_common.h"
#include "mvt_conf.h"

/** Empty polls in a row after which a busy entry becomes idle. */
#define MVT_POLL_IDLE_AFTER 64
/** Idle entries polled per loop while the worker moves frames. */
#define MVT_POLL_IDLE_SWEEP 4
/** Entries a poll list can have. */
#define MVT_POLL_MAX (MVT_MAX_ENDPOINTS * MVT_QUEUES_MAX)

struct mvt_sched {
	uint32_t gen;		/**< generation of the list this state is for */
	uint16_t n_busy;
	uint16_t n_idle;
	uint16_t sweep;		/**< position in idle[] of the next idle poll */
	uint16_t busy[MVT_POLL_MAX];	/**< list indexes, polled every loop */
	uint16_t idle[MVT_POLL_MAX];	/**< list indexes, polled in turn */
	uint16_t empty[MVT_POLL_MAX];	/**< by list index: empty polls in a row */
};

/** Start over, all busy: poll list generation @p gen, @p n entries. */
static inline void
mvt_sched_reset(struct mvt_sched *s, uint32_t gen, uint16_t n)
{
	uint16_t i;

	s->gen = gen;
	s->n_busy = n;
	s->n_idle = 0;
	s->sweep = 0;
	for (i = 0; i < n; i++) {
		s->busy[i] = i;
		s->empty[i] = 0;
	}
}

/**
 * Busy entry busy[@p j] returned @p got frames.
 *
 * @return the position of the next busy entry to poll: j + 1, or j when
 *   the entry went idle and busy[j] is now another one.
 */
static inline uint16_t
mvt_sched_busy_done(struct mvt_sched *s, uint16_t j, uint16_t got)
{
	uint16_t idx = s->busy[j];

	if (likely(got > 0)) {
		s->empty[idx] = 0;
		return j + 1;
	}
	if (++s->empty[idx] < MVT_POLL_IDLE_AFTER)
		return j + 1;
	s->busy[j] = s->busy[--s->n_busy];
	s->idle[s->n_idle++] = idx;
	return j;
}

/** How many idle entries to poll in this loop. */
static inline uint16_t
mvt_sched_idle_budget(const struct mvt_sched *s)
{
	return RTE_MIN(s->n_idle, (uint16_t)MVT_POLL_IDLE_SWEEP);
}

/** The list index of the idle entry to poll now. */
static inline uint16_t
mvt_sched_idle_next(struct mvt_sched *s)
{
	if (s->sweep >= s->n_idle)
		s->sweep = 0;
	return s->idle[s->sweep];
}

/**
 * The idle entry mvt_sched_idle_next() gave returned @p got frames: it is
 * busy again if it returned any.
 */
static inline void
mvt_sched_idle_done(struct mvt_sched *s, uint16_t got)
{
	uint16_t idx = s->idle[s->sweep];

	if (likely(got == 0)) {
		s->sweep++;
		return;
	}
	s->idle[s->sweep] = s->idle[--s->n_idle];
	s->empty[idx] = 0;
	s->busy[s->n_busy++] = idx;
}

/**
 * Entry @p idx signalled an arrival (the worker slept): make it busy, so
 * that the next loop polls it, if it is idle.
 */
static inline void
mvt_sched_wake(struct mvt_sched *s, uint16_t idx)
{
	uint16_t i;

	if (s->empty[idx] < MVT_POLL_IDLE_AFTER)
		return;
	for (i = 0; i < s->n_idle && s->idle[i] != idx; i++)
		;
	if (i == s->n_idle)
		return;
	s->idle[i] = s->idle[--s->n_idle];
	s->empty[idx] = 0;
	s->busy[s->n_busy++] = idx;
}

#endif /* MVT_POLLSCHED_H */

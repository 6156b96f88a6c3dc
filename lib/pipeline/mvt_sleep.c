/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#include <errno.h>
#include <poll.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include <rte_common.h>

#include "mvt_sleep.h"

/* No slot has a descriptor in the set. */
static void
forget_slots(struct mvt_sleep *s)
{
	uint32_t i;

	for (i = 0; i < RTE_DIM(s->slot); i++)
		s->slot[i].fd = -1;
}

void
mvt_sleep_init(struct mvt_sleep *s)
{
	s->ep = -1;
	s->polls_gen = 0;
	s->step_us = 0;
	s->low_loops = 0;
	s->armed = 0;
	forget_slots(s);
}

void
mvt_sleep_fini(struct mvt_sleep *s)
{
	if (s->ep >= 0)
		close(s->ep);
	s->ep = -1;
}

int
mvt_sleep_reset(struct mvt_sleep *s, uint32_t polls_gen)
{
	mvt_sleep_fini(s);
	forget_slots(s);
	s->polls_gen = polls_gen;
	s->ep = epoll_create1(EPOLL_CLOEXEC);
	return s->ep >= 0 ? 0 : -errno;
}

void
mvt_sleep_watch(struct mvt_sleep *s, uint32_t i, int fd, uint32_t gen)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET };

	if (i >= RTE_DIM(s->slot) ||
			(s->slot[i].fd == fd && s->slot[i].gen == gen))
		return;
	s->slot[i].fd = fd;
	s->slot[i].gen = gen;
	if (fd < 0 || s->ep < 0)
		return;
	/*
	 * The old descriptor is not taken out: closed, it left the set; its
	 * number may be another slot's now. The same one, of another slot or
	 * generation, is there already: it is this slot's from now on.
	 */
	ev.data.u32 = i;
	if (epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev) != 0 && errno == EEXIST)
		epoll_ctl(s->ep, EPOLL_CTL_MOD, fd, &ev);
}

uint16_t
mvt_sleep_wait(struct mvt_sleep *s, uint32_t us)
{
	struct epoll_event ev[MVT_SLEEP_EVENTS];
	struct timespec ts = {
		.tv_sec = us / 1000000,
		.tv_nsec = (long)(us % 1000000) * 1000,
	};
	int i, n;

	if (s->ep < 0) {
		nanosleep(&ts, NULL);
		return 0;
	}
	n = epoll_pwait2(s->ep, ev, (int)RTE_DIM(ev), &ts, NULL);
	if (n < 0 && errno == ENOSYS) {
		/* a kernel before 5.11: no wait shorter than a millisecond */
		struct pollfd p = { .fd = s->ep, .events = POLLIN };

		n = ppoll(&p, 1, &ts, NULL) > 0 ?
			epoll_wait(s->ep, ev, (int)RTE_DIM(ev), 0) : 0;
	}
	/* a signal (net_tap's SIGIO, for one): what arrived, if anything */
	if (n < 0 && errno == EINTR)
		n = epoll_wait(s->ep, ev, (int)RTE_DIM(ev), 0);
	for (i = 0; i < n; i++)
		s->woke[i] = ev[i].data.u32;
	return n > 0 ? (uint16_t)n : 0;
}

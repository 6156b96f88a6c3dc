/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

/*
 * Captures of the switch's ports: which port a capture request names, the
 * file it writes, publishing the capture to the workers and taking it back.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <inttypes.h>

#include <rte_cycles.h>
#include <rte_rcu_qsbr.h>

#include "mvt_log.h"
#include "mvt_switch_priv.h"

struct mvt_port *
mvt_switch_port_named(struct mvt_switch *sw, const char *name, char *descr,
	size_t len)
{
	int id = mvt_switch_ep_find(sw, name), g;

	if (id >= 0) {
		snprintf(descr, len, "dpdk-mvtap endpoint %s (%s)", name,
			sw->conf.ep[id].type == MVT_EP_TYPE_TAP ? "tap" :
			"vhost-user");
		return &sw->seg[0].dp.ports[id];
	}
	/* a lower by its name; "lower" is the first in any case */
	g = mvt_conf_lower_find(&sw->conf, name);
	if (g < 0 && strcmp(name, "lower") == 0)
		g = 0;
	if (g >= 0) {
		snprintf(descr, len, "dpdk-mvtap lower device %s",
			sw->conf.lowers[g].dev);
		return &sw->seg[g].lower;
	}
	if (strcmp(name, "host") == 0 &&
			mvt_conf_lower_host_port(&sw->conf, 0)[0] != '\0') {
		snprintf(descr, len, "dpdk-mvtap host port %s",
			mvt_conf_lower_host_port(&sw->conf, 0));
		return &sw->seg[0].host;
	}
	return NULL;
}

static struct mvt_switch_capture *
slot_of(struct mvt_switch *sw, const struct mvt_port *port)
{
	unsigned int i;

	for (i = 0; i < MVT_SWITCH_CAPTURES_MAX; i++)
		if (sw->captures[i].cap != NULL && sw->captures[i].port == port)
			return &sw->captures[i];
	return NULL;
}

/*
 * A regular file is created or truncated; a FIFO must already have its
 * reader (tcpdump -r), or the open would block the telemetry thread.
 */
static int
open_stream(const char *path, char *err, size_t errlen)
{
	int fd, flags;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NONBLOCK | O_CLOEXEC,
		0644);
	if (fd < 0) {
		snprintf(err, errlen, "capture: cannot open %s: %s", path,
			errno == ENXIO ? "a FIFO without a reader" :
			strerror(errno));
		return -1;
	}
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
		snprintf(err, errlen, "capture: %s: %s", path,
			strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int
mvt_switch_capture_start(struct mvt_switch *sw, const char *spec, char *err,
	size_t errlen)
{
	struct mvt_capture_params p;
	struct mvt_switch_capture *slot = NULL;
	struct mvt_capture_conf cc;
	struct mvt_port *port;
	char descr[MVT_DEVARGS_MAX + 64];
	unsigned int i;
	int fd, ret = -1;

	if (mvt_conf_parse_capture(spec, &cc, err, errlen) != 0)
		return -1;
	pthread_mutex_lock(&sw->ctl);
	port = mvt_switch_port_named(sw, cc.port, descr, sizeof(descr));
	if (port == NULL) {
		snprintf(err, errlen, "capture: no port named %s (an endpoint, "
			"lower or host)", cc.port);
		goto out;
	}
	if (slot_of(sw, port) != NULL) {
		snprintf(err, errlen, "capture: %s is already captured",
			cc.port);
		goto out;
	}
	for (i = 0; i < MVT_SWITCH_CAPTURES_MAX && slot == NULL; i++)
		if (sw->captures[i].cap == NULL)
			slot = &sw->captures[i];
	if (slot == NULL) {
		snprintf(err, errlen, "capture: %u captures already run",
			MVT_SWITCH_CAPTURES_MAX);
		goto out;
	}
	fd = open_stream(cc.file, err, errlen);
	if (fd < 0)
		goto out;
	p = (struct mvt_capture_params){
		.port = cc.port,
		.descr = descr,
		.dirs = cc.dirs,
		.snaplen = cc.snaplen,
		.count = cc.count,
		.filter = cc.filter,
		.fd = fd,
		.tsc_hz = sw->tsc_hz,
		.socket = (int)rte_socket_id(),
	};
	slot->cap = mvt_capture_create(&p, err, errlen);
	if (slot->cap == NULL) {
		/* the file stays: it may be a FIFO the caller made */
		goto out;
	}
	slot->port = port;
	slot->conf = cc;
	/* release: the workers see a capture whose writer runs */
	__atomic_store_n(&port->capture, slot->cap, __ATOMIC_RELEASE);
	MVT_LOG(INFO, "capture of %s to %s started", cc.port, cc.file);
	ret = 0;
out:
	pthread_mutex_unlock(&sw->ctl);
	return ret;
}

/* Take @p slot's capture back from the workers, then finish it. */
static int
capture_end(struct mvt_switch *sw, struct mvt_switch_capture *slot,
	struct mvt_capture_stats *st)
{
	struct mvt_capture_stats tmp;
	int ret;

	__atomic_store_n(&slot->port->capture, NULL, __ATOMIC_RELEASE);
	rte_rcu_qsbr_synchronize(sw->seg[0].dp.qsbr, RTE_QSBR_THRID_INVALID);
	if (st == NULL)
		st = &tmp;
	ret = mvt_capture_destroy(slot->cap, st);
	MVT_LOG(INFO, "capture of %s stopped: %" PRIu64 " frames written, %"
		PRIu64 " lost", slot->conf.port, st->written,
		st->ring_full + st->no_mbuf);
	slot->cap = NULL;
	slot->port = NULL;
	slot->done_tsc = 0;
	return ret;
}

int
mvt_switch_capture_stop(struct mvt_switch *sw, const char *port,
	struct mvt_capture_stats *st, char *err, size_t errlen)
{
	struct mvt_switch_capture *slot = NULL;
	unsigned int i;
	int ret = -1;

	pthread_mutex_lock(&sw->ctl);
	for (i = 0; i < MVT_SWITCH_CAPTURES_MAX && slot == NULL; i++)
		if (sw->captures[i].cap != NULL &&
				strcmp(sw->captures[i].conf.port, port) == 0)
			slot = &sw->captures[i];
	if (slot == NULL) {
		snprintf(err, errlen, "no capture of %s", port);
	} else {
		capture_end(sw, slot, st);
		ret = 0;
	}
	pthread_mutex_unlock(&sw->ctl);
	return ret;
}

void
mvt_switch_capture_drop_port(struct mvt_switch *sw, struct mvt_port *port)
{
	struct mvt_switch_capture *slot = slot_of(sw, port);

	if (slot != NULL)
		capture_end(sw, slot, NULL);
}

/*
 * A capture whose reader went away ends at once. One that reached its
 * count is left to its client for REAP_AFTER_S, to stop it and read its
 * last counters, and ended here only when the client did not.
 */
#define REAP_AFTER_S 5

void
mvt_switch_capture_reap(struct mvt_switch *sw)
{
	struct mvt_switch_capture *slot;
	struct mvt_capture_stats st;
	uint64_t now = rte_get_tsc_cycles();
	unsigned int i;

	if (pthread_mutex_trylock(&sw->ctl) != 0)
		return;
	for (i = 0; i < MVT_SWITCH_CAPTURES_MAX; i++) {
		slot = &sw->captures[i];
		if (slot->cap == NULL || !mvt_capture_done(slot->cap))
			continue;
		mvt_capture_get_stats(slot->cap, &st);
		if (slot->done_tsc == 0)
			slot->done_tsc = now;
		if (st.error != 0 ||
				now - slot->done_tsc > REAP_AFTER_S * sw->tsc_hz)
			capture_end(sw, slot, NULL);
	}
	pthread_mutex_unlock(&sw->ctl);
}

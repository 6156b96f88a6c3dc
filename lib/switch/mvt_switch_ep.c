/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#include <errno.h>
#include <limits.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "mvt_log.h"
#include "mvt_pool.h"
#include "mvt_switch_priv.h"

/* Endpoint @p id of table @p t, its multicast list copied in, from @p ec. */
void
mvt_switch_ep_state(struct mvt_ep_table *t, uint16_t id,
	const struct mvt_endpoint_conf *ec, uint64_t lower_mac)
{
	struct mvt_ep_state *e = &t->ep[id];

	RTE_BUILD_BUG_ON(sizeof(t->mc[id]) != sizeof(ec->mcast));
	memset(e, 0, sizeof(*e));
	e->mac = ec->mac;
	if (ec->mode == MVT_MODE_PASSTHRU && e->mac == 0)
		e->mac = lower_mac; /* as Linux: passthru inherits L's MAC */
	e->mode = (uint8_t)ec->mode;
	e->up = ec->up;
	e->nodst = ec->nodst;
	/* vhost-user backends do not see the guests' joins: all by default */
	e->mc_all = ec->n_mcast == 0;
	e->n_mc = ec->n_mcast;
	memcpy(t->mc[id], ec->mcast, sizeof(t->mc[id]));
	e->spoofchk = ec->spoofchk;
	e->n_src = ec->n_sources;
}

/*
 * Linux refuses to open a macvlan whose MAC is its lower's (EADDRINUSE,
 * macvlan_addr_busy), except in passthru mode; the host port plays the
 * lower's stack, so its MAC is the lower's too. Only an up endpoint opens.
 */
static int
ep_addr_busy(struct mvt_switch *sw, unsigned int g,
	const struct mvt_ep_state *e, const char *name, char *err,
	size_t errlen)
{
	char buf[MVT_MAC_STRLEN];
	const char *owner;

	if (!e->up || e->mode == MVT_MODE_PASSTHRU)
		return 0;
	if (e->mac == mvt_switch_seg_eth(sw, g)->mac)
		owner = "the lower device";
	else if (sw->seg[g].dp.host != NULL &&
			e->mac == sw->seg[g].dp.tbl->host_mac)
		owner = "the host port";
	else
		return 0;
	mvt_mac_format(e->mac, buf);
	snprintf(err, errlen, "--endpoint mac=%s: MAC already used by %s (endpoint %s)",
		buf, owner, name);
	return -1;
}

/* MAC table and lower filter entries of endpoint @p id; undone by ep_unlink */
int
mvt_switch_ep_link(struct mvt_switch *sw, uint16_t id,
	const struct mvt_ep_state *e, char *err, size_t errlen)
{
	const struct mvt_endpoint_conf *ec = &sw->conf.ep[id];
	const struct mvt_mac_entry *me;
	char mac[MVT_MAC_STRLEN];
	uint16_t i;
	int ret;

	if (ep_addr_busy(sw, mvt_switch_ep_seg(sw, id), e, ec->name, err,
			errlen) != 0)
		return -1;
	/*
	 * The other endpoint of a shared MAC (standby=1) owns it and put it
	 * in the lower's filter; this one takes it over when its guest
	 * connects (mvt_switch_follow_guests).
	 */
	if (mvt_switch_mac_sharer(sw, id, e->mac) != MVT_EP_NONE)
		return 0;
	ret = mvt_mactable_set_owner(sw->seg[mvt_switch_ep_seg(sw, id)].dp.mt, e->mac, id);
	if (ret != 0) {
		snprintf(err, errlen, "--endpoint name=%s: MAC table: %s",
			ec->name, rte_strerror(-ret));
		return -1;
	}
	for (i = 0; i < ec->n_sources; i++) {
		ret = mvt_mactable_add_lister(sw->seg[mvt_switch_ep_seg(sw, id)].dp.mt, ec->sources[i], id);
		if (ret != 0)
			break;
	}
	if (ret != 0) {
		mvt_mac_format(ec->sources[i], mac);
		me = mvt_mactable_lookup(sw->seg[mvt_switch_ep_seg(sw, id)].dp.mt, ec->sources[i]);
		if (ret == -ENOSPC && me != NULL &&
				me->n_listers == MVT_SRC_LISTERS_MAX)
			snprintf(err, errlen,
				"--endpoint name=%s: source %s is listed by %u endpoints already",
				ec->name, mac, MVT_SRC_LISTERS_MAX);
		else
			snprintf(err, errlen,
				"--endpoint name=%s: source %s: MAC table: %s",
				ec->name, mac, rte_strerror(-ret));
		/*
		 * Nothing may point at the slot any more: the next endpoint
		 * added in it would get this one's frames (its MAC's, and
		 * copies of the senders already listed).
		 */
		while (i-- > 0)
			mvt_mactable_del_lister(sw->seg[mvt_switch_ep_seg(sw, id)].dp.mt, ec->sources[i], id);
		mvt_mactable_clear_owner(sw->seg[mvt_switch_ep_seg(sw, id)].dp.mt, e->mac, id);
		return -1;
	}
	/*
	 * As macvlan_open (dev_uc_add, or promiscuity for passthru): only
	 * an up endpoint opens.
	 */
	if (!e->up)
		return 0;
	if (ec->mode == MVT_MODE_PASSTHRU)
		mvt_ethdev_force_promisc(mvt_switch_seg_eth(sw, mvt_switch_ep_seg(sw, id)));
	else
		mvt_ethdev_add_mac(mvt_switch_seg_eth(sw, mvt_switch_ep_seg(sw, id)), e->mac);
	return 0;
}

static void
ep_unlink(struct mvt_switch *sw, uint16_t id, uint64_t mac)
{
	const struct mvt_endpoint_conf *ec = &sw->conf.ep[id];
	uint16_t i, sharer;

	for (i = 0; i < ec->n_sources; i++)
		mvt_mactable_del_lister(sw->seg[mvt_switch_ep_seg(sw, id)].dp.mt, ec->sources[i], id);
	sharer = mvt_switch_mac_sharer(sw, id, mac);
	if (sharer != MVT_EP_NONE) {
		/* the MAC stays, for the endpoint it is shared with */
		mvt_mactable_move_owner(sw->seg[mvt_switch_ep_seg(sw, id)].dp.mt, mac, sharer);
		return;
	}
	mvt_mactable_clear_owner(sw->seg[mvt_switch_ep_seg(sw, id)].dp.mt, mac, id);
	/* a down endpoint put nothing in the filter (mvt_switch_ep_link) */
	if (ec->mode != MVT_MODE_PASSTHRU && ec->up)
		mvt_ethdev_del_mac(mvt_switch_seg_eth(sw, mvt_switch_ep_seg(sw, id)), mac);
}

uint16_t
mvt_switch_mac_sharer(const struct mvt_switch *sw, uint16_t id, uint64_t mac)
{
	uint16_t o;

	if (mac == 0)
		return MVT_EP_NONE;
	for (o = 0; o < sw->conf.n_endpoints; o++)
		if (o != id && mvt_switch_slot_used(sw, o) &&
				mvt_switch_ep_seg(sw, o) == mvt_switch_ep_seg(sw, id) &&
				sw->seg[mvt_switch_ep_seg(sw, o)].dp.tbl->ep[o].mac ==
				mac &&
				(sw->conf.ep[o].standby ||
				 sw->conf.ep[id].standby))
			return o;
	return MVT_EP_NONE;
}

int
mvt_switch_ep_owns_mac(const struct mvt_switch *sw, uint16_t id)
{
	const struct mvt_mac_entry *me;

	const struct mvt_dp *dp = &sw->seg[mvt_switch_ep_seg(sw, id)].dp;

	me = mvt_mactable_lookup(dp->mt, dp->tbl->ep[id].mac);
	return me != NULL && me->owner == id;
}

/*
 * The MAC a guest brought goes with it: when a guest connects to an
 * endpoint whose MAC another endpoint shares (standby=1), that endpoint
 * owns the MAC from now on, so the frames of the MAC follow the guest
 * that a live migration moved between the two. A guest that comes back to
 * the first endpoint (a failed migration: its QEMU runs the guest again)
 * takes the MAC back the same way.
 */
void
mvt_switch_follow_guests(struct mvt_switch *sw)
{
	const struct mvt_mac_entry *me;
	struct mvt_port_info pi;
	struct mvt_dp *dp;
	uint64_t mac;
	uint16_t id;

	if (!sw->has_standby)
		return;
	for (id = 0; id < sw->conf.n_endpoints; id++) {
		if (!mvt_switch_slot_used(sw, id) ||
				sw->conf.ep[id].type == MVT_EP_TYPE_TAP)
			continue;
		mvt_port_get_info(&sw->seg[0].dp.ports[id], &pi);
		if (!pi.ready || pi.connects == sw->seen_connects[id])
			continue;
		sw->seen_connects[id] = pi.connects;
		dp = &sw->seg[mvt_switch_ep_seg(sw, id)].dp;
		mac = dp->tbl->ep[id].mac;
		me = mvt_mactable_lookup(dp->mt, mac);
		if ((me != NULL && me->owner == id) ||
				mvt_switch_mac_sharer(sw, id, mac) == MVT_EP_NONE)
			continue;
		if (mvt_mactable_move_owner(dp->mt, mac, id) == 0)
			MVT_LOG(INFO, "endpoint %s: guest connected, owns its MAC",
				sw->conf.ep[id].name);
	}
}

/* The endpoint's port: its vhost-user socket or its kernel interface. */
int
mvt_switch_ep_open(struct mvt_switch *sw, uint16_t id, uint64_t mac, char *err,
	size_t errlen)
{
	const struct mvt_endpoint_conf *ec = &sw->conf.ep[id];

	return mvt_port_open_endpoint(&sw->seg[0].dp.ports[id], id, ec, mac,
		mvt_conf_ep_mtu(&sw->conf, ec), (uint16_t)sw->nb_workers,
		sw->seg[0].dp.mp, err, errlen);
}

/* The endpoint named @p name, or -1 with the error said in @p err. */
static int
ep_find_named(const struct mvt_switch *sw, const char *name, char *err,
	size_t errlen)
{
	int id = mvt_switch_ep_find(sw, name);

	if (id < 0)
		snprintf(err, errlen, "no endpoint named %s", name);
	return id;
}

/*
 * Undo, in reverse order, what a failed mvt_switch_add_endpoint() did in
 * slot @p id before it published anything: its port, its rate= policy,
 * its MAC table entries, the slot.
 */
static void
add_undo(struct mvt_switch *sw, uint16_t id, const struct mvt_endpoint_conf *ec,
	uint64_t mac, int opened, int linked)
{
	if (opened)
		mvt_port_close(&sw->seg[0].dp.ports[id]);
	if (linked) {
		mvt_switch_policy_detach_endpoint(sw, ec, mac);
		ep_unlink(sw, id, mac);
	}
	sw->conf.ep[id].name[0] = '\0';
}

int
mvt_switch_add_endpoint(struct mvt_switch *sw, const char *spec, char *err,
	size_t errlen)
{
	struct mvt_switch_poll_lists pl;
	struct mvt_endpoint_conf ec;
	struct mvt_policy_conf pc;
	struct mvt_ep_table *t = NULL;
	struct mvt_conf *check;
	uint16_t id, n = 0, n_live, n_endpoints;
	unsigned int i, g;
	int ret = -1;

	if (mvt_conf_parse_endpoint(spec, &ec, err, errlen) != 0)
		return -1;
	/* validate the endpoint set as it would be, with the usual rules */
	check = malloc(sizeof(*check));
	if (check == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	pthread_mutex_lock(&sw->ctl);
	*check = sw->conf;
	for (id = 0; id < sw->conf.n_endpoints; id++)
		if (mvt_switch_slot_used(sw, id))
			check->ep[n++] = sw->conf.ep[id];
	n_live = n;
	/* free policy slots (mac 0) are not policies to validate */
	check->n_policies = 0;
	for (i = 0; i < sw->conf.n_policies; i++)
		if (sw->conf.policy[i].mac != 0)
			check->policy[check->n_policies++] = sw->conf.policy[i];
	if (n == MVT_MAX_ENDPOINTS) {
		snprintf(err, errlen, "--endpoint name=%s: %u endpoints already",
			ec.name, MVT_MAX_ENDPOINTS);
		goto out;
	}
	check->ep[n++] = ec;
	check->n_endpoints = n;
	/*
	 * The endpoints already there hold what the checks of a new one look
	 * for (a type=tap endpoint's interface exists): they are checked
	 * against the new one only.
	 */
	if (mvt_conf_validate_live(check, n_live, err, errlen) != 0)
		goto out;
	for (id = 0; id < MVT_MAX_ENDPOINTS; id++)
		if (!mvt_switch_slot_used(sw, id))
			break;
	g = (unsigned int)mvt_conf_ep_lower(&sw->conf, &ec);
	t = mvt_switch_table_copy(sw, g);
	if (t == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	sw->conf.ep[id] = ec;
	sw->seen_connects[id] = 0;
	sw->has_standby |= ec.standby;
	mvt_switch_ep_state(t, id, &sw->conf.ep[id],
		mvt_switch_seg_eth(sw, g)->mac);
	if (mvt_switch_ep_link(sw, id, &t->ep[id], err, errlen) != 0) {
		add_undo(sw, id, &ec, t->ep[id].mac, 0, 0);
		goto out;
	}
	if (mvt_conf_endpoint_policy(&ec, t->ep[id].mac, &pc) &&
			mvt_switch_policy_new(sw, &pc, err, errlen) != 0) {
		add_undo(sw, id, &ec, t->ep[id].mac, 0, 1);
		goto out;
	}
	if (mvt_switch_ep_open(sw, id, t->ep[id].mac, err, errlen) != 0) {
		add_undo(sw, id, &ec, t->ep[id].mac, 0, 1);
		goto out;
	}
	n_endpoints = sw->conf.n_endpoints;
	if (id >= sw->conf.n_endpoints)
		sw->conf.n_endpoints = id + 1;
	mvt_switch_assign_new(sw, id, sw->conf.n_endpoints);
	if (mvt_switch_polls_build(sw, MVT_EP_NONE, &pl) != 0) {
		snprintf(err, errlen, "--endpoint name=%s: cannot allocate the poll lists",
			ec.name);
		sw->conf.n_endpoints = n_endpoints;
		add_undo(sw, id, &ec, t->ep[id].mac, 1, 1);
		goto out;
	}
	mvt_switch_port_counters_raw(sw, id, &sw->base[id]);
	sw->last_rx[id] = sw->base[id].rx_packets;
	sw->rx_rate[id] = 0;
	mvt_switch_table_publish(sw, g, t);
	t = NULL;
	mvt_switch_polls_commit(sw, &pl);
	MVT_LOG(INFO, "endpoint %s: added (%s)", ec.name, mvt_mode_name(ec.mode));
	ret = 0;
out:
	pthread_mutex_unlock(&sw->ctl);
	rte_free(t);
	free(check);
	return ret;
}

int
mvt_switch_del_endpoint(struct mvt_switch *sw, const char *name, char *err,
	size_t errlen)
{
	struct mvt_switch_poll_lists pl;
	struct mvt_ep_table *t;
	uint64_t mac;
	int id, ret = -1;

	pthread_mutex_lock(&sw->ctl);
	id = ep_find_named(sw, name, err, errlen);
	if (id < 0)
		goto out;
	t = mvt_switch_table_copy(sw, mvt_switch_ep_seg(sw, id));
	if (t == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	/* everything that can fail before anything changes */
	if (mvt_switch_polls_build(sw, (uint16_t)id, &pl) != 0) {
		snprintf(err, errlen, "endpoint %s: cannot allocate the poll lists",
			name);
		rte_free(t);
		goto out;
	}
	/*
	 * First nobody may send to it (table, MAC table), then nobody polls
	 * it; each publication waits for the workers, so when the socket
	 * closes no worker can touch the device or its slot.
	 */
	mac = t->ep[id].mac;
	memset(&t->ep[id], 0, sizeof(t->ep[id]));
	mvt_switch_policy_detach_endpoint(sw, &sw->conf.ep[id], mac);
	sw->conf.ep[id].name[0] = '\0';
	mvt_switch_table_publish(sw, mvt_switch_ep_seg(sw, id), t);
	ep_unlink(sw, (uint16_t)id, mac);
	mvt_switch_polls_commit(sw, &pl);
	mvt_switch_capture_drop_port(sw, &sw->seg[0].dp.ports[id]);
	mvt_switch_mirror_drop_port(sw, &sw->seg[0].dp.ports[id]);
	/* and no frame handed to another worker for it still waits */
	mvt_dp_handoff_settle(&sw->seg[0].dp);
	mvt_port_close(&sw->seg[0].dp.ports[id]);
	while (sw->conf.n_endpoints > 0 &&
			!mvt_switch_slot_used(sw, sw->conf.n_endpoints - 1))
		sw->conf.n_endpoints--;
	MVT_LOG(INFO, "endpoint %s: removed", name);
	ret = 0;
out:
	pthread_mutex_unlock(&sw->ctl);
	return ret;
}

int
mvt_switch_set_mode(struct mvt_switch *sw, const char *name,
	const char *mode_name, char *err, size_t errlen)
{
	struct mvt_endpoint_conf *ec;
	struct mvt_ep_table *t;
	unsigned int mode = mvt_mode_parse(mode_name);
	uint16_t i;
	int id, ret = -1;

	pthread_mutex_lock(&sw->ctl);
	id = ep_find_named(sw, name, err, errlen);
	if (id < 0)
		goto out;
	ec = &sw->conf.ep[id];
	if (mode == 0) {
		snprintf(err, errlen, "mode %s: unknown mode (expected vepa, bridge, private, passthru, source)",
			mode_name);
		goto out;
	}
	if ((mode == MVT_MODE_PASSTHRU) != (ec->mode == MVT_MODE_PASSTHRU)) {
		snprintf(err, errlen, "endpoint %s: a mode cannot change to or from passthru (as in Linux)",
			name);
		goto out;
	}
	t = mvt_switch_table_copy(sw, mvt_switch_ep_seg(sw, id));
	if (t == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	/* leaving source mode flushes the source list, as Linux does */
	if (ec->mode == MVT_MODE_SOURCE && mode != MVT_MODE_SOURCE) {
		for (i = 0; i < ec->n_sources; i++)
			mvt_mactable_del_lister(sw->seg[mvt_switch_ep_seg(sw, id)].dp.mt, ec->sources[i],
				(uint16_t)id);
		ec->n_sources = 0;
		ec->nodst = 0;
		t->ep[id].nodst = 0;
		t->ep[id].n_src = 0;
	}
	ec->mode = mode;
	t->ep[id].mode = (uint8_t)mode;
	mvt_switch_table_publish(sw, mvt_switch_ep_seg(sw, id), t);
	MVT_LOG(INFO, "endpoint %s: mode %s", name, mode_name);
	ret = 0;
out:
	pthread_mutex_unlock(&sw->ctl);
	return ret;
}

int
mvt_switch_source(struct mvt_switch *sw, const char *name,
	const char *mac_str, int add, char *err, size_t errlen)
{
	struct mvt_endpoint_conf *ec;
	struct mvt_ep_table *t = NULL;
	uint64_t mac;
	uint16_t i;
	int id, ret = -1;

	pthread_mutex_lock(&sw->ctl);
	id = ep_find_named(sw, name, err, errlen);
	if (id < 0)
		goto out;
	ec = &sw->conf.ep[id];
	if (ec->mode != MVT_MODE_SOURCE) {
		snprintf(err, errlen, "endpoint %s: source lists need mode source",
			name);
		goto out;
	}
	t = mvt_switch_table_prepare(sw, mvt_switch_ep_seg(sw, id), err,
		errlen);
	if (t == NULL)
		goto out;
	if (mac_str == NULL) {
		/* flush, as ip link's "macaddr flush" */
		for (i = 0; i < ec->n_sources; i++)
			mvt_mactable_del_lister(sw->seg[mvt_switch_ep_seg(sw, id)].dp.mt, ec->sources[i],
				(uint16_t)id);
		ec->n_sources = 0;
		goto publish;
	}
	if (mvt_mac_parse(mac_str, &mac) != 0 || mvt_mac_is_group(mac) ||
			mac == 0) {
		snprintf(err, errlen, "source %s: not a unicast MAC address",
			mac_str);
		goto out;
	}
	for (i = 0; i < ec->n_sources; i++)
		if (ec->sources[i] == mac)
			break;
	if (add && i == ec->n_sources) {
		if (ec->n_sources == MVT_SOURCES_MAX) {
			snprintf(err, errlen, "endpoint %s: %u sources already",
				name, MVT_SOURCES_MAX);
			goto out;
		}
		if (mvt_mactable_add_lister(sw->seg[mvt_switch_ep_seg(sw, id)].dp.mt, mac,
				(uint16_t)id) != 0) {
			snprintf(err, errlen, "source %s: MAC table full", mac_str);
			goto out;
		}
		ec->sources[ec->n_sources++] = mac;
	} else if (!add && i < ec->n_sources) {
		mvt_mactable_del_lister(sw->seg[mvt_switch_ep_seg(sw, id)].dp.mt, mac, (uint16_t)id);
		ec->sources[i] = ec->sources[--ec->n_sources];
	}
publish:
	t->ep[id].n_src = ec->n_sources;
	mvt_switch_table_publish(sw, mvt_switch_ep_seg(sw, id), t);
	t = NULL;
	ret = 0;
out:
	pthread_mutex_unlock(&sw->ctl);
	rte_free(t);
	return ret;
}

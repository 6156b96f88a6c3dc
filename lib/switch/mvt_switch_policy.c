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

static const char *
spec_mac(const struct mvt_policy_conf *pc)
{
	static __thread char buf[MVT_MAC_STRLEN];

	mvt_mac_format(pc->mac, buf);
	return buf;
}

/* The MAC table directions a policy meters. */
static void
policy_dirs(const struct mvt_policy_conf *pc, int *in, int *out)
{
	*in = pc->dir != MVT_POLICY_DIR_OUT;
	*out = pc->dir != MVT_POLICY_DIR_IN;
}

/* Create policy slot @p i's meters and attach them to its MAC. */
int
mvt_switch_policy_attach(struct mvt_switch *sw, unsigned int i, char *err,
	size_t errlen)
{
	const struct mvt_policy_conf *pc = &sw->conf.policy[i];
	int in, out, ret = 0;
	unsigned int g;

	if (mvt_switch_step_fails(MVT_STEP_POLICY_CREATE)) {
		/* as mvt_policy_create() says it */
		snprintf(err, errlen, "policy %s: out of memory", pc->name);
		return -1;
	}
	sw->pol[i] = mvt_policy_create(pc, sw->tsc_hz, err, errlen);
	if (sw->pol[i] == NULL)
		return -1;
	policy_dirs(pc, &in, &out);
	/* a policy is the MAC's in every segment where the MAC appears */
	for (g = 0; g < sw->n_segs && ret == 0; g++) {
		if (in)
			ret = mvt_mactable_set_policy(sw->seg[g].dp.mt,
				pc->mac, MVT_POLICY_DIR_IN, sw->pol[i]);
		if (ret == 0 && out)
			ret = mvt_mactable_set_policy(sw->seg[g].dp.mt,
				pc->mac, MVT_POLICY_DIR_OUT, sw->pol[i]);
	}
	if (ret != 0) {
		snprintf(err, errlen, "--policy name=%s: MAC table: %s",
			pc->name, rte_strerror(-ret));
		return -1;
	}
	return 0;
}

/* Detach policy slot @p i; its meters are freed once no worker can see
 * them (each MAC table change waits for the workers). */
static void
policy_detach(struct mvt_switch *sw, unsigned int i)
{
	const struct mvt_policy_conf *pc = &sw->conf.policy[i];
	unsigned int g;
	int in, out;

	if (sw->pol[i] == NULL)
		return;
	policy_dirs(pc, &in, &out);
	/* removals do not fail for lack of memory (mvt_mactable.h) */
	for (g = 0; g < sw->n_segs; g++) {
		if ((in && mvt_mactable_set_policy(sw->seg[g].dp.mt, pc->mac,
				MVT_POLICY_DIR_IN, NULL) != 0) ||
				(out && mvt_mactable_set_policy(
				sw->seg[g].dp.mt, pc->mac,
				MVT_POLICY_DIR_OUT, NULL) != 0)) {
			/* still reachable: keep it rather than free it */
			MVT_LOG(ERR,
				"policy %s: cannot detach it from its MAC; kept",
				pc->name);
			return;
		}
	}
	rte_rcu_qsbr_synchronize(sw->seg[0].dp.qsbr, RTE_QSBR_THRID_INVALID);
	mvt_policy_free(sw->pol[i]);
	sw->pol[i] = NULL;
	memset(&sw->conf.policy[i], 0, sizeof(sw->conf.policy[i]));
}

/*
 * Put @p pc in a free policy slot and attach it; control lock held. On
 * failure the slot is free again: a slot with a MAC but no meters would
 * be taken for a live policy by the next set_policy of that MAC.
 */
int
mvt_switch_policy_new(struct mvt_switch *sw, const struct mvt_policy_conf *pc,
	char *err, size_t errlen)
{
	uint16_t n_policies = sw->conf.n_policies;
	unsigned int slot;

	for (slot = 0; slot < sw->conf.n_policies; slot++)
		if (sw->conf.policy[slot].mac == 0)
			break;
	if (slot == sw->conf.n_policies) {
		if (slot == MVT_POLICIES_MAX) {
			snprintf(err, errlen, "--policy: %u policies already",
				MVT_POLICIES_MAX);
			return -1;
		}
		sw->conf.n_policies++;
	}
	sw->conf.policy[slot] = *pc;
	if (mvt_switch_policy_attach(sw, slot, err, errlen) != 0) {
		policy_detach(sw, slot);
		memset(&sw->conf.policy[slot], 0, sizeof(sw->conf.policy[slot]));
		sw->conf.n_policies = n_policies;
		return -1;
	}
	return 0;
}

/* Detach the rate= policy of endpoint @p ec, whose MAC is @p mac. */
void
mvt_switch_policy_detach_endpoint(struct mvt_switch *sw,
	const struct mvt_endpoint_conf *ec, uint64_t mac)
{
	unsigned int i;

	for (i = 0; i < sw->conf.n_policies; i++)
		if (sw->conf.policy[i].mac == mac && mac != 0 &&
				strcmp(sw->conf.policy[i].name, ec->name) == 0)
			policy_detach(sw, i);
}

int
mvt_switch_set_policy(struct mvt_switch *sw, const char *spec, char *err,
	size_t errlen)
{
	struct mvt_ep_table *t[MVT_LOWERS_MAX];
	struct mvt_policy_conf pc;
	unsigned int i;
	int ret = -1;

	if (mvt_policy_conf_parse(spec, &pc, err, errlen) != 0)
		return -1;
	pthread_mutex_lock(&sw->ctl);
	for (i = 0; i < sw->conf.n_policies; i++) {
		const struct mvt_policy_conf *o = &sw->conf.policy[i];

		if (o->mac == 0)
			continue;
		if (o->mac != pc.mac)
			continue;
		if (o->dir == pc.dir) {
			/* a change: meters keep their state and counters */
			ret = mvt_policy_update(sw->pol[i], &pc,
				sw->tsc_hz, err, errlen);
			if (ret == 0)
				sw->conf.policy[i] = pc;
			goto out;
		}
		if (o->dir == MVT_POLICY_DIR_BOTH || pc.dir == MVT_POLICY_DIR_BOTH) {
			snprintf(err, errlen,
				"--policy mac=%s: a policy for this MAC already exists (%s)",
				spec_mac(&pc), o->name);
			goto out;
		}
	}
	if (mvt_switch_tables_prepare(sw, t, err, errlen) != 0)
		goto out;
	if (mvt_switch_policy_new(sw, &pc, err, errlen) != 0) {
		mvt_switch_tables_free(sw, t);
		goto out;
	}
	mvt_switch_tables_publish(sw, t);
	ret = 0;
out:
	pthread_mutex_unlock(&sw->ctl);
	return ret;
}

int
mvt_switch_del_policy(struct mvt_switch *sw, const char *mac_str, char *err,
	size_t errlen)
{
	struct mvt_ep_table *t[MVT_LOWERS_MAX];
	unsigned int i, n = 0;
	uint64_t mac;
	int ret = -1;

	if (mvt_mac_parse(mac_str, &mac) != 0) {
		snprintf(err, errlen, "%s: malformed MAC address", mac_str);
		return -1;
	}
	pthread_mutex_lock(&sw->ctl);
	for (i = 0; i < sw->conf.n_policies; i++)
		if (sw->conf.policy[i].mac == mac && mac != 0)
			n++;
	if (n == 0) {
		snprintf(err, errlen, "no policy for %s", mac_str);
		goto out;
	}
	if (mvt_switch_tables_prepare(sw, t, err, errlen) != 0)
		goto out;
	for (i = 0; i < sw->conf.n_policies; i++)
		if (sw->conf.policy[i].mac == mac && mac != 0)
			policy_detach(sw, i);
	mvt_switch_tables_publish(sw, t);
	ret = 0;
out:
	pthread_mutex_unlock(&sw->ctl);
	return ret;
}

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

/*
 * Mirrors of the switch's ports: checking a mirror against the others,
 * publishing it on its sources, and taking it back.
 */

#include <stdio.h>
#include <string.h>

#include <rte_rcu_qsbr.h>

#include "mvt_log.h"
#include "mvt_switch_priv.h"

static int
mirror_find(const struct mvt_switch *sw, const char *name)
{
	unsigned int i;

	for (i = 0; i < MVT_MIRRORS_MAX; i++)
		if (sw->mirror[i] != NULL &&
				strcmp(sw->mirror_conf[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* The mirror @p p is the destination of, or -1. */
static int
mirror_to(const struct mvt_switch *sw, const struct mvt_port *p)
{
	unsigned int i;

	for (i = 0; i < MVT_MIRRORS_MAX; i++)
		if (sw->mirror[i] != NULL && sw->mirror[i]->dst == p)
			return (int)i;
	return -1;
}

int
mvt_switch_add_mirror(struct mvt_switch *sw, const char *spec, char *err,
	size_t errlen)
{
	struct mvt_mirror_conf mc;

	if (mvt_conf_parse_mirror(spec, &mc, err, errlen) != 0)
		return -1;
	return mvt_switch_mirror_add_conf(sw, &mc, err, errlen);
}

int
mvt_switch_mirror_add_conf(struct mvt_switch *sw,
	const struct mvt_mirror_conf *mcp, char *err, size_t errlen)
{
	struct mvt_port *src[MVT_MIRROR_SRC_MAX], *dst;
	struct mvt_mirror_conf mc = *mcp;
	struct mvt_mirror *m;
	int id = -1, ret = -1, other;
	unsigned int i;

	pthread_mutex_lock(&sw->ctl);
	if (mirror_find(sw, mc.name) >= 0) {
		snprintf(err, errlen, "mirror %s: exists", mc.name);
		goto out;
	}
	dst = mvt_switch_port_named(sw, mc.dst, NULL, 0);
	if (dst == NULL) {
		snprintf(err, errlen, "mirror %s: no port named %s", mc.name,
			mc.dst);
		goto out;
	}
	if (dst->mirror != NULL) {
		snprintf(err, errlen, "mirror %s: %s is a source of a mirror, "
			"so it cannot be a destination", mc.name, mc.dst);
		goto out;
	}
	for (i = 0; i < mc.n_src; i++) {
		src[i] = mvt_switch_port_named(sw, mc.src[i], NULL, 0);
		if (src[i] == NULL) {
			snprintf(err, errlen, "mirror %s: no port named %s",
				mc.name, mc.src[i]);
			goto out;
		}
		if (src[i] == dst) {
			snprintf(err, errlen, "mirror %s: %s is both a source "
				"and the destination", mc.name, mc.src[i]);
			goto out;
		}
		if (src[i]->mirror != NULL) {
			snprintf(err, errlen, "mirror %s: %s is already a "
				"source of a mirror", mc.name, mc.src[i]);
			goto out;
		}
		other = mirror_to(sw, src[i]);
		if (other >= 0) {
			snprintf(err, errlen, "mirror %s: %s is the "
				"destination of mirror %s", mc.name, mc.src[i],
				sw->mirror_conf[other].name);
			goto out;
		}
	}
	for (i = 0; i < MVT_MIRRORS_MAX && id < 0; i++)
		if (sw->mirror[i] == NULL)
			id = (int)i;
	if (id < 0) {
		snprintf(err, errlen, "mirror %s: %u mirrors already exist",
			mc.name, MVT_MIRRORS_MAX);
		goto out;
	}
	m = mvt_mirror_create((uint16_t)id, mc.dirs, dst);
	if (m == NULL) {
		snprintf(err, errlen, "mirror %s: out of memory", mc.name);
		goto out;
	}
	sw->mirror[id] = m;
	sw->mirror_conf[id] = mc;
	for (i = 0; i < mc.n_src; i++) {
		sw->mirror_src[id][i] = src[i];
		__atomic_store_n(&src[i]->mirror, m, __ATOMIC_RELEASE);
	}
	MVT_LOG(INFO, "mirror %s: to %s", mc.name, mc.dst);
	ret = 0;
out:
	pthread_mutex_unlock(&sw->ctl);
	return ret;
}

/* Detach mirror @p id from its sources, wait for the workers, free it. */
static void
mirror_remove(struct mvt_switch *sw, unsigned int id)
{
	unsigned int i;

	for (i = 0; i < sw->mirror_conf[id].n_src; i++) {
		__atomic_store_n(&sw->mirror_src[id][i]->mirror, NULL,
			__ATOMIC_RELEASE);
		sw->mirror_src[id][i] = NULL;
	}
	/* no worker holds a copy for it past its iteration */
	rte_rcu_qsbr_synchronize(sw->seg[0].dp.qsbr, RTE_QSBR_THRID_INVALID);
	mvt_mirror_free(sw->mirror[id]);
	sw->mirror[id] = NULL;
	MVT_LOG(INFO, "mirror %s: removed", sw->mirror_conf[id].name);
	memset(&sw->mirror_conf[id], 0, sizeof(sw->mirror_conf[id]));
}

int
mvt_switch_del_mirror(struct mvt_switch *sw, const char *name, char *err,
	size_t errlen)
{
	int id, ret = -1;

	pthread_mutex_lock(&sw->ctl);
	id = mirror_find(sw, name);
	if (id < 0) {
		snprintf(err, errlen, "no mirror named %s", name);
	} else {
		mirror_remove(sw, (unsigned int)id);
		ret = 0;
	}
	pthread_mutex_unlock(&sw->ctl);
	return ret;
}

void
mvt_switch_mirror_drop_port(struct mvt_switch *sw, struct mvt_port *port)
{
	unsigned int id, i;
	int uses;

	for (id = 0; id < MVT_MIRRORS_MAX; id++) {
		if (sw->mirror[id] == NULL)
			continue;
		uses = sw->mirror[id]->dst == port;
		for (i = 0; i < sw->mirror_conf[id].n_src; i++)
			uses |= sw->mirror_src[id][i] == port;
		if (uses)
			mirror_remove(sw, id);
	}
}

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#include <errno.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include "mvt_mactable.h"

struct mvt_mactable {
	struct rte_hash *h;
	struct rte_rcu_qsbr *qsbr;
	uint32_t capacity;
	uint32_t count;
	/*
	 * An entry held back for a removal that finds no memory: taking an
	 * endpoint or a policy out must not fail halfway, or a freed policy
	 * or a reused slot would still be reachable from the table.
	 */
	struct mvt_mac_entry *spare;
	/* mvt_mactable_gen(): taken from table_gens at each change */
	uint32_t gen;
};

/* Generations of every table, so that no two states share one. */
static uint32_t table_gens;

/* A change is visible to readers: give the table a new generation. */
static void
table_changed(struct mvt_mactable *mt)
{
	__atomic_store_n(&mt->gen,
		__atomic_add_fetch(&table_gens, 1, __ATOMIC_RELAXED),
		__ATOMIC_RELEASE);
}

static void
entry_free(struct mvt_mac_entry *e)
{
	/* poison, so a reader that outlives its grace period shows up */
	memset(e, 0xa5, sizeof(*e));
	rte_free(e);
}

/* Called by rte_hash once no reader can still see a deleted key's data. */
static void
entry_free_cb(void *p __rte_unused, void *key_data)
{
	entry_free(key_data);
}

struct mvt_mactable *
mvt_mactable_create(const char *name, uint32_t entries, int socket_id,
	struct rte_rcu_qsbr *qsbr)
{
	struct rte_hash_parameters hp = {
		.name = name,
		.entries = entries,
		.key_len = sizeof(uint64_t),
		.hash_func = rte_hash_crc,
		.hash_func_init_val = 0,
		.socket_id = socket_id,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
			RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	struct rte_hash_rcu_config rc = {
		.v = qsbr,
		.mode = RTE_HASH_QSBR_MODE_SYNC,
		.free_key_data_func = entry_free_cb,
	};
	struct mvt_mactable *mt;

	mt = rte_zmalloc_socket(name, sizeof(*mt), 0, socket_id);
	if (mt == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	mt->h = rte_hash_create(&hp);
	if (mt->h == NULL)
		goto fail;
	mt->qsbr = qsbr;
	mt->capacity = entries;
	mt->spare = rte_malloc("mvt_mac_entry", sizeof(*mt->spare), 0);
	if (mt->spare == NULL) {
		rte_errno = ENOMEM;
		goto fail;
	}
	if (qsbr != NULL && rte_hash_rcu_qsbr_add(mt->h, &rc) != 0)
		goto fail;
	return mt;
fail:
	if (mt->h != NULL)
		rte_hash_free(mt->h);
	rte_free(mt->spare);
	rte_free(mt);
	if (rte_errno == 0)
		rte_errno = EINVAL;
	return NULL;
}

void
mvt_mactable_free(struct mvt_mactable *mt)
{
	const void *key;
	void *data;
	uint32_t it = 0;

	if (mt == NULL)
		return;
	while (rte_hash_iterate(mt->h, &key, &data, &it) >= 0)
		entry_free(data);
	rte_free(mt->spare);
	rte_hash_free(mt->h);
	rte_free(mt);
}

static struct mvt_mac_entry *
entry_get(const struct mvt_mactable *mt, uint64_t mac)
{
	void *data;

	if (rte_hash_lookup_data(mt->h, &mac, &data) < 0)
		return NULL;
	return data;
}

/* An entry no longer needed: the spare again if there is none. */
static void
entry_release(struct mvt_mactable *mt, struct mvt_mac_entry *e)
{
	if (mt->spare == NULL)
		mt->spare = e;
	else
		rte_free(e);
}

/*
 * Publish @p ne as the entry of @p mac in place of @p old (either may be
 * NULL), then free @p old once no reader can hold it. An empty new entry
 * removes the key.
 */
static int
entry_swap(struct mvt_mactable *mt, uint64_t mac,
	struct mvt_mac_entry *old, struct mvt_mac_entry *ne)
{
	int ret;

	if (ne->owner == MVT_EP_NONE && ne->n_listers == 0 &&
			ne->policy[0] == NULL && ne->policy[1] == NULL) {
		entry_release(mt, ne);
		if (old == NULL)
			return 0;
		/* in SYNC mode rte_hash frees old through entry_free_cb */
		ret = rte_hash_del_key(mt->h, &mac);
		if (ret < 0)
			return ret;
		table_changed(mt);
		if (mt->qsbr == NULL)
			entry_free(old);
		mt->count--;
		return 0;
	}
	ret = rte_hash_add_key_data(mt->h, &mac, ne);
	if (ret < 0) {
		entry_release(mt, ne);
		return ret;
	}
	table_changed(mt);
	if (old == NULL) {
		mt->count++;
		return 0;
	}
	if (mt->qsbr != NULL)
		rte_rcu_qsbr_synchronize(mt->qsbr, RTE_QSBR_THRID_INVALID);
	entry_free(old);
	return 0;
}

/* entry_swap(), then the spare made again if a removal took it */
static int
entry_publish(struct mvt_mactable *mt, uint64_t mac,
	struct mvt_mac_entry *old, struct mvt_mac_entry *ne)
{
	int ret = entry_swap(mt, mac, old, ne);

	if (mt->spare == NULL)
		mt->spare = rte_malloc("mvt_mac_entry", sizeof(*mt->spare), 0);
	return ret;
}

/*
 * A new entry, a copy of @p old or empty. A removal (@p removal) that
 * finds no memory takes the spare, so that it cannot fail.
 */
static struct mvt_mac_entry *
entry_copy(struct mvt_mactable *mt, const struct mvt_mac_entry *old,
	int removal)
{
	struct mvt_mac_entry *ne;

	ne = rte_malloc("mvt_mac_entry", sizeof(*ne), 0);
	if (ne == NULL && removal) {
		ne = mt->spare;
		mt->spare = NULL;
	}
	if (ne == NULL)
		return NULL;
	if (old != NULL) {
		*ne = *old;
	} else {
		memset(ne, 0, sizeof(*ne));
		ne->owner = MVT_EP_NONE;
	}
	return ne;
}

int
mvt_mactable_set_owner(struct mvt_mactable *mt, uint64_t mac, uint16_t ep)
{
	struct mvt_mac_entry *old = entry_get(mt, mac), *ne;

	if (old != NULL && old->owner == ep)
		return 0;
	if (old != NULL && old->owner != MVT_EP_NONE && ep != MVT_EP_NONE)
		return -EEXIST;
	if (old == NULL && mt->count >= mt->capacity)
		return -ENOSPC;
	ne = entry_copy(mt, old, ep == MVT_EP_NONE);
	if (ne == NULL)
		return -ENOMEM;
	ne->owner = ep;
	return entry_publish(mt, mac, old, ne);
}

int
mvt_mactable_move_owner(struct mvt_mactable *mt, uint64_t mac, uint16_t ep)
{
	struct mvt_mac_entry *old = entry_get(mt, mac), *ne;

	if (old == NULL || old->owner == MVT_EP_NONE)
		return mvt_mactable_set_owner(mt, mac, ep);
	if (old->owner == ep)
		return 0;
	/* one publication: no reader sees the MAC without an owner */
	ne = entry_copy(mt, old, 0);
	if (ne == NULL)
		return -ENOMEM;
	ne->owner = ep;
	return entry_publish(mt, mac, old, ne);
}

int
mvt_mactable_clear_owner(struct mvt_mactable *mt, uint64_t mac, uint16_t ep)
{
	struct mvt_mac_entry *old = entry_get(mt, mac);

	if (old == NULL || old->owner != ep)
		return 0;
	return mvt_mactable_set_owner(mt, mac, MVT_EP_NONE);
}

int
mvt_mactable_add_lister(struct mvt_mactable *mt, uint64_t mac, uint16_t ep)
{
	struct mvt_mac_entry *old = entry_get(mt, mac), *ne;
	uint16_t i;

	if (old != NULL) {
		for (i = 0; i < old->n_listers; i++)
			if (old->listers[i] == ep)
				return 0;
		if (old->n_listers == MVT_SRC_LISTERS_MAX)
			return -ENOSPC;
	} else if (mt->count >= mt->capacity) {
		return -ENOSPC;
	}
	ne = entry_copy(mt, old, 0);
	if (ne == NULL)
		return -ENOMEM;
	ne->listers[ne->n_listers++] = ep;
	return entry_publish(mt, mac, old, ne);
}

int
mvt_mactable_del_lister(struct mvt_mactable *mt, uint64_t mac, uint16_t ep)
{
	struct mvt_mac_entry *old = entry_get(mt, mac), *ne;
	uint16_t i, j;

	if (old == NULL)
		return 0;
	for (i = 0; i < old->n_listers; i++)
		if (old->listers[i] == ep)
			break;
	if (i == old->n_listers)
		return 0;
	ne = entry_copy(mt, old, 1);
	if (ne == NULL)
		return -ENOMEM;
	for (j = i; j + 1 < ne->n_listers; j++)
		ne->listers[j] = ne->listers[j + 1];
	ne->n_listers--;
	return entry_publish(mt, mac, old, ne);
}

int
mvt_mactable_set_policy(struct mvt_mactable *mt, uint64_t mac,
	unsigned int dir, struct mvt_policy *p)
{
	struct mvt_mac_entry *old = entry_get(mt, mac), *ne;

	if (dir > 1)
		return -EINVAL;
	if (old != NULL && old->policy[dir] == p)
		return 0;
	if (old == NULL && p == NULL)
		return 0;
	if (old == NULL && mt->count >= mt->capacity)
		return -ENOSPC;
	ne = entry_copy(mt, old, p == NULL);
	if (ne == NULL)
		return -ENOMEM;
	ne->policy[dir] = p;
	return entry_publish(mt, mac, old, ne);
}

uint32_t
mvt_mactable_gen(const struct mvt_mactable *mt)
{
	return __atomic_load_n(&mt->gen, __ATOMIC_ACQUIRE);
}

uint32_t
mvt_mactable_count(const struct mvt_mactable *mt)
{
	return mt->count;
}

uint32_t
mvt_mactable_capacity(const struct mvt_mactable *mt)
{
	return mt->capacity;
}

const struct mvt_mac_entry *
mvt_mactable_lookup(const struct mvt_mactable *mt, uint64_t mac)
{
	return entry_get(mt, mac);
}

unsigned int
mvt_mactable_lookup_bulk(const struct mvt_mactable *mt, const uint64_t *keys,
	unsigned int n, const struct mvt_mac_entry **out)
{
	const void *kp[MVT_MACTABLE_BULK_MAX];
	void *data[MVT_MACTABLE_BULK_MAX];
	uint64_t hits = 0;
	unsigned int i;
	int ret;

	for (i = 0; i < n; i++)
		kp[i] = &keys[i];
	ret = rte_hash_lookup_bulk_data(mt->h, kp, n, &hits, data);
	for (i = 0; i < n; i++)
		out[i] = (hits >> i & 1) ? data[i] : NULL;
	return ret < 0 ? 0 : (unsigned int)ret;
}

void
mvt_mactable_classify(const struct mvt_mactable *mt, struct mvt_cls *c,
	uint16_t n, int src_all)
{
	const struct mvt_mac_entry *ents[2 * MVT_BURST];
	uint64_t keys[2 * MVT_BURST];
	uint8_t dslot[MVT_BURST], sslot[MVT_BURST];
	uint64_t last_dst = UINT64_MAX, last_src = UINT64_MAX;
	uint8_t nk = 0, ld = 0, ls = 0;
	uint16_t i;

	RTE_BUILD_BUG_ON(2 * MVT_BURST > MVT_MACTABLE_BULK_MAX);
	keys[0] = UINT64_MAX; /* n = 0: nothing to look up */
	for (i = 0; i < n; i++) {
		/* MAC keys have 48 bits: UINT64_MAX matches none */
		if (c[i].dst != last_dst) {
			last_dst = c[i].dst;
			ld = nk;
			keys[nk++] = last_dst;
		}
		dslot[i] = ld;
		if (!src_all && !mvt_mac_is_group(c[i].dst)) {
			sslot[i] = UINT8_MAX;
			continue;
		}
		if (c[i].src != last_src) {
			last_src = c[i].src;
			ls = nk;
			keys[nk++] = last_src;
		}
		sslot[i] = ls;
	}
	mvt_mactable_lookup_bulk(mt, keys, nk, ents);
	for (i = 0; i < n; i++) {
		c[i].dst_e = ents[dslot[i]];
		c[i].src_e = sslot[i] == UINT8_MAX ? NULL : ents[sslot[i]];
	}
}

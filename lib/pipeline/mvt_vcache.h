/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#ifndef MVT_VCACHE_H
#define MVT_VCACHE_H

/**
 * @file
 * The verdict cache: each worker remembers, for the unicast destinations
 * it saw lately and by ingress, the verdict the engine gave, so that a
 * burst whose every frame goes where recent frames went is neither looked
 * up in the MAC table nor decided again. Traffic from the wire to many
 * guests, interleaved, would otherwise cost a MAC table lookup per frame:
 * the classify stage only shares one lookup between consecutive frames.
 *
 * An entry holds what the verdict says (flags, an endpoint id, a drop
 * reason), never a pointer into a table. Every entry is forgotten at once
 * when the endpoint table or the MAC table changes (their generations),
 * so that a cached verdict is always the one the engine gives now.
 *
 * It serves only where a unicast frame's verdict follows from its
 * destination and its ingress alone, which is when mvt_vcache_serves()
 * says so: no source lists, no strict-private and no policies (the engine
 * reads the source's entry then, and the policy stage both entries), and,
 * on frames from endpoints, no relay (it reads the destination's entry).
 *
 * Pipeline-internal: the worker owns one per segment, and only it reads
 * or writes it.
 */

#include <stdint.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>

#include "mvt_decide.h"
#include "mvt_eptable.h"
#include "mvt_mactable.h"

/** Entries, direct-mapped: a power of 2. */
#define MVT_VCACHE_SIZE 256

struct mvt_vcache_entry {
	uint64_t key;		/**< destination MAC | ingress << 48 */
	uint32_t epoch;		/**< valid while the cache's is the same */
	uint8_t flags;		/**< the verdict's */
	uint8_t drop;
	uint16_t target;
};

struct mvt_vcache {
	uint32_t epoch;		/**< 0: none is valid yet */
	uint32_t tbl_gen;	/**< the generations the entries follow */
	uint32_t mac_gen;
	struct mvt_vcache_entry e[MVT_VCACHE_SIZE];
};

/**
 * Whether the cache may give the verdicts of frames from @p ingress under
 * table @p t, with the relay on or not (@p hairpin).
 */
static inline int
mvt_vcache_serves(const struct mvt_ep_table *t, int hairpin, uint16_t ingress)
{
	return !t->has_policies && !mvt_decide_needs_all_src(t) &&
		!(hairpin && ingress != MVT_INGRESS_LOWER);
}

/**
 * Before a burst: forget every entry if table @p t or the MAC table
 * generation @p mac_gen (read before the burst's lookups) is not what the
 * entries were made under.
 */
static inline void
mvt_vcache_sync(struct mvt_vcache *vc, const struct mvt_ep_table *t,
	uint32_t mac_gen)
{
	if (likely(vc->epoch != 0 && vc->tbl_gen == t->gen &&
			vc->mac_gen == mac_gen))
		return;
	vc->tbl_gen = t->gen;
	vc->mac_gen = mac_gen;
	if (unlikely(++vc->epoch == 0)) {
		/* after 2^32 changes: entries of epoch 1 could look valid */
		memset(vc->e, 0, sizeof(vc->e));
		vc->epoch = 1;
	}
}

static inline struct mvt_vcache_entry *
mvt_vcache_slot(struct mvt_vcache *vc, uint64_t key)
{
	return &vc->e[(key * UINT64_C(0x9e3779b97f4a7c15)) >> (64 - 8)];
}

static inline uint64_t
mvt_vcache_key(uint64_t dst, uint16_t ingress)
{
	return dst | (uint64_t)ingress << 48;
}

/**
 * The verdicts of all @p n frames of a burst from @p ingress, into @p v,
 * when the cache has every one; frames with the destination of the frame
 * before them share its verdict.
 *
 * @return 1 if it had them all, 0 at the first it has not (@p v is then
 * partly written, and the burst is to be decided as usual).
 */
static inline int
mvt_vcache_lookup(struct mvt_vcache *vc, uint16_t ingress,
	const struct mvt_cls *c, uint16_t n, struct mvt_verdict *v)
{
	const struct mvt_vcache_entry *e;
	uint64_t key;
	uint16_t i;

	RTE_BUILD_BUG_ON(MVT_VCACHE_SIZE != 1 << 8);
	for (i = 0; i < n; i++) {
		if (i > 0 && c[i].dst == c[i - 1].dst) {
			v[i] = v[i - 1];
			continue;
		}
		if (mvt_mac_is_group(c[i].dst))
			return 0;
		key = mvt_vcache_key(c[i].dst, ingress);
		e = mvt_vcache_slot(vc, key);
		if (e->key != key || e->epoch != vc->epoch)
			return 0;
		v[i].flags = e->flags;
		v[i].flood = 0;
		v[i].drop = e->drop;
		v[i].rflood = 0;
		v[i].target = e->target;
		v[i].exclude = MVT_EP_NONE;
		v[i].src_copies = NULL;
	}
	return 1;
}

/**
 * Remember the verdicts @p v the engine gave the @p n frames of a burst
 * from @p ingress, before any later stage changes them: those of unicast
 * frames that reach no flood and no source copies.
 */
static inline void
mvt_vcache_fill(struct mvt_vcache *vc, uint16_t ingress,
	const struct mvt_cls *c, const struct mvt_verdict *v, uint16_t n)
{
	struct mvt_vcache_entry *e;
	uint64_t key;
	uint16_t i;

	for (i = 0; i < n; i++) {
		if ((i > 0 && c[i].dst == c[i - 1].dst) ||
				mvt_mac_is_group(c[i].dst) || v[i].flood != 0 ||
				v[i].rflood != 0 || v[i].exclude != MVT_EP_NONE ||
				v[i].src_copies != NULL)
			continue;
		key = mvt_vcache_key(c[i].dst, ingress);
		e = mvt_vcache_slot(vc, key);
		e->key = key;
		e->epoch = vc->epoch;
		e->flags = v[i].flags;
		e->drop = v[i].drop;
		e->target = v[i].target;
	}
}

#endif /* MVT_VCACHE_H */

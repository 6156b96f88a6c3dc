/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#ifndef MVT_MACTABLE_H
#define MVT_MACTABLE_H

/**
 * @file
 * The MAC table: MAC address -> struct mvt_mac_entry (the endpoint that owns
 * the address, and the source-mode endpoints that list it as a sender).
 *
 * An rte_hash with lock-free readers (RW_CONCURRENCY_LF) and one writer,
 * the control thread. Entries are immutable once published: a change
 * publishes a new entry and frees the old one only after every reader
 * registered with the RCU variable has passed a quiescent state, so a
 * worker may use an entry it looked up until its next quiescent report.
 * Deleted keys' slots are reused under the same rule (rte_hash_rcu_qsbr_add).
 */

#include <stdint.h>

#include <rte_rcu_qsbr.h>

#include "mvt_common.h"

struct mvt_mactable;
struct mvt_policy;

/**
 * What the MAC table holds for one MAC address.
 */
struct mvt_mac_entry {
	uint16_t owner;		/**< endpoint whose own MAC this is, or none */
	uint16_t n_listers;	/**< source-mode endpoints listing this sender */
	uint16_t listers[MVT_SRC_LISTERS_MAX];
	/**
	 * For the policy stage, not the engine: the policy metering frames
	 * to this MAC ([0], "in") and from it ([1], "out"), or NULL.
	 */
	struct mvt_policy *policy[2];
};

/** One frame, as classified for the engine. */
struct mvt_cls {
	uint64_t dst;			/**< destination MAC key */
	uint64_t src;			/**< source MAC key */
	const struct mvt_mac_entry *dst_e; /**< MAC table entry of dst, or NULL */
	const struct mvt_mac_entry *src_e; /**< of src, or NULL (see needs_src) */
	uint16_t ethertype;		/**< host order */
};

/** Largest number of keys one bulk lookup takes (RTE_HASH_LOOKUP_BULK_MAX). */
#define MVT_MACTABLE_BULK_MAX 64

/**
 * Create a table.
 *
 * @param name     unique name (rte_hash names are global in a process)
 * @param entries  capacity in MAC addresses
 * @param qsbr     RCU variable the readers report to; NULL only when
 *                 lookups never run concurrently with changes
 * @return the table, or NULL with rte_errno set.
 */
struct mvt_mactable *mvt_mactable_create(const char *name, uint32_t entries,
	int socket_id, struct rte_rcu_qsbr *qsbr);

/** Free a table and its entries. No reader may use it any more. */
void mvt_mactable_free(struct mvt_mactable *mt);

/**
 * Make @p ep the owner of @p mac (MVT_EP_NONE: no owner).
 * Control thread only; waits for readers to quiesce before freeing.
 *
 * @return 0, -EEXIST if another endpoint owns the MAC, -ENOSPC if the
 * table is full, -ENOMEM.
 */
int mvt_mactable_set_owner(struct mvt_mactable *mt, uint64_t mac,
	uint16_t ep);

/**
 * Make @p ep the owner of @p mac in place of whichever endpoint owns it
 * (the MAC of a guest that moved to another endpoint), in one
 * publication: readers see the old owner or the new one, never none.
 * The entry's policies and source listers stay.
 * Control thread only.
 *
 * @return 0, -ENOSPC if the table is full, -ENOMEM.
 */
int mvt_mactable_move_owner(struct mvt_mactable *mt, uint64_t mac,
	uint16_t ep);

/**
 * Remove @p ep's ownership of @p mac; no-op if it does not own it.
 * Removals (this, mvt_mactable_del_lister() and mvt_mactable_set_policy()
 * with NULL) do not fail for lack of memory: the table holds an entry in
 * reserve for them.
 */
int mvt_mactable_clear_owner(struct mvt_mactable *mt, uint64_t mac,
	uint16_t ep);

/**
 * Add source-mode endpoint @p ep to the listers of sender @p mac.
 * Idempotent. @return 0, -ENOSPC (table full or MVT_SRC_LISTERS_MAX
 * listers already), -ENOMEM.
 */
int mvt_mactable_add_lister(struct mvt_mactable *mt, uint64_t mac,
	uint16_t ep);

/** Remove @p ep from the listers of @p mac; no error if absent. */
int mvt_mactable_del_lister(struct mvt_mactable *mt, uint64_t mac,
	uint16_t ep);

/**
 * Attach policy @p p (NULL: none) to @p mac for direction @p dir (0: frames
 * to the MAC, 1: frames from it). @return 0, -ENOSPC, -ENOMEM.
 */
int mvt_mactable_set_policy(struct mvt_mactable *mt, uint64_t mac,
	unsigned int dir, struct mvt_policy *p);

/**
 * The table's generation (acquire): it changes with every change a
 * reader can see, after the change is visible, and no two states of any
 * tables share one. What a reader derived from lookups made after it read
 * a generation still holds while the generation is the same.
 */
uint32_t mvt_mactable_gen(const struct mvt_mactable *mt);

/** Number of MAC addresses in the table. */
uint32_t mvt_mactable_count(const struct mvt_mactable *mt);

/** Capacity given at creation. */
uint32_t mvt_mactable_capacity(const struct mvt_mactable *mt);

/** Look one MAC up; NULL if absent. Safe on any thread. */
const struct mvt_mac_entry *mvt_mactable_lookup(const struct mvt_mactable *mt,
	uint64_t mac);

/**
 * Look up @p n (<= MVT_MACTABLE_BULK_MAX) MACs at once; @p out[i] is the
 * entry of @p keys[i] or NULL. Safe on any thread, lock-free.
 *
 * @return the number of hits.
 */
unsigned int mvt_mactable_lookup_bulk(const struct mvt_mactable *mt,
	const uint64_t *keys, unsigned int n,
	const struct mvt_mac_entry **out);

/**
 * The classification stage: the MAC table entry of the destination of
 * each of the @p n (<= MVT_BURST) frames in @p c, and of the source of a
 * frame to a group address, or of every frame when @p src_all (the
 * decision or the policy stage reads them: mvt_decide_needs_all_src()).
 * Frames of a burst mostly share their addresses (one sender, a few
 * flows), so a key equal to the previous frame's takes that frame's
 * slot, and the distinct ones go into one bulk lookup.
 */
void mvt_mactable_classify(const struct mvt_mactable *mt, struct mvt_cls *c,
	uint16_t n, int src_all);

#endif /* MVT_MACTABLE_H */

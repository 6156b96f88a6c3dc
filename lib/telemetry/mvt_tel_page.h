/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#ifndef MVT_TEL_PAGE_H
#define MVT_TEL_PAGE_H

/**
 * @file
 * Paged telemetry replies (/mvtap/endpoints, /mvtap/policies) that always
 * fit in what DPDK's telemetry sends.
 *
 * DPDK 22.11 (lib/telemetry/telemetry.c, output_json()) writes a reply as
 * {"CMD":VALUE} into at most 16 KiB and leaves out, without a word, every
 * dict entry that does not fit, and so the "next" behind them too: a
 * client would then stop early or skip entries. A page here ends before
 * the entry that would not leave room for its "next", whatever the names
 * and counters are, so that following "next" reaches every entry. The
 * sizes are counted as DPDK writes the JSON, entry by entry.
 *
 * Keys are the endpoints' and policies' names, each '.' and '-' written as
 * "/2e" and "/2d", as DPDK takes no other characters than A-Z a-z 0-9 _ /
 * in them.
 *
 * The endpoints' pages are built from rows that a callback gives, so that
 * they can be tested on endpoints that no switch holds.
 */

#include <stddef.h>
#include <stdint.h>

#include <rte_telemetry.h>

#include "mvt_stats.h"

/** A telemetry dict and the length of its JSON so far. */
struct mvt_tel_dict {
	struct rte_tel_data *d;
	unsigned int n;		/**< entries */
	size_t len;		/**< bytes of its JSON, braces included */
};

/** Start @p t as an empty dict in @p d. */
void mvt_tel_dict_start(struct mvt_tel_dict *t, struct rte_tel_data *d);
void mvt_tel_dict_string(struct mvt_tel_dict *t, const char *key,
	const char *val);
void mvt_tel_dict_u64(struct mvt_tel_dict *t, const char *key, uint64_t v);
/** A MAC as "xx:xx:xx:xx:xx:xx". */
void mvt_tel_dict_mac(struct mvt_tel_dict *t, const char *key, uint64_t mac);
/** The counters of a port, drops as their total. */
void mvt_tel_dict_counters(struct mvt_tel_dict *t,
	const struct mvt_port_counters *c);

/**
 * mvt_tel_dict_mac() and _counters() into a dict whose size is not kept;
 * _counters() with the offload counters too, for the reports of one port.
 */
void mvt_tel_add_mac(struct rte_tel_data *d, const char *key, uint64_t mac);
void mvt_tel_add_counters(struct rte_tel_data *d,
	const struct mvt_port_counters *c);

/**
 * Fill @p e, started, with the entry of slot @p slot, and its key, as it
 * is (mvt_tel_page() escapes it), into @p key (@p key_len bytes).
 * @return 0, or -ENOENT when the slot is free
 */
typedef int (*mvt_tel_entry_fn)(void *arg, unsigned int slot,
	struct mvt_tel_dict *e, char *key, size_t key_len);

/**
 * One page into @p d: a dict of the entries of the slots from @p start
 * on, at most @p max_entries of them and no more than fit in a reply, and,
 * when a slot below @p n_slots is left, "next": the slot the following
 * page starts at.
 * @return 0, or -ENOMEM
 */
int mvt_tel_page(struct rte_tel_data *d, unsigned int start,
	unsigned int n_slots, unsigned int max_entries, mvt_tel_entry_fn fn,
	void *arg);

/** What /mvtap/endpoints shows of one endpoint. */
struct mvt_tel_ep_row {
	const char *name;
	uint64_t mac;
	const char *mode;
	const char *state;
	struct mvt_port_counters c;
};

/**
 * Fill @p row with the endpoint in slot @p slot.
 * @return 0, or -ENOENT when the slot holds no endpoint
 */
typedef int (*mvt_tel_ep_row_fn)(void *arg, uint16_t slot,
	struct mvt_tel_ep_row *row);

/**
 * One page of /mvtap/endpoints into @p d, from slot @p start on: at most
 * 64 endpoints by name, fewer when they would not fit, and "next" (see
 * mvt_tel_page()).
 * @return 0, or -ENOMEM
 */
int mvt_tel_endpoints_page(struct rte_tel_data *d, uint16_t start,
	uint16_t n_slots, mvt_tel_ep_row_fn fn, void *arg);

#endif /* MVT_TEL_PAGE_H */

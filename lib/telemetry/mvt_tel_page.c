/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>

#include "mvt_common.h"
#include "mvt_conf.h"
#include "mvt_tel_page.h"

/*
 * DPDK 22.11's limits (lib/telemetry/telemetry.c; not in rte_telemetry.h):
 * MAX_OUTPUT_LEN for the whole reply, MAX_CMD_LEN for a command, NUL
 * included. output_json() writes {"CMD": then VALUE, keeping one byte for
 * the closing brace and one for a NUL, so VALUE may have up to
 * 16384 - (4 + strlen(CMD)) - 2 bytes; counted here for the longest CMD.
 */
#define TEL_OUTPUT_MAX (16 * 1024)
#define TEL_CMD_MAX 56
#define TEL_VALUE_MAX (TEL_OUTPUT_MAX - (TEL_CMD_MAX - 1) - 6)

/* ,"next":65535 -- the largest slot index a page can point to */
#define NEXT_MAX (sizeof(",\"next\":") - 1 + 5)

/* Endpoints per page: a page is also cut short when they do not fit. */
#define ENDPOINTS_PAGE 64

static size_t
digits_u64(uint64_t v)
{
	size_t n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

/*
 * A string value as DPDK writes it (__json_format_str()): quoted, '"',
 * '\\', '\n', '\r' and '\t' escaped, other control characters left out.
 * A byte above 0x7f is counted twice: DPDK may take it for a control
 * character (char is signed), and only an upper bound matters here.
 */
static size_t
json_str_len(const char *s)
{
	size_t n = 2;

	for (; *s != '\0'; s++) {
		if (strchr("\"\\\n\r\t", *s) != NULL ||
				(unsigned char)*s > 0x7f)
			n += 2;
		else if ((unsigned char)*s >= 0x20)
			n++;
	}
	return n;
}

/*
 * What an entry with a value of @p value_len bytes adds to @p t: a comma
 * after the first entry, then "key":value (a key needs no JSON escaping:
 * DPDK takes only A-Z a-z 0-9 _ / in it, see key_escape()).
 */
static size_t
entry_len(const struct mvt_tel_dict *t, const char *key, size_t value_len)
{
	return (t->n > 0 ? 1 : 0) + strlen(key) + 3 + value_len;
}

/*
 * Whether @p page can take an entry and still a "next" after it: else
 * DPDK would drop the entry, or the "next" behind it, silently. The first
 * entry always goes in (an endpoint's is 360 bytes at most, a policy's
 * 440), so that every page moves on.
 */
static int
room_for(const struct mvt_tel_dict *page, const char *key, size_t value_len)
{
	return page->n == 0 || page->len + entry_len(page, key, value_len) +
		NEXT_MAX <= TEL_VALUE_MAX;
}

/*
 * @p raw as a dict key DPDK takes. Its telemetry refuses, silently for
 * the caller, every key with a character other than A-Z a-z 0-9 _ /
 * (valid_name() in lib/telemetry/telemetry_data.c), and names may also
 * have '.' and '-': such a character becomes '/' and its two hex digits
 * ("vm-1" is "vm/2d1"), which no name has, as names have no '/'.
 */
static void
key_escape(const char *raw, char *key, size_t key_len)
{
	size_t n = 0;

	for (; *raw != '\0' && n + 4 <= key_len; raw++) {
		if ((*raw >= 'a' && *raw <= 'z') || (*raw >= 'A' && *raw <= 'Z') ||
				(*raw >= '0' && *raw <= '9') || *raw == '_' ||
				*raw == '/')
			key[n++] = *raw;
		else
			n += snprintf(key + n, key_len - n, "/%02x",
				(unsigned char)*raw);
	}
	key[n] = '\0';
}

/* Count an entry that rte_tel_data_add_dict_*() returned @p ret for. */
static int
added(struct mvt_tel_dict *t, const char *key, size_t value_len, int ret)
{
	/* E2BIG: a string was cut, the entry is there, a bound still */
	if (ret < 0)
		return ret;
	t->len += entry_len(t, key, value_len);
	t->n++;
	return 0;
}

void
mvt_tel_dict_start(struct mvt_tel_dict *t, struct rte_tel_data *d)
{
	t->d = d;
	t->n = 0;
	t->len = 2;	/* {} */
	rte_tel_data_start_dict(d);
}

void
mvt_tel_dict_string(struct mvt_tel_dict *t, const char *key, const char *val)
{
	added(t, key, json_str_len(val),
		rte_tel_data_add_dict_string(t->d, key, val));
}

void
mvt_tel_dict_u64(struct mvt_tel_dict *t, const char *key, uint64_t v)
{
	added(t, key, digits_u64(v), rte_tel_data_add_dict_u64(t->d, key, v));
}

static void
dict_int(struct mvt_tel_dict *t, const char *key, int v)
{
	size_t len = v < 0 ? 1 + digits_u64(-(int64_t)v) : digits_u64(v);

	added(t, key, len, rte_tel_data_add_dict_int(t->d, key, v));
}

void
mvt_tel_dict_mac(struct mvt_tel_dict *t, const char *key, uint64_t mac)
{
	char buf[MVT_MAC_STRLEN];

	mvt_mac_format(mac, buf);
	mvt_tel_dict_string(t, key, buf);
}

void
mvt_tel_dict_counters(struct mvt_tel_dict *t,
	const struct mvt_port_counters *c)
{
#define ADD_(name) mvt_tel_dict_u64(t, #name, c->name);
	MVT_PORT_COUNTERS(ADD_)
#undef ADD_
	mvt_tel_dict_u64(t, "drops", mvt_stats_drops_total(c));
}

void
mvt_tel_add_mac(struct rte_tel_data *d, const char *key, uint64_t mac)
{
	struct mvt_tel_dict t = { .d = d };

	mvt_tel_dict_mac(&t, key, mac);
}

void
mvt_tel_add_counters(struct rte_tel_data *d, const struct mvt_port_counters *c)
{
	struct mvt_tel_dict t = { .d = d };

	mvt_tel_dict_counters(&t, c);
#define ADD_(name) mvt_tel_dict_u64(&t, #name, c->name);
	MVT_PORT_OFFLOAD_COUNTERS(ADD_)
#undef ADD_
}

int
mvt_tel_page(struct rte_tel_data *d, unsigned int start,
	unsigned int n_slots, unsigned int max_entries, mvt_tel_entry_fn fn,
	void *arg)
{
	struct mvt_tel_dict page, e;
	char raw[RTE_TEL_MAX_STRING_LEN / 3], key[RTE_TEL_MAX_STRING_LEN];
	unsigned int slot;

	RTE_BUILD_BUG_ON(MVT_MAX_ENDPOINTS > 99999 ||
		MVT_POLICIES_MAX > 99999);
	/* every character of the longest key escaped still fits */
	RTE_BUILD_BUG_ON(3 * (MVT_NAME_MAX + 4) > RTE_TEL_MAX_STRING_LEN);
	mvt_tel_dict_start(&page, d);
	for (slot = start; slot < n_slots; slot++) {
		e.d = rte_tel_data_alloc();
		if (e.d == NULL)
			return -ENOMEM;
		mvt_tel_dict_start(&e, e.d);
		if (fn(arg, slot, &e, raw, sizeof(raw)) != 0) {
			rte_tel_data_free(e.d);
			continue;
		}
		key_escape(raw, key, sizeof(key));
		if (page.n == max_entries || !room_for(&page, key, e.len)) {
			rte_tel_data_free(e.d);
			break;
		}
		if (added(&page, key, e.len,
				rte_tel_data_add_dict_container(d, key, e.d,
					0)) != 0)
			rte_tel_data_free(e.d);	/* telemetry did not take it */
	}
	if (slot < n_slots)
		dict_int(&page, "next", (int)slot);
	return 0;
}

struct ep_page {
	mvt_tel_ep_row_fn fn;
	void *arg;
};

static int
endpoint_entry(void *arg, unsigned int slot, struct mvt_tel_dict *e,
	char *key, size_t key_len)
{
	const struct ep_page *p = arg;
	struct mvt_tel_ep_row row;

	if (p->fn(p->arg, (uint16_t)slot, &row) != 0)
		return -ENOENT;
	mvt_tel_dict_mac(e, "mac", row.mac);
	mvt_tel_dict_string(e, "mode", row.mode);
	mvt_tel_dict_string(e, "state", row.state);
	mvt_tel_dict_counters(e, &row.c);
	snprintf(key, key_len, "%s", row.name);
	return 0;
}

int
mvt_tel_endpoints_page(struct rte_tel_data *d, uint16_t start,
	uint16_t n_slots, mvt_tel_ep_row_fn fn, void *arg)
{
	struct ep_page p = { .fn = fn, .arg = arg };

	return mvt_tel_page(d, start, n_slots, ENDPOINTS_PAGE, endpoint_entry,
		&p);
}

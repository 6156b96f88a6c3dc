/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#ifndef MVT_COMMON_H
#define MVT_COMMON_H

/**
 * @file
 * Limits, MAC address keys and the parsing helpers shared by every module.
 *
 * A MAC address is handled as a 64-bit key: the six bytes as they stand
 * in the frame, loaded little-endian into the low 48 bits, the top 16 bits
 * zero. The I/G (group) bit, bit 0 of the first byte, is then bit 0 of the
 * key, and two keys compare equal exactly when the addresses do.
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>

#include "mvt_build_config.h"

/** Frames are received and processed in bursts of this size. */
#define MVT_BURST 32

/** An endpoint id that names no endpoint. */
#define MVT_EP_NONE UINT16_MAX

/** Source-mode endpoints that may list the same source MAC. */
#define MVT_SRC_LISTERS_MAX 8

/** Multicast groups an endpoint may list when it does not accept all. */
#define MVT_MC_MAX 32

/** Broadcast queue length (Linux's bcqueuelen): default and limit. */
#define MVT_BCQUEUELEN_DEFAULT 1000
#define MVT_BCQUEUELEN_MAX 4096

/**
 * Broadcast cutoff (Linux's bc_cutoff, ip-link's bclim): a group joined by
 * at most this many endpoints is flooded inline, not queued. Linux's
 * default and its range, a signed 32-bit integer.
 */
#define MVT_BCLIM_DEFAULT 1
#define MVT_BCLIM_RANGE "-2147483648..2147483647"

/** Length of an Ethernet header; shorter frames are malformed. */
#define MVT_ETH_HLEN 14

/** The MTU of every port; one mbuf holds the longest frame. */
#define MVT_MTU 1500

/**
 * The longest frame a port takes: the MTU, the Ethernet header and one
 * VLAN tag, as Linux's is_skb_forwardable() allows. Longer is oversize.
 */
#define MVT_FRAME_MAX (MVT_MTU + MVT_ETH_HLEN + 4)

#define MVT_MAC_MASK UINT64_C(0xffffffffffff)
#define MVT_MAC_BROADCAST MVT_MAC_MASK
/** 01:80:c2:00:00:00, the STP group, as a key. */
#define MVT_MAC_STP UINT64_C(0x0000c28001)

/** Length of "xx:xx:xx:xx:xx:xx" plus the terminating NUL. */
#define MVT_MAC_STRLEN 18

/**
 * Whether MAC key @p k is one of IEEE 802.1Q's reserved link-local group
 * addresses 01:80:c2:00:00:00 to :0f (STP, PAUSE, LACP, 802.1X, LLDP ...),
 * which no bridge forwards and which act on the link they arrive on.
 */
static inline int
mvt_mac_is_link_local(uint64_t k)
{
	return (k & UINT64_C(0xf0ffffffffff)) == UINT64_C(0x0000c28001);
}

/** Load the MAC at @p p (6 bytes; 8 must be readable) as a key. */
static inline uint64_t
mvt_mac_load(const void *p)
{
	uint64_t k;

	memcpy(&k, p, sizeof(k));
	return rte_le_to_cpu_64(k) & MVT_MAC_MASK;
}

/** Load the MAC at @p p reading exactly 6 bytes. */
static inline uint64_t
mvt_mac_load6(const uint8_t *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
		(uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 |
		(uint64_t)p[5] << 40;
}

/** Store key @p k as six bytes at @p p. */
static inline void
mvt_mac_store6(uint64_t k, uint8_t *p)
{
	int i;

	for (i = 0; i < 6; i++)
		p[i] = (uint8_t)(k >> (8 * i));
}

/** True for broadcast and multicast destinations. */
static inline int
mvt_mac_is_group(uint64_t k)
{
	return (int)(k & 1);
}

/** True for a unicast address other than all zeros: one a station owns. */
static inline int
mvt_mac_is_unicast(uint64_t k)
{
	return k != 0 && !mvt_mac_is_group(k);
}

/**
 * Parse "xx:xx:xx:xx:xx:xx" (hex digits, either case).
 *
 * @return 0 and the key in @p k, or -EINVAL.
 */
int mvt_mac_parse(const char *s, uint64_t *k);

/**
 * Whether @p name uses only A-Z a-z 0-9 _ . - (endpoint and policy names:
 * they go into telemetry and log lines, so no separators or blanks).
 */
int mvt_name_chars_ok(const char *name);

/**
 * Check an endpoint or policy name and copy it to @p dst: not empty, at
 * most @p size - 1 characters, only the characters mvt_name_chars_ok()
 * allows. The error line names the key as "name=", e.g.
 * "--policy name=a/b: name may contain only A-Z a-z 0-9 _ . -".
 *
 * @param prefix  start of the error line, e.g. "--endpoint"
 * @return 0, or -EINVAL with one line in @p err (@p dst untouched).
 */
int mvt_name_set(char *dst, size_t size, const char *val, const char *prefix,
	char *err, size_t errlen);

/**
 * Parse @p s as a decimal number no larger than @p max. Only the digits
 * 0-9: strtoul would let "-1", " 5" and "0x10" through. Leading zeros are
 * fine.
 *
 * @return 0 and the number in @p out; -EINVAL when @p s is empty or holds
 *   anything but digits; -ERANGE when the number exceeds @p max. @p out is
 *   untouched on error.
 */
int mvt_parse_u32(const char *s, uint32_t max, uint32_t *out);

/**
 * Format one error line into @p err, as vsnprintf() would (cut to
 * @p errlen - 1 characters); nothing is written when @p err is NULL or
 * @p errlen is 0. For the parsers' "return mvt_err(...);".
 *
 * The line stays one line whatever text it quotes: control characters
 * are written as C escapes, \n, \r and \t, the others as \xHH (e.g.
 * "--endpoint name=a\nb: ..."). Other characters, backslash included,
 * are left as they are.
 *
 * @return -EINVAL.
 */
int mvt_err(char *err, size_t errlen, const char *fmt, ...)
	__rte_format_printf(3, 4);

/** What mvt_kv_split() calls for each pair: 0, or an error to stop with. */
typedef int (*mvt_kv_fn)(void *ctx, const char *key, const char *val);

/**
 * Split a "key=value,key=value" spec of option @p opt and call @p fn for
 * each pair, in order. The spec must be shorter than @p max characters.
 *
 * @return 0; the first non-zero return of @p fn; or -EINVAL with one line
 *   in @p err: "OPT: spec longer than N characters" or
 *   "OPT TOKEN: expected key=value".
 */
int mvt_kv_split(const char *spec, size_t max, const char *opt,
	mvt_kv_fn fn, void *ctx, char *err, size_t errlen);

/** Format @p k as "xx:xx:xx:xx:xx:xx" into @p buf (MVT_MAC_STRLEN bytes). */
void mvt_mac_format(uint64_t k, char *buf);

#endif /* MVT_COMMON_H */

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#ifndef MVT_MAC_H
#define MVT_MAC_H

/**
 * @file
 * MAC addresses as 64-bit keys: the six bytes as they stand in the frame,
 * loaded little-endian into the low 48 bits, the top 16 bits zero. The
 * I/G (group) bit, bit 0 of the first byte, is then bit 0 of the key, and
 * two keys compare equal exactly when the addresses do.
 */

#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>

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

/** Format @p k as "xx:xx:xx:xx:xx:xx" into @p buf (MVT_MAC_STRLEN bytes). */
void mvt_mac_format(uint64_t k, char *buf);

#endif /* MVT_MAC_H */

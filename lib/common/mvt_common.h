/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#ifndef MVT_COMMON_H
#define MVT_COMMON_H

/**
 * @file
 * Limits shared by every module, and (through the headers it includes)
 * MAC address keys (mvt_mac.h) and the parsing helpers (mvt_parse.h).
 */

#include <stddef.h>
#include <stdint.h>

#include "mvt_build_config.h"
#include "mvt_mac.h"
#include "mvt_parse.h"

/** Frames are received and processed in bursts of this size. */
#define MVT_BURST 32

/** An endpoint id that names no endpoint. */
#define MVT_EP_NONE UINT16_MAX

/** Source-mode endpoints that may list the same source MAC. */
#define MVT_SRC_LISTERS_MAX 8

/** Multicast groups an endpoint may list when it does not accept all. */
#define MVT_MC_MAX 32

/** Mirrors that can exist at once. */
#define MVT_MIRRORS_MAX 8

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

/** The MTU of a lower that gives none, and of its endpoints by default. */
#define MVT_MTU 1500

/**
 * The MTUs a lower or an endpoint may have: IPv4's minimum, and the
 * largest jumbo frame OVS-DPDK takes (a NIC may allow less; the device
 * says so when the lower opens).
 */
#define MVT_MTU_MIN 68
#define MVT_MTU_MAX 9710

/** The room a frame may take beyond its MTU: Ethernet header, one tag. */
#define MVT_FRAME_OVERHEAD (MVT_ETH_HLEN + 4)

/**
 * The longest frame a port of MTU @p mtu takes: the MTU, the Ethernet
 * header and one VLAN tag, as Linux's is_skb_forwardable() allows.
 * Longer is oversize.
 */
#define MVT_MTU_FRAME(mtu) ((uint32_t)(mtu) + MVT_FRAME_OVERHEAD)

/** The longest frame of a port at the default MTU. */
#define MVT_FRAME_MAX MVT_MTU_FRAME(MVT_MTU)

#endif /* MVT_COMMON_H */

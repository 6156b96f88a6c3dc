/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-mvtap authors
 */

#ifndef MVT_DROP_H
#define MVT_DROP_H

/**
 * @file
 * Why a frame, or one copy of it, was dropped.
 *
 * One list generates the enum, the names used by telemetry and the
 * one-line descriptions. Every drop in the switch is charged to exactly one
 * of these reasons on exactly one port, so that for every port
 * frames in = frames delivered + drops.
 */

#define MVT_DROP_REASONS(_) \
	_(MALFORMED,   "malformed",   "frame shorter than an Ethernet header") \
	_(OVERSIZE,    "oversize",    "frame longer than the sending port's MTU allows, or a descriptor chain the vhost library discarded") \
	_(NO_DEST,     "no_dest",     "no endpoint takes it and there is no host port") \
	_(EP_DOWN,     "ep_down",     "endpoint is administratively down") \
	_(NOT_READY,   "not_ready",   "guest not connected or queue not enabled") \
	_(RING_FULL,   "ring_full",   "guest receive ring full") \
	_(TX_FULL,     "tx_full",     "lower or host port transmit queue full") \
	_(NO_MBUF,     "no_mbuf",     "mbuf pool exhausted") \
	_(NODST,       "nodst",       "consumed by a source-mode endpoint with nodst") \
	_(PRIVATE,     "private",     "strict-private isolation") \
	_(MODE,        "mode",        "the endpoint's mode forbids this delivery") \
	_(POLICY_DENY, "policy_deny", "denied by a MAC policy") \
	_(RATE_LIMIT,  "rate_limit",  "over a MAC policy's rate") \
	_(SPOOF,       "spoof",       "source MAC not allowed for this endpoint") \
	_(LINK_LOCAL,  "link_local",  "link-local control frame (PAUSE, 01:80:c2:00:00:0X) from a spoofchk endpoint") \
	_(BCAST_QUEUE, "bcast_queue", "broadcast queue full: the flood was lost") \
	_(OFFLOAD_BAD_HDR, "offload_bad_hdr", "offload metadata that the frame's headers contradict, or headers too short for it") \
	_(OFFLOAD_BAD_MSS, "offload_bad_mss", "segmentation asked with a segment size of 0, or one that makes too many segments") \
	_(OFFLOAD_UNSUPPORTED, "offload_unsupported", "an offload the switch cannot do in software: UDP segmentation, IPv6 extension headers, tunnels, fragments, SCTP") \
	_(GSO_NO_MBUF, "gso_no_mbuf", "mbuf pools of software segmentation exhausted") \
	_(NO_LOWER,    "no_lower",    "a frame from the device that no lower takes: untagged where only VLAN lowers are, or of a VLAN no lower is") \
	_(MTU_EXCEEDED, "mtu_exceeded", "frame (or, for a super-frame, a segment) longer than the receiving port's MTU allows") \
	_(HANDOFF_FULL, "handoff_full", "the ring to the worker that fills this guest's receive queue full")

enum mvt_drop_reason {
	MVT_DROP_NONE = 0,
#define MVT_DROP_ENUM_(sym, name, text) MVT_DROP_##sym,
	MVT_DROP_REASONS(MVT_DROP_ENUM_)
#undef MVT_DROP_ENUM_
	MVT_DROP_MAX
};

/** Telemetry name of a reason ("ring_full"), "none" for MVT_DROP_NONE. */
const char *mvt_drop_name(enum mvt_drop_reason r);

/** One-line description of a reason. */
const char *mvt_drop_text(enum mvt_drop_reason r);

#endif /* MVT_DROP_H */

#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-mvtap authors
"""End-to-end scenarios: the real dpdk-mvtap binary, testpmd processes as
guests on virtio-user ports, and a lower device that is net_null (frames
to the wire vanish), net_ring (every frame comes back: a hairpin switch) or
net_tap (a kernel interface this script injects frames into and reads
frames from). Every scenario asserts exact packet counts from the guests'
own statistics and from the switch's counters.

usage: mvtap_e2e.py DPDK_MVTAP_BINARY SCENARIO
Exit status: 0 pass, 1 fail, 77 skipped.

The harness is e2e_harness.py, the scenarios are in scenarios_*.py, by
topic.
"""

import os
import sys

from e2e_harness import TESTPMD, Failure, Scenario, Skip
import scenarios_capture as capture
import scenarios_isolation as isolation
import scenarios_modes as modes
import scenarios_ops as ops
import scenarios_segments as segments
import scenarios_stress as stress
import scenarios_wire as wire


SCENARIOS = {
    "bridge_unicast": modes.s_bridge_unicast,
    "capture": capture.s_capture,
    "mirror": capture.s_mirror,
    "capture_stall": capture.s_capture_stall,
    "dumpcap": capture.s_dumpcap,
    "vepa_unicast": modes.s_vepa_unicast,
    "private_group": modes.s_private_group,
    "hairpin_relay": modes.s_hairpin_relay,
    "hairpin_bridge": modes.s_hairpin_bridge,
    "strict_private": modes.s_strict_private,
    "broadcast_flood": modes.s_broadcast_flood,
    "wire_to_endpoint": wire.s_wire_to_endpoint,
    "wire_burst": wire.s_wire_burst,
    "mac_follows_guest": wire.s_mac_follows_guest,
    "endpoint_to_wire": wire.s_endpoint_to_wire,
    "passthru": wire.s_passthru,
    "host_port": wire.s_host_port,
    "mcast_sources": modes.s_mcast_sources,
    "tap_endpoints": wire.s_tap_endpoints,
    "tap_handoff": wire.s_tap_handoff,
    "tap_root_live": wire.s_tap_root_live,
    "stop_slow_worker": stress.s_stop_slow_worker,
    "bcqueuelen": modes.s_bcqueuelen,
    "client_reconnect": isolation.s_client_reconnect,
    "bad_input": isolation.s_bad_input,
    "busy_mac": isolation.s_busy_mac,
    "uc_filter": modes.s_uc_filter,
    "socket_access": isolation.s_socket_access,
    "frontend_abuse": isolation.s_frontend_abuse,
    "second_frontend": isolation.s_second_frontend,
    "connection_flood": isolation.s_connection_flood,
    "client_backoff": isolation.s_client_backoff,
    "guest_frames": isolation.s_guest_frames,
    "libvirt_hook": ops.s_libvirt_hook,
    "idle_sleep": ops.s_idle_sleep,
    "idle_wake": ops.s_idle_wake,
    "stuck_guest": stress.s_stuck_guest,
    "soak": stress.s_soak,
    "storm": wire.s_storm,
    "live_endpoints": ops.s_live_endpoints,
    "multiqueue": ops.s_multiqueue,
    "rebalance": ops.s_rebalance,
    "handoff": ops.s_handoff,
    "observability": ops.s_observability,
    "policy": ops.s_policy,
    "two_lowers": segments.s_two_lowers,
    "vlan_lowers": segments.s_vlan_lowers,
    "jumbo": segments.s_jumbo,
}


def main(argv):
    if len(argv) != 3 or argv[2] not in SCENARIOS:
        print(f"usage: {argv[0]} DPDK_MVTAP SCENARIO\nscenarios: " +
              " ".join(SCENARIOS), file=sys.stderr)
        return 2
    if not os.path.exists(TESTPMD):
        print("SKIP: dpdk-testpmd not found")
        return 77
    sc = Scenario(argv[1])
    try:
        SCENARIOS[argv[2]](sc)
    except Skip as e:
        print(f"SKIP: {e}")
        return 77
    except Failure as e:
        print(f"FAIL {argv[2]}: {e}")
        sc.print_logs()
        # again last: the test runner shows only the end of a long log
        print(f"FAIL {argv[2]}: {e}")
        return 1
    finally:
        sc.cleanup()
    print(f"PASS {argv[2]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

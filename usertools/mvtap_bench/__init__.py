# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-mvtap authors

"""The modules of usertools/mvtap-bench.

harness         processes, telemetry reads, the generator and idle guests,
                the Switch interface
machine         load, CPU placement, hugepages, packages
report          statistics over repetitions, tables, plots
driver_mvtap    dpdk-mvtap under test
driver_testpmd  testpmd io forwarding (the ceiling)
driver_ovs      OVS-DPDK
matrix          the throughput scenario: the matrix of configurations
accuracy        the policy accuracy scenario (--policy-accuracy)
"""

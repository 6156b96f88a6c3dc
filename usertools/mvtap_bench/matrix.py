# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-mvtap authors

"""The throughput scenario of mvtap-bench: the matrix of configurations,
one run of each, repetitions, and the summary.
"""

import json
import os
import shlex
import statistics
import tempfile
import time

from mvtap_telemetry import sampled
from .driver_mvtap import Mvtap
from .driver_ovs import OVS_VSWITCHD, Ovs
from .driver_testpmd import TestpmdSwitch
from .harness import (BROADCAST_ENDPOINTS, BenchError, Generator, IdleGuests,
                      OpenLoopGenerator, PREFIX_GEN, WireGenerator, cfg_label,
                      cfg_name, cleanup_dir, cleanup_hugefiles, has_wire, log,
                      now_iso, scenario_guests, scenario_plan, scenario_tag,
                      telemetry_ready, wait_until, WIRE_GUESTS)
from .machine import (c2c_probe, ensure_package, load1, placement,
                      proc_stat_cpu, quiet_gate)
from .report import plot, print_table, summarise


def make_switch(cfg, workdir, args, confdir):
    if cfg["switch"] == "mvtap":
        exe = args.baseline if cfg.get("baseline") else args.mvtap
        return Mvtap(cfg, workdir, exe, confdir,
                     getattr(args, "mvtap_args", []))
    if cfg["switch"] == "testpmd":
        return TestpmdSwitch(cfg, workdir)
    return Ovs(cfg, workdir)


def run_once(cfg, args, tmp, confdir):
    """One run of one configuration: returns the sample (a dict)."""
    workdir = tempfile.mkdtemp(prefix=cfg_name(cfg) + "-", dir=tmp)
    sw = make_switch(cfg, workdir, args, confdir)
    gen = idle = None
    sample = {"config": dict(cfg), "name": cfg_name(cfg),
              "started": now_iso(), "load1_before": round(load1(), 2),
              "c2c_ns_before": c2c_probe()}
    try:
        sw.start()
        sample["switch_started"] = True
        if sw.idle_socks():
            idle = IdleGuests(workdir, sw.idle_socks()).start()
            sw.wait_up(len(sw.idle_socks()))
            idle.check()
        if has_wire(cfg):
            gen = WireGenerator(workdir, sw.wire_sock(), sw.socks(), cfg)
        elif cfg.get("open_loop"):
            gen = OpenLoopGenerator(workdir, sw.socks(), cfg["size"])
        else:
            gen = Generator(workdir, sw.socks(), cfg["size"],
                            scenario_plan(cfg))
        gen.start()
        sample["commands"] = [shlex.join(c) for c in sw.commands] + [
            shlex.join(gen.cmd)] + (idle.summary() if idle else [])
        gen.begin(sw)
        wait_until(lambda: telemetry_ready(PREFIX_GEN), 10,
                   "the generator's telemetry socket")
        sw.ready()
        time.sleep(args.warmup)
        if not sw.alive() or not gen.alive():
            raise BenchError("a process exited during the warm-up")
        if idle is not None:
            idle.check()
        # the window
        cpu0 = proc_stat_cpu()
        ours0 = sw.cpu_ticks() + gen.cpu_ticks() + (
            idle.cpu_ticks() if idle else 0)
        sw.window_start()
        t0, c0 = sampled(gen.counters)
        time.sleep(args.duration)
        t1, c1 = sampled(gen.counters)
        swres = sw.window_end()
        cpu1 = proc_stat_cpu()
        ours1 = sw.cpu_ticks() + gen.cpu_ticks() + (
            idle.cpu_ticks() if idle else 0)
        dt = t1 - t0
        hz = os.sysconf("SC_CLK_TCK")
        ports = []
        for p in range(len(c1)):
            rx = c1[p]["ipackets"] - c0[p]["ipackets"]
            rxb = c1[p]["ibytes"] - c0[p]["ibytes"]
            ports.append({
                "rx_packets": rx, "rx_bytes": rxb,
                "mpps": rx / dt / 1e6,
                "gbps": rxb * 8 / dt / 1e9,
                "tx_packets": c1[p]["opackets"] - c0[p]["opackets"]})
        offered = sum(p["tx_packets"] for p in ports) / dt / 1e6
        total = sum(p["mpps"] for p in ports)
        if has_wire(cfg):
            # what reached the guests, and what came back to the station
            sample["to_guests_mpps"] = total - ports[0]["mpps"]
            sample["to_wire_mpps"] = ports[0]["mpps"]
        sample.update({
            "window_s": round(dt, 3),
            "ports": ports,
            # open loop: what reached B, one direction; from the wire:
            # every frame the switch delivered, both ways
            "mpps": (total if cfg.get("open_loop") or has_wire(cfg) else
                     statistics.mean(p["mpps"] for p in ports)),
            "mpps_total": total,
            # what the guests sent and what reached a guest, per second;
            # in a closed loop the two are equal
            "offered_mpps": offered,
            "dropped_mpps": max(0.0, offered - total),
            "gbps": statistics.mean(p["gbps"] for p in ports),
            "switch": swres,
            "cycles_per_packet": swres.get("cycles_per_packet"),
            "cycles_per_packet_polls": swres.get("cycles_per_packet_polls"),
            "other_cpus": round(((cpu1[0] - cpu0[0]) - (ours1 - ours0)) /
                                hz / dt, 3),
            "steal_cpus": round((cpu1[1] - cpu0[1]) / hz / dt, 3),
            "load1_after": round(load1(), 2)})
        if has_wire(cfg):
            if ports[0]["rx_packets"] == 0 or ports[1]["rx_packets"] == 0:
                raise BenchError("nothing %s" % (
                    "reached the guests" if ports[1]["rx_packets"] == 0
                    else "came back to the wire"))
        elif cfg.get("open_loop"):
            if ports[1]["rx_packets"] == 0:
                raise BenchError("the receiver got nothing")
        elif min(p["rx_packets"] for p in ports) == 0:
            raise BenchError("one direction of the loop carries nothing "
                             "(its seed burst was lost)")
        sample["ok"] = True
    except BenchError as e:
        sample["ok"] = False
        sample["error"] = str(e)
    finally:
        if gen is not None:
            gen.stop()
        if idle is not None:
            idle.stop()
        sw.stop()
        cleanup_hugefiles()
        cleanup_dir(workdir)
    sample["c2c_ns_after"] = c2c_probe()
    sample["placement"] = placement(sample["c2c_ns_before"],
                                    sample["c2c_ns_after"])
    return sample


def parse_ints(s):
    return [int(x) for x in s.split(",") if x]


def scenario_cfgs(args, have_ovs, size, scenario, broadcast=None):
    """The configurations of a scenario besides the closed pair: dpdk-mvtap
    in the first of --modes with the first of --policies, each traffic
    guest an endpoint (the pair in open loop: the first of --endpoints),
    and the peers that can express it; broadcast, once per share of
    --broadcast-shares, with BROADCAST_ENDPOINTS endpoints."""
    if scenario == "broadcast" and broadcast is None:
        return [c for pct in args.broadcast_shares for c in scenario_cfgs(
            args, have_ovs, size, "broadcast", pct)]
    sc = "pair" if scenario == "open-loop" else scenario
    base = {"size": size, "scenario": sc,
            "open_loop": scenario == "open-loop"}
    if broadcast is not None:
        base["broadcast"] = broadcast
    if has_wire(base):
        base["wire_ring"] = args.wire_ring
    if sc == "wire":
        base["wire_dst"] = args.wire_dst
    cfgs = []
    for sw in args.switches:
        ep = scenario_guests(base)
        if sc == "broadcast":
            ep = BROADCAST_ENDPOINTS
        if sw == "mvtap":
            if scenario == "open-loop":
                ep = args.endpoints[0]
            cfgs.append(dict(base, switch="mvtap", mode=args.modes[0],
                             endpoints=ep, policies=args.policies[0]))
        elif sw == "ovs" and not have_ovs:
            continue
        elif sw == "testpmd" and (sc in ("fan-in", "broadcast") or
                                  base.get("wire_dst", WIRE_GUESTS) !=
                                  WIRE_GUESTS):
            # its chain crosses every guest, each sending the frame on
            continue
        else:
            cfgs.append(dict(base, switch=sw, mode=None, endpoints=ep,
                             policies=0))
    return cfgs


def build_matrix(args, have_ovs):
    cfgs = []
    for size in args.sizes:
        for sc in args.scenarios:
            if sc != "pair":
                cfgs += scenario_cfgs(args, have_ovs, size, sc)
        if "pair" not in args.scenarios:
            continue
        for sw in args.switches:
            if sw == "mvtap":
                for mode in args.modes:
                    eps = args.endpoints
                    if size > 64 and args.large_endpoints:
                        eps = args.large_endpoints
                    for pol in args.policies:
                        for ep in eps:
                            for nl in args.lowers:
                                cfgs.append({"switch": "mvtap", "size": size,
                                             "mode": mode, "endpoints": ep,
                                             "policies": pol, "lowers": nl})
            elif sw == "ovs" and not have_ovs:
                continue
            else:
                cfgs.append({"switch": sw, "size": size, "mode": None,
                             "endpoints": 2, "policies": 0})
    if getattr(args, "baseline", None):
        # each dpdk-mvtap configuration again with the baseline, right
        # after it, so that the two are as close in time as can be
        cfgs = [x for c in cfgs for x in (
            [c, dict(c, baseline=True)] if c["switch"] == "mvtap" else [c])]
    return cfgs


def round_order(cfgs, rep):
    """The configurations in the order of round @p rep: as built, but each
    one run with the baseline goes first in every other round, so that
    neither binary always has the place after the other."""
    if rep % 2 == 0:
        return cfgs
    out = list(cfgs)
    for i in range(len(out) - 1):
        if out[i + 1].get("baseline") and out[i + 1] == dict(out[i],
                                                            baseline=True):
            out[i], out[i + 1] = out[i + 1], out[i]
    return out


def save_partial(args, report):
    """Every sample so far, in case the benchmark is interrupted."""
    with open(os.path.join(args.out, "bench-partial.json"), "w") as f:
        json.dump(report, f, indent=1)


def run_matrix(args, tmp, report):
    have_ovs = False
    if "ovs" in args.switches:
        if ensure_package(OVS_VSWITCHD, "openvswitch-switch-dpdk"):
            have_ovs = True
        else:
            log("OVS-DPDK: %s not available: no OVS column" % OVS_VSWITCHD)
            report["ovs_skipped"] = "%s not installed" % OVS_VSWITCHD
    cfgs = build_matrix(args, have_ovs)
    confdir = os.path.join(args.out, "configs")
    os.makedirs(confdir, exist_ok=True)
    total = len(cfgs) * args.reps
    if args.quick:
        total -= (args.reps - 1) * len([c for c in cfgs if scenario_tag(c)])
    log("matrix: %d configurations x %d rounds = %d runs of about "
        "%g s; order A B C ... A B C ..., ratios taken within each round"
        % (len(cfgs), args.reps, total, args.warmup + args.duration + 4))
    samples = []
    report["samples"] = samples
    shown = set()
    n = 0
    ovs_failed = None
    for rep in range(args.reps):
        for cfg in round_order(cfgs, rep):
            if args.quick and rep > 0 and scenario_tag(cfg):
                continue            # the smoke test: the scenarios once
            n += 1
            if cfg["switch"] == "ovs" and ovs_failed:
                continue
            for attempt in range(1 + args.retries):
                waited, before = quiet_gate(args.max_other_cpu,
                                            args.gate_wait)
                s = run_once(cfg, args, tmp, confdir)
                s["gate_wait_s"] = waited
                s["other_cpus_before"] = before
                save_partial(args, report)
                s["rep"] = rep + 1
                s["attempt"] = attempt + 1
                samples.append(s)
                if s["ok"]:
                    s["noisy"] = s["other_cpus"] > args.max_other_cpu
                    if not s["noisy"] or attempt == args.retries:
                        break
                    log("  run %d/%d %s: other processes used %.2f CPUs "
                        "in the window: once more" % (
                            n, total, cfg_name(cfg), s["other_cpus"]))
                    continue
                log("  run %d/%d %s: FAILED: %s" % (n, total, cfg_name(cfg),
                                                    s["error"]))
            key = (cfg["switch"], scenario_tag(cfg))
            if key not in shown and s.get("commands"):
                shown.add(key)
                log("  commands (%s):" % " ".join(x for x in key if x))
                for c in s["commands"]:
                    log("    " + c)
            if not s["ok"]:
                if cfg["switch"] == "ovs" and not s.get("switch_started"):
                    ovs_failed = s["error"]
                    log("OVS-DPDK does not run here: no OVS column (%s)" %
                        ovs_failed.splitlines()[0])
                    report["ovs_skipped"] = ovs_failed
                continue
            log("run %3d/%d rep %d  %4d B  %-38s %6.3f Mpps/port %7.3f "
                "Gbit/s  %6.0f cycles/pkt (%s per poll)%s  other CPU "
                "%.2f%s%s" % (
                    n, total, rep + 1, cfg["size"], cfg_label(cfg), s["mpps"],
                    s["gbps"], s["cycles_per_packet"] or 0,
                    "%.0f" % s["cycles_per_packet_polls"]
                    if s.get("cycles_per_packet_polls") else "-",
                    "  sent %.3f, delivered %.3f Mpps" % (
                        s["offered_mpps"], s["mpps_total"])
                    if cfg.get("open_loop") else "", s["other_cpus"],
                    "  (noisy)" if s["noisy"] else "",
                    "  c2c %.0f/%.0f ns %s" % (
                        s["c2c_ns_before"], s["c2c_ns_after"],
                        s["placement"]) if s.get("placement") else ""))
    summary = summarise(cfgs, samples)
    report["summary"] = summary
    report["load1_at_end"] = round(load1(), 2)
    print_table(summary, args.reps, report.get("mvtap"),
                report.get("baseline"))
    runs = [s for s in samples if s.get("ok")]
    if runs:
        oc = [s["other_cpus"] for s in runs]
        ld = [s["load1_after"] for s in runs]
        log("noise: CPU used by other processes during the windows: median "
            "%.2f, max %.2f CPUs; 1-minute load during the runs %.2f-%.2f "
            "(2 of it is this benchmark's own polling)" % (
                statistics.median(oc), max(oc), min(ld), max(ld)))
    files = plot(summary, args.out)
    for f in files:
        log("plot: %s" % f)
    failed = [s for s in samples if not s.get("ok")]
    if args.quick:
        # the smoke test: every configuration must have run
        missing = [r["name"] for r in summary if not r["ok"]]
        if missing:
            log("no successful run of: %s" % ", ".join(missing))
            # the reasons again, where the end of a CI log shows them
            for name in missing:
                errs = [s["error"] for s in failed if s["name"] == name]
                if errs:
                    log("  %s, last error: %s" % (
                        name, errs[-1].replace("\n", "\n    ")))
        return 1 if missing else 0
    return 0 if not failed or runs else 1


# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-mvtap authors

"""The policy accuracy scenario of mvtap-bench (--policy-accuracy): how
closely a policy holds a sender to its rate.
"""

import os
import re
import shlex
import statistics
import tempfile
import time

from mvtap_telemetry import sampled
from .harness import (BenchError, GEN_LCORES, LINEBUF, MAC_A, PREFIX_GEN,
                      PREFIX_MVTAP, Proc, STATION, SWITCH_LCORES, TESTPMD,
                      cleanup_dir, cleanup_hugefiles, log, now_iso, telemetry,
                      telemetry_ready, wait_until)
from .machine import load1, quiet_gate


ACCURACY_CASES = [
    {"policy": "rate=10000", "kind": "bytes", "limit": 10000, "size": 1500},
    {"policy": "rate=100000", "kind": "bytes", "limit": 100000,
     "size": 1500},
    {"policy": "rate=1000000", "kind": "bytes", "limit": 1000000,
     "size": 1500},
    {"policy": "pps=100000", "kind": "packets", "limit": 100000, "size": 64},
]


def accuracy_once(case, args, tmp):
    """One guest sends as fast as it can through dpdk-mvtap (bridge) to a
    station on the wire (the net_null lower); a policy (dir=out) on its MAC
    holds it. Returns the sample."""
    workdir = tempfile.mkdtemp(prefix="accuracy-", dir=tmp)
    sock = os.path.join(workdir, "e0.sock")
    spec = "name=acc,mac=%s,dir=out,%s" % (MAC_A, case["policy"])
    swcmd = [args.mvtap, "--lcores", SWITCH_LCORES, "--socket-mem", "512",
             "--file-prefix", PREFIX_MVTAP, "--no-pci",
             "--log-level=lib.vhost.*:error", "--",
             "--lower", "net_null0,no-rx=1",
             "--endpoint", "name=e0,mac=%s,mode=bridge,socket=%s" % (
                 MAC_A, sock),
             "--policy", spec]
    gencmd = LINEBUF + [
              TESTPMD, "--lcores", GEN_LCORES, "--no-pci",
              "--single-file-segments", "--socket-mem", "256",
              "--file-prefix", PREFIX_GEN,
              "--vdev", "net_virtio_user0,path=%s,mac=%s" % (sock, MAC_A),
              "--", "--forward-mode=txonly", "--txpkts=%d" % case["size"],
              "--eth-peer=0,%s" % STATION, "--stats-period", "1",
              "--record-core-cycles"]
    res = {"case": case["policy"], "kind": case["kind"],
           "limit": case["limit"], "size": case["size"],
           "commands": [shlex.join(swcmd), shlex.join(gencmd)],
           "started": now_iso(), "load1_before": round(load1(), 2)}
    sw = gen = None
    try:
        sw = Proc("dpdk-mvtap", swcmd, workdir).start()
        wait_until(lambda: "dpdk-mvtap: forwarding" in sw.output() or
                   not sw.alive(), 60, "dpdk-mvtap to forward")
        if not sw.alive():
            raise BenchError("dpdk-mvtap exited:\n" + sw.tail())
        wait_until(lambda: telemetry_ready(PREFIX_MVTAP), 10,
                   "the dpdk-mvtap telemetry socket")
        gen = Proc("sender", gencmd, workdir).start()
        wait_until(lambda: "Port statistics" in gen.output() or
                   not gen.alive(), 30, "the sender to send")
        if not gen.alive():
            raise BenchError("the sender exited:\n" + gen.tail())
        time.sleep(args.accuracy_warmup)

        def snap():
            t, pol = sampled(lambda: telemetry(PREFIX_MVTAP,
                                             "/mvtap/policies")["acc/out"])
            ep = telemetry(PREFIX_MVTAP, "/mvtap/endpoint,e0")
            low = telemetry(PREFIX_MVTAP, "/mvtap/lower")
            lc = telemetry(PREFIX_MVTAP, "/mvtap/lcores")["1"]
            return t, pol, ep, low, lc
        t0, p0, e0, l0, w0 = snap()
        time.sleep(args.accuracy_duration)
        t1, p1, e1, l1, w1 = snap()
        dt = t1 - t0
        # the worker counts every TSC cycle (busy + idle): the real rate
        res["tsc_hz_measured"] = (
            (w1["busy_cycles"] + w1["idle_cycles"]) -
            (w0["busy_cycles"] + w0["idle_cycles"])) / dt
        # the clock rate the meters were set up with (older builds: none)
        if "tsc_hz" in w1:
            res["tsc_hz_meters"] = w1["tsc_hz"]
        cb = p1["conform_bytes"] - p0["conform_bytes"]
        cp = p1["conform_packets"] - p0["conform_packets"]
        ob = e1["rx_bytes"] - e0["rx_bytes"]
        op = e1["rx_packets"] - e0["rx_packets"]
        if case["kind"] == "bytes":
            delivered = cb * 8 / 1000 / dt        # kbit/s
            offered = ob * 8 / 1000 / dt
        else:
            delivered = cp / dt                   # frames/s
            offered = op / dt
        res.update({
            "window_s": round(dt, 3),
            "delivered": delivered, "offered": offered,
            "error_pct": (delivered - case["limit"]) / case["limit"] * 100,
            "conform_packets": cp, "conform_bytes": cb,
            "exceed_packets": p1["exceed_packets"] - p0["exceed_packets"],
            "exceed_bytes": p1["exceed_bytes"] - p0["exceed_bytes"],
            "lower_tx_packets": l1["tx_packets"] - l0["tx_packets"],
            "offered_over_limit": offered / case["limit"],
            "load1_after": round(load1(), 2)})
        # below 1.1 x the limit the meter is not really tested
        res["valid"] = offered > 1.1 * case["limit"]
        res["ok"] = True
    except BenchError as e:
        res["ok"] = False
        res["error"] = str(e)
    finally:
        if gen is not None:
            gen.stop()
            # the TSC rate DPDK assumes (rte_get_tsc_hz), as the sender,
            # linked with the same EAL, prints it at exit
            m = re.search(r"at (\d+) MHz Clock", gen.output())
            if m:
                res["tsc_hz_dpdk"] = int(m.group(1)) * 1000000
        if sw is not None:
            sw.stop()
        cleanup_hugefiles()
        cleanup_dir(workdir)
    return res


def unit(kind):
    return "kbit/s" if kind == "bytes" else "frames/s"


def human(v, kind):
    """A rate in kbit/s (kind bytes) or frames/s, readable."""
    if kind == "bytes":
        if v >= 1e6:
            return "%.3f Gbit/s" % (v / 1e6)
        return "%.3f Mbit/s" % (v / 1e3)
    if v >= 1e6:
        return "%.3f Mpps" % (v / 1e6)
    return "%.1f kpps" % (v / 1e3)


def run_accuracy(args, tmp, report):
    log("policy accuracy: one sender (testpmd txonly, CPU 0) -> dpdk-mvtap "
        "bridge (CPU 1) -> net_null lower;")
    log("a dir=out policy on the sender's MAC; delivered rate from "
        "/mvtap/policies conform counters over %g s after %g s warm-up" %
        (args.accuracy_duration, args.accuracy_warmup))
    rows = []
    for rep in range(args.reps):
        for case in ACCURACY_CASES:
            quiet_gate(args.max_other_cpu, args.gate_wait)
            r = accuracy_once(case, args, tmp)
            r["rep"] = rep + 1
            rows.append(r)
            if not r["ok"]:
                log("  %-13s rep %d: FAILED: %s" % (case["policy"], rep + 1,
                                                    r["error"]))
                continue
            log("  %-13s rep %d: %d-byte frames, offered %s, delivered "
                "%.1f %s, error %+.3f %%%s" % (
                    case["policy"], rep + 1, case["size"],
                    human(r["offered"], case["kind"]),
                    r["delivered"], unit(case["kind"]), r["error_pct"],
                    "" if r["valid"] else
                    "  (the sender could not offer more than 1.1 x the "
                    "limit: not a result)"))
    report["policy_accuracy"] = rows
    meas = [r["tsc_hz_measured"] for r in rows if r.get("tsc_hz_measured")]
    dpdk = [r["tsc_hz_dpdk"] for r in rows if r.get("tsc_hz_dpdk")]
    used = [r["tsc_hz_meters"] for r in rows if r.get("tsc_hz_meters")]
    if meas and (dpdk or used):
        real = statistics.median(meas)
        # dpdk-mvtap before it measured its own used rte_get_tsc_hz()
        assumed = statistics.median(used or dpdk)
        bias = (real / assumed - 1) * 100
        report["tsc"] = {"measured_hz": real, "meters_hz": assumed,
                         "dpdk_hz": statistics.median(dpdk) if dpdk
                         else None, "expected_error_pct": bias}
        log("meter time base: the TSC runs at %.1f MHz over the windows, "
            "the meters assume %.1f MHz%s: %+.3f %% of their rate for that "
            "reason alone" % (
                real / 1e6, assumed / 1e6,
                "" if used else " (rte_get_tsc_hz)", bias))
    log()
    log("Policy accuracy (median over %d repetition(s)):" % args.reps)
    log("  %-13s %6s %16s %16s %10s  %s" % ("policy", "frame", "offered",
                                             "delivered", "error %",
                                             "verdict"))
    for case in ACCURACY_CASES:
        ok = [r for r in rows if r["case"] == case["policy"] and r["ok"]]
        if not ok:
            log("  %-13s no result" % case["policy"])
            continue
        off = statistics.median(r["offered"] for r in ok)
        dl = statistics.median(r["delivered"] for r in ok)
        err = statistics.median(r["error_pct"] for r in ok)
        valid = all(r["valid"] for r in ok)
        log("  %-13s %5dB %16s %16s %+10.3f  %s" % (
            case["policy"], case["size"], human(off, case["kind"]),
            human(dl, case["kind"]), err,
            "ok" if valid else "sender too slow to test this limit "
            "(offered %.2f x the limit)" % (off / case["limit"])))


#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-mvtap authors
"""What sleeping when idle costs two Linux guests: QEMU (TCG) guests on two
vhost-user endpoints of dpdk-mvtap (bridge mode, net_null lower), one
pinging the other, with each maximum sleep set live in turn, repetition
after repetition, on the same guests: the idle worker's CPU (from /proc)
and the ping round trips, median and range. A benchmark, not a test: it
asserts nothing but that the pings are answered.

usage: bench_guest_sleep.py DPDK_MVTAP GUEST_CACHE_DIR [--sleeps 0,5000]
           [--reps 3] [--pings 200] [--out FILE]
"""

import argparse
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))

import e2e_harness as e2e  # noqa: E402
from mvtguest import Guest, build_guest, guest_files  # noqa: E402
from scenarios_ops import worker_cpu, worker_stats  # noqa: E402

NET = "10.250.76"
PREFIX = "mvte2e-gsleep"


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("mvtap")
    ap.add_argument("cache")
    ap.add_argument("--sleeps", default="0,5000")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--pings", type=int, default=200)
    ap.add_argument("--interval", type=float, default=0.05)
    ap.add_argument("--out")
    args = ap.parse_args(argv)
    sleeps = [int(x) for x in args.sleeps.split(",")]
    if build_guest(args.cache) != 0:
        print("the guest image did not build")
        return 1
    kernel, initrd = guest_files(args.cache)
    sc = e2e.Scenario(args.mvtap)
    guests = []
    samples = {s: [] for s in sleeps}
    try:
        for i in (1, 2):
            g = Guest(f"g{i}", sc.tmp, kernel, initrd, sc.sock(f"g{i}"),
                      e2e.mac(i), f"{NET}.{i}/24", server=True)
            guests.append(g.start())
        e2e.wait_until(lambda: all(os.path.exists(sc.sock(f"g{i}"))
                                   for i in (1, 2)), 30, "the sockets")
        eps = []
        for i in (1, 2):
            eps += ["--endpoint", f"name=g{i},mac={e2e.mac(i)},mode=bridge,"
                    f"socket={sc.sock(f'g{i}')},client=1"]
        sw = sc.switch(["--lower", "net_null0,no-rx=1"] + eps, "gsleep")
        sw.wait_log("forwarding")
        for g in guests:
            g.wait_ready(180)
        if not guests[0].ping(f"{NET}.2", count=3):
            raise RuntimeError("g1 does not reach g2")
        for rep in range(args.reps):
            for s in sleeps:
                rc, _, err = e2e.ctl(PREFIX, "set-max-sleep", str(s))
                if rc != 0:
                    raise RuntimeError(err)
                cpu = worker_cpu(sw, 3.0)
                rc, out = guests[0].run(
                    f"ping -c {args.pings} -i {args.interval} {NET}.2",
                    timeout=args.pings * (args.interval + 1) + 10)
                rtt = [float(x) * 1000 for x in
                       re.findall(r"time=([0-9.]+) ms", out)]
                if len(rtt) < args.pings * 0.95:
                    raise RuntimeError(f"{len(rtt)} of {args.pings} "
                                       "answered")
                samples[s].append({"cpu": cpu, "p50_us": pct(rtt, 50),
                                   "p99_us": pct(rtt, 99)})
                print(f"rep {rep + 1}  max-sleep-us {s:5d}  idle worker "
                      f"CPU {cpu * 100:5.1f} %  ping p50 "
                      f"{pct(rtt, 50):7.1f} us  p99 {pct(rtt, 99):7.1f} us",
                      flush=True)
        lc = worker_stats(PREFIX)
        print(f"sleeps {lc['sleeps']}, wakeups {lc['wakeups']}")
        sw.stop()
    finally:
        for g in guests:
            g.stop()
        sc.cleanup()
    print("\nmedian [min-max] over %d repetition(s)" % args.reps)
    for s in sleeps:
        def med(k):
            xs = sorted(r[k] for r in samples[s])
            return xs[len(xs) // 2], xs[0], xs[-1]
        c, a, b = med("cpu"), med("p50_us"), med("p99_us")
        print("max-sleep-us %5d  idle CPU %5.1f [%5.1f-%5.1f] %%  p50 %7.1f "
              "[%7.1f-%7.1f] us  p99 %7.1f [%7.1f-%7.1f] us" %
              (s, c[0] * 100, c[1] * 100, c[2] * 100, *a, *b))
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"command": ["test/qemu/bench_guest_sleep.py"] + argv,
                       "samples": {str(s): samples[s] for s in sleeps}}, f,
                      indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

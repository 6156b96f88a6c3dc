# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-mvtap authors
"""The switch under stress: a worker held while it stops, a stuck guest, and a
long soak whose descriptors and memory must stay flat.

The scenarios of mvtap_e2e.py; their harness is e2e_harness.py.
"""

import os
import re
import signal
import subprocess
import time

from e2e_harness import (BROADCAST, Failure, Skip, bridge_switch, burst_guest,
                         check, check_eq, fds_baseline, fds_settled, mac,
                         ready, telemetry, txonly_guest, wait_until,
                         with_quiet_tap)
import mvtap_proc  # noqa: E402 (usertools/, on the path e2e_harness set)


class StoppedThread:
    """One thread of another process held in a ptrace stop, the others
    running: a worker lcore that does not come back for as long as the
    test wants (PTRACE_SEIZE and PTRACE_INTERRUPT stop only that thread)."""
    SEIZE, INTERRUPT, DETACH, WALL = 0x4206, 0x4207, 17, 0x40000000

    def __init__(self, pid, comm):
        import ctypes
        self.libc = ctypes.CDLL(None, use_errno=True)
        self.libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_int,
                                     ctypes.c_void_p, ctypes.c_void_p]
        tids = [int(t) for t in mvtap_proc.threads_named(pid, comm,
                                                          exact=True)]
        check(len(tids) == 1, f"one thread named {comm} in {pid}: {tids}")
        self.tid = tids[0]
        if self.libc.ptrace(self.SEIZE, self.tid, None, None) != 0:
            raise Skip(f"cannot ptrace thread {self.tid} "
                       f"(errno {ctypes.get_errno()})")
        check(self.libc.ptrace(self.INTERRUPT, self.tid, None, None) == 0,
              "PTRACE_INTERRUPT")
        os.waitpid(self.tid, self.WALL)
        self.held = True

    def release(self):
        if self.held:
            self.libc.ptrace(self.DETACH, self.tid, None, None)
            self.held = False

    def reap(self):
        """Collect the thread once its process is gone: the process's exit
        is not reported to its parent before that."""
        try:
            os.waitpid(self.tid, os.WNOHANG | self.WALL)
        except ChildProcessError:
            pass


def sigterm_while_adding(sc, name, release_after):
    """Switch NAME with endpoint a; its worker is held; an add_endpoint
    waits for it; SIGTERM; the worker is let go after release_after
    seconds (None: never). Returns (exit status, seconds from SIGTERM to
    exit, the add's reply or None, the switch's output)."""
    import threading
    sw = sc.switch(["--lower", "net_null0,no-rx=1"] +
                   sc.endpoint("a", 0xa, "bridge"), name)
    sw.wait_log("forwarding")
    held = StoppedThread(sw.proc.pid, "rte-worker-1")
    reply = {}

    def add():
        try:
            reply["r"] = telemetry("mvte2e-" + name, "/mvtap/add_endpoint,"
                                   f"name=c,mac={mac(0xc)},socket="
                                   f"{sc.sock('c')}")
        except (Failure, OSError, ValueError, KeyError):
            reply["r"] = None
    t = threading.Thread(target=add, daemon=True)
    t.start()
    try:
        sw.wait_log("endpoint c: vhost-user server", 10)
        time.sleep(0.5)
        check(t.is_alive(), "add_endpoint answered while the worker was "
              "held: it did not wait for it")
        t0 = time.monotonic()
        sw.proc.send_signal(signal.SIGTERM)
        while sw.proc.poll() is None and time.monotonic() - t0 < 30:
            if release_after is not None and \
                    time.monotonic() - t0 >= release_after:
                held.release()
            held.reap()
            time.sleep(0.05)
        took = time.monotonic() - t0
        # 30 s: TimeoutStopSec of config/dpdk-mvtap.service
        check(sw.proc.poll() is not None,
              f"the switch did not stop within {took:.0f} s of SIGTERM")
    finally:
        held.release()
    t.join(5)
    sw.close()
    return sw.proc.returncode, took, reply.get("r"), sw.output()


def s_stop_slow_worker(sc):
    """SIGTERM while a live change waits for a worker that does not come
    back: the switch still stops well within systemd's stop timeout
    (TimeoutStopSec=30), and removes its sockets."""
    # a worker that comes back 2 s after SIGTERM: a normal stop
    rc, took, reply, out = sigterm_while_adding(sc, "slow1", 2)
    check_eq(rc, 0, "exit status, slow worker")
    check(took < 8, f"stopped {took:.1f} s after SIGTERM, slow worker")
    check_eq(reply, {"result": "ok"}, "the add that waited for the worker")
    check("dpdk-mvtap: stopping" in out and
          re.search(r"^port c: rx_packets=0 ", out, re.M),
          f"the stop's counters, with c:\n{out}")
    check(not os.path.exists(sc.sock("a")) and
          not os.path.exists(sc.sock("c")), "sockets left, slow worker")
    # a worker that never comes back: out after 10 s, with one line
    rc, took, reply, out = sigterm_while_adding(sc, "slow2", None)
    check_eq(rc, 1, "exit status, stuck worker")
    check(10 <= took < 15, f"stopped {took:.1f} s after SIGTERM, "
          "stuck worker (expected 10 s and a little)")
    check("dpdk-mvtap: worker lcore 1 did not stop within 10 s: "
          "exiting without it\n" in out, f"the stuck worker's line:\n{out}")
    check("counters not printed: a live change is waiting for the "
          "workers\n" in out, f"why no counters:\n{out}")
    check(not os.path.exists(sc.sock("a")) and
          not os.path.exists(sc.sock("c")), "sockets left, stuck worker")


def s_stuck_guest(sc):
    """A guest that never drains its receive ring (testpmd txonly never
    polls RX): once its ring is full, frames for it are dropped and
    counted as ring_full, the switch never waits for it, and a guest that
    drains gets every frame."""
    sw = bridge_switch(sc, "stuck", ("a", 0xa), ("b", 0xb), ("s", 0x5))
    gs = txonly_guest(sc, "s", 0x5, "02:99:00:00:00:99")
    gb = sc.guest("b", 0xb)
    ready(sw, gs, gb)
    # two bursts of broadcasts: more than s's ring holds (256), each less
    # than b's, which b drains in between
    for i in (1, 2):
        ga = burst_guest(sc, sw, f"a{i}", 0xa, BROADCAST, 200, rx=200 * i,
                         sock=sc.sock("a"), ep="a")
        check_eq(ga.stop(), (0, 200), f"burst {i}")
    rx_b, _ = gb.stop()
    gs.stop()
    p = sw.stop()
    check_eq(rx_b, 400, "b got every broadcast")
    check(p["s"]["ring_full"] > 0, "the stuck guest's ring overflowed")
    check_eq(p["s"]["tx_packets"] + p["s"]["drops"], 400,
             "each broadcast for s was delivered or counted")


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


@with_quiet_tap
def s_soak(sc):
    """A guest streams to another for a bounded time (MVT_SOAK_SECONDS,
    default 60) while endpoints come and go, a policy changes, another
    guest restarts, the receiver's mode flips between bridge and vepa and
    the lower's link flaps. Then: every frame the sender sent was
    delivered or counted as a drop, and mbufs, descriptors and memory are
    back to their baseline."""
    seconds = int(os.environ.get("MVT_SOAK_SECONDS", "60"))
    prefix = "mvte2e-soak"
    sw = sc.switch(["--lower", "net_tap0,iface=mvsoak0"] +
                   sc.endpoint("a", 0xa, "bridge") +
                   sc.endpoint("b", 0xb, "bridge") +
                   sc.endpoint("d", 0xd, "bridge"), "soak")
    sw.wait_log("forwarding")
    mbufs0 = telemetry(prefix, "/mvtap/lower")["mbufs_in_use"]
    fds0 = fds_baseline(sw)
    rss0 = rss_kib(sw.proc.pid)
    gb = sc.guest("b", 0xb)
    ready(sw, gb)
    ga = txonly_guest(sc, "a", 0xa, mac(0xb))
    ready(sw, ga)
    end = time.monotonic() + seconds
    rounds = restarts = flaps = 0
    gd = None
    while time.monotonic() < end:
        rounds += 1
        spec = f"name=e,mac={mac(0xe)},mode=vepa,socket={sc.sock('e')}"
        check_eq(telemetry(prefix, "/mvtap/add_endpoint," + spec),
                 {"result": "ok"}, f"add, round {rounds}")
        check_eq(telemetry(prefix, f"/mvtap/set_policy,mac={mac(0xa)},"
                           "rate=100000000,dir=out"), {"result": "ok"},
                 "set a policy")
        mode = "vepa" if rounds % 2 else "bridge"
        check_eq(telemetry(prefix, f"/mvtap/set_mode,b,{mode}"),
                 {"result": "ok"}, "flip b's mode")
        if rounds % 4 == 0:
            subprocess.run(["ip", "link", "set", "mvsoak0", "down"],
                           check=True)
            time.sleep(0.2)
            subprocess.run(["ip", "link", "set", "mvsoak0", "up"],
                           check=True)
            flaps += 1
        if rounds % 8 == 1:
            if gd is not None:
                gd.stop()
                restarts += 1
            gd = sc.guest(f"d{rounds}", 0xd, sock=sc.sock("d"), ep="d")
        check_eq(telemetry(prefix, f"/mvtap/del_policy,{mac(0xa)}"),
                 {"result": "ok"}, "remove the policy")
        check_eq(telemetry(prefix, "/mvtap/del_endpoint,e"),
                 {"result": "ok"}, "remove")
        time.sleep(0.3)
    check(sw.alive(), "the switch died")
    _, sent = ga.stop()
    sw.wait_rx("a", sent)
    rx_b, _ = gb.stop()
    if gd is not None:
        gd.stop()
    wait_until(lambda: all(telemetry(prefix, f"/mvtap/endpoint,{n}")
                           ["state"] == "waiting" for n in "abd"), 15,
               "every guest to disconnect")
    a = telemetry(prefix, "/mvtap/endpoint,a")
    b = telemetry(prefix, "/mvtap/endpoint,b")
    low = telemetry(prefix, "/mvtap/lower")
    check_eq(a["rx_packets"], sent, "the switch received every frame of a")
    check_eq(b["tx_packets"], rx_b, "b received what the switch sent it")
    # a unicasts to b only: locally (bridge) or to the wire (vepa)
    check_eq(b["tx_packets"] + b["drops"] + low["tx_packets"] +
             low["drops"] + a["drops"], sent,
             "every frame delivered or counted as a drop")
    check_eq(low["mbufs_in_use"], mbufs0, "mbufs in use")
    check_eq(fds_settled(sw, fds0), fds0, "file descriptors")
    rss1 = rss_kib(sw.proc.pid)
    check(rss1 <= rss0 * 1.10 + 4096,
          f"memory grew from {rss0} to {rss1} KiB")
    sw.stop()
    print(f"soak: {seconds} s, {rounds} rounds of churn, {restarts} guest "
          f"restarts, {flaps} link flaps, {sent} frames, "
          f"{b['drops'] + low['drops'] + a['drops']} dropped with a reason, "
          f"0 lost; RSS {rss0} -> {rss1} KiB")


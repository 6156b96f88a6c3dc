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
"""

import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

TESTPMD = shutil.which("dpdk-testpmd") or "/usr/bin/dpdk-testpmd"
SWITCH_CORES = "0-1"      # main lcore on cpu 0 (sleeps), worker on cpu 1
GUEST_CORES = "0@0,1@0"   # guests share cpu 0
BROADCAST = "ff:ff:ff:ff:ff:ff"


class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def check_eq(got, want, what):
    if got != want:
        raise Failure(f"{what}: got {got}, expected {want}")


def mac(n):
    return f"02:00:00:00:00:{n:02x}"


def wait_until(pred, timeout, what):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return
        time.sleep(0.1)
    raise Failure(f"timed out after {timeout} s waiting for {what}")


class Process:
    """A child process whose output goes to a log file."""

    def __init__(self, tmp, name, cmd):
        self.name = name
        self.cmd = cmd
        self.log_path = os.path.join(tmp, name + ".log")
        self.proc = None

    def start(self):
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(self.cmd, stdout=self.log,
                                     stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        return self

    def output(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def interrupt(self, timeout=30):
        """SIGINT, then wait; returns the exit status."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise Failure(f"{self.name} did not stop on SIGINT")
        self.log.close()
        return self.proc.returncode

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


class Switch(Process):
    def __init__(self, exe, tmp, args, name="switch", cores=None):
        lcores = ["--lcores", cores] if cores else ["-l", SWITCH_CORES]
        cmd = [exe] + lcores + ["--no-huge", "-m", "512",
               "--no-pci", "--file-prefix", "mvte2e-" + name,
               "--log-level=lib.eal:error", "--log-level=lib.vhost.*:error",
               "--", "--stats-period", "1"] + args
        super().__init__(tmp, name, cmd)

    def wait_log(self, pattern, timeout=60):
        def seen():
            if not self.alive():
                raise Failure(f"{self.name} exited:\n{self.output()}")
            return re.search(pattern, self.output()) is not None
        wait_until(seen, timeout, f"'{pattern}' in the switch log")

    def stats(self):
        """Counters from the last periodic line: name -> (rx, tx, drop)."""
        lines = [l for l in self.output().splitlines()
                 if l.startswith("stats: ")]
        if not lines:
            return {}
        out = {}
        for part in lines[-1][len("stats: "):].split(" | "):
            m = re.match(r"(\S+) rx (\d+) tx (\d+) drop (\d+)", part)
            if m:
                out[m.group(1)] = tuple(int(x) for x in m.group(2, 3, 4))
        return out

    def wait_rx(self, port, n, timeout=30):
        """Wait until the switch has received n frames from port."""
        wait_until(lambda: self.stats().get(port, (0,))[0] >= n, timeout,
                   f"{n} frames received from {port}")
        time.sleep(1.2)   # one more stats period: everything dispatched

    def stop(self):
        """SIGINT; returns the final per-port counters."""
        rc = self.interrupt()
        check_eq(rc, 0, "switch exit status")
        ports = {}
        for line in self.output().splitlines():
            m = re.match(r"port (\S+): (.*)", line)
            if m:
                ports[m.group(1)] = {k: int(v) for k, v in
                                     re.findall(r"(\w+)=(\d+)", m.group(2))}
        return ports


def telemetry(prefix, cmd):
    """One request to the switch's DPDK telemetry socket."""
    import json
    path = f"/var/run/dpdk/{prefix}/dpdk_telemetry.v2"
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        s.connect(path)
        s.recv(16384)               # greeting
        s.send(cmd.encode())
        return json.loads(s.recv(65536).decode())[cmd.split(",")[0]]
    finally:
        s.close()


class Guest(Process):
    """testpmd with one virtio-user port, in rxonly mode; with burst it
    also sends exactly that many frames to peer once at start."""

    def __init__(self, tmp, name, sock, mac_addr, peer=None, burst=0,
                 server=False):
        vdev = f"net_virtio_user0,path={sock},mac={mac_addr}"
        if server:
            vdev += ",server=1"
        cmd = [TESTPMD, "--lcores", GUEST_CORES, "--no-huge", "-m", "256",
               "--no-pci", "--file-prefix", "mvte2e-" + name,
               "--log-level=lib.eal:error", "--vdev", vdev, "--",
               "--forward-mode=rxonly", "--stats-period", "1",
               "--total-num-mbufs=2048"]
        if burst:
            cmd += ["--tx-first", f"--burst={burst}", f"--eth-peer=0,{peer}"]
        super().__init__(tmp, name, cmd)

    def stop(self):
        """SIGINT; returns (rx, tx) of its port."""
        self.interrupt()
        out = self.output()
        idx = out.rfind("Forward statistics for port 0")
        check(idx >= 0, f"{self.name}: no statistics in its output:\n{out}")
        rx = re.search(r"RX-packets:\s*(\d+)", out[idx:])
        tx = re.search(r"TX-packets:\s*(\d+)", out[idx:])
        return int(rx.group(1)), int(tx.group(1))


class Scenario:
    def __init__(self, exe):
        self.exe = exe
        self.tmp = tempfile.mkdtemp(prefix="mvte2e-")
        self.procs = []

    def sock(self, name):
        return os.path.join(self.tmp, name + ".sock")

    def switch(self, args, name="switch", cores=None):
        sw = Switch(self.exe, self.tmp, args, name, cores)
        self.procs.append(sw)
        return sw.start()

    def endpoint(self, name, n, mode, extra=""):
        return ["--endpoint", f"name={name},mac={mac(n)},mode={mode},"
                f"socket={self.sock(name)}{extra}"]

    def guest(self, name, n, peer=None, burst=0, server=False, sock=None,
              ep=None, extra=()):
        g = Guest(self.tmp, "g-" + name, sock or self.sock(name), mac(n),
                  peer, burst, server)
        g.cmd += list(extra)
        g.ep = ep or name
        self.procs.append(g)
        return g.start()

    def cleanup(self):
        for p in self.procs:
            p.kill()
        # MVT_E2E_KEEP=1 keeps the logs and sockets for a look
        if os.environ.get("MVT_E2E_KEEP") != "1":
            shutil.rmtree(self.tmp, ignore_errors=True)


def bridge_switch(sc, name, *eps):
    """A switch on a silent net_null lower with bridge endpoints, each
    (name, number) or (name, number, extra keys), forwarding."""
    args = ["--lower", "net_null0,no-rx=1"]
    for e in eps:
        args += sc.endpoint(e[0], e[1], "bridge", e[2] if len(e) > 2 else "")
    sw = sc.switch(args, name)
    sw.wait_log("forwarding")
    return sw


def send_bursts(sc, sw, ep, n, bursts):
    """From endpoint ep (guest MAC mac(n)), one guest after the other, each
    sending one burst: bursts is ((destination, frames), ...). Each guest
    sent all of its frames, and the switch took them all."""
    sent = 0
    for i, (dst, count) in enumerate(bursts):
        g = sc.guest(f"{ep}{i}", n, peer=dst, burst=count, sock=sc.sock(ep),
                     ep=ep)
        ready(sw, g)
        sent += count
        sw.wait_rx(ep, sent)
        check_eq(g.stop(), (0, count), f"{ep} sent {count} to {dst}")


def fds_baseline(sw):
    """The switch's open descriptors when they hold still: a telemetry
    request that just ended leaves its connection open in the switch for
    a moment, which must not count in a baseline."""
    count = lambda: len(os.listdir(f"/proc/{sw.proc.pid}/fd"))
    prev, end = count(), time.monotonic() + 3
    while time.monotonic() < end:
        time.sleep(0.2)
        cur = count()
        if cur == prev:
            return cur
        prev = cur
    return prev


def fds_settled(sw, want):
    """The switch's open descriptors once they stop changing toward @want:
    librte_vhost closes a departed guest's descriptors just after its
    device stopped (what the endpoint's state shows), so give it a moment."""
    count = lambda: len(os.listdir(f"/proc/{sw.proc.pid}/fd"))
    end = time.monotonic() + 5
    while count() != want and time.monotonic() < end:
        time.sleep(0.1)
    return count()


def ready(sw, *guests):
    """Wait until each guest is connected to the switch and forwarding
    (testpmd prints its first statistics only then): before that, its
    receive ring may have no buffers posted and frames for it are dropped
    (and counted as ring_full, rightly)."""
    for g in guests:
        sw.wait_log(rf"endpoint {g.ep}: guest connected")
        wait_until(lambda: "Port statistics" in g.output(), 60,
                   f"guest {g.name} to start forwarding")


# ------------------------------------------------------------- scenarios

def s_bridge_unicast(sc):
    """bridge -> bridge unicast is delivered locally, never to the wire."""
    sw = sc.switch(["--lower", "net_null0,no-rx=1"] +
                   sc.endpoint("a", 0xa, "bridge") +
                   sc.endpoint("b", 0xb, "bridge"))
    sw.wait_log("forwarding")
    gb = sc.guest("b", 0xb)
    ready(sw, gb)
    ga = sc.guest("a", 0xa, peer=mac(0xb), burst=64)
    ready(sw, ga)
    sw.wait_rx("a", 64)
    check_eq(ga.stop(), (0, 64), "a (rx, tx)")
    check_eq(gb.stop(), (64, 0), "b (rx, tx)")
    p = sw.stop()
    check_eq(p["a"]["rx_packets"], 64, "switch: rx from a")
    check_eq(p["b"]["tx_packets"], 64, "switch: tx to b")
    check_eq(p["b"]["tx_bytes"], 64 * 64, "switch: bytes to b")
    check_eq(p["lower"]["tx_packets"], 0, "switch: frames to the wire")
    check_eq(p["a"]["drops"] + p["b"]["drops"], 0, "drops")


def s_vepa_unicast(sc):
    """vepa -> vepa goes to the wire; it reaches b only when reflected."""
    for lower, delivered in (("net_null0,no-rx=1", 0), ("net_ring0", 64)):
        name = "sw-" + lower.split(",")[0]
        sw = sc.switch(["--lower", lower] + sc.endpoint("a", 0xa, "vepa") +
                       sc.endpoint("b", 0xb, "vepa"), name)
        sw.wait_log("forwarding")
        gb = sc.guest("b", 0xb)
        ready(sw, gb)
        ga = sc.guest("a", 0xa, peer=mac(0xb), burst=64)
        ready(sw, ga)
        sw.wait_rx("a", 64)
        check_eq(ga.stop(), (0, 64), f"{lower}: a (rx, tx)")
        check_eq(gb.stop(), (delivered, 0), f"{lower}: b (rx, tx)")
        p = sw.stop()
        check_eq(p["lower"]["tx_packets"], 64, f"{lower}: to the wire")
        check_eq(p["lower"]["rx_packets"], delivered, f"{lower}: reflected")
        check_eq(p["b"]["tx_packets"], delivered, f"{lower}: switch to b")


def s_private_group(sc):
    """Reflected group frames of a private endpoint go back to it only."""
    sw = sc.switch(["--lower", "net_ring0"] +
                   sc.endpoint("a", 0xa, "private") +
                   sc.endpoint("b", 0xb, "private") +
                   sc.endpoint("c", 0xc, "vepa"))
    sw.wait_log("forwarding")
    gb = sc.guest("b", 0xb)
    gc = sc.guest("c", 0xc)
    ready(sw, gb, gc)
    ga = sc.guest("a", 0xa, peer=BROADCAST, burst=32)
    ready(sw, ga)
    sw.wait_rx("a", 32)
    check_eq(ga.stop(), (32, 32), "a gets its own reflection back")
    check_eq(gb.stop(), (0, 0), "private b gets nothing")
    check_eq(gc.stop(), (0, 0), "vepa c gets nothing")
    p = sw.stop()
    check_eq(p["lower"]["tx_packets"], 32, "to the wire")
    check_eq(p["lower"]["rx_packets"], 32, "reflected")
    check_eq(p["a"]["tx_packets"], 32, "back to a")


def s_broadcast_flood(sc):
    """Broadcast from a bridge endpoint floods bridge peers and the wire;
    reflected broadcast from a vepa endpoint reaches vepa and bridge
    endpoints except the sender, and no private one."""
    sw = sc.switch(["--lower", "net_null0,no-rx=1"] +
                   sc.endpoint("a", 0xa, "bridge") +
                   sc.endpoint("b", 0xb, "bridge") +
                   sc.endpoint("c", 0xc, "vepa") +
                   sc.endpoint("d", 0xd, "private"))
    sw.wait_log("forwarding")
    gs = [sc.guest(n, i) for n, i in (("b", 0xb), ("c", 0xc), ("d", 0xd))]
    ready(sw, *gs)
    ga = sc.guest("a", 0xa, peer=BROADCAST, burst=16)
    ready(sw, ga)
    sw.wait_rx("a", 16)
    check_eq(ga.stop(), (0, 16), "bridge sender")
    got = [g.stop()[0] for g in gs]
    check_eq(got, [16, 0, 0], "received by bridge b, vepa c, private d")
    p = sw.stop()
    check_eq(p["lower"]["tx_packets"], 16, "bridge broadcast also to wire")
    check_eq(p["b"]["multicast"], 16, "flood deliveries counted")

    sw = sc.switch(["--lower", "net_ring0"] +
                   sc.endpoint("a", 0xa, "bridge") +
                   sc.endpoint("b", 0xb, "vepa") +
                   sc.endpoint("c", 0xc, "vepa") +
                   sc.endpoint("d", 0xd, "private"), "sw-ring")
    sw.wait_log("forwarding")
    gs = [sc.guest(n, i) for n, i in (("a", 0xa), ("b", 0xb), ("d", 0xd))]
    ready(sw, *gs)
    gc = sc.guest("c", 0xc, peer=BROADCAST, burst=16)
    ready(sw, gc)
    sw.wait_rx("c", 16)
    check_eq(gc.stop(), (0, 16), "vepa sender never gets its own back")
    got = [g.stop()[0] for g in gs]
    check_eq(got, [16, 16, 0], "received by bridge a, vepa b, private d")
    sw.stop()


def s_hairpin_relay(sc):
    """--hairpin: the switch reflects vepa traffic itself, as an adjacent
    hairpin bridge would, with a lower that never reflects anything.
    Known unicast stays in the host; group frames also go to the wire and
    come back per the mode rules (private: to the sender only)."""
    sw = sc.switch(["--lower", "net_null0,no-rx=1", "--hairpin"] +
                   sc.endpoint("a", 0xa, "vepa") +
                   sc.endpoint("b", 0xb, "vepa") +
                   sc.endpoint("c", 0xc, "bridge") +
                   sc.endpoint("d", 0xd, "private"))
    sw.wait_log("forwarding")
    gs = [sc.guest(n, i) for n, i in (("b", 0xb), ("c", 0xc), ("d", 0xd))]
    ready(sw, *gs)
    ga = sc.guest("a", 0xa, peer=mac(0xb), burst=64)
    ready(sw, ga)
    sw.wait_rx("a", 64)
    check_eq(ga.stop(), (0, 64), "a (rx, tx)")
    ga = sc.guest("a2", 0xa, peer=BROADCAST, burst=16, sock=sc.sock("a"),
                  ep="a")
    ready(sw, ga)
    sw.wait_rx("a", 80)
    check_eq(ga.stop(), (0, 16), "a never gets its own group frames")
    got = [g.stop()[0] for g in gs]
    check_eq(got, [64 + 16, 16, 0],
             "received by vepa b (unicast + broadcast), bridge c, private d")
    p = sw.stop()
    check_eq(p["lower"]["tx_packets"], 16, "only the broadcast left the host")
    check_eq(p["b"]["tx_packets"], 80, "switch: to b")


def s_strict_private(sc):
    """--strict-private with --hairpin isolates a private endpoint both
    ways: reflected unicast from a vepa endpoint to it and from it to a
    vepa endpoint is dropped (counted as private on the sender), while
    vepa to vepa is delivered."""
    sw = sc.switch(["--lower", "net_null0,no-rx=1", "--hairpin",
                    "--strict-private"] +
                   sc.endpoint("a", 0xa, "vepa") +
                   sc.endpoint("b", 0xb, "vepa") +
                   sc.endpoint("p", 0xc, "private"), "strict")
    sw.wait_log("forwarding")
    gb, gp = sc.guest("b", 0xb), sc.guest("p", 0xc)
    ready(sw, gb, gp)
    send_bursts(sc, sw, "a", 0xa, ((mac(0xc), 8), (mac(0xb), 5)))
    check_eq(gp.stop(), (0, 0), "p: nothing from vepa a")
    gp = sc.guest("p2", 0xc, peer=mac(0xb), burst=6, sock=sc.sock("p"),
                  ep="p")
    ready(sw, gp)
    sw.wait_rx("p", 6)
    check_eq(gp.stop(), (0, 6), "p sent 6 to b")
    check_eq(gb.stop(), (5, 0), "b: a's unicast only, none of p's")
    p = sw.stop()
    check_eq(p["a"].get("private", 0), 8, "a: to private p, dropped")
    check_eq(p["p"].get("private", 0), 6, "p: to vepa b, dropped")
    check_eq(p["lower"]["tx_packets"], 0, "nothing on the wire")


def s_live_endpoints(sc):
    """Endpoints added and removed 100 times, a mode changed and a source
    list edited, while a guest streams to another: that traffic never
    stops, every frame is accounted for, no descriptor or mbuf leaks."""
    sw = sc.switch(["--lower", "net_null0,no-rx=1"] +
                   sc.endpoint("a", 0xa, "bridge") +
                   sc.endpoint("b", 0xb, "bridge"), "live")
    prefix = "mvte2e-live"
    sw.wait_log("forwarding")
    # baselines with no guest connected, as at the end
    mbufs0 = telemetry(prefix, "/mvtap/lower")["mbufs_in_use"]
    fds0 = fds_baseline(sw)
    gb = sc.guest("b", 0xb)
    ready(sw, gb)
    ga = txonly_guest(sc, "a", 0xa, mac(0xb))
    ready(sw, ga)
    # Progress is what the switch forwarded or dropped with a reason for
    # b: that depends only on a's sender being scheduled, not on b's
    # receiver, which shares the guest core with it and can be off-CPU
    # for a time slice. Samples are 0.1 s apart for the same reason.
    def progress():
        e = telemetry(prefix, "/mvtap/endpoint,b")
        return e["tx_packets"] + e["drops"]
    seen = [progress()]
    last = time.monotonic()
    for i in range(100):
        spec = (f"name=c{i % 3},mac={mac(0x40 + i % 3)},mode=vepa,"
                f"socket={sc.sock('c')}")
        r = telemetry(prefix, "/mvtap/add_endpoint," + spec)
        check_eq(r, {"result": "ok"}, f"add round {i}")
        if i == 0:
            check_eq(telemetry(prefix, "/mvtap/add_endpoint," + spec),
                     {"error": "--endpoint name=c0: duplicate endpoint name"},
                     "adding it twice")
            check_eq(telemetry(prefix, "/mvtap/set_mode,c0,source"),
                     {"result": "ok"}, "mode change")
            check_eq(telemetry(prefix, "/mvtap/add_source,c0," + EXT),
                     {"result": "ok"}, "source list add")
            check_eq(telemetry(prefix, "/mvtap/endpoint,c0")["mode"],
                     "source", "mode after change")
            check_eq(telemetry(prefix, "/mvtap/del_source,c0," + EXT),
                     {"result": "ok"}, "source list del")
            check_eq(telemetry(prefix, "/mvtap/set_mode,b,passthru"),
                     {"error": "endpoint b: a mode cannot change to or "
                      "from passthru (as in Linux)"}, "no passthru change")
        r = telemetry(prefix, f"/mvtap/del_endpoint,c{i % 3}")
        check_eq(r, {"result": "ok"}, f"del round {i}")
        if time.monotonic() - last >= 0.1:
            seen.append(progress())
            last = time.monotonic()
    time.sleep(max(0.0, 0.1 - (time.monotonic() - last)))
    seen.append(progress())
    check(not os.path.exists(sc.sock("c")), "removed endpoint's socket left")
    check_eq(telemetry(prefix, "/mvtap/del_endpoint,zz"),
             {"error": "no endpoint named zz"}, "removing a stranger")
    check(all(x < y for x, y in zip(seen, seen[1:])),
          f"traffic to b stalled during the churn: {seen}")
    _, sent = ga.stop()
    sw.wait_rx("a", sent)
    rx_b, _ = gb.stop()
    wait_until(lambda: telemetry(prefix, "/mvtap/endpoint,b")["state"] ==
               "waiting", 10, "b's disconnection")
    fds1 = fds_settled(sw, fds0)
    mbufs1 = telemetry(prefix, "/mvtap/lower")["mbufs_in_use"]
    p = sw.stop()
    check_eq(p["a"]["rx_packets"], sent, "switch received every frame")
    check_eq(p["b"]["tx_packets"], rx_b, "b received what the switch sent")
    check_eq(p["b"]["tx_packets"] + p["b"]["drops"], sent,
             "delivered + dropped = sent")
    check_eq(fds1, fds0, "file descriptors after the churn")
    check_eq(mbufs1, mbufs0, "mbufs in use after the churn")


def s_rebalance(sc):
    """Two workers: queues are spread when endpoints are added, and a
    rebalance puts the one busy queue alone on a worker."""
    sw = sc.switch(["--lower", "net_null0,no-rx=1"] +
                   sc.endpoint("a", 0xa, "bridge") +
                   sc.endpoint("b", 0xb, "bridge") +
                   sc.endpoint("c", 0xc, "bridge") +
                   sc.endpoint("d", 0xd, "bridge"), "bal",
                   cores="0@0,1@1,2@1")
    prefix = "mvte2e-bal"
    sw.wait_log("forwarding")

    def polls():
        return sorted(v["polls"] for v in
                      telemetry(prefix, "/mvtap/lcores").values())
    check_eq(polls(), ["lower:0 a:0 c:0", "lower:1 b:0 d:0"],
             "initial placement, two workers")
    gb = sc.guest("b", 0xb)
    ready(sw, gb)
    ga = txonly_guest(sc, "a", 0xa, mac(0xb))
    ready(sw, ga)
    time.sleep(1)
    check_eq(telemetry(prefix, "/mvtap/rebalance"), {"result": "ok"},
             "rebalance")
    got = polls()
    check(any(p.endswith(" a:0") for p in got) and
          any(p.endswith(" b:0 c:0 d:0") for p in got),
          f"after rebalance a should poll alone: {got}")
    ga.stop()
    gb.stop()
    sw.stop()


USERTOOLS = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                         "..", "..", "usertools")


def ctl(prefix, *args):
    """Run mvtap-ctl; returns (exit status, stdout, stderr)."""
    r = subprocess.run([sys.executable, os.path.join(USERTOOLS, "mvtap-ctl"),
                        "-f", prefix] + list(args), capture_output=True,
                       text=True, timeout=30)
    return r.returncode, r.stdout, r.stderr


def s_observability(sc):
    """Telemetry, mvtap-ctl and the Prometheus exporter against a switch
    with guests: values equal the guests' own counters."""
    import urllib.request
    prefix = "mvte2e-obs"
    sw = sc.switch(["--lower", "net_null0,no-rx=1"] +
                   sc.endpoint("a", 0xa, "bridge") +
                   sc.endpoint("b", 0xb, "bridge"), "obs")
    sw.wait_log("forwarding")
    gb = sc.guest("b", 0xb)
    ready(sw, gb)
    ga = sc.guest("a", 0xa, peer=mac(0xb), burst=64)
    ready(sw, ga)
    sw.wait_rx("a", 64)
    ga_rx, ga_tx = ga.stop()
    gb_rx, _ = gb.stop()
    check_eq((ga_tx, gb_rx), (64, 64), "guests: a sent, b received")

    eps = telemetry(prefix, "/mvtap/endpoints")
    check_eq((eps["a"]["rx_packets"], eps["b"]["tx_packets"]), (ga_tx, gb_rx),
             "/mvtap/endpoints against the guests")
    b = telemetry(prefix, "/mvtap/endpoint,b")
    check_eq((b["tx_bytes"], b["mode"], b["role"], b["queues"]),
             (64 * 64, "bridge", "server", 1), "/mvtap/endpoint,b")
    check_eq(sum(b["drops_by_reason"].values()), b["drops"], "drops add up")
    lc = telemetry(prefix, "/mvtap/lcores")
    check_eq(sum(v["packets"] for v in lc.values()), 64, "/mvtap/lcores")
    # tsc_hz is the rate of the worker's clock: busy + idle cycles grow
    # by it every second (the worker loop never stops)
    k = next(iter(lc))
    t0, w0 = time.monotonic(), lc[k]
    time.sleep(1)
    t1, w1 = time.monotonic(), telemetry(prefix, "/mvtap/lcores")[k]
    rate = (w1["busy_cycles"] + w1["idle_cycles"] - w0["busy_cycles"] -
            w0["idle_cycles"]) / (t1 - t0)
    check(abs(rate / w1["tsc_hz"] - 1) < 0.03,
          f"/mvtap/lcores tsc_hz {w1['tsc_hz']}, cycles counted at {rate:.0f}/s")
    check_eq(telemetry(prefix, "/mvtap/lower")["tx_packets"], 0,
             "/mvtap/lower: bridge traffic stayed local")

    rc, out, _ = ctl(prefix, "list")
    row = {l.split()[0]: l.split() for l in out.splitlines()[1:]}
    check_eq((rc, row["a"][4], row["b"][5]), (0, "64", "64"), "ctl list")
    rc, out, _ = ctl(prefix, "show", "b")
    check(rc == 0 and re.search(r"^tx_packets\s+64$", out, re.M),
          f"ctl show b:\n{out}")
    rc, out, _ = ctl(prefix, "lcores")
    check(rc == 0 and "lower:0 a:0 b:0" in out, f"ctl lcores:\n{out}")
    rc, out, _ = ctl(prefix, "lower")
    check(rc == 0 and re.search(r"^promiscuous\s+1$", out, re.M),
          f"ctl lower:\n{out}")
    rc, out, _ = ctl(prefix, "stats", "--count", "1")
    check(rc == 0 and re.search(r"^b\s+waiting", out, re.M),
          f"ctl stats:\n{out}")
    spec = f"name=c,mac={mac(0xc)},mode=private,socket={sc.sock('c')}"
    check_eq(ctl(prefix, "add-endpoint", spec)[:2], (0, "ok\n"), "ctl add")
    check(os.path.exists(sc.sock("c")), "c's socket")
    check_eq(ctl(prefix, "add-endpoint", spec),
             (1, "", "mvtap-ctl: --endpoint name=c: duplicate endpoint name\n"),
             "ctl add twice")
    check_eq(ctl(prefix, "rebalance")[:2], (0, "ok\n"), "ctl rebalance")
    check_eq(ctl(prefix, "set-mode", "c", "source")[:2], (0, "ok\n"),
             "ctl set-mode")
    check_eq(ctl(prefix, "add-source", "c", EXT)[:2], (0, "ok\n"),
             "ctl add-source")
    check_eq(ctl(prefix, "del-source", "c", EXT)[:2], (0, "ok\n"),
             "ctl del-source")
    check_eq(ctl(prefix, "add-source", "a", EXT),
             (1, "", "mvtap-ctl: endpoint a: source lists need mode source\n"),
             "ctl add-source to a bridge endpoint")
    check_eq(ctl(prefix, "del-endpoint", "c")[:2], (0, "ok\n"), "ctl del")
    check_eq(ctl(prefix, "show", "c"),
             (1, "", "mvtap-ctl: no endpoint named 'c'\n"), "ctl show gone")
    check_eq(ctl("mvte2e-nosuch", "list")[0], 1, "ctl without a switch")

    ex = subprocess.Popen([sys.executable,
                           os.path.join(USERTOOLS, "mvtap-exporter"), "-f",
                           prefix, "--listen", "127.0.0.1:0"],
                          stdout=subprocess.PIPE, text=True)
    try:
        url = re.search(r"serving (http://\S+)", ex.stdout.readline()).group(1)
        text = urllib.request.urlopen(url, timeout=10).read().decode()
    finally:
        ex.kill()
        ex.wait()
    series = dict(re.findall(r"^(mvtap_\S+) (\S+)$", text, re.M))
    check_eq(series.get("mvtap_up"), "1", "mvtap_up")
    check_eq(series.get('mvtap_endpoint_tx_packets_total{endpoint="b",'
                        f'mac="{mac(0xb)}",mode="bridge"}}'), str(gb_rx),
             "exporter: tx to b against guest b")
    check_eq(series.get('mvtap_endpoint_drops_total{endpoint="a",'
                        'reason="ring_full"}'), "0", "exporter: drop series")
    sw.stop()


def txonly_guest(sc, name, n, peer, sock=None, ep=None, txpkts=64):
    """A guest that sends to peer as fast as it can."""
    g = Guest(sc.tmp, "g-" + name, sock or sc.sock(name), mac(n), peer)
    g.cmd = [x for x in g.cmd if x != "--forward-mode=rxonly"] + [
        "--forward-mode=txonly", f"--eth-peer=0,{peer}",
        f"--txpkts={txpkts}"]
    g.ep = ep or name
    sc.procs.append(g.start())
    return g


def policy_rate(prefix, key, ep, seconds):
    """(delivered, offered) rates in bit/s over one window: what the
    policy let through, and what endpoint ep sent."""
    def sample():
        return (time.monotonic(),
                telemetry(prefix, "/mvtap/policies")[key]["conform_bytes"],
                telemetry(prefix, f"/mvtap/endpoint,{ep}")["rx_bytes"])
    t0, c0, o0 = sample()
    time.sleep(seconds)
    t1, c1, o1 = sample()
    return (c1 - c0) * 8 / (t1 - t0), (o1 - o0) * 8 / (t1 - t0)


def check_policed(delivered, offered, limit):
    """A policer never passes more than its rate (the bucket's depth aside),
    and passes all of it when offered more."""
    check(delivered <= 1.03 * limit,
          f"delivered {delivered / 1e6:.2f} Mbit/s over a "
          f"{limit / 1e6:.0f} Mbit/s policy")
    if offered >= 2 * limit:
        check(delivered >= 0.95 * limit,
              f"delivered {delivered / 1e6:.2f} Mbit/s of a "
              f"{limit / 1e6:.0f} Mbit/s policy, offered "
              f"{offered / 1e6:.2f}")


def s_policy(sc):
    """The policy stage: deny, spoofchk, and a rate limit whose delivered
    rate is within 5% of the configured one, changed while traffic flows."""
    prefix = "mvte2e-pol"
    sw = sc.switch(["--lower", "net_null0,no-rx=1",
                    "--policy", f"mac={mac(0xc)},action=deny,dir=out"] +
                   sc.endpoint("a", 0xa, "bridge", ",rate=10000,burst=1000") +
                   sc.endpoint("b", 0xb, "bridge") +
                   sc.endpoint("c", 0xc, "bridge") +
                   sc.endpoint("d", 0xd, "bridge", ",spoofchk=1"), "pol")
    sw.wait_log("forwarding")
    gb = sc.guest("b", 0xb)
    ready(sw, gb)
    gc = sc.guest("c", 0xc, peer=mac(0xb), burst=32)
    # d's guest uses a MAC that is not the endpoint's
    gd = sc.guest("d", 0x1d, peer=mac(0xb), burst=16, ep="d")
    ready(sw, gc, gd)
    sw.wait_rx("c", 32)
    sw.wait_rx("d", 16)
    gc.stop()
    gd.stop()
    c = telemetry(prefix, "/mvtap/endpoint,c")["drops_by_reason"]
    d = telemetry(prefix, "/mvtap/endpoint,d")["drops_by_reason"]
    check_eq((c["policy_deny"], d["spoof"]), (32, 16),
             "denied and spoofed frames")
    check_eq(telemetry(prefix, "/mvtap/endpoint,b")["tx_packets"], 0,
             "b got none of them")
    spec = f"name=e,mac={mac(0xe)},rate=5000,socket={sc.sock('e')}"
    check_eq(telemetry(prefix, "/mvtap/add_endpoint," + spec),
             {"result": "ok"}, "live endpoint with rate=")
    e = telemetry(prefix, "/mvtap/policies").get("e/out", {})
    check_eq((e.get("mac"), e.get("rate_kbps")), (mac(0xe), 5000),
             "its policy")
    check_eq(telemetry(prefix, "/mvtap/del_endpoint,e"), {"result": "ok"},
             "removed")
    check("e/out" not in telemetry(prefix, "/mvtap/policies"),
          "the removed endpoint's policy is gone")

    ga = txonly_guest(sc, "a", 0xa, mac(0xb))
    ready(sw, ga)
    time.sleep(1)   # past the initial burst
    key = "a/out"
    check_policed(*policy_rate(prefix, key, "a", 3), 10e6)
    check(telemetry(prefix, "/mvtap/policies")[key]["exceed_packets"] > 0,
          "the sender was faster than its policy")
    check_eq(telemetry(prefix, "/mvtap/set_policy,"
                       f"mac={mac(0xa)},name=a,rate=20000,burst=1000,dir=out"),
             {"result": "ok"}, "raise the rate live")
    time.sleep(1)
    check_policed(*policy_rate(prefix, key, "a", 3), 20e6)
    ga.stop()
    time.sleep(0.5)
    rx_b, _ = gb.stop()
    pol = telemetry(prefix, "/mvtap/policies")[key]
    p = sw.stop()
    check_eq(p["b"]["tx_packets"], rx_b, "b received what the switch sent")
    check_eq(p["b"]["tx_packets"] + p["b"]["drops"], pol["conform_packets"],
             "what conformed was delivered to b or dropped there")
    check_eq(p["a"]["rate_limit"], pol["exceed_packets"],
             "rate_limit drops = exceed packets")
    check_eq(p["a"]["rx_packets"],
             pol["conform_packets"] + pol["exceed_packets"],
             "every frame of a was metered")


class Wire:
    """The kernel side of a net_tap lower: inject and capture frames."""

    def __init__(self, ifname):
        self.ifname = ifname
        self.s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                               socket.htons(0x0003))
        self.s.bind((ifname, 0))
        self.s.setblocking(False)
        self.captured = []

    @staticmethod
    def frame(dst, src, n):
        b = lambda m: bytes(int(x, 16) for x in m.split(":"))
        payload = struct.pack("!I", n) + bytes(42)
        return b(dst) + b(src) + b"\x88\xb5" + payload

    def send(self, dst, src, count):
        for i in range(count):
            self.s.send(self.frame(dst, src, i))

    def received(self, dst=None):
        """Frames the switch sent to this side (not our own), by dst."""
        while True:
            try:
                data, addr = self.s.recvfrom(65535)
            except BlockingIOError:
                break
            if addr[2] != socket.PACKET_OUTGOING:
                self.captured.append(data)
        if dst is None:
            return len(self.captured)
        want = Wire.frame(dst, dst, 0)[:6]
        return sum(1 for f in self.captured if f[:6] == want)

    def close(self):
        self.s.close()


def with_quiet_tap(fn):
    """New interfaces get no IPv6, so the kernel sends nothing on the tap
    (router solicitations and MLD reports would be flooded to guests)."""
    key = "/proc/sys/net/ipv6/conf/default/disable_ipv6"

    def run(sc):
        if os.geteuid() != 0 or not os.path.exists("/dev/net/tun"):
            raise Skip("needs root and /dev/net/tun for a net_tap lower")
        old = open(key).read().strip()
        with open(key, "w") as f:
            f.write("1")
        try:
            fn(sc)
        finally:
            with open(key, "w") as f:
                f.write(old)
    return run


class Skip(Exception):
    pass


def tap_switch(sc, ifname, eps, extra=(), name="switch"):
    sw = sc.switch(["--lower", f"net_tap0,iface={ifname}"] + list(extra) +
                   eps, name)
    sw.wait_log("forwarding")
    subprocess.run(["ip", "link", "set", ifname, "up"], check=True)
    return sw


EXT = "02:ee:00:00:00:01"


@with_quiet_tap
def s_wire_to_endpoint(sc):
    """Unicast from the wire reaches the endpoint owning the MAC; unknown
    unicast goes to the host (none here: no_dest); broadcast reaches all."""
    sw = tap_switch(sc, "mvte2e0", sc.endpoint("a", 0xa, "bridge") +
                    sc.endpoint("b", 0xb, "vepa"))
    ga, gb = sc.guest("a", 0xa), sc.guest("b", 0xb)
    ready(sw, ga, gb)
    wire = Wire("mvte2e0")
    wire.send(mac(0xb), EXT, 20)
    wire.send("02:99:00:00:00:99", EXT, 5)
    wire.send(BROADCAST, EXT, 7)
    sw.wait_rx("lower", 32)
    check_eq(ga.stop(), (7, 0), "a: broadcast only")
    check_eq(gb.stop(), (27, 0), "b: its unicast and the broadcast")
    p = sw.stop()
    check_eq(p["lower"]["rx_packets"], 32, "from the wire")
    check_eq(p["lower"].get("no_dest", 0), 5, "unknown unicast: no host port")
    check_eq(p["lower"]["tx_packets"], 0, "nothing back to the wire")
    wire.close()


@with_quiet_tap
def s_endpoint_to_wire(sc):
    """Frames of a vepa endpoint reach the wire unchanged and counted."""
    sw = tap_switch(sc, "mvte2e1", sc.endpoint("a", 0xa, "vepa"))
    wire = Wire("mvte2e1")
    ga = sc.guest("a", 0xa, peer=EXT, burst=40)
    ready(sw, ga)
    sw.wait_rx("a", 40)
    time.sleep(0.5)
    check_eq(wire.received(EXT), 40, "frames on the wire for EXT")
    check_eq(ga.stop(), (0, 40), "a (rx, tx)")
    p = sw.stop()
    check_eq(p["lower"]["tx_packets"], 40, "switch: to the wire")
    wire.close()


@with_quiet_tap
def s_passthru(sc):
    """A passthru endpoint receives every unicast, whatever its MAC."""
    sw = tap_switch(sc, "mvte2e2", sc.endpoint("p", 0x10, "passthru"))
    gp = sc.guest("p", 0x10)
    ready(sw, gp)
    wire = Wire("mvte2e2")
    wire.send(mac(0x10), EXT, 3)
    wire.send("02:99:00:00:00:01", EXT, 4)
    wire.send("02:99:00:00:00:02", EXT, 5)
    sw.wait_rx("lower", 12)
    check_eq(gp.stop(), (12, 0), "p gets all unicast")
    p = sw.stop()
    check_eq(p["p"]["tx_packets"], 12, "switch: to p")
    wire.close()


def s_client_reconnect(sc):
    """client=1: guests own the sockets (QEMU server=on); a switch
    restart reconnects and traffic flows again, guests untouched."""
    eps = (sc.endpoint("a", 0xa, "bridge", ",client=1") +
           sc.endpoint("b", 0xb, "bridge", ",client=1"))
    gb = sc.guest("b", 0xb, server=True)
    wait_until(lambda: os.path.exists(sc.sock("b")), 20, "b's socket")
    sw = sc.switch(["--lower", "net_null0,no-rx=1"] + eps, "sw1")
    ready(sw, gb)
    ga = sc.guest("a", 0xa, peer=mac(0xb), burst=32, server=True)
    ready(sw, ga)
    sw.wait_rx("a", 32)
    check_eq(ga.stop(), (0, 32), "first sender")
    p = sw.stop()
    check_eq(p["b"]["tx_packets"], 32, "before the restart")

    sw = sc.switch(["--lower", "net_null0,no-rx=1"] + eps, "sw2")
    ready(sw, gb)
    ga = sc.guest("a2", 0xa, peer=mac(0xb), burst=48, server=True,
                  sock=sc.sock("a"), ep="a")
    ready(sw, ga)
    sw.wait_rx("a", 48)
    check_eq(ga.stop(), (0, 48), "second sender")
    check_eq(gb.stop(), (80, 0), "b saw both rounds through one connection")
    p = sw.stop()
    check_eq(p["b"]["tx_packets"], 48, "after the restart")


def run_switch_expect_error(sc, args, message, name):
    sw = sc.switch(args, name)
    try:
        sw.proc.wait(30)
    except subprocess.TimeoutExpired:
        raise Failure(f"{name}: the switch did not exit")
    out = sw.output()
    check(sw.proc.returncode != 0, f"{name}: exit status 0")
    lines = [l for l in out.splitlines() if l.startswith("dpdk-mvtap: ")]
    check(lines and lines[-1] == "dpdk-mvtap: " + message,
          f"{name}: got {lines[-1:] or out!r}, expected {message!r}")


def s_bad_input(sc):
    """Bad input: non-zero exit, one line naming option and value, nothing
    left behind."""
    sock_a = sc.sock("a")
    run_switch_expect_error(
        sc, ["--lower", "net_bogus0"] + sc.endpoint("a", 0xa, "bridge"),
        "--lower net_bogus0: device did not probe (unknown driver or bad "
        "arguments)",
        "bogus-lower")
    check(not os.path.exists(sock_a), "socket left behind (bad lower)")
    run_switch_expect_error(
        sc, ["--lower", "net_null0,no-rx=1"] +
        sc.endpoint("a", 0xa, "bridge") + sc.endpoint("b", 0xa, "bridge"),
        f"--endpoint mac={mac(0xa)}: MAC already used by endpoint a",
        "dup-mac")
    # the second socket cannot be created: the first must go away again
    notsock = os.path.join(sc.tmp, "plainfile")
    open(notsock, "w").close()
    run_switch_expect_error(
        sc, ["--lower", "net_null0,no-rx=1"] +
        sc.endpoint("a", 0xa, "bridge") +
        ["--endpoint", f"name=b,mac={mac(0xb)},socket={notsock}"],
        f"--endpoint socket={notsock}: exists and is not a socket "
        "(endpoint b)", "half-started")
    check(not os.path.exists(sock_a), "socket a left behind (half-started)")
    run_switch_expect_error(
        sc, ["--lower", "net_null0,no-rx=1", "--endpoint",
             "name=a,mac=zz:00:00:00:00:01,socket=/tmp/a.sock"],
        "--endpoint mac=zz:00:00:00:00:01: malformed MAC address",
        "bad-mac")


@with_quiet_tap
def s_host_port(sc):
    """--host-port plays the lower's own stack: it gets unknown unicast and
    group frames from the wire, not frames for endpoints; what it sends
    goes out the lower."""
    sw = tap_switch(sc, "mvte2e3", sc.endpoint("a", 0xa, "bridge") +
                    sc.endpoint("b", 0xb, "vepa"),
                    ["--host-port", "net_tap1,iface=mvhost3"])
    subprocess.run(["ip", "link", "set", "mvhost3", "up"], check=True)
    ga, gb = sc.guest("a", 0xa), sc.guest("b", 0xb)
    ready(sw, ga, gb)
    wire, host = Wire("mvte2e3"), Wire("mvhost3")
    unknown = "02:99:00:00:00:99"
    wire.send(unknown, EXT, 5)
    wire.send(BROADCAST, EXT, 7)
    wire.send(mac(0xb), EXT, 4)
    host.send(mac(0xb), "02:11:00:00:00:01", 6)
    sw.wait_rx("lower", 16)
    sw.wait_rx("host", 6)
    check_eq(host.received(unknown), 5, "host: unknown unicast")
    check_eq(host.received(BROADCAST), 7, "host: broadcast")
    check_eq(host.received(mac(0xb)), 0, "host: nothing for b")
    check_eq(wire.received(mac(0xb)), 6, "wire: what the host sent")
    check_eq(ga.stop(), (7, 0), "a: the broadcast")
    check_eq(gb.stop(), (11, 0), "b: its unicast and the broadcast")
    p = sw.stop()
    check_eq(p["host"]["tx_packets"], 12, "switch: to the host")
    check_eq(p["host"]["rx_packets"], 6, "switch: from the host")
    check_eq(p["lower"].get("no_dest", 0), 0, "nothing without a place")
    wire.close()
    host.close()


@with_quiet_tap
def s_bcqueuelen(sc):
    """--bcqueuelen 0: every flood from the wire that is queued is lost and
    counted as bcast_queue; the host still gets the frames, and unicast
    flows. Floods of groups joined by at most --bclim endpoints are not
    queued and arrive."""
    sw = tap_switch(sc, "mvte2e4", sc.endpoint("a", 0xa, "bridge"),
                    ["--host-port", "net_tap1,iface=mvhost4",
                     "--bcqueuelen", "0"])
    subprocess.run(["ip", "link", "set", "mvhost4", "up"], check=True)
    ga = sc.guest("a", 0xa)
    ready(sw, ga)
    wire, host = Wire("mvte2e4"), Wire("mvhost4")
    wire.send(BROADCAST, EXT, 9)
    wire.send(mac(0xa), EXT, 3)
    sw.wait_rx("lower", 12)
    check_eq(host.received(BROADCAST), 9, "host: every broadcast")
    check_eq(ga.stop(), (3, 0), "a: its unicast, no broadcast")
    p = sw.stop()
    check_eq(p["lower"].get("bcast_queue", 0), 9, "floods lost and counted")
    wire.close()
    host.close()

    # bclim (Linux 6.4+): a group that at most bclim endpoints joined is
    # flooded inline, so the empty queue does not lose it. No endpoint
    # takes every group here (one that does puts the lower in allmulti,
    # and then every group is queued, as above). g1 is joined by a only,
    # g2 by a and b: with the default bclim 1, g2 and broadcast are
    # queued and lost; with bclim -1 nothing is queued.
    g1, g2 = "01:00:5e:00:00:a1", "01:00:5e:00:00:a2"
    for i, (bclim, n_lost) in enumerate(((None, 4 + 9), ("-1", 0))):
        tag = "default" if bclim is None else bclim
        ifname, hname = f"mvtbclim{i}", f"mvhbclim{i}"
        extra = ["--host-port", f"net_tap1,iface={hname}",
                 "--bcqueuelen", "0"]
        if bclim is not None:
            extra += ["--bclim", bclim]
        sw = tap_switch(sc, ifname,
                        sc.endpoint("a", 0xa, "bridge",
                                    f",mcast={g1}+{g2}") +
                        sc.endpoint("b", 0xb, "vepa", f",mcast={g2}"),
                        extra, f"bclim{i}")
        subprocess.run(["ip", "link", "set", hname, "up"], check=True)
        ga, gb = sc.guest("a", 0xa), sc.guest("b", 0xb)
        ready(sw, ga, gb)
        wire, host = Wire(ifname), Wire(hname)
        wire.send(g1, EXT, 5)
        wire.send(g2, EXT, 4)
        wire.send(BROADCAST, EXT, 9)
        wire.send(mac(0xa), EXT, 3)
        sw.wait_rx("lower", 21)
        check_eq(host.received(g1), 5, f"bclim {tag}: host: g1")
        check_eq(host.received(g2), 4, f"bclim {tag}: host: g2")
        check_eq(host.received(BROADCAST), 9, f"bclim {tag}: host: broadcast")
        queued = n_lost > 0
        check_eq(ga.stop(), (5 + 3 + (0 if queued else 4 + 9), 0),
                 f"bclim {tag}: a: g1 inline, its unicast" +
                 ("" if queued else ", g2 and broadcast inline"))
        check_eq(gb.stop(), (0 if queued else 4 + 9, 0),
                 f"bclim {tag}: b: " +
                 ("g2 and broadcast lost" if queued else
                  "g2 and broadcast inline"))
        p = sw.stop()
        check_eq(p["lower"].get("bcast_queue", 0), n_lost,
                 f"bclim {tag}: floods lost and counted")
        check_eq(p["a"]["multicast"], 5 if queued else 5 + 4 + 9,
                 f"bclim {tag}: a: flood deliveries")
        wire.close()
        host.close()


@with_quiet_tap
def s_hairpin_bridge(sc):
    """--hairpin reflects as an 802.1D bridge in hairpin mode: unicast to
    the host's MAC or the lower's comes back and reaches the host, not the
    wire; reserved groups 01:80:c2:00:00:01-0f are not reflected, STP's
    :00 is; reflected floods go through the broadcast queue, with its
    length and its cutoff."""
    host_mac, lower_mac = mac(0x99), mac(0x98)
    lldp, stp = "01:80:c2:00:00:0e", "01:80:c2:00:00:00"
    sw = tap_switch(sc, "mvhp0", sc.endpoint("a", 0xa, "vepa") +
                    sc.endpoint("b", 0xb, "vepa"),
                    ["--host-port", f"net_tap1,iface=mvhph0,mac={host_mac}",
                     "--hairpin"], "hpb")
    subprocess.run(["ip", "link", "set", "mvhph0", "up"], check=True)
    gb = sc.guest("b", 0xb)
    ready(sw, gb)
    wire, host = Wire("mvhp0"), Wire("mvhph0")
    send_bursts(sc, sw, "a", 0xa, ((host_mac, 8), (stp, 4), (lldp, 5)))
    check_eq(host.received(host_mac), 8, "host: a's unicast, reflected")
    check_eq(wire.received(host_mac), 0, "wire: not a's unicast to the host")
    check_eq(wire.received(stp), 4, "wire: STP")
    check_eq(host.received(stp), 4, "host: STP, reflected")
    check_eq(wire.received(lldp), 5, "wire: LLDP")
    check_eq(host.received(lldp), 0, "host: LLDP not reflected")
    check_eq(gb.stop(), (4, 0), "b: STP reflected, not LLDP")
    sw.stop()
    wire.close()
    host.close()

    # the lower's own MAC: with a host port it reaches the host
    sw = sc.switch(["--lower", f"net_tap0,iface=mvhp1,mac={lower_mac}",
                    "--host-port", "net_tap1,iface=mvhph1", "--hairpin"] +
                   sc.endpoint("a", 0xa, "bridge"), "hpl")
    sw.wait_log("forwarding")
    for ifname in ("mvhp1", "mvhph1"):
        subprocess.run(["ip", "link", "set", ifname, "up"], check=True)
    wire, host = Wire("mvhp1"), Wire("mvhph1")
    ga = sc.guest("a", 0xa, peer=lower_mac, burst=6)
    ready(sw, ga)
    sw.wait_rx("a", 6)
    check_eq(ga.stop(), (0, 6), "a sent to the lower's MAC")
    check_eq(host.received(lower_mac), 6, "host: unicast to the lower's MAC")
    check_eq(wire.received(lower_mac), 0, "wire: not it")
    sw.stop()
    wire.close()
    host.close()

    # the reflected floods wait in the broadcast queue: none with
    # --bcqueuelen 0, but a group only b joined is not queued (bclim 1)
    g1, g2 = "01:00:5e:00:00:b1", "01:00:5e:00:00:b2"
    sw = sc.switch(["--lower", "net_null0,no-rx=1", "--hairpin",
                    "--bcqueuelen", "0"] +
                   sc.endpoint("a", 0xa, "vepa", f",mcast={g2}") +
                   sc.endpoint("b", 0xb, "bridge", f",mcast={g1}"), "hpq")
    sw.wait_log("forwarding")
    gb = sc.guest("b", 0xb)
    ready(sw, gb)
    send_bursts(sc, sw, "a", 0xa, ((BROADCAST, 16), (g1, 8)))
    check_eq(gb.stop(), (8, 0), "b: g1 inline, no broadcast")
    p = sw.stop()
    check_eq(p["a"].get("bcast_queue", 0), 16, "a: reflected floods lost")
    check_eq(p["lower"]["tx_packets"], 24, "both left on the wire")
    check_eq(p["b"]["multicast"], 8, "b: flood deliveries")


@with_quiet_tap
def s_busy_mac(sc):
    """An up endpoint may not use the lower device's MAC or the host port's
    (Linux: EADDRINUSE in macvlan_open), at start or added live; a down
    one and a passthru one may."""
    lower_mac, host_mac = "02:00:00:00:00:0a", "02:00:00:00:00:0b"
    lower = f"net_tap0,iface=mvbusy0,mac={lower_mac}"
    host = f"net_tap1,iface=mvbusyh0,mac={host_mac}"
    run_switch_expect_error(
        sc, ["--lower", lower] + sc.endpoint("a", 0xa, "bridge"),
        f"--endpoint mac={lower_mac}: MAC already used by the lower device "
        "(endpoint a)", "busy-lower")
    check(not os.path.exists(sc.sock("a")), "socket a left behind")
    run_switch_expect_error(
        sc, ["--lower", lower, "--host-port", host] +
        sc.endpoint("c", 0xc, "vepa") + sc.endpoint("b", 0xb, "vepa"),
        f"--endpoint mac={host_mac}: MAC already used by the host port "
        "(endpoint b)", "busy-host")
    check(not os.path.exists(sc.sock("c")), "socket c left behind")

    prefix = "mvte2e-busy"
    sw = sc.switch(["--lower", lower, "--host-port", host] +
                   sc.endpoint("c", 0xc, "vepa") +
                   sc.endpoint("d", 0xa, "vepa", ",state=down"), "busy")
    sw.wait_log("forwarding")
    # d, down, may keep the lower's MAC; it goes so that only the
    # lower's claim on the MAC is left for the live add
    check_eq(telemetry(prefix, "/mvtap/del_endpoint,d"), {"result": "ok"},
             "remove d")
    for name, m, owner in (("e", lower_mac, "the lower device"),
                           ("f", host_mac, "the host port")):
        spec = f"name={name},mac={m},mode=bridge,socket={sc.sock(name)}"
        check_eq(telemetry(prefix, "/mvtap/add_endpoint," + spec),
                 {"error": f"--endpoint mac={m}: MAC already used by "
                           f"{owner} (endpoint {name})"},
                 f"live add with the MAC of {owner}")
        check(not os.path.exists(sc.sock(name)), f"socket {name} left behind")
    spec = f"name=g,mac={host_mac},state=down,socket={sc.sock('g')}"
    check_eq(telemetry(prefix, "/mvtap/add_endpoint," + spec),
             {"result": "ok"}, "a down endpoint may")
    check_eq(sorted(telemetry(prefix, "/mvtap/endpoints")),
             ["c", "g"], "endpoints")
    sw.stop()


@with_quiet_tap
def s_uc_filter(sc):
    """Only an up endpoint puts its MAC into the lower device's unicast
    filter (Linux: dev_uc_add in macvlan_open). net_tap's filter has no
    room for another MAC, so each MAC put there makes it promiscuous: a
    down endpoint's, at start or added live, must not."""
    prefix = "mvte2e-ucf"
    sw = sc.switch(["--lower", "net_tap0,iface=mvucf0"] +
                   sc.endpoint("d", 0xd, "vepa", ",state=down"), "ucf")
    sw.wait_log("forwarding")

    def promisc():
        return telemetry(prefix, "/ethdev/info,0")["promiscuous"]
    check_eq(promisc(), 0, "a down endpoint at start")
    spec = f"name=e,mac={mac(0xe)},state=down,socket={sc.sock('e')}"
    check_eq(telemetry(prefix, "/mvtap/add_endpoint," + spec),
             {"result": "ok"}, "add a down endpoint")
    check_eq(promisc(), 0, "a down endpoint added live")
    check_eq(telemetry(prefix, "/mvtap/del_endpoint,d"), {"result": "ok"},
             "remove a down endpoint")
    check_eq(promisc(), 0, "a down endpoint removed")
    spec = f"name=u,mac={mac(0x1)},socket={sc.sock('u')}"
    check_eq(telemetry(prefix, "/mvtap/add_endpoint," + spec),
             {"result": "ok"}, "add an up endpoint")
    check_eq(promisc(), 1, "an up endpoint's MAC does not fit: promiscuous")
    check("MAC filter cannot take more addresses" in sw.output(),
          "the fallback is logged")
    sw.stop()


def s_socket_access(sc):
    """Server sockets get the owner, group and mode asked for (default
    0660, never world-writable); a stale socket of another user is left
    alone and the switch refuses to start on it."""
    import pwd
    import stat
    nobody = pwd.getpwnam("nobody")
    sw = sc.switch(["--lower", "net_null0,no-rx=1"] +
                   sc.endpoint("a", 0xa, "bridge") +
                   sc.endpoint("b", 0xb, "bridge",
                               ",owner=nobody,group=0,perm=0640"), "acc")
    sw.wait_log("forwarding")
    st_a, st_b = os.stat(sc.sock("a")), os.stat(sc.sock("b"))
    check_eq(oct(stat.S_IMODE(st_a.st_mode)), "0o660", "default mode")
    check_eq((oct(stat.S_IMODE(st_b.st_mode)), st_b.st_uid, st_b.st_gid),
             ("0o640", nobody.pw_uid, 0), "owner=, group=, perm=")
    sw.stop()
    run_switch_expect_error(
        sc, ["--lower", "net_null0,no-rx=1"] +
        sc.endpoint("a", 0xa, "bridge", ",perm=0666"),
        "--endpoint perm=0666: a vhost-user socket must not be "
        "world-writable", "world-writable")
    stale = sc.sock("stale")
    u = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    u.bind(stale)
    u.close()
    os.chown(stale, nobody.pw_uid, nobody.pw_gid)
    run_switch_expect_error(
        sc, ["--lower", "net_null0,no-rx=1", "--endpoint",
             f"name=s,mac={mac(0x5)},socket={stale}"],
        f"--endpoint socket={stale}: owned by uid {nobody.pw_uid}, not by "
        "this process (endpoint s)", "foreign-stale")
    check(os.path.exists(stale), "another user's socket was removed")
    # a directory others may write to: they could swap the socket
    shared = os.path.join(sc.tmp, "shared")
    os.mkdir(shared)
    os.chmod(shared, 0o1777)
    sock = os.path.join(shared, "w.sock")
    run_switch_expect_error(
        sc, ["--lower", "net_null0,no-rx=1", "--endpoint",
             f"name=w,mac={mac(0x7)},socket={sock}"],
        f"--endpoint socket={sock}: directory {shared} is writable by "
        "others (endpoint w)", "shared-dir")
    check(not os.path.exists(sock), "a socket was made in it")


def s_multiqueue(sc):
    """queues=2: the switch polls both queue pairs of a multiqueue guest
    (its tx-first burst goes out on each TX queue) and delivers it all."""
    prefix = "mvte2e-mq"
    sw = sc.switch(["--lower", "net_null0,no-rx=1"] +
                   sc.endpoint("a", 0xa, "bridge", ",queues=2") +
                   sc.endpoint("b", 0xb, "bridge", ",queues=2"), "mq")
    sw.wait_log("forwarding")
    gs = {}
    for name, n, peer, burst in (("b", 0xb, None, 0),
                                 ("a", 0xa, mac(0xb), 32)):
        g = Guest(sc.tmp, "g-" + name, sc.sock(name), mac(n), peer, burst)
        i = g.cmd.index("--vdev") + 1
        g.cmd[i] += ",queues=2"
        # two queues' descriptors need more mbufs and memory
        g.cmd[g.cmd.index("256")] = "512"
        g.cmd[g.cmd.index("--total-num-mbufs=2048")] = \
            "--total-num-mbufs=8192"
        g.cmd += ["--rxq=2", "--txq=2"]
        g.ep = name
        sc.procs.append(g.start())
        ready(sw, g)
        gs[name] = g
    sw.wait_rx("a", 64)
    check_eq(telemetry(prefix, "/mvtap/endpoint,a")["queue_pairs"], 2,
             "a negotiated two queue pairs")
    check_eq(gs["a"].stop(), (0, 64), "a sent one burst per queue")
    wait_until(lambda: "RX-packets: 64" in gs["b"].output() or
               telemetry(prefix, "/mvtap/endpoint,b")["tx_packets"] == 64,
               10, "b to get the 64 frames")
    # a two-queue guest killed, a one-queue guest next: nothing of the
    # first one's queues is polled or used
    gs["b"].kill()
    g = Guest(sc.tmp, "g-b1", sc.sock("b"), mac(0xb))
    g.ep = "b"
    sc.procs.append(g.start())
    wait_until(lambda: telemetry(prefix, "/mvtap/endpoint,b")["connects"]
               == 2, 30, "b's second guest")
    ready(sw, g)
    ga = sc.guest("a2", 0xa, peer=mac(0xb), burst=32, sock=sc.sock("a"),
                  ep="a")
    ready(sw, ga)
    sw.wait_rx("a", 96)
    check_eq(ga.stop(), (0, 32), "a's second sender")
    check_eq(g.stop(), (32, 0), "b's one-queue guest got all of it")
    check("invalid virtqueue" not in sw.output() and
          "invalid vring" not in sw.output(),
          "the switch used a queue of the previous guest:\n" +
          "\n".join(l for l in sw.output().splitlines()
                    if "invalid" in l)[:2000])
    p = sw.stop()
    check_eq(p["b"]["tx_packets"], 96, "switch: to b")


@with_quiet_tap
def s_mcast_sources(sc):
    """mcast= limits an endpoint to its groups (broadcast always passes;
    the default takes every group); a source-mode list edited at run time
    decides which senders' frames are copied to its endpoint."""
    prefix = "mvte2e-mcs"
    g_in, g_out = "01:00:5e:00:00:fb", "01:00:5e:00:00:fc"
    ext2 = "02:ee:00:00:00:02"
    sw = sc.switch(["--lower", "net_tap0,iface=mvte2e5"] +
                   sc.endpoint("a", 0xa, "bridge", f",mcast={g_in}") +
                   sc.endpoint("b", 0xb, "bridge") +
                   sc.endpoint("s", 0x5, "source"), "mcs")
    sw.wait_log("forwarding")
    subprocess.run(["ip", "link", "set", "mvte2e5", "up"], check=True)
    ga, gb, gs = sc.guest("a", 0xa), sc.guest("b", 0xb), sc.guest("s", 0x5)
    ready(sw, ga, gb, gs)
    wire = Wire("mvte2e5")
    check_eq(telemetry(prefix, f"/mvtap/add_source,s,{ext2}"),
             {"result": "ok"}, "add a source at run time")
    wire.send(g_in, EXT, 3)
    wire.send(g_out, EXT, 4)
    wire.send(BROADCAST, EXT, 2)
    wire.send(mac(0xb), ext2, 5)          # copied to s: it lists ext2
    sw.wait_rx("lower", 14)
    check_eq(telemetry(prefix, "/mvtap/flush_sources,s"), {"result": "ok"},
             "flush the list")
    wire.send(mac(0xb), ext2, 6)          # not any more
    sw.wait_rx("lower", 20)
    check_eq(ga.stop(), (5, 0), "a: its group and the broadcast")
    check_eq(gb.stop(), (3 + 4 + 2 + 5 + 6, 0), "b: every group, its unicast")
    check_eq(gs.stop(), (5, 0), "s: the listed sender's frames only")
    sw.stop()
    wire.close()


def netns_ping(ns, ip):
    return subprocess.run(["ip", "netns", "exec", ns, "ping", "-c", "2",
                           "-W", "1", ip], stdout=subprocess.DEVNULL
                          ).returncode == 0


def netns_rx_packets(ns, ifname):
    """RX packets of ifname in namespace ns (None: the root namespace)."""
    where = ["-n", ns] if ns else []
    out = subprocess.run(["ip"] + where + ["-s", "-o", "link", "show",
                          ifname], capture_output=True, text=True).stdout
    return int(re.search(r"RX:.*?\\\s+(\d+)\s+(\d+)", out).group(2))


@with_quiet_tap
def s_tap_endpoints(sc):
    """type=tap: kernel interfaces in network namespaces (containers) on
    the same lower, with the same mode rules as vhost-user endpoints."""
    nss = ["mvte2e-c1", "mvte2e-c2"]
    try:
        for ns in nss:
            subprocess.run(["ip", "netns", "del", ns],
                           stderr=subprocess.DEVNULL)
            subprocess.run(["ip", "netns", "add", ns], check=True)
            # a new namespace does not inherit the root's IPv6 defaults
            for k in ("all", "default"):
                subprocess.run(["ip", "netns", "exec", ns, "sysctl", "-qw",
                                f"net.ipv6.conf.{k}.disable_ipv6=1"],
                               check=True)

        def eps(mode):
            return ["--endpoint", f"name=c1,type=tap,ifname=mvtc1,"
                    f"mac={mac(0xc1)},mode={mode},netns={nss[0]}",
                    "--endpoint", f"name=c2,type=tap,ifname=mvtc2,"
                    f"mac={mac(0xc2)},mode={mode},netns={nss[1]}"]
        prefix = "mvte2e-tap1"
        sw = sc.switch(["--lower", "net_null0,no-rx=1"] + eps("bridge") +
                       sc.endpoint("g", 0xa, "bridge"), "tap1")
        sw.wait_log("forwarding")
        for i, ns in enumerate(nss, 1):
            subprocess.run(["ip", "-n", ns, "addr", "add",
                            f"10.250.78.{i}/24", "dev", f"mvtc{i}"],
                           check=True)
        # a testpmd guest and a namespace endpoint, exact counts, before
        # any ping brings ARP traffic
        rx0 = netns_rx_packets(nss[0], "mvtc1")
        g = sc.guest("g", 0xa, peer=mac(0xc1), burst=32)
        ready(sw, g)
        sw.wait_rx("g", 32)
        check_eq(netns_rx_packets(nss[0], "mvtc1") - rx0, 32,
                 "the namespace interface received the guest's frames")
        inject = ("import socket;s=socket.socket(socket.AF_PACKET,"
                  "socket.SOCK_RAW);s.bind(('mvtc1',0));"
                  f"[s.send(bytes.fromhex('{mac(0xa).replace(':', '')}"
                  f"{mac(0xc1).replace(':', '')}88b5')+bytes(46)) "
                  "for i in range(20)]")
        subprocess.run(["ip", "netns", "exec", nss[0], sys.executable,
                        "-c", inject], check=True)
        sw.wait_rx("c1", 20)
        check_eq(g.stop()[0], 20, "the guest received the namespace's frames")
        check(netns_ping(nss[0], "10.250.78.2"),
              "bridge-mode namespace endpoints reach each other")
        check_eq(telemetry(prefix, "/mvtap/set_mode,c1,vepa"),
                 {"result": "ok"}, "c1 to vepa")
        check_eq(telemetry(prefix, "/mvtap/set_mode,c2,vepa"),
                 {"result": "ok"}, "c2 to vepa")
        subprocess.run(["ip", "-n", nss[0], "neigh", "flush", "all"])
        check(not netns_ping(nss[0], "10.250.78.2"),
              "vepa namespace endpoints do not, without hairpin")
        sw.stop()
        check(not os.path.exists("/sys/class/net/mvtc1"),
              "interface left behind in the root namespace")
        sw = sc.switch(["--lower", "net_null0,no-rx=1", "--hairpin"] +
                       eps("vepa"), "tap2")
        sw.wait_log("forwarding")
        for i, ns in enumerate(nss, 1):
            subprocess.run(["ip", "-n", ns, "addr", "add",
                            f"10.250.78.{i}/24", "dev", f"mvtc{i}"],
                           check=True)
        check(netns_ping(nss[0], "10.250.78.2"),
              "vepa namespace endpoints reach each other with --hairpin")
        sw.stop()
        # a name clash inside the namespace: one line, nothing left
        subprocess.run(["ip", "-n", nss[0], "link", "add", "mvtc1", "type",
                        "bridge"], check=True)
        run_switch_expect_error(
            sc, ["--lower", "net_null0,no-rx=1"] + eps("bridge"),
            f"--endpoint netns={nss[0]}: cannot move mvtc1 there "
            "(a name clash in it?)", "tap-clash")
        check(not os.path.exists("/sys/class/net/mvtc1"),
              "the interface of a failed start was left behind")
    finally:
        for ns in nss:
            subprocess.run(["ip", "netns", "del", ns],
                           stderr=subprocess.DEVNULL)


@with_quiet_tap
def s_tap_root_live(sc):
    """Live add_endpoint beside a type=tap endpoint in the root namespace:
    the interface the running endpoint holds is not taken for a clash of
    the new endpoint, while real clashes still are."""
    prefix = "mvte2e-taproot"
    subprocess.run(["ip", "link", "del", "mvtr9"], stderr=subprocess.DEVNULL)
    sw = sc.switch(["--lower", "net_null0,no-rx=1", "--endpoint",
                    f"name=t,type=tap,ifname=mvtr0,mac={mac(0x71)},"
                    "mode=bridge"], "taproot")
    try:
        sw.wait_log("forwarding")
        check(os.path.exists("/sys/class/net/mvtr0"),
              "the tap endpoint's interface in the root namespace")
        spec = f"name=v,mac={mac(0xa)},mode=bridge,socket={sc.sock('v')}"
        rc, out, err = ctl(prefix, "add-endpoint", spec)
        check_eq((rc, out, err), (0, "ok\n", ""), "mvtap-ctl add-endpoint")
        check_eq(telemetry(prefix, "/mvtap/add_endpoint,name=u,type=tap,"
                           f"ifname=mvtr1,mac={mac(0x72)},mode=bridge"),
                 {"result": "ok"}, "a second tap endpoint, live")
        check(os.path.exists("/sys/class/net/mvtr1"), "u's interface")
        # the checks of a new endpoint still hold
        check_eq(telemetry(prefix, "/mvtap/add_endpoint,name=w,type=tap,"
                           f"ifname=mvtr0,mac={mac(0x73)}"),
                 {"error": "--endpoint ifname=mvtr0: interface already "
                  "used by endpoint t"}, "the same interface twice")
        subprocess.run(["ip", "link", "add", "mvtr9", "type", "bridge"],
                       check=True)
        check_eq(telemetry(prefix, "/mvtap/add_endpoint,name=w,type=tap,"
                           f"ifname=mvtr9,mac={mac(0x73)}"),
                 {"error": "--endpoint ifname=mvtr9: an interface with "
                  "this name exists"}, "an interface the switch does not own")
        check_eq(telemetry(prefix, "/mvtap/del_endpoint,u"),
                 {"result": "ok"}, "removing u")
        check(not os.path.exists("/sys/class/net/mvtr1"),
              "u's interface left behind")
        # the endpoint added live forwards to the tap endpoint
        rx0 = netns_rx_packets(None, "mvtr0")
        g = sc.guest("v", 0xa, peer=mac(0x71), burst=24)
        ready(sw, g)
        sw.wait_rx("v", 24)
        check_eq(netns_rx_packets(None, "mvtr0") - rx0, 24,
                 "the tap endpoint received the live endpoint's frames")
        g.stop()
        p = sw.stop()
        check_eq(p["v"]["rx_packets"], 24, "switch received v's frames")
        check_eq(p["t"]["tx_packets"], 24, "switch delivered them to t")
        check(not os.path.exists("/sys/class/net/mvtr0"),
              "interface left behind at exit")
        check(not os.path.exists(sc.sock("v")), "socket left behind at exit")
    finally:
        subprocess.run(["ip", "link", "del", "mvtr9"],
                       stderr=subprocess.DEVNULL)


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
        tids = [int(t) for t in os.listdir(f"/proc/{pid}/task")
                if open(f"/proc/{pid}/task/{t}/comm").read().strip() == comm]
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
        except (OSError, ValueError, KeyError):
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
    sw.log.close()
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


def vhost_msg(request, payload=b""):
    """A vhost-user message: request, flags (version 1), size, payload."""
    return struct.pack("<III", request, 0x1, len(payload)) + payload


def s_frontend_abuse(sc):
    """Frontends that misbehave on one endpoint's socket -- 1000 connects
    and closes, vanishing mid-message, garbage, features announced and
    then silence -- while two guests keep forwarding through the switch:
    it stays up, that traffic never stops, no descriptor leaks, and the
    abused socket still serves a real guest afterwards."""
    prefix = "mvte2e-abuse"
    sw = bridge_switch(sc, "abuse", ("a", 0xa), ("b", 0xb), ("c", 0xc))
    fds0 = fds_baseline(sw)
    gb = sc.guest("b", 0xb)
    ready(sw, gb)
    ga = txonly_guest(sc, "a", 0xa, mac(0xb))
    ready(sw, ga)

    def b_tx():
        return telemetry(prefix, "/mvtap/endpoint,b")["tx_packets"]

    def conn():
        u = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        u.connect(sc.sock("c"))
        return u

    # the abuse shares the cpus with the guests: sample per phase
    seen = [b_tx()]
    for i in range(1000):
        conn().close()
    time.sleep(1)
    seen.append(b_tx())
    for cut in (2, 6, 11):              # vanish in the middle of a message
        u = conn()
        u.send(vhost_msg(2, struct.pack("<Q", 1 << 32))[:cut])
        u.close()
    u = conn()                          # garbage
    u.send(os.urandom(4096))
    u.close()
    u = conn()                          # announce features, then silence
    u.send(vhost_msg(1))                # GET_FEATURES
    req, flags, size = struct.unpack("<III", u.recv(12))
    features = struct.unpack("<Q", u.recv(size))[0]
    check_eq((req, flags & 0x4), (1, 0x4), "a GET_FEATURES reply")
    u.send(vhost_msg(3))                # SET_OWNER
    u.send(vhost_msg(2, struct.pack("<Q", features & (1 << 32))))
    time.sleep(2)
    seen.append(b_tx())
    u.close()
    check(all(x < y for x, y in zip(seen, seen[1:])),
          f"traffic between the guests stalled: {seen}")
    check(sw.alive(), "the switch died")
    ga.stop()
    gb.stop()
    gc = sc.guest("c", 0xc)             # the abused socket still serves
    ready(sw, gc)
    gc.stop()
    wait_until(lambda: all(telemetry(prefix, f"/mvtap/endpoint,{n}")["state"]
                           == "waiting" for n in "abc"), 10,
               "every guest to disconnect")
    check_eq(fds_settled(sw, fds0), fds0, "file descriptors after the abuse")
    sw.stop()


def s_second_frontend(sc):
    """One frontend per endpoint: a second testpmd on a connected guest's
    socket is refused (counted, logged once) and gets nothing, the guest
    keeps every frame; a frontend with more queue pairs than queues= is
    refused as well, and the endpoint then serves a proper one."""
    prefix = "mvte2e-2nd"
    sw = bridge_switch(sc, "2nd", ("a", 0xa), ("b", 0xb), ("q", 0x9))
    ga = sc.guest("a", 0xa)
    ready(sw, ga)
    intruders = []
    for i in (1, 2):
        g = sc.guest(f"x{i}", 0xa, sock=sc.sock("a"), ep="a")
        # the switch closes it at once: testpmd goes on without its port,
        # or dies of SIGPIPE if it was still sending
        wait_until(lambda: telemetry(prefix, "/mvtap/endpoint,a").get(
                   "frontends_refused", 0) == i or
                   sw.output().count("endpoint a: guest connected") > 1,
                   60, f"{g.name} to be refused or let in")
        check(sw.output().count("endpoint a: guest connected") == 1,
              f"{g.name} was let in:\n{g.output()}")
        wait_until(lambda: not g.alive() or "No probed ethernet devices"
                   in g.output(), 30, f"{g.name} to lose its port")
        intruders.append(g)
    gb = sc.guest("b", 0xb, peer=mac(0xa), burst=32)
    ready(sw, gb)
    sw.wait_rx("b", 32)
    for g in intruders:
        g.kill()
    ep = telemetry(prefix, "/mvtap/endpoint,a")
    check_eq((ep["state"], ep["connects"], ep["frontends_refused"]),
             ("up", 1, 2), "a: still its guest's, two refusals")
    check_eq(len(re.findall(r"endpoint a: refused a second frontend",
                            sw.output())), 1, "refusals logged once")
    # two queue pairs on an endpoint of one
    gq = Guest(sc.tmp, "g-q", sc.sock("q"), mac(0x9))
    gq.cmd[gq.cmd.index("--vdev") + 1] += ",queues=2"
    gq.cmd += ["--rxq=2", "--txq=2", "--total-num-mbufs=8192"]
    gq.cmd[gq.cmd.index("256")] = "512"
    gq.ep = "q"
    sc.procs.append(gq.start())
    sw.wait_log("endpoint q: the frontend opened 2 queue pairs, more than "
                "queues=1: not forwarding")
    ep = telemetry(prefix, "/mvtap/endpoint,q")
    check_eq((ep["state"], ep["queue_pairs_refused"]), ("waiting", 1),
             "q: the device was refused")
    gq.kill()
    wait_until(lambda: telemetry(prefix, "/mvtap/endpoint,q")
               ["frontends_refused"] == 0 and "waiting" ==
               telemetry(prefix, "/mvtap/endpoint,q")["state"], 10,
               "q to be free")
    gq2 = sc.guest("q2", 0x9, sock=sc.sock("q"), ep="q")
    ready(sw, gq2)
    check_eq(gb.stop(), (0, 32), "b sent its burst")
    check_eq(ga.stop(), (32, 0), "a got every frame")
    gq2.stop()
    p = sw.stop()
    check_eq(p["a"]["tx_packets"], 32, "switch: to a")


def s_connection_flood(sc):
    """1100 idle connections held on one endpoint's socket: all but the
    first are refused at once (and counted), so librte_vhost's tables stay
    free and a guest restarted on another endpoint connects and
    forwards; once they close, the flooded socket serves a guest."""
    import resource
    prefix = "mvte2e-flood"
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 4096),
                                                max(hard, 4096)))
    sw = bridge_switch(sc, "flood", ("a", 0xa), ("b", 0xb), ("c", 0xc))
    gb = sc.guest("b", 0xb)
    ready(sw, gb)
    check_eq(gb.stop(), (0, 0), "b before the flood")
    held = []
    for i in range(1100):
        u = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        u.connect(sc.sock("c"))
        held.append(u)
    time.sleep(1)
    gb = sc.guest("b2", 0xb, sock=sc.sock("b"), ep="b")
    wait_until(lambda: "Port statistics" in gb.output(), 60, "b2 to start")
    ga = sc.guest("a", 0xa, peer=mac(0xb), burst=32)
    ready(sw, ga)
    sw.wait_rx("a", 32)
    check_eq(ga.stop(), (0, 32), "a sent its burst")
    check_eq(gb.stop(), (32, 0), "b, restarted during the flood, got it")
    check_eq(telemetry(prefix, "/mvtap/endpoint,b")["connects"], 2,
             "b's guest connected twice")
    check_eq(telemetry(prefix, "/mvtap/endpoint,c").get(
        "frontends_refused"), 1099, "refused on c while one is held")
    for u in held:
        u.close()
    gc = sc.guest("c", 0xc)
    ready(sw, gc)
    gc.stop()
    check_eq(telemetry(prefix, "/mvtap/endpoint,c")["frontends_refused"],
             1099, "refusals in all")
    p = sw.stop()
    check_eq(p["b"]["tx_packets"], 32, "switch: to b")


def s_client_backoff(sc):
    """client=1 against a frontend that accepts and closes at once: the
    switch waits longer after each attempt (100 ms doubling up to 5 s)
    instead of reconnecting in a loop, and still connects to a real
    frontend that appears later on that path."""
    path = sc.sock("a")
    lsock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    lsock.bind(path)
    lsock.listen(64)
    lsock.settimeout(0.2)
    sw = bridge_switch(sc, "backoff", ("a", 0xa, ",client=1"), ("b", 0xb))
    accepts, end = 0, time.monotonic() + 4
    while time.monotonic() < end:
        try:
            c, _ = lsock.accept()
            c.close()
            accepts += 1
        except socket.timeout:
            pass
    lsock.close()
    os.unlink(path)
    # attempts at 0, 0.1, 0.3, 0.7, 1.5 and 3.1 s after the start
    check(3 <= accepts <= 8,
          f"{accepts} connects in 4 s: not backing off as it should")
    ga = sc.guest("a", 0xa, peer=mac(0xb), burst=16, server=True)
    gb = sc.guest("b", 0xb)
    ready(sw, ga, gb)
    sw.wait_rx("a", 16)
    check_eq(ga.stop(), (0, 16), "a, the real frontend")
    check_eq(gb.stop(), (16, 0), "b")
    sw.stop()


def s_guest_frames(sc):
    """What a guest may not send: frames longer than MTU 1500 allows
    (1600 bytes, copied, then dropped), frames longer than one buffer
    (4000 bytes in two segments: librte_vhost drops them before a copy),
    and, from a spoofchk endpoint, link-local control frames (LLDP and
    PAUSE groups). Each is counted under its reason and reaches nobody;
    1518-byte frames (MTU plus a VLAN tag) pass."""
    prefix = "mvte2e-frames"
    sw = bridge_switch(sc, "frames", ("a", 0xa, ",spoofchk=1"), ("b", 0xb))
    gb = sc.guest("b", 0xb)
    ready(sw, gb)
    sent = 0
    for name, peer, n, txpkts in (("long", mac(0xb), 8, "1600"),
                                  ("chain", mac(0xb), 8, "2000,2000"),
                                  ("lldp", "01:80:c2:00:00:0e", 4, "64"),
                                  ("pause", "01:80:c2:00:00:01", 4, "64"),
                                  ("max", mac(0xb), 8, "1518")):
        g = sc.guest(f"a-{name}", 0xa, peer=peer, burst=n,
                     sock=sc.sock("a"), ep="a",
                     extra=[f"--txpkts={txpkts}", "--mbuf-size=4096"])
        ready(sw, g)
        sent += n
        wait_until(lambda: telemetry(prefix, "/mvtap/endpoint,a")
                   ["rx_packets"] == sent, 20, f"the {name} frames")
        check_eq(g.stop()[1], n, f"{name}: the guest sent them")
        wait_until(lambda: telemetry(prefix, "/mvtap/endpoint,a")
                   ["state"] == "waiting", 10, "a to disconnect")
    time.sleep(1.2)
    ep = telemetry(prefix, "/mvtap/endpoint,a")
    check_eq({k: v for k, v in ep["drops_by_reason"].items() if v},
             {"oversize": 16, "link_local": 8}, "a's drops")
    check_eq(gb.stop(), (8, 0), "b got only the 1518-byte frames")
    p = sw.stop()
    check_eq((p["a"]["rx_packets"], p["a"]["oversize"],
              p["a"]["link_local"], p["b"]["tx_packets"]),
             (32, 16, 8, 8), "switch: a's frames and b's")


HOOK = os.path.join(os.path.dirname(os.path.realpath(__file__)), "..", "..",
                    "usertools", "mvtap-libvirt-hook")


def run_hook(sc, prefix, op, xml, extra=()):
    """libvirt's call of the installed hook: (status, stdout, stderr)."""
    r = subprocess.run([sys.executable, HOOK, "hook", "-f", prefix,
                        "--socket-dir", sc.tmp] + list(extra) +
                       ["vm", op, "begin", "-"], input=xml,
                       capture_output=True, text=True, timeout=30)
    return r.returncode, r.stdout, r.stderr


def domain_xml(sc, mac1, mac2):
    return f"""<domain type='kvm'>
  <name>vm</name>
  <metadata>
    <mvtap:endpoint xmlns:mvtap="urn:dpdk-mvtap:1" name="vm1" mode="bridge"/>
    <mvtap:endpoint xmlns:mvtap="urn:dpdk-mvtap:1" name="vm2" mode="bridge"
                    keys="spoofchk=1"/>
  </metadata>
  <devices>
    <interface type='vhostuser'>
      <mac address='{mac1}'/>
      <source type='unix' path='{sc.sock("vm1")}' mode='client'/>
      <model type='virtio'/>
    </interface>
    <interface type='vhostuser'>
      <mac address='{mac2}'/>
      <source type='unix' path='{sc.sock("vm2")}' mode='server'/>
      <model type='virtio'/>
      <driver queues='1'/>
    </interface>
    <interface type='vhostuser'>
      <mac address='02:00:00:00:00:77'/>
      <source type='unix' path='/run/elsewhere/x.sock' mode='client'/>
    </interface>
    <interface type='network'>
      <mac address='02:00:00:00:00:78'/>
      <source network='default'/>
    </interface>
  </devices>
</domain>
"""


def s_libvirt_hook(sc):
    """libvirt's qemu hook with a domain of two vhost-user interfaces in the
    switch's socket directory (QEMU client on one, server on the other) and
    two that are not the switch's: prepare makes exactly the two endpoints
    (mode and keys from the metadata, client=1 where QEMU serves), start and
    migrate again change nothing and print nothing, guests on them forward,
    release removes them; a name taken by another endpoint, and a switch
    that is down, fail the start with one line, or not with
    --on-error=ignore; release never fails."""
    prefix = "mvte2e-hook"
    sw = bridge_switch(sc, "hook", ("z", 0x1f))
    xml = domain_xml(sc, mac(0x21), mac(0x22))
    for op in ("prepare", "start", "migrate"):
        check_eq(run_hook(sc, prefix, op, xml), (0, "", ""), f"hook {op}")
    eps = telemetry(prefix, "/mvtap/endpoints")
    check_eq(sorted(k for k in eps if k != "next"), ["vm1", "vm2", "z"],
             "the domain's two endpoints")
    e1 = telemetry(prefix, "/mvtap/endpoint,vm1")
    e2 = telemetry(prefix, "/mvtap/endpoint,vm2")
    check_eq((e1["mac"], e1["mode"], e1["role"], e1["socket"]),
             (mac(0x21), "bridge", "server", sc.sock("vm1")), "vm1")
    check_eq((e2["mac"], e2["mode"], e2["role"], e2["socket"]),
             (mac(0x22), "bridge", "client", sc.sock("vm2")), "vm2")
    g2 = sc.guest("vm2", 0x22, server=True)
    g1 = sc.guest("vm1", 0x21, peer=mac(0x22), burst=16)
    ready(sw, g2, g1)
    sw.wait_rx("vm1", 16)
    check_eq(g1.stop(), (0, 16), "vm1 sent")
    check_eq(g2.stop(), (16, 0), "vm2 received through the switch")
    check_eq(run_hook(sc, prefix, "release", xml), (0, "", ""),
             "hook release")
    eps = telemetry(prefix, "/mvtap/endpoints")
    check_eq(sorted(k for k in eps if k != "next"), ["z"],
             "release removed them")
    check(not os.path.exists(sc.sock("vm1")), "vm1's socket removed")
    # a name that another endpoint holds: the domain must not start
    check_eq(telemetry(prefix, "/mvtap/add_endpoint,name=vm1,mac=" +
                       mac(0x31) + ",socket=" + sc.sock("vm1")),
             {"result": "ok"}, "another vm1")
    why = (f"mvtap-libvirt-hook: domain vm, prepare: endpoint vm1 exists "
           f"with MAC {mac(0x31)} on {sc.sock('vm1')}, not {mac(0x21)} on "
           f"{sc.sock('vm1')}\n")
    check_eq(run_hook(sc, prefix, "prepare", xml), (1, "", why),
             "a taken name fails the start")
    check_eq(run_hook(sc, prefix, "prepare", xml, ["--on-error", "ignore"]),
             (0, "", why), "or not, with --on-error=ignore")
    check_eq(run_hook(sc, prefix, "release", xml), (0, "", ""),
             "release leaves another's endpoint alone")
    check_eq(telemetry(prefix, "/mvtap/endpoint,vm1")["mac"], mac(0x31),
             "the other vm1 is still there")
    sw.stop()
    rc, out, err = run_hook(sc, prefix, "prepare", xml)
    check_eq((rc, out), (1, ""), "switch down: the start fails")
    check(err.startswith("mvtap-libvirt-hook: domain vm, prepare: no "
                         "dpdk-mvtap with file prefix 'mvte2e-hook'") and
          err.count("\n") == 1, f"switch down: one line, got {err!r}")
    check_eq(run_hook(sc, prefix, "release", xml)[0], 0,
             "switch down: release still succeeds")


def worker_cpu(sw, seconds=2.0):
    """The share of a CPU the switch's worker lcore used over seconds."""
    tids = [t for t in os.listdir(f"/proc/{sw.proc.pid}/task")
            if open(f"/proc/{sw.proc.pid}/task/{t}/comm").read()
            .startswith("rte-worker")]
    check_eq(len(tids), 1, "one worker thread")

    def ticks():
        with open(f"/proc/{sw.proc.pid}/task/{tids[0]}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])    # utime + stime
    t0, c0 = time.monotonic(), ticks()
    time.sleep(seconds)
    return (ticks() - c0) / os.sysconf("SC_CLK_TCK") / \
        (time.monotonic() - t0)


def s_idle_sleep(sc):
    """--max-sleep-us: an idle worker sleeps instead of burning its CPU
    (below 20 % with 500 us; all of it with 0, set live), frames still
    arrive, every one, and the sleeps are counted."""
    prefix = "mvte2e-sleep"
    sw = bridge_switch(sc, "sleep", ("a", 0xa), ("b", 0xb))
    check_eq(ctl(prefix, "set-max-sleep", "500"), (0, "ok\n", ""),
             "set 500 us")
    gb = sc.guest("b", 0xb)
    ready(sw, gb)
    idle = worker_cpu(sw)
    check(idle < 0.2, f"an idle worker with 500 us sleeps used {idle:.2f} "
          "of a CPU")
    ga = sc.guest("a", 0xa, peer=mac(0xb), burst=32)
    ready(sw, ga)
    sw.wait_rx("a", 32)
    check_eq(ga.stop(), (0, 32), "a sent")
    lc = next(iter(telemetry(prefix, "/mvtap/lcores").values()))
    check(lc["sleeps"] > 0 and lc["sleep_cycles"] > 0 and
          lc["max_sleep_us"] == 500, f"sleeps counted: {lc}")
    check_eq(ctl(prefix, "set-max-sleep", "0"), (0, "ok\n", ""), "set 0")
    busy = worker_cpu(sw)
    check(busy > 0.5, f"a worker that never sleeps used only {busy:.2f}")
    check_eq(ctl(prefix, "set-max-sleep", "10001"),
             (1, "", "mvtap-ctl: max-sleep-us 10001: expected an integer "
              "0..10000\n"), "out of range")
    check_eq(gb.stop(), (32, 0), "b got every frame")
    sw.stop()


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
        ga = sc.guest(f"a{i}", 0xa, peer=BROADCAST, burst=200,
                      sock=sc.sock("a"), ep="a")
        ready(sw, ga)
        sw.wait_rx("a", 200 * i)
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


@with_quiet_tap
def s_storm(sc):
    """A multicast storm from the wire: its floods go through the bounded
    broadcast queue (what does not fit is counted as bcast_queue), every
    storm frame is delivered or counted, and unicast sent in the middle
    of it arrives whole."""
    storm, other = "01:00:5e:00:00:99", "01:00:5e:00:00:01"
    n_storm = 20000
    sw = tap_switch(sc, "mvte2e6", sc.endpoint("a", 0xa, "bridge") +
                    sc.endpoint("b", 0xb, "bridge", f",mcast={other}") +
                    sc.endpoint("c", 0xc, "bridge", f",mcast={other}"))
    ga, gb = sc.guest("a", 0xa), sc.guest("b", 0xb)
    ready(sw, ga, gb)
    wire = Wire("mvte2e6")
    half = n_storm // 2
    wire.send(storm, EXT, half)
    gu = sc.guest("c", 0xc, peer=mac(0xb), burst=64)
    wire.send(storm, EXT, n_storm - half)
    ready(sw, gu)
    sw.wait_rx("c", 64)
    # the kernel's tap queue may drop part of the storm before the switch
    # sees it: account for what the switch received, once that settles
    prev = -1
    while sw.stats().get("lower", (0,))[0] != prev:
        prev = sw.stats().get("lower", (0,))[0]
        time.sleep(1.2)
    check(prev > n_storm // 4, f"only {prev} storm frames arrived")
    check_eq(gu.stop(), (0, 64), "c sent its burst")
    rx_a, _ = ga.stop()
    rx_b, _ = gb.stop()
    p = sw.stop()
    check_eq(rx_b, 64, "b got the unicast, whole, and none of the storm")
    check_eq(p["a"]["tx_packets"] + p["a"]["drops"] +
             p["lower"].get("bcast_queue", 0), p["lower"]["rx_packets"],
             "every storm frame the switch received reached a or was "
             "counted")
    check_eq(rx_a, p["a"]["tx_packets"], "a received what the switch sent")
    wire.close()


SCENARIOS = {
    "bridge_unicast": s_bridge_unicast,
    "vepa_unicast": s_vepa_unicast,
    "private_group": s_private_group,
    "hairpin_relay": s_hairpin_relay,
    "hairpin_bridge": s_hairpin_bridge,
    "strict_private": s_strict_private,
    "broadcast_flood": s_broadcast_flood,
    "wire_to_endpoint": s_wire_to_endpoint,
    "endpoint_to_wire": s_endpoint_to_wire,
    "passthru": s_passthru,
    "host_port": s_host_port,
    "mcast_sources": s_mcast_sources,
    "tap_endpoints": s_tap_endpoints,
    "tap_root_live": s_tap_root_live,
    "stop_slow_worker": s_stop_slow_worker,
    "bcqueuelen": s_bcqueuelen,
    "client_reconnect": s_client_reconnect,
    "bad_input": s_bad_input,
    "busy_mac": s_busy_mac,
    "uc_filter": s_uc_filter,
    "socket_access": s_socket_access,
    "frontend_abuse": s_frontend_abuse,
    "second_frontend": s_second_frontend,
    "connection_flood": s_connection_flood,
    "client_backoff": s_client_backoff,
    "guest_frames": s_guest_frames,
    "libvirt_hook": s_libvirt_hook,
    "idle_sleep": s_idle_sleep,
    "stuck_guest": s_stuck_guest,
    "soak": s_soak,
    "storm": s_storm,
    "live_endpoints": s_live_endpoints,
    "multiqueue": s_multiqueue,
    "rebalance": s_rebalance,
    "observability": s_observability,
    "policy": s_policy,
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
        for p in sc.procs:
            print(f"---- {p.name} ({' '.join(p.cmd)})")
            print(p.output()[-3000:])
        # again last: the test runner shows only the end of a long log
        print(f"FAIL {argv[2]}: {e}")
        return 1
    finally:
        sc.cleanup()
    print(f"PASS {argv[2]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

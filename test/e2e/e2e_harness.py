# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-mvtap authors
"""The harness of the end-to-end scenarios (mvtap_e2e.py): the switch and
its testpmd guests as child processes, their counters, the switch's
telemetry, the kernel side of a net_tap lower, and the assertions and
helpers the scenario files (scenarios_*.py) share.
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

HERE = os.path.dirname(os.path.abspath(__file__))
USERTOOLS = os.path.join(HERE, "..", "..", "usertools")
sys.path.insert(0, USERTOOLS)

import mvtap_proc  # noqa: E402
from mvtap_telemetry import TelemetryClient, TelemetryError  # noqa: E402

TESTPMD = shutil.which("dpdk-testpmd") or "/usr/bin/dpdk-testpmd"
SWITCH_CORES = "0-1"      # main lcore on cpu 0 (sleeps), worker on cpu 1
GUEST_CORES = "0@0,1@0"   # guests share cpu 0
BROADCAST = "ff:ff:ff:ff:ff:ff"


class Failure(Exception):
    pass


class Skip(Exception):
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
    mvtap_proc.wait_until(pred, timeout, what, error=Failure)


class Process(mvtap_proc.LoggedProcess):
    """A child process whose output goes to a log file."""

    def __init__(self, tmp, name, cmd):
        super().__init__(name, cmd, tmp)

    def interrupt(self, timeout=30):
        """SIGINT, then wait; returns the exit status."""
        if self.proc is None:
            return None
        if not self.signal_stop(signal.SIGINT, timeout):
            raise Failure(f"{self.name} did not stop on SIGINT")
        self.close()
        return self.proc.returncode


class Switch(Process):
    def __init__(self, exe, tmp, args, name="switch", cores=None):
        lcores = ["--lcores", cores] if cores else ["-l", SWITCH_CORES]
        cmd = [exe] + lcores + ["--no-huge", "-m", "512",
               "--no-pci", "--file-prefix", "mvte2e-" + name,
               "--log-level=lib.eal:error", "--log-level=lib.vhost.*:error",
               "--", "--stats-period", "1"] + args
        super().__init__(tmp, name, cmd)

    def wait_log(self, pattern, timeout=60):
        self.wait_output(pattern, timeout, f"'{pattern}' in the switch log",
                         error=Failure)

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
    """One request to the switch's DPDK telemetry socket (waiting for the
    reply as long as it takes): the value of its reply."""
    try:
        with TelemetryClient.for_prefix(prefix, timeout=None) as c:
            return c.query(cmd)
    except TelemetryError as e:
        raise Failure(f"telemetry {cmd} on {prefix}: {e}")


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

    def print_logs(self, tail=3000, with_cmd=True):
        """The end of each process's log, for a failure report."""
        for p in self.procs:
            print(f"---- {p.name}" + (f" ({' '.join(p.cmd)})"
                                     if with_cmd else ""))
            print(p.output()[-tail:])

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
        sent += count
        g = burst_guest(sc, sw, f"{ep}{i}", n, dst, count, rx=sent,
                        sock=sc.sock(ep), ep=ep)
        check_eq(g.stop(), (0, count), f"{ep} sent {count} to {dst}")


def open_fds(sw):
    """How many descriptors the switch has open."""
    return len(os.listdir(f"/proc/{sw.proc.pid}/fd"))


def fds_baseline(sw):
    """The switch's open descriptors when they hold still: a telemetry
    request that just ended leaves its connection open in the switch for
    a moment, which must not count in a baseline."""
    count = lambda: open_fds(sw)
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
    count = lambda: open_fds(sw)
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


def ctl(prefix, *args):
    """Run mvtap-ctl; returns (exit status, stdout, stderr)."""
    r = subprocess.run([sys.executable, os.path.join(USERTOOLS, "mvtap-ctl"),
                        "-f", prefix] + list(args), capture_output=True,
                       text=True, timeout=30)
    return r.returncode, r.stdout, r.stderr


def txonly_guest(sc, name, n, peer, sock=None, ep=None, txpkts=64):
    """A guest that sends to peer as fast as it can."""
    g = Guest(sc.tmp, "g-" + name, sock or sc.sock(name), mac(n), peer)
    g.cmd = [x for x in g.cmd if x != "--forward-mode=rxonly"] + [
        "--forward-mode=txonly", f"--eth-peer=0,{peer}",
        f"--txpkts={txpkts}"]
    g.ep = ep or name
    sc.procs.append(g.start())
    return g


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


def tap_switch(sc, ifname, eps, extra=(), name="switch"):
    sw = sc.switch(["--lower", f"net_tap0,iface={ifname}"] + list(extra) +
                   eps, name)
    sw.wait_log("forwarding")
    subprocess.run(["ip", "link", "set", ifname, "up"], check=True)
    return sw


EXT = "02:ee:00:00:00:01"


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


def burst_guest(sc, sw, name, n, peer, burst, rx=None, **kw):
    """A guest (sc.guest() with kw) that sends burst frames to peer once
    it is connected; returned once the switch received rx (default: burst)
    frames from its endpoint in all."""
    g = sc.guest(name, n, peer=peer, burst=burst, **kw)
    ready(sw, g)
    sw.wait_rx(g.ep, burst if rx is None else rx)
    return g

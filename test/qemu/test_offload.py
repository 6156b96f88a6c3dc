#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-mvtap authors
"""Offloads with real Linux guests: TCP streams between QEMU (TCG) guests
whose virtio-net negotiated TSO and checksum offload with dpdk-mvtap, to a
guest that did not (offload=off: the switch segments for it), and to a
host behind a net_tap lower, whose kernel must see only valid frames no
longer than its MTU.

Every stream is 8 MiB of random data written by busybox nc; the SHA-256 of
what arrived must be that of what was sent. The switch's counters must
show the work: super-frames received from the sender (an average frame
above 1514 bytes, offload_rx), none segmented while the receiver takes
them whole, all segmented for the receiver without offloads.

usage: test_offload.py DPDK_MVTAP GUEST_CACHE_DIR
Exit status: 0 pass, 1 fail, 77 skipped (no QEMU to be had).
"""

import os
import re
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))

import e2e_harness as e2e  # noqa: E402
from mvtguest import (Guest, GuestError, guest_files,  # noqa: E402
                      run_guest_test)

NET = "10.250.78"
NS = "mvo-ext"
LOWER_IF = "mvo0"
PREFIX = "mvte2e-offload"
STREAM_MIB = int(os.environ.get("MVT_STREAM_MIB", "8"))
MAX_FRAME = 1514
# virtio-net feature bits (what the switch reports as "features")
GUEST_CSUM, GUEST_TSO4, HOST_TSO4 = 1, 7, 11


def sh(*cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def ns(*cmd):
    sh("ip", "netns", "exec", NS, *cmd)


def endpoint(name):
    return e2e.telemetry(PREFIX, f"/mvtap/endpoint,{name}")


def sha_of(guest, path):
    rc, out = guest.run(f"sha256sum {path}", timeout=60)
    m = re.search(r"\b([0-9a-f]{64})\b", out)
    e2e.check(rc == 0 and m, f"{guest.name}: sha256sum {path}: {out!r}")
    return m.group(1)


def guest_listen(guest, port):
    """A listener in the guest that writes the SHA-256 of what it gets to
    /tmp/rx<port>; its stdin stays open (busybox nc ends at stdin EOF)."""
    rc, out = guest.run(f"(sleep 600 | nc -l -p {port} | sha256sum "
                        f"> /tmp/rx{port}) >/dev/null 2>&1 &")
    e2e.check_eq(rc, 0, f"{guest.name}: listener on {port}")
    e2e.wait_until(lambda: f":{port} " in guest.run("netstat -ltn")[1], 30,
                   f"{guest.name}: nc listening on {port}")


def guest_received(guest, port, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rc, out = guest.run(f"cat /tmp/rx{port} 2>/dev/null")
        m = re.search(r"\b([0-9a-f]{64})\b", out)
        if m:
            return m.group(1)
        time.sleep(1)
    raise e2e.Failure(f"{guest.name}: nothing complete on port {port} in "
                      f"{timeout} s")


def send(guest, ip, port):
    t0 = time.monotonic()
    rc, out = guest.run(f"nc {ip} {port} < /tmp/data",
                        timeout=int(os.environ.get("MVT_STREAM_TIMEOUT", "300")))
    e2e.check_eq(rc, 0, f"{guest.name}: nc {ip} {port}: {out!r}")
    return time.monotonic() - t0


def avg_frame(ep_before, ep_after, rx=True):
    k = "rx" if rx else "tx"
    pk = ep_after[f"{k}_packets"] - ep_before[f"{k}_packets"]
    by = ep_after[f"{k}_bytes"] - ep_before[f"{k}_bytes"]
    return by / pk if pk else 0.0, pk


# A receiver slower than its sender (a TCG guest's ring, the kernel's tap
# queue) loses frames, which TCP sends again; nothing else may drop.
CONGESTION = ("ring_full", "tx_full")


def check_drops(what, before, after):
    b = before.get("drops_by_reason", {})
    a = after.get("drops_by_reason", {})
    other = {r: n - b.get(r, 0) for r, n in a.items()
             if r not in CONGESTION and n != b.get(r, 0)}
    e2e.check_eq(other, {}, f"{what}: drops other than congestion "
                 f"(all: {a})")


def pcap_frame_lengths(path):
    """Original lengths of the frames of a classic pcap file."""
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    end = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
    off, lens = 24, []
    while off + 16 <= len(data):
        _, _, incl, orig = struct.unpack(end + "IIII", data[off:off + 16])
        lens.append(orig)
        off += 16 + incl
    return lens


def ns_tcp_csum_errors():
    out = subprocess.run(["ip", "netns", "exec", NS, "cat",
                          "/proc/net/snmp"], capture_output=True,
                         text=True, check=True).stdout
    rows = [r.split() for r in out.splitlines() if r.startswith("Tcp:")]
    return int(rows[1][rows[0].index("InCsumErrors")])


class Setup:
    def __init__(self, exe, cache):
        self.exe = exe
        self.cache = cache
        self.sc = e2e.Scenario(exe)
        self.guests = []
        self.procs = []

    def cleanup(self):
        for g in self.guests:
            g.stop()
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        subprocess.run(["ip", "netns", "del", NS], stderr=subprocess.DEVNULL)
        self.sc.cleanup()


def scenario(st):
    kernel, initrd = guest_files(st.cache)
    offload = {1: "on", 2: "on", 3: "off"}
    for i in (1, 2, 3):
        g = Guest(f"g{i}", st.sc.tmp, kernel, initrd, st.sc.sock(f"g{i}"),
                  e2e.mac(i), f"{NET}.{i}/24", server=True)
        st.guests.append(g.start())
    g1, g2, g3 = st.guests
    e2e.wait_until(lambda: all(os.path.exists(st.sc.sock(f"g{i}"))
                               for i in (1, 2, 3)), 30, "the guests' sockets")
    eps = []
    for i in (1, 2, 3):
        eps += ["--endpoint", f"name=g{i},mac={e2e.mac(i)},mode=bridge,"
                f"socket={st.sc.sock(f'g{i}')},client=1,"
                f"offload={offload[i]}"]
    sw = st.sc.switch(["--lower", f"net_tap0,iface={LOWER_IF}"] + eps,
                      "offload")
    sw.wait_log("forwarding")
    for g in st.guests:
        g.wait_ready(180)
    subprocess.run(["ip", "netns", "del", NS], stderr=subprocess.DEVNULL)
    sh("ip", "netns", "add", NS)
    sh("ip", "link", "set", LOWER_IF, "netns", NS)
    ns("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1")
    ns("ip", "addr", "add", f"{NET}.100/24", "dev", LOWER_IF)
    ns("ip", "link", "set", LOWER_IF, "up")

    # what each guest negotiated
    for i in (1, 2, 3):
        e2e.wait_until(lambda: endpoint(f"g{i}")["state"] == "up", 60,
                       f"g{i} up")
    for i in (1, 2, 3):
        feat = int(endpoint(f"g{i}")["features"], 16)
        want = offload[i] == "on"
        for bit, what in ((GUEST_CSUM, "GUEST_CSUM"),
                          (GUEST_TSO4, "GUEST_TSO4"),
                          (HOST_TSO4, "HOST_TSO4")):
            e2e.check_eq(bool(feat >> bit & 1), want,
                         f"g{i} (offload={offload[i]}) negotiated {what}")

    rc, out = g1.run(f"dd if=/dev/urandom of=/tmp/data bs=1048576 "
                     f"count={STREAM_MIB} 2>&1", timeout=120)
    e2e.check_eq(rc, 0, f"g1: test data: {out!r}")
    sent = sha_of(g1, "/tmp/data")
    for g in (g2, g3):
        e2e.check(g1.ping(g.ip.split("/")[0]), f"g1 reaches {g.name}")
    figures = {}

    # 1. guest to guest, both with offloads: super-frames cross whole
    guest_listen(g2, 5001)
    b1, b2 = endpoint("g1"), endpoint("g2")
    secs = send(g1, f"{NET}.2", 5001)
    e2e.check_eq(guest_received(g2, 5001), sent,
                 "g1 -> g2: SHA-256 of the stream at both ends")
    a1, a2 = endpoint("g1"), endpoint("g2")
    avg, pk = avg_frame(b1, a1)
    e2e.check(avg > MAX_FRAME, f"g1 -> g2: g1 sent super-frames (average "
              f"frame {avg:.0f} bytes over {pk} frames)")
    e2e.check(a1["offload_rx"] > b1["offload_rx"],
              "g1 -> g2: g1's offload_rx counts its requests")
    e2e.check_eq(a1["sw_segmented"] - b1["sw_segmented"], 0,
                 "g1 -> g2: nothing segmented for a receiver with TSO")
    avg2, _ = avg_frame(b2, a2, rx=False)
    e2e.check(avg2 > MAX_FRAME, f"g1 -> g2: g2 got them whole (average "
              f"{avg2:.0f} bytes)")
    figures["g1->g2"] = (secs, avg)

    # 2. to a guest with offload=off: the switch segments for it
    guest_listen(g3, 5002)
    b1, b3 = endpoint("g1"), endpoint("g3")
    secs = send(g1, f"{NET}.3", 5002)
    e2e.check_eq(guest_received(g3, 5002), sent,
                 "g1 -> g3 (offload=off): SHA-256 at both ends")
    a1, a3 = endpoint("g1"), endpoint("g3")
    avg, _ = avg_frame(b1, a1)
    e2e.check(avg > MAX_FRAME, f"g1 -> g3: g1 still sends super-frames "
              f"(average {avg:.0f} bytes)")
    e2e.check(a1["sw_segmented"] > b1["sw_segmented"] and
              a1["sw_segments"] > a1["sw_segmented"],
              f"g1 -> g3: the switch segmented g1's super-frames "
              f"({a1['sw_segmented'] - b1['sw_segmented']} into "
              f"{a1['sw_segments'] - b1['sw_segments']})")
    avg3, pk3 = avg_frame(b3, a3, rx=False)
    e2e.check(0 < avg3 <= MAX_FRAME, f"g1 -> g3: g3 got MTU-sized frames "
              f"(average {avg3:.0f} bytes over {pk3})")
    rc, out = g3.run("cat /sys/class/net/eth0/statistics/rx_length_errors "
                     "/sys/class/net/eth0/statistics/rx_errors")
    e2e.check(rc == 0 and out.split()[:2] == ["0", "0"],
              f"g3's virtio-net saw no length or other errors: {out!r}")
    check_drops("g3", b3, a3)
    figures["g1->g3"] = (secs, avg)

    # 3. guest to the wire: a net_tap lower, a kernel behind it
    cap = os.path.join(st.sc.tmp, "wire.pcap")
    dump = subprocess.Popen(["ip", "netns", "exec", NS, "tcpdump", "-i",
                             LOWER_IF, "-s", "128", "-U", "-w", cap,
                             "tcp port 5003"],
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    st.procs.append(dump)
    e2e.wait_until(lambda: os.path.exists(cap), 10, "tcpdump to start")
    time.sleep(1)
    rx = subprocess.Popen(
        ["ip", "netns", "exec", NS, "python3", "-c",
         "import hashlib, socket\n"
         "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, "
         "socket.SO_REUSEADDR, 1)\n"
         f"s.bind(('{NET}.100', 5003)); s.listen(1)\n"
         "c, _ = s.accept(); h = hashlib.sha256(); n = 0\n"
         "while True:\n"
         "    b = c.recv(1 << 16)\n"
         "    if not b: break\n"
         "    h.update(b); n += len(b)\n"
         "print(h.hexdigest(), n)\n"],
        stdout=subprocess.PIPE, text=True)
    st.procs.append(rx)
    time.sleep(0.5)
    errs0 = ns_tcp_csum_errors()
    bl = e2e.telemetry(PREFIX, "/mvtap/lower")
    b1 = endpoint("g1")
    secs = send(g1, f"{NET}.100", 5003)
    out, _ = rx.communicate(timeout=120)
    digest, nbytes = out.split()
    e2e.check_eq((digest, int(nbytes)), (sent, STREAM_MIB << 20),
                 "g1 -> the host behind the lower: SHA-256 and length")
    time.sleep(1)
    dump.terminate()
    dump.wait(timeout=10)
    a1 = endpoint("g1")
    al = e2e.telemetry(PREFIX, "/mvtap/lower")
    avg, _ = avg_frame(b1, a1)
    # the kernel's quick ACKs keep the guest's bursts short: fewer
    # super-frames than between guests, but some
    e2e.check(a1["offload_rx"] > b1["offload_rx"] and
              a1["sw_segmented"] > b1["sw_segmented"],
              f"g1 -> wire: g1's super-frames segmented for the lower "
              f"({a1['sw_segmented'] - b1['sw_segmented']}; average frame "
              f"{avg:.0f} bytes)")
    lens = pcap_frame_lengths(cap)
    e2e.check(len(lens) > (STREAM_MIB << 20) // 1448,
              f"the kernel side captured the stream ({len(lens)} frames)")
    e2e.check(max(lens) <= MAX_FRAME, f"the kernel saw no frame longer than "
              f"{MAX_FRAME} bytes (longest {max(lens)})")
    e2e.check_eq(ns_tcp_csum_errors() - errs0, 0,
                 "the kernel counted no TCP checksum errors")
    check_drops("the lower", bl, al)
    figures["g1->wire"] = (secs, avg)

    for k, (secs, avg) in figures.items():
        print(f"  {k}: {STREAM_MIB} MiB in {secs:.1f} s "
              f"({STREAM_MIB * 8 * 1.048576 / secs:.0f} Mbit/s), "
              f"average frame from g1 {avg:.0f} bytes")
    sw.stop()


def report_endpoints(st):
    """The switch's view of the guests' endpoints, for a failure report."""
    for n in ("g1", "g2", "g3"):
        try:
            print(f"---- endpoint {n}: {endpoint(n)}")
        except Exception as te:  # the switch may be gone
            print(f"---- endpoint {n}: {te}")


def main(argv):
    return run_guest_test(argv, "qemu offload", Setup, scenario,
                          (e2e.Failure, GuestError, subprocess.CalledProcessError,
                           subprocess.TimeoutExpired), on_failure=report_endpoints)


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-mvtap authors
"""Live migration of a QEMU (TCG) guest on dpdk-mvtap endpoints.

First between two switches, A and B, each with a net_tap lower and one
endpoint with the guest's MAC; both taps are ports of one Linux bridge in a
network namespace, whose own address is the external host. Then between
two endpoints of one switch, m1 and m2, m2 added live with standby=1 and
m1's MAC. Each time the guest boots on the source endpoint, a second QEMU
started with -incoming on the destination endpoint takes it over by QMP
"migrate" while the host streams data to the guest over TCP and pings it
every 50 ms. The guest device has guest_announce=off, so the announcement
after the switch-over is the RARP librte_vhost injects; the endpoints have
spoofchk=1, which must let it pass.

Between the two switches a first migration is cancelled while the
frontend logs dirty pages: logging goes on and off on a running device
(librte_vhost's features_changed) and the guest stays on A.

Asserted: the stream arrives intact (sha256 at both ends), the pings
resume within PING_GAP_MAX seconds (the measured gap is printed), the RARP
with the guest's MAC arrives on the destination's tap, the bridge has the
guest's MAC on that tap only, the source endpoint logged dirty pages once
and its counters stop moving (its drops all not_ready), and within one
switch the MAC moves from m1 to m2.
Addresses: 10.250.79.0/24, on these test hosts only.

usage: test_migration.py DPDK_MVTAP GUEST_CACHE_DIR
Exit status: 0 pass, 1 fail, 77 skipped (no QEMU to be had).
"""

import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))

import e2e_harness as e2e  # noqa: E402
from mvtguest import (Guest, GuestError, Qmp, guest_files,  # noqa: E402
                      run_guest_test)

NET = "10.250.79"
NS = "mvm-ext"
MAC = "52:54:00:79:00:01"
PORT = 5000
STREAM_BYTES = 6 << 20
STREAM_SECONDS = 12
PING_GAP_MAX = 5.0

# The host's sender: a deterministic stream, paced over STREAM_SECONDS so
# that the migration happens in its middle; prints the sha256 it sent.
SENDER = r"""
import hashlib, socket, sys, time
n, secs, ip, port = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3], int(sys.argv[4])
s = socket.create_connection((ip, port), timeout=60)
h = hashlib.sha256()
chunk = 32768
t0 = time.monotonic()
sent = 0
i = 0
while sent < n:
    block = hashlib.sha256(i.to_bytes(8, "big")).digest() * (chunk // 32)
    block = block[:min(chunk, n - sent)]
    s.sendall(block)
    h.update(block)
    sent += len(block)
    i += 1
    due = t0 + secs * sent / n
    if due > time.monotonic():
        time.sleep(due - time.monotonic())
s.shutdown(socket.SHUT_WR)
s.recv(1)
print(h.hexdigest(), flush=True)
"""

# Waits for the first RARP (EtherType 0x8035) that arrives on an
# interface; prints the sender's MAC and the time it was seen. ETH_P_ALL:
# a socket of one EtherType sees nothing of a bridge port's input.
SNIFFER = r"""
import socket, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
s.bind((sys.argv[1], 0))
s.settimeout(float(sys.argv[2]))
while True:
    f, addr = s.recvfrom(2048)
    if addr[2] != socket.PACKET_OUTGOING and f[12:14] == b"\x80\x35":
        break
print(f[6:12].hex(":"), time.time(), flush=True)
"""


def sh(*cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True)


def ns(*cmd):
    return sh("ip", "netns", "exec", NS, *cmd)


def ns_popen(tmp, name, *cmd):
    out = open(os.path.join(tmp, name + ".out"), "w")
    return subprocess.Popen(["ip", "netns", "exec", NS] + list(cmd),
                            stdout=out, stderr=subprocess.STDOUT, text=True)


def stop(p):
    if p is not None and p.poll() is None:
        p.terminate()
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def read_out(tmp, name):
    with open(os.path.join(tmp, name + ".out")) as f:
        return f.read()


def ping_gap(text):
    """The longest time between two consecutive replies, in seconds, and
    the number of replies."""
    ts = [float(m) for m in re.findall(r"^\[(\d+\.\d+)\] \d+ bytes from",
                                       text, re.M)]
    gaps = [b - a for a, b in zip(ts, ts[1:])]
    return (max(gaps) if gaps else None), len(ts)


def ep_counters(switch, ep):
    return e2e.telemetry("mvte2e-mig" + switch, "/mvtap/endpoint," + ep)


class Setup:
    def __init__(self, exe, cache):
        self.sc = e2e.Scenario(exe)
        self.cache = cache
        self.guests = []
        self.procs = []
        self.qmps = []

    def switch(self, name, tap, ep):
        sw = e2e.Switch(self.sc.exe, self.sc.tmp,
            ["--lower", f"net_tap0,iface={tap}", "--max-sleep-us",
             "500", "--endpoint", f"name={ep},mac={MAC},mode=bridge,"
             f"socket={self.sc.sock(ep)},spoofchk=1"], "mig" + name)
        if os.environ.get("MVT_MIG_DEBUG"):
            sw.cmd.insert(sw.cmd.index("--"), "--log-level=lib.vhost.*:debug")
        self.sc.procs.append(sw)
        sw.start()
        sw.wait_log("forwarding")
        return sw

    def cleanup(self):
        for p in self.procs:
            stop(p)
        for q in self.qmps:
            q.close()
        for g in self.guests:
            g.stop()
        subprocess.run(["ip", "netns", "del", NS], stderr=subprocess.DEVNULL)
        self.sc.cleanup()


def make_netns():
    subprocess.run(["ip", "netns", "del", NS], stderr=subprocess.DEVNULL)
    sh("ip", "netns", "add", NS)
    ns("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1")
    ns("sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1")
    ns("ip", "link", "add", "br0", "type", "bridge")
    ns("ip", "link", "set", "br0", "up")
    ns("ip", "addr", "add", f"{NET}.100/24", "dev", "br0")


def bridge_port(tap):
    sh("ip", "link", "set", tap, "netns", NS)
    ns("ip", "link", "set", tap, "master", "br0")
    ns("ip", "link", "set", tap, "up")


def fdb_ports():
    """The bridge ports the guest's MAC is learned on."""
    fdb = ns("bridge", "fdb", "show", "br", "br0").stdout
    return re.findall(rf"^{MAC} dev (\S+) (?!.*permanent)", fdb, re.M)


def migrate(st, tag, src_ep, dst_ep, dst_tap, cancel_first=False):
    """Boot the guest on src_ep, migrate it to dst_ep (each a pair of
    switch name and endpoint name) under a stream and pings, and check
    what both sides must show. With cancel_first, a migration is started
    and cancelled first. Returns the measured figures."""
    tmp = st.sc.tmp
    kernel, initrd = guest_files(st.cache)
    sock = {ep: st.sc.sock(ep[1]) for ep in (src_ep, dst_ep)}
    common = dict(ip=f"{NET}.1/24", device="guest_announce=off")
    src = Guest(tag + "-src", tmp, kernel, initrd, sock[src_ep], MAC,
                qmp=os.path.join(tmp, tag + "-src.qmp"), **common)
    st.guests.append(src.start())
    src.wait_ready(180)
    e2e.check(subprocess.run(["ip", "netns", "exec", NS, "ping", "-c", "2",
                              "-W", "2", f"{NET}.1"],
                             stdout=subprocess.DEVNULL).returncode == 0,
              f"{tag}: the host reaches the guest on {src_ep}")

    def destination(name):
        path = os.path.join(tmp, name + "-mig.sock")
        g = Guest(name, tmp, kernel, initrd, sock[dst_ep], MAC,
                  qmp=os.path.join(tmp, name + ".qmp"),
                  incoming="unix:" + path, **common)
        st.guests.append(g.start())
        q = Qmp(g.qmp)
        st.qmps.append(q)
        e2e.check_eq(q.command("query-status")["status"], "inmigrate",
                     f"{name}: the destination QEMU waits for the guest")
        return g, q, path

    dst, qdst, mig_path = destination(tag + "-dst")
    qsrc = Qmp(src.qmp)
    st.qmps.append(qsrc)

    # the guest's receiver, detached from the console's command
    rc, out = src.run("setsid sh -c 'sleep 600 | nc -l -p %d | sha256sum "
                      "> /tmp/sum' </dev/null >/dev/null 2>&1 &" % PORT)
    e2e.check_eq(rc, 0, f"{tag}: receiver started in the guest: {out}")
    time.sleep(1)
    sniff = ns_popen(tmp, tag + "-sniff", "python3", "-c", SNIFFER,
                     dst_tap, "120")
    st.procs.append(sniff)
    pinger = ns_popen(tmp, tag + "-ping", "ping", "-D", "-i", "0.05", "-W",
                      "1", f"{NET}.1")
    st.procs.append(pinger)
    sender = ns_popen(tmp, tag + "-sender", "python3", "-c", SENDER,
                      str(STREAM_BYTES), str(STREAM_SECONDS), f"{NET}.1",
                      str(PORT))
    st.procs.append(sender)
    time.sleep(3)

    a0 = ep_counters(*src_ep)
    e2e.check_eq((a0["dirty_log"], a0["migrations_started"]), (0, 0),
                 f"{tag}: no dirty page logging before the migration")
    if cancel_first:
        # a migration slow enough to be cancelled: logging goes on and
        # off while the device runs, and the guest stays where it was
        qsrc.command("migrate-set-parameters", **{"max-bandwidth": 100000})
        qsrc.command("migrate", uri="unix:" + mig_path)
        e2e.wait_until(lambda: ep_counters(*src_ep)["dirty_log"] == 1, 30,
                       f"{tag}: dirty page logging on")
        qsrc.command("migrate_cancel")
        e2e.wait_until(lambda: qsrc.command("query-migrate").get("status")
                       == "cancelled", 30, f"{tag}: the migration cancelled")
        e2e.wait_until(lambda: ep_counters(*src_ep)["dirty_log"] == 0, 30,
                       f"{tag}: dirty page logging off")
        c = ep_counters(*src_ep)
        e2e.check_eq((c["state"], c["migrations_started"], c["connects"]),
                     ("up", 1, 1), f"{tag}: {src_ep[1]} forwards on, "
                     "its device never stopped")
        # the destination QEMU gives up with its migration: a new one
        dst.stop()
        dst, qdst, mig_path = destination(tag + "-dst2")
    qsrc.command("migrate-set-parameters", **{"max-bandwidth": 1 << 30})
    t_mig = time.time()
    qsrc.command("migrate", uri="unix:" + mig_path)
    deadline = time.monotonic() + 120
    while True:
        info = qsrc.command("query-migrate")
        status = info.get("status")
        if status == "completed":
            break
        e2e.check(status not in ("failed", "cancelled"),
                  f"{tag}: migration {status}: {info}")
        e2e.check(time.monotonic() < deadline,
                  f"{tag}: migration too slow: {info}")
        time.sleep(0.1)
    t_done = time.time()
    e2e.check_eq(qdst.command("query-status")["status"], "running",
                 f"{tag}: the guest runs on the destination")
    dst.adopt()
    # the source QEMU goes, as libvirt stops it after a migration
    src.stop()

    e2e.check_eq(sender.wait(STREAM_SECONDS + 60), 0,
                 f"{tag}: the sender finished")
    sent_sum = read_out(tmp, tag + "-sender").split()[0]
    e2e.wait_until(lambda: dst.run("cat /tmp/sum")[1].strip() != "", 30,
                   "the guest's checksum")
    got_sum = dst.run("cat /tmp/sum")[1].split()[0]
    e2e.check_eq(got_sum, sent_sum, f"{tag}: sha256 of the stream at the "
                 "guest")

    time.sleep(2)
    stop(pinger)
    gap, replies = ping_gap(read_out(tmp, tag + "-ping"))
    e2e.check(gap is not None and replies > 20, f"{tag}: pings answered")
    e2e.check(gap <= PING_GAP_MAX, f"{tag}: pings resumed within "
              f"{PING_GAP_MAX} s (gap {gap:.2f} s)")

    e2e.check_eq(sniff.wait(10), 0, f"{tag}: a RARP reached {dst_tap}")
    rarp = read_out(tmp, tag + "-sniff").split()
    e2e.check_eq(rarp[0], MAC, f"{tag}: the RARP announces the guest's MAC")
    e2e.check_eq(fdb_ports(), [dst_tap],
                 f"{tag}: the bridge has the guest on {dst_tap}")

    a1 = ep_counters(*src_ep)
    e2e.check_eq(a1["state"], "waiting",
                 f"{tag}: {src_ep[1]} waits for a guest")
    e2e.check_eq((a1["dirty_log"], a1["migrations_started"]),
                 (0, 1 + cancel_first), f"{tag}: the source frontend "
                 "logged dirty pages for each migration, and stopped")
    e2e.check_eq(a1["drops"], a1["drops_by_reason"]["not_ready"],
                 f"{tag}: what still came for the guest to {src_ep[1]} "
                 "is not_ready only (every drop: "
                 f"{ {k: v for k, v in a1['drops_by_reason'].items() if v} })")
    time.sleep(2)
    e2e.check(dst.ping(f"{NET}.100"),
              f"{tag}: the guest reaches the host from {dst_ep}")
    a2 = ep_counters(*src_ep)
    for k in ("rx_packets", "tx_packets", "drops"):
        e2e.check_eq(a2[k], a1[k], f"{tag}: {src_ep[1]} {k} stopped moving")
    b = ep_counters(*dst_ep)
    e2e.check(b["rx_packets"] > 0 and b["tx_packets"] > 0,
              f"{tag}: {dst_ep[1]} forwards")
    e2e.check_eq((b["drops_by_reason"]["spoof"],
                  b["drops_by_reason"]["link_local"]), (0, 0),
                 f"{tag}: spoofchk=1 on {dst_ep[1]} passes the RARP")
    fig = dict(migration=t_done - t_mig, gap=gap, replies=replies,
               rarp=float(rarp[1]) - t_mig, src_not_ready=a2["drops"],
               a=a2, b=b)
    print(f"{tag}: {fig['migration']:.2f} s from migrate to completed, "
          f"ping gap {gap:.2f} s ({replies} replies every 50 ms), RARP "
          f"on the wire {fig['rarp']:.2f} s after migrate, "
          f"{a2['drops']} frames not_ready on the source endpoint")
    return fig


def scenario(st):
    make_netns()
    # two switches, their lowers in one bridge
    swa = st.switch("a", "mvm0", "a")
    swb = st.switch("b", "mvm1", "b")
    bridge_port("mvm0")
    bridge_port("mvm1")
    migrate(st, "two", ("a", "a"), ("b", "b"), "mvm1", cancel_first=True)
    swa.wait_log("endpoint a: dirty page logging off")
    swa.stop()
    swb.stop()

    # one switch: the destination endpoint shares the MAC (standby=1),
    # added live as a migration hook would, and takes the MAC over when
    # the guest arrives
    swc = st.switch("c", "mvm2", "m1")
    bridge_port("mvm2")
    r = e2e.telemetry("mvte2e-migc", "/mvtap/add_endpoint,name=m2,"
                      f"mac={MAC},mode=bridge,socket={st.sc.sock('m2')},"
                      "spoofchk=1,standby=1")
    e2e.check_eq(r, {"result": "ok"}, "m2 added with m1's MAC")
    m2 = ep_counters("c", "m2")
    e2e.check_eq((m2["standby"], m2["owns_mac"]), (1, 0),
                 "m2 does not own the MAC before its guest comes")
    migrate(st, "one", ("c", "m1"), ("c", "m2"), "mvm2")
    m1 = ep_counters("c", "m1")
    m2 = ep_counters("c", "m2")
    e2e.check_eq((m1["owns_mac"], m2["owns_mac"]), (0, 1),
                 "the MAC went with the guest to m2")
    swc.wait_log("endpoint m2: guest connected, owns its MAC")
    swc.stop()


def main(argv):
    return run_guest_test(argv, "qemu migration", Setup, scenario,
                          (e2e.Failure, GuestError, subprocess.CalledProcessError,
                           OSError, subprocess.TimeoutExpired))


if __name__ == "__main__":
    sys.exit(main(sys.argv))

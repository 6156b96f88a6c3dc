#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-mvtap authors
"""Real guests: three QEMU (TCG) Linux guests on vhost-user endpoints of
dpdk-mvtap, pinging each other and a host, as users run them.

The guests own their sockets (QEMU server=on) and the switch connects to
them (client=1), so the switch can be restarted and reconfigured while
they run. The lower device is a net_tap whose kernel side is moved into a
network namespace made here, as a port of a Linux bridge that holds the
external host's address and whose hairpin_mode the test switches: the
adjacent switch of the VEPA story. Every address is on these test hosts
only (10.250.77.0/24 in the guests, the namespace and the host port).

usage: test_guests.py DPDK_MVTAP GUEST_CACHE_DIR
Exit status: 0 pass, 1 fail, 77 skipped (no QEMU to be had).
"""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))

import e2e_harness as e2e  # noqa: E402
from mvtguest import (Guest, GuestError, guest_files,  # noqa: E402
                      run_guest_test)

NET = "10.250.77"
NS = "mvq-ext"
LOWER_IF = "mvq0"
HOST_IF = "mvqh0"


def sh(*cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def ns(*cmd):
    sh("ip", "netns", "exec", NS, *cmd)


def ns_ping(ip):
    return subprocess.run(["ip", "netns", "exec", NS, "ping", "-c", "2",
                           "-W", "1", ip], stdout=subprocess.DEVNULL
                          ).returncode == 0


def forget_neighbours(*guests):
    for g in guests:
        g.run("ip neigh flush dev eth0")


class Setup:
    def __init__(self, exe, cache):
        self.exe = exe
        self.cache = cache
        self.sc = e2e.Scenario(exe)
        self.guests = []

    def switch(self, args, name, extra=("", "", "")):
        """The switch with the guests' endpoints, extra[i] appended to the
        SPEC of guest i + 1."""
        eps = []
        for i, mode in enumerate(("bridge", "bridge", "bridge"), 1):
            eps += ["--endpoint", f"name=g{i},mac={e2e.mac(i)},mode={mode},"
                    f"socket={self.sc.sock(f'g{i}')},client=1{extra[i - 1]}"]
        sw = self.sc.switch(args + eps, name)
        sw.wait_log("forwarding")
        return sw

    def set_mode(self, prefix, mode, *names):
        for n in names:
            e2e.check_eq(e2e.telemetry(prefix, f"/mvtap/set_mode,{n},{mode}"),
                         {"result": "ok"}, f"{n} to {mode}")

    def cleanup(self):
        for g in self.guests:
            g.stop()
        subprocess.run(["ip", "netns", "del", NS], stderr=subprocess.DEVNULL)
        self.sc.cleanup()


def scenario(st):
    kernel, initrd = guest_files(st.cache)
    # g1 and g2 are jumbo guests: QEMU tells their drivers MTU 9000
    for i in (1, 2, 3):
        g = Guest(f"g{i}", st.sc.tmp, kernel, initrd, st.sc.sock(f"g{i}"),
                  e2e.mac(i), f"{NET}.{i}/24", server=True,
                  device="host_mtu=9000" if i < 3 else "")
        st.guests.append(g.start())
    g1, g2, g3 = st.guests
    e2e.wait_until(lambda: all(os.path.exists(st.sc.sock(f"g{i}"))
                               for i in (1, 2, 3)), 30, "the guests' sockets")

    # phase 1: a hairpin-capable Linux bridge next to the switch
    prefix = "mvte2e-qemu1"
    sw = st.switch(["--lower", f"net_tap0,iface={LOWER_IF}",
                    "--host-port", f"net_tap1,iface={HOST_IF}",
                    "--host-bridge"], "qemu1")
    for g in st.guests:
        g.wait_ready(180)
    # MTU 9000 offered by the frontend, 1500 on this lower: the smaller
    sw.wait_log("endpoint g1: the frontend set MTU 9000, above the "
                "endpoint's 1500: longer frames are dropped")
    ep = e2e.telemetry(prefix, "/mvtap/endpoint,g1")
    e2e.check_eq((ep["frontend_mtu"], ep["mtu"]), (9000, 1500),
                 "g1's frontend MTU, and the one it is held to")
    subprocess.run(["ip", "netns", "del", NS], stderr=subprocess.DEVNULL)
    sh("ip", "netns", "add", NS)
    sh("ip", "link", "set", LOWER_IF, "netns", NS)
    ns("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1")
    ns("ip", "link", "add", "br0", "type", "bridge")
    ns("ip", "link", "set", LOWER_IF, "master", "br0")
    ns("ip", "link", "set", LOWER_IF, "up")
    ns("ip", "link", "set", "br0", "up")
    ns("ip", "addr", "add", f"{NET}.100/24", "dev", "br0")
    ns("bridge", "link", "set", "dev", LOWER_IF, "hairpin", "off")
    with open(f"/proc/sys/net/ipv6/conf/{HOST_IF}/disable_ipv6", "w") as f:
        f.write("1")
    sh("ip", "addr", "add", f"{NET}.200/24", "dev", HOST_IF)
    sh("ip", "link", "set", HOST_IF, "up")

    e2e.check(g1.ping(f"{NET}.2"), "bridge-mode guests reach each other")
    for i in (1, 2, 3):
        e2e.check(ns_ping(f"{NET}.{i}"),
                  f"the host in the namespace reaches guest {i}")
    rc = subprocess.run(["ping", "-c", "2", "-W", "1", "-I", HOST_IF,
                         f"{NET}.3"], stdout=subprocess.DEVNULL).returncode
    e2e.check_eq(rc, 0, "with --host-port and --host-bridge the root "
                 "namespace reaches a bridge-mode guest")

    st.set_mode(prefix, "vepa", "g1", "g2")
    forget_neighbours(g1, g2)
    e2e.check(not g1.ping(f"{NET}.2", count=2),
              "vepa guests do not reach each other, hairpin_mode 0")
    ns("bridge", "link", "set", "dev", LOWER_IF, "hairpin", "on")
    forget_neighbours(g1, g2)
    e2e.check(g1.ping(f"{NET}.2"),
              "vepa guests reach each other through a hairpin bridge")
    st.set_mode(prefix, "private", "g1", "g2")
    forget_neighbours(g1, g2)
    e2e.check(not g1.ping(f"{NET}.2", count=2),
              "private guests never exchange ARP, even with hairpin")
    e2e.check(ns_ping(f"{NET}.1"), "the host still reaches a private guest")
    sw.stop()

    # phase 2: the switch's own reflective relay, no external help
    prefix = "mvte2e-qemu2"
    sw = st.switch(["--lower", "net_null0,no-rx=1", "--hairpin"], "qemu2")
    e2e.wait_until(lambda: all(e2e.telemetry(prefix, f"/mvtap/endpoint,g{i}")
                               ["state"] == "up" for i in (1, 2)), 60,
                   "the guests to reconnect")
    st.set_mode(prefix, "vepa", "g1", "g2")
    forget_neighbours(g1, g2)
    e2e.check(g1.ping(f"{NET}.2"),
              "vepa guests reach each other with --hairpin, no hairpin "
              "bridge (and after a switch restart)")
    st.set_mode(prefix, "private", "g1", "g2")
    forget_neighbours(g1, g2)
    e2e.check(not g1.ping(f"{NET}.2", count=2),
              "private guests never exchange ARP with --hairpin")
    sw.stop()

    # phase 3: a lower at MTU 9000; g3's endpoint at 1500
    prefix = "mvte2e-qemu3"
    sw = st.switch(["--lower", "name=up,mtu=9000,dev=net_null1,no-rx=1"],
                   "qemu3", extra=("", "", ",mtu=1500"))
    e2e.wait_until(lambda: all(e2e.telemetry(prefix, f"/mvtap/endpoint,g{i}")
                               ["state"] == "up" for i in (1, 2, 3)), 60,
                   "the guests to reconnect")
    rc, out = g1.run("cat /sys/class/net/eth0/mtu")
    e2e.check_eq(out.strip().splitlines()[-1:], ["9000"],
                 "g1 came up at MTU 9000 (host_mtu=9000)")
    forget_neighbours(g1, g2, g3)
    before = e2e.telemetry(prefix, "/mvtap/endpoint,g2")["tx_bytes"]
    rc, out = g1.run(f"ping -c 3 -W 2 -s 8972 {NET}.2", timeout=60)
    e2e.check(" 0% packet loss" in out,
              f"9000-byte pings between jumbo guests: {out}")
    after = e2e.telemetry(prefix, "/mvtap/endpoint,g2")["tx_bytes"]
    e2e.check(after - before >= 3 * 9014,
              f"g2 was sent 3 frames of 9014 bytes ({after - before} bytes)")
    g1.run(f"ping -c 2 -W 2 -s 8972 {NET}.3", timeout=60)
    drops = e2e.telemetry(prefix, "/mvtap/endpoint,g3")["drops_by_reason"]
    e2e.check(drops.get("mtu_exceeded", 0) >= 2,
              f"g3 at mtu=1500 got none of them: {drops}")
    sw.stop()


def main(argv):
    return run_guest_test(argv, "qemu guests", Setup, scenario,
                          (e2e.Failure, GuestError, subprocess.CalledProcessError))


if __name__ == "__main__":
    sys.exit(main(sys.argv))

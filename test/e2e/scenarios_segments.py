# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-mvtap authors
"""Several lowers in one process: two net_tap lowers whose segments keep
their floods and MACs apart, and VLAN lowers 100 and 200 of one net_tap
device against kernel VLAN interfaces in network namespaces.

The scenarios of mvtap_e2e.py; their harness is e2e_harness.py.
"""

import os
import re
import select
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.request

from e2e_harness import (BROADCAST, EXT, USERTOOLS, Wire, burst_guest, check,
                         check_eq, mac, ready, run_switch_expect_error,
                         telemetry, wait_until, with_quiet_tap)
import mvtap_proc  # noqa: E402 (usertools/, on the path e2e_harness set)


def exporter_series(prefix):
    """The exporter's series of the switch of prefix, one scrape."""
    ex = subprocess.Popen([sys.executable,
                           os.path.join(USERTOOLS, "mvtap-exporter"), "-f",
                           prefix, "--listen", "127.0.0.1:0"],
                          stdout=subprocess.PIPE, text=True)
    try:
        url = re.search(r"serving (http://\S+)", ex.stdout.readline()).group(1)
        text = urllib.request.urlopen(url, timeout=10).read().decode()
    finally:
        mvtap_proc.kill_popen(ex)
    return dict(re.findall(r"^(mvtap_\S+) (\S+)$", text, re.M))


@with_quiet_tap
def s_two_lowers(sc):
    """Lowers l0 (a bridge, b vepa) and l1 (c bridge, d private with a's
    MAC): broadcasts from each wire reach their own segment only, exact
    counts; a unicast to the MAC both segments have goes by the wire it
    came from; a bridge endpoint's broadcast leaves by its own lower."""
    ifs = ("mvseg0", "mvseg1")
    sw = sc.switch(["--lower", f"name=l0,dev=net_tap0,iface={ifs[0]}",
                    "--lower", f"name=l1,dev=net_tap1,iface={ifs[1]}"] +
                   sc.endpoint("a", 0xa, "bridge", ",lower=l0") +
                   sc.endpoint("b", 0xb, "vepa", ",lower=l0") +
                   sc.endpoint("c", 0xc, "bridge", ",lower=l1") +
                   sc.endpoint("d", 0xa, "private", ",lower=l1"), "seg2")
    sw.wait_log("forwarding: 2 lowers, 4 endpoints")
    for i in ifs:
        subprocess.run(["ip", "link", "set", i, "up"], check=True)
    ga, gb = sc.guest("a", 0xa), sc.guest("b", 0xb)
    gc, gd = sc.guest("c", 0xc), sc.guest("d", 0xa)
    ready(sw, ga, gb, gc, gd)
    w0, w1 = Wire(ifs[0]), Wire(ifs[1])
    w0.send(BROADCAST, EXT, 7)
    w1.send(BROADCAST, EXT, 5)
    w1.send(mac(0xa), EXT, 3)
    w0.send(mac(0xb), EXT, 2)
    sw.wait_rx("lower:l0", 9)
    sw.wait_rx("lower:l1", 8)
    check_eq(ga.stop(), (7, 0), "a: l0's broadcast")
    check_eq(gb.stop(), (9, 0), "b: l0's broadcast and its unicast")
    check_eq(gc.stop(), (5, 0), "c: l1's broadcast")
    check_eq(gd.stop(), (8, 0), "d: l1's broadcast and the shared MAC's")
    lowers = telemetry("mvte2e-seg2", "/mvtap/lowers")
    check_eq((lowers["l0"]["rx_packets"], lowers["l1"]["rx_packets"]),
             (9, 8), "/mvtap/lowers: per lower")
    check_eq(lowers["l1"]["endpoints"], 2, "/mvtap/lowers: l1's endpoints")
    one = telemetry("mvte2e-seg2", "/mvtap/lower,l1")
    check_eq((one["name"], one["rx_packets"]), ("l1", 8), "/mvtap/lower,l1")
    series = exporter_series("mvte2e-seg2")
    check_eq((series.get('mvtap_lower_rx_packets_total{lower="l0"}'),
              series.get('mvtap_lower_rx_packets_total{lower="l1"}')),
             ("9", "8"), "exporter: per lower")
    # c's broadcast: l1's wire, not l0's, and no other bridge endpoint
    w0.received()
    w1.received()
    gc = burst_guest(sc, sw, "c", 0xc, BROADCAST, 10)
    time.sleep(0.5)
    check_eq(w1.received(BROADCAST), 10, "l1's wire: c's broadcast")
    check_eq(w0.received(BROADCAST), 0, "l0's wire: nothing of c's")
    gc.stop()
    # live: an endpoint added to l0 with c's MAC, which only l1 had
    check_eq(telemetry("mvte2e-seg2", "/mvtap/add_endpoint,name=e,"
                       f"mac={mac(0xc)},mode=vepa,lower=l0,"
                       f"socket={sc.sock('e')}"),
             {"result": "ok"}, "a MAC of l1 added to l0")
    check_eq(telemetry("mvte2e-seg2", "/mvtap/endpoint,e")["lower"], "l0",
             "e is l0's")
    check_eq(telemetry("mvte2e-seg2", "/mvtap/del_endpoint,e"),
             {"result": "ok"}, "and removed")
    p = sw.stop()
    check_eq(p["a"]["multicast"] + p["b"]["multicast"], 14,
             "floods of l0 counted on l0's endpoints")
    check_eq(p["c"]["multicast"] + p["d"]["multicast"], 10,
             "floods of l1 counted on l1's endpoints")
    check_eq(p["lower:l1"]["tx_packets"], 10, "l1: c's broadcast sent")
    check_eq(p["lower:l0"]["tx_packets"], 0, "l0: nothing sent")
    w0.close()
    w1.close()


SOL_PACKET = 263
PACKET_AUXDATA = 8
PACKET_OUTGOING = 4
TP_STATUS_VLAN_VALID = 0x10


def kernel_has_vlan():
    """Whether this kernel makes 802.1Q interfaces (8021q)."""
    r = subprocess.run(["ip", "link", "add", "link", "lo", "name",
                        "mvvl-probe", "type", "vlan", "id", "9"],
                       stderr=subprocess.DEVNULL)
    subprocess.run(["ip", "link", "del", "mvvl-probe"],
                   stderr=subprocess.DEVNULL)
    return r.returncode == 0


class VlanRelay:
    """What ip link add link DEV name DEV.VID type vlan does, in user
    space, for a kernel without 8021q: frames from each veth (whose peer
    is the namespace's DEV.VID) go out DEV with tag VID, frames DEV
    receives with tag VID go to that veth untagged. The kernel hands a
    received tag aside (PACKET_AUXDATA), as to tcpdump."""

    def __init__(self, dev, vids):
        self.dev = self.sock(dev, True)
        self.vlan = {vid: self.sock(ifn) for vid, ifn in vids.items()}
        self.stop = False
        self.t = threading.Thread(target=self.run, daemon=True)
        self.t.start()

    @staticmethod
    def sock(ifname, aux=False):
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                          socket.htons(0x0003))
        if aux:
            s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
        s.bind((ifname, 0))
        return s

    def from_dev(self):
        data, anc, _, addr = self.dev.recvmsg(65535, 64)
        if addr[2] == PACKET_OUTGOING:
            return
        tci = None
        for level, kind, val in anc:
            if level == SOL_PACKET and kind == PACKET_AUXDATA:
                st, _, _, _, _, vtci, _ = struct.unpack("IIIHHHH", val[:20])
                if st & TP_STATUS_VLAN_VALID:
                    tci = vtci
        if tci is None and data[12:14] == b"\x81\x00":
            tci = struct.unpack("!H", data[14:16])[0]
            data = data[:12] + data[16:]
        if tci is not None and (tci & 0xfff) in self.vlan:
            self.vlan[tci & 0xfff].send(data)

    def run(self):
        socks = [self.dev] + list(self.vlan.values())
        while not self.stop:
            ready, _, _ = select.select(socks, [], [], 0.2)
            for s in ready:
                if s is self.dev:
                    self.from_dev()
                    continue
                data, addr = s.recvfrom(65535)
                if addr[2] == PACKET_OUTGOING:
                    continue
                vid = [v for v, x in self.vlan.items() if x is s][0]
                self.dev.send(data[:12] + struct.pack("!HH", 0x8100, vid) +
                              data[12:])

    def close(self):
        self.stop = True
        self.t.join()
        for s in [self.dev] + list(self.vlan.values()):
            s.close()


def ns(name, *cmd, **kw):
    return subprocess.run(["ip", "netns", "exec", name] + list(cmd), **kw)


def ping(name, ip):
    return ns(name, "ping", "-c", "2", "-W", "1", ip,
              stdout=subprocess.DEVNULL).returncode == 0


@with_quiet_tap
def s_vlan_lowers(sc):
    """VLAN lowers 100 and 200 of one net_tap device, each with a tap
    endpoint in a namespace; the kernel side has mvvl0.100 and mvvl0.200,
    each in a namespace of its own, all in one subnet. Pings within a VLAN
    pass, across fail; tcpdump -e on the device sees the tags; untagged
    frames, with no plain lower on the device, are dropped as no_lower."""
    dev = "mvvl0"
    nss = ["mvvl-k100", "mvvl-k200", "mvvl-e100", "mvvl-e200"]
    tcpdump = relay = None
    try:
        for n in nss:
            subprocess.run(["ip", "netns", "del", n],
                           stderr=subprocess.DEVNULL)
            subprocess.run(["ip", "netns", "add", n], check=True)
            for k in ("all", "default"):
                ns(n, "sysctl", "-qw",
                   f"net.ipv6.conf.{k}.disable_ipv6=1", check=True)
        sw = sc.switch(
            ["--lower", f"name=v100,vlan=100,dev=net_tap0,iface={dev}",
             "--lower", f"name=v200,vlan=200,dev=net_tap0,iface={dev}",
             "--endpoint", f"name=e100,type=tap,ifname=mvve100,"
             f"mac={mac(0x64)},lower=v100,netns={nss[2]}",
             "--endpoint", f"name=e200,type=tap,ifname=mvve200,"
             f"mac={mac(0xc8)},lower=v200,netns={nss[3]}"], "vlan")
        sw.wait_log("forwarding: 2 lowers")
        subprocess.run(["ip", "link", "set", dev, "up"], check=True)
        native = kernel_has_vlan()
        for vid, n in ((100, nss[0]), (200, nss[1])):
            sub = f"{dev}.{vid}"
            if native:
                subprocess.run(["ip", "link", "add", "link", dev, "name",
                                sub, "type", "vlan", "id", str(vid)],
                               check=True)
            else:
                subprocess.run(["ip", "link", "add", f"mvvl-r{vid}", "type",
                                "veth", "peer", "name", sub], check=True)
                subprocess.run(["ip", "link", "set", f"mvvl-r{vid}", "up"],
                               check=True)
            subprocess.run(["ip", "link", "set", sub, "netns", n],
                           check=True)
            subprocess.run(["ip", "-n", n, "addr", "add",
                            f"10.251.7.{vid // 100}/24", "dev", sub],
                           check=True)
            subprocess.run(["ip", "-n", n, "link", "set", sub, "up"],
                           check=True)
        for i, (n, ifn) in enumerate(((nss[2], "mvve100"),
                                      (nss[3], "mvve200")), 11):
            subprocess.run(["ip", "-n", n, "addr", "add", f"10.251.7.{i}/24",
                            "dev", ifn], check=True)
        if not native:
            relay = VlanRelay(dev, {100: "mvvl-r100", 200: "mvvl-r200"})
        tcpdump = subprocess.Popen(
            ["tcpdump", "-l", "-e", "-nn", "-i", dev, "-c", "16", "icmp"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        time.sleep(1)
        check(ping(nss[0], "10.251.7.11"), "VLAN 100 reaches e100")
        check(ping(nss[1], "10.251.7.12"), "VLAN 200 reaches e200")
        check(ping(nss[2], "10.251.7.1"), "e100 reaches VLAN 100")
        check(not ping(nss[0], "10.251.7.12"), "VLAN 100 does not reach e200")
        check(not ping(nss[1], "10.251.7.11"), "VLAN 200 does not reach e100")
        check(not ping(nss[2], "10.251.7.2"), "e100 does not reach VLAN 200")
        time.sleep(0.5)
        tcpdump.terminate()
        seen = tcpdump.communicate(timeout=10)[0]
        tcpdump = None
        check("vlan 100" in seen and "vlan 200" in seen,
              f"the device carries both tags:\n{seen}")
        for line in seen.splitlines():
            if mac(0x64) in line.split(">")[0]:
                check("vlan 100" in line, f"e100's frames tagged 100: {line}")
            if mac(0xc8) in line.split(">")[0]:
                check("vlan 200" in line, f"e200's frames tagged 200: {line}")
        if relay is not None:
            relay.close()
            relay = None
        wire = Wire(dev)
        wire.send(mac(0x64), EXT, 5)
        sw.wait_rx("lower:v100", 5)
        p = sw.stop()
        wire.close()
        check_eq(p["lower:v100"].get("no_lower", 0), 5,
                 "untagged frames: no plain lower, dropped as no_lower")
        check(p["lower:v100"]["tx_packets"] > 0 and
              p["lower:v200"]["tx_packets"] > 0, "both lowers sent")
    finally:
        if tcpdump is not None:
            tcpdump.kill()
        if relay is not None:
            relay.close()
        for vid in (100, 200):
            subprocess.run(["ip", "link", "del", f"mvvl-r{vid}"],
                           stderr=subprocess.DEVNULL)
        for n in nss:
            subprocess.run(["ip", "netns", "del", n],
                           stderr=subprocess.DEVNULL)


# testpmd as a jumbo-frame guest: frames of up to 9100 bytes in one mbuf
JUMBO_GUEST = ["--max-pkt-len=9100", "--mbuf-size=10240"]
JUMBO = 9014          # an MTU 9000 frame without a tag


@with_quiet_tap
def s_jumbo(sc):
    """A net_tap lower cannot have MTU 9000 (DPDK 22.11's net_tap takes
    1504 at most): the switch says so. A lower at MTU 9000 (a net_vhost
    device, whose wire is a testpmd guest) with a tap endpoint, which gets
    1500: 9014-byte
    frames cross guest to guest, guest to wire and wire to guest with
    exact counts; endpoint c at mtu=1500 gets none of them (mtu_exceeded,
    counted on c), and a frame beyond the lower's frames is oversize where
    it came in."""
    run_switch_expect_error(
        sc, ["--lower", "name=t,mtu=9000,dev=net_tap0,iface=mvjt0"],
        "--lower net_tap0: mtu=9000: the device takes 46..1504", "jumbo_tap")
    wire_sock = sc.sock("wire")
    sw = sc.switch(["--lower", f"name=up,mtu=9000,dev=net_vhost0,"
                    f"iface={wire_sock}"] +
                   sc.endpoint("a", 0xa, "bridge") +
                   sc.endpoint("b", 0xb, "bridge") +
                   sc.endpoint("c", 0xc, "bridge", ",mtu=1500") +
                   ["--endpoint", f"name=d,type=tap,ifname=mvjd0,"
                    f"mac={mac(0xd)},mode=bridge"], "jumbo")
    sw.wait_log("forwarding")
    up = telemetry("mvte2e-jumbo", "/mvtap/lower,up")
    check_eq((up["mtu"], up["device_mtu"]), (9000, 9000), "the lower's MTU")
    check_eq([telemetry("mvte2e-jumbo", f"/mvtap/endpoint,{n}")["mtu"]
              for n in "abcd"], [9000, 9000, 1500, 1500], "endpoint MTUs "
             "(a tap at what net_tap takes)")
    with open("/sys/class/net/mvjd0/mtu") as f:
        check_eq(f.read().strip(), "1500", "the tap interface's MTU")
    gb = sc.guest("b", 0xb, extra=JUMBO_GUEST)
    gc = sc.guest("c", 0xc, extra=JUMBO_GUEST)
    wire = sc.guest("wire", 0x55, sock=wire_sock, ep="lower",
                    extra=JUMBO_GUEST)
    ready(sw, gb, gc)
    wait_until(lambda: "Port statistics" in wire.output(), 60,
               "the wire's guest to start forwarding")
    sent = 0
    for peer, n, size in ((mac(0xb), 10, JUMBO), (BROADCAST, 4, JUMBO),
                          (mac(0xc), 5, JUMBO), (EXT, 3, JUMBO),
                          (mac(0xb), 2, 9000 + 18 + 1)):
        sent += n
        ga = burst_guest(sc, sw, "a", 0xa, peer, n, rx=sent,
                         extra=JUMBO_GUEST + [f"--txpkts={size}"])
        check_eq(ga.stop()[1], n, f"a sent {n} frames of {size} bytes")
    check_eq(gb.stop(), (14, 0), "b: a's unicast and broadcast jumbos")
    check_eq(gc.stop(), (0, 0), "c: nothing above its MTU")
    check_eq(wire.stop()[0], 7, "the wire: a's broadcast and unicast")
    # the wire to a
    ga = sc.guest("a", 0xa, extra=JUMBO_GUEST)
    ready(sw, ga)
    wire = sc.guest("wire", 0x55, peer=mac(0xa), burst=6, sock=wire_sock,
                    ep="lower", extra=JUMBO_GUEST + [f"--txpkts={JUMBO}"])
    sw.wait_rx("lower", 6)
    check_eq(wire.stop()[1], 6, "the wire sent 6")
    check_eq(ga.stop()[0], 6, "a: the wire's jumbos")
    p = sw.stop()
    check_eq((p["a"]["rx_packets"], p["a"]["oversize"]), (24, 2),
             "a: what it sent, 2 beyond its MTU")
    check_eq((p["b"]["tx_packets"], p["c"]["tx_packets"],
              p["c"]["mtu_exceeded"]), (14, 0, 9),
             "b got 14; c none, 9 above its MTU")
    check_eq((p["lower"]["tx_packets"], p["lower"]["rx_packets"]), (7, 6),
             "the lower: 7 sent, 6 received")

# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-mvtap authors
"""Forwarding by mode: bridge, VEPA (with a hairpin lower), private and strict
private groups, broadcast and multicast flooding and their queue, and the
unicast filter of the lower device.

The scenarios of mvtap_e2e.py; their harness is e2e_harness.py.
"""

import subprocess

from e2e_harness import (BROADCAST, EXT, Wire, burst_guest, check, check_eq,
                         mac, ready, send_bursts, tap_switch, telemetry,
                         with_quiet_tap)


def s_bridge_unicast(sc):
    """bridge -> bridge unicast is delivered locally, never to the wire."""
    sw = sc.switch(["--lower", "net_null0,no-rx=1"] +
                   sc.endpoint("a", 0xa, "bridge") +
                   sc.endpoint("b", 0xb, "bridge"))
    sw.wait_log("forwarding")
    gb = sc.guest("b", 0xb)
    ready(sw, gb)
    ga = burst_guest(sc, sw, "a", 0xa, mac(0xb), 64)
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
        ga = burst_guest(sc, sw, "a", 0xa, mac(0xb), 64)
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
    ga = burst_guest(sc, sw, "a", 0xa, BROADCAST, 32)
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
    ga = burst_guest(sc, sw, "a", 0xa, BROADCAST, 16)
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
    gc = burst_guest(sc, sw, "c", 0xc, BROADCAST, 16)
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
    ga = burst_guest(sc, sw, "a", 0xa, mac(0xb), 64)
    check_eq(ga.stop(), (0, 64), "a (rx, tx)")
    ga = burst_guest(sc, sw, "a2", 0xa, BROADCAST, 16, rx=80,
                     sock=sc.sock("a"), ep="a")
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
    gp = burst_guest(sc, sw, "p2", 0xc, mac(0xb), 6, sock=sc.sock("p"), ep="p")
    check_eq(gp.stop(), (0, 6), "p sent 6 to b")
    check_eq(gb.stop(), (5, 0), "b: a's unicast only, none of p's")
    p = sw.stop()
    check_eq(p["a"].get("private", 0), 8, "a: to private p, dropped")
    check_eq(p["p"].get("private", 0), 6, "p: to vepa b, dropped")
    check_eq(p["lower"]["tx_packets"], 0, "nothing on the wire")


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
    ga = burst_guest(sc, sw, "a", 0xa, lower_mac, 6)
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


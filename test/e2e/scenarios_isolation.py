# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-mvtap authors
"""What one party cannot do to the others: bad input and busy MACs refused,
socket permissions, misbehaving and extra frontends, connection floods,
reconnecting clients and frames a guest must not send.

The scenarios of mvtap_e2e.py; their harness is e2e_harness.py.
"""

import os
import re
import socket
import struct
import time

from e2e_harness import (Guest, bridge_switch, burst_guest, check, check_eq,
                         fds_baseline, fds_settled, mac, ready,
                         run_switch_expect_error, telemetry, txonly_guest,
                         wait_until, with_quiet_tap)


def s_client_reconnect(sc):
    """client=1: guests own the sockets (QEMU server=on); a switch
    restart reconnects and traffic flows again, guests untouched."""
    eps = (sc.endpoint("a", 0xa, "bridge", ",client=1") +
           sc.endpoint("b", 0xb, "bridge", ",client=1"))
    gb = sc.guest("b", 0xb, server=True)
    wait_until(lambda: os.path.exists(sc.sock("b")), 20, "b's socket")
    sw = sc.switch(["--lower", "net_null0,no-rx=1"] + eps, "sw1")
    ready(sw, gb)
    ga = burst_guest(sc, sw, "a", 0xa, mac(0xb), 32, server=True)
    check_eq(ga.stop(), (0, 32), "first sender")
    p = sw.stop()
    check_eq(p["b"]["tx_packets"], 32, "before the restart")

    sw = sc.switch(["--lower", "net_null0,no-rx=1"] + eps, "sw2")
    ready(sw, gb)
    ga = burst_guest(sc, sw, "a2", 0xa, mac(0xb), 48, server=True,
                     sock=sc.sock("a"), ep="a")
    check_eq(ga.stop(), (0, 48), "second sender")
    check_eq(gb.stop(), (80, 0), "b saw both rounds through one connection")
    p = sw.stop()
    check_eq(p["b"]["tx_packets"], 48, "after the restart")


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
    gb = burst_guest(sc, sw, "b", 0xb, mac(0xa), 32)
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
    ga = burst_guest(sc, sw, "a", 0xa, mac(0xb), 32)
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


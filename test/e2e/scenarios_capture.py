# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-mvtap authors

"""Capture: pcapng of what a port receives and sends, read back by a
reader written here and by tcpdump, while forwarding stays as it was."""

import os
import shutil
import struct
import subprocess
import sys
import time

from e2e_harness import (EXT, USERTOOLS, Failure, Process, Skip, Switch,
                         Wire, bridge_switch, burst_guest, check, check_eq,
                         ctl, mac, ready, telemetry,
                         wait_until, with_quiet_tap)


def read_pcapng(path):
    """[(interface name, direction 1 in / 2 out, original length, bytes)]
    of a pcapng file, and the statistics block's (received, dropped)."""
    data = open(path, "rb").read()
    check(data[:4] == b"\x0a\x0d\x0d\x0a", f"{path}: not pcapng")
    off, names, pkts, isb = 0, [], [], None
    while off < len(data):
        btype, blen = struct.unpack_from("<II", data, off)
        body = data[off + 8:off + blen - 4]
        if btype == 1:
            names.append(None)
            o = 8
            while o + 4 <= len(body):
                code, olen = struct.unpack_from("<HH", body, o)
                if code == 0:
                    break
                if code == 2:
                    names[-1] = body[o + 4:o + 4 + olen].decode()
                o += 4 + (olen + 3) // 4 * 4
        elif btype == 6:
            ifid, _, _, caplen, orig = struct.unpack_from("<IIIII", body)
            frame = body[20:20 + caplen]
            o, flags = 20 + (caplen + 3) // 4 * 4, 0
            while o + 4 <= len(body):
                code, olen = struct.unpack_from("<HH", body, o)
                if code == 0:
                    break
                if code == 2:
                    flags = struct.unpack_from("<I", body, o + 4)[0]
                o += 4 + (olen + 3) // 4 * 4
            pkts.append((names[ifid], flags & 3, orig, frame))
        elif btype == 5:
            o, recv, drop = 12, None, None
            while o + 4 <= len(body):
                code, olen = struct.unpack_from("<HH", body, o)
                if code == 0:
                    break
                if code in (4, 5):
                    v = struct.unpack_from("<Q", body, o + 4)[0]
                    recv, drop = (v, drop) if code == 4 else (recv, v)
                o += 4 + (olen + 3) // 4 * 4
            isb = (recv, drop)
        off += blen
    return pkts, isb


def macb(m):
    return bytes(int(x, 16) for x in m.split(":"))


def ip_checksum_ok(hdr):
    s = sum(struct.unpack("!10H", hdr[:20]))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s == 0xffff


def check_txonly_frame(f, dst, src, what):
    """A frame testpmd's tx engine built: the MACs, IPv4/UDP 9 -> 9, a
    valid IP header checksum, 64 bytes."""
    check_eq(len(f), 64, f"{what}: length")
    check_eq((f[:6], f[6:12], f[12:14]), (macb(dst), macb(src), b"\x08\x00"),
             f"{what}: Ethernet header")
    check_eq((f[14] >> 4, f[23]), (4, 17), f"{what}: IPv4, UDP")
    check(ip_checksum_ok(f[14:34]), f"{what}: IP header checksum")
    check_eq(struct.unpack("!HH", f[34:38]), (9, 9), f"{what}: UDP ports")


def tcpdump_count(path, *filt):
    r = subprocess.run(["tcpdump", "-n", "-r", path] + list(filt),
                       capture_output=True, text=True, timeout=30)
    check(r.returncode == 0, f"tcpdump -r {path}: {r.stderr.strip()}")
    return len([l for l in r.stdout.splitlines() if l.strip()])


def start_ctl_capture(sc, prefix, *args):
    """mvtap-ctl capture in the background; returned once the switch
    lists the capture."""
    p = subprocess.Popen([sys.executable, os.path.join(USERTOOLS, "mvtap-ctl"),
                          "-f", prefix, "capture"] + list(args),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    name = args[0]
    wait_until(lambda: name in (telemetry(prefix, "/mvtap/captures") or {})
               or p.poll() is not None, 20, f"the capture of {name}")
    if p.poll() is not None:
        raise Failure(f"mvtap-ctl capture {' '.join(args)}: exited "
                      f"{p.returncode}: {p.communicate()[1].strip()}")
    return p


def s_capture(sc):
    if shutil.which("tcpdump") is None:
        raise Skip("needs tcpdump")
    sw = bridge_switch(sc, "capture", ("a", 1), ("b", 2))
    prefix = "mvte2e-capture"
    fa = os.path.join(sc.tmp, "a.pcapng")
    fb = os.path.join(sc.tmp, "b.pcapng")
    fu = os.path.join(sc.tmp, "a-udp.pcapng")
    # what a's guest sends, counted; what b's guest gets, until stopped
    pa = start_ctl_capture(sc, prefix, "a", "-w", fa, "-c", "64",
                           "--dir", "in")
    pb = start_ctl_capture(sc, prefix, "b", "-w", fb, "--dir", "out")
    gb = sc.guest("b", 2)
    ready(sw, gb)
    ga = burst_guest(sc, sw, "a", 1, mac(2), 64)
    out, err = pa.communicate(timeout=30)
    check_eq(pa.returncode, 0, f"mvtap-ctl capture a: {err.strip()}")
    check_eq(err.splitlines()[:3], [
        "64 packets captured", "64 packets received by filter",
        "0 packets dropped by the switch (ring full 0, no mbuf 0)"],
        "mvtap-ctl's summary")
    sw.wait_rx("a", 64)
    wait_until(lambda: telemetry(prefix, "/mvtap/captures")["b"]["written"]
               == 64, 20, "b's capture to have 64 frames")
    pb.send_signal(2)
    out, err = pb.communicate(timeout=30)
    check_eq(pb.returncode, 0, f"mvtap-ctl capture b: {err.strip()}")
    check(err.startswith("64 packets captured\n"), f"b's summary: {err!r}")
    check_eq(ga.stop(), (0, 64), "a sent 64")
    check_eq(gb.stop(), (64, 0), "b received 64, capture or not")

    pkts_a, isb_a = read_pcapng(fa)
    pkts_b, isb_b = read_pcapng(fb)
    check_eq(len(pkts_a), 64, "frames in a's capture")
    check_eq(len(pkts_b), 64, "frames in b's capture")
    for i, (ifn, d, orig, f) in enumerate(pkts_a):
        check_eq((ifn, d, orig), ("a", 1, 64), f"a's frame {i}")
        check_txonly_frame(f, mac(2), mac(1), f"a's frame {i}")
    for i, (ifn, d, orig, f) in enumerate(pkts_b):
        check_eq((ifn, d), ("b", 2), f"b's frame {i}")
        check_eq(f, pkts_a[i][3], f"b's frame {i} is a's frame {i}")
    check_eq(isb_a[1], 0, "a: nothing dropped")
    check_eq(tcpdump_count(fa), 64, "tcpdump -r a.pcapng")
    check_eq(tcpdump_count(fa, "udp port 9"), 64, "udp port 9")
    check_eq(tcpdump_count(fa, "udp port 10"), 0, "udp port 10")

    # a filter in the switch: only frames to b's MAC from a second burst
    pu = start_ctl_capture(sc, prefix, "a", "-w", fu, "-c", "10",
                           "ether", "dst", mac(2), "and", "udp")
    gb = sc.guest("b", 2)
    ready(sw, gb)
    ga = burst_guest(sc, sw, "a", 1, mac(3), 20, rx=64 + 20)
    ga.stop()
    ga = burst_guest(sc, sw, "a", 1, mac(2), 10, rx=64 + 30)
    out, err = pu.communicate(timeout=30)
    check_eq(pu.returncode, 0, f"filtered capture: {err.strip()}")
    check_eq(err.splitlines()[:2], ["10 packets captured",
                                    "10 packets received by filter"],
             "filtered summary")
    pkts, _ = read_pcapng(fu)
    check_eq(len(pkts), 10, "filtered frames")
    check(all(f[:6] == macb(mac(2)) for _, _, _, f in pkts),
          "only frames to b")
    ga.stop()
    gb.stop()

    # errors are one line each
    code, out, err = ctl(prefix, "capture", "nosuch", "-w", fu)
    check_eq((code, err.strip()), (1, "mvtap-ctl: capture: no port named "
             "nosuch (an endpoint, lower or host)"), "unknown port")
    code, out, err = ctl(prefix, "capture", "a", "-w", fu, "udp", "prot", "9")
    check(code == 1 and err.startswith("mvtap-ctl: capture filter: "),
          f"bad filter: {err!r}")
    check_eq(telemetry(prefix, "/mvtap/captures"), {}, "no capture left")
    sw.stop()


def s_mirror(sc):
    """A mirror of what a guest sends, to a tap endpoint in a namespace
    where tcpdump reads it; forwarding and the ports' counters stay as
    without it."""
    if shutil.which("tcpdump") is None:
        raise Skip("needs tcpdump")
    ns = "mvte2e-ids"
    subprocess.run(["ip", "netns", "del", ns], stderr=subprocess.DEVNULL)
    subprocess.run(["ip", "netns", "add", ns], check=True)
    tcpdump = None
    try:
        for k in ("all", "default"):
            subprocess.run(["ip", "netns", "exec", ns, "sysctl", "-qw",
                            f"net.ipv6.conf.{k}.disable_ipv6=1"], check=True)
        prefix = "mvte2e-mirror"
        sw = sc.switch(["--lower", "net_null0,no-rx=1"] +
                       sc.endpoint("a", 1, "bridge") +
                       sc.endpoint("b", 2, "bridge") +
                       ["--endpoint", f"name=ids,type=tap,ifname=mvtids,"
                        f"mac={mac(0x1d)},mode=bridge,netns={ns}",
                        "--mirror", "name=m1,src=a,dst=ids,dir=in"],
                       "mirror")
        sw.wait_log("forwarding")
        # what a sends (m1, from the start) and what b gets (m2, live)
        code, out, err = ctl(prefix, "add-mirror",
                             "name=m2,src=b,dst=ids,dir=out")
        check_eq((code, err), (0, ""), "add-mirror")
        pcap = os.path.join(sc.tmp, "ids.pcap")
        tcpdump = subprocess.Popen(
            ["ip", "netns", "exec", ns, "tcpdump", "-i", "mvtids", "-n",
             "-U", "-c", "128", "-w", pcap, "ether", "src", mac(1)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        # tcpdump says it listens once its socket is bound
        line = tcpdump.stderr.readline()
        check("listening on mvtids" in line, f"tcpdump: {line!r}")
        gb = sc.guest("b", 2)
        ready(sw, gb)
        ga = burst_guest(sc, sw, "a", 1, mac(2), 64)
        tcpdump.wait(30)
        check_eq(tcpdump.returncode, 0, "tcpdump got its 128 frames")
        tcpdump = None
        check_eq(ga.stop(), (0, 64), "a sent 64")
        check_eq(gb.stop(), (64, 0), "b received 64, mirror or not")
        check_eq(tcpdump_count(pcap, "udp", "port", "9", "and", "ether",
                               "dst", mac(2)), 128,
                 "the namespace saw a's 64 frames to b twice: as a sent "
                 "them and as b got them")
        ids = telemetry(prefix, "/mvtap/endpoint,ids")
        check_eq(ids["tx_packets"], 0, "mirror copies are not ids's traffic")
        check_eq(telemetry(prefix, "/mvtap/endpoint,a")["rx_packets"], 64,
                 "a's counters")
        check_eq(telemetry(prefix, "/mvtap/endpoint,b")["tx_packets"], 64,
                 "b's counters")
        mirrors = telemetry(prefix, "/mvtap/mirrors")
        for name, src, d in (("m1", "a", "in"), ("m2", "b", "out")):
            m = mirrors[name]
            check_eq((m["src"], m["dst"], m["dir"], m["tx_packets"],
                      sum(m["drops"].values())), ([src], "ids", d, 64, 0),
                     f"{name}'s counters")
        for spec, msg in (
                ("name=m3,src=ids,dst=lower", "mirror m3: ids is the "
                 "destination of mirror m1"),
                ("name=m3,src=lower,dst=a", "mirror m3: a is a source of a "
                 "mirror, so it cannot be a destination"),
                ("name=m3,src=a,dst=lower", "mirror m3: a is already a "
                 "source of a mirror"),
                ("name=m3,src=lower,dst=lower", "mirror m3: lower is both a "
                 "source and the destination"),
                ("name=m1,src=lower,dst=ids", "mirror m1: exists"),
                ("name=m3,src=lower,dst=nosuch", "mirror m3: no port named "
                 "nosuch"),
                ("name=m3,src=lower,dst=ids,dir=up", "mirror dir=up: "
                 "expected in, out or both")):
            code, out, err = ctl(prefix, "add-mirror", spec)
            check_eq((code, err.strip()), (1, "mvtap-ctl: " + msg), spec)
        check_eq(ctl(prefix, "del-mirror", "m1")[0], 0, "del-mirror")
        # removing an endpoint a mirror uses removes the mirror
        check_eq(ctl(prefix, "del-endpoint", "b")[0], 0, "del-endpoint b")
        code, out, err = ctl(prefix, "del-mirror", "m1")
        check_eq((code, err.strip()), (1, "mvtap-ctl: no mirror named m1"),
                 "del-mirror twice")
        check_eq(telemetry(prefix, "/mvtap/mirrors"), {}, "no mirror left")
        sw.stop()
    finally:
        if tcpdump is not None:
            tcpdump.kill()
            tcpdump.wait()
        subprocess.run(["ip", "netns", "del", ns], stderr=subprocess.DEVNULL)


@with_quiet_tap
def s_dumpcap(sc):
    """dpdk-dumpcap, a secondary process, captures the lower of a switch
    that runs on hugepages: exactly the frames injected on the wire."""
    dumpcap = shutil.which("dpdk-dumpcap")
    if dumpcap is None:
        raise Skip("needs dpdk-dumpcap")
    ifname = "mvte2edc"
    sw = Switch(sc.exe, sc.tmp, ["--lower", f"net_tap0,iface={ifname}"] +
                sc.endpoint("a", 0xa, "bridge"), "dumpcap")
    sw.cmd = [x for x in sw.cmd if x != "--no-huge"]
    sc.procs.append(sw)
    sw.start()
    sw.wait_log("forwarding")
    check("dpdk-dumpcap cannot attach" not in sw.output(),
          "rte_pdump is initialised")
    subprocess.run(["ip", "link", "set", ifname, "up"], check=True)
    pcap = os.path.join(sc.tmp, "lower.pcapng")
    dc = Process(sc.tmp, "dpdk-dumpcap",
                 [dumpcap, "--file-prefix=mvte2e-dumpcap", "-i", "net_tap0",
                  "-f", "ether proto 0x88b5", "-c", "20", "-q", "-w", pcap])
    sc.procs.append(dc)
    dc.start()
    # dumpcap has its callbacks on the port once the file exists
    wait_until(lambda: os.path.exists(pcap) or dc.proc.poll() is not None,
               30, "dpdk-dumpcap to start")
    time.sleep(0.5)
    wire = Wire(ifname)
    wire.send(mac(0xa), EXT, 20)
    sw.wait_rx("lower", 20)
    try:
        dc.proc.wait(30)
    except subprocess.TimeoutExpired:
        raise Failure("dpdk-dumpcap did not stop after 20 frames")
    check_eq(dc.proc.returncode, 0, "dpdk-dumpcap's exit status")
    pkts, _ = read_pcapng(pcap)
    check_eq(len(pkts), 20, "frames dpdk-dumpcap captured")
    for i, (_, d, orig, f) in enumerate(pkts):
        check_eq(f, Wire.frame(mac(0xa), EXT, i), f"frame {i}")
    check_eq(tcpdump_count(pcap), 20, "tcpdump -r")
    wire.close()
    sw.stop()


BURST = 250


def s_capture_stall(sc):
    """A capture whose reader stops reading loses copies, counted, and
    nothing else: the guest gets every frame; when the reader goes, the
    capture ends by itself."""
    sw = bridge_switch(sc, "capstall", ("a", 1), ("b", 2))
    prefix = "mvte2e-capstall"
    fifo = os.path.join(sc.tmp, "stalled")
    os.mkfifo(fifo)
    # a reader that never reads: the pipe fills, then the writer blocks
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        r = telemetry(prefix, f"/mvtap/capture,port=b,file={fifo},dir=out")
        check_eq(r, {"result": "ok"}, "capture to the FIFO")
        gb = sc.guest("b", 2)
        ready(sw, gb)
        # 1500-byte frames: the writer's buffer and the pipe hold few,
        # so the ring of 4096 copies overflows before 5250 frames
        total = 0
        for i in range(21):
            total += BURST
            g = burst_guest(sc, sw, f"a{i}", 1, mac(2), BURST, rx=total,
                            sock=sc.sock("a"), ep="a",
                            extra=["--txpkts=1500"])
            check_eq(g.stop(), (0, BURST), f"a's burst {i}")
        wait_until(lambda: telemetry(prefix, "/mvtap/endpoint,b")
                   ["tx_packets"] == total, 20, f"b to be sent {total}")
        check_eq(gb.stop(), (total, 0), "b got every frame")
        st = telemetry(prefix, "/mvtap/captures")["b"]
        check_eq(st["seen"], total, "the capture was offered every frame")
        check(st["ring_full"] > 0, f"copies lost to the stalled reader: {st}")
        check_eq(st["written"] + st["ring_full"] + st["no_mbuf"] <= total,
                 True, "no copy counted twice")
        check_eq(telemetry(prefix, "/mvtap/endpoint,b")["drops"], 0,
                 "b dropped nothing")
    finally:
        os.close(reader)
    # the reader is gone: the writer gets EPIPE and the switch ends it
    wait_until(lambda: telemetry(prefix, "/mvtap/captures") == {}, 20,
               "the capture to end without its reader")
    sw.stop()

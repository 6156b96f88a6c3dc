# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-mvtap authors

"""The super-frame scenario of mvtap-bench (--tso): what a switch costs
per byte of TCP super-frames between two guests that negotiated TSO.

One dpdk-testpmd on CPU 0 is both guests: a net_pcap port replays TCP/IPv4
frames of SUPER_LEN bytes (infinite_rx), csum forwarding with "tso set
MSS" hands them to virtio-user port 1 (MAC_A) as super-frames (virtio
GSO, segment size MSS), the switch on CPU 1 delivers them to virtio-user
port 2 (MAC_B), whose frames go back to the pcap port and are dropped
there (chained topology: pcap -> 1, 1 -> 2, 2 -> pcap).

The switches, in turn and repeated:

  mvtap      dpdk-mvtap, two bridge endpoints with offloads (port 2 takes
             the super-frames whole: TCP LRO on, GUEST_TSO4 negotiated)
  mvtap-seg  the same, the receiving endpoint with offload=off and port 2
             without LRO: the switch segments and checksums in software
  testpmd    dpdk-testpmd io forwarding between two net_vhost ports with
             tso=1 and legacy-ol-flags=1 (no classification, nothing
             done to the frames)
  ovs        OVS-DPDK, NORMAL action, with
             other_config:userspace-tso-enable=true and dpdkvhostuserclient
             ports (the generator's virtio-user ports are the servers)

Over a window of --duration seconds after --warmup: the bytes port 2
received (generator telemetry), the switch's busy cycles (as in the
throughput matrix), and from them Gbit/s and busy cycles per byte; for
dpdk-mvtap also per byte made, counting the frames the receiver's full
ring did not take (with software segments the receiving guest, on the
generator's CPU, is the bottleneck).
"""

import os
import re
import shlex
import statistics
import struct
import tempfile
import time

from .driver_mvtap import Mvtap
from .driver_ovs import Ovs
from .driver_testpmd import TestpmdSwitch
from .harness import (BenchError, GEN_LCORES, LINEBUF, MAC_A, MAC_B,
                      PREFIX_GEN, PREFIX_MVTAP, Proc, TESTPMD, cleanup_dir,
                      cleanup_hugefiles, log, now_iso, telemetry)
from .machine import load1, quiet_gate

SUPER_LEN = 16000   # bytes of a super-frame (net_pcap reads up to 16128)
MSS = 1448          # the segment size the sender asks for
N_FRAMES = 64       # distinct frames in the pcap file
MBUF_SIZE = 18432   # the generator's mbufs hold a super-frame whole
KINDS = ("mvtap", "mvtap-seg", "testpmd", "ovs")
LABELS = {"mvtap": "dpdk-mvtap, receiver takes TSO",
          "mvtap-seg": "dpdk-mvtap, receiver offload=off (sw segments)",
          "testpmd": "testpmd io, net_vhost tso=1",
          "ovs": "OVS-DPDK, userspace-tso-enable"}


def _csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def write_pcap(path, n=N_FRAMES, size=SUPER_LEN):
    """n TCP/IPv4 frames of size bytes, MAC_A to MAC_B, one stream."""
    mac = lambda s: bytes.fromhex(s.replace(":", ""))  # noqa: E731
    pay = size - 14 - 20 - 20
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i in range(n):
            tcp = struct.pack("!HHIIBBHHH", 40000, 5201, 1 + i * pay, 1,
                              0x50, 0x18, 0xFFFF, 0, 0)
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + 20 + pay, i,
                             0x4000, 64, 6, 0, bytes([10, 0, 0, 1]),
                             bytes([10, 0, 0, 2]))
            ip = ip[:10] + struct.pack("!H", _csum(ip)) + ip[12:]
            fr = (mac(MAC_B) + mac(MAC_A) + b"\x08\x00" + ip + tcp +
                  bytes((i + k) & 0xFF for k in range(pay)))
            f.write(struct.pack("<IIII", 0, i, len(fr), len(fr)) + fr)


class TsoGenerator(Proc):
    """The two guests in one testpmd (see the module's description),
    interactive: the offloads are set on the stopped ports, then they are
    started."""

    def __init__(self, logdir, socks, pcap, lro, server=False):
        srv = ",server=1" if server else ""
        cmd = LINEBUF + [
            TESTPMD, "--lcores", GEN_LCORES, "--no-pci",
            "--single-file-segments", "--socket-mem", "512",
            "--file-prefix", PREFIX_GEN,
            "--vdev", "net_pcap0,rx_pcap=%s,infinite_rx=1" % pcap,
            "--vdev", "net_virtio_user0,path=%s,mac=%s%s" % (socks[0], MAC_A,
                                                            srv),
            "--vdev", "net_virtio_user1,path=%s,mac=%s%s" % (socks[1], MAC_B,
                                                            srv),
            "--", "-i", "--disable-device-start", "--forward-mode=csum",
            "--port-topology=chained", "--eth-peer=1,%s" % MAC_B,
            "--eth-peer=2,%s" % MAC_A, "--mbuf-size=%d" % MBUF_SIZE,
            "--total-num-mbufs=4096"]
        self.setup = ["csum set tcp hw 1", "tso set %d 1" % MSS]
        if lro:
            # TCP LRO makes the virtio PMD keep GUEST_TSO4/6; GUEST_CSUM,
            # which the virtio spec requires with them, it keeps only with
            # a receive checksum offload
            self.setup += ["port config 2 rx_offload tcp_lro on",
                           "port config 2 rx_offload tcp_cksum on"]
        self.setup += ["port start all", "start"]
        super().__init__("generator", cmd, logdir, stdin_pipe=True)

    def configure(self):
        self.wait_text("testpmd>", 60, "the generator's prompt",
                       "the generator exited")
        for c in self.setup:
            self.write(c + "\n")
            time.sleep(0.3)
        self.wait_text("csum packet forwarding", 30,
                       "the generator to forward", "the generator exited")
        bad = re.compile(r"not supported by port|Please stop port|"
                         r"Bad arguments|Fail to (start|configure) port|"
                         r"doesn't support")
        for line in self.output().splitlines():
            if bad.search(line):
                raise BenchError("generator setup: %s" % line.strip())

    def counters(self):
        return {p: telemetry(PREFIX_GEN, "/ethdev/stats,%d" % p)
                for p in (1, 2)}

    def stop(self, *a, **kw):
        return super().stop(quit_cmd="stop\nquit\n")


class MvtapTso(Mvtap):
    """dpdk-mvtap with the two endpoints; the receiver without offloads
    for mvtap-seg."""

    def __init__(self, workdir, exe, seg):
        # size: the MTU-sized frames of the other scenarios (the switch at
        # MTU 1500: super-frames are not jumbo frames)
        cfg = {"switch": "mvtap", "mode": "bridge", "size": 1500,
               "endpoints": 2, "policies": 0}
        super().__init__(cfg, workdir, exe, workdir)
        lines = ["; dpdk-mvtap benchmark: TCP super-frames"]
        for i, mac in enumerate((MAC_A, MAC_B)):
            lines += ["[endpoint e%d]" % i, "mac = %s" % mac,
                      "mode = bridge", "socket = %s" % os.path.join(
                          self.sockdir, "e%d.sock" % i)]
            if i == 1 and seg:
                lines.append("offload = off")
            lines.append("")
        with open(self.ini, "w") as f:
            f.write("\n".join(lines))

    def window_start(self):
        super().window_start()
        self.sw0 = telemetry(PREFIX_MVTAP, "/mvtap/endpoint,e0")

    def window_end(self):
        """Also the super-frames segmented in software and the segments
        made, over the window."""
        res = super().window_end()
        page = telemetry(PREFIX_MVTAP, "/mvtap/endpoint,e0")
        for k in ("sw_segmented", "sw_segments"):
            res[k] = page.get(k, 0) - self.sw0.get(k, 0)
        return res


class TestpmdTso(TestpmdSwitch):
    def __init__(self, workdir):
        super().__init__({"switch": "testpmd", "size": 1500}, workdir)
        # legacy offload flags: a dequeued super-frame carries the
        # transmit flags the other port's enqueue writes the guest's GSO
        # header from
        self.cmd = [a + ",tso=1,legacy-ol-flags=1"
                    if a.startswith("net_vhost") else a for a in self.cmd]
        self.commands = [self.cmd]


class OvsTso(Ovs):
    """OVS-DPDK with userspace TSO, its vhost-user ports clients of the
    generator's (dpdkvhostuserclient): OVS 3.1 registers its server ports
    (dpdkvhostuser) with linear buffers and no external buffers, for which
    librte_vhost withdraws HOST_TSO4/6; only its client ports take
    super-frames."""
    guest_is_server = True

    def __init__(self, workdir):
        super().__init__({"switch": "ovs", "size": 1500}, workdir)
        self.config.append("other_config:userspace-tso-enable=true")
        self.commands[3] = self.commands[3] + [self.config[-1]]
        for i in (0, 1):
            self.commands[6 + i] = self.vsctl + [
                "add-port", "br0", "vh%d" % i, "--", "set", "Interface",
                "vh%d" % i, "type=dpdkvhostuserclient",
                "options:vhost-server-path=%s" % self.socks()[i]]

    def socks(self):
        return [os.path.join(self.dir, "g0.sock"),
                os.path.join(self.dir, "g1.sock")]

    def start(self):
        self.start_daemons()
        # the sockets are the generator's: OVS connects once it listens

    def diag(self):
        """What ovs-vswitchd logged about TSO and the vhost features."""
        try:
            with open(os.path.join(self.dir, "ovs-vswitchd.log"),
                      errors="replace") as f:
                return [line.strip() for line in f
                        if re.search(r"Segmentation|TSO|tso|features",
                                     line)][:30]
        except OSError:
            return []


def tso_once(kind, args, tmp, pcap):
    workdir = tempfile.mkdtemp(prefix="tso-%s-" % kind, dir=tmp)
    if kind in ("mvtap", "mvtap-seg"):
        sw = MvtapTso(workdir, args.mvtap, kind == "mvtap-seg")
    elif kind == "testpmd":
        sw = TestpmdTso(workdir)
    else:
        sw = OvsTso(workdir)
    res = {"switch": kind, "label": LABELS[kind], "started": now_iso(),
           "load1_before": round(load1(), 2), "super_len": SUPER_LEN,
           "mss": MSS}
    gen = None
    try:
        sw.start()
        gen = TsoGenerator(workdir, sw.socks(), pcap, kind != "mvtap-seg",
                           getattr(sw, "guest_is_server", False))
        res["commands"] = [shlex.join(c) for c in sw.commands] + [
            shlex.join(gen.cmd)] + ["(generator) " + c for c in gen.setup]
        gen.start()
        gen.configure()
        sw.ready()
        time.sleep(args.warmup)
        c0, t0 = gen.counters(), time.monotonic()
        sw.window_start()
        time.sleep(args.duration)
        c1, t1 = gen.counters(), time.monotonic()
        w = sw.window_end()
        dt = t1 - t0
        rx_b = c1[2]["ibytes"] - c0[2]["ibytes"]
        rx_p = c1[2]["ipackets"] - c0[2]["ipackets"]
        tx_b = c1[1]["obytes"] - c0[1]["obytes"]
        tx_p = c1[1]["opackets"] - c0[1]["opackets"]
        busy = w.get("busy_cycles")
        # what the switch made for the receiver: what it took, and what
        # it dropped because the receiver's ring was full (dpdk-mvtap)
        lost = (w.get("drops") or {}).get("e1", 0)
        made_b = rx_b + lost * (rx_b / rx_p if rx_p else 0)
        res.update({
            "window_s": round(dt, 3), "rx_bytes": rx_b, "rx_frames": rx_p,
            "tx_bytes": tx_b, "tx_frames": tx_p,
            "gbps": rx_b * 8 / dt / 1e9,
            "rx_avg_frame": rx_b / rx_p if rx_p else None,
            "tx_avg_frame": tx_b / tx_p if tx_p else None,
            "cycles_per_byte": busy / rx_b if busy and rx_b else None,
            "receiver_drops": lost,
            "cycles_per_byte_made": busy / made_b if busy and made_b
            else None,
            "switch_stats": w,
            "load1_after": round(load1(), 2)})
        res["ok"] = rx_b > 0 and busy is not None
        if not res["ok"]:
            res["error"] = "nothing received" if rx_b == 0 else \
                "no busy cycles from the switch"
    except BenchError as e:
        res["ok"] = False
        res["error"] = str(e)
        if gen is not None:
            res["generator_tail"] = gen.tail()
        if hasattr(sw, "diag"):
            res["switch_log"] = sw.diag()
    finally:
        if gen is not None:
            gen.stop()
        sw.stop()
        cleanup_hugefiles()
        cleanup_dir(workdir)
    return res


def run_tso(args, tmp, report):
    """The scenario for the switches of --switches (mvtap: both mvtap
    kinds)."""
    kinds = [k for k in KINDS if k.split("-")[0] in args.switches]
    pcap = os.path.join(tmp, "super.pcap")
    write_pcap(pcap)
    log("TCP super-frames: one testpmd (CPU 0) replays %d-byte TCP/IPv4 "
        "frames into virtio-user port 1 as TSO super-frames (segment size "
        "%d); the switch (CPU 1) delivers them to virtio-user port 2; "
        "%g s windows after %g s warm-up" % (SUPER_LEN, MSS, args.duration,
                                             args.warmup))
    rows = []
    for rep in range(args.reps):
        for kind in kinds:
            quiet_gate(args.max_other_cpu, args.gate_wait)
            for attempt in range(1 + args.retries):
                r = tso_once(kind, args, tmp, pcap)
                if r["ok"]:
                    break
            r["rep"] = rep + 1
            rows.append(r)
            if not r["ok"]:
                log("  %-10s rep %d: FAILED: %s" % (kind, rep + 1,
                                                   r["error"]))
                continue
            log("  %-10s rep %d: %6.2f Gbit/s, %.3f busy cycles/byte "
                "(%.3f per byte made, %d frames lost at the receiver), "
                "frames to the receiver %.0f B, from the sender %.0f B" % (
                    kind, rep + 1, r["gbps"], r["cycles_per_byte"],
                    r["cycles_per_byte_made"], r["receiver_drops"],
                    r["rx_avg_frame"] or 0, r["tx_avg_frame"] or 0))
    report["tso"] = rows
    log()
    log("TCP super-frames (median over %d repetition(s)):" % args.reps)
    log("  %-48s %10s %14s %14s %12s" % ("switch", "Gbit/s", "cycles/byte",
                                         "per byte made", "rx frame B"))
    summary = {}
    for kind in kinds:
        ok = [r for r in rows if r["switch"] == kind and r["ok"]]
        if not ok:
            log("  %-48s no result" % LABELS[kind])
            continue
        s = {"gbps": statistics.median(r["gbps"] for r in ok),
             "cycles_per_byte": statistics.median(
                 r["cycles_per_byte"] for r in ok),
             "cycles_per_byte_made": statistics.median(
                 r["cycles_per_byte_made"] for r in ok),
             "rx_avg_frame": statistics.median(
                 r["rx_avg_frame"] for r in ok),
             "runs": len(ok)}
        summary[kind] = s
        log("  %-48s %10.2f %14.3f %14.3f %12.0f" % (
            LABELS[kind], s["gbps"], s["cycles_per_byte"],
            s["cycles_per_byte_made"], s["rx_avg_frame"]))
    report["tso_summary"] = summary
    return 0 if summary else 1

# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-mvtap authors

"""The harness of mvtap-bench: processes started and stopped by their pid,
telemetry reads, the traffic generator and the idle guests every run
shares, and what every switch under test provides (Switch).
"""

import datetime
import os
import shlex
import shutil
import signal
import subprocess

import mvtap_proc
from mvtap_telemetry import TelemetryClient, TelemetryError


TESTPMD = shutil.which("dpdk-testpmd") or "/usr/bin/dpdk-testpmd"
# the open loop's guests (usertools/mvtap_loadgen.c); set by mvtap-bench
# from the build the dpdk-mvtap binary is in
LOADGEN = None
# testpmd's output goes to a file: line-buffer it, so that what it prints
# can be read while it runs
LINEBUF = ["stdbuf", "-oL"]

MAC_A = "52:54:00:00:00:0a"
MAC_B = "52:54:00:00:00:0b"
STATION = "02:00:00:00:99:99"     # a station on the wire (policy accuracy)
POLICY_RATE = 100000000           # kbit/s: 100 Gbit/s, far above the loop

PREFIX_MVTAP = "benchmvt"
PREFIX_TESTPMD = "benchtp"
PREFIX_OVS = "benchovs"
PREFIX_GEN = "benchgen"
PREFIX_IDLE = "benchidle"         # + a number: the idle guests
IDLE_PORTS = 30                   # virtio-user ports per idle guest process
                                  # (RTE_MAX_ETHPORTS is 32 in Debian's DPDK)

SWITCH_LCORES = "0@0,1@1"         # control on CPU 0, the forwarding on CPU 1
GEN_LCORES = "0@0,1@0"            # generator: everything on CPU 0


class BenchError(Exception):
    """A failure of one run or of the setup; str() is one line."""


class Interrupted(Exception):
    """SIGTERM or SIGHUP: stop everything and exit."""


def log(msg=""):
    print(msg, flush=True)


def now_iso():
    return datetime.datetime.now().astimezone().isoformat(timespec="seconds")


def wait_until(pred, timeout, what, step=0.1):
    mvtap_proc.wait_until(pred, timeout, what, step, error=BenchError)


class Proc(mvtap_proc.LoggedProcess):
    """A child process with its output in a log file, detached from the
    terminal's process group: a Ctrl-C reaches this program only, which
    then stops its children in order. Every Proc started is remembered, so
    that stop_all() ends exactly the processes this program started, by
    their pids, whatever happened."""

    started = []

    def __init__(self, name, cmd, logdir, env=None, stdin_pipe=False):
        super().__init__(name, cmd, logdir, env=env, stdin_pipe=stdin_pipe,
                         new_session=True)

    def start(self):
        super().start()
        Proc.started.append(self)
        return self

    def wait_text(self, text, timeout, what, exited=None):
        """Wait until text shows in its output; raise a BenchError with the
        end of its output at once if it exits first ("NAME exited", or
        exited)."""
        def seen():
            if not self.alive():
                raise BenchError("%s:\n%s" % (
                    exited or "%s exited" % self.name, self.tail()))
            return text in self.output()
        wait_until(seen, timeout, what)

    def stop(self, sig=signal.SIGINT, timeout=20, quit_cmd=None):
        """Stop it by its pid (quit_cmd on stdin first if given, else sig),
        then SIGKILL after timeout. Returns the exit status."""
        if self.proc is None:
            return None
        if self.alive():
            stopped = False
            if quit_cmd is not None:
                self.write(quit_cmd)
                try:
                    self.proc.wait(timeout)
                    stopped = True
                except subprocess.TimeoutExpired:
                    pass
            if not stopped and not self.signal_stop(sig, timeout,
                                                    kill=False):
                log("  %s (pid %d) did not stop: SIGKILL" %
                    (self.name, self.proc.pid))
                self.kill()
        self.close()
        return self.proc.returncode

    @classmethod
    def stop_all(cls):
        for p in reversed(cls.started):
            if p.alive():
                p.stop(signal.SIGTERM, timeout=10)


def run(cmd, env=None, check=True, timeout=60):
    r = subprocess.run(cmd, env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=timeout)
    if check and r.returncode != 0:
        raise BenchError("%s failed (%d): %s" % (
            " ".join(cmd[:3]), r.returncode,
            " | ".join(r.stdout.strip().splitlines()[-3:])))
    return r


def telemetry(prefix, cmd, timeout=5.0):
    """One request to a DPDK process's telemetry socket: the value of its
    reply."""
    try:
        with TelemetryClient.for_prefix(prefix, timeout) as c:
            return c.query(cmd)
    except TelemetryError as e:
        raise BenchError("telemetry %s on %s: %s" % (cmd, prefix, e))


def telemetry_ready(prefix):
    try:
        telemetry(prefix, "/info", 1.0)
        return True
    except BenchError:
        return False


def scenario_tag(cfg):
    """"", "open", "fan-in", "many-pairs", "wire", "broadcast10": how the
    scenario shows in names."""
    sc = cfg.get("scenario", "pair")
    tag = [] if sc == "pair" else [
        "broadcast%d" % cfg["broadcast"] if sc == "broadcast" else sc]
    if cfg.get("open_loop"):
        tag.append("open")
    if cfg.get("wire_ring", WIRE_RING) != WIRE_RING:
        tag.append("ring%d" % cfg["wire_ring"])
    if cfg.get("wire_dst", WIRE_GUESTS) != WIRE_GUESTS:
        tag.append("dst%d" % cfg["wire_dst"])
    return "-".join(tag)


# Frames longer than an MTU of 1500 allows: every switch and the generator
# are set up for MTU 9000, with mbufs that hold such a frame whole.
JUMBO_MTU = 9000
TESTPMD_JUMBO = ["--mbuf-size=10240", "--max-pkt-len=9100",
                 "--total-num-mbufs=8192"]


def jumbo(cfg):
    return cfg["size"] > 1518


def cfg_name(cfg):
    tag = scenario_tag(cfg)
    tag = "-" + tag if tag else ""
    if cfg.get("lowers", 1) > 1:
        tag += "-lowers%d" % cfg["lowers"]
    if cfg.get("baseline"):
        tag += "-baseline"
    if cfg["switch"] == "mvtap":
        return "mvtap-%s-%dB-ep%d-pol%d%s" % (cfg["mode"], cfg["size"],
                                              cfg["endpoints"],
                                              cfg["policies"], tag)
    return "%s-%dB%s" % (cfg["switch"], cfg["size"], tag)


def cfg_label(cfg):
    tag = scenario_tag(cfg)
    tag = " [%s]" % tag if tag else ""
    if cfg["switch"] == "mvtap":
        mode = "bridge" if cfg["mode"] == "bridge" else "vepa+hairpin"
        if cfg.get("lowers", 1) > 1:
            tag = " lowers=%d%s" % (cfg["lowers"], tag)
        if cfg.get("baseline"):
            tag += " (baseline)"
        return "dpdk-mvtap %s ep=%d pol=%d%s" % (mode, cfg["endpoints"],
                                                 cfg["policies"], tag)
    return {"testpmd": "testpmd io (ceiling)", "ovs": "OVS-DPDK NORMAL"}[
        cfg["switch"]] + tag


def cleanup_dir(path):
    shutil.rmtree(path, ignore_errors=True)


def cleanup_hugefiles():
    """Remove the hugepage files this program's DPDK processes leave behind
    (the EAL does not unlink them at exit); called when none of them runs.
    Only the file prefixes of this program are touched."""
    for prefix in (PREFIX_MVTAP, PREFIX_TESTPMD, PREFIX_OVS, PREFIX_GEN):
        try:
            names = os.listdir("/dev/hugepages")
        except OSError:
            return
        for n in names:
            if n.startswith(prefix + "map_") or (
                    n.startswith(PREFIX_IDLE) and "map_" in n):
                try:
                    os.unlink(os.path.join("/dev/hugepages", n))
                except OSError:
                    pass


def guest_mac(i):
    """The MAC of traffic guest i: MAC_A, MAC_B, then on."""
    return "52:54:00:00:00:%02x" % (0x0a + i)


def idle_mac(i):
    """The MAC of endpoint i when it is an idle guest (i counts the traffic
    guests before it)."""
    return "52:54:00:00:%02x:%02x" % (1 + i // 256, i % 256)


# What the generator does in each scenario (see scenario_plan)
SCENARIOS = ("pair", "open-loop", "fan-in", "many-pairs", "wire",
             "broadcast")
FAN_IN_SENDERS = 8
MANY_PAIRS = 8
WIRE_GUESTS = 16          # wire: 16 guests behind one station on the wire
WIRE_RING = 256           # the station's descriptors (--wire-ring)
# broadcast: as many live guests as the generator can have ports
# (RTE_MAX_ETHPORTS, 32, less the station), the first WIRE_GUESTS of them
# sending back, and idle ones up to BROADCAST_ENDPOINTS
BROADCAST_GUESTS = 31
BROADCAST_ENDPOINTS = 64


def scenario_guests(cfg):
    """How many traffic guests (generator ports, the station on the wire
    not counted) a configuration has."""
    sc = cfg.get("scenario", "pair")
    if sc == "fan-in":
        return 1 + FAN_IN_SENDERS
    if sc == "many-pairs":
        return 2 * MANY_PAIRS
    if sc == "wire":
        return WIRE_GUESTS
    if sc == "broadcast":
        return BROADCAST_GUESTS
    return 2


def has_wire(cfg):
    """Whether the traffic comes from a station on the wire, behind the
    switch's lower device (a vhost-user port the generator connects to)."""
    return cfg.get("scenario", "pair") in ("wire", "broadcast")


def scenario_plan(cfg):
    """The generator's forwarding mode and the peer of each of its ports.

    pair        io, 0 <-> 1, closed loop seeded by --tx-first
    pair, open  (OpenLoopGenerator: not this one)
    many-pairs  io, 2i <-> 2i+1, a closed loop per pair
    fan-in      macswap on each port (--port-topology=loop): ports 1..8
                send to port 0, which swaps the addresses and sends each
                frame back to its sender
    """
    n = scenario_guests(cfg)
    sc = cfg.get("scenario", "pair")
    if sc == "fan-in":
        return {"mode": "macswap", "topology": "loop",
                "peers": [1] + [0] * (n - 1)}
    return {"mode": "io", "topology": None,
            "peers": [i ^ 1 for i in range(n)]}


class Generator(Proc):
    """One dpdk-testpmd with a virtio-user port per traffic guest, all on
    CPU 0 in one forwarding lcore (two busy pollers on one CPU would take
    turns in scheduler slices): by default io forwarding between two ports,
    a closed loop seeded with one burst per port (start tx_first); the
    other scenarios as scenario_plan says. Interactive, driven on stdin:
    the seed goes out only once the switch says every port takes frames
    (begin()), for a switch drops what it has no ready queue for, and a
    lost seed leaves a loop empty (OVS-DPDK, whose vhost ports come up one
    reconfiguration at a time, lost some with 16 guests)."""

    def __init__(self, logdir, socks, size, plan=None):
        plan = plan or {"mode": "io", "topology": None, "peers": [1, 0]}
        self.nports = len(socks)
        cmd = LINEBUF + [
               TESTPMD, "--lcores", GEN_LCORES, "--no-pci",
               "--single-file-segments", "--socket-mem", "256",
               "--file-prefix", PREFIX_GEN]
        # fan-in: the receiver's rings hold the 8 senders' seed bursts
        qs = ",queue_size=1024" if plan["mode"] == "macswap" else ""
        for i, sock in enumerate(socks):
            cmd += ["--vdev", "net_virtio_user%d,path=%s,mac=%s%s" % (
                i, sock, guest_mac(i), qs)]
        cmd += ["--", "--forward-mode=%s" % plan["mode"]]
        if qs:
            cmd += ["--rxd=1024", "--txd=1024"]
        if plan["topology"]:
            cmd.append("--port-topology=%s" % plan["topology"])
        cmd += ["--eth-peer=%d,%s" % (i, guest_mac(p))
                for i, p in enumerate(plan["peers"])]
        # the mbuf size first: --txpkts is checked against it
        if size > 1518:
            cmd += TESTPMD_JUMBO
        cmd += ["--txpkts=%d" % size, "-i"]
        super().__init__("generator", cmd, logdir, stdin_pipe=True)

    def begin(self, sw, timeout=30):
        """Once its ports are started (the prompt) and switch sw says
        they and the idle guests are all connected, send the seed bursts
        and wait until it forwards."""
        self.wait_text("testpmd>", timeout, "the generator to start",
                       "the generator exited")
        sw.wait_up(len(sw.idle_socks()) + self.nports)
        self.write("start tx_first\n")
        self.wait_text("packet forwarding - ports=", timeout,
                       "the generator to forward", "the generator exited")

    def stop(self):
        return super().stop(quit_cmd="quit\n")

    def counters(self):
        out = []
        for port in range(self.nports):
            s = telemetry(PREFIX_GEN, "/ethdev/stats,%d" % port)
            if not isinstance(s, dict):
                raise BenchError("generator telemetry: no stats of port %d"
                                 % port)
            out.append(s)
        return out


class OpenLoopGenerator(Proc):
    """The open loop: guest A sends new frames to MAC_B as fast as its
    port takes them, guest B counts and frees what arrives. testpmd has
    one forwarding mode per process, and a txonly and an rxonly testpmd on
    one CPU take turns in scheduler slices, while which nothing drains the
    idle one's ring; so both guests are ports of one mvtap-loadgen, one
    lcore on CPU 0 polling both. Same interface as Generator: counters()
    gives A's port, then B's."""

    def __init__(self, logdir, socks, size):
        self.nports = 2
        cmd = [LOADGEN, "--lcores", "0@0", "--no-pci",
               "--single-file-segments", "--socket-mem", "256",
               "--file-prefix", PREFIX_GEN,
               "--vdev", "net_virtio_user0,path=%s,mac=%s" % (socks[0], MAC_A),
               "--vdev", "net_virtio_user1,path=%s,mac=%s" % (socks[1], MAC_B),
               "--", "--dst", MAC_B, "--txpkts", "%d" % size]
        super().__init__("loadgen", cmd, logdir)

    def begin(self, sw, timeout=30):
        """Wait until it sends: it sends all along, so a frame the switch
        drops before its ports are ready costs nothing but that frame."""
        self.wait_text("mvtap-loadgen: sending", timeout,
                       "mvtap-loadgen to send", "mvtap-loadgen exited")

    counters = Generator.counters


class WireGenerator(Proc):
    """Wire to guests and back: mvtap-loadgen --wire, port 0 a station on
    the wire (connected to the switch's lower, or what stands for it),
    ports 1.. the traffic guests. The station sends as fast as its port
    takes frames, to the first WIRE_GUESTS guests (cfg["wire_dst"] of
    them, if given) in turn (and
    cfg["broadcast"] % to everyone); those guests send every unicast back
    (macswap), the others count. One lcore on CPU 0 polls every port.
    counters() gives the station's port, then the guests'."""

    def __init__(self, logdir, wire_sock, socks, cfg):
        self.nports = 1 + len(socks)
        ring = cfg.get("wire_ring", WIRE_RING)
        cmd = [LOADGEN, "--lcores", "0@0", "--no-pci",
               "--single-file-segments", "--socket-mem", "256",
               "--file-prefix", PREFIX_GEN,
               "--vdev", "net_virtio_user0,path=%s,mac=%s,queue_size=%d" % (
                   wire_sock, STATION, ring)]
        for i, sock in enumerate(socks):
            cmd += ["--vdev", "net_virtio_user%d,path=%s,mac=%s" % (
                i + 1, sock, guest_mac(i))]
        dst = cfg.get("wire_dst", WIRE_GUESTS)
        cmd += ["--", "--wire", "--dst", ",".join(
            guest_mac(i) for i in range(dst)),
            "--reflect", "%d" % dst,
            "--broadcast", "%d" % cfg.get("broadcast", 0),
            "--txpkts", "%d" % cfg["size"], "--ring", "%d" % ring]
        super().__init__("loadgen", cmd, logdir)

    begin = OpenLoopGenerator.begin
    counters = Generator.counters


class IdleGuests:
    """The endpoints the loop does not use, connected and silent, as the
    benchmark wants them: dpdk-testpmd processes on the generator's CPU,
    IDLE_PORTS virtio-user ports each, in interactive mode and never told
    to start forwarding, so they poll nothing and send nothing. Their
    virtqueues are live, so the switch pays what an idle guest costs."""

    def __init__(self, logdir, socks):
        """socks: (socket path, MAC) of each idle endpoint."""
        self.procs = []
        for k in range(0, len(socks), IDLE_PORTS):
            cmd = [TESTPMD, "--lcores", GEN_LCORES, "--no-pci",
                   "--single-file-segments", "--socket-mem", "64",
                   "--file-prefix", "%s%d" % (PREFIX_IDLE, k // IDLE_PORTS),
                   "--no-telemetry", "--log-level=*:error"]
            for i, (sock, mac) in enumerate(socks[k:k + IDLE_PORTS]):
                cmd += ["--vdev", "net_virtio_user%d,path=%s,mac=%s" %
                        (i, sock, mac)]
            cmd += ["--", "-i", "--rxd=64", "--txd=64",
                    "--total-num-mbufs=4096"]
            self.procs.append(Proc("idle%d" % (k // IDLE_PORTS), cmd, logdir,
                                   stdin_pipe=True))
        self.commands = [p.cmd for p in self.procs]

    def summary(self):
        """The commands, short: the first one with its ports elided."""
        if not self.procs:
            return []
        cmd = self.procs[0].cmd
        first = cmd.index("--vdev")
        vdevs = cmd.count("--vdev")
        out = [a for i, a in enumerate(cmd) if i < first + 2 or
               (cmd[i] != "--vdev" and cmd[i - 1] != "--vdev")]
        i = first + 2
        return [shlex.join(out[:i]) + " ... (%d ports) " % vdevs +
                shlex.join(out[i:]) + "   # x%d processes, %d idle ports" %
                (len(self.procs), sum(
                    p.cmd.count("--vdev") for p in self.procs))]

    def start(self):
        for p in self.procs:
            p.start()
        return self

    def check(self):
        for p in self.procs:
            if not p.alive():
                raise BenchError("an idle guest exited:\n" + p.tail())

    def stop(self):
        for p in reversed(self.procs):
            p.stop(quit_cmd="quit\n")

    def cpu_ticks(self):
        return sum(p.cpu_ticks() for p in self.procs)


class Switch:
    """What every switch under test provides."""
    kind = None
    label = None

    def __init__(self, cfg, workdir):
        self.cfg = cfg
        self.workdir = workdir
        self.procs = []
        self.commands = []

    def socks(self):
        raise NotImplementedError

    def idle_socks(self):
        """(socket path, MAC) of each idle guest the scenario has."""
        return []

    def start(self):
        raise NotImplementedError

    def wait_up(self, n, timeout=60):
        """Wait until n of its vhost-user ports are connected and would
        deliver what they are sent."""
        raise NotImplementedError

    def ready(self):
        """Called once the generator forwards; raises when the traffic
        ports are not connected."""

    def window_start(self):
        pass

    def window_end(self):
        """Returns a dict with cycles_per_packet and what else it knows."""
        raise NotImplementedError

    def stop(self):
        for p in reversed(self.procs):
            p.stop()

    def alive(self):
        return all(p.alive() for p in self.procs)

    def cpu_ticks(self):
        return sum(p.cpu_ticks() for p in self.procs)


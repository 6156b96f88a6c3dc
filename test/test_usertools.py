#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-mvtap authors

"""mvtap-ctl and mvtap-exporter against a fake telemetry server,
mvtap-c2c (its path is the first argument) on this machine's CPUs, and
mvtap-bench's paired statistics on known inputs.

The fake speaks DPDK's telemetry v2 protocol on a SOCK_SEQPACKET unix socket
in a temporary directory, with canned /mvtap/... replies: paging through
"next", null replies, error replies of the write commands. No DPDK process
runs. Exit status: 0 pass, 1 fail, 77 skip.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.realpath(__file__))
USERTOOLS = os.path.join(HERE, "..", "usertools")
CTL = os.path.join(USERTOOLS, "mvtap-ctl")
EXPORTER = os.path.join(USERTOOLS, "mvtap-exporter")
C2C = (sys.argv[1] if len(sys.argv) > 1 else
       os.path.join(HERE, "..", "build", "usertools", "mvtap-c2c"))

PAGE = 2            # the fake's page size for /mvtap/endpoints
T0 = time.monotonic()

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL: %s" % what)


def check_eq(got, want, what):
    if got != want:
        failures.append(what)
        print("FAIL: %s\n  got:  %r\n  want: %r" % (what, got, want))


# ---- the fake switch -------------------------------------------------------

ODD = 'odd"na\\me'          # an endpoint name that needs label escaping


def drops(**nonzero):
    d = {"malformed": 0, "no_dest": 0, "ring_full": 0, "rate_limit": 0}
    d.update(nonzero)
    return d


class Listener:
    """A telemetry server's listening socket; handle() gets each
    connection accepted."""

    def __init__(self, path, backlog):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.sock.bind(path)
        self.sock.listen(backlog)
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.handle(conn)


class FakeSwitch(Listener):
    def __init__(self, path):
        self.path = path
        self.disabled = set()       # commands answered with null
        self.dynamic = False        # counters of a and b grow with time
        self.requests = []
        self.lock = threading.Lock()
        self.delay = 0.0            # seconds before each reply
        self.conns = set()          # connections open now
        self.accepted = 0           # connections accepted so far
        self.most_conns = 0         # most connections open at once
        super().__init__(path, 16)

    def handle(self, conn):
        threading.Thread(target=self._serve, args=(conn,),
                         daemon=True).start()

    def _serve(self, conn):
        with self.lock:
            self.conns.add(conn)
            self.accepted += 1
            self.most_conns = max(self.most_conns, len(self.conns))
        try:
            self._serve_conn(conn)
        finally:
            with self.lock:
                self.conns.discard(conn)

    def _serve_conn(self, conn):
        with conn:
            conn.send(json.dumps({"version": "DPDK 22.11.0",
                                  "pid": os.getpid(),
                                  "max_output_len": 16384}).encode())
            while True:
                try:
                    data = conn.recv(1024)
                except OSError:
                    return
                if not data:
                    return
                req = data.decode()
                with self.lock:
                    self.requests.append(req)
                cmd, _, param = req.partition(",")
                value = None
                if cmd not in self.disabled:
                    value = self.reply(cmd, param)
                time.sleep(self.delay)
                try:
                    conn.send(json.dumps({cmd: value}).encode())
                except OSError:
                    return

    def endpoints(self):
        t = time.monotonic() - T0 if self.dynamic else 0.0
        a_rx = 100 + int(10000 * t)
        a_tx = 200 + int(5000 * t)
        return {
            "a": {"mac": "02:00:00:00:00:0a", "mode": "bridge",
                  "state": "up", "rx_packets": a_rx, "rx_bytes": a_rx * 1250,
                  "tx_packets": a_tx, "tx_bytes": a_tx * 1250,
                  "multicast": 3, "drops": 7},
            "b": {"mac": "02:00:00:00:00:0b", "mode": "vepa",
                  "state": "waiting", "rx_packets": 0, "rx_bytes": 0,
                  "tx_packets": 0, "tx_bytes": 0, "multicast": 0,
                  "drops": int(1000 * t)},
            ODD: {"mac": "02:00:00:00:00:0c", "mode": "private",
                  "state": "down", "rx_packets": 12345678901234,
                  "rx_bytes": 1, "tx_packets": 2, "tx_bytes": 3,
                  "multicast": 4, "drops": 0},
        }

    def reply(self, cmd, param):
        eps = self.endpoints()
        if cmd == "/mvtap/endpoints":
            start = int(param) if param else 0
            names = list(eps)
            page = {n: eps[n] for n in names[start:start + PAGE]}
            if start + PAGE < len(names):
                page["next"] = start + PAGE
            return page
        if cmd == "/mvtap/endpoint":
            if param not in eps:
                return None
            e = eps[param]
            d = {"name": param, "mac": e["mac"], "mode": e["mode"],
                 "state": e["state"], "socket": "/tmp/mvt/%s.sock" % param,
                 "role": "server", "queues": 1, "queue_pairs": 0,
                 "features": "0x0", "connects": 0}
            for k in ("rx_packets", "rx_bytes", "tx_packets", "tx_bytes",
                      "multicast", "drops"):
                d[k] = e[k]
            d["drops_by_reason"] = (drops(no_dest=5, rate_limit=2)
                                    if param == "a" else drops())
            return d
        if cmd == "/mvtap/lcores":
            return {"2": {"busy_cycles": 0, "idle_cycles": 0, "packets": 0,
                          "loops": 0, "polls": "b:0"},
                    "1": {"busy_cycles": 250, "idle_cycles": 750,
                          "poll_busy_cycles": 200,
                          "sleeps": 40, "wakeups": 7,
                          "packets": 10, "loops": 99,
                          "polls": "lower:0 a:0", "queues_busy": 1,
                          "queues_idle": 3}}
        if cmd == "/mvtap/lower":
            return {"device": "net_null0,no-rx=1", "port_id": 0,
                    "mac": "02:00:00:00:00:01", "link": "up",
                    "speed_mbps": 10000, "rx_queues": 1, "tx_queues": 1,
                    "mac_filter_used": 0, "mac_filter_size": 0,
                    "promiscuous": 1, "hairpin": 0, "rx_packets": 11,
                    "rx_bytes": 22, "tx_packets": 33, "tx_bytes": 44,
                    "multicast": 0, "drops": 9,
                    "drops_by_reason": drops(malformed=9)}
        if cmd == "/mvtap/policies":
            return {"p\n1": {"mac": "02:00:00:00:00:0a", "dir": "out",
                             "rate_kbps": 1000, "conform_packets": 5,
                             "conform_bytes": 500, "exceed_packets": 1,
                             "exceed_bytes": 100}}
        if cmd == "/mvtap/mirrors":
            return {"m1": {"src": ["a"], "dst": "b", "dir": "in",
                           "tx_packets": 64, "tx_bytes": 4096,
                           "drops": drops(ring_full=3)}}
        if cmd == "/mvtap/captures":
            return {"a": {"file": "/tmp/a.pcapng", "dir": "both",
                          "count": 0, "snaplen": 0, "filter": "",
                          "seen": 80, "filtered": 0, "written": 70,
                          "ring_full": 7, "no_mbuf": 1, "past_count": 0,
                          "done": 0, "error": ""}}
        if cmd == "/mvtap/add_endpoint":
            if param.startswith("name=dup,"):
                return {"error": "endpoint 'dup' already exists"}
            return {"result": "ok"}
        if cmd == "/mvtap/del_endpoint":
            if param == "zzz":
                return {"error": "no endpoint named 'zzz'"}
            return {"result": "ok"}
        if cmd == "/mvtap/set_policy":
            return {"result": "ok"}
        if cmd == "/mvtap/del_policy":
            return {"error": "no policy for 02:00:00:00:00:99"}
        if cmd == "/mvtap/rebalance":
            return {"result": "ok"}
        return None

    def count_conns(self):
        """(connections open, accepted, most at once) since the last call."""
        with self.lock:
            r = (len(self.conns), self.accepted, self.most_conns)
            self.accepted, self.most_conns = 0, len(self.conns)
        return r

    def drop_conns(self):
        """Close every connection, as a switch that exits does."""
        with self.lock:
            conns = list(self.conns)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def take_requests(self):
        with self.lock:
            r, self.requests = self.requests, []
        return r

    def close(self):
        self.sock.close()


class EscapedSwitch(FakeSwitch):
    """Endpoints and a policy whose names have '-' and '.': the keys carry
    them as "/2d" and "/2e", as DPDK takes neither in a key."""

    NAMES = {"vm-1": "vm/2d1", "vm.2": "vm/2e2"}

    def endpoints(self):
        e = FakeSwitch.endpoints(self)
        return {"vm/2d1": e["a"], "vm/2e2": e["b"]}

    def reply(self, cmd, param):
        if cmd == "/mvtap/endpoint":
            d = FakeSwitch.reply(self, cmd, self.NAMES.get(param))
            if d is not None:
                d["name"] = param
            return d
        if cmd == "/mvtap/policies":
            p = FakeSwitch.reply(self, cmd, param)
            return {"vm/2d1/out": p["p\n1"]}
        return FakeSwitch.reply(self, cmd, param)


class MuteServer(Listener):
    """Accepts and closes at once: what a switch with too many clients does."""

    def __init__(self, path):
        super().__init__(path, 4)

    def handle(self, conn):
        conn.close()


# ---- helpers ---------------------------------------------------------------

def child_env(runtime_dir=None):
    env = dict(os.environ)
    env.pop("RUNTIME_DIRECTORY", None)
    if runtime_dir is not None:
        env["RUNTIME_DIRECTORY"] = runtime_dir
    return env


def ctl(*args, env=None):
    p = subprocess.run([sys.executable, CTL] + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, timeout=30,
                       env=env or child_env())
    return p.returncode, p.stdout, p.stderr


def expect(args, rc, out=None, err=None, env=None):
    got_rc, got_out, got_err = ctl(*args, env=env)
    what = "mvtap-ctl " + " ".join(args)
    check_eq(got_rc, rc, what + ": exit status")
    if out is not None:
        check_eq(got_out, out, what + ": stdout")
    if err is not None:
        check_eq(got_err, err, what + ": stderr")
    return got_out, got_err


def default_runtime_base():
    if os.getuid() == 0:
        return "/var/run"
    return os.environ.get("XDG_RUNTIME_DIR") or "/tmp"


class Exporter:
    def __init__(self, *args):
        self.proc = subprocess.Popen(
            [sys.executable, EXPORTER, "--listen", "127.0.0.1:0"] +
            list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            universal_newlines=True, env=child_env())
        line = self.proc.stdout.readline()
        m = re.match(r"mvtap-exporter: serving "
                     r"http://127\.0\.0\.1:(\d+)/metrics$", line.strip())
        if not m:
            self.proc.kill()
            err = self.proc.stderr.read()
            self.stop()
            raise RuntimeError("exporter did not start: %r %r" % (line, err))
        self.base = "http://127.0.0.1:%s" % m.group(1)

    def get(self, path="/metrics"):
        try:
            with urllib.request.urlopen(self.base + path, timeout=20) as r:
                return r.status, r.headers.get("Content-Type"), \
                    r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.headers.get("Content-Type"), e.read().decode()

    def stop(self):
        """Stops the exporter; its stderr is then in self.stderr."""
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.stderr = self.proc.stderr.read()
        self.proc.stdout.close()
        self.proc.stderr.close()


def scrape_up(exp):
    """(HTTP status, whether mvtap_up is 1) of one scrape."""
    status, _, text = exp.get()
    return status, "mvtap_up 1" in text.splitlines()


SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)'
                    r'(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})?'
                    r' (\S+)$')


def check_exposition(text, what):
    """Well-formed text format: HELP and TYPE once per family, before its
    samples; every sample line parses; the text ends with a newline."""
    check(text.endswith("\n"), what + ": ends with a newline")
    typed, helped, seen_samples = {}, set(), set()
    for line in text.splitlines():
        if line.startswith("# HELP "):
            name = line.split(" ")[2]
            check(name not in helped, what + ": one HELP for " + name)
            check(name not in seen_samples, what + ": HELP of %s before "
                  "its samples" % name)
            helped.add(name)
        elif line.startswith("# TYPE "):
            _, _, name, mtype = line.split(" ")
            check(name not in typed, what + ": one TYPE for " + name)
            check(mtype in ("counter", "gauge"), what + ": type of " + name)
            typed[name] = mtype
        else:
            m = SAMPLE.match(line)
            check(m is not None, what + ": sample line %r" % line)
            if m:
                check(m.group(1) in typed, what + ": TYPE before %s"
                      % m.group(1))
                seen_samples.add(m.group(1))
                float(m.group(3))
                if typed.get(m.group(1)) == "counter":
                    check(m.group(1).endswith("_total"),
                          what + ": counter %s ends in _total" % m.group(1))


# ---- the tests -------------------------------------------------------------

def test_ctl_read(sw, sock):
    s = ["--socket", sock]
    expect(s + ["list"], 0, out=(
        "NAME       MAC                MODE     STATE           RX-PKTS"
        "  TX-PKTS  DROPS\n"
        "a          02:00:00:00:00:0a  bridge   up                  100"
        "      200      7\n"
        "b          02:00:00:00:00:0b  vepa     waiting               0"
        "        0      0\n"
        'odd"na\\me  02:00:00:00:00:0c  private  down     12345678901234'
        "        2      0\n"), err="")
    check_eq(sw.take_requests(), ["/mvtap/endpoints", "/mvtap/endpoints,2"],
             "list follows next")

    out, _ = expect(s + ["--json", "list"], 0, err="")
    check_eq(json.loads(out), {"/mvtap/endpoints": sw.endpoints()},
             "list --json: all pages merged, no next")
    out, _ = expect(s + ["list", "--json"], 0, err="")
    check_eq(json.loads(out), {"/mvtap/endpoints": sw.endpoints()},
             "list --json after the verb")

    expect(s + ["show", "a"], 0, out=(
        "name         a\n"
        "mac          02:00:00:00:00:0a\n"
        "mode         bridge\n"
        "state        up\n"
        "socket       /tmp/mvt/a.sock\n"
        "role         server\n"
        "queues       1\n"
        "queue_pairs  0\n"
        "features     0x0\n"
        "connects     0\n"
        "rx_packets   100\n"
        "rx_bytes     125000\n"
        "tx_packets   200\n"
        "tx_bytes     250000\n"
        "multicast    3\n"
        "drops        7\n"
        "drops_by_reason:\n"
        "  no_dest     5\n"
        "  rate_limit  2\n"
        "  malformed   0\n"
        "  ring_full   0\n"), err="")
    check_eq(sw.take_requests()[-1], "/mvtap/endpoint,a", "show request")
    out, _ = expect(s + ["--json", "show", "b"], 0, err="")
    check_eq(json.loads(out)["/mvtap/endpoint"]["drops_by_reason"], drops(),
             "show --json")

    expect(s + ["show", "nosuch"], 1, out="",
           err="mvtap-ctl: no endpoint named 'nosuch'\n")

    expect(s + ["lcores"], 0, out=(
        "LCORE   BUSY  CYCLES/PKT  BY-POLL  PACKETS  SLEEPS  WAKEUPS  POLLS\n"
        "    1  25.0%        25.0     20.0       10      40        7  "
        "lower:0 a:0\n"
        "    2      -           -        -        0       0        0  "
        "b:0\n"), err="")

    out, _ = expect(s + ["lower"], 0, err="")
    lines = out.splitlines()
    check_eq(lines[0], "device           net_null0,no-rx=1", "lower line 1")
    check("link             up" in lines, "lower shows the link")
    check_eq(lines[-5:], ["drops_by_reason:", "  malformed   9",
                          "  no_dest     0", "  ring_full   0",
                          "  rate_limit  0"], "lower drops by reason")

    expect(s + ["policies"], 0, out=(
        "NAME  MAC                DIR  RATE-KBPS  CONFORM-PKTS"
        "  CONFORM-BYTES  EXCEED-PKTS  EXCEED-BYTES\n"
        "p\\n1  02:00:00:00:00:0a  out       1000             5"
        "            500            1           100\n"), err="")

    sw.disabled = {"/mvtap/policies"}
    expect(s + ["policies"], 1, out="",
           err="mvtap-ctl: this dpdk-mvtap does not support policies\n")
    sw.disabled = {"/mvtap/endpoints"}
    expect(s + ["list"], 1, out="", err="mvtap-ctl: no reply to "
           "/mvtap/endpoints (is this a dpdk-mvtap?)\n")
    sw.disabled = set()


def test_ctl_write(sw, sock):
    s = ["--socket", sock]
    sw.take_requests()
    spec = "name=x,mac=02:00:00:00:00:0e,mode=bridge,socket=/tmp/x.sock"
    expect(s + ["add-endpoint", spec], 0, out="ok\n", err="")
    expect(s + ["add-endpoint", "name=dup,mac=02:00:00:00:00:0f"], 1,
           out="", err="mvtap-ctl: endpoint 'dup' already exists\n")
    expect(s + ["del-endpoint", "x"], 0, out="ok\n", err="")
    expect(s + ["del-endpoint", "zzz"], 1, out="",
           err="mvtap-ctl: no endpoint named 'zzz'\n")
    expect(s + ["set-policy", "mac=02:00:00:00:00:0a,rate=1000"], 0,
           out="ok\n", err="")
    expect(s + ["del-policy", "02:00:00:00:00:99"], 1, out="",
           err="mvtap-ctl: no policy for 02:00:00:00:00:99\n")
    expect(s + ["rebalance"], 0, out="ok\n", err="")
    check_eq(sw.take_requests(), [
        "/mvtap/add_endpoint," + spec,
        "/mvtap/add_endpoint,name=dup,mac=02:00:00:00:00:0f",
        "/mvtap/del_endpoint,x",
        "/mvtap/del_endpoint,zzz",
        "/mvtap/set_policy,mac=02:00:00:00:00:0a,rate=1000",
        "/mvtap/del_policy,02:00:00:00:00:99",
        "/mvtap/rebalance"], "write requests")

    out, _ = expect(s + ["--json", "rebalance"], 0, err="")
    check_eq(json.loads(out), {"/mvtap/rebalance": {"result": "ok"}},
             "rebalance --json")
    out, _ = expect(s + ["--json", "del-endpoint", "zzz"], 1, err="")
    check_eq(json.loads(out), {"/mvtap/del_endpoint":
                               {"error": "no endpoint named 'zzz'"}},
             "del-endpoint --json error")

    for verb, cmd, arg in (("add-endpoint", "/mvtap/add_endpoint", spec),
                           ("del-endpoint", "/mvtap/del_endpoint", "x"),
                           ("set-policy", "/mvtap/set_policy", "mac=x"),
                           ("del-policy", "/mvtap/del_policy", "x"),
                           ("rebalance", "/mvtap/rebalance", None)):
        sw.disabled = {cmd}
        expect(s + [verb] + ([arg] if arg else []), 1, out="",
               err="mvtap-ctl: this dpdk-mvtap does not support %s\n" % verb)
    sw.disabled = set()

    expect(s + ["add-endpoint", "x" * 2000], 1, out="",
           err="mvtap-ctl: request too long (2020 bytes, at most 1023)\n")


def parse_stats(out):
    """[(header line, {name: [state, rx, tx, rxm, txm, drops]})] per table."""
    tables = []
    for block in out.strip("\n").split("\n\n"):
        lines = block.splitlines()
        rows = {}
        for line in lines[2:]:
            f = line.rsplit(None, 6)
            rows[f[0]] = f[1:]
        tables.append((lines[0], lines[1], rows))
    return tables


def near(got, want, tol=0.2):
    return abs(float(got) - want) <= tol * want


def test_ctl_stats(sw, sock):
    s = ["--socket", sock]
    sw.dynamic = True
    t = time.monotonic()
    out, _ = expect(s + ["stats", "--watch", "0.5", "--count", "2"], 0,
                    err="")
    took = time.monotonic() - t
    check(0.9 <= took < 10, "stats --watch 0.5 --count 2 takes ~1 s "
          "(took %.2f s)" % took)
    tables = parse_stats(out)
    check_eq(len(tables), 2, "stats --count 2 prints two tables")
    for summary, header, rows in tables:
        check(re.match(r"3 endpoints over 0\.\d s: rx \d+ pps [\d.]+ "
                       r"Mbit/s, tx \d+ pps [\d.]+ Mbit/s, drops \d+/s$",
                       summary) is not None, "stats summary %r" % summary)
        check_eq(header.split(), ["NAME", "STATE", "RX-PPS", "TX-PPS",
                                  "RX-MBIT/S", "TX-MBIT/S", "DROPS/S"],
                 "stats header")
        check_eq(list(rows), ["a", "b", ODD], "stats order: busiest first")
        a, b, c = rows["a"], rows["b"], rows[ODD]
        check(a[0] == "up" and near(a[1], 10000) and near(a[2], 5000)
              and near(a[3], 100.0) and near(a[4], 50.0) and a[5] == "0",
              "stats a: %r" % a)
        check(b[0] == "waiting" and b[1:5] == ["0", "0", "0.00", "0.00"]
              and near(b[5], 1000), "stats b: %r" % b)
        check_eq(c, ["down", "0", "0", "0.00", "0.00", "0"], "stats odd")

    t = time.monotonic()
    out, _ = expect(s + ["stats"], 0, err="")
    took = time.monotonic() - t
    check(0.9 <= took < 10, "stats samples over 1 s (took %.2f s)" % took)
    tables = parse_stats(out)
    check_eq(len(tables), 1, "stats prints one table")
    check(tables and tables[0][0].startswith("3 endpoints over 1.0 s:"),
          "stats over 1 s")

    out, _ = expect(s + ["--json", "stats", "--watch", "0.2", "--count",
                         "1"], 0, err="")
    r = json.loads(out)
    check(near(r["endpoints"]["a"]["rx_pps"], 10000) and
          near(r["endpoints"]["a"]["rx_mbps"], 100.0) and
          r["endpoints"][ODD]["tx_pps"] == 0, "stats --json: %r" % r)
    sw.dynamic = False


def test_ctl_errors(tmp, sock):
    prefix = "mvtap-test-none-%d" % os.getpid()
    path = os.path.join(default_runtime_base(), "dpdk", prefix,
                        "dpdk_telemetry.v2")
    if os.getuid() == 0:
        check_eq(path, "/var/run/dpdk/%s/dpdk_telemetry.v2" % prefix,
                 "the root runtime directory")
    unit_path = "/run/dpdk-mvtap/dpdk/%s/dpdk_telemetry.v2" % prefix
    expect(["-f", prefix, "list"], 1, out="",
           err="mvtap-ctl: no dpdk-mvtap with file prefix '%s' (no socket "
           "%s or %s)\n" % (prefix, path, unit_path))
    missing = os.path.join(tmp, "missing.sock")
    expect(["--socket", missing, "list"], 1, out="",
           err="mvtap-ctl: no dpdk-mvtap at %s (no such socket %s)\n"
           % (missing, missing))

    # -f resolves the socket under the runtime directory.
    expect(["-f", "fake", "show", "nosuch"], 1, out="",
           err="mvtap-ctl: no endpoint named 'nosuch'\n",
           env=child_env(tmp))
    expect(["-f", "fake", "rebalance"], 0, out="ok\n", err="",
           env=child_env(tmp))

    # A socket file nobody listens on: what a killed switch leaves behind.
    stale_dir = os.path.join(tmp, "dpdk", "stale")
    os.makedirs(stale_dir)
    stale = os.path.join(stale_dir, "dpdk_telemetry.v2")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.bind(stale)
    s.close()
    expect(["-f", "stale", "list"], 1, out="",
           err="mvtap-ctl: dpdk-mvtap with file prefix 'stale' is not "
           "answering\n", env=child_env(tmp))
    expect(["--socket", stale, "lcores"], 1, out="",
           err="mvtap-ctl: dpdk-mvtap at %s is not answering\n" % stale)

    mute = os.path.join(tmp, "mute.sock")
    MuteServer(mute)
    expect(["--socket", mute, "list"], 1, out="",
           err="mvtap-ctl: dpdk-mvtap at %s is not answering\n" % mute)

    # Usage errors: exit 2.
    for args in ([], ["--socket", sock], ["--socket", sock, "frob"],
                 ["--socket", sock, "show"],
                 ["-f", "x", "--socket", sock, "list"],
                 ["--socket", sock, "stats", "--count", "0"],
                 ["--socket", sock, "stats", "--watch", "-1"]):
        rc, out, err = ctl(*args)
        check_eq(rc, 2, "usage error %r: exit status" % args)
        check(out == "" and err.startswith("usage: mvtap-ctl"),
              "usage error %r: message" % args)


UNIT = os.path.join(HERE, "..", "config", "dpdk-mvtap.service")


def unit_service_keys(path):
    """{key: [values]} of the [Service] section of a systemd unit."""
    keys, section = {}, None
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line[0] in "#;":
                continue
            if line.startswith("["):
                section = line
                continue
            key, _, value = line.partition("=")
            if section == "[Service]":
                keys.setdefault(key.strip(), []).append(value.strip())
    return keys


def unit_switch_env(keys):
    """The $RUNTIME_DIRECTORY systemd gives the unit's process (None when
    it gives none): RuntimeDirectory= sets it below /run, UnsetEnvironment=
    removes it last."""
    dirs = " ".join(keys.get("RuntimeDirectory", [])).split()
    unset = " ".join(keys.get("UnsetEnvironment", [])).split()
    if not dirs or "RUNTIME_DIRECTORY" in unset:
        return None
    return ":".join("/run/" + d for d in dirs)


def eal_socket_path(runtime_directory, prefix):
    """Where DPDK 22.11's EAL, as root, puts the telemetry socket
    (eal_create_runtime_dir(): $RUNTIME_DIRECTORY, else /var/run)."""
    base = runtime_directory or "/var/run"
    return os.path.join(base, "dpdk", prefix, "dpdk_telemetry.v2")


def serve_fake_at(path, made):
    """A FakeSwitch at path; the directories created are added to made."""
    missing = []
    d = os.path.dirname(path)
    while not os.path.isdir(d):
        missing.append(d)
        d = os.path.dirname(d)
    for d in reversed(missing):
        os.mkdir(d, 0o750)
        made.append(d)
    return FakeSwitch(path)


def test_unit_runtime_dir():
    """mvtap-ctl and mvtap-exporter find the switch the shipped unit
    starts: the fake listens where EAL puts the socket under the unit's
    environment, the tools run in a root shell's (no $RUNTIME_DIRECTORY)."""
    keys = unit_service_keys(UNIT)
    exec_start = keys.get("ExecStart", [""])[0].split()
    check("--file-prefix" in exec_start and
          exec_start[exec_start.index("--file-prefix") + 1] == "mvtap",
          "the unit starts the switch with --file-prefix mvtap")
    env = unit_switch_env(keys)
    check_eq(env, None, "the unit gives the switch no $RUNTIME_DIRECTORY")
    if os.getuid() != 0:
        print("skip: the unit's switch runs as root; the socket checks "
              "need root")
        return
    # The unit's prefix is mvtap; a prefix of this test keeps a running
    # switch out of it.
    made = []
    fakes = []
    try:
        prefix = "mvtap-unit-%d" % os.getpid()
        path = eal_socket_path(env, prefix)
        fakes.append(serve_fake_at(path, made))
        out, _ = expect(["-f", prefix, "stats"], 0, err="")
        check(out.startswith("3 endpoints over 1.0 s: "),
              "stats against the unit's switch: %r" % out[:60])
        exp = Exporter("-f", prefix)
        try:
            check_eq(scrape_up(exp), (200, True),
                     "exporter -f against the unit's switch")
        finally:
            exp.stop()

        # A switch started by a copy of the unit from before it unset
        # $RUNTIME_DIRECTORY keeps its socket below /run/dpdk-mvtap.
        old = "mvtap-unit-old-%d" % os.getpid()
        fakes.append(serve_fake_at(
            eal_socket_path("/run/dpdk-mvtap", old), made))
        out, _ = expect(["-f", old, "stats"], 0, err="")
        check(out.startswith("3 endpoints over 1.0 s: "),
              "stats against a switch of the unit's old layout: %r"
              % out[:60])
    finally:
        for fake in fakes:
            fake.close()
            os.unlink(fake.path)
        for d in reversed(made):
            try:
                os.rmdir(d)
            except OSError:
                pass


def metric_lines(text):
    return [l for l in text.splitlines() if not l.startswith("#")]


def test_exporter(sw, sock, tmp):
    exp = Exporter("--socket", sock)
    try:
        status, ctype, text = exp.get()
        check_eq(status, 200, "scrape status")
        check_eq(ctype, "text/plain; version=0.0.4; charset=utf-8",
                 "scrape content type")
        check_exposition(text, "scrape")
        lines = text.splitlines()
        check_eq(lines[:3], ["# HELP mvtap_up 1 when the dpdk-mvtap "
                             "telemetry socket answered this scrape.",
                             "# TYPE mvtap_up gauge", "mvtap_up 1"],
                 "mvtap_up first")
        samples = set(metric_lines(text))
        want = [
            'mvtap_endpoint_rx_packets_total{endpoint="a",'
            'mac="02:00:00:00:00:0a",mode="bridge"} 100',
            'mvtap_endpoint_rx_bytes_total{endpoint="a",'
            'mac="02:00:00:00:00:0a",mode="bridge"} 125000',
            'mvtap_endpoint_tx_packets_total{endpoint="a",'
            'mac="02:00:00:00:00:0a",mode="bridge"} 200',
            'mvtap_endpoint_tx_bytes_total{endpoint="a",'
            'mac="02:00:00:00:00:0a",mode="bridge"} 250000',
            'mvtap_endpoint_rx_packets_total{endpoint="odd\\"na\\\\me",'
            'mac="02:00:00:00:00:0c",mode="private"} 12345678901234',
            'mvtap_endpoint_up{endpoint="a"} 1',
            'mvtap_endpoint_up{endpoint="b"} 0',
            'mvtap_endpoint_up{endpoint="odd\\"na\\\\me"} 0',
            'mvtap_endpoint_drops_total{endpoint="a",reason="no_dest"} 5',
            'mvtap_endpoint_drops_total{endpoint="a",reason="rate_limit"} 2',
            'mvtap_endpoint_drops_total{endpoint="a",reason="malformed"} 0',
            'mvtap_endpoint_drops_total{endpoint="odd\\"na\\\\me",'
            'reason="ring_full"} 0',
            'mvtap_lower_rx_packets_total 11',
            'mvtap_lower_rx_bytes_total 22',
            'mvtap_lower_tx_packets_total 33',
            'mvtap_lower_tx_bytes_total 44',
            'mvtap_lower_drops_total{reason="malformed"} 9',
            'mvtap_lower_drops_total{reason="no_dest"} 0',
            'mvtap_lower_link_up 1',
            'mvtap_lower_info{device="net_null0,no-rx=1",port_id="0",'
            'mac="02:00:00:00:00:01"} 1',
            'mvtap_lcore_busy_ratio{lcore="1"} 0.25',
            'mvtap_lcore_packets_total{lcore="1"} 10',
            'mvtap_lcore_packets_total{lcore="2"} 0',
            'mvtap_lcore_poll_busy_cycles_total{lcore="1"} 200',
            'mvtap_lcore_sleeps_total{lcore="1"} 40',
            'mvtap_lcore_wakeups_total{lcore="1"} 7',
            'mvtap_lcore_queues_busy{lcore="1"} 1',
            'mvtap_lcore_queues_idle{lcore="1"} 3',
            'mvtap_policy_conform_packets_total{policy="p\\n1",'
            'mac="02:00:00:00:00:0a"} 5',
            'mvtap_policy_conform_bytes_total{policy="p\\n1",'
            'mac="02:00:00:00:00:0a"} 500',
            'mvtap_policy_exceed_packets_total{policy="p\\n1",'
            'mac="02:00:00:00:00:0a"} 1',
            'mvtap_policy_exceed_bytes_total{policy="p\\n1",'
            'mac="02:00:00:00:00:0a"} 100',
            'mvtap_mirror_tx_packets_total{mirror="m1",dst="b"} 64',
            'mvtap_mirror_tx_bytes_total{mirror="m1",dst="b"} 4096',
            'mvtap_mirror_drops_total{mirror="m1",reason="ring_full"} 3',
            'mvtap_capture_written_total{port="a"} 70',
            'mvtap_capture_ring_full_total{port="a"} 7',
            'mvtap_capture_no_mbuf_total{port="a"} 1',
        ]
        for w in want:
            check(w in samples, "scrape has %s" % w)
        check(not any(l.startswith('mvtap_lcore_busy_ratio{lcore="2"}')
                      for l in samples), "no busy ratio without cycles")
        check_eq(len([l for l in samples
                      if l.startswith("mvtap_endpoint_drops_total")]), 12,
                 "one drops series per endpoint and reason")
        check("# TYPE mvtap_endpoint_rx_packets_total counter" in lines,
              "rx packets is a counter")
        check("# TYPE mvtap_lcore_busy_ratio gauge" in lines,
              "busy ratio is a gauge")
        check("# TYPE mvtap_lcore_queues_idle gauge" in lines,
              "idle queues is a gauge")
        check(not any(l.startswith('mvtap_lcore_queues_busy{lcore="2"}')
                      for l in samples), "no queue gauges when not reported")

        # Fresh on every scrape: counters move, policies can go away.
        sw.disabled = {"/mvtap/policies"}
        _, _, text = exp.get()
        check_exposition(text, "scrape without policies")
        check(not any(l.startswith("mvtap_policy")
                      for l in metric_lines(text)), "no policy series")
        check("mvtap_up 1" in text.splitlines(), "up without policies")
        sw.disabled = {"/mvtap/endpoints"}
        check_eq(exp.get(), (503, "text/plain; charset=utf-8",
                             "mvtap-exporter: dpdk-mvtap at %s gave no "
                             "/mvtap/endpoints (is this a dpdk-mvtap?)\n"
                             % sock), "not a dpdk-mvtap: 503 and why")
        sw.disabled = set()

        status, _, _ = exp.get("/nothing")
        check_eq(status, 404, "404 off /metrics")
        status, ctype, _ = exp.get("/")
        check_eq((status, ctype), (200, "text/html; charset=utf-8"),
                 "index page")
    finally:
        exp.stop()


    p = subprocess.run([sys.executable, EXPORTER, "--help"],
                       stdout=subprocess.PIPE, universal_newlines=True,
                       timeout=30)
    check(p.returncode == 0 and "scrape_configs:" in p.stdout and
          "targets: ['127.0.0.1:9489']" in p.stdout,
          "exporter --help shows a scrape config")
    p = subprocess.run([sys.executable, EXPORTER, "--listen", "nonsense"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, timeout=30)
    check_eq(p.returncode, 2, "exporter --listen nonsense: exit status")


def scrape_together(exp, n):
    """n scrapes at once: [(status, body)] in no particular order."""
    results = []

    def one():
        status, _, text = exp.get()
        with lock:
            results.append((status, text))
    lock = threading.Lock()
    threads = [threading.Thread(target=one) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_exporter_connections(sw, sock, tmp):
    """One telemetry connection whatever the scrapes, a new one when it
    breaks; 503 and the reason, in one line, when the switch is away."""
    sw.count_conns()
    exp = Exporter("--socket", sock)
    try:
        check_eq(sw.count_conns(), (0, 0, 0), "no connection before a "
                 "scrape")
        sw.delay = 0.005        # so that the scrapes overlap
        results = scrape_together(exp, 16)
        sw.delay = 0.0
        check_eq(sorted(set((st, "mvtap_up 1" in t.splitlines())
                            for st, t in results)), [(200, True)],
                 "16 scrapes at once all answered")
        check_eq(len(results), 16, "16 scrapes at once: 16 answers")
        check_eq(sw.count_conns(), (1, 1, 1), "16 scrapes at once: one "
                 "telemetry connection, kept open")
        # The operator still gets in.
        expect(["--socket", sock, "list"], 0, err="")
        time.sleep(0.1)
        sw.count_conns()

        # The switch restarted: the scrape after reconnects, and succeeds.
        sw.drop_conns()
        time.sleep(0.2)
        check_eq(scrape_up(exp), (200, True),
                 "scrape after the connection broke")
        check_eq(sw.count_conns(), (1, 1, 1), "one new connection after "
                 "the old one broke")
        check(exp.proc.poll() is None, "exporter still running")
    finally:
        exp.stop()
    check_eq(exp.stderr, "", "exporter: nothing on stderr while the "
             "switch answers")

    missing = os.path.join(tmp, "later.sock")
    exp = Exporter("--socket", missing)
    try:
        why = ("mvtap-exporter: no dpdk-mvtap at %s (no such socket %s)\n"
               % (missing, missing))
        for i in range(2):
            check_eq(exp.get(), (503, "text/plain; charset=utf-8", why),
                     "no switch, scrape %d: 503 and why" % (i + 1))
        check(exp.proc.poll() is None, "exporter still running without a "
              "switch")
        later = FakeSwitch(missing)
        try:
            check_eq(scrape_up(exp), (200, True),
                     "scrape once the switch is there")
        finally:
            later.close()
    finally:
        exp.stop()
    check_eq(exp.stderr, why + "mvtap-exporter: dpdk-mvtap at %s answers "
             "again\n" % missing, "exporter stderr: the reason once, then "
             "the recovery")

    mute = os.path.join(tmp, "mute-exp.sock")
    MuteServer(mute)
    exp = Exporter("--socket", mute)
    try:
        check_eq(exp.get(), (503, "text/plain; charset=utf-8",
                             "mvtap-exporter: dpdk-mvtap at %s is not "
                             "answering\n" % mute),
                 "a switch with all its telemetry clients taken: 503")
    finally:
        exp.stop()


def test_escaped_names(tmp):
    """Names with '-' and '.' come out as they are, not as their keys."""
    sock = os.path.join(tmp, "escaped.sock")
    sw = EscapedSwitch(sock)
    try:
        s = ["--socket", sock]
        expect(s + ["list"], 0, out=(
            "NAME  MAC                MODE    STATE    RX-PKTS  TX-PKTS"
            "  DROPS\n"
            "vm-1  02:00:00:00:00:0a  bridge  up           100      200"
            "      7\n"
            "vm.2  02:00:00:00:00:0b  vepa    waiting        0        0"
            "      0\n"), err="")
        out, _ = expect(s + ["--json", "list"], 0, err="")
        check_eq(sorted(json.loads(out)["/mvtap/endpoints"]),
                 ["vm-1", "vm.2"], "list --json: by name")
        out, _ = expect(s + ["policies"], 0, err="")
        check_eq(out.splitlines()[1].split()[:2],
                 ["vm-1/out", "02:00:00:00:00:0a"], "policies: by name")
        exp = Exporter("--socket", sock)
        try:
            _, _, text = exp.get()
        finally:
            exp.stop()
        samples = set(metric_lines(text))
        for w in ('mvtap_endpoint_up{endpoint="vm-1"} 1',
                  'mvtap_endpoint_up{endpoint="vm.2"} 0',
                  # asked for by name: /mvtap/endpoint,vm-1
                  'mvtap_endpoint_drops_total{endpoint="vm-1",'
                  'reason="no_dest"} 0',
                  'mvtap_policy_conform_packets_total{policy="vm-1/out",'
                  'mac="02:00:00:00:00:0a"} 5'):
            check(w in samples, "scrape by name has %s" % w)
    finally:
        sw.close()


def test_c2c(c2c):
    """mvtap-c2c: three ordered figures, and one-line errors."""
    def run(*args):
        return subprocess.run([c2c] + list(args), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, timeout=30)
    if (os.cpu_count() or 1) >= 2:
        r = run("0", "1", "1000", "3")
        check(r.returncode == 0, "c2c: exit %d: %s" % (r.returncode,
                                                       r.stderr))
        m = re.fullmatch(r"(\d+\.\d) (\d+\.\d) (\d+\.\d)\n", r.stdout)
        check(m is not None, "c2c: output %r" % r.stdout)
        if m:
            med, lo, hi = (float(x) for x in m.groups())
            check(0 < lo <= med <= hi, "c2c: not min <= median <= max: %r"
                  % r.stdout)
    for args, rc, err in (
            (("0",), 2, "usage: mvtap-c2c [CPU_A CPU_B [ROUND_TRIPS "
             "[SAMPLES]]]\n"),
            (("0", "1", "x"), 2, "mvtap-c2c: ROUND_TRIPS: not a number up "
             "to 100000000: x\n"),
            (("0", "1", "10", "0"), 2, "mvtap-c2c: ROUND_TRIPS and SAMPLES "
             "must be at least 1\n"),
            (("0", "1024"), 2, "mvtap-c2c: CPU_B: not a number up to "
             "1023: 1024\n"),
            (("0", "1000"), 1, "mvtap-c2c: cannot run on CPU 1000\n")):
        r = run(*args)
        check((r.returncode, r.stdout, r.stderr) == (rc, "", err),
              "c2c %s: got exit %d, %r, %r" % (" ".join(args), r.returncode,
                                               r.stdout, r.stderr))


def test_bench_stats():
    """mvtap-bench's paired statistics on known inputs: identical ratios
    give a zero-width interval, shifted samples the verdict they show, and
    the same input the same interval every time."""
    sys.path.insert(0, USERTOOLS)
    from mvtap_bench import stats
    p = stats.paired_ratio([0.9] * 20, lower_is_better=True)
    check_eq(p["ci95"], [0.9, 0.9], "bootstrap of identical ratios")
    check_eq(p["verdict"], "ahead", "0.9 in cycles per frame")
    check_eq(stats.paired_ratio([1.0] * 5, True)["verdict"], "level",
             "identical ratios of 1.00")
    check_eq(stats.paired_ratio([0.9] * 20, False)["verdict"], "behind",
             "0.9 in loop rate")
    # 20 rounds spread +-0.04 around 1.10: all above 1.00
    shifted = [1.10 + 0.04 * ((7 * i) % 20 - 9.5) / 9.5 for i in range(20)]
    p = stats.paired_ratio(shifted, lower_is_better=True)
    check(1.0 < p["ci95"][0] <= p["median"] <= p["ci95"][1] < 1.14,
          "interval of a sample shifted to 1.10: %r" % p["ci95"])
    check_eq(p["verdict"], "behind", "cycles 10 % above the peer's")
    check_eq(stats.paired_ratio(shifted, False)["verdict"], "ahead",
             "loop rate 10 % above the peer's")
    # the same sample around 1.00: the interval holds 1.00
    centred = [x - 0.10 for x in shifted]
    check_eq(stats.paired_ratio(centred, True)["verdict"], "level",
             "a sample centred on 1.00")
    check_eq(stats.paired_ratio(shifted, True), p, "same input, same output")
    check_eq(stats.paired_ratio([None, 1.2], True)["n"], 1,
             "rounds without a ratio are left out")
    check(stats.paired_ratio([None], True) is None, "no ratio, no result")
    check_eq(stats.fmt_paired(stats.paired_ratio([0.9] * 3, True)),
             "0.90 [0.90-0.90] ahead (3)", "formatted")
    # the interval narrows as the rounds grow
    wide = stats.bootstrap_interval(shifted[:5])
    narrow = stats.bootstrap_interval(shifted * 4)
    check(narrow[1] - narrow[0] < wide[1] - wide[0],
          "80 rounds give a narrower interval than 5: %r, %r" % (narrow,
                                                                 wide))


def test_bench_baseline():
    """mvtap-bench --baseline: each dpdk-mvtap configuration runs again
    with the baseline right after it, the two take turns to go first, and
    the ratios to it are paired within the rounds."""
    import argparse
    sys.path.insert(0, USERTOOLS)
    from mvtap_bench import matrix, report
    args = argparse.Namespace(
        sizes=[64], scenarios=["pair", "many-pairs"],
        switches=["mvtap", "testpmd"], modes=["bridge"], endpoints=[2],
        large_endpoints=None, policies=[0], lowers=[1], broadcast_shares=[],
        baseline="/some/older/dpdk-mvtap")
    cfgs = matrix.build_matrix(args, False)
    names = [matrix.cfg_name(c) for c in cfgs]
    check_eq(names, ["mvtap-bridge-64B-ep16-pol0-many-pairs",
                     "mvtap-bridge-64B-ep16-pol0-many-pairs-baseline",
                     "testpmd-64B-many-pairs",
                     "mvtap-bridge-64B-ep2-pol0",
                     "mvtap-bridge-64B-ep2-pol0-baseline",
                     "testpmd-64B"], "configurations with a baseline")
    check_eq([matrix.cfg_name(c) for c in matrix.round_order(cfgs, 1)],
             [names[1], names[0], names[2], names[4], names[3], names[5]],
             "the baseline first in odd rounds")
    check_eq(matrix.round_order(cfgs, 2), cfgs, "and after in even ones")
    # 3 rounds: dpdk-mvtap at 0.9 of the baseline's cycles, 1.1 of its rate
    samples = []
    for rep in (1, 2, 3):
        for c, cyc, mpps in ((cfgs[3], 180.0 + rep, 5.5 + rep),
                             (cfgs[4], (180.0 + rep) / 0.9,
                              (5.5 + rep) / 1.1),
                             (cfgs[5], 150.0, 7.0)):
            samples.append({"name": matrix.cfg_name(c), "rep": rep,
                            "ok": True, "mpps": mpps, "gbps": 1.0,
                            "cycles_per_packet": cyc,
                            "cycles_per_packet_polls": cyc,
                            "other_cpus": 0.0, "placement": "near"})
    rows = {r["name"]: r for r in report.summarise(cfgs[3:], samples)}
    p = rows[names[3]]["paired"]
    check_eq(round(p["cycles_per_packet_vs_baseline"]["median"], 6), 0.9,
             "cycles vs baseline")
    check_eq(p["cycles_per_packet_vs_baseline"]["verdict"], "ahead",
             "fewer cycles than the baseline")
    check_eq(round(p["mpps_vs_baseline"]["median"], 6), 1.1,
             "rate vs baseline")
    check_eq(p["mpps_vs_baseline"]["n"], 3, "paired over the 3 rounds")
    check("mpps_vs_baseline" not in rows[names[4]]["paired"],
          "the baseline has no baseline")
    check("mpps_vs_testpmd" in rows[names[4]]["paired"],
          "the baseline against testpmd too")


def test_bench_wire_ring():
    """mvtap-bench --wire-ring: the station's virtio-user queues get that
    many descriptors (queue_size= and mvtap-loadgen --ring), and a
    configuration with other than the default 256 says so in its name."""
    import argparse
    sys.path.insert(0, USERTOOLS)
    from mvtap_bench import harness, matrix
    tmp = tempfile.mkdtemp(prefix="mvt-ring-")
    try:
        for ring, tag in ((256, "wire"), (1024, "wire-ring1024")):
            args = argparse.Namespace(
                sizes=[64], scenarios=["wire"], switches=["mvtap"],
                modes=["bridge"], endpoints=[2], large_endpoints=None,
                policies=[0], lowers=[1], broadcast_shares=[],
                baseline=None, wire_ring=ring, wire_dst=16)
            cfgs = matrix.build_matrix(args, False)
            check_eq([matrix.cfg_name(c) for c in cfgs],
                     ["mvtap-bridge-64B-ep16-pol0-" + tag],
                     "the wire with %d descriptors" % ring)
            gen = harness.WireGenerator(tmp, "/x/wire.sock",
                                        ["/x/e0.sock"], cfgs[0])
            station = gen.cmd[gen.cmd.index("--vdev") + 1]
            check_eq(station, "net_virtio_user0,path=/x/wire.sock,mac=%s,"
                     "queue_size=%d" % (harness.STATION, ring),
                     "the station's port")
            check_eq(gen.cmd[gen.cmd.index("--ring") + 1], str(ring),
                     "the station's descriptors")
            check_eq(gen.cmd[gen.cmd.index("--reflect") + 1], "16",
                     "every guest sends back")
        # --wire-dst 4: the station sends to 4 guests, which send back;
        # testpmd's chain, which needs every guest to, is left out
        args.wire_ring, args.wire_dst = 256, 4
        args.switches = ["mvtap", "testpmd", "ovs"]
        cfgs = matrix.build_matrix(args, True)
        check_eq([matrix.cfg_name(c) for c in cfgs],
                 ["mvtap-bridge-64B-ep16-pol0-wire-dst4",
                  "ovs-64B-wire-dst4"], "the wire to 4 guests")
        gen = harness.WireGenerator(tmp, "/x/wire.sock", ["/x/e0.sock"],
                                    cfgs[0])
        check_eq(gen.cmd[gen.cmd.index("--dst") + 1],
                 ",".join(harness.guest_mac(i) for i in range(4)),
                 "the station's destinations")
        check_eq(gen.cmd[gen.cmd.index("--reflect") + 1], "4",
                 "the guests that send back")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def test_bench_seed_gate():
    """The closed loop is seeded only on the prompt (start tx_first on
    stdin, none on the command line), once the switch counts every port
    up; OVS's count takes its vhost-user ports that are up, not the
    bridge's own interface nor a port still down."""
    sys.path.insert(0, USERTOOLS)
    from mvtap_bench import driver_ovs, harness
    tmp = tempfile.mkdtemp(prefix="mvt-seed-")
    try:
        gen = harness.Generator(tmp, ["/x/a.sock", "/x/b.sock"], 64)
        check("--tx-first" not in gen.cmd and "-i" in gen.cmd and
              gen.stdin_pipe, "the generator waits to be told to seed")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    listing = ("internal\nup\n\ndpdkvhostuser\nup\n\n"
               "dpdkvhostuser\ndown\n\ndpdkvhostuser\nup\n")
    check_eq(driver_ovs.vhost_ports_up(listing), 2,
             "OVS vhost-user ports up")
    check_eq(driver_ovs.vhost_ports_up(""), 0, "no interface, none up")


def main():
    if not hasattr(socket, "SOCK_SEQPACKET") or \
            not hasattr(socket, "AF_UNIX"):
        print("SKIP: no unix SOCK_SEQPACKET sockets here")
        return 77
    for tool in (CTL, EXPORTER):
        check(os.access(tool, os.X_OK), "%s is executable" % tool)
    tmp = tempfile.mkdtemp(prefix="mvt-ut-")
    try:
        sock_dir = os.path.join(tmp, "dpdk", "fake")
        os.makedirs(sock_dir)
        sock = os.path.join(sock_dir, "dpdk_telemetry.v2")
        sw = FakeSwitch(sock)
        for name, func, args in (
                ("ctl read verbs", test_ctl_read, (sw, sock)),
                ("ctl write verbs", test_ctl_write, (sw, sock)),
                ("ctl stats", test_ctl_stats, (sw, sock)),
                ("ctl errors", test_ctl_errors, (tmp, sock)),
                ("systemd unit", test_unit_runtime_dir, ()),
                ("bench seed gate", test_bench_seed_gate, ()),
                ("exporter", test_exporter, (sw, sock, tmp)),
                ("exporter connections", test_exporter_connections,
                 (sw, sock, tmp)),
                ("escaped names", test_escaped_names, (tmp,)),
                ("c2c", test_c2c, (C2C,)),
                ("bench statistics", test_bench_stats, ()),
                ("bench baseline", test_bench_baseline, ()),
                ("bench wire ring", test_bench_wire_ring, ())):
            try:
                func(*args)
            except Exception:
                traceback.print_exc()
                check(False, "%s: raised" % name)
            sw.disabled, sw.dynamic = set(), False
        sw.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    print("usertools: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())

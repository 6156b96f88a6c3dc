# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-mvtap authors
"""QEMU test guests attached to a vhost-user socket, driven over the serial
console.

The guest is the kernel and initramfs that build-guest.sh produces. Its /init
configures eth0 from "mvt.ip=" on the kernel command line (IPv6 off: the
guest sends nothing unasked), prints MVT-READY on the console and then runs
one command per line, answering each with the command's output and a line
"MVT-RC <exit status>". A failing /init prints "MVT-FAIL <reason>" and powers
off. The guest's tools are busybox applets (ip, ping, arping, nc, ...).

    from mvtguest import Guest, build_guest, guest_files, run_guest_test
    build_guest(cache)                      # 0 ok, 77 skip, else fail
    kernel, initrd = guest_files(cache)
    with Guest("g1", workdir, kernel, initrd, "/tmp/x/vhu1.sock",
               "52:54:00:00:00:01", "10.0.0.1/24") as g:
        g.wait_ready()
        assert g.ping("10.0.0.2")

Standard library and usertools/mvtap_proc.py only.
"""

import atexit
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time

QEMU = "qemu-system-x86_64"
READY = "MVT-READY"
FAIL_RE = re.compile(r"^MVT-FAIL ([^\n]*)\n", re.M)
RC_RE = re.compile(r"^MVT-RC (\d+)\n", re.M)
PING_RE = re.compile(r"(\d+) packets transmitted, (\d+) (?:packets )?received")

HERE = os.path.dirname(os.path.realpath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "usertools"))
import mvtap_proc  # noqa: E402
BUILD_SCRIPT = os.path.join(HERE, "build-guest.sh")

_live = set()
_live_lock = threading.Lock()


class GuestError(Exception):
    """The guest failed to boot, died, or did not answer in time."""


def build_guest(cache_dir):
    """Run build-guest.sh CACHE_DIR (output to this process's stdout and
    stderr); returns its exit status (0 ok, 77 tools not installable)."""
    return subprocess.run(["sh", BUILD_SCRIPT, cache_dir]).returncode


def guest_files(cache_dir):
    """(kernel, initrd) in a build-guest.sh cache directory. The kernel is
    vmlinux (PVH boot, ~3 s faster under TCG) when present, else vmlinuz."""
    kernel = os.path.join(cache_dir, "vmlinux")
    if not os.path.exists(kernel):
        kernel = os.path.join(cache_dir, "vmlinuz")
    return kernel, os.path.join(cache_dir, "initrd.img")


class Qmp:
    """A QMP connection to a QEMU started with qmp=PATH: command() sends
    one command and returns its "return" value; events are kept."""

    def __init__(self, path, timeout=30):
        import json
        import socket
        self._json = json
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise GuestError("QMP %s: cannot connect" % path)
                time.sleep(0.1)
        self.sock.settimeout(timeout)
        self.file = self.sock.makefile("rb")
        self.events = []
        self._read()    # the greeting
        self.command("qmp_capabilities")

    def _read(self):
        line = self.file.readline()
        if not line:
            raise GuestError("QMP: QEMU closed the connection")
        return self._json.loads(line)

    def command(self, name, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.sock.sendall(self._json.dumps(msg).encode() + b"\n")
        while True:
            r = self._read()
            if "event" in r:
                self.events.append(r)
            elif "error" in r:
                raise GuestError("QMP %s: %s" % (name, r["error"]))
            elif "return" in r:
                return r["return"]

    def close(self):
        for f in (self.file, self.sock):
            try:
                f.close()
            except OSError:
                pass


def _stop_all():
    with _live_lock:
        guests = list(_live)
    for g in guests:
        g.stop()


atexit.register(_stop_all)


class Guest:
    """One QEMU guest.

    name        label, used for the log files NAME.console and NAME.qemu.log
    workdir     existing directory for the logs
    vmlinuz, initrd   kernel and initramfs from build-guest.sh (see
                guest_files(); vmlinux or vmlinuz both work)
    socket_path vhost-user unix socket
    mac         MAC address of the guest's virtio-net device (eth0)
    ip          "A.B.C.D/LEN" for eth0, or None to leave eth0 down
    server      False: QEMU connects to socket_path (the switch is the
                vhost-user server and must already listen, unless
                reconnect). True: QEMU creates socket_path and listens
                (server=on,wait=off); the switch connects as a vhost-user
                client (net_vhost client=1).
    netdev      "vhost-user" (default) or "user" (QEMU's user-mode network,
                only to test the guest itself: 10.0.2.0/24, ping 10.0.2.2)
    cpus        taskset CPU list QEMU is pinned to (default "0")
    memory      guest RAM in MiB (memfd-backed, shared)
    append      extra kernel command line words
    reconnect   client mode only: seconds between QEMU's attempts to
                (re)connect to socket_path; then QEMU may start before the
                switch and follows a switch restart. Default None: QEMU
                exits at once when socket_path does not accept.
    device      extra properties of the virtio-net-pci device, e.g.
                "guest_announce=off"
    qmp         path of a QMP socket QEMU listens on (see Qmp), or None
    incoming    migration URI (e.g. "unix:/tmp/m.sock"): the QEMU waits
                for a migrated guest instead of booting one; call
                adopt() once the migration has completed

    With vhost-user, QEMU does not run the guest before the backend is
    connected (server=True, or reconnect): wait_ready()'s timeout covers
    the switch's start-up too. When the backend goes away, QEMU keeps
    running and the guest's eth0 loses its carrier; it comes back when a
    backend reconnects (server=True or reconnect only).
    """

    def __init__(self, name, workdir, vmlinuz, initrd, socket_path, mac, ip,
                 server=False, netdev="vhost-user", cpus="0", memory=256,
                 append="", reconnect=None, device="", qmp=None,
                 incoming=None):
        if netdev not in ("vhost-user", "user", "tap"):
            raise ValueError("netdev must be 'vhost-user', 'user' or 'tap'")
        self.name = name
        self.workdir = workdir
        self.vmlinuz = vmlinuz
        self.initrd = initrd
        self.socket_path = socket_path
        self.mac = mac
        self.ip = ip
        self.server = server
        self.netdev = netdev
        self.cpus = cpus
        self.memory = memory
        self.append = append
        self.reconnect = reconnect
        self.device = device
        self.qmp = qmp
        self.incoming = incoming
        self.console_path = os.path.join(workdir, name + ".console")
        self.qemu_log_path = os.path.join(workdir, name + ".qemu.log")
        self.proc = None
        self.pid = None
        self._tap_fd = None
        self.boot_time = None   # seconds from start() to MVT-READY
        self._buf = ""
        self._ready_at = None   # index in _buf just after the MVT-READY line
        self._cond = threading.Condition()
        self._reader = None
        self._eof = False
        self._console = None
        self._qemu_log = None
        self._started_at = None
        self._broken = None
        self._run_lock = threading.Lock()

    # -- command line ------------------------------------------------------

    def command(self):
        """The full argument vector (taskset + QEMU)."""
        kargs = ["console=ttyS0", "quiet", "panic=-1"]
        if self.ip:
            kargs.append("mvt.ip=" + self.ip)
        if self.append:
            kargs.append(self.append)
        mem = "%dM" % self.memory
        argv = ["taskset", "-c", str(self.cpus)]
        # QEMU gets SIGKILL when the thread that started it ends (e.g. the
        # test killed by a timeout): no guest outlives its test.
        if shutil.which("setpriv"):
            argv += ["setpriv", "--pdeathsig", "KILL"]
        argv += [QEMU,
                 "-accel", "tcg", "-cpu", "qemu64",
                 "-m", mem, "-smp", "1",
                 "-nodefaults", "-display", "none", "-monitor", "none",
                 "-serial", "stdio", "-no-reboot",
                 "-name", self.name,
                 "-kernel", self.vmlinuz, "-initrd", self.initrd,
                 "-append", " ".join(kargs),
                 "-object",
                 "memory-backend-memfd,id=mem,size=%s,share=on" % mem,
                 "-numa", "node,memdev=mem"]
        if self.netdev == "vhost-user":
            # a comma in an option value is written twice
            path = self.socket_path.replace(",", ",,")
            chardev = "socket,id=c0,path=" + path
            if self.server:
                chardev += ",server=on,wait=off"
            elif self.reconnect:
                chardev += ",reconnect=%d" % self.reconnect
            argv += ["-chardev", chardev,
                     "-netdev", "vhost-user,id=n0,chardev=c0"]
        elif self.netdev == "tap":
            # socket_path is a macvtap's /dev/tapN, opened by start()
            argv += ["-netdev", "tap,id=n0,fd=%d" % self._tap_fd]
        else:
            argv += ["-netdev", "user,id=n0"]
        dev = "virtio-net-pci,netdev=n0,mac=%s,romfile=,vectors=0" % self.mac
        if self.device:
            dev += "," + self.device
        argv += ["-device", dev]
        if self.qmp:
            argv += ["-qmp", "unix:%s,server=on,wait=off" % self.qmp]
        if self.incoming:
            argv += ["-incoming", self.incoming]
        return argv

    # -- life cycle --------------------------------------------------------

    def start(self):
        """Start QEMU and return self. Call it from a thread that outlives
        the guest (the main thread): QEMU is killed when that thread ends."""
        if self.proc is not None:
            raise GuestError("%s: already started" % self.name)
        self._console = open(self.console_path, "wb")
        self._qemu_log = open(self.qemu_log_path, "wb")
        self._started_at = time.monotonic()
        fds = ()
        if self.netdev == "tap":
            self._tap_fd = os.open(self.socket_path, os.O_RDWR)
            fds = (self._tap_fd,)
        try:
            self.proc = subprocess.Popen(
                self.command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=self._qemu_log, bufsize=0, close_fds=True,
                pass_fds=fds)
        finally:
            for fd in fds:
                os.close(fd)
        self.pid = self.proc.pid
        with _live_lock:
            _live.add(self)
        self._reader = threading.Thread(target=self._read_console,
                                        name="console-" + self.name,
                                        daemon=True)
        self._reader.start()
        return self

    def _read_console(self):
        fd = self.proc.stdout.fileno()
        while True:
            try:
                data = os.read(fd, 65536)
            except OSError:
                data = b""
            if not data:
                break
            try:
                self._console.write(data)
                self._console.flush()
            except (OSError, ValueError):
                pass
            text = data.decode("utf-8", "replace").replace("\r", "")
            with self._cond:
                self._buf += text
                self._cond.notify_all()
        with self._cond:
            self._eof = True
            self._cond.notify_all()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def console(self):
        """Everything the console printed so far (CR removed)."""
        with self._cond:
            return self._buf

    def qemu_log(self):
        """What QEMU wrote on its stderr so far (NAME.qemu.log)."""
        try:
            with open(self.qemu_log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def _tail(self, n=15):
        lines = self.console().rstrip("\n").split("\n")
        out = "\n".join(lines[-n:])
        err = self.qemu_log().strip()
        if err:
            out += "\n[qemu] " + err[-2000:]
        return out

    def _wait_for(self, pred, timeout, what):
        """Wait until pred(buffer) returns non-None; returns that value."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                r = pred(self._buf)
                if r is not None:
                    return r
                if self._eof:
                    break
                left = deadline - time.monotonic()
                if left <= 0:
                    raise GuestError("%s: timeout (%gs) waiting for %s; "
                                     "console tail:\n%s"
                                     % (self.name, timeout, what,
                                        self._tail_locked()))
                self._cond.wait(min(left, 0.5))
        if self.proc is not None:
            try:
                self.proc.wait(2)
            except subprocess.TimeoutExpired:
                pass
        rc = self.proc.returncode if self.proc is not None else None
        raise GuestError("%s: QEMU exited (status %s) while waiting for %s; "
                         "console tail:\n%s" % (self.name, rc, what,
                                                self._tail()))

    def _tail_locked(self):
        # called with self._cond held; console() would deadlock
        lines = self._buf.rstrip("\n").split("\n")
        return "\n".join(lines[-15:])

    def wait_ready(self, timeout=60):
        """Wait for MVT-READY; returns the boot time in seconds."""
        if self.proc is None:
            raise GuestError("%s: not started" % self.name)
        if self._ready_at is not None:
            return self.boot_time

        def pred(buf):
            m = FAIL_RE.search(buf)
            if m:
                return ("fail", m.group(1))
            i = buf.find(READY + "\n")
            if i >= 0 and (i == 0 or buf[i - 1] == "\n"):
                return ("ready", i + len(READY) + 1)
            return None

        kind, val = self._wait_for(pred, timeout, READY)
        if kind == "fail":
            raise GuestError("%s: guest init failed: %s" % (self.name, val))
        self._ready_at = val
        self.boot_time = time.monotonic() - self._started_at
        return self.boot_time

    def adopt(self):
        """Take over the console of a guest migrated into this QEMU
        (incoming=): its command loop runs on, so commands go here now."""
        with self._cond:
            self._ready_at = len(self._buf)
        self.boot_time = 0.0

    def run(self, cmd, timeout=30):
        """Run a shell command line in the guest; returns (rc, output).

        The command runs under the guest's busybox sh, stdin /dev/null,
        stderr merged into stdout, and is killed in the guest after
        `timeout` seconds (rc 137 then). Raises GuestError when the guest
        does not answer at all (the guest is unusable after that)."""
        if "\n" in cmd or "\r" in cmd:
            raise ValueError("one command line only")
        if self._broken:
            raise GuestError("%s: unusable: %s" % (self.name, self._broken))
        if self._ready_at is None:
            raise GuestError("%s: run() before wait_ready()" % self.name)
        line = "timeout -s KILL %d sh -c %s\n" % (max(1, int(timeout)),
                                                  shlex.quote(cmd))
        with self._run_lock:
            with self._cond:
                start = len(self._buf)
            try:
                self.proc.stdin.write(line.encode())
                self.proc.stdin.flush()
            except (OSError, ValueError) as e:
                raise GuestError("%s: cannot write to the console: %s"
                                 % (self.name, e))

            def pred(buf):
                m = RC_RE.search(buf, start)
                if m:
                    return (int(m.group(1)), buf[start:m.start()])
                return None

            try:
                return self._wait_for(pred, timeout + 10,
                                      "MVT-RC of %r" % cmd)
            except GuestError as e:
                self._broken = str(e).split("\n")[0]
                raise

    def ping(self, ip, count=3, wait=1, timeout=None):
        """ping -c COUNT -W WAIT IP in the guest; True when at least one
        reply came back."""
        if timeout is None:
            timeout = count * (wait + 1) + 10
        rc, out = self.run("ping -c %d -W %d %s" % (count, wait, ip),
                           timeout=timeout)
        m = PING_RE.search(out)
        return bool(m and int(m.group(2)) > 0)

    def stop(self):
        """Kill QEMU (SIGTERM, then SIGKILL) and wait for it. Always safe."""
        proc = self.proc
        if proc is not None:
            mvtap_proc.stop_popen(proc, signal.SIGTERM, 5)
        # QEMU is gone: the reader sees end of file on its own
        if self._reader is not None:
            self._reader.join(5)
            self._reader = None
        if proc is not None:
            for f in (proc.stdin, proc.stdout):
                try:
                    if f is not None:
                        f.close()
                except OSError:
                    pass
        for f in (self._console, self._qemu_log):
            if f is not None:
                try:
                    f.close()
                except OSError:
                    pass
        self._console = self._qemu_log = None
        with _live_lock:
            _live.discard(self)

    def __enter__(self):
        if self.proc is None:
            self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def __repr__(self):
        return "Guest(%s pid=%s %s %s)" % (self.name, self.pid, self.mac,
                                           self.ip)


def run_guest_test(argv, what, make_setup, scenario, errors, on_failure=None):
    """The main() of a guest test: usage DPDK_MVTAP GUEST_CACHE_DIR, root
    and the guest image first (exit status 77 to skip), then
    scenario(make_setup(dpdk_mvtap, cache)). On one of the exceptions in
    errors it prints the reason, on_failure(setup)'s extra report, the
    processes' logs and each guest's console and QEMU log, and returns 1;
    the setup's cleanup() runs in any case. Returns the exit status."""
    if len(argv) != 3:
        print(f"usage: {argv[0]} DPDK_MVTAP GUEST_CACHE_DIR", file=sys.stderr)
        return 2
    if os.geteuid() != 0:
        print("SKIP: needs root (namespaces, net_tap)")
        return 77
    rc = build_guest(argv[2])
    if rc == 77:
        print("SKIP: QEMU or the guest packages cannot be installed")
        return 77
    if rc != 0:
        print("FAIL: the guest image did not build")
        return 1
    st = make_setup(argv[1], argv[2])
    t0 = time.monotonic()
    try:
        scenario(st)
    except errors as e:
        print(f"FAIL {what}: {e}")
        if on_failure is not None:
            on_failure(st)
        st.sc.print_logs(2000, with_cmd=False)
        for g in st.guests:
            print(f"---- {g.name} console")
            print(g.console()[-1500:])
            print(f"---- {g.name} QEMU log")
            print(g.qemu_log()[-1500:])
        return 1
    finally:
        st.cleanup()
    print(f"PASS {what} ({time.monotonic() - t0:.0f} s)")
    return 0

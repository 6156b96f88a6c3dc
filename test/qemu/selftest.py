#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-mvtap authors
"""Self-test of the QEMU test guest, without any switch: build the guest
image, boot one guest on QEMU's user-mode network, run a few commands on its
console, stop it. Then (unless --no-vhost-user) boot it twice on a vhost-user
port whose backend is a null one in this script, with QEMU as the socket's
client and as its server.

usage: selftest.py [--no-vhost-user] [CACHE_DIR [WORK_DIR]]
  CACHE_DIR  where build-guest.sh keeps vmlinuz/initrd.img
             (default: build/qemu-guest under the source tree)
  WORK_DIR   where the console logs go (default: a temporary directory,
             removed on success)
Exit status: 0 pass, 1 fail, 77 skipped (QEMU cannot be installed).
"""

import os
import shutil
import socket
import struct
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.realpath(__file__))
sys.path.insert(0, HERE)

from mvtguest import Guest, GuestError, build_guest, guest_files  # noqa: E402

SRC = os.path.realpath(os.path.join(HERE, "..", ".."))
MAC = "52:54:00:6d:76:01"


class NullBackend:
    """The smallest vhost-user backend: completes QEMU's handshake and never
    touches a ring (the guest's eth0 exists, frames go nowhere). Listens on
    PATH (connect=False) or connects to QEMU listening there (connect=True).
    """

    GET_FEATURES, GET_PROTOCOL_FEATURES, GET_VRING_BASE = 1, 15, 11
    GET_QUEUE_NUM = 17
    # VIRTIO_F_VERSION_1 and VHOST_USER_F_PROTOCOL_FEATURES (no protocol
    # feature itself): without the latter QEMU 7.2 fails to start the
    # device ("unable to start vhost net: 22").
    FEATURES = (1 << 32) | (1 << 30)

    def __init__(self, path, connect=False):
        self.path = path
        self.connect = connect
        self.requests = []
        self.error = None
        self._closed = False
        self._lsock = None
        self._sock = None
        if not connect:
            self._lsock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self._lsock.bind(path)
            self._lsock.listen(1)
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _recv_exact(self, n):
        data = b""
        while len(data) < n:
            chunk, fds, _, _ = socket.recv_fds(self._sock, n - len(data), 8)
            for fd in fds:
                os.close(fd)
            if not chunk:
                return None
            data += chunk
        return data

    def _serve(self):
        try:
            if self.connect:
                deadline = time.monotonic() + 30
                while True:
                    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    try:
                        s.connect(self.path)
                        break
                    except OSError:
                        s.close()
                        if self._closed:
                            return
                        if time.monotonic() > deadline:
                            raise
                        time.sleep(0.05)
                self._sock = s
            else:
                self._sock, _ = self._lsock.accept()
            while True:
                hdr = self._recv_exact(12)
                if hdr is None:
                    return
                req, flags, size = struct.unpack("<III", hdr)
                payload = self._recv_exact(size) if size else b""
                if payload is None:
                    return
                self.requests.append(req)
                if req == self.GET_FEATURES:
                    body = struct.pack("<Q", self.FEATURES)
                elif req == self.GET_PROTOCOL_FEATURES:
                    body = struct.pack("<Q", 0)
                elif req == self.GET_QUEUE_NUM:
                    body = struct.pack("<Q", 1)
                elif req == self.GET_VRING_BASE:
                    index = struct.unpack_from("<I", payload)[0]
                    body = struct.pack("<II", index, 0)
                else:
                    continue
                self._sock.sendall(struct.pack("<III", req, 0x1 | 0x4,
                                               len(body)) + body)
        except Exception as e:  # reported by the test
            self.error = e

    def close(self):
        self._closed = True
        for s in (self._sock, self._lsock):
            if s is not None:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
        self._thread.join(5)


def vhost_user_boot(kernel, initrd, work, server):
    """Boot a guest on a vhost-user port whose backend is NullBackend."""
    mode = "server" if server else "client"
    sock = os.path.join(work, "vhu-%s.sock" % mode)
    backend = None
    if os.path.exists(sock):
        os.unlink(sock)
    if not server:
        backend = NullBackend(sock)
    g = Guest("vhu-" + mode, work, kernel, initrd, sock, MAC, "10.0.0.1/24",
              server=server)
    try:
        with g:
            if server:
                backend = NullBackend(sock, connect=True)
            boot = g.wait_ready(timeout=60)
            print("vhost-user (QEMU %s): boot to MVT-READY %.1f s"
                  % (mode, boot))
            rc, out = g.run("ip -o link show eth0; "
                            "ip -o -4 addr show dev eth0")
            check(rc == 0 and ("link/ether " + MAC) in out and
                  "inet 10.0.0.1/24" in out,
                  "vhost-user (QEMU %s): eth0 up with MAC and 10.0.0.1/24"
                  % mode)
    finally:
        g.stop()
        if backend is not None:
            backend.close()
    check(backend is not None and backend.error is None and
          5 in backend.requests,
          "vhost-user (QEMU %s): handshake incl. SET_MEM_TABLE (%s)"
          % (mode, backend and backend.error or "ok"))
    check("unable to start vhost" not in g.qemu_log(),
          "vhost-user (QEMU %s): QEMU started the vhost device" % mode)


def check(cond, what):
    if not cond:
        raise AssertionError(what)
    print("ok: " + what)


def main():
    args = [a for a in sys.argv[1:] if a != "--no-vhost-user"]
    vhost = len(args) == len(sys.argv) - 1
    t0 = time.monotonic()
    cache = args[0] if args else os.path.join(SRC, "build", "qemu-guest")
    rc = build_guest(cache)
    t_build = time.monotonic() - t0
    if rc == 77 or shutil.which("qemu-system-x86_64") is None:
        print("SKIP: qemu-system-x86_64 not available")
        return 77
    if rc != 0:
        print("FAIL: build-guest.sh exited with %d" % rc)
        return 1
    kernel, initrd = guest_files(cache)
    print("kernel %s" % kernel)

    if len(args) > 1:
        work = args[1]
        os.makedirs(work, exist_ok=True)
        keep = True
    else:
        work = tempfile.mkdtemp(prefix="mvt-selftest-")
        keep = False

    ok = False
    g = Guest("selftest", work, kernel, initrd, None, MAC, "10.0.2.15/24",
              netdev="user")
    try:
        with g:
            boot = g.wait_ready(timeout=60)
            print("boot to MVT-READY: %.1f s" % boot)

            rc, out = g.run("echo hello")
            check(rc == 0 and out == "hello\n",
                  "echo hello -> rc 0, 'hello' (got %d, %r)" % (rc, out))

            rc, out = g.run("false")
            check(rc == 1 and out == "", "false -> rc 1 (got %d)" % rc)

            rc, out = g.run("ip -o link show eth0")
            check(rc == 0 and ("link/ether " + MAC) in out,
                  "eth0 has MAC %s" % MAC)
            check(",UP" in out or "<UP" in out, "eth0 is up")

            rc, out = g.run("ip -o -4 addr show dev eth0")
            check(rc == 0 and "inet 10.0.2.15/24" in out,
                  "eth0 has 10.0.2.15/24")

            rc, out = g.run("cat /proc/sys/net/ipv6/conf/eth0/disable_ipv6")
            check(rc == 0 and out.strip() == "1", "IPv6 off on eth0")

            rc, out = g.run("sleep 5", timeout=1)
            check(rc == 137, "guest-side timeout kills the command "
                  "(rc %d)" % rc)

            rc, out = g.run("echo 'a b'  \"$((6*7))\" >&2; exit 3")
            check(rc == 3 and out == "a b 42\n",
                  "quoting, stderr, exit status (got %d, %r)" % (rc, out))

            check(g.ping("10.0.2.2", count=2),
                  "ping 10.0.2.2 (user-net gateway)")
        check(not g.alive(), "QEMU stopped")
        if vhost:
            vhost_user_boot(kernel, initrd, work, server=False)
            vhost_user_boot(kernel, initrd, work, server=True)
        ok = True
    except (AssertionError, GuestError) as e:
        print("FAIL: %s" % e)
        print("console log: %s" % g.console_path)
        keep = True
    finally:
        g.stop()
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    print("build %.1f s, total %.1f s" % (t_build, time.monotonic() - t0))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

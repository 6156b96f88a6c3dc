# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-mvtap authors

"""The DPDK telemetry protocol as dpdk-mvtap speaks it: the one client of
mvtap-ctl, mvtap-exporter, mvtap-libvirt-hook, mvtap-bench and the tests.

The switch listens on a unix SOCK_SEQPACKET socket named dpdk_telemetry.v2
in the DPDK runtime directory of its file prefix. On connect it sends one
JSON message ({"version": .., "pid": .., "max_output_len": ..}); after that
every request is a command string ("/mvtap/endpoint,a") and every reply one
JSON message {"<command>": <value>}, with a null value for an unknown
command or a failed callback.
"""

import json
import os
import re
import socket
import time

SOCKET_NAME = "dpdk_telemetry.v2"
DEFAULT_PREFIX = "rte"

# The server reads a request into a 1 KiB buffer, NUL included.
MAX_REQUEST_LEN = 1023
# Large enough for any reply: the server caps them at max_output_len (16 KiB).
RECV_LEN = 1 << 20


class TelemetryError(Exception):
    """A failure to talk to the switch; str() is a one-line message."""


class NoSocket(TelemetryError):
    """Nothing listens at the socket path: the switch is not running."""


class NotAnswering(TelemetryError):
    """The socket exists but nobody answers on it (stale or hung)."""


# The keys of /mvtap/endpoints and /mvtap/policies are names, with each
# character DPDK takes in no key ('.', '-') as '/' and its two hex digits;
# names have no '/'.
ESCAPED = re.compile(r"/([0-9a-f]{2})")


def key_name(key):
    """The name a key of a paged reply stands for ("vm/2d1": "vm-1")."""
    return ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), key)


def sampled(read):
    """(time, read()): the time is the middle of the read, which waits for
    the other process's telemetry thread, so that a slow reply does not
    count as time the counters had to grow."""
    t0 = time.monotonic()
    value = read()
    return (t0 + time.monotonic()) / 2, value


# The RuntimeDirectory= of config/dpdk-mvtap.service. A switch started by a
# copy of that unit from before it unset $RUNTIME_DIRECTORY has its DPDK
# runtime directory below it, as EAL follows that variable.
UNIT_RUNTIME_BASE = "/run/dpdk-mvtap"


def runtime_dir(prefix):
    """The DPDK runtime directory of a file prefix, as EAL computes it."""
    base = os.environ.get("RUNTIME_DIRECTORY")
    if not base:
        if os.getuid() == 0:
            base = "/var/run"
        else:
            base = os.environ.get("XDG_RUNTIME_DIR") or "/tmp"
    return os.path.join(base, "dpdk", prefix)


def prefix_socket_paths(prefix):
    """Where the telemetry socket of a file prefix can be, most likely
    first: as EAL computes it in this environment, then below the unit's
    runtime directory."""
    paths = [os.path.join(runtime_dir(prefix), SOCKET_NAME)]
    unit = os.path.join(UNIT_RUNTIME_BASE, "dpdk", prefix, SOCKET_NAME)
    if unit not in paths:
        paths.append(unit)
    return paths


def prefix_socket_path(prefix):
    """The first of prefix_socket_paths() that exists, else the first."""
    paths = prefix_socket_paths(prefix)
    for path in paths:
        if os.path.lexists(path):
            return path
    return paths[0]


class TelemetryClient:
    """One connection to the telemetry socket of a dpdk-mvtap.

    Use as a context manager, or call connect() and close(). query() returns
    the value of the reply (None when the switch answered null); paged()
    follows the "next" key of paged commands such as /mvtap/endpoints.
    """

    def __init__(self, path, what=None, timeout=5.0):
        self.path = path
        self.what = what if what is not None else "dpdk-mvtap at %s" % path
        self.no_socket_hint = "no such socket %s" % path
        self.timeout = timeout
        self.info = None
        self._sock = None

    @classmethod
    def for_prefix(cls, prefix, timeout=5.0):
        path = prefix_socket_path(prefix)
        client = cls(path, "dpdk-mvtap with file prefix '%s'" % prefix,
                     timeout)
        client.no_socket_hint = "no socket %s" % \
            " or ".join(prefix_socket_paths(prefix))
        return client

    def _not_answering(self):
        return NotAnswering("%s is not answering" % self.what)

    def connect(self):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self.path)
        except FileNotFoundError:
            sock.close()
            raise NoSocket("no %s (%s)" % (self.what, self.no_socket_hint))
        except PermissionError:
            sock.close()
            raise TelemetryError("permission denied on %s" % self.path)
        except OSError:
            # ECONNREFUSED (a socket file left behind), ENOTSOCK, timeout.
            sock.close()
            raise self._not_answering()
        self._sock = sock
        try:
            self.info = self._recv()
        except TelemetryError:
            self.close()
            raise
        if not isinstance(self.info, dict):
            self.close()
            raise self._not_answering()
        return self

    def close(self):
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def __enter__(self):
        if self._sock is None:
            self.connect()
        return self

    def __exit__(self, *exc):
        self.close()

    def _recv(self):
        try:
            data = self._sock.recv(RECV_LEN)
        except OSError:
            raise self._not_answering()
        if not data:
            # Closed: the switch exited, or it has too many clients.
            raise self._not_answering()
        try:
            return json.loads(data.decode("utf-8", errors="replace"))
        except ValueError:
            raise TelemetryError("%s sent a reply that is not JSON"
                                 % self.what)

    def query(self, cmd, param=None):
        """Send cmd (with ",param" when given); the value of the reply."""
        if self._sock is None:
            self.connect()
        request = cmd if param is None else "%s,%s" % (cmd, param)
        data = request.encode("utf-8")
        if len(data) > MAX_REQUEST_LEN:
            raise TelemetryError("request too long (%d bytes, at most %d)"
                                 % (len(data), MAX_REQUEST_LEN))
        try:
            self._sock.send(data)
        except OSError:
            raise self._not_answering()
        reply = self._recv()
        if not isinstance(reply, dict) or len(reply) != 1:
            raise TelemetryError("unexpected reply to %s from %s"
                                 % (cmd, self.what))
        return next(iter(reply.values()))

    def paged(self, cmd):
        """All pages of a paged dict command merged, without "next", by
        name (see key_name()).

        The first request carries no parameter; while a reply holds an
        integer "next", the following one asks for that index. None when
        the first reply is null.
        """
        merged = None
        param = None
        seen = set()
        while True:
            value = self.query(cmd, param)
            if value is None:
                if merged is None:
                    return None
                # Shrunk between pages: what was read stays valid.
                return merged
            if not isinstance(value, dict):
                raise TelemetryError("unexpected reply to %s from %s"
                                     % (cmd, self.what))
            if merged is None:
                merged = {}
            nxt = value.get("next")
            for key, entry in value.items():
                if key == "next" and not isinstance(entry, dict):
                    continue
                merged[key_name(key)] = entry
            if not isinstance(nxt, int) or isinstance(nxt, bool) \
                    or nxt in seen:
                return merged
            seen.add(nxt)
            param = str(nxt)


def add_switch_arguments(ap):
    """The options that say which switch to talk to: -f/--file-prefix or
    --socket, one of them."""
    where = ap.add_mutually_exclusive_group()
    where.add_argument("-f", "--file-prefix", metavar="PREFIX",
                       default=DEFAULT_PREFIX,
                       help="EAL --file-prefix of the switch (default: %s)"
                       % DEFAULT_PREFIX)
    where.add_argument("--socket", metavar="PATH",
                       help="path of the telemetry socket (instead of -f)")
    return where


def client_for_args(args, timeout=5.0):
    """A (not yet connected) client of the switch add_switch_arguments()'
    options name; with -f, the socket path is resolved now."""
    if args.socket is not None:
        return TelemetryClient(args.socket, timeout=timeout)
    return TelemetryClient.for_prefix(args.file_prefix, timeout=timeout)

# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-mvtap authors

"""Child processes as the benchmarks and the tests run them: started with
their output in a log file, waited for (a line in that log, a socket, any
condition), and stopped by their pid: a signal, a wait, then SIGKILL.

Used by mvtap-bench, mvtap-idle-bench, the end-to-end scenarios
(test/e2e) and the QEMU tests (test/qemu).
"""

import os
import re
import signal
import subprocess
import time


def wait_until(pred, timeout, what, step=0.1, error=TimeoutError):
    """Call pred every step seconds until it returns true; after timeout
    seconds raise error("timed out after T s waiting for WHAT")."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return
        time.sleep(step)
    raise error("timed out after %g s waiting for %s" % (timeout, what))


def wait_for_path(path, timeout, what=None, error=TimeoutError):
    """Wait until path (a socket, a pid file) exists."""
    wait_until(lambda: os.path.exists(path), timeout, what or path,
               error=error)


def stop_popen(proc, sig=signal.SIGINT, timeout=30, kill=True):
    """Send sig to a subprocess.Popen that has not exited, and wait up to
    timeout seconds for it. True when it ended (or had ended) by then;
    otherwise, with kill, SIGKILL it and wait for that, and return False."""
    if proc.poll() is not None:
        return True
    try:
        proc.send_signal(sig)
    except ProcessLookupError:
        pass
    try:
        proc.wait(timeout)
        return True
    except subprocess.TimeoutExpired:
        if kill:
            kill_popen(proc)
        return False


def kill_popen(proc):
    """SIGKILL a subprocess.Popen that has not exited, and reap it."""
    if proc.poll() is None:
        try:
            proc.kill()
        except ProcessLookupError:
            pass
        proc.wait()


def stat_ticks(pid, tid=None):
    """utime + stime, in clock ticks, of a process (all of its threads) or
    of one of its threads. Raises OSError when it is gone."""
    path = "/proc/%d/stat" % pid if tid is None else \
        "/proc/%d/task/%s/stat" % (pid, tid)
    with open(path) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def threads_named(pid, name, exact=False):
    """The thread ids of a process whose name (comm) starts with name, or
    with exact, is name."""
    tids = []
    for t in sorted(os.listdir("/proc/%d/task" % pid), key=int):
        try:
            with open("/proc/%d/task/%s/comm" % (pid, t)) as f:
                comm = f.read()
            if (comm.strip() == name) if exact else comm.startswith(name):
                tids.append(t)
        except OSError:
            pass
    return tids


def read_text(path):
    """A log file's text so far ("" when there is none)."""
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


class LoggedProcess:
    """A child process whose output (stdout and stderr) goes to the log file
    NAME.log in logdir. With new_session it is detached from the terminal's
    process group: a Ctrl-C reaches the parent only, which then stops its
    children in order."""

    def __init__(self, name, cmd, logdir, env=None, stdin_pipe=False,
                 new_session=False):
        self.name = name
        self.cmd = cmd
        self.env = env
        self.stdin_pipe = stdin_pipe
        self.new_session = new_session
        self.log_path = os.path.join(logdir, name + ".log")
        self.proc = None
        self.logf = None

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def start(self):
        self.logf = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            self.cmd, stdout=self.logf, stderr=subprocess.STDOUT,
            stdin=subprocess.PIPE if self.stdin_pipe else subprocess.DEVNULL,
            env=self.env, start_new_session=self.new_session)
        return self

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def output(self):
        return read_text(self.log_path)

    def size(self):
        try:
            return os.path.getsize(self.log_path)
        except OSError:
            return 0

    def tail(self, n=8):
        lines = [l for l in self.output().splitlines() if l.strip()]
        return "\n".join("    " + l[:200] for l in lines[-n:])

    def write(self, text):
        """Write text on its stdin (stdin_pipe), if it still runs."""
        if self.alive() and self.proc.stdin:
            try:
                self.proc.stdin.write(text.encode())
                self.proc.stdin.flush()
            except OSError:
                pass

    def wait_output(self, pattern, timeout, what, error=TimeoutError,
                    exited=None):
        """Wait until the regular expression pattern matches its output;
        raise error(exited + its output) at once when it exits first."""
        def seen():
            if not self.alive():
                raise error((exited or "%s exited:\n" % self.name) +
                            self.output())
            return re.search(pattern, self.output()) is not None
        wait_until(seen, timeout, what, error=error)

    def signal_stop(self, sig=signal.SIGINT, timeout=30, kill=True):
        """stop_popen() on it; None when it was never started."""
        if self.proc is None:
            return None
        return stop_popen(self.proc, sig, timeout, kill)

    def kill(self):
        if self.proc is not None:
            kill_popen(self.proc)

    def close(self):
        """Close its stdin and the parent's handle on its log."""
        if self.proc is not None and self.proc.stdin:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
        if self.logf:
            self.logf.close()
            self.logf = None

    @property
    def returncode(self):
        return self.proc.returncode if self.proc else None

    def cpu_ticks(self):
        """utime + stime of the process, all threads, in clock ticks (0
        when it is not running)."""
        try:
            return stat_ticks(self.proc.pid)
        except (OSError, IndexError, ValueError, AttributeError):
            return 0

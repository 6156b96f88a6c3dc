# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-mvtap authors

"""The machine around a run of mvtap-bench: load and CPU time of other
processes, the CPU placement probe, hugepages and packages.
"""

import os
import platform
import shutil
import subprocess
import time

from .harness import BenchError, log, run


HUGE_DIR = "/sys/kernel/mm/hugepages/hugepages-2048kB"
HUGE_PAGES = 1024
HUGE_RESTORE = []                 # nr_hugepages to set back at exit


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def proc_stat_cpu():
    """(busy, steal) ticks of all CPUs from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal guest guest_nice
    busy = v[0] + v[1] + v[2] + v[5] + v[6]
    return busy, v[7] if len(v) > 7 else 0


def load1():
    return os.getloadavg()[0]


def wait_for_quiet_machine(max_load, max_wait):
    """Wait (polling every 30 s, at most max_wait s) for the 1-minute load
    to fall to max_load; return (load at start, load when going on)."""
    first = load1()
    if first <= max_load or max_wait <= 0:
        return first, first
    log("1-minute load %.2f is above %.2f: waiting for it to drop "
        "(up to %d s)" % (first, max_load, max_wait))
    end = time.monotonic() + max_wait
    cur = first
    while time.monotonic() < end:
        time.sleep(min(30, max(1, end - time.monotonic())))
        cur = load1()
        log("  load %.2f" % cur)
        if cur <= max_load:
            break
    else:
        log("  load still %.2f after %d s: going on, the numbers will be "
            "noisier" % (cur, max_wait))
    return first, cur


def others_cpu(seconds=1.0):
    """CPUs' worth of time used by all processes over the next seconds;
    called when none of this program's children runs, so it is others'."""
    b0 = proc_stat_cpu()[0]
    time.sleep(seconds)
    return (proc_stat_cpu()[0] - b0) / os.sysconf("SC_CLK_TCK") / seconds


def quiet_gate(limit, max_wait):
    """Before a run: wait (at most max_wait s) until other processes use
    at most limit CPUs. Returns (seconds waited, last reading); with
    max_wait 0, (0, None) at once."""
    if max_wait <= 0:
        return 0, None
    t0 = time.monotonic()
    cur = others_cpu()
    while cur > limit and time.monotonic() - t0 < max_wait:
        time.sleep(4)
        cur = others_cpu()
    return round(time.monotonic() - t0, 1), round(cur, 2)


def speed_probe(cpu=1, samples=10):
    """How fast CPU cpu runs a fixed integer loop, once a second: millions
    of iterations per second. On a shared host the figure moves with what
    other tenants do, however idle this machine is."""
    def once():
        x = 0
        t = time.perf_counter()
        for _ in range(200000):
            x = (x * 1103515245 + 12345) & 0xffffffff
        return 200000 / (time.perf_counter() - t) / 1e6
    old = os.sched_getaffinity(0)
    out = []
    try:
        os.sched_setaffinity(0, {cpu})
        for i in range(samples):
            out.append(round(once(), 2))
            if i + 1 < samples:
                time.sleep(1)
    except OSError:
        pass
    finally:
        os.sched_setaffinity(0, old)
    return out


# A cache-line round trip between the two CPUs above this is a distant
# placement of the virtual CPUs (about 100 ns near, 350-400 ns far here)
C2C_FAR_NS = 200.0
C2C = None                      # the mvtap-c2c helper, set by main()


def c2c_probe():
    """Median cache-line round trip between CPU 0 and CPU 1 in ns, or None.
    Every frame of the loop crosses between the switch's CPU and the
    guests' CPU, so the loop's rate follows where the host puts the two
    virtual CPUs; it can move them at any time."""
    if C2C is None:
        return None
    try:
        r = run([C2C, "0", "1", "20000", "5"], timeout=20)
        return float(r.stdout.split()[0])
    except (BenchError, OSError, ValueError, IndexError,
            subprocess.SubprocessError):
        return None


def placement(before, after):
    """near, far, or mixed (the placement changed around the run)."""
    if before is None or after is None:
        return None
    b, a = before >= C2C_FAR_NS, after >= C2C_FAR_NS
    if a != b:
        return "mixed"
    return "far" if a else "near"


def setup_hugepages():
    """At least HUGE_PAGES free 2 MiB pages, hugetlbfs on /dev/hugepages."""
    try:
        with open(os.path.join(HUGE_DIR, "free_hugepages")) as f:
            free = int(f.read())
        with open(os.path.join(HUGE_DIR, "nr_hugepages")) as f:
            nr = int(f.read())
    except OSError as e:
        raise BenchError("no 2 MiB hugepages on this kernel: %s" % e)
    if free < HUGE_PAGES:
        want = nr + HUGE_PAGES - free
        log("hugepages: %d free, reserving %d in total (%d again at the "
            "end)" % (free, want, nr))
        HUGE_RESTORE.append(nr)
        with open(os.path.join(HUGE_DIR, "nr_hugepages"), "w") as f:
            f.write(str(want))
        with open(os.path.join(HUGE_DIR, "free_hugepages")) as f:
            free = int(f.read())
        if free < HUGE_PAGES:
            log("hugepages: only %d free; runs may fail" % free)
    with open("/proc/mounts") as f:
        mounted = any(l.split()[1:3] == ["/dev/hugepages", "hugetlbfs"]
                      for l in f)
    if not mounted:
        os.makedirs("/dev/hugepages", exist_ok=True)
        run(["mount", "-t", "hugetlbfs", "nodev", "/dev/hugepages"])
    return free


def restore_hugepages():
    """Give back the pages setup_hugepages() added (pages still in use by
    other processes stay with them: the kernel only frees free pages)."""
    while HUGE_RESTORE:
        nr = HUGE_RESTORE.pop()
        try:
            with open(os.path.join(HUGE_DIR, "nr_hugepages"), "w") as f:
                f.write(str(nr))
        except OSError as e:
            log("hugepages: could not set nr_hugepages back to %d: %s" %
                (nr, e))


def ensure_package(binary, package):
    """True when binary exists, installing package with apt-get if not."""
    if os.path.exists(binary) or shutil.which(binary):
        return True
    log("%s missing: apt-get install -y %s" % (binary, package))
    try:
        r = subprocess.run(["apt-get", "install", "-y", package],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as e:
        log("  apt-get failed: %s" % e)
        return False
    if r.returncode != 0:
        log("  apt-get failed: %s" %
            " | ".join(r.stdout.strip().splitlines()[-2:]))
    return os.path.exists(binary) or shutil.which(binary) is not None


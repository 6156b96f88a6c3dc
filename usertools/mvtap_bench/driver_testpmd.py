# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-mvtap authors

"""The testpmd driver of mvtap-bench: io forwarding between net_vhost
ports (two, or one per traffic guest, port 2i with port 2i+1; from the
wire, a chain through the station's port and every guest's), the ceiling.
"""

import os
import re
import time

from .harness import (BenchError, LINEBUF, PREFIX_TESTPMD, Proc, SWITCH_LCORES,
                      Switch, TESTPMD, TESTPMD_JUMBO, has_wire, jumbo,
                      scenario_guests, telemetry, wait_until)


class TestpmdSwitch(Switch):
    """testpmd io forwarding between vhost ports, each pair (port 2i with
    port 2i+1, testpmd's paired topology) standing for a pair of guests
    that talk to each other; it cannot express a guest that talks to
    several (fan-in, broadcasts). From the wire (port 0, the station's),
    the ports form a chain (testpmd's chained topology: port i to port
    i+1, the last to port 0): a frame from the station crosses every guest,
    each sending it back, before it returns; each crossing is one frame
    received on one vhost port and sent on another, as the frames of
    dpdk-mvtap's wire to guests are. Interactive, driven
    on stdin, so that its forwarding statistics (and cycles) can be cleared
    at the start of the window and shown at its end."""
    kind = "testpmd"
    label = "testpmd io"

    def __init__(self, cfg, workdir):
        super().__init__(cfg, workdir)
        self.sockdir = os.path.join(workdir, "s")
        os.makedirs(self.sockdir, exist_ok=True)
        self.cmd = LINEBUF + [
                    TESTPMD, "--lcores", SWITCH_LCORES, "--no-pci",
                    "--socket-mem", "512", "--file-prefix", PREFIX_TESTPMD]
        ports = ([self.wire_sock()] if has_wire(cfg) else []) + self.socks()
        for i, sock in enumerate(ports):
            self.cmd += ["--vdev", "net_vhost%d,iface=%s" % (i, sock)]
        self.cmd += ["--", "-i", "--auto-start", "--forward-mode=io",
                     "--record-core-cycles"]
        if has_wire(cfg):
            self.cmd.append("--port-topology=chained")
        if jumbo(cfg):
            self.cmd += TESTPMD_JUMBO
        self.commands = [self.cmd]
        self.proc = None
        self.mark = 0

    def socks(self):
        return [os.path.join(self.sockdir, "vhost%d.sock" % i)
                for i in range(scenario_guests(self.cfg))]

    def wire_sock(self):
        return os.path.join(self.sockdir, "wire.sock")

    def start(self):
        p = Proc("testpmd-switch", self.cmd, self.workdir,
                 stdin_pipe=True).start()
        self.procs.append(p)
        self.proc = p

        def up():
            if not p.alive():
                raise BenchError("testpmd (switch) exited:\n" + p.tail())
            return "testpmd>" in p.output() and all(
                os.path.exists(s) for s in self.socks())
        wait_until(up, 60, "testpmd (switch) to start")

    def wait_up(self, n, timeout=60):
        """Wait until n of its vhost ports have their link up (the vhost
        PMD's link comes up with the guest's queues)."""
        ports = (1 if has_wire(self.cfg) else 0) + len(self.socks())

        def count():
            return sum(1 for p in range(ports) if telemetry(
                PREFIX_TESTPMD, "/ethdev/link_status,%d" % p).get(
                    "status") == "UP")
        wait_until(lambda: count() >= n, timeout,
                   "%d testpmd vhost ports to be up" % n)

    def window_start(self):
        self.proc.write("clear fwd stats all\n")
        time.sleep(0.05)
        self.mark = self.proc.size()

    def window_end(self):
        self.proc.write("show fwd stats all\n")
        pat = re.compile(r"CPU cycles/packet=([\d.]+) \(total cycles=(\d+) "
                         r"/ total \w+ packets=(\d+)\) at (\d+) MHz")

        def text():
            with open(self.proc.log_path, errors="replace") as f:
                f.seek(self.mark)
                return f.read()
        wait_until(lambda: pat.search(text()) is not None, 10,
                   "testpmd's forwarding statistics")
        out = text()
        m = pat.search(out)
        acc = out[out.find("Accumulated forward statistics"):]
        d = re.search(r"TX-dropped:\s*(\d+)", acc)
        return {"cycles_per_packet": float(m.group(1)),
                "cycles_per_packet_polls": float(m.group(1)),
                "tx_dropped": int(d.group(1)) if d else None,
                "busy_cycles": int(m.group(2)),
                "switch_packets": int(m.group(3)),
                "tsc_mhz": int(m.group(4))}

    def stop(self):
        if self.proc:
            self.proc.stop(quit_cmd="quit\n")


# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-mvtap authors

"""The testpmd driver of mvtap-bench: io forwarding between two
net_vhost ports, the ceiling.
"""

import os
import re
import time

from .harness import (BenchError, LINEBUF, PREFIX_TESTPMD, Proc, SWITCH_LCORES,
                      Switch, TESTPMD, wait_until)


class TestpmdSwitch(Switch):
    """testpmd io forwarding between two vhost ports. Interactive, driven
    on stdin, so that its forwarding statistics (and cycles) can be cleared
    at the start of the window and shown at its end."""
    kind = "testpmd"
    label = "testpmd io"

    def __init__(self, cfg, workdir):
        super().__init__(cfg, workdir)
        self.sockdir = os.path.join(workdir, "s")
        os.makedirs(self.sockdir, exist_ok=True)
        s0, s1 = self.socks()
        self.cmd = LINEBUF + [
                    TESTPMD, "--lcores", SWITCH_LCORES, "--no-pci",
                    "--socket-mem", "512", "--file-prefix", PREFIX_TESTPMD,
                    "--vdev", "net_vhost0,iface=%s" % s0,
                    "--vdev", "net_vhost1,iface=%s" % s1,
                    "--", "-i", "--auto-start", "--forward-mode=io",
                    "--record-core-cycles"]
        self.commands = [self.cmd]
        self.proc = None
        self.mark = 0

    def socks(self):
        return [os.path.join(self.sockdir, "vhost0.sock"),
                os.path.join(self.sockdir, "vhost1.sock")]

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

    def window_start(self):
        self.proc.write("clear fwd stats all\n")
        time.sleep(0.05)
        self.mark = self.proc.size()

    def window_end(self):
        self.proc.write("show fwd stats all\n")
        pat = re.compile(r"CPU cycles/packet=([\d.]+) \(total cycles=(\d+) "
                         r"/ total \w+ packets=(\d+)\) at (\d+) MHz")

        def shown():
            with open(self.proc.log_path, errors="replace") as f:
                f.seek(self.mark)
                return pat.search(f.read())
        wait_until(lambda: shown() is not None, 10,
                   "testpmd's forwarding statistics")
        m = shown()
        return {"cycles_per_packet": float(m.group(1)),
                "busy_cycles": int(m.group(2)),
                "switch_packets": int(m.group(3)),
                "tsc_mhz": int(m.group(4))}

    def stop(self):
        if self.proc:
            self.proc.stop(quit_cmd="quit\n")


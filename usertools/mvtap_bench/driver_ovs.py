# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-mvtap authors

"""The OVS-DPDK driver of mvtap-bench: ovs-vswitchd-dpdk with a private
database, NORMAL action, a dpdkvhostuser port per traffic guest (and one
for the station on the wire, and one per idle guest, where the scenario
has them).
"""

import os
import re
import signal

from .harness import (BenchError, JUMBO_MTU, PREFIX_OVS, Proc, STATION,
                      Switch, guest_mac, has_wire, idle_mac, jumbo, run,
                      scenario_guests, wait_until)


OVS_VSWITCHD = "/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk"
OVS_SCHEMA = "/usr/share/openvswitch/vswitch.ovsschema"


def vhost_ports_up(listing):
    """How many dpdkvhostuser interfaces are up in the output of ovs-vsctl
    --bare --columns=type,link_state list Interface: a record per
    interface, its values a line each, a blank line between records."""
    return sum(1 for rec in listing.split("\n\n")
               if rec.split() == ["dpdkvhostuser", "up"])


class Ovs(Switch):
    """OVS-DPDK with a private database and run directory."""
    kind = "ovs"
    label = "OVS-DPDK"

    def __init__(self, cfg, workdir):
        super().__init__(cfg, workdir)
        self.dir = os.path.join(workdir, "ovs")
        os.makedirs(self.dir, exist_ok=True)
        self.env = dict(os.environ, OVS_RUNDIR=self.dir, OVS_LOGDIR=self.dir,
                        OVS_DBDIR=self.dir, OVS_SYSCONFDIR=self.dir)
        self.db = os.path.join(self.dir, "conf.db")
        self.dbsock = os.path.join(self.dir, "db.sock")
        self.ctl = os.path.join(self.dir, "ovs-vswitchd.ctl")
        self.vsctl = ["ovs-vsctl", "--db=unix:" + self.dbsock, "--timeout=60"]
        self.config = [
            "other_config:dpdk-init=true",
            'other_config:dpdk-extra="--no-pci --file-prefix=%s"' %
            PREFIX_OVS,
            "other_config:dpdk-lcore-mask=0x1",
            "other_config:pmd-cpu-mask=0x2",
            "other_config:dpdk-socket-mem=512"]
        self.nports = scenario_guests(cfg)
        # the idle guests' ports, by endpoint index
        self.idle = (range(self.nports, cfg.get("endpoints", 0))
                     if cfg.get("scenario") == "broadcast" else range(0))
        # the traffic guests' ports, the station's, the idle guests'
        ports = ["vh%d" % i for i in range(self.nports)] + (
            ["wire"] if has_wire(cfg) else []) + [
            "idle%d" % i for i in self.idle]
        self.commands = [
            ["ovsdb-tool", "create", self.db, OVS_SCHEMA],
            ["ovsdb-server", self.db, "--remote=punix:" + self.dbsock,
             "--pidfile", "--log-file"],
            self.vsctl + ["--no-wait", "init"],
            self.vsctl + ["--no-wait", "set", "Open_vSwitch", "."] +
            self.config,
            [OVS_VSWITCHD, "unix:" + self.dbsock,
             "--pidfile=" + os.path.join(self.dir, "ovs-vswitchd.pid"),
             "--unixctl=" + self.ctl,
             "--log-file=" + os.path.join(self.dir, "ovs-vswitchd.log")],
            self.vsctl + ["add-br", "br0", "--", "set", "bridge", "br0",
                          "datapath_type=netdev"]] + [
            self.vsctl + ["add-port", "br0", n, "--", "set", "Interface", n,
                          "type=dpdkvhostuser"] +
            (["mtu_request=%d" % JUMBO_MTU] if jumbo(cfg) else [])
            for n in ports]
        self.port_socks = [os.path.join(self.dir, n) for n in ports]
        self.vswitchd = None

    def fdb_commands(self):
        return [["ovs-appctl", "-t", self.ctl, "fdb/add", "br0", "vh%d" % i,
                 "0", guest_mac(i)] for i in range(self.nports)] + (
            [["ovs-appctl", "-t", self.ctl, "fdb/add", "br0", "wire", "0",
              STATION]] if has_wire(self.cfg) else [])

    def wire_sock(self):
        return os.path.join(self.dir, "wire")

    def idle_socks(self):
        return [(os.path.join(self.dir, "idle%d" % i), idle_mac(i))
                for i in self.idle]

    def wait_up(self, n, timeout=60):
        """Wait until n of its vhost-user ports are connected: link state
        up, which OVS reports once the port is reconfigured for the
        guest's queues and sends to it (before, it drops what it would
        send there)."""
        def count():
            return vhost_ports_up(run(
                self.vsctl + ["--bare", "--columns=type,link_state", "list",
                              "Interface"], env=self.env).stdout)
        wait_until(lambda: count() >= n, timeout,
                   "%d OVS vhost-user ports to be connected" % n)

    def socks(self):
        return [os.path.join(self.dir, "vh%d" % i)
                for i in range(self.nports)]

    def appctl(self, *args):
        return run(["ovs-appctl", "-t", self.ctl] + list(args), env=self.env,
                   timeout=30)

    def start_daemons(self):
        """ovsdb-server and ovs-vswitchd, then the bridge and its ports
        (self.commands in order); returns ovs-vswitchd's process."""
        c = self.commands
        run(c[0], env=self.env)
        db = Proc("ovsdb-server", c[1], self.workdir, env=self.env).start()
        self.procs.append(db)
        wait_until(lambda: os.path.exists(self.dbsock) or not db.alive(), 20,
                   "ovsdb-server's socket")
        if not db.alive():
            raise BenchError("ovsdb-server exited:\n" + db.tail())
        run(c[2], env=self.env)
        run(c[3], env=self.env)
        sw = Proc("ovs-vswitchd", c[4], self.workdir, env=self.env).start()
        self.procs.append(sw)
        self.vswitchd = sw
        for cmd in c[5:]:
            if not sw.alive():
                raise BenchError("ovs-vswitchd exited:\n" + sw.tail())
            run(cmd, env=self.env, timeout=90)
        return sw

    def start(self):
        sw = self.start_daemons()

        def up():
            if not sw.alive():
                raise BenchError("ovs-vswitchd exited:\n" + sw.tail())
            return all(os.path.exists(s) for s in self.port_socks)
        wait_until(up, 60, "the OVS vhost-user sockets")
        if self.nports > 2:
            # static FDB entries: with more than one conversation, frames
            # flooded before learning come back with a guest's address
            # from another port (macswap) and teach NORMAL wrong ports
            for cmd in self.fdb_commands():
                self.appctl(*cmd[3:])
            self.commands += self.fdb_commands()

    def window_start(self):
        self.appctl("dpif-netdev/pmd-stats-clear")

    def window_end(self):
        out = self.appctl("dpif-netdev/pmd-stats-show").stdout
        m = re.search(r"core_id 1:(.*?)(?:\npmd thread|\Z)", out, re.S)
        if not m:
            raise BenchError("no PMD thread on core 1 in pmd-stats-show:\n"
                             + out[:400])
        blk = m.group(1)

        def num(key):
            r = re.search(key + r":\s*([\d.]+)", blk)
            return float(r.group(1)) if r else None
        pkts = num("packets received")
        proc = num("processing cycles")
        return {"cycles_per_packet": proc / pkts if pkts else None,
                "cycles_per_packet_iters": proc / pkts if pkts else None,
                "busy_cycles": proc, "switch_packets": pkts,
                "idle_cycles": num("idle cycles"),
                "emc_hits": num("emc hits"),
                "megaflow_hits": num("megaflow hits")}

    def stop(self):
        # the daemons are this program's children: SIGTERM by pid
        for p in reversed(self.procs):
            p.stop(signal.SIGTERM)


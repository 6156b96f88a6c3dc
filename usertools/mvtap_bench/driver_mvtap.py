# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-mvtap authors

"""The dpdk-mvtap driver of mvtap-bench: its configuration file, its
start, and its cycles per frame from /mvtap/lcores.
"""

import os

from .harness import (JUMBO_MTU, POLICY_RATE, PREFIX_MVTAP, Proc,
                      SWITCH_LCORES, Switch, cfg_name, guest_mac, has_wire,
                      idle_mac, jumbo, scenario_guests, telemetry,
                      telemetry_ready, wait_until)


def endpoint_macs(cfg):
    """The MACs of a dpdk-mvtap configuration's endpoints: the traffic
    guests' first, then the idle ones."""
    g = scenario_guests(cfg)
    return [guest_mac(i) for i in range(g)] + [
        idle_mac(i) for i in range(g, cfg["endpoints"])]


def mvtap_ini(cfg, sockdir):
    """The INI file of one dpdk-mvtap configuration: the two traffic
    endpoints, the idle ones, and the policies."""
    mode = "bridge" if cfg["mode"] == "bridge" else "vepa"
    lines = ["; dpdk-mvtap benchmark: %s" % cfg_name(cfg), ""]
    eps = endpoint_macs(cfg)
    # with more lowers the endpoints say theirs: the first
    where = ["lower = lower"] if cfg.get("lowers", 1) > 1 else []
    for i, mac in enumerate(eps):
        lines += ["[endpoint e%d]" % i, "mac = %s" % mac,
                  "mode = %s" % mode,
                  "socket = %s" % os.path.join(sockdir, "e%d.sock" % i)
                  ] + where + [""]
    pols = cfg["policies"]
    if pols > 0:
        macs = list(eps)
        k = 0
        while len(macs) < pols:
            macs.append("02:00:00:10:%02x:%02x" % (k // 256, k % 256))
            k += 1
        for i, mac in enumerate(macs[:pols]):
            lines += ["[policy p%d]" % i, "mac = %s" % mac,
                      "rate = %d" % POLICY_RATE,
                      "dir = %s" % ("out" if i < 2 else "both"), ""]
    return "\n".join(lines)


class Mvtap(Switch):
    kind = "mvtap"
    label = "dpdk-mvtap"

    def __init__(self, cfg, workdir, exe, confdir, extra=()):
        super().__init__(cfg, workdir)
        self.exe = exe
        self.sockdir = os.path.join(workdir, "s")
        os.makedirs(self.sockdir, exist_ok=True)
        self.ini = os.path.join(confdir, cfg_name(cfg) + ".ini")
        with open(self.ini, "w") as f:
            f.write(mvtap_ini(cfg, self.sockdir))
        self.cmd = [exe, "--lcores", SWITCH_LCORES, "--socket-mem", "512",
                    "--file-prefix", PREFIX_MVTAP, "--no-pci",
                    "--log-level=lib.vhost.*:error", "--",
                    "--lower", self.lower_arg(0), "--config", self.ini]
        # the other lowers carry nothing: what they cost the one that does
        for i in range(1, cfg.get("lowers", 1)):
            self.cmd += ["--lower", self.lower_arg(i)]
        if cfg["mode"] == "vepa":
            self.cmd.append("--hairpin")
        self.cmd += list(extra)
        self.commands = [self.cmd]
        self.t0 = None
        self.guests = ["e%d" % i for i in range(scenario_guests(cfg))]

    def lower_arg(self, i):
        """--lower of lower i: net_null devices that receive nothing, the
        first named "lower" and at MTU 9000 for jumbo frames; with traffic
        from the wire, the first is a net_vhost device whose other end is
        the generator's station."""
        mtu = ",mtu=%d" % JUMBO_MTU if jumbo(self.cfg) else ""
        if i == 0 and has_wire(self.cfg):
            return "name=lower%s,dev=net_vhost0,iface=%s" % (
                mtu, self.wire_sock())
        if i == 0 and self.cfg.get("lowers", 1) == 1 and not mtu:
            return "net_null0,no-rx=1"
        return "name=%s%s,dev=net_null%d,no-rx=1" % (
            "lower" if i == 0 else "idle%d" % i, mtu, i)

    def socks(self):
        return [os.path.join(self.sockdir, ep + ".sock")
                for ep in self.guests]

    def wire_sock(self):
        return os.path.join(self.sockdir, "wire.sock")

    def idle_socks(self):
        return [(os.path.join(self.sockdir, "e%d.sock" % i), mac)
                for i, mac in enumerate(endpoint_macs(self.cfg))
                if i >= len(self.guests)]

    def wait_up(self, n, timeout=60):
        """Wait until n endpoints are connected (state up)."""
        def count():
            up, first = 0, 0
            while first is not None:
                page = telemetry(PREFIX_MVTAP, "/mvtap/endpoints,%d" % first)
                first = page.pop("next", None)
                up += sum(1 for e in page.values()
                          if isinstance(e, dict) and e.get("state") == "up")
            return up
        wait_until(lambda: count() >= n, timeout,
                   "%d endpoints to be connected" % n)

    def start(self):
        p = Proc("dpdk-mvtap", self.cmd, self.workdir).start()
        self.procs.append(p)
        p.wait_text("dpdk-mvtap: forwarding", 60, "dpdk-mvtap to forward")
        wait_until(lambda: telemetry_ready(PREFIX_MVTAP), 10,
                   "the dpdk-mvtap telemetry socket")

    def ready(self):
        for ep in self.guests:
            wait_until(lambda: telemetry(PREFIX_MVTAP, "/mvtap/endpoint," +
                                         ep).get("state") == "up", 10,
                       "endpoint %s to be up" % ep)

    def sample(self):
        lc = telemetry(PREFIX_MVTAP, "/mvtap/lcores")
        w = lc.get("1") or next(iter(lc.values()))
        eps = {ep: telemetry(PREFIX_MVTAP, "/mvtap/endpoint," + ep)
               for ep in self.guests}
        return w, eps

    def window_start(self):
        self.t0 = self.sample()

    def window_end(self):
        (w0, e0), (w1, e1) = self.t0, self.sample()
        busy = w1["busy_cycles"] - w0["busy_cycles"]
        idle = w1["idle_cycles"] - w0["idle_cycles"]
        pkts = w1["packets"] - w0["packets"]
        polls = (w1["poll_busy_cycles"] - w0["poll_busy_cycles"]
                 if "poll_busy_cycles" in w1 else None)
        drops = {ep: e1[ep]["drops"] - e0[ep]["drops"] for ep in e1}
        return {"cycles_per_packet": busy / pkts if pkts else None,
                "cycles_per_packet_iters": busy / pkts if pkts else None,
                "cycles_per_packet_polls": (polls / pkts if pkts and
                                            polls is not None else None),
                "poll_busy_cycles": polls,
                "switch_packets": pkts, "busy_cycles": busy,
                "idle_cycles": idle,
                "busy_share": busy / (busy + idle) if busy + idle else None,
                "loops": w1["loops"] - w0["loops"],
                "drops": drops}


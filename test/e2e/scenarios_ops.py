# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-mvtap authors
"""Operations on a running switch: endpoints added and removed live, queues
rebalanced, multiqueue guests, telemetry and mvtap-ctl, policies, the
libvirt hook and sleeping when idle.

The scenarios of mvtap_e2e.py; their harness is e2e_harness.py.
"""

import os
import re
import subprocess
import sys
import time

from e2e_harness import (EXT, Guest, USERTOOLS, bridge_switch, burst_guest,
                         check, check_eq, ctl, fds_baseline, fds_settled, mac,
                         ready, tap_switch, telemetry, txonly_guest,
                         wait_until, with_quiet_tap, Wire)
import mvtap_proc  # noqa: E402 (usertools/, on the path e2e_harness set)
from scenarios_wire import netns_rx_packets


def s_live_endpoints(sc):
    """Endpoints added and removed 100 times, a mode changed and a source
    list edited, while a guest streams to another: that traffic never
    stops, every frame is accounted for, no descriptor or mbuf leaks."""
    sw = sc.switch(["--lower", "net_null0,no-rx=1"] +
                   sc.endpoint("a", 0xa, "bridge") +
                   sc.endpoint("b", 0xb, "bridge"), "live")
    prefix = "mvte2e-live"
    sw.wait_log("forwarding")
    # baselines with no guest connected, as at the end
    mbufs0 = telemetry(prefix, "/mvtap/lower")["mbufs_in_use"]
    fds0 = fds_baseline(sw)
    gb = sc.guest("b", 0xb)
    ready(sw, gb)
    ga = txonly_guest(sc, "a", 0xa, mac(0xb))
    ready(sw, ga)
    # Progress is what the switch forwarded or dropped with a reason for
    # b: that depends only on a's sender being scheduled, not on b's
    # receiver, which shares the guest core with it and can be off-CPU
    # for a time slice. Samples are 0.1 s apart for the same reason.
    def progress():
        e = telemetry(prefix, "/mvtap/endpoint,b")
        return e["tx_packets"] + e["drops"]
    seen = [progress()]
    last = time.monotonic()
    for i in range(100):
        spec = (f"name=c{i % 3},mac={mac(0x40 + i % 3)},mode=vepa,"
                f"socket={sc.sock('c')}")
        r = telemetry(prefix, "/mvtap/add_endpoint," + spec)
        check_eq(r, {"result": "ok"}, f"add round {i}")
        if i == 0:
            check_eq(telemetry(prefix, "/mvtap/add_endpoint," + spec),
                     {"error": "--endpoint name=c0: duplicate endpoint name"},
                     "adding it twice")
            check_eq(telemetry(prefix, "/mvtap/set_mode,c0,source"),
                     {"result": "ok"}, "mode change")
            check_eq(telemetry(prefix, "/mvtap/add_source,c0," + EXT),
                     {"result": "ok"}, "source list add")
            check_eq(telemetry(prefix, "/mvtap/endpoint,c0")["mode"],
                     "source", "mode after change")
            check_eq(telemetry(prefix, "/mvtap/del_source,c0," + EXT),
                     {"result": "ok"}, "source list del")
            check_eq(telemetry(prefix, "/mvtap/set_mode,b,passthru"),
                     {"error": "endpoint b: a mode cannot change to or "
                      "from passthru (as in Linux)"}, "no passthru change")
        r = telemetry(prefix, f"/mvtap/del_endpoint,c{i % 3}")
        check_eq(r, {"result": "ok"}, f"del round {i}")
        if time.monotonic() - last >= 0.1:
            seen.append(progress())
            last = time.monotonic()
    time.sleep(max(0.0, 0.1 - (time.monotonic() - last)))
    seen.append(progress())
    check(not os.path.exists(sc.sock("c")), "removed endpoint's socket left")
    check_eq(telemetry(prefix, "/mvtap/del_endpoint,zz"),
             {"error": "no endpoint named zz"}, "removing a stranger")
    check(all(x < y for x, y in zip(seen, seen[1:])),
          f"traffic to b stalled during the churn: {seen}")
    _, sent = ga.stop()
    sw.wait_rx("a", sent)
    rx_b, _ = gb.stop()
    wait_until(lambda: telemetry(prefix, "/mvtap/endpoint,b")["state"] ==
               "waiting", 10, "b's disconnection")
    fds1 = fds_settled(sw, fds0)
    mbufs1 = telemetry(prefix, "/mvtap/lower")["mbufs_in_use"]
    p = sw.stop()
    check_eq(p["a"]["rx_packets"], sent, "switch received every frame")
    check_eq(p["b"]["tx_packets"], rx_b, "b received what the switch sent")
    check_eq(p["b"]["tx_packets"] + p["b"]["drops"], sent,
             "delivered + dropped = sent")
    check_eq(fds1, fds0, "file descriptors after the churn")
    check_eq(mbufs1, mbufs0, "mbufs in use after the churn")


def s_rebalance(sc):
    """Two workers: queues are spread when endpoints are added, and a
    rebalance puts the one busy queue alone on a worker."""
    sw = sc.switch(["--lower", "net_null0,no-rx=1"] +
                   sc.endpoint("a", 0xa, "bridge") +
                   sc.endpoint("b", 0xb, "bridge") +
                   sc.endpoint("c", 0xc, "bridge") +
                   sc.endpoint("d", 0xd, "bridge"), "bal",
                   cores="0@0,1@1,2@1")
    prefix = "mvte2e-bal"
    sw.wait_log("forwarding")

    def polls():
        return sorted(v["polls"] for v in
                      telemetry(prefix, "/mvtap/lcores").values())
    check_eq(polls(), ["lower:0 a:0 c:0", "lower:1 b:0 d:0"],
             "initial placement, two workers")
    gb = sc.guest("b", 0xb)
    ready(sw, gb)
    ga = txonly_guest(sc, "a", 0xa, mac(0xb))
    ready(sw, ga)
    time.sleep(1)
    check_eq(telemetry(prefix, "/mvtap/rebalance"), {"result": "ok"},
             "rebalance")
    got = polls()
    check(any(p.endswith(" a:0") for p in got) and
          any(p.endswith(" b:0 c:0 d:0") for p in got),
          f"after rebalance a should poll alone: {got}")
    ga.stop()
    gb.stop()
    sw.stop()


def s_handoff(sc):
    """Two workers and two single-queue guests, each polled by one of them:
    what a guest sends the other is handed to the worker that polls that
    other guest, which alone fills its receive queue, and arrives whole:
    exact counts at both guests and in the switch, the hand-overs counted
    on the worker that handed them, nothing left waiting."""
    prefix = "mvte2e-ho"
    sw = sc.switch(["--lower", "net_null0,no-rx=1"] +
                   sc.endpoint("a", 0xa, "bridge") +
                   sc.endpoint("b", 0xb, "bridge"), "ho",
                   cores="0@0,1@1,2@1")
    sw.wait_log("forwarding")

    def lcores():
        return {v["polls"]: v for v in
                telemetry(prefix, "/mvtap/lcores").values()}

    def delivered(ep, n):
        """The switch sent ep n frames, none dropped."""
        def out():
            e = telemetry(prefix, "/mvtap/endpoint," + ep)
            return e["tx_packets"] + e["drops"] >= n
        wait_until(out, 10, f"the switch to send {ep} {n} frames")
        e = telemetry(prefix, "/mvtap/endpoint," + ep)
        check_eq((e["tx_packets"], e["drops"]), (n, 0),
                 f"{ep} got {n} frames (drops: "
                 f"{ {k: v for k, v in e['drops_by_reason'].items() if v} })")
    check_eq(sorted(lcores()), ["lower:0 a:0", "lower:1 b:0"],
             "a and b polled by different workers")
    gb = sc.guest("b", 0xb)
    ready(sw, gb)
    ga = burst_guest(sc, sw, "a", 0xa, mac(0xb), 64)
    delivered("b", 64)
    lc = lcores()
    check_eq((lc["lower:0 a:0"]["handoffs"], lc["lower:1 b:0"]["handoffs"]),
             (64, 0), "a's frames handed to b's worker, and only those")
    check_eq(ga.stop(), (0, 64), "a sent 64")
    check_eq(gb.stop(), (64, 0), "b received them all")
    # and the other way
    ga = sc.guest("a2", 0xa, sock=sc.sock("a"), ep="a")
    ready(sw, ga)
    gb = burst_guest(sc, sw, "b2", 0xb, mac(0xa), 32, rx=32,
                     sock=sc.sock("b"), ep="b")
    delivered("a", 32)
    lc = lcores()
    check_eq((lc["lower:0 a:0"]["handoffs"], lc["lower:1 b:0"]["handoffs"],
              lc["lower:0 a:0"]["handoff_queued"],
              lc["lower:1 b:0"]["handoff_queued"]),
             (64, 32, 0, 0), "b's frames handed to a's worker")
    check_eq(gb.stop(), (0, 32), "b sent 32")
    check_eq(ga.stop(), (32, 0), "a received them all")
    # sleeping when idle: a hand-over wakes the worker it is for (nothing
    # else can: b's guest only receives, the lower has no interrupts)
    check_eq(ctl(prefix, "set-max-sleep", "10000"), (0, "ok\n", ""),
             "set-max-sleep 10000")
    gb = sc.guest("b3", 0xb, sock=sc.sock("b"), ep="b")
    ready(sw, gb)
    time.sleep(1)
    woke = lcores()["lower:1 b:0"]["wakeups"]
    ga = burst_guest(sc, sw, "a3", 0xa, mac(0xb), 32, rx=96,
                     sock=sc.sock("a"), ep="a")
    delivered("b", 96)
    check(lcores()["lower:1 b:0"]["wakeups"] > woke,
          "b's worker woken by the hand-over, not by its timeout")
    check_eq(ga.stop(), (0, 32), "a sent 32 more")
    check_eq(gb.stop(), (32, 0), "b received them")
    p = sw.stop()
    check_eq((p["a"]["tx_packets"], p["b"]["tx_packets"], p["a"]["drops"],
              p["b"]["drops"]), (32, 96, 0, 0),
             "switch: to a and to b, no drop")


def s_multiqueue(sc):
    """queues=2: the switch polls both queue pairs of a multiqueue guest
    (its tx-first burst goes out on each TX queue) and delivers it all."""
    prefix = "mvte2e-mq"
    sw = sc.switch(["--lower", "net_null0,no-rx=1"] +
                   sc.endpoint("a", 0xa, "bridge", ",queues=2") +
                   sc.endpoint("b", 0xb, "bridge", ",queues=2"), "mq")
    sw.wait_log("forwarding")
    gs = {}
    for name, n, peer, burst in (("b", 0xb, None, 0),
                                 ("a", 0xa, mac(0xb), 32)):
        g = Guest(sc.tmp, "g-" + name, sc.sock(name), mac(n), peer, burst)
        i = g.cmd.index("--vdev") + 1
        g.cmd[i] += ",queues=2"
        # two queues' descriptors need more mbufs and memory
        g.cmd[g.cmd.index("256")] = "512"
        g.cmd[g.cmd.index("--total-num-mbufs=2048")] = \
            "--total-num-mbufs=8192"
        g.cmd += ["--rxq=2", "--txq=2"]
        g.ep = name
        sc.procs.append(g.start())
        ready(sw, g)
        gs[name] = g
    sw.wait_rx("a", 64)
    check_eq(telemetry(prefix, "/mvtap/endpoint,a")["queue_pairs"], 2,
             "a negotiated two queue pairs")
    check_eq(gs["a"].stop(), (0, 64), "a sent one burst per queue")
    wait_until(lambda: "RX-packets: 64" in gs["b"].output() or
               telemetry(prefix, "/mvtap/endpoint,b")["tx_packets"] == 64,
               10, "b to get the 64 frames")
    # a two-queue guest killed, a one-queue guest next: nothing of the
    # first one's queues is polled or used
    gs["b"].kill()
    g = Guest(sc.tmp, "g-b1", sc.sock("b"), mac(0xb))
    g.ep = "b"
    sc.procs.append(g.start())
    wait_until(lambda: telemetry(prefix, "/mvtap/endpoint,b")["connects"]
               == 2, 30, "b's second guest")
    ready(sw, g)
    ga = burst_guest(sc, sw, "a2", 0xa, mac(0xb), 32, rx=96, sock=sc.sock("a"),
                     ep="a")
    check_eq(ga.stop(), (0, 32), "a's second sender")
    check_eq(g.stop(), (32, 0), "b's one-queue guest got all of it")
    check("invalid virtqueue" not in sw.output() and
          "invalid vring" not in sw.output(),
          "the switch used a queue of the previous guest:\n" +
          "\n".join(l for l in sw.output().splitlines()
                    if "invalid" in l)[:2000])
    p = sw.stop()
    check_eq(p["b"]["tx_packets"], 96, "switch: to b")


def s_observability(sc):
    """Telemetry, mvtap-ctl and the Prometheus exporter against a switch
    with guests: values equal the guests' own counters."""
    import urllib.request
    prefix = "mvte2e-obs"
    sw = sc.switch(["--lower", "net_null0,no-rx=1"] +
                   sc.endpoint("a", 0xa, "bridge") +
                   sc.endpoint("b", 0xb, "bridge"), "obs")
    sw.wait_log("forwarding")
    gb = sc.guest("b", 0xb)
    ready(sw, gb)
    ga = burst_guest(sc, sw, "a", 0xa, mac(0xb), 64)
    ga_rx, ga_tx = ga.stop()
    gb_rx, _ = gb.stop()
    check_eq((ga_tx, gb_rx), (64, 64), "guests: a sent, b received")

    eps = telemetry(prefix, "/mvtap/endpoints")
    check_eq((eps["a"]["rx_packets"], eps["b"]["tx_packets"]), (ga_tx, gb_rx),
             "/mvtap/endpoints against the guests")
    b = telemetry(prefix, "/mvtap/endpoint,b")
    check_eq((b["tx_bytes"], b["mode"], b["role"], b["queues"]),
             (64 * 64, "bridge", "server", 1), "/mvtap/endpoint,b")
    check_eq(sum(b["drops_by_reason"].values()), b["drops"], "drops add up")
    lc = telemetry(prefix, "/mvtap/lcores")
    check_eq(sum(v["packets"] for v in lc.values()), 64, "/mvtap/lcores")
    # tsc_hz is the rate of the worker's clock: busy + idle cycles grow
    # by it every second (the worker loop never stops)
    k = next(iter(lc))
    t0, w0 = time.monotonic(), lc[k]
    time.sleep(1)
    t1, w1 = time.monotonic(), telemetry(prefix, "/mvtap/lcores")[k]
    rate = (w1["busy_cycles"] + w1["idle_cycles"] - w0["busy_cycles"] -
            w0["idle_cycles"]) / (t1 - t0)
    check(abs(rate / w1["tsc_hz"] - 1) < 0.03,
          f"/mvtap/lcores tsc_hz {w1['tsc_hz']}, cycles counted at {rate:.0f}/s")
    check_eq(telemetry(prefix, "/mvtap/lower")["tx_packets"], 0,
             "/mvtap/lower: bridge traffic stayed local")

    rc, out, _ = ctl(prefix, "list")
    row = {l.split()[0]: l.split() for l in out.splitlines()[1:]}
    check_eq((rc, row["a"][4], row["b"][5]), (0, "64", "64"), "ctl list")
    rc, out, _ = ctl(prefix, "show", "b")
    check(rc == 0 and re.search(r"^tx_packets\s+64$", out, re.M),
          f"ctl show b:\n{out}")
    rc, out, _ = ctl(prefix, "lcores")
    check(rc == 0 and "lower:0 a:0 b:0" in out, f"ctl lcores:\n{out}")
    rc, out, _ = ctl(prefix, "lower")
    check(rc == 0 and re.search(r"^promiscuous\s+1$", out, re.M),
          f"ctl lower:\n{out}")
    rc, out, _ = ctl(prefix, "stats", "--count", "1")
    check(rc == 0 and re.search(r"^b\s+waiting", out, re.M),
          f"ctl stats:\n{out}")
    spec = f"name=c,mac={mac(0xc)},mode=private,socket={sc.sock('c')}"
    check_eq(ctl(prefix, "add-endpoint", spec)[:2], (0, "ok\n"), "ctl add")
    check(os.path.exists(sc.sock("c")), "c's socket")
    check_eq(ctl(prefix, "add-endpoint", spec),
             (1, "", "mvtap-ctl: --endpoint name=c: duplicate endpoint name\n"),
             "ctl add twice")
    check_eq(ctl(prefix, "rebalance")[:2], (0, "ok\n"), "ctl rebalance")
    check_eq(ctl(prefix, "set-mode", "c", "source")[:2], (0, "ok\n"),
             "ctl set-mode")
    check_eq(ctl(prefix, "add-source", "c", EXT)[:2], (0, "ok\n"),
             "ctl add-source")
    check_eq(ctl(prefix, "del-source", "c", EXT)[:2], (0, "ok\n"),
             "ctl del-source")
    check_eq(ctl(prefix, "add-source", "a", EXT),
             (1, "", "mvtap-ctl: endpoint a: source lists need mode source\n"),
             "ctl add-source to a bridge endpoint")
    check_eq(ctl(prefix, "del-endpoint", "c")[:2], (0, "ok\n"), "ctl del")
    check_eq(ctl(prefix, "show", "c"),
             (1, "", "mvtap-ctl: no endpoint named 'c'\n"), "ctl show gone")
    check_eq(ctl("mvte2e-nosuch", "list")[0], 1, "ctl without a switch")

    ex = subprocess.Popen([sys.executable,
                           os.path.join(USERTOOLS, "mvtap-exporter"), "-f",
                           prefix, "--listen", "127.0.0.1:0"],
                          stdout=subprocess.PIPE, text=True)
    try:
        url = re.search(r"serving (http://\S+)", ex.stdout.readline()).group(1)
        text = urllib.request.urlopen(url, timeout=10).read().decode()
    finally:
        mvtap_proc.kill_popen(ex)
    series = dict(re.findall(r"^(mvtap_\S+) (\S+)$", text, re.M))
    check_eq(series.get("mvtap_up"), "1", "mvtap_up")
    check_eq(series.get('mvtap_endpoint_tx_packets_total{endpoint="b",'
                        f'mac="{mac(0xb)}",mode="bridge"}}'), str(gb_rx),
             "exporter: tx to b against guest b")
    check_eq(series.get('mvtap_endpoint_drops_total{endpoint="a",'
                        'reason="ring_full"}'), "0", "exporter: drop series")
    sw.stop()


def policy_rate(prefix, key, ep, seconds):
    """(delivered, offered) rates in bit/s over one window: what the
    policy let through, and what endpoint ep sent."""
    def sample():
        return (time.monotonic(),
                telemetry(prefix, "/mvtap/policies")[key]["conform_bytes"],
                telemetry(prefix, f"/mvtap/endpoint,{ep}")["rx_bytes"])
    t0, c0, o0 = sample()
    time.sleep(seconds)
    t1, c1, o1 = sample()
    return (c1 - c0) * 8 / (t1 - t0), (o1 - o0) * 8 / (t1 - t0)


def check_policed(delivered, offered, limit):
    """A policer never passes more than its rate (the bucket's depth aside),
    and passes all of it when offered more."""
    check(delivered <= 1.03 * limit,
          f"delivered {delivered / 1e6:.2f} Mbit/s over a "
          f"{limit / 1e6:.0f} Mbit/s policy")
    if offered >= 2 * limit:
        check(delivered >= 0.95 * limit,
              f"delivered {delivered / 1e6:.2f} Mbit/s of a "
              f"{limit / 1e6:.0f} Mbit/s policy, offered "
              f"{offered / 1e6:.2f}")


def s_policy(sc):
    """The policy stage: deny, spoofchk, and a rate limit whose delivered
    rate is within 5% of the configured one, changed while traffic flows."""
    prefix = "mvte2e-pol"
    sw = sc.switch(["--lower", "net_null0,no-rx=1",
                    "--policy", f"mac={mac(0xc)},action=deny,dir=out"] +
                   sc.endpoint("a", 0xa, "bridge", ",rate=10000,burst=1000") +
                   sc.endpoint("b", 0xb, "bridge") +
                   sc.endpoint("c", 0xc, "bridge") +
                   sc.endpoint("d", 0xd, "bridge", ",spoofchk=1"), "pol")
    sw.wait_log("forwarding")
    gb = sc.guest("b", 0xb)
    ready(sw, gb)
    gc = sc.guest("c", 0xc, peer=mac(0xb), burst=32)
    # d's guest uses a MAC that is not the endpoint's
    gd = sc.guest("d", 0x1d, peer=mac(0xb), burst=16, ep="d")
    ready(sw, gc, gd)
    sw.wait_rx("c", 32)
    sw.wait_rx("d", 16)
    gc.stop()
    gd.stop()
    c = telemetry(prefix, "/mvtap/endpoint,c")["drops_by_reason"]
    d = telemetry(prefix, "/mvtap/endpoint,d")["drops_by_reason"]
    check_eq((c["policy_deny"], d["spoof"]), (32, 16),
             "denied and spoofed frames")
    check_eq(telemetry(prefix, "/mvtap/endpoint,b")["tx_packets"], 0,
             "b got none of them")
    spec = f"name=e,mac={mac(0xe)},rate=5000,socket={sc.sock('e')}"
    check_eq(telemetry(prefix, "/mvtap/add_endpoint," + spec),
             {"result": "ok"}, "live endpoint with rate=")
    e = telemetry(prefix, "/mvtap/policies").get("e/out", {})
    check_eq((e.get("mac"), e.get("rate_kbps")), (mac(0xe), 5000),
             "its policy")
    check_eq(telemetry(prefix, "/mvtap/del_endpoint,e"), {"result": "ok"},
             "removed")
    check("e/out" not in telemetry(prefix, "/mvtap/policies"),
          "the removed endpoint's policy is gone")

    ga = txonly_guest(sc, "a", 0xa, mac(0xb))
    ready(sw, ga)
    time.sleep(1)   # past the initial burst
    key = "a/out"
    check_policed(*policy_rate(prefix, key, "a", 3), 10e6)
    check(telemetry(prefix, "/mvtap/policies")[key]["exceed_packets"] > 0,
          "the sender was faster than its policy")
    check_eq(telemetry(prefix, "/mvtap/set_policy,"
                       f"mac={mac(0xa)},name=a,rate=20000,burst=1000,dir=out"),
             {"result": "ok"}, "raise the rate live")
    time.sleep(1)
    check_policed(*policy_rate(prefix, key, "a", 3), 20e6)
    ga.stop()
    time.sleep(0.5)
    rx_b, _ = gb.stop()
    pol = telemetry(prefix, "/mvtap/policies")[key]
    p = sw.stop()
    check_eq(p["b"]["tx_packets"], rx_b, "b received what the switch sent")
    check_eq(p["b"]["tx_packets"] + p["b"]["drops"], pol["conform_packets"],
             "what conformed was delivered to b or dropped there")
    check_eq(p["a"]["rate_limit"], pol["exceed_packets"],
             "rate_limit drops = exceed packets")
    check_eq(p["a"]["rx_packets"],
             pol["conform_packets"] + pol["exceed_packets"],
             "every frame of a was metered")


HOOK = os.path.join(os.path.dirname(os.path.realpath(__file__)), "..", "..",
                    "usertools", "mvtap-libvirt-hook")


def run_hook(sc, prefix, op, xml, extra=()):
    """libvirt's call of the installed hook: (status, stdout, stderr)."""
    r = subprocess.run([sys.executable, HOOK, "hook", "-f", prefix,
                        "--socket-dir", sc.tmp] + list(extra) +
                       ["vm", op, "begin", "-"], input=xml,
                       capture_output=True, text=True, timeout=30)
    return r.returncode, r.stdout, r.stderr


def domain_xml(sc, mac1, mac2):
    return f"""<domain type='kvm'>
  <name>vm</name>
  <metadata>
    <mvtap:endpoint xmlns:mvtap="urn:dpdk-mvtap:1" name="vm1" mode="bridge"/>
    <mvtap:endpoint xmlns:mvtap="urn:dpdk-mvtap:1" name="vm2" mode="bridge"
                    keys="spoofchk=1"/>
  </metadata>
  <devices>
    <interface type='vhostuser'>
      <mac address='{mac1}'/>
      <source type='unix' path='{sc.sock("vm1")}' mode='client'/>
      <model type='virtio'/>
    </interface>
    <interface type='vhostuser'>
      <mac address='{mac2}'/>
      <source type='unix' path='{sc.sock("vm2")}' mode='server'/>
      <model type='virtio'/>
      <driver queues='1'/>
    </interface>
    <interface type='vhostuser'>
      <mac address='02:00:00:00:00:77'/>
      <source type='unix' path='/run/elsewhere/x.sock' mode='client'/>
    </interface>
    <interface type='network'>
      <mac address='02:00:00:00:00:78'/>
      <source network='default'/>
    </interface>
  </devices>
</domain>
"""


def s_libvirt_hook(sc):
    """libvirt's qemu hook with a domain of two vhost-user interfaces in the
    switch's socket directory (QEMU client on one, server on the other) and
    two that are not the switch's: prepare makes exactly the two endpoints
    (mode and keys from the metadata, client=1 where QEMU serves), start and
    migrate again change nothing and print nothing, guests on them forward,
    release removes them; a name taken by another endpoint, and a switch
    that is down, fail the start with one line, or not with
    --on-error=ignore; release never fails."""
    prefix = "mvte2e-hook"
    sw = bridge_switch(sc, "hook", ("z", 0x1f))
    xml = domain_xml(sc, mac(0x21), mac(0x22))
    for op in ("prepare", "start", "migrate"):
        check_eq(run_hook(sc, prefix, op, xml), (0, "", ""), f"hook {op}")
    eps = telemetry(prefix, "/mvtap/endpoints")
    check_eq(sorted(k for k in eps if k != "next"), ["vm1", "vm2", "z"],
             "the domain's two endpoints")
    e1 = telemetry(prefix, "/mvtap/endpoint,vm1")
    e2 = telemetry(prefix, "/mvtap/endpoint,vm2")
    check_eq((e1["mac"], e1["mode"], e1["role"], e1["socket"]),
             (mac(0x21), "bridge", "server", sc.sock("vm1")), "vm1")
    check_eq((e2["mac"], e2["mode"], e2["role"], e2["socket"]),
             (mac(0x22), "bridge", "client", sc.sock("vm2")), "vm2")
    # vm2's frontend listens and the switch connects when it retries: vm1
    # sends its burst only once vm2 takes frames
    g2 = sc.guest("vm2", 0x22, server=True)
    ready(sw, g2)
    g1 = sc.guest("vm1", 0x21, peer=mac(0x22), burst=16)
    ready(sw, g1)
    sw.wait_rx("vm1", 16)
    check_eq(g1.stop(), (0, 16), "vm1 sent")
    check_eq(g2.stop(), (16, 0), "vm2 received through the switch")
    check_eq(run_hook(sc, prefix, "release", xml), (0, "", ""),
             "hook release")
    eps = telemetry(prefix, "/mvtap/endpoints")
    check_eq(sorted(k for k in eps if k != "next"), ["z"],
             "release removed them")
    check(not os.path.exists(sc.sock("vm1")), "vm1's socket removed")
    # a name that another endpoint holds: the domain must not start
    check_eq(telemetry(prefix, "/mvtap/add_endpoint,name=vm1,mac=" +
                       mac(0x31) + ",socket=" + sc.sock("vm1")),
             {"result": "ok"}, "another vm1")
    why = (f"mvtap-libvirt-hook: domain vm, prepare: endpoint vm1 exists "
           f"with MAC {mac(0x31)} on {sc.sock('vm1')}, not {mac(0x21)} on "
           f"{sc.sock('vm1')}\n")
    check_eq(run_hook(sc, prefix, "prepare", xml), (1, "", why),
             "a taken name fails the start")
    check_eq(run_hook(sc, prefix, "prepare", xml, ["--on-error", "ignore"]),
             (0, "", why), "or not, with --on-error=ignore")
    check_eq(run_hook(sc, prefix, "release", xml), (0, "", ""),
             "release leaves another's endpoint alone")
    check_eq(telemetry(prefix, "/mvtap/endpoint,vm1")["mac"], mac(0x31),
             "the other vm1 is still there")
    sw.stop()
    rc, out, err = run_hook(sc, prefix, "prepare", xml)
    check_eq((rc, out), (1, ""), "switch down: the start fails")
    check(err.startswith("mvtap-libvirt-hook: domain vm, prepare: no "
                         "dpdk-mvtap with file prefix 'mvte2e-hook'") and
          err.count("\n") == 1, f"switch down: one line, got {err!r}")
    check_eq(run_hook(sc, prefix, "release", xml)[0], 0,
             "switch down: release still succeeds")


def worker_cpu(sw, seconds=2.0):
    """The share of a CPU the switch's worker lcore used over seconds."""
    tids = mvtap_proc.threads_named(sw.proc.pid, "rte-worker")
    check_eq(len(tids), 1, "one worker thread")

    def ticks():
        return mvtap_proc.stat_ticks(sw.proc.pid, tids[0])
    t0, c0 = time.monotonic(), ticks()
    time.sleep(seconds)
    return (ticks() - c0) / os.sysconf("SC_CLK_TCK") / \
        (time.monotonic() - t0)


def worker_stats(prefix):
    """The /mvtap/lcores entry of the switch's one worker."""
    return next(iter(telemetry(prefix, "/mvtap/lcores").values()))


def s_idle_sleep(sc):
    """--max-sleep-us: an idle worker sleeps instead of burning its CPU
    (below 20 % with 500 us; all of it with 0, set live), frames still
    arrive, every one, and the sleeps are counted."""
    prefix = "mvte2e-sleep"
    sw = bridge_switch(sc, "sleep", ("a", 0xa), ("b", 0xb))
    check_eq(ctl(prefix, "set-max-sleep", "500"), (0, "ok\n", ""),
             "set 500 us")
    gb = sc.guest("b", 0xb)
    ready(sw, gb)
    idle = worker_cpu(sw)
    check(idle < 0.2, f"an idle worker with 500 us sleeps used {idle:.2f} "
          "of a CPU")
    ga = burst_guest(sc, sw, "a", 0xa, mac(0xb), 32)
    check_eq(ga.stop(), (0, 32), "a sent")
    lc = worker_stats(prefix)
    check(lc["sleeps"] > 0 and lc["sleep_cycles"] > 0 and
          lc["max_sleep_us"] == 500, f"sleeps counted: {lc}")
    check_eq(ctl(prefix, "set-max-sleep", "0"), (0, "ok\n", ""), "set 0")
    busy = worker_cpu(sw)
    check(busy > 0.5, f"a worker that never sleeps used only {busy:.2f}")
    check_eq(ctl(prefix, "set-max-sleep", "10001"),
             (1, "", "mvtap-ctl: max-sleep-us 10001: expected an integer "
              "0..10000\n"), "out of range")
    check_eq(gb.stop(), (32, 0), "b got every frame")
    sw.stop()


@with_quiet_tap
def s_idle_wake(sc):
    """A sleeping worker is woken by what arrives, not by its timeout: with
    sleeps of up to 10 ms, each frame a namespace sends on a tap endpoint
    ends a sleep (the device's RX interrupt: its queue's descriptor), and
    so does each one a guest sends back (its kick), and each one from the
    wire (a net_tap lower); every frame comes back, and the idle worker
    uses under 5 % of a CPU."""
    ns, n = "mvte2e-w1", 10
    subprocess.run(["ip", "netns", "del", ns], stderr=subprocess.DEVNULL)
    subprocess.run(["ip", "netns", "add", ns], check=True)
    try:
        prefix = "mvte2e-wake"
        sw = tap_switch(sc, "mvtw0", ["--max-sleep-us", "10000",
                                      "--endpoint",
                                      f"name=t,type=tap,ifname=mvtw1,"
                                      f"mac={mac(0xc1)},mode=bridge,"
                                      f"netns={ns}"] +
                        sc.endpoint("b", 0xb, "bridge"), name="wake")
        # the guest sends back, addresses swapped, what it receives
        gb = Guest(sc.tmp, "g-b", sc.sock("b"), mac(0xb))
        gb.cmd = [x if x != "--forward-mode=rxonly" else
                  "--forward-mode=macswap" for x in gb.cmd]
        gb.ep = "b"
        sc.procs.append(gb.start())
        ready(sw, gb)
        idle = worker_cpu(sw)
        check(idle < 0.05, f"an idle worker with 10 ms sleeps used "
              f"{idle:.3f} of a CPU")
        woke0 = worker_stats(prefix)["wakeups"]
        rx0 = netns_rx_packets(ns, "mvtw1")
        frame = (mac(0xb) + mac(0xc1)).replace(":", "") + "88b5"
        inject = ("import socket,time;s=socket.socket(socket.AF_PACKET,"
                  "socket.SOCK_RAW);s.bind(('mvtw1',0));"
                  f"[(s.send(bytes.fromhex('{frame}')+bytes(46)),"
                  f"time.sleep(0.05)) for i in range({n})]")
        subprocess.run(["ip", "netns", "exec", ns, sys.executable, "-c",
                        inject], check=True)
        wait_until(lambda: netns_rx_packets(ns, "mvtw1") - rx0 >= n, 10,
                   "the guest's frames back in the namespace")
        time.sleep(0.1)
        check_eq(netns_rx_packets(ns, "mvtw1") - rx0, n,
                 "each frame back once")
        lc = worker_stats(prefix)
        # each of the 2n arrivals ended a sleep of its own
        check(lc["wakeups"] - woke0 >= 2 * n,
              f"{lc['wakeups'] - woke0} wake-ups for {2 * n} arrivals")
        # from the wire: the lower's queue wakes the worker as well
        woke0 = lc["wakeups"]
        wire = Wire("mvtw0")
        for i in range(n):
            wire.send(mac(0xb), EXT, 1)
            time.sleep(0.05)
        wait_until(lambda: wire.received(EXT) >= n, 10,
                   "the guest's frames back on the wire")
        time.sleep(0.1)
        check_eq(wire.received(EXT), n, "each wire frame back once")
        wire.close()
        lc = worker_stats(prefix)
        check(lc["wakeups"] - woke0 >= 2 * n,
              f"{lc['wakeups'] - woke0} wake-ups for {2 * n} arrivals "
              "from the wire and the guest")
        gb.stop()
        sw.stop()
    finally:
        subprocess.run(["ip", "netns", "del", ns], stderr=subprocess.DEVNULL)

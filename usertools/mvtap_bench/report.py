# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-mvtap authors

"""What mvtap-bench reports: the statistics over repetitions, the ratios
paired within rounds with their intervals, the tables on the terminal and
the gnuplot plots.
"""

import os
import statistics
import subprocess

from .harness import cfg_label, cfg_name, log, scenario_guests, scenario_tag
from .machine import C2C_FAR_NS, ensure_package
from .stats import RESAMPLES, fmt_paired, paired_ratio

# The paired ratios: (metric, peer, whether lower is better). Busy cycles
# per frame both ways: dpdk-mvtap's whole busy iterations against OVS's
# (which counts iterations too) and against testpmd's (which counts the
# polls that received), and dpdk-mvtap's polls that moved frames against
# testpmd's, like for like.
PAIRED = [("mpps", "testpmd", False),
          ("cycles_per_packet", "testpmd", True),
          ("cycles_per_packet_polls", "testpmd", True),
          ("mpps", "ovs", False),
          ("cycles_per_packet", "ovs", True)]
# Against the baseline binary (--baseline), the same three ways.
BASELINE_PAIRED = [("mpps", False), ("cycles_per_packet", True),
                   ("cycles_per_packet_polls", True)]
PAIRED_LABEL = {"mpps": "loop rate", "cycles_per_packet":
                "busy cycles/frame (iterations)",
                "cycles_per_packet_polls": "busy cycles/frame (polls)"}


def same_traffic(a, b):
    """Whether two configurations carry the same traffic (frame size,
    scenario, open or closed loop), so that their ratio means something."""
    return (a["size"] == b["size"] and
            a.get("scenario", "pair") == b.get("scenario", "pair") and
            a.get("broadcast") == b.get("broadcast") and
            bool(a.get("open_loop")) == bool(b.get("open_loop")))


def by_round(samples, name):
    return {s["rep"]: s for s in samples
            if s["name"] == name and s.get("used")}


def paired(row, ref, samples, key, peer_key, lower_is_better):
    """The ratio row/ref of key within each round both ran in."""
    mine, theirs = by_round(samples, row["name"]), by_round(samples,
                                                            ref["name"])
    rounds = []
    for rep in sorted(set(mine) & set(theirs)):
        a, b = mine[rep].get(key), theirs[rep].get(peer_key)
        rounds.append(a / b if a and b else None)
    return paired_ratio(rounds, lower_is_better)


def median_spread(vals):
    vals = [v for v in vals if v is not None]
    if not vals:
        return None
    return {"median": statistics.median(vals), "min": min(vals),
            "max": max(vals), "n": len(vals)}


def summarise(cfgs, samples):
    out = []
    for cfg in cfgs:
        name = cfg_name(cfg)
        ok = []
        for rep in sorted({s["rep"] for s in samples if s["name"] == name}):
            good = [s for s in samples if s["name"] == name and
                    s["rep"] == rep and s.get("ok")]
            clean = [s for s in good if not s.get("noisy")]
            if clean or good:
                pick = (clean or good)[-1]
                pick["used"] = True
                ok.append(pick)
        out.append({"name": name, "config": cfg, "label": cfg_label(cfg),
                    "runs": len([s for s in samples if s["name"] == name]),
                    "ok": len(ok),
                    "noisy": len([s for s in ok if s.get("noisy")]),
                    "mpps": median_spread([s["mpps"] for s in ok]),
                    "gbps": median_spread([s["gbps"] for s in ok]),
                    "cycles_per_packet": median_spread(
                        [s["cycles_per_packet"] for s in ok]),
                    "cycles_per_packet_polls": median_spread(
                        [s.get("cycles_per_packet_polls") for s in ok]),
                    "mpps_total": median_spread(
                        [s.get("mpps_total") for s in ok]),
                    "offered_mpps": median_spread(
                        [s.get("offered_mpps") for s in ok]),
                    "dropped_mpps": median_spread(
                        [s.get("dropped_mpps") for s in ok]),
                    "other_cpus": median_spread(
                        [s["other_cpus"] for s in ok])})
        row = out[-1]
        row["by_placement"] = {}
        for pl in ("near", "far"):
            sub = [s for s in ok if s.get("placement") == pl]
            row["by_placement"][pl] = {
                "n": len(sub),
                "mpps": median_spread([s["mpps"] for s in sub]),
                "cycles_per_packet": median_spread(
                    [s["cycles_per_packet"] for s in sub])}
    # ratios against the peers of the same frame size, same invocation
    for row in out:
        row["paired"] = {}
        for key, peer, lower in PAIRED:
            ref = next((r for r in out if r["config"]["switch"] == peer and
                        same_traffic(r["config"], row["config"])), None)
            if ref is None or row["config"]["switch"] != "mvtap":
                continue
            # testpmd counts its cycles by poll: that is its figure both
            # ways
            p = paired(row, ref, samples, key, "cycles_per_packet"
                       if peer == "testpmd" and key.startswith("cycles")
                       else key, lower)
            if p:
                row["paired"]["%s_vs_%s" % (key, peer)] = p
        # more lowers than one: against the same with one, same rounds
        c = row["config"]
        one = next((r for r in out if c["switch"] == "mvtap" and
                    c.get("lowers", 1) > 1 and
                    r["config"] == dict(c, lowers=1)), None)
        for key, lower in (("mpps", False), ("cycles_per_packet", True)):
            p = one and paired(row, one, samples, key, key, lower)
            if p:
                row["paired"]["%s_vs_one_lower" % key] = p
        # against the same configuration run with the baseline binary
        base = next((r for r in out if c["switch"] == "mvtap" and
                     not c.get("baseline") and
                     r["config"] == dict(c, baseline=True)), None)
        for key, lower in BASELINE_PAIRED:
            p = base and paired(row, base, samples, key, key, lower)
            if p:
                row["paired"]["%s_vs_baseline" % key] = p
        for peer in ("testpmd", "ovs"):
            ref = next((r for r in out if r["config"]["switch"] == peer and
                        same_traffic(r["config"], row["config"])), None)
            for key in ("mpps", "cycles_per_packet"):
                k = "%s_vs_%s" % (key, peer)
                if ref and ref[key] and row[key]:
                    row[k] = row[key]["median"] / ref[key]["median"]
                else:
                    row[k] = None
                # the same, between runs under the same CPU placement
                for pl, mine in row["by_placement"].items():
                    theirs = ref["by_placement"][pl] if ref else {}
                    mine[k] = (mine[key]["median"] / theirs[key]["median"]
                               if mine[key] and theirs.get(key) else None)
    return out


def fmt_ms(ms, fmt):
    if not ms:
        return "-"
    return (fmt + " [" + fmt + "-" + fmt + "]") % (ms["median"], ms["min"],
                                                   ms["max"])


def fmt_ratio(x):
    return "-" if x is None else "%.2f" % x


def ratio_cells(r):
    """The ratios of a summary row (or of one placement of it) to the
    peers, formatted."""
    return [fmt_ratio(r.get(k)) for k in (
        "mpps_vs_testpmd", "cycles_per_packet_vs_testpmd", "mpps_vs_ovs",
        "cycles_per_packet_vs_ovs")]


def log_table(hdr, rows, left):
    """Columns as wide as their widest cell; the first left of them
    aligned to the left, the others to the right."""
    w = [max(len(h), *(len(x[i]) for x in rows)) for i, h in enumerate(hdr)]
    for x in [hdr] + rows:
        log("  ".join(c.ljust(w[i]) if i < left else c.rjust(w[i])
                      for i, c in enumerate(x)))


def build_phrase(info):
    """Which dpdk-mvtap was measured, for the output."""
    if not info:
        return "dpdk-mvtap not run"
    return "dpdk-mvtap measured: %s (%s, git %s%s)" % (
        info.get("binary"), info.get("build", "build type unknown"),
        info.get("git_head", "?")[:12],
        ", lib/app modified" if info.get("git_dirty") else "")


def print_table(summary, reps, build=None, baseline=None):
    hdr = ["size", "switch / configuration", "Mpps/port", "Gbit/s/port",
           "cycles/packet", "cyc/pkt polls", "Mpps/tp", "cyc/tp", "Mpps/ovs",
           "cyc/ovs"]
    rows = []
    for r in summary:
        rows.append(["%d" % r["config"]["size"], r["label"],
                     fmt_ms(r["mpps"], "%.2f"), fmt_ms(r["gbps"], "%.2f"),
                     fmt_ms(r["cycles_per_packet"], "%.0f"),
                     fmt_ms(r.get("cycles_per_packet_polls"), "%.0f")] +
                    ratio_cells(r))
    log()
    log(build_phrase(build))
    if baseline:
        log("baseline: " + build_phrase(baseline).split(": ", 1)[1])
    log("Results: median [min-max] over %d round(s); Mpps and Gbit/s "
        "per generator port (each direction of the loop);" % reps)
    log("cycles/packet: the switch's busy cycles per forwarded frame, over "
        "whole busy iterations (testpmd: over the polls that received);")
    log("cyc/pkt polls: over the polls that moved frames alone (dpdk-mvtap "
        "poll_busy_cycles, testpmd); /tp, /ovs: ratio of medians")
    log_table(hdr, rows, 2)
    print_scenario_table(summary)
    print_paired_table(summary)
    print_placement_table(summary)


def print_scenario_table(summary):
    """The rates of the scenarios with more than one pair or an open loop:
    what all the guests received, and what they sent when that differs."""
    rows = []
    for r in summary:
        c = r["config"]
        if not scenario_tag(c) or not r.get("mpps_total"):
            continue
        ol = c.get("open_loop")
        rows.append(["%d" % c["size"], r["label"],
                     "%d" % scenario_guests(c),
                     fmt_ms(r["mpps_total"], "%.2f"),
                     fmt_ms(r.get("offered_mpps"), "%.2f") if ol else "-",
                     fmt_ms(r.get("dropped_mpps"), "%.3f") if ol else "-",
                     fmt_ms(r["cycles_per_packet"], "%.0f")])
    if not rows:
        return
    log()
    log("Scenarios: Mpps received by all the guests together (the loop "
        "rate; fan-in: 8 senders to one receiver and back), and in open "
        "loop what the guests sent and what did not arrive")
    log_table(["size", "switch / configuration", "guests", "Mpps delivered",
               "Mpps sent", "Mpps dropped", "cycles/packet"], rows, 2)


def print_paired_table(summary):
    """Every ratio paired within rounds: median, 95 % bootstrap interval
    over the rounds, the verdict the interval allows, rounds."""
    rows = []
    for r in summary:
        for key, peer, lower in PAIRED:
            p = r.get("paired", {}).get("%s_vs_%s" % (key, peer))
            if p:
                rows.append(["%d" % r["config"]["size"], r["label"],
                             "%s vs %s" % (PAIRED_LABEL[key], {
                                 "testpmd": "testpmd io",
                                 "ovs": "OVS-DPDK"}[peer]),
                             fmt_paired(p)])
        for key in ("mpps", "cycles_per_packet"):
            p = r.get("paired", {}).get("%s_vs_one_lower" % key)
            if p:
                rows.append(["%d" % r["config"]["size"], r["label"],
                             "%s vs one lower" % PAIRED_LABEL[key],
                             fmt_paired(p)])
        for key, _ in BASELINE_PAIRED:
            p = r.get("paired", {}).get("%s_vs_baseline" % key)
            if p:
                rows.append(["%d" % r["config"]["size"], r["label"],
                             "%s vs baseline" % PAIRED_LABEL[key],
                             fmt_paired(p)])
    if not rows:
        return
    log()
    log("Paired ratios: dpdk-mvtap / peer within each round, median "
        "[95 %% bootstrap interval over the rounds, %d resamples] and "
        "(rounds); ahead/behind: the whole interval on one side of 1.00, "
        "level: it holds 1.00" % RESAMPLES)
    log_table(["size", "switch / configuration", "ratio",
               "median [interval] verdict (rounds)"], rows, 3)


def print_placement_table(summary):
    """The medians again, of the runs under each CPU placement apart."""
    hdr = ["size", "switch / configuration", "placement", "runs",
           "Mpps/port", "cycles/packet", "Mpps/tp", "cyc/tp", "Mpps/ovs",
           "cyc/ovs"]
    rows = []
    for pl in ("near", "far"):
        for r in summary:
            b = r.get("by_placement", {}).get(pl)
            if not b or not b["n"]:
                continue
            rows.append(["%d" % r["config"]["size"], r["label"], pl,
                         "%d" % b["n"], fmt_ms(b["mpps"], "%.2f"),
                         fmt_ms(b["cycles_per_packet"], "%.0f")] +
                        ratio_cells(b))
    if not rows:
        return
    log()
    log("By CPU placement: runs whose cache-line round trip between the two "
        "CPUs (mvtap-c2c, before and after the run) was below %.0f ns "
        "(near) or above it (far) both times; ratios are between runs of "
        "the same placement" % C2C_FAR_NS)
    log_table(hdr, rows, 3)


def run_gnuplot(script, datdir, fname):
    """Write the gnuplot script that draws fname in datdir and run it;
    returns whether it succeeded."""
    gp = os.path.join(datdir, fname.replace(".svg", ".gp"))
    with open(gp, "w") as f:
        f.write("\n".join(script) + "\n")
    r = subprocess.run(["gnuplot", gp], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        log("gnuplot failed: %s" % r.stdout.strip()[-300:])
    return r.returncode == 0


SCENARIO_TITLE = {"": "pair", "open": "open loop", "fan-in": "fan-in",
                  "many-pairs": "many pairs", "wire": "wire to 16 guests"}
SWITCH_TITLE = (("mvtap", "dpdk-mvtap"), ("testpmd", "testpmd io"),
                ("ovs", "OVS-DPDK NORMAL"))


def plot_scenarios(summary, outdir):
    """SVGs of every scenario's rate and cycles per frame, a cluster of
    bars (median, min-max) per scenario and frame size, a bar per switch:
    dpdk-mvtap's first configuration of the scenario (for the pair, the
    one with the fewest endpoints and policies)."""
    groups = []
    for r in summary:
        c = r["config"]
        key = (c["size"], scenario_tag(c))
        if key not in groups:
            groups.append(key)
    if len(groups) < 2:
        return []
    datdir = os.path.join(outdir, "plotdata")
    os.makedirs(datdir, exist_ok=True)
    files = []
    for metric, fname, ylabel in (
            ("mpps_total", "mpps-by-scenario.svg",
             "Mpps delivered to all guests (and the wire)"),
            ("cycles_per_packet", "cycles-by-scenario.svg",
             "busy cycles per frame")):
        dat = os.path.join(datdir, fname.replace(".svg", ".dat"))
        with open(dat, "w") as f:
            for size, tag in groups:
                cells = []
                for sw, _ in SWITCH_TITLE:
                    rows = [r for r in summary if r["ok"] and
                            r["config"]["switch"] == sw and
                            r["config"]["size"] == size and
                            scenario_tag(r["config"]) == tag]
                    rows.sort(key=lambda r: (r["config"]["endpoints"],
                                             r["config"]["policies"]))
                    m = rows[0][metric] if rows else None
                    cells += (["%g" % m["median"], "%g" % m["min"],
                               "%g" % m["max"]] if m else ["-"] * 3)
                title = SCENARIO_TITLE.get(tag, tag.replace(
                    "broadcast", "broadcast ") + (
                    " %" if tag.startswith("broadcast") else ""))
                f.write('"%s, %d B" %s\n' % (title, size, " ".join(cells)))
        script = ["set terminal svg size 900,480 dynamic font 'Sans,11'",
                  "set output '%s'" % os.path.join(outdir, fname),
                  "set style data histograms",
                  "set style histogram errorbars gap 2 lw 1",
                  "set style fill solid 0.6 border -1",
                  "set datafile missing '-'", "set grid ytics",
                  "set ylabel '%s'" % ylabel, "set yrange [0:*]",
                  "set xtics nomirror", "set bmargin 4", "set key top right",
                  "set title 'median and min-max over the rounds'",
                  "plot " + ", ".join(
                      "'%s' using %d:%d:%d%s title '%s'" % (
                          dat, 2 + 3 * i, 3 + 3 * i, 4 + 3 * i,
                          ":xtic(1)" if i == 0 else "", t)
                      for i, (_, t) in enumerate(SWITCH_TITLE))]
        if run_gnuplot(script, datdir, fname):
            files.append(os.path.join(outdir, fname))
    return files


def plot(summary, outdir):
    """SVGs of Mpps and cycles/packet against the endpoint count, and of
    every scenario side by side."""
    if not ensure_package("gnuplot", "gnuplot-nox"):
        log("no gnuplot: no plot")
        return []
    # the binary measured, not the baseline it was compared with
    summary = [r for r in summary if not r["config"].get("baseline")]
    files = plot_scenarios(summary, outdir)
    # the matrix of the closed pair
    summary = [r for r in summary if not scenario_tag(r["config"])]
    mv = [r for r in summary if r["config"]["switch"] == "mvtap" and r["ok"]]
    if not mv:
        return files
    sizes = sorted({r["config"]["size"] for r in mv})
    series = []
    for size in sizes:
        keys = sorted({(r["config"]["mode"], r["config"]["policies"])
                       for r in mv if r["config"]["size"] == size})
        for mode, pol in keys:
            pts = sorted((r for r in mv if r["config"]["size"] == size and
                          r["config"]["mode"] == mode and
                          r["config"]["policies"] == pol),
                         key=lambda r: r["config"]["endpoints"])
            series.append((size, mode, pol, pts))
    peers = {(r["config"]["switch"], r["config"]["size"]): r
             for r in summary if r["config"]["switch"] != "mvtap" and r["ok"]}
    datdir = os.path.join(outdir, "plotdata")
    os.makedirs(datdir, exist_ok=True)
    eps = sorted({r["config"]["endpoints"] for r in mv})
    for metric, fname, ylabel in (
            ("mpps", "mpps-vs-endpoints.svg", "Mpps per port (loop rate)"),
            ("cycles_per_packet", "cycles-vs-endpoints.svg",
             "busy cycles per packet")):
        script = ["set terminal svg size 800,%d dynamic font 'Sans,11'" %
                  (480 * len(sizes)),
                  "set output '%s'" % os.path.join(outdir, fname),
                  "set logscale x 2", "set xrange [%g:%g]" % (
                      min(eps) / 1.4, max(eps) * 1.4),
                  "set xtics (%s)" % ", ".join("'%d' %d" % (e, e)
                                               for e in eps),
                  "set xlabel 'configured endpoints (traffic on 2)'",
                  "set ylabel '%s'" % ylabel, "set grid",
                  "set key below maxrows 3", "set yrange [0:*]"]
        if len(sizes) > 1:
            script.append("set multiplot layout %d,1" % len(sizes))
        for size in sizes:
            plots = []
            for i, (sz, mode, pol, pts) in enumerate(series):
                if sz != size:
                    continue
                dat = os.path.join(datdir, "%s-%d-%s-%d.dat" % (
                    metric, size, mode, pol))
                with open(dat, "w") as f:
                    for r in pts:
                        if r[metric]:
                            f.write("%d %g %g %g\n" % (
                                r["config"]["endpoints"], r[metric]["median"],
                                r[metric]["min"], r[metric]["max"]))
                title = "dpdk-mvtap %s, %s" % (
                    "bridge" if mode == "bridge" else "vepa+hairpin",
                    "%d policies" % pol if pol else "no policy")
                # a small shift per series keeps the error bars apart
                shift = 1 + 0.04 * (len(plots) - 1.5)
                plots.append("'%s' using ($1*%g):2:3:4 with yerrorlines "
                             "lw 2 title '%s'" % (dat, shift, title))
            for peer, title in (("testpmd", "testpmd io (2 ports)"),
                                ("ovs", "OVS-DPDK NORMAL (2 ports)")):
                r = peers.get((peer, size))
                if r and r[metric]:
                    plots.append("%g with lines dt 2 lw 2 title '%s'" % (
                        r[metric]["median"], title))
            script.append("set title '%d-byte frames, median and min-max'"
                          % size)
            script.append("plot " + ", ".join(plots))
        if len(sizes) > 1:
            script.append("unset multiplot")
        if run_gnuplot(script, datdir, fname):
            files.append(os.path.join(outdir, fname))
    return files


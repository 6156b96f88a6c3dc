# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-mvtap authors

"""Statistics of paired runs for mvtap-bench: the median of the ratios
taken within each round, a bootstrap interval over the rounds, and the
verdict the interval allows. Pure Python, reproducible: the resampling
uses its own generator with a fixed seed.
"""

import random
import statistics

RESAMPLES = 2000
SEED = 19
LEVEL = 0.95


def bootstrap_interval(values, resamples=RESAMPLES, level=LEVEL, seed=SEED,
                       stat=statistics.median):
    """The percentile bootstrap interval of stat (the median) over values:
    the rounds are drawn with replacement, resamples times. Returns
    (low, high), or None when there is no value."""
    vals = [v for v in values if v is not None]
    if not vals:
        return None
    rng = random.Random(seed)
    n = len(vals)
    est = sorted(stat([vals[rng.randrange(n)] for _ in range(n)])
                 for _ in range(resamples))
    tail = (1 - level) / 2
    lo = est[int(tail * resamples)]
    hi = est[min(resamples - 1, int((1 - tail) * resamples))]
    return lo, hi


def verdict(interval, lower_is_better):
    """"ahead" when the whole interval is on the good side of 1.00,
    "behind" when it is all on the bad side, "level" when it holds 1.00."""
    if interval is None:
        return None
    lo, hi = interval
    if lo <= 1.0 <= hi:
        return "level"
    good = hi < 1.0 if lower_is_better else lo > 1.0
    return "ahead" if good else "behind"


def paired_ratio(rounds, lower_is_better, resamples=RESAMPLES, seed=SEED):
    """rounds: one ratio per round (None where a run of the round failed).
    Returns a dict: n, the ratios, their median, the interval and the
    verdict; None when no round gave a ratio."""
    vals = [r for r in rounds if r is not None]
    if not vals:
        return None
    ci = bootstrap_interval(vals, resamples=resamples, seed=seed)
    return {"n": len(vals), "ratios": vals,
            "median": statistics.median(vals),
            "ci95": list(ci), "resamples": resamples, "seed": seed,
            "verdict": verdict(ci, lower_is_better)}


def fmt_paired(p):
    """"0.97 [0.93-1.01] level (20)", or "-"."""
    if not p:
        return "-"
    return "%.2f [%.2f-%.2f] %s (%d)" % (p["median"], p["ci95"][0],
                                         p["ci95"][1], p["verdict"], p["n"])

"""Time the uncertainty and sensitivity analysis on a province-sized table; prints figures.

python benchmarks/bench_uncertainty.py [--stations 2000] [--draws 1000] [--loop-runs 300]

The example's officers and stations are resampled into ``--stations`` stations (10 per district,
30 officers each; the default tree's 26 indicators), then ``--draws`` base draws of every factor
run (draws x (factors + 2) model runs, Saltelli's design). Beside it, the same runs one at a time
(a plain loop over draws, ``--loop-runs`` of them, scaled to the whole design) give the ratio.
Peak memory is the process' maximum resident set size.
"""

from __future__ import annotations

import argparse
import dataclasses
import resource
import time
from pathlib import Path

import numpy as np
import pandas as pd

from evalkit.pipeline import evaluate_prepared, prepare, prepare_data
from evalkit.pipeline.uncertainty import _decode, _factors, _guess_mask, _nominal, monte_carlo
from evalkit.pipeline.uncertainty_model import build_model, run
from evalkit.spec import UncertaintySpec

ROOT = Path(__file__).resolve().parents[1]


def big_prepared(stations: int, seed: int = 1):
    """The example resampled to `stations` stations (10 per district, 30 officers each)."""
    p = prepare(ROOT)
    rng = np.random.default_rng(seed)
    resp = p.survey.responses
    st = p.survey.stations
    n_d = max(1, stations // 10)
    rows, srows = [], []
    for k in range(stations):
        d, s = f"D{k // 10:04d}", f"S{k:05d}"
        pick = resp.iloc[rng.integers(0, len(resp), 30)].copy()
        pick["district"], pick["station"] = d, s
        pick["respondent"] = [f"{s}-{i}" for i in range(30)]
        rows.append(pick)
        srow = st.iloc[[int(rng.integers(0, len(st)))]].copy()
        srow["district"], srow["station"] = d, s
        srow["district_en"], srow["station_en"] = d, s
        srows.append(srow)
    survey = dataclasses.replace(
        p.survey,
        responses=pd.concat(rows, ignore_index=True),
        stations=pd.concat(srows, ignore_index=True),
    )
    del n_d
    return prepare_data(p.spec, p.tree, survey, p.judgments)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--stations", type=int, default=2000)
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--loop-runs", type=int, default=300)
    args = ap.parse_args()
    t0 = time.perf_counter()
    p = big_prepared(args.stations)
    ev = evaluate_prepared(p)
    print(
        f"table: {len(ev.stations)} stations x {len(p.leaf_ids)} indicators, "
        f"{len(ev.districts)} districts, {len(p.survey.responses)} officers "
        f"(built in {time.perf_counter() - t0:.1f} s)"
    )
    settings = UncertaintySpec(draws=args.draws)
    best = None
    for _ in range(2):
        t = time.perf_counter()
        u = monte_carlo(ev, settings)
        secs = time.perf_counter() - t
        best = secs if best is None else min(best, secs)
    assert u is not None
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"vectorised: {args.draws} draws, {u.runs} model runs: {best:.2f} s "
        f"(best of 2), peak RSS {rss:.0f} MiB"
    )
    # the same model runs one at a time
    model = build_model(
        p, ev.weights.spec, replicates=settings.replicates, seed=1, respondents=True, experts=True
    )
    nominal = _nominal(ev)
    factors = _factors(settings, model, nominal, True, _guess_mask(ev))
    width = sum(f.width for f in factors)
    rng = np.random.default_rng(0)
    k = args.loop_runs
    runs = _decode(factors, nominal, rng.random((k, width)), np.zeros(k, int), len(model.worst))
    t = time.perf_counter()
    for i in range(k):
        run(model, runs.take(np.array([i])), has_judgments=True)
    per_run = (time.perf_counter() - t) / k
    loop = per_run * u.runs
    print(
        f"plain loop over draws: {per_run * 1e3:.2f} ms a run, {loop:.1f} s for the {u.runs} runs "
        f"(measured on {k}); vectorised is {loop / best:.1f}x faster"
    )


if __name__ == "__main__":
    main()

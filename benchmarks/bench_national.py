"""National-scale scoring and uncertainty (and reports for a sample of districts); prints figures.

python benchmarks/bench_national.py [--districts 2800] [--stations 40000] [--respondents 1200000]
    [--draws 1000] [--reports 20] [--jobs 2]

The country is generated in memory (evalkit.synth_scale: the arrays its workbooks would hold,
nothing written or read), then: screening and measuring (prepare_data), weights and scores
(evaluate_prepared), the uncertainty analysis (``--draws`` draws of every factor of the example
project's settings), and Excel + PDF reports for ``--reports`` districts. Each stage's wall
time; peak memory is the process' maximum resident set size (getrusage), which includes the
country's own arrays. The load average is printed with the figures: the machine may be shared.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import resource
import tempfile
import time
from pathlib import Path

from evalkit.pipeline import evaluate_prepared, prepare, prepare_data
from evalkit.pipeline.uncertainty import monte_carlo
from evalkit.synth_scale import plan_country, survey_data

ROOT = Path(__file__).resolve().parents[1]


def peak_gib() -> float:
    """Maximum resident set size of this process so far (Linux: KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


_CPU = [time.process_time()]


def stage(name: str, t0: float) -> float:
    """Print a stage's wall time, the CPU time this process used in it (all its threads; on a
    shared machine wall time grows with the others' load, CPU time much less), peak memory."""
    t = time.perf_counter() - t0
    cpu = time.process_time() - _CPU[0]
    _CPU[0] = time.process_time()
    print(
        f"  {name:<34} {t:7.2f} s wall  {cpu:7.2f} s CPU   peak RSS {peak_gib():5.2f} GiB   "
        f"{load()}",
        flush=True,
    )
    return t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--districts", type=int, default=2800)
    ap.add_argument("--stations", type=int, default=40000)
    ap.add_argument("--respondents", type=int, default=1_200_000)
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--reports", type=int, default=20)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    print(
        f"national run: {args.districts} districts, {args.stations} stations, "
        f"{args.respondents} officers, {args.draws} draws; {load()}"
    )
    t = time.perf_counter()
    _CPU[0] = time.process_time()
    example = prepare(ROOT)  # the example project's settings, tree, experts and library
    country = plan_country(
        example.spec.tree,
        districts=args.districts,
        stations=args.stations,
        respondents=args.respondents,
    )
    survey = survey_data(country)
    stage("generate (in memory)", t)
    t0 = time.perf_counter()
    p = prepare_data(example.spec, example.tree, survey, example.judgments, example.rules)
    t_prep = stage("screen + measure (prepare_data)", t0)
    t = time.perf_counter()
    ev = evaluate_prepared(p)
    t_score = stage("weights + scores + ranks", t)
    t = time.perf_counter()
    settings = dataclasses.replace(example.spec.uncertainty, draws=args.draws)
    u = monte_carlo(ev, settings)
    t_unc = stage(f"uncertainty ({u.runs} runs)", t)
    total = t_prep + t_score + t_unc
    print(f"  scoring + uncertainty: {total:.1f} s, peak RSS {peak_gib():.2f} GiB")
    if args.reports:
        sample_reports(ev, args.reports, args.jobs)


def sample_reports(ev, n: int, jobs: int) -> None:
    """Excel + PDF for n districts (every n-th by rank), in 1 and in *jobs* worker processes."""
    from evalkit.report.tables import district_report, load_rules
    from evalkit.run import _Renderer, resolve_font

    order = ev.districts.sort_values("rank")["district"].tolist()
    pick = order[:: max(1, len(order) // n)][:n]
    rules = load_rules(ev)
    t = time.perf_counter()
    models = [district_report(ev, d, "zh", rules) for d in pick]
    stage(f"report models ({len(pick)} districts)", t)
    fonts = resolve_font(ev.spec, "zh", None)
    for workers in sorted({1, jobs}):
        with tempfile.TemporaryDirectory() as tmp:
            render = _Renderer({d: f"d{k}" for k, d in enumerate(pick)}, Path(tmp), True)
            t = time.perf_counter()
            render.all(models, fonts, workers, None)
            s = stage(f"Excel + PDF, {workers} worker(s)", t)
            print(f"    {len(pick) / s:.2f} districts' reports per second")


if __name__ == "__main__":
    main()

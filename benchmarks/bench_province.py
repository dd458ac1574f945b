"""A province of 100 districts end to end (read, score, uncertainty, every district's Excel + PDF,
the comparison); prints figures.

python benchmarks/bench_province.py [--districts 100] [--stations 2000] [--respondents 60000]
    [--jobs 1 2] [--lang zh] [--stages]

The province is written by ``evalkit synth`` (evalkit.synth_scale) into a temporary project with
the example's project file (1,000 uncertainty draws), then, once per ``--jobs`` value,
``evalkit run``'s own code (run_project: read, score, the uncertainty analysis, every district's
workbook and PDF, the comparison): wall time, CPU time of the run's process and of its
report workers, reports per second and the speed-up of the last value over the first. With
``--stages`` the stages are also timed one by one in this process: read (prepare), weights and
scores, the uncertainty analysis, the report models, one district's workbook and PDF. Peak
memory: the maximum resident set size of this process and of its workers (getrusage). The load
average is printed with every figure: the machine may be shared.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

from evalkit.pipeline import evaluate_prepared, prepare
from evalkit.pipeline.uncertainty import monte_carlo
from evalkit.run import run_project
from evalkit.synth_scale import plan_country, write_country

ROOT = Path(__file__).resolve().parents[1]


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def cpu() -> float:
    """CPU seconds of this process and of its finished children (report workers)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def peak() -> str:
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20
    return f"peak RSS {me:.2f} GiB (a worker: {kids:.2f} GiB)"


def project(tmp: Path, args: argparse.Namespace) -> Path:
    proj = tmp / "province"
    proj.mkdir()
    shutil.copyfile(ROOT / "evalkit.yaml", proj / "evalkit.yaml")
    shutil.copytree(ROOT / "indicators", proj / "indicators")
    t = time.perf_counter()
    country = plan_country(
        proj / "indicators" / "community_policing.yaml",
        districts=args.districts,
        stations=args.stations,
        respondents=args.respondents,
    )
    write_country(country, proj / "surveys")
    print(f"  synth (workbooks written)   {time.perf_counter() - t:7.2f} s wall   {load()}")
    return proj


def stages(proj: Path, lang: str) -> None:
    from evalkit.report.excel import write_district_workbook
    from evalkit.report.pdf import render_district_pdf
    from evalkit.report.tables import district_report, load_rules
    from evalkit.run import resolve_font

    def step(name: str, t: float, c: float) -> None:
        print(
            f"  {name:<32} {time.perf_counter() - t:7.2f} s wall {cpu() - c:7.2f} s CPU   {load()}"
        )

    t, c = time.perf_counter(), cpu()
    p = prepare(proj)
    step("read + screen + measure", t, c)
    t, c = time.perf_counter(), cpu()
    ev = evaluate_prepared(p)
    step("weights + scores + ranks", t, c)
    t, c = time.perf_counter(), cpu()
    monte_carlo(ev)
    step("uncertainty (1,000 draws)", t, c)
    t, c = time.perf_counter(), cpu()
    rules = load_rules(ev)
    models = [district_report(ev, d, lang, rules) for d in ev.districts["district"]]
    step(f"report models ({len(models)})", t, c)
    font = resolve_font(ev.spec, lang, None)
    with tempfile.TemporaryDirectory() as tmp:
        t, c = time.perf_counter(), cpu()
        write_district_workbook(models[0], Path(tmp) / "d.xlsx")
        step("one district's workbook", t, c)
        t, c = time.perf_counter(), cpu()
        render_district_pdf(models[0], Path(tmp) / "d.pdf", font=font)
        step("one district's PDF", t, c)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--districts", type=int, default=100)
    ap.add_argument("--stations", type=int, default=2000)
    ap.add_argument("--respondents", type=int, default=60000)
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--lang", default="zh")
    ap.add_argument("--stages", action="store_true")
    args = ap.parse_args()
    print(
        f"province: {args.districts} districts, {args.stations} stations, "
        f"{args.respondents} officers; {load()}"
    )
    walls: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        proj = project(Path(tmp), args)
        if args.stages:
            stages(proj, args.lang)
        for jobs in args.jobs:
            shutil.rmtree(proj / "reports", ignore_errors=True)
            t, c = time.perf_counter(), cpu()
            res = run_project(proj, lang=args.lang, jobs=jobs)
            wall = walls[jobs] = time.perf_counter() - t
            tm = res.timings
            rest = wall - tm["evaluate"] - tm["uncertainty"]
            n = len(res.evaluation.districts)
            print(
                f"  evalkit run --jobs {jobs}: {wall:7.2f} s wall, {cpu() - c:7.2f} s CPU "
                f"(read + score {tm['evaluate']:.1f} s, uncertainty {tm['uncertainty']:.1f} s, "
                f"reports + comparison {rest:.1f} s; "
                f"{tm['per_district_mean']:.2f} s per district's reports), "
                f"{len(res.files)} files, {n / wall:.2f} districts' reports per second; "
                f"{peak()}; {load()}",
                flush=True,
            )
    if len(walls) > 1:
        first, last = args.jobs[0], args.jobs[-1]
        print(f"  speed-up {first} -> {last} workers: {walls[first] / walls[last]:.2f}x")


if __name__ == "__main__":
    main()

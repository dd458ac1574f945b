"""Time the example project end to end and per stage; prints figures (not a test).

python benchmarks/bench_run.py [--lang zh|en] [--jobs N] [--repeat K] [--districts N]

``--districts N`` runs a synthetic province of N districts (evalkit synth) instead of the example's
four; ``--jobs`` defaults to evalkit's own choice (one worker per 4 districts, at most one per core).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
import tracemalloc
from pathlib import Path

from evalkit.pipeline import evaluate
from evalkit.report import html_font
from evalkit.report import pdf as district_pdf
from evalkit.report.excel import write_district_workbook
from evalkit.report.html import district_page, write_html
from evalkit.report.pdf import _draw, render_district_pdf
from evalkit.report.pdf_data import charts_of, sections_of
from evalkit.report.tables import district_names, district_report, load_rules
from evalkit.report.whatif import whatif_payload
from evalkit.run import resolve_font, run_project
from evalkit.synth import synthesize

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("model", "charts", "typesetting", "workbook", "html")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lang", default="zh")
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("--districts", type=int, default=None)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        proj = Path(tmp) / "p"
        proj.mkdir()
        shutil.copyfile(ROOT / "evalkit.yaml", proj / "evalkit.yaml")
        shutil.copytree(ROOT / "indicators", proj / "indicators")
        if args.districts:
            synthesize(
                proj / "indicators" / "community_policing.yaml",
                proj / "surveys",
                districts=args.districts,
            )
        else:
            shutil.copytree(ROOT / "surveys", proj / "surveys")
        t = time.perf_counter()
        res = run_project(proj, lang=args.lang, jobs=args.jobs)
        first = time.perf_counter() - t
        print(
            f"run_project (cold, lang={args.lang}, jobs={args.jobs or 'auto'}, "
            f"{len(res.evaluation.districts)} districts): {first:.2f} s, {len(res.files)} files"
        )
        evals = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            ev = evaluate(proj)
            evals.append(time.perf_counter() - t)
        tracemalloc.start()  # a separate run: tracing slows Python down several times
        evaluate(proj)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(
            f"evaluate (read + weights + scores): best {min(evals):.3f} s of {args.repeat}; "
            f"peak traced memory {peak / 2**20:.1f} MiB"
        )
        rules = load_rules(ev)
        chain = resolve_font(ev.spec, args.lang, None)
        # the district whose station count is nearest ten (the "10-station district")
        counts = ev.stations.groupby("district").size()
        district = (counts - 10).abs().sort_values(kind="stable").index[0]
        names = district_names(ev, args.lang)
        times: dict[str, list[float]] = {k: [] for k in STAGES}
        cpu_total = []
        others = [d for d in ev.districts["district"] if d != district]
        for _ in range(args.repeat):
            # a worker of a run: warm, the charts every district shares (the sensitivity
            # analysis') drawn for the districts before, this district's own still to draw
            district_pdf._SVG_CACHE.clear()
            for d in others:
                for chart in charts_of(sections_of(district_report(ev, d, args.lang, rules))):
                    _draw(chart, chart.data, args.lang, chain)
            c0 = time.process_time()
            t = time.perf_counter()
            model = district_report(ev, district, args.lang, rules)
            times["model"].append(time.perf_counter() - t)
            t = time.perf_counter()
            for chart in charts_of(sections_of(model)):
                _draw(chart, chart.data, args.lang, chain)
            times["charts"].append(time.perf_counter() - t)
            t = time.perf_counter()
            render_district_pdf(model, Path(tmp) / "d.pdf", font=chain)  # the charts drawn
            times["typesetting"].append(time.perf_counter() - t)
            t = time.perf_counter()
            write_district_workbook(model, Path(tmp) / "d.xlsx")
            times["workbook"].append(time.perf_counter() - t)
            t = time.perf_counter()
            built = district_page(model, whatif_payload(ev, args.lang, names, district))
            css = html_font.font_face_css(built.chars)  # once per run: cached after the first
            write_html(built.html(css), Path(tmp) / "d.html")
            times["html"].append(time.perf_counter() - t)
            cpu_total.append(time.process_time() - c0)
        size = (Path(tmp) / "d.html").stat().st_size
        n = int(counts[district])
        print(f"per district, warm ({district}, {n} stations; best of {args.repeat}):")
        for k in STAGES:
            print(f"  {k:<12} {min(times[k]):.3f} s")
        best = min(sum(times[k][i] for k in STAGES) for i in range(args.repeat))
        print(
            f"  Excel + PDF + HTML {best:.3f} s wall, {min(cpu_total):.3f} s CPU "
            f"(HTML page {size / 1024:.0f} KiB; the first run also cut the font)"
        )
        html_font._css.cache_clear()
        t, c = time.perf_counter(), time.process_time()
        css = html_font.font_face_css(built.chars)
        print(
            f"font subset for the HTML pages, once per run: {time.perf_counter() - t:.3f} s "
            f"({time.process_time() - c:.3f} s CPU; {len(set(built.chars))} characters, "
            f"{len(css) / 1024:.0f} KiB in a page)"
        )


if __name__ == "__main__":
    main()

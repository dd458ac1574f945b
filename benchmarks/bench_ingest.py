"""Read and validate a large survey workbook; prints seconds and peak memory (not a test).

    python benchmarks/bench_ingest.py [--rows 100000] [--items 60] [--csv]

The workbook is generated once (seeded) into a cache folder, with a tree of the same size; ~2 % of
answers are blank and ~3 % are written as scale labels, as in real exports.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import xlsxwriter

from evalkit.ingest.survey import load_survey_data
from evalkit.tree import load_tree

LABELS = ["非常不同意", "不同意", "一般", "同意", "非常同意"]


def make_tree(path: Path, items: int) -> None:
    per = 3
    lines = [
        "schema_version: 1",
        "id: bench",
        "title: {zh: 基准, en: Bench}",
        "scales:",
        f"  likert5: {{values: [1, 2, 3, 4, 5], labels: {{zh: [{', '.join(LABELS)}]}}}}",
        "levels:",
        "  - {id: a, name: {zh: 低, en: Low}, min_score: 0}",
        "goal:",
        "  id: g",
        "  name: {zh: 目标, en: Goal}",
        "  children:",
        "    - id: d",
        "      name: {zh: 维度, en: Dim}",
        "      children:",
    ]
    for k in range(items // per):
        ids = ", ".join(f"{{id: q{k * per + j}, zh: 题, en: Q}}" for j in range(per))
        lines += [
            f"        - id: x{k}",
            f"          name: {{zh: 指标{k}, en: X{k}}}",
            "          direction: benefit",
            f"          source: {{survey: {{scale: likert5, items: [{ids}]}}}}",
        ]
    lines += [
        "    - id: s",
        "      name: {zh: 统计, en: Stat}",
        "      children:",
        "        - id: y",
        "          name: {zh: 比率, en: Ratio}",
        "          direction: benefit",
        "          goalposts: {worst: 0, best: 1}",
        "          source: {statistic: {numerator: a, denominator: b}}",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def make_workbook(path: Path, rows: int, items: int, seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    answers = rng.integers(1, 6, size=(rows, items))
    blank = rng.random((rows, items)) < 0.02
    label = rng.random((rows, items)) < 0.03
    stations = [f"S{i:03d}" for i in range(200)]
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False})
    ws = wb.add_worksheet("responses")
    ws.write_row(0, 0, ["respondent", "district", "station", *(f"q{j}" for j in range(items))])
    for i in range(rows):
        st = stations[i % 200]
        ws.write_row(i + 1, 0, [f"R{i:06d}", f"D{i % 200 // 20}", st])
        for j in range(items):
            if blank[i, j]:
                continue
            v = int(answers[i, j])
            if label[i, j]:
                ws.write_string(i + 1, 3 + j, LABELS[v - 1])
            else:
                ws.write_number(i + 1, 3 + j, v)
    ss = wb.add_worksheet("stations")
    ss.write_row(0, 0, ["district", "station", "a", "b"])
    for k, st in enumerate(stations):
        ss.write_row(k + 1, 0, [f"D{k // 20}", st, 5, 10])
    wb.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--items", type=int, default=60)
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "evalkit-bench")
    args = ap.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    tree_path = args.cache / f"tree{args.items}.yaml"
    wb_path = args.cache / f"survey_{args.rows}x{args.items}.xlsx"
    make_tree(tree_path, args.items)
    if not wb_path.exists():
        t = time.perf_counter()
        make_workbook(wb_path, args.rows, args.items)
        print(f"generated {wb_path.name} in {time.perf_counter() - t:.1f} s")
    tree = load_tree(tree_path)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    data = load_survey_data(tree, surveys=[wb_path])
    secs = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    n_missing = int(data.responses[[f"q{j}" for j in range(args.items)]].isna().to_numpy().sum())
    print(
        f"read + validate {args.rows:,} x {args.items} items: {secs:.2f} s; "
        f"peak RSS {peak / 1024:.0f} MiB (was {before / 1024:.0f} MiB before reading); "
        f"{len(data.responses):,} respondents, {n_missing:,} missing answers"
    )


if __name__ == "__main__":
    main()

"""Read and validate a large survey workbook; prints seconds and peak memory (not a test).

    python benchmarks/bench_ingest.py [--rows 100000] [--items 60] [--csv | --shared-strings]
                                      [--one-piece]

The workbook is generated once (seeded) into a cache folder, with a tree of the same size; ~2 % of
answers are blank and ~3 % are written as scale labels, as in real exports. ``--csv`` reads the same
answers from GB18030 CSV files (responses + stations) instead. A large sheet is parsed in parts on
all cores (evalkit.ingest.xlsxsplit); ``--one-piece`` parses it in one piece, for comparison.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from evalkit import system
from evalkit.ingest import xlsxsplit
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


def _answers(rows: int, items: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    answers = rng.integers(1, 6, size=(rows, items))
    blank = rng.random((rows, items)) < 0.02
    label = rng.random((rows, items)) < 0.03
    return answers, blank, label


def make_csv(folder: Path, rows: int, items: int, seed: int = 1) -> None:
    answers, blank, label = _answers(rows, items, seed)
    cells = np.where(label, np.asarray(LABELS, dtype=object)[answers - 1], answers.astype(object))
    cells[blank] = ""
    i = np.arange(rows)
    frame = pd.DataFrame(cells, columns=[f"q{j}" for j in range(items)])
    frame.insert(0, "station", [f"S{k:03d}" for k in i % 200])
    frame.insert(0, "district", [f"D{k}" for k in i % 200 // 20])
    frame.insert(0, "respondent", [f"R{k:06d}" for k in i])
    frame.to_csv(folder / f"responses_{rows}x{items}.csv", index=False, encoding="gb18030")
    k = np.arange(200)
    pd.DataFrame(
        {
            "district": [f"D{v}" for v in k // 20],
            "station": [f"S{v:03d}" for v in k],
            "a": 5,
            "b": 10,
        }
    ).to_csv(folder / "stations_200.csv", index=False, encoding="gb18030")


def make_workbook(
    path: Path, rows: int, items: int, seed: int = 1, shared_strings: bool = False
) -> None:
    answers, blank, label = _answers(rows, items, seed)
    stations = [f"S{i:03d}" for i in range(200)]
    # constant_memory writes text in the cells; without it, in a shared-strings table as Excel does
    options = {"constant_memory": not shared_strings, "strings_to_formulas": False}
    wb = xlsxwriter.Workbook(str(path), options)
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
    ap.add_argument("--csv", action="store_true", help="read GB18030 CSV files instead")
    ap.add_argument(
        "--shared-strings",
        action="store_true",
        help="text in a shared-strings table, as Excel saves",
    )
    ap.add_argument("--one-piece", action="store_true", help="do not split large sheets")
    args = ap.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    tree_path = args.cache / f"tree{args.items}.yaml"
    kind = "_sst" if args.shared_strings else ""
    wb_path = args.cache / f"survey_{args.rows}x{args.items}{kind}.xlsx"
    csv_path = args.cache / f"responses_{args.rows}x{args.items}.csv"
    make_tree(tree_path, args.items)
    made, t = "", time.perf_counter()
    if args.csv and not csv_path.exists():
        make_csv(args.cache, args.rows, args.items)
        made = csv_path.name
    elif not args.csv and not wb_path.exists():
        make_workbook(wb_path, args.rows, args.items, shared_strings=args.shared_strings)
        made = wb_path.name
    if made:
        print(f"generated {made} in {time.perf_counter() - t:.1f} s")
    if args.one_piece:
        xlsxsplit.SPLIT_MIN_BYTES = 1 << 62
    tree = load_tree(tree_path)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    if args.csv:
        data = load_survey_data(
            tree, responses=[csv_path], stations=[args.cache / "stations_200.csv"]
        )
    else:
        data = load_survey_data(tree, surveys=[wb_path])
    secs = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    n_missing = int(data.responses[[f"q{j}" for j in range(args.items)]].isna().to_numpy().sum())
    print(
        f"{'CSV' if args.csv else 'xlsx'} read + validate {args.rows:,} x {args.items} items "
        f"on {system.cores()} core(s){' (one piece)' if args.one_piece else ''}: {secs:.2f} s; "
        f"peak RSS {peak / 1024:.0f} MiB (was {before / 1024:.0f} MiB before reading); "
        f"{len(data.responses):,} respondents, {n_missing:,} missing answers"
    )


if __name__ == "__main__":
    main()

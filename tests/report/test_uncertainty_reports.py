"""The uncertainty analysis in the reports: comparison.xlsx's and each district's sheets equal the
analysis' tables, the PDF states the same figures as the workbook rounds them, and a run with
the analysis off has none of it. Real runs of copies of the example project, read back with
calamine/openpyxl and pypdf."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
from pypdf import PdfReader
from python_calamine import CalamineWorkbook

from evalkit.errors import MethodError
from evalkit.pipeline import ANALYSES, evaluate
from evalkit.pipeline.uncertainty import monte_carlo
from evalkit.report import narrative
from evalkit.report.formats import FORMATS, fmt
from evalkit.report.uncertainty_sections import level_probability, rank_range
from evalkit.run import RunResult, run_project
from evalkit.spec import load_spec

ROOT = Path(__file__).resolve().parents[2]
UNIT_IDS = [
    "unit_type",
    "unit",
    "rank",
    "rank_median",
    "rank_p05",
    "rank_p95",
    "score",
    "score_p05",
    "score_p95",
]


def _copy(dst: Path) -> Path:
    dst.mkdir(parents=True)
    shutil.copyfile(ROOT / "evalkit.yaml", dst / "evalkit.yaml")
    shutil.copytree(ROOT / "indicators", dst / "indicators")
    shutil.copytree(ROOT / "surveys", dst / "surveys")
    return dst


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, RunResult]:
    return {
        lang: run_project(_copy(tmp_path_factory.mktemp(lang) / "p"), lang=lang, jobs=1)
        for lang in ("zh", "en")
    }


def _rows(path: Path, sheet: str) -> list[list[Any]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


def _frame(path: Path, sheet: str) -> pd.DataFrame:
    """A machine-readable sheet: the second header row names the columns."""
    rows = _rows(path, sheet)
    return pd.DataFrame(rows[2:], columns=[str(c) for c in rows[1]])


def _pdf(path: Path) -> str:
    """The PDF's text without spaces, line breaks and the hyphens of words broken at a line."""
    text = "\n".join(p.extract_text() or "" for p in PdfReader(path).pages)
    return re.sub(r"\s+", "", re.sub(r"(?<=[a-z])-\n(?=[a-z])", "", text))


def _analysis_rows(res: RunResult) -> pd.DataFrame:
    u = res.evaluation.analysis("uncertainty").units
    return u[u["shown"].to_numpy(bool)]


def _same(a: Any, b: Any) -> bool:
    if isinstance(b, float) and np.isnan(b):
        return a in ("", None) or (isinstance(a, float) and np.isnan(a))
    return a == b


# ------------------------------------------------------------------ the workbooks


def test_comparison_uncertainty_sheet_equals_the_analysis(runs: dict[str, RunResult]) -> None:
    res = runs["zh"]
    ev = res.evaluation
    levels = [f"p_level_{lv.id}" for lv in ev.tree.levels]
    path = ev.spec.output_dir / "comparison.xlsx"
    rows = _rows(path, "Uncertainty")
    assert rows[1] == [*UNIT_IDS, *levels]  # exactly these columns, in this order
    assert rows[0][:3] == ["单位类型", "单位", "名义排名"]  # localised headers above them
    sheet = _frame(path, "Uncertainty")
    want = _analysis_rows(res)
    assert len(sheet) == len(want)
    # districts by rank first, then stations by rank in the province
    kinds = sheet["unit_type"].tolist()
    assert kinds == sorted(kinds, key=lambda k: k != "district")
    d = sheet[sheet["unit_type"] == "district"]
    assert d["rank"].tolist() == sorted(d["rank"].tolist())
    key = want.set_index(["unit_type", "unit"])
    for _, row in sheet.iterrows():
        ref = key.loc[(row["unit_type"], row["unit"])]
        for col in [*UNIT_IDS[2:], *levels]:
            assert _same(row[col], float(ref[col])), (row["unit"], col, row[col], ref[col])


def test_sensitivity_and_factors_sheets_equal_the_analysis(runs: dict[str, RunResult]) -> None:
    for lang, res in runs.items():
        result = res.evaluation.analysis("uncertainty")
        path = res.evaluation.spec.output_dir / "comparison.xlsx"
        s = _frame(path, "Sensitivity")
        assert list(s.columns)[:5] == ["factor", "first_order", "total", "output", "unit_type"]
        want = result.sensitivity
        assert s["factor"].tolist() == want["factor"].tolist()
        assert s["first_order"].tolist() == want["first_order"].tolist()
        assert s["total"].tolist() == want["total"].tolist()
        assert s["output"].tolist() == want["output"].tolist()
        f = _frame(path, "Factors")
        assert list(f.columns) == ["factor", "name", "varied", "range"]
        assert f["factor"].tolist() == result.factors["factor"].tolist()
        yes, no = ("是", "否") if lang == "zh" else ("yes", "no")
        assert f["varied"].tolist() == [yes if v else no for v in result.factors["varied"]]
        ranges = result.factors["range_zh" if lang == "zh" else "range"]
        assert f["range"].tolist() == ["" if x == "" else x for x in ranges]


def test_each_district_workbook_has_its_own_rows(runs: dict[str, RunResult]) -> None:
    res = runs["zh"]
    ev = res.evaluation
    want = _analysis_rows(res)
    for district, name in res.names.items():
        path = ev.spec.output_dir / f"{name.stem}.xlsx"
        sheet = _frame(path, "Uncertainty")
        mine = want[want["district"] == district]
        assert sheet["unit"].iloc[0] == district and sheet["unit_type"].iloc[0] == "district"
        assert sorted(sheet["unit"]) == sorted(mine["unit"])
        stations = sheet[sheet["unit_type"] == "station"]
        assert stations["rank_in_district"].tolist() == sorted(stations["rank_in_district"])
        key = mine.set_index("unit")
        for _, row in sheet.iterrows():
            for col in ("rank_p05", "rank_p95", "score_p05", "rank_in_district_p95"):
                assert _same(row[col], float(key.at[row["unit"], col])), (row["unit"], col)
        assert len(_rows(path, "Sensitivity")) == len(ev.analysis("uncertainty").sensitivity) + 2


def test_number_formats_of_the_uncertainty_sheet(runs: dict[str, RunResult]) -> None:
    res = runs["zh"]
    ws = openpyxl.load_workbook(res.evaluation.spec.output_dir / "comparison.xlsx")["Uncertainty"]
    ids = [c.value for c in ws[2]]
    cells = {k: ws.cell(row=3, column=ids.index(k) + 1) for k in ids}
    assert cells["rank_p05"].number_format == FORMATS["rank"].excel
    assert cells["score_p95"].number_format == FORMATS["score"].excel
    assert cells[ids[-1]].number_format == FORMATS["probability"].excel
    assert ws.freeze_panes == "C3"  # both header rows and the unit stay in view


# ------------------------------------------------------------------ the PDF


def _workbook_figures(
    path: Path, levels: dict[str, int], names: list[str], ids_: list[str]
) -> list[str]:
    """Each row's rank interval, score interval and stated level with its probability, formatted
    as the workbook's number formats show the cells (openpyxl gives each cell's format);
    *levels* maps a unit to its stated level, *ids_* are the level ids."""
    ws = openpyxl.load_workbook(path)["Uncertainty"]
    ids = [c.value for c in ws[2]]
    out = []
    for row in ws.iter_rows(min_row=3):
        cell = dict(zip(ids, row, strict=True))
        is_d = cell["unit_type"].value == "district"
        lo, hi = (
            ("rank_p05", "rank_p95") if is_d else ("rank_in_district_p05", "rank_in_district_p95")
        )
        assert cell[lo].number_format == FORMATS["rank"].excel == "0"
        assert cell["score_p05"].number_format == FORMATS["score"].excel == "0.0"
        out.append(rank_range(cell[lo].value, cell[hi].value))
        out.append(
            f"{fmt(cell['score_p05'].value, 'score')}–{fmt(cell['score_p95'].value, 'score')}"
        )
        k = levels[cell["unit"].value]
        p = cell[f"p_level_{ids_[k - 1]}"]
        assert p.number_format == FORMATS["probability"].excel == "0.00"
        out.append(f"{names[k - 1]}{fmt(p.value, 'probability')}")
    return out


def test_pdf_states_the_figures_as_the_workbook_rounds_them(runs: dict[str, RunResult]) -> None:
    for lang, res in runs.items():
        ev = res.evaluation
        units = _analysis_rows(res)
        level_names = [lv.name[lang] for lv in ev.tree.levels]
        for district, name in res.names.items():
            text = _pdf(ev.spec.output_dir / f"{name.stem}.pdf")
            path = ev.spec.output_dir / f"{name.stem}.xlsx"
            mine = units[units["district"] == district]
            shown = {**dict(zip(mine["unit"], mine["level"].astype(int), strict=True))}
            if lang == "en":  # the workbook names units in English
                en = dict(zip(ev.stations["station"], ev.stations["station_en"], strict=True))
                en.update(zip(ev.districts["district"], ev.districts["district_en"], strict=True))
                shown = {en[u]: v for u, v in shown.items()}
            level_ids = [lv.id for lv in ev.tree.levels]
            for figure in _workbook_figures(path, shown, level_names, level_ids):
                assert figure in text, (lang, district, figure)
            # the stated level with its probability, and the others', in the summary
            row = units[(units["unit_type"] == "district") & (units["unit"] == district)].iloc[0]
            probs = [float(row[f"p_level_{lv.id}"]) for lv in ev.tree.levels]
            stated = narrative.level_probability(level_names, probs, int(row["level"]), lang)
            assert re.sub(r"\s+", "", stated) in text, (lang, district, stated)


def test_pdf_says_which_districts_cannot_be_told_apart(runs: dict[str, RunResult]) -> None:
    zh = _pdf(runs["zh"].evaluation.spec.output_dir / "东湖区.pdf")
    assert "南港区与西山区的排名区间重叠，二者无法区分。" in zh
    en = _pdf(runs["en"].evaluation.spec.output_dir / "东湖区.pdf")
    sentence = "The rank intervals of Nangang District and Xishan District overlap: they cannot be told apart."
    assert re.sub(r"\s+", "", sentence) in en
    # 东湖区 ranks first in every draw: its interval is one rank
    assert "排名区间第1–1名" not in zh and "1–1" not in zh


def test_pdf_sections_of_the_analysis(runs: dict[str, RunResult]) -> None:
    zh = _pdf(runs["zh"].evaluation.spec.output_dir / "南港区.pdf")
    for title in ("结果的不确定性", "不确定性分析的因素", "敏感性分析"):
        assert title in zh
    assert "1000组抽样（共11000次计算）" in zh
    en = _pdf(runs["en"].evaluation.spec.output_dir / "南港区.pdf")
    for title in (
        "Howcertaintheresultsare",
        "Factorsoftheuncertaintyanalysis",
        "Sensitivityanalysis",
    ):
        assert title in en


# ------------------------------------------------------------------ the switch


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "evalkit", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
        env={**os.environ, "COLUMNS": "200"},  # tables one line a row
    )


def _sheets(path: Path) -> list[str]:
    return list(CalamineWorkbook.from_path(str(path)).sheet_names)


def test_uncertainty_0_writes_no_such_sheets_or_sections(tmp_path: Path) -> None:
    project = _copy(tmp_path / "p")
    done = _cli("run", str(project), "--uncertainty", "0", "-j", "1")
    assert done.returncode == 0, done.stderr
    assert "名次区间" not in done.stdout and "等级概率" not in done.stdout
    out = project / "reports"
    for book in out.glob("*.xlsx"):
        assert not {"Uncertainty", "Sensitivity", "Factors"} & set(_sheets(book)), book.name
    summary = {str(r[0]) for r in _rows(out / "南港区.xlsx", "概览")}
    assert "排名区间（5%–95%）" not in summary and "等级概率" not in summary
    assert "评估综述" in summary  # the paragraph stays
    text = _pdf(out / "南港区.pdf")
    for gone in ("结果的不确定性", "不确定性分析的因素", "敏感性分析", "排名区间"):
        assert gone not in text, gone


def test_uncertainty_n_sets_the_draws_and_the_terminal_shows_intervals(tmp_path: Path) -> None:
    project = _copy(tmp_path / "p")
    done = _cli("run", str(project), "--uncertainty", "200", "-j", "1", "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert "How certain ranks and levels are (200 draws)" in done.stdout
    out = project / "reports"
    text = _pdf(out / "南港区.pdf")
    assert "over200draws(2200runs)" in text
    # each district's row: its rank interval and its level's probability, as the reports say
    ev = evaluate(load_spec(project))
    result = monte_carlo(ev, dataclasses.replace(ev.spec.uncertainty, draws=200))
    en = ev.districts.set_index("district")["district_en"]
    lines = done.stdout.splitlines()
    for _, r in result.units[result.units["unit_type"] == "district"].iterrows():
        line = next(ln for ln in lines if ln.startswith(f"│ {en[r['unit']]} "))
        cells = [c.strip() for c in line.strip().strip("│").split("│")]
        assert cells[2] == rank_range(r["rank_p05"], r["rank_p95"])
        assert cells[3] == level_probability(r, ev, "en")


def test_project_file_draws_0_turns_it_off(tmp_path: Path) -> None:
    project = _copy(tmp_path / "p")
    with open(project / "evalkit.yaml", "a", encoding="utf-8") as fh:
        fh.write("uncertainty:\n  draws: 0\n")
    res = run_project(project, jobs=1, pdf=False)
    assert res.evaluation.analysis("uncertainty") is None
    assert "Uncertainty" not in _sheets(project / "reports" / "comparison.xlsx")
    # --uncertainty overrides the project file
    res = run_project(project, jobs=1, pdf=False, uncertainty=50)
    assert res.evaluation.analysis("uncertainty").draws == 50
    assert "Uncertainty" in _sheets(project / "reports" / "comparison.xlsx")


def test_computed_once_before_rendering_in_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stage = ANALYSES["uncertainty"]
    calls: list[int] = []

    def counted(ev: Any) -> Any:
        calls.append(1)
        return stage.func(ev)

    monkeypatch.setitem(
        ANALYSES._stages, "uncertainty", type(stage)(stage.name, counted, stage.label)
    )
    project = _copy(tmp_path / "p")
    res = run_project(project, jobs=2, uncertainty=100)
    assert calls == [1]
    assert res.timings["uncertainty"] > 0
    for name in res.names.values():  # rendered in the workers, from the models
        assert "结果的不确定性" in _pdf(project / "reports" / f"{name.stem}.pdf")


def test_a_method_the_analysis_cannot_vary_is_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stage = ANALYSES["uncertainty"]

    def cannot(ev: Any) -> Any:
        raise MethodError("the headline method cannot be varied", zh="主方法无法变换")

    monkeypatch.setitem(
        ANALYSES._stages, "uncertainty", type(stage)(stage.name, cannot, stage.label)
    )
    project = _copy(tmp_path / "p")
    res = run_project(project, jobs=1, pdf=False)
    found = [i for i in res.evaluation.issues if i.check == "uncertainty"]
    assert len(found) == 1 and found[0].severity == "warning"
    assert "cannot be varied" in found[0].message and "主方法无法变换" in found[0].message_zh
    assert "Uncertainty" not in _sheets(project / "reports" / "comparison.xlsx")

"""The change between survey periods in the reports: a project of two periods (the example as
2026, `evalkit synth --period 2025` as 2025, 2026 the base) run through `run_project`; the
comparison workbook's sheet and the district PDF's section read back against the analysis."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pypdf import PdfReader

from evalkit.report.formats import fmt
from evalkit.run import run_project
from evalkit.spec import load_spec

ROOT = Path(__file__).resolve().parents[2]

PERIODS = """periods:
  - id: 2025
    label: {zh: 2025年, en: "2025"}
    data:
      surveys: [s2025/*.xlsx]
  - id: 2026
    label: {zh: 2026年, en: "2026"}
    data:
      surveys: [surveys/*.xlsx]
      experts: surveys/experts.xlsx
base_period: 2026
"""


def two_periods(folder: Path) -> Path:
    """The example project with a 2025 survey beside it."""
    for name in ("evalkit.yaml", "indicators", "surveys"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, folder / name)
    subprocess.run(
        [sys.executable, "-m", "evalkit", "synth", "--period", "2025", str(folder / "s2025")],
        check=True,
        capture_output=True,
    )
    text = (folder / "evalkit.yaml").read_text("utf-8")
    start = text.index("data:\n")
    end = text.index("scope:")
    (folder / "evalkit.yaml").write_text(text[:start] + PERIODS + text[end:], "utf-8")
    return folder


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    project = two_periods(tmp_path_factory.mktemp("periods"))
    result = run_project(load_spec(project), jobs=1, uncertainty=0)
    return {"reports": project / "reports", "ev": result.evaluation}


def _table(path: Path, sheet: str, first: str) -> list[dict[str, Any]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = [tuple(r) for r in wb[sheet].iter_rows(values_only=True)]
    wb.close()
    start = next(i for i, r in enumerate(rows) if r and r[0] == first)
    header = list(rows[start])
    out = []
    for r in rows[start + 1 :]:
        if not r or all(v is None for v in r):
            break
        out.append(dict(zip(header, r, strict=False)))
    return out


def test_the_comparison_workbook_shows_each_districts_change(run: dict[str, Any]) -> None:
    pc = run["ev"].analysis("periods")
    assert pc.base == "2026" and pc.periods == ("2025", "2026")
    rows = _table(run["reports"] / "comparison.xlsx", "分期变化", "区县")
    got = {r["区县"]: r for r in rows}
    want = pc.districts.set_index("district")
    assert set(got) == set(want.index)
    for d, r in got.items():
        assert r["变化"] == pytest.approx(want.loc[d, "change"], abs=1e-12)
        assert r["变化 5% 分位数"] == pytest.approx(want.loc[d, "change_p05"], abs=1e-12)
        assert r["变化确实存在"] == ("是" if want.loc[d, "significant"] else "否")
    # the planted rise of 西山区 (8 points below the example in 2025) is real
    assert got["西山区"]["变化"] > 6 and got["西山区"]["变化确实存在"] == "是"


def test_the_district_pdf_states_its_change(run: dict[str, Any]) -> None:
    pc = run["ev"].analysis("periods")
    row = pc.districts.set_index("district").loc["西山区"]
    text = "\n".join(p.extract_text() or "" for p in PdfReader(run["reports"] / "西山区.pdf").pages)
    assert "与前期相比的变化" in text
    assert f"{fmt(row['score_from'], 'score')} → {fmt(row['score_to'], 'score')}" in text
    assert fmt(row["change"], "signed") in text and "确实上升" in text
    # the district's workbook has the sheet with its stations
    stations = _table(run["reports"] / "西山区.xlsx", "分期变化", "派出所")
    shown = pc.stations[(pc.stations["district"] == "西山区") & pc.stations["shown"]]
    assert {r["派出所"] for r in stations} == set(shown["station"])


def test_a_project_of_one_period_has_no_change_section(tmp_path: Path) -> None:
    from evalkit.pipeline import evaluate
    from evalkit.report.period_sections import comparison_section, district_section

    ev = evaluate(load_spec(ROOT))
    assert district_section(ev, "东湖区", "zh") is None
    assert comparison_section(ev, "en") is None

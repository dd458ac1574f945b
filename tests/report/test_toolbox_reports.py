"""The evaluation toolbox in the reports: obstacle degrees (weak points), the comparison of
methods and the fuzzy comprehensive evaluation, read back from the example's real workbooks and
the text of its real PDFs, against the analyses they come from."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest
from pypdf import PdfReader

from evalkit.pipeline import evaluate
from evalkit.report.formats import fmt
from evalkit.report.toolbox_sections import methods_summary, obstacle_frame
from evalkit.run import run_project
from evalkit.spec import load_spec

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The example project run in Chinese with PDFs (uncertainty off: not what is tested)."""
    project = tmp_path_factory.mktemp("toolbox")
    for name in ("evalkit.yaml", "indicators", "surveys"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, project / name)
    spec = load_spec(project)
    run_project(spec, jobs=1, uncertainty=0)
    ev = evaluate(spec)
    return {"reports": project / "reports", "ev": ev}


def _rows(path: Path, sheet: str) -> list[tuple[Any, ...]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return [tuple(r) for r in wb[sheet].iter_rows(values_only=True)]
    finally:
        wb.close()


def _table(rows: list[tuple[Any, ...]], first_header: str) -> list[dict[str, Any]]:
    """The rows under the header row starting with *first_header*, until a blank row."""
    start = next(i for i, r in enumerate(rows) if r and r[0] == first_header)
    header = [h for h in rows[start] if h is not None]
    out = []
    for r in rows[start + 1 :]:
        if not r or all(v is None for v in r):
            break
        out.append(dict(zip(header, r, strict=False)))
    return out


def _pdf_text(path: Path) -> str:
    return "\n".join(p.extract_text() or "" for p in PdfReader(path).pages)


def test_obstacle_degrees_replace_points_lost_in_the_workbook(example: dict[str, Any]) -> None:
    ev = example["ev"]
    expected = ev.analysis("obstacles").districts.indicators.loc["北岭区"]
    rows = _table(_rows(example["reports"] / "北岭区.xlsx", "障碍度"), "单位类型")
    own = [r for r in rows if r["派出所"] in ("", None) and r["层级"] == "指标"]
    got = {r["指标代码"]: r["障碍度"] for r in own}
    assert set(got) == set(expected.dropna().index)
    assert np.allclose([got[k] for k in expected.index], expected.to_numpy(), atol=1e-12)
    assert sum(got.values()) == pytest.approx(1.0)
    first = min(own, key=lambda r: r["障碍度位次"])
    assert first["指标代码"] == expected.idxmax()
    # every shown station of the district has its own rows, summing to 1 too
    stations = {r["派出所"] for r in rows if r["派出所"] not in ("", None)}
    shown = ev.stations[(ev.stations["district"] == "北岭区") & ev.stations["shown"]]
    assert stations == set(shown["station"])


def test_the_pdf_orders_weak_points_by_obstacle_degree(example: dict[str, Any]) -> None:
    ev = example["ev"]
    degrees = (
        ev.analysis("obstacles").districts.indicators.loc["北岭区"].sort_values(ascending=False)
    )
    text = _pdf_text(example["reports"] / "北岭区.pdf")
    assert "障碍因子诊断" in text and "按失分排序" not in text  # the old section's note
    first, second = (ev.tree.label(i, "zh") for i in degrees.index[:2])
    assert f"{first}" in text and fmt(degrees.iloc[0], "percent") in text
    assert text.index(first) < text.index(second, text.index("障碍因子诊断"))
    dims = ev.analysis("obstacles").districts.dimensions.loc["北岭区"]
    assert fmt(dims.max(), "percent") in text
    assert "各派出所的主要障碍" in text


def test_methods_sheet_and_appendix(example: dict[str, Any]) -> None:
    ev = example["ev"]
    result = ev.analysis("methods")
    rows = _rows(example["reports"] / "comparison.xlsx", "方法比较")
    districts = _table(rows, "区县")
    label = result.labels["topsis"]["zh"]
    got = {r["区县"]: r[f"{label} · 得分"] for r in districts}
    want = result.districts.table["score_topsis"]
    assert got == pytest.approx(want.to_dict(), abs=1e-12)
    agreement = _table(rows, "单位类型")
    st = [
        r
        for r in agreement
        if r["单位类型"] == "派出所" and {r["方法甲"], r["方法乙"]} == {"加权求和", label}
    ]
    assert len(st) == 1
    assert st[0]["Kendall τ"] == pytest.approx(result.stations.tau("weighted_sum", "topsis"))
    text = _pdf_text(example["reports"] / "北岭区.pdf")
    assert "评价方法比较" in text
    summary = methods_summary(result, ev, "zh")
    # the station taus against the headline as the appendix prints them
    taus = result.stations.agreement
    taus = taus[taus["method_a"] == "weighted_sum"]["kendall_tau"]
    assert fmt(taus.min(), "ratio") in summary and fmt(taus.min(), "ratio") in text


def test_fuzzy_sheet_and_appendix(example: dict[str, Any]) -> None:
    ev = example["ev"]
    result = ev.analysis("fuzzy")
    frame = result.districts[result.districts["district"] == "北岭区"]
    rows = _table(_rows(example["reports"] / "北岭区.xlsx", "模糊评价"), "名称")
    assert len(rows) == len(frame)  # the total, every dimension and indicator
    total = rows[0]
    grades = result.comment_set.names["zh"]
    b = [total[g] for g in grades]
    assert sum(b) == pytest.approx(1.0)
    assert np.allclose(b, frame.iloc[0][[f"m{j + 1}" for j in range(len(grades))]].to_numpy(float))
    assert total["最大隶属等级"] == frame.iloc[0]["grade_zh"]
    assert total["模糊得分 B·C"] == pytest.approx(frame.iloc[0]["score"])
    text = _pdf_text(example["reports"] / "北岭区.pdf")
    assert "模糊综合评价" in text and fmt(frame.iloc[0]["score"], "score") in text
    comparison = _table(_rows(example["reports"] / "comparison.xlsx", "模糊评价"), "区县")
    assert {r["区县"] for r in comparison} == set(ev.district_scores.index)


def test_obstacle_frame_in_english_names_stations_by_their_english_names(
    example: dict[str, Any],
) -> None:
    ev = example["ev"]
    frame = obstacle_frame(ev, "en", "东湖区")
    stations = set(frame.loc[frame["unit_type"] == "station", "station"])
    shown = ev.stations[(ev.stations["district"] == "东湖区") & ev.stations["shown"]]
    assert stations == set(shown["station_en"])
    assert set(frame["level"]) == {"dimension", "indicator"}
    per_unit = frame[frame["level"] == "indicator"].groupby("station")["obstacle"].sum()
    assert np.allclose(per_unit.to_numpy(), 1.0)

"""The report as sections: a section added to the list reaches the workbook and the PDF with no
change to a renderer; the charts of the uncertainty analysis read in greyscale."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader
from python_calamine import CalamineWorkbook

import evalkit
from evalkit.report import charts, district_sections
from evalkit.report.excel import write_district_workbook
from evalkit.report.pdf import render_district_pdf
from evalkit.report.sections import SHEET_ONLY, Column, Note, Paragraph, Section, Table, find
from evalkit.report.tables import district_report, load_rules

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def ev() -> evalkit.Evaluation:
    return evalkit.evaluate(ROOT)


def test_a_new_section_is_one_builder(
    ev: evalkit.Evaluation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def pilots(src: district_sections.Source) -> Section:
        frame = pd.DataFrame({"indicator": ["甲", "乙"], "pilot": [0.61234, 0.38766]})
        cols = (Column("indicator", "指标"), Column("pilot", "试点覆盖率", "ratio"))
        return Section(
            "pilots",
            "试点情况",
            (Paragraph("试点覆盖率最高的是“甲”。"), Table(frame, cols), Note("按试点覆盖率排序。")),
            sheet="pilots",
        )

    monkeypatch.setattr(district_sections, "BODY", [*district_sections.BODY, pilots])
    model = district_report(ev, "南港区", "zh", load_rules(ev))
    assert find(model.sections, "pilots") is not None
    book = write_district_workbook(model, tmp_path / "d.xlsx")
    wb = CalamineWorkbook.from_path(str(book))
    assert "pilots" in wb.sheet_names  # a sheet named by its key until i18n names it
    rows = wb.get_sheet_by_name("pilots").to_python()
    assert rows[0] == ["指标", "试点覆盖率"] and rows[1] == ["甲", 0.61234]
    pdf = render_district_pdf(model, tmp_path / "d.pdf")
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(pdf).pages))
    # numbered after the body's sections, its table formatted by its quantity
    assert "七、试点情况" in text and "试点覆盖率最高的是“甲”。" in text
    assert "甲0.612" in text and "按试点覆盖率排序。" in text


def test_a_sheet_only_block_stays_out_of_the_pdf(
    ev: evalkit.Evaluation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def raw(src: district_sections.Source) -> Section:
        frame = pd.DataFrame({"x": ["仅工作簿"]})
        return Section(
            "raw",
            "原始数据",
            (Table(frame, (Column("x", "列"),), targets=SHEET_ONLY),),
            sheet="raw",
        )

    monkeypatch.setattr(district_sections, "BODY", [*district_sections.BODY, raw])
    model = district_report(ev, "南港区", "zh")
    pdf = render_district_pdf(model, tmp_path / "d.pdf")
    text = "".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "原始数据" not in text and "仅工作簿" not in text
    book = write_district_workbook(model, tmp_path / "d.xlsx")
    assert CalamineWorkbook.from_path(str(book)).get_sheet_by_name("raw").to_python()[1] == [
        "仅工作簿"
    ]


def _colours(svg: str) -> set[str]:
    return set(re.findall(r"#[0-9a-fA-F]{6}\b", svg))


def test_uncertainty_charts_read_in_greyscale(ev: evalkit.Evaluation) -> None:
    model = district_report(ev, "南港区", "en")
    drawn = []
    for section_id, chart_id in (
        ("uncertainty", "rank_districts"),
        ("uncertainty", "rank_stations"),
        ("sensitivity", "sensitivity"),
    ):
        chart = next(c for c in find(model.sections, section_id).charts if c.id == chart_id)
        svg = charts.CHARTS[chart.kind](chart.data, lang="en")
        colours = _colours(svg)
        assert colours, chart_id
        for c in colours:  # every colour a grey: red, green and blue alike
            r, g, b = (int(c[k : k + 2], 16) for k in (1, 3, 5))
            assert r == g == b, (chart_id, c)
        drawn.append(svg)
    assert len(set(drawn)) == 3


def test_the_highlighted_rank_label_is_set_in_the_bundled_bold_face(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The district's own label is bold; the bundled font's bold face must be registered, or
    matplotlib falls back to the regular one and prints a findfont warning on the terminal."""
    caplog.set_level("WARNING", logger="matplotlib.font_manager")
    svg = charts.plot_rank_intervals(
        ["东湖区", "南港区"],
        [1, 2],
        [1, 2],
        [1, 1],
        [2, 2],
        lang="zh",
        highlight=1,
        legend=("名义排名", "中位数", "区间"),
    )
    assert svg
    assert not [r for r in caplog.records if "findfont" in r.getMessage()]

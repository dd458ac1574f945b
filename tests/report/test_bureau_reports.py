"""Reports a bureau acts on (issue 14), read back from the example's real workbooks and PDFs:
countermeasures with why, targets and gains (all in the workbook, the first 8 in the PDF with
how many more), the path to the next level, comparison.pdf, and the study's scope word."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import openpyxl
import pypdf
import pytest

from evalkit.pipeline import evaluate
from evalkit.report.formats import fmt
from evalkit.run import run_project
from evalkit.spec import load_spec

ROOT = Path(__file__).resolve().parents[2]


def _copy(dst: Path, scope: str = "") -> Path:
    dst.mkdir(parents=True)
    text = (ROOT / "evalkit.yaml").read_text(encoding="utf-8")
    if scope:
        text = re.sub(r"(?m)^scope: province", f"scope: {scope}", text)
        assert f"scope: {scope}" in text
    (dst / "evalkit.yaml").write_text(text, encoding="utf-8")
    shutil.copytree(ROOT / "indicators", dst / "indicators")
    shutil.copytree(ROOT / "surveys", dst / "surveys")
    return dst


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    for lang in ("zh", "en"):
        p = _copy(tmp_path_factory.mktemp(lang) / "p")
        run_project(p, lang=lang, jobs=1, uncertainty=200)
        out[lang] = p / "reports"
    return out


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    p = _copy(tmp_path_factory.mktemp("city") / "p", scope="city")
    run_project(p, lang="zh", jobs=1, uncertainty=200)
    return p / "reports"


def _text(pdf: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(str(pdf)).pages)


def _flat(text: str) -> str:
    """Text without spaces, line breaks and the hyphens and quotes line breaking and typography
    add or change."""
    return re.sub(r"[\s\-\u2010\u00ad'\u2018\u2019]+", "", text)


def _rows(ws: openpyxl.worksheet.worksheet.Worksheet, first_header: str) -> list[tuple]:
    """The rows of the table whose header row starts with *first_header*, to its first empty
    row."""
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] == first_header)
    out = []
    for r in rows[start + 1 :]:
        if all(c is None for c in r):
            break
        out.append(r)
    return out


SHEET = {"zh": ("对策建议", "晋级路径", "序号"), "en": ("Recommendations", "Next level", "No.")}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_fired_rule_in_the_workbook_the_first_8_in_the_pdf(runs, lang) -> None:
    ev = evaluate(load_spec(runs[lang].parent / "evalkit.yaml"))
    measures = ev.analysis("actions").of("北岭区").countermeasures
    assert len(measures) == 20
    wb = openpyxl.load_workbook(runs[lang] / "北岭区.xlsx")
    sheet, _, first = SHEET[lang]
    rows = _rows(wb[sheet], first)
    assert [r[0] for r in rows] == list(range(1, 21))
    assert [r[3] for r in rows] == measures[f"text_{lang}"].tolist()  # in the analysis' order
    assert [r[4] for r in rows] == measures[f"why_{lang}"].tolist()
    assert [r[6] for r in rows] == pytest.approx(measures["gain"].tolist())
    text = _flat(_text(runs[lang] / "北岭区.pdf"))
    shown = measures[f"text_{lang}"].tolist()
    for t in shown[:8]:
        assert _flat(t) in text
    for t in shown[8:]:
        assert _flat(t) not in text
    more = "另有12条对策建议见工作簿" if lang == "zh" else "12moreintheworkbook"
    assert more in text
    # why: the indicator, its score, the province mean and best with the best unit, the gap
    why = "信息采集渠道数44.9分" if lang == "zh" else "Activecollectionchannels44.9"
    assert why in text
    best = "最高83.7（西山区）" if lang == "zh" else "best83.7,XishanDistrict"
    assert best in text
    # the target in the indicator's unit, and the expected gain
    target = "4.14→5.20类/所" if lang == "zh" else "4.14→5.20channelsperstation"
    assert target in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_path_to_the_next_level_in_pdf_and_workbook(runs, lang) -> None:
    ev = evaluate(load_spec(runs[lang].parent / "evalkit.yaml"))
    nl = ev.analysis("next_level")
    own = nl.of("北岭区")
    text = _flat(_text(runs[lang] / "北岭区.pdf"))
    assert _flat(own.units[f"summary_{lang}"].iloc[0]) in text
    assert ("还差1.1分达到基础级" if lang == "zh" else "1.1pointsshortofBasic") in text
    wb = openpyxl.load_workbook(runs[lang] / "北岭区.xlsx")
    _, sheet, _ = SHEET[lang]
    ws = wb[sheet]
    units = _rows(ws, "单位" if lang == "zh" else "Unit")
    stations = nl.units[(nl.units["kind"] == "station") & (nl.units["district"] == "北岭区")]
    assert len(units) == 1 + len(stations)
    assert units[0][5] == pytest.approx(own.units["shortfall"].iloc[0])
    steps = [r for r in ws.iter_rows(values_only=True) if r[1] is not None and r[2] is not None]
    st = nl.steps[nl.steps["district"] == "北岭区"]
    gains = sorted(round(float(r[8]), 9) for r in steps if isinstance(r[8], float))
    assert gains == sorted(round(float(g), 9) for g in st["gain"])
    # each shown station's steps in the PDF, with their gains
    for _, s in st[st["kind"] == "station"].iterrows():
        assert _flat(s[f"name_{lang}"]) in text
    # a unit at the top level says so
    top = nl.units[nl.units["status"] == "top"]
    for _, u in top[top["district"] == "北岭区"].iterrows():
        assert _flat(u[f"summary_{lang}"]) in text


def test_a_city_study_says_city_never_province(city: Path) -> None:
    texts = [_text(p) for p in sorted(city.glob("*.pdf"))]
    assert len(texts) == 5  # four districts and the comparison
    for t in texts:
        assert "全市" in t
        assert "全省" not in t
    for book in sorted(city.glob("*.xlsx")):
        wb = openpyxl.load_workbook(book)
        cells = [
            str(c)
            for ws in wb.worksheets
            for row in ws.iter_rows(values_only=True)
            for c in row
            if c is not None
        ]
        assert not [c for c in cells if "全省" in c], book.name
        assert book.name == "issues.xlsx" or any("全市" in c for c in cells), book.name


def test_comparison_pdf_overview_ranks_heat_map_and_levels(runs) -> None:
    for lang in ("zh", "en"):
        pdf = runs[lang] / "comparison.pdf"
        reader = pypdf.PdfReader(str(pdf))
        first = _flat(reader.pages[0].extract_text())
        text = _flat(_text(pdf))
        if lang == "zh":
            assert "全省4个区县参评" in first
            assert "东湖区最好（83.1分" in first and "北岭区最弱（58.9分" in first
            assert "全省最薄弱的维度是" in first
        else:
            assert "4districtsoftheprovincewereassessed" in first
            assert "DonghuDistrictleads(83.1" in first
        wb = openpyxl.load_workbook(runs[lang] / "comparison.xlsx")
        ws = wb["Uncertainty"]
        rows = list(ws.iter_rows(min_row=3, values_only=True))
        ids = [c.value for c in ws[2]]
        for r in rows:  # every unit's rank interval, as the workbook rounds it
            lo, hi = fmt(r[ids.index("rank_p05")], "rank"), fmt(r[ids.index("rank_p95")], "rank")
            assert (lo if lo == hi else f"{lo}–{hi}") in text
        districts = wb["区县对比" if lang == "zh" else "Districts"]
        head = [c.value for c in districts[1]]
        for r in districts.iter_rows(min_row=2, values_only=True):
            if r[head.index("综合得分" if lang == "zh" else "Total score")] is None:
                continue
            # the heat map prints every dimension score
            for v in r[len(head) - 5 :]:
                assert fmt(v, "score") in text


def test_comparison_tables_break_across_pages_with_repeated_headers(tmp_path: Path) -> None:
    from evalkit.report.comparison_pdf import render_comparison_pdf
    from evalkit.report.tables import comparison_report
    from evalkit.synth import synthesize

    p = tmp_path / "big"
    p.mkdir()
    text = (ROOT / "evalkit.yaml").read_text(encoding="utf-8")
    (p / "evalkit.yaml").write_text(text + "uncertainty:\n  draws: 64\n", encoding="utf-8")
    shutil.copytree(ROOT / "indicators", p / "indicators")
    synthesize(p / "indicators" / "community_policing.yaml", p / "surveys", districts=40)
    ev = evaluate(load_spec(p / "evalkit.yaml"))
    r = comparison_report(ev, "en")
    out = render_comparison_pdf(r, ev, tmp_path / "comparison.pdf")
    pages = [pg.extract_text() or "" for pg in pypdf.PdfReader(str(out)).pages]
    assert len(pages) > 5
    ranked = [t for t in pages if re.search(r"Rank\s+District\s+Police station", t)]
    assert len(ranked) >= 3  # the stations' ranking goes over pages, its header on each
    heat = [t for t in pages if re.search(r"Police station\s+Information", t)]
    assert len(heat) >= 3
    flat = _flat("".join(pages))
    for name in r.stations["station"]:
        assert _flat(str(name)) in flat

"""The HTML pages render the reports' own sections: a district's page the sections of its PDF
(titles, numbering, the summary paragraph, every chart), the comparison page the sections of
comparison.xlsx; and they embed the bundled font, subset once per run to the characters of all
the pages, so that Chinese shows on a machine without a Chinese font."""

from __future__ import annotations

import base64
import html
import io
import json
import re
import shutil
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from fontTools.ttLib import TTFont

from evalkit.report import html_font
from evalkit.report.html_charts import chart_svg
from evalkit.report.pdf_data import build_data
from evalkit.report.sections import SHEET, Paragraph, find
from evalkit.report.tables import (
    comparison_report,
    district_names,
    district_report,
    files_table,
    load_rules,
)
from evalkit.run import run_project

ROOT = Path(__file__).resolve().parents[2]


class _Outline(HTMLParser):
    """The headings of <main> (h2-h4, in order, with their level), the figures' ids and the
    visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[tuple[int, str]] = []
        self.figures: dict[str, int] = {}
        self.text: list[str] = []
        self._heading = 0
        self._figure = ""
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("h2", "h3", "h4"):
            self._heading = int(tag[1])
            self.headings.append((self._heading, ""))
        elif tag == "figure":
            self._figure = a.get("id") or ""
            self.figures[self._figure] = 0
        elif tag == "svg" and self._figure:
            self.figures[self._figure] += 1
        elif tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h2", "h3", "h4"):
            self._heading = 0
        elif tag == "figure":
            self._figure = ""
        elif tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.text.append(data)
        if self._heading:
            level, title = self.headings[-1]
            self.headings[-1] = (level, title + data)


def _outline(path: Path) -> _Outline:
    page = _Outline()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def _pdf_titles(sections: list[dict], level: int = 2) -> list[tuple[int, str]]:
    out = []
    for s in sections:
        out.append((min(level, 4), s["title"]))
        out += _pdf_titles(s["children"], level + 1)
    return out


@pytest.fixture(scope="module")
def zh_run(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("sections") / "project"
    root.mkdir()
    shutil.copyfile(ROOT / "evalkit.yaml", root / "evalkit.yaml")
    for d in ("indicators", "surveys"):
        shutil.copytree(ROOT / d, root / d)
    html_font._css.cache_clear()
    calls: list[int] = []
    real = html_font.subset_font

    def counted(chars: str, kind: str | None = None) -> bytes:
        calls.append(len(chars))
        return real(chars, kind)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(html_font, "subset_font", counted)
        result = run_project(root, lang="zh", pdf=False, jobs=1)
    return result, calls


def test_district_page_has_the_pdfs_sections(zh_run) -> None:
    result, _ = zh_run
    ev = result.evaluation
    out = ev.spec.output_dir
    rules = load_rules(ev)
    for district in ev.districts["district"]:
        model = district_report(ev, district, "zh", rules)
        page = _outline(out / f"{result.names[district].stem}.html")
        pdf = _pdf_titles(build_data(model, [])["sections"])
        # the PDF's sections, in its order and numbering, then the what-if panel; the footer
        # shows the provenance (the PDF's appendix 可复现性), once
        assert page.headings[:-2] == pdf
        assert page.headings[-2:] == [(2, "假设分析：调整维度权重"), (2, "可复现性")]
        assert [t for level, t in pdf if level == 2][:7] == [
            "一、总体评估结果",
            "二、维度得分",
            "三、指标得分明细",
            "四、派出所得分",
            "五、薄弱环节与对策建议",
            "六、晋级路径",
            "七、结果的不确定性",
        ]
        text = "".join(page.text)
        summary = find(model.sections, "summary")
        paragraph = next(b.text for b in summary.blocks if isinstance(b, Paragraph))
        assert district in paragraph and paragraph in text
        # every chart the PDF shows, as inline SVG
        assert page.figures == {
            "c-radar": 1,
            "c-stations": 1,
            "c-rank_districts": 1,
            "c-rank_stations": 1,
            "c-sensitivity": 1,
        }


def test_comparison_page_has_the_workbooks_sections(zh_run) -> None:
    result, _ = zh_run
    ev = result.evaluation
    out = ev.spec.output_dir
    files = files_table(result.names, district_names(ev, "zh"), "zh", pdf=False, html=True)
    model = comparison_report(ev, "zh", files=files)
    page = _outline(out / "comparison.html")
    shown = [s for s in model.sections if s.shows(SHEET)]
    titles = [t for level, t in page.headings if level == 2]
    # first comparison.pdf's sections, numbered as there (its appendix in the footer instead)
    lead = ["一、概览", "二、排名与排名区间", "三、维度得分热力图", "四、成熟度等级分布"]
    assert titles[:5] == [*lead, "五、各区县的最薄弱维度"]
    # then the sheets, not numbered; the what-if panel and the footer's provenance (the README
    # sheet's), once
    assert titles[5:-2] == [s.title for s in shown]
    assert titles[-2:] == ["假设分析：调整维度权重", "可复现性"]
    # the heat map as in the PDF: every score on a grey by its value, the lowest darkest
    raw = (out / "comparison.html").read_text(encoding="utf-8")
    heat = raw[raw.index('id="t-heat_districts"') :]
    heat = heat[: heat.index("</table>")]
    cells = re.findall(r'<td class="(g\d+) num" data-v="([\d.]+)"', heat)
    assert len(cells) == 4 * 6  # four districts, five dimensions and the total
    lowest = min(cells, key=lambda c: float(c[1]))
    highest = max(cells, key=lambda c: float(c[1]))
    assert (lowest[0], highest[0]) == ("g0", "g10")
    assert "table.data.heat td.g0 { background: rgb(95, 95, 95); color: #ffffff; }" in raw
    assert titles[5] == "区县对比" and len(titles) >= 15
    book = openpyxl.load_workbook(out / "comparison.xlsx")
    files = book["报告文件"]
    head = [c.value for c in files[1]]
    assert "网页报告" in head
    listed = [row[head.index("网页报告")] for row in files.iter_rows(min_row=2, values_only=True)]
    assert sorted(listed) == sorted(f"{r.stem}.html" for r in result.names.values())
    text = "".join(page.text)
    assert all(name in text for name in listed)


def test_font_made_once_per_run_and_covers_every_character(zh_run) -> None:
    result, calls = zh_run
    out = result.evaluation.spec.output_dir
    pages = sorted(out.glob("*.html"))
    assert len(pages) == 5
    assert len(calls) == 1  # one subset for the five pages, of their characters together
    rules = set()
    for path in pages:
        raw = path.read_text(encoding="utf-8")
        found = re.findall(r"@font-face\{[^}]*\}", raw)
        assert len(found) == 1
        rules.add(found[0])
    assert len(rules) == 1  # the same font in every page
    data = re.search(r"base64,([A-Za-z0-9+/=]+)", rules.pop())
    assert data is not None
    font = TTFont(io.BytesIO(base64.b64decode(data.group(1))))
    cmap = font.getBestCmap()
    whole = TTFont(io.BytesIO(html_font.font_bytes())).getBestCmap()
    assert font["name"].getDebugName(1) == "Evalkit Sans SC"
    for path in pages:
        text = {c for c in "".join(_outline(path).text) if not c.isspace()}
        text -= {c for c in text if unicodedata.category(c) == "Cf"}  # not drawn (U+200B)
        # every character the bundled font has is kept (a sign it lacks, such as ∘ in a name, is drawn by
        # the next family of the style sheet, as the PDF's fallback fonts draw it)
        assert {c for c in text if ord(c) not in cmap and ord(c) in whole} == set(), path.name
        assert "区" in text and len([c for c in text if ord(c) > 0x2E80]) > 100


def test_font_subset_is_small_and_every_glyph_kept() -> None:
    chars = "社区警务信息化成熟度评价 Score 0.1–9"
    data = html_font.subset_font(chars, "otf")
    font = TTFont(io.BytesIO(data))
    cmap = font.getBestCmap()
    assert {ord(c) for c in chars if not c.isspace()} <= set(cmap)
    assert ord("县") not in cmap  # only what was asked for
    assert len(data) < 60_000 and "GSUB" not in font and "vmtx" not in font
    css = html_font.font_face_css(chars)
    assert css == html_font.font_face_css(chars[::-1])  # the same set, the same rule
    assert css.startswith('@font-face{font-family:"EvalkitSansSC";src:url(data:font/')


def test_every_chart_kind_of_the_sections_is_drawn() -> None:
    from evalkit.report.charts import CHARTS

    with pytest.raises(ValueError, match="no chart of kind 'pie'"):
        chart_svg("pie", {})
    data = {
        "factors": ["α", "权重方法"],
        "panels": [{"title": "区县 · 得分", "first": [0.2, 0.5], "total": [0.3, 1.4]}],
        "legend": ["一阶指数", "总效应指数"],
    }
    svg = chart_svg("sensitivity", data)
    assert svg.startswith("<svg") and "权重方法" in svg and "总效应指数" in svg
    assert 'width="200.0"' in svg  # a total index above 1 is drawn at 1
    for kind in CHARTS:
        assert chart_svg(kind, {}) == "", kind  # nothing to draw: no figure


def test_every_page_s_footer_carries_the_run_s_provenance(zh_run) -> None:
    result, _ = zh_run
    out = result.evaluation.spec.output_dir
    recorded = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["provenance"]
    digests = {f["path"]: f["sha256"] for f in recorded["inputs"]}
    assert "surveys/东湖区.xlsx" in digests and "evalkit.yaml" in digests
    for path in sorted(out.glob("*.html")):
        raw = path.read_text(encoding="utf-8")
        footer = raw[raw.index('<footer class="evalkit-provenance"') :]
        footer = footer[: footer.index("</footer>")]
        text = html.unescape(re.sub(r"<[^>]+>", " ", footer))
        assert recorded["settings_sha256"] in text, path.name
        assert "uncertainty.seed = 20261201" in text and recorded["date"] in text
        for name, sha in digests.items():  # each input with its SHA-256, in a row of its own
            assert re.search(rf"{re.escape(name)}\s+\S+\s+{sha}", text), (path.name, name)
        # shown once: the PDF's appendix and the README sheet are not repeated on the page
        assert raw.count("<h2>可复现性</h2>") == 1, path.name

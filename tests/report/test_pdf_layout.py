"""What a reader of the example's PDFs saw go wrong in the layout, checked on the rendered pages."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pypdf
import pytest

from evalkit.report.district_sections import raw_text as _raw
from evalkit.run import run_project

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """南港区's PDFs from a copy of the example whose 规范级 cut-off (a calibration guess) is set
    at 68: 南港区 (68.4) is then 规范级, the level whose long English name, Standardized, once
    ran past its score card."""
    out: dict[str, Path] = {}
    for lang in ("zh", "en"):
        dst = tmp_path_factory.mktemp(lang) / "project"
        dst.mkdir()
        shutil.copyfile(ROOT / "evalkit.yaml", dst / "evalkit.yaml")
        shutil.copytree(ROOT / "indicators", dst / "indicators")
        shutil.copytree(ROOT / "surveys", dst / "surveys")
        tree = dst / "indicators" / "community_policing.yaml"
        raw = tree.read_text(encoding="utf-8")
        assert raw.count("    min_score: 70\n") == 1
        tree.write_text(raw.replace("    min_score: 70\n", "    min_score: 68\n"), encoding="utf-8")
        run_project(dst, lang=lang, jobs=1)
        out[lang] = dst / "reports" / "南港区.pdf"
    return out


def _pages(pdf: Path, layout: bool = False) -> list[str]:
    reader = pypdf.PdfReader(str(pdf))
    mode = "layout" if layout else "plain"
    return [p.extract_text(extraction_mode=mode) or "" for p in reader.pages]


def _flat(text: str) -> str:
    return re.sub(r"[\s\u200b]+", "", text)


def test_units_are_printed_whole(reports: dict[str, Path]) -> None:
    text = _flat("".join(_pages(reports["en"])))
    assert "itemsper1,000residentsperyear" in text


def test_tree_table_source_stays_out_of_the_direction_column(reports: dict[str, Path]) -> None:
    pages = [p for p in _pages(reports["en"], layout=True) if "Best goalpost" in p]
    assert pages
    lines = [ln for p in pages for ln in p[p.index("Best goalpost") :].splitlines()]
    directions = [ln for ln in lines if re.search(r"\b(benefit|cost)\b", ln)]
    assert len(directions) >= 20
    for ln in directions:  # a column of its own: blank space on its left
        assert re.search(r"\s{2,}(benefit|cost)\b", ln), ln
    flat = _flat("".join(p for p in _pages(reports["en"]) if "Best goalpost" in p))
    for ident in ("Σcommunity_officers", "mean(channels_in_use)", "Σproficient_officers"):
        assert ident in flat


def test_notes_are_separate_sentences(reports: dict[str, Path]) -> None:
    text = "\n".join(_pages(reports["en"]))
    assert "threshold 0.10." in text
    assert not re.search(r"threshold 0\.10\.\S", text)


def test_table_headers_never_break_inside_a_word(reports: dict[str, Path]) -> None:
    en = "\n".join(_pages(reports["en"]))
    for broken in ("Re-search", "judg-ment", "Infor-mation", "Entropy lo-"):
        assert broken not in en
    zh_pages = _pages(reports["zh"], layout=True)
    # layout extraction puts one or two spaces between AHP and 局部权重 by where the column
    # falls on the page; a header broken inside the word would put 局部 and 权重 on two lines
    assert any(re.search(r"AHP[ ]{0,2}局部权重", p) for p in zh_pages)


def test_level_is_printed_once_on_the_summary_page(reports: dict[str, Path]) -> None:
    summary = next(p for p in _pages(reports["zh"]) if "总体评估结果" in p)
    found = re.findall(r"规范级（第\s*3\s*级）", summary)
    assert len(found) == 1
    assert re.search(r"第\s*3\s*级，共\s*5\s*级", summary)


def test_levels_table_is_not_split_across_pages(reports: dict[str, Path]) -> None:
    for lang, names in (
        ("zh", ["初始级", "基础级", "规范级", "融合级", "智慧级"]),
        ("en", ["Initial", "Basic", "Standardized", "Integrated", "Intelligence-led"]),
    ):
        pages = _pages(reports[lang])
        heading = "成熟度等级划分" if lang == "zh" else "Maturity levels"
        at = [i for i, p in enumerate(pages) if heading in p]
        assert at, lang
        page = pages[at[-1]]
        for n in names:
            assert n in page, (lang, n)


def test_no_page_is_left_mostly_empty(reports: dict[str, Path]) -> None:
    """Apart from the cover and the last page, text runs at least half way down every page."""
    for lang, pdf in reports.items():
        reader = pypdf.PdfReader(str(pdf))
        for i, page in enumerate(reader.pages[1:-1], start=2):
            height = float(page.mediabox.height)
            ys: list[float] = []

            def visit(text, cm, tm, font, size, ys=ys) -> None:
                if text.strip():
                    ys.append(float(tm[5]) * float(cm[3]) + float(cm[5]))

            page.extract_text(visitor_text=visit)
            body = [y for y in ys if 0.1 * height < y < 0.9 * height]  # not header or footer
            assert body, (lang, i)
            assert min(body) < 0.5 * height, (lang, i, min(body) / height)


def test_raw_values_have_the_same_decimals() -> None:
    assert _raw(4.4, "score (1-5)") == "4.40 score (1-5)"
    assert _raw(4.31, "score (1-5)") == "4.31 score (1-5)"
    assert _raw(87.6106, "%") == "87.61%"
    assert _raw(12345.6, "items") == "12,346 items"


def test_rows_over_the_cr_threshold_are_bold_as_the_note_says(reports: dict[str, Path]) -> None:
    """The note says "rows in bold colour": E06's row at the goal node is set in the bold face."""
    reader = pypdf.PdfReader(str(reports["en"]))
    faces: dict[str, set[str]] = {}
    for page in reader.pages:
        if "Consistency of each expert" not in (page.extract_text() or ""):
            continue

        def visit(text, cm, tm, font, size) -> None:
            if font is not None and text.strip() in ("E06", "E05"):
                faces.setdefault(text.strip(), set()).add(str(font.get("/BaseFont", "")))

        page.extract_text(visitor_text=visit)
    assert any("Bold" in f for f in faces["E06"]), faces
    assert any("Regular" in f for f in faces["E05"]), faces


def test_long_level_name_is_set_smaller_to_fit_its_card(reports: dict[str, Path]) -> None:
    """ "Standardized" in 22 pt ran past the right edge of its score card."""
    page = pypdf.PdfReader(str(reports["en"])).pages[1]
    sizes: dict[str, float] = {}

    def visit(text, cm, tm, font, size) -> None:
        key = text.strip()
        if re.fullmatch(r"\d+\.\d", key) or key == "Standardized":
            size = float(size) * abs(float(tm[0])) * abs(float(cm[0]) or 1.0)
            sizes[key] = max(sizes.get(key, 0.0), size)

    page.extract_text(visitor_text=visit)
    total = max(v for k, v in sizes.items() if k != "Standardized")  # the total's score card
    assert total == pytest.approx(22, abs=0.5)
    assert 11 <= sizes["Standardized"] < 21

"""Polish a reader notices (issue 14), on the example's real district PDFs and workbooks: every
score the PDF prints is the workbook's value rounded alike (report/formats.py), and no text
starts outside the page box (text positions from pypdf, no poppler needed) or runs into the
margins (each character's box from PDFium)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import openpyxl
import pypdf
import pypdfium2
import pytest

from evalkit.report.formats import fmt
from evalkit.run import run_project

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    for lang in ("zh", "en"):
        p = tmp_path_factory.mktemp(lang) / "p"
        p.mkdir()
        shutil.copyfile(ROOT / "evalkit.yaml", p / "evalkit.yaml")
        shutil.copytree(ROOT / "indicators", p / "indicators")
        shutil.copytree(ROOT / "surveys", p / "surveys")
        run_project(p, lang=lang, jobs=1, uncertainty=0)
        out[lang] = p / "reports"
    return out


def _lines(pdf: Path) -> list[str]:
    reader = pypdf.PdfReader(str(pdf))
    return [ln for page in reader.pages for ln in (page.extract_text() or "").splitlines()]


DIM_SHEET = {
    "zh": ("维度得分", "名称", "得分", "全省均值"),
    "en": ("Dimensions", "Name", "Score", "Province mean"),
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_dimension_and_station_score_printed_is_the_workbooks(reports, lang) -> None:
    for book in sorted(reports[lang].glob("*.xlsx")):
        if book.name in ("comparison.xlsx", "issues.xlsx"):
            continue
        lines = _lines(book.with_suffix(".pdf"))
        wb = openpyxl.load_workbook(book)
        sheet, name, score, mean = DIM_SHEET[lang]
        ws = wb[sheet]
        head = [c.value for c in ws[1]]
        checked = 0
        for row in ws.iter_rows(min_row=2, values_only=True):
            if row[head.index(name)] is None:
                continue
            dim = str(row[head.index(name)])
            want = f"{fmt(row[head.index(score)], 'score')} {fmt(row[head.index(mean)], 'score')}"
            # the dimension table's row: name, score, province mean, ...
            rows = [ln for ln in lines if ln.startswith(dim + " ") and re.search(r"\d", ln)]
            assert any(want in ln for ln in rows), (book.name, dim, want, rows[:3])
            checked += 1
        assert checked == 5
        st = wb["派出所" if lang == "zh" else "Stations"]
        head = [c.value for c in st[1]]
        total = "综合得分" if lang == "zh" else "Total score"
        station = "派出所" if lang == "zh" else "Police station"
        for row in st.iter_rows(min_row=2, values_only=True):
            if row[head.index(station)] is None:
                continue
            shown = f"{row[head.index(station)]} "
            got = [ln for ln in lines if shown in ln and fmt(row[head.index(total)], "score") in ln]
            assert got, (book.name, row[head.index(station)])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_text_starts_outside_the_page_box(reports, lang) -> None:
    for pdf in sorted(reports[lang].glob("*.pdf")):
        reader = pypdf.PdfReader(str(pdf))
        for k, page in enumerate(reader.pages, start=1):
            box = page.mediabox
            w, h = float(box.width), float(box.height)
            outside: list[tuple[str, float, float]] = []
            seen: list[float] = []

            def visit(text, cm, tm, font, size, outside=outside, seen=seen, w=w, h=h) -> None:
                if not text.strip():
                    return
                # the text matrix in user space: tm, then the current transformation
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                seen.append(y)
                if not (-0.5 <= x <= w + 0.5 and -0.5 <= y <= h + 0.5):
                    outside.append((text, x, y))

            page.extract_text(visitor_text=visit)
            assert not outside, (pdf.name, k, outside[:5])
            # the positions are real: text spread down the page, the first line near its top
            assert seen and max(seen) > h * 0.7 and max(seen) - min(seen) > h * 0.3, (pdf.name, k)


# the template's page margins left and right (district.typ: 2.2 cm), in points
MARGIN = 2.2 / 2.54 * 72
HANGING = set(",.;:-\u2010\u00ad\ufffe\u3001\u3002\uff0c")  # \ufffe: PDFium's soft hyphen


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_character_runs_into_the_side_margins(reports, lang) -> None:
    # a token that cannot break (a SHA-256 in the reproducibility table) once ran 17 pt into the
    # right margin of the English comparison.pdf
    for path in sorted(reports[lang].glob("*.pdf")):
        doc = pypdfium2.PdfDocument(str(path))
        checked = 0
        for k in range(len(doc)):
            page = doc[k]
            width, _ = page.get_size()
            text = page.get_textpage()
            out = []
            for i in range(text.count_chars()):
                left, _, right, _ = text.get_charbox(i)
                ch = text.get_text_range(i, 1)
                if ch.strip():
                    checked += 1
                    # justified lines hang a hyphen or a comma a little into the margin on
                    # purpose (Typst's overhang); anything else stays inside
                    slack = 3 if ch in HANGING else 1
                    if left < MARGIN - slack or right > width - MARGIN + slack:
                        out.append((ch, round(left, 1), round(right, 1)))
            assert not out, (path.name, k + 1, out[:8])
        doc.close()
        assert checked > 2000, path.name  # the boxes are real: thousands of characters seen

"""A character no font has: the run goes on, the PDF prints its code, the warning says where."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader
from python_calamine import CalamineWorkbook

from evalkit.report import fonts
from evalkit.run import run_project

COP = "\U0001f46e"  # 👮: in no Chinese font


def _rename_station(book: Path, old: str, new: str) -> list[tuple[str, int]]:
    """Rename a station in both sheets of a survey workbook; (sheet, Excel row) of each change."""
    wb = openpyxl.load_workbook(book)
    changed: list[tuple[str, int]] = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value == old:
                    cell.value = new
                    changed.append((ws.title, cell.row))
    wb.save(book)
    return changed


def test_emoji_in_a_station_name_is_printed_as_its_code_and_located(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fonts, "find_fallback_fonts", lambda chars: [])  # whatever is installed
    book = project / "surveys" / "东湖区.xlsx"
    old = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("stations").to_python()[1][1]
    changed = _rename_station(book, old, f"{old}{COP}")
    stations_row = next(r for s, r in changed if s == "stations")

    result = run_project(project, lang="zh", jobs=1)

    out = project / "reports"
    text = "".join(p.extract_text() or "" for p in PdfReader(out / "东湖区.pdf").pages)
    assert f"{old}[U+1F46E]" in text.replace("\n", "")
    assert COP not in text
    warnings = [i for i in result.evaluation.issues if i.check == "font_coverage"]
    where = {
        (i.location.file, i.location.sheet, i.location.row, i.location.column) for i in warnings
    }
    assert ("surveys/东湖区.xlsx", "stations", stations_row, "station") in where
    assert all("U+1F46E" in i.message and "--font" in i.fix for i in warnings)
    # and the same rows are in issues.xlsx
    rows = CalamineWorkbook.from_path(str(out / "issues.xlsx")).get_sheet_by_index(0).to_python()
    flat = [" ".join(str(c) for c in r) for r in rows]
    assert any("U+1F46E" in r and "stations" in r for r in flat)

"""The ``README`` sheet every workbook ends with: what each of its sheets holds, then the run's
provenance (:mod:`evalkit.report.reproducibility`), with a machine-readable key per row in
column C that ``evalkit verify`` reads back."""

from __future__ import annotations

from xlsxwriter.workbook import Workbook

from ..provenance import Provenance
from . import reproducibility as rp
from .i18n import SHEETS


def sheet_key(name: str, lang: str) -> str:
    """The key of :data:`~evalkit.report.i18n.SHEETS` of the sheet called *name* in *lang*."""
    k = 0 if lang == "zh" else 1
    for key, pair in SHEETS.items():
        if pair[k] == name:
            return key
    return name


def add_readme_sheet(wb: Workbook, prov: Provenance, lang: str) -> None:
    """Add the ``README`` sheet after the sheets already in *wb*."""
    keys = [sheet_key(ws.get_name(), lang) for ws in wb.worksheets()] + ["readme"]
    ws = wb.add_worksheet(rp.README)
    bold = wb.add_format({"bold": True})
    head = wb.add_format({"bold": True, "bottom": 1})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    mono = wb.add_format({"font_name": "Consolas", "valign": "top"})
    grey = wb.add_format({"font_color": "#808080", "valign": "top"})
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 70)
    ws.set_column(2, 2, 18, grey)
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.write_string(0, 0, rp.phrase("about", lang), bold)
    ws.write_string(1, 0, rp.phrase("sheets", lang), head)
    ws.write_string(1, 1, rp.phrase("holds", lang), head)
    row = 2
    for name, holds in rp.sheet_rows(keys, lang):
        ws.write_string(row, 0, name)
        ws.write_string(row, 1, holds, wrap)
        row += 1
    row += 1
    ws.write_string(row, 0, rp.title(lang), bold)
    ws.merge_range(row + 1, 0, row + 1, 1, rp.phrase("intro", lang), wrap)
    ws.set_row(row + 1, 60)
    row += 2
    for label, value, key in rp.provenance_rows(prov, lang):
        ws.write_string(row, 0, label)
        ws.write_string(row, 1, value, wrap if key == "settings" else mono)
        ws.write_string(row, 2, key)
        row += 1
    row += 1
    ws.write_string(row, 0, rp.phrase("file", lang), head)
    ws.write_string(row, 1, rp.phrase("sha", lang), head)
    ws.write_string(row, 3, rp.phrase("role", lang), head)
    ws.set_column(3, 3, 16)
    for f in prov.inputs:  # column C: the machine-readable key; D: the kind in words
        row += 1
        ws.write_string(row, 0, f.path)
        ws.write_string(row, 1, f.sha256, mono)
        ws.write_string(row, 2, f"input:{f.role}")
        ws.write_string(row, 3, rp.role_word(f.role, lang))

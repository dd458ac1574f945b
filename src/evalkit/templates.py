"""Blank input workbooks generated from a tree, in the formats evalkit reads (docs/formats.md).

``write_blank_survey`` writes a survey workbook with the ``responses`` and ``stations`` sheets (item
and statistic columns from the tree, item texts as a second sheet ``codebook``);
``write_blank_experts`` writes one pairwise grid per node with children for one expert.
"""

from __future__ import annotations

import os
from pathlib import Path

import xlsxwriter

from .ingest.survey import ID_COLUMNS, NAME_COLUMNS, UNIT_COLUMNS
from .tree import IndicatorTree

_OPTIONS = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}


def write_blank_survey(tree: IndicatorTree, path: Path) -> Path:
    """A survey workbook to fill: responses, stations and a codebook sheet."""
    tmp = path.with_name(f".{path.name}.part")
    wb = xlsxwriter.Workbook(str(tmp), _OPTIONS)
    try:
        bold = wb.add_format({"bold": True, "bg_color": "#DDE6F0", "border": 1})
        ws = wb.add_worksheet("responses")
        items = [item for _, item in tree.items()]
        for j, h in enumerate([*ID_COLUMNS, *(i.id for i in items)]):
            ws.write_string(0, j, h, bold)
            if j >= len(ID_COLUMNS):
                item = items[j - len(ID_COLUMNS)]
                ws.write_comment(0, j, f"{item.text['zh']}\n{item.text['en']}")
        ws.freeze_panes(1, 3)
        st = wb.add_worksheet("stations")
        for j, h in enumerate([*UNIT_COLUMNS, *NAME_COLUMNS, *tree.statistic_columns()]):
            st.write_string(0, j, h, bold)
        st.freeze_panes(1, 2)
        cb = wb.add_worksheet("codebook")
        head = ["item", "indicator", "reverse", "scale", "zh", "en"]
        for j, h in enumerate(head):
            cb.write_string(0, j, h, bold)
        for i, (leaf, item) in enumerate(tree.items(), start=1):
            assert leaf.source is not None
            row = [item.id, leaf.id, "yes" if item.reverse else "no", leaf.source.scale]
            row += [item.text["zh"], item.text["en"]]
            for j, v in enumerate(row):
                cb.write_string(i, j, v)
        cb.set_column(4, 5, 60)
        wb.close()
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)
    return path


def write_blank_experts(tree: IndicatorTree, path: Path, expert: str = "E01") -> Path:
    """An experts workbook with one grid per node with children (diagonal 1, rest blank)."""
    tmp = path.with_name(f".{path.name}.part")
    wb = xlsxwriter.Workbook(str(tmp), _OPTIONS)
    try:
        bold = wb.add_format({"bold": True, "bg_color": "#DDE6F0", "border": 1})
        grey = wb.add_format({"bg_color": "#EEEEEE"})
        for node in tree.criteria():
            ws = wb.add_worksheet(node.id[:31])
            kids = [c.id for c in node.children]
            for j, h in enumerate(["expert", "item", *kids]):
                ws.write_string(0, j, h, bold)
            for i, k in enumerate(kids, start=1):
                ws.write_string(i, 0, expert)
                ws.write_string(i, 1, k, bold)
                for j in range(1, i):
                    ws.write_blank(i, j + 1, None, grey)
                ws.write_number(i, i + 1, 1, grey)
            ws.set_column(0, len(kids) + 1, 22)
            ws.write_string(
                len(kids) + 2,
                0,
                "a[i][j] = how much more important the row item is than the column item "
                "(1-9, or 1/3 ... 1/9); fill the upper triangle only.",
            )
        wb.close()
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)
    return path

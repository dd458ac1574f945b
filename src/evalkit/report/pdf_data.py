"""The PDF's data: a district report's sections as JSON-ready blocks for the Typst template.

Every text is final here (numbers formatted by :func:`evalkit.report.formats.fmt`, as the
workbook's number formats show them); the template (``templates/district.typ``) lays the blocks
out by their ``type`` and never turns a string into markup.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from .formats import FORMATS, fmt
from .i18n import word
from .model import DistrictReport
from .phrases import phrases
from .sections import (
    PDF,
    Bullets,
    Callout,
    Cards,
    Chart,
    Column,
    Entries,
    Formulas,
    KeyValues,
    Note,
    Paragraph,
    Section,
    Table,
)

ACCENT = "#1f4e79"
_ZH_NUMBERS = "一二三四五六七八九十"


def _text(x: Any) -> str:
    """A cell as text; NaN/None/NA become empty."""
    if x is None or x is pd.NA or x is pd.NaT:
        return ""
    if isinstance(x, float) and math.isnan(x):
        return ""
    return str(x)


def cell(value: Any, column: Column, lang: str) -> str:
    """One table cell as the PDF prints it, in the format of the column's quantity."""
    kind = column.kind
    if kind == "bool":
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return ""
        return word("yes" if bool(value) else "no", lang)
    if kind == "word":
        return word(_text(value), lang)
    if kind in FORMATS:
        return fmt(value, kind)
    return _text(value)


def _align(column: Column) -> str:
    if column.align:
        return column.align
    if column.kind == "bool":
        return "c"
    return "r" if column.kind in FORMATS else "l"


def table(t: Table, lang: str) -> dict[str, Any]:
    """A table for the template: header, rows (lists of cells; ``{"group": text}`` rows;
    ``{"indent": n, "cells": [...]}`` rows), widths (0 = auto, else fr), align letters l/r/c,
    highlighted rows, text size and the legend under it."""
    cols = t.shown(PDF)
    frame = t.frame if t.max_rows <= 0 else t.frame.iloc[: t.max_rows]
    values = [frame[c.id].tolist() for c in cols]
    groups = frame[t.group_by].tolist() if t.group_by and t.group_by in frame else None
    indents = frame[t.indent_by].tolist() if t.indent_by and t.indent_by in frame else None
    marked = set(t.highlight)
    rows: list[Any] = []
    hl: list[int] = []
    current: object = object()
    for i in range(len(frame)):
        if groups is not None and groups[i] != current:
            current = groups[i]
            rows.append({"group": _text(current)})
        cells = [cell(v[i], c, lang) for v, c in zip(values, cols, strict=True)]
        if i in marked:
            hl.append(len(rows))
        if indents is not None:
            rows.append({"indent": int(indents[i] or 0), "cells": cells})
        else:
            rows.append(cells)
    return {
        "type": "table",
        "title": t.title,
        "header": [c.pdf_title or c.title for c in cols],
        "rows": rows,
        "widths": [c.width for c in cols],
        "align": [_align(c) for c in cols],
        "hl": hl,
        "size": t.size,
        "legend": t.legend,
    }


def _block(b: Any, lang: str) -> list[dict[str, Any]]:
    if isinstance(b, Table):
        out = [table(b, lang)]
        out += [{"type": "note", "text": n} for n in (*b.notes, b.more) if n]
        return out
    if isinstance(b, Paragraph):
        return [{"type": "paragraph", "text": b.text}] if b.text else []
    if isinstance(b, Note):
        return [{"type": "note", "text": b.text}] if b.text else []
    if isinstance(b, KeyValues):
        rows = [[kv.label, fmt(kv.value, kv.quantity, missing="")] for kv in b.rows]
        return [{"type": "kv", "title": b.title, "rows": rows}]
    if isinstance(b, Cards):
        cards = [{"label": c.label, "value": c.value, "sub": c.sub} for c in b.cards]
        return [{"type": "cards", "cards": cards}]
    if isinstance(b, Callout):
        return [{"type": "callout", "title": b.title, "body": b.body, "lines": list(b.lines)}]
    if isinstance(b, Bullets):
        return [{"type": "bullets", "title": b.title, "items": list(b.items)}] if b.items else []
    if isinstance(b, Entries):
        entries = [{"title": e.title, "tag": e.tag, "text": e.text} for e in b.entries]
        return [{"type": "entries", "entries": entries, "empty": b.empty}]
    if isinstance(b, Chart):
        width = round(float(b.width), 3)  # a share of the text width
        return [{"type": "figure", "file": chart_file(b), "width": width, "caption": b.caption}]
    if isinstance(b, Formulas):
        return [{"type": "formulas", "labels": dict(b.labels)}]
    raise TypeError(f"the PDF cannot show a {type(b).__name__}")


def chart_file(chart: Chart) -> str:
    return f"chart-{chart.id}.svg"


def _number(k: int, lang: str) -> str:
    if lang == "zh":
        return (_ZH_NUMBERS[k - 1] if k <= len(_ZH_NUMBERS) else str(k)) + "、"
    return f"{k} "


def _section(s: Section, lang: str, level: int, number: int) -> dict[str, Any]:
    title = (_number(number, lang) if number else "") + s.title
    blocks = [x for b in s.blocks_for(PDF) for x in _block(b, lang)]
    children = [_section(c, lang, level + 1, 0) for c in s.children if c.shows(PDF)]
    return {
        "id": s.id,
        "title": title,
        "level": level,
        "new_page": s.new_page,
        "blocks": blocks,
        "children": children,
    }


def charts_of(sections: tuple[Section, ...]) -> list[Chart]:
    """Every chart the PDF shows, in order."""
    return [
        b for top in sections for s in top.walk() for b in s.blocks_for(PDF) if isinstance(b, Chart)
    ]


def sections_of(r: DistrictReport) -> tuple[Section, ...]:
    """The report's sections; a model made by hand gets the standard ones from its tables."""
    if r.sections:
        return r.sections
    from .district_sections import district_sections

    return district_sections(r)


def build_data(r: DistrictReport, families: list[str]) -> dict[str, Any]:
    """All the template shows, as JSON-ready strings and lists."""
    lang = "zh" if r.lang == "zh" else "en"
    out_sections = []
    k = 0
    for s in sections_of(r):
        if not s.shows(PDF):
            continue
        k += 1 if s.numbered else 0
        out_sections.append(_section(s, lang, 1, k if s.numbered else 0))
    return {
        "lang": lang,
        "region": "cn" if lang == "zh" else "gb",
        "fonts": families,
        "accent": ACCENT,
        "p": phrases(lang),
        "title": r.title,
        "tree_title": r.tree_title,
        "district": r.district,
        "report_date": r.report_date,
        "sections": out_sections,
    }

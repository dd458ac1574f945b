"""The report as sections: what every renderer (workbook, PDF, later HTML) lays out.

A report is a list of :class:`Section` objects, each with an id, a title in the report's
language, blocks (tables, paragraphs, notes, charts, key-value lists, ...) and child sections.
The renderers know the kinds of block, not the sections: a section added to the list
(:mod:`evalkit.report.district_sections`, :mod:`evalkit.report.uncertainty_sections`) appears in
the PDF under its title and, when it names a ``sheet``, as a sheet of the workbook, with no change
to a renderer.

A block says where it is shown (``targets``: the PDF, the workbook's sheet, or both), so the
workbook can hold a full table where the PDF prints a condensed one, both made from the same
frame and formatted by :func:`evalkit.report.formats.fmt` / the same Excel number formats.
Text in blocks is already in the report's language.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .formats import quantity_of

PDF = "pdf"
SHEET = "sheet"
BOTH: frozenset[str] = frozenset({PDF, SHEET})
PDF_ONLY: frozenset[str] = frozenset({PDF})
SHEET_ONLY: frozenset[str] = frozenset({SHEET})


@dataclass(frozen=True)
class Column:
    """A column of a table: the frame's column *id*, its header, its quantity (a key of
    :data:`evalkit.report.formats.FORMATS`, or "text", "wrap" for long text, "word" for a fixed
    word translated in the workbook, "bool") and where it is shown."""

    id: str
    title: str
    quantity: str = ""  # "" = by its id (formats.quantity_of)
    targets: frozenset[str] = BOTH
    width: float = 0  # PDF: 0 = as wide as its content, else a share (fr) of the rest
    align: str = ""  # PDF: l, r or c; "" = right for numbers, left for text
    pdf_title: str = ""  # PDF: a shorter header (a legend says what it stands for)

    @property
    def kind(self) -> str:
        return self.quantity or quantity_of(self.id)


@dataclass(frozen=True)
class Table:
    """Rows of *frame* under the headers of *columns*.

    PDF: ``highlight`` rows are set in bold colour; a change of the value in ``group_by`` starts
    a group row with that value; ``indent_by`` names a column of indent levels for the first
    cell; at most ``max_rows`` rows (0: all), then ``more`` as a note. Workbook: ``freeze_col``
    columns stay in view, ``autofilter``, a colour scale on score columns (``color``), long
    headers wrapped (``header_wrap``), ``ids_row`` writes the column ids in a second header row
    (machine-readable sheets), ``rule`` = (column, criteria, value) highlights cells, and
    ``sheet_indent`` indents that column by the ``depth`` column.
    """

    frame: pd.DataFrame
    columns: tuple[Column, ...]
    id: str = ""
    title: str = ""
    targets: frozenset[str] = BOTH
    notes: tuple[str, ...] = ()
    # PDF
    size: float = 8.5
    highlight: tuple[int, ...] = ()
    group_by: str = ""
    indent_by: str = ""
    legend: str = ""
    max_rows: int = 0
    more: str = ""
    # workbook
    freeze_col: int = 0
    autofilter: bool = True
    color: bool = True
    header_wrap: bool = False
    ids_row: bool = False
    rule: tuple[str, str, float] | None = None
    sheet_indent: str = ""

    def shown(self, target: str) -> tuple[Column, ...]:
        """The columns shown in *target* (PDF or SHEET) that the frame has."""
        return tuple(c for c in self.columns if target in c.targets and c.id in self.frame)


@dataclass(frozen=True)
class Paragraph:
    text: str
    targets: frozenset[str] = PDF_ONLY


@dataclass(frozen=True)
class Note:
    """A smaller line of text under a table or chart."""

    text: str
    targets: frozenset[str] = BOTH


@dataclass(frozen=True)
class KeyValue:
    label: str
    value: Any
    quantity: str = "text"
    extra: str = ""  # the workbook: text beside a number (a level's name beside its number)


@dataclass(frozen=True)
class KeyValues:
    """Label-value rows (the workbook's summary, the PDF's method and data tables)."""

    rows: tuple[KeyValue, ...]
    title: str = ""
    targets: frozenset[str] = BOTH


@dataclass(frozen=True)
class Card:
    label: str
    value: str
    sub: str


@dataclass(frozen=True)
class Cards:
    """Key figures side by side (the PDF's summary)."""

    cards: tuple[Card, ...]
    targets: frozenset[str] = PDF_ONLY


@dataclass(frozen=True)
class Callout:
    """A title line and a body set off by a rule on the left."""

    title: str
    body: str
    lines: tuple[str, ...] = ()
    targets: frozenset[str] = PDF_ONLY


@dataclass(frozen=True)
class Bullets:
    """A titled list in a box (warnings)."""

    title: str
    items: tuple[str, ...]
    targets: frozenset[str] = BOTH


@dataclass(frozen=True)
class Entry:
    title: str
    tag: str
    text: str


@dataclass(frozen=True)
class Entries:
    """A numbered list of titled entries (recommendations); ``empty`` when there is none."""

    entries: tuple[Entry, ...]
    empty: str = ""
    targets: frozenset[str] = PDF_ONLY


@dataclass(frozen=True)
class Chart:
    """A chart drawn by the renderer from *data* (plain numbers and texts): ``kind`` names a
    function of :data:`evalkit.report.charts.CHARTS`; ``width`` its share of the text width."""

    id: str
    kind: str
    data: dict[str, Any]
    caption: str = ""
    width: float = 0.8
    targets: frozenset[str] = PDF_ONLY


@dataclass(frozen=True)
class Formulas:
    """The method's formulas (the PDF typesets them), each after its label."""

    labels: dict[str, str]
    targets: frozenset[str] = PDF_ONLY


Block = (
    Table | Paragraph | Note | KeyValues | Cards | Callout | Bullets | Entries | Chart | Formulas
)


@dataclass(frozen=True)
class Section:
    """A part of a report: a title, blocks, and child sections (set one level lower).

    ``sheet``: the workbook sheet the section's workbook blocks go to (a key of
    :data:`evalkit.report.i18n.SHEETS`); "" for none. ``numbered``: the PDF numbers the
    section's title (top-level sections of the body; not the appendix). ``new_page``: the PDF
    starts the section on a new page.
    """

    id: str
    title: str
    blocks: tuple[Block, ...] = ()
    children: tuple[Section, ...] = ()
    sheet: str = ""
    numbered: bool = True
    new_page: bool = False

    def walk(self) -> Iterator[Section]:
        yield self
        for c in self.children:
            yield from c.walk()

    def blocks_for(self, target: str) -> list[Block]:
        return [b for b in self.blocks if target in b.targets]

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    @property
    def notes(self) -> list[str]:
        return [b.text for b in self.blocks if isinstance(b, Note)]

    @property
    def charts(self) -> list[Chart]:
        return [b for b in self.blocks if isinstance(b, Chart)]

    def shows(self, target: str) -> bool:
        """Whether the section or a child has a block for *target*."""
        return any(s.blocks_for(target) for s in self.walk())


def find(sections: tuple[Section, ...] | list[Section], section_id: str) -> Section | None:
    """The section with *section_id*, at any depth; None when there is none."""
    for top in sections:
        for s in top.walk():
            if s.id == section_id:
                return s
    return None

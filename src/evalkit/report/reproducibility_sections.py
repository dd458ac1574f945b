"""The provenance of a report as sections (:mod:`evalkit.report.sections`): the PDF appendix's
last section 可复现性 / Reproducibility (:func:`appendix_section`, a builder of
:data:`evalkit.report.district_sections.APPENDIX`) and the ``README`` sheet that ends every
workbook (:func:`readme_section`: what each sheet holds, then the provenance and the input files,
with the machine-readable keys of column C that ``evalkit verify`` reads)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from ..provenance import Provenance
from . import reproducibility as rp
from .sections import (
    PDF_ONLY,
    SHEET,
    SHEET_ONLY,
    Column,
    KeyValue,
    KeyValues,
    Paragraph,
    Section,
    Table,
)

if TYPE_CHECKING:  # pragma: no cover
    from .district_sections import Source


def appendix_section(src: Source) -> Section | None:
    """The district PDF's 可复现性 / Reproducibility (None when the model carries no
    provenance)."""
    return provenance_section(src.report.provenance, src.lang)


def provenance_section(prov: Provenance | None, lang: str) -> Section | None:
    """可复现性 / Reproducibility for a PDF: a sentence, the provenance, the inputs (None without
    a provenance); comparison.pdf ends with it too."""
    if prov is None:
        return None
    rows = []
    for label, value, key in rp.provenance_rows(prov, lang):
        if key == "settings":  # a space after , and : so that the line can break
            value = json.dumps(prov.settings_dict, sort_keys=True, ensure_ascii=False)
        if key != "lang":
            rows.append(KeyValue(label, value))
    frame = pd.DataFrame(
        [(f.path, rp.role_word(f.role, lang), f.sha256) for f in prov.inputs],
        columns=["path", "kind", "sha256"],
    )
    cols = (
        Column("path", rp.phrase("file", lang), "text", width=1),
        Column("kind", rp.phrase("role", lang), "text"),
        Column("sha256", rp.phrase("sha", lang), "text"),
    )
    return Section(
        "reproducibility",
        rp.title(lang),
        (
            Paragraph(rp.phrase("intro", lang)),
            KeyValues(tuple(rows), targets=PDF_ONLY),
            Table(frame, cols, id="provenance_inputs", targets=PDF_ONLY, size=7),
        ),
    )


def sheet_keys(sections: Sequence[Section], order: Sequence[str] = ()) -> list[str]:
    """The keys of the sheets *sections* give a workbook, in the workbook's order (those of
    *order* first, as :mod:`evalkit.report.excel` writes them)."""
    keys = [s.sheet for top in sections for s in top.walk() if s.sheet and s.blocks_for(SHEET)]
    rank = {k: i for i, k in enumerate(order)}
    return sorted(dict.fromkeys(keys), key=lambda k: rank.get(k, len(order)))


def readme_section(
    sections: Sequence[Section], prov: Provenance | None, lang: str, order: Sequence[str] = ()
) -> Section | None:
    """The ``README`` sheet of a workbook whose other sheets come from *sections* (None without
    a provenance)."""
    if prov is None:
        return None
    keys = [*sheet_keys(sections, order), "readme"]
    sheets = pd.DataFrame(rp.sheet_rows(keys, lang), columns=["sheet", "holds"])
    items = pd.DataFrame(rp.provenance_rows(prov, lang), columns=["item", "value", "key"])
    inputs = pd.DataFrame(
        [(f.path, f.sha256, f"input:{f.role}", rp.role_word(f.role, lang)) for f in prov.inputs],
        columns=["path", "sha256", "key", "kind"],
    )
    h = rp.phrase
    blocks = (
        Table(
            sheets,
            (Column("sheet", h("sheets", lang), "text"), Column("holds", h("holds", lang), "wrap")),
            id="readme_sheets",
            title=h("about", lang),
            targets=SHEET_ONLY,
            autofilter=False,
            color=False,
        ),
        Paragraph(h("intro", lang), targets=SHEET_ONLY),
        Table(
            items,
            (
                Column("item", h("item", lang), "text"),
                Column("value", h("value", lang), "wrap"),
                Column("key", h("key", lang), "text"),
            ),
            id="readme_provenance",
            title=rp.title(lang),
            targets=SHEET_ONLY,
            autofilter=False,
            color=False,
        ),
        Table(
            inputs,
            (
                Column("path", h("file", lang), "text"),
                Column("sha256", h("sha", lang), "text"),
                Column("key", h("key", lang), "text"),
                Column("kind", h("role", lang), "text"),
            ),
            id="readme_inputs",
            title=h("inputs", lang),
            targets=SHEET_ONLY,
            autofilter=False,
            color=False,
        ),
    )
    return Section("readme", rp.README, blocks, sheet=rp.README, numbered=False)


__all__ = ["appendix_section", "provenance_section", "readme_section", "sheet_keys"]

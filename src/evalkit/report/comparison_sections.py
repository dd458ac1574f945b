"""comparison.xlsx as sections (:mod:`evalkit.report.sections`), one sheet each, in order."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandas as pd

from ..weights.weightset import WEIGHT_COLUMNS
from . import basis_sections as basis
from . import imbalance as imb
from . import period_sections
from . import toolbox_sections as toolbox
from . import uncertainty_sections as unc
from .district_sections import issues_sheet_table
from .formats import quantity_of
from .i18n import SHEETS, header
from .model import ComparisonReport
from .reproducibility_sections import readme_section
from .sections import SHEET_ONLY, Column, Note, Section, Table

if TYPE_CHECKING:  # pragma: no cover
    from ..pipeline import Evaluation


def _columns(
    frame: pd.DataFrame,
    ids: Iterable[str],
    lang: str,
    *,
    names: dict[str, str] | None = None,
    rest: bool = False,
    skip: Iterable[str] = (),
    kinds: dict[str, str] | None = None,
) -> list[Column]:
    """Columns *ids* of *frame* (those it has), then with *rest* every other column but *skip*:
    those named in *names* (dimension or indicator scores) with their display name as scores."""
    names, kinds = names or {}, kinds or {}
    out = [
        Column(c, names.get(c) or header(c, lang), kinds.get(c, ""))
        for c in ids
        if c in frame.columns
    ]
    if rest:
        taken = {c.id for c in out} | set(skip)
        for c in frame.columns:
            if c not in taken:
                c = str(c)
                out.append(
                    Column(
                        c,
                        names.get(c) or header(c, lang),
                        "score" if c in names else quantity_of(c),
                    )
                )
    return out


def _title(key: str, lang: str) -> str:
    return SHEETS[key][0 if lang == "zh" else 1]


def comparison_sections(r: ComparisonReport, ev: Evaluation | None = None) -> tuple[Section, ...]:
    """The sheets of comparison.xlsx: districts (with the notes on districts left out),
    stations, indicators, weights, levels, issues, the report files, and the uncertainty
    analysis' sheets when it ran."""
    lang = r.lang
    d = r.districts
    cols = _columns(
        d, ["district", "total", "level", "level_name", "rank", "respondents", "stations"], lang
    )
    # beside the score, the spread of the district's station totals (report.imbalance)
    k = 0 if lang == "zh" else 1
    cols += _columns(
        d,
        list(imb.HEADERS),
        lang,
        names={c: pair[k] for c, pair in imb.HEADERS.items()},
        kinds=imb.KINDS,
    )
    taken = ("note", *(c.id for c in cols))
    cols += _columns(d, [], lang, names=r.dimension_columns, rest=True, skip=taken)
    cols += _columns(d, ["note"], lang, kinds={"note": "wrap"})
    districts = Section(
        "districts",
        _title("districts", lang),
        (
            Table(d, tuple(cols), id="districts", targets=SHEET_ONLY, freeze_col=1),
            *[Note(n, targets=SHEET_ONLY) for n in r.notes],
        ),
        sheet="districts",
    )
    s = r.stations
    s_ids = ["district", "station", "respondents", "total", "level", "level_name"]
    s_ids += ["rank_in_district", "rank_in_province"]
    stations = _columns(s, s_ids, lang, names=r.dimension_columns, rest=True)
    frame = r.indicators
    if "district" not in frame.columns:
        frame = frame.rename_axis("district").reset_index()
    indicators = _columns(frame, ["district"], lang, names=r.indicator_columns, rest=True)
    w_ids = ("id", "name", "depth", "parent", *WEIGHT_COLUMNS)
    l_ids = ("level", "name", "min_score", "max_score", "description")
    out = [
        districts,
        _sheet("stations", lang, Table(s, tuple(stations), targets=SHEET_ONLY, freeze_col=2)),
        _sheet(
            "indicators",
            lang,
            Table(frame, tuple(indicators), targets=SHEET_ONLY, freeze_col=1, header_wrap=True),
        ),
        Section(
            "weights",
            _title("weights", lang),
            (
                Table(
                    r.weights,
                    tuple(_columns(r.weights, w_ids, lang)),
                    targets=SHEET_ONLY,
                    freeze_col=2,
                    sheet_indent="name",
                ),
                *basis.weights_sheet_tables(ev, lang),
            ),
            sheet="weights",
        ),
        _sheet(
            "levels",
            lang,
            Table(
                r.levels, tuple(_columns(r.levels, l_ids, lang)), targets=SHEET_ONLY, color=False
            ),
        ),
        _sheet("issues", lang, issues_sheet_table(r.issues, lang)),
    ]
    if r.files is not None:
        f_cols = _columns(
            r.files, ["district", "name_in_data", "workbook", "pdf_file", "html_file"], lang
        )
        f_cols += _columns(r.files, ["file_note"], lang, kinds={"file_note": "wrap"})
        out.append(
            _sheet("files", lang, Table(r.files, tuple(f_cols), targets=SHEET_ONLY, color=False))
        )
    if ev is not None:
        out += unc.comparison_sections(ev, lang)
        extra = (
            toolbox.methods_section(ev, None, lang),
            toolbox.fuzzy_section(ev, None, lang),
            toolbox.comparison_obstacles(ev, lang),
            period_sections.comparison_section(ev, lang),
        )
        out += [s for s in extra if s is not None]
    readme = readme_section(out, r.provenance, lang)  # the last sheet: what each holds, provenance
    return (*out, readme) if readme is not None else tuple(out)


def _sheet(key: str, lang: str, table: Table) -> Section:
    return Section(key, _title(key, lang), (table,), sheet=key)

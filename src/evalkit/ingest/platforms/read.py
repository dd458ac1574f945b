"""One sheet of an export read into evalkit's responses table, in steps: the layout
(:mod:`.detect`), which column holds what (:mod:`.match`), the proposed map (:mod:`.propose`), the
rows that hold answers (:mod:`.rows`), their values (:mod:`.convert`) and who gave them
(:mod:`.units`). Problems are collected in the result, never raised (:func:`raise_on_errors`
does that); only an unreadable file or an unknown layout raises DataError."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ...errors import DataError, Issue
from ...tree import IndicatorTree
from ..decision import zh_of
from .convert import codes_of, convert_items, off_scale_issues
from .detect import open_layout, wjx_variant
from .headers import questions
from .layout import Layout
from .mapfile import ImportMap, load_map
from .match import Matching, find_roles, match_items, unmatched_issues
from .model import Detection, Imported
from .propose import propose
from .rows import filter_rows
from .units import read_units


@dataclass(frozen=True)
class Analysis:
    """An export's sheet analysed, before any answer is read: its ``layout`` (which holds the
    decisions and problems so far), where the roles and items are, and the proposed map."""

    layout: Layout
    matching: Matching
    proposed: dict[str, Any]


def analyse(
    path: Path,
    tree: IndicatorTree,
    sheet: str | None,
    imap: ImportMap | None,
    codes: list[float | str],
) -> Analysis:
    """Read and detect: the layout, the role and item columns, the proposed map."""
    path = Path(path)
    lay = open_layout(path, tree, sheet, imap)
    roles = find_roles(lay, imap)
    matching = match_items(lay, tree, imap, roles)
    wjx_variant(lay, path, matching.mapped)
    proposed = propose(lay, path, tree, imap, matching, codes)
    if imap is not None and imap.items:
        n = len(matching.mapped)
        lay.decide(
            f"{n} items mapped as the map {imap.file} says",
            f"{n} 个题目按映射文件 {imap.file} 对应到列",
        )
    unmatched_issues(lay, tree, imap, matching)
    return Analysis(lay, matching, proposed)


def read_export(
    path: Path,
    tree: IndicatorTree,
    *,
    map_path: Path | str | None,
    sheet: str | None,
    missing_codes: Sequence[float | str] = (),
    district: str | None = None,
    station: str | None = None,
    station_default: str | None = None,
) -> Imported:
    """One sheet of an export as a responses table; its problems are in ``detection.issues``.

    ``district`` / ``station``: a value for every row; ``station_default``: the station when no
    column gives one (the name of a station's sheet)."""
    imap = load_map(map_path) if map_path is not None else None
    codes = codes_of(imap, missing_codes)
    a = analyse(path, tree, sheet, imap, codes)
    lay, mapped = a.layout, a.matching.mapped
    item_ids = [item.id for _, item in tree.items()]
    item_cols = [mapped[i] for i in item_ids if i in mapped]
    other_cols = [
        j for j in range(len(lay.columns)) if j not in set(item_cols) and lay.kinds[j] != "blank"
    ]
    rows = filter_rows(lay, other_cols, item_cols)
    for row, why in rows.dropped:
        lay.decide(f"row {row} dropped: {why}", f"第 {row} 行未读取：{zh_of(why)}")
    empty_rows = int((~rows.nonempty).sum())
    if empty_rows:
        lay.decide(f"{empty_rows} empty row(s) skipped", f"跳过了 {empty_rows} 个空行")
    rows_excel = np.flatnonzero(rows.keep) + lay.h + 2  # Excel rows of the kept body rows
    lay.keep_rows(rows.keep)
    converted = convert_items(lay, tree, mapped, imap, codes)
    reasons = off_scale_issues(lay, tree, mapped, converted, rows_excel)
    units = read_units(
        lay,
        a.matching.roles,
        rows_excel,
        imap,
        {"respondent": None, "district": district, "station": station},
        station_default,
    )
    proposed = dict(a.proposed)
    proposed.update({f"{role}_names": names for role, names in units.names.items()})
    frame = pd.DataFrame(units.ids, columns=["respondent", "district", "station"])
    responses = pd.concat([frame, pd.DataFrame(converted.values, columns=item_ids)], axis=1)
    responses.index = pd.Index(rows_excel, name="row")
    reasons_df = pd.DataFrame(reasons, columns=item_ids, index=responses.index)
    detection = Detection(
        platform=lay.platform,
        variant=lay.variant,
        encoding=lay.encoding,
        sheet=lay.sheet,
        header_row=lay.h + 1,
        columns=[c for j, c in enumerate(lay.columns) if lay.kinds[j] != "blank"],
        questions=questions(lay),
        mapping={iid: lay.columns[j] for iid, j in mapped.items()},
        unmatched_items=[i for i in item_ids if i not in mapped],
        markers=converted.markers,
        decisions=list(lay.decisions),
        issues=list(lay.issues),
    )
    return Imported(responses, reasons_df, detection, rows.dropped, proposed)


def raise_on_errors(issues: list[Issue], path: Path) -> None:
    """DataError listing every problem when any of *issues* is an error."""
    errors = sum(i.severity == "error" for i in issues)
    if errors:
        raise DataError(issues, summary=f"{errors} problem(s) importing {path}")


__all__ = ["Analysis", "analyse", "raise_on_errors", "read_export"]

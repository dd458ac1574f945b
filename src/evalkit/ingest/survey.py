"""Officers' Likert responses and station statistics, checked against the indicator tree.

Reads every survey workbook (sheets ``responses`` and ``stations``) and CSV table of a project,
converts answers (numbers or the scale's labels in either language) to scale values, and collects
every problem with its file, sheet, Excel row and column before raising once.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError, Issue, IssueLog, Location, rel, show
from ..tree import IndicatorTree
from .tables import Grid, empty_cells, read_grid

ID_COLUMNS = ("respondent", "district", "station")
UNIT_COLUMNS = ("district", "station")
NAME_COLUMNS = ("district_en", "station_en")


@dataclass(frozen=True)
class SurveyData:
    """Tidy survey data of a project.

    responses: respondent, district, station, one float column per tree item (scale values, NaN =
        missing; reverse items NOT yet recoded), plus ``_file`` and ``_row`` (where each row came from).
    stations: district, station, district_en, station_en, one float column per statistic column.
    """

    responses: pd.DataFrame
    stations: pd.DataFrame
    issues: list[Issue] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def _normalise_text(s: pd.Series) -> pd.Series:
    """Strip, NFKC (full-width digits and letters to half-width) - vectorised over a column."""
    return s.astype(str).str.strip().map(lambda t: unicodedata.normalize("NFKC", t))


def _label_map(tree: IndicatorTree) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for sid, scale in tree.scales.items():
        m: dict[str, float] = {}
        for labels in scale.labels.values():
            for lab, val in zip(labels, scale.values, strict=True):
                m[unicodedata.normalize("NFKC", lab).strip()] = val
                m[unicodedata.normalize("NFKC", lab).strip().lower()] = val
        out[sid] = m
    return out


def _convert_items(
    grid: Grid, tree: IndicatorTree, log: IssueLog
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Item columns -> float scale values; returns (values, valid mask of non-empty cells)."""
    labels = _label_map(tree)
    data = grid.data
    empty = empty_cells(data)
    values = {}
    for leaf, item in tree.items():
        if item.id not in data.columns:
            continue
        assert leaf.source is not None
        scale = tree.scales[leaf.source.scale]
        col = data[item.id]
        text = _normalise_text(col)
        num = pd.to_numeric(text.where(~empty[item.id]), errors="coerce")
        lab = text.map(labels[leaf.source.scale]).astype(float)
        lab_lower = text.str.lower().map(labels[leaf.source.scale]).astype(float)
        val = num.fillna(lab).fillna(lab_lower)
        allowed = np.isin(val.to_numpy(dtype=float), np.asarray(scale.values))
        bad = ~empty[item.id].to_numpy() & ~allowed
        for row in np.asarray(data.index)[bad]:
            shown = data.at[row, item.id]
            log.add(
                grid.loc(int(row), item.id),
                f"answer off the scale `{scale.id}` (item {item.id})",
                expected=f"one of {[int(v) if float(v).is_integer() else v for v in scale.values]}"
                " or a label such as "
                + repr(next(iter(scale.labels.values()))[0] if scale.labels else ""),
                found=show(shown),
                fix="Correct the cell, or leave it empty if the officer did not answer.",
                check="scale",
            )
        values[item.id] = val.where(allowed)
    return pd.DataFrame(values, index=data.index), empty


def _read_responses(grid: Grid, tree: IndicatorTree, log: IssueLog) -> pd.DataFrame | None:
    cols = set(grid.header)
    missing = [c for c in ID_COLUMNS if c not in cols]
    for c in missing:
        log.add(
            grid.loc(grid.header_row),
            f'missing column "{c}"',
            expected=f"header columns {list(ID_COLUMNS)} and the item ids of the tree",
            found=f"headers {grid.header[:8]}{' ...' if len(grid.header) > 8 else ''}",
            check="columns",
        )
    item_ids = [item.id for _, item in tree.items()]
    absent = [i for i in item_ids if i not in cols]
    if absent:
        log.add(
            grid.loc(grid.header_row),
            f"{len(absent)} item column(s) of the tree are missing",
            expected="one column per item id",
            found=f"no column for {absent[:10]}{' ...' if len(absent) > 10 else ''}",
            fix="Add the columns (empty if the item was not asked) or use the tree the survey used.",
            check="columns",
        )
    extra = [c for c in grid.header if c not in item_ids and c not in ID_COLUMNS]
    if extra:
        log.warn(
            grid.loc(grid.header_row),
            f"{len(extra)} column(s) not in the tree are ignored",
            found=", ".join(extra[:10]) + (" ..." if len(extra) > 10 else ""),
            check="columns",
        )
    if missing:
        return None
    data = grid.data
    ids = data[list(ID_COLUMNS)].apply(lambda s: s.astype(str).str.strip())
    empty_id = empty_cells(data[list(ID_COLUMNS)])
    for c in ID_COLUMNS:
        for row in np.asarray(data.index)[empty_id[c].to_numpy()]:
            log.add(
                grid.loc(int(row), c),
                f"empty {c}",
                expected=f"a {c} name or id",
                found="an empty cell",
                check="ids",
            )
    values, _ = _convert_items(grid, tree, log)
    out = pd.concat([ids, values], axis=1)
    out["_file"] = grid.file
    out["_sheet"] = grid.sheet
    out["_row"] = data.index.to_numpy()
    return out[~empty_id.any(axis=1).to_numpy()]


def _read_stations(grid: Grid, tree: IndicatorTree, log: IssueLog) -> pd.DataFrame | None:
    cols = set(grid.header)
    need = [*UNIT_COLUMNS, *tree.statistic_columns()]
    missing = [c for c in need if c not in cols]
    if missing:
        log.add(
            grid.loc(grid.header_row),
            f"{len(missing)} column(s) missing from the stations sheet",
            expected=f"columns {need}",
            found=f"no column for {missing}",
            check="columns",
        )
        return None
    data = grid.data
    ids = data[list(UNIT_COLUMNS)].apply(lambda s: s.astype(str).str.strip())
    names = pd.DataFrame(index=data.index)
    for c in NAME_COLUMNS:
        names[c] = data[c].astype(str).str.strip() if c in cols else ""
        names[c] = names[c].where(~names[c].isin(["None", "nan"]), "")
    stats = {}
    for c in tree.statistic_columns():
        raw = data[c]
        empty = empty_cells(raw.to_frame())[c]
        num = pd.to_numeric(_normalise_text(raw).where(~empty), errors="coerce")
        bad = (~empty & num.isna()) | (num < 0)
        for row in np.asarray(data.index)[bad.to_numpy()]:
            log.add(
                grid.loc(int(row), c),
                "statistic is not a non-negative number",
                expected="a number >= 0",
                found=show(raw.at[row]),
                check="statistic",
            )
        for row in np.asarray(data.index)[empty.to_numpy()]:
            log.warn(
                grid.loc(int(row), c),
                "statistic is empty; indicators using it are missing for this station",
                check="statistic",
            )
        stats[c] = num.where(~bad)
    out = pd.concat([ids, names, pd.DataFrame(stats, index=data.index)], axis=1)
    out["_file"] = grid.file
    out["_sheet"] = grid.sheet
    out["_row"] = data.index.to_numpy()
    dup = out.duplicated(["district", "station"], keep="first")
    for row in np.asarray(data.index)[dup.to_numpy()]:
        log.add(
            grid.loc(int(row), "station"),
            "station listed twice",
            expected="one row per (district, station)",
            found=f"{out.at[row, 'district']} / {out.at[row, 'station']} again",
            check="ids",
        )
    return out[~dup.to_numpy()]


def load_survey_data(
    tree: IndicatorTree,
    *,
    surveys: Sequence[Path] = (),
    responses: Sequence[Path] = (),
    stations: Sequence[Path] = (),
    base: Path | None = None,
) -> SurveyData:
    """Read all survey workbooks and CSV tables; raise DataError listing every problem."""
    log = IssueLog()
    resp_frames: list[pd.DataFrame] = []
    stat_frames: list[pd.DataFrame] = []
    files: list[str] = []
    jobs: list[tuple[Path, str | None, str]] = []
    for p in surveys:
        jobs += [(p, "responses", "responses"), (p, "stations", "stations")]
    jobs += [
        (p, None if p.suffix.lower() == ".csv" else "responses", "responses") for p in responses
    ]
    jobs += [(p, None if p.suffix.lower() == ".csv" else "stations", "stations") for p in stations]
    for path, sheet, kind in jobs:
        shown = rel(path, base)
        if shown not in files:
            files.append(shown)
        try:
            grid = read_grid(path, sheet, display=shown)
        except DataError as exc:
            log.issues.extend(exc.issues)
            continue
        if grid.data.empty:
            log.add(grid.loc(), f"the {kind} sheet has no data rows", check="empty")
            continue
        frame = (_read_responses if kind == "responses" else _read_stations)(grid, tree, log)
        if frame is not None:
            (resp_frames if kind == "responses" else stat_frames).append(frame)
    item_ids = [item.id for _, item in tree.items()]
    resp = (
        pd.concat(resp_frames, ignore_index=True)
        if resp_frames
        else pd.DataFrame(columns=[*ID_COLUMNS, *item_ids, "_file", "_sheet", "_row"])
    )
    stat = (
        pd.concat(stat_frames, ignore_index=True)
        if stat_frames
        else pd.DataFrame(columns=[*UNIT_COLUMNS, *NAME_COLUMNS, *tree.statistic_columns()])
    )
    for iid in item_ids:
        if iid not in resp.columns:
            resp[iid] = np.nan
    if not resp.empty:
        dup = resp.duplicated("respondent", keep="first")
        for _, r in resp[dup].iterrows():
            log.add(
                _loc(r),
                "duplicate respondent id",
                expected="each respondent id once",
                found=repr(r["respondent"]),
                check="ids",
            )
    # cross-check units
    if not stat.empty and not resp.empty:
        known = set(zip(stat["district"], stat["station"], strict=True))
        pairs = resp[["district", "station"]].drop_duplicates()
        for _, r in pairs.iterrows():
            if (r["district"], r["station"]) not in known:
                first = resp[
                    (resp["district"] == r["district"]) & (resp["station"] == r["station"])
                ]
                log.add(
                    _loc(first.iloc[0], "station"),
                    "station has responses but no row in the stations sheet",
                    expected="a stations row for every (district, station) in responses",
                    found=f"{r['district']} / {r['station']}",
                    fix="Add the station's statistics, or correct the spelling of its name.",
                    check="units",
                )
        answered = set(zip(resp["district"], resp["station"], strict=True))
        for _, r in stat.iterrows():
            if (r["district"], r["station"]) not in answered:
                log.warn(
                    _loc(r, "station"),
                    "station has statistics but no survey responses; its survey indicators are "
                    "missing and it is left out of the station ranking",
                    found=f"{r['district']} / {r['station']}",
                    check="units",
                )
    log.raise_if_errors(DataError)
    return SurveyData(resp, stat, log.warnings, files)


def _loc(r: pd.Series, column: str = "respondent") -> Location:
    return Location(file=str(r["_file"]), sheet=str(r["_sheet"]), row=int(r["_row"]), column=column)

"""Officers' Likert responses and station statistics, checked against the indicator tree.

Reads every survey workbook (sheets ``responses`` and ``stations``) and CSV table of a project,
converts answers (numbers or the scale's labels in either language) to scale values, and collects
every problem with its file, sheet, Excel row and column before raising once.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import os
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError, Issue, IssueLog, Location, rel, show
from ..spec import ImportSpec
from ..tree import IndicatorTree
from .decision import zh_of
from .overflow import statistic_overflow
from .platforms import import_responses, reasons_text
from .tables import Grid, odd_value, read_grid, sheet_names

ID_COLUMNS = ("respondent", "district", "station")
UNIT_COLUMNS = ("district", "station")
NAME_COLUMNS = ("district_en", "station_en")
KNOWN_EXTRA = ("missing_reasons",)
_ID_ZH = {
    "respondent": "问卷编号",
    "district": "区县",
    "station": "派出所",
}  # written by `evalkit import`: why each answer is missing


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
    errors: list[Issue] = field(default_factory=list)  # only with isolate=True
    blocked: dict[str, list[str]] = field(default_factory=dict)  # file -> districts it held
    blocked_en: dict[str, str] = field(default_factory=dict)  # English names of those districts


def _text_values(raw: np.ndarray, labels: dict[str, float]) -> np.ndarray:
    """Values of the text cells of an item column: scale labels (either language, any case,
    full-width forms folded by NFKC) or numbers typed as text such as "４"; NaN otherwise.
    Each distinct text is looked at once."""
    codes, uniques = pd.factorize(pd.Series(raw, dtype=object), use_na_sentinel=False)
    out = np.full(len(uniques), np.nan)
    for k, v in enumerate(uniques):
        t = unicodedata.normalize("NFKC", str(v)).strip()
        hit = labels.get(t, labels.get(t.lower()))
        if hit is None:
            try:
                hit = float(t)
            except ValueError:
                continue
        out[k] = hit
    return out[codes]


def _label_map(tree: IndicatorTree) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for sid, scale in tree.scales.items():
        m: dict[str, float] = {}
        for labels in scale.labels.values():
            for lab, val in zip(labels, scale.values, strict=True):
                t = unicodedata.normalize("NFKC", lab).strip()
                m[t] = val
                m[t.lower()] = val
        out[sid] = m
    return out


def _convert_items(
    grid: Grid, tree: IndicatorTree, log: IssueLog, missing_codes: tuple[float | str, ...] = ()
) -> pd.DataFrame:
    """Item columns -> float scale values (NaN = missing or invalid; invalid cells are logged).

    Answers equal to one of ``missing_codes`` (e.g. 9 for "don't know", or the text 不知道) count as
    not answered."""
    labels = _label_map(tree)
    num_codes = np.array([c for c in missing_codes if isinstance(c, float)])
    text_codes = {
        unicodedata.normalize("NFKC", c).strip() for c in missing_codes if isinstance(c, str)
    }
    values = {}
    index = grid.data.index.to_numpy()
    for leaf, item in tree.items():
        if item.id not in grid.data.columns:
            continue
        assert leaf.source is not None
        scale = tree.scales[leaf.source.scale]
        val = grid.numbers[item.id].to_numpy(dtype=float).copy()
        blank = grid.blank[item.id].to_numpy(dtype=bool).copy()
        odd = _odd(grid, item.id)
        if len(num_codes):
            coded = np.isin(val, num_codes)
            val[coded] = np.nan
            blank |= coded
        text = ~blank & np.isnan(val)
        if text.any() and text_codes:
            raw_text = grid.data[item.id].to_numpy()[text]
            coded = np.fromiter(
                (unicodedata.normalize("NFKC", str(v)).strip() in text_codes for v in raw_text),
                bool,
                len(raw_text),
            )
            idx = np.flatnonzero(text)[coded]
            blank[idx] = True
            text[idx] = False
        if odd.any():  # a TRUE/FALSE cell is never a label, however the scale names its values
            raw_odd = grid.data[item.id].to_numpy()[odd]
            text[np.flatnonzero(odd)[[isinstance(v, (bool, np.bool_)) for v in raw_odd]]] = False
        if text.any():
            val[text] = _text_values(grid.data[item.id].to_numpy()[text], labels[scale.id])
        allowed = np.isin(val, np.asarray(scale.values))
        bad = ~blank & ~allowed
        if bad.any():
            shown_values = [int(v) if float(v).is_integer() else v for v in scale.values]
            first = next(iter(scale.labels.values()))[0] if scale.labels else ""
            example = scale.labels.get("en", [first])[0] if scale.labels else ""
            example_zh = scale.labels.get("zh", [first])[0] if scale.labels else ""
            raw = grid.data[item.id].to_numpy()
            for k in np.flatnonzero(bad):
                found, found_zh = (odd[k] and odd_value(raw[k])) or (
                    show(raw[k]),
                    show(raw[k], "zh"),
                )
                log.add(
                    grid.loc(int(index[k]), item.id),
                    f"answer off the scale `{scale.id}` (item {item.id})",
                    message_zh=f"答案不在量表 `{scale.id}` 的取值范围内（题目 {item.id}）",
                    expected=f"one of {shown_values}"
                    + (f" or a label such as {example!r}" if example else ""),
                    expected_zh=f"{shown_values} 之一"
                    + (f"，或 {example_zh!r} 这样的选项文字" if example_zh else ""),
                    found=found,
                    found_zh=found_zh,
                    fix="Correct the cell, or leave it empty if the officer did not answer.",
                    fix_zh="改正该单元格；若民警未作答，请留空。",
                    check="scale",
                )
        values[item.id] = np.where(allowed, val, np.nan)
    return pd.DataFrame(values, index=grid.data.index)


def _odd(grid: Grid, column: str) -> np.ndarray:
    """Where a column holds TRUE/FALSE, infinite or NaN cells (:func:`.tables.odd_value`)."""
    if column in grid.odd.columns:
        return grid.odd[column].to_numpy(dtype=bool)
    return np.zeros(len(grid.data), dtype=bool)


def _ids(grid: Grid, columns: tuple[str, ...] | list[str]) -> pd.DataFrame:
    """Id columns as stripped text ("" where blank); numbers such as 101.0 shown as "101"."""
    out = {}
    for c in columns:
        raw = grid.data[c]
        num = grid.numbers[c]
        text = raw.astype(str).str.strip()
        whole = num.notna() & (num % 1 == 0)
        text = text.where(~whole, num.where(whole).astype("Int64").astype(str))
        out[c] = text.where(~grid.blank[c], "")
    return pd.DataFrame(out, index=grid.data.index)


def _read_responses(
    grid: Grid, tree: IndicatorTree, log: IssueLog, missing_codes: tuple[float | str, ...] = ()
) -> pd.DataFrame | None:
    cols = set(grid.header)
    missing = [c for c in ID_COLUMNS if c not in cols]
    for c in missing:
        head = f"{grid.header[:8]}{' ...' if len(grid.header) > 8 else ''}"
        log.add(
            grid.loc(grid.header_row),
            f'missing column "{c}"',
            message_zh=f"缺少“{c}”列",
            expected=f"header columns {list(ID_COLUMNS)} and the item ids of the tree",
            expected_zh=f"表头含 {list(ID_COLUMNS)} 各列及指标体系中各题目的编号",
            found=f"headers {head}",
            found_zh=f"表头 {head}",
            check="columns",
        )
    item_ids = [item.id for _, item in tree.items()]
    absent = [i for i in item_ids if i not in cols]
    if absent:
        listed = f"{absent[:10]}{' ...' if len(absent) > 10 else ''}"
        log.add(
            grid.loc(grid.header_row),
            f"{len(absent)} item column(s) of the tree are missing",
            message_zh=f"缺少指标体系中 {len(absent)} 个题目的列",
            expected="one column per item id",
            expected_zh="每个题目编号一列",
            found=f"no column for {listed}",
            found_zh=f"没有 {listed} 的列",
            fix="Add the columns (empty if the item was not asked) or use the tree the survey used.",
            fix_zh="补上这些列（未问的题目留空），或改用问卷所依据的指标体系。",
            check="columns",
        )
    extra = [
        c for c in grid.header if c not in item_ids and c not in ID_COLUMNS and c not in KNOWN_EXTRA
    ]
    if extra:
        log.warn(
            grid.loc(grid.header_row),
            f"{len(extra)} column(s) not in the tree are ignored",
            message_zh=f"{len(extra)} 个不属于指标体系的列未读取",
            found=", ".join(extra[:10]) + (" ..." if len(extra) > 10 else ""),
            found_zh="、".join(extra[:10]) + (" ……" if len(extra) > 10 else ""),
            check="columns",
        )
    if missing:
        return None
    data = grid.data
    ids = _ids(grid, ID_COLUMNS)
    empty_id = grid.blank[list(ID_COLUMNS)]
    for c in ID_COLUMNS:
        for row in np.asarray(data.index)[empty_id[c].to_numpy()]:
            log.add(
                grid.loc(int(row), c),
                f"empty {c}",
                message_zh=f"{_ID_ZH[c]}为空",
                expected=f"a {c} name or id",
                expected_zh=f"{_ID_ZH[c]}名称或编号",
                found="an empty cell",
                found_zh="空单元格",
                check="ids",
            )
    values = _convert_items(grid, tree, log, missing_codes)
    out = pd.concat([ids, values], axis=1)
    if "missing_reasons" in grid.data.columns:
        reasons = grid.data["missing_reasons"].astype(str).str.strip()
        out["missing_reasons"] = reasons.where(~grid.blank["missing_reasons"], "")
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
            message_zh=f"派出所统计表缺少 {len(missing)} 列",
            expected=f"columns {need}",
            expected_zh=f"列 {need}",
            found=f"no column for {missing}",
            found_zh=f"没有 {missing} 的列",
            check="columns",
        )
        return None
    data = grid.data
    ids = _ids(grid, UNIT_COLUMNS)
    names = pd.DataFrame(index=data.index)
    for c in NAME_COLUMNS:
        names[c] = data[c].astype(str).str.strip() if c in cols else ""
        names[c] = names[c].where(~names[c].isin(["None", "nan"]), "")
    stats = {}
    for c in tree.statistic_columns():
        raw = data[c]
        empty = grid.blank[c]
        num = grid.numbers[c].copy()
        odd = pd.Series(_odd(grid, c), index=data.index)
        text = ~empty & num.isna() & ~odd
        if text.any():
            num[text] = _text_values(raw[text].to_numpy(), {})
            odd |= text & np.isinf(num)  # full-width or spaced texts such as "１e400"
        bad = (~empty & ~odd & num.isna()) | (num < 0)
        for row in np.asarray(data.index)[bad.to_numpy()]:
            log.add(
                grid.loc(int(row), c),
                "statistic is not a non-negative number",
                message_zh="统计数据不是非负数",
                expected="a number >= 0",
                expected_zh="大于或等于 0 的数",
                found=show(raw.at[row]),
                found_zh=show(raw.at[row], "zh"),
                check="statistic",
            )
        for row in np.asarray(data.index)[odd.to_numpy()]:
            found, found_zh = odd_value(raw.at[row]) or (show(raw.at[row]), show(raw.at[row], "zh"))
            log.add(
                grid.loc(int(row), c),
                "statistic is not a finite number",
                message_zh="统计数据不是有限的数值",
                expected="a number >= 0 (TRUE/FALSE, inf, nan and numbers beyond about 1.8e308 "
                "are not counts)",
                expected_zh="大于或等于 0 的数（TRUE/FALSE、inf、nan 以及超过约 1.8e308 的数都不是"
                "统计数）",
                found=found,
                found_zh=found_zh,
                fix="Type the station's figure as a plain number; leave the cell empty if it is "
                "not known.",
                fix_zh="把该派出所的数据填成普通数字；不知道时留空。",
                check="statistic",
            )
        for row in np.asarray(data.index)[empty.to_numpy()]:
            log.warn(
                grid.loc(int(row), c),
                "statistic is empty; indicators using it are missing for this station",
                message_zh="统计数据为空，该派出所用到它的指标缺失",
                check="statistic",
            )
        stats[c] = num.where(~bad & ~odd)
    out = pd.concat([ids, names, pd.DataFrame(stats, index=data.index)], axis=1)
    out["_file"] = grid.file
    out["_sheet"] = grid.sheet
    out["_row"] = data.index.to_numpy()
    dup = out.duplicated(["district", "station"], keep="first")
    for row in np.asarray(data.index)[dup.to_numpy()]:
        unit = f"{out.at[row, 'district']} / {out.at[row, 'station']}"
        log.add(
            grid.loc(int(row), "station"),
            "station listed twice",
            message_zh="派出所重复列出",
            expected="one row per (district, station)",
            expected_zh="每个（区县，派出所）一行",
            found=f"{unit} again",
            found_zh=f"{unit} 再次出现",
            check="ids",
        )
    return out[~dup.to_numpy()]


@dataclass(frozen=True)
class _Tables:
    """Every table read, before the checks across them: the responses (a column for every item
    of the tree) and stations, the files in reading order, and the districts the project file
    names for its imports (file -> districts)."""

    responses: pd.DataFrame
    stations: pd.DataFrame
    files: list[str]
    declared: dict[str, set[str]]


def load_survey_data(
    tree: IndicatorTree,
    *,
    surveys: Sequence[Path] = (),
    responses: Sequence[Path] = (),
    stations: Sequence[Path] = (),
    base: Path | None = None,
    isolate: bool = False,
    missing_codes: Sequence[float | str] = (),
    imports: Sequence[ImportSpec] = (),
) -> SurveyData:
    """Read all survey workbooks and CSV tables; raise DataError listing every problem.

    With ``isolate=True`` a file with errors only blocks itself: its rows are left out, the
    errors are returned in ``errors`` and the districts it held in ``blocked``; DataError is raised
    only when no file is left.
    """
    log = IssueLog()
    surveys, responses, stations, imports = _distinct_files(
        surveys, responses, stations, imports, base, log
    )
    jobs = _jobs(tree, surveys, responses, stations)
    tables = _read_tables(jobs, imports, tree, base, missing_codes, log)
    resp = tables.responses
    stat = _stations_once(tables.stations, log)
    # sums of station figures beyond the floating-point range (two cells of 1e308)
    log.issues += statistic_overflow(tree, stat)
    _cross_check_units(resp, stat, log)
    log.issues = list(dict.fromkeys(log.issues))  # a broken file is read for each of its sheets
    log.issues = _with_districts(log.issues, [resp, stat], tables.declared)
    if not isolate or not log.errors:
        log.raise_if_errors(DataError)
        return SurveyData(resp, stat, log.warnings, tables.files)
    return _isolated(resp, stat, tables, log)


def _jobs(
    tree: IndicatorTree,
    surveys: Sequence[Path],
    responses: Sequence[Path],
    stations: Sequence[Path],
) -> list[tuple[Path, str | None, str]]:
    """The (file, sheet, kind) to read: a survey workbook's responses and stations sheets, a
    responses or stations table (a CSV file has no sheet)."""
    jobs: list[tuple[Path, str | None, str]] = []
    # a tree without statistics (a questionnaire only) needs no stations sheet; one that is
    # there still gives the stations' English names
    stations_kind = "stations" if tree.statistic_columns() else "stations?"
    for p in surveys:
        jobs += [(p, "responses", "responses"), (p, "stations", stations_kind)]
    jobs += [
        (p, None if p.suffix.lower() == ".csv" else "responses", "responses") for p in responses
    ]
    jobs += [(p, None if p.suffix.lower() == ".csv" else "stations", "stations") for p in stations]
    return jobs


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off for a while: while millions of cell objects are built it
    would walk them again and again (none of them form cycles)."""
    gc_was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc_was_on:
            gc.enable()


def _read_tables(
    jobs: list[tuple[Path, str | None, str]],
    imports: Sequence[ImportSpec],
    tree: IndicatorTree,
    base: Path | None,
    missing_codes: Sequence[float | str],
    log: IssueLog,
) -> _Tables:
    """The sheets and tables of *jobs* (with the garbage collector paused), then the imports,
    each table's rows joined."""
    resp_frames: list[pd.DataFrame] = []
    stat_frames: list[pd.DataFrame] = []
    files: list[str] = []
    with _gc_paused():
        _read_jobs(jobs, tree, base, missing_codes, log, files, resp_frames, stat_frames)
    declared: dict[str, set[str]] = {}  # districts named for imports in the project file
    for spec in imports:
        frame = _read_import(spec, tree, base, missing_codes, log)
        if frame is not None:
            resp_frames.append(frame)
        shown = rel(spec.file, base)
        if spec.district:
            declared.setdefault(shown, set()).add(spec.district)
        if shown not in files:
            files.append(shown)
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
    return _Tables(resp, stat, files, declared)


def _stations_once(stat: pd.DataFrame, log: IssueLog) -> pd.DataFrame:
    """The stations without a station listed again (a copied workbook), which is a problem
    located at the second listing."""
    again = stat.duplicated(["district", "station"], keep="first").to_numpy()
    if not again.any():
        return stat
    first = stat.drop_duplicates(["district", "station"]).set_index(["district", "station"])
    for _, r in stat[again].iterrows():
        f = first.loc[(r["district"], r["station"])]
        log.add(
            _loc(r, "station"),
            "station listed twice",
            message_zh="派出所重复列出",
            expected="one row per (district, station) in all the stations sheets together",
            expected_zh="所有派出所统计表合在一起，每个（区县，派出所）一行",
            found=f"{r['district']} / {r['station']}, already at {f['_file']} sheet "
            f'"{f["_sheet"]}" row {int(f["_row"])}',
            found_zh=f"{r['district']} / {r['station']}，已见于 {f['_file']} 工作表"
            f"“{f['_sheet']}”第 {int(f['_row'])} 行",
            fix="Delete the repeated row, or the copy of the workbook.",
            fix_zh="删除重复的行，或删除工作簿的副本。",
            check="ids",
        )
    return stat[~again]


def _cross_check_units(resp: pd.DataFrame, stat: pd.DataFrame, log: IssueLog) -> None:
    """A station with responses and no stations row is an error, one with statistics and no
    responses a warning (only the problem rows are visited)."""
    if stat.empty or resp.empty:
        return
    unit = ["district", "station"]
    first = resp.drop_duplicates(unit)  # each station's first response row, for the message
    seen = first.merge(stat[unit].drop_duplicates(), on=unit, how="left", indicator=True)
    for _, r in first[(seen["_merge"] == "left_only").to_numpy()].iterrows():
        log.add(
            _loc(r, "station"),
            "station has responses but no row in the stations sheet",
            message_zh="该派出所有问卷，但派出所统计表中没有它的行",
            expected="a stations row for every (district, station) in responses",
            expected_zh="问卷中的每个（区县，派出所）在统计表中都有一行",
            found=f"{r['district']} / {r['station']}",
            fix="Add the station's statistics, or correct the spelling of its name.",
            fix_zh="补上该派出所的统计数据，或改正其名称的写法。",
            check="units",
            district=str(r["district"]),
        )
    listed = stat.merge(first[unit], on=unit, how="left", indicator=True)
    for _, r in stat[(listed["_merge"] == "left_only").to_numpy()].iterrows():
        log.warn(
            _loc(r, "station"),
            "station has statistics but no survey responses; its survey indicators are "
            "missing and it is left out of the station ranking",
            message_zh="该派出所有统计数据但没有问卷：其问卷类指标缺失，不参加派出所排名",
            found=f"{r['district']} / {r['station']}",
            check="units",
            district=str(r["district"]),
        )


def _isolated(resp: pd.DataFrame, stat: pd.DataFrame, tables: _Tables, log: IssueLog) -> SurveyData:
    """The data without the files that have errors and the districts they held (isolate=True);
    DataError when no file, or no response, is left, or a problem belongs to no file."""
    bad_files = {i.location.file for i in log.errors}
    if bad_files >= set(tables.files) or "" in bad_files:
        log.raise_if_errors(DataError)
    blocked: dict[str, list[str]] = {}
    for f in sorted(bad_files):
        held = (
            set(resp.loc[resp["_file"] == f, "district"])
            | set(stat.loc[stat["_file"] == f, "district"])
            | tables.declared.get(f, set())
        )
        blocked[f] = sorted(str(d) for d in held if str(d))
    dropped = {d for ds in blocked.values() for d in ds}
    named = stat[stat["district"].isin(dropped) & (stat["district_en"].astype(str) != "")]
    blocked_en = dict(
        zip(named["district"].astype(str), named["district_en"].astype(str), strict=True)
    )
    keep_r = ~resp["_file"].isin(bad_files) & ~resp["district"].isin(dropped)
    keep_s = ~stat["_file"].isin(bad_files) & ~stat["district"].isin(dropped)
    resp, stat = resp[keep_r.to_numpy()], stat[keep_s.to_numpy()]
    if resp.empty:
        log.raise_if_errors(DataError)
    return SurveyData(resp, stat, log.warnings, tables.files, log.errors, blocked, blocked_en)


def _file_key(path: Path) -> object:
    """The same file under any spelling of its path (``./``, ``..``, symbolic links)."""
    try:
        st = path.stat()
    except OSError:  # not there, or a symbolic-link loop (which Path.resolve refuses too)
        return os.path.abspath(path)
    return (st.st_dev, st.st_ino)


def _distinct_files(
    surveys: Sequence[Path],
    responses: Sequence[Path],
    stations: Sequence[Path],
    imports: Sequence[ImportSpec],
    base: Path | None,
    log: IssueLog,
) -> tuple[list[Path], list[Path], list[Path], list[ImportSpec]]:
    """Each file read once for each of its tables, whatever the spellings of its path: a file
    named twice (two globs, ``./x`` and ``x``, a symbolic link) is read once, with a warning.
    An import reads a file's answers, a survey workbook its answers and stations, ``responses``
    and ``stations`` one table each; the first of imports, surveys, responses, stations that
    claims a table keeps it."""
    claimed: dict[tuple[object, str], tuple[str, str]] = {}  # (file, table) -> (key, spelling)

    def spelling(path: Path) -> str:  # as written in the project file
        if base is not None:
            with contextlib.suppress(ValueError):
                return str(Path(path).relative_to(base))
        return str(path)

    def claim(path: Path, key: str, tables: tuple[str, ...]) -> bool:
        fk = _file_key(path)
        shown = spelling(path)
        taken = [claimed[(fk, t)] for t in tables if (fk, t) in claimed]
        if not taken:
            claimed.update({(fk, t): (key, shown) for t in tables})
            return True
        by, as_shown = taken[0]
        spelled = "" if as_shown == shown else f" (as {as_shown} and {shown})"
        if by == key:
            message = f"the file is named twice in data.{key}{spelled}; it is read once"
            message_zh = f"该文件在 data.{key} 中出现两次，只读取一次"
            fix = "Name each file once."
            fix_zh = "每个文件只列一次。"
        else:
            message = (
                f"the file is in data.{by} and in data.{key}{spelled}; it is read once, as "
                f"data.{by} reads it"
            )
            message_zh = f"该文件同时出现在 data.{by} 与 data.{key} 中，只按 data.{by} 读取一次"
            fix = f"Leave it out of data.{key} (narrow its pattern)" + (
                ", and list its stations sheet under data.stations if it has one."
                if by == "imports"
                else "."
            )
            fix_zh = f"把它从 data.{key} 中去掉（收窄匹配规则）" + (
                "；若它有派出所统计表，请在 data.stations 中列出。" if by == "imports" else "。"
            )
        log.warn(
            Location(file=rel(path, base)),
            message,
            fix=fix,
            check="files",
            message_zh=message_zh,
            fix_zh=fix_zh,
        )
        return False

    kept_imports = [i for i in imports if claim(i.file, "imports", ("responses",))]
    kept_surveys = [p for p in surveys if claim(p, "surveys", ("responses", "stations"))]
    kept_responses = [p for p in responses if claim(p, "responses", ("responses",))]
    kept_stations = [p for p in stations if claim(p, "stations", ("stations",))]
    return kept_surveys, kept_responses, kept_stations, kept_imports


def _read_jobs(
    jobs: list[tuple[Path, str | None, str]],
    tree: IndicatorTree,
    base: Path | None,
    missing_codes: Sequence[float | str],
    log: IssueLog,
    files: list[str],
    resp_frames: list[pd.DataFrame],
    stat_frames: list[pd.DataFrame],
) -> None:
    """Read every (file, sheet, kind) job into the response and station frame lists; kind
    "stations?" is a stations sheet that may be absent."""
    for path, sheet, kind in jobs:
        shown = rel(path, base)
        if shown not in files:
            files.append(shown)
        try:
            if kind == "stations?":
                if sheet not in sheet_names(path, display=shown):
                    continue
                kind = "stations"
            grid = read_grid(path, sheet, display=shown)
        except DataError as exc:
            log.issues.extend(exc.issues)
            continue
        if grid.data.empty:
            log.add(
                grid.loc(),
                f"the {kind} sheet has no data rows",
                message_zh=f"{'问卷' if kind == 'responses' else '派出所统计'}表没有数据行",
                check="empty",
            )
            continue
        frame = (
            _read_responses(grid, tree, log, tuple(missing_codes))
            if kind == "responses"
            else _read_stations(grid, tree, log)
        )
        if frame is not None:
            (resp_frames if kind == "responses" else stat_frames).append(frame)


def _read_import(
    spec: ImportSpec,
    tree: IndicatorTree,
    base: Path | None,
    missing_codes: Sequence[float | str],
    log: IssueLog,
) -> pd.DataFrame | None:
    """A platform or hand-entered export read through its map (see evalkit.ingest.platforms)."""
    try:
        imported = import_responses(
            spec.file,
            tree,
            map_path=spec.map,
            sheet=spec.sheet,
            missing_codes=tuple(missing_codes),
            district=spec.district,
            station=spec.station,
            labels_from=spec.labels_from,
        )
    except DataError as exc:
        imported, found = None, exc.issues
    else:
        found = imported.detection.issues  # warnings only: errors were raised
    shown = rel(spec.file, base)
    for decision in imported.detection.decisions if imported else ():
        log.warn(
            Location(file=shown),
            f"import: {decision}",
            message_zh=f"导入：{zh_of(decision)}",
            check="import",
        )
    for issue in found:
        loc = issue.location
        if loc.file in ("", str(spec.file)):  # a 按文本 twin or a map keeps its own name
            loc = dataclasses.replace(loc, file=shown)
        log.issues.append(dataclasses.replace(issue, location=loc))
    if imported is None:
        return None
    frame = imported.responses.copy()
    frame["missing_reasons"] = reasons_text(imported.reasons)
    for c in ID_COLUMNS:
        frame[c] = frame[c].astype(str).str.strip()
    frame["_file"] = shown
    sheets = imported.sheet_of_row
    frame["_sheet"] = sheets if sheets is not None else (imported.detection.sheet or "")
    frame["_row"] = frame.index.to_numpy()
    return frame.reset_index(drop=True)


def _with_districts(
    issues: list[Issue], frames: list[pd.DataFrame], declared: dict[str, set[str]]
) -> list[Issue]:
    """The issues with the district each concerns: the district of its row (responses or
    stations), else the district of its file when the file holds one district only. A problem of
    a file holding several districts and of no one row of it stays without a district."""
    todo = [k for k, i in enumerate(issues) if not i.district and i.location.file]
    if not todo:
        return issues
    key = ["_file", "_sheet", "_row"]
    rows = pd.concat(
        [pd.DataFrame(columns=[*key, "district"])]
        + [f.reindex(columns=[*key, "district"]) for f in frames if len(f)],
        ignore_index=True,
    )
    rows = rows[rows["district"].astype(str).str.strip() != ""].dropna(subset=["district"])
    rows = rows.assign(
        _file=rows["_file"].astype(str),
        _sheet=rows["_sheet"].astype(str),
        _row=pd.to_numeric(rows["_row"], errors="coerce").fillna(-1).astype("int64"),
        district=rows["district"].astype(str),
    )
    locs = [issues[k].location for k in todo]
    wanted = pd.DataFrame(
        {
            "_file": [loc.file for loc in locs],
            "_sheet": [loc.sheet for loc in locs],
            "_row": np.array([loc.row if loc.row is not None else -1 for loc in locs], "int64"),
        }
    )
    by_row = wanted.merge(rows.drop_duplicates(key), on=key, how="left")["district"]
    held: dict[str, set[str]] = {
        str(f): set(ds) for f, ds in rows.groupby("_file")["district"].unique().items()
    }
    for f, ds in declared.items():
        held.setdefault(f, set()).update(ds)
    out = list(issues)
    for k, loc, d in zip(todo, locs, by_row.tolist(), strict=True):
        if not isinstance(d, str):
            only = held.get(loc.file, set())
            d = next(iter(only)) if len(only) == 1 else ""
        if d:
            out[k] = dataclasses.replace(issues[k], district=d)
    return out


def _loc(r: pd.Series, column: str = "respondent") -> Location:
    return Location(file=str(r["_file"]), sheet=str(r["_sheet"]), row=int(r["_row"]), column=column)

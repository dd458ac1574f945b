"""The project file's survey periods: ``periods``, ``base_period`` and ``period_change``.

A project of one period has a top-level ``data:``; a project of several has ``periods:``, each
``{id, label, tree, data}`` with its own ``data:`` section (read by the same reader as the
top-level one, passed in as *read_data*), and ``base_period:``, the period whose weights and
goalposts score every period. ``period_change:`` sets the bootstrap of the changes.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Issue, Location
from ..yamlio import YamlProblems, line_of, unknown_keys
from .model import LANGS, PERIOD_CHANGE_KEYS, PERIOD_KEYS, PeriodChangeSpec, PeriodSpec
from .values import _a_path, _file_at, _mapping, _same, _text, _unquote_hint, _unquote_hint_zh

#: The reader of a ``data:`` section: (the mapping holding it, project folder, notes, err) -> the
#: files and settings read (load._DataFiles).
DataReader = Callable[[dict, Path, list[Issue], YamlProblems], Any]


@dataclass(frozen=True)
class _Periods:
    """``periods``, ``base_period`` and ``period_change`` read; chosen: the base period, whose
    tree and data the RunSpec's own fields hold."""

    periods: tuple[PeriodSpec, ...] = ()
    base: str = ""
    change: PeriodChangeSpec = field(default_factory=PeriodChangeSpec)
    chosen: PeriodSpec | None = None
    # periods given, but no base period read (a problem filed): which experts there are is unknown
    experts_unknown: bool = False


def _periods(
    raw: dict, root: Path, notes: list[Issue], err: YamlProblems, read_data: DataReader
) -> _Periods:
    """``periods`` (a list of ``{id, label, tree, data}``), ``base_period`` (one of their ids)
    and ``period_change`` (``{draws, seed}``). Without ``periods`` the project has one period,
    the top-level ``data``; with it, ``data`` belongs under each period. An experts file any
    period names is no survey workbook of any period; a period other than the base that names
    experts gets a warning (the base period's weights score every period)."""
    change = _period_change(raw, err)
    given = raw.get("periods")
    if given is None:
        if raw.get("base_period") is not None:
            err(
                raw,
                "base_period",
                "`base_period` needs `periods`",
                "periods: [...], the base period among them",
                raw["base_period"],
                zh="`base_period` 须与 `periods` 一同给出",
                expected_zh="periods: [...]，其中含基准期",
            )
        return _Periods(change=change)
    if not isinstance(given, list) or not given:
        err(
            raw,
            "periods",
            "`periods` must be a list of periods, each with an id and its data",
            "- {id: 2025, label: {zh: 2025年, en: '2025'}, data: {surveys: [surveys/2025/*.xlsx]}}",
            given,
            zh="`periods` 须为时期列表，每期有 id 及其数据",
        )
        return _Periods(change=change, experts_unknown=True)
    if "data" in raw:
        err(
            raw,
            "data",
            "`data` and `periods` are both given: with periods, each period has its own `data`",
            zh="同时给出了 `data` 与 `periods`：分时期时，每期有自己的 `data`",
            fix="Move the data: section under the period it belongs to.",
            fix_zh="把 data: 一节移到它所属的时期之下。",
        )
    entries = _period_entries(given, root, notes, err, read_data)
    experts = [p.experts for p, _ in entries if p.experts is not None]
    periods = tuple(
        dataclasses.replace(
            p, surveys=tuple(s for s in p.surveys if not any(_same(s, e) for e in experts))
        )
        for p, _ in entries
    )
    base = _base_period(raw, periods, err, complete=len(entries) == len(given))
    for p, entry in entries:
        if p.experts is not None and base and p.id != base:
            notes.append(_unused_experts(p.id, base, entry["data"], err.file))
    chosen = next((p for p in periods if p.id == base), None)
    return _Periods(periods, base, change, chosen, experts_unknown=chosen is None)


def _period_entries(
    given: list, root: Path, notes: list[Issue], err: YamlProblems, read_data: DataReader
) -> list[tuple[PeriodSpec, dict]]:
    """Each entry of ``periods`` read (with its mapping), in order; entries that are no mapping,
    have no id or repeat an earlier id are problems and left out."""
    out: list[tuple[PeriodSpec, dict]] = []
    lines = getattr(given, "item_lines", [])
    for k, entry in enumerate(given):
        if not isinstance(entry, dict):
            err.issues.append(
                Issue(
                    Location(file=err.file, line=lines[k] if k < len(lines) else line_of(given)),
                    "each period must be a mapping with an id and its data",
                    message_zh="每个时期须为映射，含 id 及其数据",
                    expected="{id: 2025, data: {surveys: [...]}}",
                    expected_zh="{id: 2025, data: {surveys: [...]}}",
                    found=str(entry),
                )
            )
            continue
        period = _period(entry, root, notes, err, read_data)
        if period is None:
            continue
        if any(p.id == period.id for p, _ in out):
            err(
                entry,
                "id",
                f"the period id {period.id} is given twice",
                "a different id for every period",
                period.id,
                zh=f"时期 id {period.id} 出现了两次",
                expected_zh="每个时期的 id 各不相同",
            )
            continue
        out.append((period, entry))
    return out


def _period(
    entry: dict, root: Path, notes: list[Issue], err: YamlProblems, read_data: DataReader
) -> PeriodSpec | None:
    """One entry of ``periods``: id (a text, or a number such as 2025), label, tree, data."""
    err.issues.extend(
        unknown_keys(entry, PERIOD_KEYS, file=err.file, where="a period", where_zh="时期")
    )
    pid = _text(entry, "id", "a text or a number such as 2025", "文字或数字（如 2025）", err)
    if pid is None or not pid.strip():
        if "id" not in entry or entry.get("id") in (None, ""):
            err(entry, None, "a period needs an `id`", "id: 2025", zh="时期须有 `id`")
        return None
    label = _period_label(entry, err)
    given_tree = _a_path(entry, "tree", err)
    tree = (
        _file_at(entry, "tree", given_tree, "tree file", "指标体系文件", root, err)
        if given_tree
        else None
    )
    if entry.get("data") is None:
        err(
            entry,
            "data" if "data" in entry else None,
            f"the period {pid} has no `data`",
            "data: {surveys: [...], experts: ...}",
            zh=f"时期 {pid} 没有 `data`",
        )
        return PeriodSpec(pid, label, tree)
    d = read_data(entry, root, notes, err)
    return PeriodSpec(
        pid, label, tree, d.surveys, d.responses, d.stations, d.missing_codes, d.imports, d.experts
    )


def _period_label(entry: dict, err: YamlProblems) -> dict[str, str]:
    """A period's ``label``: one text for both languages, or ``{zh: ..., en: ...}``; {} when
    absent (the id stands for it)."""
    value = entry.get("label")
    if value is None:
        return {}
    if isinstance(value, dict):
        err.issues.extend(unknown_keys(value, LANGS, file=err.file, where="label"))
        out: dict[str, str] = {}
        for lang in LANGS:
            t = _text(value, lang, "a text", "文字", err)
            if t is not None:
                out[lang] = t
        return out
    t = _text(entry, "label", "a text or {zh: ..., en: ...}", "文字或 {zh: ..., en: ...}", err)
    return {"zh": t, "en": t} if t is not None else {}


def _base_period(
    raw: dict, periods: tuple[PeriodSpec, ...], err: YamlProblems, *, complete: bool
) -> str:
    """``base_period``: the id of the period whose weights score every period (required with
    ``periods``); "" when absent or naming no period (a problem either way, unless a period
    could not be read (*complete* False): its own problem says enough)."""
    ids = [p.id for p in periods]
    value = _text(
        raw, "base_period", "a period id (a text or a number such as 2025)", "时期 id", err
    )
    if value is None:
        if "base_period" not in raw or raw.get("base_period") is None:
            err(
                raw,
                "periods",
                "missing `base_period`: the period whose weights and goalposts score every period",
                f"base_period: {ids[0] if ids else '2025'}",
                zh="缺少 `base_period`：以其权重与阈值为各期评分的时期",
                fix="Name the period the weights are taken from, usually the first.",
                fix_zh="写明取其权重的时期，通常为第一期。",
            )
        return ""
    if value not in ids:
        if complete:
            near = difflib.get_close_matches(value, ids, n=1, cutoff=0.5)
            err(
                raw,
                "base_period",
                "`base_period` names no period",
                " | ".join(ids),
                raw.get("base_period"),
                zh="`base_period` 不是任何时期的 id",
                fix=f"Did you mean `{near[0]}`?" if near else "",
                fix_zh=f"是否应为 `{near[0]}`？" if near else "",
            )
        return ""
    return value


def _unused_experts(pid: str, base: str, data: dict, file: str) -> Issue:
    """The warning for a period other than the base that names experts."""
    return Issue(
        Location(file=file, line=line_of(data, "experts")),
        f"the experts of period {pid} are not used: every period is scored with the weights of "
        f"the base period {base}",
        message_zh=f"时期 {pid} 的专家判断不会被使用：各期均以基准期 {base} 的权重评分",
        fix=f"Remove experts from period {pid}, or make {pid} the base period.",
        fix_zh=f"删去时期 {pid} 的 experts，或将 {pid} 设为基准期。",
        severity="warning",
        check="periods",
    )


def _period_change(raw: dict, err: YamlProblems) -> PeriodChangeSpec:
    """``period_change``: draws (a whole number of at least 0; 0: no intervals) and seed."""
    c = _mapping(raw, "period_change", "{draws: 1000, seed: 20261201}", err)
    err.issues.extend(unknown_keys(c, PERIOD_CHANGE_KEYS, file=err.file, where="period_change"))
    base = PeriodChangeSpec()
    values: dict[str, int] = {}
    for key in PERIOD_CHANGE_KEYS:
        v = c.get(key, getattr(base, key))
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            err(
                c,
                key,
                f"period_change.{key} must be a whole number of at least 0",
                found=v,
                zh=f"`period_change.{key}` 须为非负整数",
                fix=_unquote_hint(v),
                fix_zh=_unquote_hint_zh(v),
            )
            v = getattr(base, key)
        values[key] = v
    return PeriodChangeSpec(**values)

"""Answers to scale values, each distinct cell value converted once.

A cell is a scale value (a number, a number typed as text or in full width, "4分"), a label of the
scale in either language or of the map's ``labels:`` (an option letter "A. " in front removed),
a missing-answer marker (问卷星's "(跳过)" and "(空)", -2 / -3, the map's or ``--missing`` codes,
an empty cell), or off the scale: a problem naming the cell."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ...errors import Issue, show
from ...tree import IndicatorTree
from ..decision import Decision
from ..tables import column_letter
from ..text import fold, raw_text, scale_number
from .layout import Cells, Layout
from .mapfile import ImportMap

SKIP_MARKERS = ("(跳过)",)
EMPTY_MARKERS = ("(空)",)
SKIP_CODES = (-3.0, -2.0)
LETTER_PREFIX = re.compile(r"^[A-Za-z]\s*[.．、]\s*(.+)$", re.S)
POINTS = re.compile(r"^([+-]?\d+(?:\.\d+)?)\s*分$")
SHOWN_OFF_SCALE = 200  # answers off the scale listed one by one; the rest are counted
_USUAL_CODES = ("7", "8", "9", "97", "98", "99", "999", "-1", "-9", "-99")


def codes_of(imap: ImportMap | None, given: Sequence[float | str]) -> list[float | str]:
    """The map's missing codes and the given ones: numbers (also "9" typed as text) as floats,
    other texts NFKC-folded."""
    codes: list[float | str] = []
    for c in [*(imap.missing if imap else ()), *given]:
        if isinstance(c, str):
            try:
                c = float(unicodedata.normalize("NFKC", c))
            except ValueError:
                c = unicodedata.normalize("NFKC", c).strip()
        codes.append(float(c) if isinstance(c, (int, float)) else c)
    return codes


@dataclass
class Converter:
    """One scale's conversion; counts what it met, for the decisions."""

    values: frozenset[float]
    labels: dict[str, float]
    num_codes: frozenset[float]
    text_codes: frozenset[str]
    label_hits: dict[str, float] = field(default_factory=dict)
    letters: int = 0
    texted_numbers: int = 0

    def convert(self, v: object) -> tuple[float, str, str]:
        """(value, reason, marker): reason "" answered, "skipped" / "empty" / "code" missing,
        "bad" off the scale; marker: the missing marker as found ("" if none)."""
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return math.nan, "empty", "(empty cell)"
        if isinstance(v, bool):
            return math.nan, "bad", ""
        if isinstance(v, (int, float)):
            return self._number(float(v), raw_text(v))
        if not isinstance(v, str):
            return math.nan, "bad", ""
        raw = v.strip()
        if not raw:
            return math.nan, "empty", "(empty cell)"
        t = unicodedata.normalize("NFKC", raw).strip()
        if t in SKIP_MARKERS:
            return math.nan, "skipped", raw
        if t in EMPTY_MARKERS:
            return math.nan, "empty", raw
        if t in self.text_codes:
            return math.nan, "code", raw
        try:
            x = float(t)
        except ValueError:
            x = math.nan
        if not math.isnan(x):
            self.texted_numbers += 1
            return self._number(x, raw)
        m = LETTER_PREFIX.match(t)
        if m:
            self.letters += 1
            t = m.group(1).strip()
        m = POINTS.match(t)
        if m:
            return self._number(float(m.group(1)), raw)
        hit = self.labels.get(fold(t) or t)
        if hit is None:
            return math.nan, "bad", ""
        self.label_hits[t] = hit
        return hit, "", ""

    def _number(self, x: float, raw: str) -> tuple[float, str, str]:
        if x in self.values:
            return x, "", ""
        shown = scale_number(str(x)) if math.isfinite(x) else raw
        if x in self.num_codes:
            return math.nan, "code", shown
        if x in SKIP_CODES:
            return math.nan, "skipped", shown
        return math.nan, "bad", ""


def label_table(tree: IndicatorTree, scale_id: str, extra: dict[str, float]) -> dict[str, float]:
    """Folded label -> value: the scale's labels in every language, then the map's."""
    out: dict[str, float] = {}
    for labels in tree.scales[scale_id].labels.values():
        for lab, val in zip(labels, tree.scales[scale_id].values, strict=True):
            out[fold(lab) or lab] = val
    out.update(extra)
    return out


def convert_columns(
    cells: Cells, cols: list[int], conv: Converter
) -> tuple[dict[str, int], np.ndarray, np.ndarray]:
    """Convert the item columns of the data rows, each distinct value once; returns the markers
    found (with how many cells hold each), values and reasons."""
    sub = cells.codes[:, cols]
    present = np.unique(sub)
    value = np.full(len(cells.uniques), np.nan)
    reason = np.full(len(cells.uniques), "", dtype=object)
    marker = np.full(len(cells.uniques), "", dtype=object)
    for k in present:
        value[k], reason[k], marker[k] = conv.convert(cells.uniques[k])
    counts = np.bincount(sub.ravel(), minlength=len(cells.uniques))
    markers: dict[str, int] = {}
    for k in present[marker[present] != ""]:
        markers[marker[k]] = markers.get(marker[k], 0) + int(counts[k])
    return markers, value[sub], reason[sub]


@dataclass(frozen=True)
class Converted:
    """The item columns converted: ``values`` (rows x items, NaN missing), ``reasons`` ("" or
    why missing; "bad" off the scale) and the missing ``markers`` met, with their counts."""

    values: np.ndarray
    reasons: np.ndarray
    markers: dict[str, int]


def convert_items(
    lay: Layout,
    tree: IndicatorTree,
    mapped: dict[str, int],
    imap: ImportMap | None,
    codes: list[float | str],
) -> Converted:
    """Every mapped item's column converted on its scale (items of one scale together)."""
    item_ids = [item.id for _, item in tree.items()]
    scale_of = {item.id: leaf.source.scale for leaf, item in tree.items() if leaf.source}
    cells = lay.body()
    n = cells.codes.shape[0]
    values = np.full((n, len(item_ids)), np.nan)
    reasons = np.full((n, len(item_ids)), "", dtype=object)
    markers: dict[str, int] = {}
    by_scale: dict[str, list[str]] = {}
    for iid in item_ids:
        if iid in mapped:
            by_scale.setdefault(scale_of[iid], []).append(iid)
    num_codes = frozenset(c for c in codes if isinstance(c, float))
    text_codes = frozenset(c for c in codes if isinstance(c, str))
    notes: list[str] = []
    for sid, iids in by_scale.items():
        sc = tree.scales[sid]
        conv = Converter(
            frozenset(sc.values),
            label_table(tree, sid, imap.labels if imap else {}),
            num_codes - frozenset(sc.values),
            text_codes,
        )
        mk, vals, why = convert_columns(cells, [mapped[i] for i in iids], conv)
        for m, k in mk.items():
            markers[m] = markers.get(m, 0) + k
        pos = [item_ids.index(i) for i in iids]
        values[:, pos] = vals
        reasons[:, pos] = why
        notes += _label_notes(conv, sid, bool(imap and imap.labels))
    lay.decisions.extend(notes)
    return Converted(values, reasons, markers)


def _label_notes(conv: Converter, sid: str, map_labels: bool) -> list[str]:
    notes: list[str] = []
    if conv.label_hits:
        pairs = ", ".join(
            f"{lab}→{scale_number(str(v))}"
            for lab, v in sorted(conv.label_hits.items(), key=lambda kv: kv[1])
        )
        src, src_zh = (
            ("the map's labels and ", "映射文件的 `labels:` 和") if map_labels else ("", "")
        )
        notes.append(
            Decision(
                f"answer labels read through {src}scale `{sid}`: {pairs}",
                f"答案文字按{src_zh}量表 `{sid}` 读作数值：{pairs}",
            )
        )
    if conv.letters:
        notes.append(
            Decision(
                "letter prefixes of answers (A. ...) removed before the label lookup",
                "查找答案文字前去掉了选项字母（A. ……）",
            )
        )
    if conv.texted_numbers:
        notes.append(
            Decision(
                "numbers stored as text or typed in full width (４) read as numbers",
                "以文本存储或全角输入（４）的数字按数字读取",
            )
        )
    return notes


def off_scale_issues(
    lay: Layout,
    tree: IndicatorTree,
    mapped: dict[str, int],
    converted: Converted,
    rows_excel: np.ndarray,
) -> np.ndarray:
    """A problem for each answer off the scale (the first :data:`SHOWN_OFF_SCALE`), a warning when
    they look like missing-value codes (9, 99, -1, ...); returns the reasons without "bad"."""
    item_ids = [item.id for _, item in tree.items()]
    scale_of = {item.id: leaf.source.scale for leaf, item in tree.items() if leaf.source}
    reasons = converted.reasons
    bad = np.argwhere(reasons == "bad")
    for r, c in bad[:SHOWN_OFF_SCALE]:
        iid = item_ids[c]
        j = mapped[iid]
        sc = tree.scales[scale_of[iid]]
        shown = [scale_number(str(v)) for v in sc.values]
        raw = lay.arr[lay.h + 1 + r, j]
        lay.issues.append(
            Issue(
                lay.loc(int(rows_excel[r]), f"{lay.columns[j]} ({column_letter(j)})"),
                f"answer off the scale `{sc.id}` (item {iid})",
                expected=f"one of {shown}, a label of the scale, or a missing marker",
                found=show(raw),
                fix="Correct the cell, add the label to `labels:` or the code to `missing:` in "
                "the map (or --missing).",
                check="scale",
                message_zh=f"答案不在量表 `{sc.id}` 的取值范围内（题目 {iid}）",
                expected_zh=f"{shown} 之一、该量表的答案文字，或表示缺失的标记",
                found_zh=show(raw, "zh"),
                fix_zh="改正该单元格，或在映射文件的 `labels:` 中加上该答案文字、在 `missing:` "
                "中加上该代码（或用 `--missing`）。",
            )
        )
    if len(bad):
        _codes_warning(lay, item_ids, mapped, bad)
    if len(bad) > SHOWN_OFF_SCALE:
        more = len(bad) - SHOWN_OFF_SCALE
        lay.issues.append(
            Issue(
                lay.loc(),
                f"... and {more} more answers off the scale",
                check="scale",
                message_zh=f"……另有 {more} 个答案不在量表范围内",
            )
        )
    out = reasons.copy()
    out[out == "bad"] = ""
    return out


def _codes_warning(
    lay: Layout, item_ids: list[str], mapped: dict[str, int], bad: np.ndarray
) -> None:
    cells = lay.body()
    col_of = np.full(len(item_ids), -1)
    col_of[[item_ids.index(i) for i in mapped]] = [mapped[i] for i in mapped]
    found = pd.Series(cells.texts[cells.codes[bad[:, 0], col_of[bad[:, 1]]]].astype(str))
    off = found.value_counts(sort=False).to_dict()  # in the order they were met
    usual = [k for k in off if k in _USUAL_CODES]
    if not usual:
        return
    listed = ", ".join(f"{k} (×{off[k]})" for k in usual)
    lay.issues.append(
        Issue(
            lay.loc(),
            f"answers off the scale look like missing-value codes: {listed}",
            expected="scale values or missing markers",
            found=listed,
            fix=f"If they mean no answer, add `missing: [{', '.join(usual)}]` to the map "
            f"or pass --missing {','.join(usual)}.",
            severity="warning",
            check="scale",
            message_zh=f"量表范围外的答案像是缺失值代码：{listed}",
            expected_zh="量表取值或缺失标记",
            fix_zh=f"如果它们表示未作答，请在映射文件中加上 `missing: [{', '.join(usual)}]`，"
            f"或使用 `--missing {','.join(usual)}`。",
        )
    )


__all__ = [
    "EMPTY_MARKERS",
    "LETTER_PREFIX",
    "POINTS",
    "SKIP_CODES",
    "SKIP_MARKERS",
    "Converted",
    "Converter",
    "codes_of",
    "convert_columns",
    "convert_items",
    "label_table",
    "off_scale_issues",
]

"""Rows below the header that are not answers: empty rows, summary rows a person added under the
answers (平均值, 合计, 样本数, ...) and note rows (注：..., 备注：...). Every test runs once per
distinct cell text (:class:`~.layout.Cells`), not per row."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..decision import Decision
from ..text import raw_text
from .layout import Layout

SUMMARY_WORDS = (
    "平均值",
    "平均分",
    "平均",
    "均值",
    "合计",
    "总计",
    "小计",
    "有效样本",
    "样本数",
    "样本量",
    "标准差",
    "最大值",
    "最小值",
)
NOTE_RE = re.compile(r"^(注|备注|说明|附注)\s*[:：]")


@dataclass(frozen=True)
class RowFilter:
    """Per body row: ``nonempty`` (holds something) and ``drop`` (a summary or note row);
    ``dropped``: (Excel row, why) of each dropped row, why a :class:`Decision` text."""

    nonempty: np.ndarray
    drop: np.ndarray
    dropped: list[tuple[int, str]]

    @property
    def keep(self) -> np.ndarray:
        return self.nonempty & ~self.drop


def filter_rows(lay: Layout, other_cols: list[int], item_cols: list[int]) -> RowFilter:
    """Which body rows hold answers. A summary word in a column that is not an item (a label
    column) makes a summary row; outside 问卷星 / 腾讯 exports, so does a summary word as the first
    text of the row. A note marker starts a note row when the row has few cells or no answers."""
    cells = lay.body()
    filled = cells.filled()
    n = filled.shape[0]
    nonempty = filled.any(axis=1)
    if n == 0:
        return RowFilter(nonempty, np.zeros(0, bool), [])
    texts = pd.Series(cells.texts, dtype=object)
    keys = texts.str.replace(r"\s+", "", regex=True).str.rstrip(":：")
    key = keys.to_numpy(dtype=object)
    starts = keys.str.startswith(SUMMARY_WORDS).to_numpy(dtype=bool) & (keys != "").to_numpy()
    exact = keys.isin(SUMMARY_WORDS).to_numpy(dtype=bool)
    note = texts.str.match(NOTE_RE).to_numpy(dtype=bool)
    rows = np.arange(n)
    # a summary word in a column that is not an item (a label column) ...
    label_code = np.full(n, -1)
    if other_cols:
        hit = starts[cells.codes[:, other_cols]]
        found = hit.any(axis=1)
        first = np.asarray(other_cols)[hit.argmax(axis=1)]
        label_code[found] = cells.codes[rows[found], first[found]]
    # ... or, outside 问卷星 / 腾讯 exports, as the first text of the row
    lead = cells.codes[rows, filled.argmax(axis=1)]
    lead_text = np.where(nonempty, lead, -1)
    by_lead = np.zeros(n, bool)
    if lay.platform not in ("wjx", "tencent"):
        by_lead = (label_code < 0) & nonempty & exact[lead]
    summary = nonempty & ((label_code >= 0) | by_lead)
    few = filled.sum(axis=1) <= 2
    no_items = ~filled[:, item_cols].any(axis=1) if item_cols else np.ones(n, bool)
    is_note = nonempty & ~summary & note[lead] & (few | no_items)
    dropped: list[tuple[int, str]] = []
    for i in np.flatnonzero(summary | is_note):  # the dropped rows only: a handful
        if summary[i]:
            label = key[label_code[i]] if label_code[i] >= 0 else cells.texts[lead_text[i]]
            why = Decision(f"summary row ({label})", f"汇总行（{label}）")
        else:
            raw_note = next(t for t in (raw_text(v) for v in lay.arr[lay.h + 1 + i]) if t)
            why = Decision(f"note row ({raw_note[:30]})", f"备注行（{raw_note[:30]}）")
        dropped.append((lay.h + 2 + int(i), why))
    return RowFilter(nonempty, summary | is_note, dropped)


__all__ = ["NOTE_RE", "SUMMARY_WORDS", "RowFilter", "filter_rows"]

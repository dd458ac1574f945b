"""The MAP.yaml evalkit proposes for an export: the columns it found for the respondent, district,
station and every item (a header given twice is named by its question number or column letter),
with what the map it was given adds; when no item text is found but the sheet has exactly one
Q-code column per item, the Q-codes in order, marked for confirmation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ...tree import IndicatorTree
from ..tables import column_letter
from .detect import platform_name
from .headers import QCODE_STRICT
from .layout import Layout
from .mapfile import ImportMap
from .match import Matching


def propose(
    lay: Layout,
    path: Path,
    tree: IndicatorTree,
    imap: ImportMap | None,
    matching: Matching,
    codes: list[float | str],
) -> dict[str, Any]:
    """The proposed map (``_comments`` are written at its top by :func:`.mapfile.write_map`)."""
    mapped = matching.mapped
    item_ids = [item.id for _, item in tree.items()]
    comments = [
        f"evalkit import map proposed for {path.name} ({platform_name(lay)}); check every line,",
        "then pass it with --map. items: tree item id -> column header text, matrix row text,",
        "question number (quote it: '5.3') or column letter.",
    ]
    proposed: dict[str, Any] = {
        role: lay.columns[j] for role, j in matching.roles.items() if j is not None
    }
    role_cols = {j for j in matching.roles.values() if j is not None}
    item_cols = [j for j in lay.usable() if j not in role_cols]
    qcodes = [j for j in item_cols if QCODE_STRICT.match(lay.raw_headers[j])]
    positional = not mapped and (imap is None or not imap.items) and len(qcodes) == len(item_ids)
    if positional:
        comments.append(
            "ITEMS PROPOSED BY POSITION (Q-code columns in order): not used until you confirm."
        )
    dup_raw = {t for t in lay.raw_headers if t and lay.raw_headers.count(t) > 1}
    items_out: dict[str, str] = {}
    for k, iid in enumerate(item_ids):
        j = mapped.get(iid)
        if j is None and positional:
            j = qcodes[k]
        if j is None:
            items_out[iid] = ""
        elif lay.raw_headers[j] in dup_raw:
            items_out[iid] = lay.numbers[j] or column_letter(j)
        else:
            items_out[iid] = lay.columns[j]
    proposed["items"] = items_out
    if imap is not None and imap.labels:
        proposed["labels"] = dict(imap.labels)
    codes_used = [*(imap.missing if imap else ()), *codes]
    if codes_used:
        proposed["missing"] = [
            int(c) if isinstance(c, float) and c.is_integer() else c for c in codes_used
        ]
    if imap is not None and imap.respondent_prefix:
        proposed["respondent_prefix"] = imap.respondent_prefix
    proposed["_comments"] = comments
    if positional:
        lay.decide(
            f"no item text found in the headers; the proposed map assigns the {len(qcodes)} "
            "Q-code columns to the tree's items in order - confirm it before use",
            f"表头中找不到题目文字；建议的映射文件把 {len(qcodes)} 个题号列按顺序对应到指标体系的"
            "题目，使用前请确认",
        )
    return proposed


__all__ = ["propose"]

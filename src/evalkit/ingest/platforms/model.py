"""What an import gives back: the detection of an export and the responses table read from it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ...errors import Issue


@dataclass(frozen=True)
class Detection:
    """What was recognised in an export, and every decision taken automatically.

    ``decisions`` are :class:`~evalkit.ingest.decision.Decision` texts (English, with their
    Chinese in ``.zh``)."""

    platform: str  # "wjx" | "tencent" | "hand" | "generic"
    variant: str
    encoding: str  # CSV encoding used; "" for workbooks
    sheet: str
    header_row: int  # 1-based Excel row
    columns: list[str]
    questions: list[dict[str, Any]]
    mapping: dict[str, str]  # item id -> column header
    unmatched_items: list[str]
    markers: dict[str, int]
    decisions: list[str]
    issues: list[Issue]


@dataclass(frozen=True)
class Imported:
    """An export converted to evalkit's responses table."""

    responses: pd.DataFrame
    reasons: pd.DataFrame
    detection: Detection
    dropped_rows: list[tuple[int, str]]
    proposed_map: dict[str, Any]
    sheet_of_row: np.ndarray | None = None  # sheet of every response row (all-sheets imports)


PLATFORM_NAMES = {
    "wjx": "问卷星",
    "tencent": "腾讯问卷",
    "hand": "hand-entered",
    "generic": "generic",
}
PLATFORM_NAMES_ZH = {
    "wjx": "问卷星",
    "tencent": "腾讯问卷",
    "hand": "手工录入表",
    "generic": "通用表格",
}
#: the variants in Chinese (问卷星's 按序号 / 按文本 are Chinese already)
VARIANT_ZH = {
    "codes": "题号表头",
    "texts": "文字表头",
    "wide": "宽表",
    "new": "新版列序",
    "old": "旧版列序",
}


def platform_words(platform: str, variant: str, lang: str = "en") -> str:
    """A platform and its variant in words, e.g. "问卷星 按序号", "generic wide" / "通用表格 宽表"."""
    if lang == "zh":
        return f"{PLATFORM_NAMES_ZH.get(platform, platform)} {VARIANT_ZH.get(variant, variant)}".strip()
    return f"{PLATFORM_NAMES.get(platform, platform)} {variant}".strip()


def platform_label(det: Detection, lang: str = "en") -> str:
    """The detected platform and variant in words, e.g. "问卷星 按序号"."""
    return platform_words(det.platform, det.variant, lang)


__all__ = ["PLATFORM_NAMES", "Detection", "Imported", "platform_label", "platform_words"]

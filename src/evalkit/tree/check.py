"""The tree file's checks: problems filed with their YAML line and tree path, in both languages."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from ..yamlio import YamlProblems, unknown_keys


class _Checker:
    """The tree's problems, filed through :class:`~evalkit.yamlio.YamlProblems` with the tree
    path of each (``err(obj, key, path, message, expected, found, fix, zh=..., ...)``)."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems = YamlProblems(file, check="tree")
        self.issues = self.problems.issues

    def err(
        self, obj: Any, key: str | None, path: str, message: str, *args: Any, **kw: Any
    ) -> None:
        self.problems(obj, key, message, *args, path=path, **kw)

    def keys(
        self, obj: Any, allowed: tuple[str, ...], path: str, where: str, where_zh: str
    ) -> None:
        """Unknown keys of *obj* (with the nearest known one), each at its line."""
        self.issues += [
            dataclasses.replace(i, check="tree")
            for i in unknown_keys(
                obj, allowed, file=self.file, where=where, where_zh=where_zh, path=path
            )
        ]

    def text(self, obj: Any, key: str, path: str, what: str, what_zh: str) -> str | None:
        """``obj[key]`` as a text (a number is taken as its text); None when absent. A list, a
        mapping or true/false is a problem: YAML reads an unquoted yes/no/on/off as true/false."""
        value = obj.get(key) if isinstance(obj, dict) else None
        if value is None:
            return None
        if isinstance(value, str):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        boolean = isinstance(value, bool)
        self.err(
            obj,
            key,
            path,
            f"`{key}` must be {what}",
            found=value,
            fix="YAML reads yes/no/true/false/on/off as true or false: put the text in quotes."
            if boolean
            else "Write one text.",
            zh=f"`{key}` 须为{what_zh}",
            fix_zh="YAML 会把 yes/no/true/false/on/off 读作真假值：请给文字加引号。"
            if boolean
            else "请只写一段文字。",
        )
        return None

    def confirm(self, obj: Any, path: str) -> None:
        """`confirm:` is true or false."""
        if isinstance(obj, dict) and "confirm" in obj and not isinstance(obj["confirm"], bool):
            self.err(
                obj,
                "confirm",
                path,
                "`confirm` must be true or false",
                found=obj["confirm"],
                zh="`confirm` 须为 true 或 false",
            )


def _names(c: _Checker, obj: Any, key: str, path: str, required: bool = True) -> dict[str, str]:
    value = obj.get(key) if isinstance(obj, dict) else None
    if value is None:
        if required:
            c.err(obj, None, path, f"missing `{key}`", "{zh: ..., en: ...}", zh=f"缺少 `{key}`")
        return {}
    if isinstance(value, str):
        if required:
            c.err(
                obj,
                key,
                path,
                f"`{key}` must give both languages",
                "{zh: ..., en: ...}",
                value,
                zh=f"`{key}` 须同时给出中文和英文",
            )
        return {"zh": value, "en": value}
    if not isinstance(value, dict):
        c.err(
            obj,
            key,
            path,
            f"`{key}` must be a mapping",
            "{zh: ..., en: ...}",
            value,
            zh=f"`{key}` 须为映射（键: 值）",
        )
        return {}
    for k in value:
        if k not in ("zh", "en"):
            comma = value.get(k) is None
            hint = (
                f"A comma ends a text inside {{zh: ..., en: ...}}: quote a text that holds one "
                f'(en: "items per 1,000 residents"); `{k}` is what followed a comma.'
                if comma
                else "Give the texts as {zh: ..., en: ...}."
            )
            hint_zh = (
                "在 {zh: ..., en: ...} 中逗号会结束一段文字：含逗号的文字须加引号"
                f'（en: "items per 1,000 residents"）；`{k}` 是逗号后面的部分。'
                if comma
                else "请按 {zh: ..., en: ...} 给出文字。"
            )
            c.err(
                value,
                k,
                path,
                f"`{key}` has an unknown language key `{k}`",
                "zh and en",
                k,
                hint,
                zh=f"`{key}` 中有未知的语言键 `{k}`",
                expected_zh="zh 和 en",
                fix_zh=hint_zh,
            )
    out = {
        str(k): t
        for k in ("zh", "en")
        if (t := c.text(value, k, path, "a text", "一段文字")) is not None
    }
    if required:
        for lang in ("zh", "en"):
            if not out.get(lang, "").strip():
                c.err(
                    value,
                    None,
                    path,
                    f"`{key}.{lang}` is missing or empty",
                    "a text",
                    zh=f"`{key}.{lang}` 缺失或为空",
                    expected_zh="一段文字",
                )
    return out


def _number(c: _Checker, obj: Any, key: str, path: str) -> float:
    value = obj.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        c.err(
            obj,
            key,
            path,
            f"`{key}` must be a number",
            "a finite number",
            value,
            "Write the number without quotes." if _quoted_number(value) else "",
            zh=f"`{key}` 须为数值",
            expected_zh="一个有限的数",
            fix_zh="数字不要加引号。" if _quoted_number(value) else "",
        )
        return math.nan
    return float(value)


def _quoted_number(value: Any) -> bool:
    """A number written in quotes (``min_score: "60"``), which YAML reads as a text."""
    if not isinstance(value, str):
        return False
    try:
        return math.isfinite(float(value))
    except ValueError:
        return False

"""YAML reading that remembers line numbers, so errors can point at the line the user wrote.

Only ``yaml.SafeLoader`` is used: a YAML file can never run code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import Issue, Location, SpecError


class LineDict(dict):
    """A mapping from YAML that knows its own line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    line: int = 0
    item_lines: list[int]


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe loading (no Python objects), with libyaml's parser when it is available."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[str(key)] = key_node.start_mark.line + 1
    return out


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    out = LineList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(path: Path, *, error: type = SpecError) -> Any:
    """Parse *path* safely; a syntax error becomes an InputError with its line and column."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise error(
            [
                Issue(
                    Location(file=str(path)),
                    "file not found",
                    message_zh="找不到文件",
                    fix="Check the path.",
                    fix_zh="检查路径。",
                )
            ]
        ) from None
    except UnicodeDecodeError as exc:
        raise error(
            [
                Issue(
                    Location(file=str(path)),
                    "not UTF-8 text",
                    message_zh="不是 UTF-8 编码的文本",
                    found=str(exc.reason),
                    fix="Save the file again as UTF-8.",
                    fix_zh="将文件另存为 UTF-8 编码。",
                )
            ]
        ) from None
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise error(
            [
                Issue(
                    Location(file=str(path), line=line),
                    f"not valid YAML: {exc.problem}",
                    message_zh=f"不是有效的 YAML（解析器提示：{exc.problem}）",
                    fix="Check indentation and quoting around that line.",
                    fix_zh="检查该行附近的缩进和引号。",
                )
            ]
        ) from None
    except yaml.YAMLError as exc:
        raise error(
            [
                Issue(
                    Location(file=str(path)),
                    f"not valid YAML: {exc}",
                    message_zh=f"不是有效的 YAML（解析器提示：{exc}）",
                )
            ]
        ) from None


def line_of(obj: Any, key: str | None = None) -> int | None:
    if isinstance(obj, LineDict):
        return obj.line_of(key) if key is not None else obj.line
    if isinstance(obj, LineList):
        return obj.line
    return None

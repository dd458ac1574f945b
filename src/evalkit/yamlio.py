"""YAML reading that remembers line numbers, so errors can point at the line the user wrote.

Only ``yaml.SafeLoader`` is used: a YAML file can never run code. What a hostile or careless file
could do besides is refused with its line, before it costs memory or a traceback: files larger than
:data:`MAX_BYTES` or that are not regular files; aliases that expand beyond :data:`MAX_NODES`
nodes (a "billion laughs" file); nesting deeper than :data:`MAX_DEPTH`; keys that are lists or
mappings; and a key given twice in one mapping (YAML would silently keep the last one).
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from .errors import Issue, IssueLog, Location, Severity, SpecError

MAX_BYTES = 8 * 1024 * 1024  # the default tree is 40 kB; a tree of 8 MB is not one a person wrote
MAX_NODES = 1_000_000  # YAML nodes after expanding aliases
MAX_DEPTH = 100  # nesting of mappings and lists (a tree level takes two)
SCHEMA_VERSIONS = (1,)  # the `schema_version`s of the project file, tree and library read here


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
    problems: list[Issue] = loader.__dict__.setdefault("problems", [])
    seen: dict[object, int] = {}
    for key_node, _ in node.value:  # the mapping's own keys (merged `<<` keys may be overridden)
        line = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append(
                Issue(
                    Location(line=line),
                    "a key must be a plain text, not a list or a mapping",
                    message_zh="键须为普通文字，不能是列表或映射",
                    found="a `? [..]` or `? {..}` key",
                    found_zh="`? [..]` 或 `? {..}` 形式的键",
                    fix="Write the key as a word or number.",
                    fix_zh="把键写成文字或数字。",
                )
            )
            continue
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node)
        if key in seen:
            problems.append(
                Issue(
                    Location(line=line),
                    f"the key `{key}` is given twice in one mapping (first on line {seen[key]}); "
                    "YAML would keep only the last",
                    message_zh=f"同一映射中键 `{key}` 出现两次（第一次在第 {seen[key]} 行），"
                    "YAML 只会保留后一个",
                    fix="Remove or rename one of them.",
                    fix_zh="删除其中一个或改名。",
                )
            )
        else:
            seen[key] = line
    node.value = [(k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)]
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


def _expanded_size(root: yaml.Node) -> tuple[int, int, int]:
    """(nodes after alias expansion, deepest nesting, line of the deepest node), without recursion.

    An alias is the same node object as its anchor, so sizes are memoised per node: a billion-laughs
    file is measured in the time its text takes to read."""
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    on_path: set[int] = set()
    deepest = (0, 0)
    while stack:
        node, done = stack.pop()
        key = id(node)
        if isinstance(node, yaml.ScalarNode):
            size[key], depth[key] = 1, 0
            continue
        children = (
            [v for kv in node.value for v in kv]
            if isinstance(node, yaml.MappingNode)
            else list(node.value)
        )
        if done:
            on_path.discard(key)
            size[key] = 1 + sum(size.get(id(c), 0) for c in children)
            depth[key] = 1 + max((depth.get(id(c), 0) for c in children), default=0)
            if depth[key] > deepest[0]:
                deepest = (depth[key], node.start_mark.line + 1)
            if size[key] > MAX_NODES or depth[key] > MAX_DEPTH:
                break
            continue
        if key in size or key in on_path:  # measured already, or a recursive alias
            continue
        on_path.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in children if id(c) not in size)
    return size.get(id(root), MAX_NODES + 1), deepest[0], deepest[1]


def _problem(
    error: type,
    path: Path,
    message: str,
    fix: str,
    line: int | None = None,
    *,
    zh: str,
    fix_zh: str,
) -> Exception:
    """An InputError of one problem of the file, in English and Chinese."""
    return error(
        [
            Issue(
                Location(file=str(path), line=line),
                message,
                fix=fix,
                message_zh=zh,
                fix_zh=fix_zh,
            )
        ]
    )


def read_text_file(path: Path, *, error: type = SpecError, max_bytes: int = MAX_BYTES) -> str:
    """The text of a small regular UTF-8 file; anything else an InputError saying what it is."""
    path = Path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise _problem(
            error, path, "file not found", "Check the path.", zh="找不到文件", fix_zh="检查路径。"
        ) from None
    except PermissionError:
        raise _problem(
            error,
            path,
            "no permission to read this file",
            "Give your user read access to it.",
            zh="没有读取该文件的权限",
            fix_zh="给当前用户该文件的读取权限。",
        ) from None
    except OSError as exc:  # a symlink loop, a name too long, ...
        raise _problem(
            error,
            path,
            f"cannot open this file: {exc.strerror}",
            "Check the path.",
            zh=f"无法打开该文件（{exc.strerror}）",
            fix_zh="检查路径。",
        ) from None
    if stat.S_ISDIR(st.st_mode):
        raise _problem(
            error,
            path,
            "is a folder, not a YAML file",
            "Name the .yaml file itself.",
            zh="这是文件夹，不是 YAML 文件",
            fix_zh="请给出 .yaml 文件本身。",
        )
    if not stat.S_ISREG(st.st_mode):
        raise _problem(
            error,
            path,
            "is not a regular file (a pipe, socket or device)",
            "Name a .yaml file.",
            zh="不是普通文件（是管道、套接字或设备）",
            fix_zh="请给出 .yaml 文件。",
        )
    if st.st_size > max_bytes:
        raise _problem(
            error,
            path,
            f"is {st.st_size / 1e6:.1f} MB, larger than the {max_bytes / 1e6:.0f} MB a YAML file "
            "of evalkit may be",
            "Check that this is the file meant.",
            zh=f"文件大小 {st.st_size / 1e6:.1f} MB，超过 evalkit 的 YAML 文件上限 "
            f"{max_bytes / 1e6:.0f} MB",
            fix_zh="确认这是要用的文件。",
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _problem(
            error,
            path,
            f"cannot read this file: {exc.strerror}",
            "Check the path.",
            zh=f"无法读取该文件（{exc.strerror}）",
            fix_zh="检查路径。",
        ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(
            [
                Issue(
                    Location(file=str(path)),
                    "not UTF-8 text",
                    message_zh="不是 UTF-8 编码的文本",
                    found=str(exc.reason),
                    fix="Save the file as UTF-8.",
                    fix_zh="将文件另存为 UTF-8 编码。",
                )
            ]
        ) from None


def load_yaml(path: Path, *, error: type = SpecError) -> Any:
    """Parse *path* safely; every problem becomes an InputError with its line."""
    text = read_text_file(path, error=error)
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            nodes, depth, deepest = _expanded_size(node)
            if depth > MAX_DEPTH:
                raise _problem(
                    error,
                    path,
                    f"nested more than {MAX_DEPTH} levels deep",
                    "A tree this deep is not one to evaluate; check the indentation.",
                    deepest,
                    zh=f"嵌套超过 {MAX_DEPTH} 层",
                    fix_zh="这么深的结构不是可评价的指标体系；请检查缩进。",
                )
            if nodes > MAX_NODES:
                raise _problem(
                    error,
                    path,
                    f"its aliases (*name) expand to more than {MAX_NODES:,} values",
                    "Write the values out instead of nesting aliases of aliases.",
                    zh=f"其中的别名（*name）展开后超过 {MAX_NODES:,} 个值",
                    fix_zh="直接写出各值，不要层层嵌套别名。",
                )
            data = loader.construct_document(node)
            problems = loader.__dict__.get("problems", [])
        finally:
            loader.dispose()
        if problems:
            raise error(
                [
                    dataclasses.replace(i, location=Location(file=str(path), line=i.location.line))
                    for i in problems
                ]
            )
        return data
    except RecursionError:
        raise _problem(
            error,
            path,
            "nested too deeply to read",
            "Check the indentation of the file.",
            zh="嵌套太深，无法读取",
            fix_zh="检查文件的缩进。",
        ) from None
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
    """The line of *key* in a mapping read by :func:`load_yaml` (of the mapping or list itself
    when *key* is None or absent); None for anything else."""
    if isinstance(obj, LineDict):
        return obj.line_of(key) if key is not None else obj.line
    if isinstance(obj, LineList):
        return obj.line
    return None


def unknown_keys(
    obj: Any,
    allowed: Iterable[str],
    *,
    file: str,
    where: str = "",
    where_zh: str = "",
    path: str = "",
) -> list[Issue]:
    """A problem at its line for every key of the mapping *obj* that is not one of *allowed*, with
    the nearest allowed key as a "did you mean" (``difflib.get_close_matches``) when one is close.

    *where* / *where_zh* name the mapping in the message (``data``, ``a node``); *path* is the
    tree path given to the locations. YAML would otherwise keep a misspelt key (``weigths:``) and evalkit silently
    use the default it was meant to change."""
    if not isinstance(obj, dict):
        return []
    known = list(allowed)
    out: list[Issue] = []
    for key in obj:
        if key in known:
            continue
        text = str(key)
        near = difflib.get_close_matches(text, known, n=1, cutoff=0.6)
        inside = f" in {where}" if where else ""
        inside_zh = f"{where_zh or where} 中" if where else ""
        out.append(
            Issue(
                Location(file=file, line=line_of(obj, text), path=path),
                f"unknown key `{text}`{inside}",
                message_zh=f"{inside_zh}有未知的键 `{text}`",
                expected=f"one of {', '.join(known)}",
                expected_zh=f"{'、'.join(known)} 之一",
                fix=f"Did you mean `{near[0]}`?"
                if near
                else "Delete the key, or move it where it belongs.",
                fix_zh=f"是否应为 `{near[0]}`？" if near else "删除该键，或把它移到应在的位置。",
                check="keys",
            )
        )
    return out


def schema_issue(raw: Any, *, file: str, what: str, what_zh: str) -> Issue | None:
    """A problem when *raw* gives a ``schema_version`` this evalkit does not read (absent: 1)."""
    if not isinstance(raw, dict) or "schema_version" not in raw:
        return None
    version = raw["schema_version"]
    if not isinstance(version, bool) and isinstance(version, int) and version in SCHEMA_VERSIONS:
        return None
    shown = " or ".join(map(str, SCHEMA_VERSIONS))
    text = isinstance(version, str) and version.strip() in map(str, SCHEMA_VERSIONS)
    return Issue(
        Location(file=file, line=line_of(raw, "schema_version")),
        f"unsupported schema_version of the {what}",
        message_zh=f"{what_zh}的 schema_version 不受支持",
        expected=f"schema_version: {shown} (the version this evalkit reads)",
        expected_zh=f"schema_version: {shown}（本版 evalkit 读取的版本）",
        found=repr(version),
        fix=f"Write schema_version: {shown} as a number, without quotes."
        if text
        else "The file was written for another version of evalkit: use that version, or "
        f"rewrite the file as docs/formats.md describes and set schema_version: {shown}.",
        fix_zh=f"写成数字 schema_version: {shown}，不加引号。"
        if text
        else "该文件是为另一版本的 evalkit 编写的：请使用那个版本，或按 docs/formats.md 改写文件并"
        f"设 schema_version: {shown}。",
        check="keys",
    )


NOTHING: Any = object()  # no value found (``found`` not given)


def yaml_value(value: Any) -> str:
    """A value read from YAML as the file writes it: texts quoted ('upward'), numbers as they
    read (5, 5.0, 0.1), true/false, lists and mappings in flow style ([a, 1], {zh: ..}); None ->
    "" (see :class:`YamlProblems`, which says "an empty value")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {yaml_value(v) or '~'}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(yaml_value(v) or "~" for v in value) + "]"
    return repr(str(value))


class YamlProblems:
    """Files the located problems of one YAML file into an :class:`~evalkit.errors.IssueLog`.

    ``problems(obj, key, message, expected, found, fix, zh=..., ...)`` files an Issue at the line
    of *key* in the mapping *obj* (the mapping's own line when *key* is None), with the tree
    *path* when given; ``found`` is the value read, shown as the file writes it
    (:func:`yaml_value`; None is "an empty value"). Every problem is in English and Chinese:
    *zh* is the message in Chinese, *expected_zh*, *found_zh* and *fix_zh* the Chinese of the
    others where they hold words (an expected that is a YAML literal such as ``{zh: ..., en: ...}``
    reads the same in both languages). Used by the project file, the tree and both import maps.
    """

    def __init__(self, file: str, log: IssueLog | None = None, *, check: str = "") -> None:
        self.file = file
        self.log = log if log is not None else IssueLog()
        self.check = check

    def __call__(
        self,
        obj: Any,
        key: str | None,
        message: str,
        expected: str = "",
        found: Any = NOTHING,
        fix: str = "",
        *,
        zh: str,
        expected_zh: str = "",
        found_zh: str = "",
        fix_zh: str = "",
        path: str = "",
        severity: Severity = "error",
    ) -> None:
        if found is None:
            shown, found_zh = "an empty value", found_zh or "空值"
        else:
            shown = "" if found is NOTHING else yaml_value(found)
        self.log.issues.append(
            Issue(
                Location(file=self.file, line=line_of(obj, key), path=path),
                message,
                expected=expected,
                found=shown,
                fix=fix,
                severity=severity,
                check=self.check,
                message_zh=zh,
                expected_zh=expected_zh,
                found_zh=found_zh,
                fix_zh=fix_zh,
            )
        )

    @property
    def issues(self) -> list[Issue]:
        """Every problem filed so far (the log's list itself)."""
        return self.log.issues

"""YAML reading that remembers line numbers, so errors can point at the line the user wrote.

Only ``yaml.SafeLoader`` is used: a YAML file can never run code. What a hostile or careless file
could do besides is refused with its line, before it costs memory or a traceback: files larger than
:data:`MAX_BYTES` or that are not regular files; aliases that expand beyond :data:`MAX_NODES`
nodes (a "billion laughs" file); nesting deeper than :data:`MAX_DEPTH`; keys that are lists or
mappings; and a key given twice in one mapping (YAML would silently keep the last one).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import yaml

from .errors import Issue, Location, SpecError

MAX_BYTES = 8 * 1024 * 1024  # the default tree is 40 kB; a tree of 8 MB is not one a person wrote
MAX_NODES = 1_000_000  # YAML nodes after expanding aliases
MAX_DEPTH = 100  # nesting of mappings and lists (a tree level takes two)


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
                    found="a `? [..]` or `? {..}` key",
                    fix="Write the key as a word or number.",
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
                    fix="Remove or rename one of them.",
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


def _problem(error: type, path: Path, message: str, fix: str, line: int | None = None) -> Exception:
    return error([Issue(Location(file=str(path), line=line), message, fix=fix)])


def read_text_file(path: Path, *, error: type = SpecError, max_bytes: int = MAX_BYTES) -> str:
    """The text of a small regular UTF-8 file; anything else an InputError saying what it is."""
    path = Path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise _problem(error, path, "file not found", "Check the path.") from None
    except PermissionError:
        raise _problem(
            error, path, "no permission to read this file", "Give your user read access to it."
        ) from None
    except OSError as exc:  # a symlink loop, a name too long, ...
        raise _problem(
            error, path, f"cannot open this file: {exc.strerror}", "Check the path."
        ) from None
    if stat.S_ISDIR(st.st_mode):
        raise _problem(error, path, "is a folder, not a YAML file", "Name the .yaml file itself.")
    if not stat.S_ISREG(st.st_mode):
        raise _problem(
            error, path, "is not a regular file (a pipe, socket or device)", "Name a .yaml file."
        )
    if st.st_size > max_bytes:
        raise _problem(
            error,
            path,
            f"is {st.st_size / 1e6:.1f} MB, larger than the {max_bytes / 1e6:.0f} MB a YAML file "
            "of evalkit may be",
            "Check that this is the file meant.",
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _problem(
            error, path, f"cannot read this file: {exc.strerror}", "Check the path."
        ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(
            [
                Issue(
                    Location(file=str(path)),
                    "not UTF-8 text",
                    found=str(exc.reason),
                    fix="Save the file as UTF-8.",
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
                )
            if nodes > MAX_NODES:
                raise _problem(
                    error,
                    path,
                    f"its aliases (*name) expand to more than {MAX_NODES:,} values",
                    "Write the values out instead of nesting aliases of aliases.",
                )
            data = loader.construct_document(node)
            problems = loader.__dict__.get("problems", [])
        finally:
            loader.dispose()
        if problems:
            raise error(
                [
                    Issue(
                        Location(file=str(path), line=i.location.line),
                        i.message,
                        found=i.found,
                        fix=i.fix,
                    )
                    for i in problems
                ]
            )
        return data
    except RecursionError:
        raise _problem(
            error, path, "nested too deeply to read", "Check the indentation of the file."
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise error(
            [
                Issue(
                    Location(file=str(path), line=line),
                    f"not valid YAML: {exc.problem}",
                    fix="Check indentation and quoting around that line.",
                )
            ]
        ) from None
    except yaml.YAMLError as exc:
        raise error([Issue(Location(file=str(path)), f"not valid YAML: {exc}")]) from None


def line_of(obj: Any, key: str | None = None) -> int | None:
    if isinstance(obj, LineDict):
        return obj.line_of(key) if key is not None else obj.line
    if isinstance(obj, LineList):
        return obj.line
    return None

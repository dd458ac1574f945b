"""Readers of the project file's values: each files a located problem (YamlProblems) instead of
raising, so every problem of the file is listed at once."""

from __future__ import annotations

import glob
import os
from collections.abc import Collection
from pathlib import Path
from typing import Any

from ..errors import Issue, Location, SpecError
from ..files import file_problem
from ..yamlio import YamlProblems, line_of, load_yaml
from .model import PROJECT_FILE


def _expand(
    root: Path,
    patterns: Any,
    key: str,
    raw: Any,
    issues: list[Issue],
    notes: list[Issue],
    file: str,
) -> list[Path]:
    """The files a `data.<key>` entry names: a path or glob, or a list of them.

    What a glob matches that is not a regular file (a folder named ``x.xlsx``, a named pipe, a
    symbolic-link loop or a link to nothing) is skipped with a warning in *notes*: it would hang or
    fail the reader. A path named without a glob is kept, so its reader says what is wrong with it
    and blocks only the districts of that file."""
    if patterns is None:
        return []
    if isinstance(patterns, str):
        patterns = [patterns]
    line = line_of(raw, key)
    if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
        issues.append(
            Issue(
                Location(file=file, line=line),
                f"`data.{key}` must be a path or a list of paths",
                message_zh=f"`data.{key}` 须为一个路径或路径列表",
                expected="a text such as surveys/*.xlsx, or a list of such texts",
                expected_zh="如 surveys/*.xlsx 的文字，或这样的文字列表",
                found=repr(patterns),
            )
        )
        return []
    out: list[Path] = []
    for pat in patterns:
        given = Path(str(pat))
        full = given if given.is_absolute() else root / given
        if full.exists():  # a file named as it is, brackets and all: "[2024]东湖区.xlsx"
            matches = [str(full)]
        else:  # the project's own folder may hold glob characters: "[" and "]" there are letters
            base = "" if given.is_absolute() else glob.escape(str(root)) + os.sep
            matches = sorted(glob.glob(base + str(pat)))
        if not matches:
            issues.append(
                Issue(
                    Location(file=file, line=line),
                    f"`data.{key}`: no file matches {pat!r}",
                    message_zh=f"`data.{key}`：没有与 {pat!r} 匹配的文件",
                    expected="an existing file or a glob that matches one",
                    expected_zh="一个存在的文件，或能匹配到文件的通配符",
                    fix="Check the path (relative to the folder of evalkit.yaml).",
                    fix_zh="检查路径（相对于 evalkit.yaml 所在的文件夹）。",
                )
            )
        if not glob.has_magic(pat):
            out.extend(Path(m) for m in matches)
            continue
        for m in matches:
            problem = file_problem(m, readable=False)
            if problem is None or problem.kind == "permission":
                out.append(Path(m))  # a file that cannot be read: its reader says so
                continue
            shown = str(Path(m).relative_to(root)) if Path(m).is_relative_to(root) else m
            notes.append(
                Issue(
                    Location(file=file, line=line),
                    f"`data.{key}`: {pat!r} matches {shown}, which {problem.message}; "
                    "it is skipped",
                    message_zh=f"`data.{key}`：{pat!r} 匹配到的 {shown}{problem.message_zh}，已跳过",
                    fix="Move it out of the folder, or narrow the pattern.",
                    fix_zh="把它移出该文件夹，或收窄匹配规则。",
                    severity="warning",
                    check="files",
                )
            )
    return out


def _project_path(project: Path) -> Path:
    """The project file of a folder (or the file given); SpecError when there is none."""
    path = project if project.is_file() else project / PROJECT_FILE
    if not path.exists():
        raise SpecError(
            [
                Issue(
                    Location(file=str(path)),
                    "no project file",
                    message_zh="找不到项目文件",
                    expected=f"{PROJECT_FILE} in the folder {project.resolve()}",
                    expected_zh=f"文件夹 {project.resolve()} 中的 {PROJECT_FILE}",
                    fix="Run `evalkit init DIR` to create a project, or pass the project folder.",
                    fix_zh="运行 `evalkit init DIR` 新建项目，或给出项目文件夹。",
                )
            ]
        )
    return path


def _project_mapping(path: Path) -> dict:
    """The project file read (with its lines); SpecError when it is no YAML mapping."""
    raw = load_yaml(path, error=SpecError)
    if not isinstance(raw, dict):
        raise SpecError(
            [
                Issue(
                    Location(file=str(path)),
                    "the project file must be a YAML mapping",
                    message_zh="项目文件须为 YAML 映射（键: 值）",
                )
            ]
        )
    return raw


def _mapping(obj: dict, key: str, example: str, err: YamlProblems) -> dict:
    """``obj[key]`` when it is a mapping (absent or empty: {}); else a problem."""
    value = obj.get(key)
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    err(
        obj,
        key,
        f"`{key}` must be a mapping (key: value lines indented under it)",
        example,
        value,
        zh=f"`{key}` 须为映射（其下缩进的“键: 值”行）",
    )
    return {}


def _text(obj: dict, key: str, what: str, what_zh: str, err: YamlProblems) -> str | None:
    """``obj[key]`` as a text: a text, or a number (a district named 101); None when absent.
    A list, a mapping or true/false is a problem."""
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    hint = (
        "YAML reads yes/no/true/false/on/off as true or false: put the text in quotes."
        if isinstance(value, bool)
        else "Write one text."
    )
    hint_zh = (
        "YAML 会把 yes/no/true/false/on/off 读作真假值：请给文字加引号。"
        if isinstance(value, bool)
        else "请只写一段文字。"
    )
    err(
        obj,
        key,
        f"`{key}` must be {what}",
        found=value,
        zh=f"`{key}` 须为{what_zh}",
        fix=hint,
        fix_zh=hint_zh,
    )
    return None


def _a_path(obj: dict, key: str, err: YamlProblems) -> str | None:
    """``obj[key]`` as a path (a text; None when absent or empty)."""
    value = obj.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    return _text(obj, key, "a path (a text)", "路径（文字）", err)


def _file_at(
    obj: dict, key: str, given: str, what: str, what_zh: str, root: Path, err: YamlProblems
) -> Path:
    """The file *given* (relative to the project folder), with a problem at its line when it
    is not a readable regular file (a folder, a pipe, a loop, no read permission)."""
    target = root / given
    problem = file_problem(target)
    if problem is None:
        return target
    if problem.message == "file not found":
        err(
            obj,
            key,
            f"the {what} does not exist",
            "an existing file",
            given,
            zh=f"{what_zh}不存在",
            expected_zh="一个存在的文件",
        )
    else:
        err(
            obj,
            key,
            f"the {what} {given}: {problem.message}",
            "a readable file",
            zh=f"{what_zh} {given}：{problem.message_zh}",
            expected_zh="可读取的文件",
            fix=problem.fix,
            fix_zh=problem.fix_zh,
        )
    return target


def _choice(
    obj: dict,
    where: str,
    key: str,
    default: str,
    choices: Collection[str],
    err: YamlProblems,
    message: str = "",
    message_zh: str = "",
) -> str:
    """``obj[key]`` of the section *where* (*default* when absent) as a text, with a problem when
    it is none of *choices* ("unknown <where>.<key>" unless *message* says otherwise); the value is
    returned as given either way."""
    value = str(obj.get(key, default))
    if value not in choices:
        err(
            obj,
            key,
            message or f"unknown {where}.{key}",
            " | ".join(choices),
            obj.get(key),
            zh=message_zh or f"未知的 `{where}.{key}`",
        )
    return value


def _positive_whole(r: dict, key: str, default: int, err: YamlProblems) -> int:
    """``report.<key>``, a whole number of at least 1 (*default* when absent or wrong)."""
    value = r.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        err(
            r,
            key,
            f"report.{key} must be a positive whole number",
            found=value,
            zh=f"`report.{key}` 须为正整数",
            fix=_unquote_hint(value),
            fix_zh=_unquote_hint_zh(value),
        )
        value = default
    return value


def _same(a: Path, b: Path) -> bool | None:
    """Whether two paths name the same file (None when either cannot be looked at)."""
    try:
        return a.resolve() == b.resolve()
    except (OSError, RuntimeError):  # a symbolic-link loop
        return None


def _unquote_hint(value: Any) -> str:
    """The fix for a number written in quotes (``alpha: "0.5"``)."""
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return ""
        return "Write the number without quotes."
    return ""


def _unquote_hint_zh(value: Any) -> str:
    return "数字不要加引号。" if _unquote_hint(value) else ""

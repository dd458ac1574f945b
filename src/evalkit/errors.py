"""Where things went wrong, and the small exception family the CLI maps to exit codes.

Every problem evalkit finds in user input is an :class:`Issue` that names *where* (a
:class:`Location`: file, sheet, Excel row, column, or YAML line and tree path), *what was
expected*, *what was found* and, when known, how to fix it. Readers collect issues lazily and
raise one :class:`InputError` holding all of them, so the user sees every problem at once.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Location:
    """A place in a user's file: a spreadsheet cell/row/column or a YAML line."""

    file: str = ""
    sheet: str = ""
    row: int | None = None  # 1-based, as Excel shows it
    column: str = ""  # the header text (and/or letter)
    line: int | None = None  # YAML line, 1-based
    path: str = ""  # tree path such as "goal/info_collection/basic_info_coverage"

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f'sheet "{self.sheet}"')
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f'column "{self.column}"')
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.path:
            parts.append(f"at {self.path}")
        return ", ".join(parts) if parts else "(no location)"


@dataclass(frozen=True)
class Issue:
    """One problem found in user input, in English and Chinese.

    ``message``, ``expected``, ``found`` and ``fix`` are English; the ``*_zh`` fields hold their
    Chinese (empty ``found_zh``: ``found`` is a value and reads the same in both languages). Node ids
    never appear in the Chinese texts: they name nodes by their Chinese names.
    ``district``: the district the problem concerns (a survey row, a station, a district's file);
    empty for problems of the whole study (experts, weights, tree, project file). A district's
    report lists its own problems and those of the whole study.
    """

    location: Location
    message: str
    expected: str = ""
    found: str = ""
    fix: str = ""
    severity: Severity = "error"
    check: str = ""
    message_zh: str = ""
    expected_zh: str = ""
    found_zh: str = ""
    fix_zh: str = ""
    district: str = ""

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}"
        if self.expected:
            text += f"; expected {self.expected}"
        if self.found:
            text += f", found {self.found}"
        if self.fix:
            text += f". {self.fix}"
        return text

    def texts(self, lang: str) -> tuple[str, str, str, str]:
        """message, expected, found and fix in *lang* ("zh" or "en").

        A Chinese text that was not given falls back to the English one (a defect the tests
        look for; every site gives both)."""
        if lang != "zh":
            return self.message, self.expected, self.found, self.fix
        return (
            self.message_zh or self.message,
            self.expected_zh or self.expected,
            self.found_zh or self.found,
            self.fix_zh or self.fix,
        )

    def as_record(self, lang: str = "en") -> dict[str, object]:
        loc = self.location
        message, expected, found, fix = self.texts(lang)
        return {
            "severity": self.severity,
            "district": self.district,
            "file": loc.file,
            "sheet": loc.sheet,
            "row": loc.row,
            "column": loc.column,
            "line": loc.line,
            "path": loc.path,
            "check": self.check,
            "message": message,
            "expected": expected,
            "found": found,
            "fix": fix,
        }


ISSUE_COLUMNS = [
    "severity",
    "district",
    "file",
    "sheet",
    "row",
    "column",
    "line",
    "path",
    "check",
    "message",
    "expected",
    "found",
    "fix",
]


def issues_frame(issues: Iterable[Issue], lang: str = "en") -> pd.DataFrame:
    """A table of issues with the columns of :data:`ISSUE_COLUMNS`, texts in *lang*.

    ``severity`` and ``check`` hold their ids and ``district`` is empty for problems of the whole
    study; the report renderers put them into words."""
    records = [i.as_record(lang) for i in issues]
    return pd.DataFrame.from_records(records, columns=ISSUE_COLUMNS)


class EvalkitError(Exception):
    """Base of every error evalkit raises on purpose. The CLI prints it and exits with 1.

    ``zh``: the message in Chinese, where the error can reach a Chinese report or issue list
    (empty when not given)."""

    def __init__(self, *args: object, zh: str = "") -> None:
        super().__init__(*args)
        self.zh = zh


class InputError(EvalkitError):
    """User input has one or more errors; all are in :attr:`issues`."""

    def __init__(self, issues: Sequence[Issue], summary: str = "") -> None:
        self.issues = list(dict.fromkeys(issues))  # each problem once, in the order found
        errors = [i for i in self.issues if i.severity == "error"]
        files = {i.location.file for i in errors if i.location.file}
        head = summary or (
            f"{len(errors)} problem{'s' if len(errors) != 1 else ''}"
            + (f" in {len(files)} file{'s' if len(files) != 1 else ''}" if files else "")
        )
        self.summary = head
        super().__init__(self.render())

    def render(self, limit: int = 10) -> str:
        errors = [i for i in self.issues if i.severity == "error"]
        lines = [f"{self.summary}:"]
        lines += [f"  {i}" for i in errors[:limit]]
        if len(errors) > limit:
            lines.append(f"  ... and {len(errors) - limit} more")
        return "\n".join(lines)


class TreeError(InputError):
    """The indicator tree YAML is invalid."""


class DataError(InputError):
    """Survey, statistics or judgment data is invalid."""


class SpecError(InputError):
    """The project file (evalkit.yaml) is invalid."""


class PartialRunError(InputError):
    """Some districts were blocked by errors in their files; the others' reports were written."""


class MethodError(EvalkitError):
    """A method cannot be applied to this data (e.g. entropy with fewer than two units)."""


class FontError(EvalkitError):
    """No font covers the text of a report in the requested language."""


@dataclass
class IssueLog:
    """Collects issues while reading; raise once at the end (lazy validation)."""

    issues: list[Issue] = field(default_factory=list)

    def add(self, location: Location, message: str, **kw: str) -> None:
        self.issues.append(Issue(location, message, **kw))  # type: ignore[arg-type]

    def warn(self, location: Location, message: str, **kw: str) -> None:
        self.issues.append(Issue(location, message, severity="warning", **kw))  # type: ignore[arg-type]

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    def raise_if_errors(self, cls: type[InputError] = InputError) -> None:
        if self.errors:
            raise cls(self.issues)


def show(value: object, lang: str = "en") -> str:
    """A cell value as the user would recognise it: 6.0 -> 6, text quoted, empty -> an empty cell
    (in *lang*: "空单元格" in Chinese)."""
    if value is None or (isinstance(value, float) and value != value):
        return "空单元格" if lang == "zh" else "an empty cell"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"  # as Excel shows a TRUE/FALSE cell
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, (int, float)):
        return f"{value:g}"
    return repr(value)


def rel(path: Path | str, base: Path | None = None) -> str:
    """Path as the user would type it: relative to *base* when possible."""
    p = Path(path)
    if base is not None:
        try:
            return str(p.resolve().relative_to(base.resolve()))
        except (ValueError, OSError, RuntimeError):  # elsewhere, or a symbolic-link loop
            try:
                return str(Path(os.path.abspath(p)).relative_to(os.path.abspath(base)))
            except ValueError:
                pass
    return str(p)

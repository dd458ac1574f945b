"""What every command shares: the consoles, the mapping of evalkit's errors to exit code 1, and the
listing of warnings on the terminal.

Every string the commands print is shown literally: the consoles read no markup (``A[/]B`` or
``[bold red]`` in a district, station, node name or a path is printed as it is), no emoji codes
(``:police_car:``) and highlight nothing; control characters (tabs and line breaks aside: an ESC
would start a terminal control sequence) and direction marks (U+202E would print the rest of the
line reversed) are shown as ``[U+XXXX]``, as the PDF reports show them. Styles are given as
``Text(..., style=...)``, never as markup around a user's string.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.text import Text

from ..errors import EvalkitError, InputError, Issue

SHOWN = 20  # problems printed on the terminal; all of them are in the issue table
# direction marks, embeddings, overrides and isolates: they reorder what follows them
DIRECTION_MARKS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def _hidden(ch: str) -> bool:
    return ch in DIRECTION_MARKS or (unicodedata.category(ch) == "Cc" and ch not in "\t\n")


def terminal_text(text: str) -> str:
    """*text* as the terminal shows it: control characters (not tabs and line breaks) and
    direction marks as ``[U+XXXX]``, every other character as it is."""
    if not any(_hidden(ch) for ch in text):
        return text
    return "".join(f"[U+{ord(ch):04X}]" if _hidden(ch) else ch for ch in text)


class LiteralConsole(Console):
    """A rich console that shows every string literally (see the module's docstring): markup,
    emoji codes and highlighting are off, and every string it renders (printed, or a table's
    cell or title) passes through :func:`terminal_text`."""

    def __init__(self, **kw: Any) -> None:
        kw.setdefault("soft_wrap", True)
        super().__init__(markup=False, emoji=False, highlight=False, **kw)

    def render_str(self, text: str, **kw: Any) -> Text:  # type: ignore[override]
        return super().render_str(terminal_text(text), **kw)


def styled(text: str, style: str) -> Text:
    """*text* (shown literally) in *style*: ``styled(title, "bold")``."""
    return Text(terminal_text(text), style=style)


console = LiteralConsole()
err_console = LiteralConsole(stderr=True)


def fail(exc: EvalkitError | str) -> NoReturn:
    """Print ``Error: ...`` (and every problem of an InputError, up to SHOWN) and exit with 1."""
    if isinstance(exc, InputError):
        err_console.print(styled("Error:", "bold red"), exc.summary)
        errors = [i for i in exc.issues if i.severity == "error"]
        for issue in errors[:SHOWN]:
            err_console.print(f"  {issue}")
        if len(errors) > SHOWN:
            err_console.print(f"  ... and {len(errors) - SHOWN} more")
    else:
        err_console.print(styled("Error:", "bold red"), str(exc))
    raise typer.Exit(1)


def show_warnings(issues: Sequence[Issue], where: Path | None = None, limit: int = SHOWN) -> None:
    """List the warnings among ``issues`` (up to ``limit``, the rest counted) on the terminal."""
    warnings = [i for i in issues if i.severity == "warning"]
    if not warnings:
        return
    head = f"{len(warnings)} warning(s)"
    if where is not None:
        head += f" (all of them are in {where})"
    console.print(head + ":", highlight=False, markup=False)
    for w in warnings[:limit]:
        console.print(f"  warning: {w}", highlight=False, markup=False)
    if len(warnings) > limit:
        console.print(f"  ... and {len(warnings) - limit} more warnings", highlight=False)


def project_lang(path: Path) -> str | None:
    """``report.lang`` of the project a folder, project file or tree file belongs to (None if none).

    Only that one setting is read, so the language is found even when the data has problems.
    """
    from ..errors import SpecError
    from ..spec import LANGS, PROJECT_FILE
    from ..yamlio import load_yaml

    path = Path(path)
    if path.suffix in (".yaml", ".yml") and path.name != PROJECT_FILE:
        # a tree file: the project whose folder (or parent folder) holds it
        candidates = [path.parent / PROJECT_FILE, path.parent.parent / PROJECT_FILE]
    elif path.is_file():
        candidates = [path]
    else:
        candidates = [path / PROJECT_FILE]
    for c in candidates:
        if not c.is_file():
            continue
        try:
            raw: Any = load_yaml(c, error=SpecError)
        except EvalkitError:
            return None
        report = raw.get("report") if isinstance(raw, dict) else None
        lang = report.get("lang", "zh") if isinstance(report, dict) else "zh"
        return str(lang) if str(lang) in LANGS else None
    return None


def find_project(start: Path, levels: int = 4) -> Path | None:
    """The evalkit.yaml of the project holding ``start`` (it or up to ``levels`` folders above)."""
    from ..spec import PROJECT_FILE

    here = Path(start).resolve()
    for folder in [here, *here.parents][: levels + 1]:
        if (folder / PROJECT_FILE).is_file():
            return folder / PROJECT_FILE
    return None


def project_tree(project_file: Path) -> Path | None:
    """The tree file a project file names (relative to its folder), read without checking data."""
    from ..errors import SpecError
    from ..yamlio import load_yaml

    try:
        raw: Any = load_yaml(project_file, error=SpecError)
    except SpecError:
        return None
    tree = raw.get("tree") if isinstance(raw, dict) else None
    return project_file.parent / str(tree) if tree else None


def _hide_flag_types() -> None:
    """Help shows no value type after an on/off flag (typer prints ``<bool>`` there)."""
    try:
        from typer.core import TyperOption
    except ImportError:  # pragma: no cover - older typer has no such classes and no such type
        return
    original = getattr(TyperOption, "display_type_rich", None)
    if original is None or getattr(original, "_evalkit", False):
        return

    def display_type_rich(self: Any, ctx: Any) -> str | None:
        if getattr(self, "is_flag", False) or getattr(self, "count", False):
            return None
        return original(self, ctx)

    display_type_rich._evalkit = True  # type: ignore[attr-defined]
    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]


_hide_flag_types()

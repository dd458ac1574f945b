"""What every command shares: the consoles, the mapping of evalkit's errors to exit code 1, and the
listing of warnings on the terminal."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console

from ..errors import EvalkitError, InputError, Issue

console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)
SHOWN = 20  # problems printed on the terminal; all of them are in the issue table


def fail(exc: EvalkitError | str) -> NoReturn:
    """Print ``Error: ...`` (and every problem of an InputError, up to SHOWN) and exit with 1."""
    if isinstance(exc, InputError):
        err_console.print(f"[bold red]Error:[/] {exc.summary}", highlight=False)
        errors = [i for i in exc.issues if i.severity == "error"]
        for issue in errors[:SHOWN]:
            err_console.print(f"  {issue}", highlight=False, markup=False)
        if len(errors) > SHOWN:
            err_console.print(f"  ... and {len(errors) - SHOWN} more", highlight=False)
    else:
        err_console.print("[bold red]Error:[/] ", end="", highlight=False)
        err_console.print(str(exc), highlight=False, markup=False)
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

"""`evalkit run`'s batch side: the progress (a bar with done/total, rate and time left on a
terminal, one line per district otherwise, nothing with ``--quiet``), the run through
:func:`evalkit.batch.run_batch`, and the closing summary: the districts written, the districts
that failed with their files, the warnings; exit code 1 when any district failed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from ..errors import EvalkitError
from .common import SHOWN, console, err_console, fail, show_warnings, styled, terminal_text

MB = 1 << 20


class _Bar:
    """A rich progress bar on stderr, one task per language; its texts shown literally."""

    def __init__(self) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.progress = Progress(
            TextColumn("{task.description}", markup=False),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}", markup=False),
            TimeElapsedColumn(),
            TextColumn("ETA", markup=False),
            TimeRemainingColumn(),
            TextColumn("{task.fields[name]}", markup=False),
            console=err_console,
            transient=False,
        )
        self.tasks: dict[str, Any] = {}

    def __call__(self, lang: str, name: str, i: int, total: int) -> None:
        if lang not in self.tasks:
            self.tasks[lang] = self.progress.add_task(lang, total=total, rate="", name="")
        task = self.tasks[lang]
        self.progress.update(task, completed=i, total=total, name=terminal_text(name))
        t = self.progress.tasks[self.tasks[lang]]
        speed = t.speed
        rate = f"{speed:.2f}/s" if speed else ""
        self.progress.update(task, rate=rate)


def _lines(langs: int) -> Any:
    def show(lang: str, name: str, i: int, total: int) -> None:
        tag = f"{lang} " if langs > 1 else ""
        console.print(f"  {tag}[{i}/{total}] {name}", highlight=False)

    return show


def run_command(
    project: Path,
    lang: str | None,
    font: Path | None,
    jobs: int | None,
    pdf: bool,
    out: Path | None,
    resume: bool,
    quiet: bool,
    read_memory: int,
    read_timeout: float,
    uncertainty: int | None = None,
    *,
    executor: str = "local",
    scheduler: str | None = None,
    html: bool = True,
) -> None:
    """`evalkit run`: see the command's help."""
    from ..batch import ReadLimits, parse_langs, run_batch

    try:
        langs = parse_langs(lang)
    except EvalkitError as exc:
        fail(exc)
    bar = _Bar() if not quiet and err_console.is_terminal else None
    progress = None if quiet else (bar or _lines(len(langs)))
    limits = ReadLimits(memory=read_memory * MB, seconds=read_timeout)
    kw: dict[str, Any] = {"langs": langs, "out": out, "resume": resume, "font": font}
    kw.update(jobs=jobs, pdf=pdf, progress=progress, limits=limits, uncertainty=uncertainty)
    kw.update(executor=executor, scheduler=scheduler, html=html)
    try:
        if bar is not None:
            with bar.progress:
                batch = run_batch(project, **kw)
        else:
            batch = run_batch(project, **kw)
    except EvalkitError as exc:
        fail(exc)
    for run in batch.runs:
        if not quiet:
            _summary(run, pdf, html)
        if run.partial is not None:
            _failed(run.partial)
    if not batch.ok:
        raise typer.Exit(1)


def _failed(exc: Any) -> None:
    """Why districts were left out, and their problems (up to SHOWN), on stderr."""
    err_console.print(styled("Error:", "bold red"), exc.summary)
    errors = [i for i in exc.issues if i.severity == "error"]
    for issue in errors[:SHOWN]:
        err_console.print(f"  {issue}")
    if len(errors) > SHOWN:
        err_console.print(f"  ... and {len(errors) - SHOWN} more")


def _summary(run: Any, pdf: bool, html: bool = True) -> None:
    """One language's closing account: the districts table, renamed files, warnings, what was
    written, the districts written, failed and the warnings counted."""
    from . import _districts_table, _show_renamed, _uncertainty_table

    result = run.result
    console.print(_districts_table(result.evaluation, run.lang))
    uncertain = _uncertainty_table(result.evaluation, run.lang)
    if uncertain is not None:
        console.print(uncertain)
    _show_renamed(result.renamed, run.lang, pdf, html)
    show_warnings(result.evaluation.issues, run.folder / "issues.xlsx")
    failed = run.failed
    console.print(
        f"{len(result.files)} files written to {run.folder} in {result.seconds:.1f} s",
        highlight=False,
    )
    lost = "; ".join(
        f"{d or 'districts unknown'} ({', '.join(f'{f}: {n} error(s)' for f, n in files)})"
        for d, files in failed.items()
    )
    console.print(
        f"Summary ({run.lang}): {len(run.written) - len(result.kept)} district(s) written"
        + (f", {len(result.kept)} kept from an earlier run" if result.kept else "")
        + f", {len(failed)} failed"
        + (f" [{lost}]" if lost else "")
        + f", {len(run.warnings)} warning(s)",
        highlight=False,
    )


__all__ = ["run_command"]

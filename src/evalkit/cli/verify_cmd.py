"""``evalkit verify REPORTS_DIR``: whether the reports still follow from their inputs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import EvalkitError
from .common import console
from .common import fail as _fail


def verify_cmd(
    reports: Annotated[
        Path, typer.Argument(help="The folder of reports to check (holding their workbooks).")
    ] = Path("reports"),
    project: Annotated[
        Path | None,
        typer.Option(
            help="The project folder, when the reports cannot say where it is (it has moved)."
        ),
    ] = None,
) -> None:
    """Re-read the inputs, check their SHA-256, recompute and compare every number of every
    workbook; exit code 0 only when every file matches."""
    from ..verify import summary_line, verdict_lines, verify

    try:
        result = verify(reports, project)
    except EvalkitError as exc:
        _fail(exc)
        return
    for v in result.verdicts:
        for line in verdict_lines(v, result.lang):
            console.print(line)
    console.print(summary_line(result, result.lang))
    if not result.matches:
        raise typer.Exit(1)

"""What every command shares: the consoles and the mapping of evalkit's errors to exit code 1."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console

from ..errors import EvalkitError, InputError

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

"""``evalkit import-judgments FILE [--map MAP.yaml] -o experts.xlsx``.

Reads experts' AHP questionnaires in any layout :mod:`evalkit.ingest.judgment_formats` knows, prints
the detected layout, every automatic decision and each expert's CR per node (CR > 0.1 marked), and
writes evalkit's experts workbook. Without ``--map`` the map it used (or, when the import fails,
the map it proposes) is written beside the output as ``<output name>.map.yaml``, as
``evalkit import`` does. ``evalkit.cli`` registers the callback on the app.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import numpy as np
import pandas as pd
import typer
from rich.table import Table
from rich.text import Text

from ..errors import EvalkitError, InputError
from .common import console, err_console
from .common import fail as _fail

if TYPE_CHECKING:
    from ..ingest.judgment_formats import ImportedJudgments
    from ..tree import IndicatorTree

CR_LIMIT = 0.1


def consistency_table(
    matrices: dict[str, np.ndarray], experts: dict[str, list[str]]
) -> pd.DataFrame:
    """Each expert's consistency ratio per node (Saaty's RI table; CR = 0 for n <= 2): columns
    node_id, expert, cr, nodes in the order of *matrices*."""
    from ..weights.ahp import ahp_priorities

    rows = []
    for nid, stack in matrices.items():
        if len(stack) == 0:
            continue
        if stack.shape[-1] <= 2:
            crs = np.zeros(len(stack))
        else:
            crs = np.atleast_1d(np.asarray(ahp_priorities(stack).cr, dtype=float))
        rows += [
            {"node_id": nid, "expert": e, "cr": float(c)}
            for e, c in zip(experts[nid], crs, strict=True)
        ]
    return pd.DataFrame(rows, columns=["node_id", "expert", "cr"])


def import_judgments_cmd(
    file: Annotated[
        Path,
        typer.Argument(
            help="Questionnaire file: 17-point grid or export, ticked grid, n x n matrices, "
            "one row per expert, or evalkit's own workbook (.xlsx/.xlsm/.ods/.csv)."
        ),
    ],
    tree: Annotated[Path, typer.Option("--tree", help="Indicator tree YAML.")] = Path(
        "indicators/community_policing.yaml"
    ),
    map: Annotated[
        Path | None,
        typer.Option("--map", help="MAP.yaml naming sheets, items and experts the file spells."),
    ] = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The experts workbook to write.")
    ] = Path("experts.xlsx"),
) -> None:
    """Import experts' AHP judgments from a questionnaire file into evalkit's experts workbook.

    Without --map, the map used is written beside the output as <output name>.map.yaml (also when
    the import fails, with what could not be read): check it and re-run with --map.
    """
    from ..ingest.judgment_formats import write_experts_workbook
    from ..ingest.platforms.mapfile import proposed_map_path, write_map
    from ..tree import load_tree

    map_out = proposed_map_path(output)
    if output.resolve() in (file.resolve(), *([map.resolve()] if map is not None else [])):
        _fail(EvalkitError(f"-o {output} would overwrite the file read; choose another output"))
    try:
        t = load_tree(tree)
        imported = _import_or_propose(file, t, map, map_out)
    except EvalkitError as exc:
        _fail(exc)
        return
    _print_import(imported)
    crs = consistency_table(imported.matrices, imported.experts)
    _print_consistency(crs)
    try:
        write_experts_workbook(imported, t, output, cr=crs)
        if map is None:
            write_map(imported.proposed_map, map_out)
    except EvalkitError as exc:
        _fail(exc)
        return
    console.print(
        f"{len(dict.fromkeys(crs['expert']))} expert(s), {len(imported.matrices)} node(s) "
        f"written to {output}",
        highlight=False,
        markup=False,
    )
    if map is None:
        console.print(
            f"Proposed map written to {map_out}: check it, then re-run with --map {map_out}.",
            highlight=False,
            markup=False,
        )


def _import_or_propose(
    file: Path, tree: IndicatorTree, map: Path | None, map_out: Path
) -> ImportedJudgments:
    """The judgments of *file* read (through *map* when given); when that fails without a map,
    the map proposed for the file is written to *map_out* for the user to correct, and the
    error raised."""
    from ..ingest.judgment_formats import import_judgments, propose_judgment_map
    from ..ingest.platforms.mapfile import write_map

    try:
        return import_judgments(file, tree, map_path=map)
    except InputError:
        if map is None:  # still propose a map the user can correct
            try:
                write_map(propose_judgment_map(file, tree), map_out)
                err_console.print(
                    f"A proposed map was written to {map_out}: correct it and pass --map.",
                    highlight=False,
                )
            except EvalkitError:
                pass
        raise


def _print_import(imported: ImportedJudgments) -> None:
    """The layout detected, every automatic decision and every warning."""
    console.print(f"Layout: {imported.layout}", highlight=False, markup=False)
    if imported.decisions:
        console.print("Decisions:", highlight=False)
        for d in imported.decisions:
            console.print(f"  - {d}", highlight=False, markup=False)
    for w in imported.issues:
        console.print(f"  warning: {w}", highlight=False, markup=False)


def _print_consistency(crs: pd.DataFrame) -> None:
    """The CR of every expert per node (a node a row, an expert a column; * and red above
    CR_LIMIT), and how many matrices are above it."""
    table = Table(
        title=f"Consistency ratio per node and expert (Saaty's RI; * = CR > {CR_LIMIT:g})"
    )
    nodes = list(dict.fromkeys(crs["node_id"]))
    experts = list(dict.fromkeys(crs["expert"]))
    table.add_column("node", no_wrap=True, min_width=max((len(n) for n in nodes), default=4))
    for e in experts:
        table.add_column(e, justify="right", no_wrap=True)
    cr = {(r.node_id, r.expert): r.cr for r in crs.itertuples()}
    over = 0
    for nid in nodes:
        cells = []
        for e in experts:
            v = cr.get((nid, e))
            if v is None:
                cells.append("")
            elif v > CR_LIMIT:
                over += 1
                cells.append(Text(f"{v:.3f}*", style="red"))
            else:
                cells.append(f"{v:.3f}")
        table.add_row(nid, *cells)
    console.print(table)
    if over:
        console.print(
            f"{over} matrix(es) with CR > {CR_LIMIT:g}: see `evalkit weights` for the judgment "
            "to revise, or ask the expert again.",
            highlight=False,
        )


__all__ = ["consistency_table", "import_judgments_cmd"]

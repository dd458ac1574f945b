"""``evalkit inspect`` and ``evalkit import``: survey exports (问卷星, 腾讯问卷, hand-entered) in.

Plain typer callbacks; ``evalkit.cli`` registers them. The work is done by
:mod:`evalkit.ingest.platforms`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from ..errors import EvalkitError, InputError, Issue
from .common import SHOWN, console, err_console, styled
from .common import fail as _fail

if TYPE_CHECKING:
    from ..ingest.judgment_formats import JudgmentInspection

FileArg = Annotated[
    Path, typer.Argument(help="The export: 问卷星/腾讯问卷 .xlsx/.csv, or a hand-entered sheet.")
]
TreeOpt = Annotated[Path, typer.Option("--tree", help="Indicator tree YAML.")]
MapOpt = Annotated[
    Path | None, typer.Option("--map", help="MAP.yaml naming the columns (see the README).")
]
SheetOpt = Annotated[
    str | None,
    typer.Option(
        "--sheet",
        help="Sheet to read (default: the first). '*' reads every sheet of a workbook with one "
        "sheet per station: the station is the sheet's name unless a column gives it.",
    ),
]
DEFAULT_TREE = Path("indicators/community_policing.yaml")
DEFAULT_EXPERTS = Path("surveys/experts.xlsx")  # where the project file looks for judgments
_ROLE_MISSING = re.compile(r"^no (district|station) for the answers$")


def _missing_codes(text: str | None) -> list[float | str]:
    out: list[float | str] = []
    for part in (text or "").replace("，", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            out.append(float(part))
        except ValueError:
            out.append(part)
    return out


def inspect_cmd(
    file: FileArg,
    tree: TreeOpt = DEFAULT_TREE,
    map: MapOpt = None,
    sheet: SheetOpt = None,
) -> None:
    """Show what was detected in FILE: platform, header row, questions, item mapping, markers.

    A file of experts' pairwise judgments (17-point export or grid, ticked grid, n x n matrices,
    a row per expert, evalkit's experts workbook) is recognised as such: its layout, experts and
    the pairs found per node are shown, with the `evalkit import-judgments` command to use.
    Exit code 1 when a problem would stop the import (the file cannot be read, has no known
    layout, or has problems listed "to fix before import"), 0 otherwise. A survey export without
    a district or station column is no such problem: `evalkit import` takes --district/--station.
    """
    from ..ingest.judgment_formats import inspect_judgments, is_judgment_map
    from ..ingest.platforms import inspect_export, platform_label
    from ..tree import load_tree

    try:
        t = load_tree(tree)
        if map is not None and is_judgment_map(map):
            judged = inspect_judgments(file, t, map_path=map)
            if judged is None:
                _fail(
                    EvalkitError(
                        f"{file}: no judgment layout found and none named in {map}; name it "
                        "there (layout: seventeen_point | ticked_grid | matrix_per_sheet | "
                        "row_per_expert | evalkit)"
                    )
                )
            if _show_judgments(judged, file, tree, map):
                raise typer.Exit(1)  # the import would stop
            return
        survey_error: EvalkitError | None = None
        try:
            det = inspect_export(file, t, sheet=sheet, map_path=map)
        except EvalkitError as exc:
            survey_error, det = exc, None
        if det is None or not det.mapping:  # no survey item found: judgments?
            judged = inspect_judgments(file, t)
            if judged is not None:
                if _show_judgments(judged, file, tree, None):
                    raise typer.Exit(1)  # the import would stop
                return
        if survey_error is not None or det is None:
            raise survey_error or EvalkitError(f"{file}: no known layout")
    except EvalkitError as exc:
        _fail(exc)
        return
    console.print(
        styled(str(file), "bold"),
        f": {platform_label(det)}"
        + (f", encoding {det.encoding}" if det.encoding else "")
        + f', sheet "{det.sheet}", header row {det.header_row}, {len(det.columns)} columns',
        sep="",
    )
    qt = Table(title="Questions")
    qt.add_column("col", no_wrap=True, min_width=3)
    qt.add_column("no.", no_wrap=True, min_width=5)
    qt.add_column("question / matrix row", no_wrap=True, overflow="ellipsis", max_width=36)
    qt.add_column("item", no_wrap=True, min_width=11)
    by_column = {c: i for i, c in det.mapping.items()}
    for q in det.questions:
        qt.add_row(
            q["letter"],
            q["number"] or "",
            q["text"] or q["column"],
            by_column.get(q["column"], ""),
        )
    console.print(qt)
    items = {i for i in det.mapping}
    console.print(
        f"Items matched: {len(items)}; without a column: {len(det.unmatched_items)}"
        + (f" ({', '.join(det.unmatched_items[:10])}" if det.unmatched_items else "")
        + (" ...)" if len(det.unmatched_items) > 10 else ")" if det.unmatched_items else ""),
        highlight=False,
    )
    if det.markers:
        console.print(
            "Missing markers found: "
            + ", ".join(f"{m} ×{n}" for m, n in sorted(det.markers.items(), key=lambda x: -x[1])),
            highlight=False,
        )
    if _show_decisions_and_problems(det.decisions, det.issues):
        raise typer.Exit(1)  # the import would stop


def _show_decisions_and_problems(decisions: list[str], issues: list[Issue]) -> bool:
    """The decisions, warnings and problems of an inspected file (surveys and judgments alike);
    True when a problem would stop the import."""
    console.print(styled("Decisions", "bold"))
    for d in decisions:
        console.print(f"  - {d}", highlight=False, markup=False)
    errors = [i for i in issues if i.severity == "error"]
    warnings = [i for i in issues if i.severity != "error"]
    # a file without a district or station column (every platform export) imports with
    # --district / --station: that is an option to give, not a problem with the file
    options = [i for i in errors if _ROLE_MISSING.match(i.message)]
    errors = [i for i in errors if i not in options]
    for w in warnings[:SHOWN]:
        console.print(f"  warning: {w}", highlight=False, markup=False)
    for i in options:
        role = _ROLE_MISSING.match(i.message).group(1)  # type: ignore[union-attr]
        console.print(
            f"  no {role} column: pass --{role} NAME to `evalkit import` (or map `{role}:`)",
            highlight=False,
            markup=False,
        )
    if errors:
        console.print(styled(f"{len(errors)} problem(s) to fix before import", "bold"))
        for e in errors[:SHOWN]:
            console.print(f"  {e}", highlight=False, markup=False)
        if len(errors) > SHOWN:
            console.print(f"  ... and {len(errors) - SHOWN} more", highlight=False)
    return bool(errors)


def _show_judgments(judged: JudgmentInspection, file: Path, tree: Path, map: Path | None) -> bool:
    """``evalkit inspect`` of a judgments file: layout, experts, pairs per node, the command;
    True when a problem would stop the import."""
    console.print(
        styled(str(file), "bold"),
        f": experts' pairwise judgments (layout {judged.layout}), not a survey export",
        sep="",
    )
    console.print(f"  {judged.why}", highlight=False, markup=False)
    shown = ", ".join(judged.experts[:SHOWN]) + (" ..." if len(judged.experts) > SHOWN else "")
    console.print(
        f"Experts: {len(judged.experts)}" + (f" ({shown})" if judged.experts else ""),
        highlight=False,
        markup=False,
    )
    nt = Table(title="Pairs per node")
    nt.add_column("node", no_wrap=True)
    nt.add_column("pairs found", justify="right", no_wrap=True)
    nt.add_column("pairs needed", justify="right", no_wrap=True)
    for nid, (got, need) in judged.nodes.items():
        nt.add_row(nid, str(got), str(need))
    console.print(nt)
    if judged.columns:
        ct = Table(title="Pair columns (the cell is the judgment of the left item over the right)")
        ct.add_column("col", no_wrap=True, min_width=3)
        ct.add_column("header", no_wrap=True, overflow="ellipsis", max_width=24)
        ct.add_column("node: left vs right item", overflow="fold")
        for loc, head, nid, a, b in judged.columns:
            ct.add_row(loc.column, head, f"{nid}: {a} vs {b}")
        console.print(ct)
    blocked = _show_decisions_and_problems(judged.decisions, judged.issues)
    if judged.layout == "evalkit":
        console.print(
            "This is evalkit's own experts format: `evalkit run` reads it as it is (name it under "
            "data: experts: in evalkit.yaml); no import is needed.",
            highlight=False,
            markup=False,
        )
        return blocked
    output = DEFAULT_EXPERTS
    if Path(file).resolve() == output.resolve():
        output = output.with_name("experts_imported.xlsx")
    command = f"evalkit import-judgments {_quoted(file)} -o {_quoted(output)}"
    if tree != DEFAULT_TREE:
        command += f" --tree {_quoted(tree)}"
    if map is not None:
        command += f" --map {_quoted(map)}"
    console.print(
        f"{'Once the problems are fixed, import' if blocked else 'Import'} it with: {command}",
        highlight=False,
        markup=False,
    )
    return blocked


_SHELL_SPECIAL = set(" \t\n'\"\\$`!&|;<>()*?[]{}#~")


def _quoted(path: Path) -> str:
    """A path as typed in a command: as it is, or in double quotes when a shell would split it."""
    text = str(path)
    if not text or any(ch in _SHELL_SPECIAL for ch in text):
        return '"' + text.replace('"', '\\"') + '"'
    return text


def import_cmd(
    file: FileArg,
    tree: TreeOpt = DEFAULT_TREE,
    map: MapOpt = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Responses table to write: .csv or .xlsx.")
    ] = Path("responses.csv"),
    district: Annotated[
        str | None, typer.Option(help="District for every row (file has no district column).")
    ] = None,
    station: Annotated[
        str | None, typer.Option(help="Station for every row (file has no station column).")
    ] = None,
    missing: Annotated[
        str | None,
        typer.Option(help="Answer codes that mean 'no answer', comma-separated, e.g. 9,99."),
    ] = None,
    sheet: SheetOpt = None,
    labels_from: Annotated[
        Path | None,
        typer.Option(
            "--labels-from",
            help="The 问卷星 按文本 download of the same answers, to check what each option number "
            "of a 按序号 download means (found beside it by its file name when not given).",
        ),
    ] = None,
    no_label_check: Annotated[
        bool,
        typer.Option(
            "--no-label-check", help="Do not look for the 按文本 twin of a 按序号 download."
        ),
    ] = False,
) -> None:
    """Convert FILE into evalkit's responses table (the format `evalkit run` reads)."""
    from ..ingest.platforms import (
        import_responses,
        propose_map,
        proposed_map_path,
        write_map,
        write_responses,
    )
    from ..tree import load_tree

    map_out = proposed_map_path(output)
    try:
        t = load_tree(tree)
        codes = _missing_codes(missing)
        try:
            imp = import_responses(
                file,
                t,
                map_path=map,
                sheet=sheet,
                missing_codes=codes,
                district=district,
                station=station,
                labels_from=False if no_label_check else labels_from,
            )
        except InputError:
            if map is None:  # still propose a map the user can correct
                try:
                    write_map(propose_map(file, t, sheet=sheet, missing_codes=codes), map_out)
                    err_console.print(
                        f"A proposed map was written to {map_out}: correct it and pass --map.",
                        highlight=False,
                    )
                except EvalkitError:
                    pass
            raise
        write_responses(imp, output)
        if map is None:
            write_map(imp.proposed_map, map_out)
    except EvalkitError as exc:
        _fail(exc)
        return
    det = imp.detection
    n_missing = int((imp.reasons != "").to_numpy().sum())
    console.print(
        f"{len(imp.responses)} respondents × {len(det.mapping)} items from {file} "
        f"({det.platform} {det.variant}".rstrip()
        + f"); {n_missing} missing answers; {len(imp.dropped_rows)} rows dropped",
        highlight=False,
    )
    for d in det.decisions:
        console.print(f"  - {d}", highlight=False, markup=False)
    console.print(f"Written: {output}", highlight=False)
    if map is None:
        console.print(
            f"Proposed map written to {map_out}: check it, then re-run with --map {map_out}.",
            highlight=False,
        )

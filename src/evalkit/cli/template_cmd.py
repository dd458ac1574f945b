"""``evalkit template survey|experts``: questionnaire workbooks generated from an indicator tree.

Register with ``app.add_typer(template_app, name="template")``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ..errors import EvalkitError
from .common import fail

template_app = typer.Typer(
    no_args_is_help=True,
    help="Write questionnaire workbooks (officers' survey, experts' AHP judgments) from a tree.",
)
_out = Console(soft_wrap=True)

TreeOpt = Annotated[Path, typer.Option("--tree", help="Indicator tree YAML.")]
LangOpt = Annotated[str, typer.Option("--lang", "-l", help="Language of the texts: zh or en.")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Overwrite an existing output file.")]
DEFAULT_TREE = Path("indicators/community_policing.yaml")


def _fail(message: str) -> None:
    fail(message)


def _check(output: Path, lang: str, force: bool) -> None:
    if lang not in ("zh", "en"):
        _fail(f"--lang must be zh or en, not {lang!r}")
    if output.suffix.lower() != ".xlsx":
        _fail(f"the output must be an .xlsx file, not {output.name!r}")
    if output.exists() and not force:
        _fail(f"{output} exists (it may hold answers); choose another name or pass --force")


def _expert_list(count: int | None, names: list[str] | None) -> list[str]:
    """--expert names first, then generated ids E01, E02, ... up to --experts N in all."""
    chosen = [n.strip() for n in names or []]
    if count is None:
        return chosen or ["E01"]
    if count < 1:
        raise EvalkitError(f"--experts must be at least 1, not {count}")
    if count < len(chosen):
        raise EvalkitError(f"--experts {count} is fewer than the {len(chosen)} --expert names")
    width = max(2, len(str(count)))
    k = 0
    while len(chosen) < count:
        k += 1
        gen = f"E{k:0{width}d}"
        if gen not in chosen:
            chosen.append(gen)
    return chosen


@template_app.command("survey")
def survey(
    tree: TreeOpt = DEFAULT_TREE,
    output: Annotated[Path, typer.Option("--output", "-o", help="Workbook to write.")] = Path(
        "survey.xlsx"
    ),
    lang: LangOpt = "zh",
    rows: Annotated[int, typer.Option(help="Rows with answer drop-downs.")] = 2000,
    force: ForceOpt = False,
) -> None:
    """Officers' questionnaire: instructions, responses (drop-downs), stations and codebook."""
    from ..templates import write_survey_template
    from ..tree import load_tree

    _check(output, lang, force)
    try:
        t = load_tree(tree)
        write_survey_template(t, output, lang=lang, rows=rows)
    except EvalkitError as exc:
        _fail(str(exc))
        return
    _out.print(
        f"Wrote {output}: {len(t.items())} items, {len(t.statistic_columns())} statistic columns "
        f"({lang}).",
        highlight=False,
    )


@template_app.command("experts")
def experts(
    tree: TreeOpt = DEFAULT_TREE,
    output: Annotated[Path, typer.Option("--output", "-o", help="Workbook to write.")] = Path(
        "experts.xlsx"
    ),
    lang: LangOpt = "zh",
    count: Annotated[
        int | None,
        typer.Option("--experts", "-n", help="Number of expert blocks per sheet (E01, E02, ...)."),
    ] = None,
    names: Annotated[
        list[str] | None,
        typer.Option("--expert", help="An expert's id or name (repeat for several)."),
    ] = None,
    force: ForceOpt = False,
) -> None:
    """Experts' AHP workbook: a pairwise grid per node with a live consistency ratio."""
    from ..templates import write_experts_template
    from ..tree import load_tree

    _check(output, lang, force)
    try:
        ids = _expert_list(count, names)
        t = load_tree(tree)
        write_experts_template(t, output, experts=ids, lang=lang)
    except EvalkitError as exc:
        _fail(str(exc))
        return
    _out.print(
        f"Wrote {output}: {len(t.criteria())} node sheets, expert blocks {', '.join(ids)} ({lang}).",
        highlight=False,
    )

"""``evalkit template survey|experts``: questionnaire workbooks generated from an indicator tree.

Register with ``app.add_typer(template_app, name="template")``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer

from ..errors import EvalkitError
from .common import console as _out
from .common import fail

template_app = typer.Typer(
    no_args_is_help=True,
    help="Write questionnaire workbooks (officers' survey, experts' AHP judgments) from a tree.",
)

TreeOpt = Annotated[
    Path | None,
    typer.Option(
        "--tree",
        help="Indicator tree YAML (default: the tree of the project, see --project; else "
        "indicators/community_policing.yaml).",
    ),
]
ProjectOpt = Annotated[
    Path | None,
    typer.Option(
        "--project",
        help="Project folder whose tree and language to use (default: the project the output "
        "is written into, else the current folder's).",
    ),
]
LangOpt = Annotated[
    str | None,
    typer.Option(
        "--lang",
        "-l",
        help="Language of the texts: zh or en (default: the project's report.lang, else zh).",
    ),
]
ForceOpt = Annotated[bool, typer.Option("--force", help="Overwrite an existing output file.")]
DEFAULT_TREE = Path("indicators/community_policing.yaml")


def _fail(message: str) -> NoReturn:
    fail(message)


def _resolve(
    tree: Path | None, project: Path | None, output: Path, lang: str | None
) -> tuple[Path, str]:
    """The tree and language to use: --tree / --lang, else those of the project (given by
    --project, or the one the output goes into, or the current folder's), else the defaults."""
    from .common import find_project, project_lang, project_tree

    if project is not None:
        spec = project if project.is_file() else project / "evalkit.yaml"
        if not spec.is_file():
            _fail(
                f"--project {project}: no evalkit.yaml there; pass the folder `evalkit init` "
                "made, or name the tree with --tree"
            )
    else:
        spec = find_project(output.parent) or find_project(Path.cwd())
    chosen = tree
    if chosen is None:
        chosen = (project_tree(spec) if spec is not None else None) or DEFAULT_TREE
    if not chosen.exists():
        where = f" (the tree of {spec})" if spec is not None and tree is None else ""
        _fail(
            f"{chosen}: file not found{where}. Pass the tree with --tree TREE.yaml, or the project "
            "folder with --project DIR (its evalkit.yaml names the tree), or run the command "
            "inside the project folder."
        )
    return chosen, lang or (project_lang(spec) if spec is not None else None) or "zh"


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
    tree: TreeOpt = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="Workbook to write.")] = Path(
        "survey.xlsx"
    ),
    lang: LangOpt = None,
    rows: Annotated[int, typer.Option(help="Rows with answer drop-downs.")] = 2000,
    project: ProjectOpt = None,
    force: ForceOpt = False,
) -> None:
    """Officers' questionnaire: instructions, responses (drop-downs), stations and codebook."""
    from ..templates import write_survey_template
    from ..tree import load_tree

    tree, lang = _resolve(tree, project, output, lang)
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
    tree: TreeOpt = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="Workbook to write.")] = Path(
        "experts.xlsx"
    ),
    lang: LangOpt = None,
    count: Annotated[
        int | None,
        typer.Option("--experts", "-n", help="Number of expert blocks per sheet (E01, E02, ...)."),
    ] = None,
    names: Annotated[
        list[str] | None,
        typer.Option("--expert", help="An expert's id or name (repeat for several)."),
    ] = None,
    project: ProjectOpt = None,
    force: ForceOpt = False,
) -> None:
    """Experts' AHP workbook: a pairwise grid per node with a live consistency ratio."""
    from ..templates import write_experts_template
    from ..tree import load_tree

    tree, lang = _resolve(tree, project, output, lang)
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

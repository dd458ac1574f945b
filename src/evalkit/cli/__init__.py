"""The ``evalkit`` command line: a thin skin over the library.

Each command parses its options, calls one library function, prints a summary and maps evalkit's
errors to ``Error: ...`` on stderr and exit code 1.
"""

from __future__ import annotations

import datetime
import shutil
import sys
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ..errors import EvalkitError, issues_frame
from .common import console, err_console
from .common import fail as _fail

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="evalkit: evaluate community-policing informatization maturity and write reports.",
)

ProjectArg = Annotated[
    Path, typer.Argument(help="Project folder (holding evalkit.yaml) or the project file itself.")
]
LangOpt = Annotated[
    str | None, typer.Option("--lang", "-l", help="Report language: zh or en (default: project's).")
]


@app.command()
def run(
    project: ProjectArg = Path("."),
    lang: LangOpt = None,
    font: Annotated[
        Path | None, typer.Option(help="CJK font file for Chinese reports (.ttf/.otf/.ttc).")
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            help="Worker processes for reports (default: one per 4 districts, at most one per "
            "core; 1 = none).",
        ),
    ] = None,
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Write PDF reports.")] = True,
) -> None:
    """Score every district of PROJECT and write its Excel and PDF reports plus comparison.xlsx."""
    from ..run import run_project

    if lang is not None and lang not in ("zh", "en"):
        _fail(EvalkitError(f"--lang must be zh or en, not {lang!r}"))

    def progress(name: str, i: int, total: int) -> None:
        console.print(f"  [{i}/{total}] {name}", highlight=False)

    try:
        result = run_project(project, lang=lang, font=font, jobs=jobs, pdf=pdf, progress=progress)
    except EvalkitError as exc:
        _fail(exc)
        return
    ev = result.evaluation
    out = ev.spec.output_dir
    table = Table(title="Districts", show_lines=False)
    for col in ("rank", "district", "total", "level", "respondents", "stations"):
        table.add_column(col, justify="right" if col != "district" else "left")
    for _, r in ev.summary().iterrows():
        table.add_row(
            f"{int(r['rank'])}",
            str(r["district"]),
            f"{r['total']:.1f}",
            f"{int(r['level'])}",
            str(r["respondents"]),
            str(r["stations"]),
        )
    console.print(table)
    warnings = [i for i in ev.issues if i.severity == "warning"]
    if warnings:
        console.print(f"{len(warnings)} warning(s); all are in {out / 'issues.xlsx'}")
    console.print(
        f"{len(result.files)} files written to {out} in {result.seconds:.1f} s", highlight=False
    )


@app.command()
def validate(project: ProjectArg = Path(".")) -> None:
    """Check the tree and all data of PROJECT (no reports); list every problem."""
    from ..score.evaluate import evaluate

    try:
        ev = evaluate(project)
    except EvalkitError as exc:
        _fail(exc)
        return
    s = ev.survey
    console.print(
        f"OK: tree {ev.spec.tree.name} ({len(ev.tree.leaves())} indicators, "
        f"{len(ev.tree.items())} survey items); {len(s.responses)} respondents, "
        f"{len(ev.stations)} stations in {len(ev.districts)} districts; "
        + (
            f"{len(ev.weights.experts['expert'].unique())} experts"
            if len(ev.weights.experts)
            else "no experts"
        ),
        highlight=False,
    )
    warnings = [i for i in ev.issues if i.severity == "warning"]
    for w in warnings[:30]:
        console.print(f"  warning: {w}", highlight=False, markup=False)
    if len(warnings) > 30:
        console.print(f"  ... and {len(warnings) - 30} more warnings")


@app.command()
def weights(
    project: ProjectArg = Path("."),
    lang: LangOpt = "en",
    experts: Annotated[bool, typer.Option(help="List every expert's CR per node.")] = True,
) -> None:
    """Show AHP (CR per expert and node, repair suggestions), entropy and combined weights."""
    from ..score.evaluate import evaluate

    try:
        ev = evaluate(project)
    except EvalkitError as exc:
        _fail(exc)
        return
    from .weights_cmd import show_weights

    show_weights(ev, lang or "en", experts, console)


@app.command()
def tree(
    path: Annotated[
        Path, typer.Argument(help="A tree YAML file, or a project folder (uses its tree).")
    ] = Path("."),
    lang: LangOpt = "en",
) -> None:
    """Print an indicator tree: dimensions, indicators, sources, goalposts."""
    from ..report.i18n import text
    from ..spec import load_spec
    from ..tree import load_tree

    try:
        tree_path = path if path.suffix in (".yaml", ".yml") else load_spec(path).tree
        t = load_tree(tree_path)
    except EvalkitError as exc:
        _fail(exc)
        return
    lang = lang or "en"
    console.print(f"[bold]{text(t.title, lang)}[/]  ({tree_path})", highlight=False)
    for n in t.goal.walk():
        pad = "  " * n.depth
        if n.is_leaf and n.source is not None:
            s = n.source
            src = (
                f"survey {', '.join(i.id + ('(R)' if i.reverse else '') for i in s.items)}"
                if s.kind == "survey"
                else (
                    f"{s.multiplier:g}*{s.numerator}/{s.denominator}"
                    if s.is_ratio
                    else f"{s.aggregate}({s.column})"
                )
            )
            console.print(
                f"{pad}- {n.id}: {text(n.name, lang)} [{n.direction}; {n.worst:g} -> {n.best:g}; "
                f"{src}]",
                highlight=False,
                markup=False,
            )
        else:
            console.print(f"{pad}{n.id}: {text(n.name, lang)}", highlight=False, markup=False)
    levels = ", ".join(f"{lv.level} {text(lv.name, lang)} >= {lv.min_score:g}" for lv in t.levels)
    console.print(f"levels: {levels}", highlight=False)


@app.command()
def synth(
    out: Annotated[Path, typer.Argument(help="Folder for the synthetic survey files.")] = Path(
        "surveys"
    ),
    tree_path: Annotated[Path, typer.Option("--tree", help="Indicator tree YAML.")] = Path(
        "indicators/community_policing.yaml"
    ),
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same files).")] = 20261101,
    districts: Annotated[int, typer.Option(help="Number of districts.")] = 4,
) -> None:
    """Write a synthetic province (survey workbooks + experts) made by a seeded generator."""
    from ..synth import synthesize

    try:
        files = synthesize(tree_path, out, seed=seed, districts=districts)
    except EvalkitError as exc:
        _fail(exc)
        return
    except ValueError as exc:  # the number of districts
        _fail(str(exc))
        return
    for f in files:
        console.print(f"  {f}", highlight=False)
    console.print(f"{len(files)} files written to {out}", highlight=False)


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder for the new project.")],
    force: Annotated[bool, typer.Option(help="Write into a non-empty folder.")] = False,
) -> None:
    """Create a new project: evalkit.yaml, the default tree and blank survey workbooks."""
    from ..templates import write_blank_experts, write_blank_survey
    from ..tree import load_tree

    if directory.exists() and any(directory.iterdir()) and not force:
        _fail(EvalkitError(f"{directory} is not empty; choose a new folder or pass --force"))
    (directory / "indicators").mkdir(parents=True, exist_ok=True)
    (directory / "surveys").mkdir(parents=True, exist_ok=True)
    data = resources.files("evalkit") / "data"
    for name in ("community_policing.yaml", "recommendations.yaml"):
        with resources.as_file(data / name) as src:
            shutil.copyfile(src, directory / "indicators" / name)
    template = (data / "project_template.yaml").read_text(encoding="utf-8")
    # the report date is fixed once, here, so later runs of the project stay repeatable
    today = datetime.date.today().isoformat()
    (directory / "evalkit.yaml").write_text(
        template.replace('date: ""', f'date: "{today}"', 1), encoding="utf-8"
    )
    t = load_tree(directory / "indicators" / "community_policing.yaml")
    write_blank_survey(t, directory / "surveys" / "district.xlsx")
    write_blank_experts(t, directory / "surveys" / "experts.xlsx")
    console.print(f"New project in {directory}:", highlight=False)
    for p in sorted(directory.rglob("*")):
        if p.is_file():
            console.print(f"  {p.relative_to(directory)}", highlight=False)
    console.print(
        "Fill surveys/district.xlsx (one workbook per district) and surveys/experts.xlsx, then "
        f"run `evalkit validate {directory}` and `evalkit run {directory}`.",
        highlight=False,
    )


from .import_cmd import import_cmd, inspect_cmd  # noqa: E402 - registered after the app
from .import_judgments_cmd import import_judgments_cmd  # noqa: E402 - registered after the app
from .template_cmd import template_app  # noqa: E402 - the group registers after the app exists

app.command("inspect")(inspect_cmd)
app.command("import")(import_cmd)
app.command("import-judgments")(import_judgments_cmd)

app.add_typer(
    template_app, name="template", help="Write questionnaire workbooks generated from a tree."
)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        err_console.print("Interrupted.")
        sys.exit(130)


__all__ = ["app", "issues_frame", "main"]

"""The ``evalkit`` command line: a thin skin over the library.

Each command parses its options, calls one library function, prints a summary and maps evalkit's
errors to ``Error: ...`` on stderr and exit code 1.
"""

from __future__ import annotations

import datetime
import math
import shutil
import sys
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from ..errors import EvalkitError, issues_frame
from .common import console, err_console, project_lang, show_warnings, styled
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
    str | None,
    typer.Option(
        "--lang", "-l", help="Report language: zh or en (default: the project's report.lang)."
    ),
]
NamesLangOpt = Annotated[
    str | None,
    typer.Option(
        "--lang",
        "-l",
        help="Language of the names: zh or en (default: the project's report.lang; zh for a "
        "tree outside a project).",
    ),
]


def _version(value: bool) -> None:
    if value:
        from .. import __version__

        console.print(f"evalkit {__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print evalkit's version and exit."
        ),
    ] = False,
) -> None:
    """evalkit: evaluate community-policing informatization maturity and write reports."""


def _check_lang(lang: str | None) -> None:
    if lang is not None and lang not in ("zh", "en"):
        _fail(EvalkitError(f"--lang must be zh or en, not {lang!r}"))


REPORT_FORMATS = ("xlsx", "pdf", "html")


def _report_formats(text: str | None, pdf: bool) -> tuple[bool, bool]:
    """(pdf, html) from ``--formats`` (None: both, unless ``--no-pdf``)."""
    if text is None:
        return pdf, True
    given = [f.strip().lower() for f in text.split(",") if f.strip()]
    unknown = [f for f in given if f not in REPORT_FORMATS]
    if unknown or not given:
        _fail(
            EvalkitError(
                f"--formats: {', '.join(map(repr, unknown)) or 'nothing'} given; expected a "
                "comma-separated list of xlsx, pdf, html, e.g. --formats xlsx,html "
                "(--formats 需为 xlsx、pdf、html 中的一个或多个，以逗号分隔)"
            )
        )
    return pdf and "pdf" in given, "html" in given


@app.command()
def run(
    project: ProjectArg = Path("."),
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            "-l",
            help="Report language: zh, en, or zh,en for both, each into a folder of its own "
            "(OUT/zh and OUT/en). Default: the project's report.lang.",
        ),
    ] = None,
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
    formats: Annotated[
        str | None,
        typer.Option(
            "--formats",
            help="Reports to write, comma-separated: xlsx, pdf, html (default: all three; the "
            "workbooks are always written).",
        ),
    ] = None,
    executor: Annotated[
        str,
        typer.Option(
            help="Where the reports are rendered: local (worker processes on this machine) or "
            "dask (Dask distributed; pip install 'evalkit[dask]')."
        ),
    ] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="With --executor dask: the scheduler of a running cluster, tcp://HOST:PORT "
            "(default: a local cluster of --jobs workers for this run)."
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Folder for the reports (default: the project's report.output)."
        ),
    ] = None,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume",
            help="Put each district's reports in place as soon as they are written, and skip "
            "the districts an earlier run into the same folder finished for the same inputs and "
            "settings (a killed run goes on where it stopped).",
        ),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
    read_memory: Annotated[
        int, typer.Option(help="Memory (MB) reading one workbook may take; 0: no limit.")
    ] = 4096,
    read_timeout: Annotated[
        float, typer.Option(help="Seconds reading one workbook may take.")
    ] = 300.0,
    uncertainty: Annotated[
        int | None,
        typer.Option(
            "--uncertainty",
            min=0,
            help="Draws of the uncertainty analysis (default: uncertainty.draws of the project "
            "file, 1000; 0 = off).",
        ),
    ] = None,
) -> None:
    """Score every district of PROJECT and write its Excel, PDF and HTML reports plus
    comparison.xlsx and comparison.html."""
    from .run_cmd import run_command

    _check_executor(executor, scheduler)
    pdf, html = _report_formats(formats, pdf)
    run_command(
        project,
        lang,
        font,
        jobs,
        pdf,
        out,
        resume,
        quiet,
        read_memory,
        read_timeout,
        uncertainty,
        executor=executor,
        scheduler=scheduler,
        html=html,
    )


def _check_executor(executor: str, scheduler: str | None) -> None:
    if executor not in ("local", "dask"):
        _fail(
            EvalkitError(
                f"--executor must be local or dask, not {executor!r}",
                zh=f"--executor 应为 local 或 dask，而不是 {executor!r}",
            )
        )
    if scheduler is not None and executor != "dask":
        _fail(
            EvalkitError(
                "--scheduler goes with --executor dask",
                zh="--scheduler 需与 --executor dask 一起使用",
            )
        )


def _show_renamed(renamed: list[Any], lang: str, pdf: bool, html: bool = True) -> None:
    """The districts whose report files are not named as the district is (each file written),
    and why."""
    from ..outdir import reason_text, report_files

    if not renamed:
        return
    if lang == "zh":
        console.print(
            f"{len(renamed)} 个区县的报告文件名与区县名不同（comparison.xlsx 的“报告文件”工作表"
            "和 manifest.json 列出了每个区县的文件）："
        )
    else:
        console.print(
            f"{len(renamed)} district(s) have report files named otherwise than the district "
            "(the sheet Files of comparison.xlsx and manifest.json list every district's files):"
        )
    for r in renamed:
        files = ", ".join(report_files(r.stem, pdf, html))
        why = reason_text(r.reasons, lang)
        console.print(
            f"  {r.district} -> {files}" + (f"（{why}）" if lang == "zh" else f" ({why})")
        )


def _districts_table(ev: Any, lang: str) -> Table:
    """The run's summary: districts by rank, with names and level names in the report language,
    and the spread of each district's station totals (Gini, range: ev.analysis("imbalance"));
    numbers as the reports show them (report.formats)."""
    from ..report.formats import fmt
    from ..report.i18n import text

    zh = lang == "zh"
    heads = (
        ("名次", "区县", "总分", "成熟度等级", "有效问卷", "派出所", "所间基尼", "所间极差")
        if zh
        else ("rank", "district", "total", "level", "respondents", "stations", "Gini", "range")
    )
    table = Table(title="各区县" if zh else "Districts", show_lines=False)
    for k, col in enumerate(heads):
        table.add_column(col, justify="left" if k in (1, 3) else "right")
    names = {lv.level: text(lv.name, lang) for lv in ev.tree.levels}
    spread = ev.analysis("imbalance").totals

    for _, r in ev.summary().iterrows():
        name = r["district"] if zh else (r.get("district_en") or r["district"])
        level = r["level"]
        shown = "" if level != level else f"{names.get(int(level), int(level))} ({int(level)})"
        s = spread.loc[r["district"]] if r["district"] in spread.index else {}
        table.add_row(
            fmt(r["rank"], "rank"),
            str(name),
            fmt(r["total"], "score", missing=""),
            shown,
            str(r["respondents"]),
            str(r["stations"]),
            fmt(s.get("gini", math.nan), "ratio", missing=""),
            fmt(s.get("range", math.nan), "score", missing=""),
        )
    return table


def _uncertainty_table(ev: Any, lang: str) -> Table | None:
    """Each district's 5-95 % rank interval and the probability of its level (and of the
    others) from the uncertainty analysis, as the reports state them; None when it did not run."""
    from ..report.uncertainty_sections import analysis, level_probability, rank_range

    result = analysis(ev)
    if result is None:
        return None
    zh = lang == "zh"
    u = result.units
    d = u[u["unit_type"] == "district"].sort_values("rank")
    en = ev.districts.set_index("district")["district_en"]
    table = Table(
        title=f"排名与等级的不确定性（{result.draws} 组抽样）"
        if zh
        else f"How certain ranks and levels are ({result.draws} draws)",
        show_lines=False,
    )
    heads = ("区县", "名次", "名次区间（5%–95%）", "成熟度等级（概率）")
    if not zh:
        heads = ("district", "rank", "rank 5-95%", "level (probability)")
    for k, col in enumerate(heads):
        table.add_column(col, justify="right" if k in (1, 2) else "left")
    for _, r in d.iterrows():
        table.add_row(
            str(r["unit"] if zh else en.get(r["unit"], r["unit"])),
            rank_range(r["rank"], r["rank"]),
            rank_range(r["rank_p05"], r["rank_p95"]),
            level_probability(r, ev, lang),
        )
    return table


@app.command()
def validate(project: ProjectArg = Path(".")) -> None:
    """Check the tree and all data of PROJECT (no reports); list every problem."""
    from ..pipeline import evaluate

    marks = _confirm_warnings(project)
    try:
        ev = evaluate(project)
    except EvalkitError as exc:
        show_warnings(marks)
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
    from ..analysis.redundancy_text import redundancy_issues

    show_warnings([*marks, *ev.issues, *redundancy_issues(ev.analysis("redundancy"))])


def _confirm_warnings(project: Path) -> list[Any]:
    """Warnings for the `confirm: true` marks left in the project's tree (none without a tree)."""
    from ..ingest.propose_tree import confirm_marks
    from .common import project_tree

    spec = project if project.is_file() else project / "evalkit.yaml"
    tree = project_tree(spec) if spec.is_file() else None
    return confirm_marks(tree) if tree is not None and tree.is_file() else []


@app.command()
def weights(
    project: ProjectArg = Path("."),
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            "-l",
            help="Language of the names: zh or en (default: the project's report.lang).",
        ),
    ] = None,
    experts: Annotated[bool, typer.Option(help="List every expert's CR per node.")] = True,
) -> None:
    """Show AHP (CR per expert and node, repair suggestions), entropy and combined weights."""
    from ..pipeline import evaluate

    _check_lang(lang)
    try:
        ev = evaluate(project)
    except EvalkitError as exc:
        _fail(exc)
        return
    from .weights_cmd import show_weights

    show_weights(ev, lang or ev.spec.report.lang, experts, console)


# the words before an indicator's notes in `evalkit tree`
_DIRECTION_WORD = {"zh": "方向依据：", "en": "direction: "}
_BASIS_WORD = {"zh": "所答问题：", "en": "answers: "}
_RECORD_WORD = {"zh": "数据来源：", "en": "data from: "}


@app.command()
def tree(
    path: Annotated[
        Path, typer.Argument(help="A tree YAML file, or a project folder (uses its tree).")
    ] = Path("."),
    lang: NamesLangOpt = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Look for what may be counted twice: indicators whose station scores "
            "correlate, items fitting another dimension, overlaps the tree defines.",
        ),
    ] = False,
    threshold: Annotated[
        float,
        typer.Option(help="With --check: flag pairs correlating at |rho| or |r| >= this."),
    ] = 0.8,
) -> None:
    """Print an indicator tree: dimensions, indicators, sources, goalposts and what they rest on,
    levels and the level rule. With --check, the redundancy check of the tree and its data."""
    from ..report.i18n import text
    from ..spec import load_spec
    from ..tree import BASIS_LABELS, LEVEL_RULE_LABELS, RECORD_LABELS, load_tree

    _check_lang(lang)
    if check:
        _tree_check(path, lang, threshold)
        return
    try:
        is_tree = path.suffix in (".yaml", ".yml") and path.name != "evalkit.yaml"
        tree_path = path if is_tree else load_spec(path).tree
        t = load_tree(tree_path)
    except EvalkitError as exc:
        _fail(exc)
        return
    lang = lang or project_lang(path) or "zh"
    console.print(styled(text(t.title, lang), "bold"), f"  ({tree_path})", sep="")
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
            basis = text(BASIS_LABELS[n.goalpost_basis], lang)
            console.print(
                f"{pad}- {n.id}: {text(n.name, lang)} [{n.direction}; {n.worst:g} -> {n.best:g} "
                f"({basis}); {src}]",
                highlight=False,
                markup=False,
            )
            notes = [n.goalpost_note, n.direction_note, n.basis]
            rec = text(RECORD_LABELS[n.data_source], lang)
            for label, note in zip(
                ("", _DIRECTION_WORD[lang], _BASIS_WORD[lang]), notes, strict=True
            ):
                if note:
                    console.print(
                        f"{pad}    {label}{text(note, lang)}", highlight=False, markup=False
                    )
            console.print(f"{pad}    {_RECORD_WORD[lang]}{rec}", highlight=False, markup=False)
        else:
            console.print(f"{pad}{n.id}: {text(n.name, lang)}", highlight=False, markup=False)
    levels = ", ".join(f"{lv.level} {text(lv.name, lang)} >= {lv.min_score:g}" for lv in t.levels)
    basis = text(BASIS_LABELS[t.level_basis], lang)
    console.print(f"levels ({basis}): {levels}", highlight=False, markup=False)
    if t.level_note:
        console.print(f"    {text(t.level_note, lang)}", highlight=False, markup=False)
    rule = text(LEVEL_RULE_LABELS[t.level_rule], lang)
    console.print(f"level rule: {t.level_rule} ({rule})", highlight=False, markup=False)


def _tree_check(path: Path, lang: str | None, threshold: float) -> None:
    """``evalkit tree --check``: findings are warnings (exit 0), bad input an error (exit 1)."""
    from .tree_check_cmd import redundancy_for, show_tree_check

    tree_only = path.suffix in (".yaml", ".yml") and path.name != "evalkit.yaml"
    try:
        red = redundancy_for(path, tree_only, threshold)
    except EvalkitError as exc:
        _fail(exc)
        return
    show_tree_check(red, lang or project_lang(path) or "zh", tree_only, console)


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
    period: Annotated[
        str | None,
        typer.Option(
            help="Write another survey period of the same province (e.g. 2025): drifted "
            "strengths, new officers, no experts workbook."
        ),
    ] = None,
    stations: Annotated[
        int | None,
        typer.Option(
            help="Stations in all (spread over the districts): a province or country of any "
            "size, generated as whole arrays (up to 2,800 districts and more)."
        ),
    ] = None,
    respondents: Annotated[
        int | None,
        typer.Option(help="Officers in all (spread over the stations); with --stations."),
    ] = None,
) -> None:
    """Write a synthetic province (survey workbooks + experts) made by a seeded generator."""
    from ..synth import MAX_DISTRICTS, synthesize

    try:
        if stations is not None or respondents is not None or districts > MAX_DISTRICTS:
            files = _synth_scale(tree_path, out, seed, districts, stations, respondents, period)
        else:
            files = synthesize(tree_path, out, seed=seed, districts=districts, period=period)
    except EvalkitError as exc:
        _fail(exc)
        return
    except ValueError as exc:  # the number of districts, an empty period label
        _fail(str(exc))
        return
    for f in files[:20]:
        console.print(f"  {f}", highlight=False, markup=False)
    if len(files) > 20:
        console.print(f"  … {len(files) - 20} more", highlight=False, markup=False)
    console.print(f"{len(files)} files written to {out}", highlight=False, markup=False)


def _synth_scale(
    tree_path: Path,
    out: Path,
    seed: int,
    districts: int,
    stations: int | None,
    respondents: int | None,
    period: str | None,
) -> list[Path]:
    """The array generator (evalkit.synth_scale): 7 stations per district and 30 officers per
    station unless given."""
    from ..synth_scale import plan_country, write_country

    if period is not None:
        raise ValueError("--period writes the example-sized province only; leave out --stations")
    stations = stations if stations is not None else 7 * districts
    respondents = respondents if respondents is not None else 30 * stations
    country = plan_country(
        tree_path, districts=districts, stations=stations, respondents=respondents, seed=seed
    )
    return write_country(country, out)


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder for the new project.")],
    from_export: Annotated[
        Path | None,
        typer.Option(
            "--from-export",
            help="A survey export of your own questionnaire (问卷星, 腾讯问卷, hand-entered or any "
            "wide table): propose the project's tree from it instead of the default tree.",
        ),
    ] = None,
    sheet: Annotated[
        str | None, typer.Option("--sheet", help="Sheet of the export to read (default: first).")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Write into a folder that is not empty.")
    ] = False,
) -> None:
    """Create a new project: evalkit.yaml, a tree, an empty surveys/ and blank questionnaires."""
    from ..templates import write_blank_experts, write_blank_survey
    from ..tree import load_tree

    if directory.exists() and any(directory.iterdir()) and not force:
        _fail(EvalkitError(f"{directory} is not empty; choose a new folder or pass --force"))
    proposal = None
    if from_export is not None:
        from ..ingest.propose_tree import propose_tree

        try:
            proposal = propose_tree(from_export, sheet=sheet)
        except EvalkitError as exc:
            _fail(exc)
    (directory / "indicators").mkdir(parents=True, exist_ok=True)
    (directory / "surveys").mkdir(parents=True, exist_ok=True)
    (directory / "templates").mkdir(parents=True, exist_ok=True)
    data = resources.files("evalkit") / "data"
    template = (data / "project_template.yaml").read_text(encoding="utf-8")
    # the report date is fixed once, here, so later runs of the project stay repeatable
    today = datetime.date.today().isoformat()
    template = template.replace('date: ""', f'date: "{today}"', 1)
    if proposal is None:
        for name in ("community_policing.yaml", "recommendations.yaml"):
            with resources.as_file(data / name) as src:
                shutil.copyfile(src, directory / "indicators" / name)
        tree_path = directory / "indicators" / "community_policing.yaml"
    else:
        tree_path = directory / "indicators" / "questionnaire.yaml"
        tree_path.write_text(proposal.yaml_text, encoding="utf-8")
        template = template.replace(
            "tree: indicators/community_policing.yaml",
            "tree: indicators/questionnaire.yaml      # proposed from "
            f"{from_export.name}: confirm it",  # type: ignore[union-attr]
            1,
        ).replace(
            "recommendations: indicators/recommendations.yaml",
            "# recommendations: indicators/recommendations.yaml  "
            "(countermeasure rules for your tree's indicator ids)",
            1,
        )
        if proposal.missing_codes:
            codes = ", ".join(map(str, proposal.missing_codes))
            template = template.replace("missing_codes: []    ", f"missing_codes: [{codes}]", 1)
    (directory / "evalkit.yaml").write_text(template, encoding="utf-8")
    try:
        t = load_tree(tree_path)
    except EvalkitError as exc:  # a proposal always loads; this guards the shipped tree too
        _fail(exc)
    map_path = None
    if proposal is not None:
        from ..ingest.platforms import write_map
        from ..ingest.propose_tree import proposed_map

        map_path = directory / "imports" / f"{from_export.stem}.map.yaml"  # type: ignore[union-attr]
        map_path.parent.mkdir(exist_ok=True)
        write_map(proposed_map(from_export, t, proposal, sheet=sheet), map_path)  # type: ignore[arg-type]
    # blank questionnaires to copy, outside surveys/: data.surveys reads every workbook there
    write_blank_survey(t, directory / "templates" / "survey.xlsx")
    write_blank_experts(t, directory / "templates" / "experts.xlsx")
    console.print(f"New project in {directory}:", highlight=False)
    for p in sorted(directory.rglob("*")):
        if p.is_file():
            console.print(f"  {p.relative_to(directory)}", highlight=False)
    console.print(
        "  surveys/ (empty: the filled workbooks go here, one per district)", highlight=False
    )
    if proposal is not None:
        _report_proposal(proposal, from_export, directory, tree_path, t, map_path)  # type: ignore[arg-type]
        return
    console.print(
        "Next: write one questionnaire per district with "
        f"`evalkit template survey -o {directory / 'surveys' / '<district>.xlsx'}` and the "
        f"experts' workbook with `evalkit template experts --experts 8 -o "
        f"{directory / 'surveys' / 'experts.xlsx'}` (or copy the blank ones in "
        f"{directory / 'templates'}); collect them filled into {directory / 'surveys'}, then run "
        f"`evalkit validate {directory}` and `evalkit run {directory}`.",
        highlight=False,
        markup=False,
    )


def _report_proposal(
    proposal: Any, export: Path, directory: Path, tree_path: Path, t: Any, map_path: Path
) -> None:
    """What `init --from-export` proposed, and what to check."""
    console.print(
        f"Tree proposed from {export} ({proposal.platform}): {len(t.dimensions)} dimension(s), "
        f"{len(t.leaves())} indicator(s), {len(t.items())} item(s), scales "
        + ", ".join(f"{sid} ({'/'.join(sc.labels.get('zh', ()))})" for sid, sc in t.scales.items()),
        highlight=False,
        markup=False,
    )
    for d in proposal.decisions:
        console.print(f"  - {d}", highlight=False, markup=False)
    if proposal.left_out:
        console.print("  Left out (no scale answers):", highlight=False)
        for x in proposal.left_out:
            console.print(f"    {x}", highlight=False, markup=False)
    if proposal.missing_codes:
        console.print(
            "  Answers outside the scale read as missing codes: "
            + ", ".join(map(str, proposal.missing_codes))
            + " (data.missing_codes in evalkit.yaml and `missing:` in the map)",
            highlight=False,
        )
    console.print(
        f"Everything in {tree_path} marked `confirm: true` is a guess: check names (and the "
        "English ones), scales, directions, reverse-worded items and dimensions, delete each "
        f"mark, and look at it with `evalkit tree {directory}`; `evalkit validate {directory}` "
        f"warns while marks remain. The import map is {map_path}: `evalkit import {export} "
        f"--tree {tree_path} --map {map_path} --district NAME --station NAME -o "
        f"{directory / 'surveys' / 'imports' / (export.stem + '.xlsx')}`.",
        highlight=False,
        markup=False,
    )


from .import_cmd import import_cmd, inspect_cmd  # noqa: E402 - registered after the app
from .import_judgments_cmd import import_judgments_cmd  # noqa: E402 - registered after the app
from .template_cmd import template_app  # noqa: E402 - the group registers after the app exists
from .verify_cmd import verify_cmd  # noqa: E402 - registered after the app

app.command("inspect")(inspect_cmd)
app.command("import")(import_cmd)
app.command("import-judgments")(import_judgments_cmd)
app.command("verify")(verify_cmd)

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

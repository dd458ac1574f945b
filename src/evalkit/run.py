"""Run a project: evaluate it and write every district's Excel and PDF report plus the comparison.

Reports of different districts are independent, so they are rendered in a process pool when
``jobs`` > 1. Every file is written under a temporary name and renamed when complete; a run stopped
by bad input writes only ``issues.xlsx`` (the table of problems) and leaves earlier reports as they
were.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .errors import EvalkitError, FontError, InputError, PartialRunError, issues_frame
from .ingest.xlsxsplit import cores
from .report.fonts import FontChain
from .report.model import DistrictReport
from .score.evaluate import Evaluation, evaluate
from .spec import RunSpec, load_spec

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class RunResult:
    evaluation: Evaluation
    files: list[Path]
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)


def safe_filename(name: str) -> str:
    """A district name as a file name: path separators and control characters replaced."""
    bad = '<>:"/\\|?*'
    out = "".join("_" if (c in bad or ord(c) < 32) else c for c in name).strip(" .")
    return out or "district"


def _render_district(
    model: DistrictReport, out_dir: Path, font: FontChain | None, pdf: bool
) -> tuple[list[Path], float]:
    from .report.excel import write_district_workbook
    from .report.pdf import render_district_pdf

    t0 = time.perf_counter()
    stem = safe_filename(model.district_id)
    files = [write_district_workbook(model, out_dir / f"{stem}.xlsx")]
    if pdf:
        files.append(render_district_pdf(model, out_dir / f"{stem}.pdf", font=font))
    return files, time.perf_counter() - t0


def resolve_font(spec: RunSpec, lang: str, font: Path | str | None) -> FontChain:
    """The fonts the PDFs are set in: ``--font`` / ``report.font`` first when given, then
    evalkit's bundled Chinese font. Nothing has to be installed; FontError for a font file that
    does not exist or cannot be read."""
    from .report.fonts import font_chain

    explicit = Path(font) if font else (Path(spec.report.font) if spec.report.font else None)
    if explicit is not None and not explicit.exists():
        raise FontError(
            f"the font file {explicit} does not exist; give --font (or report.font in "
            "evalkit.yaml) an existing .ttf, .otf or .ttc file, or leave it out to use evalkit's "
            "bundled font"
        )
    chain = font_chain(explicit)
    _ = chain.families  # reads every font's names now: a bad file fails before any report
    return chain


DISTRICTS_PER_WORKER = 4  # measured: 2 workers gain nothing at 4 districts, 33 % at 40


def run_project(
    project: RunSpec | Path | str = ".",
    *,
    lang: str | None = None,
    font: Path | str | None = None,
    jobs: int | None = None,
    pdf: bool = True,
    progress: Progress | None = None,
) -> RunResult:
    """Evaluate a project and write its reports; returns the evaluation and the files written.

    ``jobs``: worker processes for the reports; ``None`` picks one per core once there are at
    least :data:`DISTRICTS_PER_WORKER` districts per worker (below that, starting the workers costs
    about what they save)."""
    from .report.coverage import glyph_issues, user_texts
    from .report.excel import write_comparison_workbook, write_issues_workbook
    from .report.tables import comparison_report, district_report, load_rules

    t0 = time.perf_counter()
    spec = project if isinstance(project, RunSpec) else load_spec(project)
    lang = lang or spec.report.lang
    out_dir = spec.output_dir
    fonts = resolve_font(spec, lang, font) if pdf else None
    try:
        ev = evaluate(spec, isolate=True)
    except InputError as exc:
        out_dir.mkdir(parents=True, exist_ok=True)
        write_issues_workbook(issues_frame(exc.issues), out_dir / "issues.xlsx", lang)
        raise
    t_eval = time.perf_counter() - t0
    rules = load_rules(ev)
    if fonts is not None:
        # installed fonts for characters the bundled one lacks; the rest listed where they occur
        fonts = fonts.with_fallbacks(user_texts(ev, rules))
        unprintable = glyph_issues(ev, fonts, rules)
        if unprintable:
            ev = dataclasses.replace(ev, issues=[*ev.issues, *unprintable])
    out_dir.mkdir(parents=True, exist_ok=True)
    models = [
        district_report(ev, d, lang, rules)
        for d in ev.districts.sort_values("rank")["district"].tolist()
    ]
    files: list[Path] = []
    render_times: list[float] = []
    total = len(models)
    if jobs is None:
        jobs = max(1, min(cores(), total // DISTRICTS_PER_WORKER))
    if jobs > 1 and total > 1:
        # spawn, not fork: the parent may hold threads (Typst, BLAS) that a fork would copy locked
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=min(jobs, total), mp_context=ctx) as pool:
            futures = [pool.submit(_render_district, m, out_dir, fonts, pdf) for m in models]
            for i, (m, fut) in enumerate(zip(models, futures, strict=True), start=1):
                written, secs = fut.result()
                files += written
                render_times.append(secs)
                if progress:
                    progress(m.district, i, total)
    else:
        for i, m in enumerate(models, start=1):
            written, secs = _render_district(m, out_dir, fonts, pdf)
            files += written
            render_times.append(secs)
            if progress:
                progress(m.district, i, total)
    files.append(
        write_comparison_workbook(comparison_report(ev, lang), out_dir / "comparison.xlsx")
    )
    issues_path = out_dir / "issues.xlsx"
    if ev.issues:
        files.append(write_issues_workbook(issues_frame(ev.issues), issues_path, lang))
    elif issues_path.exists():
        os.remove(issues_path)  # a stale list from an earlier failed run would mislead
    if ev.blocked:
        blocked = sorted({d for ds in ev.blocked.values() for d in ds} or set(ev.blocked))
        raise PartialRunError(
            ev.errors,
            summary=f"{len(ev.errors)} problem(s) in {len(ev.blocked)} file(s) blocked "
            f"{len(blocked)} district(s) ({', '.join(blocked)}); reports were written for the "
            f"{len(models)} other district(s), and every problem is in {issues_path}",
        )
    seconds = time.perf_counter() - t0
    timings = {
        "evaluate": t_eval,
        "per_district_mean": sum(render_times) / len(render_times) if render_times else 0.0,
    }
    return RunResult(ev, files, seconds, timings)


__all__ = ["EvalkitError", "RunResult", "run_project", "safe_filename"]

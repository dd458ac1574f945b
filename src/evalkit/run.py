"""Run a project: evaluate it and write every district's Excel and PDF report plus the comparison.

Reports of different districts are independent, so they are rendered in a process pool when
``jobs`` > 1. A run's report files are written into a hidden staging folder inside the output
folder and moved into place together once every one of them is complete (:class:`_Staging`), so
an earlier complete report set is never mixed with a partial one (say a workbook in English beside
a Chinese PDF). A run that stops after reading its inputs, whatever the cause (bad input in every
district, no font, a failed render), leaves the earlier reports as they were and writes
``issues.xlsx``, the table of problems, saying what happened.
"""

from __future__ import annotations

import dataclasses
import hashlib
import multiprocessing
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from .errors import EvalkitError, FontError, InputError, Issue, Location, PartialRunError
from .pipeline import Evaluation, evaluate
from .report.fonts import FontChain
from .report.model import DistrictReport
from .spec import RunSpec, load_spec
from .system import cores

Progress = Callable[[str, int, int], None]

ISSUES_FILE = "issues.xlsx"
MAX_STEM_BYTES = 240  # a report's file name stem; with ".xlsx" within the usual 255-byte limit


@dataclass(frozen=True)
class RunResult:
    evaluation: Evaluation
    files: list[Path]
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)


def safe_filename(name: str) -> str:
    """A district name as a file name: path separators and control characters replaced; a name
    longer than :data:`MAX_STEM_BYTES` in UTF-8 is cut and ends with a short hash of the whole name
    (two long names sharing their start stay two files)."""
    bad = '<>:"/\\|?*'
    out = "".join("_" if (c in bad or ord(c) < 32) else c for c in name).strip(" .")
    out = out or "district"
    if len(out.encode("utf-8")) > MAX_STEM_BYTES:
        tag = "~" + hashlib.sha1(out.encode("utf-8")).hexdigest()[:8]
        cut = out.encode("utf-8")[: MAX_STEM_BYTES - len(tag)].decode("utf-8", errors="ignore")
        out = cut.rstrip(" .") + tag
    return out


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
            "bundled font",
            zh=f"字体文件 {explicit} 不存在；请为 --font（或 evalkit.yaml 中的 report.font）指定"
            "一个存在的 .ttf、.otf 或 .ttc 文件，或不指定而使用 evalkit 自带的字体",
        )
    chain = font_chain(explicit)
    _ = chain.families  # reads every font's names now: a bad file fails before any report
    return chain


DISTRICTS_PER_WORKER = 4  # measured: 2 workers gain nothing at 4 districts, 33 % at 40


class _Staging:
    """The files of one run, written into a hidden folder inside the output folder and moved into
    place together by :meth:`commit` once all of them are complete.

    The folder's name is short (``.evalkit-`` and 8 random characters) and the files in it keep
    their final names, so no temporary name is longer than a final one. :meth:`commit` first moves
    the earlier files it replaces (or removes) aside into the folder, then moves the new ones in;
    when a move fails (a file open in another program on Windows) every step is undone, so the
    output folder holds either the earlier set or the new one. :meth:`discard` removes the folder.
    """

    def __init__(self, out_dir: Path) -> None:
        out_dir.mkdir(parents=True, exist_ok=True)
        self.out = out_dir
        self.dir = Path(tempfile.mkdtemp(prefix=".evalkit-", dir=out_dir))
        self.keep = False

    def commit(self, files: Sequence[Path], remove: Sequence[str] = ()) -> list[Path]:
        """Move *files* (paths inside the staging folder) into the output folder, and remove the
        earlier files named *remove*; return the final paths."""
        names = [f.name for f in files]
        aside: list[tuple[Path, Path]] = []  # (earlier file, where it waits)
        placed: list[Path] = []
        try:
            for k, name in enumerate([*names, *remove]):
                target = self.out / name
                if target.exists():
                    spare = self.dir / f".earlier-{k}"
                    os.replace(target, spare)
                    aside.append((target, spare))
            for f in files:
                os.replace(f, self.out / f.name)
                placed.append(self.out / f.name)
        except OSError as exc:
            for p in placed:
                with suppress(OSError):
                    p.unlink()
            lost = []
            for target, spare in aside:
                try:
                    os.replace(spare, target)
                except OSError:
                    lost.append(f"{target.name} (now {spare})")
            if lost:  # keep them where they are rather than delete them with the folder
                self.keep = True
                raise OSError(
                    f"{exc}; earlier reports could not be put back: {', '.join(lost)}"
                ) from exc
            raise
        self.discard()
        return placed

    def discard(self) -> None:
        """Remove the staging folder, unless it holds earlier files that could not be put back."""
        if not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)


def _stopped(exc: BaseException, district: str = "") -> Issue:
    """The problem that stopped a run after its inputs were read."""
    detail = str(exc) or type(exc).__name__
    detail_zh = getattr(exc, "zh", "") or detail
    what = f"the report of {district}" if district else "the reports"
    what_zh = f"{district}的报告" if district else "报告"
    return Issue(
        Location(),
        f"the run stopped: {what} could not be written ({detail})",
        message_zh=f"运行中止：{what_zh}未能生成（{detail_zh}）",
        fix="No earlier report was replaced. Remove the cause and run again.",
        fix_zh="原有的报告均未被替换。排除原因后重新运行。",
        check="run",
        district=district,
    )


def _write_issues(
    issues: Sequence[Issue], path: Path, lang: str, names: dict[str, str] | None = None
) -> Path:
    from .report.excel import write_issues_workbook
    from .report.tables import issues_table

    return write_issues_workbook(issues_table(issues, lang, names=names), path, lang)


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
    about what they save).

    Raises InputError (every problem; ``issues.xlsx`` lists them) when no district can be scored,
    PartialRunError after writing the reports of the others when some districts' files have errors,
    and FontError or EvalkitError when the reports cannot be written; no earlier report is then
    replaced, and ``issues.xlsx`` says what happened."""
    from .report.coverage import glyph_issues, user_texts
    from .report.excel import write_comparison_workbook, write_issues_workbook
    from .report.tables import (
        comparison_report,
        district_names,
        district_report,
        districts_total,
        issues_table,
        load_rules,
    )

    t0 = time.perf_counter()
    spec = project if isinstance(project, RunSpec) else load_spec(project)
    lang = lang or spec.report.lang
    out_dir = spec.output_dir
    issues_path = out_dir / ISSUES_FILE
    try:
        ev = evaluate(spec, isolate=True)
    except InputError as exc:
        _write_issues(exc.issues, issues_path, lang)
        raise
    t_eval = time.perf_counter() - t0
    names = district_names(ev, lang)
    stage = _Staging(out_dir)
    failed = ""  # the district whose report was being rendered when the run stopped
    render_times: list[float] = []
    try:
        fonts = resolve_font(spec, lang, font) if pdf else None
        rules = load_rules(ev)
        if fonts is not None:
            # installed fonts for characters the bundled one lacks; the rest listed where they
            # occur
            fonts = fonts.with_fallbacks(user_texts(ev, rules))
            unprintable = glyph_issues(ev, fonts, rules)
            if unprintable:
                ev = dataclasses.replace(ev, issues=[*ev.issues, *unprintable])
        models = [
            district_report(ev, d, lang, rules)
            for d in ev.districts.sort_values("rank")["district"].tolist()
        ]
        staged: list[Path] = []
        total = len(models)
        if jobs is None:
            jobs = max(1, min(cores(), total // DISTRICTS_PER_WORKER))
        if jobs > 1 and total > 1:
            # spawn, not fork: the parent may hold threads (Typst, BLAS) that a fork would copy
            # locked
            ctx = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=min(jobs, total), mp_context=ctx) as pool:
                futures: list[Future[tuple[list[Path], float]]] = [
                    pool.submit(_render_district, m, stage.dir, fonts, pdf) for m in models
                ]
                try:
                    for i, (m, fut) in enumerate(zip(models, futures, strict=True), start=1):
                        failed = m.district_id
                        written, secs = fut.result()
                        staged += written
                        render_times.append(secs)
                        if progress:
                            progress(m.district, i, total)
                finally:
                    for fut in futures:
                        fut.cancel()  # the rest are not needed once one failed
        else:
            for i, m in enumerate(models, start=1):
                failed = m.district_id
                written, secs = _render_district(m, stage.dir, fonts, pdf)
                staged += written
                render_times.append(secs)
                if progress:
                    progress(m.district, i, total)
        failed = ""
        staged.append(
            write_comparison_workbook(comparison_report(ev, lang), stage.dir / "comparison.xlsx")
        )
        if ev.issues:
            table = issues_table(ev.issues, lang, names=names)
            staged.append(write_issues_workbook(table, stage.dir / ISSUES_FILE, lang))
        # a list of problems from an earlier run would mislead when this one has none
        files = stage.commit(staged, remove=() if ev.issues else (ISSUES_FILE,))
    except BaseException as exc:
        stage.discard()
        if isinstance(exc, Exception):
            found = exc.issues if isinstance(exc, InputError) else [_stopped(exc, failed)]
            with suppress(Exception):  # the original failure is what the user must see
                _write_issues([*ev.issues, *found], issues_path, lang, names)
            if not isinstance(exc, EvalkitError):
                what = f"the report of {failed}" if failed else "the reports"
                raise EvalkitError(
                    f"{what} could not be written: {type(exc).__name__}: {exc}. No earlier "
                    f"report was replaced; {issues_path} says what happened."
                ) from exc
        raise
    if ev.blocked:
        raise PartialRunError(
            ev.errors, summary=_partial_summary(ev, len(models), districts_total(ev), issues_path)
        )
    seconds = time.perf_counter() - t0
    timings = {
        "evaluate": t_eval,
        "per_district_mean": sum(render_times) / len(render_times) if render_times else 0.0,
    }
    return RunResult(ev, files, seconds, timings)


def _partial_summary(ev: Evaluation, written: int, total: int, issues_path: Path) -> str:
    """The terminal's account of a run that left districts out: who, which file, how many
    problems, and what the others' ranks and province figures cover."""
    from .report.tables import left_out

    parts = []
    for d, files in left_out(ev).items():
        why = "; ".join(f"{n} error{'s' if n != 1 else ''} in {f}" for f, n in files)
        parts.append(f"{d or 'districts unknown'} ({why})")
    return (
        f"{len(parts)} district(s) left out because of errors in their files: {', '.join(parts)}. "
        f"Reports were written for the {written} other district(s); their ranks, province means "
        f"and entropy weights cover {written} of {total} districts. Every problem is in "
        f"{issues_path}"
    )


__all__ = ["EvalkitError", "RunResult", "run_project", "safe_filename"]

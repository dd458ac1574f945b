"""Run a project: evaluate it and write every district's Excel and PDF report plus the comparison.

Reports of different districts are independent, so they are rendered in a process pool when
``jobs`` > 1. A run's report files are written into a hidden staging folder inside the output
folder and moved into place together once every one of them is complete (:class:`_Staging`), so
an earlier complete report set is never mixed with a partial one (say a workbook in English beside
a Chinese PDF). A run that stops after reading its inputs, whatever the cause (bad input in every
district, no font, a failed render), leaves the earlier reports as they were and writes
``issues.xlsx``, the table of problems, saying what happened.

The output folder is locked while a run writes there (:class:`~evalkit.outdir.OutputLock`); the
temporary files of earlier, killed runs are removed first; every district gets a unique, safe file
name (:func:`~evalkit.outdir.report_names`); and ``manifest.json`` records which run wrote each
file. Report workers end when the run ends, however it ends (:func:`_worker_start`).
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import (
    EvalkitError,
    FontError,
    InputError,
    Issue,
    Location,
    MethodError,
    PartialRunError,
)
from .outdir import (
    MANIFEST,
    MAX_STEM_BYTES,
    OutputError,
    OutputLock,
    ReportName,
    check_lang,
    check_project,
    clean_stale,
    manifest,
    os_error,
    output_error,
    read_manifest,
    record_stopped,
    renamed_issues,
    report_names,
    run_inputs,
    safe_filename,
    write_manifest,
)
from .pipeline import Evaluation, evaluate
from .provenance import Provenance, provenance, provenance_record
from .report.fonts import FontChain
from .report.model import ComparisonReport, DistrictReport
from .spec import RunSpec, load_spec
from .system import cores

Progress = Callable[[str, int, int], None]
# a resumable run's plan (evalkit.batch.resume): made once the districts are known, it names the
# districts still to write and puts each one's files in place as soon as they are written
PlanFactory = Callable[..., Any]

ISSUES_FILE = "issues.xlsx"


@dataclass(frozen=True)
class RunResult:
    """What a run did: the evaluation, the files written (manifest.json last), the file name of
    every district's reports (``names``: district -> ReportName, with why a name was changed) and
    the run's id (as in manifest.json)."""

    evaluation: Evaluation
    files: list[Path]
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)
    names: dict[str, ReportName] = field(default_factory=dict)
    run_id: str = ""
    kept: tuple[str, ...] = ()  # districts a resumed run found done and left as they were

    @property
    def renamed(self) -> list[ReportName]:
        """The districts whose reports' file name is not their name."""
        return [r for r in self.names.values() if r.changed]


def _render_district(
    model: DistrictReport, stem: str, out_dir: Path, font: FontChain | None, pdf: bool
) -> tuple[list[Path], float]:
    from .report.excel import write_district_workbook
    from .report.pdf import render_district_pdf

    t0 = time.perf_counter()
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
PARENT_POLL = 0.5  # seconds between a worker's looks at whether its run still lives
PR_SET_PDEATHSIG = 1  # prctl(2)


def _worker_start(parent: int, alive: Any) -> None:
    """Set up a report worker so that it ends when the run that started it ends, however that
    ends (``kill -9`` included): on Linux the kernel kills it (``prctl(PR_SET_PDEATHSIG,
    SIGKILL)``); everywhere a thread ends it once the pipe *alive*, whose other end only the run
    holds open, reports end-of-file, or (POSIX) once its parent's process id changes."""
    if sys.platform.startswith("linux"):
        with suppress(Exception):  # a libc without prctl: the thread below still watches
            import ctypes
            import signal

            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    if os.name != "nt" and os.getppid() != parent:
        os._exit(1)  # the run ended before this worker had started
    threading.Thread(
        target=_watch_parent, args=(parent, alive), name="evalkit-parent-watch", daemon=True
    ).start()


def _watch_parent(parent: int, alive: Any) -> None:
    while True:
        try:
            if alive.poll(PARENT_POLL):
                alive.recv()  # the run never sends: this is end-of-file, raised as EOFError
        except (EOFError, OSError):
            break
        if os.name != "nt" and os.getppid() != parent:
            break
    os._exit(1)


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
    issues: Sequence[Issue],
    path: Path,
    lang: str,
    report_date: str,
    run_id: str,
    names: dict[str, str] | None = None,
) -> Path:
    """``issues.xlsx`` of a run that stopped, entered in the folder's manifest as that run's."""
    from .report.excel import write_issues_workbook
    from .report.tables import issues_table

    write_issues_workbook(issues_table(issues, lang, names=names), path, lang, report_date)
    with suppress(OSError):  # the list of problems matters more than its entry
        record_stopped(path.parent, path.name, run_id, lang)
    return path


def _district_files(ev: Evaluation) -> dict[str, set[str]]:
    """Each district's input files, as the issues name them: where its survey rows and stations
    came from, and the files with errors that held it."""
    out: dict[str, set[str]] = {}
    for frame in (ev.survey.responses, ev.survey.stations):
        if "_file" in frame.columns and "district" in frame.columns:
            pairs = frame[["district", "_file"]].drop_duplicates()
            for d, f in zip(pairs["district"], pairs["_file"], strict=True):
                out.setdefault(str(d), set()).add(str(f))
    for f, districts in ev.blocked.items():
        for d in districts:
            out.setdefault(d, set()).add(f)
    return out


def run_project(
    project: RunSpec | Path | str = ".",
    *,
    lang: str | None = None,
    font: Path | str | None = None,
    jobs: int | None = None,
    pdf: bool = True,
    progress: Progress | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    out: Path | str | None = None,
    plan: PlanFactory | None = None,
    uncertainty: int | None = None,
    workbooks_only: bool = False,
    html: bool = True,
) -> RunResult:
    """Evaluate a project and write its reports; returns the evaluation and the files written.

    ``workbooks_only``: write the workbooks exactly as a run with *pdf* and *html* writes them,
    without rendering the PDFs and pages (``evalkit verify`` recomputes the workbooks so).

    ``executor``: ``local`` (a process pool of ``jobs`` workers) or ``dask`` (Dask distributed:
    the cluster at ``scheduler``, or a LocalCluster of ``jobs`` workers; :mod:`evalkit.dask_backend`).
    ``out``: the output folder (default: the project's ``report.output``). A folder whose
    ``manifest.json`` shows reports in another language is refused (OutputError): a run never
    replaces the reports of one language by another's (:func:`~evalkit.outdir.check_lang`).
    ``plan``: makes a resumable run's plan (:mod:`evalkit.batch.resume`), which puts every
    district's reports in place as soon as they are written and skips the districts an earlier
    run finished; without it, the run's files are moved into place together at the end.

    ``jobs``: worker processes for the reports; ``None`` picks one per core once there are at
    least :data:`DISTRICTS_PER_WORKER` districts per worker (below that, starting the workers costs
    about what they save).

    ``uncertainty``: the draws of the uncertainty analysis (``uncertainty.draws`` of the project
    file when None; 0 turns it off). It is computed once, before the reports are rendered, and
    every report shows it.

    The output folder is locked for the run (OutputError when another run holds it, or when it
    cannot be made or written: a file in its place, no permission, a full disk); temporary files
    of earlier killed runs are removed first. Raises InputError (every problem; ``issues.xlsx``
    lists them) when no district can be scored, PartialRunError after writing the reports of the
    others when some districts' files have errors, and FontError or EvalkitError when the reports
    cannot be written; no earlier report is then replaced, and ``issues.xlsx`` says what
    happened. ``html``: also a self-contained HTML page per district and ``comparison.html`` (``evalkit run``
    writes them unless ``--formats`` leaves html out)."""
    t0 = time.perf_counter()
    spec = project if isinstance(project, RunSpec) else load_spec(project)
    spec = with_output(spec, out)
    lang = lang or spec.report.lang
    if uncertainty is not None:
        if uncertainty < 0:
            raise EvalkitError(
                f"the uncertainty analysis takes 0 or more draws, not {uncertainty}",
                zh=f"不确定性分析的抽样数应为 0 或正整数，而不是 {uncertainty}",
            )
        draws = dataclasses.replace(spec.uncertainty, draws=uncertainty)
        spec = dataclasses.replace(spec, uncertainty=draws)
    with OutputLock(spec.output_dir):
        check_lang(spec.output_dir, lang)
        check_project(spec.output_dir, spec.file)
        stale = clean_stale(spec.output_dir)
        pool = _Pool(jobs, executor, scheduler)
        return _run_locked(
            spec, lang, font, pool, pdf, progress, stale, t0, plan, workbooks_only, html
        )


def with_output(spec: RunSpec, out: Path | str | None) -> RunSpec:
    """*spec* writing into the folder *out* (relative to the current folder, as a command
    line gives it); *spec* itself when *out* is None."""
    if out is None:
        return spec
    folder = str(Path(out).absolute())
    return dataclasses.replace(spec, report=dataclasses.replace(spec.report, output=folder))


def _run_locked(
    spec: RunSpec,
    lang: str,
    font: Path | str | None,
    pool: _Pool,
    pdf: bool,
    progress: Progress | None,
    stale: list[Issue],
    t0: float,
    plan_factory: PlanFactory | None = None,
    workbooks_only: bool = False,
    html: bool = True,
) -> RunResult:
    from .report.tables import district_names, district_report, districts_total, load_rules

    spec, prov = _with_provenance(spec)
    out_dir = spec.output_dir
    issues_path = out_dir / ISSUES_FILE
    date = spec.report.date
    run_id = run_inputs(spec, {}, lang=lang, pdf=pdf, font=_font_path(spec, font)).run_id
    ev = _evaluate_or_list(spec, lang, stale, run_id)
    t_eval = time.perf_counter() - t0
    order = ev.districts.sort_values("rank")["district"].tolist()
    names = report_names(order)
    renamed = renamed_issues(names, pdf, _district_files(ev), html=html)
    ev = dataclasses.replace(ev, issues=[*ev.issues, *stale, *renamed])
    display = district_names(ev, lang)
    t_unc = time.perf_counter()
    ev = _with_uncertainty(ev)
    ev = _with_periods(ev)
    t_unc = time.perf_counter() - t_unc
    try:
        stage = _Staging(out_dir)
    except OSError as exc:
        raise output_error(exc, out_dir, "making its staging folder", "创建暂存文件夹") from exc
    stems = {d: r.stem for d, r in names.items()}
    render = _Renderer(stems, stage.dir, pdf and not workbooks_only, pool)
    todo, plan = order, None
    if plan_factory is not None:
        inputs = run_inputs(
            spec, _district_files(ev), lang=lang, pdf=pdf, font=_font_path(spec, font)
        )
        plan = plan_factory(out_dir=out_dir, inputs=inputs, names=names, lang=lang, pdf=pdf)
        todo = plan.todo(order)
        render.commit, render.offset = plan.commit, len(order) - len(todo)
        plan.skipped(progress)
    try:
        rules = load_rules(ev)
        fonts, ev = _report_fonts(spec, lang, font, ev, rules) if pdf else (None, ev)
        # every district's page is made again (the font is cut for all pages together), also
        # for the districts a resumed run keeps
        pages_too = html and not workbooks_only
        models = [
            district_report(ev, d, lang, rules, provenance=prov)
            for d in (order if pages_too else todo)
        ]
        kept = set(order) - set(todo)
        render.all([m for m in models if m.district_id not in kept], fonts, pool.jobs, progress)
        pages = _HtmlPages(ev, lang, models, render.stems, stage.dir) if pages_too else None
        record = _write_the_rest(
            ev,
            spec,
            lang,
            font,
            pdf,
            names,
            display,
            stage.dir,
            render.staged,
            prov,
            html,
            pages,
            workbooks_only,
        )
        written_files = stage.commit(render.staged, remove=record.removed)
        if plan is not None:
            written_files = [*plan.placed, *written_files]
    except BaseException as exc:
        stage.discard()
        if isinstance(exc, Exception):
            _stop(exc, ev, render.failed, issues_path, lang, date, run_id, display)
        raise
    seconds = time.perf_counter() - t0
    times = render.times
    timings = {
        "evaluate": t_eval,
        "uncertainty": t_unc,
        "per_district_mean": sum(times) / len(times) if times else 0.0,
    }
    kept = tuple(plan.done) if plan is not None else ()
    result = RunResult(ev, written_files, seconds, timings, names, record.run_id, kept)
    if ev.blocked:
        partial = PartialRunError(
            ev.errors, summary=_partial_summary(ev, len(order), districts_total(ev), issues_path)
        )
        partial.result = result  # type: ignore[attr-defined]  # what was written all the same
        raise partial
    return result


def _evaluate_or_list(spec: RunSpec, lang: str, stale: list[Issue], run_id: str) -> Evaluation:
    """The evaluation of *spec*; when no district can be scored, issues.xlsx lists why (and
    the temporary files of killed runs removed, *stale*) before the InputError goes on."""
    issues_path = spec.output_dir / ISSUES_FILE
    try:
        return evaluate(spec, isolate=True)
    except InputError as exc:
        try:
            _write_issues([*exc.issues, *stale], issues_path, lang, spec.report.date, run_id)
        except OSError as err:  # the input's problems first; then why they are not in a file
            why = output_error(err, spec.output_dir)
            exc.summary += f" ({issues_path} could not be written: {why})"
        raise


def _report_fonts(
    spec: RunSpec, lang: str, font: Path | str | None, ev: Evaluation, rules: Any
) -> tuple[FontChain, Evaluation]:
    """The PDFs' fonts: the chosen or bundled font, then installed fonts for characters it
    lacks; *ev* with a warning for each text no font can print, where it occurs."""
    from .report.coverage import glyph_issues, user_texts

    fonts = resolve_font(spec, lang, font).with_fallbacks(user_texts(ev, rules))
    unprintable = glyph_issues(ev, fonts, rules)
    if unprintable:
        ev = dataclasses.replace(ev, issues=[*ev.issues, *unprintable])
    return fonts, ev


@dataclass(frozen=True)
class _Pool:
    """Where the districts' reports are rendered: jobs, executor (local | dask), scheduler."""

    jobs: int | None = None
    executor: str = "local"
    scheduler: str | None = None


@dataclass(frozen=True)
class _HtmlPages:
    """``<district>.html`` beside each district's workbook, and ``comparison.html`` (from the
    comparison's model that comparison.xlsx is written from); the font is subset once, to the
    characters of all the pages."""

    ev: Evaluation
    lang: str
    models: list[DistrictReport]
    stems: dict[str, str]
    folder: Path

    def write(self, comparison: ComparisonReport) -> list[Path]:
        from .report.comparison_pdf import comparison_pdf_sections
        from .report.html import comparison_page, district_page, write_html
        from .report.html_font import font_face_css
        from .report.scope import report_scope
        from .report.tables import district_names
        from .report.whatif import whatif_payload

        ev, lang = self.ev, self.lang
        names = district_names(ev, lang)
        pages = {
            f"{self.stems[m.district_id]}.html": district_page(
                m, whatif_payload(ev, lang, names, m.district_id)
            )
            for m in self.models
        }
        with report_scope(str(ev.spec.scope)):  # 全省 / 全市 in the overview
            lead = comparison_pdf_sections(comparison, ev)
        pages["comparison.html"] = comparison_page(
            comparison, whatif_payload(ev, lang, names), lead
        )
        font = font_face_css("".join(p.chars for p in pages.values()))
        return [write_html(page.html(font), self.folder / name) for name, page in pages.items()]


def _with_periods(ev: Evaluation) -> Evaluation:
    """*ev* with its survey periods compared (a project with ``periods:``), once, here; their
    warnings (units in one period only) join the run's. When the periods cannot be compared (a
    tree that scores differently, a relative method, a period's data with errors), a warning says
    why and the reports show no change."""
    try:
        result = ev.analysis("periods")
    except EvalkitError as exc:
        ev._analyses["periods"] = None
        why = Issue(
            Location(),
            f"the change between survey periods was not computed: {exc}",
            message_zh=f"未计算各调查期之间的变化：{getattr(exc, 'zh', '') or exc}",
            severity="warning",
            check="periods",
        )
        return dataclasses.replace(ev, issues=[*ev.issues, why])
    if result is None or not result.issues:
        return ev
    return dataclasses.replace(ev, issues=[*ev.issues, *result.issues])


def _with_uncertainty(ev: Evaluation) -> Evaluation:
    """*ev* with its uncertainty analysis computed (once, here, so that the reports rendered in
    workers get the result with their models); when the evaluation's methods cannot be varied
    (MethodError), a warning says why the reports have no uncertainty analysis."""
    try:
        ev.analysis("uncertainty")
    except MethodError as exc:
        why = Issue(
            Location(),
            f"the uncertainty analysis was not run: {exc}",
            message_zh=f"未进行不确定性分析：{getattr(exc, 'zh', '') or exc}",
            severity="warning",
            check="uncertainty",
        )
        return dataclasses.replace(ev, issues=[*ev.issues, why])
    return ev


@dataclass
class _Renderer:
    """Renders the districts' reports into the staging folder, in worker processes or here;
    ``failed`` names the district being waited for when something went wrong."""

    stems: dict[str, str]
    folder: Path
    pdf: bool
    pool: _Pool = field(default_factory=_Pool)
    staged: list[Path] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    failed: str = ""
    commit: Callable[[str, list[Path]], None] | None = None  # puts a district's files in place
    offset: int = 0  # districts done before (a resumed run), counted in the progress

    def all(
        self,
        models: list[DistrictReport],
        fonts: FontChain | None,
        jobs: int | None,
        progress: Progress | None,
    ) -> None:
        total = len(models)
        if self.pool.executor == "dask":
            self._on_dask(models, fonts, jobs, progress)
            return
        if jobs is None:
            jobs = max(1, min(cores(), total // DISTRICTS_PER_WORKER))
        if jobs > 1 and total > 1:
            self._in_workers(models, fonts, min(jobs, total), progress)
        else:
            for i, m in enumerate(models, start=1):
                self.failed = m.district_id
                self._done(m, i, total, _render_district(*self._args(m, fonts)), progress)
        self.failed = ""

    def _on_dask(
        self,
        models: list[DistrictReport],
        fonts: FontChain | None,
        jobs: int | None,
        progress: Progress | None,
    ) -> None:
        from .dask_backend import render_on_dask

        def failed(district: str) -> None:
            self.failed = district

        render_on_dask(
            _render_district,
            models,
            self.stems,
            self.folder,
            fonts,
            self.pdf,
            scheduler=self.pool.scheduler,
            workers=jobs or cores(),
            done=lambda m, i, n, r: self._done(m, i, n, r, progress),
            failed=failed,
        )
        self.failed = ""

    def _args(self, m: DistrictReport, fonts: FontChain | None) -> tuple[Any, ...]:
        return m, self.stems[m.district_id], self.folder, fonts, self.pdf

    def _done(
        self,
        m: DistrictReport,
        i: int,
        total: int,
        result: tuple[list[Path], float],
        progress: Progress | None,
    ) -> None:
        if self.commit is not None:
            self.commit(m.district_id, result[0])
        else:
            self.staged += result[0]
        self.times.append(result[1])
        if progress:
            progress(m.district, i + self.offset, total + self.offset)

    def _in_workers(
        self,
        models: list[DistrictReport],
        fonts: FontChain | None,
        workers: int,
        progress: Progress | None,
    ) -> None:
        # spawn, not fork: the parent may hold threads (Typst, BLAS) that a fork would copy locked
        ctx = multiprocessing.get_context("spawn")
        alive, keep_alive = ctx.Pipe(duplex=False)  # workers watch it; only we can close it
        try:
            with ProcessPoolExecutor(
                max_workers=workers,
                mp_context=ctx,
                initializer=_worker_start,
                initargs=(os.getpid(), alive),
            ) as pool:
                futures: list[Future[tuple[list[Path], float]]] = [
                    pool.submit(_render_district, *self._args(m, fonts)) for m in models
                ]
                try:
                    for i, (m, fut) in enumerate(zip(models, futures, strict=True), start=1):
                        self.failed = m.district_id
                        self._done(m, i, len(models), fut.result(), progress)
                finally:
                    for fut in futures:
                        fut.cancel()  # the rest are not needed once one failed
        finally:
            keep_alive.close()
            alive.close()


@dataclass(frozen=True)
class _Record:
    run_id: str
    removed: tuple[str, ...]


def _write_the_rest(
    ev: Evaluation,
    spec: RunSpec,
    lang: str,
    font: Path | str | None,
    pdf: bool,
    names: dict[str, ReportName],
    display: dict[str, str],
    folder: Path,
    staged: list[Path],
    prov: Provenance | None = None,
    html: bool = False,
    pages: _HtmlPages | None = None,
    workbooks_only: bool = False,
) -> _Record:
    """comparison.xlsx (and comparison.pdf), the HTML pages (*pages*), issues.xlsx and
    manifest.json into the staging *folder* beside the districts' reports (appended to
    *staged*). The comparison's list of files names the PDFs (*pdf*) and pages (*html*) of the
    run, also when *workbooks_only* leaves them unwritten."""
    from .report.excel import write_comparison_workbook, write_issues_workbook
    from .report.scope import report_scope
    from .report.tables import comparison_report, files_table, issues_table

    files = files_table(names, display, lang, pdf, html=html)
    comparison = comparison_report(ev, lang, files=files, provenance=prov)
    staged.append(write_comparison_workbook(comparison, folder / "comparison.xlsx"))
    if pdf and not workbooks_only:
        from .report.comparison_pdf import render_comparison_pdf

        fonts = resolve_font(spec, lang, font)
        staged.append(render_comparison_pdf(comparison, ev, folder / "comparison.pdf", font=fonts))
    if pages is not None:
        staged += pages.write(comparison)
    if ev.issues:
        with report_scope(spec.scope):  # 全省 / 全市 for the study's issues
            table = issues_table(ev.issues, lang, names=display)
        staged.append(write_issues_workbook(table, folder / ISSUES_FILE, lang, spec.report.date))
    # a list of problems from an earlier run would mislead when this one has none
    remove = () if ev.issues else (ISSUES_FILE,)
    inputs = run_inputs(spec, _district_files(ev), lang=lang, pdf=pdf, font=_font_path(spec, font))
    record = manifest(
        inputs,
        lang,
        names,
        staged,
        left_out=[d for ds in ev.blocked.values() for d in ds if d not in names],
        earlier=read_manifest(spec.output_dir),
        out_dir=spec.output_dir,
        removed=remove,
    )
    if prov is not None:
        record["provenance"] = provenance_record(prov)
    staged.append(write_manifest(record, folder / MANIFEST))
    return _Record(inputs.run_id, remove)


def _with_provenance(spec: RunSpec) -> tuple[RunSpec, Provenance]:
    """The run's provenance, computed once, and *spec* dated by it: an undated project takes
    the date its newest input workbook records (never the clock)."""
    prov = provenance(spec)
    if not spec.report.date and prov.date:
        spec = dataclasses.replace(spec, report=dataclasses.replace(spec.report, date=prov.date))
    return spec, prov


def _font_path(spec: RunSpec, font: Path | str | None) -> Path | None:
    """The font file given (``--font``, else ``report.font``, already relative to the project),
    as :func:`resolve_font` reads it."""
    given = font or spec.report.font
    return Path(given) if given else None


def _stop(
    exc: Exception,
    ev: Evaluation,
    failed: str,
    issues_path: Path,
    lang: str,
    date: str,
    run_id: str,
    display: dict[str, str],
) -> None:
    """After a run stopped while writing: list why in ``issues.xlsx`` (beside the data issues)
    and raise what the user must read; an InputError or EvalkitError is raised by the caller."""
    out_dir = issues_path.parent
    what = f"the report of {failed}" if failed else "the reports"
    what_zh = f"{failed}的报告" if failed else "报告"
    oserr = None if isinstance(exc, EvalkitError) else os_error(exc)
    cause: BaseException = exc
    if oserr is not None:
        cause = output_error(oserr, out_dir, f"writing {what}", f"写入{what_zh}时")
    found = exc.issues if isinstance(exc, InputError) else [_stopped(cause, failed)]
    wrote = False
    with suppress(Exception):  # the original failure is what the user must see
        _write_issues([*ev.issues, *found], issues_path, lang, date, run_id, display)
        wrote = True
    if isinstance(exc, EvalkitError):
        return
    told = (
        f"{issues_path} says what happened"
        if wrote
        else f"{issues_path} could not be written either"
    )
    told_zh = f"{issues_path} 说明了原因" if wrote else f"{issues_path} 也未能写入"
    if oserr is not None:
        raise OutputError(
            f"the run stopped: {cause}. No earlier report was replaced; {told}.",
            zh=f"运行中止：{getattr(cause, 'zh', '') or cause}。原有的报告均未被替换；{told_zh}。",
        ) from exc
    raise EvalkitError(
        f"{what} could not be written: {type(exc).__name__}: {exc}. No earlier "
        f"report was replaced; {told}."
    ) from exc


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


__all__ = [
    "MAX_STEM_BYTES",
    "EvalkitError",
    "OutputError",
    "RunResult",
    "run_project",
    "safe_filename",
]

"""Batch runs: a whole province in one command (``evalkit run``).

:func:`run_batch` runs a project into an output folder of the user's choosing, in one language
or several (``--lang zh,en``: each language into a folder of its own, ``DIR/zh`` and ``DIR/en``,
so the two sets never overwrite each other), resumably (:mod:`.resume`), with every workbook
read first in a worker process under memory and time limits (:mod:`.contain`), and returns what
happened per language: the districts written, the districts left out with their files, the
warnings.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import EvalkitError, Issue, PartialRunError
from ..run import RunResult, run_project, with_output
from ..spec import RunSpec, load_spec
from .contain import ReadLimits, contained
from .resume import ResumePlan

LANGS = ("zh", "en")

DEFAULT_LIMITS = ReadLimits()

BatchProgress = Callable[[str, str, int, int], None]  # language, district, done, total


def parse_langs(text: str | None) -> list[str]:
    """``"zh"``, ``"en"``, ``"zh,en"`` (any order, spaces allowed) as a list without repeats;
    EvalkitError for anything else."""
    if text is None:
        return []
    langs = [x.strip() for x in text.split(",") if x.strip()]
    bad = [x for x in langs if x not in LANGS]
    if bad or not langs:
        raise EvalkitError(
            f"--lang takes zh, en or zh,en (both, each into a folder of its own), not {text!r}",
            zh=f"--lang 可取 zh、en 或 zh,en（两种语言，各写入自己的文件夹），而不是 {text!r}",
        )
    return list(dict.fromkeys(langs))


@dataclass
class LangRun:
    """One language's run: its output folder, the result (also of a run that left districts
    out) and the PartialRunError that says which, if any."""

    lang: str
    folder: Path
    result: RunResult
    partial: PartialRunError | None = None

    @property
    def written(self) -> list[str]:
        """The districts whose reports were written (or kept by a resumed run), by rank."""
        return list(self.result.names)

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.result.evaluation.issues if i.severity == "warning"]

    @property
    def failed(self) -> dict[str, list[tuple[str, int]]]:
        """The districts left out, each with its files and their numbers of errors; "" holds
        the files whose districts could not be read (a file the reader crashed on)."""
        from ..report.tables import left_out

        return left_out(self.result.evaluation)


@dataclass
class BatchResult:
    """Every language's run; ``ok`` when no district failed."""

    runs: list[LangRun] = field(default_factory=list)
    contained: dict[Path, Issue] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(r.partial is None for r in self.runs)


def run_batch(
    project: RunSpec | Path | str = ".",
    *,
    langs: Sequence[str] = (),
    out: Path | str | None = None,
    resume: bool = False,
    font: Path | str | None = None,
    jobs: int | None = None,
    pdf: bool = True,
    progress: BatchProgress | None = None,
    limits: ReadLimits | None = DEFAULT_LIMITS,
    uncertainty: int | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    html: bool = True,
) -> BatchResult:
    """Run *project* in each language of *langs* (default: the project's ``report.lang``) into
    *out* (default: the project's ``report.output``); with two languages each goes into its own
    subfolder ``zh`` / ``en`` of it. ``resume``: skip the districts an earlier run into the same
    folder finished for the same inputs and settings (:mod:`.resume`). ``limits``: read every
    workbook first in a worker under these limits (None: read in this process only).
    ``uncertainty``: the draws of the uncertainty analysis (None: the project file's).
    ``executor`` / ``scheduler``: where the reports are rendered (:func:`~evalkit.run.run_project`).
    ``html``: the HTML pages too (:func:`~evalkit.run.run_project`).

    Raises what :func:`~evalkit.run.run_project` raises, except PartialRunError: a language whose
    run left districts out is returned with it (``BatchResult.ok`` is then False)."""
    spec = project if isinstance(project, RunSpec) else load_spec(project)
    spec = with_output(spec, out)
    langs = list(langs) or [spec.report.lang]
    guard = contained(spec, limits) if limits is not None else contextlib.nullcontext({})
    batch = BatchResult()
    with guard as found:
        batch.contained = dict(found)
        for lang in langs:
            target = spec if len(langs) == 1 else with_output(spec, spec.output_dir / lang)

            def step(name: str, i: int, total: int, lang: str = lang) -> None:
                if progress is not None:
                    progress(lang, name, i, total)

            partial = None
            try:
                result = run_project(
                    target,
                    lang=lang,
                    font=font,
                    jobs=jobs,
                    pdf=pdf,
                    progress=step,
                    plan=ResumePlan.make if resume else None,
                    uncertainty=uncertainty,
                    executor=executor,
                    scheduler=scheduler,
                    html=html,
                )
            except PartialRunError as exc:
                partial, result = exc, exc.result  # type: ignore[attr-defined]
            batch.runs.append(LangRun(lang, target.output_dir, result, partial))
    return batch


__all__ = [
    "BatchResult",
    "LangRun",
    "ReadLimits",
    "ResumePlan",
    "contained",
    "parse_langs",
    "run_batch",
]

"""``evalkit verify REPORTS_DIR``: whether a folder of reports still follows from its inputs.

Every workbook of a run ends with a ``README`` sheet holding the run's provenance
(:mod:`evalkit.provenance`, :mod:`evalkit.report.reproducibility`): the SHA-256 of every input
file, the effective settings and their SHA-256, the seeds, the date, the language, and where the
project is from the reports folder (``manifest.json`` adds the project's absolute path).
:func:`verify`

1. finds the project (``project=``, else the README's relative path, else the manifest's path),
2. re-reads every input file and compares its SHA-256 with the one recorded: a file changed,
   missing or new is named,
3. compares the project's settings now with those recorded (each setting that differs is named),
4. recomputes the evaluation from the inputs as they are now with the *recorded* settings, seeds
   and date, writing the workbooks again into a temporary folder (no PDF), and
5. compares every cell of every workbook of the folder with the recomputed one (the README sheet
   aside): numbers as the workbook shows them (the cell's number format: ``0.0`` compares at one
   decimal, ``0.000`` at three, ``0`` whole, ``0.00E+00`` in three significant digits, General at
   ten), texts exactly, so every score, weight, rank, level and interval is checked at the
   workbook's rounding.

Each file gets a verdict (:class:`FileVerdict`): it matches, or its inputs changed (which), its
settings changed (which), its numbers differ (where, expected, found), or it cannot be checked
(why). A PDF is checked against the SHA-256 ``manifest.json`` recorded for it and against the
inputs and settings its district's workbook records (the PDF's numbers are those of that
workbook: the same model renders both).
"""

from __future__ import annotations

import dataclasses
import math
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import EvalkitError, InputError, PartialRunError
from .provenance import (
    Provenance,
    effective_settings,
    input_files,
    settings_differences,
    sha256_file,
    with_settings,
)

MAX_SHOWN = 20  # differences listed per file; the rest are counted
README = "README"


@dataclass(frozen=True)
class Difference:
    """A cell whose value differs from the recomputed one: sheet, cell (``H5``), both values as
    the workbook shows them."""

    sheet: str
    cell: str
    expected: str
    found: str


@dataclass(frozen=True)
class InputChange:
    """An input file whose SHA-256 is not the one recorded: ``was`` "" when it is new, ``now``
    "" when it is missing."""

    path: str
    was: str
    now: str

    def text(self, lang: str) -> str:
        if not self.was:
            return f"{self.path}（新增）" if lang == "zh" else f"{self.path} (new)"
        if not self.now:
            return f"{self.path}（缺失）" if lang == "zh" else f"{self.path} (missing)"
        if lang == "zh":
            return f"{self.path}（SHA-256 原为 {self.was[:12]}…，现为 {self.now[:12]}…）"
        return f"{self.path} (SHA-256 {self.was[:12]}… now {self.now[:12]}…)"


@dataclass(frozen=True)
class FileVerdict:
    """The verdict on one report file (see the module's docstring)."""

    file: str
    inputs_changed: tuple[InputChange, ...] = ()
    settings_changed: tuple[str, ...] = ()  # "weights.alpha: 0.5 -> 0.7"
    # settings the run had beside the project file (``--uncertainty``): no mismatch
    run_options: tuple[str, ...] = ()
    differences: tuple[Difference, ...] = ()
    problem: str = ""  # why the file could not be checked ("" when it was)
    problem_zh: str = ""

    @property
    def matches(self) -> bool:
        return not (
            self.inputs_changed or self.settings_changed or self.differences or self.problem
        )


@dataclass(frozen=True)
class VerifyResult:
    """Every file's verdict, and the project the inputs were read from."""

    project: Path
    lang: str
    verdicts: tuple[FileVerdict, ...] = field(default_factory=tuple)

    @property
    def matches(self) -> bool:
        return bool(self.verdicts) and all(v.matches for v in self.verdicts)


class VerifyError(EvalkitError):
    """The reports folder cannot be verified at all (no reports, no project)."""


# ------------------------------------------------------------------------------------ records


@dataclass(frozen=True)
class _Record:
    """What one workbook's README sheet says."""

    file: Path
    prov: Provenance
    lang: str


def read_record(path: Path) -> _Record | None:
    """The provenance in the README sheet of the workbook at *path* (None when it has none);
    OSError or ValueError when the file cannot be read as a workbook."""
    import openpyxl

    from .report.reproducibility import read_readme

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        if README not in wb.sheetnames:
            return None
        rows = list(wb[README].iter_rows(min_col=1, max_col=3, values_only=True))
    finally:
        wb.close()
    data = read_readme(rows)
    if not data:
        return None
    data = {**data, "date_source": "", "date_file": ""}
    return _Record(path, Provenance.from_json(data), str(data.get("lang") or "zh"))


def _manifest(reports: Path) -> dict[str, Any]:
    from .outdir import read_manifest

    return read_manifest(reports)


def find_project(reports: Path, records: list[_Record], given: Path | None) -> Path:
    """The project folder: *given*, else the recorded path from the reports folder; VerifyError
    when it does not hold the recorded project file."""
    if given is not None:
        if not given.exists():
            raise VerifyError(f"the project {given} does not exist", zh=f"项目 {given} 不存在")
        return given
    project_file = _project_file(records)
    candidates = [reports / r.prov.project for r in records[:1] if r.prov.project]
    for c in candidates:
        if (c / project_file).is_file():
            return c.resolve()
    tried = ", ".join(str(c) for c in candidates) or "-"
    raise VerifyError(
        f"the reports in {reports} do not say where their project is, or it has moved (looked "
        f"for {project_file} in: {tried}); give the project folder with --project",
        zh=f"{reports} 中的报告未说明其项目所在位置，或项目已移动（已在以下位置查找 {project_file}："
        f"{tried}）；请用 --project 指定项目文件夹",
    )


def _project_file(records: list[_Record]) -> str:
    for r in records:
        for f in r.prov.inputs:
            if f.role == "project":
                return f.path
    return "evalkit.yaml"


# ------------------------------------------------------------------------------------ verify


def verify(reports: Path | str, project: Path | str | None = None) -> VerifyResult:
    """Verify the reports in the folder *reports* against their inputs (module docstring).
    VerifyError when the folder holds no evalkit workbook or its project cannot be found."""
    from .spec import load_spec

    reports = Path(reports)
    if not reports.is_dir():
        raise VerifyError(f"{reports} is no folder of reports", zh=f"{reports} 不是报告文件夹")
    books = sorted(p for p in reports.glob("*.xlsx") if not p.name.startswith((".", "~$")))
    records, unreadable = _records(books)
    if not records:
        raise VerifyError(
            f"no workbook in {reports} has a README sheet with the run's provenance; run "
            "`evalkit run` again to write reports that can be verified",
            zh=f"{reports} 中没有带运行来源（README 工作表）的工作簿；请重新运行 `evalkit run`，"
            "生成可核验的报告",
        )
    root = find_project(reports, records, Path(project) if project is not None else None)
    state = _Now(load_spec(root))
    recomputed = _Recomputed(state.spec, _with_pdf(reports), _with_html(reports))
    verdicts = list(unreadable)
    by_name = {r.file.name: r for r in records}
    fallback = records[0]
    try:
        for book in books:
            if book.name in {v.file for v in unreadable}:
                continue
            rec = by_name.get(book.name, dataclasses.replace(fallback, file=book))
            expected, problem = recomputed.workbook(rec, book.name)
            diffs = tuple(compare_workbooks(book, expected)) if expected is not None else ()
            verdict = FileVerdict(
                book.name, differences=diffs, problem=problem[0], problem_zh=problem[1]
            )
            verdicts.append(state.judge(verdict, rec))
        for v in _pdf_verdicts(reports):
            rec = by_name.get(Path(v.file).with_suffix(".xlsx").name, fallback)
            verdicts.append(state.judge(v, rec))
    finally:
        recomputed.close()
    return VerifyResult(root, records[0].lang, tuple(verdicts))


class _Now:
    """The project as it is now: its inputs' SHA-256 and its settings."""

    def __init__(self, spec: Any) -> None:
        self.spec = spec
        self.files = input_files(spec)
        self.digests = {f.path: f.sha256 for f in self.files}
        self.settings = effective_settings(spec)

    def judge(self, verdict: FileVerdict, rec: _Record) -> FileVerdict:
        """*verdict* with the inputs changed since *rec* and the settings that differ: changed
        settings when the project file changed, else options the run was given beside the
        project file (``--uncertainty``), which are no mismatch."""
        changed = _inputs_changed(rec.prov, self.digests)
        differ = tuple(settings_differences(rec.prov.settings_dict, self.settings))
        project_changed = any(
            f.role == "project" and c.path == f.path for c in changed for f in rec.prov.inputs
        )
        if project_changed or not rec.prov.digests():
            return dataclasses.replace(verdict, inputs_changed=changed, settings_changed=differ)
        return dataclasses.replace(verdict, inputs_changed=changed, run_options=differ)


def _records(books: list[Path]) -> tuple[list[_Record], list[FileVerdict]]:
    records, unreadable = [], []
    for book in books:
        try:
            rec = read_record(book)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            unreadable.append(
                FileVerdict(
                    book.name,
                    problem=f"cannot be read as a workbook ({exc})",
                    problem_zh=f"无法作为工作簿读取（{exc}）",
                )
            )
            continue
        if rec is not None:
            records.append(rec)
    return records, unreadable


def _inputs_changed(prov: Provenance, now: dict[str, str]) -> tuple[InputChange, ...]:
    """Each input whose SHA-256 differs from the one recorded, or that is missing or new."""
    recorded = prov.digests()
    return tuple(
        InputChange(path, recorded.get(path, ""), now.get(path, ""))
        for path in sorted(set(recorded) | set(now))
        if recorded.get(path) != now.get(path)
    )


class _Recomputed:
    """The project's workbooks made again into a temporary folder, once per (settings, date,
    language) recorded."""

    def __init__(self, spec: Any, pdf: bool, html: bool = False) -> None:
        self.spec = spec
        self.pdf = pdf  # whether the run wrote PDFs and pages (the files sheet names them)
        self.html = html
        self.tmp = tempfile.TemporaryDirectory(prefix="evalkit-verify-")
        self.runs: dict[tuple[str, str, str], tuple[Path | None, tuple[str, str]]] = {}

    def close(self) -> None:
        self.tmp.cleanup()

    def workbook(self, rec: _Record, name: str) -> tuple[Path | None, tuple[str, str]]:
        """The recomputed workbook called *name*, or None with why it is missing."""
        key = (rec.prov.settings, rec.prov.date, rec.lang)
        if key not in self.runs:
            self.runs[key] = self._run(rec, len(self.runs))
        folder, problem = self.runs[key]
        if folder is None:
            return None, problem
        path = folder / name
        if not path.is_file():
            return None, (
                "the recomputation makes no such file (a district no longer in the inputs?)",
                "重新计算未生成此文件（该区县已不在输入数据中？）",
            )
        return path, ("", "")

    def _run(self, rec: _Record, k: int) -> tuple[Path | None, tuple[str, str]]:
        from .run import run_project

        out = Path(self.tmp.name) / f"run{k}"
        try:
            spec = with_settings(self.spec, rec.prov.settings_dict)
        except (KeyError, TypeError, ValueError) as exc:
            return None, (
                f"the recorded settings cannot be applied ({exc})",
                f"记录的设置无法使用（{exc}）",
            )
        report = dataclasses.replace(spec.report, output=str(out), date=rec.prov.date)
        spec = dataclasses.replace(spec, report=report)
        try:
            run_project(
                spec, lang=rec.lang, pdf=self.pdf, html=self.html, jobs=1, workbooks_only=True
            )
        except PartialRunError:
            pass  # the other districts' workbooks are written; the missing ones are named
        except InputError as exc:
            return None, (
                f"the inputs cannot be evaluated now: {exc}",
                f"输入数据现在无法评估：{exc}",
            )
        return out, ("", "")


def _with_pdf(reports: Path) -> bool:
    """Whether the run wrote PDFs: as manifest.json says, else whether the folder has any."""
    said = (_manifest(reports).get("settings") or {}).get("pdf")
    if isinstance(said, bool):
        return said
    return any(not p.name.startswith(".") for p in reports.glob("*.pdf"))


def _with_html(reports: Path) -> bool:
    """Whether the run wrote HTML pages: comparison.html is among the files manifest.json
    lists, else in the folder."""
    files = _manifest(reports).get("files")
    if isinstance(files, dict) and files:
        return "comparison.html" in files
    return (reports / "comparison.html").is_file()


def _run_of(files: dict[str, Any], name: str) -> str:
    entry = files.get(name)
    return str(entry.get("run_id") or "") if isinstance(entry, dict) else ""


def _pdf_verdicts(reports: Path) -> list[FileVerdict]:
    """Each PDF against the SHA-256 manifest.json recorded for it."""
    files = _manifest(reports).get("files") or {}
    out = []
    for pdf in sorted(reports.glob("*.pdf")):
        if pdf.name.startswith("."):
            continue
        entry = files.get(pdf.name)
        if not isinstance(entry, dict) or "sha256" not in entry:
            out.append(
                FileVerdict(
                    pdf.name,
                    problem="manifest.json records no SHA-256 for it",
                    problem_zh="manifest.json 中没有它的 SHA-256",
                )
            )
        elif _run_of(files, pdf.with_suffix(".xlsx").name) not in ("", entry.get("run_id")):
            book = pdf.with_suffix(".xlsx").name
            out.append(
                FileVerdict(
                    pdf.name,
                    problem=f"written by another run than {book} (run {entry.get('run_id')}, "
                    f"{book} run {_run_of(files, book)}; manifest.json): its numbers are not "
                    "those checked in the workbook",
                    problem_zh=f"与 {book} 不是同一次运行写入的（运行 {entry.get('run_id')}，"
                    f"{book} 为运行 {_run_of(files, book)}；见 manifest.json）：其数字未经工作簿核验",
                )
            )
        elif sha256_file(pdf) != entry["sha256"]:
            out.append(
                FileVerdict(
                    pdf.name,
                    problem="changed since the run wrote it (its SHA-256 is not the one in "
                    "manifest.json)",
                    problem_zh="写入后已被修改（其 SHA-256 与 manifest.json 中记录的不同）",
                )
            )
        else:
            out.append(FileVerdict(pdf.name))
    return out


# ------------------------------------------------------------------------------------ cells


def shown(value: Any, number_format: str) -> str:
    """*value* as a cell with *number_format* shows it (the comparison's rounding)."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    x = float(value)
    if math.isnan(x) or math.isinf(x):
        return str(x)
    fmt = (number_format or "General").split(";")[0]
    if fmt == "General" or not any(c in fmt for c in "0#"):
        text = f"{x:.10g}"
    elif "E" in fmt.upper():
        text = f"{x:.{_decimals(fmt.upper().split('E')[0])}E}"
    else:
        if "%" in fmt:
            x *= 100
        text = f"{x:.{_decimals(fmt)}f}"
    return "0" + text[2:] if text.startswith("-0") and float(text) == 0 else text


def _decimals(fmt: str) -> int:
    _, dot, tail = fmt.partition(".")
    return sum(1 for c in tail if c in "0#") if dot else 0


def _cells(path: Path) -> dict[str, dict[str, tuple[Any, str]]]:
    """sheet -> cell -> (value, number format), README aside."""
    import openpyxl

    wb = openpyxl.load_workbook(path, data_only=True)
    out: dict[str, dict[str, tuple[Any, str]]] = {}
    for ws in wb.worksheets:
        if ws.title == README:
            continue
        out[ws.title] = {
            c.coordinate: (c.value, c.number_format)
            for row in ws.iter_rows()
            for c in row
            if c.value is not None
        }
    return out


def compare_workbooks(found: Path, expected: Path) -> Iterator[Difference]:
    """Every cell of *found* that shows another value than *expected*'s at *found*'s number
    format (sheets missing or added included), sheet by sheet in *found*'s order."""
    a, b = _cells(found), _cells(expected)
    for sheet in [*a, *(s for s in b if s not in a)]:
        if sheet not in a:
            yield Difference(sheet, "", "(sheet)", "(missing)")
            continue
        if sheet not in b:
            yield Difference(sheet, "", "(no such sheet)", "(sheet)")
            continue
        got, want = a[sheet], b[sheet]
        for ref in sorted(set(got) | set(want), key=_order):
            fmt = (got.get(ref) or want.get(ref) or (None, "General"))[1]
            g = shown(got.get(ref, (None, ""))[0], fmt)
            w = shown(want.get(ref, (None, ""))[0], fmt)
            if g != w:
                yield Difference(sheet, ref, w, g)


def _order(ref: str) -> tuple[int, int]:
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    col, row = coordinate_from_string(ref)
    return row, column_index_from_string(col)


# ------------------------------------------------------------------------------------ texts


def verdict_lines(v: FileVerdict, lang: str) -> list[str]:
    """The verdict on one file as lines of text in *lang* (the first names the file)."""
    zh = lang == "zh"
    lines = [
        f"{v.file}: {('一致' if zh else 'match') if v.matches else ('不一致' if zh else 'does not match')}"
    ]
    if v.run_options:
        head = (
            "运行时另有项目文件之外的设置（如命令行选项；运行所用 -> 项目文件，已按运行所用的"
            "重新计算）："
            if zh
            else "run with settings beside the project file (command-line options; the run's -> "
            "the project file's, recomputed with the run's): "
        )
        lines.append("  " + head + ("；" if zh else "; ").join(v.run_options))
    if v.matches:
        return lines
    if v.problem:
        lines.append("  " + (v.problem_zh if zh else v.problem))
    if v.inputs_changed:
        head = "输入文件已改变：" if zh else "inputs changed: "
        changes = [c.text(lang) for c in v.inputs_changed]
        lines.append("  " + head + ("；" if zh else "; ").join(changes))
    if v.settings_changed:
        head = (
            "设置已改变（按记录的设置重新计算）："
            if zh
            else "settings changed (recomputed with the recorded ones): "
        )
        lines.append("  " + head + ("；" if zh else "; ").join(v.settings_changed))
    if v.differences:
        n = len(v.differences)
        lines.append(
            f"  {n} 处数字不同：" if zh else f"  numbers differ in {n} cell{'s' if n != 1 else ''}:"
        )
        for d in v.differences[:MAX_SHOWN]:
            where = f"{d.sheet}!{d.cell}" if d.cell else d.sheet
            lines.append(
                f"    {where}：应为 {d.expected}，实为 {d.found}"
                if zh
                else f"    {where}: expected {d.expected}, found {d.found}"
            )
        if n > MAX_SHOWN:
            lines.append(
                f"    ……另有 {n - MAX_SHOWN} 处" if zh else f"    ... and {n - MAX_SHOWN} more"
            )
    return lines


def summary_line(result: VerifyResult, lang: str) -> str:
    """The last line: how many files match."""
    n = len(result.verdicts)
    ok = sum(v.matches for v in result.verdicts)
    if lang == "zh":
        word = "全部一致" if result.matches else "存在不一致"
        return f"{word}：{n} 个文件中 {ok} 个一致（项目：{result.project}）"
    word = "all match" if result.matches else "NOT all match"
    return f"{word}: {ok} of {n} files match (project: {result.project})"


__all__ = [
    "Difference",
    "FileVerdict",
    "InputChange",
    "VerifyError",
    "VerifyResult",
    "compare_workbooks",
    "shown",
    "summary_line",
    "verdict_lines",
    "verify",
]

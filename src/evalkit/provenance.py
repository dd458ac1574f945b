"""Where a run's numbers come from: evalkit's version, the SHA-256 of every input file and of the
effective settings, the random seeds and the date, computed once per run.

:func:`provenance` reads the input files of a :class:`~evalkit.spec.RunSpec` (the project file,
the tree, the recommendation library, the survey, response and station files, the experts'
workbook, imports with their maps and text twins, and the files of every survey period), each
named by its path relative to the project (``/`` between folders), and returns a frozen
:class:`Provenance`. Every report of the run shows the same one, so reports of the same inputs
are the same bytes however often and wherever they are made.

The settings are those that change a number, in a canonical JSON (keys sorted, no spaces, UTF-8):
the weighting (method, objective method, combination, α, RI table, CR threshold, what is done
with inconsistent experts), the scoring and its compared methods, the uncertainty analysis
(draws, seed, replicates, factors), the period change (draws, seed), the base period and the
period ids, the scope, the missing-value codes and the report's privacy minimum and number of
weakest indicators. The language, the title, the date, the output folder and the font change no
number and are not in it: an English and a Chinese report of the same run have the same settings
SHA-256.

The date (never the clock): the project's ``report.date`` when it is set; else the newest date
an input holds in its contents, which is the modification date a workbook records in its own
properties (``docProps/core.xml``: ``dcterms:modified``, else ``dcterms:created``), so it moves
with the bytes of the file and not with copying it; else none (an undated report, whose
workbooks carry the fixed date 1980-01-01).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .files import file_problem
from .spec import RunSpec
from .spec.model import PeriodChangeSpec, ScoringSpec, UncertaintySpec, WeightSpec

#: Roles of input files, in the order the reports list them, with their words in zh and en.
ROLES: dict[str, tuple[str, str]] = {
    "project": ("项目文件", "project file"),
    "tree": ("指标体系", "indicator tree"),
    "recommendations": ("对策库", "recommendation library"),
    "survey": ("问卷数据", "survey data"),
    "responses": ("问卷答卷", "survey responses"),
    "stations": ("派出所统计", "station statistics"),
    "experts": ("专家判断", "experts' judgments"),
    "import": ("导入的问卷", "imported survey"),
    "map": ("导入映射", "import map"),
    "labels": ("按文本对照", "text twin"),
}

# sections of the settings and the dataclass each is read back into
_SECTIONS: dict[str, type] = {
    "weights": WeightSpec,
    "scoring": ScoringSpec,
    "uncertainty": UncertaintySpec,
    "period_change": PeriodChangeSpec,
}
_REPORT_SETTINGS = ("weakest", "min_respondents")


@dataclass(frozen=True)
class InputFile:
    """One input file: its path relative to the project, its role (a key of :data:`ROLES`)
    and the SHA-256 of its bytes."""

    path: str
    role: str
    sha256: str


@dataclass(frozen=True)
class Provenance:
    """What a run's reports were made from (see the module's docstring)."""

    version: str
    project: str  # the project folder from the reports folder ("..", with /), else absolute
    date: str  # ISO date, "" when undated
    date_source: str  # "project" (report.date), "input" (date_file's contents) or "none"
    date_file: str
    inputs: tuple[InputFile, ...]
    settings: str  # canonical JSON of the effective settings
    settings_sha256: str
    seeds: tuple[tuple[str, int], ...]  # ("uncertainty.seed", 20261201), ...

    @property
    def settings_dict(self) -> dict[str, Any]:
        return dict(json.loads(self.settings))

    def digests(self) -> dict[str, str]:
        """Input path -> SHA-256."""
        return {f.path: f.sha256 for f in self.inputs}

    def to_json(self) -> dict[str, Any]:
        """A plain mapping (manifest.json's ``provenance``); :meth:`from_json` reads it back."""
        out = dataclasses.asdict(self)
        out["inputs"] = [dataclasses.asdict(f) for f in self.inputs]
        out["seeds"] = dict(self.seeds)
        out["settings"] = self.settings_dict
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Provenance:
        """The provenance *data* describes (as :meth:`to_json` wrote it); KeyError, TypeError or
        ValueError when something is missing or of the wrong kind."""
        settings = canonical_json(data["settings"])
        return cls(
            version=str(data["version"]),
            project=str(data["project"]),
            date=str(data["date"]),
            date_source=str(data["date_source"]),
            date_file=str(data.get("date_file", "")),
            inputs=tuple(
                InputFile(str(f["path"]), str(f["role"]), str(f["sha256"])) for f in data["inputs"]
            ),
            settings=settings,
            settings_sha256=str(data["settings_sha256"]),
            seeds=tuple((str(k), int(v)) for k, v in dict(data["seeds"]).items()),
        )


def canonical_json(obj: Any) -> str:
    """*obj* as canonical JSON: keys sorted, no spaces, non-ASCII kept, tuples as lists."""
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def effective_settings(spec: RunSpec) -> dict[str, Any]:
    """The settings of *spec* that change a number, as plain JSON values (see the module)."""
    out: dict[str, Any] = {
        name: json.loads(canonical_json(dataclasses.asdict(getattr(spec, name))))
        for name in _SECTIONS
    }
    out["report"] = {k: getattr(spec.report, k) for k in _REPORT_SETTINGS}
    out["scope"] = spec.scope
    out["missing_codes"] = list(spec.missing_codes)
    out["base_period"] = spec.base_period
    out["periods"] = [p.id for p in spec.periods]
    return out


def with_settings(spec: RunSpec, settings: dict[str, Any]) -> RunSpec:
    """*spec* with the number-changing settings of *settings* (as :func:`effective_settings`
    gives them) in place of its own: what a run recorded, applied to the project as it is now.
    KeyError or TypeError when *settings* lacks a section or holds an unknown key."""
    changes: dict[str, Any] = {}
    for name, cls in _SECTIONS.items():
        values = {k: _tuples(v) for k, v in dict(settings[name]).items()}
        changes[name] = cls(**values)
    report = dict(settings.get("report") or {})
    changes["report"] = dataclasses.replace(
        spec.report, **{k: report[k] for k in _REPORT_SETTINGS if k in report}
    )
    changes["scope"] = settings.get("scope", spec.scope)
    changes["missing_codes"] = tuple(settings.get("missing_codes", spec.missing_codes))
    return dataclasses.replace(spec, **changes)


def _tuples(value: Any) -> Any:
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def relative(path: Path, root: Path) -> str:
    """*path* relative to the project folder *root*, with ``/``; absolute when outside it."""
    full = (path if path.is_absolute() else root / path).resolve()
    try:
        return full.relative_to(root.resolve()).as_posix()
    except ValueError:
        return full.as_posix()


def input_paths(spec: RunSpec) -> Iterator[tuple[str, Path]]:
    """Every input file of *spec* with its role, the survey periods' included."""
    if spec.file:
        yield "project", Path(spec.file)
    yield "tree", spec.tree
    for p in spec.periods:
        if p.tree is not None:
            yield "tree", p.tree
    if spec.recommendations is not None:
        yield "recommendations", spec.recommendations
    sources = [spec, *spec.periods] if spec.periods else [spec]
    for s in sources:
        yield from (("survey", p) for p in s.surveys)
        yield from (("responses", p) for p in s.responses)
        yield from (("stations", p) for p in s.stations)
        if s.experts is not None:
            yield "experts", s.experts
        for imp in s.imports:
            yield "import", imp.file
            if imp.map is not None:
                yield "map", imp.map
            if isinstance(imp.labels_from, Path):
                yield "labels", imp.labels_from


def input_files(spec: RunSpec) -> tuple[InputFile, ...]:
    """The SHA-256 of every input file of *spec* that can be read, sorted by path; one that
    cannot (removed since the project was read, or no regular file: a named pipe is never
    opened) is listed with an empty SHA-256."""
    root = Path(spec.root)
    seen: dict[str, InputFile] = {}
    for role, path in input_paths(spec):
        key = relative(path, root)
        if key in seen:
            continue
        full = path if path.is_absolute() else root / path
        digest = ""
        if file_problem(full) is None:  # a pipe, socket or device is never opened
            with contextlib.suppress(OSError):
                digest = sha256_file(full)
        seen[key] = InputFile(key, role, digest)
    return tuple(sorted(seen.values(), key=lambda f: f.path))


_CORE_DATE = re.compile(rb"<dcterms:(modified|created)[^>]*>\s*(\d{4}-\d{2}-\d{2})", re.IGNORECASE)


def content_date(path: Path) -> str:
    """The date a workbook (.xlsx) records in its own properties: ``dcterms:modified``, else
    ``dcterms:created`` of ``docProps/core.xml``; "" for other files or when it has none."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return ""
    try:
        with zipfile.ZipFile(path) as z:
            core = z.read("docProps/core.xml")
    except (OSError, KeyError, zipfile.BadZipFile):
        return ""
    found = {kind.decode().lower(): day.decode() for kind, day in _CORE_DATE.findall(core)}
    day = found.get("modified") or found.get("created") or ""
    return "" if day.startswith("1980-01-01") else day


def project_date(spec: RunSpec, inputs: tuple[InputFile, ...]) -> tuple[str, str, str]:
    """(date, source, file): ``report.date`` when set, else the newest content date of the
    input workbooks (the file named), else ("", "none", "")."""
    if spec.report.date:
        return spec.report.date, "project", ""
    root = Path(spec.root)
    best = ("", "")
    for f in inputs:
        if not f.sha256:  # not read: no regular file
            continue
        day = content_date(Path(f.path) if Path(f.path).is_absolute() else root / f.path)
        if day and (day, f.path) > best:
            best = (day, f.path)
    if best[0]:
        return best[0], "input", best[1]
    return "", "none", ""


def project_from_reports(spec: RunSpec) -> str:
    """The project folder as seen from the reports folder (``..`` for ``reports/``), with ``/``;
    absolute when there is no relative path (another drive)."""
    root = Path(spec.root).resolve()
    try:
        return Path(os.path.relpath(root, spec.output_dir.resolve())).as_posix()
    except ValueError:
        return root.as_posix()


def provenance(spec: RunSpec) -> Provenance:
    """The provenance of a run of *spec* (see the module's docstring)."""
    from .outdir import version

    inputs = input_files(spec)
    date, source, date_file = project_date(spec, inputs)
    settings = canonical_json(effective_settings(spec))
    return Provenance(
        version=version(),
        project=project_from_reports(spec),
        date=date,
        date_source=source,
        date_file=date_file,
        inputs=inputs,
        settings=settings,
        settings_sha256=sha256_text(settings),
        seeds=(
            ("uncertainty.seed", int(spec.uncertainty.seed)),
            ("period_change.seed", int(spec.period_change.seed)),
        ),
    )


def provenance_record(prov: Provenance) -> dict[str, Any]:
    """manifest.json's ``provenance``: :meth:`Provenance.to_json`. No absolute path: the same
    project run in another folder writes the same manifest, and a shared report folder does not
    disclose where its project lay (``project`` is relative to the output folder)."""
    return prov.to_json()


def settings_differences(recorded: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """The settings that differ, as ``weights.alpha: 0.5 -> 0.7`` (dotted paths, sorted)."""
    flat_a, flat_b = dict(_flatten(recorded)), dict(_flatten(now))
    out = []
    for key in sorted(set(flat_a) | set(flat_b)):
        a, b = flat_a.get(key, "-"), flat_b.get(key, "-")
        if a != b:
            out.append(f"{key}: {canonical_json(a)} -> {canonical_json(b)}")
    return out


def _flatten(obj: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _flatten(v, f"{prefix}.{k}" if prefix else str(k))
    else:
        yield prefix, obj


__all__ = [
    "ROLES",
    "InputFile",
    "Provenance",
    "canonical_json",
    "content_date",
    "effective_settings",
    "input_files",
    "project_date",
    "provenance",
    "provenance_record",
    "settings_differences",
    "with_settings",
]

"""The project file (``evalkit.yaml``) as a frozen :class:`RunSpec`.

A RunSpec says which tree, which data, which methods and which outputs; an Evaluation keeps the
RunSpec that made it, so a variant run is "the same spec with one setting changed"
(``dataclasses.replace``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import glob
import os
from collections.abc import Collection
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from .errors import Issue, IssueLog, Location, SpecError
from .files import file_problem
from .ritables import RI_TABLES
from .yamlio import YamlProblems, line_of, load_yaml, schema_issue, unknown_keys

PROJECT_FILE = "evalkit.yaml"
#: Weighters of the project file (evalkit.pipeline.weighters registers them; a test keeps the two
#: lists equal): AHP, the objective methods, equal and fixed (the tree's `weight:`s), and combined
#: (AHP with one objective method).
WEIGHT_METHODS = ("combined", "ahp", "entropy", "critic", "std", "cv", "equal", "fixed")
OBJECTIVE_METHODS = ("entropy", "critic", "std", "cv")
#: Aggregators of the project file (evalkit.pipeline.aggregators and .mcda register them).
SCORING_METHODS = ("weighted_sum", "geometric", "topsis", "grey_relational", "fuzzy")
COMBINE_METHODS = ("linear", "multiplicative", "game_theory")
COMBINE_LEVELS = ("node", "global")
EXPERT_POLICIES = ("keep", "exclude", "repair")
LANGS = ("zh", "en")
SPEC_KEYS = (
    "schema_version",
    "title",
    "scope",
    "tree",
    "recommendations",
    "data",
    "weights",
    "scoring",
    "uncertainty",
    "report",
)
#: The study's scope (``scope:`` of the project file) and the words reports use for it where they
#: speak of the whole study ("the province mean", 全省均值); Chinese words are accepted as values.
SCOPES: dict[str, dict[str, str]] = {
    "province": {"zh": "全省", "en": "province"},
    "city": {"zh": "全市", "en": "city"},
    "district": {"zh": "全区县", "en": "district-wide"},
}
DATA_KEYS = ("surveys", "responses", "stations", "experts", "missing_codes", "imports")
IMPORT_KEYS = ("file", "map", "sheet", "district", "station", "labels_from")


@dataclass(frozen=True)
class ImportSpec:
    """A survey-platform or hand-entered export read through a map (see `evalkit import`)."""

    file: Path
    map: Path | None = None
    sheet: str | None = None
    district: str | None = None
    station: str | None = None
    labels_from: Path | bool | None = None  # 按文本 twin of a 按序号 download; False: no check


@dataclass(frozen=True)
class WeightSpec:
    method: str = "combined"
    combine: str = "linear"
    alpha: float = 0.5
    ri_table: str = "saaty"
    cr_threshold: float = 0.10
    inconsistent_experts: str = "keep"
    objective: str = "entropy"  # the objective method that `combined` joins AHP with
    # where `combined` combines: "node" (each node's children: AHP local with the objective
    # weights among those children) or "global" (the leaves' global weights)
    combine_level: str = "node"


@dataclass(frozen=True)
class ScoringSpec:
    method: str = "weighted_sum"  # how indicator scores are aggregated up the tree
    # other aggregators computed beside the headline one (ev.analysis("methods") compares them)
    compare: tuple[str, ...] = ()


#: The choices the uncertainty analysis may vary, with the values each may take.
UNCERTAINTY_CHOICES: dict[str, tuple[str, ...]] = {
    "method": ("combined", "ahp", "objective", "equal", "fixed"),
    "objective": ("entropy", "critic", "std", "cv"),
    "combine_level": ("node", "global"),
    "normalisation": ("goalposts", "minmax"),
    "aggregation": ("weighted_sum", "geometric"),
    "level_rule": ("total", "staged"),
}


UNCERTAINTY_KEYS = ("draws", "seed", "replicates", "factors")
UNCERTAINTY_FACTORS = (
    *UNCERTAINTY_CHOICES,
    "alpha",
    "experts",
    "respondents",
    "leave_one_out",
    "goalposts",
)


@dataclass(frozen=True)
class UncertaintySpec:
    """The Monte Carlo uncertainty and sensitivity analysis (``uncertainty:`` in evalkit.yaml).

    ``draws`` base draws (0 turns the analysis off); each factor is off when empty / False / 0.
    A choice factor lists the values drawn (uniformly); alpha is a range; goalposts is the band,
    as a fraction of each goalpost span, within which goalposts marked as calibration guesses move.
    """

    draws: int = 1000
    seed: int = 20261201
    replicates: int = 100  # bootstrap replicates of respondents and of experts
    alpha: tuple[float, float] | None = (0.0, 1.0)
    method: tuple[str, ...] = ("combined", "ahp", "objective", "equal")
    objective: tuple[str, ...] = ("entropy", "critic", "std")
    combine_level: tuple[str, ...] = ("node", "global")
    # min-max scores are relative to the best and worst station, not on the scale the maturity
    # levels are defined on: off by default; when drawn, level probabilities use goalpost draws
    normalisation: tuple[str, ...] = ("goalposts",)
    aggregation: tuple[str, ...] = ("weighted_sum", "geometric")
    experts: bool = True
    respondents: bool = True
    leave_one_out: bool = True
    goalposts: float = 0.1
    level_rule: tuple[str, ...] = ("total", "staged")


@dataclass(frozen=True)
class ReportSpec:
    lang: str = "zh"
    date: str = ""
    output: str = "reports"
    font: str | None = None
    weakest: int = 5
    min_respondents: int = 5


@dataclass(frozen=True)
class RunSpec:
    root: Path
    title: dict[str, str]
    tree: Path
    recommendations: Path | None
    surveys: tuple[Path, ...] = ()
    responses: tuple[Path, ...] = ()
    missing_codes: tuple[float | str, ...] = ()  # answers that mean "no answer" (e.g. 9 = 不知道)
    imports: tuple[ImportSpec, ...] = ()
    stations: tuple[Path, ...] = ()
    experts: Path | None = None
    weights: WeightSpec = field(default_factory=WeightSpec)
    report: ReportSpec = field(default_factory=ReportSpec)
    scoring: ScoringSpec = field(default_factory=ScoringSpec)
    uncertainty: UncertaintySpec = field(default_factory=UncertaintySpec)
    file: str = ""
    notes: tuple[Issue, ...] = ()  # warnings about the project file (files a glob skipped)
    scope: str = "province"  # SCOPES: what the whole study covers

    @property
    def output_dir(self) -> Path:
        out = Path(self.report.output)
        return out if out.is_absolute() else self.root / out

    def scope_word(self, lang: str) -> str:
        """The study's scope in *lang*: 全省 / 全市 / 全区县, "province" / "city" /
        "district-wide" (where reports say "the province mean", 全省均值)."""
        words = SCOPES.get(self.scope, SCOPES["province"])
        return words.get(lang) or words["en"]


def _expand(
    root: Path,
    patterns: Any,
    key: str,
    raw: Any,
    issues: list[Issue],
    notes: list[Issue],
    file: str,
) -> list[Path]:
    """The files a `data.<key>` entry names: a path or glob, or a list of them.

    What a glob matches that is not a regular file (a folder named ``x.xlsx``, a named pipe, a
    symbolic-link loop or a link to nothing) is skipped with a warning in *notes*: it would hang or
    fail the reader. A path named without a glob is kept, so its reader says what is wrong with it
    and blocks only the districts of that file."""
    if patterns is None:
        return []
    if isinstance(patterns, str):
        patterns = [patterns]
    line = line_of(raw, key)
    if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
        issues.append(
            Issue(
                Location(file=file, line=line),
                f"`data.{key}` must be a path or a list of paths",
                message_zh=f"`data.{key}` 须为一个路径或路径列表",
                expected="a text such as surveys/*.xlsx, or a list of such texts",
                expected_zh="如 surveys/*.xlsx 的文字，或这样的文字列表",
                found=repr(patterns),
            )
        )
        return []
    out: list[Path] = []
    for pat in patterns:
        given = Path(str(pat))
        full = given if given.is_absolute() else root / given
        if full.exists():  # a file named as it is, brackets and all: "[2024]东湖区.xlsx"
            matches = [str(full)]
        else:  # the project's own folder may hold glob characters: "[" and "]" there are letters
            base = "" if given.is_absolute() else glob.escape(str(root)) + os.sep
            matches = sorted(glob.glob(base + str(pat)))
        if not matches:
            issues.append(
                Issue(
                    Location(file=file, line=line),
                    f"`data.{key}`: no file matches {pat!r}",
                    message_zh=f"`data.{key}`：没有与 {pat!r} 匹配的文件",
                    expected="an existing file or a glob that matches one",
                    expected_zh="一个存在的文件，或能匹配到文件的通配符",
                    fix="Check the path (relative to the folder of evalkit.yaml).",
                    fix_zh="检查路径（相对于 evalkit.yaml 所在的文件夹）。",
                )
            )
        if not glob.has_magic(pat):
            out.extend(Path(m) for m in matches)
            continue
        for m in matches:
            problem = file_problem(m, readable=False)
            if problem is None or problem.kind == "permission":
                out.append(Path(m))  # a file that cannot be read: its reader says so
                continue
            shown = str(Path(m).relative_to(root)) if Path(m).is_relative_to(root) else m
            notes.append(
                Issue(
                    Location(file=file, line=line),
                    f"`data.{key}`: {pat!r} matches {shown}, which {problem.message}; "
                    "it is skipped",
                    message_zh=f"`data.{key}`：{pat!r} 匹配到的 {shown}{problem.message_zh}，已跳过",
                    fix="Move it out of the folder, or narrow the pattern.",
                    fix_zh="把它移出该文件夹，或收窄匹配规则。",
                    severity="warning",
                    check="files",
                )
            )
    return out


@dataclass(frozen=True)
class _DataFiles:
    """The ``data:`` section read: the files and settings RunSpec takes from it."""

    surveys: tuple[Path, ...] = ()
    responses: tuple[Path, ...] = ()
    stations: tuple[Path, ...] = ()
    missing_codes: tuple[float | str, ...] = ()
    imports: tuple[ImportSpec, ...] = ()
    experts: Path | None = None


def load_spec(project: Path | str = ".") -> RunSpec:
    """Read ``evalkit.yaml`` from a project folder (or the file itself) and check it.

    Every problem is listed at once with its line: unknown keys (with the nearest known key), an
    unsupported ``schema_version``, values of the wrong type (a list where a text belongs, a text
    where a mapping does, a number in quotes, true/false), files that do not exist or are no
    regular files. Each section of the file is read by a function of its own, all filing their
    problems through one :class:`~evalkit.yamlio.YamlProblems` (``err``) in the order of the
    sections."""
    path = _project_path(Path(project))
    root = path.parent
    file = str(path)
    raw = _project_mapping(path)
    issues: list[Issue] = []
    notes: list[Issue] = []
    err = YamlProblems(file, IssueLog(issues))
    issues += unknown_keys(raw, SPEC_KEYS, file=file)
    bad_version = schema_issue(raw, file=file, what="project file", what_zh="项目文件")
    if bad_version is not None:
        issues.append(bad_version)
    title = _title(raw, err)
    scope = _scope(raw, err)
    tree_path = _tree_path(raw, root, err)
    recs_path = _recommendations_path(raw, root, err)
    data = _data(raw, root, notes, err)
    weights = _weights(raw, data.experts, err)
    scoring = _scoring(raw, err)
    uncertainty = _uncertainty(raw, err)
    report = _report(raw, root, err)
    if issues:
        raise SpecError(issues, summary=f"{len(issues)} problem(s) in {file}")
    assert tree_path is not None
    return RunSpec(
        root=root,
        title=title,
        tree=tree_path,
        recommendations=recs_path,
        surveys=data.surveys,
        responses=data.responses,
        stations=data.stations,
        missing_codes=data.missing_codes,
        imports=data.imports,
        experts=data.experts,
        weights=weights,
        report=report,
        scoring=scoring,
        uncertainty=uncertainty,
        file=file,
        notes=tuple(notes),
        scope=scope,
    )


def _project_path(project: Path) -> Path:
    """The project file of a folder (or the file given); SpecError when there is none."""
    path = project if project.is_file() else project / PROJECT_FILE
    if not path.exists():
        raise SpecError(
            [
                Issue(
                    Location(file=str(path)),
                    "no project file",
                    message_zh="找不到项目文件",
                    expected=f"{PROJECT_FILE} in the folder {project.resolve()}",
                    expected_zh=f"文件夹 {project.resolve()} 中的 {PROJECT_FILE}",
                    fix="Run `evalkit init DIR` to create a project, or pass the project folder.",
                    fix_zh="运行 `evalkit init DIR` 新建项目，或给出项目文件夹。",
                )
            ]
        )
    return path


def _project_mapping(path: Path) -> dict:
    """The project file read (with its lines); SpecError when it is no YAML mapping."""
    raw = load_yaml(path, error=SpecError)
    if not isinstance(raw, dict):
        raise SpecError(
            [
                Issue(
                    Location(file=str(path)),
                    "the project file must be a YAML mapping",
                    message_zh="项目文件须为 YAML 映射（键: 值）",
                )
            ]
        )
    return raw


# ---- values of the project file, each with a problem at its line when it is of the wrong type ---


def _mapping(obj: dict, key: str, example: str, err: YamlProblems) -> dict:
    """``obj[key]`` when it is a mapping (absent or empty: {}); else a problem."""
    value = obj.get(key)
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    err(
        obj,
        key,
        f"`{key}` must be a mapping (key: value lines indented under it)",
        example,
        value,
        zh=f"`{key}` 须为映射（其下缩进的“键: 值”行）",
    )
    return {}


def _text(obj: dict, key: str, what: str, what_zh: str, err: YamlProblems) -> str | None:
    """``obj[key]`` as a text: a text, or a number (a district named 101); None when absent.
    A list, a mapping or true/false is a problem."""
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    hint = (
        "YAML reads yes/no/true/false/on/off as true or false: put the text in quotes."
        if isinstance(value, bool)
        else "Write one text."
    )
    hint_zh = (
        "YAML 会把 yes/no/true/false/on/off 读作真假值：请给文字加引号。"
        if isinstance(value, bool)
        else "请只写一段文字。"
    )
    err(
        obj,
        key,
        f"`{key}` must be {what}",
        found=value,
        zh=f"`{key}` 须为{what_zh}",
        fix=hint,
        fix_zh=hint_zh,
    )
    return None


def _a_path(obj: dict, key: str, err: YamlProblems) -> str | None:
    """``obj[key]`` as a path (a text; None when absent or empty)."""
    value = obj.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    return _text(obj, key, "a path (a text)", "路径（文字）", err)


def _file_at(
    obj: dict, key: str, given: str, what: str, what_zh: str, root: Path, err: YamlProblems
) -> Path:
    """The file *given* (relative to the project folder), with a problem at its line when it
    is not a readable regular file (a folder, a pipe, a loop, no read permission)."""
    target = root / given
    problem = file_problem(target)
    if problem is None:
        return target
    if problem.message == "file not found":
        err(
            obj,
            key,
            f"the {what} does not exist",
            "an existing file",
            given,
            zh=f"{what_zh}不存在",
            expected_zh="一个存在的文件",
        )
    else:
        err(
            obj,
            key,
            f"the {what} {given}: {problem.message}",
            "a readable file",
            zh=f"{what_zh} {given}：{problem.message_zh}",
            expected_zh="可读取的文件",
            fix=problem.fix,
            fix_zh=problem.fix_zh,
        )
    return target


def _choice(
    obj: dict,
    where: str,
    key: str,
    default: str,
    choices: Collection[str],
    err: YamlProblems,
    message: str = "",
    message_zh: str = "",
) -> str:
    """``obj[key]`` of the section *where* (*default* when absent) as a text, with a problem when
    it is none of *choices* ("unknown <where>.<key>" unless *message* says otherwise); the value is
    returned as given either way."""
    value = str(obj.get(key, default))
    if value not in choices:
        err(
            obj,
            key,
            message or f"unknown {where}.{key}",
            " | ".join(choices),
            obj.get(key),
            zh=message_zh or f"未知的 `{where}.{key}`",
        )
    return value


# ---- the sections of the project file, in the order of their problems ------------------------


def _title(raw: dict, err: YamlProblems) -> dict[str, str]:
    """``title``: one text for both languages, or ``{zh: ..., en: ...}``."""
    title_raw = raw.get("title")
    title: dict[str, str] = {}
    if isinstance(title_raw, str):
        title = {"zh": title_raw, "en": title_raw}
    elif isinstance(title_raw, dict):
        err.issues.extend(
            unknown_keys(title_raw, LANGS, file=err.file, where="title", where_zh="title")
        )
        for lang in LANGS:
            t = _text(title_raw, lang, "a text", "文字", err)
            if t is not None:
                title[lang] = t
    elif title_raw is not None:
        err(
            raw,
            "title",
            "`title` must be a text or {zh: ..., en: ...}",
            "title: {zh: 中文标题, en: English title}",
            title_raw,
            zh="`title` 须为一段文字或 {zh: ..., en: ...}",
        )
    return title


def _tree_path(raw: dict, root: Path, err: YamlProblems) -> Path | None:
    """``tree``: the tree file (required)."""
    tree = _a_path(raw, "tree", err)
    tree_path = (
        _file_at(raw, "tree", tree, "tree file", "指标体系文件", root, err) if tree else None
    )
    if tree_path is None and raw.get("tree") in (None, ""):
        err(raw, None, "missing `tree`", "tree: indicators/<tree>.yaml", zh="缺少 `tree`")
    return tree_path


def _recommendations_path(raw: dict, root: Path, err: YamlProblems) -> Path | None:
    """``recommendations``: the recommendation library (optional)."""
    recs = _a_path(raw, "recommendations", err)
    if not recs:
        return None
    return _file_at(raw, "recommendations", recs, "recommendations file", "对策建议文件", root, err)


def _data(raw: dict, root: Path, notes: list[Issue], err: YamlProblems) -> _DataFiles:
    """``data``: experts, surveys, responses, stations, missing_codes, imports; what a glob
    matches that is no regular file is skipped with a warning in *notes*."""
    data_raw = raw.get("data")
    if data_raw is not None and not isinstance(data_raw, dict):
        err(
            raw,
            "data",
            "`data` must be a mapping",
            "{surveys: ..., experts: ...}",
            data_raw,
            zh="`data` 须为映射",
        )
        return _DataFiles()
    data = data_raw or {}
    issues, file = err.issues, err.file
    issues += unknown_keys(data, DATA_KEYS, file=file, where="data")
    experts_path = _experts_path(data, root, err)
    surveys = _expand(root, data.get("surveys"), "surveys", data, issues, notes, file)
    if experts_path is not None:
        surveys = [p for p in surveys if _same(p, experts_path) is not True]
    surveys = [p for p in surveys if not p.name.startswith(("~$", "."))]
    responses = _expand(root, data.get("responses"), "responses", data, issues, notes, file)
    stations = _expand(root, data.get("stations"), "stations", data, issues, notes, file)
    missing_codes = _missing_codes(data, err)
    imports = _imports(data, root, err)
    if not (surveys or responses or imports):
        err(
            data,
            None,
            "no survey data given",
            "data.surveys, data.responses or data.imports",
            zh="没有给出问卷数据",
            expected_zh="data.surveys、data.responses 或 data.imports",
        )
    return _DataFiles(
        tuple(surveys), tuple(responses), tuple(stations), missing_codes, imports, experts_path
    )


def _experts_path(data: dict, root: Path, err: YamlProblems) -> Path | None:
    """``data.experts``: the experts workbook; one that does not exist (or is a link loop) is a
    problem here, what else is wrong with it its reader says."""
    exp = _a_path(data, "experts", err)
    if not exp:
        return None
    experts_path = root / exp
    problem = file_problem(experts_path, readable=False)
    if problem is not None and problem.kind in ("missing", "loop"):
        plain = problem.message == "file not found"
        err(
            data,
            "experts",
            "the experts file does not exist"
            if plain
            else f"the experts file {exp} {problem.message}",
            found=exp if plain else "",
            zh="专家判断文件不存在" if plain else f"专家判断文件 {exp} {problem.message_zh}",
            fix="" if plain else problem.fix,
            fix_zh="" if plain else problem.fix_zh,
        )
    return experts_path


def _missing_codes(data: dict, err: YamlProblems) -> tuple[float | str, ...]:
    """``data.missing_codes``: the answers that mean "no answer" (numbers as floats)."""
    codes = data.get("missing_codes") or []
    if not isinstance(codes, list) or any(
        isinstance(c, bool) or not isinstance(c, (int, float, str)) for c in codes
    ):
        err(
            data,
            "missing_codes",
            "data.missing_codes must list numbers or texts",
            found=codes,
            zh="`data.missing_codes` 须列出数值或文字",
        )
        codes = []
    return tuple(float(c) if isinstance(c, (int, float)) else str(c) for c in codes)


def _imports(data: dict, root: Path, err: YamlProblems) -> tuple[ImportSpec, ...]:
    """``data.imports``: a list of ``{file, map, sheet, district, station, labels_from}``."""
    raw_imports = data.get("imports") or []
    if not isinstance(raw_imports, list):
        err(
            data,
            "imports",
            "data.imports must be a list",
            "[{file: ..., map: ...}]",
            zh="`data.imports` 须为列表",
        )
        raw_imports = []
    imports: list[ImportSpec] = []
    for entry in raw_imports:
        if not isinstance(entry, dict) or not entry.get("file"):
            err(
                entry if isinstance(entry, dict) else data,
                None if isinstance(entry, dict) else "imports",
                "each import needs a `file`",
                "{file: ..., map: ...}",
                entry,
                zh="每项导入须有 `file`",
            )
            continue
        imported = _import(entry, root, err)
        if imported is not None:
            imports.append(imported)
    return tuple(imports)


def _import(entry: dict, root: Path, err: YamlProblems) -> ImportSpec | None:
    """One entry of ``data.imports`` (None when its file is no text)."""
    err.issues.extend(
        unknown_keys(entry, IMPORT_KEYS, file=err.file, where="an import", where_zh="导入项")
    )
    given_file = _a_path(entry, "file", err)
    if given_file is None:
        return None
    f = root / given_file
    given_map = _a_path(entry, "map", err)
    m = root / given_map if given_map else None
    given = entry.get("labels_from")
    lf: Path | bool | None = None
    if given is False:
        lf = False
    elif given is not None:
        lf_text = _a_path(entry, "labels_from", err)
        lf = root / lf_text if lf_text else None
    for key, q in (("file", f), ("map", m), ("labels_from", lf)):
        if isinstance(q, Path):
            _import_file_problem(entry, key, q, err)
    return ImportSpec(
        f,
        m,
        _text(entry, "sheet", "a sheet name (a text)", "工作表名称（文字）", err) or None,
        _text(entry, "district", "a district name (a text)", "区县名称（文字）", err) or None,
        _text(entry, "station", "a station name (a text)", "派出所名称（文字）", err) or None,
        lf,
    )


def _import_file_problem(entry: dict, key: str, q: Path, err: YamlProblems) -> None:
    """A problem at *key* of an import when its file *q* does not exist (or is a link loop);
    what else is wrong with it the importer says."""
    problem = file_problem(q, readable=False)
    if problem is None or problem.kind not in ("missing", "loop"):
        return
    plain = problem.message == "file not found"
    err(
        entry,
        key,
        f"the import {key} does not exist"
        if plain
        else f"the import {key} {q.name} {problem.message}",
        found=str(q.name) if plain else "",
        zh=f"导入项的 `{key}` 文件不存在"
        if plain
        else f"导入项的 `{key}` 文件 {q.name} {problem.message_zh}",
        fix="" if plain else problem.fix,
        fix_zh="" if plain else problem.fix_zh,
    )


def _weights(raw: dict, experts_path: Path | None, err: YamlProblems) -> WeightSpec:
    """``weights``: method, combine, alpha, ri_table, cr_threshold, inconsistent_experts,
    objective, combine_level; AHP and combined need ``data.experts``."""
    w = _mapping(raw, "weights", "{method: combined, alpha: 0.5}", err)
    err.issues.extend(
        unknown_keys(w, [f.name for f in fields(WeightSpec)], file=err.file, where="weights")
    )
    ws = WeightSpec()
    method = _choice(w, "weights", "method", ws.method, WEIGHT_METHODS, err)
    combine = _choice(w, "weights", "combine", ws.combine, COMBINE_METHODS, err)
    alpha = _alpha(w, ws.alpha, err)
    ri = _choice(
        w,
        "weights",
        "ri_table",
        ws.ri_table,
        RI_TABLES,
        err,
        message="unknown RI table",
        message_zh="未知的 RI 表",
    )
    thr = _cr_threshold(w, ws.cr_threshold, err)
    pol = _choice(
        w,
        "weights",
        "inconsistent_experts",
        ws.inconsistent_experts,
        EXPERT_POLICIES,
        err,
        message="unknown policy",
        message_zh="未知的处理方式",
    )
    objective = _choice(w, "weights", "objective", ws.objective, OBJECTIVE_METHODS, err)
    level = _choice(w, "weights", "combine_level", ws.combine_level, COMBINE_LEVELS, err)
    if method in ("ahp", "combined") and experts_path is None:
        err(
            w if "method" in w else raw,
            "method" if "method" in w else "weights" if "weights" in raw else None,
            f"weights.method {method} needs expert judgments",
            "data.experts",
            zh=f"`weights.method: {method}` 需要专家判断",
        )
    return WeightSpec(method, combine, alpha, ri, thr, pol, objective, level)


def _alpha(w: dict, default: float, err: YamlProblems) -> float:
    """``weights.alpha``, a number in [0, 1] (*default* when absent or wrong)."""
    alpha = w.get("alpha", default)
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not 0 <= alpha <= 1:
        err(
            w,
            "alpha",
            "weights.alpha must be a number in [0, 1]",
            "0..1",
            alpha,
            zh="`weights.alpha` 须为 [0, 1] 中的数",
            fix=_unquote_hint(alpha),
            fix_zh=_unquote_hint_zh(alpha),
        )
        alpha = default
    return float(alpha)


def _cr_threshold(w: dict, default: float, err: YamlProblems) -> float:
    """``weights.cr_threshold``, a number in (0, 1) (*default* when absent or wrong)."""
    thr = w.get("cr_threshold", default)
    if isinstance(thr, bool) or not isinstance(thr, (int, float)) or not 0 < thr < 1:
        err(
            w,
            "cr_threshold",
            "weights.cr_threshold must be in (0, 1)",
            "e.g. 0.1",
            thr,
            zh="`weights.cr_threshold` 须在 (0, 1) 之间",
            expected_zh="如 0.1",
            fix=_unquote_hint(thr),
            fix_zh=_unquote_hint_zh(thr),
        )
        thr = default
    return float(thr)


def _scoring(raw: dict, err: YamlProblems) -> ScoringSpec:
    """``scoring``: the aggregation method."""
    sc = _mapping(raw, "scoring", "{method: weighted_sum}", err)
    err.issues.extend(
        unknown_keys(sc, [f.name for f in fields(ScoringSpec)], file=err.file, where="scoring")
    )
    method = _choice(sc, "scoring", "method", ScoringSpec.method, SCORING_METHODS, err)
    return ScoringSpec(method, _scoring_compare(sc, method, err))


def _uncertainty(raw: dict, err: YamlProblems) -> UncertaintySpec:
    """``uncertainty``: absent (the defaults), false (off) or a mapping (its keys and factors'
    keys checked after its values)."""
    u_raw = raw.get("uncertainty")
    if u_raw not in (None, False) and not isinstance(u_raw, dict):
        _mapping(raw, "uncertainty", "{draws: 1000, factors: {...}}", err)  # a problem at its line
        return UncertaintySpec()
    us = _uncertainty_spec(u_raw, err)
    if isinstance(u_raw, dict):
        err.issues.extend(unknown_keys(u_raw, UNCERTAINTY_KEYS, file=err.file, where="uncertainty"))
        err.issues.extend(
            unknown_keys(
                u_raw.get("factors"),
                UNCERTAINTY_FACTORS,
                file=err.file,
                where="uncertainty.factors",
            )
        )
    return us


def _report(raw: dict, root: Path, err: YamlProblems) -> ReportSpec:
    """``report``: lang, date, output, font, weakest, min_respondents."""
    r = _mapping(raw, "report", "{lang: zh, output: reports}", err)
    err.issues.extend(
        unknown_keys(r, [f.name for f in fields(ReportSpec)], file=err.file, where="report")
    )
    rs = ReportSpec()
    lang = _choice(r, "report", "lang", rs.lang, LANGS, err)
    weakest = _positive_whole(r, "weakest", rs.weakest, err)
    minr = _positive_whole(r, "min_respondents", rs.min_respondents, err)
    date = r.get("date")
    if isinstance(date, (dt.date, dt.datetime)):
        date = date.isoformat()  # date: 2026-11-01 without quotes is read as a date
    else:
        date = _text(
            r, "date", 'a date (a text such as "2026-11-01")', '日期（如 "2026-11-01"）', err
        )
    output = _a_path(r, "output", err)
    font = _a_path(r, "font", err)
    return ReportSpec(
        lang=lang,
        date=date or "",
        output=output or rs.output,
        font=str(root / font) if font else None,
        weakest=weakest,
        min_respondents=minr,
    )


def _positive_whole(r: dict, key: str, default: int, err: YamlProblems) -> int:
    """``report.<key>``, a whole number of at least 1 (*default* when absent or wrong)."""
    value = r.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        err(
            r,
            key,
            f"report.{key} must be a positive whole number",
            found=value,
            zh=f"`report.{key}` 须为正整数",
            fix=_unquote_hint(value),
            fix_zh=_unquote_hint_zh(value),
        )
        value = default
    return value


def _scoring_compare(sc: dict, method: str, err: Any) -> tuple[str, ...]:
    """``scoring.compare``: a list of aggregators to compute beside *method*, each known; the
    headline method and repeats are dropped. Problems filed through *err* at the key's line."""
    value = sc.get("compare")
    if value is None:
        return ()
    if not isinstance(value, list):
        err(
            sc,
            "compare",
            "scoring.compare must be a list of aggregators",
            "[topsis, grey_relational, fuzzy]",
            value,
            zh="`scoring.compare` 须为汇总方法的列表",
            fix="Write the names in brackets, e.g. compare: [topsis].",
            fix_zh="把方法名写在方括号里，如 compare: [topsis]。",
        )
        return ()
    out: list[str] = []
    for name in value:
        if not isinstance(name, str) or name not in SCORING_METHODS:
            near = difflib.get_close_matches(str(name), SCORING_METHODS, n=1, cutoff=0.6)
            err(
                sc,
                "compare",
                "unknown aggregator in scoring.compare",
                " | ".join(SCORING_METHODS),
                name,
                zh="`scoring.compare` 中有未知的汇总方法",
                fix=f"Did you mean `{near[0]}`?" if near else "",
                fix_zh=f"是否应为 `{near[0]}`？" if near else "",
            )
        elif name != method and name not in out:
            out.append(name)
    return tuple(out)


def _scope(raw: dict, err: YamlProblems) -> str:
    """``scope``: province (the default) | city | district, or its Chinese word (全省 / 全市 /
    全区县); a problem filed through *err* at its line."""
    value = raw.get("scope")
    if value is None:
        return "province"
    chinese = {words["zh"]: key for key, words in SCOPES.items()}
    if isinstance(value, str) and value.strip() in (*SCOPES, *chinese):
        return chinese.get(value.strip(), value.strip())
    err(
        raw,
        "scope",
        "unknown scope",
        "province | city | district",
        value,
        zh="未知的 `scope`（研究范围）",
        expected_zh="province | city | district（或 全省 / 全市 / 全区县）",
        fix="Write the area the study covers: province, city or district.",
        fix_zh="写明本次评价覆盖的范围：province（全省）、city（全市）或 district（全区县）。",
    )
    return "province"


def _same(a: Path, b: Path) -> bool | None:
    """Whether two paths name the same file (None when either cannot be looked at)."""
    try:
        return a.resolve() == b.resolve()
    except (OSError, RuntimeError):  # a symbolic-link loop
        return None


def _unquote_hint(value: Any) -> str:
    """The fix for a number written in quotes (``alpha: "0.5"``)."""
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return ""
        return "Write the number without quotes."
    return ""


def _unquote_hint_zh(value: Any) -> str:
    return "数字不要加引号。" if _unquote_hint(value) else ""


def _uncertainty_spec(u: Any, err: YamlProblems) -> UncertaintySpec:
    """The ``uncertainty:`` section; every problem through *err* with its line."""
    base = UncertaintySpec()
    if u is None:
        return base
    if u is False:
        return dataclasses.replace(base, draws=0)
    if not isinstance(u, dict):
        err(
            u,
            None,
            "uncertainty must be a mapping",
            "draws: 1000, factors: ...",
            u,
            zh="`uncertainty` 须为映射",
        )
        return base
    values: dict[str, Any] = {}
    for key in ("draws", "seed", "replicates"):
        v = u.get(key, getattr(base, key))
        if isinstance(v, bool) or not isinstance(v, int) or v < (0 if key != "replicates" else 1):
            err(
                u,
                key,
                f"uncertainty.{key} must be a whole number"
                + (" of at least 1" if key == "replicates" else " of at least 0"),
                found=v,
                zh=f"`uncertainty.{key}` 须为非负整数",
            )
            v = getattr(base, key)
        values[key] = v
    f = u.get("factors") or {}
    if not isinstance(f, dict):
        err(
            u,
            "factors",
            "uncertainty.factors must be a mapping",
            found=f,
            zh="`uncertainty.factors` 须为映射",
        )
        f = {}
    for name, choices in UNCERTAINTY_CHOICES.items():
        if name not in f:
            continue
        v = f[name]
        if v in (None, False):
            values[name] = ()
            continue
        v = [v] if isinstance(v, str) else v
        bad = [x for x in v if x not in choices] if isinstance(v, list) else [v]
        if bad:
            err(
                f,
                name,
                f"unknown uncertainty.factors.{name}",
                " | ".join(choices),
                bad,
                zh=f"未知的 `uncertainty.factors.{name}`",
            )
            continue
        values[name] = tuple(v)
    values.update(_uncertainty_ranges(f, err))
    return dataclasses.replace(base, **values)


def _uncertainty_ranges(f: dict, err: YamlProblems) -> dict[str, Any]:
    """The factors of ``uncertainty.factors`` that are a range, a switch or a band: alpha,
    experts, respondents, leave_one_out, goalposts."""
    values: dict[str, Any] = {}
    if "alpha" in f:
        a = f["alpha"]
        if a in (None, False):
            values["alpha"] = None
        elif (
            isinstance(a, list)
            and len(a) == 2
            and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in a)
            and 0 <= a[0] <= a[1] <= 1
        ):
            values["alpha"] = (float(a[0]), float(a[1]))
        else:
            err(
                f,
                "alpha",
                "uncertainty.factors.alpha must be a range [low, high] in [0, 1]",
                "[0, 1]",
                a,
                zh="`uncertainty.factors.alpha` 须为 [0, 1] 内的区间 [下限, 上限]",
            )
    for name in ("experts", "respondents", "leave_one_out"):
        if name in f:
            if not isinstance(f[name], bool):
                err(
                    f,
                    name,
                    f"uncertainty.factors.{name} must be true or false",
                    "true | false",
                    f[name],
                    zh=f"`uncertainty.factors.{name}` 须为 true 或 false",
                )
            else:
                values[name] = f[name]
    if "goalposts" in f:
        g = f["goalposts"]
        if g in (None, False):
            values["goalposts"] = 0.0
        elif isinstance(g, bool) or not isinstance(g, (int, float)) or not 0 <= g < 0.5:
            err(
                f,
                "goalposts",
                "uncertainty.factors.goalposts must be a band in [0, 0.5)",
                "e.g. 0.1",
                g,
                zh="`uncertainty.factors.goalposts` 须为 [0, 0.5) 内的幅度",
            )
        else:
            values["goalposts"] = float(g)
    return values

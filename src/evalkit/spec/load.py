"""Reading ``evalkit.yaml`` section by section into a :class:`~evalkit.spec.model.RunSpec`."""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from ..errors import Issue, IssueLog, SpecError
from ..files import file_problem
from ..ritables import RI_TABLES
from ..yamlio import YamlProblems, schema_issue, unknown_keys
from .model import (
    COMBINE_LEVELS,
    COMBINE_METHODS,
    DATA_KEYS,
    EXPERT_POLICIES,
    IMPORT_KEYS,
    LANGS,
    OBJECTIVE_METHODS,
    SCOPES,
    SCORING_METHODS,
    SPEC_KEYS,
    WEIGHT_METHODS,
    ImportSpec,
    PeriodSpec,
    ReportSpec,
    RunSpec,
    ScoringSpec,
    WeightSpec,
)
from .periods import _periods
from .uncertainty import _uncertainty
from .values import (
    _a_path,
    _choice,
    _expand,
    _file_at,
    _mapping,
    _positive_whole,
    _project_mapping,
    _project_path,
    _same,
    _text,
    _unquote_hint,
    _unquote_hint_zh,
)


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
    periods = _periods(raw, root, notes, err, _data)
    data = _period_data(periods.chosen) if "periods" in raw else _data(raw, root, notes, err)
    weights = _weights(raw, data.experts, err, experts_unknown=periods.experts_unknown)
    scoring = _scoring(raw, err)
    uncertainty = _uncertainty(raw, err)
    report = _report(raw, root, err)
    if issues:
        raise SpecError(issues, summary=f"{len(issues)} problem(s) in {file}")
    assert tree_path is not None
    spec = RunSpec(
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
        periods=periods.periods,
        base_period=periods.base,
        period_change=periods.change,
    )
    return spec.for_period(periods.base) if periods.periods else spec


def _period_data(period: PeriodSpec | None) -> _DataFiles:
    """The data of the base period (with periods, the RunSpec's own data are the base's)."""
    if period is None:
        return _DataFiles()
    p = period
    return _DataFiles(p.surveys, p.responses, p.stations, p.missing_codes, p.imports, p.experts)


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


def _weights(
    raw: dict, experts_path: Path | None, err: YamlProblems, *, experts_unknown: bool = False
) -> WeightSpec:
    """``weights``: method, combine, alpha, ri_table, cr_threshold, inconsistent_experts,
    objective, combine_level; AHP and combined need ``data.experts`` (not checked when which
    experts there are is unknown: periods without a base period read)."""
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
    if method in ("ahp", "combined") and experts_path is None and not experts_unknown:
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


def _report(raw: dict, root: Path, err: YamlProblems) -> ReportSpec:
    """``report``: lang, date, output, font, weakest, min_respondents, countermeasures."""
    r = _mapping(raw, "report", "{lang: zh, output: reports}", err)
    err.issues.extend(
        unknown_keys(r, [f.name for f in fields(ReportSpec)], file=err.file, where="report")
    )
    rs = ReportSpec()
    lang = _choice(r, "report", "lang", rs.lang, LANGS, err)
    weakest = _positive_whole(r, "weakest", rs.weakest, err)
    minr = _positive_whole(r, "min_respondents", rs.min_respondents, err)
    shown = _positive_whole(r, "countermeasures", rs.countermeasures, err)
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
        countermeasures=shown,
    )


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

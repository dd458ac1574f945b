"""The project file (``evalkit.yaml``) as a frozen :class:`RunSpec`.

A RunSpec says which tree, which data, which methods and which outputs; an Evaluation keeps the
RunSpec that made it, so a variant run is "the same spec with one setting changed"
(``dataclasses.replace``).
"""

from __future__ import annotations

import dataclasses
import glob
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import Issue, Location, SpecError
from .ritables import RI_TABLES
from .yamlio import YamlProblems, load_yaml

PROJECT_FILE = "evalkit.yaml"
#: Weighters of the project file (evalkit.pipeline.weighters registers them; a test keeps the two
#: lists equal): AHP, the objective methods, equal and fixed (the tree's `weight:`s), and combined
#: (AHP with one objective method).
WEIGHT_METHODS = ("combined", "ahp", "entropy", "critic", "std", "cv", "equal", "fixed")
OBJECTIVE_METHODS = ("entropy", "critic", "std", "cv")
#: Aggregators of the project file (evalkit.pipeline.aggregators registers them).
SCORING_METHODS = ("weighted_sum", "geometric")
COMBINE_METHODS = ("linear", "multiplicative", "game_theory")
COMBINE_LEVELS = ("node", "global")
EXPERT_POLICIES = ("keep", "exclude", "repair")
LANGS = ("zh", "en")


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


#: The choices the uncertainty analysis may vary, with the values each may take.
UNCERTAINTY_CHOICES: dict[str, tuple[str, ...]] = {
    "method": ("combined", "ahp", "objective", "equal", "fixed"),
    "objective": ("entropy", "critic", "std", "cv"),
    "combine_level": ("node", "global"),
    "normalisation": ("goalposts", "minmax"),
    "aggregation": ("weighted_sum", "geometric"),
    "level_rule": ("total", "staged"),
}


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

    @property
    def output_dir(self) -> Path:
        out = Path(self.report.output)
        return out if out.is_absolute() else self.root / out


def _expand(root: Path, patterns: Any, key: str, raw: Any, err: YamlProblems) -> list[Path]:
    if patterns is None:
        return []
    if isinstance(patterns, str):
        patterns = [patterns]
    if not isinstance(patterns, list):
        err(
            raw,
            key,
            f"`data.{key}` must be a path or a list of paths",
            found=patterns,
            zh=f"`data.{key}` 须为一个路径或路径列表",
        )
        return []
    out: list[Path] = []
    for pat in patterns:
        matches = sorted(glob.glob(str(root / str(pat))))
        if not matches:
            err(
                raw,
                key,
                f"`data.{key}`: no file matches {pat!r}",
                "an existing file or a glob that matches one",
                fix="Check the path (relative to the folder of evalkit.yaml).",
                zh=f"`data.{key}`：没有与 {pat!r} 匹配的文件",
                expected_zh="一个存在的文件，或能匹配到文件的通配符",
                fix_zh="检查路径（相对于 evalkit.yaml 所在的文件夹）。",
            )
        out.extend(Path(m) for m in matches)
    return out


def load_spec(project: Path | str = ".") -> RunSpec:
    """Read ``evalkit.yaml`` from a project folder (or the file itself) and check it."""
    project = Path(project)
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
    root = path.parent
    file = str(path)
    raw = load_yaml(path, error=SpecError)
    if not isinstance(raw, dict):
        raise SpecError(
            [
                Issue(
                    Location(file=file),
                    "the project file must be a YAML mapping",
                    message_zh="项目文件须为 YAML 映射（键: 值）",
                )
            ]
        )

    err = YamlProblems(file)  # each problem with its line, in English and Chinese
    issues = err.issues

    title = raw.get("title") or {}
    if isinstance(title, str):
        title = {"zh": title, "en": title}
    tree = raw.get("tree")
    tree_path = root / str(tree) if tree else None
    if tree_path is None:
        err(raw, None, "missing `tree`", "tree: indicators/<tree>.yaml", zh="缺少 `tree`")
    elif not tree_path.exists():
        err(
            raw,
            "tree",
            "the tree file does not exist",
            "an existing file",
            str(tree),
            zh="指标体系文件不存在",
            expected_zh="一个存在的文件",
        )
    recs = raw.get("recommendations")
    recs_path = root / str(recs) if recs else None
    if recs_path is not None and not recs_path.exists():
        err(
            raw,
            "recommendations",
            "the recommendations file does not exist",
            found=str(recs),
            zh="对策建议文件不存在",
        )

    data = raw.get("data") or {}
    experts_path: Path | None = None
    missing_codes: tuple[float | str, ...] = ()
    imports: list[ImportSpec] = []
    surveys: list[Path] = []
    responses: list[Path] = []
    stations: list[Path] = []
    if not isinstance(data, dict):
        err(
            raw,
            "data",
            "`data` must be a mapping",
            "{surveys: ..., experts: ...}",
            zh="`data` 须为映射",
        )
    else:
        exp = data.get("experts")
        if exp:
            experts_path = root / str(exp)
            if not experts_path.exists():
                err(
                    data,
                    "experts",
                    "the experts file does not exist",
                    found=str(exp),
                    zh="专家判断文件不存在",
                )
        surveys = _expand(root, data.get("surveys"), "surveys", data, err)
        if experts_path is not None:
            surveys = [p for p in surveys if p.resolve() != experts_path.resolve()]
        surveys = [p for p in surveys if not p.name.startswith(("~$", "."))]
        responses = _expand(root, data.get("responses"), "responses", data, err)
        stations = _expand(root, data.get("stations"), "stations", data, err)
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
        missing_codes = tuple(float(c) if isinstance(c, (int, float)) else str(c) for c in codes)
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
        for entry in raw_imports:
            if not isinstance(entry, dict) or not entry.get("file"):
                err(
                    data,
                    "imports",
                    "each import needs a `file`",
                    "{file: ..., map: ...}",
                    entry,
                    zh="每项导入须有 `file`",
                )
                continue
            f = root / str(entry["file"])
            m = root / str(entry["map"]) if entry.get("map") else None
            given = entry.get("labels_from")
            lf: Path | bool | None = (
                False if given is False else root / str(given) if given else None
            )
            for key, q in (("file", f), ("map", m), ("labels_from", lf)):
                if isinstance(q, Path) and not q.exists():
                    err(
                        entry,
                        key,
                        f"the import {key} does not exist",
                        found=str(q.name),
                        zh=f"导入项的 `{key}` 文件不存在",
                    )
            imports.append(
                ImportSpec(
                    f,
                    m,
                    str(entry["sheet"]) if entry.get("sheet") else None,
                    str(entry["district"]) if entry.get("district") else None,
                    str(entry["station"]) if entry.get("station") else None,
                    lf,
                )
            )
        if not (surveys or responses or imports):
            err(
                data,
                None,
                "no survey data given",
                "data.surveys, data.responses or data.imports",
                zh="没有给出问卷数据",
                expected_zh="data.surveys、data.responses 或 data.imports",
            )

    w = raw.get("weights") or {}
    ws = WeightSpec()
    if isinstance(w, dict):
        method = str(w.get("method", ws.method))
        if method not in WEIGHT_METHODS:
            err(
                w,
                "method",
                "unknown weights.method",
                " | ".join(WEIGHT_METHODS),
                method,
                zh="未知的 `weights.method`",
            )
        combine = str(w.get("combine", ws.combine))
        if combine not in COMBINE_METHODS:
            err(
                w,
                "combine",
                "unknown weights.combine",
                " | ".join(COMBINE_METHODS),
                combine,
                zh="未知的 `weights.combine`",
            )
        alpha = w.get("alpha", ws.alpha)
        if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not 0 <= alpha <= 1:
            err(
                w,
                "alpha",
                "weights.alpha must be a number in [0, 1]",
                "0..1",
                alpha,
                zh="`weights.alpha` 须为 [0, 1] 中的数",
            )
            alpha = ws.alpha
        ri = str(w.get("ri_table", ws.ri_table))
        if ri not in RI_TABLES:
            err(w, "ri_table", "unknown RI table", " | ".join(RI_TABLES), ri, zh="未知的 RI 表")
        thr = w.get("cr_threshold", ws.cr_threshold)
        if isinstance(thr, bool) or not isinstance(thr, (int, float)) or not 0 < thr < 1:
            err(
                w,
                "cr_threshold",
                "weights.cr_threshold must be in (0, 1)",
                "e.g. 0.1",
                thr,
                zh="`weights.cr_threshold` 须在 (0, 1) 之间",
                expected_zh="如 0.1",
            )
            thr = ws.cr_threshold
        pol = str(w.get("inconsistent_experts", ws.inconsistent_experts))
        if pol not in EXPERT_POLICIES:
            err(
                w,
                "inconsistent_experts",
                "unknown policy",
                " | ".join(EXPERT_POLICIES),
                pol,
                zh="未知的处理方式",
            )
        objective = str(w.get("objective", ws.objective))
        if objective not in OBJECTIVE_METHODS:
            err(
                w,
                "objective",
                "unknown weights.objective",
                " | ".join(OBJECTIVE_METHODS),
                objective,
                zh="未知的 `weights.objective`",
            )
        level = str(w.get("combine_level", ws.combine_level))
        if level not in COMBINE_LEVELS:
            err(
                w,
                "combine_level",
                "unknown weights.combine_level",
                " | ".join(COMBINE_LEVELS),
                level,
                zh="未知的 `weights.combine_level`",
            )
        ws = WeightSpec(method, combine, float(alpha), ri, float(thr), pol, objective, level)
        if method in ("ahp", "combined") and experts_path is None:
            err(
                w,
                "method",
                f"weights.method {method} needs expert judgments",
                "data.experts",
                zh=f"`weights.method: {method}` 需要专家判断",
            )
    sc = raw.get("scoring") or {}
    ss = ScoringSpec()
    if isinstance(sc, dict):
        scoring = str(sc.get("method", ss.method))
        if scoring not in SCORING_METHODS:
            err(
                sc,
                "method",
                "unknown scoring.method",
                " | ".join(SCORING_METHODS),
                scoring,
                zh="未知的 `scoring.method`",
            )
        ss = ScoringSpec(scoring)
    us = _uncertainty_spec(raw.get("uncertainty"), err)
    r = raw.get("report") or {}
    rs = ReportSpec()
    if isinstance(r, dict):
        lang = str(r.get("lang", rs.lang))
        if lang not in LANGS:
            err(r, "lang", "unknown report.lang", "zh | en", lang, zh="未知的 `report.lang`")
        weakest = r.get("weakest", rs.weakest)
        if isinstance(weakest, bool) or not isinstance(weakest, int) or weakest < 1:
            err(
                r,
                "weakest",
                "report.weakest must be a positive whole number",
                found=weakest,
                zh="`report.weakest` 须为正整数",
            )
            weakest = rs.weakest
        minr = r.get("min_respondents", rs.min_respondents)
        if isinstance(minr, bool) or not isinstance(minr, int) or minr < 1:
            err(
                r,
                "min_respondents",
                "report.min_respondents must be a positive whole number",
                zh="`report.min_respondents` 须为正整数",
            )
            minr = rs.min_respondents
        font = r.get("font")
        rs = ReportSpec(
            lang=lang,
            date=str(r.get("date", "")),
            output=str(r.get("output", rs.output)),
            font=str(root / str(font)) if font else None,
            weakest=weakest,
            min_respondents=minr,
        )
    if issues:
        raise SpecError(issues, summary=f"{len(issues)} problem(s) in {file}")
    assert tree_path is not None
    return RunSpec(
        root=root,
        title={str(k): str(v) for k, v in title.items()},
        tree=tree_path,
        recommendations=recs_path,
        surveys=tuple(surveys),
        responses=tuple(responses),
        stations=tuple(stations),
        missing_codes=missing_codes,
        imports=tuple(imports),
        experts=experts_path,
        weights=ws,
        report=rs,
        scoring=ss,
        uncertainty=us,
        file=file,
    )


def _uncertainty_spec(u: Any, err: Any) -> UncertaintySpec:
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
    return dataclasses.replace(base, **values)

"""The central object: an :class:`Evaluation` of every district and station of a project.

``evaluate(spec)`` reads the tree and the data, computes indicator values, weights, scores, maturity
levels and ranks, and returns a frozen Evaluation holding its RunSpec, so a variant is "the same
spec with one setting changed" (``evaluate(dataclasses.replace(spec, weights=...))``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..analysis.reliability import Reliability, reliability_report
from ..errors import DataError, InputError, Issue, Location
from ..ingest.judgments import Judgments, load_judgments
from ..ingest.quality import Screening, screen_responses
from ..ingest.survey import SurveyData, load_survey_data
from ..measure import IndicatorMatrix, compute_indicator_values, goalpost_scores
from ..spec import RunSpec, load_spec
from ..tree import IndicatorTree, load_tree
from ..weights.weightset import WeightSet, compute_weights
from .aggregate import aggregate_scores, rank_desc


@dataclass(frozen=True)
class Evaluation:
    """Scores of every node for every unit, with levels, ranks, weights and the spec that made it.

    districts: one row per district: district, district_en, respondents, stations, total, level,
        rank, then one column per dimension id (scores).
    stations: one row per station: district, station, station_en, respondents, total, level,
        rank_in_district, rank_in_province, shown (meets the minimum group size), then dimension
        scores.
    district_scores / station_scores: every node's score (columns: node ids in tree order).
    district_values / station_values: raw indicator values.
    """

    spec: RunSpec
    tree: IndicatorTree
    weights: WeightSet
    districts: pd.DataFrame
    stations: pd.DataFrame
    district_scores: pd.DataFrame
    station_scores: pd.DataFrame
    district_values: pd.DataFrame
    station_values: pd.DataFrame
    survey: SurveyData
    judgments: Judgments | None
    issues: list[Issue] = field(default_factory=list)
    screening: Screening | None = None
    reliability: Reliability | None = None

    @property
    def blocked(self) -> dict[str, list[str]]:
        """Survey files left out because of errors, with the districts they held."""
        return self.survey.blocked

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def dimension_ids(self) -> list[str]:
        return [d.id for d in self.tree.dimensions]

    def summary(self) -> pd.DataFrame:
        """Districts by rank: total, level and dimension scores."""
        return self.districts.sort_values("rank").reset_index(drop=True)

    def district_names(self) -> list[str]:
        return self.districts["district"].tolist()


def _levels(tree: IndicatorTree, totals: pd.Series) -> pd.Series:
    mins = np.array([lv.min_score for lv in tree.levels])
    vals = totals.to_numpy(dtype=float)
    idx = np.searchsorted(mins, vals, side="right")
    lv = np.where(np.isnan(vals), np.nan, np.clip(idx, 1, len(mins)))
    return pd.Series(lv, index=totals.index)


def evaluate_data(
    spec: RunSpec, tree: IndicatorTree, survey: SurveyData, judgments: Judgments | None
) -> Evaluation:
    """Score already-loaded data (used by :func:`evaluate`; handy in notebooks and tests)."""
    issues: list[Issue] = [*spec.notes, *survey.errors, *survey.issues]
    if judgments is not None:
        issues += judgments.issues
    # invalid questionnaires (duplicate ids, too many missing answers, straight-lining) are
    # excluded with a reason before anything is computed; reliability uses the kept ones
    screening = screen_responses(tree, survey.responses)
    issues += screening.issues
    survey = dataclasses.replace(survey, responses=screening.kept)
    reliability = reliability_report(tree, screening.kept)
    issues += reliability.issues
    matrix: IndicatorMatrix = compute_indicator_values(tree, survey)
    issues += matrix.issues
    dims = [d.id for d in tree.dimensions]
    min_n = spec.report.min_respondents

    st_n = matrix.station_n.reindex(matrix.stations.index).fillna(0).astype(int)
    entropy_units = matrix.stations[st_n.to_numpy() >= min_n]
    weights = compute_weights(tree, spec.weights, judgments=judgments, station_values=entropy_units)
    issues += weights.issues

    st_scores = aggregate_scores(tree, goalpost_scores(tree, matrix.stations), weights.local)
    di_scores = aggregate_scores(tree, goalpost_scores(tree, matrix.districts), weights.local)

    for name, frame in (("station", matrix.stations), ("district", matrix.districts)):
        missing = frame.isna()
        for unit, row in missing[missing.any(axis=1)].iterrows():
            cols = row[row].index.tolist()
            label = " / ".join(unit) if isinstance(unit, tuple) else str(unit)
            shown = "、".join(tree.label(c, "zh") for c in cols[:6])
            shown_en = ", ".join(tree.label(c, "en") for c in cols[:6])
            more = len(cols) > 6
            issues.append(
                Issue(
                    Location(path=", ".join(cols[:6])),
                    message_zh=f"{'派出所' if name == 'station' else '区县'} {label}："
                    f"{len(cols)} 个指标无数据，其同级指标的权重已重新归一",
                    message=f"{name} {label}: {len(cols)} indicator(s) have no data; the remaining "
                    "weights of their siblings are renormalised",
                    found=shown_en + (" ..." if more else ""),
                    found_zh=shown + (" ……" if more else ""),
                    severity="warning",
                    check="coverage",
                    district=str(unit[0] if isinstance(unit, tuple) else unit),
                )
            )

    names = survey.stations.set_index(["district", "station"])
    # districts table
    d = pd.DataFrame(index=di_scores.index)
    d["district"] = d.index
    en = names.reset_index().groupby("district")["district_en"].first()
    d["district_en"] = en.reindex(d.index).fillna("").replace("", np.nan).fillna(d["district"])
    d["respondents"] = matrix.district_n.reindex(d.index).fillna(0).astype(int)
    d["stations"] = matrix.station_counts.reindex(d.index).fillna(0).astype(int)
    d["total"] = di_scores[tree.goal.id]
    d["level"] = _levels(tree, d["total"])
    d["rank"] = rank_desc(d["total"])
    for dim in dims:
        d[dim] = di_scores[dim]
    d = d.reset_index(drop=True)

    s = pd.DataFrame(index=st_scores.index)
    s["district"] = [i[0] for i in s.index]
    s["station"] = [i[1] for i in s.index]
    s["station_en"] = (
        names["station_en"].reindex(s.index).fillna("").replace("", np.nan).fillna(s["station"])
    )
    s["respondents"] = st_n.reindex(s.index).fillna(0).astype(int)
    s["total"] = st_scores[tree.goal.id]
    s["level"] = _levels(tree, s["total"])
    s["shown"] = (s["respondents"] >= min_n).to_numpy()
    shown_total = s["total"].where(s["shown"])
    s["rank_in_district"] = shown_total.groupby(s["district"]).rank(ascending=False, method="min")
    s["rank_in_province"] = rank_desc(shown_total)
    for dim in dims:
        s[dim] = st_scores[dim]
    s = s.reset_index(drop=True)
    small = s[~s["shown"]]
    for _, r in small.iterrows():
        issues.append(
            Issue(
                Location(path=f"{r['district']} / {r['station']}"),
                f"station {r['station']} has {r['respondents']} respondent(s), fewer than "
                f"{min_n}: it is not shown on its own (officers' privacy) but counts in its district",
                message_zh=f"{r['station']} 有效问卷 {r['respondents']} 份，少于 {min_n} 份："
                "为保护民警隐私不单独列示，但计入所在区县",
                severity="warning",
                check="privacy",
                district=str(r["district"]),
            )
        )
    return Evaluation(
        spec=spec,
        tree=tree,
        weights=weights,
        districts=d,
        stations=s,
        district_scores=di_scores,
        station_scores=st_scores,
        district_values=matrix.districts,
        station_values=matrix.stations,
        survey=survey,
        judgments=judgments,
        issues=issues,
        screening=screening,
        reliability=reliability,
    )


def evaluate(project: RunSpec | Path | str = ".", *, isolate: bool = False) -> Evaluation:
    """Evaluate a project: a RunSpec, a project folder or an ``evalkit.yaml`` path.

    Raises an :class:`~evalkit.errors.InputError` listing every problem of the inputs. With
    ``isolate=True`` a survey file with errors blocks only its own districts: the rest is evaluated,
    and ``Evaluation.blocked`` and the error issues say what was left out.
    """
    spec = project if isinstance(project, RunSpec) else load_spec(project)
    tree = load_tree(spec.tree)
    problems: list[Issue] = []
    survey = judgments = None
    try:
        survey = load_survey_data(
            tree,
            surveys=spec.surveys,
            responses=spec.responses,
            stations=spec.stations,
            base=spec.root,
            isolate=isolate,
            missing_codes=spec.missing_codes,
            imports=spec.imports,
        )
    except InputError as exc:
        problems += exc.issues
    try:
        judgments = load_judgments(spec.experts, tree, base=spec.root) if spec.experts else None
    except InputError as exc:
        problems += exc.issues
    if problems or survey is None:
        raise DataError(problems)
    return evaluate_data(spec, tree, survey, judgments)

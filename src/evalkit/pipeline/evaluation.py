"""The central object: an :class:`Evaluation` of every district and station of a project.

``evaluate(spec)`` prepares the project once (:func:`~evalkit.pipeline.prepare.prepare`: the only
step that reads files), then runs the weighter and the aggregator the spec names and assembles the
tables. ``evaluate_prepared(prepared, weights=..., scoring=...)`` does the second half alone, so a
variant ("the same data weighted by CRITIC", "aggregated geometrically") costs no I/O. Analyses
(reliability, diagnosis, ...) are computed when first asked for (``ev.analysis("reliability")``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..analysis.reliability import Reliability
from ..errors import Issue, Location
from ..ingest.judgments import Judgments
from ..ingest.quality import Screening
from ..ingest.survey import SurveyData
from ..score.aggregate import rank_desc
from ..spec import RunSpec, ScoringSpec, WeightSpec
from ..tree import IndicatorTree
from ..weights.weightset import WeightSet
from . import aggregators as _aggregators  # noqa: F401 - registers the built-in aggregators
from .prepare import Prepared, prepare, prepare_data
from .registry import AGGREGATORS, ANALYSES
from .weighters import weigh


@dataclass(frozen=True)
class Evaluation:
    """Scores of every node for every unit, with levels, ranks, weights and the spec that made it.

    prepared: the data it was computed from (tree, screened survey, judgments, indicator matrix);
    districts: one row per district: district, district_en, respondents, stations, total, level
        (by the tree's level rule), level_by_total, held_back_by (under the staged rule, the
        dimension that caps the level, else ""), rank, then one column per dimension id (scores).
    stations: one row per station: district, station, station_en, respondents, total, level,
        level_by_total, held_back_by, shown (meets the minimum group size), rank_in_district,
        rank_in_province, then dimension scores.
    district_scores / station_scores: every node's score (columns: node ids in tree order).
    period: the survey period scored ("" for a project of one period); weights_period: the period
    whose data and experts gave the weights (the base period; equal to ``period`` for the base
    itself, "" for a project of one period).
    """

    prepared: Prepared
    weights: WeightSet
    scoring: str
    districts: pd.DataFrame
    stations: pd.DataFrame
    district_scores: pd.DataFrame
    station_scores: pd.DataFrame
    issues: list[Issue] = field(default_factory=list)
    period: str = ""
    weights_period: str = ""
    _analyses: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    # ---- the prepared data, by the names the reports use
    @property
    def spec(self) -> RunSpec:
        return self.prepared.spec

    @property
    def tree(self) -> IndicatorTree:
        return self.prepared.tree

    @property
    def survey(self) -> SurveyData:
        return self.prepared.survey

    @property
    def judgments(self) -> Judgments | None:
        return self.prepared.judgments

    @property
    def screening(self) -> Screening:
        return self.prepared.screening

    @property
    def reliability(self) -> Reliability:
        return self.prepared.reliability

    @property
    def district_values(self) -> pd.DataFrame:
        """Raw indicator values of every district (index district)."""
        return self.prepared.matrix.districts

    @property
    def station_values(self) -> pd.DataFrame:
        """Raw indicator values of every station (index district, station)."""
        return self.prepared.matrix.stations

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

    def scope_word(self, lang: str) -> str:
        """The study's scope in *lang* (``scope:`` of the project file): 全省 / 全市 / 全区县,
        "province" / "city" / "district-wide"; reports use it where they speak of the whole study."""
        return self.spec.scope_word(lang)

    def district_names(self) -> list[str]:
        return self.districts["district"].tolist()

    def analysis(self, name: str) -> Any:
        """The result of the analysis *name* (computed once, on first use)."""
        if name not in self._analyses:
            self._analyses[name] = ANALYSES[name].func(self)
        return self._analyses[name]


def _cut(cutoffs: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """1-based level of each score by the cut-offs (min scores, increasing); NaN stays NaN."""
    idx = np.searchsorted(cutoffs, scores, side="right")
    return np.where(np.isnan(scores), np.nan, np.clip(idx, 1, len(cutoffs)))


def level_table(
    tree: IndicatorTree,
    totals: pd.Series,
    dimensions: pd.DataFrame | None = None,
    rule: str | None = None,
) -> pd.DataFrame:
    r"""Maturity levels by the tree's level rule (or *rule*): columns ``level``, ``level_by_total``
    and ``held_back_by``, indexed as *totals*.

    With cut-offs :math:`c_1 = 0 < c_2 < \dots < c_K` (``min_score``), the level of a score is
    :math:`L(s) = \max\{k : s \ge c_k\}`. The ``total`` rule gives :math:`L(S)` of the total;
    the ``staged`` rule caps it at one above the weakest dimension's level,

    .. math:: \ell = \min\bigl(L(S),\ 1 + \min_d L(S_d)\bigr)

    so a stage is reached only when every dimension has reached at least the stage below it: the
    staged reading of maturity models (Nolan 1979, stages of growth; SEI 2010, CMMI's staged
    representation, where a level needs every process area of the levels up to it), relaxed by one
    level for a composite score. ``held_back_by`` names the dimension that binds (the lowest-scoring
    one) where the cap lowers the level, else "". Dimensions without a score are left out of the
    minimum; a NaN total stays NaN.
    """
    rule = rule or tree.level_rule
    cutoffs = np.array([lv.min_score for lv in tree.levels], dtype=float)
    by_total = _cut(cutoffs, totals.to_numpy(dtype=float))
    level = by_total
    held = np.full(len(totals), "", dtype=object)
    if rule == "staged":
        if dimensions is None:
            raise ValueError("the staged level rule needs the dimensions' scores")
        dims = [d.id for d in tree.dimensions]
        x = dimensions[dims].to_numpy(dtype=float)
        some = ~np.isnan(x).all(axis=1)
        low = np.argmin(np.where(np.isnan(x), np.inf, x), axis=1)
        weakest = _cut(cutoffs, np.where(some, x[np.arange(len(x)), low], np.nan))
        level = np.where(some, np.fmin(by_total, weakest + 1), by_total)
        binds = level < by_total
        held[binds] = np.asarray(dims, dtype=object)[low[binds]]
    elif rule != "total":
        raise ValueError(f"unknown level rule {rule!r}; expected total or staged")
    return pd.DataFrame(
        {"level": level, "level_by_total": by_total, "held_back_by": held}, index=totals.index
    )


def levels_of(
    tree: IndicatorTree,
    totals: pd.Series,
    dimensions: pd.DataFrame | None = None,
    rule: str | None = None,
) -> pd.Series:
    """Maturity level (1-based) of each unit by the tree's level rule (:func:`level_table`);
    the staged rule needs *dimensions* (a column per dimension id); NaN stays NaN."""
    return level_table(tree, totals, dimensions, rule)["level"]


def _coverage_issues(tree: IndicatorTree, name: str, frame: pd.DataFrame) -> list[Issue]:
    """A warning per unit with indicators that have no data (their siblings are renormalised)."""
    issues = []
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
    return issues


def _district_table(p: Prepared, scores: pd.DataFrame) -> pd.DataFrame:
    tree, m = p.tree, p.matrix
    names = p.survey.stations.set_index(["district", "station"])
    d = pd.DataFrame(index=scores.index)
    d["district"] = d.index
    en = names.reset_index().groupby("district")["district_en"].first()
    d["district_en"] = en.reindex(d.index).fillna("").replace("", np.nan).fillna(d["district"])
    d["respondents"] = m.district_n.reindex(d.index).fillna(0).astype(int)
    d["stations"] = m.station_counts.reindex(d.index).fillna(0).astype(int)
    d["total"] = scores[tree.goal.id]
    levels = level_table(tree, d["total"], scores)
    for col in levels:
        d[col] = levels[col]
    d["rank"] = rank_desc(d["total"])
    for dim in tree.dimensions:
        d[dim.id] = scores[dim.id]
    return d.reset_index(drop=True)


def english_names(p: Prepared) -> dict[tuple[str, str], tuple[str, str]]:
    """(district, station) -> (district_en, station_en) from the stations sheets, each falling
    back to the Chinese name where the sheet gives none."""
    st = p.survey.stations
    out: dict[tuple[str, str], tuple[str, str]] = {}
    for d, s, den, sen in zip(
        st["district"].astype(str),
        st["station"].astype(str),
        st["district_en"].fillna("").astype(str),
        st["station_en"].fillna("").astype(str),
        strict=True,
    ):
        out[(d, s)] = (den or d, sen or s)
    return out


def _station_table(p: Prepared, scores: pd.DataFrame) -> tuple[pd.DataFrame, list[Issue]]:
    tree = p.tree
    min_n = p.spec.report.min_respondents
    names = p.survey.stations.set_index(["district", "station"])
    s = pd.DataFrame(index=scores.index)
    s["district"] = [i[0] for i in s.index]
    s["station"] = [i[1] for i in s.index]
    s["station_en"] = (
        names["station_en"].reindex(s.index).fillna("").replace("", np.nan).fillna(s["station"])
    )
    s["respondents"] = p.station_respondents.reindex(s.index).fillna(0).astype(int)
    s["total"] = scores[tree.goal.id]
    levels = level_table(tree, s["total"], scores)
    for col in levels:
        s[col] = levels[col]
    s["shown"] = (s["respondents"] >= min_n).to_numpy()
    shown_total = s["total"].where(s["shown"])
    s["rank_in_district"] = shown_total.groupby(s["district"]).rank(ascending=False, method="min")
    s["rank_in_province"] = rank_desc(shown_total)
    for dim in tree.dimensions:
        s[dim.id] = scores[dim.id]
    s = s.reset_index(drop=True)
    issues = [
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
        for _, r in s[~s["shown"]].iterrows()
    ]
    return s, issues


def evaluate_prepared(
    prepared: Prepared,
    *,
    weights: WeightSpec | None = None,
    scoring: ScoringSpec | str | None = None,
    weight_set: WeightSet | None = None,
    period: str = "",
    weights_period: str = "",
) -> Evaluation:
    """Weigh and score prepared data; *weights* / *scoring* override the spec's (no file read).

    ``evaluate_prepared(p, weights=dataclasses.replace(p.spec.weights, method="critic"))`` is
    the same project weighted by CRITIC; ``scoring="geometric"`` aggregates geometrically.
    *weight_set* scores with weights already computed (another survey period's, see
    :mod:`evalkit.pipeline.periods`) instead of weighing this data: its local weights are used as
    they are, nothing is recomputed on *prepared*; *period* / *weights_period* name the period
    scored and the one the weights come from.
    """
    p = prepared
    wspec = weights or p.spec.weights
    if isinstance(scoring, str):  # another headline method, the spec's comparisons kept
        compare = tuple(m for m in p.spec.scoring.compare if m != scoring)
        scoring = dataclasses.replace(p.spec.scoring, method=scoring, compare=compare)
    sspec = scoring or p.spec.scoring
    if wspec is not p.spec.weights or sspec is not p.spec.scoring:
        spec = dataclasses.replace(p.spec, weights=wspec, scoring=sspec)
        p = dataclasses.replace(p, spec=spec)
    if weight_set is None:
        ws = weigh(p.tree, wspec, p.judgments, p.objective_units, p.directions, english_names(p))
        issues = [*p.issues, *ws.issues]
    else:  # the weights' own findings belong to the data they were computed on
        ws = weight_set
        issues = list(p.issues)
    aggregate = AGGREGATORS[sspec.method].func
    st_scores = aggregate(p.tree, p.station_leaf_scores, ws.local)
    di_scores = aggregate(p.tree, p.district_leaf_scores, ws.local)
    issues += _coverage_issues(p.tree, "station", p.matrix.stations)
    issues += _coverage_issues(p.tree, "district", p.matrix.districts)
    stations, privacy = _station_table(p, st_scores)
    issues += privacy
    return Evaluation(
        prepared=p,
        weights=ws,
        scoring=sspec.method,
        districts=_district_table(p, di_scores),
        stations=stations,
        district_scores=di_scores,
        station_scores=st_scores,
        issues=issues,
        period=period,
        weights_period=weights_period,
    )


def evaluate_data(
    spec: RunSpec, tree: IndicatorTree, survey: SurveyData, judgments: Judgments | None
) -> Evaluation:
    """Score already-loaded data (no file is read; handy in notebooks and tests)."""
    return evaluate_prepared(prepare_data(spec, tree, survey, judgments))


def evaluate(project: RunSpec | Path | str = ".", *, isolate: bool = False) -> Evaluation:
    """Evaluate a project: a RunSpec, a project folder or an ``evalkit.yaml`` path.

    Raises an :class:`~evalkit.errors.InputError` listing every problem of the inputs. With
    ``isolate=True`` a survey file with errors blocks only its own districts: the rest is evaluated,
    and ``Evaluation.blocked`` and the error issues say what was left out.
    """
    return evaluate_prepared(prepare(project, isolate=isolate))

"""Everything read and derived once: the tree, the screened data, the judgments, the indicator matrix.

``prepare(spec)`` is the only stage that reads files. What follows it (weighters, aggregators,
analyses) works on the :class:`Prepared` arrays, so re-weighting or re-aggregating a project with
other choices is a cheap call, as an uncertainty analysis that does it thousands of times needs.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from ..analysis.diagnose import RecommendationRule, load_recommendations
from ..analysis.reliability import Reliability, reliability_report
from ..errors import DataError, InputError, Issue
from ..ingest.judgments import Judgments, load_judgments
from ..ingest.quality import Screening, screen_responses
from ..ingest.survey import SurveyData, load_survey_data
from ..measure import IndicatorMatrix, compute_indicator_values, directions, goalpost_scores
from ..spec import RunSpec, load_spec
from ..tree import IndicatorTree, load_tree


@dataclass(frozen=True)
class Prepared:
    """A project's data, read, screened and measured once.

    survey: the responses kept by the screening, and the stations; matrix: raw indicator values of
    every station (index district, station) and district (index district); issues: what reading,
    screening, reliability and measuring found (warnings, and under ``isolate`` the errors that
    blocked files); rules: the recommendation library (``spec.recommendations``) read by
    :func:`prepare`, empty when the project names none or the data was prepared from memory.
    """

    spec: RunSpec
    tree: IndicatorTree
    survey: SurveyData
    judgments: Judgments | None
    screening: Screening
    reliability: Reliability
    matrix: IndicatorMatrix
    issues: list[Issue] = field(default_factory=list)
    rules: tuple[RecommendationRule, ...] = ()

    @cached_property
    def leaf_ids(self) -> list[str]:
        return [leaf.id for leaf in self.tree.leaves()]

    @cached_property
    def directions(self) -> np.ndarray:
        """+1 benefit, -1 cost, per leaf in tree order."""
        return directions(self.tree)

    @cached_property
    def station_respondents(self) -> pd.Series:
        m = self.matrix
        return m.station_n.reindex(m.stations.index).fillna(0).astype(int)

    @cached_property
    def objective_units(self) -> pd.DataFrame:
        """Raw values of the stations objective weights are computed across: those with at least
        ``report.min_respondents`` officers (smaller ones are not shown and would be noise)."""
        shown = self.station_respondents.to_numpy() >= self.spec.report.min_respondents
        return self.matrix.stations[shown]

    @cached_property
    def station_leaf_scores(self) -> pd.DataFrame:
        """0-100 goalpost scores of every station's indicators."""
        return goalpost_scores(self.tree, self.matrix.stations)

    @cached_property
    def district_leaf_scores(self) -> pd.DataFrame:
        """0-100 goalpost scores of every district's indicators."""
        return goalpost_scores(self.tree, self.matrix.districts)


def prepare_data(
    spec: RunSpec,
    tree: IndicatorTree,
    survey: SurveyData,
    judgments: Judgments | None,
    rules: tuple[RecommendationRule, ...] = (),
) -> Prepared:
    """Screen and measure already-loaded data (no file is read); *rules*: the recommendation
    library, already read."""
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
    matrix = compute_indicator_values(tree, survey)
    issues += matrix.issues
    return Prepared(
        spec, tree, survey, judgments, screening, reliability, matrix, issues, tuple(rules)
    )


def prepare(project: RunSpec | Path | str = ".", *, isolate: bool = False) -> Prepared:
    """Read a project (a RunSpec, a folder or an ``evalkit.yaml`` path) once.

    Raises an :class:`~evalkit.errors.InputError` listing every problem of the inputs. With
    ``isolate=True`` a survey file with errors blocks only its own districts: the rest is
    prepared, and the error issues and ``survey.blocked`` say what was left out.
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
    rules: list[RecommendationRule] = []
    try:
        if spec.recommendations is not None:
            rules = load_recommendations(spec.recommendations, tree)
    except InputError as exc:
        problems += exc.issues
    if problems or survey is None:
        raise DataError(problems)
    return prepare_data(spec, tree, survey, judgments, tuple(rules))


__all__ = ["IndicatorMatrix", "Prepared", "prepare", "prepare_data"]

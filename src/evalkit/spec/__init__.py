"""The project file (``evalkit.yaml``) as a frozen :class:`RunSpec`.

A RunSpec says which tree, which data, which methods and which outputs; an Evaluation keeps the
RunSpec that made it, so a variant run is "the same spec with one setting changed"
(``dataclasses.replace``).
"""

from __future__ import annotations

from .load import load_spec
from .model import (
    COMBINE_LEVELS,
    COMBINE_METHODS,
    DATA_KEYS,
    EXPERT_POLICIES,
    IMPORT_KEYS,
    LANGS,
    OBJECTIVE_METHODS,
    PERIOD_CHANGE_KEYS,
    PERIOD_KEYS,
    PROJECT_FILE,
    SCOPES,
    SCORING_METHODS,
    SPEC_KEYS,
    UNCERTAINTY_CHOICES,
    UNCERTAINTY_FACTORS,
    UNCERTAINTY_KEYS,
    WEIGHT_METHODS,
    ImportSpec,
    PeriodChangeSpec,
    PeriodSpec,
    ReportSpec,
    RunSpec,
    ScoringSpec,
    UncertaintySpec,
    WeightSpec,
)

__all__ = [
    "COMBINE_LEVELS",
    "COMBINE_METHODS",
    "DATA_KEYS",
    "EXPERT_POLICIES",
    "IMPORT_KEYS",
    "LANGS",
    "OBJECTIVE_METHODS",
    "PERIOD_CHANGE_KEYS",
    "PERIOD_KEYS",
    "PROJECT_FILE",
    "SCOPES",
    "SCORING_METHODS",
    "SPEC_KEYS",
    "UNCERTAINTY_CHOICES",
    "UNCERTAINTY_FACTORS",
    "UNCERTAINTY_KEYS",
    "WEIGHT_METHODS",
    "ImportSpec",
    "PeriodChangeSpec",
    "PeriodSpec",
    "ReportSpec",
    "RunSpec",
    "ScoringSpec",
    "UncertaintySpec",
    "WeightSpec",
    "load_spec",
]

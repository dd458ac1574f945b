"""The staged pipeline: prepare once, then weighters, aggregators and analyses chosen by name.

::

    prepared = prepare("project/")                 # reads the files (the only stage that does)
    ev = evaluate_prepared(prepared)               # the spec's weighter and aggregator
    ev2 = evaluate_prepared(prepared, scoring="geometric")                      # no I/O
    ev3 = evaluate_prepared(prepared, weights=replace(prepared.spec.weights, method="critic"))
    ev.analysis("reliability")                     # analyses on first use
    cmp = evaluate_periods("project/")             # survey periods on the base period's weights

Stages are registered by name in :data:`WEIGHTERS`, :data:`AGGREGATORS` and :data:`ANALYSES`; see
docs/architecture.md for adding one.
"""

from __future__ import annotations

from . import action_analyses as action_analyses
from . import aggregators as aggregators
from . import analyses as analyses
from . import countermeasures as countermeasures
from . import province as province
from . import uncertainty as uncertainty
from . import weighters as weighters
from .evaluation import (
    Evaluation,
    evaluate,
    evaluate_data,
    evaluate_prepared,
    level_table,
    levels_of,
)
from .periods import PeriodComparison, compare_periods, evaluate_periods, prepare_periods
from .prepare import Prepared, prepare, prepare_data
from .registry import AGGREGATORS, ANALYSES, WEIGHTERS, Registry, Stage
from .weighters import WeightInput, Weights, weigh

__all__ = [
    "AGGREGATORS",
    "ANALYSES",
    "WEIGHTERS",
    "Evaluation",
    "PeriodComparison",
    "Prepared",
    "Registry",
    "Stage",
    "WeightInput",
    "Weights",
    "compare_periods",
    "evaluate",
    "evaluate_data",
    "evaluate_periods",
    "evaluate_prepared",
    "level_table",
    "levels_of",
    "prepare",
    "prepare_data",
    "prepare_periods",
    "weigh",
]

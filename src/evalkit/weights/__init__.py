"""Weights: AHP (single, batched, group, incomplete), objective weights and their combination.

Public API (stable names, used from Python and by the CLI)::

    ahp_priorities, aggregate_judgments, aggregate_aij, aggregate_aip, most_inconsistent, repair,
    ahp_consensus, gci, complete_matrix, entropy_weights, critic_weights, std_weights, cv_weights,
    combine, random_index, RI_TABLES, RI_TABLE_LABELS, AhpResult

``WeightSet`` (the weights of a whole indicator tree) lives in :mod:`evalkit.weights.weightset`;
the weighters that make it are stages of :mod:`evalkit.pipeline.weighters`.
"""

from __future__ import annotations

from .ahp import (
    RI_TABLE_LABELS,
    RI_TABLES,
    SAATY_SCALE,
    AhpResult,
    GroupResult,
    aggregate_aij,
    aggregate_aip,
    aggregate_judgments,
    ahp_priorities,
    complete_reciprocal,
    principal_eigen,
    random_index,
    saaty_round,
)
from .combine import Combination, combine
from .consistency import (
    CONSENSUS_MEASURE,
    Change,
    Judgment,
    RepairResult,
    ahp_consensus,
    gci,
    hierarchical_cr,
    most_inconsistent,
    repair,
)
from .entropy import ConstantIndicatorWarning, entropy_divergence, entropy_weights
from .incomplete import complete_matrix
from .objective import critic_weights, cv_weights, std_weights
from .weightset import WeightSet

__all__ = [
    "CONSENSUS_MEASURE",
    "RI_TABLES",
    "RI_TABLE_LABELS",
    "SAATY_SCALE",
    "AhpResult",
    "Change",
    "Combination",
    "ConstantIndicatorWarning",
    "GroupResult",
    "Judgment",
    "RepairResult",
    "WeightSet",
    "aggregate_aij",
    "aggregate_aip",
    "aggregate_judgments",
    "ahp_consensus",
    "ahp_priorities",
    "combine",
    "complete_matrix",
    "complete_reciprocal",
    "critic_weights",
    "cv_weights",
    "entropy_divergence",
    "entropy_weights",
    "gci",
    "hierarchical_cr",
    "most_inconsistent",
    "principal_eigen",
    "random_index",
    "repair",
    "saaty_round",
    "std_weights",
]

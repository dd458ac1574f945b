"""Scoring kernels: aggregation up the tree, fuzzy comprehensive evaluation, TOPSIS, grey
relational analysis (pure numpy, each with its formula and source)."""

from .fuzzy import (
    FuzzyGrade,
    fuzzy_evaluate,
    fuzzy_score,
    max_membership_grade,
    triangular_membership,
)
from .grey import grey_relational
from .topsis import topsis

__all__ = [
    "FuzzyGrade",
    "fuzzy_evaluate",
    "fuzzy_score",
    "grey_relational",
    "max_membership_grade",
    "topsis",
    "triangular_membership",
]

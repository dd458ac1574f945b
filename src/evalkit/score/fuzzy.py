r"""Fuzzy comprehensive evaluation (模糊综合评价): weights composed with a membership matrix.

A factor set :math:`U = \{u_1, \dots, u_m\}` (indicators) is judged against a comment set
:math:`V = \{v_1, \dots, v_K\}` (grades): row :math:`i` of the membership matrix :math:`R` holds
:math:`r_{ij}`, how far :math:`u_i` belongs to grade :math:`v_j`. With the weights
:math:`A = (a_1, \dots, a_m)` the evaluation vector is the fuzzy composition :math:`B = A \circ R`,
computed by one of four operators (Zadeh's max-min composition and its three common variants;
Wang Peizhuang, *模糊集合论及其应用*, 1983; as offered by SPSSAU, "模糊综合评价"), then normalised
to sum 1. The grade is read by the maximum-membership principle; the score is :math:`B \cdot C`
with a score :math:`c_j` per grade.

Kernels here are pure numpy and vectorised over leading batch axes (units).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: The four composition operators, by the names :func:`fuzzy_evaluate` takes.
OPERATORS = ("weighted_average", "bounded_min", "product_max", "min_max")
#: Top two memberships closer than this make the maximum-membership grade fragile.
FRAGILE_MARGIN = 0.05


def fuzzy_evaluate(
    weights: np.ndarray, membership: np.ndarray, operator: str = "weighted_average"
) -> np.ndarray:
    r"""The evaluation vector :math:`B = A \circ R`, normalised to sum 1.

    .. math::

        \text{weighted\_average } M(\cdot, \oplus):\quad b_j = \sum_i a_i r_{ij}

        \text{bounded\_min } M(\wedge, \oplus):\quad b_j = \min\bigl(1, \sum_i \min(a_i, r_{ij})\bigr)

        \text{product\_max } M(\cdot, \vee):\quad b_j = \max_i a_i r_{ij}

        \text{min\_max } M(\wedge, \vee):\quad b_j = \max_i \min(a_i, r_{ij})

        b_j \leftarrow b_j / \sum_k b_k

    Sources: Zadeh (1965) for max-min composition; Wang Peizhuang (1983) and the SPSSAU manual
    ("模糊综合评价", four operators) for the others. The weighted average is the default: it is the
    only one that uses every weight and every membership (the ``max`` operators keep one factor per
    grade, the ``min`` ones cap a membership at its weight); the weighted average is what SPSSAU's
    published example uses (A = (0.1, 0.1, 0.15, 0.3, 0.35) -> B = (0.205, 0.320, 0.390, 0.085)).

    weights: shape (m,) or (..., m), non-negative (not renormalised: the ``min`` operators compare
    a weight with a membership, so the weights' scale matters; give them summing to 1).
    membership: shape (..., m, K), entries in [0, 1]. Leading axes broadcast (one vector B per
    unit). Returns shape (..., K). A unit whose B is all zero (every weight 0) has no evaluation
    and gets NaN rather than a division by zero.
    """
    if operator not in OPERATORS:
        raise ValueError(f"unknown operator {operator!r}; known: {', '.join(OPERATORS)}")
    a = np.asarray(weights, dtype=float)[..., :, None]
    r = np.asarray(membership, dtype=float)
    if operator == "weighted_average":
        b = (a * r).sum(axis=-2)
    elif operator == "bounded_min":
        b = np.minimum(1.0, np.minimum(a, r).sum(axis=-2))
    elif operator == "product_max":
        b = (a * r).max(axis=-2)
    else:
        b = np.minimum(a, r).max(axis=-2)
    total = b.sum(axis=-1, keepdims=True)
    return np.divide(b, total, out=np.full(b.shape, np.nan), where=total > 0)


def triangular_membership(scores: np.ndarray, points: np.ndarray) -> np.ndarray:
    r"""Membership of each score in the grades placed at *points* (triangular functions).

    .. math::

        \mu_k(s) = \begin{cases}
            (s - c_{k-1}) / (c_k - c_{k-1}) & c_{k-1} \le s \le c_k \\
            (c_{k+1} - s) / (c_{k+1} - c_k) & c_k \le s \le c_{k+1} \\
            0 & \text{otherwise}
        \end{cases}

    with :math:`\mu_1 = 1` below :math:`c_1` and :math:`\mu_K = 1` above :math:`c_K`
    (the usual trapezoidal ends; Zadeh 1965; Pedrycz 1994, "Why triangular membership
    functions?"). They form a partition of unity, :math:`\sum_k \mu_k(s) = 1`, and for
    :math:`c_1 \le s \le c_K` they reproduce the score, :math:`\sum_k \mu_k(s) c_k = s`: a score
    between two grades belongs to both in proportion to its closeness.

    scores: any shape; points: (K,), strictly increasing. Returns scores.shape + (K,); a NaN
    score gets NaN memberships.
    """
    s = np.asarray(scores, dtype=float)
    c = np.asarray(points, dtype=float)
    if c.ndim != 1 or len(c) < 2 or np.any(np.diff(c) <= 0):
        raise ValueError("grade points must be at least two strictly increasing numbers")
    k = len(c)
    flat = s.ravel()
    # the grade at or below each score and the share of the way to the next one
    lo = np.clip(np.searchsorted(c, flat, side="right") - 1, 0, k - 2)
    t = np.clip((flat - c[lo]) / (c[lo + 1] - c[lo]), 0.0, 1.0)
    out = np.zeros((flat.size, k))
    rows = np.arange(flat.size)
    out[rows, lo] = 1.0 - t
    out[rows, lo + 1] += t
    out[np.isnan(flat)] = np.nan
    return out.reshape(*s.shape, k)


@dataclass(frozen=True)
class FuzzyGrade:
    """The maximum-membership grade of evaluation vectors.

    grade: 0-based index of the largest membership (-1 where B is NaN); fragile: the top two
    memberships are within ``margin`` of each other, so the grade rests on a small difference;
    margin: the largest membership minus the second largest.
    """

    grade: np.ndarray
    fragile: np.ndarray
    margin: np.ndarray


def max_membership_grade(b: np.ndarray, margin: float = FRAGILE_MARGIN) -> FuzzyGrade:
    r"""The grade by the maximum-membership principle, :math:`v^* = \arg\max_j b_j`, flagged
    fragile when :math:`b_{(1)} - b_{(2)} \le` *margin* (0.05 by default).

    The principle ignores every grade but the largest, so two nearly equal memberships make the
    grade hinge on noise (a known weakness; Chen Shouyu, *工程模糊集理论与应用*, 1998, proposed
    the weighted-average principle, i.e. the score :math:`B \cdot C`, for this reason): the flag
    says when. b: shape (..., K). Ties go to the lower grade.
    """
    v = np.asarray(b, dtype=float)
    if v.shape[-1] < 2:
        raise ValueError("a comment set needs at least two grades")
    bad = np.isnan(v).any(axis=-1)
    filled = np.where(np.isnan(v), 0.0, v)
    grade = np.argmax(filled, axis=-1)
    top2 = np.sort(filled, axis=-1)[..., -2:]
    gap = np.where(bad, np.nan, top2[..., 1] - top2[..., 0])
    fragile = ~bad & (gap <= margin + 1e-12)
    return FuzzyGrade(np.where(bad, -1, grade), fragile, gap)


def fuzzy_score(b: np.ndarray, grade_scores: np.ndarray) -> np.ndarray:
    r"""The score of evaluation vectors, :math:`S = B \cdot C = \sum_j b_j c_j`.

    With B summing to 1 this is the membership-weighted mean of the grade scores (the
    weighted-average principle; Chen Shouyu 1998). b: (..., K); grade_scores: (K,).
    """
    return np.asarray(b, dtype=float) @ np.asarray(grade_scores, dtype=float)


__all__ = [
    "FRAGILE_MARGIN",
    "OPERATORS",
    "FuzzyGrade",
    "fuzzy_evaluate",
    "fuzzy_score",
    "max_membership_grade",
    "triangular_membership",
]

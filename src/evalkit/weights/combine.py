r"""Combining subjective (AHP) and objective (entropy, CRITIC, ...) weights.

- ``linear``: :math:`w = \alpha a + (1 - \alpha) b` (α = weight of the subjective set).
- ``multiplicative``: :math:`w_j = a_j b_j / \sum_k a_k b_k` (α is not used).
- ``game_theory`` (the game-theoretic combination weighting, 博弈论组合赋权, common in the Chinese
  evaluation literature): find the combination :math:`w = \sum_k \alpha_k u_k` of the L weight
  vectors u_k that minimises :math:`\sum_k \lVert w - u_k \rVert_2^2`-type deviations, whose
  first-order condition is the linear system

  .. math:: \sum_l \alpha_l\, u_k \cdot u_l = u_k \cdot u_k \qquad (k = 1..L),

  then :math:`\alpha^* = |\alpha| / \sum |\alpha|` and :math:`w = \sum_k \alpha^*_k u_k`. The
  coefficients are returned, so a report can state them. When the vectors are (nearly) identical
  the system is singular; the least-squares (minimum-norm) solution gives equal coefficients.

Every method returns non-negative weights summing to 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import MethodError

COMBINE_METHODS: tuple[str, ...] = ("linear", "multiplicative", "game_theory")


@dataclass(frozen=True)
class Combination:
    """Combined weights and how they were made: ``coefficients`` = (subjective, objective) share."""

    weights: np.ndarray
    method: str
    coefficients: tuple[float, float]

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return np.asarray(self.weights, dtype=dtype)

    def describe(self) -> str:
        a, b = self.coefficients
        if self.method == "multiplicative":
            return "multiplicative: w = a·b / Σ a·b"
        if self.method == "linear":
            return f"linear: w = {a:g}·subjective + {b:g}·objective"
        return f"game theory: w = {a:.4f}·subjective + {b:.4f}·objective (solved coefficients)"


def _vector(v: Any, what: str) -> np.ndarray:
    a = np.asarray(v, dtype=float)
    if a.ndim != 1 or a.size == 0 or not np.all(np.isfinite(a)) or np.any(a < 0):
        raise MethodError(f"{what} weights must be a 1-D array of finite non-negative numbers")
    s = a.sum()
    if not s > 0:
        raise MethodError(f"{what} weights are all 0")
    return a / s


def game_theory_coefficients(vectors: np.ndarray) -> np.ndarray:
    r"""Game-theory combination coefficients for L weight vectors (rows of ``vectors``).

    .. math:: \sum_l \alpha_l\, u_k \cdot u_l = u_k \cdot u_k\ (k = 1..L),\qquad
              \alpha^*_k = |\alpha_k| / \sum_l |\alpha_l|

    (the first-order condition of the game-theoretic combination weighting, 博弈论组合赋权, of the
    Chinese evaluation literature; least-squares minimum-norm solution when singular.)
    """
    u = np.asarray(vectors, dtype=float)
    g = u @ u.T
    rhs = np.diag(g).copy()
    alpha = np.linalg.lstsq(g, rhs, rcond=1e-12)[0]
    alpha = np.abs(alpha)
    return alpha / alpha.sum()


def combine(
    subjective: Any, objective: Any, *, method: str = "linear", alpha: float = 0.5
) -> Combination:
    r"""Combine two weight vectors over the same items (each is renormalised to sum 1 first).

    .. math:: \text{linear: } w_j = \alpha a_j + (1 - \alpha) b_j,\qquad
              \text{multiplicative: } w_j = \frac{a_j b_j}{\sum_k a_k b_k},\qquad
              \text{game\_theory: } w = \alpha^*_1 a + \alpha^*_2 b

    with :math:`\alpha^*` from :func:`game_theory_coefficients`. Sources: Ma, J., Fan, Z.-P. &
    Huang, L.-H. (1999), A subjective and objective integrated approach to determine attribute
    weights, *European Journal of Operational Research* 112(2), 397-404 (integrating subjective
    and objective weights); the game-theoretic combination as in the module docstring.
    """
    a = _vector(subjective, "subjective")
    b = _vector(objective, "objective")
    if a.shape != b.shape:
        raise MethodError(f"weight vectors differ in length: {a.size} and {b.size}")
    if method == "linear":
        if not 0.0 <= alpha <= 1.0:
            raise MethodError(f"alpha must be in [0, 1], got {alpha}")
        w = alpha * a + (1.0 - alpha) * b
        coef = (float(alpha), float(1.0 - alpha))
    elif method == "multiplicative":
        w = a * b
        if not w.sum() > 0:
            raise MethodError("multiplicative combination: the two weight sets share no item")
        coef = (float("nan"), float("nan"))
    elif method == "game_theory":
        c = game_theory_coefficients(np.vstack([a, b]))
        w = c[0] * a + c[1] * b
        coef = (float(c[0]), float(c[1]))
    else:
        raise MethodError(f"unknown combination {method!r}; known: {', '.join(COMBINE_METHODS)}")
    return Combination(w / w.sum(), method, coef)

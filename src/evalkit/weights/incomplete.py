r"""Incomplete pairwise comparison matrices: missing judgments (NaN) and their completion.

The comparison graph has the items as vertices and an edge i - j for every judgment given. The
optimal completion is unique exactly when this graph is connected (Bozóki, Fülöp & Rónyai 2010,
"On optimal completion of incomplete pairwise comparison matrices", Mathematical and Computer
Modelling 52, 318-333); a disconnected graph is an error naming the groups that cannot be compared.

Two completions:

- ``lambda_max`` (BFR 2010): choose the missing entries :math:`a_{ij} = e^{x_{ij}}`,
  :math:`a_{ji} = e^{-x_{ij}}` minimising :math:`\lambda_{max}(A(x))`, which is a convex function of
  x (their Theorem 2). Solved by BFGS with the exact gradient
  :math:`\partial\lambda/\partial x_{ij} = (v_i w_j a_{ij} - v_j w_i a_{ji}) / v^T w`
  (v, w the left and right Perron vectors), started from the LLSM completion.
- ``llsm`` (logarithmic least squares; Kwiesielewicz 1996, Bozóki et al. 2010 §4):
  :math:`\min_y \sum_{(i,j)\,\text{given}} (\ln a_{ij} - y_i + y_j)^2`, i.e. the Laplacian system
  :math:`L y = r`, :math:`r_i = \sum_{j \in N(i)} \ln a_{ij}`; missing :math:`a_{ij} = e^{y_i - y_j}`.
  The row geometric mean of this completion equals the incomplete LLSM weights.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..errors import MethodError

COMPLETION_LABELS: dict[str, str] = {
    "lambda_max": "minimising λmax (Bozóki, Fülöp & Rónyai 2010)",
    "llsm": "logarithmic least squares (LLSM)",
}


def components(known: np.ndarray) -> list[list[int]]:
    """Connected components of the comparison graph (known: (n, n) bool of given judgments)."""
    n = known.shape[0]
    seen = np.zeros(n, dtype=bool)
    out: list[list[int]] = []
    for s in range(n):
        if seen[s]:
            continue
        stack, comp = [s], []
        seen[s] = True
        while stack:
            i = stack.pop()
            comp.append(i)
            for j in np.flatnonzero(known[i] | known[:, i]):
                if not seen[j]:
                    seen[j] = True
                    stack.append(int(j))
        out.append(sorted(comp))
    return out


def check_connected(a: np.ndarray, labels: Sequence[str] | None = None) -> None:
    """Raise MethodError naming the item groups that no chain of judgments links."""
    known = ~np.isnan(a)
    np.fill_diagonal(known, False)
    comps = components(known)
    if len(comps) > 1:
        name = (lambda i: str(labels[i])) if labels is not None else str
        groups = "; ".join("{" + ", ".join(name(i) for i in c) + "}" for c in comps)
        raise MethodError(
            f"the judgments do not connect all items: these groups cannot be compared with each "
            f"other: {groups}. Add at least one judgment between every two groups."
        )


def llsm_log_weights(a: np.ndarray) -> np.ndarray:
    r"""y = ln w of the (incomplete) LLSM problem, normalised so that sum(exp(y)) = 1.

    .. math:: L y = r,\quad r_i = \sum_{j \in N(i)} \ln a_{ij}

    with L the Laplacian of the comparison graph (Bozóki, Fülöp & Rónyai 2010, §4).
    """
    n = a.shape[0]
    known = ~np.isnan(a)
    np.fill_diagonal(known, False)
    lap = -known.astype(float)
    np.fill_diagonal(lap, known.sum(axis=1))
    r = np.where(known, np.log(np.where(known, a, 1.0)), 0.0).sum(axis=1)
    # fix the gauge with sum(y) = 0: (L + 11^T/n) y = r has a unique solution on a connected graph
    y = np.linalg.solve(lap + np.ones((n, n)) / n, r)
    y -= np.log(np.exp(y).sum())
    return y


def _perron_lr(a: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    vals, vecs = np.linalg.eig(a)
    i = int(np.argmax(vals.real))
    w = np.abs(vecs[:, i].real)
    lvals, lvecs = np.linalg.eig(a.T)
    j = int(np.argmax(lvals.real))
    v = np.abs(lvecs[:, j].real)
    return float(vals[i].real), v, w


def complete_matrix(
    a: np.ndarray, *, method: str = "lambda_max", labels: Sequence[str] | None = None
) -> np.ndarray:
    r"""Fill the NaN entries of a reciprocal matrix (diagonal 1, given entries reciprocal).

    .. math:: \text{lambda\_max: } \min_x \lambda_{max}(A(x)),\ a_{ij} = e^{x_{ij}},
              a_{ji} = e^{-x_{ij}};\qquad
              \text{llsm: } \min_y \sum_{(i,j)\ given} (\ln a_{ij} - y_i + y_j)^2,\
              a_{ij} = e^{y_i - y_j}

    (Bozóki, S., Fülöp, J. & Rónyai, L. (2010), On optimal completion of incomplete pairwise
    comparison matrices, *Mathematical and Computer Modelling* 52, 318-333; LLSM also Kwiesielewicz
    1996.) The comparison graph must be connected.

    Returns a new complete positive reciprocal matrix; given judgments are unchanged.
    """
    if method not in COMPLETION_LABELS:
        raise MethodError(f"unknown completion {method!r}; known: {', '.join(COMPLETION_LABELS)}")
    a = np.array(a, dtype=float, copy=True)
    np.fill_diagonal(a, 1.0)
    if not np.isnan(a).any():
        return a
    check_connected(a, labels)
    y = llsm_log_weights(a)
    iu, ju = np.where(np.triu(np.isnan(a), 1))
    x0 = y[iu] - y[ju]
    if method == "llsm":
        x = x0
    else:

        def fill(x: np.ndarray) -> np.ndarray:
            b = a.copy()
            b[iu, ju] = np.exp(x)
            b[ju, iu] = np.exp(-x)
            return b

        def f(x: np.ndarray) -> tuple[float, np.ndarray]:
            b = fill(x)
            lam, v, w = _perron_lr(b)
            vw = float(v @ w)
            g = (v[iu] * w[ju] * b[iu, ju] - v[ju] * w[iu] * b[ju, iu]) / vw
            return lam, g

        from scipy.optimize import minimize  # imported when needed: keeps the CLI quick to start

        res = minimize(f, x0, jac=True, method="BFGS", options={"gtol": 1e-11, "maxiter": 500})
        x = res.x
    a[iu, ju] = np.exp(x)
    a[ju, iu] = np.exp(-x)
    return a

r"""Objective weights of a stack of tables at once: (b, m, n) -> (b, n).

The same formulas as :mod:`evalkit.weights.entropy` and :mod:`evalkit.weights.objective` (entropy,
CRITIC, standard deviation, coefficient of variation; their docstrings give the formulas and
sources), vectorised over a leading axis of tables, as the uncertainty analysis needs for its
bootstrap replicates. Tables must be complete (no NaN), m >= 2. A table where no indicator carries
information gives a row of NaN instead of an error; constant indicators get 0. A test checks each
slice against the one-table kernels.
"""

from __future__ import annotations

import numpy as np


def _minmax(x: np.ndarray, directions: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """(z, varies): columns scaled to [0, 1] per table, cost columns reflected; constant -> 0."""
    z, varies = _scaled(x)
    return _reflected(z, varies, directions), varies[:, 0, :]


def _scaled(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(z, varies (b, 1, n)): columns scaled to [0, 1] per table, before reflection and masking."""
    mag = np.max(np.abs(x), axis=1, keepdims=True)
    x = x / np.where(np.isfinite(mag) & (mag > 0), mag, 1.0)
    lo = x.min(axis=1, keepdims=True)
    hi = x.max(axis=1, keepdims=True)
    span = hi - lo
    varies = span > 0
    return (x - lo) / np.where(varies, span, 1.0), varies


def _reflected(z: np.ndarray, varies: np.ndarray, directions: np.ndarray | None) -> np.ndarray:
    if directions is not None:
        z = np.where(np.asarray(directions) < 0, 1.0 - z, z)
    return np.where(varies, z, 0.0)


def _normalise(c: np.ndarray) -> np.ndarray:
    c = np.where(np.isfinite(c) & (c > 0), c, 0.0)
    total = c.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, c / np.where(total > 0, total, 1.0), np.nan)


def entropy_weights_batched(x: np.ndarray, directions: np.ndarray | None = None) -> np.ndarray:
    """Entropy weights of each table of a (b, m, n) stack (Shannon 1948; Zeleny 1982)."""
    return _entropy(*_minmax(np.asarray(x, dtype=float), directions))


def _entropy(z: np.ndarray, varies: np.ndarray) -> np.ndarray:
    m = z.shape[1]
    s = z.sum(axis=1)
    zlogz = (z * np.log(np.maximum(z, np.finfo(float).tiny))).sum(axis=1)
    ok = varies & (s > 0)
    safe = np.where(ok, s, 1.0)
    e = -(zlogz / safe - np.log(safe)) / np.log(m)
    d = np.where(ok, np.clip(1.0 - e, 0.0, None), 0.0)
    return _normalise(d)


def std_weights_batched(x: np.ndarray, directions: np.ndarray | None = None) -> np.ndarray:
    """Standard-deviation weights of min-max scaled columns (Diakoulaki et al. 1995, §2)."""
    return _std(*_minmax(np.asarray(x, dtype=float), None))


def _std(z: np.ndarray, varies: np.ndarray) -> np.ndarray:
    return _normalise(z.std(axis=1))


def critic_weights_batched(x: np.ndarray, directions: np.ndarray | None = None) -> np.ndarray:
    """CRITIC weights (Diakoulaki, Mavrotas & Papayannakis 1995): sigma_j * sum_k (1 - r_jk)."""
    return _critic(*_minmax(np.asarray(x, dtype=float), directions))


def _critic(z: np.ndarray, varies: np.ndarray) -> np.ndarray:
    sd = z.std(axis=1)
    zc = z - z.mean(axis=1, keepdims=True)
    cov = np.einsum("bmi,bmj->bij", zc, zc) / z.shape[1]
    denom = sd[:, :, None] * sd[:, None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.where(denom > 0, cov / np.where(denom > 0, denom, 1.0), 0.0)
    both = varies[:, :, None] & varies[:, None, :]
    conflict = np.where(both, 1.0 - r, 0.0).sum(axis=2)
    c = np.where(varies, sd * conflict, 0.0)
    single = varies.sum(axis=1) == 1  # one varying indicator: it carries all the information
    c = np.where(single[:, None], np.where(varies, sd, 0.0), c)
    return _normalise(c)


def cv_weights_batched(x: np.ndarray, directions: np.ndarray | None = None) -> np.ndarray:
    """Coefficient-of-variation weights on raw positive values (NaN row where a value <= 0)."""
    x = np.asarray(x, dtype=float)
    mag = np.max(np.abs(x), axis=1, keepdims=True)
    a = x / np.where(np.isfinite(mag) & (mag > 0), mag, 1.0)
    v = a.std(axis=1) / a.mean(axis=1)
    w = _normalise(v)
    return np.where((x <= 0).any(axis=(1, 2))[:, None], np.nan, w)


def objective_weights_batched(
    x: np.ndarray, directions: np.ndarray | None, methods: tuple[str, ...]
) -> dict[str, np.ndarray]:
    """{method: weights (b, n)} of each table of a (b, m, n) stack for several *methods* at once:
    the same numbers as :data:`BATCHED`'s functions one by one, the min-max scaling they share
    computed once (its cost-column reflection for entropy and CRITIC, not for the standard
    deviation)."""
    x = np.asarray(x, dtype=float)
    shared = {"entropy": _entropy, "critic": _critic, "std": _std}
    out = {m: BATCHED[m](x, directions) for m in methods if m not in shared}
    todo = [m for m in methods if m in shared]
    if todo:
        z, varies = _scaled(x)
        plain = _reflected(z, varies, None) if "std" in todo else None
        reflected = _reflected(z, varies, directions) if {"entropy", "critic"} & set(todo) else None
        for m in todo:
            scaled = plain if m == "std" else reflected
            out[m] = shared[m](scaled, varies[:, 0, :])  # type: ignore[arg-type]
    return out


BATCHED = {
    "entropy": entropy_weights_batched,
    "critic": critic_weights_batched,
    "std": std_weights_batched,
    "cv": cv_weights_batched,
}

r"""How far objective weights can be trusted: ties and the pull of single units.

Entropy and its relatives read information from how indicator values spread over the units. Two
things make that reading fragile (the OECD/JRC Handbook on Constructing Composite Indicators, 2008,
section 6.1, on weights from the data):

- **ties**: an indicator taking a few distinct values (a count of channels, 5, 6 or 7) or with many
  units at one value has an entropy set by where the ties fall, not by how informative it is. On
  the shipped example ``collection_channels`` takes 3 distinct station values and gets the largest
  entropy weight;
- **single units**: min-max scaling makes the extremes set every scaled value, so one station at
  an extreme can move a weight.

:func:`objective_diagnostics` gives, per indicator, the weights of entropy, CRITIC and standard
deviation side by side (and of the method used, if another), the number of distinct values, the
shares of units at the smallest and at the most common value, and the leave-one-out sensitivity

.. math:: \Delta_j = \max_i \frac{|w_j^{(-i)} - w_j|}{w_j}

with :math:`w^{(-i)}` the weights computed without unit i (a jackknife, Efron 1982, *The
Jackknife, the Bootstrap and Other Resampling Plans*, ch. 2): for all m units at once, by
removing each unit's row from the full table's sums, or, for a unit that is some column's only
extreme (its absence changes that column's min-max scaling), with the batched kernels of
:mod:`evalkit.weights.batched`. A test checks both against the batched kernels on every table.

Flags (thresholds below, stated in docs/architecture.md): ``few_values`` when fewer than
:data:`FEW_DISTINCT` distinct values or more than :data:`TIED_SHARE` of the units at one value;
``few_units`` when :math:`\Delta_j` exceeds :data:`LOO_CHANGE`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .batched import BATCHED, _minmax, _normalise

#: An indicator with fewer distinct values than this across the units is flagged ``few_values``.
FEW_DISTINCT = 5
#: ... and so is one with more than this share of the units at one value.
TIED_SHARE = 1 / 3
#: An indicator whose weight moves by more than this share of itself when one unit is left out is
#: flagged ``few_units``.
LOO_CHANGE = 0.30
#: The objective methods shown side by side.
SIDE_BY_SIDE = ("entropy", "critic", "std")
#: Leave-one-out tables computed at once: about this many cells per block.
_BLOCK_CELLS = 1 << 24

DIAGNOSTIC_COLUMNS = [
    "id",
    *SIDE_BY_SIDE,
    "distinct",
    "share_at_min",
    "share_at_mode",
    "loo_change",
    "loo_unit",
    "few_values",
    "few_units",
]


@dataclass(frozen=True)
class Ties:
    """Per column: distinct values, and the shares of units at the smallest / most common value."""

    distinct: np.ndarray
    share_at_min: np.ndarray
    share_at_mode: np.ndarray


def ties(x: np.ndarray) -> Ties:
    """Distinct values and tied shares of each column of x (m units, n indicators; no NaN), from
    one sort of the table: runs of equal values in each sorted column."""
    x = np.asarray(x, dtype=float)
    m, n = x.shape
    if m == 0:
        nan = np.full(n, np.nan)
        return Ties(np.zeros(n, int), nan, nan)
    s = np.sort(x, axis=0)
    new = np.vstack([np.ones((1, n), bool), s[1:] != s[:-1]])  # a run starts here
    distinct = new.sum(axis=0)
    run = np.cumsum(new, axis=0) - 1  # run number within its column
    flat = (run + np.arange(n) * m).ravel(order="F")  # unique run ids over all columns
    length = np.bincount(flat, minlength=m * n).reshape(n, m)  # (column, run)
    return Ties(distinct, length[:, 0] / m, length.max(axis=1) / m)


def leave_one_out(
    x: np.ndarray, directions: np.ndarray | None, method: str
) -> tuple[np.ndarray, np.ndarray]:
    r"""Largest relative change of each column's weight when one unit is left out, and the unit
    (row position) that causes it: :math:`\max_i |w_j^{(-i)} - w_j| / w_j`.

    x: (m, n) complete values, m >= 3. A column of weight 0 (constant) gets NaN and -1; so do
    all columns when the weights cannot be computed.

    Leaving out a unit that is neither the only minimum nor the only maximum of any column keeps
    every column's min-max scaling, so its weights follow from the full table's sums by removing
    its row (:func:`_downdated`; exact up to rounding, and well conditioned, since each column
    keeps its extremes). The few units that are a column's only extreme (at most two per column)
    are weighed directly: their tables without them are stacked (row k of table i is row
    k + [k >= i] of x) and weighed by the batched kernels, in blocks of tables (memory).
    """
    x = np.asarray(x, dtype=float)
    m, n = x.shape
    change = np.full(n, np.nan)
    unit = np.full(n, -1)
    if m < 3:
        return change, unit
    kernel = BATCHED[method]
    w = kernel(x[None], directions)[0]
    ok = np.isfinite(w) & (w > 0)
    if not ok.any():
        return change, unit
    loo = np.empty((m, n))
    special = _only_extremes(x)
    generic = np.flatnonzero(~special)
    if generic.size:
        loo[generic] = _downdated(x, directions, method, generic)
    k = np.arange(m - 1)
    left_out = np.flatnonzero(special)
    per = max(1, _BLOCK_CELLS // ((m - 1) * n))
    for a in range(0, left_out.size, per):  # blocks of tables (memory), one batched call each
        left = left_out[a : a + per]
        rows = k[None, :] + (k[None, :] >= left[:, None])  # (b, m - 1): every row but one
        loo[left] = kernel(x[rows], directions)  # a row of NaN where none varies
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = np.abs(loo - w) / np.where(ok, w, 1.0)
    rel = np.where(np.isnan(rel) | ~ok[None, :], -1.0, rel)
    arg = rel.argmax(axis=0)
    top = rel[arg, np.arange(n)]
    valid = top >= 0
    return np.where(valid, top, np.nan), np.where(valid, arg, -1)


def _only_extremes(x: np.ndarray) -> np.ndarray:
    """(m,) rows that are the only minimum or the only maximum of some column."""
    lo = x == x.min(axis=0)
    hi = x == x.max(axis=0)
    return ((lo & (lo.sum(axis=0) == 1)) | (hi & (hi.sum(axis=0) == 1))).any(axis=1)


def _downdated(
    x: np.ndarray, directions: np.ndarray | None, method: str, rows: np.ndarray
) -> np.ndarray:
    r"""(len(rows), n) weights of the tables without each of *rows*, none of them a column's only
    extreme, so the min-max scaled z of the rest is the full table's. With m' = m - 1 and sums
    over the full table,

    - entropy: :math:`S' = S - z_i`, :math:`T' = T - z_i \ln z_i` (S = Σ z, T = Σ z ln z),
      :math:`e' = -(T'/S' - \ln S') / \ln m'`;
    - standard deviation and CRITIC: with c = z - mean(z), :math:`\bar c' = (Σc - c_i)/m'`,
      :math:`\mathrm{cov}'_{jk} = (Σ c_j c_k - c_{ij} c_{ik})/m' - \bar c'_j \bar c'_k`;
    - coefficient of variation: the same on the raw values divided by their largest magnitude.

    then each method's formula (:mod:`evalkit.weights.batched`).
    """
    m = x.shape[0] - 1  # rows of each table
    if method == "cv":
        mag = np.max(np.abs(x), axis=0)
        a = x / np.where(np.isfinite(mag) & (mag > 0), mag, 1.0)
        mean = (a.sum(axis=0) - a[rows]) / m
        var = _var_without(a, rows)
        return _normalise(np.sqrt(var) / mean)
    z, varies = _minmax(x[None], directions if method != "std" else None)
    z, varies = z[0], varies[0]
    if method == "entropy":
        zl = z * np.log(np.maximum(z, np.finfo(float).tiny))
        s = z.sum(axis=0) - z[rows]
        t = zl.sum(axis=0) - zl[rows]
        good = varies & (s > 0)
        safe = np.where(good, s, 1.0)
        e = -(t / safe - np.log(safe)) / np.log(m)
        return _normalise(np.where(good, np.clip(1.0 - e, 0.0, None), 0.0))
    if method == "std":
        return _normalise(np.sqrt(_var_without(z, rows)))
    return _critic_without(z, varies, rows)


def _var_without(z: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """(len(rows), n) population variances of z's columns without each of *rows*."""
    m = z.shape[0] - 1
    c = z - z.mean(axis=0)
    mean = (c.sum(axis=0) - c[rows]) / m
    return np.maximum((np.square(c).sum(axis=0) - np.square(c[rows])) / m - mean**2, 0.0)


def _critic_without(z: np.ndarray, varies: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """CRITIC weights without each of *rows*: covariances downdated, in blocks of rows (memory)."""
    m, n = z.shape[0] - 1, z.shape[1]
    c = z - z.mean(axis=0)
    s1 = c.sum(axis=0)
    gram = c.T @ c
    both = varies[:, None] & varies[None, :]
    out = np.empty((len(rows), n))
    per = max(1, _BLOCK_CELLS // (n * n))
    for a in range(0, len(rows), per):  # blocks of left-out rows (memory)
        ci = c[rows[a : a + per]]  # (b, n)
        mean = (s1 - ci) / m
        cov = (gram - ci[:, :, None] * ci[:, None, :]) / m - mean[:, :, None] * mean[:, None, :]
        sd = np.sqrt(np.maximum(np.diagonal(cov, axis1=1, axis2=2), 0.0))
        denom = sd[:, :, None] * sd[:, None, :]
        with np.errstate(invalid="ignore", divide="ignore"):
            r = np.where(denom > 0, cov / np.where(denom > 0, denom, 1.0), 0.0)
        conflict = np.where(both, 1.0 - r, 0.0).sum(axis=2)
        cj = np.where(varies, sd * conflict, 0.0)
        if varies.sum() == 1:  # one varying indicator: it carries all the information
            cj = np.where(varies, sd, 0.0)
        out[a : a + per] = _normalise(cj)
    return out


def objective_diagnostics(
    x: np.ndarray, directions: np.ndarray | None, names: list[str], method: str = "entropy"
) -> pd.DataFrame:
    """Per indicator (rows in the order of *names*): the objective weights of entropy, CRITIC and
    standard deviation (and of *method* when it is another), ties, and the leave-one-out change
    of *method*'s weight, with the two flags (columns :data:`DIAGNOSTIC_COLUMNS`; ``loo_unit`` the
    row position of the unit whose absence moves the weight most, -1 for none).

    x: (m units, n indicators) complete raw values; directions +1 / -1 per indicator. Weights a
    method cannot compute (fewer than two units, nothing varies) are NaN.
    """
    x = np.asarray(x, dtype=float)
    m, n = x.shape
    out = pd.DataFrame({"id": list(names)})
    for name in dict.fromkeys((*SIDE_BY_SIDE, method)):
        out[name] = BATCHED[name](x[None], directions)[0] if m >= 2 else np.full(n, np.nan)
    t = ties(x)
    out["distinct"] = t.distinct
    out["share_at_min"] = t.share_at_min
    out["share_at_mode"] = t.share_at_mode
    change, unit = leave_one_out(x, directions, method)
    out["loo_change"] = change
    out["loo_unit"] = unit
    out["few_values"] = (m > 0) & ((t.distinct < FEW_DISTINCT) | (t.share_at_mode > TIED_SHARE))
    out["few_units"] = np.nan_to_num(change, nan=0.0) > LOO_CHANGE
    return out


__all__ = [
    "DIAGNOSTIC_COLUMNS",
    "FEW_DISTINCT",
    "LOO_CHANGE",
    "SIDE_BY_SIDE",
    "TIED_SHARE",
    "Ties",
    "leave_one_out",
    "objective_diagnostics",
    "ties",
]

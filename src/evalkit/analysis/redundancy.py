r"""Redundancy in an indicator tree: what may be counted twice, found in the data and in the tree.

Three checks, each a table of findings with its figures (texts in zh and en in
:mod:`evalkit.analysis.redundancy_text`):

**Correlated indicators** (data). For every pair of indicators, Pearson's r and Spearman's rho of
their 0-100 scores across the stations (pairwise complete: a station missing either score is left
out of that pair; rho is Pearson's r of the average ranks). A pair is flagged when
:math:`|r| \ge t` or :math:`|\rho| \ge t` (default :data:`DEFAULT_THRESHOLD` = 0.8); both are
shown, with the number of stations, so a reader sees when one outlying station makes Pearson's r
(r high, rho low). Indicators that move together across the units carry the same information,
and a weighted sum then counts it twice: the OECD/JRC *Handbook on Constructing Composite
Indicators* (2008), step 4 "Multivariate analysis", reads high correlations between indicators as
possible double counting to be checked before weighting.

**Items on another dimension** (data): multitrait scaling analysis (Campbell & Fiske 1959;
Hays & Hayashi 1990, "Beyond internal consistency reliability", the Multitrait Analysis Program).
Every officer's answers are keyed so that higher is better (reverse-worded items and items of cost
indicators recoded, :func:`evalkit.analysis.reliability.keyed_items`); a dimension's score is the
mean of its keyed items an officer answered. For each item, :math:`r_{own}` is its correlation with
the rest of its own dimension (the mean of the dimension's other items, the item removed: the
correction for overlap), :math:`r_{d}` its correlation with each other dimension's score. An item
with :math:`\max_d r_d > r_{own}` fits another dimension better than its own (a *scaling
failure*); it is *definite* when the difference exceeds two standard errors,
:math:`2/\sqrt{n}` (Hays & Hayashi's rule), else *probable*. An item whose dimension has no other
answered item is not tested.

**The same thing by definition** (the tree): two indicators or items declaring a common
``measures:`` key (compared loosely, :func:`evalkit.ingest.text.fold`); two items with the same
wording (zh or en, compared loosely); two statistics with the same source (the same columns, or
the same column aggregated alike) or the same numerator. An item and the indicator it belongs to
are never a pair.

Kernels are vectorised numpy over pairs and respondents; nothing here reads a file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from ..ingest.text import fold
from ..tree import IndicatorTree

DEFAULT_THRESHOLD = 0.8
#: The kinds of finding, in the order tables list them.
KINDS = ("correlated", "scaling", "declared", "same_text", "same_source", "same_numerator")
PAIR_COLUMNS = ["a", "b", "same_dimension", "spearman", "pearson", "n"]
SCALING_COLUMNS = ["item", "indicator", "dimension", "r_own", "other", "r_other", "n", "definite"]
DEFINITION_COLUMNS = ["kind", "a", "b", "key"]


# ----------------------------------------------------------------- kernels


def _row_pearson(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pearson's r of each row of *a* with the same row of *b* (NaN marks a left-out cell, the same
    cells in both); NaN for fewer than 3 cells or a row constant up to rounding."""
    present = ~np.isnan(a)
    n = present.sum(axis=1)
    a0, b0 = np.where(present, a, 0.0), np.where(present, b, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        ac = np.where(present, a0 - (a0.sum(axis=1) / n)[:, None], 0.0)
        bc = np.where(present, b0 - (b0.sum(axis=1) / n)[:, None], 0.0)
        saa, sbb = (ac * ac).sum(axis=1), (bc * bc).sum(axis=1)
        r = (ac * bc).sum(axis=1) / np.sqrt(saa * sbb)
    # a spread of rounding noise only (a constant row) is no correlation to speak of
    big_a = np.abs(a0).max(axis=1, initial=0.0)
    big_b = np.abs(b0).max(axis=1, initial=0.0)
    flat = (saa <= n * (1e-12 * big_a) ** 2) | (sbb <= n * (1e-12 * big_b) ** 2)
    return np.where((n >= 3) & ~flat, np.clip(r, -1.0, 1.0), np.nan)


def cross_pearson(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Pearson's r of every column of *x* (units x p) with every column of *y* (units x q), each
    pair on the units where both are present: p x q, by matrix products of the masked sums (no
    array of pairs x units). NaN for fewer than 3 units or a constant column."""
    px, py = ~np.isnan(x), ~np.isnan(y)
    # centring by each column's own mean leaves r unchanged and keeps the sums small
    x0 = np.where(px, x - _column_mean(x, px), 0.0)
    y0 = np.where(py, y - _column_mean(y, py), 0.0)
    fx, fy = px.astype(float), py.astype(float)
    n = fx.T @ fy
    sx, sy = x0.T @ fy, fx.T @ y0
    sxx, syy = (x0 * x0).T @ fy, fx.T @ (y0 * y0)
    sxy = x0.T @ y0
    with np.errstate(invalid="ignore", divide="ignore"):
        vx, vy = n * sxx - sx * sx, n * syy - sy * sy
        r = (n * sxy - sx * sy) / np.sqrt(vx * vy)
    tiny = 1e-12 * np.maximum(n * sxx, 1e-300)
    flat = (vx <= tiny) | (vy <= 1e-12 * np.maximum(n * syy, 1e-300))
    return np.where((n >= 3) & ~flat, np.clip(r, -1.0, 1.0), np.nan)


def _column_mean(x: np.ndarray, present: np.ndarray) -> np.ndarray:
    count = present.sum(axis=0)
    total = np.where(present, x, 0.0).sum(axis=0)
    return np.divide(total, count, out=np.zeros(x.shape[1]), where=count > 0)


def pair_correlations(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pearson's r, Spearman's rho and the number of complete cells of each row pair of *a* and
    *b* (pairs x units, NaN missing), on the cells where both are present.

    rho is Pearson's r of the average ranks (ties share their mean rank) of the complete cells.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    both = ~(np.isnan(a) | np.isnan(b))
    a = np.where(both, a, np.nan)
    b = np.where(both, b, np.nan)
    n = both.sum(axis=1)
    if a.size == 0:
        empty = np.full(a.shape[0], np.nan)
        return empty, empty.copy(), n
    r = _row_pearson(a, b)
    ra = rankdata(a, axis=1, nan_policy="omit")
    rb = rankdata(b, axis=1, nan_policy="omit")
    rho = _row_pearson(ra, rb)
    return r, rho, n


def correlated_pairs(
    scores: pd.DataFrame, dimension_of: dict[str, str], threshold: float = DEFAULT_THRESHOLD
) -> pd.DataFrame:
    """Every pair of indicators (columns of *scores*, one row per unit) with Spearman's rho,
    Pearson's r, the number of units and whether they share a dimension; rows where either
    coefficient reaches *threshold* in absolute value, strongest first (:data:`PAIR_COLUMNS`)."""
    ids = list(scores.columns)
    x = scores.to_numpy(dtype=float)
    i, j = np.triu_indices(len(ids), 1)
    r, rho, n = pair_correlations(x[:, i].T, x[:, j].T)
    with np.errstate(invalid="ignore"):
        hit = (np.abs(r) >= threshold) | (np.abs(rho) >= threshold)
    dims = np.array([dimension_of.get(c, "") for c in ids], dtype=object)
    out = pd.DataFrame(
        {
            "a": np.array(ids, dtype=object)[i[hit]],
            "b": np.array(ids, dtype=object)[j[hit]],
            "same_dimension": dims[i[hit]] == dims[j[hit]],
            "spearman": rho[hit],
            "pearson": r[hit],
            "n": n[hit],
        },
        columns=PAIR_COLUMNS,
    )
    order = np.argsort(-np.fmax(np.abs(out["spearman"]), np.abs(out["pearson"])), kind="stable")
    return out.iloc[order].reset_index(drop=True)


def item_scaling(keyed: pd.DataFrame, item_dimension: dict[str, str]) -> pd.DataFrame:
    """Multitrait scaling of keyed item answers (one row per respondent, one column per item):
    per item its correlation with the rest of its own dimension (``r_own``), the other dimension
    it correlates with most (``other``, ``r_other``), the respondents behind them and whether
    ``r_other - r_own`` exceeds 2/sqrt(n) (``definite``); only the items with r_other > r_own
    (:data:`SCALING_COLUMNS` without ``indicator``, which the caller adds)."""
    items = [c for c in keyed.columns if c in item_dimension]
    dims = list(dict.fromkeys(item_dimension[c] for c in items))
    x = keyed[items].to_numpy(dtype=float)
    member = np.array([[item_dimension[c] == d for d in dims] for c in items], dtype=float)
    present = ~np.isnan(x)
    x0 = np.where(present, x, 0.0)
    sums, counts = x0 @ member, present.astype(float) @ member  # respondents x dimensions
    with np.errstate(invalid="ignore", divide="ignore"):
        dim_score = np.where(counts > 0, sums / counts, np.nan)
        own = member.argmax(axis=1)
        rest_n = counts[:, own] - present
        rest = np.where(rest_n > 0, (sums[:, own] - x0) / rest_n, np.nan)
    both = ~(np.isnan(x) | np.isnan(rest))
    n_own = both.sum(axis=0)
    r_own = _row_pearson(
        np.ascontiguousarray(np.where(both, x, np.nan).T),
        np.ascontiguousarray(np.where(both, rest, np.nan).T),
    )
    m = len(items)
    r_all = cross_pearson(x, dim_score)  # items x dimensions
    r_all[np.arange(m), own] = np.nan
    has_other = ~np.all(np.isnan(r_all), axis=1)
    best = np.where(has_other, np.nanargmax(np.where(has_other[:, None], r_all, 0.0), axis=1), 0)
    r_other = np.where(has_other, r_all[np.arange(m), best], np.nan)
    with np.errstate(invalid="ignore"):
        fail = r_other > r_own
        definite = (r_other - r_own) > 2.0 / np.sqrt(np.maximum(n_own, 1))
    out = pd.DataFrame(
        {
            "item": np.array(items, dtype=object),
            "dimension": np.array(dims, dtype=object)[own],
            "r_own": r_own,
            "other": np.array(dims, dtype=object)[best],
            "r_other": r_other,
            "n": n_own,
            "definite": definite,
        }
    )
    return out[fail].reset_index(drop=True)


# ----------------------------------------------------------------- the tree's definitions


def _pairs(members: list[str]) -> Iterable[tuple[str, str]]:
    for k, a in enumerate(members):
        for b in members[k + 1 :]:
            yield a, b


def definition_overlaps(tree: IndicatorTree) -> pd.DataFrame:
    """Indicators and items the tree defines as measuring the same thing (:data:`KINDS` declared,
    same_text, same_source, same_numerator): kind, a, b (ids) and the key they share."""
    owner = {item.id: leaf.id for leaf, item in tree.items()}
    groups: dict[tuple[str, str], list[str]] = {}
    shown: dict[tuple[str, str], str] = {}  # the key as the tree first writes it

    def add(kind: str, key: str, member: str) -> None:
        group = (kind, fold(key) if kind in ("declared", "same_text") else key)
        shown.setdefault(group, key)
        groups.setdefault(group, [])
        if member not in groups[group]:
            groups[group].append(member)

    for leaf in tree.leaves():
        for key in leaf.measures:
            add("declared", key, leaf.id)
        s = leaf.source
        if s is not None and s.kind == "statistic":
            whole = (
                (s.numerator, s.denominator, s.multiplier)
                if s.is_ratio
                else (s.column, s.aggregate)
            )
            add("same_source", "/".join(map(str, whole)), leaf.id)
            if s.is_ratio:
                add("same_numerator", s.numerator, leaf.id)
    for _, item in tree.items():
        for key in item.measures:
            add("declared", key, item.id)
        for lang in ("zh", "en"):
            if fold(item.text.get(lang, "")):
                add("same_text", item.text[lang], item.id)
    rows: list[tuple[str, str, str, str]] = []
    seen: set[frozenset[str]] = set()
    for group, members in groups.items():
        for a, b in _pairs(members):
            if owner.get(a) == b or owner.get(b) == a or frozenset((a, b)) in seen:
                continue
            seen.add(frozenset((a, b)))
            rows.append((group[0], a, b, shown[group]))
    frame = pd.DataFrame(rows, columns=DEFINITION_COLUMNS)
    kind_rank = frame["kind"].map({k: i for i, k in enumerate(KINDS)})
    return frame.iloc[np.argsort(kind_rank.to_numpy(), kind="stable")].reset_index(drop=True)


# ----------------------------------------------------------------- the result


@dataclass(frozen=True)
class Redundancy:
    """What may be counted twice (see the module doc).

    pairs: indicator pairs whose station scores correlate at or above ``threshold``
        (:data:`PAIR_COLUMNS`); scaling: items fitting another dimension better than their own
        (:data:`SCALING_COLUMNS`); definitions: pairs the tree defines alike
        (:data:`DEFINITION_COLUMNS`); stations / respondents: the units behind the data checks.
    """

    tree: IndicatorTree
    threshold: float
    stations: int
    respondents: int
    pairs: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PAIR_COLUMNS))
    scaling: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=SCALING_COLUMNS))
    definitions: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=DEFINITION_COLUMNS)
    )

    @property
    def empty(self) -> bool:
        return self.pairs.empty and self.scaling.empty and self.definitions.empty

    def flagged(self) -> set[frozenset[str]]:
        """Every flagged pair as a set of two ids (an item on another dimension: item and the
        other dimension), whatever the check that found it."""
        out = {frozenset((a, b)) for a, b in zip(self.pairs["a"], self.pairs["b"], strict=True)}
        out |= {
            frozenset((a, b))
            for a, b in zip(self.definitions["a"], self.definitions["b"], strict=True)
        }
        out |= {
            frozenset((a, b))
            for a, b in zip(self.scaling["item"], self.scaling["other"], strict=True)
        }
        return out


def check_redundancy(
    tree: IndicatorTree,
    station_scores: pd.DataFrame | None,
    keyed: pd.DataFrame | None,
    threshold: float = DEFAULT_THRESHOLD,
) -> Redundancy:
    """The three checks on a tree and (when given) its stations' 0-100 indicator scores and its
    officers' keyed answers (:func:`evalkit.analysis.reliability.keyed_items`)."""
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], not {threshold}")
    dim_of = tree.dimension_of()
    pairs = scaling = None
    if station_scores is not None:
        leaves = [leaf.id for leaf in tree.leaves() if leaf.id in station_scores.columns]
        pairs = correlated_pairs(station_scores[leaves], dim_of, threshold)
    if keyed is not None and len(keyed):
        owner = {item.id: leaf.id for leaf, item in tree.items()}
        item_dim = {i: dim_of[owner[i]] for i in keyed.columns if i in owner}
        scaling = item_scaling(keyed, item_dim)
        scaling.insert(1, "indicator", scaling["item"].map(owner))
    return Redundancy(
        tree,
        threshold,
        0 if station_scores is None else len(station_scores),
        0 if keyed is None else len(keyed),
        pairs if pairs is not None else pd.DataFrame(columns=PAIR_COLUMNS),
        scaling if scaling is not None else pd.DataFrame(columns=SCALING_COLUMNS),
        definition_overlaps(tree),
    )

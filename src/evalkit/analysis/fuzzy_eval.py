r"""Fuzzy comprehensive evaluation of the data: memberships from the answers and the statistics,
composed up the tree (indicators -> dimensions -> total) with the local weights.

**Comment set** (评语集 V): the grades of the survey scale, named by its labels in the tree
(likert5: 非常不同意 ... 非常同意), placed on the 0-100 scale where the goalposts put an answer
of that grade: :math:`c_k = 100 (v_k - v_{min}) / (v_{max} - v_{min})` (0, 25, 50, 75, 100 for
a five-point scale). Grade k is the k-th answer counted in the good direction: reverse-worded
items and cost indicators are turned round first, so "非常同意" stands for the best grade. When
the survey indicators use several scales, the comment set is the scale most of them use (the first
in the tree on a tie) and the others' answers are placed by their own goalposts; a tree without
survey indicators takes its maturity levels as grades, at the midpoints of their score ranges.

**Grade scores** C (for :math:`S = B \cdot C`): the tree declares none, so C is the grade points
:math:`c_k` themselves. A unit whose every answer is grade k then scores :math:`c_k`, as the
weighted sum gives it, so the fuzzy score is on the scale the maturity levels are defined on.

**Memberships** (模糊关系矩阵 R, one row per indicator and unit):

- a survey indicator: the share of its answers in each grade, pooled over its items and the
  unit's respondents (missing answers left out; reverse items recoded
  :math:`x' = x_{min} + x_{max} - x`); an answer is placed by the indicator's goalposts and spread
  over the two nearest grades when it falls between grade points (never, with the default
  goalposts at the scale's ends);
- a statistic: the triangular memberships (:func:`~evalkit.score.fuzzy.triangular_membership`) of
  its 0-100 goalpost score over the grade points, so 60 on a five-point comment set is 0.6 "一般"
  and 0.4 "同意".

**Composition**: each node's vector is :math:`B_p = A_p \circ R_p` over its children
(:func:`~evalkit.score.fuzzy.fuzzy_evaluate`, the weighted average :math:`M(\cdot, \oplus)` by
default), children without data left out and the others' weights renormalised, from the
indicators to the dimensions to the total (any depth). The grade is read by maximum membership,
flagged fragile when the top two are within 0.05 (:func:`~evalkit.score.fuzzy.max_membership_grade`).

Sources: Wang Peizhuang (1983), *模糊集合论及其应用*; the two-level (多级) model as in SPSSAU's
模糊综合评价 and Chinese evaluation textbooks; triangular membership functions, Pedrycz (1994).
Under the weighted-average operator with these grade scores, :math:`B \cdot C` of the total equals
the weighted sum of the indicators' :math:`B \cdot C` (the operator is linear), and for a statistic
:math:`B \cdot C` is its score: the fuzzy evaluation adds the distribution over the grades (how
many answers are poor, how sure the grade is), not another ranking.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..score.fuzzy import (
    FRAGILE_MARGIN,
    fuzzy_evaluate,
    fuzzy_score,
    max_membership_grade,
    triangular_membership,
)
from ..tree import IndicatorTree, Node


@dataclass(frozen=True)
class CommentSet:
    """The grades of a fuzzy evaluation: names in zh and en, points on 0-100, grade scores C.

    source: ``scale:<id>`` (the survey scale) or ``levels`` (the maturity levels).
    """

    names: dict[str, tuple[str, ...]]
    points: np.ndarray
    scores: np.ndarray
    source: str

    def __len__(self) -> int:
        return len(self.points)

    def name(self, k: int, lang: str) -> str:
        """The name of grade *k* (0-based) in *lang*."""
        names = self.names.get(lang) or self.names.get("en") or ()
        return names[k] if 0 <= k < len(names) else str(k + 1)


def comment_set(tree: IndicatorTree) -> CommentSet:
    """The comment set of *tree*: its survey scale's grades, else its maturity levels."""
    used = Counter(
        leaf.source.scale
        for leaf in tree.leaves()
        if leaf.source is not None and leaf.source.kind == "survey"
    )
    if used:
        order = list(tree.scales)
        sid = max(used, key=lambda s: (used[s], -order.index(s) if s in order else 0))
        scale = tree.scales[sid]
        raw = np.array(scale.values, dtype=float)
        order_v = np.argsort(raw, kind="stable")
        vals = raw[order_v]
        points = 100.0 * (vals - vals[0]) / (vals[-1] - vals[0])
        n = len(vals)
        names = {
            lang: tuple(labels[i] for i in order_v)
            for lang, labels in scale.labels.items()
            if len(labels) == n and lang in ("zh", "en")
        }
        for lang in ("zh", "en"):
            names.setdefault(lang, tuple(f"{v:g}" for v in vals))
        return CommentSet(names, points, points.copy(), f"scale:{sid}")
    bounds = np.array(tree.level_bounds(), dtype=float)
    if len(bounds) >= 2:
        mids = bounds.mean(axis=1)
        names = {
            lang: tuple(lv.name.get(lang) or lv.id for lv in tree.levels) for lang in ("zh", "en")
        }
        return CommentSet(names, mids, mids.copy(), "levels")
    points = np.linspace(0.0, 100.0, 5)
    names = {
        "zh": ("差", "较差", "中", "良", "优"),
        "en": ("Poor", "Fair", "Average", "Good", "Excellent"),
    }
    return CommentSet(names, points, points.copy(), "default")


def _answer_scores(tree: IndicatorTree, leaf: Node, responses: pd.DataFrame) -> np.ndarray:
    """Goalpost scores (0-100) of every answer to *leaf*'s items: respondents x items."""
    assert leaf.source is not None
    scale = tree.scales[leaf.source.scale]
    cols = []
    for item in leaf.source.items:
        x = pd.to_numeric(responses[item.id], errors="coerce").to_numpy(dtype=float)
        cols.append(scale.low + scale.high - x if item.reverse else x)
    x = np.column_stack(cols) if cols else np.empty((len(responses), 0))
    return np.clip(100.0 * (x - leaf.worst) / (leaf.best - leaf.worst), 0.0, 100.0)


def survey_membership(
    tree: IndicatorTree,
    responses: pd.DataFrame,
    groups: np.ndarray,
    n_groups: int,
    cs: CommentSet,
) -> dict[str, np.ndarray]:
    """Membership of every survey indicator for every group of respondents.

    groups: (respondents,) the 0-based unit of each respondent (-1: none). Returns
    {leaf id: (n_groups, K)}: the share of the group's answers to the indicator's items in each
    grade; NaN where the group has no answer.
    """
    out: dict[str, np.ndarray] = {}
    ok = groups >= 0
    g = groups[ok]
    for leaf in tree.leaves():
        if leaf.source is None or leaf.source.kind != "survey":
            continue
        s = _answer_scores(tree, leaf, responses)[ok]
        m = triangular_membership(s, cs.points)  # (resp, items, K)
        answered = ~np.isnan(s)
        per_resp = np.where(answered[..., None], m, 0.0).sum(axis=1)  # (resp, K)
        counts = np.bincount(g, weights=answered.sum(axis=1), minlength=n_groups)
        sums = np.column_stack(
            [np.bincount(g, weights=per_resp[:, k], minlength=n_groups) for k in range(len(cs))]
        )
        out[leaf.id] = np.divide(
            sums, counts[:, None], out=np.full(sums.shape, np.nan), where=counts[:, None] > 0
        )
    return out


def leaf_membership(
    tree: IndicatorTree,
    leaf_scores: pd.DataFrame,
    cs: CommentSet,
    survey: dict[str, np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    """{leaf id: (units, K)}: the answers' shares for survey indicators given in *survey*, the
    triangular memberships of the 0-100 score for every other indicator."""
    survey = survey or {}
    out: dict[str, np.ndarray] = {}
    for leaf in tree.leaves():
        if leaf.id in survey:
            out[leaf.id] = survey[leaf.id]
        else:
            out[leaf.id] = triangular_membership(
                leaf_scores[leaf.id].to_numpy(dtype=float), cs.points
            )
    return out


def compose_tree(
    tree: IndicatorTree,
    leaves: dict[str, np.ndarray],
    local: pd.Series,
    operator: str = "weighted_average",
) -> dict[str, np.ndarray]:
    """Every node's evaluation vector (units, K), from the leaves' up (loop over the tree).

    A child without data (NaN row) drops out of its parent and its siblings' weights are
    renormalised; a parent with no child known is NaN.
    """
    out: dict[str, np.ndarray] = {}

    def visit(node: Node) -> np.ndarray:
        if node.is_leaf:
            out[node.id] = leaves[node.id]
            return out[node.id]
        r = np.stack([visit(c) for c in node.children], axis=1)  # (units, children, K)
        w = np.array([local[c.id] for c in node.children], dtype=float)
        known = ~np.isnan(r).any(axis=2)
        wk = np.where(known, w, 0.0)
        total = wk.sum(axis=1, keepdims=True)
        wk = np.divide(wk, total, out=np.zeros_like(wk), where=total > 0)
        b = fuzzy_evaluate(wk, np.where(known[..., None], r, 0.0), operator)
        out[node.id] = np.where((total > 0), b, np.nan)
        return out[node.id]

    visit(tree.goal)
    return out


@dataclass(frozen=True)
class FuzzyEvaluation:
    """A fuzzy comprehensive evaluation of districts and stations.

    districts / stations: one row per unit and node (tree pre-order: the total, each dimension,
    its indicators): the unit's columns (district; district, station), node, depth (0 the total,
    1 a dimension), m1 ... mK (the membership in each grade, summing to 1), grade (1-based,
    maximum membership; <NA> without data), grade_zh, grade_en, fragile (top two within
    ``margin``), top_gap (largest minus second membership), score (B · C, 0-100).
    """

    comment_set: CommentSet
    operator: str
    margin: float
    districts: pd.DataFrame
    stations: pd.DataFrame

    def totals(self, unit: str = "district") -> pd.DataFrame:
        """The rows of the total (the goal) for every district or station."""
        frame = self.districts if unit == "district" else self.stations
        return frame[frame["depth"] == 0].reset_index(drop=True)


def _long_table(
    tree: IndicatorTree,
    nodes: dict[str, np.ndarray],
    index: pd.Index,
    cs: CommentSet,
    margin: float,
) -> pd.DataFrame:
    """Units x nodes as rows: memberships, grade, fragility, score."""
    order = list(tree.goal.walk())
    b = np.stack([nodes[n.id] for n in order], axis=1)  # (units, nodes, K)
    u, n, k = b.shape
    flat = b.reshape(u * n, k)
    grade = max_membership_grade(flat, margin)
    units = index.to_frame(index=False)
    frame = units.loc[np.repeat(np.arange(u), n)].reset_index(drop=True)
    frame["node"] = [node.id for node in order] * u
    frame["depth"] = [node.depth for node in order] * u
    for j in range(k):
        frame[f"m{j + 1}"] = flat[:, j]
    none = grade.grade < 0
    frame["grade"] = pd.arrays.IntegerArray((grade.grade + 1).astype("int64"), none)
    for lang in ("zh", "en"):
        names = np.array([*(cs.name(j, lang) for j in range(k)), ""], dtype=object)
        frame[f"grade_{lang}"] = names[grade.grade]  # -1 (no data) picks the empty name
    frame["fragile"] = grade.fragile
    frame["top_gap"] = grade.margin
    frame["score"] = fuzzy_score(flat, cs.scores)
    return frame


def fuzzy_comprehensive(
    tree: IndicatorTree,
    responses: pd.DataFrame,
    station_leaf_scores: pd.DataFrame,
    district_leaf_scores: pd.DataFrame,
    local: pd.Series,
    operator: str = "weighted_average",
    margin: float = FRAGILE_MARGIN,
) -> FuzzyEvaluation:
    """Fuzzy comprehensive evaluation of every station and district (see the module's text).

    responses: the kept answers (columns district, station and the item ids); the leaf scores:
    0-100 goalpost scores (index (district, station) and district); local: every node's local
    weight.
    """
    cs = comment_set(tree)
    st_index = station_leaf_scores.index
    di_index = district_leaf_scores.index
    st_keys = pd.MultiIndex.from_arrays(
        [responses["district"].astype(str), responses["station"].astype(str)]
    )
    st_lookup = pd.MultiIndex.from_arrays(
        [st_index.get_level_values(0).astype(str), st_index.get_level_values(1).astype(str)]
    )
    st_groups = st_lookup.get_indexer(st_keys)
    di_groups = pd.Index(di_index.astype(str)).get_indexer(responses["district"].astype(str))
    st_survey = survey_membership(tree, responses, st_groups, len(st_index), cs)
    di_survey = survey_membership(tree, responses, di_groups, len(di_index), cs)
    st_nodes = compose_tree(
        tree, leaf_membership(tree, station_leaf_scores, cs, st_survey), local, operator
    )
    di_nodes = compose_tree(
        tree, leaf_membership(tree, district_leaf_scores, cs, di_survey), local, operator
    )
    return FuzzyEvaluation(
        comment_set=cs,
        operator=operator,
        margin=margin,
        districts=_long_table(tree, di_nodes, di_index, cs, margin),
        stations=_long_table(tree, st_nodes, st_index, cs, margin),
    )


__all__ = [
    "CommentSet",
    "FuzzyEvaluation",
    "comment_set",
    "compose_tree",
    "fuzzy_comprehensive",
    "leaf_membership",
    "survey_membership",
]

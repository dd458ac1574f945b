r"""Weighters: the methods that give the weights used for scoring, chosen by ``weights.method``.

Each takes a :class:`WeightInput` (the tree, the weight settings, the experts' judgments and the
station values objective methods are computed across; no file) and returns :class:`Weights` (a
local weight for every node but the goal). :func:`weigh` runs the chosen one, with the fallbacks
the reports state, and assembles the :class:`~evalkit.weights.weightset.WeightSet` the reports show
(AHP and objective weights beside the weights used).

Built in:

- ``ahp``: group AHP per node (principal eigenvector, Saaty 1977/1980; judgments aggregated by the
  element-wise geometric mean, AIJ, Forman & Peniwati 1998);
- ``entropy``, ``critic``, ``std``, ``cv``: objective leaf weights across the stations (Shannon
  entropy; CRITIC, Diakoulaki, Mavrotas & Papayannakis 1995; standard deviation; coefficient of
  variation), a criterion's weight the sum of its leaves';
- ``equal``: equal weights among siblings;
- ``fixed``: the tree's ``weight:`` of every node (equal among siblings the tree gives none);
- ``combined``: AHP with the objective method ``weights.objective`` (``weights.combine``: linear
  :math:`\alpha a + (1-\alpha) b`, multiplicative, game theory), either at every node
  (``weights.combine_level: node``: each node's AHP local weights with the objective weights among
  its children, a criterion child weighing the largest objective weight among its leaves, so that
  a dimension's weight does not grow with its number of indicators) or on the leaves' global
  weights (``global``, criterion weights the sums of their leaves').

Adding a weighter is adding one function registered with ``@WEIGHTERS.register(name, zh=, en=)``;
see docs/architecture.md.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import Issue, Location, MethodError
from ..ingest.judgments import Judgments
from ..spec import WeightSpec
from ..tree import IndicatorTree
from ..weights.combine import combine
from ..weights.diagnostics import FEW_DISTINCT, LOO_CHANGE, objective_diagnostics
from ..weights.entropy import ConstantIndicatorWarning, entropy_weights
from ..weights.objective import critic_weights, cv_weights, std_weights
from ..weights.weightset import (
    WeightSet,
    ahp_group,
    check_ri_coverage,
    globals_from_local,
    hierarchy_cr,
    local_from_leaf_globals,
)
from .registry import WEIGHTERS

#: Objective kernels by method name: (m units x n leaves raw values, directions) -> leaf weights.
OBJECTIVE_KERNELS: dict[str, Callable[..., np.ndarray]] = {
    "entropy": entropy_weights,
    "critic": critic_weights,
    "std": std_weights,
    "cv": cv_weights,
}
OBJECTIVE_LABELS = {
    "entropy": ("熵权法", "entropy"),
    "critic": ("CRITIC 法", "CRITIC"),
    "std": ("标准差法", "standard deviation"),
    "cv": ("变异系数法", "coefficient of variation"),
}


@dataclass(frozen=True)
class WeightInput:
    """What a weighter may use: arrays and settings, never a file.

    units: raw indicator values of the stations objective methods are computed across (rows with
    a missing value are left out); directions: +1 benefit / -1 cost per leaf in tree order.
    """

    tree: IndicatorTree
    spec: WeightSpec
    judgments: Judgments | None
    units: pd.DataFrame
    directions: np.ndarray


@dataclass(frozen=True)
class Weights:
    """A weighter's result: a local weight for every node but the goal, and what it found."""

    local: dict[str, float]
    issues: list[Issue] = field(default_factory=list)
    info: dict[str, object] = field(default_factory=dict)  # e.g. combination coefficients


def objective_leaf_weights(data: WeightInput, method: str) -> tuple[dict[str, float], list[Issue]]:
    """Leaf weights of an objective method across the stations, with a warning per constant
    indicator; MethodError when nothing varies or fewer than two stations have complete data."""
    tree = data.tree
    leaves = [leaf.id for leaf in tree.leaves()]
    x = data.units[leaves]
    complete = x.dropna()
    issues: list[Issue] = []
    if len(complete) < len(x):
        zh, en = OBJECTIVE_LABELS[method]
        issues.append(
            Issue(
                Location(),
                f"{len(x) - len(complete)} station(s) with a missing indicator value are left "
                f"out of the {en} weights",
                message_zh=f"{len(x) - len(complete)} 个派出所有指标值缺失，未参与{zh}权重计算",
                severity="warning",
                check="entropy",
            )
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConstantIndicatorWarning)
        w = np.asarray(
            OBJECTIVE_KERNELS[method](complete.to_numpy(dtype=float), data.directions), float
        )
    for leaf_id, wj in zip(leaves, w, strict=True):
        if wj == 0:
            issues.append(
                Issue(
                    Location(path=leaf_id),
                    f"indicator {leaf_id} is constant across stations: "
                    f"{OBJECTIVE_LABELS[method][1]} weight 0",
                    message_zh=f"指标“{tree.label(leaf_id, 'zh')}”在各派出所间无差异，"
                    f"{OBJECTIVE_LABELS[method][0]}权重为 0",
                    severity="warning",
                    check="entropy",
                )
            )
    return dict(zip(leaves, w.tolist(), strict=True)), issues


def _objective(method: str) -> Callable[[WeightInput], Weights]:
    def weigh_objective(data: WeightInput) -> Weights:
        leaf, issues = objective_leaf_weights(data, method)
        return Weights(local_from_leaf_globals(data.tree, leaf), issues)

    weigh_objective.__name__ = f"weigh_{method}"
    weigh_objective.__doc__ = f"{OBJECTIVE_LABELS[method][1]} weights of the leaves, summed up."
    return weigh_objective


for _name, (_zh, _en) in OBJECTIVE_LABELS.items():
    WEIGHTERS.register(_name, zh=_zh, en=_en, source=OBJECTIVE_KERNELS[_name].__module__)(
        _objective(_name)
    )


@WEIGHTERS.register("ahp", zh="层次分析法（AHP）", en="AHP", source="Saaty (1977, 1980)")
def weigh_ahp(data: WeightInput) -> Weights:
    """Group AHP of every node (fixed where the tree gives weights, equal where no expert judged)."""
    if data.judgments is None:
        raise MethodError("AHP weights need expert judgments", zh="层次分析法需要专家判断")
    g = ahp_group(data.tree, data.judgments, data.spec)
    return Weights(g.local, list(g.issues))


@WEIGHTERS.register("equal", zh="等权重", en="equal weights")
def weigh_equal(data: WeightInput) -> Weights:
    """Equal weights among the children of every node."""
    return Weights({c.id: 1.0 / len(n.children) for n in data.tree.criteria() for c in n.children})


@WEIGHTERS.register("fixed", zh="指标树给定权重", en="the tree's fixed weights")
def weigh_fixed(data: WeightInput) -> Weights:
    """The tree's ``weight:`` of each node; equal among siblings the tree gives no weights."""
    local: dict[str, float] = {}
    issues: list[Issue] = []
    for n in data.tree.criteria():
        given = [c.weight for c in n.children]
        if all(w is not None for w in given):
            total = float(sum(given))  # type: ignore[arg-type]
            local.update({c.id: float(c.weight) / total for c in n.children})  # type: ignore[arg-type]
        else:
            local.update({c.id: 1.0 / len(n.children) for c in n.children})
            issues.append(
                Issue(
                    Location(file=data.tree.file, line=n.line, path=n.path),
                    f"weights.method fixed: the tree gives no `weight:` to every child of "
                    f"{n.id}; its children are weighted equally",
                    message_zh=f"weights.method 为 fixed，但指标树未给“{n.label('zh')}”的每个下级"
                    "指标指定权重（`weight:`），其下级按等权重计",
                    severity="warning",
                    check="weights",
                )
            )
    return Weights(local, issues)


def node_objective_local(tree: IndicatorTree, leaf: dict[str, float]) -> dict[str, float]:
    """Objective local weights at every node: a leaf child by its own weight, a criterion child by
    the largest weight among its leaves, normalised among the siblings (equal when all are 0).

    A criterion is taken to carry as much objective information as its most informative indicator:
    adding indicators to a dimension, or copying one, cannot raise its weight (a sum grows with the
    number of indicators; a mean rises when the strongest indicator is copied)."""
    top: dict[str, float] = {}
    for node in tree.goal.walk():
        top[node.id] = max(leaf[n.id] for n in node.walk() if n.is_leaf)
    local: dict[str, float] = {}
    for node in tree.criteria():
        vals = np.array([top[c.id] for c in node.children])
        total = vals.sum()
        vals = vals / total if total > 0 else np.full(len(vals), 1.0 / len(vals))
        local.update(dict(zip([c.id for c in node.children], vals.tolist(), strict=True)))
    return local


def combine_per_node(
    tree: IndicatorTree, ahp_local: dict[str, float], obj_local: dict[str, float], spec: WeightSpec
) -> tuple[dict[str, float], dict[str, object]]:
    """Every node's children: AHP local weights combined with the objective ones."""
    local: dict[str, float] = {}
    coefficients: dict[str, tuple[float, float]] = {}
    for node in tree.criteria():
        ids = [c.id for c in node.children]
        comb = combine(
            [ahp_local[i] for i in ids],
            [obj_local[i] for i in ids],
            method=spec.combine,
            alpha=spec.alpha,
        )
        local.update(dict(zip(ids, comb.weights.tolist(), strict=True)))
        coefficients[node.id] = comb.coefficients
    goal = coefficients[tree.goal.id]
    info = {
        "method": spec.combine,
        "level": "node",
        "ahp": goal[0],
        "objective": goal[1],
        "coefficients": coefficients,
        "description": f"{spec.combine} at every node",
    }
    return local, info


@WEIGHTERS.register("combined", zh="主客观组合赋权", en="AHP combined with an objective method")
def weigh_combined(data: WeightInput) -> Weights:
    """AHP and ``weights.objective`` combined (``weights.combine``) at every node or on the
    leaves' global weights (``weights.combine_level``)."""
    tree, spec = data.tree, data.spec
    ahp = weigh_ahp(data)
    leaf, issues = objective_leaf_weights(data, spec.objective)
    if spec.combine_level == "node":
        local, info = combine_per_node(tree, ahp.local, node_objective_local(tree, leaf), spec)
        return Weights(local, [*ahp.issues, *issues], info)
    leaves = [leaf_node.id for leaf_node in tree.leaves()]
    ahp_global = globals_from_local(tree, ahp.local)
    a = np.array([ahp_global[i] for i in leaves])
    b = np.array([leaf[i] for i in leaves])
    comb = combine(a, b, method=spec.combine, alpha=spec.alpha)
    info = {
        "method": spec.combine,
        "level": "global",
        "ahp": comb.coefficients[0],
        "objective": comb.coefficients[1],
        "description": comb.describe(),
    }
    local = local_from_leaf_globals(tree, dict(zip(leaves, comb.weights.tolist(), strict=True)))
    return Weights(local, [*ahp.issues, *issues], info)


OBJECTIVE_METHODS = tuple(OBJECTIVE_KERNELS)


def _fallback_issue(exc: MethodError, fallback: str) -> Issue:
    return Issue(
        Location(),
        f"{exc}; weights fall back to {fallback}",
        message_zh=f"{exc.zh or exc}；改用"
        + ("层次分析法（AHP）权重" if fallback == "ahp" else "等权重"),
        severity="warning",
        check="entropy",
    )


def weigh(
    tree: IndicatorTree,
    spec: WeightSpec,
    judgments: Judgments | None,
    units: pd.DataFrame,
    directions: np.ndarray,
    names_en: dict[tuple[str, str], tuple[str, str]] | None = None,
) -> WeightSet:
    """The weights of every node by the weighter ``spec.method``, beside the AHP and objective
    weights the reports show. An objective method that cannot run (fewer than two stations,
    nothing varies) falls back to AHP when there are judgments, else to equal weights, with a
    warning. *names_en*: (district, station) -> their English names (district_en, station_en),
    which the warnings' English text uses."""
    check_ri_coverage(tree, judgments, spec)
    data = WeightInput(tree, spec, judgments, units, directions)
    group = ahp_group(tree, judgments, spec)
    issues: list[Issue] = list(group.issues)
    objective = spec.method if spec.method in OBJECTIVE_METHODS else spec.objective
    obj_local: dict[str, float] | None = None
    obj_issues: list[Issue] = []
    method = spec.method
    if method in OBJECTIVE_METHODS or method == "combined":
        try:
            leaf, obj_issues = objective_leaf_weights(data, objective)
            per_node = method == "combined" and spec.combine_level == "node"
            # the objective weights as they are combined: among each node's children, or summed
            obj_local = (
                node_objective_local(tree, leaf)
                if per_node
                else local_from_leaf_globals(tree, leaf)
            )
        except MethodError as exc:
            method = "ahp" if judgments is not None else "equal"
            issues.append(_fallback_issue(exc, method))
    if method == "ahp":
        used = Weights(group.local)
    elif method in OBJECTIVE_METHODS and obj_local is not None:
        used = Weights(obj_local)
    else:
        used = WEIGHTERS[method].func(data)
        if method in ("combined", "ahp"):
            used = Weights(used.local, [], used.info)  # their issues are the group's, kept above
    issues += obj_issues + [i for i in used.issues if i not in issues]
    table = _table(tree, judgments is not None, group.local, obj_local, used.local)
    ahp_global = globals_from_local(tree, group.local)
    diagnostics = leaf_diagnostics(data, objective)
    used_units = len(units[[leaf.id for leaf in tree.leaves()]].dropna()) if obj_local else 0
    if obj_local is not None:  # the objective weights enter the weights used
        issues += diagnostic_issues(tree, diagnostics, objective, used_units, names_en)
    return WeightSet(
        table,
        group.experts,
        group.group,
        method,
        spec,
        used_units,
        issues,
        dict(used.info),
        hierarchy_cr(tree, group.group, ahp_global, spec),
        objective,
        diagnostics,
        source_shares(tree, table),
    )


def leaf_diagnostics(data: WeightInput, method: str) -> pd.DataFrame:
    """Per leaf, across the stations with complete values (those objective weights use): the
    weights of entropy, CRITIC and standard deviation side by side, ties, and the leave-one-out
    change of *method*'s weight with the district and station that cause it
    (:func:`~evalkit.weights.diagnostics.objective_diagnostics`)."""
    leaves = [leaf.id for leaf in data.tree.leaves()]
    complete = data.units[leaves].dropna()
    d = objective_diagnostics(complete.to_numpy(dtype=float), data.directions, leaves, method)
    pos = d.pop("loo_unit").to_numpy()
    labels = complete.index[np.maximum(pos, 0)] if len(complete) else pd.Index([""] * len(pos))
    pairs = [lab if isinstance(lab, tuple) else ("", lab) for lab in labels]
    at = d.columns.get_loc("loo_change") + 1
    d.insert(
        at, "loo_district", [str(p[0]) if k >= 0 else "" for p, k in zip(pairs, pos, strict=True)]
    )
    d.insert(
        at + 1,
        "loo_station",
        [str(p[-1]) if k >= 0 else "" for p, k in zip(pairs, pos, strict=True)],
    )
    return d


def diagnostic_issues(
    tree: IndicatorTree,
    d: pd.DataFrame,
    method: str,
    stations: int,
    names_en: dict[tuple[str, str], tuple[str, str]] | None = None,
) -> list[Issue]:
    """A warning per kind of flag, naming every leaf flagged whose objective weight is not 0 (a
    constant one has its own warning): few distinct values or many ties; a weight one station
    moves by more than the threshold (:mod:`evalkit.weights.diagnostics`). *stations*: how many
    the weights use; *names_en*: (district, station) -> (district_en, station_en), the names the
    English text gives a station (its own names where absent)."""
    zh_m, en_m = OBJECTIVE_LABELS[method]
    live = d[d[method] > 0]
    out: list[Issue] = []
    ties_ = live[live["few_values"]]
    if len(ties_):
        tied = (ties_["share_at_mode"] * stations).round().astype(int)
        en = [
            f"{r.id} ({r.distinct} distinct values, {t} stations at one value; weight "
            f"{getattr(r, method):.3f})"
            for r, t in zip(ties_.itertuples(index=False), tied, strict=True)
        ]
        zh = [
            f"{tree.label(str(r.id), 'zh')}（{r.distinct} 个不同取值，{t} 个派出所取同一值；"
            f"权重 {getattr(r, method):.3f}）"
            for r, t in zip(ties_.itertuples(index=False), tied, strict=True)
        ]
        out.append(
            Issue(
                Location(path=", ".join(ties_["id"])),
                f"{len(en)} indicator(s) take fewer than {FEW_DISTINCT} distinct values across "
                f"the {stations} stations, or have more than a third of them at one value: their "
                f"{en_m} weights rest on ties more than on information: " + "; ".join(en),
                message_zh=f"{len(zh)} 个指标在 {stations} 个派出所中不同取值少于 {FEW_DISTINCT} "
                f"个，或超过三分之一的派出所取同一值：其{zh_m}权重更多取决于并列取值，而非指标的"
                "信息量：" + "；".join(zh),
                fix="Compare their entropy, CRITIC and standard-deviation weights (the weights' "
                "diagnostics); a count with few possible values may call for another objective "
                "method (weights.objective) or a larger weights.alpha (more AHP).",
                fix_zh="对照其熵权、CRITIC 与标准差权重（权重诊断表）；可能取值很少的计数类指标"
                "宜改用其他客观赋权方法（weights.objective），或增大 weights.alpha（提高层次"
                "分析法的比重）。",
                severity="warning",
                check="entropy",
            )
        )
    pulled = live[live["few_units"]].sort_values("loo_change", ascending=False)
    if len(pulled):
        rows = list(pulled.itertuples(index=False))
        where = [" / ".join(x for x in (r.loo_district, r.loo_station) if x) for r in rows]
        english = names_en or {}
        where_en = [
            " / ".join(
                x
                for x in english.get(
                    (r.loo_district, r.loo_station), (r.loo_district, r.loo_station)
                )
                if x
            )
            for r in rows
        ]
        pct = [f"{100 * r.loo_change:.0f} %" for r in rows]
        en = [f"{r.id} ({p} without {w})" for r, p, w in zip(rows, pct, where_en, strict=True)]
        zh = [
            f"{tree.label(str(r.id), 'zh')}（剔除 {w} 后变化 {p.replace(' ', '')}）"
            for r, p, w in zip(rows, pct, where, strict=True)
        ]
        out.append(
            Issue(
                Location(path=", ".join(pulled["id"])),
                f"the {en_m} weights of {len(en)} indicator(s) change by more than "
                f"{100 * LOO_CHANGE:.0f} % when one station is left out (driven by few "
                "stations): " + "; ".join(en),
                message_zh=f"{len(zh)} 个指标的{zh_m}权重在剔除单个派出所后变化超过 "
                f"{100 * LOO_CHANGE:.0f}%，受个别派出所左右：" + "；".join(zh),
                fix="Check those stations' values of these indicators; read the weights with the "
                "uncertainty analysis, which varies the objective method.",
                fix_zh="请核对这些派出所的相应指标数据，并结合不确定性分析（其中变换了客观赋权"
                "方法）看待这些权重。",
                severity="warning",
                check="entropy",
            )
        )
    return out


def _table(
    tree: IndicatorTree,
    has_ahp: bool,
    ahp_local: dict[str, float],
    obj_local: dict[str, float] | None,
    local: dict[str, float],
) -> pd.DataFrame:
    ahp_global = globals_from_local(tree, ahp_local)
    obj_global = globals_from_local(tree, obj_local) if obj_local else None
    glob = globals_from_local(tree, local)
    parents = tree.parents()
    rows = []
    for node in tree.goal.walk():
        if node.depth == 0:
            continue
        rows.append(
            {
                "id": node.id,
                "parent": parents[node.id],
                "depth": node.depth,
                "ahp_local": ahp_local[node.id] if has_ahp else np.nan,
                "objective_local": obj_local[node.id] if obj_local else np.nan,
                "local": local[node.id],
                "ahp_global": ahp_global[node.id] if has_ahp else np.nan,
                "objective_global": obj_global[node.id] if obj_global else np.nan,
                "global": glob[node.id],
            }
        )
    return pd.DataFrame(rows)


def source_shares(tree: IndicatorTree, table: pd.DataFrame) -> pd.DataFrame:
    r"""The share of the total weight resting on each kind of source: index survey (officers'
    self-reports) and statistic (records); columns ahp, objective and used (the global weights of
    AHP, of the objective method and of the weights used; NaN where not computed).

    .. math:: s_{survey} = \sum_{l \in \text{survey leaves}} G_l,\qquad
              s_{statistic} = 1 - s_{survey}

    with :math:`G_l` a leaf's global weight (the product of local weights down its path).
    """
    kind = {leaf.id: leaf.source.kind if leaf.source else "" for leaf in tree.leaves()}
    leaves = table[table["id"].isin(list(kind))].set_index("id")
    by = leaves.index.map(kind)
    cols = {"ahp": "ahp_global", "objective": "objective_global", "used": "global"}
    out = pd.DataFrame(
        {
            name: [
                leaves.loc[by == k, col].sum(min_count=1) if leaves[col].notna().all() else np.nan
                for k in ("survey", "statistic")
            ]
            for name, col in cols.items()
        },
        index=pd.Index(["survey", "statistic"], name="source"),
    )
    return out.fillna({c: 0.0 for c in cols if table[cols[c]].notna().all()})

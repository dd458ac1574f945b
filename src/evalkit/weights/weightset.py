r"""Weights of every node of a tree: the :class:`WeightSet`, group AHP per node, and tree helpers.

Local weights are among siblings; global weights are the product of local weights down the path
from the goal. Objective methods (entropy, CRITIC, ...) give leaf weights; a criterion's weight is
the sum over its leaves, so objective local weights w_j / \sum_{siblings} w and global weights agree.
Combination works on global leaf weights (linear: :math:`\alpha a + (1 - \alpha) b`; multiplicative:
:math:`a b / \sum a b`; game theory: coefficients solved from the two vectors, see
:mod:`evalkit.weights.combine`), and criterion weights are sums of their leaves, so local and global
weights of the combined set also agree. Which method makes the weights used is a weighter of the
staged pipeline (:mod:`evalkit.pipeline.weighters`); this module holds what they share.

Per expert and node the ``experts`` table records CR, the most inconsistent judgment (with the value
that would fit the others, rounded to Saaty's scale) and, under the ``repair`` policy, the audit
trail of changed judgments; the ``group`` table records the AHP-OS consensus of each node.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import Issue, Location, TreeError
from ..ingest.judgments import Judgments
from ..spec import WeightSpec
from ..tree import IndicatorTree, Node
from .ahp import (
    RI_TABLE_LABELS,
    RI_TABLES,
    aggregate_aij,
    ahp_priorities,
    fmt_judgment,
    random_index,
)
from .consistency import (
    CONSENSUS_MEASURE,
    ahp_consensus,
    hierarchical_cr,
    most_inconsistent,
    repair,
)

EXPERT_COLUMNS = [
    "node_id",
    "expert",
    "n",
    "lambda_max",
    "ci",
    "cr",
    "consistent",
    "used",
    "worst_pair",
    "current",
    "suggested",
    "repairs",
    "repairs_zh",
    "cr_repaired",
]
GROUP_COLUMNS = [
    "node_id",
    "experts",
    "lambda_max",
    "ci",
    "cr",
    "consistent",
    "consensus",
    "consensus_measure",
]


#: The weight columns of ``WeightSet.table`` after id, parent, depth: AHP, the objective method's
#: (``WeightSet.objective``: entropy, CRITIC, ...) and the weights used, local then global.
WEIGHT_COLUMNS = (
    "ahp_local",
    "objective_local",
    "local",
    "ahp_global",
    "objective_global",
    "global",
)


#: English names of the weighting methods, for descriptions.
OBJECTIVE_NAMES = {
    "ahp": "AHP",
    "entropy": "entropy",
    "critic": "CRITIC",
    "std": "standard deviation",
    "cv": "coefficient of variation",
    "equal": "equal",
    "fixed": "fixed (the tree's weights)",
}


@dataclass(frozen=True)
class WeightSet:
    """Weights per node (goal excluded), in tree pre-order.

    table columns: id, parent, depth, ahp_local, objective_local, local, ahp_global,
    objective_global, global. ``local``/``global`` are the weights used for scoring; the
    objective columns hold the weights of ``objective`` (entropy, critic, std or cv), NaN when no
    objective method was computed; the AHP columns are NaN without expert judgments.
    experts: node_id, expert, n, lambda_max, ci, cr, consistent, used, worst_pair ("x vs y"),
    current (that judgment), suggested (w_x / w_y rounded to Saaty's scale), repairs (audit text such
    as "a[x, y] 1/3 -> 2", repair policy only), repairs_zh (the same in Chinese, nodes named by
    their Chinese names), cr_repaired (CR after repair, else NaN)
    group: node_id, experts, lambda_max, ci, cr, consistent (the aggregated matrix), consensus,
    consensus_measure
    combination: for method "combined", how AHP and entropy were combined, e.g.
    {"method": "game_theory", "ahp": 0.61, "entropy": 0.39}
    diagnostics: how far the objective weights can be trusted, per leaf (ties, one station's
    pull; :mod:`evalkit.weights.diagnostics`); source_shares and ``self_report_share``: the share
    of the total weight resting on officers' self-reports (survey) and on records (statistics).
    """

    table: pd.DataFrame
    experts: pd.DataFrame
    group: pd.DataFrame
    method: str  # the weighter actually used (after any fallback): combined, ahp, entropy, ...
    spec: WeightSpec
    objective_units: int  # stations the objective weights were computed across
    issues: list[Issue] = field(default_factory=list)
    combination: dict[str, object] = field(default_factory=dict)
    # CR of each level with children (depth 0 = goal) and of the whole hierarchy (depth -1):
    # sum W_j CI_j / sum W_j RI_j over the nodes j (Saaty's hierarchic composition)
    hierarchy: pd.DataFrame = field(default_factory=pd.DataFrame)
    objective: str = "entropy"  # the objective method of the objective columns
    # per leaf, across the stations objective weights use: entropy, critic, std (and the objective
    # method's column when it is another) side by side, distinct, share_at_min, share_at_mode,
    # loo_change (largest relative change of the objective method's weight when one station is
    # left out), loo_district, loo_station (that station), few_values, few_units (the flags;
    # thresholds in evalkit.weights.diagnostics)
    diagnostics: pd.DataFrame = field(default_factory=pd.DataFrame)
    # share of the total weight on each kind of source: index survey (officers' self-reports),
    # statistic (records); columns ahp, objective, used (NaN where not computed)
    source_shares: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def local(self) -> pd.Series:
        return self.table.set_index("id")["local"]

    @property
    def self_report_share(self) -> float:
        """The share of the total weight (of the weights used) resting on officers' self-reports:
        the sum of the global weights of the survey indicators."""
        if self.source_shares.empty:
            return float("nan")
        return float(self.source_shares.at["survey", "used"])

    @property
    def global_(self) -> pd.Series:
        return self.table.set_index("id")["global"]

    def describe(self) -> str:
        s = self.spec
        if self.method == "combined":
            if s.combine == "linear":
                how = f"linear, alpha = {s.alpha:g}"
            elif s.combine == "game_theory":
                c = self.combination
                how = (
                    f"game theory, AHP {c.get('ahp', float('nan')):.3f} / {self.objective} "
                    f"{c.get('objective', float('nan')):.3f}"
                )
            else:
                how = "multiplicative"
            return f"AHP x {OBJECTIVE_NAMES.get(self.objective, self.objective)} ({how})"
        return OBJECTIVE_NAMES.get(self.method, self.method)

    @property
    def ri_label(self) -> str:
        return RI_TABLE_LABELS.get(self.spec.ri_table, self.spec.ri_table)


def globals_from_local(tree: IndicatorTree, local: dict[str, float]) -> dict[str, float]:
    """Global weights (the goal's 1.0 included): products of local weights down each path."""
    out: dict[str, float] = {tree.goal.id: 1.0}
    for node in tree.goal.walk():
        for c in node.children:
            out[c.id] = out[node.id] * local[c.id]
    return out


def local_from_leaf_globals(tree: IndicatorTree, leaf_global: dict[str, float]) -> dict[str, float]:
    """Local weights from global leaf weights: a node's weight is the sum of its leaves'."""
    total: dict[str, float] = {}

    def subtotal(node):
        if node.is_leaf:
            total[node.id] = leaf_global[node.id]
        else:
            total[node.id] = sum(subtotal(c) for c in node.children)
        return total[node.id]

    subtotal(tree.goal)
    local: dict[str, float] = {}
    for node in tree.goal.walk():
        s = total[node.id]
        for c in node.children:
            local[c.id] = total[c.id] / s if s > 0 else 1.0 / len(node.children)
    return local


def check_ri_coverage(tree: IndicatorTree, judgments: Judgments | None, spec: WeightSpec) -> None:
    """TreeError at each node whose experts' matrix is larger than the RI table covers."""
    if judgments is None:
        return
    size = len(RI_TABLES.get(spec.ri_table, ()))
    issues = []
    for node in tree.criteria():
        n = len(node.children)
        if node.id not in judgments.matrices or n <= size:
            continue
        if all(c.weight is not None for c in node.children):
            continue
        covering = [t for t, v in RI_TABLES.items() if len(v) >= n]
        issues.append(
            Issue(
                Location(file=tree.file, line=node.line, path=node.path),
                f"node {node.id} has {n} children, but the RI table {spec.ri_table!r} "
                f"({RI_TABLE_LABELS.get(spec.ri_table, spec.ri_table)}) gives the random index "
                f"for n = 1..{size} only, so the consistency of its {n} x {n} matrices "
                f"({judgments.file}, sheet {node.id!r}) cannot be checked",
                expected=f"at most {size} children under a node weighted by AHP",
                found=f"{n} children",
                fix=(
                    f"Set weights.ri_table to one of {', '.join(covering)}, or " if covering else ""
                )
                + "split the node into sub-criteria of at most 9 items (pairwise comparison of "
                "more items is unreliable), give the children fixed `weight:`s in the tree, or "
                "set weights.method: entropy or equal.",
                check="ahp",
                message_zh=f"“{node.label('zh')}”有 {n} 个下级指标，而 RI 表 {spec.ri_table!r} "
                f"只给出 n = 1..{size} 的随机一致性指标，无法检验其 {n} 阶判断矩阵"
                f"（{judgments.file}，工作表 {node.id!r}）的一致性",
                expected_zh=f"用层次分析法赋权的节点最多 {size} 个下级指标",
                found_zh=f"{n} 个下级指标",
                fix_zh=(
                    f"将 weights.ri_table 设为 {'、'.join(covering)} 之一，或" if covering else ""
                )
                + "将该节点拆分为不超过 9 项的子准则（多于 9 项的两两比较不可靠），或在指标树中为其"
                "下级给定权重（`weight:`），或将 weights.method 设为 entropy 或 equal。",
            )
        )
    if issues:
        raise TreeError(issues)


@dataclass(frozen=True)
class AhpGroup:
    """Group AHP of every node: local weights (fixed where the tree gives them, equal where no
    expert judged the node), each expert's diagnostics, the aggregated matrix's CR and consensus."""

    local: dict[str, float]
    experts: pd.DataFrame  # EXPERT_COLUMNS
    group: pd.DataFrame  # GROUP_COLUMNS
    issues: list[Issue] = field(default_factory=list)
    # per judged node: the matrices aggregated (the experts used, after any repair) and the
    # experts' weights, for resampling the experts
    used: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)


def ahp_group(tree: IndicatorTree, judgments: Judgments | None, spec: WeightSpec) -> AhpGroup:
    """Local AHP weights of every node from the experts' judgments (AIJ, Forman & Peniwati 1998),
    with the policy for inconsistent experts (keep, exclude, repair) applied."""
    issues: list[Issue] = []
    local: dict[str, float] = {}
    rows: list[dict[str, object]] = []
    grows: list[dict[str, object]] = []
    used: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for node in tree.criteria():
        ids = [c.id for c in node.children]
        fixed = [c.weight for c in node.children]
        if all(w is not None for w in fixed):
            local.update(dict(zip(ids, fixed, strict=True)))  # type: ignore[arg-type]
            continue
        if judgments is None or node.id not in judgments.matrices:
            local.update({i: 1.0 / len(ids) for i in ids})
            continue
        weights, expert_rows, group_row, used[node.id] = _node_ahp(node, judgments, spec, issues)
        local.update(weights)
        rows += expert_rows
        grows.append(group_row)
    experts = pd.DataFrame(rows, columns=EXPERT_COLUMNS)
    group = pd.DataFrame(grows, columns=GROUP_COLUMNS)
    return AhpGroup(local, experts, group, issues, used)


def _node_ahp(
    node: Node, judgments: Judgments, spec: WeightSpec, issues: list[Issue]
) -> tuple[
    dict[str, float],
    list[dict[str, object]],
    dict[str, object],
    tuple[np.ndarray, np.ndarray],
]:
    """One node: every expert's priorities and CR, the policy, the group's weights."""
    ids = [c.id for c in node.children]
    mats = judgments.matrices[node.id]
    names = judgments.experts[node.id]
    res = ahp_priorities(mats, ri_table=spec.ri_table, labels=ids)
    if res.completed is not None:
        mats = res.completed
    cr = np.atleast_1d(res.cr)
    ok = cr <= spec.cr_threshold
    use = ok if spec.inconsistent_experts == "exclude" else np.ones_like(ok)
    if not use.any():
        use = np.ones_like(ok)
        issues.append(
            Issue(
                Location(file=judgments.file, sheet=node.id),
                f"node {node.id}: every expert's CR exceeds {spec.cr_threshold:g}; all are kept",
                message_zh=f"“{node.label('zh')}”的判断矩阵：所有专家的 CR 均超过 "
                f"{spec.cr_threshold:g}，全部保留",
                severity="warning",
                check="ahp",
            )
        )
    used_mats = np.array(mats, dtype=float, copy=True)
    rows = []
    for e, (name, lam, ci, c, good, u) in enumerate(
        zip(
            names,
            np.atleast_1d(res.lambda_max),
            np.atleast_1d(res.ci),
            cr,
            ok,
            use,
            strict=True,
        )
    ):
        row, repaired = _expert_row(node, name, mats[e], (lam, ci, c), bool(good), bool(u), spec)
        if repaired is not None:
            used_mats[e] = repaired
        rows.append(row)
        if not good:
            issues.append(_inconsistent_issue(node, name, row, judgments.file, spec))
    w = [judgments.expert_weights.get(n, 1.0) for n in names]
    group = aggregate_aij(used_mats[use], np.asarray(w)[use])
    g = ahp_priorities(group, ri_table=spec.ri_table)
    indiv = np.atleast_2d(ahp_priorities(used_mats[use], ri_table=spec.ri_table).weights)
    group_row = {
        "node_id": node.id,
        "experts": int(use.sum()),
        "lambda_max": float(g.lambda_max),
        "ci": float(g.ci),
        "cr": float(g.cr),
        "consistent": bool(g.cr <= spec.cr_threshold),
        "consensus": ahp_consensus(indiv, np.asarray(w, dtype=float)[use]),
        "consensus_measure": CONSENSUS_MEASURE,
    }
    kept = (used_mats[use], np.asarray(w, dtype=float)[use])
    return dict(zip(ids, g.weights.tolist(), strict=True)), rows, group_row, kept


def _expert_row(
    node: Node,
    name: str,
    mat: np.ndarray,
    stats: tuple[float, float, float],
    good: bool,
    used: bool,
    spec: WeightSpec,
) -> tuple[dict[str, object], np.ndarray | None]:
    """An expert's diagnostics at a node (the worst judgment; the repair under that policy)."""
    ids = [c.id for c in node.children]
    zh_names = [c.label("zh") for c in node.children]
    lam, ci, c = stats
    row: dict[str, object] = {
        "node_id": node.id,
        "expert": name,
        "n": len(ids),
        "lambda_max": float(lam),
        "ci": float(ci),
        "cr": float(c),
        "consistent": good,
        "used": used,
        "worst_pair": "",
        "current": np.nan,
        "suggested": np.nan,
        "repairs": "",
        "repairs_zh": "",
        "cr_repaired": np.nan,
        "action": "kept" if used else "excluded",
        "action_zh": "已保留" if used else "已剔除",
        "worst_i": -1,
        "worst_j": -1,
    }
    if len(ids) > 2:
        worst = most_inconsistent(mat, labels=ids)
        row.update(
            worst_pair=worst.pair,
            current=worst.current,
            suggested=worst.saaty,
            worst_i=worst.i,
            worst_j=worst.j,
        )
    if good or spec.inconsistent_experts != "repair":
        return row, None
    fixed = repair(mat, max_cr=spec.cr_threshold, ri_table=spec.ri_table, labels=ids)
    audit_zh = "；".join(
        f"a[{zh_names[ch.i]}, {zh_names[ch.j]}] 由 {fmt_judgment(ch.old)} 改为 "
        f"{fmt_judgment(ch.new)}"
        for ch in fixed.changes
    )
    row.update(
        repairs=fixed.audit(),
        repairs_zh=audit_zh,
        cr_repaired=fixed.cr_after,
        action=(
            f"repaired ({fixed.audit()}; CR {fixed.cr_after:.3f})"
            if fixed.ok
            else f"partly repaired ({fixed.audit()}; CR still {fixed.cr_after:.3f})"
        ),
        action_zh=(
            f"已修正（{audit_zh}；修正后 CR = {fixed.cr_after:.3f}）"
            if fixed.ok
            else f"已部分修正（{audit_zh}；CR 仍为 {fixed.cr_after:.3f}）"
        ),
    )
    return row, fixed.matrix


def _inconsistent_issue(
    node: Node, name: str, row: dict[str, object], file: str, spec: WeightSpec
) -> Issue:
    """The warning for an expert over the CR threshold, with the worst judgment and the action."""
    zh_names = [c.label("zh") for c in node.children]
    i, j = int(row.pop("worst_i")), int(row.pop("worst_j"))  # type: ignore[call-overload]
    action, action_zh = row.pop("action"), row.pop("action_zh")
    hint = hint_zh = ""
    if i >= 0:
        pair = str(row["worst_pair"]).replace(" vs ", ", ")
        current = fmt_judgment(float(row["current"]))  # type: ignore[arg-type]
        saaty = fmt_judgment(float(row["suggested"]))  # type: ignore[arg-type]
        hint = f"; most inconsistent judgment a[{pair}] = {current}, consistent with the others: {saaty}"
        hint_zh = (
            f"；最不一致的判断为 a[{zh_names[i]}, {zh_names[j]}] = {current}，"
            f"与其他判断相符的值约为 {saaty}"
        )
    c = float(row["cr"])  # type: ignore[arg-type]
    return Issue(
        Location(file=file, sheet=node.id),
        f"expert {name}: CR = {c:.3f} at node {node.id} exceeds "
        f"{spec.cr_threshold:g} ({RI_TABLE_LABELS.get(spec.ri_table)}){hint}; {action}",
        severity="warning",
        check="ahp",
        fix="Ask the expert to revise the judgments, or set "
        "`weights.inconsistent_experts: exclude | repair`.",
        message_zh=f"专家 {name} 对“{node.label('zh')}”的判断矩阵 CR = {c:.3f}，"
        f"超过阈值 {spec.cr_threshold:g}{hint_zh}；{action_zh}",
        fix_zh="请专家修订判断，或设置 `weights.inconsistent_experts: exclude | repair`（剔除或修正）。",
    )


def hierarchy_cr(
    tree: IndicatorTree, group: pd.DataFrame, ahp_global: dict[str, float], spec: WeightSpec
) -> pd.DataFrame:
    """CR of each level of the hierarchy and of the whole (Saaty's hierarchic composition)."""
    if not len(group):
        return pd.DataFrame(columns=["depth", "nodes", "cr"])
    g = group.set_index("node_id")
    rows = []
    all_ci, all_ri, all_w = [], [], []
    for depth in sorted({n.depth for n in tree.criteria()}):
        nodes = [n for n in tree.criteria() if n.depth == depth and n.id in g.index]
        if not nodes:
            continue
        ci = [float(g.at[n.id, "ci"]) for n in nodes]
        ri = [random_index(len(n.children), spec.ri_table) for n in nodes]
        w = [ahp_global[n.id] for n in nodes]
        rows.append({"depth": depth, "nodes": len(nodes), "cr": hierarchical_cr(ci, ri, w)})
        all_ci += ci
        all_ri += ri
        all_w += w
    rows.append({"depth": -1, "nodes": len(all_w), "cr": hierarchical_cr(all_ci, all_ri, all_w)})
    return pd.DataFrame(rows)

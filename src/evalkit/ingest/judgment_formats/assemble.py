"""The collected judgments assembled into one (k, n, n) stack per node, in tree order: one triangle
given is completed with reciprocals, both given must be reciprocal (1 %), and a node without
judgments, or an expert missing a pair, is a problem."""

from __future__ import annotations

import numpy as np

from ...errors import Location, show
from ...saaty import fmt_judgment
from ...tree import IndicatorTree, Node
from .collect import Collector, Judgment
from .match import Matcher
from .sheets import where_zh


def assemble(
    tree: IndicatorTree, col: Collector, m: Matcher, shown: str
) -> tuple[dict[str, np.ndarray], dict[str, list[str]]]:
    """(matrices, experts) per node: an expert's matrix is kept only when complete and reciprocal;
    a node with one child gets 1 x 1 matrices for every expert."""
    matrices: dict[str, np.ndarray] = {}
    experts: dict[str, list[str]] = {}
    all_experts = list(dict.fromkeys(e for per in col.data.values() for e in per))
    for node in tree.criteria():
        kids = [c.id for c in node.children]
        per = col.data.get(node.id, {})
        if len(kids) == 1:
            matrices[node.id] = np.ones((len(all_experts), 1, 1))
            experts[node.id] = list(all_experts)
            continue
        if not per:
            _no_judgments(col, m, node, shown)
            continue
        names, mats = [], []
        for expert, got in per.items():
            a = _matrix(col, node.id, kids, expert, got)
            if a is not None:
                names.append(expert)
                mats.append(a)
        if mats:
            matrices[node.id] = np.stack(mats)
            experts[node.id] = names
    return matrices, experts


def _no_judgments(col: Collector, m: Matcher, node: Node, shown: str) -> None:
    col.log.add(
        Location(file=shown),
        f'no judgments for node "{node.id}" ({node.name.get("en", "")})',
        expected=f"comparisons of its items {m.children_text(node.id)}",
        found="none of them in the file",
        fix="Check the item names, or name them in MAP.yaml.",
        check="judgments",
        message_zh=f"节点{col.name(node.id)}没有判断",
        expected_zh=f"其子项 {m.children_zh(node.id)} 之间的比较",
        found_zh="文件中一个也没有",
        fix_zh="核对子项名称，或在 MAP.yaml 中写明它们。",
    )


def _matrix(
    col: Collector,
    nid: str,
    kids: list[str],
    expert: str,
    got: dict[tuple[str, str], Judgment],
) -> np.ndarray | None:
    """One expert's matrix of a node; None (after the problems) when a pair is missing or its
    two judgments are not reciprocal."""
    n = len(kids)
    a = np.ones((n, n))
    ok = True
    for i in range(n):
        for j in range(i + 1, n):
            x, y = got.get((kids[i], kids[j])), got.get((kids[j], kids[i]))
            if x is None and y is None:
                ok = False
                if (nid, expert, frozenset((kids[i], kids[j]))) not in col.failed:
                    _missing(col, nid, expert, kids[i], kids[j])
                continue
            if x is not None and y is not None:
                prod = x.value * y.value
                if abs(prod - 1) > 0.01 * max(1.0, prod):
                    _not_reciprocal(col, expert, kids[i], kids[j], x, y)
                    ok = False
                    continue
            v = x.value if x is not None else 1.0 / y.value  # type: ignore[union-attr]
            a[i, j], a[j, i] = v, 1.0 / v
    return a if ok else None


def _missing(col: Collector, nid: str, expert: str, a: str, b: str) -> None:
    col.log.add(
        col.first[(nid, expert)],
        f"expert {expert}, node {nid}: missing comparison {a} vs {b}",
        expected="a judgment for every pair of items",
        found="no cell for this pair",
        check="judgments",
        message_zh=f"专家 {expert}，节点{col.name(nid)}：缺少{col.name(a)}对{col.name(b)}的比较",
        expected_zh="每一对子项都有判断",
        found_zh="这一对没有单元格",
    )


def _not_reciprocal(col: Collector, expert: str, a: str, b: str, x: Judgment, y: Judgment) -> None:
    col.log.add(
        y.loc,
        f"expert {expert}: judgment not reciprocal: a[{a}, {b}] = {fmt_judgment(x.value)} "
        f"(at {x.loc}) but a[{b}, {a}] = {fmt_judgment(y.value)}",
        expected=fmt_judgment(1 / x.value),
        found=show(y.raw),
        fix="Leave one triangle empty and evalkit fills it.",
        check="judgments",
        message_zh=f"专家 {expert}：判断不互反：{col.name(a)}相对{col.name(b)}为 "
        f"{fmt_judgment(x.value)}（在 {where_zh(x.loc)}），而{col.name(b)}相对"
        f"{col.name(a)}为 {fmt_judgment(y.value)}",
        found_zh=show(y.raw, "zh"),
        fix_zh="把一个三角留空，evalkit 会自动补上互反值。",
    )


__all__ = ["assemble"]

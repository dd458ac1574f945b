"""Whether two trees score alike: the differences in what weights, goalpost scores and levels rest on.

Survey periods are compared on one scale only when every period is scored by the same tree: the base
period's weights exist for its nodes, its goalposts for its indicators. :func:`scoring_differences`
lists what would make two trees score the same data differently: a node added, removed or moved, a
fixed weight, an indicator's direction, goalposts or source (items, their reversal, the scale's
values; columns, aggregate, multiplier), the maturity levels and the level rule. Names, descriptions,
units, notes and bases may differ: they change no number.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import IndicatorTree, Node, Source

#: What a node's or the tree's signature holds, in words (en, zh).
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "parent": ("parent node", "上级节点"),
    "weight": ("fixed weight", "固定权重"),
    "direction": ("direction", "指标方向"),
    "goalposts": ("goalposts (worst, best)", "阈值（最差值, 最优值）"),
    "source": ("source", "数据来源"),
    "levels": ("maturity levels (id: lowest score)", "成熟度等级（等级: 最低分）"),
    "level_rule": ("level rule", "定级规则"),
}


@dataclass(frozen=True)
class Difference:
    """One difference: the node (or "" for the tree), the field, each tree's value as text."""

    node: str
    field: str
    base: str
    other: str

    def text(self, base: IndicatorTree, other: IndicatorTree, lang: str) -> str:
        """The difference in a sentence of *lang* ("zh" or "en"); nodes by their names in zh
        (from the tree that has them)."""
        en, zh = FIELD_LABELS.get(self.field, (self.field, self.field))
        name = base.label(self.node, "zh")
        if name == self.node:  # not in the base tree (or named by its id there)
            name = other.label(self.node, "zh")
        if self.field == "node":
            if lang == "zh":
                where = "仅见于基准期的指标体系" if self.other == "" else "仅见于本期的指标体系"
                return f"节点“{name}”{where}"
            where = "only in the base period's tree" if self.other == "" else "only in this tree"
            return f"node {self.node}: {where}"
        if lang == "zh":
            who = f"“{name}”的" if self.node else ""
            return f"{who}{zh}：基准期为 {self.base}，本期为 {self.other}"
        who = f"{self.node}: " if self.node else ""
        return f"{who}{en} {self.base} in the base period's tree, {self.other} in this one"


def _number(x: float | None) -> str:
    return "none" if x is None else f"{x:g}"


def _source(src: Source | None, tree: IndicatorTree) -> str:
    if src is None:
        return "none"
    if src.kind == "survey":
        scale = tree.scales.get(src.scale)
        values = ", ".join(f"{v:g}" for v in scale.values) if scale else "?"
        items = ", ".join(f"{it.id}{' (reverse)' if it.reverse else ''}" for it in src.items)
        return f"survey [{items}] on ({values})"
    if src.is_ratio:
        return f"statistic {_number(src.multiplier)} x {src.numerator} / {src.denominator}"
    return f"statistic {src.column} ({src.aggregate})"


def _node(node: Node, parent: str, tree: IndicatorTree) -> dict[str, str]:
    sig = {"parent": parent or "-", "weight": _number(node.weight)}
    if node.is_leaf:
        sig["direction"] = node.direction
        sig["goalposts"] = f"({_number(node.worst)}, {_number(node.best)})"
        sig["source"] = _source(node.source, tree)
    return sig


def _signature(tree: IndicatorTree) -> dict[str, dict[str, str]]:
    parents = tree.parents()
    out = {n.id: _node(n, parents.get(n.id, ""), tree) for n in tree.goal.walk()}
    out[""] = {
        "levels": ", ".join(f"{lv.id}: {lv.min_score:g}" for lv in tree.levels),
        "level_rule": tree.level_rule,
    }
    return out


def scoring_differences(base: IndicatorTree, other: IndicatorTree) -> list[Difference]:
    """What makes *other* score data differently from *base* (empty: the two score alike), in the
    order of *base*'s nodes, then nodes only in *other*, then the levels."""
    a, b = _signature(base), _signature(other)
    out: list[Difference] = []
    for node, sig in a.items():
        if node == "":
            continue
        if node not in b:
            out.append(Difference(node, "node", node, ""))
            continue
        out += [
            Difference(node, key, value, b[node].get(key, "none"))
            for key, value in sig.items()
            if b[node].get(key, "none") != value
        ]
    out += [Difference(node, "node", "", node) for node in b if node and node not in a]
    out += [
        Difference("", key, a[""][key], b[""][key]) for key in a[""] if a[""][key] != b[""][key]
    ]
    return out

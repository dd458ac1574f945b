"""The indicator tree as data: :class:`IndicatorTree`, :class:`Node`, :class:`Scale`, :class:`Level`.

What the tree file says, checked (:mod:`evalkit.tree.load` reads it); navigation helpers over it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
AGGREGATES = ("mean", "sum", "max", "min")


@dataclass(frozen=True)
class Scale:
    id: str
    values: tuple[float, ...]
    labels: dict[str, tuple[str, ...]]  # lang -> labels, one per value

    @property
    def low(self) -> float:
        return min(self.values)

    @property
    def high(self) -> float:
        return max(self.values)


@dataclass(frozen=True)
class Item:
    id: str
    text: dict[str, str]
    reverse: bool = False


@dataclass(frozen=True)
class Source:
    kind: Literal["survey", "statistic"]
    scale: str = ""
    items: tuple[Item, ...] = ()
    column: str = ""
    aggregate: str = "mean"
    numerator: str = ""
    denominator: str = ""
    multiplier: float = 1.0

    @property
    def is_ratio(self) -> bool:
        return bool(self.numerator)

    @property
    def columns(self) -> tuple[str, ...]:
        if self.kind != "statistic":
            return ()
        return (self.numerator, self.denominator) if self.is_ratio else (self.column,)


@dataclass(frozen=True)
class Node:
    id: str
    name: dict[str, str]
    path: str
    depth: int
    children: tuple[Node, ...] = ()
    description: dict[str, str] = field(default_factory=dict)
    direction: str = "benefit"
    unit: dict[str, str] = field(default_factory=dict)
    worst: float = math.nan
    best: float = math.nan
    source: Source | None = None
    weight: float | None = None  # fixed local weight, if the tree gives one
    line: int | None = None

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def label(self, lang: str) -> str:
        """The node's name in *lang* ("zh" or "en"), else in the other language, else its id."""
        return self.name.get(lang) or self.name.get("en") or self.name.get("zh") or self.id

    def walk(self) -> Iterator[Node]:
        """Pre-order: this node, then each subtree in order."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class Level:
    level: int
    id: str
    name: dict[str, str]
    min_score: float
    description: dict[str, str]


@dataclass(frozen=True)
class IndicatorTree:
    id: str
    title: dict[str, str]
    goal: Node
    scales: dict[str, Scale]
    levels: tuple[Level, ...]
    file: str = ""

    # ---- navigation -------------------------------------------------------------------------
    def nodes(self) -> list[Node]:
        return list(self.goal.walk())

    def leaves(self) -> list[Node]:
        return [n for n in self.goal.walk() if n.is_leaf]

    def criteria(self) -> list[Node]:
        """Nodes with children (the goal included): each has one pairwise matrix."""
        return [n for n in self.goal.walk() if not n.is_leaf]

    @property
    def dimensions(self) -> tuple[Node, ...]:
        return self.goal.children

    def node(self, node_id: str) -> Node:
        for n in self.goal.walk():
            if n.id == node_id:
                return n
        raise KeyError(node_id)

    def label(self, node_id: str, lang: str) -> str:
        """The name of a node in *lang* (:meth:`Node.label`); an unknown id is returned as is."""
        for n in self.goal.walk():
            if n.id == node_id:
                return n.label(lang)
        return node_id

    def parents(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for n in self.goal.walk():
            for c in n.children:
                out[c.id] = n.id
        return out

    def dimension_of(self) -> dict[str, str]:
        """Leaf id -> id of the dimension (child of the goal) it belongs to."""
        out: dict[str, str] = {}
        for dim in self.goal.children:
            for n in dim.walk():
                if n.is_leaf:
                    out[n.id] = dim.id
        return out

    def items(self) -> list[tuple[Node, Item]]:
        return [
            (leaf, item)
            for leaf in self.leaves()
            if leaf.source is not None and leaf.source.kind == "survey"
            for item in leaf.source.items
        ]

    def statistic_columns(self) -> list[str]:
        cols: list[str] = []
        for leaf in self.leaves():
            if leaf.source is not None:
                for c in leaf.source.columns:
                    if c not in cols:
                        cols.append(c)
        return cols

    def level_for(self, score: float) -> Level:
        chosen = self.levels[0]
        for lv in self.levels:
            if score >= lv.min_score:
                chosen = lv
        return chosen

    def level_bounds(self) -> list[tuple[float, float]]:
        mins = [lv.min_score for lv in self.levels]
        return list(zip(mins, [*mins[1:], 100.0], strict=True))

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
#: How a unit's maturity level is read from its scores (``level_rule:`` of the tree):
#: ``total``: the level whose range holds the total; ``staged``: that level, but at most one above
#: the lowest level among the unit's dimensions (a staged maturity model: a stage is reached only
#: when no dimension lags more than one stage behind).
LEVEL_RULES = ("total", "staged")
#: What a goalpost or a level cut-off rests on (``basis:``): a published standard or norm, the
#: data of a reference population or pilot, or a calibration guess still to be checked.
#: ``scale`` is implied for survey indicators without goalposts (the scale's ends); "" is unstated.
BASES = ("standard", "data", "calibration")
SCALE_BASIS = "scale"
#: Who keeps a statistic indicator's figures (``record:``): the station's own registers and duty
#: logs, or the bureau's systems (platform audit logs, the equipment and finance offices, the
#: annual public-security satisfaction survey), entered per station in the stations sheet. A survey
#: indicator's figures are the officers' answers (``survey``); "" is unstated.
RECORDS = ("station", "bureau")
RECORD_LABELS: dict[str, dict[str, str]] = {
    "station": {"zh": "派出所台账", "en": "station record"},
    "bureau": {"zh": "分局记录", "en": "bureau record"},
    "survey": {"zh": "民警问卷", "en": "officer survey"},
    "": {"zh": "来源未注明", "en": "record not stated"},
}
#: The bases and level rules in words, for terminals and reports.
BASIS_LABELS: dict[str, dict[str, str]] = {
    "standard": {"zh": "依据标准", "en": "standard"},
    "data": {"zh": "依据数据", "en": "data"},
    "calibration": {"zh": "校准估计值", "en": "calibration guess"},
    "scale": {"zh": "量表两端", "en": "the scale's ends"},
    "": {"zh": "依据未注明", "en": "basis not stated"},
}
LEVEL_RULE_LABELS: dict[str, dict[str, str]] = {
    "total": {"zh": "按总分定级", "en": "the level of the total"},
    "staged": {
        "zh": "分级递进：至多高于最弱维度一级",
        "en": "staged: at most one level above the weakest dimension's",
    },
}


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
    # what the item measures, when the tree declares it (``measures:``): two items or indicators
    # declaring the same key measure the same thing (the redundancy check flags them)
    measures: tuple[str, ...] = ()


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
    # what the goalposts rest on: standard | data | calibration (BASES), scale (a survey
    # indicator's scale ends, implied) or "" (not stated); a note on them in zh / en
    goalpost_basis: str = ""
    goalpost_note: dict[str, str] = field(default_factory=dict)
    # the seed passage or literature the node answers (``basis:``), in zh / en
    basis: dict[str, str] = field(default_factory=dict)
    # why the indicator points the way it does (``direction_note:``), in zh / en
    direction_note: dict[str, str] = field(default_factory=dict)
    # who keeps a statistic's figures: station | bureau (RECORDS), "" when not stated
    record: str = ""
    # what the indicator measures, when the tree declares it (``measures:``; see Item.measures)
    measures: tuple[str, ...] = ()

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def label(self, lang: str) -> str:
        """The node's name in *lang* ("zh" or "en"), else in the other language, else its id."""
        return self.name.get(lang) or self.name.get("en") or self.name.get("zh") or self.id

    @property
    def goalposts_are_guesses(self) -> bool:
        """The tree marks this indicator's goalposts as calibration guesses."""
        return self.is_leaf and self.goalpost_basis == "calibration"

    @property
    def data_source(self) -> str:
        """Where the indicator's figures come from: ``survey`` (officers' answers), ``station`` or
        ``bureau`` (records, the tree's ``record:``), "" for a criterion or when not stated."""
        if not self.is_leaf or self.source is None:
            return ""
        return "survey" if self.source.kind == "survey" else self.record

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
    level_rule: str = "total"  # LEVEL_RULES
    level_basis: str = ""  # what the levels' cut-offs rest on (BASES), "" when not stated
    level_note: dict[str, str] = field(default_factory=dict)

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

    # ---- what the numbers rest on ------------------------------------------------------------
    @property
    def levels_are_guesses(self) -> bool:
        """The tree marks its level cut-offs as calibration guesses (``level_basis: calibration``)."""
        return self.level_basis == "calibration"

    def goalpost_guesses(self) -> list[str]:
        """Ids of the indicators whose goalposts the tree marks as calibration guesses."""
        return [leaf.id for leaf in self.leaves() if leaf.goalposts_are_guesses]

    def without_basis(self) -> list[str]:
        """Ids of the indicators without a ``basis:`` (the passage or literature they answer)."""
        return [leaf.id for leaf in self.leaves() if not leaf.basis]

    def goalpost_bases(self) -> dict[str, str]:
        """Indicator id -> what its goalposts rest on: standard, data, calibration, scale (a survey
        indicator's scale ends) or "" (not stated)."""
        return {leaf.id: leaf.goalpost_basis for leaf in self.leaves()}

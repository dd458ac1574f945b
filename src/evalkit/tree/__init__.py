"""The indicator tree: goal > criteria (any depth) > indicators, with scales and maturity levels.

``load_tree(path)`` reads the YAML described in docs/formats.md, checks it completely and raises one
:class:`~evalkit.errors.TreeError` listing every problem with its YAML line and tree path.

- :mod:`.model`: the tree as data (IndicatorTree, Node, Source, Item, Scale, Level);
- :mod:`.check`: how a problem of the file is filed (line, tree path, texts in zh and en);
- :mod:`.load`: the file read and checked part by part.
"""

from __future__ import annotations

from ..yamlio import LineDict, LineList
from .load import load_tree
from .model import (
    AGGREGATES,
    BASES,
    BASIS_LABELS,
    ID_RE,
    LEVEL_RULE_LABELS,
    LEVEL_RULES,
    RECORD_LABELS,
    RECORDS,
    IndicatorTree,
    Item,
    Level,
    Node,
    Scale,
    Source,
)

__all__ = [
    "AGGREGATES",
    "BASES",
    "BASIS_LABELS",
    "ID_RE",
    "LEVEL_RULES",
    "LEVEL_RULE_LABELS",
    "RECORDS",
    "RECORD_LABELS",
    "IndicatorTree",
    "Item",
    "Level",
    "LineDict",
    "LineList",
    "Node",
    "Scale",
    "Source",
    "load_tree",
]

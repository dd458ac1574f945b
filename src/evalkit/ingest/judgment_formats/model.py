"""What a judgments import gives back (:class:`ImportedJudgments`) and what ``evalkit inspect``
shows of a judgments file (:class:`JudgmentInspection`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from ...errors import Issue, Location

LAYOUTS = ("seventeen_point", "ticked_grid", "matrix_per_sheet", "row_per_expert", "evalkit")


@dataclass(frozen=True)
class ImportedJudgments:
    """Judgments read from a questionnaire file, in tree order.

    ``matrices[node_id]``: (k, n, n) with a[i][j] = importance of child i over child j (tree order),
    for the experts ``experts[node_id]``; ``decisions``: every automatic choice made while
    reading; ``issues``: warnings; ``proposed_map``: the MAP.yaml that reads the file the same way
    (:func:`~evalkit.ingest.judgment_formats.propose_judgment_map`). The consistency of the
    matrices is the AHP kernels' to compute (``evalkit import-judgments`` prints it).
    """

    matrices: dict[str, np.ndarray]
    experts: dict[str, list[str]]
    layout: str
    decisions: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    file: str = ""
    proposed_map: dict[str, Any] = field(default_factory=dict)


class PairCount(NamedTuple):
    """The pairs of a node found in a file, and the pairs the node needs."""

    found: int
    needed: int


class PairColumn(NamedTuple):
    """A column of a file naming a pair: where, its header, and the pair it was read as (the cell
    judges ``left`` over ``right``)."""

    location: Location
    header: str
    node: str
    left: str
    right: str


@dataclass(frozen=True)
class JudgmentInspection:
    """What ``evalkit inspect`` shows of a judgments file.

    ``nodes``: node id -> the pairs found in the file and needed; ``columns``: for a file with a
    column per pair, each such column; ``issues``: the errors and warnings ``import_judgments``
    would give.
    """

    file: str
    layout: str
    why: str
    experts: list[str]
    nodes: dict[str, PairCount]
    columns: list[PairColumn]
    decisions: list[str]
    issues: list[Issue]
    proposed_map: dict[str, Any]


__all__ = ["LAYOUTS", "ImportedJudgments", "JudgmentInspection", "PairColumn", "PairCount"]

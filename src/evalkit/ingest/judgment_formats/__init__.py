"""Import experts' AHP judgments from the layouts questionnaires come in; write evalkit's own format.

Layouts read (``detect_judgment_layout`` tells them apart by structure, without the tree):

- ``seventeen_point``: the 17-point "A | 9 8 ... 1 ... 8 9 | B" row. Either a paper-style grid (a header
  row holding the 17 labels 9..1..9 and one tick per pair row, one sheet per expert) or a platform
  export (问卷星 按序号: one row per expert, one column per pair "A vs B", the position p = 1..17).
  Box p counted from the left: p <= 9 -> a_AB = 10 - p; p >= 10 -> a_AB = 1 / (p - 8).
- ``ticked_grid``: a pair row per comparison under a header row whose labels *are* the values
  (9, 7, 5, 3, 1, 1/3, ...): the ticked column's label is a_AB.
- ``matrix_per_sheet``: plain n x n matrices, one sheet per expert (the sheet name), one block per node
  (a header row of item names, a column of the same names); decimals, "1/3" text, formulas (their
  cached values), only one triangle, or the full matrix (checked for reciprocity, 1 %).
- ``row_per_expert``: one row per expert, one column per pair "A vs B" holding a_AB on Saaty's scale.
- ``evalkit``: evalkit's own experts workbook (docs/formats.md), read by ``load_judgments``.

Items are matched to the children of the tree's nodes: exact id, exact zh/en name, then folded
(:func:`evalkit.ingest.text.fold`: NFKC, case-folded, spaces and punctuation removed); MAP.yaml
(``read_judgment_map``) names anything else. Values within 1 % of Saaty's scale are snapped to it (0.333 -> 1/3). Every automatic decision
is listed in ``ImportedJudgments.decisions``; every problem is an Issue naming file, sheet, row and
column, and all of them are raised at once as a DataError.

The consistency ratios of the matrices are the AHP kernels' to compute (``evalkit import-judgments``
prints them): nothing here imports :mod:`evalkit.weights`.

One concept per module: :mod:`.model` (the results), :mod:`.mapfile` (MAP.yaml), :mod:`.sheets`
(cells and sheets), :mod:`.match` (item texts to tree children), :mod:`.pairs` (texts naming a pair),
:mod:`.collect` (judgments checked and collected), :mod:`.detect` (the layout), the readers
:mod:`.columns` (a column per pair), :mod:`.grids` (ticks under a header) and :mod:`.matrices`
(n x n blocks), :mod:`.assemble` (one stack per node), :mod:`.read` (layout and reader),
:mod:`.propose` (the proposed MAP.yaml), :mod:`.importer` (the public calls) and :mod:`.write`
(evalkit's experts workbook).
"""

from __future__ import annotations

from ..text import fold as normalise
from .columns import seventeen_value
from .detect import detect_judgment_layout
from .importer import import_judgments, inspect_judgments, propose_judgment_map
from .mapfile import JudgmentMap, is_judgment_map, read_judgment_map
from .model import LAYOUTS, ImportedJudgments, JudgmentInspection, PairColumn, PairCount
from .write import write_experts_workbook

__all__ = [
    "LAYOUTS",
    "ImportedJudgments",
    "JudgmentInspection",
    "JudgmentMap",
    "PairColumn",
    "PairCount",
    "detect_judgment_layout",
    "import_judgments",
    "inspect_judgments",
    "is_judgment_map",
    "normalise",
    "propose_judgment_map",
    "read_judgment_map",
    "seventeen_value",
    "write_experts_workbook",
]

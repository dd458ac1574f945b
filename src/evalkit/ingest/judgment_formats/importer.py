"""What ``evalkit import-judgments`` and ``evalkit inspect`` call: :func:`import_judgments`
(raises on any error), :func:`propose_judgment_map` (even when the import fails) and
:func:`inspect_judgments` (never raises for the file's problems)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ...errors import DataError, Issue
from ...tree import IndicatorTree
from ..judgments import load_judgments
from .assemble import assemble
from .mapfile import read_judgment_map
from .model import ImportedJudgments, JudgmentInspection, PairColumn, PairCount
from .propose import proposed_map
from .read import Reading, read


def import_judgments(
    path: Path | str, tree: IndicatorTree, *, map_path: Path | str | None = None
) -> ImportedJudgments:
    """Read experts' judgments in any known layout; raise DataError listing every problem.

    ``proposed_map`` of the result is the MAP.yaml that pins what was read (see
    :func:`propose_judgment_map`): given back with ``map_path`` it gives the same judgments.
    """
    path = Path(path)
    jmap = read_judgment_map(map_path, tree)
    r = read(path, tree, jmap)
    if r.evalkit:
        return _from_evalkit(path, tree, r.decisions, proposed_map(r, tree, jmap))
    if r.refused:
        r.log.raise_if_errors(DataError)
    matrices, experts = assemble(tree, r.collector, r.matcher, str(path))
    decisions = r.decisions + r.matcher.decisions() + r.collector.decisions()
    r.log.raise_if_errors(DataError)
    return ImportedJudgments(
        matrices,
        experts,
        r.layout,
        decisions,
        r.log.warnings,
        str(path),
        proposed_map(r, tree, jmap),
    )


def propose_judgment_map(
    path: Path | str, tree: IndicatorTree, *, map_path: Path | str | None = None
) -> dict[str, Any]:
    """The MAP.yaml evalkit proposes for a judgments file, even when its import fails.

    Keys as :func:`~.mapfile.read_judgment_map` reads them: ``layout`` (detected), per node
    ``sheet`` (when every node's judgments come from one sheet), ``pairs`` (a file with a column
    per pair: every column header read as a pair, ``[left item, right item]``) or ``items`` (the
    texts the file uses for each child, other than its id), and ``experts: column`` (the column
    the names came from). What could not be read is listed in the comments at the top.
    ``_comments`` holds them for :func:`~evalkit.ingest.platforms.write_map`. DataError when no
    layout is found.
    """
    path = Path(path)
    jmap = read_judgment_map(map_path, tree)
    r = read(path, tree, jmap)
    if not r.evalkit and not r.refused:
        assemble(tree, r.collector, r.matcher, str(path))  # the missing pairs, for the comments
    return proposed_map(r, tree, jmap)


def inspect_judgments(
    path: Path | str, tree: IndicatorTree, *, map_path: Path | str | None = None
) -> JudgmentInspection | None:
    """Recognise a file of experts' judgments; None when it is not one.

    A file is taken for judgments when its layout is found (:func:`detect_judgment_layout`) and
    its structure says so on its own (evalkit's experts workbook, a 17-point paper grid, a header
    of Saaty values over ticks, a 问卷星 按文本 17-point download), or some of its texts name items
    of the tree's nodes: a pair column, a pair row, the item names of an n x n matrix. A survey
    whose headers hold a "/" or "比", or whose answers repeat in rows and columns, is not taken
    for one. Never raises for the file's problems: they are in ``issues``.
    """
    path = Path(path)
    jmap = read_judgment_map(map_path, tree)
    try:
        r = read(path, tree, jmap)
    except DataError:
        return None
    plain = r.evalkit or r.grid or r.refused or r.layout == "ticked_grid"
    named = bool(r.matcher.used) or bool(r.found.pair_columns)
    if not (plain or named or jmap.layout is not None):
        return None
    decisions = list(r.decisions)
    if r.evalkit:
        experts, nodes, issues = _inspect_evalkit(path, tree, decisions)
    else:
        experts, nodes, issues = _inspect_read(r, tree, decisions)
    columns = [PairColumn(loc, head, p.node, p.a, p.b) for loc, head, p in r.found.pair_columns]
    return JudgmentInspection(
        str(path),
        r.layout,
        r.why,
        experts,
        nodes,
        columns,
        decisions,
        issues,
        proposed_map(r, tree, jmap),
    )


def _needed(tree: IndicatorTree) -> dict[str, int]:
    return {n.id: len(n.children) * (len(n.children) - 1) // 2 for n in tree.criteria()}


def _inspect_evalkit(
    path: Path, tree: IndicatorTree, decisions: list[str]
) -> tuple[list[str], dict[str, PairCount], list[Issue]]:
    need = _needed(tree)
    try:
        imp = _from_evalkit(path, tree, decisions, {})
    except DataError as exc:
        return [], {}, list(exc.issues)
    experts = list(dict.fromkeys(e for lst in imp.experts.values() for e in lst))
    return experts, {nid: PairCount(need[nid], need[nid]) for nid in imp.matrices}, list(imp.issues)


def _inspect_read(
    r: Reading, tree: IndicatorTree, decisions: list[str]
) -> tuple[list[str], dict[str, PairCount], list[Issue]]:
    need = _needed(tree)
    if not r.refused:
        assemble(tree, r.collector, r.matcher, str(r.path))
        decisions += r.matcher.decisions() + r.collector.decisions()
    col = r.collector
    experts = list(dict.fromkeys(e for per in col.data.values() for e in per))
    nodes: dict[str, PairCount] = {}
    for node in tree.criteria():
        got = {frozenset(p) for per in col.data.get(node.id, {}).values() for p in per}
        got |= {pr for nid, _e, pr in col.failed if nid == node.id}
        if got:
            nodes[node.id] = PairCount(len(got), need[node.id])
    return experts, nodes, list(r.log.issues)


def _from_evalkit(
    path: Path, tree: IndicatorTree, decisions: list[str], proposed: dict[str, Any]
) -> ImportedJudgments:
    j = load_judgments(path, tree)
    decisions.append("evalkit's own experts format: read as it is")
    matrices = {k: np.asarray(v, float) for k, v in j.matrices.items()}
    return ImportedJudgments(
        matrices,
        dict(j.experts),
        "evalkit",
        decisions,
        list(j.issues),
        j.file,
        proposed,
    )


__all__ = ["import_judgments", "inspect_judgments", "propose_judgment_map"]

"""The MAP.yaml evalkit proposes for a judgments file: what it read, pinned, so that the file
reads the same way again with ``--map``; what it could not read listed in comments at the top."""

from __future__ import annotations

from typing import Any

from ...tree import IndicatorTree
from ..platforms.mapfile import FlowList
from .mapfile import JudgmentMap
from .read import Reading


def proposed_map(r: Reading, tree: IndicatorTree, jmap: JudgmentMap) -> dict[str, Any]:
    """Keys as :func:`~.mapfile.read_judgment_map` reads them; ``_comments`` for
    :func:`~evalkit.ingest.platforms.write_map`."""
    out: dict[str, Any] = {
        "_comments": [
            f"evalkit import-judgments map proposed for {r.path.name} (layout {r.layout});",
            "check every line, then pass it with --map. nodes: <node id>:",
            "  pairs: column header -> [left item, right item] (the cell judges left over right)",
            "  items: child id -> the text, or list of texts, the file uses for it",
        ],
        "layout": r.layout,
    }
    if jmap.ignore_sheets:
        out["ignore_sheets"] = list(jmap.ignore_sheets)
    if r.evalkit or r.refused:
        return out
    nodes = _nodes(r, tree)
    if nodes:
        out["nodes"] = nodes
    experts: dict[str, Any] = {}
    columns = set(r.found.expert_columns.values())
    if jmap.expert_column is not None:
        experts["column"] = jmap.expert_column
    elif len(columns) == 1:
        experts["column"] = columns.pop()
    if jmap.expert_names:
        experts["names"] = dict(jmap.expert_names)
    if experts:
        out["experts"] = experts
    errors = [i for i in r.log.issues if i.severity == "error"]
    if r.found.unresolved or errors:
        out["_comments"].append(
            f"NOT READ ({len(errors)} problem(s) stop the import; `evalkit import-judgments` lists "
            "them all):"
        )
        for loc, text, why in r.found.unresolved[:20]:
            out["_comments"].append(f"  {loc}: {text!r}: {why}")
        if len(r.found.unresolved) > 20:
            out["_comments"].append(f"  ... and {len(r.found.unresolved) - 20} more")
    return out


def _nodes(r: Reading, tree: IndicatorTree) -> dict[str, Any]:
    """Per node: its sheet (when every node's judgments come from one sheet), the pairs of its
    columns, or the texts the file uses for its items."""
    pairs: dict[str, dict[str, FlowList]] = {}
    for _loc, header, pair in r.found.pair_columns:
        pairs.setdefault(pair.node, {})[header] = FlowList([pair.a, pair.b])
    items: dict[str, dict[str, list[str]]] = {}
    for (text, nid, cid), _how in r.matcher.used.items():
        if text != cid and not pairs:
            items.setdefault(nid, {}).setdefault(cid, []).append(text)
    sheets = r.collector.sheets
    one_sheet = bool(sheets) and all(len(v) == 1 for v in sheets.values())
    nodes: dict[str, Any] = {}
    for node in tree.criteria():
        spec: dict[str, Any] = {}
        if one_sheet and node.id in sheets:
            spec["sheet"] = next(iter(sheets[node.id]))
        kids = [c.id for c in node.children]
        got = items.get(node.id, {})
        if got:
            spec["items"] = {
                c: got[c][0] if len(got[c]) == 1 else FlowList(got[c]) for c in kids if c in got
            }
        if node.id in pairs:
            spec["pairs"] = pairs[node.id]
        if spec:
            nodes[node.id] = spec
    return nodes


__all__ = ["proposed_map"]

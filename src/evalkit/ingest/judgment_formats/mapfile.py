"""MAP.yaml of ``evalkit import-judgments``: the layout, sheets to ignore, per node the sheet, the
texts the file uses for each item and the pair each column header names, and the experts' column
and names. Read and checked against the tree; written by :func:`~.platforms.mapfile.write_map`."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...errors import DataError
from ...tree import IndicatorTree
from ...yamlio import YamlProblems, load_yaml
from .model import LAYOUTS

MAP_KEYS = {"layout", "ignore_sheets", "nodes", "experts"}
_NODE_KEYS = {"sheet", "items", "pairs"}
_EXPERT_KEYS = {"column", "names"}


@dataclass(frozen=True)
class JudgmentMap:
    """The optional MAP.yaml of ``evalkit import-judgments`` (see the README)."""

    layout: str | None = None
    ignore_sheets: tuple[str, ...] = ()
    sheets: dict[str, str] = field(default_factory=dict)  # node id -> sheet
    # node -> child -> the texts the file uses for it
    items: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    pairs: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)  # node -> header
    expert_column: str | None = None
    expert_names: dict[str, str] = field(default_factory=dict)


def _check_keys(
    err: YamlProblems,
    obj: Any,
    allowed: set[str],
    p: str,
    parent: Any = None,
    key: str | None = None,
) -> None:
    """A mapping whose keys are all *allowed* (at tree path *p*; an unknown key with the nearest
    known one); *obj* that is no mapping is a problem at the line of its *key* in *parent*."""
    if not isinstance(obj, dict):
        where, at = (parent, key) if parent is not None else (obj, None)
        err(where, at, "expected a mapping", found=obj, path=p, zh="应为映射（键: 值）")
        return
    for k in obj:
        if k not in allowed:
            near = difflib.get_close_matches(str(k), sorted(allowed), n=1, cutoff=0.6)
            err(
                obj,
                k,
                f"unknown key {k!r}",
                f"one of {sorted(allowed)}",
                k,
                f"Did you mean `{near[0]}`?" if near else "",
                path=f"{p}/{k}" if p else str(k),
                zh=f"未知的键 {k!r}",
                expected_zh=f"{sorted(allowed)} 之一",
                fix_zh=f"是否应为 `{near[0]}`？" if near else "",
            )


def read_judgment_map(path: Path | str | None, tree: IndicatorTree) -> JudgmentMap:
    """Read and check MAP.yaml against the tree; None gives the empty map."""
    if path is None:
        return JudgmentMap()
    path = Path(path)
    data = load_yaml(path, error=DataError) or {}
    err = YamlProblems(str(path), check="map")
    _check_keys(err, data, MAP_KEYS, "")
    if not isinstance(data, dict):
        err.log.raise_if_errors(DataError)
    layout = data.get("layout")
    if layout is not None and layout not in LAYOUTS:
        err(
            data,
            "layout",
            "unknown layout",
            " | ".join(LAYOUTS),
            layout,
            fix="Write one of the layouts, or delete the line and evalkit detects the layout.",
            path="layout",
            zh="未知的版式",
            fix_zh="写上其中一种版式，或删去这一行，由 evalkit 自动识别。",
        )
    ignore = data.get("ignore_sheets") or []
    if not isinstance(ignore, list):
        err(
            data,
            "ignore_sheets",
            "expected a list of sheet names",
            path="ignore_sheets",
            zh="应为工作表名称的列表",
        )
        ignore = []
    sheets, items, pairs = _nodes(err, data, tree)
    experts = data.get("experts") or {}
    _check_keys(err, experts, _EXPERT_KEYS, "experts", data, "experts")
    if not isinstance(experts, dict):
        experts = {}
    names = experts.get("names") or {}
    if not isinstance(names, dict):
        err(
            experts,
            "names",
            "expected a mapping file text: name",
            path="experts/names",
            zh="应为“文件中的文字: 专家姓名”形式的映射",
        )
        names = {}
    err.log.raise_if_errors(DataError)
    col = experts.get("column")
    return JudgmentMap(
        layout=layout,
        ignore_sheets=tuple(str(s) for s in ignore),
        sheets=sheets,
        items=items,
        pairs=pairs,
        expert_column=str(col) if col is not None else None,
        expert_names={str(k): str(v) for k, v in names.items()},
    )


def _nodes(
    err: YamlProblems, data: dict[str, Any], tree: IndicatorTree
) -> tuple[
    dict[str, str], dict[str, dict[str, tuple[str, ...]]], dict[str, dict[str, tuple[str, str]]]
]:
    """``nodes:`` of the map: per node its sheet, the texts of its items, the pairs of headers."""
    criteria = {n.id: n for n in tree.criteria()}
    sheets: dict[str, str] = {}
    items: dict[str, dict[str, tuple[str, ...]]] = {}
    pairs: dict[str, dict[str, tuple[str, str]]] = {}
    nodes = data.get("nodes") or {}
    _check_keys(err, nodes, set(criteria), "nodes", data, "nodes")
    for nid, spec in nodes.items() if isinstance(nodes, dict) else []:
        if nid not in criteria:
            continue
        p = f"nodes/{nid}"
        spec = spec or {}
        _check_keys(err, spec, _NODE_KEYS, p, nodes, nid)
        if not isinstance(spec, dict):
            continue
        kids = [c.id for c in criteria[nid].children]
        if spec.get("sheet") is not None:
            sheets[nid] = str(spec["sheet"])
        its = spec.get("items") or {}
        _check_keys(err, its, set(kids), f"{p}/items", spec, "items")
        if isinstance(its, dict):
            items[nid] = _item_texts(err, its, kids, p)
        prs = spec.get("pairs") or {}
        if not isinstance(prs, dict):
            err(
                spec,
                "pairs",
                "expected a mapping header: [row, column]",
                path=f"{p}/pairs",
                zh="应为“表头: [行题目, 列题目]”形式的映射",
            )
            prs = {}
        for header, pair in prs.items():
            ok = isinstance(pair, list) and len(pair) == 2 and all(x in kids for x in pair)
            if not ok or pair[0] == pair[1]:
                err(
                    prs,
                    header,
                    "a pair must name two different children of the node",
                    f"[row item, column item] from {kids}",
                    pair,
                    path=f"{p}/pairs/{header}",
                    zh="一对须是该节点的两个不同子项",
                    expected_zh=f"[行题目, 列题目]，取自 {kids}",
                )
                continue
            pairs.setdefault(nid, {})[str(header)] = (str(pair[0]), str(pair[1]))
    return sheets, items, pairs


def _item_texts(
    err: YamlProblems, its: dict[str, Any], kids: list[str], p: str
) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for k, v in its.items():
        texts = v if isinstance(v, list) else [v]
        if k not in kids:
            continue
        if not texts or any(t is None or isinstance(t, (dict, list)) for t in texts):
            err(
                its,
                k,
                f"item {k} needs the text the file uses for it",
                "a text, or a list of texts",
                v,
                path=f"{p}/items/{k}",
                zh=f"子项 `{k}` 需要写明文件中用来指它的文字",
                expected_zh="一段文字，或文字的列表",
            )
            continue
        out[str(k)] = tuple(str(t) for t in texts)
    return out


def is_judgment_map(path: Path | str) -> bool:
    """True when a YAML file is an ``import-judgments`` MAP.yaml (its keys are all of that map:
    layout, ignore_sheets, nodes, experts), not an ``import`` map."""
    try:
        data = load_yaml(Path(path), error=DataError)
    except DataError:
        return False
    return isinstance(data, dict) and bool(data) and set(map(str, data)) <= MAP_KEYS


__all__ = ["MAP_KEYS", "JudgmentMap", "is_judgment_map", "read_judgment_map"]

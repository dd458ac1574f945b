"""Reading a tree file: ``load_tree(path)`` reads the YAML described in docs/formats.md, checks it
completely and raises one :class:`~evalkit.errors.TreeError` listing every problem with its YAML
line and tree path.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Any

from ..errors import Issue, Location, TreeError
from ..yamlio import LineDict, line_of, load_yaml, schema_issue
from .check import _Checker, _names, _number
from .model import (
    AGGREGATES,
    BASES,
    ID_RE,
    LEVEL_RULES,
    RECORDS,
    SCALE_BASIS,
    IndicatorTree,
    Item,
    Level,
    Node,
    Scale,
    Source,
)

# the keys each part of a tree file may have (docs/formats.md); `confirm: true` marks a guess of
# `evalkit init --from-export` that a person still has to check
TREE_KEYS = (
    "schema_version",
    "id",
    "title",
    "scales",
    "levels",
    "level_rule",
    "level_basis",
    "level_note",
    "goal",
    "confirm",
)
SCALE_KEYS = ("values", "labels", "confirm")
LEVEL_KEYS = ("id", "name", "min_score", "description")
CRITERION_KEYS = ("id", "name", "description", "basis", "weight", "children", "confirm")
INDICATOR_ONLY_KEYS = (
    "direction",
    "direction_note",
    "unit",
    "goalposts",
    "source",
    "record",
    "measures",
)
NODE_KEYS = (*CRITERION_KEYS, *INDICATOR_ONLY_KEYS)  # and an indicator's
SOURCE_KEYS = ("survey", "statistic")
SURVEY_KEYS = ("scale", "items")
ITEM_KEYS = ("id", "zh", "en", "reverse", "measures")
PLAIN_KEYS = ("column", "aggregate")
RATIO_KEYS = ("numerator", "denominator", "multiplier")
GOALPOST_KEYS = ("worst", "best", "basis", "note")


def _parse_scales(c: _Checker, raw: Any) -> dict[str, Scale]:
    scales: dict[str, Scale] = {}
    if not isinstance(raw, dict) or not raw:
        c.err(
            raw,
            None,
            "scales",
            "`scales` must map scale ids to {values, labels}",
            zh="`scales` 须把量表编号映射到 {values, labels}",
        )
        return scales
    for sid, spec in raw.items():
        path = f"scales/{sid}"
        c.keys(spec, SCALE_KEYS, path, f"scale {sid}", f"量表 {sid}")
        c.confirm(spec, path)
        if not isinstance(spec, dict):
            c.err(
                raw,
                sid,
                path,
                "a scale must be a mapping",
                "{values: [...], labels: ...}",
                zh="量表须为映射（键: 值）",
            )
            continue
        values = spec.get("values")
        if (
            not isinstance(values, list)
            or len(values) < 2
            or any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in values)
        ):
            c.err(
                spec,
                "values",
                path,
                "`values` must list at least two numbers",
                found=values,
                zh="`values` 须列出至少两个数",
            )
            continue
        if sorted(values) != list(values) or len(set(values)) != len(values):
            c.err(
                spec,
                "values",
                path,
                "`values` must be strictly increasing",
                found=values,
                zh="`values` 须严格递增",
            )
        labels: dict[str, tuple[str, ...]] = {}
        raw_labels = spec.get("labels") or {}
        if not isinstance(raw_labels, dict):
            c.err(
                spec,
                "labels",
                path,
                "`labels` must map a language to the texts of the values",
                "{zh: [...], en: [...]}",
                raw_labels,
                zh="`labels` 须按语言给出各取值的文字",
            )
            raw_labels = {}
        for lang, labs in raw_labels.items():
            if not isinstance(labs, list) or len(labs) != len(values):
                c.err(
                    raw_labels,
                    lang,
                    f"{path}/labels/{lang}",
                    "labels must list one text per value",
                    f"{len(values)} labels",
                    labs,
                    zh="选项文字须与取值一一对应",
                    expected_zh=f"{len(values)} 个选项文字",
                )
                continue
            odd = [x for x in labs if isinstance(x, (bool, dict, list)) or x is None]
            if odd:
                c.err(
                    labs,
                    None,
                    f"{path}/labels/{lang}",
                    "a label must be a text",
                    found=odd[0],
                    fix="YAML reads yes/no/true/false/on/off as true or false and an empty "
                    "entry as null: put such labels in quotes.",
                    zh="选项文字须为文字",
                    fix_zh="YAML 会把 yes/no/true/false/on/off 读作真假值、把空项读作 null："
                    "请给这样的选项文字加引号。",
                )
                continue
            labels[str(lang)] = tuple(str(x) for x in labs)
        scales[str(sid)] = Scale(str(sid), tuple(float(v) for v in values), labels)
    return scales


def _parse_levels(c: _Checker, raw: Any) -> tuple[Level, ...]:
    if not isinstance(raw, list) or not raw:
        c.err(
            raw,
            None,
            "levels",
            "`levels` must list the maturity levels",
            "a list of levels",
            zh="`levels` 须列出各成熟度等级",
            expected_zh="等级列表",
        )
        return ()
    levels: list[Level] = []
    for i, spec in enumerate(raw, start=1):
        path = f"levels/{i}"
        if not isinstance(spec, dict):
            c.err(raw, None, path, "a level must be a mapping", zh="等级须为映射（键: 值）")
            continue
        c.keys(spec, LEVEL_KEYS, path, "a level", "等级")
        lid = c.text(spec, "id", path, "a text", "一段文字") or f"level{i}"
        mn = _number(c, spec, "min_score", path)
        levels.append(
            Level(
                i,
                lid,
                _names(c, spec, "name", path),
                mn,
                _names(c, spec, "description", path, required=False),
            )
        )
    mins = [lv.min_score for lv in levels]
    if mins and mins[0] != 0:
        c.err(
            raw[0],
            "min_score",
            "levels/1",
            "the first level must start at 0",
            "0",
            mins[0],
            zh="第一个等级须从 0 分开始",
        )
    for a, b, spec in zip(mins, mins[1:], raw[1:], strict=False):
        if not b > a:
            c.err(
                spec,
                "min_score",
                "levels",
                "levels must be ordered by increasing min_score",
                f"more than {a}",
                b,
                zh="各等级须按 min_score 从小到大排列",
                expected_zh=f"大于 {a}",
            )
    if mins and mins[-1] >= 100:
        c.err(
            raw[-1],
            "min_score",
            "levels",
            "the last level must start below 100",
            "< 100",
            mins[-1],
            zh="最后一个等级的起点须低于 100 分",
        )
    return tuple(levels)


def _parse_source(
    c: _Checker, spec: LineDict, path: str, scales: dict[str, Scale], seen: set[str]
) -> Source | None:
    """An indicator's `source`: exactly one of `survey` or `statistic`, each checked."""
    src = spec.get("source")
    if not isinstance(src, dict):
        c.err(
            spec,
            "source",
            path,
            "an indicator needs a `source`",
            "survey: ... or statistic: ...",
            zh="指标须有 `source`",
            expected_zh="survey: ... 或 statistic: ...",
        )
        return None
    c.keys(src, SOURCE_KEYS, path, "`source`", "`source`")
    kinds = [k for k in ("survey", "statistic") if k in src]
    if len(kinds) != 1:
        c.err(
            src,
            None,
            path,
            "`source` must have exactly one of `survey` or `statistic`",
            found=list(src.keys()),
            zh="`source` 须有且只有 `survey` 或 `statistic` 之一",
        )
        return None
    body = src[kinds[0]]
    if not isinstance(body, dict):
        c.err(src, kinds[0], path, f"`{kinds[0]}` must be a mapping", zh=f"`{kinds[0]}` 须为映射")
        return None
    if kinds[0] == "survey":
        return _parse_survey(c, body, path, scales, seen)
    return _parse_statistic(c, body, path)


def _parse_survey(
    c: _Checker, body: LineDict, path: str, scales: dict[str, Scale], seen: set[str]
) -> Source | None:
    """`survey: {scale, items}`: a known scale and at least one item."""
    c.keys(body, SURVEY_KEYS, path, "`survey`", "`survey`")
    scale = c.text(body, "scale", path, "a scale id (a text)", "量表编号（文字）") or ""
    if scale not in scales:
        c.err(
            body,
            "scale",
            path,
            "unknown scale",
            f"one of {sorted(scales)}",
            scale,
            zh="未定义的量表",
            expected_zh=f"{sorted(scales)} 之一",
        )
    raw_items = body.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        c.err(
            body,
            "items",
            path,
            "a survey indicator needs `items`",
            "a list of items",
            zh="问卷类指标须有 `items`",
            expected_zh="题目列表",
        )
        return None
    items = [_parse_item(c, it, raw_items, path, seen) for it in raw_items]
    return Source("survey", scale=scale, items=tuple(it for it in items if it is not None))


def _parse_item(c: _Checker, it: Any, raw_items: Any, path: str, seen: set[str]) -> Item | None:
    """One survey item: a unique id, texts in both languages, `reverse` true or false."""
    if not isinstance(it, dict) or "id" not in it:
        c.err(
            raw_items,
            None,
            path,
            "an item needs an `id`",
            "{id: ..., zh: ..., en: ...}",
            zh="题目须有 `id`",
        )
        return None
    iid = str(it["id"])
    ipath = f"{path}/{iid}"
    c.keys(it, ITEM_KEYS, ipath, f"item {iid}", f"题目 {iid}")
    if not isinstance(it["id"], str) or not ID_RE.match(iid):
        c.err(
            it,
            "id",
            ipath,
            "invalid item id",
            "letters, digits and _",
            iid,
            zh="题目编号无效",
            expected_zh="字母、数字和 _（以字母开头）",
        )
    if iid in seen:
        c.err(
            it,
            "id",
            ipath,
            "duplicate id",
            "ids unique across nodes and items",
            iid,
            zh="编号重复",
            expected_zh="所有节点和题目的编号互不相同",
        )
    seen.add(iid)
    text = {lang: c.text(it, lang, ipath, "a text", "一段文字") or "" for lang in ("zh", "en")}
    for lang, t in text.items():
        if not t.strip():
            c.err(
                it,
                None,
                ipath,
                f"item text `{lang}` is missing",
                "a text",
                zh=f"缺少题目文字 `{lang}`",
                expected_zh="一段文字",
            )
    rev = it.get("reverse", False)
    if not isinstance(rev, bool):
        c.err(
            it,
            "reverse",
            ipath,
            "`reverse` must be true or false",
            found=rev,
            zh="`reverse` 须为 true 或 false",
        )
        rev = False
    return Item(iid, text, rev, _measures(c, it, ipath))


def _parse_statistic(c: _Checker, body: LineDict, path: str) -> Source:
    """`statistic:` a ratio (numerator, denominator, multiplier) or a plain column (column,
    aggregate), never keys of both kinds."""
    ratio = "numerator" in body or "denominator" in body
    c.keys(body, (*PLAIN_KEYS, *RATIO_KEYS), path, "`statistic`", "`statistic`")
    mixed = [k for k in (PLAIN_KEYS if ratio else RATIO_KEYS[2:]) if k in body]
    for key in mixed:
        c.err(
            body,
            key,
            path,
            f"`{key}` does not belong to a {'ratio' if ratio else 'plain'} statistic",
            "numerator, denominator, multiplier" if ratio else "column, aggregate",
            expected_zh="numerator、denominator、multiplier" if ratio else "column、aggregate",
            fix="A ratio is multiplier × Σnumerator / Σdenominator; a plain statistic aggregates "
            "one column: give the keys of one kind.",
            zh=f"`{key}` 不属于{'比率' if ratio else '单列'}统计指标",
            fix_zh="比率指标为 multiplier × Σnumerator / Σdenominator，单列指标汇总一列：只给出"
            "其中一种的键。",
        )
    return _parse_ratio(c, body, path) if ratio else _parse_plain(c, body, path)


def _parse_ratio(c: _Checker, body: LineDict, path: str) -> Source:
    """A ratio statistic: multiplier × Σnumerator / Σdenominator."""
    num = c.text(body, "numerator", path, "a column id (a text)", "列编号（文字）") or ""
    den = c.text(body, "denominator", path, "a column id (a text)", "列编号（文字）") or ""
    for key, col in (("numerator", num), ("denominator", den)):
        if not isinstance(body.get(key), str) or not ID_RE.match(col):
            c.err(
                body,
                key,
                path,
                f"`{key}` must name a stations column",
                "a column id",
                col,
                zh=f"`{key}` 须为派出所统计表中的列名",
                expected_zh="列编号",
            )
    mult = body.get("multiplier", 1)
    if isinstance(mult, bool) or not isinstance(mult, (int, float)) or mult <= 0:
        c.err(
            body,
            "multiplier",
            path,
            "`multiplier` must be a positive number",
            found=mult,
            zh="`multiplier` 须为正数",
        )
        mult = 1
    return Source("statistic", numerator=num, denominator=den, multiplier=float(mult))


def _parse_plain(c: _Checker, body: LineDict, path: str) -> Source:
    """A plain statistic: one column aggregated over the stations (mean, sum, max, min)."""
    col = str(body.get("column", ""))
    if not isinstance(body.get("column"), str) or not ID_RE.match(col):
        c.err(
            body,
            "column",
            path,
            "`column` must name a stations column",
            "a column id",
            col,
            zh="`column` 须为派出所统计表中的列名",
            expected_zh="列编号",
        )
    agg = str(body.get("aggregate", "mean"))
    if agg not in AGGREGATES:
        c.err(
            body,
            "aggregate",
            path,
            "unknown aggregate",
            f"one of {list(AGGREGATES)}",
            agg,
            zh="未知的汇总方式",
            expected_zh=f"{list(AGGREGATES)} 之一",
        )
    return Source("statistic", column=col, aggregate=agg)


def _node_id(c: _Checker, spec: LineDict, parent_path: str, seen: set[str]) -> tuple[str, str]:
    """A node's id (valid, unique across nodes and items) and its tree path."""
    nid = str(spec.get("id", ""))
    path = f"{parent_path}/{nid}" if parent_path else nid
    c.keys(spec, NODE_KEYS, path, "a node", "节点")
    c.confirm(spec, path)
    if not isinstance(spec.get("id"), str) or not ID_RE.match(nid):
        c.err(
            spec,
            "id",
            path,
            "invalid or missing node id",
            "letters, digits and _",
            nid,
            zh="节点编号无效或缺失",
            expected_zh="字母、数字和 _（以字母开头）",
        )
    if nid in seen:
        c.err(
            spec,
            "id",
            path,
            "duplicate id",
            "ids unique across nodes and items",
            nid,
            zh="编号重复",
            expected_zh="所有节点和题目的编号互不相同",
        )
    seen.add(nid)
    return nid, path


def _fixed_weight(c: _Checker, spec: LineDict, path: str) -> float | None:
    """The node's fixed local `weight`, a positive number, or None."""
    weight = spec.get("weight")
    if weight is not None and (
        isinstance(weight, bool) or not isinstance(weight, (int, float)) or not weight > 0
    ):
        c.err(
            spec,
            "weight",
            path,
            "`weight` must be a positive number",
            found=weight,
            zh="`weight` 须为正数",
        )
        return None
    return weight


def _check_sibling_weights(c: _Checker, spec: LineDict, path: str, kids: tuple[Node, ...]) -> None:
    """Fixed weights are given for all siblings or none, and sum to 1."""
    given = [ch.weight for ch in kids]
    if not any(w is not None for w in given):
        return
    if any(w is None for w in given):
        c.err(
            spec,
            "children",
            path,
            "fixed weights must be given for all siblings or none",
            found=f"{sum(w is not None for w in given)} of {len(given)} given",
            zh="同级节点的固定权重须全部给出或全部不给",
        )
    elif abs(sum(given) - 1) > 1e-6:  # type: ignore[arg-type]
        c.err(
            spec,
            "children",
            path,
            "fixed weights of siblings must sum to 1",
            "1",
            round(sum(given), 6),  # type: ignore[arg-type]
            zh="同级节点的固定权重之和须为 1",
        )


def _parse_node(
    c: _Checker,
    spec: Any,
    parent_path: str,
    depth: int,
    scales: dict[str, Scale],
    seen: set[str],
) -> Node | None:
    """A node: a criterion (with `children`, parsed depth first) or an indicator."""
    if not isinstance(spec, dict):
        c.err(
            spec,
            None,
            parent_path,
            "a node must be a mapping",
            "{id: ..., name: ...}",
            spec,
            zh="节点须为映射（键: 值）",
        )
        return None
    nid, path = _node_id(c, spec, parent_path, seen)
    name = _names(c, spec, "name", path)
    description = _names(c, spec, "description", path, required=False)
    basis = _names(c, spec, "basis", path, required=False)
    weight = _fixed_weight(c, spec, path)
    raw_children = spec.get("children")
    if raw_children is not None:
        if not isinstance(raw_children, list) or not raw_children:
            c.err(
                spec,
                "children",
                path,
                "`children` must be a non-empty list",
                zh="`children` 须为非空列表",
            )
            return None
        children = [_parse_node(c, ch, path, depth + 1, scales, seen) for ch in raw_children]
        kids = tuple(ch for ch in children if ch is not None)
        _check_sibling_weights(c, spec, path, kids)
        _check_criterion_keys(c, spec, path)
        return Node(
            nid,
            name,
            path,
            depth,
            kids,
            description,
            weight=weight,
            line=line_of(spec),
            basis=basis,
        )
    if depth == 0:
        c.err(spec, None, path, "the goal needs `children`", zh="目标层须有 `children`")
        return None
    source = _parse_source(c, spec, path, scales, seen)
    direction = c.text(spec, "direction", path, "benefit or cost", "benefit 或 cost") or ""
    if direction not in ("benefit", "cost"):
        c.err(
            spec,
            "direction",
            path,
            "invalid direction",
            "benefit or cost",
            direction or "none",
            zh="指标方向无效",
            expected_zh="benefit（正向）或 cost（逆向）",
        )
        direction = "benefit"
    unit = _names(c, spec, "unit", path, required=False)
    worst, best, gp_basis, note = _parse_goalposts(c, spec, path, source, direction, scales)
    return Node(
        nid,
        name,
        path,
        depth,
        (),
        description,
        direction,
        unit,
        worst,
        best,
        source,
        weight,
        line_of(spec),
        gp_basis,
        note,
        basis,
        _names(c, spec, "direction_note", path, required=False),
        _record(c, spec, path, source),
        _measures(c, spec, path),
    )


def _check_criterion_keys(c: _Checker, spec: LineDict, path: str) -> None:
    """A node with children takes none of an indicator's keys (source, record, direction_note,
    measures)."""
    if "measures" in spec:
        c.err(
            spec,
            "measures",
            path,
            "only an indicator or a survey item can declare `measures`",
            fix="Move `measures` to the indicators or items that measure the same thing.",
            zh="只有指标或问卷题目可以声明 `measures`",
            fix_zh="请把 `measures` 写到测量同一内容的指标或题目下。",
        )
    for key in ("source", "record", "direction_note"):
        if key in spec:
            c.err(
                spec,
                key,
                path,
                f"a node with children cannot have a `{key}`",
                zh=f"有下级节点的节点不能有 `{key}`",
            )


def _record(c: _Checker, spec: LineDict, path: str, source: Source | None) -> str:
    """Who keeps a statistic indicator's figures (``record: station | bureau``); a survey
    indicator's figures are its answers and take no ``record``."""
    if "record" not in spec:
        return ""
    if source is not None and source.kind == "survey":
        c.err(
            spec,
            "record",
            path,
            "a survey indicator takes no `record` (its figures are the answers)",
            zh="问卷类指标不用 `record`（其数据即问卷作答）",
            fix="Remove `record:` or give the indicator a `statistic` source.",
            fix_zh="删去 `record:`，或将指标来源改为 `statistic`。",
        )
        return ""
    return _choice(c, spec, "record", path, RECORDS) or ""


def _measures(c: _Checker, obj: LineDict, path: str) -> tuple[str, ...]:
    """``measures:``: one text or a list of texts naming what an indicator or item measures
    (keys shared by two of them declare that they measure the same thing); () when absent."""
    value = obj.get("measures")
    if value is None:
        return ()
    texts = value if isinstance(value, list) else [value]
    good = [t for t in texts if isinstance(t, str) and t.strip()]
    if len(good) != len(texts) or not texts:
        c.err(
            obj,
            "measures",
            path,
            "`measures` must be a text or a list of texts",
            "a key such as beat_time, or [beat_time, visits]",
            value,
            fix="Name what is measured in a word; put a number or yes/no in quotes.",
            zh="`measures` 须为一段文字或文字列表",
            expected_zh="如 beat_time 的名称，或 [beat_time, visits]",
            fix_zh="请用一个词说明测量的内容；数字或 yes/no 请加引号。",
        )
    return tuple(t.strip() for t in good)


def _parse_goalposts(
    c: _Checker,
    spec: LineDict,
    path: str,
    source: Source | None,
    direction: str,
    scales: dict[str, Scale],
) -> tuple[float, float, str, dict[str, str]]:
    """An indicator's (worst, best, basis, note): given, or a survey scale's ends (reversed for
    cost; basis ``scale``)."""
    gp = spec.get("goalposts")
    worst = best = math.nan
    basis, note = "", {}
    c.keys(gp, GOALPOST_KEYS, path, "`goalposts`", "`goalposts`")
    if isinstance(gp, dict):
        worst, best = _number(c, gp, "worst", path), _number(c, gp, "best", path)
        basis = _choice(c, gp, "basis", path, BASES) or ""
        note = _names(c, gp, "note", path, required=False)
    elif gp is not None:
        c.err(
            spec,
            "goalposts",
            path,
            "`goalposts` must be {worst: ..., best: ...}",
            found=gp,
            zh="`goalposts` 须为 {worst: ..., best: ...}",
        )
    elif source is not None and source.kind == "survey" and source.scale in scales:
        sc = scales[source.scale]
        worst, best = (sc.low, sc.high) if direction == "benefit" else (sc.high, sc.low)
        basis = SCALE_BASIS
    else:
        c.err(
            spec,
            None,
            path,
            "a statistic indicator needs `goalposts`",
            "{worst: ..., best: ...}",
            zh="统计类指标须有 `goalposts`",
        )
    _check_goalposts(c, gp or spec, path, direction, worst, best)
    return worst, best, basis, note


def _choice(c: _Checker, obj: Any, key: str, path: str, options: tuple[str, ...]) -> str | None:
    """``obj[key]``, one of *options* (a word); None when absent or not one of them."""
    value = c.text(obj, key, path, " | ".join(options), " | ".join(options))
    if value is None:
        return None
    if value not in options:
        c.err(
            obj,
            key,
            path,
            f"unknown `{key}`",
            " | ".join(options),
            value,
            zh=f"未知的 `{key}`",
            fix=f"Write one of {', '.join(options)}.",
            fix_zh=f"请写 {'、'.join(options)} 之一。",
        )
        return None
    return value


def _check_goalposts(
    c: _Checker, where: Any, path: str, direction: str, worst: float, best: float
) -> None:
    """Goalposts differ, and point the indicator's way (benefit: best > worst; cost: best <
    worst)."""
    if not (math.isfinite(worst) and math.isfinite(best)):
        return
    if worst == best:
        c.err(
            where,
            None,
            path,
            "goalposts worst and best are equal",
            "different",
            worst,
            zh="goalposts 的 worst 与 best 相等",
            expected_zh="两者不同",
        )
    elif direction == "benefit" and not best > worst:
        c.err(
            where,
            None,
            path,
            "a benefit indicator needs best > worst",
            "best > worst",
            f"worst={worst}, best={best}",
            zh="正向指标须 best > worst",
        )
    elif direction == "cost" and not best < worst:
        c.err(
            where,
            None,
            path,
            "a cost indicator needs best < worst",
            "best < worst",
            f"worst={worst}, best={best}",
            zh="逆向指标须 best < worst",
        )


def load_tree(path: Path | str) -> IndicatorTree:
    """Read and check an indicator tree; raise TreeError listing every problem."""
    path = Path(path)
    raw = load_yaml(path, error=TreeError)
    c = _Checker(str(path))
    if not isinstance(raw, dict):
        raise TreeError(
            [
                Issue(
                    Location(file=str(path)),
                    "the tree file must be a YAML mapping",
                    message_zh="指标体系文件须为 YAML 映射（键: 值）",
                    check="tree",
                )
            ]
        )
    c.keys(raw, TREE_KEYS, "", "", "")
    c.confirm(raw, "")
    bad_version = schema_issue(raw, file=str(path), what="tree", what_zh="指标体系文件")
    if bad_version is not None:
        c.issues.append(dataclasses.replace(bad_version, check="tree"))
    scales = _parse_scales(c, raw.get("scales"))
    levels = _parse_levels(c, raw.get("levels"))
    level_rule = _choice(c, raw, "level_rule", "level_rule", LEVEL_RULES) or "total"
    level_basis = _choice(c, raw, "level_basis", "level_basis", BASES) or ""
    level_note = _names(c, raw, "level_note", "level_note", required=False)
    seen: set[str] = set()
    goal = _parse_node(c, raw.get("goal"), "", 0, scales, seen) if "goal" in raw else None
    if goal is None and "goal" not in raw:
        c.err(raw, None, "", "missing `goal`", "goal: {id, name, children}", zh="缺少 `goal`")
    title = _names(c, raw, "title", "title")
    if c.issues or goal is None:
        raise TreeError(c.issues, summary=f"{len(c.issues)} problem(s) in the tree {path}")
    tree_id = c.text(raw, "id", "", "a text", "一段文字")
    if c.issues:
        raise TreeError(c.issues, summary=f"{len(c.issues)} problem(s) in the tree {path}")
    return IndicatorTree(
        tree_id or goal.id,
        title,
        goal,
        scales,
        levels,
        str(path),
        level_rule,
        level_basis,
        level_note,
    )


__all__ = ["load_tree"]

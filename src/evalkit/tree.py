"""The indicator tree: goal > criteria (any depth) > indicators, with scales and maturity levels.

``load_tree(path)`` reads the YAML described in docs/formats.md, checks it completely and raises one
:class:`~evalkit.errors.TreeError` listing every problem with its YAML line and tree path.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .errors import Issue, Location, TreeError
from .yamlio import (
    LineDict,
    LineList,
    YamlProblems,
    line_of,
    load_yaml,
    schema_issue,
    unknown_keys,
)

ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
AGGREGATES = ("mean", "sum", "max", "min")
# the keys each part of a tree file may have (docs/formats.md); `confirm: true` marks a guess of
# `evalkit init --from-export` that a person still has to check
TREE_KEYS = ("schema_version", "id", "title", "scales", "levels", "goal", "confirm")
SCALE_KEYS = ("values", "labels", "confirm")
LEVEL_KEYS = ("id", "name", "min_score", "description")
CRITERION_KEYS = ("id", "name", "description", "weight", "children", "confirm")
NODE_KEYS = (*CRITERION_KEYS, "direction", "unit", "goalposts", "source")  # and an indicator's
SOURCE_KEYS = ("survey", "statistic")
SURVEY_KEYS = ("scale", "items")
ITEM_KEYS = ("id", "zh", "en", "reverse")
PLAIN_KEYS = ("column", "aggregate")
RATIO_KEYS = ("numerator", "denominator", "multiplier")
GOALPOST_KEYS = ("worst", "best")


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


# ---- loading ----------------------------------------------------------------------------------


class _Checker:
    """The tree's problems, filed through :class:`~evalkit.yamlio.YamlProblems` with the tree
    path of each (``err(obj, key, path, message, expected, found, fix, zh=..., ...)``)."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems = YamlProblems(file, check="tree")
        self.issues = self.problems.issues

    def err(
        self, obj: Any, key: str | None, path: str, message: str, *args: Any, **kw: Any
    ) -> None:
        self.problems(obj, key, message, *args, path=path, **kw)

    def keys(
        self, obj: Any, allowed: tuple[str, ...], path: str, where: str, where_zh: str
    ) -> None:
        """Unknown keys of *obj* (with the nearest known one), each at its line."""
        self.issues += [
            dataclasses.replace(i, check="tree")
            for i in unknown_keys(
                obj, allowed, file=self.file, where=where, where_zh=where_zh, path=path
            )
        ]

    def text(self, obj: Any, key: str, path: str, what: str, what_zh: str) -> str | None:
        """``obj[key]`` as a text (a number is taken as its text); None when absent. A list, a
        mapping or true/false is a problem: YAML reads an unquoted yes/no/on/off as true/false."""
        value = obj.get(key) if isinstance(obj, dict) else None
        if value is None:
            return None
        if isinstance(value, str):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        boolean = isinstance(value, bool)
        self.err(
            obj,
            key,
            path,
            f"`{key}` must be {what}",
            found=value,
            fix="YAML reads yes/no/true/false/on/off as true or false: put the text in quotes."
            if boolean
            else "Write one text.",
            zh=f"`{key}` 须为{what_zh}",
            fix_zh="YAML 会把 yes/no/true/false/on/off 读作真假值：请给文字加引号。"
            if boolean
            else "请只写一段文字。",
        )
        return None

    def confirm(self, obj: Any, path: str) -> None:
        """`confirm:` is true or false."""
        if isinstance(obj, dict) and "confirm" in obj and not isinstance(obj["confirm"], bool):
            self.err(
                obj,
                "confirm",
                path,
                "`confirm` must be true or false",
                found=obj["confirm"],
                zh="`confirm` 须为 true 或 false",
            )


def _names(c: _Checker, obj: Any, key: str, path: str, required: bool = True) -> dict[str, str]:
    value = obj.get(key) if isinstance(obj, dict) else None
    if value is None:
        if required:
            c.err(obj, None, path, f"missing `{key}`", "{zh: ..., en: ...}", zh=f"缺少 `{key}`")
        return {}
    if isinstance(value, str):
        if required:
            c.err(
                obj,
                key,
                path,
                f"`{key}` must give both languages",
                "{zh: ..., en: ...}",
                value,
                zh=f"`{key}` 须同时给出中文和英文",
            )
        return {"zh": value, "en": value}
    if not isinstance(value, dict):
        c.err(
            obj,
            key,
            path,
            f"`{key}` must be a mapping",
            "{zh: ..., en: ...}",
            value,
            zh=f"`{key}` 须为映射（键: 值）",
        )
        return {}
    for k in value:
        if k not in ("zh", "en"):
            comma = value.get(k) is None
            hint = (
                f"A comma ends a text inside {{zh: ..., en: ...}}: quote a text that holds one "
                f'(en: "items per 1,000 residents"); `{k}` is what followed a comma.'
                if comma
                else "Give the texts as {zh: ..., en: ...}."
            )
            hint_zh = (
                "在 {zh: ..., en: ...} 中逗号会结束一段文字：含逗号的文字须加引号"
                f'（en: "items per 1,000 residents"）；`{k}` 是逗号后面的部分。'
                if comma
                else "请按 {zh: ..., en: ...} 给出文字。"
            )
            c.err(
                value,
                k,
                path,
                f"`{key}` has an unknown language key `{k}`",
                "zh and en",
                k,
                hint,
                zh=f"`{key}` 中有未知的语言键 `{k}`",
                expected_zh="zh 和 en",
                fix_zh=hint_zh,
            )
    out = {
        str(k): t
        for k in ("zh", "en")
        if (t := c.text(value, k, path, "a text", "一段文字")) is not None
    }
    if required:
        for lang in ("zh", "en"):
            if not out.get(lang, "").strip():
                c.err(
                    value,
                    None,
                    path,
                    f"`{key}.{lang}` is missing or empty",
                    "a text",
                    zh=f"`{key}.{lang}` 缺失或为空",
                    expected_zh="一段文字",
                )
    return out


def _number(c: _Checker, obj: Any, key: str, path: str) -> float:
    value = obj.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        c.err(
            obj,
            key,
            path,
            f"`{key}` must be a number",
            "a finite number",
            value,
            "Write the number without quotes." if _quoted_number(value) else "",
            zh=f"`{key}` 须为数值",
            expected_zh="一个有限的数",
            fix_zh="数字不要加引号。" if _quoted_number(value) else "",
        )
        return math.nan
    return float(value)


def _quoted_number(value: Any) -> bool:
    """A number written in quotes (``min_score: "60"``), which YAML reads as a text."""
    if not isinstance(value, str):
        return False
    try:
        return math.isfinite(float(value))
    except ValueError:
        return False


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
        items: list[Item] = []
        for it in raw_items:
            if not isinstance(it, dict) or "id" not in it:
                c.err(
                    raw_items,
                    None,
                    path,
                    "an item needs an `id`",
                    "{id: ..., zh: ..., en: ...}",
                    zh="题目须有 `id`",
                )
                continue
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
            text = {
                lang: c.text(it, lang, ipath, "a text", "一段文字") or "" for lang in ("zh", "en")
            }
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
            items.append(Item(iid, text, rev))
        return Source("survey", scale=scale, items=tuple(items))
    # statistic
    ratio = "numerator" in body or "denominator" in body
    c.keys(
        body,
        (*PLAIN_KEYS, *RATIO_KEYS),
        path,
        "`statistic`",
        "`statistic`",
    )
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
    if ratio:
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


def _parse_node(
    c: _Checker,
    spec: Any,
    parent_path: str,
    depth: int,
    scales: dict[str, Scale],
    seen: set[str],
) -> Node | None:
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
    name = _names(c, spec, "name", path)
    description = _names(c, spec, "description", path, required=False)
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
        weight = None
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
        given = [ch.weight for ch in kids]
        if any(w is not None for w in given):
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
        if "source" in spec:
            c.err(
                spec,
                "source",
                path,
                "a node with children cannot have a `source`",
                zh="有下级节点的节点不能有 `source`",
            )
        return Node(nid, name, path, depth, kids, description, weight=weight, line=line_of(spec))
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
    gp = spec.get("goalposts")
    worst = best = math.nan
    c.keys(gp, GOALPOST_KEYS, path, "`goalposts`", "`goalposts`")
    if isinstance(gp, dict):
        worst, best = _number(c, gp, "worst", path), _number(c, gp, "best", path)
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
    else:
        c.err(
            spec,
            None,
            path,
            "a statistic indicator needs `goalposts`",
            "{worst: ..., best: ...}",
            zh="统计类指标须有 `goalposts`",
        )
    if math.isfinite(worst) and math.isfinite(best):
        if worst == best:
            c.err(
                gp or spec,
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
                gp or spec,
                None,
                path,
                "a benefit indicator needs best > worst",
                "best > worst",
                f"worst={worst}, best={best}",
                zh="正向指标须 best > worst",
            )
        elif direction == "cost" and not best < worst:
            c.err(
                gp or spec,
                None,
                path,
                "a cost indicator needs best < worst",
                "best < worst",
                f"worst={worst}, best={best}",
                zh="逆向指标须 best < worst",
            )
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
    return IndicatorTree(tree_id or goal.id, title, goal, scales, levels, str(path))


__all__ = ["IndicatorTree", "Item", "Level", "LineDict", "LineList", "Node", "Scale", "load_tree"]

"""Weak points and the countermeasures that answer them.

The weakest indicators of a unit are those where the most points of the total are lost:
``gap = global_weight * (100 - score)``. A recommendation of the library fires when its condition
holds (an indicator below a score, its dimension below a score, or the overall level at most a
level); fired recommendations are ordered by priority, then by the points lost on the indicators
they address, at most ``per_dimension`` per dimension and ``limit`` in all.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import Issue, Location, SpecError
from ..tree import IndicatorTree
from ..yamlio import line_of, load_yaml, schema_issue, unknown_keys

PRIORITY_ORDER = {"high": 0, "medium": 1, "low": 2}
CONDITIONS = ("indicator_below", "dimension_below", "level_at_most")
LIBRARY_KEYS = ("schema_version", "tree", "recommendations")
RULE_KEYS = ("id", "dimension", "indicators", "when", "priority", "text")


@dataclass(frozen=True)
class RecommendationRule:
    id: str
    dimension: str
    indicators: tuple[str, ...]
    condition: str
    threshold: float
    priority: str
    text: dict[str, str]


def load_recommendations(path: Path, tree: IndicatorTree) -> list[RecommendationRule]:
    """Read the library; every problem is reported at once with its YAML line: unknown keys
    (with the nearest known one), an unsupported ``schema_version``, unknown ids, dimensions and
    conditions, and values of the wrong type (a threshold in quotes, a text where a list of
    indicators belongs, true/false where a text does)."""
    raw = load_yaml(path, error=SpecError)
    file = str(path)
    issues: list[Issue] = []
    known = {n.id for n in tree.nodes()}
    dims = {d.id for d in tree.dimensions} | {"overall"}
    rules: list[RecommendationRule] = []
    if isinstance(raw, dict):
        issues += unknown_keys(raw, LIBRARY_KEYS, file=file)
        bad_version = schema_issue(
            raw, file=file, what="recommendation library", what_zh="对策建议库"
        )
        if bad_version is not None:
            issues.append(bad_version)
        if raw.get("tree") is not None and not isinstance(raw.get("tree"), str):
            issues.append(
                Issue(
                    Location(file=file, line=line_of(raw, "tree")),
                    "`tree` must be the id of the tree (a text)",
                    message_zh="`tree` 须为指标体系的编号（文字）",
                    found=repr(raw.get("tree")),
                )
            )
    items = raw.get("recommendations") if isinstance(raw, dict) else None
    if not isinstance(items, list):
        raise SpecError(
            [
                *issues,
                Issue(
                    Location(file=file, line=line_of(raw, "recommendations")),
                    "expected a `recommendations:` list",
                    message_zh="应有 `recommendations:` 列表",
                ),
            ]
        )
    seen: dict[str, int] = {}
    for rec in items:
        line = line_of(rec)
        rid = rec.get("id") if isinstance(rec, dict) else None

        def bad(
            msg: str,
            zh: str,
            found: object = "",
            key: str | None = None,
            fix: str = "",
            fix_zh: str = "",
            rec: object = rec,
            line: int | None = line,
            rid: object = rid,
        ) -> None:
            issues.append(
                Issue(
                    Location(
                        file=file,
                        line=line_of(rec, key) if key is not None else line,
                        path=str(rid) if isinstance(rid, str) else "",
                    ),
                    msg,
                    message_zh=zh,
                    found=repr(found) if found != "" else "",
                    fix=fix,
                    fix_zh=fix_zh,
                )
            )

        if not isinstance(rec, dict):
            bad("a recommendation must be a mapping", "对策建议须为映射（键: 值）", rec)
            continue
        issues.extend(
            unknown_keys(
                rec,
                RULE_KEYS,
                file=file,
                where="a recommendation",
                where_zh="对策建议",
                path=str(rid) if isinstance(rid, str) else "",
            )
        )
        if not isinstance(rid, str) or not rid.strip():
            bad(
                "a recommendation needs an `id` (a text)",
                "对策建议须有 `id`（文字）",
                rid or "",
                "id",
            )
        elif rid in seen:
            bad(
                f"the id {rid} is given twice (first on line {seen[rid]})",
                f"编号 {rid} 出现两次（第一次在第 {seen[rid]} 行）",
                key="id",
            )
        else:
            seen[rid] = line_of(rec, "id") or 0
        dim = rec.get("dimension", "")
        if not isinstance(dim, str) or dim not in dims:
            bad("unknown dimension", "未知的维度", dim, "dimension")
        raw_inds = rec.get("indicators") or []
        if not isinstance(raw_inds, list):
            bad(
                "`indicators` must be a list of indicator ids",
                "`indicators` 须为指标编号列表",
                raw_inds,
                "indicators",
                fix=f"Write indicators: [{raw_inds}].",
                fix_zh=f"写成 indicators: [{raw_inds}]。",
            )
            raw_inds = []
        inds = tuple(str(i) for i in raw_inds)
        for i in raw_inds:
            if not isinstance(i, str) or i not in known:
                bad("unknown indicator", "未知的指标", i, "indicators")
        when = rec.get("when") or {}
        if isinstance(when, dict):
            issues.extend(
                unknown_keys(
                    when,
                    CONDITIONS,
                    file=file,
                    where="`when`",
                    where_zh="`when`",
                    path=str(rid) if isinstance(rid, str) else "",
                )
            )
        cond = [k for k in CONDITIONS if k in when] if isinstance(when, dict) else []
        if len(cond) != 1:
            bad(
                f"`when` needs exactly one of {list(CONDITIONS)}",
                f"`when` 须有且只有 {list(CONDITIONS)} 之一",
                when,
                "when",
            )
            continue
        threshold = when[cond[0]]
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)):
            quoted = isinstance(threshold, str) and _is_number(threshold)
            bad(
                f"`{cond[0]}` must be a number",
                f"`{cond[0]}` 须为数值",
                threshold,
                "when",
                fix="Write the number without quotes." if quoted else "",
                fix_zh="数字不要加引号。" if quoted else "",
            )
            continue
        text = rec.get("text") or {}
        if isinstance(text, dict):
            issues.extend(
                unknown_keys(
                    text,
                    ("zh", "en"),
                    file=file,
                    where="`text`",
                    where_zh="`text`",
                    path=str(rid) if isinstance(rid, str) else "",
                )
            )
        if not isinstance(text, dict) or not text.get("zh") or not text.get("en"):
            bad("`text` needs zh and en", "`text` 须同时有 zh 和 en", key="text")
            continue
        if not isinstance(text["zh"], str) or not isinstance(text["en"], str):
            wrong = text["zh"] if not isinstance(text["zh"], str) else text["en"]
            bad(
                "`text.zh` and `text.en` must be texts",
                "`text.zh` 和 `text.en` 须为文字",
                wrong,
                "text",
            )
            continue
        prio = rec.get("priority", "medium")
        if not isinstance(prio, str) or prio not in PRIORITY_ORDER:
            bad("unknown priority", "未知的优先级", prio, "priority")
        rules.append(
            RecommendationRule(
                str(rid),
                str(dim),
                inds,
                cond[0],
                float(threshold),
                str(prio),
                {"zh": text["zh"], "en": text["en"]},
            )
        )
    if issues:
        raise SpecError(issues, summary=f"{len(issues)} problem(s) in {path}")
    return rules


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def weakest_indicators(scores: pd.Series, global_weights: pd.Series, k: int) -> pd.DataFrame:
    """The k indicators losing the most points: columns id, score, global_weight, gap."""
    frame = pd.DataFrame({"score": scores, "global_weight": global_weights.reindex(scores.index)})
    frame["gap"] = frame["global_weight"] * (100.0 - frame["score"])
    frame = frame.dropna(subset=["score"]).sort_values(["gap", "score"], ascending=[False, True])
    out = frame.head(k).copy()
    out.insert(0, "id", out.index)
    return out.reset_index(drop=True)


def select_recommendations(
    rules: list[RecommendationRule],
    node_scores: pd.Series,
    level: int,
    global_weights: pd.Series,
    tree: IndicatorTree,
    *,
    weakest: list[str] | tuple[str, ...] = (),
    per_dimension: int = 3,
    limit: int = 8,
) -> list[RecommendationRule]:
    """Rules for one unit, most urgent first.

    A rule is chosen when its condition holds, or when it addresses one of the ``weakest``
    indicators (those losing the most points), whatever its threshold: the report must say what
    to do about its weakest points. Order: overall rules, rules for the weakest indicators, then
    the others; within each, by points lost on the indicators a rule addresses, then priority.
    """
    dim_of = tree.dimension_of()
    weak = set(weakest)
    fired: list[tuple[int, float, int, RecommendationRule]] = []
    addresses_weak: set[str] = set()
    for pos, r in enumerate(rules):
        if weak & set(r.indicators):
            addresses_weak.add(r.id)
            ok = True
        elif r.condition == "indicator_below":
            vals = [node_scores.get(i) for i in r.indicators]
            ok = any(v is not None and v == v and v < r.threshold for v in vals)
        elif r.condition == "dimension_below":
            v = node_scores.get(r.dimension)
            ok = v is not None and v == v and v < r.threshold
        else:
            ok = level <= r.threshold
        if not ok:
            continue
        leaves = [i for i in r.indicators if i in dim_of] or [
            leaf for leaf, d in dim_of.items() if d == r.dimension
        ]
        gap = sum(
            float(global_weights.get(i, 0.0)) * (100.0 - float(node_scores.get(i, 100.0)))
            for i in leaves
            if node_scores.get(i) == node_scores.get(i)
        )
        fired.append((PRIORITY_ORDER.get(r.priority, 1), -gap, pos, r))
    fired.sort(
        key=lambda t: (t[3].dimension != "overall", t[3].id not in addresses_weak, t[1], t[0], t[2])
    )
    chosen: list[RecommendationRule] = []
    per: dict[str, int] = {}
    for _, _, _, r in fired:
        if per.get(r.dimension, 0) >= per_dimension:
            continue
        per[r.dimension] = per.get(r.dimension, 0) + 1
        chosen.append(r)
        if len(chosen) >= limit:
            break
    return chosen

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
from ..yamlio import line_of, load_yaml

PRIORITY_ORDER = {"high": 0, "medium": 1, "low": 2}
CONDITIONS = ("indicator_below", "dimension_below", "level_at_most")


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
    """Read the library; every unknown id or condition is reported with its YAML line."""
    raw = load_yaml(path, error=SpecError)
    issues: list[Issue] = []
    known = {n.id for n in tree.nodes()}
    dims = {d.id for d in tree.dimensions} | {"overall"}
    rules: list[RecommendationRule] = []
    items = raw.get("recommendations") if isinstance(raw, dict) else None
    if not isinstance(items, list):
        raise SpecError(
            [
                Issue(
                    Location(file=str(path)),
                    "expected a `recommendations:` list",
                    message_zh="应有 `recommendations:` 列表",
                )
            ]
        )
    for rec in items:
        line = line_of(rec)

        def bad(msg: str, zh: str, found: object = "", rec=rec, line=line) -> None:
            issues.append(
                Issue(
                    Location(
                        file=str(path),
                        line=line,
                        path=str(rec.get("id", "")) if isinstance(rec, dict) else "",
                    ),
                    msg,
                    message_zh=zh,
                    found=repr(found) if found != "" else "",
                )
            )

        if not isinstance(rec, dict):
            bad("a recommendation must be a mapping", "对策建议须为映射（键: 值）")
            continue
        dim = str(rec.get("dimension", ""))
        if dim not in dims:
            bad("unknown dimension", "未知的维度", dim)
        inds = tuple(str(i) for i in rec.get("indicators") or [])
        for i in inds:
            if i not in known:
                bad("unknown indicator", "未知的指标", i)
        when = rec.get("when") or {}
        cond = [k for k in CONDITIONS if k in when] if isinstance(when, dict) else []
        if len(cond) != 1:
            bad(
                f"`when` needs exactly one of {list(CONDITIONS)}",
                f"`when` 须有且只有 {list(CONDITIONS)} 之一",
                when,
            )
            continue
        text = rec.get("text") or {}
        if not isinstance(text, dict) or not text.get("zh") or not text.get("en"):
            bad("`text` needs zh and en", "`text` 须同时有 zh 和 en")
            continue
        prio = str(rec.get("priority", "medium"))
        if prio not in PRIORITY_ORDER:
            bad("unknown priority", "未知的优先级", prio)
        rules.append(
            RecommendationRule(
                str(rec.get("id")),
                dim,
                inds,
                cond[0],
                float(when[cond[0]]),
                prio,
                {"zh": str(text["zh"]), "en": str(text["en"])},
            )
        )
    if issues:
        raise SpecError(issues, summary=f"{len(issues)} problem(s) in {path}")
    return rules


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

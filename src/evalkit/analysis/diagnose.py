"""Weak points and the countermeasures that answer them.

The weakest indicators of a unit are those where the most points of the total are lost:
``gap = global_weight * (100 - score)``. A recommendation of the library fires when its condition
holds (an indicator below a score, its dimension below a score, or the overall level at most a
level); fired recommendations are ordered by priority, then by the points lost on the indicators
they address, at most ``per_dimension`` per dimension and ``limit`` in all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import Issue, Location, SpecError
from ..tree import IndicatorTree
from ..yamlio import line_of, load_yaml, schema_issue, unknown_keys

PRIORITY_ORDER = {"high": 0, "medium": 1, "low": 2}
CONDITIONS = ("indicator_below", "dimension_below", "level_at_most")
LIBRARY_KEYS = ("schema_version", "tree", "recommendations")
RULE_KEYS = ("id", "dimension", "indicators", "when", "priority", "effort", "text")
#: The words an `effort:` may be, as units of effort (a number may be given instead).
EFFORTS = {"low": 1.0, "medium": 2.0, "high": 3.0}


@dataclass(frozen=True)
class RecommendationRule:
    id: str
    dimension: str
    indicators: tuple[str, ...]
    condition: str
    threshold: float
    priority: str
    text: dict[str, str]
    # `effort:` of the library: low | medium | high, or a positive number; None when not given
    effort: str | float | None = None

    @property
    def effort_units(self) -> float | None:
        """The effort as a number: low 1, medium 2, high 3, a number as given; None if not given."""
        if self.effort is None:
            return None
        return EFFORTS[self.effort] if isinstance(self.effort, str) else float(self.effort)


def _library_issues(raw: object, file: str) -> list[Issue]:
    """Problems of the library's top level: unknown keys, schema_version, `tree` not a text."""
    if not isinstance(raw, dict):
        return []
    issues = unknown_keys(raw, LIBRARY_KEYS, file=file)
    bad_version = schema_issue(raw, file=file, what="recommendation library", what_zh="对策建议库")
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
    return issues


@dataclass
class _RuleChecker:
    """Checks the rules of one library against a tree, filing every problem in ``issues``."""

    file: str
    known: set[str]
    dims: set[str]
    issues: list[Issue]
    seen: dict[str, int]

    def bad(
        self,
        rec: object,
        msg: str,
        zh: str,
        found: object = "",
        key: str | None = None,
        fix: str = "",
        fix_zh: str = "",
    ) -> None:
        rid = rec.get("id") if isinstance(rec, dict) else None
        self.issues.append(
            Issue(
                Location(
                    file=self.file,
                    line=line_of(rec, key),
                    path=rid if isinstance(rid, str) else "",
                ),
                msg,
                message_zh=zh,
                found=repr(found) if found != "" else "",
                fix=fix,
                fix_zh=fix_zh,
            )
        )

    def keys(self, obj: object, allowed: tuple[str, ...], where: str, rid: object) -> None:
        self.issues.extend(
            unknown_keys(
                obj,
                allowed,
                file=self.file,
                where=where,
                where_zh=where.replace("a recommendation", "对策建议"),
                path=rid if isinstance(rid, str) else "",
            )
        )

    def identity(self, rec: dict) -> None:
        """The rule's id (a text, unique), dimension and indicators."""
        rid = rec.get("id")
        if not isinstance(rid, str) or not rid.strip():
            self.bad(
                rec,
                "a recommendation needs an `id` (a text)",
                "对策建议须有 `id`（文字）",
                rid or "",
                "id",
            )
        elif rid in self.seen:
            self.bad(
                rec,
                f"the id {rid} is given twice (first on line {self.seen[rid]})",
                f"编号 {rid} 出现两次（第一次在第 {self.seen[rid]} 行）",
                key="id",
            )
        else:
            self.seen[rid] = line_of(rec, "id") or 0
        dim = rec.get("dimension", "")
        if not isinstance(dim, str) or dim not in self.dims:
            self.bad(rec, "unknown dimension", "未知的维度", dim, "dimension")

    def indicators(self, rec: dict) -> tuple[str, ...]:
        raw = rec.get("indicators") or []
        if not isinstance(raw, list):
            self.bad(
                rec,
                "`indicators` must be a list of indicator ids",
                "`indicators` 须为指标编号列表",
                raw,
                "indicators",
                fix=f"Write indicators: [{raw}].",
                fix_zh=f"写成 indicators: [{raw}]。",
            )
            return ()
        for i in raw:
            if not isinstance(i, str) or i not in self.known:
                self.bad(rec, "unknown indicator", "未知的指标", i, "indicators")
        return tuple(str(i) for i in raw)

    def condition(self, rec: dict) -> tuple[str, float] | None:
        """The rule's condition and threshold, or None (a problem filed)."""
        when = rec.get("when") or {}
        if isinstance(when, dict):
            self.keys(when, CONDITIONS, "`when`", rec.get("id"))
        cond = [k for k in CONDITIONS if k in when] if isinstance(when, dict) else []
        if len(cond) != 1:
            self.bad(
                rec,
                f"`when` needs exactly one of {list(CONDITIONS)}",
                f"`when` 须有且只有 {list(CONDITIONS)} 之一",
                when,
                "when",
            )
            return None
        threshold = when[cond[0]]
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)):
            quoted = isinstance(threshold, str) and _is_number(threshold)
            self.bad(
                rec,
                f"`{cond[0]}` must be a number",
                f"`{cond[0]}` 须为数值",
                threshold,
                "when",
                fix="Write the number without quotes." if quoted else "",
                fix_zh="数字不要加引号。" if quoted else "",
            )
            return None
        return cond[0], float(threshold)

    def text(self, rec: dict) -> dict[str, str] | None:
        text = rec.get("text") or {}
        if isinstance(text, dict):
            self.keys(text, ("zh", "en"), "`text`", rec.get("id"))
        if not isinstance(text, dict) or not text.get("zh") or not text.get("en"):
            self.bad(rec, "`text` needs zh and en", "`text` 须同时有 zh 和 en", key="text")
            return None
        if not isinstance(text["zh"], str) or not isinstance(text["en"], str):
            wrong = text["zh"] if not isinstance(text["zh"], str) else text["en"]
            self.bad(
                rec,
                "`text.zh` and `text.en` must be texts",
                "`text.zh` 和 `text.en` 须为文字",
                wrong,
                "text",
            )
            return None
        return {"zh": text["zh"], "en": text["en"]}

    def effort(self, rec: dict) -> str | float | None:
        """The rule's `effort:` (low | medium | high or a positive number), None when absent or
        wrong (a problem filed)."""
        value = rec.get("effort")
        if value is None:
            return None
        if isinstance(value, str) and value in EFFORTS:
            return value
        if (
            isinstance(value, (int, float))
            and not isinstance(value, bool)
            and math.isfinite(value)
            and value > 0
        ):
            return float(value)
        quoted = isinstance(value, str) and _is_number(value)
        self.bad(
            rec,
            "`effort` must be low, medium, high or a positive number",
            "`effort` 须为 low、medium、high 或正数",
            value,
            "effort",
            fix="Write the number without quotes." if quoted else "",
            fix_zh="数字不要加引号。" if quoted else "",
        )
        return None

    def rule(self, rec: object) -> RecommendationRule | None:
        """One rule of the library, or None when it has a problem that leaves it unusable."""
        if not isinstance(rec, dict):
            self.bad(rec, "a recommendation must be a mapping", "对策建议须为映射（键: 值）", rec)
            return None
        self.keys(rec, RULE_KEYS, "a recommendation", rec.get("id"))
        self.identity(rec)
        inds = self.indicators(rec)
        cond = self.condition(rec)
        if cond is None:
            return None
        text = self.text(rec)
        if text is None:
            return None
        prio = rec.get("priority", "medium")
        if not isinstance(prio, str) or prio not in PRIORITY_ORDER:
            self.bad(rec, "unknown priority", "未知的优先级", prio, "priority")
        return RecommendationRule(
            str(rec.get("id")),
            str(rec.get("dimension", "")),
            inds,
            cond[0],
            cond[1],
            str(prio),
            text,
            self.effort(rec),
        )


def load_recommendations(path: Path, tree: IndicatorTree) -> list[RecommendationRule]:
    """Read the library; every problem is reported at once with its YAML line: unknown keys
    (with the nearest known one), an unsupported ``schema_version``, unknown ids, dimensions and
    conditions, and values of the wrong type (a threshold in quotes, a text where a list of
    indicators belongs, true/false where a text does)."""
    raw = load_yaml(path, error=SpecError)
    file = str(path)
    issues = _library_issues(raw, file)
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
    check = _RuleChecker(
        file,
        {n.id for n in tree.nodes()},
        {d.id for d in tree.dimensions} | {"overall"},
        issues,
        {},
    )
    rules = [r for rec in items if (r := check.rule(rec)) is not None]
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

"""``ev.analysis("actions")``: the countermeasures of the library that fire for each district and
shown station, each with why (the indicators that triggered it, with their scores, the mean and
best of the units compared and the gaps), what it aims at (target values in the indicators' own
units) and its expected gain in the total (:mod:`evalkit.analysis.actions`).

Order and priority: within a unit, by expected gain per unit of effort when the library gives an
``effort:`` (low 1, medium 2, high 3, or a number; a rule without one counts as medium), else by
gain; ties keep the library's order. The first third of a unit's countermeasures (rounded up) is
of high priority, the next third medium, the rest low, and one that adds nothing to the total is
low: the priority follows from the numbers, not from the library's fixed labels (kept as
``library_priority``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..analysis.actions import BASES, REASONS, ActionInput, Fired, fire_rules, rule_arrays
from ..analysis.diagnose import RecommendationRule
from . import action_texts as tx
from .action_analyses import UNIT_COLUMNS, NextLevel, Units, _rows, aggregator_nodes, unit_sets
from .registry import ANALYSES

if TYPE_CHECKING:  # pragma: no cover
    from .evaluation import Evaluation

COUNTERMEASURE_COLUMNS = [
    *UNIT_COLUMNS,
    "order",
    "id",
    "dimension",
    "dimension_zh",
    "dimension_en",
    "text_zh",
    "text_en",
    "library_priority",
    "effort",
    "effort_units",
    "gain",
    "gain_per_effort",
    "priority",
    "priority_zh",
    "priority_en",
    "why_zh",
    "why_en",
    "targets_zh",
    "targets_en",
    "by_path",
]
TRIGGER_COLUMNS = [
    *UNIT_COLUMNS,
    "order",
    "id",
    "node",
    "what",
    "name_zh",
    "name_en",
    "reason",
    "threshold",
    "score",
    "mean",
    "best",
    "best_unit_zh",
    "best_unit_en",
    "gap_to_mean",
    "gap_to_best",
    "points_lost",
    "text_zh",
    "text_en",
]
TARGET_COLUMNS = [
    *UNIT_COLUMNS,
    "order",
    "id",
    "indicator",
    "name_zh",
    "name_en",
    "unit_zh",
    "unit_en",
    "decimals",
    "value",
    "target_value",
    "score",
    "target_score",
    "basis",
    "basis_zh",
    "basis_en",
    "gain",
    "text_zh",
    "text_en",
]
PRIORITIES = {"high": ("高", "High"), "medium": ("中", "Medium"), "low": ("低", "Low")}
MEDIUM_EFFORT = 2.0


@dataclass(frozen=True)
class Actions:
    """The countermeasures of every district and shown station, in their order.

    ``countermeasures``: one row per fired rule and unit: kind, district, station, order (1 =
    first, within the unit), id, dimension (id; "overall"), dimension_zh, dimension_en, text_zh,
    text_en, library_priority, effort (as the library gives it, "" none), effort_units, gain
    (expected gain of the total), gain_per_effort, priority (high | medium | low), priority_zh,
    priority_en, why_zh, why_en (the triggers in a sentence each), targets_zh, targets_en,
    gain_zh, gain_en, by_path (a level rule acting through the path to the next level).
    ``triggers``: one row per trigger: kind, district, station, id (the rule), node, what
    (indicator | dimension | total), name_zh, name_en, reason (indicator_below | weakest |
    dimension_below | level_at_most), threshold, score, mean, best, best_unit_zh, best_unit_en
    (among the units compared: the districts, or the shown stations), gap_to_mean (mean -
    score), gap_to_best (best - score), points_lost (indicators: global weight x (100 - score)),
    text_zh, text_en.
    ``targets``: one row per indicator a countermeasure moves: kind, district, station, id,
    indicator, name_zh, name_en, unit_zh, unit_en, decimals, value, target_value (in the
    indicator's unit, by its goalposts), score, target_score, basis (next_level | province_best |
    goalpost_best | next_level_path), basis_zh, basis_en, gain (that indicator alone), text_zh,
    text_en.
    ``ordered_by``: "gain_per_effort" or "gain"; ``exact``: gains re-aggregated by the
    evaluation's aggregator (False: a relative aggregator, gains by the weighted sum).
    """

    countermeasures: pd.DataFrame
    triggers: pd.DataFrame
    targets: pd.DataFrame
    ordered_by: str
    exact: bool

    def of(self, district: str, station: str = "") -> Actions:
        """The rows of one district (station ""), or of one of its stations."""
        return replace(
            self,
            countermeasures=_rows(self.countermeasures, district, station),
            triggers=_rows(self.triggers, district, station),
            targets=_rows(self.targets, district, station),
        )

    def top(self, n: int) -> tuple[pd.DataFrame, int]:
        """The first *n* countermeasures of each unit and how many more there are in all (a
        renderer shows these and says how many more the workbook lists)."""
        c = self.countermeasures
        keep = c["order"] <= n
        return c[keep.to_numpy()].reset_index(drop=True), int((~keep).sum())


@dataclass(frozen=True)
class _Peers:
    """Mean, best and best unit of the units compared, per column (indicators, dimensions and
    the total, in that order)."""

    mean: np.ndarray
    best: np.ndarray
    best_zh: np.ndarray
    best_en: np.ndarray


def _peers(u: Units) -> _Peers:
    x = np.column_stack([u.scores, u.dims, u.total])
    has = ~np.isnan(x).all(axis=0)
    with np.errstate(all="ignore"):
        mean = np.where(has, np.nanmean(np.where(has, x, 0.0), axis=0), np.nan)
    best = np.where(has, np.nanmax(np.where(has, x, -np.inf), axis=0), np.nan)
    at = np.argmax(np.where(np.isnan(x), -np.inf, x), axis=0) if len(x) else np.zeros(0, int)
    zh = np.asarray(u.frame["label_zh"], dtype=object)
    en = np.asarray(u.frame["label_en"], dtype=object)
    return _Peers(
        mean,
        best,
        np.where(has, zh[at] if len(x) else "", ""),
        np.where(has, en[at] if len(x) else "", ""),
    )


def _path_gain(nl: NextLevel, u: Units) -> np.ndarray:
    units = nl.units[nl.units["kind"] == u.kind]
    ok = units["status"].to_numpy() == "path"
    return np.where(ok, units["total_after"].to_numpy() - units["total"].to_numpy(), np.nan)


def _pairs(
    ev: Evaluation, u: Units, f: Fired, rules: list[RecommendationRule], has_effort: bool
) -> pd.DataFrame:
    """The countermeasures' rows of one kind of unit (before texts of triggers and targets)."""
    out = u.frame.iloc[f.unit][UNIT_COLUMNS].reset_index(drop=True)
    out["_pair"] = np.arange(len(f.unit))
    out["_unit"] = f.unit
    out["_rule"] = f.rule
    r = [rules[i] for i in f.rule]
    out["id"] = [x.id for x in r]
    out["dimension"] = [x.dimension for x in r]
    overall = {"zh": "综合", "en": "overall"}
    for lang in ("zh", "en"):
        names = _labels(ev, lang) | {"overall": overall[lang]}
        out[f"dimension_{lang}"] = [names.get(x.dimension, x.dimension) for x in r]
        out[f"text_{lang}"] = [x.text[lang] for x in r]
    out["library_priority"] = [x.priority for x in r]
    out["effort"] = ["" if x.effort is None else str(x.effort) for x in r]
    units = [x.effort_units for x in r]
    out["effort_units"] = [
        np.nan if e is None and not has_effort else MEDIUM_EFFORT if e is None else e for e in units
    ]
    out["gain"] = f.gain
    out["gain_per_effort"] = f.gain / out["effort_units"].to_numpy(dtype=float)
    out["by_path"] = f.by_path
    return out


def _order(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """Each unit's countermeasures by *by* (descending), then gain, then library order; the
    order within the unit and the priority that follows from it."""
    key = frame[by].to_numpy(dtype=float)
    gain = frame["gain"].to_numpy(dtype=float)
    idx = np.lexsort(
        (frame["_rule"].to_numpy(), -np.nan_to_num(gain), -np.nan_to_num(key), frame["_unit"])
    )
    f = frame.iloc[idx].reset_index(drop=True)
    pos = f.groupby("_unit", sort=False).cumcount().to_numpy()
    n = f.groupby("_unit", sort=False)["_unit"].transform("size").to_numpy()
    prio = np.where(
        pos < np.ceil(n / 3), "high", np.where(pos < np.ceil(2 * n / 3), "medium", "low")
    )
    prio = np.where(f["gain"].to_numpy(dtype=float) > 0, prio, "low")
    f["order"] = pos + 1
    f["priority"] = prio
    f["priority_zh"] = [PRIORITIES[p][0] for p in prio]
    f["priority_en"] = [PRIORITIES[p][1] for p in prio]
    return f


def _triggers(
    ev: Evaluation, u: Units, f: Fired, rules: list[RecommendationRule], peers: _Peers
) -> pd.DataFrame:
    """One row per trigger of one kind of unit."""
    tree = ev.tree
    leaves = [leaf.id for leaf in tree.leaves()]
    dims = ev.dimension_ids
    n, d = len(leaves), len(dims)
    pu, pr = f.unit[f.t_pair], f.rule[f.t_pair]
    col = np.where(f.t_kind == 0, f.t_node, np.where(f.t_kind == 1, n + f.t_node, n + d))
    x = np.column_stack([u.scores, u.dims, u.total])
    out = u.frame.iloc[pu][UNIT_COLUMNS].reset_index(drop=True)
    out["_pair"] = f.t_pair
    out["id"] = [rules[i].id for i in pr]
    node_ids = np.array([*leaves, *dims, tree.goal.id], dtype=object)
    out["node"] = node_ids[col]
    out["what"] = np.array(["indicator", "dimension", "total"], dtype=object)[f.t_kind]
    for lang in ("zh", "en"):
        out[f"name_{lang}"] = out["node"].map(_labels(ev, lang)).to_numpy()
    out["reason"] = np.array(REASONS, dtype=object)[f.t_reason]
    out["threshold"] = [rules[i].threshold for i in pr]
    out["score"] = x[pu, col]
    out["mean"], out["best"] = peers.mean[col], peers.best[col]
    out["best_unit_zh"], out["best_unit_en"] = peers.best_zh[col], peers.best_en[col]
    out["gap_to_mean"] = out["mean"] - out["score"]
    out["gap_to_best"] = out["best"] - out["score"]
    w = ev.weights.global_.reindex(leaves).to_numpy(dtype=float)
    lost = np.where(f.t_kind == 0, w[np.minimum(f.t_node, n - 1)] * (100.0 - out["score"]), np.nan)
    out["points_lost"] = lost
    k = str(ev.spec.report.weakest)
    level = u.level[pu]
    for lang in ("zh", "en"):
        scope = ev.scope_word(lang)
        out[f"text_{lang}"] = [
            tx.trigger_text(
                lang,
                reason,
                name,
                score,
                thr,
                mean,
                best,
                best_unit,
                scope,
                {
                    "lost": tx.num(lost_),
                    "k": k,
                    "level": tx.level_name(tree, lv, lang),
                    "at_most": tx.level_name(tree, thr, lang),
                },
            )
            for reason, name, score, thr, mean, best, best_unit, lost_, lv in zip(
                out["reason"],
                out[f"name_{lang}"],
                out["score"],
                out["threshold"],
                out["mean"],
                out["best"],
                out[f"best_unit_{lang}"],
                out["points_lost"],
                level,
                strict=True,
            )
        ]
    return out


def _targets(
    ev: Evaluation, u: Units, f: Fired, rules: list[RecommendationRule], nl: NextLevel
) -> pd.DataFrame:
    """One row per indicator a countermeasure of one kind of unit moves: its own targets, and
    for a level rule acting through the path, the path's steps."""
    leaves = ev.tree.leaves()
    worst = np.array([leaf.worst for leaf in leaves])
    best = np.array([leaf.best for leaf in leaves])
    pu, j = f.unit[f.g_pair], f.g_leaf
    own = u.frame.iloc[pu][UNIT_COLUMNS].reset_index(drop=True)
    own["_pair"] = f.g_pair
    own["id"] = [rules[i].id for i in f.rule[f.g_pair]]
    own["indicator"] = [leaves[x].id for x in j]
    own["value"] = u.values[pu, j]
    own["target_value"] = worst[j] + f.g_score / 100.0 * (best[j] - worst[j])
    own["score"] = u.scores[pu, j]
    own["target_score"] = f.g_score
    own["basis"] = np.array(BASES, dtype=object)[f.g_basis]
    own["gain"] = f.g_gain
    own["_target_level"] = u.level[pu] + 1
    path_pairs = np.flatnonzero(f.by_path)
    via = u.frame.iloc[f.unit[path_pairs]][UNIT_COLUMNS].reset_index(drop=True)
    via["_pair"] = path_pairs
    via["id"] = [rules[i].id for i in f.rule[path_pairs]]
    via = via.merge(nl.steps, on=UNIT_COLUMNS, how="inner", sort=False)
    via = via.rename(
        columns={
            "value_from": "value",
            "value_to": "target_value",
            "score_from": "score",
            "score_to": "target_score",
        }
    )
    via["basis"] = "next_level_path"
    via["_target_level"] = via["level_after"]
    keep = [*UNIT_COLUMNS, "_pair", "id", "indicator", "value", "target_value", "score"]
    keep += ["target_score", "basis", "gain", "_target_level"]
    out = pd.concat([own[keep], via[keep]], ignore_index=True)
    out = out.sort_values("_pair", kind="stable").reset_index(drop=True)
    return _target_texts(ev, out)


def _target_texts(ev: Evaluation, out: pd.DataFrame) -> pd.DataFrame:
    """Names, units, decimals and sentences of the targets."""
    tree = ev.tree
    by_id = {leaf.id: leaf for leaf in tree.leaves()}
    leaf = [by_id[i] for i in out["indicator"]]
    for lang in ("zh", "en"):
        out[f"name_{lang}"] = [x.label(lang) for x in leaf]
    for lang in ("zh", "en"):
        out[f"unit_{lang}"] = [x.unit.get(lang) or x.unit.get("en", "") for x in leaf]
    out["decimals"] = [tx.value_decimals(x) for x in leaf]
    for lang in ("zh", "en"):
        scope = ev.scope_word(lang)
        out[f"basis_{lang}"] = [
            tx.basis_text(lang, b, t, tx.level_name(tree, lv, lang), scope)
            for b, t, lv in zip(
                out["basis"], out["target_score"], out["_target_level"], strict=True
            )
        ]
    for lang in ("zh", "en"):
        out[f"text_{lang}"] = [
            tx.target_text(lang, x.label(lang), tx.change(x, a, b, lang), basis, g)
            for x, a, b, basis, g in zip(
                leaf,
                out["value"],
                out["target_value"],
                out[f"basis_{lang}"],
                out["gain"],
                strict=True,
            )
        ]
    return out.drop(columns="_target_level")


def _joined(frame: pd.DataFrame, column: str, n: int, sep: str) -> list[str]:
    """The texts of *column* joined per ``_pair`` (0..n-1); "" for a pair without any."""
    parts: list[list[str]] = [[] for _ in range(n)]
    for pair, text in zip(frame["_pair"], frame[column], strict=True):  # rows of text
        parts[pair].append(text)
    return [sep.join(p) for p in parts]


def _labels(ev: Evaluation, lang: str) -> dict[str, str]:
    """Every node's name in *lang*, by id."""
    return {node.id: node.label(lang) for node in ev.tree.nodes()}


@ANALYSES.register("actions", zh="对策建议", en="countermeasures")
def actions(ev: Evaluation) -> Actions:
    """Every countermeasure of the library that fires for each district and shown station."""
    rules = list(ev.prepared.rules)
    has_effort = any(r.effort is not None for r in rules)
    by = "gain_per_effort" if has_effort else "gain"
    nodes = aggregator_nodes(ev)
    nl: NextLevel = ev.analysis("next_level")
    leaves = [leaf.id for leaf in ev.tree.leaves()]
    dims = ev.dimension_ids
    dim_of = ev.tree.dimension_of()
    leaf_dim = np.array([dims.index(dim_of[x]) for x in leaves])
    arrays = rule_arrays(rules, leaves, dims, leaf_dim)
    w = ev.weights.global_.reindex(leaves).to_numpy(dtype=float)
    cut = np.array([lv.min_score for lv in ev.tree.levels], dtype=float)
    parts: list[tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]] = []
    for u in unit_sets(ev):  # districts, then stations
        peers = _peers(u)
        inp = ActionInput(
            u.scores,
            u.dims,
            u.total,
            u.level,
            cut,
            w,
            peers.best[: len(leaves)],
            ev.spec.report.weakest,
            nodes,
            _path_gain(nl, u),
        )
        f = fire_rules(inp, arrays) if rules else None
        if f is None or not len(f.unit):
            continue
        pairs = _pairs(ev, u, f, rules, has_effort)
        trig = _triggers(ev, u, f, rules, peers)
        targ = _targets(ev, u, f, rules, nl)
        for lang, sep in (("zh", "；"), ("en", "; ")):
            pairs[f"why_{lang}"] = _joined(trig, f"text_{lang}", len(pairs), sep)
            pairs[f"targets_{lang}"] = _joined(targ, f"text_{lang}", len(pairs), sep)
        pairs = _order(pairs, by)
        order = pd.Series(pairs["order"].to_numpy(), index=pairs["_pair"].to_numpy())
        for frame, pair_unit in ((trig, f.unit[trig["_pair"]]), (targ, f.unit[targ["_pair"]])):
            frame["order"] = order.reindex(frame["_pair"]).to_numpy()
            frame["_unit"] = pair_unit
        parts.append((pairs, trig, targ))
    return _assemble(parts, by, nodes is not None)


def _assemble(
    parts: list[tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]], by: str, exact: bool
) -> Actions:
    """The three tables of every kind of unit, helper columns dropped, each in the
    countermeasures' order; with the columns even when nothing fires."""
    frames = []
    for i, columns in enumerate((COUNTERMEASURE_COLUMNS, TRIGGER_COLUMNS, TARGET_COLUMNS)):
        got = [p[i].sort_values(["_unit", "order"], kind="stable") for p in parts]
        frame = pd.concat(got, ignore_index=True) if got else pd.DataFrame(columns=columns)
        frames.append(frame[columns].reset_index(drop=True))
    c = frames[0]
    for lang in ("zh", "en"):
        c[f"gain_{lang}"] = [
            tx.expected_gain(lang, g, bool(p)) for g, p in zip(c["gain"], c["by_path"], strict=True)
        ]
    return Actions(frames[0], frames[1], frames[2], by, exact)

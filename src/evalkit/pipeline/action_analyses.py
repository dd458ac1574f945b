"""What a unit can do: ``ev.analysis("next_level")`` and ``ev.analysis("actions")``.

- ``next_level``: each district's and each shown station's cheapest path to the next maturity
  level (:mod:`evalkit.analysis.next_level`), as :class:`NextLevel` (a row per unit, a row per
  step: indicator, value from → to in its unit, score gain, total after).
- ``actions``: every countermeasure of the library that fires for each district and shown
  station, with the indicators that triggered it, its targets and its expected gain in the total
  (:mod:`evalkit.analysis.actions`), ordered by gain per unit of effort when the library gives
  efforts, else by gain, with priorities from that order (:class:`Actions`). Nothing is cut: a
  renderer shows the first few and says how many more there are.

Both re-aggregate changed indicator scores with the evaluation's own aggregator and weights. An
aggregator that scores a unit relative to the others (its scores move when another unit is
added) gets no path, and gains by the weighted sum :math:`\\sum_j w_j \\Delta s_j` of the
global weights.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..analysis.next_level import Nodes, PathInput, Paths, cheapest_paths
from . import action_texts as tx
from .registry import AGGREGATORS, ANALYSES

if TYPE_CHECKING:  # pragma: no cover
    from .evaluation import Evaluation

UNIT_COLUMNS = ["kind", "district", "station"]


@dataclass(frozen=True)
class Units:
    """One kind of unit, the rows of its arrays in the order of ``frame``: kind ("district" or
    "station"), district, station ("" for a district), name_zh, name_en (the unit's names),
    label_zh, label_en (a station's with its district's)."""

    kind: str
    frame: pd.DataFrame
    scores: np.ndarray  # (U, n) indicator scores
    values: np.ndarray  # (U, n) indicator values, in their units
    dims: np.ndarray  # (U, D)
    total: np.ndarray
    level: np.ndarray


def unit_sets(ev: Evaluation) -> list[Units]:
    """The districts, and the stations shown on their own (enough respondents)."""
    leaves = [leaf.id for leaf in ev.tree.leaves()]
    dims = ev.dimension_ids
    d = ev.districts
    names = d["district"].tolist()
    dist = Units(
        "district",
        pd.DataFrame(
            {
                "kind": "district",
                "district": names,
                "station": "",
                "name_zh": names,
                "name_en": d["district_en"].astype(str).tolist(),
                "label_zh": names,
                "label_en": d["district_en"].astype(str).tolist(),
            }
        ),
        ev.district_scores.loc[names, leaves].to_numpy(dtype=float),
        ev.district_values.reindex(names)[leaves].to_numpy(dtype=float),
        d[dims].to_numpy(dtype=float),
        d["total"].to_numpy(dtype=float),
        d["level"].to_numpy(dtype=float),
    )
    s = ev.stations[ev.stations["shown"].astype(bool)]
    keys = pd.MultiIndex.from_arrays([s["district"], s["station"]])
    district_en = dict(zip(names, d["district_en"].astype(str), strict=True))
    st = Units(
        "station",
        pd.DataFrame(
            {
                "kind": "station",
                "district": s["district"].tolist(),
                "station": s["station"].tolist(),
                "name_zh": s["station"].tolist(),
                "name_en": s["station_en"].astype(str).tolist(),
                "label_zh": (s["district"] + s["station"]).tolist(),
                "label_en": [
                    f"{a} ({district_en.get(b, b)})"
                    for a, b in zip(s["station_en"].astype(str), s["district"], strict=True)
                ],
            }
        ),
        ev.station_scores.loc[keys, leaves].to_numpy(dtype=float).reshape(len(s), len(leaves)),
        ev.station_values.reindex(keys)[leaves].to_numpy(dtype=float).reshape(len(s), len(leaves)),
        s[dims].to_numpy(dtype=float),
        s["total"].to_numpy(dtype=float),
        s["level"].to_numpy(dtype=float),
    )
    return [dist, st]


def aggregator_nodes(ev: Evaluation) -> Nodes | None:
    """The evaluation's aggregator as :data:`~evalkit.analysis.next_level.Nodes` (rows of
    indicator scores -> the total and each dimension), or None when it scores a unit relative to
    the others: a probe adds two units (every indicator at 0, every one at 100) to the districts
    and checks that the districts' scores stay as they were."""
    aggregate = AGGREGATORS[ev.scoring].func
    leaves = [leaf.id for leaf in ev.tree.leaves()]
    cols = [ev.tree.goal.id, *ev.dimension_ids]
    local = ev.weights.local

    def nodes(rows: np.ndarray) -> np.ndarray:
        frame = pd.DataFrame(np.asarray(rows, dtype=float).reshape(-1, len(leaves)), columns=leaves)
        return aggregate(ev.tree, frame, local)[cols].to_numpy(dtype=float)

    base = ev.district_scores[leaves].to_numpy(dtype=float)
    probe = np.vstack([base, np.zeros(len(leaves)), np.full(len(leaves), 100.0)])
    alone, among = nodes(base), nodes(probe)[: len(base)]
    same = np.allclose(alone, among, rtol=0, atol=1e-9, equal_nan=True)
    return nodes if same else None


def level_rule(ev: Evaluation) -> str:
    """The tree's level rule (``total`` when the tree has none)."""
    return str(getattr(ev.tree, "level_rule", "total") or "total")


@dataclass(frozen=True)
class NextLevel:
    """Every district's and shown station's path to the next level.

    ``units``: one row per unit: kind, district, station, name_zh, name_en, total, level,
    level_zh, level_en, target (the next level, 0 none), target_zh, target_en, cutoff (its
    min_score), shortfall (cut-off - total; under the staged rule it can be 0 or less when a
    dimension holds the level back), status ("path", "top", "no_score", "unreachable",
    "relative"), steps (how many), total_after, level_after, dimension (under the staged rule,
    the weakest dimension when it must first reach the level below the target, else ""),
    summary_zh, summary_en.
    ``steps``: one row per step of a path, in order: kind, district, station, step (1-based),
    indicator, name_zh, name_en, unit_zh, unit_en, decimals (of the values), value_from,
    value_to (in the indicator's unit, by its goalposts), score_from, score_to, gain (of the
    total), total_after, level_after, level_after_zh, level_after_en, reason ("total", or the id
    of the dimension the staged rule lifts), text_zh, text_en.
    ``rule``: the level rule the paths follow (total | staged); ``exact``: totals re-aggregated
    (False: a relative aggregator, no paths).
    """

    units: pd.DataFrame
    steps: pd.DataFrame
    rule: str
    exact: bool

    def of(self, district: str, station: str = "") -> NextLevel:
        """The rows of one district (station ""), or of one of its stations."""
        return replace(
            self,
            units=_rows(self.units, district, station),
            steps=_rows(self.steps, district, station),
        )


def _rows(frame: pd.DataFrame, district: str, station: str) -> pd.DataFrame:
    kind = "station" if station else "district"
    keep = (frame["kind"] == kind) & (frame["district"] == district) & (frame["station"] == station)
    return frame[keep.to_numpy()].reset_index(drop=True)


def _path_units(
    ev: Evaluation, u: Units, paths: Paths, nodes_ok: bool, staged: bool
) -> pd.DataFrame:
    """The ``units`` rows of one kind of unit."""
    tree = ev.tree
    cut = np.array([lv.min_score for lv in tree.levels])
    k = len(cut)
    f = u.frame[[*UNIT_COLUMNS, "name_zh", "name_en"]].copy()
    f["total"], f["level"] = u.total, u.level
    for lang in ("zh", "en"):
        f[f"level_{lang}"] = [tx.level_name(tree, v, lang) for v in u.level]
    f["target"] = paths.target
    for lang in ("zh", "en"):
        f[f"target_{lang}"] = [tx.level_name(tree, v, lang) for v in paths.target]
    f["cutoff"] = np.where(paths.target > 0, cut[np.clip(paths.target - 1, 0, k - 1)], np.nan)
    f["shortfall"] = f["cutoff"] - u.total
    status = paths.status if nodes_ok else np.full(len(u.total), "relative")
    f["status"] = status
    n_steps = np.bincount(paths.unit, minlength=len(u.total))
    f["steps"] = n_steps
    last = np.cumsum(n_steps) - 1  # steps are in unit order: a unit's last one
    has = n_steps > 0
    pad = np.append(paths.total, np.nan), np.append(paths.level, np.nan)
    f["total_after"] = np.where(has, pad[0][np.where(has, last, -1)], u.total)
    f["level_after"] = np.where(has, pad[1][np.where(has, last, -1)], u.level)
    dims = ev.dimension_ids
    low = np.where(np.isnan(u.dims), np.inf, u.dims)
    weakest = np.argmin(low, axis=1)
    dim_cut = np.where(paths.target >= 2, cut[np.clip(paths.target - 2, 0, k - 1)], -np.inf)
    needs = staged & (status == "path") & (low[np.arange(len(low)), weakest] < dim_cut)
    f["dimension"] = np.where(needs, np.asarray(dims, dtype=object)[weakest], "")
    method = AGGREGATORS[ev.scoring]
    for lang in ("zh", "en"):
        f[f"summary_{lang}"] = [
            tx.path_summary(
                lang,
                str(status[i]),
                short=float(f["shortfall"].iat[i]),
                total=float(u.total[i]),
                after=float(f["total_after"].iat[i]),
                steps=int(f["steps"].iat[i]),
                next_name=tx.level_name(tree, paths.target[i], lang),
                cut=float(f["cutoff"].iat[i]),
                top_name=tx.level_name(tree, u.level[i], lang),
                dim=tree.label(dims[weakest[i]], lang) if needs[i] else "",
                dim_level=tx.level_name(tree, paths.target[i] - 1, lang),
                dim_cut=float(dim_cut[i]),
                method=method.text(lang),
            )
            for i in range(len(f))
        ]
    return f


def _path_steps(ev: Evaluation, u: Units, paths: Paths) -> pd.DataFrame:
    """The ``steps`` rows of one kind of unit."""
    tree = ev.tree
    leaves = tree.leaves()
    worst = np.array([leaf.worst for leaf in leaves])
    best = np.array([leaf.best for leaf in leaves])
    j = paths.leaf
    f = u.frame.iloc[paths.unit][["kind", "district", "station"]].reset_index(drop=True)
    f["step"] = paths.order
    f["indicator"] = [leaves[x].id for x in j]
    for lang in ("zh", "en"):
        f[f"name_{lang}"] = [leaves[x].label(lang) for x in j]
    for lang in ("zh", "en"):
        f[f"unit_{lang}"] = [leaves[x].unit.get(lang) or leaves[x].unit.get("en", "") for x in j]
    f["decimals"] = [tx.value_decimals(leaves[x]) for x in j]
    f["value_from"] = u.values[paths.unit, j]
    f["value_to"] = worst[j] + paths.score_to / 100.0 * (best[j] - worst[j])
    f["score_from"], f["score_to"] = paths.score_from, paths.score_to
    before = np.where(paths.order > 1, np.roll(paths.total, 1), u.total[paths.unit])
    f["gain"] = paths.total - before
    f["total_after"], f["level_after"] = paths.total, paths.level
    for lang in ("zh", "en"):
        f[f"level_after_{lang}"] = [tx.level_name(tree, v, lang) for v in paths.level]
    dims = ev.dimension_ids
    f["reason"] = ["total" if r < 0 else dims[r] for r in paths.reason]
    for lang in ("zh", "en"):
        f[f"text_{lang}"] = [
            tx.step_text(
                lang,
                leaves[x].label(lang),
                tx.change(leaves[x], float(a), float(b), lang),
                float(g),
                float(t),
            )
            for x, a, b, g, t in zip(
                j, f["value_from"], f["value_to"], f["gain"], f["total_after"], strict=True
            )
        ]
    return f


@ANALYSES.register("next_level", zh="晋级路径", en="path to the next level")
def next_level(ev: Evaluation) -> NextLevel:
    """Each district's and shown station's cheapest path to the next maturity level."""
    nodes = aggregator_nodes(ev)
    rule = level_rule(ev)
    leaf_dim_of = ev.tree.dimension_of()
    dims = ev.dimension_ids
    leaf_dim = np.array([dims.index(leaf_dim_of[leaf.id]) for leaf in ev.tree.leaves()])
    cut = np.array([lv.min_score for lv in ev.tree.levels], dtype=float)
    unit_frames, step_frames = [], []
    for u in unit_sets(ev):  # districts, then stations
        # a relative aggregator gets no path: every unit as one without a total
        level = u.level if nodes is not None else np.full(len(u.level), np.nan)
        paths = cheapest_paths(
            PathInput(u.scores, level, cut, leaf_dim, rule == "staged", nodes or _no_nodes)
        )
        unit_frames.append(_path_units(ev, u, paths, nodes is not None, rule == "staged"))
        step_frames.append(_path_steps(ev, u, paths))
    return NextLevel(
        units=pd.concat(unit_frames, ignore_index=True),
        steps=pd.concat(step_frames, ignore_index=True),
        rule=rule,
        exact=nodes is not None,
    )


def _no_nodes(rows: np.ndarray) -> np.ndarray:  # pragma: no cover - no unit asks for a path
    raise AssertionError("no path is computed for a relative aggregator")

r"""The what-if panel of the HTML reports: what the page needs to recompute scores, levels and ranks
under other dimension weights (or another α), and the same recomputation in Python.

The page gets every unit's indicator scores (0-100, ``null`` where missing), the tree, the local
weights used and, for AHP combined linearly with an objective method, both weight sets, so that
moving α gives the weights evalkit's ``combined`` weighter gives (:mod:`evalkit.pipeline.weighters`):

.. math:: w = \alpha\, a + (1 - \alpha)\, b

at every node (``combine_level: node``) or on the leaves' global weights, the local weights then
being each node's share of its parent's (``combine_level: global``). A dimension's slider sets the
goal's children's local weights (normalised to sum 1); the weights below the dimensions stay. The
page aggregates as :mod:`evalkit.pipeline.aggregators` does (weighted sum; or weighted geometric
mean with scores floored at 1), a missing child's weight renormalised away among its siblings;
levels by the tree's cut-offs and level rule (:func:`evalkit.pipeline.evaluation.level_table`);
ranks 1 = best, ties sharing the better rank, stations among those shown (as the reports rank
them). TOPSIS, grey relational and fuzzy scores are relative to the other units and not a sum the
page can redo: the panel is then off and says so.

:func:`whatif_evaluation` / :func:`whatif_ranks` give evalkit's own results for given weights (the
evaluation recomputed by :func:`evalkit.pipeline.evaluation.evaluate_prepared`), which the browser
test compares with the page.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pandas as pd

from ..pipeline.evaluation import Evaluation, evaluate_prepared
from ..weights.weightset import globals_from_local

#: aggregators the page recomputes exactly
EXACT_METHODS = ("weighted_sum", "geometric")


def alpha_adjustable(ev: Evaluation) -> bool:
    """Whether α has a slider: AHP combined linearly with an objective method."""
    ws = ev.weights
    return ws.method == "combined" and ws.spec.combine == "linear"


def whatif_evaluation(
    ev: Evaluation,
    dimension_weights: dict[str, float] | None = None,
    alpha: float | None = None,
) -> Evaluation:
    """The evaluation *ev* recomputed as evalkit does with another *alpha* (the AHP share of a
    linear combination: the project weighed again) and/or the dimensions' local weights set to
    *dimension_weights* (normalised to sum 1; the weights below the dimensions kept)."""
    if alpha is not None:
        if not alpha_adjustable(ev):
            raise ValueError("alpha applies only to AHP combined linearly with an objective method")
        spec = dataclasses.replace(ev.spec.weights, alpha=float(alpha))
        ev = evaluate_prepared(ev.prepared, weights=spec)
    if not dimension_weights:
        return ev
    dims = ev.dimension_ids
    missing = [d for d in dims if d not in dimension_weights]
    if missing:
        raise ValueError(f"no weight for dimension(s) {', '.join(missing)}")
    given = np.array([float(dimension_weights[d]) for d in dims])
    if np.any(given < 0) or not given.sum() > 0:
        raise ValueError("dimension weights must be non-negative and not all 0")
    table = ev.weights.table.copy()
    local = table.set_index("id")["local"].to_dict()
    local.update(dict(zip(dims, (given / given.sum()).tolist(), strict=True)))
    glob = globals_from_local(ev.tree, local)
    table["local"] = table["id"].map(local)
    table["global"] = table["id"].map(glob)
    ws = dataclasses.replace(ev.weights, table=table)
    return evaluate_prepared(ev.prepared, weight_set=ws)


def whatif_ranks(
    ev: Evaluation,
    dimension_weights: dict[str, float] | None = None,
    alpha: float | None = None,
) -> pd.DataFrame:
    """evalkit's totals, levels and ranks of the districts for those weights (see
    :func:`whatif_evaluation`), indexed by district."""
    out = whatif_evaluation(ev, dimension_weights, alpha)
    return out.districts.set_index("district")[["total", "level", "rank"]]


def _num(x: Any) -> float | None:
    x = float(x)
    return None if math.isnan(x) else x


def _matrix(frame: pd.DataFrame, leaves: list[str]) -> list[list[float | None]]:
    values = frame[leaves].to_numpy(dtype=float)
    return [[_num(v) for v in row] for row in values]


def _weights_part(ev: Evaluation) -> dict[str, Any]:
    t = ev.weights.table.set_index("id")
    part: dict[str, Any] = {"local": {k: _num(v) for k, v in t["local"].items()}}
    if alpha_adjustable(ev):
        level = ev.weights.spec.combine_level
        a, b = (
            ("ahp_local", "objective_local")
            if level == "node"
            else ("ahp_global", "objective_global")
        )
        part["alpha"] = {
            "value": float(ev.weights.spec.alpha),
            "level": level,
            "ahp": {k: _num(v) for k, v in t[a].items()},
            "objective": {k: _num(v) for k, v in t[b].items()},
        }
    return part


def _tree_part(ev: Evaluation, lang: str) -> dict[str, Any]:
    tree = ev.tree
    return {
        "goal": tree.goal.id,
        "nodes": [{"id": n.id, "children": [c.id for c in n.children]} for n in tree.goal.walk()],
        "leaves": [n.id for n in tree.leaves()],
        "dimensions": [{"id": d.id, "name": tree.label(d.id, lang)} for d in tree.dimensions],
        "cutoffs": [float(lv.min_score) for lv in tree.levels],
        "level_names": [lv.name.get(lang) or lv.name.get("zh") or lv.id for lv in tree.levels],
        "rule": tree.level_rule,
    }


def whatif_payload(
    ev: Evaluation,
    lang: str,
    district_names: dict[str, str],
    district: str | None = None,
) -> dict[str, Any]:
    """What the page's what-if panel needs (plain JSON): the tree, the weights, the districts'
    indicator scores and those of the stations shown (of *district* only, when given: a
    district's report), the method and whether the page can recompute it exactly."""
    p = ev.prepared
    method = ev.scoring
    tree = _tree_part(ev, lang)
    leaves = tree["leaves"]
    dist = ev.districts["district"].tolist()
    d_scores = p.district_leaf_scores.reindex(dist)
    st = ev.stations[ev.stations["shown"]]
    if district is not None:
        st = st[st["district"] == district]
    keys = list(zip(st["district"], st["station"], strict=True))
    s_scores = p.station_leaf_scores.reindex(pd.MultiIndex.from_tuples(keys)) if keys else None
    name_col = "station_en" if lang == "en" else "station"
    return {
        "lang": lang,
        "method": method,
        "exact": method in EXACT_METHODS,
        "tree": tree,
        **_weights_part(ev),
        "focus": district,
        "districts": {
            "ids": dist,
            "names": [district_names.get(d, d) for d in dist],
            "scores": _matrix(d_scores, leaves),
            "total": [_num(x) for x in ev.districts["total"]],
            "rank": [_num(x) for x in ev.districts["rank"]],
        },
        "stations": {
            "district": st["district"].tolist(),
            "districtNames": [district_names.get(d, d) for d in st["district"]],
            "names": [str(x) for x in st[name_col]],
            "scores": _matrix(s_scores, leaves) if s_scores is not None else [],
            "total": [_num(x) for x in st["total"]],
        },
    }

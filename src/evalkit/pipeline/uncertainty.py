r"""Uncertainty and sensitivity analysis of every score, rank and level (``ev.analysis("uncertainty")``).

Following the OECD/JRC Handbook on Constructing Composite Indicators (2008, step 7) and Saisana,
Saltelli & Tarantola (2005, "Uncertainty and sensitivity analysis techniques as tools for the
quality assessment of composite indicators", JRSS A 168, 307-323): the choices a reviewer could
question are drawn at random and the whole evaluation is recomputed for each draw
(:mod:`evalkit.pipeline.uncertainty_model`, vectorised; no file is read):

- ``alpha``: the AHP share of the combination, uniform on a range;
- ``method``: the weighting family (combined, AHP, the objective method, equal);
- ``objective``: the objective method (entropy, CRITIC, standard deviation, ...);
- ``combine_level``: combination at every node or on global leaf weights;
- ``normalisation``: goalposts or min-max (bounds from the stations, applied to districts too);
- ``aggregation``: weighted sum or geometric;
- ``experts``: a bootstrap replicate of the experts; ``respondents``: of the officers within
  each station;
- ``leave_one_out``: one indicator left out (its siblings share its weight), or none;
- ``goalposts``: statistics' goalposts marked as calibration guesses in the tree (``basis:
  calibration``, or no basis stated) moved within a band;
- ``level_rule``: maturity level from the total, or staged (at most one above the weakest
  dimension's level); it changes levels only, so it is drawn outside the sensitivity design; with
  none listed, the tree's own ``level_rule`` holds.

The draws follow Saltelli's design: two independent samples A and B of ``draws`` rows and, for
each factor, A with that factor taken from B; the 2 x draws runs of A and B give the
distributions (5-95 % intervals, median ranks, level probabilities), and all draws x (factors + 2)
runs give first-order and total sensitivity indices (:mod:`evalkit.analysis.sensitivity`) of every
unit's score and rank, pooled by kind of unit as shares of the summed variance.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import MethodError
from ..spec import UncertaintySpec
from . import uncertainty_fast as fast
from . import uncertainty_stream as stream
from .uncertainty_model import (
    AGGREGATIONS,
    COMBINE_LEVELS,
    LEVEL_RULES,
    METHOD_FAMILIES,
    NORMALISATIONS,
    OBJECTIVES,
    Model,
    Runs,
    build_model,
)

#: Factors of the sensitivity design, in report order, with their names in zh and en.
FACTOR_LABELS: dict[str, tuple[str, str]] = {
    "alpha": ("组合系数 α", "combination alpha"),
    "method": ("赋权方法", "weighting method"),
    "objective": ("客观赋权方法", "objective method"),
    "combine_level": ("组合层级", "level of combination"),
    "normalisation": ("标准化方法", "normalisation"),
    "aggregation": ("汇总方法", "aggregation"),
    "experts": ("专家（自助抽样）", "experts (bootstrap)"),
    "respondents": ("问卷（站内自助抽样）", "respondents (bootstrap within stations)"),
    "leave_one_out": ("剔除单个指标", "leaving one indicator out"),
    "goalposts": ("阈值（校准估计值）浮动", "goalposts (calibration guesses) within a band"),
}


@dataclass(frozen=True)
class Factor:
    """A factor of the design: its uniform columns and how they set a batch of runs."""

    name: str
    width: int
    apply: Callable[[dict[str, np.ndarray], np.ndarray], None]
    text: str  # the range, as the report states it
    text_zh: str = ""  # the same in Chinese ("" when it has no words: the same as text)


@dataclass(frozen=True)
class Uncertainty:
    """The analysis' results.

    units: one row per district and per station: unit_type (district/station), district, unit,
        rank, rank_median, rank_p05, rank_p95, score, score_p05, score_p95, score_median,
        p_level_<level id> per level, level (nominal), p_level (probability of the nominal level),
        distinct (its rank interval overlaps no other unit's of the same kind), overlaps (the
        units whose 5-95 % rank intervals overlap its own), and for stations rank_in_district*.
    sensitivity: factor, first_order, total, output (score/rank), unit_type.
    factors: factor, varied (bool), range (text), range_zh (the same in Chinese).
    """

    units: pd.DataFrame
    sensitivity: pd.DataFrame
    factors: pd.DataFrame
    draws: int
    runs: int
    seed: int
    seconds: float


def _choice(key: str, options: tuple[str, ...], all_values: tuple[str, ...]) -> Callable:
    def apply(fields: dict[str, np.ndarray], u: np.ndarray) -> None:
        idx = np.minimum((u[:, 0] * len(options)).astype(int), len(options) - 1)
        fields[key] = np.array([all_values.index(o) for o in options])[idx]

    return apply


def _factors(
    u: UncertaintySpec,
    model: Model,
    nominal: dict[str, object],
    has_judgments: bool,
    guess: np.ndarray,
) -> list[Factor]:
    """The factors that vary (a factor with one value, or off, is held at its nominal value)."""
    out: list[Factor] = []
    methods = tuple(m for m in u.method if has_judgments or m not in ("ahp", "combined"))
    combined_drawn = "combined" in methods or nominal["family"] == "combined"
    if u.alpha is not None and u.alpha[1] > u.alpha[0] and combined_drawn:
        lo, hi = u.alpha

        def set_alpha(fields: dict[str, np.ndarray], v: np.ndarray) -> None:
            fields["alpha"] = lo + v[:, 0] * (hi - lo)

        out.append(Factor("alpha", 1, set_alpha, f"[{lo:g}, {hi:g}]"))
    for name, key, values, allv in (
        ("method", "family", methods, METHOD_FAMILIES),
        ("objective", "objective", u.objective, OBJECTIVES),
        ("combine_level", "level", u.combine_level if combined_drawn else (), COMBINE_LEVELS),
        ("normalisation", "norm", u.normalisation, NORMALISATIONS),
        ("aggregation", "agg", u.aggregation, AGGREGATIONS),
    ):
        if len(values) > 1:
            out.append(Factor(name, 1, _choice(key, tuple(values), allv), " | ".join(values)))
    reps = model.ahp.shape[0] - 1
    if u.experts and reps > 0:
        out.append(
            Factor(
                "experts",
                1,
                _replicate("expert", reps),
                f"{reps} bootstrap replicates",
                f"{reps} 个自助抽样样本",
            )
        )
    reps = model.station_values.shape[0] - 1
    if u.respondents and reps > 0:
        out.append(
            Factor(
                "respondents",
                1,
                _replicate("resp", reps),
                f"{reps} bootstrap replicates",
                f"{reps} 个自助抽样样本（站内）",
            )
        )
    if u.leave_one_out:
        ta = model.tree
        has_sib = (ta.siblings[ta.leaves].sum(axis=0) > 0) & False
        group = (ta.siblings[ta.leaves] > 0).argmax(axis=1)
        sizes = ta.siblings.sum(axis=0)[group]
        eligible = np.flatnonzero(sizes > 1)
        del has_sib
        if eligible.size:
            options = np.r_[-1, eligible]

            def drop(fields: dict[str, np.ndarray], v: np.ndarray) -> None:
                fields["leave_out"] = options[
                    np.minimum((v[:, 0] * len(options)).astype(int), len(options) - 1)
                ]

            n = eligible.size
            out.append(
                Factor("leave_one_out", 1, drop, f"none or one of {n}", f"不剔除或剔除 {n} 个之一")
            )
    if u.goalposts > 0 and guess.any():
        cols = np.flatnonzero(guess)
        band = u.goalposts

        def shift(fields: dict[str, np.ndarray], v: np.ndarray) -> None:
            s = np.zeros((len(v), 2, len(guess)))
            s[:, :, cols] = (2.0 * v.reshape(len(v), 2, len(cols)) - 1.0) * band
            fields["shift"] = s

        out.append(
            Factor(
                "goalposts", 2 * len(cols), shift, f"± {band:g} of the span", f"跨度的 ± {band:g}"
            )
        )
    return out


def _replicate(key: str, reps: int) -> Callable:
    def apply(fields: dict[str, np.ndarray], v: np.ndarray) -> None:
        fields[key] = 1 + np.minimum((v[:, 0] * reps).astype(int), reps - 1)

    return apply


def _decode(
    factors: list[Factor], nominal: dict[str, object], u: np.ndarray, rule: np.ndarray, leaves: int
) -> Runs:
    n = len(u)
    fields: dict[str, np.ndarray] = {
        "resp": np.zeros(n, int),
        "expert": np.zeros(n, int),
        "family": np.full(n, METHOD_FAMILIES.index(str(nominal["family"]))),
        "objective": np.full(n, OBJECTIVES.index(str(nominal["objective"]))),
        "alpha": np.full(n, float(nominal["alpha"])),  # type: ignore[arg-type]
        "level": np.full(n, COMBINE_LEVELS.index(str(nominal["combine_level"]))),
        "leave_out": np.full(n, -1),
        "norm": np.zeros(n, int),
        "agg": np.full(n, AGGREGATIONS.index(str(nominal["aggregation"]))),
        "shift": np.zeros((n, 2, leaves)),
        "rule": rule,
    }
    col = 0
    for f in factors:
        f.apply(fields, u[:, col : col + f.width])
        col += f.width
    return Runs(**fields)


def _nominal(ev) -> dict[str, object]:
    ws = ev.weights.spec
    family = "objective" if ws.method in OBJECTIVES else ws.method
    objective = ws.method if ws.method in OBJECTIVES else ws.objective
    return {
        "family": family,
        "objective": objective,
        "alpha": ws.alpha,
        "combine_level": ws.combine_level,
        "aggregation": ev.scoring,
        "rule": ev.tree.level_rule,
    }


def monte_carlo(ev, settings: UncertaintySpec | None = None) -> Uncertainty | None:
    """The uncertainty and sensitivity analysis of an Evaluation (None when draws is 0)."""
    u = settings or ev.spec.uncertainty
    if u.draws <= 0:
        return None
    if ev.scoring not in AGGREGATIONS:  # topsis, grey_relational, fuzzy: not varied here
        shown = " | ".join(AGGREGATIONS)
        raise MethodError(
            f"the uncertainty analysis varies the aggregation among {shown}; the headline "
            f"method {ev.scoring} is not one of them: evaluate with scoring.method weighted_sum "
            "or geometric for it, or set uncertainty: false",
            zh=f"不确定性分析只在 {shown} 之间变换汇总方法，主方法 {ev.scoring} 不在其中："
            "请以 scoring.method: weighted_sum 或 geometric 评价后再做此分析，或设 uncertainty: false",
        )
    if ev.weights_period != ev.period:
        raise MethodError(
            f"the evaluation of period {ev.period} is scored with the weights of period "
            f"{ev.weights_period}; the uncertainty analysis reweighs the data it is given: run it "
            f"on the evaluation of period {ev.weights_period}",
            zh=f"时期 {ev.period} 的评价采用时期 {ev.weights_period} 的权重；不确定性分析会在其"
            f"数据上重新赋权：请对时期 {ev.weights_period} 的评价进行此分析",
        )
    t0 = time.perf_counter()
    p = ev.prepared
    has_judgments = p.judgments is not None
    model = build_model(
        p,
        ev.weights.spec,
        replicates=u.replicates,
        seed=u.seed,
        respondents=u.respondents,
        experts=u.experts and has_judgments,
        objectives=tuple({*u.objective, ev.weights.objective}),
    )
    nominal = _nominal(ev)
    guess = _guess_mask(ev)
    factors = _factors(u, model, nominal, has_judgments, guess)
    width = sum(f.width for f in factors)
    rng = np.random.default_rng(u.seed)
    n = u.draws
    a = rng.random((n, width))
    b = rng.random((n, width))
    # the level rule is drawn among those listed; with none listed, the tree's own rule holds
    drawn = u.level_rule or (ev.tree.level_rule,)
    rules = np.array([LEVEL_RULES.index(r) for r in drawn])
    rule = rules[rng.integers(0, len(rules), 2 * n)]
    leaves = len(model.worst)
    minmax = "minmax" in u.normalisation
    t = fast.tables(model, minmax)
    base_runs = _decode(factors, nominal, np.vstack([a, b]), rule, leaves)
    base = fast.evaluate(model, t, base_runs, has_judgments=has_judgments, levels=True)
    streams = stream.Streams(model, base, n, len(factors))
    designs = []
    col = 0
    for f in factors:  # one design matrix per factor (A with that factor from B)
        ab = a.copy()
        ab[:, col : col + f.width] = b[:, col : col + f.width]
        col += f.width
        designs.append(_decode(factors, nominal, ab, rule[:n], leaves))
    stream.stream_factors(
        model,
        streams,
        n,
        designs,
        lambda r: fast.evaluate(model, t, r, has_judgments=has_judgments, levels=False),
    )
    goalposts = base_runs.norm == 0
    units = _unit_table(ev, model, base, goalposts)
    sens = streams.table([f.name for f in factors])
    ftable = _factor_table(u, factors, nominal)
    runs = n * (len(factors) + 2)
    return Uncertainty(units, sens, ftable, n, runs, u.seed, time.perf_counter() - t0)


def _guess_mask(ev) -> np.ndarray:
    """Statistics whose goalposts the tree marks as calibration guesses (``basis: calibration``),
    or whose basis it does not state: goalposts resting on a standard or on data stay fixed, and
    survey indicators use their scale's ends (basis ``scale``)."""
    out = []
    for leaf in ev.tree.leaves():
        src = leaf.source
        stat = src is not None and src.kind == "statistic"
        out.append(stat and leaf.goalpost_basis in ("", "calibration"))
    return np.array(out, dtype=bool)


def _percentiles(x: np.ndarray) -> np.ndarray:
    """5th, 50th and 95th percentiles of each column (linear interpolation, as numpy's default),
    NaN left out; NaN for a column with no value (a station never shown). One sort for all."""
    srt = np.sort(x, axis=0)  # NaN last
    n = (~np.isnan(x)).sum(axis=0)
    out = np.full((3, x.shape[1]), np.nan)
    ok = n > 0
    for k, q in enumerate((5, 50, 95)):  # three quantiles, each vectorised over the columns
        pos = q / 100 * np.maximum(n - 1, 0)
        lo = np.floor(pos).astype(int)
        hi = np.minimum(lo + 1, np.maximum(n - 1, 0))
        a = np.take_along_axis(srt, lo[None, :], axis=0)[0]
        b = np.take_along_axis(srt, hi[None, :], axis=0)[0]
        out[k, ok] = (a + (pos - lo) * (b - a))[ok]
    return out


def _unit_table(ev, model: Model, out: fast.Result, goalposts: np.ndarray) -> pd.DataFrame:
    tree = ev.tree
    s = model.station_values.shape[1]
    st, di = ev.stations, ev.districts
    names = list(st["station"]) + list(di["district"])
    kinds = ["station"] * s + ["district"] * (len(names) - s)
    district = list(st["district"]) + list(di["district"])
    nominal_rank = np.r_[st["rank_in_province"].to_numpy(float), di["rank"].to_numpy(float)]
    nominal_score = np.r_[st["total"].to_numpy(float), di["total"].to_numpy(float)]
    nominal_level = np.r_[st["level"].to_numpy(float), di["level"].to_numpy(float)]
    sc = _percentiles(out.total)
    rk = _percentiles(out.rank)
    frame = pd.DataFrame(
        {
            "unit_type": kinds,
            "district": district,
            "unit": names,
            "rank": nominal_rank,
            "rank_median": rk[1],
            "rank_p05": rk[0],
            "rank_p95": rk[2],
            "score": nominal_score,
            "score_median": sc[1],
            "score_p05": sc[0],
            "score_p95": sc[2],
        }
    )
    # levels are defined on the goalpost scale: their probabilities come from goalpost draws
    levels = out.level[goalposts]
    valid = ~np.isnan(levels)
    with np.errstate(all="ignore"):
        for k, lv in enumerate(tree.levels, start=1):
            frame[f"p_level_{lv.id}"] = (levels == k).sum(axis=0) / valid.sum(axis=0)
    frame["level"] = nominal_level
    frame["p_level"] = [
        frame.at[i, f"p_level_{tree.levels[int(lv) - 1].id}"] if lv == lv else np.nan
        for i, lv in enumerate(nominal_level)
    ]
    rd = _percentiles(out.rank_in_district)
    frame["rank_in_district"] = np.r_[
        st["rank_in_district"].to_numpy(float), np.full(len(di), np.nan)
    ]
    frame["rank_in_district_median"] = rd[1]
    frame["rank_in_district_p05"] = rd[0]
    frame["rank_in_district_p95"] = rd[2]
    frame["shown"] = np.r_[st["shown"].to_numpy(bool), np.ones(len(di), bool)]
    _overlaps(frame)
    return frame


def _overlap_matrix(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """(..., n, n): intervals i and j overlap (NaN intervals overlap nothing); diagonal False."""
    hit = (lo[..., :, None] <= hi[..., None, :]) & (lo[..., None, :] <= hi[..., :, None])
    n = lo.shape[-1]
    return hit & ~np.eye(n, dtype=bool)


def _overlaps(frame: pd.DataFrame) -> None:
    """distinct / overlaps: 5-95 % rank intervals compared with the other units of the same kind
    (districts among districts; stations within their district, by their rank in the district)."""
    distinct = np.ones(len(frame), bool)
    names = frame["unit"].astype(str).to_numpy()
    first8 = np.full((len(frame), 8), -1)
    count = np.zeros(len(frame), int)
    d = np.flatnonzero((frame["unit_type"] == "district").to_numpy())
    if d.size:
        hit = _overlap_matrix(frame["rank_p05"].to_numpy()[d], frame["rank_p95"].to_numpy()[d])
        count[d] = hit.sum(axis=1)
        order = np.argsort(~hit, axis=1, kind="stable")[:, :8]
        first8[d, : order.shape[1]] = np.where(np.take_along_axis(hit, order, 1), d[order], -1)
    st = frame["unit_type"].to_numpy() == "station"
    ok = st & frame["shown"].to_numpy(bool) & frame["rank_in_district_p05"].notna().to_numpy()
    s = np.flatnonzero(ok)
    if s.size:
        code = pd.factorize(frame["district"].to_numpy()[s])[0]
        srt = np.argsort(code, kind="stable")
        s, code = s[srt], code[srt]
        sizes = np.bincount(code)
        slot = np.arange(len(s)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        width = int(sizes.max())
        lo = np.full((len(sizes), width), np.nan)
        hi = np.full((len(sizes), width), np.nan)
        lo[code, slot] = frame["rank_in_district_p05"].to_numpy()[s]
        hi[code, slot] = frame["rank_in_district_p95"].to_numpy()[s]
        hit = _overlap_matrix(lo, hi)[code, slot]  # (stations, width)
        count[s] = hit.sum(axis=1)
        pad = np.full((len(sizes), width), -1)
        pad[code, slot] = s
        order = np.argsort(~hit, axis=1, kind="stable")[:, :8]
        first8[s, : order.shape[1]] = np.where(
            np.take_along_axis(hit, order, 1), pad[code[:, None], order], -1
        )
    distinct[count > 0] = False
    # the names, for the reports (text formatting, one join per unit)
    frame["distinct"] = distinct
    frame["overlaps"] = [
        "、".join(names[j] for j in row if j >= 0) + (" …" if c > 8 else "")
        for row, c in zip(first8, count, strict=True)
    ]


def _factor_table(
    u: UncertaintySpec, factors: list[Factor], nominal: dict[str, object]
) -> pd.DataFrame:
    varied = {f.name: f for f in factors}
    rows = [
        {
            "factor": name,
            "varied": name in varied,
            "range": varied[name].text if name in varied else "",
            "range_zh": (varied[name].text_zh or varied[name].text) if name in varied else "",
        }
        for name in FACTOR_LABELS
    ]
    rows.append(
        {
            "factor": "level_rule",
            "varied": len(u.level_rule) > 1,
            "range": " | ".join(u.level_rule or (str(nominal["rule"]),)),
            "range_zh": " | ".join(u.level_rule or (str(nominal["rule"]),)),
        }
    )
    return pd.DataFrame(rows)


def _register() -> None:
    from .registry import ANALYSES

    ANALYSES.register(
        "uncertainty",
        zh="不确定性与敏感性分析",
        en="uncertainty and sensitivity analysis",
        source="OECD/JRC Handbook (2008), step 7; Saisana, Saltelli & Tarantola (2005)",
    )(monte_carlo)


_register()

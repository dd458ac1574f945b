r"""Survey periods compared on one scale: ``evaluate_periods(project) -> PeriodComparison``.

A project may hold several survey periods of the same units (``periods:`` in evalkit.yaml, e.g. 2025
and 2026). The base period (``base_period:``) is weighed as a project of one period is: AHP from its
experts, objective weights across its stations. Every other period is scored with the base period's
:class:`~evalkit.weights.weightset.WeightSet` as it is (its local weights applied to that period's
goalpost scores; no objective weight is recomputed on that period's data) and the base period's
goalposts (the tree's, one tree for all periods), so that a change of score is a change of
performance, not of weights: the fixed-weight comparison of a composite indicator over time (OECD/JRC
Handbook on Constructing Composite Indicators, 2008, step 4 and box 17 on weights kept across
years; Saisana & Tarantola 2002 on the Technology Achievement Index).

For each pair of consecutive periods (in the order the project lists them), each district and each
station gets its score in both, the change :math:`\Delta = S_{to} - S_{from}` and the rank change
:math:`r_{from} - r_{to}` (positive: moved up), with percentile intervals from a bootstrap over the
respondents (:mod:`evalkit.pipeline.period_bootstrap`): the officers of every station are resampled
within their station, independently in the two periods, ``draws`` times, and

.. math:: \Delta^{(b)} = S^{(b)}_{to} - S^{(b)}_{from},\qquad
          [\Delta_{0.05}, \Delta_{0.95}]\ \text{the 5th and 95th percentiles of } \Delta^{(b)}

A change is ``significant`` when that interval excludes 0. Station records are not samples: a change
that rests only on them has an interval of zero width. Ranks are each period's own (districts among
districts, shown stations among the province's shown stations), so a station that opens moves the
ranks of those below it.
"""

from __future__ import annotations

import dataclasses
import itertools
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError, InputError, Issue, Location, MethodError, TreeError
from ..spec import RunSpec, load_spec
from ..tree.compare import scoring_differences
from ..weights.weightset import WeightSet
from .evaluation import Evaluation, evaluate_prepared
from .period_bootstrap import Replicates, bootstrap
from .prepare import Prepared, prepare
from .registry import ANALYSES
from .uncertainty import _percentiles

DEFAULT_DRAWS = 1000
DEFAULT_SEED = 20261201
#: Aggregators the comparison supports: absolute ones (TOPSIS and grey relational grades are
#: relative to the units scored together, so their change mixes performance with the other units).
PERIOD_SCORING = ("weighted_sum", "geometric")
STATUS = ("both", "new", "gone")  # in both periods of a pair, only the later, only the earlier


@dataclass(frozen=True)
class PeriodComparison:
    """Several survey periods of one project scored on the base period's scale.

    periods: the period ids in the project's order; labels: {id: {zh, en}}; base: the base period.
    evaluations: {id: Evaluation}, the base period's weighed on its own data, every other scored
    with the base period's WeightSet (``evaluations[id].weights is evaluations[base].weights``).
    districts / stations: one row per unit and pair of consecutive periods: from_period,
    to_period, the unit (district, district_en; stations: district, station, station_en), status
    (both | new: only in the later period | gone: only in the earlier), score_from, score_to,
    change, change_p05, change_p95, change_median, p_increase (share of replicates with a rise),
    significant (the interval excludes 0), rank_from, rank_to, rank_change (positive: moved up),
    rank_change_p05, rank_change_p95, level_from, level_to, and change_<dimension id> (nominal);
    stations also respondents_from / _to, shown (shown on its own in both periods), and
    rank_in_district_from / _to / rank_in_district_change with its p05 / p95.
    scores: one row per unit of any period: unit_type, district, unit, and score_<id>, rank_<id>,
    level_<id> per period. unmatched: the units missing from some period: unit_type, district,
    unit, present, absent (period ids, comma-separated).
    """

    periods: tuple[str, ...]
    labels: dict[str, dict[str, str]]
    base: str
    evaluations: dict[str, Evaluation]
    districts: pd.DataFrame
    stations: pd.DataFrame
    scores: pd.DataFrame
    unmatched: pd.DataFrame
    draws: int
    seed: int
    seconds: float
    issues: list[Issue] = field(default_factory=list)

    @property
    def weights(self) -> WeightSet:
        """The base period's weights, used for every period."""
        return self.evaluations[self.base].weights

    def label(self, period: str, lang: str) -> str:
        """A period's label in *lang* (its id when it has none)."""
        names = self.labels.get(period, {})
        return names.get(lang) or names.get("en") or names.get("zh") or period


# ---------------------------------------------------------------- checks


def _check_trees(prepared: Mapping[str, Prepared], base: str) -> None:
    """TreeError when a period's tree scores differently from the base period's."""
    bt = prepared[base].tree
    issues = []
    for pid, p in prepared.items():
        diffs = scoring_differences(bt, p.tree) if pid != base else []
        if not diffs:
            continue
        shown = diffs[:8]
        more_en = f" (and {len(diffs) - 8} more)" if len(diffs) > 8 else ""
        more_zh = f"（另有 {len(diffs) - 8} 处）" if len(diffs) > 8 else ""
        issues.append(
            Issue(
                Location(file=p.tree.file or str(p.spec.tree)),
                f"the tree of period {pid} differs from the base period {base}'s: a change "
                "between periods would mix a change of performance with a change of the tree",
                message_zh=f"时期 {pid} 的指标体系与基准期 {base} 的不同：两期之间的变化将把"
                "工作成效的变化与指标体系的变化混在一起",
                expected=f"the tree of period {base} ({bt.file})",
                expected_zh=f"时期 {base} 的指标体系（{bt.file}）",
                found="; ".join(d.text(bt, p.tree, "en") for d in shown) + more_en,
                found_zh="；".join(d.text(bt, p.tree, "zh") for d in shown) + more_zh,
                fix="Score every period with one tree: the weights and goalposts of the base "
                "period exist only for its indicators. To change the tree, make the first period "
                "scored by the new tree the base of a new comparison.",
                fix_zh="各时期须使用同一指标体系：基准期的权重与阈值只对其自身的指标成立。"
                "如需修改指标体系，请以采用新体系的第一个时期为基准另行比较。",
                check="periods",
            )
        )
    if issues:
        raise TreeError(issues, summary=f"{len(issues)} period(s) with another tree")


def _check_scoring(method: str) -> None:
    if method in PERIOD_SCORING:
        return
    shown = " | ".join(PERIOD_SCORING)
    raise MethodError(
        f"periods are compared under the aggregations {shown}; the headline method {method} "
        "scores units relative to the others scored with them, so a change would mix a unit's "
        "performance with the other units': set scoring.method to weighted_sum or geometric",
        zh=f"时期比较只适用于 {shown} 两种汇总方法；主方法 {method} 的得分相对于同期参评单位，"
        "其变化会把本单位的成效与其他单位的混在一起：请将 scoring.method 设为 weighted_sum 或 "
        "geometric",
    )


# ---------------------------------------------------------------- tables


def _unit_keys(ev: Evaluation, kind: str) -> pd.MultiIndex:
    if kind == "district":
        frame = ev.districts.assign(station="")
    else:
        frame = ev.stations
    return pd.MultiIndex.from_arrays(
        [frame["district"].astype(str), frame["station"].astype(str)], names=["district", "unit"]
    )


@dataclass(frozen=True)
class _Pair:
    """The units of two periods of one kind, matched: positions in each period's table (-1 where
    absent) and, for the replicates, the columns (stations first, then districts)."""

    keys: pd.MultiIndex
    ia: np.ndarray
    ib: np.ndarray
    ca: np.ndarray
    cb: np.ndarray

    @property
    def both(self) -> np.ndarray:
        return (self.ia >= 0) & (self.ib >= 0)


def _pair(a: Evaluation, b: Evaluation, kind: str) -> _Pair:
    """Units of *b* in its order, then those only in *a*."""
    ka, kb = _unit_keys(a, kind), _unit_keys(b, kind)
    keys = kb.append(ka[~ka.isin(kb)])
    ia, ib = ka.get_indexer(keys), kb.get_indexer(keys)
    off_a = len(a.stations) if kind == "district" else 0
    off_b = len(b.stations) if kind == "district" else 0
    return _Pair(keys, ia, ib, np.where(ia >= 0, ia + off_a, -1), np.where(ib >= 0, ib + off_b, -1))


def _take(frame: pd.DataFrame, col: str, idx: np.ndarray) -> np.ndarray:
    """frame[col] at positions idx (NaN / "" where idx is -1)."""
    values = frame[col].to_numpy()
    if values.dtype.kind in "fiub":
        out = np.full(len(idx), np.nan)
        out[idx >= 0] = values[idx[idx >= 0]].astype(float)
        return out
    obj = np.full(len(idx), "", dtype=object)
    obj[idx >= 0] = values[idx[idx >= 0]]
    return obj


def _intervals(pair: _Pair, ra: Replicates, rb: Replicates, attr: str, sign: float) -> np.ndarray:
    """(3, units) 5th, 50th, 95th percentiles of the replicates' change of *attr* (total: to - from;
    ranks: from - to, i.e. *sign* -1), NaN for units not in both periods or without draws."""
    out = np.full((3, len(pair.keys)), np.nan)
    both = np.flatnonzero(pair.both)
    if both.size == 0 or ra.draws == 0:
        return out
    va, vb = getattr(ra, attr), getattr(rb, attr)
    d = sign * (vb[:, pair.cb[both]] - va[:, pair.ca[both]])
    out[:, both] = _percentiles(d)
    return out


def _change_columns(
    frame: pd.DataFrame,
    pair: _Pair,
    tables: tuple[pd.DataFrame, pd.DataFrame],
    rank: str,
    reps: tuple[Replicates, Replicates],
    dims: list[str],
) -> None:
    """Scores, change with its interval, ranks (column *rank* of the two periods' tables) and
    rank change with theirs, levels, the dimensions' changes."""
    kind_a, kind_b = tables
    ra, rb = reps
    frame["score_from"] = _take(kind_a, "total", pair.ia)
    frame["score_to"] = _take(kind_b, "total", pair.ib)
    frame["change"] = frame["score_to"] - frame["score_from"]
    ci = _intervals(pair, ra, rb, "total", 1.0)
    frame["change_p05"], frame["change_median"], frame["change_p95"] = ci
    frame["p_increase"] = np.nan
    both = np.flatnonzero(pair.both)
    if both.size and ra.draws:
        d = rb.total[:, pair.cb[both]] - ra.total[:, pair.ca[both]]
        frame.loc[frame.index[both], "p_increase"] = (d > 0).mean(axis=0)
    frame["significant"] = (frame["change_p05"] > 0) | (frame["change_p95"] < 0)
    frame["rank_from"] = _take(kind_a, rank, pair.ia)
    frame["rank_to"] = _take(kind_b, rank, pair.ib)
    frame["rank_change"] = frame["rank_from"] - frame["rank_to"]
    rci = _intervals(pair, ra, rb, "rank", -1.0)
    frame["rank_change_p05"], frame["rank_change_p95"] = rci[0], rci[2]
    frame["level_from"] = _take(kind_a, "level", pair.ia)
    frame["level_to"] = _take(kind_b, "level", pair.ib)
    for dim in dims:
        frame[f"change_{dim}"] = _take(kind_b, dim, pair.ib) - _take(kind_a, dim, pair.ia)


def _status(pair: _Pair) -> np.ndarray:
    return np.where(pair.both, "both", np.where(pair.ib >= 0, "new", "gone"))


def _district_changes(a: Evaluation, b: Evaluation, ra: Replicates, rb: Replicates) -> pd.DataFrame:
    pair = _pair(a, b, "district")
    frame = pd.DataFrame(
        {
            "from_period": a.period,
            "to_period": b.period,
            "district": pair.keys.get_level_values("district"),
            "district_en": np.where(
                pair.ib >= 0,
                _take(b.districts, "district_en", pair.ib),
                _take(a.districts, "district_en", pair.ia),
            ),
            "status": _status(pair),
        }
    )
    tables = (a.districts, b.districts)
    _change_columns(frame, pair, tables, "rank", (ra, rb), a.dimension_ids)
    return frame


def _station_changes(a: Evaluation, b: Evaluation, ra: Replicates, rb: Replicates) -> pd.DataFrame:
    pair = _pair(a, b, "station")
    frame = pd.DataFrame(
        {
            "from_period": a.period,
            "to_period": b.period,
            "district": pair.keys.get_level_values("district"),
            "station": pair.keys.get_level_values("unit"),
            "station_en": np.where(
                pair.ib >= 0,
                _take(b.stations, "station_en", pair.ib),
                _take(a.stations, "station_en", pair.ia),
            ),
            "status": _status(pair),
            "respondents_from": _take(a.stations, "respondents", pair.ia),
            "respondents_to": _take(b.stations, "respondents", pair.ib),
        }
    )
    shown_a = _take(a.stations, "shown", pair.ia)
    shown_b = _take(b.stations, "shown", pair.ib)
    frame["shown"] = (shown_a == 1) & (shown_b == 1)
    tables = (a.stations, b.stations)
    _change_columns(frame, pair, tables, "rank_in_province", (ra, rb), a.dimension_ids)
    frame["rank_in_district_from"] = _take(a.stations, "rank_in_district", pair.ia)
    frame["rank_in_district_to"] = _take(b.stations, "rank_in_district", pair.ib)
    frame["rank_in_district_change"] = frame["rank_in_district_from"] - frame["rank_in_district_to"]
    rci = _intervals(pair, _in_district(ra), _in_district(rb), "rank", -1.0)
    frame["rank_in_district_change_p05"] = rci[0]
    frame["rank_in_district_change_p95"] = rci[2]
    return frame


def _in_district(r: Replicates) -> Replicates:
    """The replicates with their stations' in-district ranks as ranks (stations' columns only)."""
    return Replicates(r.nominal, r.total, r.rank_in_district, r.rank_in_district)


def _scores_table(periods: tuple[str, ...], evs: dict[str, Evaluation]) -> pd.DataFrame:
    """One row per unit of any period: in_<id> (the unit is in that period), score_<id>,
    rank_<id>, level_<id> per period."""
    parts = []
    for kind, rank in (("district", "rank"), ("station", "rank_in_province")):
        keys = pd.MultiIndex.from_arrays([[], []], names=["district", "unit"])
        for pid in periods:
            k = _unit_keys(evs[pid], kind)
            keys = keys.append(k[~k.isin(keys)])
        unit_level = "unit" if kind == "station" else "district"
        frame = pd.DataFrame(
            {
                "unit_type": kind,
                "district": keys.get_level_values("district"),
                "unit": keys.get_level_values(unit_level),
            }
        )
        for pid in periods:
            ev = evs[pid]
            table = ev.districts if kind == "district" else ev.stations
            idx = _unit_keys(ev, kind).get_indexer(keys)
            frame[f"in_{pid}"] = idx >= 0
            frame[f"score_{pid}"] = _take(table, "total", idx)
            frame[f"rank_{pid}"] = _take(table, rank, idx)
            frame[f"level_{pid}"] = _take(table, "level", idx)
        parts.append(frame)
    return pd.concat(parts, ignore_index=True)


def _listed(periods: tuple[str, ...], mask: np.ndarray) -> np.ndarray:
    """Per row of *mask* (rows, periods) the ids of the periods marked, comma-separated."""
    text = np.full(len(mask), "", dtype=object)
    for k, pid in enumerate(periods):  # a loop over periods, each vectorised over the units
        sep = np.where(text == "", "", ", ")
        text = np.where(mask[:, k], text + sep + pid, text)
    return text


def _unmatched(periods: tuple[str, ...], scores: pd.DataFrame) -> pd.DataFrame:
    """The units missing from some period, with the periods they are in and those they are not."""
    present = scores[[f"in_{p}" for p in periods]].to_numpy(bool)
    some = ~present.all(axis=1)
    frame = scores.loc[some, ["unit_type", "district", "unit"]].reset_index(drop=True)
    frame["present"] = _listed(periods, present[some])
    frame["absent"] = _listed(periods, ~present[some])
    return frame


def _unmatched_issue(unmatched: pd.DataFrame) -> list[Issue]:
    """One warning naming the units not in every period (their change cannot be computed)."""
    if unmatched.empty:
        return []
    rows = unmatched.head(10)
    name = np.where(
        rows["unit_type"] == "station", rows["district"] + " / " + rows["unit"], rows["unit"]
    )
    en = [
        f"{n} (in {p}; not in {a})"
        for n, p, a in zip(name, rows["present"], rows["absent"], strict=True)
    ]
    zh = [
        f"{n}（见于 {p}；{a} 无）"
        for n, p, a in zip(name, rows["present"], rows["absent"], strict=True)
    ]
    more = len(unmatched) - len(rows)
    return [
        Issue(
            Location(),
            f"{len(unmatched)} unit(s) are not in every period; their change is not computed "
            "where one of its two periods lacks them: "
            + "; ".join(en)
            + (f" and {more} more" if more else ""),
            message_zh=f"{len(unmatched)} 个单位并非各期都有，缺少其中一期时不计算其变化："
            + "；".join(zh)
            + (f"，另有 {more} 个" if more else ""),
            fix="A unit is matched by its district and station names: check the spelling in "
            "every period's stations table if the unit did not open or close.",
            fix_zh="各期单位按区县与派出所名称对应：若该单位并未新设或撤销，请核对各期派出所表中的"
            "名称写法。",
            severity="warning",
            check="periods",
        )
    ]


# ---------------------------------------------------------------- the comparison


def compare_periods(
    prepared: Mapping[str, Prepared],
    *,
    base: str,
    labels: Mapping[str, Mapping[str, str]] | None = None,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
) -> PeriodComparison:
    """Compare prepared periods (in chronological order, by id) on the scale of the *base* one.

    The base period is evaluated as a project of one period; every other with the base period's
    WeightSet, spec weights and scoring (its own objective weights are never computed). Each
    period's officers are resampled *draws* times (0: no intervals) from its own stream of *seed*.
    TreeError when a period's tree scores differently from the base's; MethodError when the
    base's scoring method is relative (TOPSIS, grey relational, fuzzy) or *base* is no period.
    """
    t0 = time.perf_counter()
    periods = tuple(prepared)
    if base not in prepared:
        raise MethodError(
            f"the base period {base!r} is none of the periods {', '.join(periods)}",
            zh=f"基准期 {base!r} 不在各时期 {'、'.join(periods)} 之中",
        )
    if draws < 0:
        raise ValueError(f"draws must be at least 0, got {draws}")
    _check_trees(prepared, base)
    bp = prepared[base]
    _check_scoring(bp.spec.scoring.method)
    base_ev = evaluate_prepared(bp, period=base, weights_period=base)
    evs = {
        pid: base_ev
        if pid == base
        else evaluate_prepared(
            p,
            weights=bp.spec.weights,
            scoring=bp.spec.scoring,
            weight_set=base_ev.weights,
            period=pid,
            weights_period=base,
        )
        for pid, p in prepared.items()
    }
    root = np.random.SeedSequence(seed)
    reps = {
        pid: bootstrap(evs[pid], draws, stream)
        for pid, stream in zip(periods, root.spawn(len(periods)), strict=True)
    }
    pairs = list(itertools.pairwise(periods))
    districts = [_district_changes(evs[a], evs[b], reps[a], reps[b]) for a, b in pairs]
    stations = [_station_changes(evs[a], evs[b], reps[a], reps[b]) for a, b in pairs]
    scores = _scores_table(periods, evs)
    unmatched = _unmatched(periods, scores)
    return PeriodComparison(
        periods=periods,
        labels={pid: dict((labels or {}).get(pid, {})) for pid in periods},
        base=base,
        evaluations=evs,
        districts=_concat(districts),
        stations=_concat(stations),
        scores=scores,
        unmatched=unmatched,
        draws=draws,
        seed=seed,
        seconds=time.perf_counter() - t0,
        issues=_unmatched_issue(unmatched),
    )


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def prepare_periods(
    project: RunSpec | Path | str = ".", *, isolate: bool = False
) -> dict[str, Prepared]:
    """Read every period of a project once: {period id: Prepared}, in the project's order.

    A period other than the base is read without experts (its weights are the base period's).
    Raises one InputError listing the problems of every period at once."""
    spec = project if isinstance(project, RunSpec) else load_spec(project)
    if not spec.periods:
        raise MethodError(
            f"{spec.file or 'the project'} has no periods: add `periods:` (each with an id and "
            "its data) and `base_period:` to compare periods",
            zh=f"{spec.file or '该项目'}没有时期：如需比较各期，请添加 `periods:`（每期有 id 及其"
            "数据）和 `base_period:`",
        )
    out: dict[str, Prepared] = {}
    problems: list[Issue] = []
    for period in spec.periods:
        pspec = spec.for_period(period.id)
        if period.id != spec.base_period:  # its weights are the base period's
            pspec = dataclasses.replace(pspec, experts=None)
        try:
            out[period.id] = prepare(pspec, isolate=isolate)
        except InputError as exc:
            problems += exc.issues
    if problems:
        raise DataError(problems)
    return out


def evaluate_periods(
    project: RunSpec | Path | str = ".",
    *,
    draws: int | None = None,
    seed: int | None = None,
    isolate: bool = False,
) -> PeriodComparison:
    """Evaluate every period of a project (``periods:`` in evalkit.yaml) on the base period's
    scale, with the changes between consecutive periods and their bootstrap intervals; *draws*
    and *seed* override the project's ``period_change:``."""
    spec = project if isinstance(project, RunSpec) else load_spec(project)
    prepared = prepare_periods(spec, isolate=isolate)
    settings = spec.period_change
    return compare_periods(
        prepared,
        base=spec.base_period,
        labels={p.id: p.label for p in spec.periods},
        draws=settings.draws if draws is None else draws,
        seed=settings.seed if seed is None else seed,
    )


@ANALYSES.register(
    "periods",
    zh="分期比较",
    en="change between periods",
    source="bootstrap over respondents within stations (Efron & Tibshirani 1993)",
)
def periods_analysis(ev: Evaluation) -> PeriodComparison | None:
    """The project's survey periods compared on the base period's scale (None for a project of
    one period); the reports show the change of their units."""
    if not ev.spec.periods:
        return None
    return evaluate_periods(ev.spec)


__all__ = [
    "PeriodComparison",
    "compare_periods",
    "evaluate_periods",
    "prepare_periods",
]

r"""A seeded generator of a synthetic province: survey workbooks per district and expert judgments.

What it models
--------------
Every station has a latent *strength* on the 0-100 score scale for every indicator of the tree:

.. math:: T_{s,i} = D_{d,k(i)} + z_{d,i} + u_s + v_{s,k(i)} + w_{s,i}

- :math:`D_{d,k}` is the district's strength in dimension *k*: a district level plus Gaussian
  jitter, lowered by 18-22 points in its designed weak dimensions (see :data:`DISTRICTS`);
- :math:`z_{d,i}` ~ N(0, 5) lets indicators of one dimension differ within a district;
- :math:`u_s` ~ N(0, 5) (station level) and :math:`v_{s,k}` ~ N(0, 3) let stations vary around
  their district as a whole and per dimension;
- :math:`w_{s,i}` ~ N(0, 16) is each indicator's own variation at each station: a station that
  keeps its records complete need not update them in time, nor one with many terminals have the
  bandwidth. It is the largest term, so indicators of one dimension correlate across stations
  only moderately, as separately measured indicators do (on the example about r = 0.4 within a
  dimension and 0.15 across dimensions; none reaches the redundancy check's 0.8). With a
  term as small as the station's own (N(0, 5)), the district's strength per dimension made
  whole dimensions move together (89 of the example's 595 pairs at |r| >= 0.8), which the
  check rightly reads as double counting. The standard deviations are :data:`STRENGTH_SD`.

A **station statistic** maps the strength linearly into the indicator's goalposts,
``value = worst + (best - worst) * T / 100`` (so most values lie between worst and best and a few
beyond), and is then written as realistic numerator / denominator counts (or a plain per-station
value) in the ``stations`` sheet. A **survey item** is answered by each officer from the station's
mean ``1 + 4 T / 100`` plus an officer effect N(0, 0.45), an officer x dimension effect N(0, 0.35)
and item noise N(0, 0.75), rounded and clipped to 1-5; when agreement with the item is bad (a
``reverse`` item, or an item of a ``cost`` indicator, but not both) the answer is mirrored
(6 - x), so a good station disagrees with a reverse-worded item. About 2 % of the answers are left
blank and about 3 % are written as the Chinese label ("同意") instead of the number.

**Experts** share one "true" local weight vector per criterion node; each expert perturbs it on the
log scale (N(0, 0.25) per element plus N(0, 0.3) per judgment), and the ratios are rounded to the
nearest value of Saaty's 1-9 scale. Matrices are redrawn until CR < 0.08 (Saaty's RI), except for
expert ``E06`` at the goal node, whose matrix has 2-3 reversed judgments and 0.2 < CR < 0.5. A
matrix of two items is always consistent, so when the goal has fewer than three children E06 is
inconsistent at the first node that has three or more, and at none if no node has.

Everything is drawn from one ``numpy.random.Generator`` seeded by ``seed``; workbooks carry a fixed
creation date, so the same seed gives byte-identical files.

Another survey period
---------------------
``synthesize(..., period="2025")`` writes the same province (the same districts and stations,
planned from the same ``seed``) surveyed in another period: every station's strengths move by its
district's drift (:data:`PERIOD_DRIFT`: the period written minus the example's; N(0, 3) for
districts beyond the designed four) plus a station drift N(0, 1.5) and an indicator drift N(0, 1)
per station, then a new wave of officers answers (20-60 per station, the small station again 3;
respondent ids ``<period>-R00001`` ..., never those of the example) and the records are drawn
anew. What follows the plan is drawn from a generator seeded by ``seed`` and the period's label,
so another label gives another wave. No experts workbook is written: the weights of every period
come from the base period's experts.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import xlsxwriter

from .tree import load_tree

__all__ = [
    "DISTRICTS",
    "INCONSISTENT_EXPERT",
    "PERIOD_DRIFT",
    "SMALL_STATION",
    "STRENGTH_SD",
    "DistrictDesign",
    "synthesize",
]


@dataclass(frozen=True)
class DistrictDesign:
    """A fictional district: names, latent overall strength, designed weak dimensions, stations."""

    zh: str
    en: str
    level: float  # latent strength (0-100) of its ordinary dimensions
    weak: tuple[str, ...]  # dimension ids designed to be clearly weak
    stations: tuple[
        tuple[str, str], ...
    ]  # (zh stem, pinyin stem); 派出所 / Police Station appended


DISTRICTS: tuple[DistrictDesign, ...] = (
    DistrictDesign(
        "东湖区",
        "Donghu District",
        87.0,
        ("info_sources",),
        (
            ("东湖", "Donghu"),
            ("湖滨", "Hubin"),
            ("新华", "Xinhua"),
            ("解放", "Jiefang"),
            ("桂园", "Guiyuan"),
            ("文昌", "Wenchang"),
            ("花园", "Huayuan"),
            ("滨河", "Binhe"),
            ("金桥", "Jinqiao"),
            ("光明", "Guangming"),
        ),
    ),
    DistrictDesign(
        "西山区",
        "Xishan District",
        71.0,
        ("tech_environment",),
        (
            ("西山", "Xishan"),
            ("松林", "Songlin"),
            ("石门", "Shimen"),
            ("青石", "Qingshi"),
            ("龙泉", "Longquan"),
            ("梅岭", "Meiling"),
            ("枫林", "Fenglin"),
            ("翠屏", "Cuiping"),
            ("盘龙", "Panlong"),
            ("桃源", "Taoyuan"),
        ),
    ),
    DistrictDesign(
        "南港区",
        "Nangang District",
        78.0,
        ("analysis_ability", "safeguards"),
        (
            ("南港", "Nangang"),
            ("海滨", "Haibin"),
            ("渔湾", "Yuwan"),
            ("望江", "Wangjiang"),
            ("白沙", "Baisha"),
            ("港口", "Gangkou"),
            ("沙洲", "Shazhou"),
            ("双桥", "Shuangqiao"),
            ("兴隆", "Xinglong"),
            ("永安", "Yong'an"),
        ),
    ),
    DistrictDesign(
        "北岭区",
        "Beiling District",
        64.0,
        ("info_collection",),
        (
            ("北岭", "Beiling"),
            ("城关", "Chengguan"),
            ("红星", "Hongxing"),
            ("朝阳", "Chaoyang"),
            ("柳营", "Liuying"),
            ("清泉", "Qingquan"),
            ("杏坛", "Xingtan"),
            ("三里", "Sanli"),
            ("太平", "Taiping"),
            ("和平", "Heping"),
        ),
    ),
)
"""The designed districts, in order; ``synthesize(districts=n)`` uses the first ``min(n, 4)``."""

# Districts beyond the designed four get a random level, 1-2 random weak dimensions and stations
# drawn (without replacement) from a shared pool of name stems.
_EXTRA_DISTRICTS = (
    ("中州区", "Zhongzhou District"),
    ("青溪区", "Qingxi District"),
    ("云台区", "Yuntai District"),
    ("临江区", "Linjiang District"),
)
_STEM_POOL = (
    ("长青", "Changqing"), ("凤凰", "Fenghuang"), ("柳林", "Liulin"), ("白石", "Baishi"),
    ("红旗", "Hongqi"), ("建设", "Jianshe"), ("人民", "Renmin"), ("胜利", "Shengli"),
    ("中山", "Zhongshan"), ("东风", "Dongfeng"), ("向阳", "Xiangyang"), ("新村", "Xincun"),
    ("南门", "Nanmen"), ("北门", "Beimen"), ("西关", "Xiguan"), ("东关", "Dongguan"),
    ("五里", "Wuli"), ("十里", "Shili"), ("金沙", "Jinsha"), ("银杏", "Yinxing"),
    ("玉泉", "Yuquan"), ("碧波", "Bibo"), ("紫荆", "Zijing"), ("丰收", "Fengshou"),
    ("高桥", "Gaoqiao"), ("石桥", "Shiqiao"), ("黄山", "Huangshan"), ("青山", "Qingshan"),
    ("园林", "Yuanlin"), ("学府", "Xuefu"), ("江滨", "Jiangbin"), ("绿洲", "Lvzhou"),
    ("平安", "Ping'an"), ("安康", "Ankang"), ("富民", "Fumin"), ("康乐", "Kangle"),
    ("长乐", "Changle"), ("福田", "Futian"), ("瑞丰", "Ruifeng"), ("顺河", "Shunhe"),
)  # fmt: skip
# further districts are named from this pool (青山区 …, then 青山二区 …): a province-sized batch
_DISTRICT_STEMS = (
    ("青山", "Qingshan"), ("白沙", "Baisha"), ("东城", "Dongcheng"), ("西城", "Xicheng"),
    ("南湖", "Nanhu"), ("北塘", "Beitang"), ("金水", "Jinshui"), ("河西", "Hexi"),
    ("江北", "Jiangbei"), ("江南", "Jiangnan"), ("新华", "Xinhua"), ("长安", "Chang'an"),
    ("永宁", "Yongning"), ("安平", "Anping"), ("高新", "Gaoxin"), ("经开", "Jingkai"),
    ("沙河", "Shahe"), ("桃源", "Taoyuan"), ("梅林", "Meilin"), ("竹园", "Zhuyuan"),
)  # fmt: skip
_ORDINALS = ("", "二", "三", "四", "五", "六", "七", "八", "九", "十")
_ORDINALS_EN = ("", " II", " III", " IV", " V", " VI", " VII", " VIII", " IX", " X")
MAX_DISTRICTS = len(DISTRICTS) + len(_EXTRA_DISTRICTS) + len(_DISTRICT_STEMS) * len(_ORDINALS)


def _extra_district(k: int) -> tuple[str, str]:
    """Name of the k-th district after the designed ones (0-based)."""
    if k < len(_EXTRA_DISTRICTS):
        return _EXTRA_DISTRICTS[k]
    k -= len(_EXTRA_DISTRICTS)
    (zh, en), n = _DISTRICT_STEMS[k % len(_DISTRICT_STEMS)], k // len(_DISTRICT_STEMS)
    return f"{zh}{_ORDINALS[n]}区", f"{en}{_ORDINALS_EN[n]} District"


SMALL_STATION: tuple[int, int] = (1, -1)
"""(district index, station index) of the station with only 3 respondents: 西山区's last station."""
SMALL_STATION_RESPONDENTS = 3

PERIOD_DRIFT: dict[str, float] = {"东湖区": -2.0, "西山区": -8.0, "南港区": 3.0, "北岭区": 0.0}
"""Latent strength of a period written with ``period=`` minus the example's, per designed district
(points on the 0-100 scale): read as an earlier survey, 西山区 has since improved by about 8 points,
东湖区 by 2, 南港区 has declined by 3 and 北岭区 stayed where it was."""

EXPERTS: tuple[str, ...] = tuple(f"E{k:02d}" for k in range(1, 9))
INCONSISTENT_EXPERT = "E06"
"""The expert whose goal-node matrix is clearly inconsistent (0.2 < CR < 0.5)."""

# Saaty's random indices (n = 1..15); n <= 2 gives CR = 0.
_SAATY_RI = (0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59)
_SAATY_LOG = np.log(np.concatenate([1.0 / np.arange(9, 1, -1), np.arange(1, 10)]))

STRENGTH_SD: dict[str, float] = {
    "district_indicator": 5.0,  # z: an indicator's own offset in a district
    "station": 5.0,  # u: a station's level
    "station_dimension": 3.0,  # v: a station's level in a dimension
    "station_indicator": 16.0,  # w: an indicator's own variation at a station
}
"""Standard deviations (points on the 0-100 scale) of the strength's terms (module docstring)."""
_MISSING_SHARE = 0.02
_LABEL_SHARE = 0.03
_CREATED = datetime(2026, 11, 1)
_WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_numbers": False}


# ----------------------------------------------------------------- the tree (private walker)


@dataclass(frozen=True)
class _Indicator:
    id: str
    dimension: int  # index among the goal's children
    cost: bool
    goalposts: tuple[float, float]  # (worst, best) on the indicator's own scale
    statistic: dict[str, Any] | None
    items: tuple[tuple[str, bool], ...]  # (item id, reverse)
    scale: tuple[tuple[float, ...], tuple[str, ...]] = ((), ())  # survey: values, zh labels


@dataclass(frozen=True)
class _Tree:
    dimensions: tuple[str, ...]
    indicators: tuple[_Indicator, ...]
    criteria: tuple[
        tuple[str, tuple[str, ...]], ...
    ]  # (node id, child ids) for nodes with children


def _read_tree(tree_path: Path) -> _Tree:
    """The tree through evalkit's own loader (a bad tree is a located TreeError, not a KeyError);
    each survey indicator keeps its own scale."""
    tree = load_tree(Path(tree_path))
    dimensions = tuple(d.id for d in tree.dimensions)
    indicators: list[_Indicator] = []
    for k, dim in enumerate(tree.dimensions):
        for node in dim.walk():
            if not node.is_leaf or node.source is None:
                continue
            src = node.source
            cost = node.direction == "cost"
            if src.kind == "survey":
                scale = tree.scales[src.scale]
                lo, hi = scale.low, scale.high
                goalposts = (hi, lo) if cost else (lo, hi)
                items = tuple((it.id, it.reverse) for it in src.items)
                values = tuple(sorted(scale.values))
                order = np.argsort(scale.values)
                labels = tuple(scale.labels.get("zh", ())[i] for i in order)
                indicators.append(
                    _Indicator(node.id, k, cost, goalposts, None, items, (values, labels))
                )
            else:
                stat: dict[str, Any] = (
                    {
                        "numerator": src.numerator,
                        "denominator": src.denominator,
                        "multiplier": src.multiplier,
                    }
                    if src.is_ratio
                    else {"column": src.column}
                )
                indicators.append(_Indicator(node.id, k, cost, (node.worst, node.best), stat, ()))
    criteria = tuple((n.id, tuple(c.id for c in n.children)) for n in tree.criteria())
    return _Tree(dimensions, tuple(indicators), criteria)


# ----------------------------------------------------------------- stations, latent strengths


@dataclass(frozen=True)
class _District:
    zh: str
    en: str
    stations: tuple[tuple[str, str], ...]  # (zh name, en name)
    respondents: np.ndarray  # per station
    strength: np.ndarray  # (stations, indicators) latent 0-100


def _plan_districts(tree: _Tree, rng: np.random.Generator, n_districts: int) -> list[_District]:
    n_dim, n_ind = len(tree.dimensions), len(tree.indicators)
    dim_of = np.array([ind.dimension for ind in tree.indicators], dtype=int)
    extra_stems = list(_STEM_POOL)
    d_small = min(SMALL_STATION[0], n_districts - 1)
    plans: list[_District] = []
    for d in range(n_districts):
        if d < len(DISTRICTS):
            design = DISTRICTS[d]
            zh, en, level = design.zh, design.en, design.level
            weak = [tree.dimensions.index(w) for w in design.weak if w in tree.dimensions]
            stems = design.stations
            n_st = int(rng.integers(4, 11))
        else:
            zh, en = _extra_district(d - len(DISTRICTS))
            level = float(rng.uniform(66, 84))
            weak = list(rng.choice(n_dim, size=min(n_dim, int(rng.integers(1, 3))), replace=False))
            n_st = int(rng.integers(4, 11))
            if len(extra_stems) < n_st:  # pool used up: names repeat in other districts only
                extra_stems = list(_STEM_POOL)
            picks = sorted(rng.choice(len(extra_stems), size=n_st, replace=False), reverse=True)
            stems = tuple(extra_stems.pop(p) for p in picks)
        stems = stems[:n_st]
        dim_strength = level + rng.normal(0.0, 2.0, n_dim)
        dim_strength[weak] -= rng.uniform(18.0, 22.0, len(weak))
        ind_offset = rng.normal(0.0, STRENGTH_SD["district_indicator"], n_ind)
        station_level = rng.normal(0.0, STRENGTH_SD["station"], (n_st, 1))
        station_dim = rng.normal(0.0, STRENGTH_SD["station_dimension"], (n_st, n_dim))
        station_ind = rng.normal(0.0, STRENGTH_SD["station_indicator"], (n_st, n_ind))
        strength = (
            dim_strength[dim_of] + ind_offset + station_level + station_dim[:, dim_of] + station_ind
        )
        respondents = rng.integers(20, 61, n_st)
        if d == d_small:
            respondents[SMALL_STATION[1]] = SMALL_STATION_RESPONDENTS
        names = tuple((f"{s_zh}派出所", f"{s_en} Police Station") for s_zh, s_en in stems)
        plans.append(_District(zh, en, names, respondents, strength))
    return plans


def _drifted(plans: list[_District], rng: np.random.Generator) -> list[_District]:
    """The same districts and stations in another period: strengths drifted (the district's
    :data:`PERIOD_DRIFT`, a station drift N(0, 1.5), an indicator drift N(0, 1) per station), a
    new number of officers per station (the small station keeps its count)."""
    out = []
    for plan in plans:
        n_st, n_ind = plan.strength.shape
        shift = PERIOD_DRIFT.get(plan.zh)
        if shift is None:
            shift = float(rng.normal(0.0, 3.0))
        station = rng.normal(0.0, 1.5, (n_st, 1))
        indicator = rng.normal(0.0, 1.0, (n_st, n_ind))
        respondents = np.where(plan.respondents < 20, plan.respondents, rng.integers(20, 61, n_st))
        strength = plan.strength + shift + station + indicator
        out.append(_District(plan.zh, plan.en, plan.stations, respondents, strength))
    return out


# Statistic columns with a realistic generator when they serve as denominators; any other
# denominator named by a tree gets positive integers in 100-1000.
def _denominator(name: str, base: dict[str, np.ndarray], rng: np.random.Generator) -> np.ndarray:
    n = len(base["officers"])
    officers, community, residents = base["officers"], base["community_officers"], base["residents"]
    if name == "actual_records":  # people + dwellings + organisations
        return np.rint(residents * rng.uniform(1.3, 1.7, n))
    if name == "changed_records":  # records that changed in the year
        return np.rint(residents * rng.uniform(0.03, 0.07, n))
    if name == "faults":  # reported faults in the year
        return rng.integers(12, 61, n).astype(float)
    if name == "solved_cases":
        return np.rint(officers * rng.uniform(2.0, 6.0, n))
    if name == "total_budget":  # 万元 per year
        return np.round(officers * rng.uniform(18.0, 30.0, n), 1)
    if name == "duty_hours":  # community officers' duty hours in the year
        return np.rint(community * rng.uniform(2000.0, 2250.0, n))
    if name == "station_leaders":  # chief, political instructor, deputy chiefs
        return rng.integers(3, 6, n).astype(float)
    if name == "police_offices":  # community police offices (警务室), about one per community
        return np.maximum(1.0, np.rint(community * rng.uniform(0.8, 1.2, n)))
    if name == "video_points":  # public video surveillance points in the area
        return np.rint(residents / rng.uniform(150.0, 400.0, n))
    if name == "surveyed_residents":  # residents asked in the annual satisfaction survey
        return rng.integers(80, 301, n).astype(float)
    if name == "service_applications":  # household-registration, ID and certificate matters a year
        return np.rint(residents * rng.uniform(0.05, 0.12, n))
    return rng.integers(100, 1001, n).astype(float)


_ONE_DECIMAL = frozenset({"it_funding", "repair_hours", "total_budget", "bandwidth_mbps"})
_POISSON = frozenset({"security_incidents"})


def _station_table(tree: _Tree, plan: _District, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Columns of the stations sheet (numeric), in tree order after the base columns."""
    n = len(plan.stations)
    respondents = plan.respondents
    officers = respondents + rng.integers(8, 35, n)
    officers = np.where(respondents < 20, rng.integers(8, 15, n), officers).astype(float)
    community = np.maximum(4, np.rint(officers * rng.uniform(0.25, 0.45, n)))
    cols: dict[str, np.ndarray] = {"officers": officers, "community_officers": community}
    base = {**cols, "residents": np.rint(officers * rng.uniform(1200.0, 2000.0, n))}

    def value_of(i: int) -> np.ndarray:
        worst, best = tree.indicators[i].goalposts
        return worst + (best - worst) * np.clip(plan.strength[:, i], -15.0, 115.0) / 100.0

    # A base column that an indicator divides by a staffing column (residents per community
    # officer) follows that indicator's strength; otherwise a tree that also divides by it (tip-offs
    # per 1,000 residents, earlier in the tree) would fix it first and the indicator would not
    # follow its station's strength at all.
    for i, ind in enumerate(tree.indicators):
        stat = ind.statistic or {}
        num, den = stat.get("numerator"), stat.get("denominator")
        if num == "residents" and den in cols:
            value = np.maximum(value_of(i), 0.05)
            base[num] = np.rint(value * cols[den] / float(stat.get("multiplier", 1)))
            break
    for i, ind in enumerate(tree.indicators):
        stat = ind.statistic
        if stat is None:
            continue
        worst, best = ind.goalposts
        value = value_of(i)
        if "column" in stat:
            value = np.maximum(value, 0.0)
            decimals = 0 if abs(best - worst) >= 5 else 1
            cols.setdefault(stat["column"], np.round(value, decimals))
            continue
        num, den = stat["numerator"], stat["denominator"]
        multiplier = float(stat.get("multiplier", 1))
        if den not in cols:
            cols[den] = base[den] if den in base else _denominator(den, base, rng)
        value = np.clip(value, 0.0, 100.0) if multiplier == 100 else np.maximum(value, 0.05)
        expected = value * cols[den] / multiplier
        if num in _POISSON:
            numerator = rng.poisson(expected).astype(float)
        elif num in _ONE_DECIMAL:
            numerator = np.round(expected, 1)
        else:
            numerator = np.rint(expected)
        cols.setdefault(num, numerator)
    return cols


# ----------------------------------------------------------------- survey answers


def _answers(
    tree: _Tree, plan: _District, rng: np.random.Generator
) -> tuple[list[str], list[list[Any]]]:
    """Item ids and, per item, the district's answers (int, zh label text or None)."""
    survey = [(i, ind) for i, ind in enumerate(tree.indicators) if ind.items]
    item_ids = [item for _, ind in survey for item, _ in ind.items]
    item_ind = np.array([i for i, ind in survey for _ in ind.items], dtype=int)
    item_dim = np.array([tree.indicators[i].dimension for i in item_ind], dtype=int)
    flip = np.array([rev != ind.cost for _, ind in survey for _, rev in ind.items])
    # each item on its indicator's scale: values (padded with NaN) and Chinese labels
    scales = [ind.scale for _, ind in survey for _ in ind.items]
    width = max((len(v) for v, _ in scales), default=1)
    values = np.full((len(scales), width), np.nan)
    label_table = np.full((len(scales), width), None, dtype=object)
    for j, (v, lab) in enumerate(scales):
        values[j, : len(v)] = v
        label_table[j, : len(lab)] = lab
    lo, hi = np.nanmin(values, axis=1), np.nanmax(values, axis=1)
    blocks = []
    for s, n_resp in enumerate(plan.respondents):
        mean = lo + (hi - lo) * plan.strength[s, item_ind] / 100.0
        officer = rng.normal(0.0, 0.45, (n_resp, 1))
        officer_dim = rng.normal(0.0, 0.35, (n_resp, len(tree.dimensions)))[:, item_dim]
        noise = rng.normal(0.0, 0.75, (n_resp, len(item_ids)))
        blocks.append(np.clip(np.rint(mean + officer + officer_dim + noise), lo, hi))
    drawn = np.vstack(blocks)
    # the nearest value of each item's scale (the draw is already a value on 1..k scales)
    pos = np.nanargmin(np.abs(drawn[:, :, None] - values[None, :, :]), axis=2)
    good = values[np.arange(len(scales))[None, :], pos]
    answers = np.where(flip, lo + hi - good, good).astype(int)
    pos = np.where(flip, (~np.isnan(values)).sum(axis=1) - 1 - pos, pos)
    cells = answers.astype(object)
    missing = rng.random(answers.shape) < _MISSING_SHARE
    labelled = ~missing & (rng.random(answers.shape) < _LABEL_SHARE)
    labels = label_table[np.arange(len(scales))[None, :], pos]
    labelled &= labels != None  # noqa: E711 - elementwise test of an object array
    cells[labelled] = labels[labelled]
    cells[missing] = None
    return item_ids, [list(col) for col in cells.T]


# ----------------------------------------------------------------- experts (AHP)


def _consistency_ratio(a: np.ndarray) -> float:
    """Saaty's CR = ((lambda_max - n) / (n - 1)) / RI(n) of a positive reciprocal matrix."""
    n = a.shape[0]
    if n <= 2:
        return 0.0
    lam = float(np.max(np.linalg.eigvals(a).real))
    ri = _SAATY_RI[min(n, len(_SAATY_RI)) - 1]  # beyond the table RI levels off (about 1.6)
    return max(0.0, (lam - n) / (n - 1)) / ri


def _saaty_matrix(log_ratio: np.ndarray) -> np.ndarray:
    """Round upper-triangle log ratios to the nearest Saaty value; fill diagonal and reciprocals."""
    n = log_ratio.shape[0]
    iu = np.triu_indices(n, 1)
    nearest = np.argmin(np.abs(log_ratio[iu][:, None] - _SAATY_LOG[None, :]), axis=1)
    a = np.ones((n, n))
    a[iu] = np.exp(_SAATY_LOG[nearest])
    a[iu[1], iu[0]] = 1.0 / a[iu]
    return a


def _expert_matrix(
    true_log_w: np.ndarray, rng: np.random.Generator, *, inconsistent: bool
) -> np.ndarray:
    n = len(true_log_w)
    iu = np.triu_indices(n, 1)
    for _ in range(1000):
        log_w = true_log_w + rng.normal(0.0, 0.25, n)
        log_ratio = log_w[:, None] - log_w[None, :] + rng.normal(0.0, 0.3, (n, n))
        if inconsistent:  # reverse two or three judgments (orientation confused for those pairs)
            k = rng.choice(len(iu[0]), size=min(len(iu[0]), int(rng.integers(2, 4))), replace=False)
            r, c = iu[0][k], iu[1][k]
            x = log_ratio[r, c]
            log_ratio[r, c] = np.where(x >= 0, -1.0, 1.0) * (np.abs(x) + np.log(3.0))
        a = _saaty_matrix(log_ratio)
        cr = _consistency_ratio(a)
        if (inconsistent and 0.2 < cr < 0.5) or (not inconsistent and cr < 0.08):
            return a
    raise RuntimeError("could not draw an expert matrix with the required consistency")


def _judgment_cell(value: float, style: str, rng: np.random.Generator) -> int | float | str:
    if value >= 1.0:
        return round(value)
    k = round(1.0 / value)
    if style == "mixed":
        style = "text" if rng.random() < 0.5 else "number"
    return f"1/{k}" if style == "text" else round(1.0 / k, 6)


# Reciprocals: E01/E03/E05/E07 write text fractions, E02/E04/E06 decimals, E08 a mix of both.
_EXPERT_STYLE = {e: ("text" if k % 2 == 0 else "number") for k, e in enumerate(EXPERTS)} | {
    "E08": "mixed"
}


def _write_experts(tree: _Tree, path: Path, rng: np.random.Generator) -> None:
    # CR is 0 for n <= 2: E06's inconsistency goes to the first node with three or more children
    bad_node = next((node for node, children in tree.criteria if len(children) >= 3), None)
    workbook = xlsxwriter.Workbook(str(path), _WORKBOOK_OPTIONS)
    workbook.set_properties({"created": _CREATED, "title": "AHP judgments (synthetic)"})
    header_fmt = workbook.add_format({"bold": True})
    for node_id, children in tree.criteria:
        n = len(children)
        true_log_w = rng.normal(0.0, 0.45, n)
        sheet = workbook.add_worksheet(node_id)
        sheet.write_row(0, 0, ["expert", "item", *children], header_fmt)
        sheet.freeze_panes(1, 2)
        row = 1
        for expert in EXPERTS:
            bad = expert == INCONSISTENT_EXPERT and node_id == bad_node
            a = _expert_matrix(true_log_w, rng, inconsistent=bad)
            for i in range(n):
                cells: list[Any] = [expert, children[i]] + [None] * i + [1]
                cells += [
                    _judgment_cell(a[i, j], _EXPERT_STYLE[expert], rng) for j in range(i + 1, n)
                ]
                sheet.write_row(row, 0, cells)
                row += 1
    workbook.close()


# ----------------------------------------------------------------- workbooks


def _write_district(
    tree: _Tree,
    plan: _District,
    path: Path,
    rng: np.random.Generator,
    first_respondent: int,
    invalid: bool = False,
    prefix: str = "R",
) -> int:
    """Write one district workbook; return the number of respondent ids used (``<prefix>00001``
    ...).

    With ``invalid``, two questionnaires a survey team would reject are appended (no random
    numbers drawn, so the rest of the province is unchanged): a second copy of the first
    questionnaire (same respondent id) and one with the same answer to every item.
    """
    item_ids, item_cols = _answers(tree, plan, rng)
    stats = _station_table(tree, plan, rng)
    n_resp = int(plan.respondents.sum())
    station_of = np.repeat(np.arange(len(plan.stations)), plan.respondents)
    ids = [f"{prefix}{k:05d}" for k in range(first_respondent, first_respondent + n_resp)]
    if invalid:
        target = int(np.argmin(np.where(plan.respondents >= 10, plan.respondents, 10**6)))
        ids += [ids[0], f"{prefix}{first_respondent + n_resp:05d}"]
        station_of = np.append(station_of, [station_of[0], target])
        item_cols = [[*col, col[0], 4] for col in item_cols]
        n_written = n_resp + 2
    else:
        n_written = n_resp

    workbook = xlsxwriter.Workbook(str(path), _WORKBOOK_OPTIONS)
    workbook.set_properties({"created": _CREATED, "title": f"{plan.zh} survey (synthetic)"})
    header_fmt = workbook.add_format({"bold": True})

    sheet = workbook.add_worksheet("responses")
    sheet.write_row(0, 0, ["respondent", "district", "station", *item_ids], header_fmt)
    sheet.freeze_panes(1, 3)
    sheet.write_column(1, 0, ids)
    sheet.write_column(1, 1, [plan.zh] * n_written)
    sheet.write_column(1, 2, [plan.stations[s][0] for s in station_of])
    for c, col in enumerate(item_cols, start=3):
        sheet.write_column(1, c, col)

    sheet = workbook.add_worksheet("stations")
    text_cols = {
        "district": [plan.zh] * len(plan.stations),
        "station": [zh for zh, _ in plan.stations],
        "station_en": [en for _, en in plan.stations],
        "district_en": [plan.en] * len(plan.stations),
    }
    sheet.write_row(0, 0, [*text_cols, *stats], header_fmt)
    sheet.freeze_panes(1, 2)
    for c, values in enumerate([*text_cols.values(), *(v.tolist() for v in stats.values())]):
        sheet.write_column(1, c, values)
    workbook.close()
    return n_resp + (1 if invalid else 0)


def synthesize(
    tree_path: Path,
    out_dir: Path,
    *,
    seed: int = 20261101,
    districts: int = 4,
    period: str | None = None,
) -> list[Path]:
    """Write a synthetic province for the tree at ``tree_path`` into ``out_dir``.

    Writes ``<district>.xlsx`` (sheets ``responses`` and ``stations``, see docs/formats.md) for each
    of the first ``districts`` districts of :data:`DISTRICTS` (then extra ones, up to
    ``MAX_DISTRICTS``) and ``experts.xlsx`` (8 experts, a sheet per node with children). One station
    (:data:`SMALL_STATION`) has only 3 respondents; the first district also holds two invalid
    questionnaires (a duplicated respondent id and one with the same answer everywhere) for the
    data-quality screening to find. Returns the paths written, districts first.
    The output depends only on the tree and ``seed`` (and ``period``).

    With ``period`` (a label such as "2025"), the same districts and stations surveyed in another
    period (see the module docstring): drifted strengths, a new wave of officers with ids
    ``<period>-R00001`` ..., new records, and no experts workbook.
    """
    if not 1 <= districts <= MAX_DISTRICTS:
        raise ValueError(f"districts must be between 1 and {MAX_DISTRICTS}, got {districts}")
    if period is not None and (not period.strip() or not period.isprintable()):
        raise ValueError(f"the period must be a printable label such as 2025, got {period!r}")
    tree = _read_tree(Path(tree_path))
    rng = np.random.default_rng(seed)
    plans = _plan_districts(tree, rng, districts)
    prefix = "R"
    if period is not None:  # the same plan; what follows it drawn for this period
        rng = np.random.default_rng([seed, zlib.crc32(period.encode("utf-8"))])
        plans = _drifted(plans, rng)
        prefix = f"{period}-R"
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    next_respondent = 1
    for k, plan in enumerate(plans):
        path = out_dir / f"{plan.zh}.xlsx"
        next_respondent += _write_district(
            tree, plan, path, rng, next_respondent, invalid=k == 0, prefix=prefix
        )
        written.append(path)
    if period is not None:
        return written
    experts = out_dir / "experts.xlsx"
    _write_experts(tree, experts, rng)
    written.append(experts)
    return written

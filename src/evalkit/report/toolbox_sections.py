"""Sections of the evaluation toolbox: obstacle degrees, the comparison of methods and the fuzzy
comprehensive evaluation (``ev.analysis("obstacles" | "methods" | "fuzzy")``).

- Obstacle degrees (障碍度) order the weak points of the district's report: the district's
  indicators with the largest shares of its lost points, its dimensions' shares, and each shown
  station's main obstacle; the workbook's sheet ``Obstacles`` lists every indicator and dimension
  of the district and its stations (comparison.xlsx: of every district and shown station).
- The comparison of methods: each unit's score and rank under the headline method and each of
  ``scoring.compare``, Kendall's tau and Spearman's rho between the rankings and the units whose
  rank moves most (sheet ``Methods``); the PDF's appendix summarises it.
- The fuzzy comprehensive evaluation: membership vectors in the comment set, the grade of
  maximum membership with its fragility flag and the score B · C (sheet ``Fuzzy``; the PDF's
  appendix shows the total and the dimensions).

Each builder returns None when the evaluation has no such analysis (a model made by hand).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import MethodError
from .formats import fmt
from .sections import PDF_ONLY, SHEET_ONLY, Column, Note, Paragraph, Section, Table

if TYPE_CHECKING:  # pragma: no cover
    from ..analysis.methods import RankComparison
    from ..pipeline import Evaluation

_H: dict[str, tuple[str, str]] = {
    "unit_type": ("单位类型", "Unit type"),
    "district": ("区县", "District"),
    "station": ("派出所", "Station"),
    "level": ("层级", "Level"),
    "node": ("指标代码", "Id"),
    "name": ("名称", "Name"),
    "dimension": ("所属维度", "Dimension"),
    "score": ("得分", "Score"),
    "obstacle": ("障碍度", "Obstacle degree"),
    "obstacle_rank": ("障碍度位次", "Obstacle rank"),
    "main_dimension": ("主要障碍维度", "Main obstacle dimension"),
    "main_dimension_degree": ("维度障碍度", "Its degree"),
    "main_indicator": ("主要障碍指标", "Main obstacle indicator"),
    "main_indicator_degree": ("指标障碍度", "Its degree"),
    "method": ("方法", "Method"),
    "method_a": ("方法甲", "Method A"),
    "method_b": ("方法乙", "Method B"),
    "n": ("单位数", "Units"),
    "kendall_tau": ("Kendall τ", "Kendall's τ"),
    "kendall_p": ("τ 的 p 值", "p (τ)"),
    "spearman_rho": ("Spearman ρ", "Spearman's ρ"),
    "spearman_p": ("ρ 的 p 值", "p (ρ)"),
    "move": ("名次变动", "Rank move"),
    "rank": ("名次", "Rank"),
    "source": ("出处", "Source"),
    "grade": ("最大隶属等级", "Grade (max. membership)"),
    "fragile": ("等级不稳（前两位差 < {m}）", "Fragile (top two within {m})"),
    "top_gap": ("前两位隶属度之差", "Top-two gap"),
    "grade_short": ("等级", "Grade"),
    "fragile_short": ("不稳", "Fragile"),
    "fuzzy_score": ("模糊得分 B·C", "Fuzzy score B·C"),
}

_P: dict[str, tuple[str, str]] = {
    "obstacles": ("障碍因子诊断", "Obstacle diagnosis"),
    "obstacle_note": (
        "障碍度 O_j = w_j(1 − x_j) / Σ_k w_k(1 − x_k)（w_j 为全局权重，x_j 为标准化得分/100）："
        "该指标在综合得分损失中所占份额，各指标之和为 100%；维度障碍度为其指标之和。"
        "权重大的指标即使得分不低，障碍度也可能最高。",
        "Obstacle degree O_j = w_j(1 − x_j) / Σ_k w_k(1 − x_k) (w_j the global weight, x_j the "
        "normalised score / 100): the indicator's share of the points the total loses; the "
        "degrees sum to 100 %, a dimension's is the sum of its indicators'. A heavily weighted "
        "indicator can be the largest obstacle though its score is not low.",
    ),
    "obstacle_dimensions": ("各维度障碍度", "Obstacle degree of each dimension"),
    "obstacle_stations": ("各派出所的主要障碍", "Each station's main obstacle"),
    "unobstructed": (
        "该单位所有指标均达到目标值上限，没有障碍因子。",
        "Every indicator of this unit is at its best goalpost: it has no obstacle.",
    ),
    "methods": ("评价方法比较", "Comparison of evaluation methods"),
    "methods_lead": (
        "同一组权重下，以下各方法与报告采用的方法相比，区县排名的 Kendall τ 为 {d}，"
        "派出所排名的 Kendall τ 为 {s}（1 表示顺序完全一致）。",
        "Under the same weights, the methods below rank the districts with Kendall's τ of {d} "
        "against the headline method, and the stations with {s} (1: the same order). ",
    ),
    "tau_between": ("{lo}–{hi}", "{lo} to {hi}"),
    "methods_movers": (
        "名次随方法变动最大的派出所：{names}。",
        "The stations whose rank moves most between methods: {names}.",
    ),
    "methods_no_movers": (
        "各方法下派出所的名次完全相同。",
        "Every method ranks the stations alike.",
    ),
    "methods_headline": ("（报告采用）", " (headline)"),
    "methods_district": ("本区县在各方法下的得分与名次", "This district under each method"),
    "methods_agreement": ("排名一致性", "Agreement of the rankings"),
    "methods_districts": ("各区县在各方法下的得分与名次", "Districts under each method"),
    "methods_stations": ("各派出所在各方法下的得分与名次", "Stations under each method"),
    "methods_note": (
        "TOPSIS 用向量标准化与欧氏距离（经典形式）；灰色关联分析以理想序列为参考、分辨系数 "
        "ρ = 0.5（邓聚龙）；模糊综合评价用加权平均型算子 M(·,⊕)。相对方法（TOPSIS、灰色关联）"
        "的得分取决于同时参评的单位，不能与目标值法得分直接比较。",
        "TOPSIS with vector normalisation and Euclidean distances (the classic form); grey "
        "relational analysis against the ideal sequence with ρ = 0.5 (Deng Julong); fuzzy "
        "comprehensive evaluation with the weighted-average operator M(·,⊕). Scores of the "
        "relative methods (TOPSIS, grey relational) depend on the units assessed together and "
        "are not comparable with goalpost scores.",
    ),
    "fuzzy": ("模糊综合评价", "Fuzzy comprehensive evaluation"),
    "fuzzy_note": (
        "评语集：{grades}。调查指标的隶属度为各等级答案所占比例（汇总各题项与受访者）；统计指标"
        "的隶属度由其 0–100 分在等级分值间的三角隶属函数给出；逐层 B = A ◦ R（加权平均型 "
        "M(·,⊕)），按最大隶属原则定级，前两位隶属度之差小于 {m} 时标为等级不稳；"
        "模糊得分 = B · C，C = ({points})。",
        "Comment set: {grades}. A survey indicator's membership is the share of its answers in "
        "each grade (pooled over items and respondents); a statistic's comes from triangular "
        "functions of its 0–100 score over the grades' points; level by level B = A ◦ R "
        "(weighted average, M(·,⊕)); the grade of maximum membership, flagged fragile when the "
        "top two memberships are within {m}; fuzzy score = B · C, C = ({points}).",
    ),
    "fuzzy_stations": ("各派出所的模糊评价（总体）", "Each station's fuzzy evaluation (total)"),
    "level_indicator": ("指标", "indicator"),
    "level_dimension": ("维度", "dimension"),
    "unit_district": ("区县", "district"),
    "unit_station": ("派出所", "station"),
}


def _t(table: dict[str, tuple[str, str]], key: str, lang: str) -> str:
    return table[key][0 if lang == "zh" else 1]


def _h(key: str, lang: str) -> str:
    return _t(_H, key, lang)


def _p(key: str, lang: str) -> str:
    return _t(_P, key, lang)


def _analysis(ev: Evaluation | None, name: str) -> Any:
    if ev is None:
        return None
    try:
        return ev.analysis(name)
    except MethodError:  # an analysis these methods cannot give is left out
        return None


def _station_names(ev: Evaluation, lang: str) -> pd.Series:
    """(district, station) -> the station's name in *lang* (station_en under English)."""
    s = ev.stations
    names = s["station"].astype(str)
    if lang == "en" and "station_en" in s.columns:
        en = s["station_en"].astype("string")
        names = en.where(en.notna() & (en.str.len() > 0), names).astype(str)
    index = pd.MultiIndex.from_arrays([s["district"], s["station"]])
    return pd.Series(names.to_numpy(), index=index)


def _shown(ev: Evaluation) -> pd.MultiIndex:
    s = ev.stations[ev.stations["shown"].astype(bool)]
    return pd.MultiIndex.from_arrays([s["district"], s["station"]])


# ------------------------------------------------------------------ obstacle degrees

UNIT_KINDS = ("district", "station")
LEVELS = ("dimension", "indicator")


def obstacle_frame(ev: Evaluation, lang: str, district: str | None = None) -> pd.DataFrame:
    """Long table of obstacle degrees: one row per unit (districts, then shown stations; only
    *district* and its stations when given), level (dimension, then indicator) and node, the
    largest obstacle first within each unit and level."""
    result = _analysis(ev, "obstacles")
    if result is None:
        return pd.DataFrame()
    tree = ev.tree
    dim_of = tree.dimension_of()
    shown = _shown(ev)
    names = _station_names(ev, lang)
    parts = []
    for kind, table in (("district", result.districts), ("station", result.stations)):
        for level in ("dimension", "indicator"):
            wide = table.dimensions if level == "dimension" else table.indicators
            if kind == "station":
                wide = wide[wide.index.isin(shown)]
            if district is not None:
                keys = wide.index.get_level_values(0) if kind == "station" else wide.index
                wide = wide[np.asarray(keys == district)]
            scores = (ev.district_scores if kind == "district" else ev.station_scores).reindex(
                index=wide.index, columns=wide.columns
            )
            long = _melt(wide, scores, kind, level)
            parts.append(long)
    frame = pd.concat(parts, ignore_index=True)
    if not len(frame):
        return frame
    is_station = (frame["unit_type"] == "station").to_numpy()
    keys = pd.MultiIndex.from_arrays([frame["district"][is_station], frame["station"][is_station]])
    frame.loc[is_station, "station"] = names.reindex(keys).to_numpy()
    labels = {n.id: n.label(lang) for n in tree.nodes()}
    frame["name"] = frame["node"].map(labels)
    dim_names = {leaf: labels[dim] for leaf, dim in dim_of.items()}
    frame["dimension"] = frame["node"].map(dim_names).where(frame["level"] == "indicator", "")
    frame["unit_type"] = frame["unit_type"].map({k: _p(f"unit_{k}", lang) for k in UNIT_KINDS})
    frame["level"] = frame["level"].map({k: _p(f"level_{k}", lang) for k in LEVELS})
    cols = ["unit_type", "district", "station", "level", "node", "name", "dimension"]
    return frame[[*cols, "score", "obstacle", "obstacle_rank"]]


def _melt(wide: pd.DataFrame, scores: pd.DataFrame, kind: str, level: str) -> pd.DataFrame:
    """Units x nodes -> rows (unit, node, score, degree, rank within the unit), vectorised."""
    n_units, n_nodes = wide.shape
    degrees = wide.to_numpy(dtype=float)
    order = np.argsort(-np.nan_to_num(degrees, nan=-1.0), axis=1, kind="stable")
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(1, n_nodes + 1)[None, :], axis=1)
    index = wide.index
    if kind == "station":
        d = np.repeat(index.get_level_values(0).to_numpy(), n_nodes)
        s = np.repeat(index.get_level_values(1).to_numpy(), n_nodes)
    else:
        d = np.repeat(index.to_numpy(), n_nodes)
        s = np.full(n_units * n_nodes, "", dtype=object)
    frame = pd.DataFrame(
        {
            "unit_type": kind,
            "district": d,
            "station": s,
            "level": level,
            "node": np.tile(np.asarray(wide.columns, dtype=object), n_units),
            "score": scores.to_numpy(dtype=float).ravel(),
            "obstacle": degrees.ravel(),
            "obstacle_rank": ranks.ravel().astype(float),
        }
    )
    frame.loc[np.isnan(frame["obstacle"].to_numpy()), "obstacle_rank"] = np.nan
    return frame.sort_values(["district", "station", "obstacle_rank"], kind="stable")


def _obstacle_columns(lang: str, targets: frozenset[str] | None = None) -> tuple[Column, ...]:
    spec = [
        ("unit_type", "text"),
        ("district", "text"),
        ("station", "text"),
        ("level", "text"),
        ("node", "text"),
        ("name", "text"),
        ("dimension", "text"),
        ("score", "score"),
        ("obstacle", "percent"),
        ("obstacle_rank", "rank"),
    ]
    return tuple(Column(c, _h(c, lang), q) for c, q in spec)


def obstacle_section(ev: Evaluation | None, district: str, lang: str, top: int) -> Section | None:
    """The district's weak points by obstacle degree: its *top* indicators, its dimensions, each
    shown station's main obstacle (PDF), and the sheet Obstacles (all of them)."""
    if ev is None or _analysis(ev, "obstacles") is None:
        return None
    frame = obstacle_frame(ev, lang, district)
    ind_word, dim_word = _p("level_indicator", lang), _p("level_dimension", lang)
    own = frame[frame["station"] == ""]
    ind = own[own["level"] == ind_word].dropna(subset=["obstacle"]).head(top)
    dims = own[own["level"] == dim_word].dropna(subset=["obstacle"])
    blocks: list[Any] = []
    if len(ind) and float(ind["obstacle"].max()) > 0:
        cols = (
            Column("obstacle_rank", _h("rank", lang), "rank"),
            Column("name", _h("name", lang), width=3),
            Column("dimension", _h("dimension", lang), width=2),
            Column("score", _h("score", lang), "score"),
            Column("obstacle", _h("obstacle", lang), "percent"),
        )
        blocks.append(Table(ind, cols, id="obstacles_top", targets=PDF_ONLY, size=9))
        d_cols = (
            Column("name", _h("dimension", lang), width=3),
            Column("score", _h("score", lang), "score"),
            Column("obstacle", _h("obstacle", lang), "percent"),
        )
        blocks.append(
            Table(
                dims,
                d_cols,
                id="obstacles_dimensions",
                title=_p("obstacle_dimensions", lang),
                targets=PDF_ONLY,
                size=9,
            )
        )
    else:
        blocks.append(Paragraph(_p("unobstructed", lang)))
    main = _station_main_obstacles(frame, lang)
    if len(main):
        blocks.append(_main_table(main, lang))
    blocks.append(
        Table(frame, _obstacle_columns(lang), id="obstacles", targets=SHEET_ONLY, freeze_col=3)
    )
    blocks.append(Note(_p("obstacle_note", lang)))
    return Section("weakest", _p("obstacles", lang), tuple(blocks), sheet="obstacles")


def _station_main_obstacles(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Each shown station's largest obstacle dimension and indicator with their degrees."""
    st = frame[(frame["station"] != "") & (frame["obstacle_rank"] == 1)]
    if not len(st):
        return pd.DataFrame()
    dim = st[st["level"] == _p("level_dimension", lang)].set_index(["district", "station"])
    ind = st[st["level"] == _p("level_indicator", lang)].set_index(["district", "station"])
    out = pd.DataFrame(
        {
            "main_dimension": dim["name"],
            "main_dimension_degree": dim["obstacle"],
        }
    ).join(
        pd.DataFrame({"main_indicator": ind["name"], "main_indicator_degree": ind["obstacle"]}),
        how="outer",
    )
    return out.reset_index()


def _main_table(main: pd.DataFrame, lang: str) -> Table:
    cols = (
        Column("station", _h("station", lang), width=2),
        Column("main_dimension", _h("main_dimension", lang), width=2),
        Column("main_dimension_degree", _h("main_dimension_degree", lang), "percent"),
        Column("main_indicator", _h("main_indicator", lang), width=3),
        Column("main_indicator_degree", _h("main_indicator_degree", lang), "percent"),
    )
    return Table(
        main,
        cols,
        id="obstacles_stations",
        title=_p("obstacle_stations", lang),
        targets=PDF_ONLY,
        size=8.5,
    )


def comparison_obstacles(ev: Evaluation | None, lang: str) -> Section | None:
    """comparison.xlsx's sheet Obstacles: every district and shown station."""
    if ev is None or _analysis(ev, "obstacles") is None:
        return None
    frame = obstacle_frame(ev, lang)
    table = Table(frame, _obstacle_columns(lang), id="obstacles", targets=SHEET_ONLY, freeze_col=3)
    return Section(
        "obstacles",
        _p("obstacles", lang),
        (table, Note(_p("obstacle_note", lang))),
        sheet="obstacles",
    )


# ------------------------------------------------------------------ methods


def _method_label(result: Any, method: str, lang: str) -> str:
    label = result.labels.get(method, {}).get(lang) or method
    return label + (_p("methods_headline", lang) if method == result.methods[0] else "")


def _method_columns(result: Any, lang: str, keys: tuple[str, ...]) -> list[Column]:
    cols = [Column(k, _h(k, lang)) for k in keys]
    for m in result.methods:
        name = result.labels.get(m, {}).get(lang) or m
        cols.append(Column(f"score_{m}", f"{name} · {_h('score', lang)}", "score"))
    for m in result.methods:
        name = result.labels.get(m, {}).get(lang) or m
        cols.append(Column(f"rank_{m}", f"{name} · {_h('rank', lang)}", "rank"))
    cols.append(Column("move", _h("move", lang), "rank"))
    return cols


def _agreement(result: Any, lang: str, headline_only: bool = False) -> pd.DataFrame:
    parts = []
    for kind, comp in (("district", result.districts), ("station", result.stations)):
        a = comp.agreement.copy()
        if headline_only:
            a = a[a["method_a"] == result.methods[0]]
        a.insert(0, "unit_type", _p(f"unit_{kind}", lang))
        parts.append(a)
    frame = pd.concat(parts, ignore_index=True)
    labels = {m: result.labels.get(m, {}).get(lang) or m for m in result.methods}
    frame["method_a"] = frame["method_a"].map(labels)
    frame["method_b"] = frame["method_b"].map(labels)
    return frame


def _agreement_table(result: Any, lang: str, targets: frozenset[str]) -> Table:
    cols = (
        Column("unit_type", _h("unit_type", lang)),
        Column("method_a", _h("method_a", lang)),
        Column("method_b", _h("method_b", lang)),
        Column("n", _h("n", lang), "count"),
        Column("kendall_tau", _h("kendall_tau", lang), "ratio"),
        Column("kendall_p", _h("kendall_p", lang), "pvalue", targets=SHEET_ONLY),
        Column("spearman_rho", _h("spearman_rho", lang), "ratio"),
        Column("spearman_p", _h("spearman_p", lang), "pvalue", targets=SHEET_ONLY),
    )
    return Table(
        _agreement(result, lang, headline_only=targets == PDF_ONLY),
        cols,
        id="methods_agreement",
        title=_p("methods_agreement", lang),
        targets=targets,
        color=False,
        size=8,
    )


def _stations_frame(comp: RankComparison, ev: Evaluation, lang: str) -> pd.DataFrame:
    t = comp.table.reset_index()
    names = _station_names(ev, lang)
    keys = pd.MultiIndex.from_arrays([t["district"], t["station"]])
    t["station"] = names.reindex(keys).to_numpy()
    return t


def _tau_range(comp: RankComparison, headline: str) -> tuple[str, str]:
    a = comp.agreement
    taus = a.loc[(a["method_a"] == headline) | (a["method_b"] == headline), "kendall_tau"]
    taus = taus.dropna()
    if not len(taus):
        return "—", "—"
    return fmt(taus.min(), "ratio"), fmt(taus.max(), "ratio")


def _tau_text(comp: RankComparison, headline: str, lang: str) -> str:
    lo, hi = _tau_range(comp, headline)
    return lo if lo == hi else _p("tau_between", lang).format(lo=lo, hi=hi)


def methods_summary(result: Any, ev: Evaluation, lang: str) -> str:
    """The appendix's sentences: Kendall's tau of each method against the headline, districts and
    stations, and the stations whose rank moves most."""
    head = result.methods[0]
    text = _p("methods_lead", lang).format(
        d=_tau_text(result.districts, head, lang), s=_tau_text(result.stations, head, lang)
    )
    movers = result.stations.movers(3)
    if not len(movers):
        return text + _p("methods_no_movers", lang)
    names = _station_names(ev, lang).reindex(movers.index)
    lo = movers[[f"rank_{m}" for m in result.methods]].min(axis=1)
    hi = movers[[f"rank_{m}" for m in result.methods]].max(axis=1)
    sep = "、" if lang == "zh" else "; "
    word = "名次" if lang == "zh" else "rank"
    items = [
        f"{n}（{word} {int(a)}–{int(b)}）" if lang == "zh" else f"{n} ({word} {int(a)}–{int(b)})"
        for n, a, b in zip(names.to_numpy(), lo.to_numpy(), hi.to_numpy(), strict=True)
    ]
    return text + _p("methods_movers", lang).format(names=sep.join(items))


def methods_section(ev: Evaluation | None, district: str | None, lang: str) -> Section | None:
    """The comparison of methods: the appendix's summary (a district's report) and the sheet
    Methods (districts, the district's or every shown station, the agreement)."""
    result = _analysis(ev, "methods")
    if result is None or len(result.methods) < 2:
        return None
    assert ev is not None
    districts = result.districts.table.reset_index()
    stations = _stations_frame(result.stations, ev, lang)
    if district is not None:
        stations = stations[stations["district"] == district]
    blocks: list[Any] = []
    if district is not None:
        row = districts[districts["district"] == district]
        own = pd.DataFrame(
            {
                "method": [_method_label(result, m, lang) for m in result.methods],
                "score": [
                    row[f"score_{m}"].iloc[0] if len(row) else np.nan for m in result.methods
                ],
                "rank": [row[f"rank_{m}"].iloc[0] if len(row) else np.nan for m in result.methods],
            }
        )
        blocks.append(Paragraph(methods_summary(result, ev, lang)))
        cols = (
            Column("method", _h("method", lang), width=3),
            Column("score", _h("score", lang), "score"),
            Column("rank", _h("rank", lang), "rank"),
        )
        blocks.append(
            Table(
                own,
                cols,
                id="methods_district",
                title=_p("methods_district", lang),
                targets=PDF_ONLY,
                color=False,
                size=9,
            )
        )
    if district is not None:
        blocks.append(_agreement_table(result, lang, PDF_ONLY))
    blocks.append(
        Table(
            districts,
            tuple(_method_columns(result, lang, ("district",))),
            id="methods_districts",
            title=_p("methods_districts", lang),
            targets=SHEET_ONLY,
            freeze_col=1,
        )
    )
    blocks.append(
        Table(
            stations,
            tuple(_method_columns(result, lang, ("district", "station"))),
            id="methods_stations",
            title=_p("methods_stations", lang),
            targets=SHEET_ONLY,
            freeze_col=2,
        )
    )
    blocks.append(_agreement_table(result, lang, SHEET_ONLY))
    blocks.append(Note(_p("methods_note", lang)))
    return Section("methods", _p("methods", lang), tuple(blocks), sheet="methods", numbered=False)


# ------------------------------------------------------------------ fuzzy evaluation


def _fuzzy_frame(frame: pd.DataFrame, ev: Evaluation, lang: str, k: int) -> pd.DataFrame:
    out = frame.copy()
    labels = {n.id: n.label(lang) for n in ev.tree.nodes()}
    out["name"] = out["node"].map(labels)
    out["grade_name"] = out["grade_zh" if lang == "zh" else "grade_en"]
    if "station" in out.columns:
        keys = pd.MultiIndex.from_arrays([out["district"], out["station"]])
        out["station"] = _station_names(ev, lang).reindex(keys).to_numpy()
    return out


def _fuzzy_columns(result: Any, lang: str, keys: tuple[str, ...], indent: bool) -> list[Column]:
    names = result.comment_set.names.get(lang) or result.comment_set.names["en"]
    m = fmt(result.margin, "decimal")
    cols = [Column(c, _h(c, lang)) for c in keys]
    cols.append(Column("name", _h("name", lang), width=4))
    cols += [Column(f"m{j + 1}", str(g), "ratio", width=1) for j, g in enumerate(names)]
    cols += [
        Column("grade_name", _h("grade", lang), pdf_title=_h("grade_short", lang)),
        Column(
            "fragile", _h("fragile", lang).format(m=m), "bool", pdf_title=_h("fragile_short", lang)
        ),
        Column("top_gap", _h("top_gap", lang), "ratio", targets=SHEET_ONLY),
        Column("score", _h("fuzzy_score", lang), "score"),
    ]
    if indent:
        cols.append(Column("depth", "depth", "count", targets=frozenset()))
    return cols


def fuzzy_note(result: Any, lang: str) -> str:
    names = result.comment_set.names.get(lang) or result.comment_set.names["en"]
    sep = "、" if lang == "zh" else ", "
    points = ", ".join(fmt(x, "score") for x in result.comment_set.scores)
    return _p("fuzzy_note", lang).format(
        grades=sep.join(str(n) for n in names), m=fmt(result.margin, "decimal"), points=points
    )


def fuzzy_section(ev: Evaluation | None, district: str | None, lang: str) -> Section | None:
    """The fuzzy comprehensive evaluation: the district's total and dimensions in the PDF, every
    node of the district and its stations' totals in the sheet Fuzzy (comparison.xlsx: the total
    of every district and shown station)."""
    result = _analysis(ev, "fuzzy")
    if result is None:
        return None
    assert ev is not None
    k = len(result.comment_set.points)
    stations = result.totals("station")
    keys = pd.MultiIndex.from_arrays([stations["district"], stations["station"]])
    d = _fuzzy_frame(result.districts, ev, lang, k)
    s = _fuzzy_frame(stations[keys.isin(_shown(ev))], ev, lang, k)
    blocks: list[Any] = []
    if district is not None:
        d = d[d["district"] == district]
        s = s[s["district"] == district]
        top = d[d["depth"] <= 1]
        blocks.append(
            Table(
                top,
                tuple(_fuzzy_columns(result, lang, (), False)),
                id="fuzzy_pdf",
                targets=PDF_ONLY,
                color=False,
                size=8,
            )
        )
        blocks.append(
            Table(
                d,
                tuple(_fuzzy_columns(result, lang, (), True)),
                id="fuzzy",
                targets=SHEET_ONLY,
                color=False,
                sheet_indent="name",
            )
        )
    else:
        d = d[d["depth"] == 0]
        blocks.append(
            Table(
                d,
                tuple(_fuzzy_columns(result, lang, ("district",), False)),
                id="fuzzy",
                targets=SHEET_ONLY,
                color=False,
                freeze_col=1,
            )
        )
    if len(s):
        blocks.append(
            Table(
                s,
                tuple(_fuzzy_columns(result, lang, ("district", "station"), False)),
                id="fuzzy_stations",
                title=_p("fuzzy_stations", lang),
                targets=SHEET_ONLY,
                color=False,
                freeze_col=2,
            )
        )
    blocks.append(Note(fuzzy_note(result, lang)))
    return Section("fuzzy", _p("fuzzy", lang), tuple(blocks), sheet="fuzzy", numbered=False)


__all__ = [
    "comparison_obstacles",
    "fuzzy_note",
    "fuzzy_section",
    "methods_section",
    "methods_summary",
    "obstacle_frame",
    "obstacle_section",
]

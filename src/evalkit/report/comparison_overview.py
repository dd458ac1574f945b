"""comparison.pdf's overview page, its heat map and its phrases (zh / en).

The overview states, in a few sentences and key figures, how many districts reached each level,
the best and the weakest district, the study's weakest dimension (lowest mean over the
districts) and how many districts it holds back most, and which district is nearest the next
level (``ev.analysis("next_level")``); a short table lists the districts by rank (the first and
last five in a large study).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .formats import fmt
from .sections import PDF_ONLY, Card, Cards, Column, Note, Paragraph, Section, Table

if TYPE_CHECKING:  # pragma: no cover
    from ..pipeline import Evaluation
    from .model import ComparisonReport

OVERVIEW_ROWS = 12  # districts listed on the overview page; more: the first and last five

PHRASES: dict[str, dict[str, str]] = {
    "zh": {
        "running_head": "各区县对比",
        "headline": "各区县信息化成熟度对比",
        "overview": "概览",
        "card_districts": "参评区县",
        "card_districts_sub": "派出所 {n} 个",
        "card_mean": "平均综合得分",
        "card_mean_sub": "最高 {best} · 最低 {worst}",
        "card_weak": "全省最薄弱维度",
        "card_weak_sub": "均值 {mean} · {k} 个区县以之为最弱",
        "s_count": "全省 {n} 个区县参评（派出所 {m} 个），平均综合得分 {mean} 分；{levels}。",
        "s_level": "{name} {k} 个",
        "s_best": "{best}最好（{bs} 分，{bl}），{worst}最弱（{ws} 分，{wl}），相差 {gap} 分。",
        "s_weak": "全省最薄弱的维度是“{dim}”（均值 {mean} 分），{k} 个区县以它为得分最低的维度。",
        "s_next": "离下一等级最近的是{name}：{summary}。",
        "s_top_all": "各区县均已达到最高等级。",
        "more_rows": "完整排名见第 2 节。",
        "ranking": "排名与排名区间",
        "districts_title": "区县排名",
        "stations_title": "派出所排名（全省）",
        "chart_districts": "各区县的排名区间（实心点：名义排名；圆圈：中位数；横线：5%–95% 区间）",
        "chart_stations": "各派出所的全省排名区间（实心点：名义排名；圆圈：中位数；横线：5%–95% 区间）",
        "no_intervals": "未进行不确定性分析：没有排名区间。",
        "heat": "维度得分热力图",
        "heat_intro": "每格为该单位在该维度的得分（0–100），颜色越深得分越低；颜色只是辅助，数值印在格中。",
        "levels": "成熟度等级分布",
        "weakest": "各区县的最薄弱维度",
        "rank": "排名",
        "district": "区县",
        "station": "派出所",
        "total": "综合得分",
        "rank_interval": "排名区间",
        "score_interval": "得分区间",
        "level": "等级",
        "level_no": "级别",
        "band": "分数范围",
        "n_districts": "区县数",
        "n_stations": "派出所数",
        "share": "占比",
        "which_districts": "区县",
        "weakest_dim": "最薄弱维度",
        "score": "得分",
        "mean": "全省均值",
        "vs_mean": "与均值之差",
        "second_weakest": "次薄弱维度",
        "unit": "单位",
    },
    "en": {
        "running_head": "Districts compared",
        "headline": "Districts compared: informatization maturity",
        "overview": "Overview",
        "card_districts": "Districts assessed",
        "card_districts_sub": "{n} police stations",
        "card_mean": "Mean total score",
        "card_mean_sub": "best {best} · weakest {worst}",
        "card_weak": "Weakest dimension",
        "card_weak_sub": "mean {mean} · weakest in {k} district(s)",
        "s_count": "{n} districts of the province were assessed ({m} police stations), with a "
        "mean total score of {mean}; {levels}.",
        "s_level": "{k} at {name}",
        "s_best": "{best} leads ({bs}, {bl}) and {worst} trails ({ws}, {wl}), {gap} points apart.",
        "s_weak": "The province's weakest dimension is {dim} (mean {mean}); it is the lowest "
        "dimension of {k} district(s).",
        "s_next": "Nearest the next level is {name}: {summary}.",
        "s_top_all": "Every district is at the top level.",
        "more_rows": "The full ranking is in section 2.",
        "ranking": "Ranks and rank intervals",
        "districts_title": "Districts",
        "stations_title": "Police stations (in the province)",
        "chart_districts": "Rank intervals of the districts (filled dot: nominal rank; ring: "
        "median; line: 5-95 % interval)",
        "chart_stations": "Province rank intervals of the police stations (filled dot: nominal "
        "rank; ring: median; line: 5-95 % interval)",
        "no_intervals": "No uncertainty analysis was run: no rank intervals.",
        "heat": "Heat map of dimension scores",
        "heat_intro": "Each cell is the unit's score in the dimension (0-100); the darker, the "
        "lower. The grey only helps the eye: every value is printed.",
        "levels": "Maturity levels",
        "weakest": "Each district's weakest dimension",
        "rank": "Rank",
        "district": "District",
        "station": "Police station",
        "total": "Total",
        "rank_interval": "Rank interval",
        "score_interval": "Score interval",
        "level": "Level",
        "level_no": "No.",
        "band": "Scores",
        "n_districts": "Districts",
        "n_stations": "Stations",
        "share": "Share",
        "which_districts": "Which districts",
        "weakest_dim": "Weakest dimension",
        "score": "Score",
        "mean": "Province mean",
        "vs_mean": "vs mean",
        "second_weakest": "Next weakest",
        "unit": "Unit",
    },
}


def _p(lang: str) -> dict[str, str]:
    from .scope import scoped_dict

    key = "zh" if lang == "zh" else "en"
    return scoped_dict(PHRASES[key], key)


def weakest_dimensions(r: ComparisonReport, ev: Evaluation) -> pd.DataFrame:
    """Each assessed district's weakest and next weakest dimension, its score there and the
    mean over the districts: district, dimension, score, mean, vs_mean, second, dim_id."""
    dims = list(r.dimension_columns)
    d = r.districts[r.districts["total"].notna()].reset_index(drop=True)
    x = d[dims].to_numpy(dtype=float)
    mean = np.nanmean(x, axis=0) if len(x) else np.full(len(dims), np.nan)
    order = np.argsort(np.where(np.isnan(x), np.inf, x), axis=1, kind="stable")
    first = order[:, 0] if len(dims) else np.zeros(len(d), int)
    second = order[:, 1] if len(dims) > 1 else first
    names = np.array([r.dimension_columns[k] for k in dims], dtype=object)
    rows = np.arange(len(d))
    return pd.DataFrame(
        {
            "district": d["district"].astype(str),
            "dimension": names[first] if len(dims) else "",
            "score": x[rows, first] if len(dims) else np.nan,
            "mean": mean[first] if len(dims) else np.nan,
            "vs_mean": (x[rows, first] - mean[first]) if len(dims) else np.nan,
            "second": names[second] if len(dims) > 1 else "",
            "dim_id": np.array(dims, dtype=object)[first] if len(dims) else "",
        }
    )


def _sentences(r: ComparisonReport, ev: Evaluation, p: dict[str, str]) -> list[str]:
    lang = r.lang
    d = r.districts[r.districts["total"].notna()].reset_index(drop=True)
    lv = r.levels.sort_values("level", ascending=False)
    counts = [
        (str(n), int((d["level"] == k).sum())) for k, n in zip(lv["level"], lv["name"], strict=True)
    ]
    sep = "，" if lang == "zh" else ", "
    levels = sep.join(p["s_level"].format(name=n, k=k) for n, k in counts if k)
    out = [
        p["s_count"].format(
            n=len(d), m=len(r.stations), mean=fmt(d["total"].mean(), "score"), levels=levels
        )
    ]
    if len(d) > 1:
        b, w = d.loc[d["total"].idxmax()], d.loc[d["total"].idxmin()]
        out.append(
            p["s_best"].format(
                best=b["district"],
                bs=fmt(b["total"], "score"),
                bl=b["level_name"],
                worst=w["district"],
                ws=fmt(w["total"], "score"),
                wl=w["level_name"],
                gap=fmt(b["total"] - w["total"], "score"),
            )
        )
    weak = weakest_dimensions(r, ev)
    dims = list(r.dimension_columns)
    if dims and len(d):
        means = d[dims].mean()
        k = str(means.idxmin())
        out.append(
            p["s_weak"].format(
                dim=r.dimension_columns[k],
                mean=fmt(means[k], "score"),
                k=int((weak["dim_id"] == k).sum()),
            )
        )
    out += _next_sentence(ev, lang, p)
    return out


def _next_sentence(ev: Evaluation, lang: str, p: dict[str, str]) -> list[str]:
    u = ev.analysis("next_level").units
    u = u[(u["kind"] == "district")]
    path = u[u["status"] == "path"]
    if len(path):
        row = path.loc[path["shortfall"].idxmin()]
        return [p["s_next"].format(name=row[f"name_{lang}"], summary=row[f"summary_{lang}"])]
    if len(u) and (u["status"] == "top").all():
        return [p["s_top_all"]]
    return []


def _cards(r: ComparisonReport, ev: Evaluation, p: dict[str, str]) -> Cards:
    d = r.districts[r.districts["total"].notna()]
    dims = list(r.dimension_columns)
    cards = [
        Card(p["card_districts"], str(len(d)), p["card_districts_sub"].format(n=len(r.stations))),
        Card(
            p["card_mean"],
            fmt(d["total"].mean(), "score"),
            p["card_mean_sub"].format(
                best=fmt(d["total"].max(), "score"), worst=fmt(d["total"].min(), "score")
            ),
        ),
    ]
    if dims and len(d):
        means = d[dims].mean()
        k = str(means.idxmin())
        weak = weakest_dimensions(r, ev)
        cards.append(
            Card(
                p["card_weak"],
                r.dimension_columns[k],
                p["card_weak_sub"].format(
                    mean=fmt(means[k], "score"), k=int((weak["dim_id"] == k).sum())
                ),
            )
        )
    return Cards(tuple(cards))


def _overview_table(r: ComparisonReport, ev: Evaluation, p: dict[str, str]) -> list[Any]:
    d = r.districts[r.districts["total"].notna()].reset_index(drop=True)
    weak = weakest_dimensions(r, ev)
    frame = pd.DataFrame(
        {
            "rank": d["rank"],
            "district": d["district"].astype(str),
            "total": d["total"],
            "level_name": d["level_name"],
            "weakest": weak["dimension"],
        }
    )
    blocks: list[Any] = []
    if len(frame) > OVERVIEW_ROWS:
        frame = pd.concat([frame.head(5), frame.tail(5)], ignore_index=True)
    cols = (
        Column("rank", p["rank"], "rank"),
        Column("district", p["district"], "text", width=1.4),
        Column("total", p["total"], "score"),
        Column("level_name", p["level"], "text", width=1),
        Column("weakest", p["weakest_dim"], "text", width=1.4),
    )
    blocks.append(Table(frame, cols, id="overview_districts", targets=PDF_ONLY, size=8.5))
    if len(d) > OVERVIEW_ROWS:
        blocks.append(Note(p["more_rows"]))
    return blocks


def overview_section(r: ComparisonReport, ev: Evaluation) -> Section:
    """The first page: key figures, a few sentences and the districts by rank."""
    p = _p(r.lang)
    sep = "" if r.lang == "zh" else " "
    blocks: list[Any] = [
        _cards(r, ev, p),
        Paragraph(sep.join(_sentences(r, ev, p))),
        *_overview_table(r, ev, p),
    ]
    return Section("overview", p["overview"], tuple(blocks))


def heat_block(
    frame: pd.DataFrame,
    unit: str,
    dims: list[str],
    names: dict[str, str],
    p: dict[str, str],
    table_id: str,
    group: str = "",
) -> Table:
    """Units × dimensions, every cell's score printed on a grey by its value (``heat``)."""
    f = frame[frame["total"].notna()].reset_index(drop=True)
    cols = [Column(unit, p[unit], "text", width=1.6)]
    cols += [Column(k, names[k], "score", align="c", width=1) for k in dims]
    cols.append(Column("total", p["total"], "score", align="c", width=1))
    size = 8.5 if unit == "district" else 7.5
    return Table(
        f, tuple(cols), id=table_id, targets=PDF_ONLY, size=size, group_by=group, heat=True
    )


__all__ = ["OVERVIEW_ROWS", "PHRASES", "heat_block", "overview_section", "weakest_dimensions"]

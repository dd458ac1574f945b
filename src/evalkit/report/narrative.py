"""The sentences of a report, made once from the report model and shown by every renderer.

The summary paragraph, the warnings, the notes under tables, the most inconsistent judgments and
the statements of the uncertainty analysis are written here from the phrases of
:mod:`evalkit.report.phrases`, with numbers formatted by :func:`evalkit.report.formats.fmt`, so
the workbook and the PDF say the same thing with the same figures.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .formats import fmt
from .phrases import phrases

if TYPE_CHECKING:  # pragma: no cover
    from .model import DistrictReport


def _quoted(p: dict[str, str], name: Any) -> str:
    return p["quote"].format(name)


def _comparison(diff: float, p: dict[str, str]) -> str:
    if round(diff, 1) > 0:
        return p["cmp_above"].format(d=fmt(diff, "score"))
    if round(diff, 1) < 0:
        return p["cmp_below"].format(d=fmt(-diff, "score"))
    return p["cmp_equal"]


def summary_paragraph(r: DistrictReport) -> str:
    """The district's result in a few sentences: total, level and rank against the province
    mean, its best and worst dimension, the dimensions below the mean, the indicator losing the
    most points, and what the province figures cover."""
    p = phrases(r.lang)
    partial = r.n_districts_total > r.n_districts
    nm = {"rank": r.rank, "n": r.n_districts, "m": r.n_districts_total}
    parts = [
        p["para_total"].format(
            district=r.district,
            total=fmt(r.total, "score"),
            level=r.level_name,
            lv=r.level,
            ranked=p["para_rank_partial" if partial else "para_rank"].format(**nm),
            cmp=_comparison(r.total - r.province_mean, p),
        )
    ]
    dims = r.dimensions
    if len(dims) >= 2 and "score" in dims.columns:
        best = dims.loc[dims["score"].idxmax()]
        worst = dims.loc[dims["score"].idxmin()]
        parts.append(
            p["para_dims"].format(
                best=best["name"],
                bs=fmt(best["score"], "score"),
                worst=worst["name"],
                ws=fmt(worst["score"], "score"),
            )
        )
    if len(dims) and "province_mean" in dims.columns:
        below = dims[dims["score"].round(1) < dims["province_mean"].round(1)]
        if len(below):
            diff = "（{}）" if r.lang == "zh" else " ({})"
            names = p["list_sep"].join(
                _quoted(p, n) + diff.format(fmt(s - m, "signed"))
                for n, s, m in zip(
                    below["name"], below["score"], below["province_mean"], strict=True
                )
            )
            parts.append(p["para_below"].format(names=names))
        else:
            parts.append(p["para_none_below"])
    if len(r.weakest):
        w = r.weakest.iloc[0]
        parts.append(
            p["para_gap"].format(
                name=w["name"], score=fmt(w["score"], "score"), gap=fmt(w["gap"], "decimal")
            )
        )
    if partial:
        parts.append(p["para_partial"].format(**nm))
    return ("" if r.lang == "zh" else " ").join(parts)


def rank_text(r: DistrictReport) -> str:
    """ "2 / 4"; with districts left out "2 / 3（4 个区县中 3 个参评）" / "2 / 3 (3 of 4
    districts assessed)"."""
    out = f"{r.rank} / {r.n_districts}"
    m = r.n_districts_total
    if m > r.n_districts:
        if r.lang == "zh":
            out += f"（{m} 个区县中 {r.n_districts} 个参评）"
        else:
            out += f" ({r.n_districts} of {m} districts assessed)"
    return out


def hidden_stations(n: int, minimum: int, lang: str) -> str:
    """The warning that *n* stations are too small to be shown on their own."""
    if lang == "zh":
        return f"{n} 个派出所有效问卷少于 {minimum} 份，未单独列出（计入全区）。"
    return (
        f"{n} station(s) with fewer than {minimum} respondents are not shown on their own "
        "(they count in the district)."
    )


def inconsistent_experts(n: int, threshold: float, lang: str) -> str:
    """The warning that *n* experts gave judgments over the CR threshold."""
    if lang == "zh":
        return f"{n} 位专家的判断矩阵一致性比率超过 {threshold:g}，见附录。"
    return f"{n} expert(s) gave judgments with CR above {threshold:g}; see the appendix."


def expert_suggestions(r: DistrictReport) -> list[str]:
    """One line per expert matrix over the threshold: its most inconsistent judgment, the value
    the other judgments suggest, and the repairs made."""
    out: list[str] = []
    e = r.experts
    if "worst_pair" not in e.columns:
        return out
    for rec in e.to_dict("records"):
        if rec.get("consistent") is False and rec.get("worst_pair"):
            repairs = rec.get("repairs") or ""
            if r.lang == "zh":
                line = (
                    f"{rec['expert']}（{rec['node']}）：最不一致的判断为 {rec['worst_pair']} = "
                    f"{rec['current']}，与其他判断相符的值约为 {rec['suggested']}。"
                )
                if repairs:
                    line += f"已修正：{repairs}。"
            else:
                line = (
                    f"{rec['expert']} ({rec['node']}): the most inconsistent judgment is "
                    f"{rec['worst_pair']} = {rec['current']}; the other judgments suggest about "
                    f"{rec['suggested']}."
                )
                if repairs:
                    line += f" Repaired: {repairs}."
            out.append(line)
    return out


def _nan(x: Any) -> bool:
    try:
        return math.isnan(float(x))
    except (TypeError, ValueError):
        return True


def reliability_note(r: DistrictReport) -> str:
    """KMO and Bartlett's test under the reliability table, and the questionnaires excluded."""
    p = phrases(r.lang)
    k = r.kmo or {}
    note = ""
    if k and not _nan(k.get("kmo", float("nan"))):
        pv = k.get("p_value", float("nan"))
        note = p["reliability_note"].format(
            kmo=fmt(k["kmo"], "ratio"),
            df=fmt(k.get("df"), "count", missing=""),
            chi2=fmt(k.get("bartlett_chi2", float("nan")), "score"),
            p="< 0.001" if pv < 0.001 else f"= {fmt(pv, 'ratio')}",
            n=fmt(k.get("n"), "count", missing=""),
        )
    excluded = int(r.counts.get("excluded", 0) or 0)
    if excluded:
        note += " " + p["screened"].format(n=excluded)
    return note


# ------------------------------------------------------------------ the uncertainty analysis


def level_probability(
    names: Sequence[str], probabilities: Sequence[float], nominal: int, lang: str
) -> str:
    """The probability of the stated level, then of the others that occur, most likely first:
    "规范级（概率 0.75；融合级 0.25）" / "Standardized with probability 0.75; Integrated 0.25".
    *nominal* is the 1-based stated level; levels whose probability rounds to 0.00 are left
    out."""
    p = phrases(lang)
    prob = np.asarray(probabilities, dtype=float)
    order = np.argsort(-np.nan_to_num(prob, nan=-1.0), kind="stable")
    others = "".join(
        p["unc_level_other"].format(level=names[k], p=fmt(prob[k], "probability"))
        for k in order
        if k != nominal - 1 and fmt(prob[k], "probability", missing="0.00") != "0.00"
    )
    return p["unc_level"].format(
        level=names[nominal - 1], p=fmt(prob[nominal - 1], "probability"), others=others
    )


def overlap_groups(lo: np.ndarray, hi: np.ndarray) -> list[np.ndarray]:
    """Units whose intervals [lo, hi] overlap one another in turn (the connected parts of the
    overlap graph of intervals on a line), each as indices in order of their intervals; only
    parts of two or more units. NaN intervals take part in none.

    Sorted by lower end, a unit starts a new part when its lower end lies above every upper end
    before it (a running maximum)."""
    ok = np.flatnonzero(~(np.isnan(lo) | np.isnan(hi)))
    if ok.size < 2:
        return []
    order = ok[np.lexsort((hi[ok], lo[ok]))]
    reach = np.maximum.accumulate(hi[order])
    starts = np.r_[True, lo[order][1:] > reach[:-1]]
    parts = np.split(order, np.flatnonzero(starts)[1:])
    return [part for part in parts if part.size > 1]


def _names_list(names: Sequence[str], lang: str) -> str:
    if lang == "zh":
        return "、".join(names[:-1]) + "与" + names[-1]
    return ", ".join(names[:-1]) + " and " + names[-1]


def overlap_sentences(
    names: Sequence[str], lo: np.ndarray, hi: np.ndarray, lang: str, *, distinct: str
) -> list[str]:
    """One sentence per group of units whose rank intervals overlap: they cannot be told apart;
    *distinct* (a phrase key) when no two overlap."""
    p = phrases(lang)
    groups = overlap_groups(np.asarray(lo, dtype=float), np.asarray(hi, dtype=float))
    if not groups:
        return [p[distinct]]
    out = []
    for g in groups:
        shown = [str(names[i]) for i in g]
        if len(shown) == 2:
            out.append(p["unc_pair"].format(a=shown[0], b=shown[1]))
        else:
            out.append(p["unc_chain"].format(names=_names_list(shown, lang)))
    return out

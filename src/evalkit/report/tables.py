"""Build the report model (every number a report shows) from an Evaluation.

This is the one source of the numbers in the Excel workbooks and the PDF reports: both renderers
read the :class:`DistrictReport` / :class:`ComparisonReport` made here.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..analysis.diagnose import (
    RecommendationRule,
    load_recommendations,
    select_recommendations,
    weakest_indicators,
)
from ..errors import Issue, issues_frame
from ..outdir import ReportName, reason_text
from ..pipeline import Evaluation
from ..provenance import Provenance
from ..tree import RECORD_LABELS, IndicatorTree
from ..weights.ahp import fmt_judgment
from ..weights.weightset import WEIGHT_COLUMNS
from . import narrative
from .basis_sections import basis_label
from .comparison_sections import comparison_sections
from .district_sections import district_sections
from .i18n import check as check_name
from .i18n import text, word
from .imbalance import district_columns, summary_text
from .model import ComparisonReport, DistrictReport, Recommendation
from .phrases import (
    AGGREGATE_WORDS,
    ALPHA_BANDS,
    CONSENSUS_ZH,
    METHOD_WORDS,
    OBJECTIVE_WORDS,
)
from .scope import in_scope_of_evaluation, scoped


def _w(key: str, lang: str, objective: str = "entropy") -> str:
    zh, en = METHOD_WORDS[key]
    obj_zh, obj_en = OBJECTIVE_WORDS.get(objective, (objective, objective))
    return zh.format(objective=obj_zh) if lang == "zh" else en.format(objective=obj_en)


def _level_name(tree: IndicatorTree, level: float, lang: str) -> str:
    if level != level:  # NaN
        return ""
    return text(tree.levels[int(level) - 1].name, lang)


def method_dict(ev: Evaluation, lang: str) -> dict[str, str]:
    ws = ev.weights
    spec = ws.spec
    zh = lang == "zh"
    if ws.method == "combined":
        how = _w(spec.combine, lang)
        if spec.combine == "linear":
            how += f"，α = {spec.alpha:g}" if zh else f", α = {spec.alpha:g}"
        elif spec.combine == "game_theory" and getattr(ws, "combination", None):
            c = ws.combination
            a, b = c.get("ahp", float("nan")), c.get("objective", float("nan"))
            obj = OBJECTIVE_WORDS.get(ws.objective, (ws.objective, ws.objective))
            how += (
                f"，系数 AHP {a:.3f}、{obj[0]} {b:.3f}"
                if zh
                else f", coefficients AHP {a:.3f}, {obj[1]} {b:.3f}"
            )
        combined = _w("combined", lang, ws.objective)
        weights = f"{combined}（{how}）" if zh else f"{combined} ({how})"
    else:
        weights = _w(ws.method, lang)
    if ws.method != spec.method:
        weights += (
            f"（设定为 {spec.method}，因数据不足改用）"
            if zh
            else f" (set to {spec.method}; fell back for lack of data)"
        )
    policy = {
        "keep": ("保留并提示", "kept with a warning"),
        "exclude": ("剔除", "excluded"),
        "repair": ("按最小改动修正至阈值以内", "repaired with the fewest changed judgments"),
    }[spec.inconsistent_experts]
    level = _combine_level_text(spec.combine_level, zh) if ws.method == "combined" else ""
    return {
        "weights": weights,
        **({"combine_level": level} if level else {}),
        "ri_table": ws.ri_label,
        "cr_threshold": f"{spec.cr_threshold:.2f}",
        "inconsistent_experts": policy[0] if zh else policy[1],
        "group": "专家判断矩阵按元素几何平均集结（AIJ）"
        if zh
        else "experts' judgments aggregated by element-wise geometric mean (AIJ)",
        "normalisation": "阈值法（goalposts）标准化到 0-100：100·(x − 下限)/(上限 − 下限)，截断于 [0, 100]"
        if zh
        else "goalposts to 0-100: 100·(x − worst)/(best − worst), clipped to [0, 100]",
        "aggregation": _w(ev.scoring, lang),
        "objective_units": str(ws.objective_units),
        "hierarchy_cr": _hierarchy_text(ws, zh),
        "consensus": (
            _consensus(str(ws.group["consensus_measure"].iloc[0]), zh)
            if "consensus_measure" in ws.group.columns and len(ws.group)
            else ""
        ),
        "survey": "李克特均值：先计算各题均值（反向题已转换），再取题目均值的平均"
        if zh
        else "Likert: mean over items of item means (reverse-worded items recoded)",
        "ratio": "比率型统计指标按 Σ分子 / Σ分母 汇总到区县"
        if zh
        else "ratio statistics pooled to districts as Σ numerator / Σ denominator",
    }


def _combine_level_text(level: str, zh: bool) -> str:
    """Where the subjective and objective weights are combined, and why the default is chosen."""
    if level == "global":
        return (
            "按全局叶节点权重组合（combine_level: global）：指标较多的维度，其组合权重会随指标个数增大"
            if zh
            else "on global leaf weights (combine_level: global): a dimension with more indicators "
            "gains combined weight with their number"
        )
    return (
        "逐节点组合（默认）：每个准则下，子节点的 AHP 局部权重与在这些子节点之间计算的客观权重"
        "相组合，维度的权重因而不随其指标个数变化"
        if zh
        else "at every node (the default): each criterion's children combine their AHP local "
        "weights with objective weights computed among those children, so a dimension's weight "
        "does not change with its number of indicators"
    )


def _consensus(measure: str, zh: bool) -> str:
    return CONSENSUS_ZH.get(measure, measure) if zh else measure


def _hierarchy_text(ws: object, zh: bool) -> str:
    h = getattr(ws, "hierarchy", None)
    if h is None or not len(h):
        return ""
    total = float(h.loc[h["depth"] == -1, "cr"].iloc[0])
    ok = total <= ws.spec.cr_threshold  # type: ignore[attr-defined]
    if zh:
        return f"CR = {total:.3f}（{'通过' if ok else '未通过'}，ΣW·CI / ΣW·RI）"
    return f"CR = {total:.3f} ({'passed' if ok else 'not passed'}; ΣW·CI / ΣW·RI)"


def _weights_table(ev: Evaluation, lang: str) -> pd.DataFrame:
    t = ev.weights.table.copy()
    names = {n.id: text(n.name, lang) for n in ev.tree.nodes()}
    t.insert(1, "name", t["id"].map(names))
    t["parent"] = t["parent"].map(names)
    return t[["id", "name", "depth", "parent", *WEIGHT_COLUMNS]]


def _experts_tables(ev: Evaluation, lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-expert and group consistency tables with node names; for experts over the threshold
    the most inconsistent judgment and the value that would fit the others (Saaty scale)."""
    names = {n.id: text(n.name, lang) for n in ev.tree.nodes()}
    e = ev.weights.experts.copy()
    e.insert(1, "node", e["node_id"].map(names))
    if "worst_pair" in e.columns:
        bad = ~e["consistent"].astype(bool)

        def pair(v: object) -> str:
            a, _, b = str(v).partition(" vs ")
            return f"{names.get(a, a)} vs {names.get(b, b)}" if b else ""

        e["worst_pair"] = [pair(v) if b else "" for v, b in zip(e["worst_pair"], bad, strict=True)]
        for col in ("current", "suggested"):
            e[col] = [
                fmt_judgment(float(v)) if b and v == v else ""
                for v, b in zip(e[col], bad, strict=True)
            ]
    if lang == "zh" and "repairs_zh" in e.columns:
        e["repairs"] = e["repairs_zh"]
    e = e.drop(columns=["repairs_zh"], errors="ignore")
    g = ev.weights.group.copy()
    g.insert(1, "node", g["node_id"].map(names))
    return e, g


def _levels_table(tree: IndicatorTree, lang: str) -> pd.DataFrame:
    bounds = tree.level_bounds()
    return pd.DataFrame(
        [
            {
                "level": lv.level,
                "name": text(lv.name, lang),
                "min_score": lo,
                "max_score": hi,
                "description": text(lv.description, lang),
            }
            for lv, (lo, hi) in zip(tree.levels, bounds, strict=True)
        ]
    )


def _tree_table(tree: IndicatorTree, lang: str) -> pd.DataFrame:
    rows = []
    zh = lang == "zh"
    for n in tree.goal.walk():
        kind = "goal" if n.depth == 0 else ("indicator" if n.is_leaf else "criterion")
        src = ""
        if n.source is not None:
            s = n.source
            if s.kind == "survey":
                rev = sum(i.reverse for i in s.items)
                src = f"问卷 {len(s.items)} 题" if zh else f"survey, {len(s.items)} items"
                if rev:
                    src += f"（{rev} 题反向）" if zh else f" ({rev} reverse-worded)"
            elif s.is_ratio:
                mult = f"{s.multiplier:g} × " if s.multiplier != 1 else ""
                src = f"{mult}Σ{s.numerator} / Σ{s.denominator}"
            else:
                agg = AGGREGATE_WORDS.get(s.aggregate, (s.aggregate, s.aggregate))[0 if zh else 1]
                src = f"{agg}({s.column})"
        rows.append(
            {
                "id": n.id,
                "name": text(n.name, lang),
                "depth": n.depth,
                "kind": word(kind, lang),
                "source": src,
                "direction_label": word(n.direction, lang) if n.is_leaf else "",
                "worst": n.worst if n.is_leaf else np.nan,
                "best": n.best if n.is_leaf else np.nan,
                "goalpost_basis": basis_label(n.goalpost_basis, lang) if n.is_leaf else "",
                "unit": text(n.unit, lang) if n.is_leaf else "",
                "record": text(RECORD_LABELS[n.data_source], lang) if n.is_leaf else "",
                "direction_note": text(n.direction_note, lang) if n.direction_note else "",
                "basis": text(n.basis, lang) if n.basis else "",
            }
        )
    return pd.DataFrame(rows)


def issues_table(
    issues: Sequence[Issue],
    lang: str,
    *,
    district: str | None = None,
    names: dict[str, str] | None = None,
) -> pd.DataFrame:
    """The data issues of a report, every text in *lang* (columns of ``ISSUE_COLUMNS``).

    With *district* (a district's report): that district's own issues first, then those of the
    whole study (experts, weights, tree, project file); other districts' issues are left out, and a
    ``scope`` column ("本区县" / "全省") replaces ``district``. Without (issues.xlsx,
    comparison.xlsx): every issue, ``district`` naming its district (*names* maps a district to
    its display name) or the whole study.
    """
    if district is not None:
        own = [i for i in issues if i.district == district]
        issues = own + [i for i in issues if not i.district]
    t = issues_frame(issues, lang)
    t["severity"] = t["severity"].map(lambda s: word(s, lang))
    t["check"] = t["check"].map(lambda c: check_name(c, lang))
    if district is not None:
        scope = [word("this_district" if i.district else "whole_study", lang) for i in issues]
        t.insert(1, "scope", pd.Series(scope, index=t.index, dtype=object))
        return t.drop(columns=["district"])
    whole = word("whole_study", lang)
    t["district"] = [
        (names or {}).get(i.district, i.district) if i.district else whole for i in issues
    ]
    return t


def _issues_table(ev: Evaluation, lang: str, district: str | None = None) -> pd.DataFrame:
    return issues_table(ev.issues, lang, district=district, names=district_names(ev, lang))


def district_names(ev: Evaluation, lang: str) -> dict[str, str]:
    """Display names of the districts in *lang*, those left out of the run included."""
    names = dict(zip(ev.districts["district"], ev.districts["district"], strict=True))
    if lang != "zh":
        names.update(zip(ev.districts["district"], ev.districts["district_en"], strict=True))
        names.update(ev.survey.blocked_en)
    return names


def left_out(ev: Evaluation) -> dict[str, list[tuple[str, int]]]:
    """Districts left out of the run because of errors in their files: district -> [(file,
    number of errors)]; a file whose districts could not be read is listed under ""."""
    errors = Counter(i.location.file for i in ev.errors)
    out: dict[str, list[tuple[str, int]]] = {}
    for file, districts in sorted(ev.blocked.items()):
        for d in districts or [""]:
            out.setdefault(d, []).append((file, errors.get(file, 0)))
    return out


def _left_out_reasons(ev: Evaluation, lang: str) -> dict[str, str]:
    """Each district left out, with why in *lang*: "西山区（surveys/西山区.xlsx 中有 2 个错误）";
    the key "" holds the files whose districts could not be read."""
    zh = lang == "zh"
    out = {}
    for d, files in left_out(ev).items():
        why = ("、" if zh else "; ").join(
            f"{f} 中有 {n} 个错误" if zh else f"{n} error{'s' if n != 1 else ''} in {f}"
            for f, n in files
        )
        if not d:
            out[d] = (
                f"区县无法识别的文件（{why}）" if zh else f"a file of unknown districts ({why})"
            )
        else:
            name = d if zh else ev.survey.blocked_en.get(d) or d
            out[d] = f"{d}（{why}）" if zh else f"{name} ({why})"
    return out


def districts_total(ev: Evaluation) -> int:
    """Districts of the study: those assessed plus those left out because of errors."""
    named = {d for d in left_out(ev) if d} - set(ev.districts["district"])
    return len(ev.districts) + len(named)


def left_out_notice(ev: Evaluation, lang: str) -> str:
    """What a report must say when districts were left out: who and why (file, number of errors,
    issues.xlsx), and that ranks and province figures cover N of M districts; "" when none was."""
    reasons = list(_left_out_reasons(ev, lang).values())
    if not reasons:
        return ""
    n, m = len(ev.districts), districts_total(ev)
    if lang == "zh":
        return (
            f"未参评：{'；'.join(reasons)}，详见 issues.xlsx。本报告的排名、"
            + scoped("全省均值、全省最高分", "zh")
            + f"和熵权只按 {m} 个区县中参评的 {n} 个计算；改正上述文件后重新运行，各区县的得分和"
            "排名都可能变化。"
        )
    return (
        f"Left out of this run: {'; '.join(reasons)}; every problem is listed in issues.xlsx. "
        f"Ranks, the {scoped('province', 'en')} mean and best and the entropy weights in this "
        f"report cover {n} of "
        f"{m} districts; once the files are corrected and the run repeated, every district's "
        "scores and ranks may change."
    )


def _reliability_tables(
    ev: Evaluation, district: str, lang: str
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, float], pd.DataFrame]:
    """Reliability of the district's kept questionnaires (``ev.analysis("reliability")``) and
    its screening counts per station."""
    tree = ev.tree
    names = {n.id: text(n.name, lang) for n in tree.nodes()}
    overall = "总体" if lang == "zh" else "all items"
    rel = ev.analysis("reliability")[str(district)]
    scales = rel.scales.copy()
    scales.insert(1, "name", [names.get(i, overall) for i in scales["id"]])
    scales["band"] = [ALPHA_BANDS.get(b, (b, b))[0 if lang == "zh" else 1] for b in scales["band"]]
    if lang == "zh" and "note_zh" in scales.columns:
        scales["note"] = scales["note_zh"]
    scales = scales.drop(columns=["note_zh"], errors="ignore")
    items = rel.items.copy()
    items["indicator"] = items["indicator"].map(names)
    items["dimension"] = items["dimension"].map(names)
    kmo = {k: float(v) for k, v in rel.kmo.iloc[0].items()} if len(rel.kmo) else {}
    return scales, items, kmo, _screening_table(ev, district, lang)


def _screening_table(ev: Evaluation, district: str, lang: str) -> pd.DataFrame:
    """Invalid questionnaires per station, and why the answers of kept ones are missing:
    skipped by the survey's logic, a missing code (e.g. 9 = don't know), or left empty."""
    if ev.screening is None:
        return pd.DataFrame()
    resp = ev.survey.responses
    c = ev.screening.counts
    c = c[c["district"] == district].drop(columns=["district"])
    kept = resp[resp["district"] == district]
    item_ids = [i.id for _, i in ev.tree.items()]
    missing = kept[item_ids].isna().sum(axis=1)
    why = (
        kept["missing_reasons"].fillna("").astype(str)
        if "missing_reasons" in kept.columns
        else pd.Series("", index=kept.index)
    )
    skipped = why.str.count("=skipped")
    coded = why.str.count("=code")
    answers = pd.DataFrame(
        {
            "answers_skipped": skipped.groupby(kept["station"]).sum(),
            "answers_code": coded.groupby(kept["station"]).sum(),
            "answers_empty": (missing - skipped - coded)
            .clip(lower=0)
            .groupby(kept["station"])
            .sum(),
        }
    )
    c = c.merge(answers, left_on="station", right_index=True, how="left").fillna(
        {"answers_skipped": 0, "answers_code": 0, "answers_empty": 0}
    )
    if lang == "en":
        en = ev.survey.stations.set_index(["district", "station"])["station_en"]
        c["station"] = [en.get((district, st)) or st for st in c["station"]]
    return c.reset_index(drop=True)


def _district_label(ev: Evaluation, district: str, lang: str) -> str:
    if lang == "zh":
        return district
    row = ev.districts.loc[ev.districts["district"] == district]
    return str(row["district_en"].iloc[0]) if len(row) else district


def _dimension_table(ev: Evaluation, district: str, lang: str) -> pd.DataFrame:
    """The district's dimensions beside the province's figures (``ev.analysis("province")``)."""
    tree, prov = ev.tree, ev.analysis("province")
    dims = [d.id for d in tree.dimensions]
    names = {n.id: text(n.name, lang) for n in tree.nodes()}
    w = ev.weights.table.set_index("id")["global"]
    scores = ev.district_scores.loc[district]
    ranks, levels = prov.ranks.loc[district], prov.levels.loc[district]
    return pd.DataFrame(
        {
            "id": dims,
            "name": [names[d] for d in dims],
            "score": [float(scores[d]) for d in dims],
            "province_mean": [float(prov.mean[d]) for d in dims],
            "best_in_province": [float(prov.best[d]) for d in dims],
            "rank": [int(ranks[d]) if ranks[d] == ranks[d] else np.nan for d in dims],
            "weight": [float(w[d]) for d in dims],
            "level": [int(levels[d]) if levels[d] == levels[d] else np.nan for d in dims],
            "level_name": [_level_name(tree, levels[d], lang) for d in dims],
        }
    )


def _indicator_table(ev: Evaluation, district: str, lang: str) -> pd.DataFrame:
    """Every indicator of the district: raw value, goalposts, score, province mean, weights and
    points lost (global weight x (100 - score))."""
    tree, prov = ev.tree, ev.analysis("province")
    names = {n.id: text(n.name, lang) for n in tree.nodes()}
    w = ev.weights.table.set_index("id")
    drow = ev.districts.set_index("district").loc[district]
    scores, raw = ev.district_scores.loc[district], ev.district_values.loc[district]
    dim_of = tree.dimension_of()
    rows = []
    for leaf in tree.leaves():
        s = float(scores[leaf.id])
        src = leaf.source.kind if leaf.source else ""
        rows.append(
            {
                "id": leaf.id,
                "dimension_id": dim_of[leaf.id],
                "dimension": names[dim_of[leaf.id]],
                "name": names[leaf.id],
                "unit": text(leaf.unit, lang),
                "direction": leaf.direction,
                "direction_label": word(leaf.direction, lang),
                "source": src,
                "source_label": word(src, lang),
                "raw": float(raw[leaf.id]),
                "worst": leaf.worst,
                "best": leaf.best,
                "goalpost_basis": basis_label(leaf.goalpost_basis, lang),
                "score": s,
                "province_mean": float(prov.mean[leaf.id]),
                "local_weight": float(w.at[leaf.id, "local"]),
                "global_weight": float(w.at[leaf.id, "global"]),
                "gap": float(w.at[leaf.id, "global"]) * (100.0 - s) if s == s else np.nan,
                "n": int(drow["respondents"] if src == "survey" else drow["stations"]),
            }
        )
    return pd.DataFrame(rows)


def _station_table(ev: Evaluation, district: str, lang: str) -> tuple[pd.DataFrame, int]:
    """The district's stations shown (by rank) and how many are too small to be shown."""
    st = ev.stations[ev.stations["district"] == district]
    hidden = int((~st["shown"]).sum())
    st = st[st["shown"]].sort_values(["rank_in_district", "station"])
    stations = pd.DataFrame(
        {
            "station": st["station"] if lang == "zh" else st["station_en"],
            "respondents": st["respondents"].astype(int),
            "total": st["total"].astype(float),
            "level": st["level"],
            "level_name": [_level_name(ev.tree, v, lang) for v in st["level"]],
            "rank": st["rank_in_district"],
        }
    )
    if ev.tree.level_rule == "staged":  # the dimension that holds the level back
        names = {n.id: text(n.name, lang) for n in ev.tree.dimensions}
        stations["held_back_by"] = [names.get(str(x), "") for x in st["held_back_by"]]
    for d in ev.dimension_ids:
        stations[d] = st[d].to_numpy(dtype=float)
    return stations.reset_index(drop=True), hidden


def _recommendations(
    ev: Evaluation,
    district: str,
    lang: str,
    rules: list[RecommendationRule] | None,
    weakest: list[str],
) -> list[Recommendation]:
    if not rules:
        return []
    names = {n.id: text(n.name, lang) for n in ev.tree.nodes()}
    level = int(ev.districts.set_index("district").at[district, "level"])
    scores, w = ev.district_scores.loc[district], ev.weights.table.set_index("id")["global"]
    return [
        Recommendation(
            id=r.id,
            dimension=names.get(r.dimension, "") if r.dimension != "overall" else "",
            indicators=[names[i] for i in r.indicators if i in names],
            priority=r.priority,
            text=text(r.text, lang),
        )
        for r in select_recommendations(rules, scores, level, w, ev.tree, weakest=weakest)
    ]


def _counts(ev: Evaluation, district: str, experts: pd.DataFrame, hidden: int) -> dict[str, int]:
    drow = ev.districts.set_index("district").loc[district]
    resp = ev.survey.responses
    items = [i.id for _, i in ev.tree.items()]
    bad = experts.loc[~experts["consistent"].astype(bool), "expert"] if len(experts) else []
    return {
        "respondents": int(drow["respondents"]),
        "responses_missing": int(
            resp[items].loc[resp["district"] == district].isna().to_numpy().sum()
        ),
        "stations": int(drow["stations"]),
        "stations_hidden": hidden,
        "experts": len(experts["expert"].unique()) if len(experts) else 0,
        "experts_inconsistent": len(pd.unique(pd.Series(bad))),
        "items": len(items),
        "indicators": len(ev.tree.leaves()),
        "districts": len(ev.districts),
    }


def _warnings(ev: Evaluation, counts: dict[str, int], lang: str) -> list[str]:
    out = []
    notice = left_out_notice(ev, lang)
    if notice:
        out.append(notice)
    if counts["stations_hidden"]:
        minimum = ev.spec.report.min_respondents
        out.append(narrative.hidden_stations(counts["stations_hidden"], minimum, lang))
    if counts["experts_inconsistent"]:
        threshold = ev.weights.spec.cr_threshold
        out.append(narrative.inconsistent_experts(counts["experts_inconsistent"], threshold, lang))
    if ev.weights.method != ev.weights.spec.method:
        out.append(method_dict(ev, lang)["weights"])
    return out


@in_scope_of_evaluation
def district_report(
    ev: Evaluation,
    district: str,
    lang: str,
    rules: list[RecommendationRule] | None = None,
    provenance: Provenance | None = None,
) -> DistrictReport:
    """The model of one district's workbook and PDF, with its sections
    (:func:`evalkit.report.district_sections.district_sections`); *provenance*, the run's
    (:func:`evalkit.provenance.provenance`), gives the appendix 可复现性 and the README sheet."""
    tree = ev.tree
    drow = ev.districts.set_index("district").loc[district]
    prov = ev.analysis("province")
    level = int(drow["level"])
    indicators = _indicator_table(ev, district, lang)
    stations, hidden = _station_table(ev, district, lang)
    leaves = [leaf.id for leaf in tree.leaves()]
    w = ev.weights.table.set_index("id")["global"]
    weak = weakest_indicators(ev.district_scores.loc[district, leaves], w, ev.spec.report.weakest)
    experts, group = _experts_tables(ev, lang)
    counts = _counts(ev, district, experts, hidden)
    reliability, reliability_items, kmo, screening = _reliability_tables(ev, district, lang)
    counts["excluded"] = int(screening["excluded"].sum()) if len(screening) else 0
    report = DistrictReport(
        lang=lang,
        title=text(ev.spec.title, lang) or text(tree.title, lang),
        tree_title=text(tree.title, lang),
        district=_district_label(ev, district, lang),
        district_id=district,
        report_date=ev.spec.report.date,
        total=float(drow["total"]),
        level=level,
        level_name=text(tree.levels[level - 1].name, lang),
        level_description=text(tree.levels[level - 1].description, lang),
        rank=int(drow["rank"]),
        n_districts=len(ev.districts),
        n_districts_total=districts_total(ev),
        left_out=list(_left_out_reasons(ev, lang).values()),
        province_mean=float(prov.mean[tree.goal.id]),
        province_best=float(prov.best[tree.goal.id]),
        dimensions=_dimension_table(ev, district, lang),
        indicators=indicators,
        stations=stations,
        dimension_columns={d.id: text(d.name, lang) for d in tree.dimensions},
        weights=_weights_table(ev, lang),
        experts=experts,
        group=group,
        weakest=indicators.set_index("id").loc[weak["id"]].reset_index(),
        recommendations=_recommendations(ev, district, lang, rules, weak["id"].tolist()),
        issues=_issues_table(ev, lang, district),
        levels=_levels_table(tree, lang),
        tree=_tree_table(tree, lang),
        counts=counts,
        method=method_dict(ev, lang),
        warnings=_warnings(ev, counts, lang),
        reliability=reliability,
        reliability_items=reliability_items,
        kmo=kmo,
        screening=screening,
        imbalance=summary_text(ev, district, lang),
        provenance=provenance,
    )
    return dataclasses.replace(report, sections=district_sections(report, ev))


def files_table(
    names: Mapping[str, ReportName],
    display: Mapping[str, str],
    lang: str,
    pdf: bool = True,
    html: bool = False,
) -> pd.DataFrame:
    """Each district's report files (comparison.xlsx, sheet Files): district (display name),
    name_in_data (the name the file name is made from, when a display name differs from it),
    workbook, pdf_file, html_file, file_note (why the file name is not the district's name);
    no pdf_file / html_file column for a report not written."""
    rows = list(names.values())
    shown = [display.get(r.district, r.district) for r in rows]
    frame = pd.DataFrame(
        {
            "district": shown,
            "name_in_data": [r.district for r in rows],
            "workbook": [f"{r.stem}.xlsx" for r in rows],
            "pdf_file": [f"{r.stem}.pdf" for r in rows],
            "html_file": [f"{r.stem}.html" for r in rows],
            "file_note": [reason_text(r.reasons, lang) for r in rows],
        },
        dtype=object,
    )
    if shown == [r.district for r in rows]:
        frame = frame.drop(columns=["name_in_data"])
    drop = [c for c, on in (("pdf_file", pdf), ("html_file", html)) if not on]
    return frame.drop(columns=drop)


@in_scope_of_evaluation
def comparison_report(
    ev: Evaluation,
    lang: str,
    *,
    files: pd.DataFrame | None = None,
    provenance: Provenance | None = None,
) -> ComparisonReport:
    """The model of comparison.xlsx: every district and station side by side; *files*
    (:func:`files_table`) each district's report files; *provenance* the README sheet's."""
    tree = ev.tree
    dims = [d.id for d in tree.dimensions]
    names = {n.id: text(n.name, lang) for n in tree.nodes()}
    d = ev.districts.sort_values(["rank", "district"])
    districts = pd.DataFrame(
        {
            "district": d["district"] if lang == "zh" else d["district_en"],
            "total": d["total"],
            "level": d["level"],
            "level_name": [_level_name(tree, v, lang) for v in d["level"]],
            "rank": d["rank"],
            "respondents": d["respondents"],
            "stations": d["stations"],
        }
    )
    # the spread of the district's station totals beside its score
    spread = district_columns(ev, d["district"], lang).set_axis(districts.index)
    districts = pd.concat([districts, spread], axis=1)
    for dim in dims:
        districts[dim] = d[dim].to_numpy()
    reasons = _left_out_reasons(ev, lang)
    if reasons:
        # the districts left out stay in the table, unscored, with why
        districts["note"] = ""
        gone = "未参评：" if lang == "zh" else "left out: "
        see = "，详见 issues.xlsx" if lang == "zh" else "; see issues.xlsx"
        out = [x for x in reasons if x]
        rows = pd.DataFrame({"district": out, "note": [gone + reasons[x] + see for x in out]})
        districts = pd.concat([districts, rows], ignore_index=True)
    s = ev.stations[ev.stations["shown"]].sort_values(["rank_in_province", "district"])
    en = ev.districts.set_index("district")["district_en"]
    stations = pd.DataFrame(
        {
            "district": s["district"] if lang == "zh" else s["district"].map(en),
            "station": s["station"] if lang == "zh" else s["station_en"],
            "respondents": s["respondents"],
            "total": s["total"],
            "level": s["level"],
            "level_name": [_level_name(tree, v, lang) for v in s["level"]],
            "rank_in_district": s["rank_in_district"],
            "rank_in_province": s["rank_in_province"],
        }
    )
    for dim in dims:
        stations[dim] = s[dim].to_numpy()
    leaves = [leaf.id for leaf in tree.leaves()]
    ind = ev.district_scores.loc[d["district"], leaves].reset_index(drop=True)
    ind.insert(0, "district", districts["district"].to_numpy()[: len(d)])  # the assessed
    report = ComparisonReport(
        lang=lang,
        title=text(ev.spec.title, lang) or text(tree.title, lang),
        report_date=ev.spec.report.date,
        districts=districts.reset_index(drop=True),
        stations=stations.reset_index(drop=True),
        indicators=ind,
        dimension_columns={x: names[x] for x in dims},
        indicator_columns={x: names[x] for x in leaves},
        weights=_weights_table(ev, lang),
        levels=_levels_table(tree, lang),
        issues=_issues_table(ev, lang),
        method=method_dict(ev, lang),
        notes=[n for n in [left_out_notice(ev, lang)] if n],
        files=files,
        provenance=provenance,
    )
    return dataclasses.replace(report, sections=comparison_sections(report, ev))


def load_rules(ev: Evaluation) -> list[RecommendationRule]:
    path = ev.spec.recommendations
    return load_recommendations(path, ev.tree) if path is not None else []

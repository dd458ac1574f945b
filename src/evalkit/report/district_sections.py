"""A district's report as sections (:mod:`evalkit.report.sections`), made from its model.

:func:`district_sections` runs the builders of :data:`BODY` and :data:`APPENDIX` in order; each
takes a :class:`Source` (the :class:`~evalkit.report.model.DistrictReport`, and the Evaluation
when there is one) and returns a section, or None to leave it out. Adding a section to the
reports is adding a builder to one of these lists: the PDF shows it under its title, and the
workbook writes it as a sheet when it names one.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..weights.weightset import WEIGHT_COLUMNS
from . import action_sections as actions
from . import basis_sections as basis
from . import imbalance as imb
from . import narrative, period_sections
from . import toolbox_sections as toolbox
from . import uncertainty_sections as unc
from .formats import fmt
from .i18n import header, label, word
from .model import DistrictReport, cr_threshold
from .phrases import phrases
from .reproducibility_sections import appendix_section, readme_section
from .sections import (
    PDF_ONLY,
    SHEET_ONLY,
    Bullets,
    Callout,
    Card,
    Cards,
    Chart,
    Column,
    Entries,
    Entry,
    Formulas,
    KeyValue,
    KeyValues,
    Note,
    Paragraph,
    Section,
    Table,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..pipeline import Evaluation

MAX_ISSUES = 30  # issues listed in the PDF; the workbook lists all


@dataclass
class Source:
    """What the builders read: the district's model, the Evaluation it came from (None for a
    model made by hand), and values computed once for several builders."""

    report: DistrictReport
    ev: Evaluation | None = None
    _cache: dict[str, Any] = field(default_factory=dict)

    @property
    def lang(self) -> str:
        return "zh" if self.report.lang == "zh" else "en"

    @property
    def p(self) -> dict[str, str]:
        return phrases(self.lang)

    @property
    def uncertainty(self) -> unc.DistrictUncertainty | None:
        if "uncertainty" not in self._cache:
            self._cache["uncertainty"] = unc.district_view(
                self.ev, self.report.district_id, self.lang
            )
        return self._cache["uncertainty"]


Builder = Callable[[Source], "Section | None"]


def _label(key: str, lang: str) -> str:
    return label(key, lang)


def _h(column: str, lang: str) -> str:
    return header(column, lang)


# ------------------------------------------------------------------ 1 summary


def _summary_rows(src: Source) -> list[KeyValue]:
    r, lang = src.report, src.lang
    rows = [KeyValue(_label("title", lang), r.title)]
    if r.tree_title:
        rows.append(KeyValue(_label("tree_title", lang), r.tree_title))
    rows += [
        KeyValue(_h("district", lang), r.district),
        KeyValue(_label("report_date", lang), r.report_date),
        KeyValue(_h("total", lang), r.total, "score"),
        KeyValue(_h("level", lang), r.level, "count", extra=r.level_name),
        *_held_back_rows(src),
        KeyValue(_label("rank_of", lang), narrative.rank_text(r)),
    ]
    if r.left_out:
        rows.append(
            KeyValue(_label("left_out", lang), ("；" if lang == "zh" else "; ").join(r.left_out))
        )
    rows += [
        KeyValue(_h("province_mean", lang), r.province_mean, "score"),
        KeyValue(_h("best_in_province", lang), r.province_best, "score"),
        KeyValue(_label("summary_paragraph", lang), narrative.summary_paragraph(r)),
    ]
    if r.imbalance:  # the spread of the district's station totals (report.imbalance)
        rows.append(KeyValue(imb.LABEL[0 if lang == "zh" else 1], r.imbalance))
    view = src.uncertainty
    if view is not None and src.ev is not None:
        rows += unc.summary_rows(view, src.ev, lang)
    counts = r.counts or {}
    for key in ("respondents", "stations"):
        if key in counts:
            rows.append(KeyValue(_h(key, lang), counts[key], "count"))
    if counts.get("stations_hidden"):
        rows.append(KeyValue(_label("stations_hidden", lang), counts["stations_hidden"], "count"))
    if "experts" in counts:
        rows.append(KeyValue(_h("experts", lang), counts["experts"], "count"))
    if counts.get("experts_inconsistent"):
        n = counts["experts_inconsistent"]
        rows.append(KeyValue(_label("experts_inconsistent", lang), n, "count"))
    for key in METHOD_KEYS:
        if (r.method or {}).get(key):
            rows.append(KeyValue(_label(f"method_{key}", lang), str(r.method[key])))
    rows += basis.summary_rows(src.ev, lang)
    if r.level_description:
        rows.append(KeyValue(_label("level_description", lang), r.level_description))
    return rows


METHOD_KEYS = (
    "weights",
    "ri_table",
    "cr_threshold",
    "normalisation",
    "aggregation",
    "group",
    "objective_units",
    "inconsistent_experts",
    "consensus",
    "hierarchy_cr",
)


def _held_back_rows(src: Source) -> list[KeyValue]:
    """Under the staged level rule, the dimension that holds the district's level back."""
    held = basis.held_back(src.ev, src.report.district_id, src.lang)
    return [KeyValue(src.p["held_back_label"], held)] if held else []


def _cards(r: DistrictReport, p: dict[str, str]) -> Cards:
    partial = r.n_districts_total > r.n_districts
    nm = {"rank": r.rank, "n": r.n_districts, "m": r.n_districts_total}
    mean_best = p["mean_best_partial" if partial else "mean_best"].format(
        mean=fmt(r.province_mean, "score"), best=fmt(r.province_best, "score"), **nm
    )
    return Cards(
        (
            Card(p["total"], fmt(r.total, "score"), mean_best),
            Card(p["level"], r.level_name, p["level_sub"].format(level=r.level, n=len(r.levels))),
            Card(
                p["rank"],
                p["rank_value"].format(**nm),
                p["rank_sub_partial" if partial else "rank_sub"].format(**nm),
            ),
        )
    )


def _vs_mean_table(r: DistrictReport, lang: str) -> Table:
    dims = r.dimensions.copy() if r.dimensions is not None else pd.DataFrame()
    if {"score", "province_mean"} <= set(dims.columns):
        dims["vs_mean"] = pd.to_numeric(dims["score"], errors="coerce") - pd.to_numeric(
            dims["province_mean"], errors="coerce"
        )
    cols = (
        Column("name", _h("dimension", lang)),
        Column("score", _h("score", lang)),
        Column("province_mean", _h("province_mean", lang)),
        Column("vs_mean", _label("vs_mean", lang), "signed"),
        Column("best_in_province", _h("best_in_province", lang)),
        Column("rank", _h("rank", lang)),
        Column("level_name", _h("level_name", lang)),
    )
    return Table(
        dims, cols, id="vs_mean", title=_label("dimension_table", lang), targets=SHEET_ONLY
    )


def summary(src: Source) -> Section:
    r, p, lang = src.report, src.p, src.lang
    held = basis.held_back(src.ev, r.district_id, lang)
    blocks: list[Any] = [
        KeyValues(tuple(_summary_rows(src)), targets=SHEET_ONLY),
        _cards(r, p),
        Callout(
            p["level_value"].format(name=r.level_name, level=r.level),
            r.level_description,
            (held,) if held else (),
        ),
        Paragraph(narrative.summary_paragraph(r)),
    ]
    view = src.uncertainty
    if view is not None and src.ev is not None:
        blocks.append(Paragraph(unc.summary_sentence(view, src.ev, lang)))
    blocks.append(_vs_mean_table(r, lang))
    if r.warnings:
        blocks.append(Bullets(_label("warnings", lang), tuple(str(w) for w in r.warnings)))
    return Section("summary", p["summary"], tuple(blocks), sheet="summary")


# ------------------------------------------------------------------ 2 dimensions


def _level_label(names: Any, levels: Any, lang: str) -> list[str]:
    out = []
    for name, lv in zip(names, levels, strict=True):
        n = "" if name is None or name != name else str(name)
        k = fmt(lv, "count", missing="")
        out.append(f"{n}（{k}）" if lang == "zh" else f"{n} ({k})")
    return out


def dimensions(src: Source) -> Section:
    r, p, lang = src.report, src.p, src.lang
    d = r.dimensions.copy()
    if len(d):
        d["level_label"] = _level_label(d["level_name"], d["level"], lang)
    cols = (
        Column("id", _h("id", lang), targets=SHEET_ONLY),
        Column("name", _h("name", lang), width=3, pdf_title=_h("dimension", lang)),
        Column("score", _h("score", lang)),
        Column("province_mean", _h("province_mean", lang)),
        Column("best_in_province", _h("best_in_province", lang), targets=SHEET_ONLY),
        Column("rank", _h("rank", lang)),
        Column("weight", _h("weight", lang)),
        Column("level", _h("level", lang), targets=SHEET_ONLY),
        Column("level_name", _h("level_name", lang), targets=SHEET_ONLY),
        Column("level_label", _h("level", lang), "text", PDF_ONLY, width=1.6),
    )
    blocks: list[Any] = [Table(d, cols, id="dimensions", size=9, freeze_col=2)]
    if len(r.dimensions):
        blocks.append(
            Chart(
                "radar",
                "radar",
                {
                    "labels": [str(x) for x in r.dimensions["name"]],
                    "values": [float(x) for x in r.dimensions["score"]],
                    "reference": [float(x) for x in r.dimensions["province_mean"]],
                    "series": [r.district, p["series_mean"]],
                },
                p["radar_caption"],
                width=0.58,
            )
        )
    return Section("dimensions", p["dimensions"], tuple(blocks), sheet="dimensions")


# ------------------------------------------------------------------ 3 indicators


def raw_text(value: Any, unit: Any) -> str:
    """A raw value in the format of raw values (2 decimals; thousands without) and its unit."""
    s = fmt(value, "raw")
    u = "" if unit is None or unit != unit else str(unit)
    if not u or s == "—":
        return s
    return f"{s}{u}" if u in ("%", "‰", "°") else f"{s} {u}"


def indicators(src: Source) -> Section:
    r, p, lang = src.report, src.p, src.lang
    d = r.indicators.copy()
    if len(d):
        units = d["unit"] if "unit" in d else [""] * len(d)
        d["raw_text"] = [raw_text(v, u) for v, u in zip(d["raw"], units, strict=True)]
    sheet_only = [
        "dimension",
        "unit",
        "direction_label",
        "source_label",
        "raw",
        "worst",
        "best",
        "goalpost_basis",
    ]
    cols = [
        Column("id", _h("id", lang), targets=SHEET_ONLY),
        Column("name", _h("name", lang), width=3.2),
        *[Column(c, _h(c, lang), targets=SHEET_ONLY) for c in sheet_only],
        Column("raw_text", _h("raw", lang), "text", PDF_ONLY, width=1.3, align="r"),
        Column("score", _h("score", lang)),
        Column("province_mean", _h("province_mean", lang)),
        Column("local_weight", _h("local_weight", lang), targets=SHEET_ONLY),
        Column("global_weight", _h("global_weight", lang)),
        Column("gap", _h("gap", lang)),
        Column("n", _h("n", lang), targets=SHEET_ONLY),
    ]
    table = Table(d, tuple(cols), id="indicators", group_by="dimension", freeze_col=2)
    blocks = (table, Note(p["indicators_note"], targets=PDF_ONLY))
    return Section("indicators", p["indicators"], blocks, sheet="indicators")


# ------------------------------------------------------------------ 4 stations


def _station_tables(r: DistrictReport, p: dict[str, str], lang: str) -> list[Table]:
    d = r.stations
    dim_ids = [c for c in r.dimension_columns if c in d.columns]
    names = [r.dimension_columns[c] for c in dim_ids]
    sheet_cols = [
        Column(c, _h(c, lang))
        for c in ("station", "respondents", "total", "level", "level_name", "rank")
    ]
    extra = [c for c in d.columns if c not in {x.id for x in sheet_cols}]
    sheet_cols += [
        Column(c, r.dimension_columns.get(c) or _h(c, lang), "score" if c in dim_ids else "")
        for c in extra
    ]
    legend, short = "", [""] * len(names)
    if any(len(n) > (6 if lang == "zh" else 11) for n in names):
        # long names would break inside words in narrow columns: short codes and a legend
        short = [f"D{i}" for i in range(1, len(names) + 1)]
        sep = "；" if lang == "zh" else "; "
        legend = sep.join(f"{c} {n}" for c, n in zip(short, names, strict=True))
    pdf_cols = [
        Column("rank", _h("rank", lang)),
        Column("station", _h("station", lang), width=2.2),
        Column("respondents", _h("respondents", lang)),
        Column("total", _h("total", lang)),
        Column("level_name", _h("level_name", lang), width=1.2),
        Column("held_back_by", _h("held_back_by", lang), "text", width=1.2),
        *[
            Column(c, n, "score", pdf_title=s)
            for c, n, s in zip(dim_ids, names, short, strict=True)
        ],
    ]
    return [
        Table(d, tuple(pdf_cols), id="stations_pdf", targets=PDF_ONLY, size=7.5, legend=legend),
        Table(d, tuple(sheet_cols), id="stations", targets=SHEET_ONLY, freeze_col=1),
    ]


def stations(src: Source) -> Section:
    r, p, lang = src.report, src.p, src.lang
    blocks: list[Any] = []
    if len(r.stations):
        blocks.append(
            Chart(
                "stations",
                "station_bars",
                {
                    "labels": [str(x) for x in r.stations["station"]],
                    "values": [float(x) for x in r.stations["total"]],
                    "axis": _h("total", lang),
                },
                p["bars_caption"],
            )
        )
    else:
        blocks.append(Note(p["no_stations"], targets=PDF_ONLY))
    blocks += _station_tables(r, p, lang)
    hidden = int(r.counts.get("stations_hidden", 0) or 0)
    if hidden > 0:
        blocks.append(Note(p["stations_hidden"].format(n=hidden), targets=PDF_ONLY))
    return Section("stations", p["stations"], tuple(blocks), sheet="stations")


# ------------------------------------------------------------------ 5 weak points


def _weakest(src: Source) -> Section:
    r, p, lang = src.report, src.p, src.lang
    cols = (
        Column("name", _h("name", lang), width=3),
        Column("dimension", _h("dimension", lang), width=2),
        Column("score", _h("score", lang)),
        Column("gap", _h("gap", lang)),
    )
    blocks = (
        Table(r.weakest, cols, id="weakest", targets=PDF_ONLY, size=9),
        Note(p["weakest_note"], targets=PDF_ONLY),
    )
    return Section("weakest", p["weakest"], blocks)


def _recommendations(src: Source) -> Section:
    r, p, lang = src.report, src.p, src.lang
    recs = r.recommendations
    entries = tuple(
        Entry(
            rec.dimension or p["overall"],
            _h("priority", lang) + ("：" if lang == "zh" else ": ") + word(rec.priority, lang),
            rec.text,
        )
        for rec in recs
    )
    frame = pd.DataFrame(
        {
            "priority": [x.priority for x in recs],
            "dimension": [x.dimension for x in recs],
            "indicators": [list(x.indicators) for x in recs],
            "text": [x.text for x in recs],
        },
        columns=["priority", "dimension", "indicators", "text"],
    )
    cols = (
        Column("priority", _h("priority", lang)),
        Column("dimension", _h("dimension", lang)),
        Column("indicators", _label("indicators", lang), "wrap"),
        Column("text", _h("text", lang)),
    )
    blocks = (
        Entries(entries, p["no_recommendations"]),
        Table(frame, cols, id="recommendations", targets=SHEET_ONLY, color=False),
    )
    return Section("recommendations", p["recommendations"], blocks, sheet="recommendations")


def weak_points(src: Source) -> Section:
    """The weakest indicators by obstacle degree (by points lost for a model made by hand), then
    the countermeasures of ``ev.analysis("actions")`` (a model made by hand: the library's list
    it carries)."""
    top = src.ev.spec.report.weakest if src.ev is not None else len(src.report.weakest)
    weakest = toolbox.obstacle_section(src.ev, src.report.district_id, src.lang, top)
    measures = actions.countermeasures(src, src.p["recommendations"]) or _recommendations(src)
    return Section("weak", src.p["weak"], children=(weakest or _weakest(src), measures))


def uncertainty(src: Source) -> Section | None:
    view = src.uncertainty
    if view is None or src.ev is None:
        return None
    return unc.body_section(view, src.ev, src.lang)


# ------------------------------------------------------------------ appendix


def method_params(src: Source) -> Section:
    r, p = src.report, src.p
    rows = tuple(
        KeyValue(p.get(f"m_{k}", k), "" if v is None else str(v)) for k, v in r.method.items()
    )
    return Section("method_params", p["method_params"], (KeyValues(rows, targets=PDF_ONLY),))


def formulas(src: Source) -> Section:
    p = src.p
    keys = ("formula_ahp", "formula_entropy", "formula_score", "formula_total")
    return Section("formulas", p["formulas"], (Formulas({k: p[k] for k in keys}),))


_ZWSP = "\u200b"  # a line may break here; prints nothing


def _breakable(value: Any) -> str:
    """Column names such as Σverified_records may break after _ and /, not overflow the cell."""
    s = "" if value is None or value != value else str(value)
    return s.replace("_", "_" + _ZWSP).replace("/", "/" + _ZWSP)


def _goalpost(x: Any) -> str:
    """A goalpost as the tree gives it (0.5, 20, 100)."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return ""
    return "" if math.isnan(v) else f"{v:g}"


def tree(src: Source) -> Section:
    r, p, lang = src.report, src.p, src.lang
    d = r.tree.copy()
    if len(d):
        d["kind"] = [word(str(k), lang) for k in d["kind"]]
        d["source"] = [_breakable(s) for s in d["source"]]
        for c in ("worst", "best"):
            d[c] = [_goalpost(v) for v in d[c]]
        d["indent"] = d["depth"].fillna(0).astype(int)
    cols = (
        Column("name", _h("name", lang), "text", width=2.4),
        Column("kind", _h("kind", lang), "text"),
        Column("source", _h("source", lang), "text", width=2.2),
        Column("direction_label", _h("direction", lang), "text", align="c"),
        Column("worst", _h("worst", lang), "text", align="r"),
        Column("best", _h("best", lang), "text", align="r"),
        Column("goalpost_basis", _h("goalpost_basis", lang), "text", width=1.4),
        Column("unit", _h("unit", lang), "text", width=1.7),
    )
    table = Table(d, cols, id="tree", targets=PDF_ONLY, size=7.5, indent_by="indent")
    return Section("tree", p["tree"], (table,))


def weights(src: Source) -> Section:
    r, p, lang = src.report, src.p, src.lang
    d = r.weights.copy()
    if len(d):
        d["indent"] = (d["depth"].fillna(1).astype(int) - 1).clip(lower=0)
    pdf_cols = (
        Column("name", _h("name", lang), width=1),
        *[Column(c, _h(c, lang)) for c in WEIGHT_COLUMNS],
    )
    sheet_cols = tuple(
        Column(c, _h(c, lang)) for c in ("id", "name", "depth", "parent", *WEIGHT_COLUMNS)
    )
    blocks = (
        Table(d, pdf_cols, id="weights_pdf", targets=PDF_ONLY, size=7.5, indent_by="indent"),
        Table(d, sheet_cols, id="weights", targets=SHEET_ONLY, freeze_col=2, sheet_indent="name"),
        *basis.weights_sheet_tables(src.ev, lang),
    )
    return Section("weights", p["weights"], blocks, sheet="weights")


def objective_weights(src: Source) -> Section | None:
    return basis.objective_weights_section(src.ev, src.lang)


def basis_section(src: Source) -> Section | None:
    return basis.basis_section(src.ev, src.lang)


def _inconsistent_rows(frame: pd.DataFrame, threshold: float) -> tuple[int, ...]:
    """Matrices to highlight: CR above the threshold, or marked not consistent."""
    if not len(frame):
        return ()
    cr = pd.to_numeric(frame.get("cr"), errors="coerce") if "cr" in frame else None
    over = (cr > threshold).fillna(False) if cr is not None else False
    marked = (
        frame["consistent"].map(lambda v: v is False or v is np.False_)
        if "consistent" in frame
        else False
    )
    return tuple(int(i) for i in np.flatnonzero(np.asarray(over | marked, dtype=bool)))


def group_cr(src: Source) -> Section:
    r, p, lang = src.report, src.p, src.lang
    t = cr_threshold(r.method)
    hl = _inconsistent_rows(r.group, t)
    cols = (
        Column("node", _h("node", lang), width=3),
        Column("experts", _h("experts", lang)),
        Column("lambda_max", _h("lambda_max", lang), width=1),
        Column("cr", _h("cr", lang), width=1),
        Column("consistent", _h("consistent", lang), "bool", width=1),
        Column("consensus", _h("consensus", lang), width=1),
    )
    blocks: list[Any] = [Table(r.group, cols, id="group", targets=PDF_ONLY, size=8, highlight=hl)]
    if hl:
        blocks.append(Note(_cr_note(r, p), targets=PDF_ONLY))
    return Section("group_cr", p["group_cr"], tuple(blocks))


def _cr_note(r: DistrictReport, p: dict[str, str]) -> str:
    t = r.method.get("cr_threshold", "0.1")
    return p["cr_note"].format(t="" if t is None else str(t))


def experts(src: Source) -> Section:
    r, p, lang = src.report, src.p, src.lang
    t = cr_threshold(r.method)
    rule = ("cr", ">", t)
    blocks: list[Any] = []
    if len(r.experts):
        cols = (
            Column("node", _h("node", lang), width=2.5),
            Column("expert", _h("expert", lang), width=1),
            Column("n", _h("n", lang), pdf_title=p["matrix_order"]),
            Column("lambda_max", _h("lambda_max", lang), width=1),
            Column("ci", _h("ci", lang), width=1),
            Column("cr", _h("cr", lang), width=1),
            Column("consistent", _h("consistent", lang), "bool", width=1),
            Column("used", _h("used", lang), "bool", width=1),
        )
        hl = _inconsistent_rows(r.experts, t)
        blocks += [
            Table(r.experts, cols, id="experts_pdf", targets=PDF_ONLY, size=7.5, highlight=hl),
            Note(_cr_note(r, p), targets=PDF_ONLY),
            *[Note(line, targets=PDF_ONLY) for line in narrative.expert_suggestions(r)],
        ]
    e_ids = ("node_id", "node", "expert", "n", "lambda_max", "ci", "cr", "consistent", "used")
    e_ids += ("worst_pair", "current", "suggested", "repairs", "cr_repaired")
    g_ids = ("node_id", "node", "experts", "lambda_max", "cr", "consistent", "consensus")
    blocks += [
        Table(
            r.experts,
            tuple(Column(c, _h(c, lang)) for c in e_ids),
            id="experts",
            targets=SHEET_ONLY,
            rule=rule,
        ),
        Table(
            r.group,
            tuple(Column(c, _h(c, lang)) for c in g_ids),
            id="group",
            title=_label("group_table", lang),
            targets=SHEET_ONLY,
            rule=rule,
        ),
    ]
    return Section("experts", p["expert_cr"], tuple(blocks), sheet="experts")


def counts(src: Source) -> Section:
    r, p = src.report, src.p
    rows = tuple(KeyValue(p.get(f"c_{k}", k), v, "count") for k, v in r.counts.items())
    return Section("counts", p["counts"], (KeyValues(rows, targets=PDF_ONLY),))


def reliability(src: Source) -> Section | None:
    r, p, lang = src.report, src.p, src.lang
    if not len(r.reliability):
        return None
    rel = r.reliability
    alpha = pd.to_numeric(rel.get("alpha"), errors="coerce")
    hl = tuple(int(i) for i in np.flatnonzero((alpha < 0.7).fillna(False).to_numpy()))
    pdf_cols = (
        Column("name", _h("dimension", lang), width=3),
        Column("items", _h("items", lang)),
        Column("respondents", _h("respondents", lang)),
        Column("alpha", _h("alpha", lang), width=1),
        Column("band", _h("band", lang), width=1),
    )
    blocks: list[Any] = [
        Table(rel, pdf_cols, id="reliability_pdf", targets=PDF_ONLY, size=8, highlight=hl)
    ]
    note = narrative.reliability_note(r)
    if note:
        blocks.append(Note(note, targets=PDF_ONLY))
    sheet = [
        Table(
            rel,
            tuple(
                Column(c, _h(c, lang))
                for c in ("id", "name", "items", "respondents", "alpha", "band", "note")
            ),
            id="reliability",
            targets=SHEET_ONLY,
        )
    ]
    kmo = pd.DataFrame([r.kmo]) if r.kmo else pd.DataFrame()
    k_ids = ("kmo", "bartlett_chi2", "df", "p_value", "n", "items")
    if any(c in kmo.columns for c in k_ids):
        sheet.append(
            Table(
                kmo,
                tuple(Column(c, _h(c, lang)) for c in k_ids),
                id="kmo",
                title=_label("kmo_table", lang),
                targets=SHEET_ONLY,
            )
        )
    i_ids = ("item", "indicator", "dimension", "keyed", "r_item_rest", "alpha_if_deleted")
    i_ids += ("msa", "mean", "sd", "missing_share")
    if any(c in r.reliability_items.columns for c in i_ids):
        sheet.append(
            Table(
                r.reliability_items,
                tuple(Column(c, _h(c, lang)) for c in i_ids),
                id="items",
                title=_label("items_table", lang),
                targets=SHEET_ONLY,
            )
        )
    return Section("reliability", p["reliability"], (*blocks, *sheet), sheet="reliability")


def screening(src: Source) -> Section | None:
    r, lang = src.report, src.lang
    if not len(r.screening):
        return None
    ids = ("station", "respondents", "duplicate_id", "too_many_missing", "straight_lining")
    ids += ("excluded", "kept", "answers_empty", "answers_skipped", "answers_code")
    table = Table(
        r.screening,
        tuple(Column(c, _h(c, lang)) for c in ids),
        id="screening",
        targets=SHEET_ONLY,
        freeze_col=1,
    )
    return Section("screening", _label("screening", lang), (table,), sheet="screening")


def levels(src: Source) -> Section:
    r, p, lang = src.report, src.p, src.lang
    cols = (
        Column("level", _h("level", lang), align="c"),
        Column("name", _h("name", lang), width=1.3),
        Column("min_score", _h("min_score", lang)),
        Column("max_score", _h("max_score", lang)),
        Column("description", _h("description", lang), "text", width=4),
    )
    return Section("levels", p["levels"], (Table(r.levels, cols, id="levels", targets=PDF_ONLY),))


def unc_factors(src: Source) -> Section | None:
    view = src.uncertainty
    return unc.factors_section(view.result, src.lang) if view is not None else None


def unc_sensitivity(src: Source) -> Section | None:
    view = src.uncertainty
    return unc.sensitivity_section(view.result, src.lang) if view is not None else None


def _location(rec: dict[str, Any], lang: str) -> str:
    parts = []
    for key in ("file", "sheet", "row", "column", "line", "path"):
        v = rec.get(key)
        if key in ("row", "line"):
            s = fmt(v, "count", missing="")
            if s:
                parts.append(f"{_h(key, lang)} {s}")
        else:
            s = "" if v is None or v != v else str(v)
            if s:
                parts.append(s)
    return ("，" if lang == "zh" else ", ").join(parts)


def _issue_text(rec: dict[str, Any], lang: str) -> str:
    def s(key: str) -> str:
        v = rec.get(key)
        return "" if v is None or v != v else str(v)

    msg, exp, found = s("message"), s("expected"), s("found")
    parts = []
    if exp:
        parts.append(f"{_h('expected', lang)} {exp}" if lang == "zh" else f"expected {exp}")
    if found:
        parts.append(f"{_h('found', lang)} {found}" if lang == "zh" else f"found {found}")
    if parts:
        msg += f"（{'，'.join(parts)}）" if lang == "zh" else f" ({', '.join(parts)})"
    return msg


def issues(src: Source) -> Section:
    """The district's own issues, then those of the whole study, each under a group heading in
    the PDF (at most :data:`MAX_ISSUES` there; the workbook has every one)."""
    r, p, lang = src.report, src.p, src.lang
    d = r.issues if r.issues is not None else pd.DataFrame()
    blocks: list[Any] = []
    if len(d):
        recs = d.to_dict("records")
        own = word("this_district", lang)
        view = pd.DataFrame(
            {
                "group": [
                    p["issues_own" if str(x.get("scope", "")) == own else "issues_study"].format(
                        district=r.district
                    )
                    for x in recs
                ],
                "severity": [word(str(x.get("severity", "")), lang) for x in recs],
                "location": [_location(x, lang) for x in recs],
                "message": [_issue_text(x, lang) for x in recs],
                "fix": [
                    "" if x.get("fix") is None or x.get("fix") != x.get("fix") else str(x["fix"])
                    for x in recs
                ],
            }
        )
        cols = (
            Column("severity", _h("severity", lang), "text"),
            Column("location", p["location"], "text", width=2),
            Column("message", _h("message", lang), "text", width=3),
            Column("fix", _h("fix", lang), "text", width=2),
        )
        more = len(d) - MAX_ISSUES
        blocks.append(
            Table(
                view,
                cols,
                id="issues_pdf",
                targets=PDF_ONLY,
                size=7.5,
                group_by="group",
                max_rows=MAX_ISSUES,
                more=p["issues_more"].format(n=more) if more > 0 else "",
            )
        )
    else:
        blocks.append(Note(p["no_issues"], targets=PDF_ONLY))
    blocks.append(issues_sheet_table(d, lang))
    return Section("issues", p["issues"], tuple(blocks), sheet="issues")


def issues_sheet_table(frame: pd.DataFrame | None, lang: str) -> Table:
    """The issue table of a workbook: ``ISSUE_COLUMNS``, with ``scope`` (this district / whole
    study) in place of ``district`` in a district's workbook, then any other columns."""
    from ..errors import ISSUE_COLUMNS

    if frame is None:
        frame = pd.DataFrame(columns=ISSUE_COLUMNS)
    cols = ["scope" if c == "district" and "scope" in frame.columns else c for c in ISSUE_COLUMNS]
    extra = [c for c in frame.columns if c not in cols and c not in ("district", "scope")]
    frame = frame.reindex(columns=[*cols, *extra])
    return Table(
        frame,
        tuple(Column(c, _h(c, lang)) for c in [*cols, *extra]),
        id="issues",
        targets=SHEET_ONLY,
    )


def imbalance(src: Source) -> Section | None:
    return imb.district_section(src.ev, src.report.district_id, src.lang)


def periods(src: Source) -> Section | None:
    return period_sections.district_section(src.ev, src.report.district_id, src.lang)


def methods(src: Source) -> Section | None:
    return toolbox.methods_section(src.ev, src.report.district_id, src.lang)


def fuzzy(src: Source) -> Section | None:
    return toolbox.fuzzy_section(src.ev, src.report.district_id, src.lang)


def appendix(src: Source) -> Section:
    children = tuple(c for c in (b(src) for b in APPENDIX) if c is not None)
    return Section("method", src.p["method"], children=children, numbered=False)


#: The body's sections, in order.
BODY: list[Builder] = [
    summary,
    dimensions,
    indicators,
    stations,
    imbalance,
    weak_points,
    actions.next_level,
    uncertainty,
    periods,
]
#: The appendix's sections (methodology, data, issues), in order.
APPENDIX: list[Builder] = [
    method_params,
    formulas,
    tree,
    weights,
    objective_weights,
    group_cr,
    experts,
    counts,
    reliability,
    screening,
    levels,
    basis_section,
    unc_factors,
    unc_sensitivity,
    methods,
    fuzzy,
    issues,
    appendix_section,  # 可复现性 / Reproducibility (report.reproducibility_sections)
]


def district_sections(report: DistrictReport, ev: Evaluation | None = None) -> tuple[Section, ...]:
    """The sections of a district's report, built from its model (and *ev*, for the analyses a
    model made by hand does not carry)."""
    from .excel import DISTRICT_SHEETS

    src = Source(report, ev)
    built = [b(src) for b in BODY]
    out = (*[s for s in built if s is not None], appendix(src))
    readme = readme_section(out, report.provenance, src.lang, DISTRICT_SHEETS)
    return (*out, readme) if readme is not None else out


__all__ = ["APPENDIX", "BODY", "MAX_ISSUES", "Source", "district_sections", "raw_text"]

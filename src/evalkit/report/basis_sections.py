"""What the figures rest on, in the reports: the objective weights' diagnostics beside each
other, the calibration marks of the tree (goalposts and level cut-offs), the level rule and the
dimension that holds a unit back under the staged rule, and the share of the total weight that
rests on officers' self-reports.

The builders read the :class:`~evalkit.pipeline.Evaluation` (``WeightSet.diagnostics``,
``WeightSet.source_shares``, the tree's ``goalpost_basis`` / ``level_basis`` / ``level_rule``,
``held_back_by`` of the districts' and stations' tables); a model made by hand without one gets
none of them. The PDF shows them in the methodology appendix, the workbook in the Weights sheet
(diagnostics, source shares), the Indicators sheet (each goalpost's basis) and the summary rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..tree.model import BASIS_LABELS, LEVEL_RULE_LABELS
from ..weights.diagnostics import FEW_DISTINCT, LOO_CHANGE, SIDE_BY_SIDE, TIED_SHARE
from .formats import fmt
from .i18n import header, text, word
from .phrases import OBJECTIVE_WORDS, phrases
from .sections import PDF_ONLY, SHEET_ONLY, Column, KeyValue, Note, Paragraph, Section, Table

if TYPE_CHECKING:  # pragma: no cover
    from ..pipeline import Evaluation
    from ..tree import IndicatorTree

#: The diagnostics' columns in the workbook, after the indicator's id and name.
DIAGNOSTIC_SHEET_COLUMNS = (
    *SIDE_BY_SIDE,
    "distinct",
    "share_at_min",
    "share_at_mode",
    "loo_change",
    "loo_district",
    "loo_station",
    "few_values",
    "few_units",
)


def _names(ev: Evaluation, lang: str) -> dict[str, str]:
    return {n.id: text(n.name, lang) for n in ev.tree.nodes()}


def basis_label(basis: str, lang: str) -> str:
    """What a goalpost or cut-off rests on, in words (calibration guess, standard, ...)."""
    return BASIS_LABELS.get(basis, BASIS_LABELS[""])["zh" if lang == "zh" else "en"]


def level_rule_label(rule: str, lang: str) -> str:
    """The tree's level rule in words."""
    pair = LEVEL_RULE_LABELS.get(rule, {"zh": rule, "en": rule})
    return pair["zh" if lang == "zh" else "en"]


# ------------------------------------------------------------------ objective weights


def diagnostics_frame(ev: Evaluation, lang: str) -> pd.DataFrame:
    """One row per indicator: id, name, the objective weights of entropy, CRITIC and standard
    deviation side by side, distinct values, the shares of stations at the minimum and the mode,
    the largest relative change of the objective weight when one station is left out (with
    its district and station), the two flags and ``flag`` (their words); empty when no
    objective weights were computed."""
    d = ev.weights.diagnostics
    if d is None or not len(d):
        return pd.DataFrame()
    out = d.copy()
    out.insert(1, "name", out["id"].map(_names(ev, lang)))
    p = phrases(lang)
    sep = "；" if lang == "zh" else "; "
    out["flag"] = [
        sep.join(w for w, on in ((p["diag_few_values"], a), (p["diag_few_units"], b)) if on)
        for a, b in zip(out["few_values"].astype(bool), out["few_units"].astype(bool), strict=True)
    ]
    for c in ("loo_district", "loo_station"):
        out[c] = out[c].fillna("").astype(str) if c in out else ""
    if lang != "zh":  # the names of the English reports (district_en, station_en)
        en_d = dict(zip(ev.districts["district"], ev.districts["district_en"], strict=True))
        st = ev.stations
        en_s = dict(
            zip(zip(st["district"], st["station"], strict=True), st["station_en"], strict=True)
        )
        out["loo_station"] = [
            en_s.get((d, s), s)
            for d, s in zip(out["loo_district"], out["loo_station"], strict=True)
        ]
        out["loo_district"] = [en_d.get(d, d) for d in out["loo_district"]]
    return out


def _flagged(frame: pd.DataFrame) -> tuple[int, ...]:
    on = frame["few_values"].astype(bool) | frame["few_units"].astype(bool)
    return tuple(int(i) for i in np.flatnonzero(on.to_numpy()))


def diagnostics_note(ev: Evaluation, lang: str) -> str:
    """Which objective method the weights used take, and what the flags mean."""
    p = phrases(lang)
    obj = ev.weights.objective
    method = OBJECTIVE_WORDS.get(obj, (obj, obj))[0 if lang == "zh" else 1]
    return p["diag_note"].format(
        method=method,
        units=ev.weights.objective_units,
        few=FEW_DISTINCT,
        share=fmt(TIED_SHARE, "percent"),
        loo=fmt(LOO_CHANGE, "percent"),
    )


def diagnostics_table(frame: pd.DataFrame, lang: str, targets: frozenset[str]) -> Table:
    """The diagnostics as a table: the PDF's compact one or the workbook's with every column."""
    if targets == PDF_ONLY:
        ids = (*SIDE_BY_SIDE, "distinct", "share_at_mode", "loo_change", "loo_station")
        short = phrases(lang)["diag_short"].split("|")
        cols = (
            Column("name", header("name", lang), width=2.6),
            *[
                Column(c, header(c, lang), pdf_title=t)
                for c, t in zip(ids[:-1], short, strict=False)
            ],
            Column("loo_station", header(ids[-1], lang), "text", width=1.5, pdf_title=short[-1]),
            Column("flag", header("flag", lang), "text", width=1.5),
        )
        return Table(
            frame, cols, id="diagnostics_pdf", targets=PDF_ONLY, size=7, highlight=_flagged(frame)
        )
    cols = tuple(
        Column(c, header(c, lang), "bool" if c.startswith("few_") else "")
        for c in ("id", "name", *DIAGNOSTIC_SHEET_COLUMNS)
    )
    return Table(
        frame,
        cols,
        id="diagnostics",
        title=phrases(lang)["diag_title"],
        targets=SHEET_ONLY,
        color=False,
    )


def source_shares_frame(ev: Evaluation, lang: str) -> pd.DataFrame:
    """The share of the total weight on each kind of source (officers' self-reports, records)
    under AHP, the objective method and the weights used."""
    s = ev.weights.source_shares
    if s is None or not len(s):
        return pd.DataFrame()
    out = s.reset_index().rename(columns={s.index.name or "index": "source"})
    out["source_label"] = [word(str(x), lang) for x in out["source"]]
    return out.rename(columns={"ahp": "share_ahp", "objective": "share_objective"}).rename(
        columns={"used": "share_used"}
    )


def source_shares_table(frame: pd.DataFrame, lang: str, targets: frozenset[str]) -> Table:
    cols = (
        Column("source_label", header("source", lang), "text", width=2),
        Column("share_ahp", header("share_ahp", lang), "percent"),
        Column("share_objective", header("share_objective", lang), "percent"),
        Column("share_used", header("share_used", lang), "percent"),
    )
    return Table(
        frame,
        cols,
        id="source_shares" if targets == SHEET_ONLY else "source_shares_pdf",
        title=phrases(lang)["share_title"] if targets == SHEET_ONLY else "",
        targets=targets,
        color=False,
    )


def weights_sheet_tables(ev: Evaluation | None, lang: str) -> tuple[Table, ...]:
    """The Weights sheet's tables below the weights: the diagnostics, the source shares."""
    if ev is None:
        return ()
    out = []
    d = diagnostics_frame(ev, lang)
    if len(d):
        out.append(diagnostics_table(d, lang, SHEET_ONLY))
    s = source_shares_frame(ev, lang)
    if len(s):
        out.append(source_shares_table(s, lang, SHEET_ONLY))
    return tuple(out)


def objective_weights_section(ev: Evaluation | None, lang: str) -> Section | None:
    """The PDF appendix: the objective weights of entropy, CRITIC and standard deviation side
    by side, flagged where few distinct values or one station drive them."""
    if ev is None:
        return None
    d = diagnostics_frame(ev, lang)
    if not len(d):
        return None
    p = phrases(lang)
    blocks = (
        diagnostics_table(d, lang, PDF_ONLY),
        Note(diagnostics_note(ev, lang), targets=PDF_ONLY),
    )
    return Section("objective_weights", p["diag_title"], blocks)


# ------------------------------------------------------------------ calibration, level rule


def self_report_sentence(ev: Evaluation, lang: str) -> str:
    """The share of the total weight resting on self-reports and on records, in a sentence."""
    share = ev.weights.self_report_share
    if share != share:
        return ""
    return phrases(lang)["share_sentence"].format(
        survey=fmt(share, "percent"), records=fmt(1.0 - share, "percent")
    )


def goalpost_guesses(tree: IndicatorTree, lang: str) -> list[str]:
    """Names of the indicators whose goalposts the tree marks as calibration guesses."""
    by_id = {leaf.id: leaf for leaf in tree.leaves()}
    return [text(by_id[i].name, lang) for i in tree.goalpost_guesses()]


def calibration_sentences(ev: Evaluation, lang: str) -> list[str]:
    """What the levels' cut-offs and the goalposts rest on: a sentence for the cut-offs, and one
    naming the indicators whose goalposts are calibration guesses (none when there are none)."""
    p, tree = phrases(lang), ev.tree
    key = "calib_levels_guess" if tree.levels_are_guesses else "calib_levels"
    out = [p[key].format(basis=basis_label(tree.level_basis, lang))]
    guesses = goalpost_guesses(tree, lang)
    if guesses:
        sep = "、" if lang == "zh" else ", "
        n_stat = sum(1 for leaf in tree.leaves() if leaf.source and leaf.source.kind != "survey")
        out.append(p["calib_goalposts"].format(n=len(guesses), of=n_stat, names=sep.join(guesses)))
    if tree.levels_are_guesses or guesses:
        out.append(p["calib_caution"])
    return out


def level_rule_sentence(ev: Evaluation, lang: str) -> str:
    return phrases(lang)["level_rule_sentence"].format(
        rule=level_rule_label(ev.tree.level_rule, lang)
    )


def basis_section(ev: Evaluation | None, lang: str) -> Section | None:
    """The PDF appendix: the level rule, what cut-offs and goalposts rest on, and the share of
    the weight on self-reports (with the shares under AHP, objective and used weights)."""
    if ev is None:
        return None
    p = phrases(lang)
    blocks: list[Any] = [Paragraph(level_rule_sentence(ev, lang))]
    blocks += [Paragraph(s) for s in calibration_sentences(ev, lang)]
    share = self_report_sentence(ev, lang)
    if share:
        blocks.append(Paragraph(share))
        blocks.append(source_shares_table(source_shares_frame(ev, lang), lang, PDF_ONLY))
    return Section("basis", p["basis_title"], tuple(blocks))


def summary_rows(ev: Evaluation | None, lang: str) -> list[KeyValue]:
    """The workbook's summary rows: the level rule, the cut-offs' basis, the goalposts that are
    calibration guesses, the share of the weight on self-reports."""
    if ev is None:
        return []
    p, tree = phrases(lang), ev.tree
    guesses = goalpost_guesses(tree, lang)
    sep = "、" if lang == "zh" else ", "
    rows = [
        KeyValue(p["level_rule_label"], level_rule_label(tree.level_rule, lang)),
        KeyValue(p["level_basis_label"], basis_label(tree.level_basis, lang)),
        KeyValue(p["goalpost_guesses_label"], sep.join(guesses) if guesses else p["none"]),
    ]
    share = ev.weights.self_report_share
    if share == share:
        rows.append(KeyValue(p["self_report_label"], share, "percent"))
    return rows


# ------------------------------------------------------------------ held back by


def held_back(ev: Evaluation | None, unit: str, lang: str, kind: str = "districts") -> str:
    """Under the staged rule, the sentence naming the dimension that holds *unit* (a district,
    or a station with ``kind="stations"``) below the level of its total; "" when none does."""
    if ev is None or ev.tree.level_rule != "staged":
        return ""
    table = getattr(ev, kind)
    key = "district" if kind == "districts" else "station"
    rows = table[table[key] == unit]
    if not len(rows) or not str(rows.iloc[0].get("held_back_by", "") or ""):
        return ""
    r = rows.iloc[0]
    names = _names(ev, lang)
    levels = ev.tree.levels
    return phrases(lang)["held_back"].format(
        dimension=names.get(str(r["held_back_by"]), str(r["held_back_by"])),
        score=fmt(r[str(r["held_back_by"])], "score"),
        level=text(levels[int(r["level"]) - 1].name, lang),
        by_total=text(levels[int(r["level_by_total"]) - 1].name, lang),
    )


__all__ = [
    "basis_label",
    "basis_section",
    "calibration_sentences",
    "diagnostics_frame",
    "held_back",
    "level_rule_label",
    "objective_weights_section",
    "self_report_sentence",
    "summary_rows",
    "weights_sheet_tables",
]

"""The report model: every number a report shows, already localised, in plain tables.

``report.tables`` builds these objects from an :class:`~evalkit.pipeline.Evaluation`; the Excel
and PDF renderers only lay them out, so the two formats cannot disagree. Numbers are kept at full
precision here; renderers round when they present.

Column names are fixed identifiers (English, snake_case). Display headers come from
:func:`evalkit.report.i18n.header` in the report language. Text cells (names, messages) are already in
the report language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from ..provenance import Provenance
from .sections import Section


@dataclass(frozen=True)
class Recommendation:
    id: str
    dimension: str  # display name of the dimension ("" for overall)
    indicators: list[str]  # display names of the indicators that triggered it
    priority: str  # "high" | "medium" | "low" (renderers translate)
    text: str  # in the report language


@dataclass(frozen=True)
class DistrictReport:
    """Everything one district's Excel workbook and PDF show.

    Tables (pandas DataFrames) and their columns:

    ``dimensions``: one row per dimension (child of the goal), in tree order.
        id, name, score, province_mean, best_in_province, rank (among districts), weight (global),
        level (int), level_name
    ``indicators``: one row per indicator (leaf), in tree order.
        id, dimension_id, dimension, name, unit, direction ("benefit"/"cost", localised in
        ``direction_label``), direction_label, source ("survey"/"statistic", localised in
        ``source_label``), source_label, raw (district value in the indicator's unit), worst, best,
        score (0-100), province_mean (score), local_weight, global_weight,
        gap (= global_weight * (100 - score): points of the total lost here), n (respondents or stations
        behind the value)
    ``stations``: one row per station of the district, ordered by rank.
        station, respondents, total, level, level_name, rank, then one column per dimension id
        (dimension scores); ``dimension_columns`` maps those ids to display names.
        Stations with fewer respondents than the privacy minimum are absent (``stations_hidden`` says
        how many).
    ``weights``: one row per node below the goal, in tree order.
        id, name, depth (1 = dimension), parent, ahp_local, objective_local, local, ahp_global,
        objective_global, global  (local/global = the weights used; ahp_*/objective_* NaN when
        not computed)
    ``experts``: one row per expert per node with children.
        node_id, node, expert, n (matrix size), lambda_max, ci, cr, consistent (bool), used (bool)
    ``group``: one row per node with children: node_id, node, experts, lambda_max, cr (of the aggregated
        matrix), consistent
    ``weakest``: the weakest indicators, worst first (ordered by gap): same columns as ``indicators``.
    ``issues``: severity, scope (this district / whole study, localised), file, sheet, row, column,
        line, path, check (localised), message, expected, found, fix: the district's own issues,
        then those of the whole study
    ``levels``: level (int), name, min_score, max_score, description
    ``tree``: one row per node including the goal, in tree order: id, name, depth (0 = goal), kind
        ("goal"/"criterion"/"indicator"), source (localised description: item count or formula), direction_label,
        worst, best, unit
    """

    lang: str  # "zh" | "en"
    title: str  # project title
    tree_title: str
    district: str  # display name
    district_id: str  # name as in the data (used for file names)
    report_date: str  # ISO date
    total: float
    level: int
    level_name: str
    level_description: str
    rank: int  # among the districts of the run (1 = best)
    n_districts: int
    province_mean: float
    province_best: float
    dimensions: pd.DataFrame
    indicators: pd.DataFrame
    stations: pd.DataFrame
    dimension_columns: dict[str, str]
    weights: pd.DataFrame
    experts: pd.DataFrame
    group: pd.DataFrame
    weakest: pd.DataFrame
    recommendations: list[Recommendation]
    issues: pd.DataFrame
    levels: pd.DataFrame
    tree: pd.DataFrame
    counts: dict[str, int]  # respondents, responses_missing (cells), stations, stations_hidden,
    # experts, experts_inconsistent, items, indicators, districts
    method: dict[str, str]  # weights ("AHP x entropy, linear, alpha = 0.5" localised), ri_table,
    # cr_threshold, normalisation, aggregation, objective_units, group ("AIJ geometric mean")
    warnings: list[str] = field(default_factory=list)  # localised one-line warnings to show
    # Reliability of the district's survey (Cronbach's alpha per dimension and overall):
    #   id, name, items, respondents, alpha, band (localised), note
    reliability: pd.DataFrame = field(default_factory=pd.DataFrame)
    # per item: item, indicator (name), dimension (name), keyed, r_item_rest, alpha_if_deleted,
    #   msa, mean, sd, missing_share
    reliability_items: pd.DataFrame = field(default_factory=pd.DataFrame)
    # KMO and Bartlett's test: kmo, bartlett_chi2, df, p_value, n, items (NaN when not computable)
    kmo: dict[str, float] = field(default_factory=dict)
    # invalid questionnaires per station: station, respondents, duplicate_id, too_many_missing,
    #   straight_lining, excluded, kept
    screening: pd.DataFrame = field(default_factory=pd.DataFrame)
    # Districts of the study, assessed or not: more than n_districts when districts were left out
    # because of errors in their files (0: the same as n_districts). Ranks and province figures
    # cover the n_districts assessed.
    n_districts_total: int = 0
    # each district left out, with why (localised): "西山区（surveys/西山区.xlsx 中有 2 个错误）"
    left_out: list[str] = field(default_factory=list)
    # the report as sections (report.district_sections), made with the model; a model made by
    # hand has none, and the renderers make the standard ones from its tables
    sections: tuple[Section, ...] = ()
    # the spread of the district's station totals in a sentence (report.imbalance.summary_text)
    imbalance: str = ""
    # what the run read (evalkit.provenance): the PDF's appendix and the workbook's README sheet
    provenance: Provenance | None = None


@dataclass(frozen=True)
class ComparisonReport:
    """The cross-district comparison workbook.

    ``districts``: district, total, level, level_name, rank, respondents, stations, the spread of
        the district's station totals (station_cv, station_gini, station_range, lowest_station,
        highest_station: report.imbalance), then one column per dimension id; when districts were left out of the run, they follow unscored, with why in
        ``note``.
    ``issues``: every issue, with ``district`` naming the district it concerns or the whole study.
    ``stations``: district, station, respondents, total, level, level_name, rank_in_district,
        rank_in_province, then one column per dimension id. Hidden (too small) stations are absent.
    ``indicators``: one row per district, one column per indicator id (scores 0-100);
        ``indicator_columns`` maps ids to display names.
    ``weights``: as in DistrictReport.
    ``files``: one row per district assessed: district (display name), name_in_data (the name the
        file name is made from; only when a display name differs from it), workbook, pdf_file,
        html_file (file names; no pdf_file / html_file column when no PDF / HTML is written),
        file_note (why the file name
        differs from the district's name; empty when it does not). None: no sheet.
    """

    lang: str
    title: str
    report_date: str
    districts: pd.DataFrame
    stations: pd.DataFrame
    indicators: pd.DataFrame
    dimension_columns: dict[str, str]
    indicator_columns: dict[str, str]
    weights: pd.DataFrame
    levels: pd.DataFrame
    issues: pd.DataFrame
    method: dict[str, str]
    # localised notes under the districts table: districts left out of the run and why, and that
    # ranks cover the districts assessed
    notes: list[str] = field(default_factory=list)
    files: pd.DataFrame | None = None
    sections: tuple[Section, ...] = ()  # the workbook's sheets (report.comparison_sections)
    provenance: Provenance | None = None  # the README sheet (evalkit.provenance)


def cr_threshold(method: dict[str, str]) -> float:
    """The CR threshold the report's method table states (e.g. "0.10"); 0.10 when it states none."""
    match = re.search(r"\d+(?:\.\d+)?", str(method.get("cr_threshold", "")))
    return float(match.group()) if match else 0.10

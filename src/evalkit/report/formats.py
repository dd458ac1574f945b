"""How numbers are shown: one format per quantity, for the terminal, the workbooks and the PDF.

The workbook keeps every number at full precision and shows it through the Excel number format
of its quantity (:data:`FORMATS`); the PDF and the terminal write the same number as text with
:func:`fmt`, which rounds as Excel shows it (half away from zero, on the 15 significant digits
Excel keeps), so a figure read in the PDF is the figure seen in the workbook.

=============  ========  ==================================================================
quantity       decimals  used for
=============  ========  ==================================================================
score          1         scores 0-100, province means and bests, cut-offs, score intervals
signed         1         score differences (+1.2 / −0.8)
weight         3         weights (local, global, AHP, objective)
ratio          3         λmax, CI, CR, Cronbach's α, KMO, item statistics, shares
index          3         sensitivity indices (first-order, total)
probability    2         probabilities of a maturity level
rank           0         ranks and their medians and 5-95 % intervals
count          0         respondents, stations, experts, levels, rows
raw            2         indicator values in their own unit (thousands without decimals)
decimal        2         means, standard deviations, χ², points lost
percent        1         shares written as percentages (32.8 %)
pvalue         —         p-values (scientific in the workbook, < 0.001 in the text)
=============  ========  ==================================================================
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from ..weights.weightset import WEIGHT_COLUMNS

__all__ = [
    "COLUMN_QUANTITIES",
    "FORMATS",
    "Format",
    "fmt",
    "quantity_of",
]


@dataclass(frozen=True)
class Format:
    """How a quantity is shown: decimals of the text form and the workbook's number format."""

    decimals: int
    excel: str
    signed: bool = False  # a leading + on positive numbers, a true minus sign (−)
    thousands: bool = False  # from 1,000 on: no decimals, thousands separated ("12,346")
    percent: bool = False  # the value is a share: shown times 100 with "%"
    missing: str = "—"  # the text of a missing value (NaN)


FORMATS: dict[str, Format] = {
    "score": Format(1, "0.0"),
    "signed": Format(1, "+0.0;-0.0;0.0", signed=True),
    "weight": Format(3, "0.000"),
    "ratio": Format(3, "0.000"),
    "index": Format(3, "0.000"),
    "probability": Format(2, "0.00"),
    "rank": Format(0, "0", missing=""),
    "count": Format(0, "0", missing=""),
    "raw": Format(2, "[>=1000]#,##0;[<=-1000]-#,##0;0.00", thousands=True),
    "decimal": Format(2, "0.00"),
    "percent": Format(1, "0.0%", percent=True),
    "pvalue": Format(6, "0.00E+00"),
}

#: The quantity of each column of the report model (tables without a quantity given for a
#: column look it up here); columns not listed are text.
COLUMN_QUANTITIES: dict[str, str] = {
    **dict.fromkeys(
        ["score", "total", "province_mean", "best_in_province", "min_score", "max_score"],
        "score",
    ),
    **dict.fromkeys(["score_median", "score_p05", "score_p95"], "score"),
    "vs_mean": "signed",
    **dict.fromkeys(["weight", "local_weight", "global_weight", *WEIGHT_COLUMNS], "weight"),
    **dict.fromkeys(
        ["lambda_max", "ci", "cr", "alpha", "r_item_rest", "alpha_if_deleted", "msa", "kmo"],
        "ratio",
    ),
    **dict.fromkeys(["missing_share", "consensus", "cr_repaired"], "ratio"),
    **dict.fromkeys(["first_order"], "index"),
    **dict.fromkeys(["entropy", "critic", "std"], "weight"),
    **dict.fromkeys(["share_at_min", "share_at_mode", "loo_change"], "percent"),
    **dict.fromkeys(["share_ahp", "share_objective", "share_used"], "percent"),
    "distinct": "count",
    **dict.fromkeys(["p_level"], "probability"),
    **dict.fromkeys(["mean", "sd", "bartlett_chi2", "gap"], "decimal"),
    **dict.fromkeys(["raw", "worst", "best"], "raw"),
    "p_value": "pvalue",
    **dict.fromkeys(
        [
            "rank",
            "rank_in_district",
            "rank_in_province",
            "rank_median",
            "rank_p05",
            "rank_p95",
            "rank_in_district_median",
            "rank_in_district_p05",
            "rank_in_district_p95",
        ],
        "rank",
    ),
    # text kinds: a fixed word translated in the workbook, long text wrapped, yes/no
    **dict.fromkeys(["severity", "priority", "kind"], "word"),
    **dict.fromkeys(["description", "message", "text", "fix", "expected", "found"], "wrap"),
    **dict.fromkeys(["consistent", "used", "keyed", "varied"], "bool"),
    **dict.fromkeys(
        [
            "n",
            "respondents",
            "stations",
            "experts",
            "level",
            "depth",
            "row",
            "line",
            "items",
            "duplicate_id",
            "too_many_missing",
            "straight_lining",
            "excluded",
            "kept",
            "df",
            "answers_empty",
            "answers_skipped",
            "answers_code",
        ],
        "count",
    ),
}


def quantity_of(column: str) -> str:
    """The quantity of a model column ("text" when it is not a number)."""
    if column.startswith("p_level_"):
        return "probability"
    return COLUMN_QUANTITIES.get(column, "text")


def _number(x: Any) -> float | None:
    if x is None or isinstance(x, bool):
        return None
    try:
        return float(x)
    except (TypeError, ValueError):
        return None


def _half_up(v: float, decimals: int) -> str:
    """*v* rounded half away from zero at *decimals*, on its 15 significant digits (as Excel)."""
    try:
        d = Decimal(f"{v:.15g}")
        q = d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    except InvalidOperation:  # beyond Decimal's default precision: plain formatting
        return f"{v:.{decimals}f}"
    out = f"{q:.{decimals}f}"
    return out[1:] if out.startswith("-") and not q else out  # no negative zero


def fmt(x: Any, quantity: str, *, missing: str | None = None) -> str:
    """*x* as text in the format of *quantity* (:data:`FORMATS`); for NaN *missing*, or the
    format's own ("—"; "" for counts and ranks); "" for None; text (a quantity not in
    :data:`FORMATS`, or a value that is no number) as it is.

    >>> fmt(71.25, "score"), fmt(0.0995, "weight"), fmt(2.5, "rank"), fmt(-0.84, "signed")
    ('71.3', '0.100', '3', '−0.8')
    """
    if x is None:
        return ""
    f = FORMATS.get(quantity)
    v = _number(x)
    if f is None or v is None:
        if isinstance(x, float) and math.isnan(x):
            return ""
        return str(x)
    if math.isnan(v):
        return f.missing if missing is None else missing
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    if f.percent:
        return _half_up(v * 100, f.decimals) + "%"
    if f.thousands and abs(v) >= 1000:
        return f"{float(_half_up(v, 0)):,.0f}"
    out = _half_up(v, f.decimals)
    if f.signed:
        return "−" + out[1:] if out.startswith("-") else "+" + out
    return out


def fmt_range(lo: Any, hi: Any, quantity: str) -> str:
    """An interval "lo–hi" in the format of *quantity*; empty when either end is missing."""
    a, b = fmt(lo, quantity, missing=""), fmt(hi, quantity, missing="")
    return f"{a}–{b}" if a and b else ""

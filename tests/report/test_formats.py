"""One format per quantity (report/formats.py) for the terminal, the workbook and the PDF."""

from __future__ import annotations

import math

import pytest

from evalkit.report.formats import FORMATS, fmt, fmt_range, quantity_of


@pytest.mark.parametrize(
    ("value", "quantity", "shown"),
    [
        (71.25, "score", "71.3"),  # half away from zero, as Excel shows "0.0" (Python: 71.2)
        (-71.25, "score", "-71.3"),
        (0.1235, "weight", "0.124"),
        (0.125, "probability", "0.13"),
        (2.5, "rank", "3"),
        (1.95, "rank", "2"),
        (0.84, "signed", "+0.8"),
        (-0.84, "signed", "−0.8"),
        (-0.04, "score", "0.0"),  # no negative zero
        (4.4, "raw", "4.40"),
        (12345.6, "raw", "12,346"),  # thousands whole, as "[>=1000]#,##0" shows them
        (0.328, "percent", "32.8%"),
        (0.0072, "index", "0.007"),
        (float("nan"), "score", "—"),
        (float("nan"), "rank", ""),
        (None, "score", ""),
        ("text", "score", "text"),
        (True, "count", "True"),
        (math.inf, "score", "∞"),
    ],
)
def test_fmt(value: object, quantity: str, shown: str) -> None:
    assert fmt(value, quantity) == shown


def test_every_format_has_its_decimals_in_its_excel_code() -> None:
    for name, f in FORMATS.items():
        if name in ("pvalue",):
            continue
        last = f.excel.split(";")[-1]
        decimals = len(last.split(".")[1].rstrip("%")) if "." in last else 0
        assert decimals == f.decimals, name


def test_quantities_of_model_columns() -> None:
    assert quantity_of("total") == "score"
    assert quantity_of("global") == "weight"
    assert quantity_of("cr") == "ratio"
    assert quantity_of("rank_p05") == "rank"
    assert quantity_of("p_level_standardized") == "probability"
    assert quantity_of("station") == "text"
    assert fmt_range(68.76, 74.14, "score") == "68.8–74.1"
    assert fmt_range(float("nan"), 3, "rank") == ""

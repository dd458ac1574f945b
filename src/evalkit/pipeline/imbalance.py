"""Within-district imbalance as an analysis: ``ev.analysis("imbalance")``.

The spread of the station totals and of each dimension's station scores inside every district
(:func:`evalkit.analysis.imbalance.station_spread`: coefficient of variation, Gini, range, the
lowest and the highest station). Only the stations a report shows take part (at least
``report.min_respondents`` officers): a smaller station is not named on its own, and its survey
scores rest on too few officers to speak of a spread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from ..analysis.imbalance import station_spread
from .registry import ANALYSES

if TYPE_CHECKING:  # pragma: no cover
    from .evaluation import Evaluation

TOTAL = "total"


@dataclass(frozen=True)
class Imbalance:
    """frame: one row per district and score (``node``: "total" or a dimension id) with n,
    mean, sd, cv, gini, range, lowest, lowest_score, highest, highest_score (station names as in
    the data) and lowest_en, highest_en (their English names), at full precision."""

    frame: pd.DataFrame

    @property
    def totals(self) -> pd.DataFrame:
        """The station totals' spread, one row per district (index district)."""
        f = self.frame
        return f[f["node"] == TOTAL].set_index("district").drop(columns="node")

    def of(self, district: str) -> pd.DataFrame:
        """One district's rows: the total first, then the dimensions in tree order."""
        f = self.frame
        return f[f["district"] == district].reset_index(drop=True)


@ANALYSES.register(
    "imbalance",
    zh="区县内派出所发展不平衡",
    en="imbalance between a district's stations",
    source="Gini (1912); Cowell, Measuring Inequality (2011)",
)
def imbalance(ev: Evaluation) -> Imbalance:
    """The spread of the shown stations' totals and dimension scores in every district."""
    s = ev.stations[ev.stations["shown"].astype(bool)]
    nodes = [TOTAL, *ev.dimension_ids]
    frame = station_spread(s["district"].to_numpy(), s["station"].to_numpy(), s[nodes])
    english = dict(zip(zip(s["district"], s["station"], strict=True), s["station_en"], strict=True))
    for col in ("lowest", "highest"):
        frame[f"{col}_en"] = [
            english.get((d, st), st) for d, st in zip(frame["district"], frame[col], strict=True)
        ]
    return Imbalance(frame)

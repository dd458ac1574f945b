"""The redundancy check of a project (``ev.analysis("redundancy")``, ``evalkit tree --check``).

:func:`evalkit.analysis.redundancy.check_redundancy` on the project's tree, the 0-100 indicator
scores of its stations and its officers' keyed answers. The stations are those a report shows
(at least ``report.min_respondents`` officers) when the tree has survey items: a smaller station's
survey scores are noise that would weaken every correlation; a tree of statistics alone uses every
station.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..analysis.redundancy import DEFAULT_THRESHOLD, Redundancy, check_redundancy
from ..analysis.reliability import keyed_items
from .registry import ANALYSES

if TYPE_CHECKING:  # pragma: no cover
    from .evaluation import Evaluation
    from .prepare import Prepared


def redundancy_of(prepared: Prepared, threshold: float = DEFAULT_THRESHOLD) -> Redundancy:
    """The redundancy check of prepared data (no weights needed)."""
    tree = prepared.tree
    scores = prepared.station_leaf_scores
    if tree.items():
        shown = prepared.station_respondents.to_numpy() >= prepared.spec.report.min_respondents
        scores = scores[shown]
    keyed = keyed_items(tree, prepared.survey.responses) if tree.items() else None
    return check_redundancy(tree, scores, keyed, threshold)


@ANALYSES.register(
    "redundancy",
    zh="冗余检查",
    en="redundancy check",
    source="OECD/JRC Handbook on Constructing Composite Indicators (2008); Hays & Hayashi (1990)",
)
def redundancy(ev: Evaluation) -> Redundancy:
    """Indicators and items that may be counted twice, at the default threshold."""
    return redundancy_of(ev.prepared)

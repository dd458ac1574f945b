"""Analyses of an Evaluation, by name: ``ev.analysis("reliability")``, ``ev.analysis("diagnosis")``.

An analysis is a function of the Evaluation (no file read) registered with
``@ANALYSES.register(name, zh=, en=)``; its result is computed on first use and kept.

- ``reliability``: Cronbach's alpha, item analysis, KMO and Bartlett's test of each district's kept
  questionnaires (:mod:`evalkit.analysis.reliability`), as {district: Reliability}.
- ``diagnosis``: each district's indicators ordered by points lost, global weight x (100 - score)
  (:func:`evalkit.analysis.diagnose.weakest_indicators`), as {district: DataFrame}, all
  indicators listed.

``fuzzy``, ``methods`` and ``obstacles`` are in :mod:`evalkit.pipeline.method_analyses`
(imported at the end of this module).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ..analysis.diagnose import weakest_indicators
from ..analysis.reliability import Reliability, reliability_report
from .registry import ANALYSES

if TYPE_CHECKING:  # pragma: no cover
    from .evaluation import Evaluation


@ANALYSES.register(
    "reliability",
    zh="问卷信度",
    en="survey reliability",
    source="Cronbach (1951); Kaiser (1974); Bartlett (1950)",
)
def reliability(ev: Evaluation) -> dict[str, Reliability]:
    """Reliability of each district's kept questionnaires."""
    resp = ev.survey.responses
    return {
        str(d): reliability_report(ev.tree, resp[resp["district"] == d])
        for d in ev.districts["district"]
    }


@ANALYSES.register("diagnosis", zh="薄弱环节", en="weak points")
def diagnosis(ev: Evaluation) -> dict[str, pd.DataFrame]:
    """Every indicator of each district ordered by the points it loses."""
    leaves = [leaf.id for leaf in ev.tree.leaves()]
    scores = ev.district_scores[leaves]
    w = ev.weights.global_
    return {str(d): weakest_indicators(scores.loc[d], w, len(leaves)) for d in scores.index}


# the evaluation toolbox's analyses (fuzzy, methods, obstacles), the within-district imbalance
# and the redundancy check, registered after these
from . import imbalance as imbalance  # noqa: E402
from . import method_analyses as method_analyses  # noqa: E402
from . import redundancy as redundancy  # noqa: E402

"""The Python API of the weighting kernels: labelled results, named warnings, formula and source."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest

from evalkit.errors import MethodError
from evalkit.score import aggregate
from evalkit.weights import (
    ConstantIndicatorWarning,
    aggregate_judgments,
    ahp_consensus,
    ahp_priorities,
    combine,
    complete_matrix,
    critic_weights,
    cv_weights,
    entropy_weights,
    gci,
    most_inconsistent,
    principal_eigen,
    repair,
    std_weights,
)
from evalkit.weights.ahp import consistency, geometric_mean_priorities
from evalkit.weights.entropy import entropy_divergence, minmax_directional

TABLE = pd.DataFrame(
    {
        "coverage": [1.0, 2.0, 4.0, 3.0],
        "timeliness": [5.0, 5.0, 5.0, 5.0],
        "cost": [9.0, 2.0, 3.0, 1.0],
    }
)
OBJECTIVE = (entropy_weights, critic_weights, std_weights, cv_weights)


@pytest.mark.parametrize("fn", OBJECTIVE, ids=lambda f: f.__name__)
def test_a_dataframe_gives_a_series_named_by_its_columns(fn) -> None:  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConstantIndicatorWarning)
        w = fn(TABLE)
        bare = fn(TABLE.to_numpy())
    assert isinstance(w, pd.Series)
    assert list(w.index) == ["coverage", "timeliness", "cost"]
    np.testing.assert_array_equal(w.to_numpy(), bare)
    assert isinstance(bare, np.ndarray)


def test_constant_indicator_warning_names_the_column() -> None:
    with pytest.warns(ConstantIndicatorWarning, match="entropy weights: timeliness do") as rec:
        entropy_weights(TABLE)
    assert "indicator(s) 1" not in str(rec[0].message)
    with pytest.warns(ConstantIndicatorWarning, match=r"column\(s\) 1 \(counting from 0\)"):
        entropy_weights(TABLE.to_numpy())


def test_directions_by_column_name_and_benefit_by_default() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConstantIndicatorWarning)
        by_name = entropy_weights(TABLE, {"cost": "cost", "coverage": 1, "timeliness": "benefit"})
        by_order = entropy_weights(TABLE, ["benefit", "benefit", "cost"])
        default = entropy_weights(TABLE)
        reflected = TABLE.assign(cost=-TABLE["cost"])
        assert entropy_weights(reflected).equals(by_order)  # None: every column is a benefit
    pd.testing.assert_series_equal(by_name, by_order)
    assert not np.allclose(default, by_order)
    with pytest.raises(MethodError, match="no direction for: timeliness"):
        entropy_weights(TABLE, {"cost": "cost", "coverage": 1})
    with pytest.raises(MethodError, match="direction of indicator 'cost'"):
        entropy_weights(TABLE, {"cost": "down", "coverage": 1, "timeliness": 1})
    for fn in (entropy_weights, critic_weights):  # std and CV do not depend on directions
        assert re.search(r"None\s+treats every", fn.__doc__ or ""), fn.__name__


# every public method kernel states its formula (.. math::) and its source (a dated reference)
KERNELS = (
    ahp_priorities,
    aggregate_judgments,
    principal_eigen,
    geometric_mean_priorities,
    consistency,
    most_inconsistent,
    repair,
    gci,
    ahp_consensus,
    complete_matrix,
    combine,
    entropy_weights,
    entropy_divergence,
    critic_weights,
    std_weights,
    cv_weights,
    minmax_directional,
    aggregate.aggregate_scores,
)


@pytest.mark.parametrize("fn", KERNELS, ids=lambda f: f.__name__)
def test_docstring_gives_formula_and_source(fn) -> None:  # type: ignore[no-untyped-def]
    doc = fn.__doc__ or ""
    assert ".. math::" in doc, f"{fn.__name__}: no formula"
    assert re.search(r"\b(19[4-9]\d|20[0-2]\d)\b", doc), f"{fn.__name__}: no dated source"


def test_ahp_entropy_critic_name_their_sources() -> None:
    assert "Saaty" in ahp_priorities.__doc__ and "1977" in ahp_priorities.__doc__
    assert "1980" in ahp_priorities.__doc__
    assert "Shannon" in entropy_weights.__doc__ and "1948" in entropy_weights.__doc__
    doc = critic_weights.__doc__
    assert "Diakoulaki" in doc and "Mavrotas" in doc and "Papayannakis" in doc and "1995" in doc

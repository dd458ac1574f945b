"""Published AHP examples reproduced to 3 decimals (each test names its source).

Where a figure was taken from a secondary transcription (AHPy's test suite, which names the
primary source), the test says so; the Bozóki-Fülöp-Rónyai optimum is quoted from the paper itself.
"""

from __future__ import annotations

import numpy as np
import pytest

from evalkit.weights import ahp_priorities, complete_matrix

nan = np.nan


def matrix_from_pairs(items: list[str], pairs: dict[tuple[str, str], float]) -> np.ndarray:
    """a[i, j] from {(i, j): value}; unspecified pairs are NaN (missing)."""
    idx = {k: i for i, k in enumerate(items)}
    a = np.full((len(items), len(items)), nan)
    np.fill_diagonal(a, 1.0)
    for (x, y), v in pairs.items():
        a[idx[x], idx[y]] = v
        a[idx[y], idx[x]] = 1.0 / v
    return a


# Saaty, T. L. (2008) "Decision making with the analytic hierarchy process", Int. J. Services
# Sciences 1(1), 83-98: "Which drink is consumed more in the U.S.?" (matrix and derived scale as
# quoted by AHPy's test suite, which cites the paper).
DRINKS = ["coffee", "wine", "tea", "beer", "soda", "milk", "water"]
DRINKS_A = np.array(
    [
        [1, 9, 5, 2, 1, 1, 1 / 2],
        [1 / 9, 1, 1 / 3, 1 / 9, 1 / 9, 1 / 9, 1 / 9],
        [1 / 5, 3, 1, 1 / 3, 1 / 4, 1 / 3, 1 / 9],
        [1 / 2, 9, 3, 1, 1 / 2, 1, 1 / 3],
        [1, 9, 4, 2, 1, 2, 1 / 2],
        [1, 9, 3, 1, 1 / 2, 1, 1 / 3],
        [2, 9, 9, 3, 2, 3, 1],
    ]
)


def test_ahp_saaty2008_drinks_weights_and_cr() -> None:
    res = ahp_priorities(DRINKS_A, ri_table="saaty2005", labels=DRINKS)
    expected = [0.177, 0.019, 0.042, 0.116, 0.190, 0.129, 0.327]
    np.testing.assert_allclose(res.weights, expected, atol=5e-4)
    assert round(res.cr, 3) == 0.022
    assert res.series()["water"] == pytest.approx(0.327, abs=5e-4)


# Saaty, T. L. (2005) Theory and Applications of the Analytic Network Process, RWS Publications:
# choosing a city (criteria culture, family, housing, jobs, transportation; four cities). Judgments
# and the synthesised priorities 0.229 / 0.275 / 0.385 / 0.111 as quoted by AHPy's test suite.
CRITERIA = ["Culture", "Family", "Housing", "Jobs", "Transportation"]
CITIES = ["Bethesda", "Boston", "Pittsburgh", "Santa Fe"]
CITY_JUDGMENTS = {
    "Goal": {
        ("Culture", "Housing"): 3, ("Culture", "Transportation"): 5, ("Family", "Culture"): 5,
        ("Family", "Housing"): 7, ("Family", "Transportation"): 7,
        ("Housing", "Transportation"): 3, ("Jobs", "Culture"): 2, ("Jobs", "Housing"): 4,
        ("Jobs", "Transportation"): 7, ("Family", "Jobs"): 1,
    },
    "Culture": {
        ("Bethesda", "Pittsburgh"): 1, ("Boston", "Bethesda"): 2, ("Boston", "Pittsburgh"): 2.5,
        ("Boston", "Santa Fe"): 1, ("Santa Fe", "Bethesda"): 2, ("Santa Fe", "Pittsburgh"): 2.5,
    },
    "Family": {
        ("Bethesda", "Boston"): 2, ("Bethesda", "Santa Fe"): 4, ("Boston", "Santa Fe"): 2,
        ("Pittsburgh", "Bethesda"): 3, ("Pittsburgh", "Boston"): 8, ("Pittsburgh", "Santa Fe"): 9,
    },
    "Housing": {
        ("Bethesda", "Boston"): 5, ("Bethesda", "Santa Fe"): 2.5, ("Pittsburgh", "Bethesda"): 2,
        ("Pittsburgh", "Boston"): 9, ("Pittsburgh", "Santa Fe"): 7, ("Santa Fe", "Boston"): 4,
    },
    "Jobs": {
        ("Bethesda", "Pittsburgh"): 3, ("Bethesda", "Santa Fe"): 4, ("Boston", "Bethesda"): 2,
        ("Boston", "Pittsburgh"): 6, ("Boston", "Santa Fe"): 8, ("Pittsburgh", "Santa Fe"): 1,
    },
    "Transportation": {
        ("Bethesda", "Boston"): 1.5, ("Bethesda", "Santa Fe"): 4, ("Boston", "Santa Fe"): 2.5,
        ("Pittsburgh", "Bethesda"): 2, ("Pittsburgh", "Boston"): 3.5,
        ("Pittsburgh", "Santa Fe"): 9,
    },
}  # fmt: skip


def test_ahp_saaty2005_choosing_a_city_hierarchy() -> None:
    goal = ahp_priorities(matrix_from_pairs(CRITERIA, CITY_JUDGMENTS["Goal"]), ri_table="saaty2005")
    # the four-city matrices, one per criterion, in one batched call
    stack = np.stack([matrix_from_pairs(CITIES, CITY_JUDGMENTS[c]) for c in CRITERIA])
    local = ahp_priorities(stack, ri_table="saaty2005")
    total = goal.weights @ local.weights  # global = sum over criteria of w_c * w_city|c
    np.testing.assert_allclose(total, [0.229, 0.275, 0.385, 0.111], atol=6e-4)
    assert total.sum() == pytest.approx(1.0)


# Bozóki, S., Fülöp, J. & Rónyai, L. (2010) "On optimal completion of incomplete pairwise
# comparison matrices", Math. Comput. Modelling 52, 318-333, Example 3: a 4 x 4 matrix with a[c, d]
# missing; the paper reports the lambda_max-optimal x = 0.7302965066047 and says it equals van
# Uden's estimate sqrt(2/5 * 4/3) = 0.73029674334 to 6 digits (lambda_max is flat there).
U_PAIRS = {("a", "b"): 1, ("a", "c"): 5, ("a", "d"): 2, ("b", "c"): 3, ("b", "d"): 4}


def test_incomplete_bozoki2010_example3_optimal_completion() -> None:
    u = matrix_from_pairs(list("abcd"), U_PAIRS)
    full = complete_matrix(u, method="lambda_max")
    assert full[2, 3] == pytest.approx(0.7302965066047, abs=1e-6)
    assert full[3, 2] == pytest.approx(1 / full[2, 3])
    res = ahp_priorities(u, ri_table="donegan_dodd")
    assert res.completion is not None and "Bozóki" in res.completion
    # weights and CR of the completed matrix as AHPy reports them for this example (4 decimals)
    np.testing.assert_allclose(res.weights, [0.3738, 0.392, 0.0985, 0.1357], atol=6e-5)
    assert res.cr == pytest.approx(0.0372, abs=6e-5)
    llsm = complete_matrix(u, method="llsm")
    assert llsm[2, 3] == pytest.approx(np.sqrt(2 / 5 * 4 / 3), rel=1e-12)


# Saaty's house matrix (Saaty 1990) with 12 judgments removed, as used by Bozóki et al. (2010) §6;
# the completed values below are AHPy's cyclic-coordinate results (tolerance 1e-4), a cross-check
# against another implementation rather than figures printed in the paper.
HOUSE_MISSING = {
    ("a", "b"): 5, ("a", "c"): 3, ("a", "d"): 7, ("a", "e"): 6, ("a", "f"): 6, ("b", "d"): 5,
    ("b", "f"): 3, ("c", "e"): 3, ("c", "g"): 6, ("f", "d"): 4, ("g", "a"): 3, ("g", "e"): 5,
    ("h", "a"): 4, ("h", "b"): 7, ("h", "d"): 8, ("h", "f"): 6,
}  # fmt: skip
AHPY_COMPLETED = {
    ("b", "c"): 0.3300187496240363, ("b", "e"): 1.7197409185349517, ("b", "g"): 0.4663515002203321,
    ("c", "d"): 9.920512661898753, ("c", "f"): 4.852486449214693, ("c", "h"): 0.5696073301509899,
    ("d", "e"): 0.5252768142894285, ("d", "g"): 0.1424438146531802, ("e", "f"): 0.9311973564754218,
    ("e", "h"): 0.10930828182051665, ("f", "g"): 0.2912120796181874, ("g", "h"): 0.4030898885178746,
}  # fmt: skip


def test_incomplete_bozoki2010_house_matches_ahpy_cyclic_coordinates() -> None:
    items = list("abcdefgh")
    full = complete_matrix(matrix_from_pairs(items, HOUSE_MISSING), method="lambda_max")
    for (x, y), v in AHPY_COMPLETED.items():
        assert full[items.index(x), items.index(y)] == pytest.approx(v, rel=5e-3), (x, y)


def test_ahp_saaty1990_house_size_of_house_alternatives() -> None:
    """Saaty (1990) "How to make a decision", EJOR 48, 9-26: the three houses A, B, C compared on
    size of house. Printed: priorities .754, .181, .065; lambda_max 3.136, C.I. .068, C.R. .117."""
    a = np.array([[1, 6, 8], [1 / 6, 1, 4], [1 / 8, 1 / 4, 1]], dtype=float)
    res = ahp_priorities(a)
    np.testing.assert_allclose(res.weights, [0.754, 0.181, 0.065], atol=5e-4)
    assert res.lambda_max == pytest.approx(3.136, abs=5e-4)
    assert res.ci == pytest.approx(0.068, abs=5e-4)
    assert res.cr == pytest.approx(0.117, abs=5e-4)

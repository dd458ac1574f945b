"""Uncertainty and sensitivity: invariants the Monte Carlo must keep on the shipped example."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import numpy as np
import pytest

from evalkit.pipeline import evaluate_prepared, prepare
from evalkit.pipeline.uncertainty import monte_carlo
from evalkit.pipeline.uncertainty_model import (
    AGGREGATIONS,
    COMBINE_LEVELS,
    LEVEL_RULES,
    METHOD_FAMILIES,
    OBJECTIVES,
    Runs,
    build_model,
    run,
)
from evalkit.spec import UncertaintySpec

ROOT = Path(__file__).resolve().parents[2]

OFF = UncertaintySpec(
    draws=50,
    alpha=None,
    method=(),
    objective=(),
    combine_level=(),
    normalisation=(),
    aggregation=(),
    experts=False,
    respondents=False,
    leave_one_out=False,
    goalposts=0.0,
    level_rule=(),
)


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory):
    dst = tmp_path_factory.mktemp("u") / "project"
    dst.mkdir()
    shutil.copyfile(ROOT / "evalkit.yaml", dst / "evalkit.yaml")
    shutil.copytree(ROOT / "indicators", dst / "indicators")
    shutil.copytree(ROOT / "surveys", dst / "surveys")
    return prepare(dst)


@pytest.fixture(scope="module")
def ev(prepared):
    return evaluate_prepared(prepared)


@pytest.fixture(scope="module")
def full(ev):
    return monte_carlo(ev, UncertaintySpec(draws=400))


def _nominal_runs(p, c: int = 1) -> Runs:
    ws = p.spec.weights
    z = np.zeros(c, int)
    leaves = len(p.leaf_ids)
    return Runs(
        resp=z,
        expert=z,
        family=z + METHOD_FAMILIES.index("combined"),
        objective=z + OBJECTIVES.index(ws.objective),
        alpha=np.full(c, ws.alpha),
        level=z + COMBINE_LEVELS.index(ws.combine_level),
        leave_out=z - 1,
        norm=z,
        agg=z + AGGREGATIONS.index(p.spec.scoring.method),
        shift=np.zeros((c, 2, leaves)),
        rule=z + LEVEL_RULES.index(p.tree.level_rule),
    )


def _with_rule(p, rule: str):
    return dataclasses.replace(p, tree=dataclasses.replace(p.tree, level_rule=rule))


@pytest.mark.parametrize("rule", LEVEL_RULES)
def test_nominal_run_equals_the_evaluation(prepared, rule: str) -> None:
    """Under either level rule of the tree, run 0 of the nominal choices is the evaluation."""
    p = _with_rule(prepared, rule)
    ev = evaluate_prepared(p)
    model = build_model(p, p.spec.weights, replicates=3, seed=1, respondents=True, experts=True)
    assert LEVEL_RULES[model.rule] == rule
    out = run(model, _nominal_runs(p), has_judgments=True)
    s = len(ev.stations)
    np.testing.assert_allclose(out.total[0, :s], ev.stations["total"], atol=1e-9)
    np.testing.assert_allclose(out.total[0, s:], ev.districts["total"], atol=1e-9)
    np.testing.assert_array_equal(out.rank[0, s:], ev.districts["rank"])
    np.testing.assert_array_equal(out.level[0, :s], ev.stations["level"])
    np.testing.assert_array_equal(out.level[0, s:], ev.districts["level"])
    capped = (ev.stations["level"] < ev.stations["level_by_total"]).sum()
    assert (capped > 0) == (rule == "staged")  # the staged rule binds on the example


def test_the_trees_staged_rule_is_the_nominal_level_rule(prepared) -> None:
    """With no level rule drawn, every draw keeps the tree's: identical draws under a staged tree
    give each unit its staged level with probability 1."""
    ev = evaluate_prepared(_with_rule(prepared, "staged"))
    u = monte_carlo(ev, OFF)
    t = u.units[u.units["shown"]]
    assert (t["p_level"] == 1.0).all()
    st = ev.stations
    capped = st[(st["level"] < st["level_by_total"]) & st["shown"]]  # a hidden one has no row
    assert len(capped) == 4
    got = t.set_index("unit").loc[capped["station"], "level"].to_numpy()
    np.testing.assert_array_equal(got, capped["level"].to_numpy())
    assert u.factors.set_index("factor").at["level_rule", "range"] == "staged"


def test_goalposts_on_a_standard_stay_fixed(prepared) -> None:
    """Only goalposts marked as calibration guesses (or unmarked) move within the band: a tree
    whose statistics' goalposts rest on a standard has no goalpost factor."""
    tree = prepared.tree
    marked = []
    for leaf in tree.leaves():
        basis = "standard" if leaf.source.kind == "statistic" else leaf.goalpost_basis
        marked.append(dataclasses.replace(leaf, goalpost_basis=basis))
    by_id = {leaf.id: leaf for leaf in marked}

    def rebuild(node):
        if node.is_leaf:
            return by_id[node.id]
        return dataclasses.replace(node, children=tuple(rebuild(c) for c in node.children))

    p = dataclasses.replace(prepared, tree=dataclasses.replace(tree, goal=rebuild(tree.goal)))
    spec = dataclasses.replace(OFF, goalposts=0.1)
    guessed = monte_carlo(evaluate_prepared(prepared), spec).factors.set_index("factor")
    assert (
        guessed.at["goalposts", "varied"]
        and guessed.at["goalposts", "range"] == "± 0.1 of the span"
    )
    fixed = monte_carlo(evaluate_prepared(p), spec).factors.set_index("factor")
    assert not fixed.at["goalposts", "varied"]


def test_identical_draws_give_zero_width_intervals(ev) -> None:
    u = monte_carlo(ev, OFF)
    t = u.units[u.units["shown"]]
    np.testing.assert_array_equal(t["score_p05"], t["score_p95"])  # every draw the same
    np.testing.assert_allclose(t["score_p05"], t["score"], atol=1e-4)  # single precision
    np.testing.assert_array_equal(t["rank_p05"], t["rank"])
    np.testing.assert_array_equal(t["rank_p95"], t["rank"])
    assert (t["p_level"] == 1.0).all()
    assert u.sensitivity.empty and u.runs == 100


def test_level_probabilities_sum_to_one(ev, full) -> None:
    cols = [f"p_level_{lv.id}" for lv in ev.tree.levels]
    t = full.units[full.units["shown"]]
    np.testing.assert_allclose(t[cols].sum(axis=1), 1.0, atol=1e-12)


def test_intervals_hold_the_median_and_ranks_are_in_range(ev, full) -> None:
    t = full.units[full.units["shown"]]
    assert (t["score_p05"] <= t["score_median"] + 1e-12).all()
    assert (t["score_median"] <= t["score_p95"] + 1e-12).all()
    d = t[t["unit_type"] == "district"]
    assert d["rank_p05"].min() >= 1 and d["rank_p95"].max() <= len(ev.districts)


def test_sensitivity_indices_are_ordered_up_to_monte_carlo_error(full) -> None:
    s = full.sensitivity.dropna()
    assert len(s) > 0
    eps = 0.1  # Monte Carlo error at 400 base draws
    assert (s["first_order"] >= -eps).all()
    assert (s["total"] <= 1 + eps).all()
    assert (s["first_order"] <= s["total"] + eps).all()


def test_a_dominating_district_ranks_first_in_every_draw(prepared) -> None:
    """Raise one district's every answer and statistic to its best: it tops every draw."""
    survey = prepared.survey
    resp = survey.responses.copy()
    target = resp["district"].iloc[0]
    rows = resp["district"] == target
    tree = prepared.tree
    for leaf, item in tree.items():
        scale = tree.scales[leaf.source.scale]
        good = scale.high if (leaf.direction == "benefit") != item.reverse else scale.low
        resp.loc[rows, item.id] = good
    stations = survey.stations.copy()
    srow = stations["district"] == target
    for leaf in tree.leaves():
        src = leaf.source
        if src.kind != "statistic":
            continue
        if src.is_ratio:
            big = stations[src.denominator].max()
            stations.loc[srow, src.denominator] = big
            stations.loc[srow, src.numerator] = leaf.best * big / src.multiplier
        else:
            stations.loc[srow, src.column] = leaf.best
    from evalkit.pipeline import prepare_data

    p2 = prepare_data(
        prepared.spec,
        tree,
        dataclasses.replace(survey, responses=resp, stations=stations),
        prepared.judgments,
    )
    ev2 = evaluate_prepared(p2)
    u = monte_carlo(ev2, UncertaintySpec(draws=100, goalposts=0.0))
    row = u.units[(u.units["unit_type"] == "district") & (u.units["unit"] == target)].iloc[0]
    assert row["rank"] == 1 and row["rank_p95"] == 1


def test_same_seed_same_results(ev) -> None:
    a = monte_carlo(ev, UncertaintySpec(draws=60))
    b = monte_carlo(ev, UncertaintySpec(draws=60))
    assert a.units.equals(b.units) and a.sensitivity.equals(b.sensitivity)
    c = monte_carlo(ev, UncertaintySpec(draws=60, seed=7))
    assert not a.units["score_p05"].equals(c.units["score_p05"])


def test_draws_zero_turns_it_off(ev) -> None:
    assert monte_carlo(ev, UncertaintySpec(draws=0)) is None

"""The staged pipeline: prepare once; weighters, aggregators and analyses by name, without I/O."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evalkit.errors import MethodError, SpecError
from evalkit.pipeline import (
    AGGREGATORS,
    WEIGHTERS,
    Weights,
    evaluate,
    evaluate_prepared,
    prepare,
)
from evalkit.weights import critic_weights


def _set_weights(project: Path, **values: str) -> None:
    p = project / "evalkit.yaml"
    text = p.read_text(encoding="utf-8")
    for key, value in values.items():
        lines = text.splitlines()
        at = next(i for i, ln in enumerate(lines) if ln.strip().startswith(f"{key}:"))
        lines[at] = f"  {key}: {value}"
        text = "\n".join(lines) + "\n"
    p.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory):
    root = Path(__file__).resolve().parents[2]
    dst = tmp_path_factory.mktemp("p") / "project"
    dst.mkdir()
    shutil.copyfile(root / "evalkit.yaml", dst / "evalkit.yaml")
    shutil.copytree(root / "indicators", dst / "indicators")
    shutil.copytree(root / "surveys", dst / "surveys")
    p = prepare(dst)
    shutil.rmtree(dst)  # everything after prepare works without the files
    return p


def test_critic_is_selectable_from_the_project_file(project: Path) -> None:
    _set_weights(project, method="critic")
    ev = evaluate(project)
    assert ev.weights.method == "critic" and ev.weights.objective == "critic"
    p = ev.prepared
    units = p.objective_units[p.leaf_ids].dropna()
    expect = critic_weights(units.to_numpy(dtype=float), p.directions)
    t = ev.weights.table.set_index("id")
    np.testing.assert_allclose(t.loc[p.leaf_ids, "global"], expect, rtol=1e-12)
    np.testing.assert_allclose(t.loc[p.leaf_ids, "objective_global"], expect, rtol=1e-12)
    total = ev.station_scores[p.leaf_ids].mul(expect, axis=1).sum(axis=1)
    complete = ev.station_scores[p.leaf_ids].notna().all(axis=1)
    np.testing.assert_allclose(
        ev.station_scores.loc[complete, "maturity"], total[complete], rtol=1e-9
    )


def test_combined_with_critic(project: Path) -> None:
    _set_weights(project, objective="critic")
    ev = evaluate(project)
    assert ev.weights.method == "combined" and ev.weights.objective == "critic"
    t = ev.weights.table.set_index("id")
    a = ev.spec.weights.alpha
    expect = a * t["ahp_local"] + (1 - a) * t["objective_local"]  # at every node
    np.testing.assert_allclose(t["local"], expect, rtol=1e-12)


def test_unknown_method_in_the_project_file_names_the_choices(project: Path) -> None:
    _set_weights(project, method="critc")
    with pytest.raises(SpecError) as info:
        evaluate(project)
    (issue,) = [i for i in info.value.issues if "weights.method" in i.message]
    assert "critic" in issue.expected and issue.location.line is not None


def test_reweighting_and_reaggregating_read_no_file(prepared) -> None:
    """The project folder was deleted after prepare(): every variant still evaluates."""
    base = evaluate_prepared(prepared)
    for method in WEIGHTERS.names():
        ws = dataclasses.replace(prepared.spec.weights, method=method)
        ev = evaluate_prepared(prepared, weights=ws)
        t = ev.weights.table
        leaves = t[t["id"].isin(prepared.leaf_ids)]
        assert leaves["global"].sum() == pytest.approx(1.0), method
        assert ev.districts["total"].between(0, 100).all(), method
    geo = evaluate_prepared(prepared, scoring="geometric")
    assert geo.scoring == "geometric"
    assert not np.allclose(geo.districts["total"], base.districts["total"])
    assert evaluate_prepared(prepared).districts.equals(base.districts)


def test_geometric_parent_lies_between_its_children(prepared) -> None:
    ev = evaluate_prepared(prepared, scoring="geometric")
    s = ev.station_scores
    for node in ev.tree.criteria():
        kids = s[[c.id for c in node.children]]
        lo, hi = kids.min(axis=1), kids.max(axis=1)
        assert (s[node.id] >= np.maximum(lo, 1.0) - 1e-9).all()
        assert (s[node.id] <= hi + 1e-9).all()


def test_geometric_of_equal_children_is_that_score() -> None:
    from evalkit.pipeline.aggregators import geometric, weighted_sum
    from evalkit.tree import load_tree

    tree = load_tree(Path(__file__).resolve().parents[2] / "indicators" / "community_policing.yaml")
    leaves = [leaf.id for leaf in tree.leaves()]
    scores = pd.DataFrame([[40.0] * len(leaves), [75.0] * len(leaves)], columns=leaves)
    local = pd.Series({n.id: 1.0 / len(p.children) for p in tree.criteria() for n in p.children})
    for agg in (geometric, weighted_sum):
        out = agg(tree, scores, local)
        np.testing.assert_allclose(out["maturity"], [40.0, 75.0])
    uneven = scores.copy()
    uneven.iloc[0, 0] = 0.0  # a zero is floored at 1, so the total is not wiped out
    assert 0 < geometric(tree, uneven, local).at[0, "maturity"] < 40


def test_a_weighter_registered_in_python_is_used(prepared) -> None:
    @WEIGHTERS.register("first_child_heavy", zh="测试", en="test")
    def heavy(data) -> Weights:
        local = {}
        for n in data.tree.criteria():
            k = len(n.children)
            w = [2.0] + [1.0] * (k - 1)
            local.update({c.id: wi / sum(w) for c, wi in zip(n.children, w, strict=True)})
        return Weights(local)

    try:
        ws = dataclasses.replace(prepared.spec.weights, method="first_child_heavy")
        ev = evaluate_prepared(prepared, weights=ws)
        first = ev.tree.dimensions[0]
        assert ev.weights.local[first.id] == pytest.approx(2 / (len(ev.tree.dimensions) + 1))
    finally:
        WEIGHTERS._stages.pop("first_child_heavy")


def test_unknown_stage_from_python_is_a_method_error(prepared) -> None:
    with pytest.raises(MethodError, match="known:"):
        evaluate_prepared(prepared, scoring="harmonic")
    assert "weighted_sum" in AGGREGATORS


def test_analyses_on_first_use(prepared) -> None:
    ev = evaluate_prepared(prepared)
    d = ev.analysis("diagnosis")
    assert set(d) == set(ev.districts["district"])
    gaps = next(iter(d.values()))["gap"].to_numpy()
    assert (np.diff(gaps) <= 1e-12).all()
    rel = ev.analysis("reliability")
    assert ev.analysis("reliability") is rel
    assert all(r.scales["alpha"].notna().any() for r in rel.values())


def _with_duplicate_leaf(prepared, dim_id: str):
    """The same project with a copy of a statistic leaf of `dim_id` (same data, new id); no expert
    judged `dim_id`'s children in either, so its AHP weights are equal among them."""
    import yaml

    from evalkit.pipeline import prepare_data
    from evalkit.tree import load_tree

    raw = yaml.safe_load(Path(prepared.tree.file).read_text(encoding="utf-8"))
    dim = next(d for d in raw["goal"]["children"] if d["id"] == dim_id)
    stat = next(c for c in dim["children"] if "statistic" in c["source"])
    copy = {**stat, "id": stat["id"] + "_copy"}
    dim["children"].append(copy)
    path = Path(prepared.spec.root) / "dup_tree.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    tree2 = load_tree(path)
    j = prepared.judgments
    drop = {k: v for k, v in j.matrices.items() if k != dim_id}
    j2 = dataclasses.replace(j, matrices=drop, experts={k: j.experts[k] for k in drop})
    base = prepare_data(prepared.spec, prepared.tree, prepared.survey, j2)
    dup = prepare_data(dataclasses.replace(prepared.spec, tree=path), tree2, prepared.survey, j2)
    return base, dup


@pytest.mark.parametrize("dim_id", ["safeguards", "info_sources"])
def test_duplicating_a_leaf_does_not_raise_its_dimensions_weight_per_node(
    project: Path, dim_id: str
) -> None:
    """Per-node combination: a dimension weighs what its AHP and its leaves' mean objective weight
    say, however many leaves it has; combined globally, a copied leaf raises it."""
    base, dup = _with_duplicate_leaf(prepare(project), dim_id)
    for level, raised in (("node", False), ("global", True)):
        ws = dataclasses.replace(base.spec.weights, combine_level=level)
        w0 = evaluate_prepared(base, weights=ws).weights.global_[dim_id]
        w1 = evaluate_prepared(dup, weights=ws).weights.global_[dim_id]
        if raised:
            assert w1 > w0 + 1e-6, level
        else:
            assert w1 <= w0 + 1e-12, (level, w0, w1)

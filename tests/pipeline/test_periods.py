"""Survey periods compared on the base period's scale (pipeline.periods), on projects built from
the shipped example and the generator's other period (synthesize(period="2025"))."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import openpyxl
import pytest
import yaml

from evalkit.errors import MethodError, TreeError
from evalkit.pipeline import AGGREGATORS, compare_periods, evaluate_periods, prepare_periods
from evalkit.pipeline import evaluation as evaluation_module
from evalkit.pipeline.period_bootstrap import bootstrap
from evalkit.pipeline.weighters import weigh
from evalkit.synth import synthesize
from evalkit.tree import load_tree

ROOT = Path(__file__).resolve().parents[2]
TREE = ROOT / "indicators" / "community_policing.yaml"
CJK = re.compile(r"[\u4e00-\u9fff]")
DISTRICTS = ["东湖区", "西山区", "南港区", "北岭区"]


def _project(root: Path, periods: dict[str, dict], base: str, **settings: object) -> Path:
    """A copy of the example project whose data are *periods* ({id: data section})."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "indicators", root / "indicators")
    raw = yaml.safe_load((ROOT / "evalkit.yaml").read_text(encoding="utf-8"))
    raw.pop("data")
    raw["periods"] = [
        {"id": pid, "label": {"zh": f"{pid}年", "en": pid}, "data": data}
        for pid, data in periods.items()
    ]
    raw["base_period"] = base
    for key, value in settings.items():
        raw[key] = value
    text = yaml.safe_dump(raw, allow_unicode=True, sort_keys=False)
    (root / "evalkit.yaml").write_text(text, encoding="utf-8")
    return root


def _copy(files: list[Path], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for f in files:
        shutil.copyfile(f, folder / f.name)


@pytest.fixture(scope="module")
def earlier(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The generator's 2025 period of the example province (district workbooks)."""
    return synthesize(TREE, tmp_path_factory.mktemp("p2025"), period="2025")


def _example(root: Path, earlier: list[Path]) -> Path:
    """The example as 2026 and the generator's 2025 as its base period."""
    _copy(sorted((ROOT / "surveys").glob("*.xlsx")), root / "surveys")
    _copy(earlier, root / "surveys" / "2025")
    return _project(
        root,
        {
            "2025": {"surveys": ["surveys/2025/*.xlsx"], "experts": "surveys/experts.xlsx"},
            "2026": {"surveys": ["surveys/*.xlsx"]},
        },
        "2025",
    )


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory, earlier: list[Path]) -> Path:
    return _example(tmp_path_factory.mktemp("ex") / "project", earlier)


@pytest.fixture(scope="module")
def prepared(example: Path):
    return prepare_periods(example)


@pytest.fixture(scope="module")
def comparison(prepared):
    return compare_periods(prepared, base="2025", draws=1000, seed=20261201)


# ---------------------------------------------------------------- the base period's weights


def test_the_later_period_is_scored_with_the_base_weights(prepared, monkeypatch) -> None:
    """Only the base period is weighed: 2026 gets its WeightSet as it is. Weighed on its own data
    (the same experts), 2026 would get other entropy weights and other totals: those are not the
    ones used, by the evaluation nor by the bootstrap."""
    calls = []
    real = evaluation_module.weigh

    def counted(*args, **kwargs):
        calls.append(args[3])
        return real(*args, **kwargs)

    monkeypatch.setattr(evaluation_module, "weigh", counted)
    cmp = compare_periods(prepared, base="2025", draws=20)
    monkeypatch.undo()
    assert len(calls) == 1 and calls[0] is prepared["2025"].objective_units
    base, later = cmp.evaluations["2025"], cmp.evaluations["2026"]
    assert later.weights is base.weights is cmp.weights
    assert (later.period, later.weights_period) == ("2026", "2025")
    assert (base.period, base.weights_period) == ("2025", "2025")

    p26 = prepared["2026"]
    own = weigh(
        p26.tree, p26.spec.weights, prepared["2025"].judgments, p26.objective_units, p26.directions
    )
    entropy_base = base.weights.table.set_index("id")["objective_global"]
    entropy_own = own.table.set_index("id")["objective_global"]
    assert (entropy_base - entropy_own).abs().max() > 0.005  # recomputed, they would differ

    aggregate = AGGREGATORS["weighted_sum"].func
    goal = p26.tree.goal.id
    with_base = aggregate(p26.tree, p26.district_leaf_scores, base.weights.local)[goal]
    with_own = aggregate(p26.tree, p26.district_leaf_scores, own.local)[goal]
    np.testing.assert_allclose(later.districts["total"], with_base, rtol=0, atol=1e-12)
    assert np.abs(later.districts["total"].to_numpy() - with_own.to_numpy()).max() > 0.05

    rows = cmp.districts.set_index("district")
    np.testing.assert_allclose(rows.loc[later.districts["district"], "score_to"], with_base)
    nominal = bootstrap(later, 0, 1).nominal[len(later.stations) :]
    np.testing.assert_allclose(nominal, with_base, rtol=0, atol=1e-10)


def test_the_example_change_table(comparison) -> None:
    """2025 (base) -> 2026 on the example: 西山区 improved by about 8 points (the generator's
    drift), 南港区 declined by about 3, both beyond their intervals; 西山区 rose from last to
    second (60.3 -> 68.7), past 南港区 and 北岭区, which each fell one place."""
    d = comparison.districts.set_index("district")
    assert list(d["from_period"].unique()) == ["2025"] and list(d["to_period"].unique()) == ["2026"]
    assert (d["status"] == "both").all()
    np.testing.assert_allclose(d["change"], d["score_to"] - d["score_from"])
    assert 7 < d.at["西山区", "change"] < 9.5 and d.at["西山区", "significant"]
    assert -4 < d.at["南港区", "change"] < -2 and d.at["南港区", "significant"]
    assert (d["change_p05"] <= d["change_median"]).all()
    assert (d["change_median"] <= d["change_p95"]).all()
    assert (d["change_p95"] - d["change_p05"] < 2.0).all()  # districts pool hundreds of officers
    assert d.at["西山区", "p_increase"] == 1.0 and d.at["南港区", "p_increase"] == 0.0
    assert d["rank_change"].to_dict() == {"东湖区": 0, "北岭区": -1, "南港区": -1, "西山区": 2}
    assert d.at["西山区", "rank_from"] == 4 and d.at["西山区", "rank_to"] == 2
    s = comparison.stations
    assert len(s) == 29 and (s["status"] == "both").all()  # 28 shown and 枫林派出所
    assert s.loc[~s["shown"], "station"].tolist() == ["枫林派出所"]  # 3 officers
    assert s.loc[~s["shown"], "rank_change"].isna().all()
    xishan = s[(s["district"] == "西山区") & s["shown"]]
    assert xishan["significant"].all() and (xishan["change"] > 0).all()
    assert comparison.unmatched.empty and comparison.issues == []
    assert comparison.label("2025", "zh") == "2025"  # no labels given: the id


# ---------------------------------------------------------------- what a change means


def test_identical_data_gives_zero_change_within_an_interval_around_zero(
    tmp_path: Path,
) -> None:
    _copy(sorted((ROOT / "surveys").glob("*.xlsx")), tmp_path / "p" / "surveys")
    root = _project(
        tmp_path / "p",
        {
            "2025": {"surveys": ["surveys/*.xlsx"], "experts": "surveys/experts.xlsx"},
            "2026": {"surveys": ["surveys/*.xlsx"]},
        },
        "2025",
        period_change={"draws": 400, "seed": 7},
    )
    cmp = evaluate_periods(root)
    assert cmp.draws == 400 and cmp.seed == 7
    assert cmp.label("2025", "zh") == "2025年" and cmp.label("2026", "en") == "2026"
    for table in (cmp.districts, cmp.stations):
        assert (table["change"] == 0).all()
        assert (table["rank_change"].dropna() == 0).all()
        assert (table["change_p05"] < 0).all() and (table["change_p95"] > 0).all()
        assert not table["significant"].any()
        assert (table["p_increase"].between(0.2, 0.8)).all()
    # the two periods are resampled independently: the intervals have a width
    assert (cmp.districts["change_p95"] - cmp.districts["change_p05"] > 0.2).all()


def _improve(src: Path, dst: Path) -> None:
    """*src* with every numeric answer one step better (reverse items and items of cost
    indicators one step lower), within the 1-5 scale."""
    tree = load_tree(TREE)
    flip = {it.id: it.reverse != (leaf.direction == "cost") for leaf, it in tree.items()}
    wb = openpyxl.load_workbook(src)
    ws = wb["responses"]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        for cell, item in zip(row, header, strict=True):
            if item in flip and isinstance(cell.value, (int, float)):
                step = -1 if flip[item] else 1
                cell.value = int(min(5, max(1, cell.value + step)))
    wb.save(dst)


def test_a_planted_improvement_in_one_district_is_flagged(
    tmp_path: Path, earlier: list[Path]
) -> None:
    base_dir, later_dir = tmp_path / "p" / "surveys" / "2025", tmp_path / "p" / "surveys" / "2026"
    _copy(earlier, base_dir)
    _copy([ROOT / "surveys" / "experts.xlsx"], tmp_path / "p" / "surveys")
    _copy([f for f in earlier if f.name != "西山区.xlsx"], later_dir)
    _improve(base_dir / "西山区.xlsx", later_dir / "西山区.xlsx")
    root = _project(
        tmp_path / "p",
        {
            "2025": {"surveys": ["surveys/2025/*.xlsx"], "experts": "surveys/experts.xlsx"},
            "2026": {"surveys": ["surveys/2026/*.xlsx"]},
        },
        "2025",
    )
    cmp = evaluate_periods(root, draws=500)
    d = cmp.districts.set_index("district")
    assert d.at["西山区", "significant"] and d.at["西山区", "change_p05"] > 3
    others = d.drop(index="西山区")
    assert (others["change"] == 0).all() and not others["significant"].any()
    s = cmp.stations
    planted = s["district"] == "西山区"
    assert s.loc[planted, "significant"].all() and (s.loc[planted, "change"] > 3).all()
    assert not s.loc[~planted, "significant"].any()
    assert (s.loc[~planted, "change"] == 0).all()


def test_units_in_one_period_only_are_listed_as_such(tmp_path: Path, earlier: list[Path]) -> None:
    _copy([f for f in earlier if f.name != "北岭区.xlsx"], tmp_path / "p" / "surveys" / "2025")
    shipped = [f for f in sorted((ROOT / "surveys").glob("*.xlsx")) if f.name != "南港区.xlsx"]
    _copy(shipped, tmp_path / "p" / "surveys" / "2026")
    root = _project(
        tmp_path / "p",
        {
            "2025": {"surveys": ["surveys/2025/*.xlsx"], "experts": "surveys/2026/experts.xlsx"},
            "2026": {"surveys": ["surveys/2026/*.xlsx"]},
        },
        "2025",
    )
    cmp = evaluate_periods(root, draws=50)
    d = cmp.districts.set_index("district")
    assert d.at["北岭区", "status"] == "new" and d.at["南港区", "status"] == "gone"
    assert np.isnan(d.at["北岭区", "score_from"]) and np.isnan(d.at["北岭区", "change"])
    assert np.isnan(d.at["南港区", "score_to"]) and not d.at["南港区", "significant"]
    assert np.isnan(d.at["南港区", "change_p05"])
    assert (d.loc[["东湖区", "西山区"], "status"] == "both").all()
    assert d.loc[["东湖区", "西山区"], "change_p05"].notna().all()
    s = cmp.stations
    assert set(s.loc[s["district"] == "北岭区", "status"]) == {"new"}
    assert set(s.loc[s["district"] == "南港区", "status"]) == {"gone"}
    u = cmp.unmatched
    assert len(u) == 2 + 10 + 5
    assert set(u.loc[u["district"] == "北岭区", "present"]) == {"2026"}
    assert set(u.loc[u["district"] == "南港区", "absent"]) == {"2026"}
    (issue,) = cmp.issues
    assert issue.severity == "warning" and "17 unit(s) are not in every period" in issue.message
    assert "北岭区 (in 2026; not in 2025)" in issue.message
    assert "北岭区（见于 2026；2025 无）" in issue.message_zh
    # each period ranks its own units: 3 districts in each
    assert sorted(cmp.scores["rank_2026"].dropna()[cmp.scores["unit_type"] == "district"]) == [
        1.0,
        2.0,
        3.0,
    ]


def test_three_periods_compare_consecutive_pairs_on_the_middle_base(
    tmp_path: Path, earlier: list[Path]
) -> None:
    _copy(earlier, tmp_path / "p" / "surveys" / "2025")
    synthesize(TREE, tmp_path / "p" / "surveys" / "2024", period="2024")
    _copy(sorted((ROOT / "surveys").glob("*.xlsx")), tmp_path / "p" / "surveys" / "2026")
    root = _project(
        tmp_path / "p",
        {
            "2024": {"surveys": ["surveys/2024/*.xlsx"]},
            "2025": {"surveys": ["surveys/2025/*.xlsx"], "experts": "surveys/2026/experts.xlsx"},
            "2026": {"surveys": ["surveys/2026/*.xlsx"]},
        },
        "2025",
    )
    cmp = evaluate_periods(root, draws=100)
    assert cmp.periods == ("2024", "2025", "2026") and cmp.base == "2025"
    pairs = cmp.districts[["from_period", "to_period"]].drop_duplicates().values.tolist()
    assert pairs == [["2024", "2025"], ["2025", "2026"]]
    assert cmp.evaluations["2024"].weights is cmp.evaluations["2025"].weights
    assert cmp.evaluations["2024"].weights_period == "2025"
    wide = cmp.scores.set_index("unit")
    first = cmp.districts[cmp.districts["to_period"] == "2025"].set_index("district")
    np.testing.assert_allclose(
        first["change"], wide.loc[first.index, "score_2025"] - wide.loc[first.index, "score_2024"]
    )


# ---------------------------------------------------------------- settings and refusals


def test_draws_and_seed(prepared) -> None:
    none = compare_periods(prepared, base="2025", draws=0)
    assert none.districts["change_p05"].isna().all() and not none.districts["significant"].any()
    assert none.districts["change"].notna().all()
    a = compare_periods(prepared, base="2025", draws=60, seed=1)
    b = compare_periods(prepared, base="2025", draws=60, seed=1)
    c = compare_periods(prepared, base="2025", draws=60, seed=2)
    cols = ["change_p05", "change_p95", "rank_change_p05", "rank_change_p95"]
    assert a.stations[cols].equals(b.stations[cols])
    assert not a.stations[cols].equals(c.stations[cols])


def test_a_tree_change_between_periods_is_refused(tmp_path: Path, earlier: list[Path]) -> None:
    root = _example(tmp_path / "p", earlier)
    raw = yaml.safe_load(TREE.read_text(encoding="utf-8"))
    raw["goal"]["children"][0]["children"][0]["goalposts"]["worst"] = 60
    (root / "indicators" / "tree2026.yaml").write_text(
        yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8"
    )
    spec = yaml.safe_load((root / "evalkit.yaml").read_text(encoding="utf-8"))
    spec["periods"][1]["tree"] = "indicators/tree2026.yaml"
    (root / "evalkit.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    with pytest.raises(TreeError) as exc:
        evaluate_periods(root, draws=10)
    (issue,) = exc.value.issues
    assert issue.message.startswith("the tree of period 2026 differs from the base period 2025's")
    assert issue.location.file.endswith("tree2026.yaml")
    assert "basic_info_coverage: goalposts (worst, best) (50, 100)" in issue.found
    assert "“基础信息采集覆盖率”的阈值" in issue.found_zh
    assert CJK.search(issue.message_zh) and CJK.search(issue.fix_zh) and issue.fix

    # the same tree under another file name (a title changed) is the same tree
    raw = yaml.safe_load(TREE.read_text(encoding="utf-8"))
    raw["title"] = {"zh": "2026 年指标体系", "en": "The 2026 tree"}
    (root / "indicators" / "tree2026.yaml").write_text(
        yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8"
    )
    assert evaluate_periods(root, draws=10).districts["change"].notna().all()


def test_a_relative_headline_method_is_refused(tmp_path: Path, earlier: list[Path]) -> None:
    root = _example(tmp_path / "p", earlier)
    spec = yaml.safe_load((root / "evalkit.yaml").read_text(encoding="utf-8"))
    spec["scoring"] = {"method": "topsis"}
    (root / "evalkit.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    with pytest.raises(MethodError) as exc:
        evaluate_periods(root, draws=10)
    assert "set scoring.method to weighted_sum or geometric" in str(exc.value)
    assert "topsis" in exc.value.zh and CJK.search(exc.value.zh)


def test_geometric_scoring_compares_geometric_totals(prepared) -> None:
    import dataclasses

    geo = {
        pid: dataclasses.replace(
            p,
            spec=dataclasses.replace(
                p.spec, scoring=dataclasses.replace(p.spec.scoring, method="geometric")
            ),
        )
        for pid, p in prepared.items()
    }
    cmp = compare_periods(geo, base="2025", draws=30)
    later = cmp.evaluations["2026"]
    assert later.scoring == "geometric"
    nominal = bootstrap(later, 0, 1).nominal[len(later.stations) :]
    np.testing.assert_allclose(nominal, later.districts["total"], rtol=0, atol=1e-10)


def test_the_uncertainty_analysis_refuses_a_period_scored_with_other_weights(comparison) -> None:
    with pytest.raises(MethodError) as exc:
        comparison.evaluations["2026"].analysis("uncertainty")
    assert "run it on the evaluation of period 2025" in str(exc.value)
    assert CJK.search(exc.value.zh)


def test_a_project_without_periods_says_so(project: Path) -> None:
    with pytest.raises(MethodError) as exc:
        evaluate_periods(project)
    assert "has no periods" in str(exc.value) and "base_period" in exc.value.zh


def test_an_unknown_base_is_refused(prepared) -> None:
    with pytest.raises(MethodError) as exc:
        compare_periods(prepared, base="2024")
    assert "'2024' is none of the periods 2025, 2026" in str(exc.value)

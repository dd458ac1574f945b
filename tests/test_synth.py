"""Tests of the synthetic-province generator and of the shipped default tree and recommendations."""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from python_calamine import CalamineWorkbook

from evalkit.synth import (
    DISTRICTS,
    INCONSISTENT_EXPERT,
    PERIOD_DRIFT,
    SMALL_STATION_RESPONDENTS,
    synthesize,
)

ROOT = Path(__file__).resolve().parents[1]
TREE = ROOT / "indicators" / "community_policing.yaml"
RECOMMENDATIONS = ROOT / "indicators" / "recommendations.yaml"
SAATY_RI = {3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45}  # Saaty (1980)
ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


# ----------------------------------------------------------------- helpers


def walk(node: dict[str, Any]):
    yield node
    for child in node.get("children") or ():
        yield from walk(child)


@pytest.fixture(scope="module")
def tree() -> dict[str, Any]:
    return yaml.safe_load(TREE.read_text(encoding="utf-8"))


def leaves(tree: dict[str, Any]) -> list[dict[str, Any]]:
    return [n for n in walk(tree["goal"]) if not n.get("children")]


def item_specs(tree: dict[str, Any]) -> dict[str, tuple[str, bool, bool]]:
    """item id -> (dimension id, reverse, indicator is cost)."""
    out = {}
    for dim in tree["goal"]["children"]:
        for node in walk(dim):
            survey = node.get("source", {}).get("survey")
            for item in survey["items"] if survey else ():
                out[item["id"]] = (
                    dim["id"],
                    bool(item.get("reverse")),
                    node["direction"] == "cost",
                )
    return out


def statistic_columns(tree: dict[str, Any]) -> set[str]:
    cols = set()
    for node in leaves(tree):
        stat = node["source"].get("statistic")
        if stat:
            cols |= {stat[k] for k in ("column", "numerator", "denominator") if k in stat}
    return cols


def read_sheet(path: Path, name: str) -> list[list[Any]]:
    return CalamineWorkbook.from_path(path).get_sheet_by_name(name).to_python()


def read_all(paths: list[Path]) -> dict[str, dict[str, list[list[Any]]]]:
    out = {}
    for p in paths:
        wb = CalamineWorkbook.from_path(p)
        out[p.name] = {s: wb.get_sheet_by_name(s).to_python() for s in wb.sheet_names}
    return out


def judgment(value: Any) -> float:
    return float(Fraction(value)) if isinstance(value, str) else float(value)


def consistency_ratio(a: np.ndarray) -> float:
    n = a.shape[0]
    lam = float(np.max(np.linalg.eigvals(a).real))
    return ((lam - n) / (n - 1)) / SAATY_RI[n]


def expert_matrices(path: Path, sheet: str) -> dict[str, np.ndarray]:
    rows = read_sheet(path, sheet)
    header, body = rows[0], rows[1:]
    assert header[:2] == ["expert", "item"]
    children = header[2:]
    n = len(children)
    out = {}
    for start in range(0, len(body), n):
        block = body[start : start + n]
        expert = block[0][0]
        assert [r[0] for r in block] == [expert] * n
        assert [r[1] for r in block] == children
        a = np.ones((n, n))
        for i in range(n):
            assert block[i][2 + i] == 1
            for j in range(n):
                if j < i:
                    assert block[i][2 + j] == ""  # lower triangle left blank
                elif j > i:
                    a[i, j] = judgment(block[i][2 + j])
                    a[j, i] = 1.0 / a[i, j]
        out[expert] = a
    return out


def district_files(paths: list[Path]) -> list[Path]:
    return [p for p in paths if p.name != "experts.xlsx"]


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return synthesize(TREE, tmp_path_factory.mktemp("province"))


# ----------------------------------------------------------------- synthetic province


def test_files_exist(province: list[Path]) -> None:
    assert [p.name for p in province] == [f"{d.zh}.xlsx" for d in DISTRICTS] + ["experts.xlsx"]
    assert all(p.is_file() and p.stat().st_size > 0 for p in province)
    assert sum(p.stat().st_size for p in province) < 1_000_000


def test_sheets_and_columns_match_tree(province: list[Path], tree: dict[str, Any]) -> None:
    items = list(item_specs(tree))
    stats = statistic_columns(tree)
    for path in district_files(province):
        assert CalamineWorkbook.from_path(path).sheet_names == ["responses", "stations"]
        responses = read_sheet(path, "responses")
        assert responses[0] == ["respondent", "district", "station", *items]
        stations = read_sheet(path, "stations")
        header = stations[0]
        assert header[:6] == [
            "district",
            "station",
            "station_en",
            "district_en",
            "officers",
            "community_officers",
        ]
        assert stats <= set(header)
        for row in stations[1:]:
            record = dict(zip(header, row, strict=True))
            assert record["district"] == path.stem
            assert record["station"].endswith("派出所")
            assert record["station_en"].endswith("Police Station")
            assert record["district_en"].endswith("District")
            for col in stats:
                assert isinstance(record[col], float) and record[col] >= 0, (path.name, col)
        for node in leaves(tree):
            stat = node["source"].get("statistic")
            if stat and "denominator" in stat:
                assert all(row[header.index(stat["denominator"])] > 0 for row in stations[1:])


def test_answers_are_scale_values_or_labels(province: list[Path], tree: dict[str, Any]) -> None:
    labels = set(tree["scales"]["likert5"]["labels"]["zh"])
    values = {float(v) for v in tree["scales"]["likert5"]["values"]}
    n_label = n_cells = 0
    respondents: list[str] = []
    for path in district_files(province):
        rows = read_sheet(path, "responses")[1:]
        respondents += [r[0] for r in rows]
        for row in rows:
            for cell in row[3:]:
                n_cells += 1
                if isinstance(cell, str) and cell:
                    assert cell in labels
                    n_label += 1
                else:
                    assert cell == "" or cell in values
    # ids unique in the project, but for the one questionnaire deliberately entered twice
    assert len(respondents) - len(set(respondents)) == 1
    assert 0.02 < n_label / n_cells < 0.04


def test_respondents_per_station(province: list[Path]) -> None:
    counts = []
    for path in district_files(province):
        rows = read_sheet(path, "responses")[1:]
        stations = read_sheet(path, "stations")
        officers = {r[1]: r[4] for r in stations[1:]}
        assert 4 <= len(officers) <= 10
        station_col = [r[2] for r in rows]
        assert set(station_col) == set(officers)
        for station, n_officers in officers.items():
            n = station_col.count(station)
            assert n <= n_officers
            counts.append(n)
    small = [n for n in counts if not 20 <= n <= 60]
    assert small == [SMALL_STATION_RESPONDENTS]


def test_missing_share(province: list[Path]) -> None:
    cells = [
        cell
        for path in district_files(province)
        for row in read_sheet(path, "responses")[1:]
        for cell in row[3:]
    ]
    share = sum(cell == "" for cell in cells) / len(cells)
    assert 0.012 < share < 0.03


def test_expert_consistency(province: list[Path], tree: dict[str, Any]) -> None:
    experts = province[-1]
    criteria = [n["id"] for n in walk(tree["goal"]) if n.get("children")]
    assert CalamineWorkbook.from_path(experts).sheet_names == criteria
    goal = tree["goal"]["id"]
    for sheet in criteria:
        matrices = expert_matrices(experts, sheet)
        assert list(matrices) == [f"E{k:02d}" for k in range(1, 9)]
        for expert, a in matrices.items():
            cr = consistency_ratio(a)
            if expert == INCONSISTENT_EXPERT and sheet == goal:
                assert cr > 0.1, (sheet, expert, cr)
            else:
                assert cr < 0.1, (sheet, expert, cr)


def test_expert_values_use_both_fraction_styles(province: list[Path]) -> None:
    cells = [c for row in read_sheet(province[-1], "maturity")[1:] for c in row[2:] if c != ""]
    assert any(isinstance(c, str) and c.startswith("1/") for c in cells)
    assert any(isinstance(c, float) and c < 1 for c in cells)


def test_same_seed_same_cells_different_seed_differs(province: list[Path], tmp_path: Path) -> None:
    again = synthesize(TREE, tmp_path / "again")
    assert read_all(again) == read_all(province)
    other = synthesize(TREE, tmp_path / "other", seed=7)
    assert read_all(other) != read_all(province)


def test_weak_dimensions_have_lower_item_means(province: list[Path], tree: dict[str, Any]) -> None:
    specs = item_specs(tree)
    dims = [d["id"] for d in tree["goal"]["children"]]
    means = {}  # district -> dimension -> mean "goodness" (reverse/cost items mirrored)
    for path in district_files(province):
        rows = read_sheet(path, "responses")
        header, body = rows[0], rows[1:]
        per_dim: dict[str, list[float]] = {d: [] for d in dims}
        for c, item in enumerate(header[3:], start=3):
            dim, reverse, cost = specs[item]
            vals = np.array([r[c] for r in body if isinstance(r[c], float)])
            per_dim[dim].append(float(np.mean(6 - vals if reverse != cost else vals)))
        means[path.stem] = {d: float(np.mean(v)) for d, v in per_dim.items()}
    for design in DISTRICTS:
        mine = means[design.zh]
        for weak in design.weak:
            strong = [mine[d] for d in dims if d not in design.weak]
            assert mine[weak] < min(strong) - 0.1, (design.zh, weak, mine)
            # relative to each district's own mean: below every district not designed weak there
            gap = mine[weak] - np.mean(list(mine.values()))
            others = [
                means[o.zh][weak] - np.mean(list(means[o.zh].values()))
                for o in DISTRICTS
                if weak not in o.weak
            ]
            assert gap < min(others), (design.zh, weak, gap, others)


def test_residents_per_community_officer_follows_the_stations_strength() -> None:
    """Regression: `residents` is the numerator of residents_per_community_officer and the
    denominator of community_tipoffs_rate, which comes first in the tree; the column was drawn for
    the tip-offs and the staffing indicator took whatever ratio followed, unrelated to the
    station's strength. Now residents = community officers x the indicator's value (rounded)."""
    from evalkit.synth import _plan_districts, _read_tree, _station_table

    tree = _read_tree(TREE)
    i = next(
        k for k, ind in enumerate(tree.indicators) if ind.id == "residents_per_community_officer"
    )
    worst, best = tree.indicators[i].goalposts
    rng = np.random.default_rng(5)
    for plan in _plan_districts(tree, rng, 4):
        cols = _station_table(tree, plan, rng)
        want = worst + (best - worst) * np.clip(plan.strength[:, i], -15.0, 115.0) / 100.0
        got = cols["residents"] / cols["community_officers"]
        assert np.abs(got - want).max() <= 0.5 / cols["community_officers"].min() + 1e-9, plan.zh


def test_districts_parameter(tmp_path: Path) -> None:
    paths = synthesize(TREE, tmp_path, districts=6)
    assert len(paths) == 7
    stations = [r[1] for p in paths[:-1] for r in read_sheet(p, "stations")[1:]]
    assert len(set(stations)) == len(stations)
    with pytest.raises(ValueError):
        synthesize(TREE, tmp_path, districts=0)


# ----------------------------------------------------------------- shipped YAML


def test_tree_nodes_are_bilingual_and_unique(tree: dict[str, Any]) -> None:
    ids = []
    for node in walk(tree["goal"]):
        ids.append(node["id"])
        assert node["name"]["zh"] and node["name"]["en"], node["id"]
        assert node["description"]["zh"] and node["description"]["en"], node["id"]
        assert "weight" not in node
        if node.get("children"):
            continue
        assert node["unit"]["zh"] and node["unit"]["en"], node["id"]
        assert node["direction"] in {"benefit", "cost"}
        survey = node["source"].get("survey")
        for item in survey["items"] if survey else ():
            ids.append(item["id"])
            assert item["zh"] and item["en"], item["id"]
        if not survey:
            worst, best = node["goalposts"]["worst"], node["goalposts"]["best"]
            assert (best > worst) == (node["direction"] == "benefit"), node["id"]
    assert len(ids) == len(set(ids))
    assert all(ID_RE.match(i) for i in ids)
    assert len(tree["goal"]["children"]) == 5
    assert 30 <= len(leaves(tree)) <= 40
    assert 2 <= sum(rev for _, rev, _ in item_specs(tree).values()) <= 3
    assert [lv["min_score"] for lv in tree["levels"]] == [0, 60, 70, 80, 90]


def test_recommendations_cover_tree(tree: dict[str, Any]) -> None:
    doc = yaml.safe_load(RECOMMENDATIONS.read_text(encoding="utf-8"))
    assert doc["tree"] == tree["id"]
    dims = {d["id"] for d in tree["goal"]["children"]}
    indicators = {n["id"] for n in leaves(tree)}
    recs = doc["recommendations"]
    ids = [r["id"] for r in recs]
    assert len(ids) == len(set(ids))
    covered = set()
    for rec in recs:
        assert rec["dimension"] in dims | {"overall"}, rec["id"]
        assert set(rec["indicators"]) <= indicators, rec["id"]
        assert len(rec["when"]) == 1
        assert set(rec["when"]) <= {"indicator_below", "dimension_below", "level_at_most"}
        assert rec["priority"] in {"high", "medium", "low"}
        assert rec["text"]["zh"] and rec["text"]["en"]
        covered |= set(rec["indicators"])
    assert covered == indicators
    for dim in dims:
        assert sum(r["dimension"] == dim for r in recs) >= 3, dim
    assert 1 <= sum(r["dimension"] == "overall" for r in recs) <= 2


def test_a_province_sized_batch_has_unique_district_names(tmp_path: Path) -> None:
    from evalkit.synth import MAX_DISTRICTS

    paths = synthesize(TREE, tmp_path, districts=40)
    names = [p.stem for p in paths[:-1]]
    assert len(names) == len(set(names)) == 40
    assert "青山区" in names and "青山二区" in names
    for p in paths[:-1]:  # station names stay unique within each district
        stations = [r[1] for r in read_sheet(p, "stations")[1:]]
        assert len(set(stations)) == len(stations)
    with pytest.raises(ValueError):
        synthesize(TREE, tmp_path, districts=MAX_DISTRICTS + 1)


def test_cli_synth_refuses_a_bad_count_without_a_traceback(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from evalkit.cli import app

    result = CliRunner().invoke(
        app, ["synth", str(tmp_path), "--tree", str(TREE), "--districts", "0"]
    )
    assert result.exit_code == 1
    assert "districts must be between 1 and" in result.output
    assert "Traceback" not in result.output


def _pruned_tree(tmp_path: Path, dims: int, leaves_per_dim: int | None) -> Path:
    """The default tree cut to its first `dims` dimensions (and leaves), fixed weights dropped."""
    raw = yaml.safe_load(TREE.read_text(encoding="utf-8"))
    kept = raw["goal"]["children"][:dims]
    for d in kept:
        d.pop("weight", None)
        if leaves_per_dim is not None:
            d["children"] = d["children"][:leaves_per_dim]
    raw["goal"]["children"] = kept
    path = tmp_path / "tree.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def test_goal_with_two_children_puts_the_inconsistent_expert_one_level_down(
    tmp_path: Path,
) -> None:
    """A 2 x 2 matrix is always consistent: synth used to fail with 'could not draw an expert
    matrix'; E06 is now inconsistent at the first node with three or more children."""
    tree_path = _pruned_tree(tmp_path, 2, None)
    files = synthesize(tree_path, tmp_path / "out", districts=1)
    first_dim = yaml.safe_load(tree_path.read_text(encoding="utf-8"))["goal"]["children"][0]["id"]
    crs = {e: consistency_ratio(a) for e, a in expert_matrices(files[-1], first_dim).items()}
    assert crs[INCONSISTENT_EXPERT] > 0.1
    assert all(cr < 0.1 for e, cr in crs.items() if e != INCONSISTENT_EXPERT)


def test_tree_of_pairs_gives_consistent_experts(tmp_path: Path) -> None:
    tree_path = _pruned_tree(tmp_path, 2, 2)
    files = synthesize(tree_path, tmp_path / "out", districts=1)
    for sheet in CalamineWorkbook.from_path(files[-1]).sheet_names:
        for a in expert_matrices(files[-1], sheet).values():
            assert a.shape == (2, 2) and a[0, 1] * a[1, 0] == pytest.approx(1.0)


def test_tree_with_its_own_scales(tmp_path: Path) -> None:
    """A tree without `likert5` gave KeyError: 'likert5'; each item now uses its own scale."""
    raw = yaml.safe_load(TREE.read_text(encoding="utf-8"))
    raw["scales"] = {
        "agree7": {
            "values": [1, 2, 3, 4, 5, 6, 7],
            "labels": {"zh": list("一二三四五六七"), "en": list("ABCDEFG")},
        },
        "four": {"values": [1, 2, 3, 4], "labels": {"zh": list("甲乙丙丁"), "en": list("WXYZ")}},
    }
    k = 0
    for node in walk(raw["goal"]):
        survey = node.get("source", {}).get("survey")
        if survey:
            survey["scale"] = "agree7" if k % 2 == 0 else "four"
            k += 1
    path = tmp_path / "tree.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    files = synthesize(path, tmp_path / "out", districts=2)
    rows = read_sheet(files[0], "responses")
    header = rows[0]
    scale_of = {}
    for node in walk(raw["goal"]):
        survey = node.get("source", {}).get("survey")
        for it in survey["items"] if survey else ():
            scale_of[it["id"]] = raw["scales"][survey["scale"]]
    seen: dict[str, set] = {}
    for row in rows[1:]:
        for h, v in zip(header, row, strict=True):
            if h in scale_of and v != "":
                seen.setdefault(h, set()).add(v)
    for item, vals in seen.items():
        sc = scale_of[item]
        allowed = set(sc["values"]) | set(sc["labels"]["zh"])
        assert {v if isinstance(v, str) else int(v) for v in vals} <= allowed, item
    assert any(7 in {v for v in vals if not isinstance(v, str)} for vals in seen.values())


def test_bad_tree_is_a_located_error_not_a_key_error(tmp_path: Path) -> None:
    from evalkit.errors import TreeError

    path = tmp_path / "tree.yaml"
    path.write_text("schema_version: 1\nid: t\ngoal: {id: g}\n", encoding="utf-8")
    with pytest.raises(TreeError):
        synthesize(path, tmp_path / "out")


# ----------------------------------------------------------------- another survey period


def test_another_period_has_the_same_stations_new_officers_and_no_experts(
    province: list[Path], tmp_path: Path
) -> None:
    later = synthesize(TREE, tmp_path / "p2025", period="2025")
    assert [p.name for p in later] == [p.name for p in district_files(province)]
    assert not (tmp_path / "p2025" / "experts.xlsx").exists()
    for a, b in zip(district_files(province), later, strict=True):
        sa, sb = read_sheet(a, "stations"), read_sheet(b, "stations")
        assert [r[:4] for r in sa] == [r[:4] for r in sb]  # district, station and English names
        assert sa[1:] != sb[1:]  # records drawn anew
        ids_a = {r[0] for r in read_sheet(a, "responses")[1:]}
        ids_b = {r[0] for r in read_sheet(b, "responses")[1:]}
        assert ids_a.isdisjoint(ids_b)
        assert all(str(i).startswith("2025-R") for i in ids_b)
    # the small station keeps its 3 officers: it is still not shown on its own
    small = later[1]
    rows = read_sheet(small, "responses")[1:]
    last = read_sheet(small, "stations")[-1][1]
    assert sum(r[2] == last for r in rows) == SMALL_STATION_RESPONDENTS


def test_another_period_drifts_by_design_and_repeats_itself(
    province: list[Path], tmp_path: Path
) -> None:
    """西山区 is 8 points lower in the period written than in the example, 南港区 3 points higher
    (PERIOD_DRIFT): on a 1-5 scale, about 0.32 and 0.12 of a point in the items' good direction."""
    specs = item_specs(yaml.safe_load(TREE.read_text(encoding="utf-8")))
    later = synthesize(TREE, tmp_path / "a", period="2025")
    again = synthesize(TREE, tmp_path / "b", period="2025")
    other = synthesize(TREE, tmp_path / "c", period="2024")
    assert [read_sheet(p, "responses") for p in later] == [
        read_sheet(p, "responses") for p in again
    ]
    assert read_sheet(later[0], "responses")[1:] != read_sheet(other[0], "responses")[1:]

    def good_mean(path: Path) -> float:
        rows = read_sheet(path, "responses")
        header, body = rows[0], rows[1:]
        values = []
        for c, item in enumerate(header[3:], start=3):
            _, reverse, cost = specs[item]
            x = np.array([r[c] for r in body if isinstance(r[c], (int, float))], float)
            values.append(np.mean(6 - x if reverse != cost else x))
        return float(np.mean(values))

    names = [p.name for p in district_files(province)]
    shift = {
        n: good_mean(b) - good_mean(a)
        for n, a, b in zip(names, district_files(province), later, strict=True)
    }
    assert shift["西山区.xlsx"] < -0.2
    assert shift["南港区.xlsx"] > 0.04
    assert shift["西山区.xlsx"] < min(v for k, v in shift.items() if k != "西山区.xlsx")
    assert PERIOD_DRIFT["西山区"] == -8.0


def test_cli_synth_writes_another_period(tmp_path: Path) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [
            *(sys.executable, "-m", "evalkit", "synth", str(tmp_path / "2025")),
            *("--tree", str(TREE), "--period", "2025", "--districts", "2"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "2025").iterdir()) == ["东湖区.xlsx", "西山区.xlsx"]
    assert "2 files written" in done.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "evalkit", "synth", str(tmp_path / "x"), "--period", " "],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 1
    assert "the period must be a printable label" in bad.stdout + bad.stderr
    assert "Traceback" not in bad.stdout + bad.stderr

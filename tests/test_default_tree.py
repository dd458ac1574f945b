"""The default tree as a documented indicator system: every indicator says what it answers, where
its figures come from, why it points its way; no double counting of the known pairs; the
coverage table names only what exists and everything that exists (docs/coverage.md)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from evalkit.analysis.diagnose import load_recommendations
from evalkit.errors import TreeError
from evalkit.tree import load_tree

ROOT = Path(__file__).resolve().parents[1]
TREE = ROOT / "indicators" / "community_policing.yaml"
LIBRARY = ROOT / "indicators" / "recommendations.yaml"
COVERAGE = ROOT / "docs" / "coverage.md"


@pytest.fixture(scope="module")
def tree():
    return load_tree(TREE)


def test_every_indicator_is_documented(tree) -> None:
    for leaf in tree.leaves():
        assert leaf.basis.get("zh") and leaf.basis.get("en"), leaf.id
        assert leaf.direction_note.get("zh") and leaf.direction_note.get("en"), leaf.id
        assert leaf.description.get("zh") and leaf.description.get("en"), leaf.id
        assert leaf.unit.get("zh") and leaf.unit.get("en"), leaf.id
        assert leaf.goalpost_basis in ("calibration", "standard", "data", "scale"), leaf.id
        if leaf.source.kind == "statistic":
            assert leaf.data_source in ("station", "bureau"), leaf.id
        else:
            assert leaf.data_source == "survey", leaf.id
    assert tree.without_basis() == []
    assert all(d.basis for d in tree.dimensions)


def test_known_double_counting_is_gone(tree) -> None:
    items = {item.id for _, item in tree.items()}
    assert not items & {"is_mass_2", "te_inter_1", "aa_skill_1", "aa_skill_2", "aa_skill_3"}
    leaves = {leaf.id for leaf in tree.leaves()}
    assert "analysis_skill" not in leaves
    assert {
        "community_time_share",
        "duplicate_collection_burden",
        "platform_proficiency_share",
    } <= (leaves)


def test_counts_that_grow_with_a_station_are_per_officer(tree) -> None:
    """Plain columns are only counts of a station's capabilities, averaged over stations; every
    other statistic is a pooled ratio (the tree's aggregation rule)."""
    plain = [
        leaf
        for leaf in tree.leaves()
        if leaf.source.kind == "statistic" and not leaf.source.is_ratio
    ]
    assert sorted(leaf.id for leaf in plain) == [
        "collection_channels",
        "interdepartment_data_links",
    ]
    assert all(leaf.source.aggregate == "mean" for leaf in plain)
    products = tree.node("analysis_products_per_10_officers").source
    assert (products.numerator, products.denominator) == ("products_month", "officers")
    staffing = tree.node("residents_per_community_officer")
    assert (staffing.source.numerator, staffing.source.denominator) == (
        "residents",
        "community_officers",
    )
    assert staffing.direction == "cost"
    security = tree.node("security_check_pass_rate")
    assert security.direction == "benefit"


def test_survey_indicators_are_a_minority(tree) -> None:
    survey = [leaf for leaf in tree.leaves() if leaf.source.kind == "survey"]
    assert len(survey) == 8
    assert len(tree.leaves()) == 35


def test_library_answers_every_indicator(tree) -> None:
    rules = load_recommendations(LIBRARY, tree)
    fired_by = {i for rule in rules for i in rule.indicators}
    assert {leaf.id for leaf in tree.leaves()} <= fired_by


def test_coverage_table_names_what_exists_and_everything(tree) -> None:
    text = COVERAGE.read_text(encoding="utf-8")
    rules = {rule.id for rule in load_recommendations(LIBRARY, tree)}
    ids = {n.id for n in tree.nodes()} | rules | {item.id for _, item in tree.items()}
    ids |= {"is_mass_2", "te_inter_1", "analysis_skill", "security_incidents", "it_funding_share"}
    ids |= {"analysis_products_per_month", "sg_*", "record:", "basis:", "measures:", "evalkit tree"}
    ids |= {"description", "direction", "direction_note", "unit"}  # the tree's keys
    named = set(re.findall(r"`([^`]+)`", text))
    extra = {n for n in named if "/" in n or "." in n or " " in n.strip("`")}
    unknown = named - ids - extra - {"calibration", "(S)"}
    unknown = {n for n in unknown if not n.startswith(("record: ", "ev.", "indicators/", "docs/"))}
    assert unknown == set()
    for leaf in tree.leaves():
        assert f"`{leaf.id}`" in text, leaf.id
    for rule in rules:
        assert f"`{rule}`" in text, rule
    # no empty row: every table row names an indicator or a rule, or says "none:" with a reason
    for line in text.splitlines():
        if line.startswith("| ") and not line.startswith(("| Source", "|---")):
            cells = [c.strip() for c in line.strip("|").split("|")]
            assert len(cells) == 4, line
            for cell in cells[2:]:
                assert "`" in cell or cell.startswith("none:") or cell.startswith("the "), line
                if cell.startswith("none"):
                    assert len(cell) > 30, line


def test_readme_links_the_coverage_table() -> None:
    assert "docs/coverage.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_evalkit_tree_prints_basis_record_and_direction_reason() -> None:
    res = subprocess.run(
        [sys.executable, "-m", "evalkit", "tree", str(TREE), "--lang", "en"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert "answers: Station countermeasure 3 (staff communities by size" in out
    assert "data from: bureau record" in out and "data from: officer survey" in out
    assert "direction: Cost: the more residents one community officer serves" in out


def _tree_text(extra: str, source: str) -> str:
    return f"""\
schema_version: 1
id: t
title: {{zh: 测试, en: Test}}
scales:
  likert5: {{values: [1, 2, 3, 4, 5], labels: {{zh: [a, b, c, d, e], en: [A, B, C, D, E]}}}}
levels:
  - {{id: low, name: {{zh: 低, en: Low}}, min_score: 0}}
goal:
  id: g
  name: {{zh: 目标, en: Goal}}
  children:
    - id: d1
      name: {{zh: 一, en: One}}
      children:
        - id: x1
          name: {{zh: 甲, en: X1}}
          direction: benefit
{extra}
          source: {source}
"""


STAT = "{statistic: {numerator: a, denominator: b}}\n          goalposts: {worst: 0, best: 1}"
SURVEY = "{survey: {scale: likert5, items: [{id: q1, zh: 问, en: Q}]}}"


def test_basis_record_and_direction_note_are_read(tmp_path: Path) -> None:
    extra = (
        "          basis: {zh: 出处, en: Source passage}\n"
        "          direction_note: {zh: 理由, en: Reason}\n"
        "          record: bureau"
    )
    path = tmp_path / "tree.yaml"
    path.write_text(_tree_text(extra, STAT), encoding="utf-8")
    leaf = load_tree(path).node("x1")
    assert leaf.basis == {"zh": "出处", "en": "Source passage"}
    assert leaf.direction_note == {"zh": "理由", "en": "Reason"}
    assert (leaf.record, leaf.data_source) == ("bureau", "bureau")


@pytest.mark.parametrize(
    ("extra", "source", "message"),
    [
        ("          record: station", SURVEY, "a survey indicator takes no `record`"),
        ("          record: ministry", STAT, "unknown `record`"),
        ("          basis: [a, b]", STAT, "`basis` must be a mapping"),
        ("          basis: only one language", STAT, None),
    ],
)
def test_bad_record_and_basis_are_located(tmp_path: Path, extra: str, source: str, message) -> None:
    path = tmp_path / "tree.yaml"
    path.write_text(_tree_text(extra, source), encoding="utf-8")
    if message is None:  # a plain text is accepted for both languages (as `description` is)
        assert load_tree(path).node("x1").basis == {
            "zh": "only one language",
            "en": "only one language",
        }
        return
    with pytest.raises(TreeError) as info:
        load_tree(path)
    issue = next(i for i in info.value.issues if message in i.message)
    assert issue.location.line == 18  # the line of the key
    assert issue.location.path == "g/d1/x1"


def test_record_on_a_criterion_is_refused(tmp_path: Path) -> None:
    text = _tree_text("", STAT).replace(
        "      name: {zh: 一, en: One}\n", "      name: {zh: 一, en: One}\n      record: station\n"
    )
    path = tmp_path / "tree.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TreeError) as info:
        load_tree(path)
    assert any("cannot have a `record`" in i.message for i in info.value.issues)

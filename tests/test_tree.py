"""Indicator tree loading and its errors (with YAML lines)."""

from __future__ import annotations

from pathlib import Path

import pytest

from evalkit.errors import TreeError
from evalkit.tree import load_tree

ROOT = Path(__file__).resolve().parents[1]

GOOD = """\
schema_version: 1
id: t
title: {zh: 测试, en: Test}
scales:
  likert5: {values: [1, 2, 3, 4, 5], labels: {zh: [a, b, c, d, e], en: [A, B, C, D, E]}}
levels:
  - {id: low, name: {zh: 低, en: Low}, min_score: 0}
  - {id: high, name: {zh: 高, en: High}, min_score: 60}
goal:
  id: g
  name: {zh: 目标, en: Goal}
  children:
    - id: d1
      name: {zh: 一, en: One}
      weight: 0.5
      children:
        - id: x1
          name: {zh: 甲, en: X1}
          direction: cost
          source: {survey: {scale: likert5, items: [{id: q1, zh: 问, en: Q, reverse: true}]}}
    - id: d2
      name: {zh: 二, en: Two}
      weight: 0.5
      children:
        - id: x2
          name: {zh: 乙, en: X2}
          direction: benefit
          goalposts: {worst: 0, best: 10}
          source: {statistic: {numerator: a, denominator: b, multiplier: 100}}
"""


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "tree.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_shipped_tree_has_five_fengze_dimensions() -> None:
    tree = load_tree(ROOT / "indicators" / "community_policing.yaml")
    assert [d.id for d in tree.dimensions] == [
        "info_collection",
        "info_sources",
        "tech_environment",
        "analysis_ability",
        "safeguards",
    ]
    assert 30 <= len(tree.leaves()) <= 40
    assert len(tree.levels) == 5
    assert [lv.min_score for lv in tree.levels] == sorted(lv.min_score for lv in tree.levels)
    assert any(item.reverse for _, item in tree.items())
    assert any(leaf.source.is_ratio for leaf in tree.leaves() if leaf.source.kind == "statistic")
    for n in tree.nodes():
        assert n.name["zh"] and n.name["en"]


def test_packaged_tree_is_the_shipped_tree() -> None:
    for name in ("community_policing.yaml", "recommendations.yaml"):
        packaged = ROOT / "src" / "evalkit" / "data" / name
        assert packaged.read_bytes() == (ROOT / "indicators" / name).read_bytes(), name


def test_good_tree_survey_goalposts_default_to_scale_ends(tmp_path: Path) -> None:
    tree = load_tree(_write(tmp_path, GOOD))
    x1 = tree.node("x1")
    assert (x1.worst, x1.best) == (5.0, 1.0)  # cost: agreement is bad
    assert tree.node("x2").source.columns == ("a", "b")
    assert tree.level_for(59.9).id == "low" and tree.level_for(60).id == "high"
    assert tree.statistic_columns() == ["a", "b"]


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_all_errors_reported_at_once_with_lines(tmp_path: Path) -> None:
    bad = (
        GOOD.replace("id: x2\n", "id: x1\n")  # duplicate id
        .replace("worst: 0, best: 10", "worst: 10, best: 0")  # benefit with best < worst
        .replace("direction: cost", "direction: upward")
        .replace("min_score: 60", "min_score: 0")
        .replace(
            "weight: 0.5\n      children:\n        - id: x1",
            "weight: 0.7\n      children:\n        - id: x1",
            1,
        )
    )
    with pytest.raises(TreeError) as info:
        load_tree(_write(tmp_path, bad))
    issues = info.value.issues
    messages = " | ".join(i.message for i in issues)
    assert "duplicate id" in messages
    assert "benefit indicator needs best > worst" in messages
    assert "invalid direction" in messages
    assert "increasing min_score" in messages
    assert "sum to 1" in messages
    dup = next(i for i in issues if i.message == "duplicate id")
    assert dup.location.line == _line_of(bad, "        - id: x1") + 0 or dup.location.line > 20
    assert dup.location.path == "g/d2/x1"
    direction = next(i for i in issues if i.message == "invalid direction")
    assert direction.location.line == _line_of(bad, "direction: upward")
    assert direction.found == "'upward'"
    assert str(tmp_path / "tree.yaml") in str(info.value)


def test_unknown_scale_and_missing_names(tmp_path: Path) -> None:
    bad = GOOD.replace("scale: likert5", "scale: likert7").replace(
        "name: {zh: 乙, en: X2}", "name: {zh: 乙}"
    )
    with pytest.raises(TreeError) as info:
        load_tree(_write(tmp_path, bad))
    msgs = [(i.message, i.location.line) for i in info.value.issues]
    assert ("unknown scale", _line_of(bad, "likert7")) in msgs
    assert any(m == "`name.en` is missing or empty" for m, _ in msgs)


def test_yaml_syntax_error_names_line(tmp_path: Path) -> None:
    bad = GOOD.replace("    - id: d2\n", "    - id: d2\n   broken: [\n")
    with pytest.raises(TreeError) as info:
        load_tree(_write(tmp_path, bad))
    assert info.value.issues[0].location.line is not None
    assert "not valid YAML" in info.value.issues[0].message


def test_four_level_tree_loads(tmp_path: Path) -> None:
    x2_block = GOOD[GOOD.index("        - id: x2") :]
    deep = GOOD.replace(
        x2_block,
        """        - id: sub
          name: {zh: 子, en: Sub}
          children:
            - id: subsub
              name: {zh: 孙, en: SubSub}
              children:
                - id: x2
                  name: {zh: 乙, en: X2}
                  direction: benefit
                  goalposts: {worst: 0, best: 10}
                  source: {statistic: {column: c}}
                - id: x3
                  name: {zh: 丙, en: X3}
                  direction: cost
                  goalposts: {worst: 9, best: 1}
                  source: {statistic: {column: c3, aggregate: max}}
""",
    )
    tree = load_tree(_write(tmp_path, deep))
    assert tree.node("x3").depth == 4
    assert [n.id for n in tree.criteria()] == ["g", "d1", "d2", "sub", "subsub"]


def test_comma_in_an_unquoted_flow_text_is_an_error_not_a_cut_unit(tmp_path: Path) -> None:
    """`unit: {zh: 条, en: items per 1,000 residents}` parses as en "items per 1" plus a key
    "000 residents": the shipped tree printed "13.22 items per 1"."""
    bad = GOOD.replace(
        "goalposts: {worst: 0, best: 10}",
        "goalposts: {worst: 0, best: 10}\n          unit: {zh: 条/千人, en: items per 1,000 residents}",
    )
    with pytest.raises(TreeError) as info:
        load_tree(_write(tmp_path, bad))
    (issue,) = info.value.issues
    assert issue.location.line == _line_of(bad, "items per 1,000")
    assert "unknown language key `000 residents`" in issue.message
    assert "quote" in issue.fix
    good = bad.replace("en: items per 1,000 residents}", 'en: "items per 1,000 residents"}')
    x2 = load_tree(_write(tmp_path, good)).node("x2")
    assert x2.unit == {"zh": "条/千人", "en": "items per 1,000 residents"}


def test_shipped_units_are_whole() -> None:
    tree = load_tree(ROOT / "indicators" / "community_policing.yaml")
    assert tree.node("community_tipoffs_rate").unit["en"] == "items per 1,000 residents per year"


# ---- level rule and the bases of goalposts and cut-offs ------------------------------------------


def test_level_rule_defaults_to_total(tmp_path: Path) -> None:
    tree = load_tree(_write(tmp_path, GOOD))
    assert tree.level_rule == "total"
    assert tree.level_basis == "" and not tree.levels_are_guesses
    assert tree.goalpost_bases() == {"x1": "scale", "x2": ""}  # survey: the scale's ends
    assert tree.goalpost_guesses() == []


def test_level_rule_and_bases_are_read(tmp_path: Path) -> None:
    text = GOOD.replace(
        "levels:\n",
        "level_rule: staged\nlevel_basis: calibration\n"
        "level_note: {zh: 待试点校准, en: to be calibrated}\nlevels:\n",
    ).replace(
        "goalposts: {worst: 0, best: 10}",
        "goalposts: {worst: 0, best: 10, basis: calibration, note: pilot of 2025}",
    )
    tree = load_tree(_write(tmp_path, text))
    assert (tree.level_rule, tree.level_basis) == ("staged", "calibration")
    assert tree.levels_are_guesses and tree.level_note["en"] == "to be calibrated"
    x2 = tree.node("x2")
    assert (x2.worst, x2.best, x2.goalpost_basis) == (0.0, 10.0, "calibration")
    assert x2.goalpost_note == {"zh": "pilot of 2025", "en": "pilot of 2025"}
    assert tree.goalpost_guesses() == ["x2"]
    standard = load_tree(_write(tmp_path, text.replace("basis: calibration,", "basis: standard,")))
    assert standard.goalpost_guesses() == [] and standard.node("x2").goalpost_basis == "standard"


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("levels:\n", "level_rule: strict\nlevels:\n", "level_rule"),
        ("levels:\n", "level_basis: guess\nlevels:\n", "level_basis"),
        ("best: 10}", "best: 10, basis: pilot}", "basis"),
    ],
)
def test_unknown_level_rule_or_basis_is_an_error_at_its_line(
    tmp_path: Path, old: str, new: str, key: str
) -> None:
    bad = GOOD.replace(old, new)
    with pytest.raises(TreeError) as info:
        load_tree(_write(tmp_path, bad))
    (issue,) = info.value.issues
    assert issue.message == f"unknown `{key}`" and issue.message_zh
    assert issue.location.line == _line_of(bad, new.split("\n")[0].strip())
    assert "|" in issue.expected


def test_shipped_tree_marks_its_calibration_guesses() -> None:
    """Every statistic's goalposts and the level cut-offs are marked as calibration guesses;
    the survey indicators' goalposts are their scale's ends."""
    tree = load_tree(ROOT / "indicators" / "community_policing.yaml")
    stats = [lf.id for lf in tree.leaves() if lf.source.kind == "statistic"]
    assert tree.goalpost_guesses() == stats and len(stats) == 27
    assert all(lf.goalpost_basis == "scale" for lf in tree.leaves() if lf.source.kind == "survey")
    assert tree.levels_are_guesses and tree.level_note["zh"] and tree.level_note["en"]
    assert tree.level_rule == "total"
    assert tree.node("mobile_terminal_rate").goalpost_note["en"].startswith("Worst raised")

"""Whether two trees score alike (tree.compare): the check that keeps periods on one tree."""

from __future__ import annotations

from pathlib import Path

import yaml

from evalkit.tree import load_tree
from evalkit.tree.compare import scoring_differences

ROOT = Path(__file__).resolve().parents[1]
TREE = ROOT / "indicators" / "community_policing.yaml"


def _variant(tmp_path: Path, name: str, change) -> Path:
    raw = yaml.safe_load(TREE.read_text(encoding="utf-8"))
    change(raw)
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _leaf(raw: dict, leaf_id: str) -> dict:
    stack = [raw["goal"]]
    while stack:
        node = stack.pop()
        if node.get("id") == leaf_id:
            return node
        stack += node.get("children") or []
    raise KeyError(leaf_id)


def test_the_same_tree_renamed_scores_alike(tmp_path: Path) -> None:
    def rename(raw: dict) -> None:
        raw["title"] = {"zh": "另一个标题", "en": "Another title"}
        _leaf(raw, "basic_info_coverage")["name"] = {"zh": "基础信息覆盖", "en": "Coverage"}
        for lv in raw["levels"]:
            lv["description"] = {"zh": "说明", "en": "text"}

    base = load_tree(TREE)
    assert scoring_differences(base, load_tree(TREE)) == []
    assert scoring_differences(base, load_tree(_variant(tmp_path, "renamed", rename))) == []


def test_goalposts_a_removed_indicator_and_the_levels_are_differences(tmp_path: Path) -> None:
    def change(raw: dict) -> None:
        _leaf(raw, "basic_info_coverage")["goalposts"]["worst"] = 60
        dim = raw["goal"]["children"][4]
        dim["children"] = [c for c in dim["children"] if c["id"] != "security_check_pass_rate"]
        raw["levels"][2]["min_score"] = 72
        raw["level_rule"] = "staged"

    base = load_tree(TREE)
    other = load_tree(_variant(tmp_path, "changed", change))
    diffs = scoring_differences(base, other)
    found = {(d.node, d.field) for d in diffs}
    assert found == {
        ("basic_info_coverage", "goalposts"),
        ("security_check_pass_rate", "node"),
        ("", "levels"),
        ("", "level_rule"),
    }
    goal = next(d for d in diffs if d.field == "goalposts")
    assert (goal.base, goal.other) == ("(50, 100)", "(60, 100)")
    assert goal.text(base, other, "en") == (
        "basic_info_coverage: goalposts (worst, best) (50, 100) in the base period's tree, "
        "(60, 100) in this one"
    )
    assert goal.text(base, other, "zh") == (
        "“基础信息采集覆盖率”的阈值（最差值, 最优值）：基准期为 (50, 100)，本期为 (60, 100)"
    )
    gone = next(d for d in diffs if d.field == "node")
    assert gone.text(base, other, "zh") == "节点“信息安全检查合格率”仅见于基准期的指标体系"
    assert "security_check_pass_rate" not in gone.text(base, other, "zh")


def test_a_reversed_item_and_a_fixed_weight_are_differences(tmp_path: Path) -> None:
    def change(raw: dict) -> None:
        items = _leaf(raw, "collection_standardization")["source"]["survey"]["items"]
        items[0]["reverse"] = not items[0].get("reverse", False)
        for k, dim in enumerate(raw["goal"]["children"]):
            dim["weight"] = [0.3, 0.2, 0.2, 0.2, 0.1][k]

    base = load_tree(TREE)
    other = load_tree(_variant(tmp_path, "reversed", change))
    found = {(d.node, d.field) for d in scoring_differences(base, other)}
    assert ("collection_standardization", "source") in found
    assert ("info_collection", "weight") in found
    assert len([f for f in found if f[1] == "weight"]) == 5

"""Every YAML file evalkit ships and every YAML example of README.md and docs/formats.md loads with
the loaders that now refuse unknown keys, unsupported schema versions and values of the wrong type
(a user copies these first)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from evalkit.analysis.diagnose import load_recommendations
from evalkit.errors import TreeError
from evalkit.ingest.judgment_formats import read_judgment_map
from evalkit.ingest.platforms import load_map
from evalkit.spec import load_spec
from evalkit.tree import load_tree

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "evalkit" / "data"
TREE = ROOT / "indicators" / "community_policing.yaml"


def _blocks(doc: Path) -> list[tuple[int, str]]:
    """The ```yaml blocks of a Markdown file, with the line each starts on."""
    text = doc.read_text(encoding="utf-8")
    return [
        (text[: m.start()].count("\n") + 2, m.group(1))
        for m in re.finditer(r"^```yaml\n(.*?)^```", text, re.DOTALL | re.MULTILINE)
    ]


def _kind(block: str) -> str:
    data = yaml.safe_load(block)
    if "goal" in data:
        return "tree"
    if "tree" in data and "data" in data:
        return "project"
    if "tree" in data and "periods" in data:
        return "periods project"
    if isinstance(data.get("recommendations"), list):
        return "library"
    if "nodes" in data or "layout" in data:
        return "judgment map"
    if "items" in data:
        return "import map"
    raise AssertionError(f"a YAML example of an unknown kind: {sorted(data)}")


def _project_of(block: str, tmp_path: Path) -> Path:
    """A project folder holding the example's project file and every file it names."""
    project = tmp_path / "example"
    shutil.copytree(ROOT / "indicators", project / "indicators")
    shutil.copytree(ROOT / "surveys", project / "surveys")
    (project / "evalkit.yaml").write_text(block, encoding="utf-8")
    data = yaml.safe_load(block)["data"]
    for entry in data.get("imports") or []:
        for key in ("file", "map", "labels_from"):
            if entry.get(key):
                target = project / entry[key]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(b"")
    return project


def _periods_project_of(block: str, tmp_path: Path) -> Path:
    """A project folder holding the example's project file with periods, each period's survey
    folder holding copies of the example's district workbooks."""
    project = tmp_path / "example"
    shutil.copytree(ROOT / "indicators", project / "indicators")
    shutil.copytree(ROOT / "surveys", project / "surveys")
    (project / "evalkit.yaml").write_text(block, encoding="utf-8")
    for period in yaml.safe_load(block)["periods"]:
        for pattern in period["data"].get("surveys") or []:
            folder = (project / pattern).parent
            folder.mkdir(parents=True, exist_ok=True)
            for f in (ROOT / "surveys").glob("*区.xlsx"):
                shutil.copyfile(f, folder / f.name)
    return project


EXAMPLES = [
    pytest.param(doc, line, block, id=f"{doc.name}:{line}")
    for doc in (ROOT / "README.md", ROOT / "docs" / "formats.md")
    for line, block in _blocks(doc)
]


def test_the_docs_hold_examples_of_each_kind() -> None:
    kinds = sorted(_kind(block) for _, _, block in (p.values for p in EXAMPLES))
    assert kinds == ["import map", "judgment map", "library", "periods project", "project", "tree"]


@pytest.mark.parametrize(("doc", "line", "block"), EXAMPLES)
def test_yaml_example_of_the_docs_loads(doc: Path, line: int, block: str, tmp_path: Path) -> None:
    kind = _kind(block)
    path = tmp_path / "example.yaml"
    path.write_text(block, encoding="utf-8")
    tree = load_tree(TREE)
    if kind == "project":
        spec = load_spec(_project_of(block, tmp_path))
        assert spec.weights.method == "combined" and len(spec.imports) == 3
    elif kind == "periods project":
        spec = load_spec(_periods_project_of(block, tmp_path))
        assert [p.id for p in spec.periods] == ["2025", "2026"] and spec.base_period == "2025"
        assert all(p.surveys for p in spec.periods)
    elif kind == "tree":
        # the tree example elides texts and levels with "..."; its keys must all be known
        with pytest.raises(TreeError) as exc:
            load_tree(path)
        keys = [str(i) for i in exc.value.issues if i.message.startswith("unknown key")]
        assert keys == []
        assert not any("schema_version" in i.message for i in exc.value.issues)
    elif kind == "library":
        rules = load_recommendations(path, tree)
        assert [r.id for r in rules] == ["ic_unified_standard"]
    elif kind == "import map":
        assert load_map(path).items["ic_std_2"] == "2.2"
    else:
        jmap = read_judgment_map(path, tree)
        assert jmap.layout == "row_per_expert"


@pytest.mark.parametrize(
    "tree",
    [TREE, DATA / "community_policing.yaml"],
    ids=["indicators", "package"],
)
def test_shipped_trees_and_libraries_load(tree: Path) -> None:
    loaded = load_tree(tree)
    rules = load_recommendations(tree.with_name("recommendations.yaml"), loaded)
    assert len(loaded.leaves()) == 35 and len(rules) > 20


def test_shipped_project_files_load(tmp_path: Path) -> None:
    assert load_spec(ROOT).tree == ROOT / "indicators" / "community_policing.yaml"
    project = tmp_path / "new"
    shutil.copytree(ROOT / "indicators", project / "indicators")
    shutil.copytree(ROOT / "surveys", project / "surveys")
    shutil.copyfile(DATA / "project_template.yaml", project / "evalkit.yaml")
    assert load_spec(project).report.date == ""


def test_shipped_import_maps_load() -> None:
    maps = sorted((ROOT / "examples").rglob("*.map.yaml"))
    assert maps
    for path in maps:
        assert load_map(path).items

"""YAML files a careless or hostile user gives: each a located problem, never a traceback or a hang."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from evalkit.errors import SpecError, TreeError
from evalkit.tree import load_tree
from evalkit.yamlio import MAX_BYTES, MAX_DEPTH, MAX_NODES, YamlProblems, load_yaml, yaml_value

ROOT_TREE = Path(__file__).resolve().parents[1] / "indicators" / "community_policing.yaml"


def _write(tmp_path: Path, text: str, name: str = "x.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def _issue(exc: pytest.ExceptionInfo) -> tuple[str, int | None]:
    (issue,) = exc.value.issues
    return issue.message, issue.location.line


def test_alias_bomb_is_refused_before_it_expands(tmp_path: Path) -> None:
    """Nine levels of nine aliases: 9**9 values; it used to run out of memory after 25 s."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for k in range(1, 10):
        lines.append(f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 9) + "]")
    lines.append("title: *a9")
    with pytest.raises(SpecError) as info:
        load_yaml(_write(tmp_path, "\n".join(lines)))
    message, _ = _issue(info)
    assert f"more than {MAX_NODES:,}" in message and "aliases" in message


def test_small_aliases_and_merge_keys_are_fine(tmp_path: Path) -> None:
    text = "base: &b {x: 1, y: 2}\nthing:\n  <<: *b\n  y: 3\nlist: [*b, *b]\n"
    data = load_yaml(_write(tmp_path, text))
    assert data["thing"] == {"x": 1, "y": 3}
    assert data["list"] == [{"x": 1, "y": 2}] * 2


def test_deep_nesting_is_refused_with_a_line(tmp_path: Path) -> None:
    """About 200 nested criteria gave RecursionError."""
    node: dict = {"id": "leaf"}
    for k in range(200):
        node = {"id": f"n{k}", "children": [node]}
    text = "schema_version: 1\ngoal: " + json.dumps(node) + "\n"
    with pytest.raises(TreeError) as info:
        load_tree(_write(tmp_path, text))
    message, line = _issue(info)
    assert f"more than {MAX_DEPTH} levels" in message and line is not None


def test_complex_key_is_a_problem_not_a_type_error(tmp_path: Path) -> None:
    """`? [a, b]: 3` gave TypeError: unhashable type."""
    with pytest.raises(SpecError) as info:
        load_yaml(_write(tmp_path, "title: x\n? [a, b]\n: 3\n"))
    message, line = _issue(info)
    assert "plain text" in message and line == 2


def test_duplicate_keys_are_all_named_with_their_lines(tmp_path: Path) -> None:
    """YAML silently keeps the last of two equal keys; a project that says `lang: zh` twice, or a
    node with two `weight:`s, means something the user did not see."""
    text = "report:\n  lang: zh\n  date: x\n  lang: en\nweights: {alpha: 0.5, alpha: 0.7}\n"
    with pytest.raises(SpecError) as info:
        load_yaml(_write(tmp_path, text))
    found = sorted((i.location.line, i.message) for i in info.value.issues)
    assert [line for line, _ in found] == [4, 5]
    assert "`lang` is given twice" in found[0][1] and "line 2" in found[0][1]
    assert "`alpha` is given twice" in found[1][1]


def test_a_folder_a_pipe_and_a_huge_file_are_refused_without_reading(tmp_path: Path) -> None:
    folder = tmp_path / "tree.yaml"
    folder.mkdir()
    with pytest.raises(TreeError) as info:
        load_tree(folder)
    assert "is a folder" in _issue(info)[0]

    pipe = tmp_path / "pipe.yaml"
    os.mkfifo(pipe)  # opening it for reading would block forever
    with pytest.raises(SpecError) as info:
        load_yaml(pipe)
    assert "not a regular file" in _issue(info)[0]

    big = tmp_path / "big.yaml"
    with big.open("w") as fh:
        fh.write("# " + "x" * (MAX_BYTES + 10) + "\n")
    with pytest.raises(SpecError) as info:
        load_yaml(big)
    assert "larger than" in _issue(info)[0]


def test_symlink_loop_is_a_problem(tmp_path: Path) -> None:
    loop = tmp_path / "loop.yaml"
    os.symlink(loop, loop)
    with pytest.raises(SpecError) as info:
        load_yaml(loop)
    assert "cannot open" in _issue(info)[0]


# ---- problems of a YAML file, filed the same way for every file ---------------------------------


def test_yaml_problem_is_located_bilingual_and_shows_the_value(tmp_path: Path) -> None:
    path = _write(tmp_path, "a:\n  b: 2.0\n  c: [x, 1, ~]\n  d: {zh: 是, en: true}\n")
    raw = load_yaml(path)
    err = YamlProblems(str(path), check="demo")
    err(
        raw["a"], "b", "bad b", "a whole number", raw["a"]["b"], "Write 2.", zh="b 不对", path="a/b"
    )
    err(raw["a"], "c", "bad c", found=raw["a"]["c"], zh="c 不对")
    err(raw["a"], "d", "bad d", found=raw["a"]["d"], zh="d 不对", severity="warning")
    err(raw, "missing", "bad e", found=None, zh="e 不对")
    b, c, d, e = err.issues
    assert (b.location.line, b.location.path, b.check, b.found, b.fix) == (
        2,
        "a/b",
        "demo",
        "2.0",
        "Write 2.",
    )
    assert (b.message_zh, c.found, d.found, d.severity) == (
        "b 不对",
        "['x', 1, ~]",
        "{zh: '是', en: true}",
        "warning",
    )
    assert (e.location.line, e.found, e.found_zh) == (1, "an empty value", "空值")
    assert err.log.errors == [b, c, e]
    assert yaml_value("x") == "'x'" and yaml_value(False) == "false" and yaml_value(3) == "3"


def test_an_empty_value_reads_alike_in_every_yaml_file(tmp_path: Path, project: Path) -> None:
    """The project file, the tree and both import maps filed YAML problems with three copies of
    one closure that disagreed: an empty value (~) was found "None" in the first two and
    "'nothing'" in a survey map; each copy also had its own checks and Chinese, or none."""
    from evalkit.errors import DataError
    from evalkit.ingest.judgment_formats import read_judgment_map
    from evalkit.ingest.platforms import load_map
    from evalkit.spec import load_spec

    spec = project / "evalkit.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("weakest: 5", "weakest: ~"), "utf-8")
    tree_path = project / "indicators" / "community_policing.yaml"
    tree_text = tree_path.read_text(encoding="utf-8")
    tree_path.write_text(
        tree_text.replace("{worst: 50, best: 100,", "{worst: ~, best: 100,"), "utf-8"
    )
    survey_map = _write(tmp_path, "items:\n  ic_std_1: ~\n", "survey.map.yaml")
    judgment_map = _write(
        tmp_path, "nodes:\n  maturity:\n    pairs:\n      '1.(A 比 B)': ~\n", "judgments.map.yaml"
    )
    found = []
    for error, call in (
        (SpecError, lambda: load_spec(project)),
        (TreeError, lambda: load_tree(tree_path)),
        (DataError, lambda: load_map(survey_map)),
        (DataError, lambda: read_judgment_map(judgment_map, load_tree(ROOT_TREE))),
    ):
        with pytest.raises(error) as info:
            call()
        (issue,) = [i for i in info.value.issues if i.found]
        assert issue.location.line is not None and issue.message_zh, issue
        found.append((issue.found, issue.found_zh))
    assert found == [("an empty value", "空值")] * 4

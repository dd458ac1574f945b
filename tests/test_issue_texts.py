"""Every problem evalkit files can reach a Chinese report or issue list, so each is written in both
languages: a static look at every place in the source that makes an Issue, and the issues some of
them make, checked for their Chinese texts."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import numpy as np
import pandas as pd

from evalkit.analysis.reliability import reliability_report
from evalkit.errors import Issue, IssueLog, Location, issues_frame, show
from evalkit.tree import load_tree

SRC = Path(__file__).resolve().parents[1] / "src" / "evalkit"
ROOT = SRC.parents[1]
CJK = re.compile(r"[\u4e00-\u9fff]")


def _literals(node: ast.expr) -> list[str]:
    """The literal text of a string expression (not the keys and names inside its {fields})."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return [v.value for v in node.values if isinstance(v, ast.Constant)]
    if isinstance(node, ast.BinOp):
        return _literals(node.left) + _literals(node.right)
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    return []


def _words_of(node: ast.expr) -> bool:
    """Whether an expression's literal text holds English words (3+ lowercase letters)."""
    return any(re.search(r"[a-z]{3,}", p) for p in _literals(node))


def _yaml_literal(node: ast.expr) -> bool:
    """Whether an expected value is written as YAML (``{zh: ..., en: ...}``, ``tree: x.yaml``,
    ``best > worst``, ``data.experts``, ``true | false``): it reads the same in both languages."""
    text = "".join(_literals(node))
    return bool(re.search(r"[{\[]|: | [<>] |^\w+(\.\w+)+$|^\S+( \| \S+)+$", text))


def _is_log(f: ast.expr) -> bool:
    """``log.add`` / ``log.warn``, also on an attribute (``self.log.add``, ``ctx.log.warn``)."""
    if not (isinstance(f, ast.Attribute) and f.attr in ("add", "warn")):
        return False
    owner = f.value
    return (isinstance(owner, ast.Name) and owner.id == "log") or (
        isinstance(owner, ast.Attribute) and owner.attr == "log"
    )


def _yaml_args(call: ast.Call) -> dict[str, ast.expr] | None:
    """The texts of a YAML problem filed through yamlio.YamlProblems, called ``err``: ``err(obj,
    key, message, expected, found, fix, zh=...)``, or the tree's ``c.err(obj, key, path, message,
    ...)``; None for any other call."""
    f = call.func
    if isinstance(f, ast.Name) and f.id == "err":
        first = 2
    elif isinstance(f, ast.Attribute) and f.attr == "err":
        first = 3
    else:
        return None
    named = dict(zip(("message", "expected", "found", "fix"), call.args[first:], strict=False))
    return named | {k.arg: k.value for k in call.keywords if k.arg}


def _problems(path: Path, base: Path = SRC) -> list[str]:
    """Issue(...), IssueLog add/warn and YAML-problem calls without the Chinese of what they give
    in English."""
    out = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call):
            continue
        where = f"{path.relative_to(base)}:{call.lineno}"
        yaml_kw = _yaml_args(call)
        if yaml_kw is not None:
            if "zh" not in yaml_kw and not any(k.arg is None for k in call.keywords):
                out.append(f"{where}: no zh")
            for name in ("expected", "fix"):
                text = yaml_kw.get(name)
                if text is None or f"{name}_zh" in yaml_kw:
                    continue
                if _words_of(text) and not (name == "expected" and _yaml_literal(text)):
                    out.append(f"{where}: {name} without {name}_zh")
            continue
        f = call.func
        is_issue = isinstance(f, ast.Name) and f.id == "Issue"
        if not (is_issue or _is_log(f)):
            continue
        kw = {k.arg: k.value for k in call.keywords if k.arg}
        if len(call.args) > 2:
            out.append(f"{where}: expected/found given by position")
        if any(k.arg is None for k in call.keywords):
            continue  # **kwargs: checked where they are made
        if "message_zh" not in kw:
            out.append(f"{where}: no message_zh")
        for name in ("expected", "fix"):
            if name in kw and _words_of(kw[name]) and f"{name}_zh" not in kw:
                out.append(f"{where}: {name} without {name}_zh")
        found = kw.get("found")
        if found is not None and "found_zh" not in kw:
            called = isinstance(found, ast.Call) and getattr(found.func, "id", "") == "show"
            if called or _words_of(found):
                out.append(f"{where}: found holds words but no found_zh")
    return out


def test_every_issue_is_made_in_both_languages() -> None:
    files = list(SRC.rglob("*.py"))
    problems = [p for f in files for p in _problems(f)]
    assert problems == []


def test_the_checker_sees_a_site_without_chinese(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "log.add(loc, 'a problem', expected='a number', found=show(v), fix='Correct the cell.')\n"
        "log.add(loc, 'x', '1', repr(v), message_zh='x')\n"
        "self.log.warn(loc, 'a warning')\n"
        "err(raw, 'key', 'a problem', 'a number', v, zh='问题')\n"
        "c.err(raw, 'key', 'goal', 'a problem', '{zh: ..., en: ...}', v, 'Write it.', zh='问题')\n"
        "err(raw, 'key', 'a problem', 'best > worst')\n"
        "err(raw, 'key', 'a problem', 'true | false', zh='问题')\n",
        encoding="utf-8",
    )
    assert _problems(bad, tmp_path) == [
        "bad.py:1: no message_zh",
        "bad.py:1: expected without expected_zh",
        "bad.py:1: fix without fix_zh",
        "bad.py:1: found holds words but no found_zh",
        "bad.py:2: expected/found given by position",
        "bad.py:3: no message_zh",
        "bad.py:4: expected without expected_zh",
        "bad.py:5: fix without fix_zh",
        "bad.py:6: no zh",
    ]


def test_issue_texts_by_language() -> None:
    issue = Issue(
        Location(file="f.xlsx", row=3),
        "empty station",
        expected="a station name",
        found=show(None),
        fix="Fill it.",
        message_zh="派出所为空",
        expected_zh="派出所名称",
        found_zh=show(None, "zh"),
        fix_zh="请填写。",
        district="东湖区",
    )
    assert issue.texts("en") == ("empty station", "a station name", "an empty cell", "Fill it.")
    assert issue.texts("zh") == ("派出所为空", "派出所名称", "空单元格", "请填写。")
    frame = issues_frame([issue], "zh")
    assert frame.loc[0, "district"] == "东湖区" and frame.loc[0, "fix"] == "请填写。"
    # a value reads the same in both languages
    value = Issue(Location(), "bad value", found="'x'", message_zh="取值错误")
    assert value.texts("zh")[2] == "'x'"
    log = IssueLog()
    log.add(Location(), "m", message_zh="问题", district="西山区")
    assert log.issues[0].district == "西山区"


def test_reliability_warnings_name_dimensions_in_chinese() -> None:
    tree = load_tree(ROOT / "indicators" / "community_policing.yaml")
    items = [i.id for _, i in tree.items()]
    rng = np.random.default_rng(7)
    noise = pd.DataFrame(rng.integers(1, 6, size=(60, len(items))).astype(float), columns=items)
    issues = reliability_report(tree, noise).issues
    assert issues, "random answers are neither consistent nor suited to factor analysis"
    ids = {n.id for n in tree.nodes()}
    for i in issues:
        message, expected, found, _ = i.texts("zh")
        assert CJK.search(message), message
        assert not any(re.search(rf"\b{re.escape(x)}\b", message + found) for x in ids), message
        assert bool(expected) == bool(i.expected) and bool(found) == bool(i.found)
    kmo = [i for i in issues if "KMO" in i.expected]
    assert [i.texts("zh")[0] for i in kmo] == ["问卷题目不适合做因子分析"]
    dims = {d.name["zh"] for d in tree.dimensions}
    named = {m.group(1) for i in issues if (m := re.match(r"“(.+?)”", i.message_zh))}
    assert named and named <= dims | {"全部问卷题目"}

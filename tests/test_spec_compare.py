"""``scoring.compare`` in the project file: a list of known aggregators, checked at its line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from evalkit.errors import SpecError
from evalkit.spec import load_spec

CJK = re.compile(r"[\u4e00-\u9fff]")
COMPARE = "  compare: [geometric, topsis, grey_relational, fuzzy]"


def _set(project: Path, line: str) -> Path:
    spec = project / "evalkit.yaml"
    text = spec.read_text(encoding="utf-8")
    assert COMPARE in text
    spec.write_text(text.replace(COMPARE, line, 1), encoding="utf-8")
    return spec


def _line(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(k for k, t in enumerate(lines, start=1) if text in t)


def test_the_example_compares_four_methods(project: Path) -> None:
    s = load_spec(project).scoring
    assert s.method == "weighted_sum"
    assert s.compare == ("geometric", "topsis", "grey_relational", "fuzzy")


def test_absent_compare_is_empty(project: Path) -> None:
    _set(project, "")
    assert load_spec(project).scoring.compare == ()


def test_headline_and_repeats_are_dropped(project: Path) -> None:
    _set(project, "  compare: [topsis, weighted_sum, topsis]")
    assert load_spec(project).scoring.compare == ("topsis",)


def test_unknown_aggregator_in_compare_is_an_error_at_its_line(project: Path) -> None:
    spec = _set(project, "  compare: [topsis, harmonic]")
    with pytest.raises(SpecError) as exc:
        load_spec(project)
    (issue,) = exc.value.issues
    assert issue.location.line == _line(spec, "compare:")
    assert issue.message == "unknown aggregator in scoring.compare"
    assert "harmonic" in issue.found and issue.fix == ""
    assert "grey_relational" in issue.expected and CJK.search(issue.message_zh)


def test_misspelt_aggregator_in_compare_says_which_was_meant(project: Path) -> None:
    _set(project, "  compare: [topsys]")
    with pytest.raises(SpecError) as exc:
        load_spec(project)
    (issue,) = exc.value.issues
    assert issue.fix == "Did you mean `topsis`?" and "topsis" in issue.fix_zh


def test_a_text_where_a_list_belongs_says_to_use_brackets(project: Path) -> None:
    spec = _set(project, "  compare: topsis")
    with pytest.raises(SpecError) as exc:
        load_spec(project)
    (issue,) = exc.value.issues
    assert issue.location.line == _line(spec, "compare:")
    assert "must be a list" in issue.message and "brackets" in issue.fix
    assert CJK.search(issue.message_zh) and CJK.search(issue.fix_zh)


def test_misspelt_compare_is_an_unknown_key(project: Path) -> None:
    spec = _set(project, "  compair: [topsis]")
    with pytest.raises(SpecError) as exc:
        load_spec(project)
    (issue,) = exc.value.issues
    assert issue.location.line == _line(spec, "compair:")
    assert "compare" in str(issue)

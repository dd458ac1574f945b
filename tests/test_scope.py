"""The study's scope from the project file (``scope: province | city | district``): the words
reports use where they speak of the whole study ("全省均值" was printed for a city study)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from evalkit.errors import SpecError
from evalkit.pipeline import evaluate
from evalkit.spec import SCOPES, load_spec

CJK = re.compile(r"[\u4e00-\u9fff]")


def _scope(project: Path, line: str | None) -> Path:
    spec = project / "evalkit.yaml"
    text = spec.read_text(encoding="utf-8")
    text = re.sub(r"^scope:.*\n", "" if line is None else line + "\n", text, flags=re.M)
    spec.write_text(text, encoding="utf-8")
    return spec


def test_scope_defaults_to_the_province(project: Path) -> None:
    _scope(project, None)
    spec = load_spec(project)
    assert spec.scope == "province"
    assert (spec.scope_word("zh"), spec.scope_word("en")) == ("全省", "province")


@pytest.mark.parametrize(
    ("given", "scope", "zh", "en"),
    [
        ("city", "city", "全市", "city"),
        ("district", "district", "全区县", "district-wide"),
        ("全市", "city", "全市", "city"),
        ("全区县", "district", "全区县", "district-wide"),
        ("province", "province", "全省", "province"),
    ],
)
def test_scope_and_its_words(project: Path, given: str, scope: str, zh: str, en: str) -> None:
    _scope(project, f"scope: {given}")
    spec = load_spec(project)
    assert spec.scope == scope
    assert (spec.scope_word("zh"), spec.scope_word("en")) == (zh, en)
    assert SCOPES[scope] == {"zh": zh, "en": en}


@pytest.mark.parametrize("given", ["town", "[city]", "yes"])
def test_unknown_scope_is_an_error_at_its_line(project: Path, given: str) -> None:
    spec = _scope(project, f"scope: {given}")
    with pytest.raises(SpecError) as exc:
        load_spec(project)
    (issue,) = exc.value.issues
    line = next(
        k for k, t in enumerate(spec.read_text("utf-8").splitlines(), 1) if t.startswith("scope:")
    )
    assert issue.location.line == line
    assert issue.message == "unknown scope"
    assert issue.expected == "province | city | district"
    assert CJK.search(issue.message_zh) and "全市" in issue.expected_zh
    assert issue.fix and CJK.search(issue.fix_zh)


def test_misspelt_scope_is_an_unknown_key_with_did_you_mean(project: Path) -> None:
    _scope(project, "scop: city")
    with pytest.raises(SpecError) as exc:
        load_spec(project)
    (issue,) = exc.value.issues
    assert issue.fix == "Did you mean `scope`?"


def test_the_evaluation_and_its_countermeasures_speak_of_the_city(project: Path) -> None:
    _scope(project, "scope: city")
    ev = evaluate(project)
    assert (ev.scope_word("zh"), ev.scope_word("en")) == ("全市", "city")
    triggers = ev.analysis("actions").triggers
    assert triggers["text_zh"].str.contains("全市均值").all()
    assert not triggers["text_zh"].str.contains("全省").any()
    assert triggers["text_en"].str.contains("city mean").all()

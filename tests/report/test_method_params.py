"""The methodology appendix says where AHP and objective weights are combined and why the default
was chosen (issue: objective weights that survive ties)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from evalkit.pipeline import evaluate
from evalkit.report.sections import KeyValues, find
from evalkit.report.tables import district_report, load_rules
from evalkit.spec import load_spec

ROOT = Path(__file__).resolve().parents[2]


def _method_rows(level: str, lang: str) -> dict[str, str]:
    spec = load_spec(ROOT)
    spec = dataclasses.replace(spec, weights=dataclasses.replace(spec.weights, combine_level=level))
    ev = evaluate(spec)
    model = district_report(ev, "东湖区", lang, load_rules(ev))
    section = find(model.sections, "method_params")
    assert section is not None
    (kv,) = [b for b in section.blocks if isinstance(b, KeyValues)]
    return {row.label: str(row.value) for row in kv.rows}


@pytest.mark.parametrize(
    ("level", "lang", "label", "words"),
    [
        ("node", "zh", "组合层级", "逐节点组合（默认）"),
        ("node", "en", "Level of combination", "at every node (the default)"),
        ("global", "en", "Level of combination", "combine_level: global"),
    ],
)
def test_the_level_of_combination_is_stated_with_its_reason(
    level: str, lang: str, label: str, words: str
) -> None:
    rows = _method_rows(level, lang)
    assert words in rows[label]

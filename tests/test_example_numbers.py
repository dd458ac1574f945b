"""The shipped example's numbers, pinned: a change of structure must not change a score.

``tests/data/example_numbers.json`` holds the districts, stations, weights and every node's score
of the example project. When a method is changed on purpose, regenerate it with
``python tests/data/make_example_numbers.py`` and say why in the commit.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

import evalkit

ROOT = Path(__file__).resolve().parents[1]


def _same(a: object, b: object, where: str) -> None:
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            assert a is None and b is None, where
            return
        assert math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9), (where, a, b)
    else:
        assert a == b, (where, a, b)


@pytest.fixture(scope="module")
def numbers() -> dict:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "make_example_numbers", ROOT / "tests" / "data" / "make_example_numbers.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.example_numbers(evalkit.evaluate(ROOT))


def test_example_numbers_unchanged(numbers: dict) -> None:
    pinned = json.loads((ROOT / "tests" / "data" / "example_numbers.json").read_text("utf-8"))
    assert set(numbers) == set(pinned)
    for table, rows in pinned.items():
        assert len(numbers[table]) == len(rows), table
        for i, (got, want) in enumerate(zip(numbers[table], rows, strict=True)):
            assert set(got) == set(want), (table, i)
            for key in want:
                _same(got[key], want[key], f"{table}[{i}].{key}")

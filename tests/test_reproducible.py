"""Property tests draw the same examples on every machine unless a developer opts in to random ones."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent

# a property test run the way pytest runs ours: conftest's profile first, then @settings/@given
DRAW = f"""
import importlib.util, sys
spec = importlib.util.spec_from_file_location("conftest", {str(TESTS / "conftest.py")!r})
spec.loader.exec_module(importlib.util.module_from_spec(spec))
from hypothesis import given, settings, strategies as st
seen = []

@settings(max_examples=20)
@given(st.floats(-1e6, 1e6), st.integers())
def prop(x, n):
    seen.append((x, n))

prop()
print(settings.default.derandomize, settings.default.database, seen)
"""


def _draw(tmp: Path, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in ("CI", "HYPOTHESIS_PROFILE")}
    out = subprocess.run(
        [sys.executable, "-c", DRAW],
        cwd=tmp,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout


def test_property_examples_are_the_same_on_every_run_without_ci(tmp_path: Path) -> None:
    first = _draw(tmp_path)
    assert first.startswith("True None ")  # derandomised, no example database read or written
    assert _draw(tmp_path) == first
    assert _draw(tmp_path, CI="true") == first
    assert not (tmp_path / ".hypothesis").exists()


def test_explore_profile_draws_new_examples(tmp_path: Path) -> None:
    runs = {_draw(tmp_path, HYPOTHESIS_PROFILE="explore") for _ in range(2)}
    assert all(r.startswith("False ") for r in runs)
    assert len(runs) == 2

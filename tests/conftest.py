"""Shared fixtures: the shipped example project and copies of it to break."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests run on a fixed sequence of examples on every machine (derandomised: the examples
# follow from each test's code, no example database is read or written), so a run that passes here
# passes in CI and on a user's machine. To look for new failing examples, opt in to random ones:
#   HYPOTHESIS_PROFILE=explore python -m pytest tests/weights
# (or `python -m pytest --hypothesis-profile=explore`); a failure prints the example to keep as a
# regression test.
settings.register_profile("repro", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("ci", parent=settings.get_profile("repro"))
settings.register_profile("explore", deadline=None, print_blob=True, max_examples=500)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repro"))

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """A copy of the shipped example project (evalkit.yaml, indicators/, surveys/)."""
    dst = tmp_path / "project"
    dst.mkdir()
    shutil.copyfile(ROOT / "evalkit.yaml", dst / "evalkit.yaml")
    shutil.copytree(ROOT / "indicators", dst / "indicators")
    shutil.copytree(ROOT / "surveys", dst / "surveys")
    return dst


@pytest.fixture()
def old_project(tmp_path: Path) -> Path:
    """A copy of the example project as it was before the default tree was revised (the tree with
    its three known overlaps, its recommendations and its example data: tests/data/old_tree)."""
    dst = tmp_path / "old_project"
    shutil.copytree(ROOT / "tests" / "data" / "old_tree", dst)
    return dst

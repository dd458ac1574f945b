"""Shared fixtures: the shipped example project and copies of it to break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

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

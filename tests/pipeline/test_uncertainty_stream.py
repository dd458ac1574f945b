"""The streamed sensitivity design gives the numbers of storing every run.

tests/data/uncertainty_reference/ holds the example's uncertainty tables (1,000 draws, the project
file's seed) as the analysis gave them when it kept every run's outputs; the streamed analysis
must equal them to 1e-12, in one block per factor and in many small blocks.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evalkit.analysis.sensitivity import SobolStream, ishigami, saltelli_matrices, sobol_indices
from evalkit.pipeline import evaluate
from evalkit.pipeline import uncertainty_stream as stream

ROOT = Path(__file__).resolve().parents[2]
REF = ROOT / "tests" / "data" / "uncertainty_reference"


@pytest.fixture(scope="module")
def example_ev(tmp_path_factory: pytest.TempPathFactory):
    dst = tmp_path_factory.mktemp("stream") / "project"
    dst.mkdir()
    shutil.copyfile(ROOT / "evalkit.yaml", dst / "evalkit.yaml")
    shutil.copytree(ROOT / "indicators", dst / "indicators")
    shutil.copytree(ROOT / "surveys", dst / "surveys")
    return evaluate(dst)


def _same(new: pd.DataFrame, name: str) -> None:
    ref = pd.read_csv(REF / f"{name}.csv", keep_default_na=False, na_values=[""])
    assert list(new.columns) == list(ref.columns)
    assert len(new) == len(ref)
    for col in ref.columns:
        if pd.api.types.is_numeric_dtype(ref[col]) and ref[col].dtype != bool:
            a, b = new[col].to_numpy(float), ref[col].to_numpy(float)
            assert np.array_equal(np.isnan(a), np.isnan(b)), col
            ok = ~np.isnan(b)
            assert np.max(np.abs(a[ok] - b[ok]), initial=0.0) <= 1e-12, col
        else:
            want = ref[col].fillna("").astype(str).tolist()
            assert new[col].fillna("").astype(str).tolist() == want, col


def test_streamed_uncertainty_equals_the_stored_runs_tables(example_ev) -> None:
    u = example_ev.analysis("uncertainty")
    assert u.draws == 1000
    _same(u.units, "units")
    _same(u.sensitivity, "sensitivity")


def test_streamed_in_small_blocks_equals_one_block(example_ev, monkeypatch) -> None:
    """Blocks of 37 draws (the last one shorter): the sums only, added in another order."""
    from evalkit.pipeline.uncertainty import monte_carlo

    whole = monte_carlo(example_ev)
    monkeypatch.setattr(stream, "BLOCK_BYTES", 37 * 2 * 4 * 40)  # 40 units: 37 draws a block
    assert stream.block_rows(1000, 40) == 37
    blocks = monte_carlo(example_ev)
    a = whole.sensitivity[["first_order", "total"]].to_numpy()
    b = blocks.sensitivity[["first_order", "total"]].to_numpy()
    # another batch of runs may round a float32 total differently in its last bit
    assert np.nanmax(np.abs(a - b)) < 1e-4
    pd.testing.assert_frame_equal(whole.units, blocks.units)


def test_sobol_stream_in_blocks_equals_the_whole_sums() -> None:
    rng = np.random.default_rng(3)
    a = rng.uniform(-np.pi, np.pi, (4000, 3))
    b = rng.uniform(-np.pi, np.pi, (4000, 3))
    f_ab = ishigami(saltelli_matrices(a, b))
    whole = sobol_indices(ishigami(a), ishigami(b), f_ab)
    s = SobolStream(ishigami(a), ishigami(b), 3)
    for i in range(3):
        for start in range(0, 4000, 999):
            s.add(i, f_ab[i, start : start + 999], start)
    parts = s.indices()
    np.testing.assert_allclose(parts.first_order, whole.first_order, rtol=0, atol=1e-12)
    np.testing.assert_allclose(parts.total, whole.total, rtol=0, atol=1e-12)


def test_sobol_stream_refuses_a_factor_with_rows_missing() -> None:
    s = SobolStream(np.zeros(10), np.ones(10), 2)
    s.add(0, np.zeros(10))
    s.add(1, np.zeros(4))
    with pytest.raises(ValueError, match="10 rows"):
        s.indices()

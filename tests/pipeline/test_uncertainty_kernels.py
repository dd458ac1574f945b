"""The uncertainty analysis' fast kernels against the straightforward computations they replace.

- bootstrap draw sums per station (``station_draw_sums``: draw counts times values, block by
  block of like-sized stations) against adding draw by draw;
- the collapsed products of ``uncertainty_fast`` against the level-by-level reference model;
- the planned kernels: a run's total and ranks do not depend on the runs it is evaluated beside
  (chunks, other factors' runs), and a run ``same_as`` A's gives A's numbers to the last bit;
- ``SobolStream`` on float32 outputs centred row by row against centring them all at once.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from evalkit import system
from evalkit.analysis.sensitivity import SobolStream
from evalkit.pipeline import evaluate_prepared, prepare
from evalkit.pipeline import uncertainty_fast as fast
from evalkit.pipeline.uncertainty_model import (
    METHOD_FAMILIES,
    OBJECTIVES,
    Runs,
    _exact_dtype,
    _station_draw_sums_sparse,
    build_model,
    run,
    station_draw_sums,
)

ROOT = Path(__file__).resolve().parents[2]


def _draws(counts: np.ndarray, r: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    station_of = np.repeat(np.arange(len(counts)), counts)
    pick = np.random.default_rng(seed).integers(0, counts[station_of], size=(r, counts.sum()))
    return starts, pick


def _sums_by_draw(pick: np.ndarray, starts: np.ndarray, counts: np.ndarray, v: np.ndarray):
    """Straightforward: every draw's officer's values added to its (replicate, station)."""
    r, n = pick.shape
    station_of = np.repeat(np.arange(len(counts)), counts)
    officer = starts[station_of][None, :] + pick  # (r, n)
    out = np.zeros((r, len(counts), v.shape[1]))
    k = np.repeat(np.arange(r), n)
    np.add.at(out, (k, np.tile(station_of, r)), v[officer.ravel()])
    return out


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_station_draw_sums_equal_adding_draw_by_draw(dtype, monkeypatch) -> None:
    """Stations of 1 to 40 officers (blocks of like sizes, several blocks: a small chunk size),
    Likert answers with blanks as 0 and the answered-cell flags: the sums of every replicate and
    station equal adding the drawn officers' values one by one, in float32 and in float64."""
    rng = np.random.default_rng(11)
    counts = rng.integers(1, 41, 60)
    starts, pick = _draws(counts, 7, 3)
    answers = rng.integers(1, 6, (counts.sum(), 4)).astype(float)
    answers[rng.random(answers.shape) < 0.1] = 0.0
    values = np.c_[answers, answers > 0]
    padded = np.vstack([values, np.zeros((1, values.shape[1]))]).astype(dtype)
    monkeypatch.setattr(system, "CHUNK_BYTES", 4000)  # blocks of a few stations
    got = np.full((7, len(counts), values.shape[1]), np.nan)
    blocks = 0
    for sts, block in station_draw_sums(pick.astype(np.int32), starts, counts, padded):
        assert block.dtype == dtype
        got[:, sts] = block.transpose(1, 0, 2)
        blocks += 1
    assert blocks > 5
    np.testing.assert_array_equal(got, _sums_by_draw(pick, starts, counts, values))
    sparse = _station_draw_sums_sparse(pick, starts, counts, values)
    np.testing.assert_array_equal(got, sparse)


def test_exact_dtype_chooses_what_holds_every_sum() -> None:
    whole = [np.array([1.0, np.nan]), np.array([5.0, 3.0])]
    assert _exact_dtype(whole, 60) is np.float32
    assert _exact_dtype(whole, 2**23) is np.float64  # 5 * 2**23 is past float32's 2**24
    assert _exact_dtype([c / 4 for c in whole], 60) is np.float64  # quarters: binary fractions
    assert _exact_dtype([c / 10 for c in whole], 60) is None  # tenths: sums depend on order
    assert _exact_dtype([np.array([np.inf])], 2) is None


@pytest.fixture(scope="module")
def example_prepared(tmp_path_factory: pytest.TempPathFactory):
    dst = tmp_path_factory.mktemp("kernels_p") / "project"
    dst.mkdir()
    shutil.copyfile(ROOT / "evalkit.yaml", dst / "evalkit.yaml")
    shutil.copytree(ROOT / "indicators", dst / "indicators")
    shutil.copytree(ROOT / "surveys", dst / "surveys")
    return prepare(dst)


def test_replicate_values_in_blocks_threads_or_one_sparse_product(example_prepared, monkeypatch):
    """The example's bootstrap replicates: blocks of like-sized stations in chunks of 3
    replicates in two threads, and the sparse product taken when sums could depend on their
    order, give the same values to the last bit."""
    from evalkit.pipeline import uncertainty_model as um

    blocks = um._replicate_values(example_prepared, 9, 17)
    monkeypatch.setattr(system, "CHUNK_BYTES", 3 * 40 * 46 * 4 // 4)  # buffers of 3 replicates
    threaded = um._replicate_values(example_prepared, 9, 17, threads=2)
    monkeypatch.setattr(um, "_exact_dtype", lambda cols, count: None)
    sparse = um._replicate_values(example_prepared, 9, 17)
    for a, b, c in zip(blocks, threaded, sparse, strict=True):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(a, c)
    assert not np.array_equal(blocks[0][1], blocks[0][2])  # replicates differ


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory):
    dst = tmp_path_factory.mktemp("kernels") / "project"
    dst.mkdir()
    shutil.copyfile(ROOT / "evalkit.yaml", dst / "evalkit.yaml")
    shutil.copytree(ROOT / "indicators", dst / "indicators")
    shutil.copytree(ROOT / "surveys", dst / "surveys")
    p = prepare(dst)
    ev = evaluate_prepared(p)
    model = build_model(p, ev.weights.spec, replicates=6, seed=4, respondents=True, experts=True)
    return model, fast.tables(model, minmax=True, geometric=True)


def _random_runs(model, c: int, seed: int, goalposts: bool = True) -> Runs:
    rng = np.random.default_rng(seed)
    leaves = len(model.worst)
    shift = rng.uniform(-0.1, 0.1, (c, 2, leaves)) if goalposts else np.zeros((c, 2, leaves))
    shift[:, :, model.survey_leaf] = 0.0
    return Runs(
        resp=rng.integers(0, model.station_values.shape[0], c),
        expert=rng.integers(0, model.ahp.shape[0], c),
        family=rng.integers(0, 4, c),  # combined, ahp, objective, equal
        objective=rng.integers(0, 3, c),
        alpha=rng.random(c),
        level=rng.integers(0, 2, c),
        leave_out=rng.integers(-1, leaves, c),
        norm=rng.integers(0, 2, c),
        agg=rng.integers(0, 2, c),
        shift=shift,
        rule=rng.integers(0, 2, c),
    )


def test_fast_path_equals_the_level_by_level_model(example) -> None:
    """300 runs drawing every choice (families, objective methods, alpha, level of combination,
    a left-out indicator, replicates, goalposts or min-max, sum or geometric mean, level rule):
    the collapsed products give the reference model's totals (to float32's precision), ranks
    in the order of the reference totals and the same levels away from a cutoff."""
    model, t = example
    runs = _random_runs(model, 300, 1)
    assert {METHOD_FAMILIES[f] for f in runs.family} == {"combined", "ahp", "objective", "equal"}
    assert {OBJECTIVES[o] for o in runs.objective} == {"entropy", "critic", "std"}
    ref = run(model, runs, has_judgments=True)
    got = fast.evaluate(
        model, t, fast.plan(model, t, runs, has_judgments=True), has_judgments=True, levels=True
    )
    np.testing.assert_allclose(got.total, ref.total, rtol=0, atol=2e-4)
    s = model.station_values.shape[1]
    for cols in (np.flatnonzero(model.shown), np.arange(s, model.n_units)):
        order = np.argsort(got.rank[:, cols], axis=1)  # units from first to last, per run
        ordered = np.take_along_axis(ref.total[:, cols], order, axis=1)
        assert (np.diff(ordered, axis=1) <= 2e-4).all()  # non-increasing up to float32 rounding
    near = np.abs(ref.total[..., None] - model.cutoffs[None, None, 1:]).min(axis=-1) < 1e-3
    np.testing.assert_array_equal(got.level[~near], ref.level[~near])


@pytest.mark.parametrize(("goalposts", "runs"), [(True, 7), (False, 7), (False, 1)])
def test_a_runs_numbers_do_not_depend_on_the_runs_beside_it(
    example, monkeypatch, goalposts: bool, runs: int
) -> None:
    """Two factors' designs evaluated each on its own in one chunk, and together in chunks of 7
    runs (or 1) in two threads: every total, rank, in-district rank and level to the last bit
    (each run's products by the kernels its design on its own takes); with goalposts drawn
    (every run its own) and without (runs share them: rows of matrix products, also for a run
    alone in its chunk)."""
    model, t = example
    d1, d2 = _random_runs(model, 120, 2, goalposts), _random_runs(model, 90, 3, goalposts)
    p1, p2 = (fast.plan(model, t, d, has_judgments=True) for d in (d1, d2))
    alone = [fast.evaluate(model, t, p, has_judgments=True, levels=True) for p in (p1, p2)]
    monkeypatch.setattr(system, "CHUNK_BYTES", runs * 8 * model.n_units * 6)
    both = fast.evaluate(
        model, t, fast.Planned.concat([p1, p2]), has_judgments=True, levels=True, threads=2
    )
    for key in ("total", "rank", "rank_in_district", "level"):
        want = np.concatenate([getattr(a, key) for a in alone])
        np.testing.assert_array_equal(getattr(both, key), want)


def test_runs_same_as_a_give_as_numbers(example) -> None:
    """A design whose factor often changes nothing (the objective method: irrelevant to AHP and
    equal-weights runs, or drawn the same): the rows planned ``same_as`` A's have A's totals and
    ranks to the last bit, so they add nothing to the sensitivity sums; the others differ."""
    model, t = example
    a = _random_runs(model, 200, 5)
    ab = Runs(**{**a.__dict__, "objective": np.random.default_rng(6).integers(0, 3, 200)})
    pa, pab = (fast.plan(model, t, r, has_judgments=True) for r in (a, ab))
    same = pab.same_as(pa)
    assert 0.4 < same.mean() < 0.9
    ea, eab = (fast.evaluate(model, t, p, has_judgments=True, levels=False) for p in (pa, pab))
    np.testing.assert_array_equal(eab.total[same], ea.total[same])
    np.testing.assert_array_equal(eab.rank[same], ea.rank[same])
    assert (eab.total[~same] != ea.total[~same]).any(axis=1).all()


def test_sobol_stream_of_float32_outputs_equals_centring_them_all_at_once(monkeypatch) -> None:
    """float32 outputs kept as they are and centred in float64 row by row (outputs in blocks):
    the sums of the estimators as centring all of f(A) and f(B) in float64 first."""
    rng = np.random.default_rng(8)
    f_a, f_b = (rng.normal(60, 5, (50, 30)).astype(np.float32) for _ in range(2))
    f_ab = rng.normal(60, 5, (50, 30)).astype(np.float32)
    monkeypatch.setattr("evalkit.analysis.sensitivity._BLOCK_BYTES", 8 * 100 * 7)  # 7 outputs
    s = SobolStream(f_a, f_b, 1)
    rows = np.array([3, 9, 10, 41])
    s.add_sums(0, s.sums(f_ab[rows], rows), len(rows))
    s.same(0, 50 - len(rows))
    a64, b64 = f_a.astype(float), f_b.astype(float)
    both = np.concatenate([a64, b64])
    centre = both.mean(axis=0)
    np.testing.assert_array_equal(s.centre, centre)
    np.testing.assert_array_equal(s.variance, both.var(axis=0))
    d = (f_ab[rows].astype(float) - centre) - (a64[rows] - centre)
    np.testing.assert_allclose(s.num1[0], ((b64[rows] - centre) * d).sum(axis=0), rtol=1e-12)
    np.testing.assert_allclose(s.numt[0], (d * d).sum(axis=0), rtol=1e-12)
    assert s.indices().first_order.shape == (1, 30)


def test_ranks_in_groups_equal_one_sort_of_the_keys_row_by_row() -> None:
    """In-district ranks (a stable sort first, rows with ties sorted again): those of the one
    sort of (district, score) keys the analysis has always made, on 400 runs of 300 stations in
    25 districts with scores tied in a district, scores the key rounds alike (below 50 the
    key's 100 - score rounds in float32), missing scores and stations not shown."""
    rng = np.random.default_rng(13)
    runs, units = 400, 330
    groups = np.r_[np.sort(rng.integers(0, 25, 300)), np.full(30, 25)]  # 30 districts last
    valid = np.r_[rng.random(300) > 0.05, np.zeros(30, bool)]
    values = rng.uniform(20, 95, (runs, units)).astype(np.float32)
    values[rng.random(values.shape) < 0.01] = np.nan
    tied = rng.random(runs) < 0.2  # a fifth of the runs: a station scores as its neighbour
    values[tied, 12] = values[tied, 13]  # stations 12, 13: district 1, both shown
    close = rng.random(runs) < 0.2  # another fifth: two scores one float32 step apart near 30
    values[close, 39] = np.float32(30.0)  # stations 39, 40: district 3, both shown
    values[close, 40] = np.nextafter(np.float32(30.0), np.float32(31.0))
    assert (groups[[12, 13]] == 1).all() and (groups[[39, 40]] == 3).all()
    assert valid[[12, 13, 39, 40]].all()
    ok = valid[None, :] & ~np.isnan(values)
    key = groups[None, :] * 1000.0 + np.where(ok, 100.0 - values, 999.0)
    pos = np.argsort(np.argsort(key, axis=1), axis=1)  # each unit's place in its row's sort
    start = np.searchsorted(np.sort(groups), groups)
    want = np.where(ok, (pos - start + 1).astype(np.float32), np.nan)
    got = fast.ranks_in_groups(values, groups, valid)
    np.testing.assert_array_equal(got, want)
    assert np.isnan(got[:, ~valid]).all() and np.nanmax(got) <= np.bincount(groups).max()

r"""The sensitivity design's runs evaluated block by block, their outputs summed, not kept.

Saltelli's design needs, besides the 2N runs of A and B (kept: they give the distributions),
N runs of every matrix :math:`A_B^{(i)}`. Those serve only the sums of the first-order (Saltelli
et al. 2010) and total (Jansen 1999) estimators, so each factor's runs are evaluated, in blocks
of draws, added to a :class:`~evalkit.analysis.sensitivity.SobolStream` per output and kind of
unit, and dropped: memory holds A and B and one block, however many factors vary. The numbers are
those of evaluating and storing every run first (the same runs, in the same batches).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from ..analysis.sensitivity import SobolStream, pooled_indices
from ..system import cores
from . import uncertainty_fast as fast
from .uncertainty_model import Model, Runs

#: Bytes one block of a factor's runs may take (totals and ranks as float32): a factor's N runs
#: are one block up to this, as many blocks as needed beyond it.
BLOCK_BYTES = 2**30

OUTPUTS = (("score", "total"), ("rank", "rank"))


def block_rows(draws: int, units: int) -> int:
    """Draws per block: all of them while a block stays under :data:`BLOCK_BYTES`."""
    per_run = max(1, units) * 4 * len(OUTPUTS)
    return max(1, min(draws, BLOCK_BYTES // per_run))


class Streams:
    """One :class:`SobolStream` per (output, kind of unit) of the A and B runs in *base*
    (rows 0..N-1 are A, N..2N-1 are B)."""

    def __init__(self, model: Model, base: fast.Result, n: int, k: int) -> None:
        s = model.station_values.shape[1]
        shown = np.r_[model.shown, np.ones(base.total.shape[1] - s, bool)]
        self.parts: list[tuple[str, str, str, np.ndarray, SobolStream]] = []
        for output, key in OUTPUTS if k else ():
            for kind, cols in (
                ("district", np.arange(s, len(shown))),
                ("station", np.flatnonzero(shown[:s])),
            ):
                if cols.size == 0:
                    continue
                f_all = getattr(base, key)[:, cols]
                f_all = np.nan_to_num(f_all)
                self.parts.append((output, kind, key, cols, SobolStream(f_all[:n], f_all[n:], k)))

    def add(self, i: int, out: fast.Result, start: int) -> None:
        """Rows start.. of factor i's runs."""
        for _, _, key, cols, stream in self.parts:
            stream.add(i, np.nan_to_num(getattr(out, key)[:, cols]), start)

    def table(self, names: list[str]) -> pd.DataFrame:
        """factor, first_order, total, output, unit_type: indices pooled over the units."""
        rows: list[dict[str, object]] = []
        for output, kind, _, _, stream in self.parts:
            s1, st = pooled_indices(stream.indices(), axis=-1)
            for f, a, b in zip(names, s1, st, strict=True):
                rows.append(
                    {"factor": f, "first_order": a, "total": b, "output": output, "unit_type": kind}
                )
        return pd.DataFrame(rows, columns=["factor", "first_order", "total", "output", "unit_type"])


def stream_factors(
    model: Model,
    streams: Streams,
    n: int,
    designs: list[Runs],
    evaluate: Callable[[Runs], fast.Result],
    threads: int | None = None,
) -> None:
    """Evaluate each factor's design (runs of A with that factor from B) block by block and add
    the outputs to *streams*. Factors are evaluated in *threads* threads (one per core by
    default; numpy's sorts, products and element-wise work run outside the interpreter lock):
    each block is the same computation whichever thread runs it, and the sums are added under a
    lock in any order, which changes them only by rounding in the last bits of a float64."""
    rows = block_rows(n, model.n_units)
    jobs = [(i, start) for i in range(len(designs)) for start in range(0, n, rows)]
    lock = threading.Lock()

    def one(job: tuple[int, int]) -> None:
        i, start = job
        sel = np.arange(start, min(n, start + rows))
        runs = designs[i]
        out = evaluate(runs if len(sel) == n else runs.take(sel))
        with lock:
            streams.add(i, out, start)

    workers = max(1, min(threads or cores(), len(jobs)))
    if workers == 1:
        for job in jobs:  # blocks of factors' draws (memory), each evaluated at once
            one(job)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for _ in pool.map(one, jobs):  # re-raises a block's error
            pass

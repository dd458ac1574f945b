r"""The sensitivity design's runs evaluated chunk by chunk, their outputs summed, not kept.

Saltelli's design needs, besides the 2N runs of A and B (kept: they give the distributions),
N runs of every matrix :math:`A_B^{(i)}`. Those serve only the sums of the first-order (Saltelli
et al. 2010) and total (Jansen 1999) estimators, :math:`\sum_j (f(B)_j - c)\, d_j` and
:math:`\sum_j d_j^2` with :math:`d_j = f(A_B^{(i)})_j - f(A)_j`. So:

- a run of :math:`A_B^{(i)}` whose evaluation is that of A's run of the same row to the last bit
  (the factor drawn from B changes nothing there: the objective method of an AHP run, the
  combination's alpha of an equal-weights run, the same aggregation drawn twice; see
  :meth:`~evalkit.pipeline.uncertainty_fast.Planned.same_as`) has :math:`d_j = 0` and adds
  nothing: it is counted, not evaluated (about two runs in five with the example's settings);
- the other runs are evaluated in chunks of draws, every factor's runs of a chunk together, so the
  statistics' scores of a goalpost draw (A's row, shared by every factor but the goalposts) are
  computed once for all of them; each chunk's sums are added to a
  :class:`~evalkit.analysis.sensitivity.SobolStream` per output and kind of unit, and the
  chunk's outputs dropped: memory holds A and B and a chunk or two, however many factors vary.

Chunks are evaluated in one thread per core (numpy's sorts, products and element-wise work run
outside the interpreter lock); their sums are added in the order of the chunks, so the numbers are
the same whatever the threads and the machine's load. They equal those of evaluating and storing
every run up to the order of the float64 sums: each run's total is computed by the kernels its
factor's runs evaluated on their own take (:class:`~evalkit.pipeline.uncertainty_fast.Kernels`),
to the last bit.
"""

from __future__ import annotations

from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np
import pandas as pd

from ..analysis.sensitivity import SobolStream, pooled_indices
from ..system import chunk, cores
from . import uncertainty_fast as fast
from .uncertainty_model import Model

OUTPUTS = (("score", "total"), ("rank", "rank"))


def block_rows(draws: int, units: int, runs_per_row: float = 1.0) -> int:
    """Draws per chunk: as many as keep a chunk's runs (*runs_per_row* a draw) within
    :data:`~evalkit.system.CHUNK_BYTES` of float64 sums."""
    runs = chunk(10**9, 8 * max(1, units))
    return max(1, min(draws, int(runs / max(runs_per_row, 1e-9))))


def _columns(a: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """``np.nan_to_num(a[:, cols])`` without copying what need not be: a view when *cols* are
    consecutive, NaN and infinities replaced only when there are any."""
    if cols.size and cols[-1] - cols[0] + 1 == cols.size and (np.diff(cols) == 1).all():
        out = a[:, cols[0] : cols[-1] + 1]
    else:
        out = a[:, cols]
    if out.size and not (np.isfinite(out.min()) and np.isfinite(out.max())):
        out = np.nan_to_num(out)
    return out


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
                f_all = _columns(getattr(base, key), cols)
                self.parts.append((output, kind, key, cols, SobolStream(f_all[:n], f_all[n:], k)))

    def add(self, i: int, out: fast.Result, start: int) -> None:
        """Rows start.. of factor i's runs."""
        for _, _, key, cols, stream in self.parts:
            stream.add(i, _columns(getattr(out, key), cols), start)

    def sums(self, out: fast.Result, span: slice, rows: np.ndarray) -> list:
        """Each stream's sums of the runs *span* of *out*, rows *rows* of one factor (any thread)."""
        return [
            stream.sums(_columns(getattr(out, key)[span], cols), rows)
            for _, _, key, cols, stream in self.parts
        ]

    def add_sums(self, i: int, sums: list, rows: int) -> None:
        for (*_, stream), s in zip(self.parts, sums, strict=True):
            stream.add_sums(i, s, rows)

    def same(self, i: int, rows: int) -> None:
        """*rows* runs of factor i that equal A's (they add nothing)."""
        for *_, stream in self.parts:
            stream.same(i, rows)

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
    t: fast.Tables,
    streams: Streams,
    a: fast.Planned,
    designs: list[fast.Planned],
    *,
    has_judgments: bool,
    threads: int | None = None,
) -> None:
    """Evaluate each factor's design (*designs*: the runs of A with that factor from B, planned as
    evaluated on their own; *a*: A's runs as planned in the A and B batch) chunk by chunk of
    draws and add the sums to *streams*; runs equal to A's are counted only. Chunks run in
    *threads* threads (one per core by default)."""
    n = len(a)
    todo = []
    for i, d in enumerate(designs):
        rows = np.flatnonzero(~d.same_as(a))
        streams.same(i, n - rows.size)
        todo.append(rows)
    if n == 0 or not designs:
        return
    rows_per_chunk = block_rows(n, model.n_units, sum(r.size for r in todo) / n)
    chunks = [(r0, min(n, r0 + rows_per_chunk)) for r0 in range(0, n, rows_per_chunk)]

    def one(chunk: tuple[int, int]) -> list[tuple[int, int, list]]:
        r0, r1 = chunk
        parts = []
        for i, rows in enumerate(todo):  # the factors (a handful), each its rows in the chunk
            sel = rows[np.searchsorted(rows, r0) : np.searchsorted(rows, r1)]
            if sel.size:
                parts.append((i, sel))
        if not parts:
            return []
        p = fast.Planned.concat([designs[i].take(sel) for i, sel in parts])
        out = fast.evaluate(model, t, p, has_judgments=has_judgments, levels=False)
        sums, pos = [], 0
        for i, sel in parts:
            sums.append((i, sel.size, streams.sums(out, slice(pos, pos + sel.size), sel)))
            pos += sel.size
        return sums

    workers = max(1, min(threads or cores(), len(chunks)))
    if workers == 1:
        for chunk in chunks:  # chunks of draws (memory), each evaluated at once
            for i, rows, s in one(chunk):
                streams.add_sums(i, s, rows)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending: deque[Future] = deque()
        for chunk in chunks:  # a few chunks submitted ahead; their sums wait, small
            pending.append(pool.submit(one, chunk))
            while len(pending) > 2 * workers:
                for i, rows, s in pending.popleft().result():  # in the chunks' order
                    streams.add_sums(i, s, rows)
        while pending:
            for i, rows, s in pending.popleft().result():
                streams.add_sums(i, s, rows)

"""Write tests/data/uncertainty_reference/ (run from the repository root): the example's
uncertainty tables computed by storing every run of the sensitivity design.

``tests/pipeline/test_uncertainty_stream.py`` checks that the streamed analysis (each factor's
runs summed block by block into a SobolStream, then dropped) gives these numbers to 1e-12. The
reference keeps the computation the stream replaced: every factor's N runs evaluated at once and
kept, then Saltelli's (2010) first-order and Jansen's (1999) total estimators computed from the
stored outputs in one pass, as ``evalkit.pipeline.uncertainty`` did before it streamed. Regenerate
only when the example's data, tree or settings change (the numbers then change with them), and
say why in the commit.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "data" / "uncertainty_reference"


def stored_sobol(
    f_a: np.ndarray, f_b: np.ndarray, f_ab: list[np.ndarray]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """S1 (Saltelli 2010), ST (Jansen 1999) and V from stored f(A), f(B) and every f(A_B^(i)),
    centred on the mean of f(A) and f(B) (NaN for an output that does not vary)."""
    f_a = np.asarray(f_a, dtype=float)
    f_b = np.asarray(f_b, dtype=float)
    both = np.concatenate([f_a, f_b], axis=0)
    centre = both.mean(axis=0)
    v = np.var(both, axis=0)
    f_a, f_b = f_a - centre, f_b - centre
    k = len(f_ab)
    num1 = np.empty((k, *v.shape))
    numt = np.empty((k, *v.shape))
    for i in range(k):
        d = np.asarray(f_ab[i], dtype=float) - centre - f_a
        num1[i] = np.mean(f_b * d, axis=0)
        numt[i] = 0.5 * np.mean(d * d, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        s1 = np.where(v > 0, num1 / np.where(v > 0, v, 1.0), np.nan)
        st = np.where(v > 0, numt / np.where(v > 0, v, 1.0), np.nan)
    return s1, st, v


def reference_tables(project: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(units, sensitivity) of the project's uncertainty analysis, the sensitivity computed from
    every stored run."""
    from evalkit.analysis.sensitivity import SobolIndices, pooled_indices
    from evalkit.pipeline import evaluate
    from evalkit.pipeline import uncertainty_fast as fast
    from evalkit.pipeline import uncertainty_stream as stream

    stored: dict[str, Any] = {}

    def keep_every_run(model, t, streams, a, designs, *, has_judgments, threads=None) -> None:
        stored["model"], stored["n"] = model, len(a)
        stored["ab"] = [  # each factor's N runs at once, none left out as equal to A's
            fast.evaluate(model, t, d, has_judgments=has_judgments, levels=False) for d in designs
        ]

    class Kept(stream.Streams):
        def __init__(self, model, base, n, k) -> None:
            super().__init__(model, base, n, k)
            stored["base"] = base

        def table(self, names: list[str]) -> pd.DataFrame:
            model, base, ab, n = stored["model"], stored["base"], stored["ab"], stored["n"]
            s = model.station_values.shape[1]
            shown = np.r_[model.shown, np.ones(base.total.shape[1] - s, bool)]
            rows: list[dict[str, object]] = []
            for output, key in stream.OUTPUTS if names else ():
                for kind, cols in (
                    ("district", np.arange(s, len(shown))),
                    ("station", np.flatnonzero(shown[:s])),
                ):
                    if cols.size == 0:
                        continue
                    f_all = np.nan_to_num(getattr(base, key)[:, cols])
                    s1, st, v = stored_sobol(
                        f_all[:n], f_all[n:], [np.nan_to_num(getattr(o, key)[:, cols]) for o in ab]
                    )
                    p1, pt = pooled_indices(SobolIndices(s1, st, v), axis=-1)
                    for f, a, b in zip(names, p1, pt, strict=True):
                        rows.append(
                            {
                                "factor": f,
                                "first_order": a,
                                "total": b,
                                "output": output,
                                "unit_type": kind,
                            }
                        )
            return pd.DataFrame(
                rows, columns=["factor", "first_order", "total", "output", "unit_type"]
            )

    saved = stream.stream_factors, stream.Streams
    stream.stream_factors, stream.Streams = keep_every_run, Kept
    try:
        u = evaluate(project).analysis("uncertainty")
    finally:
        stream.stream_factors, stream.Streams = saved
    assert u.draws == 1000
    return u.units, u.sensitivity


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        project.mkdir()
        shutil.copyfile(ROOT / "evalkit.yaml", project / "evalkit.yaml")
        shutil.copytree(ROOT / "indicators", project / "indicators")
        shutil.copytree(ROOT / "surveys", project / "surveys")
        units, sensitivity = reference_tables(project)
    OUT.mkdir(exist_ok=True)
    for name, frame in (("units", units), ("sensitivity", sensitivity)):
        path = OUT / f"{name}.csv"
        frame.to_csv(path, index=False, float_format="%.17g")
        print(f"wrote {path}", file=sys.stderr)


if __name__ == "__main__":
    main()

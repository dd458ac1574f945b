"""Saaty's fundamental 1-9 scale: its values, the nearest value on it, and how a judgment reads.

Shared by the readers of experts' judgments (evalkit.ingest) and the AHP kernels
(evalkit.weights), so neither needs the other for them. At the bottom of evalkit: imports nothing
of it.
"""

from __future__ import annotations

import numpy as np

#: Saaty's fundamental scale with reciprocals, ascending: 1/9 .. 1/2, 1, 2 .. 9.
SAATY_SCALE: np.ndarray = np.array([1 / k for k in range(9, 1, -1)] + list(range(1, 10)), float)
SAATY_MIN, SAATY_MAX = 1 / 9, 9.0


def saaty_round(x: np.ndarray | float) -> np.ndarray | float:
    """The nearest value on Saaty's scale (1/9 .. 9), nearest on a log scale."""
    arr = np.asarray(x, dtype=float)
    d = np.abs(np.log(arr)[..., None] - np.log(SAATY_SCALE))
    out = SAATY_SCALE[np.argmin(d, axis=-1)]
    return float(out) if np.ndim(x) == 0 else out


def fmt_judgment(x: float) -> str:
    """A judgment as a reviewer reads it: 3, 1/3, 0.42, 2.5."""
    if not np.isfinite(x):
        return "missing"
    if x >= 1:
        return f"{x:.0f}" if abs(x - round(x)) < 1e-9 else f"{x:.3g}"
    inv = 1 / x
    return f"1/{inv:.0f}" if abs(inv - round(inv)) < 1e-9 else f"{x:.3g}"


__all__ = ["SAATY_MAX", "SAATY_MIN", "SAATY_SCALE", "fmt_judgment", "saaty_round"]

"""Peer timings for benchmarks/bench_weights.py: run with the throwaway venv's interpreter.

Never imports evalkit. Prints one JSON object {peer: {"entropy": s | null, "ahp": s | null}}.
Same data as the evalkit side: rng = default_rng(seed); x = uniform(1, 100, (m, n)); AHP matrices from
random Saaty-scale upper triangles (one loop over matrices: no peer has a batched AHP).
"""

from __future__ import annotations

import argparse
import json
import time
import warnings

import numpy as np

SCALE = np.array(
    [1 / 9, 1 / 8, 1 / 7, 1 / 6, 1 / 5, 1 / 4, 1 / 3, 1 / 2, 1, 2, 3, 4, 5, 6, 7, 8, 9]
)


def data(seed: int, m: int, n: int, k: int, size: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(1.0, 100.0, (m, n))
    up = np.triu(rng.choice(SCALE, size=(k, size, size)), 1)
    a = up + np.swapaxes(np.where(up > 0, 1.0 / np.where(up > 0, up, 1.0), 0.0), 1, 2)
    a[:, np.arange(size), np.arange(size)] = 1.0
    return x, a


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--units", type=int, default=100_000)
    ap.add_argument("--indicators", type=int, default=60)
    ap.add_argument("--matrices", type=int, default=10_000)
    ap.add_argument("--size", type=int, default=9)
    args = ap.parse_args()
    x, a = data(args.seed, args.units, args.indicators, args.matrices, args.size)
    out: dict[str, dict[str, float | None]] = {}
    warnings.simplefilter("ignore")

    from pyDecision.algorithm import ahp_method, entropy_method

    crit = ["max"] * x.shape[1]
    out["pyDecision"] = {
        "entropy": timed(lambda: entropy_method(x, crit)),
        "ahp": timed(lambda: [ahp_method(m, wd="max_eigen") for m in a]),
    }

    from pymcdm.weights import entropy_weights as pymcdm_entropy
    from pymcdm.weights.subjective import AHP

    def pymcdm_ahp() -> None:
        for m in a:
            model = AHP(matrix=m)
            model()
            model.get_cr()

    out["pymcdm"] = {"entropy": timed(lambda: pymcdm_entropy(x)), "ahp": timed(pymcdm_ahp)}

    from skcriteria.preprocessing.weighters import entropy_weights as skc_entropy

    out["scikit-criteria"] = {"entropy": timed(lambda: skc_entropy(x)), "ahp": None}

    import ahpy

    names = [f"c{i}" for i in range(args.size)]
    pairs = [(i, j) for i in range(args.size) for j in range(i + 1, args.size)]

    def ahpy_run() -> None:
        for m in a:
            comps = {(names[i], names[j]): float(m[i, j]) for i, j in pairs}
            c = ahpy.Compare("node", comps, precision=10, random_index="saaty")
            _ = c.local_weights, c.consistency_ratio

    out["AHPy"] = {"entropy": None, "ahp": timed(ahpy_run)}
    print(json.dumps(out))


if __name__ == "__main__":
    main()

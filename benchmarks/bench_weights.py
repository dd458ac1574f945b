"""Time evalkit's weight kernels beside peer libraries; prints figures and ratios (not a test).

python benchmarks/bench_weights.py [--peers /tmp/peers/bin/python] [--repeat K]

- entropy weights of a 100,000 x 60 table (uniform 1..100, all benefit indicators);
- AHP weights + CR of 10,000 random 9 x 9 reciprocal matrices (Saaty-scale upper triangles), one
  batched call.

With ``--peers PYTHON`` the same work is done by pyDecision, pymcdm, scikit-criteria and AHPy in a
throwaway environment (benchmarks/peers_weights.py, which never imports evalkit; set it up with
``python -m venv /tmp/peers && /tmp/peers/bin/pip install pyDecision pymcdm scikit-criteria ahpy``).
Peers loop over matrices (none has a batched AHP) and compute their own entropy variant (no min-max
step); figures are from one run each, evalkit's the best of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from evalkit.weights import ahp_priorities, entropy_weights

HERE = Path(__file__).resolve().parent
SCALE = np.array(
    [1 / 9, 1 / 8, 1 / 7, 1 / 6, 1 / 5, 1 / 4, 1 / 3, 1 / 2, 1, 2, 3, 4, 5, 6, 7, 8, 9]
)


def data(seed: int, m: int, n: int, k: int, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Same generator as peers_weights.py."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(1.0, 100.0, (m, n))
    up = np.triu(rng.choice(SCALE, size=(k, size, size)), 1)
    a = up + np.swapaxes(np.where(up > 0, 1.0 / np.where(up > 0, up, 1.0), 0.0), 1, 2)
    a[:, np.arange(size), np.arange(size)] = 1.0
    return x, a


def best_of(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--peers", help="python of a throwaway venv with the peer libraries")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    m, n, k, size = 100_000, 60, 10_000, 9
    x, a = data(args.seed, m, n, k, size)
    ours = {
        "entropy": best_of(lambda: entropy_weights(x), args.repeat),
        "ahp": best_of(lambda: ahp_priorities(a), args.repeat),
    }
    res = ahp_priorities(a)
    print(f"evalkit: entropy {m:,} x {n}: {ours['entropy']:.3f} s (best of {args.repeat})")
    print(
        f"evalkit: AHP weights + CR, {k:,} matrices {size}x{size} (batched): {ours['ahp']:.3f} s "
        f"(best of {args.repeat}; mean CR {np.mean(res.cr):.3f})"
    )
    if not args.peers:
        print("peers: not run (give --peers /tmp/peers/bin/python)")
        return
    cmd = [args.peers, str(HERE / "peers_weights.py"), "--seed", str(args.seed)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    peers: dict[str, dict[str, float | None]] = json.loads(out.strip().splitlines()[-1])
    print()
    print(f"{'library':<16} {'entropy s':>10} {'x evalkit':>10} {'AHP s':>10} {'x evalkit':>10}")
    print(f"{'evalkit':<16} {ours['entropy']:>10.3f} {1:>10.1f} {ours['ahp']:>10.3f} {1:>10.1f}")
    for name, t in peers.items():
        cells = []
        for key in ("entropy", "ahp"):
            v = t.get(key)
            cells += ["-", "-"] if v is None else [f"{v:.3f}", f"{v / ours[key]:.1f}"]
        print(f"{name:<16} {cells[0]:>10} {cells[1]:>10} {cells[2]:>10} {cells[3]:>10}")
    for key, label in (("entropy", "entropy"), ("ahp", "AHP")):
        vals = {p: t[key] for p, t in peers.items() if t.get(key) is not None}
        if vals:
            fastest = min(vals, key=vals.get)  # type: ignore[arg-type]
            print(
                f"{label}: fastest peer {fastest} {vals[fastest]:.3f} s; evalkit is "
                f"{vals[fastest] / ours[key]:.1f}x faster"
            )
    sys.stdout.flush()


if __name__ == "__main__":
    main()

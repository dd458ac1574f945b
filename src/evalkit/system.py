"""What evalkit asks of the machine it runs on. At the bottom of evalkit: imports nothing of it."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

#: Bytes of the largest arrays a chunk of array work may take. Arrays this small are served again
#: and again from memory the allocator already holds (glibc keeps freed blocks up to 32 MiB);
#: larger ones are fresh memory from the system every time, and touching fresh memory first costs
#: more than the arithmetic done on it (page faults: 0.1-2.5 s a GiB on a shared machine, against
#: 0.05 s to fill a GiB already held). Work on large arrays goes a chunk of this size at a time.
CHUNK_BYTES = 2**24


def chunk(n: int, item_bytes: int, chunks: int = 1) -> int:
    """Items (runs, replicates, columns, ...) per chunk: as many as keep *item_bytes* each within
    *chunks* times :data:`CHUNK_BYTES` (a buffer reused from chunk to chunk may be larger); at
    least one, at most *n* (or one when n is 0)."""
    return max(1, min(max(n, 1), chunks * CHUNK_BYTES // max(1, item_bytes)))


def cores() -> int:
    """Cores this process may run on (its CPU affinity where the system has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def in_threads(fn: Callable[[int], object], jobs: Iterable[int], threads: int) -> None:
    """fn(job) for every job, in *threads* threads (numpy's sorts, products and element-wise work
    run outside the interpreter lock). The jobs must write apart; an error is raised here."""
    jobs = list(jobs)
    workers = max(1, min(threads, len(jobs)))
    if workers == 1:
        for job in jobs:  # chunks of array work, each vectorised
            fn(job)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for _ in pool.map(fn, jobs):  # re-raises a job's error
            pass


__all__ = ["CHUNK_BYTES", "chunk", "cores", "in_threads"]

"""What evalkit asks of the machine it runs on. At the bottom of evalkit: imports nothing of it."""

from __future__ import annotations

import os


def cores() -> int:
    """Cores this process may run on (its CPU affinity where the system has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


__all__ = ["cores"]

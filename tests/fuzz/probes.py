"""Calls with a known cost, run by ``test_budget.py`` to show that the budgets catch what they claim to.

Module-level functions: the worker process imports them by name.
"""

from __future__ import annotations

import time

import numpy as np

MiB = 2**20


def hold_memory(megabytes: int, seconds: float) -> int:
    """Touch ``megabytes`` of memory, keep it ``seconds``, free it; returns how many bytes were held."""
    block = np.ones(megabytes * MiB // 8)
    time.sleep(seconds)
    size = block.nbytes
    del block
    return size


def burn_cpu(seconds: float) -> int:
    """Spin for ``seconds`` of CPU time."""
    end, n = time.process_time() + seconds, 0
    while time.process_time() < end:
        n += 1
    return n


def sleep(seconds: float) -> None:
    time.sleep(seconds)


def fail() -> None:
    raise KeyError("a bug in the call itself")


def modules(prefix: str) -> list[str]:
    """Modules imported in this process whose name starts with ``prefix``."""
    import sys

    return sorted(m for m in sys.modules if m.startswith(prefix))

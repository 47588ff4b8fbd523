"""Shared helpers for the benchmarks: wall time, peak memory sampled from /proc, machine description."""

from __future__ import annotations

import os
import platform
import threading
import time
from collections.abc import Callable


def rss_bytes() -> int:
    """Resident set size of this process (Linux /proc)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def measure(fn: Callable[[], object], interval: float = 0.005) -> tuple[float, int, object]:
    """Run ``fn`` once: wall seconds, peak RSS above the starting RSS (bytes), and its result."""
    start_rss = rss_bytes()
    peak = [start_rss]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], rss_bytes())
            time.sleep(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    t0 = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - t0
    done.set()
    sampler.join()
    peak[0] = max(peak[0], rss_bytes())
    return elapsed, peak[0] - start_rss, result


def machine() -> str:
    """One line naming the machine the numbers come from."""
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def row(*cells) -> str:
    """A Markdown table row."""
    return "| " + " | ".join(str(c) for c in cells) + " |"

"""UMAP's one-off compilation, in a background thread, and its state.

UMAP compiles its numba code on first use (10–35 s per process).  :func:`ui.cache.umap_warm_up` starts
:func:`start` once per server process (the first call starts the thread); the Embeddings and Text pages
show PCA until :attr:`UmapWarmUp.ready`.  The compilation holds the interpreter most of that time, so the
thread waits until ``app.py`` has drawn a page and sets :attr:`UmapWarmUp.released` (after every run): the
first page of a fresh server, the Embeddings page included, is not slowed by it.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from drift.multivariate.projection import warm_up_umap


@dataclass
class UmapWarmUp:
    """State of the background UMAP compilation (one per server process, shared by sessions)."""

    started: float = field(default_factory=time.monotonic)
    released: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)
    seconds: float | None = None
    error: str | None = None

    @property
    def ready(self) -> bool:
        return self.done.is_set() and self.error is None

    @property
    def failed(self) -> bool:
        return self.done.is_set() and self.error is not None

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started


def _warm_up(status: UmapWarmUp) -> None:
    status.released.wait()
    status.started = time.monotonic()
    try:
        status.seconds = warm_up_umap()
    except Exception as err:  # noqa: BLE001 - a missing/broken umap must not kill the thread silently
        status.error = f"{type(err).__name__}: {err}"
    finally:
        status.done.set()


def start() -> UmapWarmUp:
    """Start the daemon thread that compiles UMAP once :attr:`UmapWarmUp.released` is set; the returned
    state says when it is done."""
    status = UmapWarmUp()
    threading.Thread(target=_warm_up, args=(status,), name="umap-warm-up", daemon=True).start()
    return status

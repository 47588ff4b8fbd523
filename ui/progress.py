"""A progress bar that a cached function can move without breaking its cache.

Streamlit records every element message sent while a function decorated with ``st.cache_data`` or
``st.cache_resource`` runs, and replays them on each cache hit.  A bar drawn by the page and moved from a
callback the cached function calls (a library ``progress=`` argument) gets recorded too, and its replay
fails: the bar lives in a block the function did not create (``CacheReplayClosureError`` — the Practice
page crashed on every submission after the first, issue 10 item 6).

:class:`Bar` is drawn by the caller *before* the cached call and moves in a copy of the caller's context
taken then (Streamlit keeps the recording in a ``contextvars.ContextVar``), where no recording is
active: the bar moves while the function computes, nothing is recorded, and a cache hit replays nothing.
Pass :meth:`Bar.update` (or a lambda around it) as the cached function's ``_progress`` argument — an
``_``-prefixed argument, which Streamlit does not hash.
"""

from __future__ import annotations

import contextvars

import streamlit as st

from . import safe


class Bar:
    """``st.progress`` drawn now, moved by :meth:`update` from anywhere, cleared on leaving the block.

    Its texts are shown as plain text (:func:`ui.safe.text`): a library's progress message names
    batches and columns.

    >>> with Bar("Running the diagnosis…") as bar:                                 # doctest: +SKIP
    ...     result = cached_function(args, _progress=lambda i, n: bar.update(i / n))
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._bar = st.progress(0.0, text=safe.text(text))
        self._context = contextvars.copy_context()   # before any cached function starts recording

    def update(self, fraction: float, text: str | None = None) -> None:
        """Move the bar to ``fraction`` (clipped to 0–1), with ``text`` or the bar's own text."""
        share = min(max(float(fraction), 0.0), 1.0)
        self._context.run(self._bar.progress, share, text=safe.text(text or self.text))

    def clear(self) -> None:
        self._bar.empty()

    def __enter__(self) -> Bar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.clear()

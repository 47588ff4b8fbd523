"""Progress of a long cached computation, drawn by the page outside it, from the library's progress events.

Streamlit records every element message sent while a cached function runs and replays it on each hit, so
a cached function must never draw, nor move an element drawn by the page (the Practice page crashed on
every submission after the first when a progress callback did, issue 10 item 6).  Hence two halves:

* **Inside** (:mod:`ui.cache`): a library function that reports progress (``drift.diagnose``,
  ``monitor``, ``compare_policies``) is given :func:`emit`.  It forwards each event to the listener of
  the thread it runs in, which only :func:`run` sets, in its worker thread; anywhere else it does
  nothing.  It never touches an element.
* **Outside** (the page, through a thin ui helper): :func:`run` calls the cached function in a worker
  thread and, while it computes, draws a bar from the events the worker forwards.  A cache hit returns
  within :data:`GRACE_SECONDS` and draws nothing.  The worker has no script-run context, so nothing it
  does can be recorded for replay.

When the page stops waiting (the user changed a widget: Streamlit stops the run at the page's next
element call), the worker gives up at the library's next progress event (:class:`Cancelled`), as the
computation did when it ran in the page; nothing is cached then.
"""

from __future__ import annotations

import contextvars
import queue
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from . import safe

T = TypeVar("T")

#: A computation that has not returned after this long gets a progress bar (a cache hit returns sooner).
GRACE_SECONDS = 0.2
#: How often the page looks for new events while it waits.
POLL_SECONDS = 0.1
#: The bar is redrawn at least this often, even without a new event: a redraw is where Streamlit stops a
#: run the user has superseded.
HEARTBEAT_SECONDS = 1.0

#: A progress event: the arguments the library passed to its ``progress`` callback.
Event = tuple[Any, ...]
#: Turns an event into the bar's (fraction done, text); ``text`` None keeps the bar's own text.
Describe = Callable[..., tuple[float, str | None]]

_LISTENER: contextvars.ContextVar[Job | None] = contextvars.ContextVar("ui_progress_listener", default=None)


class Cancelled(Exception):  # noqa: N818 - a state, like StopIteration, not an error to report
    """Raised inside the worker by :func:`emit` once the page that waited for it has stopped."""


def emit(*event: Any) -> None:
    """The ``progress`` callback a cached function gives the library: forwards the event to the worker's
    listener (:func:`run`), or does nothing when the computation does not run under :func:`run`.

    Raises :class:`Cancelled` when the page waiting for the worker has stopped.
    """
    job = _LISTENER.get()
    if job is not None:
        job.put(event)


class Job:
    """A call of a cached function in a daemon thread: its events, its result or its exception."""

    def __init__(self, func: Callable[..., Any], args: tuple, kwargs: dict) -> None:
        self.events: queue.SimpleQueue[Event] = queue.SimpleQueue()
        self.cancelled = threading.Event()
        self.value: Any = None
        self.error: BaseException | None = None
        context = contextvars.Context()            # a fresh context: no recording, no stale listener
        self.thread = threading.Thread(target=context.run, args=(self._work, func, args, kwargs),
                                       name=f"ui-progress-{getattr(func, '__name__', 'job')}", daemon=True)
        self.thread.start()

    def _work(self, func: Callable[..., Any], args: tuple, kwargs: dict) -> None:
        _LISTENER.set(self)
        try:
            self.value = func(*args, **kwargs)
        except BaseException as err:  # noqa: BLE001 - handed to the page, which re-raises it
            self.error = err

    def put(self, event: Event) -> None:
        if self.cancelled.is_set():
            raise Cancelled("the page stopped waiting for this computation")
        self.events.put(event)

    def wait(self, seconds: float) -> bool:
        """Whether the call has finished, after waiting at most ``seconds``."""
        self.thread.join(seconds)
        return not self.thread.is_alive()

    def drain(self) -> list[Event]:
        out = []
        while True:
            try:
                out.append(self.events.get_nowait())
            except queue.Empty:
                return out

    def result(self) -> Any:
        if self.error is not None:
            raise self.error
        return self.value


def run(func: Callable[..., T], *args: Any, text: str, describe: Describe | None = None, **kwargs: Any) -> T:
    """``func(*args, **kwargs)`` — a function of :mod:`ui.cache` — with a progress bar while it computes.

    Parameters
    ----------
    func
        A cached function whose library call reports progress through :func:`emit`.
    text
        The bar's text until the first event (shown as plain text: :func:`ui.safe.text`).
    describe
        ``describe(*event) -> (fraction, text or None)``; default: the event's first number is the
        fraction done.

    Returns the function's value, or raises its exception (a ``DriftError`` is the page's to show).
    """
    job = Job(func, args, kwargs)
    slot = st.empty()
    try:
        if not job.wait(GRACE_SECONDS):
            fraction, message = 0.0, text
            slot.progress(0.0, text=safe.text(text))
            drawn = time.monotonic()
            while not job.wait(POLL_SECONDS):
                events = job.drain()
                for event in events:
                    fraction, new = (describe or _fraction)(*event)
                    message = new or text
                if events or time.monotonic() - drawn >= HEARTBEAT_SECONDS:
                    slot.progress(min(max(float(fraction), 0.0), 1.0), text=safe.text(message))
                    drawn = time.monotonic()
    except BaseException:                          # the run stops (a rerun, a stop): let the worker go
        job.cancelled.set()
        raise
    slot.empty()
    return job.result()


def _fraction(*event: Any) -> tuple[float, None]:
    """The first number of an event as the fraction done (``compare_policies`` reports just that)."""
    numbers = [x for x in event if isinstance(x, (int, float)) and not isinstance(x, bool)]
    return (float(numbers[0]) if numbers else 0.0), None

"""``ui.progress``: a cached function's progress events reach the page's bar from outside the function.

The page-level test is the Practice page's crash reduced to its cause: a cached function that reported
progress to a bar drawn by the page failed on its second call (a cache hit replayed the bar's updates).
"""

from __future__ import annotations

import threading
import time

import pytest
from streamlit.testing.v1 import AppTest

from ui import progress


def slow_job_app() -> None:
    """A page that runs a slow cached function (it reports each step) under ``progress.run``."""
    import time

    import streamlit as st

    from ui import progress

    @st.cache_data(show_spinner=False)
    def slow(n: int) -> int:
        for i in range(n):
            time.sleep(0.25)                   # longer than the grace period: the bar is drawn
            progress.emit(i, n)
        return 2 * n

    seen = st.session_state.setdefault("seen", [])

    def describe(i: int, n: int) -> tuple[float, str]:
        seen.append((i, n, threading_name()))
        return i / n, f"step {i + 1} of {n}"

    def threading_name() -> str:
        import threading

        return threading.current_thread().name

    st.session_state["value"] = progress.run(slow, st.session_state.get("n", 6), text="Working…",
                                             describe=describe)
    st.write(f"value {st.session_state['value']}")


def test_progress_is_drawn_outside_and_a_cache_hit_replays_nothing() -> None:
    at = AppTest.from_function(slow_job_app, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["value"] == 12
    seen = at.session_state["seen"]
    assert seen, "no progress event reached the page"
    assert [i for i, _, _ in seen] == sorted(i for i, _, _ in seen) and all(n == 6 for _, n, _ in seen)
    assert not any(name.startswith("ui-progress") for _, _, name in seen), "the bar moved in the worker"
    assert not at.get("progress"), "the bar is left on the page"
    at.session_state["seen"] = []
    at.run()                                   # a cache hit: the old design crashed here
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["value"] == 12 and at.session_state["seen"] == []
    at.session_state["n"] = 3                  # a new key computes (and reports) again
    at.run()
    assert not at.exception and at.session_state["value"] == 6 and at.session_state["seen"]


def test_emit_outside_a_job_does_nothing() -> None:
    progress.emit("step", 1, 2)                # no listener in this thread: no error, no effect


def test_a_job_hands_over_its_events_result_and_error() -> None:
    def work(n: int) -> int:
        for i in range(n):
            progress.emit(i, n)
        return n

    job = progress.Job(work, (3,), {})
    assert job.wait(10)
    assert job.drain() == [(0, 3), (1, 3), (2, 3)] and job.result() == 3

    def broken() -> None:
        raise ValueError("bad data")

    job = progress.Job(broken, (), {})
    assert job.wait(10)
    with pytest.raises(ValueError, match="bad data"):
        job.result()


def test_a_cancelled_job_stops_at_its_next_event() -> None:
    steps = []
    go = threading.Event()

    def work() -> None:
        for i in range(100):
            go.wait(10)
            steps.append(i)
            progress.emit(i, 100)
            time.sleep(0.01)

    job = progress.Job(work, (), {})
    job.cancelled.set()
    go.set()
    assert job.wait(10)
    with pytest.raises(progress.Cancelled):
        job.result()
    assert steps == [0], "the worker went on after the page stopped waiting"

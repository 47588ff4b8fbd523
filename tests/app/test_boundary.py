"""The app's one error boundary (``ui.boundary``, around the sidebar and ``page.run()`` in ``app.py`` and
inside every fragment): a bug is a short notice with a collapsed traceback, a ``DriftError`` an escaped
``st.error``, and ``st.stop`` / ``st.switch_page`` still work through it.

A page is made to raise by replacing a ``ui`` function it calls (AppTest runs the app in this process).
"""

from __future__ import annotations

import streamlit as st

from drift.core.errors import DriftInputError
from tests.app.test_pages import metric, new_app
from ui import boundary, safe, state

FEATURE_DRIFT, DIAGNOSIS, DATA = "pages/feature_drift.py", "pages/diagnosis.py", "pages/data.py"
PAYLOAD = "boom ![t](http://198.51.100.1/x.png) <img src=y.png>"


def bug_notices(at) -> list[str]:
    return [e.value for e in at.error if boundary.BUG_MESSAGE in e.value]


def test_a_page_that_raises_shows_the_boundary(monkeypatch, expect_page_bug) -> None:
    at = new_app()
    assert not bug_notices(at)

    def broken(*args, **kwargs):
        raise RuntimeError(PAYLOAD)

    monkeypatch.setattr("ui.data.drift_table", broken)
    at.switch_page(FEATURE_DRIFT).run()
    assert not at.exception, "Streamlit's raw traceback panel is shown"
    notices = bug_notices(at)
    assert len(notices) == 1 and "RuntimeError" in notices[0] and PAYLOAD not in notices[0]
    details = [e for e in at.expander if e.label == boundary.DETAILS_LABEL]
    assert len(details) == 1 and not details[0].proto.expanded, "the details start collapsed"
    trace = [c.value for c in at.code if "Traceback" in c.value]
    assert len(trace) == 1 and f"RuntimeError: {PAYLOAD}" in trace[0] and "feature_drift.py" in trace[0]
    assert at.sidebar.radio, "the sidebar is still there: only the page failed"


def test_a_drift_error_a_page_does_not_catch_is_an_escaped_message(monkeypatch) -> None:
    at = new_app()
    error = DriftInputError("the file is broken", file="![f](http://198.51.100.1/f.png).csv", column="$x^2$",
                            fix="upload another file")

    def raises(*args, **kwargs):
        raise error

    monkeypatch.setattr("ui.layout.show_verdict", raises)
    at.switch_page(FEATURE_DRIFT).run()
    assert not at.exception
    assert [e.value for e in at.error] == [safe.text(str(error))]


def test_stop_and_switch_page_pass_through_the_boundary(monkeypatch) -> None:
    """``st.switch_page`` raises a control-flow exception (``BaseException``): the boundary lets it
    navigate; ``st.stop`` (the Data page waiting for a file) ends the page without a notice."""
    at = new_app()
    monkeypatch.setattr("ui.layout.show_verdict", lambda summary: st.switch_page(DATA))
    at.switch_page(FEATURE_DRIFT).run()
    assert metric(at, "Reference rows"), "switch_page did not reach the Data page"
    at.radio(key=state.SOURCE_MODE).set_value(state.SOURCE_UPLOAD).run()   # no files yet: st.stop()
    assert any("Upload the" in i.value for i in at.info) and not at.error


def test_a_fragment_that_raises_is_contained(monkeypatch, expect_page_bug) -> None:
    """The Diagnosis stepper is a fragment (it reruns without ``app.py``): its own boundary shows the
    notice, and the rest of the page after it is still drawn."""
    at = new_app(**{state.BATCH: "2025-03"})

    def broken(*args, **kwargs):
        raise KeyError(PAYLOAD)

    monkeypatch.setattr("ui.diagnosis.walk_position", broken)
    at.switch_page(DIAGNOSIS).run()
    assert not at.exception
    assert len(bug_notices(at)) == 1
    assert any(h.value == "Look closer" for h in at.subheader), "the page stopped at the fragment"

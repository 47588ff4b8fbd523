"""AppTest plumbing: a bug the app's error boundary caught still fails the test that ran into it.

``ui.boundary`` turns any exception of a page into a short notice (never a traceback panel), so
``at.exception`` stays empty on a bug.  Every script run of every AppTest is checked here instead: a
notice of the boundary fails the test with the traceback the page holds in its "Copy details" expander.
A test that wants the notice (the boundary's own tests) requests the ``expect_page_bug`` fixture.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from ui.boundary import BUG_MESSAGE


def page_bugs(at: AppTest) -> list[str]:
    """Tracebacks of the bugs the boundary reported in the last run (empty when there were none)."""
    if not any(BUG_MESSAGE in e.value for e in at.error):
        return []
    return [c.value for c in at.code if "Traceback" in c.value] or ["(no traceback found)"]


@pytest.fixture()
def expect_page_bug() -> None:
    """Requested by a test that triggers the boundary on purpose: its runs are not checked for bugs."""


@pytest.fixture(autouse=True)
def fail_on_page_bugs(request, monkeypatch) -> None:
    if "expect_page_bug" in request.fixturenames:
        return
    run = AppTest._run   # every run goes through it: at.run(), at.switch_page(…).run(), widget.run()

    def checked(self, *args, **kwargs):
        at = run(self, *args, **kwargs)
        bugs = page_bugs(at)
        assert not bugs, "a page raised (shown by the error boundary):\n" + "\n".join(bugs)
        return at

    monkeypatch.setattr(AppTest, "_run", checked)

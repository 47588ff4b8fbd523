"""Browser-test plumbing: one Chromium and one ``streamlit run`` server for the whole session, a fresh
browser context per test, and each test's outcome recorded so a failing test leaves a screenshot behind.

Starting a server costs 10-20 s, and its first runs generate the scenarios and compile UMAP's numba code
(st.cache_data / st.cache_resource live in the server process), so every browser test module shares
the session's server.  Each test still gets its own browser context, hence its own Streamlit session
(own widgets and uploads).  A module that needs another server state overrides ``server`` and
``app_url`` (``test_browser_monitor.py``: a fresh history store).  Under pytest-xdist each worker process
has its own session, hence its own server on its own free port (make test: at most two).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.e2e.test_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    RUN_TIMEOUT,
    SCREENSHOTS,
    VIEWPORT,
    isolated_server,
    warm_up,
)

IN_CI = os.environ.get("CI", "").lower() == "true"


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"CI=true and the browser test cannot run: {reason}")
    pytest.skip(reason)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -r requirements-dev.txt)")
    if not os.access(CHROMIUM, os.X_OK):
        _unavailable(f"{CHROMIUM} not found (make test installs it with apt-get when run as root)")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[str]:
    """The session's server; its history store is a temporary folder (never the user's home)."""
    with isolated_server(tmp_path_factory.mktemp("streamlit")) as url:
        yield url


@pytest.fixture(scope="session")
def app_url(browser, server) -> str:
    """The session's server, after one session opened the home page (``test_browser.warm_up``)."""
    return warm_up(browser, server)


@pytest.fixture()
def page(browser, request):
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(RUN_TIMEOUT)
    p = context.new_page()
    yield p
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:  # leave the evidence next to the other screenshots
        SCREENSHOTS.mkdir(exist_ok=True)
        p.screenshot(path=str(SCREENSHOTS / f"FAILED-{request.node.name}.png"), full_page=True)
    context.close()

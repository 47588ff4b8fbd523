"""The app in a real browser: ``streamlit run`` in a subprocess, Debian's Chromium driven by Playwright.

Uploads the two sample CSVs through the real file uploader, waits for the drift table, opens a feature,
visits every page, and checks that no exception element appears anywhere.  Full-page screenshots go
to ``tests/e2e/screenshots/`` (git-ignored).

Chromium missing: the test skips locally, and fails when ``CI=true`` (the browser test must run in CI).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
README_SCREENSHOT = ROOT / "docs" / "screenshot.png"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
STARTUP_TIMEOUT = 180      # s: server start
RUN_TIMEOUT = 240_000      # ms: one script run (the first one generates the scenario)
VIEWPORT = {"width": 1440, "height": 1000}
README_BATCH = "2025-03"   # the batch shown in docs/screenshot.png


def upload_pair(page, reference: Path, production: Path) -> None:
    """Switch the sidebar to uploads and give both files through the real file uploader."""
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Upload your own").click()
    inputs = sidebar.locator('[data-testid="stFileUploaderDropzoneInput"]')
    inputs.nth(1).wait_for(state="attached")
    for i, path in enumerate((reference, production)):
        inputs.nth(i).set_input_files(str(path))
        # the uploader shows a long name cut in the middle; its title holds the whole name
        sidebar.get_by_title(path.name, exact=True).wait_for()
        wait_idle(page)   # the rerun this upload started redraws the sidebar: let it finish first


# --- the streamlit server (the fixtures are in conftest.py: one server per session) ---------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(log_path: Path, env: dict | None = None, script: str = "app.py") -> Iterator[str]:
    """``streamlit run <script>`` on a free port until the block ends; yields its URL once healthy."""
    port = _free_port()
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
         "--client.toolbarMode", "minimal"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited with {proc.returncode}:\n{log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start within {STARTUP_TIMEOUT}s:\n"
                            f"{log_path.read_text()[-3000:]}")
            time.sleep(0.5)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


@contextlib.contextmanager
def isolated_server(folder: Path, script: str = "app.py") -> Iterator[str]:
    """:func:`streamlit_server` with its log and its history store (``DRIFT_EXPLORER_DATA``) in ``folder``,
    never in the user's home."""
    env = {**os.environ, "DRIFT_EXPLORER_DATA": str(folder / "data")}
    with streamlit_server(folder / "server.log", env=env, script=script) as url:
        yield url


# --- helpers -----------------------------------------------------------------------------------
def warm_up(browser, server: str) -> str:
    """Open the home page once in a throw-away session and return the server's URL.

    Streamlit (1.67) still knows the legacy ``pages/`` routes until a first session has run
    ``st.navigation``; until then a deep link gets a "Page not found" dialog over the right page.  One
    warm-up visit, as any first user makes, settles that; see the README.
    """
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(RUN_TIMEOUT)
    warm = context.new_page()
    warm.goto(server)
    warm.get_by_test_id("stMetric").first.wait_for()
    context.close()
    return server


#: ms an action may take to start the script run it triggers (an action that triggers none waits this long).
RUN_START = 400


def wait_idle(page) -> None:
    """Wait until Streamlit has finished the current script run (``stApp``'s script state): until the
    run an action triggered has started (at most :data:`RUN_START` ms: it had a fixed 400 ms before),
    until it is not running, then 300 ms for the last elements to draw."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    with contextlib.suppress(PlaywrightTimeout):
        page.locator('[data-testid="stApp"][data-test-script-state="running"]').wait_for(timeout=RUN_START)
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for()
    page.wait_for_timeout(300)


def assert_no_exception(page, where: str) -> None:
    exceptions = page.locator('[data-testid="stException"]')
    assert exceptions.count() == 0, f"{where}: {exceptions.first.inner_text()[:2000]}"


def screenshot(page, name: str) -> Path:
    """Full-page screenshot: grow the viewport to the app's content height (the app scrolls inside)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    height = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
        " return Math.max(m ? m.scrollHeight : 0, document.body.scrollHeight); }")
    page.set_viewport_size({"width": VIEWPORT["width"], "height": min(max(height, VIEWPORT["height"]), 7000)})
    page.wait_for_timeout(800)  # let plotly re-layout at the new size
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(VIEWPORT)
    return path


def open_dropdown(page, select):
    """Open a selectbox's option list.  Scroll first: the dropdown closes when the page scrolls under it."""
    options = page.locator('[role="option"]')
    for _ in range(5):
        select.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        select.get_by_role("combobox").click()
        try:
            options.first.wait_for(timeout=3000)
            return options
        except Exception:  # closed again by a late scroll or rerun: try once more
            page.keyboard.press("Escape")
    raise AssertionError("the selectbox's options never appeared")


def assert_no_dialog(page, where: str) -> None:
    dialogs = page.get_by_role("dialog")
    assert dialogs.count() == 0, f"{where}: unexpected dialog: {dialogs.first.inner_text()[:500]}"


def go_to(page, title: str, url_path: str) -> None:
    """Click a page in the sidebar navigation and wait until it is shown (clicks again if one got lost)."""
    link = page.get_by_test_id("stSidebarNav").get_by_role("link", name=title)
    pattern = re.compile(rf"/{re.escape(url_path)}(\?.*)?$")
    for _ in range(3):
        wait_idle(page)
        link.click()
        try:
            page.wait_for_url(pattern, timeout=15_000)
            break
        except Exception:
            continue
    else:
        raise AssertionError(f"the {title} page never opened")
    wait_idle(page)


# --- tests -------------------------------------------------------------------------------------
def test_upload_samples_and_visit_every_page(page, app_url, sample_files) -> None:
    reference, production = sample_files
    page.goto(app_url)
    page.get_by_test_id("stMetric").first.wait_for()   # the default scenario's verdict
    wait_idle(page)
    assert_no_exception(page, "overview (default scenario)")
    assert_no_dialog(page, "overview (default scenario)")

    upload_pair(page, reference, production)
    assert_no_exception(page, "after upload")

    go_to(page, "Feature Drift", "feature-drift")
    main = page.get_by_test_id("stMain")
    main.get_by_test_id("stDataFrame").first.wait_for()
    main.get_by_text(reference.name).first.wait_for()            # the upload is what is analysed
    assert_no_exception(page, "feature drift")

    # open another feature than the default (the most drifted one)
    select = main.get_by_test_id("stSelectbox").filter(has_text="Feature")
    options = open_dropdown(page, select)
    chosen = options.nth(1).inner_text().strip()
    options.nth(1).click()
    wait_idle(page)
    main.locator("code", has_text=re.compile(rf"^{re.escape(chosen)}$")).first.wait_for()  # detail header
    assert main.get_by_test_id("stPlotlyChart").count() >= 3
    assert_no_exception(page, f"feature {chosen}")
    screenshot(page, "feature_drift_upload")

    for title, url_path, name in (("Data", "dataset", "data_upload"), ("Overview", "", "overview_upload")):
        go_to(page, title, url_path)
        main.get_by_test_id("stMetric").first.wait_for()
        assert_no_exception(page, title)
        screenshot(page, name)


@pytest.mark.parametrize("path, name", [("", "overview"), ("dataset", "data"),
                                        ("feature-drift", "feature_drift")])
def test_shared_link_opens_each_page_with_results(page, app_url, path: str, name: str) -> None:
    """A fresh session opened on a page URL shows the default scenario's results, never a blank page."""
    page.goto(f"{app_url}/{path}")
    main = page.get_by_test_id("stMain")
    main.get_by_test_id("stMetric").first.wait_for()
    wait_idle(page)
    assert_no_exception(page, f"/{path}")
    assert_no_dialog(page, f"/{path}")
    if name == "feature_drift":
        main.get_by_test_id("stDataFrame").first.wait_for()
        main.get_by_test_id("stPlotlyChart").nth(2).wait_for()   # the charts are drawn after the table
        assert main.get_by_test_id("stPlotlyChart").count() >= 3
    screenshot(page, f"{name}_credit")
    if name != "feature_drift":
        return
    # one batch: the month of the online campaign (the scenario's ground truth says what changed)
    batch = page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").filter(has_text="Production batch")
    options = open_dropdown(page, batch)
    options.filter(has_text=README_BATCH).first.click()
    wait_idle(page)
    main.get_by_text(f"Ground truth of batch {README_BATCH}").wait_for()
    assert_no_exception(page, f"/{path} batch {README_BATCH}")
    shot = screenshot(page, f"feature_drift_credit_{README_BATCH}")
    if os.environ.get("UPDATE_README_SCREENSHOT") or not README_SCREENSHOT.exists():
        README_SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(shot, README_SCREENSHOT)


@pytest.mark.parametrize("path, name, marker", [("diagnose", "diagnosis", "Verdict:"),
                                                ("stakeholder-report", "report", "VERDICT")])
def test_diagnosis_and_report_links_show_a_verdict(page, app_url, path: str, name: str, marker: str) -> None:
    """A shared Diagnosis or Report link (sidebar on "All batches") opens on the most drifted batch, says
    so, and shows the verdict without a click.  (The server was warmed by one visit: see ``app_url``.)"""
    from drift.data.scenarios import load_scenario

    page.goto(f"{app_url}/{path}")
    main = page.get_by_test_id("stMain")
    main.get_by_text(marker, exact=False).first.wait_for()
    wait_idle(page)
    assert_no_exception(page, f"/{path}")
    assert_no_dialog(page, f"/{path}")
    text = main.inner_text()
    batch = re.search(r"Showing batch (\S+),", text)
    assert batch, f"/{path} does not say which batch it opened on"
    truth = load_scenario("credit").manifest.set_index("batch").loc[batch.group(1), "kind"]
    assert truth != "no_drift", f"/{path} opened on a clean batch"
    after = text[text.index(marker) + len(marker):].strip()
    assert after and after.split("\n")[0].strip(), f"/{path}: nothing after {marker!r}"
    screenshot(page, f"{name}_deep_link")


def test_make_run_entry_point_serves_the_app(browser, tmp_path) -> None:
    """``make run`` serves ``serve.py`` (app.py behind a server that imports first): the same app, deep
    links included -- the very first request of a fresh server may be a deep link (a bookmark, a link in
    a report) and opens its page, not Streamlit's "Page not found" dialog."""
    with isolated_server(tmp_path, script="serve.py") as url:
        context = browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(RUN_TIMEOUT)
        page = context.new_page()
        page.goto(f"{url}/feature-drift")                # the server's first session
        page.get_by_test_id("stMain").get_by_test_id("stDataFrame").first.wait_for()
        wait_idle(page)
        assert_no_exception(page, "serve.py: /feature-drift first")
        assert_no_dialog(page, "serve.py: /feature-drift first")
        assert page.url.endswith("/feature-drift")
        page.goto(url)
        page.get_by_test_id("stMain").get_by_test_id("stMetric").first.wait_for()   # the verdict
        wait_idle(page)
        assert_no_exception(page, "serve.py: overview")
        context.close()

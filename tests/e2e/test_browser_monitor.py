"""The Timeline and Autopilot pages in a real browser (Debian's Chromium driven by Playwright).

Its own ``streamlit run`` for this module (not the session's of conftest.py), with
``DRIFT_EXPLORER_DATA`` pointing at a temporary folder (the history store is a fresh file).  Visits the
Timeline on the credit scenario (opens one batch, which moves the sidebar's batch), then the Autopilot,
checks for no exception or error element, and saves full-page screenshots to ``tests/e2e/screenshots/``.
Chromium missing: skip locally, fail when CI=true.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from tests.e2e.test_browser import (
    assert_no_dialog,
    assert_no_exception,
    go_to,
    isolated_server,
    open_dropdown,
    screenshot,
    upload_pair,
    wait_idle,
    warm_up,
)

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    with isolated_server(tmp_path_factory.mktemp("monitor")) as url:
        yield url


@pytest.fixture(scope="module")
def app_url(browser, server) -> str:
    """This module's server after a first session opened the home page (see ``warm_up``)."""
    return warm_up(browser, server)


def assert_no_error(page, where: str) -> None:  # noqa: F811
    alerts = page.get_by_test_id("stMain").locator('[data-testid="stAlertContentError"]')
    assert alerts.count() == 0, f"{where}: {alerts.first.inner_text()[:1000]}"


def assert_clean_and_shoot(page, where: str, name: str) -> None:  # noqa: F811
    """No exception, error element or dialog on the page; then a full-page screenshot ``name``."""
    assert_no_exception(page, where)
    assert_no_error(page, where)
    assert_no_dialog(page, where)
    screenshot(page, name)


def choose(page, select, option: str) -> None:  # noqa: F811
    """Pick the option containing ``option`` in a selectbox and wait for the rerun."""
    open_dropdown(page, select).filter(has_text=option).first.click()
    wait_idle(page)


def test_timeline_and_autopilot(page, app_url) -> None:  # noqa: F811
    page.goto(app_url)
    page.get_by_test_id("stMetric").first.wait_for()
    wait_idle(page)

    go_to(page, "Timeline", "batch-timeline")
    main = page.get_by_test_id("stMain")
    main.get_by_text("Batches monitored", exact=True).wait_for()
    main.get_by_text("Detector scorecard", exact=True).wait_for()
    main.get_by_text("History", exact=True).wait_for()
    wait_idle(page)
    assert main.get_by_test_id("stPlotlyChart").count() >= 5
    assert_clean_and_shoot(page, "timeline", "timeline_credit")

    # open one batch: the sidebar's batch follows
    choose(page, main.get_by_test_id("stSelectbox").filter(has_text="Batch").first, "2025-05")
    main.get_by_text("income recorded in thousands", exact=False).first.wait_for()
    main.get_by_role("button", name="Open in Feature Drift").click()
    page.wait_for_url(lambda url: url.rstrip("/").endswith("feature-drift"))
    wait_idle(page)
    main.get_by_text("Ground truth of batch 2025-05").wait_for()
    assert_no_exception(page, "feature drift from the timeline")

    go_to(page, "Autopilot", "retrain-autopilot")
    main.get_by_text("Which policy pays", exact=True).wait_for()
    main.get_by_text("Action log", exact=True).wait_for()
    wait_idle(page)
    assert main.get_by_test_id("stPlotlyChart").count() >= 2
    assert_no_exception(page, "autopilot")
    assert_no_error(page, "autopilot")
    screenshot(page, "autopilot_pricing")


def test_timeline_on_a_file_without_a_time_column(page, app_url, sample_files, tmp_path) -> None:  # noqa: F811
    """The issue's case: a production file with no time column, sorted by income.  The Timeline must say
    how it cut the file (random chunks by default), and file order must be a visible, explicit choice."""
    reference, production = sample_files
    frame = pd.read_csv(production)
    frame = frame[frame["batch"].astype(str).isin(["2025-01", "2025-02", "2025-04", "2025-09", "2025-12"])]
    sorted_file = Path(tmp_path) / "sorted.csv"             # short: the uploader shortens long names
    frame.drop(columns=["batch", "month"]).sort_values("income").to_csv(sorted_file, index=False)

    page.goto(app_url)
    page.get_by_test_id("stMetric").first.wait_for()
    upload_pair(page, reference, sorted_file)
    go_to(page, "Timeline", "batch-timeline")
    main = page.get_by_test_id("stMain")
    main.get_by_text("This data has no time or batch column", exact=False).wait_for()
    main.get_by_text("Batches monitored", exact=True).wait_for()
    wait_idle(page)
    warning = main.get_by_test_id("stAlertContentWarning").filter(has_text="random chunks").first
    assert "Batches: random chunks of 100 rows (seed 0)" in warning.inner_text()
    main.get_by_text("One feature over the batches", exact=True).wait_for()
    assert_clean_and_shoot(page, "timeline without a time column", "timeline_no_time_column")

    choose(page, main.get_by_test_id("stSelectbox").filter(has_text="Order the rows by").first, "file order")
    main.get_by_text("in file order", exact=False).first.wait_for()
    assert_clean_and_shoot(page, "timeline in file order", "timeline_no_time_column_file_order")

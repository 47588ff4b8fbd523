"""The Text and Practice pages in a real browser (Debian's Chromium driven by Playwright).

On the session's ``streamlit run app.py`` (tests/e2e/conftest.py), switches the sidebar to the brand-sentiment
scenario from the Text page's empty state, reads the Text page, then submits an answer on the Practice
page.  No exception element may appear; full-page screenshots go to ``tests/e2e/screenshots/``.
Chromium missing: skip locally, fail when ``CI=true`` (same rule as ``test_browser.py``).
"""

from __future__ import annotations

import pytest

from tests.e2e.test_browser import (
    assert_no_dialog,
    assert_no_exception,
    go_to,
    screenshot,
    wait_idle,
)

pytestmark = pytest.mark.e2e


def assert_no_error(p, where: str) -> None:
    errors = p.get_by_test_id("stMain").locator('[data-testid="stAlertContentError"]')
    assert errors.count() == 0, f"{where}: {errors.first.inner_text()[:1000]}"


def test_text_and_practice_pages(page, app_url) -> None:  # noqa: F811 (pytest fixtures)
    page.goto(app_url)
    page.get_by_test_id("stMetric").first.wait_for()
    wait_idle(page)

    # Text page on the default (credit) scenario: the empty state and its way out
    go_to(page, "Text", "text-drift")
    main = page.get_by_test_id("stMain")
    main.get_by_text("no text column").wait_for()
    main.get_by_text("When did the language change?").wait_for()   # results at once, on the scenario
    assert_no_exception(page, "text (no text column)")
    screenshot(page, "text_without_text_column")
    main.get_by_role("button", name="Switch the whole app to the brand-sentiment scenario").click()
    main.get_by_text("When did the language change?").wait_for()
    main.get_by_text("Map of the posts").first.wait_for()   # the old page's map may linger a moment
    wait_idle(page)
    main.get_by_text("Overlap score").first.wait_for()      # the map's fragment has finished
    wait_idle(page)
    assert_no_exception(page, "text (sentiment)")
    assert_no_error(page, "text (sentiment)")
    assert_no_dialog(page, "text (sentiment)")
    assert main.get_by_test_id("stPlotlyChart").count() >= 4
    screenshot(page, "text_sentiment")

    # Practice: submit an answer, the rubric and the live evidence appear
    go_to(page, "Practice", "interview-practice")
    main.get_by_text("Submit and reveal the strategy").wait_for()
    main.get_by_role("textbox").fill("I would rule out the pipeline, then look for concept drift with "
                                     "labels, then a domain classifier, and retrain.")
    main.get_by_role("button", name="Submit and reveal the strategy").click()
    main.get_by_text("Points your answer mentions").wait_for()
    main.get_by_text("Verdict and ground truth").wait_for()
    wait_idle(page)
    assert_no_exception(page, "practice")
    assert_no_error(page, "practice")
    screenshot(page, "practice_debug_accuracy")

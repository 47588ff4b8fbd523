"""A regression model in a real browser (Debian's Chromium via Playwright): the pricing scenario switched to
its units-sold model in the sidebar, then the Diagnosis page of one week with the model's MAE and its
predicted-vs-actual scatter.  Full-page screenshots go to ``tests/e2e/screenshots/``; the server and
browser are the session's (``tests/e2e/conftest.py``).
"""

from __future__ import annotations

import re

import pytest

from drift.data.scenarios import SCENARIOS
from tests.e2e.test_browser import go_to, open_dropdown, screenshot, wait_idle
from tests.e2e.test_browser_diagnosis import assert_clean, pick_batch
from ui import data

pytestmark = pytest.mark.e2e

BATCH = "W08"   # the competitor price war: demand falls at the same inputs


def choose(page, select, option: str) -> None:
    """Pick the option containing ``option`` in a selectbox and wait for the rerun."""
    open_dropdown(page, select).filter(has_text=option).first.click()
    wait_idle(page)


def test_pricing_regression_model_on_the_diagnosis_page(page, app_url) -> None:
    page.goto(app_url)
    page.get_by_test_id("stMetric").first.wait_for()
    wait_idle(page)
    sidebar = page.get_by_test_id("stSidebar")
    choose(page, sidebar.get_by_test_id("stSelectbox").filter(has_text="Scenario"), SCENARIOS["pricing"][0])
    model = sidebar.get_by_test_id("stSelectbox").filter(has_text="Model")
    model.wait_for()
    regression = data.SCENARIO_MODELS["pricing"]["regression"]
    choose(page, model, regression)

    go_to(page, "Data", "dataset")
    main = page.get_by_test_id("stMain")
    main.get_by_text("Regression model").first.wait_for()      # the model chosen in the sidebar
    assert_clean(page, "data page of the regression model")

    go_to(page, "Diagnosis", "diagnose")
    main.get_by_text("Showing batch").wait_for()
    wait_idle(page)
    pick_batch(page, BATCH)
    main.get_by_role("button", name="Run all steps at once").click()
    wait_idle(page)
    main.get_by_text("VERDICT", exact=True).wait_for()
    assert_clean(page, f"diagnosis of {BATCH}")

    mae = main.get_by_test_id("stMetric").filter(has=page.get_by_text("MAE", exact=True))
    mae.first.wait_for()
    assert re.search(r"\d\.\d{3}", mae.first.inner_text()), mae.first.inner_text()
    assert main.get_by_text("Points drawn:").count() == 1
    charts = main.get_by_test_id("stPlotlyChart")
    scatter = charts.filter(has_text="forecast = actual")
    scatter.first.wait_for()
    scatter.first.scroll_into_view_if_needed()
    assert scatter.first.locator("canvas").count() >= 1, "the scatter's WebGL points"
    assert charts.filter(has_text="error (forecast − actual)").count() == 1
    screenshot(page, "diagnosis_pricing_regression")

    go_to(page, "Report", "stakeholder-report")
    main.get_by_test_id("stDownloadButton").first.wait_for()
    assert_clean(page, "report of the regression model")
    assert main.get_by_text(re.compile("Under-forecast / quarter")).count() >= 1   # priced in its own terms
    screenshot(page, "report_pricing_regression")

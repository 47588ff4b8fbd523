"""Regression and multiclass models in a real browser (Debian's Chromium via Playwright): the pricing scenario
switched to its units-sold model in the sidebar, then the Diagnosis page of one week with the model's MAE and
its predicted-vs-actual scatter, the Report and the Timeline; the sentiment scenario's three-class model on
the Diagnosis page; an uploaded pair with a numeric target. Full-page screenshots go to
``tests/e2e/screenshots/``; the server and browser are the session's (``tests/e2e/conftest.py``).
"""

from __future__ import annotations

import re

import pytest

from drift.data.scenarios import SCENARIOS
from tests.app.test_task_pages import regression_side
from tests.e2e.test_browser import go_to, open_dropdown, screenshot, upload_pair, wait_idle
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

    go_to(page, "Timeline", "batch-timeline")             # monitored in the demand model's own metrics
    main.get_by_text("Batches monitored").wait_for()
    wait_idle(page)
    assert_clean(page, "timeline of the regression model")
    assert main.get_by_text(re.compile(r"task regression")).count() >= 1
    screenshot(page, "timeline_pricing_regression")


def test_sentiment_multiclass_model_on_the_diagnosis_page(page, app_url) -> None:
    """The three-class sentiment model: its verdict and the confusion matrices of reference and batch."""
    page.goto(app_url)
    page.get_by_test_id("stMetric").first.wait_for()
    wait_idle(page)
    sidebar = page.get_by_test_id("stSidebar")
    choose(page, sidebar.get_by_test_id("stSelectbox").filter(has_text="Scenario"), SCENARIOS["sentiment"][0])
    model = sidebar.get_by_test_id("stSelectbox").filter(has_text="Model")
    model.wait_for()
    choose(page, model, data.SCENARIO_MODELS["sentiment"]["multiclass"])
    go_to(page, "Diagnosis", "diagnose")
    main = page.get_by_test_id("stMain")
    main.get_by_text("Showing batch").wait_for()
    wait_idle(page)
    main.get_by_role("button", name="Run all steps at once").click()
    wait_idle(page)
    main.get_by_text("VERDICT", exact=True).wait_for()
    assert_clean(page, "diagnosis of the multiclass model")
    accuracy = main.get_by_test_id("stMetric").filter(has=page.get_by_text("Accuracy", exact=True))
    accuracy.first.wait_for()
    confusion = main.get_by_test_id("stPlotlyChart").filter(has_text="predicted class")
    confusion.first.wait_for()
    confusion.first.scroll_into_view_if_needed()
    screenshot(page, "diagnosis_sentiment_multiclass")
    report_and_timeline(page, "multiclass", "sentiment_multiclass")


def test_upload_with_a_regression_target_on_the_diagnosis_page(page, app_url, tmp_path) -> None:
    """Two CSV files of a numeric target and its forecast, uploaded through the real file uploader: the Data
    page reads a regression model and the Diagnosis shows its MAE."""
    paths = (tmp_path / "sales_reference.csv", tmp_path / "sales_production.csv")
    regression_side(1500, 0.0, 1).to_csv(paths[0], index=False)
    regression_side(800, 0.6, 2).to_csv(paths[1], index=False)
    page.goto(app_url)
    page.get_by_test_id("stMetric").first.wait_for()
    wait_idle(page)
    upload_pair(page, *paths)
    go_to(page, "Data", "dataset")
    main = page.get_by_test_id("stMain")
    main.get_by_text("Regression model").first.wait_for()
    go_to(page, "Diagnosis", "diagnose")
    main.get_by_role("button", name="Run all steps at once").click()
    wait_idle(page)
    main.get_by_text("VERDICT", exact=True).wait_for()
    assert_clean(page, "diagnosis of an uploaded regression model")
    main.get_by_test_id("stMetric").filter(has=page.get_by_text("MAE", exact=True)).first.wait_for()
    screenshot(page, "diagnosis_upload_regression")
    report_and_timeline(page, "regression", "upload_regression")


def report_and_timeline(page, task: str, name: str) -> None:
    """The Report (its exports) and the Timeline (monitored in the task's metrics) of the model shown."""
    main = page.get_by_test_id("stMain")
    go_to(page, "Report", "stakeholder-report")
    main.get_by_test_id("stDownloadButton").first.wait_for()
    assert_clean(page, f"report of the {task} model")
    screenshot(page, f"report_{name}")
    go_to(page, "Timeline", "batch-timeline")
    main.get_by_text("Batches monitored").wait_for()
    wait_idle(page)
    assert_clean(page, f"timeline of the {task} model")
    assert main.get_by_text(re.compile(f"task {task}")).count() >= 1
    screenshot(page, f"timeline_{name}")

"""The Diagnosis and Report pages in a real browser (Debian's Chromium via Playwright).

Walks the stepper with its "Next step" buttons from the input check to the verdict on a credit batch,
downloads the HTML report from the Report page, and checks that a column named like an HTML payload
shows as text (no ``<img>`` element, no alert).  Full-page screenshots go to ``tests/e2e/screenshots/``.
The server, browser and helpers are those of ``test_browser.py`` (one streamlit server for this file).
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from drift.data.scenarios import load_scenario
from drift.diagnosis.diagnose import STEP_KEYS, VERDICT_LABELS
from tests.e2e import test_browser as base
from tests.e2e.test_browser import assert_no_dialog, assert_no_exception, open_dropdown, screenshot, wait_idle

pytestmark = pytest.mark.e2e

BATCH = "2025-03"
HOSTILE = "<img src=x onerror=alert(1)>"


def pick_batch(page, batch: str) -> None:
    """Choose the batch in the Diagnosis page's own picker (shown while the sidebar says all batches)."""
    main = page.get_by_test_id("stMain")
    select = main.get_by_test_id("stSelectbox").filter(has_text="Batch to diagnose")
    for _ in range(3):    # a click that lands while the page reruns (a loaded machine) is lost: try again
        options = open_dropdown(page, select)
        options.filter(has_text=batch).first.click()
        wait_idle(page)
        if select.count() == 0 or batch in select.first.inner_text():   # the picker goes once one is set
            break
        page.keyboard.press("Escape")
    main.get_by_role("button", name=re.compile(r"Next step")).wait_for()


def assert_clean(page, where: str) -> None:
    assert_no_exception(page, where)
    assert_no_dialog(page, where)
    assert page.get_by_test_id("stAlertContentError").count() == 0, f"{where}: an error is shown"


def test_walk_the_stepper_and_download_the_report(page, app_url) -> None:
    truth = load_scenario("credit").manifest.set_index("batch").loc[BATCH, "kind"]
    page.goto(f"{app_url}/diagnose")
    main = page.get_by_test_id("stMain")
    main.get_by_text("Showing batch").wait_for()     # opens on the most drifted batch, said so
    wait_idle(page)
    assert_clean(page, "diagnosis, the batch it opens on")
    pick_batch(page, BATCH)
    assert_clean(page, f"diagnosis of {BATCH}")
    screenshot(page, "diagnosis_step0_inputs")

    for i, key in enumerate(STEP_KEYS):
        heading = main.locator("h3").filter(has_text=re.compile(rf"^{i} · "))
        heading.wait_for()
        assert main.get_by_text("Why this step.").count() >= 1
        if key == "concept":
            screenshot(page, "diagnosis_step2_concept")
        main.get_by_role("button", name=re.compile(r"Next step")).click()
        wait_idle(page)
        assert_clean(page, f"after step {key}")

    main.get_by_text("VERDICT", exact=True).wait_for()
    assert main.get_by_text(VERDICT_LABELS[truth]).count() >= 1, "the verdict should name the injected change"
    assert main.get_by_text("The verdict matches the injected change.").count() == 1
    assert main.get_by_test_id("stExpander").count() >= len(STEP_KEYS)
    screenshot(page, "diagnosis_verdict")

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Report").click()
    page.wait_for_url(re.compile(r"/stakeholder-report(\?.*)?$"))
    wait_idle(page)
    buttons = main.get_by_test_id("stDownloadButton")
    buttons.first.wait_for()
    assert buttons.count() == 2
    assert main.get_by_text("What we recommend").count() >= 1
    assert_clean(page, "report")
    screenshot(page, "report")
    with page.expect_download() as info:
        buttons.filter(has_text="HTML").get_by_role("button").click()
    html = open(info.value.path(), encoding="utf-8").read()
    assert html.lstrip().lower().startswith("<!doctype html") and len(html) > 1_000_000  # plotly.js inside
    assert "Plotly.newPlot" in html or "plotly" in html.lower()
    assert_clean(page, "report after download")


def test_hostile_column_name_shows_as_text(page, app_url, sample_files, tmp_path) -> None:
    files = []
    for src, name in zip(sample_files, ("ref_x.csv", "cur_x.csv"), strict=True):  # short: shown untruncated
        path = tmp_path / name
        pd.read_csv(src).rename(columns={"age": HOSTILE}).to_csv(path, index=False)
        files.append(path)
    alerts: list[str] = []
    page.on("dialog", lambda d: (alerts.append(d.message), d.dismiss()))
    page.goto(app_url)
    page.get_by_test_id("stMetric").first.wait_for()
    wait_idle(page)
    base.upload_pair(page, files[0], files[1])

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Diagnosis").click()
    page.wait_for_url(re.compile(r"/diagnose(\?.*)?$"))
    wait_idle(page)
    pick_batch(page, BATCH)
    main = page.get_by_test_id("stMain")
    main.get_by_role("button", name="Run all steps at once").click()
    wait_idle(page)
    main.get_by_text("VERDICT", exact=True).wait_for()
    assert_clean(page, "diagnosis of the hostile upload")
    assert main.get_by_text(HOSTILE).count() >= 1, "the column name should be shown, as text"
    assert page.locator('img[src="x"]').count() == 0, "a column name became an element"
    main.get_by_test_id("stExpander").first.locator("summary").click()   # open step 0: the drifted names
    main.get_by_text(HOSTILE).first.wait_for()
    assert page.locator('img[src="x"]').count() == 0
    screenshot(page, "diagnosis_hostile_column")

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Report").click()
    page.wait_for_url(re.compile(r"/stakeholder-report(\?.*)?$"))
    wait_idle(page)
    main.get_by_test_id("stDownloadButton").first.wait_for()
    assert_clean(page, "report of the hostile upload")
    assert page.locator('img[src="x"]').count() == 0
    assert not alerts, f"a script ran: {alerts}"

"""The exported HTML report in a real browser: it opens offline, draws its charts, and shows hostile
column names as text.

The report is built from the credit sample's unit-change month with two columns renamed to
``<img src=x onerror=alert(1)>`` and ``</script><script>alert(1)</script>``, opened from a ``file://``
URL in Debian's Chromium (Playwright) with every non-file request recorded.  A full-page screenshot
goes to ``tests/e2e/screenshots/report.png`` (git-ignored).

Chromium missing: the test skips locally, and fails when ``CI=true``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import drift
from drift.diagnosis.diagnose import diagnose
from drift.model.impact import business_impact, impact_inputs
from drift.report.build import build_report
from tests.e2e.test_browser import ROOT, SCREENSHOTS

pytestmark = pytest.mark.e2e

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "</script><script>alert(1)</script>"


@pytest.fixture(scope="module")
def report_file(tmp_path_factory) -> Path:
    ref = drift.load_table(ROOT / "data" / "credit_reference_sample.csv")
    prod = drift.load_table(ROOT / "data" / "credit_production_sample.csv")
    cur = prod[prod["batch"] == "2025-05"].drop(columns=["batch", "month"]).reset_index(drop=True)
    names = {"income": IMG, "region": SCRIPT}
    ref, cur = ref.rename(columns=names), cur.rename(columns=names)
    d = diagnose(ref, cur, target="default", prediction="score", rng=0)
    impact = business_impact(ref, cur, target="default", prediction="score", rng=0,
                             inputs=impact_inputs(decisions_per_month=20_000, cost_false_positive=120,
                                                  cost_false_negative=900))
    report = build_report(d, title="Credit model — May 2025", impact=impact,
                          reference_name="credit_reference_sample.csv", current_name="2025-05")
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(report.to_html(), encoding="utf-8")
    return path


def test_report_opens_offline_with_charts_and_escaped_names(browser, report_file):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    console_errors, page_errors, dialogs, requests = [], [], [], []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page_errors.append(str(e)))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("request", lambda r: requests.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
    try:
        page.goto(report_file.as_uri(), wait_until="load")
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 3",
                               timeout=60_000)
        page.wait_for_timeout(500)  # let the on-load resize settle before looking

        assert page.locator(".js-plotly-plot").count() >= 5  # PSI, prediction bins, performance x2, ...
        assert page.locator(".js-plotly-plot .main-svg").count() >= 3
        assert page.locator("h1").inner_text() == "Credit model — May 2025"
        assert "Data-quality problem" in page.locator(".banner").inner_text()

        # hostile names are text: in the feature table, the summary, and the chart axis labels
        assert page.locator("td.name", has_text=IMG).count() == 1
        assert page.locator("td.name", has_text=SCRIPT).count() == 1
        assert IMG in page.locator(".summary").first.inner_text()
        assert page.locator(".js-plotly-plot .ytick text", has_text=IMG).count() >= 1
        assert page.locator("img").count() == 0  # the report itself has no <img>: none was injected
        impact = page.locator(".impact").inner_text()
        assert "with assumed figures" in impact.lower() and "assumed — edit to your figures" in impact
        assert page.evaluate("document.querySelectorAll('script').length") \
            == page.evaluate("document.documentElement.outerHTML.split('<script').length - 1")

        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "report.png"), full_page=True)
    finally:
        page.close()
    assert dialogs == [], f"an alert fired: {dialogs}"
    assert page_errors == [], page_errors
    assert console_errors == [], console_errors
    assert requests == [], f"the report made network requests: {requests}"

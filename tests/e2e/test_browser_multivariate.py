"""The Domain Classifier and Embeddings pages in a real browser, on the credit scenario and on an upload
with embedding columns.

The session's ``streamlit run`` (tests/e2e/conftest.py); the Embeddings page is opened with UMAP and
the test waits until the map says UMAP (the PCA stand-in is shown while a fresh server's background
warm-up compiles UMAP).  Full-page screenshots go to ``tests/e2e/screenshots/``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.e2e import test_browser as base

assert_no_dialog, assert_no_exception, go_to = base.assert_no_dialog, base.assert_no_exception, base.go_to
open_dropdown, screenshot, wait_idle = base.open_dropdown, base.screenshot, base.wait_idle

pytestmark = pytest.mark.e2e

CREDIT_BATCH = "2025-03"
UMAP_TIMEOUT = 240_000   # ms: the warm-up compiles numba code once per server process


def assert_no_error(page, where: str) -> None:
    assert_no_exception(page, where)
    errors = page.get_by_test_id("stMain").locator('[data-testid="stAlertContentError"]')
    assert errors.count() == 0, f"{where}: {errors.first.inner_text()[:1000]}"


def wait_map(page, method: str) -> None:
    """Wait until the map's caption says it was drawn with ``method`` (UMAP replaces the PCA stand-in)."""
    main = page.get_by_test_id("stMain")
    main.get_by_text(f"{method} of ", exact=False).first.wait_for(timeout=UMAP_TIMEOUT)
    wait_idle(page)


@pytest.fixture(scope="module")
def embedding_files(tmp_path_factory) -> tuple[Path, Path]:
    gen = np.random.default_rng(11)
    folder = tmp_path_factory.mktemp("emb_upload")

    def frame(n: int, shift: float) -> pd.DataFrame:
        emb = gen.normal(size=(n, 8))
        emb[:, :2] += shift
        df = pd.DataFrame(emb.round(5), columns=[f"emb_{i}" for i in range(8)])
        df.insert(0, "amount", gen.gamma(2.0, 50.0, size=n).round(2))
        df.insert(1, "segment", gen.choice(["a", "b", "c"], size=n))
        return df

    ref, cur = folder / "emb_reference.csv", folder / "emb_production.csv"
    frame(800, 0.0).to_csv(ref, index=False)
    frame(500, 0.8).to_csv(cur, index=False)
    return ref, cur


def test_credit_scenario_both_pages(page, app_url) -> None:
    page.goto(app_url)
    page.get_by_test_id("stMetric").first.wait_for()
    wait_idle(page)
    main = page.get_by_test_id("stMain")

    go_to(page, "Domain Classifier", "domain-classifier")
    main.get_by_test_id("stMetric").filter(has_text="Domain classifier AUC").wait_for()
    main.get_by_test_id("stDataFrame").first.wait_for()
    wait_idle(page)
    assert main.get_by_test_id("stPlotlyChart").count() >= 2
    assert_no_error(page, "domain classifier (all batches)")
    assert_no_dialog(page, "domain classifier")

    batch = page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").filter(has_text="Production batch")
    options = open_dropdown(page, batch)
    options.filter(has_text=CREDIT_BATCH).first.click()
    wait_idle(page)
    main.get_by_text(f"Ground truth of batch {CREDIT_BATCH}").wait_for()
    main.get_by_test_id("stMetric").filter(has_text="Domain classifier AUC").wait_for()
    assert_no_error(page, f"domain classifier ({CREDIT_BATCH})")
    screenshot(page, f"domain_classifier_credit_{CREDIT_BATCH}")

    go_to(page, "Embeddings", "embedding-map")
    wait_map(page, "UMAP")
    main.get_by_test_id("stMetric").filter(has_text="MMD²").wait_for()
    assert main.get_by_test_id("stPlotlyChart").count() >= 2
    assert_no_error(page, "embeddings (UMAP)")
    screenshot(page, f"embeddings_credit_{CREDIT_BATCH}_umap")

    main.get_by_test_id("stButtonGroup").get_by_text("P(production)", exact=True).click()
    wait_idle(page)
    wait_map(page, "UMAP")
    assert_no_error(page, "embeddings coloured by P(production)")
    screenshot(page, f"embeddings_credit_{CREDIT_BATCH}_pprod")


def test_upload_with_embeddings_both_pages(page, app_url, embedding_files) -> None:
    reference, production = embedding_files
    page.goto(app_url)
    page.get_by_test_id("stMetric").first.wait_for()
    wait_idle(page)
    base.upload_pair(page, reference, production)
    main = page.get_by_test_id("stMain")

    go_to(page, "Domain Classifier", "domain-classifier")
    main.get_by_test_id("stMetric").filter(has_text="Domain classifier AUC").wait_for()
    main.get_by_text(reference.name).first.wait_for()
    wait_idle(page)
    assert_no_error(page, "domain classifier (upload)")
    screenshot(page, "domain_classifier_upload_embeddings")

    go_to(page, "Embeddings", "embedding-map")
    main.get_by_text("8 dimensions", exact=False).first.wait_for()
    wait_map(page, "UMAP")
    main.get_by_test_id("stMetric").filter(has_text="MMD²").wait_for()
    assert_no_error(page, "embeddings (upload)")
    screenshot(page, "embeddings_upload_umap")

    main.get_by_test_id("stButtonGroup").get_by_text("PCA", exact=True).click()
    wait_idle(page)
    wait_map(page, "PCA")
    assert_no_error(page, "embeddings (upload, PCA)")
    screenshot(page, "embeddings_upload_pca")

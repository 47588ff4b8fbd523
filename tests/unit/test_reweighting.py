"""Importance weights for muted features (drift.monitoring.reweighting) and the monitor's reweighted score
detectors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit

from drift.model.performance import classification_metrics, expected_metrics
from drift.model.prediction import prediction_drift
from drift.monitoring.monitor import monitor
from drift.monitoring.reweighting import MAX_WEIGHT, UNSEEN_MAX_SHARE, WEIGHT_BINS, JointBins
from drift.stats.binning import quantile_edges, weighted_quantile_edges
from drift.stats.samples import SortedSample, sort_sample, sorted_quantiles, weighted_sorted_quantiles

SCORE_DETECTORS = ("prediction", "performance", "estimated_performance")


# ------------------------------------------------------------------------------ weighted quantiles
def test_weighted_quantiles_equal_numpy_on_the_repeated_sample():
    """Whole-number weights give the bits of numpy.quantile / quantile_edges on np.repeat(values, w)."""
    rng = np.random.default_rng(0)
    for trial in range(400):
        n = int(rng.integers(1, 50))
        values = np.sort(rng.choice([0.1, 0.2, 0.5, 0.7], n) if trial % 2 else rng.normal(size=n))
        w = rng.integers(0, 4, n)
        if w.sum() == 0:
            continue
        repeated = np.repeat(values, w)
        levels = [0.05, 0.1, 0.5, 0.9, 0.99]
        np.testing.assert_array_equal(weighted_sorted_quantiles(values, w.astype(float), levels),
                                      np.quantile(repeated, levels))
        np.testing.assert_array_equal(weighted_quantile_edges(values, w.astype(float), 10),
                                      quantile_edges(SortedSample(repeated, 0), 10))
    # scaling fractional weights moves the quantiles by less than a value's spacing
    values = np.linspace(0, 1, 1001)
    w = np.where(values < 0.5, 2 / 3, 2.0)
    np.testing.assert_allclose(weighted_sorted_quantiles(values, w, [0.25, 0.5]),
                               sorted_quantiles(np.repeat(values, (3 * w).round().astype(int)), (0.25, 0.5)),
                               atol=2e-3)


# ------------------------------------------------------------------------------ JointBins by hand
def test_weights_of_one_numeric_feature_are_decile_share_ratios():
    reference = pd.DataFrame({"season": np.arange(1000.0)})           # deciles [0, 100), [100, 200) ...
    bins = JointBins(reference, {"season": "numeric"})
    batch = pd.DataFrame({"season": np.r_[np.full(30, 50.0), np.full(70, 950.0)]})
    r = bins.weights(batch)
    expected = np.zeros(1000)
    expected[:100], expected[900:] = 0.3 / 0.1, 0.7 / 0.1             # share in batch / share in reference
    np.testing.assert_allclose(r.weights, expected, rtol=1e-12)
    assert r.weights.sum() == pytest.approx(1000) and r.unseen_share == 0 and r.reason == ""
    assert r.effective_size == pytest.approx(1000 ** 2 / (100 * 9 + 100 * 49))          # Kish
    same = bins.weights(reference)
    np.testing.assert_allclose(same.weights, 1.0)
    assert same.effective_size == pytest.approx(1000)


def test_weights_are_clipped_and_rescaled():
    reference = pd.DataFrame({"c": ["rare"] * 2 + ["common"] * 998})
    bins = JointBins(reference, {"c": "categorical"})
    r = bins.weights(pd.DataFrame({"c": ["rare"] * 50 + ["common"] * 50}))
    raw = np.where(reference["c"] == "rare", min(0.5 / 0.002, MAX_WEIGHT), 0.5 / 0.998)
    np.testing.assert_allclose(r.weights, raw * 1000 / raw.sum(), rtol=1e-12)


def test_joint_cells_and_missing_values():
    rng = np.random.default_rng(3)
    reference = pd.DataFrame({"x": rng.uniform(0, 1, 2000), "c": rng.choice(["a", "b"], 2000)})
    reference.loc[:99, "c"] = None                                       # missing is a category of its own
    bins = JointBins(reference, {"x": "numeric", "c": "categorical"})
    batch = reference.sample(500, random_state=1)
    r = bins.weights(batch)
    edges = quantile_edges(sort_sample(reference["x"]), WEIGHT_BINS)

    def cell(f: pd.DataFrame) -> pd.Series:                              # an independent cell label
        return pd.Series(np.searchsorted(edges, f["x"], side="right"), index=f.index).astype(str) + "|" \
            + f["c"].fillna("NA")

    ref_share = cell(reference).map(cell(reference).value_counts(normalize=True))
    bat_share = cell(reference).map(cell(batch).value_counts(normalize=True)).fillna(0)
    raw = np.minimum(bat_share / ref_share, MAX_WEIGHT).to_numpy()
    np.testing.assert_allclose(r.weights, raw * 2000 / raw.sum(), rtol=1e-12)


@pytest.mark.parametrize("batch, what", [
    (pd.DataFrame({"x": [0.5] * 98 + [1.5] * 2, "c": ["a"] * 100}), "x in [0"),     # beyond the max
    (pd.DataFrame({"x": [0.5] * 98 + [0.2] * 2, "c": ["a"] * 98 + ["z"] * 2}), "c among its 2"),
    (pd.DataFrame({"x": [0.5] * 98 + [np.nan] * 2, "c": ["a"] * 100}), "x in [0"),   # no missing in ref
])
def test_values_the_reference_never_saw_give_no_weights(batch, what):
    rng = np.random.default_rng(4)
    reference = pd.DataFrame({"x": rng.uniform(0, 1, 1000), "c": rng.choice(["a", "b"], 1000)})
    bins = JointBins(reference, {"x": "numeric", "c": "categorical"})
    r = bins.weights(batch)
    assert r.weights is None and r.unseen_share == pytest.approx(0.02) and np.isnan(r.effective_size)
    assert "2% of its rows hold muted values the reference never saw" in r.reason and what in r.reason
    tolerated = bins.weights(pd.concat([batch.iloc[:98]] * 10 + [batch.iloc[98:99]]))   # under the share
    assert tolerated.weights is not None and 0 < tolerated.unseen_share <= UNSEEN_MAX_SHARE


# ------------------------------------------------------------------------------ the monitor
def seasonal(n: int, rng: np.random.Generator, lo: float, hi: float, shift: float = 0.0) -> pd.DataFrame:
    """A calendar feature ``season`` in [lo, hi] that the model reads (scores and labels follow it), two
    other features; the label is drawn from the (calibrated) score."""
    frame = pd.DataFrame({"season": np.round(rng.uniform(lo, hi, n), 3), "x1": rng.normal(shift, 1, n),
                          "x2": rng.normal(size=n)})
    frame["score"] = expit(-0.5 + 3.0 * (frame["season"] - 0.5) + 0.8 * frame["x1"] + 0.3 * frame["x2"])
    frame["label"] = (rng.random(n) < frame["score"]).astype(np.int64)
    return frame


def test_reweighted_numbers_equal_the_library_on_the_repeated_reference():
    """Hand case: the reference holds two seasons half and half, the batch only the first: the weights are
    2 and 0, so the reweighted reference is the first season's rows, each twice.  The batch's prediction
    PSI and the baselines its performance is compared with equal prediction_drift, classification_metrics
    and CBPE on np.repeat of the reference.  A 25/75 reference and a 50/50 batch: weights 2 and 2/3, the
    reference repeated 6 and 2 times is the same distribution: the baselines are equal, the PSI within
    10 % (fractional weights put a decile edge at a row of their own, as np.repeat's thrice-larger sample
    does not quite: 2 of 2,000 rows change bins here) and CBPE's ROC AUC within 2e-4 (it leaves out the
    pairs of a row's copies with each other, whose number does not scale with the weights)."""
    rng = np.random.default_rng(11)
    reference = pd.concat([seasonal(1500, rng, 0.0, 0.2), seasonal(1500, rng, 0.8, 1.0)], ignore_index=True)
    reference["season"] = np.where(reference["season"] < 0.5, "spring", "autumn")
    batch = seasonal(600, rng, 0.0, 0.2).assign(season="spring")
    res = monitor(reference, [("b", batch)], target="label", prediction="score", detectors=SCORE_DETECTORS,
                  mute=("season",), n_calibration=10)
    w = np.where(reference["season"] == "spring", 2, 0)
    check(res, reference, batch, w, psi_rel=1e-12, cbpe_abs=1e-12)

    quarter = pd.concat([reference[reference["season"] == "spring"].iloc[:500],
                         reference[reference["season"] == "autumn"]], ignore_index=True)     # 25 / 75
    half = pd.concat([seasonal(300, rng, 0.0, 0.2).assign(season="spring"),
                      seasonal(300, rng, 0.8, 1.0).assign(season="autumn")], ignore_index=True)
    res = monitor(quarter, [("b", half)], target="label", prediction="score", detectors=SCORE_DETECTORS,
                  mute=("season",), n_calibration=10)
    check(res, quarter, half, np.where(quarter["season"] == "spring", 6, 2), psi_rel=0.1, cbpe_abs=2e-4)


def check(res, reference: pd.DataFrame, batch: pd.DataFrame, repeats: np.ndarray, psi_rel: float,
          cbpe_abs: float) -> None:
    from sklearn.isotonic import IsotonicRegression

    wide = res.metrics.pivot(index="batch", columns="metric", values="value").loc["b"]
    base = res.metrics.pivot(index="batch", columns="metric", values="baseline").loc["b"]
    rep = reference.loc[reference.index.repeat(repeats)]
    assert wide["prediction_psi"] == pytest.approx(
        prediction_drift(rep["score"], batch["score"], bins=10).statistic, rel=psi_rel)
    m = classification_metrics(rep["label"].to_numpy(), rep["score"].to_numpy())
    assert base["roc_auc"] == pytest.approx(m["roc_auc"], abs=1e-12)
    assert base["accuracy"] == pytest.approx(m["accuracy"], abs=1e-12)
    iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(reference["score"],
                                                                             reference["label"])
    e = expected_metrics(iso.predict(rep["score"]), rep["score"].to_numpy())
    assert base["estimated_roc_auc"] == pytest.approx(e["roc_auc"], abs=cbpe_abs)
    assert base["estimated_accuracy"] == pytest.approx(e["accuracy"], abs=1e-12)
    cal = res.calibration[res.calibration["detector"].isin(SCORE_DETECTORS)]
    assert set(cal["mode"]) == {"reweighted"} and set(cal["batch"]) == {"b"}
    assert any("reweighted to the batch's distribution of the muted season" in n for n in res.notes)


def test_clean_batches_from_other_seasons_do_not_alarm_once_the_season_is_muted():
    """The reference spans the whole year (season 0-1); batches come from one part of it each.  The scores
    follow the season, so the prediction PSI of every such batch is beyond the reference-wide threshold;
    muted, the reweighted reference takes the batch's season and only chance alarms are left.  A real
    change of another feature the model reads (x1 + 0.5 sd) still alarms with the season muted."""
    rng = np.random.default_rng(21)
    reference = seasonal(8000, rng, 0.0, 1.0)
    parts = [(0.0, 0.2), (0.2, 0.4), (0.6, 0.8), (0.8, 1.0), (0.0, 0.25), (0.75, 1.0)]
    batches = [(f"s{k}", seasonal(800, rng, lo, hi)) for k, (lo, hi) in enumerate(parts)]
    batches.append(("shifted", seasonal(800, rng, 0.0, 0.2, shift=0.5)))
    options = dict(target="label", prediction="score", detectors=SCORE_DETECTORS, quantile=0.99, rng=1)
    loud = monitor(reference, batches, **options).detector_alerts()
    quiet_res = monitor(reference, batches, mute=("season",), **options)
    quiet = quiet_res.detector_alerts()
    clean = [label for label, _ in batches if label != "shifted"]
    assert loud.loc[clean, "prediction"].all()
    assert not quiet.loc[clean, "prediction"].any()
    assert quiet.loc[clean].to_numpy().sum() <= 1                 # chance alarms: 18 detector-batches at 1 %
    assert quiet.loc["shifted", "prediction"]
    assert set(quiet_res.calibration.loc[quiet_res.calibration["detector"] == "prediction", "mode"]) \
        == {"reweighted"}


def test_muted_values_the_reference_never_saw_fall_back_to_the_unweighted_reference():
    """A batch from a season beyond the reference's range cannot be reweighted to: a note names it, and its
    score-based numbers are those of the run without muting (same value, threshold and baseline)."""
    rng = np.random.default_rng(22)
    reference = seasonal(4000, rng, 0.0, 0.5)
    batches = [("inside", seasonal(500, rng, 0.0, 0.2)), ("beyond", seasonal(500, rng, 0.6, 0.8))]
    options = dict(target="label", prediction="score", detectors=SCORE_DETECTORS, n_calibration=20, rng=2)
    plain = monitor(reference, batches, **options)
    muted = monitor(reference, batches, mute=("season",), **options)
    notes = [n for n in muted.notes if "never saw" in n]
    assert len(notes) == 1 and notes[0].startswith("beyond: more than 1% of the rows hold muted values")
    assert "season in [0, 0.5]" in notes[0] and "compare with the unweighted reference" in notes[0]
    columns = ["value", "threshold", "baseline", "alert"]
    a, b = (r.metrics.set_index(["batch", "metric"]).loc["beyond", columns] for r in (plain, muted))
    pd.testing.assert_frame_equal(a, b)
    a, b = (r.metrics.set_index(["batch", "metric"]).loc["inside", "threshold"] for r in (plain, muted))
    assert not np.allclose(a.dropna(), b.dropna())                    # the other batch was reweighted
    cal = muted.calibration
    assert list(cal.loc[cal["mode"] == "reweighted", "batch"].unique()) == ["inside"]

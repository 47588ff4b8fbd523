"""Estimated performance without labels: multiclass CBPE and regression direct loss estimation (DLE).

Against independent computations: expected metrics by hand; on perfectly calibrated synthetic
probabilities the estimate equals the expected value (computed from the true probabilities, never seen by
the estimator) and the realised value falls in the interval about as often as promised; DLE on a known
heteroscedastic noise recovers the true mean absolute and squared error of a shifted batch.  Every bad
input raises a DriftError naming the side and the column.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm

import drift
from drift.core.errors import DriftInputError, DriftParameterError, TooFewRowsError
from drift.model.class_estimation import expected_class_metrics
from drift.model.loss_estimation import MIN_LOSS_ROWS

CLASSES = ("neg", "neu", "pos")


def _draw(p: np.ndarray, gen: np.random.Generator) -> np.ndarray:
    """One class index per row from the rows' categorical distributions."""
    return (gen.random(len(p))[:, None] > p.cumsum(axis=1)[:, :-1]).sum(axis=1)


def _labels(index: np.ndarray) -> pd.Series:
    return pd.Series(np.asarray(CLASSES, dtype=object)[index], name="sentiment")


def _proba(p: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(p, columns=[f"proba_{c}" for c in CLASSES])


# --- multiclass: the expected metrics -------------------------------------------------------------------
def test_expected_class_metrics_by_hand():
    q = np.array([[0.7, 0.2, 0.1], [0.1, 0.6, 0.3], [0.2, 0.2, 0.6], [0.5, 0.4, 0.1]])
    pred = np.array([0, 1, 2, 1])
    accuracy, macro_f1 = expected_class_metrics(q, pred)
    assert accuracy == pytest.approx((0.7 + 0.6 + 0.6 + 0.4) / 4)
    # class 0: E[TP] = 0.7, predicted 1, E[support] = 1.5 -> F1 = 1.4 / 2.5
    # class 1: E[TP] = 1.0, predicted 2, E[support] = 1.4 -> F1 = 2.0 / 3.4
    # class 2: E[TP] = 0.6, predicted 1, E[support] = 1.1 -> F1 = 1.2 / 2.1
    assert macro_f1 == pytest.approx(np.mean([1.4 / 2.5, 2.0 / 3.4, 1.2 / 2.1]))
    # one-hot q: the expected metrics are the realised ones (scikit-learn)
    y = np.array([0, 2, 2, 1, 0, 1])
    pred = np.array([0, 2, 1, 1, 1, 1])
    expected = expected_class_metrics(np.eye(3)[y], pred)
    np.testing.assert_allclose(expected, [skm.accuracy_score(y, pred),
                                          skm.f1_score(y, pred, average="macro")])


@pytest.fixture(scope="module")
def calibrated() -> dict:
    """A perfectly calibrated 3-class model: labels drawn from its probabilities; the current batch sits
    where the model is less sure (flatter Dirichlet), so its expected accuracy is lower."""
    gen = np.random.default_rng(0)
    p_ref = gen.dirichlet([0.6, 0.6, 0.6], 8_000)
    p_cur = gen.dirichlet([2.0, 2.0, 2.0], 2_000)
    return {"p_ref": p_ref, "y_ref": _labels(_draw(p_ref, gen)), "p_cur": p_cur,
            "y_cur": _labels(_draw(p_cur, gen))}


def test_cbpe_on_calibrated_probabilities_equals_the_expected_value(calibrated):
    c = calibrated
    est = drift.estimated_multiclass_performance(c["y_ref"], _proba(c["p_ref"]), _proba(c["p_cur"]),
                                                 classes=CLASSES, rng=1)
    truth = expected_class_metrics(c["p_cur"], c["p_cur"].argmax(axis=1))
    assert est.estimate("accuracy") == pytest.approx(truth[0], abs=0.01)
    assert est.estimate("macro_f1") == pytest.approx(truth[1], abs=0.01)
    assert est.task == "multiclass" and est.n_current == 2000 and "concept drift" in est.caveat
    # the batch moved to where the model is less sure: the estimate falls with it
    assert est.change("accuracy") < -0.1
    # the realised values of this batch lie in the interval, which is about as wide as sampling needs:
    realised = drift.multiclass_performance(c["y_cur"], _labels(c["p_cur"].argmax(axis=1)), classes=CLASSES)
    for metric, value in (("accuracy", realised.accuracy), ("macro_f1", realised.macro_f1)):
        lo, hi = est.interval(metric)
        assert lo < value < hi, metric
    lo, hi = est.interval("accuracy")
    sd = np.sqrt(np.sum(truth_acc := c["p_cur"].max(axis=1) * (1 - c["p_cur"].max(axis=1)))) / 2000
    assert truth_acc.size == 2000 and 3.5 * sd < hi - lo < 6 * sd        # 2 * 1.96 sd, plus the calibration's
    # the reference columns: realised as scikit-learn computes them, estimated close to it (in-sample)
    table = est.table
    y_ref_index = pd.Categorical(c["y_ref"], categories=CLASSES).codes
    pred_ref = c["p_ref"].argmax(axis=1)
    assert table.loc["accuracy", "reference_realised"] == pytest.approx(
        skm.accuracy_score(y_ref_index, pred_ref))
    assert table.loc["macro_f1", "reference_realised"] == pytest.approx(
        skm.f1_score(y_ref_index, pred_ref, average="macro"))
    assert table.loc["accuracy", "reference_estimated"] == pytest.approx(
        table.loc["accuracy", "reference_realised"], abs=0.005)
    assert list(est.to_dict()["table"][0]) == ["metric", "reference_estimated", "reference_realised",
                                                "current_estimated", "lo", "hi", "change"]


def test_cbpe_calibrates_overconfident_probabilities(calibrated):
    """The model reports sharpened probabilities (p² renormalised); labels follow the true p.  Without
    calibration the expected accuracy would be far too high; with it, the truth is recovered."""
    c = calibrated

    def sharpen(p):
        return p ** 2 / np.sum(p ** 2, axis=1, keepdims=True)

    est = drift.estimated_multiclass_performance(c["y_ref"], _proba(sharpen(c["p_ref"])),
                                                 _proba(sharpen(c["p_cur"])), classes=CLASSES, rng=1)
    truth = expected_class_metrics(c["p_cur"], c["p_cur"].argmax(axis=1))[0]
    naive = sharpen(c["p_cur"]).max(axis=1).mean()
    assert naive - truth > 0.08
    assert est.estimate("accuracy") == pytest.approx(truth, abs=0.015)


def test_cbpe_interval_covers_the_realised_accuracy_as_promised():
    """20 calibrated batches of 300 rows, one calibration: the 90 % interval holds the realised accuracy
    in at least 15 (P(X <= 14) = 1.1 % for X ~ Binomial(20, 0.9))."""
    gen = np.random.default_rng(5)
    p_ref = gen.dirichlet([0.8, 0.8, 0.8], 3_000)
    calibration = drift.fit_class_calibration(_labels(_draw(p_ref, gen)), _proba(p_ref), classes=CLASSES,
                                              rng=0)
    hits = 0
    for seed in range(20):
        p = gen.dirichlet([1.2, 1.2, 1.2], 300)
        y = _draw(p, gen)
        est = drift.estimated_multiclass_performance(None, None, _proba(p), calibration=calibration,
                                                     confidence=0.9, n_simulations=200, rng=seed)
        lo, hi = est.interval("accuracy")
        hits += lo <= np.mean(y == p.argmax(axis=1)) <= hi
    assert hits >= 15


def test_cbpe_degenerate_inputs(calibrated):
    c = calibrated
    cal = drift.fit_class_calibration(c["y_ref"], _proba(c["p_ref"]), classes=CLASSES)
    # a class the model never predicts in the batch: estimated, with a note
    p = np.tile([0.2, 0.1, 0.7], (50, 1))
    est = drift.estimated_multiclass_performance(None, None, _proba(p), calibration=cal)
    assert any("'neg', 'neu' never predicted" in n for n in est.notes)
    assert np.isfinite(est.estimate("macro_f1"))
    # rows without probabilities are left out, with a note
    p_missing = _proba(c["p_cur"][:10]).astype(float)
    p_missing.iloc[0, 1] = np.nan
    est = drift.estimated_multiclass_performance(None, None, p_missing, calibration=cal)
    assert est.n_current == 9 and any("1 row(s)" in n for n in est.notes)
    # a class absent from the reference labels cannot be calibrated
    y = c["y_ref"].replace("neu", "neg")
    with pytest.raises(DriftInputError, match="reference.*sentiment.*'neu' never occurs"):
        drift.fit_class_calibration(y, _proba(c["p_ref"]), classes=CLASSES)
    with pytest.raises(DriftInputError, match="labels outside the classes"):
        drift.fit_class_calibration(c["y_ref"].replace("neu", "meh"), _proba(c["p_ref"]), classes=CLASSES)
    with pytest.raises(TooFewRowsError, match="too few to calibrate"):
        drift.fit_class_calibration(c["y_ref"][:5], _proba(c["p_ref"][:5]), classes=CLASSES)
    bad = _proba(c["p_cur"][:10])
    bad.iloc[3, 2] = 1.5
    with pytest.raises(DriftInputError, match="proba_pos"):
        drift.estimated_multiclass_performance(None, None, bad, calibration=cal)
    with pytest.raises(DriftInputError, match="no row with probabilities"):
        drift.estimated_multiclass_performance(None, None, _proba(np.full((3, 3), np.nan)), calibration=cal)
    with pytest.raises(DriftParameterError, match="'classes'"):
        drift.estimated_multiclass_performance(c["y_ref"], _proba(c["p_ref"]), _proba(c["p_cur"]))
    with pytest.raises(DriftParameterError, match="'confidence'"):
        drift.estimated_multiclass_performance(None, None, _proba(p), calibration=cal, confidence=1.0)
    with pytest.raises(DriftParameterError, match="'calibration'"):
        drift.estimated_multiclass_performance(None, None, _proba(p), calibration="isotonic")
    with pytest.raises(DriftParameterError, match="'probabilities'"):
        drift.estimated_multiclass_performance(None, None, _proba(p).iloc[:, :2], calibration=cal)


# --- regression: direct loss estimation -----------------------------------------------------------------
def _noisy(n: int, shift: float, gen: np.random.Generator) -> pd.DataFrame:
    """y = x + sigma(x)·eps with sigma(x) = 0.5·exp(x / 2) and a perfect mean forecast; a categorical
    feature doubles the noise of segment 'b'."""
    x = gen.normal(shift, 1.0, n)
    segment = np.where(gen.random(n) < 0.3 + 0.4 * (shift > 0), "b", "a")
    sigma = 0.5 * np.exp(x / 2) * np.where(segment == "b", 2.0, 1.0)
    return pd.DataFrame({"x": x, "segment": segment, "y": x + sigma * gen.normal(size=n), "forecast": x,
                         "sigma": sigma})


@pytest.fixture(scope="module")
def noisy() -> dict:
    gen = np.random.default_rng(1)
    reference, current = _noisy(3000, 0.0, gen), _noisy(1500, 0.8, gen)
    model = drift.fit_loss_model(reference, target="y", prediction="forecast", features=["x", "segment"],
                                 rng=0)
    return {"reference": reference, "current": current, "model": model}


def test_dle_recovers_the_true_error_of_a_shifted_batch(noisy):
    ref, cur, model = noisy["reference"], noisy["current"], noisy["model"]
    est = drift.estimated_regression_performance(None, cur.drop(columns=["y"]), target="y",
                                                 prediction="forecast", loss_model=model)
    true_mae = np.mean(cur["sigma"]) * np.sqrt(2 / np.pi)          # E|N(0, s²)| = s·sqrt(2/pi)
    true_rmse = np.sqrt(np.mean(cur["sigma"] ** 2))
    assert est.estimate("mae") == pytest.approx(true_mae, rel=0.06)
    assert est.estimate("rmse") == pytest.approx(true_rmse, rel=0.08)
    ref_mae = np.mean(ref["sigma"]) * np.sqrt(2 / np.pi)
    assert est.change("mae") == pytest.approx(true_mae - ref_mae, rel=0.15)
    # realised reference values as scikit-learn computes them; out-of-fold estimates close to them
    table = est.table
    assert table.loc["mae", "reference_realised"] == pytest.approx(
        skm.mean_absolute_error(ref["y"], ref["x"]))
    assert table.loc["rmse", "reference_realised"] == pytest.approx(
        skm.root_mean_squared_error(ref["y"], ref["x"]))
    assert table.loc["mae", "reference_estimated"] == pytest.approx(table.loc["mae", "reference_realised"],
                                                                   rel=0.03)
    # the realised error of the batch is in the interval, which is at least as wide as the noise needs
    realised = (skm.mean_absolute_error(cur["y"], cur["x"]), skm.root_mean_squared_error(cur["y"], cur["x"]))
    for metric, value in zip(("mae", "rmse"), realised, strict=True):
        lo, hi = est.interval(metric)
        assert lo < value < hi, metric
    noise_sd = np.sqrt(np.sum(cur["sigma"] ** 2 * (1 - 2 / np.pi))) / len(cur)   # sd of the realised MAE
    lo, hi = est.interval("mae")
    assert 2 * 1.96 * noise_sd * 0.9 < hi - lo < 2 * 1.96 * noise_sd * 2.5
    assert est.notes == () and est.n_current == 1500


def test_dle_fitted_inside_equals_fitted_once():
    gen = np.random.default_rng(4)
    ref, cur = _noisy(400, 0.0, gen), _noisy(100, 0.5, gen)
    model = drift.fit_loss_model(ref, target="y", prediction="forecast", features=["x", "segment"], rng=3)
    inside = drift.estimated_regression_performance(ref, cur, target="y", prediction="forecast",
                                                    features=["x", "segment"], rng=3)
    pd.testing.assert_frame_equal(inside.table, drift.estimated_regression_performance(
        None, cur, target="y", prediction="forecast", loss_model=model).table)


def test_dle_features_unseen_categories_and_notes():
    gen = np.random.default_rng(2)
    ref = _noisy(600, 0.0, gen).assign(post=[f"text {i}" for i in range(600)],
                                       when=pd.Timestamp("2025-01-01"))
    model = drift.fit_loss_model(ref, target="y", prediction="forecast", rng=0)
    assert model.features == ("x", "segment", "sigma")       # every readable column but the roles
    assert any("'post'" in n and "levels" in n for n in model.notes)
    assert any("'when'" in n and "date" in n for n in model.notes)
    cur = _noisy(200, 0.0, gen).assign(segment="c")             # a level the reference never had
    est = drift.estimated_regression_performance(None, cur, target="y", prediction="forecast",
                                                 loss_model=model)
    assert np.isfinite(est.estimate("mae"))


def test_dle_zero_inflated_target_and_constant_forecast():
    """Zeros in the target (MAPE's degenerate case) are no problem for the loss; a constant forecast is
    estimated from the features alone, with a note."""
    gen = np.random.default_rng(3)
    x = gen.random(1000)
    y = np.where(gen.random(1000) < x, gen.poisson(3, 1000) + 1, 0)
    frame = pd.DataFrame({"x": x, "y": y, "forecast": np.full(1000, 1.0)})
    est = drift.estimated_regression_performance(frame[:700], frame[700:], target="y", prediction="forecast")
    assert any("constant" in n for n in est.notes)
    assert est.estimate("mae") == pytest.approx(np.mean(np.abs(frame["y"][700:] - 1)), rel=0.15)


def test_dle_bad_inputs(noisy):
    ref, cur, model = noisy["reference"], noisy["current"], noisy["model"]
    perfect = ref.assign(forecast=ref["y"])
    with pytest.raises(DriftInputError, match="reference.*forecast.*no error to learn"):
        drift.fit_loss_model(perfect, target="y", prediction="forecast")
    with pytest.raises(TooFewRowsError, match=f"at least {MIN_LOSS_ROWS}"):
        drift.fit_loss_model(ref[:50], target="y", prediction="forecast")
    with pytest.raises(DriftInputError, match="current.*segment.*missing"):
        drift.estimated_regression_performance(None, cur.drop(columns=["segment"]), target="y",
                                               prediction="forecast", loss_model=model)
    with pytest.raises(DriftInputError, match="current.*forecast"):
        drift.estimated_regression_performance(None, cur.assign(forecast="high"), target="y",
                                               prediction="forecast", loss_model=model)
    with pytest.raises(DriftInputError, match="current.*forecast.*infinite"):
        drift.estimated_regression_performance(None, cur.assign(forecast=np.inf), target="y",
                                               prediction="forecast", loss_model=model)
    with pytest.raises(DriftInputError, match="reference.*'nope'.*missing"):
        drift.fit_loss_model(ref, target="nope", prediction="forecast")
    with pytest.raises(DriftParameterError, match="'loss_model'"):
        drift.estimated_regression_performance(None, cur, target="x", prediction="forecast", loss_model=model)
    with pytest.raises(DriftParameterError, match="'features'"):
        drift.fit_loss_model(ref, target="y", prediction="forecast", features=["x", "absent"])
    with pytest.raises(DriftParameterError, match="'n_folds'"):
        drift.fit_loss_model(ref, target="y", prediction="forecast", n_folds=1)
    missing = cur.assign(forecast=np.where(np.arange(len(cur)) < 5, np.nan, cur["forecast"]))
    est = drift.estimated_regression_performance(None, missing, target="y", prediction="forecast",
                                                 loss_model=model)
    assert est.n_current == len(cur) - 5 and any("5 row(s) without a forecast" in n for n in est.notes)

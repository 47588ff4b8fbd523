"""Realised performance per task against scikit-learn, and the bootstrap interval against a direct NumPy
bootstrap with the same seed; degenerate cases (zeros for MAPE, a constant forecast or target, a class
absent from the current batch)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm

import drift
from drift.core.errors import TooFewRowsError, UnsupportedValuesError

CLASSES = ("neg", "neu", "pos")


def _sk_regression(y, p) -> np.ndarray:
    mape = skm.mean_absolute_percentage_error(y, p) if np.min(y) > 0 else np.nan
    r2 = skm.r2_score(y, p, force_finite=False) if np.ptp(y) > 0 else np.nan
    return np.array([skm.mean_absolute_error(y, p), skm.root_mean_squared_error(y, p), mape, r2,
                     np.mean(p - y)])


def _direct_bootstrap(metric, ref: tuple, cur: tuple, n_boot: int, seed: int, confidence: float = 0.95):
    """The documented scheme written out: per replicate, current rows then reference rows."""
    gen = np.random.default_rng(seed)
    diffs = []
    for _ in range(n_boot):
        ci = gen.integers(0, len(cur[0]), len(cur[0]))
        ri = gen.integers(0, len(ref[0]), len(ref[0]))
        diffs.append(metric(*(a[ci] for a in cur)) - metric(*(a[ri] for a in ref)))
    half = (1 - confidence) / 2
    return np.nanquantile(np.array(diffs), [half, 1 - half], axis=0)


# --- regression -----------------------------------------------------------------------------------------
def test_regression_metrics_by_hand_and_against_sklearn():
    hand = drift.regression_performance([1, 2, 3, 4], [1, 2, 3, 8])
    assert hand.metrics.to_dict() == pytest.approx({"mae": 1.0, "rmse": 2.0, "mape": 0.25, "r2": 1 - 16 / 5,
                                                    "mean_error": 1.0})
    rng = np.random.default_rng(20)
    for _ in range(5):
        y = rng.gamma(2, 30, 400) + 1
        p = y * rng.lognormal(0.05, 0.2, 400)
        res = drift.regression_performance(y, p)
        assert res.metrics.to_numpy() == pytest.approx(_sk_regression(y, p), rel=1e-10)
        assert res.n == 400 and res.notes == ()


def test_regression_change_interval_equals_a_direct_bootstrap():
    rng = np.random.default_rng(21)
    ry = rng.normal(200, 40, 300)
    rp = ry + rng.normal(0, 10, 300)
    cy = rng.normal(220, 40, 250)
    cp = cy + rng.normal(8, 14, 250)
    res = drift.regression_performance_change(ry, rp, cy, cp, n_boot=300, rng=5)
    lo, hi = _direct_bootstrap(_sk_regression, (ry, rp), (cy, cp), 300, 5)
    assert res.table["lo"].to_numpy() == pytest.approx(lo, rel=1e-9)
    assert res.table["hi"].to_numpy() == pytest.approx(hi, rel=1e-9)
    assert res.table["change"].to_numpy() == pytest.approx(_sk_regression(cy, cp) - _sk_regression(ry, rp))
    assert res.significant("mean_error") and res.significant("mae") and res.change("rmse") > 0
    same = drift.regression_performance_change(ry, rp, ry, rp, n_boot=200)
    assert not any(same.significant(m) for m in ("mae", "rmse", "mape", "r2", "mean_error"))
    assert res.to_dict()["table"][0]["metric"] == "mae"


def test_mape_needs_a_strictly_positive_target():
    rng = np.random.default_rng(22)
    y = rng.gamma(2, 5, 200)
    y[[3, 50]] = 0.0
    p = y + rng.normal(0, 1, 200)
    res = drift.regression_performance(y, p)
    assert np.isnan(res.value("mape")) and any("MAPE undefined" in n and "2 value(s)" in n for n in res.notes)
    assert res.value("mae") == pytest.approx(skm.mean_absolute_error(y, p))
    change = drift.regression_performance_change(y[y > 0], p[y > 0], y, p, n_boot=100)
    assert np.isnan(change.table.loc["mape", ["change", "lo", "hi"]].astype(float)).all()
    assert np.isfinite(change.table.loc["mae", ["lo", "hi"]].astype(float)).all()
    negative = drift.regression_performance(y - 5, p - 5)
    assert np.isnan(negative.value("mape"))


def test_constant_forecast_and_constant_target():
    rng = np.random.default_rng(23)
    y = rng.normal(50, 5, 300)
    flat = np.full(300, 50.0)
    res = drift.regression_performance(y, flat)
    assert res.metrics.to_numpy() == pytest.approx(_sk_regression(y, flat))
    assert res.value("r2") < 0 and res.notes == ()
    const = drift.regression_performance(np.full(20, 3.0), np.linspace(2, 4, 20))
    assert np.isnan(const.value("r2")) and any("R² undefined" in n for n in const.notes)


def test_regression_bad_input():
    y = pd.Series([1.0, 2.0, np.nan, 4.0], name="price")
    res = drift.regression_performance(y, pd.Series([1.0, 2.5, 3.0, np.nan], name="price_hat"))
    assert res.n == 2 and any("2 row(s) without a target" in n for n in res.notes)
    with pytest.raises(TooFewRowsError, match="column 'price'"):
        drift.regression_performance(y, [np.nan, 1.0, 2.0, np.nan])
    with pytest.raises(UnsupportedValuesError, match="column 'price_hat'.*text"):
        drift.regression_performance(y, pd.Series(["a", "b", "c", "d"], name="price_hat"))
    with pytest.raises(drift.DriftInputError, match="4 targets but 3 forecasts"):
        drift.regression_performance(y, [1.0, 2.0, 3.0])
    with pytest.raises(drift.DriftParameterError, match="'n_boot'"):
        drift.regression_performance_change(y, y, y, y, n_boot=0)
    with pytest.raises(drift.DriftInputError, match="infinite"):
        drift.regression_performance(y, [1.0, np.inf, 2.0, 3.0])


# --- multiclass -----------------------------------------------------------------------------------------
def _random_classifier(rng, n: int, skill: float = 2.0):
    y = np.asarray(CLASSES)[rng.integers(0, 3, n)]
    logits = rng.normal(size=(n, 3)) + skill * (y[:, None] == np.asarray(CLASSES)[None, :])
    proba = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return y, proba, np.asarray(CLASSES)[proba.argmax(axis=1)]


def test_multiclass_metrics_against_sklearn():
    rng = np.random.default_rng(30)
    for _ in range(4):
        y, proba, pred = _random_classifier(rng, 500)
        res = drift.multiclass_performance(y, pred, probabilities=pd.DataFrame(proba), classes=CLASSES)
        assert res.accuracy == pytest.approx(skm.accuracy_score(y, pred))
        assert res.macro_f1 == pytest.approx(skm.f1_score(y, pred, average="macro"))
        assert res.log_loss == pytest.approx(skm.log_loss(y, proba, labels=list(CLASSES)), rel=1e-10)
        assert res.per_class["recall"].to_numpy() == pytest.approx(
            skm.recall_score(y, pred, labels=list(CLASSES), average=None))
        assert res.per_class["precision"].to_numpy() == pytest.approx(
            skm.precision_score(y, pred, labels=list(CLASSES), average=None))
        assert (res.confusion.to_numpy() == skm.confusion_matrix(y, pred, labels=list(CLASSES))).all()
        from_proba = drift.multiclass_performance(y, probabilities=pd.DataFrame(proba), classes=CLASSES)
        assert from_proba.accuracy == res.accuracy and from_proba.log_loss == res.log_loss


def test_multiclass_hand_case_with_integer_codes_and_missing_rows():
    y = pd.Series([0, 0, 1, 1, 2, 2, None], dtype="Int64")
    pred = pd.Series([0, 1, 1, 1, 2, 0, 1.0])
    res = drift.multiclass_performance(y, pred)
    assert res.classes == (0, 1, 2) and res.n == 6 and res.accuracy == pytest.approx(4 / 6)
    assert res.confusion.to_numpy().tolist() == [[1, 1, 0], [0, 2, 0], [1, 0, 1]]
    assert res.per_class["recall"].tolist() == pytest.approx([0.5, 1.0, 0.5])
    assert res.per_class["precision"].tolist() == pytest.approx([0.5, 2 / 3, 1.0])
    assert np.isnan(res.log_loss) and any("1 row(s)" in n for n in res.notes)


def test_class_absent_from_the_current_batch_is_nan_with_a_note_and_no_warning():
    y = np.array(["neg", "neg", "neu", "neu", "neu", "neg"])     # no "pos" in this batch
    pred = np.array(["neg", "pos", "neu", "neu", "neg", "neg"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = drift.multiclass_performance(y, pred, classes=CLASSES)
    pos = res.per_class.set_index("class").loc["pos"]
    assert np.isnan(pos["recall"]) and pos["precision"] == 0 and pos["f1"] == 0
    assert any("'pos' absent from the target" in n for n in res.notes)
    labels = list(CLASSES)
    assert res.per_class["recall"].to_numpy() == pytest.approx(
        skm.recall_score(y, pred, labels=labels, average=None, zero_division=np.nan), nan_ok=True)
    assert res.macro_f1 == pytest.approx(skm.f1_score(y, pred, average="macro"))
    never = drift.multiclass_performance(y, np.where(pred == "pos", "neg", pred), classes=CLASSES)
    assert np.isnan(never.per_class.set_index("class").loc["pos", "f1"])
    assert any("'pos' never predicted" in n for n in never.notes)
    assert never.macro_f1 == pytest.approx(skm.f1_score(y, np.where(pred == "pos", "neg", pred),
                                                        average="macro"))


def test_multiclass_change_interval_equals_a_direct_bootstrap():
    rng = np.random.default_rng(31)
    ry, rproba, rpred = _random_classifier(rng, 300, skill=2.5)
    cy, cproba, cpred = _random_classifier(rng, 200, skill=1.0)
    res = drift.multiclass_performance_change(
        ry, rpred, cy, cpred, reference_probabilities=pd.DataFrame(rproba),
        current_probabilities=pd.DataFrame(cproba), classes=CLASSES, n_boot=200, rng=9)
    idx = {c: i for i, c in enumerate(CLASSES)}

    def sk(y, pred, proba):
        return np.array([skm.accuracy_score(y, pred), skm.f1_score(y, pred, average="macro"),
                         skm.log_loss(y, proba, labels=list(CLASSES))])

    lo, hi = _direct_bootstrap(sk, (ry, rpred, rproba), (cy, cpred, cproba), 200, 9)
    assert res.table["lo"].to_numpy() == pytest.approx(lo, rel=1e-9)
    assert res.table["hi"].to_numpy() == pytest.approx(hi, rel=1e-9)
    assert res.significant("accuracy") and res.change("accuracy") < 0 and res.change("log_loss") > 0
    assert res.per_class["recall_change"].to_numpy() == pytest.approx(
        skm.recall_score(cy, cpred, average=None, labels=list(CLASSES))
        - skm.recall_score(ry, rpred, average=None, labels=list(CLASSES)))
    assert list(idx) == res.reference.confusion.index.tolist() == res.current.confusion.columns.tolist()


def test_multiclass_change_keeps_an_absent_class_and_labels_outside_the_classes():
    ref_y = np.array(list("abcabcabc"))
    cur_y = np.array(list("ababababd"))
    res = drift.multiclass_performance_change(ref_y, ref_y, cur_y, cur_y, n_boot=50)
    assert res.current.classes == ("a", "b", "c", "d") == res.reference.classes
    assert np.isnan(res.per_class.set_index("class").loc["c", "recall_change"])
    given = drift.multiclass_performance(cur_y, cur_y, classes=("a", "b", "c"))
    assert given.classes == ("a", "b", "c", "d") and any("appended: 'd'" in n for n in given.notes)


def test_multiclass_bad_input():
    with pytest.raises(drift.DriftParameterError, match="'classes'"):
        drift.multiclass_performance(["a", "b"], ["a", "b"], probabilities=pd.DataFrame([[1, 0], [0,
        1]]))
    with pytest.raises(drift.DriftInputError, match="3 labels but 2 predictions"):
        drift.multiclass_performance(["a", "b", "a"], ["a", "b"])
    with pytest.raises(TooFewRowsError):
        drift.multiclass_performance(["a", None], ["a", "b"])
    with pytest.raises(drift.DriftInputError, match=r"column 'p_b'.*\[0, 1\]"):
        drift.multiclass_performance(["a", "b"], ["a", "b"], classes=("a", "b"),
                                     probabilities=pd.DataFrame({"p_a": [0.5, 0.5], "p_b": [0.5, 1.5]}))

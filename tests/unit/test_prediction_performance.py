"""prediction_drift, realised / estimated performance and the P(y | score) test against references."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit
from sklearn.metrics import accuracy_score, f1_score, log_loss, roc_auc_score

import drift
from drift.model.performance import classification_metrics, expected_metrics


def test_binary_prediction_drift_is_psi_and_ks_of_the_score():
    rng = np.random.default_rng(0)
    ref, cur = rng.beta(2, 8, 5000), rng.beta(2.6, 8, 4000)
    res = drift.prediction_drift(ref, cur)
    assert res.kind == "binary"
    assert res.statistic == pytest.approx(drift.psi_score(ref, cur).statistic)
    assert res.pvalue == pytest.approx(drift.ks_test(ref, cur).pvalue)
    assert res.positive_rate_reference == pytest.approx(np.mean(ref >= 0.5))
    assert len(res.table) == 10
    same = drift.prediction_drift(ref, ref)
    assert same.statistic == 0 and same.band == "small"


def test_multiclass_and_regression_outputs():
    rng = np.random.default_rng(1)
    ref = pd.DataFrame(rng.dirichlet([5, 3, 2], 3000), columns=["a", "b", "c"])
    cur = pd.DataFrame(rng.dirichlet([3, 3, 4], 3000), columns=["a", "b", "c"])
    res = drift.prediction_drift(ref, cur)
    assert res.kind == "multiclass" and [o.name for o in res.outputs] == ["a", "b", "c"]
    per_class = [drift.psi_score(ref[c], cur[c]).statistic for c in "abc"]
    assert res.statistic == pytest.approx(max(per_class))
    assert res.to_frame()["psi"].tolist() == pytest.approx(per_class)
    reg = drift.prediction_drift(rng.normal(100, 10, 2000), rng.normal(104, 10, 2000))
    assert reg.kind == "regression" and reg.statistic > 0.05 and np.isnan(reg.positive_rate_current)
    with pytest.raises(drift.DriftInputError, match="prediction column"):
        drift.prediction_drift(ref, cur[["a", "b"]])


def test_metrics_match_scikit_learn():
    rng = np.random.default_rng(2)
    p = np.round(rng.uniform(size=3000), 2)
    y = (rng.uniform(size=3000) < p).astype(np.int8)
    m = classification_metrics(y, p, threshold=0.4)
    assert m["roc_auc"] == pytest.approx(roc_auc_score(y, p), rel=1e-12)
    assert m["accuracy"] == pytest.approx(accuracy_score(y, p >= 0.4))
    assert m["f1"] == pytest.approx(f1_score(y, p >= 0.4))
    assert m["log_loss"] == pytest.approx(log_loss(y, np.clip(p, 1e-6, 1 - 1e-6)))


def test_performance_intervals_cover_and_change_is_detected():
    rng = np.random.default_rng(3)
    x = rng.normal(size=6000)
    p = expit(x - 2)
    y = (rng.uniform(size=6000) < p).astype(int)
    res = drift.realised_performance(y, p, rng=0)
    lo, hi = res.metrics.loc["roc_auc", ["lo", "hi"]]
    assert lo < res.value("roc_auc") < hi and hi - lo < 0.06
    assert len(res.calibration) == 10
    x2 = rng.normal(size=6000)
    y2 = (rng.uniform(size=6000) < expit(0.3 * x2 - 2)).astype(int)   # weaker relation: AUC falls
    change = drift.performance_change(y, p, y2, expit(x2 - 2), rng=0)
    assert change.change("roc_auc") < -0.1 and change.significant("roc_auc")
    same = drift.performance_change(y[:3000], p[:3000], y[3000:], p[3000:], rng=0)
    assert not same.significant("roc_auc")


def test_concept_drift_test_separates_intercept_from_slope_and_holds_alpha():
    rng = np.random.default_rng(4)

    def draw(n, a=-2.0, b=1.0):
        x = rng.normal(size=n)
        return (rng.uniform(size=n) < expit(a + b * x)).astype(int), expit(-2.0 + x)

    prior = drift.concept_drift_test(*draw(4000), *draw(4000, a=-1.2))
    assert prior.pvalue_intercept < 1e-6 and prior.pvalue_slope > 0.01 and prior.intercept_shift > 0.5
    concept = drift.concept_drift_test(*draw(4000), *draw(4000, b=0.3))
    assert concept.pvalue_slope < 1e-6 and concept.slope_ratio < 0.5
    rejections = [drift.concept_drift_test(*draw(800), *draw(800)).pvalue < 0.05 for _ in range(100)]
    assert np.mean(rejections) <= 0.05 + 0.05


def test_expected_metrics_match_monte_carlo():
    rng = np.random.default_rng(5)
    p = rng.uniform(size=400)
    p[:60] = 0.5                                   # ties
    mc = []
    for _ in range(4000):
        y = rng.uniform(size=400) < p
        mc.append([roc_auc_score(y, p), accuracy_score(y, p >= 0.5)])
    est = expected_metrics(p, p)
    assert est["roc_auc"] == pytest.approx(np.mean(mc, axis=0)[0], abs=0.003)
    assert est["accuracy"] == pytest.approx(np.mean(mc, axis=0)[1], abs=0.003)


def test_estimated_performance_sees_covariate_shift_but_not_concept_drift():
    rng = np.random.default_rng(6)
    x = rng.normal(size=8000)
    p = expit(2 * x - 1)
    y = (rng.uniform(size=8000) < p).astype(int)
    hard = expit(2 * rng.normal(0.5, 0.3, 4000) - 1)    # rows pile up where the model is unsure
    est = drift.estimated_performance(y, p, hard)
    assert est.change("accuracy") < -0.1 and est.change("roc_auc") < -0.1
    assert est.table.loc["accuracy", "reference_estimated"] == pytest.approx(
        est.table.loc["accuracy", "reference_realised"], abs=0.02)
    same_x = expit(2 * rng.normal(size=4000) - 1)
    assert abs(drift.estimated_performance(y, p, same_x).change("accuracy")) < 0.02
    assert "concept drift" in est.caveat


# --- bad and degenerate input (issue 10) -----------------------------------------------------------
def test_text_scores_and_labels_name_the_side_the_column_and_the_fix():
    scores = pd.Series(["0.3%", "0.5%"] * 10, name="score")
    with pytest.raises(drift.DriftInputError, match=r"current: column 'score': holds text, not numbers "
                                                    r"\(e.g. '0.3%', '0.5%'; first in row 0\)\. Fix: give"):
        drift.prediction_drift(np.linspace(0, 1, 20), scores)     # before: ValueError: could not convert
    labels = pd.Series(["yes", "no"] * 10, name="churned")
    with pytest.raises(drift.DriftInputError, match="reference: column 'churned': holds text.*map the"):
        drift.realised_performance(labels, np.linspace(0, 1, 20), side="reference")
    with pytest.raises(drift.DriftInputError, match="column 'score': row 0 holds a dict"):
        drift.prediction_drift(pd.Series([{"p": 0.1}] * 5, name="score"), np.linspace(0, 1, 5))


def test_scores_outside_0_1_are_refused_where_they_must_be_probabilities():
    y, pct = pd.Series([0, 1] * 25, name="default"), pd.Series(np.linspace(0, 100, 50), name="score")
    for call in (lambda: drift.realised_performance(y, pct), lambda: drift.estimated_performance(y, pct, pct),
                 lambda: drift.concept_drift_test(y, pct, y, pct)):
        with pytest.raises(drift.DriftInputError, match="column 'score': scores must be probabilities in "
                                                        r"\[0, 1\], got 2.04082 \(row 1\)"):
            call()                                          # before: clipped to [0, 1] without a word
    with pytest.raises(drift.DriftInputError, match="divide percentages by 100"):
        drift.prediction_drift(pct, pct, kind="binary")
    assert drift.prediction_drift(pct, pct).kind == "regression"    # auto: a regression output, as before
    with pytest.raises(drift.DriftInputError, match="infinite scores"):
        drift.prediction_drift([0.1, np.inf, 0.3], [0.2, 0.4])


def test_one_score_gives_nan_with_a_note_and_missing_scores_are_not_negatives():
    one = drift.prediction_drift([0.3], np.linspace(0, 1, 50))
    assert np.isnan(one.statistic) and one.band == "unknown" and "at least 2" in one.note  # before: PSI 17.8
    res = drift.prediction_drift([0.2, 0.8, np.nan, np.nan], [0.9, 0.7, 0.1, np.nan])
    assert res.positive_rate_reference == 0.5 and res.positive_rate_current == pytest.approx(2 / 3)
    with pytest.raises(drift.DriftInputError, match="0 labelled reference row"):
        drift.estimated_performance([np.nan] * 3, [0.1, 0.2, 0.3], [0.5])    # before: isotonic's error
    with pytest.raises(drift.DriftParameterError, match="'n_boot' parameter of realised_performance"):
        drift.realised_performance([0, 1], [0.2, 0.7], n_boot=0)             # before: np.vstack error

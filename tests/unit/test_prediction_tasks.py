"""Prediction drift per task against scipy: forecasts (KS, PSI, Wasserstein, mean shift), predicted classes
(chi-square, PSI) and per-class probabilities."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import drift
from drift.core.decisions import severity


def _psi_by_hand(ref: np.ndarray, cur: np.ndarray, bins: int = 10) -> float:
    edges = np.quantile(ref, np.arange(1, bins) / bins)
    r = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=bins) / ref.size
    c = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=bins) / cur.size
    r, c = np.where(r == 0, 1e-4, r), np.where(c == 0, 1e-4, c)
    return float(np.sum((c - r) * np.log(c / r)))


def test_forecast_drift_equals_scipy_and_numpy():
    rng = np.random.default_rng(3)
    ref, cur = rng.gamma(3, 20, 1500), rng.gamma(3, 28, 1200)
    res = drift.forecast_drift(ref, cur)
    ks = stats.ks_2samp(ref, cur, method="auto")
    assert res.ks.statistic == pytest.approx(ks.statistic) and res.pvalue == pytest.approx(ks.pvalue)
    assert res.statistic == pytest.approx(_psi_by_hand(ref, cur), rel=1e-9)
    assert res.wasserstein == pytest.approx(stats.wasserstein_distance(ref, cur), rel=1e-9)
    assert res.wasserstein_norm.statistic == pytest.approx(stats.wasserstein_distance(ref, cur) / np.std(ref))
    assert res.mean_shift == pytest.approx(cur.mean() - ref.mean())
    assert res.severity == severity(ks.pvalue < 0.05, res.statistic) and res.severity in ("moderate", "major")
    assert res.drifted and res.to_dict()["task"] == "regression"
    same = drift.forecast_drift(ref, ref)
    assert same.severity == "stable" and same.mean_shift == 0 and same.statistic == 0


def test_forecast_drift_missing_values_and_small_samples():
    rng = np.random.default_rng(4)
    ref, cur = rng.normal(10, 2, 400), rng.normal(10, 2, 300)
    cur_nan = np.r_[cur, [np.nan] * 30]
    res = drift.forecast_drift(pd.Series(ref, name="price_hat"), cur_nan)
    assert res.ks.n_current == 300
    assert res.ks.pvalue == pytest.approx(stats.ks_2samp(ref, cur).pvalue)
    assert res.psi.table["bin"].iloc[-1] == "(missing)"
    tiny = drift.forecast_drift(ref, [1.0])
    assert np.isnan(tiny.statistic) and np.isnan(tiny.pvalue) and "at least 2" in tiny.note
    assert tiny.severity == "stable"
    with pytest.raises(drift.DriftInputError, match="column 'price_hat'.*text"):
        drift.forecast_drift(pd.Series(["a", "b"], name="price_hat"), ref)
    with pytest.raises(drift.DriftInputError, match="infinite"):
        drift.forecast_drift(ref, np.r_[cur, np.inf])
    with pytest.raises(drift.DriftParameterError, match="'alpha'"):
        drift.forecast_drift(ref, cur, alpha=0)


def test_constant_forecast_gives_a_note_not_a_crash():
    rng = np.random.default_rng(5)
    const, cur = np.full(500, 42.0), rng.normal(42, 1, 500)
    res = drift.forecast_drift(const, cur)
    assert np.isnan(res.wasserstein_norm.statistic) and "constant" in res.note
    assert res.wasserstein == pytest.approx(stats.wasserstein_distance(const, cur), rel=1e-9)
    assert res.ks.statistic == pytest.approx(stats.ks_2samp(const, cur).statistic)
    assert res.statistic > 0.25 and res.severity == "major"   # a point mass that spread out
    both = drift.forecast_drift(const, const)
    assert both.statistic == 0 and both.severity == "stable" and both.wasserstein == 0


def test_predicted_class_shares_equal_chi2_contingency_and_categorical_psi():
    rng = np.random.default_rng(6)
    classes = ("neg", "neu", "pos")
    ref = rng.choice(classes, 2000, p=[0.3, 0.5, 0.2])
    cur = rng.choice(classes, 1500, p=[0.45, 0.35, 0.2])
    res = drift.class_prediction_drift(ref, cur, classes=classes)
    table = np.array([[np.sum(side == c) for c in classes] for side in (ref, cur)])
    expected = stats.chi2_contingency(table)
    assert res.chi2.statistic == pytest.approx(expected.statistic)
    assert res.pvalue == pytest.approx(expected.pvalue)
    r, c = table[0] / table[0].sum(), table[1] / table[1].sum()
    assert res.statistic == pytest.approx(np.sum((c - r) * np.log(c / r)))
    assert res.shares["class"].tolist() == list(classes)
    assert res.shares["current_share"].to_numpy() == pytest.approx(c)
    assert res.severity == res.share_severity == severity(expected.pvalue < 0.05, res.statistic)
    assert res.drifted and res.probabilities == ()
    assert drift.class_prediction_drift(ref, ref).severity == "stable"


def test_class_absent_from_the_current_batch_and_unseen_class():
    ref = np.array(["a"] * 50 + ["b"] * 30 + ["c"] * 20)
    cur = np.array(["a"] * 60 + ["b"] * 30 + ["d"] * 10)       # c never predicted, d new
    res = drift.class_prediction_drift(ref, cur, classes=("a", "b", "c"))
    assert res.shares["class"].tolist() == ["a", "b", "c", "d"]
    assert res.shares.loc[2, "current_share"] == 0 and res.shares.loc[3, "reference_share"] == 0
    expected = stats.chi2_contingency([[50, 30, 20, 0], [60, 30, 0, 10]])
    assert res.chi2.statistic == pytest.approx(expected.statistic)
    assert "(unseen)" in res.psi.table["bin"].tolist() and np.isfinite(res.statistic)


def test_per_class_probabilities_are_corrected_across_classes():
    rng = np.random.default_rng(7)
    classes = ("neg", "neu", "pos")
    ref_p = pd.DataFrame(rng.dirichlet([4, 4, 2], 1500), columns=classes)
    cur_p = pd.DataFrame(rng.dirichlet([4, 2, 4], 1500), columns=classes)
    res = drift.class_prediction_drift(reference_probabilities=ref_p, current_probabilities=cur_p)
    raw = [stats.ks_2samp(ref_p[c], cur_p[c]).pvalue for c in classes]
    assert [o.ks.pvalue for o in res.probabilities] == pytest.approx(raw)
    assert list(res.pvalues_adjusted) == pytest.approx(stats.false_discovery_control(raw, method="bh"))
    psis = [drift.psi_score(ref_p[c], cur_p[c]).statistic for c in classes]
    assert res.probability_frame()["psi"].tolist() == pytest.approx(psis)
    assert res.class_severities == tuple(severity(p < 0.05, s) for p, s in zip(res.pvalues_adjusted, psis))
    argmax = np.asarray(classes)[ref_p.to_numpy().argmax(axis=1)]
    assert res.shares["reference_share"].tolist() == pytest.approx(
        [np.mean(argmax == c) for c in classes])
    order = drift.core.decisions.SEVERITIES.index
    assert res.severity == max((res.share_severity, *res.class_severities), key=order)


def test_task_prediction_drift_dispatches_on_infer_task():
    rng = np.random.default_rng(8)
    n = 600
    reg = pd.DataFrame({"price": rng.gamma(2, 50, n), "price_hat": rng.gamma(2, 50, n)})
    info = drift.infer_task(reg, reg, "price", "price_hat")
    assert isinstance(drift.task_prediction_drift(reg, reg.assign(price_hat=reg.price_hat + 10), info),
                      drift.ForecastDrift)
    labels = np.array(["neg", "neu", "pos"])
    p = rng.dirichlet([2, 2, 2], n)
    mc = pd.DataFrame({"y": labels[rng.integers(0, 3, n)],
                       **{f"proba_{c}": p[:, k] for k, c in enumerate(labels)}})
    out = drift.task_prediction_drift(mc, mc, drift.infer_task(mc, mc, "y"))
    assert len(out.probabilities) == 3 and out.severity == "stable"
    yes_no = pd.DataFrame({"y": rng.choice(["no", "yes"], n), "p": rng.choice(["no", "yes"], n)})
    binary = drift.task_prediction_drift(yes_no, yes_no, drift.infer_task(yes_no, None, "y", "p"))
    assert binary.kind == "binary"
    assert binary.positive_rate_reference == pytest.approx(np.mean(yes_no.p == "yes"))

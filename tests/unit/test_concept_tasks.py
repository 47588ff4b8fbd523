"""Concept drift with labels for regression and multiclass models, against statsmodels and SciPy.

Regression: the calibration change against ``statsmodels.OLS`` with an interaction term and HC3
covariance; the residual test against ``scipy.stats.ks_2samp`` per reference-quantile bin combined with
``scipy.stats.combine_pvalues``; the false-positive rate under the null with heteroscedastic noise.
Multiclass: each class against the binary test on one-vs-rest labels, and the correction against
``scipy.stats.false_discovery_control``.  The decision rules of :mod:`drift.core.decisions` on hand cases.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

import drift
from drift.core import decisions
from drift.core.errors import DriftInputError, DriftParameterError, TooFewRowsError
from drift.model.concept_tasks import MIN_BIN_ROWS, RESIDUAL_BINS, robust_ols

CLASSES = ("neg", "neu", "pos")


def _side(n: int, gen: np.random.Generator, *, intercept=0.0, slope=1.0, spread=1.0, scale=2.0):
    """Forecasts ~ Gamma(2, scale); y = intercept + slope·f + noise whose sd grows with f."""
    f = gen.gamma(2.0, scale, n)
    return intercept + slope * f + gen.normal(0, spread * (0.5 + 0.3 * f)), f


# --- regression -----------------------------------------------------------------------------------------
def test_calibration_change_equals_statsmodels_ols_with_interaction():
    gen = np.random.default_rng(1)
    (yr, fr), (yc, fc) = _side(800, gen), _side(600, gen, intercept=0.3, slope=1.1, scale=2.5)
    res = drift.regression_concept_drift_test(yr, fr, yc, fc)
    g = np.r_[np.zeros(800), np.ones(600)]
    f = np.r_[fr, fc]
    x = np.column_stack([np.ones_like(f), f, g, g * f])
    fit = sm.OLS(np.r_[yr, yc], x).fit(cov_type="HC3")
    wald = fit.wald_test(np.array([[0, 0, 1, 0], [0, 0, 0, 1]]), use_f=False, scalar=True)
    assert res.statistic == pytest.approx(float(wald.statistic), rel=1e-9)
    assert res.pvalue == pytest.approx(float(wald.pvalue), rel=1e-6)
    assert res.pvalue_intercept == pytest.approx(fit.pvalues[2], rel=1e-9)
    assert res.pvalue_slope == pytest.approx(fit.pvalues[3], rel=1e-9)
    assert res.intercept_shift == pytest.approx(fit.params[2])
    assert res.slope_reference == pytest.approx(fit.params[1])
    assert res.slope_current == pytest.approx(fit.params[1] + fit.params[3])
    assert res.slope_ratio == pytest.approx((fit.params[1] + fit.params[3]) / fit.params[1])
    assert res.shift_at_mean == pytest.approx(fit.params[2] + fit.params[3] * fr.mean())
    ref_fit = sm.OLS(yr, sm.add_constant(fr)).fit()
    assert res.residual_sd == pytest.approx(np.sqrt(ref_fit.scale))
    assert (res.n_reference, res.n_current) == (800, 600)
    # the robust OLS helper on a random design with heteroscedastic noise
    z = gen.normal(size=(200, 3))
    y = z @ [1.0, -2.0, 0.5] + gen.normal(size=200) * (1 + np.abs(z[:, 0]))
    beta, cov = robust_ols(sm.add_constant(z), y)
    check = sm.OLS(y, sm.add_constant(z)).fit(cov_type="HC3")
    np.testing.assert_allclose(beta, check.params)
    np.testing.assert_allclose(cov, check.cov_params(), rtol=1e-9)


def test_residual_test_equals_scipy_per_bin():
    gen = np.random.default_rng(2)
    (yr, fr), (yc, fc) = _side(1000, gen), _side(700, gen, spread=1.6)
    res = drift.regression_concept_drift_test(yr, fr, yc, fc)
    inner = np.quantile(fr, np.arange(1, RESIDUAL_BINS) / RESIDUAL_BINS)
    pvalues = []
    for j in range(RESIDUAL_BINS):
        lo = -np.inf if j == 0 else inner[j - 1]
        hi = np.inf if j == RESIDUAL_BINS - 1 else inner[j]
        r = (yr - fr)[(fr >= lo) & (fr < hi)]
        c = (yc - fc)[(fc >= lo) & (fc < hi)]
        row = res.residual_bins.iloc[j]
        assert (row["lower"], row["upper"], row["n_reference"], row["n_current"]) == (lo, hi, r.size, c.size)
        expected = stats.ks_2samp(r, c, method="auto")
        assert row["statistic"] == pytest.approx(expected.statistic)
        assert row["pvalue"] == pytest.approx(expected.pvalue)
        pvalues.append(expected.pvalue)
    combined = stats.combine_pvalues(pvalues, method="fisher")
    assert res.residual_statistic == pytest.approx(combined.statistic)
    assert res.residual_pvalue == pytest.approx(combined.pvalue)
    # a change of spread only: the residuals see it, the calibration line does not move much
    assert res.residual_pvalue < 1e-4 and res.pvalue > 0.05
    calibration, residuals = decisions.regression_concept_signals(res)
    assert residuals and not calibration


def test_regression_null_false_positive_rate():
    """Same model on both sides (heteroscedastic noise, the current forecasts shifted: covariate shift
    only).  200 repetitions: each test rejects at 5 % in at most 18 (P(X > 18) = 1.3 % at a true 5 %)."""
    gen = np.random.default_rng(3)
    calibration = residual = 0
    for _ in range(200):
        (yr, fr), (yc, fc) = _side(300, gen), _side(300, gen, scale=2.4)
        res = drift.regression_concept_drift_test(yr, fr, yc, fc)
        calibration += res.pvalue < 0.05
        residual += res.residual_pvalue < 0.05
    assert calibration <= 18 and residual <= 18, (calibration, residual)


def test_regression_shift_is_detected_and_sized():
    gen = np.random.default_rng(4)
    (yr, fr), (yc, fc) = _side(1500, gen), _side(1500, gen, intercept=1.0)
    res = drift.regression_concept_drift_test(pd.Series(yr, name="units"), fr, yc, fc)
    assert res.pvalue < 1e-6 and res.shift_at_mean == pytest.approx(1.0, abs=0.25)
    assert decisions.regression_concept_signals(res)[0]
    # the same shift, too small to matter, is significant but not a signal
    small = SimpleNamespace(pvalue=1e-6, slope_ratio=1.0, shift_at_mean=0.05, residual_sd=1.0,
                            residual_pvalue=0.5)
    assert decisions.regression_concept_signals(small) == (False, False)
    steep = SimpleNamespace(pvalue=0.02, slope_ratio=1.3, shift_at_mean=0.0, residual_sd=1.0,
                            residual_pvalue=0.02)
    assert decisions.regression_concept_signals(steep) == (True, True)
    assert decisions.regression_concept_signals(steep, alpha=0.03) == (False, False)   # 0.02 >= 0.03 / 2


def test_regression_degenerate_inputs():
    gen = np.random.default_rng(5)
    (yr, fr), (yc, fc) = _side(300, gen), _side(300, gen)
    constant = drift.regression_concept_drift_test(yr, fr, yc, np.full(300, 4.0))
    assert np.isnan(constant.pvalue) and np.isnan(constant.slope_ratio)
    assert any("current: the forecast is constant" in n for n in constant.notes)
    assert np.isfinite(constant.residual_pvalue)                  # the one bin that holds 4.0 is tested
    assert decisions.regression_concept_signals(constant)[0] is False
    few = drift.regression_concept_drift_test(yr, fr, yc[:25], fc[:25])
    assert any(f"fewer than {MIN_BIN_ROWS} rows" in n for n in few.notes)
    assert few.residual_bins["pvalue"].isna().sum() >= 1
    with pytest.raises(TooFewRowsError, match="current.*too few"):
        drift.regression_concept_drift_test(yr, fr, yc[:5], fc[:5])
    with pytest.raises(DriftInputError, match="reference.*targets but.*forecasts"):
        drift.regression_concept_drift_test(yr, fr[:-1], yc, fc)
    with pytest.raises(DriftInputError, match="current.*price.*infinite"):
        drift.regression_concept_drift_test(yr, fr, pd.Series(np.r_[yc[:-1], np.inf], name="price"), fc)
    with pytest.raises(DriftParameterError, match="'bins'"):
        drift.regression_concept_drift_test(yr, fr, yc, fc, bins=1)
    missing = np.r_[np.nan, yc[1:]]
    assert drift.regression_concept_drift_test(yr, fr, missing, fc).n_current == 299


# --- multiclass -----------------------------------------------------------------------------------------
def _multiclass(n: int, gen: np.random.Generator, *, sharpen: float = 1.0, prior=(1.0, 1.0, 1.0)):
    """Probabilities from a Dirichlet; labels drawn from ``p^sharpen · prior`` renormalised (1, ones: the
    model is calibrated)."""
    p = gen.dirichlet([1.0, 1.0, 1.0], n)
    truth = p ** sharpen * np.asarray(prior)
    truth /= truth.sum(axis=1, keepdims=True)
    y = (gen.random(n)[:, None] > truth.cumsum(axis=1)[:, :-1]).sum(axis=1)
    return pd.Series(np.asarray(CLASSES, dtype=object)[y], name="sentiment"), pd.DataFrame(
        p, columns=[f"proba_{c}" for c in CLASSES])


def test_multiclass_equals_binary_one_vs_rest_and_bh():
    gen = np.random.default_rng(6)
    (yr, pr), (yc, pc) = _multiclass(2000, gen), _multiclass(1500, gen, sharpen=1.8)
    res = drift.multiclass_concept_drift_test(yr, pr, yc, pc, classes=CLASSES)
    table = res.per_class.set_index("class")
    for j, label in enumerate(CLASSES):
        binary = drift.concept_drift_test((yr == label).astype(int), pr.iloc[:, j], (yc == label).astype(int),
                                          pc.iloc[:, j])
        for field in ("statistic", "pvalue", "pvalue_intercept", "pvalue_slope", "slope_ratio"):
            assert table.loc[label, field] == pytest.approx(getattr(binary, field)), (label, field)
        assert table.loc[label, "n_current"] == int((yc == label).sum())
    np.testing.assert_allclose(table["pvalue_adjusted"], stats.false_discovery_control(table["pvalue"]))
    np.testing.assert_allclose(table["pvalue_slope_adjusted"],
                               stats.false_discovery_control(table["pvalue_slope"]))
    assert res.pvalue == pytest.approx(table["pvalue_adjusted"].min())
    assert res.statistic == pytest.approx(table["statistic"].max())
    slope_changed, _ = decisions.multiclass_concept_signals(res)
    assert set(slope_changed) == set(CLASSES)                     # sharper truth: every slope > 1.25
    bonferroni = drift.multiclass_concept_drift_test(yr, pr, yc, pc, classes=CLASSES, correction="bonferroni")
    np.testing.assert_allclose(bonferroni.per_class["pvalue_adjusted"],
                               np.minimum(1, 3 * bonferroni.per_class["pvalue"]))
    assert res.to_dict()["correction"] == "bh"


def test_multiclass_prior_shift_of_one_class_is_an_intercept_shift():
    gen = np.random.default_rng(7)
    (yr, pr), (yc, pc) = _multiclass(3000, gen), _multiclass(3000, gen, prior=(3.0, 1.0, 1.0))
    res = drift.multiclass_concept_drift_test(yr, pr, yc, pc, classes=CLASSES)
    slope_changed, shifted = decisions.multiclass_concept_signals(res)
    assert "neg" in shifted and "neg" not in slope_changed


def test_multiclass_null_and_degenerate_inputs():
    gen = np.random.default_rng(8)
    rejections = 0
    for _ in range(25):
        (yr, pr), (yc, pc) = _multiclass(300, gen), _multiclass(300, gen)
        rejections += drift.multiclass_concept_drift_test(yr, pr, yc, pc, classes=CLASSES).pvalue < 0.05
    assert rejections <= 5                                         # P(X > 5) = 0.1 % at a true 5 %
    (yr, pr), (yc, pc) = _multiclass(500, gen), _multiclass(200, gen)
    absent = yc.replace("neu", "pos")                              # a class absent from the current labels
    res = drift.multiclass_concept_drift_test(yr, pr, absent, pc, classes=CLASSES)
    assert np.isnan(res.per_class.loc[1, "pvalue"]) and res.per_class.loc[1, "n_current"] == 0
    assert any("'neu' absent from the current labels" in n for n in res.notes)
    assert res.per_class["pvalue_adjusted"].notna().sum() == 2   # corrected over the 2 classes tested
    with pytest.raises(DriftInputError, match="current.*labels outside the classes"):
        drift.multiclass_concept_drift_test(yr, pr, yc.replace("neu", "meh"), pc, classes=CLASSES)
    with pytest.raises(TooFewRowsError, match="current"):
        drift.multiclass_concept_drift_test(yr, pr, yc[:5], pc[:5], classes=CLASSES)
    with pytest.raises(DriftParameterError, match="'correction'"):
        drift.multiclass_concept_drift_test(yr, pr, yc, pc, classes=CLASSES, correction="holm")
    with pytest.raises(DriftParameterError, match="'classes'"):
        drift.multiclass_concept_drift_test(yr, pr, yc, pc, classes=["neg"])

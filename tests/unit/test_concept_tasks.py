"""Concept drift with labels for regression and multiclass models, against statsmodels and SciPy.

Regression: the calibration change against ``statsmodels.OLS`` with an interaction term and HC3
covariance; the residual test written out row by row (ranks among the nearest reference forecasts, KS
against the uniform); the false-positive rates under covariate shift with heteroscedastic and with
zero-inflated count targets.
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
from drift.model.concept_tasks import NEIGHBOURS, RESIDUAL_BINS, robust_ols

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


def test_residual_test_by_brute_force():
    """Ranks among the k nearest reference forecasts, written out row by row; KS against the uniform at
    the effective size of the documented formula."""
    gen = np.random.default_rng(2)
    (yr, fr), (yc, fc) = _side(200, gen), _side(150, gen, spread=1.3, scale=2.6)
    yr, yc = np.round(yr), np.round(yc)                          # ties, as counts have
    res = drift.regression_concept_drift_test(yr, fr, yc, fc, rng=7)
    k = max(NEIGHBOURS[0], round(np.sqrt(200)))
    order = np.argsort(fr, kind="stable")
    targets, forecasts = yr[order], fr[order]
    tie_break = np.random.default_rng(7).random(150)
    u, usage = np.empty(150), np.zeros(200)
    for i in range(150):
        start = min(max(int(np.searchsorted(forecasts, fc[i])) - k // 2, 0), 200 - k)
        window = targets[start:start + k]
        u[i] = ((window < yc[i]).sum() + tie_break[i] * ((window == yc[i]).sum() + 1)) / (k + 1)
        usage[start:start + k] += 1
    w = usage / usage.sum()
    n_eff = 1 / (1 / 150 + np.sum(w ** 2))
    d = stats.kstest(u, "uniform").statistic
    assert res.neighbours == k
    assert res.residual_statistic == pytest.approx(d)
    assert res.residual_pvalue == pytest.approx(stats.kstwo.sf(d, round(n_eff)))
    table = res.residual_bins
    assert table["n_reference"].sum() == 200 and table["n_current"].sum() == 150
    inner = np.quantile(fr, np.arange(1, RESIDUAL_BINS) / RESIDUAL_BINS)
    first = fc < inner[0]
    assert table.loc[0, "n_current"] == first.sum()
    assert table.loc[0, "mean_rank"] == pytest.approx(u[first].mean())


def test_a_change_of_spread_only_is_seen_by_the_residual_test():
    gen = np.random.default_rng(2)
    (yr, fr), (yc, fc) = _side(1000, gen), _side(700, gen, spread=1.6)
    res = drift.regression_concept_drift_test(yr, fr, yc, fc)
    assert res.residual_pvalue < 1e-4 and res.pvalue > 0.05
    calibration, residuals = decisions.regression_concept_signals(res)
    assert residuals and not calibration


def test_regression_null_false_positive_rate():
    """Same P(y | forecast) on both sides, the current forecasts shifted (covariate shift only): a
    heteroscedastic continuous target, and a zero-inflated count whose residuals at a given forecast are
    mostly ``-forecast`` (binned comparisons of residuals mistake the forecasts' spread inside a bin for a
    change).  200 repetitions each: each test rejects at 5 % in at most 18 (P(X > 18) = 1.3 % at 5 %)."""
    gen = np.random.default_rng(3)
    for draw in (_side, _counts):
        calibration = residual = 0
        for _ in range(200):
            (yr, fr), (yc, fc) = draw(300, gen), draw(300, gen, scale=2.4)
            res = drift.regression_concept_drift_test(yr, fr, yc, fc, rng=gen)
            calibration += res.pvalue < 0.05
            residual += res.residual_pvalue < 0.05
        assert calibration <= 18 and residual <= 18, (draw.__name__, calibration, residual)
    # larger samples, where a binned residual comparison (KS per reference decile of the forecast, Fisher's
    # combination) rejected 25 of 40 such count batches: at most 6 (P(X > 6) = 0.9 % at a true 5 %)
    residual = 0
    for _ in range(40):
        (yr, fr), (yc, fc) = _counts(3000, gen), _counts(3000, gen, scale=2.4)
        residual += drift.regression_concept_drift_test(yr, fr, yc, fc, rng=gen).residual_pvalue < 0.05
    assert residual <= 6, residual


def _counts(n: int, gen: np.random.Generator, *, scale=2.0):
    """Units sold: a sale with probability expit(x), then 1 + Poisson(1) units; the forecast is E[y | x].
    ``scale`` as :func:`_side`'s: 2.4 moves x up by 1 (covariate shift)."""
    x = gen.normal(-1.5 + 2.5 * (scale - 2.0), 1.0, n)
    p = 1 / (1 + np.exp(-x))
    return np.where(gen.random(n) < p, 1 + gen.poisson(1.0, n), 0).astype(float), 2 * p


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
    assert np.isfinite(constant.residual_pvalue)                  # ranked among the neighbours of 4.0
    assert decisions.regression_concept_signals(constant)[0] is False
    few = drift.regression_concept_drift_test(yr, fr, yc[:25], fc[:25])
    assert few.residual_bins["mean_rank"].isna().sum() >= 1 and np.isfinite(few.residual_pvalue)
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

"""Model performance: realised (with labels), estimated (without), and a test that P(y | x) changed.

* :func:`realised_performance` — ROC AUC, accuracy and F1 at the model's threshold, log-loss, base and
  predicted-positive rates, each with a percentile bootstrap interval, plus the calibration curve.
* :func:`performance_change` — current minus reference for every metric, with a bootstrap interval of
  the difference (the two sides resampled independently).
* :func:`concept_drift_test` — **choice documented here**: given the model's score ``s(x)``, if
  ``P(y | x)`` is unchanged then ``P(y | s(x))`` is unchanged too.  We fit the logistic recalibration
  ``logit P(y) = a + b·logit(s)`` on the reference hold-out and the current batch together, and test by
  likelihood ratio whether a period-specific intercept and slope improve it (χ², 2 df).  The intercept
  part (1 df) alone is what a pure *prior* (label) shift produces — Bayes' rule shifts every log-odds by
  the same amount — while a changed slope or ranking is *concept* drift.  A rejection proves P(y | x)
  changed; a change invisible through ``s`` (e.g. in a direction the model ignores) is not detected,
  which is why the domain classifier is the next step.
* :func:`estimated_performance` — confidence-based performance estimation (as in NannyML's CBPE):
  probabilities are calibrated by isotonic regression on the reference hold-out, and the expected
  confusion matrix and expected ROC AUC on unlabelled current data follow from them.  It sees covariate
  shift that moves rows to regions where the model is less sure; **it is blind to pure concept drift**
  (it assumes P(y | score) is unchanged).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.calibration import calibration_curve
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression

from drift.core.errors import DriftInputError, DriftParameterError, TooFewRowsError, check_fraction, check_int
from drift.core.inputs import numeric_values
from drift.stats.bootstrap import MetricChanges
from drift.stats.metrics import log_losses, logit

METRICS = ("roc_auc", "accuracy", "f1", "log_loss", "base_rate", "positive_rate")


_FIX_LABELS = "map the positive class to 1 and the other to 0"


def _column(values, default: str) -> str:
    name = getattr(values, "name", None)
    return default if name is None else str(name)


def _scores(p, side: str, strict: bool = True) -> np.ndarray:
    """Predicted probabilities as floats (missing as nan); text raises, and values outside [0, 1] too
    when ``strict`` (else they are clipped, as the monitor's internal calls expect)."""
    column = _column(p, "prediction")
    p = numeric_values(p, side=side, column=column, fix="give the model's P(positive) as numbers")
    if not strict:
        return np.clip(p, 0.0, 1.0)
    outside = np.flatnonzero((p < 0) | (p > 1))
    if outside.size:
        raise DriftInputError(f"scores must be probabilities in [0, 1], got {p[outside[0]]:g} (row "
                              f"{int(outside[0])})", file=side, column=column,
                              fix="give the model's P(positive) in [0, 1] (divide percentages by 100)")
    return p


def labelled_scores(y, p, side: str, *, strict: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Labels (0/1) and scores of the rows that have both; bad values raise, naming side and column.

    The public functions pass ``strict=True``: scores outside [0, 1] raise instead of being clipped.
    """
    column = _column(y, "target")
    y = numeric_values(y, side=side, column=column, fix=_FIX_LABELS)
    p = _scores(p, side, strict)
    if y.shape != p.shape:
        raise DriftInputError(f"{len(y)} labels but {len(p)} scores", file=side,
                              fix="align labels and scores")
    ok = ~(np.isnan(y) | np.isnan(p))
    y, p = y[ok], p[ok]
    if y.size and not np.isin(y, (0.0, 1.0)).all():
        raise DriftInputError("the target is not binary 0/1", file=side, column=column, fix=_FIX_LABELS)
    return y.astype(np.int8), p


def _check_options(func: str, threshold: float, n_boot: int | None = None,
                   confidence: float | None = None) -> None:
    if isinstance(threshold, bool) or not isinstance(threshold, int | float | np.number) \
            or not 0 <= threshold <= 1:
        raise DriftParameterError.invalid("threshold", func, "a number in [0, 1]", threshold)
    if n_boot is not None:
        check_int(n_boot, "n_boot", func, 1)
    if confidence is not None:
        check_fraction(confidence, "confidence", func)


def weighted_metrics(y: np.ndarray, p: np.ndarray, weights: np.ndarray, threshold: float = 0.5) -> np.ndarray:
    """:data:`METRICS` for each row of ``weights`` (shape ``(k, n)``: row weights, e.g. bootstrap counts).

    Vectorised over the k weightings: ROC AUC is the weighted Mann–Whitney form (ties count half),
    computed on tie groups of ``p`` sorted once.  With all weights 1 the values equal scikit-learn's
    ``roc_auc_score``, ``accuracy_score``, ``f1_score`` and ``log_loss`` (tested).
    """
    w = np.atleast_2d(np.asarray(weights, dtype=np.float64))
    yf = y.astype(np.float64)
    pred = (p >= threshold).astype(np.float64)
    total = w.sum(axis=1)
    tp, fp = w @ (yf * pred), w @ ((1 - yf) * pred)
    fn = w @ (yf * (1 - pred))
    ll = log_losses(yf, p)
    order = np.argsort(p, kind="stable")
    _, start = np.unique(p[order], return_index=True)
    wy = w[:, order] * yf[order]
    pos = np.add.reduceat(wy, start, axis=1)
    neg = np.add.reduceat(w[:, order] - wy, start, axis=1)
    neg_below = np.cumsum(neg, axis=1) - neg
    n_pos, n_neg = pos.sum(axis=1), neg.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        auc = ((pos * neg_below).sum(axis=1) + 0.5 * (pos * neg).sum(axis=1)) / (n_pos * n_neg)
        f1 = np.where(tp > 0, 2 * tp / (2 * tp + fp + fn), 0.0)
    auc = np.where((n_pos > 0) & (n_neg > 0), auc, np.nan)
    return np.column_stack([auc, (total - fp - fn) / total, f1, (w @ ll) / total, (w @ yf) / total,
                            (w @ pred) / total])


def classification_metrics(y: np.ndarray, p: np.ndarray, threshold: float = 0.5) -> dict[str, float]:
    """Point values of :data:`METRICS` (AUC nan when only one class is present)."""
    return dict(zip(METRICS, map(float, weighted_metrics(y, p, np.ones((1, y.size)), threshold)[0])))


@dataclass(frozen=True, slots=True)
class PerformanceResult:
    """Realised performance with bootstrap intervals.

    ``metrics`` is a DataFrame indexed by metric with columns ``value, lo, hi``; ``calibration`` has
    ``mean_predicted, fraction_positive`` per probability bin.
    """

    metrics: pd.DataFrame
    calibration: pd.DataFrame
    n: int
    threshold: float
    confidence: float

    def value(self, metric: str) -> float:
        return float(self.metrics.loc[metric, "value"])

    def to_dict(self) -> dict:
        return {"n": self.n, "threshold": self.threshold, "confidence": self.confidence,
                "metrics": self.metrics.reset_index(names="metric").to_dict("records"),
                "calibration": self.calibration.to_dict("records")}


#: Bootstrap resamples evaluated per block (bounds the weight matrix's memory).
BOOT_BLOCK = 50


def _bootstrap(y: np.ndarray, p: np.ndarray, threshold: float, n_boot: int,
               rng: np.random.Generator) -> np.ndarray:
    """Metrics on ``n_boot`` resamples with replacement, as multinomial row counts."""
    blocks = []
    for start in range(0, n_boot, BOOT_BLOCK):
        k = min(BOOT_BLOCK, n_boot - start)
        counts = rng.multinomial(y.size, np.full(y.size, 1.0 / y.size), size=k)
        blocks.append(weighted_metrics(y, p, counts, threshold))
    return np.vstack(blocks)


def realised_performance(y_true, scores, *, threshold: float = 0.5, n_boot: int = 200,
                         confidence: float = 0.95,
                n_calibration_bins: int = 10, rng=0, side: str = "current") -> PerformanceResult:
    """Realised performance of a binary classifier with percentile-bootstrap intervals.

    Parameters
    ----------
    y_true : array-like of 0/1
    scores : array-like of predicted P(y = 1)
    threshold : float, default 0.5
        The model's decision threshold for accuracy, F1 and the positive rate.
    n_boot : int, default 200
        Bootstrap resamples (rows drawn with replacement).
    """
    _check_options("realised_performance", threshold, n_boot, confidence)
    y, p = labelled_scores(y_true, scores, side, strict=True)
    if y.size < 2:
        raise DriftInputError(f"{y.size} labelled row(s): too few to measure performance", file=side,
                              fix="wait for more labels, or use estimated performance")
    gen = np.random.default_rng(rng)
    point = classification_metrics(y, p, threshold)
    boots = _bootstrap(y, p, threshold, n_boot, gen)
    half = (1 - confidence) / 2
    lo, hi = np.nanquantile(boots, half, axis=0), np.nanquantile(boots, 1 - half, axis=0)
    metrics = pd.DataFrame({"value": list(point.values()), "lo": lo, "hi": hi}, index=list(METRICS))
    frac, mean_pred = calibration_curve(y, p, n_bins=n_calibration_bins, strategy="quantile")
    calibration = pd.DataFrame({"mean_predicted": mean_pred, "fraction_positive": frac})
    return PerformanceResult(metrics, calibration, int(y.size), threshold, confidence)


@dataclass(frozen=True, slots=True)
class PerformanceChange(MetricChanges):
    """Reference vs current performance; ``table`` has ``reference, current, change, lo, hi``."""

    reference: PerformanceResult
    current: PerformanceResult
    table: pd.DataFrame

    def to_dict(self) -> dict:
        return {"reference": self.reference.to_dict(), "current": self.current.to_dict(),
                "table": self.table.reset_index(names="metric").to_dict("records")}


def performance_change(reference_y, reference_scores, current_y, current_scores, *, threshold: float = 0.5,
                       n_boot: int = 200, confidence: float = 0.95, rng=0) -> PerformanceChange:
    """Current minus reference for every metric, with a bootstrap interval of the difference."""
    _check_options("performance_change", threshold, n_boot, confidence)
    gen = np.random.default_rng(rng)
    ry, rp = labelled_scores(reference_y, reference_scores, "reference", strict=True)
    cy, cp = labelled_scores(current_y, current_scores, "current", strict=True)
    ref = realised_performance(ry, rp, threshold=threshold, n_boot=n_boot, confidence=confidence, rng=gen,
                      side="reference")
    cur = realised_performance(cy, cp, threshold=threshold, n_boot=n_boot, confidence=confidence, rng=gen)
    diff = _bootstrap(cy, cp, threshold, n_boot, gen) - _bootstrap(ry, rp, threshold, n_boot, gen)
    half = (1 - confidence) / 2
    table = pd.DataFrame({
        "reference": ref.metrics["value"], "current": cur.metrics["value"],
        "change": cur.metrics["value"] - ref.metrics["value"],
        "lo": np.nanquantile(diff, half, axis=0), "hi": np.nanquantile(diff, 1 - half, axis=0)})
    return PerformanceChange(ref, cur, table)


@dataclass(frozen=True, slots=True)
class ConceptDriftResult:
    """Likelihood-ratio test that P(y | score) differs between the periods (see module docstring).

    ``statistic``/``pvalue``: intercept and slope together (2 df).  ``pvalue_intercept``: the intercept
    shift alone (1 df, the signature of a prior shift); ``pvalue_slope``: the slope change given the
    intercept shift (1 df, the signature of concept drift).  ``intercept_shift`` is in log-odds and
    ``slope_ratio`` is current slope / reference slope.
    """

    statistic: float
    pvalue: float
    pvalue_intercept: float
    pvalue_slope: float
    intercept_shift: float
    slope_ratio: float
    n_reference: int
    n_current: int

    def to_dict(self) -> dict:
        return {f: getattr(self, f) for f in self.__slots__}


def _loglik(x: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    model = LogisticRegression(C=np.inf, max_iter=1000).fit(x, y)
    p = np.clip(model.predict_proba(x)[:, 1], 1e-12, 1 - 1e-12)
    return float(np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))), np.r_[model.intercept_, model.coef_[0]]


def concept_drift_test(reference_y, reference_scores, current_y, current_scores) -> ConceptDriftResult:
    """Does P(y | model score) differ between reference hold-out and current data? (module docstring)"""
    ry, rp = labelled_scores(reference_y, reference_scores, "reference", strict=True)
    cy, cp = labelled_scores(current_y, current_scores, "current", strict=True)
    for y, side, given in ((ry, "reference", reference_y), (cy, "current", current_y)):
        if y.size < 10 or y.min() == y.max():
            raise DriftInputError("needs at least 10 labelled rows with both classes", file=side,
                                  column=_column(given, "target"),
                                  fix="use more rows or wait for labels of both classes")
    score_logit = logit(np.r_[rp, cp])
    g = np.r_[np.zeros(ry.size), np.ones(cy.size)]
    y = np.r_[ry, cy]
    ll0, _ = _loglik(score_logit[:, None], y)
    ll1, _ = _loglik(np.c_[score_logit, g], y)
    ll2, coef = _loglik(np.c_[score_logit, g, g * score_logit], y)
    lr = max(0.0, 2 * (ll2 - ll0))
    return ConceptDriftResult(
        statistic=lr, pvalue=float(stats.chi2.sf(lr, 2)),
        pvalue_intercept=float(stats.chi2.sf(max(0.0, 2 * (ll1 - ll0)), 1)),
        pvalue_slope=float(stats.chi2.sf(max(0.0, 2 * (ll2 - ll1)), 1)),
        intercept_shift=float(coef[2]),
        slope_ratio=float((coef[1] + coef[3]) / coef[1]) if coef[1] else np.nan,
        n_reference=int(ry.size), n_current=int(cy.size))


@dataclass(frozen=True, slots=True)
class EstimatedPerformance:
    """Expected performance on unlabelled data from calibrated probabilities (CBPE).

    ``table`` has ``reference_estimated, reference_realised, current_estimated, change`` per metric
    (``roc_auc, accuracy, f1, base_rate``).  Blind to pure concept drift (see module docstring).
    """

    table: pd.DataFrame
    n_current: int
    caveat: str = ("Estimated from the model's own calibrated confidence: it cannot see concept drift "
                   "(a change in P(y | x) with the inputs unchanged).")

    def change(self, metric: str) -> float:
        return float(self.table.loc[metric, "change"])

    def to_dict(self) -> dict:
        return {"n_current": self.n_current, "caveat": self.caveat,
                "table": self.table.reset_index(names="metric").to_dict("records")}


def expected_metrics(q: np.ndarray, p: np.ndarray, threshold: float = 0.5) -> dict[str, float]:
    """Expected AUC, accuracy, F1 and base rate when row i is positive with probability ``q[i]``.

    AUC is the ratio of expectations: expected correctly ordered positive–negative pairs (ties count
    half) over expected positive–negative pairs, computed in O(n log n) by sorting on ``p``.
    """
    pred = p >= threshold
    tp, fp = q[pred].sum(), (1 - q[pred]).sum()
    fn, tn = q[~pred].sum(), (1 - q[~pred]).sum()
    order = np.argsort(p, kind="stable")
    ps, qs = p[order], q[order]
    _, start, counts = np.unique(ps, return_index=True, return_counts=True)
    pos_grp = np.add.reduceat(qs, start)
    neg_grp = np.add.reduceat(1 - qs, start)
    neg_below = np.cumsum(neg_grp) - neg_grp
    within = np.add.reduceat(qs * (1 - qs), start)  # a row is never paired with itself
    ordered = np.sum(pos_grp * neg_below) + 0.5 * np.sum(pos_grp * neg_grp - within)
    pairs = q.sum() * (1 - q).sum() - np.sum(q * (1 - q))
    return {"roc_auc": float(ordered / pairs) if pairs > 0 else float("nan"),
            "accuracy": float((tp + tn) / q.size), "f1": float(2 * tp / (2 * tp + fp + fn)) if tp else 0.0,
            "base_rate": float(q.mean())}


def fit_calibration(reference_y, reference_scores) -> IsotonicRegression:
    """The map from the model's score to a calibrated P(y = 1), learned on the labelled reference.

    Isotonic regression (monotone, clipped to [0, 1] outside the reference's score range): the
    calibration :func:`estimated_performance` and the label-free business impact
    (:func:`drift.model.impact.business_impact`) rely on.  Use ``.predict(scores)``.
    """
    ry, rp = labelled_scores(reference_y, reference_scores, "reference")
    if ry.size == 0:
        raise DriftInputError("no labelled row with a score to calibrate on", file="reference",
                              column="target", fix="label the reference rows and score them with the model")
    return IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(rp, ry)


def estimated_performance(reference_y, reference_scores, current_scores, *,
                          threshold: float = 0.5) -> EstimatedPerformance:
    """Estimate current performance without labels (CBPE; calibrated on the labelled reference hold-out)."""
    _check_options("estimated_performance", threshold)
    ry, rp = labelled_scores(reference_y, reference_scores, "reference", strict=True)
    if ry.size < 2:
        raise TooFewRowsError(f"{ry.size} labelled reference row(s): too few to calibrate the scores",
                              file="reference", column=_column(reference_y, "target"),
                              fix="use a reference with labels and scores on at least 2 rows")
    cp = _scores(current_scores, "current")
    cp = cp[~np.isnan(cp)]
    if cp.size == 0:
        raise DriftInputError("no scores to estimate performance from", file="current",
                              column=_column(current_scores, "prediction"),
                              fix="score the current rows with the model")
    iso = fit_calibration(ry, rp)
    ref_est = expected_metrics(iso.predict(rp), rp, threshold)
    cur_est = expected_metrics(iso.predict(cp), cp, threshold)
    realised = classification_metrics(ry, rp, threshold)
    table = pd.DataFrame({"reference_estimated": ref_est,
                          "reference_realised": {k: realised[k] for k in ref_est},
                          "current_estimated": cur_est})
    table["change"] = table["current_estimated"] - table["reference_estimated"]
    return EstimatedPerformance(table, int(cp.size))

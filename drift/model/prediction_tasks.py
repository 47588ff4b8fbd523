"""Prediction drift in the model's task: a regression model's forecasts, a classifier's predicted classes.

:func:`drift.prediction_drift` compares score *distributions* (a probability, per-class probabilities, a
number); this module adds what each task needs on top of it, with the severity rule of feature drift
(:func:`drift.core.decisions.severity`: ``stable`` unless the test is significant at ``alpha``, then
``minor`` /
``moderate`` / ``major`` by the PSI bands).

Regression (:func:`forecast_drift`)
    The two-sample KS test (``scipy.stats.ks_2samp(method="auto")``), PSI on reference-quantile bins
    (:mod:`drift.stats.binning`), the Wasserstein-1 distance in the target's units
    (``scipy.stats.wasserstein_distance``) and divided by the reference's standard deviation, and the
    mean shift ``mean(current) - mean(reference)`` in the target's units.  Severity from the KS p-value
    and the PSI.
Multiclass (:func:`class_prediction_drift`)
    The shares of the predicted classes: χ² homogeneity test (``scipy.stats.chi2_contingency``) and PSI
    on one bin per class (the categorical PSI of :mod:`drift.stats.psi`; a class the reference never predicted
    lands in the ``(unseen)`` bin).  With per-class probabilities, each class's probability gets the PSI
    and KS of :func:`drift.prediction_drift`; their p-values are corrected across classes (Benjamini–
    Hochberg by default, as features are) before the severity rule.  The overall severity is the worst
    of the class shares and the per-class probabilities.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from drift.core.decisions import SEVERITIES, is_drifted, severity
from drift.core.errors import DriftInputError, DriftParameterError, InfiniteValuesError
from drift.core.inputs import check_cells, numeric_values
from drift.data.task import TaskInfo, sorted_labels
from drift.model.prediction import PredictionDriftResult, ScoreDrift, prediction_drift
from drift.stats.binning import categorical_bin_counts, check_bins, numeric_bin_counts, value_counts
from drift.stats.correction import CORRECTIONS, adjust_pvalues
from drift.stats.psi import PSI_BANDS, DistanceResult, PSIResult, psi_from_counts
from drift.stats.samples import sort_sample
from drift.stats.univariate import TestResult, chi2_bins, ks_sorted, wasserstein_from


def _check_alpha(alpha: float, func: str) -> None:
    if isinstance(alpha, bool) or not isinstance(alpha, int | float | np.number) or not 0 < alpha < 1:
        raise DriftParameterError.invalid("alpha", func, "a number in (0, 1)", alpha)


def _worst(severities) -> str:
    return max(severities, key=SEVERITIES.index, default="stable")


# --- regression ----------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ForecastDrift:
    """Drift of a regression model's forecasts (module docstring).

    Attributes
    ----------
    ks : TestResult
        Two-sample KS test of the forecasts.
    psi : PSIResult
        PSI on reference-quantile bins, with its bin table.
    wasserstein : float
        Wasserstein-1 distance in the target's units.
    wasserstein_norm : DistanceResult
        The same divided by the reference forecasts' standard deviation (nan with a note when constant).
    mean_reference, mean_current, mean_shift : float
        Mean forecasts and ``mean_current - mean_reference``, in the target's units.
    severity : str
        ``stable`` / ``minor`` / ``moderate`` / ``major`` (KS at ``alpha`` and the PSI bands).
    alpha : float
    note : str
        Why a figure is nan (too few forecasts, a constant reference); empty otherwise.
    """

    ks: TestResult
    psi: PSIResult
    wasserstein: float
    wasserstein_norm: DistanceResult
    mean_reference: float
    mean_current: float
    mean_shift: float
    severity: str
    alpha: float
    note: str = ""

    @property
    def statistic(self) -> float:
        """The headline PSI (as :attr:`drift.model.prediction.PredictionDriftResult.statistic`)."""
        return self.psi.statistic

    @property
    def pvalue(self) -> float:
        return self.ks.pvalue

    @property
    def drifted(self) -> bool:
        return is_drifted(self.severity)

    def to_dict(self) -> dict:
        return {"task": "regression", "statistic": self.statistic, "pvalue": self.pvalue,
                "ks": self.ks.to_dict(), "psi": self.psi.to_dict(), "wasserstein": self.wasserstein,
                "wasserstein_norm": self.wasserstein_norm.to_dict(), "mean_reference": self.mean_reference,
                "mean_current": self.mean_current, "mean_shift": self.mean_shift, "severity": self.severity,
                "drifted": self.drifted, "alpha": self.alpha, "note": self.note}


def _forecasts(values, side: str) -> np.ndarray:
    column = getattr(values, "name", None)
    column = "prediction" if column is None else str(column)
    arr = numeric_values(values, side=side, column=column,
                         fix="give the model's forecasts as numbers in the target's units")
    infinite = np.flatnonzero(np.isinf(arr))
    if infinite.size:
        raise InfiniteValuesError(f"infinite forecasts (first in row {int(infinite[0])})", file=side,
                                  column=column, fix="drop or clip infinite forecasts")
    return arr


def forecast_drift(reference_forecasts, current_forecasts, *, alpha: float = 0.05, bins: int = 10,
                   psi_bands: tuple[float, float] = PSI_BANDS) -> ForecastDrift:
    """Drift of a regression model's forecasts between reference and current data.

    Parameters
    ----------
    reference_forecasts, current_forecasts : array-like or Series
        The predicted values (missing values are left out of the tests and get their own PSI bin).
    alpha : float, default 0.05
        Level of the KS test in the severity rule.
    bins : int, default 10
        Reference-quantile bins for PSI.
    psi_bands : (float, float)
        PSI cut-offs of the severity rule.

    Returns
    -------
    ForecastDrift
        A constant forecast is valid: KS and PSI are computed (a point mass gets a bin of its own), the
        normalised Wasserstein is nan with a note.  Fewer than 2 forecasts on a side: nan with a note.
    """
    func = "forecast_drift"
    _check_alpha(alpha, func)
    check_bins(bins, func)
    rs = sort_sample(_forecasts(reference_forecasts, "reference"))
    cs = sort_sample(_forecasts(current_forecasts, "current"))
    ks, raw = ks_sorted(rs, cs)
    psi = psi_from_counts(numeric_bin_counts(rs, cs, bins))
    if ks.note:
        psi = PSIResult(float("nan"), psi.counts, ks.note)
    norm = wasserstein_from(raw, rs)
    mean_ref = float(np.mean(rs.values)) if rs.n else float("nan")
    mean_cur = float(np.mean(cs.values)) if cs.n else float("nan")
    notes = dict.fromkeys(n for n in (ks.note, f"normalised Wasserstein: {norm.note}" if norm.note else "")
                          if n)
    sev = severity(bool(ks.pvalue < alpha), psi.statistic, psi_bands)
    return ForecastDrift(ks, psi, float(raw), norm, mean_ref, mean_cur, mean_cur - mean_ref, sev, alpha,
                         "; ".join(notes))


# --- multiclass ----------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ClassPredictionDrift:
    """Drift of a classifier's predicted classes and, when given, of each class's probability.

    Attributes
    ----------
    chi2 : TestResult
        χ² homogeneity test of the predicted-class counts (missing predictions left out).
    psi : PSIResult
        Categorical PSI of the predicted classes, with its bin table.
    shares : DataFrame
        ``class, reference_share, current_share, change`` in the order of ``classes`` (then any
        predicted label outside them), shares of the non-missing predictions.
    probabilities : tuple of ScoreDrift
        PSI and KS of each class's probability (empty without probabilities).
    pvalues_adjusted : tuple of float
        The KS p-values of ``probabilities`` corrected across classes (``correction``).
    class_severities : tuple of str
        Severity of each class's probability.
    severity : str
        The worst of the class-share severity (χ² at ``alpha``, PSI bands) and ``class_severities``.
    share_severity : str
        Severity of the class shares alone.
    """

    chi2: TestResult
    psi: PSIResult
    shares: pd.DataFrame
    probabilities: tuple[ScoreDrift, ...]
    pvalues_adjusted: tuple[float, ...]
    class_severities: tuple[str, ...]
    share_severity: str
    severity: str
    alpha: float
    correction: str
    note: str = ""

    @property
    def statistic(self) -> float:
        """PSI of the predicted-class shares."""
        return self.psi.statistic

    @property
    def pvalue(self) -> float:
        """χ² p-value of the predicted-class shares."""
        return self.chi2.pvalue

    @property
    def drifted(self) -> bool:
        return is_drifted(self.severity)

    def probability_frame(self) -> pd.DataFrame:
        """One row per class probability: ``output, psi, ks_statistic, ks_pvalue, pvalue_adjusted,
        mean_reference, mean_current, severity``."""
        return pd.DataFrame([{"output": o.name, "psi": o.psi.statistic, "ks_statistic": o.ks.statistic,
                              "ks_pvalue": o.ks.pvalue, "pvalue_adjusted": p,
                              "mean_reference": o.mean_reference, "mean_current": o.mean_current,
                              "severity": s}
                             for o, p, s in zip(self.probabilities, self.pvalues_adjusted,
                                                self.class_severities)],
                            columns=["output", "psi", "ks_statistic", "ks_pvalue", "pvalue_adjusted",
                                     "mean_reference", "mean_current", "severity"])

    def to_dict(self) -> dict:
        return {"task": "multiclass", "statistic": self.statistic, "pvalue": self.pvalue,
                "chi2": self.chi2.to_dict(), "psi": self.psi.to_dict(),
                "shares": self.shares.to_dict("records"),
                "probabilities": self.probability_frame().to_dict("records"),
                "share_severity": self.share_severity, "severity": self.severity, "drifted": self.drifted,
                "alpha": self.alpha, "correction": self.correction, "note": self.note}


def _labels(values, side: str) -> pd.Series:
    series = values if isinstance(values, pd.Series) else pd.Series(np.asarray(values, dtype=object))
    check_cells(series, side=side, column=series.name, allow_bytes=True)
    return series.reset_index(drop=True)


def _argmax_labels(probabilities: pd.DataFrame, classes: tuple) -> pd.Series:
    """The most probable class per row (the first of tied classes; missing where a row has no value)."""
    values = probabilities.to_numpy(dtype=np.float64)
    known = ~np.isnan(values).all(axis=1)
    best = np.argmax(np.where(np.isnan(values), -np.inf, values), axis=1)
    out = np.asarray(classes, dtype=object)[best]
    out[~known] = None
    return pd.Series(out, name="predicted class")


def _share_table(ref: pd.Series, cur: pd.Series, classes: tuple) -> pd.DataFrame:
    ref_counts, cur_counts = value_counts(ref)[0], value_counts(cur)[0]
    extra = [c for c in list(ref_counts.index) + list(cur_counts.index) if c not in set(classes)]
    order = list(classes) + list(dict.fromkeys(extra))
    r = np.array([ref_counts.get(c, 0) for c in order], dtype=np.float64)
    c = np.array([cur_counts.get(k, 0) for k in order], dtype=np.float64)
    r_share = r / r.sum() if r.sum() else np.full(r.size, np.nan)
    c_share = c / c.sum() if c.sum() else np.full(c.size, np.nan)
    return pd.DataFrame({"class": order, "reference_share": r_share, "current_share": c_share,
                         "change": c_share - r_share})


def class_prediction_drift(reference_labels=None, current_labels=None, *, reference_probabilities=None,
                           current_probabilities=None, classes=None, alpha: float = 0.05, bins: int = 10,
                           correction: str = "bh",
                           psi_bands: tuple[float, float] = PSI_BANDS) -> ClassPredictionDrift:
    """Drift of a multiclass model's predicted classes and per-class probabilities (module docstring).

    Parameters
    ----------
    reference_labels, current_labels : array-like or Series, optional
        The predicted class per row.  When omitted, the most probable class of the probabilities.
    reference_probabilities, current_probabilities : DataFrame, optional
        One column per class, in the order of ``classes`` (e.g. the ``proba_<class>`` columns of
        :attr:`drift.TaskInfo.probability_columns`).
    classes : sequence, optional
        Class labels in a fixed order (the ``shares`` table follows it); by default the labels of both
        sides (:func:`drift.data.task.sorted_labels`), or the probability columns' names.
    alpha : float, default 0.05
        Level of the χ² test and of the corrected per-class KS tests.
    bins : int, default 10
        Reference-quantile bins of each class probability's PSI.
    correction : {"bh", "bonferroni", "none"}
        Multiple-testing correction across the per-class probabilities.

    Returns
    -------
    ClassPredictionDrift
    """
    func = "class_prediction_drift"
    _check_alpha(alpha, func)
    check_bins(bins, func)
    if correction not in CORRECTIONS:
        raise DriftParameterError.invalid("correction", func, f"one of {CORRECTIONS}", correction)
    if (reference_probabilities is None) != (current_probabilities is None):
        raise DriftParameterError.invalid("current_probabilities", func,
                                          "given on both sides or on neither", "one side only")
    if reference_probabilities is not None:
        for side, frame in (("reference", reference_probabilities), ("current", current_probabilities)):
            if not isinstance(frame, pd.DataFrame):
                raise DriftParameterError.invalid(f"{side}_probabilities", func,
                                                  "a DataFrame with one column per class",
                                                  type(frame).__name__)
        if classes is None:
            classes = tuple(reference_probabilities.columns)
        if len(classes) != reference_probabilities.shape[1]:
            raise DriftInputError(f"{reference_probabilities.shape[1]} probability columns for "
                                  f"{len(classes)} classes", file="reference",
                                  fix="give one probability column per class, in the order of classes")
    if reference_labels is None or current_labels is None:
        if reference_probabilities is None:
            raise DriftParameterError.invalid("reference_labels", func,
                                              "given, or replaced by per-class probabilities", None)
    probability = ()
    if reference_probabilities is not None:
        probability = prediction_drift(reference_probabilities, current_probabilities, kind="multiclass",
                                       bins=bins, psi_bands=psi_bands).outputs
    ref = _labels(reference_labels, "reference") if reference_labels is not None \
        else _argmax_labels(reference_probabilities, tuple(classes))
    cur = _labels(current_labels, "current") if current_labels is not None \
        else _argmax_labels(current_probabilities, tuple(classes))
    if classes is None:
        classes = sorted_labels(set(ref.dropna()) | set(cur.dropna()))
    counts = categorical_bin_counts(value_counts(ref), value_counts(cur))
    chi2 = chi2_bins(counts)
    psi = psi_from_counts(counts)
    if chi2.note and not chi2.note.startswith("a single category"):
        psi = PSIResult(float("nan"), counts, chi2.note)
    share_sev = severity(bool(chi2.pvalue < alpha), psi.statistic, psi_bands)
    adjusted = adjust_pvalues([o.ks.pvalue for o in probability], correction) if probability else np.empty(0)
    class_sev = tuple(severity(bool(p < alpha), o.psi.statistic, psi_bands)
                      for o, p in zip(probability, adjusted))
    notes = [f"class shares: {chi2.note}"] if chi2.note else []
    notes += [f"{o.name}: {o.psi.note}" for o in probability if o.psi.note]
    return ClassPredictionDrift(chi2, psi, _share_table(ref, cur, tuple(classes)), tuple(probability),
                                tuple(float(p) for p in adjusted), class_sev, share_sev,
                                _worst((share_sev, *class_sev)), alpha, correction, "; ".join(notes))


# --- by task ---------------------------------------------------------------------------------------------
def task_prediction_drift(reference: pd.DataFrame, current: pd.DataFrame, info: TaskInfo, *,
                          alpha: float = 0.05,
                          bins: int = 10) -> PredictionDriftResult | ForecastDrift | ClassPredictionDrift:
    """Prediction drift in the task's terms, reading the columns named by ``info`` (:func:`drift.infer_task`).

    Binary -> :func:`drift.prediction_drift` of the probability (or the 0/1 label's share, as a PSI of a
    two-valued score); regression -> :func:`forecast_drift`; multiclass -> :func:`class_prediction_drift`
    with the label column and / or the ``proba_<class>`` columns.
    """
    if not isinstance(info, TaskInfo):
        raise DriftParameterError.invalid("info", "task_prediction_drift", "a drift.TaskInfo (infer_task)",
                                          type(info).__name__)
    if info.prediction_kind is None:
        raise DriftInputError("no prediction column and no per-class probability columns", file="reference",
                              fix="name the prediction column, or add one proba_<class> column per class")
    if info.task == "regression":
        return forecast_drift(reference[info.prediction], current[info.prediction], alpha=alpha, bins=bins)
    if info.task == "binary":
        if info.prediction_kind == "label":    # the share predicted positive, as a two-valued score
            ref, cur = (frame[info.prediction].eq(info.positive_class).astype(np.float64)
                        .where(frame[info.prediction].notna()) for frame in (reference, current))
        else:
            column = info.probability_columns[info.positive_class]
            ref, cur = reference[column], current[column]
        return prediction_drift(ref, cur, kind="binary", bins=bins)
    columns = [info.probability_columns[c] for c in info.classes] if info.probability_columns else None
    labels = info.prediction if info.prediction_kind == "label" else None
    return class_prediction_drift(
        reference[labels] if labels else None, current[labels] if labels else None,
        reference_probabilities=reference[columns].set_axis(list(info.classes), axis=1) if columns else None,
        current_probabilities=current[columns].set_axis(list(info.classes), axis=1) if columns else None,
        classes=info.classes, alpha=alpha, bins=bins)

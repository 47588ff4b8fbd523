"""Estimated performance of a multiclass model without labels: confidence-based performance estimation.

CBPE, as NannyML's, on one-vs-rest calibrated probabilities.

Each class's probability is calibrated one-vs-rest by isotonic regression of ``1[y = k]`` on ``P_k``
over the reference (clipped to [0, 1], constant beyond the reference's range); each calibrated row is
renormalised to sum to 1 (uniform when every calibrated value is 0).  The model's decision is its most
probable class (argmax of its *own* probabilities; ties go to the first class in ``classes`` order).
With ``q`` the calibrated probabilities and ``ŷ`` the decisions of the n current rows:

* expected accuracy ``= mean_i q[i, ŷ_i]``;
* expected macro-F1: per class ``2·E[TP_k] / (predicted_k + E[support_k])`` with
  ``E[TP_k] = Σ_{i: ŷ_i = k} q_ik`` and ``E[support_k] = Σ_i q_ik`` (a ratio of expectations, as the
  binary CBPE's F1), averaged over the classes with ``predicted_k + E[support_k] > 0``.

The interval is a prediction interval of the *realised* metric when the calibration holds: the batch's
labels are drawn ``n_simulations`` times from the rows' categorical distributions ``q``, each draw with
the calibration refitted on one of :data:`CALIBRATION_BOOTSTRAP` bootstrap resamples of the reference
(so the calibration's own uncertainty counts); the bounds are the ``(1 ∓ confidence) / 2`` quantiles
of the metric over the draws (realised conventions of
:mod:`drift.model.multiclass_performance`).

See :mod:`drift.model.estimation` for what such an estimate can and cannot see.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.isotonic import IsotonicRegression

from drift.core.errors import (
    DriftInputError,
    DriftParameterError,
    TooFewRowsError,
    check_fraction,
    check_int,
)
from drift.core.inputs import check_cells
from drift.core.jsonsafe import python_scalar
from drift.model.estimation import (
    EstimatedTaskPerformance,
    estimate_table,
)
from drift.model.multiclass_performance import multiclass_performance, probability_matrix
from drift.stats.bootstrap import CONFIDENCE

#: Estimated metrics, in table order.
MULTICLASS_ESTIMATES = ("accuracy", "macro_f1")
#: Draws of the batch's labels behind an interval.
N_SIMULATIONS = 1000
#: Bootstrap refits of the calibration whose spread the interval includes.
CALIBRATION_BOOTSTRAP = 50
#: Fewest labelled reference rows to calibrate on.
MIN_CALIBRATION_ROWS = 20


def expected_class_metrics(q: np.ndarray, pred: np.ndarray) -> np.ndarray:
    """Expected ``[accuracy, macro_f1]`` when row i's class is drawn from ``q[i]`` (shape ``(n, k)``) and
    the model decided ``pred[i]`` (class indices); see the module docstring."""
    n, k = q.shape
    decided = np.zeros((n, k))
    decided[np.arange(n), pred] = 1.0
    tp = (q * decided).sum(axis=0)
    denominator = decided.sum(axis=0) + q.sum(axis=0)
    present = denominator > 0
    return np.array([tp.sum() / n, np.mean(2 * tp[present] / denominator[present])])


def _realised_class_metrics(labels: np.ndarray, pred: np.ndarray, k: int) -> np.ndarray:
    """``[accuracy, macro_f1]`` of each row of ``labels`` (shape ``(s, n)``) against ``pred`` (shape (n,)),
    with the realised conventions (macro over the classes in the target or the predictions)."""
    s, n = labels.shape
    cells = (np.arange(s)[:, None] * k * k + labels * k + pred[None, :]).ravel()
    cm = np.bincount(cells, minlength=s * k * k).reshape(s, k, k)
    tp = np.diagonal(cm, axis1=1, axis2=2)
    denominator = cm.sum(axis=2) + cm.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.where(denominator > 0, 2 * tp / denominator, np.nan)
    return np.column_stack([tp.sum(axis=1) / n, np.nanmean(f1, axis=1)])


def _fit_isotonic(p: np.ndarray, hit: np.ndarray) -> IsotonicRegression:
    return IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(p, hit)


def _normalised(calibrated: np.ndarray) -> np.ndarray:
    total = calibrated.sum(axis=1, keepdims=True)
    uniform = np.full_like(calibrated, 1.0 / calibrated.shape[1])
    return np.divide(calibrated, total, out=uniform, where=total > 0)


@dataclass(frozen=True, slots=True, eq=False)
class ClassCalibration:
    """One-vs-rest isotonic calibration of a multiclass model's probabilities, fitted on the reference.

    Attributes
    ----------
    classes : tuple
        Class labels, the order of the probability columns.
    calibrators : tuple of IsotonicRegression
        One per class, fitted on the whole reference.
    bootstrap : tuple of tuple of IsotonicRegression
        The same, refitted on each of :data:`CALIBRATION_BOOTSTRAP` bootstrap resamples.
    reference_estimated, reference_realised : tuple of float
        ``(accuracy, macro_f1)`` of the reference: expected from its calibrated probabilities, and realised.
    n_reference : int
    """

    classes: tuple
    calibrators: tuple
    bootstrap: tuple
    reference_estimated: tuple[float, float]
    reference_realised: tuple[float, float]
    n_reference: int

    def calibrate(self, probabilities: np.ndarray, replicate: int | None = None) -> np.ndarray:
        """Calibrated, renormalised probabilities of an ``(n, k)`` array (with the fit on bootstrap resample
        ``replicate`` when given)."""
        models = self.calibrators if replicate is None else self.bootstrap[replicate]
        return _normalised(np.column_stack([m.predict(probabilities[:, j]) for j, m in enumerate(models)]))


def class_rows(y_true, probabilities, classes: tuple, side: str, func: str,
                labelled: bool) -> tuple[np.ndarray | None, np.ndarray, list[str]]:
    """Class indices (when ``labelled``) and probabilities of the rows that have them all, and notes."""
    n = len(probabilities) if hasattr(probabilities, "__len__") else 0
    proba = probability_matrix(probabilities, classes, n, side, func)
    ok = ~np.isnan(proba).any(axis=1)
    y = None
    if labelled:
        series = y_true if isinstance(y_true, pd.Series) else pd.Series(np.asarray(y_true, dtype=object))
        name = "target" if series.name is None else str(series.name)
        check_cells(series, side=side, column=name)
        if len(series) != n:
            raise DriftInputError(f"{len(series)} labels but {n} rows of probabilities", file=side,
                                  fix="align the target and probability columns row by row")
        series = series.reset_index(drop=True)
        ok &= series.notna().to_numpy()
        index = {c: i for i, c in enumerate(classes)}
        unknown = sorted({str(v) for v in series[ok] if v not in index})
        if unknown:
            raise DriftInputError(f"labels outside the classes {list(classes)}: {unknown[:5]}", file=side,
                                  column=name, fix="give one probability column per class, for every label")
        y = np.fromiter((index[v] for v in series[ok]), dtype=np.int64, count=int(ok.sum()))
    notes = [f"{side}: {int((~ok).sum())} row(s) without a label or a probability left out"] if (~ok).any() \
        else []
    return y, proba[ok], notes


def fit_class_calibration(reference_y, reference_probabilities, *, classes: Sequence,
                          rng=0) -> ClassCalibration:
    """Calibrate each class's probability one-vs-rest on the labelled reference (module docstring).

    Parameters
    ----------
    reference_y : array-like
        True class of each reference row (missing: left out).
    reference_probabilities : pandas.DataFrame
        One probability column per class, in ``classes`` order (e.g. the ``proba_<class>`` columns).
    classes : sequence
        The class labels, in the order of the columns.
    rng : int or numpy.random.Generator, default 0
        Seed of the bootstrap refits.

    Returns
    -------
    ClassCalibration

    Raises
    ------
    TooFewRowsError
        Fewer than :data:`MIN_CALIBRATION_ROWS` labelled rows.
    DriftInputError
        A class that never occurs among the reference labels (its probability cannot be calibrated), labels
        outside ``classes``, probabilities outside [0, 1].
    """
    func = "fit_class_calibration"
    classes = tuple(classes)
    if len(classes) < 2:
        raise DriftParameterError.invalid("classes", func, "at least 2 class labels", classes)
    y, p, _ = class_rows(reference_y, reference_probabilities, classes, "reference", func, labelled=True)
    column = str(getattr(reference_y, "name", None) or "target")
    if y.size < MIN_CALIBRATION_ROWS:
        raise TooFewRowsError(f"{y.size} labelled reference row(s) with probabilities: too few to calibrate "
                              f"(at least {MIN_CALIBRATION_ROWS})", file="reference", column=column,
                              fix="use a labelled hold-out of the reference, scored by the model")
    absent = [c for j, c in enumerate(classes) if not (y == j).any()]
    if absent:
        raise DriftInputError(f"class {python_scalar(absent[0])!r} never occurs among the reference labels: "
                              "its probability cannot be calibrated", file="reference", column=column,
                              fix="use a reference hold-out with rows of every class, or drop the class")
    hits = [(y == j).astype(np.float64) for j in range(len(classes))]
    calibrators = tuple(_fit_isotonic(p[:, j], hits[j]) for j in range(len(classes)))
    gen = np.random.default_rng(rng)
    bootstrap = []
    for _ in range(CALIBRATION_BOOTSTRAP):
        rows = gen.integers(0, y.size, y.size)
        bootstrap.append(tuple(_fit_isotonic(p[rows, j], hits[j][rows]) for j in range(len(classes))))
    pred = p.argmax(axis=1)
    q = _normalised(np.column_stack([m.predict(p[:, j]) for j, m in enumerate(calibrators)]))
    realised = multiclass_performance(y, pred, classes=range(len(classes)), side="reference")
    return ClassCalibration(classes, calibrators, tuple(bootstrap),
                            tuple(map(float, expected_class_metrics(q, pred))),
                            (realised.accuracy, realised.macro_f1), int(y.size))


def estimated_multiclass_performance(reference_y, reference_probabilities, current_probabilities, *,
                                     classes: Sequence | None = None,
                                     calibration: ClassCalibration | None = None,
                                     confidence: float = CONFIDENCE, n_simulations: int = N_SIMULATIONS,
                                     rng=0) -> EstimatedTaskPerformance:
    """Estimated accuracy and macro-F1 of a multiclass model on unlabelled data (CBPE; module docstring).

    Parameters
    ----------
    reference_y, reference_probabilities
        The labelled reference hold-out: true classes and one probability column per class (ignored, and
        may be None, when ``calibration`` is given).
    current_probabilities : pandas.DataFrame
        The current batch's probability columns, in the same order.
    classes : sequence, optional
        Class labels in column order; required unless ``calibration`` is given.
    calibration : ClassCalibration, optional
        From :func:`fit_class_calibration`, to calibrate once and estimate many batches.
    confidence : float, default 0.95
    n_simulations : int, default :data:`N_SIMULATIONS`
        Draws of the batch's labels behind the interval.
    rng : int or numpy.random.Generator, default 0

    Returns
    -------
    EstimatedTaskPerformance

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> gen = np.random.default_rng(0)
    >>> p = gen.dirichlet([1, 1, 1], 3000)
    >>> y = (gen.random(3000)[:, None] > p.cumsum(axis=1)[:, :-1]).sum(axis=1)
    >>> est = estimated_multiclass_performance(y, pd.DataFrame(p), pd.DataFrame(p[:500]), classes=[0, 1, 2])
    >>> bool(abs(est.estimate("accuracy") - p[:500].max(axis=1).mean()) < 0.03)
    True
    """
    func = "estimated_multiclass_performance"
    check_fraction(confidence, "confidence", func)
    check_int(n_simulations, "n_simulations", func, 1)
    gen = np.random.default_rng(rng)
    if calibration is None:
        if classes is None:
            raise DriftParameterError.invalid("classes", func, "the class of each probability column, in "
                                              "order (or a calibration)", None)
        calibration = fit_class_calibration(reference_y, reference_probabilities, classes=classes, rng=gen)
    elif not isinstance(calibration, ClassCalibration):
        raise DriftParameterError.invalid("calibration", func, "a ClassCalibration or None",
                                          type(calibration).__name__)
    classes, k = calibration.classes, len(calibration.classes)
    _, p, notes = class_rows(None, current_probabilities, classes, "current", func, labelled=False)
    if p.shape[0] == 0:
        raise DriftInputError("no row with probabilities to estimate performance from", file="current",
                              fix="score the current rows with the model")
    pred = p.argmax(axis=1)
    point = expected_class_metrics(calibration.calibrate(p), pred)
    draws = []
    per_replicate = -(-n_simulations // CALIBRATION_BOOTSTRAP)
    for b in range(min(CALIBRATION_BOOTSTRAP, n_simulations)):
        cumulative = np.cumsum(calibration.calibrate(p, b), axis=1)[:, :-1]
        count = min(per_replicate, n_simulations - b * per_replicate)
        if count <= 0:
            break
        u = gen.random((count, p.shape[0]))
        labels = (u[:, :, None] > cumulative[None, :, :]).sum(axis=2)
        draws.append(_realised_class_metrics(labels, pred, k))
    draws = np.vstack(draws)
    half = (1 - confidence) / 2
    lo, hi = np.nanquantile(draws, half, axis=0), np.nanquantile(draws, 1 - half, axis=0)
    predicted = np.bincount(pred, minlength=k)
    never = [repr(python_scalar(classes[j])) for j in np.flatnonzero(predicted == 0)]
    if never:
        notes.append(f"current: class {', '.join(never)} never predicted")
    table = estimate_table(MULTICLASS_ESTIMATES, calibration.reference_estimated,
                           calibration.reference_realised, point, lo, hi)
    return EstimatedTaskPerformance("multiclass", table, int(p.shape[0]), float(confidence), tuple(notes))

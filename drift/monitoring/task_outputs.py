"""A regression or multiclass model's outputs as :func:`drift.monitor` measures them: every model-facing
metric as a function of *row weights*, so that a batch, the reference, a reweighted reference and a null
draw are all measured by the same code.

The binary classifier has its own fast path (:mod:`drift.monitoring.reference`); this module serves the
other two tasks of :func:`drift.data.task.infer_task`, with a straightforward computation per draw.

Metrics (each a :class:`~drift.monitoring.detectors.MetricSpec` declaring which way is worse):

Regression (target ``y``, forecast ``ŷ``)
    * ``prediction_psi`` -- PSI of the forecasts on the reference's decile edges
      (:data:`~drift.monitoring.detectors.PREDICTION_BINS`, :func:`weighted_psi`; the numbers of
      :func:`drift.model.prediction_tasks.forecast_drift` without missing values); ``prediction_ks`` --
      the two-sample KS statistic ``D`` of the forecasts (:func:`weighted_ks`, ``scipy.stats.ks_2samp``'s
      statistic for unit weights).  Both alert upwards;
    * ``mae``, ``rmse`` -- on the rows with a target and a forecast (``sklearn.metrics``'
      ``mean_absolute_error`` / ``root_mean_squared_error``), and ``abs_bias`` -- ``|mean(ŷ - y)|``, the
      size of the bias whichever its sign.  All alert upwards (a larger error is worse);
    * ``estimated_mae``, ``estimated_rmse`` -- direct loss estimation (:mod:`drift.model.loss_estimation`):
      the mean predicted absolute error and the square root of the mean predicted squared error of the
      rows with a forecast, from loss models fitted once on the labelled reference.  Left out, with the
      reason in a note, when no loss model can be fitted (fewer than
      :data:`~drift.model.loss_estimation.MIN_LOSS_ROWS` labelled rows, no error to learn).

Multiclass (true class ``y``, predicted class ``ŷ``: the prediction column, else the most probable class
of the ``proba_<class>`` columns)
    * ``prediction_psi`` -- PSI of the predicted-class shares: one bin per class the reference predicts,
      one for every other class (:func:`drift.model.prediction_tasks.class_prediction_drift`'s PSI
      without missing predictions);
    * ``accuracy``, ``macro_f1`` -- ``sklearn.metrics.accuracy_score`` and ``f1_score(average="macro")``
      (the mean F1 over the classes present in the rows' labels or predictions).  Both alert downwards;
    * ``estimated_accuracy``, ``estimated_macro_f1`` -- CBPE (:mod:`drift.model.class_estimation`): the
      expected accuracy and macro-F1 under the one-vs-rest isotonic calibration fitted once on the
      labelled reference; only with a probability column per class.

Performance metrics are calibrated as **changes** (rule 1 of :mod:`drift.monitoring.calibration`): a null
value is the metric of a chunk of reference rows minus that of the pseudo-reference, and a threshold is
the reference's own value plus a null quantile.  The loss models and the class calibration predict on
the reference rows they were fitted on; both sides of a null draw use those same predictions, so the
null *changes* are those of rows measured alike (their spread is, if anything, a little wide).

Weights: ``w`` holds one non-negative weight per reference row (a chunk's row counts, a pseudo-reference,
importance weights of muted features); a metric of weights ``w`` is the metric of the sample in which
row ``i`` appears ``w[i]`` times (tested against the direct computation).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from drift.core.errors import DriftError
from drift.core.inputs import numeric_values
from drift.core.jsonsafe import python_scalar
from drift.data.task import TaskInfo
from drift.model.class_estimation import fit_class_calibration
from drift.model.loss_estimation import fit_loss_model
from drift.monitoring.detectors import MIN_LABELS, PREDICTION_BINS
from drift.stats.binning import BinCounts, weighted_quantile_edges
from drift.stats.psi import psi_from_counts
from drift.stats.samples import as_float_array

#: Performance metrics (realised, then estimated) of each task, in table order.
PERFORMANCE = {"regression": ("mae", "rmse", "abs_bias"), "multiclass": ("accuracy", "macro_f1")}
ESTIMATED = {"regression": ("estimated_mae", "estimated_rmse"),
             "multiclass": ("estimated_accuracy", "estimated_macro_f1")}
#: Fewest rows with a prediction for prediction drift and estimated performance.
MIN_PREDICTIONS = 2


# ------------------------------------------------------------------------------ weighted statistics
def weighted_psi(values: np.ndarray, weights: np.ndarray, current: np.ndarray,
                 current_weights: np.ndarray, bins: int = PREDICTION_BINS) -> float:
    """PSI of the weighted sorted sample ``current`` against the weighted sorted reference ``values``:
    reference-quantile edges (:func:`drift.stats.binning.weighted_quantile_edges`) and left-closed bins,
    counts rounded to whole rows; ``nan`` when a side weighs less than 2."""
    if current_weights.sum() < 2 or weights.sum() < 2:
        return float("nan")
    edges = weighted_quantile_edges(values, weights, bins)

    def counts(x: np.ndarray, w: np.ndarray) -> np.ndarray:
        below = np.concatenate(([0.0], np.cumsum(w)))[np.searchsorted(x, edges, side="left")]
        return np.diff(np.concatenate(([0.0], below, [w.sum()]))).round().astype(np.int64)

    return float(psi_from_counts(BinCounts(counts(values, weights), counts(current, current_weights),
                                           edges)).statistic)


def weighted_ks(values: np.ndarray, weights: np.ndarray, current: np.ndarray,
                current_weights: np.ndarray) -> float:
    """Two-sample KS statistic ``D = max |F_ref - F_cur|`` of two weighted sorted samples (the
    statistic of ``scipy.stats.ks_2samp`` for unit weights); ``nan`` when a side weighs less than 2.

    A null draw weighs the reference's own sorted values on both sides (``current is values``): both
    CDFs then step at the same values and are read at the last position of each run of equal values --
    the same sums as the general path's lookups, in linear time (hundreds of draws per batch)."""
    total_r, total_c = float(weights.sum()), float(current_weights.sum())
    if total_r < 2 or total_c < 2:
        return float("nan")
    if current is values:
        ends = np.append(np.flatnonzero(values[1:] != values[:-1]), values.size - 1)
        cum_r = np.cumsum(weights)[ends] / total_r
        return float(np.max(np.abs(cum_r - np.cumsum(current_weights)[ends] / total_c)))
    at = np.concatenate([values, current])
    cum_r = np.concatenate(([0.0], np.cumsum(weights)))[np.searchsorted(values, at, side="right")] / total_r
    cum_c = np.concatenate(([0.0], np.cumsum(current_weights)))[np.searchsorted(current, at, side="right")]
    return float(np.max(np.abs(cum_r - cum_c / total_c)))


def share_psi(reference_counts: np.ndarray, current_counts: np.ndarray) -> float:
    """PSI of predicted-class counts (class code -> weighted count, same length on both sides): one bin
    per class the reference predicts, one for all the others; ``nan`` when a side counts less than 2."""
    if reference_counts.sum() < 2 or current_counts.sum() < 2:
        return float("nan")
    ref = np.rint(reference_counts).astype(np.int64)
    seen = ref > 0
    cur = np.rint(current_counts).astype(np.int64)
    return float(psi_from_counts(BinCounts(np.append(ref[seen], 0),
                                           np.append(cur[seen], cur[~seen].sum()))).statistic)


def regression_errors(y: np.ndarray, f: np.ndarray, w: np.ndarray) -> tuple[float, float, float]:
    """``(mae, rmse, abs_bias)`` of the rows weighted by ``w`` (their weights summing to at least
    :data:`~drift.monitoring.detectors.MIN_LABELS`, else nans)."""
    err = f - y
    return weighted_errors(err, np.abs(err), err ** 2, w)


def weighted_errors(err: np.ndarray, abs_err: np.ndarray, sq_err: np.ndarray,
                    w: np.ndarray) -> tuple[float, float, float]:
    """:func:`regression_errors` from the errors ``f - y``, their absolute values and squares (computed
    once for the reference's hundreds of null draws)."""
    total = float(w.sum())
    if total < MIN_LABELS:
        return (float("nan"),) * 3
    return float(w @ abs_err) / total, float(np.sqrt(w @ sq_err / total)), abs(float(w @ err)) / total


def class_scores(y: np.ndarray, pred: np.ndarray, w: np.ndarray, k: int) -> tuple[float, float]:
    """``(accuracy, macro_f1)`` of class codes ``y``, ``pred`` (``0 .. k-1``) weighted by ``w``: macro-F1
    over the classes present in the labels or the predictions; nans below ``MIN_LABELS``."""
    total = float(w.sum())
    if total < MIN_LABELS:
        return float("nan"), float("nan")
    cm = np.bincount(y * k + pred, weights=w, minlength=k * k).reshape(k, k)
    tp, den = np.diag(cm), cm.sum(axis=0) + cm.sum(axis=1)
    present = den > 0
    return float(tp.sum()) / total, float(np.mean(2 * tp[present] / den[present]))


def expected_scores(q: np.ndarray, pred: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    """CBPE's expected ``(accuracy, macro_f1)`` of calibrated probabilities ``q`` (``(n, k)``) and decisions
    ``pred`` with row weights ``w`` (:func:`drift.model.class_estimation.expected_class_metrics` for unit
    weights); nans below :data:`MIN_PREDICTIONS`."""
    total = float(w.sum())
    if total < MIN_PREDICTIONS:
        return float("nan"), float("nan")
    n, k = q.shape
    decided = np.zeros((n, k))
    decided[np.arange(n), pred] = w
    tp = (q * decided).sum(axis=0)
    den = decided.sum(axis=0) + w @ q
    present = den > 0
    return float(tp.sum()) / total, float(np.mean(2 * tp[present] / den[present]))


def class_codes(values: pd.Series, classes: tuple) -> np.ndarray:
    """Each value's index in ``classes`` (``-1`` for a missing value); a label outside ``classes`` gets a
    code from ``len(classes)`` on, one per distinct label, in order of appearance."""
    index = {c: j for j, c in enumerate(classes)}
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    extra: dict = {}
    lut = np.array([index[u] if u in index else extra.setdefault(u, len(classes) + len(extra))
                    for u in map(python_scalar, uniques)] + [-1], dtype=np.int64)
    return lut[codes]                               # code -1 (missing) picks the trailing -1


# ------------------------------------------------------------------------------ one side's outputs
class Outputs:
    """A table's model outputs, parsed once: forecasts or class codes, targets, probabilities."""

    def __init__(self, frame: pd.DataFrame, info: TaskInfo, side: str) -> None:
        self.n = len(frame)
        self.task = info.task
        has = {c: c is not None and c in frame.columns for c in (info.target, info.prediction)}
        self.proba = None
        if self.task == "regression":
            fix = "give the model's forecasts and the target as numbers"
            self.pred = numeric_values(frame[info.prediction], side=side, column=info.prediction, fix=fix) \
                if has[info.prediction] else np.full(self.n, np.nan)
            self.y = numeric_values(frame[info.target], side=side, column=info.target, fix=fix) \
                if has[info.target] else np.full(self.n, np.nan)
            self.pred_ok = ~np.isnan(self.pred)
            self.labelled = self.pred_ok & ~np.isnan(self.y)
            return
        classes = tuple(info.classes)
        columns = [info.probability_columns.get(c) for c in classes]
        if info.probability_columns and all(c is not None and c in frame.columns for c in columns):
            self.proba = np.column_stack([as_float_array(frame[c]) for c in columns])
        if has[info.prediction]:
            self.pred = class_codes(frame[info.prediction], classes)
        elif self.proba is not None:
            known = ~np.isnan(self.proba).any(axis=1)
            self.pred = np.where(known, np.nan_to_num(self.proba, nan=-1.0).argmax(axis=1), -1)
        else:
            self.pred = np.full(self.n, -1, dtype=np.int64)
        self.y = class_codes(frame[info.target], classes) if has[info.target] \
            else np.full(self.n, -1, dtype=np.int64)
        self.pred_ok = self.pred >= 0
        self.labelled = self.pred_ok & (self.y >= 0)

    def estimable(self) -> np.ndarray:
        """Rows an estimate reads: a forecast (regression), every class probability (multiclass)."""
        if self.task == "regression":
            return self.pred_ok
        return np.zeros(self.n, bool) if self.proba is None else ~np.isnan(self.proba).any(axis=1)


# ------------------------------------------------------------------------------ the reference's outputs
class TaskOutputs:
    """The reference's model outputs for :func:`drift.monitor` (regression or multiclass): parsed once,
    the loss models or the class calibration fitted once, every metric a function of row weights.

    ``unavailable`` maps a detector that cannot run to the reason (a note of :func:`drift.monitor`).
    """

    def __init__(self, frame: pd.DataFrame, info: TaskInfo, *, features, detectors, seed: int) -> None:
        self.info = info
        self.task = info.task
        self.k = len(info.classes)
        self.ref = Outputs(frame, info, "reference")
        self.unavailable: dict[str, str] = {}
        ok = self.ref.pred_ok
        self.pred_rows = np.flatnonzero(ok)
        if self.task == "regression":                  # forecasts sorted once, for PSI and KS
            self.pred_rows = self.pred_rows[np.argsort(self.ref.pred[ok], kind="stable")]
            self.sorted_pred = self.ref.pred[self.pred_rows]
        self.lab_rows = np.flatnonzero(self.ref.labelled)
        if self.task == "regression":                  # the labelled rows' errors, once for every draw
            err = self.ref.pred[self.lab_rows] - self.ref.y[self.lab_rows]
            self.lab_errors = (err, np.abs(err), err ** 2)
        if self.lab_rows.size < MIN_LABELS:
            reason = f"fewer than {MIN_LABELS} labelled reference rows with a prediction"
            self.unavailable.update(performance=reason, estimated_performance=reason)
        self.est_rows = np.empty(0, dtype=np.int64)
        self.estimator = None
        self.est_values: np.ndarray | None = None      # regression: (d, s); multiclass: q
        self.est_pred: np.ndarray | None = None
        if "estimated_performance" in detectors and "estimated_performance" not in self.unavailable:
            self._fit_estimator(frame, features, seed)

    def _fit_estimator(self, frame: pd.DataFrame, features, seed: int) -> None:
        info = self.info
        rows = np.flatnonzero(self.ref.estimable())
        try:
            if self.task == "regression":
                model = fit_loss_model(frame, target=info.target, prediction=info.prediction,
                                       features=list(features), rng=seed)
                d, s = model.predict(model.design(frame.iloc[rows], self.ref.pred[rows], "reference"))
                self.est_values = np.column_stack([d, s])
            elif self.ref.proba is None:
                raise _Skip("needs one probability column per class (proba_<class>)")
            else:
                lab = self.ref.labelled[rows] & (self.ref.y[rows] < self.k)
                model = fit_class_calibration(self.ref.y[rows][lab], pd.DataFrame(self.ref.proba[rows][lab]),
                                              classes=range(self.k), rng=seed)
                self.est_values = model.calibrate(self.ref.proba[rows])
                self.est_pred = self.ref.proba[rows].argmax(axis=1)
        except (DriftError, _Skip) as err:
            self.unavailable["estimated_performance"] = str(err)
            return
        self.estimator, self.est_rows = model, rows

    # -- metrics of weighted reference rows --------------------------------------------------------------
    def performance(self, w: np.ndarray) -> dict[str, float]:
        """Realised performance of the labelled reference rows weighted by ``w`` (one per reference row)."""
        if "performance" in self.unavailable:
            return {}
        r = self.lab_rows
        values = weighted_errors(*self.lab_errors, w[r]) if self.task == "regression" \
            else self._class_scores(self.ref.y[r], self.ref.pred[r], w[r])
        return dict(zip(PERFORMANCE[self.task], values, strict=True))

    def estimated(self, w: np.ndarray) -> dict[str, float]:
        """Estimated performance of the reference rows weighted by ``w``."""
        if self.estimator is None:
            return {}
        return dict(zip(ESTIMATED[self.task], self._estimate(self.est_values, self.est_pred,
                                                             w[self.est_rows]), strict=True))

    def _estimate(self, values: np.ndarray, pred: np.ndarray | None, w: np.ndarray) -> tuple[float, float]:
        if self.task == "multiclass":
            return expected_scores(values, pred, w)
        total = float(w.sum())
        if total < MIN_PREDICTIONS:
            return float("nan"), float("nan")
        return float(w @ values[:, 0]) / total, float(np.sqrt(w @ values[:, 1] / total))

    def _class_scores(self, y: np.ndarray, pred: np.ndarray, w: np.ndarray) -> tuple[float, float]:
        k = int(max(self.k, y.max(initial=-1) + 1, pred.max(initial=-1) + 1))
        return class_scores(y, pred, w, k)

    def _shares(self, pred: np.ndarray, w: np.ndarray, k: int) -> np.ndarray:
        return np.bincount(pred, weights=w, minlength=k)

    def prediction(self, w: np.ndarray, cur: np.ndarray, cur_w: np.ndarray, detectors) -> dict[str, float]:
        """Prediction drift of predictions ``cur`` (sorted forecasts, or class codes) weighted ``cur_w``
        against the reference's weighted ``w`` (one per reference row)."""
        if "prediction" not in detectors:
            return {}
        r = self.pred_rows
        if self.task == "regression":
            return {"prediction_psi": weighted_psi(self.sorted_pred, w[r], cur, cur_w),
                    "prediction_ks": weighted_ks(self.sorted_pred, w[r], cur, cur_w)}
        k = int(max(self.k, cur.max(initial=-1) + 1, self.ref.pred.max(initial=-1) + 1))
        return {"prediction_psi": share_psi(self._shares(self.ref.pred[r], w[r], k),
                                            self._shares(cur, cur_w, k))}

    # -- a batch, a null draw --------------------------------------------------------------------------
    def measure(self, rows: pd.DataFrame, label: str, w: np.ndarray | None, detectors) -> dict[str, float]:
        """Every model-facing metric of a batch against the reference weighted by ``w`` (``None``: the
        whole reference)."""
        w = np.ones(self.ref.n) if w is None else w
        out = Outputs(rows, self.info, label)
        ok = np.flatnonzero(out.pred_ok)
        cur = np.sort(out.pred[ok]) if self.task == "regression" else out.pred[ok]
        values = self.prediction(w, cur, np.ones(cur.size), detectors)
        if "performance" in detectors and "performance" not in self.unavailable:
            lab = out.labelled
            ones = np.ones(int(lab.sum()))
            values.update(zip(PERFORMANCE[self.task], regression_errors(out.y[lab], out.pred[lab], ones)
                              if self.task == "regression" else
                              self._class_scores(out.y[lab], out.pred[lab], ones), strict=True))
        if "estimated_performance" in detectors and self.estimator is not None:
            values.update(zip(ESTIMATED[self.task], self._batch_estimate(rows, out), strict=True))
        return values

    def _batch_estimate(self, rows: pd.DataFrame, out: Outputs) -> tuple[float, float]:
        at = np.flatnonzero(out.estimable())
        if at.size < MIN_PREDICTIONS:
            return float("nan"), float("nan")
        if self.task == "regression":
            d, s = self.estimator.predict(self.estimator.design(rows.iloc[at], out.pred[at], "current"))
            return self._estimate(np.column_stack([d, s]), None, np.ones(at.size))
        p = out.proba[at]
        return expected_scores(self.estimator.calibrate(p), p.argmax(axis=1), np.ones(at.size))

    def null(self, chunk: np.ndarray, pseudo: np.ndarray, detectors, split: bool) -> dict[str, float]:
        """The model-facing metrics of one null draw (rule 1 of :mod:`drift.monitoring.calibration`): the
        chunk (reference row positions, repeats allowed) against the pseudo-reference (weights; with
        ``split`` the rows not in the chunk), performance as the change chunk minus pseudo-reference."""
        c = np.bincount(chunk, minlength=self.ref.n).astype(np.float64)
        w = 1.0 - c if split else np.asarray(pseudo, dtype=np.float64)
        r = self.pred_rows
        cur = self.sorted_pred if self.task == "regression" else self.ref.pred[r]
        values = self.prediction(w, cur, c[r], detectors)
        if "performance" in detectors:
            values.update(_changes(self.performance(c), self.performance(w)))
        if "estimated_performance" in detectors:
            values.update(_changes(self.estimated(c), self.estimated(w)))
        return values

    def sizes(self, rows: pd.DataFrame, label: str, active) -> dict[str, int]:
        """Detector -> the rows its metrics read in this batch (predictions, labelled rows, rows an
        estimate reads)."""
        out = Outputs(rows, self.info, label)
        got = {"prediction": int(out.pred_ok.sum()), "performance": int(out.labelled.sum()),
               "estimated_performance": int(out.estimable().sum())}
        return {d: n for d, n in got.items() if d in active}

    def batch_notes(self, rows: pd.DataFrame, label: str, active) -> list[str]:
        """Why a batch's model-facing metric is ``nan``, and degenerate batches (a class absent from its
        labels, a constant forecast)."""
        out = Outputs(rows, self.info, label)
        notes = []
        n_lab = int(out.labelled.sum())
        if "performance" in active and n_lab < MIN_LABELS:
            notes.append(f"batch {label!r}: realised performance not measured: {n_lab} labelled row(s) with "
                         f"a prediction (needs {MIN_LABELS})")
        if "prediction" in active and out.pred_ok.sum() < MIN_PREDICTIONS:
            notes.append(f"batch {label!r}: prediction drift not measured: {int(out.pred_ok.sum())} "
                         "prediction(s)")
        forecasts = out.pred[out.pred_ok] if self.task == "regression" else np.empty(0)
        if forecasts.size >= MIN_PREDICTIONS and np.ptp(forecasts) == 0:
            notes.append(f"batch {label!r}: the forecast is constant ({forecasts[0]:g})")
        if self.task == "multiclass" and n_lab >= MIN_LABELS:
            absent = [repr(python_scalar(c)) for j, c in enumerate(self.info.classes)
                      if not (out.y[out.labelled] == j).any()]
            if absent:
                notes.append(f"batch {label!r}: class {', '.join(absent)} absent from its labels "
                             "(macro-F1 over the classes present)")
        if "estimated_performance" in active and self.estimator is not None \
                and out.estimable().sum() < MIN_PREDICTIONS:
            what = "forecast" if self.task == "regression" else "row with every class probability"
            notes.append(f"batch {label!r}: estimated performance not measured: fewer than "
                         f"{MIN_PREDICTIONS} {what}s")
        return notes


class _Skip(Exception):
    """A detector that cannot run on this reference (the message is the reason)."""


def _changes(chunk: Mapping[str, float], pseudo: Mapping[str, float]) -> dict[str, float]:
    return {m: chunk[m] - pseudo[m] for m in chunk}

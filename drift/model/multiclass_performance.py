"""Realised performance of a multiclass classifier, and its change with a bootstrap interval.

On the rows that have both a true and a predicted class, with the classes in a fixed order (given, or
:func:`drift.data.task.sorted_labels` of the labels seen; a label outside the given classes is appended,
with a
note):

* ``confusion`` — counts, rows the true class, columns the predicted class
  (``sklearn.metrics.confusion_matrix(y, ŷ, labels=classes)``);
* per class: ``support`` (true rows), ``predicted`` (rows predicted so), ``precision = TP / predicted``,
  ``recall = TP / support``, ``f1 = 2·TP / (support + predicted)``.  A class absent from the batch's
  target has no recall (nan, with a note), a class never predicted no precision, a class with neither no
  F1 — never a 0 standing for "undefined", and no division warning (``sklearn.metrics.precision_score``
  and ``recall_score`` with ``zero_division=nan``);
* ``accuracy`` — share of rows predicted right (``accuracy_score``);
* ``macro_f1`` — the mean F1 over the classes present in the batch's target or predictions
  (``f1_score(average="macro")`` with its default labels): a class absent from both does not count;
* ``log_loss`` — with one probability column per class: mean ``-ln P(true class)``, the probability clipped
  to ``[eps, 1 - eps]`` with ``eps`` :data:`~drift.stats.metrics.MULTICLASS_EPS`, the float64 machine
  epsilon (``sklearn.metrics.log_loss(y, P, labels=classes)``); nan without probabilities.

:data:`CHANGE_METRICS` get a percentile-bootstrap interval of their change (:mod:`drift.stats.bootstrap`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from drift.core.errors import DriftInputError, DriftParameterError, TooFewRowsError
from drift.core.inputs import check_cells, numeric_values
from drift.core.jsonsafe import python_scalar
from drift.data.task import sorted_labels
from drift.stats.bootstrap import (
    CONFIDENCE,
    N_BOOT,
    MetricChanges,
    bootstrap_change,
    change_table,
    check_bootstrap,
)
from drift.stats.metrics import MULTICLASS_EPS

#: Metrics of the whole batch, in this order.
CHANGE_METRICS = ("accuracy", "macro_f1", "log_loss")
#: Fewest labelled rows for performance to be measured.
MIN_ROWS = 2


@dataclass(frozen=True, slots=True)
class _Coded:
    """True and predicted classes as indices into ``classes``, and P(true class) when known."""

    y: np.ndarray
    pred: np.ndarray
    p_true: np.ndarray | None


def _counts(y: np.ndarray, pred: np.ndarray, k: int) -> np.ndarray:
    return np.bincount(y * k + pred, minlength=k * k).reshape(k, k)


def _batch_metrics(k: int):
    """The function of (y, pred, p_true) -> :data:`CHANGE_METRICS` for ``k`` classes."""
    def metrics(y: np.ndarray, pred: np.ndarray, p_true: np.ndarray) -> np.ndarray:
        cm = _counts(y, pred, k)
        tp, support, predicted = np.diag(cm), cm.sum(axis=1), cm.sum(axis=0)
        present = (support + predicted) > 0
        f1 = 2 * tp[present] / (support + predicted)[present]
        log_loss = -np.mean(np.log(np.clip(p_true, MULTICLASS_EPS, 1 - MULTICLASS_EPS))) \
            if not np.isnan(p_true).all() else np.nan
        return np.array([tp.sum() / y.size, f1.mean(), log_loss])
    return metrics


@dataclass(frozen=True, slots=True)
class MulticlassPerformance:
    """Realised performance of a multiclass classifier on one side (module docstring).

    Attributes
    ----------
    accuracy, macro_f1, log_loss : float
    per_class : DataFrame
        ``class, support, predicted, precision, recall, f1``, one row per class in ``classes`` order.
    confusion : DataFrame
        Counts; index the true class, columns the predicted class, both in ``classes`` order.
    classes : tuple
    n : int
        Rows with both a true and a predicted class.
    notes : tuple of str
        Why a figure is nan, rows left out, labels outside the given classes.
    """

    accuracy: float
    macro_f1: float
    log_loss: float
    per_class: pd.DataFrame
    confusion: pd.DataFrame
    classes: tuple
    n: int
    notes: tuple[str, ...] = ()

    @property
    def metrics(self) -> pd.Series:
        return pd.Series([self.accuracy, self.macro_f1, self.log_loss], index=list(CHANGE_METRICS))

    def to_dict(self) -> dict:
        return {"task": "multiclass", "n": self.n, "accuracy": self.accuracy, "macro_f1": self.macro_f1,
                "log_loss": self.log_loss, "classes": [python_scalar(c) for c in self.classes],
                "per_class": self.per_class.to_dict("records"),
                "confusion": self.confusion.to_numpy().tolist(), "notes": list(self.notes)}


def _series(values, side: str, default: str) -> pd.Series:
    series = values if isinstance(values, pd.Series) else pd.Series(np.asarray(values, dtype=object))
    if series.name is None:
        series = series.rename(default)
    check_cells(series, side=side, column=series.name, allow_bytes=True)
    return series.reset_index(drop=True)


def probability_matrix(probabilities, classes: tuple, n: int, side: str,
                       func: str = "multiclass_performance") -> np.ndarray:
    """The per-class probability columns as an ``(n, len(classes))`` float array (missing as nan).

    Raises DriftParameterError unless ``probabilities`` is a DataFrame with one column per class, and
    DriftInputError (naming ``side`` and the column) for a row count other than ``n``, text, or a value
    outside [0, 1].
    """
    if not isinstance(probabilities, pd.DataFrame) or probabilities.shape[1] != len(classes):
        raise DriftParameterError.invalid("probabilities", func,
                                          f"a DataFrame with one column per class ({len(classes)})",
                                          getattr(probabilities, "shape", type(probabilities).__name__))
    if len(probabilities) != n:
        raise DriftInputError(f"{n} labels but {len(probabilities)} rows of probabilities", file=side,
                              fix="align the probability columns with the labels row by row")
    columns = [numeric_values(probabilities.iloc[:, j], side=side, column=str(probabilities.columns[j]),
                              fix="give each class's probability as a number in [0, 1]")
               for j in range(len(classes))]
    values = np.column_stack(columns) if n else np.empty((0, len(classes)))
    outside = np.argwhere((values < 0) | (values > 1) | np.isinf(values))
    if outside.size:
        row, col = outside[0]
        raise DriftInputError(f"a probability must lie in [0, 1], got {values[row, col]:g} (row {int(row)})",
                              file=side, column=str(probabilities.columns[col]),
                              fix="give each class's probability in [0, 1]")
    return values


def _prepare(y_true, y_pred, probabilities, classes, side: str,
             order: tuple | None = None) -> tuple[_Coded, tuple, list[str]]:
    """Encode one side: the class order (``order``, else the given classes then any other label seen, else
    the labels seen), the rows that have both labels, and the notes.  Probability columns follow the given
    classes (else the order)."""
    y = _series(y_true, side, "target")
    given = None if classes is None else tuple(classes)
    proba = None
    if probabilities is not None and given is None:
        raise DriftParameterError.invalid("classes", "multiclass_performance",
                                          "the class of each probability column, in order", None)
    if y_pred is None:
        if probabilities is None:
            raise DriftParameterError.invalid("y_pred", "multiclass_performance",
                                              "given, or replaced by probabilities and classes", None)
        proba = probability_matrix(probabilities, given, len(y), side)
        best = np.argmax(np.where(np.isnan(proba), -np.inf, proba), axis=1)
        pred = pd.Series(np.asarray(given, dtype=object)[best], name="predicted class")
        pred[np.isnan(proba).all(axis=1)] = None
    else:
        pred = _series(y_pred, side, "prediction")
    if len(pred) != len(y):
        raise DriftInputError(f"{len(y)} labels but {len(pred)} predictions", file=side,
                              fix="align the target and prediction columns row by row")
    notes = []
    ok = (y.notna() & pred.notna()).to_numpy()
    if (~ok).any():
        notes.append(f"{side}: {int((~ok).sum())} row(s) without a true or a predicted class left out")
    seen = sorted_labels(set(y[ok]) | set(pred[ok]))
    base = given if given is not None else seen
    extra = tuple(c for c in seen if c not in set(base))
    if order is None:
        order = base + extra
    if extra:
        notes.append(f"{side}: labels outside the given classes appended: "
                     f"{', '.join(repr(python_scalar(c)) for c in extra)}")
    if ok.sum() < MIN_ROWS:
        raise TooFewRowsError(f"{int(ok.sum())} row(s) with a true and a predicted class: too few to measure "
                              "performance", file=side, column=str(y.name),
                              fix="wait for more labels, or use a longer window")
    index = {c: i for i, c in enumerate(order)}
    yi = np.fromiter((index[v] for v in y[ok]), dtype=np.int64, count=int(ok.sum()))
    pi = np.fromiter((index[v] for v in pred[ok]), dtype=np.int64, count=int(ok.sum()))
    p_true = None
    if probabilities is not None:
        if proba is None:
            proba = probability_matrix(probabilities, base, len(y), side)
        if yi.size and yi.max() >= proba.shape[1]:
            notes.append(f"{side}: log-loss undefined: true labels outside the classes have no probability")
        else:
            p_true = proba[ok][np.arange(yi.size), yi]
    return _Coded(yi, pi, p_true), order, notes


def _performance(coded: _Coded, classes: tuple, notes: list[str], side: str) -> MulticlassPerformance:
    k = len(classes)
    cm = _counts(coded.y, coded.pred, k)
    tp, support, predicted = np.diag(cm), cm.sum(axis=1), cm.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.where(predicted > 0, tp / predicted, np.nan)
        recall = np.where(support > 0, tp / support, np.nan)
        f1 = np.where(support + predicted > 0, 2 * tp / (support + predicted), np.nan)
    notes = list(notes)
    for flags, what in ((support == 0, "absent from the target: its recall is undefined"),
                        (predicted == 0, "never predicted: its precision is undefined")):
        if flags.any():
            named = ", ".join(repr(python_scalar(classes[i])) for i in np.flatnonzero(flags))
            notes.append(f"{side}: class {named} {what}")
    p_true = coded.p_true if coded.p_true is not None else np.full(coded.y.size, np.nan)
    accuracy, macro_f1, log_loss = _batch_metrics(k)(coded.y, coded.pred, p_true)
    per_class = pd.DataFrame({"class": list(classes), "support": support, "predicted": predicted,
                              "precision": precision, "recall": recall, "f1": f1})
    confusion = pd.DataFrame(cm, index=pd.Index(list(classes), name="true"),
                             columns=pd.Index(list(classes), name="predicted"))
    return MulticlassPerformance(float(accuracy), float(macro_f1), float(log_loss), per_class, confusion,
                                 classes, int(coded.y.size), tuple(notes))


def multiclass_performance(y_true, y_pred=None, *, probabilities=None, classes=None,
                           side: str = "current") -> MulticlassPerformance:
    """Accuracy, macro-F1, per-class precision and recall, log-loss and confusion matrix (module docstring).

    Parameters
    ----------
    y_true : array-like or Series
        The true class per row (missing: left out).
    y_pred : array-like or Series, optional
        The predicted class per row; when omitted, the most probable class of ``probabilities``.
    probabilities : DataFrame, optional
        One column per class, in the order of ``classes`` (e.g. the ``proba_<class>`` columns).
    classes : sequence, optional
        Class labels in a fixed order (required with probabilities); by default the labels seen, sorted.
    side : str
        Name of the data for messages and notes.

    Returns
    -------
    MulticlassPerformance
    """
    coded, order, notes = _prepare(y_true, y_pred, probabilities, classes, side)
    return _performance(coded, order, notes, side)


@dataclass(frozen=True, slots=True)
class MulticlassPerformanceChange(MetricChanges):
    """Reference vs current: ``table`` indexed by :data:`CHANGE_METRICS` with ``reference, current, change,
    lo, hi``, plus the per-class ``recall_change`` and ``precision_change`` (no intervals)."""

    reference: MulticlassPerformance
    current: MulticlassPerformance
    table: pd.DataFrame
    per_class: pd.DataFrame
    n_boot: int
    confidence: float

    def to_dict(self) -> dict:
        return {"task": "multiclass", "reference": self.reference.to_dict(),
                "current": self.current.to_dict(),
                "table": self.table.reset_index(names="metric").to_dict("records"),
                "per_class": self.per_class.to_dict("records"), "n_boot": self.n_boot,
                "confidence": self.confidence}


def multiclass_performance_change(reference_y, reference_pred, current_y, current_pred, *,
                                  reference_probabilities=None, current_probabilities=None, classes=None,
                                  n_boot: int = N_BOOT, confidence: float = CONFIDENCE,
                                  rng=0) -> MulticlassPerformanceChange:
    """Current minus reference accuracy, macro-F1 and log-loss with bootstrap intervals, and the per-class
    change of recall and precision.

    The classes are fixed once for both sides (``classes``, or the labels of both sides sorted), so a class
    absent from one batch keeps its row; predictions may be None when probabilities and classes are given.
    """
    check_bootstrap(n_boot, confidence, "multiclass_performance_change")
    sides = (("reference", reference_y, reference_pred, reference_probabilities),
             ("current", current_y, current_pred, current_probabilities))
    seen = set()
    for side, *labels, _ in sides:
        seen.update(*(set(_series(v, side, "labels").dropna()) for v in labels if v is not None))
    base = tuple(classes) if classes is not None else sorted_labels(seen)
    order = base + sorted_labels(seen - set(base))
    coded, perf = [], []
    for side, y, pred, proba in sides:
        c, _, notes = _prepare(y, pred, proba, base if proba is not None or classes is not None else None,
                               side, order)
        coded.append(c)
        perf.append(_performance(c, order, notes, side))
    ref, cur = perf

    def arrays(c: _Coded) -> tuple:
        return c.y, c.pred, c.p_true if c.p_true is not None else np.full(c.y.size, np.nan)

    lo, hi = bootstrap_change(_batch_metrics(len(order)), arrays(coded[0]), arrays(coded[1]), n_boot=n_boot,
                              confidence=confidence, rng=rng)
    table = change_table(ref.metrics, cur.metrics, lo, hi)
    per_class = pd.DataFrame({"class": list(order),
                              "recall_change": cur.per_class["recall"] - ref.per_class["recall"],
                              "precision_change": cur.per_class["precision"] - ref.per_class["precision"]})
    return MulticlassPerformanceChange(ref, cur, table, per_class, n_boot, confidence)

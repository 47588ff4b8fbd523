"""Realised performance of a regression model, and its change with a bootstrap interval.

Metrics (:data:`REGRESSION_METRICS`), on the rows that have both a target ``y`` and a forecast ``ŷ``:

* ``mae`` — mean ``|y - ŷ|`` (``sklearn.metrics.mean_absolute_error``);
* ``rmse`` — square root of the mean ``(y - ŷ)²`` (``sklearn.metrics.root_mean_squared_error``);
* ``mape`` — mean ``|y - ŷ| / y`` (``sklearn.metrics.mean_absolute_percentage_error``, a fraction, not
  a percentage), only when every target value of the side is strictly positive; otherwise nan with a
  note (a zero target makes it infinite, and scikit-learn's stand-in epsilon makes it meaningless);
* ``r2`` — ``1 - Σ(y - ŷ)² / Σ(y - ȳ)²`` (``sklearn.metrics.r2_score``); nan with a note when the target
  is constant (scikit-learn's ``force_finite=False``);
* ``mean_error`` — the bias, mean ``ŷ - y``: positive when the model forecasts too high.

Every metric except ``r2`` is in the target's units (``mape`` a fraction).  The interval of a change is the
percentile bootstrap of :mod:`drift.stats.bootstrap` (seeded, ``n_boot`` replicates, both sides resampled);
a metric
undefined on either side has no interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from drift.core.errors import DriftInputError, InfiniteValuesError, TooFewRowsError
from drift.core.inputs import numeric_values
from drift.stats.bootstrap import (
    CONFIDENCE,
    N_BOOT,
    MetricChanges,
    bootstrap_change,
    change_table,
    check_bootstrap,
)

REGRESSION_METRICS = ("mae", "rmse", "mape", "r2", "mean_error")
#: Fewest rows with a target and a forecast for performance to be measured.
MIN_ROWS = 2


def regression_metrics(y: np.ndarray, p: np.ndarray) -> np.ndarray:
    """:data:`REGRESSION_METRICS` of one sample, in that order (nan where undefined; see module docstring)."""
    err = p - y
    with np.errstate(invalid="ignore", divide="ignore"):
        mape = float(np.mean(np.abs(err) / y)) if y.size and y.min() > 0 else np.nan
        sst = float(np.sum((y - y.mean()) ** 2))
        r2 = 1 - float(np.sum(err ** 2)) / sst if sst > 0 else np.nan
    return np.array([np.mean(np.abs(err)), np.sqrt(np.mean(err ** 2)), mape, r2, np.mean(err)])


def target_and_forecast(y_true, y_pred, side: str) -> tuple[np.ndarray, np.ndarray]:
    """Target and forecast as float arrays (missing as nan), checked: numbers, one length, no infinity.

    Raises DriftInputError (naming ``side`` and the column, a Series' name or ``target`` /
    ``prediction``) for text, misaligned columns or an infinite value.
    """
    names = [getattr(v, "name", None) for v in (y_true, y_pred)]
    y = numeric_values(y_true, side=side, column=names[0] if names[0] is not None else "target",
                       fix="give the observed target as numbers")
    p = numeric_values(y_pred, side=side, column=names[1] if names[1] is not None else "prediction",
                       fix="give the model's forecasts as numbers in the target's units")
    if y.shape != p.shape:
        raise DriftInputError(f"{y.size} targets but {p.size} forecasts", file=side,
                              fix="align the target and forecast columns row by row")
    for values, name in ((y, names[0] or "target"), (p, names[1] or "prediction")):
        check_finite(values, side, str(name))
    return y, p


def check_finite(values: np.ndarray, side: str, column: str) -> None:
    """Raise InfiniteValuesError at the first infinite value of ``values``."""
    infinite = np.flatnonzero(np.isinf(values))
    if infinite.size:
        raise InfiniteValuesError(f"infinite value (first in row {int(infinite[0])})", file=side,
                                  column=column, fix="drop or clip infinite values")


def _pairs(y_true, y_pred, side: str) -> tuple[np.ndarray, np.ndarray, int]:
    """Targets and forecasts of the rows that have both, and the number of rows left out."""
    y, p = target_and_forecast(y_true, y_pred, side)
    ok = ~(np.isnan(y) | np.isnan(p))
    if ok.sum() < MIN_ROWS:
        name = getattr(y_true, "name", None)
        raise TooFewRowsError(f"{int(ok.sum())} row(s) with both a target and a forecast: too few to measure "
                              "performance", file=side, column=str(name if name is not None else "target"),
                              fix="wait for more labels, or use a longer window")
    return y[ok], p[ok], int((~ok).sum())


def _notes(y: np.ndarray, dropped: int, side: str) -> list[str]:
    notes = []
    if dropped:
        notes.append(f"{side}: {dropped} row(s) without a target or a forecast left out")
    if y.min() <= 0:
        notes.append(f"{side}: MAPE undefined: the target has {int(np.sum(y <= 0))} value(s) <= 0")
    if y.min() == y.max():
        notes.append(f"{side}: R² undefined: the target is constant")
    return notes


@dataclass(frozen=True, slots=True)
class RegressionPerformance:
    """Realised performance of a regression model on one side.

    ``metrics`` is a Series indexed by :data:`REGRESSION_METRICS`; ``notes`` say why a metric is nan.
    """

    metrics: pd.Series
    n: int
    notes: tuple[str, ...] = ()

    def value(self, metric: str) -> float:
        return float(self.metrics[metric])

    def to_dict(self) -> dict:
        return {"task": "regression", "n": self.n, "metrics": self.metrics.to_dict(),
                "notes": list(self.notes)}


def regression_performance(y_true, y_pred, *, side: str = "current") -> RegressionPerformance:
    """MAE, RMSE, MAPE, R² and mean error of forecasts against the observed target (module docstring).

    Parameters
    ----------
    y_true, y_pred : array-like or Series
        Observed target and forecast per row; rows missing either are left out (said in ``notes``).
    side : str
        Name of the data (file or ``"reference"`` / ``"current"``) for messages.
    """
    return _performance(*_pairs(y_true, y_pred, side), side)


def _performance(y: np.ndarray, p: np.ndarray, dropped: int, side: str) -> RegressionPerformance:
    return RegressionPerformance(pd.Series(regression_metrics(y, p), index=list(REGRESSION_METRICS)),
                                 int(y.size), tuple(_notes(y, dropped, side)))


@dataclass(frozen=True, slots=True)
class RegressionPerformanceChange(MetricChanges):
    """Reference vs current performance of a regression model.

    ``table`` is indexed by metric with columns ``reference, current, change, lo, hi``: ``change`` is current
    minus reference and ``[lo, hi]`` its percentile-bootstrap interval at ``confidence``.
    """

    reference: RegressionPerformance
    current: RegressionPerformance
    table: pd.DataFrame
    n_boot: int
    confidence: float

    @property
    def notes(self) -> tuple[str, ...]:
        return self.reference.notes + self.current.notes

    def to_dict(self) -> dict:
        return {"task": "regression", "reference": self.reference.to_dict(),
                "current": self.current.to_dict(),
                "table": self.table.reset_index(names="metric").to_dict("records"),
                "n_boot": self.n_boot, "confidence": self.confidence}


def regression_performance_change(reference_y, reference_pred, current_y, current_pred, *,
                                  n_boot: int = N_BOOT, confidence: float = CONFIDENCE,
                                  rng=0) -> RegressionPerformanceChange:
    """Current minus reference MAE, RMSE, MAPE, R² and mean error, with bootstrap intervals.

    Parameters
    ----------
    reference_y, reference_pred, current_y, current_pred : array-like or Series
        Observed targets and forecasts of each side.
    n_boot : int, default 1000
        Bootstrap replicates (:mod:`drift.stats.bootstrap`); the time is linear in ``n_boot`` times the rows.
    confidence : float, default 0.95
    rng : int or numpy.random.Generator, default 0
        Seed of the bootstrap.

    Returns
    -------
    RegressionPerformanceChange

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> y = rng.normal(100, 10, 500)
    >>> res = regression_performance_change(y, y + rng.normal(0, 2, 500), y, y + rng.normal(3, 2, 500))
    >>> res.significant("mean_error"), round(res.change("mean_error"))
    (True, 3)
    """
    check_bootstrap(n_boot, confidence, "regression_performance_change")
    ry, rp, r_dropped = _pairs(reference_y, reference_pred, "reference")
    cy, cp, c_dropped = _pairs(current_y, current_pred, "current")
    ref, cur = _performance(ry, rp, r_dropped, "reference"), _performance(cy, cp, c_dropped, "current")
    lo, hi = bootstrap_change(regression_metrics, (ry, rp), (cy, cp), n_boot=n_boot, confidence=confidence,
                              rng=rng)
    table = change_table(ref.metrics, cur.metrics, lo, hi)
    return RegressionPerformanceChange(ref, cur, table, n_boot, confidence)

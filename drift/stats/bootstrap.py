"""Percentile-bootstrap interval of the change of metrics between a reference and a current sample.

The scheme, exactly (so that anyone can reproduce an interval with NumPy and the same seed):
``gen = numpy.random.default_rng(rng)``; for each of the ``n_boot`` replicates, in order, the current rows
are drawn with replacement as ``gen.integers(0, n_current, n_current)``, then the reference rows as
``gen.integers(0, n_reference, n_reference)``; the replicate's change is ``metrics(current rows) -
metrics(reference rows)``.  The interval is the ``(1 - confidence) / 2`` and ``(1 + confidence) / 2``
quantiles of the changes (``numpy.nanquantile``, linear method), replicates where a metric is undefined
(nan) left out; nan when every replicate is.  The two sides are resampled independently: they are
different rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from drift.core.errors import check_fraction, check_int

#: Default number of bootstrap replicates (the 2.5 % and 97.5 % quantiles rest on ~25 replicates each).
N_BOOT = 1000
#: Default confidence of the interval.
CONFIDENCE = 0.95


def check_bootstrap(n_boot: int, confidence: float, func: str) -> None:
    """Reject a replicate count below 1 or a confidence outside (0, 1), in scikit-learn's words."""
    check_int(n_boot, "n_boot", func, 1)
    check_fraction(confidence, "confidence", func)


def bootstrap_change(metrics: Callable[..., np.ndarray], reference: Sequence[np.ndarray],
                     current: Sequence[np.ndarray], *, n_boot: int = N_BOOT, confidence: float = CONFIDENCE,
                     rng=0) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bounds of the change ``current - reference`` of each metric (module docstring).

    Parameters
    ----------
    metrics : callable
        ``metrics(*arrays)`` returns a 1-D array of metric values (nan where undefined).
    reference, current : sequence of ndarray
        Row-aligned arrays of each side (e.g. ``(y_true, y_pred)``), resampled together.
    n_boot : int, default :data:`N_BOOT`
    confidence : float, default :data:`CONFIDENCE`
    rng : int or numpy.random.Generator, default 0

    Returns
    -------
    (lo, hi) : two ndarrays, one value per metric
    """
    gen = np.random.default_rng(rng)
    n_ref, n_cur = len(reference[0]), len(current[0])
    changes = []
    with np.errstate(invalid="ignore", divide="ignore"):
        for _ in range(n_boot):
            cur_rows = gen.integers(0, n_cur, n_cur)
            ref_rows = gen.integers(0, n_ref, n_ref)
            changes.append(np.asarray(metrics(*(a[cur_rows] for a in current)), dtype=np.float64)
                           - np.asarray(metrics(*(a[ref_rows] for a in reference)), dtype=np.float64))
    diff = np.vstack(changes)
    lo, hi = np.full(diff.shape[1], np.nan), np.full(diff.shape[1], np.nan)
    defined = ~np.isnan(diff).all(axis=0)
    if defined.any():
        half = (1 - confidence) / 2
        lo[defined], hi[defined] = np.nanquantile(diff[:, defined], [half, 1 - half], axis=0)
    return lo, hi


def change_table(reference: pd.Series, current: pd.Series, lo: np.ndarray, hi: np.ndarray) -> pd.DataFrame:
    """``reference, current, change, lo, hi`` per metric; a metric undefined on either side (its change is
    nan) gets no interval, even when some replicates defined it."""
    change = current - reference
    undefined = change.isna().to_numpy()
    return pd.DataFrame({"reference": reference, "current": current, "change": change,
                         "lo": np.where(undefined, np.nan, lo), "hi": np.where(undefined, np.nan, hi)})


class MetricChanges:
    """Readers of a change ``table`` (from :func:`change_table`), shared by the performance-change results."""

    __slots__ = ()
    table: pd.DataFrame

    def change(self, metric: str) -> float:
        return float(self.table.loc[metric, "change"])

    def significant(self, metric: str) -> bool:
        """The interval of the change excludes 0."""
        lo, hi = self.table.loc[metric, ["lo", "hi"]]
        return bool(lo > 0 or hi < 0)

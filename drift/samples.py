"""Turning a column into the sorted sample every numeric statistic is derived from.

A numeric column is sorted once; KS, Wasserstein, the PSI quantile bins and their counts are then
read off the sorted arrays (see :func:`compare_sorted` and :mod:`drift.binning`).  This is what makes
``feature_drift`` on a million rows cost about one sort per column.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


def as_float_array(values) -> np.ndarray:
    """A 1-D float64 array with missing values as NaN (pandas NA, None and NaN alike)."""
    if isinstance(values, pd.Series | pd.Index):
        return values.to_numpy(dtype=np.float64, na_value=np.nan)
    arr = np.asarray(values)
    if arr.dtype == object:
        return pd.Series(arr).to_numpy(dtype=np.float64, na_value=np.nan)
    return arr.astype(np.float64, copy=False).ravel()


@dataclass(frozen=True, slots=True)
class SortedSample:
    """A numeric sample, sorted, with its missing values counted apart.

    Attributes
    ----------
    values : ndarray
        The non-missing values in ascending order (float64).
    n_missing : int
        How many values were missing (NaN / None / NA).
    """

    values: np.ndarray
    n_missing: int

    @property
    def n(self) -> int:
        """Number of non-missing values."""
        return int(self.values.shape[0])

    @property
    def n_total(self) -> int:
        """Number of rows, missing included."""
        return self.n + self.n_missing

    @property
    def std(self) -> float:
        """Population standard deviation (ddof=0) of the non-missing values; nan when empty."""
        return float(np.std(self.values)) if self.n else float("nan")


def sort_sample(values) -> SortedSample:
    """Sort a numeric column once; NaNs (which ``np.sort`` puts last) are cut off and counted."""
    arr = np.sort(as_float_array(values))
    n_valid = int(np.searchsorted(arr, np.nan, side="left"))  # NaNs sort last
    return SortedSample(arr[:n_valid], arr.shape[0] - n_valid)


def compare_sorted(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """KS statistic and (raw) Wasserstein-1 distance of two sorted, non-empty samples.

    Both are functionals of the two empirical CDFs.  The samples are merged (a stable sort of two
    sorted runs, linear time), the CDFs are cumulative counts along the merge, and

    * ``D = max |F_a(x) - F_b(x)|`` over the last position of every run of tied values (so ties are
      counted as ``searchsorted(..., side="right")`` counts them, as :func:`scipy.stats.ks_2samp` does);
    * ``W1 = sum |F_a - F_b| * diff(x)``, as :func:`scipy.stats.wasserstein_distance` integrates it.
    """
    n, m = a.shape[0], b.shape[0]
    merged = np.concatenate([a, b])
    order = np.argsort(merged, kind="stable")
    merged = merged[order]
    from_a = order < n
    del order
    count_a = np.cumsum(from_a, dtype=np.int64)
    count_b = np.arange(1, n + m + 1, dtype=np.int64)
    count_b -= count_a
    gap = count_a / n
    gap -= count_b / m
    np.abs(gap, out=gap)
    run_end = np.empty(n + m, dtype=bool)
    np.not_equal(merged[1:], merged[:-1], out=run_end[:-1])
    run_end[-1] = True
    d = float(gap[run_end].max())
    w = float(np.dot(gap[:-1], np.diff(merged)))
    return d, w

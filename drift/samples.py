"""Turning a column into the sorted sample every numeric statistic is derived from.

A numeric column is sorted once; KS, Wasserstein, the PSI quantile bins and their counts are then
read off the sorted arrays (see :func:`compare_sorted` and :mod:`drift.binning`).  This is what makes
``feature_drift`` on a million rows cost about one sort per column.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
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

    Both are functionals of the two empirical CDFs, read off in one merge of the sorted arrays
    (linear time, compiled with numba):

    * ``D = max |F_a(x) - F_b(x)|`` over the distinct values ``x``, with ``F(x)`` counting values ``<= x``
      (as ``searchsorted(..., side="right")`` counts them in :func:`scipy.stats.ks_2samp`);
    * ``W1 = Σ |F_a - F_b| · Δx`` between consecutive distinct values, as
      :func:`scipy.stats.wasserstein_distance` integrates it.
    """
    return _merge_cdfs(np.ascontiguousarray(a, dtype=np.float64), np.ascontiguousarray(b, dtype=np.float64))


@numba.njit(cache=True, nogil=True)
def _merge_cdfs(a, b):  # pragma: no cover - compiled
    n, m = a.shape[0], b.shape[0]
    i = 0
    j = 0
    d = 0.0
    w = 0.0
    prev = min(a[0], b[0])
    while i < n or j < m:
        if j >= m or (i < n and a[i] <= b[j]):
            x = a[i]
        else:
            x = b[j]
        w += abs(i / n - j / m) * (x - prev)
        while i < n and a[i] == x:
            i += 1
        while j < m and b[j] == x:
            j += 1
        gap = abs(i / n - j / m)
        if gap > d:
            d = gap
        prev = x
    return d, w

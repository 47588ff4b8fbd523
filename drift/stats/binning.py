"""PSI bins: reference-quantile edges for numeric columns, one bin per category for categorical ones.

Counting is kept apart from scoring (DESIGN §4): this module only *counts*; :mod:`drift.stats.psi` and
:mod:`drift.stats.univariate` score the counts.  A :class:`BinCounts` of the reference is reusable for every
later batch.

Conventions
-----------
Numeric: ``bins`` bins whose inner edges are the reference quantiles at ``1/bins … (bins-1)/bins``
(``numpy.quantile``, default linear method) over the non-missing reference values, duplicate edges
dropped, outer edges -inf and +inf.  A value equal to an edge falls in the bin above it (left-closed
bins, as ``numpy.searchsorted(edges, x, side="right")``).  Missing values get their own bin when either
side has any.

One addition to DESIGN §4: a quantile that several cut points share (a point mass holding about
``1/bins`` of the reference or more, e.g. the zeros of ``delinquencies_2y``) gets a bin of its own —
an extra edge at ``nextafter(v, +inf)`` closes ``[v, v⁺)`` so that it holds exactly the value ``v``.
Without it, a feature that is 95 % zeros has one bin for everything, and PSI cannot see the share of
non-zero values triple.  Continuous data has no tied quantiles and is binned exactly as DESIGN says.

Categorical: one bin per reference category (in order of reference frequency, ties by label), one bin
``"(unseen)"`` for all categories absent from the reference when the current side has any, and one bin
``"(missing)"`` when either side has missing values.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from drift.core.errors import check_int
from drift.stats.samples import SortedSample, sorted_quantiles, weighted_sorted_quantiles

MISSING_LABEL = "(missing)"
UNSEEN_LABEL = "(unseen)"


@dataclass(frozen=True, slots=True)
class BinCounts:
    """Counts of both sides on common bins.

    Attributes
    ----------
    reference, current : ndarray of int64
        Counts per bin (missing values included in their own bin, the last one, when present).
    edges : ndarray or None
        Inner edges of numeric bins (None for categorical).
    categories : tuple of str
        Categorical: the label of every bin (empty for numeric bins, labelled from their edges).
    has_missing : bool
        The last bin holds the missing values (:data:`MISSING_LABEL`).
    note : str
        E.g. that duplicate quantiles left fewer bins than asked for.
    """

    reference: np.ndarray
    current: np.ndarray
    edges: np.ndarray | None = None
    categories: tuple[str, ...] = ()
    has_missing: bool = False
    note: str = ""

    @property
    def labels(self) -> tuple[str, ...]:
        """One label per bin, e.g. ``"[1.5, 2.7)"`` or a category (numeric labels are written when asked
        for: a wide table needs the counts of 20,000 features, not their labels)."""
        if self.edges is None:
            return self.categories
        return tuple(_numeric_labels(self.edges)) + ((MISSING_LABEL,) if self.has_missing else ())

    def to_frame(self) -> pd.DataFrame:
        """Counts and proportions per bin."""
        return pd.DataFrame({
            "bin": list(self.labels),
            "ref_count": self.reference,
            "cur_count": self.current,
            "ref_pct": self.reference / max(self.reference.sum(), 1),
            "cur_pct": self.current / max(self.current.sum(), 1),
        })


def check_bins(bins: int, func: str) -> None:
    """Reject a bin count below 2."""
    check_int(bins, "bins", func, 2)


def quantile_edges(reference: SortedSample, bins: int) -> np.ndarray:
    """Inner edges: reference quantiles at 1/bins … (bins-1)/bins, duplicates dropped; a tied quantile
    ``v`` also gets the edge ``nextafter(v, inf)`` so its point mass has a bin of its own."""
    if reference.n == 0:
        return np.empty(0)
    return distinct_edges(sorted_quantiles(reference.values, quantile_levels(bins)))


def weighted_quantile_edges(values: np.ndarray, weights: np.ndarray, bins: int) -> np.ndarray:
    """:func:`quantile_edges` of the sample in which the sorted ``values[i]`` appears ``weights[i]`` times
    (fractional weights allowed: :func:`drift.stats.samples.weighted_sorted_quantiles`)."""
    if values.shape[0] == 0 or not weights.sum() > 0:
        return np.empty(0)
    return distinct_edges(weighted_sorted_quantiles(values, weights, quantile_levels(bins)))


def distinct_edges(quantiles: np.ndarray) -> np.ndarray:
    """Quantiles as inner edges: duplicates dropped, a tied quantile followed by its ``nextafter`` (the step
    of :func:`quantile_edges` after the quantiles are read)."""
    if (quantiles[1:] > quantiles[:-1]).all():  # no tied quantile: np.unique would return them as they are
        return quantiles
    edges, ties = np.unique(quantiles, return_counts=True)
    point_masses = edges[ties > 1]
    return np.unique(np.concatenate([edges, np.nextafter(point_masses, np.inf)]))


@lru_cache(maxsize=64)
def quantile_levels(bins: int) -> tuple[float, ...]:
    """The quantile levels 1/bins … (bins-1)/bins, as ``np.arange(1, bins) / bins`` computes them."""
    return tuple((np.arange(1, bins) / bins).tolist())


def count_sorted(sample: SortedSample, edges: np.ndarray) -> np.ndarray:
    """Counts of a sorted sample in the left-closed bins ``(-inf, e0), [e0, e1), …, [ek, inf)``."""
    cuts = sample.values.searchsorted(edges, side="left")
    counts = np.empty(len(cuts) + 1, dtype=np.int64)
    counts[:-1] = cuts
    counts[-1] = sample.n
    counts[1:] -= cuts
    return counts


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def _numeric_labels(edges: np.ndarray) -> list[str]:
    """``(-inf, a)``, ``[a, b)``, ``= v`` for a point-mass bin and ``(v, b)`` for the bin after it."""
    bounds = [-np.inf, *edges, np.inf]
    labels = []
    for k, (lo, hi) in enumerate(zip(bounds, bounds[1:])):
        after_point = k >= 2 and lo == np.nextafter(bounds[k - 1], np.inf)
        if hi == np.nextafter(lo, np.inf):
            labels.append(f"= {_fmt(lo)}")
        elif lo == -np.inf:
            labels.append(f"(-inf, {_fmt(hi)})")
        else:
            start = f"({_fmt(bounds[k - 1])}" if after_point else f"[{_fmt(lo)}"
            labels.append(f"{start}, {_fmt(hi) if hi != np.inf else 'inf'})")
    return labels


def numeric_bin_counts(reference: SortedSample, current: SortedSample, bins: int = 10,
                       edges: np.ndarray | None = None) -> BinCounts:
    """Bin both sorted samples on the reference-quantile edges (see module conventions)."""
    if edges is None:
        edges = quantile_edges(reference, bins)
    return bins_from_counts(count_sorted(reference, edges), count_sorted(current, edges), edges, bins=bins,
                            n_reference=reference.n, missing=(reference.n_missing, current.n_missing))


def bins_from_counts(reference: np.ndarray, current: np.ndarray, edges: np.ndarray, *, bins: int,
                     n_reference: int, missing: tuple[int, int]) -> BinCounts:
    """The :class:`BinCounts` of both sides' counts in the bins of ``edges`` (from :func:`count_sorted`, or
    from an engine that counted them, :mod:`drift.data.engines.counts`), with the missing-value bin and the
    note of :func:`numeric_bin_counts`."""
    has_missing = bool(missing[0] or missing[1])
    if has_missing:
        reference = np.append(reference, missing[0])
        current = np.append(current, missing[1])
    note = ""
    if n_reference and len(edges) + 1 < bins:
        note = (f"{bins} bins requested; the reference has only {len(edges) + 1} distinct quantile bins "
                "(tied values)")
    return BinCounts(reference, current, edges, has_missing=has_missing, note=note)


def value_counts(values) -> tuple[pd.Series, int]:
    """Category counts (missing excluded) and the number of missing values of one side."""
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    counts = s.value_counts(dropna=True, sort=False)
    if (counts.to_numpy() == 0).any():
        counts = counts[counts > 0]  # unused levels of a pandas Categorical
    return counts, len(s) - int(s.count())  # count(): the non-missing values, as isna() sees them


def count_map(counts: pd.Series) -> dict:
    """Category -> count (Python ints), in the order of a :func:`value_counts` Series: the few labels of a
    categorical feature are cheaper to look up in a dict than in a pandas index."""
    return dict(zip(counts.index.tolist(), counts.to_numpy().tolist()))


def categorical_bin_counts(reference: tuple[pd.Series, int], current: tuple[pd.Series, int]) -> BinCounts:
    """Bin two sides' category counts (from :func:`value_counts`) per the module conventions."""
    ref_counts, ref_missing = count_map(reference[0]), reference[1]
    cur_counts, cur_missing = count_map(current[0]), current[1]
    order = sorted(ref_counts, key=lambda c: (-ref_counts[c], str(c)))
    ref = [ref_counts[c] for c in order]
    cur = [cur_counts.get(c, 0) for c in order]
    labels = [str(c) for c in order]
    unseen = sum(cur_counts.values()) - sum(cur)
    if unseen:
        labels.append(UNSEEN_LABEL)
        ref.append(0)
        cur.append(unseen)
    has_missing = bool(ref_missing or cur_missing)
    if has_missing:
        labels.append(MISSING_LABEL)
        ref.append(ref_missing)
        cur.append(cur_missing)
    return BinCounts(np.asarray(ref, dtype=np.int64), np.asarray(cur, dtype=np.int64),
                     categories=tuple(labels), has_missing=has_missing)

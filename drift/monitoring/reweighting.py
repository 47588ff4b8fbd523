"""Importance weights that rebalance a reference to a batch's distribution of a few (muted) columns.

A *muted* feature is one whose change is expected (a calendar feature, the season).  When the model
reads it, its scores, and the outcome, genuinely follow it: a batch from another season has other scores
than the reference as a whole, although nothing is wrong.  :func:`drift.monitor` therefore compares the
score-based detectors of each batch with the reference **reweighted to the batch's distribution of the
muted features**: the reference as it would look had it been drawn in the batch's season.

Convention (:class:`JointBins`, constants below)
------------------------------------------------
* **Cells.**  Each muted column is cut into bins on the reference: a numeric column into its
  :data:`WEIGHT_BINS` reference-quantile bins (deciles; :func:`drift.stats.binning.quantile_edges`,
  left-closed,
  a tied quantile gets a bin of its own), a categorical column into its categories; missing values are a
  bin of their own in both kinds.  Several muted columns are binned **jointly**: a cell is one bin of
  every column.
* **Weights.**  Reference row ``i`` in cell ``c`` gets ``w_i = share_batch(c) / share_reference(c)``,
  clipped at :data:`MAX_WEIGHT` (a cell the reference holds a handful of rows of cannot stand for a large
  part of the batch), then all weights rescaled to sum to the reference's row count ``N``.  A cell the
  batch lacks gets weight 0.  The effective size of the reweighted reference is Kish's
  ``(sum w)^2 / sum w^2`` (``N`` when every weight is 1).
* **Values the reference never saw.**  A batch row is *unseen* when a muted numeric value lies outside
  the reference's range ``[min, max]`` (the outer bins are open-ended, but weighting cannot extrapolate:
  a reference row at the edge does not stand for a value beyond it), its category is absent from the
  reference, it is missing where the reference has no missing value, or its cell holds no reference row.
  When more than :data:`UNSEEN_MAX_SHARE` of the batch's rows are unseen there are **no weights**
  (:attr:`Reweighting.weights` is ``None`` and :attr:`Reweighting.reason` says why): the caller compares
  with the unweighted reference.  Below that share, unseen rows are left out of the batch's shares.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from drift.stats.binning import quantile_edges
from drift.stats.samples import as_float_array, sort_sample

#: Numeric muted columns are cut into this many reference-quantile bins (deciles).
WEIGHT_BINS = 10
#: A reference row's importance weight is at most this (before the weights are rescaled to sum to ``N``).
MAX_WEIGHT = 20.0
#: A batch with more than this share of rows outside what the reference saw gets no weights.
UNSEEN_MAX_SHARE = 0.01
#: A note lists at most this many batches by name.
UNSEEN_LISTED = 8


@dataclass(frozen=True, slots=True)
class Reweighting:
    """Importance weights of the reference rows for one batch (module docstring).

    Attributes
    ----------
    weights : ndarray or None
        One float weight per reference row, summing to the reference's row count; ``None`` when the batch
        holds too many values the reference never saw (then compare with the unweighted reference).
    unseen_share : float
        Share of the batch's rows whose muted values the reference never saw.
    effective_size : float
        Kish's effective size ``(sum w)^2 / sum w^2`` of the reweighted reference (nan without weights).
    reason : str
        Why there are no weights (empty when there are).
    """

    weights: np.ndarray | None
    unseen_share: float
    effective_size: float
    reason: str = ""


@dataclass(frozen=True, slots=True)
class _Column:
    name: str
    kind: str                     # "numeric" or "categorical"
    edges: np.ndarray | None      # numeric: inner bin edges
    bounds: tuple[float, float]   # numeric: the reference's min and max
    categories: pd.Index | None   # categorical: the reference's categories
    has_missing: bool

    @property
    def n_bins(self) -> int:
        """Bins, the missing-value bin included."""
        return (len(self.edges) + 1 if self.kind == "numeric" else len(self.categories)) + 1

    def codes(self, values: pd.Series) -> np.ndarray:
        """Bin of every value: ``0 .. n_bins - 2``, ``n_bins - 1`` for missing, ``-1`` when unseen."""
        missing_code = self.n_bins - 1
        if self.kind == "numeric":
            x = as_float_array(values)
            nan = np.isnan(x)
            codes = np.searchsorted(self.edges, x, side="right").astype(np.int64)
            codes[(x < self.bounds[0]) | (x > self.bounds[1])] = -1
        else:
            nan = pd.isna(values).to_numpy()
            codes = self.categories.get_indexer(values).astype(np.int64)
        codes[nan] = missing_code if self.has_missing else -1
        return codes

    def describe(self) -> str:
        """What the reference saw of this column, for a note."""
        if self.kind == "numeric":
            return f"{self.name} in [{self.bounds[0]:.4g}, {self.bounds[1]:.4g}]"
        return f"{self.name} among its {len(self.categories)} reference categories"


class JointBins:
    """The reference binned jointly on some columns, to reweight it to any batch (module docstring).

    Parameters
    ----------
    reference : DataFrame
        The reference rows.
    kinds : mapping column -> "numeric" or "categorical"
        The columns to bin on, and how.
    """

    def __init__(self, reference: pd.DataFrame, kinds: Mapping[str, str]) -> None:
        self.n = len(reference)
        self.columns: list[_Column] = []
        for name, kind in kinds.items():
            values = reference[name]
            if kind == "numeric":
                sample = sort_sample(as_float_array(values))
                bounds = (float(sample.values[0]), float(sample.values[-1])) if sample.n else (np.nan, np.nan)
                self.columns.append(_Column(name, kind, quantile_edges(sample, WEIGHT_BINS), bounds, None,
                                            sample.n_missing > 0))
            else:
                categories = pd.Index(pd.unique(values.dropna()))
                self.columns.append(_Column(name, kind, None, (np.nan, np.nan), categories,
                                            bool(values.isna().any())))
        cells, _ = self._cells(reference)           # every reference row is seen
        self.cells, self.inverse, counts = np.unique(cells, return_inverse=True, return_counts=True)
        self.shares = counts / self.n

    def _cells(self, rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Joint cell number of every row (mixed radix over the columns' bins) and whether it is seen."""
        cell = np.zeros(len(rows), dtype=np.int64)
        seen = np.ones(len(rows), dtype=bool)
        for col in self.columns:
            codes = col.codes(rows[col.name])
            seen &= codes >= 0
            cell = cell * col.n_bins + np.maximum(codes, 0)
        return cell, seen

    def describe(self) -> str:
        """What the reference saw of the columns, for a note."""
        return "; ".join(col.describe() for col in self.columns)

    def weights(self, rows: pd.DataFrame) -> Reweighting:
        """Importance weights of the reference rows for the batch ``rows`` (module docstring)."""
        cells, seen = self._cells(rows)
        at = np.minimum(np.searchsorted(self.cells, cells), self.cells.size - 1)
        seen &= self.cells[at] == cells
        unseen = 1.0 - float(seen.mean()) if len(rows) else 1.0
        if unseen > UNSEEN_MAX_SHARE or not seen.any():
            return Reweighting(None, unseen, float("nan"),
                               f"{unseen:.0%} of its rows hold muted values the reference never saw "
                               f"(it saw {self.describe()})")
        batch_shares = np.bincount(at[seen], minlength=self.cells.size) / float(seen.sum())
        w = np.minimum(batch_shares / self.shares, MAX_WEIGHT)[self.inverse]
        w *= self.n / w.sum()
        return Reweighting(w, unseen, float(w.sum() ** 2 / (w @ w)))



def reweighting_notes(labels: Sequence[str], reweightings: Mapping[int, Reweighting], joint: JointBins,
                      n_ref: int) -> list[str]:
    """What the reweighting of the reference to each batch's muted features did, for
    :attr:`drift.monitoring.monitor.MonitorResult.notes` (``reweightings``: batch position -> its weights)."""
    names = ", ".join(col.name for col in joint.columns)
    sizes = [r.effective_size for r in reweightings.values() if r.weights is not None]
    unseen = [labels[pos] for pos, r in sorted(reweightings.items()) if r.weights is None]
    notes = []
    if sizes:
        notes.append(f"the score-based detectors compare each batch with the reference reweighted to the "
                     f"batch's distribution of the muted {names} (importance weights on reference bins); "
                     f"effective reference size {min(sizes):,.0f}–{max(sizes):,.0f} of {n_ref:,} rows")
    if unseen:
        shown = ", ".join(unseen[:UNSEEN_LISTED]) + (f" … ({len(unseen)} batches)"
                                                     if len(unseen) > UNSEEN_LISTED else "")
        notes.append(f"{shown}: more than {UNSEEN_MAX_SHARE:.0%} of the rows hold muted values the reference "
                     f"never saw (it saw {joint.describe()}), so the reference cannot be reweighted to "
                     "them: their score-based detectors compare with the unweighted reference, and the "
                     f"change of {names} can move them")
    return notes

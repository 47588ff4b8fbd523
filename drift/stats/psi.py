"""Population Stability Index and Jensen–Shannon distance, scored from bin counts.

PSI = Σ (cur% − ref%) · ln(cur% / ref%), natural log, on the bins of :mod:`drift.stats.binning`; a
proportion of 0 on either side is replaced by :data:`PSI_EPSILON` without renormalising.  Bands
(:data:`PSI_BANDS`): < 0.1 small, 0.1–0.25 moderate, ≥ 0.25 major.

Jensen–Shannon: ``scipy.spatial.distance.jensenshannon(ref%, cur%, base=2)`` on the same bins, without
the epsilon — a distance between 0 and 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import rel_entr

from drift.core.decisions import PSI_BANDS
from drift.core.errors import DriftParameterError
from drift.stats.binning import (
    BinCounts,
    categorical_bin_counts,
    check_bins,
    numeric_bin_counts,
    value_counts,
)
from drift.stats.samples import sort_sample

#: Stand-in for an empty bin's proportion in PSI (a proportion, not a count).
PSI_EPSILON = 1e-4


@dataclass(frozen=True, slots=True)
class PSIResult:
    """Population Stability Index with its per-bin table.

    Attributes
    ----------
    statistic : float
        The PSI (nan when a side has no rows).
    counts : BinCounts
        The bin counts it was scored from.
    note : str
    table : DataFrame
        ``bin, ref_count, cur_count, ref_pct, cur_pct, contribution`` — contributions sum to PSI (built
        from ``counts`` when asked for, so a table of 20,000 features builds no per-bin tables).
    """

    statistic: float
    counts: BinCounts
    note: str = ""

    @property
    def table(self) -> pd.DataFrame:
        table = self.counts.to_frame()
        table["contribution"] = _contributions(self.counts)
        return table

    def to_dict(self) -> dict:
        return {"statistic": self.statistic, "note": self.note, "table": self.table.to_dict("records")}


@dataclass(frozen=True, slots=True)
class DistanceResult:
    """A distance (no p-value): Wasserstein, Jensen–Shannon."""

    statistic: float
    note: str = ""

    def to_dict(self) -> dict:
        return {"statistic": self.statistic, "note": self.note}


def _shares(counts: BinCounts) -> tuple[np.ndarray, np.ndarray] | None:
    """Both sides' counts divided by their totals; None when a side has no rows."""
    n_ref, n_cur = counts.reference.sum(), counts.current.sum()
    if n_ref == 0 or n_cur == 0:
        return None
    return counts.reference / n_ref, counts.current / n_cur


def _contributions(counts: BinCounts) -> np.ndarray:
    """Each bin's term of the PSI sum (all nan when a side has no rows)."""
    shares = _shares(counts)
    if shares is None:
        return np.full(len(counts.reference), np.nan)
    r = np.where(shares[0] == 0, PSI_EPSILON, shares[0])
    c = np.where(shares[1] == 0, PSI_EPSILON, shares[1])
    return (c - r) * np.log(c / r)


def psi_from_counts(counts: BinCounts) -> PSIResult:
    """Score PSI on common bins (module conventions)."""
    contributions = _contributions(counts)
    if not len(contributions) or np.isnan(contributions[0]):  # a side has no rows
        return PSIResult(float("nan"), counts, "a side has no rows")
    return PSIResult(float(contributions.sum()), counts, counts.note)


def js_from_counts(counts: BinCounts) -> DistanceResult:
    """Jensen–Shannon distance (base 2) on common bins, without epsilon."""
    shares = _shares(counts)
    if shares is None:
        return DistanceResult(float("nan"), "a side has no rows")
    return DistanceResult(jensenshannon_base2(*shares))


def jensenshannon_base2(p: np.ndarray, q: np.ndarray) -> float:
    """``scipy.spatial.distance.jensenshannon(p, q, base=2)`` of two 1-D arrays of proportions.

    SciPy's own steps (normalise each side, ``m = (p + q) / 2``, ``rel_entr`` sums, divide by ``ln 2``,
    ``sqrt(js / 2)``) without its argument handling, which costs three times the arithmetic on ten bins:
    the same bits (tested against SciPy).
    """
    p = p / p.sum()
    q = q / q.sum()
    m = (p + q) / 2.0
    js = rel_entr(p, m).sum() + rel_entr(q, m).sum()
    js /= np.log(2)
    return float(np.sqrt(js / 2.0))


def bin_counts(reference, current, *, kind: str, bins: int = 10, func: str = "psi_score") -> BinCounts:
    """Common PSI bins of two raw columns (``kind`` is ``"numeric"`` or ``"categorical"``)."""
    if kind == "numeric":
        check_bins(bins, func)
        return numeric_bin_counts(sort_sample(reference), sort_sample(current), bins)
    if kind == "categorical":
        return categorical_bin_counts(value_counts(reference), value_counts(current))
    raise DriftParameterError.invalid("kind", func, "'numeric' or 'categorical'", kind)


def psi_score(reference, current, *, kind: str = "numeric", bins: int = 10) -> PSIResult:
    """Population Stability Index of ``current`` against ``reference``.

    Parameters
    ----------
    reference, current : array-like or Series
        One column each; missing values get their own bin.
    kind : {"numeric", "categorical"}
        Numeric: ``bins`` reference-quantile bins; categorical: one bin per reference category plus
        unseen and missing bins.
    bins : int, default 10
        Number of quantile bins requested (numeric only); tied quantiles are merged and said in ``note``.

    Returns
    -------
    PSIResult
        ``statistic`` and the per-bin ``table``.

    Examples
    --------
    >>> import numpy as np
    >>> from drift import psi_score
    >>> rng = np.random.default_rng(0)
    >>> round(psi_score(rng.normal(size=5000), rng.normal(size=5000)).statistic, 3) < 0.01
    True
    """
    return psi_from_counts(bin_counts(reference, current, kind=kind, bins=bins))


def jensen_shannon_score(reference, current, *, kind: str = "numeric", bins: int = 10) -> DistanceResult:
    """Jensen–Shannon distance (base 2, 0–1) between the two sides' PSI-bin proportions."""
    return js_from_counts(bin_counts(reference, current, kind=kind, bins=bins,
                                     func="jensen_shannon_score"))


def psi_band(psi: float, bands: tuple[float, float] = PSI_BANDS) -> str:
    """``"small"``, ``"moderate"`` or ``"major"`` for a PSI value (``"unknown"`` for nan)."""
    if np.isnan(psi):
        return "unknown"
    return "small" if psi < bands[0] else "moderate" if psi < bands[1] else "major"

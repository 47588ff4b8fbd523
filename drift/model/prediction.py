"""Prediction drift: has the model's output distribution moved?

Binary classifiers: PSI on reference-decile bins of the predicted probability (the same conventions as
numeric features, :mod:`drift.stats.binning`), the two-sample KS test, and the change in the share of rows
predicted positive at the model's threshold.  Multi-class: the same per class probability column; the
headline PSI is the largest class PSI.  Regression: quantile bins of the predicted value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from drift.core.errors import DriftInputError, DriftParameterError, InfiniteValuesError
from drift.core.inputs import numeric_values
from drift.stats.binning import check_bins, numeric_bin_counts
from drift.stats.psi import PSI_BANDS, PSIResult, psi_band, psi_from_counts
from drift.stats.samples import sort_sample
from drift.stats.univariate import TestResult, ks_sorted

OUTPUT_KINDS = ("auto", "binary", "multiclass", "regression")
#: Output kinds whose values are probabilities, in [0, 1].
PROBABILITY_KINDS = ("binary", "multiclass")
_FIX_TEXT = "give the model's scores as numbers (one column per class probability)"


@dataclass(frozen=True, slots=True)
class ScoreDrift:
    """Drift of one output column (a class probability, or a regression prediction)."""

    name: str
    psi: PSIResult
    ks: TestResult
    mean_reference: float
    mean_current: float


@dataclass(frozen=True, slots=True)
class PredictionDriftResult:
    """Prediction drift of a model's output.

    Attributes
    ----------
    kind : {"binary", "multiclass", "regression"}
    statistic : float
        Headline PSI (for multi-class the largest per-class PSI).
    pvalue : float
        KS p-value of the headline column.
    outputs : tuple of ScoreDrift
        One per output column.
    positive_rate_reference, positive_rate_current : float
        Share predicted positive at ``threshold`` (binary only, else nan).
    band : str
        ``small`` / ``moderate`` / ``major`` from the PSI bands (``unknown`` when the PSI is nan).
    note : str
        Why the headline is nan (a side with fewer than 2 scores); empty when there is nothing to say.
    """

    kind: str
    statistic: float
    pvalue: float
    outputs: tuple[ScoreDrift, ...]
    threshold: float
    positive_rate_reference: float
    positive_rate_current: float
    band: str
    note: str = ""

    @property
    def headline(self) -> ScoreDrift:
        return max(self.outputs, key=lambda o: -np.inf if np.isnan(o.psi.statistic) else o.psi.statistic)

    @property
    def table(self) -> pd.DataFrame:
        """The headline output's PSI bin table."""
        return self.headline.psi.table

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"output": o.name, "psi": o.psi.statistic, "ks_statistic": o.ks.statistic,
                              "ks_pvalue": o.ks.pvalue, "mean_reference": o.mean_reference,
                              "mean_current": o.mean_current} for o in self.outputs])

    def to_dict(self) -> dict:
        return {"kind": self.kind, "statistic": self.statistic, "pvalue": self.pvalue, "band": self.band,
                "note": self.note,
                "threshold": self.threshold, "positive_rate_reference": self.positive_rate_reference,
                "positive_rate_current": self.positive_rate_current,
                "outputs": self.to_frame().to_dict("records"), "table": self.table.to_dict("records")}


def _as_2d(scores, side: str) -> tuple[np.ndarray, list[str]]:
    """Scores as a float matrix (one column per output) and the outputs' names; text, nested values and
    infinite values raise, naming the side and the column."""
    if isinstance(scores, np.ndarray) and scores.ndim == 2:
        scores = pd.DataFrame(scores, columns=[f"class_{k}" for k in range(scores.shape[1])])
    if isinstance(scores, pd.DataFrame):
        if scores.shape[1] == 0:
            raise DriftInputError("no prediction column", file=side,
                                  fix="pass one column of scores, or one column per class probability")
        names = [str(c) for c in scores.columns]
        columns = [numeric_values(scores.iloc[:, k], side=side, column=names[k], fix=_FIX_TEXT)
                   for k in range(scores.shape[1])]
        arr = np.column_stack(columns) if len(scores) else np.empty((0, len(names)))
    else:
        dims = np.ndim(scores) if isinstance(scores, np.ndarray) else 1
        if dims != 1:
            raise DriftInputError(f"predictions must be 1-D or 2-D, got {dims}-D", file=side,
                                  fix="pass one column of scores, or one column per class probability")
        names = [str(getattr(scores, "name", None) or "prediction")]
        arr = numeric_values(scores, side=side, column=names[0], fix=_FIX_TEXT)[:, None]
    infinite = np.isinf(arr)
    if infinite.any():
        row, col = np.argwhere(infinite)[0]
        raise InfiniteValuesError(f"infinite scores (first in row {int(row)})", file=side, column=names[col],
                                  fix="drop or clip infinite scores")
    return arr, names


def _check_probabilities(arr: np.ndarray, names: list[str], side: str, kind: str) -> None:
    outside = (arr < 0) | (arr > 1)
    if outside.any():
        row, col = np.argwhere(outside)[0]
        raise DriftInputError(f"a {kind} model's scores are probabilities in [0, 1], got {arr[row, col]:g} "
                              f"(row {int(row)})", file=side, column=names[col],
                              fix="give P(class) in [0, 1] (divide percentages by 100), or pass "
                                  "kind='regression'")


def _infer_kind(ref: np.ndarray) -> str:
    if ref.shape[1] > 1:
        return "multiclass"
    finite = ref[~np.isnan(ref[:, 0]), 0]
    return "binary" if finite.size and finite.min() >= 0 and finite.max() <= 1 else "regression"


def prediction_drift(reference_scores, current_scores, *, kind: str = "auto", bins: int = 10,
                     threshold: float = 0.5,
                     psi_bands: tuple[float, float] = PSI_BANDS) -> PredictionDriftResult:
    """Drift of a model's predictions between reference and current data.

    Parameters
    ----------
    reference_scores, current_scores : array-like, Series or DataFrame
        Binary: the predicted probability of the positive class (1-D).  Multi-class: one column per class
        probability (2-D, same columns on both sides).  Regression: the predicted value (1-D).
    kind : {"auto", "binary", "multiclass", "regression"}
        ``auto``: 2-D -> multiclass; 1-D within [0, 1] -> binary; otherwise regression.
    bins : int, default 10
        Reference-quantile (decile) bins for PSI.
    threshold : float, default 0.5
        Decision threshold for the predicted-positive share (binary).

    Returns
    -------
    PredictionDriftResult
    """
    if kind not in OUTPUT_KINDS:
        raise DriftParameterError.invalid("kind", "prediction_drift", f"one of {OUTPUT_KINDS}", kind)
    check_bins(bins, "prediction_drift")
    if isinstance(threshold, bool) or not isinstance(threshold, int | float | np.number) \
            or not np.isfinite(threshold):
        raise DriftParameterError.invalid("threshold", "prediction_drift", "a finite number", threshold)
    ref, names = _as_2d(reference_scores, "reference")
    cur, cur_names = _as_2d(current_scores, "current")
    if ref.shape[1] != cur.shape[1]:
        raise DriftInputError(f"the reference has {ref.shape[1]} prediction column(s) and the current data "
                              f"{cur.shape[1]}", file="current", fix="score both sides with the same model")
    if kind == "auto":
        kind = _infer_kind(ref)
    elif kind in PROBABILITY_KINDS:
        _check_probabilities(ref, names, "reference", kind)
        _check_probabilities(cur, cur_names, "current", kind)
    outputs = []
    for k, name in enumerate(names):
        rs, cs = sort_sample(ref[:, k]), sort_sample(cur[:, k])
        ks, _ = ks_sorted(rs, cs)
        psi = psi_from_counts(numeric_bin_counts(rs, cs, bins))
        if ks.note:      # a side with fewer than 2 scores: no distribution to compare
            psi = PSIResult(float("nan"), psi.table, ks.note)
        outputs.append(ScoreDrift(name, psi, ks, float(np.mean(rs.values)) if rs.n else np.nan,
                                  float(np.mean(cs.values)) if cs.n else np.nan))
    result_head = max(outputs, key=lambda o: -np.inf if np.isnan(o.psi.statistic) else o.psi.statistic)
    pos_ref = pos_cur = float("nan")
    if kind == "binary":
        pos_ref, pos_cur = _positive_rate(ref[:, 0], threshold), _positive_rate(cur[:, 0], threshold)
    note = "; ".join(dict.fromkeys(f"{o.name}: {o.psi.note}" for o in outputs if np.isnan(o.psi.statistic)
                                   and o.psi.note))
    return PredictionDriftResult(kind, result_head.psi.statistic, result_head.ks.pvalue, tuple(outputs),
                                 threshold, pos_ref, pos_cur, psi_band(result_head.psi.statistic, psi_bands),
                                 note)


def _positive_rate(scores: np.ndarray, threshold: float) -> float:
    """Share of the non-missing scores at or above ``threshold`` (nan without any)."""
    known = scores[~np.isnan(scores)]
    return float(np.mean(known >= threshold)) if known.size else float("nan")

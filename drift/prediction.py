"""Prediction drift: has the model's output distribution moved?

Binary classifiers: PSI on reference-decile bins of the predicted probability (the same conventions as
numeric features, :mod:`drift.binning`), the two-sample KS test, and the change in the share of rows
predicted positive at the model's threshold.  Multi-class: the same per class probability column; the
headline PSI is the largest class PSI.  Regression: quantile bins of the predicted value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .binning import check_bins, numeric_bin_counts
from .errors import DriftInputError, DriftParameterError
from .psi import PSI_BANDS, PSIResult, psi_band, psi_from_counts
from .samples import sort_sample
from .univariate import TestResult, ks_sorted

OUTPUT_KINDS = ("auto", "binary", "multiclass", "regression")


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
        ``small`` / ``moderate`` / ``major`` from the PSI bands.
    """

    kind: str
    statistic: float
    pvalue: float
    outputs: tuple[ScoreDrift, ...]
    threshold: float
    positive_rate_reference: float
    positive_rate_current: float
    band: str

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
                "threshold": self.threshold, "positive_rate_reference": self.positive_rate_reference,
                "positive_rate_current": self.positive_rate_current,
                "outputs": self.to_frame().to_dict("records"), "table": self.table.to_dict("records")}


def _as_2d(scores, side: str) -> tuple[np.ndarray, list[str]]:
    if isinstance(scores, pd.DataFrame):
        return scores.to_numpy(dtype=np.float64, na_value=np.nan), [str(c) for c in scores.columns]
    arr = np.asarray(scores, dtype=np.float64)
    if arr.ndim == 1:
        name = str(getattr(scores, "name", None) or "prediction")
        return arr[:, None], [name]
    if arr.ndim != 2:
        raise DriftInputError(f"predictions must be 1-D or 2-D, got {arr.ndim}-D", file=side,
                              fix="pass one column of scores, or one column per class probability")
    return arr, [f"class_{k}" for k in range(arr.shape[1])]


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
    ref, names = _as_2d(reference_scores, "reference")
    cur, cur_names = _as_2d(current_scores, "current")
    if ref.shape[1] != cur.shape[1]:
        raise DriftInputError(f"the reference has {ref.shape[1]} prediction column(s) and the current data "
                              f"{cur.shape[1]}", file="current", fix="score both sides with the same model")
    if kind == "auto":
        kind = _infer_kind(ref)
    outputs = []
    for k, name in enumerate(names):
        rs, cs = sort_sample(ref[:, k]), sort_sample(cur[:, k])
        ks, _ = ks_sorted(rs, cs)
        psi = psi_from_counts(numeric_bin_counts(rs, cs, bins))
        outputs.append(ScoreDrift(name, psi, ks, float(np.mean(rs.values)) if rs.n else np.nan,
                                  float(np.mean(cs.values)) if cs.n else np.nan))
    result_head = max(outputs, key=lambda o: -np.inf if np.isnan(o.psi.statistic) else o.psi.statistic)
    pos_ref = pos_cur = float("nan")
    if kind == "binary":
        pos_ref = float(np.nanmean(ref[:, 0] >= threshold))
        pos_cur = float(np.nanmean(cur[:, 0] >= threshold))
    return PredictionDriftResult(kind, result_head.psi.statistic, result_head.ks.pvalue, tuple(outputs),
                                 threshold, pos_ref, pos_cur, psi_band(result_head.psi.statistic, psi_bands))

"""Performance without labels for multiclass and regression models: CBPE and direct loss estimation.

Both fit on a *labelled reference hold-out*: rows the deployed model was not trained on, scored by it
(its validation set).  Both see covariate shift -- current rows in regions where the model is less (or
more) sure, or errs more -- and **both are blind to concept drift**: they assume that what the reference
taught them (P(y | scores), the size of the error given x) still holds.  The binary version is
:func:`drift.model.performance.estimated_performance`; the conventions below follow it.

The result type is shared: :class:`EstimatedTaskPerformance`.  The estimators:

* :mod:`drift.model.class_estimation` -- multiclass: confidence-based performance estimation (CBPE) on
  one-vs-rest calibrated probabilities, estimated accuracy and macro-F1;
* :mod:`drift.model.loss_estimation` -- regression: direct loss estimation (DLE), a model of the absolute
  and squared error fitted on the reference, estimated MAE and RMSE.

Each reports, with its estimate, a prediction interval of the batch's *realised* metric under its
assumption (no concept drift): how far the realised value may fall from the estimate by chance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

CAVEAT = ("Estimated from what the labelled reference taught (calibrated confidence, or the size of the "
          "error given the inputs): it cannot see concept drift, a change in P(y | x) with the inputs "
          "unchanged.")


@dataclass(frozen=True, slots=True)
class EstimatedTaskPerformance:
    """Estimated performance of a multiclass or regression model on an unlabelled batch.

    Attributes
    ----------
    task : {"multiclass", "regression"}
    table : pandas.DataFrame
        Indexed by metric (``accuracy, macro_f1`` or ``mae, rmse``), columns ``reference_estimated,
        reference_realised, current_estimated, lo, hi, change``: ``[lo, hi]`` is the prediction interval of
        the current batch's realised value (see the estimator's module) and ``change`` is
        ``current_estimated - reference_estimated``.
    n_current : int
        Current rows the estimate rests on.
    confidence : float
    notes : tuple of str
        Rows left out, features left out, degenerate inputs.
    caveat : str
        What the estimate cannot see.
    """

    task: str
    table: pd.DataFrame
    n_current: int
    confidence: float
    notes: tuple[str, ...] = ()
    caveat: str = CAVEAT

    def estimate(self, metric: str) -> float:
        return float(self.table.loc[metric, "current_estimated"])

    def interval(self, metric: str) -> tuple[float, float]:
        return float(self.table.loc[metric, "lo"]), float(self.table.loc[metric, "hi"])

    def change(self, metric: str) -> float:
        return float(self.table.loc[metric, "change"])

    def to_dict(self) -> dict:
        return {"task": self.task, "n_current": self.n_current, "confidence": self.confidence,
                "notes": list(self.notes), "caveat": self.caveat,
                "table": self.table.reset_index(names="metric").to_dict("records")}


def estimate_table(metrics: Sequence[str], reference_estimated, reference_realised, current_estimated, lo,
                   hi) -> pd.DataFrame:
    """The :attr:`EstimatedTaskPerformance.table` of the given columns (``change`` computed)."""
    table = pd.DataFrame({"reference_estimated": reference_estimated,
                          "reference_realised": reference_realised,
                          "current_estimated": current_estimated, "lo": lo, "hi": hi},
                         index=list(metrics), dtype=np.float64)
    table["change"] = table["current_estimated"] - table["reference_estimated"]
    return table

"""Multiple-testing correction across features.

Benjamini–Hochberg (``"bh"``, the default: controls the false-discovery rate) is
``scipy.stats.false_discovery_control(p, method="bh")``; Bonferroni (``"bonferroni"``: controls the
family-wise error rate) is ``min(1, p·m)``.  NaN p-values (tests that could not run) are left out of
the family and stay NaN.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import false_discovery_control

from drift.core.errors import DriftParameterError

CORRECTIONS = ("bh", "bonferroni", "none")


def adjust_pvalues(pvalues, method: str = "bh") -> np.ndarray:
    """Corrected p-values, same shape; NaNs are excluded from the family and returned as NaN."""
    if method not in CORRECTIONS:
        raise DriftParameterError.invalid("correction", "adjust_pvalues", f"one of {CORRECTIONS}", method)
    p = np.asarray(pvalues, dtype=np.float64)
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    if not ok.any():
        return out
    if method == "bh":
        out[ok] = false_discovery_control(p[ok], method="bh")
    elif method == "bonferroni":
        out[ok] = np.minimum(1.0, p[ok] * ok.sum())
    else:
        out[ok] = p[ok]
    return out

"""Classification metrics of binary scores: ROC AUC, log-loss, Brier score, error rate, and the logit.

One copy of each, for the model checks (:mod:`drift.model.performance`), the autopilot's weekly readings
(:mod:`drift.monitoring.autopilot`) and the text classifier (:mod:`drift.text.text_drift`).  ``y`` holds
0/1 labels and ``p`` the probability of class 1, both 1-D of one length (callers validate their inputs).

* **ROC AUC** is the Mann–Whitney form: the share of (positive, negative) pairs that ``p`` orders
  correctly, ties counting half; ``nan`` when a class is absent.  Equals
  ``sklearn.metrics.roc_auc_score(y, p)``.
* **log-loss** is ``-mean(y ln p + (1 - y) ln(1 - p))`` with ``p`` clipped to ``[EPS, 1 - EPS]``, so a
  confident mistake costs at most ``-ln EPS ≈ 13.8`` nats; equals ``sklearn.metrics.log_loss(y, p)``
  whenever no score lies within ``EPS`` of 0 or 1.
* **Brier score** is ``mean((p - y)²)`` (``sklearn.metrics.brier_score_loss``).
* **error rate** is the share of rows with ``(p >= threshold) != y``.
* **logit** is ``ln(p / (1 - p))`` on the same clipped ``p`` (finite for scores of exactly 0 or 1).

:data:`MULTICLASS_EPS` is the clip of the multiclass log-loss, scikit-learn's (the float64 machine
epsilon), kept apart so multiclass figures equal ``sklearn.metrics.log_loss`` exactly.
"""

from __future__ import annotations

import numpy as np

__all__ = ["EPS", "MULTICLASS_EPS", "clip_probability", "logit", "log_losses", "log_loss", "brier_score",
           "error_rate", "roc_auc"]

#: Binary scores are clipped to [EPS, 1 - EPS] before logits and log-losses.
EPS = 1e-6
#: Multiclass probabilities are clipped to [MULTICLASS_EPS, 1 - MULTICLASS_EPS] (as scikit-learn does).
MULTICLASS_EPS = float(np.finfo(np.float64).eps)


def clip_probability(p) -> np.ndarray:
    """``p`` as float64 clipped to ``[EPS, 1 - EPS]``."""
    return np.clip(np.asarray(p, dtype=np.float64), EPS, 1 - EPS)


def logit(p) -> np.ndarray:
    """``ln(p / (1 - p))`` of the clipped scores."""
    q = clip_probability(p)
    return np.log(q / (1 - q))


def log_losses(y, p) -> np.ndarray:
    """Per-row log-loss ``-(y ln p + (1 - y) ln(1 - p))`` of the clipped scores."""
    q = clip_probability(p)
    y = np.asarray(y, dtype=np.float64)
    return -(y * np.log(q) + (1 - y) * np.log(1 - q))


def log_loss(y, p) -> float:
    """Mean log-loss (nats per row) of the clipped scores."""
    return float(np.mean(log_losses(y, p)))


def brier_score(y, p) -> float:
    """Mean squared difference between the score and the 0/1 label."""
    return float(np.mean((np.asarray(p, dtype=np.float64) - np.asarray(y, dtype=np.float64)) ** 2))


def error_rate(y, p, threshold: float = 0.5) -> float:
    """Share of rows classified wrongly when ``p >= threshold`` predicts class 1."""
    return float(np.mean((np.asarray(p) >= threshold) != (np.asarray(y) == 1)))


def roc_auc(y, p) -> float:
    """ROC AUC as the Mann–Whitney statistic (ties count half); ``nan`` when a class is absent.

    Examples
    --------
    >>> roc_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
    """
    y = np.asarray(y) == 1
    n1 = float(y.sum())
    n0 = y.size - n1
    if n1 == 0 or n0 == 0:
        return float("nan")
    _, group, size = np.unique(np.asarray(p, dtype=np.float64), return_inverse=True, return_counts=True)
    ranks = (np.cumsum(size) - (size - 1) / 2)[group]        # mid-ranks: tied scores share their mean rank
    return float((ranks[y].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))

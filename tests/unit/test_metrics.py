"""Classification metrics of binary scores (drift.stats.metrics) against scikit-learn."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn import metrics as skm

from drift.model.performance import classification_metrics
from drift.stats.metrics import (
    EPS,
    brier_score,
    clip_probability,
    error_rate,
    log_loss,
    logit,
    roc_auc,
)


def _sample(seed: int, n: int = 400, ties: bool = False):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    p = np.clip(0.5 + 0.25 * (y - 0.5) + rng.normal(0, 0.2, n), 0.001, 0.999)
    return y, (np.clip(np.round(p, 1), 0.1, 0.9) if ties else p)   # no score within EPS of 0 or 1


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("ties", [False, True])
def test_metrics_equal_scikit_learn(seed, ties):
    y, p = _sample(seed, ties=ties)
    assert roc_auc(y, p) == pytest.approx(skm.roc_auc_score(y, p), abs=1e-12)
    assert log_loss(y, p) == pytest.approx(skm.log_loss(y, p), abs=1e-12)
    assert brier_score(y, p) == pytest.approx(skm.brier_score_loss(y, p), abs=1e-12)
    assert error_rate(y, p) == pytest.approx(1 - skm.accuracy_score(y, p >= 0.5), abs=1e-12)
    # the performance module's vectorised (weighted) AUC and log-loss agree with these
    point = classification_metrics(y, p)
    assert point["roc_auc"] == pytest.approx(roc_auc(y, p), abs=1e-12)
    assert point["log_loss"] == pytest.approx(log_loss(y, p), abs=1e-12)


def test_hand_cases():
    # pairs (pos, neg): (0.35, 0.1) right, (0.35, 0.4) wrong, (0.8, both) right: 3 of 4
    assert roc_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.75
    assert roc_auc([0, 1], [0.5, 0.5]) == 0.5                       # a tie counts half
    assert math.isnan(roc_auc([1, 1, 1], [0.1, 0.2, 0.3]))         # one class: undefined
    assert log_loss([1, 0], [0.5, 0.5]) == pytest.approx(math.log(2))
    assert brier_score([1, 0], [0.75, 0.25]) == pytest.approx(0.0625)
    assert error_rate([1, 0, 1], [0.5, 0.49, 0.2]) == pytest.approx(1 / 3)   # 0.5 predicts class 1


def test_scores_of_zero_and_one_are_clipped():
    # a confident mistake costs -ln(EPS) nats, not infinity; the logit stays finite
    assert log_loss([1], [0.0]) == pytest.approx(-math.log(EPS))
    assert log_loss([0], [1.0]) == pytest.approx(-math.log(EPS))
    assert np.isfinite(logit([0.0, 1.0])).all()
    assert logit([0.5])[0] == 0.0
    assert clip_probability([-1.0, 2.0]).tolist() == [EPS, 1 - EPS]

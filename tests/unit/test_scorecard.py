"""scorecard: catches, delays and false alarms per detector; the credit scenario's scorecard."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from drift import DriftInputError
from drift.monitor import DETECTORS, METRIC_COLUMNS, MonitorResult, monitor
from drift.scenarios import load_scenario
from drift.scorecard import scorecard


def fake_result(alerts: dict[str, list[str]], labels: list[str]) -> MonitorResult:
    """A monitoring result whose detectors alerted on the given batches (one metric per detector)."""
    metric_of = {"features": "max_psi", "prediction": "prediction_psi", "performance": "roc_auc"}
    rows = [(b, metric_of[d], d, 1.0, 0.5, np.nan, "up", b in fired, 100.0)
            for d, fired in alerts.items() for b in labels]
    metrics = pd.DataFrame(rows, columns=list(METRIC_COLUMNS))
    batches = pd.DataFrame({"batch": labels, "position": range(len(labels)), "n_rows": 100, "n_labelled": 100,
                            "n_alerts": 0, "status": "ok", "verdict": ""})
    empty = pd.DataFrame()
    return MonitorResult(metrics, empty, empty, empty, batches, empty, {}, {"detectors": list(alerts)})


def test_catches_delays_and_false_alarms_by_hand():
    labels = ["w1", "w2", "w3", "w4", "w5", "w6", "w7"]
    manifest = pd.DataFrame({
        "batch": labels,
        "kind": ["no_drift", "covariate_shift", "covariate_shift", "covariate_shift", "no_drift",
                 "concept_drift", "no_drift"],
        "description": ["", "shift", "shift", "shift", "", "relation", ""],
    })
    res = fake_result({"features": ["w3", "w4", "w5"], "prediction": ["w1", "w2", "w6"],
                       "performance": []}, labels)
    card = scorecard(res, manifest)
    assert list(card.table.columns) == ["w2", "w6"]                       # a 3-batch and a 1-batch injection
    assert card.table.loc["features"].tolist() == ["caught", "missed"]
    assert card.table.loc["prediction"].tolist() == ["caught", "caught"]
    assert card.table.loc["performance"].tolist() == ["missed", "missed"]
    assert card.delays.loc["features", "w2"] == 1 and card.delays.loc["prediction", "w2"] == 0
    summary = card.summary.set_index("detector")
    assert summary.loc["features", ["caught", "missed", "false_alarms", "n_clean"]].tolist() == [1, 1, 1, 3]
    assert summary.loc["prediction", "false_alarms"] == 1 and summary.loc["prediction", "mean_delay"] == 0
    assert np.isnan(summary.loc["performance", "mean_delay"])
    assert summary.loc["features", "false_alarm_rate"] == pytest.approx(1 / 3)
    inj = card.injections.set_index("first_batch")
    assert inj.loc["w2", "last_batch"] == "w4" and inj.loc["w2", "n_batches"] == 3
    assert inj.loc["w2", "first_detectors"] == "prediction"
    assert inj.loc["w2", "caught_by"] == "features,prediction"
    assert card.grid.loc["features"].tolist() == ["quiet", "missed", "caught", "caught", "false alarm",
                                                  "missed", "quiet"]
    assert set(card.not_run) == {"domain", "mmd", "estimated_performance", "quality"}
    json.dumps(card.to_dict(), allow_nan=False)


def test_manifest_problems_are_reported():
    res = fake_result({"features": []}, ["a", "b"])
    with pytest.raises(DriftInputError, match="'kind'"):
        scorecard(res, pd.DataFrame({"batch": ["a"]}))
    with pytest.raises(DriftInputError, match="none of the monitored batches"):
        scorecard(res, pd.DataFrame({"batch": ["x"], "kind": ["no_drift"]}))


def test_credit_scorecard():
    """Every detector on the credit scenario (defaults, rng=0, plus the opt-in domain classifier, which
    uses 500 rows a side and 10 calibration fits to keep the test fast).

    Observed (caught = alert in the injected month):

    ==========================  =====  =====  =====  =====  =====  =====  =====  ===========
    detector                    03     05     06     07     08     10     11     false alarms
    ==========================  =====  =====  =====  =====  =====  =====  =====  ===========
    features (KS/chi² + PSI)    yes    yes    yes    –      yes    –      yes    0 of 5
    prediction PSI              yes    yes    –      –      yes    yes*   –      0
    domain classifier           yes    yes    yes    –      yes    –      yes    0
    realised performance        yes    –      –      yes    –      yes    yes    2 (accuracy)
    estimated performance       yes    yes    –      –      yes    –      yes    1
    data-quality checks         –      yes    –      –      yes    –      yes    0
    ==========================  =====  =====  =====  =====  =====  =====  =====  ===========

    03 prediction drift, 05 unit change, 06 covariate shift (region), 07 prior shift, 08 missing
    burst, 10 concept drift, 11 new category.  * 2025-10's prediction PSI (0.0056) is just above its
    threshold (0.0055): by chance — concept drift leaves the scores unchanged by construction.  Only
    realised performance sees the prior shift (07) and, with labels, the concept drift (10).
    """
    sc = load_scenario("credit")
    res = monitor(sc.reference, sc.current, batch_col="batch", target="default", prediction="score",
                  detectors=tuple(DETECTORS), domain_max_samples=500, domain_calibration=10)
    card = scorecard(res, sc.manifest)
    table = card.table
    assert list(table.columns) == ["2025-03", "2025-05", "2025-06", "2025-07", "2025-08", "2025-10",
                                   "2025-11"]
    expected = {
        "features": "caught caught caught missed caught missed caught",
        "prediction": "caught caught missed missed caught caught missed",
        "domain": "caught caught caught missed caught missed caught",
        "performance": "caught missed missed caught missed caught caught",
        "estimated_performance": "caught caught missed missed caught missed caught",
        "quality": "missed caught missed missed caught missed caught",
    }
    assert {d: " ".join(table.loc[d]) for d in table.index} == expected
    summary = card.summary.set_index("detector")
    assert summary["false_alarms"].to_dict() == {"features": 0, "prediction": 0, "domain": 0,
                                                 "performance": 2, "estimated_performance": 1, "quality": 0}
    assert summary["caught"].to_dict() == {"features": 5, "prediction": 4, "domain": 5, "performance": 4,
                                           "estimated_performance": 4, "quality": 3}
    assert (summary["n_clean"] == 5).all() and (summary["mean_delay"] == 0).all()
    assert card.not_run == ("mmd",)
    inj = card.injections.set_index("first_batch")
    assert inj.loc["2025-07", "caught_by"] == "performance"            # only labels see a prior shift
    assert inj.loc["2025-10", "caught_by"] == "prediction,performance"
    assert "domain" in inj.loc["2025-06", "caught_by"].split(",")
    auc = res.wide().loc[:, "domain_auc"]
    assert auc["2025-05"] > 0.95 and auc[["2025-01", "2025-02", "2025-04", "2025-09", "2025-12"]].max() < 0.53

"""scorecard: catches, delays and false alarms per detector; the credit scenario's scorecard."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binom

from drift import DriftInputError, DriftParameterError
from drift.data.scenarios import load_scenario
from drift.monitoring.monitor import DETECTORS, METRIC_COLUMNS, MonitorResult, monitor
from drift.monitoring.scorecard import (
    ANY_DETECTOR,
    FALSE_ALARM_BOUND,
    FALSE_ALARM_COLUMNS,
    false_alarm_rates,
    scorecard,
)


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
    prediction PSI              yes    yes    –      –      yes    –      –      1 (04)*
    domain classifier           yes    yes    yes    –      yes    –      yes    0
    realised performance        yes    –      –      yes    –      yes    –      0
    estimated performance       yes    yes    –      –      yes    –      yes    1 (04)*
    data-quality checks         –      yes    –      –      yes    –      yes    0
    ==========================  =====  =====  =====  =====  =====  =====  =====  ===========

    03 prediction drift, 05 unit change, 06 covariate shift (region), 07 prior shift, 08 missing
    burst, 10 concept drift, 11 new category.  * Clean month 2025-04 drew applicants a little riskier by
    chance (mean score 0.121 against the reference's 0.116): prediction PSI 0.0059 against a threshold of
    0.0056, and the estimated accuracy dips below its band with it.  These are false alarms, kept: with
    the reference as the model's validation set (not out-of-fold scores) each detector's rate over five
    seeds stays within 2 alpha (bench/RESULTS.md); this seed happens to carry one.  Concept drift
    (2025-10) leaves the scores unchanged by construction, and the prediction PSI no longer fires there.  Only
    realised performance sees the prior shift (07) and, with labels, the concept drift (10).  Before
    each detector's thresholds were set together (and the score-based detectors got 200 null draws),
    realised performance false-alarmed on 2 clean months and estimated performance on 1, and realised
    performance "caught" 2025-11 (a new region, which carries no risk) by chance.
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
        "prediction": "caught caught missed missed caught missed missed",
        "domain": "caught caught caught missed caught missed caught",
        "performance": "caught missed missed caught missed caught missed",
        "estimated_performance": "caught caught missed missed caught missed caught",
        "quality": "missed caught missed missed caught missed caught",
    }
    assert {d: " ".join(table.loc[d]) for d in table.index} == expected
    summary = card.summary.set_index("detector")
    assert summary["false_alarms"].to_dict() == {"features": 0, "prediction": 1, "domain": 0,
                                                 "performance": 0, "estimated_performance": 1, "quality": 0}
    assert summary["caught"].to_dict() == {"features": 5, "prediction": 3, "domain": 5, "performance": 3,
                                           "estimated_performance": 4, "quality": 3}
    assert (summary["n_clean"] == 5).all() and (summary["mean_delay"] == 0).all()
    assert card.not_run == ("mmd",)
    inj = card.injections.set_index("first_batch")
    assert inj.loc["2025-07", "caught_by"] == "performance"            # only labels see a prior shift
    assert inj.loc["2025-10", "caught_by"] == "performance"            # labels see concept drift
    assert "domain" in inj.loc["2025-06", "caught_by"].split(",")
    auc = res.wide().loc[:, "domain_auc"]
    assert auc["2025-05"] > 0.95 and auc[["2025-01", "2025-02", "2025-04", "2025-09", "2025-12"]].max() < 0.53


# --------------------------------------------------------------------------- false alarms over runs
def test_false_alarm_rates_pool_runs_by_hand():
    labels = ["a", "b", "c", "d"]
    kinds = ["no_drift", "no_drift", "covariate_shift", "no_drift"]
    manifest = pd.DataFrame({"batch": labels, "kind": kinds})
    run1 = scorecard(fake_result({"features": ["a", "c"], "prediction": ["b"]}, labels), manifest)
    run2 = scorecard(fake_result({"features": ["c"], "prediction": ["b", "d"]}, labels), manifest)
    other = scorecard(fake_result({"features": []}, labels), manifest)
    table = false_alarm_rates({"s": [run1, run2], "t": [other]}, level=0.05)
    table = table.set_index(["scenario", "detector"])
    assert list(table.columns) == list(FALSE_ALARM_COLUMNS)[2:]
    assert table.loc[("s", "features"), ["false_alarms", "n_clean", "runs"]].tolist() == [1, 6, 2]
    assert table.loc[("s", "prediction"), "false_alarms"] == 3          # b twice, d once
    assert table.loc[("s", ANY_DETECTOR), "false_alarms"] == 4           # a, b | b, d
    assert table.loc[("s", "prediction"), "rate"] == pytest.approx(0.5)
    assert table.loc[("s", "features"), "bound"] == pytest.approx(FALSE_ALARM_BOUND * 0.05)
    assert not table.loc[("s", "prediction"), "within"] and not table.loc[("s", "features"), "within"]
    assert table.loc[("t", "features"), "within"] and table.loc[("t", "features"), "pvalue"] == 1.0
    assert table.loc[("s", "prediction"), "pvalue"] == pytest.approx(binom.sf(2, 6, 0.05))
    with pytest.raises(DriftParameterError, match="'level'"):
        false_alarm_rates({"s": [run1]}, level=1.5)


#: Built-in scenarios in a smaller configuration, and how many seeds give 100 clean batches each.
SMALL_SCENARIOS = {
    "credit": (dict(n_train=3000, batch_size=500), 20),            # 5 clean months per seed
    "pricing": (dict(n_weeks=20, rows_per_week=300), 10),          # W01-W06, W17-W20
    "sentiment": (dict(posts_per_week=300), 25),                   # W04, W06, W07, W10
}


@pytest.mark.slow
def test_each_detector_false_alarms_at_most_twice_the_level_on_clean_batches():
    """Each detector's false alarms on the clean batches of every built-in scenario, smaller and over
    seeds (20 null draws for the feature detectors, 100 for the score detectors; only the clean batches
    are monitored), with the reference prediction drift needs (the held-out half of the reference scored
    by the deployed model, :meth:`Scenario.with_holdout_reference`) and the pricing calendar feature muted.

    100 clean batches per scenario and detector.  A detector calibrated at 5 % goes above the 2 x 5 %
    bound (more than 10 of 100) with probability 1 - binom.cdf(10, 100, 0.05) = 1.1 %; one at 20 % (as
    realised performance was on credit before, and the features detector at 100 % on pricing) stays
    within it with probability binom.cdf(10, 100, 0.2) = 0.6 %, one at 15 % with 9.9 %.  Observed with
    the default calibration (40 / 200 draws): at most 7 of 100 where judged.  Left out: pricing's
    score-based detectors.  Its reference spans a year, so the muted season lies inside it and every
    clean week is compared with the reference reweighted to its season -- but here that is the held-out
    half of 52 x 75 rows, an effective 200-400 rows against 300-row weeks, and the reference's own noise
    shows: prediction drift 6, realised performance 11, estimated performance 8 of 100 (before, with an
    8-week May-June reference, prediction drift and estimated performance were at 32 and 18 and realised
    performance fell back to the unweighted reference).  At full size see bench/RESULTS.md.
    """
    from drift import infer_schema
    from drift.data.scenarios import load_scenario
    from drift.monitoring.monitor import DEFAULT_DETECTORS

    cards = {}
    for name, (kwargs, seeds) in SMALL_SCENARIOS.items():
        cards[name] = []
        for seed in range(seeds):
            sc = load_scenario(name, rng=seed, **kwargs).with_holdout_reference(rng=seed)
            schema = infer_schema(sc.reference, sc.current).with_roles(
                target=sc.target, prediction=sc.prediction, batch=sc.batch, time=sc.time)
            clean = sc.manifest.loc[sc.manifest["kind"] == "no_drift", "batch"].astype(str)
            batches = [(label, sc.get_batch(label)) for label in clean]
            res = monitor(sc.reference, batches, schema=schema, rng=seed, n_calibration=20,
                          detectors=DEFAULT_DETECTORS, mute=sc.current.attrs.get("calendar_features", ()))
            cards[name].append(scorecard(res, sc.manifest))
    table = false_alarm_rates(cards, level=0.05)
    table = table[table["detector"] != ANY_DETECTOR]
    seasonal = (table["scenario"] == "pricing") & table["detector"].isin(["prediction", "performance",
                                                                          "estimated_performance"])
    judged = table[~seasonal]
    assert (judged["n_clean"] == 100).all() and len(judged) == 12
    assert judged["within"].all(), judged[["scenario", "detector", "false_alarms", "n_clean"]].to_string()


def test_holdout_reference_is_an_unbiased_half_scored_by_one_model():
    """The split must not follow the data: the scenario and the split share the seed 0 (drawn from the
    same stream, the held-out half of the pricing reference had 21 % grocery sessions against 25 %)."""
    from drift.data.scenarios.pricing import FEATURES

    sc = load_scenario("pricing", n_weeks=3, rows_per_week=1000, rng=0)
    held = sc.with_holdout_reference(rng=0)
    assert 0.45 < len(held.reference) / len(sc.reference) < 0.55
    shares = held.reference["product_category"].value_counts(normalize=True)
    full = sc.reference["product_category"].value_counts(normalize=True)
    assert (shares - full).abs().max() < 0.02, (shares - full)
    for frame in (held.reference, held.current):
        expected = held.model.predict_proba(frame[list(FEATURES)])[:, 1]
        np.testing.assert_allclose(frame["conversion_score"], expected)
    assert held.current.attrs["calendar_features"] == ("seasonality",)
    assert held.model is not sc.model and "held-out 50%" in held.source
    with pytest.raises(DriftParameterError, match="'share'"):
        sc.with_holdout_reference(share=1.0)

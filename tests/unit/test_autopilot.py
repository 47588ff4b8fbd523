"""Tests of the autopilot: decisions on scripted streams (when it retrains, rejects, rolls back), cost
accounting, determinism, and the policy comparison on the default pricing scenario.

Scripted streams are tiny scenarios built here: two numeric features and a category, a logistic model,
and one letter per production week -- ``A`` drawn as the reference, ``B`` a regime where ``x1`` moves
and its effect flips sign (the model is badly wrong), ``N`` labels that carry no signal (a broken label
pipeline).
"""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

from drift.core.errors import DriftInputError, DriftParameterError
from drift.data.scenarios import Scenario, credit, pricing
from drift.monitoring.autopilot import (
    LOG_COLUMNS,
    WEEKLY_COLUMNS,
    AutopilotRun,
    CostModel,
    Policy,
    compare_policies,
    default_policies,
    excess_log_loss,
    run_autopilot,
)

FEATURES = ["x1", "x2", "seg"]
KINDS = {"A": "no_drift", "B": "concept_drift", "N": "data_quality"}


def _week(kind: str, n: int, rng: np.random.Generator) -> pd.DataFrame:
    x1 = rng.normal(1.5 if kind == "B" else 0.0, 1.0, n)
    x2 = rng.normal(0.0, 1.0, n)
    seg = rng.choice(["a", "b"], n)
    logit = -1.0 + (-1.5 if kind == "B" else 1.5) * x1 + 0.5 * x2 + 0.3 * (seg == "b")
    p = np.full(n, 0.3) if kind == "N" else expit(logit)
    return pd.DataFrame({"x1": x1, "x2": x2, "seg": seg, "y": (rng.random(n) < p).astype(np.int64)})


def _scripted(plan: str, *, rows: int = 400, reference_weeks: int = 4, seed: int = 0) -> Scenario:
    """A scenario whose production weeks follow ``plan`` (one letter per week, see the module docstring)."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2025-01-06")
    reference = pd.concat([_week("A", rows, rng).assign(batch=f"R{k + 1}", week=start + pd.Timedelta(weeks=k))
                           for k in range(reference_weeks)], ignore_index=True)
    current = pd.concat([_week(kind, rows, rng).assign(batch=f"W{t + 1:02d}",
                                                       week=start + pd.Timedelta(weeks=reference_weeks + t))
                         for t, kind in enumerate(plan)], ignore_index=True)
    encode = ColumnTransformer([("seg", OneHotEncoder(), ["seg"])], remainder="passthrough")
    model = Pipeline([("encode", encode), ("model", LogisticRegression())])
    model.fit(reference[FEATURES], reference["y"])
    reference.insert(4, "score", model.predict_proba(reference[FEATURES])[:, 1])
    current.insert(4, "score", model.predict_proba(current[FEATURES])[:, 1])
    manifest = pd.DataFrame({"batch": [f"W{t + 1:02d}" for t in range(len(plan))],
                             "kind": [KINDS[k] for k in plan], "description": "scripted", "features": ""})
    return Scenario(name="scripted", title="Scripted stream", description=plan, reference=reference,
                    current=current, target="y", prediction="score", batch="batch", time="week",
                    manifest=manifest, model=model, source="tests/unit/test_autopilot.py")


def _acted(run: AutopilotRun) -> pd.Series:
    return run.log["action"][run.log["action"] != "none"]


# --- decisions on scripted streams ----------------------------------------------------------------
def test_drift_policy_retrains_after_the_change_and_not_before() -> None:
    sc = _scripted("A" * 8 + "B" * 8)
    run = run_autopilot(sc, Policy("drift", "drift"))
    log = run.log
    assert list(log.columns) == list(LOG_COLUMNS) and list(run.weekly.columns) == list(WEEKLY_COLUMNS)
    assert (log.loc[:7, "action"] == "none").all()                       # nothing before the change
    assert _acted(run).index[0] == 8 and log.loc[8, "action"] == "alert"   # drift seen the week it starts
    assert "onset W09" in log.loc[8, "reason"] and "waiting" in log.loc[8, "reason"]
    # labels of W09 arrive a week late; two labelled weeks since the onset are needed: retrain at W11
    retrains = log.index[log["action"] == "retrain"]
    assert retrains[0] == 8 + 1 + 2 - 1
    assert bool(log.loc[retrains[0], "promoted"]) and log.loc[retrains[0], "champion_version"] == 1
    assert log.loc[retrains[0], "holdout_weeks"] == "W10"
    assert log.loc[retrains[0], "challenger_score"] < log.loc[retrains[0], "champion_score"]
    assert (run.weekly.loc[retrains[0] + 1:, "scored_by"] >= 1).all()     # the new champion scores next week
    never = run_autopilot(sc, Policy("never", "never"))
    assert never.n_retrains == 0 and never.weekly["scored_by"].eq(0).all()
    late = slice(retrains[0] + 1, None)
    assert run.weekly.loc[late, "log_loss"].mean() < never.weekly.loc[late, "log_loss"].mean() - 0.1
    assert run.weekly["excess_log_loss"].iloc[-1] < 0.1 < never.weekly["excess_log_loss"].iloc[-1]


def test_label_delay_postpones_the_retrain() -> None:
    sc = _scripted("A" * 6 + "B" * 8)
    for delay in (0, 1, 3):
        log = run_autopilot(sc, Policy("drift", "drift"), label_delay=delay).log
        assert _acted_index(log) == 6
        assert log.index[log["action"] == "retrain"][0] == 6 + delay + 2 - 1, delay


def _acted_index(log: pd.DataFrame) -> int:
    return int(log.index[log["action"] != "none"][0])


def test_performance_policy_retrains_after_the_change_and_not_before() -> None:
    sc = _scripted("A" * 8 + "B" * 8)
    log = run_autopilot(sc, Policy("performance", "performance")).log
    # the first labels of the new regime (W09) arrive at the end of W10: alert, then retrain a week later
    assert _acted_index(log) == 9 and log.loc[9, "action"] == "alert"
    assert "excess log-loss" in log.loc[9, "reason"] and "on W09" in log.loc[9, "reason"]
    assert log.index[log["action"] == "retrain"][0] == 10
    assert log.loc[:8, "excess_log_loss"].max() < 0.01 < log.loc[9, "excess_log_loss"]


def test_scheduled_policy_retrains_on_schedule() -> None:
    log = run_autopilot(_scripted("A" * 12), Policy("every 4", "scheduled", every_k=4, rollback=False)).log
    assert list(log.index[log["action"] == "retrain"]) == [3, 7, 11]
    assert "schedule: 4 weeks" in log.loc[3, "reason"]


def test_rollback_when_the_regime_flips_back() -> None:
    sc = _scripted("A" * 6 + "B" * 6 + "A" * 6)
    run = run_autopilot(sc, Policy("drift", "drift"))
    log, weekly = run.log, run.weekly
    assert log.loc[log["action"] == "retrain", "promoted"].any()
    assert weekly.loc[11, "scored_by"] >= 1                                 # a B-trained champion in place
    rollbacks = log.index[log["action"] == "rollback"]
    # back to A at W13; its labels arrive at the end of W14, when the previous champion wins on them
    assert rollbacks[0] == 12 + 1
    assert "beats" in log.loc[rollbacks[0], "reason"]
    assert log.loc[rollbacks[0], "previous_score"] < log.loc[rollbacks[0], "champion_score"]
    # rollbacks walk back to the initial model, which then scores exactly as under "never"
    assert log["champion_version"].iloc[-1] == 0
    never = run_autopilot(sc, Policy("never", "never"))
    back = weekly.index[weekly["scored_by"].eq(0) & (weekly.index > rollbacks[0])]
    assert len(back) >= 2
    np.testing.assert_array_equal(weekly.loc[back, "log_loss"], never.weekly.loc[back, "log_loss"])
    assert run.total_cost < never.total_cost


def test_a_worse_challenger_is_not_promoted() -> None:
    # labels of W03-W06 carry no signal; the retrain at W08 trains on W02-W06 and is judged on clean W07
    sc = _scripted("AANNNNAAAA")
    log = run_autopilot(sc, Policy("every 8", "scheduled", every_k=8)).log
    row = log.loc[7]
    assert row["action"] == "retrain" and not bool(row["promoted"])
    assert (row["train_weeks"], row["holdout_weeks"]) == ("W02,W03,W04,W05,W06", "W07")
    assert row["challenger_score"] > row["champion_score"]
    assert "challenger rejected" in row["reason"]
    assert log["champion_version"].eq(0).all()


def test_a_rejected_challenger_makes_the_drift_benign() -> None:
    # covariate drift the model handles (x1 moves, the relation does not): one attempt, then quiet
    rng = np.random.default_rng(1)
    sc = _scripted("A" * 12)
    shifted = sc.current.copy()
    late = shifted["batch"] >= "W05"
    shifted.loc[late, "x2"] = rng.normal(1.0, 1.0, late.sum())
    logit = -1.0 + 1.5 * shifted["x1"] + 0.5 * shifted["x2"] + 0.3 * (shifted["seg"] == "b")
    shifted.loc[late, "y"] = (rng.random(late.sum()) < expit(logit[late])).astype(np.int64)
    sc = replace(sc, current=shifted)
    log = run_autopilot(sc, Policy("drift", "drift")).log
    retrains = log[log["action"] == "retrain"]
    assert len(retrains) == 1 and not retrains["promoted"].iloc[0]
    after = log.loc[retrains.index[0] + 1:]
    assert after["action"].eq("none").all()
    assert after["reason"].str.contains("treated as benign").all()


# --- accounting, determinism, outputs ------------------------------------------------------------
def test_cost_accounting_adds_up() -> None:
    cost = CostModel(retrain_cost=7.0, cost_per_error_unit=3.0, alert_cost=2.0, rollback_cost=5.0)
    run = run_autopilot(_scripted("A" * 6 + "B" * 6 + "A" * 6), Policy("drift", "drift"), cost=cost)
    w = run.weekly
    assert {"retrain", "alert", "rollback"} <= set(w["action"])             # every kind of cost occurs
    np.testing.assert_allclose(w["error_cost"], 3.0 * w["rows"] * w["error"])
    np.testing.assert_allclose(w["error"], w["log_loss"])
    expected = w["action"].map({"none": 0.0, "alert": 2.0, "retrain": 7.0, "rollback": 5.0})
    np.testing.assert_allclose(w["action_cost"], expected)
    np.testing.assert_allclose(w["cost"], w["error_cost"] + w["action_cost"])
    np.testing.assert_allclose(w["cumulative_cost"], w["cost"].cumsum())
    assert run.total_cost == pytest.approx(w["cumulative_cost"].iloc[-1])
    assert run.total_cost == pytest.approx(run.error_cost + run.action_cost)
    assert run.n_retrains == w["n_retrains"].iloc[-1] == (w["action"] == "retrain").sum()
    assert run.n_promotions == run.log["promoted"].sum()
    assert run.n_rollbacks == (w["action"] == "rollback").sum()
    assert run.mean_error == pytest.approx(w["error"].mean())
    sc = _scripted("A" * 4)
    brier = run_autopilot(sc, Policy("never", "never"), cost=CostModel(error_metric="brier"))
    np.testing.assert_allclose(brier.weekly["error"], brier.weekly["brier"])
    # the initial model's weekly metrics against scikit-learn on the scenario's own score column
    for row in brier.weekly.itertuples():
        batch = sc.get_batch(row.batch)
        assert row.roc_auc == pytest.approx(roc_auc_score(batch["y"], batch["score"]), rel=1e-12)
        assert row.log_loss == pytest.approx(log_loss(batch["y"], batch["score"]), rel=1e-9)
        assert row.brier == pytest.approx(brier_score_loss(batch["y"], batch["score"]), rel=1e-12)


def test_compare_policies_summary_and_break_even() -> None:
    sc = _scripted("A" * 6 + "B" * 8)
    cost = CostModel(retrain_cost=13.0)
    result = compare_policies(sc, default_policies(sc), cost=cost)
    s = result.summary
    assert list(s["policy"]) == ["never retrain", "every 4 weeks", "drift-triggered", "performance-triggered"]
    for run, row in zip(result.runs, s.itertuples(), strict=True):
        assert row.total_cost == pytest.approx(run.total_cost) and row.retrains == run.n_retrains
        assert row.saving_vs_first == pytest.approx(s["total_cost"].iloc[0] - run.total_cost)
        if run.n_retrains:  # decisions ignore costs: at the break-even retrain cost the totals tie
            other = run.action_cost - run.n_retrains * cost.retrain_cost
            tie = run.error_cost + other + run.n_retrains * row.break_even_retrain_cost
            assert tie == pytest.approx(s["total_cost"].iloc[0])
        else:
            assert np.isnan(row.break_even_retrain_cost)
    assert len(result.weekly) == len(result.log) == 4 * 14
    assert list(result.weekly.columns) == ["policy", *WEEKLY_COLUMNS]
    pd.testing.assert_frame_equal(result.to_frame(), s)


def test_runs_are_deterministic() -> None:
    sc = pricing.generate(n_weeks=11, rows_per_week=300, rng=2)
    policies = default_policies(sc)[1:3]  # every 4 weeks, drift-triggered: both retrain
    a = compare_policies(sc, policies, rng=5)
    b = compare_policies(sc, policies, rng=np.random.default_rng(5))
    assert a.summary["retrains"].min() > 0
    pd.testing.assert_frame_equal(a.summary, b.summary)
    pd.testing.assert_frame_equal(a.weekly, b.weekly)
    pd.testing.assert_frame_equal(a.log, b.log)
    single = run_autopilot(sc, policies[1], rng=5)
    pd.testing.assert_frame_equal(single.log, a.runs[1].log)
    pd.testing.assert_frame_equal(single.weekly, a.runs[1].weekly)


def test_to_dict_is_plain_json_and_progress_reaches_one() -> None:
    seen: list[float] = []
    sc = _scripted("A" * 3 + "B" * 5)
    result = compare_policies(sc, progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == pytest.approx(1.0) and len(seen) == 4 * 8
    text = json.dumps(result.to_dict())
    back = json.loads(text)
    assert back["runs"][2]["policy"]["kind"] == "drift" and len(back["runs"][2]["log"]) == 8
    assert back["runs"][0]["weekly"][0]["week"] == "2025-02-03T00:00:00"


def test_excess_log_loss_matches_a_logistic_refit() -> None:
    rng = np.random.default_rng(0)
    p = rng.uniform(0.05, 0.6, 4000)
    y = (rng.random(4000) < p).astype(float)
    assert excess_log_loss(y, p) < 10 / 4000                             # calibrated: about 1/n
    off = expit(np.log(p / (1 - p)) * 0.6 + 0.7)                        # wrong level and slope
    logit = np.log(off / (1 - off))[:, None]
    refit = LogisticRegression(C=np.inf, tol=1e-10, max_iter=1000).fit(logit, y).predict_proba(logit)[:, 1]

    def ll(q: np.ndarray) -> float:
        return float(-np.mean(y * np.log(q) + (1 - y) * np.log(1 - q)))

    assert excess_log_loss(y, off) == pytest.approx(ll(off) - ll(refit), rel=1e-5)
    assert excess_log_loss(y, off) > 0.02
    assert np.isnan(excess_log_loss(np.zeros(50), p[:50])) and np.isnan(excess_log_loss(y[:5], p[:5]))
    with pytest.raises(DriftInputError):
        excess_log_loss(y, p[:10])


def test_generic_scenario_without_reference_weeks() -> None:
    sc = credit.generate(n_train=1_500, batch_size=300)
    run = run_autopilot(sc, Policy("drift", "drift"))
    assert len(run.log) == 12 and run.label_delay == 1
    assert run.log["truth"].iloc[6] == "prior_shift"


# --- bad input ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("kwargs", "match"), [
    ({"kind": "sometimes"}, "'kind' parameter of Policy must be one of"),
    ({"every_k": 0}, "'every_k'"),
    ({"window": 1}, "'window'"),
    ({"kind": "drift", "window_from_onset": True, "settle_weeks": 1}, "'settle_weeks'"),
    ({"share_drifted": 0}, "'share_drifted'"),
    ({"feature_psi": -1}, "'feature_psi'"),
    ({"rollback_margin": 1.0}, "'rollback_margin'"),
    ({"max_rejections": 1.5}, "'max_rejections'"),
])
def test_bad_policies_raise(kwargs: dict, match: str) -> None:
    with pytest.raises(DriftParameterError, match=match):
        Policy("p", **kwargs)


def test_bad_costs_and_calls_raise() -> None:
    with pytest.raises(DriftParameterError, match="'retrain_cost'"):
        CostModel(retrain_cost=-1)
    with pytest.raises(DriftParameterError, match="'error_metric'"):
        CostModel(error_metric="mse")
    sc = _scripted("AB")
    with pytest.raises(DriftParameterError, match="'cost'.*for a binary model"):   # MAE bills a regression
        run_autopilot(sc, Policy("p"), cost=CostModel(error_metric="mae"))
    with pytest.raises(DriftParameterError, match="'label_delay'"):
        run_autopilot(sc, Policy("p"), label_delay=-1)
    with pytest.raises(DriftParameterError, match="'policy'"):
        run_autopilot(sc, "drift")
    with pytest.raises(DriftParameterError, match="unique names"):
        compare_policies(sc, [Policy("p"), Policy("p", "drift")])
    with pytest.raises(DriftInputError, match="no batch column"):
        run_autopilot(replace(sc, batch=None), Policy("p"))
    with pytest.raises(DriftInputError, match="classifier"):
        run_autopilot(replace(sc, model=None), Policy("p"))


# --- the default pricing scenario -----------------------------------------------------------------
@pytest.fixture(scope="module")
def default_comparison():
    return compare_policies(pricing.generate())


def test_drift_triggered_beats_never_on_the_default_scenario(default_comparison) -> None:
    s = default_comparison.summary.set_index("policy")
    assert s.loc["drift-triggered", "total_cost"] < s.loc["never retrain", "total_cost"]
    assert s.loc["drift-triggered", "weeks_degraded"] < s.loc["never retrain", "weeks_degraded"]
    # a fixed schedule pays for retrains that mostly do not help
    assert s.loc["every 4 weeks", "total_cost"] > s.loc["drift-triggered", "total_cost"]


def test_drift_policy_acts_only_on_injected_regimes(default_comparison) -> None:
    drift_run = default_comparison.runs[2]
    assert drift_run.policy.kind == "drift" and drift_run.policy.ignore_features == ("seasonality",)
    log = drift_run.log.set_index("batch")
    acted = log[log["action"] != "none"]
    assert acted.index[0] == "W07" and acted["action"].iloc[0] == "alert"    # the price war's first week
    first_retrain = acted[acted["action"] == "retrain"].iloc[0]
    assert first_retrain.name == "W09" and bool(first_retrain["promoted"])
    # every alert and retrain falls in an injected regime -- or right after the price war ends (W17): the
    # end is itself a change for the champion then in place, fitted on war weeks; its retrain is rejected
    clean = acted[acted["truth"] == "no_drift"]
    flagged = clean[clean["action"].isin(["alert", "retrain"])]
    assert set(flagged["onset"]) == {pricing.week_label(pricing.REGIMES[0].last + 1)}
    assert not flagged["promoted"].fillna(False).astype(bool).any()
    promoted = log[log["promoted"].fillna(False).astype(bool)]
    champion = flagged["champion_version"].iloc[0]
    fitted_on = promoted.loc[promoted["champion_version"] == champion, "train_weeks"].iloc[0]
    war = [w for w in fitted_on.split(",") if pricing.regime_of(int(w[1:])) is pricing.REGIMES[0]]
    assert len(war) >= 4
    assert set(clean["action"]) <= {"alert", "retrain", "rollback"}

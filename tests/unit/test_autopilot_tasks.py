"""The autopilot on a regression model: the pricing scenario's demand model (issue 12, item 7).

Checked against independent computations: the weekly MAE, RMSE and Poisson deviance against
scikit-learn's metrics on the model's own forecasts, the excess Poisson log-loss against a Poisson GLM
(``sklearn.linear_model.PoissonRegressor``) refitted on the log forecast, the cost against ``rows * MAE``.
The binary autopilot is compared with a snapshot (``tests/unit/golden/autopilot_binary_*.parquet``) written
by the code of main at 1198103, before the regression path existed, on
``load_scenario("pricing", n_weeks=12, rows_per_week=400)``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.linear_model import LinearRegression, PoissonRegressor
from sklearn.metrics import mean_absolute_error, mean_poisson_deviance, root_mean_squared_error

from drift.core.errors import DriftInputError, DriftParameterError
from drift.data.scenarios import load_scenario
from drift.monitoring.autopilot import (
    DEFAULT_ERROR_METRIC,
    LOG_COLUMNS,
    WEEKLY_COLUMNS,
    CostModel,
    Policy,
    compare_policies,
    default_policies,
    excess_poisson_log_loss,
    log_columns,
    poisson_deviance,
    run_autopilot,
    weekly_columns,
)

GOLDEN = Path(__file__).resolve().parent / "golden"
SMALL = {"n_weeks": 20, "rows_per_week": 300}


@pytest.fixture(scope="module")
def demand():
    """The pricing scenario's regression view, small: 20 production weeks (the price war from W07)."""
    return load_scenario("pricing", **SMALL).with_task("regression")


@pytest.fixture(scope="module")
def comparison(demand):
    return compare_policies(demand)


# --- metrics against independent computations ----------------------------------------------------
def test_poisson_deviance_equals_sklearn() -> None:
    rng = np.random.default_rng(3)
    mu = rng.gamma(2.0, 0.7, 500)
    y = rng.poisson(mu * 1.3).astype(float)          # with zeros, and a level the forecast misses
    assert (y == 0).any()
    assert poisson_deviance(y, mu) == pytest.approx(mean_poisson_deviance(y, mu), rel=1e-12)


def test_excess_poisson_log_loss_equals_a_refitted_poisson_glm() -> None:
    rng = np.random.default_rng(4)
    mu = rng.gamma(2.0, 0.6, 4000)
    for level, slope in ((1.0, 1.0), (2.0, 1.0), (1.0, 0.6)):
        y = rng.poisson(level * mu ** slope).astype(float)
        glm = PoissonRegressor(alpha=0.0, tol=1e-12, max_iter=1000).fit(np.log(mu)[:, None], y)
        refit = glm.predict(np.log(mu)[:, None])
        expected = (mean_poisson_deviance(y, mu) - mean_poisson_deviance(y, refit)) / 2
        assert excess_poisson_log_loss(y, mu) == pytest.approx(expected, rel=1e-5, abs=1e-9)
    calibrated = rng.poisson(mu).astype(float)
    assert excess_poisson_log_loss(calibrated, mu) < 5 / len(mu)       # ~ chi2_2 / 2n under the null
    assert excess_poisson_log_loss(rng.poisson(2 * mu), mu) > 0.05       # demand doubled at the same inputs
    assert np.isnan(excess_poisson_log_loss(np.zeros(50), mu[:50]))     # nothing to recalibrate on
    with pytest.raises(DriftInputError, match="targets but"):
        excess_poisson_log_loss(y[:5], mu[:6])


def test_weekly_errors_equal_sklearn_on_the_model_forecasts(demand, comparison) -> None:
    """The never-retrain policy scores every week with the view's demand model: its weekly MAE, RMSE and
    Poisson deviance are scikit-learn's on that model's forecasts, and the error cost is 2 x rows x MAE."""
    weekly = comparison.weekly[comparison.weekly["policy"] == "never retrain"]
    assert list(comparison.weekly.columns) == ["policy", *weekly_columns("regression")]
    model, features = demand.model, list(demand.feature_names)
    for row in weekly.itertuples(index=False):
        rows = demand.get_batch(row.batch)
        y, p = rows[demand.target].to_numpy(float), model.predict(rows[features])
        assert np.allclose(p, rows[demand.prediction])      # the view's forecast column is this model's
        assert row.mae == pytest.approx(mean_absolute_error(y, p), rel=1e-12)
        assert row.rmse == pytest.approx(root_mean_squared_error(y, p), rel=1e-12)
        assert row.poisson_deviance == pytest.approx(mean_poisson_deviance(y, p), rel=1e-12)
        assert row.error == row.mae                          # the default cost model bills MAE
        assert row.error_cost == pytest.approx(CostModel().cost_per_error_unit * len(y) * row.mae)
        assert row.error_cost == pytest.approx(CostModel().cost_per_error_unit * np.abs(y - p).sum())


# --- decisions ------------------------------------------------------------------------------------
def test_drift_triggered_retrains_after_the_injected_regime(demand, comparison) -> None:
    log = comparison.log[comparison.log["policy"] == "drift-triggered"]
    injected = demand.manifest.loc[demand.manifest["kind"] != "no_drift", "batch"].tolist()
    assert injected[0] == "W07"                                       # the price war
    acted = log[log["action"] != "none"]
    assert not acted.empty and set(acted["batch"]) <= set(injected)  # nothing before or outside it
    retrains = log[log["action"] == "retrain"]
    assert len(retrains) >= 1
    first = retrains.iloc[0]
    assert first["onset"] == "W07" and first["batch"] > "W07"        # waited for labels of the new regime
    assert "price_ratio PSI" in first["reason"] and "hold-out Poisson deviance" in first["reason"]
    assert np.isfinite(first["challenger_score"]) and np.isfinite(first["champion_score"])
    assert list(log.columns) == ["policy", *log_columns("regression")]
    assert "labelled_deviance" in log.columns and "labelled_log_loss" not in log.columns
    never = comparison.log[comparison.log["policy"] == "never retrain"]
    assert (never["action"] == "none").all() and (never["champion_version"] == 0).all()


def test_a_challenger_is_the_scenario_demand_model_refitted(demand) -> None:
    """The scheduled policy's first challenger is a clone of the demand pipeline fitted on the training
    weeks the log names; its hold-out deviance is the one logged."""
    run = run_autopilot(demand, Policy("every 4", "scheduled", every_k=4, rollback=False),
                        cost=CostModel.for_task("regression"), rng=5)
    first = run.log[run.log["action"] == "retrain"].iloc[0]
    train = first["train_weeks"].split(",")
    holdout = first["holdout_weeks"].split(",")
    assert train and holdout == ["W03"] and first["batch"] == "W04"   # labels arrive a week late

    def rows(labels):
        frames = [demand.reference[demand.reference[demand.batch] == b] if b.startswith("R")
                  else demand.get_batch(b) for b in labels]
        return pd.concat(frames, ignore_index=True)

    features = list(demand.feature_names)
    fit_rows, held = rows(train), rows(holdout)
    champion = mean_poisson_deviance(held[demand.target], demand.model.predict(held[features]))
    assert first["champion_score"] == pytest.approx(champion, rel=1e-12)
    challenger = clone(demand.model)
    seed = int(np.random.default_rng(5).integers(2**31 - 1))       # run_autopilot's seed from rng=5
    challenger.set_params(model__random_state=seed)
    challenger.fit(fit_rows[features], fit_rows[demand.target].to_numpy(float))
    expected = mean_poisson_deviance(held[demand.target], challenger.predict(held[features]))
    assert first["challenger_score"] == pytest.approx(expected, rel=1e-9)


def test_same_seed_same_run(demand) -> None:
    policy = Policy("perf", "performance")
    a = run_autopilot(demand, policy, rng=11)
    b = run_autopilot(demand, policy, rng=11)
    pd.testing.assert_frame_equal(a.log, b.log)
    pd.testing.assert_frame_equal(a.weekly, b.weekly)
    assert a.total_cost == b.total_cost and a.task == "regression"


def test_the_cost_metric_changes_the_bill_not_the_decisions(demand, comparison) -> None:
    policies = [p for p in default_policies(demand) if p.kind == "drift"]
    rmse = compare_policies(demand, policies, cost=CostModel.for_task("regression", error_metric="rmse"))
    mae = comparison.log[comparison.log["policy"] == "drift-triggered"].reset_index(drop=True)
    pd.testing.assert_frame_equal(rmse.log, mae)
    weekly = rmse.weekly
    assert (weekly["error"] == weekly["rmse"]).all()
    assert rmse.summary["mean_error"].iloc[0] == pytest.approx(weekly["rmse"].mean())


# --- the binary autopilot is unchanged ------------------------------------------------------------
def test_binary_autopilot_equals_the_snapshot_before_regression() -> None:
    result = compare_policies(load_scenario("pricing", n_weeks=12, rows_per_week=400))
    assert result.task == "binary" and DEFAULT_ERROR_METRIC["binary"] == "log_loss"
    assert tuple(result.log.columns[1:]) == LOG_COLUMNS
    assert tuple(result.weekly.columns[1:]) == WEEKLY_COLUMNS
    for part in ("summary", "weekly", "log"):
        expected = pd.read_parquet(GOLDEN / f"autopilot_binary_{part}.parquet")
        pd.testing.assert_frame_equal(getattr(result, part), expected, check_exact=False, rtol=1e-12)


# --- bad input ------------------------------------------------------------------------------------
def test_a_cost_model_of_the_other_task_is_refused(demand) -> None:
    with pytest.raises(DriftParameterError, match="'cost'.*for a regression model"):
        run_autopilot(demand, Policy("p"), cost=CostModel())          # log-loss bills a classifier
    with pytest.raises(DriftParameterError, match="'task'"):
        CostModel.for_task("multiclass")


def test_negative_targets_are_refused(demand) -> None:
    current = demand.current.copy()
    current.loc[5, demand.target] = -1
    with pytest.raises(DriftInputError, match="negative targets") as err:
        run_autopilot(replace(demand, current=current), Policy("p"))
    assert "units_sold" in str(err.value) and "W01" in str(err.value)


def test_a_model_that_forecasts_zero_or_less_is_refused(demand) -> None:
    """A linear model can forecast below zero, where the Poisson deviance is undefined: named, not nan."""
    features = ["own_price", "competitor_price", "discount_pct"]
    ref = demand.reference[features]
    model = LinearRegression().fit(ref, demand.reference[demand.target] - 5.0)      # forecasts < 0
    small = replace(demand, reference=demand.reference[[*features, demand.target, demand.batch]],
                    current=demand.current[[*features, demand.target, demand.batch]], prediction=None,
                    time=None, model=model)
    with pytest.raises(DriftInputError, match="forecasts > 0") as err:
        run_autopilot(small, Policy("p"))
    assert "HistGradientBoostingRegressor(loss='poisson')" in str(err.value)


def test_a_multiclass_model_is_refused(demand) -> None:
    with pytest.raises(DriftInputError, match="multiclass model"):
        run_autopilot(replace(demand, task="multiclass"), Policy("p"))
    with pytest.raises(DriftInputError, match="regressor"):
        run_autopilot(replace(demand, model=None), Policy("p"))

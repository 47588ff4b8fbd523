"""The Timeline and Autopilot pages under AppTest.

Expected numbers come from calling ``drift`` directly with the arguments the pages use (the sidebar's
defaults: alpha 0.05, Benjamini–Hochberg, 10 bins, seed 0; the Timeline's default quantile and
detectors), so a page that shows a different number fails.  Every test points ``DRIFT_EXPLORER_DATA``
at a temporary folder, so the history store is a fresh file (never the user's).
"""

from __future__ import annotations

from functools import cache

import pandas as pd
import pytest

import drift
from drift.autopilot import CostModel, compare_policies, default_policies
from drift.monitor import DEFAULT_DETECTORS, monitor
from drift.scenarios import load_scenario
from drift.scorecard import scorecard
from drift.store import DATA_DIR_ENV, HistoryStore, default_store_path
from tests.app.test_pages import errors, metric, new_app, open_page, scenario_tables
from ui import state
from ui import timeline as tl

TIMELINE = "pages/timeline.py"
AUTOPILOT = "pages/autopilot.py"


@pytest.fixture()
def store_dir(tmp_path, monkeypatch):
    """A fresh, empty data folder for the history store."""
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    return tmp_path


def frame_with(at, column: str) -> pd.DataFrame:
    """The first dataframe on the page that has ``column``."""
    for d in at.dataframe:
        if column in d.value.columns:
            return d.value
    raise AssertionError(f"no dataframe with a {column!r} column; "
                         f"columns: {[list(d.value.columns) for d in at.dataframe]}")


# --- expected values -------------------------------------------------------------------------------
@cache
def credit_monitor():
    reference, current, schema = scenario_tables("credit")
    validation = drift.validate_pair(reference, current, schema, reference_name="r", current_name="c")
    return monitor(reference, current, schema=validation.schema, batch_col=schema.batch,
                   quantile=tl.QUANTILES[0], detectors=DEFAULT_DETECTORS, rng=0)


@cache
def pricing_comparison(retrain_cost: float = CostModel().retrain_cost):
    sc = load_scenario("pricing")
    return compare_policies(sc, default_policies(sc, every_k=4),
                            cost=CostModel(retrain_cost=retrain_cost), rng=0)


# --- Timeline --------------------------------------------------------------------------------------
def test_timeline_on_credit(store_dir) -> None:
    at = open_page(new_app(), TIMELINE)
    assert not errors(at)
    expected = credit_monitor()
    injected = load_scenario("credit").manifest.query("kind != 'no_drift'")["batch"].astype(str).tolist()
    alerted = expected.batches.loc[expected.batches["status"] == "alert", "batch"].tolist()
    assert set(injected) <= set(alerted), "every month with injected drift should alert"

    assert metric(at, "Batches monitored") == "12"
    assert metric(at, "Batches with an alert") == f"{len(alerted)} / 12"
    assert metric(at, "Alerts") == str(len(expected.alerts))

    batches = frame_with(at, "detectors")
    assert batches.loc[batches["status"] == "alert", "batch"].tolist() == alerted
    alerts = frame_with(at, "reason")
    assert alerts["reason"].tolist() == expected.alerts["reason"].tolist()

    # the scorecard: which detector caught each injection first
    card = scorecard(expected, load_scenario("credit").manifest)
    summary = frame_with(at, "mean_delay")
    assert summary["caught"].tolist() == [f"{c} / {n}" for c, n in zip(card.summary["caught"],
                                                                        card.summary["n_injections"])]
    injections = frame_with(at, "first_detectors")
    assert injections["first_batch"].tolist() == card.injections["first_batch"].tolist() == injected
    assert len(at.get("plotly_chart")) >= 1 + len(expected.detectors)  # heatmap + one per metric, at least

    # written to the store in the temp folder, once however often the page runs
    assert default_store_path().parent == store_dir
    at.run()
    runs = HistoryStore().runs()
    assert len(runs) == 1 and runs.loc[0, "n_batches"] == 12
    assert runs.loc[0, "n_alerts"] == len(expected.alerts)


def test_history_survives_a_restart(store_dir) -> None:
    """A run recorded by another process (the CLI under cron) and one from an earlier session are listed
    by a fresh session after the caches are cleared, as after restarting the app."""
    import streamlit as st

    sc = load_scenario("credit")
    first = sc.current[sc.current["batch"].astype(str).isin(["2025-01", "2025-02"])]
    small = monitor(sc.reference, first, batch_col="batch", detectors=("quality",), n_calibration=10)
    cron_run = HistoryStore().record_monitor(small, reference_name="cron reference", source="cli")

    at = open_page(new_app(), TIMELINE)
    assert not errors(at)
    st.cache_data.clear()
    again = open_page(new_app(), TIMELINE)   # a new session on a "restarted" app: nothing in memory
    runs = frame_with(again, "n_batches")
    assert "cron reference" in runs["reference_name"].tolist()
    assert len(runs) == 2, "the earlier session's run is found again, not recorded twice"
    # look at the stored cron run: its two batches come back from the file
    again.selectbox(key=state.HISTORY_RUN).set_value(cron_run).run()
    stored = frame_with(again, "verdict")
    assert stored["label"].tolist() == ["2025-01", "2025-02"]


def test_choosing_a_batch_opens_it_elsewhere(store_dir) -> None:
    at = open_page(new_app(), TIMELINE)
    at.selectbox(key=state.TIMELINE_BATCH).set_value("2025-05").run()
    assert not at.exception
    assert at.session_state[state.BATCH] == "2025-05", "the sidebar's batch follows the Timeline's"
    at.button(key="open_feature_drift").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Feature Drift"
    assert at.selectbox(key=state.BATCH).value == "2025-05"


# --- Autopilot -------------------------------------------------------------------------------------
def test_autopilot_on_pricing(store_dir) -> None:
    at = open_page(new_app(), AUTOPILOT)
    assert not errors(at)
    expected = pricing_comparison()
    shown = frame_with(at, "saving_vs_first")
    assert shown["policy"].tolist() == expected.summary["policy"].tolist()
    pd.testing.assert_series_equal(shown["total_cost"], expected.summary["total_cost"], check_names=False)
    assert shown["retrains"].tolist() == expected.summary["retrains"].tolist()

    best = expected.summary.loc[expected.summary["total_cost"].idxmin(), "policy"]
    conclusion = " ".join(s.value for s in [*at.success, *at.info])
    assert best in conclusion
    assert len(at.get("plotly_chart")) == 4   # error and excess error over time, cumulative cost (gap, total)

    # the action log of the chosen policy, with its reasons
    at.selectbox(key=state.AUTOPILOT_LOG_POLICY).set_value("every 4 weeks").run()
    log = frame_with(at, "reason")
    runs = expected.log[(expected.log["policy"] == "every 4 weeks") & (expected.log["action"] != "none")]
    assert log["reason"].tolist() == runs["reason"].tolist()
    assert "retrain" in log["action"].tolist()
    # every action of every policy is in the history store
    actions = HistoryStore().actions()
    assert len(actions) == int((expected.log["action"] != "none").sum())


def test_autopilot_costs_change_the_verdict(store_dir) -> None:
    """With retraining made very expensive, never retraining wins, and the page says so."""
    at = open_page(new_app(**{state.AUTOPILOT_POLICIES: ["never", "drift"]}), AUTOPILOT)
    at.number_input(key=state.AUTOPILOT_RETRAIN_COST).set_value(5000.0)
    at.button[0].click().run()   # the form's submit button
    assert not at.exception and not errors(at)
    shown = frame_with(at, "saving_vs_first")
    assert shown["policy"].tolist() == ["never retrain", "drift-triggered"]
    assert shown["saving_vs_first"].iloc[1] < 0
    assert any("No policy beats never retrain" in s.value for s in at.info)

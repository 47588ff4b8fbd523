"""The Timeline and Autopilot pages under AppTest.

Expected numbers come from calling ``drift`` directly with the arguments the pages use (the sidebar's
defaults: alpha 0.05, Benjamini–Hochberg, 10 bins, seed 0; the Timeline's default quantile and
detectors), so a page that shows a different number fails.  Every test points ``DRIFT_EXPLORER_DATA``
at a temporary folder, so the history store is a fresh file (never the user's).
"""

from __future__ import annotations

import base64
import json
from functools import cache

import numpy as np
import pandas as pd
import pytest

import drift
from drift.data.scenarios import load_scenario
from drift.monitoring.autopilot import CostModel, compare_policies, default_policies
from drift.monitoring.monitor import DEFAULT_DETECTORS, monitor
from drift.monitoring.scorecard import scorecard
from drift.monitoring.store import DATA_DIR_ENV, HistoryStore, default_store_path
from tests.app.test_pages import errors, metric, new_app, open_page, scenario_tables, upload, upload_tables
from ui import safe, state
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


CLEAN_MONTHS = ("2025-01", "2025-02", "2025-04", "2025-09", "2025-12")


def chart_with(at, text: str) -> dict:
    """The plotly figure (as JSON) of the first chart on the page whose spec contains ``text``."""
    for chart in at.get("plotly_chart"):
        if text in chart.proto.spec:
            return json.loads(chart.proto.spec)
    raise AssertionError(f"no chart with {text!r}")


def trace_values(values) -> np.ndarray:
    """A trace's numbers, whether plotly wrote them as a list or as a typed base64 array."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).astype(float)
    return np.array([np.nan if v is None else v for v in values], dtype=float)


@pytest.fixture()
def sorted_upload(tmp_path, sample_files):
    """The credit sample's clean months without their batch and month columns, sorted by income: a
    production file with no time column that happens to be sorted by one column."""
    reference, production = sample_files
    frame = pd.read_csv(production)
    frame = frame[frame["batch"].astype(str).isin(CLEAN_MONTHS)].drop(columns=["batch", "month"])
    path = tmp_path / "production_sorted_by_income.csv"
    frame.sort_values("income", kind="stable").to_csv(path, index=False)
    return reference, path


def test_timeline_without_a_time_column_says_how_it_chunked(store_dir, sorted_upload) -> None:
    at = open_page(upload(new_app(), *sorted_upload), TIMELINE)
    assert not errors(at)
    reference, current, schema = upload_tables(*sorted_upload)
    schema = drift.validate_pair(reference, current, schema, reference_name="r", current_name="c").schema
    size = max(len(current) // 10, 50)

    def expected(**split):
        return monitor(reference, current, schema=schema, quantile=tl.QUANTILES[0],
                       detectors=DEFAULT_DETECTORS, rng=0, size=size, **split)

    def alerted(result) -> str:
        return f"{int((result.batches['status'] == 'alert').sum())} / {len(result.labels)}"

    # by default: seeded random chunks, said in a warning; clean rows look clean
    shuffled = expected(shuffle=True)
    warning = safe.plain(" ".join(w.value for w in at.warning))
    assert f"Batches: random chunks of {size:,} rows (seed 0)" in warning
    assert "can only differ by noise" in warning and "never when it started" in warning
    assert metric(at, "Batches with an alert") == alerted(shuffled)
    assert shuffled.detector_alerts()["features"].sum() <= 1     # each detector alerts ~5 % of clean chunks
    # file order, chosen explicitly and said: every run of the sorted file crosses (the 7 of 7)
    at.selectbox(key=state.TIMELINE_ORDER).set_value(tl.ORDER_FILE).run()
    assert "in file order" in safe.plain(" ".join(i.value for i in at.info))
    n = len(shuffled.labels)
    in_file = expected()
    assert metric(at, "Batches with an alert") == alerted(in_file) == f"{n} / {n}"
    assert in_file.detector_alerts()["features"].all()
    # an order column: said, and left out of the monitored features
    at.selectbox(key=state.TIMELINE_ORDER).set_value("age").run()
    assert not errors(at)
    assert "after sorting the rows by column 'age'" in safe.plain(" ".join(i.value for i in at.info))
    assert any("'age' orders the batches" in safe.plain(c.value) for c in at.caption)
    assert metric(at, "Batches with an alert") == alerted(expected(order="age"))


def test_feature_chart_shows_psi_against_its_own_threshold(store_dir) -> None:
    at = open_page(new_app(), TIMELINE)
    expected = credit_monitor()
    summary = expected.feature_summary()
    picker = at.selectbox(key=state.TIMELINE_FEATURE)
    assert picker.value == summary["feature"].iloc[0]                     # the most alarming first
    assert picker.format_func("region") == "region — beyond its threshold in 2 batch(es), first 2025-06"
    picker.set_value("region").run()
    traces = {t["name"]: t for t in chart_with(at, "PSI of region per batch")["data"]}
    np.testing.assert_allclose(trace_values(traces["PSI"]["y"]), expected.psi.loc["region"])
    np.testing.assert_allclose(trace_values(traces["threshold"]["y"]),
                               expected.feature_thresholds.loc["region"])
    crosses = [symbol == "x" for symbol in traces["PSI"]["marker"]["symbol"]]
    assert crosses == expected.feature_beyond().loc["region"].tolist()
    assert sum(crosses) == 2 and traces["PSI"]["x"][crosses.index(True)] == "2025-06"


def test_timeline_mutes_the_pricing_calendar_feature(store_dir) -> None:
    """Muted by default, the season never alerts (no cross on its PSI chart) and leaves the features
    detector quiet on most clean weeks; unmuted, it moves that detector on every week.  (That the page's
    numbers are the library's monitor is checked on credit, test_timeline_on_credit: a direct run of the
    full-size pricing monitor here would only repeat that arithmetic for half a minute.)"""
    at = open_page(new_app(**{state.SCENARIO: "pricing"}), TIMELINE)
    assert not errors(at)
    muted = next(m for m in at.multiselect if m.label.startswith("Muted features"))
    assert muted.value == ["seasonality"]
    assert any("Muted (expected to change" in c.value and "seasonality" in c.value for c in at.caption)
    quiet = frame_with(at, "detectors")
    clean = quiet["truth"] == "no drift"
    fired_quiet = [tl.DETECTORS["features"] in fired.split(", ") for fired in quiet.loc[clean, "detectors"]]
    at.selectbox(key=state.TIMELINE_FEATURE).set_value("seasonality").run()
    season = chart_with(at, "PSI of seasonality")
    assert "muted: expected to change, never alerts" in json.dumps(season)
    psi = next(t for t in season["data"] if t["name"] == "PSI")
    assert "x" not in psi["marker"]["symbol"] and len(psi["marker"]["symbol"]) == len(quiet)
    # unmuted, the season moves the features detector on every week (the page's batch table names the
    # detectors that fired)
    muted.set_value([]).run()
    assert not errors(at)
    batches = frame_with(at, "detectors")
    assert batches["batch"].tolist() == quiet["batch"].tolist()
    assert all(tl.DETECTORS["features"] in fired.split(", ") for fired in batches["detectors"])
    assert metric(at, "Batches with an alert") == f"{len(batches)} / {len(batches)}"
    assert clean.sum() >= 10 and sum(fired_quiet) <= 2, quiet[["batch", "truth", "detectors"]].to_string()


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

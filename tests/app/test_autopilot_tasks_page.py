"""The Autopilot page on the pricing scenario's regression (demand) model, under AppTest.

The scenario is made small here (``n_weeks=20, rows_per_week=300``: the app's loaders are patched) so the
replay takes seconds; the disk cache is switched off and Streamlit's caches are cleared before and after,
so no small result is ever served to another test under the full-size scenario's key.  Expected numbers
come from calling ``drift`` directly with the arguments the page uses (seed 0, every 4 weeks, the default
costs, MAE billed).
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
import streamlit as st

from drift.data.scenarios import load_scenario
from drift.monitoring.autopilot import CostModel, compare_policies, default_policies
from drift.monitoring.store import DATA_DIR_ENV
from tests.app.test_monitor_pages import AUTOPILOT, frame_with
from tests.app.test_pages import errors, new_app, open_page
from tests.app.test_task_pages import texts
from ui import state
from ui import timeline as tl

SMALL = {"n_weeks": 20, "rows_per_week": 300}


def small_scenario(name: str, **kwargs):
    return load_scenario(name, **{**SMALL, **kwargs})


@pytest.fixture()
def small_pricing(monkeypatch, tmp_path):
    """The app's scenario loaders return the small scenario; nothing small outlives the test."""
    import ui.cache

    monkeypatch.setenv("DRIFT_CACHE_DIR", "off")
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))      # a fresh history store
    monkeypatch.setattr(ui.cache, "load_scenario", small_scenario)
    monkeypatch.setattr(ui.cache, "cached_scenario", small_scenario)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def expected_comparison():
    view = small_scenario("pricing").with_task("regression")
    return compare_policies(view, default_policies(view, every_k=tl.DEFAULT_EVERY_K),
                            cost=CostModel.for_task("regression"), rng=0)


def test_autopilot_replays_the_regression_model_chosen_in_the_sidebar(small_pricing) -> None:
    at = open_page(new_app(**{state.SCENARIO: "pricing", state.SCENARIO_TASK: "regression"}), AUTOPILOT)
    assert not errors(at)
    expected = expected_comparison()
    shown = frame_with(at, "saving_vs_first")
    assert shown["policy"].tolist() == expected.summary["policy"].tolist()
    pd.testing.assert_series_equal(shown["total_cost"], expected.summary["total_cost"], check_names=False)
    pd.testing.assert_series_equal(shown["mean_error"], expected.summary["mean_error"], check_names=False)
    assert shown["retrains"].tolist() == expected.summary["retrains"].tolist()

    words = texts(at)
    assert "Model replayed: the units sold (regression) model" in words
    assert "not available here" not in words
    assert "units_sold" in words                         # the view's description: its own target
    assert [t.label for t in at.tabs][:2] == ["MAE", "Excess Poisson log-loss (miscalibration)"]
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    axes = [c["layout"].get("yaxis", {}).get("title", {}).get("text") for c in charts]
    assert axes[:2] == ["MAE per session (units)", "excess Poisson log-loss per session"]
    mae = [t for t in charts[0]["data"] if t.get("name") == "never retrain"][0]
    assert len(mae["x"]) == SMALL["n_weeks"]

    at.selectbox(key=state.AUTOPILOT_LOG_POLICY).set_value("drift-triggered").run()
    log = frame_with(at, "reason")
    runs = expected.log[(expected.log["policy"] == "drift-triggered") & (expected.log["action"] != "none")]
    assert log["reason"].tolist() == runs["reason"].tolist()
    assert any("hold-out Poisson deviance" in r for r in log["reason"])


def test_autopilot_on_the_binary_model_is_as_before(small_pricing) -> None:
    at = open_page(new_app(**{state.SCENARIO: "pricing", state.SCENARIO_TASK: "binary"}), AUTOPILOT)
    assert not errors(at)
    sc = small_scenario("pricing")
    expected = compare_policies(sc, default_policies(sc, every_k=tl.DEFAULT_EVERY_K), cost=CostModel(), rng=0)
    shown = frame_with(at, "saving_vs_first")
    pd.testing.assert_series_equal(shown["total_cost"], expected.summary["total_cost"], check_names=False)
    assert [t.label for t in at.tabs][:2] == ["Log-loss", "Excess log-loss (miscalibration)"]
    assert "Model replayed: the conversion (binary) model." in texts(at)

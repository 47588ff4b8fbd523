"""The app on a regression and a multiclass model: the Data, Diagnosis and Report pages, run headless with
AppTest on the pricing scenario's regression model, the sentiment scenario's multiclass model and an upload
with a numeric target.

Expected figures come from the library called directly on the same rows (``drift.infer_task``,
``drift.regression_performance_change``, ``drift.multiclass_performance_change``), the way a notebook user
would; the chart builders are checked against hand computations.
"""

from __future__ import annotations

import base64
import json
from functools import cache
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from streamlit.testing.v1 import AppTest

import drift
from drift.core.decisions import VERDICT_LABELS, VERDICTS, verdict_label
from drift.data.scenarios import load_scenario
from tests.app.test_pages import new_app as shared_new_app
from tests.app.test_pages import open_page, upload
from ui import cache as ui_cache
from ui import charts, data, model, safe, state

TIMEOUT = 300            # seconds per run: the first run generates the scenario's other model
DATA, DIAGNOSIS, REPORT = "pages/data.py", "pages/diagnosis.py", "pages/report.py"
PRICING_BATCH = "W08"    # a competitor price war: demand falls at the same inputs
SENTIMENT_BATCH = "W09"  # a PR crisis: negative posts up


# --- helpers ---------------------------------------------------------------------------------------------
def new_app(**session: object) -> AppTest:
    return shared_new_app(timeout=TIMEOUT, **session)


def view_app(name: str, task: str, batch: str) -> AppTest:
    """A session on a built-in scenario's model of ``task``, one batch chosen in the sidebar."""
    return new_app(**{state.SCENARIO: name, state.SCENARIO_TASK: task, state.BATCH: batch})


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def errors(at: AppTest) -> list[str]:
    return [e.value.replace("\\", "") for e in at.error]


def figures(at: AppTest) -> list[go.Figure]:
    return [pio.from_json(c.proto.spec) for c in at.get("plotly_chart")]


def array(value) -> np.ndarray:
    """A figure's array as the browser receives it: plotly writes NumPy arrays as typed, base64 bytes."""
    if isinstance(value, dict) and "bdata" in value:
        shape = tuple(int(n) for n in str(value.get("shape", "-1")).split(","))
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).reshape(shape)
    return np.asarray(value, dtype=float)


def trace_types(at: AppTest) -> list[str]:
    return [t.type for fig in figures(at) for t in fig.data]


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    """The first table shown with this column."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def run_all_steps(at: AppTest) -> AppTest:
    at.button(key="diag_all").click().run()
    assert not errors(at), errors(at)
    return at


def texts(at: AppTest) -> str:
    """Everything written on the page as Markdown, captions and notices, in one string (without the
    backslashes that escape text from the data)."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for kind in (at.info, at.warning, at.error, at.success) for e in kind]
    return "\n".join(parts).replace("\\", "")


def verdict_shown(at: AppTest, task: str, frame: str = "**Verdict: {}**") -> str:
    """The verdict kind the page names in ``frame`` (the Diagnosis page's box; the Report's headline is
    ``"#### {}"``), in the task's words; no binary classifier's label that differs from the task's is shown
    anywhere (the verdict, the findings also found)."""
    text = texts(at) + "\n" + "\n".join(h.value for h in at.subheader)
    kinds = [k for k in VERDICTS if frame.format(verdict_label(k, task)) in text]
    assert len(kinds) == 1, text
    for kind in VERDICTS:
        binary = VERDICT_LABELS[kind]
        assert binary == verdict_label(kind, task) or binary not in text, binary
    return kinds[0]


@cache
def view(name: str, task: str):
    """Reference and the tested batch of a scenario's model of ``task``: the tables the app loaded (its
    cache layer's :func:`ui.cache.scenario_view`, equal to ``load_scenario(name).with_task(task)``)."""
    sc = ui_cache.scenario_view(name, task)
    return sc.reference, sc.get_batch(PRICING_BATCH if name == "pricing" else SENTIMENT_BATCH)


# --- the choice of model ---------------------------------------------------------------------------------
def test_the_models_offered_are_the_scenarios_models() -> None:
    """The sidebar's labels name exactly the tasks ``Scenario.available_tasks`` offers, own model first."""
    for name, labels in data.SCENARIO_MODELS.items():
        kwargs = {"n_weeks": 2, "rows_per_week": 200} if name == "pricing" else {}
        assert tuple(labels) == load_scenario(name, **kwargs).available_tasks(), name
    assert data.scenario_models("credit") == {}        # the sidebar draws no Model choice for it


def test_the_sidebar_switches_pricing_to_its_regression_model() -> None:
    at = new_app(**{state.SCENARIO: "pricing"})
    select = at.selectbox(key=state.SCENARIO_TASK)
    assert select.value == "binary" and select.options == list(data.SCENARIO_MODELS["pricing"].values())
    select.set_value("regression").run()
    at = open_page(at, DATA)
    assert not errors(at)
    assert "**Regression model** · target `units_sold` · forecast `units_forecast`" in texts(at)
    assert "Switch between them with **Model** in the sidebar" in texts(at)
    # back to the scenario's own model: the Data page follows
    at.selectbox(key=state.SCENARIO_TASK).set_value("binary").run()
    assert "**Binary classifier** · target `converted`" in texts(at)


# --- pricing: the regression model -----------------------------------------------------------------------
def test_diagnosis_of_the_pricing_regression_model() -> None:
    reference, rows = view("pricing", "regression")
    expected = drift.regression_performance_change(reference["units_sold"], reference["units_forecast"],
                                                   rows["units_sold"], rows["units_forecast"], rng=0)
    forecasts = drift.forecast_drift(reference["units_forecast"], rows["units_forecast"], alpha=0.05, bins=10)
    at = run_all_steps(open_page(view_app("pricing", "regression", PRICING_BATCH), DIAGNOSIS))
    assert "model: units sold (regression)" in texts(at), "every page's source line names the model"
    kind = verdict_shown(at, "regression")
    assert any(h.value == verdict_label(kind, "regression") for h in at.subheader), "the verdict card"
    shown = metrics(at)
    for label, metric in (("MAE", "mae"), ("RMSE", "rmse"), ("R²", "r2"),
                          ("Bias (mean error)", "mean_error")):
        assert shown[label] == f"{expected.table.loc[metric, 'current']:.3f}", label
    assert shown["Forecast PSI"] == f"{forecasts.psi.statistic:.3f}"
    assert shown["Mean forecast"] == f"{forecasts.mean_current:.4g}"
    # the step figures of a binary score are not shown for this model: no "Mean score", no 0.5 threshold
    assert "Mean score" not in shown and "Predicted positive" not in shown
    table = table_with(at, "Interval low").set_index("Metric")
    assert list(table.index) == ["MAE", "RMSE", "R²", "Bias (mean error)"]   # MAPE: the target has zeros
    assert "MAPE undefined" in texts(at)
    assert table.loc["MAE", "Interval low"] == pytest.approx(expected.table.loc["mae", "lo"])
    types = trace_types(at)
    assert "scattergl" in types, "the predicted-vs-actual scatter"
    assert "Points drawn: reference 5,000 of 26,000 rows (a seeded random sample)" in texts(at)
    # labels off: the performance is estimated (direct loss estimation), said so
    at.toggle(key=state.DIAG_LABELS).set_value(False).run()
    assert not errors(at)
    assert {"Estimated MAE", "Estimated RMSE"} <= set(metrics(at))
    assert "No production labels: performance is *estimated*" in texts(at)


def test_report_of_the_pricing_regression_model() -> None:
    at = open_page(view_app("pricing", "regression", PRICING_BATCH), REPORT)
    assert not errors(at)
    verdict_shown(at, "regression", "#### {}")                        # the summary's headline
    assert not [n for n in at.number_input if n.key and n.key.startswith(state.IMPACT_DECISIONS)], \
        "the calculator asks for a binary classifier's figures"
    assert [n.label for n in at.number_input if n.key in (state.IMPACT_VOLUME, state.IMPACT_COST_OVER,
                                                          state.IMPACT_COST_UNDER)] == [
        "Forecasts per month", "Cost per unit over-forecast ($)", "Cost per unit under-forecast ($)"]
    reference, rows = view("pricing", "regression")
    info = drift.infer_task(reference, rows, "units_sold", "units_forecast", task="regression")
    expected = drift.task_business_impact(reference, rows, info, rng=0)
    shown = metrics(at)
    assert shown["Total change / quarter"] == expected.figure(expected.total)
    assert shown["Under-forecast / quarter"] == expected.figure(expected.under_forecast)
    assert expected.sentence.replace("\\", "") in texts(at)          # "What it costs" in the summary
    assert "MAE" in metrics(at)
    assert "are not in them yet" in texts(at)
    assert len(at.get("download_button")) == 2
    at.number_input(key=state.IMPACT_COST_UNDER).set_value(8.0).run()   # a figure of the user's
    assert not errors(at)
    priced = drift.task_business_impact(reference, rows, info, drift.regression_inputs(cost_per_unit_under=8),
                                        rng=0)
    assert metrics(at)["Total change / quarter"] == priced.figure(priced.total)


# --- sentiment: the multiclass model ---------------------------------------------------------------------
def test_diagnosis_of_the_sentiment_multiclass_model() -> None:
    reference, rows = view("sentiment", "multiclass")
    classes = ("negative", "neutral", "positive")
    cols = [f"proba_{c}" for c in classes]
    expected = drift.multiclass_performance_change(
        reference["sentiment"], reference["predicted_sentiment"], rows["sentiment"],
        rows["predicted_sentiment"],
        reference_probabilities=reference[cols], current_probabilities=rows[cols], classes=classes, rng=0)
    at = run_all_steps(open_page(view_app("sentiment", "multiclass", SENTIMENT_BATCH), DIAGNOSIS))
    kind = verdict_shown(at, "multiclass")
    assert any(h.value == verdict_label(kind, "multiclass") for h in at.subheader), "the verdict card"
    shown = metrics(at)
    assert shown["Accuracy"] == f"{expected.current.accuracy:.3f}"
    assert shown["Macro-F1"] == f"{expected.current.macro_f1:.3f}"
    assert "3 classes: `negative`, `neutral`, `positive`" in texts(at)
    heatmaps = [t for fig in figures(at) for t in fig.data if t.type == "heatmap"]
    assert len(heatmaps) == 2, "reference and current confusion matrices"
    counts = expected.current.confusion.to_numpy(dtype=float)
    assert np.allclose(array(heatmaps[1].z), counts / counts.sum(axis=1, keepdims=True))
    per_class = table_with(at, "Recall change").set_index("Class")
    assert per_class.loc["negative", "Recall (production)"] == pytest.approx(
        expected.current.per_class.set_index("class").loc["negative", "recall"])


def test_data_and_report_of_the_sentiment_multiclass_model() -> None:
    at = open_page(view_app("sentiment", "multiclass", SENTIMENT_BATCH), DATA)
    assert not errors(at)
    assert ("**Multiclass classifier** · target `sentiment` · predicted class `predicted_sentiment`"
            in texts(at))
    at = open_page(at, REPORT)
    assert not errors(at)
    assert {"Accuracy", "Macro-F1", "Class-share PSI"} <= set(metrics(at))
    reference, rows = view("sentiment", "multiclass")
    expected = drift.task_business_impact(reference, rows, drift.infer_task(reference, rows, "sentiment",
                                                                            "predicted_sentiment"), rng=0)
    assert metrics(at)["Model error / quarter"] == expected.figure(expected.model_error)
    assert "Changed class mix / quarter" in metrics(at)
    editors = [d for d in at.dataframe if str(getattr(d, "key", "")).startswith(state.IMPACT_COST_MATRIX)]
    assert len(editors) == 1, "the editable cost matrix"
    assert editors[0].value.loc["negative", "positive"] == 1.0       # every error costs 1 until edited


# --- an upload with a numeric target ---------------------------------------------------------------------
def regression_side(n: int, shift: float, seed: int, *, counts: bool = False) -> pd.DataFrame:
    gen = np.random.default_rng(seed)
    x = gen.normal(shift, 1, n)
    signal = 6 + 1.5 * x
    noise = gen.normal(0, 1, n)
    y = np.clip(np.round(signal + noise), 0, 12) if counts else signal * 10 + 3 * noise
    return pd.DataFrame({"x": x.round(3), "region": gen.choice(["north", "south", "east"], n),
                         "z": gen.normal(0, 1, n).round(3), "target": np.round(y, 2),
                         "prediction": np.round(signal if counts else signal * 10, 2)})


@pytest.fixture()
def regression_files(tmp_path: Path) -> tuple[Path, Path]:
    paths = (tmp_path / "sales_reference.csv", tmp_path / "sales_production.csv")
    regression_side(1500, 0.0, 1).to_csv(paths[0], index=False)
    regression_side(800, 0.6, 2).to_csv(paths[1], index=False)
    return paths


def task_select(at: AppTest):
    return next(s for s in at.selectbox if s.key and s.key.startswith(state.TASK_OVERRIDE))


def test_upload_with_a_numeric_target(regression_files: tuple[Path, Path]) -> None:
    ref, cur = (pd.read_csv(p) for p in regression_files)
    expected = drift.regression_performance_change(ref["target"], ref["prediction"], cur["target"],
                                                   cur["prediction"], rng=0)
    at = open_page(upload(new_app(), *regression_files), DATA)
    assert not errors(at)
    assert "**Regression model** · target `target` · forecast `prediction`" in texts(at)
    assert task_select(at).value == model.INFERRED
    # a contradicted override: the library's message, and the app keeps the inferred task
    task_select(at).set_value("binary").run()
    assert any("'task' parameter of infer_task is 'binary'" in e and "The inferred task (regression) is used "
               "instead." in e for e in errors(at)), errors(at)
    assert "**Regression model**" in texts(at)
    at = open_page(at, DIAGNOSIS)
    assert "MAE" in metrics(at)
    at = open_page(at, DATA)
    task_select(at).set_value(model.INFERRED).run()
    assert not errors(at)

    at = run_all_steps(open_page(at, DIAGNOSIS))
    assert metrics(at)["MAE"] == f"{expected.table.loc['mae', 'current']:.3f}"
    assert "scattergl" in trace_types(at)
    at = open_page(at, REPORT)
    assert not errors(at)
    assert {"Over-forecast / quarter", "Under-forecast / quarter",
            "Total change / quarter"} <= set(metrics(at))


def test_upload_of_counts_with_a_fractional_forecast_is_a_regression(tmp_path: Path) -> None:
    """A few integer values (counts) with a fractional forecast: read as a regression, the way
    ``drift.diagnose`` reads it (one rule, :func:`drift.diagnosis.task_steps.resolve_task`); the Diagnosis
    shows the regression metrics."""
    paths = (tmp_path / "units_reference.csv", tmp_path / "units_production.csv")
    regression_side(1500, 0.0, 3, counts=True).to_csv(paths[0], index=False)
    regression_side(800, 0.0, 4, counts=True).to_csv(paths[1], index=False)
    at = open_page(upload(new_app(), *paths), DATA)
    assert not errors(at)
    assert "**Regression model**" in texts(at)
    at = open_page(at, DIAGNOSIS)
    assert "MAE" in metrics(at)


# --- the pieces, against hand computations ---------------------------------------------------------------
def test_confusion_matrices_are_row_normalised_with_counts() -> None:
    labels = pd.Index(["a", "b"], name="true")
    ref = pd.DataFrame([[3, 1], [0, 4]], index=labels, columns=pd.Index(["a", "b"], name="predicted"))
    cur = pd.DataFrame([[1, 1], [0, 0]], index=labels, columns=pd.Index(["a", "b"], name="predicted"))
    fig = charts.confusion_matrices(ref, cur)
    assert np.allclose(fig.data[0].z, [[0.75, 0.25], [0.0, 1.0]])
    assert np.allclose(fig.data[1].z[0], [0.5, 0.5]) and np.isnan(fig.data[1].z[1]).all()  # no true "b"
    assert np.array_equal(fig.data[0].customdata, [[3, 1], [0, 4]])
    assert fig.data[0].text[0][0] == "75%<br>(3)"


def test_regression_charts_draw_each_side() -> None:
    sample = pd.DataFrame({"side": ["reference"] * 3 + ["current"] * 2, "actual": [1.0, 2, 3, 4, 5],
                           "predicted": [1.5, 2, 2, 6, 5]})
    fig = charts.predicted_vs_actual(sample, target="units")
    points = [t for t in fig.data if t.type == "scattergl"]
    assert [len(t.x) for t in points] == [3, 2]
    assert list(points[1].y) == [6, 5]
    hist = charts.residual_histograms(sample)
    bars = [t for t in hist.data if t.type == "bar"]
    assert [round(float(sum(b.y)), 9) for b in bars] == [1.0, 1.0]       # shares of each side's rows
    means = [a.text for a in hist.layout.annotations if a.text.startswith("mean")]
    assert means == ["mean -0.167", "mean +1"]   # forecast − actual: (0.5 + 0 − 1) / 3 and (2 + 0) / 2


def test_the_model_sample_is_capped_seeded_and_said() -> None:
    ctx = ui_cache.scenario_context("pricing", "{}", {}, "regression")
    assert ctx.task is not None and ctx.task.task == "regression"
    first = ui_cache.model_sample(ctx, PRICING_BATCH, 0, 300)
    again = ui_cache.model_sample(ctx, PRICING_BATCH, 0, 300)
    other = ui_cache.model_sample(ctx, PRICING_BATCH, 1, 300)
    assert first["side"].value_counts().to_dict() == {"reference": 300, "current": 300}
    assert first.attrs["rows"] == {"reference": len(ctx.reference), "current": len(ctx.rows(PRICING_BATCH))}
    pd.testing.assert_frame_equal(first, again)
    assert not first.equals(other)


def test_multiclass_upload_with_labels_from_the_file_shown_as_text(tmp_path: Path) -> None:
    """Class labels and column names come from the file: the page shows them as text (code spans), and the
    confusion matrices of an upload are drawn."""
    hostile = "<img src=x onerror=alert(1)>"
    classes = ["low", "mid", hostile]
    paths = (tmp_path / "tier_reference.csv", tmp_path / "tier_production.csv")
    for path, n, seed in ((paths[0], 900, 5), (paths[1], 600, 6)):
        gen = np.random.default_rng(seed)
        x = gen.normal(0, 1, n)
        truth = np.digitize(x + gen.normal(0, 0.5, n), [-0.5, 0.5])
        pd.DataFrame({"x": x.round(3), "z": gen.normal(0, 1, n).round(3),
                      "target": np.array(classes)[truth],
                      "prediction": np.array(classes)[np.digitize(x, [-0.5, 0.5])]}).to_csv(path, index=False)
    at = open_page(upload(new_app(), *paths), DATA)
    assert not errors(at)
    shown = "\n".join(m.value for m in at.markdown)
    assert "**Multiclass classifier**" in shown and safe.code(hostile) in shown
    assert hostile not in shown.replace(safe.code(hostile), ""), "a label reached Markdown unescaped"
    at = open_page(at, DIAGNOSIS)
    assert {"Accuracy", "Macro-F1"} <= set(metrics(at))
    heatmaps = [t for fig in figures(at) for t in fig.data if t.type == "heatmap"]
    assert len(heatmaps) == 2 and list(heatmaps[0].x) == [safe.plot(hostile), "low", "mid"]  # sorted


def test_a_task_aware_diagnosis_is_recognised() -> None:
    """The pages stop saying "the diagnosis does not read this model yet" once ``Diagnosis.task`` carries the
    data's task (the task-aware ``drift.diagnose``); a diagnosis without it, or of another task, does not."""
    ctx = ui_cache.scenario_context("pricing", "{}", {}, "regression")
    assert model.diagnosis_reads_task(ctx, SimpleNamespace(task=ctx.task))
    assert not model.diagnosis_reads_task(ctx, SimpleNamespace())
    binary = drift.TaskInfo("binary", None, "y", None)
    assert not model.diagnosis_reads_task(ctx, SimpleNamespace(task=binary))


def test_timeline_of_the_sentiment_multiclass_model() -> None:
    """The Timeline monitors the multiclass model in its own metrics (predicted-class shares, accuracy and
    macro-F1, the task-aware ``monitor``): the page runs them, instead of failing on the predicted labels
    (text) or leaving the model's detectors out."""
    at = open_page(view_app("sentiment", "multiclass", SENTIMENT_BATCH), "pages/timeline.py")
    assert not errors(at)
    assert "not available yet" not in texts(at)
    assert "Batches monitored" in metrics(at)
    charts = " ".join(json.dumps(c.proto.spec) for c in at.get("plotly_chart"))
    assert "macro-F1" in charts or "accuracy" in charts

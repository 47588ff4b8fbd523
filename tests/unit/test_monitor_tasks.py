"""monitor() for regression and multiclass models: task metrics against direct computations, weighted
statistics against repeated rows, seeded calibration, false alarms on real data, degenerate batches and
the history store."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import ks_2samp
from sklearn.metrics import accuracy_score, f1_score, mean_absolute_error, root_mean_squared_error

from drift.core.errors import DriftParameterError
from drift.data.scenarios.realdata import load_real, random_halves
from drift.data.task import infer_task
from drift.model.class_estimation import expected_class_metrics, fit_class_calibration
from drift.model.loss_estimation import estimated_regression_performance, fit_loss_model
from drift.model.prediction_tasks import class_prediction_drift, forecast_drift
from drift.monitoring.monitor import monitor
from drift.monitoring.store import HistoryStore
from drift.monitoring.task_outputs import (
    TaskOutputs,
    class_scores,
    expected_scores,
    regression_errors,
    weighted_ks,
    weighted_psi,
)

MODEL = ("prediction", "performance", "estimated_performance")
CLASSES = ("neg", "neu", "pos")


def regression_frame(n: int, gen: np.random.Generator, shift: float = 0.0) -> pd.DataFrame:
    x1, x2 = gen.normal(shift, 1, n), gen.choice(["a", "b", "c"], n)
    y = 3 + 2 * x1 + (x2 == "b") + gen.normal(0, 1 + 0.5 * np.abs(x1), n)
    return pd.DataFrame({"x1": x1, "x2": x2, "y": y, "f": 3 + 1.9 * x1 + 0.4})


def multiclass_frame(n: int, gen: np.random.Generator, shift: float = 0.0) -> pd.DataFrame:
    x1, x2 = gen.normal(shift, 1, n), gen.normal(0, 1, n)
    logits = np.column_stack([-x1, 0.3 * x2, x1])
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    y = (gen.random(n)[:, None] > p.cumsum(axis=1)[:, :-1]).sum(axis=1)
    frame = pd.DataFrame({"x1": x1, "x2": x2, "y": np.asarray(CLASSES)[y],
                          "pred": np.asarray(CLASSES)[p.argmax(axis=1)]})
    for j, c in enumerate(CLASSES):
        frame[f"proba_{c}"] = p[:, j]
    return frame


def clean_and_moved(make, seed: int, prediction: str):
    """A 1,500-row reference, a clean and a moved 400-row batch of ``make``, and their monitoring."""
    gen = np.random.default_rng(seed)
    ref = make(1500, gen)
    batches = [("clean", make(400, gen)), ("moved", make(400, gen, shift=1.0))]
    res = monitor(ref, batches, target="y", prediction=prediction, detectors=MODEL, n_calibration=10, rng=3)
    return ref, batches, res


@pytest.fixture(scope="module")
def regression_run():
    return clean_and_moved(regression_frame, 1, "f")


@pytest.fixture(scope="module")
def multiclass_run():
    return clean_and_moved(multiclass_frame, 2, "pred")


def test_regression_batch_metrics_equal_direct_computations(regression_run):
    ref, batches, res = regression_run
    assert res.params["task"] == "regression" and any("task regression (inferred" in n for n in res.notes)
    wide = res.wide()
    assert list(wide.columns) == ["n_rows", "prediction_psi", "prediction_ks", "mae", "rmse", "abs_bias",
                                  "estimated_mae", "estimated_rmse"]
    loss = fit_loss_model(ref, target="y", prediction="f", features=["x1", "x2"], rng=3)
    for label, frame in batches:
        row = wide.loc[label]
        assert row["mae"] == pytest.approx(mean_absolute_error(frame["y"], frame["f"]), rel=1e-12)
        assert row["rmse"] == pytest.approx(root_mean_squared_error(frame["y"], frame["f"]), rel=1e-12)
        assert row["abs_bias"] == pytest.approx(abs((frame["f"] - frame["y"]).mean()), rel=1e-12)
        assert row["prediction_psi"] == pytest.approx(forecast_drift(ref["f"], frame["f"]).psi.statistic,
                                                      rel=1e-12)
        assert row["prediction_ks"] == pytest.approx(ks_2samp(ref["f"], frame["f"]).statistic, rel=1e-12)
        est = estimated_regression_performance(None, frame, target="y", prediction="f", loss_model=loss)
        assert row["estimated_mae"] == pytest.approx(est.estimate("mae"), rel=1e-9)
        assert row["estimated_rmse"] == pytest.approx(est.estimate("rmse"), rel=1e-9)
    assert res.reference["mae"] == pytest.approx(mean_absolute_error(ref["y"], ref["f"]), rel=1e-12)
    # direction declared once: a larger error is worse, so thresholds sit above the reference's value
    m = res.metrics.set_index(["batch", "metric"])
    for metric in ("mae", "rmse", "estimated_mae"):
        assert m.loc[("clean", metric), "direction"] == "up"
        assert m.loc[("clean", metric), "threshold"] > res.reference[metric]
    assert res.detector_alerts().loc["moved", "prediction"]        # the forecasts moved with x1


def test_multiclass_batch_metrics_equal_direct_computations(multiclass_run):
    ref, batches, res = multiclass_run
    assert res.params["task"] == "multiclass"
    wide = res.wide()
    assert list(wide.columns) == ["n_rows", "prediction_psi", "accuracy", "macro_f1", "estimated_accuracy",
                                  "estimated_macro_f1"]
    assert not any(c.startswith("proba_") for c in res.params["features"])    # model outputs, not features
    probs = [f"proba_{c}" for c in CLASSES]
    calibration = fit_class_calibration(ref["y"], ref[probs], classes=CLASSES, rng=3)
    for label, frame in batches:
        row = wide.loc[label]
        assert row["accuracy"] == pytest.approx(accuracy_score(frame["y"], frame["pred"]), rel=1e-12)
        assert row["macro_f1"] == pytest.approx(f1_score(frame["y"], frame["pred"], average="macro"),
                                                rel=1e-12)
        assert row["prediction_psi"] == pytest.approx(
            class_prediction_drift(ref["pred"], frame["pred"]).psi.statistic, rel=1e-12)
        p = frame[probs].to_numpy()
        expected = expected_class_metrics(calibration.calibrate(p), p.argmax(axis=1))
        assert row["estimated_accuracy"] == pytest.approx(expected[0], rel=1e-12)
        assert row["estimated_macro_f1"] == pytest.approx(expected[1], rel=1e-12)
    m = res.metrics.set_index(["batch", "metric"])
    assert m.loc[("clean", "accuracy"), "direction"] == "down"
    assert m.loc[("clean", "accuracy"), "threshold"] < res.reference["accuracy"]
    assert res.detector_alerts().loc["moved", "prediction"]


@pytest.mark.parametrize("ties", [False, True])
def test_weighted_ks_of_a_null_draw_equals_the_general_lookup(ties):
    """The null-draw path (both sides weigh the same sorted values) gives the general path's D bit for
    bit, and ks_2samp's on the rows repeated."""
    gen = np.random.default_rng(8)
    values = np.sort(gen.integers(0, 12, 2_000).astype(float) if ties else gen.normal(0, 1, 2_000))
    for _ in range(20):
        w, c = gen.integers(0, 3, values.size).astype(float), gen.integers(0, 2, values.size).astype(float)
        fast, general = weighted_ks(values, w, values, c), weighted_ks(values, w, values.copy(), c)
        assert fast == general
        assert fast == pytest.approx(ks_2samp(np.repeat(values, w.astype(int)),
                                              np.repeat(values, c.astype(int))).statistic, rel=1e-12)


def test_weighted_statistics_equal_the_rows_repeated():
    gen = np.random.default_rng(5)
    a, b = np.sort(gen.normal(0, 1, 300)), np.sort(gen.normal(0.3, 1, 200))
    wa, wb = gen.integers(0, 3, a.size), gen.integers(0, 3, b.size)
    ra, rb = np.repeat(a, wa), np.repeat(b, wb)
    assert weighted_ks(a, wa.astype(float), b, wb.astype(float)) == pytest.approx(ks_2samp(ra, rb).statistic)
    assert weighted_psi(a, wa.astype(float), b, wb.astype(float)) == pytest.approx(
        forecast_drift(ra, rb).psi.statistic)
    y, f = gen.normal(0, 1, 300), gen.normal(0, 1, 300)
    ry, rf = np.repeat(y, wa), np.repeat(f, wa)
    mae, rmse, bias = regression_errors(y, f, wa.astype(float))
    assert (mae, rmse, bias) == pytest.approx((mean_absolute_error(ry, rf), root_mean_squared_error(ry, rf),
                                               abs(np.mean(rf - ry))))
    yc, pc = gen.integers(0, 3, 300), gen.integers(0, 3, 300)
    acc, f1 = class_scores(yc, pc, wa.astype(float), 3)
    assert (acc, f1) == pytest.approx((accuracy_score(np.repeat(yc, wa), np.repeat(pc, wa)),
                                       f1_score(np.repeat(yc, wa), np.repeat(pc, wa), average="macro")))
    # a class absent from both labels and predictions does not count in the macro average (sklearn's labels)
    assert class_scores(yc, pc, wa.astype(float), 5)[1] == pytest.approx(f1)
    q = gen.dirichlet([1, 1, 1], 300)
    assert expected_scores(q, pc, wa.astype(float)) == pytest.approx(
        tuple(expected_class_metrics(np.repeat(q, wa, axis=0), np.repeat(pc, wa))))


@pytest.mark.parametrize("split", [True, False])
def test_a_null_draw_equals_the_direct_computation_on_its_rows(split):
    """Rule 1: a chunk of reference rows against the pseudo-reference (the other rows when ``split``, a
    bootstrap otherwise), performance as the change -- the numbers of sklearn / scipy / forecast_drift on
    the rows repeated by their weights."""
    gen = np.random.default_rng(11)
    ref = regression_frame(800, gen)
    info = infer_task(ref, None, "y", "f")
    outputs = TaskOutputs(ref, info, features=["x1", "x2"], detectors={"prediction", "performance"}, seed=0)
    if split:
        chunk = gen.choice(800, 200, replace=False)
        pseudo = np.ones(800, dtype=np.int64)
        pseudo[chunk] = 0
    else:
        chunk, pseudo = gen.integers(0, 800, 200), np.bincount(gen.integers(0, 800, 800), minlength=800)
    values = outputs.null(chunk, pseudo, {"prediction", "performance"}, split)
    a, b = ref.iloc[chunk], ref.loc[ref.index.repeat(pseudo)]
    assert values["mae"] == pytest.approx(mean_absolute_error(a["y"], a["f"])
                                          - mean_absolute_error(b["y"], b["f"]))
    assert values["rmse"] == pytest.approx(root_mean_squared_error(a["y"], a["f"])
                                           - root_mean_squared_error(b["y"], b["f"]))
    assert values["prediction_psi"] == pytest.approx(forecast_drift(b["f"], a["f"]).psi.statistic)
    assert values["prediction_ks"] == pytest.approx(ks_2samp(b["f"], a["f"]).statistic)


def test_calibration_draws_are_reproducible_with_a_seed(regression_run):
    ref, batches, res = regression_run
    again = monitor(ref, batches, target="y", prediction="f", detectors=MODEL, n_calibration=10, rng=3)
    pd.testing.assert_frame_equal(res.calibration, again.calibration)
    pd.testing.assert_frame_equal(res.metrics, again.metrics)
    other = monitor(ref, batches, target="y", prediction="f", detectors=("performance",), n_calibration=10,
                    rng=4)
    mine = res.calibration.set_index("metric").loc["mae", "threshold"]
    assert other.calibration.set_index("metric").loc["mae", "threshold"] != mine


def test_a_clean_split_of_a_real_table_alerts_rarely():
    """Random halves of NOAA hourly weather (temperature from humidity, dew point, wind, pressure): the
    current half cut into 6 batches, 3 model detectors each at quantile 0.95: about 1 alert expected."""
    from sklearn.linear_model import LinearRegression
    from sklearn.model_selection import cross_val_predict

    frame = load_real("nyc_weather")
    features = ["dewp", "humid", "wind_speed", "pressure", "visib"]
    frame = frame.dropna(subset=[*features, "temp"]).reset_index(drop=True)
    reference, current = random_halves(frame, rng=0)
    model = LinearRegression()
    reference = reference.assign(forecast=cross_val_predict(model, reference[features], reference["temp"],
                                                            cv=5))
    current = current.assign(forecast=model.fit(reference[features], reference["temp"]).predict(
        current[features]))
    shuffled = current.sample(frac=1, random_state=0).reset_index(drop=True)
    cuts = np.array_split(np.arange(len(shuffled)), 6)
    batches = [(f"b{i}", shuffled.iloc[cut]) for i, cut in enumerate(cuts)]
    res = monitor(reference, batches, target="temp", prediction="forecast", detectors=MODEL, n_calibration=20,
                  rng=0)
    assert res.params["task"] == "regression"
    alerts = res.detector_alerts()
    assert alerts.shape == (6, 3)
    assert int(alerts.to_numpy().sum()) <= 3, alerts


def test_degenerate_batches_give_nan_with_a_reason(regression_run, multiclass_run):
    ref, batches, _ = regression_run
    clean = batches[0][1]
    unlabelled = clean.assign(y=np.nan)
    constant = clean.assign(f=4.0)
    res = monitor(ref, [("nolabels", unlabelled), ("constant", constant),
                        ("nocolumn", clean.drop(columns="y"))],
                  target="y", prediction="f", detectors=MODEL, n_calibration=5, rng=0)
    wide = res.wide()
    assert np.isnan(wide.loc["nolabels", "mae"]) and np.isnan(wide.loc["nocolumn", "rmse"])
    assert np.isfinite(wide.loc["nolabels", "estimated_mae"])           # no label needed
    assert any("'nolabels': realised performance not measured: 0 labelled" in n for n in res.notes)
    assert any("'constant': the forecast is constant (4)" in n for n in res.notes)
    assert np.isfinite(wide.loc["constant", "prediction_psi"]) and wide.loc["constant", "prediction_ks"] > 0.4
    assert not res.metrics.loc[res.metrics["value"].isna(), "alert"].any()

    ref, batches, _ = multiclass_run
    clean = batches[0][1]
    no_pos = clean[clean["y"] != "pos"].reset_index(drop=True)
    res = monitor(ref, [("no_pos", no_pos), ("nolabels", clean.assign(y=None))], target="y",
                  prediction="pred", detectors=MODEL, n_calibration=5, rng=0)
    wide = res.wide()
    assert wide.loc["no_pos", "macro_f1"] == pytest.approx(f1_score(no_pos["y"], no_pos["pred"],
                                                                    average="macro"))
    assert any("'no_pos': class 'pos' absent from its labels" in n for n in res.notes)
    assert np.isnan(wide.loc["nolabels", "accuracy"])
    assert np.isfinite(wide.loc["nolabels", "estimated_accuracy"])


def test_task_is_overridable_and_checked(multiclass_run):
    ref, batches, _ = multiclass_run
    with pytest.raises(DriftParameterError, match="'task' parameter of monitor"):
        monitor(ref, batches, target="y", prediction="pred", task="ordinal")
    with pytest.raises(DriftParameterError, match="task"):
        monitor(ref, batches, target="y", prediction="pred", task="regression", detectors=MODEL)
    gen = np.random.default_rng(0)
    counts = pd.DataFrame({"x": gen.normal(0, 1, 600), "y": gen.integers(0, 6, 600)})
    counts["f"] = counts["y"] + gen.normal(0, 0.5, 600)
    res = monitor(counts, [("b", counts.iloc[:200])], target="y", prediction="f", detectors=MODEL,
                  n_calibration=5)
    assert res.params["task"] == "binary" and any("task not inferred" in n for n in res.notes)
    res = monitor(counts, [("b", counts.iloc[:200])], target="y", prediction="f", detectors=MODEL,
                  n_calibration=5, task="regression")
    assert res.params["task"] == "regression" and "mae" in res.wide().columns


def test_the_history_store_keeps_the_task_metrics(tmp_path, regression_run, multiclass_run):
    store = HistoryStore(tmp_path / "history.sqlite")
    for _, _, res in (regression_run, multiclass_run):
        run = store.record_monitor(res, reference_name="ref")
        stored = store.wide(run)
        pd.testing.assert_frame_equal(stored, res.wide(), check_names=False, check_dtype=False)
        assert store.runs().set_index("id").loc[run, "params"]["task"] == res.params["task"]


def test_in_sample_reference_forecasts_get_a_note():
    """A reference scored in sample (its forecasts far closer to the target than any batch's): every
    batch's MAE above the reference's, beyond the calibrated noise -- the note says what that looks like."""
    gen = np.random.default_rng(7)
    ref = regression_frame(1000, gen)
    ref["f"] = ref["y"] + gen.normal(0, 0.3, len(ref))
    batches = [(f"b{i}", regression_frame(200, gen)) for i in range(3)]
    res = monitor(ref, batches, target="y", prediction="f", detectors=("performance",), n_calibration=5)
    assert any("every batch's MAE is above the reference's" in n for n in res.notes), res.notes
    honest = monitor(regression_frame(1000, gen), batches, target="y", prediction="f",
                     detectors=("performance",), n_calibration=5)
    assert not any("every batch's" in n for n in honest.notes)

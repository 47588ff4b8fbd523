"""diagnose() for regression and multiclass models: the task is read, the prediction and concept evidence
equal independent computations, degenerate input is noted, and the verdict follows the injected truth."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.metrics import (
    accuracy_score,
    f1_score,
    log_loss,
    mean_absolute_error,
    r2_score,
    root_mean_squared_error,
)

import drift
from drift.core import decisions
from drift.diagnosis.task_steps import mean_change, resolve_task
from drift.model.class_estimation import estimated_multiclass_performance
from drift.model.concept_tasks import multiclass_concept_drift_test, regression_concept_drift_test
from drift.model.loss_estimation import estimated_regression_performance

CLASSES = ("neg", "neu", "pos")
PROBA = [f"proba_{c}" for c in CLASSES]
FAST = ("prediction", "concept")


def _concept_seed(rng: int = 0) -> int:
    """The seed diagnose() hands its concept step (the first of its four child seeds)."""
    return int(np.random.default_rng(rng).integers(0, 2**31 - 1, size=4)[0])


# ------------------------------------------------------------------------------------------ frames
def regression_frame(n: int, seed: int, *, slope: float = 1.0, offset: float = 0.0, noise: float = 1.0,
                     x_shift: float = 0.0) -> pd.DataFrame:
    """y = slope * f + offset + noise, with the forecast f = 10 + 2 x1 + x2 (what the model learnt)."""
    gen = np.random.default_rng(seed)
    x1, x2 = gen.normal(x_shift, 1, n), gen.normal(0, 1, n)
    f = 10 + 2 * x1 + x2
    y = slope * f + offset + (1 - slope) * 10 + gen.normal(0, noise, n)
    return pd.DataFrame({"x1": x1, "x2": x2, "segment": gen.choice(["a", "b"], n), "y": y, "f": f})


def multiclass_frame(n: int, seed: int, *, temperature: float = 1.0, bias=(0.0, 0.0, 0.0),
                     drop: str | None = None) -> pd.DataFrame:
    """Three classes drawn from softmax(logits / temperature + bias); the model's probabilities are
    softmax(logits), its prediction their argmax.  temperature != 1 changes P(y | x) (concept drift); a bias
    changes the class shares at equal inputs."""
    gen = np.random.default_rng(seed)
    x1, x2 = gen.normal(0, 1, n), gen.normal(0, 1, n)
    logits = np.column_stack([-1.5 * x1, 0.3 + 0 * x1, 1.5 * x1 + 0.5 * x2])
    model = np.exp(logits - logits.max(axis=1, keepdims=True))
    model /= model.sum(axis=1, keepdims=True)
    true = np.exp(logits / temperature + np.asarray(bias))
    true /= true.sum(axis=1, keepdims=True)
    y = np.array(CLASSES, dtype=object)[(gen.random(n)[:, None] > true.cumsum(axis=1)[:, :-1]).sum(axis=1)]
    frame = pd.DataFrame({"x1": x1, "x2": x2, "sentiment": y,
                          "predicted": np.array(CLASSES, dtype=object)[model.argmax(axis=1)]})
    for j, col in enumerate(PROBA):
        frame[col] = model[:, j]
    return frame if drop is None else frame[frame["sentiment"] != drop].reset_index(drop=True)


@pytest.fixture(scope="module")
def reg_ref():
    return regression_frame(800, 0)


@pytest.fixture(scope="module")
def mc_ref():
    return multiclass_frame(1500, 0)


# ------------------------------------------------------------------------------------------- task
def test_the_task_is_inferred_overridable_and_carried(reg_ref, mc_ref):
    d = drift.diagnose(reg_ref, regression_frame(300, 1), target="y", prediction="f", steps=(), rng=0)
    assert d.task.task == "regression" and d.task.prediction_kind == "forecast"
    assert d.to_dict()["task"]["task"] == "regression"
    m = drift.diagnose(mc_ref, multiclass_frame(300, 1), target="sentiment", prediction="predicted",
                       steps=(), rng=0)
    assert m.task.task == "multiclass" and m.task.classes == CLASSES
    assert not set(PROBA) & set(m.schema.features)            # model outputs, not features
    assert drift.diagnose(reg_ref.drop(columns=["y", "f"]), regression_frame(300, 1).drop(columns=["y", "f"]),
                          steps=(), rng=0).task is None
    with pytest.raises(drift.DriftParameterError, match="'task'.*'binary'.*3 distinct"):
        drift.diagnose(mc_ref, multiclass_frame(300, 1), target="sentiment", task="binary", steps=())
    with pytest.raises(drift.DriftParameterError, match="regression"):
        drift.diagnose(mc_ref, multiclass_frame(300, 1), target="sentiment", task="regression", steps=())


def test_integer_counts_with_a_fractional_forecast_are_a_regression():
    gen = np.random.default_rng(3)
    f = gen.uniform(0.5, 6, 400)
    frame = pd.DataFrame({"x": f, "units": gen.poisson(f), "forecast": f})
    info, problem = resolve_task(frame, frame, "units", "forecast")
    assert info.task == "regression" and problem == "" and "counts" in info.notes[-1]
    info, problem = resolve_task(frame, frame, "units", None)     # no forecast: the codes rule stands
    assert info.task == "multiclass"


# ------------------------------------------------------------------------------------- regression
def test_regression_evidence_equals_direct_computations(reg_ref):
    cur = regression_frame(500, 1, x_shift=0.4)
    d = drift.diagnose(reg_ref, cur, target="y", prediction="f", steps=FAST, rng=0)
    ev = d.step("prediction").evidence
    assert ev["ks_pvalue"] == pytest.approx(stats.ks_2samp(reg_ref["f"], cur["f"]).pvalue, rel=1e-9)
    assert ev["wasserstein"] == pytest.approx(stats.wasserstein_distance(reg_ref["f"], cur["f"]))
    assert ev["mean_shift"] == pytest.approx(cur["f"].mean() - reg_ref["f"].mean())
    assert ev["level"] == decisions.prediction_level(ev["psi"], ev["pvalue"])
    assert f"{cur['f'].mean():.3g} y" in d.step("prediction").summary
    concept = d.step("concept").evidence
    table = {r["metric"]: r for r in concept["performance"]}
    for metric, func in (("mae", mean_absolute_error), ("rmse", root_mean_squared_error), ("r2", r2_score)):
        assert table[metric]["reference"] == pytest.approx(func(reg_ref["y"], reg_ref["f"]))
        assert table[metric]["current"] == pytest.approx(func(cur["y"], cur["f"]))
    assert table["mean_error"]["current"] == pytest.approx((cur["f"] - cur["y"]).mean())
    direct = regression_concept_drift_test(reg_ref["y"], reg_ref["f"], cur["y"], cur["f"],
                                           rng=_concept_seed())
    assert concept["test"]["pvalue"] == pytest.approx(direct.pvalue)
    assert concept["test"]["residual_pvalue"] == pytest.approx(direct.residual_pvalue)
    json.dumps(d.to_dict())


def test_mean_change_is_welchs_interval():
    gen = np.random.default_rng(5)
    a, b = gen.normal(0, 1, 50), gen.normal(0.5, 2, 70)
    got = mean_change(pd.Series(a), pd.Series(b), 0.95)
    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    dof = (va + vb) ** 2 / (va ** 2 / (a.size - 1) + vb ** 2 / (b.size - 1))
    half = stats.t.ppf(0.975, dof) * np.sqrt(va + vb)
    assert got["change"] == pytest.approx(b.mean() - a.mean())
    assert (got["lo"], got["hi"]) == pytest.approx((b.mean() - a.mean() - half, b.mean() - a.mean() + half))


@pytest.mark.parametrize(("current", "kind"), [
    (dict(slope=1.6), "concept_drift"),         # E[y | forecast] steeper: the forecasts no longer fit
    (dict(offset=1.5), "prior_shift"),          # the target's level moved at equal forecast
    (dict(), "no_drift"),                       # drawn as the reference
])
def test_regression_verdict_follows_the_injected_change(reg_ref, current, kind):
    d = drift.diagnose(reg_ref, regression_frame(600, 2, **current), target="y", prediction="f", steps=FAST,
                       rng=0)
    assert d.verdict.kind == kind, d.verdict.evidence
    if kind == "concept_drift":
        assert d.verdict.strength == "strong" and d.step("concept").status == "alert"
        assert any("MAE" in e for e in d.verdict.evidence)
    _speaks_its_task(d, "regression")
    if kind == "prior_shift":
        assert d.verdict.label == ("Prior shift: the target's mean moved while the forecasts still follow "
                                   "the inputs")
        assert d.verdict.evidence[0].startswith("mean y 9.9 → 11.3, in the target's units (interval")
    if kind == "no_drift":
        assert "realised errors and the target's relation to the forecast unchanged" in d.verdict.evidence


#: Words of a binary classifier's verdict that a regression or multiclass verdict must not say.
BINARY_VERDICT_WORDS = ("outcome rate", "ROC AUC", "P(y | score)", "ranking", "scores", "log-odds")


def _speaks_its_task(d, task: str) -> None:
    """The verdict, each finding and their evidence in the task's words (never a binary classifier's)."""
    v = d.verdict
    assert v.task == task and v.label == decisions.verdict_label(v.kind, task)
    assert all(f.task == task and f.label == decisions.verdict_label(f.kind, task) for f in v.findings)
    said = " ".join([v.label, *v.evidence, *(f.label for f in v.findings),
                     *(e for f in v.findings for e in f.evidence)])
    for word in BINARY_VERDICT_WORDS + (("probabilit", "class") if task == "regression" else ()):
        assert word not in said, (word, said)
    assert v.to_dict()["label"] == v.label


def test_verdict_labels_per_task_keep_the_binary_words():
    """A binary classifier's labels are VERDICT_LABELS, byte for byte; every task has one label per kind."""
    for kind in decisions.VERDICTS:
        assert decisions.verdict_label(kind) == decisions.verdict_label(kind, "binary") == \
            decisions.VERDICT_LABELS[kind]
        for task in ("regression", "multiclass"):
            label = decisions.verdict_label(kind, task)
            assert label.split(":")[0] == decisions.VERDICT_LABELS[kind].split(":")[0]   # the kind's name
    assert decisions.VERDICT_LABELS["prior_shift"] == ("Prior shift: the outcome rate changed while the "
                                                       "model's ranking still holds")
    assert "class shares changed" in decisions.verdict_label("prior_shift", "multiclass")
    assert "forecasts did not" in decisions.verdict_label("covariate_shift", "regression")


def test_regression_without_labels_estimates_and_says_it_is_blind(reg_ref):
    cur = regression_frame(400, 4, slope=1.6).drop(columns=["y"])
    d = drift.diagnose(reg_ref, cur, target="y", prediction="f", steps=FAST, rng=0)
    concept = d.step("concept")
    assert concept.evidence["labels"] is False and "cannot be ruled out" in concept.summary
    direct = estimated_regression_performance(reg_ref, cur, target="y", prediction="f",
                                              features=["x1", "x2", "segment"], rng=_concept_seed())
    got = pd.DataFrame(concept.evidence["estimated"]).set_index("metric")
    assert got.loc["mae", "current_estimated"] == pytest.approx(direct.estimate("mae"))
    assert d.verdict.kind == "no_drift" and not d.has_labels   # concept drift invisible without labels


def test_regression_degenerate_inputs_are_noted_not_fatal(reg_ref):
    cur = regression_frame(300, 6)
    cur["f"] = 10.0                                        # a constant forecast
    ref = reg_ref.assign(y=reg_ref["y"].where(reg_ref.index % 50 != 0, 0.0))   # zeros: no MAPE
    d = drift.diagnose(ref, cur, target="y", prediction="f", steps=FAST, rng=0)
    concept = d.step("concept")
    assert concept.status != "skipped"
    notes = " ".join(concept.evidence["notes"])
    assert "constant" in notes and "MAPE undefined" in notes
    assert {r["metric"]: r for r in concept.evidence["performance"]}["mape"]["reference"] != \
        {r["metric"]: r for r in concept.evidence["performance"]}["mape"]["reference"]   # nan
    assert d.step("prediction").status == "alert"          # every forecast in one bin
    missing = drift.diagnose(reg_ref, cur.drop(columns=["f"]), target="y", prediction="f", steps=FAST, rng=0)
    assert missing.step("prediction").status == "skipped" and "not in the current" in \
        missing.step("prediction").explanation


def test_mmd_embeds_a_regression_target_with_a_regressor(reg_ref):
    d = drift.diagnose(reg_ref, regression_frame(300, 7), target="y", prediction="f", steps=("mmd",), rng=0)
    assert "MLP regressor of y" in d.step("mmd").evidence["source"]


# ------------------------------------------------------------------------------------- multiclass
def test_multiclass_evidence_equals_direct_computations(mc_ref):
    cur = multiclass_frame(700, 1)
    d = drift.diagnose(mc_ref, cur, target="sentiment", prediction="predicted", steps=FAST, rng=0)
    ev = d.step("prediction").evidence
    counts = pd.DataFrame({"r": mc_ref["predicted"].value_counts(), "c": cur["predicted"].value_counts()})
    assert ev["chi2_pvalue"] == pytest.approx(stats.chi2_contingency(counts.T.to_numpy()).pvalue)
    shares = pd.DataFrame(ev["shares"]).set_index("class")
    assert shares["current_share"].to_dict() == pytest.approx(cur["predicted"].value_counts(normalize=True)
                                                              .to_dict())
    assert len(ev["probabilities"]) == 3
    concept = d.step("concept").evidence
    table = {r["metric"]: r for r in concept["performance"]}
    assert table["accuracy"]["current"] == pytest.approx(accuracy_score(cur["sentiment"], cur["predicted"]))
    assert table["macro_f1"]["current"] == pytest.approx(f1_score(cur["sentiment"], cur["predicted"],
                                                                  average="macro"))
    assert table["log_loss"]["current"] == pytest.approx(log_loss(cur["sentiment"], cur[PROBA],
                                                                  labels=list(CLASSES)))
    direct = multiclass_concept_drift_test(mc_ref["sentiment"], mc_ref[PROBA].set_axis(CLASSES, axis=1),
                                           cur["sentiment"], cur[PROBA].set_axis(CLASSES, axis=1),
                                           classes=CLASSES)
    assert concept["test"]["pvalue"] == pytest.approx(direct.pvalue)
    json.dumps(d.to_dict())


@pytest.mark.parametrize(("current", "kind"), [
    (dict(temperature=2.5), "concept_drift"),          # the probabilities no longer rank the classes
    (dict(bias=(0.9, 0.0, -0.6)), "prior_shift"),      # class shares moved at equal inputs
    (dict(), "no_drift"),
])
def test_multiclass_verdict_follows_the_injected_change(mc_ref, current, kind):
    d = drift.diagnose(mc_ref, multiclass_frame(900, 2, **current), target="sentiment",
                       prediction="predicted", steps=FAST, rng=0)
    assert d.verdict.kind == kind, d.verdict.evidence
    _speaks_its_task(d, "multiclass")
    if kind == "prior_shift":
        assert d.verdict.label == ("Prior shift: the class shares changed while the model still tells the "
                                   "classes apart")


def test_multiclass_without_labels_and_with_a_class_absent(mc_ref):
    cur = multiclass_frame(600, 3)
    d = drift.diagnose(mc_ref, cur.drop(columns=["sentiment"]), target="sentiment", prediction="predicted",
                       steps=FAST, rng=0)
    concept = d.step("concept")
    assert concept.evidence["labels"] is False and "cannot be ruled out" in concept.summary
    direct = estimated_multiclass_performance(mc_ref["sentiment"], mc_ref[PROBA], cur[PROBA], classes=CLASSES,
                                              rng=_concept_seed())
    got = pd.DataFrame(concept.evidence["estimated"]).set_index("metric")
    assert got.loc["accuracy", "current_estimated"] == pytest.approx(direct.estimate("accuracy"))
    absent = drift.diagnose(mc_ref, multiclass_frame(600, 3, drop="neu"), target="sentiment",
                            prediction="predicted", steps=FAST, rng=0)
    notes = " ".join(absent.step("concept").evidence["notes"])
    assert absent.step("concept").status != "skipped" and "'neu' absent from the current" in notes


def test_multiclass_from_probabilities_alone_and_mmd_classifier(mc_ref):
    cur = multiclass_frame(400, 8)
    d = drift.diagnose(mc_ref.drop(columns=["predicted"]), cur.drop(columns=["predicted"]),
                       target="sentiment", steps=("prediction", "mmd"), rng=0)
    assert d.task.prediction_kind == "class_probabilities"
    assert d.step("prediction").status != "skipped" and d.has_predictions
    assert "MLP classifier of sentiment" in d.step("mmd").evidence["source"]


# ------------------------------------------------------------------------------------------ rules
def test_target_mean_moved_and_class_prediction_level_rules():
    assert decisions.target_mean_moved({"change": 0.3, "lo": 0.1, "hi": 0.5}, 1.0) == (True, True)
    assert decisions.target_mean_moved({"change": 0.15, "lo": 0.05, "hi": 0.25}, 1.0) == (True, False)
    assert decisions.target_mean_moved({"change": 0.3, "lo": -0.1, "hi": 0.7}, 1.0) == (False, False)
    assert decisions.target_mean_moved({"change": 0.05, "lo": 0.01, "hi": 0.09}, 1.0) == (False, False)
    res = drift.class_prediction_drift(["a"] * 50 + ["b"] * 50, ["a"] * 80 + ["b"] * 20)
    assert decisions.class_prediction_level(res) == decisions.prediction_level(res.psi.statistic,
                                                                                res.chi2.pvalue)

"""infer_task: the task and prediction kind, the override and the degenerate targets."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

import drift
from drift.core.errors import (
    AllMissingError,
    ConstantColumnError,
    TaskMismatchError,
    TooManyCategoriesError,
    UnsupportedValuesError,
)
from drift.data.task import MAX_CLASSES, MAX_INTEGER_CLASSES

RNG = np.random.default_rng(12)


def _frame(y, p=None, **extra) -> pd.DataFrame:
    data = {"y": y} | ({"p": p} if p is not None else {}) | extra
    return pd.DataFrame(data)


def test_binary_probability_and_label():
    y = RNG.integers(0, 2, 200)
    info = drift.infer_task(_frame(y, RNG.random(200)), _frame(y, RNG.random(200)), "y", "p")
    assert (info.task, info.prediction_kind, info.classes) == ("binary", "probability", (0, 1))
    assert dict(info.probability_columns) == {1: "p"} and info.positive_class == 1
    hard = drift.infer_task(_frame(y, y.astype(float)), None, "y", "p")
    assert hard.prediction_kind == "label" and hard.probability_columns == {}
    text = drift.infer_task(_frame(np.where(y, "yes", "no"), RNG.random(200)), None, "y", "p")
    assert text.classes == ("no", "yes") and dict(text.probability_columns) == {"yes": "p"}


def test_regression_forecast_and_counts():
    info = drift.infer_task(_frame(RNG.normal(100, 5, 300), RNG.normal(100, 5, 300)), None, "y", "p")
    assert (info.task, info.prediction_kind, info.classes) == ("regression", "forecast", ())
    counts = np.arange(300) % (MAX_INTEGER_CLASSES + 1)       # 21 distinct integers: counts
    assert drift.infer_task(_frame(counts, counts * 1.0), None, "y", "p").task == "regression"
    codes = np.arange(300) % MAX_INTEGER_CLASSES              # 20 distinct integers: class codes
    info = drift.infer_task(_frame(codes, codes), None, "y", "p")
    assert info.task == "multiclass" and len(info.classes) == MAX_INTEGER_CLASSES
    assert any("task='regression'" in n for n in info.notes)
    few = drift.infer_task(_frame(np.tile([0.5, 1.5, 2.5], 10)), None, "y")
    assert few.task == "regression" and few.prediction_kind is None
    assert any("class codes" in n for n in few.notes)
    as_text = drift.infer_task(_frame(RNG.normal(size=50).astype(str)), None, "y")
    assert as_text.task == "regression"                        # numbers written as text count as numbers


def test_multiclass_labels_and_class_probabilities():
    labels = np.array(["neg", "neu", "pos"])
    y = labels[RNG.integers(0, 3, 300)]
    proba = RNG.dirichlet([1, 1, 1], 300)
    ref = _frame(y, **{f"proba_{c}": proba[:, k] for k, c in enumerate(labels)})
    info = drift.infer_task(ref, ref, "y")
    assert (info.task, info.prediction_kind) == ("multiclass", "class_probabilities")
    assert info.classes == ("neg", "neu", "pos")
    assert dict(info.probability_columns) == {c: f"proba_{c}" for c in labels}
    with_label = drift.infer_task(ref.assign(p=labels[proba.argmax(axis=1)]), None, "y", "p")
    assert with_label.prediction_kind == "label" and len(with_label.probability_columns) == 3
    codes = _frame(RNG.integers(0, 4, 100), **{f"proba_{k}": np.full(100, 0.25) for k in range(4)})
    assert dict(drift.infer_task(codes, None, "y").probability_columns) == {k: f"proba_{k}" for k in range(4)}
    assert pickle.loads(pickle.dumps(info)) == info
    assert info.to_dict()["classes"] == ["neg", "neu", "pos"]


def test_predicted_label_never_in_target_joins_the_classes():
    ref = _frame(["a", "b", "c"] * 10, ["a", "b", "d"] * 10)
    info = drift.infer_task(ref, None, "y", "p")
    assert info.classes == ("a", "b", "c", "d") and any("'d'" in n for n in info.notes)


def test_override_is_checked_against_the_data():
    five = _frame(np.arange(100) % 5)
    with pytest.raises(drift.DriftParameterError, match=r"'binary'.*column 'y' has 5 distinct values.*Fix"):
        drift.infer_task(five, None, "y", task="binary")
    with pytest.raises(drift.DriftParameterError, match="fractional.*task='regression'"):
        drift.infer_task(_frame(RNG.normal(size=50)), None, "y", task="multiclass")
    with pytest.raises(drift.DriftParameterError, match="holds text.*task='multiclass'"):
        drift.infer_task(_frame(list("abc") * 5), None, "y", task="regression")
    with pytest.raises(drift.DriftParameterError, match="'task' parameter"):
        drift.infer_task(five, None, "y", task="ordinal")
    assert drift.infer_task(five, None, "y", task="regression").task == "regression"
    assert drift.infer_task(_frame([0, 1] * 5), None, "y", task="multiclass").classes == (0, 1)


def test_degenerate_targets_raise_with_file_column_and_fix():
    with pytest.raises(AllMissingError, match=r"reference: column 'y': the target has no value.*Fix"):
        drift.infer_task(_frame([np.nan] * 5), _frame([None] * 5), "y")
    with pytest.raises(ConstantColumnError, match=r"column 'y'.*single value.*Fix"):
        drift.infer_task(_frame([1] * 5), _frame([1.0, np.nan]), "y")
    with pytest.raises(TooManyCategoriesError, match="column 'y'"):
        drift.infer_task(_frame([f"name {k}" for k in range(MAX_CLASSES + 1)]), None, "y")
    with pytest.raises(drift.DriftParameterError, match="'target'"):
        drift.infer_task(_frame([0, 1]), None, "nope")


def test_prediction_that_does_not_fit_the_task_raises():
    reg = _frame(RNG.normal(size=20), ["high", "low"] * 10)
    with pytest.raises(UnsupportedValuesError, match=r"column 'p'.*text.*Fix: a regression model"):
        drift.infer_task(reg, None, "y", "p")
    with pytest.raises(TaskMismatchError, match=r"current: column 'p'.*\[0, 1\].*2\.5"):
        drift.infer_task(_frame([0, 1] * 5, [0.2] * 10), _frame([0, 1], [0.3, 2.5]), "y", "p")
    with pytest.raises(TaskMismatchError, match="column 'p'.*none of which is a label"):
        drift.infer_task(_frame(list("abc") * 4, list("xyz") * 4), None, "y", "p")
    with pytest.raises(TaskMismatchError, match="fractional"):
        drift.infer_task(_frame([0, 1, 2] * 4, [0.5, 1, 2] * 4), None, "y", "p")
    partial = _frame(list("abc") * 4, proba_a=[0.5] * 12, proba_b=[0.5] * 12)
    with pytest.raises(TaskMismatchError, match="2 of 3 classes; missing 'proba_c'"):
        drift.infer_task(partial, None, "y")
    with pytest.raises(TaskMismatchError, match="column 'proba_c'.*1.5"):
        drift.infer_task(partial.assign(proba_c=1.5), None, "y")


def test_file_names_come_from_the_loaded_table():
    ref = _frame([0, 1] * 5, [0.5] * 10)
    cur = _frame([0, 1], [0.5, 7.0])
    cur.attrs["drift_load"] = {"file": "batch_07.csv"}
    with pytest.raises(TaskMismatchError, match="^batch_07.csv: column 'p'"):
        drift.infer_task(ref, cur, "y", "p")

"""The monitor's Reference: every attribute on every path, and the indexes it builds against a hand case."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from drift import infer_schema
from drift.model.performance import classification_metrics
from drift.monitoring.detectors import DETECTORS, MIN_LABELS
from drift.monitoring.reference import Reference


def make(n: int = 400, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    score = np.round(1 / (1 + np.exp(-x)), 2)                      # rounded: tied scores
    return pd.DataFrame({"x": x, "c": rng.choice(["a", "b", "c"], n), "score": score,
                         "label": (rng.random(n) < score).astype(int)})


def build(frame: pd.DataFrame, target: str | None, prediction: str | None) -> Reference:
    schema = infer_schema(frame).with_roles(target=target, prediction=prediction)
    return Reference(frame, schema, target=target, prediction=prediction, bins=10, threshold=0.5,
                     embeddings=None, detectors=set(DETECTORS))


def test_every_attribute_is_set_on_every_path():
    frame = make()
    paths = {
        "features only": build(frame.drop(columns=["score", "label"]), None, None),
        "scores, no labels": build(frame.drop(columns="label"), None, "score"),
        "text target": build(frame.assign(label=frame["label"].map({0: "no", 1: "yes"})), "label", "score"),
        "too few labels": build(frame.head(MIN_LABELS - 1), "label", "score"),
        "scores and labels": build(frame, "label", "score"),
    }
    names = {path: set(vars(ref)) for path, ref in paths.items()}
    full = names["scores and labels"]
    assert all(n == full for n in names.values()), {p: full ^ n for p, n in names.items()}
    none = paths["features only"]
    assert none.scores is None and none.labels is None and none.cbpe is None and none.whole.scores is None
    assert paths["scores, no labels"].scores is not None and paths["scores, no labels"].labels is None
    assert paths["scores, no labels"].note == ""
    assert paths["text target"].note == "performance skipped: the target 'label' is not binary 0/1"
    assert "fewer than 30 labelled" in paths["too few labels"].note
    for ref in paths.values():
        assert (ref.labels is None) == (ref.cbpe is None) == (not ref.whole.performance)


def test_indexes_against_a_hand_computation():
    frame = make()
    frame.loc[frame.index[:20], "score"] = np.nan
    frame.loc[frame.index[20:35], "label"] = np.nan
    ref = build(frame, "label", "score")
    p = frame["score"].to_numpy()
    valid = ~np.isnan(p)
    assert ref.scores.n_valid == valid.sum()
    assert np.array_equal(ref.scores.valid_sorted, np.sort(p[valid]))
    assert np.array_equal(ref.scores.values[ref.scores.order[:ref.scores.n_valid]], ref.scores.valid_sorted)
    assert (ref.scores.rank[~valid] == -1).all()
    labelled = valid & frame["label"].notna().to_numpy()
    assert ref.labels.rows.size == labelled.sum() and np.all(np.diff(ref.labels.p) >= 0)
    assert np.array_equal(frame["label"].to_numpy()[ref.labels.rows], ref.labels.y)
    first, last = ref.labels.ties                                # each run of equal scores, from its ends
    assert np.all(ref.labels.p[first] == ref.labels.p) and np.all(ref.labels.p[last] == ref.labels.p)
    perf = classification_metrics(frame.loc[labelled, "label"].to_numpy(), p[labelled])
    assert ref.whole.performance == pytest.approx({"roc_auc": perf["roc_auc"], "accuracy": perf["accuracy"]})
    # unit weights reproduce the unweighted values
    assert ref.weighted_realised(np.ones(ref.labels.rows.size)) == pytest.approx(
        (perf["roc_auc"], perf["accuracy"]), abs=1e-12)
    assert ref.weighted_expected(np.ones(ref.scores.n_valid)) == pytest.approx(
        (ref.estimated["estimated_roc_auc"], ref.estimated["estimated_accuracy"]), abs=1e-12)

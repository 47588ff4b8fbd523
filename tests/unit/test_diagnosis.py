"""diagnose(): the verdict on every credit-scoring batch matches the injected ground truth."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import drift
from drift.core.decisions import STRENGTHS
from drift.data.scenarios import load_scenario
from drift.diagnosis.diagnose import STEP_KEYS, VERDICTS


@pytest.fixture(scope="module")
def credit():
    return load_scenario("credit")


@pytest.fixture(scope="module")
def verdicts(credit):
    out = {}
    for label in credit.batches():
        out[label] = drift.diagnose(credit.reference, credit.get_batch(label), target="default",
                                    prediction="score", rng=0)
    return out


def test_every_credit_batch_gets_the_injected_verdict(credit, verdicts):
    truth = credit.manifest.set_index("batch")["kind"]
    got = pd.Series({b: d.verdict.kind for b, d in verdicts.items()})
    confusion = pd.crosstab(truth.rename("injected"), got.rename("verdict"))
    print("\nVerdict vs injected ground truth (credit scenario, 12 monthly batches):\n"
          + confusion.to_string())
    assert (got == truth.loc[got.index]).all(), confusion


def test_steps_are_ordered_and_explained(verdicts):
    d = verdicts["2025-03"]
    assert [s.key for s in d.steps] == list(STEP_KEYS)
    for step in d.steps:
        assert step.status in ("ok", "warning", "alert", "skipped")
        assert step.why and step.summary
    assert d.verdict.kind in VERDICTS and d.verdict.strength in STRENGTHS and d.verdict.evidence
    # confidence is measured on the verdict benchmark, or not stated at all: never a constant
    record = d.verdict.benchmark
    assert (record is None and "not measured" in d.verdict.confidence_text) or \
        (0 < record.right <= record.n and str(record.n) in d.verdict.confidence_text)
    json.dumps(d.to_dict())          # JSON-safe all the way down


def test_data_quality_batches_name_the_broken_feature(verdicts):
    issues = {b: [i["feature"] for i in verdicts[b].step("inputs").evidence["quality_issues"]]
              for b in ("2025-05", "2025-08", "2025-11")}
    assert "income" in issues["2025-05"]
    assert {"employment_years", "debt_to_income"} <= set(issues["2025-08"])
    assert "region" in issues["2025-11"]


def test_without_labels_concept_step_estimates_and_says_it_is_blind(credit):
    d = drift.diagnose(credit.reference, credit.get_batch("2025-10"), target="default", prediction="score",
                       use_labels=False, steps=("prediction", "concept"), rng=0)
    concept = d.step("concept")
    assert concept.evidence["labels"] is False and "concept drift" in concept.explanation
    assert not d.has_labels
    assert d.verdict.kind == "no_drift"   # concept drift is invisible without labels: said, not hidden
    assert any("labels" in e for e in d.verdict.evidence)


def test_skipped_steps_and_bad_columns(credit):
    batch = credit.get_batch("2025-01")
    d = drift.diagnose(credit.reference.drop(columns=["score"]), batch.drop(columns=["score"]),
                       target="default", steps=("prediction",), rng=0)
    assert d.step("prediction").status == "skipped" and d.step("domain").status == "skipped"
    with pytest.raises(drift.DriftInputError, match="no column named 'nope'"):
        drift.diagnose(credit.reference, batch, target="nope")
    with pytest.raises(drift.DriftParameterError, match="'steps'"):
        drift.diagnose(credit.reference, batch, steps=("magic",))


# --- no claim without evidence; role columns that are missing or unusable (issue 10 reproductions) -----
def _frame(n: int, seed: int, shift: float = 0.0) -> pd.DataFrame:
    g = np.random.default_rng(seed)
    x = g.normal(shift, 1, n)
    return pd.DataFrame({"x": x, "z": g.normal(size=n), "default": (g.random(n) < 0.3).astype(int),
                         "score": np.clip(0.3 + 0.1 * x + g.normal(0, 0.05, n), 0, 1)})


def test_without_a_prediction_column_nothing_is_said_about_the_model():
    ref, cur = _frame(1500, 0), _frame(800, 1, shift=1.0)
    d = drift.diagnose(ref.drop(columns=["score"]), cur.drop(columns=["score"]), rng=0,
                       steps=("prediction", "concept", "domain"))
    assert d.verdict.kind == "input_drift" and not d.has_predictions
    assert "predictions" in d.verdict.label and any("no prediction column" in e for e in d.verdict.evidence)
    assert d.step("prediction").status == "skipped" and d.step("concept").status == "skipped"
    assert "cannot be ruled out" in d.step("concept").summary
    report = drift.stakeholder_summary(d)
    assert "stable" not in report["recommendation"] and "add its predictions" in report["recommendation"]


def test_a_prediction_column_missing_from_current_skips_with_a_reason():
    r = pd.DataFrame({"x": np.arange(100.0), "default": [0, 1] * 50, "score": np.linspace(0, 1, 100)})
    d = drift.diagnose(r, r.drop(columns="score"), steps=("prediction", "concept"))
    assert d.step("prediction").status == "skipped"
    assert "not in the current data" in d.step("prediction").explanation
    assert d.verdict.kind in ("no_drift", "input_drift")


def test_text_target_and_prediction_skip_the_model_steps_with_the_fix():
    ref, cur = _frame(300, 2), _frame(300, 3)
    for frame in (ref, cur):
        frame["default"] = frame["default"].map({0: "no", 1: "yes"})
        frame["score"] = frame["score"].map(lambda v: f"{v:.1%}")
    d = drift.diagnose(ref, cur, target="default", prediction="score", steps=("prediction", "concept"))
    assert d.step("prediction").status == "skipped" and "holds text" in d.step("prediction").explanation
    assert "map the classes to 0/1" in d.step("concept").explanation


def test_the_same_column_as_target_and_prediction_is_refused():
    ref = _frame(100, 4)
    with pytest.raises(drift.DriftParameterError, match="a column other than the target"):
        drift.diagnose(ref, ref, target="default", prediction="default")

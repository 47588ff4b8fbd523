"""diagnose(): the verdict on every credit-scoring batch matches the injected ground truth."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import drift
from drift.decisions import STRENGTHS
from drift.diagnosis import STEP_KEYS, VERDICTS
from drift.scenarios import load_scenario


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
    assert (record is None and "not been measured" in d.verdict.confidence_text) or \
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

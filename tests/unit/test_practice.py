"""drift.diagnosis.practice: prompts, rubric matching on hand-written answers, accuracy per batch,
the STAR template."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from drift import DriftError, DriftParameterError
from drift.data.scenarios import SCENARIOS
from drift.data.task import TaskInfo
from drift.diagnosis.diagnose import STEP_KEYS, Diagnosis, Step, Verdict
from drift.diagnosis.practice import (
    EVIDENCE_KINDS,
    PROMPTS,
    batch_accuracy,
    batch_performance,
    phrase_pattern,
    score_answer,
    star_template,
    worst_batch,
)
from drift.model.impact import business_impact, impact_inputs


def covered(prompt_id: str, text: str) -> set[str]:
    return {p.key for p in score_answer(prompt_id, text).covered}


# --- the prompts ---------------------------------------------------------------------------------
def test_required_prompts_exist_with_consistent_specs() -> None:
    questions = " ".join(p.question.lower() for p in PROMPTS.values())
    for words in ("input features look stable", "non-technical executive", "dynamic-pricing",
                  "caught a model problem in production"):
        assert words in questions
    for prompt in PROMPTS.values():
        assert prompt.steps and prompt.rubric
        assert all(s in SCENARIOS for s in prompt.scenarios)
        assert all(step.evidence in EVIDENCE_KINDS for step in prompt.steps)
        keys = [p.key for p in prompt.rubric]
        assert len(set(keys)) == len(keys)
        for point in prompt.rubric:
            for phrase in point.phrases:
                phrase_pattern(phrase)   # every phrase compiles


# --- matching rules ------------------------------------------------------------------------------
@pytest.mark.parametrize("phrase, text, hit", [
    ("retrain*", "We Retrained the model", True),
    ("retrain*", "pretraining", False),                 # whole words only
    ("psi", "the PSI was 0.3", True),
    ("psi", "psilocybin", False),
    ("concept drift", "concept-drift", True),            # punctuation between words is free
    ("concept drift", "concept\n  drift", True),
    ("p(y|x)", "P(y | x) changed", True),
    ("$", "it cost $120k", True),
    ("%", "down 3%", True),
    ("a/b", "an A/B test", True),
    ("roll back", "rollback", False),                   # a separate phrase covers that spelling
    ("segment*", "by segments", True),
])
def test_phrase_pattern(phrase: str, text: str, hit: bool) -> None:
    assert bool(phrase_pattern(phrase).search(text)) is hit


def test_phrase_pattern_rejects_empty() -> None:
    with pytest.raises(DriftParameterError, match="'phrase' parameter of phrase_pattern"):
        phrase_pattern("  ")


# --- hand-written answers ------------------------------------------------------------------------
STRONG_DEBUG = """
First I'd rule out the pipeline: schema changes, missing values, a unit change upstream. Then I check the
labels themselves - label delay or a changed definition. Next, prediction drift: PSI on the score
distribution. With labels I'd separate prior shift (the base rate moved) from concept drift, where P(y|x)
changed. Per-feature tests miss combinations, so I'd train a domain classifier and run MMD. I'd slice the
error by segment, estimate the cost, and retrain or recalibrate.
"""


def test_strong_debug_answer_covers_every_point() -> None:
    res = score_answer("debug_accuracy", STRONG_DEBUG)
    assert res.share == 1.0 and not res.missing
    assert res.n_words > 60


def test_weak_debug_answer_covers_few_points() -> None:
    res = score_answer("debug_accuracy", "I would look at the data and maybe retrain the model.")
    assert {p.key for p in res.covered} == {"action"}
    assert res.share == pytest.approx(1 / len(PROMPTS["debug_accuracy"].rubric))
    assert {p.key for p in res.missing} >= {"concept", "prediction", "multivariate"}


def test_matched_words_are_reported_as_written() -> None:
    res = score_answer("debug_accuracy", "Concept Drift, concept drift and a Domain Classifier.")
    by_key = {m.point.key: m for m in res.matches}
    assert by_key["concept"].matched == ("Concept Drift",)       # each distinct match once
    assert by_key["multivariate"].matched == ("Domain Classifier",)
    frame = res.to_frame()
    assert list(frame.columns) == ["point", "covered", "found", "listens_for"]
    assert frame["covered"].sum() == 2


def test_executive_answer() -> None:
    text = ("In plain terms: our applicants changed after the marketing campaign, so the model makes about "
            "180 more wrong decisions a month, roughly $140k per quarter. I recommend we retrain this "
            "week, and I will report back with the monitoring dashboard.")
    assert covered("explain_executive", text) == {"money", "plain", "cause", "action", "uncertainty",
                                                  "follow_up"}
    assert covered("explain_executive", "The KS statistic is 0.12 with p < 0.001.") == set()


def test_pricing_design_answer() -> None:
    text = ("Monitor feature drift with PSI and thresholds calibrated to avoid false alarms; conversions "
            "arrive with a label delay; a challenger is promoted only if it beats the champion on a "
            "holdout, with rollback and price floors as guardrails; a cost model weighs retrain cost "
            "against errors and we compare with a fixed schedule. Beware the feedback loop: our own prices "
            "shape demand.")
    assert covered("pricing_autopilot", text) == {p.key for p in PROMPTS["pricing_autopilot"].rubric}


def test_behavioural_answer() -> None:
    text = ("At my last company our credit model's approvals looked fine. I was responsible for model "
            "health; I investigated with PSI and a domain classifier, found concept drift, retrained, and "
            "recovered 2 points of accuracy, about $140k per quarter. Since then we alert on it daily.")
    assert covered("behavioural_star", text) == {"situation", "task", "action", "result", "prevention"}


def test_empty_answer_and_bad_input() -> None:
    res = score_answer("behavioural_star", "")
    assert res.share == 0.0 and res.n_words == 0 and len(res.missing) == len(res.matches)
    with pytest.raises(DriftParameterError, match="prompt_id"):
        score_answer("nope", "text")
    with pytest.raises(DriftParameterError, match="'text' parameter"):
        score_answer("debug_accuracy", None)


# --- evidence helpers ----------------------------------------------------------------------------
def test_batch_accuracy_by_hand() -> None:
    ref = pd.DataFrame({"y": [1, 0, 1, 0], "p": [0.9, 0.1, 0.8, 0.2]})          # accuracy 1.0
    cur = pd.DataFrame({"y": [1, 0, 1, 0, 1, 1], "p": [0.9, 0.1, 0.2, 0.7, 0.6, np.nan],
                        "b": ["a", "a", "b", "b", "b", "b"]})
    table = batch_accuracy(ref, cur, target="y", prediction="p", batch="b")
    assert list(table["batch"]) == ["a", "b"]
    assert list(table["n"]) == [2, 3]                       # the row with a missing score is left out
    assert table["accuracy"].tolist() == pytest.approx([1.0, 1 / 3])
    assert table["change"].tolist() == pytest.approx([0.0, -2 / 3])
    assert table.attrs["reference_accuracy"] == 1.0
    assert worst_batch(table) == "b"
    pooled = batch_accuracy(ref, cur, target="y", prediction="p", batch=None)
    assert list(pooled["batch"]) == ["production"] and pooled["n"].iloc[0] == 5
    with pytest.raises(DriftError, match="no column named 'z'"):
        batch_accuracy(ref, cur, target="z", prediction="p", batch="b")


def test_batch_performance_per_task_equals_sklearn() -> None:
    from sklearn.metrics import accuracy_score, mean_absolute_error

    gen = np.random.default_rng(4)
    y = gen.poisson(3.0, 90).astype(float)
    ref = pd.DataFrame({"y": y[:30], "f": y[:30] + gen.normal(0, 1, 30)})
    cur = pd.DataFrame({"y": y[30:], "f": y[30:] + gen.normal(0, 1, 60) * np.repeat([1, 3], 30),
                        "b": np.repeat(["w1", "w2"], 30)})
    cur.loc[3, "f"] = np.nan                                             # left out, as for binary
    table = batch_performance(ref, cur, target="y", prediction="f", batch="b", task="regression")
    assert list(table.columns) == ["batch", "n", "mae", "change"] and table["n"].tolist() == [29, 30]
    first = cur.iloc[:30].dropna()
    assert table["mae"].iloc[0] == pytest.approx(mean_absolute_error(first["y"], first["f"]), abs=1e-12)
    assert table.attrs["reference_mae"] == pytest.approx(mean_absolute_error(ref["y"], ref["f"]), abs=1e-12)
    assert table.attrs["higher_is_better"] is False and worst_batch(table) == "w2"   # the error rose most

    labels = np.array(["neg", "neu", "pos"])
    ref = pd.DataFrame({"y": labels[gen.integers(0, 3, 40)]}).assign(p=lambda f: f["y"])
    cur = pd.DataFrame({"y": labels[gen.integers(0, 3, 40)], "p": labels[gen.integers(0, 3, 40)],
                        "b": np.repeat(["w1", "w2"], 20)})
    cur.loc[:19, "p"] = cur.loc[:19, "y"]
    table = batch_performance(ref, cur, target="y", prediction="p", batch="b", task="multiclass")
    assert table["accuracy"].tolist() == pytest.approx(
        [1.0, accuracy_score(cur["y"].iloc[20:], cur["p"].iloc[20:])])
    assert worst_batch(table) == "w2"
    with pytest.raises(DriftError, match=r"holds text.*numbers"):
        batch_performance(ref, cur, target="y", prediction="p", batch="b", task="regression")
    with pytest.raises(DriftParameterError, match="'task'"):
        batch_performance(ref, cur, target="y", prediction="p", batch="b", task="ranking")


def test_worst_batch_of_the_credit_scenario_is_a_drifted_month() -> None:
    from drift.data.scenarios import load_scenario

    sc = load_scenario("credit", batch_size=1500)
    table = batch_accuracy(sc.reference, sc.current, target=sc.target, prediction=sc.prediction,
                           batch=sc.batch)
    worst = worst_batch(table)
    assert sc.manifest_row(worst)["kind"] != "no_drift"


def _diagnosis() -> Diagnosis:
    summaries = {"inputs": "0 of 15 features drifted", "prediction": "Prediction PSI 0.006 (small)",
                 "concept": "ROC AUC 0.791 → 0.711 (-0.080)", "domain": "AUC 0.497", "mmd": "skipped"}
    steps = tuple(Step(k, k, "skipped" if k == "mmd" else "ok", summaries[k], "", "", "", {})
                  for k in STEP_KEYS)
    verdict = Verdict("concept_drift", 0.85, (), ())
    return Diagnosis(steps, verdict, pd.DataFrame(), None, 20000, 1500, True)


def test_star_template_is_filled_with_the_numbers() -> None:
    # a tiny hand case: the current rows miss one more event and raise one more false alarm in ten
    ref = pd.DataFrame({"y": [1, 1, 0, 0, 0, 0, 0, 0, 0, 0], "p": [.9, .2, .6, .1, .1, .1, .1, .1, .1, .1]})
    cur = pd.DataFrame({"y": [1, 1, 1, 0, 0, 0, 0, 0, 0, 0], "p": [.9, .2, .2, .6, .6, .1, .1, .1, .1, .1]})
    impact = business_impact(ref, cur, target="y", prediction="p", rng=0, n_boot=100,
                             inputs=impact_inputs(decisions_per_month=10_000, cost_false_positive=100,
                                                  cost_false_negative=500, threshold=0.5))
    text = star_template(impact, _diagnosis(), model="our credit model", batch="2025-10")
    parts = text.split("\n\n")
    assert [p.split(".**")[0] for p in parts] == ["**Situation", "**Task", "**Action", "**Result"]
    assert "our credit model" in parts[0] and "the 2025-10 batch" in parts[0] and "1,500 rows" in parts[0]
    assert "ROC AUC 0.791 → 0.711" in parts[0]                 # the signal: the concept step
    assert "Prediction PSI 0.006" in parts[2] and "MMD" not in parts[2]   # skipped steps are left out
    assert "concept drift" in parts[2]
    assert parts[3].startswith(f"**Result.** {impact.sentence}")
    assert "per quarter" in parts[3] and "Changed outcome rate (20.0% → 30.0%)" in parts[3]
    blank = star_template(None, _diagnosis())
    assert "[what it costs: the model's error at its threshold" in blank
    assert "a recent production batch" in blank


# --- every task ----------------------------------------------------------------------------------------
#: A binary classifier's words the strategy and the STAR story must not say to another model.
BINARY_WORDS = ("realised AUC", "ROC AUC", "base rate", "P(y | score)", "score distribution", "own threshold",
                "outcome rate", "false positive", "defaults", "scores")


@pytest.mark.parametrize("task", ["regression", "multiclass"])
def test_the_strategy_and_the_star_story_speak_every_task(task: str) -> None:
    """The steps say a regression or multiclass model's answer in its terms where a binary classifier's do
    not apply; the binary words are kept as they were."""
    debug = PROMPTS["debug_accuracy"]
    assert "sentiment" in debug.scenarios and "sentiment" in PROMPTS["explain_executive"].scenarios
    for prompt in PROMPTS.values():
        for step in prompt.steps:
            assert step.say_for() == step.say_for("binary") == step.say
            if {"regression": "pricing", "multiclass": "sentiment"}[task] in prompt.scenarios:
                for word in BINARY_WORDS:
                    assert word not in step.say_for(task), (prompt.id, step.title, word)
    assert "predicted-class shares" in debug.steps[1].say_for("multiclass")
    assert "E[y | forecast]" in debug.steps[2].say_for("regression")
    assert "cost matrix" in debug.steps[-1].say_for("multiclass")
    info = TaskInfo(task, "forecast" if task == "regression" else "label", "y", "p",
                    () if task == "regression" else ("a", "b", "c"))
    blank = star_template(None, replace(_diagnosis(), task=info))
    action, result = blank.split("\n\n")[2:]
    assert ("forecasts had moved" if task == "regression" else "predicted classes had moved") in action
    assert ("over- and under-forecast" if task == "regression" else "cost matrix") in result
    for word in ("threshold", "false positive", "outcome rate"):
        assert word not in result

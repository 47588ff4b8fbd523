"""The Text and Practice pages, run headless with Streamlit's AppTest.

Lean on purpose (a 2-core machine): one session per page on the scenario that page is about; the
expected numbers come from the library (``drift.data.scenarios.sentiment.INJECTED_TERMS``,
``drift.diagnosis.practice.score_answer``).
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from drift.core.decisions import VERDICTS, verdict_label
from drift.data.scenarios import SCENARIOS, load_scenario
from drift.data.scenarios.sentiment import INJECTED_TERMS
from drift.diagnosis import practice
from tests.app.test_pages import new_app as shared_new_app
from tests.app.test_pages import open_page
from ui import state

TEXT, PRACTICE = "pages/text.py", "pages/practice.py"
TIMEOUT = 300  # seconds per run: the first run generates the scenario and tests every week


def new_app(**session: object) -> AppTest:
    return shared_new_app(timeout=TIMEOUT, **session)


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_text_page_without_text_column_shows_the_sentiment_scenario() -> None:
    """A link to the Text page always shows results: on data without text, the brand-sentiment scenario."""
    at = open_page(new_app(**{state.SCENARIO: "credit"}), TEXT)
    assert not at.error
    assert any("no text column" in i.value for i in at.info)
    title = SCENARIOS["sentiment"][0]
    assert any(title in c.value for c in at.caption), "the page does not say which data it shows"
    assert at.session_state[state.SCENARIO] == "credit"          # the loaded data stays loaded
    assert at.selectbox(key=state.TEXT_PERIOD_B).value            # the page compares two periods
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state[state.SCENARIO] == "sentiment"
    assert not any("no text column" in i.value for i in at.info)


def test_text_page_on_sentiment_finds_the_crisis_words() -> None:
    at = open_page(new_app(**{state.SCENARIO: "sentiment", state.TEXT_PERIOD_B: "W09"}), TEXT)
    assert not at.error, [e.value for e in at.error]
    # charts: timeline, the two term charts, the map
    keys = {c.proto.id for c in at.get("plotly_chart")}
    assert len(keys) >= 4
    assert at.selectbox(key=state.TEXT_PERIOD_B).value == "W09"
    metrics = {m.label: m.value for m in at.metric}
    assert float(metrics["Domain classifier AUC"]) > 0.65
    assert float(metrics["Words classifier AUC"]) > 0.65
    # the crisis week's injected words are among the terms most typical of it
    charts = [c for c in at.get("plotly_chart")]
    terms_b = next(c for c in charts if "Typical of B" in c.proto.spec)
    injected = set(INJECTED_TERMS["W09"])
    found = [t for t in injected if f'"{t}"' in terms_b.proto.spec]
    assert len(found) >= 4, found
    # examples and descriptor table
    assert len(at.dataframe) >= 3
    captions = "\n".join(c.value for c in at.caption)
    assert "Language changed (MMD p <" in captions and "W09" in captions.split("Language changed")[1]


def test_text_page_week_against_week_of_stable_weeks_is_calm() -> None:
    at = open_page(new_app(**{state.SCENARIO: "sentiment", state.TEXT_PERIOD_A: "W06",
                              state.TEXT_PERIOD_B: "W07"}), TEXT)
    assert not at.error, [e.value for e in at.error]
    assert any("No significant difference" in s.value for s in at.success)
    assert any("noise" in i.value for i in at.info)  # the words classifier is at chance


def test_practice_submit_shows_rubric_and_live_evidence() -> None:
    at = open_page(new_app(), PRACTICE)
    assert not at.error, [e.value for e in at.error]
    assert at.selectbox(key=state.PRACTICE_PROMPT).value == "debug_accuracy"
    assert not any("Rubric" in h.value for h in at.subheader)
    answer = ("First rule out a broken pipeline, then check prediction drift with PSI, then measure concept "
              "drift on the labels.")
    at.text_area(key=state.PRACTICE_ANSWER).input(answer)
    at.button[0].click().run()   # the form's submit button
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    expected = practice.score_answer("debug_accuracy", answer)
    assert {m.label: m.value for m in at.metric}["Points your answer mentions"] == (
        f"{len(expected.covered)} / {len(expected.matches)}")
    rubric = at.dataframe[0].value
    assert list(rubric["point"]) == [p.label for p in practice.PROMPTS["debug_accuracy"].rubric]
    assert sum(rubric["covered"].str.startswith("✅")) == len(expected.covered)
    text = markdown(at)
    # live evidence of every diagnosis step, and the concept drift the scenario injected in 2025-10
    assert "Prediction PSI" in text and "ROC AUC" in text and "MMD²" in text
    assert "Concept drift" in text
    assert any("Ground truth of 2025-10: concept drift" in s.value for s in at.success)
    assert any("keyword / phrase matching" in c.value for c in at.caption)


def test_practice_behavioural_star_is_filled_with_numbers() -> None:
    at = open_page(new_app(**{state.PRACTICE_PROMPT: "behavioural_star"}), PRACTICE)
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    text = markdown(at)
    assert "**Situation.**" in text and "**Result.**" in text
    assert "per quarter" in text.split("**Result.**")[1]


def _submit(at: AppTest, answer: str) -> AppTest:
    at.text_area(key=state.PRACTICE_ANSWER).input(answer)
    at.button[0].click().run()   # the form's submit button
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert any(h.value == "Rubric" for h in at.subheader)
    return at


@pytest.mark.parametrize("prompt", ["debug_accuracy", "pricing_autopilot"])
def test_practice_submits_again_and_in_a_second_session(prompt: str) -> None:
    """Issue 10 item 6: every submission after the first crashed (``CacheReplayClosureError``): a progress
    bar drawn by the page was moved from inside a cached function (the diagnosis; the policy replay of the
    pricing prompt), so the cache hit replayed an update of an element it had not created.  The second
    submission and a new session hit the same caches."""
    answer = "PSI on the prediction first, then concept drift on the labels."
    at = _submit(open_page(new_app(**{state.PRACTICE_PROMPT: prompt}), PRACTICE), "PSI first.")
    _submit(at, answer)
    expected = practice.score_answer(prompt, answer)
    assert {m.label: m.value for m in at.metric}["Points your answer mentions"] == (
        f"{len(expected.covered)} / {len(expected.matches)}")
    other = _submit(open_page(new_app(**{state.PRACTICE_PROMPT: prompt}), PRACTICE), "")
    assert any(s.value.startswith("**Ground truth of ") for s in [*other.success, *other.warning])
    if prompt == "pricing_autopilot":   # the policy table, replayed from the cache, is the same
        tables = [next(d.value for d in t.dataframe if "total_cost" in d.value.columns) for t in (at, other)]
        assert tables[0].equals(tables[1])


def test_practice_on_the_pricing_demand_model() -> None:
    """Practice runs on a scenario's second model: the pricing demand (regression) model is practised on
    the week whose mean absolute error rose most, its evidence is that model's diagnosis and the ground
    truth is that model's manifest."""
    sc = load_scenario("pricing").with_task("regression")
    expected = practice.batch_performance(sc.reference, sc.current, target=sc.target,
                                          prediction=sc.prediction, batch=sc.batch, task="regression")
    worst = practice.worst_batch(expected)
    at = open_page(new_app(**{state.PRACTICE_PROMPT: "debug_accuracy", state.PRACTICE_SCENARIO: "pricing",
                              state.PRACTICE_TASK: "regression"}), PRACTICE)
    assert not at.exception and not at.error, [e.value for e in [*at.exception, *at.error]]
    assert at.selectbox(key=state.PRACTICE_TASK).value == "regression"
    assert f"Practised on **{worst}**" in markdown(at) and "mean absolute error rose most" in markdown(at)
    bars = at.get("plotly_chart")[0].proto.spec
    assert "mean absolute error" in bars
    at.text_area(key=state.PRACTICE_ANSWER).input("Check the forecasts, then the residuals.")
    at.button[0].click().run()
    assert not at.exception and not at.error, [e.value for e in [*at.exception, *at.error]]
    truth = sc.manifest_row(worst)
    shown = [s.value for s in [*at.success, *at.warning] if s.value.startswith("**Ground truth of ")]
    assert shown and str(truth["kind"]).replace("_", " ") in shown[0]
    # the impact panel prices the forecasts per unit over and under (it showed the binary model's price)
    inputs = {n.label for n in at.number_input}
    assert {"Forecasts per month", "Cost per unit over-forecast ($)", "Cost per unit under-forecast ($)"} <= \
        inputs and "Decision threshold" not in inputs
    assert {"Over-forecast / quarter", "Under-forecast / quarter"} <= {m.label for m in at.metric}
    _speaks_its_task(at, "regression")


def test_practice_replays_the_pricing_demand_model_and_stars_the_three_class_one() -> None:
    """The design prompt's policy replay runs the demand (regression) model it is asked about (it said it was
    not replayed); the STAR story of the three-class sentiment model is filled with its own cost."""
    at = _submit(open_page(new_app(**{state.PRACTICE_PROMPT: "pricing_autopilot",
                                      state.PRACTICE_SCENARIO: "pricing", state.PRACTICE_TASK: "regression"}),
                           PRACTICE), "Champion and challenger.")
    table = next(d.value for d in at.dataframe if "total_cost" in d.value.columns)
    assert list(table["policy"])[0] == "never retrain" and len(table) == 4
    assert not any("not replayed" in i.value for i in at.info)
    assert "Cheapest policy over the year" in markdown(at)
    star = {state.PRACTICE_SCENARIO: "sentiment", state.PRACTICE_TASK: "multiclass"}
    at = _submit(open_page(new_app(**{state.PRACTICE_PROMPT: "behavioural_star", **star}), PRACTICE), "")
    result = markdown(at).split("**Result.**")[1]
    assert "per quarter" in result and "threshold" not in result
    assert "checked whether the model's predicted classes had moved" in markdown(at)


#: A binary classifier's words that a regression or multiclass model's Practice page must not show.
BINARY_WORDS = ("false positive", "false negative", "decision threshold", "outcome rate", "P(y | score)",
                "score distribution", "Report page prices")


def _speaks_its_task(at: AppTest, task: str) -> None:
    """The strategy, the impact panel and the verdict in the task's words (the debug prompt's)."""
    text = "\n".join([markdown(at), *(c.value for c in at.caption), *(i.value for i in at.info)])
    for word in BINARY_WORDS:
        assert word not in text, word
    for step in practice.PROMPTS["debug_accuracy"].steps:
        assert step.say_for(task) in text
    assert practice.PROMPTS["debug_accuracy"].steps[1].say_for(task) != practice.PROMPTS[
        "debug_accuracy"].steps[1].say


def test_practice_on_the_sentiment_three_class_model() -> None:
    """The sentiment scenario's three-class model has a Practice prompt: practised on the week whose accuracy
    fell most, an answer submitted is graded against the rubric, its evidence is that model's diagnosis,
    the impact is priced by a cost matrix and the ground truth is that model's manifest."""
    sc = load_scenario("sentiment").with_task("multiclass")
    expected = practice.batch_performance(sc.reference, sc.current, target=sc.target,
                                          prediction=sc.prediction, batch=sc.batch, task="multiclass")
    worst = practice.worst_batch(expected)
    at = open_page(new_app(**{state.PRACTICE_PROMPT: "debug_accuracy", state.PRACTICE_SCENARIO: "sentiment"}),
                   PRACTICE)
    assert "multiclass" in at.selectbox(key=state.PRACTICE_TASK).options[1]
    at.selectbox(key=state.PRACTICE_TASK).set_value("multiclass").run()
    assert not at.exception and not at.error, [e.value for e in [*at.exception, *at.error]]
    assert f"Practised on **{worst}**" in markdown(at) and "accuracy fell most" in markdown(at)
    assert "accuracy" in at.get("plotly_chart")[0].proto.spec
    answer = "Check prediction drift on the class shares, then concept drift and the class balance."
    at = _submit(at, answer)
    graded = practice.score_answer("debug_accuracy", answer)
    assert {m.label: m.value for m in at.metric}["Points your answer mentions"] == (
        f"{len(graded.covered)} / {len(graded.matches)}")
    assert sum(at.dataframe[0].value["covered"].str.startswith("✅")) == len(graded.covered) >= 3
    diag = next(s for s in at.markdown if s.value.startswith("**Diagnosis:**")).value
    kinds = [k for k in VERDICTS if verdict_label(k, "multiclass") in diag]
    assert kinds, diag
    truth = sc.manifest_row(worst)
    shown = [s.value for s in [*at.success, *at.warning] if s.value.startswith(f"**Ground truth of {worst}")]
    assert shown and str(truth["kind"]).replace("_", " ") in shown[0]
    assert (shown[0] in [s.value for s in at.success]) == (truth["kind"] == kinds[0])
    # the impact panel: the cost matrix over the three classes, its two parts
    assert {"Decisions per month"} <= {n.label for n in at.number_input}
    assert {"Model error / quarter", "Changed class mix / quarter"} <= {m.label for m in at.metric}
    assert any("Share of class neutral" in set(d.value.iloc[:, 0]) for d in at.dataframe
               if "figure" in d.value.columns)
    _speaks_its_task(at, "multiclass")

"""The stakeholder summary and the JSON / Markdown / HTML report (escaping and the business-impact section
included; the impact's arithmetic is tested in test_impact.py).

One real diagnosis (the credit sample's unit-change month, with two columns renamed to hostile names)
is computed once per session; verdict-specific sentences reuse it with a substituted verdict.
"""

from __future__ import annotations

import html
import json
import math
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import drift
from drift.core.decisions import BenchmarkRecord, verdict_label
from drift.core.jsonsafe import jsonable
from drift.data.task import TaskInfo
from drift.diagnosis.diagnose import VERDICTS, Finding, Verdict, diagnose
from drift.model.impact import INPUT_NAMES, business_impact, impact_inputs
from drift.report.build import build_batch_report, build_report, md_escape, stakeholder_summary
from drift.report.charts import feature_psi_chart, label, step_figures

ROOT = Path(__file__).resolve().parents[2]
IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "</script><script>alert(1)</script>"
HOSTILE = {"income": IMG, "region": SCRIPT}
MONEY = {"decisions_per_month": 20_000, "cost_false_positive": 120, "cost_false_negative": 900}


@pytest.fixture(scope="session")
def hostile_pair() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Credit sample: reference and month 2025-05 (income in thousands), hostile column names."""
    ref = drift.load_table(ROOT / "data" / "credit_reference_sample.csv")
    prod = drift.load_table(ROOT / "data" / "credit_production_sample.csv")
    cur = prod[prod["batch"] == "2025-05"].drop(columns=["batch", "month"]).reset_index(drop=True)
    return ref.rename(columns=HOSTILE), cur.rename(columns=HOSTILE)


@pytest.fixture(scope="session")
def diagnosis(hostile_pair):
    ref, cur = hostile_pair
    return diagnose(ref, cur, target="default", prediction="score", rng=0)


@pytest.fixture(scope="session")
def unlabelled(hostile_pair):
    ref, cur = hostile_pair
    return diagnose(ref, cur, target="default", prediction="score", use_labels=False,
                    steps=("prediction", "concept"), rng=0)


def priced(pair, *, use_labels: bool = True, supplied=None, **figures):
    ref, cur = pair
    inputs = impact_inputs(**figures, supplied=supplied)
    return business_impact(ref, cur, target="default", prediction="score", inputs=inputs,
                           use_labels=use_labels, n_boot=200, rng=0)


@pytest.fixture(scope="session")
def impact(hostile_pair):
    """Two of the four figures given: the costs of errors; the volume and the threshold are assumed."""
    return priced(hostile_pair, cost_false_positive=120, cost_false_negative=900)


@pytest.fixture(scope="session")
def report(diagnosis, impact):
    return build_report(diagnosis, title=f"Report {IMG}", impact=impact, reference_name="train <b>.csv",
                        current_name="2025-05")


@pytest.fixture(scope="session")
def html_text(report) -> str:
    return report.to_html()


def _with_verdict(diagnosis, kind: str):
    finding = Finding(kind, "strong", ("evidence one",))
    record = BenchmarkRecord(kind, "strong", n=52, right=47, held_out_n=14, held_out_right=12)
    return replace(diagnosis, verdict=Verdict(kind, "strong", finding.evidence, (finding,), benchmark=record))


def _without_concept(diagnosis):
    steps = tuple(replace(s, status="skipped", evidence={}, result=None) if s.key == "concept" else s
                  for s in diagnosis.steps)
    return replace(diagnosis, steps=steps, has_labels=False)


# ----------------------------------------------------------------------------------------- summary
RECOMMENDATION_WORDS = {
    "data_quality": ("pipeline", "do not retrain"),
    "input_drift": ("add its predictions", "expected change"),
    "covariate_shift": ("monitoring", "segments"),
    "prediction_drift": ("thresholds", "retrain"),
    "prior_shift": ("Recalibrate", "threshold"),
    "concept_drift": ("Retrain on recent labelled data",),
    "no_drift": ("Keep monitoring",),
}
CHANGED_WORDS = {
    "data_quality": "unit change",
    "input_drift": "whether the model's outputs moved with it is unknown",
    "covariate_shift": "mix of incoming cases",
    "prediction_drift": "predictions moved",
    "prior_shift": "outcome rate changed",
    "concept_drift": "relationship between the inputs and the outcome",
    "no_drift": "Nothing meaningful changed",
}


@pytest.mark.parametrize("kind", VERDICTS)
def test_summary_sentences_per_verdict(diagnosis, kind):
    s = stakeholder_summary(_with_verdict(diagnosis, kind))
    assert set(s) == {"headline", "what_changed", "how_sure", "what_it_costs", "recommendation"}
    assert all(isinstance(v, str) and v.strip() for v in s.values())
    assert s["headline"] == drift.diagnosis.diagnose.VERDICT_LABELS[kind]
    assert CHANGED_WORDS[kind] in s["what_changed"]
    for word in RECOMMENDATION_WORDS[kind]:
        assert word in s["recommendation"]
    assert s["how_sure"].startswith("Verdicts like this one were right in 47 of 52 comparable benchmark "
                                    "cases (held-out data: 12 of 14)")
    unmeasured = replace(diagnosis, verdict=replace(diagnosis.verdict, kind=kind, benchmark=None))
    assert "not measured" in stakeholder_summary(unmeasured)["how_sure"]


def test_summary_cost_and_certainty_follow_the_evidence(diagnosis, unlabelled, hostile_pair, impact):
    cost = stakeholder_summary(diagnosis, impact)["what_it_costs"]
    assert cost == impact.sentence
    assert cost.startswith("Model error (measured on labels, at the model's decision threshold 0.118")
    assert "a change in the business, not a model failure" in cost and "With assumed figures" in cost
    assert "Not priced in this report" in stakeholder_summary(diagnosis)["what_it_costs"]
    no_labels = stakeholder_summary(unlabelled, priced(hostile_pair, use_labels=False))
    assert "cannot be ruled out" in no_labels["how_sure"]
    assert "estimated without labels" in no_labels["what_it_costs"]


def test_a_report_says_why_its_data_could_not_be_priced(diagnosis):
    reason = "Not priced: current: column 'score': the score is not a probability in [0, 1]"
    rep = build_report(diagnosis, not_priced=reason, current_name="2025-05")
    assert rep.sections[0].summary["what_it_costs"] == reason
    assert md_escape(reason) in rep.to_markdown()
    assert stakeholder_summary(diagnosis, not_priced=reason)["what_it_costs"] == reason


def test_summary_without_a_prediction_column_says_what_pricing_needs(diagnosis):
    no_model = replace(diagnosis, schema=diagnosis.schema.with_roles(prediction=None))
    cost = stakeholder_summary(no_model)["what_it_costs"]
    assert cost.startswith("Not priced") and "prediction column" in cost


def test_real_verdict_reads_as_a_pipeline_problem(diagnosis):
    assert diagnosis.verdict.kind == "data_quality"
    s = stakeholder_summary(diagnosis)
    assert IMG in s["what_changed"] and IMG in s["recommendation"]  # plain text; escaping is per format


# -------------------------------------------------------------------------------------------- JSON
def test_json_round_trips_with_everything(report, diagnosis):
    text = report.to_json()
    data = json.loads(text, parse_constant=lambda c: pytest.fail(f"non-standard JSON constant {c}"))
    section = data["sections"][0]
    assert section["verdict"]["kind"] == diagnosis.verdict.kind == data["overview"][0]["verdict"]
    assert [s["key"] for s in section["steps"]] == [s.key for s in diagnosis.steps]
    assert all("evidence" in s for s in section["steps"])
    assert len(section["features"]) == len(diagnosis.feature_table)
    assert {f["feature"] for f in section["features"]} >= {IMG, SCRIPT}
    assert section["impact"]["source"] == "measured" and section["task"]["task"] == "binary"
    assert section["impact"]["model_error"]["formula"].startswith("10,000 decisions/month × 3 months × (")
    assert set(section["summary"]) >= {"what_changed", "how_sure", "what_it_costs", "recommendation"}
    meta = data["metadata"]
    assert meta["version"] == drift.__version__ and meta["n_reference"] == 3000
    assert meta["rows"] == {"2025-05": 1000} and re.match(r"\d{4}-\d\d-\d\dT", meta["generated_at"])


def test_jsonable_cleans_numpy_and_nan():
    out = jsonable({"a": np.float64("nan"), "b": np.int64(3), "c": (np.bool_(True), float("inf")),
                    "d": pd.DataFrame({"x": [1.5]}), "e": np.array([1, 2])})
    assert out == {"a": None, "b": 3, "c": [True, None], "d": [{"x": 1.5}], "e": [1, 2]}
    json.dumps(out, allow_nan=False)


# ---------------------------------------------------------------------------------------- Markdown
def test_markdown_escape_by_hand():
    assert md_escape("a|b*c_d[e]`f`\\") == r"a\|b\*c\_d\[e\]\`f\`\\"
    assert md_escape(IMG) == "&lt;img src=x onerror=alert(1)&gt;"
    assert md_escape("R&D &amp; co\nnext") == "R&D &amp;amp; co next"


def test_markdown_has_verdict_summary_and_escaped_names(report, diagnosis):
    md = report.to_markdown()
    assert diagnosis.verdict.label in md
    assert "**What we recommend:**" in md and "**Drifted features:**" in md
    assert "<img src=x" not in md and "</script>" not in md and "<b>" not in md
    assert "&lt;img src=x onerror=alert(1)&gt;" in md
    assert "| &lt;img src=x onerror=alert(1)&gt; | numeric | major |" in md  # the drifted-feature row


# -------------------------------------------------------------------------------------------- HTML
def test_html_is_one_self_contained_file(html_text):
    assert html_text.startswith("<!DOCTYPE html>")
    assert html_text.count("plotly.js v") == 1  # the bundle's header comment: embedded exactly once
    assert html_text.count("Plotly.newPlot(") >= 5
    external = re.findall(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//",
                          html_text, flags=re.IGNORECASE)
    assert external == []
    assert "<link" not in html_text.lower()
    # no script closes early: every <script> has its own </script>
    assert html_text.lower().count("<script") == html_text.lower().count("</script>")


def test_html_escapes_hostile_names_everywhere(html_text):
    assert "<img src=x" not in html_text
    assert "</script><script>" not in html_text
    assert "<b>.csv" not in html_text and "train &lt;b&gt;.csv" in html_text
    assert "&lt;img src=x onerror=alert(1)&gt;" in html_text  # in the text of the page
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html_text


def test_html_sections_and_charts(html_text, diagnosis):
    for heading in ("What changed", "How sure we are", "What it costs", "What we recommend",
                    "Business impact", "All features"):
        assert heading in html_text
    for step in diagnosis.steps:
        assert label(step.title) in html_text


def test_batch_report_has_an_overview(diagnosis):
    rep = build_batch_report({"2025-05": diagnosis, "<i>b</i>": diagnosis}, title="Batches")
    html_text, md, data = rep.to_html(), rep.to_markdown(), json.loads(rep.to_json())
    assert [o["current_name"] for o in data["overview"]] == ["2025-05", "<i>b</i>"]
    assert len(data["sections"]) == 2
    assert 'href="#section-1"' in html_text and "<i>b</i>" not in html_text
    assert html_text.count("plotly.js v") == 1
    assert "| Data | Verdict | Confidence |" in md and "&lt;i&gt;b&lt;/i&gt;" in md
    with pytest.raises(drift.DriftParameterError, match="'diagnoses' parameter of build_batch_report"):
        build_batch_report({})


# ------------------------------------------------------------------------------------------ charts
def test_charts_escape_labels_and_cover_every_step(diagnosis):
    fig = feature_psi_chart(diagnosis.feature_table)
    names = list(fig.data[0].y)
    assert label(IMG) in names and IMG not in names
    assert fig.layout.xaxis.type == "log"  # income's PSI (~8) would flatten every other bar
    figures = {s.key: step_figures(s) for s in diagnosis.steps}
    assert all(figures[k] for k in ("inputs", "prediction", "concept", "domain", "mmd"))
    assert len(figures["concept"]) == 2  # performance change and calibration
    importances = figures["domain"][0].data[0].y
    assert label(SCRIPT) in importances and SCRIPT not in importances
    # the broken column (income in thousands) is left out of the domain classifier, and said so
    assert IMG not in importances and diagnosis.step("domain").evidence["left_out"] == [IMG]
    assert math.isfinite(figures["prediction"][0].data[0].y[0])


# -------------------------------------------------------------------------------- business impact
def test_every_export_marks_each_assumed_input(report, hostile_pair):
    """Costs given, volume and threshold assumed: JSON flags, Markdown rows and the HTML table all say so."""
    inputs = json.loads(report.to_json())["sections"][0]["impact"]["inputs"]
    assert {n: inputs[n]["assumed"] for n in INPUT_NAMES} == {
        "decisions_per_month": True, "cost_false_positive": False, "cost_false_negative": False,
        "threshold": True}
    assert inputs["any_assumed"] is True and inputs["threshold"]["value"] == pytest.approx(120 / 1020)
    md = report.to_markdown()
    assert "**Business impact** — with assumed figures (measured on labels" in md
    assert "| Decisions per month | 10,000 | yes — edit to your figures |" in md
    assert "| Cost of a false negative | $900 | no — your figure |" in md
    assert "| Decision threshold | 0.118 | yes — edit to your figures |" in md
    html_text = report.to_html()
    assert html_text.count("assumed — edit to your figures") == 2
    assert html_text.count("your figure</td>") == 2 and "with assumed figures</span>" in html_text
    # every figure supplied: no "assumed" anywhere
    mine = build_report(report.sections[0].diagnosis, impact=priced(hostile_pair, threshold=0.2, **MONEY),
                        current_name="2025-05")
    flags = json.loads(mine.to_json())["sections"][0]["impact"]["inputs"]
    assert not any(flags[n]["assumed"] for n in INPUT_NAMES) and flags["any_assumed"] is False
    assert "with assumed figures" not in mine.to_markdown() and "yes — edit" not in mine.to_markdown()
    assert "assumed" not in mine.sections[0].summary["what_it_costs"]


def test_every_export_shows_each_part_with_its_formula(report, impact):
    md, html_text = report.to_markdown(), report.to_html()
    for part in impact.parts:
        assert part.formula.startswith("10,000 decisions/month × 3 months × ")
        assert md_escape(part.formula) in md
        assert html.escape(part.formula) in html_text
        shown = f"{md_escape(impact.figure(part))} (range {md_escape(impact.range_text(part))})"
        assert f"**{part.label}:** {shown}" in md
    assert "Changed outcome rate" in html_text and "not a model failure" in html_text
    data = json.loads(report.to_json())["sections"][0]["impact"]
    both = data["outcome_rate"]["amount"] + data["model_error"]["amount"]
    assert both == pytest.approx(data["total"]["amount"])
    assert set(data["model_error"]) >= {"formula", "interval", "measurable", "amount", "per_decision"}


def test_one_severity_palette_for_the_app_and_the_report():
    from drift.report import build as report
    from drift.report import charts as report_charts
    from drift.report import palette
    from ui import charts

    assert report_charts.SEVERITY_COLORS == palette.SEVERITY
    assert {s: c[0] for s, c in charts.SEVERITY_COLORS.items()} == palette.SEVERITY
    assert (charts.REFERENCE_COLOR, charts.CURRENT_COLOR) == (report_charts.REFERENCE_COLOR,
                                                              report_charts.CURRENT_COLOR)
    assert report._SEVERITY_TEXT_COLORS == palette.SEVERITY_TEXT


# ------------------------------------------------------------------------------- per task (issue 12)
REGRESSION = TaskInfo("regression", "forecast", "units", "forecast")
MULTICLASS = TaskInfo("multiclass", "label", "sentiment", "predicted", (IMG, "neutral", "positive"))
#: Words of a binary classifier's report that a regression or multiclass report must not print.
BINARY_ONLY = ("ROC AUC", "flagged", "outcome rate", "false positive", "false negative", "decision threshold",
               "a score column")


def _as_task(diagnosis, info: TaskInfo | None, kind: str | None = None):
    d = _with_verdict(diagnosis, kind) if kind else diagnosis
    return replace(d, task=info)


@pytest.fixture(scope="session")
def regression_impact_result():
    ref = pd.DataFrame({"units": [10, 10, 10, 10, 20, 20, 20, 20],
                        "forecast": [12, 9, 10, 11, 18, 20, 23, 20]})
    cur = ref.assign(units=[10, 12, 14, 10, 20, 25, 22, 20])
    return drift.regression_impact(ref, cur, target="units", prediction="forecast", cost_per_unit_under=5,
                                   n_boot=100)


@pytest.fixture(scope="session")
def multiclass_impact_result():
    labels = [IMG, "neutral", "positive"]
    ref = pd.DataFrame({"sentiment": [labels[i] for i in (0, 0, 0, 0, 1, 1, 1, 2, 2, 2)],
                        "predicted": [labels[i] for i in (0, 0, 1, 0, 0, 1, 1, 2, 1, 2)]})
    cur = pd.DataFrame({"sentiment": [labels[i] for i in (0, 0, 1, 1, 1, 2, 2, 2, 2, 2)],
                        "predicted": [labels[i] for i in (0, 2, 1, 1, 2, 0, 2, 1, 2, 2)]})
    costs = pd.DataFrame([[0, 1, 4], [2, 0, 1], [8, 3, 0]], index=labels, columns=labels)
    return drift.multiclass_impact(ref, cur, target="sentiment", prediction="predicted", cost_matrix=costs,
                                   n_boot=100)


#: Words of a classifier's report that a regression report must not print either.
CLASSIFIER_ONLY = ("score", "probabilit", "class")


@pytest.mark.parametrize("info", [REGRESSION, MULTICLASS], ids=["regression", "multiclass"])
@pytest.mark.parametrize("kind", VERDICTS)
def test_summary_speaks_the_task_never_a_binary_metric(diagnosis, info, kind):
    s = stakeholder_summary(_as_task(diagnosis, info, kind))
    # every sentence, the headline (the verdict's label in the task's words) included; the verdict's own
    # evidence ("evidence one" here) is the diagnosis's, tested in test_diagnosis_tasks.py
    text = " ".join(s.values())
    for word in BINARY_ONLY + (CLASSIFIER_ONLY if info.task == "regression" else ()):
        assert word not in text, (kind, word)
    assert s["headline"] == verdict_label(kind, info.task) == replace(
        diagnosis.verdict, kind=kind, task=info.task).label
    drift_name = "regression_impact" if info.task == "regression" else "multiclass_impact"
    assert f"drift.{drift_name}" in s["what_it_costs"]


def test_summary_quotes_the_task_metric_and_the_forecasts(diagnosis):
    shares = [{"class": "neutral", "reference_share": 0.169, "current_share": 0.097},
              {"class": IMG, "reference_share": 0.338, "current_share": 0.367}]
    concept = replace(diagnosis.step("concept"), evidence={"performance": [
        {"metric": "mae", "reference": 0.709, "current": 0.8123},
        {"metric": "accuracy", "reference": 0.87, "current": 0.68},
        {"metric": "roc_auc", "reference": 0.8, "current": 0.7}],
        "target_mean": {"reference": 0.5509, "current": 0.6}, "label_shares": shares, "target": "units"})
    d = replace(diagnosis, steps=tuple(concept if st.key == "concept" else st for st in diagnosis.steps))
    changed = stakeholder_summary(_as_task(d, REGRESSION, "concept_drift"))["what_changed"]
    assert "forecasts no longer mean" in changed and "(mean absolute error 0.709 → 0.8123)" in changed
    assert "(ROC AUC 0.800 → 0.700)" in stakeholder_summary(_with_verdict(d, "concept_drift"))["what_changed"]
    concept_mc = stakeholder_summary(_as_task(d, MULTICLASS, "concept_drift"))
    assert "class probabilities no longer mean" in concept_mc["what_changed"]
    assert "(accuracy 0.870 → 0.680)" in concept_mc["what_changed"]
    assert "lowest top-class probability" in concept_mc["recommendation"]
    assert "forecasting them as before" in stakeholder_summary(_as_task(d, REGRESSION, "covariate_shift"))[
        "what_changed"]
    level = stakeholder_summary(_as_task(d, REGRESSION, "prior_shift"))
    assert "level of the outcome changed (mean units 0.5509 → 0.6, in the target's units)" in level[
        "what_changed"]
    assert level["headline"] == ("Prior shift: the target's mean moved while the forecasts still follow the "
                                 "inputs")
    assert "bias correction" in level["recommendation"]
    mix = stakeholder_summary(_as_task(d, MULTICLASS, "prior_shift"))["what_changed"]
    assert f"mix of classes changed (neutral 16.9% → 9.7%, {IMG} 33.8% → 36.7%)" in mix  # largest first
    prediction = replace(diagnosis.step("prediction"), evidence={
        "mean_reference": 0.5509, "mean_current": 0.71, "positive_rate_reference": 0.2,
        "positive_rate_current": 0.3, "shares": shares[:1]})
    d = replace(diagnosis, steps=tuple(prediction if st.key == "prediction" else st
                                       for st in diagnosis.steps))
    s = stakeholder_summary(_as_task(d, REGRESSION, "prediction_drift"))
    assert "the average forecast went from 0.5509 to 0.71" in s["what_changed"]
    assert "(average forecast 0.5509 → 0.71)" in s["recommendation"] and "20.0%" not in str(s)
    s = stakeholder_summary(_as_task(d, MULTICLASS, "prediction_drift"))
    assert "a different share of cases to each class (predicted neutral 16.9% → 9.7%)" in s["what_changed"]
    assert "20.0%" not in str(s)
    prior = stakeholder_summary(_as_task(d, MULTICLASS, "prior_shift"))
    assert "mix of classes changed" in prior["what_changed"] and "prior correction" in prior["recommendation"]
    no_model = replace(diagnosis, schema=diagnosis.schema.with_roles(prediction=None))
    no_output = TaskInfo("regression", None, "units", None)
    cost = stakeholder_summary(_as_task(no_model, no_output))["what_it_costs"]
    assert cost.startswith("Not priced") and "the forecast, in the target's units" in cost
    by_columns = TaskInfo("multiclass", "class_probabilities", "y", None, ("a", "b"),
                          {"a": "proba_a", "b": "proba_b"})
    cost = stakeholder_summary(_as_task(no_model, by_columns))["what_it_costs"]
    assert "drift.multiclass_impact" in cost     # per-class probabilities are a model output: priceable


def test_report_task_reads_the_diagnosis_then_the_impact(diagnosis, impact, regression_impact_result):
    from drift.report.build import report_task

    untold = _as_task(diagnosis, None)                # a diagnosis that does not know its task
    assert report_task(untold) == "binary" and report_task(untold, impact) == "binary"
    assert report_task(untold, regression_impact_result) == "regression"
    assert report_task(_as_task(diagnosis, MULTICLASS), regression_impact_result) == "multiclass"
    assert report_task(diagnosis) == "binary"


def test_regression_report_quotes_its_impact(diagnosis, regression_impact_result):
    ri = regression_impact_result
    rep = build_report(_as_task(diagnosis, REGRESSION, "concept_drift"), impact=ri, current_name="W52")
    assert rep.sections[0].summary["what_it_costs"] == ri.sentence
    md, html_text = rep.to_markdown(), rep.to_html()
    section = json.loads(rep.to_json())["sections"][0]
    data = section["impact"]
    assert section["task"]["task"] == data["task"] == "regression"
    assert data["inputs"]["cost_per_unit_under"]["assumed"] is False
    assert "| Forecasts per month | 10,000 | yes — edit to your figures |" in md
    assert "| Cost per unit under-forecast | $5.00 per unit | no — your figure |" in md
    assert "Decision threshold" not in md and "Decision threshold" not in html_text
    for part in ri.parts:
        assert f"**{part.label}:** {md_escape(ri.figure(part))}" in md
        assert html.escape(part.formula) in html_text and html.escape(part.label) in html_text
    assert html.escape(ri.method_text) in html_text and "Cost matrix" not in html_text


def test_multiclass_report_shows_the_cost_matrix_escaped(diagnosis, multiclass_impact_result):
    mi = multiclass_impact_result
    rep = build_report(_as_task(diagnosis, MULTICLASS), impact=mi, current_name="week 9")
    md, html_text = rep.to_markdown(), rep.to_html()
    assert "Cost matrix (rows: true class, columns: predicted class):" in md
    assert f"| {md_escape(IMG)} | $0 | $1.00 | $4.00 |" in md
    assert "| Cost matrix | 3×3 matrix ($1.00 to $8.00 per error) | no — your figure |" in md
    assert "<img src=x" not in html_text and f"<td>{html.escape(IMG)}</td>" in html_text
    assert '<table class="costs">' in html_text and "Changed class mix" in html_text
    assert rep.sections[0].summary["what_it_costs"] == mi.sentence
    data = json.loads(rep.to_json())["sections"][0]["impact"]
    assert data["cost_matrix"] == [[0, 1, 4], [2, 0, 1], [8, 3, 0]] and data["classes"][0] == IMG


def test_report_of_a_real_regression_diagnosis():
    """drift.diagnose on a regression model (the forecasts moved, the errors grew), priced by its task."""
    gen = np.random.default_rng(0)
    sides = []
    for n, shift, noise in ((600, 0.0, 0.0), (400, 0.8, 1.0)):
        x = gen.normal(shift, 1, n)
        forecast = np.exp(0.5 + 0.4 * x)
        sides.append(pd.DataFrame({"x": x, "units": gen.poisson(forecast) + gen.poisson(noise, n),
                                   "forecast": forecast.round(3)}))
    ref, cur = sides
    d = diagnose(ref, cur, target="units", prediction="forecast", task="regression",
                 steps=("prediction", "concept"), rng=0)
    assert d.task.task == "regression"
    bi = drift.task_business_impact(ref, cur, d.task, drift.regression_inputs(cost_per_unit_under=5),
                                    n_boot=200, rng=0)
    rep = build_report(d, impact=bi, current_name="week 2")
    s = rep.sections[0].summary
    assert s["what_it_costs"] == bi.sentence and bi.under_forecast.amount > 0
    text = " ".join(v for k, v in s.items() if k not in ("headline", "how_sure"))
    assert not [w for w in BINARY_ONLY if w in text], text
    if d.verdict.kind == "concept_drift":
        assert "mean absolute error" in s["what_changed"]
    md = rep.to_markdown()
    assert "**Under-forecast:**" in md and "ROC AUC" not in md
    assert json.loads(rep.to_json())["sections"][0]["task"]["task"] == "regression"

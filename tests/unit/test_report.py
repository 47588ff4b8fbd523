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
from drift.core.decisions import BenchmarkRecord
from drift.core.jsonsafe import jsonable
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
    assert section["impact"]["source"] == "measured"
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

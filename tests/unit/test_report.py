"""Business impact, the stakeholder summary, and the JSON / Markdown / HTML report (escaping included).

One real diagnosis (the credit sample's unit-change month, with two columns renamed to hostile names)
is computed once per session; verdict-specific sentences reuse it with a substituted verdict.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import drift
from drift.decisions import BenchmarkRecord
from drift.diagnosis import VERDICTS, Finding, Verdict, diagnose
from drift.impact import business_impact, format_money, impact_from_diagnosis
from drift.report import build_batch_report, build_report, jsonable, md_escape, stakeholder_summary
from drift.report_charts import feature_psi_chart, label, step_figures

ROOT = Path(__file__).resolve().parents[2]
IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "</script><script>alert(1)</script>"
HOSTILE = {"income": IMG, "region": SCRIPT}
MONEY = {"decisions_per_month": 20_000, "value_per_good_decision": 120, "cost_per_error": 900}


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


@pytest.fixture(scope="session")
def report(diagnosis):
    impact = impact_from_diagnosis(diagnosis, **MONEY)
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


# ------------------------------------------------------------------------------------------ impact
def test_business_impact_arithmetic_by_hand():
    bi = business_impact(decisions_per_month=10_000, value_per_good_decision=50, cost_per_error=200,
                         accuracy_change=-0.02, accuracy_change_interval=(-0.03, -0.01))
    # 2 % of 10,000 decisions turn wrong: 200 a month, each losing 50 + 200
    assert bi.extra_errors_per_month == pytest.approx(200)
    assert bi.monthly_cost == pytest.approx(200 * 250)
    assert bi.quarterly_cost == pytest.approx(3 * 50_000)
    # the largest fall (-3 %) is the top of the cost range
    assert bi.monthly_cost_interval == pytest.approx((25_000, 75_000))
    assert bi.quarterly_cost_interval == pytest.approx((75_000, 225_000))
    assert bi.significant
    s = bi.sentence
    assert "~200 more wrong decisions a month" in s
    assert "$150,000 per quarter" in s and "$75,000–$225,000" in s
    d = bi.to_dict()
    assert json.loads(json.dumps(d))["quarterly_cost"] == pytest.approx(150_000)
    assert d["sentence"] == s and d["source"] == "measured"


def test_business_impact_floors_gains_and_propagates_a_straddling_interval():
    gain = business_impact(decisions_per_month=1000, value_per_good_decision=10, cost_per_error=30,
                           accuracy_change=0.01)
    assert gain.monthly_cost == 0 and gain.quarterly_cost == 0 and gain.extra_errors_per_month == 0
    assert gain.monthly_cost_interval is None and "has not fallen" in gain.sentence
    noisy = business_impact(decisions_per_month=1000, value_per_good_decision=10, cost_per_error=30,
                            accuracy_change=-0.01, accuracy_change_interval=(-0.03, 0.02))
    assert noisy.monthly_cost == pytest.approx(1000 * 0.01 * 40)
    assert noisy.monthly_cost_interval == pytest.approx((0.0, 1000 * 0.03 * 40))
    assert not noisy.significant and "sampling noise" in noisy.sentence
    est = business_impact(decisions_per_month=1000, value_per_good_decision=10, cost_per_error=30,
                          accuracy_change=-0.05, source="estimated", currency="€")
    assert est.quarterly_cost_interval is None
    assert "without labels" in est.sentence and "€6,000 per quarter" in est.sentence


@pytest.mark.parametrize("bad, match", [
    ({"decisions_per_month": -1}, "'decisions_per_month' parameter of business_impact"),
    ({"value_per_good_decision": float("nan")}, "'value_per_good_decision'"),
    ({"cost_per_error": float("inf")}, "'cost_per_error'"),
    ({"accuracy_change": 1.5}, "'accuracy_change'"),
    ({"accuracy_change_interval": (0.01, -0.01)}, "'accuracy_change_interval'"),
    ({"accuracy_change_interval": (0.01,)}, "'accuracy_change_interval'"),
    ({"source": "guessed"}, "'source'"),
])
def test_business_impact_rejects_bad_parameters(bad, match):
    kwargs = {"decisions_per_month": 100, "value_per_good_decision": 1, "cost_per_error": 1,
              "accuracy_change": -0.01} | bad
    with pytest.raises(drift.DriftParameterError, match=match):
        business_impact(**kwargs)


def test_format_money():
    assert format_money(150_000) == "$150,000"
    assert format_money(123_456) == "$123,000"
    assert format_money(2_450_000) == "$2.45M"
    assert format_money(34.5) == "$34.50"
    assert format_money(0) == "$0"


def test_impact_from_diagnosis_uses_measured_then_estimated(diagnosis, unlabelled):
    measured = impact_from_diagnosis(diagnosis, **MONEY)
    row = diagnosis.step("concept").result[0].table.loc["accuracy"]
    assert measured.source == "measured"
    assert measured.accuracy_change == pytest.approx(row["change"])
    assert measured.accuracy_change_interval == pytest.approx((row["lo"], row["hi"]))
    estimated = impact_from_diagnosis(unlabelled, **MONEY)
    assert estimated.source == "estimated" and estimated.accuracy_change_interval is None
    assert estimated.accuracy_change == pytest.approx(unlabelled.step("concept").result.change("accuracy"))
    assert impact_from_diagnosis(_without_concept(diagnosis), **MONEY) is None


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
    assert s["headline"] == drift.diagnosis.VERDICT_LABELS[kind]
    assert CHANGED_WORDS[kind] in s["what_changed"]
    for word in RECOMMENDATION_WORDS[kind]:
        assert word in s["recommendation"]
    assert s["how_sure"].startswith("Verdicts like this one were right in 47 of 52 comparable benchmark "
                                    "cases (held-out data: 12 of 14)")
    unmeasured = replace(diagnosis, verdict=replace(diagnosis.verdict, kind=kind, benchmark=None))
    assert "not measured" in stakeholder_summary(unmeasured)["how_sure"]


def test_summary_cost_and_certainty_follow_the_evidence(diagnosis, unlabelled):
    impact = impact_from_diagnosis(diagnosis, **MONEY)
    assert stakeholder_summary(diagnosis, impact)["what_it_costs"] == impact.sentence
    unpriced = stakeholder_summary(diagnosis)["what_it_costs"]
    assert "Accuracy changed by" in unpriced and "measured on labels" in unpriced
    no_labels = stakeholder_summary(unlabelled)
    assert "cannot be ruled out" in no_labels["how_sure"]
    assert "estimated without labels" in no_labels["what_it_costs"]
    assert "Not priced" in stakeholder_summary(_without_concept(diagnosis))["what_it_costs"]


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

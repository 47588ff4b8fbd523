"""The Diagnosis and Report pages, run headless with AppTest on the credit scenario and on an upload.

Expected verdicts and costs come from calling ``drift.diagnose`` / ``drift.business_impact``
directly on the same rows with the same settings, the way a notebook user would.  Diagnoses are cached
per process (``st.cache_resource``), so the tests share them: keep to few distinct batches.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import drift
from drift.model.impact import INPUT_NAMES, impact_inputs
from drift.report.build import md_escape
from tests.app.test_pages import new_app as shared_new_app
from tests.app.test_pages import open_page as shared_open_page
from tests.app.test_pages import scenario_tables
from ui import state
from ui.safe import text as md

TIMEOUT = 300            # seconds per run: a diagnosis (domain classifier, MLP, MMD) on a loaded machine
DIAGNOSIS = "pages/diagnosis.py"
REPORT = "pages/report.py"
DRIFTED_BATCH = "2025-03"   # prediction drift (an online campaign)
CONCEPT_BATCH = "2025-10"   # concept drift: invisible without labels
HOSTILE = "<img src=x onerror=alert(1)>"


# --- helpers -----------------------------------------------------------------------------------
def new_app(**session: object) -> AppTest:
    return shared_new_app(timeout=TIMEOUT, **session)


def open_page(at: AppTest, page: str) -> AppTest:
    at = shared_open_page(at, page)
    assert not [e.value for e in at.error]
    return at


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@cache
def expected_diagnosis(batch: str, use_labels: bool = True):
    """``drift.diagnose`` on one credit batch, with the app's default settings (alpha 0.05, BH, seed 0)."""
    reference, current, schema = scenario_tables("credit")
    validated = drift.validate_pair(reference, current, schema).schema
    rows = current[current[validated.batch].astype(str) == batch].reset_index(drop=True)
    return drift.diagnose(reference, rows, schema=validated, use_labels=use_labels, alpha=0.05,
                          correction="bh", rng=0)


@cache
def credit_tables() -> dict:
    """``drift.feature_drift`` of every credit batch with the app's default settings."""
    reference, current, schema = scenario_tables("credit")
    validated = drift.validate_pair(reference, current, schema).schema
    return {b: drift.feature_drift(reference, current[current[validated.batch].astype(str) == b],
                                   schema=validated, alpha=0.05, correction="bh")
            for b in pd.unique(current[validated.batch].astype(str))}


def batch_rows(batch: str):
    reference, current, schema = scenario_tables("credit")
    validated = drift.validate_pair(reference, current, schema).schema
    return reference, current[current[validated.batch].astype(str) == batch].reset_index(drop=True)


def expected_impact(batch: str, use_labels: bool = True, **figures):
    """``drift.business_impact`` on the batch, with the figures the user typed (the rest assumed)."""
    reference, rows = batch_rows(batch)
    return drift.business_impact(reference, rows, target="default", prediction="score",
                                 inputs=impact_inputs(**figures), use_labels=use_labels, rng=0)


def shown_verdict(at: AppTest) -> str:
    heads = [s.value for s in at.subheader]
    assert "Verdict" in heads, f"no verdict section; subheaders: {heads}"
    return heads[heads.index("Verdict") + 1]


def texts(at: AppTest) -> list[str]:
    """Every piece of Markdown the page sent (markdown, captions, callouts, expander labels)."""
    out = [m.value for m in at.markdown] + [c.value for c in at.caption] + [s.value for s in at.subheader]
    for kind in ("info", "warning", "success", "error"):
        out += [e.value for e in getattr(at, kind)]
    out += [e.label for e in at.expander]
    return out


# --- Diagnosis ---------------------------------------------------------------------------------
def test_stepper_walks_to_the_verdict_of_drift_diagnose() -> None:
    expected = expected_diagnosis(DRIFTED_BATCH)
    at = open_page(new_app(**{state.BATCH: DRIFTED_BATCH}), DIAGNOSIS)
    assert "Verdict" not in [s.value for s in at.subheader], "the verdict must wait for the walk"
    for i, step in enumerate(expected.steps):
        titles = [m.value for m in at.markdown if m.value.startswith("### ")]
        assert titles == [f"### {step.title}"], f"step {i}: {titles}"
        assert any(step.summary.split(" ")[0] in t for t in texts(at))
        assert at.button(key="diag_back").disabled == (i == 0)
        click(at, "diag_next")
    assert shown_verdict(at) == expected.verdict.label
    assert len(at.expander) >= len(expected.steps)              # the walked steps, collapsed
    page_text = " ".join(texts(at))
    assert "GROUND TRUTH" in page_text                           # the manifest next to the verdict
    assert "matches the injected change" in page_text            # credit 2025-03 is prediction drift
    # Start over returns to the first step
    click(at, "diag_restart")
    assert [m.value for m in at.markdown if m.value.startswith("### ")] == [f"### {expected.steps[0].title}"]


def test_run_all_and_the_no_labels_toggle() -> None:
    with_labels = expected_diagnosis(CONCEPT_BATCH, True)
    without = expected_diagnosis(CONCEPT_BATCH, False)
    assert with_labels.verdict.kind == "concept_drift" and without.verdict.kind != "concept_drift"
    at = open_page(new_app(**{state.BATCH: CONCEPT_BATCH}), DIAGNOSIS)
    click(at, "diag_all")
    assert shown_verdict(at) == with_labels.verdict.label
    assert len(at.get("plotly_chart")) >= 5                      # every step's charts
    at.toggle(key=state.DIAG_LABELS).set_value(False).run()
    assert not at.exception
    assert shown_verdict(at) == without.verdict.label
    assert any("estimated" in t and "concept drift" in t for t in texts(at)), "no-label caveat missing"
    assert any("differs from the injected change" in t for t in texts(at))


def test_a_scenario_diagnosis_is_read_back_from_disk(session_disk_cache, monkeypatch) -> None:
    """A built-in scenario's diagnosis is kept on disk: with the in-memory caches emptied (a restarted
    server) and ``drift.diagnose`` broken, the page still shows the verdict -- read, not recomputed."""
    expected = expected_diagnosis(DRIFTED_BATCH)
    at = open_page(new_app(**{state.BATCH: DRIFTED_BATCH}), DIAGNOSIS)
    click(at, "diag_all")
    assert shown_verdict(at) == expected.verdict.label
    assert any((session_disk_cache / "app-diagnosis").iterdir())
    st.cache_resource.clear()
    st.cache_data.clear()

    def broken(*args, **kwargs):
        raise AssertionError("drift.diagnose ran: the diagnosis was not read from disk")
    monkeypatch.setattr(drift, "diagnose", broken)
    at = open_page(new_app(**{state.BATCH: DRIFTED_BATCH}), DIAGNOSIS)
    click(at, "diag_all")
    assert shown_verdict(at) == expected.verdict.label


def test_all_batches_opens_on_the_most_drifted_batch_and_says_so() -> None:
    at = open_page(new_app(), DIAGNOSIS)                         # a shared link: "All batches" in the sidebar
    assert not at.exception
    summaries = {b: drift.summarize(t) for b, t in credit_tables().items()}
    worst = drift.core.decisions.worst_batch(summaries)
    assert at.selectbox(key=state.DIAG_PICK).value == worst
    assert any(f"Showing batch {md(worst)}" in t and "most drifted of 12 batches" in t for t in texts(at))
    click(at, "diag_all")
    assert shown_verdict(at) == expected_diagnosis(worst).verdict.label
    other = next(b for b in ("2025-06", "2025-07") if b != worst)
    at.selectbox(key=state.DIAG_PICK).set_value(other).run()
    assert not at.exception
    assert at.session_state[state.BATCH] == other                 # the sidebar follows
    assert at.button(key="diag_next")
    click(at, "diag_all")
    assert shown_verdict(at) == expected_diagnosis(other).verdict.label


# --- Report ------------------------------------------------------------------------------------
def test_report_summary_impact_and_downloads() -> None:
    diag = expected_diagnosis(DRIFTED_BATCH)
    at = open_page(new_app(**{state.BATCH: DRIFTED_BATCH}), REPORT)
    assert any(md(diag.verdict.label) in m.value for m in at.markdown)
    for heading in drift.report.build.SUMMARY_HEADINGS.values():
        assert any(m.value == f"**{heading}**" for m in at.markdown), heading
    labels = [d.label for d in at.get("download_button")]
    assert labels == ["Download the HTML report", "Download JSON"]
    code = at.code[0].value
    assert code.startswith("# Drift report") and md_escape(diag.verdict.label) in code

    def assert_costs(**figures):
        bi = expected_impact(DRIFTED_BATCH, **figures)
        shown = {m.label: m.value for m in at.metric}
        for part in bi.parts:
            assert shown[f"{part.label} / quarter"] == bi.figure(part)
            assert any(m.value == md(part.formula) for m in at.markdown), part.formula
        # the summary's cost sentence follows the calculator
        assert any(m.value == md(bi.sentence) for m in at.markdown)
        return bi

    def marks() -> list[str]:
        """The caption under each of the four inputs, in order."""
        caps = [c.value for c in at.caption]
        return [c for c in caps if c in (":orange[assumed — edit to your figures]", "your figure")]

    # untouched: every input assumed, said under each input, in the sentence and in the export
    bi = assert_costs()
    assert marks() == [":orange[assumed — edit to your figures]"] * 4
    assert bi.inputs.threshold == pytest.approx(100 / 600)               # cost-implied, not 0.5
    assert at.number_input(key=state.IMPACT_THRESHOLD).value == pytest.approx(100 / 600)
    assert "With assumed figures" in bi.sentence
    assert "10,000 decisions/month × 3 months × " in bi.model_error.formula
    assert "— with assumed figures" in at.code[0].value
    assert "| Decision threshold | 0.167 | yes — edit to your figures |" in at.code[0].value
    # the user edits two figures: those two are theirs, the other two stay assumed
    at.number_input(key=state.IMPACT_DECISIONS).set_value(50_000).run()
    at.number_input(key=state.IMPACT_COST_FN).set_value(1_000.0).run()
    assert not at.exception
    bi = assert_costs(decisions_per_month=50_000, cost_false_negative=1_000.0)
    assert marks() == ["your figure", ":orange[assumed — edit to your figures]", "your figure",
                       ":orange[assumed — edit to your figures]"]
    assert at.number_input(key=state.IMPACT_THRESHOLD).value == pytest.approx(100 / 1100)  # follows costs
    assert bi.model_error.formula.startswith("50,000 decisions/month × 3 months × (")
    code = at.code[0].value
    assert "| Decisions per month | 50,000 | no — your figure |" in code
    assert "| Cost of a false positive | $100 | yes — edit to your figures |" in code
    # every figure given: nothing is called assumed any more
    at.number_input(key=state.IMPACT_COST_FP).set_value(120.0).run()
    at.number_input(key=state.IMPACT_THRESHOLD).set_value(0.2).run()
    bi = assert_costs(decisions_per_month=50_000, cost_false_positive=120.0, cost_false_negative=1_000.0,
                      threshold=0.2)
    assert marks() == ["your figure"] * 4
    assert not bi.inputs.any_assumed and "assumed" not in bi.sentence
    assert "with assumed figures" not in at.code[0].value
    # and back to the assumed figures
    click(at, f"{state.IMPACT_SUPPLIED}_reset")
    assert marks() == [":orange[assumed — edit to your figures]"] * len(INPUT_NAMES)
    assert_costs()


def test_report_without_labels_says_estimated() -> None:
    at = new_app(**{state.BATCH: DRIFTED_BATCH})
    open_page(at, DIAGNOSIS)
    at.toggle(key=state.DIAG_LABELS).set_value(False).run()
    open_page(at, REPORT)                                        # the toggle's value follows
    assert any("not used" in c.value for c in at.caption)
    bi = expected_impact(DRIFTED_BATCH, use_labels=False)
    assert bi.source == "estimated"
    shown = {m.label: m.value for m in at.metric}
    assert shown["Model error / quarter"] == bi.figure(bi.model_error)
    assert any(c.value.startswith("Estimated without labels") for c in at.caption)
    assert any(m.value == md(bi.sentence) and "estimated without labels" in m.value for m in at.markdown)
    diag = expected_diagnosis(DRIFTED_BATCH, False)
    assert any(md(diag.verdict.label) in m.value for m in at.markdown)


# --- a hostile column name ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def hostile_files(sample_files, tmp_path_factory) -> tuple[Path, Path]:
    """The sample CSVs with the drifting ``age`` column renamed to an HTML payload."""
    out = tmp_path_factory.mktemp("hostile")
    paths = []
    for src in sample_files:
        frame = pd.read_csv(src).rename(columns={"age": HOSTILE})
        path = out / src.name.replace("sample", "hostile")
        frame.to_csv(path, index=False)
        paths.append(path)
    return paths[0], paths[1]


def test_hostile_column_name_is_text(hostile_files) -> None:
    reference, production = hostile_files
    at = new_app(**{state.SOURCE_MODE: state.SOURCE_UPLOAD})
    at.file_uploader(key=state.UPLOAD_REFERENCE).upload(reference.name, reference.read_bytes(), "text/csv")
    at.file_uploader(key=state.UPLOAD_CURRENT).upload(production.name, production.read_bytes(), "text/csv")
    at.run()
    at.session_state[state.BATCH] = DRIFTED_BATCH
    open_page(at, DIAGNOSIS)
    click(at, "diag_all")
    escaped = md(HOSTILE)                                        # \\<img src\\=x onerror\\=alert\\(1\\)\\>
    page_text = texts(at)
    assert any(escaped in t for t in page_text), "the drifted column should be named on the page"
    assert not any(HOSTILE in t for t in page_text), "a raw payload reached Markdown"
    assert not [m for m in at.markdown if m.proto.allow_html and "onerror" in m.value]
    for chart in at.get("plotly_chart"):
        spec = json.dumps(json.loads(chart.proto.spec))
        assert "<img" not in spec.replace("\\u003c", "<")      # names are escaped for plotly
    open_page(at, REPORT)
    assert HOSTILE not in " ".join(texts(at))
    assert md_escape(HOSTILE) in at.code[0].value                # the Markdown export escapes it too


# --- a scenario without batches ----------------------------------------------------------------
def test_scenario_without_batches_diagnoses_all_production() -> None:
    """German credit has one production file and no batch column: no batch to pick, straight to step 0."""
    reference, current, schema = scenario_tables("german_credit")
    validated = drift.validate_pair(reference, current, schema).schema
    expected = drift.diagnose(reference, current, schema=validated, alpha=0.05, correction="bh", rng=0)
    at = open_page(new_app(**{state.SCENARIO: "german_credit"}), DIAGNOSIS)
    click(at, "diag_all")
    assert shown_verdict(at) == expected.verdict.label
    assert "GROUND TRUTH" not in " ".join(texts(at))             # no manifest, no ground-truth card
    open_page(at, REPORT)
    assert [d.label for d in at.get("download_button")] == ["Download the HTML report", "Download JSON"]


# --- data the pricing cannot use ----------------------------------------------------------------
def test_report_says_why_an_upload_is_not_priced_and_keeps_the_report(sample_files, tmp_path) -> None:
    """Scores in percent under a column named ``prediction``: diagnosed, not priced, and the page says why."""
    files = []
    for src in sample_files:
        frame = pd.read_csv(src).rename(columns={"score": "prediction"})
        frame["prediction"] = frame["prediction"] * 100
        files.append(tmp_path / src.name)
        frame.to_csv(files[-1], index=False)
    at = new_app(**{state.SOURCE_MODE: state.SOURCE_UPLOAD})
    at.file_uploader(key=state.UPLOAD_REFERENCE).upload(files[0].name, files[0].read_bytes(), "text/csv")
    at.file_uploader(key=state.UPLOAD_CURRENT).upload(files[1].name, files[1].read_bytes(), "text/csv")
    at.run()
    at.session_state[state.BATCH] = DRIFTED_BATCH
    open_page(at, REPORT)
    reason = "Not priced: reference: column 'prediction': the score is not a probability in [0, 1]"
    assert any(i.value.startswith(md(reason)) for i in at.info), [i.value for i in at.info]
    assert not [m for m in at.metric if m.label.endswith("/ quarter")]
    assert any(m.value.startswith(md(reason)) for m in at.markdown)       # "What it costs" in the summary
    assert [d.label for d in at.get("download_button")] == ["Download the HTML report", "Download JSON"]
    assert md_escape(reason) in at.code[0].value

"""The Diagnosis and Report pages, run headless with AppTest on the credit scenario and on an upload.

Expected verdicts and costs come from calling ``drift.diagnose`` / ``drift.impact_from_diagnosis``
directly on the same rows with the same settings, the way a notebook user would.  Diagnoses are cached
per process (``st.cache_resource``), so the tests share them: keep to few distinct batches.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import drift
from drift.impact import format_money
from drift.report import md_escape
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


def test_all_batches_asks_for_one_batch() -> None:
    at = open_page(new_app(), DIAGNOSIS)
    assert "Verdict" not in [s.value for s in at.subheader]
    assert not at.metric, "nothing is diagnosed before a batch is chosen"
    at.selectbox(key=state.DIAG_PICK).set_value(DRIFTED_BATCH).run()
    assert not at.exception
    assert at.session_state[state.BATCH] == DRIFTED_BATCH        # the sidebar follows
    assert at.button(key="diag_next")
    click(at, "diag_all")
    assert shown_verdict(at) == expected_diagnosis(DRIFTED_BATCH).verdict.label


# --- Report ------------------------------------------------------------------------------------
def test_report_summary_impact_and_downloads() -> None:
    diag = expected_diagnosis(DRIFTED_BATCH)
    at = open_page(new_app(**{state.BATCH: DRIFTED_BATCH}), REPORT)
    assert any(md(diag.verdict.label) in m.value for m in at.markdown)
    for heading in drift.report.SUMMARY_HEADINGS.values():
        assert any(m.value == f"**{heading}**" for m in at.markdown), heading
    labels = [d.label for d in at.get("download_button")]
    assert labels == ["Download the HTML report", "Download JSON"]
    code = at.code[0].value
    assert code.startswith("# Drift report") and md_escape(diag.verdict.label) in code

    def assert_costs(decisions: float, value: float, cost: float) -> None:
        bi = drift.impact_from_diagnosis(diag, decisions_per_month=decisions, value_per_good_decision=value,
                                         cost_per_error=cost)
        shown = {m.label: m.value for m in at.metric}
        assert shown["Monthly cost"] == format_money(bi.monthly_cost)
        assert shown["Quarterly cost"] == format_money(bi.quarterly_cost)
        assert shown["Accuracy change"] == f"{bi.accuracy_change * 100:+.1f} pts"

    assert_costs(10_000, 100.0, 500.0)
    at.number_input(key=state.IMPACT_DECISIONS).set_value(50_000).run()
    at.number_input(key=state.IMPACT_COST).set_value(1_000.0).run()
    assert not at.exception
    assert_costs(50_000, 100.0, 1_000.0)
    # the summary's cost sentence follows the calculator
    bi = drift.impact_from_diagnosis(diag, decisions_per_month=50_000, value_per_good_decision=100.0,
                                     cost_per_error=1_000.0)
    assert any(m.value == md(bi.sentence) for m in at.markdown)


def test_report_without_labels_says_estimated() -> None:
    at = new_app(**{state.BATCH: DRIFTED_BATCH})
    open_page(at, DIAGNOSIS)
    at.toggle(key=state.DIAG_LABELS).set_value(False).run()
    open_page(at, REPORT)                                        # the toggle's value follows
    assert any("not used" in c.value for c in at.caption)
    assert next(m for m in at.metric if m.label == "Accuracy change")
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

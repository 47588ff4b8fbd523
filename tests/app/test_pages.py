"""Every page of the app, run headless with Streamlit's AppTest, on each built-in scenario and on an upload.

The expected numbers come from calling ``drift`` directly on the same data, the way a notebook user
would: load (or generate) the two tables, infer the schema (plus the scenario's known roles), validate,
run ``feature_drift``.  Uploads go through the real ``st.file_uploader`` (AppTest stages the bytes),
so the app's path from bytes to table is the one a user's browser exercises.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import drift
from drift.data.scenarios import SCENARIOS, load_scenario
from ui import safe, state

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PAGES = ("pages/overview.py", "pages/data.py", "pages/feature_drift.py")
TIMEOUT = 180  # seconds per run: the first run generates the credit scenario


# --- helpers -----------------------------------------------------------------------------------
def new_app(*, timeout: float = TIMEOUT, **session: object) -> AppTest:
    """A fresh session (like a newly opened link), with some session state preset, run once."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in session.items():
        at.session_state[key] = value
    return at.run()


def open_page(at: AppTest, page: str) -> AppTest:
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric(at: AppTest, label: str) -> str:
    values = [m.value for m in at.metric if m.label == label]
    assert values, f"no metric {label!r}; metrics: {[m.label for m in at.metric]}"
    return values[0]


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def upload(at: AppTest, reference: Path, production: Path) -> AppTest:
    """Switch the sidebar to uploads and upload both files through the file uploaders."""
    at.radio(key=state.SOURCE_MODE).set_value(state.SOURCE_UPLOAD).run()
    at.file_uploader(key=state.UPLOAD_REFERENCE).upload(reference.name, reference.read_bytes(), "text/csv")
    at.file_uploader(key=state.UPLOAD_CURRENT).upload(production.name, production.read_bytes(), "text/csv")
    return at.run()


@cache
def scenario_tables(name: str):
    sc = load_scenario(name)
    schema = sc.with_known_roles(drift.infer_schema(sc.reference, sc.current))
    return sc.reference, sc.current, schema


@cache
def upload_tables(reference: Path, production: Path):
    ref, cur = drift.load_table(reference), drift.load_table(production)
    return ref, cur, drift.infer_schema(ref, cur)


def expected(reference: pd.DataFrame, current: pd.DataFrame, schema, *, batch: str | None = None,
             alpha: float = 0.05, correction: str = "bh", bins: int = 10):
    """The drift table and the validated schema, straight from the library."""
    validation = drift.validate_pair(reference, current, schema, reference_name="reference",
                                     current_name="current")
    rows = current
    if batch is not None:
        col = validation.schema.batch
        rows = current[current[col].astype(str) == batch].reset_index(drop=True)
    table = drift.feature_drift(reference, rows, schema=validation.schema, alpha=alpha,
                                correction=correction, bins=bins, on_invalid="exclude")
    return table, validation


def assert_headline(at: AppTest, table: pd.DataFrame) -> None:
    summary = drift.summarize(table)
    assert metric(at, "Features drifted") == f"{summary.n_drifted} / {summary.n_features}"
    share = summary.share_drifted
    assert metric(at, "Share drifted") == (f"{share:.0%}" if share == share else "—")   # no feature: a dash
    assert metric(at, "Major") == str(summary.by_severity["major"])


def assert_drift_table(at: AppTest, table: pd.DataFrame) -> None:
    assert len(at.dataframe) >= 2, "expected the drift table and the PSI bin table"
    shown = at.dataframe[0].value
    assert list(shown["Feature"]) == list(table["feature"])
    assert [s.split()[-1] for s in shown["Severity"]] == list(table["severity"])


# --- built-in scenarios ------------------------------------------------------------------------
@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_every_page_on_each_scenario(scenario: str, page: str) -> None:
    at = open_page(new_app(**{state.SCENARIO: scenario}), page)
    assert not errors(at)
    reference, current, schema = scenario_tables(scenario)
    table, validation = expected(reference, current, schema)
    if page.endswith("data.py"):
        assert metric(at, "Reference rows") == f"{len(reference):,}"
        assert metric(at, "Production rows") == f"{len(current):,}"
        assert metric(at, "Features tested") == str(len(validation.schema.features))
        assert metric(at, "Problems") == str(len(validation.problems))
        assert len(at.dataframe) >= 2  # both previews (the roles editor is a data_editor)
    elif table.empty:                                           # text-only data: sent to the Text page
        assert any("Text page" in i.value for i in at.info)
    else:
        assert_headline(at, table)
    if page.endswith("feature_drift.py") and not table.empty:
        assert_drift_table(at, table)
        assert len(at.get("plotly_chart")) >= 3  # overview, distribution, PSI bins


@pytest.mark.parametrize("page", PAGES)
def test_fresh_session_shows_the_default_scenario(page: str) -> None:
    """A shared link opens any page in a new session: it must show results, never a blank page."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()  # nothing preset in session state
    open_page(at, page)
    assert at.session_state[state.SCENARIO] == "credit"
    assert at.metric, "the page shows no numbers"
    assert "credit" in " ".join(c.value for c in at.caption).lower()


def test_credit_batches_and_ground_truth() -> None:
    sc = load_scenario("credit")
    reference, current, schema = scenario_tables("credit")
    labels = [str(b) for b in pd.unique(current[sc.batch].astype(str))]
    assert len(labels) >= 12
    at = open_page(new_app(), "pages/feature_drift.py")
    batch_box = at.selectbox(key=state.BATCH)
    assert batch_box.options == [state.ALL_BATCHES, *labels]
    drifting = sc.manifest[sc.manifest["kind"] != "no_drift"]["batch"].astype(str).iloc[0]
    batch_box.set_value(drifting).run()
    assert not at.exception
    table, _ = expected(reference, current, schema, batch=drifting)
    assert_headline(at, table)
    assert_drift_table(at, table)
    assert any(safe.text(drifting) in e.label for e in at.expander), "ground truth of the batch not offered"


def test_settings_change_the_numbers() -> None:
    reference, current, schema = scenario_tables("credit")
    at = open_page(new_app(), "pages/feature_drift.py")
    at.radio(key=state.ALPHA).set_value(0.01)
    at.radio(key=state.CORRECTION).set_value("bonferroni")
    at.number_input(key=state.BINS).set_value(5)
    at.run()
    assert not at.exception
    table, _ = expected(reference, current, schema, alpha=0.01, correction="bonferroni", bins=5)
    assert_headline(at, table)
    assert_drift_table(at, table)


def test_open_each_kind_of_feature() -> None:
    at = open_page(new_app(), "pages/feature_drift.py")
    reference, current, schema = scenario_tables("credit")
    kinds = {f: schema.kinds[f] for f in at.dataframe[0].value["Feature"]}
    for kind in ("numeric", "categorical"):
        feature = next(f for f, k in kinds.items() if k == kind)
        at.selectbox(key=state.FEATURE).set_value(feature).run()
        assert not at.exception
        assert not errors(at)
        assert any(feature in m.value for m in at.markdown), f"{feature} detail not shown"
        psi_shown = metric(at, "PSI")
        detail = drift.feature_detail(reference[feature], current[feature], kind=kind)
        assert psi_shown == f"{detail.psi.statistic:.3f}"


def test_role_override_on_the_data_page() -> None:
    at = open_page(new_app(), "pages/data.py")
    reference, current, schema = scenario_tables("credit")
    target = schema.target
    assert target is not None
    tested = int(metric(at, "Features tested"))
    target_box = next(s for s in at.selectbox if s.label == "Target")
    target_box.set_value("— none —")
    at.button[0].click().run()  # the form's Apply button
    assert not at.exception
    assert int(metric(at, "Features tested")) == tested + 1
    open_page(at, "pages/feature_drift.py")
    assert target in list(at.dataframe[0].value["Feature"])
    open_page(at, "pages/data.py")
    next(b for b in at.button if b.label.startswith("Reset")).click().run()
    assert int(metric(at, "Features tested")) == tested


# --- uploads -----------------------------------------------------------------------------------
@pytest.mark.parametrize("page", PAGES)
def test_every_page_on_an_upload(page: str, sample_files: tuple[Path, Path]) -> None:
    at = upload(new_app(), *sample_files)
    open_page(at, page)
    assert not errors(at)
    reference, current, schema = upload_tables(*sample_files)
    table, validation = expected(reference, current, schema)
    captions = " ".join(c.value for c in at.caption)
    assert safe.text(sample_files[0].name) in captions and safe.text(sample_files[1].name) in captions
    if page.endswith("data.py"):
        assert metric(at, "Reference rows") == f"{len(reference):,}"
        assert metric(at, "Features tested") == str(len(validation.schema.features))
    else:
        assert_headline(at, table)
    if page.endswith("feature_drift.py"):
        assert_drift_table(at, table)


def test_upload_batch_selection(sample_files: tuple[Path, Path]) -> None:
    at = open_page(upload(new_app(), *sample_files), "pages/feature_drift.py")
    reference, current, schema = upload_tables(*sample_files)
    assert schema.batch is not None, "the sample production file has a batch column"
    label = str(current[schema.batch].astype(str).iloc[-1])
    at.selectbox(key=state.BATCH).set_value(label).run()
    assert not at.exception
    table, _ = expected(reference, current, schema, batch=label)
    assert_headline(at, table)


def test_upload_waits_for_both_files(sample_files: tuple[Path, Path]) -> None:
    at = new_app()
    at.radio(key=state.SOURCE_MODE).set_value(state.SOURCE_UPLOAD).run()
    ref = sample_files[0]
    at.file_uploader(key=state.UPLOAD_REFERENCE).upload(ref.name, ref.read_bytes(), "text/csv")
    at.run()
    for page in PAGES:
        open_page(at, page)
        assert any("production" in i.value for i in at.info), "no hint about the missing file"
        assert not at.metric and not at.dataframe


@pytest.mark.parametrize("content, expected_words", [
    (b"", "empty"),
    (b"a,b\n", "row"),
])
def test_bad_upload_shows_the_message(content: bytes, expected_words: str,
                                      sample_files: tuple[Path, Path]) -> None:
    at = new_app()
    at.radio(key=state.SOURCE_MODE).set_value(state.SOURCE_UPLOAD).run()
    cur = sample_files[1]
    at.file_uploader(key=state.UPLOAD_REFERENCE).upload("broken.csv", content, "text/csv")
    at.file_uploader(key=state.UPLOAD_CURRENT).upload(cur.name, cur.read_bytes(), "text/csv")
    at.run()
    for page in PAGES:
        open_page(at, page)
        messages = errors(at)
        assert messages, "a bad file must give an error message"
        assert "broken.csv" in safe.plain(messages[0]) and expected_words in messages[0].lower()


def test_uploads_survive_a_look_at_a_scenario(sample_files: tuple[Path, Path]) -> None:
    """Switching to a scenario and back keeps the uploaded files (the uploaders are redrawn empty)."""
    at = open_page(upload(new_app(), *sample_files), "pages/feature_drift.py")
    drifted = metric(at, "Features drifted")
    at.radio(key=state.SOURCE_MODE).set_value(state.SOURCE_SCENARIO).run()
    assert "credit" in " ".join(c.value for c in at.caption).lower()
    at.radio(key=state.SOURCE_MODE).set_value(state.SOURCE_UPLOAD).run()
    assert not at.exception
    assert metric(at, "Features drifted") == drifted
    assert safe.text(sample_files[0].name) in " ".join(c.value for c in at.caption)


# --- the Data page's roles: guesses, candidates and the user's pick -------------------------------
def role_status(at: AppTest) -> pd.DataFrame:
    tables = [d.value for d in at.dataframe if "how" in d.value.columns]
    assert len(tables) == 1, "expected one role status table"
    return tables[0].set_index("role")


def test_data_page_says_how_each_role_was_chosen_on_an_upload(sample_files: tuple[Path, Path]) -> None:
    at = open_page(upload(new_app(), *sample_files), "pages/data.py")
    status = role_status(at)
    assert status.loc["target", "column"] == "default"
    assert status.loc["target", "how"] == "guessed from the name 'default': a yes/no outcome with 2 values"
    assert status.loc["time", "column"] == "month" and status.loc["batch", "column"] == "batch"


def test_unrelated_flag_is_offered_as_a_target_but_not_chosen(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    frames = []
    for name in ("ref.csv", "cur.csv"):
        frame = pd.DataFrame({"price": rng.normal(100, 10, 200), "is_weekend": rng.integers(0, 2, 200),
                              "region": rng.choice(["n", "s"], 200)})
        frame.to_csv(tmp_path / name, index=False)
        frames.append(tmp_path / name)
    at = open_page(upload(new_app(), *frames), "pages/data.py")
    status = role_status(at)
    assert status.loc["target", "column"] == "—"
    assert status.loc["target", "how"].startswith("not guessed: pick one")
    assert status.loc["target", "candidates"] == "is_weekend"
    table = next(d.value for d in at.dataframe if "reason" in d.value.columns)
    row = table[(table["role"] == "target") & (table["column"] == "is_weekend")]
    assert row["reason"].item().startswith("a yes/no flag") and not row["chosen"].item()
    assert status.loc["prediction", "how"].startswith("not guessed: no column")
    tested = int(metric(at, "Features tested"))
    target_box = next(s for s in at.selectbox if s.label == "Target")
    assert target_box.options[:2] == ["— none —", "is_weekend"]  # candidates first
    target_box.set_value("is_weekend")
    next(b for b in at.button if b.label == "Apply").click().run()
    assert not at.exception
    status = role_status(at)
    assert (status.loc["target", "column"], status.loc["target", "how"]) == ("is_weekend", "your choice")
    assert int(metric(at, "Features tested")) == tested - 1


def test_overview_names_the_worst_batch_beside_the_pool() -> None:
    """A pooled "no material drift" must not hide months with major drift (issue 9)."""
    at = open_page(new_app(), "pages/overview.py")
    reference, current, schema = scenario_tables("credit")
    summaries = {b: drift.summarize(expected(reference, current, schema, batch=b)[0])
                 for b in pd.unique(current["batch"].astype(str))}
    worst = drift.core.decisions.worst_batch(summaries)
    with_major = sum(1 for s in summaries.values() if s.by_severity["major"])
    lines = [w.value for w in at.warning if "Batch by batch" in w.value]
    assert len(lines) == 1 and safe.text(f"The worst is {worst}") in lines[0]
    assert safe.text(f"{with_major} with major drift") in lines[0]


@pytest.mark.parametrize("batch", [state.ALL_BATCHES, "2025-03", "2025-05"])
def test_overview_and_feature_drift_agree(batch: str) -> None:
    """The headline numbers of Overview and Feature Drift are the same for the same data (issue 9)."""
    at = new_app(**{state.BATCH: batch})
    shown = {}
    for page in ("pages/overview.py", "pages/feature_drift.py"):
        at = open_page(at, page)
        shown[page] = {label: metric(at, label) for label in
                       ("Features drifted", "Share drifted", "Major", "Minor (significant, small)")}
    assert shown["pages/overview.py"] == shown["pages/feature_drift.py"]
    reference, current, schema = scenario_tables("credit")
    summary = drift.summarize(expected(reference, current, schema,
                                       batch=None if batch == state.ALL_BATCHES else batch)[0])
    assert shown["pages/overview.py"]["Features drifted"] == f"{summary.n_drifted} / {summary.n_features}"

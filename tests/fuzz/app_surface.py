"""The app surface: a fuzz case uploaded through the sidebar's file uploaders (AppTest), then the pages.

Each page run must end without an exception and without the error boundary's bug notice
(:data:`ui.boundary.BUG_MESSAGE`); an input problem is an ``st.error`` (a ``DriftError`` message).  A
refused file must be named by an error on every page; a pair that loads must show the library's row counts
on the Data page; no Markdown surface may show a hostile name unescaped.  Each page run is timed in CPU
seconds of this process (compile UMAP first, :func:`drift.warm_up_umap`, or the app's warm-up thread is
charged to the pages), and the peak memory of the whole session measured
(:func:`tests.fuzz.budget.reset_peak`); AppTest's own timeout stops a hung page.
"""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import drift
from drift.core.errors import DriftError
from tests.app.conftest import page_bugs
from tests.fuzz.budget import HANG_FACTOR, peak_growth_mb, reset_peak
from tests.fuzz.corpus import HOSTILE_NAMES, SIDES, Case
from tests.fuzz.outcomes import MEMORY_BUDGET_MB, TIME_BUDGET, Outcome
from ui import safe, state

SURFACE = "app"
APP = str(Path(__file__).resolve().parents[2] / "app.py")
#: Pages every app case visits; cases with ``full_diagnosis`` also visit :data:`MORE_PAGES`.
PAGES = ("pages/overview.py", "pages/data.py", "pages/feature_drift.py", "pages/multivariate.py",
         "pages/diagnosis.py", "pages/report.py")
MORE_PAGES = ("pages/embeddings.py", "pages/timeline.py")
MIME = "application/octet-stream"
#: Streamlit's message for a file whose extension the uploader does not list.
REFUSED_EXTENSION = "Invalid file extension"
#: An inline code span (backtick fence, text, the same fence): shown literally, never as Markdown.
CODE_SPAN = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)", re.S)


def new_session():
    """A fresh session already on uploads (no scenario is generated), diagnosing batches pooled."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=HANG_FACTOR * TIME_BUDGET)
    at.session_state[state.SOURCE_MODE] = state.SOURCE_UPLOAD
    at.session_state[state.DIAG_POOLED] = True
    return at


def shown_text(at) -> list[str]:
    """Every string the page renders as Markdown (where an unescaped name would become markup), code
    spans left out (their content is shown literally)."""
    values = [e.value for group in (at.markdown, at.caption, at.error, at.warning, at.info, at.success,
                                    at.title, at.header, at.subheader) for e in group]
    labels = [e.label for group in (at.metric, at.expander, at.button, at.tabs) for e in group]
    return [CODE_SPAN.sub("", str(v)) for v in values + labels]


def loaded_rows(case: Case) -> dict[str, int]:
    """Rows of each side as the library loads the uploaded bytes (sides it refuses are left out)."""
    rows = {}
    for side in SIDES:
        spec = case.file(side)
        try:
            rows[side] = len(drift.load_table(io.BytesIO(spec.content), name=upload_name(spec.name),
                                              limits=case.load_limits()))
        except DriftError:
            pass
    return rows


def upload_name(name: str) -> str:
    """The name a file is uploaded under: its own when the uploader accepts its extension, else with
    ``.csv`` appended (a renamed file: the content decides its format, not the name)."""
    return name if Path(name).suffix.lower().lstrip(".") in state.UPLOAD_TYPES else f"{name}.csv"


def page_flaws(at, case: Case, page: str, rows: dict[str, int]) -> list[str]:
    flaws = []
    errors = [safe.plain(e.value) for e in at.error]
    for side in case.expect.sides:
        name = upload_name(case.file(side).name)
        if not any(name in e for e in errors):
            flaws.append(f"no error names the refused file {name!r}: {errors}")
    if page.endswith("data.py") and len(rows) == 2 and not errors:
        shown = {m.label: m.value for m in at.metric}
        for side, label in (("reference", "Reference rows"), ("current", "Production rows")):
            if shown.get(label) != f"{rows[side]:,}":
                flaws.append(f"{label} shows {shown.get(label)!r}, the library loads {rows[side]:,}")
    raw = [h for h in HOSTILE_NAMES for text in shown_text(at) if h in text]
    if raw:
        flaws.append(f"names rendered as Markdown: {sorted(set(raw))}")
    return flaws


def upload(at, case: Case, name) -> None:
    """Put both files of ``case`` in the uploaders, under ``name(file name)``."""
    for key, spec in ((state.UPLOAD_REFERENCE, case.reference), (state.UPLOAD_CURRENT, case.current)):
        at.file_uploader(key=key).upload(name(spec.name), spec.content, MIME)


def run_app(case: Case) -> tuple[list[Outcome], float, float]:
    """Upload the case's pair and visit the pages: one outcome per page (and one for the upload), the
    seconds the session took and the growth of the peak memory (MiB)."""
    outcomes: list[Outcome] = []
    before = reset_peak()
    session_started = time.process_time()
    rows = loaded_rows(case)
    at = new_session()

    def visit(step: str, run) -> None:
        started = time.process_time()
        try:
            run()
        except Exception as err:  # noqa: BLE001 - AppTest's own timeout, or a crash outside the script
            kind = "over_budget" if "timed out" in str(err) else "other"
            seconds = time.process_time() - started
            outcomes.append(Outcome(SURFACE, case.name, step, kind, repr(err), seconds))
            return
        seconds = time.process_time() - started
        bugs = [e.value for e in at.exception] + page_bugs(at)
        flaws = page_flaws(at, case, step, rows) if step in PAGES + MORE_PAGES else []
        if bugs:
            kind, detail = "other", "\n".join(bugs)[-3000:]
        elif seconds > TIME_BUDGET:
            kind, detail = "over_budget", f"{seconds:.1f} CPU seconds"
        elif flaws:
            kind, detail = "wrong", "; ".join(flaws)
        elif at.error:
            kind, detail = "drift_error", safe.plain(at.error[0].value)
        else:
            kind, detail = "result", ""
        outcomes.append(Outcome(SURFACE, case.name, step, kind, detail, seconds))

    visit("start", at.run)
    if any(upload_name(spec.name) != spec.name for spec in (case.reference, case.current)):
        # The uploader lists the extensions it takes: Streamlit refuses any other (the browser would not
        # even send the file), and the next page must say what is missing, not fail.
        upload(at, case, lambda name: name)
        at.run()
        refusal = [e.value for e in at.exception]
        if not any(REFUSED_EXTENSION in e for e in refusal):
            outcomes.append(Outcome(SURFACE, case.name, "upload under a refused extension", "wrong",
                                    f"Streamlit did not refuse it: {refusal}"))
        visit(PAGES[0] + " after the refusal", lambda: at.switch_page(PAGES[0]).run())
    upload(at, case, upload_name)
    visit("upload", at.run)
    for page in PAGES + (MORE_PAGES if case.full_diagnosis else ()):
        visit(page, lambda page=page: at.switch_page(page).run())
        if outcomes[-1].kind in ("other", "over_budget") and "timed out" in outcomes[-1].detail:
            break
    grown = peak_growth_mb(before)
    if grown > MEMORY_BUDGET_MB:
        outcomes.append(Outcome(SURFACE, case.name, "memory", "over_budget", f"peak grew by {grown:.0f} MiB"))
    return outcomes, time.process_time() - session_started, grown

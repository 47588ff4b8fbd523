"""The Diagnosis and Report pages' data: the cached ``drift.diagnose`` run, the report, and their furniture.

Cache
-----
A diagnosis is keyed on the data's content key, the roles key, the batch, the labels flag, alpha, the
correction and the seed (:func:`diagnosis_key`).  ``drift.Diagnosis`` holds a ``Schema`` (not
picklable) and the step results, so it is shared with ``st.cache_resource`` like the schema in
:mod:`ui.data` (it is frozen; nobody mutates it).  The cached function returns a small per-key *slot*
(a dict) and the diagnosis is computed *outside* the cached function and stored in the slot: that way
the page's progress bar, fed by ``diagnose``'s ``progress`` callback, is an ordinary element and is
not recorded for cache replay (a cached function that updates an element created outside it would
replay that update on every hit).  The slot also memoises the HTML export per impact setting.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import streamlit as st

import drift
from drift.diagnosis.diagnose import STEP_KEYS, Diagnosis
from drift.model.impact import BusinessImpact, ImpactInputs, why_not_priced
from drift.report.build import Report

from . import data, safe, state
from .progress import Bar

#: Page files (paths relative to app.py), for st.page_link / st.switch_page.
DIAGNOSIS = "pages/diagnosis.py"
REPORT = "pages/report.py"
MULTIVARIATE = "pages/multivariate.py"
EMBEDDINGS = "pages/embeddings.py"
ROOT = Path(__file__).resolve().parents[1]

#: Step status -> (badge colour, label, icon).
STATUS_BADGES = {
    "ok": ("green", "ok", ":material/check_circle:"),
    "warning": ("orange", "warning", ":material/warning:"),
    "alert": ("red", "alert", ":material/error:"),
    "skipped": ("gray", "skipped", ":material/block:"),
}
#: Short step names for the tracker and the buttons.
STEP_NAMES = {"inputs": "Inputs", "prediction": "Prediction drift", "concept": "Concept drift",
              "domain": "Domain classifier", "mmd": "MMD on embeddings"}
VERDICT_STEP = len(STEP_KEYS)   # walk position of the verdict (after the last step)



# --- text ----------------------------------------------------------------------------------------
def status_badge(status: str) -> str:
    """A coloured status badge for ``st.markdown`` (statuses are library constants, not user text)."""
    color, label, icon = STATUS_BADGES.get(status, STATUS_BADGES["skipped"])
    return f":{color}-badge[{icon} {label}]"


# --- which production rows ---------------------------------------------------------------------
def _pick_batch() -> None:
    """Page-level batch picker callback: select the batch in the sidebar (one source of truth)."""
    picked = st.session_state.get(state.DIAG_PICK)
    if picked is not None:
        st.session_state[state.BATCH] = picked
        st.session_state[state.DIAG_POOLED] = False


def _set_pooled(value: bool) -> None:
    st.session_state[state.DIAG_POOLED] = value


def choose_batch(ctx: data.Context, opts: data.Settings) -> str:
    """The production set to diagnose: the sidebar's batch, all rows pooled on request, or — with "All
    batches" in the sidebar — the most drifted batch (:func:`ui.data.default_batch`), said so.

    A diagnosis names *one* dominant change, and pooling months that changed in different ways blurs it,
    so a page with batches never opens on the pool: a shared link shows the batch that matters most.
    """
    st.session_state.setdefault(state.DIAG_POOLED, False)
    batch = data.effective_batch(ctx, opts)
    if not ctx.batches or batch != state.ALL_BATCHES:
        return batch
    if st.session_state[state.DIAG_POOLED]:
        left, right = st.columns([4, 1], vertical_alignment="center")
        left.info(f"Diagnosing all {len(ctx.batches)} batches of {safe.code(ctx.batch_column)} pooled "
                  "together. Changes that happened in different months blur into one; pick a batch in the "
                  "sidebar for a sharper verdict.", icon=":material/stacks:")
        right.button("Pick one batch instead", on_click=_set_pooled, args=(False,), key="diag_unpool")
        return state.ALL_BATCHES
    chosen, why = data.default_batch(ctx, opts)
    with st.container(border=True):
        st.markdown(f"**Showing batch {safe.text(chosen)}**, {safe.text(why)}. A diagnosis explains one "
                    f"change at a time, so it runs on one batch of {safe.code(ctx.batch_column)}; pick "
                    "another here or in the sidebar.")
        left, right = st.columns([2, 1], vertical_alignment="bottom")
        left.selectbox("Batch to diagnose", list(ctx.batches), index=list(ctx.batches).index(chosen),
                       key=state.DIAG_PICK, on_change=_pick_batch,
                       help="Sets the production batch in the sidebar, so the other pages follow.")
        right.button(f"Diagnose all {len(ctx.batches)} batches pooled", on_click=_set_pooled, args=(True,),
                     key="diag_pool", icon=":material/stacks:")
    return chosen


def labels_available(ctx: data.Context) -> bool:
    """Whether production has labels at all (the target column with values in it)."""
    target = ctx.schema.target
    return target is not None and target in ctx.current.columns and bool(ctx.current[target].notna().any())


def use_labels(ctx: data.Context) -> bool:
    """The labels flag of the run: the Diagnosis page's toggle (kept for the session), if labels exist."""
    st.session_state.setdefault(state.DIAG_LABELS, True)
    return labels_available(ctx) and bool(st.session_state[state.DIAG_LABELS])


# --- the diagnosis -----------------------------------------------------------------------------
def diagnosis_key(ctx: data.Context, opts: data.Settings, batch: str, labels: bool) -> tuple:
    """What a diagnosis depends on: data content, roles, batch, labels flag, alpha, correction, seed."""
    return (ctx.source.key, ctx.roles_key, batch, bool(labels), float(opts.alpha), str(opts.correction),
            int(opts.seed))


@st.cache_resource(max_entries=48, show_spinner=False)
def _slot(key: tuple) -> dict:
    """A shared, per-key store for one diagnosis and its exports (see the module docstring)."""
    return {}


def cached_diagnosis(ctx: data.Context, opts: data.Settings, batch: str, labels: bool) -> Diagnosis | None:
    """The diagnosis if it was already computed (by any session), else ``None``."""
    return _slot(diagnosis_key(ctx, opts, batch, labels)).get("diagnosis")


def diagnosis(ctx: data.Context, opts: data.Settings, batch: str, labels: bool,
              progress: Callable[[str, int, int], None] | None = None) -> Diagnosis:
    """``drift.diagnose`` on the reference and one production set (cached on :func:`diagnosis_key`).

    Raises ``DriftError`` for data the diagnosis cannot use (the page shows its message).
    """
    slot = _slot(diagnosis_key(ctx, opts, batch, labels))
    if "diagnosis" not in slot:
        slot["diagnosis"] = drift.diagnose(
            ctx.reference, data.current_rows(ctx, batch), schema=ctx.schema, use_labels=labels,
            alpha=opts.alpha, correction=opts.correction, rng=opts.seed, progress=progress)
    return slot["diagnosis"]


def run_with_progress(ctx: data.Context, opts: data.Settings, batch: str, labels: bool) -> Diagnosis:
    """:func:`diagnosis`, with a progress bar (one tick per step) while it computes."""
    found = cached_diagnosis(ctx, opts, batch, labels)
    if found is not None:
        return found
    n_rows = len(data.current_rows(ctx, batch))
    with Bar("Starting the diagnosis…") as bar:
        def tick(step_key: str, i: int, n: int) -> None:
            bar.update(i / n, f"Step {i + 1} of {n}: {STEP_NAMES.get(step_key, step_key)} — "
                              f"{len(ctx.reference):,} reference vs {n_rows:,} production rows…")

        return diagnosis(ctx, opts, batch, labels, progress=tick)


# --- the report --------------------------------------------------------------------------------
def impact(ctx: data.Context, opts: data.Settings, batch: str, labels: bool, diag: Diagnosis,
           inputs: ImpactInputs) -> BusinessImpact | None:
    """``drift.business_impact`` on the diagnosed rows (kept per inputs in the diagnosis' slot).

    ``None`` when the roles cannot be priced (:func:`drift.model.impact.why_not_priced` says why).  Labels are
    used exactly when the diagnosis used them, so the price and the verdict rest on the same evidence.
    Raises ``DriftError`` for data the pricing cannot use (a target that is not 0/1, a score outside
    [0, 1]).
    """
    target, prediction = diag.schema.target, diag.schema.prediction
    if why_not_priced(target, prediction) is not None:
        return None
    slot = _slot(diagnosis_key(ctx, opts, batch, labels))
    key = ("impact", inputs)
    if key not in slot:
        slot[key] = drift.business_impact(ctx.reference, data.current_rows(ctx, batch), target=target,
                                          prediction=prediction, inputs=inputs, use_labels=diag.has_labels,
                                          rng=opts.seed)
    return slot[key]


def report(diag: Diagnosis, ctx: data.Context, batch: str, bi: BusinessImpact | None,
           not_priced: str | None = None) -> Report:
    """``drift.build_report`` of one diagnosis, named after the data and the batch."""
    current_name = ctx.source.current_name if batch == state.ALL_BATCHES else f"batch {batch}"
    return drift.build_report(diag, title=f"Drift report — {ctx.source.title}", impact=bi,
                              reference_name=ctx.source.reference_name, current_name=current_name,
                              not_priced=not_priced)


def html_export(ctx: data.Context, opts: data.Settings, batch: str, labels: bool,
                rep: Report, impact_key: object) -> Callable[[], str]:
    """A no-argument callable for ``st.download_button``: the report's HTML, built on first click, kept.

    The HTML embeds plotly.js (several MB), so it is built only when asked for, off the script run.
    """
    slot = _slot(diagnosis_key(ctx, opts, batch, labels))

    def build() -> str:
        key = ("html", impact_key)
        if key not in slot:
            slot[key] = rep.to_html()
        return slot[key]

    return build


def file_stem(ctx: data.Context, batch: str) -> str:
    """A file-name-safe stem for the exports: ``drift-report-credit-2025-03``."""
    base = ctx.source.scenario or "upload"
    tail = "all-batches" if batch == state.ALL_BATCHES else batch
    raw = f"drift-report-{base}-{tail}"
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in raw)


# --- furniture ---------------------------------------------------------------------------------
def page_available(path: str) -> bool:
    """Whether a page file exists (links to pages other engineers are still building)."""
    return (ROOT / path).is_file()


def walk_position(walk_key: str) -> int:
    """Where the stepper stands for this data and batch: 0…4 a step, :data:`VERDICT_STEP` the verdict."""
    walks = st.session_state.setdefault(state.DIAG_WALK, {})
    return int(walks.get(walk_key, 0))


def set_walk_position(walk_key: str, position: int) -> None:
    walks = dict(st.session_state.get(state.DIAG_WALK, {}))
    walks[walk_key] = max(0, min(VERDICT_STEP, int(position)))
    st.session_state[state.DIAG_WALK] = walks


def ground_truth_matches(truth: dict[str, str] | None, diag: Diagnosis) -> bool | None:
    """Whether the verdict names the injected change (``None`` without a ground truth)."""
    if truth is None:
        return None
    return truth["kind"] == diag.verdict.kind

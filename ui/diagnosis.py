"""The Diagnosis and Report pages' data: the diagnosis, its price and report (through the cache layer, with
a progress bar while a diagnosis computes), and their furniture.

A diagnosis, its business impact, its report and the report's HTML are entries of :mod:`ui.cache`, keyed
on the data (source and roles keys), the batch, the labels flag, alpha, the correction and the seed (the
impact also on its inputs).  The Diagnosis and Report pages and the Practice page share the entries.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from drift.diagnosis.diagnose import STEP_KEYS, Diagnosis
from drift.model.impact import BusinessImpact, ImpactInputs, why_not_priced
from drift.model.task_impact import TaskImpact, TaskInputs
from drift.report.build import Report

from . import cache, data, progress, safe, state

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
def diagnosis(ctx: data.Context, opts: data.Settings, batch: str, labels: bool) -> Diagnosis:
    """``drift.diagnose`` on the reference and one production set (cached), with a progress bar (one tick
    per step) while it computes.

    Raises ``DriftError`` for data the diagnosis cannot use (the page shows its message).
    """
    def describe(step_key: str, i: int, n: int) -> tuple[float, str]:
        return i / n, (f"Step {i + 1} of {n}: {STEP_NAMES.get(step_key, step_key)} — "
                       f"{len(ctx.reference):,} reference vs {len(ctx.rows(batch)):,} production rows…")

    return progress.run(cache.diagnosis, ctx, batch, bool(labels), float(opts.alpha), str(opts.correction),
                        int(opts.seed), text="Starting the diagnosis…", describe=describe)


# --- the report --------------------------------------------------------------------------------
def impact(ctx: data.Context, opts: data.Settings, batch: str, diag: Diagnosis,
           inputs: ImpactInputs) -> BusinessImpact | None:
    """``drift.business_impact`` on the diagnosed rows (cached).

    ``None`` when the roles cannot be priced (:func:`drift.model.impact.why_not_priced` says why).  Labels are
    used exactly when the diagnosis used them, so the price and the verdict rest on the same evidence.
    Raises ``DriftError`` for data the pricing cannot use (a target that is not 0/1, a score outside
    [0, 1]).
    """
    target, prediction = diag.schema.target, diag.schema.prediction
    if why_not_priced(target, prediction) is not None:
        return None
    return cache.impact(ctx, batch, target, prediction, inputs, diag.has_labels, int(opts.seed))


def task_impact(ctx: data.Context, opts: data.Settings, batch: str, inputs: TaskInputs,
                labels: bool) -> TaskImpact:
    """``drift.task_business_impact`` of a regression or multiclass model on the diagnosed rows (cached),
    on the production labels when ``labels`` (pass the diagnosis's ``has_labels``, so the price and the
    verdict rest on the same evidence; a multiclass model is otherwise estimated from its calibrated class
    probabilities).  Raises ``DriftError`` for data the pricing cannot use."""
    return cache.task_impact(ctx, batch, inputs, bool(labels), int(opts.seed))


def _report_args(ctx: data.Context, opts: data.Settings, batch: str, labels: bool, inputs: TaskInputs,
                 not_priced: str | None) -> tuple:
    return (ctx, batch, bool(labels), float(opts.alpha), str(opts.correction), int(opts.seed), inputs,
            not_priced)


def report(ctx: data.Context, opts: data.Settings, batch: str, labels: bool, inputs: TaskInputs,
           not_priced: str | None = None) -> Report:
    """``drift.build_report`` of the diagnosis (cached), priced with ``inputs`` unless ``not_priced`` says
    why it is not, named after the data and the batch."""
    return cache.report(*_report_args(ctx, opts, batch, labels, inputs, not_priced))


def html_export(ctx: data.Context, opts: data.Settings, batch: str, labels: bool, inputs: TaskInputs,
                not_priced: str | None = None) -> Callable[[], str]:
    """A no-argument callable for ``st.download_button``: the report's HTML, built on first click (cached).

    The HTML embeds plotly.js (several MB), so it is built only when asked for, off the script run.
    """
    args = _report_args(ctx, opts, batch, labels, inputs, not_priced)
    return lambda: cache.report_html(*args)


def file_stem(ctx: data.Context, batch: str) -> str:
    """A file-name-safe stem for the exports: ``drift-report-credit-2025-03``."""
    base = ctx.source.scenario or "upload"
    tail = "all-batches" if batch == state.ALL_BATCHES else batch
    raw = f"drift-report-{base}-{tail}"
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in raw)


# --- furniture ---------------------------------------------------------------------------------
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

"""Where a page's data and results come from: the sidebar's choices resolved into a Context, and thin
helpers over the cache layer (:mod:`ui.cache`).

Every run, the sidebar and the page each call :func:`build_context` (through :func:`page_context`): it
reads the small choices in session state (source, scenario, role overrides, the uploaders) and returns
the :class:`~ui.context.Context` the cache layer keeps for them.  The context itself never enters session
state.

Keys
----
* A data source has a *content key*: ``"scenario:<name>"`` for a built-in scenario (its generator is
  seeded, so the name fixes the content) or, for uploads, one key for the *pair*
  (:func:`pair_key`: a SHA-256 over both files' names and contents).  Every cached result of a page is
  keyed on it, so a result computed for one pair can never be served for another — not even for two
  pairs that share a file or a file name.
* The two files are resolved together (:func:`upload_pair`): both uploaders' files, or — when both
  uploaders are empty, after a detour through a built-in scenario — the pair kept from the last
  analysis.  A new file on one side is never paired with a kept file from before on the other.
* Role overrides have a *roles key*: their canonical JSON (:func:`ui.context.roles_key`).

:mod:`ui.cache` describes how results are keyed on these.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from drift.core import decisions
from drift.core.errors import DriftError
from drift.data.scenarios import SCENARIOS
from drift.data.schema import KINDS, ROLES, Schema
from drift.diagnosis.features import DriftSummary, summarize

from . import cache, state
from .context import (
    OWN_TASK,
    Context,
    RoleOverrides,
    Settings,
    Source,
    UploadedBytes,
    effective_batch,
    roles_key,
    scenario_key,
)
from .context import current_rows as current_rows  # re-exported: pages take a batch's rows from here


def settings() -> Settings:
    """The sidebar's statistical settings from session state."""
    ss = st.session_state
    return Settings(alpha=float(ss[state.ALPHA]), correction=str(ss[state.CORRECTION]),
                    bins=int(ss[state.BINS]), batch=str(ss[state.BATCH]), seed=int(ss[state.SEED]))


def page_context() -> Context:
    """The context the sidebar's choices resolve to (the sidebar resolved the same one earlier in the run;
    both come from the cache layer).

    Should a page ever run without the entry point (Streamlit's legacy ``pages/`` routing can do that
    on a fresh server), the defaults are set first.
    """
    state.init()
    return build_context()


# --- loading -----------------------------------------------------------------------------------
def scenario_titles() -> dict[str, str]:
    """Built-in scenario name -> title, in registry order."""
    return {name: entry[0] for name, entry in SCENARIOS.items()}


#: The models of the built-in scenarios that have more than one (:meth:`Scenario.available_tasks`):
#: scenario -> {task: what the model predicts}; a scenario not listed has its own (binary) model only.
SCENARIO_MODELS: dict[str, dict[str, str]] = {
    "pricing": {"binary": "conversion (binary)", "regression": "units sold (regression)"},
    "sentiment": {"binary": "positive? (binary)",
                  "multiclass": "negative · neutral · positive (multiclass)"},
}


def scenario_models(name: str) -> dict[str, str]:
    """Task -> label of a built-in scenario's models (its own first); empty when it has only its own."""
    return SCENARIO_MODELS.get(name, {})


def scenario_task(name: str) -> str:
    """The task of the model chosen for a built-in scenario in the sidebar (its own when it has one only,
    or when the choice is not one of its models)."""
    task = st.session_state.get(state.SCENARIO_TASK, OWN_TASK)
    return task if task in scenario_models(name) else OWN_TASK


def load_scenario(name: str):
    """A built-in scenario (generated once per process by the cache layer)."""
    return cache.scenario(name)


def content_digest(content: bytes) -> str:
    """Content key of an uploaded file."""
    return hashlib.sha256(content).hexdigest()[:20]


def pair_key(reference: UploadedBytes, current: UploadedBytes) -> str:
    """Content key of an uploaded pair: one SHA-256 over both files' names and content digests.

    The one key every cached analysis of the pair uses; the names take part because they choose the
    parser (by extension) and appear in messages.
    """
    return _pair_key((reference[0], content_digest(reference[1])), (current[0], content_digest(current[1])))


def _pair_key(*named_digests: tuple[str, str]) -> str:
    h = hashlib.sha256()
    for name, digest in named_digests:
        for part in (name.encode("utf-8", "surrogatepass"), digest.encode()):
            h.update(len(part).to_bytes(8, "big") + part)
    return "upload:" + h.hexdigest()[:32]


UPLOAD_LABELS = {state.UPLOAD_REFERENCE: "reference (training)", state.UPLOAD_CURRENT: "production (current)"}


def forget_kept_pair(key: str) -> None:
    """Uploader callback: a file removed from an uploader also goes from the kept pair."""
    if st.session_state.get(key) is None:
        st.session_state[state.KEPT_UPLOADS] = {}


def uploader_file(key: str) -> UploadedBytes | None:
    """(name, bytes) of the file in an uploader now; ``None`` if it holds none.

    The widget's state may hold Streamlit's ``DeletedFile`` placeholder (a file record the server no
    longer stores, e.g. after it refused the file's extension): that is no file either.
    """
    uploaded = st.session_state.get(key)
    if uploaded is None or not hasattr(uploaded, "getvalue"):
        return None
    return uploaded.name, uploaded.getvalue()


def kept_pair() -> tuple[UploadedBytes, UploadedBytes] | None:
    """The pair of the last upload analysed, kept for when both uploaders are empty (a detour through a
    built-in scenario redraws them empty); ``None`` if there is none."""
    kept = st.session_state.get(state.KEPT_UPLOADS) or {}
    if state.UPLOAD_REFERENCE in kept and state.UPLOAD_CURRENT in kept:
        return kept[state.UPLOAD_REFERENCE], kept[state.UPLOAD_CURRENT]
    return None


def upload_pair() -> tuple[UploadedBytes, UploadedBytes] | str:
    """The two uploaded files to analyse together, or a message saying what is missing.

    Both uploaders' files (which then become the kept pair); or, with both uploaders empty, the kept
    pair; never a file of one uploader with a kept file of the other side, which belonged with another
    file (issue 10: "a new reference analysed with the previous production file").
    """
    files = {key: uploader_file(key) for key in UPLOAD_LABELS}
    if all(files.values()):
        st.session_state[state.KEPT_UPLOADS] = dict(files)
        return files[state.UPLOAD_REFERENCE], files[state.UPLOAD_CURRENT]
    kept = kept_pair()
    if not any(files.values()) and kept is not None:
        return kept
    missing = [label for key, label in UPLOAD_LABELS.items() if files[key] is None]
    message = "Upload the " + " and the ".join(missing) + " file in the sidebar to start."
    if kept is not None:
        message += (" The file kept from your previous upload is not used: it belonged with the file you "
                    "have just replaced, so both sides must come from this upload.")
    return message


def overrides_of(source_key: str) -> RoleOverrides:
    """The user's role overrides of one data source (empty: the inferred roles)."""
    return st.session_state[state.ROLE_OVERRIDES].get(source_key, {})


def _upload_context() -> Context:
    """The uploaded pair's context, or a waiting context saying what is missing."""
    pair = upload_pair()
    if isinstance(pair, str):
        return Context(waiting=pair)
    (ref_name, ref_bytes), (cur_name, cur_bytes) = pair
    ref_digest, cur_digest = content_digest(ref_bytes), content_digest(cur_bytes)
    source = Source(key=_pair_key((ref_name, ref_digest), (cur_name, cur_digest)), kind="upload",
                    title="Your upload", reference_name=ref_name, current_name=cur_name,
                    reference_digest=ref_digest, current_digest=cur_digest)
    overrides = overrides_of(source.key)
    return cache.upload_context(source, roles_key(overrides), overrides, *pair)


def scenario_context(name: str, task: str = OWN_TASK) -> Context:
    """A :class:`Context` for a built-in scenario, through its model of ``task`` (default its own), under the
    user's overrides of it, whatever the sidebar holds (a page that needs a kind of data the loaded source
    lacks shows a scenario that has it, and says so); ``DriftError`` becomes ``error``."""
    overrides = overrides_of(scenario_key(name, task))
    try:
        return cache.scenario_context(name, roles_key(overrides), overrides, task)
    except DriftError as err:
        return Context(error=str(err))


def plain_scenario_context(name: str, task: str = OWN_TASK) -> Context:
    """A built-in scenario (through its model of ``task``) with its own roles, whatever the user overrode
    (the Practice page's evidence)."""
    return cache.scenario_context(name, roles_key({}), {}, task)


def build_context() -> Context:
    """Resolve the sidebar's choices into a :class:`Context`; ``DriftError`` becomes ``error``."""
    if st.session_state[state.SOURCE_MODE] != state.SOURCE_UPLOAD:
        name = st.session_state[state.SCENARIO]
        return scenario_context(name, scenario_task(name))
    try:
        return _upload_context()
    except DriftError as err:
        return Context(error=str(err))


# --- results -----------------------------------------------------------------------------------
def drift_table(ctx: Context, opts: Settings) -> pd.DataFrame:
    """``drift.feature_drift`` on the context's data and settings (cached)."""
    return cache.drift_table(ctx, effective_batch(ctx, opts), opts.alpha, opts.correction, opts.bins)


def feature_detail(ctx: Context, opts: Settings, feature: str):
    """``drift.feature_detail`` for one feature of the context (cached)."""
    return cache.feature_detail(ctx, effective_batch(ctx, opts), feature, opts.bins, opts.alpha)


def column_profile(ctx: Context) -> pd.DataFrame:
    """Per column: type and share missing on each side, distinct reference values (descriptive only)."""
    return cache.column_profile(ctx)


# --- role overrides ----------------------------------------------------------------------------
def set_overrides(source_key: str, overrides: RoleOverrides) -> None:
    """Store the overrides of one data source and restart the role form from them."""
    all_overrides = dict(st.session_state[state.ROLE_OVERRIDES])
    if overrides:
        all_overrides[source_key] = overrides
    else:
        all_overrides.pop(source_key, None)
    st.session_state[state.ROLE_OVERRIDES] = all_overrides
    st.session_state[state.ROLES_VERSION] += 1


def overrides_from_choices(base: Schema, roles: dict[str, str | None], kinds: dict[str, str],
                           excluded: list[str]) -> RoleOverrides:
    """Overrides that turn ``base`` into the user's choices (only what differs is kept).

    A column given a role loses any other role it had, so the four roles name distinct columns.
    """
    chosen: dict[str, str | None] = {}
    taken: set[str] = set()
    for role in ROLES:
        col = roles.get(role, getattr(base, role))
        if col in taken:
            col = None
        if col is not None:
            taken.add(col)
        if col != getattr(base, role):
            chosen[role] = col
    out: RoleOverrides = {}
    if chosen:
        out["roles"] = chosen
    kind_changes = {c: k for c, k in kinds.items() if k in KINDS and base.kinds.get(c) != k}
    if kind_changes:
        out["kinds"] = kind_changes
    if sorted(excluded) != sorted(base.excluded):
        out["excluded"] = sorted(excluded)
    return out


def ground_truth(ctx: Context, batch: str) -> dict[str, str] | None:
    """What a built-in scenario injected into one batch (``None`` without a manifest or a batch)."""
    sc = ctx.scenario
    manifest = getattr(sc, "manifest", None)
    if manifest is None or batch == state.ALL_BATCHES:
        return None
    rows = manifest[manifest["batch"].astype(str) == batch]
    if rows.empty:
        return None
    return {c: ("" if pd.isna(rows.iloc[0][c]) else str(rows.iloc[0][c]))
            for c in ("batch", "kind", "description", "features")}


#: The Overview tests batches one by one only up to this many (each is a full feature_drift run).
MAX_BATCHES_CHARTED = 48


def summaries_by_batch(ctx: Context, opts: Settings) -> dict[str, DriftSummary]:
    """``drift.summarize`` of every batch's drift table (the cached tables of :func:`drift_table`)."""
    return {batch: summarize(drift_table(ctx, Settings(opts.alpha, opts.correction, opts.bins, batch,
                                                             opts.seed)))
            for batch in ctx.batches}


def default_batch(ctx: Context, opts: Settings) -> tuple[str, str]:
    """The batch a page opens on when the sidebar says "All batches" but the page needs one, and why:
    the most drifted (:func:`drift.core.decisions.worst_batch`), or the latest when none drifted or there
    are too
    many batches to test them all here."""
    if len(ctx.batches) > MAX_BATCHES_CHARTED:
        return ctx.batches[-1], f"the latest of {len(ctx.batches)} batches (too many to rank them all here)"
    summaries = summaries_by_batch(ctx, opts)
    worst = decisions.worst_batch(summaries)
    if worst is None:
        return ctx.batches[-1], f"the latest of {len(ctx.batches)} batches (none of them drifted)"
    s = summaries[worst]
    return worst, (f"the most drifted of {len(ctx.batches)} batches: {s.n_drifted} of {s.n_features} "
                   f"features drifted, {s.by_severity.get('major', 0)} major")


def batch_summaries(ctx: Context, opts: Settings) -> pd.DataFrame:
    """One row per production batch: severity counts of its drift table (and the scenario's ground truth).

    Each batch goes through the same cached :func:`drift_table` the Feature Drift page uses, so the
    numbers agree and picking a batch there is instant afterwards.
    """
    rows = []
    for batch, summary in summaries_by_batch(ctx, opts).items():
        truth = ground_truth(ctx, batch)
        rows.append({"batch": batch, "n_features": summary.n_features, "n_drifted": summary.n_drifted,
                     **{s: summary.by_severity.get(s, 0) for s in ("minor", "moderate", "major")},
                     "truth": truth["kind"].replace("_", " ") if truth else ""})
    return pd.DataFrame(rows, columns=["batch", "n_features", "n_drifted", "minor", "moderate", "major",
                                       "truth"])

"""Where a page's data and results come from: cached wrappers around ``drift``, keyed on content.

Every run, ``app.py`` calls :func:`build_context` once; it resolves the sidebar's data source into a
:class:`Context` (both tables, the schema after the user's role overrides, the validation) and stores
it in session state, where pages pick it up with :func:`page_context`.  Results (the drift table, a
feature's detail) are computed on demand by :func:`drift_table` and :func:`feature_detail`.

Cache keys
----------
* A data source has a *content key*: ``"scenario:<name>"`` for a built-in scenario (its generator is
  seeded, so the name fixes the content) or, for uploads, one key for the *pair*
  (:func:`pair_key`: a SHA-256 over both files' names and contents).  Every cached result of a page is
  keyed on it, so a result computed for one pair can never be served for another — not even for two
  pairs that share a file or a file name.
* The two files are resolved together (:func:`upload_pair`): both uploaders' files, or — when both
  uploaders are empty, after a detour through a built-in scenario — the pair kept from the last
  analysis.  A new file on one side is never paired with a kept file from before on the other.
* Role overrides have a *roles key*: their canonical JSON.
* Cached functions take those keys (plus the settings) as hashed arguments and the DataFrames as
  ``_``-prefixed arguments, which Streamlit does not hash (it would hash only a sample of a large
  frame, and hashing a million rows on every rerun is what the keys avoid).
* Schema and validation results are frozen objects, cached with ``st.cache_resource`` (shared, never
  copied: nothing to gain from a copy of an immutable object).
  Frames and tables use ``st.cache_data`` (each caller gets its own copy).
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd
import streamlit as st

import drift
from drift.core import decisions
from drift.core.errors import DriftError
from drift.data.schema import KINDS, ROLES, Schema

from . import disk, state

#: An uploaded file: (file name, bytes).
UploadedBytes = tuple[str, bytes]
#: Overrides of the inferred roles for one data source: ``{"roles": {role: column or None},
#: "kinds": {column: kind}, "excluded": [column, ...]}``; every part optional.
RoleOverrides = dict[str, Any]


# --- what a page works with -------------------------------------------------------------------
@dataclass(frozen=True)
class Source:
    """Identity and names of the data being analysed."""

    key: str
    kind: str                      # "scenario" | "upload"
    title: str
    reference_name: str
    current_name: str
    description: str = ""
    scenario: str | None = None
    reference_digest: str = ""     # uploads: content digests of the two files (shown, so a pair is known)
    current_digest: str = ""


@dataclass(frozen=True)
class Settings:
    """The statistical settings chosen in the sidebar."""

    alpha: float
    correction: str
    bins: int
    batch: str
    seed: int


@dataclass(frozen=True)
class Context:
    """Everything resolved from the sidebar for this run.

    Exactly one of three states: ``error`` set (a ``DriftError`` message to show), ``waiting`` set
    (nothing to analyse yet, e.g. an upload missing), or data present.
    """

    source: Source | None = None
    reference: pd.DataFrame | None = None
    current: pd.DataFrame | None = None
    scenario: Any = None
    inferred: Schema | None = None          # inferred roles (+ the scenario's known roles)
    schema_requested: Schema | None = None  # after the user's overrides, before validation
    validation: Any = None                  # drift.Validation
    overrides: RoleOverrides = field(default_factory=dict)
    roles_key: str = "{}"
    error: str | None = None
    waiting: str | None = None

    @property
    def ready(self) -> bool:
        return self.error is None and self.waiting is None and self.validation is not None

    @property
    def schema(self) -> Schema:
        """The schema the analysis uses: overrides applied, problem columns excluded."""
        return self.validation.schema

    @property
    def batch_column(self) -> str | None:
        col = self.schema.batch if self.ready else None
        return col if col is not None and col in self.current.columns else None

    @cached_property
    def batches(self) -> tuple[str, ...]:
        """Batch labels in order of appearance in production (empty without a batch column)."""
        col = self.batch_column
        if col is None:
            return ()
        return tuple(str(b) for b in pd.unique(self.current[col].astype(str)))


def settings() -> Settings:
    """The sidebar's statistical settings from session state."""
    ss = st.session_state
    return Settings(alpha=float(ss[state.ALPHA]), correction=str(ss[state.CORRECTION]),
                    bins=int(ss[state.BINS]), batch=str(ss[state.BATCH]), seed=int(ss[state.SEED]))


def page_context() -> Context:
    """The context ``app.py`` built for this run.

    Should a page ever run without the entry point (Streamlit's legacy ``pages/`` routing can do that
    on a fresh server), it builds the context from the defaults instead of failing.
    """
    if state.CONTEXT not in st.session_state:
        state.init()
        st.session_state[state.CONTEXT] = build_context()
    return st.session_state[state.CONTEXT]


# --- loading -----------------------------------------------------------------------------------
def scenario_titles() -> dict[str, str]:
    """Built-in scenario name -> title, in registry order."""
    from drift.data.scenarios import SCENARIOS

    return {name: entry[0] for name, entry in SCENARIOS.items()}


@st.cache_data(show_spinner="Generating the scenario…", max_entries=4)
def load_scenario(name: str):
    """A built-in scenario, read from the disk cache when it was generated before
    (:func:`drift.data.scenarios.cache.cached_scenario`), else generated; once per process."""
    from drift.data.scenarios.cache import cached_scenario

    return cached_scenario(name)


def content_digest(content: bytes) -> str:
    """Content key of an uploaded file."""
    return hashlib.sha256(content).hexdigest()[:20]


def pair_key(reference: UploadedBytes, current: UploadedBytes) -> str:
    """Content key of an uploaded pair: one SHA-256 over both files' names and content digests.

    The one key every cached analysis of the pair uses; the names take part because they choose the
    parser (by extension) and appear in messages.
    """
    h = hashlib.sha256()
    for name, content in (reference, current):
        for part in (name.encode("utf-8", "surrogatepass"), content_digest(content).encode()):
            h.update(len(part).to_bytes(8, "big") + part)
    return "upload:" + h.hexdigest()[:32]


@st.cache_data(show_spinner="Reading the file…", max_entries=8)
def load_upload(digest: str, name: str, _content: bytes) -> pd.DataFrame:
    """Parse uploaded bytes with ``drift.load_table``; cached on the bytes' digest and the file name.

    The file name matters: it carries the format (``.csv``, ``.parquet``…) and names the file in
    error messages.
    """
    buffer = io.BytesIO(_content)
    buffer.name = name
    return drift.load_table(buffer, name=name)


@st.cache_resource(show_spinner="Inferring column roles…", max_entries=16)
def _inferred_schema(data_key: str, _reference: pd.DataFrame, _current: pd.DataFrame) -> Schema:
    return drift.infer_schema(_reference, _current)


@st.cache_resource(show_spinner="Checking the data…", max_entries=32)
def _validation(data_key: str, roles_key: str, reference_name: str, current_name: str,
                _reference: pd.DataFrame, _current: pd.DataFrame, _schema: Schema):
    return drift.validate_pair(_reference, _current, _schema,
                               reference_name=reference_name, current_name=current_name)


def roles_key(overrides: RoleOverrides) -> str:
    """Canonical JSON of role overrides: the cache key part that stands for them."""
    return json.dumps(overrides, sort_keys=True, default=list)


def apply_overrides(base: Schema, overrides: RoleOverrides) -> Schema:
    """The base schema with the user's role, kind and exclusion overrides applied."""
    kwargs: dict[str, Any] = dict(overrides.get("roles", {}))
    if "excluded" in overrides:
        kwargs["excluded"] = tuple(overrides["excluded"])
    kinds = overrides.get("kinds") or None
    return base.with_roles(kinds=kinds, **kwargs)


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


def _sources() -> tuple[Source, pd.DataFrame, pd.DataFrame, Any, Schema] | str:
    """Resolve the sidebar's source: (source, reference, current, scenario, base schema) or a
    message saying what is still missing.  Raises ``DriftError`` for bad data."""
    ss = st.session_state
    if ss[state.SOURCE_MODE] == state.SOURCE_UPLOAD:
        pair = upload_pair()
        if isinstance(pair, str):
            return pair
        (ref_name, ref_bytes), (cur_name, cur_bytes) = pair
        ref_digest, cur_digest = content_digest(ref_bytes), content_digest(cur_bytes)
        reference = load_upload(ref_digest, ref_name, ref_bytes)
        current = load_upload(cur_digest, cur_name, cur_bytes)
        key = pair_key(*pair)
        source = Source(key=key, kind="upload", title="Your upload", reference_name=ref_name,
                        current_name=cur_name, reference_digest=ref_digest, current_digest=cur_digest)
        return source, reference, current, None, _inferred_schema(key, reference, current)

    return _scenario_source(ss[state.SCENARIO])


def _scenario_source(name: str) -> tuple[Source, pd.DataFrame, pd.DataFrame, Any, Schema]:
    sc = load_scenario(name)
    key = f"scenario:{name}"
    inferred = _inferred_schema(key, sc.reference, sc.current)
    base = sc.with_known_roles(inferred)
    source = Source(key=key, kind="scenario", title=sc.title, reference_name=f"reference ({name})",
                    current_name=f"production ({name})", description=sc.description, scenario=name)
    return source, sc.reference, sc.current, sc, base


def scenario_context(name: str) -> Context:
    """A :class:`Context` for a built-in scenario, whatever the sidebar holds (a page that needs a kind of
    data the loaded source lacks shows a scenario that has it, and says so)."""
    return build_context(_scenario_source(name))


def build_context(resolved=None) -> Context:
    """Resolve the sidebar's choices (or an already ``resolved`` source) into a :class:`Context`;
    ``DriftError`` becomes ``error``."""
    try:
        resolved = _sources() if resolved is None else resolved
        if isinstance(resolved, str):
            return Context(waiting=resolved)
        source, reference, current, sc, base = resolved
        overrides = st.session_state[state.ROLE_OVERRIDES].get(source.key, {})
        key = roles_key(overrides)
        requested = apply_overrides(base, overrides)
        validation = _validation(source.key, key, source.reference_name, source.current_name,
                                 reference, current, requested)
    except DriftError as err:
        return Context(error=str(err))
    return Context(source=source, reference=reference, current=current, scenario=sc, inferred=base,
                   schema_requested=requested, validation=validation, overrides=overrides, roles_key=key)


# --- results -----------------------------------------------------------------------------------
def current_rows(ctx: Context, batch: str) -> pd.DataFrame:
    """Production rows of one batch (all rows for :data:`ui.state.ALL_BATCHES`)."""
    col = ctx.batch_column
    if col is None or batch == state.ALL_BATCHES:
        return ctx.current
    return ctx.current[ctx.current[col].astype(str) == batch].reset_index(drop=True)


def effective_batch(ctx: Context, opts: Settings) -> str:
    """The selected batch if it exists in this data, else all batches."""
    return opts.batch if opts.batch in ctx.batches else state.ALL_BATCHES


@st.cache_data(show_spinner="Testing every feature…", max_entries=64)
@disk.on_disk("drift-table")
def _drift_table(data_key: str, roles_key: str, batch: str, alpha: float, correction: str, bins: int,
                 _reference: pd.DataFrame, _current: pd.DataFrame, _schema: Schema) -> pd.DataFrame:
    # Validation ran on all production rows; one batch can still fail a check (a column empty in that
    # batch): such columns are left out and listed in ``table.attrs["problems"]``.
    return drift.feature_drift(_reference, _current, schema=_schema, alpha=alpha,
                               correction=correction, bins=bins, on_invalid="exclude")


def drift_table(ctx: Context, opts: Settings) -> pd.DataFrame:
    """``drift.feature_drift`` on the context's data and settings (cached)."""
    batch = effective_batch(ctx, opts)
    return _drift_table(ctx.source.key, ctx.roles_key, batch, opts.alpha, opts.correction, opts.bins,
                        ctx.reference, current_rows(ctx, batch), ctx.schema)


@st.cache_data(show_spinner="Comparing distributions…", max_entries=256)
def _feature_detail(data_key: str, batch: str, feature: str, kind: str, bins: int, alpha: float,
                    _reference: pd.Series, _current: pd.Series):
    return drift.feature_detail(_reference, _current, kind=kind, bins=bins, alpha=alpha, name=feature)


def feature_detail(ctx: Context, opts: Settings, feature: str):
    """``drift.feature_detail`` for one feature of the context (cached)."""
    batch = effective_batch(ctx, opts)
    kind = ctx.schema.kinds[feature]
    return _feature_detail(ctx.source.key, batch, feature, kind, opts.bins, opts.alpha,
                           ctx.reference[feature], current_rows(ctx, batch)[feature])


@st.cache_data(max_entries=16)
def _column_profile(data_key: str, _reference: pd.DataFrame, _current: pd.DataFrame) -> pd.DataFrame:
    columns = list(dict.fromkeys([*_reference.columns, *_current.columns]))
    rows = []
    for col in columns:
        ref = _reference[col] if col in _reference.columns else None
        cur = _current[col] if col in _current.columns else None
        rows.append({
            "column": col,
            "type_ref": str(ref.dtype) if ref is not None else "—",
            "type_cur": str(cur.dtype) if cur is not None else "—",
            "missing_ref": float(ref.isna().mean()) if ref is not None and len(ref) else None,
            "missing_cur": float(cur.isna().mean()) if cur is not None and len(cur) else None,
            "distinct_ref": _distinct(ref) if ref is not None else None,
        })
    return pd.DataFrame(rows)


def _distinct(values: pd.Series) -> int | None:
    """Distinct values of a column; ``None`` for nested cells (dicts, lists, arrays), which pandas cannot
    hash."""
    try:
        return int(values.nunique())
    except TypeError:
        return None


def column_profile(ctx: Context) -> pd.DataFrame:
    """Per column: type and share missing on each side, distinct reference values (descriptive only)."""
    return _column_profile(ctx.source.key, ctx.reference, ctx.current)


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


def summaries_by_batch(ctx: Context, opts: Settings) -> dict[str, drift.diagnosis.features.DriftSummary]:
    """``drift.summarize`` of every batch's drift table (the cached tables of :func:`drift_table`)."""
    return {batch: drift.summarize(drift_table(ctx, Settings(opts.alpha, opts.correction, opts.bins, batch,
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

"""The app's cache layer: every ``st.cache_data`` / ``st.cache_resource`` of the app, and nothing else.

Pages reach these through thin helpers of :mod:`ui` (``ui.data.drift_table``, ``ui.diagnosis.diagnosis``
…); no page and no other module calls a heavy ``drift`` function itself (``tests/app/test_cache.py``
checks both).

Key scheme
----------
A result is keyed on **(source key, roles key, batch, settings)**:

* the *source key* stands for both tables: ``scenario:<name>`` for a built-in scenario (its generator is
  seeded, so the name fixes the content) or, for an upload, one SHA-256 over both files' names and
  contents (:func:`ui.data.pair_key`);
* the *roles key* is the canonical JSON of the user's role overrides (:func:`ui.context.roles_key`).
  The two together are :attr:`ui.context.Context.key`, and a :class:`~ui.context.Context` argument is
  hashed by that key (:data:`KEYED`), never by its tables;
* the *batch* is a production batch label or :data:`ui.state.ALL_BATCHES`;
* the *settings* are the options the computation reads (α, correction, bins, seed, its own sizes), as
  plain arguments, so changing one setting recomputes only what reads it.

A cached function takes only such arguments: hashable values, a ``Context``, or ``_``-prefixed values
(unhashed) that the hashed arguments already stand for (an upload's bytes, the overrides of a roles
key).  No
callback, no element: progress events go to :func:`ui.progress.emit`, and :func:`ui.progress.run` draws
them outside.

Cache kinds
-----------
``st.cache_data`` (each caller gets its own copy) for tables and results a page may take apart;
``st.cache_resource`` (shared, never copied) for objects nobody mutates: the resolved data (a
:class:`~ui.context.Context` per source and roles key, all of a source's contexts sharing its tables),
diagnoses, business impacts, reports, and the process-wide UMAP warm-up.
"""

from __future__ import annotations

import copy
import io
from dataclasses import replace

import numpy as np
import pandas as pd
import streamlit as st

import drift
from drift.core.errors import DriftError, DriftInputError
from drift.data.scenarios import load_scenario
from drift.data.scenarios.cache import cached_scenario
from drift.data.schema import Schema
from drift.data.task import TaskInfo
from drift.diagnosis import practice
from drift.diagnosis.diagnose import Diagnosis
from drift.diagnosis.task_steps import resolve_task
from drift.model.impact import BusinessImpact, ImpactInputs
from drift.model.task_impact import TaskImpact, TaskInputs
from drift.monitoring.autopilot import CostModel, PolicyComparison, compare_policies, default_policies
from drift.monitoring.monitor import MonitorResult
from drift.monitoring.monitor import monitor as monitor_batches
from drift.monitoring.scorecard import Scorecard
from drift.monitoring.scorecard import scorecard as score_detectors
from drift.multivariate.projection import Projection
from drift.report.build import Report

from . import disk, progress, state, warmup
from .context import (
    OWN_TASK,
    REFERENCE_PERIOD,
    Context,
    RoleOverrides,
    Source,
    UploadedBytes,
    apply_overrides,
    scenario_key,
)

#: How the cache layer hashes a ``Context`` argument: by its source and roles keys, never its tables.
KEYED = {Context: lambda ctx: ctx.key}


# --- the data ----------------------------------------------------------------------------------
@st.cache_data(show_spinner="Generating the scenario…", max_entries=4)
def scenario(name: str):
    """A built-in scenario, read from the disk cache when it was generated before
    (:func:`drift.data.scenarios.cache.cached_scenario`), else generated; once per process."""
    return cached_scenario(name)


@st.cache_data(show_spinner="Reading the file…", max_entries=8)
def upload_table(digest: str, name: str, _content: bytes) -> pd.DataFrame:
    """Uploaded bytes parsed by ``drift.load_table``, keyed on their digest and the file name (which
    carries the format and names the file in error messages)."""
    buffer = io.BytesIO(_content)
    buffer.name = name
    return drift.load_table(buffer, name=name)


@st.cache_data(show_spinner="Generating the scenario's other model…", max_entries=4)
@disk.on_disk("scenario-task", scenario_arg="name")
def scenario_view(name: str, task: str):
    """A built-in scenario seen through its model of ``task`` (:meth:`Scenario.with_task`), another than
    its own (that one is :func:`scenario`).

    The scenario disk cache keeps no second model, so a view is generated afresh once (seconds), then kept
    on disk by :mod:`ui.disk`, without its fitted model (``model=None``: no page of a view needs it).
    Raises ``DriftParameterError`` for a task the scenario has no model of.
    """
    return replace(load_scenario(name).with_task(task), model=None)


@st.cache_resource(show_spinner="Generating the scenario…", max_entries=8)
def scenario_tables(name: str, task: str = OWN_TASK):
    """A built-in scenario (through its model of ``task``), shared, and its base schema: the inferred roles
    plus the ones it declares."""
    sc = scenario(name) if task == OWN_TASK else scenario_view(name, task)
    return sc, sc.with_known_roles(drift.infer_schema(sc.reference, sc.current))


@st.cache_resource(show_spinner="Reading the files…", max_entries=8)
def upload_tables(source: Source, _reference: UploadedBytes,
                  _current: UploadedBytes) -> tuple[pd.DataFrame, pd.DataFrame, Schema]:
    """An uploaded pair's two tables, shared, and their inferred schema; ``source`` (its key is the pair key,
    its digests those of the files) stands for the bytes.  Raises ``DriftError`` for a file that cannot be
    read."""
    reference = upload_table(source.reference_digest, *_reference)
    current = upload_table(source.current_digest, *_current)
    return reference, current, drift.infer_schema(reference, current)


@st.cache_resource(show_spinner="Generating the scenario…", max_entries=16)
def scenario_context(name: str, roles_key: str, _overrides: RoleOverrides, task: str = OWN_TASK) -> Context:
    """A built-in scenario, seen through its model of ``task``, resolved into a :class:`Context` under the
    overrides ``roles_key`` stands for (every roles key shares the scenario's tables).

    Raises ``DriftError`` when the overrides make the data unusable (the caller shows the message).
    """
    sc, base = scenario_tables(name, task)
    source = Source(key=scenario_key(name, task), kind="scenario", title=sc.title,
                    reference_name=f"reference ({name})", current_name=f"production ({name})",
                    description=sc.description, scenario=name, task=sc.task)
    return _resolve(source, sc.reference, sc.current, sc, base, roles_key, _overrides)


@st.cache_resource(show_spinner="Reading the files…", max_entries=16)
def upload_context(source: Source, roles_key: str, _overrides: RoleOverrides, _reference: UploadedBytes,
                   _current: UploadedBytes) -> Context:
    """An uploaded pair resolved into a :class:`Context` under the overrides ``roles_key`` stands for (every
    roles key shares the pair's tables).  Raises ``DriftError`` for a file that cannot be used."""
    reference, current, base = upload_tables(source, _reference, _current)
    return _resolve(source, reference, current, None, base, roles_key, _overrides)


def _resolve(source: Source, reference: pd.DataFrame, current: pd.DataFrame, sc, base: Schema,
             roles_key: str, overrides: RoleOverrides) -> Context:
    overrides = copy.deepcopy(overrides)          # the entry outlives the session the overrides came from
    requested = apply_overrides(base, overrides)
    validation = drift.validate_pair(reference, current, requested, reference_name=source.reference_name,
                                     current_name=source.current_name)
    # a scenario knows its model's task; an upload's is inferred, unless the user forced one
    forced = sc.task if sc is not None else overrides.get("task")
    task, task_error = _task(reference, current, validation.schema, forced)
    return Context(source=source, reference=reference, current=current, scenario=sc, inferred=base,
                   schema_requested=requested, validation=validation, overrides=overrides,
                   roles_key=roles_key, task=task, task_error=task_error)


def _task(reference: pd.DataFrame, current: pd.DataFrame, schema: Schema,
          forced: str | None) -> tuple[TaskInfo | None, str | None]:
    """``drift.infer_task`` of the schema's target and prediction: (task, None), or — when the data
    contradicts the task forced — the inferred task with the refusal, or (None, why) when no task can be
    read (no target: ``(None, None)``)."""
    if schema.target is None:
        return None, None
    try:
        return _read_task(reference, current, schema, forced), None
    except DriftError as err:
        if forced is None:
            return None, str(err)
        refused = str(err)
    try:
        inferred = _read_task(reference, current, schema, None)
    except DriftError as err:
        return None, f"{refused} Without it: {err}"
    return inferred, f"{refused} The inferred task ({inferred.task}) is used instead."


def _read_task(reference: pd.DataFrame, current: pd.DataFrame, schema: Schema, task: str | None) -> TaskInfo:
    """The task as :func:`drift.diagnose` reads it (:func:`drift.diagnosis.task_steps.resolve_task`: counts
    with a fractional forecast are a regression); a prediction that does not fit the target raises."""
    info, problem = resolve_task(reference, current, schema.target, schema.prediction, task)
    if problem or info is None:
        raise DriftInputError(problem or "no task can be read", file="reference", column=schema.target,
                              fix="check the target and prediction columns on the Data page")
    return info


@st.cache_data(max_entries=16, hash_funcs=KEYED)
def column_profile(ctx: Context) -> pd.DataFrame:
    """Per column: type and share missing on each side, distinct reference values (descriptive only)."""
    reference, current = ctx.reference, ctx.current
    rows = []
    for col in dict.fromkeys([*reference.columns, *current.columns]):
        ref = reference[col] if col in reference.columns else None
        cur = current[col] if col in current.columns else None
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


@st.cache_data(show_spinner=False, max_entries=8, hash_funcs=KEYED)
def role_candidates(ctx: Context) -> pd.DataFrame:
    """``drift.role_candidates`` of the data, on the inferred kinds."""
    return drift.role_candidates(ctx.reference, ctx.current, schema=ctx.inferred)


# --- per feature -------------------------------------------------------------------------------
@st.cache_data(show_spinner="Testing every feature…", max_entries=64, hash_funcs=KEYED)
@disk.on_disk("drift-table")
def drift_table(ctx: Context, batch: str, alpha: float, correction: str, bins: int) -> pd.DataFrame:
    """``drift.feature_drift`` of one batch against the reference.

    Validation ran on all production rows; one batch can still fail a check (a column empty in that
    batch): such columns are left out and listed in ``table.attrs["problems"]``.
    """
    return drift.feature_drift(ctx.reference, ctx.rows(batch), schema=ctx.schema, alpha=alpha,
                               correction=correction, bins=bins, on_invalid="exclude")


@st.cache_data(show_spinner="Comparing distributions…", max_entries=256, hash_funcs=KEYED)
def feature_detail(ctx: Context, batch: str, feature: str, bins: int, alpha: float):
    """``drift.feature_detail`` of one feature of one batch."""
    return drift.feature_detail(ctx.reference[feature], ctx.rows(batch)[feature],
                                kind=ctx.schema.kinds[feature], bins=bins, alpha=alpha, name=feature)


# --- multivariate ------------------------------------------------------------------------------
@st.cache_data(show_spinner=False, max_entries=64, hash_funcs=KEYED)
@disk.on_disk("domain-classifier")
def domain_classifier(ctx: Context, batch: str, features: tuple[str, ...], alpha: float, seed: int,
                      n_folds: int, max_samples: int):
    """``drift.domain_classifier_test`` of one batch against the reference."""
    return drift.domain_classifier_test(ctx.reference, ctx.rows(batch), features=list(features),
                                        n_folds=n_folds, max_samples=max_samples, alpha=alpha, rng=seed)


@st.cache_data(show_spinner=False, max_entries=16, hash_funcs=KEYED)
@disk.on_disk("embeddings")
def embeddings(ctx: Context, source: str, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """(reference, all production, held-out reference mask or ``None``) embeddings from one source.

    Every source is fitted on the reference only, so a production row's embedding does not depend on the
    other production rows: computed once for all of production, sliced per batch by the callers.
    """
    reference, current, schema = ctx.reference, ctx.current, ctx.schema
    if source == "provided":
        cols = drift.embedding_columns(reference)
        return (drift.embeddings_from_frame(reference, cols, file="reference"),
                drift.embeddings_from_frame(current, cols, file="production"), None)
    if source == "model":
        return drift.held_out_model_embeddings(reference, current, target=schema.target,
                                               features=list(schema.features), rng=seed)
    if source == "features":
        return (*drift.feature_embeddings(reference, current, features=list(schema.features)), None)
    if source.startswith("text:"):
        col = source.removeprefix("text:")
        return (*drift.text_embeddings(reference[col], current[col], method="tfidf", rng=seed), None)
    raise drift.DriftParameterError(f"Unknown embedding source {source!r}.")


def batch_embeddings(ctx: Context, batch: str, source: str, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Reference and one batch's embeddings from one source (:func:`embeddings`, sliced)."""
    ref, cur, _ = embeddings(ctx, source, seed)
    mask = ctx.batch_mask(batch)
    return ref, (cur if mask is None else cur[mask])


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs=KEYED)
@disk.on_disk("mmd")
def mmd(ctx: Context, batch: str, source: str, seed: int, n_permutations: int, max_samples: int):
    """``drift.mmd_test`` on one source's embeddings, reference vs one batch; for the model's layer, only
    the reference rows the model was not fitted on (as ``drift.diagnose`` does)."""
    ref, cur = batch_embeddings(ctx, batch, source, seed)
    held = embeddings(ctx, source, seed)[2]
    if held is not None:
        ref = ref[held]
    return drift.mmd_test(ref, cur, n_permutations=n_permutations, max_samples=max_samples, rng=seed)


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs=KEYED)
@disk.on_disk("projection")
def projection(ctx: Context, batch: str, source: str, method: str, points: int, seed: int,
               classifier: tuple | None) -> tuple[Projection, pd.DataFrame]:
    """Joint 2-D projection of one source's embeddings, reference and one batch, and its points table.

    ``classifier``: the arguments after ``seed`` of :func:`domain_classifier` (features, alpha, folds,
    rows) — then the rows that classifier scored (its balanced sample) are projected, so every point has
    an out-of-fold P(production); ``None``: all rows (``drift.project`` subsamples).

    Returns
    -------
    (drift Projection, DataFrame)
        Points: ``x, y, side, row`` (position in the reference / the batch's rows), ``p_production``
        (nan without a classifier).
    """
    ref, cur = batch_embeddings(ctx, batch, source, seed)
    if classifier is not None:
        features, alpha, n_folds, max_samples = classifier
        s = domain_classifier(ctx, batch, features, alpha, seed, n_folds, max_samples).scores
        pos_ref = s.loc[s["side"] == "reference", "position"].to_numpy()
        pos_cur = s.loc[s["side"] == "current", "position"].to_numpy()
        p_ref = s.loc[s["side"] == "reference", "p_current"].to_numpy()
        p_cur = s.loc[s["side"] == "current", "p_current"].to_numpy()
    else:
        pos_ref, pos_cur = np.arange(len(ref)), np.arange(len(cur))
        p_ref, p_cur = np.full(len(ref), np.nan), np.full(len(cur), np.nan)
    proj = drift.project(ref[pos_ref], cur[pos_cur], method=method, max_samples=points, rng=seed)
    c = proj.coords
    is_ref = (c["side"] == "reference").to_numpy()
    pos = c["position"].to_numpy()
    at_ref, at_cur = np.minimum(pos, len(pos_ref) - 1), np.minimum(pos, len(pos_cur) - 1)
    table = pd.DataFrame({
        "x": c["x"].to_numpy(), "y": c["y"].to_numpy(), "side": c["side"].astype(str).to_numpy(),
        "row": np.where(is_ref, pos_ref[at_ref], pos_cur[at_cur]) if len(c) else np.array([], int),
        "p_production": np.where(is_ref, p_ref[at_ref], p_cur[at_cur]) if len(c) else np.array([]),
    })
    return proj, table


@st.cache_resource(show_spinner=False)
def umap_warm_up() -> warmup.UmapWarmUp:
    """UMAP's compilation, started in a background thread once per server process."""
    return warmup.start()


# --- diagnosis and report ----------------------------------------------------------------------
@st.cache_resource(show_spinner=False, max_entries=48, hash_funcs=KEYED)
@disk.on_disk("diagnosis")
def diagnosis(ctx: Context, batch: str, labels: bool, alpha: float, correction: str,
              seed: int) -> Diagnosis:
    """``drift.diagnose`` of one batch against the reference; progress events go to
    :func:`ui.progress.emit` (one per step).  A built-in scenario's diagnoses are kept on disk (a
    server restart, another process and the Report page read them back)."""
    task = ctx.task.task if ctx.task is not None else None      # the scenario's model, or the user's choice
    return drift.diagnose(ctx.reference, ctx.rows(batch), schema=ctx.schema, task=task, use_labels=labels,
                          alpha=alpha,
                          correction=correction, rng=seed, progress=progress.emit)


@st.cache_resource(show_spinner=False, max_entries=32, hash_funcs=KEYED)
def impact(ctx: Context, batch: str, target: str, prediction: str, inputs: ImpactInputs,
           use_labels: bool, seed: int) -> BusinessImpact:
    """``drift.business_impact`` of one batch against the reference."""
    return drift.business_impact(ctx.reference, ctx.rows(batch), target=target, prediction=prediction,
                                 inputs=inputs, use_labels=use_labels, rng=seed)


@st.cache_resource(show_spinner=False, max_entries=32, hash_funcs=KEYED)
def task_impact(ctx: Context, batch: str, inputs: TaskInputs, use_labels: bool, seed: int) -> TaskImpact:
    """``drift.task_business_impact`` of one batch of the data's model (a regression or multiclass model's
    inputs: :mod:`drift.model.task_impact`)."""
    return drift.task_business_impact(ctx.reference, ctx.rows(batch), _task_of(ctx), inputs,
                                      use_labels=use_labels, rng=seed)


@st.cache_resource(show_spinner=False, max_entries=48, hash_funcs=KEYED)
def report(ctx: Context, batch: str, labels: bool, alpha: float, correction: str, seed: int,
           inputs: TaskInputs, not_priced: str | None) -> Report:
    """``drift.build_report`` of :func:`diagnosis`, priced by :func:`impact` (a binary classifier's inputs) or
    :func:`task_impact` (a regression or multiclass model's) unless ``not_priced`` says why it is not, named
    after the data and the batch."""
    diag = diagnosis(ctx, batch, labels, alpha, correction, seed)
    if not_priced:
        bi = None
    elif isinstance(inputs, ImpactInputs):
        bi = impact(ctx, batch, diag.schema.target, diag.schema.prediction, inputs, diag.has_labels, seed)
    else:
        bi = task_impact(ctx, batch, inputs, diag.has_labels, seed)
    current_name = ctx.source.current_name if batch == state.ALL_BATCHES else f"batch {batch}"
    return drift.build_report(diag, title=f"Drift report — {ctx.source.title}", impact=bi,
                              reference_name=ctx.source.reference_name, current_name=current_name,
                              not_priced=not_priced)


@st.cache_resource(show_spinner=False, max_entries=16, hash_funcs=KEYED)
def report_html(ctx: Context, batch: str, labels: bool, alpha: float, correction: str, seed: int,
                inputs: TaskInputs, not_priced: str | None) -> str:
    """The self-contained HTML of :func:`report` (it embeds plotly.js: several MB, built on demand)."""
    return report(ctx, batch, labels, alpha, correction, seed, inputs, not_priced).to_html()


# --- the model's task (regression and multiclass; the binary model is read by the diagnosis) -----------
def _class_probabilities(info: TaskInfo) -> list[str] | None:
    """The ``proba_<class>`` columns in class order, or ``None`` when the model gives none."""
    cols = [info.probability_columns.get(c) for c in info.classes]
    return cols if cols and all(cols) else None


def _task_of(ctx: Context) -> TaskInfo:
    info = ctx.task
    if info is None or info.prediction_kind is None:
        raise DriftInputError("no task or no model output: the model's figures need the target and the "
                              "prediction column", file=ctx.source.reference_name,
                              fix="name the target and the prediction column on the Data page")
    return info


@st.cache_data(show_spinner="Testing the model's predictions…", max_entries=64, hash_funcs=KEYED)
@disk.on_disk("task-prediction")
def task_prediction_drift(ctx: Context, batch: str, alpha: float, bins: int):
    """``drift.task_prediction_drift`` of one batch: the forecasts' drift (regression) or the predicted
    classes' and class probabilities' (multiclass)."""
    return drift.task_prediction_drift(ctx.reference, ctx.rows(batch), _task_of(ctx), alpha=alpha, bins=bins)


@st.cache_data(show_spinner="Measuring the model's performance…", max_entries=64, hash_funcs=KEYED)
@disk.on_disk("task-performance")
def task_performance(ctx: Context, batch: str, seed: int):
    """Realised performance of one batch against the reference, in the task's metrics, with bootstrap
    intervals of the change: ``drift.regression_performance_change`` or
    ``drift.multiclass_performance_change``."""
    info, ref, cur = _task_of(ctx), ctx.reference, ctx.rows(batch)
    if info.task == "regression":
        return drift.regression_performance_change(ref[info.target], ref[info.prediction], cur[info.target],
                                                   cur[info.prediction], rng=seed)
    cols = _class_probabilities(info)
    labels = info.prediction if info.prediction_kind == "label" else None
    return drift.multiclass_performance_change(
        ref[info.target], ref[labels] if labels else None, cur[info.target], cur[labels] if labels else None,
        reference_probabilities=ref[cols] if cols else None,
        current_probabilities=cur[cols] if cols else None, classes=info.classes, rng=seed)


@st.cache_resource(show_spinner="Learning the model's errors on the reference…", max_entries=8,
                   hash_funcs=KEYED)
def loss_model(ctx: Context, seed: int) -> drift.LossModel:
    """``drift.fit_loss_model`` of a regression model on the labelled reference (its features)."""
    info = _task_of(ctx)
    return drift.fit_loss_model(ctx.reference, target=info.target, prediction=info.prediction,
                                features=list(ctx.schema.features), rng=seed)


@st.cache_data(show_spinner="Estimating the model's performance…", max_entries=64, hash_funcs=KEYED)
@disk.on_disk("task-estimate")
def task_estimate(ctx: Context, batch: str, seed: int):
    """Performance of one batch estimated without its labels: direct loss estimation (regression, the
    loss model of :func:`loss_model`) or CBPE on the class probabilities (multiclass)."""
    info, cur = _task_of(ctx), ctx.rows(batch)
    if info.task == "regression":
        return drift.estimated_regression_performance(None, cur, target=info.target,
                                                      prediction=info.prediction,
                                                      loss_model=loss_model(ctx, seed), rng=seed)
    cols = _class_probabilities(info)
    if cols is None:
        raise DriftInputError("no per-class probability columns: performance without labels is estimated "
                              "from them", file=ctx.source.current_name,
                              fix="add one column proba_<class> per class")
    return drift.estimated_multiclass_performance(ctx.reference[info.target], ctx.reference[cols], cur[cols],
                                                  classes=info.classes, rng=seed)


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs=KEYED)
def model_sample(ctx: Context, batch: str, seed: int, max_points: int) -> pd.DataFrame:
    """The rows a chart of the model draws: ``side`` (``reference`` / ``current``), ``actual`` and
    ``predicted`` of up to ``max_points`` rows per side with both (a seeded sample without replacement);
    ``attrs["rows"]``: {side: rows with both, before sampling}."""
    info, gen = _task_of(ctx), np.random.default_rng(seed)
    parts, rows = [], {}
    for side, frame in (("reference", ctx.reference), ("current", ctx.rows(batch))):
        if info.target not in frame.columns:          # production labels not arrived: nothing to pair
            frame = frame.iloc[:0].assign(**{info.target: np.nan})
        pair = pd.DataFrame({"actual": frame[info.target], "predicted": frame[info.prediction]}).dropna()
        rows[side] = len(pair)
        if len(pair) > max_points:
            pair = pair.iloc[np.sort(gen.choice(len(pair), max_points, replace=False))]
        parts.append(pair.assign(side=side))
    out = pd.concat(parts, ignore_index=True)[["side", "actual", "predicted"]]
    out.attrs["rows"] = rows
    return out


# --- monitoring --------------------------------------------------------------------------------
@st.cache_data(show_spinner=False, max_entries=16, hash_funcs=KEYED)
@disk.on_disk("monitor")
def monitor(ctx: Context, split: tuple, alpha: float, correction: str, bins: int, quantile: float,
            detectors: tuple[str, ...], seed: int, mute: tuple[str, ...]) -> MonitorResult:
    """:func:`drift.monitoring.monitor.monitor` of all production, cut into batches as ``split`` (sorted
    ``(argument, value)`` pairs) says, in the metrics of the model's task (a regression model's MAE, a
    multiclass model's accuracy); embeddings are monitored when the data has them.  Progress events go
    to :func:`ui.progress.emit`."""
    task = ctx.task.task if ctx.task is not None else None      # the scenario's model, or the user's choice
    return monitor_batches(ctx.reference, ctx.current, schema=ctx.schema, task=task, alpha=alpha,
                           correction=correction, bins=bins, quantile=quantile, detectors=detectors, rng=seed,
                           progress=progress.emit, embeddings="auto" if _has_embeddings(ctx) else None,
                           mute=mute, **dict(split))


def _has_embeddings(ctx: Context) -> bool:
    try:
        cols = drift.embedding_columns(ctx.reference)
    except drift.DriftError:
        return False
    return bool(cols) and all(c in ctx.current.columns for c in cols)


@st.cache_data(show_spinner=False, max_entries=16, hash_funcs=KEYED)
@disk.on_disk("scorecard")
def scorecard(ctx: Context, split: tuple, alpha: float, correction: str, bins: int, quantile: float,
              detectors: tuple[str, ...], seed: int, mute: tuple[str, ...]) -> Scorecard:
    """:func:`drift.monitoring.scorecard.scorecard` of :func:`monitor` (same arguments) against the
    scenario's manifest."""
    result = monitor(ctx, split, alpha, correction, bins, quantile, detectors, seed, mute)
    return score_detectors(result, ctx.scenario.manifest)


@st.cache_data(show_spinner=False, max_entries=16)
@disk.on_disk("autopilot", scenario_arg="name")
def policy_comparison(name: str, kinds: tuple[str, ...], every_k: int, retrain_cost: float,
                      cost_per_error_unit: float, seed: int, task: str = OWN_TASK) -> PolicyComparison:
    """:func:`drift.monitoring.autopilot.compare_policies` of the default policies of ``kinds`` on a built-in
    scenario, through its model of ``task`` (a view is generated afresh: the autopilot retrains its model,
    which no cached view keeps), billing the task's default error metric; progress events (the fraction
    done) go to :func:`ui.progress.emit`."""
    sc = scenario(name) if task == OWN_TASK else load_scenario(name).with_task(task)
    policies = [p for p in default_policies(sc, every_k=every_k) if p.kind in kinds]
    cost = CostModel.for_task(sc.task, retrain_cost=retrain_cost, cost_per_error_unit=cost_per_error_unit)
    return compare_policies(sc, policies, cost=cost, rng=seed, progress=progress.emit)


# --- text --------------------------------------------------------------------------------------
@st.cache_data(show_spinner="Comparing the two periods' language…", max_entries=32, hash_funcs=KEYED)
@disk.on_disk("text-drift")
def text_drift(ctx: Context, column: str, period_a: str, period_b: str, seed: int, alpha: float,
               max_samples: int, n_terms: int, n_examples: int, n_permutations: int) -> drift.TextDriftResult:
    """``drift.text_drift`` of period A (the 'reference' side) against period B."""
    return drift.text_drift(ctx.period_rows(period_a)[column], ctx.period_rows(period_b)[column],
                            max_samples=max_samples, n_terms=n_terms, n_examples=n_examples,
                            n_permutations=n_permutations, alpha=alpha, rng=seed)


@st.cache_data(show_spinner=False, max_entries=256, hash_funcs=KEYED)
@disk.on_disk("text-week")
def week_point(ctx: Context, column: str, batch: str, seed: int, prediction: str | None, max_samples: int,
               n_permutations: int) -> dict:
    """One batch's language against the reference (MMD p-value, domain and words AUCs, top new terms) and
    the model's predicted-positive share."""
    reference, current = ctx.reference, ctx.rows(batch)
    res = drift.text_drift(reference[column], current[column], max_samples=max_samples, n_terms=5,
                           n_examples=0, n_permutations=n_permutations, rng=seed)
    point = {"batch": batch, "n": len(current), "mmd_pvalue": res.mmd.pvalue, "domain_auc": res.domain.auc,
             "linear_auc": res.linear_auc, "top_terms": ", ".join(t for t, _ in res.terms_current[:5]),
             "positive_share": np.nan}
    if prediction is not None and prediction in current.columns:
        pred = drift.prediction_drift(reference[prediction], current[prediction])
        point["positive_share"] = pred.positive_rate_current
        point["positive_share_reference"] = pred.positive_rate_reference
    return point


@st.cache_data(show_spinner=False, max_entries=16, hash_funcs=KEYED)
@disk.on_disk("text-accuracy")
def batch_performance(ctx: Context, target: str, prediction: str, batch_column: str | None,
                      task: str = "binary") -> pd.DataFrame:
    """:func:`drift.diagnosis.practice.batch_performance`: realised performance in the task's metric on
    the reference and each batch."""
    return practice.batch_performance(ctx.reference, ctx.current, target=target, prediction=prediction,
                                      batch=batch_column, task=task)


@st.cache_data(show_spinner="Embedding and projecting the posts…", max_entries=16, hash_funcs=KEYED)
def embedding_map(ctx: Context, column: str, seed: int, method: str, per_period: int):
    """``drift.project`` of a seeded sample of up to ``per_period`` posts of every period (the reference's
    batches, then production's), embedded by one TF-IDF + SVD fitted on every sampled post (as
    ``text_drift``'s pooled fit, so new words count): (Projection, coords with ``period`` and ``text``)."""
    gen = np.random.default_rng(seed)
    ref_batch = ctx.schema.batch if ctx.schema.batch in ctx.reference.columns else None
    ref = _period_sample(ctx.reference, column, ref_batch, REFERENCE_PERIOD, per_period, gen)
    cur = _period_sample(ctx.current, column, ctx.batch_column, "production", per_period, gen)
    texts = pd.concat([ref[column], cur[column]], ignore_index=True)
    emb, _ = drift.text_embeddings(texts, texts.iloc[:1], n_components=32, rng=seed)
    proj = drift.project(emb[:len(ref)], emb[len(ref):], method=method, max_samples=len(texts), rng=seed)
    coords = proj.coords.copy()
    is_ref = (coords["side"] == "reference").to_numpy()
    pos = coords["position"].to_numpy()
    pos_ref, pos_cur = np.minimum(pos, len(ref) - 1), np.minimum(pos, len(cur) - 1)
    coords["period"] = np.where(is_ref, ref["_period"].to_numpy()[pos_ref],
                                cur["_period"].to_numpy()[pos_cur])
    coords["text"] = np.where(is_ref, ref[column].to_numpy()[pos_ref], cur[column].to_numpy()[pos_cur])
    return proj, coords


def _period_sample(frame: pd.DataFrame, column: str, batch_col: str | None, default: str, per_period: int,
                   gen: np.random.Generator) -> pd.DataFrame:
    """Up to ``per_period`` rows of each batch of ``frame`` (one period, ``default``, without a batch
    column): the text and its period in ``_period``."""
    labels = frame[batch_col].astype(str) if batch_col else pd.Series(default, index=frame.index)
    parts = []
    for _, part in frame.assign(_period=labels.to_numpy()).groupby("_period", sort=False):
        take = gen.choice(len(part), min(per_period, len(part)), replace=False)
        parts.append(part.iloc[np.sort(take)][[column, "_period"]])
    return pd.concat(parts, ignore_index=True)

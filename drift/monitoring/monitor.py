"""Monitoring over time: per-batch drift metrics, with alert thresholds calibrated on the reference.

:func:`monitor` compares every production batch with the reference and reports one row per batch and
metric (:data:`~drift.monitoring.detectors.METRICS`); each *detector*
(:data:`~drift.monitoring.detectors.DETECTORS`) owns one or more metrics.  Its options are one frozen
:class:`~drift.monitoring.settings.MonitorSettings`, given whole or field by field.

How it is built, one concept a module (each layer imports only the ones above it in this list):

* :mod:`drift.monitoring.detectors` -- the detectors and metrics, which way each is bad;
* :mod:`drift.monitoring.settings` -- :class:`~drift.monitoring.settings.MonitorSettings`;
* :mod:`drift.monitoring.task_outputs` -- a regression or multiclass model's metrics as functions of
  row weights (the binary classifier keeps its own fast path in the next module);
* :mod:`drift.monitoring.reference` -- the reference's summaries, computed once per call;
* :mod:`drift.monitoring.metrics` -- every metric of a batch or a null draw (rule 2: each feature's own
  PSI threshold);
* :mod:`drift.monitoring.calibration` -- null draws and thresholds (rules 1 and 3: null batches at the
  batch's size, a detector's thresholds set together so that the *detector* false-alarms at the level);
* :mod:`drift.monitoring.evaluate` -- thresholds applied to the batches, alerts and their reasons (rule 4);
* this module -- the inputs checked, the pieces run in order, :class:`MonitorResult`.

**The model's task** (``task``: ``binary``, ``multiclass`` or ``regression``, inferred from the
reference's target and prediction by :func:`drift.data.task.infer_task` unless given) decides the
model-facing metrics: a binary classifier's prediction PSI, ROC AUC and accuracy, CBPE; a regression
model's forecast PSI and KS, MAE, RMSE and |bias|, DLE-estimated MAE and RMSE; a multiclass model's
predicted-class PSI, accuracy and macro-F1, CBPE-estimated accuracy and macro-F1
(:mod:`drift.monitoring.task_outputs`).  Every one is calibrated by the same null draws.

Each *detector* alerts a clean batch with probability about ``1 - quantile``; a batch alerts when any
detector does, so with the five default detectors of a labelled batch expect up to ~5 x (1 - quantile)
of clean batches to carry an alert (about a fifth at ``quantile=0.95``; use 0.99 for fewer).
``bench/false_alarms.py`` measures each detector's rate on the clean batches of the built-in scenarios.

**What "clean" needs.**  The null draws come from the reference, so a batch is judged against what the
reference *is*.  Two things must hold for a clean batch to look like a null draw:

* the reference's predictions must be **out of sample** -- the model's scores on rows it was not
  trained on (cross-validated predictions, or a held-out validation set).  In-sample scores are
  optimistic (a gradient-boosting model's ROC AUC is ~0.03 higher on its own training rows), so every
  production batch would look worse and realised performance would alert on all of them; monitor adds
  a note when the batches look like that (:func:`drift.monitoring.evaluate.in_sample_notes`).  Better
  still, the reference scores come from the *deployed* model on held-out rows: cross-validated scores
  come from fold models trained on less data, whose score distribution can differ from the deployed
  model's;
* a change that is expected (seasonality, a calendar feature) must be muted, or every batch alerts on
  it.  Muting takes the feature out of the feature-based detectors, and **rebalances the score-based
  ones** (prediction drift, realised and estimated performance): if the model reads the feature, its
  scores (and the outcome) follow it, so each batch is compared with the reference *reweighted to the
  batch's distribution of the muted features* (importance weights on reference deciles / categories,
  :mod:`drift.monitoring.reweighting`): its prediction PSI against the reweighted scores, its performance
  against the reweighted reference's, and the thresholds from null draws of the reweighted reference
  (``"reweighted"`` mode of :mod:`drift.monitoring.calibration`).  Reweighting cannot extrapolate: a
  batch with more than :data:`drift.monitoring.reweighting.UNSEEN_MAX_SHARE` of its rows at muted values
  the reference never saw (beyond its range, a new category) is compared with the unweighted reference,
  and a note names it -- its score-based detectors still see the season.  With nothing muted every
  number is as before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from drift.core.decisions import exceeds
from drift.core.errors import DriftError, DriftInputError, DriftParameterError, MixedTypeError
from drift.core.inputs import numeric_values
from drift.core.jsonsafe import jsonable, python_scalar
from drift.data.batching import describe_split, split_batches
from drift.data.schema import Schema, infer_schema
from drift.data.task import TaskInfo, infer_task, sorted_labels
from drift.diagnosis.diagnose import diagnose
from drift.monitoring.calibration import (
    BOOTSTRAP_ABOVE,
    SCORE_DRAWS_FACTOR,
    SIZE_BUCKET_RATIO,
    calibrate,
    calibrated_threshold,
    calibration_table,
    joint_thresholds,
    make_plan,
)
from drift.monitoring.detectors import (
    DEFAULT_DETECTORS,
    DETECTORS,
    DIRECTIONS,
    DOMAIN_MIN_ROWS,
    METRICS,
    MIN_LABELS,
    SCORE_DETECTORS,
    SPECS,
    MetricSpec,
)
from drift.monitoring.evaluate import (
    ALERT_COLUMNS,
    IN_SAMPLE_GAP,
    IN_SAMPLE_MIN_BATCHES,
    METRIC_COLUMNS,
    evaluate,
    in_sample_notes,
)
from drift.monitoring.metrics import PARALLEL_FROM, PREDICTION_BINS, PSI_LEVEL_FLOOR
from drift.monitoring.reference import Reference
from drift.monitoring.reweighting import UNSEEN_LISTED, JointBins, Reweighting, reweighting_notes
from drift.monitoring.settings import MonitorSettings, monitor_settings
from drift.multivariate.embeddings import embedding_columns, embeddings_from_frame

__all__ = [
    "ALERT_COLUMNS", "BOOTSTRAP_ABOVE", "DEFAULT_DETECTORS", "DETECTORS", "DIRECTIONS", "DOMAIN_MIN_ROWS",
    "IN_SAMPLE_GAP", "IN_SAMPLE_MIN_BATCHES", "METRICS", "METRIC_COLUMNS", "MIN_LABELS", "PARALLEL_FROM",
    "PREDICTION_BINS", "PSI_LEVEL_FLOOR", "SCORE_DRAWS_FACTOR", "SIZE_BUCKET_RATIO", "SPECS", "UNSEEN_LISTED",
    "MetricSpec", "MonitorResult", "MonitorSettings", "calibrated_threshold", "exceeds", "joint_thresholds",
    "monitor",
]


# ---------------------------------------------------------------------------------------------- result
@dataclass(frozen=True, slots=True)
class MonitorResult:
    """Result of :func:`monitor`.

    Attributes
    ----------
    metrics : DataFrame
        Long table, one row per batch and metric: :data:`METRIC_COLUMNS` (``baseline`` is the
        reference's own value where one exists, e.g. its ROC AUC -- of the reference reweighted to the
        batch when features are muted; ``calibration_size`` the size the threshold was calibrated at).
    severity : DataFrame
        Feature × batch severity (``stable`` / ``minor`` / ``moderate`` / ``major``), for a heatmap.
    psi : DataFrame
        Feature × batch PSI.
    alerts : DataFrame
        One row per alert: :data:`ALERT_COLUMNS`, with a plain-language ``reason``.
    batches : DataFrame
        One row per batch: ``batch, position, n_rows, n_labelled, n_alerts, status`` (``alert``/``ok``)
        and ``verdict`` (the diagnosis of alerted batches when ``diagnose_alerts``, else empty).
    calibration : DataFrame
        ``metric, detector, size, mode, n_draws, threshold, null_median, batch`` per calibration
        (``batch``: the batch a ``"reweighted"`` calibration serves, empty for calibrations shared by
        every batch of that size).
    reference : dict
        The reference's row count and its own values of the performance metrics.
    params : dict
        The arguments, for the record (JSON-safe).
    notes : tuple of str
        Detectors skipped and why, and other caveats.
    verdicts : DataFrame or None
        ``batch, verdict, label, confidence, evidence`` for alerted batches (``diagnose_alerts=True``).
    chunking : str
        How production was cut into batches, in words (:func:`drift.data.batching.describe_split`), e.g.
        ``"one batch per value of column 'month'"`` or ``"random chunks of 2,000 rows (seed 0): …"``.
    muted : tuple of str
        Features whose change is expected (``mute``): computed and shown, never alerting.
    feature_thresholds : DataFrame or None
        Feature × batch: each feature's own PSI threshold at the batch's size (its null PSI level times
        the features detector's ratio threshold, :mod:`drift.monitoring.metrics`); a feature beyond it
        makes the features detector alert unless muted.  ``None`` when the features detector did not run.
    """

    metrics: pd.DataFrame
    severity: pd.DataFrame
    psi: pd.DataFrame
    alerts: pd.DataFrame
    batches: pd.DataFrame
    calibration: pd.DataFrame
    reference: dict
    params: dict
    notes: tuple[str, ...] = ()
    verdicts: pd.DataFrame | None = None
    chunking: str = ""
    muted: tuple[str, ...] = ()
    feature_thresholds: pd.DataFrame | None = None

    @property
    def labels(self) -> list[str]:
        """Batch labels in order."""
        return list(self.batches["batch"])

    @property
    def detectors(self) -> list[str]:
        """Detectors that produced at least one value."""
        m = self.metrics.dropna(subset=["value"])
        return [d for d in DETECTORS if d in set(m["detector"])]

    def wide(self, column: str = "value") -> pd.DataFrame:
        """Batch × metric table of ``column`` (``value``, ``threshold``, ``alert`` …), batches in order."""
        if column not in self.metrics.columns:
            raise DriftParameterError.invalid("column", "MonitorResult.wide", f"one of {METRIC_COLUMNS}",
                                              column)
        table = self.metrics.pivot(index="batch", columns="metric", values=column)
        order = [m.name for m in METRICS if m.name in table.columns]
        return table.reindex(index=self.labels, columns=order).rename_axis(columns=None)

    def detector_alerts(self) -> pd.DataFrame:
        """Batch × detector: True when any metric of the detector alerted (detectors that ran)."""
        m = self.metrics[self.metrics["detector"].notna()]
        table = m.groupby(["batch", "detector"], sort=False)["alert"].any().unstack("detector")
        return table.reindex(index=self.labels, columns=self.detectors).fillna(False).astype(bool)

    def feature_beyond(self) -> pd.DataFrame:
        """Feature × batch: True where the feature's PSI is above its own threshold (never for a muted
        feature, nor where either is missing).  Empty when the features detector did not run."""
        if self.feature_thresholds is None:
            return pd.DataFrame(dtype=bool)
        beyond = (self.psi > self.feature_thresholds).fillna(False).astype(bool)
        beyond.loc[beyond.index.isin(self.muted)] = False
        return beyond

    def feature_summary(self) -> pd.DataFrame:
        """One row per feature, most alarming first: ``feature, muted, n_beyond`` (batches where its PSI
        is above its own threshold), ``first_beyond`` (the first such batch, ``""`` for none) and
        ``worst_ratio`` (its largest PSI ÷ threshold over the batches; above 1 is beyond).  Muted
        features come last and never count as beyond."""
        columns = ["feature", "muted", "n_beyond", "first_beyond", "worst_ratio"]
        if self.feature_thresholds is None:
            return pd.DataFrame(columns=columns)
        beyond = self.feature_beyond()
        ratio = (self.psi / self.feature_thresholds).max(axis=1, skipna=True)
        rows = [(f, f in self.muted, int(beyond.loc[f].sum()),
                 str(beyond.columns[beyond.loc[f].to_numpy()][0]) if beyond.loc[f].any() else "",
                 float(ratio.get(f, np.nan))) for f in self.psi.index]
        table = pd.DataFrame(rows, columns=columns)
        order = np.lexsort((-table["worst_ratio"].fillna(-np.inf).to_numpy(), table["muted"].to_numpy()))
        return table.iloc[order].reset_index(drop=True)

    def to_dict(self) -> dict:
        """JSON-safe dictionary (``nan`` becomes ``None``)."""
        return {
            "params": self.params, "reference": jsonable(self.reference), "notes": list(self.notes),
            "batches": jsonable(self.batches), "metrics": jsonable(self.metrics),
            "alerts": jsonable(self.alerts), "calibration": jsonable(self.calibration),
            "severity": {c: jsonable(self.severity[c].to_dict()) for c in self.severity.columns},
            "psi": {c: jsonable(self.psi[c].to_dict()) for c in self.psi.columns},
            "verdicts": None if self.verdicts is None else jsonable(self.verdicts),
            "chunking": self.chunking, "muted": list(self.muted),
            "feature_thresholds": None if self.feature_thresholds is None else {
                c: jsonable(self.feature_thresholds[c].to_dict()) for c in self.feature_thresholds.columns},
        }





# ------------------------------------------------------------------------------------------- monitor
def monitor(reference: pd.DataFrame, batches, *, schema=None, target: str | None = None,
            prediction: str | None = None, embeddings=None, rng=0,
            progress: Callable[[str, int, int], None] | None = None, settings: MonitorSettings | None = None,
            **options) -> MonitorResult:
    """Monitor production batches against the reference, with thresholds calibrated on the reference.

    Parameters
    ----------
    reference : DataFrame
        Training data (with the target and prediction columns when known).  Its predictions must be
        **out of sample** (cross-validated, or the deployed model on a held-out validation set): the
        model's scores on its own training rows are optimistic, and every batch would alert on
        performance (module docstring; a note says when the batches look like that).
    batches : list of (label, DataFrame), mapping label -> DataFrame, or DataFrame
        The production batches in order; a DataFrame is split with
        :func:`drift.data.batching.split_batches` using the options ``batch_col`` / ``time_col`` +
        ``period`` / ``size`` (+ ``order`` or ``shuffle``) / ``min_rows`` (a DataFrame with none of
        them is one batch, ``"current"``).  How it was cut is :attr:`MonitorResult.chunking`.
    schema : Schema, optional
        Column kinds and roles; inferred from the reference when omitted.
    target, prediction : str, optional
        Label and model-score columns (override the schema's roles).
    embeddings : "auto", list of str, or (ndarray, sequence of ndarray), optional
        For MMD: embedding columns present in the reference and every batch (``"auto"``:
        :func:`drift.multivariate.embeddings.embedding_columns`), or a reference matrix and one matrix per
        batch.  MMD runs only when embeddings are given.
    rng : int or numpy.random.Generator, default 0
        Seed for calibration draws, the domain classifier, MMD and ``shuffle``.
    progress : callable(message, done, total), optional
        Called as work advances (the app's progress bar, the CLI's stderr).
    settings : MonitorSettings, optional
        Every other option (:class:`~drift.monitoring.settings.MonitorSettings`: ``alpha``,
        ``quantile``, ``n_calibration``, ``detectors``, ``mute``, the batch split …); default
        ``MonitorSettings()``.
    **options
        Any field of :class:`~drift.monitoring.settings.MonitorSettings`, overriding ``settings``:
        ``monitor(ref, batches, quantile=0.99)`` is ``monitor(ref, batches,
        settings=MonitorSettings(quantile=0.99))``.

    Returns
    -------
    MonitorResult

    Raises
    ------
    DriftParameterError
        An option out of range (named), ``batches`` of the wrong shape.
    DriftInputError
        A reference too small, a role column it lacks, a batch without a feature, scores or labels that
        are not numbers, a muted name that is not a monitored feature.
    TypeError
        An unknown option (the message lists the valid ones).

    Notes
    -----
    Decision rules and calibration: :mod:`drift.monitoring.calibration`.  Cost: one reference profile,
    then per batch one :func:`drift.feature_drift` against the profile; per size bucket
    ``n_calibration`` null draws of the same work; the domain classifier adds ``(n_batches +
    domain_calibration)`` fits.

    Examples
    --------
    >>> from drift.data.scenarios import load_scenario
    >>> sc = load_scenario("credit", n_train=2000, batch_size=500)
    >>> res = monitor(sc.reference, sc.current, batch_col="batch", n_calibration=20,
    ...               detectors=("features", "quality"))
    >>> int(res.wide().loc["2025-05", "quality_issues"])         # income recorded in thousands
    1
    """
    st = monitor_settings(settings, options)
    _check_reference(reference, target, prediction)
    seed = int(rng) if isinstance(rng, int | np.integer) and not isinstance(rng, bool) \
        else int(np.random.default_rng(rng).integers(2**32))
    pairs, chunking = _as_batches(batches, st, seed)
    schema, notes = _monitored_schema(reference, schema, target, prediction, st)
    info = _task(reference, schema, st, notes)
    if info is not None:          # per-class probability columns are model outputs, not features
        schema = schema.with_roles(excluded=tuple(dict.fromkeys(
            (*schema.excluded, *(c for c in info.probability_columns.values() if c in schema.kinds)))))
    mute = _muted(st.mute, schema)
    ref_emb, batch_emb = _resolve_embeddings(embeddings, reference, pairs)
    active = _active_detectors(st.detectors, schema, mute, ref_emb, notes, info)
    if info is None:
        _check_outputs(reference, "reference", (schema.prediction,))
    ref = Reference(reference, schema, target=schema.target, prediction=schema.prediction, bins=st.bins,
                    threshold=st.threshold, embeddings=ref_emb, detectors=active, muted=mute, task=info,
                    seed=seed)
    if ref.outputs is not None:
        for d, reason in ref.outputs.unavailable.items():
            if d in active:
                active.discard(d)
                notes.append(f"{DETECTORS[d]} skipped: {reason}")
    elif {"performance", "estimated_performance"} & active and not ref.whole.performance:
        active -= {"performance", "estimated_performance"}
        notes.append(ref.note)
    for label, rows in pairs:
        _check_batch(ref, label, rows)
        if ref.outputs is not None:
            notes.extend(ref.outputs.batch_notes(rows, label, active))
    if "domain" in active and ref.n // 2 < st.domain_max_samples:
        notes.append(f"domain classifier calibrated on {ref.n // 2:,} rows per side (half the reference)")
    reweightings = _reweightings(reference, ref, pairs, mute, active, notes)
    # BLAS on one thread: the products here are vector-sized, and a multi-threaded BLAS waking its threads
    # for each one costs 10-1000x the product itself on a busy 2-core machine.
    with threadpool_limits(limits=1, user_api="blas"):
        plan = make_plan(ref, pairs, active, st, reweightings)
        tick = _ticker(progress, plan.total)
        calibrations = calibrate(ref, plan, st, seed, tick)
        ev = evaluate(ref, pairs, batch_emb, plan, calibrations, st, seed, tick)
    notes.extend(in_sample_notes(ev.metrics, ref.baselines))
    verdicts = _diagnose(reference, pairs, ev.batches, schema, mute, st, seed) if st.diagnose_alerts else None
    reference_info = {"n_rows": ref.n, **{k: float(v) for k, v in ref.baselines.items()}}
    calibration = calibration_table(plan, calibrations, [label for label, _ in pairs])
    return MonitorResult(ev.metrics, ev.severity, ev.psi, ev.alerts, ev.batches, calibration, reference_info,
                         _params(st, active, seed, ref, mute, chunking), tuple(notes), verdicts, chunking,
                         mute, ev.feature_thresholds if "features" in active else None)


def _check_reference(reference, target: str | None, prediction: str | None) -> None:
    """A DataFrame of at least two rows holding the role columns named."""
    if not isinstance(reference, pd.DataFrame):
        raise DriftParameterError.invalid("reference", "monitor", "a pandas DataFrame",
                                          type(reference).__name__)
    if len(reference) < 2:
        raise DriftInputError(f"{len(reference)} reference row(s): too few to calibrate thresholds",
                              file="reference", fix="use a reference with at least a few hundred rows")
    for name, value in (("target", target), ("prediction", prediction)):
        if value is not None and value not in reference.columns:
            raise DriftInputError(f"no column named {value!r}", file="reference", column=value,
                                  fix=f"choose the {name} among {list(reference.columns)[:10]}")


def _as_batches(batches, st: MonitorSettings, seed: int) -> tuple[list[tuple[str, pd.DataFrame]], str]:
    """The ``(label, frame)`` pairs, and how they were cut, in words."""
    if isinstance(batches, pd.DataFrame):
        how = dict(batch_col=st.batch_col, time_col=st.time_col, period=st.period, size=st.size,
                   order=st.order, shuffle=st.shuffle, rng=seed)
        if any(how[k] is not None for k in ("batch_col", "time_col", "size", "order")) or st.shuffle:
            return split_batches(batches, **how, min_rows=st.min_rows), st.chunking or describe_split(**how)
        return [("current", batches.reset_index(drop=True))], st.chunking or describe_split()
    if isinstance(batches, Mapping):
        batches = list(batches.items())
    try:
        pairs = [(str(label), frame) for label, frame in batches]
    except (TypeError, ValueError):
        allowed = "a list of (label, DataFrame) pairs or a DataFrame with batch_col / time_col / size"
        raise DriftParameterError.invalid("batches", "monitor", allowed, type(batches).__name__) from None
    for label, frame in pairs:
        if not isinstance(frame, pd.DataFrame):
            raise DriftParameterError.invalid(f"batches[{label!r}]", "monitor", "a pandas DataFrame",
                                              type(frame).__name__)
    labels = [label for label, _ in pairs]
    if len(set(labels)) != len(labels):
        dup = next(lab for lab in labels if labels.count(lab) > 1)
        raise DriftParameterError.invalid("batches", "monitor", "batches with distinct labels",
                                          f"label {dup!r} twice")
    if not pairs:
        raise DriftParameterError.invalid("batches", "monitor", "at least one batch", "none")
    return pairs, st.chunking or f"{len(pairs)} batch(es) as given by the caller"


def _monitored_schema(reference: pd.DataFrame, schema, target: str | None, prediction: str | None,
                      st: MonitorSettings) -> tuple[Schema, list[str]]:
    """The schema monitored (roles overridden; the columns that cut the batches left out), and a note
    when the ``order`` column was a feature."""
    if schema is None:
        schema = infer_schema(reference)
    elif not isinstance(schema, Schema):
        raise DriftParameterError.invalid("schema", "monitor", "a drift.Schema or None",
                                          type(schema).__name__)
    notes: list[str] = []
    if st.order is not None and st.order in schema.features:
        notes.append(f"{st.order!r} orders the batches, so it is not monitored itself: every batch would "
                     "differ on it by construction")
    split_cols = {c for c in (st.batch_col, st.time_col, st.order) if c is not None}
    schema = schema.with_roles(target=target or schema.target, prediction=prediction or schema.prediction,
                               excluded=tuple(schema.excluded)
                               + tuple(c for c in split_cols if c in schema.kinds))
    return schema, notes


def _muted(mute: tuple[str, ...], schema: Schema) -> tuple[str, ...]:
    """The muted names, each a monitored feature."""
    for name in mute:
        if name not in schema.features:
            raise DriftInputError(f"cannot mute {name!r}: it is not a monitored feature", file="reference",
                                  column=str(name), fix=f"mute some of {list(schema.features)[:12]}")
    return mute


def _active_detectors(detectors: tuple[str, ...], schema: Schema, mute: tuple[str, ...],
                      ref_emb: np.ndarray | None, notes: list[str], info: TaskInfo | None = None) -> set[str]:
    """The detectors asked for whose inputs are present; a note for each one skipped.  A regression or
    multiclass model (``info``) may give its predictions as ``proba_<class>`` columns only."""
    live = [f for f in schema.features if f not in mute]
    no_features = "no feature columns" if not schema.features else "every feature is muted"
    no_prediction = schema.prediction is None if info is None else info.prediction_kind is None
    no_model = no_prediction or schema.target is None
    skips = {"prediction": no_prediction, "estimated_performance": no_model,
             "performance": no_model, "mmd": ref_emb is None,
             "features": not live, "domain": not live, "quality": not live}
    reasons = {"prediction": "no prediction column",
               "estimated_performance": "needs a target and a prediction",
               "performance": "needs a target and a prediction", "mmd": "no embeddings given",
               "features": no_features, "domain": no_features, "quality": no_features}
    active = set(detectors)
    for d in list(active):
        if skips[d]:
            active.discard(d)
            notes.append(f"{DETECTORS[d]} skipped: {reasons[d]}")
    return active


def _resolve_embeddings(embeddings, reference: pd.DataFrame, pairs) -> tuple[np.ndarray | None, list]:
    """The reference's embedding matrix and one per batch (``None`` without embeddings)."""
    if embeddings is None:
        return None, [None] * len(pairs)
    if isinstance(embeddings, tuple) and len(embeddings) == 2 and not isinstance(embeddings[0], str):
        return _given_embeddings(*embeddings, pairs)
    cols = embedding_columns(reference) if isinstance(embeddings, str) and embeddings == "auto" \
        else [embeddings] if isinstance(embeddings, str) else list(embeddings)
    ref_emb = embeddings_from_frame(reference, cols, file="reference")
    return ref_emb, [embeddings_from_frame(frame, cols, file=label) for label, frame in pairs]


def _given_embeddings(ref_emb, cur, pairs) -> tuple[np.ndarray, list]:
    """Embedding matrices passed as ``(reference matrix, one matrix per batch)``, checked."""
    cur = [cur[label] for label, _ in pairs] if isinstance(cur, Mapping) else list(cur)
    if len(cur) != len(pairs):
        raise DriftParameterError.invalid("embeddings", "monitor", "one matrix per batch",
                                          f"{len(cur)} for {len(pairs)} batches")
    ref_emb = np.asarray(ref_emb, dtype=np.float64)
    out = []
    for (label, frame), emb in zip(pairs, cur, strict=True):
        emb = np.asarray(emb, dtype=np.float64)
        if emb.ndim != 2 or len(emb) != len(frame) or emb.shape[1] != ref_emb.shape[1]:
            raise DriftInputError(f"embeddings of shape {emb.shape} for {len(frame)} rows of "
                                  f"{ref_emb.shape[1]} dimensions", file=label,
                                  fix="give one embedding row per batch row, as in the reference")
        out.append(emb)
    return ref_emb, out


_FIX_OUTPUTS = "give the model's scores and the labels as numbers, in the reference and in every batch"


def _check_outputs(frame: pd.DataFrame, side: str, columns) -> None:
    """The model-output columns read as numbers (scores, 0/1 labels) hold numbers: else a DriftError."""
    for col in columns:
        if col is not None and col in frame.columns:
            numeric_values(frame[col], side=side, column=col, fix=_FIX_OUTPUTS)


def _check_batch(ref: Reference, label: str, rows: pd.DataFrame) -> None:
    """A batch holds every feature, numbers where the reference has numbers, numeric model outputs."""
    missing = [f for f in ref.features if f not in rows.columns]
    if missing:
        raise DriftInputError(f"the batch lacks the feature(s) {missing[:5]}", file=label, column=missing[0],
                              fix="send every feature column of the reference")
    for col in ref.features:
        if ref.schema.kinds[col] == "numeric":
            s = rows[col]
            if not (pd.api.types.is_numeric_dtype(s) or s.isna().all()):
                raise MixedTypeError("numbers in the reference, text in this batch", file=label, column=col,
                                     fix="fix the pipeline so the column holds numbers (or mark it "
                                         "categorical in the schema)")
    if ref.task == "binary":            # the other tasks' outputs are checked as they are read
        numeric_target = ref.target is not None and pd.api.types.is_numeric_dtype(ref.frame[ref.target])
        _check_outputs(rows, label, (ref.prediction, ref.target if numeric_target else None))


def _reweightings(reference: pd.DataFrame, ref: Reference, pairs, mute: tuple[str, ...], active: set[str],
                  notes: list[str]) -> dict[int, Reweighting]:
    """Batch position -> the reference's weights to its muted features, for the score-based detectors
    (none when nothing is muted or no such detector runs); notes say what they did."""
    if not mute or not active & SCORE_DETECTORS:
        return {}
    joint = JointBins(reference, {f: ref.columns[f][0] for f in mute})
    reweightings = {pos: joint.weights(rows) for pos, (_, rows) in enumerate(pairs) if len(rows) >= 2}
    notes.extend(reweighting_notes([label for label, _ in pairs], reweightings, joint, ref.n))
    return reweightings


def _ticker(progress, total: int) -> Callable[[str], None]:
    done = [0]

    def tick(message: str) -> None:
        done[0] += 1
        if progress is not None:
            progress(message, done[0], total)
    return tick


def _diagnose(reference: pd.DataFrame, pairs, batch_table: pd.DataFrame, schema: Schema,
              mute: tuple[str, ...], st: MonitorSettings, seed: int) -> pd.DataFrame:
    """:func:`drift.diagnose` of each alerted batch (no verdict blames a muted feature); the verdicts are
    also written into ``batch_table``."""
    unmuted = schema.with_roles(excluded=tuple(schema.excluded) + mute)
    rows = []
    alerted = set(batch_table.loc[batch_table["status"] == "alert", "batch"])
    for pos, (label, frame) in enumerate(pairs):
        if label not in alerted:
            continue
        d = diagnose(reference, frame, schema=unmuted, alpha=st.alpha, correction=st.correction,
                     threshold=st.threshold, steps=st.diagnose_steps,
                     rng=np.random.default_rng([seed, 5, pos]))
        v = d.verdict
        rows.append((label, v.kind, v.label, v.confidence, "; ".join(v.evidence)))
    verdicts = pd.DataFrame(rows, columns=["batch", "verdict", "label", "confidence", "evidence"])
    found = dict(zip(verdicts["batch"], verdicts["verdict"], strict=True))
    batch_table["verdict"] = [found.get(label, "") for label in batch_table["batch"]]
    return verdicts


def _params(st: MonitorSettings, active: set[str], seed: int, ref: Reference, mute: tuple[str, ...],
            chunking: str) -> dict:
    """:attr:`MonitorResult.params`: the arguments, for the record (JSON-safe)."""
    return {"alpha": st.alpha, "quantile": st.quantile, "n_calibration": st.n_calibration,
            "detectors": [d for d in DETECTORS if d in active], "rng": seed, "correction": st.correction,
            "bins": st.bins, "threshold": st.threshold, "target": ref.target, "prediction": ref.prediction,
            "domain_max_samples": st.domain_max_samples, "domain_n_folds": st.domain_n_folds,
            "domain_calibration": st.domain_calibration, "mmd_max_samples": st.mmd_max_samples,
            "features": list(ref.features), "mute": list(mute), "chunking": chunking, "task": ref.task}


def _task(reference: pd.DataFrame, schema: Schema, st: MonitorSettings, notes: list[str]) -> TaskInfo | None:
    """The model's task (``st.task``, else :func:`drift.data.task.infer_task` on the reference's target
    and prediction); ``None`` for a binary classifier, which keeps its own path
    (:mod:`drift.monitoring.reference`).  When the task is not given and cannot be inferred, the binary
    path runs and says what it cannot measure, as before tasks existed."""
    if schema.target is None:
        if st.task in (None, "binary") or schema.prediction is None:
            return None
        kind = "forecast" if st.task == "regression" else "label"
        classes = () if st.task == "regression" else sorted_labels(
            map(python_scalar, reference[schema.prediction].dropna().unique()))
        notes.append(f"task {st.task} (given); no target: prediction drift only")
        return TaskInfo(st.task, kind, None, schema.prediction, classes)
    try:
        info = infer_task(reference, None, schema.target, schema.prediction, task=st.task)
    except DriftError as err:
        if st.task is not None:
            raise
        notes.append(f"task not inferred ({err}); monitored as a binary classifier: pass task='regression' "
                     "or task='multiclass' if it is one")
        return None
    if info.task == "binary":
        return None
    how = "given" if st.task is not None else f"inferred from {schema.target!r}"
    notes.append(f"task {info.task} ({how}): the model-facing detectors measure "
                 + ("forecast PSI and KS, MAE, RMSE and |bias|" if info.task == "regression"
                    else "predicted-class shares, accuracy and macro-F1"))
    return info

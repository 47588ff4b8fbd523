"""Applying the calibrated thresholds: every metric of every batch against the whole reference, its
threshold, its alert and the alert's reason in words.

4. **Alert** (rule 4; rules 1-3 are in :mod:`drift.monitoring.calibration`) when the value is strictly
   beyond the threshold (:func:`drift.core.decisions.exceeds`): ``value > threshold`` for metrics that
   grow with drift (share of drifted features, domain-classifier AUC, MMD², data-quality issues),
   ``value < threshold`` for performance, which alerts on a **drop**, and for the PSI tail probability.
   For a discrete metric whose null is almost always 0 (share of drifted features, issue count) the
   threshold is 0 and any drifted feature or issue alerts.

A batch alerts when any of its detectors does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from drift.core.decisions import exceeds
from drift.monitoring.calibration import Calibration, Plan, Tick
from drift.monitoring.detectors import SPECS, MetricSpec, task_metrics
from drift.monitoring.metrics import (
    Measured,
    domain_auc,
    feature_thresholds,
    measure,
    mmd_statistic,
    psi_tail,
)
from drift.monitoring.reference import Reference
from drift.monitoring.settings import MonitorSettings

#: Columns of :attr:`drift.monitoring.monitor.MonitorResult.metrics`.
METRIC_COLUMNS = ("batch", "metric", "detector", "value", "threshold", "baseline", "direction", "alert",
                  "calibration_size")
#: Columns of :attr:`drift.monitoring.monitor.MonitorResult.alerts`.
ALERT_COLUMNS = ("batch", "metric", "detector", "value", "threshold", "reason")
BATCH_COLUMNS = ("batch", "position", "n_rows", "n_labelled", "n_alerts", "status", "verdict")
#: In-sample check (:func:`in_sample_notes`): with at least this many labelled batches, all below the
#: reference's ROC AUC (or accuracy) and their median more than ``IN_SAMPLE_GAP`` times the calibrated
#: noise band (reference minus threshold) below it -- the typical batch alerts -- the reference scores
#: look like in-sample scores.
IN_SAMPLE_MIN_BATCHES = 3
IN_SAMPLE_GAP = 1.0


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The tables of :class:`~drift.monitoring.monitor.MonitorResult` that :func:`evaluate` builds."""

    metrics: pd.DataFrame
    alerts: pd.DataFrame
    batches: pd.DataFrame
    severity: pd.DataFrame
    psi: pd.DataFrame
    feature_thresholds: pd.DataFrame


@dataclass(slots=True)
class _Batch:
    """One batch measured: its metric values, what its alert reasons quote, its feature table."""

    values: dict[str, float]
    measured: Measured
    feature_thr: pd.Series | None = None
    domain: object = None                   # the domain classifier's result, for the reason
    metric_rows: list[tuple] = field(default_factory=list)
    alert_rows: list[tuple] = field(default_factory=list)


def evaluate(ref: Reference, pairs: Sequence[tuple[str, pd.DataFrame]], batch_emb: Sequence,
             plan: Plan, calibrations: Mapping[tuple, Calibration], settings: MonitorSettings, seed: int,
             tick: Tick) -> Evaluation:
    """Every metric of every batch against the whole reference, with its threshold and alert."""
    done: dict[str, _Batch] = {}
    batch_rows = []
    for pos, (label, rows) in enumerate(pairs):
        batch = _measure_batch(ref, pos, label, rows, batch_emb[pos], plan, calibrations, settings, seed)
        _decide(ref, label, pos, batch, plan, calibrations, settings.quantile)
        done[label] = batch
        n_alerts = len(batch.alert_rows)
        batch_rows.append((label, pos, len(rows), plan.sizes[pos].get("performance", 0), n_alerts,
                           "alert" if n_alerts else "ok", ""))
        tick(f"batch {label}")
    metrics = pd.DataFrame([r for b in done.values() for r in b.metric_rows], columns=list(METRIC_COLUMNS))
    metrics["alert"] = metrics["alert"].astype(bool)
    alerts = pd.DataFrame([r for b in done.values() for r in b.alert_rows], columns=list(ALERT_COLUMNS))
    batch_table = pd.DataFrame(batch_rows, columns=list(BATCH_COLUMNS))
    labels = [label for label, _ in pairs]
    severity, psi, thresholds = {}, {}, {}
    for label, b in done.items():
        if b.measured.table is not None:
            t = b.measured.table.set_index("feature")
            severity[label], psi[label] = t["severity"], t["psi"]
        if b.feature_thr is not None:
            thresholds[label] = b.feature_thr
    feats = list(ref.features)
    return Evaluation(
        metrics, alerts, batch_table,
        pd.DataFrame({lab: severity.get(lab, pd.Series(dtype="str")) for lab in labels}, index=feats,
                     columns=labels),
        pd.DataFrame({lab: psi.get(lab, pd.Series(dtype=float)) for lab in labels}, index=feats,
                     columns=labels, dtype=float),
        pd.DataFrame({lab: thresholds.get(lab, pd.Series(dtype=float)) for lab in labels}, index=feats,
                     columns=labels, dtype=float))


def _measure_batch(ref: Reference, pos: int, label: str, rows: pd.DataFrame, emb, plan: Plan,
                   calibrations: Mapping[tuple, Calibration], settings: MonitorSettings,
                   seed: int) -> _Batch:
    """The values of every metric of the batch at ``pos`` (its score-based detectors against its own
    reweighted reference, when it has one)."""
    measured = measure(ref, plan.reweighted.get(pos, ref.whole), rows, set(plan.row_detectors),
                       alpha=settings.alpha, correction=settings.correction, label=label) \
        if len(rows) >= 2 else Measured()
    batch = _Batch(dict(measured.values), measured)
    values, cal_sizes = batch.values, plan.cal_sizes[pos]
    if "features" in plan.active and measured.table is not None and "features" in cal_sizes:
        key = ("features", cal_sizes["features"])
        levels = calibrations[key].levels
        table_psi = dict(zip(measured.table["feature"], measured.table["psi"], strict=True))
        values["psi_tail"] = psi_tail(table_psi, levels, ref.psi_dofs, ref.muted)
        tail = plan.thresholds(calibrations, key)["psi_tail"]
        batch.feature_thr = feature_thresholds(levels, ref.psi_dofs, tail)
    if "domain" in plan.active:
        draw_seed = int(np.random.default_rng([seed, 3, pos]).integers(2**31 - 1))
        values["domain_auc"], batch.domain = domain_auc(ref, ref.frame, rows, plan.sizes[pos]["domain"],
                                                        settings.domain_n_folds, draw_seed)
    if "mmd" in plan.active:
        draw_seed = int(np.random.default_rng([seed, 4, pos]).integers(2**31 - 1))
        values["mmd"] = mmd_statistic(ref.embeddings, emb, settings.mmd_max_samples, draw_seed)
    values["n_rows"] = float(len(rows))
    return batch


def _decide(ref: Reference, label: str, pos: int, batch: _Batch, plan: Plan,
            calibrations: Mapping[tuple, Calibration], quantile: float) -> None:
    """Each metric of the batch against its threshold: its row of the metrics table, and of the alerts
    table when it alerts (in ``batch``)."""
    cal_sizes = plan.cal_sizes[pos]
    for spec in task_metrics(ref.task):
        if spec.detector is not None and spec.detector not in plan.active:
            continue
        value = float(batch.values.get(spec.name, np.nan))
        cal_size = cal_sizes.get(spec.detector) if spec.detector else None
        thr = float("nan")
        if cal_size is not None:
            thr = plan.thresholds(calibrations, plan.key(pos, spec.detector))[spec.name]
        base = plan.baselines_of(pos, spec.detector).get(spec.name, np.nan)
        alert = exceeds(value, thr, spec.direction)
        batch.metric_rows.append((label, spec.name, spec.detector, value, thr, base, spec.direction, alert,
                                  np.nan if cal_size is None else float(cal_size)))
        if alert:
            batch.alert_rows.append((label, spec.name, spec.detector, value, thr,
                                     _reason(spec, value, thr, base, cal_size, quantile, batch, ref.muted)))


def _fmt(value: float, metric: str) -> str:
    if metric == "quality_issues":
        return f"{value:.0f}"
    if metric == "psi_tail":
        return f"{value:.2g}"
    if metric == "share_drifted":
        return f"{value:.0%}"
    return f"{value:.4g}" if metric in ("max_psi", "prediction_psi", "mmd", "mae", "rmse", "abs_bias",
                                        "estimated_mae", "estimated_rmse") else f"{value:.3f}"


def _reason(spec: MetricSpec, value: float, thr: float, base: float, size, quantile: float,
            batch: _Batch, muted: frozenset) -> str:
    """Plain-language reason of one alert."""
    where = "above" if spec.direction == "up" else "below"
    text = f"{spec.label} {_fmt(value, spec.name)} is {where} its threshold {_fmt(thr, spec.name)}"
    if not np.isnan(base):
        text += f" (reference {_fmt(base, spec.name)})"
    text += (f"; {quantile:.0%} of {int(size):,}-row reference samples stay within every threshold of "
             "this detector")
    measured = batch.measured
    live = None if measured.table is None else measured.table[~measured.table["feature"].isin(muted)]
    if spec.name == "psi_tail" and live is not None and batch.feature_thr is not None:
        over = live.assign(threshold=live["feature"].map(batch.feature_thr))
        over = over[over["psi"] > over["threshold"]]
        over = over.assign(ratio=over["psi"] / over["threshold"]).sort_values("ratio", ascending=False)
        if len(over):
            text += ". Beyond their own threshold: " + ", ".join(
                f"{r.feature} (PSI {r.psi:.3g} > {r.threshold:.3g})" for r in over.head(3).itertuples())
    elif spec.detector == "features" and live is not None and len(live):
        top = live.sort_values("psi", ascending=False).head(3)
        text += ". Most moved: " + ", ".join(f"{r.feature} (PSI {r.psi:.3g}, {r.severity})"
                                            for r in top.itertuples())
    elif spec.name == "quality_issues" and measured.issues:
        text += ". " + "; ".join(i.message for i in measured.issues[:3])
    elif spec.name == "domain_auc" and batch.domain is not None:
        top = batch.domain.importances.head(3)
        text += ". Features that tell the batch apart: " + ", ".join(top["feature"].astype(str))
    return text


def in_sample_notes(metrics: pd.DataFrame, baselines: Mapping[str, float]) -> list[str]:
    """A note when realised performance looks measured against in-sample reference scores.

    Rule (constants :data:`IN_SAMPLE_MIN_BATCHES`, :data:`IN_SAMPLE_GAP`): at least that many batches
    have a value and a threshold, every one is below the reference's own value, and their median is
    more than ``IN_SAMPLE_GAP`` calibrated noise bands (reference minus threshold) below it; for a
    regression model's MAE, where larger is worse, the same mirrored (above, threshold minus
    reference).  A model scored on its own training rows looks better there than anywhere else, which
    is this pattern; real
    degradation of every batch looks the same, so the note says "if", and the alerts stand.
    """
    for metric in ("roc_auc", "accuracy", "mae"):
        m = metrics[(metrics["metric"] == metric) & metrics["value"].notna() & metrics["threshold"].notna()]
        if len(m) < IN_SAMPLE_MIN_BATCHES or metric not in baselines:
            continue
        sign = -1.0 if SPECS[metric].direction == "up" else 1.0      # a larger error is worse
        base = sign * float(baselines[metric])
        values = sign * m["value"]
        band = float((base - sign * m["threshold"]).median())
        median = float(values.median())
        if band > 0 and (values < base).all() and base - median > IN_SAMPLE_GAP * band:
            side = "below" if sign > 0 else "above"
            return [f"every batch's {SPECS[metric].label} is {side} the reference's {sign * base:.3f}, and "
                    f"the median batch ({sign * median:.3f}) is beyond the calibrated noise of {band:.3f}: "
                    "this is what in-sample reference scores look like (the model scored on its own "
                    "training rows is optimistic). The reference's predictions must be out of sample "
                    "(cross-validated, or a held-out validation set); if they are, every batch really "
                    "performs worse"]
    return []

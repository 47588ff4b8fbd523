"""Monitoring over time for the Timeline and Autopilot pages: cached runs, the history store, figures.

Cached results
--------------
:func:`monitor_result` (:func:`drift.monitoring.monitor.monitor`) and :func:`autopilot_comparison`
(:func:`drift.monitoring.autopilot.compare_policies`) are entries of the cache layer (:mod:`ui.cache`),
drawn with a progress bar while they compute (:func:`ui.progress.run`).

History
-------
:func:`store` opens :class:`drift.monitoring.store.HistoryStore` at
:func:`drift.monitoring.store.default_store_path`
(``$DRIFT_EXPLORER_DATA/history.sqlite``); :func:`record_run` appends a monitoring result once per
data source and parameters, so reruns and new sessions do not duplicate it.

Figures
-------
Builders take ``drift`` results and return plotly figures; they compute no statistic.  Labels that come
from the data (batch, feature, policy names) reach a figure through :func:`ui.safe.plot` (plotly reads
tags in text), and never inside a hover template.
"""

from __future__ import annotations

import inspect
import sqlite3
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from drift.core.errors import DriftError
from drift.monitoring.autopilot import default_policies
from drift.monitoring.monitor import DETECTORS, SPECS, MonitorResult
from drift.monitoring.scorecard import Scorecard
from drift.monitoring.store import HistoryStore, default_store_path

from . import cache, data, progress, safe, state
from .charts import LAYOUT, REFERENCE_COLOR, SEVERITY_COLORS

#: Threshold quantiles offered on the Timeline page (a clean batch exceeds a threshold with
#: probability at most 1 - quantile).
QUANTILES = (0.95, 0.99)
#: Time periods offered when the data has a time column but no batch column.
PERIODS = {"D": "day", "W": "week", "M": "month"}
#: Row orders offered when the data has neither a batch nor a time column, besides its sortable columns
#: (sentinels no column is named like).
ORDER_RANDOM, ORDER_FILE = "\x00random", "\x00file"
#: Column kinds offered as an order column: time-like first, then numbers.
ORDER_KINDS = ("datetime", "id", "numeric")
#: Store ``source`` prefix of autopilot runs (kept apart from monitoring runs in the History list).
AUTOPILOT_SOURCE = "autopilot"

SEVERITY_ORDER = ("stable", "minor", "moderate", "major")
ALERT_COLOR = "#E45756"
ALERT_FILL = "rgba(228,87,86,0.10)"
OK_COLOR = "#54A24B"
#: Smallest tail probability drawn on the log axis of ``psi_tail`` (smaller values sit on it).
TAIL_FLOOR = 1e-30
#: Muted features are drawn in grey: computed and shown, never alerting.
MUTED_COLOR = "#AAAAAA"
MUTED_FILL = "rgba(170,170,170,0.12)"
#: One colour per policy, in the order of drift.monitoring.autopilot.POLICY_KINDS.
POLICY_COLORS = ("#7F7F7F", "#4C78A8", "#F58518", "#54A24B", "#B279A2", "#9D755D")
ACTION_MARKERS = {"retrain": ("triangle-up", "retrain"), "rollback": ("triangle-down", "rollback"),
                  "alert": ("diamond-open", "alert")}


# --- monitoring ----------------------------------------------------------------------------------
def has_time(ctx: data.Context) -> bool:
    """Whether production can be cut by a batch or a time column (else it needs an order)."""
    return ctx.batch_column is not None or (ctx.schema.time is not None
                                            and ctx.schema.time in ctx.current.columns)


def order_candidates(ctx: data.Context) -> list[str]:
    """Columns production can be ordered by when it has no batch or time column: date-like and id
    columns first, then numeric ones; never the target or the prediction."""
    schema = ctx.schema
    skip = {schema.target, schema.prediction}
    return [c for kind in ORDER_KINDS for c in schema.columns_of(kind)
            if c in ctx.current.columns and c not in skip]


def order_label(choice: str) -> str:
    if choice == ORDER_RANDOM:
        return "random chunks (seeded) — no order"
    if choice == ORDER_FILE:
        return "file order — only if the file is written in time order"
    return f"sorted by {choice}"


def split_spec(ctx: data.Context, period: str | None, size: int | None, order: str | None = None) -> dict:
    """How production is cut into batches: the batch column, else the time column by ``period``, else
    runs of ``size`` rows in the chosen ``order`` (a column, :data:`ORDER_RANDOM` — the default — or
    :data:`ORDER_FILE`); arguments of :func:`drift.monitoring.monitor.monitor`."""
    if ctx.batch_column is not None:
        return {"batch_col": ctx.batch_column}
    time_col = ctx.schema.time
    if time_col is not None and time_col in ctx.current.columns and period:
        return {"time_col": time_col, "period": period}
    spec: dict = {"size": int(size or max(len(ctx.current) // 10, 1))}
    if order == ORDER_FILE:
        return spec
    if order is not None and order != ORDER_RANDOM and order in ctx.current.columns:
        return {**spec, "order": order}
    return {**spec, "shuffle": True}


def mute_key(ctx: data.Context) -> str:
    """Session key of the Timeline's muted features for this data source (each data set keeps its own)."""
    return f"{state.TIMELINE_MUTE}:{ctx.source.key}"


def default_mute(ctx: data.Context) -> list[str]:
    """Features the data marks as expected to change (a scenario's ``calendar_features``)."""
    marked = ctx.current.attrs.get("calendar_features", ()) or getattr(
        getattr(ctx.scenario, "current", None), "attrs", {}).get("calendar_features", ())
    return [f for f in marked if f in ctx.schema.features]


def monitor_result(ctx: data.Context, opts: data.Settings, spec: dict, *, quantile: float,
                   detectors: Sequence[str], mute: Sequence[str] = ()) -> MonitorResult:
    """:func:`drift.monitoring.monitor.monitor` on the context's production data (cached),
    with a progress bar while it computes."""
    text = "Monitoring every batch…"
    return progress.run(cache.monitor, *_monitor_args(ctx, opts, spec, quantile, detectors, mute), text=text,
                        describe=lambda message, done, total: (done / max(total, 1), f"{text} {message}"))


def _monitor_args(ctx: data.Context, opts: data.Settings, spec: dict, quantile: float,
                  detectors: Sequence[str], mute: Sequence[str]) -> tuple:
    return (ctx, tuple(sorted(spec.items())), float(opts.alpha), str(opts.correction), int(opts.bins),
            float(quantile), tuple(detectors), int(opts.seed), tuple(mute))


def detector_scorecard(ctx: data.Context, opts: data.Settings, spec: dict, *, quantile: float,
                       detectors: Sequence[str], mute: Sequence[str] = ()) -> Scorecard | None:
    """:func:`drift.monitoring.scorecard.scorecard` of :func:`monitor_result` (same arguments) against the
    scenario's manifest (cached); ``None`` without a manifest or a batch column."""
    manifest = getattr(ctx.scenario, "manifest", None)
    if manifest is None or "batch_col" not in spec:
        return None
    return cache.scorecard(*_monitor_args(ctx, opts, spec, quantile, detectors, mute))


def batch_table(result: MonitorResult, manifest: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per batch: rows, alerts, status, the detectors that alerted (and the ground truth)."""
    fired = result.detector_alerts()
    table = result.batches[["batch", "n_rows", "n_alerts", "status"]].copy()
    table["detectors"] = [", ".join(DETECTORS[d] for d in fired.columns if fired.loc[b, d])
                          for b in table["batch"]]
    if manifest is not None:
        truth = manifest.assign(batch=manifest["batch"].astype(str)).set_index("batch")["kind"]
        table["truth"] = [str(truth.get(b, "")).replace("_", " ") for b in table["batch"]]
    return table


def alert_table(alerts: pd.DataFrame) -> pd.DataFrame:
    """Alerts with readable detector and metric names."""
    out = alerts.copy()
    out["detector"] = [DETECTORS.get(d, d) if isinstance(d, str) else "" for d in out["detector"]]
    out["metric"] = [SPECS[m].label if m in SPECS else m for m in out["metric"]]
    return out[["batch", "detector", "metric", "value", "threshold", "reason"]]


# --- history store -------------------------------------------------------------------------------
def store() -> HistoryStore:
    """The history store at :func:`drift.monitoring.store.default_store_path` (honours
    ``DRIFT_EXPLORER_DATA``)."""
    return HistoryStore(default_store_path())


def record_run(history: HistoryStore, ctx: data.Context,
               result: MonitorResult) -> tuple[int | None, str | None]:
    """Append the result to the store once per data source and parameters: ``(run id, error message)``.

    A store that cannot be written (read-only disk, a file that is not a store) must not take the page
    down, so its errors come back as a message.
    """
    name, source = ctx.source.reference_name, ctx.source.key
    try:
        run_id = history.find_run(name, source=source, params=result.params)
        if run_id is not None and len(history.batches(run_id)) >= len(result.labels):
            return run_id, None
        return history.record_monitor(result, run_id=run_id, reference_name=name, source=source,
                                      skip_existing=True), None
    except (DriftError, OSError, sqlite3.Error) as err:
        return None, f"The history store at {history.path} could not be written: {err}"


def history_runs(history: HistoryStore) -> tuple[pd.DataFrame, str | None]:
    """Monitoring runs in the store (newest first), or an error message."""
    try:
        runs = history.runs()
    except (DriftError, OSError, sqlite3.Error) as err:
        return pd.DataFrame(), f"The history store at {history.path} could not be read: {err}"
    runs = runs[~runs["source"].astype(str).str.startswith(AUTOPILOT_SOURCE)]
    return runs.sort_values("id", ascending=False).reset_index(drop=True), None


def record_autopilot(history: HistoryStore, comparison, *, scenario: str) -> str | None:
    """Log every action (other than ``none``) of each policy's run, once per policy, costs and seed."""
    try:
        for run in comparison.runs:
            params = {"policy": run.policy.to_dict(), "cost": run.cost.to_dict(),
                      "label_delay": run.label_delay}
            source = f"{AUTOPILOT_SOURCE}:{run.policy.name}"
            if history.find_run(scenario, source=source, params=params) is not None:
                continue
            run_id = history.start_run(scenario, source=source, params=params)
            weekly = run.weekly.set_index("batch")
            for step, row in enumerate(run.log.itertuples(index=False)):
                if row.action == "none":
                    continue
                history.record_action(run_id, step, row.action, reason=row.reason,
                                      cost=float(weekly.loc[row.batch, "action_cost"]),
                                      details={"batch": row.batch, "truth": row.truth,
                                               "champion_version": int(row.champion_version)})
    except (DriftError, OSError, sqlite3.Error) as err:
        return f"The history store at {history.path} could not be written: {err}"
    return None


# --- autopilot -----------------------------------------------------------------------------------
#: Weeks between retrains of the scheduled policy unless the user says otherwise (``default_policies``').
DEFAULT_EVERY_K: int = inspect.signature(default_policies).parameters["every_k"].default


def autopilot_comparison(scenario: str, kinds: Sequence[str], *, every_k: int, retrain_cost: float,
                         cost_per_error_unit: float, seed: int, task: str = "binary",
                         text: str = "Replaying the stream under each policy…"):
    """:func:`drift.monitoring.autopilot.compare_policies` of the default policies of ``kinds`` on a built-in
    scenario through its model of ``task`` (cached), with a progress bar while it computes."""
    return progress.run(cache.policy_comparison, scenario, tuple(kinds), int(every_k), float(retrain_cost),
                        float(cost_per_error_unit), int(seed), str(task), text=text,
                        describe=lambda fraction: (fraction, f"{text} {fraction:.0%}"))


def _money(x: float) -> str:
    return f"{x:,.0f}"


def autopilot_conclusion(summary: pd.DataFrame) -> tuple[str, str]:
    """Plain-language verdict of a policy comparison and its level ("success" / "info").

    Reads :attr:`drift.monitoring.autopilot.PolicyComparison.summary`: the cheapest policy, its saving
    against the
    first policy, where the saving comes from, and its break-even retrain cost.
    """
    first = summary.iloc[0]
    best = summary.loc[summary["total_cost"].idxmin()]
    if len(summary) == 1:
        return "info", (f"Only **{first['policy']}** was run: total cost {_money(first['total_cost'])}. "
                        "Pick more policies to compare.")
    if best["policy"] == first["policy"]:
        runner = summary.iloc[1:].loc[summary["total_cost"].iloc[1:].idxmin()]
        return "info", (
            f"**No policy beats {first['policy']}** at these costs. The closest, **{runner['policy']}**, "
            f"costs {_money(-runner['saving_vs_first'])} more ({_money(runner['total_cost'])} against "
            f"{_money(first['total_cost'])}): its {int(runner['retrains'])} retrain(s) and other actions "
            f"cost {_money(runner['action_cost'])}, while its error cost moved by "
            f"{_money(runner['error_cost'] - first['error_cost'])}."
            + (f" It would break even at a retrain cost of {_money(runner['break_even_retrain_cost'])}."
               if np.isfinite(runner["break_even_retrain_cost"]) and runner["break_even_retrain_cost"] > 0
               else " Retraining did not lower the error enough to pay for itself at any retrain cost."))
    saving = best["saving_vs_first"]
    share = saving / first["total_cost"] if first["total_cost"] else np.nan
    text = (f"**{best['policy']} is cheapest**: {_money(best['total_cost'])} in total, "
            f"{_money(saving)} ({share:.1%}) less than {first['policy']}. It lowered the error cost by "
            f"{_money(first['error_cost'] - best['error_cost'])} "
            f"for {_money(best['action_cost'])} of actions "
            f"({int(best['retrains'])} retrain(s), {int(best['promotions'])} promoted, "
            f"{int(best['rollbacks'])} rollback(s), {int(best['alerts'])} alert(s)); weeks with a degraded "
            f"model: {int(best['weeks_degraded'])} against {int(first['weeks_degraded'])}.")
    if np.isfinite(best["break_even_retrain_cost"]):
        text += (f" Above a retrain cost of {_money(best['break_even_retrain_cost'])} it would no longer "
                 f"beat {first['policy']}.")
    if share < 0.01:
        text += (" The margin is small: most of the error cost is the demand's own randomness, which every "
                 "policy pays; the gain lies in the degraded weeks.")
    return "success", text


# --- figures: timeline ---------------------------------------------------------------------------
def severity_heatmap(severity: pd.DataFrame, psi: pd.DataFrame | None = None,
                     alerted: Sequence[str] = (), truth: dict[str, str] | None = None) -> go.Figure:
    """Features (rows) × batches (columns) coloured by severity; alerted batches marked on the axis."""
    codes = severity.apply(lambda col: col.map({s: i for i, s in enumerate(SEVERITY_ORDER)}))
    n = len(SEVERITY_ORDER)
    scale = []
    for i, s in enumerate(SEVERITY_ORDER):
        scale += [(i / n, SEVERITY_COLORS[s][0]), ((i + 1) / n, SEVERITY_COLORS[s][0])]
    batches = [str(b) for b in severity.columns]
    truth = truth or {}
    ticks = [("⚠ " if b in set(alerted) else "") + safe.plot(b) for b in batches]
    hover = []
    for f in severity.index:
        row = []
        for b in severity.columns:
            text = f"{safe.plot(f)} · batch {safe.plot(b)}<br>{severity.loc[f, b]}"
            if psi is not None and f in psi.index and b in psi.columns and pd.notna(psi.loc[f, b]):
                text += f", PSI {psi.loc[f, b]:.3g}"
            if truth.get(str(b)):
                text += f"<br>truth: {safe.plot(truth[str(b)])}"
            row.append(text)
        hover.append(row)
    fig = go.Figure(go.Heatmap(
        z=codes.to_numpy(dtype=float), x=ticks, y=[safe.plot(f) for f in severity.index], zmin=-0.5,
        zmax=n - 0.5, colorscale=scale, xgap=2, ygap=2, text=hover, hovertemplate="%{text}<extra></extra>",
        colorbar=dict(tickvals=list(range(n)), ticktext=list(SEVERITY_ORDER), title="severity",
                      thickness=14, len=0.8)))
    layout = {**LAYOUT, "margin": dict(l=10, r=10, t=30, b=10)}
    fig.update_layout(**layout, height=max(280, 24 * len(severity) + 110))
    fig.update_yaxes(autorange="reversed", tickfont_size=12)
    fig.update_xaxes(side="top", tickfont_size=11, type="category")
    return fig


def _threshold_chart(batches: Sequence[str], values: np.ndarray, thresholds: np.ndarray, alert: np.ndarray,
                     direction: str, title: str, *, baseline: pd.Series | None = None,
                     muted: bool = False, name: str = "value", log: bool = False) -> go.Figure:
    """A value over the batches against its calibrated threshold: the alert zone beyond the threshold
    shaded, alerted batches as red crosses, the reference's own value dotted; all grey when ``muted``;
    ``log``: a logarithmic y axis (positive values)."""
    x = [safe.plot(b) for b in batches]
    finite = np.concatenate([values[np.isfinite(values)], thresholds[np.isfinite(thresholds)]])
    fig = go.Figure()
    if direction in ("up", "down") and np.isfinite(thresholds).any() and finite.size:
        span = finite.max() - finite.min() or max(abs(finite.max()), 1e-3)
        edge = finite.max() + 0.15 * span if direction == "up" else finite.min() - 0.15 * span
        if log:
            edge = finite.max() * 10 if direction == "up" else finite.min() / 10
        line_color = MUTED_COLOR if muted else ALERT_COLOR
        fig.add_trace(go.Scatter(x=x, y=thresholds, mode="lines", line=dict(color=line_color, dash="dash",
                                                                           width=1.5, shape="hvh"),
                                 name="threshold", hovertemplate="threshold %{y:.4g}<extra></extra>"))
        fig.add_trace(go.Scatter(x=x, y=np.full(len(x), edge), mode="lines", line=dict(width=0, shape="hvh"),
                                 fill="tonexty", fillcolor=MUTED_FILL if muted else ALERT_FILL,
                                 name="alert zone", hoverinfo="skip"))
    if baseline is not None and baseline.notna().any():
        fig.add_trace(go.Scatter(x=x, y=baseline, mode="lines", name="reference",
                                 line=dict(color=REFERENCE_COLOR, dash="dot", width=1.5),
                                 hovertemplate="reference %{y:.4g}<extra></extra>"))
    ok_color = MUTED_COLOR if muted else OK_COLOR
    fig.add_trace(go.Scatter(x=x, y=values, mode="lines+markers", name=name,
                             line=dict(color=MUTED_COLOR if muted else "#555555", width=2),
                             marker=dict(size=[11 if a else 7 for a in alert],
                                         color=[ALERT_COLOR if a else ok_color for a in alert],
                                         symbol=["x" if a else "circle" for a in alert]),
                             hovertemplate="%{x}: %{y:.4g}<extra></extra>"))
    layout = {**LAYOUT, "margin": dict(l=10, r=10, t=60, b=10),
              "legend": dict(orientation="h", yanchor="bottom", y=1.02, xanchor="right", x=1, font_size=11)}
    fig.update_layout(**layout, height=270, title=dict(text=title, font_size=14, x=0, y=0.97))
    fig.update_xaxes(type="category", tickfont_size=10)
    if log:
        fig.update_yaxes(type="log", exponentformat="power")
    return fig


def metric_chart(metrics: pd.DataFrame, metric: str) -> go.Figure:
    """One metric over the batches: values, the calibrated threshold, the alert zone beyond it shaded,
    alerted batches in red, and the reference's own value where one exists."""
    m = metrics[metrics["metric"] == metric]
    spec = SPECS.get(metric)
    values, thresholds = m["value"].to_numpy(float), m["threshold"].to_numpy(float)
    log = metric == "psi_tail"           # probabilities from 1 down to 1e-100 and below: a log axis
    if log:
        values, thresholds = np.maximum(values, TAIL_FLOOR), np.maximum(thresholds, TAIL_FLOOR)
    fig = _threshold_chart(list(m["batch"]), values, thresholds, m["alert"].astype(bool).to_numpy(),
                           spec.direction if spec else "none", safe.plot(spec.label if spec else metric),
                           baseline=m["baseline"] if "baseline" in m.columns else None, log=log)
    if metric == "share_drifted":
        fig.update_yaxes(tickformat=".0%")
    return fig


def feature_chart(result: MonitorResult, feature: str) -> go.Figure:
    """One feature's PSI over the batches against its own calibrated threshold
    (:attr:`drift.monitoring.monitor.MonitorResult.feature_thresholds`); batches beyond it as red crosses,
    so the
    batch where the feature started to move stands out.  A muted feature is drawn grey and never red."""
    muted = feature in result.muted
    n = len(result.labels)
    beyond = result.feature_beyond()
    alert = beyond.loc[feature].to_numpy(bool) if feature in beyond.index else np.zeros(n, bool)
    limits = result.feature_thresholds
    thresholds = (limits.loc[feature].to_numpy(float) if limits is not None and feature in limits.index
                  else np.full(n, np.nan))
    title = f"PSI of {safe.plot(feature)} per batch"
    if muted:
        title += " — muted: expected to change, never alerts"
    fig = _threshold_chart(result.labels, result.psi.loc[feature].to_numpy(float), thresholds, alert, "up",
                           title, muted=muted, name="PSI")
    fig.update_yaxes(title="PSI", rangemode="tozero")
    return fig


SCORE_CODES = {"quiet": 0, "false alarm": 1, "missed": 2, "caught": 3}
SCORE_COLORS = {"quiet": "#EEEEEE", "false alarm": "#F2B701", "missed": "#E45756", "caught": "#54A24B"}


def scorecard_chart(card: Scorecard) -> go.Figure:
    """Detector × batch grid: caught / missed on injected batches, false alarm / quiet on clean ones."""
    grid = card.grid
    n = len(SCORE_CODES)
    scale = []
    for state_, i in SCORE_CODES.items():
        scale += [(i / n, SCORE_COLORS[state_]), ((i + 1) / n, SCORE_COLORS[state_])]
    z = grid.apply(lambda col: col.map(SCORE_CODES)).to_numpy(dtype=float)
    labels = [DETECTORS.get(d, d) for d in grid.index]
    fig = go.Figure(go.Heatmap(
        z=z, x=[safe.plot(b) for b in grid.columns], y=labels, zmin=-0.5, zmax=n - 0.5, colorscale=scale,
        xgap=3, ygap=3, text=grid.to_numpy(), texttemplate="%{text}", textfont_size=10,
        hovertemplate="%{y} · %{x}: %{text}<extra></extra>",
        colorbar=dict(tickvals=list(SCORE_CODES.values()), ticktext=list(SCORE_CODES), thickness=14)))
    layout = {**LAYOUT, "margin": dict(l=10, r=10, t=30, b=10)}
    fig.update_layout(**layout, height=90 + 46 * len(grid))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(side="top", type="category")
    return fig


# --- figures: autopilot --------------------------------------------------------------------------
def _regimes(weekly: pd.DataFrame, manifest: pd.DataFrame | None) -> list[tuple[str, str, str]]:
    """Runs of consecutive weeks with the same injected drift: (first batch, last batch, label)."""
    if manifest is None:
        return []
    truth = manifest.assign(batch=manifest["batch"].astype(str)).set_index("batch")
    batches = list(dict.fromkeys(weekly["batch"]))
    runs: list[list] = []
    for b in batches:
        if b not in truth.index or truth.loc[b, "kind"] == "no_drift":
            continue
        description = str(truth.loc[b, "description"]) if "description" in truth.columns else ""
        label = description.split(":")[0].split(" (")[0].strip() if ":" in description[:60] else \
            str(truth.loc[b, "kind"]).replace("_", " ")
        if runs and runs[-1][2] == label and batches.index(runs[-1][1]) + 1 == batches.index(b):
            runs[-1][1] = b
        else:
            runs.append([b, b, label])
    return [tuple(r) for r in runs]


def _shade_regimes(fig: go.Figure, regimes, rows=None) -> None:
    for first, last, label in regimes:
        fig.add_vrect(x0=safe.plot(first), x1=safe.plot(last), fillcolor="rgba(120,120,120,0.10)",
                      line_width=0,
                      annotation_text=safe.plot(label), annotation_position="top left",
                      annotation_font_size=10, annotation_font_color="#666", layer="below")


def policy_colors(policies: Sequence[str]) -> dict[str, str]:
    return {p: POLICY_COLORS[i % len(POLICY_COLORS)] for i, p in enumerate(policies)}


def error_chart(weekly: pd.DataFrame, manifest: pd.DataFrame | None = None, *, metric: str = "error",
                label: str = "log-loss per session") -> go.Figure:
    """Each policy's weekly error with its actions marked (retrain / rollback / alert); injected regimes
    shaded."""
    policies = list(dict.fromkeys(weekly["policy"]))
    colors = policy_colors(policies)
    fig = go.Figure()
    for p in policies:
        w = weekly[weekly["policy"] == p]
        x = [safe.plot(b) for b in w["batch"]]
        fig.add_trace(go.Scatter(x=x, y=w[metric], mode="lines", name=safe.plot(p), legendgroup=safe.plot(p),
                                 line=dict(color=colors[p], width=2),
                                 hovertemplate="%{fullData.name} · %{x}: %{y:.4f}<extra></extra>"))
        for action, (symbol, name) in ACTION_MARKERS.items():
            a = w[w["action"] == action]
            if a.empty:
                continue
            fig.add_trace(go.Scatter(x=[safe.plot(b) for b in a["batch"]], y=a[metric], mode="markers",
                                     name=f"{safe.plot(p)}: {name}", legendgroup=safe.plot(p),
                                     showlegend=False,
                                     marker=dict(symbol=symbol, size=13, color=colors[p],
                                                 line=dict(color="#222", width=1)),
                                     meta=safe.plot(p),
                                     hovertemplate=f"%{{meta}} · %{{x}}: {name}<extra></extra>"))
    for symbol, name in ACTION_MARKERS.values():  # legend entries for the marker shapes
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=name,
                                 marker=dict(symbol=symbol, size=11, color="#888",
                                             line=dict(color="#222", width=1))))
    _shade_regimes(fig, _regimes(weekly, manifest))
    fig.update_layout(**LAYOUT, height=420, yaxis_title=label)
    fig.update_xaxes(type="category", tickfont_size=10)
    return fig


def cost_chart(weekly: pd.DataFrame, manifest: pd.DataFrame | None = None, *,
               relative: bool = False) -> go.Figure:
    """Cumulative cost per policy; ``relative``: minus the first policy's, so that a line below zero is a
    policy ahead of it."""
    policies = list(dict.fromkeys(weekly["policy"]))
    colors = policy_colors(policies)
    first = weekly[weekly["policy"] == policies[0]].set_index("batch")["cumulative_cost"]
    fig = go.Figure()
    for p in policies:
        w = weekly[weekly["policy"] == p]
        y = w["cumulative_cost"].to_numpy(float)
        if relative:
            y = y - first.reindex(w["batch"]).to_numpy(float)
        fig.add_trace(go.Scatter(x=[safe.plot(b) for b in w["batch"]], y=y, mode="lines", name=safe.plot(p),
                                 line=dict(color=colors[p], width=2.5 if p != policies[0] else 2,
                                           dash="dot" if p == policies[0] else "solid"),
                                 hovertemplate="%{fullData.name} · %{x}: %{y:,.0f}<extra></extra>"))
    _shade_regimes(fig, _regimes(weekly, manifest))
    title = f"cumulative cost − {policies[0]}'s" if relative else "cumulative cost"
    fig.update_layout(**LAYOUT, height=380, yaxis=dict(title=safe.plot(title), tickformat=",.0f"))
    if relative:
        fig.add_hline(y=0, line_color="#999", line_width=1)
    fig.update_xaxes(type="category", tickfont_size=10)
    return fig

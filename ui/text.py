"""Text and Practice pages: their results from the cache layer (:mod:`ui.cache`: text drift, the weekly
timeline, the embedding map; the Practice page's accuracy, diagnosis, impact and policy comparison) and
their plotly figures.

Results are keyed on the data (source and roles keys: the batch column decides which rows a period
holds), the text column, the period labels and the settings.  Posts, terms and period labels come from
the data: figures get them through :func:`ui.safe.plot`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import plotly.graph_objects as go

import drift
from drift.diagnosis import practice
from drift.diagnosis.diagnose import STEP_TITLES
from drift.monitoring.autopilot import POLICY_KINDS, CostModel

from . import cache, data, multivariate, progress, safe, state
from . import timeline as tl
from .charts import CURRENT_COLOR, LAYOUT, REFERENCE_COLOR
from .context import REFERENCE_PERIOD

#: Period label of the reference in the Text page's pickers.
REFERENCE = REFERENCE_PERIOD
#: Texts per side in the two-period comparison (a seeded sample above; said on screen).
COMPARE_MAX = 2000
#: Texts per side in each week of the timeline, and MMD permutations there.
TIMELINE_MAX, TIMELINE_PERMUTATIONS = 1000, 200
#: Posts per period in the embedding map.
MAP_PER_PERIOD = 150
MAP_METHODS = {"pca": "PCA (instant)", "umap": "UMAP (neighbourhoods; compiles on first use)"}


# --- text sources ------------------------------------------------------------------------------
def text_column(ctx: data.Context) -> str | None:
    """The first column of kind ``text`` in the context's schema (``None`` without one)."""
    if not ctx.ready:
        return None
    cols = [c for c in ctx.schema.columns_of("text")
            if c in ctx.reference.columns and c in ctx.current.columns]
    return cols[0] if cols else None


def periods(ctx: data.Context) -> list[str]:
    """Periods a user can compare: the reference, then each production batch (or all production)."""
    return [REFERENCE, *(ctx.batches or ("Production",))]


def describe_period(ctx: data.Context, period: str) -> str:
    """A period with its ground truth when the scenario has one: "W09 — prior shift"."""
    truth = data.ground_truth(ctx, period) if period != REFERENCE else None
    return f"{period} — {truth['kind'].replace('_', ' ')}" if truth else period


# --- two periods -------------------------------------------------------------------------------
def text_drift(ctx: data.Context, column: str, period_a: str, period_b: str, seed: int,
               alpha: float) -> drift.TextDriftResult:
    """``drift.text_drift`` of period A (the 'reference' side) against period B (cached)."""
    return cache.text_drift(ctx, column, period_a, period_b, int(seed), float(alpha), COMPARE_MAX, 15, 5, 300)


# --- timeline ----------------------------------------------------------------------------------
def timeline(ctx: data.Context, column: str, seed: int,
             on_batch: Callable[[int, int, str], None] | None = None) -> pd.DataFrame:
    """One row per production batch: MMD p-value, domain AUC, predicted-positive share, accuracy.

    Each week is a cache entry of its own (:func:`ui.cache.week_point`), so ``on_batch(i, n, batch)``
    (called here, before each week's cached call) advances quickly on a warm cache.
    """
    schema = ctx.schema
    prediction = schema.prediction if schema.prediction in ctx.current.columns else None
    if ctx.task is not None and ctx.task.task != "binary":
        prediction = None        # the share predicted positive and the accuracy read a binary model's score
    rows = []
    for i, batch in enumerate(ctx.batches):
        if on_batch is not None:
            on_batch(i, len(ctx.batches), batch)
        rows.append(cache.week_point(ctx, column, batch, int(seed), prediction, TIMELINE_MAX,
                                     TIMELINE_PERMUTATIONS))
    out = pd.DataFrame(rows)
    out["accuracy"] = np.nan
    target = schema.target
    if prediction and target and target in ctx.current.columns and target in ctx.reference.columns:
        acc = cache.batch_performance(ctx, target, prediction, ctx.batch_column)
        out["accuracy"] = out["batch"].map(dict(zip(acc["batch"], acc["accuracy"])))
        out.attrs["reference_accuracy"] = acc.attrs["reference_accuracy"]
    out["truth"] = [(data.ground_truth(ctx, b) or {}).get("kind", "").replace("_", " ") for b in out["batch"]]
    return out


def timeline_figure(points: pd.DataFrame, alpha: float) -> go.Figure:
    """Three panels over the weeks: the MMD p-value, the domain-classifier AUC (has the language
    changed?) and the model's predicted-positive share and accuracy (what does the model do?)."""
    from plotly.subplots import make_subplots

    labels = [f"{safe.plot(b)}<br><i>{safe.plot(t)}</i>" if t else safe.plot(b)
              for b, t in zip(points["batch"], points["truth"])]
    significant = (points["mmd_pvalue"] < alpha).to_numpy()
    fig = make_subplots(rows=3, cols=1, shared_xaxes=True, vertical_spacing=0.09, row_heights=[0.3, 0.3, 0.4],
                        subplot_titles=("MMD test on the post embeddings: p-value (log scale)",
                                        "Domain classifier: how well it tells the week from the reference",
                                        "What the model does"))
    fig.add_trace(go.Scatter(x=labels, y=points["mmd_pvalue"], name="MMD p-value", mode="lines+markers",
                             line_color="#777", marker=dict(size=9, color=np.where(significant, CURRENT_COLOR,
                                                                                     "#BBBBBB")),
                             hovertemplate="MMD p = %{y:.3g}<extra></extra>", showlegend=False), row=1, col=1)
    fig.add_hline(y=alpha, line_dash="dash", line_color=CURRENT_COLOR, row=1, col=1,
                  annotation_text=f"α = {alpha:g}: below it, the language changed", annotation_font_size=11,
                  annotation_position="top right")
    fig.update_yaxes(type="log", title_text="p-value", row=1, col=1,
                     tickvals=[0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1], ticktext=["0.001", "0.005", "0.01",
                                                                              "0.05", "0.1", "0.5", "1"])
    fig.add_trace(go.Bar(x=labels, y=points["domain_auc"], name="domain classifier AUC", showlegend=False,
                         marker_color=np.where(significant, CURRENT_COLOR, "#BBBBBB"),
                         customdata=[safe.plot(t) for t in points["top_terms"]],
                         hovertemplate="AUC %{y:.3f}<br>top new terms: %{customdata}<extra></extra>"),
                  row=2, col=1)
    fig.add_hline(y=0.5, line_dash="dot", line_color="#888", row=2, col=1,
                  annotation_text="0.5 = indistinguishable", annotation_position="top right",
                  annotation_font_size=11)
    fig.update_yaxes(title_text="AUC", range=[0.4, 1.0], row=2, col=1)
    if points["positive_share"].notna().any():
        fig.add_trace(go.Scatter(x=labels, y=points["positive_share"], name="share predicted positive",
                                 mode="lines+markers", line_color=REFERENCE_COLOR,
                                 hovertemplate="%{y:.1%} predicted positive<extra></extra>"), row=3, col=1)
        if "positive_share_reference" in points:
            ref = float(points["positive_share_reference"].dropna().iloc[0])
            fig.add_hline(y=ref, line_dash="dash", line_color=REFERENCE_COLOR, row=3, col=1,
                          annotation_text=f"reference: {ref:.0%} predicted positive", annotation_font_size=11,
                          annotation_position="bottom left")
    if points["accuracy"].notna().any():
        fig.add_trace(go.Scatter(x=labels, y=points["accuracy"], name="accuracy (from labels)",
                                 mode="lines+markers", line_color="#54A24B",
                                 hovertemplate="accuracy %{y:.1%}<extra></extra>"), row=3, col=1)
    fig.update_yaxes(title_text="share", tickformat=".0%", row=3, col=1)
    fig.update_layout(**{**LAYOUT, "margin": dict(l=10, r=10, t=70, b=10)}, height=720, bargap=0.35)
    fig.update_annotations(font_size=13, selector=dict(xref="paper"))
    fig.update_xaxes(tickfont_size=11)
    return fig


# --- embedding map -----------------------------------------------------------------------------
def umap_ready() -> bool:
    """Whether UMAP's one-off compilation (started by ``app.py`` in the background) has finished."""
    return multivariate.start_umap_warm_up().ready


def embedding_map(ctx: data.Context, column: str, seed: int, method: str):
    """``drift.project`` of a per-period sample of post embeddings: (Projection, coords with period, text)
    (cached)."""
    return cache.embedding_map(ctx, column, int(seed), method, MAP_PER_PERIOD)


def map_figure(coords: pd.DataFrame, method: str, highlight: tuple[str, ...] = ()) -> go.Figure:
    """Scatter of the projected posts, one colour per period (reference periods in blues)."""
    import plotly.express as px

    fig = go.Figure()
    ref_periods = list(dict.fromkeys(coords.loc[coords["side"] == "reference", "period"]))
    cur_periods = list(dict.fromkeys(coords.loc[coords["side"] == "current", "period"]))
    blues = px.colors.sequential.Blues[4:4 + max(1, len(ref_periods))] or [REFERENCE_COLOR]
    warm = px.colors.sample_colorscale("Plasma_r", [0.15 + 0.8 * i / max(1, len(cur_periods) - 1)
                                                    for i in range(len(cur_periods))])
    colours = {**{p: blues[i % len(blues)] for i, p in enumerate(ref_periods)},
               **dict(zip(cur_periods, warm))}
    for period in ref_periods + cur_periods:
        part = coords[coords["period"] == period]
        faded = bool(highlight) and period not in highlight and not (
            REFERENCE in highlight and period in ref_periods)
        fig.add_trace(go.Scattergl(
            x=part["x"], y=part["y"], mode="markers", name=safe.plot(period),
            marker=dict(size=6, color=colours[period], opacity=0.15 if faded else 0.75),
            customdata=[safe.plot(t) for t in part["text"].astype(str).str.slice(0, 120)],
            hovertemplate="<b>%{fullData.name}</b><br>%{customdata}<extra></extra>"))
    axis = "UMAP" if method == "umap" else "PC"
    fig.update_layout(**{**LAYOUT, "legend": dict(orientation="v", x=1.01, y=1)}, height=520,
                      xaxis_title=f"{axis} 1", yaxis_title=f"{axis} 2")
    fig.update_xaxes(showticklabels=False)
    fig.update_yaxes(showticklabels=False)
    return fig


# --- terms -------------------------------------------------------------------------------------
def terms_figure(terms: pd.DataFrame, side: str, name: str) -> go.Figure:
    """Horizontal bars: the terms most typical of one side, by the linear classifier's coefficient."""
    part = terms[terms["side"] == side].copy()
    part["weight"] = part["coefficient"].abs()
    part = part.sort_values("weight")
    colour = REFERENCE_COLOR if side == "reference" else CURRENT_COLOR
    fig = go.Figure(go.Bar(
        x=part["weight"], y=[safe.plot(t) for t in part["term"]], orientation="h", marker_color=colour,
        customdata=np.stack([part["share_reference"], part["share_current"]], axis=1),
        hovertemplate="<b>%{y}</b><br>weight %{x:.2f}<br>in %{customdata[0]:.1%} of A's posts, "
                      "%{customdata[1]:.1%} of B's<extra></extra>"))
    fig.update_layout(**{**LAYOUT, "margin": dict(l=10, r=10, t=50, b=10)},
                      height=max(260, 24 * len(part) + 80), showlegend=False,
                      title=dict(text=f"Typical of {safe.plot(name)}", font_size=15),
                      xaxis_title="weight (|coefficient|)")
    fig.update_yaxes(type="category", tickfont_size=13)
    return fig


# --- practice ----------------------------------------------------------------------------------
def practice_context(name: str, task: str = data.OWN_TASK) -> data.Context:
    """A built-in scenario, through its model of ``task``, with its own roles (the Practice page's evidence
    ignores the user's overrides)."""
    return data.plain_scenario_context(name, task)


def practice_batch(batch: str) -> str:
    """The batch a practice question names, as a batch label of the cache layer ("production": all)."""
    return state.ALL_BATCHES if batch == "production" else batch


def scenario_performance(name: str, task: str = data.OWN_TASK) -> pd.DataFrame:
    """:func:`drift.diagnosis.practice.batch_performance` of a built-in scenario's model of ``task``
    (cached): accuracy, or the mean absolute error of a regression model."""
    ctx = practice_context(name, task)
    return cache.batch_performance(ctx, ctx.schema.target, ctx.schema.prediction, ctx.batch_column, task)


def scenario_batch_rows(name: str, batch: str, task: str = data.OWN_TASK) -> pd.DataFrame:
    """Production rows of one batch of a built-in scenario ("production": all of them)."""
    return practice_context(name, task).rows(practice_batch(batch))


def diagnosis(name: str, batch: str, seed: int, alpha: float, task: str = data.OWN_TASK):
    """``drift.diagnose`` of a built-in scenario's batch against its reference (cached; the entry the
    Diagnosis page uses for the same data and settings, labels on, Benjamini–Hochberg), with a progress bar
    while it computes."""
    return progress.run(cache.diagnosis, practice_context(name, task), practice_batch(batch), True,
                        float(alpha),
                        "bh", int(seed), text="Running the diagnosis…",
                        describe=lambda key, i, n: (i / n, f"Running {STEP_TITLES.get(key, key)}…"))


def policy_comparison(name: str, seed: int, task: str = data.OWN_TASK) -> pd.DataFrame:
    """``drift.compare_policies(...).summary`` of the default policies and costs on a built-in scenario
    through its model of ``task`` (cached: the Autopilot page's entry for its default settings), with a
    progress bar while it computes."""
    cost = CostModel()
    return tl.autopilot_comparison(name, POLICY_KINDS, every_k=tl.DEFAULT_EVERY_K,
                                   retrain_cost=cost.retrain_cost,
                                   cost_per_error_unit=cost.cost_per_error_unit, seed=seed, task=task,
                                   text="Replaying the policies week by week…").summary


def accuracy_figure(table: pd.DataFrame, highlight: str | None) -> go.Figure:
    """Performance per batch (a :func:`drift.diagnosis.practice.batch_performance` table: accuracy, or a
    regression model's mean absolute error) against the reference's, the practised batch highlighted."""
    metric = table.attrs.get("metric", "accuracy")
    label = practice.METRIC_LABELS.get(metric, metric)
    share = metric == "accuracy"
    ref = table.attrs.get(f"reference_{metric}", np.nan)
    colours = [CURRENT_COLOR if b == highlight else "#BBBBBB" for b in table["batch"]]
    value = "%{y:.1%}" if share else "%{y:.3g}"
    fig = go.Figure(go.Bar(x=[safe.plot(b) for b in table["batch"]], y=table[metric], marker_color=colours,
                           hovertemplate=f"%{{x}}: {label} {value}<extra></extra>"))
    if np.isfinite(ref):
        fig.add_hline(y=ref, line_dash="dash", line_color=REFERENCE_COLOR,
                      annotation_text=f"reference {ref:.1%}" if share else f"reference {ref:.3g}",
                      annotation_position="top left")
    if share:
        lo = float(np.nanmin([table[metric].min(), ref])) if len(table) else 0.0
        yaxis = dict(title=label, tickformat=".0%", range=[max(0.0, lo - 0.05), 1.0])
    else:
        yaxis = dict(title=label, rangemode="tozero")
    fig.update_layout(**{**LAYOUT, "margin": dict(l=10, r=10, t=30, b=10)}, height=260, showlegend=False,
                      yaxis=yaxis)
    fig.update_xaxes(type="category")
    return fig


def task_impact(name: str, batch: str, inputs, *, use_labels: bool, seed: int, task: str):
    """``drift.task_business_impact`` of a built-in scenario's regression or multiclass model (``task``) on
    one batch against its reference (cached: the Report page's entry for the same data)."""
    return cache.task_impact(practice_context(name, task), practice_batch(batch), inputs, bool(use_labels),
                             int(seed))


def impact(name: str, batch: str, inputs: drift.ImpactInputs, *, use_labels: bool, seed: int):
    """``drift.business_impact`` of a built-in scenario's batch against its reference (cached)."""
    sc = data.load_scenario(name)
    return cache.impact(practice_context(name), practice_batch(batch), sc.target, sc.prediction, inputs,
                        bool(use_labels), int(seed))

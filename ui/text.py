"""Text and Practice pages: cached wrappers around ``drift`` (text drift, timelines, the embedding map,
the diagnosis and the policy comparison) and their plotly figures.

Caching follows :mod:`ui.data`: hashed arguments are content keys (the data source's key, which stands
for both files, the roles key — the batch column decides which rows a period holds —, the text column,
the period labels, the seed); frames and text series are ``_``-prefixed and not hashed.  Posts, terms and
period labels come from the data: figures get them through :func:`ui.safe.plot`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import drift
from drift.diagnosis import practice

from . import data, safe
from .charts import CURRENT_COLOR, LAYOUT, REFERENCE_COLOR

#: Period label of the reference in the Text page's pickers.
REFERENCE = "Reference"
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


def period_rows(ctx: data.Context, period: str) -> pd.DataFrame:
    """The rows of one period."""
    if period == REFERENCE:
        return ctx.reference
    if not ctx.batches:
        return ctx.current
    return data.current_rows(ctx, period)


def describe_period(ctx: data.Context, period: str) -> str:
    """A period with its ground truth when the scenario has one: "W09 — prior shift"."""
    truth = data.ground_truth(ctx, period) if period != REFERENCE else None
    return f"{period} — {truth['kind'].replace('_', ' ')}" if truth else period


# --- two periods -------------------------------------------------------------------------------
@st.cache_data(show_spinner="Comparing the two periods' language…", max_entries=32)
def _text_drift(data_key: str, roles_key: str, column: str, period_a: str, period_b: str, seed: int,
                alpha: float, _texts_a: pd.Series, _texts_b: pd.Series) -> drift.TextDriftResult:
    return drift.text_drift(_texts_a, _texts_b, max_samples=COMPARE_MAX, n_terms=15, n_examples=5,
                            n_permutations=300, alpha=alpha, rng=seed)


def text_drift(ctx: data.Context, column: str, period_a: str, period_b: str, seed: int,
               alpha: float) -> drift.TextDriftResult:
    """``drift.text_drift`` of period A (the 'reference' side) against period B (cached)."""
    return _text_drift(ctx.source.key, ctx.roles_key, column, period_a, period_b, seed, alpha,
                       period_rows(ctx, period_a)[column], period_rows(ctx, period_b)[column])


# --- timeline ----------------------------------------------------------------------------------
@st.cache_data(show_spinner=False, max_entries=256)
def _week_point(data_key: str, roles_key: str, column: str, batch: str, seed: int, prediction: str | None,
                _reference: pd.DataFrame, _current: pd.DataFrame) -> dict:
    res = drift.text_drift(_reference[column], _current[column], max_samples=TIMELINE_MAX, n_terms=5,
                           n_examples=0, n_permutations=TIMELINE_PERMUTATIONS, rng=seed)
    point = {"batch": batch, "n": len(_current), "mmd_pvalue": res.mmd.pvalue, "domain_auc": res.domain.auc,
             "linear_auc": res.linear_auc, "top_terms": ", ".join(t for t, _ in res.terms_current[:5]),
             "positive_share": np.nan}
    if prediction is not None and prediction in _current.columns:
        pred = drift.prediction_drift(_reference[prediction], _current[prediction])
        point["positive_share"] = pred.positive_rate_current
        point["positive_share_reference"] = pred.positive_rate_reference
    return point


@st.cache_data(show_spinner=False, max_entries=16)
def _accuracy(data_key: str, target: str, prediction: str, batch: str | None,
              _reference: pd.DataFrame, _current: pd.DataFrame) -> pd.DataFrame:
    return practice.batch_accuracy(_reference, _current, target=target, prediction=prediction, batch=batch)


def timeline(ctx: data.Context, column: str, seed: int, progress=None) -> pd.DataFrame:
    """One row per production batch: MMD p-value, domain AUC, predicted-positive share, accuracy.

    Each week is cached on its own, so ``progress(i, n, batch)`` advances quickly on a warm cache.
    """
    schema = ctx.schema
    prediction = schema.prediction if schema.prediction in ctx.current.columns else None
    rows = []
    for i, batch in enumerate(ctx.batches):
        if progress is not None:
            progress(i, len(ctx.batches), batch)
        rows.append(_week_point(ctx.source.key, ctx.roles_key, column, batch, seed, prediction, ctx.reference,
                                data.current_rows(ctx, batch)))
    out = pd.DataFrame(rows)
    out["accuracy"] = np.nan
    target = schema.target
    if prediction and target and target in ctx.current.columns and target in ctx.reference.columns:
        acc = _accuracy(ctx.source.key, target, prediction, ctx.batch_column, ctx.reference, ctx.current)
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
    from .multivariate import start_umap_warm_up

    return start_umap_warm_up().ready


@st.cache_data(show_spinner="Embedding and projecting the posts…", max_entries=16)
def _embedding_map(data_key: str, roles_key: str, column: str, seed: int, method: str, per_period: int,
                   _reference: pd.DataFrame, _current: pd.DataFrame, _ref_batch: str | None,
                   _cur_batch: str | None):
    gen = np.random.default_rng(seed)

    def sample(frame: pd.DataFrame, batch_col: str | None, default: str) -> pd.DataFrame:
        labels = frame[batch_col].astype(str) if batch_col else pd.Series(default, index=frame.index)
        parts = []
        for _, part in frame.assign(_period=labels.to_numpy()).groupby("_period", sort=False):
            take = gen.choice(len(part), min(per_period, len(part)), replace=False)
            parts.append(part.iloc[np.sort(take)][[column, "_period"]])
        return pd.concat(parts, ignore_index=True)

    ref = sample(_reference, _ref_batch, REFERENCE)
    cur = sample(_current, _cur_batch, "production")
    texts = pd.concat([ref[column], cur[column]], ignore_index=True)
    # One TF-IDF + SVD fitted on every sampled post (as text_drift's pooled fit), so new words count.
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


def embedding_map(ctx: data.Context, column: str, seed: int, method: str):
    """``drift.project`` of a per-period sample of post embeddings: (Projection, coords with period, text)."""
    ref_batch = ctx.schema.batch if ctx.schema.batch in ctx.reference.columns else None
    return _embedding_map(ctx.source.key, ctx.roles_key, column, seed, method, MAP_PER_PERIOD, ctx.reference,
                          ctx.current, ref_batch, ctx.batch_column)


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
@st.cache_resource(show_spinner=False, max_entries=8)
def _scenario_schema(name: str):
    sc = data.load_scenario(name)
    schema = sc.with_known_roles(drift.infer_schema(sc.reference, sc.current))
    return drift.validate_pair(sc.reference, sc.current, schema).schema


def scenario_accuracy(name: str) -> pd.DataFrame:
    """:func:`drift.diagnosis.practice.batch_accuracy` of a built-in scenario (cached)."""
    sc = data.load_scenario(name)
    return _accuracy(f"scenario:{name}", sc.target, sc.prediction, sc.batch, sc.reference, sc.current)


def scenario_batch_rows(name: str, batch: str) -> pd.DataFrame:
    sc = data.load_scenario(name)
    if sc.batch is None or batch == "production":
        return sc.current
    return sc.current[sc.current[sc.batch].astype(str) == batch].reset_index(drop=True)


@st.cache_resource(show_spinner=False, max_entries=32)
def _diagnosis(name: str, batch: str, seed: int, alpha: float, _progress=None):
    sc = data.load_scenario(name)
    return drift.diagnose(sc.reference, scenario_batch_rows(name, batch), schema=_scenario_schema(name),
                          alpha=alpha, rng=seed, progress=_progress)


def diagnosis(name: str, batch: str, seed: int, alpha: float, progress=None):
    """``drift.diagnose`` of a built-in scenario's batch against its reference (cached, shared: the
    result holds read-only schema mappings and is never mutated).

    ``progress(step_key, i, n)`` runs while the diagnosis computes, i.e. inside the cached function: it
    may move only a :class:`ui.progress.Bar` (see :mod:`ui.progress`), never draw an element.
    """
    return _diagnosis(name, batch, seed, alpha, _progress=progress)


@st.cache_data(show_spinner=False, max_entries=4)
def _policies(name: str, seed: int, _progress=None) -> pd.DataFrame:
    sc = data.load_scenario(name)
    comparison = drift.compare_policies(sc, rng=seed, progress=_progress)
    return comparison.summary


def policy_comparison(name: str, seed: int, progress=None) -> pd.DataFrame:
    """``drift.compare_policies(...).summary`` on a built-in scenario (cached).

    ``progress(fraction)`` runs inside the cached function: it may move only a :class:`ui.progress.Bar`.
    """
    return _policies(name, seed, _progress=progress)


def accuracy_figure(table: pd.DataFrame, highlight: str | None) -> go.Figure:
    """Accuracy per batch against the reference's, the practised batch highlighted."""
    ref = table.attrs.get("reference_accuracy", np.nan)
    colours = [CURRENT_COLOR if b == highlight else "#BBBBBB" for b in table["batch"]]
    fig = go.Figure(go.Bar(x=[safe.plot(b) for b in table["batch"]], y=table["accuracy"],
                           marker_color=colours, hovertemplate="%{x}: accuracy %{y:.1%}<extra></extra>"))
    if np.isfinite(ref):
        fig.add_hline(y=ref, line_dash="dash", line_color=REFERENCE_COLOR,
                      annotation_text=f"reference {ref:.1%}", annotation_position="top left")
    lo = float(np.nanmin([table["accuracy"].min(), ref])) if len(table) else 0.0
    fig.update_layout(**{**LAYOUT, "margin": dict(l=10, r=10, t=30, b=10)}, height=260, showlegend=False,
                      yaxis=dict(title="accuracy", tickformat=".0%", range=[max(0.0, lo - 0.05), 1.0]))
    fig.update_xaxes(type="category")
    return fig


def impact(name: str, batch: str, inputs: drift.ImpactInputs, *, use_labels: bool, seed: int):
    """``drift.business_impact`` of a built-in scenario's batch against its reference (cached)."""
    return _impact(name, batch, inputs, bool(use_labels), int(seed))


@st.cache_resource(show_spinner=False, max_entries=32)
def _impact(name: str, batch: str, inputs: drift.ImpactInputs, use_labels: bool, seed: int):
    sc = data.load_scenario(name)
    return drift.business_impact(sc.reference, scenario_batch_rows(name, batch), target=sc.target,
                                 prediction=sc.prediction, inputs=inputs, use_labels=use_labels, rng=seed)

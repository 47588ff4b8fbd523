"""The multivariate pages' data and charts: domain classifier, embeddings, projection, MMD.

The results come from the cache layer (:mod:`ui.cache`), keyed on the data, the batch and the settings.
Embeddings are computed once for all production rows (every source is fitted on the reference only, so a
production row's embedding does not depend on the other production rows) and sliced per batch, so
switching batches does not recompute them.

UMAP compiles its numba code on first use (10–35 s per process): :func:`start_umap_warm_up` starts
that in a background thread once per server process, and the Embeddings page shows PCA with a
progress bar until :class:`UmapWarmUp` says it is done.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import drift
from drift.core import decisions

from . import cache, data, safe
from .charts import CURRENT_COLOR, LAYOUT, REFERENCE_COLOR, format_pvalue
from .warmup import UmapWarmUp

#: Rows per side the domain classifier trains on (a balanced, seeded sample above it).
DC_MAX_SAMPLES = 5_000
#: Folds of the domain classifier's cross-validation.
DC_FOLDS = 5
#: MMD: permutations and rows per side.
MMD_PERMUTATIONS = 500
MMD_MAX_SAMPLES = 2_000
#: Points projected at most (both sides together): the choices offered, and the default.
POINT_CHOICES = (1_000, 2_000, 3_000, 5_000)
DEFAULT_POINTS = 2_000
#: Reading of the overlap score (``drift.project``): at or above ``OVERLAP_MIXED`` the sets mix like
#: two samples of one distribution; below ``OVERLAP_SEPARATED`` they occupy visibly different regions
#: (the cut-off quoted in ``drift.project``'s docstring).
OVERLAP_MIXED = 0.95
OVERLAP_SEPARATED = 0.8
#: Seconds UMAP's first compilation usually takes here (scales the progress bar; never a promise).
UMAP_EXPECTED_SECONDS = 30.0
#: A row "stands out" on a numeric feature outside these reference percentiles, and on a categorical
#: feature whose value is rarer than ``RARE_SHARE`` of reference rows.
OUTSIDE_PERCENTILES = (5.0, 95.0)
RARE_SHARE = 0.05
#: Features (by importance) described in the table of production-like rows.
EXPLAINED_FEATURES = 5

SIDE_LABELS = {"reference": "reference", "current": "production"}
#: Layout of this module's charts: the title on top, the legend under it (never on top of each other).
_MV_LAYOUT = {**LAYOUT, "margin": dict(l=10, r=10, t=100, b=10),
              "legend": dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0)}

#: The library's levels as Streamlit alert kinds.
_UI_LEVEL = {"ok": "success", "warning": "warning", "alert": "error"}


def _title(text: str) -> dict:
    return dict(text=text, font_size=15, y=0.98, yanchor="top", x=0.01, xanchor="left")
SIDE_COLORS = {"reference": REFERENCE_COLOR, "current": CURRENT_COLOR}


# --- UMAP warm-up --------------------------------------------------------------------------------
def start_umap_warm_up() -> UmapWarmUp:
    """The process's UMAP compilation (its background thread started on the first call; it compiles once
    :func:`release_umap_warm_up` lets it)."""
    return cache.umap_warm_up()


def release_umap_warm_up() -> None:
    """Let the UMAP compilation run: ``app.py`` calls it after each run, once the page has been drawn."""
    start_umap_warm_up().released.set()


# --- domain classifier ---------------------------------------------------------------------------
def classifier_features(ctx: data.Context) -> tuple[str, ...]:
    """Columns the domain classifier learns from: the schema's features plus numeric ``emb_*`` columns."""
    schema = ctx.schema
    special = set(schema.roles) | set(schema.excluded)
    emb = tuple(c for c in schema.columns_of("embedding") if c not in special
                and c in ctx.current.columns
                and pd.api.types.is_numeric_dtype(ctx.reference[c])
                and pd.api.types.is_numeric_dtype(ctx.current[c]))
    return tuple(schema.features) + emb


def _classifier_settings(ctx: data.Context, opts: data.Settings) -> tuple:
    """The domain classifier's arguments after the seed: features, alpha, folds, rows per side."""
    return classifier_features(ctx), float(opts.alpha), DC_FOLDS, DC_MAX_SAMPLES


def domain_result(ctx: data.Context, opts: data.Settings):
    """``drift.domain_classifier_test`` on the reference and the selected batch (cached)."""
    features, alpha, n_folds, max_samples = _classifier_settings(ctx, opts)
    return cache.domain_classifier(ctx, data.effective_batch(ctx, opts), features, alpha, int(opts.seed),
                                   n_folds, max_samples)


def show_reading(level: str, text: str) -> None:
    """A reading as a callout: green when nothing moved, amber when something did (red stays for errors,
    as on the other pages); the icon tells a strong signal from a mild one."""
    if level == "success":
        st.success(text, icon=":material/check_circle:")
    else:
        st.warning(text, icon=":material/error:" if level == "error" else ":material/warning:")


def auc_reading(res) -> tuple[str, str]:
    """Level ("success" / "warning" / "error") and one plain sentence for a domain-classifier result.

    The level is the library's rule (:func:`drift.core.decisions.domain_level`): significant only when the
    p-value is below alpha *and* the AUC interval excludes 0.5, then graded by the AUC.
    """
    if math.isnan(res.auc):
        return "warning", f"The classifier could not be trained: {safe.text(res.note)}."
    level = decisions.domain_level(res.auc, res.auc_ci, res.pvalue, res.alpha)
    odds = (f" It ranks a random production row above a random reference row {res.auc:.0%} of the time."
            if level != "ok" else "")
    return _UI_LEVEL[level], decisions.domain_reading(res.auc, res.auc_ci, res.pvalue, res.alpha) + odds


def production_like_rows(res, reference: pd.DataFrame, current: pd.DataFrame, k: int) -> pd.DataFrame:
    """The ``k`` most production-like rows with their values on the most important features.

    Columns: ``P(production)``, ``row`` (index label in the production data), ``stands out on`` (the
    important features on which the row is unusual for the reference: outside the reference's
    :data:`OUTSIDE_PERCENTILES` or a category rarer than :data:`RARE_SHARE`), then one column per
    important feature.  The first row holds the reference's median (numeric) or most common value.
    Descriptive only: percentiles and shares of the reference, no test.
    """
    feats = [f for f in res.importances["feature"] if f in current.columns][:EXPLAINED_FEATURES]
    top = res.top_rows(k, current=current)
    lo_pct, hi_pct = OUTSIDE_PERCENTILES
    typical: dict[str, object] = {}
    reasons: list[list[str]] = [[] for _ in range(len(top))]
    for f in feats:
        ref = reference[f].dropna()
        numeric = pd.api.types.is_numeric_dtype(ref) and not pd.api.types.is_bool_dtype(ref)
        if numeric:
            sorted_ref = np.sort(ref.to_numpy(dtype=float))
            typical[f] = float(np.median(sorted_ref)) if len(sorted_ref) else math.nan
            for i, v in enumerate(top[f]):
                if pd.isna(v) or not len(sorted_ref):
                    continue
                pct = 100.0 * np.searchsorted(sorted_ref, float(v), side="right") / len(sorted_ref)
                if pct < lo_pct:
                    reasons[i].append(f"{f} {_short(v)} (lowest {max(1, math.ceil(pct))} % of reference)")
                elif pct > hi_pct:
                    reasons[i].append(f"{f} {_short(v)} (highest {max(1, math.ceil(100 - pct))} % of "
                                      "reference)")
        else:
            shares = ref.astype(str).value_counts(normalize=True)
            typical[f] = str(shares.index[0]) if len(shares) else ""
            for i, v in enumerate(top[f]):
                if pd.isna(v):
                    continue
                share = float(shares.get(str(v), 0.0))
                if share < RARE_SHARE:
                    reasons[i].append(f"{f} {v} (only {share:.1%} of reference)")
    rows = pd.DataFrame({
        "P(production)": top["p_current"].to_numpy(dtype=float),
        "row": top["index"].astype(str).to_numpy(),
        "stands out on": ["; ".join(r) if r else "a combination of values" for r in reasons],
    })
    for f in feats:
        rows[f] = top[f].to_numpy(dtype=object)
    head = pd.DataFrame([{"P(production)": math.nan, "row": "reference",
                          "stands out on": "", **typical}])
    out = pd.concat([head, rows], ignore_index=True)
    for f in feats:  # one type per column: numbers stay numbers (sortable), categories become text
        if all(isinstance(v, (int, float, np.integer, np.floating)) or pd.isna(v) for v in out[f]):
            out[f] = pd.to_numeric(out[f], errors="coerce")
        else:
            out[f] = out[f].map(lambda v: "" if pd.isna(v) else str(v))
    return out


def _short(v: object) -> str:
    """A value for a sentence: thousands separated, at most 4 significant digits below 1,000."""
    if isinstance(v, (float, np.floating, int, np.integer)) and not isinstance(v, bool):
        return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.4g}"
    return str(v)


# --- embeddings ----------------------------------------------------------------------------------
def embedding_sources(ctx: data.Context) -> dict[str, str]:
    """Embedding sources this data offers: key -> label, in order of preference."""
    out: dict[str, str] = {}
    try:
        cols = drift.embedding_columns(ctx.reference)
    except drift.DriftError:
        cols = []
    if cols and all(c in ctx.current.columns for c in cols):
        what = f"{cols[0]} … {cols[-1]}" if len(cols) > 1 else cols[0]
        out["provided"] = f"Embeddings in the data ({what})"
    for col in ctx.schema.columns_of("text"):
        if col in ctx.current.columns and col not in ctx.schema.excluded:
            out[f"text:{col}"] = f"Text column {col} (TF-IDF + SVD, fitted on the reference)"
    target = ctx.schema.target
    if target is not None and target in ctx.reference.columns and ctx.schema.features:
        out["model"] = (f"Model's last hidden layer (an MLP trained on half of the reference to predict "
                        f"{target}; the other half is shown)")
    if ctx.schema.features:
        out["features"] = "The features themselves, standardised (no model needed)"
    return out


def embeddings(ctx: data.Context, opts: data.Settings, source: str) -> tuple[np.ndarray, np.ndarray]:
    """Reference and selected-batch embeddings from one source (all production rows cached once)."""
    return cache.batch_embeddings(ctx, data.effective_batch(ctx, opts), source, int(opts.seed))


def mmd_result(ctx: data.Context, opts: data.Settings, source: str):
    """``drift.mmd_test`` on the source's embeddings, reference vs the selected batch (cached); for the
    model's layer, only the reference rows the model was not fitted on (as ``drift.diagnose`` does)."""
    return cache.mmd(ctx, data.effective_batch(ctx, opts), source, int(opts.seed), MMD_PERMUTATIONS,
                     MMD_MAX_SAMPLES)


def mmd_reading(res, alpha: float) -> tuple[str, str]:
    """Level and one plain sentence for an MMD result."""
    if math.isnan(res.statistic):
        return "warning", f"MMD could not be computed: {safe.text(res.note)}."
    larger = int(np.sum(res.null < res.statistic))
    if decisions.mmd_level(res.pvalue, alpha) != "ok":
        return "error", (f"The embeddings moved: the observed MMD² ({res.statistic:.4f}) is larger than "
                         f"{larger} of {res.n_permutations} shuffles of the labels "
                         f"({format_pvalue(res.pvalue, prefix=True)} < α = {alpha:g}).")
    return "success", (f"No evidence that the embeddings moved: the observed MMD² ({res.statistic:.4f}) is "
                       f"typical of label shuffles "
                       f"({format_pvalue(res.pvalue, prefix=True)} ≥ α = {alpha:g}).")


# --- projection ----------------------------------------------------------------------------------
def projection(ctx: data.Context, opts: data.Settings, source: str, method: str, points: int, dc=None):
    """Joint 2-D projection of both sides, and a points table for the chart (cached).

    With a domain-classifier result ``dc`` (:func:`domain_result` of the same settings), the rows it scored
    (its balanced sample) are projected, so every point has an out-of-fold P(production); otherwise all
    rows (``drift.project`` subsamples).

    Returns
    -------
    (drift Projection, DataFrame)
        Points: ``x, y, side, row`` (position in the reference / selected production rows),
        ``p_production`` (nan without ``dc``).
    """
    classifier = _classifier_settings(ctx, opts) if dc is not None and len(dc.scores) else None
    return cache.projection(ctx, data.effective_batch(ctx, opts), source, method, int(points), int(opts.seed),
                            classifier)


def overlap_reading(overlap: float) -> tuple[str, str]:
    """Level and sentence for the overlap score of a projection."""
    if math.isnan(overlap):
        return "warning", "The overlap score could not be computed."
    if overlap >= OVERLAP_MIXED:
        return "success", (f"Overlap {overlap:.2f}: the two sets are as mixed as two samples of one "
                           "distribution — a point's neighbours come from either side as often as chance.")
    if overlap >= OVERLAP_SEPARATED:
        return "warning", (f"Overlap {overlap:.2f}: mostly mixed, but some neighbourhoods are dominated by "
                           f"one side (1 = mixed as chance, below {OVERLAP_SEPARATED:g} = visibly separate).")
    return "error", (f"Overlap {overlap:.2f}: production occupies visibly different regions from the "
                     f"training data (1 = mixed as chance, below {OVERLAP_SEPARATED:g} = separate).")


def point_values(ctx: data.Context, opts: data.Settings, points: pd.DataFrame, column: str) -> pd.Series:
    """A column's value for every projected point (reference rows from the reference, others from the
    selected production rows)."""
    cur = data.current_rows(ctx, data.effective_batch(ctx, opts))
    is_ref = (points["side"] == "reference").to_numpy()
    rows = points["row"].to_numpy()
    out = pd.Series(index=points.index, dtype=object)
    if column in ctx.reference.columns:
        out[is_ref] = ctx.reference[column].iloc[rows[is_ref]].to_numpy()
    if column in cur.columns:
        out[~is_ref] = cur[column].iloc[rows[~is_ref]].to_numpy()
    return out


# --- charts --------------------------------------------------------------------------------------
def importance_bars(importances: pd.DataFrame, *, top: int = 15) -> go.Figure:
    """Horizontal bars: AUC drop when each feature is permuted, most important on top."""
    t = importances.head(top).iloc[::-1]
    values = t["importance"].fillna(0.0)
    colors = [CURRENT_COLOR if v > 0 else "#BBBBBB" for v in values]
    fig = go.Figure(go.Bar(
        x=values, y=[safe.plot(f) for f in t["feature"].astype(str)], orientation="h", marker_color=colors,
        text=[f"{v:+.3f}" if v > 0.0005 else "" for v in values], textposition="outside", cliponaxis=False,
        hovertemplate="<b>%{y}</b><br>AUC drop when shuffled: %{x:.4f}<extra></extra>"))
    title = "What gives production away" + (f" (top {top} of {len(importances)})"
                                             if len(importances) > top else "")
    hi = max(float(values.max()) if len(values) else 0.0, 0.01)
    lo = min(float(values.min()) if len(values) else 0.0, 0.0)
    fig.update_layout(**_MV_LAYOUT, height=max(300, 26 * len(t) + 140), showlegend=False, title=_title(title),
                      xaxis_title="drop in AUC when the feature is shuffled")
    fig.update_layout(margin=dict(l=10, r=10, t=60, b=10))
    fig.update_xaxes(zeroline=True, zerolinecolor="#888", range=[lo - 0.04 * hi, hi * 1.25])
    return fig


def score_histogram(scores: pd.DataFrame, *, bins: int = 40) -> go.Figure:
    """Out-of-fold P(production) of the rows of each side, as overlaid shares of rows."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    centers, width = (edges[:-1] + edges[1:]) / 2, edges[1] - edges[0]
    fig = go.Figure()
    for side in ("reference", "current"):
        p = scores.loc[scores["side"] == side, "p_current"].to_numpy(dtype=float)
        counts, _ = np.histogram(p, bins=edges)
        share = counts / max(len(p), 1)
        name = f"{SIDE_LABELS[side]} rows ({len(p):,})"
        fig.add_trace(go.Bar(x=centers, y=share, width=width, name=name, marker_color=SIDE_COLORS[side],
                             opacity=0.6, hovertemplate="P %{x:.3f}: %{y:.1%} of rows<extra>" + name
                             + "</extra>"))
    fig.add_vline(x=0.5, line_dash="dash", line_color="#888", annotation_text="0.5 = can't tell",
                  annotation_position="top right", annotation_font_size=11)
    fig.update_layout(**_MV_LAYOUT, barmode="overlay", bargap=0, height=400,
                      title=_title("How production-like each row looks (out-of-fold)"),
                      xaxis=dict(title="P(production) from the classifier that did not see the row",
                                 range=[0, 1]),
                      yaxis=dict(title="share of rows", tickformat=".0%"))
    return fig


def projection_scatter(points: pd.DataFrame, *, color: pd.Series | None = None, color_name: str = "",
                       method: str = "umap", contours: bool = True) -> go.Figure:
    """Reference and production in one 2-D map: density contours per side, points coloured as asked.

    ``color`` None: by dataset.  Numeric ``color``: a continuous scale.  Otherwise one colour per value
    (the 12 most frequent; the rest as "other").  ``color_name`` and the values come from the data: they
    reach the figure escaped (:func:`ui.safe.plot`), as trace names and ``meta``, never in a template.
    """
    color_name = safe.plot(color_name)
    fig = go.Figure()
    hover = "row %{customdata[0]}<br>%{customdata[1]}"
    side_text = points["side"].map(SIDE_LABELS).fillna(points["side"])
    if color is None:
        for side in ("reference", "current"):
            m = (points["side"] == side).to_numpy()
            fig.add_trace(go.Scatter(
                x=points["x"][m], y=points["y"][m], mode="markers", name=f"{SIDE_LABELS[side]} ({m.sum():,})",
                marker=dict(color=SIDE_COLORS[side], size=5, opacity=0.55),
                customdata=np.stack([points["row"][m], side_text[m]], axis=1),
                hovertemplate=hover + "<extra></extra>"))
    else:
        values = pd.Series(color.to_numpy(), index=points.index)
        numeric = pd.to_numeric(values, errors="coerce")
        if values.notna().any() and numeric.notna().sum() == values.notna().sum() and values.nunique() > 12:
            m = numeric.notna().to_numpy()
            if (~m).any():
                fig.add_trace(go.Scatter(x=points["x"][~m], y=points["y"][~m], mode="markers",
                                         name="missing", marker=dict(color="#CCCCCC", size=4, opacity=0.5),
                                         hoverinfo="skip"))
            fig.add_trace(go.Scatter(
                x=points["x"][m], y=points["y"][m], mode="markers", name=color_name, showlegend=False,
                marker=dict(color=numeric[m], colorscale="Viridis", size=5, opacity=0.7,
                            colorbar=dict(title=dict(text=color_name, side="right"), thickness=12)),
                customdata=np.stack([points["row"][m], side_text[m], numeric[m]], axis=1), meta=color_name,
                hovertemplate=hover + "<br>%{meta} %{customdata[2]:.4g}<extra></extra>"))
        else:
            labels = values.map(lambda v: "missing" if pd.isna(v) else str(v))
            keep = labels.value_counts().index[:12]
            labels = labels.where(labels.isin(keep), "other")
            palette = ["#4C78A8", "#F58518", "#54A24B", "#E45756", "#72B7B2", "#B279A2", "#FF9DA6",
                       "#9D755D", "#BAB0AC", "#EECA3B", "#79706E", "#D67195", "#CCCCCC"]
            for i, label in enumerate(sorted(labels.unique(), key=lambda s: (s in ("other", "missing"), s))):
                m = (labels == label).to_numpy()
                fig.add_trace(go.Scatter(
                    x=points["x"][m], y=points["y"][m], mode="markers",
                    name=f"{safe.plot(label)} ({m.sum():,})",
                    marker=dict(color=palette[i % len(palette)], size=5, opacity=0.6),
                    customdata=np.stack([points["row"][m], side_text[m]], axis=1),
                    meta=[color_name, safe.plot(label)],
                    hovertemplate=hover + "<br>%{meta[0]}: %{meta[1]}<extra></extra>"))
    if contours:
        for side in ("reference", "current"):
            m = (points["side"] == side).to_numpy()
            if m.sum() < 10:
                continue
            c = SIDE_COLORS[side]
            fig.add_trace(go.Histogram2dContour(
                x=points["x"][m], y=points["y"][m], name=f"{SIDE_LABELS[side]} density",
                colorscale=[[0, c], [1, c]], showscale=False, ncontours=6, hoverinfo="skip",
                contours=dict(coloring="lines", showlabels=False), line=dict(width=1.6),
                histnorm="probability density", showlegend=True, legendgroup=f"density-{side}"))
    name = "UMAP" if method == "umap" else "PCA"
    fig.update_layout(**_MV_LAYOUT, height=620, xaxis_title=f"{name} 1", yaxis_title=f"{name} 2")
    fig.update_xaxes(showticklabels=method == "pca", zeroline=False)
    fig.update_yaxes(showticklabels=method == "pca", zeroline=False)
    return fig


def mmd_null_histogram(res) -> go.Figure:
    """The permutation null of MMD² as a histogram, with the observed value marked."""
    null = np.asarray(res.null, dtype=float)
    fig = go.Figure(go.Histogram(x=null, nbinsx=40, marker_color="#9E9E9E", opacity=0.85,
                                 name=f"{res.n_permutations} label shuffles",
                                 hovertemplate="MMD² %{x}: %{y} shuffles<extra></extra>"))
    observed = float(res.statistic)
    top_null = float(np.nanmax(null)) if null.size else observed
    fig.add_vline(x=observed, line_color=CURRENT_COLOR, line_width=3,
                  annotation_text=f"observed {observed:.4g}",
                  annotation_position="top left" if observed >= top_null else "top right",
                  annotation_font_color=CURRENT_COLOR)
    lo = float(min(np.nanmin(null) if null.size else observed, observed))
    hi = float(max(top_null, observed))
    pad = 0.08 * (hi - lo or abs(hi) or 1.0)
    fig.update_layout(**_MV_LAYOUT, height=360, showlegend=True, bargap=0.02,
                      title=_title("MMD² when nothing changed (labels shuffled) vs observed"),
                      xaxis=dict(title="MMD² (unbiased)", range=[lo - pad, hi + pad]),
                      yaxis=dict(title="shuffles"))
    return fig

"""Plotly figures and table styling for the pages.

Builders take results of ``drift`` (tables, ``FeatureDetail``) and raw columns, and return figures or
``Styler`` objects; they compute no drift statistic.  Names from the data (features, categories, batches,
side names) reach a figure through :func:`ui.safe.plot` and never inside a ``hovertemplate`` string
(hover texts name the trace with ``%{fullData.name}``).  The only arithmetic here is display binning
(histogram bars and an ECDF curve on a grid), which keeps what the browser receives small whatever
the number of rows.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from pandas.io.formats.style import Styler
from plotly.subplots import make_subplots

import drift
from drift.core.formatting import format_pvalue  # the one p-value convention (pages use charts.format_pvalue)
from drift.report import palette

from .safe import plot as esc

#: One colour per side, on every chart of the app and the report (:mod:`drift.report.palette`).
REFERENCE_COLOR = palette.REFERENCE
CURRENT_COLOR = palette.CURRENT
#: Severity -> (strong colour for marks, light tint for table rows), the report's too.
SEVERITY_COLORS = {s: (palette.SEVERITY[s], palette.SEVERITY_TINT[s]) for s in palette.SEVERITY}
#: Streamlit markdown colour of each severity (for :func:`severity_markdown`).
SEVERITY_MD_COLORS = palette.SEVERITY_BADGE
#: PSI band edges drawn on charts and quoted in captions (the library's, never a copy).
PSI_BANDS = drift.PSI_BANDS

#: The layout every Plotly figure of the app starts from.
LAYOUT = dict(template="plotly_white", margin=dict(l=10, r=10, t=80, b=10),
              legend=dict(orientation="h", yanchor="bottom", y=1.10, xanchor="left", x=0),
              font=dict(size=13))
#: End of a hover template: the trace's (escaped) name in the hover box's side label.
_TRACE_NAME = "<extra>%{fullData.name}</extra>"
#: Distinct values up to which a numeric feature is drawn as bars per value rather than a histogram.
DISCRETE_MAX_VALUES = 30
#: Histogram bars for continuous features.
HIST_BINS = 40
#: Central share of pooled values shown on the x-axis of a continuous feature.
CENTRAL_RANGE = (0.005, 0.995)


# --- tables ------------------------------------------------------------------------------------
def format_number(x: float, digits: int = 3) -> str:
    """A statistic for display: fixed decimals, or "—" when it could not be computed (nan)."""
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"


def severity_markdown(severity: str) -> str:
    """A coloured severity badge for ``st.markdown``."""
    color = SEVERITY_MD_COLORS.get(severity, "gray")
    return f":{color}-badge[{severity}]"


DRIFT_TABLE_COLUMNS = {
    "feature": "Feature",
    "severity": "Severity",
    "method": "Test",
    "statistic": "Test statistic",
    "pvalue_adjusted": "p (corrected)",
    "psi": "PSI",
    "wasserstein_norm": "Wasserstein (σ)",
    "js": "Jensen–Shannon",
    "missing_ref": "Missing ref",
    "missing_cur": "Missing cur",
    "missing_pvalue_adjusted": "p missing (corrected)",
    "note": "Note",
}


#: Column widths and help of the drift table (keys are display names).
DRIFT_TABLE_CONFIG = {
    "Feature": {"width": "medium", "pinned": True},
    "Severity": {"width": "small"},
    "Test": {"width": "small", "help": "KS (Kolmogorov–Smirnov) for numeric features, χ² for categorical."},
    "p (corrected)": {"help": "p-value of the distribution test after the multiple-testing correction "
                              "across features (distribution and missing-rate tests form one family)."},
    "p missing (corrected)": {"help": "p-value of the change in the missing-value rate, corrected. A feature "
                                      "is significant when either corrected p-value is below α."},
    "PSI": {"help": "Population Stability Index on the reference's quantile bins (numeric) or categories."},
    "Wasserstein (σ)": {"help": "Earth mover's distance in reference standard deviations (numeric only)."},
    "Jensen–Shannon": {"help": "Distance between bin shares, 0 (identical) to 1 (disjoint)."},
    "Note": {"width": "large"},
}


def drift_table_styler(table: pd.DataFrame) -> Styler:
    """The feature-drift table for display: chosen columns, readable numbers, rows tinted by severity.

    Sorting in the browser sorts the underlying numbers, not the formatted text.
    """
    columns = [c for c in DRIFT_TABLE_COLUMNS if c in table.columns]
    if "note" in columns and not table["note"].astype(bool).any():
        columns.remove("note")
    view = table[columns].copy()
    numeric = [c for c in columns if c not in ("feature", "severity", "method", "note")]
    view[numeric] = view[numeric].apply(pd.to_numeric, errors="coerce")
    view["method"] = view["method"].map({"ks": "KS", "chi2": "χ²"}).fillna(view["method"])
    view = view.rename(columns=DRIFT_TABLE_COLUMNS)
    severity = table["severity"].to_numpy()

    def tint(row: pd.Series) -> list[str]:
        strong, light = SEVERITY_COLORS.get(severity[row.name], ("", ""))
        styles = [f"background-color: {light}" if light else ""] * len(row)
        if strong:
            styles[list(row.index).index("Severity")] += f"; color: {strong}; font-weight: 600"
        return styles

    fmt = {
        "Test statistic": "{:.3f}",
        "p (corrected)": format_pvalue,
        "p missing (corrected)": format_pvalue,
        "PSI": "{:.3f}",
        "Wasserstein (σ)": "{:.3f}",
        "Jensen–Shannon": "{:.3f}",
        "Missing ref": "{:.1%}",
        "Missing cur": "{:.1%}",
    }
    return (view.style.apply(tint, axis=1)
            .format({k: v for k, v in fmt.items() if k in view.columns}, na_rep="—"))


def psi_table_styler(psi_table: pd.DataFrame) -> Styler:
    """A PSI per-bin table for display, the bins that contribute most highlighted."""
    view = psi_table.rename(columns={"bin": "Bin", "ref_count": "Ref rows", "cur_count": "Cur rows",
                                     "ref_pct": "Ref %", "cur_pct": "Cur %",
                                     "contribution": "Contribution"})
    styler = view.style.format({"Ref rows": "{:,}", "Cur rows": "{:,}", "Ref %": "{:.1%}",
                                "Cur %": "{:.1%}", "Contribution": "{:.4f}"}, na_rep="—")
    if "Contribution" in view and view["Contribution"].notna().any():
        styler = styler.bar(subset=["Contribution"], color=SEVERITY_COLORS["moderate"][1], vmin=0)
    return styler


# --- overview ----------------------------------------------------------------------------------
def psi_overview(table: pd.DataFrame) -> go.Figure:
    """One horizontal bar per feature: its PSI, coloured by severity, with the PSI bands marked.

    Bars beyond the axis (a broken pipeline can give PSI > 10) are cut at the edge and labelled with
    their value, so one extreme feature does not flatten the rest.
    """
    t = table.assign(psi_plot=table["psi"].fillna(0.0)).iloc[::-1]
    top = float(t["psi_plot"].max()) if len(t) else 0.0
    cap = max(PSI_BANDS[1] * 1.4, min(top, 1.0) * 1.15)
    fig = go.Figure(go.Bar(
        x=np.minimum(t["psi_plot"], cap), y=[esc(f) for f in t["feature"]], orientation="h",
        marker_color=[SEVERITY_COLORS.get(s, ("#999", ""))[0] for s in t["severity"]],
        text=[("—" if math.isnan(p) else f"{p:.3f}" + (" ▶" if p > cap else "")) for p in t["psi"]],
        textposition="outside", cliponaxis=False,
        customdata=np.stack([t["severity"], t["pvalue_adjusted"].map(format_pvalue)], axis=1),
        hovertemplate="<b>%{y}</b><br>PSI %{text}<br>severity %{customdata[0]}"
                      "<br>p (corrected) %{customdata[1]}<extra></extra>",
    ))
    for edge, label in zip(PSI_BANDS, ("moderate", "major")):
        fig.add_vline(x=edge, line_dash="dash", line_color="#888",
                      annotation_text=f"{label} ≥ {edge:g}", annotation_position="top",
                      annotation_font_size=11)
    fig.update_layout(**LAYOUT, height=max(260, 26 * len(t) + 90), showlegend=False,
                      xaxis_title="Population Stability Index (PSI)",
                      title=dict(text="How much each feature moved", font_size=15))
    fig.update_xaxes(range=[0, cap * 1.12])
    return fig


# --- one feature -------------------------------------------------------------------------------
def _finite(values: pd.Series) -> np.ndarray:
    arr = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return arr[np.isfinite(arr)]


def numeric_distribution(reference: pd.Series, current: pd.Series, *, reference_name: str = "reference",
                         current_name: str = "current") -> go.Figure:
    """Overlaid density histograms (left) and empirical CDFs (right) of one numeric feature.

    Few distinct values (counts, terms): one bar per value, as a share of rows.  Otherwise a common
    histogram over the central 99 % of pooled values.  Missing values are left out (their rate is
    reported beside the chart).
    """
    ref, cur = _finite(reference), _finite(current)
    reference_name, current_name = esc(reference_name), esc(current_name)
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.08,
                        subplot_titles=("Distribution", "Cumulative share of rows (ECDF)"))
    pooled = np.concatenate([ref, cur])
    if pooled.size == 0:
        fig.update_layout(**LAYOUT, height=380)
        return fig
    values = np.unique(pooled)
    if values.size <= DISCRETE_MAX_VALUES:
        for arr, name, color in ((ref, reference_name, REFERENCE_COLOR), (cur, current_name, CURRENT_COLOR)):
            counts = np.searchsorted(np.sort(arr), values, side="right") - np.searchsorted(
                np.sort(arr), values, side="left")
            share = counts / max(arr.size, 1)
            fig.add_trace(go.Bar(x=values, y=share, name=name, marker_color=color, opacity=0.85,
                                 legendgroup=name, hovertemplate="%{x}: %{y:.1%}" + _TRACE_NAME),
                          row=1, col=1)
        fig.update_layout(barmode="group")
        fig.update_yaxes(title_text="share of rows", tickformat=".0%", row=1, col=1)
        lo, hi = float(values[0]), float(values[-1])
    else:
        lo, hi = (float(q) for q in np.quantile(pooled, CENTRAL_RANGE))
        if lo == hi:
            lo, hi = float(pooled.min()), float(pooled.max())
        if np.all(pooled == np.round(pooled)):  # integers: whole-number bins, or bars alias into spikes
            step = max(1.0, math.ceil((hi - lo + 1) / HIST_BINS))
            edges = np.arange(math.floor(lo) - 0.5, math.ceil(hi) + 0.5 + step, step)
        else:
            edges = np.linspace(lo, hi, HIST_BINS + 1)
        centers, width = (edges[:-1] + edges[1:]) / 2, edges[1] - edges[0]
        for arr, name, color in ((ref, reference_name, REFERENCE_COLOR), (cur, current_name, CURRENT_COLOR)):
            counts, _ = np.histogram(arr, bins=edges)
            density = counts / max(arr.size, 1) / width
            fig.add_trace(go.Bar(x=centers, y=density, width=width, name=name, marker_color=color,
                                 opacity=0.55, legendgroup=name,
                                 hovertemplate="%{x:.4g}: density %{y:.3g}" + _TRACE_NAME),
                          row=1, col=1)
        fig.update_layout(barmode="overlay", bargap=0)
        fig.update_yaxes(title_text="density", row=1, col=1)
    grid = np.linspace(lo, hi, 200) if values.size > DISCRETE_MAX_VALUES else values
    for arr, name, color in ((ref, reference_name, REFERENCE_COLOR), (cur, current_name, CURRENT_COLOR)):
        ecdf = np.searchsorted(np.sort(arr), grid, side="right") / max(arr.size, 1)
        fig.add_trace(go.Scatter(x=grid, y=ecdf, name=name, mode="lines", line=dict(color=color, width=2.5),
                                 line_shape="hv", legendgroup=name, showlegend=False,
                                 hovertemplate="≤ %{x:.4g}: %{y:.1%}" + _TRACE_NAME),
                      row=1, col=2)
    fig.update_yaxes(tickformat=".0%", range=[0, 1.02], row=1, col=2)
    fig.update_layout(**LAYOUT, height=380)
    return fig


def category_shares(psi_table: pd.DataFrame, *, reference_name: str = "reference",
                    current_name: str = "current", max_categories: int = 25) -> go.Figure:
    """Paired bars: share of rows per category on each side (the PSI bins of a categorical feature).

    With many categories, the ``max_categories`` largest (by the larger of the two shares) are shown.
    """
    t = psi_table.assign(_size=psi_table[["ref_pct", "cur_pct"]].max(axis=1))
    shown = t.nlargest(max_categories, "_size") if len(t) > max_categories else t
    fig = go.Figure()
    sides = (("ref_pct", esc(reference_name), REFERENCE_COLOR), ("cur_pct", esc(current_name), CURRENT_COLOR))
    bins = [esc(b) for b in shown["bin"].astype(str)]
    for col, name, color in sides:
        fig.add_trace(go.Bar(x=bins, y=shown[col], name=name, marker_color=color,
                             text=[f"{v:.0%}" for v in shown[col]], textposition="outside",
                             hovertemplate="%{x}: %{y:.1%}" + _TRACE_NAME))
    title = "Share of rows per category"
    if len(shown) < len(t):
        title += f" (largest {len(shown)} of {len(t)})"
    fig.update_layout(**LAYOUT, barmode="group", height=380, title=dict(text=title, font_size=15),
                      yaxis=dict(tickformat=".0%", title="share of rows"))
    return fig


def psi_bins(psi_table: pd.DataFrame, *, reference_name: str = "reference", current_name: str = "current",
             shares: bool = True) -> go.Figure:
    """PSI bin by bin: each side's share of rows (top, optional) and each bin's PSI contribution."""
    labels = [esc(b) for b in psi_table["bin"].astype(str)]
    rows = 2 if shares else 1
    fig = make_subplots(rows=rows, cols=1, shared_xaxes=True, vertical_spacing=0.08,
                        row_heights=[0.6, 0.4] if shares else [1.0],
                        subplot_titles=(("Share of rows per PSI bin", "Contribution to PSI") if shares
                                        else ("Contribution to PSI",)))
    if shares:
        for col, name, color in (("ref_pct", esc(reference_name), REFERENCE_COLOR),
                                 ("cur_pct", esc(current_name), CURRENT_COLOR)):
            fig.add_trace(go.Bar(x=labels, y=psi_table[col], name=name, marker_color=color,
                                 hovertemplate="%{x}: %{y:.1%}" + _TRACE_NAME), row=1, col=1)
        fig.update_yaxes(tickformat=".0%", row=1, col=1)
    fig.add_trace(go.Bar(x=labels, y=psi_table["contribution"], name="contribution", showlegend=False,
                         marker_color=SEVERITY_COLORS["major"][0],
                         hovertemplate="%{x}: %{y:.4f}<extra>contribution</extra>"), row=rows, col=1)
    fig.update_layout(**LAYOUT, barmode="group", height=420 if shares else 260)
    fig.update_xaxes(tickangle=-30, row=rows, col=1)
    return fig


def batch_overview(summaries: pd.DataFrame) -> go.Figure:
    """Features per severity in each production batch (stacked bars); ground truth under each label."""
    labels = [f"{esc(b)}<br><i>{esc(t)}</i>" if t else esc(b)
              for b, t in zip(summaries["batch"], summaries["truth"])]
    fig = go.Figure()
    for severity in ("minor", "moderate", "major"):
        fig.add_trace(go.Bar(x=labels, y=summaries[severity], name=severity,
                             marker_color=SEVERITY_COLORS[severity][0],
                             hovertemplate="%{y} " + severity + "<extra></extra>"))
    fig.update_layout(**LAYOUT, barmode="stack", height=340,
                      yaxis=dict(title="features drifting", rangemode="tozero", tickformat="d"))
    fig.update_xaxes(tickfont_size=11)
    return fig


# --- the model: regression and multiclass ------------------------------------------------------------
#: Marker opacity of the predicted-vs-actual scatter (thousands of points overlap).
SCATTER_OPACITY = 0.35
#: Residual histogram bars.
RESIDUAL_BINS = 40


def _sides(sample: pd.DataFrame, reference_name: str, current_name: str):
    """(rows, escaped name, colour) of each side of a :func:`ui.cache.model_sample` frame."""
    return ((sample[sample["side"] == "reference"], esc(reference_name), REFERENCE_COLOR),
            (sample[sample["side"] == "current"], esc(current_name), CURRENT_COLOR))


def predicted_vs_actual(sample: pd.DataFrame, *, target: str, reference_name: str = "reference",
                        current_name: str = "current") -> go.Figure:
    """Forecast against the observed target, reference and current side by side on the same axes, with the
    line of perfect forecasts (``sample``: :func:`ui.cache.model_sample`)."""
    sides = _sides(sample, reference_name, current_name)
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.06,
                        subplot_titles=[name for _, name, _ in sides])
    values = sample[["actual", "predicted"]].to_numpy(dtype=float)
    lo, hi = (float(values.min()), float(values.max())) if values.size else (0.0, 1.0)
    for col, (rows, name, color) in enumerate(sides, start=1):
        fig.add_trace(go.Scattergl(x=rows["actual"], y=rows["predicted"], mode="markers", name=name,
                                   marker=dict(color=color, size=5, opacity=SCATTER_OPACITY),
                                   hovertemplate="actual %{x:.4g}, forecast %{y:.4g}" + _TRACE_NAME),
                      row=1, col=col)
        fig.add_trace(go.Scatter(x=[lo, hi], y=[lo, hi], mode="lines", name="forecast = actual",
                                 showlegend=col == 1, line=dict(color="#57606a", dash="dash", width=1.5),
                                 hoverinfo="skip"), row=1, col=col)
        fig.update_xaxes(title_text=f"actual {esc(target)}", range=[lo, hi], row=1, col=col)
    fig.update_yaxes(title_text="forecast", range=[lo, hi], row=1, col=1)
    fig.update_layout(**LAYOUT, height=420)
    return fig


def residual_histograms(sample: pd.DataFrame, *, reference_name: str = "reference",
                        current_name: str = "current") -> go.Figure:
    """The error ``forecast − actual`` of each row, reference and current side by side on common bins (the
    central 99 % of both), each side's mean error (the bias) marked."""
    sides = _sides(sample, reference_name, current_name)
    err = (sample["predicted"] - sample["actual"]).to_numpy(dtype=float)
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.06,
                        subplot_titles=[name for _, name, _ in sides])
    if err.size == 0:
        fig.update_layout(**LAYOUT, height=340)
        return fig
    lo, hi = (float(q) for q in np.quantile(err, CENTRAL_RANGE))
    edges = np.linspace(lo, hi, RESIDUAL_BINS + 1) if hi > lo else np.array([lo - 0.5, lo + 0.5])
    centers, width = (edges[:-1] + edges[1:]) / 2, edges[1] - edges[0]
    for col, (rows, name, color) in enumerate(sides, start=1):
        e = (rows["predicted"] - rows["actual"]).to_numpy(dtype=float)
        counts, _ = np.histogram(np.clip(e, lo, hi), bins=edges)
        fig.add_trace(go.Bar(x=centers, y=counts / max(e.size, 1), width=width, name=name,
                             marker_color=color, opacity=0.8,
                             hovertemplate="error %{x:.3g}: %{y:.1%} of rows" + _TRACE_NAME), row=1, col=col)
        if e.size:
            fig.add_vline(x=float(e.mean()), line=dict(color="#1f2328", width=1.5), row=1, col=col,
                          annotation_text=f"mean {e.mean():+.3g}", annotation_font_size=11)
        fig.add_vline(x=0, line=dict(color="#57606a", dash="dot", width=1), row=1, col=col)
        fig.update_xaxes(title_text="error (forecast − actual)", row=1, col=col)
    fig.update_yaxes(title_text="share of rows", tickformat=".0%", row=1, col=1)
    fig.update_layout(**LAYOUT, height=340, bargap=0, showlegend=False)
    return fig


def confusion_matrices(reference: pd.DataFrame, current: pd.DataFrame, *, reference_name: str = "reference",
                       current_name: str = "current") -> go.Figure:
    """Confusion matrices of each side (``MulticlassPerformance.confusion``: counts, true class by row),
    side by side, each row normalised to the share of that true class predicted as each class; the counts
    are in the hover and the cell text."""
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.12,
                        subplot_titles=[esc(reference_name), esc(current_name)])
    for col, (counts, color) in enumerate(((reference, REFERENCE_COLOR), (current, CURRENT_COLOR)), start=1):
        c = counts.to_numpy(dtype=float)
        totals = c.sum(axis=1, keepdims=True)
        share = np.divide(c, totals, out=np.full_like(c, np.nan), where=totals > 0)
        true = [esc(v) for v in counts.index.astype(str)]
        pred = [esc(v) for v in counts.columns.astype(str)]
        text = [[("—" if np.isnan(s) else f"{s:.0%}") + f"<br>({int(n):,})" for s, n in zip(rs, rc)]
                for rs, rc in zip(share, c)]
        fig.add_trace(go.Heatmap(z=share, x=pred, y=true, customdata=c, text=text, texttemplate="%{text}",
                                 zmin=0, zmax=1, colorscale=[[0, "#ffffff"], [1, color]], showscale=False,
                                 hovertemplate="true %{y}, predicted %{x}: %{z:.1%} of the class "
                                               "(%{customdata:,} rows)<extra></extra>"), row=1, col=col)
        fig.update_xaxes(title_text="predicted class", side="bottom", row=1, col=col)
        fig.update_yaxes(title_text="true class" if col == 1 else None, autorange="reversed", row=1, col=col)
    fig.update_layout(**LAYOUT, height=380)
    return fig


def class_shares(shares: pd.DataFrame, *, reference_name: str = "reference",
                 current_name: str = "current") -> go.Figure:
    """Share of rows predicted as each class, on each side (``ClassPredictionDrift.shares``)."""
    fig = go.Figure()
    classes = [esc(c) for c in shares["class"].astype(str)]
    for col, name, color in (("reference_share", esc(reference_name), REFERENCE_COLOR),
                             ("current_share", esc(current_name), CURRENT_COLOR)):
        fig.add_trace(go.Bar(x=classes, y=shares[col], name=name, marker_color=color,
                             text=[f"{v:.0%}" for v in shares[col]], textposition="outside",
                             hovertemplate="%{x}: %{y:.1%} of rows" + _TRACE_NAME))
    fig.update_layout(**LAYOUT, barmode="group", height=340,
                      yaxis=dict(tickformat=".0%", title="share of rows predicted", rangemode="tozero"),
                      xaxis=dict(title="predicted class"))
    return fig

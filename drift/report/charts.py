"""Plotly figures of a diagnosis, for the HTML report (and reusable by the app's ``ui/charts.py``).

Plotly only: no Streamlit.  Each function takes a result object of the library and returns a
``plotly.graph_objects.Figure``.

Plotly renders axis labels, legend entries and hover text as a small subset of HTML (``<b>``, ``<br>``,
``<a href>``, entities).  A column name is data, not markup, so every name that reaches a figure goes
through :func:`label` (``html.escape``): a column called ``<b>x</b>`` shows those characters, and a
name such as ``<img src=x onerror=alert(1)>`` can never become an element.  (Plotly itself writes
``<``, ``>`` and ``/`` as ``\\u003c``… when it serialises a figure into a ``<script>``, so no string can
close the script either.)
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from drift.report import palette
from drift.stats.psi import PSI_BANDS

#: Colours shared by the report's charts, its HTML and the app (:mod:`drift.report.palette`), always with
#: labels beside them.
SEVERITY_COLORS = palette.SEVERITY
REFERENCE_COLOR = palette.REFERENCE
CURRENT_COLOR = palette.CURRENT
GOOD_COLOR = palette.GOOD
BAD_COLOR = palette.BAD
FONT = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
#: Features shown in the PSI chart (the most drifted first).
TOP_FEATURES = 20
#: Features shown in the domain-classifier importance chart.
TOP_IMPORTANCES = 12
METRIC_LABELS = {"roc_auc": "ROC AUC", "accuracy": "Accuracy", "f1": "F1", "log_loss": "Log-loss",
                 "base_rate": "Outcome rate", "positive_rate": "Predicted-positive rate"}

# A small template: the default one embeds ~10 KB of colour scales in every figure.
_TEMPLATE = go.layout.Template(layout=dict(
    font=dict(family=FONT, size=12, color="#1f2328"),
    paper_bgcolor="white", plot_bgcolor="white",
    margin=dict(l=10, r=20, t=48, b=40),
    title=dict(font=dict(size=14), x=0.015, xanchor="left", xref="container"),
    xaxis=dict(gridcolor="#eaeef2", zerolinecolor="#d0d7de", linecolor="#d0d7de", automargin=True),
    yaxis=dict(gridcolor="#eaeef2", zerolinecolor="#d0d7de", linecolor="#d0d7de", automargin=True),
    legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1),
    hoverlabel=dict(font=dict(family=FONT)),
    colorway=[CURRENT_COLOR, REFERENCE_COLOR, palette.SEVERITY["minor"], palette.SEVERITY["stable"],
              "#8250df"],
))


def label(name: object) -> str:
    """A column name or value as plotly text: HTML-escaped, so it shows as typed and never as markup."""
    return html.escape(str(name), quote=True)


def _figure(title: str, height: int) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(template=_TEMPLATE, title_text=label(title), height=height)
    return fig


def _num(x: float, digits: int = 3) -> str:
    return "n/a" if x is None or not np.isfinite(x) else f"{x:.{digits}g}"


def feature_psi_chart(feature_table: pd.DataFrame, *, top: int = TOP_FEATURES,
                      psi_bands: tuple[float, float] = PSI_BANDS) -> go.Figure:
    """Horizontal bars of PSI per feature, coloured by severity, with the band cut-offs drawn.

    Parameters
    ----------
    feature_table : DataFrame
        Output of :func:`drift.feature_drift` (``feature, psi, severity, pvalue_adjusted``).
    top : int, default 20
        The ``top`` features with the largest PSI are shown.

    Notes
    -----
    The axis turns logarithmic when the largest PSI exceeds 1 (a unit change gives PSI ~ 8, which
    would flatten every other bar).
    """
    t = feature_table.dropna(subset=["psi"]).sort_values("psi", ascending=False, kind="stable").head(top)
    t = t.iloc[::-1]  # plotly draws the first category at the bottom
    shown = len(t)
    more = f" (top {shown} of {len(feature_table)})" if len(feature_table) > shown else ""
    fig = _figure(f"Feature drift: PSI by feature{more}", height=max(260, 70 + 24 * shown))
    log = bool(shown) and float(t["psi"].max()) > 1
    psi = t["psi"].clip(lower=1e-4) if log else t["psi"]
    fig.add_trace(go.Bar(
        x=psi, y=[label(f) for f in t["feature"]], orientation="h",
        marker_color=[SEVERITY_COLORS.get(s, REFERENCE_COLOR) for s in t["severity"]],
        customdata=np.column_stack([t["psi"], t["severity"], t["pvalue_adjusted"]]) if shown else None,
        hovertemplate="<b>%{y}</b><br>PSI %{customdata[0]:.4f}<br>severity %{customdata[1]}"
                      "<br>adjusted p %{customdata[2]:.3g}<extra></extra>",
        showlegend=False))
    for severity, color in SEVERITY_COLORS.items():  # legend entries for the colours
        fig.add_trace(go.Bar(x=[None], y=[None], marker_color=color, name=severity, orientation="h"))
    for cut, name, side in zip(psi_bands, ("moderate", "major"), ("right", "left"), strict=True):
        fig.add_vline(x=cut, line=dict(color="#57606a", dash="dot", width=1))
        fig.add_annotation(x=np.log10(cut) if log else cut, y=0, yref="paper", text=f" {name} ≥ {cut:g} ",
                           showarrow=False, yanchor="bottom", xanchor=side, bgcolor="rgba(255,255,255,0.85)",
                           font=dict(size=10, color="#57606a"))
    fig.update_layout(barmode="overlay", bargap=0.25)
    if log:
        fig.update_xaxes(title_text="PSI (log scale)", type="log", dtick=1)
    else:
        fig.update_xaxes(title_text="PSI", rangemode="tozero")
    return fig


def prediction_bins_chart(result) -> go.Figure:
    """Reference vs current share of rows in each reference-decile bin of the model's score.

    Parameters
    ----------
    result : drift.model.prediction.PredictionDriftResult
    """
    t = result.table
    name = getattr(result.headline, "name", "score")
    fig = _figure(f"Prediction drift: distribution of {name} (PSI {_num(result.statistic)})", height=340)
    bins = [label(b) for b in t["bin"]]
    sides = (("ref_pct", "reference", REFERENCE_COLOR), ("cur_pct", "current", CURRENT_COLOR))
    for col, side, color in sides:
        fig.add_trace(go.Bar(x=bins, y=t[col], name=side, marker_color=color,
                             hovertemplate=f"{side}<br>bin %{{x}}<br>%{{y:.1%}} of rows<extra></extra>"))
    fig.update_layout(barmode="group", bargap=0.2)
    fig.update_xaxes(title_text="score bin (reference deciles)", tickangle=-30)
    fig.update_yaxes(title_text="share of rows", tickformat=".0%")
    return fig


def performance_change_chart(change) -> go.Figure:
    """Change of each metric (current − reference) with its bootstrap interval; 0 = unchanged.

    Parameters
    ----------
    change : drift.model.performance.PerformanceChange
    """
    t = change.table.dropna(subset=["change"])
    level = getattr(change.reference, "confidence", 0.95)
    fig = _figure(f"Performance change vs reference ({level:.0%} interval)", height=340)
    names = [METRIC_LABELS.get(m, label(m)) for m in t.index]
    lower_is_better = {"log_loss"}
    colors = []
    for metric, row in t.iterrows():
        if not (row["lo"] > 0 or row["hi"] < 0):
            colors.append(REFERENCE_COLOR)
        elif metric in ("base_rate", "positive_rate"):
            colors.append("#d4a72c")
        else:
            worse = row["change"] > 0 if metric in lower_is_better else row["change"] < 0
            colors.append(BAD_COLOR if worse else GOOD_COLOR)
    fig.add_trace(go.Scatter(
        x=t["change"], y=names, mode="markers", marker=dict(size=11, color=colors),
        error_x=dict(type="data", symmetric=False, array=t["hi"] - t["change"],
                     arrayminus=t["change"] - t["lo"], color="#57606a", thickness=1.5, width=6),
        customdata=np.column_stack([t["reference"], t["current"], t["lo"], t["hi"]]),
        hovertemplate="<b>%{y}</b><br>%{customdata[0]:.4f} → %{customdata[1]:.4f}<br>change %{x:+.4f} "
                      "[%{customdata[2]:+.4f}, %{customdata[3]:+.4f}]<extra></extra>", showlegend=False))
    fig.add_vline(x=0, line=dict(color="#57606a", width=1))
    fig.update_xaxes(title_text="current − reference")
    fig.update_yaxes(autorange="reversed")
    return fig


def calibration_chart(change) -> go.Figure:
    """Reliability diagram: observed outcome rate per score bin, reference vs current.

    Parameters
    ----------
    change : drift.model.performance.PerformanceChange
    """
    fig = _figure("Calibration: does the outcome still follow the score?", height=340)
    fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="perfect calibration",
                             line=dict(color="#d0d7de", dash="dash"), hoverinfo="skip"))
    for perf, side, color in ((change.reference, "reference", REFERENCE_COLOR),
                              (change.current, "current", CURRENT_COLOR)):
        cal = perf.calibration
        fig.add_trace(go.Scatter(x=cal["mean_predicted"], y=cal["fraction_positive"], mode="lines+markers",
                                 name=side, line=dict(color=color),
                                 hovertemplate=f"{side}<br>mean score %{{x:.3f}}<br>observed rate %{{y:.3f}}"
                                               "<extra></extra>"))
    top = max(0.05, float(np.nanmax([change.reference.calibration.to_numpy().max(),
                                     change.current.calibration.to_numpy().max()])) * 1.05)
    fig.update_xaxes(title_text="mean predicted probability", range=[0, min(1, top)])
    fig.update_yaxes(title_text="observed outcome rate", range=[0, min(1, top)])
    return fig


def estimated_performance_chart(estimated) -> go.Figure:
    """Confidence-based (label-free) estimate of each metric on reference and current data.

    Parameters
    ----------
    estimated : drift.model.performance.EstimatedPerformance
    """
    t = estimated.table
    fig = _figure("Estimated performance without labels (CBPE)", height=320)
    names = [METRIC_LABELS.get(m, label(m)) for m in t.index]
    for col, side, color in (("reference_estimated", "reference (estimated)", REFERENCE_COLOR),
                             ("current_estimated", "current (estimated)", CURRENT_COLOR)):
        fig.add_trace(go.Bar(x=names, y=t[col], name=side, marker_color=color,
                             hovertemplate=f"{side}<br>%{{x}} %{{y:.4f}}<extra></extra>"))
    fig.update_layout(barmode="group")
    fig.update_yaxes(title_text="value", range=[0, 1])
    return fig


def domain_importance_chart(result, *, top: int = TOP_IMPORTANCES) -> go.Figure:
    """Which features let the domain classifier tell production from training (AUC drop when permuted).

    Parameters
    ----------
    result : drift.multivariate.domain.DomainClassifierResult
    """
    t = result.importances.head(top).iloc[::-1]
    auc = getattr(result, "auc", float("nan"))
    fig = _figure(f"Domain classifier (AUC {_num(auc)}): what separates production from training",
                  height=max(260, 70 + 24 * len(t)))
    fig.add_trace(go.Bar(
        x=t["importance"], y=[label(f) for f in t["feature"]], orientation="h",
        marker_color=[CURRENT_COLOR if v > 0 else REFERENCE_COLOR for v in t["importance"]],
        hovertemplate="<b>%{y}</b><br>AUC drop when permuted %{x:+.4f}<extra></extra>", showlegend=False))
    fig.add_vline(x=0, line=dict(color="#57606a", width=1))
    fig.update_xaxes(title_text="ROC AUC drop when the feature is shuffled")
    return fig


def mmd_null_chart(result) -> go.Figure:
    """The permutation null distribution of MMD² with the observed value marked.

    Parameters
    ----------
    result : drift.multivariate.mmd.MMDResult
    """
    fig = _figure(f"MMD on embeddings: observed vs permutation null (p {_num(result.pvalue)})", height=300)
    null = np.asarray(result.null, dtype=float)
    null = null[np.isfinite(null)]
    fig.add_trace(go.Histogram(x=null, nbinsx=40, name="permutations", marker_color=REFERENCE_COLOR,
                               hovertemplate="MMD² %{x}<br>%{y} permutations<extra></extra>"))
    if np.isfinite(result.statistic):
        fig.add_vline(x=float(result.statistic), line=dict(color=BAD_COLOR, width=2))
        fig.add_annotation(x=float(result.statistic), y=1, yref="paper", text="observed", showarrow=False,
                           xanchor="left", yanchor="bottom", font=dict(color=BAD_COLOR, size=11))
    fig.update_xaxes(title_text="MMD² (unbiased)")
    fig.update_yaxes(title_text="permutations")
    return fig


def step_figures(step) -> list[go.Figure]:
    """The figures that illustrate one :class:`drift.diagnosis.diagnose.Step` (empty when it has no
    result)."""
    result = step.result
    if step.status == "skipped" or result is None:
        return []
    if step.key == "inputs" and isinstance(result, pd.DataFrame) and len(result):
        return [feature_psi_chart(result)]
    if step.key == "prediction" and hasattr(result, "table"):
        return [prediction_bins_chart(result)]
    if step.key == "concept":
        if isinstance(result, tuple):   # a regression or multiclass model's performance has no reliability
            return [performance_change_chart(result[0])] + (     # diagram: the binary one only
                [calibration_chart(result[0])] if hasattr(result[0].reference, "calibration") else [])
        return [estimated_performance_chart(result)]
    if step.key == "domain" and getattr(result, "importances", None) is not None and len(result.importances):
        return [domain_importance_chart(result)]
    if step.key == "mmd" and getattr(result, "null", None) is not None and len(result.null):
        return [mmd_null_chart(result)]
    return []

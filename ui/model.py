"""The model's task on the pages: which task the data's model has (and, for an upload, the user's override
of it on the Data page), and the task's own figures for a regression or a multiclass model — prediction
drift, performance realised or estimated, the predicted-vs-actual and error charts, the confusion matrices
— all through the cache layer (:mod:`ui.cache`).

A binary classifier's figures are the diagnosis's own (the Diagnosis and Report pages); the functions here
serve the two other tasks, and say plainly what is not available for them yet.
"""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from drift.core.errors import DriftError
from drift.data.task import TASKS

from . import boundary, cache, charts, data, safe, state

#: What each task's model is called on screen.
TASK_NAMES = {"binary": "binary classifier", "multiclass": "multiclass classifier",
              "regression": "regression model"}
#: The task select's option for "no override": the task inferred from the data.
INFERRED = "inferred"
#: Points per side drawn on the predicted-vs-actual scatter and the error histograms (a seeded sample).
MAX_POINTS = 5_000
#: Each task's performance metrics, in table order, with their labels.
METRICS = {
    "regression": {"mae": "MAE", "rmse": "RMSE", "mape": "MAPE", "r2": "R²",
                   "mean_error": "Bias (mean error)"},
    "multiclass": {"accuracy": "Accuracy", "macro_f1": "Macro-F1", "log_loss": "Log-loss"},
}
#: Metrics shown as cards (the table lists them all); a metric where higher is better is listed here too.
HEADLINE = {"regression": ("mae", "rmse", "r2", "mean_error"), "multiclass": ("accuracy", "macro_f1")}
HIGHER_IS_BETTER = frozenset({"r2", "accuracy", "macro_f1"})
#: What a metric means, for its card's help.
METRIC_HELP = {
    "mae": "Mean absolute error, in the target's units.",
    "rmse": "Root mean squared error, in the target's units: large errors weigh more.",
    "mape": "Mean absolute percentage error (only when every target value is positive).",
    "r2": "Share of the target's variance the forecasts explain (1 = perfect, 0 = the mean would do).",
    "mean_error": "Mean of forecast − actual: positive when the model forecasts too high.",
    "accuracy": "Share of rows whose predicted class is the true class.",
    "macro_f1": "F1 of each class, averaged with equal weight per class.",
    "log_loss": "Cross-entropy of the class probabilities (lower is better).",
}


# --- the task --------------------------------------------------------------------------------------------
def task_name(ctx: data.Context) -> str | None:
    """``binary`` / ``multiclass`` / ``regression``, or ``None`` when no task could be read."""
    return ctx.task.task if ctx.task is not None else None


def other_task(ctx: data.Context) -> bool:
    """Whether the data's model is a regression or a multiclass model (the figures of this module)."""
    return task_name(ctx) in ("regression", "multiclass")


def diagnosis_reads_task(ctx: data.Context, diag) -> bool:
    """Whether a diagnosis read this data's task (``Diagnosis.task``, a TaskInfo, once ``drift.diagnose`` is
    task-aware): its verdict then weighs the model's own outputs and labels."""
    return getattr(getattr(diag, "task", None), "task", None) == task_name(ctx)


def describe(ctx: data.Context) -> str:
    """One line of Markdown: the task, the target and the model's output (names as code spans)."""
    info = ctx.task
    if info is None:
        return "No task: it is read from the target column, and none is set."
    kinds = {"probability": "probability of the positive class", "label": "predicted class",
             "class_probabilities": "one probability per class", "forecast": "forecast"}
    parts = [f"**{TASK_NAMES[info.task].capitalize()}**", f"target {safe.code(info.target)}"]
    if info.prediction_kind is not None:
        column = info.prediction or ", ".join(str(c) for c in info.probability_columns.values())
        parts.append(f"{kinds[info.prediction_kind]} {safe.code(column)}")
    else:
        parts.append("no model output")
    if info.classes:
        parts.append(f"{len(info.classes)} classes: " + ", ".join(safe.code(c) for c in info.classes))
    return " · ".join(parts)


def _set_task(source_key: str, key: str) -> None:
    """Task select callback: store the task forced on this data source (``INFERRED``: none)."""
    overrides = dict(data.overrides_of(source_key))
    chosen = st.session_state.get(key, INFERRED)
    if chosen == INFERRED:
        overrides.pop("task", None)
    else:
        overrides["task"] = chosen
    data.set_overrides(source_key, overrides)


def show_task(ctx: data.Context) -> None:
    """The Data page's "Model" section: the task, how it was read, and its choice (the sidebar's Model
    for a built-in scenario; a select overriding the inferred task for an upload)."""
    st.markdown(describe(ctx))
    if ctx.task_error:
        st.error(safe.text(ctx.task_error), icon=":material/error:")
    if ctx.source.kind == "scenario":
        models = data.scenario_models(ctx.source.scenario)
        if models:
            st.caption(f"This scenario has {len(models)} models on the same rows: "
                       + ", ".join(safe.text(label) for label in models.values())
                       + ". Switch between them with **Model** in the sidebar.")
    else:
        forced = ctx.overrides.get("task", INFERRED)
        key = f"{state.TASK_OVERRIDE}:{ctx.source.key}:{st.session_state[state.ROLES_VERSION]}"
        options = [INFERRED, *TASKS]
        inferred = "as inferred from the data" + (f" ({ctx.task.task})" if ctx.task and forced == INFERRED
                                                  else "")
        st.selectbox("Task of the model", options, index=options.index(forced) if forced in options else 0,
                     format_func=lambda t: inferred if t == INFERRED else TASK_NAMES[t], key=key,
                     on_change=_set_task, args=(ctx.source.key, key),
                     help="Read from the target's values: two values → binary; integers with few values "
                          "or text → multiclass; other numbers → regression. Force another here when the "
                          "guess is wrong (e.g. counts read as class codes).")
    if ctx.task is not None and ctx.task.notes:
        with st.expander("How the task was read"):
            st.text("\n".join(ctx.task.notes))   # plain text: the notes quote column names and labels


# --- figures ---------------------------------------------------------------------------------------------
def _fmt(x, spec: str = ".3f") -> str:
    return "—" if x is None or (isinstance(x, float) and not math.isfinite(x)) else format(x, spec)


def performance_frame(table: pd.DataFrame, task: str, columns: dict[str, str]) -> pd.DataFrame:
    """A performance table (indexed by metric) for display: labelled metrics, the chosen columns renamed;
    a metric undefined everywhere (MAPE with a zero target: the notes say why) is left out."""
    labels = METRICS[task]
    shown = table.loc[[m for m in labels if m in table.index], list(columns)].dropna(how="all")
    return shown.rename(index=labels, columns=columns).reset_index(names="Metric")


def _cards(cells: list[tuple]) -> None:
    for col, (label, value, help_text, delta, color) in zip(st.columns(len(cells)), cells, strict=True):
        col.metric(label, value, delta, delta_color=color, border=True, help=help_text)


def _metric_cards(table: pd.DataFrame, task: str, ref_col: str, cur_col: str, *, prefix: str = "") -> None:
    cells = []
    for m in HEADLINE[task]:
        if m not in table.index:
            continue
        row = table.loc[m]
        change = row["change"]
        delta = None if not math.isfinite(change) else f"{change:+.3f} vs {_fmt(row[ref_col])}"
        color = "normal" if m in HIGHER_IS_BETTER else "inverse"
        if m == "mean_error":
            color = "off"
        cells.append((prefix + METRICS[task][m], _fmt(row[cur_col]), METRIC_HELP[m], delta, color))
    _cards(cells)


def show_prediction_drift(ctx: data.Context, opts: data.Settings, batch: str) -> None:
    """The model's outputs, reference vs current, in the task's terms (prediction drift)."""
    try:
        res = cache.task_prediction_drift(ctx, batch, float(opts.alpha), int(opts.bins))
    except DriftError as err:
        boundary.show_error(err)
        return
    if task_name(ctx) == "regression":
        _cards([("Forecast PSI", f"{_fmt(res.psi.statistic)}", "PSI on the reference's deciles of the "
                 "forecast; 0.1 moderate, 0.25 major.", f"severity {res.severity}", "off"),
                ("KS p-value", charts.format_pvalue(res.ks.pvalue), f"KS statistic {_fmt(res.ks.statistic)}.",
                 None, "off"),
                ("Mean forecast", _fmt(res.mean_current, ".4g"), "In the target's units.",
                 f"{res.mean_shift:+.4g} vs {_fmt(res.mean_reference, '.4g')}", "off"),
                ("Wasserstein", _fmt(res.wasserstein, ".4g"),
                 f"In the target's units ({_fmt(res.wasserstein_norm.statistic)} reference σ).", None,
                 "off")])
    else:
        _cards([("Class-share PSI", _fmt(res.psi.statistic), "PSI of the predicted classes' shares.",
                 f"severity {res.share_severity}", "off"),
                ("χ² p-value", charts.format_pvalue(res.chi2.pvalue), "Homogeneity of the predicted-class "
                 "counts, reference vs current.", None, "off"),
                ("Overall severity", res.severity, "The worst of the class shares and of each class's "
                 "probability (KS corrected across classes, PSI bands).", None, "off")])
        st.plotly_chart(charts.class_shares(res.shares, current_name=_current_name(batch)),
                        key="model_class_shares")
        if res.probabilities:
            st.caption(f"Each class's probability, reference vs {safe.text(_current_name(batch))} (KS "
                       "p-values corrected across classes, "
                       f"{state.CORRECTIONS.get(res.correction, res.correction)}):")
            numbers = ("PSI", "KS statistic", "Mean (reference)", "Mean (current)")
            st.dataframe(probability_table(res), hide_index=True, key="model_class_probabilities",
                         column_config={c: st.column_config.NumberColumn(format="%.3f") for c in numbers})
    if res.note:
        st.caption(safe.text(res.note))


def probability_table(res) -> pd.DataFrame:
    """``ClassPredictionDrift.probability_frame`` for display: labelled columns, p-values as text."""
    frame = res.probability_frame()
    return pd.DataFrame({"Probability": frame["output"].astype(str), "PSI": frame["psi"],
                         "KS statistic": frame["ks_statistic"],
                         "p (corrected)": [charts.format_pvalue(p) for p in frame["pvalue_adjusted"]],
                         "Mean (reference)": frame["mean_reference"], "Mean (current)": frame["mean_current"],
                         "Severity": frame["severity"]})


def _current_name(batch: str) -> str:
    return "current" if batch == state.ALL_BATCHES else f"batch {batch}"


def show_performance(ctx: data.Context, opts: data.Settings, batch: str, labels: bool) -> None:
    """Performance in the task's metrics: realised with production labels (bootstrap intervals of the
    change), else estimated from the reference (direct loss estimation, CBPE), with the charts."""
    task = task_name(ctx)
    try:
        if labels:
            perf = cache.task_performance(ctx, batch, int(opts.seed))
        else:
            est = cache.task_estimate(ctx, batch, int(opts.seed))
    except DriftError as err:
        boundary.show_error(err)
        return
    if not labels:
        _metric_cards(est.table, task, "reference_estimated", "current_estimated", prefix="Estimated ")
        st.dataframe(performance_frame(est.table, task, {
            "reference_realised": "Reference (realised)", "reference_estimated": "Reference (estimated)",
            "current_estimated": "Production (estimated)", "lo": "Interval low", "hi": "Interval high"}),
            hide_index=True, key="model_estimate_table")
        st.info(f"No production labels: performance is *estimated*. {safe.text(est.caveat)}",
                icon=":material/visibility_off:")
        return
    _metric_cards(perf.table, task, "reference", "current")
    st.dataframe(performance_frame(perf.table, task, {
        "reference": "Reference", "current": "Production", "change": "Change", "lo": "Interval low",
        "hi": "Interval high"}), hide_index=True, key="model_performance_table",
        column_config={c: st.column_config.NumberColumn(format="%.4f")
                       for c in ("Reference", "Production", "Change", "Interval low", "Interval high")})
    st.caption(f"Change = production − reference, with its {perf.confidence:.0%} bootstrap interval "
               f"({perf.n_boot:,} resamples, seed {opts.seed}).")
    if task == "regression":
        _regression_charts(ctx, opts, batch)
    else:
        _multiclass_charts(perf, batch)
    notes = perf.notes if task == "regression" else perf.reference.notes + perf.current.notes
    if notes:
        st.caption(safe.text("; ".join(notes)))


def _regression_charts(ctx: data.Context, opts: data.Settings, batch: str) -> None:
    sample = cache.model_sample(ctx, batch, int(opts.seed), MAX_POINTS)
    rows = sample.attrs.get("rows", {})
    drawn = sample["side"].value_counts()
    st.plotly_chart(charts.predicted_vs_actual(sample, target=ctx.task.target,
                                               current_name=_current_name(batch)), key="model_scatter")
    st.plotly_chart(charts.residual_histograms(sample, current_name=_current_name(batch)),
                    key="model_residuals")
    st.caption("Points drawn: " + "; ".join(
        f"{side} {int(drawn.get(side, 0)):,} of {n:,} rows" + (" (a seeded random sample)"
                                                               if n > MAX_POINTS else "")
        for side, n in rows.items()) + f" — at most {MAX_POINTS:,} per side; the metrics use every row.")


def _multiclass_charts(perf, batch: str) -> None:
    st.plotly_chart(charts.confusion_matrices(perf.reference.confusion, perf.current.confusion,
                                              current_name=_current_name(batch)), key="model_confusion")
    st.caption("Each row is a true class: the share of its rows predicted as each class (counts in "
               "brackets). The diagonal is the recall of each class.")
    ref, cur = perf.reference.per_class, perf.current.per_class
    table = pd.DataFrame({"Class": ref["class"].astype(str), "Recall (ref)": ref["recall"],
                          "Recall (production)": cur["recall"],
                          "Recall change": perf.per_class["recall_change"],
                          "Precision (ref)": ref["precision"], "Precision (production)": cur["precision"],
                          "Rows (production)": cur["support"]})
    st.dataframe(table, hide_index=True, key="model_per_class",
                 column_config={c: st.column_config.NumberColumn(format="%.3f") for c in table.columns
                                if c not in ("Class", "Rows (production)")})


def show_model(ctx: data.Context, opts: data.Settings, batch: str, labels: bool) -> None:
    """The "Model" section of a regression or multiclass model: its outputs, then its performance."""
    st.markdown(describe(ctx))
    if ctx.task.prediction_kind is None:
        st.info("No prediction column: nothing can be said about the model's outputs or performance. Name "
                "it on the Data page.", icon=":material/info:")
        return
    st.markdown("**What the model predicts** — its outputs, reference vs production (no labels needed).")
    show_prediction_drift(ctx, opts, batch)
    st.markdown("**How well it predicts** — " + ("realised on production's labels." if labels else
                                                 "estimated: production labels are not used."))
    show_performance(ctx, opts, batch, labels)

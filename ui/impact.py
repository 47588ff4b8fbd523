"""The business-impact calculator of the Report and Practice pages, and the priced parts with their formulas.

A binary classifier's calculator asks for the four figures of :func:`drift.impact_inputs`; a regression
model's (:func:`regression_calculator`) for the forecasts per month and the cost of a unit over- and
under-forecast; a multiclass model's (:func:`multiclass_calculator`) for the decisions per month and an
editable cost matrix (true class × predicted class, every error 1 by default).  :func:`show_task` shows the
priced parts of a regression or multiclass model.

Each input shows "assumed — edit to your figures" until the user edits it; the edited names are kept in
session state and handed to :func:`drift.impact_inputs` as ``supplied``, so the library, the sentence and
every export know which figures are assumed.  The decision threshold follows the two costs
(:func:`drift.model.impact.cost_threshold`) until the user sets it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

import drift
from drift.model.cost_matrix import DEFAULT_DECISIONS_PER_MONTH, DEFAULT_ERROR_COST, MulticlassInputs
from drift.model.impact import (
    DEFAULT_INPUTS,
    INPUT_NAMES,
    BusinessImpact,
    ImpactInputs,
    cost_threshold,
    format_money,
)
from drift.model.multiclass_impact import MulticlassImpact
from drift.model.regression_impact import DEFAULT_REGRESSION_INPUTS, RegressionImpact, RegressionInputs

from . import state
from .safe import text as md

CURRENCY = "$"
#: Caption under an input the user has not edited, and under one they have.
ASSUMED = "assumed — edit to your figures"
SUPPLIED = "your figure"


@dataclass(frozen=True, slots=True)
class CalculatorKeys:
    """Session-state keys of one calculator: one per input, and the list of inputs the user edited."""

    decisions_per_month: str
    cost_false_positive: str
    cost_false_negative: str
    threshold: str
    supplied: str

    def of(self, name: str) -> str:
        return getattr(self, name)


REPORT_KEYS = CalculatorKeys(state.IMPACT_DECISIONS, state.IMPACT_COST_FP, state.IMPACT_COST_FN,
                             state.IMPACT_THRESHOLD, state.IMPACT_SUPPLIED)
PRACTICE_KEYS = CalculatorKeys(state.PRACTICE_DECISIONS, state.PRACTICE_COST_FP, state.PRACTICE_COST_FN,
                               state.PRACTICE_THRESHOLD, state.PRACTICE_SUPPLIED)

_WIDGETS = {
    "decisions_per_month": dict(label="Decisions per month", min_value=0, step=1000,
                                help="How many decisions the model takes a month. The figures scale with "
                                     "it, never with the number of rows compared."),
    "cost_false_positive": dict(label=f"Cost of a false positive ({CURRENCY})", min_value=0.0, step=10.0,
                                help="What one case flagged by the model costs when the event does not "
                                     "happen, e.g. the margin lost on a good applicant refused."),
    "cost_false_negative": dict(label=f"Cost of a false negative ({CURRENCY})", min_value=0.0, step=50.0,
                                help="What one case the model did not flag costs when the event happens, "
                                     "e.g. the loss on a loan that defaults."),
    "threshold": dict(label="Decision threshold", min_value=0.0, max_value=1.0, step=0.01, format="%.3f",
                      help="The model flags a case when its score is at or above it. Until you set it: "
                           "cost of a false positive ÷ (sum of both costs), the threshold that minimises "
                           "the expected cost of a calibrated score."),
}


def _supplied(keys: CalculatorKeys) -> set[str]:
    return set(st.session_state.get(keys.supplied, ()))


def _mark_supplied(keys: CalculatorKeys, name: str) -> None:
    st.session_state[keys.supplied] = sorted(_supplied(keys) | {name})


def _reset(keys: CalculatorKeys) -> None:
    st.session_state[keys.supplied] = []
    for name, value in DEFAULT_INPUTS.items():
        st.session_state[keys.of(name)] = _typed(name, value)


def _typed(name: str, value: float) -> float | int:
    return int(value) if name == "decisions_per_month" else float(value)


def _initialise(keys: CalculatorKeys, inherit: CalculatorKeys | None) -> None:
    """First values: the other calculator's edited figures when it has some (``inherit``), else defaults."""
    ss = st.session_state
    if keys.supplied not in ss:
        taken = sorted(_supplied(inherit)) if inherit is not None else []
        for name in taken:
            if inherit.of(name) in ss:
                ss[keys.of(name)] = ss[inherit.of(name)]
        ss[keys.supplied] = [n for n in taken if keys.of(n) in ss]
    for name, value in DEFAULT_INPUTS.items():
        ss.setdefault(keys.of(name), _typed(name, value))
    if "threshold" not in _supplied(keys):   # the threshold follows the costs until the user sets it
        ss[keys.threshold] = cost_threshold(ss[keys.cost_false_positive], ss[keys.cost_false_negative])


def calculator(keys: CalculatorKeys, *, inherit: CalculatorKeys | None = None) -> ImpactInputs:
    """The four inputs, each captioned "assumed — edit to your figures" until edited; returns the inputs.

    Raises ``DriftError`` for figures the library rejects (the page shows the message).
    """
    _initialise(keys, inherit)
    supplied = _supplied(keys)
    for col, name in zip(st.columns(len(INPUT_NAMES)), INPUT_NAMES, strict=True):
        col.number_input(key=keys.of(name), on_change=_mark_supplied, args=(keys, name),
                         persist_state="session", **_WIDGETS[name])
        col.caption(SUPPLIED if name in supplied else f":orange[{ASSUMED}]")
    if supplied:
        st.button("Use the assumed figures again", on_click=_reset, args=(keys,),
                  key=f"{keys.supplied}_reset", icon=":material/undo:")
    values = {n: (st.session_state[keys.of(n)] if n in supplied else None) for n in INPUT_NAMES}
    return drift.impact_inputs(**values, supplied=supplied, currency=CURRENCY)


def rates_table(bi: BusinessImpact) -> pd.DataFrame:
    """The rates behind the formulas, reference and current side by side (display text)."""
    cur = bi.inputs.currency

    def pct(x: float) -> str:
        return f"{x:.1%}" if pd.notna(x) else "n/a"

    rows = {"Outcome rate (events / decisions)": (pct(bi.reference.base_rate), pct(bi.current.base_rate)),
            "Miss rate (false negatives / events)": (pct(bi.reference.miss_rate), pct(bi.current.miss_rate)),
            "False-alarm rate (false positives / non-events)": (pct(bi.reference.false_alarm_rate),
                                                                pct(bi.current.false_alarm_rate)),
            "Flagged (score ≥ threshold)": (pct(bi.reference.flag_rate), pct(bi.current.flag_rate)),
            "Expected cost per decision": (format_money(bi.reference.cost_per_decision, cur),
                                           format_money(bi.current.cost_per_decision, cur)),
            "Rows": (f"{bi.reference.n:,}", f"{bi.current.n:,}")}
    return pd.DataFrame(rows, index=["reference", "current"]).T.rename_axis("rate").reset_index()


def _show_parts(bi) -> None:
    """Each part of a priced impact (any task) with its figure, its range and its formula beside it."""
    for part in bi.parts:
        with st.container(border=True):
            left, right = st.columns([1, 2], vertical_alignment="center")
            left.metric(f"{part.label} / quarter", bi.figure(part), border=False,
                        help=md(f"Range {bi.range_text(part)}"))
            right.markdown(md(f"{part.formula}"))
            right.caption(md(f"Range {bi.range_text(part)}. {part.explanation}"))


def show(bi: BusinessImpact, *, key: str) -> None:
    """Each part with its figure, its range and its formula beside it; then the rates behind them."""
    st.caption(md(f"{bi.how.capitalize()}, at the model's decision threshold {bi.inputs.threshold:.3g}: "
                  f"expected cost per decision under the cost matrix, reference vs current; "
                  f"{bi.confidence:.0%} bootstrap ranges; per quarter ({bi.months} months)."))
    _show_parts(bi)
    lo, hi = bi.extra_errors_interval
    st.caption(md(f"Extra wrong decisions per 1,000 at equal outcome rate: {bi.extra_errors_per_1000:+.1f} "
                  f"(range {lo:+.1f} to {hi:+.1f})."))
    if bi.note:
        st.caption(md(bi.note))
    st.dataframe(rates_table(bi), hide_index=True, key=key)


# --- regression and multiclass models ------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class TaskCalculatorKeys:
    """Session-state keys of a regression or multiclass calculator."""

    volume: str
    cost_over: str
    cost_under: str
    cost_matrix: str
    supplied: str


REPORT_TASK_KEYS = TaskCalculatorKeys(state.IMPACT_VOLUME, state.IMPACT_COST_OVER, state.IMPACT_COST_UNDER,
                                      state.IMPACT_COST_MATRIX, state.IMPACT_TASK_SUPPLIED)
PRACTICE_TASK_KEYS = TaskCalculatorKeys(state.PRACTICE_VOLUME, state.PRACTICE_COST_OVER,
                                        state.PRACTICE_COST_UNDER, state.PRACTICE_COST_MATRIX,
                                        state.PRACTICE_TASK_SUPPLIED)

_TASK_WIDGETS = {
    "volume_per_month": dict(label="Forecasts per month", min_value=0, step=1000,
                             help="How many forecasts the model makes a month. The figures scale with it, "
                                  "never with the number of rows compared."),
    "decisions_per_month": dict(label="Decisions per month", min_value=0, step=1000,
                                help="How many cases the model classifies a month. The figures scale with "
                                     "it, never with the number of rows compared."),
    "cost_per_unit_over": dict(label=f"Cost per unit over-forecast ({CURRENCY})", min_value=0.0, step=0.5,
                               help="What one unit forecast too high costs, e.g. holding or marking down a "
                                    "unit that does not sell."),
    "cost_per_unit_under": dict(label=f"Cost per unit under-forecast ({CURRENCY})", min_value=0.0, step=0.5,
                                help="What one unit forecast too low costs, e.g. the margin of a sale lost "
                                     "for want of stock."),
}


def _task_widget(keys: TaskCalculatorKeys, name: str) -> str:
    costs = {"cost_per_unit_over": keys.cost_over, "cost_per_unit_under": keys.cost_under}
    return costs.get(name, keys.volume)


def _typed_figure(name: str, value: float) -> float | int:
    return int(value) if name.endswith("per_month") else float(value)


def _reset_task(keys: TaskCalculatorKeys, defaults: dict[str, float]) -> None:
    st.session_state[keys.supplied] = []
    for name, value in defaults.items():
        st.session_state[_task_widget(keys, name)] = _typed_figure(name, value)
    for key in [k for k in st.session_state if str(k).startswith(keys.cost_matrix)]:
        del st.session_state[key]            # the matrix editor starts again from the default


def _figure_inputs(keys: TaskCalculatorKeys, defaults: dict[str, float]) -> set[str]:
    """One number input per figure of ``defaults``, captioned assumed or not; the names the user edited."""
    ss = st.session_state
    for name, value in defaults.items():
        ss.setdefault(_task_widget(keys, name), _typed_figure(name, value))
    supplied = _supplied(keys)
    for col, name in zip(st.columns(len(defaults)), defaults, strict=True):
        col.number_input(key=_task_widget(keys, name), on_change=_mark_supplied, args=(keys, name),
                         **_TASK_WIDGETS[name])
        col.caption(SUPPLIED if name in supplied else f":orange[{ASSUMED}]")
    return supplied


def regression_calculator(keys: TaskCalculatorKeys, *, unit: str = "unit") -> RegressionInputs:
    """Forecasts per month and the cost of a unit over- and under-forecast, each captioned "assumed — edit
    to your figures" until edited; returns :func:`drift.regression_inputs`.

    Raises ``DriftError`` for figures the library rejects (the page shows the message).
    """
    supplied = _figure_inputs(keys, DEFAULT_REGRESSION_INPUTS) & set(DEFAULT_REGRESSION_INPUTS)
    if supplied:
        st.button("Use the assumed figures again", on_click=_reset_task,
                  args=(keys, DEFAULT_REGRESSION_INPUTS), key=f"{keys.supplied}_reset_regression",
                  icon=":material/undo:")
    values = {n: (st.session_state[_task_widget(keys, n)] if n in supplied else None)
              for n in DEFAULT_REGRESSION_INPUTS}
    return drift.regression_inputs(**values, supplied=supplied, currency=CURRENCY, unit=unit)


def multiclass_calculator(keys: TaskCalculatorKeys, classes) -> MulticlassInputs:
    """Decisions per month and the cost matrix (an editable table, rows the true class, columns the
    predicted class; every error :data:`~drift.model.multiclass_impact.DEFAULT_ERROR_COST` until edited);
    returns :func:`drift.multiclass_inputs`.

    Raises ``DriftError`` for figures the library rejects (a missing or negative cost: the page shows it).
    """
    volume = {"decisions_per_month": DEFAULT_DECISIONS_PER_MONTH}
    supplied = _figure_inputs(keys, volume) & set(volume)
    labels = [str(c) for c in classes]
    default = pd.DataFrame(DEFAULT_ERROR_COST * (1 - np.eye(len(labels))), index=labels, columns=labels)
    st.caption("Cost matrix: what one case of the row's true class decided as the column's class costs "
               f"({CURRENCY}); a right decision (the diagonal) usually costs 0.")
    edited = st.data_editor(default, key=f"{keys.cost_matrix}|{'|'.join(labels)}", width="stretch",
                            column_config={c: st.column_config.NumberColumn(c, min_value=0.0, format="%.2f")
                                           for c in labels})
    matrix = pd.DataFrame(edited, index=labels, columns=labels)
    changed = not matrix.astype(float).equals(default)
    st.caption(SUPPLIED if changed else f":orange[{ASSUMED}]")
    if supplied or changed:
        st.button("Use the assumed figures again", on_click=_reset_task, args=(keys, volume),
                  key=f"{keys.supplied}_reset_multiclass", icon=":material/undo:")
    value = st.session_state[keys.volume] if supplied else None
    return drift.multiclass_inputs(decisions_per_month=value, cost_matrix=matrix if changed else None,
                                   supplied=supplied | ({"cost_matrix"} if changed else set()),
                                   currency=CURRENCY)


#: What the Report page says above the calculator, per task.
TASK_INTRO = {
    "binary": "The cost of the change, split in two: **model error** (the model's decisions at its own "
              "threshold got worse, at equal outcome rate) and a **changed outcome rate** (more or fewer "
              "events: a change in the business, not in the model). Each figure scales with your decisions "
              "per month, never with the number of rows compared.",
    "regression": "What the model's forecast errors cost, split by their side: **over-forecasts** (e.g. "
                  "stock that does not sell) and **under-forecasts** (e.g. sales lost for want of stock), "
                  "each priced per unit of the target. Each figure scales with your forecasts per month, "
                  "never with the number of rows compared.",
    "multiclass": "What the model's decisions cost under a cost matrix (true class × predicted class; every "
                  "error costs 1 until you edit it), split in two: **model error** (at equal class mix, the "
                  "model's decisions on each class cost more) and a **changed class mix** (more cases of a "
                  "class that is costly to get wrong: a change in the business, not in the model). Each "
                  "figure scales with your decisions per month, never with the number of rows compared.",
}


def task_calculator(keys: TaskCalculatorKeys, info) -> RegressionInputs | MulticlassInputs:
    """The calculator of the model's task (``info``, a :class:`drift.TaskInfo` of a regression or multiclass
    model): :func:`regression_calculator` or :func:`multiclass_calculator` over its classes."""
    if info.task == "regression":
        return regression_calculator(keys)
    return multiclass_calculator(keys, info.classes)


def task_rates_table(bi: RegressionImpact | MulticlassImpact) -> pd.DataFrame:
    """The figures behind the formulas of a regression or multiclass model, reference and current side by
    side (display text)."""
    cur, ref_side, cur_side = bi.inputs.currency, bi.reference, bi.current
    if isinstance(bi, RegressionImpact):
        rows = {"Mean target": (f"{ref_side.mean_target:.4g}", f"{cur_side.mean_target:.4g}"),
                "Mean forecast": (f"{ref_side.mean_forecast:.4g}", f"{cur_side.mean_forecast:.4g}"),
                "Mean error (forecast − actual)": (f"{ref_side.mean_error:+.4g}",
                                                   f"{cur_side.mean_error:+.4g}"),
                "Mean absolute error": (f"{ref_side.mae:.4g}", f"{cur_side.mae:.4g}"),
                "Over-forecast per forecast": (f"{ref_side.over_units:.4g}", f"{cur_side.over_units:.4g}"),
                "Under-forecast per forecast": (f"{ref_side.under_units:.4g}", f"{cur_side.under_units:.4g}"),
                "Expected cost per forecast": (format_money(ref_side.cost_per_decision, cur),
                                               format_money(cur_side.cost_per_decision, cur))}
    else:
        rows = {f"Share of class {c}": (f"{a:.1%}", f"{b:.1%}")
                for c, a, b in zip(bi.classes, ref_side.shares, cur_side.shares, strict=True)}
        rows.update({"Error rate": (f"{ref_side.error_rate:.1%}", f"{cur_side.error_rate:.1%}"),
                     "Expected cost per decision": (format_money(ref_side.cost_per_decision, cur),
                                                    format_money(cur_side.cost_per_decision, cur))})
    rows["Rows"] = (f"{ref_side.n:,}", f"{cur_side.n:,}")
    return pd.DataFrame(rows, index=["reference", "current"]).T.rename_axis("figure").reset_index()


def show_task(bi: RegressionImpact | MulticlassImpact, *, key: str) -> None:
    """A regression or multiclass model's parts with figure, range and formula; then the figures behind."""
    st.caption(md(bi.method_text))
    _show_parts(bi)
    if bi.note:
        st.caption(md(bi.note))
    st.dataframe(task_rates_table(bi), hide_index=True, key=key)

"""The business-impact calculator of the Report and Practice pages, and the priced parts with their formulas.

Each input shows "assumed — edit to your figures" until the user edits it; the edited names are kept in
session state and handed to :func:`drift.impact_inputs` as ``supplied``, so the library, the sentence and
every export know which figures are assumed.  The decision threshold follows the two costs
(:func:`drift.model.impact.cost_threshold`) until the user sets it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

import drift
from drift.model.impact import (
    DEFAULT_INPUTS,
    INPUT_NAMES,
    BusinessImpact,
    ImpactInputs,
    cost_threshold,
    format_money,
)

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


def assumed_inputs() -> ImpactInputs:
    """The calculator's inputs, every one assumed (for a report that is not priced)."""
    return drift.impact_inputs(currency=CURRENCY)


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


def show(bi: BusinessImpact, *, key: str) -> None:
    """Each part with its figure, its range and its formula beside it; then the rates behind them."""
    st.caption(md(f"{bi.how.capitalize()}, at the model's decision threshold {bi.inputs.threshold:.3g}: "
                  f"expected cost per decision under the cost matrix, reference vs current; "
                  f"{bi.confidence:.0%} bootstrap ranges; per quarter ({bi.months} months)."))
    for part in bi.parts:
        with st.container(border=True):
            left, right = st.columns([1, 2], vertical_alignment="center")
            left.metric(f"{part.label} / quarter", bi.figure(part), border=False,
                        help=md(f"Range {bi.range_text(part)}"))
            right.markdown(md(f"{part.formula}"))
            right.caption(md(f"Range {bi.range_text(part)}. {part.explanation}"))
    lo, hi = bi.extra_errors_interval
    st.caption(md(f"Extra wrong decisions per 1,000 at equal outcome rate: {bi.extra_errors_per_1000:+.1f} "
                  f"(range {lo:+.1f} to {hi:+.1f})."))
    if bi.note:
        st.caption(md(bi.note))
    st.dataframe(rates_table(bi), hide_index=True, key=key)

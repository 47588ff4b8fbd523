"""Business impact: what a change costs, split into a changed outcome rate and model error.

The cost model: a 2×2 cost matrix at the model's own decision threshold
-----------------------------------------------------------------------
The model **flags** a case (predicts the event: a default, a churn, a fraud) when its score is
``>= t``, its decision threshold.  A right decision is the baseline; a *false positive* (flagged, no
event: a good applicant refused) costs ``c_FP``; a *false negative* (not flagged, event: a loan that
defaults) costs ``c_FN``.  With the outcome rate ``π`` (share of cases with the event), the miss rate
``m = FN / events`` and the false-alarm rate ``a = FP / non-events``, the expected cost per decision is::

    C = c_FN · π · m  +  c_FP · (1 − π) · a

It is measured on the reference and on the current data, and its change splits **exactly** (midpoint
decomposition; a bar is the mean of reference and current, ``Δ`` is current minus reference) into

* **changed outcome rate** ``Δπ · (c_FN · m̄ − c_FP · ā)``: more (or fewer) events happen, and the
  model handles them with its usual error rates: an extra event costs ``c_FN`` when it is missed and
  spares the ``c_FP`` of a non-event falsely flagged.  This is a change in the business (a riskier
  population), **not a model failure**: the model may rank as well as ever;
* **model error** ``c_FN · π̄ · Δm  +  c_FP · (1 − π̄) · Δa``: at equal outcome rate, ``π̄ · Δm`` more of
  the decisions are false negatives and ``(1 − π̄) · Δa`` more are false positives: the model's
  decisions at its threshold got worse (or better);

with ``outcome rate + model error = ΔC``.  Money over the period is::

    decisions_per_month × months × (change in cost per decision)

so it scales with the user's volume and **never with the size of the sample**: every quantity above is
a rate, and a data set of 1,000 rows gives the same figure as 1,000,000 rows with the same rates (only
the interval is wider).  A quarter is :data:`MONTHS_PER_QUARTER` months.

What "model error" does and does not say: it is the cost of the model's decisions at equal outcome
rate, whatever the reason.  When the inputs move inside each class (a riskier population whose
defaulters score higher and whose good payers score higher too), the miss and false-alarm rates move
even though P(y | x) did not change; the part then prices how the same model's decisions err on the
new population, not a model that learned something wrong.  The diagnosis's concept step tells which.

Why this and not accuracy: accuracy at a threshold of 0.5 is meaningless for a model whose outcome rate
is 10 % (it flags almost nobody), it weighs a missed default like a refused good customer, and it mixes
the two changes above: a riskier population lowers accuracy even when the model is as good as ever.

The threshold
-------------
The threshold is an input.  Left to its default it is ``c_FP / (c_FP + c_FN)``
(:func:`cost_threshold`): for a calibrated score, flagging when P(event) reaches it minimises the
expected cost — never a silent 0.5.  Both costs 0 (nothing to price) gives 0.5.

Intervals and "no measurable cost"
----------------------------------
Percentile bootstrap: reference and current are resampled independently (rows with replacement,
``n_boot`` times, drawn as multinomial counts over the distinct (event, flag) rows) and each part is
recomputed.  A part whose interval contains 0 is reported as "no measurable cost", with its range.

Without labels
--------------
When the current rows carry no label (or ``use_labels=False``), the parts are **estimated** as in the
estimated-performance step (:func:`drift.estimated_performance`): the score is calibrated on the
labelled reference (:func:`drift.model.performance.fit_calibration`), each row counts as an event with its
calibrated probability, on both sides.  This is blind to concept drift (it assumes P(y | score) did
not change) and labelled "estimated without labels".  For the bootstrap only, calibrated probabilities
are rounded to :data:`PROBABILITY_STEP`.  No prediction column, or no target in the reference: nothing
is priced (:func:`why_not_priced` says what is needed).

Assumed inputs
--------------
:class:`ImpactInputs` records which inputs the user supplied; the others take the defaults of
:data:`DEFAULT_INPUTS` and are **assumed**.  Every export carries ``assumed: true/false`` per input, and
the sentence says "with assumed figures" while any input is assumed.

Examples
--------
>>> import pandas as pd
>>> from drift.model.impact import business_impact, impact_inputs
>>> ref = pd.DataFrame({"y": [1, 1, 0, 0, 0, 0, 0, 0, 0, 0], "p": [.9, .2, .6, .1, .1, .1, .1, .1, .1, .1]})
>>> cur = pd.DataFrame({"y": [1, 1, 1, 0, 0, 0, 0, 0, 0, 0], "p": [.9, .2, .2, .6, .6, .1, .1, .1, .1, .1]})
>>> bi = business_impact(ref, cur, target="y", prediction="p", rng=0,
...                      inputs=impact_inputs(decisions_per_month=1000, cost_false_positive=100,
...                                           cost_false_negative=500, threshold=0.5))
>>> round(bi.reference.cost_per_decision, 2), round(bi.current.cost_per_decision, 2)
(60.0, 120.0)
>>> round(bi.outcome_rate.per_decision, 2), round(bi.model_error.per_decision, 2)
(27.11, 32.89)
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from drift.core.errors import DriftInputError, DriftParameterError
from drift.model.pricing import (
    MONTHS_PER_QUARTER,
    AssumedInputs,
    CostPart,
    PricedChange,
    check_figures,
    format_money,
    format_points,
    format_share,
    is_finite,
    percentile_interval,
    priced_part,
    require_columns,
    resampled_sums,
    supplied_names,
)
from drift.stats.bootstrap import check_bootstrap

#: The inputs a user can supply, in display order.
INPUT_NAMES = ("decisions_per_month", "cost_false_positive", "cost_false_negative", "threshold")
#: Plain names of the inputs.
INPUT_LABELS = {"decisions_per_month": "decisions per month",
                "cost_false_positive": "cost of a false positive",
                "cost_false_negative": "cost of a false negative",
                "threshold": "decision threshold"}
#: Defaults of the money inputs (a mid-sized consumer lender: 10,000 decisions a month; refusing a good
#: applicant loses a $100 margin; lending to an applicant who defaults loses $500).  The threshold's
#: default follows the costs (:func:`cost_threshold`).
DEFAULT_INPUTS = {"decisions_per_month": 10_000.0, "cost_false_positive": 100.0, "cost_false_negative": 500.0}
#: Where the rates come from.
SOURCES = ("measured", "estimated")
#: Bootstrap resamples and the interval's coverage.
N_BOOT = 1000
CONFIDENCE = 0.95
#: Calibrated probabilities are rounded to this step for the label-free bootstrap only (at most
#: 2 / step distinct rows to resample; each rate moves by less than step / 2).
PROBABILITY_STEP = 1e-4
#: The three parts of the change, in display order, with their plain names and what they mean.
PART_LABELS = {"model_error": "Model error", "outcome_rate": "Changed outcome rate", "total": "Total change"}
PART_EXPLANATIONS = {
    "model_error": "At equal outcome rate: the change in the share of decisions that are false negatives "
                   "and false positives at the model's decision threshold, priced by the cost matrix.",
    "outcome_rate": "More (or fewer) events, handled with the model's usual error rates: a change in the "
                    "business, not a model failure; the model may rank as well as ever.",
    "total": "The change in the expected cost per decision: model error + changed outcome rate.",
}


#: What :func:`why_not_priced` asks for, per task: the model's output, and what the prediction column holds.
_PREDICTION_WANTED = {"binary": ("scores", "a probability of the event"),
                      "multiclass": ("decisions",
                                     "the predicted class, or one proba_<class> column per class"),
                      "regression": ("forecasts", "the forecast, in the target's units")}


# ------------------------------------------------------------------------------------------ inputs
def cost_threshold(cost_false_positive: float, cost_false_negative: float) -> float:
    """The cost-minimising threshold of a calibrated score: ``c_FP / (c_FP + c_FN)`` (0.5 if both are 0)."""
    total = float(cost_false_positive) + float(cost_false_negative)
    return float(cost_false_positive) / total if total > 0 else 0.5


@dataclass(frozen=True, slots=True)
class ImpactInputs(AssumedInputs):
    """The business figures of the impact of a binary classifier, and which of them the user supplied.

    Build it with :func:`impact_inputs` (defaults and checks).

    Attributes
    ----------
    decisions_per_month : float
        Decisions the model takes a month (the user's volume; never the sample size).
    cost_false_positive, cost_false_negative : float
        Cost of one false positive (flagged, no event) and of one false negative (not flagged, event).
    threshold : float
        The model's decision threshold: a case is flagged when its score is ``>= threshold``.
    supplied : frozenset of str
        Names (of :data:`INPUT_NAMES`) the user gave; every other input is **assumed**.
    currency : str
        Symbol used in the sentences.
    """

    NAMES: ClassVar[tuple[str, ...]] = INPUT_NAMES
    LABELS: ClassVar[dict[str, str]] = INPUT_LABELS
    TASK: ClassVar[str] = "binary"

    decisions_per_month: float
    cost_false_positive: float
    cost_false_negative: float
    threshold: float
    supplied: frozenset[str]
    currency: str = "$"

    def display(self, name: str) -> str:
        """Input ``name`` as text: ``10,000``, ``$500``, ``0.167``."""
        v = self.value(name)
        if name == "decisions_per_month":
            return f"{v:,.0f}"
        if name == "threshold":
            return f"{v:.3g}"
        return format_money(v, self.currency)


def impact_inputs(*, decisions_per_month: float | None = None, cost_false_positive: float | None = None,
                  cost_false_negative: float | None = None, threshold: float | None = None,
                  supplied: Iterable[str] | None = None, currency: str = "$") -> ImpactInputs:
    """The inputs of :func:`business_impact`, with defaults for those not given.

    Parameters
    ----------
    decisions_per_month, cost_false_positive, cost_false_negative : float, optional
        ``None`` takes the value of :data:`DEFAULT_INPUTS`.
    threshold : float, optional
        In [0, 1]; ``None`` takes :func:`cost_threshold` of the two costs.
    supplied : iterable of str, optional
        The names the user supplied (the rest are assumed).  ``None``: exactly those given a value here.
        A caller that always passes every value (a form with its defaults filled in) says which ones
        the user edited.
    currency : str, default "$"

    Raises
    ------
    DriftParameterError
        A negative or non-finite figure, a threshold outside [0, 1], an unknown name in ``supplied``,
        or a name in ``supplied`` without a value.
    """
    func = "impact_inputs"
    given = {"decisions_per_month": decisions_per_month, "cost_false_positive": cost_false_positive,
             "cost_false_negative": cost_false_negative, "threshold": threshold}
    check_figures(given, func)
    if threshold is not None and threshold > 1:
        raise DriftParameterError.invalid("threshold", func, "a number in [0, 1]", threshold)
    names = supplied_names(given, supplied, func, currency)
    values = {n: float(DEFAULT_INPUTS[n] if given[n] is None else given[n]) for n in DEFAULT_INPUTS}
    t = float(threshold) if threshold is not None else cost_threshold(values["cost_false_positive"],
                                                                      values["cost_false_negative"])
    return ImpactInputs(threshold=t, supplied=names, currency=currency, **values)


# ------------------------------------------------------------------------------------------- rates
@dataclass(frozen=True, slots=True)
class DecisionRates:
    """The model's decisions on one side, at the threshold, as rates (``nan`` where undefined).

    Attributes
    ----------
    n : int
        Rows used (labelled and scored; or scored, when estimated).
    base_rate : float
        ``π``, share of rows with the event.
    miss_rate : float
        ``m = FN / events`` (``nan`` without an event).
    false_alarm_rate : float
        ``a = FP / non-events`` (``nan`` without a non-event).
    flag_rate : float
        Share of rows flagged (score ``>= threshold``).
    cost_per_decision : float
        ``c_FN · π · m + c_FP · (1 − π) · a``.
    """

    n: int
    base_rate: float
    miss_rate: float
    false_alarm_rate: float
    flag_rate: float
    cost_per_decision: float

    def to_dict(self) -> dict:
        return {f: getattr(self, f) for f in self.__slots__}


def _rates(cells: np.ndarray) -> tuple[np.ndarray, ...]:
    """``(π, m, a, flag rate)`` of confusion cells ``[..., (TP, FN, FP, TN)]``; ``nan`` where undefined."""
    tp, fn, fp, tn = np.moveaxis(np.asarray(cells, dtype=np.float64), -1, 0)
    n, events, non_events = tp + fn + fp + tn, tp + fn, fp + tn
    with np.errstate(invalid="ignore", divide="ignore"):
        pi = np.where(n > 0, events / n, np.nan)
        miss = np.where(events > 0, fn / events, np.nan)
        alarm = np.where(non_events > 0, fp / non_events, np.nan)
        flag = np.where(n > 0, (tp + fp) / n, np.nan)
    return pi, miss, alarm, flag


def _parts(ref_cells: np.ndarray, cur_cells: np.ndarray, c_fp: float, c_fn: float) -> dict[str, np.ndarray]:
    """The per-decision change split into outcome rate and model error (module docstring), vectorised."""
    p0, m0, a0, _ = _rates(ref_cells)
    p1, m1, a1, _ = _rates(cur_cells)
    pbar, mbar, abar = (p0 + p1) / 2, (m0 + m1) / 2, (a0 + a1) / 2
    outcome = (p1 - p0) * (c_fn * mbar - c_fp * abar)
    more_fn, more_fp = pbar * (m1 - m0), (1 - pbar) * (a1 - a0)
    model = c_fn * more_fn + c_fp * more_fp
    return {"outcome_rate": outcome, "model_error": model, "total": outcome + model,
            "more_false_negatives": more_fn, "more_false_positives": more_fp,
            "extra_errors_per_1000": 1000 * (more_fn + more_fp)}


# ------------------------------------------------------------------------------------------ result
@dataclass(frozen=True, slots=True)
class BusinessImpact(PricedChange):
    """What the change costs over a quarter, split into model error and a changed outcome rate.

    Attributes
    ----------
    inputs : ImpactInputs
        The figures used, with which ones are assumed.
    source : {"measured", "estimated"}
        Measured on labelled current rows, or estimated without labels (calibrated scores).
    reference, current : DecisionRates
        The model's decisions at the threshold on each side.
    model_error, outcome_rate, total : CostPart
        The parts (module docstring); ``total = model_error + outcome_rate``.
    extra_errors_per_1000 : float
        Extra wrong decisions per 1,000 at equal outcome rate, ``1000 · (π̄ · Δm + (1 − π̄) · Δa)``.
    extra_errors_interval : (float, float)
    months : int
        The period of :attr:`CostPart.amount` (a quarter).
    confidence : float
        Coverage of the intervals.
    n_boot : int
        Bootstrap resamples.
    note : str
        Why a part is ``nan`` (a side without events or without non-events), else ``""``.
    """

    inputs: ImpactInputs
    source: str
    reference: DecisionRates
    current: DecisionRates
    model_error: CostPart
    outcome_rate: CostPart
    total: CostPart
    extra_errors_per_1000: float
    extra_errors_interval: tuple[float, float]
    months: int
    confidence: float
    n_boot: int
    note: str = ""

    @property
    def parts(self) -> tuple[CostPart, CostPart, CostPart]:
        return (self.model_error, self.outcome_rate, self.total)

    TASK: ClassVar[str] = "binary"

    @property
    def method_text(self) -> str:
        """How the figures were computed, in one paragraph (the report's business-impact section)."""
        return (f"Expected cost per decision under a 2×2 cost matrix at the model's decision threshold "
                f"{self.inputs.threshold:.3g}, reference vs current, {self.how}; {self.confidence:.0%} "
                f"bootstrap ranges ({self.n_boot:,} resamples); a quarter is {self.months} months. The "
                "figures scale with the decisions per month, never with the number of rows compared.")

    @property
    def sentence(self) -> str:
        """The finding in plain language for a stakeholder: model error, then the outcome rate."""
        t = self.inputs.threshold
        ref, cur = self.reference.base_rate, self.current.base_rate
        text = (f"Model error ({self.how}, at the model's decision threshold {t:.3g} and equal outcome "
                f"rate): "
                f"{self.describe(self.model_error)}. "
                f"Changed outcome rate ({format_share(ref)} → {format_share(cur)}), a change in the "
                f"business, not a model failure: {self.describe(self.outcome_rate)}.")
        if self.source == "estimated":
            text += " Estimated without labels: blind to a change in how outcomes follow the inputs."
        assumed = self.inputs.assumed_text()
        return text + (" " + assumed if assumed else "")

    def to_dict(self) -> dict:
        """JSON-safe: the inputs (each with ``assumed``), the rates, the parts with formulas, the sentence."""
        return {"inputs": self.inputs.to_dict(), "source": self.source,
                "threshold": self.inputs.threshold, "months": self.months,
                "method": "expected cost per decision under a 2x2 cost matrix at the model's decision "
                          "threshold, reference vs current; outcome rate and model error by midpoint "
                          "decomposition; percentile bootstrap intervals",
                "reference": self.reference.to_dict(), "current": self.current.to_dict(),
                "model_error": self.model_error.to_dict(), "outcome_rate": self.outcome_rate.to_dict(),
                "total": self.total.to_dict(), "extra_errors_per_1000": self.extra_errors_per_1000,
                "extra_errors_interval": list(self.extra_errors_interval), "confidence": self.confidence,
                "n_boot": self.n_boot, "note": self.note, "sentence": self.sentence}


# ------------------------------------------------------------------------------------- computation
def why_not_priced(target: str | None, prediction: str | None, *, task: str = "binary") -> str | None:
    """What pricing needs that the roles lack (``None`` when both roles are set).

    ``task`` (``"binary"``, ``"multiclass"`` or ``"regression"``) names the model output pricing needs.
    """
    if prediction is None:
        output = _PREDICTION_WANTED.get(task, _PREDICTION_WANTED["binary"])
        return ("Not priced: what a change costs follows from the model's decisions, so it needs the model's "
                f"{output[0]}. Name the prediction column ({output[1]}) and the target on the Data page.")
    if target is None:
        return ("Not priced: it needs the target (the outcome) in the reference, to know how often the "
                "model's decisions were right. Name the target column on the Data page.")
    return None


def business_impact(reference: pd.DataFrame, current: pd.DataFrame, *, target: str | None,
                    prediction: str | None, inputs: ImpactInputs | None = None, use_labels: bool = True,
                    n_boot: int = N_BOOT, confidence: float = CONFIDENCE, rng=0) -> BusinessImpact:
    """The cost of a change over a quarter, split into model error and a changed outcome rate.

    Parameters
    ----------
    reference, current : DataFrame
        Training (reference) rows with the target and the model's score; production rows with the score
        and, when known, the target.
    target, prediction : str
        The outcome column (0/1, 1 = the event) and the score column (P(event), in [0, 1]).
    inputs : ImpactInputs, optional
        From :func:`impact_inputs`; default: every input assumed.
    use_labels : bool, default True
        Measure on the current rows' labels when there are any; False (or no label) estimates
        without labels.
    n_boot : int, default 1000
    confidence : float, default 0.95
    rng : int or numpy.random.Generator, default 0

    Returns
    -------
    BusinessImpact

    Raises
    ------
    DriftInputError
        No target or prediction role (the message of :func:`why_not_priced`), a missing column, a target
        that is not 0/1, a score outside [0, 1], or no labelled and scored reference row.
    DriftParameterError
        ``n_boot < 1`` or ``confidence`` outside (0, 1).
    """
    func = "business_impact"
    check_bootstrap(n_boot, confidence, func)
    reason = why_not_priced(target, prediction)
    if reason is not None:
        raise DriftInputError(reason, fix="set the roles, or call without pricing")
    inputs = impact_inputs() if inputs is None else inputs
    if not isinstance(inputs, ImpactInputs):
        raise DriftParameterError.invalid("inputs", func, "an ImpactInputs (see impact_inputs)", inputs)
    gen = np.random.default_rng(rng)
    ref_y, ref_p = _scored(reference, target, prediction, "reference", labels=True)
    labelled = use_labels and target in current.columns and current[target].notna().any()
    if labelled:
        cur_y, cur_p = _scored(current, target, prediction, "current", labels=True)
        ref_e, cur_e, source = ref_y, cur_y, "measured"
    else:
        _, cur_p = _scored(current, target, prediction, "current", labels=False)
    if cur_p.size == 0:       # before the calibration: scikit-learn refuses an empty batch with its own error
        raise DriftInputError("no row with both a label and a score" if labelled else "no scored row",
                              file="current", column=prediction,
                              fix="score the production rows with the model")
    if not labelled:
        from drift.model.performance import fit_calibration  # deferred: loads scikit-learn

        calibration = fit_calibration(ref_y, ref_p)
        ref_e, cur_e, source = calibration.predict(ref_p), calibration.predict(cur_p), "estimated"
    t, c_fp, c_fn = inputs.threshold, inputs.cost_false_positive, inputs.cost_false_negative
    ref_cells, ref_boot = _cells_and_bootstrap(ref_e, ref_p >= t, n_boot, gen)
    cur_cells, cur_boot = _cells_and_bootstrap(cur_e, cur_p >= t, n_boot, gen)
    point = {k: float(v) for k, v in _parts(ref_cells, cur_cells, c_fp, c_fn).items()}
    boot = _parts(ref_boot, cur_boot, c_fp, c_fn)
    sides = [_side(cells, p.size, c_fp, c_fn) for cells, p in ((ref_cells, ref_p), (cur_cells, cur_p))]
    scale = inputs.decisions_per_month * MONTHS_PER_QUARTER
    formulas = _formulas(inputs, sides[0], sides[1], point, scale)
    parts = {key: priced_part(key, point[key], percentile_interval(boot[key], point[key], confidence), scale,
                              formulas[key], label, PART_EXPLANATIONS[key])
             for key, label in PART_LABELS.items()}
    extra = "extra_errors_per_1000"
    extra_interval = percentile_interval(boot[extra], point[extra], confidence)
    return BusinessImpact(inputs=inputs, source=source, reference=sides[0], current=sides[1],
                          model_error=parts["model_error"], outcome_rate=parts["outcome_rate"],
                          total=parts["total"], extra_errors_per_1000=point["extra_errors_per_1000"],
                          extra_errors_interval=extra_interval, months=MONTHS_PER_QUARTER,
                          confidence=float(confidence), n_boot=int(n_boot), note=_note(sides))


def _scored(frame: pd.DataFrame, target: str, prediction: str, side: str, *,
            labels: bool) -> tuple[np.ndarray | None, np.ndarray]:
    """Labels (0/1) and scores of the rows that have both (or scores of the scored rows, ``labels=False``)."""
    needed = (target, prediction) if labels else (prediction,)
    require_columns(frame, needed, side)
    rows = frame[list(needed)].dropna()
    p = pd.to_numeric(rows[prediction], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    if np.isnan(p).any() or (p.size and (p.min() < 0 or p.max() > 1)):
        raise DriftInputError("the score is not a probability in [0, 1]", file=side, column=prediction,
                              fix="name as prediction the model's probability of the event (1 = event)")
    if not labels:
        return None, p
    y = rows[target]
    if y.dtype == bool:
        y = y.astype(np.int8)
    y = pd.to_numeric(y, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    if not np.isin(y, (0.0, 1.0)).all():
        raise DriftInputError("the target is not binary 0/1", file=side, column=target,
                              fix="map the event (e.g. a default) to 1 and the other outcome to 0")
    if labels and side == "reference" and y.size == 0:
        raise DriftInputError("no row with both a label and a score", file=side, column=target,
                              fix="label and score the reference rows")
    return y, p


def _cells_and_bootstrap(event: np.ndarray, flagged: np.ndarray, n_boot: int,
                         gen: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Confusion cells ``(TP, FN, FP, TN)`` of one side, and ``n_boot`` resampled cells (rows ``n_boot × 4``).

    ``event`` is 0/1 (labels) or a probability (estimated); rows are resampled with replacement, drawn as
    multinomial counts over the distinct (event rounded to :data:`PROBABILITY_STEP`, flag) pairs.
    """
    e, f = np.asarray(event, dtype=np.float64), np.asarray(flagged, dtype=np.float64)
    point = _contributions(e, f).sum(axis=0)
    code = np.rint(e / PROBABILITY_STEP).astype(np.int64) * 2 + f.astype(np.int64)
    codes, counts = np.unique(code, return_counts=True)
    groups = _contributions((codes // 2) * PROBABILITY_STEP, (codes % 2).astype(np.float64))
    return point, resampled_sums(groups, n_boot, gen, counts)


def _contributions(e: np.ndarray, f: np.ndarray) -> np.ndarray:
    """Each row's share of the cells ``(TP, FN, FP, TN)``: shape ``(n, 4)``."""
    return np.column_stack([e * f, e * (1 - f), (1 - e) * f, (1 - e) * (1 - f)])


def _side(cells: np.ndarray, n: int, c_fp: float, c_fn: float) -> DecisionRates:
    pi, miss, alarm, flag = (float(x) for x in _rates(cells))
    tp, fn, fp, tn = (float(x) for x in cells)
    cost = (c_fn * fn + c_fp * fp) / n if n else math.nan
    return DecisionRates(int(n), pi, miss, alarm, flag, cost)


def _note(sides: list[DecisionRates]) -> str:
    for name, side in zip(("reference", "current"), sides, strict=True):
        if not is_finite(side.miss_rate):
            return f"the {name} rows have no event, so the miss rate is undefined"
        if not is_finite(side.false_alarm_rate):
            return f"the {name} rows have no non-event, so the false-alarm rate is undefined"
    return ""


def _formulas(inputs: ImpactInputs, ref: DecisionRates, cur: DecisionRates, point: dict[str, float],
              scale: float) -> dict[str, str]:
    """The arithmetic of each part, e.g. ``10,000 decisions/month × 3 months × (…) = $120,000``."""
    cur_sym = inputs.currency
    c_fp, c_fn = (format_money(inputs.cost_false_positive, cur_sym),
                  format_money(inputs.cost_false_negative, cur_sym))
    volume = f"{inputs.decisions_per_month:,.0f} decisions/month × {MONTHS_PER_QUARTER} months"

    def result(key: str) -> str:
        return format_money(scale * point[key], cur_sym)

    mbar, abar = (ref.miss_rate + cur.miss_rate) / 2, (ref.false_alarm_rate + cur.false_alarm_rate) / 2
    outcome = (f"{volume} × {format_points(cur.base_rate - ref.base_rate)} outcome rate × ({c_fn} × "
               f"{format_share(mbar)} missed − {c_fp} × {format_share(abar)} of non-events flagged) = "
               f"{result('outcome_rate')}")
    fn_pp, fp_pp = point["more_false_negatives"], point["more_false_positives"]
    second = "−" if fp_pp < 0 else "+"
    model = (f"{volume} × ({format_points(fn_pp)} false negatives × {c_fn} {second} "
             f"{format_points(abs(fp_pp), signed=False)} false positives × {c_fp}) = {result('model_error')}")
    total = (f"{volume} × ({format_money(cur.cost_per_decision, cur_sym)} now − "
             f"{format_money(ref.cost_per_decision, cur_sym)} at reference, expected cost per decision) "
             f"= {result('total')}")
    return {"model_error": model, "outcome_rate": outcome, "total": total}

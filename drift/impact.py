"""Business impact: what a change in a model's accuracy costs, in money and in wrong decisions.

The model (deliberately simple, so a stakeholder can check it on a napkin):

* the model makes ``N`` decisions a month (``decisions_per_month``);
* when accuracy falls by ``δ`` (``accuracy_change = -δ``), ``δ·N`` decisions a month that used to be
  right are now wrong;
* each of them loses the value a good decision brings (``value_per_good_decision``) **and** incurs the
  cost of an error (``cost_per_error``), so::

      monthly_cost   = N · max(0, -Δaccuracy) · (value_per_good_decision + cost_per_error)
      quarterly_cost = 3 · monthly_cost

* the interval of the accuracy change (a bootstrap interval when measured on labels) maps through the
  same formula; since the cost only grows as accuracy falls, the interval's *lower* end (the largest
  fall) gives the *upper* end of the cost range.

An accuracy gain costs nothing (the cost is floored at 0): the model does not *earn* money from the
comparison, it just stops losing it.  Accuracy is the right lens for decisions taken at one threshold;
it ignores that a missed default and a refused good customer usually cost different amounts — use a
per-class cost model when that matters.

Examples
--------
>>> from drift.impact import business_impact
>>> bi = business_impact(decisions_per_month=10_000, value_per_good_decision=50, cost_per_error=200,
...                      accuracy_change=-0.02, accuracy_change_interval=(-0.03, -0.01))
>>> bi.extra_errors_per_month, bi.monthly_cost, bi.quarterly_cost
(200.0, 50000.0, 150000.0)
>>> bi.quarterly_cost_interval
(75000.0, 225000.0)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .errors import DriftParameterError

#: Where the accuracy change comes from.
SOURCES = ("measured", "estimated")
#: Months in a quarter.
MONTHS_PER_QUARTER = 3

_SOURCE_TEXT = {
    "measured": "measured on labelled production data",
    "estimated": "estimated from the model's confidence, without labels",
}


@dataclass(frozen=True, slots=True)
class BusinessImpact:
    """The money a change in accuracy costs (module docstring for the formula).

    Attributes
    ----------
    decisions_per_month, value_per_good_decision, cost_per_error : float
        The inputs.
    accuracy_change : float
        Current minus reference accuracy (a fraction: -0.02 is two points lost).
    accuracy_change_interval : (float, float) or None
        Interval of the accuracy change (``None`` when there is none, e.g. estimated without labels).
    source : {"measured", "estimated"}
        Whether the accuracy change was measured on labels or estimated without them.
    extra_errors_per_month : float
        ``N · max(0, -accuracy_change)``: decisions a month that turned from right to wrong.
    monthly_cost, quarterly_cost : float
        In the currency of the inputs; never negative.
    monthly_cost_interval, quarterly_cost_interval : (float, float) or None
        The cost range implied by ``accuracy_change_interval`` (low, high).
    currency : str
        Symbol used in :attr:`sentence`.
    """

    decisions_per_month: float
    value_per_good_decision: float
    cost_per_error: float
    accuracy_change: float
    accuracy_change_interval: tuple[float, float] | None
    source: str
    extra_errors_per_month: float
    monthly_cost: float
    quarterly_cost: float
    monthly_cost_interval: tuple[float, float] | None
    quarterly_cost_interval: tuple[float, float] | None
    currency: str = "$"

    @property
    def sentence(self) -> str:
        """The finding in one plain-language sentence for a stakeholder."""
        points = abs(self.accuracy_change) * 100
        where = _SOURCE_TEXT[self.source]
        cur = self.currency
        if self.accuracy_change >= 0 or self.extra_errors_per_month == 0:
            text = (f"Accuracy has not fallen ({self.accuracy_change * 100:+.1f} points, {where}), so the "
                    "model is not making more wrong decisions and there is no extra cost")
            if self.quarterly_cost_interval and self.quarterly_cost_interval[1] > 0:
                text += (f"; within the uncertainty it could cost up to "
                         f"{format_money(self.quarterly_cost_interval[1], cur)} per quarter")
            return text + "."
        errors = (f"{_count(self.extra_errors_per_month)} more wrong "
                  f"decision{'' if self.extra_errors_per_month <= 1 else 's'} a month")
        quarter = format_money(self.quarterly_cost, cur)
        spread = ""
        if self.quarterly_cost_interval is not None:
            lo, hi = self.quarterly_cost_interval
            spread = f" (range {format_money(lo, cur)}–{format_money(hi, cur)})"
        if not self.significant and self.accuracy_change_interval is not None:
            lo, hi = self.accuracy_change_interval
            return (f"Accuracy is {points:.1f} points lower ({where}), but that is within sampling noise "
                    f"(interval {lo * 100:+.1f} to {hi * 100:+.1f} points); if the fall is real the model "
                    f"makes {errors}, about {quarter} per quarter{spread}.")
        return (f"The model is making {errors} (accuracy down {points:.1f} points, {where}), costing about "
                f"{quarter} per quarter{spread}.")

    @property
    def significant(self) -> bool:
        """True when the accuracy interval excludes 0 (always False without an interval)."""
        iv = self.accuracy_change_interval
        return iv is not None and (iv[0] > 0 or iv[1] < 0)

    def to_dict(self) -> dict:
        """JSON-safe dictionary of the inputs, the results and :attr:`sentence`."""
        return {
            "decisions_per_month": self.decisions_per_month,
            "value_per_good_decision": self.value_per_good_decision,
            "cost_per_error": self.cost_per_error,
            "accuracy_change": self.accuracy_change,
            "accuracy_change_interval": _listed(self.accuracy_change_interval),
            "source": self.source,
            "extra_errors_per_month": self.extra_errors_per_month,
            "monthly_cost": self.monthly_cost,
            "quarterly_cost": self.quarterly_cost,
            "monthly_cost_interval": _listed(self.monthly_cost_interval),
            "quarterly_cost_interval": _listed(self.quarterly_cost_interval),
            "currency": self.currency,
            "significant": self.significant,
            "sentence": self.sentence,
        }


def business_impact(*, decisions_per_month: float, value_per_good_decision: float, cost_per_error: float,
                    accuracy_change: float, accuracy_change_interval: tuple[float, float] | None = None,
                    source: str = "measured", currency: str = "$") -> BusinessImpact:
    """The monthly and quarterly cost of a change in accuracy.

    Parameters
    ----------
    decisions_per_month : float
        Decisions the model takes a month (>= 0).
    value_per_good_decision : float
        What one right decision is worth (>= 0), e.g. the margin on a good loan.
    cost_per_error : float
        What one wrong decision costs on top of the lost value (>= 0), e.g. a written-off loan.
    accuracy_change : float
        Current minus reference accuracy, as a fraction in [-1, 1] (-0.02 = two points lost).
    accuracy_change_interval : (float, float), optional
        Interval ``(lo, hi)`` of the accuracy change, ``lo <= hi``, both in [-1, 1].
    source : {"measured", "estimated"}, default "measured"
        Measured on labelled production data, or estimated without labels (confidence-based).
    currency : str, default "$"
        Symbol used in the sentence.

    Returns
    -------
    BusinessImpact
        ``monthly_cost = N · max(0, -accuracy_change) · (value + cost)``, ``quarterly_cost = 3 ×
        monthly``, with the interval propagated from the accuracy interval.

    Raises
    ------
    DriftParameterError
        A negative or non-finite amount, an accuracy change outside [-1, 1], a reversed interval or an
        unknown source.
    """
    func = "business_impact"
    amounts = (("decisions_per_month", decisions_per_month),
               ("value_per_good_decision", value_per_good_decision), ("cost_per_error", cost_per_error))
    for name, value in amounts:
        if not _finite(value) or value < 0:
            raise DriftParameterError.invalid(name, func, "a finite number >= 0", value)
    if not _finite(accuracy_change) or not -1 <= accuracy_change <= 1:
        raise DriftParameterError.invalid("accuracy_change", func, "a finite number in [-1, 1]",
                                          accuracy_change)
    interval = None
    if accuracy_change_interval is not None:
        try:
            lo, hi = accuracy_change_interval
        except (TypeError, ValueError):
            raise DriftParameterError.invalid("accuracy_change_interval", func, "a pair (lo, hi) or None",
                                              accuracy_change_interval) from None
        if not (_finite(lo) and _finite(hi) and -1 <= lo <= hi <= 1):
            raise DriftParameterError.invalid("accuracy_change_interval", func,
                                              "a pair (lo, hi) with -1 <= lo <= hi <= 1",
                                              accuracy_change_interval)
        interval = (float(lo), float(hi))
    if source not in SOURCES:
        raise DriftParameterError.invalid("source", func, f"one of {SOURCES}", source)
    if not isinstance(currency, str):
        raise DriftParameterError.invalid("currency", func, "a string", currency)

    n, per_error = float(decisions_per_month), float(value_per_good_decision) + float(cost_per_error)

    def monthly(change: float) -> float:
        return n * max(0.0, -change) * per_error

    month = monthly(float(accuracy_change))
    month_iv = quarter_iv = None
    if interval is not None:
        month_iv = (monthly(interval[1]), monthly(interval[0]))
        quarter_iv = (MONTHS_PER_QUARTER * month_iv[0], MONTHS_PER_QUARTER * month_iv[1])
    return BusinessImpact(
        decisions_per_month=float(decisions_per_month),
        value_per_good_decision=float(value_per_good_decision), cost_per_error=float(cost_per_error),
        accuracy_change=float(accuracy_change),
        accuracy_change_interval=interval, source=source,
        extra_errors_per_month=n * max(0.0, -float(accuracy_change)), monthly_cost=month,
        quarterly_cost=MONTHS_PER_QUARTER * month, monthly_cost_interval=month_iv,
        quarterly_cost_interval=quarter_iv, currency=currency)


def accuracy_change_of(diagnosis) -> tuple[float, tuple[float, float] | None, str] | None:
    """The accuracy change a diagnosis found: ``(change, interval or None, source)``, or ``None``.

    Measured (with its bootstrap interval) when the concept step had labels, else the confidence-based
    estimate (no interval); ``None`` when the concept step was skipped or its accuracy is not a number.
    """
    try:
        concept = diagnosis.step("concept")
    except StopIteration:
        return None
    if concept.status == "skipped":
        return None
    ev = concept.evidence
    if ev.get("labels"):
        row = _metric_row(ev.get("performance", ()), "accuracy")
        if row is None or not _finite(row.get("change")):
            return None
        lo, hi = row.get("lo"), row.get("hi")
        interval = (float(lo), float(hi)) if _finite(lo) and _finite(hi) else None
        return float(row["change"]), interval, "measured"
    row = _metric_row(ev.get("estimated", ()), "accuracy")
    if row is None or not _finite(row.get("change")):
        return None
    return float(row["change"]), None, "estimated"


def impact_from_diagnosis(diagnosis, *, decisions_per_month: float, value_per_good_decision: float,
                          cost_per_error: float, currency: str = "$") -> BusinessImpact | None:
    """:func:`business_impact` of the accuracy change a :func:`drift.diagnose` run found.

    Uses the accuracy change measured on production labels (with its bootstrap interval) when the
    diagnosis had labels, else the one estimated without labels (confidence-based, no interval).

    Parameters
    ----------
    diagnosis : drift.diagnosis.Diagnosis
    decisions_per_month, value_per_good_decision, cost_per_error, currency
        As in :func:`business_impact`.

    Returns
    -------
    BusinessImpact or None
        ``None`` when the diagnosis has neither (no target or no prediction column).
    """
    found = accuracy_change_of(diagnosis)
    if found is None:
        return None
    change, interval, source = found
    return business_impact(decisions_per_month=decisions_per_month,
                           value_per_good_decision=value_per_good_decision, cost_per_error=cost_per_error,
                           accuracy_change=change, accuracy_change_interval=interval, source=source,
                           currency=currency)


def format_money(amount: float, currency: str = "$") -> str:
    """``$150,000``, ``$1.25M``, ``$34.50``: three significant figures above 1,000."""
    if not _finite(amount):
        return "n/a"
    sign = "-" if amount < 0 else ""
    a = abs(float(amount))
    if a >= 1e9:
        return f"{sign}{currency}{a / 1e9:.3g}B"
    if a >= 1e6:
        return f"{sign}{currency}{a / 1e6:.3g}M"
    if a >= 1000:
        digits = int(math.floor(math.log10(a))) - 2
        return f"{sign}{currency}{round(a, -digits):,.0f}"
    if a == 0:
        return f"{currency}0"
    return f"{sign}{currency}{a:,.2f}" if a < 100 else f"{sign}{currency}{a:,.0f}"


def _count(x: float) -> str:
    if x < 1:
        return "fewer than one"
    return f"~{x:,.0f}" if x < 1000 else f"~{round(x, -int(math.floor(math.log10(x))) + 2):,.0f}"


def _metric_row(records, metric: str) -> dict | None:
    return next((r for r in records if r.get("metric") == metric), None)


def _finite(value) -> bool:
    try:
        return not isinstance(value, bool) and math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _listed(pair: tuple[float, float] | None) -> list[float] | None:
    return None if pair is None else [pair[0], pair[1]]

"""Business impact of a regression model: what its forecast errors cost, reference vs current.

The cost model: a price per unit of error, by side
--------------------------------------------------
The error of a row is ``e = ŷ − y`` (forecast minus actual, the sign of the ``mean_error`` of
:mod:`drift.model.regression_performance`: positive when the model forecasts too high).  An
**over-forecast** (``ŷ > y``) costs ``c_over`` per unit of the target (demand: stock bought or made that does
not sell — holding, markdown, waste); an **under-forecast** (``ŷ < y``) costs ``c_under`` per unit (demand:
sales lost for want of stock; a price set too low: margin given away).  A right forecast costs nothing.  The
expected cost per forecast is::

    C = c_over · mean(max(ŷ − y, 0))  +  c_under · mean(max(y − ŷ, 0))

(the "pinball" or linear asymmetric loss; ``c_over = c_under`` makes it the cost times the MAE).  The
costs are in money per unit of the target: ``$ per unit`` of demand missed, ``$ per $`` of pricing error.

It is measured on the labelled reference and the labelled current rows; its change splits exactly into

* **over-forecast** ``c_over · Δ mean(max(ŷ − y, 0))``: the model now forecasts too high by more (or less);
* **under-forecast** ``c_under · Δ mean(max(y − ŷ, 0))``: the model now forecasts too low by more (or less);

with ``over + under = ΔC``.  Money over the period is ``forecasts_per_month × months × ΔC`` (a quarter is
:data:`~drift.model.impact.MONTHS_PER_QUARTER` months): it scales with the user's volume, never with the
number of rows compared.

Intervals: the percentile bootstrap of :mod:`drift.stats.bootstrap` (both sides resampled independently,
seeded); a part whose interval contains 0 is "no measurable cost".  The current rows need labels (the
observed target): without them nothing is priced (a model of the absolute error, as in
:mod:`drift.model.loss_estimation`, does not say on which side the errors fall).

Assumed inputs: :class:`RegressionInputs` records which figures the user gave; the others take
:data:`DEFAULT_REGRESSION_INPUTS` ("each unit of error costs $1 on either side") and are marked assumed.

Examples
--------
>>> import pandas as pd
>>> ref = pd.DataFrame({"y": [10, 12, 8, 10], "f": [11, 11, 8, 10]})
>>> cur = pd.DataFrame({"y": [10, 14, 9, 12], "f": [11, 11, 8, 10]})
>>> ri = regression_impact(ref, cur, target="y", prediction="f", cost_per_unit_over=2,
...                        cost_per_unit_under=5, volume_per_month=1000, n_boot=50)
>>> ri.reference.cost_per_decision, ri.current.cost_per_decision
(1.75, 8.0)
>>> ri.under_forecast.per_decision, ri.over_forecast.per_decision
(6.25, 0.0)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from drift.core.errors import DriftParameterError, TooFewRowsError
from drift.model.pricing import (
    MONTHS_PER_QUARTER,
    AssumedInputs,
    CostPart,
    PricedChange,
    check_figures,
    format_money,
    priced_part,
    require_columns,
    resolve_inputs,
    supplied_names,
)
from drift.model.regression_performance import MIN_ROWS, target_and_forecast
from drift.stats.bootstrap import CONFIDENCE, N_BOOT, bootstrap_change, check_bootstrap

#: The inputs of a regression model's impact, in display order, and their plain names.
REGRESSION_INPUT_NAMES = ("volume_per_month", "cost_per_unit_over", "cost_per_unit_under")
REGRESSION_INPUT_LABELS = {"volume_per_month": "forecasts per month",
                           "cost_per_unit_over": "cost per unit over-forecast",
                           "cost_per_unit_under": "cost per unit under-forecast"}
#: Defaults: 10,000 forecasts a month (as the binary default volume); each unit of error costs 1 (of the
#: currency) on either side — neutral, to be replaced by the user's figures.
DEFAULT_REGRESSION_INPUTS = {"volume_per_month": 10_000.0, "cost_per_unit_over": 1.0,
                             "cost_per_unit_under": 1.0}
#: The parts of the change, in display order, with their plain names and what they mean.
REGRESSION_PART_LABELS = {"over_forecast": "Over-forecast", "under_forecast": "Under-forecast",
                          "total": "Total change"}
REGRESSION_PART_EXPLANATIONS = {
    "over_forecast": "Forecasts above the actual (e.g. stock that does not sell), priced at the cost per "
                     "unit over-forecast: the change in the mean over-forecast per forecast.",
    "under_forecast": "Forecasts below the actual (e.g. sales lost for want of stock), priced at the cost "
                      "per unit under-forecast: the change in the mean under-forecast per forecast.",
    "total": "The change in the expected cost per forecast: over-forecast + under-forecast.",
}


@dataclass(frozen=True, slots=True)
class RegressionInputs(AssumedInputs):
    """The business figures of a regression model's impact, and which of them the user supplied.

    Build it with :func:`regression_inputs` (defaults and checks).

    Attributes
    ----------
    volume_per_month : float
        Forecasts the model makes a month (the user's volume; never the sample size).
    cost_per_unit_over, cost_per_unit_under : float
        Cost of one unit of the target forecast too high, and too low (module docstring).
    supplied : frozenset of str
        Names (of :data:`REGRESSION_INPUT_NAMES`) the user gave; the others are **assumed**.
    currency : str
    unit : str
        The target's unit, singular (``"unit"``, ``"kg"``, ``"$"``), in the texts: ``$2.00 per unit``.
    """

    NAMES: ClassVar[tuple[str, ...]] = REGRESSION_INPUT_NAMES
    LABELS: ClassVar[dict[str, str]] = REGRESSION_INPUT_LABELS
    TASK: ClassVar[str] = "regression"

    volume_per_month: float
    cost_per_unit_over: float
    cost_per_unit_under: float
    supplied: frozenset[str]
    currency: str = "$"
    unit: str = "unit"

    def display(self, name: str) -> str:
        """Input ``name`` as text: ``10,000``, ``$2.00 per unit``."""
        v = self.value(name)
        if name == "volume_per_month":
            return f"{v:,.0f}"
        return f"{format_money(v, self.currency)} per {self.unit}"


def regression_inputs(*, volume_per_month: float | None = None, cost_per_unit_over: float | None = None,
                      cost_per_unit_under: float | None = None, supplied: Iterable[str] | None = None,
                      currency: str = "$", unit: str = "unit") -> RegressionInputs:
    """The inputs of :func:`regression_impact`, with :data:`DEFAULT_REGRESSION_INPUTS` for those not given.

    ``supplied`` names the figures the user gave (default: those given a value here); the others are
    assumed.  Raises DriftParameterError for a negative or non-finite figure, an unknown or valueless name in
    ``supplied``, or a ``currency`` / ``unit`` that is not a string.
    """
    func = "regression_inputs"
    given = {"volume_per_month": volume_per_month, "cost_per_unit_over": cost_per_unit_over,
             "cost_per_unit_under": cost_per_unit_under}
    check_figures(given, func)
    names = supplied_names(given, supplied, func, currency)
    if not isinstance(unit, str) or not unit.strip():
        raise DriftParameterError.invalid("unit", func, "a non-empty string (the target's unit)", unit)
    values = {n: float(DEFAULT_REGRESSION_INPUTS[n] if v is None else v) for n, v in given.items()}
    return RegressionInputs(supplied=names, currency=currency, unit=unit, **values)


@dataclass(frozen=True, slots=True)
class ForecastErrors:
    """The model's forecast errors on one side (rows with both a target and a forecast).

    Attributes
    ----------
    n : int
    mean_target, mean_forecast : float
    mean_error : float
        Mean ``ŷ − y`` (the bias; positive: forecasts too high).
    mae : float
        Mean ``|ŷ − y|``.
    over_share : float
        Share of rows over-forecast (``ŷ > y``).
    over_units, under_units : float
        Mean ``max(ŷ − y, 0)`` and ``max(y − ŷ, 0)`` per forecast (their sum is the MAE).
    cost_per_decision : float
        ``c_over · over_units + c_under · under_units``.
    """

    n: int
    mean_target: float
    mean_forecast: float
    mean_error: float
    mae: float
    over_share: float
    over_units: float
    under_units: float
    cost_per_decision: float

    def to_dict(self) -> dict:
        return {f: getattr(self, f) for f in self.__slots__}


@dataclass(frozen=True, slots=True)
class RegressionImpact(PricedChange):
    """What a regression model's forecast errors cost over a quarter, reference vs current.

    Attributes
    ----------
    inputs : RegressionInputs
    source : {"measured"}
        Always measured on labels (module docstring).
    reference, current : ForecastErrors
    over_forecast, under_forecast, total : CostPart
        The parts (module docstring); ``total = over_forecast + under_forecast``.
    months, confidence, n_boot : as in :class:`~drift.model.impact.BusinessImpact`
    note : str
    """

    TASK: ClassVar[str] = "regression"

    inputs: RegressionInputs
    source: str
    reference: ForecastErrors
    current: ForecastErrors
    over_forecast: CostPart
    under_forecast: CostPart
    total: CostPart
    months: int
    confidence: float
    n_boot: int
    note: str = ""

    @property
    def parts(self) -> tuple[CostPart, CostPart, CostPart]:
        return (self.over_forecast, self.under_forecast, self.total)

    @property
    def method_text(self) -> str:
        """How the figures were computed, in one paragraph (the report's business-impact section)."""
        return (f"Expected cost per forecast: over-forecasts at {self.inputs.display('cost_per_unit_over')}, "
                f"under-forecasts at {self.inputs.display('cost_per_unit_under')} (error = forecast − "
                f"actual), reference vs current, {self.how}; {self.confidence:.0%} bootstrap ranges "
                f"({self.n_boot:,} resamples); a quarter is {self.months} months. The figures scale with the "
                "forecasts per month, never with the number of rows compared.")

    @property
    def sentence(self) -> str:
        """The finding in plain language: the total, then each side of the error, then the bias."""
        ref, cur = self.reference, self.current
        text = (f"Forecast errors ({self.how}, over-forecasts at {self.inputs.display('cost_per_unit_over')}"
                f" and under-forecasts at {self.inputs.display('cost_per_unit_under')}): "
                f"{self.describe(self.total)}. Over-forecasts: {self.describe(self.over_forecast)}; "
                f"under-forecasts: {self.describe(self.under_forecast)}. Mean error (forecast − actual) "
                f"{ref.mean_error:+.3g} → {cur.mean_error:+.3g}, mean absolute error {ref.mae:.3g} → "
                f"{cur.mae:.3g}.")
        assumed = self.inputs.assumed_text()
        return text + (" " + assumed if assumed else "")

    def to_dict(self) -> dict:
        """JSON-safe: the inputs (each with ``assumed``), both sides, the parts and their formulas."""
        return {"task": self.task, "inputs": self.inputs.to_dict(), "unit": self.inputs.unit,
                "source": self.source, "months": self.months,
                "method": "expected cost per forecast, c_over per unit over-forecast + c_under per unit "
                          "under-forecast (error = forecast - actual), reference vs current; percentile "
                          "bootstrap intervals",
                "reference": self.reference.to_dict(), "current": self.current.to_dict(),
                **{p.key: p.to_dict() for p in self.parts},
                "confidence": self.confidence, "n_boot": self.n_boot, "note": self.note,
                "sentence": self.sentence}


def _errors_and_costs(c_over: float, c_under: float):
    """``(y, ŷ) -> [over cost, under cost, total cost, over units, under units]`` per forecast."""
    def metrics(y: np.ndarray, p: np.ndarray) -> np.ndarray:
        over, under = np.mean(np.maximum(p - y, 0.0)), np.mean(np.maximum(y - p, 0.0))
        return np.array([c_over * over, c_under * under, c_over * over + c_under * under, over, under])
    return metrics


def _labelled(frame: pd.DataFrame, target: str, prediction: str, side: str) -> tuple[np.ndarray, np.ndarray]:
    """Targets and forecasts of the rows that have both; errors for missing columns or too few rows."""
    require_columns(frame, (target, prediction), side)
    y, p = target_and_forecast(frame[target], frame[prediction], side)
    ok = ~(np.isnan(y) | np.isnan(p))
    if ok.sum() < MIN_ROWS:
        fix = ("label the production rows (the observed target) to price the forecast errors"
               if side == "current" else "label and score the reference rows")
        raise TooFewRowsError(f"{int(ok.sum())} row(s) with both a target and a forecast: too few to price "
                              "the forecast errors", file=side, column=target, fix=fix)
    return y[ok], p[ok]


def _side(y: np.ndarray, p: np.ndarray, costs: np.ndarray) -> ForecastErrors:
    err = p - y
    over_units, under_units, cost = float(costs[3]), float(costs[4]), float(costs[2])
    return ForecastErrors(int(y.size), float(y.mean()), float(p.mean()), float(err.mean()),
                          float(np.abs(err).mean()), float(np.mean(err > 0)), over_units, under_units, cost)


def _formulas(inputs: RegressionInputs, ref: ForecastErrors, cur: ForecastErrors,
              scale: float) -> dict[str, str]:
    """The arithmetic of each part: ``10,000 forecasts/month × 3 months × $2.00 per unit × (…) = $X``."""
    volume = f"{inputs.volume_per_month:,.0f} forecasts/month × {MONTHS_PER_QUARTER} months"
    money = inputs.currency

    def side(name: str, cost: float, now: float, before: float) -> str:
        amount = format_money(scale * cost * (now - before), money)
        return (f"{volume} × {inputs.display(name)} × ({now:.4g} now − {before:.4g} at reference, mean "
                f"{name.removeprefix('cost_per_unit_')}-forecast per forecast) = {amount}")

    total = scale * (cur.cost_per_decision - ref.cost_per_decision)
    return {"over_forecast": side("cost_per_unit_over", inputs.cost_per_unit_over, cur.over_units,
                                  ref.over_units),
            "under_forecast": side("cost_per_unit_under", inputs.cost_per_unit_under, cur.under_units,
                                   ref.under_units),
            "total": (f"{volume} × ({format_money(cur.cost_per_decision, money)} now − "
                      f"{format_money(ref.cost_per_decision, money)} at reference, expected cost per "
                      f"forecast) = {format_money(total, money)}")}


def regression_impact(reference: pd.DataFrame, current: pd.DataFrame, *, target: str, prediction: str,
                      cost_per_unit_over: float | None = None, cost_per_unit_under: float | None = None,
                      volume_per_month: float | None = None, inputs: RegressionInputs | None = None,
                      n_boot: int = N_BOOT, confidence: float = CONFIDENCE, rng=0) -> RegressionImpact:
    """What a regression model's forecast errors cost over a quarter, split by the side of the error.

    Parameters
    ----------
    reference, current : DataFrame
        Rows with the observed target and the model's forecast (rows missing either are left out).
    target, prediction : str
        The target column and the forecast column, in the same units.
    cost_per_unit_over, cost_per_unit_under, volume_per_month : float, optional
        The figures (module docstring); those not given are assumed (:data:`DEFAULT_REGRESSION_INPUTS`).
    inputs : RegressionInputs, optional
        The figures as built by :func:`regression_inputs` (with ``unit`` and ``currency``), instead of the
        three keywords above.
    n_boot : int, default 1000
    confidence : float, default 0.95
    rng : int or numpy.random.Generator, default 0

    Returns
    -------
    RegressionImpact

    Raises
    ------
    DriftInputError
        A missing column, text or infinite values, or fewer than 2 rows with both a target and a forecast
        on a side (current rows without labels cannot be priced).
    DriftParameterError
        A bad figure, figures given both as keywords and as ``inputs``, ``n_boot < 1`` or ``confidence``
        outside (0, 1).
    """
    func = "regression_impact"
    check_bootstrap(n_boot, confidence, func)
    figures = {"volume_per_month": volume_per_month, "cost_per_unit_over": cost_per_unit_over,
               "cost_per_unit_under": cost_per_unit_under}
    inputs = resolve_inputs(inputs, figures, regression_inputs, RegressionInputs, func)
    ry, rp = _labelled(reference, target, prediction, "reference")
    cy, cp = _labelled(current, target, prediction, "current")
    metrics = _errors_and_costs(inputs.cost_per_unit_over, inputs.cost_per_unit_under)
    ref, cur = _side(ry, rp, metrics(ry, rp)), _side(cy, cp, metrics(cy, cp))
    change = metrics(cy, cp) - metrics(ry, rp)
    lo, hi = bootstrap_change(metrics, (ry, rp), (cy, cp), n_boot=n_boot, confidence=confidence, rng=rng)
    scale = inputs.volume_per_month * MONTHS_PER_QUARTER
    formulas = _formulas(inputs, ref, cur, scale)
    parts = {key: priced_part(key, float(change[i]), (float(lo[i]), float(hi[i])), scale, formulas[key],
                              REGRESSION_PART_LABELS[key], REGRESSION_PART_EXPLANATIONS[key])
             for i, key in enumerate(REGRESSION_PART_LABELS)}
    return RegressionImpact(inputs, "measured", ref, cur, parts["over_forecast"], parts["under_forecast"],
                            parts["total"], MONTHS_PER_QUARTER, float(confidence), int(n_boot))

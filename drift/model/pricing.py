"""What every priced impact shares, whatever the model's task: the inputs marked assumed, the parts of a
change with their formulas and bootstrap ranges, and how money is written.

* :class:`AssumedInputs` — readers of a task's inputs (which figures the user gave, which are assumed);
  :func:`check_figures`, :func:`supplied_names` and :func:`resolve_inputs` build and check them;
* :class:`CostPart` and :func:`priced_part` — one part of a change, per decision and over the period
  (volume × :data:`MONTHS_PER_QUARTER` months), with its interval and its formula;
  :func:`percentile_interval` and :func:`resampled_sums` — the percentile bootstrap behind the intervals;
* :class:`PricedChange` — readers of a priced result (each part in words, as a headline, as a range);
* :func:`format_money`, :func:`format_share`, :func:`format_points` — how figures are written.

The tasks' cost models: :mod:`drift.model.impact` (binary), :mod:`drift.model.regression_impact`,
:mod:`drift.model.multiclass_impact`; one entry point: :mod:`drift.model.task_impact`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from drift.core.errors import DriftInputError, DriftParameterError

#: Months in a quarter, the period the figures are given for.
MONTHS_PER_QUARTER = 3
#: Bootstrap resamples drawn per block (bounds memory: block × distinct rows counts).
BOOT_BLOCK = 100
#: Appended to the formula of a part whose range includes 0: the arithmetic holds, the number is noise.
WITHIN_NOISE = "point estimate; its range includes 0"
#: Where the figures come from, as a result's ``how`` says it.
SOURCE_TEXT = {"measured": "measured on labels", "estimated": "estimated without labels"}


# ------------------------------------------------------------------------------------------ inputs
class AssumedInputs:
    """Readers shared by the inputs of every task: which figures are assumed, and how each is written.

    A subclass (a frozen dataclass) has a ``supplied`` frozenset, a ``currency`` and the class attributes
    ``NAMES`` (its inputs, in display order) and ``LABELS`` (their plain names); it writes each value with
    :meth:`display`.
    """

    __slots__ = ()
    NAMES: ClassVar[tuple[str, ...]] = ()
    LABELS: ClassVar[dict[str, str]] = {}
    supplied: frozenset[str]
    currency: str

    @property
    def names(self) -> tuple[str, ...]:
        """The inputs, in display order."""
        return self.NAMES

    def label(self, name: str) -> str:
        """The plain name of input ``name``: ``"cost of a false positive"``."""
        return self.LABELS[name]

    def assumed(self, name: str) -> bool:
        """Whether input ``name`` took its default instead of a figure the user gave."""
        if name not in self.NAMES:
            raise DriftParameterError.invalid("name", f"{type(self).__name__}.assumed",
                                              f"one of {self.NAMES}", name)
        return name not in self.supplied

    @property
    def any_assumed(self) -> bool:
        """True while at least one input is assumed."""
        return any(self.assumed(n) for n in self.NAMES)

    def value(self, name: str):
        """The value of input ``name``."""
        return float(getattr(self, name))

    def display(self, name: str) -> str:  # pragma: no cover - every subclass writes its own
        raise NotImplementedError

    def assumed_text(self) -> str:
        """``"With assumed figures (…): replace them with your own."`` or ``""`` when none is assumed."""
        names = [n for n in self.NAMES if self.assumed(n)]
        if not names:
            return ""
        listed = ", ".join(f"{self.LABELS[n]} {self.display(n)}" for n in names)
        return f"With assumed figures ({listed}): replace them with your own."

    def to_dict(self) -> dict:
        """``{name: {"value", "label", "assumed"}}`` for each input, plus ``any_assumed`` and ``currency``."""
        out: dict = {n: {"value": self.value(n), "label": self.LABELS[n], "assumed": self.assumed(n)}
                     for n in self.NAMES}
        out["any_assumed"] = self.any_assumed
        out["currency"] = self.currency
        return out

def check_figures(given: dict, func: str) -> None:
    """Reject a figure (of ``{name: value or None}``) that is given but not a finite number >= 0."""
    for name, value in given.items():
        if value is not None and (not is_finite(value) or value < 0):
            raise DriftParameterError.invalid(name, func, "a finite number >= 0", value)


def supplied_names(given: dict, supplied: Iterable[str] | None, func: str, currency: str) -> frozenset[str]:
    """The names the user supplied: ``supplied`` checked against ``given`` (``{name: value or None}``, every
    input of ``func``), or, when ``supplied`` is None, the names given a value.  Checks ``currency`` too."""
    if supplied is None:
        names = frozenset(n for n, v in given.items() if v is not None)
    else:
        names = frozenset(supplied) if not isinstance(supplied, str) else frozenset((supplied,))
        unknown = sorted(names - set(given))
        if unknown:
            raise DriftParameterError.invalid("supplied", func, f"names among {tuple(given)}", unknown)
        missing = sorted(n for n in names if given[n] is None)
        if missing:
            raise DriftParameterError.invalid("supplied", func, "names of inputs given a value", missing)
    if not isinstance(currency, str):
        raise DriftParameterError.invalid("currency", func, "a string", currency)
    return names

@dataclass(frozen=True, slots=True)
class CostPart:
    """One part of the change: per decision, over the period, its interval and its formula.

    Attributes
    ----------
    key : {"model_error", "outcome_rate", "total"}
    per_decision : float
        Change in the expected cost per decision (positive: costs more).
    per_decision_interval : (float, float)
        Bootstrap interval of ``per_decision``.
    amount : float
        ``decisions_per_month × months × per_decision``.
    interval : (float, float)
        The interval of ``amount``.
    formula : str
        The arithmetic behind ``amount`` in words and numbers.
    label, explanation : str
        The part's plain name and what it means.
    """

    key: str
    per_decision: float
    per_decision_interval: tuple[float, float]
    amount: float
    interval: tuple[float, float]
    formula: str
    label: str
    explanation: str

    @property
    def measurable(self) -> bool:
        """True when the interval excludes 0 (a cost, or a saving, the data support)."""
        lo, hi = self.interval
        return is_finite(lo) and is_finite(hi) and (lo > 0 or hi < 0)

    def to_dict(self) -> dict:
        return {"key": self.key, "label": self.label, "explanation": self.explanation,
                "per_decision": self.per_decision,
                "per_decision_interval": list(self.per_decision_interval), "amount": self.amount,
                "interval": list(self.interval), "measurable": self.measurable, "formula": self.formula}


class PricedChange:
    """Readers shared by the priced impact of every task (:class:`BusinessImpact`, and the regression and
    multiclass results of :mod:`drift.model.task_impact`): each part in words, as a headline and a range.

    A subclass has ``inputs`` (an :class:`AssumedInputs`), ``note``, ``source``, ``confidence``, ``n_boot``,
    ``months`` and the tuple ``parts``; it says its finding in :attr:`sentence` and its method in
    :attr:`method_text`.
    """

    __slots__ = ()
    TASK: ClassVar[str] = ""
    inputs: AssumedInputs
    note: str
    source: str

    @property
    def task(self) -> str:
        """The model's task: ``"binary"``, ``"multiclass"`` or ``"regression"``."""
        return self.TASK

    @property
    def how(self) -> str:
        """``"measured on labels"`` or ``"estimated without labels"``."""
        return SOURCE_TEXT[self.source]

    def describe(self, part: CostPart) -> str:
        """One part in words: ``"costs about $96,000 per quarter (range $61,000 to $131,000)"``."""
        cur = self.inputs.currency
        lo, hi = part.interval
        if not is_finite(part.amount):
            return "cannot be computed" + (f" ({self.note})" if self.note else "")
        span = f"{format_money(lo, cur)} to {format_money(hi, cur)}"
        if not part.measurable:
            return f"no measurable cost (range {span} per quarter)"
        more = "more" if part.amount > 0 else "less"
        return f"costs about {format_money(abs(part.amount), cur)} {more} per quarter (range {span})"

    def figure(self, part: CostPart) -> str:
        """The headline of a part: ``"$297,000"``, ``"-$101,000"`` or ``"no measurable cost"``."""
        if not is_finite(part.amount):
            return "n/a"
        return format_money(part.amount, self.inputs.currency) if part.measurable else "no measurable cost"

    def range_text(self, part: CostPart) -> str:
        """``"$236,000 to $355,000 per quarter"`` (the part's interval)."""
        lo, hi = part.interval
        cur = self.inputs.currency
        return f"{format_money(lo, cur)} to {format_money(hi, cur)} per quarter"

def percentile_interval(replicates: np.ndarray, point: float, confidence: float) -> tuple[float, float]:
    """The percentile-bootstrap interval of a part: the ``(1 ± confidence) / 2`` quantiles of its finite
    replicates (``numpy.quantile``, linear); ``(nan, nan)`` when the point or every replicate is undefined."""
    values = np.asarray(replicates, dtype=np.float64)
    values = values[np.isfinite(values)]
    if not values.size or not is_finite(point):
        return (math.nan, math.nan)
    half = (1 - confidence) / 2
    return (float(np.quantile(values, half)), float(np.quantile(values, 1 - half)))


def priced_part(key: str, per_decision: float, interval: tuple[float, float], scale: float, formula: str,
                label: str, explanation: str) -> CostPart:
    """A :class:`CostPart` over the period (``scale`` = volume × months); a formula whose range includes 0
    says so (:data:`WITHIN_NOISE`)."""
    lo, hi = interval
    noise = "" if lo > 0 or hi < 0 or not is_finite(per_decision) else f" ({WITHIN_NOISE})"
    return CostPart(key, per_decision, (lo, hi), scale * per_decision, (scale * lo, scale * hi),
                    formula + noise, label, explanation)


def require_columns(frame: pd.DataFrame, columns: Iterable[str], side: str) -> None:
    """Raise DriftInputError naming ``side`` and the first of ``columns`` missing from ``frame``."""
    for column in columns:
        if column not in frame.columns:
            raise DriftInputError("the column is missing", file=side, column=column,
                                  fix="use data with the same columns as the reference")


def resolve_inputs(inputs, figures: dict, build, kind: type, func: str):
    """The inputs of ``func``: ``build(**figures)`` when ``inputs`` is None, else ``inputs`` checked to be a
    ``kind`` given without any of ``figures`` (the keywords that would build one)."""
    if inputs is None:
        return build(**figures)
    if not isinstance(inputs, kind):
        raise DriftParameterError.invalid("inputs", func, f"a {kind.__name__} (see {build.__name__})",
                                          type(inputs).__name__)
    if any(v is not None for v in figures.values()):
        raise DriftParameterError.invalid("inputs", func, "None when the figures are given as keywords",
                                          type(inputs).__name__)
    return inputs

def resampled_sums(rows: np.ndarray, n_boot: int, gen: np.random.Generator,
                   counts: np.ndarray | None = None) -> np.ndarray:
    """Column sums of ``rows`` (shape ``(g, m)``) over ``n_boot`` resamples with replacement: shape
    ``(n_boot, m)``.

    The sample has ``counts[j]`` copies of row ``j`` (default one each); each resample draws as many rows,
    as multinomial counts over the ``g`` rows (``gen.multinomial``, :data:`BOOT_BLOCK` resamples at a time).
    """
    counts = np.ones(len(rows)) if counts is None else np.asarray(counts)
    n = int(counts.sum())
    blocks = [gen.multinomial(n, counts / n, size=min(BOOT_BLOCK, n_boot - start)) @ rows
              for start in range(0, n_boot, BOOT_BLOCK)]
    return np.vstack(blocks)

# -------------------------------------------------------------------------------------- formatting
def format_money(amount: float, currency: str = "$") -> str:
    """``$150,000``, ``$1.25M``, ``$34.50``, ``-$2,000``: three significant figures above 1,000."""
    if not is_finite(amount):
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


def format_points(fraction: float, *, signed: bool = True) -> str:
    """A change of a share in percentage points: ``+0.80 pp``."""
    if not is_finite(fraction):
        return "n/a pp"
    return f"{fraction * 100:+.2f} pp" if signed else f"{fraction * 100:.2f} pp"


def format_share(x: float) -> str:
    """A share as a percentage with one decimal: ``12.5%`` (``n/a`` when not finite)."""
    return f"{x:.1%}" if is_finite(x) else "n/a"


def is_finite(value) -> bool:
    """True for a finite real number (not ``bool``, not ``None``, not text)."""
    try:
        return not isinstance(value, bool) and math.isfinite(float(value))
    except (TypeError, ValueError):
        return False

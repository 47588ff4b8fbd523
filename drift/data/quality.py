"""Pipeline breaks: the data-quality signatures checked before any drift statistic is read.

A break is evidence that the *pipeline* delivers broken inputs, not that the world changed.  Natural
change (a season, a new market, new customers) must never be called a break, so each signature below is
one that a population shift does not produce.  Every cut-off is a named constant of this module.

Rule — a column of the current batch has a pipeline break when one of these holds:

1. ``unit_change`` (numeric): the current quantiles at :data:`SCALE_QUANTILES` are the reference's times
   one common factor ``f`` (each ratio within a factor :data:`SCALE_TOLERANCE` of their median ``f``),
   ``f`` is large (``|log10 f| >= log10`` :data:`UNIT_FACTOR`), and the current values divided by ``f``
   pass a KS test against the reference (:data:`RESCALED_ALPHA`).  A change of unit rescales every value
   alike (income in thousands, a price in cents); a population shift changes the shape too.  A small
   known conversion (pounds to kilograms, miles to kilometres: :data:`KNOWN_UNIT_FACTORS`) cannot be told
   from a natural change of the same size in a batch, so it is named as a hint to check, not a break.
2. ``missing_burst``: the missing rate rose by at least :data:`MISSING_JUMP` (absolute) to at least
   :data:`MISSING_RATIO` times the reference rate, and the missing-rate test is significant after the
   correction across features.
3. ``type_change``: :func:`drift.validate_pair` found numbers on one side and text or true/false on the
   other (a :class:`~drift.core.errors.TypeChangeError`, or a :class:`~drift.core.errors.MixedTypeError`
   whose two
   files disagree).
4. ``stuck_value`` (numeric): one value holds at least :data:`STUCK_SHARE` of the current rows (and
   :data:`STUCK_MIN_ROWS` rows), at least :data:`STUCK_RATIO` times the rows of each neighbouring value
   in the current data (a lone spike, not a population that moved towards it), while in the reference it
   was absent or an ordinary value, not a point mass (:data:`REFERENCE_SPIKE_RATIO`; out-of-stock zeros
   that grow in a supply shock are natural), and the reference has at least
   :data:`CONTINUOUS_MIN_VALUES` distinct values: a sensor stuck at one reading, a default fill such as 0.
5. ``out_of_range`` (numeric): a sentinel — one value outside the reference's range that is negative where
   the reference never is, or at least :data:`SENTINEL_MAGNITUDE` times the reference's largest absolute
   value (-1, -999, 99999) — on at least :data:`SENTINEL_SHARE` of the current rows, and a lone spike
   as in rule 4 (winter temperatures below a summer minimum are many neighbouring values, not one).
6. ``placeholder`` (categorical): a level never seen in the reference that spells "missing"
   (:data:`PLACEHOLDERS`: unknown, n/a, null, ?, ...) on at least :data:`PLACEHOLDER_SHARE` of rows.
7. ``replaced_levels`` (categorical with at most :data:`SMALL_CATEGORICAL` reference levels): at least
   :data:`RELABEL_SHARE` of the current rows carry unseen levels, about as much reference mass vanished
   (``|new - vanished| <=`` :data:`RELABEL_BALANCE`), and the levels are not numbers or dates (new
   numbers or dates label a new period: a split proxy, see :mod:`drift.data.proxies`).  The codes were
   renamed ("M"/"F" to "male"/"female").

Not a break — **entity churn**: new values of a categorical column that fit none of the above (new names,
agents, companies, countries, product codes) are listed as "new values", evidence of covariate shift.
A column whose reference keeps producing new values on its own is an **entity column** (names, ids, free
labels): its Good–Turing turnover, the share of reference rows whose value occurs only once, is at least
:data:`ENTITY_TURNOVER`.  New values are expected there even without any drift (two random halves of a
list of car models share few names), so an entity column is set apart like a split proxy and its new
values count as churn only in *excess* of that turnover: at least :data:`CHURN_EXCESS` more, and the
one-sided binomial test of the unseen count against the turnover significant (:func:`churn`).

The numeric and categorical signatures are read off the sorted samples and category counts that
:func:`drift.feature_drift` already has (its ``issue`` and ``finding`` columns); :func:`quality_issues`
adds the missing-value bursts and type changes and returns one :class:`QualityIssue` per broken column.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from drift.data.schema import Schema
from drift.stats.samples import compare_sorted, sorted_quantiles

#: Kinds of pipeline break, in the order they are checked.
BREAK_KINDS = ("unit_change", "missing_burst", "type_change", "stuck_value", "out_of_range", "placeholder",
               "replaced_levels")
#: Breaks that leave no doubt (the verdict's "strong" evidence); the others are "weak" alone.
STRONG_BREAKS = ("unit_change", "type_change", "out_of_range", "placeholder", "replaced_levels")

#: Unit change: smallest common factor between current and reference quantiles.
UNIT_FACTOR = 8.0
#: Unit change: quantiles compared.
SCALE_QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)
#: Unit change: each quantile ratio lies within this factor of the common factor.
SCALE_TOLERANCE = 1.6
#: Unit change: level of the KS test that ``current / f`` matches the reference (not rejected = a pure
#: rescaling).
RESCALED_ALPHA = 0.01
#: Unit hint: a factor within this relative distance of a known conversion is named.
KNOWN_FACTOR_TOLERANCE = 0.05
#: Known unit conversions (factor -> name); powers of ten are covered by :data:`UNIT_FACTOR`.
KNOWN_UNIT_FACTORS = {
    2.20462: "kilograms to pounds", 1 / 2.20462: "pounds to kilograms", 1.60934: "miles to kilometres",
    1 / 1.60934: "kilometres to miles", 2.54: "inches to centimetres", 1 / 2.54: "centimetres to inches",
    3.28084: "metres to feet", 1 / 3.28084: "feet to metres", 12.0: "years to months (or feet to inches)",
    1 / 12: "months to years", 16.3871: "cubic inches to cm³", 1 / 16.3871: "cm³ to cubic inches",
    60.0: "hours to minutes (or minutes to seconds)", 1 / 60: "minutes to hours (or seconds to minutes)",
    24.0: "days to hours", 1 / 24: "hours to days", 7.0: "weeks to days", 1 / 7: "days to weeks",
    3.78541: "US gallons to litres", 1 / 3.78541: "litres to US gallons",
}
#: Missing burst: smallest rise of the missing rate (absolute)...
MISSING_JUMP = 0.05
#: ... to at least this multiple of the reference rate.
MISSING_RATIO = 2.0
#: A missing burst at least this large is strong evidence on its own.
MISSING_STRONG_JUMP = 0.20
#: Stuck value: smallest share of current rows on one value (a stuck sensor or a default fill covers a
#: large part of a batch; at 5 %, natural pile-ups in discrete measurements of small groups — a popular
#: engine size among Japanese cars — qualified)...
STUCK_SHARE = 0.15
#: ... and smallest number of rows on it.
STUCK_MIN_ROWS = 20
#: ... at least this many times its share in the reference.
STUCK_RATIO = 5.0
#: Stuck value: the value is not already a point mass of the reference (a spike of at least this many
#: times its neighbours there): out-of-stock zeros that grow in a supply shock are natural.
REFERENCE_SPIKE_RATIO = 2.0
#: Stuck value: the reference has at least this many distinct values.
CONTINUOUS_MIN_VALUES = 20
#: Out-of-range sentinel: smallest share of current rows on it.
SENTINEL_SHARE = 0.01
#: Out-of-range sentinel: at least this many times the reference's largest absolute value.
SENTINEL_MAGNITUDE = 10.0
#: Placeholder levels that mean "missing" (compared lower-cased, stripped).
PLACEHOLDERS = frozenset({"", "unknown", "unk", "n/a", "na", "n.a.", "null", "none", "nan", "nil", "?", "-",
                          "--", "missing", "undefined", "not available", "not known", "#n/a", "(blank)"})
#: Placeholder: smallest share of current rows on such a new level.
PLACEHOLDER_SHARE = 0.02
#: Replaced levels: a categorical with at most this many reference levels...
SMALL_CATEGORICAL = 20
#: ... where at least this share of current rows carry unseen levels...
RELABEL_SHARE = 0.2
#: ... and the vanished reference mass differs from the new mass by at most this much.
RELABEL_BALANCE = 0.15
#: Share of current rows on unseen categories from which they are listed as "new values" (churn).
NEW_VALUES_SHARE = 0.01
#: Entity column: the reference's own turnover (share of its rows whose value occurs once) is at least this.
ENTITY_TURNOVER = 0.05
#: Entity column: new values beyond the turnover, from which they count as churn.
CHURN_EXCESS = 0.05
#: Entity column: level of the one-sided binomial test of the unseen count against the turnover.
CHURN_ALPHA = 0.01
#: Values quoted in a message.
MAX_EXAMPLES = 3


@dataclass(frozen=True, slots=True)
class Break:
    """One break signature found in one column: its kind, a plain sentence and its size."""

    kind: str
    message: str
    size: float


@dataclass(frozen=True, slots=True)
class QualityIssue:
    """One pipeline break on one column (module docstring for the rule).

    ``size`` is the common factor (unit change), the missing-rate rise, the share of rows on the stuck
    value / sentinel / placeholder / new levels, or 1 for a type change.
    """

    feature: str
    kind: str
    message: str
    size: float

    @property
    def strong(self) -> bool:
        """True for a signature that leaves no doubt (see :data:`STRONG_BREAKS`)."""
        return self.kind in STRONG_BREAKS or (self.kind == "missing_burst"
                                              and self.size >= MISSING_STRONG_JUMP)

    def to_dict(self) -> dict:
        return {"feature": self.feature, "kind": self.kind, "message": self.message, "size": self.size,
                "strong": self.strong}


@dataclass(frozen=True, slots=True)
class QualityBaseline:
    """Kept for callers that prepare the reference once (the monitor): the signatures now come from the
    feature table, so nothing else is needed of the reference."""

    @classmethod
    def of(cls, reference: pd.DataFrame, schema: Schema) -> QualityBaseline:
        return cls()


def _fmt(x: float) -> str:
    return f"{x:,.4g}"


# --- numeric signatures --------------------------------------------------------------------------------
def _snap(factor: float) -> float:
    """The power of ten or known conversion within :data:`KNOWN_FACTOR_TOLERANCE` of ``factor`` (a unit
    change is exact: rescaling by the rounded factor puts point masses back on the reference's), else
    ``factor`` itself."""
    candidates = [10.0 ** k for k in range(-9, 10)] + list(KNOWN_UNIT_FACTORS)
    best = min(candidates, key=lambda v: abs(math.log(factor / v)))
    return best if abs(math.log(factor / best)) <= math.log1p(KNOWN_FACTOR_TOLERANCE) else factor


def scale_factor(reference: np.ndarray, current: np.ndarray) -> float | None:
    """The common factor ``f`` when ``current`` looks like ``reference`` times ``f`` (rule 1), else None.

    Both arrays are sorted, non-missing values.  ``f`` is the median ratio of the quantiles at
    :data:`SCALE_QUANTILES` (each within :data:`SCALE_TOLERANCE` of it; quantiles of the non-zero values
    for zero-inflated columns), rounded to a power of ten or known conversion when that close; it counts
    when it is large (``|log10 f| >= log10`` :data:`UNIT_FACTOR`) **and** ``current / f`` is
    indistinguishable from the reference (:func:`rescaled_match`): a change of unit moves every value
    alike, a population shift (Europe's income against Africa's, about ten times higher) usually changes
    the shape too.  Small known conversions give a hint only (:func:`unit_hint`).
    """
    ratios = _quantile_log_ratios(reference, current)
    if ratios is None:
        return None
    logs, centre = ratios
    if np.max(np.abs(logs - centre)) > math.log(SCALE_TOLERANCE) or abs(centre) < math.log(UNIT_FACTOR):
        return None
    factor = _snap(math.exp(centre))
    return factor if rescaled_match(reference, current, factor) else None


def _quantile_log_ratios(reference: np.ndarray, current: np.ndarray) -> tuple[np.ndarray, float] | None:
    """``log(current / reference)`` of the quantiles at :data:`SCALE_QUANTILES` (those non-zero and of one
    sign on both sides) and their median — of the non-zero values when zeros leave fewer than three usable
    quantiles (a change of unit leaves zeros at zero); None when nothing is usable.  Shared by
    :func:`scale_factor` and :func:`unit_hint`."""
    for ref, cur in ((reference, current), (reference[reference != 0], current[current != 0])):
        if len(ref) < 2 or len(cur) < 2:
            continue
        r = sorted_quantiles(ref, SCALE_QUANTILES)
        c = sorted_quantiles(cur, SCALE_QUANTILES)
        usable = (r != 0) & (c != 0) & (np.sign(r) == np.sign(c))
        if usable.sum() >= 3:
            logs = np.log(c[usable] / r[usable])
            return logs, _median(logs)
    return None


def unit_hint(reference: np.ndarray, current: np.ndarray) -> str:
    """A hint, never a break: ``current`` looks like ``reference`` rescaled by a known small unit
    conversion (:data:`KNOWN_UNIT_FACTORS`: pounds to kilograms, miles to kilometres...).

    Such a factor cannot be told from a natural change of the same size at the sample sizes of a batch
    (a ×1.5 rise estimated from quantiles lands within a few percent of ×1.609), so it is said, with the
    check to make, and does not decide the verdict.  ``""`` when there is nothing to say.
    """
    ratios = _quantile_log_ratios(reference, current)
    if ratios is None:
        return ""
    logs, centre = ratios
    factor = float(math.exp(centre))
    unit = known_unit(factor)
    if unit is None or np.max(np.abs(logs - centre)) > math.log(SCALE_TOLERANCE) \
            or not rescaled_match(reference, current, _snap(factor)):
        return ""
    return (f"every value is about ×{factor:.3g} of the reference's, the factor from {unit}: check whether "
            "the unit changed")


def known_unit(factor: float) -> str | None:
    """The name of the unit conversion ``factor`` is (within :data:`KNOWN_FACTOR_TOLERANCE`), or None."""
    for value, name in KNOWN_UNIT_FACTORS.items():
        if abs(math.log(factor / value)) <= math.log1p(KNOWN_FACTOR_TOLERANCE):
            return name
    return None


def rescaled_match(reference: np.ndarray, current: np.ndarray, factor: float) -> bool:
    """True when ``current / factor`` and ``reference`` pass the two-sample KS test at level
    :data:`RESCALED_ALPHA` (asymptotic critical value; sorted inputs)."""
    n, m = len(reference), len(current)
    d, _ = compare_sorted(reference, np.sort(current / factor))
    critical = math.sqrt(-0.5 * math.log(RESCALED_ALPHA / 2)) * math.sqrt((n + m) / (n * m))
    return bool(d <= critical)


def _median(x: np.ndarray) -> float:
    """``float(numpy.median(x))`` of a few values, without NumPy's partition and mean machinery."""
    if np.isnan(x).any():
        return float("nan")
    x = np.sort(x)
    k = len(x) // 2
    return float(x[k]) if len(x) % 2 else float((x[k - 1] + x[k]) / 2)


def _runs(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values of a sorted array and how many times each occurs."""
    if len(values) == 0:
        return values, np.empty(0, dtype=np.int64)
    starts = np.flatnonzero(np.concatenate(([True], values[1:] != values[:-1])))
    return values[starts], np.diff(np.append(starts, len(values)))


def _share_of(values: np.ndarray, v: float) -> float:
    lo, hi = np.searchsorted(values, v, side="left"), np.searchsorted(values, v, side="right")
    return (hi - lo) / len(values) if len(values) else 0.0


def numeric_break(reference: np.ndarray, current: np.ndarray) -> Break | None:
    """Unit change, out-of-range sentinel or stuck value (rules 1, 5, 4) of one numeric column.

    ``reference`` and ``current`` are the sorted non-missing values.
    """
    if len(reference) < 2 or len(current) < 2:
        return None
    factor = scale_factor(reference, current)
    if factor is not None:
        med_r, med_c = np.median(reference), np.median(current)
        times = f"×{factor:.3g}" if factor > 1 else f"1/{1 / factor:.3g}"
        return Break("unit_change", f"every value is about {times} of the reference's (median "
                                    f"{_fmt(med_r)} → {_fmt(med_c)}): looks like a unit change", factor)
    if 1 / len(current) < min(SENTINEL_SHARE, STUCK_SHARE) and not (current[1:] == current[:-1]).any():
        return None  # every value distinct: none holds the share of rows rule 5 or rule 4 asks for
    cur_values, cur_counts = _runs(current)
    lo, hi = reference[0], reference[-1]
    outside = (cur_values < lo) | (cur_values > hi)
    if outside.any():
        biggest = max(abs(lo), abs(hi))
        sentinel = outside & (((lo >= 0) & (cur_values < 0))
                              | (np.abs(cur_values) >= SENTINEL_MAGNITUDE * max(biggest, 1e-12)))
        shares = np.where(sentinel, cur_counts, 0) / len(current)
        k = int(np.argmax(shares))
        if shares[k] >= SENTINEL_SHARE and _lone_spike(cur_counts, k):
            return Break("out_of_range", f"{shares[k]:.1%} of rows hold {_fmt(cur_values[k])}, outside "
                                         f"anything the reference holds ({_fmt(lo)} to {_fmt(hi)}): a "
                                         "sentinel or fill value", float(shares[k]))
    k = int(np.argmax(cur_counts))
    share = cur_counts[k] / len(current)
    if share >= STUCK_SHARE and cur_counts[k] >= STUCK_MIN_ROWS and _lone_spike(cur_counts, k):
        ref_values, ref_counts = _runs(reference)
        ref_share = _share_of(reference, cur_values[k])
        j = int(np.searchsorted(ref_values, cur_values[k]))
        ordinary = not (j < len(ref_values) and ref_values[j] == cur_values[k]) \
            or not _lone_spike(ref_counts, j, REFERENCE_SPIKE_RATIO)
        if len(ref_values) >= CONTINUOUS_MIN_VALUES and ordinary:
            return Break("stuck_value", f"{share:.1%} of rows hold the single value {_fmt(cur_values[k])} "
                                        f"({ref_share:.1%} in the reference): a stuck reading or a default "
                                        "fill", float(share))
    return None


def _lone_spike(counts: np.ndarray, k: int, ratio: float = STUCK_RATIO) -> bool:
    """True when value ``k`` holds at least ``ratio`` times the rows of each neighbouring value (the
    distinct values just below and above it): a spike, not a population that moved towards it."""
    neighbours = np.concatenate([counts[max(k - 1, 0): k], counts[k + 1: k + 2]])
    return bool(not len(neighbours) or counts[k] >= ratio * neighbours.max())


# --- categorical signatures ------------------------------------------------------------------------------
def _looks_like_period(levels: Iterable) -> bool:
    """True when every level is a number or a date (a period label, not a code)."""
    texts = pd.Series([str(v) for v in levels])
    if texts.empty:
        return False
    if pd.to_numeric(texts, errors="coerce").notna().all():
        return True

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return bool(pd.to_datetime(texts, errors="coerce", format="mixed").notna().all())


def unseen_levels(reference: pd.Series, current: pd.Series) -> pd.Series:
    """Counts of current levels absent from the reference, most frequent first (``value_counts`` inputs)."""
    known = set(reference.index.tolist())
    if all(level in known for level in current.index.tolist()):
        return current.iloc[:0]  # the common case, answered without pandas' isin
    new = current[~current.index.isin(reference.index)]
    return new.sort_values(ascending=False, kind="stable")


def categorical_break(reference: pd.Series, current: pd.Series) -> Break | None:
    """Placeholder or replaced levels (rules 6, 7) from the category counts of both sides (missing
    values excluded; ``pandas.Series.value_counts`` output)."""
    n_ref, n_cur = int(reference.sum()), int(current.sum())
    if not n_ref or not n_cur:
        return None
    new = unseen_levels(reference, current)
    if new.empty:
        return None
    placeholders = new[[str(v).strip().lower() in PLACEHOLDERS for v in new.index]]
    if len(placeholders) and placeholders.sum() / n_cur >= PLACEHOLDER_SHARE:
        share = placeholders.sum() / n_cur
        return Break("placeholder", f"{share:.1%} of rows hold {_quote(placeholders.index)}, a new level "
                                    "that means 'missing'", float(share))
    new_share = new.sum() / n_cur
    vanished = reference[~reference.index.isin(current.index)].sum() / n_ref
    if (len(reference) <= SMALL_CATEGORICAL and new_share >= RELABEL_SHARE
            and abs(new_share - vanished) <= RELABEL_BALANCE and not _looks_like_period(new.index)):
        gone = reference[~reference.index.isin(current.index)].sort_values(ascending=False, kind="stable")
        return Break("replaced_levels", f"{new_share:.0%} of rows carry levels never seen in the reference "
                                        f"({_quote(new.index)}) while {vanished:.0%} of the reference's "
                                        f"({_quote(gone.index)}) vanished: the codes look renamed",
                     float(new_share))
    return None


def turnover(reference: pd.Series) -> float:
    """Good–Turing estimate of the share of new values a fresh sample would carry: the share of reference
    rows whose value occurs exactly once (``value_counts`` input)."""
    counts = reference.to_numpy()  # plain NumPy: a pandas comparison costs more than the count
    n = int(counts.sum())
    return float((counts == 1).sum() / n) if n else 0.0


def is_entity(reference: pd.Series) -> bool:
    """True for an entity column (names, ids): turnover at least :data:`ENTITY_TURNOVER`."""
    return turnover(reference) >= ENTITY_TURNOVER


@dataclass(frozen=True, slots=True)
class Churn:
    """New values of an entity column against its expected turnover."""

    expected: float
    observed: float
    pvalue: float

    @property
    def excess(self) -> float:
        return self.observed - self.expected

    @property
    def significant(self) -> bool:
        """Churn beyond the turnover: at least :data:`CHURN_EXCESS` more and the binomial test below
        :data:`CHURN_ALPHA`."""
        return bool(self.excess >= CHURN_EXCESS and self.pvalue < CHURN_ALPHA)


def churn(reference: pd.Series, current: pd.Series) -> Churn:
    """Observed share of current rows on unseen values vs the reference's turnover (``value_counts``
    inputs), with the one-sided binomial p-value of the unseen count."""
    from scipy.stats import binomtest  # deferred: scipy.stats takes seconds to import

    n_cur = int(current.sum())
    expected = turnover(reference)
    k = int(unseen_levels(reference, current).sum())
    if not n_cur:
        return Churn(expected, float("nan"), float("nan"))
    p = binomtest(k, n_cur, min(max(expected, 1e-12), 1.0), alternative="greater").pvalue
    return Churn(expected, k / n_cur, float(p))


def new_values_finding(reference: pd.Series, current: pd.Series) -> str:
    """``"4.2% of rows carry values not in the reference (e.g. 'x', 'y')"`` when at least
    :data:`NEW_VALUES_SHARE` do (entity churn), else ``""``."""
    n_cur = int(current.sum())
    new = unseen_levels(reference, current)
    share = new.sum() / n_cur if n_cur else 0.0
    if share < NEW_VALUES_SHARE:
        return ""
    text = (f"new values: {share:.1%} of rows carry {len(new):,} value{'s' if len(new) > 1 else ''} not in "
            f"the reference (e.g. {_quote(new.index)})")
    if is_entity(reference):
        c = churn(reference, current)
        text += (f"; an entity column (names or ids): its own turnover predicts about {c.expected:.0%}, so "
                 + (f"{c.excess:.0%} more than expected (churn)" if c.significant else "no excess churn"))
    return text


def _quote(values) -> str:
    shown = [repr(str(v)) for v in list(values)[:MAX_EXAMPLES]]
    more = len(values) - len(shown)
    return ", ".join(shown) + (f" and {more:,} more" if more > 0 else "")


def is_missing_burst(missing_ref: float, missing_cur: float, pvalue_adjusted: float, alpha: float) -> bool:
    """Rule 2 on one feature's missing rates and its corrected missing-rate p-value."""
    jump = missing_cur - missing_ref
    return bool(jump >= MISSING_JUMP and missing_cur >= MISSING_RATIO * missing_ref
                and pvalue_adjusted < alpha)


# --- all columns ------------------------------------------------------------------------------------------
def quality_issues(reference: pd.DataFrame | QualityBaseline | None, current: pd.DataFrame | None,
                   schema: Schema | None, feature_table: pd.DataFrame, *, alpha: float = 0.05,
                   problems: Iterable = ()) -> tuple[QualityIssue, ...]:
    """Every pipeline break of the current batch, one per column (module docstring for the rule).

    Parameters
    ----------
    reference, current, schema
        Unused (the signatures are read off ``feature_table``); kept so existing callers keep working.
    feature_table : DataFrame
        :func:`drift.feature_drift` of the pair (its ``issue``, ``finding``, missing-rate columns).
    alpha : float
        Level for the corrected missing-rate p-value.
    problems : iterable of ColumnProblem
        :attr:`drift.data.validation.Validation.problems`; type changes among them are breaks.
    """
    issues: dict[str, QualityIssue] = {}
    for p in problems:
        if _is_type_change(p.error):
            issues.setdefault(p.column, QualityIssue(p.column, "type_change", str(p.error.problem), 1.0))
    has_issue = "issue" in feature_table.columns
    for row in feature_table.itertuples(index=False):
        if row.feature in issues:
            continue
        if has_issue and row.issue:
            issues[row.feature] = QualityIssue(row.feature, row.issue, f"{row.feature}: {row.finding}",
                                               float(row.issue_size))
        elif is_missing_burst(row.missing_ref, row.missing_cur, row.missing_pvalue_adjusted, alpha):
            issues[row.feature] = QualityIssue(
                row.feature, "missing_burst",
                f"{row.feature}: missing values rose from {row.missing_ref:.1%} to {row.missing_cur:.1%}",
                float(row.missing_cur - row.missing_ref))
    return tuple(issues.values())


def _is_type_change(error: Exception) -> bool:
    """A TypeChangeError, or a MixedTypeError whose message says the two files disagree."""
    names = {cls.__name__ for cls in type(error).__mro__}
    if "TypeChangeError" in names:
        return True
    return "MixedTypeError" in names and str(getattr(error, "problem", "")).startswith("numbers in ")

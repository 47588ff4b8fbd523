"""Split proxies: features that on their own tell the reference from the current data.

A column that encodes the time or the split itself (a month index, a date stored as a number, a rate that
is constant within each period, a row id) separates the two sides perfectly.  It tops every drift ranking
and lets a domain classifier reach AUC 1.0 without saying anything about the inputs the model relies on.
Such features are flagged, named with the reason, counted apart in headlines and left out of the
multivariate tests by default.

Rule — a feature is a split proxy when it separates the sides on its own:

* numeric: the KS statistic ``D >=`` :data:`SEPARATION_D` (ranges that do not overlap give ``D = 1``);
* categorical: at most ``1 -`` :data:`SEPARATION_D` of either side's rows carry a level the other side has;

with at least :data:`MIN_VALUES` values on each side, **and** no pipeline break explains it (breaks are
checked first: a price recorded in cents also separates the sides, and it is a break; see
:mod:`drift.data.quality`).  The reason, first match:

``constant_per_side``  each side holds one value (a period label, last year's rate);
``identifier``         integer values, all distinct on both sides (a row id, a counter);
``index``              the values increase with the row order on both sides (a time index);
``date_number``        integers that read as dates (YYYY, YYYYMM, YYYYMMDD) or epoch seconds / milliseconds;
``time_name``          the name says time or order (year, month, week, date, period, index, t...);
``separates``          none of the above: the feature changed completely, or encodes the split in a way
                       we cannot recognise.

The first five are *time-like*: they describe when or where a row was taken, not what the model sees, so
the verdict does not count them as drift.  ``separates`` still counts as evidence that the inputs moved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from drift.stats.binning import count_map

#: KS D (or categorical separation) from which a feature separates the sides on its own.
SEPARATION_D = 0.99
#: Values needed on each side before a feature can be called a proxy.
MIN_VALUES = 10
#: Reasons, in the order they are checked.
REASONS = ("constant_per_side", "identifier", "index", "date_number", "time_name", "separates")
#: Reasons that mark a column describing when/where a row was taken (not evidence of drift).
TIME_LIKE = frozenset(REASONS[:-1])
_TIME_WORDS = re.compile(
    r"(?:^|_)(?:year|yr|month|mon|week|wk|day|date|time|timestamp|ts|t|period|quarter|qtr|season|epoch|"
    r"index|idx|row|seq|sequence|step|order|batch|chunk|split|fold|version|release|vintage|cohort)(?:_|$|s$)")
_DESCRIPTION = {
    "constant_per_side": "holds one value on each side: it labels the period or the split",
    "identifier": "integers all distinct on both sides: a row id or a counter",
    "index": "increases with the row order on both sides: a time or row index",
    "date_number": "integers that read as dates or timestamps",
    "time_name": "named like a time or an order, and its ranges do not overlap",
    "separates": "separates the two sides on its own: it changed completely, or it encodes the split",
}


@dataclass(frozen=True, slots=True)
class SplitProxy:
    """One split proxy: the feature, the reason (one of :data:`REASONS`) and a plain sentence."""

    feature: str
    reason: str
    message: str

    @property
    def time_like(self) -> bool:
        """True when the column describes when or where a row was taken (not counted as drift)."""
        return self.reason in TIME_LIKE

    def to_dict(self) -> dict:
        return {"feature": self.feature, "reason": self.reason, "message": self.message,
                "time_like": self.time_like}


def describe(reason: str) -> str:
    """The plain-language reading of a reason."""
    return _DESCRIPTION[reason]


def _time_named(name: object) -> bool:
    norm = re.sub(r"[^0-9a-z]+", "_", str(name).strip().lower()).strip("_")
    return bool(_TIME_WORDS.search(norm))


def _integral(values: np.ndarray) -> bool:
    return bool(np.all(np.mod(values, 1) == 0))


def _date_number(values: np.ndarray) -> bool:
    lo, hi = values[0], values[-1]
    if not _integral(values[:: max(1, len(values) // 1000)]):
        return False
    for low, high in ((1900, 2100), (190001, 210012), (19000101, 21001231), (9.0e8, 2.2e9), (9.0e11, 2.2e12)):
        if low <= lo and hi <= high:
            return True
    return False


def numeric_proxy(name: object, reference: np.ndarray, current: np.ndarray, d: float, *,
                  reference_increasing: bool, current_increasing: bool) -> str | None:
    """The reason a numeric feature is a split proxy, or None (module docstring).

    ``reference`` / ``current`` are the sorted non-missing values, ``d`` their KS statistic, the two flags
    whether each side's values increase with the row order.  Breaks must have been ruled out by the caller.
    """
    if len(reference) < MIN_VALUES or len(current) < MIN_VALUES or not d >= SEPARATION_D:
        return None
    if reference[0] == reference[-1] and current[0] == current[-1]:
        return "constant_per_side"
    both = np.concatenate([reference, current])
    if _integral(both) and len(np.unique(reference)) == len(reference) \
            and len(np.unique(current)) == len(current):
        return "identifier"
    if reference_increasing and current_increasing:
        return "index"
    if _date_number(reference) and _date_number(current):
        return "date_number"
    if _time_named(name):
        return "time_name"
    return "separates"


def categorical_proxy(name: object, reference: pd.Series, current: pd.Series) -> str | None:
    """The reason a categorical feature is a split proxy, or None, from both sides' category counts
    (missing excluded).  Breaks (renamed levels, placeholders) must have been ruled out by the caller."""
    ref, cur = count_map(reference), count_map(current)
    n_ref, n_cur = sum(ref.values()), sum(cur.values())
    if n_ref < MIN_VALUES or n_cur < MIN_VALUES:
        return None
    shared_ref = sum(n for level, n in ref.items() if level in cur) / n_ref
    shared_cur = sum(n for level, n in cur.items() if level in ref) / n_cur
    if max(shared_ref, shared_cur) > 1 - SEPARATION_D:
        return None
    if len(reference) == 1 and len(current) == 1:
        return "constant_per_side"
    return "time_name" if _time_named(name) else "separates"


def proxy_message(reason: str, detail: str = "") -> str:
    """``"split proxy: <reading>"`` with an optional detail (e.g. the two ranges)."""
    return f"split proxy: {describe(reason)}" + (f" ({detail})" if detail else "")

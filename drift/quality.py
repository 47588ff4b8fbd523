"""Data-quality checks on a production batch: the pipeline breaks that masquerade as drift.

Three signatures, each with a named threshold:

* **missing-value burst** — a feature's missing rate rose by at least :data:`MISSING_JUMP` (absolute)
  and the missing-rate test is significant;
* **new category** — at least :data:`NEW_CATEGORY_SHARE` of current rows carry categories never seen
  in the reference;
* **unit change** — a numeric feature's median moved by a factor of at least :data:`UNIT_FACTOR`
  (e.g. income recorded in thousands) *and* landed outside the reference's central
  :data:`UNIT_RANGE` quantile range — a jump no plausible population shift makes.  (The second
  condition keeps features whose medians sit near 0 from tripping the ratio.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .schema import Schema

MISSING_JUMP = 0.05
NEW_CATEGORY_SHARE = 0.01
UNIT_FACTOR = 20.0
UNIT_RANGE = (0.01, 0.99)


@dataclass(frozen=True, slots=True)
class QualityBaseline:
    """What the checks need of the reference, computed once (reused for every monitored batch).

    ``categories``: each categorical feature's set of seen values; ``numeric``: each numeric
    feature's (median, low, high) with low/high the :data:`UNIT_RANGE` quantiles.
    """

    categories: dict
    numeric: dict

    @classmethod
    def of(cls, reference: pd.DataFrame, schema: Schema) -> QualityBaseline:
        categories, numeric = {}, {}
        for col in schema.features:
            if schema.kinds[col] == "categorical":
                categories[col] = frozenset(reference[col].dropna().unique())
            else:
                values = pd.to_numeric(reference[col], errors="coerce")
                lo, hi = values.quantile(list(UNIT_RANGE))
                numeric[col] = (float(values.median()), float(lo), float(hi))
        return cls(categories, numeric)


@dataclass(frozen=True, slots=True)
class QualityIssue:
    """One data-quality finding on one feature."""

    feature: str
    kind: str        # "missing_burst" | "new_category" | "unit_change"
    message: str
    size: float      # missing-rate jump, unseen share, or median ratio

    def to_dict(self) -> dict:
        return {"feature": self.feature, "kind": self.kind, "message": self.message, "size": self.size}


def quality_issues(reference: pd.DataFrame | QualityBaseline, current: pd.DataFrame, schema: Schema,
                   feature_table: pd.DataFrame, *, alpha: float = 0.05) -> tuple[QualityIssue, ...]:
    """Data-quality issues of ``current`` against ``reference`` or its :class:`QualityBaseline`
    (module docstring for the rules)."""
    base = reference if isinstance(reference, QualityBaseline) else QualityBaseline.of(reference, schema)
    issues: list[QualityIssue] = []
    for row in feature_table.itertuples(index=False):
        jump = row.missing_cur - row.missing_ref
        if jump >= MISSING_JUMP and row.missing_pvalue_adjusted < alpha:
            issues.append(QualityIssue(row.feature, "missing_burst",
                                       f"{row.feature}: missing values rose from {row.missing_ref:.1%} to "
                                       f"{row.missing_cur:.1%}", float(jump)))
    for col in schema.features:
        if schema.kinds[col] == "categorical":
            seen = base.categories[col]
            cur = current[col].dropna()
            if len(cur):
                unseen = ~cur.isin(list(seen))
                share = float(unseen.mean())
                if share >= NEW_CATEGORY_SHARE:
                    top = cur[unseen].value_counts().index[:3].tolist()
                    issues.append(QualityIssue(col, "new_category",
                                               f"{col}: {share:.1%} of rows carry categories never seen in "
                                               f"training ({', '.join(map(repr, top))})", share))
        else:
            r, lo, hi = base.numeric[col]
            c = pd.to_numeric(current[col], errors="coerce").median()
            if r and c and np.isfinite(r) and np.isfinite(c) and np.sign(r) == np.sign(c):
                ratio = float(c / r)
                outside = c < lo or c > hi
                if outside and (ratio >= UNIT_FACTOR or ratio <= 1 / UNIT_FACTOR):
                    issues.append(QualityIssue(col, "unit_change",
                                               f"{col}: the median went from {r:,.4g} to {c:,.4g} "
                                               f"(×{ratio:.3g})"
                                               " — looks like a unit change", ratio))
    return tuple(issues)

"""One feature's statistics side by side (:class:`FeatureDetail`), with a plain-language reading of each.

The readings are one sentence per statistic, for the pages and reports.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from drift.core.formatting import format_pvalue
from drift.data.quality import Break
from drift.stats.binning import count_map
from drift.stats.psi import PSI_BANDS, DistanceResult, PSIResult, psi_band
from drift.stats.univariate import TestResult


@dataclass(frozen=True, slots=True)
class FeatureDetail:
    """Every statistic of one feature, side by side, with a plain-language reading of each."""

    feature: str
    kind: str
    test: TestResult
    psi: PSIResult
    wasserstein: DistanceResult
    js: DistanceResult
    missing_ref: float
    missing_cur: float
    missing_pvalue: float
    alpha: float = 0.05
    change: str = ""
    unseen_cur: float = float("nan")
    issue: Break | None = None
    proxy: str = ""
    finding: str = ""
    entity: bool = False

    @property
    def method(self) -> str:
        return "ks" if self.kind == "numeric" else "chi2"

    @property
    def readings(self) -> dict[str, str]:
        """One plain-language sentence per statistic (see :mod:`drift.diagnosis.readings`)."""
        return feature_readings(self)


def feature_readings(d: FeatureDetail) -> dict[str, str]:
    """One sentence per statistic: what the number says about this feature (uncorrected p-value)."""
    out: dict[str, str] = {}
    t = d.test
    sig = "a real difference" if t.pvalue < d.alpha else "no evidence of a difference"
    if math.isnan(t.statistic):
        out["test"] = f"Test not run: {t.note}."
    elif d.kind == "numeric":
        out["test"] = (f"KS: the two cumulative distributions differ by at most {t.statistic:.1%} of rows "
                       f"(D = {t.statistic:.3f}, {format_pvalue(t.pvalue, prefix=True)}): {sig} "
                       f"at alpha = {d.alpha:g}.")
    else:
        out["test"] = (f"Chi-square: category shares differ (χ² = {t.statistic:.1f}, "
                       f"{format_pvalue(t.pvalue, prefix=True)}): {sig} at alpha = {d.alpha:g}.")
    psi = d.psi.statistic
    if math.isnan(psi):
        out["psi"] = f"PSI not computed: {d.psi.note}."
    else:
        band = psi_band(psi)
        out["psi"] = (f"PSI {psi:.3f}: a {band} shift in how rows spread over the bins "
                      f"(< {PSI_BANDS[0]:g} small, ≥ {PSI_BANDS[1]:g} major).")
        table = d.psi.table
        if len(table) and psi >= PSI_BANDS[0]:
            top = table.loc[table["contribution"].idxmax()]
            out["psi"] += (f" Most of it comes from bin {top['bin']}: "
                           f"{top['ref_pct']:.1%} of reference rows, "
                           f"{top['cur_pct']:.1%} of current rows.")
    w = d.wasserstein.statistic
    if d.kind == "numeric":
        out["wasserstein"] = (f"Wasserstein: values moved by {w:.2f} reference standard deviations "
                              "on average."
                              if not math.isnan(w) else f"Wasserstein not computed: {d.wasserstein.note}.")
    js = d.js.statistic
    out["js"] = (f"Jensen–Shannon distance {js:.3f} on a 0–1 scale (0 = identical bin shares)."
                 if not math.isnan(js) else f"Jensen–Shannon not computed: {d.js.note}.")
    if d.missing_ref or d.missing_cur:
        change = "changed" if d.missing_pvalue < d.alpha else "did not change significantly"
        out["missing"] = (f"Missing values: {d.missing_ref:.1%} in reference, "
                          f"{d.missing_cur:.1%} in current — "
                          f"the rate {change} ({format_pvalue(d.missing_pvalue, prefix=True)}).")
    return out


def _num(x: float) -> str:
    """A number for a sentence: thousands separators from 10,000 on, else three significant digits."""
    return f"{x:,.0f}" if abs(x) >= 1e4 else f"{x:,.3g}"


def _iqr(values) -> float:
    n = len(values) - 1
    return float(values[int(0.75 * n)] - values[int(0.25 * n)])


def movement_positions(n: int) -> tuple[int, ...]:
    """The positions in ``n`` sorted values that :func:`numeric_movement` reads (the median's one or two,
    the quartiles of :func:`_iqr`): an engine that counts values fetches only these order statistics."""
    if not n:
        return ()
    return tuple(sorted({n // 2, max(n // 2 - 1, 0), int(0.75 * (n - 1)), int(0.25 * (n - 1))}))


def numeric_movement(reference, current) -> str:
    """How a numeric feature moved, in plain words: ``"median 12.1 → 37.2 (×3.07)"``.

    ``reference`` / ``current`` are the sorted non-missing values; a ratio is given when both medians are
    positive and differ by at least 25 %; otherwise the spread (interquartile range) is added when it
    changed by more than 25 % (a feature that widened around the same median).
    """
    if not len(reference) or not len(current):
        return ""
    a, b = float(reference[len(reference) // 2]), float(current[len(current) // 2])
    if len(reference) % 2 == 0:
        a = (a + float(reference[len(reference) // 2 - 1])) / 2
    if len(current) % 2 == 0:
        b = (b + float(current[len(current) // 2 - 1])) / 2
    text = f"median {_num(a)} → {_num(b)}"
    if a > 0 and b > 0 and not 0.8 <= b / a <= 1.25:
        return text + f" (×{b / a:.3g})"
    iqr_a, iqr_b = _iqr(reference), _iqr(current)
    if iqr_a != iqr_b and (iqr_a <= 0 or iqr_b <= 0 or not 0.8 <= iqr_b / iqr_a <= 1.25):
        return text + f", spread (IQR) {_num(iqr_a)} → {_num(iqr_b)}"
    return text


def categorical_movement(reference, current) -> str:
    """The level whose share changed most: ``"'summer' 12% → 61%"`` (``value_counts`` inputs, missing
    excluded); new levels count together as ``"new values 0% → 20%"``."""
    ref, cur = count_map(reference), count_map(current)
    n_ref, n_cur = float(sum(ref.values())), float(sum(cur.values()))
    if not n_ref or not n_cur:
        return ""
    shares = {k: (n / n_ref, cur.get(k, 0) / n_cur) for k, n in ref.items()}
    # summed as pandas sums a Series (NumPy's pairwise sum), in the current data's order
    new = float(np.array([n / n_cur for k, n in cur.items() if k not in ref], dtype=np.float64).sum())
    if new:
        shares["new values"] = (0.0, new)
    key = max(shares, key=lambda k: abs(shares[k][1] - shares[k][0]))
    a, b = shares[key]
    label = key if key == "new values" and new else repr(str(key))
    return f"{label} {a:.0%} → {b:.0%}"

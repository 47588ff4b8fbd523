"""Plain-language readings of the per-feature statistics, one sentence each, for the pages and reports."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .psi import PSI_BANDS, psi_band

if TYPE_CHECKING:  # pragma: no cover
    from .features import FeatureDetail


def format_pvalue(p: float) -> str:
    """``"p < 0.001"`` or ``"p = 0.034"``."""
    if math.isnan(p):
        return "p n/a"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def feature_readings(d: FeatureDetail) -> dict[str, str]:
    """One sentence per statistic: what the number says about this feature (uncorrected p-value)."""
    out: dict[str, str] = {}
    t = d.test
    sig = "a real difference" if t.pvalue < d.alpha else "no evidence of a difference"
    if math.isnan(t.statistic):
        out["test"] = f"Test not run: {t.note}."
    elif d.kind == "numeric":
        out["test"] = (f"KS: the two cumulative distributions differ by at most {t.statistic:.1%} of rows "
                       f"(D = {t.statistic:.3f}, {format_pvalue(t.pvalue)}): {sig} at alpha = {d.alpha:g}.")
    else:
        out["test"] = (f"Chi-square: category shares differ (χ² = {t.statistic:.1f}, "
                       f"{format_pvalue(t.pvalue)}): {sig} at alpha = {d.alpha:g}.")
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
                          f"the rate {change} ({format_pvalue(d.missing_pvalue)}).")
    return out


def _num(x: float) -> str:
    if abs(x) >= 1e4 and math.isfinite(x) and x == round(x):   # an overflowed spread is shown as "inf"
        return f"{x:,.0f}"
    return f"{x:,.3g}" if abs(x) < 1e4 else f"{x:,.5g}"


def _iqr(values) -> float:
    n = len(values) - 1
    return float(values[int(0.75 * n)] - values[int(0.25 * n)])


def numeric_movement(reference, current) -> str:
    """How a numeric feature moved, in plain words: ``"median 12.1 → 37.2 (×3.07)"``.

    ``reference`` / ``current`` are the sorted non-missing values; a ratio is given when both medians are
    positive and differ by at least 25 %, a difference otherwise.
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
    if a == b:
        iqr_a, iqr_b = _iqr(reference), _iqr(current)
        if iqr_a != iqr_b:
            return text + f", spread (IQR) {_num(iqr_a)} → {_num(iqr_b)}"
    return text


def categorical_movement(reference, current) -> str:
    """The level whose share changed most: ``"'summer' 12% → 61%"`` (``value_counts`` inputs, missing
    excluded); new levels count together as ``"new values 0% → 20%"``."""
    n_ref, n_cur = float(reference.sum()), float(current.sum())
    if not n_ref or not n_cur:
        return ""
    ref_share = reference / n_ref
    cur_share = current / n_cur
    shares = {k: (float(ref_share.get(k, 0.0)), float(cur_share.get(k, 0.0))) for k in ref_share.index}
    new = float(cur_share[~cur_share.index.isin(ref_share.index)].sum())
    if new:
        shares["new values"] = (0.0, new)
    key = max(shares, key=lambda k: abs(shares[k][1] - shares[k][0]))
    a, b = shares[key]
    label = key if key == "new values" and new else repr(str(key))
    return f"{label} {a:.0%} → {b:.0%}"

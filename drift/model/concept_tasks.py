"""Concept drift with labels for regression and multiclass models: has P(y | model output) changed?

As for the binary :func:`drift.model.performance.concept_drift_test`: if P(y | x) is unchanged, then the
distribution of y given the model's output is unchanged too, so a change there proves concept drift (or
a prior shift, for a classifier); a change in a direction the model ignores is not seen.

Regression: :func:`regression_concept_drift_test`
    *Calibration of the forecast.*  Ordinary least squares of ``y`` on the forecast ``ŷ`` over both
    periods with a period indicator ``g`` (0 reference, 1 current) and its interaction::

        y = a + b·ŷ + c·g + d·g·ŷ + ε

    ``c`` (intercept change) and ``d`` (slope change) are tested with heteroscedasticity-robust (HC3)
    standard errors -- the spread of a regression target's error usually grows with the forecast and
    differs between periods -- as ``statsmodels.OLS(...).fit(cov_type="HC3")`` does (normal reference
    distribution); ``statistic`` is the robust Wald χ² of ``c = d = 0`` (2 df).  ``shift_at_mean`` is
    ``c + d·mean(ŷ_reference)``: how much higher the target now is, in its units, at the reference's
    average forecast; ``slope_ratio`` is ``(b + d) / b``.
    *Residuals at equal forecast.*  Each current row's target is ranked among the targets of the
    ``k`` reference rows with the nearest forecasts (``k = sqrt(n_reference)`` within
    :data:`NEIGHBOURS`; a window of consecutive rows of the reference sorted by forecast, centred on the
    row's forecast): ``u = (#{below} + V·(#{equal} + 1)) / (k + 1)`` with ``V ~ Uniform(0, 1)`` (seeded)
    breaking ties.  If y given ŷ is as in the reference, each ``u`` is exactly Uniform(0, 1) -- whatever
    the forecasts' distribution, so covariate shift alone cannot fake a change, and a target with many
    ties (counts, zeros) is handled.  ``residual_statistic`` is the KS distance of the ``u`` from the
    uniform; its p-value is the one-sample KS law (``scipy.stats.kstwo``) at an effective size ``1 / (1 /
    n_current + 1 / n_ref_eff)``, where ``n_ref_eff = 1 / Σ_j w_j²`` counts the reference rows the windows
    used (``w_j``: row j's share of all window places): the reference's own noise counts, as in a
    two-sample test.  Comparing y at equal ŷ is comparing the residuals ``y - ŷ`` at equal ŷ; it sees a
    change of spread or shape the calibration line misses.  ``residual_bins`` shows where: per reference
    decile of the forecast, the current rows and their mean ``u`` (0.5 as in the reference; above: targets
    higher than the reference's at the same forecast).
    A forecast constant on either side leaves the slope undefined: the calibration part is nan, with a
    note, and the residual part still runs.

Multiclass: :func:`multiclass_concept_drift_test`
    The binary test one class against the rest: ``1[y = k]`` on ``P_k`` (the logistic recalibration
    likelihood-ratio test, intercept and slope), for every class present on both sides.  The p-values are
    corrected for the number of classes tested by **Benjamini–Hochberg** (``correction="bh"``, the library's
    default; ``"bonferroni"`` selectable: :func:`drift.stats.correction.adjust_pvalues`), each column
    (joint, intercept, slope) on its own.  The overall ``pvalue`` is the smallest corrected joint
    p-value (with BH, Simes' test of "no class changed"); ``statistic`` the largest per-class χ².  A class
    absent from a side's labels (or the only one there) cannot be tested: nan, with a note.

The decision rules that read these results are in :mod:`drift.core.decisions`
(:func:`~drift.core.decisions.regression_concept_signals`,
:func:`~drift.core.decisions.multiclass_concept_signals`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from threadpoolctl import threadpool_limits

from drift.core.errors import DriftParameterError, TooFewRowsError
from drift.core.jsonsafe import python_scalar
from drift.model.class_estimation import class_rows
from drift.model.performance import concept_drift_test
from drift.model.regression_performance import target_and_forecast
from drift.stats.binning import check_bins, quantile_edges
from drift.stats.correction import CORRECTIONS, adjust_pvalues
from drift.stats.samples import sort_sample

#: Bounds of the number of reference neighbours of each current row in the residual test.
NEIGHBOURS = (20, 500)
#: Forecast bins (reference quantiles) of the residual table.
RESIDUAL_BINS = 10
#: Current rows ranked per block (bounds the memory of the neighbour windows).
PIT_BLOCK = 4096
#: Fewest rows with a target and a forecast on each side.
MIN_ROWS = 10
#: Coefficients of the pooled regression, in order.
_TERMS = ("intercept", "forecast", "period", "period_x_forecast")


@dataclass(frozen=True, slots=True)
class RegressionConceptDrift:
    """Has E[y | forecast], or the spread of y around it, changed? (module docstring)

    Attributes
    ----------
    statistic, pvalue : float
        Robust Wald χ² (2 df) that the intercept and the slope of y on ŷ are unchanged.
    pvalue_intercept, pvalue_slope : float
        Robust z-tests of the intercept change ``c`` and the slope change ``d`` alone.
    intercept_shift : float
        ``c``, in the target's units (the change at a forecast of 0).
    shift_at_mean : float
        ``c + d·mean(ŷ_reference)``: the change of E[y | ŷ] at the reference's mean forecast.
    slope_reference, slope_current, slope_ratio : float
        ``b``, ``b + d`` and their ratio.
    residual_sd : float
        Standard deviation of the reference's residuals around its own line (ddof 2): the yardstick of a
        shift.
    residual_statistic, residual_pvalue : float
        KS distance of the current rows' ranks among their reference neighbours from the uniform, and its
        p-value (module docstring).
    neighbours : int
        Reference neighbours of each current row.
    residual_bins : pandas.DataFrame
        ``lower, upper, n_reference, n_current, mean_rank`` per reference-quantile bin of the forecast
        (``mean_rank``: the current rows' mean ``u``; nan in a bin without current rows).
    n_reference, n_current : int
    notes : tuple of str
    """

    statistic: float
    pvalue: float
    pvalue_intercept: float
    pvalue_slope: float
    intercept_shift: float
    shift_at_mean: float
    slope_reference: float
    slope_current: float
    slope_ratio: float
    residual_sd: float
    residual_statistic: float
    residual_pvalue: float
    neighbours: int
    residual_bins: pd.DataFrame
    n_reference: int
    n_current: int
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        out = {f: getattr(self, f) for f in self.__slots__ if f not in ("residual_bins", "notes")}
        return {**out, "residual_bins": self.residual_bins.to_dict("records"), "notes": list(self.notes)}


def _sides(reference_y, reference_pred, current_y, current_pred) -> list[tuple[np.ndarray, np.ndarray]]:
    out = []
    for side, y, p in (("reference", reference_y, reference_pred), ("current", current_y, current_pred)):
        yv, pv = target_and_forecast(y, p, side)
        ok = ~(np.isnan(yv) | np.isnan(pv))
        if ok.sum() < MIN_ROWS:
            name = getattr(y, "name", None)
            raise TooFewRowsError(f"{int(ok.sum())} row(s) with a target and a forecast: too few to test (at "
                                  f"least {MIN_ROWS})", file=side, column=str(name if name is not None
                                                                             else "target"),
                                  fix="use more rows, or wait for labels")
        out.append((yv[ok], pv[ok]))
    return out


def robust_ols(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """OLS coefficients of ``y`` on the columns of ``x`` and their HC3 covariance (MacKinnon & White 1985):
    ``(XᵀX)⁻¹ Xᵀ diag(e_i² / (1 - h_i)²) X (XᵀX)⁻¹`` with ``h_i`` the leverages."""
    bread = np.linalg.inv(x.T @ x)
    beta = bread @ (x.T @ y)
    resid = y - x @ beta
    leverage = np.einsum("ij,jk,ik->i", x, bread, x)
    weights = resid ** 2 / (1 - leverage) ** 2
    return beta, bread @ (x.T * weights) @ x @ bread


def neighbour_ranks(ref: tuple[np.ndarray, np.ndarray], cur: tuple[np.ndarray, np.ndarray], k: int,
                    gen: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Each current row's randomised rank ``u`` among the targets of its ``k`` forecast neighbours in the
    reference, and how many windows hold each reference row (in forecast order) -- module docstring."""
    order = np.argsort(ref[1], kind="stable")
    forecasts, targets = ref[1][order], ref[0][order]
    n_ref = targets.size
    start = np.clip(np.searchsorted(forecasts, cur[1]) - k // 2, 0, n_ref - k)
    u = np.empty(cur[0].size)
    offsets = np.arange(k)
    for block in range(0, cur[0].size, PIT_BLOCK):
        rows = slice(block, block + PIT_BLOCK)
        window = targets[start[rows, None] + offsets]
        y = cur[0][rows, None]
        below, equal = (window < y).sum(axis=1), (window == y).sum(axis=1)
        u[rows] = (below + gen.random(below.size) * (equal + 1)) / (k + 1)
    usage = np.zeros(n_ref + 1)
    np.add.at(usage, start, 1)
    np.add.at(usage, start + k, -1)
    return u, np.cumsum(usage)[:n_ref]


def _residual_test(ref: tuple[np.ndarray, np.ndarray], cur: tuple[np.ndarray, np.ndarray], bins: int,
                   gen: np.random.Generator) -> tuple[float, float, int, pd.DataFrame]:
    k = int(min(ref[0].size, np.clip(round(np.sqrt(ref[0].size)), *NEIGHBOURS)))
    u, usage = neighbour_ranks(ref, cur, k, gen)
    weights = usage / usage.sum()
    n_eff = 1.0 / (1.0 / u.size + np.sum(weights ** 2))
    statistic = float(stats.kstest(u, "uniform").statistic)
    pvalue = float(stats.kstwo.sf(statistic, max(1, round(n_eff))))
    edges = quantile_edges(sort_sample(ref[1]), bins)
    bounds = np.r_[-np.inf, edges, np.inf]
    ref_bin, cur_bin = (np.searchsorted(edges, p, side="right") for p in (ref[1], cur[1]))
    rows = [(bounds[j], bounds[j + 1], int((ref_bin == j).sum()), int((cur_bin == j).sum()),
             float(u[cur_bin == j].mean()) if (cur_bin == j).any() else np.nan)
            for j in range(len(bounds) - 1)]
    table = pd.DataFrame(rows, columns=["lower", "upper", "n_reference", "n_current", "mean_rank"])
    return statistic, pvalue, k, table


def regression_concept_drift_test(reference_y, reference_pred, current_y, current_pred, *,
                                  bins: int = RESIDUAL_BINS, rng=0) -> RegressionConceptDrift:
    """Has E[y | forecast] changed (calibration line), or the residuals at equal forecast? (module docstring)

    Parameters
    ----------
    reference_y, reference_pred, current_y, current_pred : array-like or Series
        Observed target and forecast of each side (the reference: a labelled hold-out scored by the
        model); rows missing either are left out.
    bins : int, default :data:`RESIDUAL_BINS`
        Forecast bins of the residual table.
    rng : int or numpy.random.Generator, default 0
        Seed of the tie-breaking draws of the residual test.

    Returns
    -------
    RegressionConceptDrift

    Raises
    ------
    TooFewRowsError
        Fewer than :data:`MIN_ROWS` rows with a target and a forecast on a side.
    DriftInputError
        Text, infinite values or misaligned columns.

    Examples
    --------
    >>> import numpy as np
    >>> gen = np.random.default_rng(0)
    >>> f_ref, f_cur = gen.normal(10, 2, 2000), gen.normal(10, 2, 2000)
    >>> res = regression_concept_drift_test(f_ref + gen.normal(0, 1, 2000), f_ref,
    ...                                     1.3 * f_cur + gen.normal(0, 1, 2000), f_cur)
    >>> res.pvalue < 0.001, round(res.slope_ratio, 1)
    (True, 1.3)
    """
    check_bins(bins, "regression_concept_drift_test")
    ref, cur = _sides(reference_y, reference_pred, current_y, current_pred)
    notes = []
    r_stat, r_p, k, table = _residual_test(ref, cur, bins, np.random.default_rng(rng))
    constant = [side for side, (_, p) in zip(("reference", "current"), (ref, cur), strict=True)
                if np.ptp(p) == 0]
    if constant:
        notes.append(f"{' and '.join(constant)}: the forecast is constant, so the slope of y on it is "
                     "undefined: calibration not tested")
        fit = dict.fromkeys(("statistic", "pvalue", "pvalue_intercept", "pvalue_slope", "intercept_shift",
                             "shift_at_mean", "slope_reference", "slope_current", "slope_ratio",
                             "residual_sd"), np.nan)
    else:
        fit = _calibration_change(ref, cur)
    return RegressionConceptDrift(**fit, residual_statistic=r_stat, residual_pvalue=r_p, neighbours=k,
                                  residual_bins=table, n_reference=int(ref[0].size),
                                  n_current=int(cur[0].size), notes=tuple(notes))


def _calibration_change(ref, cur) -> dict:
    y = np.r_[ref[0], cur[0]]
    p = np.r_[ref[1], cur[1]]
    g = np.r_[np.zeros(ref[0].size), np.ones(cur[0].size)]
    x = np.column_stack([np.ones_like(p), p, g, g * p])
    beta, cov = robust_ols(x, y)
    change, change_cov = beta[2:], cov[2:, 2:]
    wald = float(change @ np.linalg.solve(change_cov, change))
    z = change / np.sqrt(np.diag(change_cov))
    ref_fit = np.polyfit(ref[1], ref[0], 1)
    residual_sd = float(np.sqrt(np.sum((ref[0] - np.polyval(ref_fit, ref[1])) ** 2) / (ref[0].size - 2)))
    return dict(statistic=wald, pvalue=float(stats.chi2.sf(wald, 2)),
                pvalue_intercept=float(2 * stats.norm.sf(abs(z[0]))),
                pvalue_slope=float(2 * stats.norm.sf(abs(z[1]))),
                intercept_shift=float(beta[2]), shift_at_mean=float(beta[2] + beta[3] * ref[1].mean()),
                slope_reference=float(beta[1]), slope_current=float(beta[1] + beta[3]),
                slope_ratio=float((beta[1] + beta[3]) / beta[1]) if beta[1] else np.nan,
                residual_sd=residual_sd)


@dataclass(frozen=True, slots=True)
class MulticlassConceptDrift:
    """Has P(class | its probability) changed for some class? (module docstring)

    Attributes
    ----------
    statistic : float
        The largest per-class likelihood-ratio χ² (2 df).
    pvalue : float
        The smallest corrected joint p-value over the classes tested.
    per_class : pandas.DataFrame
        One row per class: ``class, n_reference, n_current`` (rows of that class), ``statistic, pvalue,
        pvalue_intercept, pvalue_slope, intercept_shift, slope_ratio`` (the binary test's fields) and
        ``pvalue_adjusted, pvalue_intercept_adjusted, pvalue_slope_adjusted``; nan for a class not tested.
    correction : str
    n_reference, n_current : int
    notes : tuple of str
    """

    statistic: float
    pvalue: float
    per_class: pd.DataFrame
    correction: str
    n_reference: int
    n_current: int
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"statistic": self.statistic, "pvalue": self.pvalue, "correction": self.correction,
                "per_class": self.per_class.to_dict("records"), "n_reference": self.n_reference,
                "n_current": self.n_current, "notes": list(self.notes)}


_CLASS_FIELDS = ("statistic", "pvalue", "pvalue_intercept", "pvalue_slope", "intercept_shift", "slope_ratio")


def _class_row(j: int, label, ry: np.ndarray, rp: np.ndarray, cy: np.ndarray, cp: np.ndarray,
               notes: list[str]) -> dict:
    """The binary test of class ``j`` against the rest (nan, with a note, when a side lacks it or has
    nothing else)."""
    counts = [int((ry == j).sum()), int((cy == j).sum())]
    row = {"class": label, "n_reference": counts[0], "n_current": counts[1],
           **dict.fromkeys(_CLASS_FIELDS, np.nan)}
    degenerate = [side for side, count, n in zip(("reference", "current"), counts, (ry.size, cy.size),
                                                 strict=True) if count in (0, n)]
    if degenerate:
        what = "absent from" if min(counts) == 0 else "the only class of"
        notes.append(f"class {python_scalar(label)!r} {what} the {' and '.join(degenerate)} labels: not "
                     "tested")
        return row
    test = concept_drift_test((ry == j).astype(np.int8), rp[:, j], (cy == j).astype(np.int8), cp[:, j])
    return {**row, **{f: getattr(test, f) for f in _CLASS_FIELDS}}


def multiclass_concept_drift_test(reference_y, reference_probabilities, current_y, current_probabilities, *,
                                  classes: Sequence, correction: str = "bh") -> MulticlassConceptDrift:
    """One-vs-rest concept-drift test of every class, corrected for the number of classes (module docstring).

    Parameters
    ----------
    reference_y, current_y : array-like
        True classes of each side.
    reference_probabilities, current_probabilities : pandas.DataFrame
        One probability column per class, in ``classes`` order.
    classes : sequence
        Class labels in column order.
    correction : {"bh", "bonferroni", "none"}, default "bh"

    Returns
    -------
    MulticlassConceptDrift

    Raises
    ------
    TooFewRowsError
        Fewer than :data:`MIN_ROWS` labelled rows on a side.
    DriftInputError
        Labels outside ``classes``, probabilities outside [0, 1], misaligned rows.
    """
    func = "multiclass_concept_drift_test"
    classes = tuple(classes)
    if len(classes) < 2:
        raise DriftParameterError.invalid("classes", func, "at least 2 class labels", classes)
    if correction not in CORRECTIONS:
        raise DriftParameterError.invalid("correction", func, f"one of {CORRECTIONS}", correction)
    sides, notes = [], []
    for side, y, proba in (("reference", reference_y, reference_probabilities),
                           ("current", current_y, current_probabilities)):
        labels, p, side_notes = class_rows(y, proba, classes, side, func, labelled=True)
        if labels.size < MIN_ROWS:
            raise TooFewRowsError(f"{labels.size} labelled row(s) with probabilities: too few to test (at "
                                  f"least {MIN_ROWS})", file=side, fix="use more rows, or wait for labels")
        sides.append((labels, p))
        notes += side_notes
    (ry, rp), (cy, cp) = sides
    with threadpool_limits(limits=1):     # BLAS threads crawl when they contend on a busy host
        rows = [_class_row(j, label, ry, rp, cy, cp, notes) for j, label in enumerate(classes)]
    table = pd.DataFrame(rows)
    for column in ("pvalue", "pvalue_intercept", "pvalue_slope"):
        table[f"{column}_adjusted"] = adjust_pvalues(table[column].to_numpy(float), correction)
    tested = table["pvalue_adjusted"].notna()
    statistic = float(table.loc[tested, "statistic"].max()) if tested.any() else np.nan
    pvalue = float(table.loc[tested, "pvalue_adjusted"].min()) if tested.any() else np.nan
    return MulticlassConceptDrift(statistic, pvalue, table, correction, int(ry.size), int(cy.size),
                                  tuple(notes))

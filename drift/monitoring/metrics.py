"""Per-batch detector metrics: every metric of :data:`drift.monitoring.detectors.METRICS` on a batch, or
on a null draw, against a :class:`~drift.monitoring.reference.Baseline`.

:func:`measure` computes the row-based metrics of a batch (or a null chunk) with the library's own
functions; :func:`score_nulls` the score-based ones of null draws directly from weights on the
reference's sorted scores (the same numbers, ~10x cheaper); :func:`domain_auc` and :func:`mmd_statistic`
the two multivariate statistics.

Per-feature thresholds (the features detector's statistic; rule 2 of :mod:`drift.monitoring.calibration`)
-----------------------------------------------------------------------------------------------------------
The features detector compares every feature, and features differ in how much their PSI moves by chance,
and in the shape of that noise (a two-level feature's PSI has a long tail, a ten-bin one's a short one).
Under the null a PSI over ``B`` bins behaves like a scaled chi-square with ``d = B - 1`` degrees of freedom
(``PSI ~ (1/n + 1/N) chi2_d`` for small changes), so each feature gets a **tail probability**
``p_f = P(chi2_d > d * PSI_f / level_f)``, where ``d`` counts the reference's non-empty bins (missing
values one more) and ``level_f`` is the feature's mean PSI over the null draws (at least
:data:`PSI_LEVEL_FLOOR`; each draw's own ``p_f`` uses the mean of the *other* draws, so that draws and
batches are scored alike).  The detector's statistic ``psi_tail`` is the smallest ``p_f`` over the
features (:func:`psi_tail`), and its threshold ``p*`` is calibrated on the null draws like any metric
(rule 3): the chi-square shape only decides how the false-alarm budget is shared between features, the
rate itself comes from the draws.  So each feature has its **own PSI threshold**,
``level_f / d * chi2_d.isf(p*)`` (:func:`feature_thresholds`; the band of the Timeline's feature chart),
and the detector alerts when any feature crosses its own -- the minimum over features calibrated as one
statistic, not one test per feature.  ``max_psi`` (the largest raw PSI) is shown, never alerted on.
**Muted** features (a change that is expected, such as a calendar feature) are still compared, charted and
given a threshold, but stay out of ``psi_tail``, ``share_drifted``, the data-quality count, the domain
classifier and the verdicts, and are tested apart from the others so that their change does not loosen the
others' multiple-testing correction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.stats import chi2

from drift.data.quality import quality_issues
from drift.diagnosis.features import N_JOBS, ReferenceProfile, feature_drift
from drift.model.performance import classification_metrics, labelled_scores
from drift.model.prediction import prediction_drift
from drift.monitoring.detectors import (
    DOMAIN_MIN_ROWS,
    MIN_LABELS,
    PREDICTION_BINS,
    SCORE_DETECTORS,
    metric_names,
)
from drift.monitoring.reference import Baseline, Reference
from drift.monitoring.task_outputs import weighted_psi
from drift.multivariate.domain import domain_classifier_test
from drift.multivariate.mmd import mmd_test
from drift.stats.samples import as_float_array

#: Batches from this many rows compare their features on two threads (below, thread start-up costs more).
PARALLEL_FROM = 20_000
#: A feature's null PSI level (mean over the calibration draws) is at least this, so a feature that is
#: constant in the reference gets a finite (tiny) level and alerts as soon as it moves.
PSI_LEVEL_FLOOR = 1e-9


@dataclass(slots=True)
class Measured:
    """The row-based metrics of one batch or null chunk: ``values`` by metric name, the feature-drift
    ``table`` (features or quality detector) and the data-quality ``issues``."""

    values: dict[str, float] = field(default_factory=dict)
    table: pd.DataFrame | None = None
    issues: tuple = ()


def effective_sizes(ref: Reference, rows: pd.DataFrame, active: set[str], domain_max_samples: int,
                    mmd_max_samples: int) -> dict[str, int]:
    """Detector -> the sample size its metrics effectively use for this batch: rows for the per-feature
    metrics, rows with a score for prediction drift and CBPE, labelled rows for realised performance,
    the subsample of the domain classifier and MMD."""
    n = len(rows)
    sizes = {d: n for d in ("features", "quality") if d in active}
    if ref.outputs is not None:
        sizes.update(ref.outputs.sizes(rows, "batch", active))
    elif ref.prediction is not None and ref.prediction in rows.columns:
        p = as_float_array(rows[ref.prediction])
        for d in ("prediction", "estimated_performance"):
            if d in active:
                sizes[d] = int((~np.isnan(p)).sum())
        if "performance" in active and ref.target in rows.columns:
            y = as_float_array(rows[ref.target])
            sizes["performance"] = int((~(np.isnan(y) | np.isnan(p))).sum())
    if "domain" in active:
        sizes["domain"] = min(n, domain_max_samples, ref.n // 2)
    if "mmd" in active:
        sizes["mmd"] = min(n, mmd_max_samples, ref.n - 2)
    return sizes


def measure(ref: Reference, base: Baseline, rows: pd.DataFrame, detectors: set[str], *, alpha: float,
            correction: str, label: str = "batch") -> Measured:
    """Every row-based metric of ``rows`` against ``base`` (a real batch, or a null chunk); ``label``
    names the batch in messages."""
    out = Measured()
    if detectors & {"features", "quality"} and ref.features:
        _measure_features(ref, base, rows, detectors, alpha, correction, out)
    if ref.outputs is not None:       # a regression or multiclass model (:mod:`.task_outputs`)
        if detectors & SCORE_DETECTORS:
            out.values.update(ref.outputs.measure(rows, label, base.row_weights, detectors))
        return out
    scores = None
    if ref.prediction is not None and ref.prediction in rows.columns:
        scores = as_float_array(rows[ref.prediction])
        out.values.update(_score_metrics(ref, base, scores[~np.isnan(scores)], detectors))
    if "performance" in detectors and base.performance and scores is not None and ref.target in rows.columns:
        out.values["roc_auc"], out.values["accuracy"] = _realised(ref, as_float_array(rows[ref.target]),
                                                                  scores)
    return out


def _measure_features(ref: Reference, base: Baseline, rows: pd.DataFrame, detectors: set[str],
                      alpha: float, correction: str, out: Measured) -> None:
    """The feature-drift table of ``rows``, and from it the features and data-quality metrics (in
    ``out``).  Muted features are tested apart, so that their (expected) change does not loosen the
    multiple-testing correction of the others."""
    n_jobs = 1 if len(rows) < PARALLEL_FROM else N_JOBS
    parts = [ReferenceProfile(group, base.profile.bins, base.profile.n_rows) for group in (
        tuple(fp for fp in base.profile.features if fp.name not in ref.muted),
        tuple(fp for fp in base.profile.features if fp.name in ref.muted)) if group]
    tables = [feature_drift(part, rows, alpha=alpha, correction=correction, bins=ref.bins, n_jobs=n_jobs)
              for part in parts]
    table = tables[0] if len(tables) == 1 else pd.concat(tables, ignore_index=True)
    out.table = table
    if "features" in detectors:
        live = table[~table["feature"].isin(ref.muted)]
        out.values["share_drifted"] = float(live["drifted"].mean()) if len(live) else float("nan")
        psi = live["psi"].to_numpy(dtype=float)
        out.values["max_psi"] = float(np.nanmax(psi)) if np.isfinite(psi).any() else float("nan")
    if "quality" in detectors:
        out.issues = tuple(i for i in quality_issues(ref.quality, rows, ref.schema, table, alpha=alpha)
                           if i.feature not in ref.muted)
        out.values["quality_issues"] = float(len(out.issues))


def _score_metrics(ref: Reference, base: Baseline, valid: np.ndarray,
                   detectors: set[str]) -> dict[str, float]:
    """Prediction PSI and CBPE estimates of a batch's non-missing scores ``valid``."""
    values: dict[str, float] = {}
    if "prediction" in detectors and base.score_weights is not None:     # a reweighted reference
        values["prediction_psi"] = prediction_psi(ref.scores.valid_sorted, base.score_weights, np.sort(valid),
                                                  np.ones(valid.size))
    elif "prediction" in detectors:
        ok = valid.size >= 2 and base.scores is not None and base.scores.size >= 2
        values["prediction_psi"] = (prediction_drift(base.scores, valid, threshold=ref.threshold,
                                                     bins=PREDICTION_BINS).statistic if ok else float("nan"))
    if "estimated_performance" in detectors and ref.cbpe is not None:
        values.update(ref.estimated_of(valid) if valid.size >= 2 else
                      {"estimated_roc_auc": np.nan, "estimated_accuracy": np.nan})
    return values


def _realised(ref: Reference, y: np.ndarray, scores: np.ndarray) -> tuple[float, float]:
    """Realised ROC AUC and accuracy of a batch's labelled rows (``nan`` below :data:`MIN_LABELS`)."""
    keep = ~(np.isnan(y) | np.isnan(scores))
    if keep.sum() < MIN_LABELS:
        return float("nan"), float("nan")
    yy, pp = labelled_scores(y[keep], scores[keep], "current")
    m = classification_metrics(yy, pp, ref.threshold)
    return m["roc_auc"], m["accuracy"]


def score_nulls(ref: Reference, draws: Sequence[tuple[np.ndarray, np.ndarray]], detectors: set[str],
                split: bool) -> dict[str, list[float]]:
    """Null values of the score-based metrics for some draws (rule 1 of
    :mod:`drift.monitoring.calibration`).

    Each draw is a chunk (reference row positions) and pseudo-reference weights (``split``: the rows not
    in the chunk).  Both sides are weightings of the reference's rows, so every statistic is computed
    on the reference's scores sorted once: the chunk's prediction PSI against the pseudo-reference's
    decile edges, and the *changes* chunk minus pseudo-reference of realised and estimated (CBPE) ROC
    AUC and accuracy.  The numbers equal :func:`drift.prediction_drift`,
    :func:`drift.model.performance.classification_metrics` and
    :func:`drift.model.performance.expected_metrics` on the chunk's rows and on the pseudo-reference's
    rows repeated by their weights (tested), without sorting either again.
    """
    names = metric_names(detectors & SCORE_DETECTORS, task=ref.task)
    out: dict[str, list[float]] = {m: [] for m in names}
    for chunk, pseudo in draws:
        values = ref.outputs.null(chunk, pseudo, detectors, split) if ref.outputs is not None \
            else _score_null(ref, chunk, pseudo, detectors, split)
        for metric in names:
            out[metric].append(values.get(metric, float("nan")))
    return out


def _score_null(ref: Reference, chunk: np.ndarray, pseudo: np.ndarray, detectors: set[str],
                split: bool) -> dict[str, float]:
    """The score-based metrics of one null draw (:func:`score_nulls`)."""
    values: dict[str, float] = {}
    if detectors & {"prediction", "estimated_performance"}:
        c, w = _sides(chunk, pseudo, ref.scores.rank, ref.scores.order[:ref.scores.n_valid], split)
        if "prediction" in detectors:
            values["prediction_psi"] = prediction_psi(ref.scores.valid_sorted, w, ref.scores.valid_sorted, c)
        if "estimated_performance" in detectors and ref.cbpe is not None and c.sum() >= 2:
            (auc_c, acc_c), (auc_w, acc_w) = ref.weighted_expected(c), ref.weighted_expected(w)
            values["estimated_roc_auc"], values["estimated_accuracy"] = auc_c - auc_w, acc_c - acc_w
    if "performance" in detectors and ref.whole.performance:
        c, w = _sides(chunk, pseudo, ref.labels.rank, ref.labels.rows, split)
        if c.sum() >= MIN_LABELS:
            (auc_c, acc_c), (auc_w, acc_w) = ref.weighted_realised(c), ref.weighted_realised(w)
            values["roc_auc"], values["accuracy"] = auc_c - auc_w, acc_c - acc_w
    return values


def _sides(chunk: np.ndarray, pseudo: np.ndarray, rank: np.ndarray, rows: np.ndarray,
           split: bool) -> tuple[np.ndarray, np.ndarray]:
    """Chunk and pseudo-reference weights of the rows ``rows`` (in that order; ``rank`` maps a reference
    row to its position there, -1 when absent)."""
    at = rank[chunk]
    c = np.bincount(at[at >= 0], minlength=rows.size).astype(np.float64)
    return c, (1.0 - c) if split else pseudo[rows].astype(np.float64)


def prediction_psi(values: np.ndarray, weights: np.ndarray, current: np.ndarray,
                   current_weights: np.ndarray) -> float:
    """Prediction PSI of a weighted sample of sorted scores ``current`` against a weighted reference,
    the sorted scores ``values``: :func:`drift.prediction_drift`'s decile edges and counts on the samples
    in which each value appears its weight times (counts rounded to whole rows).  A null draw passes the
    reference's scores for both sides (chunk and pseudo-reference weights); a batch its own scores, each
    weighing 1, against the reweighted reference
    (:meth:`~drift.monitoring.reference.Reference.reweighted`)."""
    return weighted_psi(values, weights, current, current_weights, PREDICTION_BINS)


def domain_auc(ref: Reference, a: pd.DataFrame, b: pd.DataFrame, k: int, n_folds: int, seed) -> tuple:
    """The domain classifier's AUC between ``a`` and ``b`` on the features not muted (at most ``k`` rows
    per side), and its result; ``(nan, None)`` below :data:`DOMAIN_MIN_ROWS` rows."""
    if k < DOMAIN_MIN_ROWS:
        return float("nan"), None
    live = [f for f in ref.features if f not in ref.muted]
    res = domain_classifier_test(a[live], b[live], max_samples=k, n_folds=n_folds, rng=seed)
    return float(res.auc), res


def mmd_statistic(a: np.ndarray, b: np.ndarray, max_samples: int, seed) -> float:
    """MMD² between two embedding matrices (at most ``max_samples`` rows per side; no permutations: its
    threshold is calibrated); ``nan`` with fewer than two rows on a side."""
    if len(a) < 2 or len(b) < 2:
        return float("nan")
    return float(mmd_test(a, b, n_permutations=1, max_samples=max_samples, rng=seed).statistic)


# ----------------------------------------------------------------------- the features detector's statistic
def psi_levels(null_psi: Mapping[str, Sequence[float]]) -> dict[str, float]:
    """Each feature's null PSI level: its mean over the draws, at least :data:`PSI_LEVEL_FLOOR`."""
    levels = {}
    for name, values in null_psi.items():
        v = np.asarray(values, dtype=np.float64)
        v = v[np.isfinite(v)]
        levels[name] = max(float(v.mean()), PSI_LEVEL_FLOOR) if v.size else float("nan")
    return levels


def psi_tail(psi: Mapping[str, float], levels: Mapping[str, float], dofs: Mapping[str, int],
             muted: frozenset) -> float:
    """The smallest PSI tail probability ``P(chi2_d > d PSI / level)`` over the features not muted
    (module docstring); ``nan`` without any."""
    tails = [float(chi2.sf(dofs[f] * psi[f] / levels[f], dofs[f])) for f in levels
             if f not in muted and f in psi and np.isfinite(psi[f]) and np.isfinite(levels[f])]
    return min(tails) if tails else float("nan")


def null_tails(null_psi: Mapping[str, Sequence[float]], dofs: Mapping[str, int], muted: frozenset) -> list:
    """``psi_tail`` of every null draw, each scored with the levels of the *other* draws (leave one out),
    as a batch is scored with levels it took no part in."""
    values = {f: np.asarray(v, dtype=np.float64) for f, v in null_psi.items()}
    k = len(next(iter(values.values()), ()))
    out = []
    for j in range(k):
        others = {f: np.delete(v, j) for f, v in values.items()}
        out.append(psi_tail({f: v[j] for f, v in values.items()}, psi_levels(others), dofs, muted))
    return out


def feature_thresholds(levels: Mapping[str, float], dofs: Mapping[str, int], tail: float) -> pd.Series:
    """Each feature's PSI threshold ``level / d * chi2_d.isf(tail)`` (module docstring)."""
    return pd.Series({f: lv / dofs[f] * float(chi2.isf(tail, dofs[f])) if np.isfinite(tail) else np.nan
                      for f, lv in levels.items()}, dtype=float)

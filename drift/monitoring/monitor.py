"""Monitoring over time: per-batch drift metrics, with alert thresholds calibrated on the reference.

:func:`monitor` compares every production batch with the reference and reports one row per batch and
metric (:data:`METRICS`); each *detector* (:data:`DETECTORS`) owns one or more metrics.

Thresholds (the decision rule, written once in :func:`joint_thresholds` and :func:`exceeds`)
-------------------------------------------------------------------------------------------
A fixed cut-off means different things at different batch sizes (a PSI of 0.02 is noise at 500 rows
and a real move at 500,000).  So each detector's thresholds are **calibrated on the reference at the
batch's size**, and together, so that the *detector* -- not each of its metrics -- false-alarms at the
chosen level:

1. **Null batches.**  Draw null batches of the batch's size ``n`` from the reference (``N`` rows) and
   compare each with a *pseudo-reference* exactly as a real batch is compared with the reference (same
   functions, same parameters): ``n_calibration`` draws for the feature-based detectors (features,
   quality), :data:`SCORE_DRAWS_FACTOR` times as many for the cheap score-based ones (prediction,
   realised and estimated performance), the first ``n_calibration`` draws shared.  (The score-based
   values come from weights on the reference's scores sorted once, :func:`_score_nulls`: the same
   numbers as measuring the rows, ~10x cheaper.)

   * ``"split"`` mode (``n <= BOOTSTRAP_ABOVE * N``): the chunk is drawn without replacement and the
     pseudo-reference is the *other* ``N - n`` rows (their own quantile edges, category counts, score
     distribution, performance).  Chunk and pseudo-reference are then disjoint samples of one
     population, as a clean batch and the reference are.  (Comparing a chunk with the whole reference
     it is part of would understate the null spread: at ``n = N/4`` a PSI comes out ~40 % too small.)
     The pseudo-reference being smaller than the reference widens the null by a factor
     ``1 / (1 - (n/N)^2)`` in variance (1.07 at ``n = N/4``): slightly conservative;
   * ``"bootstrap"`` mode (larger batches): chunk (``n`` rows) and pseudo-reference (``N`` rows) are both
     drawn with replacement from the reference, which gives the right spread ``~ 1/n + 1/N``;
     duplicated rows make KS p-values a little conservative;
   * ``"reweighted"`` mode (score-based detectors of a batch when features are muted, see below): the
     chunk is drawn with replacement from the reference reweighted to the batch's muted features
     (probabilities proportional to the importance weights), the pseudo-reference is a bootstrap of the
     reference's rows times those weights; each such batch gets draws of its own.

   Performance is calibrated as a **change**: the null values are ``chunk - pseudo-reference`` (realised
   ROC AUC and accuracy on the labels; for the estimated ones, CBPE's estimate on each side), and the
   threshold is the reference's own value plus their low quantile, so the reference's sampling error
   is accounted for too.  The domain classifier and MMD subsample both sides to at most
   ``domain_max_samples`` / ``mmd_max_samples`` rows anyway, so their null batches are two disjoint
   samples of those sizes (one calibration serves every batch at or above that size).
2. **Per-feature thresholds.**  The features detector compares every feature, and features differ in
   how much their PSI moves by chance, and in the shape of that noise (a two-level feature's PSI has a
   long tail, a ten-bin one's a short one).  Under the null a PSI over ``B`` bins behaves like a scaled
   chi-square with ``d = B - 1`` degrees of freedom (``PSI ~ (1/n + 1/N) chi2_d`` for small changes), so
   each feature gets a **tail probability** ``p_f = P(chi2_d > d * PSI_f / level_f)``, where ``d`` counts
   the reference's non-empty bins (missing values one more) and ``level_f`` is the feature's mean PSI
   over the null draws (at least :data:`PSI_LEVEL_FLOOR`; each draw's own ``p_f`` uses the mean of the
   *other* draws, so that draws and batches are scored alike).  The detector's statistic ``psi_tail``
   is the smallest ``p_f`` over the features, and its threshold ``p*`` is calibrated on the null draws
   like any metric (rule 3): the chi-square shape only decides how the false-alarm budget is shared
   between features, the rate itself comes from the draws.  So each feature has its **own PSI
   threshold**, ``level_f / d * chi2_d.isf(p*)`` (:attr:`MonitorResult.feature_thresholds`, the band of
   the Timeline's feature chart), and the detector alerts when any feature crosses its own -- the
   minimum over features calibrated as one statistic, not one test per feature.  ``max_psi`` (the largest
   raw PSI) is shown, never alerted on.  **Muted** features (``mute``: a change that is expected, such as
   a calendar feature) are still compared, charted and given a threshold, but stay out of ``psi_tail``,
   ``share_drifted``, the data-quality count, the domain classifier and the verdicts, and are tested
   apart from the others so that their change does not loosen the others' multiple-testing correction.
3. **Thresholds** of one detector are set together from the ``k`` null draws (:func:`joint_thresholds`):
   each null value is ranked within its metric, each draw gets the worst rank over the detector's
   metrics, and the common rank ``r`` is the smallest such that at most ``k - ceil((k + 1) quantile)``
   draws reach it (the split-conformal rank of a single metric); each metric's threshold is its ``r``-th
   least alarming null value.  A fresh clean batch then crosses at least one of the detector's
   thresholds with probability about ``1 - quantile`` (``2/41 = 4.9 %`` for ``k = 40``, ``quantile =
   0.95``), whatever the metrics' distributions and correlation; for a one-metric detector this is the
   plain conformal order statistic (:func:`calibrated_threshold`), for which the interpolated
   ``numpy.quantile`` would give ~7 %.  With too few draws for the quantile the extreme draw is used.
   The guarantee is on average over calibrations: the false-alarm rate of one calibration varies around
   the level with a standard deviation of ~3.4 points at ``k = 40`` and ~1.5 at ``k = 200``, the price
   of a distribution-free rule (hence the extra draws of the cheap detectors; raise ``n_calibration``
   for steadier feature thresholds).
4. **Alert** when the value is strictly beyond the threshold: ``value > threshold`` for metrics that
   grow with drift (share of drifted features, domain-classifier AUC, MMD², data-quality issues),
   ``value < threshold`` for performance, which alerts on a **drop**, and for the PSI tail
   probability.  For a discrete metric whose null is almost always 0 (share of drifted features, issue
   count) the threshold is 0 and any drifted feature or issue alerts.

Each *detector* alerts a clean batch with probability about ``1 - quantile``; a batch alerts when any
detector does, so with the five default detectors of a labelled batch expect up to ~5 x (1 - quantile)
of clean batches to carry an alert (about a fifth at ``quantile=0.95``; use 0.99 for fewer).
``bench/false_alarms.py`` measures each detector's rate on the clean batches of the built-in scenarios.

**What "clean" needs.**  The null draws come from the reference, so a batch is judged against what the
reference *is*.  Two things must hold for a clean batch to look like a null draw:

* the reference's predictions must be **out of sample** -- the model's scores on rows it was not
  trained on (cross-validated predictions, or a held-out validation set).  In-sample scores are
  optimistic (a gradient-boosting model's ROC AUC is ~0.03 higher on its own training rows), so every
  production batch would look worse and realised performance would alert on all of them; monitor adds
  a note when the batches look like that (:data:`IN_SAMPLE_GAP`).  Better still, the reference scores
  come from the *deployed* model on held-out rows: cross-validated scores come from fold models trained
  on less data, whose score distribution can differ from the deployed model's;
* a change that is expected (seasonality, a calendar feature) must be muted, or every batch alerts on
  it.  Muting takes the feature out of the feature-based detectors, and **rebalances the score-based
  ones** (prediction drift, realised and estimated performance): if the model reads the feature, its
  scores (and the outcome) follow it, so each batch is compared with the reference *reweighted to the
  batch's distribution of the muted features* (importance weights on reference deciles / categories,
  :mod:`drift.monitoring.reweighting`): its prediction PSI against the reweighted scores, its performance
  against
  the reweighted reference's, and the thresholds from null draws of the reweighted reference
  (``"reweighted"`` mode, rule 1).  Reweighting cannot extrapolate: a batch with more than
  :data:`drift.monitoring.reweighting.UNSEEN_MAX_SHARE` of its rows at muted values the reference never saw
  (beyond
  its range, a new category) is compared with the unweighted reference, and a note names it -- its
  score-based detectors still see the season.  With nothing muted every number is as before.

Calibration cost is bounded by **size buckets**: effective sizes within a factor
:data:`SIZE_BUCKET_RATIO` of the smallest in a group share one calibration drawn at the group's median
size (equal sizes are calibrated exactly; a size 10 % off shifts a PSI threshold by ~10 %, as PSI scales
like ``1/n``).  The effective size is the number of rows for the per-feature metrics, of rows with a
score for prediction drift and estimated performance, of labelled rows for realised performance.
Draws are seeded from ``rng`` and the size, so adding a batch never changes the others' thresholds.

Reference summaries (the :class:`~drift.diagnosis.features.ReferenceProfile`, argsorts and category codes to
re-weight rows, the isotonic calibration of CBPE, the baselines) are computed once per call and reused
for every batch and every draw.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from drift.core.errors import (
    DriftInputError,
    DriftParameterError,
    MixedTypeError,
    check_int,
    check_parameter,
    is_number,
)
from drift.core.inputs import numeric_values
from drift.core.jsonsafe import jsonable
from drift.data.batching import describe_split, split_batches
from drift.data.quality import QualityBaseline
from drift.diagnosis.features import (
    N_JOBS,
    FeatureProfile,
    ReferenceProfile,
    feature_drift,
    profile_reference,
)
from drift.monitoring.reweighting import UNSEEN_MAX_SHARE, JointBins, Reweighting
from drift.stats.samples import SortedSample, as_float_array

#: Detector name -> label.  A detector alerts on a batch when any of its metrics alerts.
DETECTORS: dict[str, str] = {
    "features": "Per-feature KS/chi² + PSI",
    "prediction": "Prediction drift (PSI)",
    "domain": "Domain classifier",
    "mmd": "MMD on embeddings",
    "performance": "Realised performance",
    "estimated_performance": "Estimated performance (CBPE)",
    "quality": "Data-quality checks",
}
#: Every detector but the domain classifier, which is opt-in: it trains ``n_batches + domain_calibration``
#: gradient-boosted models (~0.5-1 s each on 2 cores) and would triple the cost of a 24-batch run.
#: Detectors whose inputs are absent (no prediction, labels or embeddings) are skipped.
DEFAULT_DETECTORS: tuple[str, ...] = tuple(d for d in DETECTORS if d != "domain")
DIRECTIONS = ("up", "down", "none")


@dataclass(frozen=True, slots=True)
class MetricSpec:
    """A monitored metric: its detector, which way is bad, and a label for charts."""

    name: str
    detector: str | None
    direction: str     # "up": alert when value > threshold; "down": when value < threshold; "none"
    label: str


#: Metrics in display order.
METRICS: tuple[MetricSpec, ...] = (
    MetricSpec("n_rows", None, "none", "rows"),
    MetricSpec("share_drifted", "features", "up", "share of features drifted"),
    MetricSpec("psi_tail", "features", "down", "smallest PSI tail probability over features"),
    MetricSpec("max_psi", "features", "none", "largest feature PSI (each feature has its own threshold)"),
    MetricSpec("prediction_psi", "prediction", "up", "prediction PSI"),
    MetricSpec("domain_auc", "domain", "up", "domain-classifier AUC"),
    MetricSpec("mmd", "mmd", "up", "MMD² of embeddings"),
    MetricSpec("roc_auc", "performance", "down", "ROC AUC"),
    MetricSpec("accuracy", "performance", "down", "accuracy"),
    MetricSpec("estimated_roc_auc", "estimated_performance", "down", "estimated ROC AUC"),
    MetricSpec("estimated_accuracy", "estimated_performance", "down", "estimated accuracy"),
    MetricSpec("quality_issues", "quality", "up", "data-quality issues"),
)
SPECS: dict[str, MetricSpec] = {m.name: m for m in METRICS}

#: Above this share of the reference, null batches are bootstrapped instead of split off.
BOOTSTRAP_ABOVE = 0.25
#: Effective sizes within this factor of the smallest in their group share a calibration.
SIZE_BUCKET_RATIO = 1.2
#: Realised performance needs at least this many labelled rows (with both classes).
MIN_LABELS = 30
#: The domain classifier needs at least this many rows per side.
DOMAIN_MIN_ROWS = 50
#: Batches from this many rows compare their features on two threads (below, thread start-up costs more).
PARALLEL_FROM = 20_000
#: A feature's null PSI level (mean over the calibration draws) is at least this, so a feature that is
#: constant in the reference gets a finite (tiny) level and alerts as soon as it moves.
PSI_LEVEL_FLOOR = 1e-9
#: In-sample check (:func:`monitor` notes): with at least this many labelled batches, all below the
#: reference's ROC AUC (or accuracy) and their median more than ``IN_SAMPLE_GAP`` times the calibrated
#: noise band (reference minus threshold) below it -- the typical batch alerts -- the reference scores
#: look like in-sample scores.
IN_SAMPLE_MIN_BATCHES = 3
IN_SAMPLE_GAP = 1.0
#: A note lists at most this many batches by name.
UNSEEN_LISTED = 8
#: Columns of :attr:`MonitorResult.metrics`.
METRIC_COLUMNS = ("batch", "metric", "detector", "value", "threshold", "baseline", "direction", "alert",
                  "calibration_size")
ALERT_COLUMNS = ("batch", "metric", "detector", "value", "threshold", "reason")

_ROW_DETECTORS = ("features", "prediction", "performance", "estimated_performance", "quality")
#: Row-based detectors that read only the score and label columns: a null draw costs them little, so
#: they get :data:`SCORE_DRAWS_FACTOR` times ``n_calibration`` draws.
_SCORE_DETECTORS = frozenset({"prediction", "performance", "estimated_performance"})
#: Decile bins of the prediction PSI (:func:`drift.prediction_drift`'s default), for batches and null draws.
PREDICTION_BINS = 10
#: Null draws of the score-based detectors per draw of the feature-based ones.  A conformal threshold
#: from ``k`` draws gives a false-alarm rate that varies from one calibration to the next with a
#: standard deviation of ~3.4 points at ``k = 40`` and ~1.5 at ``k = 200`` (a Beta(k + 1 - rank, rank)
#: law): the cheap detectors buy the steadier rate.
SCORE_DRAWS_FACTOR = 5


# ------------------------------------------------------------------------------------ decision rule
def calibrated_threshold(null_values, quantile: float, direction: str) -> float:
    """Threshold from null values: the conformal order statistic (module docstring, rule 2).

    ``up``: the ``ceil((k + 1) q)``-th smallest of the ``k`` finite values; ``down``: the same rank
    from the top.  With ``ceil((k + 1) q) > k`` the extreme value is used.  ``nan`` without values.
    """
    x = np.sort(np.asarray(null_values, dtype=np.float64))
    x = x[~np.isnan(x)]
    if x.size == 0 or direction == "none":
        return float("nan")
    rank = min(math.ceil((x.size + 1) * quantile), x.size)
    return float(x[rank - 1] if direction == "up" else x[x.size - rank])


def joint_thresholds(null_values: Mapping[str, Sequence[float]], directions: Mapping[str, str],
                     quantile: float) -> dict[str, float]:
    """Thresholds of a detector's metrics, calibrated together (module docstring, rule 2).

    ``null_values[m][j]`` is metric ``m`` on null draw ``j`` (the same draws for every metric).  Each
    value gets its *rank* within its metric, ``#{null values of m less bad than it}`` (``up``: smaller;
    ``down``: larger; ties share the lowest rank), and each draw the largest rank over its metrics.  The
    common cut ``r`` is the smallest for which at most ``k - ceil((k + 1) quantile)`` of the ``k`` draws
    have a rank ``>= r``; each metric's threshold is its ``r``-th least bad value.  So no more null draws
    cross *any* threshold than a single metric's conformal rule lets cross one, and a fresh null batch
    crosses at least one with probability about ``1 - quantile``, whatever the number of metrics and
    their correlation.  For one metric this is :func:`calibrated_threshold`.  ``nan`` values are left
    out; metrics with direction ``"none"`` get ``nan``.
    """
    names = [m for m in null_values if directions[m] in ("up", "down")]
    out = {m: float("nan") for m in null_values}
    if not names:
        return out
    bad = np.column_stack([np.asarray(null_values[m], dtype=np.float64) * (1 if directions[m] == "up" else -1)
                           for m in names])
    ranks = np.full(bad.shape, -1, dtype=np.int64)
    columns = []
    for j in range(bad.shape[1]):
        ok = ~np.isnan(bad[:, j])
        column = np.sort(bad[ok, j])
        ranks[ok, j] = np.searchsorted(column, bad[ok, j], side="left")
        columns.append(column)
    worst = ranks.max(axis=1)
    worst = np.sort(worst[worst >= 0])[::-1]
    k = worst.size
    if k == 0:
        return out
    allowed = k - min(math.ceil((k + 1) * quantile), k)       # null draws allowed to cross
    cut = int(worst[allowed]) + 1
    for m, column, sign in zip(names, columns, [1 if directions[m] == "up" else -1 for m in names],
                               strict=True):
        if column.size:
            out[m] = float(sign * column[min(cut, column.size) - 1])
    return out


def exceeds(value: float, threshold: float, direction: str) -> bool:
    """Alert rule: strictly above (``up``) or below (``down``) the threshold; never on ``nan``."""
    if direction == "none" or np.isnan(value) or np.isnan(threshold):
        return False
    return bool(value > threshold) if direction == "up" else bool(value < threshold)


# ------------------------------------------------------------------------------------ the reference
@dataclass(slots=True)
class _Baseline:
    """What a batch is compared with: the whole reference, or a pseudo-reference during calibration."""

    profile: ReferenceProfile
    scores: np.ndarray | None          # non-missing scores
    performance: dict[str, float]      # roc_auc, accuracy of its labelled rows
    estimated: dict[str, float]        # estimated_roc_auc, estimated_accuracy of its scores
    score_weights: np.ndarray | None = None   # reweighted reference: weights of the sorted valid scores

    @property
    def baselines(self) -> dict[str, float]:
        """The performance metrics' own values on this side (thresholds are these plus a null change)."""
        return {**self.performance, **self.estimated}


class _Reference:
    """Reference summaries computed once: profile, argsorts and codes to re-weight rows, baselines."""

    def __init__(self, frame: pd.DataFrame, schema, *, target: str | None, prediction: str | None,
                 bins: int, threshold: float, embeddings: np.ndarray | None, detectors: set[str],
                 muted: Sequence[str] = ()) -> None:
        from drift.model.performance import classification_metrics

        self.frame = frame
        self.n = len(frame)
        self.schema = schema
        self.features = list(schema.features)
        self.muted = frozenset(muted)
        self.bins = bins
        self.threshold = threshold
        self.target, self.prediction = target, prediction
        self.profile = profile_reference(frame, schema=schema, bins=bins)
        self.psi_dofs = {fp.name: _psi_dof(fp) for fp in self.profile.features}
        self.columns: dict[str, tuple] = {}
        for fp in self.profile.features:
            if fp.kind == "numeric":
                values = as_float_array(frame[fp.name])
                order = np.argsort(values, kind="stable")        # NaN last
                self.columns[fp.name] = ("numeric", values[order][:fp.sample.n], order, fp.sample.n)
            else:
                codes, uniques = pd.factorize(frame[fp.name], use_na_sentinel=True)
                self.columns[fp.name] = ("categorical", codes, uniques)
        # Null chunks are cut from this copy: categorical features as pandas Categoricals, whose rows are
        # taken (and counted) as integer codes, 5-10x faster than text; every statistic is unchanged.
        keep = [c for c in dict.fromkeys([*self.features, target, prediction]) if c is not None]
        self.chunk_source = frame[keep].copy()
        for name, spec in self.columns.items():
            if spec[0] == "categorical":
                self.chunk_source[name] = pd.Categorical.from_codes(spec[1], categories=spec[2])
        self.quality = None
        if "quality" in detectors:
            self.quality = QualityBaseline.of(frame, schema)
        self.scores = self.iso = None
        self.note = ""
        self.estimated: dict[str, float] = {}
        performance: dict[str, float] = {}
        if prediction is not None:
            p = as_float_array(frame[prediction])
            self.score_order = np.argsort(p, kind="stable")
            self.n_scores = int((~np.isnan(p)).sum())
            self.scores = p
            self.valid_sorted = p[self.score_order][:self.n_scores]     # NaN sort last
            self.score_rank = _ranks(self.score_order[:self.n_scores], self.n)
        if prediction is not None and target is not None:
            from sklearn.isotonic import IsotonicRegression

            from drift.model.performance import labelled_scores
            y = as_float_array(frame[target]) if pd.api.types.is_numeric_dtype(frame[target]) else None
            self.labelled = ~np.isnan(self.scores) if y is None else ~(np.isnan(y) | np.isnan(self.scores))
            try:
                if y is None:
                    raise DriftInputError("not numeric")
                y_lab, p_lab = labelled_scores(y[self.labelled], self.scores[self.labelled], "reference")
            except DriftInputError:
                self.note = f"performance skipped: the target {target!r} is not binary 0/1"
                y_lab, p_lab = np.zeros(0, np.int8), np.zeros(0)
            # sorted by score once: weighted_metrics' own argsort is then linear (pseudo-references)
            self.lab_order = np.argsort(p_lab, kind="stable")
            self.y_lab, self.p_lab = y_lab[self.lab_order], p_lab[self.lab_order]
            self.lab_rows = np.flatnonzero(self.labelled)[self.lab_order]
            self.lab_ties = _tie_groups(self.p_lab)
            self.lab_rank = _ranks(self.lab_rows, self.n)
            self.y_lab = self.y_lab.astype(np.float64)
            self.lab_correct = np.where(self.p_lab >= threshold, self.y_lab, 1 - self.y_lab)
            both = 0 < self.y_lab.sum() < self.y_lab.size
            if not self.note and not (self.y_lab.size >= MIN_LABELS and both):
                self.note = (f"performance skipped: fewer than {MIN_LABELS} labelled reference rows with "
                             "both classes")
            if not self.note:
                perf = classification_metrics(self.y_lab, self.p_lab, threshold)
                performance = {"roc_auc": perf["roc_auc"], "accuracy": perf["accuracy"]}
                self.iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(
                    self.p_lab, self.y_lab)
                self.sorted_scores = np.clip(self.scores[self.score_order][:self.n_scores], 0, 1)
                self.sorted_q = self.iso.predict(self.sorted_scores)
                self.score_ties = _tie_groups(self.sorted_scores)
                self.sorted_qq = self.sorted_q * (1 - self.sorted_q)
                self.sorted_correct = np.where(self.sorted_scores >= threshold, self.sorted_q,
                                               1 - self.sorted_q)
                self.estimated = _estimated(self.sorted_q, self.sorted_scores, threshold)
        self.embeddings = embeddings
        self.baselines = {**performance, **self.estimated}
        self.whole = _Baseline(self.profile,
                               None if self.scores is None else self.scores[~np.isnan(self.scores)],
                               performance, self.estimated)

    def pseudo(self, weights: np.ndarray) -> _Baseline:
        """A pseudo-reference for the feature-based detectors: reference row ``i`` counted ``weights[i]``
        times (0/1 split, or bootstrap).  (The score-based detectors' null values come from
        :func:`_score_nulls`, which works on the weights directly.)"""
        from drift.stats.binning import quantile_edges

        profiles = []
        for fp in self.profile.features:
            spec = self.columns[fp.name]
            if spec[0] == "numeric":
                _, sorted_values, order, n_valid = spec
                w = weights[order]
                sample = SortedSample(np.repeat(sorted_values, w[:n_valid]), int(w[n_valid:].sum()))
                profiles.append(FeatureProfile(fp.name, "numeric", sample=sample,
                                               edges=quantile_edges(sample, self.bins)))
            else:
                _, codes, uniques = spec
                valid = codes >= 0
                counts = np.bincount(codes[valid], weights=weights[valid], minlength=len(uniques))
                series = pd.Series(np.rint(counts).astype(np.int64), index=uniques)
                profiles.append(FeatureProfile(fp.name, "categorical",
                                               categories=(series[series > 0], int(weights[~valid].sum()))))
        return _Baseline(ReferenceProfile(tuple(profiles), self.bins, int(weights.sum())), None, {}, {})

    def reweighted(self, weights: np.ndarray) -> _Baseline:
        """The reference for the score-based detectors of a batch whose muted features are distributed
        otherwise: row ``i`` counted ``weights[i]`` times (:mod:`drift.monitoring.reweighting`).  Its ROC AUC,
        accuracy and CBPE estimates are those of the weighted rows (the same functions as the null draws)."""
        score_w = weights[self.score_order[:self.n_scores]].astype(np.float64)
        performance: dict[str, float] = {}
        estimated: dict[str, float] = {}
        if self.whole.performance:
            performance = dict(zip(("roc_auc", "accuracy"),
                                   _weighted_realised(self, weights[self.lab_rows].astype(np.float64)),
                                   strict=True))
            estimated = dict(zip(("estimated_roc_auc", "estimated_accuracy"),
                                 _weighted_expected(self, score_w), strict=True))
        return _Baseline(self.profile, self.whole.scores, performance, estimated, score_w)


# --------------------------------------------------------------------------------- measuring a batch
@dataclass(slots=True)
class _Measured:
    values: dict[str, float]
    table: pd.DataFrame | None = None
    issues: tuple = ()


def _effective_sizes(ref: _Reference, rows: pd.DataFrame, active: set[str], dms: int, mms: int) -> dict:
    """Detector -> the sample size its metrics effectively use for this batch."""
    n = len(rows)
    sizes = {d: n for d in ("features", "quality") if d in active}
    if ref.prediction is not None and ref.prediction in rows.columns:
        p = as_float_array(rows[ref.prediction])
        for d in ("prediction", "estimated_performance"):
            if d in active:
                sizes[d] = int((~np.isnan(p)).sum())
        if "performance" in active and ref.target in rows.columns:
            y = as_float_array(rows[ref.target])
            sizes["performance"] = int((~(np.isnan(y) | np.isnan(p))).sum())
    if "domain" in active:
        sizes["domain"] = min(n, dms, ref.n // 2)
    if "mmd" in active:
        sizes["mmd"] = min(n, mms, ref.n - 2)
    return sizes


def _measure(ref: _Reference, base: _Baseline, rows: pd.DataFrame, detectors: set[str], *, alpha: float,
             correction: str) -> _Measured:
    """Every row-based metric of ``rows`` against ``base`` (a real batch, or a null chunk)."""
    from drift.data.quality import quality_issues
    from drift.model.performance import classification_metrics, labelled_scores
    from drift.model.prediction import prediction_drift

    out = _Measured({})
    if detectors & {"features", "quality"} and ref.features:
        n_jobs = 1 if len(rows) < PARALLEL_FROM else N_JOBS
        # Muted features are tested apart, so that their (expected) change does not loosen the multiple-
        # testing correction of the others.
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
    scores = None
    if ref.prediction is not None and ref.prediction in rows.columns:
        scores = as_float_array(rows[ref.prediction])
        valid = scores[~np.isnan(scores)]
        if "prediction" in detectors and base.score_weights is not None:     # a reweighted reference
            out.values["prediction_psi"] = _prediction_psi(ref.valid_sorted, base.score_weights,
                                                           np.sort(valid), np.ones(valid.size))
        elif "prediction" in detectors:
            ok = valid.size >= 2 and base.scores is not None and base.scores.size >= 2
            out.values["prediction_psi"] = (prediction_drift(base.scores, valid, threshold=ref.threshold,
                                                             bins=PREDICTION_BINS)
                                            .statistic if ok else float("nan"))
        if "estimated_performance" in detectors and ref.iso is not None:
            clipped = np.clip(valid, 0, 1)
            est = _estimated(ref.iso.predict(clipped), clipped, ref.threshold) if valid.size >= 2 else \
                {"estimated_roc_auc": np.nan, "estimated_accuracy": np.nan}
            out.values.update(est)
    if "performance" in detectors and base.performance and scores is not None and ref.target in rows.columns:
        y = as_float_array(rows[ref.target])
        keep = ~(np.isnan(y) | np.isnan(scores))
        auc = acc = float("nan")
        if keep.sum() >= MIN_LABELS:
            yy, pp = labelled_scores(y[keep], scores[keep], "current")
            m = classification_metrics(yy, pp, ref.threshold)
            auc, acc = m["roc_auc"], m["accuracy"]
        out.values["roc_auc"], out.values["accuracy"] = auc, acc
    return out


def _score_nulls(ref: _Reference, draws: Sequence[tuple[np.ndarray, np.ndarray]], detectors: set[str],
                 split: bool) -> dict[str, list[float]]:
    """Null values of the score-based metrics for some draws (module docstring, rule 1).

    Each draw is a chunk (reference row positions) and pseudo-reference weights (``split``: the rows not
    in the chunk).  Both sides are weightings of the reference's rows, so every statistic is computed
    on the reference's scores sorted once: the chunk's prediction PSI against the pseudo-reference's
    decile edges, and the *changes* chunk minus pseudo-reference of realised and estimated (CBPE) ROC
    AUC and accuracy.  The numbers equal :func:`drift.prediction_drift`,
    :func:`drift.model.performance.classification_metrics` and
    :func:`drift.model.performance.expected_metrics` on
    the chunk's rows and on the pseudo-reference's rows repeated by their weights (tested), without
    sorting either again.
    """
    names = [m.name for m in METRICS if m.detector in detectors and m.detector in _SCORE_DETECTORS]
    out: dict[str, list[float]] = {m: [] for m in names}
    for chunk, pseudo in draws:
        sides = {}
        if detectors & {"prediction", "estimated_performance"}:
            sides["scored"] = _sides(chunk, pseudo, ref.score_rank, ref.score_order[:ref.n_scores], split)
        if "performance" in detectors and ref.whole.performance:
            sides["labelled"] = _sides(chunk, pseudo, ref.lab_rank, ref.lab_rows, split)
        values: dict[str, float] = {}
        if "prediction" in detectors:
            c, w = sides["scored"]
            values["prediction_psi"] = _prediction_psi(ref.valid_sorted, w, ref.valid_sorted, c)
        if "estimated_performance" in detectors and ref.iso is not None:
            c, w = sides["scored"]
            if c.sum() >= 2:
                (auc_c, acc_c), (auc_w, acc_w) = _weighted_expected(ref, c), _weighted_expected(ref, w)
                values["estimated_roc_auc"], values["estimated_accuracy"] = auc_c - auc_w, acc_c - acc_w
        if "labelled" in sides:
            c, w = sides["labelled"]
            if c.sum() >= MIN_LABELS:
                (auc_c, acc_c), (auc_w, acc_w) = _weighted_realised(ref, c), _weighted_realised(ref, w)
                values["roc_auc"], values["accuracy"] = auc_c - auc_w, acc_c - acc_w
        for metric in names:
            out[metric].append(values.get(metric, float("nan")))
    return out


def _sides(chunk: np.ndarray, pseudo: np.ndarray, rank: np.ndarray, rows: np.ndarray,
           split: bool) -> tuple[np.ndarray, np.ndarray]:
    """Chunk and pseudo-reference weights of the rows ``rows`` (in that order; ``rank`` maps a reference
    row to its position there, -1 when absent)."""
    at = rank[chunk]
    c = np.bincount(at[at >= 0], minlength=rows.size).astype(np.float64)
    return c, (1.0 - c) if split else pseudo[rows].astype(np.float64)


def _weighted_realised(ref: _Reference, w: np.ndarray) -> tuple[float, float]:
    """Realised ROC AUC and accuracy of the labelled reference rows weighted by ``w`` (sorted by score),
    as :func:`drift.model.performance.weighted_metrics`."""
    y = ref.y_lab
    pos = w * y
    ordered, n_pos, n_neg = _weighted_auc(pos, w - pos, ref.lab_ties)
    auc = ordered / (n_pos * n_neg) if n_pos > 0 and n_neg > 0 else float("nan")
    return auc, float(w @ ref.lab_correct) / float(w.sum())


def _weighted_expected(ref: _Reference, w: np.ndarray) -> tuple[float, float]:
    """CBPE's expected ROC AUC and accuracy (:func:`drift.model.performance.expected_metrics`) of the scored
    reference rows weighted by ``w`` (sorted by score): its value for the rows repeated by their weights."""
    q = ref.sorted_q
    pos = w * q
    within = float(w @ ref.sorted_qq)                            # a row is never paired with itself
    ordered, n_pos, n_neg = _weighted_auc(pos, w - pos, ref.score_ties)
    pairs = n_pos * n_neg - within
    auc = (ordered - 0.5 * within) / pairs if pairs > 0 else float("nan")
    return auc, float(w @ ref.sorted_correct) / float(w.sum())


def _ranks(rows: np.ndarray, n: int) -> np.ndarray:
    """Position of each of ``n`` reference rows in ``rows`` (-1 when absent)."""
    rank = np.full(n, -1, dtype=np.int64)
    rank[rows] = np.arange(rows.size)
    return rank


def _tie_groups(sorted_values: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """For each position of a sorted array, the first and last position of its run of equal values;
    ``None`` when every value is distinct."""
    _, starts, counts = np.unique(sorted_values, return_index=True, return_counts=True)
    if counts.size == sorted_values.size:
        return None
    return np.repeat(starts, counts), np.repeat(starts + counts - 1, counts)


def _weighted_auc(pos: np.ndarray, neg: np.ndarray, ties) -> tuple[float, float, float]:
    """Weighted Mann–Whitney sums: ``pos``/``neg`` are the positive/negative weights of rows sorted by
    score, ``ties`` from :func:`_tie_groups`.  Returns the correctly ordered positive–negative weight (a
    tie counts half), the positive and the negative totals."""
    cum = np.cumsum(neg)
    if ties is None:
        below, tied = cum - neg, neg
    else:
        first, last = ties
        below = cum[first] - neg[first]                       # negatives strictly below the tie group
        tied = cum[last] - below                              # negatives inside it
    return float(pos @ below + 0.5 * (pos @ tied)), float(pos.sum()), float(cum[-1]) if cum.size else 0.0


def _prediction_psi(values: np.ndarray, weights: np.ndarray, current: np.ndarray,
                    current_weights: np.ndarray) -> float:
    """Prediction PSI of a weighted sample of sorted scores ``current`` against a weighted reference,
    the sorted scores ``values``: :func:`drift.prediction_drift`'s decile edges and counts on the samples
    in which each value appears its weight times (counts rounded to whole rows).  A null draw passes the
    reference's scores for both sides (chunk and pseudo-reference weights); a batch its own scores, each
    weighing 1, against the reweighted reference (:meth:`_Reference.reweighted`)."""
    from drift.stats.binning import BinCounts, weighted_quantile_edges
    from drift.stats.psi import psi_from_counts

    if current_weights.sum() < 2 or weights.sum() < 2:
        return float("nan")
    edges = weighted_quantile_edges(values, weights, PREDICTION_BINS)

    def counts(x: np.ndarray, w: np.ndarray) -> np.ndarray:
        below = np.concatenate(([0.0], np.cumsum(w)))[np.searchsorted(x, edges, side="left")]
        return np.diff(np.concatenate(([0.0], below, [w.sum()]))).round().astype(np.int64)

    bins = BinCounts(counts(values, weights), counts(current, current_weights), edges)
    return float(psi_from_counts(bins).statistic)


def _estimated(q: np.ndarray, p: np.ndarray, threshold: float) -> dict[str, float]:
    """CBPE's expected ROC AUC and accuracy (:func:`drift.model.performance.expected_metrics`)."""
    from drift.model.performance import expected_metrics

    est = expected_metrics(q, p, threshold)
    return {"estimated_roc_auc": est["roc_auc"], "estimated_accuracy": est["accuracy"]}


def _domain_auc(ref: _Reference, a: pd.DataFrame, b: pd.DataFrame, k: int, n_folds: int, seed) -> tuple:
    from drift.multivariate.domain import domain_classifier_test

    if k < DOMAIN_MIN_ROWS:
        return float("nan"), None
    live = [f for f in ref.features if f not in ref.muted]
    res = domain_classifier_test(a[live], b[live], max_samples=k, n_folds=n_folds, rng=seed)
    return float(res.auc), res


def _mmd(a: np.ndarray, b: np.ndarray, max_samples: int, seed) -> float:
    from drift.multivariate.mmd import mmd_test

    if len(a) < 2 or len(b) < 2:
        return float("nan")
    return float(mmd_test(a, b, n_permutations=1, max_samples=max_samples, rng=seed).statistic)


# ---------------------------------------------------------------------------------------- calibration
def _buckets(sizes: Sequence[int]) -> dict[int, int]:
    """Size -> calibration size: sizes within SIZE_BUCKET_RATIO of a group's smallest share its median."""
    out: dict[int, int] = {}
    pending = sorted(set(int(s) for s in sizes))
    while pending:
        low = pending[0]
        group = [s for s in pending if s <= low * SIZE_BUCKET_RATIO]
        pending = pending[len(group):]
        centre = int(np.median(group))
        out.update({s: centre for s in group})
    return out


def _draw_weights(gen: np.random.Generator, n_ref: int, size: int,
                  reweight: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, str]:
    """Row positions of a null chunk and the pseudo-reference weights (module docstring, rule 1).

    ``reweight`` (importance weights of the reference rows, :mod:`drift.monitoring.reweighting`): a null
    draw from
    the reweighted reference, always bootstrapped -- the chunk drawn with replacement with probabilities
    proportional to ``reweight``, the pseudo-reference an ordinary bootstrap of the rows times ``reweight``
    (its spread is that of the reweighted reference, whose effective size is below ``n_ref``)."""
    if reweight is not None:
        chunk = gen.choice(n_ref, size, replace=True, p=reweight / reweight.sum())
        return chunk, np.bincount(gen.integers(0, n_ref, n_ref), minlength=n_ref) * reweight, "reweighted"
    if size <= BOOTSTRAP_ABOVE * n_ref:
        chunk = gen.choice(n_ref, size, replace=False)
        weights = np.ones(n_ref, dtype=np.int64)
        weights[chunk] = 0
        return chunk, weights, "split"
    chunk = gen.integers(0, n_ref, size)
    weights = np.bincount(gen.integers(0, n_ref, n_ref), minlength=n_ref)
    return chunk, weights, "bootstrap"


@dataclass(frozen=True, slots=True)
class _Calibration:
    samples: dict[str, np.ndarray]
    size: int
    mode: str
    n_draws: int
    levels: dict[str, float] = field(default_factory=dict)    # feature -> mean null PSI (features only)


def _psi_levels(null_psi: Mapping[str, Sequence[float]]) -> dict[str, float]:
    """Each feature's null PSI level: its mean over the draws, at least :data:`PSI_LEVEL_FLOOR`."""
    levels = {}
    for name, values in null_psi.items():
        v = np.asarray(values, dtype=np.float64)
        v = v[np.isfinite(v)]
        levels[name] = max(float(v.mean()), PSI_LEVEL_FLOOR) if v.size else float("nan")
    return levels


def _psi_tail(psi: Mapping[str, float], levels: Mapping[str, float], dofs: Mapping[str, int],
              muted: frozenset) -> float:
    """The smallest PSI tail probability ``P(chi2_d > d PSI / level)`` over the features not muted
    (module docstring, rule 2); ``nan`` without any."""
    from scipy.stats import chi2

    tails = [float(chi2.sf(dofs[f] * psi[f] / levels[f], dofs[f])) for f in levels
             if f not in muted and f in psi and np.isfinite(psi[f]) and np.isfinite(levels[f])]
    return min(tails) if tails else float("nan")


def _null_tails(null_psi: Mapping[str, Sequence[float]], dofs: Mapping[str, int], muted: frozenset) -> list:
    """``psi_tail`` of every null draw, each scored with the levels of the *other* draws (leave one out),
    as a batch is scored with levels it took no part in."""
    values = {f: np.asarray(v, dtype=np.float64) for f, v in null_psi.items()}
    k = len(next(iter(values.values()), ()))
    out = []
    for j in range(k):
        others = {f: np.delete(v, j) for f, v in values.items()}
        out.append(_psi_tail({f: v[j] for f, v in values.items()}, _psi_levels(others), dofs, muted))
    return out


def _feature_thresholds(levels: Mapping[str, float], dofs: Mapping[str, int], tail: float) -> pd.Series:
    """Each feature's PSI threshold ``level / d * chi2_d.isf(tail)`` (module docstring, rule 2)."""
    from scipy.stats import chi2

    return pd.Series({f: lv / dofs[f] * float(chi2.isf(tail, dofs[f])) if np.isfinite(tail) else np.nan
                      for f, lv in levels.items()}, dtype=float)


def _psi_dof(fp: FeatureProfile) -> int:
    """Degrees of freedom of a feature's PSI: the reference's non-empty bins (missing values one more),
    minus one, at least one."""
    from drift.stats.binning import count_sorted

    if fp.kind == "numeric":
        bins = int((count_sorted(fp.sample, fp.edges) > 0).sum()) + int(fp.sample.n_total > fp.sample.n)
    else:
        counts, missing = fp.categories
        bins = int((counts > 0).sum()) + int(missing > 0)
    return max(bins - 1, 1)


# ---------------------------------------------------------------------------------------------- result
@dataclass(frozen=True, slots=True)
class MonitorResult:
    """Result of :func:`monitor`.

    Attributes
    ----------
    metrics : DataFrame
        Long table, one row per batch and metric: :data:`METRIC_COLUMNS` (``baseline`` is the
        reference's own value where one exists, e.g. its ROC AUC -- of the reference reweighted to the
        batch when features are muted; ``calibration_size`` the size the threshold was calibrated at).
    severity : DataFrame
        Feature × batch severity (``stable`` / ``minor`` / ``moderate`` / ``major``), for a heatmap.
    psi : DataFrame
        Feature × batch PSI.
    alerts : DataFrame
        One row per alert: :data:`ALERT_COLUMNS`, with a plain-language ``reason``.
    batches : DataFrame
        One row per batch: ``batch, position, n_rows, n_labelled, n_alerts, status`` (``alert``/``ok``)
        and ``verdict`` (the diagnosis of alerted batches when ``diagnose_alerts``, else empty).
    calibration : DataFrame
        ``metric, detector, size, mode, n_draws, threshold, null_median, batch`` per calibration
        (``batch``: the batch a ``"reweighted"`` calibration serves, empty for calibrations shared by
        every batch of that size).
    reference : dict
        The reference's row count and its own values of the performance metrics.
    params : dict
        The arguments, for the record (JSON-safe).
    notes : tuple of str
        Detectors skipped and why, and other caveats.
    verdicts : DataFrame or None
        ``batch, verdict, label, confidence, evidence`` for alerted batches (``diagnose_alerts=True``).
    chunking : str
        How production was cut into batches, in words (:func:`drift.data.batching.describe_split`), e.g.
        ``"one batch per value of column 'month'"`` or ``"random chunks of 2,000 rows (seed 0): …"``.
    muted : tuple of str
        Features whose change is expected (``mute``): computed and shown, never alerting.
    feature_thresholds : DataFrame or None
        Feature × batch: each feature's own PSI threshold at the batch's size (its null PSI level times
        the features detector's ratio threshold, module docstring); a feature beyond it makes the
        features detector alert unless muted.  ``None`` when the features detector did not run.
    """

    metrics: pd.DataFrame
    severity: pd.DataFrame
    psi: pd.DataFrame
    alerts: pd.DataFrame
    batches: pd.DataFrame
    calibration: pd.DataFrame
    reference: dict
    params: dict
    notes: tuple[str, ...] = ()
    verdicts: pd.DataFrame | None = None
    chunking: str = ""
    muted: tuple[str, ...] = ()
    feature_thresholds: pd.DataFrame | None = None

    @property
    def labels(self) -> list[str]:
        """Batch labels in order."""
        return list(self.batches["batch"])

    @property
    def detectors(self) -> list[str]:
        """Detectors that produced at least one value."""
        m = self.metrics.dropna(subset=["value"])
        return [d for d in DETECTORS if d in set(m["detector"])]

    def wide(self, column: str = "value") -> pd.DataFrame:
        """Batch × metric table of ``column`` (``value``, ``threshold``, ``alert`` …), batches in order."""
        if column not in self.metrics.columns:
            raise DriftParameterError.invalid("column", "MonitorResult.wide", f"one of {METRIC_COLUMNS}",
                                              column)
        table = self.metrics.pivot(index="batch", columns="metric", values=column)
        order = [m.name for m in METRICS if m.name in table.columns]
        return table.reindex(index=self.labels, columns=order).rename_axis(columns=None)

    def detector_alerts(self) -> pd.DataFrame:
        """Batch × detector: True when any metric of the detector alerted (detectors that ran)."""
        m = self.metrics[self.metrics["detector"].notna()]
        table = m.groupby(["batch", "detector"], sort=False)["alert"].any().unstack("detector")
        return table.reindex(index=self.labels, columns=self.detectors).fillna(False).astype(bool)

    def feature_beyond(self) -> pd.DataFrame:
        """Feature × batch: True where the feature's PSI is above its own threshold (never for a muted
        feature, nor where either is missing).  Empty when the features detector did not run."""
        if self.feature_thresholds is None:
            return pd.DataFrame(dtype=bool)
        beyond = (self.psi > self.feature_thresholds).fillna(False).astype(bool)
        beyond.loc[beyond.index.isin(self.muted)] = False
        return beyond

    def feature_summary(self) -> pd.DataFrame:
        """One row per feature, most alarming first: ``feature, muted, n_beyond`` (batches where its PSI
        is above its own threshold), ``first_beyond`` (the first such batch, ``""`` for none) and
        ``worst_ratio`` (its largest PSI ÷ threshold over the batches; above 1 is beyond).  Muted
        features come last and never count as beyond."""
        columns = ["feature", "muted", "n_beyond", "first_beyond", "worst_ratio"]
        if self.feature_thresholds is None:
            return pd.DataFrame(columns=columns)
        beyond = self.feature_beyond()
        ratio = (self.psi / self.feature_thresholds).max(axis=1, skipna=True)
        rows = [(f, f in self.muted, int(beyond.loc[f].sum()),
                 str(beyond.columns[beyond.loc[f].to_numpy()][0]) if beyond.loc[f].any() else "",
                 float(ratio.get(f, np.nan))) for f in self.psi.index]
        table = pd.DataFrame(rows, columns=columns)
        order = np.lexsort((-table["worst_ratio"].fillna(-np.inf).to_numpy(), table["muted"].to_numpy()))
        return table.iloc[order].reset_index(drop=True)

    def to_dict(self) -> dict:
        """JSON-safe dictionary (``nan`` becomes ``None``)."""
        return {
            "params": self.params, "reference": jsonable(self.reference), "notes": list(self.notes),
            "batches": jsonable(self.batches), "metrics": jsonable(self.metrics),
            "alerts": jsonable(self.alerts), "calibration": jsonable(self.calibration),
            "severity": {c: jsonable(self.severity[c].to_dict()) for c in self.severity.columns},
            "psi": {c: jsonable(self.psi[c].to_dict()) for c in self.psi.columns},
            "verdicts": None if self.verdicts is None else jsonable(self.verdicts),
            "chunking": self.chunking, "muted": list(self.muted),
            "feature_thresholds": None if self.feature_thresholds is None else {
                c: jsonable(self.feature_thresholds[c].to_dict()) for c in self.feature_thresholds.columns},
        }


# ------------------------------------------------------------------------------------------- monitor
def _as_batches(batches, split: dict, chunking: str | None) -> tuple[list[tuple[str, pd.DataFrame]], str]:
    """The ``(label, frame)`` pairs, and how they were cut, in words."""
    if isinstance(batches, pd.DataFrame):
        if any(split[k] is not None for k in ("batch_col", "time_col", "size", "order")) or split["shuffle"]:
            how = {k: v for k, v in split.items() if k != "min_rows"}
            return split_batches(batches, **split), chunking or describe_split(**how)
        return [("current", batches.reset_index(drop=True))], chunking or describe_split()
    if isinstance(batches, Mapping):
        batches = list(batches.items())
    try:
        pairs = [(str(label), frame) for label, frame in batches]
    except (TypeError, ValueError):
        allowed = "a list of (label, DataFrame) pairs or a DataFrame with batch_col / time_col / size"
        raise DriftParameterError.invalid("batches", "monitor", allowed, type(batches).__name__) from None
    for label, frame in pairs:
        if not isinstance(frame, pd.DataFrame):
            raise DriftParameterError.invalid(f"batches[{label!r}]", "monitor", "a pandas DataFrame",
                                              type(frame).__name__)
    labels = [label for label, _ in pairs]
    if len(set(labels)) != len(labels):
        dup = next(lab for lab in labels if labels.count(lab) > 1)
        raise DriftParameterError.invalid("batches", "monitor", "batches with distinct labels",
                                          f"label {dup!r} twice")
    if not pairs:
        raise DriftParameterError.invalid("batches", "monitor", "at least one batch", "none")
    return pairs, chunking or f"{len(pairs)} batch(es) as given by the caller"


def _resolve_embeddings(embeddings, reference: pd.DataFrame, pairs) -> tuple[np.ndarray | None, list]:
    from drift.multivariate.embeddings import embedding_columns, embeddings_from_frame

    if embeddings is None:
        return None, [None] * len(pairs)
    if isinstance(embeddings, tuple) and len(embeddings) == 2 and not isinstance(embeddings[0], str):
        ref_emb, cur = embeddings
        cur = [cur[label] for label, _ in pairs] if isinstance(cur, Mapping) else list(cur)
        if len(cur) != len(pairs):
            raise DriftParameterError.invalid("embeddings", "monitor", "one matrix per batch",
                                              f"{len(cur)} for {len(pairs)} batches")
        ref_emb = np.asarray(ref_emb, dtype=np.float64)
        out = []
        for (label, frame), emb in zip(pairs, cur, strict=True):
            emb = np.asarray(emb, dtype=np.float64)
            if emb.ndim != 2 or len(emb) != len(frame) or emb.shape[1] != ref_emb.shape[1]:
                raise DriftInputError(f"embeddings of shape {emb.shape} for {len(frame)} rows of "
                                      f"{ref_emb.shape[1]} dimensions", file=label,
                                      fix="give one embedding row per batch row, as in the reference")
            out.append(emb)
        return ref_emb, out
    cols = embedding_columns(reference) if isinstance(embeddings, str) and embeddings == "auto" \
        else [embeddings] if isinstance(embeddings, str) else list(embeddings)
    ref_emb = embeddings_from_frame(reference, cols, file="reference")
    return ref_emb, [embeddings_from_frame(frame, cols, file=label) for label, frame in pairs]


_FIX_OUTPUTS = "give the model's scores and the labels as numbers, in the reference and in every batch"


def _check_outputs(frame: pd.DataFrame, side: str, columns) -> None:
    """The model-output columns read as numbers (scores, 0/1 labels) hold numbers: else a DriftError."""
    for col in columns:
        if col is not None and col in frame.columns:
            numeric_values(frame[col], side=side, column=col, fix=_FIX_OUTPUTS)


def _check_batch(ref: _Reference, label: str, rows: pd.DataFrame) -> None:
    missing = [f for f in ref.features if f not in rows.columns]
    if missing:
        raise DriftInputError(f"the batch lacks the feature(s) {missing[:5]}", file=label, column=missing[0],
                              fix="send every feature column of the reference")
    for col in ref.features:
        if ref.schema.kinds[col] == "numeric":
            s = rows[col]
            if not (pd.api.types.is_numeric_dtype(s) or s.isna().all()):
                raise MixedTypeError("numbers in the reference, text in this batch", file=label, column=col,
                                     fix="fix the pipeline so the column holds numbers (or mark it "
                                         "categorical in the schema)")
    numeric_target = ref.target is not None and pd.api.types.is_numeric_dtype(ref.frame[ref.target])
    _check_outputs(rows, label, (ref.prediction, ref.target if numeric_target else None))


def monitor(reference: pd.DataFrame, batches, *, schema=None, target: str | None = None,
            prediction: str | None = None, embeddings=None, alpha: float = 0.05, quantile: float = 0.95,
            n_calibration: int = 40, detectors: Sequence[str] = DEFAULT_DETECTORS, rng=0,
            progress: Callable[[str, int, int], None] | None = None, batch_col: str | None = None,
            time_col: str | None = None, period: str | None = None, size: int | None = None,
            order: str | None = None, shuffle: bool = False, min_rows: int = 50,
            mute: Sequence[str] = (), chunking: str | None = None, correction: str = "bh", bins: int = 10,
            threshold: float = 0.5,
            domain_max_samples: int = 2000, domain_n_folds: int = 3, domain_calibration: int = 20,
            mmd_max_samples: int = 1000, diagnose_alerts: bool = False,
            diagnose_steps: tuple[str, ...] = ("inputs", "prediction", "concept")) -> MonitorResult:
    """Monitor production batches against the reference, with thresholds calibrated on the reference.

    Parameters
    ----------
    reference : DataFrame
        Training data (with the target and prediction columns when known).  Its predictions must be
        **out of sample** (cross-validated, or the deployed model on a held-out validation set): the
        model's scores on its own training rows are optimistic, and every batch would alert on
        performance (module docstring; a note says when the batches look like that).
    batches : list of (label, DataFrame), mapping label -> DataFrame, or DataFrame
        The production batches in order; a DataFrame is split with :func:`drift.data.batching.split_batches`
        using ``batch_col`` / ``time_col`` + ``period`` / ``size`` (+ ``order`` or ``shuffle``) /
        ``min_rows`` (a DataFrame with none of them is one batch, ``"current"``).  How it was cut is
        :attr:`MonitorResult.chunking`.
    schema : Schema, optional
        Column kinds and roles; inferred from the reference when omitted.
    target, prediction : str, optional
        Label and model-score columns (override the schema's roles).
    embeddings : "auto", list of str, or (ndarray, sequence of ndarray), optional
        For MMD: embedding columns present in the reference and every batch (``"auto"``:
        :func:`drift.multivariate.embeddings.embedding_columns`), or a reference matrix and one matrix per
        batch.
        MMD runs only when embeddings are given.
    alpha : float, default 0.05
        Significance level of the per-feature tests (severity) and data-quality checks.
    quantile : float, default 0.95
        Threshold quantile of the null values: each detector's false-alarm rate on a batch like the
        reference is about ``1 - quantile`` (on average over calibrations; module docstring).
    n_calibration : int, default 40
        Null batches drawn per calibration (per size bucket) for the feature-based detectors;
        :data:`SCORE_DRAWS_FACTOR` times as many for the score-based ones.
    detectors : sequence of str, default :data:`DEFAULT_DETECTORS` (all but the domain classifier)
        Subset of :data:`DETECTORS`; detectors whose inputs are absent are skipped (see ``notes``).
    rng : int or numpy.random.Generator, default 0
        Seed for calibration draws, the domain classifier and MMD.
    progress : callable(message, done, total), optional
        Called as work advances (the app's progress bar, the CLI's stderr).
    order : str, optional
        With ``size``: cut runs of rows sorted by this column (it is then left out of the monitored
        features: every batch would differ on it by construction).
    shuffle : bool, default False
        With ``size``: cut random chunks (seeded by ``rng``).  Without ``order`` or ``shuffle`` a
        ``size`` split follows the file's row order, and :attr:`MonitorResult.chunking` says so.
    mute : sequence of str, default ()
        Features whose change is expected (e.g. a calendar feature such as ``"seasonality"``): still
        compared, charted and given a threshold, never alerting (module docstring, rule 2); the
        score-based detectors compare each batch with the reference reweighted to the batch's
        distribution of them (module docstring, "What clean needs"; :mod:`drift.monitoring.reweighting`).
    chunking : str, optional
        How the caller cut ``batches`` (when it passes them already split), for
        :attr:`MonitorResult.chunking`; default: said from the split arguments.
    correction, bins, threshold
        Multiple-testing correction and PSI bins of :func:`drift.feature_drift`; the model's decision
        threshold for accuracy.
    domain_max_samples, domain_n_folds, domain_calibration : int
        The domain classifier (the costly detector, ~0.5 s a call) uses at most ``domain_max_samples``
        rows per side and ``domain_n_folds`` folds; its threshold comes from ``domain_calibration``
        null draws (fewer than ``n_calibration``: with 20 draws the 0.95 threshold is the largest,
        a false-alarm rate of at most 1/21).
    mmd_max_samples : int, default 1000
        Rows per side for MMD² (only the statistic is used: its threshold is calibrated).
    diagnose_alerts : bool, default False
        Run :func:`drift.diagnose` (``diagnose_steps``) on each alerted batch for a verdict.

    Returns
    -------
    MonitorResult

    Notes
    -----
    Decision rules and calibration: module docstring.  Cost: one reference profile, then per batch one
    :func:`drift.feature_drift` against the profile; per size bucket ``n_calibration`` null draws of
    the same work; the domain classifier adds ``(n_batches + domain_calibration)`` fits.

    Examples
    --------
    >>> from drift.data.scenarios import load_scenario
    >>> sc = load_scenario("credit", n_train=2000, batch_size=500)
    >>> res = monitor(sc.reference, sc.current, batch_col="batch", n_calibration=20,
    ...               detectors=("features", "quality"))
    >>> int(res.wide().loc["2025-05", "quality_issues"])         # income recorded in thousands
    1
    """
    from drift.data.schema import Schema, infer_schema

    check_parameter(is_number(alpha) and 0 < alpha < 1, "alpha", "monitor", "in (0, 1)", alpha)
    check_parameter(is_number(quantile) and 0 < quantile < 1, "quantile", "monitor", "in (0, 1)", quantile)
    for name, value, low in (("n_calibration", n_calibration, 2),
                             ("domain_calibration", domain_calibration, 2),
                             ("domain_max_samples", domain_max_samples, DOMAIN_MIN_ROWS),
                             ("domain_n_folds", domain_n_folds, 2), ("mmd_max_samples", mmd_max_samples, 2)):
        check_int(value, name, "monitor", low)
    if isinstance(detectors, str):
        detectors = (detectors,)
    unknown = [d for d in detectors if d not in DETECTORS]
    check_parameter(not unknown, "detectors", "monitor", f"a subset of {tuple(DETECTORS)}", unknown)
    if not isinstance(reference, pd.DataFrame):
        raise DriftParameterError.invalid("reference", "monitor", "a pandas DataFrame",
                                          type(reference).__name__)
    if len(reference) < 2:
        raise DriftInputError(f"{len(reference)} reference row(s): too few to calibrate thresholds",
                              file="reference", fix="use a reference with at least a few hundred rows")
    for name, value in (("target", target), ("prediction", prediction)):
        if value is not None and value not in reference.columns:
            raise DriftInputError(f"no column named {value!r}", file="reference", column=value,
                                  fix=f"choose the {name} among {list(reference.columns)[:10]}")
    base_seed = int(rng) if isinstance(rng, int | np.integer) and not isinstance(rng, bool) \
        else int(np.random.default_rng(rng).integers(2**32))
    pairs, chunking = _as_batches(batches, dict(batch_col=batch_col, time_col=time_col, period=period,
                                                size=size, order=order, shuffle=shuffle, rng=base_seed,
                                                min_rows=min_rows), chunking)
    if schema is None:
        schema = infer_schema(reference)
    elif not isinstance(schema, Schema):
        raise DriftParameterError.invalid("schema", "monitor", "a drift.Schema or None",
                                          type(schema).__name__)
    notes: list[str] = []
    split_cols = {c for c in (batch_col, time_col, order) if c is not None}
    if order is not None and order in schema.features:
        notes.append(f"{order!r} orders the batches, so it is not monitored itself: every batch would differ "
                     "on it by construction")
    schema = schema.with_roles(target=target or schema.target, prediction=prediction or schema.prediction,
                               excluded=tuple(schema.excluded)
                               + tuple(c for c in split_cols if c in schema.kinds))
    target, prediction = schema.target, schema.prediction
    mute = _muted(mute, schema)
    ref_emb, batch_emb = _resolve_embeddings(embeddings, reference, pairs)

    active = set(detectors)
    live = [f for f in schema.features if f not in mute]
    no_features = "no feature columns" if not schema.features else "every feature is muted"
    skips = {"prediction": prediction is None, "estimated_performance": prediction is None or target is None,
             "performance": prediction is None or target is None, "mmd": ref_emb is None,
             "features": not live, "domain": not live, "quality": not live}
    reasons = {"prediction": "no prediction column",
               "estimated_performance": "needs a target and a prediction",
               "performance": "needs a target and a prediction", "mmd": "no embeddings given",
               "features": no_features, "domain": no_features, "quality": no_features}
    for d in list(active):
        if skips[d]:
            active.discard(d)
            notes.append(f"{DETECTORS[d]} skipped: {reasons[d]}")

    _check_outputs(reference, "reference", (prediction,))
    ref = _Reference(reference, schema, target=target, prediction=prediction, bins=bins, threshold=threshold,
                     embeddings=ref_emb, detectors=active, muted=mute)
    if {"performance", "estimated_performance"} & active and not ref.whole.performance:
        active -= {"performance", "estimated_performance"}
        notes.append(ref.note)
    for label, rows in pairs:
        _check_batch(ref, label, rows)
    if "domain" in active and ref.n // 2 < domain_max_samples:
        notes.append(f"domain classifier calibrated on {ref.n // 2:,} rows per side (half the reference)")

    settings = _Settings(alpha=alpha, correction=correction, quantile=quantile,
                         n_calibration=int(n_calibration),
                         domain_max_samples=int(domain_max_samples), domain_n_folds=int(domain_n_folds),
                         domain_calibration=int(domain_calibration), mmd_max_samples=int(mmd_max_samples),
                         seed=base_seed)
    reweightings: dict[int, Reweighting] = {}
    if mute and active & _SCORE_DETECTORS:
        joint = JointBins(reference, {f: ref.columns[f][0] for f in mute})
        reweightings = {pos: joint.weights(rows) for pos, (_, rows) in enumerate(pairs) if len(rows) >= 2}
        notes.extend(_reweighting_notes([label for label, _ in pairs], reweightings, joint, ref.n))
    # BLAS on one thread: the products here are vector-sized, and a multi-threaded BLAS waking its threads
    # for each one costs 10-1000x the product itself on a busy 2-core machine.
    with threadpool_limits(limits=1, user_api="blas"):
        plan = _plan(ref, pairs, active, settings, reweightings)
        tick = _ticker(progress, plan.total)
        calibrations = _calibrate(ref, plan, settings, tick)
        metrics, alerts, batch_table, severity, psi, feature_thr = _evaluate(ref, pairs, batch_emb, plan,
                                                                              calibrations, settings, tick)
    notes.extend(_in_sample_notes(metrics, ref.baselines))
    labels = [label for label, _ in pairs]
    cal_rows = [(metric, key[0], key[1], cal.mode, cal.n_draws, plan.thresholds(calibrations, key)[metric],
                 float(np.nanmedian(sample)) + plan.null_baselines(key).get(metric, 0.0)
                 if np.isfinite(sample).any() else np.nan,
                 "" if plan.position(key) is None else labels[plan.position(key)])
                for key, cal in sorted(calibrations.items()) for metric, sample in cal.samples.items()]
    calibration = pd.DataFrame(cal_rows, columns=["metric", "detector", "size", "mode", "n_draws",
                                                  "threshold", "null_median", "batch"])
    verdicts = None
    if diagnose_alerts:
        unmuted = schema.with_roles(excluded=tuple(schema.excluded) + mute)   # no verdict blames a muted one
        verdicts = _diagnose(reference, pairs, batch_table, unmuted, alpha, correction, threshold,
                             diagnose_steps, base_seed)
        found = dict(zip(verdicts["batch"], verdicts["verdict"], strict=True))
        batch_table["verdict"] = [found.get(label, "") for label in batch_table["batch"]]
    params = {"alpha": alpha, "quantile": quantile, "n_calibration": int(n_calibration),
              "detectors": [d for d in DETECTORS if d in active], "rng": base_seed, "correction": correction,
              "bins": bins, "threshold": threshold, "target": target, "prediction": prediction,
              "domain_max_samples": int(domain_max_samples), "domain_n_folds": int(domain_n_folds),
              "domain_calibration": int(domain_calibration), "mmd_max_samples": int(mmd_max_samples),
              "features": list(ref.features), "mute": list(mute), "chunking": chunking}
    reference_info = {"n_rows": ref.n, **{k: float(v) for k, v in ref.baselines.items()}}
    return MonitorResult(metrics, severity, psi, alerts, batch_table, calibration, reference_info, params,
                         tuple(notes), verdicts, chunking, mute,
                         feature_thr if "features" in active else None)


def _muted(mute, schema) -> tuple[str, ...]:
    """The ``mute`` argument as a tuple of feature names (each must be a monitored feature)."""
    names = (mute,) if isinstance(mute, str) else tuple(dict.fromkeys(mute or ()))
    for name in names:
        if name not in schema.features:
            raise DriftInputError(f"cannot mute {name!r}: it is not a monitored feature", file="reference",
                                  column=str(name), fix=f"mute some of {list(schema.features)[:12]}")
    return names


def _reweighting_notes(labels: Sequence[str], reweightings: Mapping[int, Reweighting], joint: JointBins,
                       n_ref: int) -> list[str]:
    """What the reweighting of the reference to each batch's muted features did
    (:mod:`drift.monitoring.reweighting`)."""
    names = ", ".join(col.name for col in joint.columns)
    sizes = [r.effective_size for r in reweightings.values() if r.weights is not None]
    unseen = [labels[pos] for pos, r in sorted(reweightings.items()) if r.weights is None]
    notes = []
    if sizes:
        notes.append(f"the score-based detectors compare each batch with the reference reweighted to the "
                     f"batch's distribution of the muted {names} (importance weights on reference bins); "
                     f"effective reference size {min(sizes):,.0f}–{max(sizes):,.0f} of {n_ref:,} rows")
    if unseen:
        shown = ", ".join(unseen[:UNSEEN_LISTED]) + (f" … ({len(unseen)} batches)"
                                                     if len(unseen) > UNSEEN_LISTED else "")
        notes.append(f"{shown}: more than {UNSEEN_MAX_SHARE:.0%} of the rows hold muted values the reference "
                     f"never saw (it saw {joint.describe()}), so the reference cannot be reweighted to "
                     "them: their score-based detectors compare with the unweighted reference, and the "
                     f"change of {names} can move them")
    return notes


def _in_sample_notes(metrics: pd.DataFrame, baselines: Mapping[str, float]) -> list[str]:
    """A note when realised performance looks measured against in-sample reference scores.

    Rule (constants :data:`IN_SAMPLE_MIN_BATCHES`, :data:`IN_SAMPLE_GAP`): at least that many batches
    have a value and a threshold, every one is below the reference's own value, and their median is
    more than ``IN_SAMPLE_GAP`` calibrated noise bands (reference minus threshold) below it.  A model
    scored on its own training rows looks better there than anywhere else, which is this pattern; real
    degradation of every batch looks the same, so the note says "if", and the alerts stand.
    """
    for metric in ("roc_auc", "accuracy"):
        m = metrics[(metrics["metric"] == metric) & metrics["value"].notna() & metrics["threshold"].notna()]
        if len(m) < IN_SAMPLE_MIN_BATCHES or metric not in baselines:
            continue
        base = float(baselines[metric])
        band = float((base - m["threshold"]).median())
        median = float(m["value"].median())
        if band > 0 and (m["value"] < base).all() and base - median > IN_SAMPLE_GAP * band:
            return [f"every batch's {SPECS[metric].label} is below the reference's {base:.3f}, and the "
                    f"median batch ({median:.3f}) is beyond the calibrated noise of {band:.3f}: "
                    "this is what in-sample reference scores look like (the model scored on its own "
                    "training rows is optimistic). The reference's predictions must be out of sample "
                    "(cross-validated, or a held-out validation set); if they are, every batch really "
                    "performs worse"]
    return []


@dataclass(frozen=True, slots=True)
class _Settings:
    alpha: float
    correction: str
    quantile: float
    n_calibration: int
    domain_max_samples: int
    domain_n_folds: int
    domain_calibration: int
    mmd_max_samples: int
    seed: int


@dataclass(slots=True)
class _Plan:
    """Which calibrations to run, and each batch's calibration size per detector."""

    active: set[str]
    row_detectors: list[str]
    sizes: list[dict[str, int]]            # per batch: detector -> effective size
    cal_sizes: list[dict[str, int]]        # per batch: detector -> calibration size
    row_jobs: dict[int, set[str]]          # calibration size -> row-based detectors needing it
    domain_sizes: list[int]
    mmd_sizes: list[int]
    total: int
    quantile: float
    baselines: dict[str, float]
    reweighted: dict[int, _Baseline] = field(default_factory=dict)   # batch position -> its reference
    weights: dict[int, np.ndarray] = field(default_factory=dict)     # ... and its reference rows' weights
    own_jobs: dict[int, dict[int, set[str]]] = field(default_factory=dict)   # position -> size -> detectors
    cache: dict = field(default_factory=dict)

    def key(self, pos: int, detector: str) -> tuple | None:
        """Calibration of a detector for the batch at ``pos``: ``(detector, size)``, shared by the batches
        of that size, or ``(detector, size, pos)`` for a score-based detector against the batch's own
        reweighted reference; ``None`` when the batch is too small for the detector."""
        size = self.cal_sizes[pos].get(detector)
        if size is None:
            return None
        return (detector, size, pos) if pos in self.reweighted and detector in _SCORE_DETECTORS else \
            (detector, size)

    def baselines_of(self, pos: int | None, detector: str) -> dict[str, float]:
        """The reference's own performance values a detector compares the batch at ``pos`` with (its
        reweighted reference's for a score-based detector of a reweighted batch)."""
        return self.reweighted[pos].baselines if pos in self.reweighted and detector in _SCORE_DETECTORS \
            else self.baselines

    @staticmethod
    def position(key: tuple) -> int | None:
        """The batch a calibration (:meth:`key`) serves alone, ``None`` for one shared by a size."""
        return key[2] if len(key) == 3 else None

    def null_baselines(self, key: tuple) -> dict[str, float]:
        """What a calibration's null *changes* are added to: the performance detectors' baselines (of
        the reweighted reference for a batch's own calibration), nothing for the other detectors."""
        if key[0] not in ("performance", "estimated_performance"):
            return {}
        return self.baselines_of(self.position(key), key[0])

    def thresholds(self, calibrations: dict, key: tuple) -> dict[str, float]:
        """Calibrated thresholds of a detector's metrics for one calibration (:meth:`key`), set together
        (cached)."""
        if key not in self.cache:
            samples = calibrations[key].samples
            thr = joint_thresholds(samples, {m: SPECS[m].direction for m in samples}, self.quantile)
            base = self.null_baselines(key)                  # performance: null samples are changes
            if base:
                thr = {m: v + base[m] for m, v in thr.items()}
            self.cache[key] = thr
        return self.cache[key]


def _plan(ref: _Reference, pairs, active: set[str], st: _Settings,
          reweightings: Mapping[int, Reweighting]) -> _Plan:
    """``reweightings``: batch position -> importance weights of the reference for its score-based
    detectors (batches with weights get calibrations of their own for those)."""
    sizes = [_effective_sizes(ref, rows, active, st.domain_max_samples, st.mmd_max_samples) for _,
             rows in pairs]
    row_dets = [d for d in _ROW_DETECTORS if d in active]
    row_bucket = _buckets([s[d] for s in sizes for d in row_dets if s.get(d, 0) >= _min_size(d)])
    dom_bucket = _buckets([s["domain"] for s in sizes if s.get("domain", 0) >= DOMAIN_MIN_ROWS])
    mmd_bucket = _buckets([s["mmd"] for s in sizes if s.get("mmd", 0) >= 2])
    row_jobs: dict[int, set[str]] = {}
    own_jobs: dict[int, dict[int, set[str]]] = {}
    weights = {pos: r.weights for pos, r in reweightings.items() if r.weights is not None}
    reweighted = {pos: ref.reweighted(w) for pos, w in weights.items()}
    cal_sizes = []
    for pos, s in enumerate(sizes):
        cal = {}
        for d in row_dets:
            if s.get(d, 0) >= _min_size(d):
                cal[d] = row_bucket[s[d]]
                own = pos in reweighted and d in _SCORE_DETECTORS
                jobs = own_jobs.setdefault(pos, {}) if own else row_jobs
                jobs.setdefault(cal[d], set()).add(d)
        if s.get("domain", 0) in dom_bucket:
            cal["domain"] = dom_bucket[s["domain"]]
        if s.get("mmd", 0) in mmd_bucket:
            cal["mmd"] = mmd_bucket[s["mmd"]]
        cal_sizes.append(cal)
    domain_sizes = sorted(set(dom_bucket.values()))
    mmd_sizes = sorted(set(mmd_bucket.values()))
    total = (sum(_n_draws(dets, st.n_calibration) for dets in row_jobs.values())
             + sum(_n_draws(dets, st.n_calibration) for jobs in own_jobs.values() for dets in jobs.values())
             + st.n_calibration * len(mmd_sizes) + st.domain_calibration * len(domain_sizes) + len(pairs))
    return _Plan(active, row_dets, sizes, cal_sizes, row_jobs, domain_sizes, mmd_sizes, total, st.quantile,
                 ref.baselines, reweighted, weights, own_jobs)


def _n_draws(detectors: set[str], n_calibration: int) -> int:
    """Null draws a calibration of these row-based detectors takes (:data:`SCORE_DRAWS_FACTOR`)."""
    return n_calibration * (SCORE_DRAWS_FACTOR if detectors & _SCORE_DETECTORS else 1)


def _min_size(detector: str) -> int:
    """Smallest effective size a detector's metrics are computed (and calibrated) at."""
    return MIN_LABELS if detector == "performance" else 2


def _ticker(progress, total: int) -> Callable[[str], None]:
    done = [0]

    def tick(message: str) -> None:
        done[0] += 1
        if progress is not None:
            progress(message, done[0], total)
    return tick


def _calibrate(ref: _Reference, plan: _Plan, st: _Settings, tick) -> dict[tuple[str, int], _Calibration]:
    """Null values of every metric at every calibration size (module docstring, rule 1)."""
    out: dict[tuple[str, int], _Calibration] = {}
    for cal_size, dets in sorted(plan.row_jobs.items()):
        gen = np.random.default_rng([st.seed, 0, cal_size])
        names = [m.name for m in METRICS if m.detector in dets and m.name != "psi_tail"]
        draws: dict[str, list[float]] = {m: [] for m in names}
        null_psi: dict[str, list[float]] = {f: [] for f in ref.features} if "features" in dets else {}
        heavy, light = dets - _SCORE_DETECTORS, dets & _SCORE_DETECTORS
        n_draws = _n_draws(dets, st.n_calibration)
        mode = "split"
        for i in range(n_draws):   # the first n_calibration draws serve every detector, the rest the light
            chunk, weights, mode = _draw_weights(gen, ref.n, cal_size)
            if heavy and i < st.n_calibration:
                measured = _measure(ref, ref.pseudo(weights), ref.chunk_source.iloc[chunk], heavy,
                                    alpha=st.alpha, correction=st.correction)
                for metric in names:
                    if SPECS[metric].detector in heavy:
                        draws[metric].append(measured.values.get(metric, np.nan))
                if null_psi:
                    psi = dict(zip(measured.table["feature"], measured.table["psi"], strict=True))
                    for f, values in null_psi.items():
                        values.append(float(psi.get(f, np.nan)))
            if light:
                for metric, values in _score_nulls(ref, [(chunk, weights)], light, mode == "split").items():
                    draws[metric].extend(values)
            tick(f"calibrating thresholds for {cal_size:,}-row batches ({i + 1}/{n_draws})")
        levels = _psi_levels(null_psi)
        if null_psi:   # the features detector's statistic needs the levels of the other draws: afterwards
            draws["psi_tail"] = _null_tails(null_psi, ref.psi_dofs, ref.muted)
        for d in dets:
            out[(d, cal_size)] = _Calibration(
                {m.name: np.asarray(draws.get(m.name, []), dtype=float) for m in METRICS if m.detector == d},
                cal_size, mode, _n_draws({d}, st.n_calibration), levels if d == "features" else {})
    for pos, jobs in sorted(plan.own_jobs.items()):
        for cal_size, dets in sorted(jobs.items()):    # the score-based detectors, from the reweighted rows
            gen = np.random.default_rng([st.seed, 6, pos, cal_size])
            n_draws = _n_draws(dets, st.n_calibration)
            draws = {m.name: [] for m in METRICS if m.detector in dets}
            for i in range(n_draws):
                chunk, weights, _ = _draw_weights(gen, ref.n, cal_size, plan.weights[pos])
                for metric, values in _score_nulls(ref, [(chunk, weights)], dets, split=False).items():
                    draws[metric].extend(values)
                tick(f"calibrating the reweighted reference of batch {pos + 1} ({i + 1}/{n_draws})")
            for d in dets:
                out[(d, cal_size, pos)] = _Calibration(
                    {m.name: np.asarray(draws[m.name], dtype=float) for m in METRICS if m.detector == d},
                    cal_size, "reweighted", n_draws)
    for k in plan.domain_sizes:
        gen = np.random.default_rng([st.seed, 1, k])
        values = []
        for i in range(st.domain_calibration):
            idx = gen.choice(ref.n, 2 * k, replace=False)
            values.append(_domain_auc(ref, ref.frame.iloc[idx[:k]], ref.frame.iloc[idx[k:]], k,
                                      st.domain_n_folds,
                                      int(gen.integers(2**31 - 1)))[0])
            tick(f"calibrating the domain classifier at {k:,} rows ({i + 1}/{st.domain_calibration})")
        out[("domain", k)] = _Calibration({"domain_auc": np.asarray(values)}, k, "split",
                                          st.domain_calibration)
    for m in plan.mmd_sizes:
        gen = np.random.default_rng([st.seed, 2, m])
        r = min(ref.n - m, st.mmd_max_samples)
        values = []
        for i in range(st.n_calibration):
            idx = gen.choice(ref.n, m + r, replace=False)
            values.append(_mmd(ref.embeddings[idx[m:]], ref.embeddings[idx[:m]], st.mmd_max_samples,
                               int(gen.integers(2**31 - 1))))
            tick(f"calibrating MMD at {m:,} rows ({i + 1}/{st.n_calibration})")
        out[("mmd", m)] = _Calibration({"mmd": np.asarray(values)}, m, "split", st.n_calibration)
    return out


def _evaluate(ref: _Reference, pairs, batch_emb, plan: _Plan, calibrations, st: _Settings, tick):
    """Every metric of every batch against the whole reference, with its threshold and alert."""
    rows_out, alerts_out, batch_rows, severity, psi, feature_thr = [], [], [], {}, {}, {}
    for pos, (label, rows) in enumerate(pairs):
        measured = _measure(ref, plan.reweighted.get(pos, ref.whole), rows, set(plan.row_detectors),
                            alpha=st.alpha, correction=st.correction) if len(rows) >= 2 else _Measured({})
        values = dict(measured.values)
        eff, cal_sizes = plan.sizes[pos], plan.cal_sizes[pos]
        extra: dict[str, object] = {"muted": ref.muted}
        if "features" in plan.active and measured.table is not None and "features" in cal_sizes:
            levels = calibrations[("features", cal_sizes["features"])].levels
            table_psi = dict(zip(measured.table["feature"], measured.table["psi"], strict=True))
            values["psi_tail"] = _psi_tail(table_psi, levels, ref.psi_dofs, ref.muted)
            tail = plan.thresholds(calibrations, ("features", cal_sizes["features"]))["psi_tail"]
            feature_thr[label] = extra["feature_thr"] = _feature_thresholds(levels, ref.psi_dofs, tail)
        if "domain" in plan.active:
            seed = int(np.random.default_rng([st.seed, 3, pos]).integers(2**31 - 1))
            values["domain_auc"], extra["domain"] = _domain_auc(ref, ref.frame, rows, eff["domain"],
                                                                st.domain_n_folds, seed)
        if "mmd" in plan.active:
            seed = int(np.random.default_rng([st.seed, 4, pos]).integers(2**31 - 1))
            values["mmd"] = _mmd(ref.embeddings, batch_emb[pos], st.mmd_max_samples, seed)
        values["n_rows"] = float(len(rows))
        n_alerts = 0
        for spec in METRICS:
            if spec.detector is not None and spec.detector not in plan.active:
                continue
            value = float(values.get(spec.name, np.nan))
            cal_size = cal_sizes.get(spec.detector) if spec.detector else None
            thr = float("nan")
            if cal_size is not None:
                thr = plan.thresholds(calibrations, plan.key(pos, spec.detector))[spec.name]
            base = plan.baselines_of(pos, spec.detector).get(spec.name, np.nan)
            alert = exceeds(value, thr, spec.direction)
            rows_out.append((label, spec.name, spec.detector, value, thr, base, spec.direction, alert,
                             np.nan if cal_size is None else float(cal_size)))
            if alert:
                n_alerts += 1
                alerts_out.append((label, spec.name, spec.detector, value, thr,
                                   _reason(spec, value, thr, base, cal_size, st.quantile, measured, extra)))
        if measured.table is not None:
            t = measured.table.set_index("feature")
            severity[label], psi[label] = t["severity"], t["psi"]
        batch_rows.append((label, pos, len(rows), eff.get("performance", 0), n_alerts,
                           "alert" if n_alerts else "ok", ""))
        tick(f"batch {label}")
    labels = [label for label, _ in pairs]
    metrics = pd.DataFrame(rows_out, columns=list(METRIC_COLUMNS))
    metrics["alert"] = metrics["alert"].astype(bool)
    alerts = pd.DataFrame(alerts_out, columns=list(ALERT_COLUMNS))
    batch_table = pd.DataFrame(batch_rows, columns=["batch", "position", "n_rows", "n_labelled", "n_alerts",
                                                    "status", "verdict"])
    feats = list(ref.features)
    sev = pd.DataFrame({lab: severity.get(lab, pd.Series(dtype="str")) for lab in labels}, index=feats,
                       columns=labels)
    psi_table = pd.DataFrame({lab: psi.get(lab, pd.Series(dtype=float)) for lab in labels}, index=feats,
                             columns=labels, dtype=float)
    thr_table = pd.DataFrame({lab: feature_thr.get(lab, pd.Series(dtype=float)) for lab in labels},
                             index=feats, columns=labels, dtype=float)
    return metrics, alerts, batch_table, sev, psi_table, thr_table


def _fmt(value: float, metric: str) -> str:
    if metric == "quality_issues":
        return f"{value:.0f}"
    if metric == "psi_tail":
        return f"{value:.2g}"
    if metric == "share_drifted":
        return f"{value:.0%}"
    return f"{value:.4g}" if metric in ("max_psi", "prediction_psi", "mmd") else f"{value:.3f}"


def _reason(spec: MetricSpec, value: float, thr: float, base: float, size, quantile: float,
            measured: _Measured, extra: dict) -> str:
    """Plain-language reason of one alert."""
    where = "above" if spec.direction == "up" else "below"
    text = f"{spec.label} {_fmt(value, spec.name)} is {where} its threshold {_fmt(thr, spec.name)}"
    if not np.isnan(base):
        text += f" (reference {_fmt(base, spec.name)})"
    text += (f"; {quantile:.0%} of {int(size):,}-row reference samples stay within every threshold of "
             "this detector")
    muted = extra.get("muted", frozenset())
    live = None if measured.table is None else measured.table[~measured.table["feature"].isin(muted)]
    if spec.name == "psi_tail" and live is not None and extra.get("feature_thr") is not None:
        thr_f = extra["feature_thr"]
        over = live.assign(threshold=live["feature"].map(thr_f))
        over = over[over["psi"] > over["threshold"]]
        over = over.assign(ratio=over["psi"] / over["threshold"]).sort_values("ratio", ascending=False)
        if len(over):
            text += ". Beyond their own threshold: " + ", ".join(
                f"{r.feature} (PSI {r.psi:.3g} > {r.threshold:.3g})" for r in over.head(3).itertuples())
    elif spec.detector == "features" and live is not None and len(live):
        top = live.sort_values("psi", ascending=False).head(3)
        text += ". Most moved: " + ", ".join(f"{r.feature} (PSI {r.psi:.3g}, {r.severity})"
                                            for r in top.itertuples())
    elif spec.name == "quality_issues" and measured.issues:
        text += ". " + "; ".join(i.message for i in measured.issues[:3])
    elif spec.name == "domain_auc" and extra.get("domain") is not None:
        top = extra["domain"].importances.head(3)
        text += ". Features that tell the batch apart: " + ", ".join(top["feature"].astype(str))
    return text


def _diagnose(reference, pairs, batch_table, schema, alpha, correction, threshold, steps,
              seed) -> pd.DataFrame:
    from drift.diagnosis.diagnose import diagnose

    rows = []
    alerted = set(batch_table.loc[batch_table["status"] == "alert", "batch"])
    for pos, (label, frame) in enumerate(pairs):
        if label not in alerted:
            continue
        d = diagnose(reference, frame, schema=schema, alpha=alpha, correction=correction, threshold=threshold,
                     steps=steps, rng=np.random.default_rng([seed, 5, pos]))
        v = d.verdict
        rows.append((label, v.kind, v.label, v.confidence, "; ".join(v.evidence)))
    return pd.DataFrame(rows, columns=["batch", "verdict", "label", "confidence", "evidence"])

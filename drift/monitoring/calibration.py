"""Null thresholds: each detector's alert thresholds calibrated on the reference, at each batch's size.

A fixed cut-off means different things at different batch sizes (a PSI of 0.02 is noise at 500 rows
and a real move at 500,000).  So each detector's thresholds are **calibrated on the reference at the
batch's size**, and together, so that the *detector* -- not each of its metrics -- false-alarms at the
chosen level (the decision rule is written once, in :func:`joint_thresholds`, and applied by
:mod:`drift.monitoring.evaluate`):

1. **Null batches.**  Draw null batches of the batch's size ``n`` from the reference (``N`` rows) and
   compare each with a *pseudo-reference* exactly as a real batch is compared with the reference (same
   functions, same parameters, :mod:`drift.monitoring.metrics`): ``n_calibration`` draws for the
   feature-based detectors (features, quality), :data:`SCORE_DRAWS_FACTOR` times as many for the cheap
   score-based ones (prediction, realised and estimated performance), the first ``n_calibration`` draws
   shared.  (The score-based values come from weights on the reference's scores sorted once,
   :func:`drift.monitoring.metrics.score_nulls`: the same numbers as measuring the rows, ~10x cheaper.)

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
   * ``"reweighted"`` mode (score-based detectors of a batch when features are muted, see
     :mod:`drift.monitoring.monitor`): the chunk is drawn with replacement from the reference reweighted
     to the batch's muted features (probabilities proportional to the importance weights), the
     pseudo-reference is a bootstrap of the reference's rows times those weights; each such batch gets
     draws of its own.

   Performance is calibrated as a **change**: the null values are ``chunk - pseudo-reference`` (realised
   ROC AUC and accuracy on the labels -- a regression model's MAE, RMSE and |bias|, a multiclass
   model's accuracy and macro-F1, :mod:`drift.monitoring.task_outputs`; for the estimated ones, CBPE's
   or DLE's estimate on each side), and the
   threshold is the reference's own value plus their low quantile, so the reference's sampling error
   is accounted for too.  The domain classifier and MMD subsample both sides to at most
   ``domain_max_samples`` / ``mmd_max_samples`` rows anyway, so their null batches are two disjoint
   samples of those sizes (one calibration serves every batch at or above that size).
2. **Per-feature thresholds** of the features detector: :mod:`drift.monitoring.metrics`.
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
4. **Alert**: :mod:`drift.monitoring.evaluate`.

Calibration cost is bounded by **size buckets**: effective sizes
(:func:`drift.monitoring.metrics.effective_sizes`) within a factor :data:`SIZE_BUCKET_RATIO` of the
smallest in a group share one calibration drawn at the group's median size (equal sizes are calibrated
exactly; a size 10 % off shifts a PSI threshold by ~10 %, as PSI scales like ``1/n``).  Draws are
seeded from the seed and the size, so adding a batch never changes the others' thresholds.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from drift.monitoring.detectors import (
    DOMAIN_MIN_ROWS,
    PERFORMANCE_DETECTORS,
    ROW_DETECTORS,
    SCORE_DETECTORS,
    SPECS,
    metric_names,
    min_size,
    task_metrics,
)
from drift.monitoring.metrics import (
    domain_auc,
    effective_sizes,
    measure,
    mmd_statistic,
    null_tails,
    psi_levels,
    score_nulls,
)
from drift.monitoring.reference import Baseline, Reference
from drift.monitoring.reweighting import Reweighting
from drift.monitoring.settings import MonitorSettings

#: Above this share of the reference, null batches are bootstrapped instead of split off.
BOOTSTRAP_ABOVE = 0.25
#: Effective sizes within this factor of the smallest in their group share a calibration.
SIZE_BUCKET_RATIO = 1.2
#: Null draws of the score-based detectors per draw of the feature-based ones.  A conformal threshold
#: from ``k`` draws gives a false-alarm rate that varies from one calibration to the next with a
#: standard deviation of ~3.4 points at ``k = 40`` and ~1.5 at ``k = 200`` (a Beta(k + 1 - rank, rank)
#: law): the cheap detectors buy the steadier rate.
SCORE_DRAWS_FACTOR = 5

#: Called once per unit of work with a message (:func:`drift.monitor`'s progress).
Tick = Callable[[str], None]


# ------------------------------------------------------------------------------------ decision rule
def calibrated_threshold(null_values, quantile: float, direction: str) -> float:
    """Threshold from null values: the conformal order statistic (module docstring, rule 3).

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
    """Thresholds of a detector's metrics, calibrated together (module docstring, rule 3).

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


# ------------------------------------------------------------------------------------ null draws
def size_buckets(sizes: Sequence[int]) -> dict[int, int]:
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


def reweight_cdf(reweight: np.ndarray) -> np.ndarray:
    """The cumulative distribution ``Generator.choice(..., p=reweight / reweight.sum())`` builds on every
    call, built once: ``cdf.searchsorted(gen.random(size), side="right")`` then draws the same rows from
    the same stream as ``choice`` does (NumPy's own algorithm; tested), without re-adding ``n_ref``
    probabilities for each of the hundreds of null draws of a batch."""
    cdf = (reweight / reweight.sum()).cumsum()
    cdf /= cdf[-1]
    return cdf


def draw_weights(gen: np.random.Generator, n_ref: int, size: int, reweight: np.ndarray | None = None,
                 cdf: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, str]:
    """Row positions of a null chunk and the pseudo-reference weights (module docstring, rule 1).

    ``reweight`` (importance weights of the reference rows, :mod:`drift.monitoring.reweighting`): a null
    draw from the reweighted reference, always bootstrapped -- the chunk drawn with replacement with
    probabilities proportional to ``reweight``, the pseudo-reference an ordinary bootstrap of the rows
    times ``reweight`` (its spread is that of the reweighted reference, whose effective size is below
    ``n_ref``); ``cdf``: :func:`reweight_cdf` of ``reweight``, when the caller draws many times."""
    if reweight is not None:
        cdf = reweight_cdf(reweight) if cdf is None else cdf
        chunk = cdf.searchsorted(gen.random(size), side="right")
        return chunk, np.bincount(gen.integers(0, n_ref, n_ref), minlength=n_ref) * reweight, "reweighted"
    if size <= BOOTSTRAP_ABOVE * n_ref:
        chunk = gen.choice(n_ref, size, replace=False)
        weights = np.ones(n_ref, dtype=np.int64)
        weights[chunk] = 0
        return chunk, weights, "split"
    chunk = gen.integers(0, n_ref, size)
    weights = np.bincount(gen.integers(0, n_ref, n_ref), minlength=n_ref)
    return chunk, weights, "bootstrap"


def n_draws(detectors: set[str], n_calibration: int) -> int:
    """Null draws a calibration of these row-based detectors takes (:data:`SCORE_DRAWS_FACTOR`)."""
    return n_calibration * (SCORE_DRAWS_FACTOR if detectors & SCORE_DETECTORS else 1)


@dataclass(frozen=True, slots=True)
class Calibration:
    """The null values of one detector's metrics at one size: ``samples[metric]`` over the draws, how
    they were drawn (``mode``), and each feature's null PSI level (features detector only)."""

    samples: dict[str, np.ndarray]
    size: int
    mode: str
    n_draws: int
    levels: dict[str, float] = field(default_factory=dict)    # feature -> mean null PSI (features only)


# ------------------------------------------------------------------------------------ the plan
@dataclass(slots=True)
class Plan:
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
    reweighted: dict[int, Baseline] = field(default_factory=dict)    # batch position -> its reference
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
        return (detector, size, pos) if pos in self.reweighted and detector in SCORE_DETECTORS else \
            (detector, size)

    def baselines_of(self, pos: int | None, detector: str) -> dict[str, float]:
        """The reference's own performance values a detector compares the batch at ``pos`` with (its
        reweighted reference's for a score-based detector of a reweighted batch)."""
        return self.reweighted[pos].baselines if pos in self.reweighted and detector in SCORE_DETECTORS \
            else self.baselines

    @staticmethod
    def position(key: tuple) -> int | None:
        """The batch a calibration (:meth:`key`) serves alone, ``None`` for one shared by a size."""
        return key[2] if len(key) == 3 else None

    def null_baselines(self, key: tuple) -> dict[str, float]:
        """What a calibration's null *changes* are added to: the performance detectors' baselines (of
        the reweighted reference for a batch's own calibration), nothing for the other detectors."""
        if key[0] not in PERFORMANCE_DETECTORS:
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


def make_plan(ref: Reference, pairs, active: set[str], settings: MonitorSettings,
              reweightings: Mapping[int, Reweighting]) -> Plan:
    """The calibrations the batches ``pairs`` need.  ``reweightings``: batch position -> importance
    weights of the reference for its score-based detectors (batches with weights get calibrations of
    their own for those)."""
    sizes = [effective_sizes(ref, rows, active, settings.domain_max_samples, settings.mmd_max_samples)
             for _, rows in pairs]
    row_dets = [d for d in ROW_DETECTORS if d in active]
    row_bucket = size_buckets([s[d] for s in sizes for d in row_dets if s.get(d, 0) >= min_size(d)])
    dom_bucket = size_buckets([s["domain"] for s in sizes if s.get("domain", 0) >= DOMAIN_MIN_ROWS])
    mmd_bucket = size_buckets([s["mmd"] for s in sizes if s.get("mmd", 0) >= 2])
    row_jobs: dict[int, set[str]] = {}
    own_jobs: dict[int, dict[int, set[str]]] = {}
    weights = {pos: r.weights for pos, r in reweightings.items() if r.weights is not None}
    reweighted = {pos: ref.reweighted(w) for pos, w in weights.items()}
    cal_sizes = []
    for pos, s in enumerate(sizes):
        cal = {}
        for d in row_dets:
            if s.get(d, 0) >= min_size(d):
                cal[d] = row_bucket[s[d]]
                own = pos in reweighted and d in SCORE_DETECTORS
                jobs = own_jobs.setdefault(pos, {}) if own else row_jobs
                jobs.setdefault(cal[d], set()).add(d)
        if s.get("domain", 0) in dom_bucket:
            cal["domain"] = dom_bucket[s["domain"]]
        if s.get("mmd", 0) in mmd_bucket:
            cal["mmd"] = mmd_bucket[s["mmd"]]
        cal_sizes.append(cal)
    domain_sizes = sorted(set(dom_bucket.values()))
    mmd_sizes = sorted(set(mmd_bucket.values()))
    k = settings.n_calibration
    total = (sum(n_draws(dets, k) for dets in row_jobs.values())
             + sum(n_draws(dets, k) for jobs in own_jobs.values() for dets in jobs.values())
             + k * len(mmd_sizes) + settings.domain_calibration * len(domain_sizes) + len(pairs))
    return Plan(active, row_dets, sizes, cal_sizes, row_jobs, domain_sizes, mmd_sizes, total,
                settings.quantile, ref.baselines, reweighted, weights, own_jobs)


# ------------------------------------------------------------------------------------ calibrating
def calibrate(ref: Reference, plan: Plan, settings: MonitorSettings, seed: int,
              tick: Tick) -> dict[tuple, Calibration]:
    """Null values of every metric at every calibration size of ``plan`` (module docstring, rule 1),
    keyed as :meth:`Plan.key`."""
    out: dict[tuple, Calibration] = {}
    for cal_size, dets in sorted(plan.row_jobs.items()):
        out.update(_calibrate_rows(ref, cal_size, dets, settings, seed, tick))
    for pos, jobs in sorted(plan.own_jobs.items()):
        for cal_size, dets in sorted(jobs.items()):    # the score-based detectors, from the reweighted rows
            out.update(_calibrate_reweighted(ref, pos, cal_size, dets, plan.weights[pos], settings, seed,
                                             tick))
    for k in plan.domain_sizes:
        out[("domain", k)] = _calibrate_domain(ref, k, settings, seed, tick)
    for m in plan.mmd_sizes:
        out[("mmd", m)] = _calibrate_mmd(ref, m, settings, seed, tick)
    return out


def _calibrate_rows(ref: Reference, cal_size: int, dets: set[str], settings: MonitorSettings, seed: int,
                    tick: Tick) -> dict[tuple, Calibration]:
    """The row-based detectors ``dets`` at one size: the first ``n_calibration`` draws serve every
    detector, the rest (:data:`SCORE_DRAWS_FACTOR`) only the score-based ones."""
    gen = np.random.default_rng([seed, 0, cal_size])
    names = metric_names(dets, exclude=("psi_tail",), task=ref.task)
    draws: dict[str, list[float]] = {m: [] for m in names}
    null_psi: dict[str, list[float]] = {f: [] for f in ref.features} if "features" in dets else {}
    heavy, light = dets - SCORE_DETECTORS, dets & SCORE_DETECTORS
    total = n_draws(dets, settings.n_calibration)
    mode = "split"
    for i in range(total):
        chunk, weights, mode = draw_weights(gen, ref.n, cal_size)
        if heavy and i < settings.n_calibration:
            _heavy_null(ref, chunk, weights, heavy, settings, draws, null_psi)
        if light:
            for metric, values in score_nulls(ref, [(chunk, weights)], light, mode == "split").items():
                draws[metric].extend(values)
        tick(f"calibrating thresholds for {cal_size:,}-row batches ({i + 1}/{total})")
    levels = psi_levels(null_psi)
    if null_psi:   # the features detector's statistic needs the levels of the other draws: afterwards
        draws["psi_tail"] = null_tails(null_psi, ref.psi_dofs, ref.muted)
    return {(d, cal_size): Calibration(
        {m.name: np.asarray(draws.get(m.name, []), dtype=float) for m in task_metrics(ref.task)
         if m.detector == d},
        cal_size, mode, n_draws({d}, settings.n_calibration), levels if d == "features" else {})
        for d in dets}


def _heavy_null(ref: Reference, chunk: np.ndarray, weights: np.ndarray, heavy: set[str],
                settings: MonitorSettings, draws: dict[str, list[float]],
                null_psi: dict[str, list[float]]) -> None:
    """One null draw of the feature-based detectors ``heavy``: the chunk's rows measured against the
    pseudo-reference, appended to ``draws`` (and each feature's PSI to ``null_psi``)."""
    measured = measure(ref, ref.pseudo(weights), ref.chunk_source.iloc[chunk], heavy, alpha=settings.alpha,
                       correction=settings.correction)
    for metric, values in draws.items():
        if SPECS[metric].detector in heavy:
            values.append(measured.values.get(metric, np.nan))
    if null_psi:
        psi = dict(zip(measured.table["feature"], measured.table["psi"], strict=True))
        for f, values in null_psi.items():
            values.append(float(psi.get(f, np.nan)))


def _calibrate_reweighted(ref: Reference, pos: int, cal_size: int, dets: set[str], weights: np.ndarray,
                          settings: MonitorSettings, seed: int, tick: Tick) -> dict[tuple, Calibration]:
    """The score-based detectors ``dets`` of the batch at ``pos``, from null draws of the reference
    reweighted to it (``"reweighted"`` mode)."""
    gen = np.random.default_rng([seed, 6, pos, cal_size])
    total = n_draws(dets, settings.n_calibration)
    draws: dict[str, list[float]] = {m: [] for m in metric_names(dets, task=ref.task)}
    cdf = reweight_cdf(weights)
    for i in range(total):
        chunk, pseudo, _ = draw_weights(gen, ref.n, cal_size, weights, cdf)
        for metric, values in score_nulls(ref, [(chunk, pseudo)], dets, split=False).items():
            draws[metric].extend(values)
        tick(f"calibrating the reweighted reference of batch {pos + 1} ({i + 1}/{total})")
    return {(d, cal_size, pos): Calibration(
        {m.name: np.asarray(draws[m.name], dtype=float) for m in task_metrics(ref.task) if m.detector == d},
        cal_size, "reweighted", total) for d in dets}


def _calibrate_domain(ref: Reference, k: int, settings: MonitorSettings, seed: int,
                      tick: Tick) -> Calibration:
    """The domain classifier's AUC between two disjoint ``k``-row samples of the reference."""
    gen = np.random.default_rng([seed, 1, k])
    values = []
    for i in range(settings.domain_calibration):
        idx = gen.choice(ref.n, 2 * k, replace=False)
        draw_seed = int(gen.integers(2**31 - 1))
        values.append(domain_auc(ref, ref.frame.iloc[idx[:k]], ref.frame.iloc[idx[k:]], k,
                                 settings.domain_n_folds, draw_seed)[0])
        tick(f"calibrating the domain classifier at {k:,} rows ({i + 1}/{settings.domain_calibration})")
    return Calibration({"domain_auc": np.asarray(values)}, k, "split", settings.domain_calibration)


def _calibrate_mmd(ref: Reference, m: int, settings: MonitorSettings, seed: int,
                   tick: Tick) -> Calibration:
    """MMD² between an ``m``-row sample of the reference's embeddings and a disjoint sample of the rest."""
    gen = np.random.default_rng([seed, 2, m])
    r = min(ref.n - m, settings.mmd_max_samples)
    values = []
    for i in range(settings.n_calibration):
        idx = gen.choice(ref.n, m + r, replace=False)
        values.append(mmd_statistic(ref.embeddings[idx[m:]], ref.embeddings[idx[:m]],
                                    settings.mmd_max_samples, int(gen.integers(2**31 - 1))))
        tick(f"calibrating MMD at {m:,} rows ({i + 1}/{settings.n_calibration})")
    return Calibration({"mmd": np.asarray(values)}, m, "split", settings.n_calibration)


def calibration_table(plan: Plan, calibrations: Mapping[tuple, Calibration],
                      labels: Sequence[str]) -> pd.DataFrame:
    """:attr:`drift.monitoring.monitor.MonitorResult.calibration`: one row per calibration and metric."""
    rows = [(metric, key[0], key[1], cal.mode, cal.n_draws, plan.thresholds(calibrations, key)[metric],
             float(np.nanmedian(sample)) + plan.null_baselines(key).get(metric, 0.0)
             if np.isfinite(sample).any() else np.nan,
             "" if plan.position(key) is None else labels[plan.position(key)])
            for key, cal in sorted(calibrations.items()) for metric, sample in cal.samples.items()]
    return pd.DataFrame(rows, columns=["metric", "detector", "size", "mode", "n_draws", "threshold",
                                       "null_median", "batch"])

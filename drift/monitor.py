"""Monitoring over time: per-batch drift metrics, with alert thresholds calibrated on the reference.

:func:`monitor` compares every production batch with the reference and reports one row per batch and
metric (:data:`METRICS`); each *detector* (:data:`DETECTORS`) owns one or more metrics.

Thresholds (the decision rule, written once in :func:`calibrated_threshold` and :func:`exceeds`)
-----------------------------------------------------------------------------------------------
A fixed cut-off means different things at different batch sizes (a PSI of 0.02 is noise at 500 rows
and a real move at 500,000).  So each metric's threshold is **calibrated on the reference at the
batch's size**:

1. **Null batches.**  Draw ``n_calibration`` null batches of the batch's size ``n`` from the reference
   (``N`` rows) and compare each with a *pseudo-reference* exactly as a real batch is compared with the
   reference (same functions, same parameters):

   * ``"split"`` mode (``n <= BOOTSTRAP_ABOVE * N``): the chunk is drawn without replacement and the
     pseudo-reference is the *other* ``N - n`` rows (their own quantile edges, category counts, score
     distribution, performance).  Chunk and pseudo-reference are then disjoint samples of one
     population, as a clean batch and the reference are.  (Comparing a chunk with the whole reference
     it is part of would understate the null spread: at ``n = N/4`` a PSI comes out ~40 % too small.)
     The pseudo-reference being smaller than the reference widens the null by a factor
     ``1 / (1 - (n/N)^2)`` in variance (1.07 at ``n = N/4``): slightly conservative;
   * ``"bootstrap"`` mode (larger batches): chunk (``n`` rows) and pseudo-reference (``N`` rows) are both
     drawn with replacement from the reference, which gives the right spread ``~ 1/n + 1/N``;
     duplicated rows make KS p-values a little conservative.

   Performance is calibrated as a **change**: the null values are ``chunk - pseudo-reference`` (realised
   ROC AUC and accuracy on the labels; for the estimated ones, CBPE's estimate on each side), and the
   threshold is the reference's own value plus their low quantile, so the reference's sampling error
   is accounted for too.  The domain classifier and MMD subsample both sides to at most
   ``domain_max_samples`` / ``mmd_max_samples`` rows anyway, so their null batches are two disjoint
   samples of those sizes (one calibration serves every batch at or above that size).
2. **Threshold** = the ``quantile`` of the ``k`` null values as an order statistic: the
   ``ceil((k + 1) * quantile)``-th smallest (the split-conformal rank; from the top for metrics that
   alert on a drop).  A fresh clean batch then exceeds it with probability at most ``1 - quantile``
   (``2/41 = 4.9 %`` for ``k = 40``, ``quantile = 0.95``) whatever the metric's distribution; the
   interpolated ``numpy.quantile`` would give ~7 %.  With too few draws for the quantile the extreme
   draw is used.  The guarantee is on average over calibrations: with ``k = 40`` draws the false-alarm
   rate of one calibration varies around 4.9 % with a standard deviation of ~3.3 points (~2.2 at
   ``k = 100``), the price of a distribution-free rule; raise ``n_calibration`` for steadier
   thresholds.
3. **Alert** when the value is strictly beyond the threshold: ``value > threshold`` for metrics that
   grow with drift (PSI, share of drifted features, domain-classifier AUC, MMD², data-quality issues),
   ``value < threshold`` for performance, which alerts on a **drop**.  For a discrete metric whose null
   is almost always 0 (share of drifted features, issue count) the threshold is 0 and any drifted
   feature or issue alerts.

Each metric is tested at level ``1 - quantile``.  A detector alerts when any of its metrics does (at
most twice the level for the two-metric detectors), and a batch alerts when any detector does: with the
nine metrics of a labelled batch, expect roughly a quarter of clean batches to carry at least one alert
at ``quantile=0.95`` (use 0.99 for fewer).

Calibration cost is bounded by **size buckets**: effective sizes within a factor
:data:`SIZE_BUCKET_RATIO` of the smallest in a group share one calibration drawn at the group's median
size (equal sizes are calibrated exactly; a size 10 % off shifts a PSI threshold by ~10 %, as PSI scales
like ``1/n``).  The effective size is the number of rows for the per-feature metrics, of rows with a
score for prediction drift and estimated performance, of labelled rows for realised performance.
Draws are seeded from ``rng`` and the size, so adding a batch never changes the others' thresholds.

Reference summaries (the :class:`~drift.features.ReferenceProfile`, argsorts and category codes to
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

from .batching import split_batches
from .errors import DriftInputError, DriftParameterError, MixedTypeError
from .features import N_JOBS, FeatureProfile, ReferenceProfile, feature_drift, profile_reference
from .inputs import numeric_values
from .quality import QualityBaseline
from .samples import SortedSample, as_float_array

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
    MetricSpec("max_psi", "features", "up", "largest feature PSI"),
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
#: Columns of :attr:`MonitorResult.metrics`.
METRIC_COLUMNS = ("batch", "metric", "detector", "value", "threshold", "baseline", "direction", "alert",
                  "calibration_size")
ALERT_COLUMNS = ("batch", "metric", "detector", "value", "threshold", "reason")

_ROW_DETECTORS = ("features", "prediction", "performance", "estimated_performance", "quality")


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


class _Reference:
    """Reference summaries computed once: profile, argsorts and codes to re-weight rows, baselines."""

    def __init__(self, frame: pd.DataFrame, schema, *, target: str | None, prediction: str | None,
                 bins: int, threshold: float, embeddings: np.ndarray | None, detectors: set[str]) -> None:
        from .performance import classification_metrics

        self.frame = frame
        self.n = len(frame)
        self.schema = schema
        self.features = list(schema.features)
        self.bins = bins
        self.threshold = threshold
        self.target, self.prediction = target, prediction
        self.profile = profile_reference(frame, schema=schema, bins=bins)
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
        if prediction is not None and target is not None:
            from sklearn.isotonic import IsotonicRegression

            from .performance import _clean
            y = as_float_array(frame[target]) if pd.api.types.is_numeric_dtype(frame[target]) else None
            self.labelled = ~np.isnan(self.scores) if y is None else ~(np.isnan(y) | np.isnan(self.scores))
            try:
                if y is None:
                    raise DriftInputError("not numeric")
                y_lab, p_lab = _clean(y[self.labelled], self.scores[self.labelled], "reference")
            except DriftInputError:
                self.note = f"performance skipped: the target {target!r} is not binary 0/1"
                y_lab, p_lab = np.zeros(0, np.int8), np.zeros(0)
            # sorted by score once: weighted_metrics' own argsort is then linear (pseudo-references)
            self.lab_order = np.argsort(p_lab, kind="stable")
            self.y_lab, self.p_lab = y_lab[self.lab_order], p_lab[self.lab_order]
            self.lab_rows = np.flatnonzero(self.labelled)[self.lab_order]
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
                self.estimated = _estimated(self.sorted_q, self.sorted_scores, threshold)
        self.embeddings = embeddings
        self.baselines = {**performance, **self.estimated}
        self.whole = _Baseline(self.profile,
                               None if self.scores is None else self.scores[~np.isnan(self.scores)],
                               performance, self.estimated)

    def pseudo(self, weights: np.ndarray) -> _Baseline:
        """A pseudo-reference: reference row ``i`` counted ``weights[i]`` times (0/1 split, or bootstrap)."""
        from .binning import quantile_edges
        from .performance import weighted_metrics

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
        n_rows = int(weights.sum())
        scores = None
        if self.scores is not None:
            w = weights[self.score_order][:self.n_scores]
            scores = np.repeat(self.scores[self.score_order][:self.n_scores], w)
        performance, estimated = {}, {}
        if self.whole.performance:
            m = weighted_metrics(self.y_lab, self.p_lab, weights[self.lab_rows][None, :], self.threshold)[0]
            performance = {"roc_auc": float(m[0]), "accuracy": float(m[1])}
            w = weights[self.score_order][:self.n_scores]
            estimated = _estimated(np.repeat(self.sorted_q, w), np.repeat(self.sorted_scores, w),
                                   self.threshold)
        return _Baseline(ReferenceProfile(tuple(profiles), self.bins, n_rows), scores, performance, estimated)


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
             correction: str, pseudo: bool) -> _Measured:
    """Every row-based metric of ``rows`` against ``base`` (a real batch, or a null chunk)."""
    from .performance import _clean, classification_metrics
    from .prediction import prediction_drift
    from .quality import quality_issues

    out = _Measured({})
    if detectors & {"features", "quality"} and ref.features:
        table = feature_drift(base.profile, rows, alpha=alpha, correction=correction, bins=ref.bins,
                              n_jobs=1 if len(rows) < PARALLEL_FROM else N_JOBS)
        out.table = table
        if "features" in detectors:
            out.values["share_drifted"] = float(table["drifted"].mean()) if len(table) else float("nan")
            psi = table["psi"].to_numpy(dtype=float)
            out.values["max_psi"] = float(np.nanmax(psi)) if np.isfinite(psi).any() else float("nan")
        if "quality" in detectors:
            out.issues = quality_issues(ref.quality, rows, ref.schema, table, alpha=alpha)
            out.values["quality_issues"] = float(len(out.issues))
    scores = None
    if ref.prediction is not None and ref.prediction in rows.columns:
        scores = as_float_array(rows[ref.prediction])
        valid = scores[~np.isnan(scores)]
        if "prediction" in detectors:
            ok = valid.size >= 2 and base.scores is not None and base.scores.size >= 2
            out.values["prediction_psi"] = (prediction_drift(base.scores, valid, threshold=ref.threshold)
                                            .statistic if ok else float("nan"))
        if "estimated_performance" in detectors and ref.iso is not None:
            clipped = np.clip(valid, 0, 1)
            est = _estimated(ref.iso.predict(clipped), clipped, ref.threshold) if valid.size >= 2 else \
                {"estimated_roc_auc": np.nan, "estimated_accuracy": np.nan}
            if pseudo:   # calibration samples are changes against the pseudo-reference
                est = {k: v - base.estimated[k] for k, v in est.items()}
            out.values.update(est)
    if "performance" in detectors and base.performance and scores is not None and ref.target in rows.columns:
        y = as_float_array(rows[ref.target])
        keep = ~(np.isnan(y) | np.isnan(scores))
        auc = acc = float("nan")
        if keep.sum() >= MIN_LABELS:
            yy, pp = _clean(y[keep], scores[keep], "current")
            m = classification_metrics(yy, pp, ref.threshold)
            auc, acc = m["roc_auc"], m["accuracy"]
        if pseudo:   # calibration samples are changes against the pseudo-reference
            auc, acc = auc - base.performance["roc_auc"], acc - base.performance["accuracy"]
        out.values["roc_auc"], out.values["accuracy"] = auc, acc
    return out


def _estimated(q: np.ndarray, p: np.ndarray, threshold: float) -> dict[str, float]:
    """CBPE's expected ROC AUC and accuracy (:func:`drift.performance.expected_metrics`)."""
    from .performance import expected_metrics

    est = expected_metrics(q, p, threshold)
    return {"estimated_roc_auc": est["roc_auc"], "estimated_accuracy": est["accuracy"]}


def _domain_auc(ref: _Reference, a: pd.DataFrame, b: pd.DataFrame, k: int, n_folds: int, seed) -> tuple:
    from .domain import domain_classifier_test

    if k < DOMAIN_MIN_ROWS:
        return float("nan"), None
    res = domain_classifier_test(a[ref.features], b[ref.features], max_samples=k, n_folds=n_folds, rng=seed)
    return float(res.auc), res


def _mmd(a: np.ndarray, b: np.ndarray, max_samples: int, seed) -> float:
    from .mmd import mmd_test

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


def _draw_weights(gen: np.random.Generator, n_ref: int, size: int) -> tuple[np.ndarray, np.ndarray, str]:
    """Row positions of a null chunk and the pseudo-reference weights (module docstring, rule 1)."""
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


# ---------------------------------------------------------------------------------------------- result
@dataclass(frozen=True, slots=True)
class MonitorResult:
    """Result of :func:`monitor`.

    Attributes
    ----------
    metrics : DataFrame
        Long table, one row per batch and metric: :data:`METRIC_COLUMNS` (``baseline`` is the
        reference's own value where one exists, e.g. its ROC AUC; ``calibration_size`` the size the
        threshold was calibrated at).
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
        ``metric, detector, size, mode, n_draws, threshold, null_median`` per calibration.
    reference : dict
        The reference's row count and its own values of the performance metrics.
    params : dict
        The arguments, for the record (JSON-safe).
    notes : tuple of str
        Detectors skipped and why, and other caveats.
    verdicts : DataFrame or None
        ``batch, verdict, label, confidence, evidence`` for alerted batches (``diagnose_alerts=True``).
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

    def to_dict(self) -> dict:
        """JSON-safe dictionary (``nan`` becomes ``None``)."""
        return {
            "params": self.params, "reference": _json(self.reference), "notes": list(self.notes),
            "batches": _records(self.batches), "metrics": _records(self.metrics),
            "alerts": _records(self.alerts), "calibration": _records(self.calibration),
            "severity": {c: _json(self.severity[c].to_dict()) for c in self.severity.columns},
            "psi": {c: _json(self.psi[c].to_dict()) for c in self.psi.columns},
            "verdicts": None if self.verdicts is None else _records(self.verdicts),
        }


def _json(value):
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _records(df: pd.DataFrame) -> list[dict]:
    return [_json(row) for row in df.to_dict("records")]


# ------------------------------------------------------------------------------------------- monitor
def _check(name: str, ok: bool, allowed: str, got) -> None:
    if not ok:
        raise DriftParameterError.invalid(name, "monitor", allowed, got)


def _as_batches(batches, split: dict) -> list[tuple[str, pd.DataFrame]]:
    if isinstance(batches, pd.DataFrame):
        if any(v is not None for k, v in split.items() if k != "min_rows"):
            return split_batches(batches, **split)
        return [("current", batches.reset_index(drop=True))]
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
    return pairs


def _resolve_embeddings(embeddings, reference: pd.DataFrame, pairs) -> tuple[np.ndarray | None, list]:
    from .embeddings import embedding_columns, embeddings_from_frame

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
            min_rows: int = 50, correction: str = "bh", bins: int = 10, threshold: float = 0.5,
            domain_max_samples: int = 2000, domain_n_folds: int = 3, domain_calibration: int = 20,
            mmd_max_samples: int = 1000, diagnose_alerts: bool = False,
            diagnose_steps: tuple[str, ...] = ("inputs", "prediction", "concept")) -> MonitorResult:
    """Monitor production batches against the reference, with thresholds calibrated on the reference.

    Parameters
    ----------
    reference : DataFrame
        Training data (with the target and prediction columns when known).
    batches : list of (label, DataFrame), mapping label -> DataFrame, or DataFrame
        The production batches in order; a DataFrame is split with :func:`drift.batching.split_batches`
        using ``batch_col`` / ``time_col`` + ``period`` / ``size`` / ``min_rows`` (a DataFrame with none
        of them is one batch, ``"current"``).
    schema : Schema, optional
        Column kinds and roles; inferred from the reference when omitted.
    target, prediction : str, optional
        Label and model-score columns (override the schema's roles).
    embeddings : "auto", list of str, or (ndarray, sequence of ndarray), optional
        For MMD: embedding columns present in the reference and every batch (``"auto"``:
        :func:`drift.embeddings.embedding_columns`), or a reference matrix and one matrix per batch.
        MMD runs only when embeddings are given.
    alpha : float, default 0.05
        Significance level of the per-feature tests (severity) and data-quality checks.
    quantile : float, default 0.95
        Threshold quantile of the null values: each metric's false-alarm rate on a batch like the
        reference is at most ``1 - quantile`` (on average over calibrations; module docstring).
    n_calibration : int, default 40
        Null batches drawn per calibration (per size bucket).
    detectors : sequence of str, default :data:`DEFAULT_DETECTORS` (all but the domain classifier)
        Subset of :data:`DETECTORS`; detectors whose inputs are absent are skipped (see ``notes``).
    rng : int or numpy.random.Generator, default 0
        Seed for calibration draws, the domain classifier and MMD.
    progress : callable(message, done, total), optional
        Called as work advances (the app's progress bar, the CLI's stderr).
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
    >>> from drift.scenarios import load_scenario
    >>> sc = load_scenario("credit", n_train=2000, batch_size=500)
    >>> res = monitor(sc.reference, sc.current, batch_col="batch", n_calibration=20,
    ...               detectors=("features", "quality"))
    >>> int(res.wide().loc["2025-05", "quality_issues"])         # income recorded in thousands
    1
    """
    from .schema import Schema, infer_schema

    _check("alpha", isinstance(alpha, int | float) and 0 < alpha < 1, "in (0, 1)", alpha)
    _check("quantile", isinstance(quantile, int | float) and 0 < quantile < 1, "in (0, 1)", quantile)
    for name, value, low in (("n_calibration", n_calibration, 2),
                             ("domain_calibration", domain_calibration, 2),
                             ("domain_max_samples", domain_max_samples, DOMAIN_MIN_ROWS),
                             ("domain_n_folds", domain_n_folds, 2), ("mmd_max_samples", mmd_max_samples, 2)):
        _check(name, isinstance(value, int | np.integer) and not isinstance(value, bool) and value >= low,
               f"an int >= {low}", value)
    if isinstance(detectors, str):
        detectors = (detectors,)
    unknown = [d for d in detectors if d not in DETECTORS]
    _check("detectors", not unknown, f"a subset of {tuple(DETECTORS)}", unknown)
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
    pairs = _as_batches(batches, dict(batch_col=batch_col, time_col=time_col, period=period, size=size,
                                      min_rows=min_rows))
    if schema is None:
        schema = infer_schema(reference)
    elif not isinstance(schema, Schema):
        raise DriftParameterError.invalid("schema", "monitor", "a drift.Schema or None",
                                          type(schema).__name__)
    split_cols = {c for c in (batch_col, time_col) if c is not None}
    schema = schema.with_roles(target=target or schema.target, prediction=prediction or schema.prediction,
                               excluded=tuple(schema.excluded)
                               + tuple(c for c in split_cols if c in schema.kinds))
    target, prediction = schema.target, schema.prediction
    ref_emb, batch_emb = _resolve_embeddings(embeddings, reference, pairs)

    active, notes = set(detectors), []
    skips = {"prediction": prediction is None, "estimated_performance": prediction is None or target is None,
             "performance": prediction is None or target is None, "mmd": ref_emb is None,
             "features": not schema.features, "domain": not schema.features, "quality": not schema.features}
    reasons = {"prediction": "no prediction column",
               "estimated_performance": "needs a target and a prediction",
               "performance": "needs a target and a prediction", "mmd": "no embeddings given",
               "features": "no feature columns", "domain": "no feature columns",
               "quality": "no feature columns"}
    for d in list(active):
        if skips[d]:
            active.discard(d)
            notes.append(f"{DETECTORS[d]} skipped: {reasons[d]}")

    _check_outputs(reference, "reference", (prediction,))
    ref = _Reference(reference, schema, target=target, prediction=prediction, bins=bins, threshold=threshold,
                     embeddings=ref_emb, detectors=active)
    if {"performance", "estimated_performance"} & active and not ref.whole.performance:
        active -= {"performance", "estimated_performance"}
        notes.append(ref.note)
    for label, rows in pairs:
        _check_batch(ref, label, rows)
    if "domain" in active and ref.n // 2 < domain_max_samples:
        notes.append(f"domain classifier calibrated on {ref.n // 2:,} rows per side (half the reference)")

    base_seed = int(rng) if isinstance(rng, int | np.integer) and not isinstance(rng, bool) \
        else int(np.random.default_rng(rng).integers(2**32))
    settings = _Settings(alpha=alpha, correction=correction, quantile=quantile,
                         n_calibration=int(n_calibration),
                         domain_max_samples=int(domain_max_samples), domain_n_folds=int(domain_n_folds),
                         domain_calibration=int(domain_calibration), mmd_max_samples=int(mmd_max_samples),
                         seed=base_seed)
    # BLAS on one thread: the products here are vector-sized, and a multi-threaded BLAS waking its threads
    # for each one costs 10-1000x the product itself on a busy 2-core machine.
    with threadpool_limits(limits=1, user_api="blas"):
        plan = _plan(ref, pairs, active, settings)
        tick = _ticker(progress, plan.total)
        calibrations = _calibrate(ref, plan, settings, tick)
        metrics, alerts, batch_table, severity, psi = _evaluate(ref, pairs, batch_emb, plan, calibrations,
                                                                 settings, tick)
    thresholds = plan.thresholds
    cal_rows = [(metric, det, cal_size, cal.mode, cal.n_draws, thresholds(calibrations, metric, det,
                                                                          cal_size),
                 (float(np.nanmedian(sample)) + ref.baselines.get(metric, 0.0)
                  if det in ("performance", "estimated_performance") else float(np.nanmedian(sample)))
                 if np.isfinite(sample).any() else np.nan)
                for (det, cal_size), cal in sorted(calibrations.items()) for metric,
                sample in cal.samples.items()]
    calibration = pd.DataFrame(cal_rows, columns=["metric", "detector", "size", "mode", "n_draws",
                                                  "threshold",
                                                  "null_median"])
    verdicts = None
    if diagnose_alerts:
        verdicts = _diagnose(reference, pairs, batch_table, schema, alpha, correction, threshold,
                             diagnose_steps, base_seed)
        found = dict(zip(verdicts["batch"], verdicts["verdict"], strict=True))
        batch_table["verdict"] = [found.get(label, "") for label in batch_table["batch"]]
    params = {"alpha": alpha, "quantile": quantile, "n_calibration": int(n_calibration),
              "detectors": [d for d in DETECTORS if d in active], "rng": base_seed, "correction": correction,
              "bins": bins, "threshold": threshold, "target": target, "prediction": prediction,
              "domain_max_samples": int(domain_max_samples), "domain_n_folds": int(domain_n_folds),
              "domain_calibration": int(domain_calibration), "mmd_max_samples": int(mmd_max_samples),
              "features": list(ref.features)}
    reference_info = {"n_rows": ref.n, **{k: float(v) for k, v in ref.baselines.items()}}
    return MonitorResult(metrics, severity, psi, alerts, batch_table, calibration, reference_info, params,
                         tuple(notes), verdicts)


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
    cache: dict = field(default_factory=dict)

    def thresholds(self, calibrations: dict, metric: str, detector: str, cal_size: int) -> float:
        """Calibrated threshold of one metric at one calibration size (cached)."""
        key = (metric, detector, cal_size)
        if key not in self.cache:
            thr = calibrated_threshold(calibrations[(detector, cal_size)].samples[metric], self.quantile,
                                       SPECS[metric].direction)
            if detector in ("performance", "estimated_performance"):   # null samples are changes
                thr += self.baselines[metric]
            self.cache[key] = thr
        return self.cache[key]


def _plan(ref: _Reference, pairs, active: set[str], st: _Settings) -> _Plan:
    sizes = [_effective_sizes(ref, rows, active, st.domain_max_samples, st.mmd_max_samples) for _,
             rows in pairs]
    row_dets = [d for d in _ROW_DETECTORS if d in active]
    row_bucket = _buckets([s[d] for s in sizes for d in row_dets if s.get(d, 0) >= _min_size(d)])
    dom_bucket = _buckets([s["domain"] for s in sizes if s.get("domain", 0) >= DOMAIN_MIN_ROWS])
    mmd_bucket = _buckets([s["mmd"] for s in sizes if s.get("mmd", 0) >= 2])
    row_jobs: dict[int, set[str]] = {}
    cal_sizes = []
    for s in sizes:
        cal = {}
        for d in row_dets:
            if s.get(d, 0) >= _min_size(d):
                cal[d] = row_bucket[s[d]]
                row_jobs.setdefault(cal[d], set()).add(d)
        if s.get("domain", 0) in dom_bucket:
            cal["domain"] = dom_bucket[s["domain"]]
        if s.get("mmd", 0) in mmd_bucket:
            cal["mmd"] = mmd_bucket[s["mmd"]]
        cal_sizes.append(cal)
    domain_sizes = sorted(set(dom_bucket.values()))
    mmd_sizes = sorted(set(mmd_bucket.values()))
    total = (st.n_calibration * (len(row_jobs) + len(mmd_sizes)) + st.domain_calibration * len(domain_sizes)
             + len(pairs))
    return _Plan(active, row_dets, sizes, cal_sizes, row_jobs, domain_sizes, mmd_sizes, total, st.quantile,
                 ref.baselines)


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
        draws: dict[str, list[float]] = {}
        mode = "split"
        for i in range(st.n_calibration):
            chunk, weights, mode = _draw_weights(gen, ref.n, cal_size)
            measured = _measure(ref, ref.pseudo(weights), ref.chunk_source.iloc[chunk], dets, alpha=st.alpha,
                                correction=st.correction, pseudo=True)
            for metric, value in measured.values.items():
                draws.setdefault(metric, []).append(value)
            tick(f"calibrating thresholds for {cal_size:,}-row batches ({i + 1}/{st.n_calibration})")
        for d in dets:
            out[(d, cal_size)] = _Calibration(
                {m.name: np.asarray(draws.get(m.name, []), dtype=float) for m in METRICS if m.detector == d},
                cal_size, mode, st.n_calibration)
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
    rows_out, alerts_out, batch_rows, severity, psi = [], [], [], {}, {}
    for pos, (label, rows) in enumerate(pairs):
        measured = _measure(ref, ref.whole, rows, set(plan.row_detectors), alpha=st.alpha,
                            correction=st.correction, pseudo=False) if len(rows) >= 2 else _Measured({})
        values = dict(measured.values)
        eff, cal_sizes = plan.sizes[pos], plan.cal_sizes[pos]
        extra: dict[str, object] = {}
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
                thr = plan.thresholds(calibrations, spec.name, spec.detector, cal_size)
            alert = exceeds(value, thr, spec.direction)
            base = ref.baselines.get(spec.name, np.nan)
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
    return metrics, alerts, batch_table, sev, psi_table


def _fmt(value: float, metric: str) -> str:
    if metric == "quality_issues":
        return f"{value:.0f}"
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
    stay = "at or below" if spec.direction == "up" else "at or above"
    text += f"; {quantile:.0%} of {int(size):,}-row reference samples stay {stay} it"
    if spec.detector == "features" and measured.table is not None and len(measured.table):
        top = measured.table.sort_values("psi", ascending=False).head(3)
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
    from .diagnosis import diagnose

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

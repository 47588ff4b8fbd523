"""What :func:`drift.monitor` can watch: the detectors, their metrics, which way each is bad, and the
smallest samples they are computed on.

A *detector* (:data:`DETECTORS`) owns one or more *metrics* (:data:`METRICS`) and alerts on a batch when
any of its metrics alerts; its thresholds are calibrated together (:mod:`drift.monitoring.calibration`).
"""

from __future__ import annotations

from dataclasses import dataclass

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

#: Detectors computed from the batch's rows against a reference summary (the domain classifier and MMD
#: subsample both sides instead).
ROW_DETECTORS = ("features", "prediction", "performance", "estimated_performance", "quality")
#: Row-based detectors that read only the score and label columns: a null draw costs them little, so
#: they get :data:`drift.monitoring.calibration.SCORE_DRAWS_FACTOR` times ``n_calibration`` draws.
SCORE_DETECTORS = frozenset({"prediction", "performance", "estimated_performance"})
#: The performance detectors: their null values are *changes*, added to the reference's own value.
PERFORMANCE_DETECTORS = ("performance", "estimated_performance")

#: Realised performance needs at least this many labelled rows (with both classes).
MIN_LABELS = 30
#: The domain classifier needs at least this many rows per side.
DOMAIN_MIN_ROWS = 50


def min_size(detector: str) -> int:
    """Smallest effective size a row-based detector's metrics are computed (and calibrated) at."""
    return MIN_LABELS if detector == "performance" else 2


def metric_names(detectors, *, exclude: tuple[str, ...] = ()) -> list[str]:
    """Names of the metrics of ``detectors`` in display order (but those in ``exclude``)."""
    return [m.name for m in METRICS if m.detector in detectors and m.name not in exclude]

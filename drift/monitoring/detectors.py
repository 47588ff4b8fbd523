"""What :func:`drift.monitor` can watch: the detectors, their metrics, which way each is bad, and the
smallest samples they are computed on.

A *detector* (:data:`DETECTORS`) owns one or more *metrics* (:data:`METRICS`) and alerts on a batch when
any of its metrics alerts; its thresholds are calibrated together (:mod:`drift.monitoring.calibration`).
"""

from __future__ import annotations

from dataclasses import dataclass

from drift.data.task import TASKS

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
    """A monitored metric: its detector, which way is bad, a label for charts, and the model tasks
    (:data:`drift.data.task.TASKS`) it is measured for."""

    name: str
    detector: str | None
    direction: str     # "up": alert when value > threshold; "down": when value < threshold; "none"
    label: str
    tasks: tuple[str, ...] = TASKS


_BINARY = ("binary",)
_CLASSIFIERS = ("binary", "multiclass")
_REGRESSION = ("regression",)
_MULTICLASS = ("multiclass",)


#: Metrics in display order.
METRICS: tuple[MetricSpec, ...] = (
    MetricSpec("n_rows", None, "none", "rows"),
    MetricSpec("share_drifted", "features", "up", "share of features drifted"),
    MetricSpec("psi_tail", "features", "down", "smallest PSI tail probability over features"),
    MetricSpec("max_psi", "features", "none", "largest feature PSI (each feature has its own threshold)"),
    MetricSpec("prediction_psi", "prediction", "up", "prediction PSI"),
    MetricSpec("prediction_ks", "prediction", "up", "forecast KS statistic", _REGRESSION),
    MetricSpec("domain_auc", "domain", "up", "domain-classifier AUC"),
    MetricSpec("mmd", "mmd", "up", "MMD² of embeddings"),
    MetricSpec("roc_auc", "performance", "down", "ROC AUC", _BINARY),
    MetricSpec("accuracy", "performance", "down", "accuracy", _CLASSIFIERS),
    MetricSpec("macro_f1", "performance", "down", "macro-F1", _MULTICLASS),
    MetricSpec("mae", "performance", "up", "MAE", _REGRESSION),
    MetricSpec("rmse", "performance", "up", "RMSE", _REGRESSION),
    MetricSpec("abs_bias", "performance", "up", "|mean error| (bias)", _REGRESSION),
    MetricSpec("estimated_roc_auc", "estimated_performance", "down", "estimated ROC AUC", _BINARY),
    MetricSpec("estimated_accuracy", "estimated_performance", "down", "estimated accuracy", _CLASSIFIERS),
    MetricSpec("estimated_macro_f1", "estimated_performance", "down", "estimated macro-F1 (CBPE)",
               _MULTICLASS),
    MetricSpec("estimated_mae", "estimated_performance", "up", "estimated MAE (DLE)", _REGRESSION),
    MetricSpec("estimated_rmse", "estimated_performance", "up", "estimated RMSE (DLE)", _REGRESSION),
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
#: Decile bins of the prediction PSI (:func:`drift.prediction_drift`'s default), for batches and null draws.
PREDICTION_BINS = 10
#: The domain classifier needs at least this many rows per side.
DOMAIN_MIN_ROWS = 50


def min_size(detector: str) -> int:
    """Smallest effective size a row-based detector's metrics are computed (and calibrated) at."""
    return MIN_LABELS if detector == "performance" else 2


def task_metrics(task: str = "binary") -> tuple[MetricSpec, ...]:
    """The metrics measured for a model of ``task``, in display order."""
    return tuple(m for m in METRICS if task in m.tasks)


def metric_names(detectors, *, exclude: tuple[str, ...] = (), task: str = "binary") -> list[str]:
    """Names of the metrics of ``detectors`` for a model of ``task`` in display order (but those in
    ``exclude``)."""
    return [m.name for m in task_metrics(task) if m.detector in detectors and m.name not in exclude]

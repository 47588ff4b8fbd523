"""How :func:`drift.monitor` measures, calibrates and cuts batches: one frozen, validated settings object.

:class:`MonitorSettings` holds every option of :func:`drift.monitor` that is a choice rather than data
(the data -- reference, batches, schema, roles, embeddings -- and the seed and progress callback stay
arguments of :func:`drift.monitor`).  It is checked once, when built; :func:`drift.monitor` accepts it
whole (``settings=``) and/or any of its fields as keyword arguments, which override it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from drift.core.errors import DriftParameterError, check_int, check_parameter, is_number
from drift.data.task import TASKS
from drift.diagnosis.diagnose import STEP_KEYS
from drift.monitoring.detectors import DEFAULT_DETECTORS, DETECTORS, DOMAIN_MIN_ROWS
from drift.stats.binning import check_bins
from drift.stats.correction import CORRECTIONS


@dataclass(frozen=True, slots=True)
class MonitorSettings:
    """Options of :func:`drift.monitor`, validated when built (a bad value raises
    :class:`~drift.core.errors.DriftParameterError` naming it).

    Attributes
    ----------
    alpha : float, default 0.05
        Significance level of the per-feature tests (severity) and data-quality checks.
    quantile : float, default 0.95
        Threshold quantile of the null values: each detector's false-alarm rate on a batch like the
        reference is about ``1 - quantile`` (on average over calibrations;
        :mod:`drift.monitoring.calibration`).
    n_calibration : int, default 40
        Null batches drawn per calibration (per size bucket) for the feature-based detectors;
        :data:`~drift.monitoring.calibration.SCORE_DRAWS_FACTOR` times as many for the score-based ones.
    detectors : tuple of str, default :data:`~drift.monitoring.detectors.DEFAULT_DETECTORS`
        Subset of :data:`~drift.monitoring.detectors.DETECTORS` (all but the domain classifier by
        default); a single name is accepted.  Detectors whose inputs are absent are skipped (a note says
        so).
    correction, bins : str, int
        Multiple-testing correction (``"bh"``, ``"bonferroni"``, ``"none"``) and PSI bins of
        :func:`drift.feature_drift`.
    threshold : float, default 0.5
        The model's decision threshold, for accuracy.
    mute : tuple of str, default ()
        Features whose change is expected (e.g. a calendar feature such as ``"seasonality"``): still
        compared, charted and given a threshold, never alerting (:mod:`drift.monitoring.metrics`); the
        score-based detectors compare each batch with the reference reweighted to the batch's
        distribution of them (:mod:`drift.monitoring.reweighting`).  A single name is accepted;
        duplicates are dropped.
    domain_max_samples, domain_n_folds, domain_calibration : int, default 2000, 3, 20
        The domain classifier (the costly detector, ~0.5 s a call) uses at most ``domain_max_samples``
        rows per side and ``domain_n_folds`` folds; its threshold comes from ``domain_calibration`` null
        draws (fewer than ``n_calibration``: with 20 draws the 0.95 threshold is the largest, a
        false-alarm rate of at most 1/21).
    mmd_max_samples : int, default 1000
        Rows per side for MMD² (only the statistic is used: its threshold is calibrated).
    diagnose_alerts : bool, default False
        Run :func:`drift.diagnose` (its ``diagnose_steps``) on each alerted batch for a verdict.
    diagnose_steps : tuple of str, default ("inputs", "prediction", "concept")
        Steps of that diagnosis (a subset of :data:`drift.diagnosis.diagnose.STEP_KEYS`).
    batch_col, time_col, period, size, order, shuffle, min_rows
        How a production DataFrame is cut into batches (:func:`drift.data.batching.split_batches`; a
        DataFrame with none of them is one batch, ``"current"``).  ``order`` (with ``size``) cuts runs
        of rows sorted by that column, which is then left out of the monitored features: every batch
        would differ on it by construction; ``shuffle`` (with ``size``) cuts random chunks seeded by
        :func:`drift.monitor`'s ``rng``.  Without ``order`` or ``shuffle`` a ``size`` split follows the
        file's row order, and :attr:`~drift.monitoring.monitor.MonitorResult.chunking` says so.  Checked
        by :func:`~drift.data.batching.split_batches` against the data.
    chunking : str, optional
        How the caller cut the batches (when it passes them already split), for
        :attr:`~drift.monitoring.monitor.MonitorResult.chunking`; default: said from the split options.
    task : {"binary", "multiclass", "regression"}, optional
        The model's task; default: inferred from the reference's target and prediction
        (:func:`drift.data.task.infer_task`).  It decides the model-facing metrics
        (:mod:`drift.monitoring.task_outputs` for regression and multiclass).

    Examples
    --------
    >>> from drift.monitoring.settings import MonitorSettings
    >>> quick = MonitorSettings(n_calibration=20, detectors="features")
    >>> quick.detectors
    ('features',)
    >>> MonitorSettings(quantile=1.5)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    drift.core.errors.DriftParameterError: The 'quantile' parameter of monitor must be in (0, 1). Got 1.5 ...
    """

    alpha: float = 0.05
    quantile: float = 0.95
    n_calibration: int = 40
    detectors: tuple[str, ...] = DEFAULT_DETECTORS
    correction: str = "bh"
    bins: int = 10
    threshold: float = 0.5
    mute: tuple[str, ...] = ()
    domain_max_samples: int = 2000
    domain_n_folds: int = 3
    domain_calibration: int = 20
    mmd_max_samples: int = 1000
    diagnose_alerts: bool = False
    diagnose_steps: tuple[str, ...] = ("inputs", "prediction", "concept")
    batch_col: str | None = None
    time_col: str | None = None
    period: str | None = None
    size: int | None = None
    order: str | None = None
    shuffle: bool = False
    min_rows: int = 50
    chunking: str | None = None
    task: str | None = None

    def __post_init__(self) -> None:
        _check("alpha", is_number(self.alpha) and 0 < self.alpha < 1, "in (0, 1)", self.alpha)
        _check("quantile", is_number(self.quantile) and 0 < self.quantile < 1, "in (0, 1)", self.quantile)
        for name, low in (("n_calibration", 2), ("domain_calibration", 2),
                          ("domain_max_samples", DOMAIN_MIN_ROWS), ("domain_n_folds", 2),
                          ("mmd_max_samples", 2)):
            value = getattr(self, name)
            check_int(value, name, "monitor", low)
            object.__setattr__(self, name, int(value))
        detectors = _names(self.detectors)
        unknown = [d for d in detectors if d not in DETECTORS]
        _check("detectors", not unknown, f"a subset of {tuple(DETECTORS)}", unknown)
        object.__setattr__(self, "detectors", detectors)
        _check("correction", self.correction in CORRECTIONS, f"one of {CORRECTIONS}", self.correction)
        check_bins(self.bins, "monitor")
        _check("threshold", is_number(self.threshold) and 0 <= self.threshold <= 1, "a number in [0, 1]",
               self.threshold)
        object.__setattr__(self, "mute", tuple(dict.fromkeys(_names(self.mute))))
        steps = _names(self.diagnose_steps)
        _check("diagnose_steps", set(steps) <= set(STEP_KEYS), f"a subset of {STEP_KEYS}", steps)
        object.__setattr__(self, "diagnose_steps", steps)
        _check("task", self.task is None or self.task in TASKS, f"one of {TASKS} or None", self.task)


#: The options :func:`drift.monitor` takes as keyword arguments.
FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(MonitorSettings))


def monitor_settings(settings: MonitorSettings | None, options: Mapping[str, object],
                     func: str = "monitor") -> MonitorSettings:
    """``settings`` (default: the defaults) with the keyword ``options`` of ``func`` applied on top,
    validated.  An unknown option is a :class:`TypeError`, as Python raises for an unknown keyword
    argument, listing the valid ones."""
    unknown = [name for name in options if name not in FIELDS]
    if unknown:
        raise TypeError(f"{func}() got an unexpected keyword argument {unknown[0]!r}; its options are "
                        f"{', '.join(FIELDS)} (the fields of MonitorSettings)")
    if settings is None:
        return MonitorSettings(**options)
    if not isinstance(settings, MonitorSettings):
        raise DriftParameterError.invalid("settings", func, "a MonitorSettings or None",
                                          type(settings).__name__)
    return dataclasses.replace(settings, **options) if options else settings


def _check(name: str, ok: bool, allowed: str, got) -> None:
    check_parameter(ok, name, "monitor", allowed, got)


def _names(value: str | Sequence[str] | None) -> tuple[str, ...]:
    """A name or a sequence of names as a tuple."""
    return (value,) if isinstance(value, str) else tuple(value or ())
